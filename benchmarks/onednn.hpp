// oneDNN's pooling on the same shapes, for the side-by-side rows: the case's own plain
// layout (NCHW, or NHWC for the channels-last cases: what users hold) and oneDNN's
// preferred blocked nChw16c (which would cost them a reorder, not timed here). One thread, set
// through OpenMP, oneDNN's threading runtime on Debian.
#pragma once

#include <benchmark/benchmark.h>
#include <omp.h>

#include <random>

#include <oneapi/dnnl/dnnl.hpp>

#include "bench_cases.hpp"

namespace poolkit_bench {

inline bool onednn_supports(const shape_case& c) {
  // oneDNN has no ceil mode and no dilation in pooling_forward; the suite uses neither.
  return c.regular_max_or_avg() && !c.params.ceil_mode && c.params.dilation == poolkit::hw{1, 1};
}

/// What oneDNN's pooling descriptors need of a case: memory descriptors in `tag`, the
/// algorithm and the window.
struct onednn_window {
  dnnl::memory::desc src, dst;
  dnnl::algorithm algorithm;
  dnnl::memory::dims strides, kernel, pad_l, pad_r;

  onednn_window(const shape_case& c, dnnl::memory::format_tag tag) {
    using dnnl::memory;
    const auto out = c.output();
    src = memory::desc(memory::dims(c.input.begin(), c.input.end()), memory::data_type::f32, tag);
    dst = memory::desc(memory::dims(out.begin(), out.end()), memory::data_type::f32, tag);
    algorithm = c.op == op_kind::max         ? dnnl::algorithm::pooling_max
                : c.params.count_include_pad ? dnnl::algorithm::pooling_avg_include_padding
                                             : dnnl::algorithm::pooling_avg_exclude_padding;
    const auto stride = c.params.effective_stride();
    const auto pad_end = c.params.effective_padding_end();
    strides = {stride.h, stride.w};
    kernel = {c.params.kernel.h, c.params.kernel.w};
    pad_l = {c.params.padding.h, c.params.padding.w};
    pad_r = {pad_end.h, pad_end.w};
  }
};

/// Fills a oneDNN memory with uniform values in [-1, 1).
inline void fill_random(dnnl::memory& m, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  auto* p = static_cast<float*>(m.get_data_handle());
  for (size_t i = 0, n = m.get_desc().get_size() / sizeof(float); i < n; ++i) p[i] = d(rng);
}

inline void run_onednn(benchmark::State& state, const shape_case& c, bool blocked) {
  omp_set_num_threads(1);
  using dnnl::memory;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const onednn_window w(c, blocked           ? memory::format_tag::nChw16c
                           : c.channels_last ? memory::format_tag::nhwc
                                             : memory::format_tag::nchw);
  const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, w.algorithm, w.src,
                                         w.dst, w.strides, w.kernel, w.pad_l, w.pad_r);
  const dnnl::pooling_forward::primitive_desc pd(desc, engine);
  const dnnl::pooling_forward pool(pd);
  memory src(pd.src_desc(), engine);
  memory dst(pd.dst_desc(), engine);
  fill_random(src, 1);
  for (auto _ : state) {
    pool.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    stream.wait();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * c.bytes());
}

/// oneDNN's pooling backward for a backward case: diff_src from diff_dst (and, for max,
/// the workspace of one forward_training run made outside the timed loop: oneDNN routes
/// through its own workspace, not through indices). The same bytes as poolkit's row.
inline void run_onednn_backward(benchmark::State& state, const backward_case& b, bool blocked) {
  omp_set_num_threads(1);
  using dnnl::memory;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const onednn_window w(b.forward,
                        blocked ? memory::format_tag::nChw16c : memory::format_tag::nchw);
  const dnnl::pooling_forward::primitive_desc fwd_pd(
      dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, w.algorithm, w.src, w.dst,
                                  w.strides, w.kernel, w.pad_l, w.pad_r),
      engine);
  const dnnl::pooling_backward::primitive_desc bwd_pd(
      dnnl::pooling_backward::desc(w.algorithm, w.src, w.dst, w.strides, w.kernel, w.pad_l,
                                   w.pad_r),
      engine, fwd_pd);
  memory src(fwd_pd.src_desc(), engine), dst(fwd_pd.dst_desc(), engine);
  memory workspace(fwd_pd.workspace_desc(), engine);
  memory diff_dst(bwd_pd.diff_dst_desc(), engine), diff_src(bwd_pd.diff_src_desc(), engine);
  fill_random(src, 1);
  fill_random(diff_dst, 2);
  dnnl::pooling_forward(fwd_pd).execute(
      stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_WORKSPACE, workspace}});
  const dnnl::pooling_backward backward(bwd_pd);
  for (auto _ : state) {
    backward.execute(stream, {{DNNL_ARG_DIFF_DST, diff_dst},
                              {DNNL_ARG_WORKSPACE, workspace},
                              {DNNL_ARG_DIFF_SRC, diff_src}});
    stream.wait();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * b.bytes());
}

}  // namespace poolkit_bench
