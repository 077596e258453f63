// Bilateral pooling rows of poolkit_bench (built when Eigen is found). Compute-bound, so
// they report FLOP rates (counter "flops", 2 C^2 K per window for K taps, as a GEMM of
// the same shape would count it) beside a reference Eigen product in the same run:
//   BIL-G  global, 1 x 512 x 28 x 28: poolkit (1 and 2 threads) and eigen_gemm, Eigen's
//          own MatrixXf product X^T X of the same 784 x 512 matrix;
//   BIL-L  local 3x3 s2 p1 on 1 x 64 x 56 x 56: poolkit (1 and 2 threads) and the memory
//          roofline of its input and (C x C per window) output bytes.
// Eigen has no runtime dispatch: both sides run the vector code the build's flags allow
// (configure with -DPOOLKIT_BENCH_NATIVE=ON for -march=native).
#pragma once

#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

#include "roofline.hpp"

namespace poolkit_bench {

struct bilateral_case {
  const char* id;
  poolkit::extents4 input;
  bool global;
  poolkit::pool2d_params params;

  poolkit::extents4 output() const {
    const poolkit::index_t cc = input[1] * input[1];
    if (global) return {input[0], cc, 1, 1};
    const poolkit::extents4 o = poolkit::pool2d_output_extents(input, params);
    return {o[0], cc, o[2], o[3]};
  }
  double flops() const {
    const double c = static_cast<double>(input[1]);
    const poolkit::extents4 o = output();
    const double windows = static_cast<double>(o[0] * o[2] * o[3]);
    const double taps = global ? static_cast<double>(input[2] * input[3])
                               : static_cast<double>(params.kernel.h * params.kernel.w);
    return 2 * c * c * taps * windows;
  }
  int64_t bytes() const {
    const poolkit::extents4 o = output();
    return static_cast<int64_t>(sizeof(float)) *
           (input[0] * input[1] * input[2] * input[3] + o[0] * o[1] * o[2] * o[3]);
  }
};

inline void set_rates(benchmark::State& state, double flops_per_iteration, int64_t bytes) {
  state.counters["flops"] = benchmark::Counter(
      flops_per_iteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * bytes);
}

template <class Fill>
void register_bilateral(const bilateral_case& c, Fill fill) {
  const std::string id = c.id;
  const auto add = [&](const std::string& impl, auto fn) {
    // Wall-clock rates: the threaded rows' work is not all on the calling thread.
    benchmark::RegisterBenchmark((id + "/" + impl).c_str(), fn)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  };
  const auto run = [c, fill](benchmark::State& state, int threads) {
    poolkit::tensor<float> x(c.input);
    fill(x);
    poolkit::tensor<float> y(c.output());
    for (auto _ : state) {
      if (c.global)
        poolkit::global_bilateral_pool2d(x, y, {}, {.threads = threads});
      else
        poolkit::bilateral_pool2d(x, y, c.params, {}, {.threads = threads});
      benchmark::DoNotOptimize(y.data_handle());
      benchmark::ClobberMemory();
    }
    set_rates(state, c.flops(), c.bytes());
  };
  add("poolkit", [run](benchmark::State& s) { run(s, 1); });
  add("poolkit_2threads", [run](benchmark::State& s) { run(s, 2); });
  if (c.global) {
    // Eigen's own product on the same matrix: X (HW x C, the NCHW image seen column by
    // column), G = X^T X, one thread.
    add("eigen_gemm", [c, fill](benchmark::State& state) {
      poolkit::tensor<float> x(c.input);
      fill(x);
      const poolkit::index_t hw = c.input[2] * c.input[3], ch = c.input[1];
      const Eigen::MatrixXf a = Eigen::Map<const Eigen::MatrixXf>(x.data_handle(), hw, ch);
      Eigen::MatrixXf g(ch, ch);
      for (auto _ : state) {
        g.noalias() = a.transpose() * a;
        benchmark::DoNotOptimize(g.data());
        benchmark::ClobberMemory();
      }
      set_rates(state, c.flops(), c.bytes());
    });
  } else {
    add("roofline", [c, fill](benchmark::State& state) {
      poolkit::tensor<float> x(c.input);
      fill(x);
      const poolkit::extents4 o = c.output();
      const int64_t out = o[0] * o[1] * o[2] * o[3];
      poolkit::tensor<float> y({1, 1, 1, out});
      const roofline roof(x.size(), out);
      for (auto _ : state) {
        roof.run(x.data_handle(), y.data_handle(), 1);
        benchmark::DoNotOptimize(y.data_handle());
        benchmark::ClobberMemory();
      }
      set_rates(state, 0, c.bytes());
    });
  }
}

inline std::vector<bilateral_case> bilateral_suite() {
  return {
      {"BIL-G", {1, 512, 28, 28}, true, {}},
      {"BIL-L", {1, 64, 56, 56}, false, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}}},
  };
}

}  // namespace poolkit_bench
