// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Which instruction sets this build compiled and this CPU runs, decided once per process,
// and how a request (the policy, or POOLKIT_ISA) is resolved against them.
#pragma once

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <poolkit/config.hpp>
#include <poolkit/error.hpp>
#include <poolkit/policy/isa.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup policy
/// \{
namespace detail {

/// Kernels for `s` are compiled into this build.
constexpr bool is_compiled(instruction_set s) noexcept {
  switch (s) {
    case instruction_set::scalar: return true;
    case instruction_set::sse2: return POOLKIT_KERNELS_SSE2 != 0;
    case instruction_set::avx2: return POOLKIT_KERNELS_AVX2 != 0;
    case instruction_set::avx512: return POOLKIT_KERNELS_AVX512 != 0;
    case instruction_set::neon: return POOLKIT_KERNELS_NEON != 0;
    case instruction_set::best: return false;
  }
  return false;
}

/// The sets this build has kernels for, for messages: "scalar, sse2, avx2, avx512".
inline std::string compiled_names() {
  std::string names = "scalar";
  for (instruction_set s : {instruction_set::sse2, instruction_set::avx2, instruction_set::avx512,
                            instruction_set::neon})
    if (is_compiled(s)) names += ", " + std::string(name_of(s));
  return names;
}

/// The CPU (and the operating system, which must save the wider registers) can run `s`.
inline bool cpu_runs(instruction_set s) noexcept {
  switch (s) {
    case instruction_set::scalar: return true;
#if POOLKIT_HAS_X86_KERNELS
    // libgcc's and compiler-rt's __builtin_cpu_supports check OSXSAVE/XCR0 too.
    case instruction_set::sse2: return true;
    case instruction_set::avx2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2");
    case instruction_set::avx512: __builtin_cpu_init(); return __builtin_cpu_supports("avx512f");
#endif
#if POOLKIT_HAS_NEON_KERNELS
    case instruction_set::neon: return true;
#endif
    default: return false;
  }
}

/// Best first; the order in which `best` tries them.
inline constexpr std::array<instruction_set, 5> preference{
    instruction_set::avx512, instruction_set::avx2, instruction_set::neon, instruction_set::sse2,
    instruction_set::scalar};

inline bool available(instruction_set s) noexcept { return is_compiled(s) && cpu_runs(s); }

inline instruction_set best_available() noexcept {
  for (instruction_set s : preference)
    if (available(s)) return s;
  return instruction_set::scalar;
}

/// What POOLKIT_ISA asks for, read once: a set, `best` when unset or empty, or a problem
/// for a value that names nothing. A named set the CPU lacks falls back to the best one
/// below it in `preference` (an environment variable should not make a program fail on
/// another machine); the API, asked explicitly, reports an error instead.
struct environment_request {
  instruction_set requested = instruction_set::best;
  problem error;
};

inline environment_request read_environment() {
  environment_request r;
  const char* value = std::getenv("POOLKIT_ISA");
  if (value == nullptr || *value == '\0') return r;
  const std::string_view text(value);
  for (instruction_set s : preference) {
    if (text == name_of(s)) {
      r.requested = s;
      if (!available(s)) {
        bool below = false;
        r.requested = instruction_set::scalar;
        for (instruction_set t : preference) {
          if (t == s) below = true;
          if (below && available(t)) {
            r.requested = t;
            break;
          }
        }
      }
      return r;
    }
  }
  if (text == "best") return r;
  r.error = describe("policy", "POOLKIT_ISA", std::string(text),
                     "must be one of best, scalar, sse2, avx2, avx512, neon");
  return r;
}

inline const environment_request& environment() {
  static const environment_request r = read_environment();
  return r;
}

/// Resolves a requested instruction set: `best` means POOLKIT_ISA if set, else the best
/// available; an explicit request must be compiled and supported by this CPU.
inline problem resolve_instruction_set(std::string_view op, instruction_set requested,
                                       instruction_set* resolved) {
  if (requested == instruction_set::best) {
    const environment_request& env = environment();
    if (env.error) return env.error;
    *resolved = env.requested == instruction_set::best ? best_available() : env.requested;
    return std::nullopt;
  }
  if (!is_compiled(requested))
    return describe(op, "policy.isa", std::string(name_of(requested)),
                    "this build has no kernels for it (compiled: " + compiled_names() + ")");
  if (!cpu_runs(requested))
    return describe(op, "policy.isa", std::string(name_of(requested)),
                    "this CPU does not support it");
  *resolved = requested;
  return std::nullopt;
}

}  // namespace detail

/// The name of the inline namespace this translation unit's poolkit functions live in,
/// e.g. "abi_0_1_sse2": the compile-time baseline instruction set is part of it (see
/// config.hpp). Two translation units built with different -m flags report different names.
inline const char* abi_namespace_name() noexcept {
  return POOLKIT_STRINGIFY(POOLKIT_ABI_NAMESPACE);
}

/// The instruction sets this build compiled and this CPU runs, best first; always ends
/// with `scalar`.
inline std::vector<instruction_set> available_instruction_sets() {
  std::vector<instruction_set> sets;
  for (instruction_set s : detail::preference)
    if (detail::available(s)) sets.push_back(s);
  return sets;
}

/// Non-throwing selected_instruction_set(): the set, or the failure as a status.
inline result<instruction_set> try_selected_instruction_set(
    instruction_set requested = instruction_set::best) {
  instruction_set s = instruction_set::scalar;
  if (auto failure = detail::resolve_instruction_set("selected_instruction_set", requested, &s))
    return status(*failure);
  return s;
}

/// The instruction set a call with policy `p` runs on: `p.isa`, or for `best` the
/// POOLKIT_ISA environment variable, else the best available.
/// @throws poolkit::error if `p.isa` is not available or POOLKIT_ISA names no set.
inline instruction_set selected_instruction_set(instruction_set requested = instruction_set::best) {
  return detail::value_or_raise(try_selected_instruction_set(requested));
}

/// \}

POOLKIT_END_NAMESPACE
