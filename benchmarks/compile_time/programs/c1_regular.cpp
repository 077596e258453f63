// (c) Family: regular max and average pooling.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 9, 9});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const auto m = poolkit::max_pool2d(x, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}});
  const auto a = poolkit::avg_pool2d(x, {.kernel = {2, 2}, .count_include_pad = false});
  return static_cast<int>(m(0, 0, 0, 0) + a(0, 0, 0, 0));
}
