// A downstream Eigen user: its activations live in Eigen tensors (both layouts), pass
// straight to poolkit, and the bilateral pooling result comes back as an Eigen map.
// Checked against values computed here with Eigen alone. Exit status 0 means all agree.
#include <poolkit/interop/eigen.hpp>
#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

#include <unsupported/Eigen/CXX11/Tensor>

#include <cmath>
#include <cstdio>

int main() {
  int failures = 0;
  const auto expect = [&](const char* what, auto got_value, auto want_value) {
    const auto got = static_cast<double>(got_value), want = static_cast<double>(want_value);
    if (std::abs(got - want) > 1e-4 * (1 + std::abs(want))) {
      std::printf("%s: got %g, want %g\n", what, got, want);
      ++failures;
    }
  };

  // RowMajor tensor, dimensions N, C, H, W.
  Eigen::Tensor<float, 4, Eigen::RowMajor> x(2, 3, 6, 6);
  x.setRandom();
  const auto pooled = poolkit::max_pool2d(poolkit::eigen::view(x), {.kernel = {2, 2}});
  expect("max(1,2,0,1)", pooled(1, 2, 0, 1),
         std::max({x(1, 2, 0, 2), x(1, 2, 0, 3), x(1, 2, 1, 2), x(1, 2, 1, 3)}));

  // ColMajor (Eigen's default) with the dimensions reversed: W, H, C, N.
  Eigen::Tensor<float, 4> features(6, 6, 3, 2);
  features.setRandom();
  const auto gram = poolkit::global_bilateral_pool2d(poolkit::eigen::view(features));
  // The result as an Eigen tensor map, dimensions N, C*C, 1, 1.
  const auto g = poolkit::eigen::row_major_map(gram.view());
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      // Second moment of channels i and j of image 1, from Eigen's own reductions.
      const Eigen::Tensor<float, 0> m =
          (features.chip(1, 3).chip(i, 2) * features.chip(1, 3).chip(j, 2)).mean();
      expect("global bilateral", g(1, i * 3 + j, 0, 0), m());
    }

  // Local bilateral pooling, 3x3 windows with stride 2, written into an Eigen tensor.
  Eigen::Tensor<float, 4, Eigen::RowMajor> local(2, 9, 3, 3);
  poolkit::bilateral_pool2d(poolkit::eigen::view(x), poolkit::eigen::view(local),
                            {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}});
  double m01 = 0;  // window (1, 1) of image 0: rows 1..3, columns 1..3, all inside
  for (int h = 1; h <= 3; ++h)
    for (int w = 1; w <= 3; ++w) m01 += double(x(0, 0, h, w)) * double(x(0, 1, h, w));
  expect("local bilateral (0,1)", local(0, 1, 1, 1), m01 / 9);

  std::printf("%s\n",
              failures == 0 ? "eigen consumer: all values agree" : "eigen consumer: FAILED");
  return failures == 0 ? 0 : 1;
}
