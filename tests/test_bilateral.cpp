// Bilateral (second-order) pooling, SPEC section 7: the library against the naive
// double-precision definition (tests/reference.hpp) on random shapes, weights and options;
// symmetry and positive semi-definiteness; the global form against X X^T / HW computed
// here; packed against full; the threaded split of one image's product; errors.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

#include "reference.hpp"
#include "test_support.hpp"

namespace {

using poolkit::bilateral_layout;
using poolkit::bilateral_options;
using poolkit::index_t;
using poolkit::spatial_weights;

/// The library's options and the reference's, drawn together.
struct option_pair {
  bilateral_options lib;
  ref::bilateral_options ref;
};

option_pair random_options(std::mt19937_64& rng, index_t kh, index_t kw) {
  option_pair o;
  std::uniform_real_distribution<double> u(0, 1);
  switch (rng() % 3) {
    case 0: break;
    case 1: {
      const double sigma = 0.4 + 3 * u(rng);
      o.lib.weights = spatial_weights::gaussian(sigma);
      o.ref.spatial = ref::bilateral_options::weights::gaussian;
      o.ref.sigma = sigma;
      break;
    }
    default: {
      std::vector<double> w(static_cast<std::size_t>(kh * kw));
      for (double& v : w) v = rng() % 6 == 0 ? 0.0 : -1 + 3 * u(rng);  // zeros and negatives too
      o.lib.weights = spatial_weights::custom(w);
      o.ref.spatial = ref::bilateral_options::weights::custom;
      o.ref.custom = w;
    }
  }
  if (rng() % 2 == 0) {
    const double s = 0.5 + 4 * u(rng);
    o.lib.sigma_r = s;
    o.ref.sigma_r = s;
  }
  o.lib.centering = o.ref.centering = rng() % 2 == 0;
  o.lib.signed_sqrt = o.ref.signed_sqrt = rng() % 3 == 0;
  o.lib.l2_normalize = o.ref.l2_normalize = rng() % 3 == 0;
  o.lib.layout = rng() % 2 == 0 ? bilateral_layout::full : bilateral_layout::packed;
  return o;
}

/// Compares one window's output (channels of `y` at (n, oh, ow)) with the reference's
/// C x C matrix. Float sums of K products carry K eps relative error against the window's
/// largest element (its largest diagonal element); after a signed square root the squares
/// are compared, where that bound holds.
template <class T>
void expect_window(const poolkit::tensor<T>& y, index_t n, index_t oh, index_t ow,
                   const std::vector<double>& want, index_t C, bilateral_layout layout,
                   bool signed_sqrt, index_t taps, const char* what) {
  const auto eps = static_cast<double>(std::numeric_limits<T>::epsilon());
  const auto squared = [&](double v) { return signed_sqrt ? v * std::abs(v) : v; };
  double scale = 0;
  for (double v : want) scale = std::max(scale, std::abs(squared(v)));
  // Plus the denormal range: a tiny (co)variance is stored with fewer bits.
  const double tolerance = 8 * eps * static_cast<double>(taps + C) * scale +
                           64 * static_cast<double>(taps + C) *
                               static_cast<double>(std::numeric_limits<T>::denorm_min());
  for (index_t i = 0; i < C; ++i)
    for (index_t j = 0; j < C; ++j) {
      if (layout == bilateral_layout::packed && j < i) continue;
      const index_t channel =
          layout == bilateral_layout::full ? i * C + j : poolkit::packed_channel(C, i, j);
      const double got = static_cast<double>(y(n, channel, oh, ow));
      const double expected = want[static_cast<std::size_t>(i * C + j)];
      ASSERT_NEAR(squared(got), squared(expected), tolerance)
          << what << " n=" << n << " oh=" << oh << " ow=" << ow << " i=" << i << " j=" << j
          << " got " << got << " want " << expected;
    }
}

template <class T>
void check_regular_against_reference(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> value(-2, 2);
  int checked = 0;
  for (int trial = 0; trial < 120; ++trial) {
    const index_t N = 1 + static_cast<index_t>(rng() % 2), C = 1 + static_cast<index_t>(rng() % 9);
    const index_t H = 1 + static_cast<index_t>(rng() % 10),
                  W = 1 + static_cast<index_t>(rng() % 10);
    const poolkit::pool2d_params p = test::random_small_window(rng);
    const poolkit::hw s = p.effective_stride();
    const index_t OH =
        ref::output_size(H, p.kernel.h, s.h, p.dilation.h, p.padding.h, p.padding.h, p.ceil_mode);
    const index_t OW =
        ref::output_size(W, p.kernel.w, s.w, p.dilation.w, p.padding.w, p.padding.w, p.ceil_mode);
    if (OH < 1 || OW < 1) continue;
    const option_pair o = random_options(rng, p.kernel.h, p.kernel.w);
    // A strided input: padded and with channels innermost in memory.
    test::embedded<T> x({N, C, H, W}, {0, 1, 1, 2}, {0, 1, 0, 1}, {0, 2, 3, 1}, T(-7));
    test::fill(x.view, [&] { return static_cast<T>(value(rng)); });
    const poolkit::nchw_view<const T> in = x.view;
    const int threads = 1 + static_cast<int>(rng() % 3);
    const auto y = poolkit::bilateral_pool2d(in, p, o.lib, {.threads = threads});
    ASSERT_EQ(y.extents(),
              (poolkit::extents4{N, poolkit::bilateral_channels(C, o.lib.layout), OH, OW}));
    for (index_t n = 0; n < N; ++n) {
      const auto at = [&](ref::i64 c, ref::i64 h, ref::i64 w) {
        return static_cast<double>(in(n, c, h, w));
      };
      for (index_t oh = 0; oh < OH; ++oh)
        for (index_t ow = 0; ow < OW; ++ow) {
          const auto want =
              ref::bilateral_one(at, C, H, W, oh * s.h - p.padding.h, ow * s.w - p.padding.w,
                                 p.kernel.h, p.kernel.w, p.dilation.h, p.dilation.w, o.ref);
          SCOPED_TRACE(testing::Message()
                       << "trial " << trial << " C=" << C << " k=" << p.kernel.h << "x"
                       << p.kernel.w << " weights=" << int(o.ref.spatial) << " sigma_r="
                       << o.ref.sigma_r.value_or(0) << " centering=" << o.ref.centering
                       << " sqrt=" << o.ref.signed_sqrt << " l2=" << o.ref.l2_normalize);
          expect_window(y, n, oh, ow, want, C, o.lib.layout, o.lib.signed_sqrt,
                        p.kernel.h * p.kernel.w, "regular");
        }
    }
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

TEST(Bilateral, RegularMatchesReferenceFloat) { check_regular_against_reference<float>(1); }
TEST(Bilateral, RegularMatchesReferenceDouble) { check_regular_against_reference<double>(2); }

template <class T>
void check_global_against_reference(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> value(-2, 2);
  for (int trial = 0; trial < 60; ++trial) {
    // Some cases with C >= 64 and fewer images than threads: the split product.
    const bool wide = trial % 6 == 0;
    const index_t N = 1 + static_cast<index_t>(rng() % 2);
    const index_t C =
        wide ? 64 + static_cast<index_t>(rng() % 40) : 1 + static_cast<index_t>(rng() % 12);
    const index_t H = 1 + static_cast<index_t>(rng() % 7), W = 1 + static_cast<index_t>(rng() % 7);
    const option_pair o = random_options(rng, H, W);
    const bool strided = rng() % 2 == 0;
    test::embedded<T> x({N, C, H, W}, {0, 1, strided ? 1 : 0, strided ? 2 : 0},
                        {0, 1, 0, strided ? 1 : 0}, {0, 1, 2, 3}, T(-7));
    test::fill(x.view, [&] { return static_cast<T>(value(rng)); });
    const poolkit::nchw_view<const T> in = x.view;
    const int threads = wide ? 3 : 1 + static_cast<int>(rng() % 3);
    const auto y = poolkit::global_bilateral_pool2d(in, o.lib, {.threads = threads});
    ASSERT_EQ(y.extents(),
              (poolkit::extents4{N, poolkit::bilateral_channels(C, o.lib.layout), 1, 1}));
    for (index_t n = 0; n < N; ++n) {
      const auto at = [&](ref::i64 c, ref::i64 h, ref::i64 w) {
        return static_cast<double>(in(n, c, h, w));
      };
      const auto want = ref::bilateral_one(at, C, H, W, 0, 0, H, W, 1, 1, o.ref);
      expect_window(y, n, 0, 0, want, C, o.lib.layout, o.lib.signed_sqrt, H * W, "global");
    }
  }
}

TEST(Bilateral, GlobalMatchesReferenceFloat) { check_global_against_reference<float>(3); }
TEST(Bilateral, GlobalMatchesReferenceDouble) { check_global_against_reference<double>(4); }

// The global form with default options is X^T X / HW for the HW x C matrix X of each
// image: computed here with a plain loop, on shapes that take every path (one rank update
// per image, and the product split across threads for C >= 64 and N < threads).
TEST(Bilateral, GlobalIsGramOverPixels) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> value(-1, 1);
  struct shape {
    index_t N, C, H, W;
    int threads;
  };
  for (const shape& s : {shape{2, 5, 3, 4, 1}, shape{3, 16, 7, 7, 2}, shape{1, 96, 5, 6, 3},
                         shape{2, 130, 4, 4, 4}, shape{1, 64, 1, 1, 2}}) {
    poolkit::tensor<double> x({s.N, s.C, s.H, s.W});
    test::fill(x.view(), [&] { return value(rng); });
    const auto y = poolkit::global_bilateral_pool2d(x, {}, {.threads = s.threads});
    const index_t HW = s.H * s.W;
    for (index_t n = 0; n < s.N; ++n)
      for (index_t i = 0; i < s.C; ++i)
        for (index_t j = 0; j < s.C; ++j) {
          double g = 0;
          for (index_t p = 0; p < HW; ++p)
            g += x(n, i, p / s.W, p % s.W) * x(n, j, p / s.W, p % s.W);
          ASSERT_NEAR(y(n, i * s.C + j, 0, 0), g / static_cast<double>(HW),
                      1e-13 * static_cast<double>(HW))
              << "C=" << s.C << " n=" << n << " i=" << i << " j=" << j;
        }
  }
}

// A global pooling is a regular pooling whose one window is the whole plane.
TEST(Bilateral, GlobalEqualsWholePlaneWindow) {
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<float> value(-1, 1);
  poolkit::tensor<float> x({2, 7, 5, 6});
  test::fill(x.view(), [&] { return value(rng); });
  for (const bool centering : {false, true}) {
    const bilateral_options o{.sigma_r = 1.5, .centering = centering};
    const auto g = poolkit::global_bilateral_pool2d(x, o);
    const auto r = poolkit::bilateral_pool2d(x, {.kernel = {5, 6}}, o);
    ASSERT_EQ(g.extents(), r.extents());
    for (index_t i = 0; i < g.size(); ++i)
      EXPECT_NEAR(g.data_handle()[i], r.data_handle()[i], 1e-5f) << i;
  }
}

// Every output matrix is symmetric (exactly: one triangle is computed and mirrored) and,
// without the signed square root, positive semi-definite: a (weighted) second moment or
// covariance. Eigenvalues by Eigen's self-adjoint solver in double.
TEST(Bilateral, OutputsAreSymmetricPositiveSemidefinite) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> value(-3, 3);
  const index_t C = 12;
  poolkit::tensor<float> x({2, C, 9, 9});
  test::fill(x.view(), [&] { return value(rng); });
  for (int variant = 0; variant < 6; ++variant) {
    bilateral_options o;
    o.centering = variant % 2 == 1;
    if (variant >= 2) o.weights = spatial_weights::gaussian(0.8);
    if (variant >= 4) o.sigma_r = 2.0;
    o.l2_normalize = variant == 5;
    const auto y =
        poolkit::bilateral_pool2d(x, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}}, o);
    for (index_t n = 0; n < y.extent(0); ++n)
      for (index_t oh = 0; oh < y.extent(2); ++oh)
        for (index_t ow = 0; ow < y.extent(3); ++ow) {
          Eigen::MatrixXd m(C, C);
          for (index_t i = 0; i < C; ++i)
            for (index_t j = 0; j < C; ++j) m(i, j) = static_cast<double>(y(n, i * C + j, oh, ow));
          ASSERT_TRUE((m.array() == m.transpose().array()).all()) << "variant " << variant;
          const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m, Eigen::EigenvaluesOnly);
          const double largest = eig.eigenvalues().maxCoeff();
          EXPECT_GE(eig.eigenvalues().minCoeff(), -1e-5 * std::max(largest, 1e-30))
              << "variant " << variant;
        }
  }
}

// The packed layout is the full layout's upper triangle, bit for bit, for every option.
TEST(Bilateral, PackedIsUpperTriangleOfFull) {
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> value(-2, 2);
  poolkit::tensor<double> x({2, 6, 8, 7});
  test::fill(x.view(), [&] { return value(rng); });
  for (int trial = 0; trial < 8; ++trial) {
    bilateral_options o = random_options(rng, 3, 2).lib;
    o.layout = bilateral_layout::full;
    const poolkit::pool2d_params p{.kernel = {3, 2}, .stride = {2, 1}, .padding = {1, 1}};
    const auto full = poolkit::bilateral_pool2d(x, p, o);
    o.layout = bilateral_layout::packed;
    const auto packed = poolkit::bilateral_pool2d(x, p, o);
    ASSERT_EQ(packed.extent(1), 21);
    for (index_t n = 0; n < 2; ++n)
      for (index_t oh = 0; oh < full.extent(2); ++oh)
        for (index_t ow = 0; ow < full.extent(3); ++ow)
          for (index_t i = 0; i < 6; ++i)
            for (index_t j = i; j < 6; ++j)
              ASSERT_TRUE(test::same_value(packed(n, poolkit::packed_channel(6, i, j), oh, ow),
                                           full(n, i * 6 + j, oh, ow)));
  }
  EXPECT_EQ(poolkit::packed_channel(4, 0, 0), 0);
  EXPECT_EQ(poolkit::packed_channel(4, 0, 3), 3);
  EXPECT_EQ(poolkit::packed_channel(4, 1, 1), 4);
  EXPECT_EQ(poolkit::packed_channel(4, 3, 3), 9);
}

// Results do not depend on the thread count, nor on whether one image's product is split.
// Corner cases with a known answer.
TEST(Bilateral, KnownValues) {
  // One channel, uniform 2x2 windows over 1..16: the mean of the squares.
  const auto x = test::one_to_sixteen();
  const auto y = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}});
  ASSERT_EQ(y.extents(), (poolkit::extents4{1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(y(0, 0, 0, 0), (1 + 4 + 25 + 36) / 4.0f);
  EXPECT_FLOAT_EQ(y(0, 0, 1, 1), (121 + 144 + 225 + 256) / 4.0f);
  // Centred: the variance of {1, 2, 5, 6} = 4.25.
  const auto v = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}}, {.centering = true});
  EXPECT_FLOAT_EQ(v(0, 0, 0, 0), 4.25f);
  // L2-normalised 1 x 1 matrices are 1 (or 0 for a zero window).
  const auto l2 = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}}, {.l2_normalize = true});
  EXPECT_FLOAT_EQ(l2(0, 0, 1, 0), 1.0f);
  // Weights that are all zero give a zero matrix, not NaN.
  const auto z = poolkit::bilateral_pool2d(
      x, {.kernel = {2, 2}},
      {.weights = spatial_weights::custom({0, 0, 0, 0}), .l2_normalize = true});
  for (float value : z.values()) EXPECT_EQ(value, 0.0f);
  // Only the top-left tap weighs: the window's matrix is that tap's square.
  const auto t = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}},
                                           {.weights = spatial_weights::custom({3, 0, 0, 0})});
  EXPECT_FLOAT_EQ(t(0, 0, 1, 1), 121.0f);
  // Signed square root of a second moment of one channel: the root mean square.
  const auto rms = poolkit::bilateral_pool2d(x, {.kernel = {4, 4}}, {.signed_sqrt = true});
  EXPECT_NEAR(rms(0, 0, 0, 0), std::sqrt(1496.0 / 16), 1e-5);
  // A large range term changes nothing; a tiny one keeps only taps equal to the centre.
  const auto wide = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}}, {.sigma_r = 1e30});
  EXPECT_EQ(test::values_of(wide), test::values_of(y));
  const auto narrow = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}}, {.sigma_r = 1e-3});
  EXPECT_FLOAT_EQ(narrow(0, 0, 0, 0), 1.0f);    // centre tap (0, 0) = 1
  EXPECT_FLOAT_EQ(narrow(0, 0, 1, 1), 121.0f);  // centre tap (2, 2) = 11
}

// Two channels that are the same signal: every window matrix is x^2 in all four entries,
// and the signed square root of a negative correlation is negative.
TEST(Bilateral, CrossChannelSigns) {
  poolkit::tensor<double> x({1, 2, 1, 3});
  const double v[] = {1, -2, 3};
  for (index_t w = 0; w < 3; ++w) {
    x(0, 0, 0, w) = v[w];
    x(0, 1, 0, w) = -v[w];
  }
  const auto y = poolkit::global_bilateral_pool2d(x, {.signed_sqrt = true});
  const double m = 14.0 / 3;
  EXPECT_NEAR(y(0, 0, 0, 0), std::sqrt(m), 1e-15);
  EXPECT_NEAR(y(0, 1, 0, 0), -std::sqrt(m), 1e-15);
  EXPECT_NEAR(y(0, 2, 0, 0), -std::sqrt(m), 1e-15);
  EXPECT_NEAR(y(0, 3, 0, 0), std::sqrt(m), 1e-15);
}

// NaN in a tap reaches the windows that contain it and no other.
TEST(Bilateral, NanStaysInItsWindows) {
  auto x = test::one_to_sixteen();
  x(0, 0, 0, 0) = std::numeric_limits<float>::quiet_NaN();
  const auto y = poolkit::bilateral_pool2d(x, {.kernel = {2, 2}});
  EXPECT_TRUE(std::isnan(y(0, 0, 0, 0)));
  EXPECT_FALSE(std::isnan(y(0, 0, 0, 1)));
  EXPECT_FALSE(std::isnan(y(0, 0, 1, 0)));
}

// Into-view forms: a strided output receives exactly the returning form's values and
// nothing outside it changes.
TEST(Bilateral, IntoStridedView) {
  std::mt19937_64 rng(10);
  std::uniform_real_distribution<float> value(-1, 1);
  poolkit::tensor<float> x({2, 3, 7, 7});
  test::fill(x.view(), [&] { return value(rng); });
  const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}};
  const bilateral_options o{.layout = bilateral_layout::packed, .centering = true};
  const auto want = poolkit::bilateral_pool2d(x, p, o);
  test::embedded<float> y(want.extents(), {1, 2, 1, 1}, {1, 1, 0, 1}, {3, 0, 2, 1}, -5.0f);
  poolkit::bilateral_pool2d(x, y.view, p, o);
  EXPECT_TRUE(y.outside_untouched(-5.0f));
  for (index_t i = 0; i < want.size(); ++i) {
    const auto e =
        poolkit::extents4{want.extent(0), want.extent(1), want.extent(2), want.extent(3)};
    const index_t w = i % e[3], h = i / e[3] % e[2], c = i / (e[3] * e[2]) % e[1],
                  n = i / (e[3] * e[2] * e[1]);
    ASSERT_EQ(y.view(n, c, h, w), want(n, c, h, w));
  }
  const auto global_want = poolkit::global_bilateral_pool2d(x, o);
  test::embedded<float> g(global_want.extents(), {0, 3, 0, 0}, {0, 2, 0, 0}, {0, 1, 2, 3}, -5.0f);
  poolkit::global_bilateral_pool2d(x, g.view, o);
  EXPECT_TRUE(g.outside_untouched(-5.0f));
  for (index_t c = 0; c < global_want.extent(1); ++c)
    EXPECT_EQ(g.view(1, c, 0, 0), global_want(1, c, 0, 0));
}

TEST(Bilateral, Errors) {
  const auto x = test::one_to_sixteen();
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  using test::expect_error;
  expect_error(
      [&] { (void)poolkit::bilateral_pool2d(x, p, {.weights = spatial_weights::gaussian(0)}); },
      {"poolkit::bilateral_pool2d", "options.weights sigma = 0", "finite and > 0"});
  expect_error(
      [&] {
        (void)poolkit::bilateral_pool2d(
            x, p, {.weights = spatial_weights::gaussian(std::numeric_limits<double>::quiet_NaN())});
      },
      {"options.weights sigma = nan"});
  expect_error(
      [&] {
        (void)poolkit::bilateral_pool2d(x, p, {.weights = spatial_weights::custom({1, 2, 3})});
      },
      {"options.weights size = 3", "2 x 2 = 4"});
  expect_error(
      [&] {
        (void)poolkit::bilateral_pool2d(x, p,
                                        {.weights = spatial_weights::custom(
                                             {1, 2, std::numeric_limits<double>::infinity(), 3})});
      },
      {"options.weights[2] = inf", "finite"});
  expect_error(
      [&] {
        (void)poolkit::global_bilateral_pool2d(x,
                                               {.weights = spatial_weights::custom({1, 2, 3, 4})});
      },
      {"poolkit::global_bilateral_pool2d", "options.weights size = 4", "plane, 4 x 4 = 16"});
  expect_error([&] { (void)poolkit::bilateral_pool2d(x, p, {.sigma_r = -1.0}); },
               {"options.sigma_r = -1", "> 0"});
  expect_error(
      [&] { (void)poolkit::bilateral_pool2d(x, p, {.layout = static_cast<bilateral_layout>(7)}); },
      {"options.layout = 7"});
  expect_error([&] { (void)poolkit::bilateral_pool2d(x, {.kernel = {0, 2}}); }, {"kernel"});
  expect_error([&] { (void)poolkit::bilateral_pool2d(x, p, {}, {.threads = -1}); },
               {"policy.threads = -1"});
  // Wrong output extents or an output overlapping the input: nothing is written.
  poolkit::tensor<float> y({1, 1, 3, 2});
  std::fill(y.values().begin(), y.values().end(), -9.0f);
  expect_error([&] { poolkit::bilateral_pool2d(x, y, p); },
               {"y extents = {1, 1, 3, 2}", "{1, 1, 2, 2}"});
  for (float v : y.values()) EXPECT_EQ(v, -9.0f);
  poolkit::tensor<float> big({1, 1, 4, 4});
  auto alias = big.view();
  expect_error(
      [&] {
        poolkit::global_bilateral_pool2d(
            big, poolkit::nchw_view<float>(alias.data_handle(), {1, 1, 1, 1}));
      },
      {"overlap"});
  // C * C output channels that overflow.
  const index_t huge = index_t{1} << 40;
  const poolkit::nchw_view<const float> wide(x.data_handle(), {1, huge, 1, 1}, {huge, 0, 1, 1});
  expect_error([&] { (void)poolkit::global_bilateral_pool2d(wide); }, {"overflows int64"});
  // A valid window (padding below the effective kernel) with more taps than the weight
  // table may hold: refused instead of allocating terabytes (found by the fuzzer).
  const poolkit::pool2d_params vast{
      .kernel = {5000, 5000}, .stride = {5000, 5000}, .padding = {4999, 4999}};
  expect_error([&] { (void)poolkit::bilateral_pool2d(x, vast); },
               {"poolkit::bilateral_pool2d", "kernel = {5000, 5000}", "at most 2^24 taps"});
}

}  // namespace
