// The prebuilt kernel library (src/, POOLKIT_BUILD_PREBUILT). This program links
// poolkit::prebuilt: its translation units declare the built-in kernels and compile none
// (kernel/dispatch.hpp), and the random suite (test_random.cpp, built into this program
// too) checks the library's kernels against the reference bit for bit on every
// instruction set, as poolkit_tests checks the header-only ones.
#include "test_support.hpp"

#include <numeric>

static_assert(POOLKIT_USE_PREBUILT == 1,
              "poolkit_prebuilt_tests must declare the kernels, not compile them");

namespace {

using poolkit::index_t;

/// A user reducer (no prebuilt kernel can exist for it): how many taps are positive.
struct count_positive {
  float identity() const noexcept { return 0; }
  float combine(float acc, float x) const noexcept { return x > 0 ? acc + 1 : acc; }
  float finalize(float acc, poolkit::window_counts) const noexcept { return acc; }
};

TEST(Prebuilt, UserReducerRunsTheHeaderOnlyKernel) {
  poolkit::tensor<float> x({2, 3, 9, 21});
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-1, 1);
  for (float& v : x.values()) v = d(rng);
  const poolkit::pool2d_params p{.kernel = {3, 2}, .stride = {2, 1}, .padding = {1, 1}};
  const auto y = poolkit::pool2d(x, count_positive{}, p);
  // Written from SPEC section 2: window (oh, ow) covers rows oh * 2 - 1 + [0, 3) and
  // columns ow - 1 + [0, 2), in-bounds taps only.
  ASSERT_EQ(y.extents(), (poolkit::extents4{2, 3, 5, 22}));
  for (index_t n = 0; n < 2; ++n)
    for (index_t c = 0; c < 3; ++c)
      for (index_t oh = 0; oh < 5; ++oh)
        for (index_t ow = 0; ow < 22; ++ow) {
          float expected = 0;
          for (index_t h = oh * 2 - 1; h < oh * 2 + 2; ++h)
            for (index_t w = ow - 1; w < ow + 1; ++w)
              if (h >= 0 && h < 9 && w >= 0 && w < 21 && x(n, c, h, w) > 0) expected += 1;
          ASSERT_EQ(y(n, c, oh, ow), expected) << "at " << n << "," << c << "," << oh << "," << ow;
        }
}

}  // namespace
