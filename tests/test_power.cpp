// The power family (l2_pool2d, lp_pool2d, power_avg_pool2d): the seed values, a
// long-double reference over random configurations and magnitudes, extreme inputs,
// cross-ISA and thread agreement, and bad p.
#include "reference.hpp"
#include "test_support.hpp"

#include <limits>
#include <random>

namespace {

using poolkit::index_t;
using test::make_tensor;

std::vector<float> one_to_sixteen() {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<std::size_t>(i)] = float(i + 1);
  return v;
}

void expect_values(const poolkit::tensor<float>& y, const std::vector<double>& expected,
                   double rel) {
  ASSERT_EQ(static_cast<std::size_t>(y.size()), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(y.values()[i], expected[i], rel * std::abs(expected[i])) << "element " << i;
}

TEST(PowerSeed, ArticleValuesOnTheFourByFourInput) {
  const auto x = make_tensor<float>({1, 1, 4, 4}, one_to_sixteen());
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  // SPEC section 2 seed check.
  expect_values(poolkit::l2_pool2d(x, p), {8.1240384, 11.74734012, 23.36664289, 27.31300057}, 2e-7);
  expect_values(poolkit::lp_pool2d(x, 3.0, p), {7.04729873, 9.81665916, 18.82385684, 21.91843072},
                2e-7);
  expect_values(poolkit::power_avg_pool2d(x, 3.0, p),
                {4.43952001, 6.18410776, 11.85828674, 13.80774612}, 2e-7);
  // p = 1 is the sum of |x| (exact) and the mean of |x|; p = inf the max.
  expect_values(poolkit::lp_pool2d(x, 1.0, p), {14, 22, 46, 54}, 0);
  expect_values(poolkit::power_avg_pool2d(x, 1.0, p), {3.5, 5.5, 11.5, 13.5}, 0);
  const double inf = std::numeric_limits<double>::infinity();
  expect_values(poolkit::lp_pool2d(x, inf, p), {6, 8, 14, 16}, 0);
  expect_values(poolkit::power_avg_pool2d(x, inf, p), {6, 8, 14, 16}, 0);
}

TEST(PowerSeed, LpUsesMagnitudes) {
  // Negative taps count by |x| (SPEC, ONNX); PyTorch's x^p would give a negative sum.
  const auto x = make_tensor<float>({1, 1, 1, 2}, {-3.0f, 4.0f});
  expect_values(poolkit::l2_pool2d(x, {.kernel = {1, 2}}), {5.0}, 1e-7);
  expect_values(poolkit::lp_pool2d(x, 3.0, {.kernel = {1, 2}}), {std::cbrt(91.0)}, 2e-7);
}

template <class T>
struct magnitude_case {
  const char* name;
  T scale;
};

/// Random regular configurations, every p of interest and every magnitude, against the
/// long-double reference; every instruction set and thread count against the scalar path.
template <class T>
void random_power_suite(std::uint64_t seed, int count, double tolerance) {
  std::mt19937_64 rng(seed);
  const double inf = std::numeric_limits<double>::infinity();
  const double powers[] = {0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5, 16.0, 33.0, 64.0, inf};
  const T scales[] = {T(1), T(1e-30), T(1e30), std::numeric_limits<T>::denorm_min() * T(64),
                      std::numeric_limits<T>::max() / T(64)};
  const auto isas = poolkit::available_instruction_sets();
  auto pick = [&](index_t lo, index_t hi) {
    return lo + static_cast<index_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  int tested = 0;
  while (tested < count) {
    ref::params rp;
    rp.kh = pick(1, 4), rp.kw = pick(1, 4), rp.sh = pick(1, 3), rp.sw = pick(1, 3);
    rp.dh = pick(1, 2), rp.dw = pick(1, 2);
    rp.pbh = pick(0, rp.dh * (rp.kh - 1)), rp.pbw = pick(0, rp.dw * (rp.kw - 1));
    rp.peh = pick(0, rp.dh * (rp.kh - 1)), rp.pew = pick(0, rp.dw * (rp.kw - 1));
    rp.ceil_mode = rng() % 2 == 0;
    rp.count_include_pad = rng() % 2 == 0;
    if (rng() % 6 == 0) rp.divisor_override = pick(1, 9);
    const index_t H = pick(1, 11), W = pick(1, 21);
    const index_t OH = ref::output_size(H, rp.kh, rp.sh, rp.dh, rp.pbh, rp.peh, rp.ceil_mode);
    const index_t OW = ref::output_size(W, rp.kw, rp.sw, rp.dw, rp.pbw, rp.pew, rp.ceil_mode);
    if (OH < 1 || OW < 1) continue;
    ++tested;
    const poolkit::pool2d_params p{.kernel = {rp.kh, rp.kw},
                                   .stride = poolkit::hw{rp.sh, rp.sw},
                                   .padding = {rp.pbh, rp.pbw},
                                   .padding_end = poolkit::hw{rp.peh, rp.pew},
                                   .dilation = {rp.dh, rp.dw},
                                   .ceil_mode = rp.ceil_mode,
                                   .count_include_pad = rp.count_include_pad,
                                   .divisor_override = rp.divisor_override};
    const double power = powers[rng() % std::size(powers)];
    const T scale = scales[rng() % std::size(scales)];
    const bool average = rng() % 2 == 0;
    poolkit::tensor<T> x({2, 2, H, W});
    std::uniform_real_distribution<T> value(-1, 1);
    for (index_t i = 0; i < x.size(); ++i) {
      T v = value(rng) * scale;
      if (rng() % 40 == 0) v = T(0);
      if (rng() % 200 == 0) v = std::numeric_limits<T>::infinity();
      if (rng() % 200 == 0) v = std::numeric_limits<T>::quiet_NaN();
      x.data_handle()[i] = v;
    }
    const auto run = [&](const poolkit::policy& pol) {
      return average ? poolkit::power_avg_pool2d(x, power, p, pol)
                     : poolkit::lp_pool2d(x, power, p, pol);
    };
    const auto scalar = run({.isa = poolkit::instruction_set::scalar, .threads = 1});
    for (auto isa : isas) {
      const auto y = run({.isa = isa, .threads = static_cast<int>(rng() % 3) + 1});
      for (index_t i = 0; i < y.size(); ++i)
        ASSERT_TRUE(test::same_value(y.data_handle()[i], scalar.data_handle()[i]))
            << poolkit::name_of(isa) << " element " << i;
    }
    for (index_t n = 0; n < 2; ++n)
      for (index_t c = 0; c < 2; ++c) {
        const auto plane = [&](index_t h, index_t w) { return x(n, c, h, w); };
        for (index_t oh = 0; oh < OH; ++oh)
          for (index_t ow = 0; ow < OW; ++ow) {
            const long double want = ref::power_one<T>(plane, H, W, oh, ow, rp,
                                                       static_cast<long double>(power), average);
            const T got = scalar(n, c, oh, ow);
            // A result beyond T's range (the long-double reference is finite there) is inf.
            if (std::isnan(want) || !std::isfinite(static_cast<T>(want))) {
              ASSERT_TRUE(test::same_value(got, static_cast<T>(want)))
                  << "p " << power << " got " << got << " want " << static_cast<double>(want);
              continue;
            }
            const long double error = std::fabs(static_cast<long double>(got) - want);
            const bool exact = std::isinf(power);
            ASSERT_LE(error,
                      exact ? 0.0L
                            : static_cast<long double>(tolerance) * want +
                                  static_cast<long double>(std::numeric_limits<T>::denorm_min()))
                << "p " << power << (average ? " power_avg" : " lp") << " scale " << scale
                << " got " << got << " want " << static_cast<double>(want) << " at (" << n << ","
                << c << "," << oh << "," << ow << ") of " << H << "x" << W;
          }
      }
  }
}

TEST(PowerRandom, FloatWithinOneInTenToTheFiveOfLongDouble) {
  random_power_suite<float>(7, 600, 1e-5);
}
TEST(PowerRandom, DoubleWithinOneInTenToTheTwelveOfLongDouble) {
  random_power_suite<double>(8, 300, 1e-12);
}

TEST(PowerExtremes, InfinityNanZeroAndEmptyWindows) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto x = make_tensor<float>({1, 1, 1, 8}, {inf, 1, nan, 2, 0, 0, -inf, -inf});
  const poolkit::pool2d_params p{.kernel = {1, 2}};
  for (double power : {0.5, 1.0, 2.0, 3.0, 7.5, 64.0, static_cast<double>(inf)}) {
    for (bool average : {false, true}) {
      const auto y =
          average ? poolkit::power_avg_pool2d(x, power, p) : poolkit::lp_pool2d(x, power, p);
      EXPECT_EQ(y.values()[0], inf) << power;
      EXPECT_TRUE(std::isnan(y.values()[1])) << power;
      EXPECT_EQ(y.values()[2], 0.0f) << power;
      EXPECT_EQ(y.values()[3], inf) << power;
    }
  }
  // Windows at -2, -1, 0 with taps 3 apart over padding 2: the middle one sees no input.
  const auto two = make_tensor<float>({1, 1, 1, 2}, {5.0f, 7.0f});
  const auto y = poolkit::lp_pool2d(
      two, 3.0,
      {.kernel = {1, 2}, .stride = poolkit::hw{1, 1}, .padding = {0, 2}, .dilation = {1, 3}});
  ASSERT_EQ(y.extent(3), 3);
  EXPECT_EQ(y.values()[0], 7.0f);
  EXPECT_EQ(y.values()[1], 0.0f);
  EXPECT_EQ(y.values()[2], 5.0f);
}

TEST(PowerExtremes, LargeAndTinyMagnitudesDoNotOverflowOrUnderflow) {
  for (float v : {1e30f, 3e38f, 1e-30f, 1e-44f}) {
    const auto x = make_tensor<float>({1, 1, 2, 2}, {v, v, v, v});
    for (double power : {2.0, 3.0, 8.0, 33.0, 64.0}) {
      const double want = static_cast<double>(v) * std::pow(4.0, 1.0 / power);
      const float got = poolkit::lp_pool2d(x, power, {.kernel = {2, 2}}).values()[0];
      if (want > static_cast<double>(std::numeric_limits<float>::max())) {
        EXPECT_EQ(got, std::numeric_limits<float>::infinity());
        continue;
      }
      // Denormal results keep the absolute precision of a denormal.
      EXPECT_NEAR(got, want, 1e-5 * want + 1.5e-45) << v << " p " << power;
      EXPECT_NEAR(poolkit::power_avg_pool2d(x, power, {.kernel = {2, 2}}).values()[0],
                  static_cast<double>(v), 1e-5 * static_cast<double>(v) + 1.5e-45)
          << v << " p " << power;
    }
  }
}

/// SPEC section 2: no overflow where the result has none. The mean of |x| (power_avg
/// with p = 1) of taps near the largest finite value is finite although their sum is not;
/// the fuzzer found {DBL_MAX, -DBL_MAX, 1, 2} giving infinity. Random windows of taps from
/// max / 4 to max, every divisor rule (divisor_override from 1, which can make the mean
/// exceed every tap, to 9), against the long-double reference within SPEC's tolerance;
/// every instruction set and thread count gives the scalar path's bits.
template <class T>
void check_mean_of_magnitudes_near_the_top(double tolerance) {
  using lim = std::numeric_limits<T>;
  // The fuzzer's window, as a unit case: 2 x 2, default divisor 4.
  const auto four = make_tensor<T>({1, 1, 2, 2}, {lim::max(), lim::lowest(), T(1), T(2)});
  const T mean = poolkit::power_avg_pool2d(four, 1.0, {.kernel = {2, 2}})(0, 0, 0, 0);
  const long double exact = (2.0L * static_cast<long double>(lim::max()) + 3.0L) / 4.0L;
  ASSERT_TRUE(std::isfinite(mean)) << mean;
  EXPECT_NEAR(static_cast<double>(static_cast<long double>(mean) / exact), 1.0, tolerance);
  std::mt19937_64 rng(71);
  std::uniform_real_distribution<double> fraction(0.25, 1.0);
  int finite = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const auto pick = [&](index_t lo, index_t hi) {
      return lo + static_cast<index_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    ref::params rp;
    rp.kh = pick(1, 3), rp.kw = pick(1, 3), rp.sh = pick(1, 4), rp.sw = pick(1, 4);
    rp.dh = pick(1, 3), rp.dw = pick(1, 3);
    rp.pbh = pick(0, rp.dh * (rp.kh - 1)), rp.pbw = pick(0, rp.dw * (rp.kw - 1));
    rp.peh = rp.pbh, rp.pew = rp.pbw;
    rp.ceil_mode = rng() % 2 == 0;
    rp.count_include_pad = rng() % 2 == 0;
    if (rng() % 2 == 0) rp.divisor_override = pick(1, 9);
    const index_t H = pick(1, 12), W = pick(1, 12);
    const index_t OH = ref::output_size(H, rp.kh, rp.sh, rp.dh, rp.pbh, rp.peh, rp.ceil_mode);
    const index_t OW = ref::output_size(W, rp.kw, rp.sw, rp.dw, rp.pbw, rp.pew, rp.ceil_mode);
    if (OH < 1 || OW < 1) continue;
    const poolkit::pool2d_params p{.kernel = {rp.kh, rp.kw},
                                   .stride = poolkit::hw{rp.sh, rp.sw},
                                   .padding = {rp.pbh, rp.pbw},
                                   .dilation = {rp.dh, rp.dw},
                                   .ceil_mode = rp.ceil_mode,
                                   .count_include_pad = rp.count_include_pad,
                                   .divisor_override = rp.divisor_override};
    poolkit::tensor<T> x({1, 2, H, W});
    for (T& v : x.values())
      v = static_cast<T>(fraction(rng) * static_cast<double>(lim::max())) *
          (rng() % 2 ? T(1) : T(-1));
    const auto y = poolkit::power_avg_pool2d(
        x, 1.0, p, {.isa = poolkit::instruction_set::scalar, .threads = 1});
    for (auto isa : poolkit::available_instruction_sets()) {
      const auto other = poolkit::power_avg_pool2d(
          x, 1.0, p, {.isa = isa, .threads = 1 + static_cast<int>(rng() % 3)});
      for (index_t i = 0; i < y.size(); ++i)
        ASSERT_TRUE(test::same_value(other.data_handle()[i], y.data_handle()[i]))
            << poolkit::name_of(isa);
    }
    for (index_t c = 0; c < 2; ++c)
      for (index_t oh = 0; oh < OH; ++oh)
        for (index_t ow = 0; ow < OW; ++ow) {
          const long double want = ref::power_one<T>(
              [&](index_t h, index_t w) { return x(0, c, h, w); }, H, W, oh, ow, rp, 1.0L, true);
          const T got = y(0, c, oh, ow);
          const auto where = ::testing::Message()
                             << "trial " << trial << " (" << c << ", " << oh << ", " << ow
                             << "): got " << got << " want " << static_cast<double>(want);
          if (want > static_cast<long double>(lim::max())) {
            // A mean beyond the type's range (divisor_override below the tap count).
            ASSERT_TRUE(std::isinf(got) || std::fabs(static_cast<long double>(got) - want) <=
                                               static_cast<long double>(tolerance) * want)
                << where;
            continue;
          }
          ASSERT_TRUE(std::isfinite(got)) << where;
          ASSERT_LE(std::fabs(static_cast<long double>(got) - want),
                    static_cast<long double>(tolerance) * want)
              << where;
          ++finite;
        }
  }
  EXPECT_GT(finite, 1000);
}

TEST(PowerExtremes, MeanOfMagnitudesNearTheLargestFloatDoesNotOverflow) {
  check_mean_of_magnitudes_near_the_top<float>(1e-5);
}
TEST(PowerExtremes, MeanOfMagnitudesNearTheLargestDoubleDoesNotOverflow) {
  check_mean_of_magnitudes_near_the_top<double>(1e-12);
}

TEST(PowerErrors, BadExponentNamesPAndWritesNothing) {
  const auto x = make_tensor<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  poolkit::tensor<float> y({1, 1, 1, 1});
  y.values()[0] = 42.0f;
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  for (double bad : {0.0, -1.0, -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    test::expect_error([&] { poolkit::lp_pool2d(x, y, bad, p); }, {"lp_pool2d", "p = ", "> 0"});
    test::expect_error([&] { (void)poolkit::power_avg_pool2d(x, bad, p); },
                       {"power_avg_pool2d", "p = ", "> 0"});
  }
  test::expect_error([&] { (void)poolkit::lp_pool2d(x, 0.0, p); }, {"p = 0"});
  test::expect_error([&] { (void)poolkit::lp_pool2d(x, -2.5, p); }, {"p = -2.5"});
  test::expect_error(
      [&] {
        (void)poolkit::l2_pool2d(x, {.kernel = {0, 2}});
      },
      {"l2_pool2d", "kernel"});
  EXPECT_EQ(y.values()[0], 42.0f);
}

TEST(PowerReducers, PublicReducersWorkThroughPool2d) {
  const auto x = make_tensor<double>({1, 1, 2, 2}, {1, -2, 3, -4});
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  EXPECT_NEAR(poolkit::pool2d(x, poolkit::reduce::l2<double>{}, p).values()[0], std::sqrt(30.0),
              1e-15);
  EXPECT_NEAR(poolkit::pool2d(x, poolkit::reduce::lp<double>(3.0), p).values()[0], std::cbrt(100.0),
              1e-14);
  EXPECT_NEAR(poolkit::pool2d(x, poolkit::reduce::power_avg<double>(2.0), p).values()[0],
              std::sqrt(7.5), 1e-15);
}

}  // namespace
