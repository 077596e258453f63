// Every invalid input gets a poolkit::error that names the operation, the parameter,
// its value and the rule, and the output is left untouched.
#include "test_support.hpp"

#include <functional>
#include <limits>

namespace {

using poolkit::index_t;
using poolkit::nchw_view;
using poolkit::pool2d_params;

constexpr float sentinel = 42.5f;

/// Each regular-pooling operation in its into-a-view form, under its public name.
struct op_entry {
  std::string name;
  std::function<void(nchw_view<const float>, nchw_view<float>, const pool2d_params&)> run;
};

std::vector<op_entry> all_ops() {
  static std::vector<index_t> index_storage(4096, -9);
  return {
      {"max_pool2d", [](auto x, auto y, const auto& p) { poolkit::max_pool2d(x, y, p); }},
      {"min_pool2d", [](auto x, auto y, const auto& p) { poolkit::min_pool2d(x, y, p); }},
      {"sum_pool2d", [](auto x, auto y, const auto& p) { poolkit::sum_pool2d(x, y, p); }},
      {"avg_pool2d", [](auto x, auto y, const auto& p) { poolkit::avg_pool2d(x, y, p); }},
      {"pool2d", [](auto x, auto y,
                    const auto& p) { poolkit::pool2d(x, y, poolkit::reduce::max<float>{}, p); }},
      {"max_pool2d_with_indices",
       [](auto x, auto y, const auto& p) {
         nchw_view<index_t> idx(index_storage.data(), y.extents());
         poolkit::max_pool2d_with_indices(x, y, idx, p);
       }},
  };
}

struct fixture {
  std::vector<float> input = std::vector<float>(2 * 3 * 6 * 6, 1.0f);
  std::vector<float> output = std::vector<float>(1024, sentinel);
  nchw_view<const float> x{input.data(), {2, 3, 6, 6}};
  bool output_untouched() const {
    return std::all_of(output.begin(), output.end(), [](float v) { return v == sentinel; });
  }
};

/// Runs every operation with `params` into a `y` of `y_extents`; each must throw an error
/// containing the fragments and leave the output untouched.
void expect_rejected(const pool2d_params& params, poolkit::extents4 y_extents,
                     std::initializer_list<std::string> fragments) {
  for (const auto& op : all_ops()) {
    fixture f;
    nchw_view<float> y(f.output.data(), y_extents);
    std::vector<std::string> all(fragments);
    all.push_back("poolkit::" + op.name + ": ");
    try {
      op.run(f.x, y, params);
      ADD_FAILURE() << op.name << ": expected poolkit::error";
    } catch (const poolkit::error& e) {
      const std::string what = e.what();
      for (const auto& fragment : all)
        EXPECT_NE(what.find(fragment), std::string::npos) << what << "\nmissing: " << fragment;
    }
    EXPECT_TRUE(f.output_untouched()) << op.name;
  }
}

TEST(Errors, KernelBelowOne) {
  expect_rejected({.kernel = {0, 2}}, {2, 3, 3, 3}, {"kernel = {0, 2}", "must be >= 1"});
  expect_rejected({.kernel = {2, -1}}, {2, 3, 3, 3}, {"kernel = {2, -1}", "must be >= 1"});
}

TEST(Errors, StrideBelowOne) {
  expect_rejected({.kernel = {2, 2}, .stride = {0, 1}}, {2, 3, 3, 3},
                  {"stride = {0, 1}", "must be >= 1"});
}

TEST(Errors, DilationBelowOne) {
  expect_rejected({.kernel = {2, 2}, .dilation = {1, 0}}, {2, 3, 3, 3},
                  {"dilation = {1, 0}", "must be >= 1"});
}

TEST(Errors, NegativePadding) {
  expect_rejected({.kernel = {2, 2}, .padding = {-1, 0}}, {2, 3, 3, 3},
                  {"padding = {-1, 0}", "must be >= 0"});
  expect_rejected({.kernel = {2, 2}, .padding_end = {0, -2}}, {2, 3, 3, 3},
                  {"padding_end = {0, -2}", "must be >= 0"});
}

TEST(Errors, PaddingAtOrBeyondTheEffectiveKernel) {
  expect_rejected({.kernel = {3, 3}, .padding = {3, 1}}, {2, 3, 3, 3},
                  {"padding = {3, 1}", "smaller than the effective kernel", "{3, 3}"});
  // Dilation widens the effective kernel: padding 3 is fine for k = 2, d = 3 (eff = 4)...
  fixture ok;
  EXPECT_NO_THROW(
      poolkit::max_pool2d(ok.x, {.kernel = {2, 2}, .padding = {3, 3}, .dilation = {3, 3}}));
  // ...but 4 is not.
  expect_rejected({.kernel = {2, 2}, .padding = {4, 0}, .dilation = {3, 3}}, {2, 3, 3, 3},
                  {"padding = {4, 0}", "{4, 4}"});
  expect_rejected({.kernel = {2, 2}, .padding_end = {0, 2}}, {2, 3, 3, 3},
                  {"padding_end = {0, 2}", "smaller than the effective kernel"});
}

TEST(Errors, OutputSmallerThanOne) {
  expect_rejected({.kernel = {7, 2}}, {2, 3, 1, 3}, {"output size = {0, 3}", "must be >= 1"});
}

TEST(Errors, DivisorOverrideZero) {
  expect_rejected({.kernel = {2, 2}, .divisor_override = 0}, {2, 3, 3, 3},
                  {"divisor_override = 0", "must not be 0"});
}

TEST(Errors, KernelSpanOverflows) {
  constexpr index_t huge = std::numeric_limits<index_t>::max() / 2 + 1;  // 2 * huge overflows
  expect_rejected({.kernel = {3, 2}, .dilation = {huge, 1}}, {2, 3, 3, 3},
                  {"kernel = {3, 2}", "overflows int64"});
}

TEST(Errors, OutputOfTheWrongShape) {
  expect_rejected({.kernel = {2, 2}}, {2, 3, 3, 4},
                  {"y extents = {2, 3, 3, 4}", "must be {2, 3, 3, 3}"});
  expect_rejected({.kernel = {2, 2}}, {1, 3, 3, 3}, {"y extents = {1, 3, 3, 3}"});
}

TEST(Errors, OutputOverlappingTheInput) {
  for (const auto& op : all_ops()) {
    std::vector<float> buffer(2 * 3 * 6 * 6 + 8, 1.0f);
    const std::vector<float> before = buffer;
    nchw_view<const float> x(buffer.data(), {2, 3, 6, 6});
    nchw_view<float> y(buffer.data() + 7, {2, 3, 3, 3});
    test::expect_error(
        [&] {
          op.run(x, y, {.kernel = {2, 2}});
        },
        {"poolkit::" + op.name, "y = a view sharing memory with x", "must not overlap an input"});
    EXPECT_EQ(buffer, before) << op.name;
  }
}

TEST(Errors, OutputAddressingAnElementTwice) {
  for (const auto& op : all_ops()) {
    fixture f;
    nchw_view<float> y(f.output.data(), {2, 3, 3, 3}, {27, 9, 3, 0});
    test::expect_error(
        [&] {
          op.run(f.x, y, {.kernel = {2, 2}});
        },
        {"poolkit::" + op.name, "y strides = {27, 9, 3, 0}", "must not address one element twice"});
    EXPECT_TRUE(f.output_untouched());
  }
}

TEST(Errors, NullPointerWithElements) {
  for (const auto& op : all_ops()) {
    fixture f;
    nchw_view<float> y(f.output.data(), {2, 3, 3, 3});
    test::expect_error(
        [&] {
          op.run(nchw_view<const float>(nullptr, {2, 3, 6, 6}), y, {.kernel = {2, 2}});
        },
        {"poolkit::" + op.name, "x data_handle() = nullptr", "must not be null"});
    test::expect_error(
        [&] {
          op.run(f.x, nchw_view<float>(nullptr, {2, 3, 3, 3}), {.kernel = {2, 2}});
        },
        {"y data_handle() = nullptr"});
    EXPECT_TRUE(f.output_untouched());
  }
  // A null pointer with no elements is an empty tensor, not an error.
  auto y = poolkit::max_pool2d(nchw_view<const float>(nullptr, {0, 3, 6, 6}), {.kernel = {2, 2}});
  EXPECT_EQ(y.extents(), (poolkit::extents4{0, 3, 3, 3}));
}

TEST(Errors, ByteSizeOverflow) {
  constexpr index_t big = index_t{1} << 40;
  float one = 1;
  test::expect_error(
      [&] {
        poolkit::max_pool2d(nchw_view<const float>(&one, {big, big, 2, 2}), {.kernel = {2, 2}});
      },
      {"poolkit::max_pool2d: x extents", "overflows int64"});
  // Strides whose address span overflows even though the element count does not.
  test::expect_error(
      [&] {
        poolkit::max_pool2d(nchw_view<const float>(&one, {1, 1, 4, 4}, {1, 1, index_t{1} << 62, 1}),
                            {.kernel = {2, 2}});
      },
      {"x strides", "overflows int64 bytes"});
}

TEST(Errors, NegativeOrEmptyPlaneExtents) {
  float one = 1;
  test::expect_error(
      [&] {
        poolkit::avg_pool2d(nchw_view<const float>(&one, {1, -1, 2, 2}), {.kernel = {1, 1}});
      },
      {"poolkit::avg_pool2d: x extents = {1, -1, 2, 2}", "must be >= 0"});
  test::expect_error(
      [&] {
        poolkit::avg_pool2d(nchw_view<const float>(&one, {1, 1, 0, 2}), {.kernel = {1, 1}});
      },
      {"x extents = {1, 1, 0, 2}", "height and width must be >= 1"});
}

TEST(Errors, IndicesOverlappingValues) {
  fixture f;
  std::vector<std::byte> shared(4096);
  nchw_view<float> y(reinterpret_cast<float*>(shared.data()), {2, 3, 3, 3});
  nchw_view<index_t> idx(reinterpret_cast<index_t*>(shared.data()), {2, 3, 3, 3});
  test::expect_error(
      [&] {
        poolkit::max_pool2d_with_indices(f.x, y, idx, {.kernel = {2, 2}});
      },
      {"poolkit::max_pool2d_with_indices: indices", "sharing memory with y"});
}

TEST(Errors, OutputExtentsHelperValidatesToo) {
  test::expect_error(
      [] {
        poolkit::pool2d_output_extents({1, 1, 4, 4}, {.kernel = {5, 5}});
      },
      {"poolkit::pool2d_output_extents: output size = {0, 0}"});
  test::expect_error(
      [] {
        poolkit::pool2d_output_extents({1, 1, 0, 4}, {.kernel = {1, 1}});
      },
      {"input extents = {1, 1, 0, 4}"});
}

TEST(Errors, UnpoolIndexOutOfRange) {
  auto values = test::make_tensor<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  auto indices = test::make_tensor<index_t>({1, 1, 2, 2}, {0, 3, 16, 5});
  test::expect_error(
      [&] {
        poolkit::max_unpool2d(values, indices, pool2d_params{.kernel = {2, 2}});
      },
      {"poolkit::max_unpool2d: indices(0, 0, 1, 0) = 16",
       "must be -1 (an empty window) or in [0, 16)"});
  indices.values()[2] = -2;
  test::expect_error(
      [&] {
        poolkit::max_unpool2d(values, indices, poolkit::hw{4, 4});
      },
      {"indices(0, 0, 1, 0) = -2"});
  std::vector<float> out(16, sentinel);
  indices.values()[2] = 99;
  test::expect_error(
      [&] {
        poolkit::max_unpool2d(values, indices, nchw_view<float>(out.data(), {1, 1, 4, 4}));
      },
      {"indices(0, 0, 1, 0) = 99"});
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float v) { return v == sentinel; }));
}

TEST(Errors, UnpoolShapes) {
  auto values = test::make_tensor<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  auto indices = test::make_tensor<index_t>({1, 1, 1, 4}, {0, 1, 2, 3});
  test::expect_error(
      [&] {
        poolkit::max_unpool2d(values, indices, poolkit::hw{4, 4});
      },
      {"indices extents = {1, 1, 1, 4}", "must equal the values extents"});
  auto good = test::make_tensor<index_t>({1, 1, 2, 2}, {0, 1, 2, 3});
  test::expect_error(
      [&] {
        poolkit::max_unpool2d(values, good, poolkit::hw{0, 4});
      },
      {"output size = {0, 4}", "must be >= 1"});
  std::vector<float> out(32, sentinel);
  test::expect_error(
      [&] {
        poolkit::max_unpool2d(values, good, nchw_view<float>(out.data(), {1, 2, 4, 4}));
      },
      {"y extents = {1, 2, 4, 4}", "must be {1, 1, 4, 4}"});
}

TEST(Errors, IndexConverters) {
  auto plane = test::make_tensor<index_t>({1, 2, 1, 2}, {0, 5, 6, 2});
  test::expect_error(
      [&] {
        poolkit::to_onnx_indices(plane, {1, 2, 2, 3});
      },
      {"poolkit::to_onnx_indices: indices(0, 1, 0, 0) = 6", "must be -1 or in [0, 6)"});
  auto global = test::make_tensor<index_t>({1, 2, 1, 2}, {0, 5, 3, 11});
  test::expect_error(
      [&] {
        poolkit::to_pytorch_indices(global, {1, 2, 2, 3});
      },
      {"poolkit::to_pytorch_indices: indices(0, 1, 0, 0) = 3", "in [6, 12)"});
  test::expect_error(
      [&] {
        poolkit::to_onnx_indices(plane, {2, 2, 2, 3});
      },
      {"N and C must equal those of input_extents {2, 2, 2, 3}"});
}

}  // namespace
