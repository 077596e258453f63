// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Lane plumbing shared by the vector kernels, written once against vec<T> and compiled
// once per instruction set (kernel/kernels-inl.hpp includes this file inside namespace
// poolkit::kernel::<isa>, before the kernels; no include guard): unrolled loops over
// arrays of vectors, strided stores, divisions, and the fold that moves a block of planes
// into the lanes.

/// Calls f(k) for k = 0 ... K - 1, unrolled: with constant indices an array of
/// accumulators lives in registers (GCC at -O2 keeps a loop over it, and it in memory).
template <int K, class F>
POOLKIT_FORCEINLINE void each_of(F&& f) {
  [&]<int... k>(std::integer_sequence<int, k...>)
      POOLKIT_INLINE_LAMBDA { (f(k), ...); }(std::make_integer_sequence<int, K>{});
}

/// Stores the first n lanes of v to out[0], out[step], ... (n == L and step == 1: one
/// plain store).
template <class T>
POOLKIT_FORCEINLINE void store_block(vec<T> v, T* out, index_t step, int n) noexcept {
  constexpr int L = vec<T>::lanes;
  if (step == 1) {
    if (n == L) {
      v.store(out);
    } else {
      v.store_first(out, n);
    }
    return;
  }
  alignas(64) T lanes_of[std::size_t{L}];
  v.store(lanes_of);
  for (int l = 0; l < n; ++l) out[l * step] = lanes_of[l];
}

/// An average's division of `sum` by `divisor`, or its multiplication by the divisor's
/// reciprocal when that is a power of two: then sum * 2^-k and sum / 2^k round the same
/// real number (NaN, infinities and zeros come out alike too), so the bits are the
/// division's, at a fraction of its cost (a vector divide takes 5-10 cycles a vector on
/// current x86 cores, a multiply half a cycle; 2 x 2 averages spent a third of their time
/// dividing).
template <class T>
POOLKIT_FORCEINLINE vec<T> divide(vec<T> sum, vec<T> divisor, bool reciprocal) noexcept {
  return reciprocal ? vec<T>::mul(sum, divisor) : vec<T>::div(sum, divisor);
}

/// Folds the L lanes of each of L vectors by halving (call with M = L; M is the count of
/// vectors still to pair): afterwards lane i of v[0] is v[i]'s lanes folded as
/// fold_partials folds them (lane j absorbs lane j + L/2, then j + L/4, ...). The same
/// bits as an L x L transpose followed by the halving steps on whole vectors, with half
/// the shuffles (L - 1 interleaves instead of L/2 log2(L) deinterleaves). Why it works:
/// interleave(v[i], v[i + M/2]) puts the first halves of both vectors' lanes in one result
/// and the second halves in the other, so one combine folds the top lane bit of both,
/// and the vector bit becomes the lowest lane bit; after log2(L) rounds the lane index is
/// the vector index.
template <int M, class F, class T>
POOLKIT_FORCEINLINE void fold_across(vec<T>* v) noexcept {
  if constexpr (M > 1) {
    each_of<M / 2>([&](int i) POOLKIT_INLINE_LAMBDA {
      vec<T> first_halves;
      vec<T> second_halves;
      vec<T>::interleave(v[i], v[i + M / 2], first_halves, second_halves);
      v[i] = F::combine(first_halves, second_halves);
    });
    fold_across<M / 2, F>(v);
  }
}
