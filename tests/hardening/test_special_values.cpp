// Inputs from the wild: NaN, infinities, denormals, -0.0 and huge magnitudes mixed into
// ordinary data, in every operation.
//  - Operations with a naive reference (regular max/min/sum/avg with and without indices,
//    adaptive, global, fractional max, Lp/L2/power-average) are checked against it: bit for
//    bit where SPEC fixes the order of operations (so no flush-to-zero, no reordered sums,
//    NaN propagation and signed zeros as written), within SPEC's 1e-5 for the power family.
//  - Every operation of the catalogue must give the scalar path's bits on every
//    instruction set and thread count (SPEC section 8), special values included.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "catalogue.hpp"
#include "reference_params.hpp"
#include "test_support.hpp"

namespace {

using poolkit::extents4;
using poolkit::index_t;

/// The values users feed by accident: every IEEE special class, at both signs.
template <class T>
std::vector<T> wild_values() {
  using lim = std::numeric_limits<T>;
  return {lim::quiet_NaN(),
          -lim::quiet_NaN(),
          lim::infinity(),
          -lim::infinity(),
          T(0),
          -T(0),
          lim::denorm_min(),
          -lim::denorm_min(),
          lim::min() / T(3),
          -lim::min() / T(7),
          lim::min(),
          lim::max(),
          lim::lowest(),
          lim::max() / T(2),
          T(1e30),
          -T(1e30),
          lim::epsilon(),
          T(1),
          T(-2.5)};
}

/// A tensor where about a third of the elements are wild, the rest small integers / 4
/// (ties included).
template <class T>
poolkit::tensor<T> wild_tensor(std::mt19937_64& rng, const extents4& e) {
  const auto wild = wild_values<T>();
  poolkit::tensor<T> x(e);
  for (T& v : x.values())
    v = rng() % 3 == 0 ? wild[rng() % wild.size()]
                       : static_cast<T>(static_cast<int>(rng() % 17) - 8) / T(4);
  return x;
}

template <class T>
void check_against_reference(std::mt19937_64& rng, poolkit::instruction_set isa) {
  const extents4 in{1, 2, 1 + static_cast<index_t>(rng() % 9),
                    1 + static_cast<index_t>(rng() % 21)};
  const auto x = wild_tensor<T>(rng, in);
  poolkit::pool2d_params p = test::random_small_window(rng);
  p.count_include_pad = rng() % 2 == 0;
  const ref::params r = ref::from(p);
  if (ref::output_size(in[2], r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode) < 1 ||
      ref::output_size(in[3], r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode) < 1)
    return;  // the input is smaller than the window: an error, tested elsewhere
  const extents4 out = poolkit::pool2d_output_extents(in, p);
  const poolkit::policy pol{.isa = isa, .threads = 1 + static_cast<int>(rng() % 2)};
  const std::string where = std::string(poolkit::name_of(isa)) + " " + std::to_string(in[2]) + "x" +
                            std::to_string(in[3]);

  const auto mx = poolkit::max_pool2d_with_indices(x, p, pol);
  const auto mn = poolkit::min_pool2d_with_indices(x, p, pol);
  const auto sm = poolkit::sum_pool2d(x, p, pol);
  const auto av = poolkit::avg_pool2d(x, p, pol);
  const auto mx_plain = poolkit::max_pool2d(x, p, pol);
  const auto l2 = poolkit::l2_pool2d(x, p, pol);
  const auto l3 = poolkit::lp_pool2d(x, 3.0, p, pol);
  const auto pa = poolkit::power_avg_pool2d(x, 2.0, p, pol);
  const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (index_t c = 0; c < in[1]; ++c) {
    const auto plane = [&](index_t h, index_t w) { return x(0, c, h, w); };
    for (index_t oh = 0; oh < out[2]; ++oh)
      for (index_t ow = 0; ow < out[3]; ++ow) {
        const auto wmax = ref::pool_one<T>(plane, in[2], in[3], oh, ow, r, ref::op::max);
        const auto wmin = ref::pool_one<T>(plane, in[2], in[3], oh, ow, r, ref::op::min);
        ASSERT_TRUE(test::same_value(mx.values(0, c, oh, ow), wmax.value)) << where;
        ASSERT_TRUE(test::same_value(mx_plain(0, c, oh, ow), wmax.value)) << where;
        ASSERT_EQ(mx.indices(0, c, oh, ow), wmax.index) << where;
        ASSERT_TRUE(test::same_value(mn.values(0, c, oh, ow), wmin.value)) << where;
        ASSERT_EQ(mn.indices(0, c, oh, ow), wmin.index) << where;
        ASSERT_TRUE(test::same_value(
            sm(0, c, oh, ow), ref::pool_one<T>(plane, in[2], in[3], oh, ow, r, ref::op::sum).value))
            << where << " sum";
        ASSERT_TRUE(test::same_value(
            av(0, c, oh, ow), ref::pool_one<T>(plane, in[2], in[3], oh, ow, r, ref::op::avg).value))
            << where << " avg";
        const struct {
          const poolkit::tensor<T>& got;
          long double power;
          bool average;
        } family[] = {{l2, 2, false}, {l3, 3, false}, {pa, 2, true}};
        for (const auto& f : family) {
          const long double want =
              ref::power_one<T>(plane, in[2], in[3], oh, ow, r, f.power, f.average);
          const T got = f.got(0, c, oh, ow);
          const T want_t = static_cast<T>(want);
          if (std::isnan(want_t) || std::isinf(want_t)) {
            ASSERT_TRUE(test::same_value(got, want_t))
                << where << " power " << static_cast<double>(f.power);
            continue;
          }
          const long double error = std::fabs(static_cast<long double>(got) - want);
          ASSERT_LE(error, static_cast<long double>(tolerance) * want +
                               4 * static_cast<long double>(std::numeric_limits<T>::denorm_min()))
              << where << " power " << static_cast<double>(f.power) << " got " << got << " want "
              << static_cast<double>(want);
        }
      }
  }

  // Adaptive (an output both below and above the input's size) and global.
  const poolkit::hw size{1 + static_cast<index_t>(rng() % 5), 1 + static_cast<index_t>(rng() % 7)};
  const auto amax = poolkit::adaptive_max_pool2d_with_indices(x, size, pol);
  const auto amin = poolkit::adaptive_min_pool2d(x, size, pol);
  const auto asum = poolkit::adaptive_sum_pool2d(x, size, pol);
  const auto aavg = poolkit::adaptive_avg_pool2d(x, size, pol);
  const auto gmax = poolkit::global_max_pool2d(x, pol);
  const auto gavg = poolkit::global_avg_pool2d(x, pol);
  for (index_t c = 0; c < in[1]; ++c) {
    const auto plane = [&](index_t h, index_t w) { return x(0, c, h, w); };
    for (index_t oh = 0; oh < size.h; ++oh)
      for (index_t ow = 0; ow < size.w; ++ow) {
        const auto one = [&](ref::op o) {
          return ref::adaptive_one<T>(plane, in[2], in[3], size.h, size.w, oh, ow, o);
        };
        ASSERT_TRUE(test::same_value(amax.values(0, c, oh, ow), one(ref::op::max).value)) << where;
        ASSERT_EQ(amax.indices(0, c, oh, ow), one(ref::op::max).index) << where;
        ASSERT_TRUE(test::same_value(amin(0, c, oh, ow), one(ref::op::min).value)) << where;
        if (size == poolkit::hw{1, 1}) continue;  // the global order, below
        ASSERT_TRUE(test::same_value(asum(0, c, oh, ow), one(ref::op::sum).value)) << where;
        ASSERT_TRUE(test::same_value(aavg(0, c, oh, ow), one(ref::op::avg).value)) << where;
      }
    std::vector<T> all;
    for (index_t h = 0; h < in[2]; ++h)
      for (index_t w = 0; w < in[3]; ++w) all.push_back(plane(h, w));
    const T sum = ref::canonical_global_sum(all);
    const T avg = sum / static_cast<T>(in[2] * in[3]);
    ASSERT_TRUE(
        test::same_value(gmax(0, c, 0, 0),
                         ref::adaptive_one<T>(plane, in[2], in[3], 1, 1, 0, 0, ref::op::max).value))
        << where;
    ASSERT_TRUE(test::same_value(gavg(0, c, 0, 0), avg)) << where << " global avg";
    if (size == poolkit::hw{1, 1}) {
      ASSERT_TRUE(test::same_value(asum(0, c, 0, 0), sum)) << where;
      ASSERT_TRUE(test::same_value(aavg(0, c, 0, 0), avg)) << where;
    }
  }

  // Fractional max, PyTorch form.
  const auto fp = catalogue::fractional_window(in);
  const auto u = poolkit::fractional_samples<T>(1, in[1], rng());
  const auto fr = poolkit::fractional_max_pool2d(x, fp, u, pol);
  for (index_t c = 0; c < in[1]; ++c) {
    const auto plane = [&](index_t h, index_t w) { return x(0, c, h, w); };
    const auto rows =
        ref::fractional_starts<T>(u(0, c, 0, 1), in[2], fp.output_size.h, fp.kernel.h);
    const auto cols =
        ref::fractional_starts<T>(u(0, c, 0, 0), in[3], fp.output_size.w, fp.kernel.w);
    for (index_t oh = 0; oh < fp.output_size.h; ++oh)
      for (index_t ow = 0; ow < fp.output_size.w; ++ow) {
        const auto want = ref::window_one<T>(
            plane, in[2], in[3], rows[static_cast<std::size_t>(oh)],
            cols[static_cast<std::size_t>(ow)], fp.kernel.h, fp.kernel.w, ref::op::max);
        ASSERT_TRUE(test::same_value(fr.values(0, c, oh, ow), want.value)) << where;
        ASSERT_EQ(fr.indices(0, c, oh, ow), want.index) << where;
      }
  }
}

template <class T>
void reference_suite() {
  std::mt19937_64 rng(std::is_same_v<T, float> ? 31 : 32);
  for (poolkit::instruction_set isa : poolkit::available_instruction_sets())
    for (int i = 0; i < 150; ++i) {
      check_against_reference<T>(rng, isa);
      if (testing::Test::HasFatalFailure()) return;
    }
}

TEST(SpecialValues, ReferenceOperationsFloat) { reference_suite<float>(); }
TEST(SpecialValues, ReferenceOperationsDouble) { reference_suite<double>(); }

// Every operation: the scalar path's bits on every instruction set and thread count.
template <class T>
void catalogue_suite() {
  std::mt19937_64 rng(std::is_same_v<T, float> ? 41 : 42);
  const auto ops = catalogue::all_operations<T>();
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  for (int trial = 0; trial < 12; ++trial) {
    const extents4 in{1 + static_cast<index_t>(rng() % 2), 1 + static_cast<index_t>(rng() % 3),
                      1 + static_cast<index_t>(rng() % 12), 1 + static_cast<index_t>(rng() % 40)};
    const auto x = wild_tensor<T>(rng, in);
    for (const auto& op : ops) {
      const auto want = op.fresh(x, scalar);
      for (poolkit::instruction_set isa : poolkit::available_instruction_sets())
        for (int threads : {1, 3}) {
          const auto got = op.fresh(x, {.isa = isa, .threads = threads});
          ASSERT_EQ(want.values.extents(), got.values.extents()) << op.name;
          for (index_t i = 0; i < want.values.size(); ++i)
            ASSERT_TRUE(test::same_value(want.values.data_handle()[i], got.values.data_handle()[i]))
                << op.name << " on " << poolkit::name_of(isa) << " threads " << threads
                << " element " << i << ": " << got.values.data_handle()[i] << " vs scalar "
                << want.values.data_handle()[i];
          ASSERT_EQ(test::values_of(want.indices), test::values_of(got.indices)) << op.name;
        }
    }
  }
}

TEST(SpecialValues, EveryOperationSameBitsOnEveryIsaFloat) { catalogue_suite<float>(); }
TEST(SpecialValues, EveryOperationSameBitsOnEveryIsaDouble) { catalogue_suite<double>(); }

// An empty batch (N or C of 0) is valid for every operation and gives an empty result of
// the same N (the fractional into-form refused C = 0: its stride-0 tensor looked aliased).
TEST(SpecialValues, EmptyBatchesEverywhere) {
  const auto ops = catalogue::all_operations<float>();
  for (const extents4& e : {extents4{0, 2, 5, 7}, extents4{3, 0, 5, 7}}) {
    const poolkit::tensor<float> x(e);
    for (const auto& op : ops) {
      const auto r = op.fresh(x.view(), {});
      EXPECT_EQ(r.values.size(), 0) << op.name;
      EXPECT_EQ(r.values.extent(0), e[0]) << op.name;
      if (op.into) {
        poolkit::tensor<float> y(r.values.extents());
        poolkit::tensor<index_t> i(r.indices.extents());
        EXPECT_NO_THROW(op.into(x.view(), y.view(), i.view(), {})) << op.name;
      }
    }
  }
}

// Spot checks of SPEC rules that random mixing might dilute.
TEST(SpecialValues, SpecRulesSpelledOut) {
  using lim = std::numeric_limits<float>;
  const float d = lim::denorm_min();
  // Denormals are kept (no flush to zero), in sums and in max.
  const auto x = test::make_tensor<float>({1, 1, 1, 4}, {d, d, -0.0f, -0.0f});
  for (poolkit::instruction_set isa : poolkit::available_instruction_sets()) {
    const poolkit::policy pol{.isa = isa, .threads = 1};
    const auto s = poolkit::sum_pool2d(x, {.kernel = {1, 2}}, pol);
    EXPECT_EQ(s(0, 0, 0, 0), 2 * d) << poolkit::name_of(isa);
    // The sum starts from +0: (+0) + (-0) + (-0) = +0, as PyTorch's accumulator.
    EXPECT_FALSE(std::signbit(s(0, 0, 0, 1))) << poolkit::name_of(isa);
    const auto m = poolkit::max_pool2d(x, {.kernel = {1, 2}}, pol);
    EXPECT_EQ(m(0, 0, 0, 0), d);
    // max of {-0, -0} is -0: a tap's own value, not the identity.
    EXPECT_TRUE(std::signbit(m(0, 0, 0, 1))) << poolkit::name_of(isa);
    // Huge magnitudes overflow to inf in a float sum, and +inf + -inf is NaN.
    const auto h = test::make_tensor<float>(
        {1, 1, 1, 4}, {lim::max(), lim::max(), lim::infinity(), -lim::infinity()});
    const auto hs = poolkit::sum_pool2d(h, {.kernel = {1, 2}}, pol);
    EXPECT_EQ(hs(0, 0, 0, 0), lim::infinity());
    EXPECT_TRUE(std::isnan(hs(0, 0, 0, 1)));
    // L2 of huge values does not overflow while the true result fits: scaled by max|x|.
    const auto big = test::make_tensor<float>({1, 1, 1, 2}, {1e30f, 1e30f});
    EXPECT_NEAR(poolkit::l2_pool2d(big, {.kernel = {1, 2}}, pol)(0, 0, 0, 0) / 1.41421356e30f, 1.0f,
                1e-6f);
    // ... nor underflow on denormals.
    const auto tiny = test::make_tensor<float>({1, 1, 1, 2}, {lim::min() / 4, lim::min() / 4});
    // sqrt(2) * 2^-128, a denormal with 21 significant bits: within 1e-5 of it, so neither
    // 0 (underflow) nor infinity passes.
    const float tiny_l2 = poolkit::l2_pool2d(tiny, {.kernel = {1, 2}}, pol)(0, 0, 0, 0);
    const double tiny_want = 1.4142135623730951 * static_cast<double>(lim::min() / 4);
    EXPECT_NEAR(static_cast<double>(tiny_l2) / tiny_want, 1.0, 1e-5)
        << poolkit::name_of(isa) << ": " << tiny_l2;
  }
}

}  // namespace
