// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// vec<float> (8 lanes) and vec<double> (4 lanes) on AVX2. Interface: vec_scalar-inl.hpp.
// Re-included per instruction set (no include guard), inside an AVX2 target region.

template <class T>
struct vec;

/// Lane mask for lanes [lo, hi) of an 8 x 32-bit vector (all ones where selected).
POOLKIT_FORCEINLINE __m256i lane_mask_8x32(int lo, int hi) noexcept {
  const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i ge_lo = _mm256_cmpgt_epi32(index, _mm256_set1_epi32(lo - 1));
  const __m256i lt_hi = _mm256_cmpgt_epi32(_mm256_set1_epi32(hi), index);
  return _mm256_and_si256(ge_lo, lt_hi);
}

/// Lane mask for lanes [lo, hi) of a 4 x 64-bit vector.
POOLKIT_FORCEINLINE __m256i lane_mask_4x64(int lo, int hi) noexcept {
  const __m256i index = _mm256_setr_epi64x(0, 1, 2, 3);
  const __m256i ge_lo = _mm256_cmpgt_epi64(index, _mm256_set1_epi64x(lo - 1));
  const __m256i lt_hi = _mm256_cmpgt_epi64(_mm256_set1_epi64x(hi), index);
  return _mm256_and_si256(ge_lo, lt_hi);
}

template <>
struct vec<float> {
  using value_type = float;
  static constexpr int lanes = 8;
  __m256 v;

  static POOLKIT_FORCEINLINE vec load(const float* p) noexcept { return {_mm256_loadu_ps(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const float* p, int lo, int hi, float fill) noexcept {
    // vmaskmovps does not touch (or fault on) masked-off lanes.
    const __m256i m = lane_mask_8x32(lo, hi);
    const __m256 loaded = _mm256_maskload_ps(p, m);
    return {_mm256_blendv_ps(_mm256_set1_ps(fill), loaded, _mm256_castsi256_ps(m))};
  }
  static POOLKIT_FORCEINLINE vec broadcast(float a) noexcept { return {_mm256_set1_ps(a)}; }
  POOLKIT_FORCEINLINE void store(float* p) const noexcept { _mm256_storeu_ps(p, v); }
  POOLKIT_FORCEINLINE void store_first(float* p, int n) const noexcept {
    _mm256_maskstore_ps(p, lane_mask_8x32(0, n), v);
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {_mm256_max_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {_mm256_min_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {_mm256_blendv_ps(other.v, x.v, _mm256_cmp_ps(x.v, x.v, _CMP_UNORD_Q))};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {_mm256_add_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{_mm256_mul_ps(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {_mm256_div_ps(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    // In-lane shuffles give {a0 a2 b0 b2 | a4 a6 b4 b6}; a 64-bit permute restores order.
    const __m256 e = _mm256_shuffle_ps(a.v, b.v, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 o = _mm256_shuffle_ps(a.v, b.v, _MM_SHUFFLE(3, 1, 3, 1));
    even = {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)))};
    odd = {_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)))};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    // unpack gives {a0 b0 a1 b1 | a4 b4 a5 b5} and {a2 b2 a3 b3 | a6 b6 a7 b7}.
    const __m256 l = _mm256_unpacklo_ps(a.v, b.v);
    const __m256 h = _mm256_unpackhi_ps(a.v, b.v);
    lo = {_mm256_permute2f128_ps(l, h, 0x20)};
    hi = {_mm256_permute2f128_ps(l, h, 0x31)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    // t = {prev[4..7], cur[0..3]}; per 128-bit lane, take the last element of t before cur.
    const __m256i t = _mm256_castps_si256(_mm256_permute2f128_ps(prev.v, cur.v, 0x21));
    return {_mm256_castsi256_ps(_mm256_alignr_epi8(_mm256_castps_si256(cur.v), t, 12))};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    // t = {cur[4..7], next[0..3]}; per 128-bit lane, drop cur's first element.
    const __m256i t = _mm256_castps_si256(_mm256_permute2f128_ps(cur.v, next.v, 0x21));
    return {_mm256_castsi256_ps(_mm256_alignr_epi8(t, _mm256_castps_si256(cur.v), 4))};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return _mm256_movemask_ps(_mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q)) != 0;
  }

  using mask = __m256i;
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept {
    return lane_mask_8x32(lo, hi);
  }
  static POOLKIT_FORCEINLINE vec load_masked(const float* p, mask m, float fill) noexcept {
    return {
        _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m))};
  }
  POOLKIT_FORCEINLINE void store_masked(float* p, mask m) const noexcept {
    _mm256_maskstore_ps(p, m, v);
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = __m256;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return _mm256_or_ps(_mm256_cmp_ps(x.v, acc.v, _CMP_GT_OQ),
                        _mm256_cmp_ps(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return _mm256_or_ps(_mm256_cmp_ps(x.v, acc.v, _CMP_LT_OQ),
                        _mm256_cmp_ps(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {_mm256_blendv_ps(no.v, yes.v, c)};
  }
};

template <>
struct vec<double> {
  using value_type = double;
  static constexpr int lanes = 4;
  __m256d v;

  static POOLKIT_FORCEINLINE vec load(const double* p) noexcept { return {_mm256_loadu_pd(p)}; }
  static POOLKIT_FORCEINLINE vec load_range(const double* p, int lo, int hi, double fill) noexcept {
    const __m256i m = lane_mask_4x64(lo, hi);
    const __m256d loaded = _mm256_maskload_pd(p, m);
    return {_mm256_blendv_pd(_mm256_set1_pd(fill), loaded, _mm256_castsi256_pd(m))};
  }
  static POOLKIT_FORCEINLINE vec broadcast(double a) noexcept { return {_mm256_set1_pd(a)}; }
  POOLKIT_FORCEINLINE void store(double* p) const noexcept { _mm256_storeu_pd(p, v); }
  POOLKIT_FORCEINLINE void store_first(double* p, int n) const noexcept {
    _mm256_maskstore_pd(p, lane_mask_4x64(0, n), v);
  }
  static POOLKIT_FORCEINLINE vec max(vec a, vec b) noexcept { return {_mm256_max_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec min(vec a, vec b) noexcept { return {_mm256_min_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec select_nan(vec x, vec other) noexcept {
    return {_mm256_blendv_pd(other.v, x.v, _mm256_cmp_pd(x.v, x.v, _CMP_UNORD_Q))};
  }
  static POOLKIT_FORCEINLINE vec add(vec a, vec b) noexcept { return {_mm256_add_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec mul(vec a, vec b) noexcept {
    vec product{_mm256_mul_pd(a.v, b.v)};
    POOLKIT_ROUNDED(product.v);
    return product;
  }
  static POOLKIT_FORCEINLINE vec div(vec a, vec b) noexcept { return {_mm256_div_pd(a.v, b.v)}; }
  using bits = simd::double_bits;  // mantissa, exponent, exp2i
  static POOLKIT_FORCEINLINE vec sub(vec a, vec b) noexcept { return {_mm256_sub_pd(a.v, b.v)}; }
  static POOLKIT_FORCEINLINE vec sqrt(vec a) noexcept { return {_mm256_sqrt_pd(a.v)}; }
  static POOLKIT_FORCEINLINE vec abs(vec a) noexcept {
    return {_mm256_andnot_pd(_mm256_set1_pd(-0.0), a.v)};
  }
  static POOLKIT_FORCEINLINE vec mantissa(vec a) noexcept {
    const __m256i fraction =
        _mm256_and_si256(_mm256_castpd_si256(a.v), _mm256_set1_epi64x(bits::fraction));
    return {
        _mm256_castsi256_pd(_mm256_or_si256(fraction, _mm256_set1_epi64x(bits::exponent_of_one)))};
  }
  static POOLKIT_FORCEINLINE vec exponent(vec a) noexcept {
    const __m256i biased = _mm256_srli_epi64(_mm256_castpd_si256(a.v), 52);
    return {_mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(biased, _mm256_set1_epi64x(bits::two_to_52))),
        _mm256_set1_pd(bits::exponent_magic))};
  }
  static POOLKIT_FORCEINLINE vec exp2i(vec k) noexcept {
    const __m256d biased = _mm256_add_pd(k.v, _mm256_set1_pd(bits::exponent_magic));
    return {_mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(biased), 52))};
  }
  static POOLKIT_FORCEINLINE void deinterleave(vec a, vec b, vec& even, vec& odd) noexcept {
    // unpack gives {a0 b0 | a2 b2}; the permute restores {a0 a2 b0 b2}.
    even = {_mm256_permute4x64_pd(_mm256_unpacklo_pd(a.v, b.v), _MM_SHUFFLE(3, 1, 2, 0))};
    odd = {_mm256_permute4x64_pd(_mm256_unpackhi_pd(a.v, b.v), _MM_SHUFFLE(3, 1, 2, 0))};
  }
  // {a0 b0 a1 b1 ...} from the first halves of a and b, and the same from their second halves
  // (the inverse of deinterleave).
  static POOLKIT_FORCEINLINE void interleave(vec a, vec b, vec& lo, vec& hi) noexcept {
    // unpack gives {a0 b0 | a2 b2} and {a1 b1 | a3 b3}.
    const __m256d l = _mm256_unpacklo_pd(a.v, b.v);
    const __m256d h = _mm256_unpackhi_pd(a.v, b.v);
    lo = {_mm256_permute2f128_pd(l, h, 0x20)};
    hi = {_mm256_permute2f128_pd(l, h, 0x31)};
  }
  static POOLKIT_FORCEINLINE vec shift_prev(vec cur, vec prev) noexcept {
    const __m256i t = _mm256_castpd_si256(_mm256_permute2f128_pd(prev.v, cur.v, 0x21));
    return {_mm256_castsi256_pd(_mm256_alignr_epi8(_mm256_castpd_si256(cur.v), t, 8))};
  }
  static POOLKIT_FORCEINLINE vec shift_next(vec cur, vec next) noexcept {
    const __m256i t = _mm256_castpd_si256(_mm256_permute2f128_pd(cur.v, next.v, 0x21));
    return {_mm256_castsi256_pd(_mm256_alignr_epi8(t, _mm256_castpd_si256(cur.v), 8))};
  }
  static POOLKIT_FORCEINLINE bool any_nan(vec a) noexcept {
    return _mm256_movemask_pd(_mm256_cmp_pd(a.v, a.v, _CMP_UNORD_Q)) != 0;
  }

  using mask = __m256i;
  static POOLKIT_FORCEINLINE mask lanes_in(int lo, int hi) noexcept {
    return lane_mask_4x64(lo, hi);
  }
  static POOLKIT_FORCEINLINE vec load_masked(const double* p, mask m, double fill) noexcept {
    return {
        _mm256_blendv_pd(_mm256_set1_pd(fill), _mm256_maskload_pd(p, m), _mm256_castsi256_pd(m))};
  }
  POOLKIT_FORCEINLINE void store_masked(double* p, mask m) const noexcept {
    _mm256_maskstore_pd(p, m, v);
  }

  // Selection with positions (max/min with indices): which lanes take x.
  using choice = __m256d;
  static POOLKIT_FORCEINLINE choice prefer_greater(vec x, vec acc) noexcept {
    return _mm256_or_pd(_mm256_cmp_pd(x.v, acc.v, _CMP_GT_OQ),
                        _mm256_cmp_pd(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE choice prefer_less(vec x, vec acc) noexcept {
    return _mm256_or_pd(_mm256_cmp_pd(x.v, acc.v, _CMP_LT_OQ),
                        _mm256_cmp_pd(x.v, x.v, _CMP_UNORD_Q));
  }
  static POOLKIT_FORCEINLINE vec blend(choice c, vec yes, vec no) noexcept {
    return {_mm256_blendv_pd(no.v, yes.v, c)};
  }
};

/// The lanes of x as doubles: the first half in lo, the second in hi.
POOLKIT_FORCEINLINE void widen(vec<float> x, vec<double>& lo, vec<double>& hi) noexcept {
  lo = {_mm256_cvtps_pd(_mm256_castps256_ps128(x.v))};
  hi = {_mm256_cvtps_pd(_mm256_extractf128_ps(x.v, 1))};
}
/// widen's inverse, each lane rounded to the nearest float.
POOLKIT_FORCEINLINE vec<float> narrow(vec<double> lo, vec<double> hi) noexcept {
  return {_mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo.v)), _mm256_cvtpd_ps(hi.v),
                               1)};
}
