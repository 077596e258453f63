// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The one exception type poolkit throws, and how messages are built.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

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

/// The outcome of a non-throwing call (the `try_` form of an operation that returns
/// nothing): ok, or the message poolkit::error would have carried. Works with
/// `-fno-exceptions`. `[[nodiscard]]`: ignoring it ignores a refused call.
///
/// @code
/// if (poolkit::status s = poolkit::try_max_pool2d(x, y, p); !s) std::puts(s.message().c_str());
/// @endcode
class [[nodiscard]] status {
 public:
  /// Success.
  status() = default;
  /// A failure with this message (`poolkit::<op>: <parameter> = <value>: <rule>`).
  explicit status(std::string message) : message_(std::move(message)), failed_(true) {}

  /// True on success.
  bool ok() const noexcept { return !failed_; }
  /// True on success.
  explicit operator bool() const noexcept { return ok(); }
  /// The failure's message; empty on success.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string message_;
  bool failed_ = false;
};

/// The outcome of a non-throwing call that produces a value (the `try_` form of an
/// operation that returns tensors): the value, or a failed poolkit::status. Works with
/// `-fno-exceptions`.
///
/// @code
/// auto r = poolkit::try_max_pool2d(x, {.kernel = {2, 2}});
/// if (!r) return report(r.error().message());
/// poolkit::tensor<float> y = std::move(r).value();
/// @endcode
template <class T>
class [[nodiscard]] result {
 public:
  /// A success holding `value`.
  result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  /// A failure; `failure` must not be ok.
  result(status failure) : state_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT

  /// True when the result holds a value.
  bool ok() const noexcept { return state_.index() == 0; }
  /// True when the result holds a value.
  explicit operator bool() const noexcept { return ok(); }

  /// The value. Calling it on a failure throws poolkit::error with the message (or, with
  /// exceptions off, prints it and aborts).
  T& value() & { return checked(), *std::get_if<0>(&state_); }
  /// \copydoc value()
  const T& value() const& { return checked(), *std::get_if<0>(&state_); }
  /// \copydoc value()
  T&& value() && { return checked(), std::move(*std::get_if<0>(&state_)); }
  /// The value; must hold one.
  T& operator*() & noexcept { return *std::get_if<0>(&state_); }
  /// The value; must hold one.
  const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
  /// Member access to the value; must hold one.
  T* operator->() noexcept { return std::get_if<0>(&state_); }
  /// Member access to the value; must hold one.
  const T* operator->() const noexcept { return std::get_if<0>(&state_); }

  /// The failure, or an ok status when the result holds a value.
  status error() const { return ok() ? status() : *std::get_if<1>(&state_); }

 private:
  POOLKIT_FORCEINLINE void checked() const;
  std::variant<T, status> state_;
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
inline std::string describe(std::string_view op, std::string_view parameter, std::string_view value,
                            std::string_view rule) {
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

/// Throws a failed status (the throwing form of an operation over its try_ form).
inline void raise_if(const status& s) {
  if (!s) raise(s.message());
}

/// The value of a result, or throws its failure.
template <class T>
T value_or_raise(result<T>&& r) {
  if (!r) raise(r.error().message());
  return std::move(*r);
}

}  // namespace detail
/// \}

POOLKIT_END_NAMESPACE

namespace poolkit {
template <class T>
POOLKIT_FORCEINLINE void result<T>::checked() const {
  if (!ok()) ::poolkit::POOLKIT_ABI_NAMESPACE::detail::raise(std::get_if<1>(&state_)->message());
}
}  // namespace poolkit
