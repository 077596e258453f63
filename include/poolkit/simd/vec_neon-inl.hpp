// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// vec<float> (4 lanes) and vec<double> (2 lanes) on AArch64 Advanced SIMD. Interface:
// vec_scalar-inl.hpp. Re-included per instruction set (no include guard).
//
// NEON's fmax returns NaN for any NaN operand and +0 for max(+0, -0); poolkit's rule is
// x86's (a > b ? a : b, keeping b on ties and NaN), so max/min are compare-and-select.

template <class T>
struct vec;

template <>
struct vec<float> {
  using value_type = float;
  static constexpr int lanes = 4;
  float32x4_t v;

  static POOLKIT_FORCEINLINE vec load(const float* p) noexcept { return {vld1q_f32(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const float* p, int lo, int hi, float fill) noexcept {
    alignas(16) float t[4];  // no masked load: gather the valid lanes one by one
    for (int i = 0; i < 4; ++i) t[i] = (i >= lo && i < hi) ? p[i] : fill;
    return {vld1q_f32(t)};
  }
  static POOLKIT_FORCEINLINE vec broadcast(float a) noexcept { return {vdupq_n_f32(a)}; }
  POOLKIT_FORCEINLINE void store(float* p) const noexcept { vst1q_f32(p, v); }
  POOLKIT_FORCEINLINE void store_first(float* p, int n) const noexcept {
    alignas(16) float t[4];
    vst1q_f32(t, v);
    for (int i = 0; i < n; ++i) p[i] = t[i];
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept {
    return {vbslq_f32(vcgtq_f32(a.v, b.v), a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept {
    return {vbslq_f32(vcltq_f32(a.v, b.v), a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {vbslq_f32(vceqq_f32(x.v, x.v), other.v, x.v)};  // x == x: not NaN
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {vaddq_f32(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{vmulq_f32(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {vdivq_f32(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    even = {vuzp1q_f32(a.v, b.v)};
    odd = {vuzp2q_f32(a.v, b.v)};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    lo = {vzip1q_f32(a.v, b.v)};
    hi = {vzip2q_f32(a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    return {vextq_f32(prev.v, cur.v, 3)};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    return {vextq_f32(cur.v, next.v, 1)};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return vminvq_u32(vceqq_f32(a.v, a.v)) == 0;
  }

  struct mask {
    int lo;
    int hi;
  };
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept { return {lo, hi}; }
  static POOLKIT_FORCEINLINE vec load_masked(const float* p, mask m, float fill) noexcept {
    return load_range(p, m.lo, m.hi, fill);
  }
  POOLKIT_FORCEINLINE void store_masked(float* p, mask m) const noexcept {
    alignas(16) float t[4];
    vst1q_f32(t, v);
    for (int i = m.lo; i < m.hi; ++i) p[i] = t[i];
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = uint32x4_t;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    const choice not_nan = vceqq_f32(x.v, x.v);
    return vorrq_u32(vcgtq_f32(x.v, acc.v), veorq_u32(not_nan, vdupq_n_u32(~0u)));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    const choice not_nan = vceqq_f32(x.v, x.v);
    return vorrq_u32(vcltq_f32(x.v, acc.v), veorq_u32(not_nan, vdupq_n_u32(~0u)));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {vbslq_f32(c, yes.v, no.v)};
  }
};

template <>
struct vec<double> {
  using value_type = double;
  static constexpr int lanes = 2;
  float64x2_t v;

  static POOLKIT_FORCEINLINE vec load(const double* p) noexcept { return {vld1q_f64(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const double* p, int lo, int hi, double fill) noexcept {
    alignas(16) double t[2];
    for (int i = 0; i < 2; ++i) t[i] = (i >= lo && i < hi) ? p[i] : fill;
    return {vld1q_f64(t)};
  }
  static POOLKIT_FORCEINLINE vec broadcast(double a) noexcept { return {vdupq_n_f64(a)}; }
  POOLKIT_FORCEINLINE void store(double* p) const noexcept { vst1q_f64(p, v); }
  POOLKIT_FORCEINLINE void store_first(double* p, int n) const noexcept {
    if (n >= 2) {
      vst1q_f64(p, v);
    } else if (n == 1) {
      vst1q_lane_f64(p, v, 0);
    }
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept {
    return {vbslq_f64(vcgtq_f64(a.v, b.v), a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept {
    return {vbslq_f64(vcltq_f64(a.v, b.v), a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {vbslq_f64(vceqq_f64(x.v, x.v), other.v, x.v)};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {vaddq_f64(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{vmulq_f64(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {vdivq_f64(a.v, b.v)}; }
  using bits = simd::double_bits;  // mantissa, exponent, exp2i
  static POOLKIT_FORCEINLINE vec sub(vec a, vec b) noexcept { return {vsubq_f64(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec sqrt(vec a) noexcept { return {vsqrtq_f64(a.v)}; }
  static POOLKIT_FORCEINLINE vec abs(vec a) noexcept { return {vabsq_f64(a.v)}; }
  static POOLKIT_FORCEINLINE vec mantissa(vec a) noexcept {
    const uint64x2_t fraction = vandq_u64(vreinterpretq_u64_f64(a.v),
                                          vdupq_n_u64(static_cast<std::uint64_t>(bits::fraction)));
    return {vreinterpretq_f64_u64(
        vorrq_u64(fraction, vdupq_n_u64(static_cast<std::uint64_t>(bits::exponent_of_one))))};
  }
  static POOLKIT_FORCEINLINE vec exponent(vec a) noexcept {
    const uint64x2_t biased = vshrq_n_u64(vreinterpretq_u64_f64(a.v), 52);
    return {vsubq_f64(vreinterpretq_f64_u64(vorrq_u64(
                          biased, vdupq_n_u64(static_cast<std::uint64_t>(bits::two_to_52)))),
                      vdupq_n_f64(bits::exponent_magic))};
  }
  static POOLKIT_FORCEINLINE vec exp2i(vec k) noexcept {
    const float64x2_t biased = vaddq_f64(k.v, vdupq_n_f64(bits::exponent_magic));
    return {vreinterpretq_f64_u64(vshlq_n_u64(vreinterpretq_u64_f64(biased), 52))};
  }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    even = {vuzp1q_f64(a.v, b.v)};
    odd = {vuzp2q_f64(a.v, b.v)};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    lo = {vzip1q_f64(a.v, b.v)};
    hi = {vzip2q_f64(a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    return {vextq_f64(prev.v, cur.v, 1)};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    return {vextq_f64(cur.v, next.v, 1)};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    const uint64x2_t ok = vceqq_f64(a.v, a.v);
    return (vgetq_lane_u64(ok, 0) & vgetq_lane_u64(ok, 1)) == 0;
  }

  struct mask {
    int lo;
    int hi;
  };
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept { return {lo, hi}; }
  static POOLKIT_FORCEINLINE vec load_masked(const double* p, mask m, double fill) noexcept {
    return load_range(p, m.lo, m.hi, fill);
  }
  POOLKIT_FORCEINLINE void store_masked(double* p, mask m) const noexcept {
    alignas(16) double t[2];
    vst1q_f64(t, v);
    for (int i = m.lo; i < m.hi; ++i) p[i] = t[i];
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = uint64x2_t;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    const choice not_nan = vceqq_f64(x.v, x.v);
    return vorrq_u64(vcgtq_f64(x.v, acc.v), veorq_u64(not_nan, vdupq_n_u64(~0ull)));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    const choice not_nan = vceqq_f64(x.v, x.v);
    return vorrq_u64(vcltq_f64(x.v, acc.v), veorq_u64(not_nan, vdupq_n_u64(~0ull)));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {vbslq_f64(c, yes.v, no.v)};
  }
};

/// The lanes of x as doubles: the first half in lo, the second in hi.
POOLKIT_FORCEINLINE void widen(vec<float> x, vec<double>& lo, vec<double>& hi) noexcept {
  lo = {vcvt_f64_f32(vget_low_f32(x.v))};
  hi = {vcvt_high_f64_f32(x.v)};
}
/// widen's inverse, each lane rounded to the nearest float.
POOLKIT_FORCEINLINE vec<float> narrow(vec<double> lo, vec<double> hi) noexcept {
  return {vcvt_high_f32_f64(vcvt_f32_f64(lo.v), hi.v)};
}
