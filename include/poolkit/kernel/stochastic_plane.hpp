// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Stochastic pooling of one plane (SPEC section 5, Zeiler & Fergus 2013). Only positive
// taps carry probability mass: negative values and zeros count as 0.
//   training:  one tap drawn with probability x / sum x, from the counter-based draw of
//              (seed, flat output index), so any output can be recomputed on its own;
//   inference: sum x^2 / sum x over the positive taps.
// Sums run in double, row-major; double windows with taps beyond 2^+-480 are summed
// scaled by a power of two taken from the largest positive tap: scaling by 2^k is exact,
// so the choice is the one the unscaled sums would make, and no window of finite values
// overflows or underflows (double inputs near DBL_MAX and denormals included).
// Special values: a NaN tap gives NaN and the index of the first NaN; +inf taps take all
// the probability (training draws one of them uniformly) and inference gives +inf.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/random/philox.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// What one call draws from, and what it computes.
struct stochastic_job {
  bool training;
  std::uint64_t seed;
};

/// Walks the in-bounds taps of a window row-major: f(value, plane index) for each, until
/// f returns true (stop).
template <class T, class F>
POOLKIT_FORCEINLINE void scan_window(plane<const T> x, const geometry::axis_window& wh,
                                     const geometry::axis_window& ww, index_t dh, index_t dw,
                                     F&& f) noexcept {
  for (index_t i = 0; i < wh.count; ++i) {
    const index_t h = wh.first + i * dh;
    const T* row = x.data + h * x.row_stride;
    for (index_t j = 0; j < ww.count; ++j) {
      const index_t w = ww.first + j * dw;
      if (f(row[w * x.col_stride], h * x.cols + w)) return;
    }
  }
}

/// v if v > 0, else +0, by masking the bits: compilers turn the plain `v > 0 ? v : 0`
/// (fused with the widening to double) into a branch that activations of random sign
/// mispredict half the time.
template <class T>
POOLKIT_FORCEINLINE T positive_part(T v) noexcept {
  using bits = std::conditional_t<sizeof(T) == sizeof(std::uint32_t), std::uint32_t, std::uint64_t>;
  const bits keep = bits{0} - static_cast<bits>(v > T(0));
  return std::bit_cast<T>(std::bit_cast<bits>(v) & keep);
}

/// The sums of one window's positive taps, and what else pass 1 sees.
struct positive_sums {
  index_t first_nan = -1;
  index_t infinities = 0;
  double largest = 0.0;
  double sum = 0.0;
  double squares = 0.0;
};

/// The exponent k for which largest * 2^k (positive, finite) lies in [1, 2). Applied with
/// ldexp, never as a factor 2^k: for a denormal largest k reaches 1074, and 2^1074 is not
/// a double (the fuzzer found a lone denorm_min tap giving NaN through inf / inf).
inline int unit_shift(double largest) noexcept { return -std::ilogb(largest); }

/// One window of stochastic pooling; `flat` is the output's flat index (the draw's counter).
template <class T>
selection<T> stochastic_window(const stochastic_job& job, plane<const T> x,
                               const geometry::axis_window& wh, const geometry::axis_window& ww,
                               index_t dh, index_t dw, index_t flat) noexcept {
  if (wh.count == 0 || ww.count == 0) return {T(0), -1};
  constexpr T infinity = std::numeric_limits<T>::infinity();
  // Pass 1: special values, and the sums in double with scale 1. Float taps cannot
  // overflow or underflow there (FLT_MAX^2 and the smallest denormal^2 are normal doubles);
  // double taps beyond 2^+-480 are summed again below, scaled.
  positive_sums s;
  scan_window(x, wh, ww, dh, dw, [&](T v, index_t i) {
    if (v != v) {
      s.first_nan = i;
      return true;
    }
    const auto d = static_cast<double>(positive_part(v));
    s.infinities += v == infinity ? 1 : 0;
    s.largest = d > s.largest ? d : s.largest;
    s.sum += d;
    s.squares += d * d;
    return false;
  });
  if (s.first_nan >= 0) return {std::numeric_limits<T>::quiet_NaN(), s.first_nan};
  const random::block bits = job.training ? random::draw(job.seed, random::stream::stochastic_pool,
                                                         static_cast<std::uint64_t>(flat))
                                          : random::block{};
  if (s.infinities > 0) {
    if (!job.training) return {infinity, -1};
    auto pick = static_cast<index_t>(random::below(static_cast<std::uint64_t>(s.infinities), bits));
    selection<T> chosen{infinity, -1};
    scan_window(x, wh, ww, dh, dw, [&](T v, index_t i) {
      if (v != infinity || pick-- > 0) return false;
      chosen.index = i;
      return true;
    });
    return chosen;
  }
  if (!(s.largest > 0.0)) return {T(0), job.training ? wh.first * x.cols + ww.first : -1};
  // Scaling by a power of two is exact, so it changes no choice, only the range.
  int shift = 0;
  const auto scaled = [&shift](double d) { return shift == 0 ? d : std::ldexp(d, shift); };
  if (!std::is_same_v<T, float> && (s.largest > 0x1p480 || s.largest < 0x1p-480)) {
    shift = unit_shift(s.largest);
    s.sum = 0.0;
    s.squares = 0.0;
    scan_window(x, wh, ww, dh, dw, [&](T v, index_t) {
      if (v > T(0)) {
        const double d = scaled(static_cast<double>(v));
        s.sum += d;
        s.squares += d * d;
      }
      return false;
    });
  }
  if (!job.training) return {static_cast<T>(std::ldexp(s.squares / s.sum, -shift)), -1};
  // The first tap whose running sum passes u * sum; rounding can leave u * sum at the
  // total, where the last positive tap is the one to take.
  const double target = random::unit_double(bits[0], bits[1]) * s.sum;
  double running = 0.0;
  selection<T> chosen{T(0), -1};
  scan_window(x, wh, ww, dh, dw, [&](T v, index_t i) {
    running += scaled(static_cast<double>(positive_part(v)));
    const bool positive = v > T(0);
    chosen.value = positive ? v : chosen.value;
    chosen.index = positive ? i : chosen.index;
    return running > target;  // never newly true at a tap that adds nothing
  });
  return chosen;
}

/// Stochastic pooling of output rows [oh_begin, oh_end) of plane `plane_index`
/// (n * C + c); `col_windows` holds g.w.window(ow) for every output column. `idx` may
/// have null data (inference without indices).
template <class T>
void stochastic_plane_rows(const stochastic_job& job, plane<const T> x, plane<T> y,
                           plane<index_t> idx, const geometry::regular_windows& g,
                           const geometry::axis_window* col_windows, index_t plane_index,
                           index_t oh_begin, index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = g.h.window(oh);
    const index_t row_flat = (plane_index * y.rows + oh) * y.cols;
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const selection<T> r = stochastic_window(job, x, wh, col_windows[ow], g.h.dilation(),
                                               g.w.dilation(), row_flat + ow);
      y.data[oh * y.row_stride + ow * y.col_stride] = r.value;
      if (idx.data != nullptr) idx.data[oh * idx.row_stride + ow * idx.col_stride] = r.index;
    }
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
