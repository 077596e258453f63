// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Compiler switches shared by every header. Nothing here changes behaviour that a
// user can observe; user-facing switches are documented in the README.
#pragma once

#include <poolkit/version.hpp>

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "poolkit needs C++20 (-std=c++20 or later)"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define POOLKIT_FORCEINLINE inline __attribute__((always_inline))
// For a lambda, after its parameter list: [&](int k) POOLKIT_INLINE_LAMBDA { ... }.
#define POOLKIT_INLINE_LAMBDA __attribute__((always_inline))
// A hint to bring p's cache line in; never faults, wherever p points.
#define POOLKIT_PREFETCH(p) __builtin_prefetch(p)
#define POOLKIT_NOINLINE __attribute__((noinline))
#define POOLKIT_RESTRICT __restrict__
#else
#define POOLKIT_FORCEINLINE inline
#define POOLKIT_INLINE_LAMBDA
#define POOLKIT_PREFETCH(p) ((void)(p))
#define POOLKIT_NOINLINE
#define POOLKIT_RESTRICT
#endif

// Marks x as an already rounded value: the compiler may not fuse the multiplication
// that produced it into a later addition (GCC contracts a * b + c into a fused
// multiply-add wherever the target has one, across statements and intrinsics alike,
// whatever -std says), so every instruction set rounds twice, as SPEC's bit identity
// across instruction sets needs. An empty asm: no instruction is emitted.
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define POOLKIT_ROUNDED(x) __asm__("" : "+v"(x))
#elif defined(__GNUC__) && defined(__aarch64__)
#define POOLKIT_ROUNDED(x) __asm__("" : "+w"(x))
#else
#define POOLKIT_ROUNDED(x) ((void)0)
#endif

// Exceptions can be compiled out (-fno-exceptions); poolkit then reports invalid input
// through std::abort after printing the message (see error.hpp).
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define POOLKIT_HAS_EXCEPTIONS 1
#else
#define POOLKIT_HAS_EXCEPTIONS 0
#endif

// ---------------------------------------------------------------------------------------
// ODR safety across translation units compiled with different -m flags.
//
// Every poolkit *function* (operations, validation, kernels, dispatch) lives in an inline
// namespace named after the version and the translation unit's baseline instruction set,
// e.g. poolkit::abi_0_1_sse2. Two TUs built with different -m flags therefore instantiate
// differently named functions, and the linker can never hand one TU the other's copy
// (a classic way to run AVX-512 code on a CPU without it). Users never spell the inline
// namespace. Data types (views, tensors, parameters, reducers, policies) stay directly in
// `poolkit` so they can cross between such TUs; their members are trivial or force-inlined.
// POOLKIT_BASELINE_ID numbers the same baselines for preprocessor comparisons (the
// prebuilt library records its own: kernel/dispatch.hpp).
#if defined(__AVX512F__)
#define POOLKIT_BASELINE avx512
#define POOLKIT_BASELINE_ID 4
#elif defined(__AVX2__)
#define POOLKIT_BASELINE avx2
#define POOLKIT_BASELINE_ID 3
#elif defined(__AVX__)
#define POOLKIT_BASELINE avx
#define POOLKIT_BASELINE_ID 2
#elif defined(__SSE2__) || defined(_M_X64)
#define POOLKIT_BASELINE sse2
#define POOLKIT_BASELINE_ID 1
#elif defined(__ARM_NEON) || defined(__aarch64__)
#define POOLKIT_BASELINE neon
#define POOLKIT_BASELINE_ID 5
#else
#define POOLKIT_BASELINE generic
#define POOLKIT_BASELINE_ID 0
#endif

#define POOLKIT_CONCAT_IMPL(a, b, c, d) abi_##a##_##b##_##c##d
#define POOLKIT_CONCAT(a, b, c, d) POOLKIT_CONCAT_IMPL(a, b, c, d)
#define POOLKIT_ABI_NAMESPACE \
  POOLKIT_CONCAT(POOLKIT_VERSION_MAJOR, POOLKIT_VERSION_MINOR, POOLKIT_BASELINE, )

#define POOLKIT_STRINGIFY_IMPL(x) #x
#define POOLKIT_STRINGIFY(x) POOLKIT_STRINGIFY_IMPL(x)

#define POOLKIT_BEGIN_NAMESPACE \
  namespace poolkit {           \
  inline namespace POOLKIT_ABI_NAMESPACE {
#define POOLKIT_END_NAMESPACE \
  }                           \
  }

// Instruction sets this compiler can build kernels for without -m flags: GCC and Clang
// compile any x86 kernel under __attribute__((target)), NEON is AArch64's baseline.
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define POOLKIT_HAS_X86_KERNELS 1
#else
#define POOLKIT_HAS_X86_KERNELS 0
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
#define POOLKIT_HAS_NEON_KERNELS 1
#else
#define POOLKIT_HAS_NEON_KERNELS 0
#endif

// The vector instruction sets this translation unit has kernels for: every set the
// compiler can target, or with POOLKIT_BASELINE_ONLY=1 only the one the build's own
// flags enable (with -march=native the machine's best: a third of the compile time, and
// no dispatch), like Highway's baseline-only mode.
#if !defined(POOLKIT_BASELINE_ONLY)
#define POOLKIT_BASELINE_ONLY 0
#endif
#if POOLKIT_HAS_X86_KERNELS && !POOLKIT_BASELINE_ONLY
#define POOLKIT_KERNELS_SSE2 1
#define POOLKIT_KERNELS_AVX2 1
#define POOLKIT_KERNELS_AVX512 1
#elif POOLKIT_HAS_X86_KERNELS
#define POOLKIT_KERNELS_SSE2 (POOLKIT_BASELINE_ID == 1 || POOLKIT_BASELINE_ID == 2)
#define POOLKIT_KERNELS_AVX2 (POOLKIT_BASELINE_ID == 3)
#define POOLKIT_KERNELS_AVX512 (POOLKIT_BASELINE_ID == 4)
#else
#define POOLKIT_KERNELS_SSE2 0
#define POOLKIT_KERNELS_AVX2 0
#define POOLKIT_KERNELS_AVX512 0
#endif
#define POOLKIT_KERNELS_NEON POOLKIT_HAS_NEON_KERNELS

// The prebuilt kernel library is used when the translation unit asks for it
// (POOLKIT_PREBUILT, which linking poolkit::prebuilt defines to the library's baseline
// instruction set) and was compiled for the same baseline: the library's kernels live in
// the ABI namespace of its baseline (above), so a translation unit built with other -m
// flags compiles its own kernels instead, in its own namespace. The library also holds
// bilateral pooling's Eigen code when it was built with Eigen (it then defines
// POOLKIT_PREBUILT_BILATERAL for its users).
#if defined(POOLKIT_PREBUILT) && POOLKIT_PREBUILT == POOLKIT_BASELINE_ID
#define POOLKIT_USE_PREBUILT 1
#else
#define POOLKIT_USE_PREBUILT 0
#endif
#if POOLKIT_USE_PREBUILT && defined(POOLKIT_PREBUILT_BILATERAL)
#define POOLKIT_USE_PREBUILT_BILATERAL 1
#else
#define POOLKIT_USE_PREBUILT_BILATERAL 0
#endif
