// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Validation shared by the operations on regular windows (SPEC section 2): element types
// and the input, parameters and output size of a regular pooling.
#pragma once

#include <string_view>
#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/detail/validate_view.hpp>
#include <poolkit/error.hpp>
#include <poolkit/params.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

template <class T>
inline constexpr bool is_supported_float = std::is_same_v<T, float> || std::is_same_v<T, double>;

/// The built-in reducers are defined for floating point only (their identities are
/// infinities); a user reducer through pool2d may take any element type.
template <class T>
void require_float() {
  static_assert(is_supported_float<T>, "poolkit: this operation needs float or double elements");
}

/// Checks input and parameters of a regular pooling; on success `out` holds the output
/// extents.
template <class T>
problem validate_regular(std::string_view op, const nchw_view<const T>& x, const pool2d_params& p,
                         extents4* out) {
  if (auto e = validate_plane_input(op, x)) return e;
  if (auto e = validate_params(op, p)) return e;
  hw o{};
  if (auto e = validate_output_size(op, {x.extent(2), x.extent(3)}, p, &o)) return e;
  *out = {x.extent(0), x.extent(1), o.h, o.w};
  return std::nullopt;
}

}  // namespace detail
POOLKIT_END_NAMESPACE
