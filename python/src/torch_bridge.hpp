// poolkit inside PyTorch: the bridge between at::Tensor and poolkit's views.
// SPDX-License-Identifier: MIT
//
// Every operator of the extension goes through these helpers, so that tensors are checked
// the same way everywhere (CPU, float32/float64, 3 or 4 dimensions), passed to poolkit as
// views with their strides (no copy for channels_last or sliced tensors), errors reach
// Python as RuntimeError with poolkit's message, and poolkit's tasks run on PyTorch's
// intra-op pool.
#pragma once

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <poolkit/poolkit.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace poolkit_torch {

using poolkit::index_t;

/// Raises c10::Error, which PyTorch turns into a Python RuntimeError carrying `message`.
[[noreturn]] inline void raise(const std::string& message) { TORCH_CHECK(false, message); }

/// "poolkit::op: what = value: rule", poolkit's own message shape.
[[noreturn]] inline void raise(const char* op, const std::string& what, const std::string& value,
                               const std::string& rule) {
  raise(std::string("poolkit::") + op + ": " + what + " = " + value + ": " + rule);
}

/// Runs a poolkit call and turns a poolkit::error into a c10::Error with the same message.
template <class F>
decltype(auto) guarded(F&& f) {
  try {
    return f();
  } catch (const poolkit::error& e) {
    raise(e.what());
  }
}

inline std::string list_text(c10::IntArrayRef v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

/// A floating-point tensor poolkit can pool: CPU, float32 or float64, (N, C, H, W) or
/// (C, H, W) like PyTorch's pooling.
inline void check_values(const char* op, const char* name, const at::Tensor& t) {
  if (!t.defined()) raise(op, name, "undefined", "must be a tensor");
  if (t.device().type() != at::kCPU)
    raise(op, std::string(name) + " device", t.device().str(), "must be the CPU");
  if (t.scalar_type() != at::kFloat && t.scalar_type() != at::kDouble)
    raise(op, std::string(name) + " dtype", c10::toString(t.scalar_type()),
          "must be float32 or float64");
  if (t.dim() != 3 && t.dim() != 4)
    raise(op, std::string(name) + " sizes", list_text(t.sizes()),
          "must have 4 dimensions (N, C, H, W) or 3 (C, H, W)");
}

/// An index tensor: CPU, int64, as many dimensions as `like`.
inline void check_indices(const char* op, const char* name, const at::Tensor& t,
                          const at::Tensor& like) {
  if (!t.defined()) raise(op, name, "undefined", "must be a tensor");
  if (t.device().type() != at::kCPU)
    raise(op, std::string(name) + " device", t.device().str(), "must be the CPU");
  if (t.scalar_type() != at::kLong)
    raise(op, std::string(name) + " dtype", c10::toString(t.scalar_type()), "must be int64");
  if (t.dim() != like.dim())
    raise(op, std::string(name) + " sizes", list_text(t.sizes()),
          "must have as many dimensions as the values (" + std::to_string(like.dim()) + ")");
}

/// Two tensors that must hold the same element type.
inline void check_same_dtype(const char* op, const char* name, const at::Tensor& t,
                             const at::Tensor& like) {
  if (t.scalar_type() != like.scalar_type())
    raise(
        op, std::string(name) + " dtype", c10::toString(t.scalar_type()),
        std::string("must be ") + c10::toString(like.scalar_type()) + ", the dtype of the values");
}

/// (C, H, W) as (1, C, H, W); 4-D tensors unchanged.
inline at::Tensor batched(const at::Tensor& t) { return t.dim() == 3 ? t.unsqueeze(0) : t; }

/// The result for an input of `dims` dimensions: (1, C, H, W) back to (C, H, W).
inline at::Tensor unbatched(const at::Tensor& t, int64_t dims) {
  return dims == 3 ? t.squeeze(0) : t;
}

/// Calls f(std::type_identity<T>{}) with T the tensor's element type (float or double).
template <class F>
decltype(auto) with_element(const at::Tensor& t, F&& f) {
  if (t.scalar_type() == at::kDouble) return f(std::type_identity<double>{});
  return f(std::type_identity<float>{});
}

inline poolkit::extents4 extents_of(const at::Tensor& t) {
  return {t.size(0), t.size(1), t.size(2), t.size(3)};
}
inline poolkit::extents4 strides_of(const at::Tensor& t) {
  return {t.stride(0), t.stride(1), t.stride(2), t.stride(3)};
}

/// A read-only view of a 4-D tensor, strides and storage offset included.
template <class T>
poolkit::nchw_view<const T> input_view(const at::Tensor& t) {
  return {static_cast<const T*>(t.data_ptr()), extents_of(t), strides_of(t)};
}

/// A writable view of a 4-D tensor.
template <class T>
poolkit::nchw_view<T> output_view(const at::Tensor& t) {
  return {static_cast<T*>(t.data_ptr()), extents_of(t), strides_of(t)};
}

/// The memory format a result of `t` takes: channels_last when t is a dense channels-last
/// tensor, else what PyTorch suggests. (suggest_memory_format alone misreads dense
/// channels-last tensors whose batch of 1 carries an odd stride, which some autograd
/// paths produce: it answers contiguous, and a gradient would change layout.)
inline at::MemoryFormat memory_format_of(const at::Tensor& t) {
  if (t.dim() == 4 && !t.is_contiguous() && t.is_contiguous(at::MemoryFormat::ChannelsLast))
    return at::MemoryFormat::ChannelsLast;
  return t.suggest_memory_format();
}

/// A new tensor of `extents` in the memory format of `like` (channels_last stays
/// channels_last, as PyTorch's pooling does).
inline at::Tensor new_like(const at::Tensor& like, const poolkit::extents4& extents,
                           at::ScalarType type) {
  return at::empty({extents[0], extents[1], extents[2], extents[3]},
                   like.options().dtype(type).memory_format(memory_format_of(like)));
}

/// poolkit's policy for a call that moves `bytes`: its automatic thread rule (one thread
/// per 256 KiB of traffic), capped by torch.get_num_threads(), with the tasks handed to
/// at::parallel_for so that PyTorch's intra-op pool runs them. Inside a parallel region
/// (a DataLoader worker, an outer parallel_for) the call runs on its own thread.
inline poolkit::policy torch_policy(int64_t bytes) {
  int threads = at::in_parallel_region() ? 1 : at::get_num_threads();
  const int64_t wanted = std::max<int64_t>(1, bytes / (int64_t{256} * 1024));
  threads = static_cast<int>(std::min<int64_t>(threads, wanted));
  if (threads <= 1) return poolkit::policy{.threads = 1};
  return poolkit::policy{.threads = threads,
                         .executor = [](index_t count, const std::function<void(index_t)>& task) {
                           at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
                             for (int64_t i = begin; i < end; ++i) task(i);
                           });
                         }};
}

/// The policy for a call reading `in` and writing `out`.
inline poolkit::policy torch_policy(const at::Tensor& in, const at::Tensor& out) {
  return torch_policy((in.numel() + out.numel()) * static_cast<int64_t>(in.element_size()));
}

/// A spatial pair from a schema's int[2] (one entry means both).
inline poolkit::hw pair_of(const char* op, const char* name, c10::IntArrayRef v) {
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() != 2) raise(op, name, list_text(v), "must have 1 or 2 entries");
  return {v[0], v[1]};
}

/// An int list of a schema (int[2], int[]) held without a heap allocation: its first four
/// entries (a valid one has at most two) and its length. The window's options are parsed
/// on every call, and five vectors per call were a third of the extension's overhead on
/// small tensors.
struct int_list {
  std::array<int64_t, 4> values{};
  size_t size = 0;

  static int_list of(c10::IntArrayRef v) {
    int_list list;
    list.size = v.size();
    for (size_t i = 0; i < std::min<size_t>(v.size(), 4); ++i) list.values[i] = v[i];
    return list;
  }
  static int_list of(const std::vector<int64_t>& v) { return of(c10::IntArrayRef(v)); }
  c10::IntArrayRef ref() const { return {values.data(), std::min<size_t>(size, 4)}; }
  std::vector<int64_t> vec() const { return ref().vec(); }
  bool empty() const { return size == 0; }
};

/// A spatial pair from a schema's int list (one entry means both).
inline poolkit::hw pair_of(const char* op, const char* name, const int_list& v) {
  if (v.size == 1) return {v.values[0], v.values[0]};
  if (v.size != 2) {
    std::string text = list_text(v.ref());
    if (v.size > 4) text.insert(text.size() - 1, ", ...");
    raise(op, name, text, "must have 1 or 2 entries");
  }
  return {v.values[0], v.values[1]};
}

/// A regular window's options as the operators' schemas spell them (PyTorch's names).
struct window_args {
  int_list kernel_size, stride, padding, dilation, padding_end;
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override;

  /// poolkit's parameters; an empty stride means the kernel, an empty padding_end the
  /// padding.
  poolkit::pool2d_params params(const char* op) const {
    poolkit::pool2d_params p;
    p.kernel = pair_of(op, "kernel_size", kernel_size);
    if (!stride.empty()) p.stride = pair_of(op, "stride", stride);
    p.padding = pair_of(op, "padding", padding);
    if (!padding_end.empty()) p.padding_end = pair_of(op, "padding_end", padding_end);
    p.dilation = pair_of(op, "dilation", dilation);
    p.ceil_mode = ceil_mode;
    p.count_include_pad = count_include_pad;
    if (divisor_override) p.divisor_override = *divisor_override;
    return p;
  }
};

}  // namespace poolkit_torch
