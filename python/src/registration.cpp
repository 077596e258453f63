// poolkit inside PyTorch: the schemas of torch.ops.poolkit and their CPU kernels.
// SPDX-License-Identifier: MIT
//
// Argument names follow torch.nn.functional (kernel_size, stride, padding, dilation,
// ceil_mode, count_include_pad, divisor_override); padding_end is poolkit's asymmetric end
// padding (empty: the same as padding). An empty stride means the kernel size.
#include <torch/library.h>

#include "operators.hpp"
#include "registration.hpp"

namespace poolkit_torch {
namespace {

at::Tensor regular(reduction kind, const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
  return regular_pool2d(kind, x, POOLKIT_TORCH_WINDOW_ARGS);
}
std::tuple<at::Tensor, at::Tensor> selected(reduction kind, const at::Tensor& x,
                                            POOLKIT_TORCH_WINDOW_PARAMETERS) {
  return selected_pool2d_with_indices(kind, x, POOLKIT_TORCH_WINDOW_ARGS);
}

}  // namespace
}  // namespace poolkit_torch

TORCH_LIBRARY(poolkit, m) {
#define POOLKIT_WINDOW                                                              \
  "int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, "     \
  "bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None, " \
  "int[] padding_end=[]"
  for (const char* name : {"max_pool2d", "min_pool2d", "sum_pool2d", "avg_pool2d", "l2_pool2d"})
    m.def((std::string(name) + "(Tensor x, " POOLKIT_WINDOW ") -> Tensor").c_str());
  m.def("max_pool2d_with_indices(Tensor x, " POOLKIT_WINDOW ") -> (Tensor, Tensor)");
  m.def("min_pool2d_with_indices(Tensor x, " POOLKIT_WINDOW ") -> (Tensor, Tensor)");
  m.def("lp_pool2d(Tensor x, float p, " POOLKIT_WINDOW ") -> Tensor");
  m.def("power_avg_pool2d(Tensor x, float p, " POOLKIT_WINDOW ") -> Tensor");
  for (const char* kind : {"max", "min", "sum", "avg"}) {
    m.def((std::string("adaptive_") + kind + "_pool2d(Tensor x, int[2] output_size) -> Tensor")
              .c_str());
    m.def((std::string("global_") + kind + "_pool2d(Tensor x) -> Tensor").c_str());
  }
  m.def("adaptive_max_pool2d_with_indices(Tensor x, int[2] output_size) -> (Tensor, Tensor)");
  m.def(
      "spatial_pyramid_pool2d(Tensor x, int[] levels=[1, 2, 4], str reducer=\"max\", "
      "str rule=\"adaptive\") -> Tensor");
  m.def("stochastic_pool2d(Tensor x, " POOLKIT_WINDOW
        ", bool training=True, int seed=0) -> (Tensor, Tensor)");
  m.def(
      "fractional_max_pool2d(Tensor x, int[2] kernel_size, int[2] output_size, Tensor samples) "
      "-> (Tensor, Tensor)");
  m.def(
      "fractional_max_pool2d_ratio(Tensor x, float[2] pooling_ratio, bool pseudo_random=False, "
      "bool overlapping=False, int seed=0, Tensor? row_sequence=None, Tensor? col_sequence=None) "
      "-> (Tensor, Tensor, Tensor, Tensor)");
  m.def(
      "fractional_avg_pool2d_ratio(Tensor x, float[2] pooling_ratio, bool pseudo_random=False, "
      "bool overlapping=False, int seed=0, Tensor? row_sequence=None, Tensor? col_sequence=None) "
      "-> (Tensor, Tensor, Tensor)");
  m.def("max_unpool2d(Tensor values, Tensor indices, int[2] output_size) -> Tensor");

  // Backward passes (SPEC section 9), callable on their own.
  m.def("max_pool2d_backward(Tensor dy, Tensor indices, int[2] input_size) -> Tensor");
  m.def("avg_pool2d_backward(Tensor dy, int[2] input_size, " POOLKIT_WINDOW ") -> Tensor");
  m.def("sum_pool2d_backward(Tensor dy, int[2] input_size, " POOLKIT_WINDOW ") -> Tensor");
  for (const char* name : {"adaptive_avg", "adaptive_sum", "global_avg", "global_sum"})
    m.def((std::string(name) + "_pool2d_backward(Tensor dy, int[2] input_size) -> Tensor").c_str());
  m.def("l2_pool2d_backward(Tensor dy, Tensor x, Tensor y, " POOLKIT_WINDOW ") -> Tensor");
  m.def("lp_pool2d_backward(Tensor dy, Tensor x, Tensor y, float p, " POOLKIT_WINDOW ") -> Tensor");
  m.def("power_avg_pool2d_backward(Tensor dy, Tensor x, Tensor y, float p, " POOLKIT_WINDOW
        ") -> Tensor");
  m.def(
      "fractional_avg_pool2d_backward(Tensor dy, int[2] input_size, Tensor row_sequence, "
      "Tensor col_sequence, bool overlapping=False) -> Tensor");
  m.def("max_unpool2d_backward(Tensor dy, Tensor indices) -> Tensor");
#undef POOLKIT_WINDOW
}

TORCH_LIBRARY_IMPL(poolkit, CPU, m) {
  using namespace poolkit_torch;
  // Forward operations. Their autograd kernels (autograd.cpp) call the same bodies.
  m.impl("max_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return regular(reduction::max, x, POOLKIT_TORCH_WINDOW_FORWARD);
  });
  m.impl("min_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return regular(reduction::min, x, POOLKIT_TORCH_WINDOW_FORWARD);
  });
  m.impl("sum_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return regular(reduction::sum, x, POOLKIT_TORCH_WINDOW_FORWARD);
  });
  m.impl("avg_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return regular(reduction::avg, x, POOLKIT_TORCH_WINDOW_FORWARD);
  });
  m.impl("max_pool2d_with_indices", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return selected(reduction::max, x, POOLKIT_TORCH_WINDOW_FORWARD);
  });
  m.impl("min_pool2d_with_indices", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return selected(reduction::min, x, POOLKIT_TORCH_WINDOW_FORWARD);
  });
  m.impl("l2_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return power_pool2d("l2_pool2d", x, 2.0, false, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("lp_pool2d", [](const at::Tensor& x, double p, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return power_pool2d("lp_pool2d", x, p, false, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("power_avg_pool2d", [](const at::Tensor& x, double p, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return power_pool2d("power_avg_pool2d", x, p, true, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("adaptive_max_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    return adaptive_pool2d(reduction::max, x, s);
  });
  m.impl("adaptive_min_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    return adaptive_pool2d(reduction::min, x, s);
  });
  m.impl("adaptive_sum_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    return adaptive_pool2d(reduction::sum, x, s);
  });
  m.impl("adaptive_avg_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    return adaptive_pool2d(reduction::avg, x, s);
  });
  m.impl("adaptive_max_pool2d_with_indices", [](const at::Tensor& x, c10::IntArrayRef s) {
    return adaptive_max_pool2d_with_indices(x, s);
  });
  m.impl("global_max_pool2d", [](const at::Tensor& x) { return global_pool2d(reduction::max, x); });
  m.impl("global_min_pool2d", [](const at::Tensor& x) { return global_pool2d(reduction::min, x); });
  m.impl("global_sum_pool2d", [](const at::Tensor& x) { return global_pool2d(reduction::sum, x); });
  m.impl("global_avg_pool2d", [](const at::Tensor& x) { return global_pool2d(reduction::avg, x); });
  m.impl("spatial_pyramid_pool2d", [](const at::Tensor& x, c10::IntArrayRef levels,
                                      c10::string_view reducer, c10::string_view rule) {
    return spatial_pyramid_pool2d(x, levels, std::string(reducer), std::string(rule));
  });
  m.impl("stochastic_pool2d",
         [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS, bool training, int64_t seed) {
           return stochastic_pool2d(x, POOLKIT_TORCH_WINDOW_ARGS, training, seed);
         });
  m.impl("fractional_max_pool2d", &poolkit_torch::fractional_max_pool2d);
  m.impl("fractional_max_pool2d_ratio", &fractional_max_pool2d_ratio);
  m.impl("fractional_avg_pool2d_ratio", &fractional_avg_pool2d_ratio);
  m.impl("max_unpool2d", &poolkit_torch::max_unpool2d);

  // Backward passes.
  m.impl("max_pool2d_backward", &max_pool2d_backward);
  m.impl("avg_pool2d_backward",
         [](const at::Tensor& dy, c10::IntArrayRef input_size, POOLKIT_TORCH_WINDOW_PARAMETERS) {
           return window_pool2d_backward("avg_pool2d_backward", true, dy, input_size,
                                         POOLKIT_TORCH_WINDOW_ARGS);
         });
  m.impl("sum_pool2d_backward",
         [](const at::Tensor& dy, c10::IntArrayRef input_size, POOLKIT_TORCH_WINDOW_PARAMETERS) {
           return window_pool2d_backward("sum_pool2d_backward", false, dy, input_size,
                                         POOLKIT_TORCH_WINDOW_ARGS);
         });
  m.impl("adaptive_avg_pool2d_backward", [](const at::Tensor& dy, c10::IntArrayRef s) {
    return bin_pool2d_backward("adaptive_avg_pool2d_backward", false, true, dy, s);
  });
  m.impl("adaptive_sum_pool2d_backward", [](const at::Tensor& dy, c10::IntArrayRef s) {
    return bin_pool2d_backward("adaptive_sum_pool2d_backward", false, false, dy, s);
  });
  m.impl("global_avg_pool2d_backward", [](const at::Tensor& dy, c10::IntArrayRef s) {
    return bin_pool2d_backward("global_avg_pool2d_backward", true, true, dy, s);
  });
  m.impl("global_sum_pool2d_backward", [](const at::Tensor& dy, c10::IntArrayRef s) {
    return bin_pool2d_backward("global_sum_pool2d_backward", true, false, dy, s);
  });
  m.impl("l2_pool2d_backward", [](const at::Tensor& dy, const at::Tensor& x, const at::Tensor& y,
                                  POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return power_pool2d_backward("l2_pool2d_backward", dy, x, y, 2.0, false,
                                 POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("lp_pool2d_backward", [](const at::Tensor& dy, const at::Tensor& x, const at::Tensor& y,
                                  double p, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return power_pool2d_backward("lp_pool2d_backward", dy, x, y, p, false,
                                 POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("power_avg_pool2d_backward",
         [](const at::Tensor& dy, const at::Tensor& x, const at::Tensor& y, double p,
            POOLKIT_TORCH_WINDOW_PARAMETERS) {
           return power_pool2d_backward("power_avg_pool2d_backward", dy, x, y, p, true,
                                        POOLKIT_TORCH_WINDOW_ARGS);
         });
  m.impl("fractional_avg_pool2d_backward", &fractional_avg_pool2d_backward);
  m.impl("max_unpool2d_backward", &max_unpool2d_backward);
}
