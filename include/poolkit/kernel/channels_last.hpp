// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Pooling of channels-last views (channel stride 1: what PyTorch's channels_last and
// TensorFlow's NHWC hand a C++ caller), the parts that do not depend on an instruction
// set: the image type, the windows of a call, and the one-lane forms that
// instruction_set::scalar runs. The vector forms (kernel/channels_last-inl.hpp) put
// channels in the lanes: lane l of a vector folds channel c + l, tap by tap, in the order
// the one-lane forms below (and kernel/plane.hpp, kernel/builtin.hpp) fold one channel,
// so every instruction set computes the same bits as the NCHW kernels.
#pragma once

#include <algorithm>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/geometry/adaptive.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/builtin.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/reduce/basic.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// One image (fixed n) of a view whose channels are adjacent: element (c, h, w) at
/// data[c * channel_stride + h * row_stride + w * col_stride]. The vector kernels need
/// channel_stride == 1 on the input; the output may have any channel stride.
template <class T>
struct pixels {
  T* data;
  index_t channels;
  index_t rows;
  index_t cols;
  index_t channel_stride;
  index_t row_stride;
  index_t col_stride;
};

/// Image n of a view.
template <class T>
pixels<T> pixels_of(const nchw_view<T>& v, index_t n) noexcept {
  return {v.data_handle() + v.offset(n, 0, 0, 0),
          v.extent(1),
          v.extent(2),
          v.extent(3),
          v.stride(1),
          v.stride(2),
          v.stride(3)};
}

/// The windows of a regular or adaptive pooling, listed per output row and column (the
/// in-bounds taps of window (oh, ow) are rows[oh] x cols[ow], `dilation` apart), and
/// what an average divides by.
struct pixel_windows {
  std::vector<geometry::axis_window> rows;
  std::vector<geometry::axis_window> cols;
  index_t row_dilation = 1;
  index_t col_dilation = 1;
  /// Whether the kernel prefetches the next output row's input (prefetch_next_row): for
  /// inputs beyond the caches (beyond_caches), where it doubled S8c's speed (112 x 112 x
  /// 64 floats, batch 32, from memory); for inputs in cache it cost 20-35% (S1c, S2c, S4c:
  /// the prefetches' own instructions and L1 lines).
  bool prefetch_next_row = false;

  static pixel_windows of(const geometry::regular_windows& g) {
    pixel_windows p;
    for (index_t o = 0; o < g.h.output_size(); ++o) p.rows.push_back(g.h.window(o));
    for (index_t o = 0; o < g.w.output_size(); ++o) p.cols.push_back(g.w.window(o));
    // A dilation at or beyond the input's size leaves at most one tap (kernel/plane.hpp).
    p.row_dilation = std::min(g.h.dilation(), g.h.input_size());
    p.col_dilation = std::min(g.w.dilation(), g.w.input_size());
    return p;
  }
  static pixel_windows of(const geometry::adaptive_axis& gh, const geometry::adaptive_axis& gw,
                          index_t out_rows, index_t out_cols) {
    pixel_windows p;
    for (index_t o = 0; o < out_rows; ++o) p.rows.push_back(gh.window(o));
    for (index_t o = 0; o < out_cols; ++o) p.cols.push_back(gw.window(o));
    return p;
  }

  /// The tap counts of window (oh, ow), as kernel/plane.hpp counts them.
  window_counts counts(index_t oh, index_t ow) const noexcept {
    const geometry::axis_window& wh = rows[static_cast<std::size_t>(oh)];
    const geometry::axis_window& ww = cols[static_cast<std::size_t>(ow)];
    return {wh.count * ww.count, padded_taps(wh.padded_count, ww.padded_count)};
  }
};

/// Output rows [oh_begin, oh_end) of one image, one lane: each channel's window folded
/// as kernel/plane.hpp folds it.
template <class T, class R>
void pool_pixels(isa::scalar, const R& r, const pixel_windows& g, pixels<const T> x, pixels<T> y,
                 index_t oh_begin, index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& wh = g.rows[static_cast<std::size_t>(oh)];
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const geometry::axis_window& ww = g.cols[static_cast<std::size_t>(ow)];
      const window_counts counts = g.counts(oh, ow);
      T* out = y.data + oh * y.row_stride + ow * y.col_stride;
      if (counts.in_bounds == 0) {
        for (index_t c = 0; c < y.channels; ++c)
          out[c * y.channel_stride] = static_cast<T>(r.finalize(r.identity(), counts));
        continue;
      }
      const T* first = x.data + wh.first * x.row_stride + ww.first * x.col_stride;
      for (index_t c = 0; c < x.channels; ++c) {
        const auto acc =
            fold_window(r, first + c * x.channel_stride, wh.count, g.row_dilation * x.row_stride,
                        ww.count, g.col_dilation * x.col_stride);
        out[c * y.channel_stride] = static_cast<T>(r.finalize(acc, counts));
      }
    }
  }
}

/// Selection with indices (max/min_pool2d_with_indices) of output rows [oh_begin,
/// oh_end) of one image, one lane: each channel's window scanned as
/// kernel/select_plane.hpp scans it; idx receives per-plane indices h * W + w.
template <class T, class S>
void select_pixels(isa::scalar, const S& s, const pixel_windows& g, pixels<const T> x, pixels<T> y,
                   pixels<index_t> idx, index_t oh_begin, index_t oh_end) noexcept {
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& wh = g.rows[static_cast<std::size_t>(oh)];
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const geometry::axis_window& ww = g.cols[static_cast<std::size_t>(ow)];
      T* out = y.data + oh * y.row_stride + ow * y.col_stride;
      index_t* out_index = idx.data + oh * idx.row_stride + ow * idx.col_stride;
      for (index_t c = 0; c < x.channels; ++c) {
        const plane<const T> channel{x.data + c * x.channel_stride, x.rows, x.cols, x.row_stride,
                                     x.col_stride};
        const selection<T> best = select_window(s, channel, wh, ww, g.row_dilation, g.col_dilation);
        out[c * y.channel_stride] = best.value;
        out_index[c * idx.channel_stride] = best.index;
      }
    }
  }
}

/// Element i's offset in a channels-last image, i row-major over the plane: the walk of a
/// global pooling (kernel/channels_last-inl.hpp).
template <class T>
std::vector<index_t> global_offsets(const pixels<T>& x) {
  std::vector<index_t> offsets;
  offsets.reserve(static_cast<std::size_t>(x.rows * x.cols));
  for (index_t h = 0; h < x.rows; ++h)
    for (index_t w = 0; w < x.cols; ++w) offsets.push_back(h * x.row_stride + w * x.col_stride);
  return offsets;
}

/// Global pooling of channels [c_begin, c_end) of one image, one lane: the canonical
/// order of kernel/builtin.hpp, per channel. out[c * out_stride] receives channel c.
template <class T, class R>
void global_pixels(isa::scalar, const R& r, pixels<const T> x, const index_t*, index_t c_begin,
                   index_t c_end, T* out, index_t out_stride) noexcept {
  for (index_t c = c_begin; c < c_end; ++c) {
    const plane<const T> p{x.data + c * x.channel_stride, x.rows, x.cols, x.row_stride,
                           x.col_stride};
    out[c * out_stride] = global_plane(isa::scalar{}, r, p);
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
