// poolkit_bench: the shape suite of shared/DESIGN.md, side by side with a memory
// roofline and (when built with oneDNN) oneDNN's pooling, all in one run.
//
// Every benchmark is named <case>/<impl> and reports bytes_per_second over the input plus
// output bytes, each counted once (SetBytesProcessed). Rows:
//   poolkit            best instruction set of this CPU, one thread
//   poolkit_<isa>      a forced instruction set (scalar, sse2, avx2, avx512), one thread
//   poolkit_2threads   best instruction set, two threads
//   roofline           a streaming kernel reading the same input bytes and writing the same
//                      output bytes (same cache regime), one thread; _2threads: two
//   onednn_nchw        oneDNN on plain NCHW (what our users hold), one thread
//   onednn_nhwc        the channels-last cases (S1c ...): oneDNN on plain NHWC, one thread
//   onednn_blocked     oneDNN on its blocked nChw16c layout (needs a reorder), one thread
//   xnnpack_nhwc       XNNPACK's NHWC operator on the same tensor stored channels-last (built
//                      with libxnnpack-dev), one thread
//
// Backward cases B1 ... B8 (the gradients of S1 ... S8, issue 18) count dy, the indices
// where read and dx written; their oneDNN rows run pooling_backward (max through the
// workspace of a forward_training run made outside the timed loop).
//
// With the default console output a summary table follows: GB/s, % of roofline, ratio to
// oneDNN; then, when built with Eigen, the bilateral rows' FLOP rates against Eigen's own
// product (bilateral_bench.hpp). `--benchmark_format=json` prints plain JSON instead.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <poolkit/poolkit.hpp>

#include "bench_cases.hpp"
#include "roofline.hpp"

#if POOLKIT_BENCH_WITH_ONEDNN
#include "onednn.hpp"
#endif
#if POOLKIT_BENCH_WITH_EIGEN
#include "bilateral_bench.hpp"
#endif
#if POOLKIT_BENCH_WITH_XNNPACK
#include "xnnpack.hpp"
#endif

namespace {

using poolkit::index_t;
using poolkit_bench::shape_case;

poolkit::tensor<float> random_tensor(const poolkit::extents4& e, unsigned seed) {
  poolkit::tensor<float> x(e);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  for (float& v : x.values()) v = d(rng);
  return x;
}

void set_bytes(benchmark::State& state, const shape_case& c) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * c.bytes());
}

/// A tensor's elements in case c's layout: `values` (aligned as a tensor's) holds them,
/// `view` sees them.
struct laid_out {
  poolkit::tensor<float> values;
  poolkit::nchw_view<float> view;
  laid_out(const shape_case& c, const poolkit::tensor<float>& t)
      : values({1, 1, 1, t.size()}),
        view(values.data_handle(), t.extents(), c.strides_of(t.extents())) {
    // Element (n, c, h, w) of t to its place in this layout.
    const auto e = t.extents();
    for (index_t n = 0; n < e[0]; ++n)
      for (index_t ch = 0; ch < e[1]; ++ch)
        for (index_t h = 0; h < e[2]; ++h)
          for (index_t w = 0; w < e[3]; ++w) view(n, ch, h, w) = t(n, ch, h, w);
  }
};

void run_poolkit(benchmark::State& state, const shape_case& c, poolkit::policy pol) {
  const laid_out x(c, random_tensor(c.input, 1));
  laid_out y(c, poolkit::tensor<float>(c.output()));
  // Stochastic inference writes no indices: an empty view tells it so.
  poolkit::tensor<index_t> idx(c.writes_indices() ? c.output() : poolkit::extents4{});
  const auto samples = poolkit::fractional_samples<float>(c.input[0], c.input[1], 1);
  for (auto _ : state) {
    c.run(x.view, y.view, idx.view(), samples, pol);
    benchmark::DoNotOptimize(y.values.data_handle());
    benchmark::ClobberMemory();
  }
  set_bytes(state, c);
}

void run_roofline(benchmark::State& state, const shape_case& c, int threads) {
  const auto x = random_tensor(c.input, 1);
  poolkit::tensor<float> y({1, 1, 1, c.output_elements()});
  const poolkit_bench::roofline roof(x.size(), c.output_elements());
  for (auto _ : state) {
    roof.run(x.data_handle(), y.data_handle(), threads);
    benchmark::DoNotOptimize(y.data_handle());
    benchmark::ClobberMemory();
  }
  set_bytes(state, c);
}

void register_case(const shape_case& c) {
  const std::string id = c.id;
  const auto add = [&](const std::string& impl, auto fn) {
    benchmark::RegisterBenchmark((id + "/" + impl).c_str(), fn)->Unit(benchmark::kMicrosecond);
  };
  add("poolkit", [c](benchmark::State& s) { run_poolkit(s, c, {.threads = 1}); });
  for (poolkit::instruction_set isa : poolkit::available_instruction_sets()) {
    add("poolkit_" + std::string(poolkit::name_of(isa)),
        [c, isa](benchmark::State& s) { run_poolkit(s, c, {.isa = isa, .threads = 1}); });
  }
  add("poolkit_2threads", [c](benchmark::State& s) { run_poolkit(s, c, {.threads = 2}); });
  add("roofline", [c](benchmark::State& s) { run_roofline(s, c, 1); });
  add("roofline_2threads", [c](benchmark::State& s) { run_roofline(s, c, 2); });
#if POOLKIT_BENCH_WITH_ONEDNN
  if (poolkit_bench::onednn_supports(c)) {
    // A channels-last case's blocked row would repeat its NCHW twin's.
    add(c.channels_last ? "onednn_nhwc" : "onednn_nchw",
        [c](benchmark::State& s) { poolkit_bench::run_onednn(s, c, false); });
    if (!c.channels_last)
      add("onednn_blocked", [c](benchmark::State& s) { poolkit_bench::run_onednn(s, c, true); });
  }
#endif
#if POOLKIT_BENCH_WITH_XNNPACK
  if (poolkit_bench::xnnpack_supports(c))
    add("xnnpack_nhwc", [c](benchmark::State& s) { poolkit_bench::run_xnnpack(s, c); });
#endif
}

/// A backward case: dx from dy (and the forward's indices), into a caller's dx.
void run_poolkit_backward(benchmark::State& state, const poolkit_bench::backward_case& b,
                          poolkit::policy pol) {
  const auto& c = b.forward;
  const auto x = random_tensor(c.input, 1);
  const auto dy = random_tensor(c.output(), 2);
  // The forward's indices for max; the other cases read none.
  const poolkit::tensor<index_t> idx = b.routed()
                                           ? poolkit::max_pool2d_with_indices(x, c.params).indices
                                           : poolkit::tensor<index_t>(c.output());
  poolkit::tensor<float> dx(c.input);
  for (auto _ : state) {
    b.run(dy, idx, dx.view(), pol);
    benchmark::DoNotOptimize(dx.data_handle());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * b.bytes());
}

/// The roofline of a backward case: dy and the indices read, dx written, streamed.
void run_backward_roofline(benchmark::State& state, const poolkit_bench::backward_case& b,
                           int threads) {
  const auto& c = b.forward;
  const auto out = c.output();
  const int64_t read = out[0] * out[1] * out[2] * out[3] * (b.routed() ? 3 : 1);
  const int64_t written = c.input[0] * c.input[1] * c.input[2] * c.input[3];
  const auto in = random_tensor({1, 1, 1, read}, 1);
  poolkit::tensor<float> dx({1, 1, 1, written});
  const poolkit_bench::roofline roof(read, written);
  for (auto _ : state) {
    roof.run(in.data_handle(), dx.data_handle(), threads);
    benchmark::DoNotOptimize(dx.data_handle());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * b.bytes());
}

void register_backward_case(const poolkit_bench::backward_case& b) {
  const auto add = [&](const std::string& impl, auto fn) {
    benchmark::RegisterBenchmark((b.id + "/" + impl).c_str(), fn)->Unit(benchmark::kMicrosecond);
  };
  add("poolkit", [b](benchmark::State& s) { run_poolkit_backward(s, b, {.threads = 1}); });
  add("poolkit_2threads", [b](benchmark::State& s) { run_poolkit_backward(s, b, {.threads = 2}); });
  add("roofline", [b](benchmark::State& s) { run_backward_roofline(s, b, 1); });
  add("roofline_2threads", [b](benchmark::State& s) { run_backward_roofline(s, b, 2); });
#if POOLKIT_BENCH_WITH_ONEDNN
  add("onednn_nchw", [b](benchmark::State& s) { poolkit_bench::run_onednn_backward(s, b, false); });
  add("onednn_blocked",
      [b](benchmark::State& s) { poolkit_bench::run_onednn_backward(s, b, true); });
#endif
}

/// Console output plus, at the end, one line per case with the ratios that matter.
class table_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const auto it = r.counters.find("bytes_per_second");
      if (it == r.counters.end() || r.error_occurred) continue;
      std::string name = r.benchmark_name();
      if (const auto suffix = name.find("/real_time"); suffix != std::string::npos)
        name.erase(suffix);
      const auto slash = name.find('/');
      const auto flops = r.counters.find("flops");
      if (flops != r.counters.end())
        gflops_[name.substr(0, slash)][name.substr(slash + 1)] = flops->second.value / 1e9;
      gbps_[name.substr(0, slash)][name.substr(slash + 1)] = it->second.value / 1e9;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-5s %9s %9s %6s %9s %6s %9s %6s %9s %6s %8s %9s %6s %6s\n", "case", "poolkit",
                "roofline", "%roof", "dnn_plain", "x", "dnn_blk", "x", "xnn_nhwc", "x", "scalar",
                "2threads", "%roof2", "x1t");
    for (const auto& entry : gbps_) {
      // Plain names, not structured bindings: Clang 14 cannot capture a binding.
      const std::string& id = entry.first;
      if (gflops_.count(id) != 0) continue;  // compute-bound: the FLOP table below
      const auto& rows = entry.second;
      const auto get = [&rows](const char* impl) {
        const auto it = rows.find(impl);
        return it == rows.end() ? 0.0 : it->second;
      };
      const double pk = get("poolkit");
      const double roof = get("roofline");
      const double nchw = std::max(get("onednn_nchw"), get("onednn_nhwc"));
      const double blocked = get("onednn_blocked");
      const double xnn = get("xnnpack_nhwc");
      const double two = get("poolkit_2threads");
      const double roof2 = get("roofline_2threads");
      const auto pct = [](double a, double b) { return b > 0 ? 100.0 * a / b : 0.0; };
      const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
      std::printf(
          "%-5s %9.1f %9.1f %5.0f%% %9.1f %6.2f %9.1f %6.2f %9.1f %6.2f %8.2f %9.1f %5.0f%% "
          "%6.2f\n",
          id.c_str(), pk, roof, pct(pk, roof), nchw, ratio(pk, nchw), blocked, ratio(pk, blocked),
          xnn, ratio(pk, xnn), get("poolkit_scalar"), two, pct(two, roof2), ratio(two, pk));
    }
    std::printf(
        "GB/s over input + output bytes; x = poolkit / the column before; x1t = 2 threads / 1;\n"
        "dnn_plain = oneDNN on the case's own layout (NCHW; NHWC for the channels-last cases).\n");
    if (gflops_.empty()) return;
    std::printf("\n%-6s %9s %10s %6s %9s %6s %8s %9s %6s\n", "case", "GFLOP/s", "eigen_gemm",
                "%gemm", "2threads", "x1t", "GB/s", "roofline", "%roof");
    for (const auto& entry : gflops_) {
      const auto& rows = entry.second;
      const auto& bytes = gbps_[entry.first];
      const auto get = [](const std::map<std::string, double>& m, const char* impl) {
        const auto it = m.find(impl);
        return it == m.end() ? 0.0 : it->second;
      };
      const double pk = get(rows, "poolkit"), gemm = get(rows, "eigen_gemm");
      const double two = get(rows, "poolkit_2threads");
      const double gbps = get(bytes, "poolkit"), roof = get(bytes, "roofline");
      std::printf("%-6s %9.1f %10.1f %5.0f%% %9.1f %6.2f %8.1f %9.1f %5.0f%%\n",
                  entry.first.c_str(), pk, gemm, gemm > 0 ? 100 * pk / gemm : 0.0, two,
                  pk > 0 ? two / pk : 0.0, gbps, roof, roof > 0 ? 100 * gbps / roof : 0.0);
    }
    std::printf(
        "GFLOP/s at 2 C^2 K per window (K taps); %%gemm = poolkit / Eigen's X^T X, same run.\n");
  }

 private:
  std::map<std::string, std::map<std::string, double>> gbps_;
  std::map<std::string, std::map<std::string, double>> gflops_;
};

}  // namespace

int main(int argc, char** argv) {
  for (const shape_case& c : poolkit_bench::suite()) register_case(c);
  for (const auto& b : poolkit_bench::backward_suite()) register_backward_case(b);
#if POOLKIT_BENCH_WITH_EIGEN
  // The oneDNN rows bring OpenMP, under which Eigen threads its own products: one thread,
  // so that eigen_gemm and the poolkit rows use the threads their names say.
  Eigen::setNbThreads(1);
  for (const auto& c : poolkit_bench::bilateral_suite())
    poolkit_bench::register_bilateral(
        c, [](poolkit::tensor<float>& x) { x = random_tensor(x.extents(), 1); });
#endif
  bool plain_format = false;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--benchmark_format=", 19) == 0 &&
        std::strcmp(argv[i], "--benchmark_format=console") != 0)
      plain_format = true;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (plain_format) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    table_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
  }
  benchmark::Shutdown();
  return 0;
}
