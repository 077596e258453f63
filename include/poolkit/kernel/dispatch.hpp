// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Compiles the kernels once per instruction set and picks one at run time.
//
// Each instruction set gets its own namespace, poolkit::kernel::<isa>, holding its vec<T>
// and a copy of the kernels (kernel/*-inl.hpp) compiled under that set's target
// attributes. No -m flag is needed: a program built with plain -O2 runs AVX2 or AVX-512
// code when the CPU has it. The target regions contain only poolkit's -inl files; every
// standard or intrinsics header is included above them, so nothing else is compiled for
// a wider instruction set than its own.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/job.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/reduce/basic.hpp>

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

POOLKIT_BEGIN_NAMESPACE
namespace kernel {
namespace scalar {
#include <poolkit/simd/vec_scalar-inl.hpp>
#include <poolkit/kernel/regular-inl.hpp>
#include <poolkit/kernel/select-inl.hpp>
#include <poolkit/kernel/global-inl.hpp>
}  // namespace scalar
}  // namespace kernel
POOLKIT_END_NAMESPACE

#if POOLKIT_HAS_X86_KERNELS
// SSE2 is the x86-64 baseline: no target region needed.
POOLKIT_BEGIN_NAMESPACE
namespace kernel {
namespace sse2 {
#include <poolkit/simd/vec_sse2-inl.hpp>
#include <poolkit/kernel/regular-inl.hpp>
#include <poolkit/kernel/select-inl.hpp>
#include <poolkit/kernel/global-inl.hpp>
}  // namespace sse2
}  // namespace kernel
POOLKIT_END_NAMESPACE

POOLKIT_TARGET_PUSH_AVX2
POOLKIT_BEGIN_NAMESPACE
namespace kernel {
namespace avx2 {
#include <poolkit/simd/vec_avx2-inl.hpp>
#include <poolkit/kernel/regular-inl.hpp>
#include <poolkit/kernel/select-inl.hpp>
#include <poolkit/kernel/global-inl.hpp>
}  // namespace avx2
}  // namespace kernel
POOLKIT_END_NAMESPACE
POOLKIT_TARGET_POP

// GCC 12's AVX-512 intrinsics initialise a vector from itself (_mm512_undefined_ps) and,
// once inlined, trip -Wmaybe-uninitialized in every user's build; silence it here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
POOLKIT_TARGET_PUSH_AVX512
POOLKIT_BEGIN_NAMESPACE
namespace kernel {
namespace avx512 {
#include <poolkit/simd/vec_avx512-inl.hpp>
#include <poolkit/kernel/regular-inl.hpp>
#include <poolkit/kernel/select-inl.hpp>
#include <poolkit/kernel/global-inl.hpp>
}  // namespace avx512
}  // namespace kernel
POOLKIT_END_NAMESPACE
POOLKIT_TARGET_POP
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif  // POOLKIT_HAS_X86_KERNELS

#if POOLKIT_HAS_NEON_KERNELS
// NEON is the AArch64 baseline: no target region needed.
POOLKIT_BEGIN_NAMESPACE
namespace kernel {
namespace neon {
#include <poolkit/simd/vec_neon-inl.hpp>
#include <poolkit/kernel/regular-inl.hpp>
#include <poolkit/kernel/select-inl.hpp>
#include <poolkit/kernel/global-inl.hpp>
}  // namespace neon
}  // namespace kernel
POOLKIT_END_NAMESPACE
#endif  // POOLKIT_HAS_NEON_KERNELS

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// The built-in reducers have vector kernels; any other reducer runs kernel/plane.hpp.
template <class R>
inline constexpr bool has_vector_kernels = scalar::vector_form<R>::available;

/// Pools output rows [oh_begin, oh_end) of one plane on instruction set `s` (resolved,
/// compiled and supported: see policy/cpu.hpp). The input must have unit column stride.
template <class T, class R>
void pool_rows(instruction_set s, const plane_job<T, R>& job, T* scratch, plane<const T> x,
               plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  // Outputs narrower than a quarter of any vector would leave most lanes idle; the
  // one-lane kernel computes the same bits without the waste.
  if (job.cols.out_width < 4) s = instruction_set::scalar;
  switch (s) {
#if POOLKIT_HAS_X86_KERNELS
    case instruction_set::sse2: return sse2::pool_rows(job, scratch, x, y, oh_begin, oh_end);
    case instruction_set::avx2: return avx2::pool_rows(job, scratch, x, y, oh_begin, oh_end);
    case instruction_set::avx512: return avx512::pool_rows(job, scratch, x, y, oh_begin, oh_end);
#endif
#if POOLKIT_HAS_NEON_KERNELS
    case instruction_set::neon: return neon::pool_rows(job, scratch, x, y, oh_begin, oh_end);
#endif
    default: return scalar::pool_rows(job, scratch, x, y, oh_begin, oh_end);
  }
}

/// The built-in selectors have vector kernels with indices.
template <class S>
inline constexpr bool has_vector_selection = scalar::vector_selector<S>::available;

/// Selects output rows [oh_begin, oh_end) of one plane with indices on instruction set `s`.
template <class T, class S>
void select_rows(instruction_set s, const select_job<T>& job, plane<const T> x, plane<T> y,
                 plane<index_t> indices, index_t oh_begin, index_t oh_end) noexcept {
  switch (s) {
#if POOLKIT_HAS_X86_KERNELS
    case instruction_set::sse2:
      return sse2::select_rows<T, S>(job, x, y, indices, oh_begin, oh_end);
    case instruction_set::avx2:
      return avx2::select_rows<T, S>(job, x, y, indices, oh_begin, oh_end);
    case instruction_set::avx512:
      return avx512::select_rows<T, S>(job, x, y, indices, oh_begin, oh_end);
#endif
#if POOLKIT_HAS_NEON_KERNELS
    case instruction_set::neon:
      return neon::select_rows<T, S>(job, x, y, indices, oh_begin, oh_end);
#endif
    default: return scalar::select_rows<T, S>(job, x, y, indices, oh_begin, oh_end);
  }
}

/// The global pooling of one plane on instruction set `s`, for the built-in reducers
/// (kernel/global-inl.hpp: one summation order on every instruction set).
template <class T, class R>
T global_plane(instruction_set s, const R& r, plane<const T> x) noexcept {
  switch (s) {
#if POOLKIT_HAS_X86_KERNELS
    case instruction_set::sse2: return sse2::global_plane(r, x);
    case instruction_set::avx2: return avx2::global_plane(r, x);
    case instruction_set::avx512: return avx512::global_plane(r, x);
#endif
#if POOLKIT_HAS_NEON_KERNELS
    case instruction_set::neon: return neon::global_plane(r, x);
#endif
    default: return scalar::global_plane(r, x);
  }
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
