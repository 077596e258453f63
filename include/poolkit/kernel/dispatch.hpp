// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Compiles the kernels once per instruction set and picks one at run time.
//
// Each vector instruction set gets its own namespace, poolkit::kernel::<isa>, holding its
// vec<T> and a copy of the kernels (kernel/kernels-inl.hpp) compiled under that set's
// target attributes, and a `tag` type (derived from the set's isa:: tag) that selects
// those kernels by argument-dependent lookup. instruction_set::scalar runs the generic
// kernels (kernel/builtin.hpp), which compute the same bits. No -m flag is needed: a
// program built with plain -O2 runs AVX2 or AVX-512 code when the CPU has it. The target
// regions contain only poolkit's -inl files; every standard or intrinsics header is
// included above them, so nothing else is compiled for a wider instruction set than its
// own.
// Which sets get kernels: config.hpp (POOLKIT_KERNELS_*, POOLKIT_BASELINE_ONLY).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/kernel/backward_plane.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/builtin.hpp>
#include <poolkit/kernel/channels_last.hpp>
#include <poolkit/kernel/job.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/simd/double_bits.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/reduce/power.hpp>

#if POOLKIT_HAS_X86_KERNELS
#include <immintrin.h>
#endif
#if POOLKIT_HAS_NEON_KERNELS
#include <arm_neon.h>
#endif

// Target regions: every function defined between push and pop is compiled for the set.
#if defined(__clang__)
#define POOLKIT_TARGET_PUSH_AVX2 \
  _Pragma("clang attribute push(__attribute__((target(\"avx2\"))), apply_to = function)")
#define POOLKIT_TARGET_PUSH_AVX512 \
  _Pragma("clang attribute push(__attribute__((target(\"avx512f\"))), apply_to = function)")
#define POOLKIT_TARGET_POP _Pragma("clang attribute pop")
#else
#define POOLKIT_TARGET_PUSH_AVX2 _Pragma("GCC push_options") _Pragma("GCC target(\"avx2\")")
#define POOLKIT_TARGET_PUSH_AVX512 _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f\")")
#define POOLKIT_TARGET_POP _Pragma("GCC pop_options")
#endif

// POOLKIT_USE_PREBUILT (config.hpp): whether this translation unit links the kernels.

#if POOLKIT_KERNELS_SSE2
// SSE2 is the x86-64 baseline: no target region needed.
POOLKIT_BEGIN_NAMESPACE
namespace kernel::sse2 {
struct tag : isa::sse2 {};
#define POOLKIT_KERNEL_VEC <poolkit/simd/vec_sse2-inl.hpp>
#include <poolkit/kernel/kernels-inl.hpp>
#undef POOLKIT_KERNEL_VEC
}  // namespace kernel::sse2
POOLKIT_END_NAMESPACE
#endif

#if POOLKIT_KERNELS_AVX2
POOLKIT_TARGET_PUSH_AVX2
POOLKIT_BEGIN_NAMESPACE
namespace kernel::avx2 {
struct tag : isa::avx2 {};
#define POOLKIT_KERNEL_VEC <poolkit/simd/vec_avx2-inl.hpp>
#include <poolkit/kernel/kernels-inl.hpp>
#undef POOLKIT_KERNEL_VEC
}  // namespace kernel::avx2
POOLKIT_END_NAMESPACE
POOLKIT_TARGET_POP
#endif

#if POOLKIT_KERNELS_AVX512
// GCC 12's AVX-512 intrinsics initialise a vector from itself (_mm512_undefined_ps) and,
// once inlined, trip -Wmaybe-uninitialized in every user's build; silence it here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
POOLKIT_TARGET_PUSH_AVX512
POOLKIT_BEGIN_NAMESPACE
namespace kernel::avx512 {
struct tag : isa::avx512 {};
#define POOLKIT_KERNEL_VEC <poolkit/simd/vec_avx512-inl.hpp>
#include <poolkit/kernel/kernels-inl.hpp>
#undef POOLKIT_KERNEL_VEC
}  // namespace kernel::avx512
POOLKIT_END_NAMESPACE
POOLKIT_TARGET_POP
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

#if POOLKIT_KERNELS_NEON
// NEON is the AArch64 baseline: no target region needed.
POOLKIT_BEGIN_NAMESPACE
namespace kernel::neon {
struct tag : isa::neon {};
#define POOLKIT_KERNEL_VEC <poolkit/simd/vec_neon-inl.hpp>
#include <poolkit/kernel/kernels-inl.hpp>
#undef POOLKIT_KERNEL_VEC
}  // namespace kernel::neon
POOLKIT_END_NAMESPACE
#endif

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// The one instruction-set switch: calls fn with the tag of set `s` (resolved, compiled
/// and supported: see policy/cpu.hpp); an unqualified call with that tag then reaches the
/// set's kernels. Any other value runs the one-lane forms.
template <class Fn>
POOLKIT_FORCEINLINE decltype(auto) on_instruction_set(instruction_set s, Fn&& fn) {
  switch (s) {
#if POOLKIT_KERNELS_SSE2
    case instruction_set::sse2: return fn(sse2::tag{});
#endif
#if POOLKIT_KERNELS_AVX2
    case instruction_set::avx2: return fn(avx2::tag{});
#endif
#if POOLKIT_KERNELS_AVX512
    case instruction_set::avx512: return fn(avx512::tag{});
#endif
#if POOLKIT_KERNELS_NEON
    case instruction_set::neon: return fn(neon::tag{});
#endif
    default: return fn(isa::scalar{});
  }
}

/// Pools output rows [oh_begin, oh_end) of one plane on instruction set `s`. The input
/// must have unit column stride.
template <class T, class R>
void pool_rows(instruction_set s, const plane_job<T, R>& job, T* scratch, plane<const T> x,
               plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  // Outputs narrower than a quarter of any vector would leave most lanes idle; the
  // one-lane kernel computes the same bits without the waste.
  if (job.cols.out_width < 4) s = instruction_set::scalar;
  on_instruction_set(s, [&](auto tag) { pool_rows(tag, job, scratch, x, y, oh_begin, oh_end); });
}

/// Whether the power sums' vector kernels (kernel/power-inl.hpp) run on set `s` for
/// output rows `out_width` wide. They have no SSE2 form: two double lanes gained 1.6x over
/// the scalar path on L2 2x2 s2, not worth the compile time in every program that pools
/// with them, on CPUs without AVX2 (a decade old and more). Rows narrower than a quarter
/// vector run the scalar path, as for pool_rows.
inline bool runs_power_rows(instruction_set s, index_t out_width) noexcept {
  return out_width >= 4 && s != instruction_set::sse2 && s != instruction_set::scalar;
}

/// The float power sums |x|^p (p = 1 ... 6) of output rows [oh_begin, oh_end) of one plane
/// on instruction set `s` (runs_power_rows(s, ...) must hold).
inline void power_rows(instruction_set s, const vector_job<float>& job, int p, plane<const float> x,
                       plane<float> y, index_t oh_begin, index_t oh_end) noexcept {
  on_instruction_set(s, [&](auto tag) {
    constexpr instruction_set id = decltype(tag)::id;
    if constexpr (id != instruction_set::sse2 && id != instruction_set::scalar)
      power_rows(tag, job, p, x, y, oh_begin, oh_end);
  });
}

/// Selects output rows [oh_begin, oh_end) of one plane with indices on instruction set `s`.
template <class T, class S>
void select_rows(instruction_set s, const select_job<T>& job, plane<const T> x, plane<T> y,
                 plane<index_t> indices, index_t oh_begin, index_t oh_end) noexcept {
  on_instruction_set(
      s, [&](auto tag) { select_rows<T, S>(tag, job, x, y, indices, oh_begin, oh_end); });
}

/// The global pooling of `count` planes on instruction set `s`, for the built-in reducers
/// (one summation order on every instruction set: kernel/builtin.hpp): plane i at
/// first.data + i * plane_stride, its result to out[i * out_stride].
template <class T, class R>
void global_planes(instruction_set s, const R& r, plane<const T> first, index_t plane_stride,
                   index_t count, T* out, index_t out_stride) noexcept {
  on_instruction_set(
      s, [&](auto tag) { global_planes(tag, r, first, plane_stride, count, out, out_stride); });
}

/// Pools output rows [oh_begin, oh_end) of one channels-last image (x.channel_stride == 1)
/// on instruction set `s`, for the built-in reducers.
/// SSE2 runs the one-lane forms here: the channels-last kernels are compiled for AVX2,
/// AVX-512 and NEON only (on CPUs without AVX2, a decade old and more, channels-last views
/// run as fast as before these kernels existed), which keeps a third of their code out of
/// every program.
inline instruction_set channels_last_set(instruction_set s) noexcept {
  return s == instruction_set::sse2 ? instruction_set::scalar : s;
}

template <class T, class R>
void pool_pixels(instruction_set s, const R& r, const pixel_windows& g, pixels<const T> x,
                 pixels<T> y, index_t oh_begin, index_t oh_end) noexcept {
  on_instruction_set(channels_last_set(s), [&](auto tag) {
    if constexpr (decltype(tag)::id != instruction_set::sse2)
      pool_pixels(tag, r, g, x, y, oh_begin, oh_end);
  });
}

/// Selects output rows [oh_begin, oh_end) of one channels-last image with indices
/// (x.channel_stride == 1, fewer than 2^digits(T) elements per plane) on instruction set
/// `s`, for the built-in selectors; SSE2 runs the one-lane form, as for pool_pixels.
template <class T, class S>
void select_pixels(instruction_set s, const S& selector, const pixel_windows& g, pixels<const T> x,
                   pixels<T> y, pixels<index_t> idx, index_t oh_begin, index_t oh_end) noexcept {
  on_instruction_set(channels_last_set(s), [&](auto tag) {
    if constexpr (decltype(tag)::id != instruction_set::sse2)
      select_pixels(tag, selector, g, x, y, idx, oh_begin, oh_end);
  });
}

/// The global pooling of channels [c_begin, c_end) of one channels-last image on
/// instruction set `s`, for the built-in reducers (offsets: global_offsets(x));
/// out[c * out_stride] receives channel c.
template <class T, class R>
void global_pixels(instruction_set s, const R& r, pixels<const T> x, const index_t* offsets,
                   index_t c_begin, index_t c_end, T* out, index_t out_stride) noexcept {
  on_instruction_set(channels_last_set(s), [&](auto tag) {
    if constexpr (decltype(tag)::id != instruction_set::sse2)
      global_pixels(tag, r, x, offsets, c_begin, c_end, out, out_stride);
  });
}

/// The sum or average backward of one plane over regular windows on vector instruction
/// set `s` (kernel/backward-inl.hpp; the one-lane form is spread_windows_plane).
template <class T>
void spread_plane(instruction_set s, const spread_job<T>& job, T* ring, plane<const T> dy,
                  plane<T> dx) noexcept {
  on_instruction_set(s, [&](auto tag) {
    if constexpr (decltype(tag)::id != instruction_set::scalar)
      spread_plane(tag, job, ring, dy, dx);
  });
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
