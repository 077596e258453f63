// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Which reducers have vector kernels, and the parts of the kernels that do not depend
// on an instruction set: the one-lane forms that kernel/dispatch.hpp runs for
// instruction_set::scalar (and for outputs too narrow for a vector), and the canonical
// order of a global pooling (kernel/global-inl.hpp vectorises the same order).
#pragma once

#include <type_traits>

#include <poolkit/config.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/job.hpp>
#include <poolkit/kernel/plane.hpp>
#include <poolkit/kernel/select_plane.hpp>
#include <poolkit/policy/isa.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/reduce/power.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace kernel {

/// What a built-in reducer is to the vector kernels. Others (user reducers, element types
/// other than float and double) have no vector kernels and run kernel/plane.hpp.
template <class R>
struct builtin {
  static constexpr bool vectorised = false;
  static constexpr bool selects = false;
};
template <class T>
inline constexpr bool is_vector_element = std::is_same_v<T, float> || std::is_same_v<T, double>;
template <class T>
struct builtin<reduce::max<T>> {
  static constexpr bool vectorised = is_vector_element<T>;
  static constexpr bool selects = true;
};
template <class T>
struct builtin<reduce::min<T>> {
  static constexpr bool vectorised = is_vector_element<T>;
  static constexpr bool selects = true;
};
template <class T>
struct builtin<reduce::sum<T>> {
  static constexpr bool vectorised = is_vector_element<T>;
  static constexpr bool selects = false;
};
template <class T>
struct builtin<reduce::avg<T>> {
  static constexpr bool vectorised = is_vector_element<T>;
  static constexpr bool selects = false;
};

/// The built-in reducers have vector kernels; any other reducer runs kernel/plane.hpp.
template <class R>
inline constexpr bool has_vector_kernels = builtin<R>::vectorised;

/// The power family's float sums with a whole p up to 6 (reduce::wide_power_sum) have
/// vector kernels for NCHW rows (kernel/power-inl.hpp), one for every p and both forms:
/// power_sum<R> says which p and whether R divides (the power average).
template <class R>
struct power_sum {
  static constexpr bool vectorised = false;
};
template <bool Average, int P>
struct power_sum<reduce::wide_power_sum<Average, P>> {
  static constexpr bool vectorised = true;
  static constexpr int p = P;
  static constexpr bool average = Average;
};

/// Reducers whose NCHW rows run vector kernels: the built-in ones and the power sums.
template <class R>
inline constexpr bool has_vector_rows = has_vector_kernels<R> || power_sum<R>::vectorised;

/// The built-in selectors (max, min) have vector kernels with indices.
template <class S>
inline constexpr bool has_vector_selection = builtin<S>::vectorised && builtin<S>::selects;

// ---------------------------------------------------------------------------------------
// The one-lane forms, the entry points of instruction_set::scalar (kernel/dispatch.hpp
// picks an entry point by its tag). The vector kernels fold every window in the order of
// the generic kernels (kernel/regular-inl.hpp, select-inl.hpp say how), so with one lane
// they would compute what the generic kernels compute: those run instead of a one-lane
// copy of the vector code.

/// Regular pooling of output rows [oh_begin, oh_end), one lane.
template <class T, class R>
void pool_rows(isa::scalar, const plane_job<T, R>& job, T*, plane<const T> x, plane<T> y,
               index_t oh_begin, index_t oh_end) noexcept {
  pool_plane_rows(*job.reducer, x, y, *job.windows, oh_begin, oh_end);
}

/// Selection with indices of output rows [oh_begin, oh_end), one lane.
template <class T, class S>
void select_rows(isa::scalar, const select_job<T>& job, plane<const T> x, plane<T> y,
                 plane<index_t> indices, index_t oh_begin, index_t oh_end) noexcept {
  select_plane_rows(S{}, x, y, indices, *job.windows, oh_begin, oh_end);
}

// ---------------------------------------------------------------------------------------
// Global pooling: one order for every instruction set. The plane is read row-major and
// element i goes to partial result i mod 32, in order; then partial j absorbs partial
// j + 16, then j + 8, 4, 2 and 1. Thirty-two partials are whole vectors on every
// instruction set (1, 4, 8 or 16 lanes), so the vector code runs two to thirty-two
// independent chains instead of one, and all of them agree bit for bit. (PyTorch computes
// a global average with its own vectorised mean, not a row-major fold, so no order would
// reproduce its bits.)
//
// Selections are unaffected by the grouping except in two cases the order decides: which
// NaN (payloads differ) and which zero (+0 or -0) is "the last NaN, else the first
// extreme". When the result is NaN or zero the plane is scanned again, row-major.

inline constexpr int global_partials = 32;

/// Folds the partials by halving (see above).
template <class R, class T>
POOLKIT_FORCEINLINE T fold_partials(const R& r,
                                    T (&partial)[std::size_t{global_partials}]) noexcept {
  for (int half = global_partials / 2; half >= 1; half /= 2)
    for (int j = 0; j < half; ++j) partial[j] = r.combine(partial[j], partial[j + half]);
  return partial[0];
}

/// The canonical order over a plane with any strides, one element at a time.
template <class R, class T>
T global_strided(const R& r, plane<const T> x) noexcept {
  T partial[std::size_t{global_partials}];
  for (T& v : partial) v = r.identity();
  int j = 0;
  for (index_t h = 0; h < x.rows; ++h) {
    const T* row = x.data + h * x.row_stride;
    for (index_t w = 0; w < x.cols; ++w) {
      partial[j] = r.combine(partial[j], row[w * x.col_stride]);
      j = j + 1 == global_partials ? 0 : j + 1;
    }
  }
  return fold_partials(r, partial);
}

/// The result of a global pooling from the folded value `v` of plane x: a selection whose
/// result the order decides is folded again, row-major (see above).
template <class R, class T>
T global_finish(const R& r, plane<const T> x, T v) noexcept {
  if constexpr (builtin<R>::selects) {
    if (v != v || v == T(0)) v = fold_window(r, x.data, x.rows, x.row_stride, x.cols, x.col_stride);
  }
  const index_t n = x.rows * x.cols;
  return r.finalize(v, {n, n});
}

/// What a global pooling of n elements divides by: the average's divisor (1 for the
/// other reducers, which do not divide), for the vector finishes (kernel::divide).
template <class T, class R>
exact_divisor<T> global_divisor(const R& r, index_t n) noexcept {
  if constexpr (std::is_same_v<R, reduce::avg<T>>) {
    return exact_divisor<T>(static_cast<T>(r.divisor({n, n})));
  } else {
    (void)r;
    (void)n;
    return exact_divisor<T>(T(1));
  }
}

/// The global pooling of one plane, one lane.
template <class T, class R>
T global_plane(isa::scalar, const R& r, plane<const T> x) noexcept {
  return global_finish(r, x, global_strided(r, x));
}

/// The global pooling of `count` planes (plane i at first.data + i * plane_stride, to
/// out[i * out_stride]), one lane.
template <class T, class R>
void global_planes(isa::scalar, const R& r, plane<const T> first, index_t plane_stride,
                   index_t count, T* out, index_t out_stride) noexcept {
  for (index_t i = 0; i < count; ++i, first.data += plane_stride)
    out[i * out_stride] = global_plane(isa::scalar{}, r, first);
}

}  // namespace kernel
POOLKIT_END_NAMESPACE
