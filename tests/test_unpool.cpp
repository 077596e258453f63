// max_unpool2d and the index-convention converters.
#include "reference.hpp"
#include "test_support.hpp"

#include <numeric>

namespace {

using poolkit::index_t;

poolkit::tensor<float> random_tensor(const poolkit::extents4& e, unsigned seed) {
  poolkit::tensor<float> x(e);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-5, 5);
  for (auto& v : x.values()) v = d(rng);
  return x;
}

/// u must hold each window's maximum where x had it, zeros elsewhere (k = s = 2).
void expect_inverse(const poolkit::tensor<float>& u, const poolkit::tensor<float>& y,
                    const poolkit::tensor<index_t>& idx) {
  for (index_t n = 0; n < u.extent(0); ++n)
    for (index_t c = 0; c < u.extent(1); ++c)
      for (index_t h = 0; h < u.extent(2); ++h)
        for (index_t w = 0; w < u.extent(3); ++w) {
          const bool pooled = h / 2 < y.extent(2) && w / 2 < y.extent(3);
          const bool is_max = pooled && idx(n, c, h / 2, w / 2) == h * u.extent(3) + w;
          EXPECT_EQ(u(n, c, h, w), is_max ? y(n, c, h / 2, w / 2) : 0.0f) << h << "," << w;
        }
}

TEST(Unpool, InvertsMaxPoolPositions) {
  const auto x = random_tensor({2, 3, 6, 6}, 7);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, p);
  auto u = poolkit::max_unpool2d(y, idx, p);
  // Default size (in - 1) * s - 2p + k = (3 - 1) * 2 + 2 = 6 by 6.
  ASSERT_EQ(u.extents(), x.extents());
  expect_inverse(u, y, idx);
}

TEST(Unpool, ExplicitSizeRecoversAnOddInput) {
  // 7 wide: the default size would be 6, so pass the input size, as PyTorch users do.
  const auto x = random_tensor({1, 2, 5, 7}, 9);
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}});
  auto u = poolkit::max_unpool2d(y, idx, poolkit::hw{5, 7});
  ASSERT_EQ(u.extents(), x.extents());
  expect_inverse(u, y, idx);
}

TEST(Unpool, ExplicitSizeIntoAStridedView) {
  auto values = test::make_tensor<float>({1, 1, 1, 3}, {7, 8, 9});
  auto indices = test::make_tensor<index_t>({1, 1, 1, 3}, {0, 5, -1});
  test::embedded<float> y({1, 1, 2, 3}, {0, 1, 1, 2}, {0, 1, 0, 1}, {0, 1, 2, 3}, -1.0f);
  poolkit::max_unpool2d(values, indices, y.view);
  EXPECT_EQ(y.view(0, 0, 0, 0), 7.0f);
  EXPECT_EQ(y.view(0, 0, 1, 2), 8.0f);
  EXPECT_EQ(y.view(0, 0, 0, 1), 0.0f);  // -1 scatters nothing
  EXPECT_TRUE(y.outside_untouched(-1.0f));
}

TEST(Unpool, DuplicateIndicesLastInScanOrderWins) {
  auto values = test::make_tensor<float>({1, 1, 1, 2}, {3, 4});
  auto indices = test::make_tensor<index_t>({1, 1, 1, 2}, {1, 1});
  auto u = poolkit::max_unpool2d(values, indices, poolkit::hw{1, 2});
  EXPECT_EQ(u(0, 0, 0, 1), 4.0f);
}

TEST(Indices, ConvertersRoundTrip) {
  const poolkit::extents4 in{2, 3, 4, 5};
  poolkit::tensor<index_t> plane({2, 3, 2, 2});
  std::mt19937 rng(3);
  std::uniform_int_distribution<index_t> d(-1, 19);
  for (auto& v : plane.values()) v = d(rng);
  auto global = poolkit::to_onnx_indices(plane, in);
  for (index_t n = 0; n < 2; ++n)
    for (index_t c = 0; c < 3; ++c)
      for (index_t h = 0; h < 2; ++h)
        for (index_t w = 0; w < 2; ++w) {
          const index_t i = plane(n, c, h, w);
          EXPECT_EQ(global(n, c, h, w), i == -1 ? -1 : (n * 3 + c) * 20 + i);
        }
  auto back = poolkit::to_pytorch_indices(global, in);
  EXPECT_TRUE(std::equal(back.values().begin(), back.values().end(), plane.values().begin()));
}

TEST(Indices, OnnxIndicesPointAtTheMaximaOfTheWholeTensor) {
  poolkit::tensor<double> x({2, 2, 3, 3});
  std::iota(x.values().begin(), x.values().end(), 0.0);
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}, .stride = {1, 1}});
  auto global = poolkit::to_onnx_indices(idx, x.extents());
  for (std::size_t i = 0; i < static_cast<std::size_t>(y.size()); ++i)
    EXPECT_EQ(x.values()[static_cast<std::size_t>(global.values()[i])], y.values()[i]);
}


// An empty batch converts to an empty batch, as it pools and unpools to one (found by
// fuzz/fuzz_unpool.cpp: the converters refused what max_unpool2d accepted); an empty
// plane is refused.
TEST(IndexConversion, EmptyBatchIsValidEmptyPlaneIsNot) {
  const poolkit::tensor<poolkit::index_t> none({0, 2, 2, 2});
  EXPECT_EQ(poolkit::to_onnx_indices(none, {0, 2, 4, 4}).extents(), (poolkit::extents4{0, 2, 2, 2}));
  EXPECT_EQ(poolkit::to_pytorch_indices(none, {0, 2, 4, 4}).extents(), (poolkit::extents4{0, 2, 2, 2}));
  test::expect_error([&] { (void)poolkit::to_onnx_indices(none, {0, 2, 0, 4}); },
                     {"poolkit::to_onnx_indices", "input_extents = {0, 2, 0, 4}", "H and W >= 1"});
}

// Rows in the padding read a row of identity elements. The selection kernels load a
// pair per tap for stride 2, one element further than the regular kernels' shared pair:
// with 2-wide windows and an input wider than the outputs' reach, that identity row was
// one element short (found by AddressSanitizer; without it the read goes unnoticed).
TEST(Indices, PaddingRowsOfTwoWideStrideTwoWindowsOnEveryInstructionSet) {
  for (const index_t width : {32, 33, 64, 65}) {
    for (const index_t pad_left : {0, 1}) {
      const auto x = random_tensor({1, 2, 5, width}, static_cast<unsigned>(width + pad_left));
      const poolkit::pool2d_params p{.kernel = {2, 2}, .stride = {2, 2}, .padding = {1, pad_left}};
      ref::params r;
      r.kh = r.kw = 2;
      r.sh = r.sw = 2;
      r.pbh = r.peh = 1;
      r.pbw = r.pew = pad_left;
      for (const auto isa : poolkit::available_instruction_sets()) {
        auto [y, idx] = poolkit::max_pool2d_with_indices(x, p, {.isa = isa, .threads = 1});
        for (index_t c = 0; c < 2; ++c)
          for (index_t oh = 0; oh < y.extent(2); ++oh)
            for (index_t ow = 0; ow < y.extent(3); ++ow) {
              const auto want = ref::pool_one<float>(
                  [&](ref::i64 h, ref::i64 w) { return x(0, c, h, w); }, 5, width, oh, ow, r,
                  ref::op::max);
              ASSERT_EQ(y(0, c, oh, ow), want.value) << width << " " << pad_left << " " << ow;
              ASSERT_EQ(idx(0, c, oh, ow), want.index) << width << " " << pad_left << " " << ow;
            }
      }
    }
  }
}

}  // namespace
