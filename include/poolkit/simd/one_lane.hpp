// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The one-lane vec (simd/vec_scalar-inl.hpp) and the roots written against vec
// (simd/root-inl.hpp), compiled for the scalar path in namespace poolkit::simd::one_lane:
// the power family's scalar finish (reduce/power.hpp) runs the code the vector kernels
// run, so every instruction set gives the same bits.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include <poolkit/config.hpp>
#include <poolkit/simd/double_bits.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace simd::one_lane {
#include <poolkit/simd/vec_scalar-inl.hpp>
#include <poolkit/simd/root-inl.hpp>
}  // namespace simd::one_lane
POOLKIT_END_NAMESPACE
