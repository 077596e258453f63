// Fractional pooling (SPEC section 6), both families: the seed 4x4 example, the Graham /
// TensorFlow sequences checked exactly for every (in, out) pair up to 80, both families
// against the reference over random shapes and strided views on every instruction set
// and thread count, seeded draws reproducible, sequences round-tripped, and the inputs a
// new user gets wrong. (PyTorch golden files: test_golden.cpp.)
#include "reference.hpp"
#include "test_support.hpp"

#include <limits>
#include <random>

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
      const poolkit::fractional_ratio_params p{.pooling_ratio = {1.44, 1.44}, .pseudo_random = pseudo};
      const auto r = poolkit::fractional_max_pool2d(x, p, seed);
      EXPECT_EQ(r.sequences.rows, (std::vector<index_t>{0, 2, 4}));
      EXPECT_EQ(r.sequences.cols, (std::vector<index_t>{0, 2, 4}));
      EXPECT_EQ(values_of(r.values), (std::vector<float>{6, 8, 14, 16}));
      EXPECT_EQ(values_of(r.indices), (std::vector<index_t>{5, 7, 13, 15}));
      const auto a = poolkit::fractional_avg_pool2d(x, p, seed);
      EXPECT_EQ(values_of(a.values), (std::vector<float>{3.5, 5.5, 11.5, 13.5}));
      // Overlapping regions share their boundary row and column.
      const auto o = poolkit::fractional_max_pool2d(
          x, poolkit::fractional_ratio_params{.pooling_ratio = {1.44, 1.44}, .overlapping = true}, seed);
      EXPECT_EQ(values_of(o.values), (std::vector<float>{11, 12, 15, 16}));
    }
  // The PyTorch family on the same input: kernel 2, output 2x2, any samples.
  const auto y = poolkit::fractional_max_pool2d(x, poolkit::fractional_max_params{.kernel = {2, 2}, .output_size = {2, 2}}, 4);
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
  EXPECT_EQ(poolkit::fractional_pooling_sequences({10, 7}, {.pooling_ratio = {1.44, 2.0}}, 0).rows.size(), 6u + 1);
  EXPECT_EQ(poolkit::fractional_pooling_sequences({10, 7}, {.pooling_ratio = {1.44, 2.0}}, 0).cols.size(), 3u + 1);
}

/// A random input embedded in a larger buffer. With `column_step_two` the plane is stored
/// transposed, so columns are not adjacent in memory: the direct kernel runs instead of
/// the separable one.
template <class T>
test::embedded<T> random_input(std::mt19937_64& rng, const poolkit::extents4& e, bool column_step_two) {
  test::embedded<T> x(e, {1, 0, 2, column_step_two ? e[3] : 1}, {1, 0, 1, 0},
                      column_step_two ? std::array<int, 4>{0, 1, 3, 2} : std::array<int, 4>{0, 1, 2, 3},
                      T(-9));
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
    const index_t H = 1 + static_cast<index_t>(rng() % 30), W = 1 + static_cast<index_t>(rng() % 40);
    const index_t kh = 1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(std::min<index_t>(4, H)));
    const index_t kw = 1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(std::min<index_t>(4, W)));
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
              const auto want = ref::window_one<T>(
                  [&](index_t h, index_t w) { return in(n, c, h, w); }, H, W,
                  rows[static_cast<std::size_t>(oh)], cols[static_cast<std::size_t>(ow)], kh, kw,
                  ref::op::max);
              ASSERT_TRUE(test::same_value(r.values(n, c, oh, ow), want.value))
                  << "trial " << trial << " " << poolkit::name_of(isa);
              ASSERT_EQ(r.indices(n, c, oh, ow), want.index) << "trial " << trial << " " << poolkit::name_of(isa);
            }
        }
    }
  }
}

TEST(FractionalTorchFamily, MatchesReferenceEveryIsaFloat) { check_torch_family<float>(21); }
TEST(FractionalTorchFamily, MatchesReferenceEveryIsaDouble) { check_torch_family<double>(22); }

template <class T>
void check_graham_family(std::uint32_t seed_of_test) {
  std::mt19937_64 rng(seed_of_test);
  const auto isas = poolkit::available_instruction_sets();
  for (int trial = 0; trial < 120; ++trial) {
    const index_t N = 1 + static_cast<index_t>(rng() % 2), C = 1 + static_cast<index_t>(rng() % 3);
    // At least 3 rows and columns: floor(in / ratio) >= 1 for ratios up to 3.
    const index_t H = 3 + static_cast<index_t>(rng() % 28), W = 3 + static_cast<index_t>(rng() % 38);
    std::uniform_real_distribution<double> ratio(1.0, 3.0);
    const poolkit::fractional_ratio_params p{.pooling_ratio = {ratio(rng), ratio(rng)},
                                             .pseudo_random = rng() % 2 == 0,
                                             .overlapping = rng() % 2 == 0};
    auto x = random_input<T>(rng, {N, C, H, W}, trial % 3 == 0);
    const poolkit::nchw_view<const T> in = x.view;
    const std::uint64_t seed = rng();
    for (auto isa : isas) {
      const poolkit::policy pol{.isa = isa, .threads = 1 + static_cast<int>(rng() % 3)};
      const auto r = poolkit::fractional_max_pool2d(in, p, seed, pol);
      const auto a = poolkit::fractional_avg_pool2d(in, p, seed, pol);
      ASSERT_EQ(r.sequences.rows, a.sequences.rows);
      const auto& rows = r.sequences.rows;
      const auto& cols = r.sequences.cols;
      const index_t OH = static_cast<index_t>(rows.size()) - 1, OW = static_cast<index_t>(cols.size()) - 1;
      ASSERT_EQ(r.values.extents(), (poolkit::extents4{N, C, OH, OW}));
      const auto region = [&](const std::vector<index_t>& s, index_t i, index_t size) {
        const index_t last = std::min(p.overlapping ? s[static_cast<std::size_t>(i + 1)]
                                                    : s[static_cast<std::size_t>(i + 1)] - 1,
                                      size - 1);
        return std::pair<index_t, index_t>{s[static_cast<std::size_t>(i)],
                                           last - s[static_cast<std::size_t>(i)] + 1};
      };
      for (index_t n = 0; n < N; ++n)
        for (index_t c = 0; c < C; ++c)
          for (index_t oh = 0; oh < OH; ++oh)
            for (index_t ow = 0; ow < OW; ++ow) {
              const auto [h0, kh] = region(rows, oh, H);
              const auto [w0, kw] = region(cols, ow, W);
              const auto plane = [&](index_t h, index_t w) { return in(n, c, h, w); };
              const auto want = ref::window_one<T>(plane, H, W, h0, w0, kh, kw, ref::op::max);
              ASSERT_TRUE(test::same_value(r.values(n, c, oh, ow), want.value)) << "trial " << trial;
              ASSERT_EQ(r.indices(n, c, oh, ow), want.index) << "trial " << trial;
              const auto mean = ref::window_one<T>(plane, H, W, h0, w0, kh, kw, ref::op::avg);
              ASSERT_TRUE(test::same_value(a.values(n, c, oh, ow), mean.value)) << "trial " << trial;
            }
      // The sequences passed back reproduce the call.
      const auto again = poolkit::fractional_max_pool2d(in, p, r.sequences, pol);
      ASSERT_EQ(values_of(again.indices), values_of(r.indices));
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
    EXPECT_EQ(idx.values()[static_cast<std::size_t>(i)], want.indices.values()[static_cast<std::size_t>(i)]);
  }
}

TEST(FractionalErrors, WhatANewUserGetsWrong) {
  const auto x = one_to_sixteen();
  using poolkit::fractional_max_params;
  using poolkit::fractional_ratio_params;
  const auto torch = [&](const fractional_max_params& p) { (void)poolkit::fractional_max_pool2d(x, p, 0); };
  test::expect_error([&] { torch({.kernel = {2, 2}}); }, {"poolkit::fractional_max_pool2d", "neither set"});
  test::expect_error([&] { torch({.kernel = {2, 2}, .output_size = {2, 2}, .output_ratio = {0.5, 0.5}}); },
                     {"both set", "exactly one"});
  test::expect_error([&] { torch({.kernel = {2, 2}, .output_size = {4, 2}}); },
                     {"output_size = {4, 2}", "output_size + kernel - 1 must be <= the input size {4, 4}"});
  test::expect_error([&] { torch({.kernel = {0, 2}, .output_size = {2, 2}}); }, {"kernel = {0, 2}", ">= 1"});
  constexpr index_t huge = std::numeric_limits<index_t>::max();
  test::expect_error([&] { torch({.kernel = {huge, 2}, .output_size = {huge, 2}}); },
                     {"output_size = {" + std::to_string(huge) + ", 2}", "<= the input size"});
  test::expect_error([&] { torch({.kernel = {2, 2}, .output_ratio = {1.0, 0.5}}); },
                     {"output_ratio.h = 1", "(0, 1)"});
  test::expect_error([&] { torch({.kernel = {2, 2}, .output_ratio = {0.5, 0.1}}); },
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
  test::expect_error([&] { poolkit::fractional_max_pool2d(x, y, idx, p, poolkit::fractional_samples<float>(1, 1, 0)); },
                     {"y extents = {1, 1, 2, 3}", "{1, 1, 2, 2}"});
  EXPECT_EQ(idx(0, 0, 0, 0), 0);
  // Graham: ratio below 1, NaN, too large for the input; bad sequences.
  const auto graham = [&](const fractional_ratio_params& q) { (void)poolkit::fractional_max_pool2d(x, q, 0); };
  test::expect_error([&] { graham({.pooling_ratio = {0.5, 1.5}}); },
                     {"poolkit::fractional_max_pool2d", "pooling_ratio.h = 0.5", ">= 1"});
  test::expect_error([&] { graham({.pooling_ratio = {1.5, std::numeric_limits<double>::quiet_NaN()}}); },
                     {"pooling_ratio.w = nan"});
  test::expect_error([&] { graham({.pooling_ratio = {5, 1.5}}); },
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
  test::expect_error([&] { (void)poolkit::fractional_pooling_sequences({0, 4}, q, 0); },
                     {"poolkit::fractional_pooling_sequences", "input = {0, 4}"});
}

}  // namespace
