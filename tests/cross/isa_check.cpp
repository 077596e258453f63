// A self-contained check (no GoogleTest) that every instruction set compiled into this
// build agrees with the scalar path and with the naive reference, over random
// configurations. Built natively it is one more test; cross-compiled for AArch64 and run
// under qemu-aarch64 it is how CI tests the NEON kernels.
//
//   aarch64-linux-gnu-g++ -std=c++20 -O2 -Iinclude -Itests tests/cross/isa_check.cpp -o isa_check
//   qemu-aarch64 -L /usr/aarch64-linux-gnu ./isa_check
#include <cmath>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include <poolkit/poolkit.hpp>

#include "reference.hpp"

namespace {

using poolkit::index_t;

template <class T>
bool same(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

struct stats {
  long checked = 0;
  long failures = 0;
};

/// A random window: kernels up to max_kernel, strides up to 3, dilations up to 2,
/// asymmetric padding, ceil mode and count_include_pad.
ref::params random_window(std::mt19937_64& rng, index_t max_kernel) {
  const auto pick = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  ref::params r;
  r.kh = pick(1, max_kernel);
  r.kw = pick(1, max_kernel);
  r.sh = pick(1, 3);
  r.sw = pick(1, 3);
  r.dh = pick(1, 2);
  r.dw = pick(1, 2);
  r.pbh = pick(0, r.dh * (r.kh - 1));
  r.pbw = pick(0, r.dw * (r.kw - 1));
  r.peh = pick(0, r.dh * (r.kh - 1));
  r.pew = pick(0, r.dw * (r.kw - 1));
  r.ceil_mode = pick(0, 1) == 1;
  r.count_include_pad = pick(0, 1) == 1;
  return r;
}

/// The pool2d_params of a reference window.
poolkit::pool2d_params params_of(const ref::params& r) {
  return {.kernel = {r.kh, r.kw},
          .stride = poolkit::hw{r.sh, r.sw},
          .padding = {r.pbh, r.pbw},
          .padding_end = poolkit::hw{r.peh, r.pew},
          .dilation = {r.dh, r.dw},
          .ceil_mode = r.ceil_mode,
          .count_include_pad = r.count_include_pad};
}

template <class T>
void check_one(std::mt19937_64& rng, poolkit::instruction_set isa, stats& s) {
  const auto pick = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  const ref::params r = random_window(rng, 5);
  const poolkit::extents4 in{pick(1, 2), pick(1, 3), pick(1, 24), pick(1, 40)};
  const index_t oh = ref::output_size(in[2], r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
  const index_t ow = ref::output_size(in[3], r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
  if (oh < 1 || ow < 1) return;
  poolkit::pool2d_params p = params_of(r);
  poolkit::tensor<T> x(in);
  std::uniform_real_distribution<T> value(-5, 5);
  for (T& v : x.values()) v = (rng() % 50 == 0) ? std::numeric_limits<T>::quiet_NaN() : value(rng);
  const poolkit::policy pol{.isa = isa, .threads = 1};
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  for (int op = 0; op < 6; ++op) {
    poolkit::tensor<T> y;
    poolkit::tensor<T> ys;
    poolkit::tensor<index_t> yi;
    poolkit::tensor<index_t> ysi;
    ref::op o = ref::op::max;
    switch (op) {
      case 4: {
        auto a = poolkit::max_pool2d_with_indices(x, p, pol);
        auto b = poolkit::max_pool2d_with_indices(x, p, scalar);
        y = std::move(a.values);
        yi = std::move(a.indices);
        ys = std::move(b.values);
        ysi = std::move(b.indices);
        o = ref::op::max;
        break;
      }
      case 5: {
        auto a = poolkit::min_pool2d_with_indices(x, p, pol);
        auto b = poolkit::min_pool2d_with_indices(x, p, scalar);
        y = std::move(a.values);
        yi = std::move(a.indices);
        ys = std::move(b.values);
        ysi = std::move(b.indices);
        o = ref::op::min;
        break;
      }
      case 0:
        y = poolkit::max_pool2d(x, p, pol);
        ys = poolkit::max_pool2d(x, p, scalar);
        o = ref::op::max;
        break;
      case 1:
        y = poolkit::min_pool2d(x, p, pol);
        ys = poolkit::min_pool2d(x, p, scalar);
        o = ref::op::min;
        break;
      case 2:
        y = poolkit::sum_pool2d(x, p, pol);
        ys = poolkit::sum_pool2d(x, p, scalar);
        o = ref::op::sum;
        break;
      default:
        y = poolkit::avg_pool2d(x, p, pol);
        ys = poolkit::avg_pool2d(x, p, scalar);
        o = ref::op::avg;
        break;
    }
    for (index_t n = 0; n < in[0]; ++n)
      for (index_t c = 0; c < in[1]; ++c) {
        const auto plane = [&](index_t h, index_t w) { return x(n, c, h, w); };
        for (index_t i = 0; i < oh; ++i)
          for (index_t j = 0; j < ow; ++j) {
            const auto want_full = ref::pool_one<T>(plane, in[2], in[3], i, j, r, o);
            const T want = want_full.value;
            ++s.checked;
            const bool index_ok =
                op < 4 || (yi(n, c, i, j) == want_full.index && ysi(n, c, i, j) == want_full.index);
            if (!same(y(n, c, i, j), want) || !same(ys(n, c, i, j), want) || !index_ok) {
              if (++s.failures <= 5)
                std::printf("mismatch isa %s op %d at (%ld,%ld,%ld,%ld): %g scalar %g want %g\n",
                            poolkit::name_of(isa).data(), op, static_cast<long>(n),
                            static_cast<long>(c), static_cast<long>(i), static_cast<long>(j),
                            static_cast<double>(y(n, c, i, j)), static_cast<double>(ys(n, c, i, j)),
                            static_cast<double>(want));
            }
          }
      }
  }
}

}  // namespace

/// Fractional max (both families, with indices) against the reference, and stochastic
/// training against the scalar instruction set: the separable fractional kernel runs the
/// vector select kernels of `isa`.
template <class T>
void check_fractional(std::mt19937_64& rng, poolkit::instruction_set isa, stats& s) {
  const auto pick = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  const index_t C = pick(1, 3), H = pick(3, 40), W = pick(3, 40);
  poolkit::tensor<T> x({1, C, H, W});
  for (T& v : x.values()) v = static_cast<T>(pick(-50, 50)) / T(4);
  const poolkit::policy pol{.isa = isa, .threads = static_cast<int>(pick(1, 2))};
  const index_t kh = pick(1, 3), kw = pick(1, 3);
  const poolkit::fractional_max_params p{.kernel = {kh, kw},
                                         .output_size = {pick(1, H - kh + 1), pick(1, W - kw + 1)}};
  const auto seed = static_cast<std::uint64_t>(pick(0, 1000));
  const auto u = poolkit::fractional_samples<T>(1, C, seed);
  const auto r = poolkit::fractional_max_pool2d(x, p, u, pol);
  const poolkit::fractional_ratio_params q{.pooling_ratio = {1.5, 1.25},
                                           .overlapping = pick(0, 1) == 1};
  const auto g = poolkit::fractional_max_pool2d(x, q, seed, pol);
  // One past the last row (or column) of region i of sequence a (TensorFlow's clipping).
  const auto region_end = [&](const std::vector<index_t>& a, index_t i, index_t size) {
    const index_t last =
        q.overlapping ? a[static_cast<std::size_t>(i + 1)] : a[static_cast<std::size_t>(i + 1)] - 1;
    return std::min(last, size - 1) + 1;
  };
  for (index_t c = 0; c < C; ++c) {
    const auto plane = [&](index_t h, index_t w) { return x(0, c, h, w); };
    const auto rows = ref::fractional_starts<T>(u(0, c, 0, 1), H, p.output_size.h, kh);
    const auto cols = ref::fractional_starts<T>(u(0, c, 0, 0), W, p.output_size.w, kw);
    for (index_t oh = 0; oh < p.output_size.h; ++oh)
      for (index_t ow = 0; ow < p.output_size.w; ++ow) {
        const auto want =
            ref::window_one<T>(plane, H, W, rows[static_cast<std::size_t>(oh)],
                               cols[static_cast<std::size_t>(ow)], kh, kw, ref::op::max);
        ++s.checked;
        if (!same(r.values(0, c, oh, ow), want.value) || r.indices(0, c, oh, ow) != want.index)
          ++s.failures;
      }
    const auto& a = g.sequences.rows;
    const auto& b = g.sequences.cols;
    for (index_t oh = 0; oh + 1 < static_cast<index_t>(a.size()); ++oh)
      for (index_t ow = 0; ow + 1 < static_cast<index_t>(b.size()); ++ow) {
        const index_t h0 = a[static_cast<std::size_t>(oh)], w0 = b[static_cast<std::size_t>(ow)];
        const auto want = ref::window_one<T>(plane, H, W, h0, w0, region_end(a, oh, H) - h0,
                                             region_end(b, ow, W) - w0, ref::op::max);
        ++s.checked;
        if (!same(g.values(0, c, oh, ow), want.value) || g.indices(0, c, oh, ow) != want.index)
          ++s.failures;
      }
  }
  const poolkit::pool2d_params sp{.kernel = {kh, kw}, .stride = {1, 2}};
  const auto mine =
      poolkit::stochastic_pool2d(x, sp, poolkit::stochastic_mode::training, seed, pol);
  const auto scalar =
      poolkit::stochastic_pool2d(x, sp, poolkit::stochastic_mode::training, seed,
                                 {.isa = poolkit::instruction_set::scalar, .threads = 1});
  for (std::size_t i = 0; i < static_cast<std::size_t>(mine.indices.size()); ++i) {
    ++s.checked;
    if (mine.indices.values()[i] != scalar.indices.values()[i]) ++s.failures;
  }
}

/// Global pooling (sum, avg, max, min) of NCHW and channels-last inputs, 1-40 planes of
/// 1-10 x 1-10: the blocks of planes folded across the lanes (kernel/global-inl.hpp) and
/// the channel vectors of channels-last views (kernel/channels_last-inl.hpp) against the
/// scalar path and, for sums, the canonical order of the reference. Some inputs are all
/// -0, whose canonical sum is +0.
template <class T>
void check_global(std::mt19937_64& rng, poolkit::instruction_set isa, stats& s) {
  const auto pick = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  const index_t N = pick(1, 2), C = pick(1, 40), H = pick(1, 10), W = pick(1, 10);
  const bool channels_last = pick(0, 1) == 1;
  const int fill = static_cast<int>(pick(0, 7));  // 0: all -0, 1: some NaN
  std::vector<T> data(static_cast<std::size_t>(N * C * H * W));
  std::uniform_real_distribution<T> value(-5, 5);
  for (T& v : data)
    v = fill == 0                        ? -T(0)
        : (fill == 1 && rng() % 20 == 0) ? std::numeric_limits<T>::quiet_NaN()
                                         : value(rng);
  const poolkit::extents4 strides = channels_last ? poolkit::extents4{H * W * C, 1, W * C, C}
                                                  : poolkit::extents4{C * H * W, H * W, W, 1};
  const poolkit::nchw_view<const T> x(data.data(), {N, C, H, W}, strides);
  const poolkit::policy pol{.isa = isa, .threads = static_cast<int>(pick(1, 2))};
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  for (int op = 0; op < 4; ++op) {
    const auto run = [&](const poolkit::policy& q) {
      switch (op) {
        case 0: return poolkit::global_sum_pool2d(x, q);
        case 1: return poolkit::global_avg_pool2d(x, q);
        case 2: return poolkit::global_max_pool2d(x, q);
        default: return poolkit::global_min_pool2d(x, q);
      }
    };
    const auto mine = run(pol);
    const auto want = run(scalar);
    for (index_t n = 0; n < N; ++n)
      for (index_t c = 0; c < C; ++c) {
        bool ok = same(mine(n, c, 0, 0), want(n, c, 0, 0));
        if (op == 0 && fill != 1) {
          std::vector<T> plane;
          for (index_t h = 0; h < H; ++h)
            for (index_t w = 0; w < W; ++w) plane.push_back(x(n, c, h, w));
          ok = ok && same(mine(n, c, 0, 0), ref::canonical_global_sum(plane));
        }
        ++s.checked;
        if (!ok && ++s.failures <= 5)
          std::printf("global op %d %s %s %ldx%ldx%ldx%ld at (%ld,%ld): %.9g, scalar %.9g\n", op,
                      poolkit::name_of(isa).data(), channels_last ? "channels-last" : "nchw",
                      static_cast<long>(N), static_cast<long>(C), static_cast<long>(H),
                      static_cast<long>(W), static_cast<long>(n), static_cast<long>(c),
                      static_cast<double>(mine(n, c, 0, 0)), static_cast<double>(want(n, c, 0, 0)));
      }
  }
}

/// The power family on float inputs with a whole p (the double-accumulating kernels of
/// kernel/power-inl.hpp and their roots, simd/root-inl.hpp): the same bits as the scalar
/// path, and within 1e-5 of the long-double reference, at magnitudes from 1e-30 to 1e30.
void check_power(std::mt19937_64& rng, poolkit::instruction_set isa, stats& s) {
  const auto pick = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  const ref::params r = random_window(rng, 4);
  const index_t H = pick(1, 12), W = pick(4, 48);
  const index_t oh = ref::output_size(H, r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
  const index_t ow = ref::output_size(W, r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
  if (oh < 1 || ow < 1) return;
  const poolkit::pool2d_params p = params_of(r);
  const int power = static_cast<int>(pick(1, 6));
  const bool average = pick(0, 1) == 1;
  const float scale = std::pow(10.0f, static_cast<float>(pick(-30, 30)));
  poolkit::tensor<float> x({1, 2, H, W});
  std::uniform_real_distribution<float> value(-1, 1);
  for (float& v : std::span(x.data_handle(), static_cast<std::size_t>(x.size())))
    v = value(rng) * scale;
  const auto run = [&](poolkit::instruction_set set) {
    const poolkit::policy pol{.isa = set, .threads = 1};
    return average ? poolkit::power_avg_pool2d(x, power, p, pol)
                   : poolkit::lp_pool2d(x, power, p, pol);
  };
  const auto mine = run(isa);
  const auto want = run(poolkit::instruction_set::scalar);
  for (index_t c = 0; c < 2; ++c)
    for (index_t h = 0; h < oh; ++h)
      for (index_t w = 0; w < ow; ++w) {
        const auto plane = [&](index_t i, index_t j) { return x(0, c, i, j); };
        const long double exact = ref::power_one<float>(plane, H, W, h, w, r, power, average);
        const float got = mine(0, c, h, w);
        const bool close =
            std::fabs(static_cast<long double>(got) - exact) <=
            1e-5L * exact + static_cast<long double>(std::numeric_limits<float>::denorm_min());
        ++s.checked;
        if ((!same(got, want(0, c, h, w)) || !close) && ++s.failures <= 5)
          std::printf("power p %d %s %s %ldx%ld at (%ld,%ld,%ld): %.9g, scalar %.9g, exact %.9Lg\n",
                      power, average ? "average" : "lp", poolkit::name_of(isa).data(),
                      static_cast<long>(H), static_cast<long>(W), static_cast<long>(c),
                      static_cast<long>(h), static_cast<long>(w), static_cast<double>(got),
                      static_cast<double>(want(0, c, h, w)), exact);
      }
}

int main() {
  std::mt19937_64 rng(7);
  stats s;
  const auto sets = poolkit::available_instruction_sets();
  for (poolkit::instruction_set isa : sets) {
    for (int i = 0; i < 300; ++i) {
      check_one<float>(rng, isa, s);
      check_one<double>(rng, isa, s);
    }
    for (int i = 0; i < 60; ++i) {
      check_global<float>(rng, isa, s);
      check_global<double>(rng, isa, s);
    }
    for (int i = 0; i < 60; ++i) {
      check_fractional<float>(rng, isa, s);
      check_fractional<double>(rng, isa, s);
    }
    for (int i = 0; i < 60; ++i) check_power(rng, isa, s);
    std::printf("%s: checked\n", poolkit::name_of(isa).data());
  }
  std::printf("%ld outputs checked, %ld mismatches\n", s.checked, s.failures);
  return s.failures == 0 && s.checked > 0 ? 0 : 1;
}
