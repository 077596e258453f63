// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Adaptive windows along one axis (SPEC section 3, PyTorch's bins, in integers): output
// `o` of `out` covers input positions [floor(o * in / out), ceil((o + 1) * in / out)).
// Neighbouring bins may share a position; out > in repeats positions.
#pragma once

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace geometry {

class adaptive_axis {
 public:
  /// Requires in >= 1, out >= 1 and in * out representable (the caller validates).
  adaptive_axis(index_t input_size, index_t output_size) noexcept
      : in_(input_size), out_(output_size) {}

  index_t input_size() const noexcept { return in_; }
  index_t output_size() const noexcept { return out_; }

  index_t start(index_t o) const noexcept { return o * in_ / out_; }
  index_t end(index_t o) const noexcept { return ((o + 1) * in_ + out_ - 1) / out_; }

  /// The bin of output `o`: every tap is in bounds, so both counts are its length.
  axis_window window(index_t o) const noexcept {
    const index_t first = start(o);
    const index_t count = end(o) - first;
    return {first, count, count};
  }

  /// When out divides in, the bins are regular windows: kernel = stride = in / out.
  bool is_regular() const noexcept { return in_ % out_ == 0; }
  index_t regular_kernel() const noexcept { return in_ / out_; }

 private:
  index_t in_;
  index_t out_;
};

}  // namespace geometry
POOLKIT_END_NAMESPACE
