// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// What a regular-pooling plane kernel is given, whatever its instruction set: the
// reducer, the window geometry, the column layout, the per-column window counts of an
// average, and the size of the per-task scratch memory.
#pragma once

#include <algorithm>
#include <cmath>
#include <new>
#include <utility>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/detail/checked.hpp>
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

/// Whether the vector kernels suit a call's windows. They lay a row out over the whole
/// padded extent its windows touch (row_extent), keep bands of the windows' height span
/// (scratch_layout) and fold every tap, padding included. Padding, kernels and dilation
/// far beyond the input are valid but would make those buffers enormous (and their index
/// arithmetic overflow) or the folds mostly padding; such calls run the generic kernels,
/// which visit in-bounds taps only and give the same bits. Found by the fuzzer
/// (fuzz/fuzz_regular.cpp): a valid 2-tap window with a 2^40 dilation asked for 80 TB of
/// scratch, and a 10^6-tap window over 40 columns took 30 s.
inline bool fits_vector_staging(const geometry::regular_windows& g) noexcept {
  constexpr index_t limit = index_t{1} << 22;  // elements
  const auto mostly_inside = [](const geometry::regular_axis& a) {
    return a.kernel() <= a.input_size() + 2 * max_lanes;
  };
  if (!mostly_inside(g.h) || !mostly_inside(g.w) || g.h.stride() > limit) return false;
  const auto span = [](const geometry::regular_axis& a) {
    return detail::checked_add(detail::checked_mul(a.kernel() - 1, a.dilation()), 1);
  };
  const index_t pitch = scratch_pitch(g.w.output_size());
  // An upper bound of row_extent::of's pitch: padding, one window, every block's stride.
  const detail::checked_int row =
      detail::checked_add(detail::checked_add(span(g.w), g.w.pad_begin()),
                          detail::checked_mul(g.w.stride(), pitch + 2 * max_lanes));
  const detail::checked_int band = detail::checked_mul(span(g.h), pitch);
  return row && *row <= limit && band && *band <= 4 * limit;
}

/// How one output row's outputs map onto input columns.
struct row_geometry {
  index_t in_width;   // W
  index_t out_width;  // OW
  index_t kernel;
  index_t stride;
  index_t dilation;
  index_t pad_begin;
};

/// The extent of input positions a row's blocks may read, [first, first + pitch),
/// computed for the widest vector (max_lanes), whose loads reach furthest. The identity
/// row that stands in for rows above and below the input covers it. `shares_pairs`:
/// whether 2- and 3-wide stride-2 windows load one deinterleaved pair for all their taps
/// (fold_row does; the selection kernel loads a pair per tap, one element further).
struct row_extent {
  index_t first = 0;
  index_t pitch = 0;

  static row_extent of(const row_geometry& g, bool shares_pairs = true) noexcept {
    constexpr index_t L = max_lanes;
    const index_t last_block = scratch_pitch(g.out_width) - L;  // first output of it
    const index_t start = last_block * g.stride - g.pad_begin;  // its tap 0
    const index_t last_tap = start + (g.kernel - 1) * g.dilation;
    // One past the last element the block's loads touch (see fold_row; the 2- and 3-wide
    // stride-2 windows load one deinterleaved pair, plus one element for 3).
    const bool shared_pair =
        shares_pairs && g.stride == 2 && g.dilation == 1 && (g.kernel == 2 || g.kernel == 3);
    const index_t end = shared_pair     ? start + 2 * L + (g.kernel == 3 ? 1 : 0)
                        : g.stride == 1 ? last_tap + L
                        : g.stride == 2 ? last_tap + 2 * L
                                        : last_tap + (L - 1) * g.stride + 1;
    row_extent e;
    e.first = -g.pad_begin;
    e.pitch = (end - e.first + L - 1) / L * L;
    return e;
  }
};

/// What a selection-with-indices kernel is given (see kernel/select-inl.hpp).
template <class T>
struct select_job {
  const geometry::regular_windows* windows;
  row_geometry cols;
  const geometry::axis_window* row_windows;  // every output row's window
  const geometry::axis_window* col_windows;  // every output column's window
  const T* identity_row;                     // position q at [q] over the row_extent
};

/// Where each part of a task's scratch memory lives, as offsets in elements of T from a
/// 64-byte aligned base (every part starts 64-byte aligned).
struct scratch_layout {
  index_t pitch = 0;            // one row of outputs, whole vectors
  index_t band_height = 0;      // output rows per band
  index_t band_rows = 0;        // input rows of a full band
  index_t band_pointers = 0;    // one row pointer per band input row
  index_t identity_row = 0;     // a row of identity elements, extent.pitch long
  index_t staged_row = 0;       // the same, into which large windows copy each input row
  index_t identity_length = 0;  // elements from identity_row set to the identity: both rows
  index_t band_h = 0;           // large selection windows: horizontal results, band_rows x pitch
  index_t mask_table = 0;       // edge blocks' load masks (see block_plan)
  index_t mask_table_bytes = 0;
  index_t total = 0;

  /// Output rows per band: the band's tables and horizontal results stay in L1.
  static constexpr index_t band_bytes = 16 * 1024;
  static constexpr index_t mask_bytes = 16 * 1024;

  static scratch_layout of(const geometry::regular_windows& w, const row_extent& extent,
                           std::size_t element_size) noexcept {
    const auto elements = [element_size](index_t bytes) {
      const index_t aligned = (bytes + 63) / 64 * 64;
      return aligned / static_cast<index_t>(element_size);
    };
    const auto t_bytes = static_cast<index_t>(element_size);
    scratch_layout l;
    l.pitch = scratch_pitch(w.w.output_size());
    const index_t sh = w.h.stride();
    const index_t span = (w.h.kernel() - 1) * w.h.dilation() + 1;
    const index_t row_bytes = l.pitch * t_bytes + 16;
    const index_t fitting = (band_bytes / row_bytes - span) / sh + 1;
    l.band_height = std::clamp<index_t>(fitting, 1, w.h.output_size());
    l.band_rows = (l.band_height - 1) * sh + span;
    index_t at = 0;
    const auto take = [&](index_t bytes) {
      const index_t here = at;
      at += elements(bytes);
      return here;
    };
    // Row pointers for the band's input rows, then divisor-row pointers for its outputs.
    l.band_pointers = take((l.band_rows + l.band_height) * static_cast<index_t>(sizeof(void*)));
    l.identity_row = take(extent.pitch * t_bytes);
    l.staged_row = take(extent.pitch * t_bytes);
    l.identity_length = l.staged_row + extent.pitch - l.identity_row;
    l.band_h = take(l.band_rows * l.pitch * t_bytes);
    l.mask_table = take(mask_bytes);
    l.mask_table_bytes = mask_bytes;
    l.total = at;
    return l;
  }
};

/// What the vector kernels read of a job: everything but the reducer, which for them is
/// the vector form they are compiled for.
template <class T>
struct vector_job {
  const geometry::regular_windows* windows;
  row_geometry cols;
  row_extent extent;
  const scratch_layout* layout;
  /// avg: divisor_rows + divisor_row(oh) * scratch_pitch(OW) is output row oh's row of
  /// divisors (PyTorch's rule; 1 for an empty window, whose 0 / 1 gives the required 0).
  /// Null for every other reducer: avg runs sum's kernels, which divide when this is set.
  const T* divisor_rows;
  /// Output row oh's divisor row is divisor_row_of[oh]; null when all rows share row 0.
  const index_t* divisor_row_of;
  /// The divisor rows hold reciprocals of powers of two, and the kernels multiply by them
  /// (job_tables::add_divisors).
  bool divisors_are_reciprocals = false;
  /// The input is beyond the caches (beyond_caches): the kernels prefetch the input rows
  /// of the output rows ahead.
  bool prefetch_rows = false;

  index_t divisor_row(index_t oh) const noexcept {
    return divisor_row_of == nullptr ? 0 : divisor_row_of[oh];
  }
};

/// Whether divisor d is a power of two (then 1 / d is exact).
template <class T>
bool is_power_of_two(T d) noexcept {
  int exponent = 0;
  return std::frexp(d, &exponent) == T(0.5);
}

/// What divide() takes for divisor d: d, or its reciprocal when d is a power of two.
template <class T>
struct exact_divisor {
  T value;
  bool reciprocal;
  explicit exact_divisor(T d) noexcept
      : value(is_power_of_two(d) ? T(1) / d : d), reciprocal(is_power_of_two(d)) {}
};

/// Everything a plane kernel needs besides the plane and its scratch memory, prepared once
/// per call and shared by all tasks and planes.
template <class T, class R>
struct plane_job : vector_job<T> {
  const R* reducer;
};

/// Per-task scratch memory, 64-byte aligned.
template <class T>
class scratch_buffer {
 public:
  /// `tasks` blocks of `per_task` elements; in each, elements [fill_at, fill_at +
  /// fill_count) are set to `fill` (the identity row), the rest left uninitialised.
  scratch_buffer(index_t tasks, index_t per_task, index_t fill_at, index_t fill_count, T fill)
      : per_task_(per_task),
        data_(static_cast<T*>(::operator new(
            static_cast<std::size_t>(std::max<index_t>(1, tasks* per_task)) * sizeof(T),
            std::align_val_t{64}))) {
    for (index_t t = 0; t < tasks; ++t)
      std::fill_n(data_ + t * per_task + fill_at, static_cast<std::size_t>(fill_count), fill);
  }
  ~scratch_buffer() { ::operator delete(data_, std::align_val_t{64}); }
  scratch_buffer(const scratch_buffer&) = delete;
  scratch_buffer& operator=(const scratch_buffer&) = delete;
  T* task(index_t t) const noexcept { return data_ + t * per_task_; }

 private:
  index_t per_task_;
  T* data_;
};

/// The per-call tables behind a plane_job: row windows (only when asked for: the
/// selections and stochastic pooling read them; the regular kernels do not, and a tall
/// stack of planes, ops/regular.hpp, has thousands of rows) and, for averages, the
/// distinct rows of divisors (rows with the same vertical window counts share one).
template <class T>
struct job_tables {
  std::vector<geometry::axis_window> row_windows;
  std::vector<geometry::axis_window> col_windows;
  std::vector<T> divisor_rows;
  std::vector<index_t> divisor_row_of;  // empty: every output row reads divisor row 0
  bool divisors_are_reciprocals = false;

  explicit job_tables(const geometry::regular_windows& w, bool with_rows = true) {
    if (with_rows) {
      row_windows.resize(static_cast<std::size_t>(w.h.output_size()));
      for (index_t oh = 0; oh < w.h.output_size(); ++oh)
        row_windows[static_cast<std::size_t>(oh)] = w.h.window(oh);
    }
    col_windows.resize(static_cast<std::size_t>(w.w.output_size()));
    for (index_t ow = 0; ow < w.w.output_size(); ++ow)
      col_windows[static_cast<std::size_t>(ow)] = w.w.window(ow);
  }

  /// Rule: anything with divisor(window_counts), reduce::avg or the power average's rule.
  template <class Rule>
  void add_divisors(const geometry::regular_windows& w, const Rule& r) {
    const index_t ow_count = w.w.output_size();
    const index_t pitch = scratch_pitch(ow_count);
    const std::vector<geometry::axis_window>& cols = col_windows;
    const auto add_row = [&](const geometry::axis_window& wh) {
      divisor_rows.resize(divisor_rows.size() + static_cast<std::size_t>(pitch), T(1));
      T* row = divisor_rows.data() + divisor_rows.size() - static_cast<std::size_t>(pitch);
      for (index_t ow = 0; ow < ow_count; ++ow) {
        const geometry::axis_window& c = cols[static_cast<std::size_t>(ow)];
        const window_counts counts{wh.count * c.count, wh.padded_count * c.padded_count};
        row[ow] = counts.in_bounds == 0 ? T(1) : static_cast<T>(r.divisor(counts));
      }
    };
    // Every vertical window inside the input (no top padding, the last window's last tap
    // in the last row): every output row has the same divisors, one row for all.
    const geometry::regular_axis& h = w.h;
    const bool rows_alike =
        h.pad_begin() == 0 &&
        (h.output_size() - 1) * h.stride() + (h.kernel() - 1) * h.dilation() < h.input_size();
    if (rows_alike || h.output_size() <= 1) {
      if (h.output_size() > 0) add_row(h.window(0));
    } else {
      std::vector<std::pair<index_t, index_t>> seen;  // (rows in bounds, rows padded)
      divisor_row_of.resize(static_cast<std::size_t>(h.output_size()));
      for (index_t oh = 0; oh < h.output_size(); ++oh) {
        const geometry::axis_window wh = h.window(oh);
        const auto key = std::make_pair(wh.count, wh.padded_count);
        const auto it = std::find(seen.begin(), seen.end(), key);
        divisor_row_of[static_cast<std::size_t>(oh)] = it - seen.begin();
        if (it != seen.end()) continue;
        seen.push_back(key);
        add_row(wh);
      }
    }
    // Every divisor a power of two (2 x 2 and 4 x 4 windows, even adaptive bins without
    // padding): the kernels multiply by the exact reciprocals instead (see divide()).
    if (std::all_of(divisor_rows.begin(), divisor_rows.end(), is_power_of_two<T>)) {
      for (T& d : divisor_rows) d = T(1) / d;
      divisors_are_reciprocals = true;
    }
  }
};

}  // namespace kernel
POOLKIT_END_NAMESPACE
