// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The vector form of the sum and average backward over regular windows, compiled once per
// instruction set (kernel/dispatch.hpp re-includes this file inside namespace
// poolkit::kernel::<isa>; no include guard). The gather form and why it gives the
// scatter's bits: kernel::spread_job (kernel/backward_plane.hpp).

/// The shares of n <= L consecutive outputs (dy, or dy over its divisors): lanes past n
/// are +0 (dy's masked load fills +0, the divisors' 1).
template <class T>
POOLKIT_FORCEINLINE vec<T> shares_at(const spread_job<T>& job, const T* dy, const T* divisors,
                                     int n) noexcept {
  using V = vec<T>;
  const bool whole = n == V::lanes;
  const V g = whole ? V::load(dy) : V::load_range(dy, 0, n, T(0));
  if (!divisors) return g;
  const V d = whole ? V::load(divisors) : V::load_range(divisors, 0, n, T(1));
  return divide(g, d, job.reciprocal);
}

/// Writes output row oh's shares into upsampled ring row u: u[lead + ow * stride].
/// Columns past the last output get +0 (a masked load of dy fills +0, of the divisors 1).
template <class T>
POOLKIT_FORCEINLINE void build_spread_row(const spread_job<T>& job, const T* dy, index_t dy_step,
                                          const T* divisors, T* u) noexcept {
  using V = vec<T>;
  constexpr int L = V::lanes;
  const index_t stride = job.stride_w;
  T* first = u + job.lead;
  if (dy_step != 1 || stride > 2) {
    for (index_t ow = 0; ow < job.out_w; ++ow) {
      const T g = dy[ow * dy_step];
      T share = g;
      if (divisors) share = job.reciprocal ? g * divisors[ow] : g / divisors[ow];
      first[ow * stride] = share;
    }
    return;
  }
  const V zero = V::broadcast(T(0));
  for (index_t ow = 0; ow < job.out_w; ow += L) {
    const int n = static_cast<int>(std::min<index_t>(L, job.out_w - ow));
    const V share = shares_at(job, dy + ow, divisors ? divisors + ow : nullptr, n);
    if (stride == 1) {
      share.store(first + ow);
    } else {
      V lo;
      V hi;
      V::interleave(share, zero, lo, hi);  // share, 0, share, 0, ...: upsampled by 2
      lo.store(first + 2 * ow);
      hi.store(first + 2 * ow + L);
    }
  }
}

/// R dx rows x V vectors from column `col` (rows first_row ...): R * V independent chains
/// of additions, so the adds' latency overlaps. Each source of a row is read at one
/// pointer plus constant offsets.
template <int R, int V, class T>
POOLKIT_FORCEINLINE void spread_block(const spread_job<T>& job, const T* ring, index_t first_row,
                                      index_t col, plane<T> dx) noexcept {
  using vt = vec<T>;
  constexpr int L = vt::lanes;
  const index_t m = job.sources_per_row;
  const index_t* sources = job.sources + first_row * m;
  const T* origin = ring + job.pad_w + job.lead + col;
  vt acc[std::size_t{R}][std::size_t{V}];
  each_of<R>([&](int r) { each_of<V>([&](int v) { acc[r][v] = vt::broadcast(T(0)); }); });
  for (index_t k = 0; k < m; ++k) {
    const T* base[std::size_t{R}];
    each_of<R>([&](int r) { base[r] = origin + sources[r * m + k] * job.row_length; });
    // j from the last tap to the first: ascending output columns.
    for (index_t j = job.kernel_w - 1; j >= 0; --j) {
      const index_t offset = -j * job.dilation_w;
      each_of<R>([&](int r) {
        each_of<V>(
            [&](int v) { acc[r][v] = vt::add(acc[r][v], vt::load(base[r] + offset + v * L)); });
      });
    }
  }
  each_of<R>([&](int r) {
    T* out = dx.data + (first_row + r) * dx.row_stride + col;
    each_of<V>([&](int v) {
      const index_t n = dx.cols - col - v * L;
      if (n >= L) {
        acc[r][v].store(out + v * L);
      } else {
        acc[r][v].store_first(out + v * L, static_cast<int>(n));
      }
    });
  });
}

/// Every vector of rows [row, row + R): four at a time across a wide row, else all of
/// them (narrow rows: one, two or three vectors) for R rows at once.
template <int R, class T>
POOLKIT_FORCEINLINE void spread_rows_of(const spread_job<T>& job, const T* ring, index_t row,
                                        index_t vectors, plane<T> dx) noexcept {
  constexpr int L = vec<T>::lanes;
  index_t v = 0;
  if constexpr (R == 1) {
    for (; v + 4 <= vectors; v += 4) spread_block<1, 4>(job, ring, row, v * L, dx);
  }
  for (; v + 2 <= vectors; v += 2) spread_block<R, 2>(job, ring, row, v * L, dx);
  if (v < vectors) spread_block<R, 1>(job, ring, row, v * L, dx);
}

/// spread_plane for windows that tile the rows (spread_job::single_source): each run of dx rows
/// with the same output row straight from that row's shares, 0 + share (as the scatter's
/// zero plus one share: -0 becomes +0); rows without one get +0.
template <class T>
void tile_plane(const spread_job<T>& job, plane<const T> dy, plane<T> dx) noexcept {
  using vt = vec<T>;
  constexpr int L = vt::lanes;
  const vt zero = vt::broadcast(T(0));
  const index_t covered = job.out_w * job.stride_w;
  const auto source_of = [&](index_t h) { return job.single_source[h]; };
  for (index_t h = 0; h < dx.rows;) {
    const index_t oh = source_of(h);
    index_t end = h + 1;
    while (end < dx.rows && source_of(end) == oh) ++end;
    const auto each_row = [&](auto&& f) POOLKIT_INLINE_LAMBDA {
      for (index_t r = h; r < end; ++r) f(dx.data + r * dx.row_stride);
    };
    if (oh < 0) {
      each_row([&](T* out) { std::fill_n(out, dx.cols, T(0)); });
      h = end;
      continue;
    }
    const T* g = dy.data + oh * dy.row_stride;
    const T* divisors = job.divisors ? job.divisors + oh * job.out_w : nullptr;
    for (index_t ow = 0; ow < job.out_w; ow += L) {
      const int n = static_cast<int>(std::min<index_t>(L, job.out_w - ow));
      const vt share = vt::add(zero, shares_at(job, g + ow, divisors ? divisors + ow : nullptr, n));
      // The last windows may lie partly or wholly in the right padding.
      const index_t w = job.stride_w * ow;
      if (w >= dx.cols) break;
      const int count = static_cast<int>(std::min<index_t>(job.stride_w * n, dx.cols - w));
      if (job.stride_w == 1) {
        each_row([&](T* out) { store_block(share, out + ow, 1, count); });
      } else {
        vt lo;
        vt hi;
        vt::interleave(share, share, lo, hi);
        const int first = std::min(L, count);
        each_row([&](T* out) {
          store_block(lo, out + 2 * ow, 1, first);
          if (count > L) store_block(hi, out + 2 * ow + L, 1, count - L);
        });
      }
    }
    if (covered < dx.cols) each_row([&](T* out) { std::fill(out + covered, out + dx.cols, T(0)); });
    h = end;
  }
}

/// The sum or average backward of one plane over regular windows (spread_job), into dx
/// with unit column stride. `ring`: job.scratch_elements() elements, zero before the
/// task's first plane (only the share positions are ever written).
template <class T>
void spread_plane(tag, const spread_job<T>& job, T* ring, plane<const T> dy, plane<T> dx) noexcept {
  if (job.single_source && dy.col_stride == 1) return tile_plane(job, dy, dx);
  constexpr int L = vec<T>::lanes;
  constexpr index_t narrow_rows = 4;
  static_assert(narrow_rows <= spread_job<T>::group, "the ring holds a group's sources");
  const index_t vectors = (dx.cols + L - 1) / L;
  index_t built = 0;  // output rows [0, built) are in the ring, `slot` is built's
  index_t slot = 0;
  // Rows are built spread_job::ahead dx rows before they are read: a load of a row just
  // stored would span two stores, which cannot forward, and wait for both to commit.
  const auto build_through = [&](index_t row) POOLKIT_INLINE_LAMBDA {
    row = std::min(row + spread_job<T>::ahead, dx.rows - 1);
    for (; built <= job.newest[row]; ++built) {
      const T* divisors = job.divisors ? job.divisors + built * job.out_w : nullptr;
      build_spread_row(job, dy.data + built * dy.row_stride, dy.col_stride, divisors,
                       ring + slot * job.row_length);
      if (++slot == job.ring_rows) slot = 0;
    }
  };
  index_t row = 0;
  if (vectors < 4) {
    for (; row + narrow_rows <= dx.rows; row += narrow_rows) {
      build_through(row + narrow_rows - 1);
      spread_rows_of<narrow_rows>(job, ring, row, vectors, dx);
    }
  }
  for (; row < dx.rows; ++row) {
    build_through(row);
    spread_rows_of<1>(job, ring, row, vectors, dx);
  }
}
