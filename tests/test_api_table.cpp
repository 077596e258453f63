// Every call form of the README's API table (section "API"), written as the table writes
// it, compiles and runs; where a row lists an allocating and an into-view form, both give
// the same bits, and the try_ form the same as the throwing one. (Bilateral pooling and
// the Eigen interop rows need Eigen: tests/test_bilateral.cpp and test_eigen_interop.cpp
// call their forms.)
#include "test_support.hpp"

namespace {

using poolkit::extents4;
using poolkit::hw;
using poolkit::index_t;
using poolkit::tensor;

template <class T>
bool same(const tensor<T>& a, const tensor<T>& b) {
  if (a.extents() != b.extents()) return false;
  for (index_t i = 0; i < a.size(); ++i)
    if (!test::same_value(a.data_handle()[i], b.data_handle()[i])) return false;
  return true;
}
bool same(const tensor<index_t>& a, const tensor<index_t>& b) {
  return a.extents() == b.extents() && test::values_of(a) == test::values_of(b);
}

tensor<float> input() {
  tensor<float> x({2, 3, 9, 8});
  std::mt19937_64 rng(5);
  for (float& v : x.values()) v = static_cast<float>(static_cast<int>(rng() % 200) - 100) / 8.0f;
  return x;
}

TEST(ApiTable, ViewsTensorsParamsAndHelpers) {
  std::vector<float> storage(2 * 3 * 4 * 5);
  const poolkit::nchw_view<float> plain(storage.data(), {2, 3, 4, 5});
  const poolkit::nchw_view<float> strided(storage.data(), {2, 3, 4, 5}, {60, 20, 5, 1});
  EXPECT_EQ(plain.extent(2), 4);
  EXPECT_EQ(strided.stride(1), 20);
  EXPECT_EQ(&plain(1, 2, 3, 4), strided.data_handle() + 119);
  tensor<float> t({1, 2, 3, 4});
  const poolkit::nchw_view<const float> as_const = t;
  EXPECT_EQ(as_const.data_handle(), t.view().data_handle());
  const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};
  EXPECT_EQ(poolkit::pool2d_output_extents({1, 1, 9, 8}, p), (extents4{1, 1, 5, 4}));
  const poolkit::pool2d_params same_upper =
      poolkit::apply_auto_pad({.kernel = {3, 3}}, {9, 8}, poolkit::auto_pad::same_upper);
  EXPECT_EQ(poolkit::pool2d_output_extents({1, 1, 9, 8}, same_upper), (extents4{1, 1, 3, 3}));
  const auto r = poolkit::random::draw(7, poolkit::random::stream::stochastic_pool, 3);
  EXPECT_EQ(r, poolkit::random::draw(7, poolkit::random::stream::stochastic_pool, 3));
}

TEST(ApiTable, RegularFamilyBothForms) {
  const auto x = input();
  const poolkit::pool2d_params p{.kernel = {3, 2}, .stride = {2, 2}, .padding = {1, 0}};
  tensor<float> y(poolkit::pool2d_output_extents(x.extents(), p));
  poolkit::max_pool2d(x, y, p);
  EXPECT_TRUE(same(poolkit::max_pool2d(x, p), y));
  poolkit::avg_pool2d(x, y, p);
  EXPECT_TRUE(same(poolkit::avg_pool2d(x, p), y));
  poolkit::min_pool2d(x, y, p);
  EXPECT_TRUE(same(poolkit::min_pool2d(x, p), y));
  poolkit::sum_pool2d(x, y, p);
  EXPECT_TRUE(same(poolkit::sum_pool2d(x, p), y));
  poolkit::pool2d(x, y, poolkit::reduce::max<float>{}, p);
  EXPECT_TRUE(same(poolkit::pool2d(x, poolkit::reduce::max<float>{}, p), y));
  poolkit::l2_pool2d(x, y, p);
  EXPECT_TRUE(same(poolkit::l2_pool2d(x, p), y));
  poolkit::lp_pool2d(x, y, 3.0, p);
  EXPECT_TRUE(same(poolkit::lp_pool2d(x, 3.0, p), y));
  poolkit::power_avg_pool2d(x, y, 2.5, p);
  EXPECT_TRUE(same(poolkit::power_avg_pool2d(x, 2.5, p), y));
  EXPECT_TRUE(same(poolkit::try_power_avg_pool2d(x, 2.5, p).value(), y));
}

TEST(ApiTable, IndicesUnpoolAndConverters) {
  const auto x = input();
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const extents4 out = poolkit::pool2d_output_extents(x.extents(), p);
  tensor<float> y(out);
  tensor<index_t> idx(out);
  const auto [values, indices] = poolkit::max_pool2d_with_indices(x, p);
  poolkit::max_pool2d_with_indices(x, y, idx, p);
  EXPECT_TRUE(same(values, y) && same(indices, idx));
  const auto min_pair = poolkit::min_pool2d_with_indices(x, p);
  poolkit::min_pool2d_with_indices(x, y, idx, p);
  EXPECT_TRUE(same(min_pair.values, y) && same(min_pair.indices, idx));
  const tensor<float> by_params = poolkit::max_unpool2d(values, indices, p);
  const tensor<float> by_size = poolkit::max_unpool2d(values, indices, {9, 8});
  tensor<float> into(by_size.extents());
  poolkit::max_unpool2d(values, indices, into);
  EXPECT_EQ(by_params.extents(), (extents4{2, 3, 8, 8}));  // the default output size
  EXPECT_TRUE(same(by_size, into));
  const tensor<index_t> onnx = poolkit::to_onnx_indices(indices, x.extents());
  EXPECT_TRUE(same(poolkit::to_pytorch_indices(onnx, x.extents()), indices));
}

TEST(ApiTable, AdaptiveGlobalAndPyramid) {
  const auto x = input();
  const hw size{4, 3};
  tensor<float> y({2, 3, 4, 3});
  poolkit::adaptive_max_pool2d(x, y);
  EXPECT_TRUE(same(poolkit::adaptive_max_pool2d(x, size), y));
  poolkit::adaptive_min_pool2d(x, y);
  EXPECT_TRUE(same(poolkit::adaptive_min_pool2d(x, size), y));
  poolkit::adaptive_sum_pool2d(x, y);
  EXPECT_TRUE(same(poolkit::adaptive_sum_pool2d(x, size), y));
  poolkit::adaptive_avg_pool2d(x, y);
  EXPECT_TRUE(same(poolkit::adaptive_avg_pool2d(x, size), y));
  poolkit::adaptive_pool2d(x, y, poolkit::reduce::lp<float>(3));
  EXPECT_TRUE(same(poolkit::adaptive_pool2d(x, size, poolkit::reduce::lp<float>(3)), y));
  tensor<index_t> idx({2, 3, 4, 3});
  const auto pair = poolkit::adaptive_max_pool2d_with_indices(x, size);
  poolkit::adaptive_max_pool2d_with_indices(x, y, idx);
  EXPECT_TRUE(same(pair.values, y) && same(pair.indices, idx));
  tensor<float> g({2, 3, 1, 1});
  poolkit::adaptive_avg_pool2d(x, g);
  EXPECT_TRUE(same(poolkit::global_avg_pool2d(x), g));
  poolkit::adaptive_max_pool2d(x, g);
  EXPECT_TRUE(same(poolkit::global_max_pool2d(x), g));
  EXPECT_TRUE(same(poolkit::global_pool2d(x, poolkit::reduce::max<float>{}), g));
  poolkit::adaptive_min_pool2d(x, g);
  EXPECT_TRUE(same(poolkit::global_min_pool2d(x), g));
  poolkit::adaptive_sum_pool2d(x, g);
  EXPECT_TRUE(same(poolkit::global_sum_pool2d(x), g));
  tensor<float> pyramid({2, 3 * 21, 1, 1});
  poolkit::spatial_pyramid_pool2d(x, pyramid);
  EXPECT_TRUE(same(poolkit::spatial_pyramid_pool2d(x), pyramid));
  poolkit::spatial_pyramid_pool2d(x, pyramid, {1, 2, 4}, poolkit::reduce::avg<float>{},
                                  poolkit::spp_bin_rule::adaptive);
  EXPECT_TRUE(same(poolkit::spatial_pyramid_pool2d(x, {1, 2, 4}, poolkit::reduce::avg<float>{},
                                                   poolkit::spp_bin_rule::adaptive),
                   pyramid));
}

TEST(ApiTable, StochasticAndFractional) {
  const auto x = input();
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const extents4 out = poolkit::pool2d_output_extents(x.extents(), p);
  tensor<float> y(out);
  tensor<index_t> idx(out);
  const auto drawn = poolkit::stochastic_pool2d(x, p, poolkit::stochastic_mode::training, 9);
  poolkit::stochastic_pool2d(x, y, idx, p, poolkit::stochastic_mode::training, 9);
  EXPECT_TRUE(same(drawn.values, y) && same(drawn.indices, idx));
  const poolkit::fractional_max_params fp{.kernel = {2, 2}, .output_size = {5, 4}};
  const tensor<float> samples = poolkit::fractional_samples<float>(2, 3, 4);
  const auto by_samples = poolkit::fractional_max_pool2d(x, fp, samples);
  EXPECT_TRUE(same(poolkit::fractional_max_pool2d(x, fp, 4).values, by_samples.values));
  tensor<float> fy({2, 3, 5, 4});
  tensor<index_t> fi({2, 3, 5, 4});
  poolkit::fractional_max_pool2d(x, fy, fi, fp, samples);
  EXPECT_TRUE(same(by_samples.values, fy) && same(by_samples.indices, fi));
  const poolkit::fractional_ratio_params rp{.pooling_ratio = {1.5, 1.4}, .overlapping = true};
  const auto seeded = poolkit::fractional_max_pool2d(x, rp, 3);
  const auto again = poolkit::fractional_max_pool2d(x, rp, seeded.sequences);
  EXPECT_TRUE(same(seeded.values, again.values) && same(seeded.indices, again.indices));
  const auto sequences = poolkit::fractional_pooling_sequences({9, 8}, rp, 3);
  const auto avg = poolkit::fractional_avg_pool2d(x, rp, sequences);
  EXPECT_TRUE(same(poolkit::fractional_avg_pool2d(x, rp, 3).values, avg.values));
}

TEST(ApiTable, BackwardPasses) {
  const auto x = input();  // {2, 3, 9, 8}
  const hw size{9, 8};
  const poolkit::pool2d_params p{.kernel = {3, 2}, .stride = {2, 2}, .padding = {1, 0}};
  tensor<float> dx(x.extents());
  const auto [y, idx] = poolkit::max_pool2d_with_indices(x, p);
  const tensor<float>& dy = y;  // a gradient of the forward's output shape
  poolkit::max_pool2d_backward(dy, idx, dx);
  EXPECT_TRUE(same(poolkit::max_pool2d_backward(dy, idx, size), dx));
  EXPECT_TRUE(same(*poolkit::try_max_pool2d_backward(dy, idx, size), dx));
  poolkit::avg_pool2d_backward(dy, dx, p);
  EXPECT_TRUE(same(poolkit::avg_pool2d_backward(dy, size, p), dx));
  poolkit::sum_pool2d_backward(dy, dx, p);
  EXPECT_TRUE(same(poolkit::sum_pool2d_backward(dy, size, p), dx));
  poolkit::adaptive_avg_pool2d_backward(dy, dx);
  EXPECT_TRUE(same(poolkit::adaptive_avg_pool2d_backward(dy, size), dx));
  poolkit::adaptive_sum_pool2d_backward(dy, dx);
  EXPECT_TRUE(same(poolkit::adaptive_sum_pool2d_backward(dy, size), dx));
  const auto g = poolkit::global_avg_pool2d(x);
  poolkit::global_avg_pool2d_backward(g, dx);
  EXPECT_TRUE(same(poolkit::global_avg_pool2d_backward(g, size), dx));
  poolkit::global_sum_pool2d_backward(g, dx);
  EXPECT_TRUE(same(poolkit::global_sum_pool2d_backward(g, size), dx));
  const auto l2 = poolkit::l2_pool2d(x, p);
  poolkit::l2_pool2d_backward(dy, x, l2, dx, p);
  EXPECT_TRUE(same(poolkit::l2_pool2d_backward(dy, x, l2, p), dx));
  const auto lp = poolkit::lp_pool2d(x, 3.0, p);
  poolkit::lp_pool2d_backward(dy, x, lp, dx, 3.0, p);
  EXPECT_TRUE(same(poolkit::lp_pool2d_backward(dy, x, lp, 3.0, p), dx));
  const auto pavg = poolkit::power_avg_pool2d(x, 3.0, p);
  poolkit::power_avg_pool2d_backward(dy, x, pavg, dx, 3.0, p);
  EXPECT_TRUE(same(poolkit::power_avg_pool2d_backward(dy, x, pavg, 3.0, p), dx));
  const poolkit::fractional_ratio_params rp{.pooling_ratio = {1.5, 1.4}};
  const auto fractional = poolkit::fractional_avg_pool2d(x, rp, 3);
  poolkit::fractional_avg_pool2d_backward(fractional.values, dx, fractional.sequences, false);
  EXPECT_TRUE(same(
      poolkit::fractional_avg_pool2d_backward(fractional.values, size, fractional.sequences, false),
      dx));
  const auto unpooled = poolkit::max_unpool2d(y, idx, size);
  tensor<float> dvalues(idx.extents());
  poolkit::max_unpool2d_backward(unpooled, idx, dvalues);
  EXPECT_TRUE(same(poolkit::max_unpool2d_backward(unpooled, idx), dvalues));
  // Unpooling's gradient gathers the values back: max_pool2d's own values.
  EXPECT_TRUE(same(dvalues, y));
}

}  // namespace
