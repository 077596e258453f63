// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Lane plumbing shared by the vector kernels, written once against vec<T> and compiled
// once per instruction set (kernel/kernels-inl.hpp includes this file inside namespace
// poolkit::kernel::<isa>, before the kernels; no include guard): unrolled loops over
// arrays of vectors, strided stores, and the transpose that moves a block of planes into
// the lanes.

/// Calls f(k) for k = 0 ... K - 1, unrolled: with constant indices an array of
/// accumulators lives in registers (GCC at -O2 keeps a loop over it, and it in memory).
template <int K, class F>
POOLKIT_FORCEINLINE void each_of(F&& f) {
  [&]<int... k>(std::integer_sequence<int, k...>) {
    (f(k), ...);
  }(std::make_integer_sequence<int, K>{});
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

/// Transposes L vectors of L lanes in place: afterwards lane j of v[i] is what lane i of
/// v[j] was. Built from deinterleave alone, so every instruction set has it: read the L
/// vectors as one array of L * L elements indexed (row, lane), 2 log2(L) bits; one round
/// deinterleaves the pairs (v[2k], v[2k + 1]) into v[k] (evens) and v[k + L/2] (odds),
/// which rotates that index right by one bit, and log2(L) rounds swap its halves: the
/// transpose. (L/2 deinterleaves a round: 64 two-source shuffles for 16 x 16 floats,
/// what a hand-written 16 x 16 transpose takes.)
template <class T>
POOLKIT_FORCEINLINE void transpose(vec<T> (&v)[std::size_t{vec<T>::lanes}]) noexcept {
  constexpr int L = vec<T>::lanes;
  for (int round = 1; round < L; round *= 2) {
    vec<T> next[std::size_t{L}];
    each_of<L / 2>(
        [&](int k) { vec<T>::deinterleave(v[2 * k], v[2 * k + 1], next[k], next[k + L / 2]); });
    each_of<L>([&](int k) { v[k] = next[k]; });
  }
}
