// poolkit inside PyTorch: the regular window's parameters as every schema spells them.
// SPDX-License-Identifier: MIT
#pragma once

#include "torch_bridge.hpp"

// The C++ parameters of the schema fragment "int[2] kernel_size, int[] stride, int[2]
// padding, int[2] dilation, bool ceil_mode, bool count_include_pad, int? divisor_override,
// int[] padding_end", shared by a dozen operators and their autograd kernels.
#define POOLKIT_TORCH_WINDOW_PARAMETERS                                            \
  c10::IntArrayRef kernel_size, c10::IntArrayRef stride, c10::IntArrayRef padding, \
      c10::IntArrayRef dilation, bool ceil_mode, bool count_include_pad,           \
      c10::optional<int64_t> divisor_override, c10::IntArrayRef padding_end
// Those parameters passed on unchanged.
#define POOLKIT_TORCH_WINDOW_FORWARD                                                      \
  kernel_size, stride, padding, dilation, ceil_mode, count_include_pad, divisor_override, \
      padding_end
// Those parameters as a window_args.
#define POOLKIT_TORCH_WINDOW_ARGS                                                    \
  ::poolkit_torch::window_args_of(kernel_size, stride, padding, dilation, ceil_mode, \
                                  count_include_pad, divisor_override, padding_end)

namespace poolkit_torch {
inline window_args window_args_of(c10::IntArrayRef kernel_size, c10::IntArrayRef stride,
                                  c10::IntArrayRef padding, c10::IntArrayRef dilation,
                                  bool ceil_mode, bool count_include_pad,
                                  c10::optional<int64_t> divisor_override,
                                  c10::IntArrayRef padding_end) {
  window_args a;
  a.kernel_size = int_list::of(kernel_size);
  a.stride = int_list::of(stride);
  a.padding = int_list::of(padding);
  a.dilation = int_list::of(dilation);
  a.padding_end = int_list::of(padding_end);
  a.ceil_mode = ceil_mode;
  a.count_include_pad = count_include_pad;
  if (divisor_override.has_value()) a.divisor_override = *divisor_override;
  return a;
}
}  // namespace poolkit_torch
