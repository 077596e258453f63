// Counter-based randomness and stochastic pooling (SPEC section 5): Philox4x32-10 against
// Random123's published known-answer vectors, the seed 4x4 example, the reference over
// random shapes with every pool2d option on every instruction set and thread count,
// sampling frequencies (chi-squared, fixed seed lists so the tests are deterministic),
// the inference formula at extreme magnitudes, special values, and errors.
#include "reference.hpp"
#include "test_support.hpp"

#include <cfloat>
#include <limits>
#include <map>
#include <random>

namespace {

using poolkit::index_t;
using poolkit::stochastic_mode;
using test::make_tensor;

TEST(Philox, Random123KnownAnswers) {
  using poolkit::random::philox4x32_10;
  using B = poolkit::random::block;
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (B{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(
      philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
      (B{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(
      philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
      (B{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
  // Usable at compile time.
  static_assert(philox4x32_10({0, 0, 0, 0}, {0, 0})[0] == 0x6627e8d5);
}

TEST(Philox, DocumentedCounterLayoutAndUniforms) {
  namespace r = poolkit::random;
  const std::uint64_t seed = 0x1234567890abcdefULL;
  const std::uint64_t index = (std::uint64_t{1} << 33) + 5;
  EXPECT_EQ(r::draw(seed, r::stream::stochastic_pool, index),
            r::philox4x32_10({5, 2, 1, 0}, {0x90abcdef, 0x12345678}));
  EXPECT_NE(r::draw(seed, r::stream::stochastic_pool, index),
            r::draw(seed, r::stream::fractional_samples, index));
  EXPECT_EQ(r::unit_float(0), 0.0f);
  EXPECT_LT(r::unit_float(0xffffffffu), 1.0f);
  EXPECT_EQ(r::unit_float(0x80000000u), 0.5f);
  EXPECT_EQ(r::unit_double(0, 0), 0.0);
  EXPECT_LT(r::unit_double(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_EQ(r::unit_double(0x80000000u, 0), 0.5);
  for (std::uint64_t bound : {1u, 2u, 3u, 1000u})
    for (std::uint32_t w : {0u, 0x7fffffffu, 0xffffffffu})
      EXPECT_LT(r::below(bound, {w, w, w, w}), bound);
}

TEST(StochasticSeed, FourByFourExample) {
  const auto x = test::one_to_sixteen();
  const auto v = test::values_of(x);
  // Inference: sum x^2 / sum x per 2x2 window.
  const auto inf = poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::inference, 0);
  const std::vector<float> want{float(66.0 / 14), float(138.0 / 22), float(546.0 / 46),
                                float(746.0 / 54)};
  EXPECT_EQ(test::values_of(inf.values), want);
  EXPECT_EQ(inf.indices.size(), 0);
  // Training: each output is one of its window's taps, and the index says which.
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto tr =
        poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::training, seed);
    for (index_t oh = 0; oh < 2; ++oh)
      for (index_t ow = 0; ow < 2; ++ow) {
        const index_t i = tr.indices(0, 0, oh, ow);
        ASSERT_EQ(i / 4 / 2, oh);
        ASSERT_EQ(i % 4 / 2, ow);
        ASSERT_EQ(tr.values(0, 0, oh, ow), v[static_cast<std::size_t>(i)]);
      }
  }
}

/// The output size of a regular pooling by the reference's own rule, and its parameters.
struct hw_check {
  bool valid;
  index_t out_h, out_w;
  ref::params ref;
  static hw_check of(index_t H, index_t W, const poolkit::pool2d_params& p) {
    ref::params r;
    const poolkit::hw s = p.effective_stride();
    r.kh = p.kernel.h, r.kw = p.kernel.w, r.sh = s.h, r.sw = s.w;
    r.dh = p.dilation.h, r.dw = p.dilation.w;
    r.pbh = r.peh = p.padding.h, r.pbw = r.pew = p.padding.w;
    r.ceil_mode = p.ceil_mode;
    const index_t oh = ref::output_size(H, r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
    const index_t ow = ref::output_size(W, r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
    return {oh >= 1 && ow >= 1, oh, ow, r};
  }
};

template <class T>
void check_against_reference(std::uint32_t seed_of_test) {
  std::mt19937_64 rng(seed_of_test);
  const auto isas = poolkit::available_instruction_sets();
  for (int trial = 0; trial < 150; ++trial) {
    const index_t N = 1 + static_cast<index_t>(rng() % 2), C = 1 + static_cast<index_t>(rng() % 3);
    const index_t H = 1 + static_cast<index_t>(rng() % 11),
                  W = 1 + static_cast<index_t>(rng() % 11);
    const poolkit::pool2d_params p = test::random_small_window(rng);
    const hw_check ok = hw_check::of(H, W, p);
    if (!ok.valid) continue;
    // Values: negatives, zeros, positives, sometimes NaN and infinities.
    const bool special = rng() % 5 == 0;
    test::embedded<T> x({N, C, H, W}, {0, 1, 1, 2}, {0, 1, 0, 1}, {0, 1, 2, 3}, T(-7));
    std::uniform_int_distribution<int> kind(0, 9);
    test::fill(x.view, [&] {
      const int k = kind(rng);
      if (special && k == 0) {
        const T s[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                       -std::numeric_limits<T>::infinity()};
        return s[rng() % 3];
      }
      if (k <= 2) return T(0);
      if (k <= 4) return -static_cast<T>(rng() % 100) / T(8);
      return static_cast<T>(rng() % 1000 + 1) / T(16);
    });
    const std::uint64_t seed = rng();
    const poolkit::nchw_view<const T> in = x.view;
    for (const auto mode : {stochastic_mode::training, stochastic_mode::inference}) {
      const bool training = mode == stochastic_mode::training;
      for (auto isa : isas) {
        const int threads = 1 + static_cast<int>(rng() % 3);
        const auto r =
            poolkit::stochastic_pool2d(in, p, mode, seed, {.isa = isa, .threads = threads});
        ASSERT_EQ(r.values.extents(), (poolkit::extents4{N, C, ok.out_h, ok.out_w}));
        for (index_t n = 0; n < N; ++n)
          for (index_t c = 0; c < C; ++c)
            for (index_t oh = 0; oh < ok.out_h; ++oh)
              for (index_t ow = 0; ow < ok.out_w; ++ow) {
                const auto flat =
                    static_cast<std::uint64_t>(((n * C + c) * ok.out_h + oh) * ok.out_w + ow);
                const auto w =
                    poolkit::random::draw(seed, poolkit::random::stream::stochastic_pool, flat);
                const auto want = ref::stochastic_one<T>(
                    [&](index_t h, index_t ww) { return in(n, c, h, ww); }, H, W, oh, ow, ok.ref,
                    training, poolkit::random::unit_double(w[0], w[1]));
                ASSERT_TRUE(test::same_value(r.values(n, c, oh, ow), want.value))
                    << "trial " << trial << " " << poolkit::name_of(isa) << " training " << training
                    << " got " << r.values(n, c, oh, ow) << " want " << want.value;
                if (training) {
                  ASSERT_EQ(r.indices(n, c, oh, ow), want.index) << "trial " << trial;
                }
              }
      }
    }
  }
}

TEST(Stochastic, MatchesReferenceEveryIsaAndThreadCountFloat) {
  check_against_reference<float>(11);
}
TEST(Stochastic, MatchesReferenceEveryIsaAndThreadCountDouble) {
  check_against_reference<double>(12);
}

/// Picks of many windows, counted by position inside the 2x2 window.
std::array<int, 4> count_picks(const poolkit::tensor<float>& x, std::uint64_t seed) {
  const auto r = poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::training, seed);
  std::array<int, 4> counts{};
  const index_t W = x.extent(3);
  for (const index_t i : r.indices.values())
    ++counts[static_cast<std::size_t>(i / W % 2 * 2 + i % W % 2)];
  return counts;
}

double chi_squared(const std::array<int, 4>& counts, const std::array<double, 4>& p) {
  int total = 0;
  for (int c : counts) total += c;
  double chi = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (p[i] == 0) continue;
    const double expected = p[i] * total;
    chi += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  return chi;
}

/// An H x W plane tiled with the 2x2 block `b`.
poolkit::tensor<float> tiled(index_t H, index_t W, const std::array<float, 4>& b) {
  poolkit::tensor<float> x({1, 1, H, W});
  for (index_t h = 0; h < H; ++h)
    for (index_t w = 0; w < W; ++w) x(0, 0, h, w) = b[static_cast<std::size_t>(h % 2 * 2 + w % 2)];
  return x;
}

TEST(StochasticSampling, FrequenciesFollowTheActivationsAcrossSeeds) {
  // One fixed window, 20000 seeds: frequencies 0.1, 0.2, 0.3, 0.4. chi^2 with 3 degrees
  // of freedom stays below 16.27 with probability 0.999; the seed list is fixed, so the
  // test is deterministic.
  const auto x = tiled(2, 2, {1, 2, 3, 4});
  std::array<int, 4> counts{};
  for (std::uint64_t seed = 0; seed < 20000; ++seed) {
    const auto c = count_picks(x, seed);
    for (std::size_t i = 0; i < 4; ++i) counts[i] += c[i];
  }
  EXPECT_LT(chi_squared(counts, {0.1, 0.2, 0.3, 0.4}), 16.27)
      << counts[0] << " " << counts[1] << " " << counts[2] << " " << counts[3];
}

TEST(StochasticSampling, FrequenciesFollowTheActivationsAcrossWindows) {
  // 10000 identical windows under one seed: the draws of different outputs are
  // independent. Zero and negative taps are never drawn.
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto a = count_picks(tiled(200, 200, {1, 2, 3, 4}), seed);
    EXPECT_LT(chi_squared(a, {0.1, 0.2, 0.3, 0.4}), 16.27) << "seed " << seed;
    const auto b = count_picks(tiled(200, 200, {0, -1, 2, 6}), seed);
    EXPECT_EQ(b[0], 0);
    EXPECT_EQ(b[1], 0);
    EXPECT_LT(chi_squared(b, {0, 0, 0.25, 0.75}), 10.83) << "seed " << seed;  // 1 dof, 0.999
  }
}

TEST(StochasticSampling, ChangesWithTheSeedAndNotWithThePolicy) {
  const auto x = tiled(64, 64, {1, 2, 3, 4});
  const auto a = poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::training, 5);
  const auto b = poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::training, 6);
  const auto same = [](const poolkit::tensor<index_t>& u, const poolkit::tensor<index_t>& v) {
    return std::equal(u.values().begin(), u.values().end(), v.values().begin());
  };
  EXPECT_FALSE(same(a.indices, b.indices));
  for (auto isa : poolkit::available_instruction_sets())
    for (int threads : {1, 2, 3}) {
      const auto c = poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::training, 5,
                                                {.isa = isa, .threads = threads});
      EXPECT_TRUE(same(a.indices, c.indices)) << poolkit::name_of(isa) << " threads " << threads;
    }
}

TEST(StochasticInference, ExtremeMagnitudesDoNotOverflow) {
  // sum x^2 would overflow double at 1e300; the scaled sums do not.
  const auto x = make_tensor<double>({1, 1, 2, 2}, {1e300, 1e300, 0, -5});
  const auto y = poolkit::stochastic_pool2d(x, {.kernel = {2, 2}}, stochastic_mode::inference, 0);
  EXPECT_DOUBLE_EQ(y.values(0, 0, 0, 0), 1e300);
  const auto m = make_tensor<double>({1, 1, 1, 2}, {DBL_MAX, DBL_MAX / 2});
  const auto ym = poolkit::stochastic_pool2d(m, {.kernel = {1, 2}}, stochastic_mode::inference, 0);
  EXPECT_NEAR(ym.values(0, 0, 0, 0) / DBL_MAX, (1 + 0.25) / 1.5, 1e-15);
  const auto f = make_tensor<float>({1, 1, 1, 3}, {FLT_MAX, FLT_MAX, FLT_MAX});
  const auto yf = poolkit::stochastic_pool2d(f, {.kernel = {1, 3}}, stochastic_mode::training, 9);
  EXPECT_EQ(yf.values(0, 0, 0, 0), FLT_MAX);
  // Denormals 1 and 2 units of the smallest float d: (d^2 + 4 d^2) / (3 d) = 5/3 d, which
  // rounds to 2 d (SPEC's formula in double, rounded once to float). A float
  // accumulation would underflow d^2 to 0 and give 0.
  const float d = std::numeric_limits<float>::denorm_min();
  const auto tiny = make_tensor<float>({1, 1, 1, 2}, {d, 2 * d});
  const auto yt =
      poolkit::stochastic_pool2d(tiny, {.kernel = {1, 2}}, stochastic_mode::inference, 0);
  EXPECT_EQ(yt.values(0, 0, 0, 0), 2 * d);
}

TEST(StochasticInference, DoubleDenormalWindowsKeepTheirValue) {
  // A window whose largest tap is a double denormal is rescaled by 2^k with k up to 1074,
  // beyond any double: a factor 2^1074 was infinity, and a lone denorm_min gave NaN (found
  // by fuzz_stochastic). SPEC: sum x^2 / sum x, exact here: {d} gives d, {d, 3d} gives
  // (1 + 9) d^2 / 4d = 2.5 d, which rounds to 2d (ties to even), {m/2, m/2} gives m/2 for
  // m = DBL_MIN; training picks a positive tap.
  const double d = std::numeric_limits<double>::denorm_min(), m = DBL_MIN;
  const struct {
    std::vector<double> taps;
    double want;
  } cases[] = {{{d}, d}, {{d, 3 * d}, 2 * d}, {{m / 2, m / 2}, m / 2}, {{0.0, -d, d}, d}};
  for (const auto& c : cases) {
    const auto x = make_tensor<double>({1, 1, 1, static_cast<index_t>(c.taps.size())}, c.taps);
    const poolkit::pool2d_params p{.kernel = {1, static_cast<index_t>(c.taps.size())}};
    for (auto isa : poolkit::available_instruction_sets()) {
      const auto y = poolkit::stochastic_pool2d(x, p, stochastic_mode::inference, 0, {.isa = isa});
      EXPECT_EQ(y.values(0, 0, 0, 0), c.want) << poolkit::name_of(isa) << " taps " << c.taps.size();
      const auto t = poolkit::stochastic_pool2d(x, p, stochastic_mode::training, 5, {.isa = isa});
      const index_t i = t.indices(0, 0, 0, 0);
      ASSERT_TRUE(i >= 0 && i < static_cast<index_t>(c.taps.size()));
      EXPECT_GT(c.taps[static_cast<std::size_t>(i)], 0.0);
      EXPECT_EQ(t.values(0, 0, 0, 0), c.taps[static_cast<std::size_t>(i)]);
    }
  }
}

TEST(StochasticSemantics, ZeroWindowsSpecialValuesAndPadding) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const auto x = make_tensor<float>({1, 1, 2, 6}, {0, -1, 3, nan, inf, 1,  //
                                                   -2, 0, nan, 2, 5, inf});
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto tr = poolkit::stochastic_pool2d(x, p, stochastic_mode::training, 3);
  const auto in = poolkit::stochastic_pool2d(x, p, stochastic_mode::inference, 3);
  // No positive tap: 0, and the first tap's index in training.
  EXPECT_EQ(tr.values(0, 0, 0, 0), 0.0f);
  EXPECT_EQ(tr.indices(0, 0, 0, 0), 0);
  EXPECT_EQ(in.values(0, 0, 0, 0), 0.0f);
  // NaN: NaN, the first NaN's index.
  EXPECT_TRUE(std::isnan(tr.values(0, 0, 0, 1)));
  EXPECT_EQ(tr.indices(0, 0, 0, 1), 3);
  EXPECT_TRUE(std::isnan(in.values(0, 0, 0, 1)));
  // +inf taps take all the probability.
  EXPECT_EQ(tr.values(0, 0, 0, 2), inf);
  EXPECT_TRUE(tr.indices(0, 0, 0, 2) == 4 || tr.indices(0, 0, 0, 2) == 11);
  EXPECT_EQ(in.values(0, 0, 0, 2), inf);
  // With padding, the first in-bounds tap is the fallback index, never a padded one.
  const auto z = make_tensor<float>({1, 1, 2, 2}, {0, 0, 0, 0});
  const auto pz = poolkit::stochastic_pool2d(
      z, {.kernel = {2, 2}, .stride = {1, 1}, .padding = {1, 1}}, stochastic_mode::training, 0);
  EXPECT_EQ(pz.indices(0, 0, 0, 0), 0);
  EXPECT_EQ(pz.indices(0, 0, 2, 2), 3);
  EXPECT_EQ(pz.indices(0, 0, 1, 2), 1);
}

TEST(StochasticInto, ViewsIndicesAndErrors) {
  const auto x = tiled(4, 4, {1, 2, 3, 4});
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto want = poolkit::stochastic_pool2d(x, p, stochastic_mode::training, 8);
  test::embedded<float> y({1, 1, 2, 2}, {1, 0, 1, 1}, {1, 0, 0, 1}, {0, 1, 2, 3}, -3.0f);
  poolkit::tensor<index_t> idx({1, 1, 2, 2});
  poolkit::stochastic_pool2d(x, y.view, idx, p, stochastic_mode::training, 8);
  EXPECT_TRUE(y.outside_untouched(-3.0f));
  for (index_t i = 0; i < 4; ++i) {
    EXPECT_EQ(y.view(0, 0, i / 2, i % 2), want.values.values()[static_cast<std::size_t>(i)]);
    EXPECT_EQ(idx.values()[static_cast<std::size_t>(i)],
              want.indices.values()[static_cast<std::size_t>(i)]);
  }
  // Inference: indices may be an empty view, or output-shaped (then -1).
  poolkit::tensor<float> y2({1, 1, 2, 2});
  poolkit::stochastic_pool2d(x, y2, poolkit::nchw_view<index_t>{}, p, stochastic_mode::inference,
                             0);
  EXPECT_FLOAT_EQ(y2(0, 0, 0, 0), float(30.0 / 10));
  poolkit::stochastic_pool2d(x, y2, idx, p, stochastic_mode::inference, 0);
  EXPECT_EQ(idx(0, 0, 1, 1), -1);
  // Training needs indices; wrong extents are named.
  poolkit::tensor<float> untouched({1, 1, 2, 2});
  test::expect_error(
      [&] {
        poolkit::stochastic_pool2d(x, untouched, poolkit::nchw_view<index_t>{}, p,
                                   stochastic_mode::training, 0);
      },
      {"poolkit::stochastic_pool2d", "indices extents", "{0, 0, 0, 0}", "{1, 1, 2, 2}"});
  EXPECT_EQ(untouched(0, 0, 0, 0), 0.0f);
  test::expect_error(
      [&] { (void)poolkit::stochastic_pool2d(x, p, static_cast<stochastic_mode>(7), 0); },
      {"mode = 7", "training", "inference"});
  test::expect_error(
      [&] {
        (void)poolkit::stochastic_pool2d(x, {.kernel = {0, 2}}, stochastic_mode::training, 0);
      },
      {"poolkit::stochastic_pool2d", "kernel"});
  test::expect_error(
      [&] {
        (void)poolkit::stochastic_pool2d(x, {.kernel = {2, 2}, .padding = {2, 0}},
                                         stochastic_mode::inference, 0);
      },
      {"poolkit::stochastic_pool2d", "padding"});
}

}  // namespace
