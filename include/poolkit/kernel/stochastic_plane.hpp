// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Stochastic pooling of one plane (SPEC section 5, Zeiler & Fergus 2013). Only positive
// taps carry probability mass: negative values and zeros count as 0.
//   training:  one tap drawn with probability x / sum x, from the counter-based draw of
//              (seed, flat output index), so any output can be recomputed on its own;
//   inference: sum x^2 / sum x over the positive taps.
// Sums run in double, row-major, over the taps scaled by a power of two taken from the
// window's largest positive tap: scaling by 2^k is exact, so the choice is the one the
// unscaled sums would make, and no window of finite values overflows (double inputs
// near DBL_MAX included).
// Special values: a NaN tap gives NaN and the index of the first NaN; +inf taps take all
// the probability (training draws one of them uniformly) and inference gives +inf.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

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

/// One window of stochastic pooling; `flat` is the output's flat index (the draw's counter).
template <class T>
selection<T> stochastic_window(const stochastic_job& job, plane<const T> x,
                               const geometry::axis_window& wh, const geometry::axis_window& ww,
                               index_t dh, index_t dw, index_t flat) noexcept {
  if (wh.count == 0 || ww.count == 0) return {T(0), -1};
  // Pass 1: the first NaN, the +inf taps, the largest positive tap.
  index_t first_nan = -1;
  index_t infinities = 0;
  T largest = T(0);
  scan_window(x, wh, ww, dh, dw, [&](T v, index_t i) {
    if (v != v) {
      first_nan = i;
      return true;
    }
    if (v == std::numeric_limits<T>::infinity()) ++infinities;
    if (v > largest) largest = v;
    return false;
  });
  if (first_nan >= 0) return {std::numeric_limits<T>::quiet_NaN(), first_nan};
  const random::block bits =
      job.training ? random::draw(job.seed, random::stream::stochastic_pool,
                                  static_cast<std::uint64_t>(flat))
                   : random::block{};
  if (infinities > 0) {
    if (!job.training) return {std::numeric_limits<T>::infinity(), -1};
    auto pick = static_cast<index_t>(random::below(static_cast<std::uint64_t>(infinities), bits));
    selection<T> chosen{std::numeric_limits<T>::infinity(), -1};
    scan_window(x, wh, ww, dh, dw, [&](T v, index_t i) {
      if (v != std::numeric_limits<T>::infinity() || pick-- > 0) return false;
      chosen.index = i;
      return true;
    });
    return chosen;
  }
  if (!(largest > T(0))) return {T(0), job.training ? wh.first * x.cols + ww.first : -1};
  // 2^-exponent(largest): the scaled taps lie in (0, 2].
  const int exponent = std::ilogb(static_cast<double>(largest));
  const auto scaled = [exponent](T v) { return std::ldexp(static_cast<double>(v), -exponent); };
  double sum = 0.0;
  double squares = 0.0;
  scan_window(x, wh, ww, dh, dw, [&](T v, index_t) {
    if (v > T(0)) {
      const double s = scaled(v);
      sum += s;
      squares += s * s;
    }
    return false;
  });
  if (!job.training)
    return {static_cast<T>(std::ldexp(squares / sum, exponent)), -1};
  // The first tap whose running sum passes u * sum; rounding can leave u * sum at the
  // total, where the last positive tap is the one to take.
  const double target = random::unit_double(bits[0], bits[1]) * sum;
  double running = 0.0;
  selection<T> chosen{T(0), -1};
  scan_window(x, wh, ww, dh, dw, [&](T v, index_t i) {
    if (!(v > T(0))) return false;
    running += scaled(v);
    chosen = {v, i};
    return running > target;
  });
  return chosen;
}

/// Stochastic pooling of output rows [oh_begin, oh_end) of plane `plane_index`
/// (n * C + c). `idx` may have null data (inference without indices).
template <class T>
void stochastic_plane_rows(const stochastic_job& job, plane<const T> x, plane<T> y,
                           plane<index_t> idx, const geometry::regular_windows& g,
                           index_t plane_index, index_t oh_begin, index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = g.h.window(oh);
    const index_t row_flat = (plane_index * y.rows + oh) * y.cols;
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const selection<T> r = stochastic_window(job, x, wh, g.w.window(ow), g.h.dilation(),
                                               g.w.dilation(), row_flat + ow);
      y.data[oh * y.row_stride + ow * y.col_stride] = r.value;
      if (idx.data != nullptr) idx.data[oh * idx.row_stride + ow * idx.col_stride] = r.index;
    }
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
