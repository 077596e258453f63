// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The four basic reducers: max, min, sum, avg (SPEC section 2 table).
#pragma once

#include <limits>
#include <optional>

#include <poolkit/config.hpp>
#include <poolkit/reduce/reducer.hpp>

namespace poolkit::reduce {

/// \addtogroup reducers
/// \{

/// Maximum. NaN propagates (any NaN tap gives NaN, PyTorch's rule); ties keep the
/// first maximum in row-major scan. An empty window gives -inf.
template <class T>
struct max {
  /// True when tap x replaces the current choice (what the with-indices kernels keep).
  POOLKIT_FORCEINLINE static constexpr bool prefer(T x, T current) noexcept {
    return x > current || x != x;  // x != x: NaN
  }
  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr T identity() const noexcept {
    return -std::numeric_limits<T>::infinity();
  }
  /// True when tap x replaces the current choice (what the with-indices kernels keep).
  /// One tap folded into the accumulator.
  // Same result as `prefer(x, acc) ? x : acc`, written so that it compiles without a
  // data-dependent branch: `x > acc ? x : acc` is one maxss/maxsd (it keeps acc on ties
  // and once acc is NaN); the NaN test on x is a branch that is almost never taken.
  POOLKIT_FORCEINLINE constexpr T combine(T acc, T x) const noexcept {
    const T larger = x > acc ? x : acc;
    return x != x ? x : larger;
  }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE constexpr T finalize(T acc, window_counts) const noexcept { return acc; }
};

/// Minimum: the mirror of max. An empty window gives +inf.
template <class T>
struct min {
  /// True when tap x replaces the current choice (what the with-indices kernels keep).
  POOLKIT_FORCEINLINE static constexpr bool prefer(T x, T current) noexcept {
    return x < current || x != x;
  }
  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr T identity() const noexcept {
    return std::numeric_limits<T>::infinity();
  }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE constexpr T combine(
      T acc, T x) const noexcept {  // branch-free form, see max::combine
    const T smaller = x < acc ? x : acc;
    return x != x ? x : smaller;
  }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE constexpr T finalize(T acc, window_counts) const noexcept { return acc; }
};

/// Sum of the in-bounds taps. An empty window gives 0.
template <class T>
struct sum {
  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr T identity() const noexcept { return T(0); }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE constexpr T combine(T acc, T x) const noexcept { return acc + x; }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE constexpr T finalize(T acc, window_counts) const noexcept { return acc; }
};

/// Average: sum / divisor, with PyTorch's divisor rule (SPEC section 2): the override if
/// set, else the padded tap count (count_include_pad) or the in-bounds tap count.
/// A division, not a multiply by a reciprocal, so it matches PyTorch to the last bit.
/// An empty window gives 0.
template <class T>
struct avg {
  bool count_include_pad = true;              ///< count padding taps in the divisor
  std::optional<index_t> divisor_override{};  ///< divide by this instead

  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr T identity() const noexcept { return T(0); }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE constexpr T combine(T acc, T x) const noexcept { return acc + x; }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE constexpr T finalize(T acc, window_counts counts) const noexcept {
    if (counts.in_bounds == 0) return T(0);
    return acc / static_cast<T>(divisor(counts));
  }
  /// The window's divisor (the rule above).
  POOLKIT_FORCEINLINE constexpr index_t divisor(window_counts counts) const noexcept {
    if (divisor_override) return *divisor_override;
    return count_include_pad ? counts.with_padding : counts.in_bounds;
  }
};

/// \}

}  // namespace poolkit::reduce
