// The power family: L2, Lp (any real p > 0 or infinity) and power-average pooling,
// computed overflow-free (SPEC section 2, the power family).
#include <poolkit/poolkit.hpp>

#include <cfloat>
#include <cstdio>
#include <limits>
#include <vector>

#include "../show.hpp"

int main() {
  const std::vector<float> v{3, -4, 1, 2, 0, 0, -2, 2, 1, 1, 1, 1, 5, 0, 0, 12};
  const poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});
  const poolkit::pool2d_params p{.kernel = {2, 2}};

  //! [power]
  example::show("l2_pool2d: sqrt(sum x^2)", poolkit::l2_pool2d(x, p));
  example::show("lp_pool2d p = 1: sum |x|", poolkit::lp_pool2d(x, 1.0, p));
  example::show("lp_pool2d p = 3", poolkit::lp_pool2d(x, 3.0, p), 0, 0, 5);
  example::show("lp_pool2d p = infinity: max |x|",
                poolkit::lp_pool2d(x, std::numeric_limits<double>::infinity(), p));
  // Power average divides by the window size (avg's rule) before the root: p = 1 is the
  // mean of |x|, p = 2 the root mean square.
  example::show("power_avg_pool2d p = 2: RMS", poolkit::power_avg_pool2d(x, 2.0, p), 0, 0, 5);
  //! [power]

  // Squares of 1e30 overflow float; poolkit scales by the window maximum first.
  const std::vector<float> big{1e30f, 1e30f, 1e30f, 1e30f};
  const poolkit::nchw_view<const float> b(big.data(), {1, 1, 2, 2});
  std::printf("l2 of four 1e30: %g (a naive sqrt(sum x^2) gives inf)\n",
              static_cast<double>(poolkit::l2_pool2d(b, p)(0, 0, 0, 0)));

  try {
    poolkit::lp_pool2d(x, 0.0, p);
  } catch (const poolkit::error& e) {
    std::printf("refused: %s\n", e.what());
  }
  return 0;
}
