// A consumer built with -fno-exceptions: every operation's try_ form, on valid input (must
// succeed and equal the throwing form, values, indices and sequences alike; the throwing
// forms also compile without exceptions), and every into-view form both on valid input
// (the views it wrote equal the throwing form's result) and on invalid input (must fail
// with poolkit's message and leave every output view, indices included, holding its
// sentinel). Built with and without Eigen (POOLKIT_CONSUMER_HAS_EIGEN adds bilateral
// pooling). Run with the argument `abort`, it calls a throwing form with bad input:
// without exceptions poolkit prints the message and aborts (CTest expects that run to fail).
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "this program must be compiled with -fno-exceptions"
#endif

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include <poolkit/poolkit.hpp>
#ifdef POOLKIT_CONSUMER_HAS_EIGEN
#include <poolkit/interop/eigen.hpp>
#include <poolkit/ops/bilateral.hpp>
#endif

namespace pk = poolkit;

namespace {

int checks = 0;
int failures = 0;

void expect(bool ok, const std::string& what) {
  ++checks;
  if (!ok) {
    ++failures;
    std::printf("FAILED: %s\n", what.c_str());
  }
}

template <class T>
bool same(const pk::tensor<T>& a, const pk::tensor<T>& b) {
  if (a.extents() != b.extents()) return false;
  for (pk::index_t i = 0; i < a.size(); ++i) {
    const T u = a.data_handle()[i], v = b.data_handle()[i];
    if (!(u == v || (std::isnan(static_cast<double>(u)) && std::isnan(static_cast<double>(v)))))
      return false;
  }
  return true;
}

/// Results that carry more than a tensor: values, and indices and sequences where the
/// operation returns them.
template <class A>
  requires requires(const A& a) { a.values; }
bool same(const A& a, const A& b) {
  bool equal = same(a.values, b.values);
  if constexpr (requires { a.indices; }) equal = equal && same(a.indices, b.indices);
  if constexpr (requires { a.sequences; })
    equal = equal && a.sequences.rows == b.sequences.rows && a.sequences.cols == b.sequences.cols;
  return equal;
}

inline bool same(const pk::pooling_sequences& a, const pk::pooling_sequences& b) {
  return a.rows == b.rows && a.cols == b.cols;
}

/// A valid call's result equals the throwing form's, every part of it.
template <class R, class V>
void expect_value(const char* name, R&& r, const V& want) {
  expect(r.ok(), std::string(name) + ": valid call failed: " + r.error().message());
  expect(r.ok() && same(*r, want), std::string(name) + ": differs from the throwing form");
}

/// A valid into-view call wrote exactly the throwing form's values (and indices).
template <class T>
void expect_written(const char* name, const pk::status& s, const pk::tensor<T>& y,
                    const pk::tensor<T>& want) {
  expect(s.ok(), std::string(name) + " into: valid call failed: " + s.message());
  expect(s.ok() && same(y, want), std::string(name) + " into: differs from the throwing form");
}

/// A refused call names the operation and the rule.
template <class R>
void expect_failure(const char* name, const R& r, const char* fragment) {
  const std::string message = [&] {
    if constexpr (std::is_same_v<R, pk::status>)
      return r.message();
    else
      return r.error().message();
  }();
  expect(!r.ok(), std::string(name) + ": invalid call succeeded");
  expect(message.rfind(std::string("poolkit::") + name, 0) == 0 &&
             message.find(fragment) != std::string::npos,
         std::string(name) + ": message '" + message + "' lacks '" + fragment + "'");
}

/// Nothing was written: every element still holds the sentinel.
template <class T, class S>
void expect_untouched(const char* name, const pk::tensor<T>& y, S sentinel) {
  bool ok = true;
  for (T v : y.values()) ok = ok && v == sentinel;
  expect(ok, std::string(name) + ": a refused call wrote its output");
}

}  // namespace

int main(int argc, char** argv) {
  pk::tensor<float> x({1, 2, 6, 6});
  for (pk::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>((i * 7) % 11) - 3.0f;
  if (argc > 1 && std::strcmp(argv[1], "abort") == 0) {
    (void)pk::max_pool2d(x, {.kernel = {0, 2}});  // prints the message, then aborts
    return 0;
  }
  const pk::pool2d_params p{.kernel = {2, 2}};
  const pk::pool2d_params bad{.kernel = {2, 0}};
  const float sentinel = -77.0f;
  const pk::index_t index_sentinel = -55;
  pk::tensor<float> y({1, 2, 3, 3});
  pk::tensor<pk::index_t> idx({1, 2, 3, 3});
  const auto reset = [&] {
    for (float& v : y.values()) v = sentinel;
    for (pk::index_t& v : idx.values()) v = index_sentinel;
  };
  // Every into form on valid input: the views hold the throwing form's result.
  reset();
  expect_written("max_pool2d", pk::try_max_pool2d(x, y, p), y, pk::max_pool2d(x, p));
  reset();
  expect_written("min_pool2d", pk::try_min_pool2d(x, y, p), y, pk::min_pool2d(x, p));
  reset();
  expect_written("sum_pool2d", pk::try_sum_pool2d(x, y, p), y, pk::sum_pool2d(x, p));
  reset();
  expect_written("avg_pool2d", pk::try_avg_pool2d(x, y, p), y, pk::avg_pool2d(x, p));
  reset();
  expect_written("pool2d", pk::try_pool2d(x, y, pk::reduce::min<float>{}, p), y,
                 pk::min_pool2d(x, p));
  reset();
  expect_written("lp_pool2d", pk::try_lp_pool2d(x, y, 3.0, p), y, pk::lp_pool2d(x, 3.0, p));
  reset();
  expect_written("l2_pool2d", pk::try_l2_pool2d(x, y, p), y, pk::l2_pool2d(x, p));
  reset();
  expect_written("power_avg_pool2d", pk::try_power_avg_pool2d(x, y, 1.0, p), y,
                 pk::power_avg_pool2d(x, 1.0, p));
  {
    const auto want = pk::max_pool2d_with_indices(x, p);
    reset();
    expect_written("max_pool2d_with_indices", pk::try_max_pool2d_with_indices(x, y, idx, p), y,
                   want.values);
    expect(same(idx, want.indices), "max_pool2d_with_indices into: indices differ");
    const auto want_min = pk::min_pool2d_with_indices(x, p);
    reset();
    expect_written("min_pool2d_with_indices", pk::try_min_pool2d_with_indices(x, y, idx, p), y,
                   want_min.values);
    expect(same(idx, want_min.indices), "min_pool2d_with_indices into: indices differ");
    const auto want_sto = pk::stochastic_pool2d(x, p, pk::stochastic_mode::training, 11);
    reset();
    expect_written("stochastic_pool2d",
                   pk::try_stochastic_pool2d(x, y, idx, p, pk::stochastic_mode::training, 11), y,
                   want_sto.values);
    expect(same(idx, want_sto.indices), "stochastic_pool2d into: indices differ");
    const auto want_adaptive = pk::adaptive_max_pool2d_with_indices(x, {3, 3});
    reset();
    expect_written("adaptive_max_pool2d_with_indices",
                   pk::try_adaptive_max_pool2d_with_indices(x, y, idx), y, want_adaptive.values);
    expect(same(idx, want_adaptive.indices),
           "adaptive_max_pool2d_with_indices into: indices differ");
    const pk::fractional_max_params fp3{.kernel = {2, 2}, .output_size = {3, 3}};
    const auto samples = pk::fractional_samples<float>(1, 2, 4);
    const auto want_frac = pk::fractional_max_pool2d(x, fp3, samples);
    reset();
    expect_written("fractional_max_pool2d", pk::try_fractional_max_pool2d(x, y, idx, fp3, samples),
                   y, want_frac.values);
    expect(same(idx, want_frac.indices), "fractional_max_pool2d into: indices differ");
    reset();
    expect_written("adaptive_max_pool2d", pk::try_adaptive_max_pool2d(x, y), y,
                   pk::adaptive_max_pool2d(x, {3, 3}));
    reset();
    expect_written("adaptive_min_pool2d", pk::try_adaptive_min_pool2d(x, y), y,
                   pk::adaptive_min_pool2d(x, {3, 3}));
    reset();
    expect_written("adaptive_sum_pool2d", pk::try_adaptive_sum_pool2d(x, y), y,
                   pk::adaptive_sum_pool2d(x, {3, 3}));
    reset();
    expect_written("adaptive_avg_pool2d", pk::try_adaptive_avg_pool2d(x, y), y,
                   pk::adaptive_avg_pool2d(x, {3, 3}));
    reset();
    expect_written("adaptive_pool2d", pk::try_adaptive_pool2d(x, y, pk::reduce::lp<float>(3.0)), y,
                   pk::adaptive_pool2d(x, {3, 3}, pk::reduce::lp<float>(3.0)));
    pk::tensor<float> features({1, 2 * 21, 1, 1});
    expect_written("spatial_pyramid_pool2d", pk::try_spatial_pyramid_pool2d(x, features), features,
                   pk::spatial_pyramid_pool2d(x));
    pk::tensor<float> unpooled_into({1, 2, 6, 6});
    expect_written("max_unpool2d", pk::try_max_unpool2d(want.values, want.indices, unpooled_into),
                   unpooled_into, pk::max_unpool2d(want.values, want.indices, p));
  }

  // Regular pooling and its reducers.
  expect_value("max_pool2d", pk::try_max_pool2d(x, p), pk::max_pool2d(x, p));
  expect_value("min_pool2d", pk::try_min_pool2d(x, p), pk::min_pool2d(x, p));
  expect_value("sum_pool2d", pk::try_sum_pool2d(x, p), pk::sum_pool2d(x, p));
  expect_value("avg_pool2d", pk::try_avg_pool2d(x, p), pk::avg_pool2d(x, p));
  expect_value("pool2d", pk::try_pool2d(x, pk::reduce::max<float>{}, p), pk::max_pool2d(x, p));
  expect_value("lp_pool2d", pk::try_lp_pool2d(x, 3.0, p), pk::lp_pool2d(x, 3.0, p));
  expect_value("l2_pool2d", pk::try_l2_pool2d(x, p), pk::l2_pool2d(x, p));
  expect_value("power_avg_pool2d", pk::try_power_avg_pool2d(x, 2.0, p),
               pk::power_avg_pool2d(x, 2.0, p));
  expect_failure("max_pool2d", pk::try_max_pool2d(x, bad), "kernel = {2, 0}");
  expect_failure("lp_pool2d", pk::try_lp_pool2d(x, -1.0, p), "p = -1");
  expect_failure("power_avg_pool2d", pk::try_power_avg_pool2d(x, std::nan(""), p), "p = nan");
  reset();
  expect_failure("avg_pool2d", pk::try_avg_pool2d(x, y, bad), "kernel");
  expect_failure("sum_pool2d", pk::try_sum_pool2d(x, y, {.kernel = {3, 3}}), "y extents");
  expect_failure("max_pool2d", pk::try_max_pool2d(x, y, p, {.threads = -2}), "policy.threads = -2");
  expect_failure("min_pool2d", pk::try_min_pool2d(x, y, p, {.isa = pk::instruction_set::neon}),
                 "neon");
  expect_failure("l2_pool2d", pk::try_l2_pool2d(x, y, bad), "kernel");
  expect_failure("pool2d", pk::try_pool2d(x, y, pk::reduce::sum<float>{}, bad), "kernel");
  expect_untouched("regular into", y, sentinel);
  expect(pk::try_max_pool2d(x, y, p).ok() && same(y, pk::max_pool2d(x, p)), "max_pool2d into");

  // Indices and unpooling.
  expect_value("max_pool2d_with_indices", pk::try_max_pool2d_with_indices(x, p),
               pk::max_pool2d_with_indices(x, p));
  expect_value("min_pool2d_with_indices", pk::try_min_pool2d_with_indices(x, p),
               pk::min_pool2d_with_indices(x, p));
  reset();
  expect_failure("max_pool2d_with_indices", pk::try_max_pool2d_with_indices(x, y, idx, bad),
                 "kernel");
  expect_failure("min_pool2d_with_indices",
                 pk::try_min_pool2d_with_indices(x, y, idx, {.kernel = {2, 2}, .dilation = {0, 1}}),
                 "dilation");
  expect_untouched("with_indices into", y, sentinel);
  expect_untouched("with_indices into (indices)", idx, index_sentinel);
  const auto pooled = pk::max_pool2d_with_indices(x, p);
  expect_value("max_unpool2d", pk::try_max_unpool2d(pooled.values, pooled.indices, p),
               pk::max_unpool2d(pooled.values, pooled.indices, p));
  pk::tensor<pk::index_t> wrong = pooled.indices;
  wrong.data_handle()[0] = 99;
  expect_failure("max_unpool2d", pk::try_max_unpool2d(pooled.values, wrong, pk::hw{6, 6}), "99");
  pk::tensor<float> unpooled({1, 2, 6, 6});
  for (float& v : unpooled.values()) v = sentinel;
  expect_failure("max_unpool2d", pk::try_max_unpool2d(pooled.values, wrong, unpooled), "99");
  expect_untouched("max_unpool2d into", unpooled, sentinel);
  expect_value("to_onnx_indices", pk::try_to_onnx_indices(pooled.indices, x.extents()),
               pk::to_onnx_indices(pooled.indices, x.extents()));
  expect_failure("to_pytorch_indices", pk::try_to_pytorch_indices(wrong, x.extents()), "99");

  // Adaptive, global, spatial pyramid.
  expect_value("adaptive_max_pool2d", pk::try_adaptive_max_pool2d(x, {4, 5}),
               pk::adaptive_max_pool2d(x, {4, 5}));
  expect_value("adaptive_avg_pool2d", pk::try_adaptive_avg_pool2d(x, {4, 5}),
               pk::adaptive_avg_pool2d(x, {4, 5}));
  expect_value("adaptive_pool2d", pk::try_adaptive_pool2d(x, {2, 2}, pk::reduce::sum<float>{}),
               pk::adaptive_sum_pool2d(x, {2, 2}));
  expect_value("adaptive_max_pool2d_with_indices",
               pk::try_adaptive_max_pool2d_with_indices(x, {2, 3}),
               pk::adaptive_max_pool2d_with_indices(x, {2, 3}));
  expect_value("global_avg_pool2d", pk::try_global_avg_pool2d(x), pk::global_avg_pool2d(x));
  expect_value("global_max_pool2d", pk::try_global_max_pool2d(x), pk::global_max_pool2d(x));
  expect_value("spatial_pyramid_pool2d", pk::try_spatial_pyramid_pool2d(x),
               pk::spatial_pyramid_pool2d(x));
  expect_failure("adaptive_min_pool2d", pk::try_adaptive_min_pool2d(x, {0, 3}), "output_size");
  expect_failure("adaptive_sum_pool2d", pk::try_adaptive_sum_pool2d(x, {3, -1}), "output_size");
  expect_failure("global_min_pool2d", pk::try_global_min_pool2d(pk::tensor<float>({1, 1, 0, 4})),
                 "extents");
  expect_failure("global_sum_pool2d", pk::try_global_sum_pool2d(x, {.threads = -1}),
                 "policy.threads");
  expect_failure("spatial_pyramid_pool2d", pk::try_spatial_pyramid_pool2d(x, {}), "levels");
  reset();
  expect_failure("adaptive_avg_pool2d", pk::try_adaptive_avg_pool2d(x, y, {.threads = -1}),
                 "policy.threads");
  expect_untouched("adaptive into", y, sentinel);

  // Stochastic and fractional.
  const auto train = pk::stochastic_mode::training;
  expect_value("stochastic_pool2d", pk::try_stochastic_pool2d(x, p, train, 3),
               pk::stochastic_pool2d(x, p, train, 3));
  reset();
  expect_failure("stochastic_pool2d", pk::try_stochastic_pool2d(x, y, idx, bad, train, 3),
                 "kernel");
  expect_failure("stochastic_pool2d",
                 pk::try_stochastic_pool2d(x, y, idx, p, static_cast<pk::stochastic_mode>(9), 3),
                 "mode");
  expect_untouched("stochastic into", y, sentinel);
  expect_untouched("stochastic into (indices)", idx, index_sentinel);
  const pk::fractional_max_params fp{.kernel = {2, 2}, .output_size = {3, 3}};
  expect_value("fractional_max_pool2d", pk::try_fractional_max_pool2d(x, fp, 5),
               pk::fractional_max_pool2d(x, fp, 5));
  expect_value("fractional_samples", pk::try_fractional_samples<float>(1, 2, 5),
               pk::fractional_samples<float>(1, 2, 5));
  expect_failure("fractional_samples", pk::try_fractional_samples<float>(-1, 2, 5), "must be >= 0");
  expect_failure("fractional_max_pool2d",
                 pk::try_fractional_max_pool2d(x, {.kernel = {2, 2}, .output_size = {6, 6}}, 5),
                 "output");
  pk::tensor<float> u({1, 2, 1, 2});
  for (float& v : u.values()) v = 1.5f;
  reset();
  expect_failure("fractional_max_pool2d", pk::try_fractional_max_pool2d(x, y, idx, fp, u),
                 "samples");
  expect_untouched("fractional into", y, sentinel);
  expect_untouched("fractional into (indices)", idx, index_sentinel);
  const pk::fractional_ratio_params q{.pooling_ratio = {1.5, 1.5}};
  expect_value("fractional_max_pool2d", pk::try_fractional_max_pool2d(x, q, 7),
               pk::fractional_max_pool2d(x, q, 7));
  expect_value("fractional_avg_pool2d", pk::try_fractional_avg_pool2d(x, q, 7),
               pk::fractional_avg_pool2d(x, q, 7));
  expect_failure("fractional_avg_pool2d",
                 pk::try_fractional_avg_pool2d(x, {.pooling_ratio = {0.5, 1.5}}, 7),
                 "pooling_ratio");
  expect_failure("fractional_max_pool2d",
                 pk::try_fractional_max_pool2d(x, q, pk::pooling_sequences{{0, 9}, {0, 6}}),
                 "sequences");
  expect_failure("fractional_pooling_sequences", pk::try_fractional_pooling_sequences({0, 6}, q, 1),
                 "input");

  // Backward passes: every try_ form, allocating and into dx, valid and refused.
  {
    const pk::tensor<float>& dy = pooled.values;  // any {1, 2, 3, 3} gradient
    const pk::hw size{6, 6};
    pk::tensor<float> dx({1, 2, 6, 6});
    const auto reset_dx = [&] {
      for (float& v : dx.values()) v = sentinel;
    };
    expect_value("max_pool2d_backward", pk::try_max_pool2d_backward(dy, pooled.indices, size),
                 pk::max_pool2d_backward(dy, pooled.indices, size));
    reset_dx();
    expect_written("max_pool2d_backward", pk::try_max_pool2d_backward(dy, pooled.indices, dx), dx,
                   pk::max_pool2d_backward(dy, pooled.indices, size));
    expect_value("avg_pool2d_backward", pk::try_avg_pool2d_backward(dy, size, p),
                 pk::avg_pool2d_backward(dy, size, p));
    reset_dx();
    expect_written("avg_pool2d_backward", pk::try_avg_pool2d_backward(dy, dx, p), dx,
                   pk::avg_pool2d_backward(dy, size, p));
    expect_value("sum_pool2d_backward", pk::try_sum_pool2d_backward(dy, size, p),
                 pk::sum_pool2d_backward(dy, size, p));
    reset_dx();
    expect_written("sum_pool2d_backward", pk::try_sum_pool2d_backward(dy, dx, p), dx,
                   pk::sum_pool2d_backward(dy, size, p));
    expect_value("adaptive_avg_pool2d_backward", pk::try_adaptive_avg_pool2d_backward(dy, size),
                 pk::adaptive_avg_pool2d_backward(dy, size));
    reset_dx();
    expect_written("adaptive_sum_pool2d_backward", pk::try_adaptive_sum_pool2d_backward(dy, dx), dx,
                   pk::adaptive_sum_pool2d_backward(dy, size));
    const auto global = pk::global_avg_pool2d(x);
    expect_value("global_avg_pool2d_backward", pk::try_global_avg_pool2d_backward(global, size),
                 pk::global_avg_pool2d_backward(global, size));
    reset_dx();
    expect_written("global_sum_pool2d_backward", pk::try_global_sum_pool2d_backward(global, dx), dx,
                   pk::global_sum_pool2d_backward(global, size));
    const pk::pooling_sequences regions{{0, 2, 4, 6}, {0, 1, 3, 6}};
    expect_value("fractional_avg_pool2d_backward",
                 pk::try_fractional_avg_pool2d_backward(dy, size, regions, true),
                 pk::fractional_avg_pool2d_backward(dy, size, regions, true));
    const auto lp = pk::lp_pool2d(x, 3.0, p);
    expect_value("lp_pool2d_backward", pk::try_lp_pool2d_backward(dy, x, lp, 3.0, p),
                 pk::lp_pool2d_backward(dy, x, lp, 3.0, p));
    const auto l2 = pk::l2_pool2d(x, p);
    reset_dx();
    expect_written("l2_pool2d_backward", pk::try_l2_pool2d_backward(dy, x, l2, dx, p), dx,
                   pk::l2_pool2d_backward(dy, x, l2, p));
    const auto pavg = pk::power_avg_pool2d(x, 2.5, p);
    expect_value("power_avg_pool2d_backward",
                 pk::try_power_avg_pool2d_backward(dy, x, pavg, 2.5, p),
                 pk::power_avg_pool2d_backward(dy, x, pavg, 2.5, p));
    const auto& unpooled_dy = unpooled;  // the unpooled output, a 6 x 6 gradient
    expect_value("max_unpool2d_backward",
                 pk::try_max_unpool2d_backward(unpooled_dy, pooled.indices),
                 pk::max_unpool2d_backward(unpooled_dy, pooled.indices));
    // Refused: nothing written.
    reset_dx();
    pk::tensor<pk::index_t> outside = pooled.indices;
    outside.data_handle()[3] = 36;
    expect_failure("max_pool2d_backward", pk::try_max_pool2d_backward(dy, outside, dx), "36");
    expect_failure("avg_pool2d_backward", pk::try_avg_pool2d_backward(dy, dx, bad), "kernel");
    expect_failure("sum_pool2d_backward", pk::try_sum_pool2d_backward(dy, pk::hw{9, 9}, p),
                   "dy extents");
    expect_failure("global_avg_pool2d_backward", pk::try_global_avg_pool2d_backward(dy, dx),
                   "dy extents");
    expect_failure("lp_pool2d_backward", pk::try_lp_pool2d_backward(dy, x, lp, dx, 0.0, p),
                   "p = 0");
    expect_failure("fractional_avg_pool2d_backward",
                   pk::try_fractional_avg_pool2d_backward(
                       dy, dx, pk::pooling_sequences{{0, 6}, {0, 6}}, false),
                   "dy extents");
    pk::tensor<float> dvalues({1, 2, 3, 3});
    for (float& v : dvalues.values()) v = sentinel;
    expect_failure("max_unpool2d_backward",
                   pk::try_max_unpool2d_backward(unpooled_dy, outside, dvalues, {.threads = -3}),
                   "36");
    expect_untouched("backward into", dx, sentinel);
    expect_untouched("max_unpool2d_backward into", dvalues, sentinel);
  }

#ifdef POOLKIT_CONSUMER_HAS_EIGEN
  // Bilateral.
  pk::tensor<float> local({1, 4, 3, 3});
  expect_written("bilateral_pool2d", pk::try_bilateral_pool2d(x, local, p), local,
                 pk::bilateral_pool2d(x, p));
  for (float& v : local.values()) v = sentinel;
  expect_failure("bilateral_pool2d", pk::try_bilateral_pool2d(x, local, bad), "kernel");
  expect_untouched("bilateral into", local, sentinel);
  expect_value("bilateral_pool2d", pk::try_bilateral_pool2d(x, p), pk::bilateral_pool2d(x, p));
  expect_value("global_bilateral_pool2d", pk::try_global_bilateral_pool2d(x),
               pk::global_bilateral_pool2d(x));
  expect_failure("bilateral_pool2d",
                 pk::try_bilateral_pool2d(x, p, {.weights = pk::spatial_weights::gaussian(-1.0)}),
                 "sigma");
  pk::tensor<float> b({1, 4, 1, 1});
  for (float& v : b.values()) v = sentinel;
  expect_failure("global_bilateral_pool2d", pk::try_global_bilateral_pool2d(x, b, {.sigma_r = 0.0}),
                 "sigma_r");
  expect_untouched("global_bilateral into", b, sentinel);
  expect_written("global_bilateral_pool2d", pk::try_global_bilateral_pool2d(x, b), b,
                 pk::global_bilateral_pool2d(x));
#endif

  // Parameter helpers.
  expect(pk::try_pool2d_output_extents(x.extents(), p).ok() &&
             *pk::try_pool2d_output_extents(x.extents(), p) ==
                 pk::pool2d_output_extents(x.extents(), p),
         "pool2d_output_extents");
  expect_value("fractional_pooling_sequences", pk::try_fractional_pooling_sequences({6, 6}, q, 1),
               pk::fractional_pooling_sequences({6, 6}, q, 1));
  expect_failure("pool2d_output_extents",
                 pk::try_pool2d_output_extents(x.extents(), {.kernel = {9, 9}}), "output size");
  expect_failure("apply_auto_pad", pk::try_apply_auto_pad(p, {0, 3}, pk::auto_pad::same_upper),
                 "input");
  expect(pk::try_selected_instruction_set(pk::instruction_set::scalar).ok(),
         "selected_instruction_set");

  std::printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 && checks > 120 ? 0 : 1;
}
