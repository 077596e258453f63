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

}  // namespace poolkit_bench
