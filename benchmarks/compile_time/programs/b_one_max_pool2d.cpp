// (b) One max_pool2d call on float: what a first call costs.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 1, 8, 8});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const auto y = poolkit::max_pool2d(x, {.kernel = {2, 2}});
  return static_cast<int>(y(0, 0, 0, 0));
}
