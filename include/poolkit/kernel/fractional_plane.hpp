// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Max pooling with indices over windows placed by explicit per-output starts (the
// fractional poolings, SPEC section 6), in two forms:
//   - direct: every window scanned row-major like kernel/select_plane.hpp (any strides);
//   - separable: for one output row, a vertical pass takes the best tap of every input
//     column over the window's rows (the vector select kernels of the resolved instruction
//     set, on a sub-plane of those rows), then each window picks among its columns.
// Both give PyTorch's choice: the first maximum in row-major order, or the last NaN. That
// choice is the maximum of a total order on (value, plane index): NaN above numbers,
// later NaN above earlier, among equal numbers the earlier tap. A maximum of a total
// order does not depend on how the scan is split, so both forms agree bit for bit.
#pragma once

#include <limits>
#include <memory>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/dispatch.hpp>
#include <poolkit/kernel/job.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/reduce/basic.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// True when candidate (v, i) beats the current choice (best_v, best_i) in the order above.
template <class T>
POOLKIT_FORCEINLINE bool beats(T v, index_t i, T best_v, index_t best_i) noexcept {
  if (v != v) return best_v == best_v || i > best_i;  // NaN: above numbers, later wins
  if (best_v != best_v) return false;
  return v > best_v || (v == best_v && i < best_i);
}

/// The vertical pass of the separable form for windows `height` rows tall: the select
/// kernel of a (height x 1) window at stride 1 over a height x W sub-plane, one output row.
template <class T>
class column_selection {
 public:
  column_selection(index_t height, index_t width)
      : windows_(geometry::make_regular_windows({height, width}, {1, width},
                                                {.kernel = {height, 1}, .stride = {1, 1}})),
        tables_(windows_),
        cols_{width, width, 1, 1, 1, 0},
        identity_row_(static_cast<std::size_t>(row_extent::of(cols_, /*shares_pairs=*/false).pitch),
                      -std::numeric_limits<T>::infinity()),
        height_(height) {}

  column_selection(const column_selection&) = delete;
  column_selection& operator=(const column_selection&) = delete;

  index_t height() const noexcept { return height_; }

  /// Best tap of every column over rows [top, top + height) of `x` (unit column stride):
  /// values into `value[0, W)`, plane indices into `index[0, W)`.
  void run(instruction_set isa, plane<const T> x, index_t top, T* value,
           index_t* index) const noexcept {
    const select_job<T> job{
        &windows_, cols_, tables_.row_windows.data(), tables_.col_windows.data(),
        identity_row_.data() - row_extent::of(cols_, /*shares_pairs=*/false).first};
    const plane<const T> rows{x.data + top * x.row_stride, height_, x.cols, x.row_stride, 1};
    select_rows<T, reduce::max<T>>(isa, job, rows, {value, 1, x.cols, x.cols, 1},
                                   {index, 1, x.cols, x.cols, 1}, 0, 1);
    // The kernel counts rows from the sub-plane's top.
    const index_t shift = top * x.cols;
    for (index_t w = 0; w < x.cols; ++w) index[w] += shift;
  }

 private:
  geometry::regular_windows windows_;
  job_tables<T> tables_;
  row_geometry cols_;
  std::vector<T> identity_row_;
  index_t height_;
};

/// The horizontal pass: window columns [first, first + count) of the column winners.
template <class T>
POOLKIT_FORCEINLINE selection<T> pick_column(const T* value, const index_t* index, index_t first,
                                             index_t count) noexcept {
  selection<T> best{value[first], index[first]};
  for (index_t j = first + 1; j < first + count; ++j)
    if (beats(value[j], index[j], best.value, best.index)) best = {value[j], index[j]};
  return best;
}

/// The vertical passes a call needs: one per distinct window height (a fixed kernel
/// has one; Graham regions have at most three).
template <class T>
class column_selections {
 public:
  column_selections(const geometry::axis_window* row_windows, index_t count, index_t width) {
    for (index_t i = 0; i < count; ++i)
      if (find(row_windows[i].count) == nullptr)
        passes_.push_back(std::make_unique<column_selection<T>>(row_windows[i].count, width));
  }
  const column_selection<T>* find(index_t height) const noexcept {
    for (const auto& p : passes_)
      if (p->height() == height) return p.get();
    return nullptr;
  }

 private:
  std::vector<std::unique_ptr<column_selection<T>>> passes_;
};

/// Max with indices of output rows [oh_begin, oh_end) of one plane over explicit windows:
/// window (oh, ow) covers row_windows[oh] x col_windows[ow], all taps in bounds.
/// With `columns` (unit column stride) the separable form runs, using `value` and `index`
/// (W entries each) as scratch; without it, the direct row-major scan.
template <class T>
void fractional_max_rows(instruction_set isa, const column_selections<T>* columns, plane<const T> x,
                         plane<T> y, plane<index_t> idx, const geometry::axis_window* row_windows,
                         const geometry::axis_window* col_windows, index_t oh_begin, index_t oh_end,
                         T* value, index_t* index) noexcept {
  const reduce::max<T> s{};
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& wh = row_windows[oh];
    T* out = y.data + oh * y.row_stride;
    index_t* out_idx = idx.data + oh * idx.row_stride;
    if (columns != nullptr) {
      columns->find(wh.count)->run(isa, x, wh.first, value, index);
      for (index_t ow = 0; ow < y.cols; ++ow) {
        const selection<T> best =
            pick_column(value, index, col_windows[ow].first, col_windows[ow].count);
        out[ow * y.col_stride] = best.value;
        out_idx[ow * idx.col_stride] = best.index;
      }
    } else {
      for (index_t ow = 0; ow < y.cols; ++ow) {
        const selection<T> best = select_window(s, x, wh, col_windows[ow], 1, 1);
        out[ow * y.col_stride] = best.value;
        out_idx[ow * idx.col_stride] = best.index;
      }
    }
  }
}

/// Averages of output rows [oh_begin, oh_end) over given regions (the Graham family's
/// fractional_avg_pool2d): each region folded row-major and divided by its size.
template <class T>
void region_avg_rows(plane<const T> x, plane<T> y, const geometry::axis_window* rows,
                     const geometry::axis_window* cols, index_t oh_begin, index_t oh_end) noexcept {
  const reduce::avg<T> r{};
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& wh = rows[oh];
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const geometry::axis_window& ww = cols[ow];
      const T sum = fold_window(r, x.data + wh.first * x.row_stride + ww.first * x.col_stride,
                                wh.count, x.row_stride, ww.count, x.col_stride);
      const index_t taps = wh.count * ww.count;
      y.data[oh * y.row_stride + ow * y.col_stride] = r.finalize(sum, {taps, taps});
    }
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
