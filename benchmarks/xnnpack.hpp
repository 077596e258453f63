// XNNPACK's NHWC pooling operators on the same shapes, for the side-by-side rows
// (`<case>/xnnpack_nhwc`): what a channels-last user would otherwise call. The input is
// the case's logical tensor stored N, H, W, C (the copy is made before the timed loop);
// one thread (no pthreadpool). Built when Debian's libxnnpack-dev is found.
#pragma once

#include <benchmark/benchmark.h>
#include <xnnpack.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "bench_cases.hpp"

namespace poolkit_bench {

/// XNNPACK has max and average pooling over regular windows (the average excludes
/// padding, as S5 asks; S4 and S7 have none) and a global average. No ceil mode, no
/// dilation for averages.
inline bool xnnpack_supports(const shape_case& c) {
  if (!c.regular_max_or_avg() || c.params.ceil_mode) return false;
  if (c.op == op_kind::avg && c.params.count_include_pad && c.params.padding != poolkit::hw{0, 0})
    return false;
  return c.params.kernel.h * c.params.kernel.w > 1;
}

/// One operator, created once; every iteration runs it on the same NHWC buffers.
inline void run_xnnpack(benchmark::State& state, const shape_case& c) {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  const poolkit::extents4 in = c.input;
  const poolkit::extents4 out = c.output();
  const auto channels = static_cast<std::size_t>(in[1]);
  std::vector<float> x(static_cast<std::size_t>(in[0] * in[1] * in[2] * in[3]));
  std::vector<float> y(static_cast<std::size_t>(out[0] * out[1] * out[2] * out[3]));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  for (float& v : x) v = d(rng);

  const auto u32 = [](poolkit::index_t v) { return static_cast<std::uint32_t>(v); };
  const poolkit::pool2d_params& p = c.params;
  const poolkit::hw stride = p.effective_stride();
  const poolkit::hw pad_end = p.effective_padding_end();
  constexpr float lowest = -std::numeric_limits<float>::infinity();
  constexpr float highest = std::numeric_limits<float>::infinity();
  xnn_operator_t op = nullptr;
  xnn_status status = xnn_status_success;
  if (c.op == op_kind::global_avg) {
    status = xnn_create_global_average_pooling_nwc_f32(channels, channels, channels, lowest,
                                                       highest, 0, &op);
    if (status == xnn_status_success)
      status = xnn_setup_global_average_pooling_nwc_f32(op, static_cast<std::size_t>(in[0]),
                                                        static_cast<std::size_t>(in[2] * in[3]),
                                                        x.data(), y.data(), nullptr);
  } else if (c.op == op_kind::max) {
    status = xnn_create_max_pooling2d_nhwc_f32(
        u32(p.padding.h), u32(pad_end.w), u32(pad_end.h), u32(p.padding.w), u32(p.kernel.h),
        u32(p.kernel.w), u32(stride.h), u32(stride.w), u32(p.dilation.h), u32(p.dilation.w),
        channels, channels, channels, lowest, highest, 0, &op);
    if (status == xnn_status_success)
      status = xnn_setup_max_pooling2d_nhwc_f32(
          op, static_cast<std::size_t>(in[0]), static_cast<std::size_t>(in[2]),
          static_cast<std::size_t>(in[3]), x.data(), y.data(), nullptr);
  } else {
    status = xnn_create_average_pooling2d_nhwc_f32(
        u32(p.padding.h), u32(pad_end.w), u32(pad_end.h), u32(p.padding.w), u32(p.kernel.h),
        u32(p.kernel.w), u32(stride.h), u32(stride.w), channels, channels, channels, lowest,
        highest, 0, &op);
    if (status == xnn_status_success)
      status = xnn_setup_average_pooling2d_nhwc_f32(
          op, static_cast<std::size_t>(in[0]), static_cast<std::size_t>(in[2]),
          static_cast<std::size_t>(in[3]), x.data(), y.data(), nullptr);
  }
  if (status != xnn_status_success) {
    state.SkipWithError("XNNPACK refused the case");
    if (op != nullptr) xnn_delete_operator(op);
    return;
  }
  for (auto _ : state) {
    xnn_run_operator(op, nullptr);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  xnn_delete_operator(op);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * c.bytes());
}

}  // namespace poolkit_bench
