// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The window kernels of bilateral pooling (ops/bilateral.hpp runs them over planes and
// threads): a window's weighted, optionally centred taps gathered into a K x C matrix A,
// pre-scaled by 1 / sqrt(sum w^2), and Y = A^T A as one symmetric rank-K update on Eigen;
// the signed square root and L2 normalisation; the staging of a run of windows' outputs;
// and the fixed cut of the global product into column blocks. Needs Eigen.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <poolkit/bilateral_params.hpp>
#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// A window of bilateral pooling: its in-bounds taps along each axis, the position of the
/// first tap of the full kernel (to index the spatial weights) and the centre tap.
struct bilateral_window {
  geometry::axis_window rows;
  geometry::axis_window cols;
  index_t start_h, start_w;    // input position of kernel tap (0, 0)
  index_t centre_h, centre_w;  // input position of the range term's centre, in bounds
};

/// The shape of every window of one call: kernel, dilation, the spatial weight table.
struct bilateral_shape {
  index_t kh, kw;
  index_t dh, dw;
  std::vector<double> spatial;  // kh x kw, row-major
};

inline bilateral_shape make_bilateral_shape(index_t kh, index_t kw, index_t dh, index_t dw,
                                            const spatial_weights& s) {
  bilateral_shape shape{kh, kw, dh, dw,
                        std::vector<double>(static_cast<std::size_t>(kh * kw), 1.0)};
  if (s.type() == spatial_weights::kind::custom) {
    shape.spatial = s.values();
  } else if (s.type() == spatial_weights::kind::gaussian) {
    const double ch = static_cast<double>(kh - 1) / 2;
    const double cw = static_cast<double>(kw - 1) / 2;
    const double two_sigma2 = 2 * s.sigma() * s.sigma();
    for (index_t i = 0; i < kh; ++i)
      for (index_t j = 0; j < kw; ++j) {
        const double dy = (static_cast<double>(i) - ch) * static_cast<double>(dh);
        const double dx = (static_cast<double>(j) - cw) * static_cast<double>(dw);
        shape.spatial[static_cast<std::size_t>(i * kw + j)] =
            std::exp(-(dy * dy + dx * dx) / two_sigma2);
      }
  }
  return shape;
}

template <class T>
using eigen_matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

/// One task's memory for the windows it computes.
template <class T>
struct gram_workspace {
  // The window's weighted, centred, scaled taps: the top tap_count rows of `storage`,
  // which only grows (border windows have fewer taps; no allocation per window).
  eigen_matrix<T> storage;
  index_t tap_count = 0;
  auto taps() { return storage.topRows(tap_count); }
  eigen_matrix<T> gram;        // C x C, lower triangle valid
  std::vector<double> weight;  // per tap
  std::vector<double> mean;    // per channel
  std::vector<double> centre;  // per channel
};

/// Gathers the taps of window `win` of image n into ws.taps() (K x C), weighted, centred
/// and scaled so that taps^T taps is the window's matrix. False (and no taps) when
/// the matrix is zero: no tap, or weights that all vanish.
template <class T>
bool window_taps(const nchw_view<const T>& x, index_t n, const bilateral_window& win,
                 const bilateral_shape& shape, const bilateral_options& o, gram_workspace<T>& ws) {
  const index_t C = x.extent(1);
  const index_t K = win.rows.count * win.cols.count;
  const index_t cs = x.stride(1), hs = x.stride(2), wsd = x.stride(3);
  const T* image = x.data_handle() + x.offset(n, 0, 0, 0);
  const auto tap_offset = [&](index_t k) {
    const index_t r = win.rows.first + (k / win.cols.count) * shape.dh;
    const index_t c = win.cols.first + (k % win.cols.count) * shape.dw;
    return r * hs + c * wsd;
  };

  // Weights: spatial (by kernel position) times range.
  ws.weight.resize(static_cast<std::size_t>(K));
  const index_t tap_row0 = (win.rows.first - win.start_h) / shape.dh;
  const index_t tap_col0 = (win.cols.first - win.start_w) / shape.dw;
  for (index_t k = 0; k < K; ++k) {
    const index_t i = tap_row0 + k / win.cols.count;
    const index_t j = tap_col0 + k % win.cols.count;
    ws.weight[static_cast<std::size_t>(k)] =
        shape.spatial[static_cast<std::size_t>(i * shape.kw + j)];
  }
  if (o.sigma_r) {
    ws.centre.resize(static_cast<std::size_t>(C));
    const T* centre = image + win.centre_h * hs + win.centre_w * wsd;
    for (index_t c = 0; c < C; ++c)
      ws.centre[static_cast<std::size_t>(c)] = static_cast<double>(centre[c * cs]);
    const double two_sigma2 = 2 * *o.sigma_r * *o.sigma_r;
    for (index_t k = 0; k < K; ++k) {
      const T* tap = image + tap_offset(k);
      double d2 = 0;
      for (index_t c = 0; c < C; ++c) {
        const double d = static_cast<double>(tap[c * cs]) - ws.centre[static_cast<std::size_t>(c)];
        d2 += d * d;
      }
      ws.weight[static_cast<std::size_t>(k)] *= std::exp(-d2 / two_sigma2);
    }
  }
  double total = 0;  // sum of w^2
  for (double w : ws.weight) total += w * w;

  if (K == 0 || !(total > 0)) {
    ws.tap_count = 0;
    return false;
  }

  // Centring: mu = sum w^2 x / sum w^2, in double.
  ws.mean.assign(static_cast<std::size_t>(C), 0.0);
  if (o.centering) {
    for (index_t k = 0; k < K; ++k) {
      const T* tap = image + tap_offset(k);
      const double w2 =
          ws.weight[static_cast<std::size_t>(k)] * ws.weight[static_cast<std::size_t>(k)];
      for (index_t c = 0; c < C; ++c)
        ws.mean[static_cast<std::size_t>(c)] += w2 * static_cast<double>(tap[c * cs]);
    }
    for (double& m : ws.mean) m /= total;
  }

  // A(k, c) = w_k (x_kc - mu_c) / sqrt(sum w^2): then A^T A is the window's matrix.
  double scale = 1 / std::sqrt(total);
  if (o.l2_normalize) {
    // The normalised matrix does not depend on the scale: take the power of two that
    // brings A's largest element near 1, so that A^T A neither underflows into denormals
    // (a window dominated by one tap has a tiny covariance) nor overflows.
    double largest = 0;
    for (index_t k = 0; k < K; ++k) {
      const T* tap = image + tap_offset(k);
      const double w = std::abs(ws.weight[static_cast<std::size_t>(k)]);
      for (index_t c = 0; c < C; ++c)
        largest = std::max(largest, w * std::abs(static_cast<double>(tap[c * cs]) -
                                                 ws.mean[static_cast<std::size_t>(c)]));
    }
    if (largest == 0) {
      ws.tap_count = 0;
      return false;
    }
    if (std::isfinite(largest)) scale = std::ldexp(1.0, -std::ilogb(largest));
  }
  if (ws.storage.rows() < K || ws.storage.cols() != C) ws.storage.resize(K, C);
  ws.tap_count = K;
  for (index_t k = 0; k < K; ++k) {
    const T* tap = image + tap_offset(k);
    const double w = ws.weight[static_cast<std::size_t>(k)] * scale;
    for (index_t c = 0; c < C; ++c)
      ws.storage(k, c) = static_cast<T>(
          w * (static_cast<double>(tap[c * cs]) - ws.mean[static_cast<std::size_t>(c)]));
  }
  return true;
}

/// The matrix of one window into ws.gram's lower triangle: one symmetric rank-K update.
template <class T>
void window_gram(const nchw_view<const T>& x, index_t n, const bilateral_window& win,
                 const bilateral_shape& shape, const bilateral_options& o, gram_workspace<T>& ws) {
  ws.gram.setZero(x.extent(1), x.extent(1));
  if (window_taps(x, n, win, shape, o, ws))
    ws.gram.template selfadjointView<Eigen::Lower>().rankUpdate(ws.taps().transpose());
}

/// Signed square root and L2 normalisation on a matrix whose lower triangle is valid.
template <class T>
void finish_gram(eigen_matrix<T>& g, const bilateral_options& o) {
  const index_t C = g.rows();
  if (o.signed_sqrt) {
    for (index_t j = 0; j < C; ++j)
      for (index_t i = j; i < C; ++i) {
        const T v = g(i, j);
        g(i, j) = std::copysign(std::sqrt(std::abs(v)), v);
      }
  }
  if (o.l2_normalize) {
    double diagonal = 0, off = 0;
    for (index_t j = 0; j < C; ++j) {
      diagonal += static_cast<double>(g(j, j)) * static_cast<double>(g(j, j));
      for (index_t i = j + 1; i < C; ++i)
        off += static_cast<double>(g(i, j)) * static_cast<double>(g(i, j));
    }
    const double norm = std::sqrt(diagonal + 2 * off);
    if (norm > 0) {
      const auto inv = static_cast<T>(1 / norm);
      for (index_t j = 0; j < C; ++j)
        for (index_t i = j; i < C; ++i) g(i, j) *= inv;
    }
  }
}

/// The outputs of a run of up to `windows` consecutive windows of one output row: window
/// b's channels at values[b * pitch + ch], filled one window at a time (within L1),
/// then written to the output in tiles of 16 channels x the run, each channel's run a
/// contiguous segment of an output row: a blocked transpose, no scattered accesses.
/// The pitch is one cache line more than a multiple of 16 elements: with C * C channels a
/// plain pitch would be a multiple of 4 KiB, and a tile's rows would all fall into one L1
/// set.
template <class T>
struct output_stage {
  std::vector<T> values;
  index_t channels;
  index_t windows;
  index_t pitch;

  output_stage(index_t output_channels, index_t windows_per_run)
      : channels(output_channels),
        windows(windows_per_run),
        pitch((output_channels + 15) / 16 * 16 + 64 / static_cast<index_t>(sizeof(T))) {
    values.resize(static_cast<std::size_t>(pitch * windows));
  }

  /// Window b's matrix (lower triangle of g valid) into its slots.
  void put(const eigen_matrix<T>& g, index_t b, bilateral_layout layout) {
    const index_t C = g.rows();
    T* row = values.data() + b * pitch;
    if (layout == bilateral_layout::full) {
      for (index_t j = 0; j < C; ++j)
        for (index_t i = j; i < C; ++i) row[i * C + j] = row[j * C + i] = g(i, j);
    } else {
      // Packed = the upper triangle row by row = the lower triangle column by column.
      for (index_t j = 0; j < C; ++j) {
        const T* column = g.data() + j * C;
        std::copy(column + j, column + C, row + packed_channel(C, j, j));
      }
    }
  }

  /// Windows [0, count) to output positions (oh, ow0 + b) of image n.
  void write(const nchw_view<T>& y, index_t n, index_t oh, index_t ow0, index_t count) const {
    constexpr index_t tile = 16;
    const index_t cs = y.stride(1), ws = y.stride(3);
    T* base = y.data_handle() + y.offset(n, 0, oh, ow0);
    for (index_t ch0 = 0; ch0 < channels; ch0 += tile) {
      const index_t ch1 = std::min(channels, ch0 + tile);
      for (index_t ch = ch0; ch < ch1; ++ch) {
        T* to = base + ch * cs;
        const T* from = values.data() + ch;
        for (index_t b = 0; b < count; ++b) to[b * ws] = from[b * pitch];
      }
    }
  }
};

/// Windows per output_stage run: a whole output row if its stage fits in about 512 KiB
/// (L2), so that each channel's run is a whole row segment of the output; else fewer.
template <class T>
index_t windows_per_run(index_t channels, index_t out_width) noexcept {
  const index_t bytes = std::max<index_t>(1, channels * channels) * static_cast<index_t>(sizeof(T));
  return std::clamp<index_t>((index_t{512} << 10) / bytes, 1, std::max<index_t>(out_width, 1));
}

/// Column blocks [b_k, b_(k+1)) of a C x C lower triangle with nearly equal areas, each
/// width a multiple of 8: the pieces one image's global product is computed in.
inline std::vector<index_t> triangle_blocks(index_t channels, index_t parts) {
  std::vector<index_t> bounds{0};
  const double c = static_cast<double>(channels);
  for (index_t k = 1; k < parts; ++k) {
    const double frac = static_cast<double>(k) / static_cast<double>(parts);
    auto b = static_cast<index_t>(c - c * std::sqrt(1 - frac));
    b = std::min(channels, (b + 4) / 8 * 8);
    if (b > bounds.back()) bounds.push_back(b);
  }
  if (bounds.back() < channels) bounds.push_back(channels);
  return bounds;
}

/// How many column blocks the global product of C channels is cut into: a function of C
/// alone, never of the thread count. Each block is one symmetric rank update of its
/// diagonal square plus one GEMM for the rectangle below it, and Eigen's association of
/// an element's sum depends on the shapes of the call that computes it; with the cut fixed,
/// every element is computed by the same call on any number of threads (SPEC section 8:
/// the same bits for any thread count). Threads then share the blocks, or the images.
inline index_t global_product_blocks(index_t channels) noexcept {
  return channels < 64 ? 1 : std::min<index_t>(16, channels / 32);
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
