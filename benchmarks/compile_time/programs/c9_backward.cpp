// (c) Family: backward passes of max (through indices), avg and adaptive avg.
#include <poolkit/poolkit.hpp>

int main(int argc, char**) {
  poolkit::tensor<float> x({1, 2, 8, 8});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>(i % 7 + argc);
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  const auto r = poolkit::max_pool2d_with_indices(x, p);
  const auto dmax = poolkit::max_pool2d_backward(r.values, r.indices, {8, 8});
  const auto davg = poolkit::avg_pool2d_backward(r.values, {8, 8}, p);
  const auto dadaptive = poolkit::adaptive_avg_pool2d_backward(r.values, {8, 8});
  return static_cast<int>(dmax(0, 0, 1, 1) + davg(0, 1, 2, 2) + dadaptive(0, 0, 3, 3));
}
