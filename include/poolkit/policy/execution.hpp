// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The execution policy (instruction set, threads, a caller's executor) and poolkit's own
// thread pool. Work is always split the same way whatever runs it, and every output is
// computed by exactly one task, so results never depend on the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/error.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/tensor.hpp>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace poolkit {

/// \addtogroup policy
/// \{

/// A caller's parallel loop: must run `task(i)` for every i in [0, count), on any threads,
/// and return when all have finished. Lets a framework's thread pool drive poolkit:
/// @code
/// policy p{.executor = [&](poolkit::index_t n, const std::function<void(poolkit::index_t)>& f) {
///   my_pool.parallel_for(0, n, f);
/// }};
/// @endcode
using parallel_for_fn =
    std::function<void(index_t count, const std::function<void(index_t)>& task)>;

/// How an operation runs. The default runs the best instruction set of this CPU on all
/// hardware threads for large problems and on the calling thread for small ones.
struct policy {
  /// Instruction set; `best` honours the POOLKIT_ISA environment variable.
  instruction_set isa = instruction_set::best;
  /// Threads: 0 = automatic, 1 = the calling thread only, n = up to n threads.
  int threads = 0;
  /// If set, poolkit hands its tasks to this executor instead of its own threads.
  parallel_for_fn executor{};
};

/// \}

}  // namespace poolkit

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup policy
/// \{
namespace detail {

/// Below this much memory traffic per thread, another thread costs more than it saves.
inline constexpr index_t bytes_per_thread = index_t{256} * 1024;

inline int hardware_threads() noexcept {
  static const int n = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return n;
}

/// Threads to use for a problem that moves `bytes` bytes: the policy's number, or
/// automatically one per bytes_per_thread up to the hardware's threads.
inline int thread_count(const policy& p, index_t bytes) noexcept {
  if (p.threads > 0) return p.threads;
  const index_t wanted = std::max<index_t>(1, bytes / bytes_per_thread);
  return static_cast<int>(std::min<index_t>(wanted, hardware_threads()));
}

inline problem validate_policy(std::string_view op, const policy& p) {
  if (p.threads < 0)
    return describe(op, "policy.threads", std::to_string(p.threads),
                    "must be >= 0 (0 = automatic)");
  return std::nullopt;
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/// poolkit's own workers: hardware_threads() - 1 threads, started on first use, kept for
/// the life of the process. After a job they spin briefly before sleeping, so that calls
/// in a loop (a network's layers) do not pay a wake-up each time. One job runs at a time;
/// a caller that finds the pool busy runs its tasks itself, which gives the same results.
class thread_pool {
 public:
  static thread_pool& instance() {
    // Never destroyed: workers may still be parked when static destructors run.
    static thread_pool* pool = new thread_pool(hardware_threads() - 1);
    return *pool;
  }

  /// Runs task(i) for i in [0, count) on the caller plus up to `threads - 1` workers.
  template <class Task>
  void run(index_t count, int threads, const Task& task) {
    const int helpers = std::min<int>(threads - 1, static_cast<int>(workers_.size()));
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (helpers <= 0 || count <= 1 || !busy.owns_lock()) {
      for (index_t i = 0; i < count; ++i) task(i);
      return;
    }
    job_task_ = &invoke<Task>;
    job_context_ = &task;
    job_count_ = count;
    next_.store(0, std::memory_order_relaxed);
    finished_.store(0, std::memory_order_relaxed);
    // Publish: the job fields above happen-before any worker's acquire of the new ticket.
    const std::uint64_t generation = (ticket_.load(std::memory_order_relaxed) >> 32) + 1;
    ticket_.store((generation << 32) | static_cast<std::uint32_t>(helpers),
                  std::memory_order_release);
    ticket_.notify_all();
    work();
    // Wait for the helpers: spin first, they are usually about to finish.
    for (int spin = 0; finished_.load(std::memory_order_acquire) != helpers; ++spin) {
      if (spin < 4096) {
        cpu_relax();
      } else {
        const int seen = finished_.load(std::memory_order_acquire);
        if (seen != helpers) finished_.wait(seen, std::memory_order_acquire);
      }
    }
  }

  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

 private:
  explicit thread_pool(int workers) {
    for (int id = 0; id < workers; ++id) workers_.emplace_back([this, id] { worker_loop(id); });
    for (auto& t : workers_) t.detach();
  }

  template <class Task>
  static void invoke(const void* context, index_t i) {
    (*static_cast<const Task*>(context))(i);
  }

  void work() {
    for (index_t i = next_.fetch_add(1, std::memory_order_relaxed); i < job_count_;
         i = next_.fetch_add(1, std::memory_order_relaxed))
      job_task_(job_context_, i);
  }

  [[noreturn]] void worker_loop(int id) {
    std::uint64_t seen = 0;
    for (;;) {
      // Spin for a while (about 50-100 microseconds), then sleep until the next job.
      std::uint64_t ticket = ticket_.load(std::memory_order_acquire);
      for (int spin = 0; ticket == seen; ++spin) {
        if (spin < 20000) {
          cpu_relax();
        } else {
          ticket_.wait(seen, std::memory_order_acquire);
        }
        ticket = ticket_.load(std::memory_order_acquire);
      }
      seen = ticket;
      // The ticket carries the job's helper count, so a worker that is not needed never
      // touches the job's fields (the caller does not wait for it).
      if (id < static_cast<int>(ticket & 0xffffffffu)) {
        work();
        finished_.fetch_add(1, std::memory_order_acq_rel);
        finished_.notify_one();
      }
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mutex_;
  // The current job: written by the caller before it publishes a new ticket, read only by
  // the job's helpers, which the caller waits for before writing the next job.
  void (*job_task_)(const void*, index_t) = nullptr;
  const void* job_context_ = nullptr;
  index_t job_count_ = 0;
  std::atomic<index_t> next_{0};
  std::atomic<int> finished_{0};
  // (generation << 32) | helpers of the current job.
  std::atomic<std::uint64_t> ticket_{0};
};

/// Runs task(i) for i in [0, tasks) as the policy says: the caller's executor, poolkit's
/// pool, or the calling thread.
template <class Task>
void parallel_for(const policy& p, index_t tasks, int threads, const Task& task) {
  if (tasks <= 0) return;
  if (p.executor) {
    p.executor(tasks, std::function<void(index_t)>(std::cref(task)));
    return;
  }
  if (threads <= 1 || tasks == 1) {
    for (index_t i = 0; i < tasks; ++i) task(i);
    return;
  }
  thread_pool::instance().run(tasks, threads, task);
}

}  // namespace detail
/// \}

POOLKIT_END_NAMESPACE
