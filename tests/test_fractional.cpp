// Fractional pooling (SPEC section 6), both families: the seed 4x4 example, the Graham /
// TensorFlow sequences against the reference's formula, shuffle and output size (every
// (in, out) pair up to 80, many ratios), both families
// against the reference over random shapes and strided views on every instruction set
// and thread count, seeded draws reproducible, sequences round-tripped, and the inputs a
// new user gets wrong. (PyTorch golden files: test_golden.cpp.)
#include "reference.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <string>

namespace {

using poolkit::index_t;

using test::one_to_sixteen;
using test::values_of;

TEST(FractionalSeed, RatioOnePointFourFour) {
  // SPEC section 6: ratio 1.44 on 4x4 gives 2x2; the sequences are [0, 2, 4] and the max
  // is [[6, 8], [14, 16]]. 4 / 2 leaves no remainder, so every seed and kind agree.
  const auto x = one_to_sixteen();
  for (bool pseudo : {true, false})
    for (std::uint64_t seed : {0u, 1u, 99u}) {
      const poolkit::fractional_ratio_params p{.pooling_ratio = {1.44, 1.44},
                                               .pseudo_random = pseudo};
      const auto r = poolkit::fractional_max_pool2d(x, p, seed);
      EXPECT_EQ(r.sequences.rows, (std::vector<index_t>{0, 2, 4}));
      EXPECT_EQ(r.sequences.cols, (std::vector<index_t>{0, 2, 4}));
      EXPECT_EQ(values_of(r.values), (std::vector<float>{6, 8, 14, 16}));
      EXPECT_EQ(values_of(r.indices), (std::vector<index_t>{5, 7, 13, 15}));
      const auto a = poolkit::fractional_avg_pool2d(x, p, seed);
      EXPECT_EQ(values_of(a.values), (std::vector<float>{3.5, 5.5, 11.5, 13.5}));
      // Overlapping regions share their boundary row and column.
      const auto o = poolkit::fractional_max_pool2d(
          x, poolkit::fractional_ratio_params{.pooling_ratio = {1.44, 1.44}, .overlapping = true},
          seed);
      EXPECT_EQ(values_of(o.values), (std::vector<float>{11, 12, 15, 16}));
    }
  // The PyTorch family on the same input: kernel 2, output 2x2, any samples.
  const auto y = poolkit::fractional_max_pool2d(
      x, poolkit::fractional_max_params{.kernel = {2, 2}, .output_size = {2, 2}}, 4);
  EXPECT_EQ(values_of(y.values), (std::vector<float>{6, 8, 14, 16}));
}

TEST(GrahamSequences, ExactForEveryPairUpTo80) {
  // Length out + 1, from 0 to in, increments K = in / out or K + 1, with in % out of the
  // latter; both kinds, several seeds, rows and columns.
  int checked = 0;
  for (index_t in = 1; in <= 80; ++in)
    for (index_t out = 1; out <= in; ++out)
      for (auto kind : {poolkit::geometry::sequence_kind::pseudo_random,
                        poolkit::geometry::sequence_kind::random})
        for (std::uint64_t seed : {0u, 1u, 2u, 77u}) {
          const auto a = poolkit::geometry::graham_sequence(in, out, kind, seed,
                                                            poolkit::random::stream::sequence_rows);
          ASSERT_EQ(a.size(), static_cast<std::size_t>(out + 1));
          ASSERT_EQ(a.front(), 0);
          ASSERT_EQ(a.back(), in);
          const index_t K = in / out;
          index_t wide = 0;
          for (std::size_t i = 1; i < a.size(); ++i) {
            const index_t d = a[i] - a[i - 1];
            ASSERT_TRUE(d == K || d == K + 1)
                << "in " << in << " out " << out << " step " << d << " kind " << int(kind);
            wide += d == K + 1 ? 1 : 0;
          }
          ASSERT_EQ(wide, in % out);
          ++checked;
        }
  EXPECT_EQ(checked, 80 * 81 / 2 * 2 * 4);
}

/// The uniform the documented draw gives: Philox4x32-10 (KAT-tested in
/// test_stochastic.cpp) under (seed, stream, index), first two words, SPEC's 53 bits.
double documented_uniform(std::uint64_t seed, poolkit::random::stream s, std::uint64_t index) {
  const auto w = poolkit::random::draw(seed, s, index);
  return ref::unit_uniform(w[0], w[1]);
}

TEST(GrahamSequences, PseudoRandomIsTensorFlowsFormula) {
  // SPEC section 6: b_i = ceil(alpha (i + u)) - 1 with u = uniform(draw 0) * u_max, for
  // every 1 <= out <= in <= 80, both axes' streams and several seeds, against the
  // reference's formula (tests/reference.hpp), boundary by boundary.
  using poolkit::random::stream;
  int checked = 0, uneven = 0;
  for (index_t in = 1; in <= 80; ++in)
    for (index_t out = 1; out <= in; ++out)
      for (stream s : {stream::sequence_rows, stream::sequence_cols})
        for (std::uint64_t seed : {0u, 1u, 2u, 77u, 123456789u}) {
          const auto got = poolkit::geometry::graham_sequence(
              in, out, poolkit::geometry::sequence_kind::pseudo_random, seed, s);
          const double u = documented_uniform(seed, s, 0) * ref::graham_u_max(in, out);
          ASSERT_EQ(got, ref::graham_pseudo_random(in, out, u))
              << "in " << in << " out " << out << " seed " << seed << " u " << u;
          ++checked;
          uneven += in % out != 0 ? 1 : 0;
        }
  EXPECT_EQ(checked, 80 * 81 / 2 * 2 * 5);
  EXPECT_GT(uneven, checked / 2);  // most pairs draw u at all
}

TEST(GrahamSequences, PseudoRandomStaysInsideTensorFlowsBoundsForEveryU) {
  // For u anywhere in [0, u_max) the formula's first increment is at most K + 1 and the
  // last at least K, every increment K or K + 1 (Graham's section 2): the reference's
  // u_max is the right bound, checked on a grid of u.
  for (index_t in = 2; in <= 60; ++in)
    for (index_t out = 1; out < in; ++out) {
      if (in % out == 0) continue;
      const index_t K = in / out;
      const double u_max = ref::graham_u_max(in, out);
      ASSERT_GT(u_max, 0.0) << in << " " << out;
      for (int k = 0; k < 64; ++k) {
        const auto b = ref::graham_pseudo_random(in, out, u_max * k / 64.0);
        for (std::size_t i = 1; i < b.size(); ++i)
          ASSERT_TRUE(b[i] - b[i - 1] == K || b[i] - b[i - 1] == K + 1)
              << "in " << in << " out " << out << " u " << u_max * k / 64.0 << " step " << i;
      }
    }
}

TEST(GrahamSequences, RandomIsTheDocumentedShuffle) {
  // Increments K + 1 (in % out of them) then K, Fisher-Yates from the last position with
  // draw i deciding position i (README, fractional pooling): the reference's shuffle.
  using poolkit::random::stream;
  int checked = 0;
  for (index_t in = 1; in <= 80; ++in)
    for (index_t out = 1; out <= in; ++out)
      for (stream s : {stream::sequence_rows, stream::sequence_cols})
        for (std::uint64_t seed : {0u, 3u, 99u}) {
          const auto got = poolkit::geometry::graham_sequence(
              in, out, poolkit::geometry::sequence_kind::random, seed, s);
          const auto want = ref::graham_random(in, out, [&](index_t i) {
            return documented_uniform(seed, s, static_cast<std::uint64_t>(i));
          });
          ASSERT_EQ(got, want) << "in " << in << " out " << out << " seed " << seed;
          // The multiset of increments: in % out of K + 1, the rest K.
          std::vector<index_t> steps;
          for (std::size_t i = 1; i < got.size(); ++i) steps.push_back(got[i] - got[i - 1]);
          ASSERT_EQ(std::count(steps.begin(), steps.end(), in / out + 1),
                    in % out == 0 ? 0 : in % out);
          ++checked;
        }
  EXPECT_EQ(checked, 80 * 81 / 2 * 2 * 3);
}

TEST(GrahamSequences, OutputSizeIsFloorOfInputOverRatio) {
  // floor(in / ratio) from the reference for many (in, ratio) pairs, through the public
  // fractional_pooling_sequences; a ratio that leaves no output is refused.
  std::mt19937_64 rng(61);
  std::uniform_real_distribution<double> any_ratio(1.0, 6.0);
  std::vector<double> ratios = {
      1.0, 1.0000001,         1.25, 1.4142135623730951, 1.44, 1.5, 1.9999999, 2.0,
      2.5, 2.718281828459045, 3.0,  3.3333333333333335, 4.75};
  for (int i = 0; i < 20; ++i) ratios.push_back(any_ratio(rng));
  int sized = 0, refused = 0;
  for (index_t in = 1; in <= 120; ++in)
    for (double rh : ratios) {
      const double rw = ratios[static_cast<std::size_t>(in) % ratios.size()];
      const index_t width = 1 + (in * 7) % 53;
      const poolkit::fractional_ratio_params p{.pooling_ratio = {rh, rw},
                                               .pseudo_random = in % 2 == 0};
      const index_t oh = ref::graham_output_size(in, rh), ow = ref::graham_output_size(width, rw);
      const auto r =
          poolkit::try_fractional_pooling_sequences({in, width}, p, static_cast<std::uint64_t>(in));
      if (oh < 1 || ow < 1) {
        ASSERT_FALSE(r) << in << " / " << rh << ", " << width << " / " << rw;
        EXPECT_NE(r.error().message().find("floor(in / ratio) must be >= 1"), std::string::npos)
            << r.error().message();
        ++refused;
        continue;
      }
      ASSERT_TRUE(r) << r.error().message();
      ASSERT_EQ(static_cast<index_t>(r->rows.size()), oh + 1) << in << " / " << rh;
      ASSERT_EQ(static_cast<index_t>(r->cols.size()), ow + 1) << width << " / " << rw;
      ++sized;
    }
  EXPECT_GT(sized, 2000);
  EXPECT_GT(refused, 10);
}

TEST(GrahamSequences, RandomKindVariesWithTheSeedAndTheAxis) {
  const poolkit::fractional_ratio_params p{.pooling_ratio = {1.5, 1.5}};
  const auto a = poolkit::fractional_pooling_sequences({60, 60}, p, 1);
  const auto b = poolkit::fractional_pooling_sequences({60, 60}, p, 2);
  EXPECT_EQ(a.rows.size(), 41u);
  EXPECT_NE(a.rows, b.rows);
  EXPECT_NE(a.rows, a.cols);  // rows and columns draw from their own streams
  EXPECT_EQ(a.rows, poolkit::fractional_pooling_sequences({60, 60}, p, 1).rows);
  // Pseudo-random: one u per sequence; different seeds give different placements.
  const poolkit::fractional_ratio_params q{.pooling_ratio = {1.5, 1.5}, .pseudo_random = true};
  int distinct = 0;
  const auto first = poolkit::fractional_pooling_sequences({61, 61}, q, 0).rows;
  for (std::uint64_t seed = 1; seed < 20; ++seed)
    distinct += poolkit::fractional_pooling_sequences({61, 61}, q, seed).rows != first ? 1 : 0;
  EXPECT_GT(distinct, 0);
  // TensorFlow's output size: floor(in / ratio).
  EXPECT_EQ(
      poolkit::fractional_pooling_sequences({10, 7}, {.pooling_ratio = {1.44, 2.0}}, 0).rows.size(),
      6u + 1);
  EXPECT_EQ(
      poolkit::fractional_pooling_sequences({10, 7}, {.pooling_ratio = {1.44, 2.0}}, 0).cols.size(),
      3u + 1);
}

/// A random input embedded in a larger buffer. With `column_step_two` the plane is stored
/// transposed, so columns are not adjacent in memory: the direct kernel runs instead of
/// the separable one.
template <class T>
test::embedded<T> random_input(std::mt19937_64& rng, const poolkit::extents4& e,
                               bool column_step_two) {
  test::embedded<T> x(
      e, {1, 0, 2, column_step_two ? e[3] : 1}, {1, 0, 1, 0},
      column_step_two ? std::array<int, 4>{0, 1, 3, 2} : std::array<int, 4>{0, 1, 2, 3}, T(-9));
  const bool special = rng() % 4 == 0;
  const bool ties = rng() % 3 == 0;
  test::fill(x.view, [&] {
    if (special && rng() % 8 == 0) {
      const T s[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                     -std::numeric_limits<T>::infinity()};
      return s[rng() % 3];
    }
    return ties ? static_cast<T>(static_cast<int>(rng() % 5) - 2)
                : static_cast<T>(static_cast<int>(rng() % 20001) - 10000) / T(64);
  });
  return x;
}

template <class T>
void check_torch_family(std::uint32_t seed_of_test) {
  std::mt19937_64 rng(seed_of_test);
  const auto isas = poolkit::available_instruction_sets();
  for (int trial = 0; trial < 120; ++trial) {
    const index_t N = 1 + static_cast<index_t>(rng() % 2), C = 1 + static_cast<index_t>(rng() % 3);
    const index_t H = 1 + static_cast<index_t>(rng() % 30),
                  W = 1 + static_cast<index_t>(rng() % 40);
    const index_t kh =
        1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(std::min<index_t>(4, H)));
    const index_t kw =
        1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(std::min<index_t>(4, W)));
    const index_t OH = 1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(H - kh + 1));
    const index_t OW = 1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(W - kw + 1));
    auto x = random_input<T>(rng, {N, C, H, W}, trial % 3 == 0);
    const poolkit::nchw_view<const T> in = x.view;
    const std::uint64_t seed = rng();
    const poolkit::fractional_max_params p{.kernel = {kh, kw}, .output_size = {OH, OW}};
    const auto u = poolkit::fractional_samples<T>(N, C, seed);
    for (auto isa : isas) {
      const poolkit::policy pol{.isa = isa, .threads = 1 + static_cast<int>(rng() % 3)};
      const auto r = poolkit::fractional_max_pool2d(in, p, seed, pol);
      const auto given = poolkit::fractional_max_pool2d(in, p, u, pol);
      ASSERT_EQ(values_of(r.indices), values_of(given.indices));
      for (index_t n = 0; n < N; ++n)
        for (index_t c = 0; c < C; ++c) {
          const auto rows = ref::fractional_starts<T>(u(n, c, 0, 1), H, OH, kh);
          const auto cols = ref::fractional_starts<T>(u(n, c, 0, 0), W, OW, kw);
          for (index_t oh = 0; oh < OH; ++oh)
            for (index_t ow = 0; ow < OW; ++ow) {
              const auto want =
                  ref::window_one<T>([&](index_t h, index_t w) { return in(n, c, h, w); }, H, W,
                                     rows[static_cast<std::size_t>(oh)],
                                     cols[static_cast<std::size_t>(ow)], kh, kw, ref::op::max);
              ASSERT_TRUE(test::same_value(r.values(n, c, oh, ow), want.value))
                  << "trial " << trial << " " << poolkit::name_of(isa);
              ASSERT_EQ(r.indices(n, c, oh, ow), want.index)
                  << "trial " << trial << " " << poolkit::name_of(isa);
            }
        }
    }
  }
}

TEST(FractionalTorchFamily, MatchesReferenceEveryIsaFloat) { check_torch_family<float>(21); }
TEST(FractionalTorchFamily, MatchesReferenceEveryIsaDouble) { check_torch_family<double>(22); }

/// Graham / TensorFlow fractional max and avg pooling against the reference: the
/// sequences a seed gives equal the reference's (output size floor(in / ratio), the
/// documented draws), and over sequences the reference made itself (pseudo-random with a
/// random u, or shuffled), overlapping and disjoint, every output and index equals the
/// reference's row-major fold of its region.
template <class T>
void check_graham_family(std::uint32_t seed_of_test) {
  std::mt19937_64 rng(seed_of_test);
  const auto isas = poolkit::available_instruction_sets();
  using poolkit::random::stream;
  for (int trial = 0; trial < 120; ++trial) {
    const index_t N = 1 + static_cast<index_t>(rng() % 2), C = 1 + static_cast<index_t>(rng() % 3);
    // At least 3 rows and columns: floor(in / ratio) >= 1 for ratios up to 3.
    const index_t H = 3 + static_cast<index_t>(rng() % 28),
                  W = 3 + static_cast<index_t>(rng() % 38);
    std::uniform_real_distribution<double> ratio(1.0, 3.0);
    const poolkit::fractional_ratio_params p{.pooling_ratio = {ratio(rng), ratio(rng)},
                                             .pseudo_random = rng() % 2 == 0,
                                             .overlapping = rng() % 2 == 0};
    auto x = random_input<T>(rng, {N, C, H, W}, trial % 3 == 0);
    const poolkit::nchw_view<const T> in = x.view;
    const std::uint64_t seed = rng();
    const index_t OH = ref::graham_output_size(H, p.pooling_ratio[0]);
    const index_t OW = ref::graham_output_size(W, p.pooling_ratio[1]);
    // The reference's sequences for the seed, from the documented draws.
    const auto seeded = [&](index_t size, index_t out, stream s) {
      if (p.pseudo_random)
        return ref::graham_pseudo_random(
            size, out, documented_uniform(seed, s, 0) * ref::graham_u_max(size, out));
      return ref::graham_random(size, out, [&](index_t i) {
        return documented_uniform(seed, s, static_cast<std::uint64_t>(i));
      });
    };
    const poolkit::pooling_sequences from_seed{seeded(H, OH, stream::sequence_rows),
                                               seeded(W, OW, stream::sequence_cols)};
    // Sequences of the reference's own making: another count of regions than the ratio's
    // is valid too when given (only `overlapping` shapes the regions).
    const auto made = [&](index_t size) {
      const index_t out = 1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(size));
      if (rng() % 2 == 0)
        return ref::graham_pseudo_random(
            size, out,
            std::uniform_real_distribution<double>(0.0, 1.0)(rng) * ref::graham_u_max(size, out));
      return ref::graham_random(size, out, [&](index_t) {
        return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      });
    };
    const poolkit::pooling_sequences given{made(H), made(W)};
    const auto expect_regions = [&](const poolkit::pooling_sequences& s,
                                    const poolkit::tensor<T>& max_values,
                                    const poolkit::tensor<index_t>& indices,
                                    const poolkit::tensor<T>& avg_values, const std::string& what) {
      const auto oh_count = static_cast<index_t>(s.rows.size()) - 1,
                 ow_count = static_cast<index_t>(s.cols.size()) - 1;
      ASSERT_EQ(max_values.extents(), (poolkit::extents4{N, C, oh_count, ow_count})) << what;
      ASSERT_EQ(avg_values.extents(), max_values.extents()) << what;
      for (index_t n = 0; n < N; ++n)
        for (index_t c = 0; c < C; ++c)
          for (index_t oh = 0; oh < oh_count; ++oh)
            for (index_t ow = 0; ow < ow_count; ++ow) {
              const auto [h0, kh] = ref::graham_region(s.rows, oh, H, p.overlapping);
              const auto [w0, kw] = ref::graham_region(s.cols, ow, W, p.overlapping);
              const auto plane = [&](index_t h, index_t w) { return in(n, c, h, w); };
              const auto want = ref::window_one<T>(plane, H, W, h0, w0, kh, kw, ref::op::max);
              const auto where = ::testing::Message()
                                 << what << " trial " << trial << " at (" << n << ", " << c << ", "
                                 << oh << ", " << ow << ")";
              ASSERT_TRUE(test::same_value(max_values(n, c, oh, ow), want.value)) << where;
              ASSERT_EQ(indices(n, c, oh, ow), want.index) << where;
              const auto mean = ref::window_one<T>(plane, H, W, h0, w0, kh, kw, ref::op::avg);
              ASSERT_TRUE(test::same_value(avg_values(n, c, oh, ow), mean.value)) << where;
            }
    };
    for (auto isa : isas) {
      const poolkit::policy pol{.isa = isa, .threads = 1 + static_cast<int>(rng() % 3)};
      const std::string name(poolkit::name_of(isa));
      const auto r = poolkit::fractional_max_pool2d(in, p, seed, pol);
      const auto a = poolkit::fractional_avg_pool2d(in, p, seed, pol);
      ASSERT_EQ(r.sequences.rows, from_seed.rows) << "trial " << trial;
      ASSERT_EQ(r.sequences.cols, from_seed.cols) << "trial " << trial;
      ASSERT_EQ(a.sequences.rows, from_seed.rows) << "trial " << trial;
      ASSERT_EQ(a.sequences.cols, from_seed.cols) << "trial " << trial;
      expect_regions(from_seed, r.values, r.indices, a.values, "seeded " + name);
      const auto gm = poolkit::fractional_max_pool2d(in, p, given, pol);
      const auto ga = poolkit::fractional_avg_pool2d(in, p, given, pol);
      expect_regions(given, gm.values, gm.indices, ga.values, "given " + name);
    }
  }
}

TEST(FractionalGrahamFamily, MatchesReferenceEveryIsaFloat) { check_graham_family<float>(31); }
TEST(FractionalGrahamFamily, MatchesReferenceEveryIsaDouble) { check_graham_family<double>(32); }

TEST(FractionalTorchFamily, SamplesAndOutputRatio) {
  const auto u = poolkit::fractional_samples<float>(3, 5, 42);
  EXPECT_EQ(u.extents(), (poolkit::extents4{3, 5, 1, 2}));
  for (float v : u.values()) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LT(v, 1.0f);
  }
  EXPECT_NE(values_of(u), values_of(poolkit::fractional_samples<float>(3, 5, 43)));
  const auto d = poolkit::fractional_samples<double>(1, 1, 42);
  EXPECT_NE(d(0, 0, 0, 0), double(u(0, 0, 0, 0)));  // double draws 53 bits
  // output_ratio: out = int(in * ratio), as PyTorch.
  poolkit::tensor<float> x({1, 2, 25, 19});
  const auto y = poolkit::fractional_max_pool2d(
      x, poolkit::fractional_max_params{.kernel = {2, 3}, .output_ratio = {0.5, 0.7}}, 1);
  EXPECT_EQ(y.values.extents(), (poolkit::extents4{1, 2, 12, 13}));
}

TEST(FractionalInto, WritesOnlyTheViews) {
  const auto x = one_to_sixteen();
  const poolkit::fractional_max_params p{.kernel = {2, 2}, .output_size = {3, 2}};
  const auto u = poolkit::fractional_samples<float>(1, 1, 5);
  const auto want = poolkit::fractional_max_pool2d(x, p, u);
  test::embedded<float> y({1, 1, 3, 2}, {0, 1, 1, 2}, {0, 1, 1, 1}, {0, 1, 2, 3}, -4.0f);
  poolkit::tensor<index_t> idx({1, 1, 3, 2});
  poolkit::fractional_max_pool2d(x, y.view, idx, p, u);
  EXPECT_TRUE(y.outside_untouched(-4.0f));
  for (index_t i = 0; i < 6; ++i) {
    EXPECT_EQ(y.view(0, 0, i / 2, i % 2), want.values.values()[static_cast<std::size_t>(i)]);
    EXPECT_EQ(idx.values()[static_cast<std::size_t>(i)],
              want.indices.values()[static_cast<std::size_t>(i)]);
  }
}

TEST(FractionalErrors, WhatANewUserGetsWrong) {
  const auto x = one_to_sixteen();
  using poolkit::fractional_max_params;
  using poolkit::fractional_ratio_params;
  const auto torch = [&](const fractional_max_params& p) {
    (void)poolkit::fractional_max_pool2d(x, p, 0);
  };
  test::expect_error(
      [&] {
        torch({.kernel = {2, 2}});
      },
      {"poolkit::fractional_max_pool2d", "neither set"});
  test::expect_error(
      [&] {
        torch({.kernel = {2, 2}, .output_size = {2, 2}, .output_ratio = {0.5, 0.5}});
      },
      {"both set", "exactly one"});
  test::expect_error(
      [&] {
        torch({.kernel = {2, 2}, .output_size = {4, 2}});
      },
      {"output_size = {4, 2}", "output_size + kernel - 1 must be <= the input size {4, 4}"});
  test::expect_error(
      [&] {
        torch({.kernel = {0, 2}, .output_size = {2, 2}});
      },
      {"kernel = {0, 2}", ">= 1"});
  constexpr index_t huge = std::numeric_limits<index_t>::max();
  test::expect_error(
      [&] {
        torch({.kernel = {huge, 2}, .output_size = {huge, 2}});
      },
      {"output_size = {" + std::to_string(huge) + ", 2}", "<= the input size"});
  test::expect_error(
      [&] {
        torch({.kernel = {2, 2}, .output_ratio = {1.0, 0.5}});
      },
      {"output_ratio.h = 1", "(0, 1)"});
  test::expect_error(
      [&] {
        torch({.kernel = {2, 2}, .output_ratio = {0.5, 0.1}});
      },
      {"output_size = {2, 0}", "empty output"});
  // Samples outside [0, 1), NaN, or of the wrong shape.
  const fractional_max_params p{.kernel = {2, 2}, .output_size = {2, 2}};
  for (float bad : {1.0f, -0.25f, std::numeric_limits<float>::quiet_NaN()}) {
    poolkit::tensor<float> u({1, 1, 1, 2});
    u(0, 0, 0, 1) = bad;
    test::expect_error([&] { (void)poolkit::fractional_max_pool2d(x, p, u); },
                       {"samples(0, 0, 0, 1)", "must be in [0, 1)"});
  }
  poolkit::tensor<float> wrong({1, 1, 2, 1});
  test::expect_error([&] { (void)poolkit::fractional_max_pool2d(x, p, wrong); },
                     {"samples extents = {1, 1, 2, 1}", "{N, C, 1, 2} = {1, 1, 1, 2}"});
  poolkit::tensor<float> two_planes({1, 2, 1, 2});
  test::expect_error([&] { (void)poolkit::fractional_max_pool2d(x, p, two_planes); },
                     {"samples extents = {1, 2, 1, 2}"});
  // Into views: the wrong output shape, and nothing written.
  poolkit::tensor<float> y({1, 1, 2, 3});
  poolkit::tensor<index_t> idx({1, 1, 2, 2});
  test::expect_error(
      [&] {
        poolkit::fractional_max_pool2d(x, y, idx, p, poolkit::fractional_samples<float>(1, 1, 0));
      },
      {"y extents = {1, 1, 2, 3}", "{1, 1, 2, 2}"});
  EXPECT_EQ(idx(0, 0, 0, 0), 0);
  // Graham: ratio below 1, NaN, too large for the input; bad sequences.
  const auto graham = [&](const fractional_ratio_params& q) {
    (void)poolkit::fractional_max_pool2d(x, q, 0);
  };
  test::expect_error(
      [&] {
        graham({.pooling_ratio = {0.5, 1.5}});
      },
      {"poolkit::fractional_max_pool2d", "pooling_ratio.h = 0.5", ">= 1"});
  test::expect_error(
      [&] {
        graham({.pooling_ratio = {1.5, std::numeric_limits<double>::quiet_NaN()}});
      },
      {"pooling_ratio.w = nan"});
  test::expect_error(
      [&] {
        graham({.pooling_ratio = {5, 1.5}});
      },
      {"pooling_ratio.h = 5", "no output for input size 4"});
  test::expect_error([&] { (void)poolkit::fractional_avg_pool2d(x, fractional_ratio_params{}, 0); },
                     {"poolkit::fractional_avg_pool2d", "pooling_ratio.h = 0"});
  const fractional_ratio_params q{.pooling_ratio = {1.5, 1.5}};
  const auto seq = [&](std::vector<index_t> rows) {
    (void)poolkit::fractional_max_pool2d(x, q, poolkit::pooling_sequences{rows, {0, 2, 4}});
  };
  test::expect_error([&] { seq({1, 2, 4}); }, {"sequences.rows[0] = 1", "must be 0"});
  test::expect_error([&] { seq({0, 2, 5}); }, {"sequences.rows[2] = 5", "input size 4"});
  test::expect_error([&] { seq({0, 2, 2, 4}); }, {"sequences.rows[2] = 2", "greater than"});
  test::expect_error([&] { seq({4}); }, {"sequences.rows.size() = 1", ">= 2"});
  test::expect_error(
      [&] {
        (void)poolkit::fractional_pooling_sequences({0, 4}, q, 0);
      },
      {"poolkit::fractional_pooling_sequences", "input = {0, 4}"});
}

}  // namespace
