// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// How an operation walks its planes and cuts its output rows into tasks for threads.
#pragma once

#include <algorithm>

#include <poolkit/config.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

/// Calls `f(n, c)` for every plane.
template <class F>
void for_each_plane(index_t batches, index_t channels, F&& f) {
  for (index_t n = 0; n < batches; ++n)
    for (index_t c = 0; c < channels; ++c) f(n, c);
}

/// The output rows of all planes, cut into `tasks` runs of nearly equal length. A run may
/// cover several planes or part of one (when there are fewer planes than threads); each
/// output row belongs to exactly one run, so the split never changes a result.
struct row_split {
  index_t channels;
  index_t rows;   // output rows per plane
  index_t total;  // rows of all planes
  index_t tasks;

  /// The flat rows [first, end) of run t (first < end unless total is 0).
  index_t first_of(index_t t) const noexcept {
    return total / tasks * t + std::min(t, total % tasks);
  }
  index_t end_of(index_t t) const noexcept {
    return first_of(t) + total / tasks + (t < total % tasks ? 1 : 0);
  }

  /// Calls f(n, c, row_begin, row_end) for the pieces of run t.
  template <class F>
  void for_each_piece(index_t t, F&& f) const {
    index_t flat = first_of(t);
    const index_t end = end_of(t);
    while (flat < end) {
      const index_t plane = flat / rows;
      const index_t row = flat % rows;
      const index_t row_end = std::min(rows, row + (end - flat));
      f(plane / channels, plane % channels, row, row_end);
      flat += row_end - row;
    }
  }
};

inline row_split split_rows(index_t batches, index_t channels, index_t rows, int threads) {
  const index_t total = batches * channels * rows;
  return {channels, rows, total, std::max<index_t>(1, std::min<index_t>(threads, total))};
}

}  // namespace detail
POOLKIT_END_NAMESPACE
