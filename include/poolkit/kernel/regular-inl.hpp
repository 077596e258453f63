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
// Taps in padding read the reducer's identity, which leaves every fold unchanged
// (x op identity == x, bit for bit, for these reducers).
//
// Borders: rows above and below the input read a row of identity elements; blocks of
// outputs whose taps reach past the left or right end of the row use masked loads (masks
// worked out once per call), which neither read nor fault outside the row; all other
// blocks use plain loads with no border logic at all. Only outputs are ever stored.

/// The vector form of a built-in reducer (kernel/builtin.hpp says which have one; the
/// others run the generic scalar kernel, kernel/plane.hpp). `combine` is the reducer's
/// combine lane by lane; `fold` is what the kernels fold taps with. A selection's `fold`
/// ignores NaN (one instruction on x86, where the exact combine takes two to four), so
/// its kernels probe each band's input rows first and send a band that may hold a NaN to
/// the generic kernel (probes_for_nan); `exact` is the form that folds exactly instead.
template <class R>
struct vector_form;

/// A form whose kernels fold with the exact combine and never probe: the shapes with
/// little reuse of each input element run it (pool_rows_of_form), where the probe's extra
/// pass over the band costs more than the exact combine saves (measured: max 3x3 s2 over
/// 112-wide rows ran 20% slower on AVX-512 with the probe).
template <class F>
struct exact_fold : F {
  using exact = exact_fold;
  static constexpr bool probes_for_nan = false;
  template <class V>
  static POOLKIT_FORCEINLINE V fold(V acc, V x) noexcept {
    return F::combine(acc, x);
  }
};

template <class T>
struct vector_form<reduce::max<T>> {
  using reducer = reduce::max<T>;
  using exact = exact_fold<vector_form>;
  static constexpr bool selects = true;
  static constexpr bool probes_for_nan = true;
  static POOLKIT_FORCEINLINE T identity() noexcept { return -std::numeric_limits<T>::infinity(); }
  // reduce::max::combine lane by lane: x > acc ? x : acc, and a NaN x always wins.
  static POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
    if constexpr (requires { vec<T>::max_unless_nan(x, acc); }) {
      return vec<T>::max_unless_nan(x, acc);
    } else {
      return vec<T>::select_nan(x, vec<T>::max(x, acc));
    }
  }
  // The same result when no tap is NaN (the kernels probe): one instruction on x86.
  static POOLKIT_FORCEINLINE vec<T> fold(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::max(x, acc);
  }
};

template <class T>
struct vector_form<reduce::min<T>> {
  using reducer = reduce::min<T>;
  using exact = exact_fold<vector_form>;
  static constexpr bool selects = true;
  static constexpr bool probes_for_nan = true;
  static POOLKIT_FORCEINLINE T identity() noexcept { return std::numeric_limits<T>::infinity(); }
  static POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
    if constexpr (requires { vec<T>::min_unless_nan(x, acc); }) {
      return vec<T>::min_unless_nan(x, acc);
    } else {
      return vec<T>::select_nan(x, vec<T>::min(x, acc));
    }
  }
  static POOLKIT_FORCEINLINE vec<T> fold(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::min(x, acc);
  }
};

template <class T>
struct vector_form<reduce::sum<T>> {
  using reducer = reduce::sum<T>;
  using exact = vector_form;  // a sum's fold is exact: one add
  static constexpr bool selects = false;
  static constexpr bool probes_for_nan = false;
  static POOLKIT_FORCEINLINE T identity() noexcept { return T(0); }
  static POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::add(acc, x);
  }
  static POOLKIT_FORCEINLINE vec<T> fold(vec<T> acc, vec<T> x) noexcept {
    return vec<T>::add(acc, x);
  }
};

template <class T>
struct vector_form<reduce::avg<T>> : vector_form<reduce::sum<T>> {};

/// `base + offset` computed on addresses: the result may point outside the row (its lanes
/// outside the row are masked off and never dereferenced), which pointer arithmetic
/// proper would make undefined.
/// T may be const (loads) or not (masked stores).
template <class T>
POOLKIT_FORCEINLINE T* address_at(T* base, index_t offset) noexcept {
  return reinterpret_cast<T*>(reinterpret_cast<std::uintptr_t>(base) +
                              static_cast<std::uintptr_t>(offset) * sizeof(T));
}

POOLKIT_FORCEINLINE int clamp_lane(index_t v, int lanes) noexcept {
  return static_cast<int>(v < 0 ? 0 : (v > lanes ? lanes : v));
}

// ---------------------------------------------------------------------------------------
// How a block of outputs reads one input row. fold_row below asks for vectors by input
// position and by the ordinal of the load within the block (0, 1, ...).

/// Plain loads: every position the block reads lies inside the row (or inside the
/// identity row that stands in for rows above and below the input).
template <class T>
struct inside_loads {
  const T* row;
  POOLKIT_FORCEINLINE vec<T> operator()(index_t p, int) const noexcept {
    return vec<T>::load(row + p);
  }
  POOLKIT_FORCEINLINE T element(index_t p) const noexcept { return row[p]; }
};

/// Masked loads for a block at an edge of the row: positions outside [0, width) read as
/// `fill` and are never touched. Load k of the block uses masks[k], precomputed once per
/// call (block_plan); without a table the masks are computed on the spot. `Tabled`: the
/// caller guarantees the table (the fixed shapes: pool_rows_shaped checks), so the
/// on-the-spot path is not compiled.
template <class T, bool Tabled = false>
struct edge_loads {
  const T* row;
  index_t width;
  T fill;
  const typename vec<T>::mask* masks;
  POOLKIT_FORCEINLINE vec<T> operator()(index_t p, int k) const noexcept {
    if (Tabled || masks != nullptr) return vec<T>::load_masked(address_at(row, p), masks[k], fill);
    constexpr int L = vec<T>::lanes;
    return vec<T>::load_range(address_at(row, p), clamp_lane(-p, L), clamp_lane(width - p, L),
                              fill);
  }
  POOLKIT_FORCEINLINE T element(index_t p) const noexcept {
    return p >= 0 && p < width ? row[p] : fill;
  }
};

/// Edge loads from masks the caller holds (a fixed shape's edge block copies its masks
/// from the table to locals once).
template <class T>
using table_loads = edge_loads<T, true>;

/// Replays a block's loads without reading anything: records the positions the block
/// touches and, if `masks` is set, the mask of each load.
template <class T>
struct load_recorder {
  index_t width;
  typename vec<T>::mask* masks;
  index_t lowest = std::numeric_limits<index_t>::max();
  index_t end = std::numeric_limits<index_t>::min();
  vec<T> operator()(index_t p, int k) noexcept {
    constexpr int L = vec<T>::lanes;
    lowest = std::min(lowest, p);
    end = std::max(end, p + L);
    if (masks != nullptr) masks[k] = vec<T>::lanes_in(clamp_lane(-p, L), clamp_lane(width - p, L));
    return vec<T>::broadcast(T(0));
  }
  T element(index_t p) noexcept {
    lowest = std::min(lowest, p);
    end = std::max(end, p + 1);
    return T(0);
  }
  bool inside() const noexcept { return lowest >= 0 && end <= width; }
};

/// One tap folded in with F::fold. `First`: acc is the identity and x the window's first
/// tap; a selection then is x itself (bit for bit: combine(identity, x) == x), which
/// saves one combine per window. Sums still add (0 + -0 is +0, not -0).
template <class F, bool First = false, class T>
POOLKIT_FORCEINLINE vec<T> combine(vec<T> acc, vec<T> x) noexcept {
  if constexpr (First && F::selects) {
    return x;
  } else {
    return F::fold(acc, x);
  }
}

/// Calls take(tap, first) for the taps of one window row, left to right: tap holds the
/// tap of the `lanes` outputs starting at ow0, `first` says whether it is the row's first.
/// The common 2- and 3-wide, stride-2 windows share one deinterleave for all their taps.
/// KW, SW > 0 fix width and stride at compile time (dilation 1); 0 reads them from `g`.
/// `pairs`: whether the shared deinterleave is compiled in (the fixed shapes;
/// block_plan::make passes it at run time, to replay either kind of row).
template <int KW, int SW, class T, class Loads, class Take>
POOLKIT_FORCEINLINE void for_each_tap(Loads&& load, const row_geometry& g, index_t ow0, bool pairs,
                                      Take&& take) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const index_t kernel = KW > 0 ? KW : g.kernel;
  const index_t stride = SW > 0 ? SW : g.stride;
  const index_t dilation = KW > 0 ? 1 : g.dilation;
  if (pairs && stride == 2 && dilation == 1 && (kernel == 2 || kernel == 3)) {
    const index_t p = ow0 * 2 - g.pad_begin;
    V even;
    V odd;
    V::deinterleave(load(p, 0), load(p + L, 1), even, odd);
    take(even, true);
    take(odd, false);
    // Tap 2 is `even` moved one lane down, with the element after the block appended.
    if (kernel == 3) take(V::shift_next(even, V::broadcast(load.element(p + 2 * L))), false);
    return;
  }
  // One loop per way of reading a tap, chosen once per row rather than once per tap
  // (measured: a 13 x 13 stride-1 window ran 20% slower with the choice inside the loop).
  const index_t p0 = ow0 * stride - g.pad_begin;
  if (stride == 1) {
    take(load(p0, 0), true);
    for (index_t j = 1; j < kernel; ++j) take(load(p0 + j * dilation, static_cast<int>(j)), false);
  } else if (stride == 2) {
    for (index_t j = 0; j < kernel; ++j) {
      const index_t p = p0 + j * dilation;
      const int k = static_cast<int>(j);
      V tap;
      V odd;
      V::deinterleave(load(p, 2 * k), load(p + L, 2 * k + 1), tap, odd);
      take(tap, j == 0);
    }
  } else {
    for (index_t j = 0; j < kernel; ++j) {
      const index_t p = p0 + j * dilation;
      alignas(64) T lanes_of[std::size_t{L}];  // wider strides gather lane by lane
      for (int l = 0; l < L; ++l) lanes_of[l] = load.element(p + l * stride);
      take(V::load(lanes_of), j == 0);
    }
  }
}

/// Folds the taps of one window row into `acc`, left to right, for the `lanes` outputs
/// starting at ow0 (for_each_tap says how they are read).
template <int KW, int SW, class F, bool First = false, class T, class Loads>
POOLKIT_FORCEINLINE vec<T> fold_row(vec<T> acc, Loads&& load, const row_geometry& g, index_t ow0,
                                    bool pairs = KW > 0) noexcept {
  for_each_tap<KW, SW, T>(load, g, ow0, pairs, [&](vec<T> tap, bool first) POOLKIT_INLINE_LAMBDA {
    acc = first ? combine<F, First>(acc, tap) : combine<F>(acc, tap);
  });
  return acc;
}

/// Folds `count` taps of a selection, tap t read by tap(t), in two chains of consecutive
/// taps combined in order: the same result as one chain (a selection is unchanged by
/// grouping consecutive taps, see the top of this file), but each maximum no longer waits
/// for the one before (one chain ran 13 x 13 windows at the latency of a max per tap).
template <class F, class T, class Tap>
POOLKIT_FORCEINLINE vec<T> fold_in_two_chains(index_t count, Tap&& tap) noexcept {
  using V = vec<T>;
  const index_t half = (count + 1) / 2;
  V first = V::broadcast(F::identity());
  V second = first;
  index_t t = 0;
  for (; t + half < count; ++t) {
    first = combine<F>(first, tap(t));
    second = combine<F>(second, tap(t + half));
  }
  if (t < half) first = combine<F>(first, tap(t));  // count odd: the first chain's last tap
  return combine<F>(first, second);
}

/// Which blocks of an output row read only inside the input row (plain loads) and the
/// masks of the edge blocks' loads, worked out once per call by replaying each edge
/// block's loads (load_recorder), so they always match what fold_row does.
template <class T>
struct block_plan {
  using mask = typename vec<T>::mask;
  index_t blocks = 0;
  index_t inside_begin = 0;  // blocks [inside_begin, inside_end) take plain loads
  index_t inside_end = 0;
  int loads = 0;                // loads per block: the stride of the mask table
  const mask* masks = nullptr;  // edge block e's masks at masks[e * loads]; null: on the spot

  /// The first output of block b. When the row is at least a vector wide, the last block
  /// is moved left to end at the row's end: it recomputes a few outputs of the block
  /// before it (same bits) instead of running past the row with idle lanes, and usually
  /// reads only inside the input.
  index_t out_width = 0;
  bool last_moved = false;  // the last block ends at the row's end (overlapping)
  index_t start(index_t b) const noexcept {
    constexpr int L = vec<T>::lanes;
    return last_moved ? std::min(b * L, out_width - L) : b * L;
  }
  /// Outputs block b stores.
  int count(index_t b) const noexcept {
    constexpr int L = vec<T>::lanes;
    return static_cast<int>(std::min<index_t>(L, out_width - start(b)));
  }

  /// The edge blocks in order, as one loop (one copy of the edge code, not two):
  /// for (b = first_edge(); b < blocks; b = next_edge(b)).
  index_t first_edge() const noexcept { return inside_begin > 0 ? 0 : inside_end; }
  index_t next_edge(index_t b) const noexcept { return b + 1 == inside_begin ? inside_end : b + 1; }

  /// The masks of edge block b (b < inside_begin or b >= inside_end).
  const mask* masks_of(index_t b) const noexcept {
    if (masks == nullptr) return nullptr;
    const index_t e = b < inside_begin ? b : inside_begin + (b - inside_end);
    return masks + e * loads;
  }

  /// Replays fold_row's loads for the shape in `g`; `pairs` as fold_row's (true for the
  /// fixed shapes). One replay for every shape: the fixed shapes' loads are the
  /// runtime-shape fold's with the shared deinterleave.
  /// The replay folds with sum's form whatever the reducer (it records positions and
  /// never looks at values), so all reducers share it.
  static block_plan make(const row_geometry& g, bool pairs, void* table,
                         index_t table_bytes) noexcept {
    using F = vector_form<reduce::sum<T>>;
    constexpr int L = vec<T>::lanes;
    block_plan plan;
    plan.blocks = (g.out_width + L - 1) / L;
    plan.out_width = g.out_width;
    const auto inside = [&](index_t b) {
      load_recorder<T> r{g.in_width, nullptr};
      fold_row<0, 0, F>(vec<T>::broadcast(T(0)), r, g, plan.start(b), pairs);
      return r.inside();
    };
    // Move the last, partial block only when that lets it take plain loads (measured:
    // an overlapping block that still needs masks is slower than a partial one).
    if (g.out_width >= L && g.out_width % L != 0 && !inside(plan.blocks - 1)) {
      plan.last_moved = true;
      if (!inside(plan.blocks - 1)) plan.last_moved = false;
    }
    while (plan.inside_begin < plan.blocks && !inside(plan.inside_begin)) ++plan.inside_begin;
    plan.inside_end = plan.blocks;
    while (plan.inside_end > plan.inside_begin && !inside(plan.inside_end - 1)) --plan.inside_end;
    // Loads per block: at most two per tap, one for a 3-wide stride-2 window's last tap.
    plan.loads = static_cast<int>(2 * g.kernel + 1);
    const index_t edges = plan.inside_begin + (plan.blocks - plan.inside_end);
    if (edges * plan.loads * static_cast<index_t>(sizeof(mask)) <= table_bytes) {
      auto* masks = static_cast<mask*>(table);
      for (index_t b = 0; b < plan.blocks; ++b) {
        if (b == plan.inside_begin) b = std::max(b, plan.inside_end);
        if (b >= plan.blocks) break;
        const index_t e = b < plan.inside_begin ? b : plan.inside_begin + (b - plan.inside_end);
        load_recorder<T> r{g.in_width, masks + e * plan.loads};
        fold_row<0, 0, F>(vec<T>::broadcast(T(0)), r, g, plan.start(b), pairs);
      }
      plan.masks = masks;
    }
    return plan;
  }
};

/// One window row folded into `acc` for block b, with plain or masked loads.
template <int KW, int SW, class F, bool Inside, bool First = false, class T>
POOLKIT_FORCEINLINE vec<T> fold_block_row(vec<T> acc, const T* row, const row_geometry& g,
                                          const block_plan<T>& plan, index_t b) noexcept {
  if constexpr (Inside) {
    return fold_row<KW, SW, F, First>(acc, inside_loads<T>{row}, g, plan.start(b));
  } else {
    return fold_row<KW, SW, F, First>(
        acc, edge_loads<T>{row, g.in_width, F::identity(), plan.masks_of(b)}, g, plan.start(b));
  }
}

/// One block of outputs: every output folds all its KH (or kh) window rows, row-major.
template <int KH, int KW, int SW, class F, bool Inside, class T>
POOLKIT_FORCEINLINE vec<T> direct_block(const T* const* window, index_t kh, index_t dh,
                                        const row_geometry& g, const block_plan<T>& plan,
                                        index_t b) noexcept {
  vec<T> acc = vec<T>::broadcast(F::identity());
  if constexpr (KH > 0 && KW > 0 && !Inside) {
    // An edge block of a fixed shape: its masks go into locals once, for all rows (they
    // do not depend on the row), rather than being reloaded row by row.
    using mask = typename vec<T>::mask;
    constexpr std::size_t loads = 2 * KW + 1;
    mask masks[loads];
    const mask* table = plan.masks_of(b);
    for (std::size_t k = 0; k < loads; ++k) masks[k] = table[k];
    const table_loads<T> first{window[0], g.in_width, F::identity(), masks};
    acc = fold_row<KW, SW, F, true>(acc, first, g, plan.start(b));
    for (index_t t = 1; t < KH; ++t)
      acc = fold_row<KW, SW, F>(acc, table_loads<T>{window[t], g.in_width, F::identity(), masks}, g,
                                plan.start(b));
  } else if constexpr (KH > 0) {
    acc = fold_block_row<KW, SW, F, Inside, true>(acc, window[0], g, plan, b);
    for (index_t t = 1; t < KH; ++t)
      acc = fold_block_row<KW, SW, F, Inside>(acc, window[t], g, plan, b);
  } else {
    for (index_t t = 0; t < kh; ++t)
      acc = fold_block_row<KW, SW, F, Inside>(acc, window[t * dh], g, plan, b);
  }
  return acc;
}

/// Output row oh of the direct evaluation: edge blocks, inside blocks, edge blocks.
template <int KH, int KW, int SW, class F, class T>
POOLKIT_FORCEINLINE void direct_row(const vector_job<T>& job, const T* const* window, index_t kh,
                                    index_t dh, const row_geometry& g, const block_plan<T>& plan,
                                    const T* divisors, T* out, index_t out_step) noexcept {
  using V = vec<T>;
  const bool reciprocal = job.divisors_are_reciprocals;
  const auto emit = [&](V acc, index_t b) {
    const index_t ow0 = plan.start(b);
    if (divisors != nullptr) acc = divide(acc, V::load(divisors + ow0), reciprocal);
    store_block(acc, out + ow0 * out_step, out_step, plan.count(b));
  };
  for (index_t b = plan.first_edge(); b < plan.blocks; b = plan.next_edge(b))
    emit(direct_block<KH, KW, SW, F, false>(window, kh, dh, g, plan, b), b);
  for (index_t b = plan.inside_begin; b < plan.inside_end; ++b)
    emit(direct_block<KH, KW, SW, F, true>(window, kh, dh, g, plan, b), b);
}

/// Prefetches input rows [first, last] of plane x (rows past its end: the next plane's
/// first rows when planes are contiguous; prefetches never fault).
template <class T>
POOLKIT_FORCEINLINE void prefetch_rows(kernel::plane<const T> x, index_t first,
                                       index_t last) noexcept {
  const index_t row_bytes = x.cols * static_cast<index_t>(sizeof(T));
  const auto* data = reinterpret_cast<const char*>(x.data);
  for (index_t ih = std::max<index_t>(first, 0); ih <= last; ++ih)
    for (index_t b = 0; b < row_bytes; b += 64)
      POOLKIT_PREFETCH(address_at(data, ih * x.row_stride * static_cast<index_t>(sizeof(T)) + b));
}

/// How many output rows ahead pool_band prefetches input rows beyond the caches: S8 (max
/// 3x3 s2 on 32 x 64 x 112 x 112 floats) ran at 55% of its roofline without, 62-72% two rows
/// ahead, 68-80% four, 73-91% eight (twelve and sixteen no better).
inline constexpr index_t prefetch_rows_ahead = 8;

/// One band of output rows [oh_begin, oh_end) of a plane. The input rows the band needs
/// are listed in a table, rows above or below the input replaced by a row of identity
/// elements, so every window has exactly kernel-height rows. Rows are read in place:
/// only outputs are stored (staging padded copies of the input was measured slower: the
/// extra stores cost more than the border handling they save).
template <int KH, int KW, int SW, class F, class T>
void pool_band(const vector_job<T>& job, const block_plan<T>& plan_in, T* scratch,
               kernel::plane<const T> x, kernel::plane<T> y, index_t oh_begin,
               index_t oh_end) noexcept {
  using V = vec<T>;
  const block_plan<T> plan = plan_in;  // a local copy: see below
  const scratch_layout& layout = *job.layout;
  // Everything the loops read is copied into locals first: vector stores may alias any
  // memory (their pointer types are may_alias), so fields read through references would
  // be reloaded after every store.
  const row_geometry g = job.cols;
  const index_t pitch = layout.pitch;
  const geometry::regular_axis& gh = job.windows->h;
  const index_t kh = KH > 0 ? KH : gh.kernel();
  const index_t dh = KH > 0 ? 1 : gh.dilation();
  const index_t sh = gh.stride();
  const index_t first_row = oh_begin * sh - gh.pad_begin();
  const index_t band_rows = (oh_end - oh_begin - 1) * sh + (kh - 1) * dh + 1;
  T* const out_data = y.data;
  const index_t out_row_stride = y.row_stride;
  const index_t out_col_stride = y.col_stride;

  // The band's input rows.
  const T** rows = reinterpret_cast<const T**>(scratch + layout.band_pointers);
  const T* identity_row = scratch + layout.identity_row - job.extent.first;
  for (index_t i = 0; i < band_rows; ++i) {
    const index_t ih = first_row + i;
    rows[i] = ih >= 0 && ih < x.rows ? x.data + ih * x.row_stride : identity_row;
  }

  // The stride-1 instance of the runtime shapes runs large selection windows only
  // (pool_rows_of_form sends it no other). Large windows at other strides fold directly:
  // they are rare in networks, and this path compiled for a runtime stride cost 10% of a
  // max_pool2d call's object code.
  if constexpr (F::selects && KH == 0 && SW == 1) {
    // Large windows: the horizontal result of every band row once, then each output
    // folds its window's rows of them, top to bottom (a selection is unchanged by that
    // grouping). Costs a store per row of horizontal results, saves kernel-width taps
    // per window row.
    // Each input row is first copied into a row whose borders hold the identity (set
    // once per call), so every block reads with plain loads: with masked loads a tap
    // cost about ten instructions, and the narrow rows of SPPF (13 x 13 windows on 20-wide
    // planes, S10) are edge blocks only. The copy is a few vectors per row against
    // kernel-width taps per block.
    T* h = scratch + layout.band_h;
    T* staged = scratch + layout.staged_row - job.extent.first;
    for (index_t i = 0; i < band_rows; ++i) {
      T* hr = h + i * pitch;
      const T* row = rows[i];
      if (row != identity_row) {
        std::memcpy(staged, row, static_cast<std::size_t>(g.in_width) * sizeof(T));
        row = staged;
      }
      for (index_t b = 0; b < plan.blocks; ++b) {
        const T* p0 = row + (plan.start(b) - g.pad_begin);
        fold_in_two_chains<F, T>(g.kernel, [&](index_t j) {
          return V::load(p0 + j * g.dilation);
        }).store(hr + plan.start(b));
      }
    }
    for (index_t oh = oh_begin; oh < oh_end; ++oh) {
      const T* window = h + (oh - oh_begin) * sh * pitch;
      T* out = out_data + oh * out_row_stride;
      for (index_t b = 0; b < plan.blocks; ++b) {
        const index_t ow0 = plan.start(b);
        const V acc = fold_in_two_chains<F, T>(
            kh, [&](index_t t) { return V::load(window + t * dh * pitch + ow0); });
        store_block(acc, out + ow0 * out_col_stride, out_col_stride, plan.count(b));
      }
    }
  } else {
    // Direct: every output folds all its taps. The window's row pointers are copied to
    // locals for the common heights (see above: stores may alias the table).
    const bool prefetch = job.prefetch_rows;
    for (index_t oh = oh_begin; oh < oh_end; ++oh) {
      // Beyond the caches: the input rows that output row oh + prefetch_rows_ahead reads and
      // the output row above it does not.
      if (prefetch) {
        const index_t bottom = (oh + prefetch_rows_ahead) * sh - gh.pad_begin() + (kh - 1) * dh;
        prefetch_rows(x, bottom - std::min(sh, kh) + 1, bottom);
      }
      const index_t top = (oh - oh_begin) * sh;
      const T* window[std::size_t{KH > 0 ? KH : 1}];
      if constexpr (KH > 0)
        for (index_t t = 0; t < KH; ++t) window[t] = rows[top + t];
      const T* const* rows_of_window = KH > 0 ? window : rows + top;
      const T* divisors = nullptr;
      if (!F::selects && job.divisor_rows != nullptr)
        divisors = job.divisor_rows + job.divisor_row(oh) * pitch;
      T* out = out_data + oh * out_row_stride;
      direct_row<KH, KW, SW, F>(job, rows_of_window, kh, dh, g, plan, divisors, out,
                                out_col_stride);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Column strips, for the fixed shapes (K x K windows, stride S, dilation 1).
//
// One column block is walked down a band of output rows, and what an input row
// contributes is kept in registers for the next output rows that share the row (K - S of
// them): for a selection its horizontal result, for a sum its K tap vectors (sums keep
// PyTorch's row-major order, so each output still adds every tap itself; the saving is in
// loads). Each input row of the strip is loaded once instead of up to K times, and the
// block's edge masks are loaded once for the whole strip.

/// The K tap vectors of one window row for the block at ow0, left to right, with the loads
/// of fold_row (one deinterleave for stride 2).
template <int K, int S, class T, class Loads>
POOLKIT_FORCEINLINE void load_taps(Loads&& load, const row_geometry& g, index_t ow0,
                                   vec<T> (&taps)[std::size_t{K}]) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const index_t p = ow0 * S - g.pad_begin;
  if constexpr (S == 2) {
    V::deinterleave(load(p, 0), load(p + L, 1), taps[0], taps[1]);
    if constexpr (K == 3) taps[2] = V::shift_next(taps[0], V::broadcast(load.element(p + 2 * L)));
  } else {
    each_of<K>([&](int j) { taps[j] = load(p + j, j); });
  }
}

/// One column block of a band: output rows [oh_begin, oh_end), block b of the plan.
template <int K, int S, class F, bool Inside, class T>
POOLKIT_FORCEINLINE void strip_block(const vector_job<T>& job, const block_plan<T>& plan,
                                     const T* const* rows, const T* const* divisors,
                                     kernel::plane<T> y, index_t oh_begin, index_t oh_end,
                                     index_t b) noexcept {
  using V = vec<T>;
  using mask = typename V::mask;
  constexpr int carried = K > S ? K - S : 0;  // window rows shared with the next output row
  const row_geometry g = job.cols;
  const index_t ow0 = plan.start(b);
  const int count = plan.count(b);
  // Edge masks: once for the whole strip.
  constexpr std::size_t loads = 2 * K + 1;
  mask masks[loads]{};
  if constexpr (!Inside) {
    const mask* table = plan.masks_of(b);
    for (std::size_t k = 0; k < loads; ++k) masks[k] = table[k];
  }
  const auto row_taps = [&](const T* row, V(&taps)[std::size_t{K}]) {
    if constexpr (Inside) {
      load_taps<K, S, T>(inside_loads<T>{row}, g, ow0, taps);
    } else {
      load_taps<K, S, T>(table_loads<T>{row, g.in_width, F::identity(), masks}, g, ow0, taps);
    }
  };
  T* out = y.data + ow0 * y.col_stride;
  // The loops over window rows and taps are unrolled (each_of): with constant indices the
  // carried rows stay in registers (loops kept them on the stack, measured 2x slower on
  // 28-wide planes).
  const bool divides = job.divisor_rows != nullptr;
  const bool reciprocal = job.divisors_are_reciprocals;
  const index_t out_row_stride = y.row_stride;
  const index_t out_col_stride = y.col_stride;
  if constexpr (F::selects) {
    V h[std::size_t{K}];  // horizontal results of the window's rows, top to bottom
    each_of<K>(
        [&](int t) { h[t] = V::broadcast(F::identity()); });  // (GCC cannot see they are set)
    for (index_t oh = oh_begin; oh < oh_end; ++oh) {
      const T* const* window = rows + (oh - oh_begin) * S;
      const int fresh = oh == oh_begin ? 0 : carried;  // rows not carried from above
      each_of<K>([&](int t) {
        if (t < fresh) return;
        V taps[std::size_t{K}];
        row_taps(window[t], taps);
        V acc = taps[0];  // combine(identity, x) == x
        each_of<K - 1>([&](int j) { acc = combine<F>(acc, taps[j + 1]); });
        h[t] = acc;
      });
      V acc = h[0];
      each_of<K - 1>([&](int t) { acc = combine<F>(acc, h[t + 1]); });
      store_block(acc, out + oh * out_row_stride, out_col_stride, count);
      each_of<carried>([&](int t) { h[t] = h[t + S]; });
    }
  } else {
    V taps[std::size_t{K}][std::size_t{K}];  // tap vectors of the window's rows
    each_of<K * K>([&](int i) { taps[i / K][i % K] = V::broadcast(F::identity()); });
    for (index_t oh = oh_begin; oh < oh_end; ++oh) {
      const T* const* window = rows + (oh - oh_begin) * S;
      const int fresh = oh == oh_begin ? 0 : carried;
      each_of<K>([&](int t) {
        if (t >= fresh) row_taps(window[t], taps[t]);
      });
      V acc = V::broadcast(F::identity());
      each_of<K * K>([&](int i) { acc = F::combine(acc, taps[i / K][i % K]); });
      if (divides) acc = divide(acc, V::load(divisors[oh - oh_begin] + ow0), reciprocal);
      store_block(acc, out + oh * out_row_stride, out_col_stride, count);
      each_of<carried * K>([&](int i) { taps[i / K][i % K] = taps[i / K + S][i % K]; });
    }
  }
}

/// Output rows at most half a vector wide under 2 x 2 stride-2 windows (the 14 -> 7
/// pooling of late layers; 7 of 16 lanes busy in a column strip): two output rows per
/// vector. deinterleave(a, b) puts the even and odd elements of a in the lower half of its
/// results and those of b in the upper half, so with b the second output row's input row
/// and a the first one's loaded `shift` = L/2 - OW outputs early, the first row's outputs
/// fill lanes [L/2 - OW, L/2) and the second row's [L/2, L/2 + OW), back to back; where
/// the output rows follow one another in memory one masked store writes both. Every lane
/// folds its window's four taps in the strips' order (row-major from the identity), so
/// the bits are the same. The caller checks the shape (strip_band).
/// Row pointers and divisor rows are worked out on the fly: with 7-wide rows, filling
/// the band's tables first took a third of the time.
template <class F, class T>
POOLKIT_FORCEINLINE void paired_strip(const vector_job<T>& job, const T* identity_row,
                                      kernel::plane<const T> x, kernel::plane<T> y,
                                      index_t oh_begin, index_t oh_end) noexcept {
  using V = vec<T>;
  using mask = typename V::mask;
  constexpr int L = V::lanes;
  const row_geometry& g = job.cols;
  const int ow = static_cast<int>(g.out_width);
  const int shift = L / 2 - ow;
  const index_t second_at = -g.pad_begin;  // input position of the second row's lane 0
  const index_t first_at = second_at - 2 * shift;
  // Lanes at positions outside the row read the identity (padding) and touch nothing.
  const mask first_in_row =
      V::lanes_in(clamp_lane(-first_at, L), clamp_lane(g.in_width - first_at, L));
  const mask second_in_row =
      V::lanes_in(clamp_lane(-second_at, L), clamp_lane(g.in_width - second_at, L));
  const mask first_lanes = V::lanes_in(shift, L / 2);
  const mask second_lanes = V::lanes_in(L / 2, L / 2 + ow);
  const mask both_lanes = V::lanes_in(shift, L / 2 + ow);
  // The four taps of both rows' windows, folded row-major from the identity. `first` and
  // `second` point at the two output rows' top input rows, `*_below` at the rows under them.
  const auto fold = [&](const T* first, const T* first_below, const T* second,
                        const T* second_below) {
    const auto taps = [&](const T* a, const T* b, V& even, V& odd) {
      V::deinterleave(V::load_masked(address_at(a, first_at), first_in_row, F::identity()),
                      V::load_masked(address_at(b, second_at), second_in_row, F::identity()), even,
                      odd);
    };
    V even0;
    V odd0;
    V even1;
    V odd1;
    taps(first, second, even0, odd0);
    taps(first_below, second_below, even1, odd1);
    const V acc = V::broadcast(F::identity());
    return F::combine(F::combine(F::combine(F::combine(acc, even0), odd0), even1), odd1);
  };
  // avg: the two rows' divisors side by side.
  const bool divides = job.divisor_rows != nullptr;
  const bool reciprocal = job.divisors_are_reciprocals;
  const auto pair_divisors = [&](index_t oh, bool pair) {
    alignas(64) T lanes_of[std::size_t{L}];
    for (T& d : lanes_of) d = T(1);
    const T* d0 = job.divisor_rows + job.divisor_row(oh) * job.layout->pitch;
    const T* d1 = pair ? job.divisor_rows + job.divisor_row(oh + 1) * job.layout->pitch : d0;
    for (int j = 0; j < ow; ++j) {
      lanes_of[shift + j] = d0[j];
      lanes_of[L / 2 + j] = d1[j];
    }
    return V::load(lanes_of);
  };
  const index_t pad_top = job.windows->h.pad_begin();
  const index_t rs = x.row_stride;
  // Pairs whose four input rows all lie inside the input, with every output row sharing
  // its divisors and the output rows back to back (the stacked planes of ops/regular.hpp):
  // one tight loop with no per-row tests.
  index_t oh = oh_begin;
  if (y.row_stride == ow && (!divides || job.divisor_row_of == nullptr) &&
      oh_begin * 2 - pad_top >= 0) {
    const V divisor = divides ? pair_divisors(oh_begin, true) : V::broadcast(T(1));
    const T* top = x.data + (oh * 2 - pad_top) * rs;
    T* out = y.data + oh * ow;
    for (; oh + 1 < oh_end && oh * 2 + 3 - pad_top < x.rows;
         oh += 2, top += 4 * rs, out += 2 * ow) {
      V acc = fold(top, top + rs, top + 2 * rs, top + 3 * rs);
      if (divides) acc = divide(acc, divisor, reciprocal);
      acc.store_masked(address_at(out, -shift), both_lanes);
    }
  }
  // Everything else (rows of padding, an odd last row, per-row divisors, output rows
  // apart): the same fold with each row looked up.
  const auto input_row = [&](index_t ih) {
    return ih >= 0 && ih < x.rows ? x.data + ih * rs : identity_row;
  };
  for (; oh < oh_end; oh += 2) {
    const bool pair = oh + 1 < oh_end;
    const index_t top = oh * 2 - pad_top;
    const index_t second_top = pair ? top + 2 : top;  // an odd last row: not stored
    V acc =
        fold(input_row(top), input_row(top + 1), input_row(second_top), input_row(second_top + 1));
    if (divides) acc = divide(acc, pair_divisors(oh, pair), reciprocal);
    T* out = y.data + oh * y.row_stride;
    if (pair && y.row_stride == ow) {
      acc.store_masked(address_at(out, -shift), both_lanes);
    } else {
      acc.store_masked(address_at(out, -shift), first_lanes);
      if (pair) acc.store_masked(address_at(out + y.row_stride, -L / 2), second_lanes);
    }
  }
}

/// A band of output rows in column strips (see above).
template <int K, int S, class F, class T>
void strip_band(const vector_job<T>& job, const block_plan<T>& plan_in, T* scratch,
                kernel::plane<const T> x, kernel::plane<T> y, index_t oh_begin,
                index_t oh_end) noexcept {
  // A local copy: the blocks' loops read it after stores that may alias anything.
  const block_plan<T> plan = plan_in;
  const scratch_layout& layout = *job.layout;
  const geometry::regular_axis& gh = job.windows->h;
  const index_t first_row = oh_begin * S - gh.pad_begin();
  const index_t band_rows = (oh_end - oh_begin - 1) * S + K;
  const T** rows = reinterpret_cast<const T**>(scratch + layout.band_pointers);
  const T* identity_row = scratch + layout.identity_row - job.extent.first;
  if constexpr (K == 2 && S == 2 && vec<T>::lanes >= 2) {
    if (2 * job.cols.out_width <= vec<T>::lanes && y.col_stride == 1)
      return paired_strip<F>(job, identity_row, x, y, oh_begin, oh_end);
  }
  for (index_t i = 0; i < band_rows; ++i) {
    const index_t ih = first_row + i;
    rows[i] = ih >= 0 && ih < x.rows ? x.data + ih * x.row_stride : identity_row;
  }
  // avg: the divisor row of each output row of the band.
  const T** divisors = reinterpret_cast<const T**>(scratch + layout.band_pointers) + band_rows;
  if (!F::selects && job.divisor_rows != nullptr)
    for (index_t oh = oh_begin; oh < oh_end; ++oh)
      divisors[oh - oh_begin] = job.divisor_rows + job.divisor_row(oh) * layout.pitch;
  for (index_t b = plan.first_edge(); b < plan.blocks; b = plan.next_edge(b))
    strip_block<K, S, F, false>(job, plan, rows, divisors, y, oh_begin, oh_end, b);
  for (index_t b = plan.inside_begin; b < plan.inside_end; ++b)
    strip_block<K, S, F, true>(job, plan, rows, divisors, y, oh_begin, oh_end, b);
}

/// Whether some of the elements it was shown may be NaN. They are summed lane by lane,
/// one add per vector: a NaN makes its lane's sum NaN, finite elements never do (a sum
/// that overflows stays infinite). Infinities of both signs in one lane also answer true,
/// which only sends the caller to its exact path. Four independent sums: with one, the
/// adds wait on each other (four cycles each) and the probe cost more than the pooling of
/// 112-wide rows. Constant indices into `sum` keep it in registers (with the index
/// counted at run time it lived on the stack, and the probe of 28-wide rows cost a
/// quarter of a 3x3 max pooling).
template <class T>
struct nan_probe {
  vec<T> sum[4];

  // Written out: an implicit constructor would not be compiled for this instruction set.
  POOLKIT_FORCEINLINE nan_probe() noexcept {
    each_of<4>([&](int k) { sum[k] = vec<T>::broadcast(T(0)); });
  }

  /// Shows the probe n contiguous elements from p.
  POOLKIT_FORCEINLINE void add(const T* p, index_t n) noexcept {
    using V = vec<T>;
    constexpr int L = V::lanes;
    if (n < L) {
      sum[0] = V::add(sum[0], V::load_range(p, 0, static_cast<int>(n), T(0)));
      return;
    }
    index_t i = 0;
    for (; i + 4 * L <= n; i += 4 * L)
      each_of<4>([&](int k) { sum[k] = V::add(sum[k], V::load(p + i + k * L)); });
    each_of<3>([&](int k) {
      if (i + L > n) return;
      sum[k + 1] = V::add(sum[k + 1], V::load(p + i));
      i += L;
    });
    if (i < n) sum[0] = V::add(sum[0], V::load(p + n - L));  // overlaps: harmless
  }

  POOLKIT_FORCEINLINE bool may_have_seen_nan() const noexcept {
    return vec<T>::any_nan(sum[0]) || vec<T>::any_nan(sum[1]) || vec<T>::any_nan(sum[2]) ||
           vec<T>::any_nan(sum[3]);
  }
};

/// Whether an input row read by output rows [oh_begin, oh_end) may hold a NaN (nan_probe).
template <class T>
bool band_may_hold_nan(kernel::plane<const T> x, const geometry::regular_axis& gh, index_t oh_begin,
                       index_t oh_end) noexcept {
  const index_t first = std::max<index_t>(0, oh_begin * gh.stride() - gh.pad_begin());
  const index_t end = std::min(
      x.rows, (oh_end - 1) * gh.stride() - gh.pad_begin() + (gh.kernel() - 1) * gh.dilation() + 1);
  const index_t width = x.cols;
  nan_probe<T> probe;
  if (x.row_stride == width) {
    if (end > first) probe.add(x.data + first * width, (end - first) * width);  // one span
  } else {
    for (index_t ih = first; ih < end; ++ih) probe.add(x.data + ih * x.row_stride, width);
  }
  return probe.may_have_seen_nan();
}

/// Output rows [oh_begin, oh_end) of one plane, band by band.
template <int KH, int KW, int SW, class F, class T>
void pool_rows_shaped(const vector_job<T>& job, T* scratch, kernel::plane<const T> x,
                      kernel::plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  const scratch_layout& layout = *job.layout;
  const block_plan<T> plan =
      block_plan<T>::make(job.cols, KW > 0, scratch + layout.mask_table, layout.mask_table_bytes);
  const geometry::regular_axis& gh = job.windows->h;
  // The fixed square shapes run in column strips when rows are at most two vectors wide
  // (measured: on wider rows the strips' jumps from row to row defeat the hardware
  // prefetcher; 3x3 s2 on 112-wide rows ran at half speed). Sums too: since the strips'
  // loops are unrolled (each_of) the carried 3x3 s1 tap vectors stay in registers, and
  // avg 3x3 s1 on 28-wide planes ran 2x faster in strips than direct (9 -> 19 GB/s).
  // The fixed shapes take their edge masks from the table, which holds them unless the
  // row has an unusual number of edge blocks; then the runtime-shape kernel runs.
  if constexpr (KW > 0) {
    if (plan.masks == nullptr && plan.inside_end - plan.inside_begin < plan.blocks)
      return pool_rows_shaped<0, 0, 0, typename F::exact>(job, scratch, x, y, oh_begin, oh_end);
  }
  constexpr bool square = KH > 0 && KH == KW && SW > 0;
  const bool strips = square && gh.stride() == SW && gh.dilation() == 1 && plan.blocks <= 2;
  for (index_t oh = oh_begin; oh < oh_end; oh += layout.band_height) {
    const index_t end = std::min(oh_end, oh + layout.band_height);
    // A band whose rows may hold a NaN runs the generic kernel, which gives the bits of an
    // exact fold: each kernel is compiled in one variant, not an exact and a NaN-free one.
    if constexpr (F::probes_for_nan) {
      if (band_may_hold_nan(x, gh, oh, end)) {
        pool_plane_rows(typename F::reducer{}, x, y, *job.windows, oh, end);
        continue;
      }
    }
    if constexpr (square) {
      if (strips) {
        strip_band<KH, SW, F>(job, plan, scratch, x, y, oh, end);
        continue;
      }
    }
    pool_band<KH, KW, SW, F>(job, plan, scratch, x, y, oh, end);
  }
}

/// Pools output rows [oh_begin, oh_end) of one plane with vector form F: picks the
/// kernel for the window's shape. Never inlined: avg's and sum's entry points share it.
template <class F, class T>
POOLKIT_NOINLINE void pool_rows_of_form(const vector_job<T>& job, T* scratch,
                                        kernel::plane<const T> x, kernel::plane<T> y,
                                        index_t oh_begin, index_t oh_end) noexcept {
  const row_geometry& g = job.cols;
  const geometry::regular_axis& gh = job.windows->h;
  // Stride-1 windows read each input element kernel-width times or more: there a
  // selection's NaN probe (one add per input vector) costs less than folding every tap
  // exactly. Other shapes fold exactly (E).
  using E = typename F::exact;
  if (g.dilation == 1 && gh.dilation() == 1 && gh.kernel() == g.kernel) {
    // The specialised fast paths: 2x2 s2, 3x3 s2, 3x3 s1 (any padding, any vertical stride).
    if (g.kernel == 2 && g.stride == 2)
      return pool_rows_shaped<2, 2, 2, E>(job, scratch, x, y, oh_begin, oh_end);
    if (g.kernel == 3 && g.stride == 2)
      return pool_rows_shaped<3, 3, 2, E>(job, scratch, x, y, oh_begin, oh_end);
    if (g.kernel == 3 && g.stride == 1)
      return pool_rows_shaped<3, 3, 1, F>(job, scratch, x, y, oh_begin, oh_end);
  }
  // Large stride-1 selection windows (SPPF's 5 x 5 to 13 x 13) with the stride fixed:
  // measured 8% faster on 13 x 13 than with the stride read at run time.
  if constexpr (F::selects) {
    if (g.stride == 1 && gh.stride() < gh.kernel() && gh.kernel() * g.kernel >= 16)
      return pool_rows_shaped<0, 0, 1, F>(job, scratch, x, y, oh_begin, oh_end);
  }
  // Any other window: one kernel, which reads the shape at run time.
  pool_rows_shaped<0, 0, 0, E>(job, scratch, x, y, oh_begin, oh_end);
}

/// Pools output rows [oh_begin, oh_end) of one plane. The input must have unit column
/// stride (the caller sends other layouts to the generic scalar kernel).
template <class T, class R>
void pool_rows(tag, const plane_job<T, R>& job, T* scratch, kernel::plane<const T> x,
               kernel::plane<T> y, index_t oh_begin, index_t oh_end) noexcept {
  // avg runs sum's kernels: its job carries the divisors (a sum's has none), so the two
  // share one set of kernels instead of compiling two.
  using F = vector_form<std::conditional_t<std::is_same_v<R, reduce::avg<T>>, reduce::sum<T>, R>>;
  pool_rows_of_form<F>(job, scratch, x, y, oh_begin, oh_end);
}
