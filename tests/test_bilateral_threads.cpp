// Bilateral pooling gives the same bits on any thread count (SPEC section 8), with 64 to
// 130 channels and fewer images than threads, where the global form shares one image's
// product among threads. Built twice: with the default flags into poolkit_eigen_tests,
// and with -mavx2 -mfma (poolkit_bilateral_fma_tests): Eigen picks its kernels at compile
// time, and with FMA a product cut by the thread count rounded differently (measured:
// 129 to 2528 of 4096-16900 elements differed between 1 and 2-4 threads before the cut
// was made a function of C alone), while with SSE2 alone the same cut happened to agree.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <poolkit/ops/bilateral.hpp>
#include <poolkit/poolkit.hpp>

#include "test_support.hpp"

namespace {

using poolkit::index_t;
using poolkit::spatial_weights;

/// SPEC section 8: the same bits for any thread count. C of 64 and more with fewer images
/// than threads is where the global form shares one image's product among threads.
template <class T>
void check_thread_count_identity() {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> value(-1, 1);
  int compared = 0;
  for (index_t C : {64, 96, 130}) {
    for (index_t N : {1, 2}) {
      poolkit::tensor<T> x({N, C, 5, 6});
      test::fill(x.view(), [&] { return static_cast<T>(value(rng)); });
      // Every option, alone and together, in both layouts.
      std::vector<poolkit::bilateral_options> options;
      for (auto layout : {poolkit::bilateral_layout::full, poolkit::bilateral_layout::packed}) {
        options.push_back({.layout = layout});
        options.push_back({.layout = layout, .weights = spatial_weights::gaussian(1.5)});
        options.push_back({.layout = layout, .sigma_r = 2.0});
        options.push_back({.layout = layout, .centering = true});
        options.push_back({.layout = layout, .signed_sqrt = true});
        options.push_back({.layout = layout, .l2_normalize = true});
        options.push_back({.layout = layout,
                           .weights = spatial_weights::gaussian(0.8),
                           .sigma_r = 3.0,
                           .centering = true,
                           .signed_sqrt = true,
                           .l2_normalize = true});
      }
      for (const auto& o : options) {
        const auto where = [&] {
          return "C " + std::to_string(C) + " N " + std::to_string(N) + " layout " +
                 std::to_string(static_cast<int>(o.layout)) + " sigma_r " +
                 std::to_string(o.sigma_r.value_or(0)) + " centering " +
                 std::to_string(o.centering) + " signed_sqrt " + std::to_string(o.signed_sqrt) +
                 " l2 " + std::to_string(o.l2_normalize);
        };
        const auto global1 = poolkit::global_bilateral_pool2d(x, o, {.threads = 1});
        const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};
        const auto local1 = poolkit::bilateral_pool2d(x, p, o, {.threads = 1});
        for (int threads : {2, 3, 4}) {
          const auto global = poolkit::global_bilateral_pool2d(x, o, {.threads = threads});
          const auto local = poolkit::bilateral_pool2d(x, p, o, {.threads = threads});
          ASSERT_EQ(global.extents(), global1.extents());
          for (index_t i = 0; i < global1.size(); ++i)
            ASSERT_TRUE(test::same_value(global.data_handle()[i], global1.data_handle()[i]))
                << "global, " << where() << ", " << threads << " threads, element " << i << ": "
                << global.data_handle()[i] << " vs " << global1.data_handle()[i]
                << " on one thread";
          for (index_t i = 0; i < local1.size(); ++i)
            ASSERT_TRUE(test::same_value(local.data_handle()[i], local1.data_handle()[i]))
                << "local, " << where() << ", " << threads << " threads, element " << i;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 3 * 2 * 14 * 3);
}

TEST(BilateralThreads, ThreadCountDoesNotChangeResultsFloat) {
  check_thread_count_identity<float>();
}
TEST(BilateralThreads, ThreadCountDoesNotChangeResultsDouble) {
  check_thread_count_identity<double>();
}

}  // namespace
