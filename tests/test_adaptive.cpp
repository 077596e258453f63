// Adaptive and global pooling for every reducer, and spatial pyramid pooling: seeds,
// the reference over random shapes (out above, at and below the input, divisible or
// not), every instruction set and thread count, the documented global summation order,
// and errors.
#include "reference.hpp"
#include "test_support.hpp"

#include <limits>
#include <optional>
#include <string>

namespace {

using poolkit::index_t;

using test::one_to_sixteen;
using test::values_of;

TEST(AdaptiveSeed, GlobalMaxAndAverage) {
  const auto x = one_to_sixteen();
  EXPECT_EQ(values_of(poolkit::global_max_pool2d(x)), std::vector<float>{16});
  EXPECT_EQ(values_of(poolkit::global_avg_pool2d(x)), std::vector<float>{8.5});
  EXPECT_EQ(values_of(poolkit::global_min_pool2d(x)), std::vector<float>{1});
  EXPECT_EQ(values_of(poolkit::global_sum_pool2d(x)), std::vector<float>{136});
  EXPECT_EQ(values_of(poolkit::adaptive_max_pool2d(x, {2, 2})), (std::vector<float>{6, 8, 14, 16}));
  EXPECT_EQ(values_of(poolkit::adaptive_avg_pool2d(x, {2, 2})),
            (std::vector<float>{3.5, 5.5, 11.5, 13.5}));
  const auto y = poolkit::global_max_pool2d(x);
  EXPECT_EQ(y.extents(), (poolkit::extents4{1, 1, 1, 1}));
}

TEST(SppSeed, ArticleDemoAndAdaptiveLevels) {
  const auto x = one_to_sixteen();
  // SPEC section 4: adaptive levels {1, 2}.
  const auto y = poolkit::spatial_pyramid_pool2d(x, {1, 2});
  EXPECT_EQ(y.extents(), (poolkit::extents4{1, 5, 1, 1}));
  EXPECT_EQ(values_of(y), (std::vector<float>{16, 6, 8, 14, 16}));
  // The seed's "block sizes" 1 and 2 are k = s = 1 and k = s = 2: the paper rule with
  // 4 and 2 bins per side.
  const auto demo = poolkit::spatial_pyramid_pool2d(x, {4, 2}, poolkit::reduce::max<float>{},
                                                    poolkit::spp_bin_rule::paper);
  std::vector<float> want(16);
  for (int i = 0; i < 16; ++i) want[static_cast<std::size_t>(i)] = float(i + 1);
  want.insert(want.end(), {6, 8, 14, 16});
  EXPECT_EQ(values_of(demo), want);
  // The default pyramid {1, 2, 4}: 21 features per channel.
  EXPECT_EQ(poolkit::spatial_pyramid_pool2d(x).extent(1), 21);
}

enum class kind { max, min, sum, avg, lp3, user };

/// A user reducer (counts the taps): proves the generic path and the counts it is given.
template <class T>
struct tap_count {
  T identity() const { return T(0); }
  T combine(T acc, T) const { return acc + T(1); }
  T finalize(T acc, poolkit::window_counts c) const {
    return c.in_bounds == static_cast<index_t>(acc) ? acc : T(-1);
  }
};

template <class T>
poolkit::tensor<T> adaptive(kind k, const poolkit::tensor<T>& x, poolkit::hw size,
                            const poolkit::policy& pol) {
  switch (k) {
    case kind::max: return poolkit::adaptive_max_pool2d(x, size, pol);
    case kind::min: return poolkit::adaptive_min_pool2d(x, size, pol);
    case kind::sum: return poolkit::adaptive_sum_pool2d(x, size, pol);
    case kind::avg: return poolkit::adaptive_avg_pool2d(x, size, pol);
    case kind::lp3: return poolkit::adaptive_pool2d(x, size, poolkit::reduce::lp<T>(3.0), pol);
    case kind::user: break;
  }
  return poolkit::adaptive_pool2d(x, size, tap_count<T>{}, pol);
}

template <class T>
void random_adaptive_suite(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  const auto isas = poolkit::available_instruction_sets();
  auto pick = [&](index_t lo, index_t hi) {
    return lo + static_cast<index_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  for (int i = 0; i < count; ++i) {
    const index_t H = pick(1, 17), W = pick(1, 40);
    // A fifth are global (1 x 1); the rest below, at or above the input size.
    const bool global = rng() % 5 == 0;  // (other draws may give 1 x 1 too)
    const poolkit::hw size =
        global ? poolkit::hw{1, 1} : poolkit::hw{pick(1, H + 3), pick(1, W + 3)};
    poolkit::tensor<T> x({pick(1, 2), pick(1, 3), H, W});
    std::uniform_real_distribution<T> value(-10, 10);
    const bool ties = rng() % 3 == 0;
    for (index_t j = 0; j < x.size(); ++j) {
      T v = ties ? T(static_cast<int>(rng() % 3) - 1) : value(rng);
      if (rng() % 300 == 0) v = std::numeric_limits<T>::quiet_NaN();
      if (ties && rng() % 4 == 0) v = -T(0);
      x.data_handle()[j] = v;
    }
    for (kind k : {kind::max, kind::min, kind::sum, kind::avg, kind::lp3, kind::user}) {
      const auto scalar =
          adaptive(k, x, size, {.isa = poolkit::instruction_set::scalar, .threads = 1});
      for (auto isa : isas) {
        const auto y =
            adaptive(k, x, size, {.isa = isa, .threads = static_cast<int>(rng() % 3) + 1});
        for (index_t j = 0; j < y.size(); ++j)
          ASSERT_TRUE(test::same_value(y.data_handle()[j], scalar.data_handle()[j]))
              << poolkit::name_of(isa) << " kind " << static_cast<int>(k);
      }
      for (index_t n = 0; n < x.extent(0); ++n)
        for (index_t c = 0; c < x.extent(1); ++c) {
          const auto plane = [&](index_t h, index_t w) { return x(n, c, h, w); };
          for (index_t oh = 0; oh < size.h; ++oh)
            for (index_t ow = 0; ow < size.w; ++ow) {
              const T got = scalar(n, c, oh, ow);
              const auto where = ::testing::Message()
                                 << "kind " << static_cast<int>(k) << " " << H << "x" << W << " -> "
                                 << size.h << "x" << size.w << " at " << oh << "," << ow;
              const index_t h0 = ref::bin_start(oh, H, size.h), h1 = ref::bin_end(oh, H, size.h);
              const index_t w0 = ref::bin_start(ow, W, size.w), w1 = ref::bin_end(ow, W, size.w);
              if (k == kind::lp3) {
                ref::params rp;
                rp.kh = h1 - h0, rp.kw = w1 - w0;
                const long double want =
                    ref::power_one<T>([&](index_t h, index_t w) { return plane(h + h0, w + w0); },
                                      h1 - h0, w1 - w0, 0, 0, rp, 3.0L, false);
                if (std::isnan(want)) {
                  ASSERT_TRUE(std::isnan(got)) << where;
                } else {
                  ASSERT_NEAR(got, static_cast<double>(want), 1e-5 * static_cast<double>(want))
                      << where;
                }
                continue;
              }
              if (k == kind::user) {
                ASSERT_EQ(got, static_cast<T>((h1 - h0) * (w1 - w0))) << where;
                continue;
              }
              const ref::op o = k == kind::max   ? ref::op::max
                                : k == kind::min ? ref::op::min
                                : k == kind::sum ? ref::op::sum
                                                 : ref::op::avg;
              T want = ref::adaptive_one<T>(plane, H, W, size.h, size.w, oh, ow, o).value;
              if (size == poolkit::hw{1, 1} && (k == kind::sum || k == kind::avg)) {
                std::vector<T> all;
                for (index_t h = 0; h < H; ++h)
                  for (index_t w = 0; w < W; ++w) all.push_back(plane(h, w));
                const T sum = ref::canonical_global_sum(all);
                want = k == kind::sum ? sum : sum / static_cast<T>(H * W);
              }
              ASSERT_TRUE(test::same_value(got, want))
                  << where << ": got " << got << " want " << want;
            }
        }
    }
  }
}

TEST(AdaptiveRandom, FloatEveryReducerMatchesTheReference) {
  random_adaptive_suite<float>(11, 250);
}
TEST(AdaptiveRandom, DoubleEveryReducerMatchesTheReference) {
  random_adaptive_suite<double>(12, 80);
}

TEST(AdaptiveRandom, MaxWithIndicesMatchesTheReference) {
  std::mt19937_64 rng(13);
  for (int i = 0; i < 200; ++i) {
    const index_t H = 1 + static_cast<index_t>(rng() % 15),
                  W = 1 + static_cast<index_t>(rng() % 30);
    const poolkit::hw size{1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(H + 2)),
                           1 + static_cast<index_t>(rng() % static_cast<std::uint64_t>(W + 2))};
    poolkit::tensor<float> x({1, 2, H, W});
    for (index_t j = 0; j < x.size(); ++j)
      x.data_handle()[j] =
          rng() % 50 == 0 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(rng() % 4);
    auto [y, idx] = poolkit::adaptive_max_pool2d_with_indices(x, size);
    for (index_t c = 0; c < 2; ++c)
      for (index_t oh = 0; oh < size.h; ++oh)
        for (index_t ow = 0; ow < size.w; ++ow) {
          const auto want =
              ref::adaptive_one<float>([&](index_t h, index_t w) { return x(0, c, h, w); }, H, W,
                                       size.h, size.w, oh, ow, ref::op::max);
          ASSERT_TRUE(test::same_value(y(0, c, oh, ow), want.value));
          ASSERT_EQ(idx(0, c, oh, ow), want.index)
              << H << "x" << W << " -> " << size.h << "x" << size.w;
        }
  }
}

TEST(AdaptiveInto, WritesOnlyTheViewAndChecksIt) {
  const auto x = one_to_sixteen();
  test::embedded<float> y({1, 1, 3, 3}, {1, 1, 2, 3}, {0, 0, 1, 2}, {0, 1, 2, 3}, -5.0f);
  poolkit::adaptive_max_pool2d(x, y.view);
  EXPECT_TRUE(y.outside_untouched(-5.0f));
  EXPECT_EQ(y.view(0, 0, 2, 2), 16.0f);
  EXPECT_EQ(y.view(0, 0, 0, 0), 6.0f);
  poolkit::tensor<float> wrong({1, 2, 3, 3});
  test::expect_error([&] { poolkit::adaptive_avg_pool2d(x, wrong); },
                     {"adaptive_avg_pool2d", "y extents"});
}

TEST(AdaptiveInto, MaxWithIndicesWritesOnlyItsViewsAndChecksThem) {
  const auto x = one_to_sixteen();
  test::embedded<float> y({1, 1, 3, 3}, {1, 1, 2, 3}, {0, 0, 1, 2}, {0, 1, 2, 3}, -5.0f);
  test::embedded<index_t> idx({1, 1, 3, 3}, {0, 2, 1, 1}, {0, 1, 0, 1}, {0, 2, 3, 1}, -7);
  poolkit::adaptive_max_pool2d_with_indices(x, y.view, idx.view);
  EXPECT_TRUE(y.outside_untouched(-5.0f));
  EXPECT_TRUE(idx.outside_untouched(-7));
  // 4 -> 3 bins: [0, 2), [1, 3), [2, 4) on each axis; the maximum is the last tap.
  for (index_t oh = 0; oh < 3; ++oh)
    for (index_t ow = 0; ow < 3; ++ow) {
      EXPECT_EQ(y.view(0, 0, oh, ow), static_cast<float>((oh + 1) * 4 + ow + 2));
      EXPECT_EQ(idx.view(0, 0, oh, ow), (oh + 1) * 4 + ow + 1);
    }
  poolkit::tensor<float> values({1, 1, 2, 2});
  poolkit::tensor<index_t> wrong({1, 1, 2, 3});
  test::expect_error([&] { poolkit::adaptive_max_pool2d_with_indices(x, values, wrong); },
                     {"adaptive_max_pool2d_with_indices", "indices extents"});
}

TEST(AdaptiveErrors, OutputSizeBelowOneOrTooLarge) {
  const auto x = one_to_sixteen();
  test::expect_error(
      [&] {
        (void)poolkit::adaptive_avg_pool2d(x, {0, 2});
      },
      {"adaptive_avg_pool2d", "output_size = {0, 2}", ">= 1"});
  test::expect_error(
      [&] {
        (void)poolkit::adaptive_max_pool2d(x, {2, -1});
      },
      {"output_size = {2, -1}"});
  test::expect_error(
      [&] {
        (void)poolkit::adaptive_max_pool2d_with_indices(x, {0, 0});
      },
      {"adaptive_max_pool2d_with_indices", "output_size"});
  test::expect_error(
      [&] {
        (void)poolkit::adaptive_max_pool2d(x, {index_t{1} << 62, 1});
      },
      {"output_size", "int64"});
}

TEST(Spp, NestedLevelsEqualEachLevelPooledAlone) {
  std::mt19937_64 rng(14);
  for (int i = 0; i < 100; ++i) {
    const index_t H = 1 + static_cast<index_t>(rng() % 20),
                  W = 1 + static_cast<index_t>(rng() % 20);
    poolkit::tensor<float> x({2, 3, H, W});
    for (index_t j = 0; j < x.size(); ++j) {
      const auto r = rng() % 40;
      x.data_handle()[j] = r == 0  ? std::numeric_limits<float>::quiet_NaN()
                           : r < 8 ? (r % 2 ? 0.0f : -0.0f)
                                   : static_cast<float>(static_cast<int>(rng() % 7) - 5);
    }
    const std::vector<index_t> levels = {1, 2, 4, 8};
    const auto check = [&](const auto& reducer, auto per_level) {
      const auto y = poolkit::spatial_pyramid_pool2d(x, levels, reducer);
      ASSERT_EQ(y.extents(), (poolkit::extents4{2, 3 * (1 + 4 + 16 + 64), 1, 1}));
      index_t offset = 0;
      for (index_t n : levels) {
        const auto level = per_level(n);
        for (index_t s = 0; s < 2; ++s)
          for (index_t c = 0; c < 3; ++c)
            for (index_t a = 0; a < n; ++a)
              for (index_t b = 0; b < n; ++b)
                ASSERT_TRUE(
                    test::same_value(y(s, offset + c * n * n + a * n + b, 0, 0), level(s, c, a, b)))
                    << "level " << n << " " << H << "x" << W;
        offset += 3 * n * n;
      }
    };
    check(poolkit::reduce::max<float>{}, [&](index_t n) {
      return poolkit::adaptive_max_pool2d(x, {n, n});
    });
    check(poolkit::reduce::min<float>{}, [&](index_t n) {
      return poolkit::adaptive_min_pool2d(x, {n, n});
    });
    check(poolkit::reduce::avg<float>{}, [&](index_t n) {
      return poolkit::adaptive_avg_pool2d(x, {n, n});
    });
  }
}

TEST(Spp, CaffeRuleIsPaddedCeilModePooling) {
  // 13 wide, 4 bins: window = stride = ceil(13/4) = 4, padding (16 - 13 + 1) / 2 = 2.
  poolkit::tensor<float> x({1, 1, 13, 13});
  for (index_t j = 0; j < x.size(); ++j) x.data_handle()[j] = static_cast<float>((j * 7) % 23);
  const auto y = poolkit::spatial_pyramid_pool2d(x, {4}, poolkit::reduce::max<float>{},
                                                 poolkit::spp_bin_rule::caffe);
  const auto want =
      poolkit::max_pool2d(x, {.kernel = {4, 4}, .padding = {2, 2}, .ceil_mode = true});
  ASSERT_EQ(want.extent(2), 4);
  EXPECT_EQ(values_of(y), values_of(want));
}

/// The paper and caffe rules against the reference's own bins (tests/reference.hpp,
/// written from SPEC section 4 and Caffe's layers) on sizes that do not divide, every
/// built-in reducer, float and double: a level the reference cannot place must be refused
/// with an error naming it and the rule; otherwise every feature equals the reference's
/// row-major fold of its bin, bit for bit.
template <class T>
void check_spp_rule(poolkit::spp_bin_rule rule, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const char* rule_name = rule == poolkit::spp_bin_rule::paper ? "paper" : "caffe";
  const auto bins_of = [&](index_t a, index_t n) {
    return rule == poolkit::spp_bin_rule::paper ? ref::spp_paper_bins(a, n)
                                                : ref::spp_caffe_bins(a, n);
  };
  int placed = 0, refused = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const index_t N = 1 + static_cast<index_t>(rng() % 2), C = 1 + static_cast<index_t>(rng() % 3);
    const index_t H = 1 + static_cast<index_t>(rng() % 30),
                  W = 1 + static_cast<index_t>(rng() % 30);
    std::vector<index_t> levels(1 + rng() % 3);
    for (auto& l : levels) l = 1 + static_cast<index_t>(rng() % 7);
    poolkit::tensor<T> x({N, C, H, W});
    for (T& v : x.values()) {
      const auto r = rng() % 50;
      v = r == 0 ? std::numeric_limits<T>::quiet_NaN()
                 : static_cast<T>(static_cast<int>(rng() % 41) - 20) / T(8);
    }
    const auto where = [&] {
      std::string text =
          std::string(rule_name) + " " + std::to_string(H) + "x" + std::to_string(W) + " levels";
      for (index_t l : levels) text += " " + std::to_string(l);
      return text;
    };
    // The first level the reference cannot place is the one the error names.
    std::optional<index_t> bad;
    for (index_t n : levels)
      if (!bad && (bins_of(H, n).empty() || bins_of(W, n).empty())) bad = n;
    const auto run = [&](const auto& reducer) {
      return poolkit::spatial_pyramid_pool2d(x, levels, reducer, rule);
    };
    if (bad) {
      ++refused;
      test::expect_error(
          [&] { (void)run(poolkit::reduce::max<T>{}); },
          {"poolkit::spatial_pyramid_pool2d", "levels = " + std::to_string(*bad), rule_name});
      continue;
    }
    ++placed;
    for (ref::op o : {ref::op::max, ref::op::min, ref::op::sum, ref::op::avg}) {
      const auto y = o == ref::op::max   ? run(poolkit::reduce::max<T>{})
                     : o == ref::op::min ? run(poolkit::reduce::min<T>{})
                     : o == ref::op::sum ? run(poolkit::reduce::sum<T>{})
                                         : run(poolkit::reduce::avg<T>{});
      index_t features = 0;
      for (index_t n : levels) features += C * n * n;
      ASSERT_EQ(y.extents(), (poolkit::extents4{N, features, 1, 1})) << where();
      index_t offset = 0;
      for (index_t n : levels) {
        const auto rows = bins_of(H, n), cols = bins_of(W, n);
        for (index_t s = 0; s < N; ++s)
          for (index_t c = 0; c < C; ++c)
            for (index_t i = 0; i < n; ++i)
              for (index_t j = 0; j < n; ++j) {
                const ref::spp_bin r = rows[static_cast<std::size_t>(i)],
                                   q = cols[static_cast<std::size_t>(j)];
                // The bin clamped to the input, folded row-major by the reference.
                const index_t h0 = std::max<index_t>(r.start, 0),
                              h1 = std::min(r.start + r.size, H);
                const index_t w0 = std::max<index_t>(q.start, 0),
                              w1 = std::min(q.start + q.size, W);
                const auto plane = [&](index_t h, index_t w) { return x(s, c, h, w); };
                T want = ref::window_one<T>(plane, H, W, h0, w0, std::max<index_t>(h1 - h0, 0),
                                            std::max<index_t>(w1 - w0, 0),
                                            o == ref::op::avg ? ref::op::sum : o)
                             .value;
                if (o == ref::op::avg)
                  want = want / static_cast<T>(r.padded * q.padded);  // counts the padding
                const T got = y(s, offset + c * n * n + i * n + j, 0, 0);
                ASSERT_TRUE(test::same_value(got, want))
                    << where() << " level " << n << " bin (" << i << ", " << j << ") reducer "
                    << int(o) << ": got " << got << " want " << want;
              }
        offset += C * n * n;
      }
    }
  }
  // Both outcomes must occur, or the test checked less than it claims.
  EXPECT_GT(placed, 50) << rule_name;
  EXPECT_GT(refused, 20) << rule_name;
}

TEST(SppRules, PaperMatchesItsReferenceFloat) {
  check_spp_rule<float>(poolkit::spp_bin_rule::paper, 41);
}
TEST(SppRules, PaperMatchesItsReferenceDouble) {
  check_spp_rule<double>(poolkit::spp_bin_rule::paper, 42);
}
TEST(SppRules, CaffeMatchesItsReferenceFloat) {
  check_spp_rule<float>(poolkit::spp_bin_rule::caffe, 43);
}
TEST(SppRules, CaffeMatchesItsReferenceDouble) {
  check_spp_rule<double>(poolkit::spp_bin_rule::caffe, 44);
}

TEST(SppErrors, CaffePaddingNotSmallerThanTheWindow) {
  // Caffe's pooling layer refuses pad >= kernel; so does poolkit's caffe rule, naming the
  // level, the padding, the window and the input.
  const auto caffe = [](index_t H, index_t W, index_t level) {
    poolkit::tensor<float> x({1, 1, H, W});
    (void)poolkit::spatial_pyramid_pool2d(x, {1, level}, poolkit::reduce::max<float>{},
                                          poolkit::spp_bin_rule::caffe);
  };
  // 7 with 6 bins: window 2, padding (12 - 7 + 1) / 2 = 3.
  test::expect_error([&] { caffe(7, 7, 6); },
                     {"levels = 6", "caffe", "padding {3, 3}", "windows of {2, 2}", "{7, 7} input",
                      "smaller than"});
  // 3 with 4 bins: window 1, padding 1.
  test::expect_error([&] { caffe(3, 3, 4); },
                     {"levels = 4", "padding {1, 1}", "windows of {1, 1}", "{3, 3} input"});
  // Only one axis at fault still refuses: 13 rows are fine with 4 bins, 5 columns are not
  // (window 2, padding 2).
  test::expect_error([&] { caffe(13, 5, 4); }, {"levels = 4", "padding {2, 2}", "{13, 5} input"});
  // Nothing written on refusal.
  poolkit::tensor<float> x({1, 1, 7, 7});
  poolkit::tensor<float> y({1, 37, 1, 1});
  for (float& v : y.values()) v = 42.0f;
  const poolkit::status s = poolkit::try_spatial_pyramid_pool2d(
      x, y, {1, 6}, poolkit::reduce::max<float>{}, poolkit::spp_bin_rule::caffe);
  EXPECT_FALSE(s);
  for (float v : y.values()) EXPECT_EQ(v, 42.0f);
}

TEST(SppErrors, LevelsAndRules) {
  const auto x = one_to_sixteen();
  test::expect_error([&] { (void)poolkit::spatial_pyramid_pool2d(x, {}); },
                     {"spatial_pyramid_pool2d", "levels", "at least one"});
  test::expect_error(
      [&] {
        (void)poolkit::spatial_pyramid_pool2d(x, {1, 0});
      },
      {"levels = 0", ">= 1"});
  test::expect_error([&] { (void)poolkit::spatial_pyramid_pool2d(x, {-3}); }, {"levels = -3"});
  // Paper rule on 5 with 3 bins: window 2, stride 1 gives 4 bins, not 3.
  poolkit::tensor<float> five({1, 1, 5, 5});
  test::expect_error(
      [&] {
        (void)poolkit::spatial_pyramid_pool2d(five, {3}, poolkit::reduce::max<float>{},
                                              poolkit::spp_bin_rule::paper);
      },
      {"levels = 3", "paper", "{4, 4}"});
  test::expect_error(
      [&] {
        (void)poolkit::spatial_pyramid_pool2d(x, {6}, poolkit::reduce::max<float>{},
                                              poolkit::spp_bin_rule::paper);
      },
      {"levels = 6", "paper", "at least n = 6", "{4, 4}"});
  // The level limit, for every rule.
  for (auto rule : {poolkit::spp_bin_rule::adaptive, poolkit::spp_bin_rule::paper,
                    poolkit::spp_bin_rule::caffe})
    test::expect_error(
        [&] {
          (void)poolkit::spatial_pyramid_pool2d(x, {2, 65537}, poolkit::reduce::max<float>{}, rule);
        },
        {"levels = 65537", "<= 65536"});
  // A count mismatch names the count: paper on 5 with 3 bins (window 2, stride 1) gives 4.
  test::expect_error(
      [&] {
        (void)poolkit::spatial_pyramid_pool2d(five, {1, 3}, poolkit::reduce::avg<float>{},
                                              poolkit::spp_bin_rule::paper);
      },
      {"levels = 3", "the paper rule gives {4, 4} bins on a {5, 5} input, not 3 per side"});
}

}  // namespace
