// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// bilateral_pool2d and global_bilateral_pool2d (SPEC section 7): second-order pooling.
// Every window gives the C x C matrix
//
//     Y = (1 / sum_t w_t^2) * sum_t (w_t x_t)(w_t x_t)^T
//
// of its taps' channel vectors x_t. The matrix products run on Eigen, so this header,
// unlike the core ones, needs Eigen (CMake: link poolkit::eigen). It is not included by
// poolkit/poolkit.hpp.
//
// How a window is computed (kernel/bilateral_window.hpp): its taps' weighted, optionally centred
// channel vectors are gathered into a K x C matrix A, pre-scaled by 1 / sqrt(sum w^2), and
// Y = A^T A is one symmetric rank-K update (Eigen's selfadjointView().rankUpdate, half
// the work of a GEMM). The global form with uniform weights over a contiguous plane skips
// the gather: A is an Eigen::Map over the input itself.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <poolkit/bilateral_params.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/detail/validate_view.hpp>
#include <poolkit/error.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/bilateral_window.hpp>
#include <poolkit/params.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup bilateral
/// \{

namespace detail {

// The window kernels (kernel/bilateral_window.hpp), by their names here.
using kernel::bilateral_shape;
using kernel::bilateral_window;
using kernel::eigen_matrix;
using kernel::finish_gram;
using kernel::global_product_blocks;
using kernel::gram_workspace;
using kernel::make_bilateral_shape;
using kernel::output_stage;
using kernel::triangle_blocks;
using kernel::window_gram;
using kernel::window_taps;
using kernel::windows_per_run;

template <class T>
void run_bilateral(nchw_view<const T> x, nchw_view<T> y, const pool2d_params& p,
                   const bilateral_options& o, const policy& pol, int threads) {
  const auto g =
      geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
  const bilateral_shape shape =
      make_bilateral_shape(g.h.kernel(), g.w.kernel(), g.h.dilation(), g.w.dilation(), o.weights);
  const row_split split = split_rows(y.extent(0), 1, y.extent(2), threads);
  // No channels (an empty output) means no windows to read: their taps would be offsets
  // from the null data of an empty input.
  if (split.total == 0 || y.empty()) return;
  const index_t C = x.extent(1);
  const index_t run = windows_per_run<T>(C, y.extent(3));
  const auto centre_of = [](const geometry::regular_axis& a, index_t o_pos) {
    const index_t at = a.window_start(o_pos) + (a.kernel() - 1) / 2 * a.dilation();
    return std::clamp<index_t>(at, 0, a.input_size() - 1);
  };
  parallel_for(pol, split.tasks, threads, [&](index_t t) {
    gram_workspace<T> ws;
    output_stage<T> stage(y.extent(1), run);
    split.for_each_piece(t, [&](index_t n, index_t, index_t oh0, index_t oh1) {
      for (index_t oh = oh0; oh < oh1; ++oh) {
        for (index_t ow0 = 0; ow0 < y.extent(3); ow0 += run) {
          const index_t count = std::min(run, y.extent(3) - ow0);
          for (index_t b = 0; b < count; ++b) {
            const index_t ow = ow0 + b;
            const bilateral_window win{g.h.window(oh),       g.w.window(ow),
                                       g.h.window_start(oh), g.w.window_start(ow),
                                       centre_of(g.h, oh),   centre_of(g.w, ow)};
            window_gram(x, n, win, shape, o, ws);
            finish_gram(ws.gram, o);
            stage.put(ws.gram, b, o.layout);
          }
          stage.write(y, n, oh, ow0, count);
        }
      }
    });
  });
}

template <class T>
void run_global_bilateral(nchw_view<const T> x, nchw_view<T> y, const bilateral_options& o,
                          const policy& pol, int threads) {
  const index_t N = x.extent(0), C = x.extent(1), H = x.extent(2), W = x.extent(3);
  if (N == 0 || C == 0) return;
  const bilateral_shape shape = make_bilateral_shape(H, W, 1, 1, o.weights);
  const bilateral_window whole{{0, H, H}, {0, W, W}, 0, 0, (H - 1) / 2, (W - 1) / 2};
  // Uniform weights over a plane with unit column stride and rows of W: the taps matrix
  // is the input itself, HW x C with column stride = the channel stride.
  // (L2 normalisation gathers too, for its rescaling: see window_taps.)
  const bool direct = o.weights.type() == spatial_weights::kind::uniform && !o.sigma_r &&
                      !o.centering && !o.l2_normalize && x.stride(3) == 1 &&
                      (x.stride(2) == W || H == 1);
  using map_type = Eigen::Map<const eigen_matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;
  const auto input_map = [&](index_t n) {
    return map_type(x.data_handle() + x.offset(n, 0, 0, 0), H * W, C,
                    Eigen::OuterStride<>(x.stride(1)));
  };
  const T inv_count = static_cast<T>(1 / static_cast<double>(H * W));
  const std::vector<index_t> bounds = triangle_blocks(C, global_product_blocks(C));
  const auto blocks = static_cast<index_t>(bounds.size() - 1);

  // Prepares image n's taps (unless the input is used directly); false when the image
  // has no weight, and its matrix is zero.
  const auto prepare = [&](gram_workspace<T>& ws, index_t n) {
    ws.gram.resize(C, C);
    if (direct || window_taps(x, n, whole, shape, o, ws)) return true;
    ws.gram.setZero();
    return false;
  };
  // Block b of the lower triangle of image n's matrix.
  const auto compute_block = [&](gram_workspace<T>& ws, index_t n, index_t b) {
    const index_t j0 = bounds[static_cast<std::size_t>(b)];
    const index_t j1 = bounds[static_cast<std::size_t>(b) + 1];
    const auto compute = [&](const auto& a, T alpha) {
      auto diagonal = ws.gram.block(j0, j0, j1 - j0, j1 - j0);
      diagonal.setZero();
      diagonal.template selfadjointView<Eigen::Lower>().rankUpdate(
          a.middleCols(j0, j1 - j0).transpose(), alpha);
      if (j1 < C)
        ws.gram.block(j1, j0, C - j1, j1 - j0).noalias() =
            alpha * (a.rightCols(C - j1).transpose() * a.middleCols(j0, j1 - j0));
    };
    if (direct)
      compute(input_map(n), inv_count);
    else
      compute(ws.taps(), T(1));
  };
  const auto finish_and_store = [&](gram_workspace<T>& ws, index_t n) {
    finish_gram(ws.gram, o);
    output_stage<T> stage(y.extent(1), 1);
    stage.put(ws.gram, 0, o.layout);
    stage.write(y, n, 0, 0, 1);
  };

  if (threads <= 1 || N >= threads || blocks == 1) {
    // One image per task, its blocks in turn.
    parallel_for(pol, N, threads, [&](index_t n) {
      gram_workspace<T> ws;
      if (prepare(ws, n))
        for (index_t b = 0; b < blocks; ++b) compute_block(ws, n, b);
      finish_and_store(ws, n);
    });
    return;
  }
  // Fewer images than threads: the images in turn, each one's blocks shared by the threads.
  gram_workspace<T> ws;
  for (index_t n = 0; n < N; ++n) {
    if (prepare(ws, n))
      parallel_for(pol, blocks, threads, [&](index_t b) { compute_block(ws, n, b); });
    finish_and_store(ws, n);
  }
}

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
  detail::run_bilateral(in, y.view(), p, options, pol, threads);
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
  detail::run_bilateral(in, out_view, p, options, pol, threads);
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
  detail::run_global_bilateral(in, y.view(), options, pol, threads);
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
  detail::run_global_bilateral(in, out_view, options, pol, threads);
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
