// Thread safety: several threads call every operation at once on one shared input, with
// the calling thread only, poolkit's own pool (contended: one job runs at a time, the
// others run on their caller) and a user executor; each result must equal the scalar
// single-thread result bit for bit. CI runs this program under ThreadSanitizer
// (the `tsan` preset), which reports any data race the calls cause.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include "catalogue.hpp"
#include "test_support.hpp"

namespace {

using poolkit::index_t;

/// A user executor that runs each task on a thread of its own.
void spawn_executor(index_t tasks, const std::function<void(index_t)>& task) {
  std::vector<std::thread> threads;
  for (index_t t = 0; t < tasks; ++t) threads.emplace_back([&task, t] { task(t); });
  for (auto& th : threads) th.join();
}

template <class T>
bool same_outputs(const catalogue::outputs<T>& a, const catalogue::outputs<T>& b) {
  if (a.values.extents() != b.values.extents()) return false;
  for (index_t i = 0; i < a.values.size(); ++i)
    if (!test::same_value(a.values.data_handle()[i], b.values.data_handle()[i])) return false;
  return test::values_of(a.indices) == test::values_of(b.indices);
}

template <class T>
void concurrent_calls(int callers, int rounds) {
  const auto ops = catalogue::all_operations<T>();
  // Big enough that automatic threading picks several threads for the regular kernels.
  poolkit::tensor<T> x({2, 3, 37, 70});
  std::mt19937_64 rng(5);
  for (T& v : x.values()) v = static_cast<T>(static_cast<int>(rng() % 101) - 50) / T(8);
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  std::vector<catalogue::outputs<T>> want;
  for (const auto& op : ops) want.push_back(op.fresh(x, scalar));

  const poolkit::policy policies[] = {
      {.threads = 1}, {.threads = 0}, {.threads = 3}, {.threads = 4, .executor = spawn_executor}};
  std::atomic<long> calls{0};
  std::atomic<long> mismatches{0};
  std::vector<std::thread> threads;
  for (int id = 0; id < callers; ++id)
    threads.emplace_back([&, id] {
      for (int round = 0; round < rounds; ++round)
        for (std::size_t i = 0; i < ops.size(); ++i) {
          const auto& pol =
              policies[(static_cast<std::size_t>(id + round) + i) % std::size(policies)];
          if (!same_outputs(want[i], ops[i].fresh(x, pol))) mismatches.fetch_add(1);
          calls.fetch_add(1);
        }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(calls.load(), static_cast<long>(callers * rounds) * static_cast<long>(ops.size()));
}

TEST(Threads, ConcurrentCallsOnSharedInputFloat) { concurrent_calls<float>(4, 2); }
TEST(Threads, ConcurrentCallsOnSharedInputDouble) { concurrent_calls<double>(3, 1); }

// Many short threaded calls back to back from two callers: the pool's hand-over between
// jobs (ticket, helpers, finish count) under contention.
TEST(Threads, PoolHandOverUnderContention) {
  poolkit::tensor<float> x({1, 8, 16, 16});
  for (index_t i = 0; i < x.size(); ++i) x.data_handle()[i] = static_cast<float>(i % 13);
  const auto want = poolkit::avg_pool2d(x, {.kernel = {2, 2}},
                                        {.isa = poolkit::instruction_set::scalar, .threads = 1});
  std::atomic<long> mismatches{0};
  auto caller = [&] {
    for (int i = 0; i < 300; ++i) {
      const auto y = poolkit::avg_pool2d(x, {.kernel = {2, 2}}, {.threads = 2});
      if (test::values_of(y) != test::values_of(want)) mismatches.fetch_add(1);
    }
  };
  std::thread a(caller), b(caller);
  a.join();
  b.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
