// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Pooling that also reports where each value came from (max/min with indices), and the
// converters between PyTorch's per-plane and ONNX's whole-tensor index conventions.
// SPEC section 2, "Indices".
#pragma once

#include <limits>
#include <string>
#include <vector>
#include <string_view>
#include <type_traits>

#include <poolkit/detail/front.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/detail/validate_view.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/channels_last.hpp>
#include <poolkit/kernel/dispatch.hpp>
#include <poolkit/kernel/job.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/ops/regular.hpp>  // runs_channels_last
#include <poolkit/policy/execution.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup indices
/// \{

/// Values and the per-plane index (h * W + w in the input plane) of each chosen tap.
/// Structured bindings work: `auto [y, idx] = poolkit::max_pool2d_with_indices(x, p);`
template <class T>
struct pooled_with_indices {
  tensor<T> values;         ///< the pooled values
  tensor<index_t> indices;  ///< per-plane index h * W + w of each value's tap
};

namespace detail {

template <class T, class S>
void run_select(const S& s, nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> idx,
                const pool2d_params& p, const policy& pol, const resolved_policy& rp) {
  const auto g =
      geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  // The vector kernels carry positions in lanes of T: exact below 2^digits elements.
  constexpr index_t exact_positions = index_t{1} << std::numeric_limits<T>::digits;
  if constexpr (kernel::has_vector_selection<S>) {
    // Channels-last views: the channels in the lanes (kernel/channels_last-inl.hpp);
    // threads take runs of output rows of an image, as the forward without indices.
    if (runs_channels_last(x) && x.extent(2) * x.extent(3) < exact_positions) {
      const kernel::pixel_windows windows = kernel::pixel_windows::of(g);
      const row_split rows = split_rows(y.extent(0), 1, y.extent(2), rp.threads);
      parallel_for(pol, rows.tasks, rp.threads, [&](index_t t) {
        rows.for_each_piece(t, [&](index_t n, index_t, index_t oh0, index_t oh1) {
          kernel::select_pixels(rp.isa, s, windows, kernel::pixels_of(x, n),
                                kernel::pixels_of(y, n), kernel::pixels_of(idx, n), oh0, oh1);
        });
      });
      return;
    }
    if (x.stride(3) == 1 && x.extent(2) * x.extent(3) < exact_positions &&
        kernel::fits_vector_staging(g)) {
      const kernel::job_tables<T> tables(g);
      const kernel::row_geometry cols{g.w.input_size(), g.w.output_size(), g.w.kernel(),
                                      g.w.stride(),     g.w.dilation(),    g.w.pad_begin()};
      const kernel::row_extent extent = kernel::row_extent::of(cols, /*shares_pairs=*/false);
      const std::vector<T> identity_row(static_cast<std::size_t>(extent.pitch), s.identity());
      const kernel::select_job<T> job{&g, cols, tables.row_windows.data(),
                                      tables.col_windows.data(),
                                      identity_row.data() - extent.first};
      parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
        split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
          kernel::select_rows<T, S>(rp.isa, job, kernel::plane_of(x, n, c),
                                    kernel::plane_of(y, n, c), kernel::plane_of(idx, n, c), oh0,
                                    oh1);
        });
      });
      return;
    }
  }
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::select_plane_rows(s, kernel::plane_of(x, n, c), kernel::plane_of(y, n, c),
                                kernel::plane_of(idx, n, c), g, oh0, oh1);
    });
  });
}

/// Selection with indices as an operation of the generic front (detail/front.hpp).
template <class T, class S>
struct select_op {
  std::string_view name;
  const S& s;
  const pool2d_params& p;
  problem validate(const nchw_view<const T>& x, extents4* out) const {
    return validate_regular(name, x, p, out);
  }
  void run(nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> idx, const policy& pol,
           const resolved_policy& rp) const {
    run_select(s, x, y, idx, p, pol, rp);
  }
};

template <class T, class S>
result<pooled_with_indices<T>> select_new(std::string_view op, const S& s, nchw_view<const T> x,
                                          const pool2d_params& p, const policy& pol) {
  return run_new_with_indices<pooled_with_indices<T>>(select_op<T, S>{op, s, p}, x, pol);
}

template <class T, class S>
status select_into(std::string_view op, const S& s, nchw_view<const T> x, nchw_view<T> y,
                   nchw_view<index_t> idx, const pool2d_params& p, const policy& pol) {
  return run_into_with_indices<T>(select_op<T, S>{op, s, p}, x, y, idx, pol);
}

}  // namespace detail

/// Non-throwing max_pool2d_with_indices(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<pooled_with_indices<element_of<X>>> try_max_pool2d_with_indices(const X& x,
                                                                       const pool2d_params& p,
                                                                       const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::select_new<T>("max_pool2d_with_indices", reduce::max<T>{}, as_input(x), p, pol);
}
/// Max pooling that also returns, for every output, the per-plane index h * W + w of the
/// chosen input element (PyTorch `max_pool2d(..., return_indices=True)`). Ties keep the
/// first maximum; with NaN taps the index is the last NaN's (PyTorch's rule); an empty
/// window gives -inf and index -1.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
pooled_with_indices<element_of<X>> max_pool2d_with_indices(const X& x, const pool2d_params& p,
                                                           const policy& pol = {}) {
  return detail::value_or_raise(try_max_pool2d_with_indices(x, p, pol));
}

/// Non-throwing max_pool2d_with_indices(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
status try_max_pool2d_with_indices(const X& x, Y&& y, I&& indices, const pool2d_params& p,
                                   const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::select_into<T>("max_pool2d_with_indices", reduce::max<T>{}, as_input(x),
                                as_output(y), as_output(indices), p, pol);
}
/// Max pooling with indices into the caller's views `y` and `indices` (int64).
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
void max_pool2d_with_indices(const X& x, Y&& y, I&& indices, const pool2d_params& p,
                             const policy& pol = {}) {
  detail::raise_if(
      try_max_pool2d_with_indices(x, std::forward<Y>(y), std::forward<I>(indices), p, pol));
}

/// Non-throwing min_pool2d_with_indices(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<pooled_with_indices<element_of<X>>> try_min_pool2d_with_indices(const X& x,
                                                                       const pool2d_params& p,
                                                                       const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::select_new<T>("min_pool2d_with_indices", reduce::min<T>{}, as_input(x), p, pol);
}
/// Min pooling with per-plane indices: the mirror of max_pool2d_with_indices.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
pooled_with_indices<element_of<X>> min_pool2d_with_indices(const X& x, const pool2d_params& p,
                                                           const policy& pol = {}) {
  return detail::value_or_raise(try_min_pool2d_with_indices(x, p, pol));
}

/// Non-throwing min_pool2d_with_indices(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
status try_min_pool2d_with_indices(const X& x, Y&& y, I&& indices, const pool2d_params& p,
                                   const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::select_into<T>("min_pool2d_with_indices", reduce::min<T>{}, as_input(x),
                                as_output(y), as_output(indices), p, pol);
}
/// Min pooling with indices into the caller's views.
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
void min_pool2d_with_indices(const X& x, Y&& y, I&& indices, const pool2d_params& p,
                             const policy& pol = {}) {
  detail::raise_if(
      try_min_pool2d_with_indices(x, std::forward<Y>(y), std::forward<I>(indices), p, pol));
}

// ---------------------------------------------------------------------------------------
// Index conventions.
//   PyTorch (per plane): h * W + w inside plane (n, c).
//   ONNX (whole tensor): ((n * C + c) * H + h) * W + w.
// -1 (an empty window) is kept as -1 by both converters.

namespace detail {

enum class index_convention { per_plane, whole_tensor };

/// Converts `from` to the other convention. `input` are the extents of the tensor the
/// indices point into; `from` has extents {N, C, *, *} with N, C equal to the input's.
inline result<tensor<index_t>> convert_indices(std::string_view op, nchw_view<const index_t> from,
                                               const extents4& input, index_convention source) {
  if (auto failure = validate_view(op, "indices", from)) return status(*failure);
  // As for the pooling operations: an empty batch (N or C of 0) is valid, an empty plane
  // is not (the fuzzer found the converters refusing the empty batches unpool accepted).
  if (input[0] < 0 || input[1] < 0 || input[2] < 1 || input[3] < 1)
    return status(
        describe(op, "input_extents", to_text(input), "N and C must be >= 0, H and W >= 1"));
  if (from.extent(0) != input[0] || from.extent(1) != input[1])
    return status(describe(op, "indices extents", to_text(from.extents()),
                           "N and C must equal those of input_extents " + to_text(input)));
  const checked_int plane_size = checked_mul(input[2], input[3]);
  if (!plane_size || !checked_mul(checked_mul(plane_size, input[0]), input[1]))
    return status(
        describe(op, "input_extents", to_text(input), "the element count overflows int64"));
  // Validate every index before writing anything.
  for (index_t n = 0; n < from.extent(0); ++n)
    for (index_t c = 0; c < from.extent(1); ++c) {
      const index_t base =
          source == index_convention::whole_tensor ? (n * input[1] + c) * *plane_size : 0;
      for (index_t h = 0; h < from.extent(2); ++h)
        for (index_t w = 0; w < from.extent(3); ++w) {
          const index_t i = from(n, c, h, w);
          if (i != -1 && (i < base || i >= base + *plane_size)) {
            return status(describe(op,
                                   "indices(" + std::to_string(n) + ", " + std::to_string(c) +
                                       ", " + std::to_string(h) + ", " + std::to_string(w) + ")",
                                   std::to_string(i),
                                   "must be -1 or in [" + std::to_string(base) + ", " +
                                       std::to_string(base + *plane_size) +
                                       "), plane (n, c) of an input " + to_text(input)));
          }
        }
    }
  tensor<index_t> to(from.extents(), tensor<index_t>::uninitialized);
  for (index_t n = 0; n < from.extent(0); ++n)
    for (index_t c = 0; c < from.extent(1); ++c) {
      const index_t base = (n * input[1] + c) * *plane_size;
      const index_t shift = source == index_convention::per_plane ? base : -base;
      for (index_t h = 0; h < from.extent(2); ++h)
        for (index_t w = 0; w < from.extent(3); ++w) {
          const index_t i = from(n, c, h, w);
          to(n, c, h, w) = i == -1 ? -1 : i + shift;
        }
    }
  return to;
}

}  // namespace detail

/// Non-throwing to_onnx_indices(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<index_t>> try_to_onnx_indices(const I& indices, const extents4& input_extents) {
  return detail::convert_indices("to_onnx_indices", as_input(indices), input_extents,
                                 detail::index_convention::per_plane);
}
/// Converts PyTorch per-plane indices (h * W + w) into ONNX whole-tensor indices
/// (((n * C + c) * H + h) * W + w). `input_extents` are the extents of the pooled input.
/// @throws poolkit::error if an index lies outside its plane; nothing is returned.
template <readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<index_t> to_onnx_indices(const I& indices, const extents4& input_extents) {
  return detail::value_or_raise(try_to_onnx_indices(indices, input_extents));
}

/// Non-throwing to_pytorch_indices(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<index_t>> try_to_pytorch_indices(const I& indices, const extents4& input_extents) {
  return detail::convert_indices("to_pytorch_indices", as_input(indices), input_extents,
                                 detail::index_convention::whole_tensor);
}
/// Converts ONNX whole-tensor indices into PyTorch per-plane indices.
/// @throws poolkit::error if an index does not point into its own (n, c) plane.
template <readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<index_t> to_pytorch_indices(const I& indices, const extents4& input_extents) {
  return detail::value_or_raise(try_to_pytorch_indices(indices, input_extents));
}

/// \}

POOLKIT_END_NAMESPACE
