// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Global pooling of whole planes for the built-in reducers (max, min, sum, avg),
// vectorised along the plane, compiled once per instruction set (kernel/dispatch.hpp
// re-includes this file inside namespace poolkit::kernel::<isa>; no include guard).
//
// The order is kernel/builtin.hpp's, which also holds the one-lane form: the plane is
// read row-major and element i goes to partial result i mod 32; partials are whole
// vectors on every instruction set, so the vector code runs independent chains and
// agrees with the one-lane form bit for bit.

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

/// The global pooling of one plane (built-in reducers only).
template <class T, class R>
T global_plane(tag, const R& r, plane<const T> x) noexcept {
  const bool flat = x.col_stride == 1 && (x.row_stride == x.cols || x.rows == 1);
  return global_finish(r, x, flat ? global_run(r, x.data, x.rows * x.cols) : global_strided(r, x));
}
