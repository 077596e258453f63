// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// bilateral_pool2d and global_bilateral_pool2d (SPEC section 7): second-order pooling.
// Every window gives the C x C matrix
//
//     Y = (1 / sum_t w_t^2) * sum_t (w_t x_t)(w_t x_t)^T
//
// of its taps' channel vectors x_t. The matrix products run on Eigen, so this header,
// unlike the core ones, needs Eigen (CMake: link poolkit::eigen). It is not included by
// poolkit/poolkit.hpp.
//
// How a window is computed (detail::gram_engine): its taps' weighted, optionally centred
// channel vectors are gathered into a K x C matrix A, pre-scaled by 1 / sqrt(sum w^2), and
// Y = A^T A is one symmetric rank-K update (Eigen's selfadjointView().rankUpdate, half
// the work of a GEMM). The global form with uniform weights over a contiguous plane skips
// the gather: A is an Eigen::Map over the input itself.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <poolkit/detail/validate_view.hpp>
#include <poolkit/error.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/ops/regular.hpp>
#include <poolkit/params.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup bilateral
/// \{

/// How bilateral pooling stores each C x C matrix in the output's channels.
enum class bilateral_layout {
  /// C * C channels: matrix element (i, j) is channel i * C + j (the memory of an
  /// N x C x C x OH x OW tensor).
  full,
  /// C * (C + 1) / 2 channels: the upper triangle row by row, (0,0), (0,1), ... (0,C-1),
  /// (1,1), ... (see packed_channel).
  packed,
};

/// The spatial weight of each tap, by its position in the window.
class spatial_weights {
 public:
  /// Which weighting (see the factory functions).
  enum class kind { uniform, gaussian, custom };

  /// Every tap weighs 1: plain second-order average pooling (the default).
  static spatial_weights uniform() { return spatial_weights(kind::uniform, 1.0, {}); }
  /// exp(-d^2 / (2 sigma^2)), d the distance in input pixels (dilation included) from the
  /// tap to the window centre ((kh - 1) / 2, (kw - 1) / 2), a half-pixel position for even
  /// kernels. sigma must be finite and > 0.
  static spatial_weights gaussian(double sigma) {
    return spatial_weights(kind::gaussian, sigma, {});
  }
  /// The caller's weights, one per tap, row-major: kh x kw of them for bilateral_pool2d,
  /// H x W for global_bilateral_pool2d. Each must be finite.
  static spatial_weights custom(std::vector<double> values) {
    return spatial_weights(kind::custom, 0.0, std::move(values));
  }

  /// The weighting, the Gaussian's sigma and the custom weights, as given.
  ///@{
  kind type() const noexcept { return kind_; }
  double sigma() const noexcept { return sigma_; }
  const std::vector<double>& values() const noexcept { return values_; }
  ///@}

 private:
  spatial_weights(kind k, double sigma, std::vector<double> values)
      : kind_(k), sigma_(sigma), values_(std::move(values)) {}
  kind kind_;
  double sigma_;
  std::vector<double> values_;
};

/// Options of bilateral pooling. Applied in this order: weights (spatial x range),
/// centring, the weighted second moment, signed square root, L2 normalisation.
struct bilateral_options {
  /// Full C x C matrices or their packed upper triangles.
  bilateral_layout layout = bilateral_layout::full;
  /// Spatial weights w_t (uniform by default).
  spatial_weights weights = spatial_weights::uniform();
  /// Range term: if set, w_t *= exp(-|x_t - x_centre|^2 / (2 sigma_r^2)), |.| the Euclidean
  /// norm over channels and x_centre the channel vector at the window's centre tap
  /// ((kh - 1) / 2, (kw - 1) / 2 rounded down; clamped into the input when it falls in
  /// the padding). Must be finite and > 0.
  std::optional<double> sigma_r{};
  /// Subtract the weighted mean mu = sum w^2 x / sum w^2 first: Y becomes the weighted
  /// covariance sum w^2 (x - mu)(x - mu)^T / sum w^2.
  bool centering = false;
  /// y <- sign(y) * sqrt(|y|), element by element (B-CNN).
  bool signed_sqrt = false;
  /// Divide each window's matrix by its Frobenius norm over all C x C elements (both
  /// layouts, so the packed output is the full one's upper triangle); a zero matrix stays
  /// zero (B-CNN).
  bool l2_normalize = false;
};

/// Output channels of a bilateral pooling of C channels: C * C or C * (C + 1) / 2.
constexpr index_t bilateral_channels(index_t channels, bilateral_layout layout) noexcept {
  return layout == bilateral_layout::full ? channels * channels : channels * (channels + 1) / 2;
}

/// Channel of matrix element (i, j), i <= j, in the packed layout of C channels.
constexpr index_t packed_channel(index_t channels, index_t i, index_t j) noexcept {
  return i * channels - i * (i - 1) / 2 + (j - i);
}

namespace detail {

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

template <class T>
void run_bilateral(nchw_view<const T> x, nchw_view<T> y, const pool2d_params& p,
                   const bilateral_options& o, const policy& pol, int threads) {
  const auto g =
      geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
  const bilateral_shape shape =
      make_bilateral_shape(g.h.kernel(), g.w.kernel(), g.h.dilation(), g.w.dilation(), o.weights);
  const row_split split = split_rows(y.extent(0), 1, y.extent(2), threads);
  // No channels (an empty output) means no windows to read: their taps would be offsets
  // from the null data of an empty input.
  if (split.total == 0 || y.empty()) return;
  const index_t C = x.extent(1);
  const index_t run = windows_per_run<T>(C, y.extent(3));
  const auto centre_of = [](const geometry::regular_axis& a, index_t o_pos) {
    const index_t at = a.window_start(o_pos) + (a.kernel() - 1) / 2 * a.dilation();
    return std::clamp<index_t>(at, 0, a.input_size() - 1);
  };
  parallel_for(pol, split.tasks, threads, [&](index_t t) {
    gram_workspace<T> ws;
    output_stage<T> stage(y.extent(1), run);
    split.for_each_piece(t, [&](index_t n, index_t, index_t oh0, index_t oh1) {
      for (index_t oh = oh0; oh < oh1; ++oh) {
        for (index_t ow0 = 0; ow0 < y.extent(3); ow0 += run) {
          const index_t count = std::min(run, y.extent(3) - ow0);
          for (index_t b = 0; b < count; ++b) {
            const index_t ow = ow0 + b;
            const bilateral_window win{g.h.window(oh),       g.w.window(ow),
                                       g.h.window_start(oh), g.w.window_start(ow),
                                       centre_of(g.h, oh),   centre_of(g.w, ow)};
            window_gram(x, n, win, shape, o, ws);
            finish_gram(ws.gram, o);
            stage.put(ws.gram, b, o.layout);
          }
          stage.write(y, n, oh, ow0, count);
        }
      }
    });
  });
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

template <class T>
void run_global_bilateral(nchw_view<const T> x, nchw_view<T> y, const bilateral_options& o,
                          const policy& pol, int threads) {
  const index_t N = x.extent(0), C = x.extent(1), H = x.extent(2), W = x.extent(3);
  if (N == 0 || C == 0) return;
  const bilateral_shape shape = make_bilateral_shape(H, W, 1, 1, o.weights);
  const bilateral_window whole{{0, H, H}, {0, W, W}, 0, 0, (H - 1) / 2, (W - 1) / 2};
  // Uniform weights over a plane with unit column stride and rows of W: the taps matrix
  // is the input itself, HW x C with column stride = the channel stride.
  // (L2 normalisation gathers too, for its rescaling: see window_taps.)
  const bool direct = o.weights.type() == spatial_weights::kind::uniform && !o.sigma_r &&
                      !o.centering && !o.l2_normalize && x.stride(3) == 1 &&
                      (x.stride(2) == W || H == 1);
  using map_type = Eigen::Map<const eigen_matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;
  const auto input_map = [&](index_t n) {
    return map_type(x.data_handle() + x.offset(n, 0, 0, 0), H * W, C,
                    Eigen::OuterStride<>(x.stride(1)));
  };
  const T inv_count = static_cast<T>(1 / static_cast<double>(H * W));
  const std::vector<index_t> bounds = triangle_blocks(C, global_product_blocks(C));
  const auto blocks = static_cast<index_t>(bounds.size() - 1);

  // Prepares image n's taps (unless the input is used directly); false when the image
  // has no weight, and its matrix is zero.
  const auto prepare = [&](gram_workspace<T>& ws, index_t n) {
    ws.gram.resize(C, C);
    if (direct || window_taps(x, n, whole, shape, o, ws)) return true;
    ws.gram.setZero();
    return false;
  };
  // Block b of the lower triangle of image n's matrix.
  const auto compute_block = [&](gram_workspace<T>& ws, index_t n, index_t b) {
    const index_t j0 = bounds[static_cast<std::size_t>(b)];
    const index_t j1 = bounds[static_cast<std::size_t>(b) + 1];
    const auto compute = [&](const auto& a, T alpha) {
      auto diagonal = ws.gram.block(j0, j0, j1 - j0, j1 - j0);
      diagonal.setZero();
      diagonal.template selfadjointView<Eigen::Lower>().rankUpdate(
          a.middleCols(j0, j1 - j0).transpose(), alpha);
      if (j1 < C)
        ws.gram.block(j1, j0, C - j1, j1 - j0).noalias() =
            alpha * (a.rightCols(C - j1).transpose() * a.middleCols(j0, j1 - j0));
    };
    if (direct)
      compute(input_map(n), inv_count);
    else
      compute(ws.taps(), T(1));
  };
  const auto finish_and_store = [&](gram_workspace<T>& ws, index_t n) {
    finish_gram(ws.gram, o);
    output_stage<T> stage(y.extent(1), 1);
    stage.put(ws.gram, 0, o.layout);
    stage.write(y, n, 0, 0, 1);
  };

  if (threads <= 1 || N >= threads || blocks == 1) {
    // One image per task, its blocks in turn.
    parallel_for(pol, N, threads, [&](index_t n) {
      gram_workspace<T> ws;
      if (prepare(ws, n))
        for (index_t b = 0; b < blocks; ++b) compute_block(ws, n, b);
      finish_and_store(ws, n);
    });
    return;
  }
  // Fewer images than threads: the images in turn, each one's blocks shared by the threads.
  gram_workspace<T> ws;
  for (index_t n = 0; n < N; ++n) {
    if (prepare(ws, n))
      parallel_for(pol, blocks, threads, [&](index_t b) { compute_block(ws, n, b); });
    finish_and_store(ws, n);
  }
}

/// Checks the options; `window` names the weight table's shape ("kernel" or "plane") and
/// {kh, kw} its size.
inline problem validate_bilateral_options(std::string_view op, const bilateral_options& o,
                                          const char* window, index_t kh, index_t kw) {
  // The spatial weights are a table over the window's taps. A window may exceed the input
  // (padding below the effective kernel is valid), so its size is bounded here: the
  // fuzzer found a valid 10^6 x 10^6 kernel asking for an 8 TB table.
  constexpr index_t most_taps = index_t{1} << 24;
  const checked_int taps = checked_mul(kh, kw);
  if (!taps || *taps > most_taps)
    return describe(op, window, to_text(kh, kw),
                    "bilateral pooling supports at most 2^24 taps per window (its weight table)");
  if (o.layout != bilateral_layout::full && o.layout != bilateral_layout::packed)
    return describe(op, "options.layout", std::to_string(static_cast<int>(o.layout)),
                    "must be bilateral_layout::full or bilateral_layout::packed");
  const spatial_weights& w = o.weights;
  switch (w.type()) {
    case spatial_weights::kind::uniform: break;
    case spatial_weights::kind::gaussian:
      if (!(std::isfinite(w.sigma()) && w.sigma() > 0))
        return describe(op, "options.weights sigma", to_text(w.sigma()), "must be finite and > 0");
      break;
    case spatial_weights::kind::custom: {
      const auto expected = static_cast<std::size_t>(kh * kw);
      if (w.values().size() != expected)
        return describe(op, "options.weights size", std::to_string(w.values().size()),
                        std::string("must be one weight per tap of the ") + window + ", " +
                            std::to_string(kh) + " x " + std::to_string(kw) + " = " +
                            std::to_string(expected) + ", row-major");
      for (std::size_t i = 0; i < expected; ++i)
        if (!std::isfinite(w.values()[i]))
          return describe(op, "options.weights[" + std::to_string(i) + "]", to_text(w.values()[i]),
                          "every weight must be finite");
      break;
    }
    default:
      return describe(op, "options.weights kind", std::to_string(static_cast<int>(w.type())),
                      "must be uniform, gaussian or custom");
  }
  if (o.sigma_r && !(std::isfinite(*o.sigma_r) && *o.sigma_r > 0))
    return describe(op, "options.sigma_r", to_text(*o.sigma_r), "must be finite and > 0 when set");
  return std::nullopt;
}

/// Output channels, checked: C * C (or the packed count) must fit, with the rest of the
/// output, in int64 bytes.
template <class T>
problem bilateral_output(std::string_view op, const nchw_view<const T>& x, index_t oh, index_t ow,
                         bilateral_layout layout, extents4* out) {
  const checked_int square = checked_mul(x.extent(1), checked_add(x.extent(1), 1));
  checked_int total = square;
  for (index_t e : {x.extent(0), oh, ow, static_cast<index_t>(sizeof(T))})
    total = checked_mul(total, e);
  if (!total)
    return describe(op, "x extents", to_text(x.extents()),
                    "the bilateral output (C x C matrices per window) overflows int64 bytes");
  *out = {x.extent(0), bilateral_channels(x.extent(1), layout), oh, ow};
  return std::nullopt;
}

/// Work of a call for the thread heuristic: 2 C^2 K multiply-adds per window, counted as
/// bytes at 8 flops per byte (compute-bound, unlike the other operations).
inline index_t bilateral_work(index_t windows, index_t channels, index_t taps) noexcept {
  const double flops = 2.0 * static_cast<double>(windows) * static_cast<double>(channels) *
                       static_cast<double>(channels) * static_cast<double>(taps);
  return static_cast<index_t>(std::min(flops / 8, 4e18));
}

template <class T>
status bilateral_checked(std::string_view op, nchw_view<const T> in, const pool2d_params& p,
                         const bilateral_options& o, const policy& pol, extents4* out,
                         int* threads) {
  extents4 regular{};
  if (auto failure = validate_regular(op, in, p, &regular)) return status(*failure);
  const hw k = p.kernel;
  if (auto failure = validate_bilateral_options(op, o, "kernel", k.h, k.w)) return status(*failure);
  if (auto failure = bilateral_output(op, in, regular[2], regular[3], o.layout, out))
    return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(
          op, pol, bilateral_work(in.extent(0) * regular[2] * regular[3], in.extent(1), k.h * k.w),
          &rp))
    return status(*failure);
  *threads = rp.threads;
  return {};
}

template <class T>
status global_bilateral_checked(std::string_view op, nchw_view<const T> in,
                                const bilateral_options& o, const policy& pol, extents4* out,
                                int* threads) {
  if (auto failure = validate_plane_input(op, in)) return status(*failure);
  if (auto failure = validate_bilateral_options(op, o, "plane", in.extent(2), in.extent(3)))
    return status(*failure);
  if (auto failure = bilateral_output(op, in, 1, 1, o.layout, out)) return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(
          op, pol, bilateral_work(in.extent(0), in.extent(1), in.extent(2) * in.extent(3)), &rp))
    return status(*failure);
  *threads = rp.threads;
  return {};
}

}  // namespace detail

/// Non-throwing bilateral_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_bilateral_pool2d(const X& x, const pool2d_params& p,
                                                   const bilateral_options& options = {},
                                                   const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  const nchw_view<const T> in = as_input(x);
  extents4 out{};
  int threads = 1;
  if (status s = detail::bilateral_checked("bilateral_pool2d", in, p, options, pol, &out, &threads);
      !s)
    return s;
  tensor<T> y(out, tensor<T>::uninitialized);
  detail::run_bilateral(in, y.view(), p, options, pol, threads);
  return y;
}
/// Bilateral (second-order) pooling on regular windows (SPEC section 7). For every window
/// of `p` (padding, stride, dilation and ceil mode as in max_pool2d; padding taps are
/// absent, so count_include_pad and divisor_override have no effect):
///
///     Y = (1 / sum_t w_t^2) * sum_t (w_t x_t)(w_t x_t)^T      over the in-bounds taps t
///
/// with x_t the tap's C channels and w_t its weight (bilateral_options). The output is
/// N x C*C x OH x OW (channel i * C + j holds element (i, j)), or N x C(C+1)/2 x OH x OW
/// with `layout = packed`. A window whose weights are all 0 gives a zero matrix.
///
/// The products run on Eigen, compiled with the caller's flags: build with -march=native
/// (or -mavx2 -mfma) for Eigen's vector code; `policy.isa` has no effect here. Threads
/// follow the policy (output rows split across them).
/// @code
/// auto y = poolkit::bilateral_pool2d(x, {.kernel = {3, 3}, .stride = {2, 2}},
///                                    {.weights = poolkit::spatial_weights::gaussian(1.0)});
/// @endcode
/// @throws poolkit::error on invalid input or options; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> bilateral_pool2d(const X& x, const pool2d_params& p,
                                       const bilateral_options& options = {},
                                       const policy& pol = {}) {
  return detail::value_or_raise(try_bilateral_pool2d(x, p, options, pol));
}

/// Non-throwing bilateral_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_bilateral_pool2d(const X& x, Y&& y, const pool2d_params& p,
                            const bilateral_options& options = {}, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  constexpr std::string_view op = "bilateral_pool2d";
  const nchw_view<const T> in = as_input(x);
  const nchw_view<T> out_view = as_output(y);
  extents4 out{};
  int threads = 1;
  if (status s = detail::bilateral_checked(op, in, p, options, pol, &out, &threads); !s) return s;
  if (auto failure =
          detail::validate_output(op, "y", out_view, out, detail::named_input<T>{"x", in}))
    return status(*failure);
  detail::run_bilateral(in, out_view, p, options, pol, threads);
  return {};
}
/// Bilateral pooling into the caller's view `y` (extents as the returning form's result).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void bilateral_pool2d(const X& x, Y&& y, const pool2d_params& p,
                      const bilateral_options& options = {}, const policy& pol = {}) {
  detail::raise_if(try_bilateral_pool2d(x, std::forward<Y>(y), p, options, pol));
}

/// Non-throwing global_bilateral_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_global_bilateral_pool2d(const X& x,
                                                          const bilateral_options& options = {},
                                                          const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  const nchw_view<const T> in = as_input(x);
  extents4 out{};
  int threads = 1;
  if (status s = detail::global_bilateral_checked("global_bilateral_pool2d", in, options, pol, &out,
                                                  &threads);
      !s)
    return s;
  tensor<T> y(out, tensor<T>::uninitialized);
  detail::run_global_bilateral(in, y.view(), options, pol, threads);
  return y;
}
/// Global bilateral pooling: one window over each whole H x W plane, the second-order
/// (bilinear, B-CNN) pooling sum_p w_p^2 x_p x_p^T / sum_p w_p^2. Output N x C*C x 1 x 1
/// (or packed). Custom weights are H x W; the Gaussian and the range term are centred on
/// ((H - 1) / 2, (W - 1) / 2). With uniform weights and no centring this is X^T X / HW,
/// X the HW x C matrix of one image, computed as one symmetric rank-HW update on an
/// Eigen::Map over the input (no copy when each plane is contiguous); with fewer images
/// than threads each image's product is split across the threads.
/// @code
/// auto y = poolkit::global_bilateral_pool2d(features, {.centering = false, .signed_sqrt = true,
///                                                       .l2_normalize = true});  // B-CNN
/// @endcode
/// @throws poolkit::error on invalid input or options; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> global_bilateral_pool2d(const X& x, const bilateral_options& options = {},
                                              const policy& pol = {}) {
  return detail::value_or_raise(try_global_bilateral_pool2d(x, options, pol));
}

/// Non-throwing global_bilateral_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_global_bilateral_pool2d(const X& x, Y&& y, const bilateral_options& options = {},
                                   const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  constexpr std::string_view op = "global_bilateral_pool2d";
  const nchw_view<const T> in = as_input(x);
  const nchw_view<T> out_view = as_output(y);
  extents4 out{};
  int threads = 1;
  if (status s = detail::global_bilateral_checked(op, in, options, pol, &out, &threads); !s)
    return s;
  if (auto failure =
          detail::validate_output(op, "y", out_view, out, detail::named_input<T>{"x", in}))
    return status(*failure);
  detail::run_global_bilateral(in, out_view, options, pol, threads);
  return {};
}
/// Global bilateral pooling into the caller's view `y` (N x C*C x 1 x 1, or packed).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void global_bilateral_pool2d(const X& x, Y&& y, const bilateral_options& options = {},
                             const policy& pol = {}) {
  detail::raise_if(try_global_bilateral_pool2d(x, std::forward<Y>(y), options, pol));
}

/// \}

POOLKIT_END_NAMESPACE
