// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Adaptive pooling of one plane for any reducer, one-lane code: each bin folded
// row-major like every regular window (the reducer contract), so a sum comes out as
// PyTorch's adaptive_avg_pool2d computes it. Used when the bins are not regular windows
// (ops/adaptive.hpp sends regular bins to the regular kernels).
#pragma once

#include <poolkit/config.hpp>
#include <poolkit/geometry/adaptive.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/reduce/reducer.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// Adaptive pooling of output rows [oh_begin, oh_end) of one plane with reducer `r`.
template <class T, class R>
  requires reducer<R, T>
void pool_adaptive_rows(const R& r, plane<const T> x, plane<T> y, const geometry::adaptive_axis& gh,
                        const geometry::adaptive_axis& gw, index_t oh_begin,
                        index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = gh.window(oh);
    const T* rows = x.data + wh.first * x.row_stride;
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const geometry::axis_window ww = gw.window(ow);
      const auto acc = fold_window(r, rows + ww.first * x.col_stride, wh.count, x.row_stride,
                                   ww.count, x.col_stride);
      const index_t taps = wh.count * ww.count;
      y.data[oh * y.row_stride + ow * y.col_stride] = static_cast<T>(r.finalize(acc, {taps, taps}));
    }
  }
}

/// Adaptive selection with indices (h * W + w in the plane) of output rows
/// [oh_begin, oh_end) of one plane.
template <class T, class S>
  requires selector<S, T>
void select_adaptive_rows(const S& s, plane<const T> x, plane<T> y, plane<index_t> indices,
                          const geometry::adaptive_axis& gh, const geometry::adaptive_axis& gw,
                          index_t oh_begin, index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = gh.window(oh);
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const selection<T> best = select_window(s, x, wh, gw.window(ow), 1, 1);
      y.data[oh * y.row_stride + ow * y.col_stride] = best.value;
      indices.data[oh * indices.row_stride + ow * indices.col_stride] = best.index;
    }
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
