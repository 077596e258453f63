// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Selection with indices: one (n, c) plane of max_pool2d_with_indices (or any selecting
// reducer), scalar instruction set. Same border split as kernel/plane.hpp; the index of
// a tap is its position h * W + w in the input plane (PyTorch's per-plane convention).
#pragma once

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/reduce/reducer.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// The chosen tap of a window and its per-plane index (-1 for an empty window).
template <class T>
struct selection {
  T value;
  index_t index;
};

/// Scans one window row-major: starts from the identity and the first in-bounds tap
/// (PyTorch's initial index), and lets each later tap replace the choice when the
/// selector prefers it.
template <class T, class S>
POOLKIT_FORCEINLINE selection<T> select_window(const S& s, plane<const T> x,
                                               const geometry::axis_window& wh,
                                               const geometry::axis_window& ww, index_t dh,
                                               index_t dw) noexcept {
  if (wh.count == 0 || ww.count == 0) return {s.identity(), -1};
  selection<T> best{s.identity(), wh.first * x.cols + ww.first};
  for (index_t i = 0; i < wh.count; ++i) {
    const index_t h = wh.first + i * dh;
    const T* row = x.data + h * x.row_stride;
    for (index_t j = 0; j < ww.count; ++j) {
      const index_t w = ww.first + j * dw;
      const T v = row[w * x.col_stride];
      if (S::prefer(v, best.value)) best = {v, h * x.cols + w};
    }
  }
  return best;
}

/// Pools output rows [oh_begin, oh_end) of one plane with selector `s`, writing the
/// chosen values and their indices.
template <class T, class S>
  requires selector<S, T>
void select_plane_rows(const S& s, plane<const T> x, plane<T> y, plane<index_t> indices,
                       const geometry::regular_windows& g, index_t oh_begin,
                       index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = g.h.window(oh);
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const selection<T> best =
          select_window(s, x, wh, g.w.window(ow), g.h.dilation(), g.w.dilation());
      y.data[oh * y.row_stride + ow * y.col_stride] = best.value;
      indices.data[oh * indices.row_stride + ow * indices.col_stride] = best.index;
    }
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
