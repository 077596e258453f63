// The naive reference the tests compare poolkit against, written straight from SPEC.md
// section 2. It shares no code with the library: its own output-size rule, a bounds
// check on every tap, a plain row-major fold. Slow and obviously correct.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace ref {

using i64 = std::int64_t;

enum class op { max, min, sum, avg };

struct params {
  i64 kh = 1, kw = 1;    // kernel
  i64 sh = 1, sw = 1;    // stride
  i64 dh = 1, dw = 1;    // dilation
  i64 pbh = 0, pbw = 0;  // padding at the beginning
  i64 peh = 0, pew = 0;  // padding at the end
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<i64> divisor_override;
};

inline i64 floor_div(i64 a, i64 b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// SPEC: out = floor((in + pb + pe - eff + (ceil ? s-1 : 0)) / s) + 1, then the ceil clip.
inline i64 output_size(i64 in, i64 k, i64 s, i64 d, i64 pb, i64 pe, bool ceil_mode) {
  const i64 eff = d * (k - 1) + 1;
  i64 out = floor_div(in + pb + pe - eff + (ceil_mode ? s - 1 : 0), s) + 1;
  if (ceil_mode && (out - 1) * s >= in + pb) --out;
  return out;
}

template <class T>
struct result {
  T value;
  i64 index;  // h * W + w of the chosen tap (max/min), -1 when none
};

// One output of a regular pooling. `x(h, w)` reads the input plane of size H x W.
template <class T>
result<T> pool_one(const std::function<T(i64, i64)>& x, i64 H, i64 W, i64 oh, i64 ow,
                   const params& p, op o) {
  const i64 h0 = oh * p.sh - p.pbh;
  const i64 w0 = ow * p.sw - p.pbw;
  T acc = o == op::max   ? -std::numeric_limits<T>::infinity()
          : o == op::min ? std::numeric_limits<T>::infinity()
                         : T(0);
  i64 index = -1;
  i64 valid = 0;
  i64 padded_h = 0, padded_w = 0;
  for (i64 t = 0; t < p.kh; ++t) {
    const i64 h = h0 + t * p.dh;
    if (h >= -p.pbh && h < H + p.peh) ++padded_h;
  }
  for (i64 u = 0; u < p.kw; ++u) {
    const i64 w = w0 + u * p.dw;
    if (w >= -p.pbw && w < W + p.pew) ++padded_w;
  }
  for (i64 t = 0; t < p.kh; ++t) {
    for (i64 u = 0; u < p.kw; ++u) {
      const i64 h = h0 + t * p.dh;
      const i64 w = w0 + u * p.dw;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;  // padding never contributes
      const T v = x(h, w);
      if (index == -1) index = h * W + w;  // PyTorch starts from the first in-bounds tap
      ++valid;
      switch (o) {
        case op::max:
          if (v > acc || std::isnan(v)) {
            acc = v;
            index = h * W + w;
          }
          break;
        case op::min:
          if (v < acc || std::isnan(v)) {
            acc = v;
            index = h * W + w;
          }
          break;
        case op::sum:
        case op::avg: acc = acc + v; break;
      }
    }
  }
  if (valid == 0) return {o == op::avg ? T(0) : acc, -1};
  if (o == op::avg) {
    const i64 divisor = p.divisor_override    ? *p.divisor_override
                        : p.count_include_pad ? padded_h * padded_w
                                              : valid;
    acc = acc / static_cast<T>(divisor);
  }
  return {acc, index};
}

// The power family (SPEC section 2 table) in long double, two passes: the window's largest
// magnitude m, then m * (sum (|x| / m)^p)^(1/p), SPEC's scaled formula (even 80 bits
// cannot hold (1e-320)^33 unscaled). average: power_avg with avg pooling's divisor rule;
// p = inf: max |x|.
template <class T>
long double power_one(const std::function<T(i64, i64)>& x, i64 H, i64 W, i64 oh, i64 ow,
                      const params& p, long double power, bool average) {
  const i64 h0 = oh * p.sh - p.pbh;
  const i64 w0 = ow * p.sw - p.pbw;
  long double sum = 0, largest = 0;
  bool nan = false;
  i64 valid = 0, padded_h = 0, padded_w = 0;
  for (i64 t = 0; t < p.kh; ++t)
    if (h0 + t * p.dh >= -p.pbh && h0 + t * p.dh < H + p.peh) ++padded_h;
  for (i64 u = 0; u < p.kw; ++u)
    if (w0 + u * p.dw >= -p.pbw && w0 + u * p.dw < W + p.pew) ++padded_w;
  for (i64 t = 0; t < p.kh; ++t)
    for (i64 u = 0; u < p.kw; ++u) {
      const i64 h = h0 + t * p.dh;
      const i64 w = w0 + u * p.dw;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      const long double a = std::fabs(static_cast<long double>(x(h, w)));
      ++valid;
      if (std::isnan(a)) nan = true;
      if (a > largest) largest = a;
    }
  if (nan) return std::numeric_limits<long double>::quiet_NaN();
  if (valid == 0 || largest == 0) return 0;
  if (std::isinf(power) || std::isinf(largest)) return largest;
  for (i64 t = 0; t < p.kh; ++t)
    for (i64 u = 0; u < p.kw; ++u) {
      const i64 h = h0 + t * p.dh;
      const i64 w = w0 + u * p.dw;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      sum += std::pow(std::fabs(static_cast<long double>(x(h, w))) / largest, power);
    }
  if (average) {
    const i64 divisor = p.divisor_override    ? *p.divisor_override
                        : p.count_include_pad ? padded_h * padded_w
                                              : valid;
    sum /= static_cast<long double>(divisor);
  }
  return largest * std::pow(sum, 1 / power);
}

// Adaptive bins (SPEC section 3): [floor(i * in / out), ceil((i + 1) * in / out)).
inline i64 bin_start(i64 i, i64 in, i64 out) { return (i * in) / out; }
inline i64 bin_end(i64 i, i64 in, i64 out) { return ((i + 1) * in + out - 1) / out; }

// One output of an adaptive pooling: the bin folded row-major (avg divides by the bin's
// element count).
template <class T>
result<T> adaptive_one(const std::function<T(i64, i64)>& x, i64 H, i64 W, i64 OH, i64 OW, i64 oh,
                       i64 ow, op o) {
  params p;
  p.kh = bin_end(oh, H, OH) - bin_start(oh, H, OH);
  p.kw = bin_end(ow, W, OW) - bin_start(ow, W, OW);
  // A regular window placed at the bin with stride 1: the same taps, the same fold.
  return pool_one<T>(x, H, W, bin_start(oh, H, OH), bin_start(ow, W, OW), p, o);
}

// Global sum and average (1 x 1 output) of the built-in reducers follow a documented
// order instead of a row-major fold (kernel/global-inl.hpp): element i goes to partial
// i mod 32, then partial j absorbs j + 16, j + 8, 4, 2, 1.
template <class T>
T canonical_global_sum(const std::vector<T>& v) {
  T partial[32] = {};
  for (std::size_t i = 0; i < v.size(); ++i) partial[i % 32] = partial[i % 32] + v[i];
  for (int half = 16; half >= 1; half /= 2)
    for (int j = 0; j < half; ++j) partial[j] = partial[j] + partial[j + half];
  return partial[0];
}

// ---- SPEC section 4: spatial pyramid bins of the paper and caffe rules ---------------
// One bin along an axis: taps [start, start + size) before clamping to the input, and the
// tap count avg divides by when it counts the padding (`padded`).
struct spp_bin {
  i64 start;
  i64 size;
  i64 padded;
};

// He et al.'s rule: window ceil(a / n), stride floor(a / n), no padding, as many bins as
// fit, floor((a - window) / stride) + 1. Empty when the rule cannot give exactly n bins
// (a < n: stride 0; or another count).
inline std::vector<spp_bin> spp_paper_bins(i64 a, i64 n) {
  if (a < n) return {};
  const i64 window = (a + n - 1) / n, stride = a / n;
  if ((a - window) / stride + 1 != n) return {};
  std::vector<spp_bin> bins;
  for (i64 i = 0; i < n; ++i) bins.push_back({i * stride, window, window});
  return bins;
}

// Caffe's SPP layer and its pooling layer: kernel = stride = ceil(a / n), padding
// (kernel * n - a + 1) / 2 on both sides; Caffe refuses padding >= kernel; ceil-mode
// count ceil((a + 2 pad - kernel) / stride) + 1, less one when the last window would start
// at or past a + pad; bin i starts at i * stride - pad, and its padded size ends at
// min(start + kernel, a + pad) (Caffe's average pool_size). Empty when the rule cannot
// give exactly n bins.
inline std::vector<spp_bin> spp_caffe_bins(i64 a, i64 n) {
  const i64 kernel = (a + n - 1) / n, pad = (kernel * n - a + 1) / 2;
  if (pad >= kernel) return {};
  i64 count = (a + 2 * pad - kernel + kernel - 1) / kernel + 1;
  if ((count - 1) * kernel >= a + pad) --count;
  if (count != n) return {};
  std::vector<spp_bin> bins;
  for (i64 i = 0; i < n; ++i) {
    const i64 start = i * kernel - pad;
    bins.push_back({start, kernel, std::min(start + kernel, a + pad) - start});
  }
  return bins;
}

// PyTorch's fractional max pooling starts (SPEC section 6), in the element type T:
// alpha = (in - k) / (out - 1), start[i] = int((i + u) * alpha) - int(u * alpha), the last
// window flush with the end.
template <class T>
std::vector<i64> fractional_starts(T u, i64 in, i64 out, i64 k) {
  std::vector<i64> start(static_cast<std::size_t>(out));
  for (i64 i = 0; i < out; ++i) {
    if (i == out - 1) {
      start[static_cast<std::size_t>(i)] = in - k;
    } else {
      const T alpha = static_cast<T>(in - k) / static_cast<T>(out - 1);
      start[static_cast<std::size_t>(i)] =
          static_cast<i64>((static_cast<T>(i) + u) * alpha) - static_cast<i64>(u * alpha);
    }
  }
  return start;
}

// ---- SPEC section 6: Graham / TensorFlow pooling sequences ---------------------------
// out = floor(in / ratio) (TensorFlow's rule), in double.
inline i64 graham_output_size(i64 in, double ratio) {
  return static_cast<i64>(std::floor(static_cast<double>(in) / ratio));
}

// The uniform in [0, 1) a Philox block's first two words give: (w0:w1 >> 11) / 2^53.
inline double unit_uniform(std::uint32_t w0, std::uint32_t w1) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(w0) << 32 | w1) >> 11;
  return static_cast<double>(bits) / 9007199254740992.0;
}

// TensorFlow's bound on u: u_max = min((K + 2) / alpha - 1, (in + 1 - K) / alpha - (out - 1)),
// alpha = in / out, K = floor(in / out).
inline double graham_u_max(i64 in, i64 out) {
  const double alpha = static_cast<double>(in) / static_cast<double>(out);
  const double K = static_cast<double>(in / out);
  return std::min((K + 2) / alpha - 1,
                  (static_cast<double>(in) + 1 - K) / alpha - static_cast<double>(out - 1));
}

// Pseudo-random boundaries: b_0 = 0, b_out = in, b_i = ceil(alpha (i + u)) - 1. When out
// divides in every increment is K (what the formula gives for any u > 0).
inline std::vector<i64> graham_pseudo_random(i64 in, i64 out, double u) {
  std::vector<i64> b(static_cast<std::size_t>(out + 1));
  const double alpha = static_cast<double>(in) / static_cast<double>(out);
  for (i64 i = 0; i <= out; ++i)
    b[static_cast<std::size_t>(i)] =
        i == 0          ? 0
        : i == out      ? in
        : in % out == 0 ? i * (in / out)
                        : static_cast<i64>(std::ceil(alpha * (static_cast<double>(i) + u))) - 1;
  return b;
}

// Random sequences: increments K + 1 (in % out of them) then K, shuffled by Fisher-Yates
// from the last position down, position i swapping with floor(uniform(i) * (i + 1))
// (clamped to i), then summed from 0.
inline std::vector<i64> graham_random(i64 in, i64 out, const std::function<double(i64)>& uniform) {
  std::vector<i64> step(static_cast<std::size_t>(out));
  for (i64 i = 0; i < out; ++i)
    step[static_cast<std::size_t>(i)] = in / out + (i < in % out ? 1 : 0);
  if (in % out != 0)
    for (i64 i = out - 1; i > 0; --i) {
      const auto j = std::min(static_cast<i64>(uniform(i) * static_cast<double>(i + 1)), i);
      std::swap(step[static_cast<std::size_t>(i)], step[static_cast<std::size_t>(j)]);
    }
  std::vector<i64> b{0};
  for (i64 s : step) b.push_back(b.back() + s);
  return b;
}

// Region i of boundaries b: [b_i, b_{i+1} - 1], or [b_i, b_{i+1}] when overlapping, clipped
// to the input; as {first, count}.
inline std::pair<i64, i64> graham_region(const std::vector<i64>& b, i64 i, i64 in,
                                         bool overlapping) {
  const i64 first = b[static_cast<std::size_t>(i)];
  const i64 last = std::min(
      overlapping ? b[static_cast<std::size_t>(i + 1)] : b[static_cast<std::size_t>(i + 1)] - 1,
      in - 1);
  return {first, last - first + 1};
}

// One output over an explicit window [h0, h0 + kh) x [w0, w0 + kw): a regular window of
// that size at stride 1, placed at (h0, w0); the same row-major fold as pool_one.
template <class T>
result<T> window_one(const std::function<T(i64, i64)>& x, i64 H, i64 W, i64 h0, i64 w0, i64 kh,
                     i64 kw, op o) {
  params p;
  p.kh = kh;
  p.kw = kw;
  return pool_one<T>(x, H, W, h0, w0, p, o);
}

// Stochastic pooling of one window (SPEC section 5) given the draw's uniform u in [0, 1):
// taps in row-major order, positive ones weighted by their value; the first tap whose
// running sum exceeds u * sum (the last positive tap if rounding leaves none). Sums in
// double, unscaled (the tests keep magnitudes moderate). +inf taps share all the
// probability: the one at floor(u * count).
template <class T>
result<T> stochastic_one(const std::function<T(i64, i64)>& x, i64 H, i64 W, i64 oh, i64 ow,
                         const params& p, bool training, double u) {
  std::vector<std::pair<T, i64>> taps;
  for (i64 t = 0; t < p.kh; ++t)
    for (i64 v = 0; v < p.kw; ++v) {
      const i64 h = oh * p.sh - p.pbh + t * p.dh;
      const i64 w = ow * p.sw - p.pbw + v * p.dw;
      if (h >= 0 && h < H && w >= 0 && w < W) taps.push_back({x(h, w), h * W + w});
    }
  if (taps.empty()) return {T(0), -1};
  for (const auto& [v, i] : taps)
    if (std::isnan(v)) return {v, i};
  std::vector<i64> infinite;
  for (const auto& [v, i] : taps)
    if (std::isinf(v) && v > 0) infinite.push_back(i);
  if (!infinite.empty()) {
    if (!training) return {std::numeric_limits<T>::infinity(), -1};
    const auto pick = std::min(static_cast<std::size_t>(u * static_cast<double>(infinite.size())),
                               infinite.size() - 1);
    return {std::numeric_limits<T>::infinity(), infinite[pick]};
  }
  double sum = 0, squares = 0;
  for (const auto& [v, i] : taps)
    if (v > 0) {
      sum += static_cast<double>(v);
      squares += static_cast<double>(v) * static_cast<double>(v);
    }
  if (sum == 0) return {T(0), training ? taps.front().second : -1};
  if (!training) return {static_cast<T>(squares / sum), -1};
  const double target = u * sum;
  double running = 0;
  result<T> chosen{T(0), -1};
  for (const auto& [v, i] : taps) {
    if (!(v > 0)) continue;
    running += static_cast<double>(v);
    chosen = {v, i};
    if (running > target) break;
  }
  return chosen;
}

}  // namespace ref

// ---- SPEC section 7: bilateral (second-order) pooling --------------------------------

namespace ref {

struct bilateral_options {
  enum class weights { uniform, gaussian, custom } spatial = weights::uniform;
  double sigma = 1;            // gaussian
  std::vector<double> custom;  // kh x kw, row-major
  std::optional<double> sigma_r;
  bool centering = false;
  bool signed_sqrt = false;
  bool l2_normalize = false;
};

// One window's C x C matrix, row-major, straight from SPEC section 7: the in-bounds taps
// at (h0 + i dh, w0 + j dw), i < kh, j < kw; weight = spatial(i, j) * range; the weighted
// (centred) second moment; then signed square root and Frobenius normalisation.
inline std::vector<double> bilateral_one(const std::function<double(i64, i64, i64)>& x, i64 C,
                                         i64 H, i64 W, i64 h0, i64 w0, i64 kh, i64 kw, i64 dh,
                                         i64 dw, const bilateral_options& o) {
  struct tap {
    i64 h, w;
    double weight;
  };
  std::vector<tap> taps;
  const i64 ch = std::clamp<i64>(h0 + (kh - 1) / 2 * dh, 0, H - 1);
  const i64 cw = std::clamp<i64>(w0 + (kw - 1) / 2 * dw, 0, W - 1);
  for (i64 i = 0; i < kh; ++i)
    for (i64 j = 0; j < kw; ++j) {
      const i64 h = h0 + i * dh, w = w0 + j * dw;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      double weight = 1;
      if (o.spatial == bilateral_options::weights::gaussian) {
        const double dy = (double(i) - double(kh - 1) / 2) * double(dh);
        const double dx = (double(j) - double(kw - 1) / 2) * double(dw);
        weight = std::exp(-(dy * dy + dx * dx) / (2 * o.sigma * o.sigma));
      } else if (o.spatial == bilateral_options::weights::custom) {
        weight = o.custom[std::size_t(i * kw + j)];
      }
      if (o.sigma_r) {
        double d2 = 0;
        for (i64 c = 0; c < C; ++c) d2 += (x(c, h, w) - x(c, ch, cw)) * (x(c, h, w) - x(c, ch, cw));
        weight *= std::exp(-d2 / (2 * *o.sigma_r * *o.sigma_r));
      }
      taps.push_back({h, w, weight});
    }
  std::vector<double> m(std::size_t(C * C), 0.0);
  double total = 0;
  for (const tap& t : taps) total += t.weight * t.weight;
  if (!(total > 0)) return m;
  std::vector<double> mean(std::size_t(C), 0.0);
  if (o.centering)
    for (i64 c = 0; c < C; ++c) {
      for (const tap& t : taps) mean[std::size_t(c)] += t.weight * t.weight * x(c, t.h, t.w);
      mean[std::size_t(c)] /= total;
    }
  for (i64 a = 0; a < C; ++a)
    for (i64 b = 0; b < C; ++b) {
      double s = 0;
      for (const tap& t : taps)
        s += t.weight * t.weight * (x(a, t.h, t.w) - mean[std::size_t(a)]) *
             (x(b, t.h, t.w) - mean[std::size_t(b)]);
      m[std::size_t(a * C + b)] = s / total;
    }
  if (o.signed_sqrt)
    for (double& v : m) v = v < 0 ? -std::sqrt(-v) : std::sqrt(v);
  if (o.l2_normalize) {
    double norm = 0;
    for (double v : m) norm += v * v;
    norm = std::sqrt(norm);
    if (norm > 0)
      for (double& v : m) v /= norm;
  }
  return m;
}

// ---------------------------------------------------------------------------------------
// Backward passes (SPEC section 9), one plane at a time. Planes are row-major vectors:
// dy is OH x OW, dx is H x W. Each starts from dx = 0 and adds the outputs'
// contributions in row-major output order, as SPEC fixes it.

// Routed by indices: dx[index] += dy; index -1 routes nothing.
template <class T>
std::vector<T> route_backward(const std::vector<T>& dy, const std::vector<i64>& index, i64 H,
                              i64 W) {
  std::vector<T> dx(std::size_t(H * W), T(0));
  for (std::size_t o = 0; o < dy.size(); ++o)
    if (index[o] != -1) dx.at(std::size_t(index[o])) += dy[o];
  return dx;
}

// The in-bounds taps (h, w) of regular window (oh, ow), row-major, and the taps inside
// the padded extent per axis (the count_include_pad divisor's factors).
struct window_taps {
  std::vector<std::pair<i64, i64>> taps;
  i64 padded_h = 0, padded_w = 0;
};

inline window_taps taps_of(i64 H, i64 W, i64 oh, i64 ow, const params& p) {
  window_taps t;
  for (i64 i = 0; i < p.kh; ++i) {
    const i64 h = oh * p.sh - p.pbh + i * p.dh;
    if (h >= -p.pbh && h < H + p.peh) ++t.padded_h;
  }
  for (i64 j = 0; j < p.kw; ++j) {
    const i64 w = ow * p.sw - p.pbw + j * p.dw;
    if (w >= -p.pbw && w < W + p.pew) ++t.padded_w;
  }
  for (i64 i = 0; i < p.kh; ++i)
    for (i64 j = 0; j < p.kw; ++j) {
      const i64 h = oh * p.sh - p.pbh + i * p.dh;
      const i64 w = ow * p.sw - p.pbw + j * p.dw;
      if (h >= 0 && h < H && w >= 0 && w < W) t.taps.emplace_back(h, w);
    }
  return t;
}

// The average's divisor of a window (SPEC section 2).
inline i64 divisor_of(const window_taps& t, const params& p) {
  return p.divisor_override    ? *p.divisor_override
         : p.count_include_pad ? t.padded_h * t.padded_w
                               : i64(t.taps.size());
}

// Window sums: g = dy / divisor (avg) or dy (sum) added to every in-bounds tap; the
// divisor is the forward's (SPEC section 2), counted here tap by tap.
template <class T>
std::vector<T> window_backward(const std::vector<T>& dy, i64 H, i64 W, i64 OH, i64 OW,
                               const params& p, op o) {
  std::vector<T> dx(std::size_t(H * W), T(0));
  for (i64 oh = 0; oh < OH; ++oh)
    for (i64 ow = 0; ow < OW; ++ow) {
      const window_taps t = taps_of(H, W, oh, ow, p);
      if (t.taps.empty()) continue;
      T g = dy[std::size_t(oh * OW + ow)];
      if (o == op::avg) g = g / T(divisor_of(t, p));
      for (const auto& [h, w] : t.taps) dx[std::size_t(h * W + w)] += g;
    }
  return dx;
}

// Adaptive bins: g = (dy / bin_height) / bin_width (avg) or dy (sum) added to every
// element of the bin; a 1 x 1 output is a mean: every element dy / (H * W) (avg) or dy
// (sum), with nothing added to a zero (a -0 stays -0).
template <class T>
std::vector<T> adaptive_backward(const std::vector<T>& dy, i64 H, i64 W, i64 OH, i64 OW, op o) {
  if (OH == 1 && OW == 1)
    return std::vector<T>(std::size_t(H * W), o == op::avg ? dy[0] / T(H * W) : dy[0]);
  std::vector<T> dx(std::size_t(H * W), T(0));
  for (i64 oh = 0; oh < OH; ++oh)
    for (i64 ow = 0; ow < OW; ++ow) {
      const i64 h0 = bin_start(oh, H, OH), h1 = bin_end(oh, H, OH);
      const i64 w0 = bin_start(ow, W, OW), w1 = bin_end(ow, W, OW);
      T g = dy[std::size_t(oh * OW + ow)];
      if (o == op::avg) g = g / T(h1 - h0) / T(w1 - w0);
      for (i64 h = h0; h < h1; ++h)
        for (i64 w = w0; w < w1; ++w) dx[std::size_t(h * W + w)] += g;
    }
  return dx;
}

// Max unpooling with respect to its values: dvalues[o] = dy[index[o]], 0 for -1.
template <class T>
std::vector<T> unpool_backward(const std::vector<T>& dy, const std::vector<i64>& index) {
  std::vector<T> dv(index.size(), T(0));
  for (std::size_t o = 0; o < index.size(); ++o)
    if (index[o] != -1) dv[o] = dy.at(std::size_t(index[o]));
  return dv;
}

// Graham / TensorFlow fractional average: the region of output i along an axis is
// [a_i, a_{i+1} - 1] ([a_i, a_{i+1}] when overlapping) clipped to the input; every element
// of the region receives dy / (the region's element count).
template <class T>
std::vector<T> region_backward(const std::vector<T>& dy, i64 H, i64 W, const std::vector<i64>& rows,
                               const std::vector<i64>& cols, bool overlapping) {
  const i64 OH = i64(rows.size()) - 1, OW = i64(cols.size()) - 1;
  const auto last = [&](const std::vector<i64>& a, i64 i, i64 in) {
    return std::min(overlapping ? a[std::size_t(i + 1)] : a[std::size_t(i + 1)] - 1, in - 1);
  };
  std::vector<T> dx(std::size_t(H * W), T(0));
  for (i64 oh = 0; oh < OH; ++oh)
    for (i64 ow = 0; ow < OW; ++ow) {
      const i64 h0 = rows[std::size_t(oh)], h1 = last(rows, oh, H);
      const i64 w0 = cols[std::size_t(ow)], w1 = last(cols, ow, W);
      const T g = dy[std::size_t(oh * OW + ow)] / T((h1 - h0 + 1) * (w1 - w0 + 1));
      for (i64 h = h0; h <= h1; ++h)
        for (i64 w = w0; w <= w1; ++w) dx[std::size_t(h * W + w)] += g;
    }
  return dx;
}

// The power family's gradient in long double, from x and the forward's output y (as
// given): each in-bounds tap gets dy * sign(x) * |x|^(p-1) * y^(1-p) / divisor, where
// divisor is 1 (lp) or the average's rule (power_avg, p finite); p = inf routes dy * sign(x)
// to the first tap of largest |x|; windows with y = 0 route nothing. Alongside the
// gradient, `magnitude` receives the sum of the contributions' magnitudes per element:
// the scale a rounding error in the order of additions is measured against.
inline std::vector<long double> power_backward(const std::function<double(i64, i64)>& x,
                                               const std::vector<double>& y,
                                               const std::vector<double>& dy, i64 H, i64 W, i64 OH,
                                               i64 OW, const params& p, double power, bool average,
                                               std::vector<long double>* magnitude) {
  std::vector<long double> dx(std::size_t(H * W), 0.0L);
  magnitude->assign(std::size_t(H * W), 0.0L);
  for (i64 oh = 0; oh < OH; ++oh)
    for (i64 ow = 0; ow < OW; ++ow) {
      const long double yv = static_cast<long double>(y[std::size_t(oh * OW + ow)]);
      if (yv == 0) continue;
      const long double g = static_cast<long double>(dy[std::size_t(oh * OW + ow)]);
      const window_taps window = taps_of(H, W, oh, ow, p);
      const auto& taps = window.taps;
      if (taps.empty()) continue;
      const auto add = [&](i64 h, i64 w, long double v) {
        dx[std::size_t(h * W + w)] += v;
        (*magnitude)[std::size_t(h * W + w)] += std::fabs(v);
      };
      if (std::isinf(power)) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < taps.size(); ++i)
          if (std::fabs(x(taps[i].first, taps[i].second)) >
              std::fabs(x(taps[best].first, taps[best].second)))
            best = i;
        const double v = x(taps[best].first, taps[best].second);
        if (v != 0) add(taps[best].first, taps[best].second, v > 0 ? g : -g);
        continue;
      }
      const i64 divisor = average ? divisor_of(window, p) : 1;
      for (const auto& [h, w] : taps) {
        const long double v = static_cast<long double>(x(h, w));
        if (v == 0) continue;
        // |x|^(p-1) y^(1-p) as one ratio: no overflow at double's magnitudes either.
        const long double share = g *
                                  std::pow(std::fabs(v) / yv, static_cast<long double>(power) - 1) /
                                  static_cast<long double>(divisor);
        add(h, w, v > 0 ? share : -share);
      }
    }
  return dx;
}

}  // namespace ref
