// The policy layer: instruction-set selection (API and POOLKIT_ISA), threads and a
// caller's executor. Results never depend on either.
#include "test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

namespace {

using poolkit::instruction_set;

poolkit::tensor<float> random_input(const poolkit::extents4& e, unsigned seed) {
  poolkit::tensor<float> x(e);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-4, 4);
  for (float& v : x.values()) v = d(rng);
  return x;
}

bool bitwise_equal(const poolkit::tensor<float>& a, const poolkit::tensor<float>& b) {
  return a.extents() == b.extents() &&
         std::memcmp(a.data_handle(), b.data_handle(), static_cast<std::size_t>(a.size()) * 4) == 0;
}

TEST(Policy, ThisTestProgramIsBuiltWithoutMFlags) {
  // The tests are compiled with no -m flags: the baseline is x86-64's SSE2, and the SIMD
  // kernels run through runtime dispatch alone.
#if defined(__x86_64__)
  EXPECT_NE(std::string(poolkit::abi_namespace_name()).find("sse2"), std::string::npos)
      << poolkit::abi_namespace_name();
#endif
}

TEST(Policy, BestIsTheFirstAvailableUnlessTheEnvironmentSaysOtherwise) {
  if (std::getenv("POOLKIT_ISA") != nullptr) GTEST_SKIP() << "POOLKIT_ISA is set";
  const auto sets = poolkit::available_instruction_sets();
  ASSERT_FALSE(sets.empty());
  EXPECT_EQ(sets.back(), instruction_set::scalar);
  EXPECT_EQ(poolkit::selected_instruction_set(), sets.front());
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) {
    EXPECT_EQ(sets.front(), instruction_set::avx512);
  } else if (__builtin_cpu_supports("avx2")) {
    EXPECT_EQ(sets.front(), instruction_set::avx2);
  }
#endif
}

TEST(Policy, EnvironmentVariable) {
  // Run by CTest with POOLKIT_ISA set and the expected outcome in POOLKIT_TEST_EXPECT.
  const char* expect = std::getenv("POOLKIT_TEST_EXPECT");
  if (expect == nullptr) GTEST_SKIP() << "run through CTest's policy.env.* tests";
  const std::string want(expect);
  if (want.rfind("error:", 0) == 0) {
    test::expect_error([] { poolkit::selected_instruction_set(); }, {want.substr(6)});
    const auto x = random_input({1, 1, 4, 4}, 1);
    test::expect_error([&] { poolkit::max_pool2d(x, {.kernel = {2, 2}}); }, {want.substr(6)});
  } else if (want == "best") {
    EXPECT_EQ(poolkit::selected_instruction_set(), poolkit::available_instruction_sets().front());
  } else {
    EXPECT_EQ(poolkit::name_of(poolkit::selected_instruction_set()), want);
  }
}

TEST(Policy, ExplicitRequestsMustBeAvailable) {
  const auto x = random_input({1, 2, 9, 9}, 2);
#if defined(__x86_64__)
  test::expect_error(
      [&] {
        poolkit::max_pool2d(x, {.kernel = {2, 2}}, {.isa = instruction_set::neon});
      },
      {"poolkit::max_pool2d: policy.isa = neon", "this build has no kernels for it"});
  if (!__builtin_cpu_supports("avx512f"))
    test::expect_error(
        [&] {
          poolkit::max_pool2d(x, {.kernel = {2, 2}}, {.isa = instruction_set::avx512});
        },
        {"policy.isa = avx512", "this CPU does not support it"});
#endif
  for (instruction_set s : poolkit::available_instruction_sets())
    EXPECT_NO_THROW(poolkit::avg_pool2d(x, {.kernel = {3, 3}}, {.isa = s}));
}

TEST(Policy, NegativeThreadsAreAnError) {
  const auto x = random_input({1, 1, 4, 4}, 3);
  poolkit::tensor<float> y({1, 1, 2, 2});
  const auto before = y;
  test::expect_error(
      [&] {
        poolkit::max_pool2d(x, y, {.kernel = {2, 2}}, {.threads = -2});
      },
      {"poolkit::max_pool2d: policy.threads = -2", "must be >= 0"});
  EXPECT_TRUE(bitwise_equal(y, before));
}

TEST(Threads, ResultsDoNotDependOnTheThreadCount) {
  // Fewer planes than threads too: rows are split within planes then.
  for (const poolkit::extents4 e :
       {poolkit::extents4{2, 5, 61, 47}, poolkit::extents4{1, 1, 200, 90}}) {
    const auto x = random_input(e, 4);
    const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 1}, .padding = {1, 1}};
    for (instruction_set s : poolkit::available_instruction_sets()) {
      const auto one = poolkit::avg_pool2d(x, p, {.isa = s, .threads = 1});
      const auto one_max = poolkit::max_pool2d(x, p, {.isa = s, .threads = 1});
      for (int t : {2, 3, 4, 7, 16}) {
        EXPECT_TRUE(bitwise_equal(one, poolkit::avg_pool2d(x, p, {.isa = s, .threads = t})))
            << poolkit::name_of(s) << " threads " << t;
        EXPECT_TRUE(bitwise_equal(one_max, poolkit::max_pool2d(x, p, {.isa = s, .threads = t})))
            << poolkit::name_of(s) << " threads " << t;
      }
    }
  }
}

TEST(Threads, ACallersExecutorRunsEveryTaskAndGetsTheSameResult) {
  const auto x = random_input({1, 3, 80, 64}, 5);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto expected = poolkit::max_pool2d(x, p, {.threads = 1});
  std::atomic<int> calls{0};
  std::set<poolkit::index_t> seen;
  const poolkit::policy pol{
      .threads = 4,
      .executor = [&](poolkit::index_t n, const std::function<void(poolkit::index_t)>& task) {
        ++calls;
        std::vector<std::thread> workers;
        for (poolkit::index_t i = 0; i < n; ++i) {
          seen.insert(i);
          workers.emplace_back([&task, i] { task(i); });
        }
        for (auto& w : workers) w.join();
      }};
  EXPECT_TRUE(bitwise_equal(expected, poolkit::max_pool2d(x, p, pol)));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(seen.size(), 4u);
}

TEST(Threads, ConcurrentCallersShareThePoolSafely) {
  const auto x = random_input({2, 8, 64, 64}, 6);
  const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};
  const auto expected = poolkit::max_pool2d(x, p, {.threads = 1});
  std::atomic<int> mismatches{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (!bitwise_equal(expected, poolkit::max_pool2d(x, p, {.threads = 2}))) ++mismatches;
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
