// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Instruction-set tags. A kernel is an overload set on these tags; the scalar overload
// is the generic one every reducer has, including user-defined reducers.
#pragma once

namespace poolkit::isa {

/// Portable C++: no explicit SIMD. Always available, and the reference every other
/// instruction set must agree with bit for bit.
struct scalar {
  static constexpr const char* name() noexcept { return "scalar"; }
};

}  // namespace poolkit::isa
