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

inline void run_onednn(benchmark::State& state, const shape_case& c, bool blocked) {
  omp_set_num_threads(1);
  using dnnl::memory;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const auto out = c.output();
  const memory::dims src_dims(c.input.begin(), c.input.end());
  const memory::dims dst_dims(out.begin(), out.end());
  const auto tag = blocked           ? memory::format_tag::nChw16c
                   : c.channels_last ? memory::format_tag::nhwc
                                     : memory::format_tag::nchw;
  const memory::desc src_md(src_dims, memory::data_type::f32, tag);
  const memory::desc dst_md(dst_dims, memory::data_type::f32, tag);
  const auto stride = c.params.effective_stride();
  const auto pad_end = c.params.effective_padding_end();
  const auto algorithm = c.op == op_kind::max ? dnnl::algorithm::pooling_max
                         : c.params.count_include_pad
                             ? dnnl::algorithm::pooling_avg_include_padding
                             : dnnl::algorithm::pooling_avg_exclude_padding;
  const dnnl::pooling_forward::desc desc(
      dnnl::prop_kind::forward_inference, algorithm, src_md, dst_md, {stride.h, stride.w},
      {c.params.kernel.h, c.params.kernel.w}, {c.params.padding.h, c.params.padding.w},
      {pad_end.h, pad_end.w});
  const dnnl::pooling_forward::primitive_desc pd(desc, engine);
  const dnnl::pooling_forward pool(pd);
  memory src(pd.src_desc(), engine);
  memory dst(pd.dst_desc(), engine);
  auto* p = static_cast<float*>(src.get_data_handle());
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  for (size_t i = 0, n = pd.src_desc().get_size() / sizeof(float); i < n; ++i) p[i] = d(rng);
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
  const shape_case& c = b.forward;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const auto out = c.output();
  const memory::dims src_dims(c.input.begin(), c.input.end());
  const memory::dims dst_dims(out.begin(), out.end());
  const auto tag = blocked ? memory::format_tag::nChw16c : memory::format_tag::nchw;
  const memory::desc src_md(src_dims, memory::data_type::f32, tag);
  const memory::desc dst_md(dst_dims, memory::data_type::f32, tag);
  const auto stride = c.params.effective_stride();
  const auto pad_end = c.params.effective_padding_end();
  const auto algorithm = c.op == op_kind::max ? dnnl::algorithm::pooling_max
                         : c.params.count_include_pad
                             ? dnnl::algorithm::pooling_avg_include_padding
                             : dnnl::algorithm::pooling_avg_exclude_padding;
  const memory::dims strides{stride.h, stride.w}, kernel{c.params.kernel.h, c.params.kernel.w};
  const memory::dims pad_l{c.params.padding.h, c.params.padding.w}, pad_r{pad_end.h, pad_end.w};
  const dnnl::pooling_forward::primitive_desc fwd_pd(
      dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, algorithm, src_md, dst_md,
                                  strides, kernel, pad_l, pad_r),
      engine);
  const dnnl::pooling_backward::primitive_desc bwd_pd(
      dnnl::pooling_backward::desc(algorithm, src_md, dst_md, strides, kernel, pad_l, pad_r),
      engine, fwd_pd);
  memory src(fwd_pd.src_desc(), engine), dst(fwd_pd.dst_desc(), engine);
  memory workspace(fwd_pd.workspace_desc(), engine);
  memory diff_dst(bwd_pd.diff_dst_desc(), engine), diff_src(bwd_pd.diff_src_desc(), engine);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  for (memory* m : {&src, &diff_dst}) {
    auto* p = static_cast<float*>(m->get_data_handle());
    for (size_t i = 0, n = m->get_desc().get_size() / sizeof(float); i < n; ++i) p[i] = d(rng);
  }
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
