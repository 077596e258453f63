// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// vec<T> for the scalar instruction set: one lane, plain C++. The kernels written against
// vec run unchanged on it, which makes the scalar path follow exactly the same order of
// operations as every SIMD path.
//
// Re-included per instruction set (no include guard): included inside
// namespace poolkit::kernel::<isa>, after all standard headers (see kernel/dispatch.hpp).
//
// Every vec<T> provides (L = lanes):
//   load(p)                      p[0..L)
//   load_range(p, lo, hi, fill)  lanes [lo, hi) from p[lane], the others `fill`; memory
//                                outside [p + lo, p + hi) is never touched
//   broadcast(a)
//   store(p), store_first(p, n)  all lanes / lanes [0, n)
//   max(a, b) = a > b ? a : b    min(a, b) = a < b ? a : b   (x86 maxps/minps rules)
//   select_nan(x, other)         x where x is NaN, else other
//   add, mul, div                IEEE, no fused multiply-add (mul marks its result
//                                POOLKIT_ROUNDED)
// vec<double> also provides, for the roots of the power family (simd/root-inl.hpp):
//   sub, sqrt, abs               IEEE
//   mantissa(a), exponent(a)     m in [1, 2) and e, a whole double, with a = m 2^e, for
//                                positive normal a (bit operations, no libm)
//   exp2i(k)                     2^k for a whole k in [-1022, 1023]
// and free functions widen(vec<float>, lo, hi) (a float vector's two halves as doubles)
// and narrow(lo, hi) (its inverse, rounded to nearest) where vec<float> has twice the
// lanes of vec<double>.
//   deinterleave(a, b, e, o)     e = even elements of a:b, o = odd ones
//   interleave(a, b, lo, hi)     lo = {a0 b0 a1 b1 ...} of the first halves, hi of the
//                                second halves (deinterleave's inverse)
//   shift_prev(cur, prev)        {prev[L-1], cur[0], ..., cur[L-2]}
//   shift_next(cur, next)        {cur[1], ..., cur[L-1], next[0]}
//   any_nan(a)                   some lane is NaN
//   mask, lanes(lo, hi)          a precomputed lane range [lo, hi) ...
//   load_masked(p, m, fill)      ... loaded like load_range(p, lo, hi, fill)
//   store_masked(p, m)           lanes [lo, hi) stored to p[lane]; memory outside
//                                [p + lo, p + hi) is never touched (p may point before
//                                the object: the kernels compute it with address_at)

template <class T>
struct vec {
  using value_type = T;
  static constexpr int lanes = 1;
  T v;

  static POOLKIT_FORCEINLINE vec load(const T* p) noexcept { return {*p}; }
  static POOLKIT_FORCEINLINE vec load_range(const T* p, int lo, int hi, T fill) noexcept {
    return {lo <= 0 && 0 < hi ? *p : fill};
  }
  static POOLKIT_FORCEINLINE vec broadcast(T a) noexcept { return {a}; }
  POOLKIT_FORCEINLINE void store(T* p) const noexcept { *p = v; }
  POOLKIT_FORCEINLINE void store_first(T* p, int n) const noexcept {
    if (n > 0) *p = v;
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {a.v > b.v ? a.v : b.v}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {a.v < b.v ? a.v : b.v}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {x.v != x.v ? x.v : other.v};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {a.v + b.v}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{a.v * b.v};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {a.v / b.v}; }
  // The double-only operations of the roots (simd/root-inl.hpp).
  static POOLKIT_FORCEINLINE vec sub(vec a, vec b) noexcept { return {a.v - b.v}; }
  static POOLKIT_FORCEINLINE vec sqrt(vec a) noexcept { return {std::sqrt(a.v)}; }
  static POOLKIT_FORCEINLINE vec abs(vec a) noexcept { return {std::fabs(a.v)}; }
  static POOLKIT_FORCEINLINE vec mantissa(vec a) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(a.v);
    return {std::bit_cast<double>((bits & std::uint64_t{simd::double_bits::fraction}) |
                                  std::uint64_t{simd::double_bits::exponent_of_one})};
  }
  static POOLKIT_FORCEINLINE vec exponent(vec a) noexcept {
    return {
        static_cast<double>(static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(a.v) >> 52)) -
        1023.0};
  }
  static POOLKIT_FORCEINLINE vec exp2i(vec k) noexcept {
    return {std::bit_cast<double>(static_cast<std::uint64_t>(static_cast<std::int64_t>(k.v) + 1023)
                                  << 52)};
  }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    even = a;
    odd = b;
  }
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    lo = a;
    hi = b;
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec, vec prev) noexcept { return prev; }
  static POOLKIT_FORCEINLINE vec shift_next(vec, vec next) noexcept { return next; }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept { return a.v != a.v; }

  struct mask {
    int lo;
    int hi;
  };
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept { return {lo, hi}; }
  static POOLKIT_FORCEINLINE vec load_masked(const T* p, mask m, T fill) noexcept {
    return load_range(p, m.lo, m.hi, fill);
  }
  POOLKIT_FORCEINLINE void store_masked(T* p, mask m) const noexcept {
    if (m.lo <= 0 && m.hi > 0) *p = v;
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = bool;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return x.v > acc.v || x.v != x.v;
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return x.v < acc.v || x.v != x.v;
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {c ? yes.v : no.v};
  }
};
