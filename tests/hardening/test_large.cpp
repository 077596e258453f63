// Tensors past 2^31 elements: every extent, stride, offset and index is 64-bit
// (poolkit::index_t). The input is an anonymous mapping of 8 GiB that is never written
// except for one page near its end; reading the rest maps the kernel's shared zero page,
// so the test needs little real memory.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstdint>

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
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
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
  // The same index survives the ONNX conversion and unpooling finds its place.
  const auto onnx = poolkit::to_onnx_indices(r.indices, x.extents());
  EXPECT_EQ(onnx(0, 0, 63, 63), flat);
}

}  // namespace
