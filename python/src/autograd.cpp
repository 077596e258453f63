// poolkit inside PyTorch: autograd for torch.ops.poolkit, in C++ so that scripted modules
// (torch.jit.script) and C++ callers differentiate through the operators as eager Python
// does. Every gradient is one of poolkit's backward passes (SPEC section 9): deterministic,
// the same bits for every thread count, PyTorch's bits where SPEC says so.
// SPDX-License-Identifier: MIT
#include <torch/autograd.h>
#include <torch/library.h>

#include "operators.hpp"
#include "registration.hpp"

namespace poolkit_torch {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool wants_gradient(const at::Tensor& x) { return at::GradMode::is_enabled() && x.requires_grad(); }

// ---- a window's options kept for the backward pass ----

void save_window(AutogradContext* ctx, const window_args& a) {
  ctx->saved_data["kernel_size"] = a.kernel_size.vec();
  ctx->saved_data["stride"] = a.stride.vec();
  ctx->saved_data["padding"] = a.padding.vec();
  ctx->saved_data["dilation"] = a.dilation.vec();
  ctx->saved_data["padding_end"] = a.padding_end.vec();
  ctx->saved_data["ceil_mode"] = a.ceil_mode;
  ctx->saved_data["count_include_pad"] = a.count_include_pad;
  ctx->saved_data["divisor_override"] = a.divisor_override ? *a.divisor_override : int64_t{-1};
  ctx->saved_data["has_divisor"] = a.divisor_override.has_value();
}

window_args saved_window(AutogradContext* ctx) {
  window_args a;
  a.kernel_size = int_list::of(ctx->saved_data["kernel_size"].toIntVector());
  a.stride = int_list::of(ctx->saved_data["stride"].toIntVector());
  a.padding = int_list::of(ctx->saved_data["padding"].toIntVector());
  a.dilation = int_list::of(ctx->saved_data["dilation"].toIntVector());
  a.padding_end = int_list::of(ctx->saved_data["padding_end"].toIntVector());
  a.ceil_mode = ctx->saved_data["ceil_mode"].toBool();
  a.count_include_pad = ctx->saved_data["count_include_pad"].toBool();
  if (ctx->saved_data["has_divisor"].toBool())
    a.divisor_override = ctx->saved_data["divisor_override"].toInt();
  return a;
}

/// The spatial size of x, for the backward pass's dx.
std::vector<int64_t> spatial_size(const at::Tensor& x) { return {x.size(-2), x.size(-1)}; }

/// Gradients routed through forward indices (max, min, adaptive max, fractional max,
/// stochastic training, global max and min): dx = max_pool2d_backward(dy, indices).
/// `indices` are computed by the caller's forward and passed in.
/// The values and indices of a forward, computed by the caller; passed to the function
/// below as one non-tensor argument, so that autograd sees x as its only input (a tensor
/// argument returned as the output would come back as a view of itself).
struct computed_forward {
  at::Tensor values;
  at::Tensor indices;
};

struct routed : torch::autograd::Function<routed> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x,
                            const computed_forward& computed) {
    ctx->save_for_backward({computed.indices});
    ctx->saved_data["input_size"] = spatial_size(x);
    return computed.values;
  }
  static variable_list backward(AutogradContext* ctx, variable_list dy) {
    const at::Tensor indices = ctx->get_saved_variables()[0];
    return {max_pool2d_backward(dy[0], indices, ctx->saved_data["input_size"].toIntVector()),
            at::Tensor()};
  }
};

/// Values computed (with their indices) outside autograd, attached to x's graph: the
/// forward above only records; the values are returned as they are.
at::Tensor attach_routed(const at::Tensor& x, const at::Tensor& values, const at::Tensor& indices) {
  return routed::apply(x, computed_forward{values, indices});
}

/// avg and sum over regular windows.
struct windowed : torch::autograd::Function<windowed> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, bool average,
                            const window_args& a) {
    save_window(ctx, a);
    ctx->saved_data["average"] = average;
    ctx->saved_data["input_size"] = spatial_size(x);
    return regular_pool2d(average ? reduction::avg : reduction::sum, x, a);
  }
  static variable_list backward(AutogradContext* ctx, variable_list dy) {
    const bool average = ctx->saved_data["average"].toBool();
    return {window_pool2d_backward(average ? "avg_pool2d_backward" : "sum_pool2d_backward", average,
                                   dy[0], ctx->saved_data["input_size"].toIntVector(),
                                   saved_window(ctx)),
            at::Tensor(), at::Tensor()};
  }
};

/// l2, lp and power average: the backward pass reads x and the forward's y.
struct powered : torch::autograd::Function<powered> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t family, double p,
                            const window_args& a) {
    static constexpr const char* names[] = {"l2_pool2d", "lp_pool2d", "power_avg_pool2d"};
    at::Tensor y = power_pool2d(names[family], x, p, family == 2, a);
    ctx->save_for_backward({x, y});
    save_window(ctx, a);
    ctx->saved_data["family"] = family;
    ctx->saved_data["p"] = p;
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list dy) {
    static constexpr const char* names[] = {"l2_pool2d_backward", "lp_pool2d_backward",
                                            "power_avg_pool2d_backward"};
    const auto saved = ctx->get_saved_variables();
    const int64_t family = ctx->saved_data["family"].toInt();
    return {power_pool2d_backward(names[family], dy[0], saved[0], saved[1],
                                  ctx->saved_data["p"].toDouble(), family == 2, saved_window(ctx)),
            at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

/// Adaptive and global avg and sum.
struct binned : torch::autograd::Function<binned> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, bool global, bool average,
                            std::vector<int64_t> output_size) {
    ctx->saved_data["global"] = global;
    ctx->saved_data["average"] = average;
    ctx->saved_data["input_size"] = spatial_size(x);
    const reduction kind = average ? reduction::avg : reduction::sum;
    return global ? global_pool2d(kind, x) : adaptive_pool2d(kind, x, output_size);
  }
  static variable_list backward(AutogradContext* ctx, variable_list dy) {
    const bool global = ctx->saved_data["global"].toBool();
    const bool average = ctx->saved_data["average"].toBool();
    static constexpr const char* names[2][2] = {
        {"adaptive_sum_pool2d_backward", "adaptive_avg_pool2d_backward"},
        {"global_sum_pool2d_backward", "global_avg_pool2d_backward"}};
    return {bin_pool2d_backward(names[global][average], global, average, dy[0],
                                ctx->saved_data["input_size"].toIntVector()),
            at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

/// Graham's fractional average pooling: the gradient spreads over the forward's regions.
struct fractional_averaged : torch::autograd::Function<fractional_averaged> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, std::vector<double> ratio,
                               bool pseudo_random, bool overlapping, int64_t seed,
                               const c10::optional<at::Tensor>& rows,
                               const c10::optional<at::Tensor>& cols) {
    auto [y, r, c] =
        fractional_avg_pool2d_ratio(x, ratio, pseudo_random, overlapping, seed, rows, cols);
    ctx->save_for_backward({r, c});
    ctx->saved_data["overlapping"] = overlapping;
    ctx->saved_data["input_size"] = spatial_size(x);
    ctx->mark_non_differentiable({r, c});
    return {y, r, c};
  }
  static variable_list backward(AutogradContext* ctx, variable_list dy) {
    const auto saved = ctx->get_saved_variables();
    return {
        fractional_avg_pool2d_backward(dy[0], ctx->saved_data["input_size"].toIntVector(), saved[0],
                                       saved[1], ctx->saved_data["overlapping"].toBool()),
        at::Tensor(),
        at::Tensor(),
        at::Tensor(),
        at::Tensor(),
        at::Tensor(),
        at::Tensor()};
  }
};

/// Unpooling's gradient with respect to the values: a gather through the indices.
struct unpooled : torch::autograd::Function<unpooled> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& values,
                            const at::Tensor& indices, std::vector<int64_t> output_size) {
    ctx->save_for_backward({indices});
    return poolkit_torch::max_unpool2d(values, indices, output_size);
  }
  static variable_list backward(AutogradContext* ctx, variable_list dy) {
    return {max_unpool2d_backward(dy[0], ctx->get_saved_variables()[0]), at::Tensor(),
            at::Tensor()};
  }
};

/// Operations poolkit has no backward pass for refuse a tensor that needs one, rather than
/// returning values that silently drop out of the graph.
void refuse_gradient(const char* op, const at::Tensor& x, const char* why) {
  if (wants_gradient(x))
    raise(op, "x.requires_grad", "True",
          std::string("has no backward pass (") + why +
              "); pool x.detach() or run under torch.no_grad()");
}

/// Forward values with indices: the pair, with the values attached to x's graph.
std::tuple<at::Tensor, at::Tensor> routed_pair(const at::Tensor& x,
                                               std::tuple<at::Tensor, at::Tensor> pair) {
  auto& [values, indices] = pair;
  if (!wants_gradient(x)) return pair;
  return {attach_routed(x, values, indices), indices};
}

}  // namespace
}  // namespace poolkit_torch

TORCH_LIBRARY_IMPL(poolkit, Autograd, m) {
  using namespace poolkit_torch;
  // max and min: computed with indices only when a gradient is wanted.
  m.impl("max_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    const window_args a = POOLKIT_TORCH_WINDOW_ARGS;
    if (!wants_gradient(x)) return regular_pool2d(reduction::max, x, a);
    return std::get<0>(
        routed_pair(x, selected_pool2d_with_indices(reduction::max, x, a, "max_pool2d")));
  });
  m.impl("min_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    const window_args a = POOLKIT_TORCH_WINDOW_ARGS;
    if (!wants_gradient(x)) return regular_pool2d(reduction::min, x, a);
    return std::get<0>(
        routed_pair(x, selected_pool2d_with_indices(reduction::min, x, a, "min_pool2d")));
  });
  m.impl("max_pool2d_with_indices", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return routed_pair(x,
                       selected_pool2d_with_indices(reduction::max, x, POOLKIT_TORCH_WINDOW_ARGS));
  });
  m.impl("min_pool2d_with_indices", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return routed_pair(x,
                       selected_pool2d_with_indices(reduction::min, x, POOLKIT_TORCH_WINDOW_ARGS));
  });
  m.impl("avg_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return windowed::apply(x, true, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("sum_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return windowed::apply(x, false, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("l2_pool2d", [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return powered::apply(x, int64_t{0}, 2.0, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("lp_pool2d", [](const at::Tensor& x, double p, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return powered::apply(x, int64_t{1}, p, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("power_avg_pool2d", [](const at::Tensor& x, double p, POOLKIT_TORCH_WINDOW_PARAMETERS) {
    return powered::apply(x, int64_t{2}, p, POOLKIT_TORCH_WINDOW_ARGS);
  });
  m.impl("adaptive_max_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    if (!wants_gradient(x)) return adaptive_pool2d(reduction::max, x, s);
    return std::get<0>(
        routed_pair(x, adaptive_max_pool2d_with_indices(x, s, "adaptive_max_pool2d")));
  });
  m.impl("adaptive_max_pool2d_with_indices", [](const at::Tensor& x, c10::IntArrayRef s) {
    return routed_pair(x, adaptive_max_pool2d_with_indices(x, s));
  });
  m.impl("adaptive_min_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    at::Tensor values = adaptive_pool2d(reduction::min, x, s);
    if (!wants_gradient(x)) return values;
    // The minimum's taps are the maximum's of -x (ties and NaN pick the same tap).
    const at::Tensor indices = std::get<1>(adaptive_max_pool2d_with_indices(x.detach().neg(), s));
    return attach_routed(x, values, indices);
  });
  m.impl("adaptive_avg_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    return binned::apply(x, false, true, s.vec());
  });
  m.impl("adaptive_sum_pool2d", [](const at::Tensor& x, c10::IntArrayRef s) {
    return binned::apply(x, false, false, s.vec());
  });
  m.impl("global_avg_pool2d", [](const at::Tensor& x) {
    return binned::apply(x, true, true, std::vector<int64_t>{1, 1});
  });
  m.impl("global_sum_pool2d", [](const at::Tensor& x) {
    return binned::apply(x, true, false, std::vector<int64_t>{1, 1});
  });
  // Global max and min: one window over the whole plane, whose indices route the gradient.
  m.impl("global_max_pool2d", [](const at::Tensor& x) {
    at::Tensor values = global_pool2d(reduction::max, x);
    if (!wants_gradient(x)) return values;
    const at::Tensor indices = std::get<1>(adaptive_max_pool2d_with_indices(x.detach(), {1, 1}));
    return attach_routed(x, values, indices);
  });
  m.impl("global_min_pool2d", [](const at::Tensor& x) {
    at::Tensor values = global_pool2d(reduction::min, x);
    if (!wants_gradient(x)) return values;
    const at::Tensor indices =
        std::get<1>(adaptive_max_pool2d_with_indices(x.detach().neg(), {1, 1}));
    return attach_routed(x, values, indices);
  });
  m.impl("spatial_pyramid_pool2d", [](const at::Tensor& x, c10::IntArrayRef levels,
                                      c10::string_view reducer, c10::string_view rule) {
    refuse_gradient("spatial_pyramid_pool2d", x,
                    "use adaptive pooling per level and torch.cat for a differentiable pyramid");
    return spatial_pyramid_pool2d(x, levels, std::string(reducer), std::string(rule));
  });
  m.impl("stochastic_pool2d",
         [](const at::Tensor& x, POOLKIT_TORCH_WINDOW_PARAMETERS, bool training, int64_t seed) {
           if (!training) refuse_gradient("stochastic_pool2d", x, "inference mode");
           auto pair = stochastic_pool2d(x, POOLKIT_TORCH_WINDOW_ARGS, training, seed);
           return training ? routed_pair(x, pair) : pair;
         });
  m.impl("fractional_max_pool2d", [](const at::Tensor& x, c10::IntArrayRef kernel_size,
                                     c10::IntArrayRef output_size, const at::Tensor& samples) {
    return routed_pair(x,
                       poolkit_torch::fractional_max_pool2d(x, kernel_size, output_size, samples));
  });
  m.impl("fractional_max_pool2d_ratio",
         [](const at::Tensor& x, c10::ArrayRef<double> ratio, bool pseudo_random, bool overlapping,
            int64_t seed, const c10::optional<at::Tensor>& rows,
            const c10::optional<at::Tensor>& cols) {
           auto [values, indices, r, c] =
               fractional_max_pool2d_ratio(x, ratio, pseudo_random, overlapping, seed, rows, cols);
           if (wants_gradient(x)) values = attach_routed(x, values, indices);
           return std::make_tuple(values, indices, r, c);
         });
  m.impl("fractional_avg_pool2d_ratio", [](const at::Tensor& x, c10::ArrayRef<double> ratio,
                                           bool pseudo_random, bool overlapping, int64_t seed,
                                           const c10::optional<at::Tensor>& rows,
                                           const c10::optional<at::Tensor>& cols) {
    const auto out =
        fractional_averaged::apply(x, ratio.vec(), pseudo_random, overlapping, seed, rows, cols);
    return std::make_tuple(out[0], out[1], out[2]);
  });
  m.impl("max_unpool2d",
         [](const at::Tensor& values, const at::Tensor& indices, c10::IntArrayRef output_size) {
           return unpooled::apply(values, indices, output_size.vec());
         });
}
