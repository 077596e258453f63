// (c) Family: spatial pyramid pooling.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 13, 13});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const auto y = poolkit::spatial_pyramid_pool2d(x);
  return static_cast<int>(y(0, 0, 0, 0));
}
