// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// What a regular-pooling plane kernel is given, whatever its instruction set: the
// reducer, the window geometry, the column layout, the per-column window counts of an
// average, and the size of the per-task scratch memory.
#pragma once

#include <algorithm>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/reduce/basic.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// Lanes of the widest vector any instruction set uses (16 floats); scratch rows are
/// padded to a multiple of it so that every instruction set can store whole vectors.
inline constexpr index_t max_lanes = 16;

/// Length of one scratch row holding `out_width` outputs, in whole vectors.
constexpr index_t scratch_pitch(index_t out_width) noexcept {
  return (out_width + max_lanes - 1) / max_lanes * max_lanes;
}

/// How one output row's outputs map onto input columns.
struct row_geometry {
  index_t in_width;   // W
  index_t out_width;  // OW
  index_t kernel;
  index_t stride;
  index_t dilation;
  index_t pad_begin;

  /// Input elements the fast path of one tap loads, from the tap's first position.
  template <int L>
  constexpr index_t load_span() const noexcept {
    return stride == 2 ? 2 * L : stride == 1 ? L : (L - 1) * stride + 1;
  }
};

/// Divisors of one output row of an average (PyTorch's rule, see reduce::avg), or 1 for
/// an empty window so that 0 / 1 gives the 0 an empty window must produce. Recomputed only
/// when the row's vertical counts change (at the top and bottom borders).
struct divisor_row {
  const index_t* cols_padded;  // per output column: taps in the padded extent
  const index_t* cols_valid;   // per output column: taps in bounds
  index_t last_rows_padded = -1;
  index_t last_rows_valid = -1;

  template <class T>
  void update(T* row, index_t out_width, index_t rows_padded, index_t rows_valid,
              const reduce::avg<T>& r) noexcept {
    if (rows_padded == last_rows_padded && rows_valid == last_rows_valid) return;
    last_rows_padded = rows_padded;
    last_rows_valid = rows_valid;
    for (index_t ow = 0; ow < out_width; ++ow) {
      const window_counts counts{rows_valid * cols_valid[ow], rows_padded * cols_padded[ow]};
      row[ow] = counts.in_bounds == 0 ? T(1) : static_cast<T>(r.divisor(counts));
    }
  }
};

/// Everything a plane kernel needs besides the plane and its scratch memory, prepared once
/// per call and shared by all tasks.
template <class T, class R>
struct plane_job {
  const R* reducer;
  const geometry::regular_windows* windows;
  row_geometry cols;
  index_t row_step;            // elements between consecutive tap rows (dilation * row stride)
  const index_t* cols_padded;  // per output column: taps in the padded extent
  const index_t* cols_valid;   // per output column: taps in bounds
};

/// Scratch elements of T one task needs: a divisor row, or a ring of horizontal results
/// with the index of the input row each ring slot holds.
template <class T>
index_t scratch_elements(const geometry::regular_windows& w) noexcept {
  const index_t pitch = scratch_pitch(w.w.output_size());
  const index_t ring_rows = (w.h.kernel() - 1) * w.h.dilation() + 1;
  const index_t held = (ring_rows * static_cast<index_t>(sizeof(index_t)) +
                        static_cast<index_t>(sizeof(T)) - 1) /
                       static_cast<index_t>(sizeof(T));
  return std::max(pitch, ring_rows * pitch + held);
}

/// The per-column window counts along W, for averages.
struct column_counts {
  std::vector<index_t> padded;
  std::vector<index_t> valid;

  explicit column_counts(const geometry::regular_axis& w) {
    padded.resize(static_cast<std::size_t>(w.output_size()));
    valid.resize(static_cast<std::size_t>(w.output_size()));
    for (index_t ow = 0; ow < w.output_size(); ++ow) {
      const geometry::axis_window win = w.window(ow);
      padded[static_cast<std::size_t>(ow)] = win.padded_count;
      valid[static_cast<std::size_t>(ow)] = win.count;
    }
  }
};

}  // namespace kernel
POOLKIT_END_NAMESPACE
