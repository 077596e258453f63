// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Explicit instantiations of the kernel entry points (kernel/kernels-inl.hpp) for the
// built-in reducers: what the prebuilt library defines and what a translation unit built
// with POOLKIT_PREBUILT declares instead of compiling (kernel/dispatch.hpp). The library
// is compiled without POOLKIT_PREBUILT, so these instantiate the header-only kernels
// themselves, under the same target attributes: the results are the same bits.
#pragma once

#include <poolkit/poolkit.hpp>

#if defined(POOLKIT_PREBUILT)
#error "the prebuilt library's sources must not be compiled with POOLKIT_PREBUILT"
#endif

// The regular kernels, the global pooling and the channels-last kernels of reducer R on
// element type T.
#define POOLKIT_INSTANTIATE_REDUCER(ISA, T, R)                                                \
  template void poolkit::kernel::ISA::pool_rows<T, R>(                                        \
      poolkit::kernel::ISA::tag, const poolkit::kernel::plane_job<T, R>&, T*,                 \
      poolkit::kernel::plane<const T>, poolkit::kernel::plane<T>, poolkit::index_t,           \
      poolkit::index_t) noexcept;                                                             \
  template void poolkit::kernel::ISA::global_planes<T, R>(                                    \
      poolkit::kernel::ISA::tag, const R&, poolkit::kernel::plane<const T>, poolkit::index_t, \
      poolkit::index_t, T*, poolkit::index_t) noexcept;                                       \
  template void poolkit::kernel::ISA::pool_pixels<T, R>(                                      \
      poolkit::kernel::ISA::tag, const R&, const poolkit::kernel::pixel_windows&,             \
      poolkit::kernel::pixels<const T>, poolkit::kernel::pixels<T>, poolkit::index_t,         \
      poolkit::index_t) noexcept;                                                             \
  template void poolkit::kernel::ISA::global_pixels<T, R>(                                    \
      poolkit::kernel::ISA::tag, const R&, poolkit::kernel::pixels<const T>,                  \
      const poolkit::index_t*, poolkit::index_t, poolkit::index_t, T*, poolkit::index_t) noexcept;

// Selection with indices for selector S on element type T.
#define POOLKIT_INSTANTIATE_SELECTOR(ISA, T, S)                                               \
  template void poolkit::kernel::ISA::select_rows<T, S>(                                      \
      poolkit::kernel::ISA::tag, const poolkit::kernel::select_job<T>&,                       \
      poolkit::kernel::plane<const T>, poolkit::kernel::plane<T>,                             \
      poolkit::kernel::plane<poolkit::index_t>, poolkit::index_t, poolkit::index_t) noexcept; \
  template void poolkit::kernel::ISA::select_pixels<T, S>(                                    \
      poolkit::kernel::ISA::tag, const S&, const poolkit::kernel::pixel_windows&,             \
      poolkit::kernel::pixels<const T>, poolkit::kernel::pixels<T>,                           \
      poolkit::kernel::pixels<poolkit::index_t>, poolkit::index_t, poolkit::index_t) noexcept;

// The backward kernels on element type T.
#define POOLKIT_INSTANTIATE_BACKWARD(ISA, T)                                \
  template void poolkit::kernel::ISA::spread_plane<T>(                      \
      poolkit::kernel::ISA::tag, const poolkit::kernel::spread_job<T>&, T*, \
      poolkit::kernel::plane<const T>, poolkit::kernel::plane<T>) noexcept;

// The power family's float sums (every whole p from 1 to 6, Lp and the power average).
#define POOLKIT_INSTANTIATE_POWER(ISA)                                                      \
  template void poolkit::kernel::ISA::power_rows<float>(                                    \
      poolkit::kernel::ISA::tag, const poolkit::kernel::vector_job<float>&, int,            \
      poolkit::kernel::plane<const float>, poolkit::kernel::plane<float>, poolkit::index_t, \
      poolkit::index_t) noexcept;

// The entry points that exist for one element type only, by its name (kernels.cpp.in).
#define POOLKIT_INSTANTIATE_ONLY_FOR_float(ISA) POOLKIT_INSTANTIATE_POWER_ON_##ISA(ISA)
// The power sums have no SSE2 kernels (kernel/dispatch.hpp says why).
#define POOLKIT_INSTANTIATE_POWER_ON_sse2(ISA)
#define POOLKIT_INSTANTIATE_POWER_ON_avx2(ISA) POOLKIT_INSTANTIATE_POWER(ISA)
#define POOLKIT_INSTANTIATE_POWER_ON_avx512(ISA) POOLKIT_INSTANTIATE_POWER(ISA)
#define POOLKIT_INSTANTIATE_POWER_ON_neon(ISA) POOLKIT_INSTANTIATE_POWER(ISA)
#define POOLKIT_INSTANTIATE_ONLY_FOR_double(ISA)

// Every kernel entry point of instruction set ISA on element type T: the entry points
// that kernel::has_vector_kernels and kernel::has_vector_selection admit.
#define POOLKIT_INSTANTIATE_KERNELS(ISA, T)                     \
  POOLKIT_INSTANTIATE_REDUCER(ISA, T, poolkit::reduce::max<T>)  \
  POOLKIT_INSTANTIATE_REDUCER(ISA, T, poolkit::reduce::min<T>)  \
  POOLKIT_INSTANTIATE_REDUCER(ISA, T, poolkit::reduce::sum<T>)  \
  POOLKIT_INSTANTIATE_REDUCER(ISA, T, poolkit::reduce::avg<T>)  \
  POOLKIT_INSTANTIATE_SELECTOR(ISA, T, poolkit::reduce::max<T>) \
  POOLKIT_INSTANTIATE_SELECTOR(ISA, T, poolkit::reduce::min<T>) \
  POOLKIT_INSTANTIATE_BACKWARD(ISA, T)
