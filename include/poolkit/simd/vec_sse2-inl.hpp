// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// vec<float> (4 lanes) and vec<double> (2 lanes) on SSE2. Interface: vec_scalar-inl.hpp.
// Re-included per instruction set (no include guard), inside an SSE2 target region.

template <class T>
struct vec;

template <>
struct vec<float> {
  using value_type = float;
  static constexpr int lanes = 4;
  __m128 v;

  static POOLKIT_FORCEINLINE vec load(const float* p) noexcept { return {_mm_loadu_ps(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const float* p, int lo, int hi, float fill) noexcept {
    alignas(16) float t[4];  // SSE2 has no masked load: gather the valid lanes one by one
    for (int i = 0; i < 4; ++i) t[i] = (i >= lo && i < hi) ? p[i] : fill;
    return {_mm_load_ps(t)};
  }
  static POOLKIT_FORCEINLINE vec broadcast(float a) noexcept { return {_mm_set1_ps(a)}; }
  POOLKIT_FORCEINLINE void store(float* p) const noexcept { _mm_storeu_ps(p, v); }
  POOLKIT_FORCEINLINE void store_first(float* p, int n) const noexcept {
    alignas(16) float t[4];
    _mm_store_ps(t, v);
    for (int i = 0; i < n; ++i) p[i] = t[i];
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {_mm_max_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {_mm_min_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    const __m128 nan = _mm_cmpunord_ps(x.v, x.v);
    return {_mm_or_ps(_mm_and_ps(nan, x.v), _mm_andnot_ps(nan, other.v))};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {_mm_add_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{_mm_mul_ps(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {_mm_div_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    even = {_mm_shuffle_ps(a.v, b.v, _MM_SHUFFLE(2, 0, 2, 0))};
    odd = {_mm_shuffle_ps(a.v, b.v, _MM_SHUFFLE(3, 1, 3, 1))};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    lo = {_mm_unpacklo_ps(a.v, b.v)};
    hi = {_mm_unpackhi_ps(a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    const __m128i c = _mm_castps_si128(cur.v);
    const __m128i p = _mm_castps_si128(prev.v);
    return {_mm_castsi128_ps(_mm_or_si128(_mm_slli_si128(c, 4), _mm_srli_si128(p, 12)))};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    const __m128i c = _mm_castps_si128(cur.v);
    const __m128i n = _mm_castps_si128(next.v);
    return {_mm_castsi128_ps(_mm_or_si128(_mm_srli_si128(c, 4), _mm_slli_si128(n, 12)))};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return _mm_movemask_ps(_mm_cmpunord_ps(a.v, a.v)) != 0;
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
    _mm_store_ps(t, v);
    for (int i = m.lo; i < m.hi; ++i) p[i] = t[i];
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = __m128;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return _mm_or_ps(_mm_cmpgt_ps(x.v, acc.v), _mm_cmpunord_ps(x.v, x.v));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return _mm_or_ps(_mm_cmplt_ps(x.v, acc.v), _mm_cmpunord_ps(x.v, x.v));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {_mm_or_ps(_mm_and_ps(c, yes.v), _mm_andnot_ps(c, no.v))};
  }
};

template <>
struct vec<double> {
  using value_type = double;
  static constexpr int lanes = 2;
  __m128d v;

  static POOLKIT_FORCEINLINE vec load(const double* p) noexcept { return {_mm_loadu_pd(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const double* p, int lo, int hi, double fill) noexcept {
    alignas(16) double t[2];
    for (int i = 0; i < 2; ++i) t[i] = (i >= lo && i < hi) ? p[i] : fill;
    return {_mm_load_pd(t)};
  }
  static POOLKIT_FORCEINLINE vec broadcast(double a) noexcept { return {_mm_set1_pd(a)}; }
  POOLKIT_FORCEINLINE void store(double* p) const noexcept { _mm_storeu_pd(p, v); }
  POOLKIT_FORCEINLINE void store_first(double* p, int n) const noexcept {
    if (n >= 2) {
      _mm_storeu_pd(p, v);
    } else if (n == 1) {
      _mm_store_sd(p, v);
    }
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {_mm_max_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {_mm_min_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    const __m128d nan = _mm_cmpunord_pd(x.v, x.v);
    return {_mm_or_pd(_mm_and_pd(nan, x.v), _mm_andnot_pd(nan, other.v))};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {_mm_add_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{_mm_mul_pd(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {_mm_div_pd(a.v, b.v)}; }
  using bits = simd::double_bits;  // mantissa, exponent, exp2i
  static POOLKIT_FORCEINLINE vec sub(vec a, vec b) noexcept { return {_mm_sub_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec sqrt(vec a) noexcept { return {_mm_sqrt_pd(a.v)}; }
  static POOLKIT_FORCEINLINE vec abs(vec a) noexcept {
    return {_mm_andnot_pd(_mm_set1_pd(-0.0), a.v)};
  }
  static POOLKIT_FORCEINLINE vec mantissa(vec a) noexcept {
    const __m128i fraction = _mm_and_si128(_mm_castpd_si128(a.v), _mm_set1_epi64x(bits::fraction));
    return {_mm_castsi128_pd(_mm_or_si128(fraction, _mm_set1_epi64x(bits::exponent_of_one)))};
  }
  static POOLKIT_FORCEINLINE vec exponent(vec a) noexcept {
    const __m128i biased = _mm_srli_epi64(_mm_castpd_si128(a.v), 52);
    return {_mm_sub_pd(_mm_castsi128_pd(_mm_or_si128(biased, _mm_set1_epi64x(bits::two_to_52))),
                       _mm_set1_pd(bits::exponent_magic))};
  }
  static POOLKIT_FORCEINLINE vec exp2i(vec k) noexcept {
    const __m128d biased = _mm_add_pd(k.v, _mm_set1_pd(bits::exponent_magic));
    return {_mm_castsi128_pd(_mm_slli_epi64(_mm_castpd_si128(biased), 52))};
  }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    even = {_mm_unpacklo_pd(a.v, b.v)};
    odd = {_mm_unpackhi_pd(a.v, b.v)};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    lo = {_mm_unpacklo_pd(a.v, b.v)};
    hi = {_mm_unpackhi_pd(a.v, b.v)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    return {_mm_shuffle_pd(prev.v, cur.v, 0x1)};  // {prev[1], cur[0]}
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    return {_mm_shuffle_pd(cur.v, next.v, 0x1)};  // {cur[1], next[0]}
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return _mm_movemask_pd(_mm_cmpunord_pd(a.v, a.v)) != 0;
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
    _mm_store_pd(t, v);
    for (int i = m.lo; i < m.hi; ++i) p[i] = t[i];
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = __m128d;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return _mm_or_pd(_mm_cmpgt_pd(x.v, acc.v), _mm_cmpunord_pd(x.v, x.v));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return _mm_or_pd(_mm_cmplt_pd(x.v, acc.v), _mm_cmpunord_pd(x.v, x.v));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {_mm_or_pd(_mm_and_pd(c, yes.v), _mm_andnot_pd(c, no.v))};
  }
};

/// The lanes of x as doubles: the first half in lo, the second in hi.
POOLKIT_FORCEINLINE void widen(vec<float> x, vec<double>& lo, vec<double>& hi) noexcept {
  lo = {_mm_cvtps_pd(x.v)};
  hi = {_mm_cvtps_pd(_mm_movehl_ps(x.v, x.v))};
}
/// widen's inverse, each lane rounded to the nearest float.
POOLKIT_FORCEINLINE vec<float> narrow(vec<double> lo, vec<double> hi) noexcept {
  return {_mm_movelh_ps(_mm_cvtpd_ps(lo.v), _mm_cvtpd_ps(hi.v))};
}
