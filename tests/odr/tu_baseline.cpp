// Compiled with no -m flags.
#include "tu.hpp"

#include <poolkit/poolkit.hpp>

odr_result pool_in_baseline_tu(const std::vector<float>& input) {
  poolkit::nchw_view<const float> x(input.data(), {2, 3, 17, 23});
  const auto y = poolkit::max_pool2d(x, {.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}});
  const auto a = poolkit::avg_pool2d(x, {.kernel = {2, 2}});
  odr_result r{poolkit::abi_namespace_name(), {y.values().begin(), y.values().end()}};
  r.values.insert(r.values.end(), a.values().begin(), a.values().end());
  return r;
}
