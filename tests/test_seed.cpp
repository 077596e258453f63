// The seed examples of SPEC.md section 2 for max, avg, min and sum pooling: the
// article's 4x4 input 1..16 and the tutorial's random 4x4, k = s = 2.
#include "test_support.hpp"

#include <numeric>

namespace {

using poolkit::tensor;

template <class T>
tensor<T> one_to_sixteen() {
  std::vector<T> v(16);
  std::iota(v.begin(), v.end(), T(1));
  return test::make_tensor<T>({1, 1, 4, 4}, v);
}

template <class T>
tensor<T> tutorial_input() {
  return test::make_tensor<T>({1, 1, 4, 4}, {6, 9, 9, 2, 6, 9, 6, 0, 8, 3, 4, 5, 9, 2, 3, 5});
}

template <class T>
void expect_2x2(const tensor<T>& y, std::array<T, 4> expected) {
  ASSERT_EQ(y.extents(), (poolkit::extents4{1, 1, 2, 2}));
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(y.values()[i], expected[i]) << "element " << i;
}

template <class T>
class Seed : public ::testing::Test {};
using Floats = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Seed, Floats);

TYPED_TEST(Seed, ArticleMax) {
  expect_2x2<TypeParam>(poolkit::max_pool2d(one_to_sixteen<TypeParam>(), {.kernel = {2, 2}}),
                        {6, 8, 14, 16});
}

TYPED_TEST(Seed, ArticleAvg) {
  expect_2x2<TypeParam>(poolkit::avg_pool2d(one_to_sixteen<TypeParam>(), {.kernel = {2, 2}}),
                        {3.5, 5.5, 11.5, 13.5});
}

TYPED_TEST(Seed, ArticleMin) {
  expect_2x2<TypeParam>(poolkit::min_pool2d(one_to_sixteen<TypeParam>(), {.kernel = {2, 2}}),
                        {1, 3, 9, 11});
}

TYPED_TEST(Seed, ArticleSum) {
  expect_2x2<TypeParam>(poolkit::sum_pool2d(one_to_sixteen<TypeParam>(), {.kernel = {2, 2}}),
                        {14, 22, 46, 54});
}

TYPED_TEST(Seed, TutorialMax) {
  expect_2x2<TypeParam>(poolkit::max_pool2d(tutorial_input<TypeParam>(), {.kernel = {2, 2}}),
                        {9, 9, 9, 5});
}

TYPED_TEST(Seed, TutorialAvg) {
  expect_2x2<TypeParam>(poolkit::avg_pool2d(tutorial_input<TypeParam>(), {.kernel = {2, 2}}),
                        {7.5, 4.25, 5.5, 4.25});
}

TYPED_TEST(Seed, ArticleMaxWithIndicesPointAtTheMaxima) {
  auto [y, idx] = poolkit::max_pool2d_with_indices(one_to_sixteen<TypeParam>(), {.kernel = {2, 2}});
  expect_2x2<TypeParam>(y, {6, 8, 14, 16});
  EXPECT_EQ(std::vector<poolkit::index_t>(idx.values().begin(), idx.values().end()),
            (std::vector<poolkit::index_t>{5, 7, 13, 15}));
}

// The issue's acceptance snippet, verbatim.
TEST(Seed, IssueSnippet) {
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), 1.0f);
  poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});
  auto y = poolkit::max_pool2d(x, {.kernel = {2, 2}});
  EXPECT_EQ(y(0, 0, 1, 1), 16.0f);
  EXPECT_EQ(y.extent(2), 2);
}

}  // namespace
