// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Overflow-checked int64 arithmetic for shape code. SPEC: "All shape arithmetic is
// done in std::int64_t integers ... overflow checked".
#pragma once

#include <poolkit/config.hpp>

#include <cstdint>
#include <optional>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

using checked_int = std::optional<std::int64_t>;

constexpr checked_int checked_add(checked_int a, checked_int b) noexcept {
  std::int64_t r = 0;
  if (!a || !b || __builtin_add_overflow(*a, *b, &r)) return std::nullopt;
  return r;
}

constexpr checked_int checked_sub(checked_int a, checked_int b) noexcept {
  std::int64_t r = 0;
  if (!a || !b || __builtin_sub_overflow(*a, *b, &r)) return std::nullopt;
  return r;
}

constexpr checked_int checked_mul(checked_int a, checked_int b) noexcept {
  std::int64_t r = 0;
  if (!a || !b || __builtin_mul_overflow(*a, *b, &r)) return std::nullopt;
  return r;
}

/// Floor division for b > 0 (C++ `/` truncates toward zero).
/// a * b for non-negative a, b, or INT64_MAX where that overflows.
constexpr std::int64_t saturating_mul(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// Ceiling division for b > 0.
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}

}  // namespace detail
POOLKIT_END_NAMESPACE
