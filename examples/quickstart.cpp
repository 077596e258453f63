// poolkit quick start: the seed examples of SPEC.md section 2, printed.
//
// Build and run:  cmake -S . -B build && cmake --build build --target quickstart &&
// build/examples/quickstart (or build all examples against an installed poolkit: see
// examples/CMakeLists.txt)
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <numeric>
#include <vector>

#include "show.hpp"

int main() {
  // The article's 4x4 input, 1..16, pooled with 2x2 windows (stride = kernel).
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), 1.0f);
  poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});
  const poolkit::pool2d_params k2{.kernel = {2, 2}};

  example::show("input", poolkit::max_pool2d(x, {.kernel = {1, 1}}));
  example::show("max_pool2d 2x2", poolkit::max_pool2d(x, k2));
  example::show("avg_pool2d 2x2", poolkit::avg_pool2d(x, k2));
  example::show("min_pool2d 2x2", poolkit::min_pool2d(x, k2));
  example::show("sum_pool2d 2x2", poolkit::sum_pool2d(x, k2));

  // The tutorial's random 4x4.
  const std::vector<float> t{6, 9, 9, 2, 6, 9, 6, 0, 8, 3, 4, 5, 9, 2, 3, 5};
  poolkit::nchw_view<const float> tx(t.data(), {1, 1, 4, 4});
  example::show("tutorial input", poolkit::max_pool2d(tx, {.kernel = {1, 1}}));
  example::show("tutorial max_pool2d 2x2", poolkit::max_pool2d(tx, k2));
  example::show("tutorial avg_pool2d 2x2", poolkit::avg_pool2d(tx, k2));

  // Where each maximum came from (PyTorch's per-plane indices h * W + w).
  auto [values, indices] = poolkit::max_pool2d_with_indices(x, k2);
  std::printf("argmax indices: %lld %lld %lld %lld\n", static_cast<long long>(indices(0, 0, 0, 0)),
              static_cast<long long>(indices(0, 0, 0, 1)),
              static_cast<long long>(indices(0, 0, 1, 0)),
              static_cast<long long>(indices(0, 0, 1, 1)));

  // Invalid input gets an error that says what is wrong.
  try {
    poolkit::max_pool2d(x, {.kernel = {3, 3}, .padding = {3, 3}});
  } catch (const poolkit::error& e) {
    std::printf("error: %s\n", e.what());
  }
  return 0;
}
