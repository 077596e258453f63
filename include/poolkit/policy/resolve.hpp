// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// A call's policy resolved: the instruction set it runs on and its thread count (from the
// memory traffic of the call), or the problem with the policy.
#pragma once

#include <cstddef>
#include <string_view>

#include <poolkit/config.hpp>
#include <poolkit/error.hpp>
#include <poolkit/policy/cpu.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

/// The policy of one call, resolved: the instruction set to run and the threads to use.
struct resolved_policy {
  instruction_set isa = instruction_set::scalar;
  int threads = 1;
};

inline problem resolve_policy(std::string_view op, const policy& p, index_t bytes,
                              resolved_policy* out) {
  if (auto e = validate_policy(op, p)) return e;
  if (auto e = resolve_instruction_set(op, p.isa, &out->isa)) return e;
  out->threads = thread_count(p, bytes);
  return std::nullopt;
}

/// Memory traffic of a call, for the automatic thread count.
template <class T>
index_t traffic_bytes(const extents4& in, const extents4& out) noexcept {
  index_t n_in = 1;
  index_t n_out = 1;
  for (std::size_t i = 0; i < 4; ++i) {
    n_in *= in[i];
    n_out *= out[i];
  }
  return (n_in + n_out) * static_cast<index_t>(sizeof(T));
}

}  // namespace detail
POOLKIT_END_NAMESPACE
