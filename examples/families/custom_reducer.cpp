// A reducer of your own: any window statistic, with every pool2d option, on regular,
// adaptive and global windows. Here: the range (max - min) of each window, a cheap edge
// detector, and a log-sum-exp ("soft max") pooling.
#include <poolkit/poolkit.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <vector>

#include "../show.hpp"

namespace {

//! [reducer]
/// max - min over the window: the accumulator carries both.
struct window_range {
  struct acc {
    float lo, hi;
  };
  using accumulator_type = acc;
  acc identity() const {
    return {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  }
  acc combine(acc a, float x) const { return {std::min(a.lo, x), std::max(a.hi, x)}; }
  float finalize(acc a, poolkit::window_counts) const { return a.hi - a.lo; }
};
//! [reducer]

/// log(mean(exp(beta x))) / beta, accumulated in double.
struct soft_max {
  double beta = 4;
  using accumulator_type = double;
  double identity() const { return 0; }
  double combine(double a, float x) const { return a + std::exp(beta * static_cast<double>(x)); }
  float finalize(double a, poolkit::window_counts n) const {
    return static_cast<float>(std::log(a / static_cast<double>(n.in_bounds)) / beta);
  }
};

}  // namespace

int main() {
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), 1.0f);
  const poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});

  example::show("range, 2x2 windows", poolkit::pool2d(x, window_range{}, {.kernel = {2, 2}}));
  example::show(
      "range, 3x3 stride 1 padding 1",
      poolkit::pool2d(x, window_range{}, {.kernel = {3, 3}, .stride = {1, 1}, .padding = {1, 1}}));
  example::show("soft max (beta 4), 2x2 windows",
                poolkit::pool2d(x, soft_max{}, {.kernel = {2, 2}}), 0, 0, 4);
  example::show("soft max, adaptive 1x3 bins", poolkit::adaptive_pool2d(x, {1, 3}, soft_max{}), 0,
                0, 4);
  example::show("range of the whole plane", poolkit::global_pool2d(x, window_range{}));
  return 0;
}
