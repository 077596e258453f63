// The memory roofline of a pooling call: a streaming kernel that reads the same input
// bytes and writes the same output bytes, in the same cache regime, with as little
// arithmetic as possible (each output vector is the max of `ratio` consecutive input
// vectors; with more output than input, each input vector is stored `ratio` times).
// AVX-512 when the CPU has it, else AVX2, else plain C++.
#pragma once

#include <algorithm>
#include <cstdint>

#include <poolkit/poolkit.hpp>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace poolkit_bench {

#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics trip a false -Wmaybe-uninitialized (see kernel/dispatch.hpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f"))) inline void stream_avx512(const float* in, float* out,
                                                             int64_t vectors, int64_t ratio) {
  for (int64_t i = 0; i < vectors; ++i) {
    const float* p = in + i * 16 * ratio;
    __m512 a = _mm512_loadu_ps(p);
    for (int64_t r = 1; r < ratio; ++r) a = _mm512_max_ps(a, _mm512_loadu_ps(p + 16 * r));
    _mm512_storeu_ps(out + i * 16, a);
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
// More output than input (backward passes): each input vector is stored `ratio` times.
__attribute__((target("avx512f"))) inline void expand_avx512(const float* in, float* out,
                                                             int64_t vectors, int64_t ratio) {
  for (int64_t i = 0; i < vectors; ++i) {
    const __m512 a = _mm512_loadu_ps(in + i * 16);
    for (int64_t r = 0; r < ratio; ++r) _mm512_storeu_ps(out + (i * ratio + r) * 16, a);
  }
}
__attribute__((target("avx2"))) inline void expand_avx2(const float* in, float* out,
                                                        int64_t vectors, int64_t ratio) {
  for (int64_t i = 0; i < vectors; ++i) {
    const __m256 a = _mm256_loadu_ps(in + i * 8);
    for (int64_t r = 0; r < ratio; ++r) _mm256_storeu_ps(out + (i * ratio + r) * 8, a);
  }
}
__attribute__((target("avx2"))) inline void stream_avx2(const float* in, float* out,
                                                        int64_t vectors, int64_t ratio) {
  for (int64_t i = 0; i < vectors; ++i) {
    const float* p = in + i * 8 * ratio;
    __m256 a = _mm256_loadu_ps(p);
    for (int64_t r = 1; r < ratio; ++r) a = _mm256_max_ps(a, _mm256_loadu_ps(p + 8 * r));
    _mm256_storeu_ps(out + i * 8, a);
  }
}
#endif

inline void expand_plain(const float* in, float* out, int64_t count, int64_t ratio) {
  for (int64_t i = 0; i < count; ++i)
    for (int64_t r = 0; r < ratio; ++r) out[i * ratio + r] = in[i];
}

inline void stream_plain(const float* in, float* out, int64_t count, int64_t ratio) {
  for (int64_t i = 0; i < count; ++i) {
    float a = in[i * ratio];
    for (int64_t r = 1; r < ratio; ++r) a = std::max(a, in[i * ratio + r]);
    out[i] = a;
  }
}

class roofline {
 public:
  roofline(int64_t in_count, int64_t out_count)
      : in_count_(in_count),
        out_count_(out_count),
        expands_(out_count > in_count),
        // Reduce: each output vector from `ratio` input vectors. Expand (more output than
        // input: indices, fractional outputs, backward passes): each input vector stored
        // `ratio` times; the remainder of either is copied or filled.
        ratio_(expands_ ? out_count / std::max<int64_t>(1, in_count)
                        : std::max<int64_t>(1, in_count / out_count)) {
    const auto best = poolkit::available_instruction_sets().front();
    lanes_ = best == poolkit::instruction_set::avx512 ? 16
             : best == poolkit::instruction_set::avx2 ? 8
                                                      : 1;
  }

  /// Streams with `threads` threads (poolkit's own pool, as poolkit_2threads uses).
  void run(const float* in, float* out, int threads) const {
    const int64_t units =
        (expands_ ? in_count_ : out_count_) / lanes_;  // vectors of the smaller side
    const poolkit::policy pol{.threads = threads};
    poolkit::detail::parallel_for(pol, threads, threads, [&](poolkit::index_t t) {
      const int64_t begin = units * t / threads;
      const int64_t end = units * (t + 1) / threads;
      if (expands_) {
        expand(in + begin * lanes_, out + begin * lanes_ * ratio_, end - begin);
      } else {
        stream(in + begin * lanes_ * ratio_, out + begin * lanes_, end - begin);
      }
    });
    const int64_t done = units * lanes_;
    if (expands_) {
      expand_plain(in + done, out + done * ratio_, in_count_ - done, ratio_);
      const int64_t written = in_count_ * ratio_;
      if (out_count_ > written) std::fill(out + written, out + out_count_, out[0]);
    } else {
      stream_plain(in + done * ratio_, out + done, out_count_ - done, ratio_);
    }
  }

 private:
  void stream(const float* in, float* out, int64_t vectors) const {
#if defined(__x86_64__)
    if (lanes_ == 16) return stream_avx512(in, out, vectors, ratio_);
    if (lanes_ == 8) return stream_avx2(in, out, vectors, ratio_);
#endif
    stream_plain(in, out, vectors * lanes_, ratio_);
  }
  void expand(const float* in, float* out, int64_t vectors) const {
#if defined(__x86_64__)
    if (lanes_ == 16) return expand_avx512(in, out, vectors, ratio_);
    if (lanes_ == 8) return expand_avx2(in, out, vectors, ratio_);
#endif
    expand_plain(in, out, vectors * lanes_, ratio_);
  }

  int64_t in_count_;
  int64_t out_count_;
  bool expands_;
  int64_t ratio_;
  int64_t lanes_ = 1;
};

}  // namespace poolkit_bench
