// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Eigen interop: views of Eigen's rank-4 tensors as NCHW views and back, so Eigen users
// pass their tensors straight to every poolkit op. With ops/bilateral.hpp, the only
// poolkit header that includes Eigen (CMake: link poolkit::eigen).
//
//   Eigen::Tensor<float, 4, Eigen::RowMajor> t(n, c, h, w);   // dimensions N, C, H, W
//   auto y = poolkit::max_pool2d(poolkit::eigen::view(t), {.kernel = {2, 2}});
//
// Both layouts hold NCHW memory: a RowMajor tensor with dimensions (N, C, H, W), or a
// ColMajor (Eigen's default) one with the dimensions reversed, (W, H, C, N).
#pragma once

#include <unsupported/Eigen/CXX11/Tensor>

#include <type_traits>

#include <poolkit/detail/text.hpp>
#include <poolkit/error.hpp>
#include <poolkit/tensor.hpp>

namespace poolkit::eigen {

/// \addtogroup eigen_interop
/// \{

namespace detail {
/// The Eigen tensor map type over T (const T: a map of a const tensor).
template <class T, int Layout>
using map_of = Eigen::TensorMap<
    std::conditional_t<std::is_const_v<T>, const Eigen::Tensor<std::remove_const_t<T>, 4, Layout>,
                       Eigen::Tensor<T, 4, Layout>>>;

template <class T>
void require_contiguous(const char* op, const nchw_view<T>& v) {
  if (!v.is_contiguous())
    poolkit::detail::raise(poolkit::detail::describe(
        op, "v strides", poolkit::detail::to_text(v.strides()),
        "must be those of a contiguous NCHW view of extents " +
            poolkit::detail::to_text(v.extents()) + " (an Eigen TensorMap holds no strides)"));
}

template <int Layout, class Dimensions>
constexpr extents4 nchw_extents(const Dimensions& d) noexcept {
  if constexpr (Layout == Eigen::RowMajor) {
    return {d[0], d[1], d[2], d[3]};
  } else {
    return {d[3], d[2], d[1], d[0]};
  }
}
}  // namespace detail

/// An NCHW view of an Eigen rank-4 tensor map (RowMajor: dimensions N, C, H, W;
/// ColMajor: W, H, C, N). Writable when the map's scalar is not const.
template <class T, int Options, class Index, int Align, template <class> class MakePointer>
nchw_view<T> view(
    const Eigen::TensorMap<Eigen::Tensor<T, 4, Options, Index>, Align, MakePointer>& t) noexcept {
  return nchw_view<T>(t.data(), detail::nchw_extents<Options & Eigen::RowMajor>(t.dimensions()));
}
/// A read-only NCHW view of a map over const data.
template <class T, int Options, class Index, int Align, template <class> class MakePointer>
nchw_view<const T> view(const Eigen::TensorMap<const Eigen::Tensor<T, 4, Options, Index>, Align,
                                               MakePointer>& t) noexcept {
  return nchw_view<const T>(t.data(),
                            detail::nchw_extents<Options & Eigen::RowMajor>(t.dimensions()));
}

/// An NCHW view of an Eigen rank-4 tensor (see the map overload for the layouts).
template <class T, int Options, class Index>
nchw_view<T> view(Eigen::Tensor<T, 4, Options, Index>& t) noexcept {
  return nchw_view<T>(t.data(), detail::nchw_extents<Options & Eigen::RowMajor>(t.dimensions()));
}
/// A read-only NCHW view of an Eigen rank-4 tensor.
template <class T, int Options, class Index>
nchw_view<const T> view(const Eigen::Tensor<T, 4, Options, Index>& t) noexcept {
  return nchw_view<const T>(t.data(),
                            detail::nchw_extents<Options & Eigen::RowMajor>(t.dimensions()));
}

/// A RowMajor Eigen tensor map (dimensions N, C, H, W) over a contiguous poolkit view's
/// memory (a tensor's view()); a const view gives a map of a const tensor.
/// @throws poolkit::error if the view is not contiguous (Eigen maps are dense).
template <class T>
detail::map_of<T, Eigen::RowMajor> row_major_map(nchw_view<T> v) {
  detail::require_contiguous("eigen::row_major_map", v);
  return {v.data_handle(), v.extent(0), v.extent(1), v.extent(2), v.extent(3)};
}

/// A ColMajor Eigen tensor map (dimensions W, H, C, N) over the same memory.
/// @throws poolkit::error if the view is not contiguous.
template <class T>
detail::map_of<T, Eigen::ColMajor> col_major_map(nchw_view<T> v) {
  detail::require_contiguous("eigen::col_major_map", v);
  return {v.data_handle(), v.extent(3), v.extent(2), v.extent(1), v.extent(0)};
}

/// \}

}  // namespace poolkit::eigen
