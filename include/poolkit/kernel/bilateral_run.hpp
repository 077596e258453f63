// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The work of bilateral pooling (SPEC section 7), local and global, on Eigen: what
// ops/bilateral.hpp runs once a call is validated. ops/bilateral.hpp includes this file
// unless the prebuilt library holds these functions (POOLKIT_USE_PREBUILT_BILATERAL), in
// which case a translation unit that pools bilaterally needs no Eigen at all.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <vector>

#include <poolkit/bilateral_params.hpp>
#include <poolkit/config.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/bilateral_window.hpp>
#include <poolkit/params.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// Local bilateral pooling of a validated call (ops/bilateral.hpp checks): the windows'
/// matrices, output rows split over `threads` tasks.
template <class T>
void run_bilateral(nchw_view<const T> x, nchw_view<T> y, const pool2d_params& p,
                   const bilateral_options& o, const policy& pol, int threads) {
  const auto g =
      geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
  const bilateral_shape shape =
      make_bilateral_shape(g.h.kernel(), g.w.kernel(), g.h.dilation(), g.w.dilation(), o.weights);
  const detail::row_split split = detail::split_rows(y.extent(0), 1, y.extent(2), threads);
  // No channels (an empty output) means no windows to read: their taps would be offsets
  // from the null data of an empty input.
  if (split.total == 0 || y.empty()) return;
  const index_t C = x.extent(1);
  const index_t run = windows_per_run<T>(C, y.extent(3));
  const auto centre_of = [](const geometry::regular_axis& a, index_t o_pos) {
    const index_t at = a.window_start(o_pos) + (a.kernel() - 1) / 2 * a.dilation();
    return std::clamp<index_t>(at, 0, a.input_size() - 1);
  };
  detail::parallel_for(pol, split.tasks, threads, [&](index_t t) {
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

/// Global bilateral pooling of a validated call: one matrix per image, computed in the
/// column blocks of global_product_blocks(C) whatever the thread count (same bits).
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
    detail::parallel_for(pol, N, threads, [&](index_t n) {
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
      detail::parallel_for(pol, blocks, threads, [&](index_t b) { compute_block(ws, n, b); });
    finish_and_store(ws, n);
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
