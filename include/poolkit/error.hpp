// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The one exception type poolkit throws, and how messages are built.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <poolkit/config.hpp>

#if !POOLKIT_HAS_EXCEPTIONS
#include <cstdio>
#include <cstdlib>
#endif

namespace poolkit {

/// \addtogroup errors
/// \{

/// Thrown for every invalid argument. The message names the operation, the
/// parameter, the value it had and the rule it broke, e.g.
/// `poolkit::max_pool2d: kernel = {0, 2}: every entry must be >= 1`.
/// When poolkit throws, no output element has been written.
class error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// \}

}  // namespace poolkit

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup errors
/// \{
namespace detail {

/// The first problem found while validating a call; empty when the call is valid.
/// Validation returns this instead of throwing so that a non-throwing entry point can
/// share the very same checks.
using problem = std::optional<std::string>;

/// Formats a problem as `poolkit::<op>: <parameter> = <value>: <rule>`.
inline std::string describe(std::string_view op, std::string_view parameter,
                            std::string_view value, std::string_view rule) {
  std::string text = "poolkit::";
  text.append(op).append(": ").append(parameter).append(" = ").append(value);
  text.append(": ").append(rule);
  return text;
}

[[noreturn]] inline void raise(const std::string& message) {
#if POOLKIT_HAS_EXCEPTIONS
  throw error(message);
#else
  std::fputs(message.c_str(), stderr);
  std::fputc('\n', stderr);
  std::abort();
#endif
}

/// Throws the problem if there is one.
inline void raise_if(const problem& p) {
  if (p) raise(*p);
}

}  // namespace detail
/// \}

POOLKIT_END_NAMESPACE
