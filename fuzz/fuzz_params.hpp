// Window parameters decoded from the fuzzer's bytes: mostly small valid values, sometimes
// zero, negative or huge ones that must be refused with poolkit::error.
#pragma once

#include "fuzz_support.hpp"
#include "reference_params.hpp"

namespace fuzz {

inline poolkit::pool2d_params window(bytes& b, bool wild = true) {
  const auto number = [&](index_t lo, index_t hi) { return wild ? b.wild_int(lo, hi) : b.in(lo, hi); };
  poolkit::pool2d_params p;
  p.kernel = {number(1, 5), number(1, 5)};
  if (b.flag()) p.stride = poolkit::hw{number(1, 4), number(1, 4)};
  p.padding = {number(0, 3), number(0, 3)};
  if (b.flag()) p.padding_end = poolkit::hw{number(0, 3), number(0, 3)};
  p.dilation = {number(1, 3), number(1, 3)};
  p.ceil_mode = b.flag();
  p.count_include_pad = b.flag();
  if (b.byte() > 220) p.divisor_override = number(1, 9);
  return p;
}

/// False when `p` is valid for `in` but its output would not fit in memory (huge padding
/// and dilation can be valid): such calls are skipped, the fuzzer checks values, not the
/// allocator. Invalid parameters return true: the call must refuse them, cheaply.
inline bool output_fits(const extents4& in, const poolkit::pool2d_params& p) {
  const auto out = poolkit::try_pool2d_output_extents(in, p);
  if (!out) return true;
  long double elements = 1;
  for (index_t e : *out) elements *= static_cast<long double>(e);
  return elements <= static_cast<long double>(1 << 16);
}

/// Calls f(n, c, plane) for every plane of x, plane(h, w) reading it.
template <class T, class F>
void for_each_plane(const poolkit::nchw_view<const T>& x, F&& f) {
  for (index_t n = 0; n < x.extent(0); ++n)
    for (index_t c = 0; c < x.extent(1); ++c)
      f(n, c, [&x, n, c](index_t h, index_t w) { return x(n, c, h, w); });
}

}  // namespace fuzz
