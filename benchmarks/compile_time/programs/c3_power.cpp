// (c) Family: L2, Lp and power-average pooling.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 8, 8});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto a = poolkit::l2_pool2d(x, p);
  const auto b = poolkit::lp_pool2d(x, 3.0, p);
  const auto c = poolkit::power_avg_pool2d(x, 2.5, p);
  return static_cast<int>(a(0, 0, 0, 0) + b(0, 0, 0, 0) + c(0, 0, 0, 0));
}
