// Tensors past 2^31 elements: every extent, stride, offset and index is 64-bit
// (poolkit::index_t). The input is an anonymous mapping of 8 GiB that is never written
// except for one page near its end; reading the rest maps the kernel's shared zero page,
// so the test needs little real memory.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstdint>
#include <limits>

#include <poolkit/ops/adaptive.hpp>
#include <poolkit/ops/indices.hpp>

namespace {

using poolkit::index_t;

constexpr index_t height = 32768;
constexpr index_t width = 65537;  // height * width = 2^31 + 32768 elements
constexpr index_t elements = height * width;
static_assert(elements > (index_t{1} << 31));

/// A read-write mapping of zeros, not backed by memory until written.
class zero_mapping {
 public:
  explicit zero_mapping(std::size_t bytes) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<float*>(p);
  }
  zero_mapping(const zero_mapping&) = delete;
  zero_mapping& operator=(const zero_mapping&) = delete;
  ~zero_mapping() {
    if (data_) munmap(data_, bytes_);
  }
  float* data() const { return data_; }

 private:
  std::size_t bytes_;
  float* data_ = nullptr;
};

class LargeTensor : public testing::Test {
 protected:
  void SetUp() override {
    if (!memory_.data()) GTEST_SKIP() << "could not map 8 GiB of address space";
  }
  poolkit::nchw_view<float> view() const {
    return poolkit::nchw_view<float>(memory_.data(), {1, 1, height, width});
  }
  zero_mapping memory_{static_cast<std::size_t>(elements) * sizeof(float)};
};

TEST_F(LargeTensor, GlobalPoolingOverMoreThanTwoToTheThirtyOneElements) {
  auto x = view();
  // Past element 2^31: the largest value, and a run of ones to count.
  x(0, 0, height - 1, width - 2) = 7.0f;
  for (index_t w = 0; w < 100; ++w) x(0, 0, height - 2, w) = 1.0f;
  const poolkit::nchw_view<const float> in = x;
  EXPECT_EQ(poolkit::global_max_pool2d(in)(0, 0, 0, 0), 7.0f);
  EXPECT_EQ(poolkit::global_sum_pool2d(in)(0, 0, 0, 0), 107.0f);
}

TEST_F(LargeTensor, MaxPoolIndicesPastTwoToTheThirtyOne) {
  auto x = view();
  const index_t h = height - 1, w = width - 3;
  x(0, 0, h, w) = 5.0f;
  const index_t flat = h * width + w;
  ASSERT_GT(flat, index_t{1} << 31);
  // 512 x 1024 windows: a 64 x 64 output (the last column of windows drops the last
  // input column: 65537 = 64 * 1024 + 1).
  const poolkit::pool2d_params p{.kernel = {512, 1024}};
  const auto r = poolkit::max_pool2d_with_indices(poolkit::nchw_view<const float>(x), p);
  ASSERT_EQ(r.values.extents(), (poolkit::extents4{1, 1, 64, 64}));
  EXPECT_EQ(r.values(0, 0, 63, 63), 5.0f);
  EXPECT_EQ(r.indices(0, 0, 63, 63), flat);
  // Another window's maximum past 2^31, and an all-zero window that picks its first tap
  // (ties keep the first).
  x(0, 0, h, 62 * 1024 + 5) = 2.0f;
  const auto again = poolkit::max_pool2d_with_indices(poolkit::nchw_view<const float>(x), p);
  EXPECT_EQ(again.values(0, 0, 63, 62), 2.0f);
  EXPECT_EQ(again.indices(0, 0, 63, 62), h * width + 62 * 1024 + 5);
  EXPECT_EQ(again.values(0, 0, 62, 62), 0.0f);
  EXPECT_EQ(again.indices(0, 0, 62, 62), 62 * 512 * width + 62 * 1024);
  // The same index survives the ONNX conversion (N = C = 1: whole-tensor and per-plane
  // numbering coincide) and the conversion back. (Unpooling to this size would write
  // 8 GiB of zeros: its index range checks are int64 like these, test_unpool.cpp.)
  const auto onnx = poolkit::to_onnx_indices(r.indices, x.extents());
  EXPECT_EQ(onnx(0, 0, 63, 63), flat);
  const auto back = poolkit::to_pytorch_indices(onnx, x.extents());
  EXPECT_EQ(back(0, 0, 63, 63), flat);
  EXPECT_EQ(back(0, 0, 0, 0), r.indices(0, 0, 0, 0));
}

}  // namespace

// Windows far larger than the input are valid (padding below the effective kernel): a
// 2^40 dilation, a 10^6-tap kernel. The fuzzer found the vector kernels asking for 80 TB
// of scratch and folding every padded tap for such windows; they now run the generic
// kernels, with the same results as the reference.
TEST(LargeGeometry, WindowsFarBeyondTheInput) {
  poolkit::tensor<float> x({1, 2, 5, 40});
  for (index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>((i * 13) % 17) - 8.0f;
  const index_t far = index_t{1} << 40;
  const poolkit::pool2d_params cases[] = {
      {.kernel = {2, 2}, .stride = {1, far}, .padding = {1, far}, .dilation = {1, far}},
      {.kernel = {3, 1000000}, .stride = {2, 1000000}, .padding = {1, 999999}},
      {.kernel = {far, 3}, .stride = {far, 1}, .padding = {far - 1, 1}, .count_include_pad = false},
      // Both axes far: the padded tap count (2^80) saturates; a huge vertical stride.
      {.kernel = {far, far}, .stride = {far, far}, .padding = {far - 1, far - 1}},
      {.kernel = {2, 2}, .stride = {index_t{1} << 62, 3}},
  };
  for (const auto& p : cases) {
    const auto want_sum =
        poolkit::sum_pool2d(x, p, {.isa = poolkit::instruction_set::scalar, .threads = 1});
    const auto extents = want_sum.extents();
    EXPECT_LE(extents[2] * extents[3], 200);
    for (auto isa : poolkit::available_instruction_sets()) {
      const poolkit::policy pol{.isa = isa, .threads = 2};
      const auto sum = poolkit::sum_pool2d(x, p, pol);
      const auto avg = poolkit::avg_pool2d(x, p, pol);
      const auto max = poolkit::max_pool2d_with_indices(x, p, pol);
      // Each output against a direct loop over the in-bounds taps only.
      for (index_t c = 0; c < 2; ++c)
        for (index_t oh = 0; oh < extents[2]; ++oh)
          for (index_t ow = 0; ow < extents[3]; ++ow) {
            float s = 0, m = -std::numeric_limits<float>::infinity();
            index_t at = -1, taps = 0;
            for (index_t h = 0; h < 5; ++h)
              for (index_t w = 0; w < 40; ++w) {
                const index_t dh = h - (oh * p.effective_stride().h - p.padding.h);
                const index_t dw = w - (ow * p.effective_stride().w - p.padding.w);
                if (dh < 0 || dw < 0 || dh % p.dilation.h != 0 || dw % p.dilation.w != 0 ||
                    dh / p.dilation.h >= p.kernel.h || dw / p.dilation.w >= p.kernel.w)
                  continue;
                s += x(0, c, h, w);
                ++taps;
                if (x(0, c, h, w) > m) {
                  m = x(0, c, h, w);
                  at = h * 40 + w;
                }
              }
            EXPECT_EQ(sum(0, c, oh, ow), s) << poolkit::name_of(isa);
            EXPECT_EQ(max.values(0, c, oh, ow), m) << poolkit::name_of(isa);
            EXPECT_EQ(max.indices(0, c, oh, ow), at) << poolkit::name_of(isa);
            if (!p.count_include_pad && taps > 0) {
              EXPECT_EQ(avg(0, c, oh, ow), s / static_cast<float>(taps));
            }
          }
    }
  }
}
