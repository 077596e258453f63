// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The plane kernel: one (n, c) plane of a regular pooling, for any reducer, scalar
// instruction set. Border handling is resolved outside the tap loops: each output row
// is split into left border, interior and right border; interior windows have all
// their taps in bounds and take no per-window geometry at all, border windows get their
// in-bounds tap range from geometry::regular_axis. No tap is ever bounds-checked.
#pragma once

#include <algorithm>

#include <poolkit/config.hpp>
#include <poolkit/detail/checked.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/reduce/reducer.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// One H x W plane of a view: pointer to element (0, 0) and strides in elements.
template <class T>
struct plane {
  T* data;
  index_t rows;
  index_t cols;
  index_t row_stride;
  index_t col_stride;
};

/// Whether `bytes` of input are too many to be in the caches when a call starts, so that
/// its kernels read memory: 32 MiB, the last-level cache of a server core complex
/// (an AMD CCD; an Intel socket's is larger, a laptop's smaller, where inputs of 8-32 MiB
/// then run without the prefetches, as before them). The OS's cache sizes are no help:
/// a VM reports the whole host's.
inline bool beyond_caches(index_t bytes) noexcept { return bytes > (index_t{32} << 20); }

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

/// The interior of one output row: `count` outputs whose windows are `kernel_w` columns
/// wide, all in bounds. `Width` > 0 fixes the width at compile time (unrolled taps);
/// `UnitStep` says adjacent taps are adjacent in memory. Both only change speed.
template <index_t Width, bool UnitStep, class T, class R>
void fold_interior(const R& r, const T* first_window, index_t window_step, index_t row_count,
                   index_t row_step, index_t kernel_w, index_t col_step, T* out, index_t out_step,
                   index_t count, window_counts counts) noexcept {
  const index_t width = Width > 0 ? Width : kernel_w;
  const index_t step = UnitStep ? 1 : col_step;
  for (index_t o = 0; o < count; ++o) {
    const T* window = first_window + o * window_step;
    accumulator_t<R, T> acc = r.identity();
    for (index_t i = 0; i < row_count; ++i) {
      const T* tap = window + i * row_step;
      for (index_t j = 0; j < width; ++j) acc = r.combine(acc, tap[j * step]);
    }
    out[o * out_step] = static_cast<T>(r.finalize(acc, counts));
  }
}

/// Taps of a window inside the padded extent: rows x columns. In-bounds taps are at most
/// H x W, but a valid window can extend far into padding (kernels of 2^40 taps per
/// axis), so the product saturates at INT64_MAX instead of overflowing; an average over
/// such a window is then ~0, as the true divisor would make it.
inline index_t padded_taps(index_t rows, index_t cols) noexcept {
  return detail::saturating_mul(rows, cols);
}

/// Pools output rows [oh_begin, oh_end) of one plane with any reducer `r`:
/// y(oh, ow) = finalize(fold of window (oh, ow)). Any strides.
template <class T, class R>
  requires reducer<R, T>
void pool_plane_rows(const R& r, plane<const T> x, plane<T> y, const geometry::regular_windows& g,
                     index_t oh_begin, index_t oh_end) noexcept {
  const geometry::regular_axis& gw = g.w;
  // A dilation or stride at or beyond the input's size (valid, however large) leaves at
  // most one tap or interior window along that axis, so its step is never taken; capped
  // at the size, the products cannot overflow (the fuzzer's 2^62 dilations did).
  const index_t row_step = std::min(g.h.dilation(), g.h.input_size()) * x.row_stride;
  const index_t col_step = std::min(gw.dilation(), gw.input_size()) * x.col_stride;
  const index_t window_step = std::min(gw.stride(), gw.input_size()) * x.col_stride;
  const index_t interior = gw.interior_end() - gw.interior_begin();
  // The common widths get their own unrolled loop; the rest share a generic one.
  using interior_fn = void (*)(const R&, const T*, index_t, index_t, index_t, index_t, index_t, T*,
                               index_t, index_t, window_counts);
  interior_fn fold = fold_interior<0, false, T, R>;
  if (col_step == 1) {
    switch (gw.kernel()) {
      case 1: fold = fold_interior<1, true, T, R>; break;
      case 2: fold = fold_interior<2, true, T, R>; break;
      case 3: fold = fold_interior<3, true, T, R>; break;
      default: fold = fold_interior<0, true, T, R>; break;
    }
  }
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = g.h.window(oh);
    const T* rows = x.data + wh.first * x.row_stride;
    T* out = y.data + oh * y.row_stride;
    const auto border = [&](index_t ow) {
      const geometry::axis_window ww = gw.window(ow);
      const auto acc =
          fold_window(r, rows + ww.first * x.col_stride, wh.count, row_step, ww.count, col_step);
      out[ow * y.col_stride] = static_cast<T>(
          r.finalize(acc, {wh.count * ww.count, padded_taps(wh.padded_count, ww.padded_count)}));
    };
    for (index_t ow = 0; ow < gw.interior_begin(); ++ow) border(ow);
    if (interior > 0) {
      // Every column tap of these windows is in bounds: the window is `kernel` wide.
      const index_t ib = gw.interior_begin();
      fold(r, rows + gw.window_start(ib) * x.col_stride, window_step, wh.count, row_step,
           gw.kernel(), col_step, out + ib * y.col_stride, y.col_stride, interior,
           {wh.count * gw.kernel(), padded_taps(wh.padded_count, gw.kernel())});
    }
    for (index_t ow = gw.interior_end(); ow < y.cols; ++ow) border(ow);
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
