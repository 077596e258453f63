// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Counter-based randomness for the stochastic and fractional poolings (SPEC sections 5
// and 6): Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy
// as 1, 2, 3", SC 2011). A draw is a pure function of (seed, stream, index): there is no
// generator state to share between threads, so every thread count and every instruction
// set sees the same numbers, and a caller can recompute any single draw on its own.
//
// How poolkit lays out a draw (part of the reproducibility contract, see README):
//   key     = {seed low 32 bits, seed high 32 bits}
//   counter = {index low 32 bits, index high 32 bits, stream, 0}
// with `index` the flat position of what is drawn for (an output element, a plane, a
// sequence entry) and `stream` one of poolkit::random::stream.
#pragma once

#include <array>
#include <cstdint>

#include <poolkit/config.hpp>

namespace poolkit::random {

/// \addtogroup random
/// \{

/// Four 32-bit words: a Philox counter or its output block.
using block = std::array<std::uint32_t, 4>;
/// A Philox key: two 32-bit words.
using key = std::array<std::uint32_t, 2>;

/// Philox4x32 with 10 rounds, the variant Random123's known-answer vectors are for.
constexpr block philox4x32_10(block counter, key k) noexcept {
  // The multipliers and the Weyl key increments of the Philox paper.
  constexpr std::uint32_t multiplier0 = 0xD2511F53u;
  constexpr std::uint32_t multiplier1 = 0xCD9E8D57u;
  constexpr std::uint32_t weyl0 = 0x9E3779B9u;
  constexpr std::uint32_t weyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{multiplier0} * counter[0];
    const std::uint64_t p1 = std::uint64_t{multiplier1} * counter[2];
    const auto hi = [](std::uint64_t p) { return static_cast<std::uint32_t>(p >> 32); };
    const auto lo = [](std::uint64_t p) { return static_cast<std::uint32_t>(p); };
    counter = {hi(p1) ^ counter[1] ^ k[0], lo(p1), hi(p0) ^ counter[3] ^ k[1], lo(p0)};
    k = {k[0] + weyl0, k[1] + weyl1};
  }
  return counter;
}

/// What a draw is for. Separate streams keep the draws of different purposes
/// independent even under the same seed and index.
enum class stream : std::uint32_t {
  stochastic_pool = 1,     ///< index: flat output index ((n * C + c) * OH + oh) * OW + ow
  fractional_samples = 2,  ///< index: plane n * C + c; word pairs give (u_w, u_h)
  sequence_rows = 3,       ///< Graham sequences, rows: index 0 for u, i for shuffle step i
  sequence_cols = 4,       ///< Graham sequences, columns: the same
};

/// The block of random bits for (seed, stream, index).
constexpr block draw(std::uint64_t seed, stream s, std::uint64_t index) noexcept {
  return philox4x32_10({static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                        static_cast<std::uint32_t>(s), 0u},
                       {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
}

/// A float in [0, 1) from the top 24 bits of a word: every value k / 2^24 equally likely.
constexpr float unit_float(std::uint32_t word) noexcept {
  return static_cast<float>(word >> 8) * 0x1.0p-24f;
}

/// A double in [0, 1) from 53 bits of two words: every value k / 2^53 equally likely.
constexpr double unit_double(std::uint32_t high, std::uint32_t low) noexcept {
  const std::uint64_t bits = (std::uint64_t{high} << 32 | low) >> 11;
  return static_cast<double>(bits) * 0x1.0p-53;
}

/// The uniform number in [0, 1) of element type T that poolkit draws from words
/// `w[first]` (and `w[first + 1]` for double).
template <class T>
constexpr T unit(const block& w, std::size_t first) noexcept {
  if constexpr (sizeof(T) <= sizeof(float)) {
    return unit_float(w[first]);
  } else {
    return static_cast<T>(unit_double(w[first], w[first + 1]));
  }
}

/// An integer uniform in [0, bound) for bound >= 1, from a 53-bit uniform double; the
/// bias is below bound / 2^53, far under anything a test could see.
constexpr std::uint64_t below(std::uint64_t bound, const block& w) noexcept {
  const auto i = static_cast<std::uint64_t>(unit_double(w[0], w[1]) * static_cast<double>(bound));
  return i < bound ? i : bound - 1;
}

/// \}

}  // namespace poolkit::random
