// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The vector kernels of one instruction set: kernel/dispatch.hpp includes this file once
// per set, inside namespace poolkit::kernel::<set> (whose `tag` type selects these
// kernels by argument-dependent lookup) and under that set's target attributes, with
// POOLKIT_KERNEL_VEC naming the set's vec<T> header. No include guard.
//
// With the prebuilt kernel library (POOLKIT_USE_PREBUILT, see kernel/dispatch.hpp) only
// the entry points are declared: the library's explicit instantiations define them
// for the built-in reducers, the only ones that reach them, and the translation unit
// compiles no kernel.

#if POOLKIT_USE_PREBUILT
template <class T, class R>
void pool_rows(tag, const plane_job<T, R>& job, T* scratch, kernel::plane<const T> x,
               kernel::plane<T> y, index_t oh_begin, index_t oh_end) noexcept;
template <class T, class S>
void select_rows(tag, const select_job<T>& job, kernel::plane<const T> x, kernel::plane<T> y,
                 kernel::plane<index_t> idx, index_t oh_begin, index_t oh_end) noexcept;
template <class T, class R>
void global_planes(tag, const R& r, plane<const T> first, index_t plane_stride, index_t count,
                   T* out, index_t out_stride) noexcept;
template <class T, class R>
void pool_pixels(tag, const R& r, const pixel_windows& g, pixels<const T> x, pixels<T> y,
                 index_t oh_begin, index_t oh_end) noexcept;
template <class T, class S>
void select_pixels(tag, const S& s, const pixel_windows& g, pixels<const T> x, pixels<T> y,
                   pixels<index_t> idx, index_t oh_begin, index_t oh_end) noexcept;
template <class T, class R>
void global_pixels(tag, const R& r, pixels<const T> x, const index_t* offsets, index_t c_begin,
                   index_t c_end, T* out, index_t out_stride) noexcept;
template <class T>
void spread_plane(tag, const spread_job<T>& job, T* ring, plane<const T> dy, plane<T> dx) noexcept;
template <class T>
void power_rows(tag, const vector_job<T>& job, int p, kernel::plane<const T> x, kernel::plane<T> y,
                index_t oh_begin, index_t oh_end) noexcept;
#else
#include POOLKIT_KERNEL_VEC
#include <poolkit/simd/root-inl.hpp>
#include <poolkit/kernel/lanes-inl.hpp>
#include <poolkit/kernel/regular-inl.hpp>
#include <poolkit/kernel/power-inl.hpp>
#include <poolkit/kernel/select-inl.hpp>
#include <poolkit/kernel/global-inl.hpp>
#include <poolkit/kernel/channels_last-inl.hpp>
#include <poolkit/kernel/backward-inl.hpp>
#endif
