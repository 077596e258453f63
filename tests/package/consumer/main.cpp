// A downstream program: the snippet from the foundation issue and the other operations,
// checked against the seed values of SPEC section 2. Exit status 0 means all agree.
#include <poolkit/poolkit.hpp>
#if defined(POOLKIT_PREBUILT_BILATERAL)
// The library holds bilateral pooling's Eigen code: this program has no Eigen at all.
#include <poolkit/ops/bilateral.hpp>
#endif

#include <cstdio>
#include <numeric>
#include <vector>

int main() {
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), 1.0f);
  poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});
  auto y = poolkit::max_pool2d(x, {.kernel = {2, 2}});  // y(0,0,1,1) == 16, y.extent(2) == 2

  int failures = 0;
  const auto expect = [&](const char* what, float got, float want) {
    if (got != want) {
      std::printf("%s: got %g, want %g\n", what, static_cast<double>(got),
                  static_cast<double>(want));
      ++failures;
    }
  };
  expect("max(0,0,1,1)", y(0, 0, 1, 1), 16.0f);
  expect("max extent(2)", static_cast<float>(y.extent(2)), 2.0f);
  expect("avg(0,0,0,0)", poolkit::avg_pool2d(x, {.kernel = {2, 2}})(0, 0, 0, 0), 3.5f);
  expect("min(0,0,1,0)", poolkit::min_pool2d(x, {.kernel = {2, 2}})(0, 0, 1, 0), 9.0f);
  expect("sum(0,0,0,1)", poolkit::sum_pool2d(x, {.kernel = {2, 2}})(0, 0, 0, 1), 22.0f);
  auto [m, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}});
  expect("argmax(0,0,1,1)", static_cast<float>(idx(0, 0, 1, 1)), 15.0f);
  auto u = poolkit::max_unpool2d(m, idx, poolkit::pool2d_params{.kernel = {2, 2}});
  expect("unpool(0,0,3,3)", u(0, 0, 3, 3), 16.0f);
  // A plane wide enough for the vector kernels (outputs at least 4 wide; narrower ones
  // run the one-lane kernel): 8 x 32 ramp, so every 2 x 2 maximum is its last tap.
  std::vector<float> wide(8 * 32);
  std::iota(wide.begin(), wide.end(), 1.0f);
  const auto w = poolkit::max_pool2d(poolkit::nchw_view<const float>(wide.data(), {1, 1, 8, 32}),
                                     {.kernel = {2, 2}});
  for (poolkit::index_t i = 0; i < 4; ++i)
    for (poolkit::index_t j = 0; j < 16; ++j)
      expect("wide max", w(0, 0, i, j), static_cast<float>((2 * i + 1) * 32 + 2 * j + 2));
#if defined(POOLKIT_PREBUILT)
  // Linked to poolkit::prebuilt: this translation unit must have compiled no kernel.
  static_assert(POOLKIT_USE_PREBUILT == 1, "POOLKIT_PREBUILT is set but the kernels were compiled");
#endif
#if defined(POOLKIT_PREBUILT_BILATERAL)
  // SPEC section 7, global form, uniform weights: the mean of x_t x_t^T over the plane's
  // taps. Channel 0 holds 1..16, channel 1 twice that: Y = mean(v^2) * [[1, 2], [2, 4]],
  // mean(v^2) = (16 * 17 * 33 / 6) / 16 = 93.5.
  std::vector<float> two(32);
  for (std::size_t i = 0; i < 16; ++i) {
    two[i] = static_cast<float>(i + 1);
    two[16 + i] = 2 * two[i];
  }
  const auto g =
      poolkit::global_bilateral_pool2d(poolkit::nchw_view<const float>(two.data(), {1, 2, 4, 4}));
  expect("bilateral channels", static_cast<float>(g.extent(1)), 4.0f);
  expect("bilateral (0,0)", g(0, 0, 0, 0), 93.5f);
  expect("bilateral (0,1)", g(0, 1, 0, 0), 187.0f);
  expect("bilateral (1,1)", g(0, 3, 0, 0), 374.0f);
#endif
  try {
    poolkit::max_pool2d(x, {.kernel = {0, 2}});
    ++failures;
  } catch (const poolkit::error&) {
  }
  std::printf("poolkit %d.%d.%d consumer%s: %s\n", POOLKIT_VERSION_MAJOR, POOLKIT_VERSION_MINOR,
              POOLKIT_VERSION_PATCH, POOLKIT_USE_PREBUILT ? " (prebuilt kernels)" : "",
              failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
