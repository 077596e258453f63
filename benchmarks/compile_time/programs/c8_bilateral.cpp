// (c) Family: bilateral (second-order) pooling, local and global (needs Eigen).
#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 4, 8, 8});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const auto l = poolkit::bilateral_pool2d(x, {.kernel = {3, 3}, .stride = {2, 2}});
  const auto g = poolkit::global_bilateral_pool2d(x);
  return static_cast<int>(l(0, 0, 0, 0) + g(0, 0, 0, 0));
}
