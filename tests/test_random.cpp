// poolkit against the naive reference (tests/reference.hpp) over many random
// configurations: kernel 1-7, stride 1-4, dilation 1-3, asymmetric padding, ceil mode,
// H and W 1-40, several batches and channels, and non-contiguous input and output views
// (channel slices, cropped planes, padded row pitch, permuted memory order).
// The whole suite runs once per instruction set this machine supports (and the scalar
// path), with 1 to 3 threads or a caller's executor: every result must match the
// reference bit for bit, and the scalar path's result too.
#include "test_support.hpp"
#include "reference.hpp"

#include <algorithm>
#include <functional>

namespace {

using poolkit::index_t;

struct config {
  poolkit::extents4 in;
  poolkit::pool2d_params params;
  ref::params reference;
  poolkit::extents4 out;
  std::array<index_t, 4> in_pad, in_offset, out_pad, out_offset;
  std::array<int, 4> in_order, out_order;
};

std::string describe(const config& c) {
  const auto& p = c.params;
  std::ostringstream s;
  s << "input " << poolkit::detail::to_text(c.in) << " kernel {" << p.kernel.h << "," << p.kernel.w
    << "} stride {" << c.reference.sh << "," << c.reference.sw << "} dilation {" << p.dilation.h
    << "," << p.dilation.w << "} pad {" << c.reference.pbh << "," << c.reference.pbw << "}-{"
    << c.reference.peh << "," << c.reference.pew << "} ceil " << p.ceil_mode << " include_pad "
    << p.count_include_pad << " divisor " << p.divisor_override.value_or(0);
  return s.str();
}

/// Draws a valid configuration (one whose output is at least 1x1).
config draw(std::mt19937_64& rng) {
  const auto uniform = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  const auto coin = [&] { return uniform(0, 1) == 1; };
  for (;;) {
    config c{};
    c.in = {uniform(1, 3), uniform(1, 4), uniform(1, 40), uniform(1, 40)};
    ref::params& r = c.reference;
    r.kh = uniform(1, 7);
    r.kw = uniform(1, 7);
    r.sh = uniform(1, 4);
    r.sw = uniform(1, 4);
    r.dh = uniform(1, 3);
    r.dw = uniform(1, 3);
    const index_t eff_h = r.dh * (r.kh - 1) + 1;
    const index_t eff_w = r.dw * (r.kw - 1) + 1;
    r.pbh = uniform(0, eff_h - 1);
    r.pbw = uniform(0, eff_w - 1);
    const bool symmetric = coin();
    r.peh = symmetric ? r.pbh : uniform(0, eff_h - 1);
    r.pew = symmetric ? r.pbw : uniform(0, eff_w - 1);
    r.ceil_mode = coin();
    r.count_include_pad = coin();
    if (uniform(0, 4) == 0) r.divisor_override = uniform(1, 9);
    const index_t oh = ref::output_size(c.in[2], r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
    const index_t ow = ref::output_size(c.in[3], r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
    if (oh < 1 || ow < 1) continue;
    c.out = {c.in[0], c.in[1], oh, ow};

    poolkit::pool2d_params& p = c.params;
    p.kernel = {r.kh, r.kw};
    // Leave the stride unset half the time when it equals the kernel (PyTorch default).
    if (!(r.sh == r.kh && r.sw == r.kw && coin())) p.stride = {r.sh, r.sw};
    p.dilation = {r.dh, r.dw};
    p.padding = {r.pbh, r.pbw};
    if (!symmetric || coin()) p.padding_end = {r.peh, r.pew};
    p.ceil_mode = r.ceil_mode;
    p.count_include_pad = r.count_include_pad;
    p.divisor_override = r.divisor_override;

    // Layout: half contiguous, half embedded in a larger, possibly permuted buffer.
    const auto layout = [&](std::array<index_t, 4>& pad, std::array<index_t, 4>& offset,
                            std::array<int, 4>& order) {
      order = {0, 1, 2, 3};
      pad = {0, 0, 0, 0};
      offset = {0, 0, 0, 0};
      if (coin()) return;
      for (std::size_t i = 0; i < 4; ++i) {
        pad[i] = uniform(0, 3);
        offset[i] = uniform(0, pad[i]);
      }
      if (uniform(0, 2) == 0) std::shuffle(order.begin(), order.end(), rng);
    };
    layout(c.in_pad, c.in_offset, c.in_order);
    layout(c.out_pad, c.out_offset, c.out_order);
    return c;
  }
}

enum class kind { max, min, sum, avg, max_indices, min_indices };

/// Runs one operation into y (and idx) with the given policy.
template <class T>
void run(kind k, poolkit::nchw_view<const T> in, poolkit::nchw_view<T> y,
         poolkit::nchw_view<index_t> idx, const poolkit::pool2d_params& p,
         const poolkit::policy& pol) {
  switch (k) {
    case kind::max: poolkit::max_pool2d(in, y, p, pol); break;
    case kind::min: poolkit::min_pool2d(in, y, p, pol); break;
    case kind::sum: poolkit::sum_pool2d(in, y, p, pol); break;
    case kind::avg: poolkit::avg_pool2d(in, y, p, pol); break;
    case kind::max_indices: poolkit::max_pool2d_with_indices(in, y, idx, p, pol); break;
    case kind::min_indices: poolkit::min_pool2d_with_indices(in, y, idx, p, pol); break;
  }
}

/// A policy for this configuration: the instruction set under test, 1 to 3 threads, and
/// now and then a caller's executor that runs the tasks in reverse order.
poolkit::policy make_policy(poolkit::instruction_set isa, std::mt19937_64& rng) {
  poolkit::policy pol{.isa = isa, .threads = static_cast<int>(rng() % 3) + 1};
  if (rng() % 5 == 0) {
    pol.executor = [](index_t n, const std::function<void(index_t)>& task) {
      for (index_t i = n; i-- > 0;) task(i);
    };
  }
  return pol;
}

template <class T>
void check(const config& c, kind k, poolkit::instruction_set isa, std::mt19937_64& rng) {
  constexpr T sentinel = T(-12345.5);
  test::embedded<T> x(c.in, c.in_pad, c.in_offset, c.in_order, sentinel);
  std::uniform_real_distribution<T> value(-10, 10);
  std::uniform_int_distribution<int> small(-2, 2);
  const bool ties = rng() % 3 == 0;  // few distinct values: exercises tie breaking
  test::fill(x.view, [&] { return ties ? T(small(rng)) : value(rng); });

  test::embedded<T> y(c.out, c.out_pad, c.out_offset, c.out_order, sentinel);
  test::embedded<index_t> idx(c.out, c.out_pad, c.out_offset, c.out_order, -77);
  const poolkit::nchw_view<const T> in = x.view;
  const poolkit::policy pol = make_policy(isa, rng);
  run(k, in, y.view, idx.view, c.params, pol);
  // The scalar path, into a plain contiguous output.
  poolkit::tensor<T> scalar_y(c.out);
  poolkit::tensor<index_t> scalar_idx(c.out);
  run(k, in, scalar_y.view(), scalar_idx.view(), c.params,
      {.isa = poolkit::instruction_set::scalar, .threads = 1});

  const ref::op o = k == kind::max || k == kind::max_indices   ? ref::op::max
                    : k == kind::min || k == kind::min_indices ? ref::op::min
                    : k == kind::sum                           ? ref::op::sum
                                                               : ref::op::avg;
  ref::params rp = c.reference;
  if (o != ref::op::avg) rp.divisor_override.reset();
  const bool with_indices = k == kind::max_indices || k == kind::min_indices;
  int failures = 0;
  for (index_t n = 0; n < c.out[0]; ++n)
    for (index_t ch = 0; ch < c.out[1]; ++ch) {
      const auto plane = [&](index_t h, index_t w) { return x.view(n, ch, h, w); };
      for (index_t oh = 0; oh < c.out[2]; ++oh)
        for (index_t ow = 0; ow < c.out[3]; ++ow) {
          const auto expected = ref::pool_one<T>(plane, c.in[2], c.in[3], oh, ow, rp, o);
          const T got = y.view(n, ch, oh, ow);
          bool ok = test::same_value(got, expected.value) &&
                    test::same_value(got, scalar_y(n, ch, oh, ow));
          if (with_indices)
            ok = ok && idx.view(n, ch, oh, ow) == expected.index &&
                 scalar_idx(n, ch, oh, ow) == expected.index;
          if (!ok && ++failures <= 3) {
            ADD_FAILURE() << describe(c) << " op " << static_cast<int>(k) << " isa "
                          << poolkit::name_of(isa) << " threads " << pol.threads << " at (" << n
                          << "," << ch << "," << oh << "," << ow << "): got " << got << " scalar "
                          << scalar_y(n, ch, oh, ow) << " expected " << expected.value << " index "
                          << idx.view(n, ch, oh, ow) << " vs " << expected.index;
          }
        }
    }
  EXPECT_TRUE(y.outside_untouched(sentinel)) << describe(c);
  if (with_indices) {
    EXPECT_TRUE(idx.outside_untouched(-77)) << describe(c);
  }
}

class RandomConfigurations : public ::testing::TestWithParam<poolkit::instruction_set> {
 protected:
  template <class T>
  void run_suite(std::uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    constexpr kind kinds[] = {kind::max, kind::min,         kind::sum,
                              kind::avg, kind::max_indices, kind::min_indices};
    for (int i = 0; i < count; ++i) {
      const config c = draw(rng);
      // Each configuration runs every reducer on fresh data.
      for (kind k : kinds) check<T>(c, k, GetParam(), rng);
      if (::testing::Test::HasFailure()) break;
    }
  }
};

// POOLKIT_RANDOM_CONFIGS (CMake option, 10,000 by default; fewer under sanitizers)
// configurations in float and a fifth of that in double, per instruction set.
TEST_P(RandomConfigurations, FloatMatchesTheReferenceAndTheScalarPathBitForBit) {
  run_suite<float>(2026, POOLKIT_RANDOM_CONFIGS);
}
TEST_P(RandomConfigurations, DoubleMatchesTheReferenceAndTheScalarPathBitForBit) {
  run_suite<double>(1121, POOLKIT_RANDOM_CONFIGS / 5);
}

INSTANTIATE_TEST_SUITE_P(EveryInstructionSet, RandomConfigurations,
                         ::testing::ValuesIn(poolkit::available_instruction_sets()),
                         [](const auto& param_info) {
                           return std::string(poolkit::name_of(param_info.param));
                         });

}  // namespace
