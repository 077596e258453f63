// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The power family on float inputs with a whole p up to 6 (reduce::wide_power_sum: Lp,
// L2 and the power average), vectorised along the output width like the regular kernels
// (kernel/regular-inl.hpp, whose tap reads and block plan it shares). Each lane is one
// output and folds what the scalar path folds, in its order: every tap widened to double,
// |x| raised to p by repeated multiplication, added row-major from 0 (taps in padding
// read 0 and add +0, which changes nothing: the sum is never -0). Then the divisor
// (power average) and the root of simd/root-inl.hpp, the scalar path's code, so every
// instruction set computes the same bits. Compiled per instruction set (no include
// guard).

/// |x|^p by repeated multiplication, as reduce::wide_power_sum::combine. An even p needs
/// no |x|: x * x has the bits of |x| * |x|, and rounding is symmetric in the sign.
POOLKIT_FORCEINLINE vec<double> whole_power(vec<double> x, int p) noexcept {
  using D = vec<double>;
  const D a = p % 2 == 1 ? D::abs(x) : x;
  D term = a;
  for (int i = 1; i < p; ++i) term = D::mul(term, a);
  return term;
}

/// s^(1/p) for a whole p from 1 to 6 (simd/root-inl.hpp). Called once per half block,
/// never inlined: one copy of the roots per instruction set (T is double; a template so
/// that each translation unit may hold it).
template <class T>
POOLKIT_NOINLINE vec<T> whole_root(vec<T> s, int p) noexcept {
  switch (p) {
    case 1: return whole_root<1>(s);
    case 2: return whole_root<2>(s);
    case 3: return whole_root<3>(s);
    case 4: return whole_root<4>(s);
    case 5: return whole_root<5>(s);
    default: return whole_root<6>(s);
  }
}

/// Loads for a block that is inside the row (plain loads) or at an edge of it (positions
/// outside the row read 0 and are never touched), chosen per block at run time: one copy
/// of the power kernel's code serves both (compile time; the branch goes the same way for
/// a whole block).
struct power_loads {
  const float* row;
  index_t width;
  bool inside;
  POOLKIT_FORCEINLINE vec<float> operator()(index_t p, int) const noexcept {
    constexpr int L = vec<float>::lanes;
    if (inside) return vec<float>::load(row + p);
    return vec<float>::load_range(address_at(row, p), clamp_lane(-p, L), clamp_lane(width - p, L),
                                  0.0f);
  }
  POOLKIT_FORCEINLINE float element(index_t p) const noexcept {
    return inside || (p >= 0 && p < width) ? row[p] : 0.0f;
  }
};

/// Output rows [oh_begin, oh_end) of one plane: sum |x|^p over each window, divided by
/// the job's divisors when it has them (power average), then the p-th root. One body for
/// every p and both forms (T is float; a template so that each translation unit may hold
/// it): p only counts the multiplications of a tap and picks the root once per block.
template <class T>
void power_rows(tag, const vector_job<T>& job, int p, kernel::plane<const T> x, kernel::plane<T> y,
                index_t oh_begin, index_t oh_end) noexcept {
  static_assert(std::is_same_v<T, float>, "float inputs, double sums");
  using F = vec<float>;
  using D = vec<double>;
  const row_geometry g = job.cols;
  const block_plan<float> plan = block_plan<float>::make(g, /*pairs=*/true, nullptr, 0);
  const geometry::regular_axis& gh = job.windows->h;
  const index_t row_step = std::min(gh.dilation(), gh.input_size()) * x.row_stride;
  const bool reciprocal = job.divisors_are_reciprocals;
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = gh.window(oh);
    // The input rows of the output row prefetch_rows_ahead below, whatever the input's
    // size (unlike pool_band: this kernel spends enough time per byte that the prefetches
    // cost little): S9 and LP3 (12.8 MB of input) ran at 8-17 and 7-9 GB/s without, 20-21
    // and 9-10 with, alternating in one session; the loads had waited on memory.
    if (oh + prefetch_rows_ahead < gh.output_size()) {
      const geometry::axis_window ahead = gh.window(oh + prefetch_rows_ahead);
      if (ahead.count > 0)
        prefetch_rows(x, ahead.first, ahead.first + (ahead.count - 1) * gh.dilation());
    }
    const float* top = x.data + wh.first * x.row_stride;
    const float* divisors = job.divisor_rows == nullptr
                                ? nullptr
                                : job.divisor_rows + job.divisor_row(oh) * job.layout->pitch;
    float* out = y.data + oh * y.row_stride;
    for (index_t b = 0; b < plan.blocks; ++b) {
      const index_t ow0 = plan.start(b);
      const bool inside = b >= plan.inside_begin && b < plan.inside_end;
      D lo = D::broadcast(0.0);
      D hi = D::broadcast(0.0);
      const float* row = top;
      for (index_t t = 0; t < wh.count; ++t, row += row_step) {
        for_each_tap<0, 0, float>(power_loads{row, g.in_width, inside}, g, ow0, true,
                                  [&](F tap, bool) POOLKIT_INLINE_LAMBDA {
                                    D tap_lo;
                                    D tap_hi;
                                    widen(tap, tap_lo, tap_hi);
                                    lo = D::add(lo, whole_power(tap_lo, p));
                                    hi = D::add(hi, whole_power(tap_hi, p));
                                  });
      }
      if (divisors != nullptr) {
        D d_lo;
        D d_hi;
        widen(F::load(divisors + ow0), d_lo, d_hi);
        lo = reciprocal ? D::mul(lo, d_lo) : D::div(lo, d_lo);
        hi = reciprocal ? D::mul(hi, d_hi) : D::div(hi, d_hi);
      }
      store_block(narrow(whole_root<double>(lo, p), whole_root<double>(hi, p)),
                  out + ow0 * y.col_stride, y.col_stride, plan.count(b));
    }
  }
}
