// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The reducer concept: what a pooling computes over one window, separated from how
// windows are walked (kernel/) and where they are (geometry/).
//
// A reducer folds the in-bounds taps of a window in row-major order:
//
//     acc = r.identity();
//     for each in-bounds tap x, row by row, left to right:  acc = r.combine(acc, x);
//     output = r.finalize(acc, counts);
//
// That order is part of the contract: sums come out bit-identical to PyTorch's
// (which folds the same way) and to every SIMD kernel poolkit has.
#pragma once

#include <concepts>
#include <type_traits>

#include <poolkit/tensor.hpp>

namespace poolkit {

/// \addtogroup reducers
/// \{

/// What `finalize` learns about the window it reduced.
struct window_counts {
  /// Taps inside the input (0 for an empty window).
  index_t in_bounds;
  /// Taps inside the padded extent: explicit padding counts, ceil-mode overhang does
  /// not. This is PyTorch's `count_include_pad` divisor.
  index_t with_padding;
};

namespace reducer_detail {
template <class R, class T>
struct accumulator_of {
  using type = T;
};
template <class R, class T>
  requires requires { typename R::accumulator_type; }
struct accumulator_of<R, T> {
  using type = typename R::accumulator_type;
};
}  // namespace reducer_detail

/// The accumulator type of reducer `R` on elements `T`: `R::accumulator_type` if the
/// reducer declares one, else `T`.
template <class R, class T>
using accumulator_t = typename reducer_detail::accumulator_of<R, T>::type;

/// A reducer over elements of type `T`. A user-defined type that satisfies this works
/// with poolkit::pool2d exactly like the built-in ones:
///
/// @code
/// struct abs_max {                     // largest magnitude in the window
///   float identity() const { return 0.0f; }
///   float combine(float acc, float x) const { return std::max(acc, std::fabs(x)); }
///   float finalize(float acc, poolkit::window_counts) const { return acc; }
/// };
/// auto y = poolkit::pool2d(x, abs_max{}, {.kernel = {2, 2}});
/// @endcode
template <class R, class T>
concept reducer = std::copy_constructible<R> &&
                  requires(const R& r, accumulator_t<R, T> acc, T x, window_counts counts) {
                    { r.identity() } -> std::convertible_to<accumulator_t<R, T>>;
                    { r.combine(acc, x) } -> std::convertible_to<accumulator_t<R, T>>;
                    { r.finalize(acc, counts) } -> std::convertible_to<T>;
                  };

/// A selecting reducer: the result is one of the taps, and `prefer(x, current)` says
/// whether tap `x`, met later in scan order, replaces the current choice. Selecting
/// reducers can also report which tap they chose (max_pool2d_with_indices).
template <class S, class T>
concept selector = reducer<S, T> && requires(T x) {
  { S::prefer(x, x) } -> std::same_as<bool>;
};

/// \}

}  // namespace poolkit
