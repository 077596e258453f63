// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The power family (SPEC section 2): Lp, L2 and the power average (generalized mean),
//
//     lp(p)        = (sum |x|^p)^(1/p)
//     power_avg(p) = (sum |x|^p / divisor)^(1/p)     (divisor: the average rule)
//
// for real p > 0 and p = infinity (max |x|). |x|^p overflows or underflows long before
// the result does (1e30^3 in float), so the general reducer keeps the window's largest
// magnitude m as it goes and sums (|x| / m)^p, rescaling the sum when m grows:
//
//     result = m * (sum (|x| / m)^p)^(1/p)
//
// Every term is then at most 1. Errors in the sum shrink by a factor p through the root,
// which is what keeps float within 1e-5 of a double reference up to p = 64.
//
// The named operations (ops/power.hpp) pick the cheapest exact-enough form per p:
// p = inf a running max |x|; Lp with p = 1 a plain sum of |x| (no partial sum exceeds
// the result, so nothing to scale); float with integer p <= 6, and the float power
// average with p = 1, a double accumulator (every float's |x|^6 is a normal double: no
// overflow, no underflow, no scaling); the scaled reducer below for everything else,
// the double power average with p = 1 included: its sum of |x| can overflow where the
// mean does not ({DBL_MAX, -DBL_MAX, 1, 2} has the mean 9e307), so it is not a plain sum.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include <poolkit/config.hpp>
#include <poolkit/reduce/reducer.hpp>
#include <poolkit/simd/one_lane.hpp>

namespace poolkit::reduce {

/// \addtogroup reducers
/// \{

/// How a power-family reducer raises to p: by repeated multiplication when p is a whole
/// number up to 64 (exact order, no libm call), with std::pow otherwise.
struct power_exponent {
  double p = 2.0;  ///< the exponent
  int whole = 2;   ///< p when p is a whole number in [1, 64], else 0

  /// The exponent p, classified.
  static power_exponent of(double p) noexcept {
    power_exponent e{p, 0};
    if (p >= 1.0 && p <= 64.0 && p == std::floor(p)) e.whole = static_cast<int>(p);
    return e;
  }

  /// y^p for y >= 0 (square-and-multiply for whole p).
  template <class F>
  POOLKIT_FORCEINLINE F raise(F y) const noexcept {
    if (whole == 0) return static_cast<F>(std::pow(y, static_cast<F>(p)));
    F result = F(1);
    F base = y;
    for (int n = whole;;) {
      if ((n & 1) != 0) result *= base;
      n >>= 1;
      if (n == 0) return result;
      base *= base;
    }
  }

  /// s^(1/p) for s >= 0, with the exact library root for p = 1, 2, 3.
  template <class F>
  POOLKIT_FORCEINLINE F root(F s) const noexcept {
    switch (whole) {
      case 1: return s;
      case 2: return std::sqrt(s);
      case 3: return std::cbrt(s);
      default: return static_cast<F>(std::pow(s, F(1) / static_cast<F>(p)));
    }
  }
};

/// The running state of a scaled power sum: `scale` is the largest |x| so far (NaN once a
/// NaN was met), `sum` is sum (|x| / scale)^p.
template <class T>
struct scaled_power_sum {
  T scale;  ///< largest |x| so far
  T sum;    ///< sum (|x| / scale)^p
};

namespace detail {

/// The divisor rule of reduce::avg, shared by the power average.
struct divisor_rule {
  bool count_include_pad = true;
  std::optional<index_t> divisor_override{};

  constexpr index_t divisor(window_counts counts) const noexcept {
    if (divisor_override) return *divisor_override;
    return count_include_pad ? counts.with_padding : counts.in_bounds;
  }
};

template <class T>
POOLKIT_FORCEINLINE scaled_power_sum<T> add_scaled(const power_exponent& e, scaled_power_sum<T> s,
                                                   T x) noexcept {
  const T a = std::fabs(x);
  if (a > s.scale) {  // a new largest magnitude: rescale what was summed so far
    s.sum = s.scale > T(0) ? s.sum * e.raise(s.scale / a) + T(1) : T(1);
    s.scale = a;
  } else if (a == s.scale) {
    s.sum += T(1);  // also keeps inf / inf out of the sum
  } else if (a != a) {
    s.scale = a;  // NaN: sticks, since no comparison with it is true
  } else if (a > T(0)) {
    s.sum += e.raise(a / s.scale);
  }
  return s;
}

/// m * root(sum / divisor): 0 for an empty or all-zero window, NaN if a tap was NaN,
/// infinity if one was infinite.
template <class T>
POOLKIT_FORCEINLINE T finish_scaled(const power_exponent& e, scaled_power_sum<T> s,
                                    T divisor) noexcept {
  if (s.scale != s.scale || s.scale == std::numeric_limits<T>::infinity()) return s.scale;
  if (s.scale == T(0)) return T(0);
  return s.scale * e.root(s.sum / divisor);
}

}  // namespace detail

/// Lp pooling, (sum |x|^p)^(1/p) over the in-bounds taps, for real p > 0 (p = infinity
/// is max |x|). Scaled by the window's largest magnitude: never overflows or underflows
/// where the result does not. An empty window gives 0. NaN propagates.
/// Unlike PyTorch's lp_pool2d, which raises x (not |x|) to p, negative taps count by
/// their magnitude (SPEC section 2, ONNX LpPool).
template <class T>
struct lp {
  using accumulator_type = scaled_power_sum<T>;       ///< the running scaled sum
  power_exponent exponent = power_exponent::of(2.0);  ///< p (2 by default)

  lp() = default;
  /// The p-norm pooling for p > 0 (or infinity).
  explicit lp(double p) noexcept : exponent(power_exponent::of(p)) {}

  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE accumulator_type identity() const noexcept { return {T(0), T(0)}; }
  /// One tap folded into the accumulator.
  // p = infinity needs no case of its own: every term below the scale is pow(y, inf) = 0,
  // and the root pow(sum, 0) = 1 leaves the scale, max |x|, exactly.
  POOLKIT_FORCEINLINE accumulator_type combine(accumulator_type acc, T x) const noexcept {
    return detail::add_scaled(exponent, acc, x);
  }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE T finalize(accumulator_type acc, window_counts) const noexcept {
    return detail::finish_scaled(exponent, acc, T(1));
  }
};

/// L2 pooling: Lp with p = 2, sqrt(sum x^2).
template <class T>
struct l2 : lp<T> {
  l2() noexcept : lp<T>(2.0) {}
};

/// Power-average pooling, (sum |x|^p / divisor)^(1/p), the generalized mean: p = 1 is the
/// mean of |x|, p = infinity max |x|. The divisor follows avg pooling's rule
/// (count_include_pad, divisor_override). An empty window gives 0.
template <class T>
struct power_avg {
  using accumulator_type = scaled_power_sum<T>;       ///< the running scaled sum
  power_exponent exponent = power_exponent::of(2.0);  ///< p (2 by default)
  detail::divisor_rule rule{};                        ///< avg pooling's divisor rule

  power_avg() = default;
  /// The power mean for p > 0 (or infinity), with avg pooling's divisor options.
  explicit power_avg(double p, bool count_include_pad = true,
                     std::optional<index_t> divisor_override = std::nullopt) noexcept
      : exponent(power_exponent::of(p)), rule{count_include_pad, divisor_override} {}

  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE accumulator_type identity() const noexcept { return {T(0), T(0)}; }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE accumulator_type combine(accumulator_type acc, T x) const noexcept {
    return detail::add_scaled(exponent, acc, x);
  }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE T finalize(accumulator_type acc, window_counts counts) const noexcept {
    if (counts.in_bounds == 0) return T(0);
    return detail::finish_scaled(exponent, acc, static_cast<T>(rule.divisor(counts)));
  }
};

// ---------------------------------------------------------------------------------------
// The fast forms the named operations choose (see the top of this file). Each computes
// the same function as lp / power_avg above; `Average` selects the power average.

/// p = infinity: max |x| (NaN propagates). Identical for Lp and the power average.
template <class T>
struct max_abs {
  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr T identity() const noexcept { return T(0); }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE T combine(T acc, T x) const noexcept {
    const T a = std::fabs(x);
    return a > acc || a != a ? a : acc;
  }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE constexpr T finalize(T acc, window_counts) const noexcept { return acc; }
};

/// Lp with p = 1: sum |x|, accumulated as is: partial sums never exceed the result, so
/// the sum overflows only where the result does. (Not the power average: a mean can be
/// finite where the sum is not.)
template <class T>
struct abs_sum {
  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr T identity() const noexcept { return T(0); }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE T combine(T acc, T x) const noexcept { return acc + std::fabs(x); }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE T finalize(T acc, window_counts) const noexcept { return acc; }
};

/// float with a whole p from 1 to 6 (fixed at compile time: the taps are a few
/// multiplications): |x|^p summed in double, where no float can overflow or underflow it,
/// then the root in double (simd/root-inl.hpp), rounded once to float. The vector kernels
/// (kernel/power-inl.hpp) compute the same bits.
template <bool Average, int P>
struct wide_power_sum {
  static_assert(P >= 1 && P <= 6, "see wide_power_max");
  using accumulator_type = double;  ///< float taps summed in double
  detail::divisor_rule rule{};      ///< avg pooling's divisor rule (Average only)
  /// The value a fold starts from (reducer interface, reduce/reducer.hpp).
  POOLKIT_FORCEINLINE constexpr double identity() const noexcept { return 0.0; }
  /// One tap folded into the accumulator.
  POOLKIT_FORCEINLINE double combine(double acc, float x) const noexcept {
    const double a = std::fabs(static_cast<double>(x));
    double term = a;
    for (int i = 1; i < P; ++i) {
      term *= a;
      POOLKIT_ROUNDED(term);  // not fused into the addition: the vector kernels' bits
    }
    return acc + term;
  }
  /// The window's result from its accumulator and tap counts.
  POOLKIT_FORCEINLINE float finalize(double acc, window_counts counts) const noexcept {
    if constexpr (Average) {
      if (counts.in_bounds == 0) return 0.0f;
      acc /= static_cast<double>(rule.divisor(counts));
    }
    // The root of simd/root-inl.hpp (no libm: the vector kernels compute the same bits).
    return static_cast<float>(simd::one_lane::whole_root<P>(simd::one_lane::vec<double>{acc}).v);
  }
};

/// The largest whole p for which wide_power_sum is exact enough: (2^-149)^6 = 2^-894 is
/// still a normal double, (2^128)^6 * 2^62 taps far below double's range.
inline constexpr int wide_power_max = 6;

/// \}

}  // namespace poolkit::reduce
