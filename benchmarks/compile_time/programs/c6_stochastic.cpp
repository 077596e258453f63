// (c) Family: stochastic pooling, training and inference.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 8, 8});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto t = poolkit::stochastic_pool2d(x, p, poolkit::stochastic_mode::training, 1);
  const auto i = poolkit::stochastic_pool2d(x, p, poolkit::stochastic_mode::inference, 1);
  return static_cast<int>(t.values(0, 0, 0, 0) + i.values(0, 0, 0, 0));
}
