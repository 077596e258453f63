// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Global pooling of whole planes for the built-in reducers (max, min, sum, avg),
// vectorised along the plane, compiled once per instruction set (kernel/dispatch.hpp
// re-includes this file inside namespace poolkit::kernel::<isa>; no include guard).
//
// One order for every instruction set, the scalar one included: the plane is read
// row-major and element i goes to partial result i mod 32, in order; then partial j
// absorbs partial j + 16, then j + 8, 4, 2 and 1. Thirty-two partials are whole
// vectors on every instruction set (1, 4, 8 or 16 lanes), so the vector code runs two
// to thirty-two independent chains instead of one, and all of them agree bit for bit.
// (PyTorch computes a global average with its own vectorised mean, not a row-major
// fold, so no order would reproduce its bits.)
//
// Selections are unaffected by the grouping except in two cases the order decides: which
// NaN (payloads differ) and which zero (+0 or -0) is "the last NaN, else the first
// extreme". When the result is NaN or zero the plane is scanned again, row-major.

inline constexpr int global_partials = 32;

/// Folds the partials by halving (see above).
template <class R, class T>
POOLKIT_FORCEINLINE T fold_partials(const R& r, T (&partial)[std::size_t{global_partials}]) noexcept {
  for (int half = global_partials / 2; half >= 1; half /= 2)
    for (int j = 0; j < half; ++j) partial[j] = r.combine(partial[j], partial[j + half]);
  return partial[0];
}

/// The canonical fold of n contiguous elements, vectorised.
template <class R, class T>
T global_run(const R& r, const T* p, index_t n) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  constexpr int L = V::lanes;
  constexpr int chains = global_partials / L;
  static_assert(global_partials % L == 0, "partials must be whole vectors");
  V acc[std::size_t{chains}];
  for (int c = 0; c < chains; ++c) acc[c] = V::broadcast(F::identity());
  index_t i = 0;
  for (; i + global_partials <= n; i += global_partials)
    for (int c = 0; c < chains; ++c) acc[c] = F::combine(acc[c], V::load(p + i + c * L));
  // The tail: lanes past the end read the identity, which changes no partial (sums start
  // from +0 and so are never -0, and +0 added to them leaves every bit as it was).
  const index_t rest = n - i;
  for (int c = 0; c < chains && c * L < rest; ++c) {
    const int count = static_cast<int>(std::min<index_t>(L, rest - c * L));
    acc[c] = F::combine(acc[c], V::load_range(p + i + c * L, 0, count, F::identity()));
  }
  // The first halving steps pair whole vectors (lane l of vector c is partial c * L + l,
  // and its partner c + chains / 2 holds partial c * L + l + half); the last L lanes
  // are folded one by one.
  for (int live = chains; live > 1; live /= 2)
    for (int c = 0; c < live / 2; ++c) acc[c] = F::combine(acc[c], acc[c + live / 2]);
  T lanes[std::size_t{L}];
  acc[0].store(lanes);
  for (int half = L / 2; half >= 1; half /= 2)
    for (int j = 0; j < half; ++j) lanes[j] = r.combine(lanes[j], lanes[j + half]);
  return lanes[0];
}

/// The same order over a plane with any strides, one element at a time.
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

/// The global pooling of one plane (built-in reducers only).
template <class R, class T>
T global_plane(const R& r, plane<const T> x) noexcept {
  const index_t n = x.rows * x.cols;
  const bool flat = x.col_stride == 1 && (x.row_stride == x.cols || x.rows == 1);
  T v = flat ? global_run(r, x.data, n) : global_strided(r, x);
  if constexpr (vector_form<R>::selects) {
    if (v != v || v == T(0))  // the order decides the bits: fold row-major (see top)
      v = fold_window(r, x.data, x.rows, x.row_stride, x.cols, x.col_stride);
  }
  return r.finalize(v, {n, n});
}
