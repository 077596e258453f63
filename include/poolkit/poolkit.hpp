// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The umbrella header: the only one users need.
//
//   #include <poolkit/poolkit.hpp>
//   poolkit::nchw_view<const float> x(data, {n, c, h, w});
//   auto y = poolkit::max_pool2d(x, {.kernel = {2, 2}});
#pragma once

#include <poolkit/version.hpp>
#include <poolkit/config.hpp>
#include <poolkit/error.hpp>
#include <poolkit/tensor.hpp>
#include <poolkit/params.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/policy/cpu.hpp>
#include <poolkit/policy/execution.hpp>
#include <poolkit/reduce/reducer.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/reduce/power.hpp>
#include <poolkit/ops/regular.hpp>
#include <poolkit/ops/indices.hpp>
#include <poolkit/ops/unpool.hpp>
#include <poolkit/ops/power.hpp>
#include <poolkit/ops/adaptive.hpp>
#include <poolkit/ops/spp.hpp>
#include <poolkit/ops/stochastic.hpp>
#include <poolkit/ops/fractional.hpp>
#include <poolkit/ops/backward.hpp>
#include <poolkit/random/philox.hpp>

// Linked to the prebuilt library: the operations' bodies for the built-in reducers are
// declared, not compiled (detail/prebuilt_ops.hpp).
#if POOLKIT_USE_PREBUILT
#include <poolkit/detail/prebuilt_ops.hpp>
POOLKIT_BEGIN_NAMESPACE
POOLKIT_PREBUILT_OPS(extern, float)
POOLKIT_PREBUILT_OPS(extern, double)
POOLKIT_END_NAMESPACE
#endif
