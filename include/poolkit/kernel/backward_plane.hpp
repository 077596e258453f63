// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The backward plane kernels: the gradient `dx` of one (n, c) plane from the gradient
// `dy` of the forward's output plane (SPEC section 9). Each kernel owns its whole dx
// plane: it zeroes it, then adds the contributions of the outputs in row-major order,
// the order PyTorch's CPU kernels use, so every thread split and instruction set gives
// the same bits (a plane is never shared between threads, so nothing is atomic).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/reduce/power.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// Sets every element of a plane to +0 (contiguous rows as one fill each, which the
/// compiler turns into vector stores).
template <class T>
void zero_plane(plane<T> p) noexcept {
  for (index_t h = 0; h < p.rows; ++h) {
    T* row = p.data + h * p.row_stride;
    if (p.col_stride == 1) {
      std::fill_n(row, p.cols, T(0));
    } else {
      for (index_t w = 0; w < p.cols; ++w) row[w * p.col_stride] = T(0);
    }
  }
}

/// The element of `p` at per-plane index h * cols + w.
template <class T>
POOLKIT_FORCEINLINE T& at_index(plane<T> p, index_t index) noexcept {
  const bool packed = p.col_stride == 1 && p.row_stride == p.cols;
  if (packed) return p.data[index];
  return p.data[(index / p.cols) * p.row_stride + (index % p.cols) * p.col_stride];
}

/// Gradient routed by indices (max, min, adaptive max, fractional max, stochastic
/// training): dx = 0, then dx[index] += dy for every output in row-major order; index -1
/// routes nothing. The indices were validated to lie in [-1, rows * cols) of `dx`.
template <class T>
void route_plane(plane<const T> dy, plane<const index_t> indices, plane<T> dx) noexcept {
  zero_plane(dx);
  const bool packed = dx.col_stride == 1 && dx.row_stride == dx.cols;
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const T* g = dy.data + oh * dy.row_stride;
    const index_t* i = indices.data + oh * indices.row_stride;
    if (packed && dy.col_stride == 1 && indices.col_stride == 1) {
      // The common layout, without the per-element stride arithmetic of at_index.
      for (index_t ow = 0; ow < dy.cols; ++ow)
        if (i[ow] >= 0) dx.data[i[ow]] += g[ow];
      continue;
    }
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const index_t to = i[ow * indices.col_stride];
      if (to >= 0) at_index(dx, to) += g[ow * dy.col_stride];
    }
  }
}

/// Gradient of pooling over windows given per axis (regular windows, adaptive bins,
/// fractional regions): dx = 0, then for every output (oh, ow) in row-major order its
/// share `share(dy, rows[oh], cols[ow])` is added to each in-bounds tap of its window
/// (taps `row_step` / `col_step` elements apart); empty windows add nothing.
template <class T, class Share>
void spread_windows_plane(plane<const T> dy, plane<T> dx, const geometry::axis_window* rows,
                          const geometry::axis_window* cols, index_t row_step, index_t col_step,
                          const Share& share) noexcept {
  zero_plane(dx);
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const geometry::axis_window wh = rows[oh];
    if (wh.count == 0) continue;
    T* first_row = dx.data + wh.first * dx.row_stride;
    const T* grads = dy.data + oh * dy.row_stride;
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const geometry::axis_window ww = cols[ow];
      if (ww.count == 0) continue;
      const T g = share(grads[ow * dy.col_stride], wh, ww);
      T* first = first_row + ww.first * dx.col_stride;
      for (index_t i = 0; i < wh.count; ++i) {
        T* tap = first + i * row_step;
        for (index_t j = 0; j < ww.count; ++j) tap[j * col_step] += g;
      }
    }
  }
}

// The share of an output's gradient that each tap of its window receives, given the
// window's extent along both axes (for spread_windows_plane).

/// Sum pooling of any geometry: all of dy.
struct sum_share {
  template <class T>
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window&,
                                   const geometry::axis_window&) const noexcept {
    return dy;
  }
};

/// Average over regular windows: dy / the forward's divisor (a division, as PyTorch).
template <class T>
struct window_average_share {
  reduce::avg<T> r;
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window& wh,
                                   const geometry::axis_window& ww) const noexcept {
    const window_counts counts{wh.count * ww.count, padded_taps(wh.padded_count, ww.padded_count)};
    return dy / static_cast<T>(r.divisor(counts));
  }
};

/// Average over adaptive bins: (dy / bin height) / bin width, PyTorch's two divisions.
struct bin_average_share {
  template <class T>
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window& wh,
                                   const geometry::axis_window& ww) const noexcept {
    return dy / static_cast<T>(wh.count) / static_cast<T>(ww.count);
  }
};

/// Average over fractional regions: dy / the region's element count.
struct region_average_share {
  template <class T>
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window& wh,
                                   const geometry::axis_window& ww) const noexcept {
    return dy / static_cast<T>(wh.count * ww.count);
  }
};

/// Gradient of a global sum or average pooling: every element is dy (sum) or
/// dy / (H * W) (average: PyTorch's mean, one division). PyTorch expands the gradient
/// of a mean instead of adding it to zeros, so a -0 stays -0 here too.
template <class T, class R>
void spread_global_plane(const R&, T dy, plane<T> dx) noexcept {
  T share = dy;
  if constexpr (std::is_same_v<R, reduce::avg<T>>) share = dy / static_cast<T>(dx.rows * dx.cols);
  for (index_t h = 0; h < dx.rows; ++h) {
    T* row = dx.data + h * dx.row_stride;
    for (index_t w = 0; w < dx.cols; ++w) row[w * dx.col_stride] = share;
  }
}

/// Gradient of the power family (SPEC section 9) over regular windows, from the forward's
/// input `x` and output `y`: dx = 0, then for every output in row-major order with y != 0
/// each in-bounds tap receives
///
///     dy * sign(x_t) * (|x_t| / y)^(p - 1) / divisor
///
/// (SPEC's |x_t|^(p-1) y^(1-p) written as one ratio: for Lp |x_t| <= y, so the power never
/// overflows, and the power average's ratio is at most divisor^(1/p)). The weight is
/// computed in double, so float keeps SPEC's 1e-5 for p up to 64 at any magnitude; taps
/// equal to 0 receive nothing. p = infinity routes dy with x's sign to the window's first
/// tap of largest |x|. `divisor(counts)` is 1 for Lp and L2, the average's rule for the
/// power average.
template <class T, class Divisor>
void spread_power_plane(double p, const Divisor& divisor, plane<const T> x, plane<const T> y,
                        plane<const T> dy, plane<T> dx, const geometry::regular_windows& g,
                        const geometry::axis_window* rows,
                        const geometry::axis_window* cols) noexcept {
  zero_plane(dx);
  const bool infinite = p == std::numeric_limits<double>::infinity();
  const reduce::power_exponent weight = reduce::power_exponent::of(p - 1.0);
  const index_t dh = std::min(g.h.dilation(), g.h.input_size());
  const index_t dw = std::min(g.w.dilation(), g.w.input_size());
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const geometry::axis_window wh = rows[oh];
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const geometry::axis_window ww = cols[ow];
      const T result = y.data[oh * y.row_stride + ow * y.col_stride];
      if (wh.count == 0 || ww.count == 0 || result == T(0)) continue;
      const T grad = dy.data[oh * dy.row_stride + ow * dy.col_stride];
      const auto x_at = [&](index_t i, index_t j) -> const T& {
        return x.data[(wh.first + i * dh) * x.row_stride + (ww.first + j * dw) * x.col_stride];
      };
      const auto dx_at = [&](index_t i, index_t j) -> T& {
        return dx.data[(wh.first + i * dh) * dx.row_stride + (ww.first + j * dw) * dx.col_stride];
      };
      if (infinite) {
        index_t best_i = 0, best_j = 0;
        T largest = std::fabs(x_at(0, 0));
        for (index_t i = 0; i < wh.count; ++i)
          for (index_t j = 0; j < ww.count; ++j)
            if (std::fabs(x_at(i, j)) > largest) {
              largest = std::fabs(x_at(i, j));
              best_i = i, best_j = j;
            }
        const T tap = x_at(best_i, best_j);
        if (tap != T(0)) dx_at(best_i, best_j) += tap > T(0) ? grad : -grad;
        continue;
      }
      const window_counts counts{wh.count * ww.count,
                                 padded_taps(wh.padded_count, ww.padded_count)};
      const double scale = static_cast<double>(grad) / static_cast<double>(divisor(counts));
      const double magnitude = static_cast<double>(result);
      for (index_t i = 0; i < wh.count; ++i)
        for (index_t j = 0; j < ww.count; ++j) {
          const T tap = x_at(i, j);
          if (tap == T(0)) continue;
          const double w = scale * weight.raise(std::fabs(static_cast<double>(tap)) / magnitude);
          dx_at(i, j) += static_cast<T>(tap > T(0) ? w : -w);
        }
    }
  }
}

/// Gradient of max unpooling with respect to its values: dvalues = dy[index] (a gather),
/// 0 for index -1. The indices were validated to lie in [-1, rows * cols) of `dy`.
template <class T>
void gather_plane(plane<const T> dy, plane<const index_t> indices, plane<T> dvalues) noexcept {
  for (index_t h = 0; h < dvalues.rows; ++h) {
    const index_t* i = indices.data + h * indices.row_stride;
    T* out = dvalues.data + h * dvalues.row_stride;
    for (index_t w = 0; w < dvalues.cols; ++w) {
      const index_t from = i[w * indices.col_stride];
      out[w * dvalues.col_stride] = from >= 0 ? at_index(dy, from) : T(0);
    }
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
