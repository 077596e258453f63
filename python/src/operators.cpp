// poolkit inside PyTorch: the operators' CPU bodies and their registration
// (TORCH_LIBRARY(poolkit, m): schemas; CPU kernels). Autograd lives in autograd.cpp.
// SPDX-License-Identifier: MIT
//
// Outputs are allocated in the input's memory format and written through poolkit's
// into-view forms, so channels_last and sliced tensors are pooled where they lie. The few
// operations poolkit only offers as allocating calls (global, spatial pyramid, stochastic,
// the ratio form of fractional pooling) are copied out of poolkit's contiguous result.
#include "operators.hpp"

#include <torch/library.h>

#include <cstring>

namespace poolkit_torch {
namespace {

const char* regular_name(reduction kind) {
  switch (kind) {
    case reduction::max: return "max_pool2d";
    case reduction::min: return "min_pool2d";
    case reduction::sum: return "sum_pool2d";
    case reduction::avg: return "avg_pool2d";
  }
  return "";
}
const char* adaptive_name(reduction kind) {
  switch (kind) {
    case reduction::max: return "adaptive_max_pool2d";
    case reduction::min: return "adaptive_min_pool2d";
    case reduction::sum: return "adaptive_sum_pool2d";
    case reduction::avg: return "adaptive_avg_pool2d";
  }
  return "";
}
const char* global_name(reduction kind) {
  switch (kind) {
    case reduction::max: return "global_max_pool2d";
    case reduction::min: return "global_min_pool2d";
    case reduction::sum: return "global_sum_pool2d";
    case reduction::avg: return "global_avg_pool2d";
  }
  return "";
}

/// The output extents of a regular window, or the operation's own error: when the shape
/// cannot be computed, `allocating` (the operation's allocating form) is run, and its
/// validation raises the message that names the operation.
template <class F>
poolkit::extents4 regular_extents(const poolkit::extents4& in, const poolkit::pool2d_params& p,
                                  F&& allocating) {
  const auto r = poolkit::try_pool2d_output_extents(in, p);
  if (r) return *r;
  guarded(allocating);
  raise(r.error().message());
}

/// A copy of poolkit's contiguous result, in the memory format of `like`.
template <class T>
at::Tensor copied(const poolkit::tensor<T>& t, const at::Tensor& like) {
  at::Tensor out = at::empty({t.extent(0), t.extent(1), t.extent(2), t.extent(3)}, like.options());
  if (t.size() > 0)
    std::memcpy(out.data_ptr(), t.data_handle(), static_cast<size_t>(t.size()) * sizeof(T));
  return out.contiguous(memory_format_of(like));
}

at::Tensor copied_indices(const poolkit::tensor<index_t>& t, const at::Tensor& like) {
  at::Tensor out = at::empty({t.extent(0), t.extent(1), t.extent(2), t.extent(3)},
                             like.options().dtype(at::kLong));
  if (t.size() > 0)
    std::memcpy(out.data_ptr(), t.data_handle(), static_cast<size_t>(t.size()) * sizeof(index_t));
  return out.contiguous(memory_format_of(like));
}

at::Tensor sequence_tensor(const std::vector<index_t>& s) {
  at::Tensor t = at::empty({static_cast<int64_t>(s.size())}, at::TensorOptions().dtype(at::kLong));
  if (!s.empty()) std::memcpy(t.data_ptr(), s.data(), s.size() * sizeof(index_t));
  return t;
}

std::vector<index_t> sequence_of(const char* op, const char* name, const at::Tensor& t) {
  if (t.device().type() != at::kCPU || t.scalar_type() != at::kLong || t.dim() != 1)
    raise(op, std::string(name) + " (dtype, dims)",
          std::string(c10::toString(t.scalar_type())) + ", " + std::to_string(t.dim()),
          "must be a 1-D int64 CPU tensor");
  const at::Tensor c = t.contiguous();
  const auto* p = c.data_ptr<int64_t>();
  return {p, p + c.numel()};
}

poolkit::hw size_of(const char* op, const char* name, c10::IntArrayRef v) {
  const poolkit::hw s = pair_of(op, name, v);
  if (s.h < 1 || s.w < 1) raise(op, name, list_text(v), "every entry must be >= 1");
  return s;
}

/// dx for an input of `input_size`, batch and channels of dy, in dy's memory format.
at::Tensor new_gradient(const char* op, const at::Tensor& dy4, c10::IntArrayRef input_size) {
  const poolkit::hw s = size_of(op, "input_size", input_size);
  return new_like(dy4, {dy4.size(0), dy4.size(1), s.h, s.w}, dy4.scalar_type());
}

}  // namespace

at::Tensor regular_pool2d(reduction kind, const at::Tensor& x, const window_args& a) {
  const char* op = regular_name(kind);
  check_values(op, "x", x);
  const poolkit::pool2d_params p = a.params(op);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    auto allocating = [&] {
      switch (kind) {
        case reduction::max: return poolkit::max_pool2d(in, p);
        case reduction::min: return poolkit::min_pool2d(in, p);
        case reduction::sum: return poolkit::sum_pool2d(in, p);
        case reduction::avg: return poolkit::avg_pool2d(in, p);
      }
      return poolkit::tensor<T>();
    };
    at::Tensor y = new_like(x4, regular_extents(in.extents(), p, allocating), x4.scalar_type());
    const auto out = output_view<T>(y);
    const auto pol = torch_policy(x4, y);
    guarded([&] {
      switch (kind) {
        case reduction::max: poolkit::max_pool2d(in, out, p, pol); break;
        case reduction::min: poolkit::min_pool2d(in, out, p, pol); break;
        case reduction::sum: poolkit::sum_pool2d(in, out, p, pol); break;
        case reduction::avg: poolkit::avg_pool2d(in, out, p, pol); break;
      }
    });
    return unbatched(y, x.dim());
  });
}

std::tuple<at::Tensor, at::Tensor> selected_pool2d_with_indices(reduction kind, const at::Tensor& x,
                                                                const window_args& a,
                                                                const char* op) {
  if (op == nullptr)
    op = kind == reduction::max ? "max_pool2d_with_indices" : "min_pool2d_with_indices";
  check_values(op, "x", x);
  const poolkit::pool2d_params p = a.params(op);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    // The form the caller asked for names itself in the message (autograd computes the
    // values-only max_pool2d with indices).
    const bool values_only = std::string_view(op).find("with_indices") == std::string_view::npos;
    auto allocating = [&] {
      if (values_only)
        return kind == reduction::max ? poolkit::max_pool2d(in, p) : poolkit::min_pool2d(in, p);
      return kind == reduction::max ? poolkit::max_pool2d_with_indices(in, p).values
                                    : poolkit::min_pool2d_with_indices(in, p).values;
    };
    const poolkit::extents4 e = regular_extents(in.extents(), p, allocating);
    at::Tensor y = new_like(x4, e, x4.scalar_type());
    at::Tensor i = new_like(x4, e, at::kLong);
    const auto pol = torch_policy(x4, y);
    guarded([&] {
      if (kind == reduction::max)
        poolkit::max_pool2d_with_indices(in, output_view<T>(y), output_view<index_t>(i), p, pol);
      else
        poolkit::min_pool2d_with_indices(in, output_view<T>(y), output_view<index_t>(i), p, pol);
    });
    return std::make_tuple(unbatched(y, x.dim()), unbatched(i, x.dim()));
  });
}

at::Tensor power_pool2d(const char* op, const at::Tensor& x, double pw, bool average,
                        const window_args& a) {
  check_values(op, "x", x);
  const poolkit::pool2d_params p = a.params(op);
  const bool l2 = std::string_view(op) == "l2_pool2d";
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    auto allocating = [&] {
      if (l2) return poolkit::l2_pool2d(in, p);
      return average ? poolkit::power_avg_pool2d(in, pw, p) : poolkit::lp_pool2d(in, pw, p);
    };
    at::Tensor y = new_like(x4, regular_extents(in.extents(), p, allocating), x4.scalar_type());
    const auto out = output_view<T>(y);
    const auto pol = torch_policy(x4, y);
    guarded([&] {
      if (l2)
        poolkit::l2_pool2d(in, out, p, pol);
      else if (average)
        poolkit::power_avg_pool2d(in, out, pw, p, pol);
      else
        poolkit::lp_pool2d(in, out, pw, p, pol);
    });
    return unbatched(y, x.dim());
  });
}

at::Tensor adaptive_pool2d(reduction kind, const at::Tensor& x, c10::IntArrayRef output_size) {
  const char* op = adaptive_name(kind);
  check_values(op, "x", x);
  const poolkit::hw s = size_of(op, "output_size", output_size);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    at::Tensor y = new_like(x4, {x4.size(0), x4.size(1), s.h, s.w}, x4.scalar_type());
    const auto out = output_view<T>(y);
    const auto pol = torch_policy(x4, y);
    guarded([&] {
      switch (kind) {
        case reduction::max: poolkit::adaptive_max_pool2d(in, out, pol); break;
        case reduction::min: poolkit::adaptive_min_pool2d(in, out, pol); break;
        case reduction::sum: poolkit::adaptive_sum_pool2d(in, out, pol); break;
        case reduction::avg: poolkit::adaptive_avg_pool2d(in, out, pol); break;
      }
    });
    return unbatched(y, x.dim());
  });
}

std::tuple<at::Tensor, at::Tensor> adaptive_max_pool2d_with_indices(const at::Tensor& x,
                                                                    c10::IntArrayRef output_size,
                                                                    const char* op) {
  if (op == nullptr) op = "adaptive_max_pool2d_with_indices";
  check_values(op, "x", x);
  const poolkit::hw s = size_of(op, "output_size", output_size);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const poolkit::extents4 e{x4.size(0), x4.size(1), s.h, s.w};
    at::Tensor y = new_like(x4, e, x4.scalar_type());
    at::Tensor i = new_like(x4, e, at::kLong);
    const auto pol = torch_policy(x4, y);
    guarded([&] {
      poolkit::adaptive_max_pool2d_with_indices(input_view<T>(x4), output_view<T>(y),
                                                output_view<index_t>(i), pol);
    });
    return std::make_tuple(unbatched(y, x.dim()), unbatched(i, x.dim()));
  });
}

at::Tensor global_pool2d(reduction kind, const at::Tensor& x) {
  const char* op = global_name(kind);
  check_values(op, "x", x);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    const auto pol = torch_policy(x4, x4);
    poolkit::tensor<T> y = guarded([&] {
      switch (kind) {
        case reduction::max: return poolkit::global_max_pool2d(in, pol);
        case reduction::min: return poolkit::global_min_pool2d(in, pol);
        case reduction::sum: return poolkit::global_sum_pool2d(in, pol);
        case reduction::avg: return poolkit::global_avg_pool2d(in, pol);
      }
      return poolkit::tensor<T>();
    });
    return unbatched(copied(y, x4), x.dim());
  });
}

at::Tensor spatial_pyramid_pool2d(const at::Tensor& x, c10::IntArrayRef levels,
                                  const std::string& reducer, const std::string& rule) {
  const char* op = "spatial_pyramid_pool2d";
  check_values(op, "x", x);
  poolkit::spp_bin_rule bins = poolkit::spp_bin_rule::adaptive;
  if (rule == "paper")
    bins = poolkit::spp_bin_rule::paper;
  else if (rule == "caffe")
    bins = poolkit::spp_bin_rule::caffe;
  else if (rule != "adaptive")
    raise(op, "rule", "'" + rule + "'", "must be 'adaptive', 'paper' or 'caffe'");
  if (reducer != "max" && reducer != "min" && reducer != "sum" && reducer != "avg")
    raise(op, "reducer", "'" + reducer + "'", "must be 'max', 'min', 'sum' or 'avg'");
  const std::vector<index_t> level_list(levels.begin(), levels.end());
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    const auto pol = torch_policy(x4, x4);
    poolkit::tensor<T> y = guarded([&] {
      if (reducer == "max")
        return poolkit::spatial_pyramid_pool2d(in, level_list, poolkit::reduce::max<T>{}, bins,
                                               pol);
      if (reducer == "min")
        return poolkit::spatial_pyramid_pool2d(in, level_list, poolkit::reduce::min<T>{}, bins,
                                               pol);
      if (reducer == "sum")
        return poolkit::spatial_pyramid_pool2d(in, level_list, poolkit::reduce::sum<T>{}, bins,
                                               pol);
      return poolkit::spatial_pyramid_pool2d(in, level_list, poolkit::reduce::avg<T>{}, bins, pol);
    });
    return unbatched(copied(y, x4), x.dim());
  });
}

std::tuple<at::Tensor, at::Tensor> stochastic_pool2d(const at::Tensor& x, const window_args& a,
                                                     bool training, int64_t seed) {
  const char* op = "stochastic_pool2d";
  check_values(op, "x", x);
  const poolkit::pool2d_params p = a.params(op);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto mode =
        training ? poolkit::stochastic_mode::training : poolkit::stochastic_mode::inference;
    const auto pol = torch_policy(x4, x4);
    auto r = guarded([&] {
      return poolkit::stochastic_pool2d(input_view<T>(x4), p, mode,
                                        static_cast<std::uint64_t>(seed), pol);
    });
    at::Tensor values = copied(r.values, x4);
    at::Tensor indices =
        training ? copied_indices(r.indices, x4) : at::empty({0}, x4.options().dtype(at::kLong));
    return std::make_tuple(unbatched(values, x.dim()),
                           training ? unbatched(indices, x.dim()) : indices);
  });
}

std::tuple<at::Tensor, at::Tensor> fractional_max_pool2d(const at::Tensor& x,
                                                         c10::IntArrayRef kernel_size,
                                                         c10::IntArrayRef output_size,
                                                         const at::Tensor& samples) {
  const char* op = "fractional_max_pool2d";
  check_values(op, "x", x);
  const at::Tensor x4 = batched(x);
  if (!samples.defined() || samples.scalar_type() != x.scalar_type() || samples.dim() != 3 ||
      samples.device().type() != at::kCPU)
    raise(op, "samples sizes", samples.defined() ? list_text(samples.sizes()) : "undefined",
          "must be an (N, C, 2) CPU tensor of x's dtype (PyTorch's _random_samples)");
  const poolkit::fractional_max_params params{
      .kernel = pair_of(op, "kernel_size", kernel_size),
      .output_size = size_of(op, "output_size", output_size)};
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const poolkit::extents4 e{x4.size(0), x4.size(1), params.output_size.h, params.output_size.w};
    at::Tensor y = new_like(x4, e, x4.scalar_type());
    at::Tensor i = new_like(x4, e, at::kLong);
    const poolkit::nchw_view<const T> u(
        static_cast<const T*>(samples.data_ptr()),
        {samples.size(0), samples.size(1), 1, samples.size(2)},
        {samples.stride(0), samples.stride(1), 0, samples.stride(2)});
    const auto pol = torch_policy(x4, y);
    guarded([&] {
      poolkit::fractional_max_pool2d(input_view<T>(x4), output_view<T>(y), output_view<index_t>(i),
                                     params, u, pol);
    });
    return std::make_tuple(unbatched(y, x.dim()), unbatched(i, x.dim()));
  });
}

namespace {
poolkit::fractional_ratio_params ratio_params(const char* op, c10::ArrayRef<double> ratio,
                                              bool pseudo_random, bool overlapping) {
  if (ratio.size() != 1 && ratio.size() != 2) {
    std::string text = "[";
    for (size_t k = 0; k < ratio.size(); ++k) text += (k ? ", " : "") + std::to_string(ratio[k]);
    raise(op, "pooling_ratio", text + "]", "must have 1 or 2 entries");
  }
  return {.pooling_ratio = {ratio[0], ratio.size() == 2 ? ratio[1] : ratio[0]},
          .pseudo_random = pseudo_random,
          .overlapping = overlapping};
}

/// The sequences given back by the caller, or none (then `seed` draws them).
std::optional<poolkit::pooling_sequences> given_sequences(const char* op,
                                                          const c10::optional<at::Tensor>& rows,
                                                          const c10::optional<at::Tensor>& cols) {
  const bool has_rows = rows.has_value() && rows->defined();
  const bool has_cols = cols.has_value() && cols->defined();
  if (has_rows != has_cols)
    raise(op, "row_sequence, col_sequence", has_rows ? "(given, None)" : "(None, given)",
          "must be given together or not at all");
  if (!has_rows) return std::nullopt;
  return poolkit::pooling_sequences{sequence_of(op, "row_sequence", *rows),
                                    sequence_of(op, "col_sequence", *cols)};
}
}  // namespace

namespace {
/// Graham's (TensorFlow's) fractional pooling, max (Max) or avg: the checks and options
/// both share, the call with the given sequences or with `seed`, then `finish(result, x4)`
/// turns poolkit's result into the operator's tensors.
template <bool Max, class Finish>
auto graham_pool(const char* op, const at::Tensor& x, c10::ArrayRef<double> pooling_ratio,
                 bool pseudo_random, bool overlapping, int64_t seed,
                 const c10::optional<at::Tensor>& rows, const c10::optional<at::Tensor>& cols,
                 const Finish& finish) {
  check_values(op, "x", x);
  const auto params = ratio_params(op, pooling_ratio, pseudo_random, overlapping);
  const auto sequences = given_sequences(op, rows, cols);
  const at::Tensor x4 = batched(x);
  return with_element(x4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(x4);
    const auto pol = torch_policy(x4, x4);
    const auto drawn = static_cast<std::uint64_t>(seed);
    auto r = guarded([&] {
      if constexpr (Max)
        return sequences ? poolkit::fractional_max_pool2d(in, params, *sequences, pol)
                         : poolkit::fractional_max_pool2d(in, params, drawn, pol);
      else
        return sequences ? poolkit::fractional_avg_pool2d(in, params, *sequences, pol)
                         : poolkit::fractional_avg_pool2d(in, params, drawn, pol);
    });
    return finish(r, x4);
  });
}
}  // namespace

std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor> fractional_max_pool2d_ratio(
    const at::Tensor& x, c10::ArrayRef<double> pooling_ratio, bool pseudo_random, bool overlapping,
    int64_t seed, const c10::optional<at::Tensor>& rows, const c10::optional<at::Tensor>& cols) {
  return graham_pool<true>("fractional_max_pool2d", x, pooling_ratio, pseudo_random, overlapping,
                           seed, rows, cols, [&](const auto& r, const at::Tensor& x4) {
                             return std::make_tuple(
                                 unbatched(copied(r.values, x4), x.dim()),
                                 unbatched(copied_indices(r.indices, x4), x.dim()),
                                 sequence_tensor(r.sequences.rows),
                                 sequence_tensor(r.sequences.cols));
                           });
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> fractional_avg_pool2d_ratio(
    const at::Tensor& x, c10::ArrayRef<double> pooling_ratio, bool pseudo_random, bool overlapping,
    int64_t seed, const c10::optional<at::Tensor>& rows, const c10::optional<at::Tensor>& cols) {
  return graham_pool<false>("fractional_avg_pool2d", x, pooling_ratio, pseudo_random, overlapping,
                            seed, rows, cols, [&](const auto& r, const at::Tensor& x4) {
                              return std::make_tuple(unbatched(copied(r.values, x4), x.dim()),
                                                     sequence_tensor(r.sequences.rows),
                                                     sequence_tensor(r.sequences.cols));
                            });
}

at::Tensor max_unpool2d(const at::Tensor& values, const at::Tensor& indices,
                        c10::IntArrayRef output_size) {
  const char* op = "max_unpool2d";
  check_values(op, "values", values);
  check_indices(op, "indices", indices, values);
  const poolkit::hw s = size_of(op, "output_size", output_size);
  const at::Tensor v4 = batched(values);
  const at::Tensor i4 = batched(indices);
  return with_element(v4, [&]<class T>(std::type_identity<T>) {
    at::Tensor y = new_like(v4, {v4.size(0), v4.size(1), s.h, s.w}, v4.scalar_type());
    guarded([&] {
      poolkit::max_unpool2d(input_view<T>(v4), input_view<index_t>(i4), output_view<T>(y));
    });
    return unbatched(y, values.dim());
  });
}

// ---- backward passes ----

at::Tensor max_pool2d_backward(const at::Tensor& dy, const at::Tensor& indices,
                               c10::IntArrayRef input_size) {
  const char* op = "max_pool2d_backward";
  check_values(op, "dy", dy);
  check_indices(op, "indices", indices, dy);
  const at::Tensor dy4 = batched(dy);
  const at::Tensor i4 = batched(indices);
  at::Tensor dx = new_gradient(op, dy4, input_size);
  with_element(dy4, [&]<class T>(std::type_identity<T>) {
    guarded([&] {
      poolkit::max_pool2d_backward(input_view<T>(dy4), input_view<index_t>(i4), output_view<T>(dx),
                                   torch_policy(dy4, dx));
    });
  });
  return unbatched(dx, dy.dim());
}

at::Tensor window_pool2d_backward(const char* op, bool average, const at::Tensor& dy,
                                  c10::IntArrayRef input_size, const window_args& a) {
  check_values(op, "dy", dy);
  const poolkit::pool2d_params p = a.params(op);
  const at::Tensor dy4 = batched(dy);
  at::Tensor dx = new_gradient(op, dy4, input_size);
  with_element(dy4, [&]<class T>(std::type_identity<T>) {
    const auto pol = torch_policy(dy4, dx);
    guarded([&] {
      if (average)
        poolkit::avg_pool2d_backward(input_view<T>(dy4), output_view<T>(dx), p, pol);
      else
        poolkit::sum_pool2d_backward(input_view<T>(dy4), output_view<T>(dx), p, pol);
    });
  });
  return unbatched(dx, dy.dim());
}

at::Tensor bin_pool2d_backward(const char* op, bool global, bool average, const at::Tensor& dy,
                               c10::IntArrayRef input_size) {
  check_values(op, "dy", dy);
  const at::Tensor dy4 = batched(dy);
  at::Tensor dx = new_gradient(op, dy4, input_size);
  with_element(dy4, [&]<class T>(std::type_identity<T>) {
    const auto in = input_view<T>(dy4);
    const auto out = output_view<T>(dx);
    const auto pol = torch_policy(dy4, dx);
    guarded([&] {
      if (global && average)
        poolkit::global_avg_pool2d_backward(in, out, pol);
      else if (global)
        poolkit::global_sum_pool2d_backward(in, out, pol);
      else if (average)
        poolkit::adaptive_avg_pool2d_backward(in, out, pol);
      else
        poolkit::adaptive_sum_pool2d_backward(in, out, pol);
    });
  });
  return unbatched(dx, dy.dim());
}

at::Tensor power_pool2d_backward(const char* op, const at::Tensor& dy, const at::Tensor& x,
                                 const at::Tensor& y, double pw, bool average,
                                 const window_args& a) {
  check_values(op, "dy", dy);
  check_values(op, "x", x);
  check_values(op, "y", y);
  check_same_dtype(op, "x", x, dy);
  check_same_dtype(op, "y", y, dy);
  const poolkit::pool2d_params p = a.params(op);
  const bool l2 = std::string_view(op) == "l2_pool2d_backward";
  const at::Tensor dy4 = batched(dy), x4 = batched(x), y4 = batched(y);
  at::Tensor dx = new_like(x4, extents_of(x4), x4.scalar_type());
  with_element(dy4, [&]<class T>(std::type_identity<T>) {
    const auto g = input_view<T>(dy4);
    const auto in = input_view<T>(x4);
    const auto out = input_view<T>(y4);
    const auto d = output_view<T>(dx);
    const auto pol = torch_policy(x4, dx);
    guarded([&] {
      if (l2)
        poolkit::l2_pool2d_backward(g, in, out, d, p, pol);
      else if (average)
        poolkit::power_avg_pool2d_backward(g, in, out, d, pw, p, pol);
      else
        poolkit::lp_pool2d_backward(g, in, out, d, pw, p, pol);
    });
  });
  return unbatched(dx, x.dim());
}

at::Tensor fractional_avg_pool2d_backward(const at::Tensor& dy, c10::IntArrayRef input_size,
                                          const at::Tensor& rows, const at::Tensor& cols,
                                          bool overlapping) {
  const char* op = "fractional_avg_pool2d_backward";
  check_values(op, "dy", dy);
  const poolkit::pooling_sequences sequences{sequence_of(op, "row_sequence", rows),
                                             sequence_of(op, "col_sequence", cols)};
  const at::Tensor dy4 = batched(dy);
  at::Tensor dx = new_gradient(op, dy4, input_size);
  with_element(dy4, [&]<class T>(std::type_identity<T>) {
    guarded([&] {
      poolkit::fractional_avg_pool2d_backward(input_view<T>(dy4), output_view<T>(dx), sequences,
                                              overlapping, torch_policy(dy4, dx));
    });
  });
  return unbatched(dx, dy.dim());
}

at::Tensor max_unpool2d_backward(const at::Tensor& dy, const at::Tensor& indices) {
  const char* op = "max_unpool2d_backward";
  check_values(op, "dy", dy);
  check_indices(op, "indices", indices, dy);
  const at::Tensor dy4 = batched(dy);
  const at::Tensor i4 = batched(indices);
  at::Tensor dv = new_like(i4, extents_of(i4), dy4.scalar_type());
  with_element(dy4, [&]<class T>(std::type_identity<T>) {
    guarded([&] {
      poolkit::max_unpool2d_backward(input_view<T>(dy4), input_view<index_t>(i4),
                                     output_view<T>(dv), torch_policy(dy4, dv));
    });
  });
  return unbatched(dv, dy.dim());
}

}  // namespace poolkit_torch
