// (c) Family: adaptive and global pooling.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 9, 9});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const auto a = poolkit::adaptive_avg_pool2d(x, {4, 4});
  const auto m = poolkit::adaptive_max_pool2d(x, {4, 4});
  const auto g = poolkit::global_avg_pool2d(x);
  return static_cast<int>(a(0, 0, 0, 0) + m(0, 0, 0, 0) + g(0, 0, 0, 0));
}
