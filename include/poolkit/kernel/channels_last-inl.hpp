// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Pooling of channels-last views (input channel stride 1) vectorised along the channels,
// compiled once per instruction set (kernel/dispatch.hpp re-includes this file inside
// namespace poolkit::kernel::<isa>, after kernel/regular-inl.hpp; no include guard).
//
// Lane l of a vector is channel c + l. Each lane folds its channel's taps one by one with
// the reducer's exact combine, in the order of the one-lane forms (kernel/channels_last.hpp,
// the same as kernel/plane.hpp and kernel/builtin.hpp), so the results are the NCHW
// kernels' bits on every instruction set. A window's taps are whole vectors of adjacent
// channels: no shuffles, no border logic (only in-bounds taps are visited, as the one-lane
// forms visit them), and the channels past the last whole vector use masked loads and
// stores, which never touch memory outside the view.

/// Folds one window over K vectors of adjacent channels starting at `first` (the window's
/// first tap), `rows` x `cols` taps (KH x KW when those are not 0, unrolled); with Tail the last
/// vector holds `last_count` < L channels (masked loads). Divides by `divisor` when Divides (an
/// average), then stores to out[k * L * out_stride]. NanFree: the caller has probed the taps (no
/// NaN among them), so a selection folds with its one-instruction F::fold, which gives the exact
/// combine's bits on such taps.
template <int K, bool Tail, bool Divides, bool NanFree, class R, int KH = 0, int KW = 0, class T>
POOLKIT_FORCEINLINE void fold_channel_block(const T* first, index_t rows, index_t row_step,
                                            index_t cols, index_t col_step, int last_count,
                                            vec<T> divisor, bool reciprocal, T* out,
                                            index_t out_stride) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  constexpr int L = V::lanes;
  const index_t kh = KH > 0 ? KH : rows;
  const index_t kw = KW > 0 ? KW : cols;
  V acc[std::size_t{K}];
  const auto each_k = [](auto&& f) { each_of<K>(f); };
  each_k([&](int k) { acc[k] = V::broadcast(F::identity()); });
  for (index_t i = 0; i < kh; ++i) {
    const T* tap = first + i * row_step;
    for (index_t j = 0; j < kw; ++j, tap += col_step) {
      each_k([&](int k) {
        const V v = Tail && k == K - 1 ? V::load_range(tap + k * L, 0, last_count, F::identity())
                                       : V::load(tap + k * L);
        acc[k] = NanFree ? F::fold(acc[k], v) : F::combine(acc[k], v);
      });
    }
  }
  each_k([&](int k) {
    if constexpr (Divides) acc[k] = divide(acc[k], divisor, reciprocal);
    store_block(acc[k], out + k * L * out_stride, out_stride, Tail && k == K - 1 ? last_count : L);
  });
}

/// Whether the input rows that output rows [oh_begin, oh_end) read may hold a NaN
/// (nan_probe, kernel/regular-inl.hpp): every channel of every pixel of those rows.
template <class T>
bool rows_may_hold_nan(const pixel_windows& g, pixels<const T> x, index_t oh_begin,
                       index_t oh_end) noexcept {
  index_t first = x.rows;
  index_t end = 0;
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& w = g.rows[static_cast<std::size_t>(oh)];
    if (w.count == 0) continue;
    first = std::min(first, w.first);
    end = std::max(end, w.first + (w.count - 1) * g.row_dilation + 1);
  }
  nan_probe<T> probe;
  const bool contiguous_rows = x.col_stride == x.channels;
  for (index_t ih = first; ih < end; ++ih) {
    const T* row = x.data + ih * x.row_stride;
    if (contiguous_rows) {
      probe.add(row, x.cols * x.channels);
    } else {
      for (index_t iw = 0; iw < x.cols; ++iw) probe.add(row + iw * x.col_stride, x.channels);
    }
  }
  return probe.may_have_seen_nan();
}

/// Prefetches the input pixels that output pixel (oh + 1, ow) will read first: the rows of
/// its window below the window of (oh, ow), the columns right of the window of
/// (oh, ow - 1). For inputs too large for the caches (pixel_windows::prefetch_next_row):
/// the hardware prefetchers follow the few input rows an output row reads (28 KB apart
/// for 112 x 64 floats) poorly across pages, and one output row ahead is far enough to
/// hide memory's latency. x.channel_stride must be 1.
template <class T>
POOLKIT_FORCEINLINE void prefetch_next_row(const pixel_windows& g, pixels<const T> x, index_t oh,
                                           index_t ow) noexcept {
  const geometry::axis_window& now = g.rows[static_cast<std::size_t>(oh)];
  const geometry::axis_window& next = g.rows[static_cast<std::size_t>(oh + 1)];
  const geometry::axis_window& ww = g.cols[static_cast<std::size_t>(ow)];
  // The last row and column read before: -1 where there is none.
  const index_t row_read = now.count > 0 ? now.first + (now.count - 1) * g.row_dilation : -1;
  index_t col_read = -1;
  if (ow > 0) {
    const geometry::axis_window& left = g.cols[static_cast<std::size_t>(ow - 1)];
    if (left.count > 0) col_read = left.first + (left.count - 1) * g.col_dilation;
  }
  const index_t bytes = x.channels * static_cast<index_t>(sizeof(T));
  constexpr index_t line = 64;
  for (index_t t = 0; t < next.count; ++t) {
    const index_t ih = next.first + t * g.row_dilation;
    if (ih <= row_read) continue;
    for (index_t u = 0; u < ww.count; ++u) {
      const index_t iw = ww.first + u * g.col_dilation;
      if (iw <= col_read) continue;
      const char* pixel =
          reinterpret_cast<const char*>(x.data + ih * x.row_stride + iw * x.col_stride);
      for (index_t b = 0; b < bytes; b += line) POOLKIT_PREFETCH(pixel + b);
      POOLKIT_PREFETCH(pixel + bytes - 1);
    }
  }
}

/// Output rows [oh_begin, oh_end) of one image of a regular or adaptive pooling with a
/// built-in reducer. x.channel_stride must be 1.
template <class T, class R>
void pool_pixels(tag, const R& r, const pixel_windows& g, pixels<const T> x, pixels<T> y,
                 index_t oh_begin, index_t oh_end) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  constexpr bool divides = std::is_same_v<R, reduce::avg<T>>;
  // Four vectors of channels per pass over a window's taps: four independent chains, and
  // each tap's address computed once for them.
  constexpr index_t block = 4 * L;
  const index_t channels = x.channels;
  const index_t row_step = g.row_dilation * x.row_stride;
  const index_t col_step = g.col_dilation * x.col_stride;
  // Where windows read each input element four times or more (3x3 stride 1, large
  // windows), a selection probes the input rows of these output rows for NaN first (one
  // add per input vector) and, where there is none, folds the blocks of channels with the
  // one-instruction F::fold: max 3x3 stride 1 on 28 x 28 x 192 (S3c) 1.2-1.35x. With less
  // reuse the probe costs more than it saves (3x3 stride 2, S2c: 0.7-0.85x).
  bool nan_free = false;
  if constexpr (vector_form<R>::selects) {
    const geometry::axis_window& wh = g.rows[static_cast<std::size_t>(y.rows / 2)];
    const geometry::axis_window& ww = g.cols[static_cast<std::size_t>(y.cols / 2)];
    const bool reused = wh.count * ww.count * y.rows * y.cols >= 4 * x.rows * x.cols;
    nan_free = reused && !rows_may_hold_nan(g, x, oh_begin, oh_end);
  }
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& wh = g.rows[static_cast<std::size_t>(oh)];
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const geometry::axis_window& ww = g.cols[static_cast<std::size_t>(ow)];
      const window_counts counts = g.counts(oh, ow);
      T* out = y.data + oh * y.row_stride + ow * y.col_stride;
      if (counts.in_bounds == 0) {  // a window entirely in padding: the empty result
        const T empty = static_cast<T>(r.finalize(r.identity(), counts));
        for (index_t c = 0; c < channels; ++c) out[c * y.channel_stride] = empty;
        continue;
      }
      V divisor = V::broadcast(T(1));
      bool reciprocal = false;
      if constexpr (divides) {
        const exact_divisor<T> d(static_cast<T>(r.divisor(counts)));
        divisor = V::broadcast(d.value);
        reciprocal = d.reciprocal;
      }
      if (g.prefetch_next_row && oh + 1 < y.rows) prefetch_next_row(g, x, oh, ow);
      const T* first = x.data + wh.first * x.row_stride + ww.first * x.col_stride;
      const index_t ys = y.channel_stride;
      index_t c = 0;
      for (; c + block <= channels; c += block) {
        if (nan_free) {
          fold_channel_block<4, false, divides, true, R>(first + c, wh.count, row_step, ww.count,
                                                         col_step, L, divisor, reciprocal,
                                                         out + c * ys, ys);
        } else if (wh.count == 3 && ww.count == 3) {
          // 3 x 3 windows (most networks' max pooling) with the taps unrolled: S2c +5%
          // (57-63 -> 62-64 GB/s in alternating runs) for under 1 KB of code.
          fold_channel_block<4, false, divides, false, R, 3, 3>(
              first + c, 3, row_step, 3, col_step, L, divisor, reciprocal, out + c * ys, ys);
        } else {
          fold_channel_block<4, false, divides, false, R>(first + c, wh.count, row_step, ww.count,
                                                          col_step, L, divisor, reciprocal,
                                                          out + c * ys, ys);
        }
      }
      // The channels past the last block, a vector at a time with masked loads: one
      // variant for whole and partial vectors (an unmasked second one cost compile time
      // for channel counts that are seldom not a multiple of 4 L).
      for (; c < channels; c += L)
        fold_channel_block<1, true, divides, false, R>(
            first + c, wh.count, row_step, ww.count, col_step,
            static_cast<int>(std::min<index_t>(L, channels - c)), divisor, reciprocal, out + c * ys,
            ys);
    }
  }
}

/// Selection with indices (max/min_pool2d_with_indices) of output rows [oh_begin, oh_end)
/// of one image, x.channel_stride == 1 and fewer than 2^digits(T) elements per plane. Lane
/// l scans channel c + l's window row-major and takes a tap when the selector prefers it,
/// as kernel/select_plane.hpp does; every lane of a tap shares its position h * W + w,
/// carried in lanes of T (exact below 2^digits) and converted when stored. A lane that no
/// tap beat (every in-bounds tap equal to the identity) gets the first in-bounds tap, and
/// an empty window -1, as there.
template <class T, class S>
void select_pixels(tag, const S&, const pixel_windows& g, pixels<const T> x, pixels<T> y,
                   pixels<index_t> idx, index_t oh_begin, index_t oh_end) noexcept {
  using V = vec<T>;
  using Sel = vector_selector<S>;
  constexpr int L = V::lanes;
  const index_t channels = x.channels;
  const index_t row_step = g.row_dilation * x.row_stride;
  const index_t col_step = g.col_dilation * x.col_stride;
  const V identity = V::broadcast(Sel::identity());
  const V none = V::broadcast(T(-1));
  for (index_t oh = oh_begin; oh < oh_end; ++oh) {
    const geometry::axis_window& wh = g.rows[static_cast<std::size_t>(oh)];
    for (index_t ow = 0; ow < y.cols; ++ow) {
      const geometry::axis_window& ww = g.cols[static_cast<std::size_t>(ow)];
      T* out = y.data + oh * y.row_stride + ow * y.col_stride;
      index_t* out_index = idx.data + oh * idx.row_stride + ow * idx.col_stride;
      if (wh.count == 0 || ww.count == 0) {  // a window entirely in padding
        for (index_t c = 0; c < channels; ++c) {
          out[c * y.channel_stride] = Sel::identity();
          out_index[c * idx.channel_stride] = -1;
        }
        continue;
      }
      const T* first = x.data + wh.first * x.row_stride + ww.first * x.col_stride;
      const index_t first_position = wh.first * x.cols + ww.first;
      for (index_t c = 0; c < channels; c += L) {
        const int count = static_cast<int>(std::min<index_t>(L, channels - c));
        V best = identity;
        V where = none;
        for (index_t i = 0; i < wh.count; ++i) {
          const T* tap = first + i * row_step + c;
          const index_t row_position = (wh.first + i * g.row_dilation) * x.cols + ww.first;
          for (index_t j = 0; j < ww.count; ++j, tap += col_step) {
            const V v = count == L ? V::load(tap) : V::load_range(tap, 0, count, Sel::identity());
            const auto chosen = Sel::prefer(v, best);
            best = V::blend(chosen, v, best);
            where = V::blend(
                chosen, V::broadcast(static_cast<T>(row_position + j * g.col_dilation)), where);
          }
        }
        store_block(best, out + c * y.channel_stride, y.channel_stride, count);
        alignas(64) T positions[std::size_t{L}];
        where.store(positions);
        for (int l = 0; l < count; ++l) {
          const auto position = static_cast<index_t>(positions[l]);
          out_index[(c + l) * idx.channel_stride] = position < 0 ? first_position : position;
        }
      }
    }
  }
}

/// The global pooling of K vectors of adjacent channels starting at `first` (with Tail
/// the last holds `last_count` < L channels), before its finish: per lane, element i of
/// the plane (at first + offsets[i]) goes to partial i mod 32 and the partials fold by
/// halving (kernel/builtin.hpp). The partials are independent, so they are computed one
/// at a time, in the order the halving tree consumes them (partial 0, 16, 8, 24, 4, ...:
/// the 5-bit reversal of 0, 1, 2, ...), each tree node folded as soon as both halves
/// exist: six values live per channel vector instead of 32. (The run-time depth keeps
/// them on the stack: the whole blocks of a sum take global_sum_block below, the same
/// order with every tree position a constant.)
template <int K, bool Tail, class R, class T>
POOLKIT_FORCEINLINE void global_channel_block(const T* first, const index_t* offsets, index_t n,
                                              int last_count,
                                              vec<T> (&result)[std::size_t{K}]) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  constexpr int L = V::lanes;
  constexpr int partials = global_partials;  // 32 = 2^5
  static_assert(partials == 32, "the reversal below is of 5 bits");
  V pending[6][std::size_t{K}];  // the tree's left halves awaiting their right halves
  int depth = 0;
  for (int m = 0; m < partials; ++m) {
    const int j = ((m & 1) << 4) | ((m & 2) << 2) | (m & 4) | ((m & 8) >> 2) | ((m & 16) >> 4);
    V leaf[std::size_t{K}];
    each_of<K>([&](int k) { leaf[k] = V::broadcast(F::identity()); });
    for (index_t i = j; i < n; i += partials) {
      const T* e = first + offsets[i];
      each_of<K>([&](int k) {
        const V v = Tail && k == K - 1 ? V::load_range(e + k * L, 0, last_count, F::identity())
                                       : V::load(e + k * L);
        leaf[k] = F::combine(leaf[k], v);
      });
    }
    // Leaf m closes one tree node per trailing 1 bit of m: the left half is on the stack.
    for (int b = m; (b & 1) != 0; b >>= 1) {
      --depth;
      each_of<K>([&](int k) { leaf[k] = F::combine(pending[depth][k], leaf[k]); });
    }
    each_of<K>([&](int k) { pending[depth][k] = leaf[k]; });
    ++depth;
  }
  each_of<K>([&](int k) { result[k] = pending[0][k]; });
}

/// Node (Residue, Level) of the halving tree of the global order (kernel/builtin.hpp) for K
/// whole vectors of adjacent channels from `first`: the fold of the partials congruent to Residue
/// modulo 2^Level. Level 5 is partial Residue itself, elements Residue, Residue + 32, ... (element
/// i at first + offsets[i]); a node folds its two halves, Residue and Residue + 2^Level one level
/// down, as fold_partials does. Written as a recursion of templates so every tree position
/// is a constant: the left halves awaiting their right halves stay in registers (at most
/// five per channel vector), where a loop with a run-time depth kept them on the stack.
///
/// A partial starts from its first element, not from identity + element: the two differ
/// only for a sum's -0 (0 + -0 is +0), and a -0 partial changes a later sum only when every
/// partial is -0 (-0 + y is y otherwise), which the caller's final identity + result turns
/// into the +0 of the canonical order. A partial with no element (n < 32) is the identity.
template <int Residue, int Level, int K, class R, class T>
POOLKIT_FORCEINLINE void global_tree_node(const T* first, const index_t* offsets, index_t n,
                                          vec<T> (&node)[std::size_t{K}]) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  constexpr int L = V::lanes;
  static_assert(global_partials == 32, "the tree below has five levels");
  const auto load = [&](index_t i, int k) POOLKIT_INLINE_LAMBDA {
    const T* e = first + offsets[i] + k * L;
    // The same pixel three channel blocks on: the pixels of a block lie a row of channels
    // apart (8 KB for 2048), too far for the hardware prefetchers to follow (S6c +5-8%).
    // address_at: past the last channel the address leaves the view, and prefetches
    // never fault.
    POOLKIT_PREFETCH(address_at(e, 3 * K * L));
    return V::load(e);
  };
  if constexpr (Level == 5) {
    if (Residue >= n) {
      each_of<K>([&](int k) POOLKIT_INLINE_LAMBDA { node[k] = V::broadcast(F::identity()); });
      return;
    }
    each_of<K>([&](int k) POOLKIT_INLINE_LAMBDA { node[k] = load(Residue, k); });
    for (index_t i = Residue + global_partials; i < n; i += global_partials)
      each_of<K>([&](int k) POOLKIT_INLINE_LAMBDA { node[k] = F::combine(node[k], load(i, k)); });
  } else {
    V right[std::size_t{K}];
    global_tree_node<Residue, Level + 1, K, R>(first, offsets, n, node);
    global_tree_node<Residue + (1 << Level), Level + 1, K, R>(first, offsets, n, right);
    each_of<K>([&](int k) POOLKIT_INLINE_LAMBDA { node[k] = F::combine(node[k], right[k]); });
  }
}

/// A global sum (or average, before its division) of K whole vectors of adjacent channels
/// starting at `first`, in the canonical order of kernel/builtin.hpp per lane: the whole
/// tree of global_tree_node. Only sums of whole blocks take it (S6c's channel blocks,
/// every network's global average): unrolled, the tree cost a float global average
/// program 12-20% more compile time and 29 KB (AVX2 and AVX-512) for 1.25x on S6c, so
/// selections and the last partial vectors keep global_channel_block.
template <int K, class R, class T>
POOLKIT_FORCEINLINE void global_sum_block(const T* first, const index_t* offsets, index_t n,
                                          vec<T> (&result)[std::size_t{K}]) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  static_assert(!F::selects, "a sum's tree");
  global_tree_node<0, 0, K, R>(first, offsets, n, result);
  // identity + result: the canonical order's +0 where every partial was -0 (see above).
  each_of<K>([&](int k) POOLKIT_INLINE_LAMBDA {
    result[k] = F::combine(V::broadcast(F::identity()), result[k]);
  });
}

/// Global pooling of channels [c_begin, c_end) of one image (built-in reducers), in the
/// canonical order of kernel/builtin.hpp per lane (global_channel_block). `offsets[i]` is
/// element i's offset in the image, row-major (global_offsets); x.channel_stride must be
/// 1; out[c * out_stride] receives channel c.
template <class T, class R>
void global_pixels(tag, const R& r, pixels<const T> x, const index_t* offsets, index_t c_begin,
                   index_t c_end, T* out, index_t out_stride) noexcept {
  using F = vector_form<R>;
  using V = vec<T>;
  constexpr int L = V::lanes;
  const index_t n = x.rows * x.cols;
  const exact_divisor<T> average = global_divisor<T>(r, n);
  // The finish of `count` channels from c: a sum is final; an average divides by the
  // element count, as the one-lane finish does; a selection whose result is NaN or zero
  // is decided again, row-major, per lane (global_finish).
  const auto finish = [&](V v, index_t c, int count) {
    if constexpr (!F::selects) {
      if constexpr (std::is_same_v<R, reduce::avg<T>>)
        v = divide(v, V::broadcast(average.value), average.reciprocal);
      store_block(v, out + c * out_stride, out_stride, count);
    } else {
      T lanes[std::size_t{L}];
      v.store(lanes);
      for (int l = 0; l < count; ++l) {
        const plane<const T> p{x.data + c + l, x.rows, x.cols, x.row_stride, x.col_stride};
        out[(c + l) * out_stride] = global_finish(r, p, lanes[l]);
      }
    }
  };
  index_t c = c_begin;
  for (; c + 4 * L <= c_end; c += 4 * L) {
    V v[4];
    if constexpr (F::selects) {
      global_channel_block<4, false, R>(x.data + c, offsets, n, L, v);
    } else {
      global_sum_block<4, R>(x.data + c, offsets, n, v);
    }
    for (int k = 0; k < 4; ++k) finish(v[k], c + k * L, L);
  }
  for (; c < c_end; c += L) {  // masked loads for whole and partial vectors alike
    V v[1];
    const int count = static_cast<int>(std::min<index_t>(L, c_end - c));
    global_channel_block<1, true, R>(x.data + c, offsets, n, count, v);
    finish(v[0], c, count);
  }
}
