// Window parameters decoded from the fuzzer's bytes: mostly small valid values, sometimes
// zero, negative or huge ones that must be refused with poolkit::error.
#pragma once

#include "fuzz_support.hpp"
#include "reference_params.hpp"

namespace fuzz {

inline poolkit::pool2d_params window(bytes& b, bool wild = true) {
  const auto number = [&](index_t lo, index_t hi) {
    return wild ? b.wild_int(lo, hi) : b.in(lo, hi);
  };
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

/// The window parameters as text, for the case a failure prints.
inline std::string text(const poolkit::pool2d_params& p) {
  std::string out = "kernel " + text(p.kernel) + ", stride " +
                    (p.stride.has_value() ? text(p.effective_stride()) : "(kernel)") +
                    ", padding " + text(p.padding) + ", padding_end " +
                    (p.padding_end.has_value() ? text(p.effective_padding_end()) : "(padding)") +
                    ", dilation " + text(p.dilation) + ", ceil_mode " + (p.ceil_mode ? "1" : "0") +
                    ", count_include_pad " + (p.count_include_pad ? "1" : "0");
  if (p.divisor_override) out += ", divisor_override " + std::to_string(*p.divisor_override);
  return out;
}

/// The in-bounds taps of regular window (oh, ow) as "(h, w) = value" pairs, for a failure
/// message.
template <class Plane>
std::string window_text(const Plane& plane, index_t H, index_t W, index_t oh, index_t ow,
                        const ref::params& rp) {
  std::string out = "window (" + std::to_string(oh) + ", " + std::to_string(ow) + ") taps {";
  bool first = true;
  for (index_t t = 0; t < rp.kh && t < 64; ++t)
    for (index_t u = 0; u < rp.kw && u < 64; ++u) {
      const index_t h = oh * rp.sh - rp.pbh + t * rp.dh, w = ow * rp.sw - rp.pbw + u * rp.dw;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      out += (first ? "" : ", ") + std::string("(") + std::to_string(h) + ", " + std::to_string(w) +
             ") = " + text(plane(h, w));
      first = false;
    }
  return out + "}";
}

/// The explicit region [h0, h0 + kh) x [w0, w0 + kw) of a plane as text (fractional and
/// adaptive windows).
template <class Plane>
std::string region_text(const Plane& plane, index_t h0, index_t w0, index_t kh, index_t kw) {
  std::string out = "region rows [" + std::to_string(h0) + ", " + std::to_string(h0 + kh) +
                    ") cols [" + std::to_string(w0) + ", " + std::to_string(w0 + kw) + ") values {";
  for (index_t h = h0; h < h0 + kh && h < h0 + 64; ++h)
    for (index_t w = w0; w < w0 + kw && w < w0 + 64; ++w)
      out += (h == h0 && w == w0 ? "" : ", ") + text(plane(h, w));
  return out + "}";
}

/// "at (n, c, oh, ow): got G, want W", the start of every reference mismatch message.
template <class T>
std::string mismatch(index_t n, index_t c, index_t oh, index_t ow, T got, T want) {
  return "at (" + std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(oh) + ", " +
         std::to_string(ow) + "): got " + text(got) + ", want " + text(want);
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
