// Two translation units include poolkit, one built with no -m flags and one with AVX-512
// enabled. Without poolkit's ABI-tagged namespaces their inline functions would be merged
// by the linker and the baseline unit could run the AVX-512 copy (a crash on CPUs without
// it). The test checks each unit ran its own copy and that both agree bit for bit.
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "tu.hpp"

// CTest's SKIP_RETURN_CODE (CMakeLists.txt): a CPU without AVX-512 cannot run the wide
// unit, so the test is reported as skipped, not passed.
constexpr int skipped = 77;

int main() {
  if (!__builtin_cpu_supports("avx512f")) {
    std::puts("skipped: this CPU has no AVX-512, the wide unit cannot run");
    return skipped;
  }
  std::vector<float> input(2 * 3 * 17 * 23);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-3, 3);
  for (float& v : input) v = d(rng);
  const odr_result base = pool_in_baseline_tu(input);
  const odr_result wide = pool_in_wide_tu(input);
  std::printf("baseline unit: %s\nwide unit:     %s\n", base.abi, wide.abi);
  int failures = 0;
  if (std::string(base.abi) == wide.abi) {
    std::puts("FAIL: both units share one ABI namespace");
    ++failures;
  }
  if (std::string(base.abi).find("sse2") == std::string::npos ||
      std::string(wide.abi).find("avx512") == std::string::npos) {
    std::puts("FAIL: unexpected ABI namespace names");
    ++failures;
  }
  if (base.values.size() != wide.values.size() ||
      std::memcmp(base.values.data(), wide.values.data(), base.values.size() * sizeof(float)) !=
          0) {
    std::puts("FAIL: the two units computed different results");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
