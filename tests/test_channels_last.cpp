// Channels-last views (channel stride 1) on every instruction set: regular, adaptive and
// global pooling with max, min, sum and avg, against the scalar path run on a contiguous
// NCHW copy of the same tensor (the same bits) and against the naive reference. The
// views are channels-last in several ways: plain NHWC, a channel slice of a wider tensor,
// a cropped plane, H or W outermost (channels-last in only some dimensions), and outputs
// channels-last, NCHW or strided. Channel counts cross whole vectors and the four-vector
// blocks of the kernels (1 ... 70 channels). Inputs hold NaN, infinities and signed zeros
// now and then, and some inputs only signed zeros (all -0 too). Nothing outside the output
// view may be written.
//
// The same suites run on NCHW inputs with many small planes too: the kernels that take
// blocks of planes into the lanes (global pooling, kernel/global-inl.hpp) and the averages
// whose divisors are all powers of two (multiplied by exact reciprocals) must give the
// scalar path's bits there as well, and so must the narrow planes under 2 x 2 stride-2
// windows, which run two output rows to a vector.
#include "test_support.hpp"
#include "reference.hpp"
#include "reference_params.hpp"

#include <limits>
#include <sstream>

namespace {

using poolkit::index_t;
using poolkit::instruction_set;

enum class kind { max, min, sum, avg };

/// A memory order with channels innermost (channel stride 1), sometimes embedded in a
/// larger buffer (a channel slice, a cropped plane, a padded batch).
void channels_last_layout(std::mt19937_64& rng, std::array<index_t, 4>& pad,
                          std::array<index_t, 4>& offset, std::array<int, 4>& order) {
  static constexpr std::array<std::array<int, 4>, 4> orders{
      {{0, 2, 3, 1}, {0, 3, 2, 1}, {2, 0, 3, 1}, {2, 3, 0, 1}}};
  order = orders[rng() % (rng() % 2 == 0 ? 1 : orders.size())];
  pad = {0, 0, 0, 0};
  offset = {0, 0, 0, 0};
  if (rng() % 2 == 0) return;
  for (std::size_t i = 0; i < 4; ++i) {
    pad[i] = static_cast<index_t>(rng() % 4);
    offset[i] = static_cast<index_t>(rng() % static_cast<std::uint64_t>(pad[i] + 1));
  }
}

/// An output layout: channels-last, NCHW or a permuted, embedded one.
void any_layout(std::mt19937_64& rng, std::array<index_t, 4>& pad, std::array<index_t, 4>& offset,
                std::array<int, 4>& order) {
  channels_last_layout(rng, pad, offset, order);
  if (rng() % 3 == 0) order = {0, 1, 2, 3};
  if (rng() % 5 == 0) std::shuffle(order.begin(), order.end(), rng);
}

/// Regular-window parameters with every option: kernel 1-5, stride 1-3, dilation 1-2,
/// asymmetric padding, ceil mode, count_include_pad, divisor_override.
poolkit::pool2d_params random_window(std::mt19937_64& rng) {
  const auto pick = [&](index_t lo, index_t hi) {
    return lo + static_cast<index_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  poolkit::pool2d_params p;
  p.kernel = {pick(1, 5), pick(1, 5)};
  p.stride = {pick(1, 3), pick(1, 3)};
  p.dilation = {pick(1, 2), pick(1, 2)};
  const index_t span_h = p.dilation.h * (p.kernel.h - 1) + 1;
  const index_t span_w = p.dilation.w * (p.kernel.w - 1) + 1;
  p.padding = {pick(0, span_h - 1), pick(0, span_w - 1)};
  if (rng() % 2 == 0) p.padding_end = poolkit::hw{pick(0, span_h - 1), pick(0, span_w - 1)};
  p.ceil_mode = rng() % 2 == 0;
  p.count_include_pad = rng() % 2 == 0;
  if (rng() % 5 == 0) p.divisor_override = pick(1, 9);
  return p;
}

template <class T>
T special_or(std::mt19937_64& rng, T value) {
  switch (rng() % 64) {
    case 0: return std::numeric_limits<T>::quiet_NaN();
    case 1: return std::numeric_limits<T>::infinity();
    case 2: return -std::numeric_limits<T>::infinity();
    case 3: return T(0);
    case 4: return -T(0);
    default: return value;
  }
}

template <class T>
void run(kind k, poolkit::nchw_view<const T> x, poolkit::nchw_view<T> y,
         const poolkit::pool2d_params& p, const poolkit::policy& pol) {
  switch (k) {
    case kind::max: return poolkit::max_pool2d(x, y, p, pol);
    case kind::min: return poolkit::min_pool2d(x, y, p, pol);
    case kind::sum: return poolkit::sum_pool2d(x, y, p, pol);
    case kind::avg: return poolkit::avg_pool2d(x, y, p, pol);
  }
}

template <class T>
void run_adaptive(kind k, poolkit::nchw_view<const T> x, poolkit::nchw_view<T> y,
                  const poolkit::policy& pol) {
  switch (k) {
    case kind::max: return poolkit::adaptive_pool2d(x, y, poolkit::reduce::max<T>{}, pol);
    case kind::min: return poolkit::adaptive_pool2d(x, y, poolkit::reduce::min<T>{}, pol);
    case kind::sum: return poolkit::adaptive_pool2d(x, y, poolkit::reduce::sum<T>{}, pol);
    case kind::avg: return poolkit::adaptive_avg_pool2d(x, y, pol);
  }
}

const char* name_of(kind k) {
  constexpr const char* names[] = {"max", "min", "sum", "avg"};
  return names[static_cast<int>(k)];
}

std::string describe(const poolkit::pool2d_params& p) {
  const poolkit::hw stride = p.effective_stride(), pad_end = p.effective_padding_end();
  std::ostringstream s;
  s << "kernel {" << p.kernel.h << "," << p.kernel.w << "} stride {" << stride.h << "," << stride.w
    << "} dilation {" << p.dilation.h << "," << p.dilation.w << "} pad {" << p.padding.h << ","
    << p.padding.w << "}-{" << pad_end.h << "," << pad_end.w << "} ceil " << p.ceil_mode
    << " include_pad " << p.count_include_pad << " divisor " << p.divisor_override.value_or(0);
  return s.str();
}

std::string describe_layout(const std::array<int, 4>& order, const std::array<index_t, 4>& pad) {
  return "order {" + std::to_string(order[0]) + std::to_string(order[1]) +
         std::to_string(order[2]) + std::to_string(order[3]) + "} pad {" + std::to_string(pad[0]) +
         "," + std::to_string(pad[1]) + "," + std::to_string(pad[2]) + "," +
         std::to_string(pad[3]) + "}";
}

class ChannelsLast : public ::testing::TestWithParam<instruction_set> {
 protected:
  /// One case: x (extents `in`, a channels-last layout) pooled by `pool` into an output
  /// of extents `out` on the instruction set under test, compared with the scalar path
  /// on an NCHW copy and with the reference `expected(x, n, c, oh, ow)` when the input
  /// holds no NaN.
  template <class T, class Pool, class Expected>
  void check(std::mt19937_64& rng, const poolkit::extents4& in, const poolkit::extents4& out,
             const std::string& what, Pool&& pool, Expected&& expected) {
    constexpr T sentinel = T(-12345.5);
    std::array<index_t, 4> in_pad{}, in_offset{}, out_pad{}, out_offset{};
    std::array<int, 4> in_order{}, out_order{};
    channels_last_layout(rng, in_pad, in_offset, in_order);
    if (nchw_inputs_) in_order = {0, 1, 2, 3};
    any_layout(rng, out_pad, out_offset, out_order);
    test::embedded<T> x(in, in_pad, in_offset, in_order, sentinel);
    std::uniform_real_distribution<T> value(-10, 10);
    const bool specials = rng() % 4 == 0;
    // Now and then only signed zeros, sometimes all -0: sums whose partials start from
    // their first element must still give the +0 of an order that starts from +0.
    const int zeros = static_cast<int>(rng() % 16);
    bool has_nan = false;
    test::fill(x.view, [&] {
      if (zeros == 0) return -T(0);
      if (zeros == 1) return rng() % 8 == 0 ? T(0) : -T(0);
      const T v = specials ? special_or(rng, value(rng)) : value(rng);
      has_nan = has_nan || v != v;
      return v;
    });
    poolkit::tensor<T> nchw(in);
    for (index_t n = 0; n < in[0]; ++n)
      for (index_t c = 0; c < in[1]; ++c)
        for (index_t h = 0; h < in[2]; ++h)
          for (index_t w = 0; w < in[3]; ++w) nchw(n, c, h, w) = x.view(n, c, h, w);

    test::embedded<T> y(out, out_pad, out_offset, out_order, sentinel);
    const int threads = 1 + static_cast<int>(rng() % 3);
    pool(poolkit::nchw_view<const T>(x.view), y.view,
         poolkit::policy{.isa = GetParam(), .threads = threads});
    poolkit::tensor<T> scalar(out);
    pool(poolkit::nchw_view<const T>(nchw.view()), scalar.view(),
         poolkit::policy{.isa = instruction_set::scalar, .threads = 1});

    const std::string context =
        what + " input " + poolkit::detail::to_text(in) + " " + describe_layout(in_order, in_pad) +
        " output " + describe_layout(out_order, out_pad) + " threads " + std::to_string(threads) +
        " isa " + std::string(poolkit::name_of(GetParam()));
    int failures = 0;
    for (index_t n = 0; n < out[0]; ++n)
      for (index_t c = 0; c < out[1]; ++c)
        for (index_t oh = 0; oh < out[2]; ++oh)
          for (index_t ow = 0; ow < out[3]; ++ow) {
            const T got = y.view(n, c, oh, ow);
            bool ok = test::same_value(got, scalar(n, c, oh, ow));
            if (!has_nan) ok = ok && test::same_value(got, expected(x.view, n, c, oh, ow));
            if (!ok && ++failures <= 3)
              ADD_FAILURE() << context << " at (" << n << "," << c << "," << oh << "," << ow
                            << "): got " << got << ", scalar path on NCHW " << scalar(n, c, oh, ow);
          }
    EXPECT_TRUE(y.outside_untouched(sentinel)) << context;
  }

  /// Inputs in NCHW order (embedded or not) instead of channels-last.
  bool nchw_inputs_ = false;
  /// regular_suite draws 2 x 2 stride-2 windows over planes 1-34 wide.
  bool two_by_two_ = false;

  /// Extents with channel counts around whole vectors and four-vector blocks.
  static poolkit::extents4 draw_input(std::mt19937_64& rng, index_t max_side) {
    constexpr index_t channel_counts[] = {1,  2,  3,  5,  7,  8,  9,  15, 16, 17,
                                          31, 32, 33, 48, 63, 64, 65, 66, 70};
    const index_t c = channel_counts[rng() % std::size(channel_counts)];
    return {1 + static_cast<index_t>(rng() % 2), c,
            1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(max_side)),
            1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(max_side))};
  }

  template <class T>
  void regular_suite(std::uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    for (int i = 0; i < count && !HasFailure(); ++i) {
      poolkit::extents4 in = draw_input(rng, 14);
      poolkit::pool2d_params p = random_window(rng);
      if (two_by_two_) {
        // 2 x 2 stride-2 windows on planes up to two vectors wide: output rows narrower
        // than half a vector run two to a vector (kernel/regular-inl.hpp, paired_strip).
        in[3] = 1 + static_cast<index_t>(rng() % 34);
        p = {.kernel = {2, 2}, .stride = poolkit::hw{2, 2}};
        p.padding = {static_cast<index_t>(rng() % 2), static_cast<index_t>(rng() % 2)};
        if (rng() % 2 == 0)
          p.padding_end =
              poolkit::hw{static_cast<index_t>(rng() % 2), static_cast<index_t>(rng() % 2)};
        p.ceil_mode = rng() % 2 == 0;
        p.count_include_pad = rng() % 2 == 0;
        if (rng() % 4 == 0) p.divisor_override = 1 + static_cast<index_t>(rng() % 5);
      } else if (rng() % 3 == 0) {  // windows whose divisors are powers of two
        const index_t k = rng() % 2 == 0 ? 2 : 4;
        p = {.kernel = {k, rng() % 2 == 0 ? k : index_t{1}}, .stride = poolkit::hw{k, k}};
        if (rng() % 4 == 0) p.divisor_override = index_t{1} << (rng() % 4);
      }
      const auto extents = poolkit::try_pool2d_output_extents(in, p);
      if (!extents) continue;  // no output for this window on this input
      const poolkit::extents4 out = extents.value();
      const ref::params rp = ref::from(p);
      for (kind k : {kind::max, kind::min, kind::sum, kind::avg}) {
        const ref::op o = static_cast<ref::op>(static_cast<int>(k));
        ref::params rk = rp;
        if (k != kind::avg) rk.divisor_override.reset();
        check<T>(
            rng, in, out, std::string(name_of(k)) + "_pool2d " + describe(p),
            [&](auto x, auto y, const poolkit::policy& pol) { run<T>(k, x, y, p, pol); },
            [&](const poolkit::nchw_view<T>& x, index_t n, index_t c, index_t oh, index_t ow) {
              const auto plane = [&](index_t h, index_t w) { return x(n, c, h, w); };
              return ref::pool_one<T>(plane, in[2], in[3], oh, ow, rk, o).value;
            });
      }
    }
  }

  template <class T>
  void adaptive_suite(std::uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    for (int i = 0; i < count && !HasFailure(); ++i) {
      const poolkit::extents4 in = draw_input(rng, 16);
      // Uneven bins, even bins (run as regular windows) and 1 x 1 (global pooling).
      const index_t oh = rng() % 3 == 0 ? 1 : 1 + static_cast<index_t>(rng() % 9);
      const index_t ow = oh == 1 && rng() % 2 == 0 ? 1 : 1 + static_cast<index_t>(rng() % 9);
      const poolkit::extents4 out{in[0], in[1], oh, ow};
      const bool global = oh == 1 && ow == 1;
      for (kind k : {kind::max, kind::min, kind::sum, kind::avg}) {
        const ref::op o = static_cast<ref::op>(static_cast<int>(k));
        check<T>(
            rng, in, out, std::string("adaptive ") + name_of(k),
            [&](auto x, auto y, const poolkit::policy& pol) { run_adaptive<T>(k, x, y, pol); },
            [&](const poolkit::nchw_view<T>& x, index_t n, index_t c, index_t h, index_t w) {
              const auto plane = [&](index_t a, index_t b) { return x(n, c, a, b); };
              if (global && (k == kind::sum || k == kind::avg)) {
                // A global sum is summed in its own order (SPEC section 3).
                std::vector<T> values;
                for (index_t a = 0; a < in[2]; ++a)
                  for (index_t b = 0; b < in[3]; ++b) values.push_back(plane(a, b));
                const T sum = ref::canonical_global_sum(values);
                return k == kind::sum ? sum : sum / static_cast<T>(in[2] * in[3]);
              }
              return ref::adaptive_one<T>(plane, in[2], in[3], oh, ow, h, w, o).value;
            });
      }
    }
  }
};

// max/min_pool2d_with_indices of channels-last inputs (the channels in the lanes,
// kernel/channels_last-inl.hpp: select_pixels) against the naive reference: values and
// per-plane indices, ties (few distinct values), NaN, infinities and windows in padding
// included; outputs in any layout, surroundings untouched.
TEST_P(ChannelsLast, SelectionWithIndicesMatchesTheReference) {
  std::mt19937_64 rng(31);
  constexpr float sentinel = -12345.5f;
  for (int i = 0; i < 300 && !HasFailure(); ++i) {
    const poolkit::extents4 in = draw_input(rng, 12);
    const poolkit::pool2d_params p = random_window(rng);
    const auto extents = poolkit::try_pool2d_output_extents(in, p);
    if (!extents) continue;
    const poolkit::extents4 out = extents.value();
    std::array<index_t, 4> pad{}, offset{}, y_pad{}, y_offset{}, i_pad{}, i_offset{};
    std::array<int, 4> order{}, y_order{}, i_order{};
    channels_last_layout(rng, pad, offset, order);
    any_layout(rng, y_pad, y_offset, y_order);
    any_layout(rng, i_pad, i_offset, i_order);
    test::embedded<float> x(in, pad, offset, order, sentinel);
    const bool ties = rng() % 3 == 0;
    std::uniform_real_distribution<float> value(-10, 10);
    test::fill(x.view, [&] {
      const float v = ties ? static_cast<float>(rng() % 3) : value(rng);
      return rng() % 4 == 0 ? special_or(rng, v) : v;
    });
    test::embedded<float> y(out, y_pad, y_offset, y_order, sentinel);
    test::embedded<index_t> idx(out, i_pad, i_offset, i_order, index_t{-777});
    const bool max = rng() % 2 == 0;
    const int threads = 1 + static_cast<int>(rng() % 3);
    const poolkit::policy pol{.isa = GetParam(), .threads = threads};
    const poolkit::nchw_view<const float> xv(x.view);
    if (max)
      poolkit::max_pool2d_with_indices(xv, y.view, idx.view, p, pol);
    else
      poolkit::min_pool2d_with_indices(xv, y.view, idx.view, p, pol);
    const std::string context = std::string(max ? "max" : "min") + "_pool2d_with_indices " +
                                describe(p) + " input " + poolkit::detail::to_text(in) + " " +
                                describe_layout(order, pad) + " threads " + std::to_string(threads);
    const ref::params rp = ref::from(p);
    int failures = 0;
    for (index_t n = 0; n < out[0]; ++n)
      for (index_t c = 0; c < out[1]; ++c)
        for (index_t oh = 0; oh < out[2]; ++oh)
          for (index_t ow = 0; ow < out[3]; ++ow) {
            const auto plane = [&](index_t h, index_t w) { return x.view(n, c, h, w); };
            const auto want = ref::pool_one<float>(plane, in[2], in[3], oh, ow, rp,
                                                   max ? ref::op::max : ref::op::min);
            const bool ok = test::same_value(y.view(n, c, oh, ow), want.value) &&
                            idx.view(n, c, oh, ow) == want.index;
            if (!ok && ++failures <= 3)
              ADD_FAILURE() << context << " at (" << n << "," << c << "," << oh << "," << ow
                            << "): got " << y.view(n, c, oh, ow) << " at " << idx.view(n, c, oh, ow)
                            << ", reference " << want.value << " at " << want.index;
          }
    EXPECT_TRUE(y.outside_untouched(sentinel)) << context;
    EXPECT_TRUE(idx.outside_untouched(index_t{-777})) << context;
  }
}

TEST_P(ChannelsLast, RegularPoolingMatchesTheScalarPathOnAnNchwCopyBitForBit) {
  regular_suite<float>(17, 400);
  regular_suite<double>(18, 100);
}

TEST_P(ChannelsLast, AdaptiveAndGlobalPoolingMatchTheScalarPathOnAnNchwCopyBitForBit) {
  adaptive_suite<float>(19, 300);
  adaptive_suite<double>(20, 80);
}

TEST_P(ChannelsLast, NchwInputsWithManySmallPlanesMatchTheScalarPathBitForBit) {
  nchw_inputs_ = true;
  regular_suite<float>(21, 150);
  regular_suite<double>(22, 40);
  adaptive_suite<float>(23, 200);
  adaptive_suite<double>(24, 60);
}

TEST_P(ChannelsLast, NarrowPlanesUnderTwoByTwoWindowsMatchTheScalarPathBitForBit) {
  nchw_inputs_ = true;
  two_by_two_ = true;
  regular_suite<float>(25, 150);
  regular_suite<double>(26, 60);
}

// Inputs beyond kernel::beyond_caches (32 MiB) take the paths that prefetch ahead (NCHW
// rows, channels-last pixels): the same bits as the scalar path on an NCHW copy, on
// both layouts, with threads.
TEST_P(ChannelsLast, InputsBeyondTheCachesMatchTheScalarPathBitForBit) {
  const poolkit::extents4 in{9, 64, 128, 128};  // 37.7 MB of floats
  ASSERT_TRUE(poolkit::kernel::beyond_caches(in[0] * in[1] * in[2] * in[3] *
                                             static_cast<index_t>(sizeof(float))));
  std::mt19937_64 rng(27);
  std::uniform_real_distribution<float> value(-10, 10);
  poolkit::tensor<float> nchw(in);
  test::fill(nchw.view(), [&] { return value(rng); });
  // The same logical tensor stored channels-last.
  std::vector<float> storage(static_cast<std::size_t>(nchw.size()));
  const poolkit::extents4 cl_strides{in[1] * in[2] * in[3], 1, in[3] * in[1], in[1]};
  const poolkit::nchw_view<float> channels_last(storage.data(), in, cl_strides);
  for (index_t n = 0; n < in[0]; ++n)
    for (index_t c = 0; c < in[1]; ++c)
      for (index_t h = 0; h < in[2]; ++h)
        for (index_t w = 0; w < in[3]; ++w) channels_last(n, c, h, w) = nchw(n, c, h, w);
  const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = poolkit::hw{2, 2}, .padding = {1, 1}};
  const poolkit::policy scalar{.isa = instruction_set::scalar, .threads = 1};
  const poolkit::policy tested{.isa = GetParam(), .threads = 2};
  const auto want_max = poolkit::max_pool2d(nchw, p, scalar);
  const auto want_avg = poolkit::avg_pool2d(nchw, p, scalar);
  const auto input = [](const auto& v) { return poolkit::nchw_view<const float>(v); };
  for (const bool cl : {false, true}) {
    const poolkit::nchw_view<const float> x = cl ? input(channels_last) : input(nchw.view());
    const auto got_max = poolkit::max_pool2d(x, p, tested);
    const auto got_avg = poolkit::avg_pool2d(x, p, tested);
    index_t mismatches = 0;
    for (index_t i = 0; i < want_max.size(); ++i) {
      mismatches += !test::same_value(got_max.data_handle()[i], want_max.data_handle()[i]);
      mismatches += !test::same_value(got_avg.data_handle()[i], want_avg.data_handle()[i]);
    }
    EXPECT_EQ(mismatches, 0) << (cl ? "channels-last" : "NCHW") << " input "
                             << poolkit::detail::to_text(in) << ", max and avg 3x3 s2 p1, isa "
                             << poolkit::name_of(GetParam());
  }
}

INSTANTIATE_TEST_SUITE_P(EveryInstructionSet, ChannelsLast,
                         ::testing::ValuesIn(poolkit::available_instruction_sets()),
                         [](const auto& param_info) {
                           return std::string(poolkit::name_of(param_info.param));
                         });

}  // namespace
