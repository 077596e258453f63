// The tensor view, the owning tensor, the parameters and the output-size rule.
#include "test_support.hpp"

#include <numeric>
#include <type_traits>

namespace {

using poolkit::extents4;
using poolkit::index_t;
using poolkit::nchw_view;

static_assert(std::is_trivially_copyable_v<nchw_view<float>>);
static_assert(std::is_trivially_copyable_v<nchw_view<const double>>);
static_assert(std::is_convertible_v<nchw_view<float>, nchw_view<const float>>);
static_assert(!std::is_convertible_v<nchw_view<const float>, nchw_view<float>>);
static_assert(std::is_convertible_v<const poolkit::tensor<float>&, nchw_view<const float>>);

TEST(View, ContiguousStridesAndAccess) {
  std::vector<float> v(2 * 3 * 4 * 5);
  std::iota(v.begin(), v.end(), 0.0f);
  nchw_view<const float> x(v.data(), {2, 3, 4, 5});
  EXPECT_EQ(x.strides(), (extents4{60, 20, 5, 1}));
  EXPECT_EQ(x.extent(2), 4);
  EXPECT_EQ(x.stride(1), 20);
  EXPECT_EQ(x.data_handle(), v.data());
  EXPECT_EQ(x(1, 2, 3, 4), 119.0f);
  EXPECT_EQ(x.size(), 120);
  EXPECT_TRUE(x.is_contiguous());
}

TEST(View, StridedChannelSlice) {
  std::vector<float> v(2 * 3 * 4 * 5);
  std::iota(v.begin(), v.end(), 0.0f);
  // Channels 1..2 of a 2x3x4x5 tensor.
  nchw_view<const float> x(v.data() + 20, {2, 2, 4, 5}, {60, 20, 5, 1});
  EXPECT_EQ(x(0, 0, 0, 0), 20.0f);
  EXPECT_EQ(x(1, 1, 3, 4), 119.0f);
  EXPECT_FALSE(x.is_contiguous());
  nchw_view<float> mutable_view(v.data(), {2, 3, 4, 5});
  nchw_view<const float> as_const = mutable_view;
  EXPECT_EQ(as_const(1, 0, 0, 0), 60.0f);
}

TEST(Tensor, OwnsAlignedZeroedMemoryWithValueSemantics) {
  poolkit::tensor<float> t({1, 2, 3, 3});
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data_handle()) % 64, 0u);
  EXPECT_TRUE(std::all_of(t.values().begin(), t.values().end(), [](float f) { return f == 0; }));
  t(0, 1, 2, 2) = 5;
  poolkit::tensor<float> copy = t;
  copy(0, 1, 2, 2) = 7;
  EXPECT_EQ(t(0, 1, 2, 2), 5.0f);
  EXPECT_EQ(t.stride(0), 18);
  poolkit::tensor<float> moved = std::move(copy);
  EXPECT_EQ(moved(0, 1, 2, 2), 7.0f);
  EXPECT_EQ(copy.size(), 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
  nchw_view<const float> v = t;
  EXPECT_EQ(v(0, 1, 2, 2), 5.0f);
}

// ---- output size (SPEC section 2) ----

extents4 out(extents4 in, const poolkit::pool2d_params& p) {
  return poolkit::pool2d_output_extents(in, p);
}

TEST(OutputSize, FloorAndCeil) {
  EXPECT_EQ(out({1, 1, 5, 5}, {.kernel = {2, 2}}), (extents4{1, 1, 2, 2}));
  EXPECT_EQ(out({1, 1, 5, 5}, {.kernel = {2, 2}, .ceil_mode = true}), (extents4{1, 1, 3, 3}));
  // 112x112, 3x3 s2 p1: 56x56 (ResNet stem).
  EXPECT_EQ(out({1, 64, 112, 112}, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}}),
            (extents4{1, 64, 56, 56}));
}

TEST(OutputSize, CeilClipAppliesWithZeroPadding) {
  // in = 6, k = 1, s = 2, ceil: 3 windows, not 4 (SPEC; pytorch/pytorch#45357).
  EXPECT_EQ(out({1, 1, 6, 6}, {.kernel = {1, 1}, .stride = {2, 2}, .ceil_mode = true}),
            (extents4{1, 1, 3, 3}));
  // With padding: in = 5, k = 2, s = 2, p = 1, ceil: (5 + 2 - 2 + 1) / 2 + 1 = 4, but the
  // 4th window would start at 6 - 1 = 5 >= in: clipped to 3.
  EXPECT_EQ(out({1, 1, 5, 5}, {.kernel = {2, 2}, .padding = {1, 1}, .ceil_mode = true}),
            (extents4{1, 1, 3, 3}));
}

TEST(OutputSize, DilationAndAsymmetricPadding) {
  // eff = 2 * (3 - 1) + 1 = 5: (10 + 1 + 2 - 5) / 1 + 1 = 9.
  EXPECT_EQ(out({1, 1, 10, 10}, {.kernel = {3, 3},
                                 .stride = {1, 1},
                                 .padding = {1, 0},
                                 .padding_end = {2, 0},
                                 .dilation = {2, 2}}),
            (extents4{1, 1, 9, 6}));
}

TEST(OutputSize, StrideDefaultsToKernelAndPaddingEndToPadding) {
  poolkit::pool2d_params p{.kernel = {3, 2}, .padding = {1, 1}};
  EXPECT_EQ(p.effective_stride(), (poolkit::hw{3, 2}));
  EXPECT_EQ(p.effective_padding_end(), (poolkit::hw{1, 1}));
  p.padding_end = {0, 1};
  EXPECT_EQ(p.effective_padding_end(), (poolkit::hw{0, 1}));
}

// ---- auto_pad (ONNX / TensorFlow) ----

TEST(AutoPad, SameUpperPutsTheOddPadAtTheEnd) {
  // in = 5, k = 2, s = 2: out = 3, total = (3 - 1) * 2 + 2 - 5 = 1.
  auto p = poolkit::apply_auto_pad({.kernel = {2, 2}, .stride = {2, 2}}, {5, 5},
                                   poolkit::auto_pad::same_upper);
  EXPECT_EQ(p.padding, (poolkit::hw{0, 0}));
  EXPECT_EQ(p.effective_padding_end(), (poolkit::hw{1, 1}));
  EXPECT_EQ(out({1, 1, 5, 5}, p), (extents4{1, 1, 3, 3}));
}

TEST(AutoPad, SameLowerPutsTheOddPadAtTheBeginning) {
  auto p = poolkit::apply_auto_pad({.kernel = {2, 3}, .stride = {2, 1}}, {5, 7},
                                   poolkit::auto_pad::same_lower);
  EXPECT_EQ(p.padding, (poolkit::hw{1, 1}));
  EXPECT_EQ(p.effective_padding_end(), (poolkit::hw{0, 1}));
  EXPECT_EQ(out({1, 1, 5, 7}, p), (extents4{1, 1, 3, 7}));
}

TEST(AutoPad, SameKeepsCeilOfInputOverStrideForManySizes) {
  for (index_t in = 1; in <= 30; ++in)
    for (index_t k = 1; k <= 5; ++k)
      for (index_t s = 1; s <= 4; ++s)
        for (index_t d = 1; d <= 3; ++d)
          for (auto mode : {poolkit::auto_pad::same_upper, poolkit::auto_pad::same_lower}) {
            auto p = poolkit::apply_auto_pad(
                {.kernel = {k, k}, .stride = {s, s}, .dilation = {d, d}}, {in, in}, mode);
            const index_t expected = (in + s - 1) / s;
            EXPECT_EQ(out({1, 1, in, in}, p)[2], expected) << in << " " << k << " " << s;
            const index_t total = p.padding.h + p.effective_padding_end().h;
            EXPECT_LE(p.padding.h - p.effective_padding_end().h, 1);
            EXPECT_GE(p.padding.h - p.effective_padding_end().h, -1);
            EXPECT_EQ(total, std::max<index_t>(0, (expected - 1) * s + d * (k - 1) + 1 - in));
          }
}

TEST(AutoPad, ValidMeansNoPadding) {
  auto p = poolkit::apply_auto_pad({.kernel = {3, 3}, .padding = {1, 1}, .ceil_mode = true}, {7, 7},
                                   poolkit::auto_pad::valid);
  EXPECT_EQ(p.padding, (poolkit::hw{0, 0}));
  EXPECT_FALSE(p.ceil_mode);
  EXPECT_EQ(out({1, 1, 7, 7}, p), (extents4{1, 1, 2, 2}));
}

}  // namespace
