// poolkit benchmarks (Google Benchmark). Throughput counts input + output bytes once
// (SetBytesProcessed), so bytes_per_second is the GB/s the performance contract talks
// about (shared/DESIGN.md). A first smoke benchmark; the full shape suite comes with the
// SIMD policy layer.
#include <benchmark/benchmark.h>

#include <random>

#include <poolkit/poolkit.hpp>

namespace {

poolkit::tensor<float> random_input(const poolkit::extents4& e) {
  poolkit::tensor<float> x(e);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1, 1);
  for (float& v : x.values()) v = d(rng);
  return x;
}

template <class Op>
void run(benchmark::State& state, const poolkit::extents4& in, const poolkit::pool2d_params& p,
         Op op) {
  const auto x = random_input(in);
  poolkit::tensor<float> y(poolkit::pool2d_output_extents(in, p));
  for (auto _ : state) {
    op(x, y, p);
    benchmark::DoNotOptimize(y.data_handle());
    benchmark::ClobberMemory();
  }
  const auto bytes = static_cast<int64_t>(sizeof(float)) * (x.size() + y.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * bytes);
}

void S1_max_2x2s2(benchmark::State& state) {
  run(state, {1, 64, 224, 224}, {.kernel = {2, 2}},
      [](const auto& x, auto& y, const auto& p) { poolkit::max_pool2d(x, y, p); });
}
void S2_max_3x3s2p1(benchmark::State& state) {
  run(state, {1, 64, 112, 112}, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}},
      [](const auto& x, auto& y, const auto& p) { poolkit::max_pool2d(x, y, p); });
}
void S4_avg_2x2s2(benchmark::State& state) {
  run(state, {1, 128, 56, 56}, {.kernel = {2, 2}},
      [](const auto& x, auto& y, const auto& p) { poolkit::avg_pool2d(x, y, p); });
}

}  // namespace

BENCHMARK(S1_max_2x2s2)->Name("S1/poolkit_scalar")->Unit(benchmark::kMicrosecond);
BENCHMARK(S2_max_3x3s2p1)->Name("S2/poolkit_scalar")->Unit(benchmark::kMicrosecond);
BENCHMARK(S4_avg_2x2s2)->Name("S4/poolkit_scalar")->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
