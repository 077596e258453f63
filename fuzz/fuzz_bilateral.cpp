// Fuzz target: bilateral (second-order) pooling, windowed and global, with options from
// the fuzzer (invalid sigmas and weights must be refused with poolkit::error). Every
// policy must give the scalar path's bits (SPEC section 8: any thread count).
#include <poolkit/ops/bilateral.hpp>

#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

template <class T>
void run(fuzz::bytes& b) {
  // Sometimes 64 to 130 channels on a small plane: the global form then splits one
  // image's product across threads (N < threads), which must not change a bit.
  const bool wide = b.flag();
  const fuzz::strided_input<T> in(b, wide ? 3 : 8, wide ? 4 : 12, wide ? 130 : 3);
  const auto& x = in.view;
  const poolkit::pool2d_params p = fuzz::window(b);
  if (!fuzz::output_fits(x.extents(), p)) return;
  // Windows of up to 2^24 taps are valid, but their weight tables make one input take
  // seconds under ASan; the limit itself is a unit test (Bilateral.Errors).
  if (p.kernel.h > 64 || p.kernel.w > 64) return;
  poolkit::bilateral_options o;
  o.layout = b.flag() ? poolkit::bilateral_layout::full : poolkit::bilateral_layout::packed;
  const int weights = static_cast<int>(b.in(0, 2));
  if (weights == 1) o.weights = poolkit::spatial_weights::gaussian(b.real(0.0, 3.0));
  if (weights == 2) {
    std::vector<double> w(static_cast<std::size_t>(b.in(0, 30)));
    for (double& v : w) v = b.real(-0.5, 2.0);
    o.weights = poolkit::spatial_weights::custom(w);
  }
  if (b.flag()) o.sigma_r = b.real(0.0, 4.0);
  o.centering = b.flag();
  o.signed_sqrt = b.flag();
  o.l2_normalize = b.flag();
  const bool global = b.flag();
  fuzz::describe_case(
      std::string(global ? "global_bilateral_pool2d" : "bilateral_pool2d") + "; " + fuzz::text(x) +
      (global ? "" : "; " + fuzz::text(p)) + "; layout " +
      (o.layout == poolkit::bilateral_layout::full ? "full" : "packed") + ", weights kind " +
      std::to_string(weights) + ", sigma_r " + (o.sigma_r ? fuzz::text(*o.sigma_r) : "none") +
      ", centering " + std::to_string(o.centering) + ", signed_sqrt " +
      std::to_string(o.signed_sqrt) + ", l2_normalize " + std::to_string(o.l2_normalize));
  fuzz::differential(
      "bilateral",
      [&](const poolkit::policy& pol) {
        return global ? poolkit::global_bilateral_pool2d(x, o, pol)
                      : poolkit::bilateral_pool2d(x, p, o, pol);
      },
      [](const poolkit::tensor<T>& a, const poolkit::tensor<T>& c) { return fuzz::same(a, c); });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
