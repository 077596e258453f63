// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The plane kernel: one (n, c) plane of a regular pooling, for any reducer, scalar
// instruction set. Border handling is resolved outside the tap loops: each output row
// is split into left border, interior and right border; interior windows have all
// their taps in bounds and take no per-window geometry at all, border windows get their
// in-bounds tap range from geometry::regular_axis. No tap is ever bounds-checked.
#pragma once

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/reduce/reducer.hpp>

namespace poolkit::kernel {

/// One H x W plane of a view: pointer to element (0, 0) and strides in elements.
template <class T>
struct plane {
  T* data;
  index_t rows;
  index_t cols;
  index_t row_stride;
  index_t col_stride;
};

/// Plane (n, c) of a view.
template <class T>
plane<T> plane_of(const nchw_view<T>& v, index_t n, index_t c) noexcept {
  return {v.data_handle() + v.offset(n, c, 0, 0), v.extent(2), v.extent(3), v.stride(2),
          v.stride(3)};
}

/// Folds the taps of one window: rows `rows` (first row pointer, count, step in
/// elements) by columns `cols` (first column, count, step in elements), row-major.
template <class T, class R>
POOLKIT_FORCEINLINE accumulator_t<R, T> fold_window(const R& r, const T* first_row,
                                                    index_t row_count, index_t row_step,
                                                    index_t col_count, index_t col_step) noexcept {
  accumulator_t<R, T> acc = r.identity();
  for (index_t i = 0; i < row_count; ++i) {
    const T* tap = first_row + i * row_step;
    for (index_t j = 0; j < col_count; ++j) acc = r.combine(acc, tap[j * col_step]);
  }
  return acc;
}

/// Pools one plane with reducer `r`: y(oh, ow) = finalize(fold of window (oh, ow)).
template <class T, class R>
  requires reducer<R, T>
void pool_plane(const R& r, plane<const T> x, plane<T> y, const geometry::regular_windows& g,
                isa::scalar) noexcept {
  const geometry::regular_axis& gw = g.w;
  const index_t row_step = g.h.dilation() * x.row_stride;
  const index_t col_step = gw.dilation() * x.col_stride;
  for (index_t oh = 0; oh < y.rows; ++oh) {
    const geometry::axis_window wh = g.h.window(oh);
    const T* rows = x.data + wh.first * x.row_stride;
    T* out = y.data + oh * y.row_stride;
    const auto border = [&](index_t ow) {
      const geometry::axis_window ww = gw.window(ow);
      const auto acc = fold_window(r, rows + ww.first * x.col_stride, wh.count, row_step,
                                   ww.count, col_step);
      out[ow * y.col_stride] = static_cast<T>(
          r.finalize(acc, {wh.count * ww.count, wh.padded_count * ww.padded_count}));
    };
    for (index_t ow = 0; ow < gw.interior_begin(); ++ow) border(ow);
    // Interior: every column tap is in bounds, so the window is `kernel` columns wide.
    const window_counts counts{wh.count * gw.kernel(), wh.padded_count * gw.kernel()};
    for (index_t ow = gw.interior_begin(); ow < gw.interior_end(); ++ow) {
      const T* first = rows + gw.window_start(ow) * x.col_stride;
      const auto acc = fold_window(r, first, wh.count, row_step, gw.kernel(), col_step);
      out[ow * y.col_stride] = static_cast<T>(r.finalize(acc, counts));
    }
    for (index_t ow = gw.interior_end(); ow < y.cols; ++ow) border(ow);
  }
}

}  // namespace poolkit::kernel
