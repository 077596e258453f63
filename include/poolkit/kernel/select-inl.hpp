// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Selection with indices (max/min with indices) vectorised along the output width,
// compiled once per instruction set like regular-inl.hpp (re-included, no include guard;
// it uses that file's loaders).
//
// Each lane scans its window row-major and takes a tap when the selector prefers it
// (x > current or x is NaN for max), exactly like kernel/select_plane.hpp. Positions are
// carried in lanes of T beside the values: h * W + w is exact in T while the plane holds
// fewer than 2^digits elements (2^24 for float), which the caller checks.

/// The vector form of a built-in selector (kernel/builtin.hpp: max and min).
template <class S>
struct vector_selector;

template <class T>
struct vector_selector<reduce::max<T>> {
  static POOLKIT_FORCEINLINE T identity() noexcept { return -std::numeric_limits<T>::infinity(); }
  static POOLKIT_FORCEINLINE typename vec<T>::choice prefer(vec<T> x, vec<T> current) noexcept {
    return vec<T>::prefer_greater(x, current);
  }
};

template <class T>
struct vector_selector<reduce::min<T>> {
  static POOLKIT_FORCEINLINE T identity() noexcept { return std::numeric_limits<T>::infinity(); }
  static POOLKIT_FORCEINLINE typename vec<T>::choice prefer(vec<T> x, vec<T> current) noexcept {
    return vec<T>::prefer_less(x, current);
  }
};

/// The taps of one window row for the block at ow0, each with the position of its lane 0
/// in the row: calls take(tap, p) left to right. Loads as in fold_row.
template <class T, class Loads, class Take>
POOLKIT_FORCEINLINE void for_each_tap(Loads&& load, const row_geometry& g, index_t ow0,
                                      Take&& take) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  for (index_t j = 0; j < g.kernel; ++j) {
    const index_t p = ow0 * g.stride - g.pad_begin + j * g.dilation;
    const int k = static_cast<int>(j);
    if (g.stride == 1) {
      take(load(p, k), p);
    } else if (g.stride == 2) {
      V even;
      V odd;
      V::deinterleave(load(p, 2 * k), load(p + L, 2 * k + 1), even, odd);
      take(even, p);
    } else {
      alignas(64) T lanes_of[std::size_t{L}];
      for (int l = 0; l < L; ++l) lanes_of[l] = load.element(p + l * g.stride);
      take(V::load(lanes_of), p);
    }
  }
}

/// Selects output rows [oh_begin, oh_end) of one plane into values y and indices idx.
/// The input must have unit column stride and fewer than 2^digits(T) elements per plane.
template <class T, class S>
void select_rows(tag, const select_job<T>& job, kernel::plane<const T> x, kernel::plane<T> y,
                 kernel::plane<index_t> idx, index_t oh_begin, index_t oh_end) noexcept {
  using V = vec<T>;
  using Sel = vector_selector<S>;
  constexpr int L = V::lanes;
  const row_geometry g = job.cols;
  const geometry::regular_axis& gh = job.windows->h;
  const index_t width = x.cols;
  const index_t blocks = (g.out_width + L - 1) / L;
  // Lane l of a tap at position p lies at p + l * stride.
  alignas(64) T steps[std::size_t{L}];
  for (int l = 0; l < L; ++l) steps[l] = static_cast<T>(l * g.stride);
  const V lane_steps = V::load(steps);
  const V identity = V::broadcast(Sel::identity());
  const V none = V::broadcast(T(-1));

  // Blocks whose loads stay inside the row take plain loads (found by replaying them).
  const auto inside = [&](index_t b) {
    load_recorder<T> r{width, nullptr};
    for_each_tap<T>(r, g, b * L, [](V, index_t) {});
    return r.inside();
  };
  index_t inside_begin = 0;
  while (inside_begin < blocks && !inside(inside_begin)) ++inside_begin;
  index_t inside_end = blocks;
  while (inside_end > inside_begin && !inside(inside_end - 1)) --inside_end;

  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const index_t top = oh * gh.stride() - gh.pad_begin();
    T* out_values = y.data + oh * y.row_stride;
    index_t* out_indices = idx.data + oh * idx.row_stride;
    for (index_t b = 0; b < blocks; ++b) {
      const index_t ow0 = b * L;
      V best = identity;
      V where = none;
      for (index_t t = 0; t < gh.kernel(); ++t) {
        const index_t ih = top + t * gh.dilation();
        // Rows outside the input read the identity, which is never preferred.
        const bool in_input = ih >= 0 && ih < x.rows;
        const T* row = in_input ? x.data + ih * x.row_stride : job.identity_row;
        const T row_base = static_cast<T>(in_input ? ih * width : 0);
        const auto take = [&](V tap, index_t p) {
          const auto chosen = Sel::prefer(tap, best);
          best = V::blend(chosen, tap, best);
          where = V::blend(chosen, V::add(V::broadcast(row_base + static_cast<T>(p)), lane_steps),
                           where);
        };
        if (b >= inside_begin && b < inside_end) {
          for_each_tap<T>(inside_loads<T>{row}, g, ow0, take);
        } else {
          for_each_tap<T>(edge_loads<T>{row, width, Sel::identity(), nullptr}, g, ow0, take);
        }
      }
      const int n = static_cast<int>(std::min<index_t>(L, g.out_width - ow0));
      store_block(best, out_values + ow0 * y.col_stride, y.col_stride, n);
      alignas(64) T positions[std::size_t{L}];
      where.store(positions);
      for (int l = 0; l < n; ++l) {
        index_t i = static_cast<index_t>(positions[l]);
        if (i < 0) {
          // No tap beat the identity: every in-bounds tap equals it (all -inf for max), so
          // PyTorch's rule gives the first in-bounds tap; an empty window gives -1.
          const geometry::axis_window& wh = job.row_windows[oh];
          const geometry::axis_window& ww = job.col_windows[ow0 + l];
          i = wh.count > 0 && ww.count > 0 ? wh.first * width + ww.first : -1;
        }
        out_indices[(ow0 + l) * idx.col_stride] = i;
      }
    }
  }
}
