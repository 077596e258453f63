// Printing for the examples: one plane of a poolkit tensor as rows of numbers.
// (Only the examples use this; it is not part of the library.)
#pragma once

#include <poolkit/tensor.hpp>

#include <cstdio>

namespace example {

/// Prints plane (n, c) of `y` under `title`, values with %.*g (default 6 significant digits).
template <class T>
void show(const char* title, const poolkit::tensor<T>& y, poolkit::index_t n = 0,
          poolkit::index_t c = 0, int digits = 6) {
  std::printf("%s\n", title);
  for (poolkit::index_t h = 0; h < y.extent(2); ++h) {
    std::printf("  [");
    for (poolkit::index_t w = 0; w < y.extent(3); ++w)
      std::printf(w == 0 ? "%.*g" : ", %.*g", digits, static_cast<double>(y(n, c, h, w)));
    std::printf("]\n");
  }
}

/// Prints the extents of `t` as {N, C, H, W}.
template <class T>
void show_extents(const char* title, const poolkit::tensor<T>& t) {
  std::printf("%s: {%lld, %lld, %lld, %lld}\n", title, static_cast<long long>(t.extent(0)),
              static_cast<long long>(t.extent(1)), static_cast<long long>(t.extent(2)),
              static_cast<long long>(t.extent(3)));
}

}  // namespace example
