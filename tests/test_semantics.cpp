// Semantics that SPEC spells out and random data rarely hits: NaN propagation, ties,
// signed zeros, empty windows, the average divisor rule, and a user-defined reducer going
// through the same entry point as the built-in ones.
#include "test_support.hpp"

#include <cmath>
#include <limits>

namespace {

using poolkit::index_t;
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

TEST(Semantics, MaxPropagatesNaNAndIndexesTheLastNaN) {
  auto x = test::make_tensor<float>({1, 1, 2, 2}, {1, nan_f, 5, nan_f});
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}});
  EXPECT_TRUE(std::isnan(y(0, 0, 0, 0)));
  EXPECT_EQ(idx(0, 0, 0, 0), 3);  // PyTorch: the last NaN in scan order
  EXPECT_TRUE(std::isnan(poolkit::min_pool2d(x, {.kernel = {2, 2}})(0, 0, 0, 0)));
  EXPECT_TRUE(std::isnan(poolkit::avg_pool2d(x, {.kernel = {2, 2}})(0, 0, 0, 0)));
}

TEST(Semantics, TiesKeepTheFirstMaximumEvenForSignedZeros) {
  auto x = test::make_tensor<float>({1, 1, 2, 2}, {-1, -0.0f, 0.0f, -3});
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}});
  EXPECT_EQ(idx(0, 0, 0, 0), 1);
  EXPECT_TRUE(std::signbit(y(0, 0, 0, 0)));  // -0.0 came first
  auto x2 = test::make_tensor<float>({1, 1, 2, 2}, {0.0f, -0.0f, 7, 7});
  auto [y2, idx2] = poolkit::max_pool2d_with_indices(x2, {.kernel = {2, 2}});
  EXPECT_EQ(idx2(0, 0, 0, 0), 2);
  EXPECT_FALSE(std::signbit(poolkit::max_pool2d(x2, {.kernel = {1, 2}})(0, 0, 0, 0)));
}

TEST(Semantics, AllMinusInfinityWindowIndexesItsFirstTap) {
  auto x = test::make_tensor<float>({1, 1, 1, 3}, {-inf_f, -inf_f, -inf_f});
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {1, 3}});
  EXPECT_EQ(y(0, 0, 0, 0), -inf_f);
  EXPECT_EQ(idx(0, 0, 0, 0), 0);
}

TEST(Semantics, EmptyWindowsFromDilationOverPadding) {
  // in = 1, k = 2, d = 3 (eff 4), padding 2 then 3: windows start at -2, -1, 0 with taps
  // {-2, 1}, {-1, 2}, {0, 3}. The first two straddle the input but hit no element.
  const poolkit::pool2d_params p{.kernel = {1, 2},
                                 .stride = {1, 1},
                                 .padding = {0, 2},
                                 .padding_end = {0, 3},
                                 .dilation = {1, 3}};
  auto x = test::make_tensor<float>({1, 1, 1, 1}, {4});
  ASSERT_EQ(poolkit::pool2d_output_extents(x.extents(), p), (poolkit::extents4{1, 1, 1, 3}));
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, p);
  EXPECT_EQ(y(0, 0, 0, 0), -inf_f);
  EXPECT_EQ(idx(0, 0, 0, 0), -1);
  EXPECT_EQ(y(0, 0, 0, 1), -inf_f);
  EXPECT_EQ(y(0, 0, 0, 2), 4.0f);
  EXPECT_EQ(idx(0, 0, 0, 2), 0);
  EXPECT_EQ(poolkit::min_pool2d(x, p)(0, 0, 0, 0), inf_f);
  EXPECT_EQ(poolkit::sum_pool2d(x, p)(0, 0, 0, 0), 0.0f);
  EXPECT_EQ(poolkit::avg_pool2d(x, p)(0, 0, 0, 0), 0.0f);
  poolkit::pool2d_params exclude = p;
  exclude.count_include_pad = false;
  EXPECT_EQ(poolkit::avg_pool2d(x, exclude)(0, 0, 0, 0), 0.0f);  // not 0 / 0
  // Window 2: one tap in bounds, two taps inside the padded extent [-2, 4).
  EXPECT_EQ(poolkit::avg_pool2d(x, p)(0, 0, 0, 2), 2.0f);
  EXPECT_EQ(poolkit::avg_pool2d(x, exclude)(0, 0, 0, 2), 4.0f);
}

TEST(Semantics, AverageDivisorCountsPaddingButNotCeilOverhang) {
  // 1x1x3x3 of ones, k = 2, s = 2, pad 1, ceil: windows start at -1 and 1.
  poolkit::tensor<float> x({1, 1, 3, 3});
  for (auto& v : x.values()) v = 1;
  const poolkit::pool2d_params p{
      .kernel = {2, 2}, .stride = {2, 2}, .padding = {1, 1}, .ceil_mode = true};
  auto y = poolkit::avg_pool2d(x, p);
  ASSERT_EQ(y.extents(), (poolkit::extents4{1, 1, 2, 2}));
  // Window (0, 0): one input tap, 4 padded taps: 1 / 4.
  EXPECT_EQ(y(0, 0, 0, 0), 0.25f);
  // Window (1, 1): rows 1..2, cols 1..2, all inside: 4 / 4.
  EXPECT_EQ(y(0, 0, 1, 1), 1.0f);
  auto exclude = p;
  exclude.count_include_pad = false;
  EXPECT_EQ(poolkit::avg_pool2d(x, exclude)(0, 0, 0, 0), 1.0f);
  auto override = p;
  override.divisor_override = 3;
  EXPECT_EQ(poolkit::avg_pool2d(x, override)(0, 0, 1, 1), 4.0f / 3.0f);
}

TEST(Semantics, AverageDivisorOverhangIsNotCounted) {
  // in = 4, k = 3, s = 2, pad 1, ceil: windows start at -1, 1, 3; the last covers 3..5,
  // where 4 is end padding (counted) and 5 is overhang (not counted): divisor 2 per axis.
  poolkit::tensor<float> x({1, 1, 4, 4});
  for (auto& v : x.values()) v = 2;
  auto y = poolkit::avg_pool2d(
      x, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}, .ceil_mode = true});
  ASSERT_EQ(y.extent(2), 3);
  EXPECT_EQ(y(0, 0, 2, 2), 2.0f * 1 / 4);  // one tap of value 2 over 2 x 2 padded taps
}

/// A user-defined reducer: the root mean square, accumulating in double.
struct root_mean_square {
  using accumulator_type = double;
  double identity() const { return 0.0; }
  double combine(double acc, float x) const { return acc + double(x) * double(x); }
  float finalize(double acc, poolkit::window_counts counts) const {
    return counts.in_bounds == 0 ? 0.0f
                                 : static_cast<float>(std::sqrt(acc / double(counts.in_bounds)));
  }
};
static_assert(poolkit::reducer<root_mean_square, float>);
static_assert(!poolkit::reducer<int, float>);

TEST(Semantics, UserDefinedReducerGoesThroughTheSameEntryPoint) {
  auto x = test::make_tensor<float>({1, 1, 2, 4}, {3, 4, 1, 1, 0, 0, 1, 1});
  auto y = poolkit::pool2d(x, root_mean_square{}, {.kernel = {2, 2}});
  ASSERT_EQ(y.extents(), (poolkit::extents4{1, 1, 1, 2}));
  EXPECT_FLOAT_EQ(y(0, 0, 0, 0), 2.5f);  // sqrt((9 + 16) / 4)
  EXPECT_FLOAT_EQ(y(0, 0, 0, 1), 1.0f);
  // The built-in reducers through the same entry point give the named operations' results.
  auto via_pool2d = poolkit::pool2d(x, poolkit::reduce::max<float>{}, {.kernel = {2, 2}});
  auto direct = poolkit::max_pool2d(x, {.kernel = {2, 2}});
  EXPECT_TRUE(
      std::equal(via_pool2d.values().begin(), via_pool2d.values().end(), direct.values().begin()));
  // And into a caller's view, validated like every other operation.
  std::vector<float> out(2, -1.0f);
  poolkit::pool2d(x, poolkit::nchw_view<float>(out.data(), {1, 1, 1, 2}), root_mean_square{},
                  {.kernel = {2, 2}});
  EXPECT_FLOAT_EQ(out[0], 2.5f);
  test::expect_error(
      [&] {
        poolkit::pool2d(x, root_mean_square{}, {.kernel = {3, 3}});
      },
      {"poolkit::pool2d: output size"});
}

}  // namespace
