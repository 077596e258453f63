// poolkit inside PyTorch: bilateral (second-order) pooling, built when poolkit's prebuilt
// library holds it (configured where Eigen is found); forward only: poolkit has no
// backward pass for it, so a tensor that needs a gradient is refused.
// SPDX-License-Identifier: MIT
#include <torch/library.h>

#include <poolkit/ops/bilateral.hpp>

#include "registration.hpp"
#include "torch_bridge.hpp"

namespace poolkit_torch {
namespace {

poolkit::bilateral_options bilateral_options_of(const char* op, c10::string_view layout,
                                                c10::string_view weights, double sigma,
                                                c10::ArrayRef<double> custom_weights,
                                                c10::optional<double> sigma_r, bool centering,
                                                bool signed_sqrt, bool l2_normalize) {
  poolkit::bilateral_options o;
  if (layout == "packed")
    o.layout = poolkit::bilateral_layout::packed;
  else if (layout != "full")
    raise(op, "layout", "'" + std::string(layout) + "'", "must be 'full' or 'packed'");
  if (weights == "gaussian")
    o.weights = poolkit::spatial_weights::gaussian(sigma);
  else if (weights == "custom")
    o.weights = poolkit::spatial_weights::custom(custom_weights.vec());
  else if (weights != "uniform")
    raise(op, "weights", "'" + std::string(weights) + "'",
          "must be 'uniform', 'gaussian' or 'custom'");
  if (sigma_r.has_value()) o.sigma_r = *sigma_r;
  o.centering = centering;
  o.signed_sqrt = signed_sqrt;
  o.l2_normalize = l2_normalize;
  return o;
}

void refuse_gradient(const char* op, const at::Tensor& x) {
  if (at::GradMode::is_enabled() && x.requires_grad())
    raise(op, "x.requires_grad", "True",
          "has no backward pass (bilateral pooling is forward only); pool x.detach() or run "
          "under torch.no_grad()");
}

at::Tensor bilateral(const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS, c10::string_view layout,
                     c10::string_view weights, double sigma, c10::ArrayRef<double> custom_weights,
                     c10::optional<double> sigma_r, bool centering, bool signed_sqrt,
                     bool l2_normalize) {
  const char* op = "bilateral_pool2d";
  check_values(op, "x", x);
  refuse_gradient(op, x);
  const poolkit::pool2d_params p = (POOLKIT_TORCH_WINDOW_ARGS).params(op);
  const poolkit::bilateral_options o = bilateral_options_of(
      op, layout, weights, sigma, custom_weights, sigma_r, centering, signed_sqrt, l2_normalize);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    const auto extents = poolkit::try_pool2d_output_extents(in.extents(), p);
    // Without a shape the allocating form's validation names the operation and the rule.
    if (!extents) guarded([&] { return poolkit::bilateral_pool2d(in, p, o); });
    if (!extents) raise(extents.error().message());
    const poolkit::extents4 e{x4.size(0), poolkit::bilateral_channels(x4.size(1), o.layout),
                              (*extents)[2], (*extents)[3]};
    at::Tensor y = new_like(x4, e, x4.scalar_type());
    guarded([&] { poolkit::bilateral_pool2d(in, output_view<T>(y), p, o, torch_policy(x4, y)); });
    return unbatched(y, x.dim());
  });
}

at::Tensor global_bilateral(const at::Tensor& x, c10::string_view layout, c10::string_view weights,
                            double sigma, c10::ArrayRef<double> custom_weights,
                            c10::optional<double> sigma_r, bool centering, bool signed_sqrt,
                            bool l2_normalize) {
  const char* op = "global_bilateral_pool2d";
  check_values(op, "x", x);
  refuse_gradient(op, x);
  const poolkit::bilateral_options o = bilateral_options_of(
      op, layout, weights, sigma, custom_weights, sigma_r, centering, signed_sqrt, l2_normalize);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    at::Tensor y =
        new_like(x4, {x4.size(0), poolkit::bilateral_channels(x4.size(1), o.layout), 1, 1},
                 x4.scalar_type());
    guarded([&] {
      poolkit::global_bilateral_pool2d(input_view<T>(x4), output_view<T>(y), o,
                                       torch_policy(x4, y));
    });
    return unbatched(y, x.dim());
  });
}

}  // namespace
}  // namespace poolkit_torch

#define POOLKIT_BILATERAL_OPTIONS                                                              \
  "str layout=\"full\", str weights=\"uniform\", float sigma=1.0, float[] custom_weights=[], " \
  "float? sigma_r=None, bool centering=False, bool signed_sqrt=False, bool l2_normalize=False"

TORCH_LIBRARY_FRAGMENT(poolkit, m) {
  m.def(
      "bilateral_pool2d(Tensor x, int[2] kernel_size, int[2] stride=[], int[2] padding=0, "
      "int[2] dilation=1, bool ceil_mode=False, bool count_include_pad=True, "
      "int? divisor_override=None, int[] padding_end=[], " POOLKIT_BILATERAL_OPTIONS ") -> Tensor");
  m.def("global_bilateral_pool2d(Tensor x, " POOLKIT_BILATERAL_OPTIONS ") -> Tensor");
}

// One kernel for every dispatch key: the gradient check is in the body.
TORCH_LIBRARY_IMPL(poolkit, CompositeExplicitAutograd, m) {
  m.impl("bilateral_pool2d", &poolkit_torch::bilateral);
  m.impl("global_bilateral_pool2d", &poolkit_torch::global_bilateral);
}
