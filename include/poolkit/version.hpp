// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The single source of the version number: CMake parses these three lines.
#pragma once

#define POOLKIT_VERSION_MAJOR 0
#define POOLKIT_VERSION_MINOR 1
#define POOLKIT_VERSION_PATCH 0

/// The version as one comparable integer: major * 10000 + minor * 100 + patch.
#define POOLKIT_VERSION \
  (POOLKIT_VERSION_MAJOR * 10000 + POOLKIT_VERSION_MINOR * 100 + POOLKIT_VERSION_PATCH)
