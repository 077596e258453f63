// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Renders values for error messages: integers, {h, w} pairs and extents.
#pragma once

#include <poolkit/config.hpp>

#include <array>
#include <charconv>
#include <limits>
#include <cstddef>
#include <cstdint>
#include <string>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

inline std::string to_text(std::int64_t v) { return std::to_string(v); }

/// A real number as a user would type it: shortest round-trip form, "inf", "nan".
inline std::string to_text(double v) {
  if (v != v) return "nan";
  if (v == std::numeric_limits<double>::infinity()) return "inf";
  if (v == -std::numeric_limits<double>::infinity()) return "-inf";
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

// Built with append rather than `"{" + std::string`: GCC 12 at -O3 reports a false
// -Wrestrict on the latter (GCC PR 105651).
template <std::size_t N>
std::string to_text(const std::array<std::int64_t, N>& values) {
  std::string text("{");
  for (std::size_t i = 0; i < N; ++i) {
    if (i != 0) text.append(", ");
    text.append(std::to_string(values[i]));
  }
  text.append("}");
  return text;
}

inline std::string to_text(std::int64_t a, std::int64_t b) {
  return to_text(std::array<std::int64_t, 2>{a, b});
}

}  // namespace detail
POOLKIT_END_NAMESPACE
