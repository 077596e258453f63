// Eigen users: pass Eigen tensors straight to poolkit (either layout), get results back as
// Eigen maps, and pool second-order statistics with bilateral pooling (B-CNN).
#include <poolkit/interop/eigen.hpp>
#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

#include <unsupported/Eigen/CXX11/Tensor>

#include <cstdio>

int main() {
  //! [eigen_view]
  // A ColMajor tensor (Eigen's default) holds NCHW memory with dimensions (W, H, C, N).
  Eigen::Tensor<float, 4> features(6, 4, 3, 1);
  for (Eigen::Index i = 0; i < features.size(); ++i)
    features.data()[i] = static_cast<float>(i % 7) - 3.0f;

  const auto pooled = poolkit::max_pool2d(poolkit::eigen::view(features), {.kernel = {2, 2}});
  std::printf(
      "max_pool2d of a (W=6, H=4, C=3, N=1) Eigen tensor: extents {%lld, %lld, %lld, %lld}\n",
      static_cast<long long>(pooled.extent(0)), static_cast<long long>(pooled.extent(1)),
      static_cast<long long>(pooled.extent(2)), static_cast<long long>(pooled.extent(3)));

  // The result as an Eigen map (RowMajor, dimensions N, C, H, W), no copy; Eigen
  // expressions work on it.
  const auto map = poolkit::eigen::row_major_map(pooled.view());
  const Eigen::Tensor<float, 0, Eigen::RowMajor> total = map.sum();
  std::printf("sum of the pooled values, by Eigen: %g\n", static_cast<double>(total()));
  //! [eigen_view]

  //! [bilateral]
  // Bilinear (B-CNN) pooling: the 3 x 3 channel second-moment matrix per image, signed
  // square root and L2 normalisation.
  const auto gram = poolkit::global_bilateral_pool2d(poolkit::eigen::view(features));
  const auto bcnn = poolkit::global_bilateral_pool2d(poolkit::eigen::view(features),
                                                     {.signed_sqrt = true, .l2_normalize = true});
  //! [bilateral]
  for (const auto* t : {&gram, &bcnn}) {
    std::printf(t == &gram ? "X^T X / HW:\n" : "signed sqrt + L2:\n");
    for (int i = 0; i < 3; ++i)
      std::printf("  [%8.4f %8.4f %8.4f]\n", static_cast<double>((*t)(0, i * 3 + 0, 0, 0)),
                  static_cast<double>((*t)(0, i * 3 + 1, 0, 0)),
                  static_cast<double>((*t)(0, i * 3 + 2, 0, 0)));
  }

  //! [bilateral_local]
  // Local, edge-aware second-order pooling into an Eigen tensor, packed upper triangles.
  Eigen::Tensor<float, 4, Eigen::RowMajor> local(1, 6, 2, 3);
  poolkit::bilateral_pool2d(poolkit::eigen::view(features), poolkit::eigen::view(local),
                            {.kernel = {2, 2}},
                            {.layout = poolkit::bilateral_layout::packed, .sigma_r = 2.0});
  //! [bilateral_local]
  std::printf("packed (0,0) (0,1) (0,2) (1,1) (1,2) (2,2) of window (0, 0):");
  for (int k = 0; k < 6; ++k) std::printf(" %.4f", static_cast<double>(local(0, k, 0, 0)));
  std::printf("\n");
  return 0;
}
