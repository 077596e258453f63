// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Regular pooling vectorised along the output width, written once against vec<T> and
// compiled once per instruction set (kernel/dispatch.hpp re-includes this file inside
// namespace poolkit::kernel::<isa>, under that set's target attributes; no include guard).
//
// Each vector lane is one output, and every lane folds its window's taps in exactly the
// order the scalar reference does, so all instruction sets agree bit for bit:
//   - sums (sum, avg): row-major from the identity, like PyTorch;
//   - selections (max, min): row-major, or grouped by rows (each window row first, then
//     the rows top to bottom). A selection is "the last NaN, else the first extreme",
//     which any grouping of consecutive taps preserves, so grouping by rows lets one
//     input row's horizontal result serve several output rows.
// Taps in padding are replaced by the reducer's identity, which leaves every fold
// unchanged (x op identity == x, bit for bit, for these reducers).
//
// Border handling: an output row is cut into blocks of `lanes` outputs. Blocks whose taps
// all lie inside the input row take plain vector loads; the few blocks at the edges take
// masked loads that neither read nor fault outside the row. Nothing reads or writes
// outside the views.

/// The vector form of a built-in reducer; user reducers have none and run the generic
/// scalar kernel (kernel/plane.hpp).
template <class R>
struct vector_form {
  static constexpr bool available = false;
};

template <class T>
struct vector_form<reduce::max<T>> {
  static constexpr bool available = true;
  static constexpr bool selects = true;
  static constexpr bool divides = false;
  static POOLKIT_FORCEINLINE T identity() noexcept { return -std::numeric_limits<T>::infinity(); }
  // reduce::max::combine lane by lane: x > acc ? x : acc, and a NaN x always wins.
  static POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::select_nan(x, vec<T>::max(x, acc));
  }
};

template <class T>
struct vector_form<reduce::min<T>> {
  static constexpr bool available = true;
  static constexpr bool selects = true;
  static constexpr bool divides = false;
  static POOLKIT_FORCEINLINE T identity() noexcept { return std::numeric_limits<T>::infinity(); }
  static POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::select_nan(x, vec<T>::min(x, acc));
  }
};

template <class T>
struct vector_form<reduce::sum<T>> {
  static constexpr bool available = true;
  static constexpr bool selects = false;
  static constexpr bool divides = false;
  static POOLKIT_FORCEINLINE T identity() noexcept { return T(0); }
  static POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::add(acc, x);
  }
};

template <class T>
struct vector_form<reduce::avg<T>> : vector_form<reduce::sum<T>> {
  static constexpr bool divides = true;
};

/// `base + offset` computed on addresses: the result may point outside the row (its lanes
/// outside the row are masked off and never dereferenced), which pointer arithmetic
/// proper would make undefined.
template <class T>
POOLKIT_FORCEINLINE const T* address_at(const T* base, index_t offset) noexcept {
  return reinterpret_cast<const T*>(reinterpret_cast<std::uintptr_t>(base) +
                                    static_cast<std::uintptr_t>(offset) * sizeof(T));
}

POOLKIT_FORCEINLINE int clamp_lane(index_t v, int lanes) noexcept {
  return static_cast<int>(v < 0 ? 0 : (v > lanes ? lanes : v));
}

/// Elements [p, p + lanes) of a row of `width` elements; positions outside the row read
/// as `fill`. `Inside`: the caller knows the whole range lies inside the row.
template <bool Inside, class T>
POOLKIT_FORCEINLINE vec<T> load_run(const T* row, index_t width, index_t p, T fill) noexcept {
  if constexpr (Inside) {
    return vec<T>::load(row + p);
  } else {
    constexpr int L = vec<T>::lanes;
    return vec<T>::load_range(address_at(row, p), clamp_lane(-p, L), clamp_lane(width - p, L),
                              fill);
  }
}

/// Tap j of the `lanes` outputs starting at ow0: x[(ow0 + l) * stride - pad + j * dilation].
template <bool Inside, class T>
POOLKIT_FORCEINLINE vec<T> load_tap(const T* row, const row_geometry& g, index_t ow0,
                                    index_t j, T fill) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const index_t p = ow0 * g.stride - g.pad_begin + j * g.dilation;
  if (g.stride == 1) return load_run<Inside>(row, g.in_width, p, fill);
  if (g.stride == 2) {
    V even;
    V odd;
    V::deinterleave(load_run<Inside>(row, g.in_width, p, fill),
                    load_run<Inside>(row, g.in_width, p + L, fill), even, odd);
    return even;
  }
  // Wider strides: gather lane by lane (no block counts as inside for them).
  alignas(64) T lanes_of[std::size_t{L}];
  for (int l = 0; l < L; ++l) {
    const index_t q = p + l * g.stride;
    lanes_of[l] = (q >= 0 && q < g.in_width) ? row[q] : fill;
  }
  return V::load(lanes_of);
}

/// Folds the `kernel` taps of one input row into `acc`, left to right. The common
/// 2- and 3-wide, stride-2 windows share one deinterleave for all their taps.
template <bool Inside, class F, class T>
POOLKIT_FORCEINLINE vec<T> fold_row(vec<T> acc, const T* row, const row_geometry& g,
                                    index_t ow0) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const T fill = F::identity();
  if (g.stride == 2 && g.dilation == 1 && (g.kernel == 2 || g.kernel == 3)) {
    const index_t p = ow0 * 2 - g.pad_begin;
    V even;
    V odd;
    V::deinterleave(load_run<Inside>(row, g.in_width, p, fill),
                    load_run<Inside>(row, g.in_width, p + L, fill), even, odd);
    acc = F::combine(F::combine(acc, even), odd);
    if (g.kernel == 3) {
      // Tap 2 is `even` moved one lane down, with the element after the block appended.
      const index_t last = p + 2 * L;
      const T after = (Inside || (last >= 0 && last < g.in_width)) ? row[last] : fill;
      acc = F::combine(acc, V::shift_next(even, V::broadcast(after)));
    }
    return acc;
  }
  for (index_t j = 0; j < g.kernel; ++j) acc = F::combine(acc, load_tap<Inside>(row, g, ow0, j, fill));
  return acc;
}

/// The blocks of an output row whose fast-path loads stay inside the input row:
/// [begin, end) in units of `lanes` outputs.
template <int L>
struct block_split {
  index_t blocks;  // all blocks of the row
  index_t begin;   // first inside block
  index_t end;     // one past the last inside block
};

template <int L>
block_split<L> split_blocks(const row_geometry& g) noexcept {
  block_split<L> s{};
  s.blocks = (g.out_width + L - 1) / L;
  if (g.stride > 2) {  // strided gathers check each lane themselves
    s.begin = s.end = 0;
    return s;
  }
  // Block b is inside iff b*L*s - pad >= 0 and b*L*s - pad + (k-1)*d + span <= W
  // (for k = 3, stride 2, dilation 1 also the element after the block).
  const index_t step = L * g.stride;
  index_t span = g.load_span<L>() + (g.kernel - 1) * g.dilation;
  if (g.stride == 2 && g.dilation == 1 && g.kernel == 3) span = 2 * L + 1;
  const index_t first = detail::ceil_div(g.pad_begin, step);
  const index_t last = detail::floor_div(g.in_width - span + g.pad_begin, step);
  s.begin = std::min(first, s.blocks);
  s.end = std::clamp<index_t>(last + 1, s.begin, s.blocks);
  return s;
}

/// Stores the first n lanes of v at out (column stride out_step).
template <class T>
POOLKIT_FORCEINLINE void store_block(vec<T> v, T* out, index_t out_step, int n) noexcept {
  constexpr int L = vec<T>::lanes;
  if (out_step == 1) {
    if (n == L) {
      v.store(out);
    } else {
      v.store_first(out, n);
    }
    return;
  }
  alignas(64) T lanes_of[std::size_t{L}];
  v.store(lanes_of);
  for (int l = 0; l < n; ++l) out[l * out_step] = lanes_of[l];
}

/// Finalizes and stores one block.
template <class F, class T, class R>
POOLKIT_FORCEINLINE void emit_block(const plane_job<T, R>& job, vec<T> acc, const T* divisors,
                                    T* out, index_t out_step, index_t ow0, int n) noexcept {
  if constexpr (F::divides) acc = vec<T>::div(acc, vec<T>::load(divisors + ow0));
  store_block(acc, out + ow0 * out_step, out_step, n);
  (void)job;
}

/// One block of direct evaluation: `rows` window rows starting at first_row.
template <bool Inside, class F, class T, class R>
POOLKIT_FORCEINLINE void direct_block(const plane_job<T, R>& job, const T* first_row,
                                      index_t rows, const T* divisors, T* out, index_t out_step,
                                      index_t ow0) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  V acc = V::broadcast(F::identity());
  for (index_t i = 0; i < rows; ++i)
    acc = fold_row<Inside, F>(acc, first_row + i * job.row_step, job.cols, ow0);
  emit_block<F>(job, acc, divisors, out, out_step, ow0,
                static_cast<int>(std::min<index_t>(L, job.cols.out_width - ow0)));
}

/// Direct evaluation: every output folds all its taps, row-major. Any reducer with a
/// vector form, any window with stride <= 2 along W (wider strides gather lane by lane).
template <class F, class T, class R>
void direct_rows(const plane_job<T, R>& job, T* scratch, kernel::plane<const T> x,
                 kernel::plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const row_geometry& g = job.cols;
  const block_split<L> blocks = split_blocks<L>(g);
  const geometry::regular_axis& gh = job.windows->h;
  T* divisors = scratch;  // avg: one divisor per output column (padded to a vector)
  divisor_row divisor_cache{job.cols_padded, job.cols_valid};
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = gh.window(oh);
    const T* first_row = x.data + wh.first * x.row_stride;
    T* out = y.data + oh * y.row_stride;
    if constexpr (F::divides)
      divisor_cache.update(divisors, g.out_width, wh.padded_count, wh.count, *job.reducer);
    for (index_t b = 0; b < blocks.begin; ++b)
      direct_block<false, F>(job, first_row, wh.count, divisors, out, y.col_stride, b * L);
    for (index_t b = blocks.begin; b < blocks.end; ++b)
      direct_block<true, F>(job, first_row, wh.count, divisors, out, y.col_stride, b * L);
    for (index_t b = blocks.end; b < blocks.blocks; ++b)
      direct_block<false, F>(job, first_row, wh.count, divisors, out, y.col_stride, b * L);
  }
}

/// Selections with rows shared between output rows (vertical stride < window height):
/// each input row's horizontal result is computed once into a ring of rows, then each
/// output folds its window's rows from the ring, top to bottom.
template <class F, class T, class R>
void row_reuse_rows(const plane_job<T, R>& job, T* scratch, kernel::plane<const T> x,
                    kernel::plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const row_geometry& g = job.cols;
  const block_split<L> blocks = split_blocks<L>(g);
  const geometry::regular_axis& gh = job.windows->h;
  const index_t pitch = scratch_pitch(g.out_width);  // ring row length, whole vectors
  const index_t ring_rows = (gh.kernel() - 1) * gh.dilation() + 1;
  T* ring = scratch;
  // Which input row each ring slot holds (-1: none). Lives after the ring in scratch.
  auto* held = reinterpret_cast<index_t*>(ring + ring_rows * pitch);
  for (index_t s = 0; s < ring_rows; ++s) held[s] = -1;
  const V identity = V::broadcast(F::identity());
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window wh = gh.window(oh);
    for (index_t i = 0; i < wh.count; ++i) {
      const index_t ih = wh.first + i * gh.dilation();
      const index_t slot = ih % ring_rows;
      if (held[slot] == ih) continue;
      held[slot] = ih;
      const T* row = x.data + ih * x.row_stride;
      T* h = ring + slot * pitch;
      for (index_t b = 0; b < blocks.begin; ++b) fold_row<false, F>(identity, row, g, b * L).store(h + b * L);
      for (index_t b = blocks.begin; b < blocks.end; ++b) fold_row<true, F>(identity, row, g, b * L).store(h + b * L);
      for (index_t b = blocks.end; b < blocks.blocks; ++b) fold_row<false, F>(identity, row, g, b * L).store(h + b * L);
    }
    T* out = y.data + oh * y.row_stride;
    for (index_t b = 0; b < blocks.blocks; ++b) {
      const index_t ow0 = b * L;
      V acc = identity;
      for (index_t i = 0; i < wh.count; ++i) {
        const index_t slot = (wh.first + i * gh.dilation()) % ring_rows;
        acc = F::combine(acc, V::load(ring + slot * pitch + ow0));
      }
      store_block(acc, out + ow0 * y.col_stride, y.col_stride,
                  static_cast<int>(std::min<index_t>(L, g.out_width - ow0)));
    }
  }
}

/// Pools output rows [oh_begin, oh_end) of one plane. The input must have unit column
/// stride (the caller sends other layouts to the generic scalar kernel).
template <class T, class R>
void pool_rows(const plane_job<T, R>& job, T* scratch, kernel::plane<const T> x,
               kernel::plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  using F = vector_form<R>;
  const geometry::regular_axis& gh = job.windows->h;
  if constexpr (F::selects) {
    if (gh.stride() < gh.kernel() && gh.kernel() > 1) {
      row_reuse_rows<F>(job, scratch, x, y, oh_begin, oh_end);
      return;
    }
  }
  direct_rows<F>(job, scratch, x, y, oh_begin, oh_end);
}
