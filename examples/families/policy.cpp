// Instruction sets and threads: the same call on every instruction set this CPU and build
// have, on one and on several threads, and through your own executor. Every combination
// gives the same bits; the policy only changes how fast.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

int main() {
  poolkit::tensor<float> x({2, 8, 64, 64});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>((i * 7919) % 1000) / 10.0f;
  const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};

  const auto reference =
      poolkit::avg_pool2d(x, p, {.isa = poolkit::instruction_set::scalar, .threads = 1});
  const auto same = [&](const poolkit::tensor<float>& y) {
    return std::memcmp(y.data_handle(), reference.data_handle(),
                       static_cast<std::size_t>(y.size()) * sizeof(float)) == 0;
  };

  //! [policy]
  // Which sets there are depends on the machine (poolkit::name_of(isa) names them); the
  // output does not.
  int different = 0;
  for (poolkit::instruction_set isa : poolkit::available_instruction_sets())
    for (int threads : {1, 3})
      if (!same(poolkit::avg_pool2d(x, p, {.isa = isa, .threads = threads}))) {
        std::printf("%s, %d threads: DIFFERENT\n", std::string(poolkit::name_of(isa)).c_str(),
                    threads);
        ++different;
      }
  std::printf("every instruction set of this machine, 1 and 3 threads: %s\n",
              different == 0 ? "same bits as scalar" : "differences above");
  //! [policy]

  //! [executor]
  // Your own thread pool: poolkit hands it the tasks (here: run them in reverse order).
  int tasks_seen = 0;
  poolkit::policy mine{
      .threads = 4,
      .executor = [&](poolkit::index_t n, const std::function<void(poolkit::index_t)>& task) {
        for (poolkit::index_t i = n - 1; i >= 0; --i) task(i);
        tasks_seen += static_cast<int>(n);
      }};
  const auto y = poolkit::avg_pool2d(x, p, mine);
  //! [executor]
  std::printf("own executor: %s, %s\n", tasks_seen > 0 ? "received tasks" : "no tasks",
              same(y) ? "same bits as scalar" : "DIFFERENT");

  // An instruction set this machine cannot run is an error, not a crash.
  try {
    poolkit::avg_pool2d(x, p, {.isa = poolkit::instruction_set::neon});
    std::printf("neon: ran (an ARM machine)\n");
  } catch (const poolkit::error&) {
    std::printf("neon: refused with a poolkit::error on this machine\n");
  }
  return 0;
}
