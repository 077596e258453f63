// Helpers shared by the tests: bit-exact comparison and a buffer that embeds a view in
// a larger allocation filled with a sentinel, so tests can prove nothing outside the
// view was written.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <poolkit/poolkit.hpp>

namespace test {

using poolkit::extents4;
using poolkit::index_t;

/// Same bits, except that any NaN equals any NaN (payloads are not part of the contract).
template <class T>
bool same_value(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/// A view embedded in a larger buffer: each dimension can be padded, the view offset
/// inside it, and the dimension order in memory permuted. Everything outside the view
/// holds `sentinel`.
template <class T>
struct embedded {
  std::vector<T> storage;
  poolkit::nchw_view<T> view;

  /// `pad` extra extent per dimension, `offset` start per dimension (< pad + 1),
  /// `order` memory order of the dimensions from outermost to innermost.
  embedded(const extents4& e, const std::array<index_t, 4>& pad,
           const std::array<index_t, 4>& offset, const std::array<int, 4>& order, T sentinel) {
    extents4 full{};
    for (std::size_t r = 0; r < 4; ++r) full[r] = e[r] + pad[r];
    extents4 strides{};
    index_t s = 1;
    for (int i = 3; i >= 0; --i) {
      const auto r = static_cast<std::size_t>(order[static_cast<std::size_t>(i)]);
      strides[r] = s;
      s *= full[r];
    }
    storage.assign(static_cast<std::size_t>(s), sentinel);
    // A view without elements in a buffer without elements (an empty batch, no padding
    // around it) has no element to offset to: it stays at the (null) start.
    index_t base = 0;
    if (!storage.empty())
      for (std::size_t r = 0; r < 4; ++r) base += offset[r] * strides[r];
    view = poolkit::nchw_view<T>(storage.data() + base, e, strides);
  }

  /// True when every element outside the view still holds `sentinel`.
  bool outside_untouched(T sentinel) const {
    std::vector<bool> inside(storage.size(), false);
    const auto base = view.data_handle() - storage.data();
    for (index_t n = 0; n < view.extent(0); ++n)
      for (index_t c = 0; c < view.extent(1); ++c)
        for (index_t h = 0; h < view.extent(2); ++h)
          for (index_t w = 0; w < view.extent(3); ++w)
            inside[static_cast<std::size_t>(base + view.offset(n, c, h, w))] = true;
    for (std::size_t i = 0; i < storage.size(); ++i)
      if (!inside[i] && !same_value(storage[i], sentinel)) return false;
    return true;
  }
};

/// Random regular-window parameters for reference comparisons: kernel 1-4, stride 1-3,
/// dilation 1-2, padding up to half the kernel, either rounding mode.
inline poolkit::pool2d_params random_small_window(std::mt19937_64& rng) {
  poolkit::pool2d_params p;
  p.kernel = {1 + static_cast<index_t>(rng() % 4), 1 + static_cast<index_t>(rng() % 4)};
  p.stride = {1 + static_cast<index_t>(rng() % 3), 1 + static_cast<index_t>(rng() % 3)};
  p.dilation = {1 + static_cast<index_t>(rng() % 2), 1 + static_cast<index_t>(rng() % 2)};
  p.padding = {static_cast<index_t>(rng() % static_cast<std::uint64_t>(p.kernel.h / 2 + 1)),
               static_cast<index_t>(rng() % static_cast<std::uint64_t>(p.kernel.w / 2 + 1))};
  p.ceil_mode = rng() % 2 == 0;
  return p;
}

/// Fills a view with values drawn by `gen`.
template <class T, class Gen>
void fill(poolkit::nchw_view<T> v, Gen&& gen) {
  for (index_t n = 0; n < v.extent(0); ++n)
    for (index_t c = 0; c < v.extent(1); ++c)
      for (index_t h = 0; h < v.extent(2); ++h)
        for (index_t w = 0; w < v.extent(3); ++w) v(n, c, h, w) = gen();
}

/// A contiguous tensor from a list of values.
template <class T>
poolkit::tensor<T> make_tensor(const extents4& e, const std::vector<T>& values) {
  poolkit::tensor<T> t(e);
  EXPECT_EQ(static_cast<std::size_t>(t.size()), values.size());
  std::copy(values.begin(), values.end(), t.data_handle());
  return t;
}

/// The seed documents' 4x4 input: 1, 2, ..., 16 in row-major order, extents {1, 1, 4, 4}.
inline poolkit::tensor<float> one_to_sixteen() {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<std::size_t>(i)] = float(i + 1);
  return make_tensor<float>({1, 1, 4, 4}, v);
}

/// All elements of a tensor in NCHW order.
template <class T>
std::vector<T> values_of(const poolkit::tensor<T>& t) {
  return {t.values().begin(), t.values().end()};
}

/// Expects `fn` to throw poolkit::error whose message contains every fragment.
template <class Fn>
void expect_error(Fn&& fn, std::initializer_list<std::string> fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected poolkit::error";
  } catch (const poolkit::error& e) {
    const std::string what = e.what();
    for (const auto& f : fragments)
      EXPECT_NE(what.find(f), std::string::npos) << "message: " << what << "\nmissing: " << f;
  }
}

}  // namespace test
