// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Window placement of the two fractional max pooling families along one axis
// (SPEC section 6). Pure integer and floating-point rules, no pooling here.
//   - PyTorch family: a fixed kernel k; one sample u in [0, 1) per plane and axis gives
//     the start of every window, computed in the input's floating type like PyTorch.
//   - Graham / TensorFlow family: a pooling sequence 0 = a_0 < a_1 < ... < a_out = in
//     whose increments are K = floor(in / out) or K + 1, pseudo-random or shuffled.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/random/philox.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace geometry {

/// PyTorch's window starts for `out` windows of `kernel` taps over `in` positions:
/// start[i] = int((i + u) * alpha) - int(u * alpha) with alpha = (in - kernel) / (out - 1)
/// in type T (the input's element type, as PyTorch computes it), and
/// start[out - 1] = in - kernel. Requires 1 <= out and out + kernel - 1 <= in.
template <class T>
void fractional_starts(T u, index_t in, index_t out, index_t kernel, index_t* start) noexcept {
  if (out > 1) {
    const T alpha = static_cast<T>(in - kernel) / static_cast<T>(out - 1);
    const auto offset = static_cast<index_t>(u * alpha);
    for (index_t i = 0; i < out - 1; ++i)
      start[i] = static_cast<index_t>((static_cast<T>(i) + u) * alpha) - offset;
  }
  start[out - 1] = in - kernel;
}

/// Where a Graham/TensorFlow sequence's randomness comes from.
enum class sequence_kind {
  /// a_i = ceil(alpha * (i + u)) - 1 for one u per sequence, alpha = in / out.
  pseudo_random,
  /// The increments K and K + 1 (as many K + 1 as in % out asks) in shuffled order.
  random,
};

/// TensorFlow's pooling sequence (FractionalMaxPool's row/col_pooling_sequence): `out + 1`
/// boundaries from 0 to `in`, increments K or K + 1. Drawn from the counter-based
/// generator under (seed, s). Requires 1 <= out <= in.
inline std::vector<index_t> graham_sequence(index_t in, index_t out, sequence_kind kind,
                                            std::uint64_t seed, random::stream s) {
  std::vector<index_t> step(static_cast<std::size_t>(out), in / out);
  if (in % out != 0) {
    if (kind == sequence_kind::pseudo_random) {
      // u is drawn from [0, u_max): u_max keeps the first increment at most K + 1 and the
      // last at least K (TensorFlow's bounds, Graham 2014 section 2 for alpha in (1, 2)).
      const double alpha = static_cast<double>(in) / static_cast<double>(out);
      const auto whole = static_cast<double>(in / out);
      const double u_max =
          std::min((whole + 2.0) / alpha - 1.0,
                   (static_cast<double>(in) + 1.0 - whole) / alpha - static_cast<double>(out - 1));
      const random::block w = random::draw(seed, s, 0);
      const double u = random::unit_double(w[0], w[1]) * u_max;
      // One-based boundaries b_0 = 1, b_i = ceil(alpha (i + u)), b_out = in + 1.
      index_t previous = 1;
      for (index_t i = 1; i <= out; ++i) {
        const index_t b =
            i == out ? in + 1
                     : static_cast<index_t>(std::ceil(alpha * (static_cast<double>(i) + u)));
        step[static_cast<std::size_t>(i - 1)] = b - previous;
        previous = b;
      }
    } else {
      for (index_t i = 0; i < in % out; ++i) ++step[static_cast<std::size_t>(i)];
      // Fisher-Yates, draw i deciding position i (from the end).
      for (index_t i = out - 1; i > 0; --i) {
        const auto j = static_cast<index_t>(
            random::below(static_cast<std::uint64_t>(i + 1),
                          random::draw(seed, s, static_cast<std::uint64_t>(i))));
        std::swap(step[static_cast<std::size_t>(i)], step[static_cast<std::size_t>(j)]);
      }
    }
  }
  std::vector<index_t> boundary(static_cast<std::size_t>(out + 1), 0);
  for (std::size_t i = 0; i < step.size(); ++i) boundary[i + 1] = boundary[i] + step[i];
  return boundary;
}

/// The region of output i of a Graham sequence `a`: [a_i, a_{i+1} - 1] when disjoint,
/// [a_i, a_{i+1}] when overlapping, clipped to the input (TensorFlow's rule).
inline axis_window graham_region(const index_t* a, index_t i, index_t in,
                                 bool overlapping) noexcept {
  const index_t first = a[i];
  const index_t last = std::min(overlapping ? a[i + 1] : a[i + 1] - 1, in - 1);
  const index_t count = last - first + 1;
  return {first, count, count};
}

/// The regions of a Graham sequence `a` (out + 1 boundaries over `in` positions), one
/// per output: graham_region for every i.
inline std::vector<axis_window> graham_windows(const std::vector<index_t>& a, index_t in,
                                               bool overlapping) {
  std::vector<axis_window> w(a.size() - 1);
  for (std::size_t i = 0; i + 1 < a.size(); ++i)
    w[i] = graham_region(a.data(), static_cast<index_t>(i), in, overlapping);
  return w;
}

}  // namespace geometry
POOLKIT_END_NAMESPACE
