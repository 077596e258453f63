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
#include <cstddef>
#include <type_traits>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/job.hpp>  // is_power_of_two
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
///
/// `zero_ahead` (packed planes only; for a dx beyond the caches): dx is zeroed just ahead
/// of the additions instead of in a pass of its own, so each line is zeroed and added to
/// in one visit (B8, 100 MB: +20%; in-cache cases ran 5-25% slower, so they keep the
/// separate pass).
template <class T>
void route_plane(plane<const T> dy, plane<const index_t> indices, plane<T> dx,
                 bool zero_ahead = false) noexcept {
  const bool packed = dx.col_stride == 1 && dx.row_stride == dx.cols;
  if (zero_ahead && packed && dy.col_stride == 1 && indices.col_stride == 1) {
    // Elements [0, zeroed) are zero or hold additions; an index at or past `zeroed` first
    // zeroes up to the end of its row. Any index order works: it only moves the frontier
    // sooner.
    const index_t size = dx.rows * dx.cols;
    index_t zeroed = 0;
    const auto zero_through = [&](index_t index) POOLKIT_INLINE_LAMBDA {
      const index_t end = std::min(size, (index / dx.cols + 1) * dx.cols);
      std::fill(dx.data + zeroed, dx.data + end, T(0));
      zeroed = end;
    };
    for (index_t oh = 0; oh < dy.rows; ++oh) {
      const T* g = dy.data + oh * dy.row_stride;
      const index_t* i = indices.data + oh * indices.row_stride;
      for (index_t ow = 0; ow < dy.cols; ++ow) {
        const index_t to = i[ow];
        if (to < 0) continue;
        if (to >= zeroed) zero_through(to);
        dx.data[to] += g[ow];
      }
    }
    std::fill(dx.data + zeroed, dx.data + size, T(0));
    return;
  }
  zero_plane(dx);
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
  /// The share as a function of dy alone, for one window (the same bits).
  template <class T>
  POOLKIT_FORCEINLINE auto of_window(const geometry::axis_window&,
                                     const geometry::axis_window&) const noexcept {
    return [](T dy) { return dy; };
  }
};

/// Average over regular windows: dy / the forward's divisor (a division, as PyTorch).
template <class T>
struct window_average_share {
  reduce::avg<T> r;
  POOLKIT_FORCEINLINE T divisor(const geometry::axis_window& wh,
                                const geometry::axis_window& ww) const noexcept {
    const window_counts counts{wh.count * ww.count, padded_taps(wh.padded_count, ww.padded_count)};
    return static_cast<T>(r.divisor(counts));
  }
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window& wh,
                                   const geometry::axis_window& ww) const noexcept {
    return dy / divisor(wh, ww);
  }
  template <class U = T>
  POOLKIT_FORCEINLINE auto of_window(const geometry::axis_window& wh,
                                     const geometry::axis_window& ww) const noexcept {
    return [d = divisor(wh, ww)](T dy) { return dy / d; };
  }
};

/// Average over adaptive bins: (dy / bin height) / bin width, PyTorch's two divisions.
struct bin_average_share {
  template <class T>
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window& wh,
                                   const geometry::axis_window& ww) const noexcept {
    return dy / static_cast<T>(wh.count) / static_cast<T>(ww.count);
  }
  template <class T>
  POOLKIT_FORCEINLINE auto of_window(const geometry::axis_window& wh,
                                     const geometry::axis_window& ww) const noexcept {
    return
        [h = static_cast<T>(wh.count), w = static_cast<T>(ww.count)](T dy) { return dy / h / w; };
  }
};

/// Average over fractional regions: dy / the region's element count.
struct region_average_share {
  template <class T>
  POOLKIT_FORCEINLINE T operator()(T dy, const geometry::axis_window& wh,
                                   const geometry::axis_window& ww) const noexcept {
    return dy / static_cast<T>(wh.count * ww.count);
  }
  template <class T>
  POOLKIT_FORCEINLINE auto of_window(const geometry::axis_window& wh,
                                     const geometry::axis_window& ww) const noexcept {
    return [n = static_cast<T>(wh.count * ww.count)](T dy) { return dy / n; };
  }
};

/// What the vector form of spread_windows_plane (kernel/backward-inl.hpp: spread_plane)
/// needs of a regular geometry. That kernel computes each dx element as one sum in the
/// order above, the gather form: the shares of output row oh are first written into an
/// *upsampled row* u, u[lead + ow * stride] = share(oh, ow) and zeros between them; tap j
/// of output ow covers column w = ow * stride - pad + j * dilation, so column w reads the
/// share of the output whose tap j covers it at u[lead + w + pad - j * dilation], and
/// a column no tap j covers reads a zero. A dx row then adds, over its source rows oh in
/// ascending order and j from the last tap to the first (ascending ow), whole vectors of
/// u: the same additions in the same order as the scatter, with +0 added for the outputs
/// that do not cover the element, which changes no bit (a sum started at +0 is never -0).
/// Upsampled rows live in a ring of `ring_rows` rows (slot `ring_rows` is all zeros: the
/// source of rows with fewer source rows than others), built as the rows are reached.
template <class T>
struct spread_job {
  /// Items (dx row, vector of columns) the kernel computes side by side.
  static constexpr index_t group = 8;
  /// How many dx rows ahead of the rows it computes the kernel builds upsampled rows.
  static constexpr index_t ahead = 8;
  index_t out_h = 0, out_w = 0;
  index_t stride_w = 1, pad_w = 0, dilation_w = 1, kernel_w = 1;
  index_t lead = 0;        ///< (kernel_w - 1) * dilation_w: u's offset of output 0
  index_t row_length = 0;  ///< elements of a ring row (whole vectors past both ends)
  index_t ring_rows = 0;   ///< slots in the ring, the zero row not counted
  index_t sources_per_row = 0;
  /// For dx row h, sources_per_row ring slots (ascending output rows, then the zero row).
  const index_t* sources = nullptr;
  /// For dx row h, the last output row it or a row above it reads (-1: none): output rows
  /// up to it must be in the ring.
  const index_t* newest = nullptr;
  /// out_h x out_w divisors (average), or nullptr (sum: the share is dy itself).
  const T* divisors = nullptr;
  /// The divisors are reciprocals of powers of two, to multiply by: the same bits as
  /// dividing (see kernel::divide).
  bool reciprocal = false;
  /// Windows that tile the rows without overlap (one source row per dx row at most;
  /// kernel_w == stride_w, 1 or 2, no left padding, no dilation): dx row h is 0 + output
  /// row single_source[h]'s shares, each repeated stride_w times, with no ring (columns
  /// past out_w * stride_w and rows without a source, -1, get +0); nullptr otherwise.
  const index_t* single_source = nullptr;

  index_t scratch_elements() const noexcept { return (ring_rows + 1) * row_length; }
};

/// The tables of a spread_job, for one call: built from the forward's geometry, shared
/// read-only by every plane and thread. `usable` is false where the gather form would
/// need too much scratch (huge dilations) or too many source rows; the scalar kernel then
/// runs.
template <class T>
class spread_plan {
 public:
  static constexpr index_t most_sources = 16;
  static constexpr index_t most_scratch = index_t{1} << 18;

  /// `divisor(wh, ww)`: the average's divisor of an output, or nullptr_t for a sum.
  template <class Divisor>
  spread_plan(const geometry::regular_windows& g, const geometry::axis_window* rows,
              const geometry::axis_window* cols, const Divisor& divisor) {
    const auto& h = g.h;
    const auto& w = g.w;
    job_.out_h = h.output_size();
    job_.out_w = w.output_size();
    job_.stride_w = w.stride();
    job_.pad_w = w.pad_begin();
    job_.dilation_w = w.dilation();
    job_.kernel_w = w.kernel();
    const index_t reach_w = (w.kernel() - 1) * w.dilation();
    const index_t reach_h = (h.kernel() - 1) * h.dilation();
    if (job_.out_h < 1 || job_.out_w < 1 || reach_w > 2 * w.input_size() + 64 ||
        reach_h > 2 * h.input_size() + 64)
      return;
    job_.lead = reach_w;
    const index_t L = 64 / sizeof(T);  // the widest vector's lanes (AVX-512)
    const index_t vectors = (w.input_size() + L - 1) / L;
    const index_t share_vectors = (job_.out_w + L - 1) / L;
    job_.row_length = std::max(job_.lead + job_.pad_w + vectors * L,
                               job_.lead + job_.stride_w * share_vectors * L) +
                      L;
    // A group spans at most `group` dx rows, plus the rows built ahead; their source
    // rows span (rows - 1 + reach_h) / stride + 1 output rows.
    job_.ring_rows = (spread_job<T>::group - 1 + spread_job<T>::ahead + reach_h) / h.stride() + 2;
    if (job_.scratch_elements() > most_scratch) return;

    // Source rows of every dx row: tap i of output oh covers row oh * stride - pad + i *
    // dilation; i from the last tap to the first gives ascending oh. Two passes: count,
    // then fill (padded with the zero row to the most any row has).
    const auto for_each_source = [&](index_t row, auto&& f) {
      for (index_t i = h.kernel() - 1; i >= 0; --i) {
        const index_t q = row + h.pad_begin() - i * h.dilation();
        if (q >= 0 && q % h.stride() == 0 && q / h.stride() < job_.out_h) f(q / h.stride());
      }
    };
    index_t most = 0;
    for (index_t row = 0; row < h.input_size(); ++row) {
      index_t count = 0;
      for_each_source(row, [&](index_t) { ++count; });
      most = std::max(most, count);
    }
    if (most > most_sources) return;
    job_.sources_per_row = std::max<index_t>(most, 1);
    sources_.assign(static_cast<std::size_t>(h.input_size() * job_.sources_per_row),
                    job_.ring_rows);
    newest_.assign(static_cast<std::size_t>(h.input_size()), -1);
    index_t newest = -1;  // a running maximum: rows no output covers come between others
    for (index_t row = 0; row < h.input_size(); ++row) {
      index_t k = 0;
      for_each_source(row, [&](index_t oh) {
        sources_[static_cast<std::size_t>(row * job_.sources_per_row + k++)] = oh % job_.ring_rows;
        newest = std::max(newest, oh);
      });
      newest_[static_cast<std::size_t>(row)] = newest;
    }
    job_.sources = sources_.data();
    job_.newest = newest_.data();

    if constexpr (!std::is_same_v<Divisor, std::nullptr_t>) {
      divisors_.resize(static_cast<std::size_t>(job_.out_h * job_.out_w));
      bool powers_of_two = true;
      T last_checked = T(0);
      for (index_t oh = 0; oh < job_.out_h; ++oh)
        for (index_t ow = 0; ow < job_.out_w; ++ow) {
          const T d = divisor(rows[oh], cols[ow]);
          if (d != last_checked) powers_of_two = powers_of_two && is_power_of_two(d);
          last_checked = d;  // divisors repeat along a row: one test for a run of them
          divisors_[static_cast<std::size_t>(oh * job_.out_w + ow)] = d;
        }
      if (powers_of_two)
        for (T& d : divisors_) d = T(1) / d;
      job_.reciprocal = powers_of_two;
      job_.divisors = divisors_.data();
    }
    if (most <= 1 && job_.pad_w == 0 && job_.kernel_w == job_.stride_w && job_.stride_w <= 2 &&
        (job_.kernel_w == 1 || job_.dilation_w == 1)) {
      single_.assign(static_cast<std::size_t>(h.input_size()), -1);
      for (index_t row = 0; row < h.input_size(); ++row)
        for_each_source(row, [&](index_t oh) { single_[static_cast<std::size_t>(row)] = oh; });
      job_.single_source = single_.data();
    }
    usable_ = true;
  }

  bool usable() const noexcept { return usable_; }
  const spread_job<T>& job() const noexcept { return job_; }

 private:
  spread_job<T> job_;
  std::vector<index_t> sources_;
  std::vector<index_t> newest_;
  std::vector<index_t> single_;
  std::vector<T> divisors_;
  bool usable_ = false;
};

/// Gradient of a global sum or average pooling: every element is dy (sum) or
/// dy / (H * W) (average: PyTorch's mean, one division). PyTorch expands the gradient
/// of a mean instead of adding it to zeros, so a -0 stays -0 here too.
template <class T, class R>
void spread_global_plane(const R&, T dy, plane<T> dx) noexcept {
  T share = dy;
  if constexpr (std::is_same_v<R, reduce::avg<T>>) share = dy / static_cast<T>(dx.rows * dx.cols);
  if (dx.col_stride == 1 && dx.row_stride == dx.cols) {
    // A packed plane: blocks of 8 that the compiler stores as whole vectors (GCC -O2
    // stores a std::fill_n of a runtime value one element at a time: B6 ran at 7% of its
    // roofline).
    const index_t n = dx.rows * dx.cols;
    index_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int k = 0; k < 8; ++k) dx.data[i + k] = share;
    for (; i < n; ++i) dx.data[i] = share;
    return;
  }
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
