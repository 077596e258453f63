// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Regular (sliding-window) pooling: the generic pool2d that takes any reducer, and the
// four basic operations built on it (max, min, sum, avg), plus max/min with indices.
// Data flow: validate -> geometry -> plane kernel per (n, c).
#pragma once

#include <optional>
#include <string_view>
#include <vector>
#include <type_traits>
#include <utility>

#include <poolkit/detail/front.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/detail/validate_view.hpp>
#include <poolkit/error.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/dispatch.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/params.hpp>
#include <poolkit/policy/cpu.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup regular
/// \{

namespace detail {

/// Whether a view is pooled by the channels-last kernels: its channels are adjacent and
/// its columns are not (a view with both, W == 1 or C == 1, runs the NCHW kernels).
template <class T>
bool runs_channels_last(const nchw_view<T>& x) noexcept {
  return x.stride(1) == 1 && x.stride(3) != 1 && x.extent(1) > 1;
}

/// Runs a validated regular or adaptive pooling of a channels-last view (built-in
/// reducers) with the channels in the vector lanes: threads take runs of output rows.
template <class T, class R>
void run_channels_last(const R& r, nchw_view<const T> x, nchw_view<T> y, kernel::pixel_windows g,
                       const policy& pol, const resolved_policy& rp) {
  g.prefetch_next_row = kernel::beyond_caches(x.size() * static_cast<index_t>(sizeof(T)));
  const row_split split = split_rows(y.extent(0), 1, y.extent(2), rp.threads);
  if (split.total == 0 || y.extent(1) == 0) return;
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t, index_t oh0, index_t oh1) {
      kernel::pool_pixels(rp.isa, r, g, kernel::pixels_of(x, n), kernel::pixels_of(y, n), oh0, oh1);
    });
  });
}

/// A run of planes whose windows tile each plane's height exactly (stride = kernel, no
/// padding, no dilation along H, H = OH x kernel) and whose planes follow one another
/// row after row (channel stride = H x row stride, in `x` and in `y`) is one tall plane
/// of C x H rows: every window reads the same taps in the same order either way, so the
/// bits are the same, and the per-plane setup (block plan, band pointers, the split into
/// tasks) runs once per image instead of once per plane. That setup is what the narrow
/// planes of late layers spent their time on (14 -> 7: 7 output rows per plane).
/// Returns the tall views, or nothing when the pooling is not of that kind.
template <class T>
struct stacked_views {
  nchw_view<const T> x;
  nchw_view<T> y;
};
template <class T>
std::optional<stacked_views<T>> stack_planes(nchw_view<const T> x, nchw_view<T> y,
                                             const pool2d_params& p) noexcept {
  const index_t kh = p.kernel.h;
  const bool tiles_height = p.effective_stride().h == kh && p.padding.h == 0 &&
                            p.effective_padding_end().h == 0 && p.dilation.h == 1 &&
                            x.extent(2) == y.extent(2) * kh;
  const bool rows_follow =
      x.stride(1) == x.extent(2) * x.stride(2) && y.stride(1) == y.extent(2) * y.stride(2);
  if (x.extent(1) < 2 || y.extent(2) < 1 || !tiles_height || !rows_follow) return std::nullopt;
  const index_t channels = x.extent(1);
  return stacked_views<T>{
      nchw_view<const T>(x.data_handle(), {x.extent(0), 1, channels * x.extent(2), x.extent(3)},
                         {x.stride(0), channels * x.stride(1), x.stride(2), x.stride(3)}),
      nchw_view<T>(y.data_handle(), {y.extent(0), 1, channels * y.extent(2), y.extent(3)},
                   {y.stride(0), channels * y.stride(1), y.stride(2), y.stride(3)})};
}

/// Whether a float table holds every divisor of the rule exactly (up to 2^24): the power
/// average divides its double sums by the exact divisor; a window of 16 million taps, or a
/// larger divisor_override, runs the scalar path.
inline bool divisors_fit_float(const reduce::detail::divisor_rule& rule,
                               const pool2d_params& p) noexcept {
  constexpr index_t exact = index_t{1} << 24;
  if (rule.divisor_override) return *rule.divisor_override <= exact;
  return p.kernel.h <= exact / std::max<index_t>(p.kernel.w, 1);
}

/// Runs the float power sums |x|^p over regular windows (reduce::wide_power_sum) on their
/// vector kernels: one instance for every p and both forms (`rule`: the power average's
/// divisor rule, null for Lp), so a program pays for them once (T is float; a template,
/// so that programs which never call the power family do not compile it).
template <class T>
void run_power_rows(int power, const reduce::detail::divisor_rule* rule,
                    const geometry::regular_windows& g, nchw_view<const T> x, nchw_view<T> y,
                    const policy& pol, const resolved_policy& rp, const row_split& split) {
  kernel::job_tables<float> tables(g, /*with_rows=*/false);
  if (rule != nullptr) tables.add_divisors(g, *rule);
  const kernel::row_geometry cols{g.w.input_size(), g.w.output_size(), g.w.kernel(),
                                  g.w.stride(),     g.w.dilation(),    g.w.pad_begin()};
  const kernel::row_extent extent = kernel::row_extent::of(cols);
  const auto layout = kernel::scratch_layout::of(g, extent, sizeof(float));
  const kernel::vector_job<float> job{
      &g,
      cols,
      extent,
      &layout,
      rule != nullptr ? tables.divisor_rows.data() : nullptr,
      rule != nullptr && !tables.divisor_row_of.empty() ? tables.divisor_row_of.data() : nullptr,
      tables.divisors_are_reciprocals,
      kernel::beyond_caches(x.size() * static_cast<index_t>(sizeof(float)))};
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::power_rows(rp.isa, job, power, kernel::plane_of(x, n, c), kernel::plane_of(y, n, c),
                         oh0, oh1);
    });
  });
}

/// Runs a validated regular pooling into `y`: the vector kernels of the resolved
/// instruction set for the built-in reducers over unit-stride rows or adjacent channels,
/// the generic scalar kernel for everything else.
template <class T, class R>
void run_regular(const R& r, nchw_view<const T> x, nchw_view<T> y, const pool2d_params& p,
                 const policy& pol, const resolved_policy& rp) {
  const auto g =
      geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
  if constexpr (kernel::has_vector_kernels<R>) {
    if (runs_channels_last(x))
      return run_channels_last(r, x, y, kernel::pixel_windows::of(g), pol, rp);
  }
  if constexpr (kernel::has_vector_rows<R>) {
    if (x.stride(3) == 1) {
      if (const auto tall = stack_planes(x, y, p))
        return run_regular(r, tall->x, tall->y, p, pol, rp);
    }
  }
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  if constexpr (kernel::power_sum<R>::vectorised) {
    if (x.stride(3) == 1 && kernel::runs_power_rows(rp.isa, y.extent(3)) &&
        kernel::fits_vector_staging(g) && divisors_fit_float(r.rule, p))
      return run_power_rows<T>(kernel::power_sum<R>::p,
                               kernel::power_sum<R>::average ? &r.rule : nullptr, g, x, y, pol, rp,
                               split);
  }
  if constexpr (kernel::has_vector_kernels<R>) {
    if (x.stride(3) == 1 && kernel::fits_vector_staging(g)) {
      kernel::job_tables<T> tables(g, /*with_rows=*/false);
      constexpr bool divides = std::is_same_v<R, reduce::avg<T>>;
      if constexpr (divides) tables.add_divisors(g, r);
      const bool shared_divisors = tables.divisor_row_of.empty();
      const kernel::row_geometry cols{g.w.input_size(), g.w.output_size(), g.w.kernel(),
                                      g.w.stride(),     g.w.dilation(),    g.w.pad_begin()};
      const kernel::row_extent extent = kernel::row_extent::of(cols);
      const auto layout = kernel::scratch_layout::of(g, extent, sizeof(T));
      const kernel::plane_job<T, R> job{
          {&g, cols, extent, &layout, divides ? tables.divisor_rows.data() : nullptr,
           divides && !shared_divisors ? tables.divisor_row_of.data() : nullptr,
           tables.divisors_are_reciprocals,
           kernel::beyond_caches(x.size() * static_cast<index_t>(sizeof(T)))},
          &r};
      const kernel::scratch_buffer<T> scratch(split.tasks, layout.total, layout.identity_row,
                                              layout.identity_length, r.identity());
      parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
        split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
          kernel::pool_rows(rp.isa, job, scratch.task(t), kernel::plane_of(x, n, c),
                            kernel::plane_of(y, n, c), oh0, oh1);
        });
      });
      return;
    }
  }
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      kernel::pool_plane_rows(r, kernel::plane_of(x, n, c), kernel::plane_of(y, n, c), g, oh0, oh1);
    });
  });
}

/// Regular pooling as an operation of the generic front (detail/front.hpp).
template <class T, class R>
struct regular_op {
  std::string_view name;
  const R& r;
  const pool2d_params& p;
  problem validate(const nchw_view<const T>& x, extents4* out) const {
    return validate_regular(name, x, p, out);
  }
  void run(nchw_view<const T> x, nchw_view<T> y, const policy& pol,
           const resolved_policy& rp) const {
    run_regular(r, x, y, p, pol, rp);
  }
};

/// Validates, then pools into the caller's view.
template <class T, class R>
status pool_into(std::string_view op, const R& r, nchw_view<const T> x, nchw_view<T> y,
                 const pool2d_params& p, const policy& pol) {
  return run_into<T>(regular_op<T, R>{op, r, p}, x, y, pol);
}

/// Validates, then pools into a new tensor.
template <class T, class R>
result<tensor<T>> pool_new(std::string_view op, const R& r, nchw_view<const T> x,
                           const pool2d_params& p, const policy& pol) {
  return run_new<T>(regular_op<T, R>{op, r, p}, x, pol);
}

}  // namespace detail

/// Non-throwing pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class R>
  requires reducer<R, element_of<X>>
result<tensor<element_of<X>>> try_pool2d(const X& x, const R& r, const pool2d_params& p,
                                         const policy& pol = {}) {
  return detail::pool_new("pool2d", r, as_input(x), p, pol);
}
/// Regular pooling with any reducer (built-in or user-defined, see poolkit::reducer):
/// y(n, c, oh, ow) = finalize(fold of the in-bounds taps of window (oh, ow)).
/// Returns a new tensor of extents pool2d_output_extents(x.extents(), p).
/// @throws poolkit::error on invalid input (SPEC section 2 rules); nothing is written.
template <readable_nchw X, class R>
  requires reducer<R, element_of<X>>
tensor<element_of<X>> pool2d(const X& x, const R& r, const pool2d_params& p,
                             const policy& pol = {}) {
  return detail::value_or_raise(try_pool2d(x, r, p, pol));
}

/// Non-throwing pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y, class R>
  requires writable_nchw<Y> && reducer<R, element_of<X>> &&
           std::is_same_v<element_of<X>, element_of<Y>>
status try_pool2d(const X& x, Y&& y, const R& r, const pool2d_params& p, const policy& pol = {}) {
  return detail::pool_into("pool2d", r, as_input(x), as_output(y), p, pol);
}
/// Regular pooling with any reducer, writing into the caller's view `y`, which must have
/// the output extents and must not overlap `x`.
template <readable_nchw X, class Y, class R>
  requires writable_nchw<Y> && reducer<R, element_of<X>> &&
           std::is_same_v<element_of<X>, element_of<Y>>
void pool2d(const X& x, Y&& y, const R& r, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_pool2d(x, std::forward<Y>(y), r, p, pol));
}

// The four basic operations. Each has an allocating form `op(x, params)` and a form
// `op(x, y, params)` that writes into the caller's view; float and double elements.

/// Non-throwing max_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_max_pool2d(const X& x, const pool2d_params& p,
                                             const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::pool_new<T>("max_pool2d", reduce::max<T>{}, as_input(x), p, pol);
}
/// Max pooling (PyTorch `max_pool2d`). NaN propagates; ties keep the first maximum;
/// an empty window gives -inf.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> max_pool2d(const X& x, const pool2d_params& p, const policy& pol = {}) {
  return detail::value_or_raise(try_max_pool2d(x, p, pol));
}
/// Non-throwing max_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_max_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::pool_into<T>("max_pool2d", reduce::max<T>{}, as_input(x), as_output(y), p, pol);
}
/// Max pooling into the caller's view `y` (output extents, no overlap with `x`).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void max_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_max_pool2d(x, std::forward<Y>(y), p, pol));
}

/// Non-throwing min_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_min_pool2d(const X& x, const pool2d_params& p,
                                             const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::pool_new<T>("min_pool2d", reduce::min<T>{}, as_input(x), p, pol);
}
/// Min pooling: the mirror of max pooling; an empty window gives +inf.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> min_pool2d(const X& x, const pool2d_params& p, const policy& pol = {}) {
  return detail::value_or_raise(try_min_pool2d(x, p, pol));
}
/// Non-throwing min_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_min_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::pool_into<T>("min_pool2d", reduce::min<T>{}, as_input(x), as_output(y), p, pol);
}
/// Min pooling into the caller's view `y`.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void min_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_min_pool2d(x, std::forward<Y>(y), p, pol));
}

/// Non-throwing sum_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_sum_pool2d(const X& x, const pool2d_params& p,
                                             const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::pool_new<T>("sum_pool2d", reduce::sum<T>{}, as_input(x), p, pol);
}
/// Sum pooling: the sum of the in-bounds taps (PyTorch `avg_pool2d` with
/// `divisor_override = 1`); an empty window gives 0.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> sum_pool2d(const X& x, const pool2d_params& p, const policy& pol = {}) {
  return detail::value_or_raise(try_sum_pool2d(x, p, pol));
}
/// Non-throwing sum_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_sum_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  return detail::pool_into<T>("sum_pool2d", reduce::sum<T>{}, as_input(x), as_output(y), p, pol);
}
/// Sum pooling into the caller's view `y`.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void sum_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_sum_pool2d(x, std::forward<Y>(y), p, pol));
}

/// Non-throwing avg_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<tensor<element_of<X>>> try_avg_pool2d(const X& x, const pool2d_params& p,
                                             const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  const reduce::avg<T> r{p.count_include_pad, p.divisor_override};
  return detail::pool_new<T>("avg_pool2d", r, as_input(x), p, pol);
}
/// Average pooling (PyTorch `avg_pool2d`): sum / divisor with `count_include_pad` and
/// `divisor_override` as PyTorch defines them (SPEC section 2); an empty window gives 0.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
tensor<element_of<X>> avg_pool2d(const X& x, const pool2d_params& p, const policy& pol = {}) {
  return detail::value_or_raise(try_avg_pool2d(x, p, pol));
}
/// Non-throwing avg_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
status try_avg_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  const reduce::avg<T> r{p.count_include_pad, p.divisor_override};
  return detail::pool_into<T>("avg_pool2d", r, as_input(x), as_output(y), p, pol);
}
/// Average pooling into the caller's view `y`.
template <readable_nchw X, class Y>
  requires writable_nchw<Y> && std::is_same_v<element_of<X>, element_of<Y>>
void avg_pool2d(const X& x, Y&& y, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_avg_pool2d(x, std::forward<Y>(y), p, pol));
}

/// \}

POOLKIT_END_NAMESPACE
