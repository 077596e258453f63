// Page-guard tests: every operation, every instruction set compiled in and available,
// W from 1 to 70 (every vector tail length of every register width), inputs and outputs
// flush against inaccessible pages on one side and then the other. An access one element
// outside a view crashes the test; the results must also equal the scalar path's on
// ordinary memory bit for bit.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "catalogue.hpp"
#include "guarded.hpp"
#include "test_support.hpp"

namespace {

using poolkit::extents4;
using poolkit::index_t;

template <class T>
poolkit::nchw_view<T> flat_view(const guarded::array<T>& a, const extents4& e) {
  return poolkit::nchw_view<T>(a.data(), e);
}

std::size_t count_of(const extents4& e) {
  return static_cast<std::size_t>(e[0] * e[1] * e[2] * e[3]);
}

template <class T>
bool same_tensor(const poolkit::tensor<T>& want,
                 poolkit::nchw_view<std::type_identity_t<const T>> got) {
  if (want.extents() != got.extents()) return false;
  const auto w = want.view();
  for (index_t n = 0; n < got.extent(0); ++n)
    for (index_t c = 0; c < got.extent(1); ++c)
      for (index_t h = 0; h < got.extent(2); ++h)
        for (index_t x = 0; x < got.extent(3); ++x)
          if (!test::same_value(w(n, c, h, x), got(n, c, h, x))) return false;
  return true;
}

template <class T>
void run_page_guards() {
  guarded::install_fault_report();
  const auto ops = catalogue::all_operations<T>();
  const auto sets = poolkit::available_instruction_sets();
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  std::mt19937_64 rng(2026);
  long runs = 0;
  for (index_t width = 1; width <= 70; ++width) {
    const index_t height = 1 + width % 6;  // H cycles through 1..6 as W grows
    const extents4 in{1, 2, height, width};
    poolkit::tensor<T> x(in);
    for (T& v : x.values()) v = static_cast<T>(static_cast<int>(rng() % 41) - 20) / T(4);
    for (const auto& op : ops) {
      const auto want = op.fresh(x.view(), scalar);
      for (poolkit::instruction_set isa : sets) {
        const poolkit::policy pol{.isa = isa, .threads = 1 + static_cast<int>(width % 2)};
        for (auto side : {guarded::flush::begin, guarded::flush::end}) {
          const std::string where = op.name + " isa " + std::string(poolkit::name_of(isa)) + " H " +
                                    std::to_string(height) + " W " + std::to_string(width) +
                                    (side == guarded::flush::end ? " flush end" : " flush begin");
          guarded::set_case(where);
          SCOPED_TRACE(where);
          guarded::array<T> gx(count_of(in), side);
          std::copy(x.values().begin(), x.values().end(), gx.data());
          const poolkit::nchw_view<const T> xin(gx.data(), in);
          // The new-tensor form reads the guarded input.
          const auto fresh = op.fresh(xin, pol);
          ASSERT_TRUE(same_tensor(want.values, fresh.values.view()));
          ASSERT_EQ(test::values_of(want.indices), test::values_of(fresh.indices));
          if (op.into) {
            guarded::array<T> gy(count_of(want.values.extents()), side);
            guarded::array<index_t> gi(count_of(want.indices.extents()), side);
            op.into(xin, flat_view(gy, want.values.extents()),
                    poolkit::nchw_view<index_t>(gi.data(), want.indices.extents()), pol);
            ASSERT_TRUE(same_tensor(want.values, flat_view(gy, want.values.extents())));
            for (std::size_t i = 0; i < gi.size(); ++i)
              ASSERT_EQ(want.indices.values()[i], gi.data()[i]);
          }
          ++runs;
        }
      }
    }
  }
  guarded::set_case("");
  // Every operation ran on every shape, instruction set and side.
  EXPECT_EQ(runs, static_cast<long>(ops.size() * sets.size()) * 70 * 2);
}

TEST(PageGuard, EveryOperationEveryIsaFloat) { run_page_guards<float>(); }
TEST(PageGuard, EveryOperationEveryIsaDouble) { run_page_guards<double>(); }

/// The strides of a channels-last tensor of extents e: {H*W*C, 1, W*C, C}.
extents4 channels_last_strides(const extents4& e) {
  return {e[1] * e[2] * e[3], 1, e[3] * e[1], e[1]};
}

/// Copies every element of t into the view v (same extents, any strides).
template <class T>
void copy_into(const poolkit::tensor<T>& t, const poolkit::nchw_view<T>& v) {
  for (index_t n = 0; n < v.extent(0); ++n)
    for (index_t c = 0; c < v.extent(1); ++c)
      for (index_t h = 0; h < v.extent(2); ++h)
        for (index_t w = 0; w < v.extent(3); ++w) v(n, c, h, w) = t(n, c, h, w);
}

/// Every operation on channels-last inputs (and into channels-last outputs) flush against
/// the guard pages, on every instruction set: channel counts cross every vector tail and
/// the four-vector blocks of the channels-last kernels; results equal to the scalar path's
/// on an NCHW tensor, bit for bit.
template <class T>
void run_channels_last_page_guards() {
  guarded::install_fault_report();
  const auto ops = catalogue::all_operations<T>();
  const auto sets = poolkit::available_instruction_sets();
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  std::mt19937_64 rng(2028);
  long runs = 0;
  const std::vector<index_t> channel_counts{1,  2,  3,  4,  5,  7,  8,  9,  15,
                                            16, 17, 31, 32, 33, 63, 64, 65, 70};
  for (index_t channels : channel_counts) {
    const extents4 in{1 + channels % 2, channels, 1 + channels % 5, 1 + channels % 7};
    poolkit::tensor<T> x(in);
    for (T& v : x.values()) v = static_cast<T>(static_cast<int>(rng() % 41) - 20) / T(4);
    // The same tensor stored channels-last in ordinary memory.
    std::vector<T> ordinary(count_of(in));
    const poolkit::nchw_view<T> xo(ordinary.data(), in, channels_last_strides(in));
    copy_into(x, xo);
    for (const auto& op : ops) {
      const auto want = op.fresh(x.view(), scalar);
      // Bilateral pooling reads a contiguous NCHW plane as an Eigen matrix directly and
      // gathers any other layout first: the two round differently (both within SPEC), so
      // its channels-last results are compared with its own channels-last results.
      const auto want_here = op.fresh(poolkit::nchw_view<const T>(xo), scalar);
      if (op.name.find("bilateral") == std::string::npos) {
        ASSERT_TRUE(same_tensor(want.values, want_here.values.view())) << op.name;
      }
      for (poolkit::instruction_set isa : sets) {
        const poolkit::policy pol{.isa = isa, .threads = 1 + static_cast<int>(channels % 2)};
        for (auto side : {guarded::flush::begin, guarded::flush::end}) {
          const std::string where = op.name + " channels-last isa " +
                                    std::string(poolkit::name_of(isa)) + " input " +
                                    poolkit::detail::to_text(in) +
                                    (side == guarded::flush::end ? " flush end" : " flush begin");
          guarded::set_case(where);
          SCOPED_TRACE(where);
          guarded::array<T> gx(count_of(in), side);
          const poolkit::nchw_view<T> xl(gx.data(), in, channels_last_strides(in));
          copy_into(x, xl);
          const poolkit::nchw_view<const T> xin = xl;
          const auto fresh = op.fresh(xin, pol);
          ASSERT_TRUE(same_tensor(want_here.values, fresh.values.view()));
          ASSERT_EQ(test::values_of(want_here.indices), test::values_of(fresh.indices));
          if (op.into) {
            const extents4 out = want_here.values.extents();
            guarded::array<T> gy(count_of(out), side);
            guarded::array<index_t> gi(count_of(want_here.indices.extents()), side);
            const poolkit::nchw_view<T> yl(gy.data(), out, channels_last_strides(out));
            op.into(xin, yl, poolkit::nchw_view<index_t>(gi.data(), want_here.indices.extents()),
                    pol);
            ASSERT_TRUE(same_tensor(want_here.values, yl));
            for (std::size_t i = 0; i < gi.size(); ++i)
              ASSERT_EQ(want_here.indices.values()[i], gi.data()[i]);
          }
          ++runs;
        }
      }
    }
  }
  guarded::set_case("");
  EXPECT_EQ(runs, static_cast<long>(ops.size() * sets.size() * channel_counts.size()) * 2);
}

TEST(PageGuard, ChannelsLastEveryOperationEveryIsaFloat) { run_channels_last_page_guards<float>(); }
TEST(PageGuard, ChannelsLastEveryOperationEveryIsaDouble) {
  run_channels_last_page_guards<double>();
}

/// The bilateral entries of the catalogue with 64 to 130 channels and fewer images than
/// threads, where the global form shares one image's product among threads: guarded
/// inputs and outputs, and the bits of one thread on ordinary memory for 2 to 4 threads.
template <class T>
void run_wide_bilateral_page_guards() {
  guarded::install_fault_report();
  const poolkit::policy one_thread{.isa = poolkit::instruction_set::scalar, .threads = 1};
  std::mt19937_64 rng(2027);
  long runs = 0;
  for (const auto& op : catalogue::all_operations<T>()) {
    if (op.name.find("bilateral") == std::string::npos) continue;
    for (index_t C : {64, 96, 130}) {
      const index_t width = 3 + C % 7, height = 2 + C % 3;
      const extents4 in{1, C, height, width};
      poolkit::tensor<T> x(in);
      for (T& v : x.values()) v = static_cast<T>(static_cast<int>(rng() % 41) - 20) / T(4);
      const auto want = op.fresh(x.view(), one_thread);
      for (int threads : {2, 3, 4})
        for (auto side : {guarded::flush::begin, guarded::flush::end}) {
          const std::string where = op.name + " C " + std::to_string(C) + " threads " +
                                    std::to_string(threads) +
                                    (side == guarded::flush::end ? " flush end" : " flush begin");
          guarded::set_case(where);
          SCOPED_TRACE(where);
          const poolkit::policy pol{.threads = threads};
          guarded::array<T> gx(count_of(in), side);
          std::copy(x.values().begin(), x.values().end(), gx.data());
          const poolkit::nchw_view<const T> xin(gx.data(), in);
          ASSERT_TRUE(same_tensor(want.values, op.fresh(xin, pol).values.view()));
          guarded::array<T> gy(count_of(want.values.extents()), side);
          op.into(xin, flat_view(gy, want.values.extents()),
                  poolkit::nchw_view<index_t>(nullptr, {0, 0, 0, 0}), pol);
          ASSERT_TRUE(same_tensor(want.values, flat_view(gy, want.values.extents())));
          ++runs;
        }
    }
  }
  guarded::set_case("");
  EXPECT_EQ(runs, 4 * 3 * 3 * 2);  // {local, global} x {full, packed}, 3 channel counts
}

TEST(PageGuard, BilateralWideChannelsAnyThreadCountFloat) {
  run_wide_bilateral_page_guards<float>();
}
TEST(PageGuard, BilateralWideChannelsAnyThreadCountDouble) {
  run_wide_bilateral_page_guards<double>();
}

// The guard itself works: reading one element past a flush-end array is caught.
TEST(PageGuardDeathTest, GuardCatchesOneElementPastTheEnd) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        guarded::array<float> a(5, guarded::flush::end);
        volatile float* p = a.data();
        std::printf("%f\n", static_cast<double>(p[5]));
      },
      "");
}

}  // namespace
