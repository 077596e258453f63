// Adaptive pooling (a fixed output size whatever the input size, PyTorch's bins), global
// pooling (one value per plane) and spatial pyramid pooling. SPEC sections 3 and 4.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <numeric>
#include <vector>

#include "../show.hpp"

int main() {
  std::vector<float> v(2 * 5 * 7);
  std::iota(v.begin(), v.end(), 0.0f);  // two channels of a 5 x 7 plane, 0..69
  const poolkit::nchw_view<const float> x(v.data(), {1, 2, 5, 7});

  //! [adaptive]
  // 5 x 7 -> 2 x 3: bin i covers [floor(i * in / out), ceil((i + 1) * in / out)).
  example::show("adaptive_avg_pool2d to 2x3", poolkit::adaptive_avg_pool2d(x, {2, 3}), 0, 0, 5);
  auto [m, where] = poolkit::adaptive_max_pool2d_with_indices(x, {2, 3});
  example::show("adaptive_max_pool2d to 2x3, indices", where);
  // Any reducer: here the L3 norm of each bin.
  example::show("adaptive_pool2d with reduce::lp(3)",
                poolkit::adaptive_pool2d(x, {2, 3}, poolkit::reduce::lp<float>(3.0)), 0, 0, 5);
  //! [adaptive]

  //! [global]
  const auto g = poolkit::global_avg_pool2d(x);  // extents {1, 2, 1, 1}
  std::printf("global_avg_pool2d: %g %g\n", static_cast<double>(g(0, 0, 0, 0)),
              static_cast<double>(g(0, 1, 0, 0)));
  const auto gm = poolkit::global_max_pool2d(x);
  std::printf("global_max_pool2d: %g %g\n", static_cast<double>(gm(0, 0, 0, 0)),
              static_cast<double>(gm(0, 1, 0, 0)));
  //! [global]

  //! [spp]
  // Levels 1, 2 and 4: 1 + 4 + 16 = 21 values per channel, one fixed-length vector per
  // image whatever its size (He et al.'s SPP-net).
  const auto spp = poolkit::spatial_pyramid_pool2d(x, {1, 2, 4});
  example::show_extents("spatial_pyramid_pool2d {1, 2, 4} extents", spp);
  // Level by level, channel-major: level 1 is entries 0..C-1, level 2 the next 4 C.
  std::printf("level 2 (2 x 2 bins), channel 0:");
  for (poolkit::index_t i = 2; i < 6; ++i) std::printf(" %g", static_cast<double>(spp(0, i, 0, 0)));
  std::printf("\n");
  //! [spp]
  const auto spp_paper = poolkit::spatial_pyramid_pool2d(x, {1, 2}, poolkit::reduce::avg<float>{},
                                                         poolkit::spp_bin_rule::paper);
  std::printf("paper bins, avg, level 2, channel 1:");
  for (poolkit::index_t i = 6; i < 10; ++i)
    std::printf(" %g", static_cast<double>(spp_paper(0, i, 0, 0)));
  std::printf("\n");
  return 0;
}
