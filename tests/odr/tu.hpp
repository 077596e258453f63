// One pooling call and the name of the ABI namespace it was compiled into; defined in two
// translation units built with different -m flags (see tests/odr/CMakeLists.txt).
#pragma once

#include <vector>

struct odr_result {
  const char* abi;
  std::vector<float> values;
};

odr_result pool_in_baseline_tu(const std::vector<float>& input);
odr_result pool_in_wide_tu(const std::vector<float>& input);
