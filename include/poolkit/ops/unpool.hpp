// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// max_unpool2d: scatters pooled values back to the positions their per-plane indices
// name; every other output element is 0 (PyTorch `max_unpool2d`, SPEC section 2).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <poolkit/detail/validate_view.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/policy/resolve.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup indices
/// \{

namespace detail {

/// PyTorch's default unpooled size along one axis: (in - 1) * s - pb - pe + eff.
inline checked_int unpooled_size(index_t in, const axis_params& a) noexcept {
  return checked_add(
      checked_sub(checked_sub(checked_mul(in - 1, a.stride), a.pad_begin), a.pad_end),
      a.effective_kernel());
}

/// Checks values, indices and the output size {H_out, W_out}; every index is checked.
template <class T>
problem validate_unpool(std::string_view op, nchw_view<const T> values,
                        nchw_view<const index_t> indices, hw out) {
  if (auto e = validate_view(op, "values", values)) return e;
  if (auto e = validate_view(op, "indices", indices)) return e;
  if (indices.extents() != values.extents())
    return describe(op, "indices extents", to_text(indices.extents()),
                    "must equal the values extents " + to_text(values.extents()));
  if (out.h < 1 || out.w < 1)
    return describe(op, "output size", to_text(out.h, out.w), "every entry must be >= 1");
  const checked_int plane_size = checked_mul(out.h, out.w);
  const checked_int count =
      checked_mul(checked_mul(plane_size, values.extent(0)), values.extent(1));
  if (!count || !checked_mul(count, static_cast<index_t>(sizeof(T))))
    return describe(op, "output size", to_text(out.h, out.w),
                    "the output size in bytes overflows int64");
  for (index_t n = 0; n < indices.extent(0); ++n)
    for (index_t c = 0; c < indices.extent(1); ++c)
      for (index_t h = 0; h < indices.extent(2); ++h)
        for (index_t w = 0; w < indices.extent(3); ++w) {
          const index_t i = indices(n, c, h, w);
          if (i < -1 || i >= *plane_size)
            return describe(op,
                            "indices(" + std::to_string(n) + ", " + std::to_string(c) + ", " +
                                std::to_string(h) + ", " + std::to_string(w) + ")",
                            std::to_string(i),
                            "must be -1 (an empty window) or in [0, " +
                                std::to_string(*plane_size) + "), the size of an output plane " +
                                to_text(out.h, out.w));
        }
  return std::nullopt;
}

/// Scatters validated values into `y`: zeros, then each value at its index. Duplicate
/// indices (overlapping windows that chose the same element) carry the same value; the
/// last one in row-major scan order wins, deterministically.
template <class T>
void scatter_unpool(nchw_view<const T> values, nchw_view<const index_t> indices,
                    nchw_view<T> y) noexcept {
  const index_t out_w = y.extent(3);
  for_each_plane(values.extent(0), values.extent(1), [&](index_t n, index_t c) {
    for (index_t h = 0; h < y.extent(2); ++h)
      for (index_t w = 0; w < out_w; ++w) y(n, c, h, w) = T(0);
    for (index_t h = 0; h < values.extent(2); ++h)
      for (index_t w = 0; w < values.extent(3); ++w) {
        const index_t i = indices(n, c, h, w);
        if (i >= 0) y(n, c, i / out_w, i % out_w) = values(n, c, h, w);
      }
  });
}

template <class T>
result<tensor<T>> unpool_new(std::string_view op, nchw_view<const T> values,
                             nchw_view<const index_t> indices, hw size) {
  if (auto failure = validate_unpool(op, values, indices, size)) return status(*failure);
  tensor<T> y({values.extent(0), values.extent(1), size.h, size.w}, tensor<T>::uninitialized);
  scatter_unpool(values, indices, y.view());
  return y;
}

template <class T>
status unpool_into(std::string_view op, nchw_view<const T> values, nchw_view<const index_t> indices,
                   nchw_view<T> y) {
  if (auto failure = validate_unpool(op, values, indices, {y.extent(2), y.extent(3)}))
    return status(*failure);
  if (auto failure = validate_output(
          op, "y", y, {values.extent(0), values.extent(1), y.extent(2), y.extent(3)},
          named_input<T>{"values", values}, named_input<index_t>{"indices", indices}))
    return status(*failure);
  scatter_unpool(values, indices, y);
  return {};
}

}  // namespace detail

/// Non-throwing max_unpool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw V, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<element_of<V>>> try_max_unpool2d(const V& values, const I& indices,
                                               const pool2d_params& p) {
  using T = element_of<V>;
  detail::require_float<T>();
  constexpr std::string_view op = "max_unpool2d";
  if (auto failure = detail::validate_params(op, p)) return status(*failure);
  const auto vin = as_input(values);
  const detail::checked_int oh = detail::unpooled_size(vin.extent(2), height_axis(p));
  const detail::checked_int ow = detail::unpooled_size(vin.extent(3), width_axis(p));
  if (!oh || !ow || vin.extent(2) < 1 || vin.extent(3) < 1)
    return status(detail::describe(op, "values extents", detail::to_text(vin.extents()),
                                   "height and width must be >= 1 and give an output size "
                                   "that fits in int64"));
  return detail::unpool_new(op, vin, as_input(indices), {*oh, *ow});
}
/// Max unpooling to PyTorch's default size (in - 1) * stride - pad_begin - pad_end +
/// dilation * (kernel - 1) + 1 per axis, from the parameters of the pooling that produced
/// `values` and `indices` (per-plane indices, as max_pool2d_with_indices returns them).
/// Index -1 (an empty window) scatters nothing.
/// @throws poolkit::error on invalid parameters, mismatched extents or an index outside
///         an output plane; nothing is written.
template <readable_nchw V, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<element_of<V>> max_unpool2d(const V& values, const I& indices, const pool2d_params& p) {
  return detail::value_or_raise(try_max_unpool2d(values, indices, p));
}

/// Non-throwing max_unpool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw V, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<element_of<V>>> try_max_unpool2d(const V& values, const I& indices, hw output_size) {
  using T = element_of<V>;
  detail::require_float<T>();
  return detail::unpool_new("max_unpool2d", as_input(values), as_input(indices), output_size);
}
/// Max unpooling to an explicit output size {H, W}.
template <readable_nchw V, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<element_of<V>> max_unpool2d(const V& values, const I& indices, hw output_size) {
  return detail::value_or_raise(try_max_unpool2d(values, indices, output_size));
}

// A braced size `max_unpool2d(values, indices, {H, W})` converts to hw and to
// pool2d_params alike (both aggregates: user-defined conversions of equal rank), so the
// call was ambiguous. These overloads take the braced pair as an array, a standard
// conversion that outranks both: {H, W} is a size, `{.kernel = ...}` still pool2d_params.

/// Non-throwing max_unpool2d() to the size `{H, W}` written as a braced pair.
template <readable_nchw V, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<element_of<V>>> try_max_unpool2d(const V& values, const I& indices,
                                               const index_t (&output_size)[2]) {
  return try_max_unpool2d(values, indices, hw{output_size[0], output_size[1]});
}
/// Max unpooling to the size `{H, W}` written as a braced pair.
template <readable_nchw V, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<element_of<V>> max_unpool2d(const V& values, const I& indices,
                                   const index_t (&output_size)[2]) {
  return max_unpool2d(values, indices, hw{output_size[0], output_size[1]});
}

/// Non-throwing max_unpool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw V, readable_nchw I, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<I>, index_t> &&
           std::is_same_v<element_of<V>, element_of<Y>>
status try_max_unpool2d(const V& values, const I& indices, Y&& y) {
  using T = element_of<V>;
  detail::require_float<T>();
  return detail::unpool_into<T>("max_unpool2d", as_input(values), as_input(indices), as_output(y));
}
/// Max unpooling into the caller's view `y` of extents {N, C, H_out, W_out}.
template <readable_nchw V, readable_nchw I, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<I>, index_t> &&
           std::is_same_v<element_of<V>, element_of<Y>>
void max_unpool2d(const V& values, const I& indices, Y&& y) {
  detail::raise_if(try_max_unpool2d(values, indices, std::forward<Y>(y)));
}

/// \}

POOLKIT_END_NAMESPACE
