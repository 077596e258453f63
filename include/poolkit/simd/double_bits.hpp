// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The IEEE binary64 bit patterns behind vec<double>'s mantissa, exponent and exp2i (every
// instruction set's vec, simd/vec_*-inl.hpp), defined once.
#pragma once

#include <cstdint>

#include <poolkit/config.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace simd {

struct double_bits {
  static constexpr std::int64_t sign = static_cast<std::int64_t>(0x8000000000000000ull);
  static constexpr std::int64_t fraction = 0x000FFFFFFFFFFFFFll;
  static constexpr std::int64_t exponent_of_one = 0x3FF0000000000000ll;  // 1.0
  static constexpr std::int64_t two_to_52 = 0x4330000000000000ll;        // 2^52
  /// 2^52 + 1023: adding it puts a whole k (|k| < 2^51) + 1023 in the low bits, and
  /// subtracting it from 2^52 with a biased exponent in its low bits leaves the exponent.
  static constexpr double exponent_magic = 4503599627371519.0;
};

}  // namespace simd
POOLKIT_END_NAMESPACE
