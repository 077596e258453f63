// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Compiler switches shared by every header. Nothing here changes behaviour that a
// user can observe; user-facing switches are documented in the README.
#pragma once

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "poolkit needs C++20 (-std=c++20 or later)"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define POOLKIT_FORCEINLINE inline __attribute__((always_inline))
#define POOLKIT_RESTRICT __restrict__
#else
#define POOLKIT_FORCEINLINE inline
#define POOLKIT_RESTRICT
#endif

// Exceptions can be compiled out (-fno-exceptions); poolkit then reports invalid input
// through std::abort after printing the message (see error.hpp).
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define POOLKIT_HAS_EXCEPTIONS 1
#else
#define POOLKIT_HAS_EXCEPTIONS 0
#endif
