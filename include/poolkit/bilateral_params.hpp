// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The parameters of bilateral pooling (SPEC section 7): the output layout, the spatial
// weights and the options. No Eigen needed here; the operation is ops/bilateral.hpp.
#pragma once

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include <poolkit/config.hpp>
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

/// \}

POOLKIT_END_NAMESPACE
