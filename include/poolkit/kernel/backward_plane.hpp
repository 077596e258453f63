// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The backward plane kernels: the gradient `dx` of one (n, c) plane from the gradient
// `dy` of the forward's output plane (SPEC section 9). Each kernel owns its whole dx
// plane: it zeroes it, then adds the contributions of the outputs in row-major order,
// the order PyTorch's CPU kernels use, so every thread split and instruction set gives
// the same bits (a plane is never shared between threads, so nothing is atomic).
#pragma once

#include <poolkit/config.hpp>
#include <poolkit/geometry/adaptive.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/reduce/basic.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// Sets every element of a plane to +0.
template <class T>
void zero_plane(plane<T> p) noexcept {
  for (index_t h = 0; h < p.rows; ++h) {
    T* row = p.data + h * p.row_stride;
    for (index_t w = 0; w < p.cols; ++w) row[w * p.col_stride] = T(0);
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
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const T* g = dy.data + oh * dy.row_stride;
    const index_t* i = indices.data + oh * indices.row_stride;
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const index_t to = i[ow * indices.col_stride];
      if (to >= 0) at_index(dx, to) += g[ow * dy.col_stride];
    }
  }
}

/// The share of an output's gradient each tap of a sum window receives: all of it.
template <class T>
POOLKIT_FORCEINLINE T tap_share(const reduce::sum<T>&, T dy, window_counts) noexcept {
  return dy;
}
/// The share of an output's gradient each tap of an average window receives: dy divided
/// by the forward's divisor (a division, as PyTorch computes it).
template <class T>
POOLKIT_FORCEINLINE T tap_share(const reduce::avg<T>& r, T dy, window_counts counts) noexcept {
  return dy / static_cast<T>(r.divisor(counts));
}

/// Gradient of a regular sum or average pooling (`R` is reduce::sum or reduce::avg):
/// dx = 0, then for every output in row-major order its share is added to each in-bounds
/// tap of its window; padding taps receive nothing.
template <class T, class R>
void spread_regular_plane(const R& r, plane<const T> dy, plane<T> dx,
                          const geometry::regular_windows& g) noexcept {
  zero_plane(dx);
  // As in the forward: a dilation at or beyond the input's size leaves one tap.
  const index_t row_step = std::min(g.h.dilation(), g.h.input_size()) * dx.row_stride;
  const index_t col_step = std::min(g.w.dilation(), g.w.input_size()) * dx.col_stride;
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const geometry::axis_window wh = g.h.window(oh);
    if (wh.count == 0) continue;
    T* rows = dx.data + wh.first * dx.row_stride;
    const T* grads = dy.data + oh * dy.row_stride;
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const geometry::axis_window ww = g.w.window(ow);
      if (ww.count == 0) continue;
      const window_counts counts{wh.count * ww.count,
                                 padded_taps(wh.padded_count, ww.padded_count)};
      const T share = tap_share(r, grads[ow * dy.col_stride], counts);
      T* first = rows + ww.first * dx.col_stride;
      for (index_t i = 0; i < wh.count; ++i) {
        T* tap = first + i * row_step;
        for (index_t j = 0; j < ww.count; ++j) tap[j * col_step] += share;
      }
    }
  }
}

/// Gradient of an adaptive sum or average pooling: dx = 0, then for every bin in
/// row-major order its share is added to each element of the bin. An average's share is
/// (dy / bin_height) / bin_width, PyTorch's two divisions.
template <class T, class R>
void spread_adaptive_plane(const R&, plane<const T> dy, plane<T> dx,
                           const geometry::adaptive_axis& gh,
                           const geometry::adaptive_axis& gw) noexcept {
  zero_plane(dx);
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const index_t h0 = gh.start(oh), h1 = gh.end(oh);
    const T* grads = dy.data + oh * dy.row_stride;
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const index_t w0 = gw.start(ow), w1 = gw.end(ow);
      T share = grads[ow * dy.col_stride];
      if constexpr (std::is_same_v<R, reduce::avg<T>>)
        share = share / static_cast<T>(h1 - h0) / static_cast<T>(w1 - w0);
      for (index_t h = h0; h < h1; ++h) {
        T* row = dx.data + h * dx.row_stride;
        for (index_t w = w0; w < w1; ++w) row[w * dx.col_stride] += share;
      }
    }
  }
}

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
