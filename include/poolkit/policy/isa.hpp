// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Instruction sets: a runtime enumeration for callers (poolkit::instruction_set) and a
// compile-time tag per set for kernels (poolkit::isa::*). Tags form an inheritance chain
// as in xsimd, so a kernel written for sse2 also accepts avx2 when nothing better exists.
#pragma once

#include <string_view>

namespace poolkit {

/// \addtogroup policy
/// \{

/// The instruction set a call runs on. `best` (the default) picks the best one the CPU
/// has at run time, unless the environment variable POOLKIT_ISA names another.
enum class instruction_set {
  best,    ///< the best available (or POOLKIT_ISA)
  scalar,  ///< portable C++, no explicit SIMD
  sse2,    ///< x86-64 SSE2: 4 floats
  avx2,    ///< x86-64 AVX2: 8 floats
  avx512,  ///< x86-64 AVX-512F: 16 floats
  neon,    ///< AArch64 Advanced SIMD: 4 floats
};

/// The lower-case name of an instruction set ("scalar", "avx2", ...), as POOLKIT_ISA
/// spells it.
constexpr std::string_view name_of(instruction_set s) noexcept {
  switch (s) {
    case instruction_set::best: return "best";
    case instruction_set::scalar: return "scalar";
    case instruction_set::sse2: return "sse2";
    case instruction_set::avx2: return "avx2";
    case instruction_set::avx512: return "avx512";
    case instruction_set::neon: return "neon";
  }
  return "unknown";
}

namespace isa {

/// Portable C++: no explicit SIMD. Always available; every other instruction set agrees
/// with it bit for bit.
struct scalar {
  static constexpr instruction_set id = instruction_set::scalar;
};
/// x86-64 SSE2 (the x86-64 baseline).
struct sse2 : scalar {
  static constexpr instruction_set id = instruction_set::sse2;
};
/// x86-64 AVX2.
struct avx2 : sse2 {
  static constexpr instruction_set id = instruction_set::avx2;
};
/// x86-64 AVX-512F.
struct avx512 : avx2 {
  static constexpr instruction_set id = instruction_set::avx512;
};
/// AArch64 Advanced SIMD.
struct neon : scalar {
  static constexpr instruction_set id = instruction_set::neon;
};

}  // namespace isa
/// \}

}  // namespace poolkit
