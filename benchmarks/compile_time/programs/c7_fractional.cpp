// (c) Family: fractional max pooling (both families) and fractional average pooling.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 12, 12});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const auto a = poolkit::fractional_max_pool2d(
      x, poolkit::fractional_max_params{.kernel = {2, 2}, .output_size = {8, 8}}, 3);
  const poolkit::fractional_ratio_params q{.pooling_ratio = {1.5, 1.5}};
  const auto b = poolkit::fractional_max_pool2d(x, q, 3);
  const auto c = poolkit::fractional_avg_pool2d(x, q, 3);
  return static_cast<int>(a.values(0, 0, 0, 0) + b.values(0, 0, 0, 0) + c.values(0, 0, 0, 0));
}
