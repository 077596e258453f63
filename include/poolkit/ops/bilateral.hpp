// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// bilateral_pool2d and global_bilateral_pool2d (SPEC section 7): second-order pooling.
// Every window gives the C x C matrix
//
//     Y = (1 / sum_t w_t^2) * sum_t (w_t x_t)(w_t x_t)^T
//
// of its taps' channel vectors x_t. The matrix products run on Eigen, so this header,
// unlike the core ones, needs Eigen (CMake: link poolkit::eigen), unless the prebuilt
// library was built with Eigen and holds them (POOLKIT_USE_PREBUILT_BILATERAL; then no
// Eigen header is read). It is not included by poolkit/poolkit.hpp.
//
// How a window is computed (kernel/bilateral_window.hpp): its taps' weighted, optionally centred
// channel vectors are gathered into a K x C matrix A, pre-scaled by 1 / sqrt(sum w^2), and
// Y = A^T A is one symmetric rank-K update (Eigen's selfadjointView().rankUpdate, half
// the work of a GEMM). The global form with uniform weights over a contiguous plane skips
// the gather: A is an Eigen::Map over the input itself.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <poolkit/bilateral_params.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/detail/validate_view.hpp>
#include <poolkit/error.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/params.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup bilateral
/// \{

namespace kernel {
// The work, on Eigen: defined in kernel/bilateral_run.hpp (included at the end of this
// file) or, with POOLKIT_USE_PREBUILT_BILATERAL, in the prebuilt library.
template <class T>
void run_bilateral(nchw_view<const T> x, nchw_view<T> y, const pool2d_params& p,
                   const bilateral_options& o, const policy& pol, int threads);
template <class T>
void run_global_bilateral(nchw_view<const T> x, nchw_view<T> y, const bilateral_options& o,
                          const policy& pol, int threads);
}  // namespace kernel

namespace detail {

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
  kernel::run_bilateral(in, y.view(), p, options, pol, threads);
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
  kernel::run_bilateral(in, out_view, p, options, pol, threads);
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
  kernel::run_global_bilateral(in, y.view(), options, pol, threads);
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
  kernel::run_global_bilateral(in, out_view, options, pol, threads);
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

#if POOLKIT_USE_PREBUILT_BILATERAL
#include <poolkit/detail/prebuilt_ops.hpp>
POOLKIT_BEGIN_NAMESPACE
POOLKIT_PREBUILT_BILATERAL_OPS(extern, float)
POOLKIT_PREBUILT_BILATERAL_OPS(extern, double)
POOLKIT_END_NAMESPACE
#else
#include <poolkit/kernel/bilateral_run.hpp>
#endif
