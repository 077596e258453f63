// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The power family on regular windows: l2_pool2d, lp_pool2d, power_avg_pool2d
// (SPEC section 2). Each picks the cheapest form of its reducer that is exact enough for
// its p (reduce/power.hpp) and runs it through the regular pooling of ops/regular.hpp,
// with every option of pool2d_params and the threads of the policy.
#pragma once

#include <limits>
#include <string_view>
#include <type_traits>

#include <poolkit/detail/text.hpp>
#include <poolkit/ops/regular.hpp>
#include <poolkit/reduce/power.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup power
/// \{

namespace detail {

/// p must be a real number > 0 or +infinity.
inline problem validate_exponent(std::string_view op, double p) {
  if (!(p > 0.0))  // also false for NaN
    return describe(op, "p", to_text(p), "must be > 0 (a real number, or infinity for max |x|)");
  return std::nullopt;
}

/// Calls `f(reducer)` with the fastest exact-enough reducer for p (see reduce/power.hpp).
template <class T, bool Average, class F>
decltype(auto) with_power_reducer(double p, const pool2d_params& params, F&& f) {
  const reduce::detail::divisor_rule rule{params.count_include_pad, params.divisor_override};
  if (p == std::numeric_limits<double>::infinity()) return f(reduce::max_abs<T>{});
  if constexpr (!Average) {
    if (p == 1.0) return f(reduce::abs_sum<T>{});
  }
  const reduce::power_exponent e = reduce::power_exponent::of(p);
  if constexpr (std::is_same_v<T, float>) {
    switch (e.whole) {
      case 1: return f(reduce::wide_power_sum<Average, 1>{rule});
      case 2: return f(reduce::wide_power_sum<Average, 2>{rule});
      case 3: return f(reduce::wide_power_sum<Average, 3>{rule});
      case 4: return f(reduce::wide_power_sum<Average, 4>{rule});
      case 5: return f(reduce::wide_power_sum<Average, 5>{rule});
      case 6: return f(reduce::wide_power_sum<Average, 6>{rule});
      default: break;  // not a whole p up to reduce::wide_power_max
    }
  }
  if constexpr (Average) {
    return f(reduce::power_avg<T>(p, params.count_include_pad, params.divisor_override));
  } else {
    return f(reduce::lp<T>(p));
  }
}

template <class T, bool Average>
result<tensor<T>> power_new(std::string_view op, double p, nchw_view<const T> x,
                            const pool2d_params& params, const policy& pol) {
  require_float<T>();
  if (auto failure = validate_exponent(op, p)) return status(*failure);
  return with_power_reducer<T, Average>(
      p, params, [&](const auto& r) { return pool_new<T>(op, r, x, params, pol); });
}

template <class T, bool Average>
status power_into(std::string_view op, double p, nchw_view<const T> x, nchw_view<T> y,
                  const pool2d_params& params, const policy& pol) {
  require_float<T>();
  if (auto failure = validate_exponent(op, p)) return status(*failure);
  return with_power_reducer<T, Average>(
      p, params, [&](const auto& r) { return pool_into<T>(op, r, x, y, params, pol); });
}

}  // namespace detail

/// Non-throwing lp_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_lp_pool2d(const X& x, double p, const pool2d_params& params,
                                            const policy& pol = {}) {
  return detail::power_new<element_of<X>, false>("lp_pool2d", p, as_input(x), params, pol);
}
/// Lp pooling, (sum |x|^p)^(1/p) over each window's in-bounds taps, for real p > 0 or
/// p = infinity (max |x|). Every option of pool2d_params applies; an empty window gives 0;
/// NaN propagates. Accurate to 1e-5 relative in float for p in [0.5, 64] at any magnitude
/// (the sum is scaled by the window's largest |x|), exact for p = 1 and infinity.
/// Differs from PyTorch's lp_pool2d, which uses x^p (not |x|^p), no padding, and a
/// kernel-size factor in ceil mode (see README, "Semantics").
/// @throws poolkit::error for p <= 0 or NaN, and any invalid pooling input; nothing is
/// written.
template <readable_nchw X>
tensor<element_of<X>> lp_pool2d(const X& x, double p, const pool2d_params& params,
                                const policy& pol = {}) {
  return detail::value_or_raise(try_lp_pool2d(x, p, params, pol));
}
/// Non-throwing lp_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_lp_pool2d(const X& x, Y&& y, double p, const pool2d_params& params,
                     const policy& pol = {}) {
  return detail::power_into<element_of<X>, false>("lp_pool2d", p, as_input(x), as_output(y), params,
                                                  pol);
}
/// Lp pooling into the caller's view `y`.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void lp_pool2d(const X& x, Y&& y, double p, const pool2d_params& params, const policy& pol = {}) {
  detail::raise_if(try_lp_pool2d(x, std::forward<Y>(y), p, params, pol));
}

/// Non-throwing l2_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_l2_pool2d(const X& x, const pool2d_params& params,
                                            const policy& pol = {}) {
  return detail::power_new<element_of<X>, false>("l2_pool2d", 2.0, as_input(x), params, pol);
}
/// L2 pooling, sqrt(sum x^2): lp_pool2d with p = 2.
/// @throws poolkit::error on invalid pooling input; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> l2_pool2d(const X& x, const pool2d_params& params, const policy& pol = {}) {
  return detail::value_or_raise(try_l2_pool2d(x, params, pol));
}
/// Non-throwing l2_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_l2_pool2d(const X& x, Y&& y, const pool2d_params& params, const policy& pol = {}) {
  return detail::power_into<element_of<X>, false>("l2_pool2d", 2.0, as_input(x), as_output(y),
                                                  params, pol);
}
/// L2 pooling into the caller's view `y`.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void l2_pool2d(const X& x, Y&& y, const pool2d_params& params, const policy& pol = {}) {
  detail::raise_if(try_l2_pool2d(x, std::forward<Y>(y), params, pol));
}

/// Non-throwing power_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_power_avg_pool2d(const X& x, double p,
                                                   const pool2d_params& params,
                                                   const policy& pol = {}) {
  return detail::power_new<element_of<X>, true>("power_avg_pool2d", p, as_input(x), params, pol);
}
/// Power-average pooling, (sum |x|^p / divisor)^(1/p): the generalized mean of |x|, with
/// avg_pool2d's divisor rule (count_include_pad, divisor_override). p = 1 is the mean of
/// |x|, p = infinity max |x|. Same accuracy as lp_pool2d.
/// @throws poolkit::error for p <= 0 or NaN, and any invalid pooling input; nothing is
/// written.
template <readable_nchw X>
tensor<element_of<X>> power_avg_pool2d(const X& x, double p, const pool2d_params& params,
                                       const policy& pol = {}) {
  return detail::value_or_raise(try_power_avg_pool2d(x, p, params, pol));
}
/// Non-throwing power_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_power_avg_pool2d(const X& x, Y&& y, double p, const pool2d_params& params,
                            const policy& pol = {}) {
  return detail::power_into<element_of<X>, true>("power_avg_pool2d", p, as_input(x), as_output(y),
                                                 params, pol);
}
/// Power-average pooling into the caller's view `y`.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void power_avg_pool2d(const X& x, Y&& y, double p, const pool2d_params& params,
                      const policy& pol = {}) {
  detail::raise_if(try_power_avg_pool2d(x, std::forward<Y>(y), p, params, pol));
}

/// \}

POOLKIT_END_NAMESPACE
