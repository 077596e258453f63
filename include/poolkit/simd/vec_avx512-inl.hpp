// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// vec<float> (16 lanes) and vec<double> (8 lanes) on AVX-512F. Interface:
// vec_scalar-inl.hpp. Re-included per instruction set (no include guard), inside an
// AVX-512F target region.

template <class T>
struct vec;

/// Mask of lanes [lo, hi) (0 <= lo, hi <= 16).
POOLKIT_FORCEINLINE __mmask16 lane_mask_16(int lo, int hi) noexcept {
  const unsigned below_hi = hi >= 16 ? 0xffffu : ((1u << (hi > 0 ? hi : 0)) - 1u);
  const unsigned below_lo = lo <= 0 ? 0u : ((1u << lo) - 1u);
  return static_cast<__mmask16>(below_hi & ~below_lo);
}

template <>
struct vec<float> {
  using value_type = float;
  static constexpr int lanes = 16;
  __m512 v;

  static POOLKIT_FORCEINLINE vec load(const float* p) noexcept { return {_mm512_loadu_ps(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const float* p, int lo, int hi, float fill) noexcept {
    // Masked-off lanes are neither read nor able to fault.
    return {_mm512_mask_loadu_ps(_mm512_set1_ps(fill), lane_mask_16(lo, hi), p)};
  }
  static POOLKIT_FORCEINLINE vec broadcast(float a) noexcept { return {_mm512_set1_ps(a)}; }
  POOLKIT_FORCEINLINE void store(float* p) const noexcept { _mm512_storeu_ps(p, v); }
  POOLKIT_FORCEINLINE void store_first(float* p, int n) const noexcept {
    _mm512_mask_storeu_ps(p, lane_mask_16(0, n), v);
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {_mm512_max_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {_mm512_min_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {_mm512_mask_mov_ps(other.v, _mm512_cmp_ps_mask(x.v, x.v, _CMP_UNORD_Q), x.v)};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {_mm512_add_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{_mm512_mul_ps(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {_mm512_div_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    const __m512i evens =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds =
        _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    even = {_mm512_permutex2var_ps(a.v, evens, b.v)};
    odd = {_mm512_permutex2var_ps(a.v, odds, b.v)};
  }
  // The zero-masking forms with all lanes selected: GCC 12 reports a false
  // -Wmaybe-uninitialized in the unmasked intrinsics.
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i second =
        _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    lo = {_mm512_permutex2var_ps(a.v, first, b.v)};
    hi = {_mm512_permutex2var_ps(a.v, second, b.v)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    return {_mm512_castsi512_ps(_mm512_maskz_alignr_epi32(0xffff, _mm512_castps_si512(cur.v),
                                                          _mm512_castps_si512(prev.v), 15))};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    return {_mm512_castsi512_ps(_mm512_maskz_alignr_epi32(0xffff, _mm512_castps_si512(next.v),
                                                          _mm512_castps_si512(cur.v), 1))};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return _mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q) != 0;
  }

  using mask = __mmask16;
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept { return lane_mask_16(lo, hi); }
  static POOLKIT_FORCEINLINE vec load_masked(const float* p, mask m, float fill) noexcept {
    return {_mm512_mask_loadu_ps(_mm512_set1_ps(fill), m, p)};
  }
  POOLKIT_FORCEINLINE void store_masked(float* p, mask m) const noexcept {
    _mm512_mask_storeu_ps(p, m, v);
  }
  // isnan(x) ? x : max(x, acc) in two instructions: the max only where x is not NaN.
  static POOLKIT_FORCEINLINE vec max_unless_nan(vec x, vec acc) noexcept {
    return {_mm512_mask_max_ps(x.v, _mm512_cmp_ps_mask(x.v, x.v, _CMP_ORD_Q), x.v, acc.v)};
  }
  static POOLKIT_FORCEINLINE vec min_unless_nan(vec x, vec acc) noexcept {
    return {_mm512_mask_min_ps(x.v, _mm512_cmp_ps_mask(x.v, x.v, _CMP_ORD_Q), x.v, acc.v)};
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = __mmask16;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return static_cast<choice>(_mm512_cmp_ps_mask(x.v, acc.v, _CMP_GT_OQ) |
                               _mm512_cmp_ps_mask(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return static_cast<choice>(_mm512_cmp_ps_mask(x.v, acc.v, _CMP_LT_OQ) |
                               _mm512_cmp_ps_mask(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {_mm512_mask_mov_ps(no.v, c, yes.v)};
  }
};

template <>
struct vec<double> {
  using value_type = double;
  static constexpr int lanes = 8;
  __m512d v;

  static POOLKIT_FORCEINLINE vec load(const double* p) noexcept { return {_mm512_loadu_pd(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const double* p, int lo, int hi, double fill) noexcept {
    const auto m = static_cast<__mmask8>(lane_mask_16(lo, hi) & 0xffu);
    return {_mm512_mask_loadu_pd(_mm512_set1_pd(fill), m, p)};
  }
  static POOLKIT_FORCEINLINE vec broadcast(double a) noexcept { return {_mm512_set1_pd(a)}; }
  POOLKIT_FORCEINLINE void store(double* p) const noexcept { _mm512_storeu_pd(p, v); }
  POOLKIT_FORCEINLINE void store_first(double* p, int n) const noexcept {
    _mm512_mask_storeu_pd(p, static_cast<__mmask8>(lane_mask_16(0, n) & 0xffu), v);
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {_mm512_max_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {_mm512_min_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {_mm512_mask_mov_pd(other.v, _mm512_cmp_pd_mask(x.v, x.v, _CMP_UNORD_Q), x.v)};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {_mm512_add_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{_mm512_mul_pd(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {_mm512_div_pd(a.v, b.v)}; }
  using bits = simd::double_bits;  // mantissa, exponent, exp2i
  static POOLKIT_FORCEINLINE vec sub(vec a, vec b) noexcept { return {_mm512_sub_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec sqrt(vec a) noexcept { return {_mm512_sqrt_pd(a.v)}; }
  static POOLKIT_FORCEINLINE vec abs(vec a) noexcept {
    return {_mm512_castsi512_pd(
        _mm512_and_si512(_mm512_castpd_si512(a.v), _mm512_set1_epi64(~bits::sign)))};
  }
  static POOLKIT_FORCEINLINE vec mantissa(vec a) noexcept {
    const __m512i fraction =
        _mm512_and_si512(_mm512_castpd_si512(a.v), _mm512_set1_epi64(bits::fraction));
    return {
        _mm512_castsi512_pd(_mm512_or_si512(fraction, _mm512_set1_epi64(bits::exponent_of_one)))};
  }
  static POOLKIT_FORCEINLINE vec exponent(vec a) noexcept {
    const __m512i biased = _mm512_srli_epi64(_mm512_castpd_si512(a.v), 52);
    return {_mm512_sub_pd(
        _mm512_castsi512_pd(_mm512_or_si512(biased, _mm512_set1_epi64(bits::two_to_52))),
        _mm512_set1_pd(bits::exponent_magic))};
  }
  static POOLKIT_FORCEINLINE vec exp2i(vec k) noexcept {
    const __m512d biased = _mm512_add_pd(k.v, _mm512_set1_pd(bits::exponent_magic));
    return {_mm512_castsi512_pd(_mm512_slli_epi64(_mm512_castpd_si512(biased), 52))};
  }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    const __m512i evens = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odds = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    even = {_mm512_permutex2var_pd(a.v, evens, b.v)};
    odd = {_mm512_permutex2var_pd(a.v, odds, b.v)};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    const __m512i first = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i second = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    lo = {_mm512_permutex2var_pd(a.v, first, b.v)};
    hi = {_mm512_permutex2var_pd(a.v, second, b.v)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    return {_mm512_castsi512_pd(_mm512_maskz_alignr_epi64(0xff, _mm512_castpd_si512(cur.v),
                                                          _mm512_castpd_si512(prev.v), 7))};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    return {_mm512_castsi512_pd(_mm512_maskz_alignr_epi64(0xff, _mm512_castpd_si512(next.v),
                                                          _mm512_castpd_si512(cur.v), 1))};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return _mm512_cmp_pd_mask(a.v, a.v, _CMP_UNORD_Q) != 0;
  }

  using mask = __mmask8;
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept {
    return static_cast<__mmask8>(lane_mask_16(lo, hi) & 0xffu);
  }
  static POOLKIT_FORCEINLINE vec load_masked(const double* p, mask m, double fill) noexcept {
    return {_mm512_mask_loadu_pd(_mm512_set1_pd(fill), m, p)};
  }
  POOLKIT_FORCEINLINE void store_masked(double* p, mask m) const noexcept {
    _mm512_mask_storeu_pd(p, m, v);
  }
  static POOLKIT_FORCEINLINE vec max_unless_nan(vec x, vec acc) noexcept {
    return {_mm512_mask_max_pd(x.v, _mm512_cmp_pd_mask(x.v, x.v, _CMP_ORD_Q), x.v, acc.v)};
  }
  static POOLKIT_FORCEINLINE vec min_unless_nan(vec x, vec acc) noexcept {
    return {_mm512_mask_min_pd(x.v, _mm512_cmp_pd_mask(x.v, x.v, _CMP_ORD_Q), x.v, acc.v)};
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = __mmask8;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return static_cast<choice>(_mm512_cmp_pd_mask(x.v, acc.v, _CMP_GT_OQ) |
                               _mm512_cmp_pd_mask(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return static_cast<choice>(_mm512_cmp_pd_mask(x.v, acc.v, _CMP_LT_OQ) |
                               _mm512_cmp_pd_mask(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {_mm512_mask_mov_pd(no.v, c, yes.v)};
  }
};

/// The lanes of x as doubles: the first half in lo, the second in hi.
POOLKIT_FORCEINLINE void widen(vec<float> x, vec<double>& lo, vec<double>& hi) noexcept {
  lo = {_mm512_cvtps_pd(_mm512_castps512_ps256(x.v))};
  hi = {_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x.v), 1)))};
}
/// widen's inverse, each lane rounded to the nearest float.
POOLKIT_FORCEINLINE vec<float> narrow(vec<double> lo, vec<double> hi) noexcept {
  const __m256d first = _mm256_castps_pd(_mm512_cvtpd_ps(lo.v));
  const __m256d second = _mm256_castps_pd(_mm512_cvtpd_ps(hi.v));
  return {_mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(first), second, 1))};
}
