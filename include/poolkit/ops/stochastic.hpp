// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// stochastic_pool2d (SPEC section 5): Zeiler & Fergus's stochastic pooling on regular
// windows, with every option of pool2d_params and reproducible counter-based draws.
// The per-window rules live in kernel/stochastic_plane.hpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include <poolkit/kernel/stochastic_plane.hpp>
#include <poolkit/ops/indices.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/policy/resolve.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup stochastic
/// \{

/// Which of Zeiler & Fergus's two rules stochastic_pool2d applies.
enum class stochastic_mode {
  /// Draw one in-window activation with probability x / sum x (negative values count as
  /// 0); the indices say which (a backward pass routes the gradient there).
  training,
  /// The probability-weighted average sum x^2 / sum x over the positive taps
  /// (0 when there are none). Deterministic; no indices.
  inference,
};

namespace detail {

template <class T>
void run_stochastic(nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> idx,
                    const pool2d_params& p, const kernel::stochastic_job& job, const policy& pol,
                    const resolved_policy& rp) {
  const auto g =
      geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
  const row_split split = split_rows(y.extent(0), y.extent(1), y.extent(2), rp.threads);
  if (split.total == 0) return;
  const bool with_indices = !idx.empty();
  const kernel::job_tables<T> tables(g);  // every output column's window, computed once
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    split.for_each_piece(t, [&](index_t n, index_t c, index_t oh0, index_t oh1) {
      const kernel::plane<index_t> out_idx =
          with_indices ? kernel::plane_of(idx, n, c) : kernel::plane<index_t>{nullptr, 0, 0, 0, 0};
      kernel::stochastic_plane_rows(job, kernel::plane_of(x, n, c), kernel::plane_of(y, n, c),
                                    out_idx, g, tables.col_windows.data(), n * x.extent(1) + c, oh0,
                                    oh1);
    });
  });
}

inline problem validate_mode(std::string_view op, stochastic_mode mode) {
  if (mode != stochastic_mode::training && mode != stochastic_mode::inference)
    return describe(op, "mode", std::to_string(static_cast<int>(mode)),
                    "must be stochastic_mode::training or stochastic_mode::inference");
  return std::nullopt;
}

}  // namespace detail

/// Non-throwing stochastic_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X>
result<pooled_with_indices<element_of<X>>> try_stochastic_pool2d(const X& x, const pool2d_params& p,
                                                                 stochastic_mode mode,
                                                                 std::uint64_t seed,
                                                                 const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  constexpr std::string_view op = "stochastic_pool2d";
  const nchw_view<const T> in = as_input(x);
  if (auto failure = detail::validate_mode(op, mode)) return status(*failure);
  extents4 out{};
  if (auto failure = detail::validate_regular(op, in, p, &out)) return status(*failure);
  detail::resolved_policy rp;
  if (auto failure =
          detail::resolve_policy(op, pol, detail::traffic_bytes<T>(in.extents(), out), &rp))
    return status(*failure);
  const bool training = mode == stochastic_mode::training;
  pooled_with_indices<T> r{
      tensor<T>(out, tensor<T>::uninitialized),
      training ? tensor<index_t>(out, tensor<index_t>::uninitialized) : tensor<index_t>()};
  detail::run_stochastic(in, r.values.view(), r.indices.view(), p, {training, seed}, pol, rp);
  return r;
}
/// Stochastic pooling (Zeiler & Fergus 2013) on regular windows; every option of
/// pool2d_params applies (count_include_pad and divisor_override have no effect).
///
/// - `training`: each output is one in-bounds tap drawn with probability x / sum x over
///   the window's positive taps; `indices` holds its per-plane index h * W + w. A window
///   with no positive tap gives 0 and the index of its first in-bounds tap.
/// - `inference`: sum x^2 / sum x over the positive taps (0 when none); `indices` is an
///   empty tensor.
///
/// The draw of output (n, c, oh, ow) depends only on `seed` and its flat index
/// ((n * C + c) * OH + oh) * OW + ow (Philox4x32-10, random/philox.hpp): results are the
/// same for every thread count and instruction set. A NaN tap gives NaN (index of the
/// first NaN); +inf taps take all the probability.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw X>
pooled_with_indices<element_of<X>> stochastic_pool2d(const X& x, const pool2d_params& p,
                                                     stochastic_mode mode, std::uint64_t seed,
                                                     const policy& pol = {}) {
  return detail::value_or_raise(try_stochastic_pool2d(x, p, mode, seed, pol));
}

/// Non-throwing stochastic_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
status try_stochastic_pool2d(const X& x, Y&& y, I&& indices, const pool2d_params& p,
                             stochastic_mode mode, std::uint64_t seed, const policy& pol = {}) {
  using T = element_of<X>;
  detail::require_float<T>();
  constexpr std::string_view op = "stochastic_pool2d";
  const nchw_view<const T> in = as_input(x);
  const nchw_view<T> y_view = as_output(y);
  const nchw_view<index_t> idx = as_output(indices);
  if (auto failure = detail::validate_mode(op, mode)) return status(*failure);
  extents4 out{};
  if (auto failure = detail::validate_regular(op, in, p, &out)) return status(*failure);
  if (auto failure = detail::validate_output(op, "y", y_view, out, detail::named_input<T>{"x", in}))
    return status(*failure);
  const bool training = mode == stochastic_mode::training;
  const bool skip_indices = !training && idx.extents() == extents4{};
  if (!skip_indices)
    if (auto failure =
            detail::validate_output(op, "indices", idx, out, detail::named_input<T>{"x", in},
                                    detail::named_input<T>{"y", y_view}))
      return status(*failure);
  detail::resolved_policy rp;
  if (auto failure =
          detail::resolve_policy(op, pol, detail::traffic_bytes<T>(in.extents(), out), &rp))
    return status(*failure);
  detail::run_stochastic(in, y_view, skip_indices ? nchw_view<index_t>{} : idx, p, {training, seed},
                         pol, rp);
  return {};
}
/// Stochastic pooling into the caller's views. `indices` must have the output extents in
/// training mode; in inference mode it may be an empty view (nothing written there) or
/// output-shaped (filled with -1: no tap was drawn).
template <readable_nchw X, class Y, class I>
  requires writable_nchw<Y> && writable_nchw<I> && std::is_same_v<element_of<X>, element_of<Y>> &&
           std::is_same_v<element_of<I>, index_t>
void stochastic_pool2d(const X& x, Y&& y, I&& indices, const pool2d_params& p, stochastic_mode mode,
                       std::uint64_t seed, const policy& pol = {}) {
  detail::raise_if(
      try_stochastic_pool2d(x, std::forward<Y>(y), std::forward<I>(indices), p, mode, seed, pol));
}

/// \}

POOLKIT_END_NAMESPACE
