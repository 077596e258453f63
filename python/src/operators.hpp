// poolkit inside PyTorch: the operators' CPU bodies, shared by the registration
// (operators.cpp) and the autograd functions (autograd.cpp).
// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <tuple>
#include <vector>

#include "torch_bridge.hpp"

namespace poolkit_torch {

/// The reductions that have max/min/sum/avg forms across the regular, adaptive and global
/// families.
enum class reduction { max, min, sum, avg };

at::Tensor regular_pool2d(reduction kind, const at::Tensor& x, const window_args& a);
/// `op` names the operation in messages (max_pool2d_with_indices / min_... by default).
std::tuple<at::Tensor, at::Tensor> selected_pool2d_with_indices(reduction kind, const at::Tensor& x,
                                                                const window_args& a,
                                                                const char* op = nullptr);
/// l2 (p = 2, not averaged), lp and power average.
at::Tensor power_pool2d(const char* op, const at::Tensor& x, double p, bool average,
                        const window_args& a);
at::Tensor adaptive_pool2d(reduction kind, const at::Tensor& x, c10::IntArrayRef output_size);
std::tuple<at::Tensor, at::Tensor> adaptive_max_pool2d_with_indices(const at::Tensor& x,
                                                                    c10::IntArrayRef output_size,
                                                                    const char* op = nullptr);
at::Tensor global_pool2d(reduction kind, const at::Tensor& x);
at::Tensor spatial_pyramid_pool2d(const at::Tensor& x, c10::IntArrayRef levels,
                                  const std::string& reducer, const std::string& rule);
std::tuple<at::Tensor, at::Tensor> stochastic_pool2d(const at::Tensor& x, const window_args& a,
                                                     bool training, int64_t seed);
std::tuple<at::Tensor, at::Tensor> fractional_max_pool2d(const at::Tensor& x,
                                                         c10::IntArrayRef kernel_size,
                                                         c10::IntArrayRef output_size,
                                                         const at::Tensor& samples);
std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor> fractional_max_pool2d_ratio(
    const at::Tensor& x, c10::ArrayRef<double> pooling_ratio, bool pseudo_random, bool overlapping,
    int64_t seed, const c10::optional<at::Tensor>& rows, const c10::optional<at::Tensor>& cols);
std::tuple<at::Tensor, at::Tensor, at::Tensor> fractional_avg_pool2d_ratio(
    const at::Tensor& x, c10::ArrayRef<double> pooling_ratio, bool pseudo_random, bool overlapping,
    int64_t seed, const c10::optional<at::Tensor>& rows, const c10::optional<at::Tensor>& cols);
at::Tensor max_unpool2d(const at::Tensor& values, const at::Tensor& indices,
                        c10::IntArrayRef output_size);

// ---- backward passes (SPEC section 9) ----
at::Tensor max_pool2d_backward(const at::Tensor& dy, const at::Tensor& indices,
                               c10::IntArrayRef input_size);
/// avg (average = true) or sum.
at::Tensor window_pool2d_backward(const char* op, bool average, const at::Tensor& dy,
                                  c10::IntArrayRef input_size, const window_args& a);
/// adaptive or global, avg or sum.
at::Tensor bin_pool2d_backward(const char* op, bool global, bool average, const at::Tensor& dy,
                               c10::IntArrayRef input_size);
at::Tensor power_pool2d_backward(const char* op, const at::Tensor& dy, const at::Tensor& x,
                                 const at::Tensor& y, double p, bool average, const window_args& a);
at::Tensor fractional_avg_pool2d_backward(const at::Tensor& dy, c10::IntArrayRef input_size,
                                          const at::Tensor& rows, const at::Tensor& cols,
                                          bool overlapping);
at::Tensor max_unpool2d_backward(const at::Tensor& dy, const at::Tensor& indices);

}  // namespace poolkit_torch
