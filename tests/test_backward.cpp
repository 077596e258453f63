// Backward passes (SPEC section 9): PyTorch 1.13's CPU autograd from the golden file
// tests/golden/backward.txt, bit for bit; the naive reference of tests/reference.hpp on
// random cases for every instruction set, thread count and memory layout (dy, dx and the
// indices embedded in larger, permuted buffers that must stay untouched); bad input.
#include "golden_reader.hpp"
#include "reference_params.hpp"
#include "test_support.hpp"

#include <map>
#include <numeric>

namespace {

using golden::golden_case;
using poolkit::index_t;

template <class T>
poolkit::tensor<T> tensor_of(const poolkit::extents4& e, const std::vector<double>& values) {
  poolkit::tensor<T> t(e);
  EXPECT_EQ(static_cast<std::size_t>(t.size()), values.size());
  std::transform(values.begin(), values.end(), t.data_handle(),
                 [](double v) { return static_cast<T>(v); });
  return t;
}

/// Whether a and b are equal, zeros of either sign counting as equal (see the min case).
template <class T>
bool same_up_to_zero_sign(T a, T b) {
  return test::same_value(a, b) || (a == T(0) && b == T(0));
}

std::map<std::string, int> golden_counts;

template <class T>
void run_golden(const golden_case& c) {
  const auto x = tensor_of<T>(c.in, c.input);
  const auto dy = tensor_of<T>(c.grad_extents, c.grad);
  const poolkit::hw size{c.in[2], c.in[3]};
  const auto p = golden::params_of(c);
  ++golden_counts[c.op];
  // Every dx is compared with autograd's, and again when written into a strided view
  // (a channel-last layout with padding) whose surroundings must stay untouched.
  bool zero_sign_free = false;
  const auto compare = [&](const poolkit::tensor<T>& dx) {
    ASSERT_EQ(dx.extents(), c.dx_extents) << c.op;
    for (std::size_t i = 0; i < c.dx.size(); ++i) {
      const T want = static_cast<T>(c.dx[i]);
      const T got = dx.values()[i];
      ASSERT_TRUE(zero_sign_free ? same_up_to_zero_sign(got, want) : test::same_value(got, want))
          << c.op << " " << c.dtype << " params " << ::testing::PrintToString(c.params) << " input "
          << poolkit::detail::to_text(c.in) << " dx element " << i << ": " << got << " vs PyTorch "
          << want;
    }
  };
  const auto compare_into = [&](const auto& write) {
    constexpr T sentinel = T(-777.25);
    test::embedded<T> dx(c.dx_extents, {1, 2, 1, 3}, {1, 1, 0, 2}, {0, 2, 3, 1}, sentinel);
    write(dx.view);
    poolkit::tensor<T> copy(c.dx_extents);
    for (index_t n = 0; n < copy.extent(0); ++n)
      for (index_t ch = 0; ch < copy.extent(1); ++ch)
        for (index_t h = 0; h < copy.extent(2); ++h)
          for (index_t w = 0; w < copy.extent(3); ++w) copy(n, ch, h, w) = dx.view(n, ch, h, w);
    compare(copy);
    EXPECT_TRUE(dx.outside_untouched(sentinel)) << c.op;
  };
  const poolkit::policy two_threads{.threads = 2};
  const poolkit::policy scalar{.isa = poolkit::instruction_set::scalar, .threads = 1};
  const auto routed = [&](const poolkit::tensor<index_t>& idx) {
    compare(poolkit::max_pool2d_backward(dy, idx, size));
    compare(poolkit::max_pool2d_backward(dy, idx, size, scalar));
    compare_into(
        [&](poolkit::nchw_view<T> dx) { poolkit::max_pool2d_backward(dy, idx, dx, two_threads); });
  };
  if (c.op == "max_pool2d_backward") {
    routed(poolkit::max_pool2d_with_indices(x, p).indices);
  } else if (c.op == "min_pool2d_backward") {
    // PyTorch's min is -max_pool2d(-x): its final negation turns the zeros of elements
    // no window chose into -0. poolkit's gradient routes the same sums (negation is exact)
    // into +0: equal values, zero signs aside (README, "Backward passes").
    zero_sign_free = true;
    routed(poolkit::min_pool2d_with_indices(x, p).indices);
  } else if (c.op == "avg_pool2d_backward") {
    compare(poolkit::avg_pool2d_backward(dy, size, p));
    compare(poolkit::avg_pool2d_backward(dy, size, p, scalar));
    compare_into(
        [&](poolkit::nchw_view<T> dx) { poolkit::avg_pool2d_backward(dy, dx, p, two_threads); });
    // sum_pool2d is avg_pool2d with divisor_override = 1 (a division by 1 is exact).
    if (p.divisor_override == 1) compare(poolkit::sum_pool2d_backward(dy, size, p));
  } else if (c.op == "adaptive_max_pool2d_backward") {
    routed(poolkit::adaptive_max_pool2d_with_indices(x, {c.out[2], c.out[3]}).indices);
  } else if (c.op == "adaptive_avg_pool2d_backward") {
    compare(poolkit::adaptive_avg_pool2d_backward(dy, size));
    compare_into([&](poolkit::nchw_view<T> dx) {
      poolkit::adaptive_avg_pool2d_backward(dy, dx, two_threads);
    });
  } else if (c.op == "global_avg_pool2d_backward") {
    compare(poolkit::global_avg_pool2d_backward(dy, size));
    compare(poolkit::adaptive_avg_pool2d_backward(dy, size));
    compare_into([&](poolkit::nchw_view<T> dx) {
      poolkit::global_avg_pool2d_backward(dy, dx, two_threads);
    });
  } else if (c.op == "fractional_max_pool2d_backward") {
    const auto u = tensor_of<T>({c.in[0], c.in[1], 1, 2}, c.samples);
    const poolkit::fractional_max_params fp{.kernel = {c.params[0], c.params[1]},
                                            .output_size = poolkit::hw{c.out[2], c.out[3]}};
    routed(poolkit::fractional_max_pool2d(x, fp, u).indices);
  } else if (c.op == "max_unpool2d_backward") {
    // "input" holds the unpooled values, "dx" their gradient; dy is the unpooled output's.
    poolkit::tensor<index_t> idx(c.in);
    std::copy(c.indices.begin(), c.indices.end(), idx.data_handle());
    compare(poolkit::max_unpool2d_backward(dy, idx));
    compare_into([&](poolkit::nchw_view<T> dv) {
      poolkit::max_unpool2d_backward(dy, idx, dv, two_threads);
    });
  } else {
    FAIL() << "unknown golden op " << c.op;
  }
}

TEST(PyTorchGolden, BackwardPasses) {
  const auto cases = golden::read_cases("backward.txt");
  ASSERT_GE(cases.size(), 400u);
  for (const auto& c : cases) {
    if (c.dtype == "float32") {
      run_golden<float>(c);
    } else {
      run_golden<double>(c);
    }
    if (HasFailure()) break;
  }
  // Every operation of the file ran, many times each.
  EXPECT_EQ(golden_counts.size(), 8u);
  for (const auto& [op, count] : golden_counts) EXPECT_GE(count, 40) << op;
}

// ---------------------------------------------------------------------------------------
// Random cases against the naive reference.

enum class kind {
  routed,
  avg,
  sum,
  adaptive_avg,
  adaptive_sum,
  global_avg,
  global_sum,
  unpool,
  fractional_avg
};
constexpr kind every_kind[] = {kind::routed,       kind::avg,          kind::sum,
                               kind::adaptive_avg, kind::adaptive_sum, kind::global_avg,
                               kind::global_sum,   kind::unpool,       kind::fractional_avg};

struct layout {
  std::array<index_t, 4> pad{}, offset{};
  std::array<int, 4> order{0, 1, 2, 3};
};

struct backward_case {
  kind k;
  poolkit::extents4 in{}, out{};  // the forward's input (dx) and output (dy) extents
  poolkit::pool2d_params params;
  ref::params reference;
  poolkit::pooling_sequences sequences;  // fractional_avg
  bool overlapping = false;
  layout dy_layout, dx_layout, index_layout;
};

std::string describe(const backward_case& c) {
  std::ostringstream s;
  s << "kind " << static_cast<int>(c.k) << " input " << poolkit::detail::to_text(c.in) << " output "
    << poolkit::detail::to_text(c.out);
  const auto& r = c.reference;
  if (c.k == kind::avg || c.k == kind::sum)
    s << " kernel {" << r.kh << "," << r.kw << "} stride {" << r.sh << "," << r.sw << "} dilation {"
      << r.dh << "," << r.dw << "} pad {" << r.pbh << "," << r.pbw << "}-{" << r.peh << "," << r.pew
      << "} ceil " << r.ceil_mode << " include_pad " << r.count_include_pad << " divisor "
      << r.divisor_override.value_or(0);
  if (c.k == kind::fractional_avg) {
    s << " overlapping " << c.overlapping << " rows";
    for (index_t b : c.sequences.rows) s << " " << b;
    s << " cols";
    for (index_t b : c.sequences.cols) s << " " << b;
  }
  return s.str();
}

backward_case draw(kind k, std::mt19937_64& rng) {
  const auto uniform = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  const auto random_layout = [&] {
    layout l;
    if (uniform(0, 2) == 0) return l;  // contiguous
    for (std::size_t i = 0; i < 4; ++i) {
      l.pad[i] = uniform(0, 2);
      l.offset[i] = uniform(0, l.pad[i]);
    }
    // Channels-last half of the time, any order otherwise.
    if (uniform(0, 1) == 0) {
      l.order = {0, 2, 3, 1};
    } else {
      std::shuffle(l.order.begin(), l.order.end(), rng);
    }
    return l;
  };
  for (;;) {
    backward_case c{};
    c.k = k;
    c.in = {uniform(0, 2), uniform(1, 4), uniform(1, 30), uniform(1, 30)};
    if (uniform(0, 9) != 0 && c.in[0] == 0) c.in[0] = 1;  // now and then an empty batch
    switch (k) {
      case kind::avg:
      case kind::sum: {
        ref::params& r = c.reference;
        r.kh = uniform(1, 6), r.kw = uniform(1, 6);
        r.sh = uniform(1, 4), r.sw = uniform(1, 4);
        r.dh = uniform(1, 3), r.dw = uniform(1, 3);
        r.pbh = uniform(0, r.dh * (r.kh - 1)), r.pbw = uniform(0, r.dw * (r.kw - 1));
        r.peh = uniform(0, r.dh * (r.kh - 1)), r.pew = uniform(0, r.dw * (r.kw - 1));
        r.ceil_mode = uniform(0, 1) == 1;
        r.count_include_pad = uniform(0, 1) == 1;
        if (k == kind::avg && uniform(0, 4) == 0) r.divisor_override = uniform(1, 9);
        const index_t oh = ref::output_size(c.in[2], r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
        const index_t ow = ref::output_size(c.in[3], r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
        if (oh < 1 || ow < 1) continue;
        c.out = {c.in[0], c.in[1], oh, ow};
        poolkit::pool2d_params& p = c.params;
        p.kernel = {r.kh, r.kw};
        p.stride = {r.sh, r.sw};
        p.dilation = {r.dh, r.dw};
        p.padding = {r.pbh, r.pbw};
        p.padding_end = {r.peh, r.pew};
        p.ceil_mode = r.ceil_mode;
        p.count_include_pad = r.count_include_pad;
        p.divisor_override = r.divisor_override;
        break;
      }
      case kind::adaptive_avg:
      case kind::adaptive_sum:
        c.out = {c.in[0], c.in[1], uniform(1, c.in[2] + 3), uniform(1, c.in[3] + 3)};
        break;
      case kind::global_avg:
      case kind::global_sum: c.out = {c.in[0], c.in[1], 1, 1}; break;
      case kind::fractional_avg: {
        // Increasing boundaries from 0 to the input size: out - 1 distinct inner ones.
        const auto sequence = [&](index_t in) {
          std::vector<index_t> inner(static_cast<std::size_t>(in - 1));
          std::iota(inner.begin(), inner.end(), index_t{1});
          std::shuffle(inner.begin(), inner.end(), rng);
          inner.resize(static_cast<std::size_t>(uniform(0, in - 1)));
          std::sort(inner.begin(), inner.end());
          inner.insert(inner.begin(), 0);
          inner.push_back(in);
          return inner;
        };
        c.sequences = {sequence(c.in[2]), sequence(c.in[3])};
        c.overlapping = uniform(0, 1) == 1;
        c.out = {c.in[0], c.in[1], static_cast<index_t>(c.sequences.rows.size()) - 1,
                 static_cast<index_t>(c.sequences.cols.size()) - 1};
        break;
      }
      case kind::routed:
      case kind::unpool:
        // Indices of any forward: random ones, many pointing at the same element.
        c.out = {c.in[0], c.in[1], uniform(1, 20), uniform(1, 20)};
        break;
    }
    c.dy_layout = random_layout();
    c.dx_layout = random_layout();
    c.index_layout = random_layout();
    return c;
  }
}

template <class T>
void check(const backward_case& c, poolkit::instruction_set isa, std::mt19937_64& rng) {
  constexpr T sentinel = T(-4321.5);
  // Unpooling reads dy of the unpooled size and writes values shaped like its indices.
  const bool unpool = c.k == kind::unpool;
  const poolkit::extents4 dy_extents = unpool ? c.in : c.out;
  const poolkit::extents4 dx_extents = unpool ? c.out : c.in;
  test::embedded<T> dy(dy_extents, c.dy_layout.pad, c.dy_layout.offset, c.dy_layout.order,
                       sentinel);
  std::uniform_real_distribution<T> value(-10, 10);
  const bool repeats = rng() % 3 == 0;  // a few exact values: equal contributions add up
  // Zeros of both signs among them: a lone -0 contribution must come out +0 (zero + -0).
  test::fill(dy.view, [&] {
    if (!repeats) return value(rng);
    const T v = T(index_t(rng() % 9) - 4) / 4;
    return v == T(0) && rng() % 2 == 0 ? -v : v;
  });
  test::embedded<index_t> idx(c.out, c.index_layout.pad, c.index_layout.offset,
                              c.index_layout.order, -99);
  const index_t targets = dy_extents[2] * dy_extents[3];  // unpool: into dy
  const index_t routed_targets = c.in[2] * c.in[3];       // routed: into dx
  const index_t range = unpool ? targets : routed_targets;
  test::fill(idx.view, [&] {
    return rng() % 8 == 0 ? index_t{-1} : static_cast<index_t>(rng() % std::uint64_t(range));
  });
  test::embedded<T> dx(dx_extents, c.dx_layout.pad, c.dx_layout.offset, c.dx_layout.order,
                       sentinel);
  poolkit::policy pol{.isa = isa, .threads = static_cast<int>(rng() % 3) + 1};
  if (rng() % 5 == 0)
    pol.executor = [](index_t n, const std::function<void(index_t)>& task) {
      for (index_t i = n; i-- > 0;) task(i);
    };
  const poolkit::nchw_view<const T> g = dy.view;
  const poolkit::nchw_view<const index_t> ix = idx.view;
  const poolkit::hw size{c.in[2], c.in[3]};
  poolkit::tensor<T> allocated;
  switch (c.k) {
    case kind::routed:
      poolkit::max_pool2d_backward(g, ix, dx.view, pol);
      allocated = poolkit::max_pool2d_backward(g, ix, size);
      break;
    case kind::avg:
      poolkit::avg_pool2d_backward(g, dx.view, c.params, pol);
      allocated = poolkit::avg_pool2d_backward(g, size, c.params);
      break;
    case kind::sum:
      poolkit::sum_pool2d_backward(g, dx.view, c.params, pol);
      allocated = poolkit::sum_pool2d_backward(g, size, c.params);
      break;
    case kind::adaptive_avg:
      poolkit::adaptive_avg_pool2d_backward(g, dx.view, pol);
      allocated = poolkit::adaptive_avg_pool2d_backward(g, size);
      break;
    case kind::adaptive_sum:
      poolkit::adaptive_sum_pool2d_backward(g, dx.view, pol);
      allocated = poolkit::adaptive_sum_pool2d_backward(g, size);
      break;
    case kind::global_avg:
      poolkit::global_avg_pool2d_backward(g, dx.view, pol);
      allocated = poolkit::global_avg_pool2d_backward(g, size);
      break;
    case kind::global_sum:
      poolkit::global_sum_pool2d_backward(g, dx.view, pol);
      allocated = poolkit::global_sum_pool2d_backward(g, size);
      break;
    case kind::unpool:
      poolkit::max_unpool2d_backward(g, ix, dx.view, pol);
      allocated = poolkit::max_unpool2d_backward(g, ix);
      break;
    case kind::fractional_avg:
      poolkit::fractional_avg_pool2d_backward(g, dx.view, c.sequences, c.overlapping, pol);
      allocated = poolkit::fractional_avg_pool2d_backward(g, size, c.sequences, c.overlapping);
      break;
  }
  ASSERT_EQ(allocated.extents(), dx_extents) << describe(c);
  int failures = 0;
  for (index_t n = 0; n < dx_extents[0]; ++n)
    for (index_t ch = 0; ch < dx_extents[1]; ++ch) {
      std::vector<T> dy_plane;
      for (index_t h = 0; h < dy_extents[2]; ++h)
        for (index_t w = 0; w < dy_extents[3]; ++w) dy_plane.push_back(dy.view(n, ch, h, w));
      std::vector<index_t> index_plane;
      for (index_t h = 0; h < c.out[2]; ++h)
        for (index_t w = 0; w < c.out[3]; ++w) index_plane.push_back(idx.view(n, ch, h, w));
      std::vector<T> want;
      switch (c.k) {
        case kind::routed:
          want = ref::route_backward(dy_plane, index_plane, c.in[2], c.in[3]);
          break;
        case kind::avg:
        case kind::sum:
          want = ref::window_backward(dy_plane, c.in[2], c.in[3], c.out[2], c.out[3], c.reference,
                                      c.k == kind::avg ? ref::op::avg : ref::op::sum);
          break;
        case kind::adaptive_avg:
        case kind::global_avg:
          want =
              ref::adaptive_backward(dy_plane, c.in[2], c.in[3], c.out[2], c.out[3], ref::op::avg);
          break;
        case kind::adaptive_sum:
        case kind::global_sum:
          want =
              ref::adaptive_backward(dy_plane, c.in[2], c.in[3], c.out[2], c.out[3], ref::op::sum);
          break;
        case kind::unpool: want = ref::unpool_backward(dy_plane, index_plane); break;
        case kind::fractional_avg:
          want = ref::region_backward(dy_plane, c.in[2], c.in[3], c.sequences.rows,
                                      c.sequences.cols, c.overlapping);
          break;
      }
      for (index_t h = 0; h < dx_extents[2]; ++h)
        for (index_t w = 0; w < dx_extents[3]; ++w) {
          const T expected = want[std::size_t(h * dx_extents[3] + w)];
          const T got = dx.view(n, ch, h, w);
          if (!(test::same_value(got, expected) &&
                test::same_value(allocated(n, ch, h, w), expected)) &&
              ++failures <= 3)
            ADD_FAILURE() << describe(c) << " isa " << poolkit::name_of(isa) << " threads "
                          << pol.threads << " at (" << n << "," << ch << "," << h << "," << w
                          << "): got " << got << " allocated " << allocated(n, ch, h, w)
                          << " expected " << expected;
        }
    }
  EXPECT_TRUE(dx.outside_untouched(sentinel)) << describe(c);
  EXPECT_TRUE(dy.outside_untouched(sentinel)) << describe(c);
}

class RandomBackward : public ::testing::TestWithParam<poolkit::instruction_set> {
 protected:
  template <class T>
  void run_suite(std::uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    for (int i = 0; i < count && !HasFailure(); ++i)
      for (kind k : every_kind) check<T>(draw(k, rng), GetParam(), rng);
  }
};

TEST_P(RandomBackward, FloatMatchesTheReferenceBitForBit) {
  run_suite<float>(1203, POOLKIT_RANDOM_CONFIGS / 10);
}
TEST_P(RandomBackward, DoubleMatchesTheReferenceBitForBit) {
  run_suite<double>(3012, POOLKIT_RANDOM_CONFIGS / 40);
}

INSTANTIATE_TEST_SUITE_P(EveryInstructionSet, RandomBackward,
                         ::testing::ValuesIn(poolkit::available_instruction_sets()),
                         [](const auto& param_info) {
                           return std::string(poolkit::name_of(param_info.param));
                         });

// ---------------------------------------------------------------------------------------
// The power family: within SPEC's accuracy of a long-double reference, the same bits on
// every instruction set and thread count, and the derivative of the forward.

enum class power_op { l2, lp, power_avg };

struct power_case {
  power_op op;
  double p;
  poolkit::extents4 in, out;
  poolkit::pool2d_params params;
  ref::params reference;
  int magnitude;  // decimal exponent of the inputs' scale
};

std::string describe(const power_case& c) {
  std::ostringstream s;
  const auto& r = c.reference;
  s << "power op " << static_cast<int>(c.op) << " p " << c.p << " input "
    << poolkit::detail::to_text(c.in) << " kernel {" << r.kh << "," << r.kw << "} stride {" << r.sh
    << "," << r.sw << "} dilation {" << r.dh << "," << r.dw << "} pad {" << r.pbh << "," << r.pbw
    << "}-{" << r.peh << "," << r.pew << "} ceil " << r.ceil_mode << " include_pad "
    << r.count_include_pad << " divisor " << r.divisor_override.value_or(0) << " scale 1e"
    << c.magnitude;
  return s.str();
}

template <class T>
power_case draw_power(std::mt19937_64& rng) {
  const auto uniform = [&](index_t lo, index_t hi) {
    return std::uniform_int_distribution<index_t>(lo, hi)(rng);
  };
  constexpr double exponents[] = {0.5, 1, 1.5, 2,  3,
                                  4.5, 7, 16,  64, std::numeric_limits<double>::infinity()};
  for (;;) {
    power_case c{};
    c.op = static_cast<power_op>(uniform(0, 2));
    c.p = c.op == power_op::l2 ? 2.0 : exponents[uniform(0, 9)];
    c.in = {uniform(1, 2), uniform(1, 3), uniform(1, 16), uniform(1, 16)};
    ref::params& r = c.reference;
    r.kh = uniform(1, 4), r.kw = uniform(1, 4);
    r.sh = uniform(1, 3), r.sw = uniform(1, 3);
    r.dh = uniform(1, 2), r.dw = uniform(1, 2);
    r.pbh = uniform(0, r.dh * (r.kh - 1)), r.pbw = uniform(0, r.dw * (r.kw - 1));
    r.peh = r.pbh, r.pew = r.pbw;
    r.ceil_mode = uniform(0, 1) == 1;
    r.count_include_pad = uniform(0, 1) == 1;
    if (c.op == power_op::power_avg && uniform(0, 3) == 0) r.divisor_override = uniform(1, 9);
    const index_t oh = ref::output_size(c.in[2], r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
    const index_t ow = ref::output_size(c.in[3], r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
    if (oh < 1 || ow < 1) continue;
    c.out = {c.in[0], c.in[1], oh, ow};
    c.params = {.kernel = {r.kh, r.kw},
                .stride = poolkit::hw{r.sh, r.sw},
                .padding = {r.pbh, r.pbw},
                .dilation = {r.dh, r.dw},
                .ceil_mode = r.ceil_mode,
                .count_include_pad = r.count_include_pad,
                .divisor_override = r.divisor_override};
    // From denormals to near the top of the range: the ratio form must not overflow.
    const int top = std::numeric_limits<T>::max_exponent10 - 3;
    c.magnitude = uniform(0, 2) == 0 ? static_cast<int>(uniform(-top, top)) : 0;
    return c;
  }
}

template <class T>
poolkit::tensor<T> power_forward(const power_case& c, const poolkit::tensor<T>& x) {
  switch (c.op) {
    case power_op::l2: return poolkit::l2_pool2d(x, c.params);
    case power_op::lp: return poolkit::lp_pool2d(x, c.p, c.params);
    case power_op::power_avg: break;
  }
  return poolkit::power_avg_pool2d(x, c.p, c.params);
}

template <class T>
void power_backward_into(const power_case& c, const poolkit::tensor<T>& dy,
                         const poolkit::tensor<T>& x, const poolkit::tensor<T>& y,
                         poolkit::nchw_view<T> dx, const poolkit::policy& pol) {
  switch (c.op) {
    case power_op::l2: return poolkit::l2_pool2d_backward(dy, x, y, dx, c.params, pol);
    case power_op::lp: return poolkit::lp_pool2d_backward(dy, x, y, dx, c.p, c.params, pol);
    case power_op::power_avg:
      return poolkit::power_avg_pool2d_backward(dy, x, y, dx, c.p, c.params, pol);
  }
}

template <class T>
void check_power(const power_case& c, poolkit::instruction_set isa, std::mt19937_64& rng) {
  poolkit::tensor<T> x(c.in);
  const T scale = static_cast<T>(std::pow(10.0, c.magnitude));
  std::uniform_real_distribution<double> value(-4, 4);
  const bool zeros = rng() % 4 == 0;  // exact zeros: taps (and windows) that route nothing
  test::fill(x.view(),
             [&] { return zeros && rng() % 3 == 0 ? T(0) : static_cast<T>(value(rng)) * scale; });
  const auto y = power_forward(c, x);
  poolkit::tensor<T> dy(c.out);
  test::fill(dy.view(), [&] { return static_cast<T>(value(rng)); });
  constexpr T sentinel = T(-999.5);
  test::embedded<T> dx(c.in, {1, 0, 2, 1}, {1, 0, 1, 0}, {0, 2, 3, 1}, sentinel);
  const poolkit::policy pol{.isa = isa, .threads = static_cast<int>(rng() % 3) + 1};
  power_backward_into(c, dy, x, y, dx.view, pol);
  poolkit::tensor<T> scalar(c.in);
  power_backward_into(c, dy, x, y, scalar.view(), {.isa = poolkit::instruction_set::scalar});
  const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  int failures = 0;
  for (index_t n = 0; n < c.in[0]; ++n)
    for (index_t ch = 0; ch < c.in[1]; ++ch) {
      std::vector<double> y_plane, dy_plane;
      for (index_t h = 0; h < c.out[2]; ++h)
        for (index_t w = 0; w < c.out[3]; ++w) {
          y_plane.push_back(static_cast<double>(y(n, ch, h, w)));
          dy_plane.push_back(static_cast<double>(dy(n, ch, h, w)));
        }
      std::vector<long double> magnitude;
      const auto want = ref::power_backward(
          [&](index_t h, index_t w) { return double(x(n, ch, h, w)); }, y_plane, dy_plane, c.in[2],
          c.in[3], c.out[2], c.out[3], c.reference, c.p, c.op == power_op::power_avg, &magnitude);
      for (index_t h = 0; h < c.in[2]; ++h)
        for (index_t w = 0; w < c.in[3]; ++w) {
          const std::size_t i = std::size_t(h * c.in[3] + w);
          const T got = dx.view(n, ch, h, w);
          const long double error = std::fabs(static_cast<long double>(got) - want[i]);
          const auto smallest = static_cast<long double>(std::numeric_limits<T>::denorm_min());
          const bool ok = test::same_value(got, scalar(n, ch, h, w)) &&
                          error <= static_cast<long double>(tolerance) * magnitude[i] + smallest;
          if (!ok && ++failures <= 3)
            ADD_FAILURE() << describe(c) << " isa " << poolkit::name_of(isa) << " threads "
                          << pol.threads << " at (" << n << "," << ch << "," << h << "," << w
                          << "): got " << got << " scalar " << scalar(n, ch, h, w) << " reference "
                          << static_cast<double>(want[i]) << " scale "
                          << static_cast<double>(magnitude[i]);
        }
    }
  EXPECT_TRUE(dx.outside_untouched(sentinel)) << describe(c);
}

class RandomPowerBackward : public ::testing::TestWithParam<poolkit::instruction_set> {};

TEST_P(RandomPowerBackward, FloatWithinSpecOfTheReferenceAndTheSameBitsEverywhere) {
  std::mt19937_64 rng(77);
  for (int i = 0; i < POOLKIT_RANDOM_CONFIGS / 20 && !HasFailure(); ++i)
    check_power<float>(draw_power<float>(rng), GetParam(), rng);
}
TEST_P(RandomPowerBackward, DoubleWithinSpecOfTheReferenceAndTheSameBitsEverywhere) {
  std::mt19937_64 rng(78);
  for (int i = 0; i < POOLKIT_RANDOM_CONFIGS / 40 && !HasFailure(); ++i)
    check_power<double>(draw_power<double>(rng), GetParam(), rng);
}

INSTANTIATE_TEST_SUITE_P(EveryInstructionSet, RandomPowerBackward,
                         ::testing::ValuesIn(poolkit::available_instruction_sets()),
                         [](const auto& param_info) {
                           return std::string(poolkit::name_of(param_info.param));
                         });

// Finite differences in double: dL/dx_t of L = sum dy * forward(x), by central
// differences, against the backward pass, for every element of small random cases.
TEST(PowerBackward, MatchesFiniteDifferencesOfTheForwardInDouble) {
  std::mt19937_64 rng(2024);
  int checked = 0;
  for (int i = 0; i < 60; ++i) {
    power_case c = draw_power<double>(rng);
    c.in[2] = std::min<index_t>(c.in[2], 7), c.in[3] = std::min<index_t>(c.in[3], 7);
    const auto& r = c.reference;
    const index_t oh = ref::output_size(c.in[2], r.kh, r.sh, r.dh, r.pbh, r.peh, r.ceil_mode);
    const index_t ow = ref::output_size(c.in[3], r.kw, r.sw, r.dw, r.pbw, r.pew, r.ceil_mode);
    if (oh < 1 || ow < 1) continue;
    c.out = {c.in[0], c.in[1], oh, ow};
    poolkit::tensor<double> x(c.in);
    // Magnitudes in [0.5, 2] of either sign, distinct: every tap differentiable (no zero,
    // no tie for the largest |x| of p = inf).
    std::uniform_real_distribution<double> value(0.5, 2);
    test::fill(x.view(), [&] { return rng() % 2 ? value(rng) : -value(rng); });
    poolkit::tensor<double> dy(c.out);
    test::fill(dy.view(), [&] { return value(rng) - 1.25; });
    const auto y = power_forward(c, x);
    poolkit::tensor<double> dx(c.in);
    power_backward_into(c, dy, x, y, dx.view(), {});
    const auto loss = [&](const poolkit::tensor<double>& at) {
      const auto out = power_forward(c, at);
      double l = 0;
      for (index_t k = 0; k < out.size(); ++k) l += dy.data_handle()[k] * out.data_handle()[k];
      return l;
    };
    for (index_t k = 0; k < x.size(); ++k) {
      const double h = 1e-6 * std::fabs(x.data_handle()[k]);
      poolkit::tensor<double> up = x, down = x;
      up.data_handle()[k] += h;
      down.data_handle()[k] -= h;
      const double numeric =
          (loss(up) - loss(down)) / (up.data_handle()[k] - down.data_handle()[k]);
      ASSERT_NEAR(dx.data_handle()[k], numeric, 1e-6 * (1 + std::fabs(numeric)))
          << describe(c) << " element " << k;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

// ---------------------------------------------------------------------------------------
// Bad input: a clear error naming the parameter, nothing written.

/// A gradient of extents {1, 2, 3, 2}: one column short of {1, 2, 3, 3}.
poolkit::tensor<float> short_idx_like(const poolkit::tensor<float>&) {
  return poolkit::tensor<float>({1, 2, 3, 2});
}

TEST(BackwardErrors, RejectBadInputBeforeWritingAnything) {
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  poolkit::tensor<float> dy({1, 2, 3, 3});
  for (auto& v : dy.values()) v = 1;
  poolkit::tensor<index_t> idx({1, 2, 3, 3});
  poolkit::tensor<float> dx({1, 2, 6, 6});
  const auto untouched = [&] {
    for (float v : dx.values())
      if (!test::same_value(v, 42.0f)) return false;
    return true;
  };
  for (auto& v : dx.values()) v = 42;

  // An index outside the input plane (6 x 6 = 36 elements), the last one checked.
  idx(0, 1, 2, 2) = 36;
  test::expect_error([&] { poolkit::max_pool2d_backward(dy, idx, dx); },
                     {"max_pool2d_backward", "indices(0, 1, 2, 2)", "36", "[0, 36)"});
  idx(0, 1, 2, 2) = -2;
  test::expect_error(
      [&] {
        (void)poolkit::max_pool2d_backward(dy, idx, {6, 6});
      },
      {"indices(0, 1, 2, 2)", "-2", "must be -1"});
  idx(0, 1, 2, 2) = 0;
  // Indices and dy of different extents.
  poolkit::tensor<index_t> short_idx({1, 2, 3, 2});
  test::expect_error([&] { poolkit::max_pool2d_backward(dy, short_idx, dx); },
                     {"indices extents", "{1, 2, 3, 2}", "dy extents {1, 2, 3, 3}"});
  // dx of another batch, or an empty input size.
  poolkit::tensor<float> wrong_dx({2, 2, 6, 6});
  test::expect_error([&] { poolkit::max_pool2d_backward(dy, idx, wrong_dx); },
                     {"dx extents", "{2, 2, 6, 6}", "must be {1, 2, 6, 6}"});
  test::expect_error(
      [&] {
        (void)poolkit::max_pool2d_backward(dy, idx, {0, 6});
      },
      {"input_size", "{0, 6}", ">= 1"});
  // dy that is not the forward's output for this input size and window.
  test::expect_error(
      [&] {
        poolkit::avg_pool2d_backward(dy, dx, {.kernel = {3, 3}});
      },
      {"avg_pool2d_backward", "dy extents", "must be {1, 2, 2, 2}", "dx extents"});
  test::expect_error(
      [&] {
        (void)poolkit::sum_pool2d_backward(dy, {8, 6}, p);
      },
      {"sum_pool2d_backward", "dy extents", "{1, 2, 3, 3}", "{8, 6}"});
  test::expect_error(
      [&] {
        (void)poolkit::avg_pool2d_backward(dy, {6, 6}, {.kernel = {0, 2}});
      },
      {"kernel", "{0, 2}"});
  // Global pooling's dy is 1 x 1.
  test::expect_error([&] { poolkit::global_avg_pool2d_backward(dy, dx); },
                     {"global_avg_pool2d_backward", "dy extents", "must be 1"});
  // dx overlapping dy: a dx view over dy's own memory.
  poolkit::tensor<float> big({1, 2, 6, 6});
  const poolkit::nchw_view<const float> dy_in_big(big.data_handle(), {1, 2, 3, 3}, {72, 36, 6, 1});
  test::expect_error([&] { poolkit::avg_pool2d_backward(dy_in_big, big.view(), p); },
                     {"dx", "sharing memory with dy", "must not overlap"});
  // Unpooling's indices point into dy.
  poolkit::tensor<float> dvalues({1, 2, 3, 3});
  idx(0, 0, 1, 1) = 99;
  test::expect_error([&] { poolkit::max_unpool2d_backward(dx, idx, dvalues); },
                     {"max_unpool2d_backward", "indices(0, 0, 1, 1)", "99", "[0, 36)"});
  // The power family: dy and y shaped like the forward's output for x, p > 0.
  poolkit::tensor<float> x({1, 2, 6, 6});
  const auto y = poolkit::lp_pool2d(x, 3.0, p);
  test::expect_error([&] { poolkit::lp_pool2d_backward(short_idx_like(dy), x, y, dx, 3.0, p); },
                     {"lp_pool2d_backward", "dy extents", "{1, 2, 3, 2}", "must be {1, 2, 3, 3}"});
  test::expect_error([&] { poolkit::power_avg_pool2d_backward(dy, x, y, dx, -1.0, p); },
                     {"power_avg_pool2d_backward", "p", "-1", "must be > 0"});
  test::expect_error([&] { poolkit::l2_pool2d_backward(dy, x, dy, x, p); },
                     {"l2_pool2d_backward", "dx", "sharing memory with x"});
  // Fractional average: the sequences must cover the input.
  const poolkit::pooling_sequences sequences{{0, 2, 4, 6}, {0, 3, 5}};
  test::expect_error(
      [&] { poolkit::fractional_avg_pool2d_backward(dy, dx, sequences, false); },
      {"fractional_avg_pool2d_backward", "sequences.cols[2]", "5", "must be the input size 6"});
  EXPECT_TRUE(untouched());
  // The try_ forms report the same without throwing.
  const poolkit::status s = poolkit::try_max_pool2d_backward(dy, short_idx, dx);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(poolkit::try_global_sum_pool2d_backward(dy, poolkit::hw{6, 6}).ok());
  EXPECT_TRUE(untouched());
}

TEST(BackwardSemantics, OverlappingWindowsAddTheirSharesInOutputOrder) {
  // 1 x 5 input, 3-wide windows with stride 1: element 2 is in all three windows. With
  // shares 1e8, 1 and -1e8 (float), the row-major order gives (0 + 1e8 + 1) - 1e8 = 0
  // (1e8 + 1 rounds to 1e8); any other order would give 1.
  const auto dy = test::make_tensor<float>({1, 1, 1, 3}, {1e8f, 1.0f, -1e8f});
  const auto dx = poolkit::sum_pool2d_backward(dy, {1, 5}, {.kernel = {1, 3}, .stride = {1, 1}});
  // 1e8 + 1 and 1 - 1e8 round to +-1e8 in float.
  EXPECT_EQ(test::values_of(dx), (std::vector<float>{1e8f, 1e8f, 0.0f, -1e8f, -1e8f}));
  // The same through indices that all choose element 2.
  const auto idx = test::make_tensor<index_t>({1, 1, 1, 3}, {2, 2, 2});
  const auto routed = poolkit::max_pool2d_backward(dy, idx, {1, 5});
  EXPECT_EQ(test::values_of(routed), (std::vector<float>{0, 0, 0, 0, 0}));
}

TEST(RouteKernel, ZeroingAheadGivesTheSeparatePassBits) {
  // dx beyond the caches (over 32 MiB) zeroes ahead of the additions (kernel::route_plane);
  // the public functions reach that path only on such sizes, so the kernel is called here
  // on small planes, with indices in any order (repeats, -1, backwards) against the
  // reference.
  std::mt19937_64 rng(20261203);
  for (int trial = 0; trial < 300; ++trial) {
    const index_t H = index_t(rng() % 12) + 1, W = index_t(rng() % 12) + 1;
    const index_t OH = index_t(rng() % 8) + 1, OW = index_t(rng() % 8) + 1;
    std::vector<float> dy(std::size_t(OH * OW));
    std::vector<index_t> idx(dy.size());
    for (auto& g : dy) g = rng() % 4 == 0 ? -0.0f : float(index_t(rng() % 17) - 8) / 4;
    for (auto& i : idx) i = rng() % 6 == 0 ? -1 : index_t(rng() % std::uint64_t(H * W));
    if (trial % 2 == 0) std::sort(idx.begin(), idx.end());  // window-like, mostly forward
    std::vector<float> dx(std::size_t(H * W), 99.0f);
    poolkit::kernel::route_plane<float>({dy.data(), OH, OW, OW, 1}, {idx.data(), OH, OW, OW, 1},
                                        {dx.data(), H, W, W, 1}, true);
    const auto want = ref::route_backward(dy, idx, H, W);
    for (std::size_t e = 0; e < dx.size(); ++e)
      ASSERT_TRUE(test::same_value(dx[e], want[e]))
          << "trial " << trial << " plane " << H << "x" << W << " dy " << OH << "x" << OW
          << " element " << e << ": got " << dx[e] << " expected " << want[e];
  }
}

}  // namespace
