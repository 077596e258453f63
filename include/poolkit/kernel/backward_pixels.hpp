// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The backward kernels of channels-last views (dy, dx and the indices with channel stride
// 1, as PyTorch's channels_last hands them over): the sums of kernel/backward_plane.hpp,
// with the channels innermost. A plane-by-plane walk of such a view touches one element
// per cache line and streams the whole tensor once per channel; these walk the pixels in
// row-major order and, at each, a run of adjacent channels [c0, c1). Every dx element
// still receives its contributions in the outputs' row-major order, from +0, so the bits
// are those of the plane kernels; a task owns its channels, so nothing is shared.
#pragma once

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/channels_last.hpp>
#include <poolkit/reduce/basic.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// to[c] += from[c] for c in [0, run): in blocks of 8, which GCC at -O2 turns into whole
/// vector operations (a loop of runtime length it leaves scalar), then the rest.
template <class T>
POOLKIT_FORCEINLINE void add_run(T* POOLKIT_RESTRICT to, const T* POOLKIT_RESTRICT from,
                                 index_t run) noexcept {
  index_t c = 0;
  for (; c + 8 <= run; c += 8)
    for (index_t k = 0; k < 8; ++k) to[c + k] += from[c + k];
  for (; c < run; ++c) to[c] += from[c];
}

/// to[c] = share(from[c]) for c in [0, run), blocked as add_run.
template <class T, class Share>
POOLKIT_FORCEINLINE void share_run(T* POOLKIT_RESTRICT to, const T* POOLKIT_RESTRICT from,
                                   index_t run, const Share& share) noexcept {
  index_t c = 0;
  for (; c + 8 <= run; c += 8)
    for (index_t k = 0; k < 8; ++k) to[c + k] = share(from[c + k]);
  for (; c < run; ++c) to[c] = share(from[c]);
}

/// Sets channels [c0, c1) of every pixel of a channels-last image to +0.
template <class T>
void zero_pixels(pixels<T> dx, index_t c0, index_t c1) noexcept {
  // All bits zero is +0 in IEEE 754; memset is the one fill GCC does not leave scalar.
  const auto bytes = static_cast<std::size_t>(c1 - c0) * sizeof(T);
  const bool whole_pixels = c0 == 0 && c1 == dx.channels && dx.col_stride == dx.channels;
  if (whole_pixels && dx.row_stride == dx.cols * dx.col_stride) {
    // A dense image (PyTorch's channels_last): one fill, not one per pixel (S1: 50176
    // fills of 256 bytes were 7% of its backward).
    std::memset(dx.data, 0, bytes * static_cast<std::size_t>(dx.rows * dx.cols));
    return;
  }
  for (index_t h = 0; h < dx.rows; ++h)
    for (index_t w = 0; w < dx.cols; ++w)
      std::memset(dx.data + h * dx.row_stride + w * dx.col_stride + c0, 0, bytes);
}

/// dx[indices] += dy for channels [c0, c1) of one image, outputs in row-major order
/// (route_plane's sums). Indices are validated (-1 or inside the plane).
template <class T>
void route_pixels(pixels<const T> dy, pixels<const index_t> indices, pixels<T> dx, index_t c0,
                  index_t c1) noexcept {
  zero_pixels(dx, c0, c1);
  // Index h * W + w addresses pixel (h, w); when rows follow one another without a gap it
  // is index * col_stride away from the image's start, without a division.
  const bool rows_follow = dx.row_stride == dx.cols * dx.col_stride;
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const T* grads = dy.data + oh * dy.row_stride + ow * dy.col_stride;
      const index_t* where = indices.data + oh * indices.row_stride + ow * indices.col_stride;
      for (index_t c = c0; c < c1; ++c) {
        const index_t i = where[c];
        if (i < 0) continue;
        const index_t pixel = rows_follow
                                  ? i * dx.col_stride
                                  : (i / dx.cols) * dx.row_stride + (i % dx.cols) * dx.col_stride;
        dx.data[pixel + c] += grads[c];
      }
    }
  }
}

/// spread_windows_plane for channels [c0, c1) of one image: each output's share (Share,
/// as there) added to every in-bounds tap of its window, outputs in row-major order.
/// `shares` holds c1 - c0 elements of scratch.
template <class T, class Share>
void spread_windows_pixels(pixels<const T> dy, pixels<T> dx, const geometry::axis_window* rows,
                           const geometry::axis_window* cols, index_t row_step, index_t col_step,
                           const Share& share, index_t c0, index_t c1, T* shares) noexcept {
  zero_pixels(dx, c0, c1);
  const index_t run = c1 - c0;
  for (index_t oh = 0; oh < dy.rows; ++oh) {
    const geometry::axis_window wh = rows[oh];
    if (wh.count == 0) continue;
    for (index_t ow = 0; ow < dy.cols; ++ow) {
      const geometry::axis_window ww = cols[ow];
      if (ww.count == 0) continue;
      const T* grads = dy.data + oh * dy.row_stride + ow * dy.col_stride + c0;
      share_run(shares, grads, run, share.template of_window<T>(wh, ww));
      T* first = dx.data + wh.first * dx.row_stride + ww.first * dx.col_stride + c0;
      for (index_t i = 0; i < wh.count; ++i) {
        for (index_t j = 0; j < ww.count; ++j)
          add_run(first + i * row_step + j * col_step, shares, run);
      }
    }
  }
}

/// spread_global_plane for channels [c0, c1) of one image: every pixel receives its
/// channel's dy (sum) or dy / (H * W) (average), assigned, so a -0 stays -0 as there.
template <class T, class R>
void spread_global_pixels(const R&, const T* dy, pixels<T> dx, index_t c0, index_t c1,
                          T* shares) noexcept {
  const index_t run = c1 - c0;
  for (index_t c = 0; c < run; ++c) {
    shares[c] = dy[c0 + c];
    if constexpr (std::is_same_v<R, reduce::avg<T>>)
      shares[c] = dy[c0 + c] / static_cast<T>(dx.rows * dx.cols);
  }
  for (index_t h = 0; h < dx.rows; ++h)
    for (index_t w = 0; w < dx.cols; ++w)
      std::copy(shares, shares + run, dx.data + h * dx.row_stride + w * dx.col_stride + c0);
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
