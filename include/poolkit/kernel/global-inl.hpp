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

/// The halving steps from `Half` down, on vectors: v[j] absorbs v[j + Half], then ...
template <int Half, class F, class V>
POOLKIT_FORCEINLINE void fold_halves(V* v) noexcept {
  if constexpr (Half > 0) {
    each_of<Half>([&](int j) { v[j] = F::combine(v[j], v[j + Half]); });
    fold_halves<Half / 2, F>(v);
  }
}

/// How global_vector reads a plane of n contiguous elements: `whole` groups of 32, then
/// one masked load per chain (lanes past the end masked off: they read the identity,
/// which changes no partial, since sums start from +0 and so are never -0, and +0 added
/// to them leaves every bit as it was). Worked out once for all the planes of a call.
template <class T>
struct global_walk {
  static constexpr int chains = global_partials / vec<T>::lanes;
  static_assert(global_partials % vec<T>::lanes == 0, "partials must be whole vectors");
  index_t whole = 0;
  typename vec<T>::mask tail[std::size_t{chains}];

  explicit global_walk(index_t n) noexcept : whole(n / global_partials) {
    constexpr int L = vec<T>::lanes;
    const index_t rest = n - whole * global_partials;
    for (int c = 0; c < chains; ++c)
      tail[c] = vec<T>::lanes_in(0, static_cast<int>(std::clamp<index_t>(rest - c * L, 0, L)));
  }
};

/// The canonical fold of a plane of contiguous elements, vectorised, up to the halving
/// steps that pair whole vectors: lane l of the result is partial l after them, the L
/// partials still to be halved.
template <class F, class T>
POOLKIT_FORCEINLINE vec<T> global_vector(const T* p, const global_walk<T>& walk) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  constexpr int chains = global_walk<T>::chains;
  // Unrolled over the chains (each_of): the accumulators stay in registers.
  V acc[std::size_t{chains}];
  each_of<chains>([&](int c) { acc[c] = V::broadcast(F::identity()); });
  for (index_t i = 0; i < walk.whole; ++i, p += global_partials)
    each_of<chains>([&](int c) { acc[c] = F::combine(acc[c], V::load(p + c * L)); });
  // Every chain takes its masked tail load, an empty one too (no branch; it reads
  // nothing and folds the identity).
  each_of<chains>([&](int c) {
    acc[c] = F::combine(acc[c], V::load_masked(address_at(p, c * L), walk.tail[c], F::identity()));
  });
  // Lane l of vector c is partial c * L + l, and its partner c + chains / 2 holds partial
  // c * L + l + half.
  fold_halves<chains / 2, F>(acc);
  return acc[0];
}

/// The canonical fold of n contiguous elements: global_vector, then its L lanes halved
/// one by one.
template <class R, class T>
T global_run(const R& r, const T* p, index_t n) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  T lanes[std::size_t{L}];
  global_vector<vector_form<R>>(p, global_walk<T>(n)).store(lanes);
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

/// The global pooling of `count` planes, plane i at first.data + i * plane_stride with
/// first's extents and strides; out[i * out_stride] receives plane i. Blocks of L
/// contiguous planes go through the lanes together: each plane's global_vector, then
/// fold_across halves the L vectors' lanes while it moves plane l into lane l (the order
/// of global_run, lane by lane).
/// Small planes (a 7 x 7 plane is four vectors) cost what their loads cost instead of a
/// chain of L - 1 scalar combines and a call each.
template <class T, class R>
void global_planes(tag, const R& r, plane<const T> first, index_t plane_stride, index_t count,
                   T* out, index_t out_stride) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  constexpr int L = V::lanes;
  const auto plane_at = [&](index_t i) {
    plane<const T> p = first;
    p.data += i * plane_stride;
    return p;
  };
  const bool flat = first.col_stride == 1 && (first.row_stride == first.cols || first.rows == 1);
  const index_t n = first.rows * first.cols;
  index_t i = 0;
  if (flat && L > 1) {
    const global_walk<T> walk(n);
    const exact_divisor<T> average = global_divisor<T>(r, n);
    for (; i + L <= count; i += L) {
      V v[std::size_t{L}];
      const T* block = first.data + i * plane_stride;
      each_of<L>([&](int l) POOLKIT_INLINE_LAMBDA {
        v[l] = global_vector<F>(block, walk);
        block += plane_stride;
      });
      fold_across<L, F>(v);
      if constexpr (F::selects) {
        // A result that is NaN or zero is decided again, row-major (global_finish).
        T lanes[std::size_t{L}];
        v[0].store(lanes);
        for (int l = 0; l < L; ++l)
          out[(i + l) * out_stride] = global_finish(r, plane_at(i + l), lanes[l]);
        continue;
      } else if constexpr (std::is_same_v<R, reduce::avg<T>>) {
        v[0] = divide(v[0], V::broadcast(average.value), average.reciprocal);
      }
      store_block(v[0], out + i * out_stride, out_stride, L);
    }
  }
  for (; i < count; ++i) out[i * out_stride] = global_plane(tag{}, r, plane_at(i));
}
