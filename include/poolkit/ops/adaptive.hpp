// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Adaptive pooling (an output size instead of a window) and global pooling (adaptive to
// 1 x 1) for every reducer, SPEC section 3. How each call runs:
//   - output 1 x 1, built-in reducer: the global kernels (kernel/global-inl.hpp);
//   - bins that divide the input evenly: they are regular windows (kernel = stride =
//     in / out), so the regular vector kernels run them;
//   - otherwise each bin is folded row-major (kernel/adaptive_plane.hpp);
//   - channels-last views (channel stride 1) of the built-in reducers run the channels-last
//     kernels (kernel/channels_last-inl.hpp) in each case, in the same order.
#pragma once

#include <limits>
#include <string_view>
#include <type_traits>

#include <poolkit/geometry/adaptive.hpp>
#include <poolkit/kernel/adaptive_plane.hpp>
#include <poolkit/ops/indices.hpp>
#include <poolkit/detail/front.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/ops/regular.hpp>  // uniform bins run as regular pooling
#include <poolkit/policy/resolve.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup adaptive
/// \{

namespace detail {

/// Checks input and output size of an adaptive pooling; on success `out` holds the
/// output extents.
template <class T>
problem validate_adaptive(std::string_view op, const nchw_view<const T>& x, hw size,
                          extents4* out) {
  if (auto e = validate_plane_input(op, x)) return e;
  if (size.h < 1 || size.w < 1)
    return describe(op, "output_size", to_text(size.h, size.w), "every entry must be >= 1");
  constexpr index_t most = std::numeric_limits<index_t>::max();
  // The bin formula computes (o + 1) * in: it must fit.
  if (size.h > most / (x.extent(2) + 1) || size.w > most / (x.extent(3) + 1))
    return describe(op, "output_size", to_text(size.h, size.w),
                    "output_size * (input size + 1) must fit in int64");
  *out = {x.extent(0), x.extent(1), size.h, size.w};
  return std::nullopt;
}

/// Global pooling of a channels-last view (built-in reducers): threads take runs of
/// channels, whole vectors of the widest instruction set each.
template <class T, class R>
void run_global_channels_last(const R& r, nchw_view<const T> x, nchw_view<T> y, const policy& pol,
                              const resolved_policy& rp) {
  const index_t blocks = (x.extent(1) + kernel::max_lanes - 1) / kernel::max_lanes;
  const index_t per_image = std::max<index_t>(1, std::min<index_t>(rp.threads, blocks));
  const index_t tasks = x.extent(0) * per_image;
  const std::vector<index_t> offsets = kernel::global_offsets(kernel::pixels_of(x, 0));
  parallel_for(pol, tasks, rp.threads, [&](index_t t) {
    const index_t n = t / per_image, part = t % per_image;
    const index_t begin = std::min(x.extent(1), blocks * part / per_image * kernel::max_lanes);
    const index_t end = std::min(x.extent(1), blocks * (part + 1) / per_image * kernel::max_lanes);
    kernel::global_pixels(rp.isa, r, kernel::pixels_of(x, n), offsets.data(), begin, end,
                          y.data_handle() + y.offset(n, 0, 0, 0), y.stride(1));
  });
}

/// Global pooling of every plane: the global kernels for the built-in reducers, a
/// row-major fold for any other.
template <class T, class R>
void run_global(const R& r, nchw_view<const T> x, nchw_view<T> y, const policy& pol,
                const resolved_policy& rp) {
  const index_t planes = x.extent(0) * x.extent(1);
  if (planes == 0) return;
  if constexpr (kernel::has_vector_kernels<R>) {
    if (runs_channels_last(x)) return run_global_channels_last(r, x, y, pol, rp);
  }
  const index_t tasks = std::max<index_t>(1, std::min<index_t>(rp.threads, planes));
  const index_t channels = x.extent(1);
  parallel_for(pol, tasks, rp.threads, [&](index_t t) {
    const index_t begin = planes / tasks * t + std::min(t, planes % tasks);
    const index_t end = begin + planes / tasks + (t < planes % tasks ? 1 : 0);
    // The task's planes, one image at a time: runs of channels [c, c_end) of image n.
    for (index_t i = begin; i < end;) {
      const index_t n = i / channels;
      const index_t c = i - n * channels;
      const index_t c_end = std::min(channels, c + (end - i));
      if constexpr (kernel::has_vector_kernels<R>) {
        kernel::global_planes(rp.isa, r, kernel::plane_of(x, n, c), x.stride(1), c_end - c,
                              y.data_handle() + y.offset(n, c, 0, 0), y.stride(1));
      } else {
        const geometry::adaptive_axis gh(x.extent(2), 1);
        const geometry::adaptive_axis gw(x.extent(3), 1);
        for (index_t k = c; k < c_end; ++k)
          kernel::pool_adaptive_rows(r, kernel::plane_of(x, n, k), kernel::plane_of(y, n, k), gh,
                                     gw, 0, 1);
      }
      i += c_end - c;
    }
  });
}

/// Runs a validated adaptive pooling into `y` (see the top of this file).
template <class T, class R>
void run_adaptive(const R& r, nchw_view<const T> x, nchw_view<T> y, const policy& pol,
                  const resolved_policy& rp) {
  if (y.extent(2) == 1 && y.extent(3) == 1) return run_global(r, x, y, pol, rp);
  const geometry::adaptive_axis gh(x.extent(2), y.extent(2));
  const geometry::adaptive_axis gw(x.extent(3), y.extent(3));
  if (gh.is_regular() && gw.is_regular()) {
    // No padding: every divisor rule gives the bin's element count.
    const pool2d_params p{.kernel = {gh.regular_kernel(), gw.regular_kernel()}};
    return run_regular(r, x, y, p, pol, rp);
  }
  if constexpr (kernel::has_vector_kernels<R>) {
    if (runs_channels_last(x))
      return run_channels_last(r, x, y, kernel::pixel_windows::of(gh, gw, y.extent(2), y.extent(3)),
                               pol, rp);
  }
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::pool_adaptive_rows(r, kernel::plane_of(x, n, c), kernel::plane_of(y, n, c), gh, gw,
                                 oh0, oh1);
    });
  });
}

/// Adaptive pooling as an operation of the generic front (detail/front.hpp).
template <class T, class R>
struct adaptive_op {
  std::string_view name;
  const R& r;
  hw size;
  problem validate(const nchw_view<const T>& x, extents4* out) const {
    return validate_adaptive(name, x, size, out);
  }
  void run(nchw_view<const T> x, nchw_view<T> y, const policy& pol,
           const resolved_policy& rp) const {
    run_adaptive(r, x, y, pol, rp);
  }
};

template <class T, class R>
result<tensor<T>> adaptive_new(std::string_view op, const R& r, nchw_view<const T> x, hw size,
                               const policy& pol) {
  return run_new<T>(adaptive_op<T, R>{op, r, size}, x, pol);
}

/// The output size is read from `y`.
template <class T, class R>
status adaptive_into(std::string_view op, const R& r, nchw_view<const T> x, nchw_view<T> y,
                     const policy& pol) {
  return run_into<T>(adaptive_op<T, R>{op, r, {y.extent(2), y.extent(3)}}, x, y, pol);
}

template <class T, class S>
void run_adaptive_select(const S& s, nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> idx,
                         const policy& pol, const resolved_policy& rp) {
  const geometry::adaptive_axis gh(x.extent(2), y.extent(2));
  const geometry::adaptive_axis gw(x.extent(3), y.extent(3));
  if (gh.is_regular() && gw.is_regular()) {
    const pool2d_params p{.kernel = {gh.regular_kernel(), gw.regular_kernel()}};
    return run_select(s, x, y, idx, p, pol, rp);
  }
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::select_adaptive_rows(s, kernel::plane_of(x, n, c), kernel::plane_of(y, n, c),
                                   kernel::plane_of(idx, n, c), gh, gw, oh0, oh1);
    });
  });
}

/// Adaptive selection with indices as an operation of the generic front (detail/front.hpp).
template <class T, class S>
struct adaptive_select_op {
  std::string_view name;
  S s;
  hw size;
  problem validate(const nchw_view<const T>& x, extents4* out) const {
    return validate_adaptive(name, x, size, out);
  }
  void run(nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> idx, const policy& pol,
           const resolved_policy& rp) const {
    run_adaptive_select(s, x, y, idx, pol, rp);
  }
};

}  // namespace detail

/// The extents of an N x C x 1 x 1 global pooling output.
inline constexpr hw global_output_size{1, 1};

/// Non-throwing adaptive_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class R>
  requires reducer<R, element_of<X>>
result<tensor<element_of<X>>> try_adaptive_pool2d(const X& x, hw output_size, const R& r,
                                                  const policy& pol = {}) {
  return detail::adaptive_new("adaptive_pool2d", r, as_input(x), output_size, pol);
}
/// Adaptive pooling with any reducer (built-in or user-defined): output (oh, ow) reduces
/// the bin [floor(oh * H / OH), ceil((oh + 1) * H / OH)) x (the same along W), folded
/// row-major; finalize sees the bin's element count for both window counts. Output sizes
/// above the input are allowed (bins repeat positions).
/// @throws poolkit::error on an invalid view or an output size below 1; nothing is
/// written.
template <readable_nchw X, class R>
  requires reducer<R, element_of<X>>
tensor<element_of<X>> adaptive_pool2d(const X& x, hw output_size, const R& r,
                                      const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_pool2d(x, output_size, r, pol));
}
/// Non-throwing adaptive_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y, class R>
  requires writable_nchw<Y> && reducer<R, element_of<X>> &&
           std::is_same_v<element_of<X>, element_of<Y>>
status try_adaptive_pool2d(const X& x, Y&& y, const R& r, const policy& pol = {}) {
  return detail::adaptive_into("adaptive_pool2d", r, as_input(x), as_output(y), pol);
}
/// Adaptive pooling into `y`; the output size is y's height and width.
template <readable_nchw X, class Y, class R>
  requires writable_nchw<Y> && reducer<R, element_of<X>> &&
           std::is_same_v<element_of<X>, element_of<Y>>
void adaptive_pool2d(const X& x, Y&& y, const R& r, const policy& pol = {}) {
  detail::raise_if(try_adaptive_pool2d(x, std::forward<Y>(y), r, pol));
}

/// Non-throwing adaptive_max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_adaptive_max_pool2d(const X& x, hw output_size,
                                                      const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("adaptive_max_pool2d", reduce::max<T>{}, as_input(x), output_size,
                              pol);
}
/// Adaptive max pooling (PyTorch `adaptive_max_pool2d`). NaN propagates; ties keep the
/// first maximum.
template <readable_nchw X>
tensor<element_of<X>> adaptive_max_pool2d(const X& x, hw output_size, const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_max_pool2d(x, output_size, pol));
}
/// Non-throwing adaptive_max_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_adaptive_max_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_into("adaptive_max_pool2d", reduce::max<T>{}, as_input(x), as_output(y),
                               pol);
}
/// The adaptive max pooling into the caller's view `y`, whose extents {N, C, OH, OW} give the
/// output size (any strides, no overlap with `x`).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void adaptive_max_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  detail::raise_if(try_adaptive_max_pool2d(x, std::forward<Y>(y), pol));
}

/// Non-throwing adaptive_min_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_adaptive_min_pool2d(const X& x, hw output_size,
                                                      const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("adaptive_min_pool2d", reduce::min<T>{}, as_input(x), output_size,
                              pol);
}
/// Adaptive min pooling: the mirror of adaptive max pooling.
template <readable_nchw X>
tensor<element_of<X>> adaptive_min_pool2d(const X& x, hw output_size, const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_min_pool2d(x, output_size, pol));
}
/// Non-throwing adaptive_min_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_adaptive_min_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_into("adaptive_min_pool2d", reduce::min<T>{}, as_input(x), as_output(y),
                               pol);
}
/// The adaptive min pooling into the caller's view `y`, whose extents {N, C, OH, OW} give the
/// output size (any strides, no overlap with `x`).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void adaptive_min_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  detail::raise_if(try_adaptive_min_pool2d(x, std::forward<Y>(y), pol));
}

/// Non-throwing adaptive_sum_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_adaptive_sum_pool2d(const X& x, hw output_size,
                                                      const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("adaptive_sum_pool2d", reduce::sum<T>{}, as_input(x), output_size,
                              pol);
}
/// Adaptive sum pooling: the sum of each bin.
template <readable_nchw X>
tensor<element_of<X>> adaptive_sum_pool2d(const X& x, hw output_size, const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_sum_pool2d(x, output_size, pol));
}
/// Non-throwing adaptive_sum_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_adaptive_sum_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_into("adaptive_sum_pool2d", reduce::sum<T>{}, as_input(x), as_output(y),
                               pol);
}
/// The adaptive sum pooling into the caller's view `y`, whose extents {N, C, OH, OW} give the
/// output size (any strides, no overlap with `x`).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void adaptive_sum_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  detail::raise_if(try_adaptive_sum_pool2d(x, std::forward<Y>(y), pol));
}

/// Non-throwing adaptive_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_adaptive_avg_pool2d(const X& x, hw output_size,
                                                      const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("adaptive_avg_pool2d", reduce::avg<T>{}, as_input(x), output_size,
                              pol);
}
/// Adaptive average pooling (PyTorch `adaptive_avg_pool2d`): each bin's sum, row-major,
/// divided by its element count; the same bits as PyTorch except at output 1 x 1, where
/// PyTorch takes its vectorised mean (see global_avg_pool2d).
template <readable_nchw X>
tensor<element_of<X>> adaptive_avg_pool2d(const X& x, hw output_size, const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_avg_pool2d(x, output_size, pol));
}
/// Non-throwing adaptive_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_adaptive_avg_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_into("adaptive_avg_pool2d", reduce::avg<T>{}, as_input(x), as_output(y),
                               pol);
}
/// The adaptive average pooling into the caller's view `y`, whose extents {N, C, OH, OW} give the
/// output size (any strides, no overlap with `x`).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void adaptive_avg_pool2d(const X& x, Y&& y, const policy& pol = {}) {
  detail::raise_if(try_adaptive_avg_pool2d(x, std::forward<Y>(y), pol));
}

/// Non-throwing adaptive_max_pool2d_with_indices(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<pooled_with_indices<element_of<X>>> try_adaptive_max_pool2d_with_indices(
    const X& x, hw output_size, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::run_new_with_indices<pooled_with_indices<T>>(
      detail::adaptive_select_op<T, reduce::max<T>>{
          "adaptive_max_pool2d_with_indices", {}, output_size},
      as_input(x), pol);
}
/// Adaptive max pooling with per-plane indices h * W + w (PyTorch
/// `adaptive_max_pool2d(..., return_indices=True)`): the first maximum, or the last NaN.
template <readable_nchw X>
pooled_with_indices<element_of<X>> adaptive_max_pool2d_with_indices(const X& x, hw output_size,
                                                                    const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_max_pool2d_with_indices(x, output_size, pol));
}
/// Non-throwing adaptive_max_pool2d_with_indices() into the caller's views: the same call,
/// with the failure returned as a poolkit::status instead of thrown.
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
status try_adaptive_max_pool2d_with_indices(const X& x, Y&& y, I&& indices,
                                            const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  const nchw_view<T> out = as_output(y);
  return detail::run_into_with_indices<T>(
      detail::adaptive_select_op<T, reduce::max<T>>{
          "adaptive_max_pool2d_with_indices", {}, {out.extent(2), out.extent(3)}},
      as_input(x), out, as_output(indices), pol);
}
/// Adaptive max pooling with indices into the caller's views `y` and `indices`, whose
/// extents {N, C, OH, OW} give the output size (any strides, no overlap with `x` or each
/// other).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
void adaptive_max_pool2d_with_indices(const X& x, Y&& y, I&& indices, const policy& pol = {}) {
  detail::raise_if(
      try_adaptive_max_pool2d_with_indices(x, std::forward<Y>(y), std::forward<I>(indices), pol));
}

// Global pooling: one value per plane, output N x C x 1 x 1 (adaptive pooling to 1 x 1).
// The built-in reducers reduce a plane in the 32-partials order of
// kernel/global-inl.hpp (the same bits on every instruction set and thread count);
// other reducers fold it row-major.

/// Non-throwing global_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class R>
  requires reducer<R, element_of<X>>
result<tensor<element_of<X>>> try_global_pool2d(const X& x, const R& r, const policy& pol = {}) {
  return detail::adaptive_new("global_pool2d", r, as_input(x), global_output_size, pol);
}
/// Global pooling with any reducer.
template <readable_nchw X, class R>
  requires reducer<R, element_of<X>>
tensor<element_of<X>> global_pool2d(const X& x, const R& r, const policy& pol = {}) {
  return detail::value_or_raise(try_global_pool2d(x, r, pol));
}
/// Non-throwing global_max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_global_max_pool2d(const X& x, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("global_max_pool2d", reduce::max<T>{}, as_input(x),
                              global_output_size, pol);
}
/// Global max pooling: the largest element of each plane (NaN if it holds one).
template <readable_nchw X>
tensor<element_of<X>> global_max_pool2d(const X& x, const policy& pol = {}) {
  return detail::value_or_raise(try_global_max_pool2d(x, pol));
}
/// Non-throwing global_min_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_global_min_pool2d(const X& x, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("global_min_pool2d", reduce::min<T>{}, as_input(x),
                              global_output_size, pol);
}
/// Global min pooling: the smallest element of each plane.
template <readable_nchw X>
tensor<element_of<X>> global_min_pool2d(const X& x, const policy& pol = {}) {
  return detail::value_or_raise(try_global_min_pool2d(x, pol));
}
/// Non-throwing global_sum_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_global_sum_pool2d(const X& x, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("global_sum_pool2d", reduce::sum<T>{}, as_input(x),
                              global_output_size, pol);
}
/// Global sum pooling: the sum of each plane.
template <readable_nchw X>
tensor<element_of<X>> global_sum_pool2d(const X& x, const policy& pol = {}) {
  return detail::value_or_raise(try_global_sum_pool2d(x, pol));
}
/// Non-throwing global_avg_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_global_avg_pool2d(const X& x, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::adaptive_new("global_avg_pool2d", reduce::avg<T>{}, as_input(x),
                              global_output_size, pol);
}
/// Global average pooling: the mean of each plane (PyTorch `adaptive_avg_pool2d(x, 1)`,
/// to within rounding: PyTorch sums in another order).
template <readable_nchw X>
tensor<element_of<X>> global_avg_pool2d(const X& x, const policy& pol = {}) {
  return detail::value_or_raise(try_global_avg_pool2d(x, pol));
}

/// \}

POOLKIT_END_NAMESPACE
