// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Fractional pooling (SPEC section 6, Graham 2014), in the two families that PyTorch and
// TensorFlow ship and that cannot be made to agree:
//   - PyTorch-compatible: fractional_max_params (a kernel, an output size or ratio), one
//     sample pair per plane, given (bit-exact with torch's _random_samples) or drawn;
//   - Graham / TensorFlow: fractional_ratio_params (a pooling ratio), one row and one
//     column pooling sequence per call, returned and accepted back; max and average.
// Window placement is in geometry/fractional.hpp, the max kernels in
// kernel/fractional_plane.hpp; the average folds each region row-major.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <poolkit/geometry/fractional.hpp>
#include <poolkit/kernel/fractional_plane.hpp>
#include <poolkit/ops/indices.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/random/philox.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup fractional
/// \{

/// Parameters of PyTorch-compatible fractional max pooling
/// (`torch.nn.functional.fractional_max_pool2d`). Set exactly one of `output_size` and
/// `output_ratio`.
struct fractional_max_params {
  /// Window size {h, w}; every entry >= 1.
  hw kernel{};
  /// Output size {h, w}; {0, 0} means "use output_ratio".
  hw output_size{};
  /// Output size as a fraction {h, w} of the input, each in (0, 1):
  /// out = int(in * ratio), as PyTorch computes it.
  std::array<double, 2> output_ratio{};
};

/// Parameters of Graham / TensorFlow fractional pooling (`tf.nn.fractional_max_pool`,
/// `fractional_avg_pool`).
struct fractional_ratio_params {
  /// Input size / output size {h, w}, each >= 1 (Graham uses ratios in (1, 2]);
  /// out = floor(in / ratio).
  std::array<double, 2> pooling_ratio{};
  /// Pseudo-random sequences (a_i = ceil(alpha (i + u)) - 1, one u per sequence) instead
  /// of shuffled increments.
  bool pseudo_random = false;
  /// Regions [a_i, a_{i+1}] (sharing their boundary) instead of [a_i, a_{i+1} - 1].
  bool overlapping = false;
};

/// A Graham / TensorFlow row and column pooling sequence: out + 1 boundaries each, from 0
/// to the input size (TensorFlow's row_pooling_sequence and col_pooling_sequence).
struct pooling_sequences {
  std::vector<index_t> rows;  ///< boundaries along H
  std::vector<index_t> cols;  ///< boundaries along W
};

/// Graham / TensorFlow fractional max pooling: values, per-plane indices (h * W + w) and
/// the sequences that placed the regions.
template <class T>
struct fractional_max_result {
  tensor<T> values;             ///< the region maxima
  tensor<index_t> indices;      ///< per-plane index h * W + w of each maximum
  pooling_sequences sequences;  ///< pass back to repeat the same regions
};

/// Graham / TensorFlow fractional average pooling: values and the sequences used.
template <class T>
struct fractional_avg_result {
  tensor<T> values;             ///< the region means
  pooling_sequences sequences;  ///< pass back to repeat the same regions
};

namespace detail {

/// The sequence stream of each axis: rows and columns draw independently.
inline constexpr random::stream row_stream = random::stream::sequence_rows;
inline constexpr random::stream col_stream = random::stream::sequence_cols;

/// PyTorch family: checks input and parameters; `out` receives the output extents.
template <class T>
problem validate_fractional_max(std::string_view op, const nchw_view<const T>& x,
                                const fractional_max_params& p, extents4* out) {
  if (auto e = validate_plane_input(op, x)) return e;
  if (p.kernel.h < 1 || p.kernel.w < 1)
    return describe(op, "kernel", to_text(p.kernel.h, p.kernel.w), "every entry must be >= 1");
  const bool by_size = p.output_size != hw{};
  const bool by_ratio = p.output_ratio != std::array<double, 2>{};
  if (by_size == by_ratio)
    return describe(op, "output_size / output_ratio", by_size ? "both set" : "neither set",
                    "set exactly one of output_size and output_ratio");
  hw o = p.output_size;
  if (by_ratio) {
    for (int axis = 0; axis < 2; ++axis) {
      const double r = p.output_ratio[static_cast<std::size_t>(axis)];
      if (!(r > 0.0 && r < 1.0))
        return describe(op, axis == 0 ? "output_ratio.h" : "output_ratio.w", to_text(r),
                        "must be in (0, 1)");
    }
    o = {static_cast<index_t>(static_cast<double>(x.extent(2)) * p.output_ratio[0]),
         static_cast<index_t>(static_cast<double>(x.extent(3)) * p.output_ratio[1])};
  }
  if (o.h < 1 || o.w < 1)
    return describe(op, "output_size", to_text(o.h, o.w),
                    by_ratio ? "output_ratio leaves an empty output for input " +
                                   to_text(x.extent(2), x.extent(3))
                             : std::string("every entry must be >= 1"));
  // Written as out > in - kernel + 1, which cannot overflow for any int64 the user gives.
  if (o.h > x.extent(2) - p.kernel.h + 1 || o.w > x.extent(3) - p.kernel.w + 1)
    return describe(op, "output_size", to_text(o.h, o.w),
                    "output_size + kernel - 1 must be <= the input size " +
                        to_text(x.extent(2), x.extent(3)) + " (kernel " +
                        to_text(p.kernel.h, p.kernel.w) + ")");
  *out = {x.extent(0), x.extent(1), o.h, o.w};
  return std::nullopt;
}

/// The samples array: extents {N, C, 1, 2} (PyTorch's N x C x 2), every entry in [0, 1).
template <class T>
problem validate_samples(std::string_view op, const nchw_view<const T>& u, const extents4& input) {
  const extents4 expected{input[0], input[1], 1, 2};
  if (u.extents() != expected)
    return describe(op, "samples extents", to_text(u.extents()),
                    "must be {N, C, 1, 2} = " + to_text(expected) +
                        " (one (u_w, u_h) pair per plane, PyTorch's N x C x 2)");
  if (auto e = validate_view(op, "samples", u)) return e;
  for (index_t n = 0; n < expected[0]; ++n)
    for (index_t c = 0; c < expected[1]; ++c)
      for (index_t j = 0; j < 2; ++j) {
        const T v = u(n, c, 0, j);
        if (!(v >= T(0) && v < T(1)))
          return describe(op,
                          "samples(" + std::to_string(n) + ", " + std::to_string(c) + ", 0, " +
                              std::to_string(j) + ")",
                          to_text(static_cast<double>(v)), "must be in [0, 1)");
      }
  return std::nullopt;
}

/// Whether the separable max kernel can take windows `height` rows tall over x: unit
/// column stride, and sub-plane positions exact in T (the vector select kernels carry
/// them in lanes of T).
template <class T>
bool separable_max(const nchw_view<const T>& x, index_t height) noexcept {
  constexpr index_t exact_positions = index_t{1} << std::numeric_limits<T>::digits;
  return x.stride(3) == 1 && height * x.extent(3) < exact_positions;
}

/// Per-task scratch of the max kernels.
template <class T>
struct window_scratch {
  std::vector<geometry::axis_window> rows;
  std::vector<geometry::axis_window> cols;
  std::vector<T> value;
  std::vector<index_t> index;
  window_scratch(index_t out_h, index_t out_w, index_t width)
      : rows(static_cast<std::size_t>(out_h)),
        cols(static_cast<std::size_t>(out_w)),
        value(static_cast<std::size_t>(width)),
        index(static_cast<std::size_t>(width)) {}
};

/// PyTorch family on validated views.
template <class T>
void run_fractional_max(nchw_view<const T> x, nchw_view<const T> samples, nchw_view<T> y,
                        nchw_view<index_t> idx, hw kernel, const policy& pol,
                        const resolved_policy& rp) {
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  std::optional<kernel::column_selections<T>> columns;
  if (separable_max(x, kernel.h)) {
    const geometry::axis_window window{0, kernel.h, kernel.h};
    columns.emplace(&window, 1, x.extent(3));
  }
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    window_scratch<T> s(y.extent(2), y.extent(3), x.extent(3));
    std::vector<index_t> start(static_cast<std::size_t>(std::max(y.extent(2), y.extent(3))));
    const auto place = [&](T u, index_t in, index_t out, index_t k,
                           std::vector<geometry::axis_window>& windows) {
      geometry::fractional_starts(u, in, out, k, start.data());
      for (index_t i = 0; i < out; ++i)
        windows[static_cast<std::size_t>(i)] = {start[static_cast<std::size_t>(i)], k, k};
    };
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      // Index 0 of a plane's pair drives the width, index 1 the height (PyTorch's order).
      place(samples(n, c, 0, 1), x.extent(2), y.extent(2), kernel.h, s.rows);
      place(samples(n, c, 0, 0), x.extent(3), y.extent(3), kernel.w, s.cols);
      kernel::fractional_max_rows(rp.isa, columns ? &*columns : nullptr, kernel::plane_of(x, n, c),
                                  kernel::plane_of(y, n, c), kernel::plane_of(idx, n, c),
                                  s.rows.data(), s.cols.data(), oh0, oh1, s.value.data(),
                                  s.index.data());
    });
  });
}

template <class T>
status fractional_max_checked(std::string_view op, nchw_view<const T> x, nchw_view<const T> samples,
                              nchw_view<T> y, nchw_view<index_t> idx,
                              const fractional_max_params& p, const policy& pol) {
  extents4 out{};
  if (auto failure = validate_fractional_max(op, x, p, &out)) return status(*failure);
  if (auto failure = validate_samples(op, samples, x.extents())) return status(*failure);
  if (auto failure = validate_output(op, "y", y, out, named_input<T>{"x", x},
                                     named_input<T>{"samples", samples}))
    return status(*failure);
  if (auto failure = validate_output(op, "indices", idx, out, named_input<T>{"x", x},
                                     named_input<T>{"samples", samples}, named_input<T>{"y", y}))
    return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op, pol, traffic_bytes<T>(x.extents(), out), &rp))
    return status(*failure);
  run_fractional_max(x, samples, y, idx, p.kernel, pol, rp);
  return {};
}

// ---- Graham / TensorFlow family ------------------------------------------------------

inline problem validate_ratio_params(std::string_view op, const fractional_ratio_params& p, hw in,
                                     hw* out) {
  const index_t sizes[2] = {in.h, in.w};
  index_t result[2] = {0, 0};
  for (std::size_t axis = 0; axis < 2; ++axis) {
    const double r = p.pooling_ratio[axis];
    const char* name = axis == 0 ? "pooling_ratio.h" : "pooling_ratio.w";
    if (!(r >= 1.0) || r == std::numeric_limits<double>::infinity())
      return describe(op, name, to_text(r), "must be a finite number >= 1 (in / out)");
    result[axis] = static_cast<index_t>(std::floor(static_cast<double>(sizes[axis]) / r));
    if (result[axis] < 1)
      return describe(op, name, to_text(r),
                      "leaves no output for input size " + std::to_string(sizes[axis]) +
                          " (floor(in / ratio) must be >= 1)");
  }
  *out = {result[0], result[1]};
  return std::nullopt;
}

/// A caller's sequence for an axis of `in` positions: 0 first, `in` last, increasing.
inline problem validate_sequence(std::string_view op, std::string_view name,
                                 const std::vector<index_t>& a, index_t in) {
  const std::string param(name);
  if (a.size() < 2)
    return describe(op, param + ".size()", std::to_string(a.size()),
                    "must be >= 2 (out + 1 boundaries, out >= 1)");
  if (a.front() != 0) return describe(op, param + "[0]", std::to_string(a.front()), "must be 0");
  if (a.back() != in)
    return describe(op, param + "[" + std::to_string(a.size() - 1) + "]", std::to_string(a.back()),
                    "must be the input size " + std::to_string(in));
  for (std::size_t i = 1; i < a.size(); ++i)
    if (a[i] <= a[i - 1])
      return describe(op, param + "[" + std::to_string(i) + "]", std::to_string(a[i]),
                      "must be greater than the entry before it (" + std::to_string(a[i - 1]) +
                          "): every region needs at least one row or column");
  return std::nullopt;
}

template <class T>
problem validate_graham(std::string_view op, const nchw_view<const T>& x,
                        const fractional_ratio_params& p, const pooling_sequences& s,
                        extents4* out) {
  if (auto e = validate_plane_input(op, x)) return e;
  hw o{};
  if (auto e = validate_ratio_params(op, p, {x.extent(2), x.extent(3)}, &o)) return e;
  if (auto e = validate_sequence(op, "sequences.rows", s.rows, x.extent(2))) return e;
  if (auto e = validate_sequence(op, "sequences.cols", s.cols, x.extent(3))) return e;
  *out = {x.extent(0), x.extent(1), static_cast<index_t>(s.rows.size()) - 1,
          static_cast<index_t>(s.cols.size()) - 1};
  return std::nullopt;
}

template <class T>
void run_graham_max(nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> idx,
                    const fractional_ratio_params& p, const pooling_sequences& s, const policy& pol,
                    const resolved_policy& rp) {
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  const auto rows = geometry::graham_windows(s.rows, x.extent(2), p.overlapping);
  const auto cols = geometry::graham_windows(s.cols, x.extent(3), p.overlapping);
  index_t tallest = 0;
  for (const auto& w : rows) tallest = std::max(tallest, w.count);
  std::optional<kernel::column_selections<T>> columns;
  if (separable_max(x, tallest))
    columns.emplace(rows.data(), static_cast<index_t>(rows.size()), x.extent(3));
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    std::vector<T> value(static_cast<std::size_t>(x.extent(3)));
    std::vector<index_t> index(static_cast<std::size_t>(x.extent(3)));
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::fractional_max_rows(rp.isa, columns ? &*columns : nullptr, kernel::plane_of(x, n, c),
                                  kernel::plane_of(y, n, c), kernel::plane_of(idx, n, c),
                                  rows.data(), cols.data(), oh0, oh1, value.data(), index.data());
    });
  });
}

template <class T>
void run_graham_avg(nchw_view<const T> x, nchw_view<T> y, const fractional_ratio_params& p,
                    const pooling_sequences& s, const policy& pol, const resolved_policy& rp) {
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  const auto rows = geometry::graham_windows(s.rows, x.extent(2), p.overlapping);
  const auto cols = geometry::graham_windows(s.cols, x.extent(3), p.overlapping);
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::region_avg_rows(kernel::plane_of(x, n, c), kernel::plane_of(y, n, c), rows.data(),
                              cols.data(), oh0, oh1);
    });
  });
}

}  // namespace detail

// ---- PyTorch-compatible family -------------------------------------------------------

/// Non-throwing fractional_samples(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <class T>
result<tensor<T>> try_fractional_samples(index_t batches, index_t channels, std::uint64_t seed) {
  detail::require_float<T>();
  if (batches < 0 || channels < 0)
    return status(detail::describe("fractional_samples", "batches, channels",
                                   detail::to_text(batches, channels), "must be >= 0"));
  if (channels > 0 && batches > std::numeric_limits<index_t>::max() / 2 / channels)
    return status(detail::describe("fractional_samples", "batches, channels",
                                   detail::to_text(batches, channels),
                                   "the element count overflows int64"));
  tensor<T> u({batches, channels, 1, 2}, tensor<T>::uninitialized);
  for (index_t n = 0; n < batches; ++n)
    for (index_t c = 0; c < channels; ++c) {
      const random::block w = random::draw(seed, random::stream::fractional_samples,
                                           static_cast<std::uint64_t>(n * channels + c));
      // float takes words 0 and 1, double words 0-1 and 2-3.
      u(n, c, 0, 0) = random::unit<T>(w, 0);
      u(n, c, 0, 1) = random::unit<T>(w, sizeof(T) <= sizeof(float) ? 1 : 2);
    }
  return u;
}
/// The samples fractional_max_pool2d draws for `seed`: extents {N, C, 1, 2}, entry
/// (n, c, 0, 0) driving the width and (n, c, 0, 1) the height of plane (n, c), each in
/// [0, 1) from the counter-based generator (stream fractional_samples, index n * C + c).
/// Pass them back to reproduce a call, or to PyTorch as _random_samples.
template <class T>
tensor<T> fractional_samples(index_t batches, index_t channels, std::uint64_t seed) {
  return detail::value_or_raise(try_fractional_samples<T>(batches, channels, seed));
}

namespace detail {
inline result<pooling_sequences> draw_sequences(std::string_view op, hw input,
                                                const fractional_ratio_params& p,
                                                std::uint64_t seed) {
  if (input.h < 1 || input.w < 1)
    return status(describe(op, "input", to_text(input.h, input.w), "every entry must be >= 1"));
  hw out{};
  if (auto failure = validate_ratio_params(op, p, input, &out)) return status(*failure);
  const auto kind =
      p.pseudo_random ? geometry::sequence_kind::pseudo_random : geometry::sequence_kind::random;
  return pooling_sequences{geometry::graham_sequence(input.h, out.h, kind, seed, row_stream),
                           geometry::graham_sequence(input.w, out.w, kind, seed, col_stream)};
}
}  // namespace detail

namespace detail {

/// The funnels of the fractional operations' public forms (the prebuilt library compiles
/// them: detail/prebuilt_ops.hpp). PyTorch family, given samples.
template <class T>
result<pooled_with_indices<T>> fractional_max_new(nchw_view<const T> in,
                                                  const fractional_max_params& p,
                                                  nchw_view<const T> samples, const policy& pol) {
  constexpr std::string_view op = "fractional_max_pool2d";
  extents4 out{};
  if (auto failure = validate_fractional_max(op, in, p, &out)) return status(*failure);
  pooled_with_indices<T> r{tensor<T>(out, tensor<T>::uninitialized),
                           tensor<index_t>(out, tensor<index_t>::uninitialized)};
  if (status s = fractional_max_checked(op, in, samples, r.values.view(), r.indices.view(), p, pol);
      !s)
    return s;
  return r;
}

/// PyTorch family, samples drawn from `seed`.
template <class T>
result<pooled_with_indices<T>> fractional_max_seeded(nchw_view<const T> in,
                                                     const fractional_max_params& p,
                                                     std::uint64_t seed, const policy& pol) {
  if (auto failure = validate_plane_input("fractional_max_pool2d", in)) return status(*failure);
  auto samples = try_fractional_samples<T>(in.extent(0), in.extent(1), seed);
  if (!samples) return samples.error();
  return fractional_max_new<T>(in, p, samples->view(), pol);
}

/// Graham family, max, given sequences.
template <class T>
result<fractional_max_result<T>> graham_max_new(nchw_view<const T> in,
                                                const fractional_ratio_params& p,
                                                pooling_sequences sequences, const policy& pol) {
  constexpr std::string_view op = "fractional_max_pool2d";
  extents4 out{};
  if (auto failure = validate_graham(op, in, p, sequences, &out)) return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op, pol, traffic_bytes<T>(in.extents(), out), &rp))
    return status(*failure);
  fractional_max_result<T> r{tensor<T>(out, tensor<T>::uninitialized),
                             tensor<index_t>(out, tensor<index_t>::uninitialized),
                             std::move(sequences)};
  run_graham_max(in, r.values.view(), r.indices.view(), p, r.sequences, pol, rp);
  return r;
}

/// Graham family, max, sequences drawn from `seed`.
template <class T>
result<fractional_max_result<T>> graham_max_seeded(nchw_view<const T> in,
                                                   const fractional_ratio_params& p,
                                                   std::uint64_t seed, const policy& pol) {
  constexpr std::string_view op = "fractional_max_pool2d";
  if (auto failure = validate_plane_input(op, in)) return status(*failure);
  auto sequences = draw_sequences(op, {in.extent(2), in.extent(3)}, p, seed);
  if (!sequences) return sequences.error();
  return graham_max_new<T>(in, p, std::move(*sequences), pol);
}

/// Graham family, average, given sequences.
template <class T>
result<fractional_avg_result<T>> graham_avg_new(nchw_view<const T> in,
                                                const fractional_ratio_params& p,
                                                pooling_sequences sequences, const policy& pol) {
  constexpr std::string_view op = "fractional_avg_pool2d";
  extents4 out{};
  if (auto failure = validate_graham(op, in, p, sequences, &out)) return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op, pol, traffic_bytes<T>(in.extents(), out), &rp))
    return status(*failure);
  fractional_avg_result<T> r{tensor<T>(out, tensor<T>::uninitialized), std::move(sequences)};
  run_graham_avg(in, r.values.view(), p, r.sequences, pol, rp);
  return r;
}

/// Graham family, average, sequences drawn from `seed`.
template <class T>
result<fractional_avg_result<T>> graham_avg_seeded(nchw_view<const T> in,
                                                   const fractional_ratio_params& p,
                                                   std::uint64_t seed, const policy& pol) {
  constexpr std::string_view op = "fractional_avg_pool2d";
  if (auto failure = validate_plane_input(op, in)) return status(*failure);
  auto sequences = draw_sequences(op, {in.extent(2), in.extent(3)}, p, seed);
  if (!sequences) return sequences.error();
  return graham_avg_new<T>(in, p, std::move(*sequences), pol);
}

}  // namespace detail

/// Non-throwing fractional_max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X, readable_nchw U>
  requires std::is_same_v<element_of<X>, element_of<U>>
result<pooled_with_indices<element_of<X>>> try_fractional_max_pool2d(const X& x,
                                                                     const fractional_max_params& p,
                                                                     const U& samples,
                                                                     const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::fractional_max_new<T>(as_input(x), p, as_input(samples), pol);
}
/// Fractional max pooling as PyTorch computes it, with the caller's samples:
/// bit-exact with `torch.nn.functional.fractional_max_pool2d(x, kernel, output_size,
/// return_indices=True, _random_samples=u)` where `samples` holds u (extents
/// {N, C, 1, 2}, entries in [0, 1)). Window (oh, ow) of plane (n, c) covers
/// [start_h[oh], + kernel.h) x [start_w[ow], + kernel.w) (geometry::fractional_starts);
/// values and per-plane indices h * W + w, ties to the first maximum, NaN wins.
/// @throws poolkit::error on invalid input, parameters or samples; nothing is written.
template <readable_nchw X, readable_nchw U>
  requires std::is_same_v<element_of<X>, element_of<U>>
pooled_with_indices<element_of<X>> fractional_max_pool2d(const X& x, const fractional_max_params& p,
                                                         const U& samples, const policy& pol = {}) {
  return detail::value_or_raise(try_fractional_max_pool2d(x, p, samples, pol));
}

/// Non-throwing fractional_max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<pooled_with_indices<element_of<X>>> try_fractional_max_pool2d(const X& x,
                                                                     const fractional_max_params& p,
                                                                     std::uint64_t seed,
                                                                     const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::fractional_max_seeded<T>(as_input(x), p, seed, pol);
}
/// PyTorch-compatible fractional max pooling with samples drawn from `seed`
/// (fractional_samples<T>(N, C, seed)): the same result for every thread count and ISA.
template <readable_nchw X>
pooled_with_indices<element_of<X>> fractional_max_pool2d(const X& x, const fractional_max_params& p,
                                                         std::uint64_t seed,
                                                         const policy& pol = {}) {
  return detail::value_or_raise(try_fractional_max_pool2d(x, p, seed, pol));
}

/// Non-throwing fractional_max_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, readable_nchw U, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<X>, element_of<U>> && std::is_same_v<element_of<I>, index_t>
status try_fractional_max_pool2d(const X& x, Y&& y, I&& indices, const fractional_max_params& p,
                                 const U& samples, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::fractional_max_checked<T>("fractional_max_pool2d", as_input(x), as_input(samples),
                                           as_output(y), as_output(indices), p, pol);
}
/// PyTorch-compatible fractional max pooling into the caller's views.
template <readable_nchw X, readable_nchw U, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<X>, element_of<U>> && std::is_same_v<element_of<I>, index_t>
void fractional_max_pool2d(const X& x, Y&& y, I&& indices, const fractional_max_params& p,
                           const U& samples, const policy& pol = {}) {
  detail::raise_if(
      try_fractional_max_pool2d(x, std::forward<Y>(y), std::forward<I>(indices), p, samples, pol));
}

// ---- Graham / TensorFlow family ------------------------------------------------------

/// Non-throwing fractional_pooling_sequences(): the same call, with the failure returned
/// as a poolkit::result instead of thrown (works with -fno-exceptions).

inline result<pooling_sequences> try_fractional_pooling_sequences(hw input,
                                                                  const fractional_ratio_params& p,
                                                                  std::uint64_t seed) {
  return detail::draw_sequences("fractional_pooling_sequences", input, p, seed);
}
/// The row and column pooling sequences of a Graham / TensorFlow fractional pooling of an
/// input of spatial size `input`, drawn from `seed` (row and column draws independent).
/// @throws poolkit::error if a ratio is below 1 or leaves no output.
inline pooling_sequences fractional_pooling_sequences(hw input, const fractional_ratio_params& p,
                                                      std::uint64_t seed) {
  return detail::value_or_raise(try_fractional_pooling_sequences(input, p, seed));
}

/// Non-throwing fractional_max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<fractional_max_result<element_of<X>>> try_fractional_max_pool2d(
    const X& x, const fractional_ratio_params& p, pooling_sequences sequences,
    const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::graham_max_new<T>(as_input(x), p, std::move(sequences), pol);
}
/// Graham / TensorFlow fractional max pooling over the regions of the caller's
/// `sequences` (as returned by an earlier call or fractional_pooling_sequences): output
/// {N, C, rows.size() - 1, cols.size() - 1}; region (oh, ow) spans rows
/// [a_oh, a_oh+1 - 1] (or to a_oh+1 when p.overlapping, clipped to the input), the same
/// for columns. Values, per-plane indices (h * W + w, first maximum, NaN wins) and the
/// sequences. Only `overlapping` of `p` shapes the regions; the ratio is still checked.
/// @throws poolkit::error on invalid input, parameters or sequences; nothing is written.
template <readable_nchw X>
fractional_max_result<element_of<X>> fractional_max_pool2d(const X& x,
                                                           const fractional_ratio_params& p,
                                                           pooling_sequences sequences,
                                                           const policy& pol = {}) {
  return detail::value_or_raise(try_fractional_max_pool2d(x, p, sequences, pol));
}

/// Non-throwing fractional_max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<fractional_max_result<element_of<X>>> try_fractional_max_pool2d(
    const X& x, const fractional_ratio_params& p, std::uint64_t seed, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::graham_max_seeded<T>(as_input(x), p, seed, pol);
}
/// Graham / TensorFlow fractional max pooling with sequences drawn from `seed`
/// (fractional_pooling_sequences); the result carries them.
template <readable_nchw X>
fractional_max_result<element_of<X>> fractional_max_pool2d(const X& x,
                                                           const fractional_ratio_params& p,
                                                           std::uint64_t seed,
                                                           const policy& pol = {}) {
  return detail::value_or_raise(try_fractional_max_pool2d(x, p, seed, pol));
}

/// Non-throwing fractional_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<fractional_avg_result<element_of<X>>> try_fractional_avg_pool2d(
    const X& x, const fractional_ratio_params& p, pooling_sequences sequences,
    const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::graham_avg_new<T>(as_input(x), p, std::move(sequences), pol);
}
/// Graham / TensorFlow fractional average pooling over the regions of `sequences`: the
/// mean of each region (its taps folded row-major, divided by their count).
/// @throws poolkit::error on invalid input, parameters or sequences; nothing is written.
template <readable_nchw X>
fractional_avg_result<element_of<X>> fractional_avg_pool2d(const X& x,
                                                           const fractional_ratio_params& p,
                                                           pooling_sequences sequences,
                                                           const policy& pol = {}) {
  return detail::value_or_raise(try_fractional_avg_pool2d(x, p, sequences, pol));
}

/// Non-throwing fractional_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<fractional_avg_result<element_of<X>>> try_fractional_avg_pool2d(
    const X& x, const fractional_ratio_params& p, std::uint64_t seed, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::graham_avg_seeded<T>(as_input(x), p, seed, pol);
}
/// Graham / TensorFlow fractional average pooling with sequences drawn from `seed`.
template <readable_nchw X>
fractional_avg_result<element_of<X>> fractional_avg_pool2d(const X& x,
                                                           const fractional_ratio_params& p,
                                                           std::uint64_t seed,
                                                           const policy& pol = {}) {
  return detail::value_or_raise(try_fractional_avg_pool2d(x, p, seed, pol));
}

/// \}

POOLKIT_END_NAMESPACE
