// Every public operation of poolkit behind one uniform interface, for the hardening tests
// (page guards, special values, threads). Each entry runs its operation with parameters
// chosen from the input's extents so that any H, W >= 1 is a valid input:
//   fresh(x, pol)        the form that returns new tensors;
//   into(x, y, i, pol)   the form that writes into caller views (absent when the operation
//                        has none), y and i shaped like fresh's outputs.
// Bilateral pooling needs Eigen: the catalogue is built with it (catalogue_float.cpp,
// catalogue_double.cpp).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <poolkit/poolkit.hpp>
#include <poolkit/ops/bilateral.hpp>

namespace catalogue {

using poolkit::extents4;
using poolkit::hw;
using poolkit::index_t;

template <class T>
using input = poolkit::nchw_view<const T>;
template <class T>
using output = poolkit::nchw_view<T>;
using index_output = poolkit::nchw_view<index_t>;

/// What an operation produced: its values and, for selecting operations, its indices
/// (an empty tensor otherwise).
template <class T>
struct outputs {
  poolkit::tensor<T> values;
  poolkit::tensor<index_t> indices;
};

template <class T>
struct operation {
  std::string name;
  std::function<outputs<T>(input<T>, const poolkit::policy&)> fresh;
  std::function<void(input<T>, output<T>, index_output, const poolkit::policy&)> into;
};

/// A user-defined reducer: goes through pool2d's generic scalar kernel.
template <class T>
struct abs_sum {
  T identity() const { return T(0); }
  T combine(T acc, T v) const { return acc + (v < T(0) ? -v : v); }
  T finalize(T acc, poolkit::window_counts) const { return acc; }
};

/// Regular windows valid for every H, W >= 1. `wide`: 3x3, stride 2, padding 1, ceil
/// mode, padding excluded from averages. Otherwise 2x3, stride 1, dilation (1, 2),
/// padding (1, 2): the stride-1 vector path with dilation.
inline poolkit::pool2d_params window(bool wide) {
  if (wide)
    return {.kernel = {3, 3},
            .stride = {2, 2},
            .padding = {1, 1},
            .ceil_mode = true,
            .count_include_pad = false};
  return {.kernel = {2, 3}, .stride = {1, 1}, .padding = {1, 2}, .dilation = {1, 2}};
}

inline hw extents_hw(const extents4& e) { return {e[2], e[3]}; }

/// Fractional windows valid for every H, W >= 1: kernel up to 2, output about half.
inline poolkit::fractional_max_params fractional_window(const extents4& e) {
  const index_t kh = std::min<index_t>(2, e[2]), kw = std::min<index_t>(2, e[3]);
  return {.kernel = {kh, kw},
          .output_size = {std::max<index_t>(1, (e[2] - kh + 1 + 1) / 2),
                          std::max<index_t>(1, (e[3] - kw + 1 + 1) / 2)}};
}

inline poolkit::fractional_ratio_params fractional_ratio(const extents4& e, bool overlapping) {
  return {.pooling_ratio = {e[2] >= 2 ? 1.5 : 1.0, e[3] >= 3 ? 1.75 : 1.0},
          .pseudo_random = overlapping,
          .overlapping = overlapping};
}

/// Backward passes read the catalogue's input as the gradient dy of a forward's output.
/// The windows of the backward entries: every dy height and width >= 1 is some input's
/// output under them (the 2x3 window of window(false) turns any input of height 1 into
/// two rows, so its backward entry pads only the width).
inline poolkit::pool2d_params backward_window(bool wide) {
  if (wide) return window(true);
  return {.kernel = {2, 3}, .stride = {1, 1}, .padding = {0, 2}, .dilation = {1, 2}};
}

/// The smallest input size {H, W} whose pooled output under `p` is dy's {OH, OW}.
inline hw forward_input_size(const extents4& dy, const poolkit::pool2d_params& p) {
  const auto smallest = [](index_t out, const poolkit::axis_params& a) {
    for (index_t in = 1;; ++in)
      if (poolkit::detail::pooled_size(in, a) == out) return in;
  };
  return {smallest(dy[2], poolkit::height_axis(p)), smallest(dy[3], poolkit::width_axis(p))};
}

/// Indices of dy's extents into an input of {2 OH, 2 OW}: every other row, pairs of
/// outputs choosing the same element (their gradients add), every fifth output -1.
inline poolkit::tensor<index_t> routing_indices(const extents4& dy) {
  poolkit::tensor<index_t> idx(dy);
  for (index_t n = 0; n < dy[0]; ++n)
    for (index_t c = 0; c < dy[1]; ++c)
      for (index_t h = 0; h < dy[2]; ++h)
        for (index_t w = 0; w < dy[3]; ++w)
          idx(n, c, h, w) = (h + w) % 5 == 4 ? -1 : (2 * h) * (2 * dy[3]) + (w / 2) * 2;
  return idx;
}

/// Graham sequences {0, 2, 4, ..., 2 out}: regions of two rows and columns.
inline poolkit::pooling_sequences even_sequences(const extents4& dy) {
  poolkit::pooling_sequences s;
  for (index_t i = 0; i <= dy[2]; ++i) s.rows.push_back(2 * i);
  for (index_t i = 0; i <= dy[3]; ++i) s.cols.push_back(2 * i);
  return s;
}

template <class T, class Fresh, class Into>
operation<T> values_op(std::string name, Fresh fresh, Into into) {
  return {std::move(name),
          [fresh](input<T> x, const poolkit::policy& pol) {
            return outputs<T>{fresh(x, pol), {}};
          },
          [into](input<T> x, output<T> y, index_output, const poolkit::policy& pol) {
            into(x, y, pol);
          }};
}

template <class T, class Fresh, class Into>
operation<T> indexed_op(std::string name, Fresh fresh, Into into) {
  return {std::move(name),
          [fresh](input<T> x, const poolkit::policy& pol) {
            auto r = fresh(x, pol);
            return outputs<T>{std::move(r.values), std::move(r.indices)};
          },
          std::function<void(input<T>, output<T>, index_output, const poolkit::policy&)>(into)};
}

template <class T, class Fresh>
operation<T> fresh_only(std::string name, Fresh fresh) {
  return {std::move(name),
          [fresh](input<T> x, const poolkit::policy& pol) { return fresh(x, pol); },
          {}};
}

/// Every operation, for element type T.
template <class T>
std::vector<operation<T>> all_operations() {
  namespace pk = poolkit;
  using pk::policy;
  std::vector<operation<T>> ops;
  for (bool wide : {true, false}) {
    const pk::pool2d_params p = window(wide);
    const std::string tag = wide ? "[3x3/2 ceil]" : "[2x3/1 dil]";
    ops.push_back(values_op<T>(
        "max_pool2d" + tag,
        [p](input<T> x, const policy& pol) { return pk::max_pool2d(x, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) { pk::max_pool2d(x, y, p, pol); }));
    ops.push_back(values_op<T>(
        "min_pool2d" + tag,
        [p](input<T> x, const policy& pol) { return pk::min_pool2d(x, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) { pk::min_pool2d(x, y, p, pol); }));
    ops.push_back(values_op<T>(
        "sum_pool2d" + tag,
        [p](input<T> x, const policy& pol) { return pk::sum_pool2d(x, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) { pk::sum_pool2d(x, y, p, pol); }));
    ops.push_back(values_op<T>(
        "avg_pool2d" + tag,
        [p](input<T> x, const policy& pol) { return pk::avg_pool2d(x, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) { pk::avg_pool2d(x, y, p, pol); }));
    ops.push_back(values_op<T>(
        "pool2d(abs_sum)" + tag,
        [p](input<T> x, const policy& pol) { return pk::pool2d(x, abs_sum<T>{}, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) {
          pk::pool2d(x, y, abs_sum<T>{}, p, pol);
        }));
    ops.push_back(values_op<T>(
        "lp_pool2d(p=3)" + tag,
        [p](input<T> x, const policy& pol) { return pk::lp_pool2d(x, 3.0, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) { pk::lp_pool2d(x, y, 3.0, p, pol); }));
    ops.push_back(values_op<T>(
        "l2_pool2d" + tag, [p](input<T> x, const policy& pol) { return pk::l2_pool2d(x, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) { pk::l2_pool2d(x, y, p, pol); }));
    ops.push_back(values_op<T>(
        "power_avg_pool2d(p=2.5)" + tag,
        [p](input<T> x, const policy& pol) { return pk::power_avg_pool2d(x, 2.5, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) {
          pk::power_avg_pool2d(x, y, 2.5, p, pol);
        }));
    ops.push_back(values_op<T>(
        "power_avg_pool2d(p=5)" + tag,
        [p](input<T> x, const policy& pol) { return pk::power_avg_pool2d(x, 5.0, p, pol); },
        [p](input<T> x, output<T> y, const policy& pol) {
          pk::power_avg_pool2d(x, y, 5.0, p, pol);
        }));
    ops.push_back(indexed_op<T>(
        "max_pool2d_with_indices" + tag,
        [p](input<T> x, const policy& pol) { return pk::max_pool2d_with_indices(x, p, pol); },
        [p](input<T> x, output<T> y, index_output i, const policy& pol) {
          pk::max_pool2d_with_indices(x, y, i, p, pol);
        }));
    ops.push_back(indexed_op<T>(
        "min_pool2d_with_indices" + tag,
        [p](input<T> x, const policy& pol) { return pk::min_pool2d_with_indices(x, p, pol); },
        [p](input<T> x, output<T> y, index_output i, const policy& pol) {
          pk::min_pool2d_with_indices(x, y, i, p, pol);
        }));
    for (auto mode : {pk::stochastic_mode::training, pk::stochastic_mode::inference}) {
      const std::string m = mode == pk::stochastic_mode::training ? "training" : "inference";
      ops.push_back(indexed_op<T>(
          "stochastic_pool2d(" + m + ")" + tag,
          [p, mode](input<T> x, const policy& pol) {
            return pk::stochastic_pool2d(x, p, mode, 11, pol);
          },
          [p, mode](input<T> x, output<T> y, index_output i, const policy& pol) {
            pk::stochastic_pool2d(x, y, i, p, mode, 11, pol);
          }));
    }
    // Unpooling scatters max_pool2d_with_indices' values back to the input's shape.
    ops.push_back(values_op<T>(
        "max_unpool2d" + tag,
        [p](input<T> x, const policy& pol) {
          const auto pooled = pk::max_pool2d_with_indices(x, p, pol);
          return pk::max_unpool2d(pooled.values, pooled.indices, extents_hw(x.extents()));
        },
        [p](input<T> x, output<T> y, const policy& pol) {
          const auto pooled = pk::max_pool2d_with_indices(x, p, pol);
          pk::max_unpool2d(pooled.values, pooled.indices, y);
        }));
  }
  // Adaptive: an output both smaller and larger than small inputs.
  const hw adaptive_size{3, 5};
  ops.push_back(values_op<T>(
      "adaptive_max_pool2d",
      [=](input<T> x, const policy& pol) { return pk::adaptive_max_pool2d(x, adaptive_size, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_max_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "adaptive_min_pool2d",
      [=](input<T> x, const policy& pol) { return pk::adaptive_min_pool2d(x, adaptive_size, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_min_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "adaptive_sum_pool2d",
      [=](input<T> x, const policy& pol) { return pk::adaptive_sum_pool2d(x, adaptive_size, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_sum_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "adaptive_avg_pool2d",
      [=](input<T> x, const policy& pol) { return pk::adaptive_avg_pool2d(x, adaptive_size, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_avg_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "adaptive_pool2d(lp p=2)",
      [=](input<T> x, const policy& pol) {
        return pk::adaptive_pool2d(x, adaptive_size, pk::reduce::lp<T>(2.0), pol);
      },
      [](input<T> x, output<T> y, const policy& pol) {
        pk::adaptive_pool2d(x, y, pk::reduce::lp<T>(2.0), pol);
      }));
  ops.push_back(indexed_op<T>(
      "adaptive_max_pool2d_with_indices",
      [=](input<T> x, const policy& pol) {
        return pk::adaptive_max_pool2d_with_indices(x, adaptive_size, pol);
      },
      [](input<T> x, output<T> y, index_output i, const policy& pol) {
        pk::adaptive_max_pool2d_with_indices(x, y, i, pol);
      }));
  // Global: the 1x1 adaptive into-view form runs the same global kernels.
  ops.push_back(values_op<T>(
      "global_max_pool2d",
      [](input<T> x, const policy& pol) { return pk::global_max_pool2d(x, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_max_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "global_min_pool2d",
      [](input<T> x, const policy& pol) { return pk::global_min_pool2d(x, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_min_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "global_sum_pool2d",
      [](input<T> x, const policy& pol) { return pk::global_sum_pool2d(x, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_sum_pool2d(x, y, pol); }));
  ops.push_back(values_op<T>(
      "global_avg_pool2d",
      [](input<T> x, const policy& pol) { return pk::global_avg_pool2d(x, pol); },
      [](input<T> x, output<T> y, const policy& pol) { pk::adaptive_avg_pool2d(x, y, pol); }));
  const std::vector<index_t> levels{1, 2, 4};
  ops.push_back(values_op<T>(
      "spatial_pyramid_pool2d(max)",
      [=](input<T> x, const policy& pol) {
        return pk::spatial_pyramid_pool2d(x, levels, pk::reduce::max<T>{},
                                          pk::spp_bin_rule::adaptive, pol);
      },
      [=](input<T> x, output<T> y, const policy& pol) {
        pk::spatial_pyramid_pool2d(x, y, levels, pk::reduce::max<T>{}, pk::spp_bin_rule::adaptive,
                                   pol);
      }));
  ops.push_back(values_op<T>(
      "spatial_pyramid_pool2d(avg)",
      [=](input<T> x, const policy& pol) {
        return pk::spatial_pyramid_pool2d(x, levels, pk::reduce::avg<T>{},
                                          pk::spp_bin_rule::adaptive, pol);
      },
      [=](input<T> x, output<T> y, const policy& pol) {
        pk::spatial_pyramid_pool2d(x, y, levels, pk::reduce::avg<T>{}, pk::spp_bin_rule::adaptive,
                                   pol);
      }));
  // Fractional, PyTorch form: samples for every plane from a fixed seed.
  ops.push_back(indexed_op<T>(
      "fractional_max_pool2d(samples)",
      [](input<T> x, const policy& pol) {
        const auto u = pk::fractional_samples<T>(x.extent(0), x.extent(1), 5);
        return pk::fractional_max_pool2d(x, fractional_window(x.extents()), u, pol);
      },
      [](input<T> x, output<T> y, index_output i, const policy& pol) {
        const auto u = pk::fractional_samples<T>(x.extent(0), x.extent(1), 5);
        pk::fractional_max_pool2d(x, y, i, fractional_window(x.extents()), u, pol);
      }));
  for (bool overlapping : {false, true}) {
    const std::string o = overlapping ? "(overlapping)" : "";
    ops.push_back(
        fresh_only<T>("fractional_max_pool2d(ratio)" + o, [=](input<T> x, const policy& pol) {
          auto r = pk::fractional_max_pool2d(x, fractional_ratio(x.extents(), overlapping), 9, pol);
          return outputs<T>{std::move(r.values), std::move(r.indices)};
        }));
    ops.push_back(
        fresh_only<T>("fractional_avg_pool2d(ratio)" + o, [=](input<T> x, const policy& pol) {
          auto r = pk::fractional_avg_pool2d(x, fractional_ratio(x.extents(), overlapping), 9, pol);
          return outputs<T>{std::move(r.values), {}};
        }));
  }
  for (auto layout : {pk::bilateral_layout::full, pk::bilateral_layout::packed}) {
    const pk::bilateral_options o{.layout = layout, .signed_sqrt = true};
    const std::string l = layout == pk::bilateral_layout::full ? "(full)" : "(packed)";
    const pk::pool2d_params p = window(true);
    ops.push_back(values_op<T>(
        "bilateral_pool2d" + l,
        [=](input<T> x, const policy& pol) { return pk::bilateral_pool2d(x, p, o, pol); },
        [=](input<T> x, output<T> y, const policy& pol) {
          pk::bilateral_pool2d(x, y, p, o, pol);
        }));
    ops.push_back(values_op<T>(
        "global_bilateral_pool2d" + l,
        [=](input<T> x, const policy& pol) { return pk::global_bilateral_pool2d(x, o, pol); },
        [=](input<T> x, output<T> y, const policy& pol) {
          pk::global_bilateral_pool2d(x, y, o, pol);
        }));
  }
  // Backward passes: the input is dy (the power family's is the forward's input x).
  for (bool wide : {true, false}) {
    const pk::pool2d_params p = backward_window(wide);
    const std::string tag = wide ? "[3x3/2 ceil]" : "[2x3/1 dil]";
    ops.push_back(values_op<T>(
        "avg_pool2d_backward" + tag,
        [p](input<T> dy, const policy& pol) {
          return pk::avg_pool2d_backward(dy, forward_input_size(dy.extents(), p), p, pol);
        },
        [p](input<T> dy, output<T> dx, const policy& pol) {
          pk::avg_pool2d_backward(dy, dx, p, pol);
        }));
    ops.push_back(values_op<T>(
        "sum_pool2d_backward" + tag,
        [p](input<T> dy, const policy& pol) {
          return pk::sum_pool2d_backward(dy, forward_input_size(dy.extents(), p), p, pol);
        },
        [p](input<T> dy, output<T> dx, const policy& pol) {
          pk::sum_pool2d_backward(dy, dx, p, pol);
        }));
    const pk::pool2d_params f = window(wide);
    ops.push_back(values_op<T>(
        "l2_pool2d_backward" + tag,
        [f](input<T> x, const policy& pol) {
          const auto y = pk::l2_pool2d(x, f);
          return pk::l2_pool2d_backward(y, x, y, f, pol);
        },
        [f](input<T> x, output<T> dx, const policy& pol) {
          const auto y = pk::l2_pool2d(x, f);
          pk::l2_pool2d_backward(y, x, y, dx, f, pol);
        }));
    ops.push_back(values_op<T>(
        "lp_pool2d_backward(p=3)" + tag,
        [f](input<T> x, const policy& pol) {
          const auto y = pk::lp_pool2d(x, 3.0, f);
          return pk::lp_pool2d_backward(y, x, y, 3.0, f, pol);
        },
        [f](input<T> x, output<T> dx, const policy& pol) {
          const auto y = pk::lp_pool2d(x, 3.0, f);
          pk::lp_pool2d_backward(y, x, y, dx, 3.0, f, pol);
        }));
    ops.push_back(values_op<T>(
        "power_avg_pool2d_backward(p=2.5)" + tag,
        [f](input<T> x, const policy& pol) {
          const auto y = pk::power_avg_pool2d(x, 2.5, f);
          return pk::power_avg_pool2d_backward(y, x, y, 2.5, f, pol);
        },
        [f](input<T> x, output<T> dx, const policy& pol) {
          const auto y = pk::power_avg_pool2d(x, 2.5, f);
          pk::power_avg_pool2d_backward(y, x, y, dx, 2.5, f, pol);
        }));
  }
  ops.push_back(values_op<T>(
      "max_pool2d_backward",
      [](input<T> dy, const policy& pol) {
        return pk::max_pool2d_backward(dy, routing_indices(dy.extents()),
                                       {2 * dy.extent(2), 2 * dy.extent(3)}, pol);
      },
      [](input<T> dy, output<T> dx, const policy& pol) {
        pk::max_pool2d_backward(dy, routing_indices(dy.extents()), dx, pol);
      }));
  // Unpooling's gradient gathers from dy through indices of half its size.
  const auto gather_indices = [](const extents4& dy) {
    const extents4 half{dy[0], dy[1], (dy[2] + 1) / 2, (dy[3] + 1) / 2};
    poolkit::tensor<index_t> idx(half);
    for (index_t n = 0; n < half[0]; ++n)
      for (index_t c = 0; c < half[1]; ++c)
        for (index_t h = 0; h < half[2]; ++h)
          for (index_t w = 0; w < half[3]; ++w)
            idx(n, c, h, w) = (h + w) % 4 == 3 ? -1 : (2 * h) * dy[3] + 2 * w;
    return idx;
  };
  ops.push_back(values_op<T>(
      "max_unpool2d_backward",
      [=](input<T> dy, const policy& pol) {
        return pk::max_unpool2d_backward(dy, gather_indices(dy.extents()), pol);
      },
      [=](input<T> dy, output<T> dv, const policy& pol) {
        pk::max_unpool2d_backward(dy, gather_indices(dy.extents()), dv, pol);
      }));
  const auto grown = [](input<T> dy) { return hw{dy.extent(2) + 2, dy.extent(3) + 3}; };
  ops.push_back(values_op<T>(
      "adaptive_avg_pool2d_backward",
      [=](input<T> dy, const policy& pol) {
        return pk::adaptive_avg_pool2d_backward(dy, grown(dy), pol);
      },
      [](input<T> dy, output<T> dx, const policy& pol) {
        pk::adaptive_avg_pool2d_backward(dy, dx, pol);
      }));
  ops.push_back(values_op<T>(
      "adaptive_sum_pool2d_backward",
      [=](input<T> dy, const policy& pol) {
        return pk::adaptive_sum_pool2d_backward(dy, grown(dy), pol);
      },
      [](input<T> dy, output<T> dx, const policy& pol) {
        pk::adaptive_sum_pool2d_backward(dy, dx, pol);
      }));
  // Global pooling's dy is the first element of each plane of the input.
  const auto corner = [](input<T> x) {
    return input<T>(x.data_handle(), {x.extent(0), x.extent(1), 1, 1}, x.strides());
  };
  ops.push_back(values_op<T>(
      "global_avg_pool2d_backward",
      [=](input<T> x, const policy& pol) {
        return pk::global_avg_pool2d_backward(corner(x), extents_hw(x.extents()), pol);
      },
      [=](input<T> x, output<T> dx, const policy& pol) {
        pk::global_avg_pool2d_backward(corner(x), dx, pol);
      }));
  ops.push_back(values_op<T>(
      "global_sum_pool2d_backward",
      [=](input<T> x, const policy& pol) {
        return pk::global_sum_pool2d_backward(corner(x), extents_hw(x.extents()), pol);
      },
      [=](input<T> x, output<T> dx, const policy& pol) {
        pk::global_sum_pool2d_backward(corner(x), dx, pol);
      }));
  for (bool overlapping : {false, true}) {
    ops.push_back(values_op<T>(
        std::string("fractional_avg_pool2d_backward") + (overlapping ? "(overlapping)" : ""),
        [=](input<T> dy, const policy& pol) {
          return pk::fractional_avg_pool2d_backward(dy, {2 * dy.extent(2), 2 * dy.extent(3)},
                                                    even_sequences(dy.extents()), overlapping, pol);
        },
        [=](input<T> dy, output<T> dx, const policy& pol) {
          pk::fractional_avg_pool2d_backward(dy, dx, even_sequences(dy.extents()), overlapping,
                                             pol);
        }));
  }
  return ops;
}

// Instantiated once, in catalogue_float.cpp and catalogue_double.cpp: each test program
// that includes this header links those objects instead of compiling every operation again.
extern template std::vector<operation<float>> all_operations<float>();
extern template std::vector<operation<double>> all_operations<double>();

}  // namespace catalogue
