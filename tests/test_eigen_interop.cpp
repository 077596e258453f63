// poolkit/interop/eigen.hpp: Eigen rank-4 tensors and tensor maps as NCHW views and back.
// Both of Eigen's layouts hold NCHW memory (RowMajor with dimensions N, C, H, W; ColMajor
// with W, H, C, N); every element must land where the NCHW view says.
#include <gtest/gtest.h>

#include <unsupported/Eigen/CXX11/Tensor>

#include <poolkit/interop/eigen.hpp>
#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

#include "test_support.hpp"

namespace {

using poolkit::index_t;

template <class TensorType>
void fill_with_offsets(TensorType& t) {
  for (index_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<typename TensorType::Scalar>(i);
}

// Element (n, c, h, w) of the view is the Eigen tensor's element at the same logical
// position, for both layouts, and the view aliases the tensor's memory.
TEST(EigenInterop, TensorViewsAddressTheSameElements) {
  Eigen::Tensor<float, 4, Eigen::RowMajor> r(2, 3, 4, 5);
  Eigen::Tensor<float, 4> c(5, 4, 3, 2);  // ColMajor, dimensions reversed
  fill_with_offsets(r);
  fill_with_offsets(c);
  const poolkit::nchw_view<float> vr = poolkit::eigen::view(r);
  const poolkit::nchw_view<float> vc = poolkit::eigen::view(c);
  EXPECT_EQ(vr.extents(), (poolkit::extents4{2, 3, 4, 5}));
  EXPECT_EQ(vc.extents(), (poolkit::extents4{2, 3, 4, 5}));
  EXPECT_EQ(vr.data_handle(), r.data());
  for (index_t n = 0; n < 2; ++n)
    for (index_t ch = 0; ch < 3; ++ch)
      for (index_t h = 0; h < 4; ++h)
        for (index_t w = 0; w < 5; ++w) {
          ASSERT_EQ(vr(n, ch, h, w), r(n, ch, h, w));
          ASSERT_EQ(vc(n, ch, h, w), c(w, h, ch, n));
        }
  // Writable: a write through the view is a write to the tensor.
  vr(1, 2, 3, 4) = -1.0f;
  EXPECT_EQ(r(1, 2, 3, 4), -1.0f);
  // A const tensor gives a read-only view.
  const auto& cr = r;
  const poolkit::nchw_view<const float> ro = poolkit::eigen::view(cr);
  EXPECT_EQ(ro(1, 2, 3, 4), -1.0f);
}

TEST(EigenInterop, TensorMapsBothConstness) {
  std::vector<double> memory(2 * 3 * 4 * 5);
  for (std::size_t i = 0; i < memory.size(); ++i) memory[i] = static_cast<double>(i) * 0.5;
  Eigen::TensorMap<Eigen::Tensor<double, 4, Eigen::RowMajor>> m(memory.data(), 2, 3, 4, 5);
  Eigen::TensorMap<const Eigen::Tensor<double, 4, Eigen::RowMajor>> cm(memory.data(), 2, 3, 4, 5);
  Eigen::TensorMap<Eigen::Tensor<double, 4>> col(memory.data(), 5, 4, 3, 2);
  const poolkit::nchw_view<double> v = poolkit::eigen::view(m);
  const poolkit::nchw_view<const double> cv = poolkit::eigen::view(cm);
  const poolkit::nchw_view<double> colv = poolkit::eigen::view(col);
  EXPECT_EQ(v.data_handle(), memory.data());
  EXPECT_EQ(cv.data_handle(), memory.data());
  EXPECT_EQ(colv.extents(), (poolkit::extents4{2, 3, 4, 5}));
  EXPECT_EQ(v(1, 2, 3, 4), memory.back());
  EXPECT_EQ(cv(0, 1, 2, 3), m(0, 1, 2, 3));
  EXPECT_EQ(colv(0, 1, 2, 3), m(0, 1, 2, 3));  // the same NCHW memory either way
}

// Pooling an Eigen tensor equals pooling the same values held in a poolkit tensor, for
// both layouts, and the result maps back into Eigen without a copy.
TEST(EigenInterop, OperationsRunOnEigenTensors) {
  Eigen::Tensor<float, 4, Eigen::RowMajor> r(1, 2, 6, 6);
  r.setRandom();
  Eigen::Tensor<float, 4> c = r.swap_layout();  // ColMajor (6, 6, 2, 1), same memory order
  poolkit::tensor<float> p({1, 2, 6, 6});
  std::copy(r.data(), r.data() + r.size(), p.data_handle());
  const poolkit::pool2d_params params{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};
  const auto want = poolkit::max_pool2d(p, params);
  EXPECT_EQ(test::values_of(poolkit::max_pool2d(poolkit::eigen::view(r), params)),
            test::values_of(want));
  EXPECT_EQ(test::values_of(poolkit::max_pool2d(poolkit::eigen::view(c), params)),
            test::values_of(want));

  // Into an Eigen tensor: the output written in place.
  Eigen::Tensor<float, 4, Eigen::RowMajor> out(1, 2, 3, 3);
  poolkit::avg_pool2d(poolkit::eigen::view(r), poolkit::eigen::view(out), params);
  const auto avg = poolkit::avg_pool2d(p, params);
  for (index_t i = 0; i < avg.size(); ++i) EXPECT_EQ(out.data()[i], avg.data_handle()[i]);

  // Bilateral pooling straight from an Eigen tensor.
  const auto b = poolkit::global_bilateral_pool2d(poolkit::eigen::view(c));
  EXPECT_EQ(test::values_of(b), test::values_of(poolkit::global_bilateral_pool2d(p)));
}

// A poolkit tensor seen as an Eigen TensorMap, and back: the same memory and elements.
TEST(EigenInterop, MapsOverPoolkitTensorsRoundTrip) {
  poolkit::tensor<float> t({2, 3, 4, 5});
  for (index_t i = 0; i < t.size(); ++i) t.data_handle()[i] = static_cast<float>(i);
  auto rm = poolkit::eigen::row_major_map(t.view());
  auto cm = poolkit::eigen::col_major_map(t.view());
  EXPECT_EQ(rm.data(), t.data_handle());
  EXPECT_EQ(rm.dimension(0), 2);
  EXPECT_EQ(cm.dimension(0), 5);
  for (index_t n = 0; n < 2; ++n)
    for (index_t c = 0; c < 3; ++c)
      for (index_t h = 0; h < 4; ++h)
        for (index_t w = 0; w < 5; ++w) {
          ASSERT_EQ(rm(n, c, h, w), t(n, c, h, w));
          ASSERT_EQ(cm(w, h, c, n), t(n, c, h, w));
        }
  // Eigen expressions over the map see poolkit's data; the view of the map is the tensor.
  const Eigen::Tensor<float, 0, Eigen::RowMajor> total = rm.sum();
  EXPECT_EQ(total(), static_cast<float>(119 * 120 / 2));
  const auto back = poolkit::eigen::view(rm);
  EXPECT_EQ(back.data_handle(), t.data_handle());
  EXPECT_EQ(back.extents(), t.extents());
  EXPECT_EQ(back.strides(), t.view().strides());
  // Const views map to const maps.
  const poolkit::nchw_view<const float> ro = t.view();
  const auto crm = poolkit::eigen::row_major_map(ro);
  EXPECT_EQ(crm(1, 2, 3, 4), t(1, 2, 3, 4));

  // A view with strides cannot be an Eigen map: a poolkit error says so.
  const poolkit::nchw_view<float> cropped(t.data_handle(), {2, 3, 4, 4}, t.view().strides());
  test::expect_error([&] { (void)poolkit::eigen::row_major_map(cropped); },
                     {"poolkit::eigen::row_major_map", "contiguous"});
  test::expect_error([&] { (void)poolkit::eigen::col_major_map(cropped); },
                     {"poolkit::eigen::col_major_map", "contiguous"});
}

}  // namespace
