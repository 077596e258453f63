// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Window geometry of a regular (sliding-window) pooling along one axis: which input
// positions each output's taps land on, how many are inside the input, and the range
// of outputs whose windows lie wholly inside the input (the "interior", where kernels
// run without any border logic). SPEC section 2.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <poolkit/detail/checked.hpp>
#include <poolkit/params.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace geometry {

/// The in-bounds taps of one window along one axis. Taps are `first`, `first + step`,
/// ... (`count` of them); a window with `count == 0` is empty.
struct axis_window {
  /// Input position of the first in-bounds tap (meaningless when count == 0).
  index_t first;
  /// Number of taps inside the input.
  index_t count;
  /// Number of taps inside the padded extent [-pad_begin, in + pad_end): the
  /// `count_include_pad` divisor. Ceil-mode overhang past the end padding is not counted.
  index_t padded_count;
};

/// Window geometry along one axis of a validated regular pooling.
class regular_axis {
 public:
  regular_axis(index_t input_size, index_t output_size, const axis_params& a) noexcept
      : in_(input_size),
        out_(output_size),
        kernel_(a.kernel),
        stride_(a.stride),
        dilation_(a.dilation),
        pad_begin_(a.pad_begin),
        pad_end_(a.pad_end) {
    // Interior: start >= 0 and start + (kernel - 1) * dilation <= in - 1.
    const index_t eff = a.effective_kernel();
    interior_begin_ = std::min(out_, detail::ceil_div(pad_begin_, stride_));
    const index_t last = detail::floor_div(in_ - eff + pad_begin_, stride_);
    interior_end_ = std::clamp<index_t>(last + 1, interior_begin_, out_);
  }

  index_t input_size() const noexcept { return in_; }
  index_t output_size() const noexcept { return out_; }
  index_t kernel() const noexcept { return kernel_; }
  index_t stride() const noexcept { return stride_; }
  index_t dilation() const noexcept { return dilation_; }
  index_t pad_begin() const noexcept { return pad_begin_; }

  /// Input position of tap 0 of output `o` (may be negative: in the begin padding).
  index_t window_start(index_t o) const noexcept { return o * stride_ - pad_begin_; }

  /// First output whose window lies wholly inside the input.
  index_t interior_begin() const noexcept { return interior_begin_; }
  /// One past the last output whose window lies wholly inside the input
  /// (interior_begin() <= interior_end() <= output_size()).
  index_t interior_end() const noexcept { return interior_end_; }

  /// The in-bounds taps of output `o`.
  axis_window window(index_t o) const noexcept {
    const index_t start = window_start(o);
    // First tap at or after position 0, last tap at or before in - 1, both clamped to
    // [0, kernel).
    const index_t t_first = start < 0 ? detail::ceil_div(-start, dilation_) : 0;
    const index_t t_last = std::min(kernel_ - 1, detail::floor_div(in_ - 1 - start, dilation_));
    const index_t count = std::max<index_t>(0, t_last - t_first + 1);
    // start >= -pad_begin always, so the padded extent starts at tap 0.
    const index_t t_padded_last =
        std::min(kernel_ - 1, detail::floor_div(in_ + pad_end_ - 1 - start, dilation_));
    // An empty window reports position 0 so that callers may form a pointer from it.
    return {count > 0 ? start + t_first * dilation_ : 0, count,
            std::max<index_t>(0, t_padded_last + 1)};
  }

 private:
  index_t in_, out_, kernel_, stride_, dilation_, pad_begin_, pad_end_;
  index_t interior_begin_ = 0;
  index_t interior_end_ = 0;
};

/// Geometry of both spatial axes of a validated regular pooling.
struct regular_windows {
  regular_axis h;
  regular_axis w;
};

/// The window of every output along an axis (a regular_axis, or any axis type with
/// output_size() and window(o)), as a table kernels index by output.
template <class Axis>
std::vector<axis_window> windows_of(const Axis& axis) {
  std::vector<axis_window> w(static_cast<std::size_t>(axis.output_size()));
  for (index_t o = 0; o < axis.output_size(); ++o) w[static_cast<std::size_t>(o)] = axis.window(o);
  return w;
}

/// Builds the geometry for an input of spatial size `in` and output size `out`.
inline regular_windows make_regular_windows(hw in, hw out, const pool2d_params& p) noexcept {
  return {regular_axis(in.h, out.h, height_axis(p)), regular_axis(in.w, out.w, width_axis(p))};
}

}  // namespace geometry
POOLKIT_END_NAMESPACE
