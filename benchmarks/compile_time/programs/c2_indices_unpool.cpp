// (c) Family: max pooling with indices, and unpooling.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 8, 8});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto r = poolkit::max_pool2d_with_indices(x, p);
  const auto u = poolkit::max_unpool2d(r.values, r.indices, p);
  return static_cast<int>(u(0, 0, 1, 1));
}
