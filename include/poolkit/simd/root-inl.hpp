// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// whole_root<N>(s) = s^(1/N) for N = 1 ... 6, lane by lane on vec<double>: the finish of
// the power family's float sums (reduce::wide_power_sum). Written once against vec<double>
// and compiled per instruction set with the kernels (kernel/kernels-inl.hpp) and on the
// one-lane vec for the scalar path (reduce/power.hpp), so that every instruction set
// computes the same bits: only IEEE +, -, *, / and square roots, no fused multiply-add
// (vec's mul marks its results POOLKIT_ROUNDED), no libm.
//
// N = 2 and 4 are square roots; N = 6 a square root, then N = 3. N = 3 and 5 split
// s = m 2^E (m in [1, 2)) and write E = N k + r with |r| <= N / 2; then
//
//     s^(1/N) = m^(1/N) * 2^(r/N) * 2^k
//
// where m^(1/N) = m z^(N-1) with z = m^(-1/N) from a quadratic guess (relative error
// 2e-3 for N = 3, 1e-3 for N = 5) and three Newton steps z <- z ((N + 1) - m z^N) / N,
// which need no division and square the error each time (to rounding, ~1e-16); 2^(r/N)
// is a constant chosen per lane and 2^k is exact. The result is within a few units in
// double's last place: rounded to float it is the correctly rounded root but for ties
// closer than that, far inside SPEC's 1e-5.
//
// s must be +0, a positive normal double, +infinity or NaN (the sums of |x|^p are): 0,
// infinity and NaN come back as they are. Re-included per instruction set (no include
// guard).

namespace root_detail {

/// m^(-1/N) to about 1e-3 on [1, 2]: a least-squares quadratic at Chebyshev nodes,
/// weighted to the relative error.
template <int N>
POOLKIT_FORCEINLINE vec<double> inverse_root_guess(vec<double> m) noexcept {
  using V = vec<double>;
  static_assert(N == 3 || N == 5);
  constexpr double c0 = N == 3 ? 1.3842740842525785 : 1.2311018836954901;
  constexpr double c1 = N == 3 ? -0.47790777898396747 : -0.2843202584485266;
  constexpr double c2 = N == 3 ? 0.09161129954645252 : 0.052191733091034864;
  return V::add(V::mul(V::add(V::mul(V::broadcast(c2), m), V::broadcast(c1)), m), V::broadcast(c0));
}

/// z^N.
template <int N>
POOLKIT_FORCEINLINE vec<double> power_of(vec<double> z) noexcept {
  using V = vec<double>;
  const V z2 = V::mul(z, z);
  if constexpr (N == 3) return V::mul(z2, z);
  if constexpr (N == 5) return V::mul(V::mul(z2, z2), z);
}

/// 2^(r/N) for the whole r in [-2, 2] of each lane (r is within N / 2 of 0).
template <int N>
POOLKIT_FORCEINLINE vec<double> fraction_of_two(vec<double> r) noexcept {
  using V = vec<double>;
  constexpr double up1 = N == 3 ? 1.2599210498948732 : 1.148698354997035;
  constexpr double up2 = N == 3 ? 1.5874010519681994 : 1.3195079107728942;
  constexpr double down1 = N == 3 ? 0.7937005259840998 : 0.8705505632961241;
  constexpr double down2 = N == 3 ? 0.6299605249474366 : 0.757858283255199;
  V c = V::broadcast(1.0);
  c = V::blend(V::prefer_greater(r, V::broadcast(0.5)), V::broadcast(up1), c);
  c = V::blend(V::prefer_less(r, V::broadcast(-0.5)), V::broadcast(down1), c);
  if constexpr (N >= 4) {
    c = V::blend(V::prefer_greater(r, V::broadcast(1.5)), V::broadcast(up2), c);
    c = V::blend(V::prefer_less(r, V::broadcast(-1.5)), V::broadcast(down2), c);
  }
  return c;
}

/// s^(1/N) for N = 3 or 5 (see the top of the file).
template <int N>
POOLKIT_FORCEINLINE vec<double> odd_root(vec<double> s) noexcept {
  using V = vec<double>;
  // Round to a whole number by adding and subtracting 1.5 * 2^52 (|x| < 2^51).
  const V rounding = V::broadcast(6755399441055744.0);
  const V e = V::exponent(s);
  const V k = V::sub(V::add(V::mul(e, V::broadcast(1.0 / N)), rounding), rounding);
  const V r = V::sub(e, V::mul(k, V::broadcast(static_cast<double>(N))));
  const V m = V::mantissa(s);
  V z = inverse_root_guess<N>(m);
  for (int step = 0; step < 3; ++step) {
    const V correction = V::sub(V::broadcast(N + 1.0), V::mul(m, power_of<N>(z)));
    z = V::mul(V::mul(z, correction), V::broadcast(1.0 / N));
  }
  // m z^(N-1) = m^(1/N): z^2 for N = 3, z^4 for N = 5.
  V z2 = V::mul(z, z);
  if constexpr (N == 5) z2 = V::mul(z2, z2);
  const V root = V::mul(V::mul(V::mul(m, z2), fraction_of_two<N>(r)), V::exp2i(k));
  // 0, infinity and NaN: s itself (prefer_* also choose NaN lanes).
  V out = V::blend(V::prefer_less(s, V::broadcast(0x1p-1022)), s, root);
  return V::blend(V::prefer_greater(s, V::broadcast(0x1.fffffffffffffp+1023)), s, out);
}

}  // namespace root_detail

/// s^(1/N), N = 1 ... 6 (see the top of the file).
template <int N>
POOLKIT_FORCEINLINE vec<double> whole_root(vec<double> s) noexcept {
  using V = vec<double>;
  static_assert(N >= 1 && N <= 6, "whole roots 1 to 6");
  if constexpr (N == 1) return s;
  if constexpr (N == 2) return V::sqrt(s);
  if constexpr (N == 4) return V::sqrt(V::sqrt(s));
  if constexpr (N == 6) return root_detail::odd_root<3>(V::sqrt(s));
  if constexpr (N == 3 || N == 5) return root_detail::odd_root<N>(s);
}
