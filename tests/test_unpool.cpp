// max_unpool2d and the index-convention converters.
#include "reference_params.hpp"
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

/// u must be the scatter of x's window maxima to where the reference (not poolkit's own
/// indices) finds them, zeros elsewhere: max_pool2d then max_unpool2d with parameters p.
void expect_inverse(const poolkit::tensor<float>& u, const poolkit::tensor<float>& x,
                    const poolkit::pool2d_params& p) {
  const ref::params rp = ref::from(p);
  const index_t H = x.extent(2), W = x.extent(3);
  const index_t OH = ref::output_size(H, rp.kh, rp.sh, rp.dh, rp.pbh, rp.peh, rp.ceil_mode);
  const index_t OW = ref::output_size(W, rp.kw, rp.sw, rp.dw, rp.pbw, rp.pew, rp.ceil_mode);
  for (index_t n = 0; n < u.extent(0); ++n)
    for (index_t c = 0; c < u.extent(1); ++c) {
      std::vector<float> want(static_cast<std::size_t>(u.extent(2) * u.extent(3)), 0.0f);
      for (index_t oh = 0; oh < OH; ++oh)
        for (index_t ow = 0; ow < OW; ++ow) {
          const auto m = ref::pool_one<float>([&](index_t h, index_t w) { return x(n, c, h, w); },
                                              H, W, oh, ow, rp, ref::op::max);
          if (m.index >= 0)
            want[static_cast<std::size_t>((m.index / W) * u.extent(3) + m.index % W)] = m.value;
        }
      for (index_t h = 0; h < u.extent(2); ++h)
        for (index_t w = 0; w < u.extent(3); ++w)
          ASSERT_EQ(u(n, c, h, w), want[static_cast<std::size_t>(h * u.extent(3) + w)])
              << h << "," << w;
    }
}

TEST(Unpool, InvertsMaxPoolPositions) {
  const auto x = random_tensor({2, 3, 6, 6}, 7);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, p);
  auto u = poolkit::max_unpool2d(y, idx, p);
  // Default size (in - 1) * s - 2p + k = (3 - 1) * 2 + 2 = 6 by 6.
  ASSERT_EQ(u.extents(), x.extents());
  expect_inverse(u, x, p);
}

TEST(Unpool, ExplicitSizeRecoversAnOddInput) {
  // 7 wide: the default size would be 6, so pass the input size, as PyTorch users do.
  const auto x = random_tensor({1, 2, 5, 7}, 9);
  auto [y, idx] = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}});
  auto u = poolkit::max_unpool2d(y, idx, poolkit::hw{5, 7});
  ASSERT_EQ(u.extents(), x.extents());
  expect_inverse(u, x, {.kernel = {2, 2}});
}

TEST(Unpool, DefaultOutputSizeForEveryWindowOption) {
  // (in - 1) * s - pb - pe + d * (k - 1) + 1 per axis (SPEC section 2, written here from
  // the formula), for kernels, strides, asymmetric padding and dilation of every size;
  // then the scatter of indices the test draws itself (any position of the plane, -1 for
  // none), against a plain loop.
  std::mt19937 rng(17);
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const auto draw = [&](int lo, int hi) {
      return static_cast<index_t>(lo +
                                  static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1)));
    };
    poolkit::pool2d_params p{.kernel = {draw(1, 5), draw(1, 5)},
                             .stride = {draw(1, 4), draw(1, 4)},
                             .dilation = {draw(1, 3), draw(1, 3)}};
    const index_t eh = p.dilation.h * (p.kernel.h - 1) + 1,
                  ew = p.dilation.w * (p.kernel.w - 1) + 1;
    p.padding = {draw(0, static_cast<int>(eh) - 1), draw(0, static_cast<int>(ew) - 1)};
    if (rng() % 2)
      p.padding_end =
          poolkit::hw{draw(0, static_cast<int>(eh) - 1), draw(0, static_cast<int>(ew) - 1)};
    const poolkit::hw pe = p.effective_padding_end();
    const poolkit::extents4 in{1 + draw(0, 1), 1 + draw(0, 2), draw(1, 5), draw(1, 5)};
    const index_t OH = (in[2] - 1) * p.effective_stride().h - p.padding.h - pe.h + eh;
    const index_t OW = (in[3] - 1) * p.effective_stride().w - p.padding.w - pe.w + ew;
    poolkit::tensor<float> values(in);
    for (auto& v : values.values()) v = static_cast<float>(draw(-50, 50));
    poolkit::tensor<index_t> idx(in);
    if (OH < 1 || OW < 1) {
      test::expect_error([&] { (void)poolkit::max_unpool2d(values, idx, p); },
                         {"poolkit::max_unpool2d"});
      continue;
    }
    for (auto& i : idx.values())
      i = rng() % 5 == 0 ? -1 : static_cast<index_t>(rng() % static_cast<unsigned>(OH * OW));
    const auto u = poolkit::max_unpool2d(values, idx, p);
    ASSERT_EQ(u.extents(), (poolkit::extents4{in[0], in[1], OH, OW})) << "trial " << trial;
    for (index_t n = 0; n < in[0]; ++n)
      for (index_t c = 0; c < in[1]; ++c) {
        std::vector<float> want(static_cast<std::size_t>(OH * OW), 0.0f);
        for (index_t h = 0; h < in[2]; ++h)
          for (index_t w = 0; w < in[3]; ++w)
            if (idx(n, c, h, w) >= 0)
              want[static_cast<std::size_t>(idx(n, c, h, w))] = values(n, c, h, w);
        for (index_t i = 0; i < OH * OW; ++i)
          ASSERT_EQ(u(n, c, i / OW, i % OW), want[static_cast<std::size_t>(i)])
              << "trial " << trial << " at " << i;
      }
    ++checked;
  }
  EXPECT_GT(checked, 250);
}

TEST(Unpool, BracedSizeAsTheReadmeWritesIt) {
  // README: max_unpool2d(values, indices, {H, W}); a braced pair once matched both the
  // size and the pool2d_params overloads. Both forms, and designated parameters still
  // meaning pool2d_params.
  const auto x = random_tensor({1, 2, 5, 7}, 11);
  const auto pooled = poolkit::max_pool2d_with_indices(x, {.kernel = {2, 2}});
  const auto& y = pooled.values;
  const auto& idx = pooled.indices;
  const auto braced = poolkit::max_unpool2d(y, idx, {5, 7});
  EXPECT_EQ(braced.extents(), (poolkit::extents4{1, 2, 5, 7}));
  EXPECT_EQ(test::values_of(braced),
            test::values_of(poolkit::max_unpool2d(y, idx, poolkit::hw{5, 7})));
  const auto tried = poolkit::try_max_unpool2d(y, idx, {5, 7});
  ASSERT_TRUE(tried);
  EXPECT_EQ(test::values_of(*tried), test::values_of(braced));
  const auto by_params = poolkit::max_unpool2d(y, idx, {.kernel = {2, 2}});
  EXPECT_EQ(by_params.extents(), (poolkit::extents4{1, 2, 4, 6}));  // (in - 1) * 2 + 2
  test::expect_error(
      [&] {
        (void)poolkit::max_unpool2d(y, idx, {1, 7});
      },
      {"poolkit::max_unpool2d"});
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
  EXPECT_EQ(poolkit::to_onnx_indices(none, {0, 2, 4, 4}).extents(),
            (poolkit::extents4{0, 2, 2, 2}));
  EXPECT_EQ(poolkit::to_pytorch_indices(none, {0, 2, 4, 4}).extents(),
            (poolkit::extents4{0, 2, 2, 2}));
  test::expect_error(
      [&] {
        (void)poolkit::to_onnx_indices(none, {0, 2, 0, 4});
      },
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
              const auto want =
                  ref::pool_one<float>([&](ref::i64 h, ref::i64 w) { return x(0, c, h, w); }, 5,
                                       width, oh, ow, r, ref::op::max);
              ASSERT_EQ(y(0, c, oh, ow), want.value) << width << " " << pad_left << " " << ow;
              ASSERT_EQ(idx(0, c, oh, ow), want.index) << width << " " << pad_left << " " << ow;
            }
      }
    }
  }
}

}  // namespace
