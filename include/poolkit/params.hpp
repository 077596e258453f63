// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Parameters of a regular (sliding-window) pooling, the output-size rule and the
// ONNX/TensorFlow auto-pad helpers. SPEC section 2. Integer-only, overflow-checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <poolkit/detail/checked.hpp>
#include <poolkit/detail/text.hpp>
#include <poolkit/error.hpp>
#include <poolkit/tensor.hpp>

namespace poolkit {

/// \addtogroup params
/// \{

/// A spatial pair, height first: `{h, w}`.
struct hw {
  index_t h = 0;  ///< height (rows)
  index_t w = 0;  ///< width (columns)
  /// Equal when both entries are.
  friend constexpr bool operator==(const hw&, const hw&) = default;
};

/// A spatial pair that may be left unset, so that designated initializers can say
/// `.stride = {2, 2}` or leave the field out to get the default.
class optional_hw {
 public:
  constexpr optional_hw() noexcept = default;
  /// A set pair, from `{h, w}` or an hw.
  ///@{
  constexpr optional_hw(index_t h, index_t w) noexcept : value_{h, w}, set_(true) {}
  constexpr optional_hw(hw value) noexcept : value_(value), set_(true) {}  // NOLINT: implicit
  ///@}
  /// True when a value was given.
  constexpr bool has_value() const noexcept { return set_; }
  /// The value if set, else `fallback`.
  constexpr hw value_or(hw fallback) const noexcept { return set_ ? value_ : fallback; }

 private:
  hw value_{};
  bool set_ = false;
};

/// Parameters of a regular sliding-window pooling (SPEC section 2).
///
/// Usable with designated initializers:
/// @code
/// poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};
/// @endcode
struct pool2d_params {
  /// Window size {h, w}; every entry >= 1.
  hw kernel{};
  /// Step between windows; unset means equal to `kernel` (as PyTorch).
  optional_hw stride{};
  /// Padding at the beginning (top, left). Also the end padding unless `padding_end` is set.
  hw padding{};
  /// Padding at the end (bottom, right); unset means equal to `padding`.
  optional_hw padding_end{};
  /// Spacing between window taps; 1 is a dense window.
  hw dilation{1, 1};
  /// Round the output size up instead of down; the last window must still start inside
  /// the input or the begin padding (PyTorch's rule).
  bool ceil_mode = false;
  /// Average pooling: count explicit padding toward the divisor (PyTorch default true;
  /// the ONNX default is false).
  bool count_include_pad = true;
  /// Average pooling: divide by this instead (PyTorch `divisor_override`); must not be 0.
  std::optional<index_t> divisor_override{};

  /// The stride in effect (`kernel` when unset).
  constexpr hw effective_stride() const noexcept { return stride.value_or(kernel); }
  /// The end padding in effect (`padding` when unset).
  constexpr hw effective_padding_end() const noexcept { return padding_end.value_or(padding); }
};

/// One spatial dimension of a pooling, with every default resolved.
struct axis_params {
  index_t kernel;     ///< window taps along this axis
  index_t stride;     ///< step between windows (resolved)
  index_t dilation;   ///< spacing between taps
  index_t pad_begin;  ///< padding before the first element
  index_t pad_end;    ///< padding after the last element (resolved)
  bool ceil_mode;     ///< round the output size up

  /// The span of the window in input elements: dilation * (kernel - 1) + 1.
  constexpr index_t effective_kernel() const noexcept { return dilation * (kernel - 1) + 1; }
};

/// ONNX `auto_pad` modes (TensorFlow's SAME is `same_upper`, VALID is `valid`).
enum class auto_pad {
  /// out = ceil(in / stride); an odd extra pad goes at the end (bottom, right).
  same_upper,
  /// out = ceil(in / stride); an odd extra pad goes at the beginning (top, left).
  same_lower,
  /// No padding.
  valid,
};

/// \}

}  // namespace poolkit

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup params
/// \{

/// The resolved parameters of the height axis (stride and end padding defaults applied).
inline axis_params height_axis(const pool2d_params& p) noexcept {
  return {p.kernel.h,  p.effective_stride().h,      p.dilation.h,
          p.padding.h, p.effective_padding_end().h, p.ceil_mode};
}
/// The resolved parameters of the width axis (stride and end padding defaults applied).
inline axis_params width_axis(const pool2d_params& p) noexcept {
  return {p.kernel.w,  p.effective_stride().w,      p.dilation.w,
          p.padding.w, p.effective_padding_end().w, p.ceil_mode};
}

namespace detail {

/// Checks the parameters that do not depend on the input (SPEC section 2 rules).
inline problem validate_params(std::string_view op, const pool2d_params& p) {
  const hw stride = p.effective_stride();
  const hw pad_end = p.effective_padding_end();
  if (p.kernel.h < 1 || p.kernel.w < 1)
    return describe(op, "kernel", to_text(p.kernel.h, p.kernel.w), "every entry must be >= 1");
  if (stride.h < 1 || stride.w < 1)
    return describe(op, "stride", to_text(stride.h, stride.w), "every entry must be >= 1");
  if (p.dilation.h < 1 || p.dilation.w < 1)
    return describe(op, "dilation", to_text(p.dilation.h, p.dilation.w),
                    "every entry must be >= 1");
  if (p.padding.h < 0 || p.padding.w < 0)
    return describe(op, "padding", to_text(p.padding.h, p.padding.w), "every entry must be >= 0");
  if (pad_end.h < 0 || pad_end.w < 0)
    return describe(op, "padding_end", to_text(pad_end.h, pad_end.w), "every entry must be >= 0");
  const checked_int eff_h = checked_add(checked_mul(p.dilation.h, p.kernel.h - 1), 1);
  const checked_int eff_w = checked_add(checked_mul(p.dilation.w, p.kernel.w - 1), 1);
  if (!eff_h || !eff_w)
    return describe(op, "kernel", to_text(p.kernel.h, p.kernel.w),
                    "dilation * (kernel - 1) + 1 overflows int64 with dilation = " +
                        to_text(p.dilation.h, p.dilation.w));
  const std::string eff_text = " (dilation * (kernel - 1) + 1 = " + to_text(*eff_h, *eff_w) + ")";
  if (p.padding.h >= *eff_h || p.padding.w >= *eff_w)
    return describe(op, "padding", to_text(p.padding.h, p.padding.w),
                    "must be smaller than the effective kernel" + eff_text +
                        ", or a window could lie wholly in padding");
  if (pad_end.h >= *eff_h || pad_end.w >= *eff_w)
    return describe(op, "padding_end", to_text(pad_end.h, pad_end.w),
                    "must be smaller than the effective kernel" + eff_text +
                        ", or a window could lie wholly in padding");
  if (p.divisor_override && *p.divisor_override == 0)
    return describe(op, "divisor_override", "0", "must not be 0");
  return std::nullopt;
}

/// Output size along one axis (PyTorch `pooling_output_shape_pad_lr`), or nothing when
/// an intermediate overflows. May be < 1; the caller reports that.
inline checked_int pooled_size(index_t in, const axis_params& a) noexcept {
  checked_int span =
      checked_sub(checked_add(checked_add(in, a.pad_begin), a.pad_end), a.effective_kernel());
  if (a.ceil_mode) span = checked_add(span, a.stride - 1);
  if (!span) return std::nullopt;
  index_t out = floor_div(*span, a.stride) + 1;
  // The last window must start inside the input or the begin padding. This clip applies
  // even with zero padding (in = 6, k = 1, s = 2, ceil: 3 windows, not 4).
  if (a.ceil_mode && (out - 1) * a.stride >= in + a.pad_begin) --out;
  return out;
}

/// Checks the output size along both axes; `in` are the input's H and W.
inline problem validate_output_size(std::string_view op, hw in, const pool2d_params& p, hw* out) {
  const checked_int oh = pooled_size(in.h, height_axis(p));
  const checked_int ow = pooled_size(in.w, width_axis(p));
  if (!oh || !ow)
    return describe(op, "input size", to_text(in.h, in.w),
                    "the output size computation overflows int64");
  if (*oh < 1 || *ow < 1) {
    return describe(op, "output size", to_text(*oh, *ow),
                    "must be >= 1; the input " + to_text(in.h, in.w) +
                        " plus padding is smaller than the effective kernel");
  }
  *out = {*oh, *ow};
  return std::nullopt;
}

}  // namespace detail

/// Non-throwing pool2d_output_extents(): the extents, or the failure as a status.
inline result<extents4> try_pool2d_output_extents(const extents4& input, const pool2d_params& p) {
  constexpr std::string_view op = "pool2d_output_extents";
  if (auto failure = detail::validate_params(op, p)) return status(*failure);
  if (input[2] < 1 || input[3] < 1)
    return status(detail::describe(op, "input extents", detail::to_text(input),
                                   "height and width must be >= 1"));
  hw out{};
  if (auto failure = detail::validate_output_size(op, {input[2], input[3]}, p, &out))
    return status(*failure);
  return extents4{input[0], input[1], out.h, out.w};
}

/// Non-throwing apply_auto_pad(): the parameters, or the failure as a status.
inline result<pool2d_params> try_apply_auto_pad(pool2d_params p, hw input, auto_pad mode) {
  constexpr std::string_view op = "apply_auto_pad";
  p.padding = {};
  p.padding_end = hw{};
  p.ceil_mode = false;
  if (auto failure = detail::validate_params(op, p)) return status(*failure);
  if (input.h < 1 || input.w < 1)
    return status(detail::describe(op, "input", detail::to_text(input.h, input.w),
                                   "every entry must be >= 1"));
  if (mode == auto_pad::valid) return p;
  // (out - 1) * stride < in, so total < effective_kernel: the pads always pass validation.
  const auto split = [mode](index_t in, const axis_params& a, index_t* begin, index_t* end) {
    const index_t out = detail::ceil_div(in, a.stride);
    const index_t last_start = (out - 1) * a.stride;  // < in, cannot overflow
    const index_t tail = in - last_start;             // input left for the last window, >= 1
    const index_t total = a.effective_kernel() > tail ? a.effective_kernel() - tail : 0;
    *begin = mode == auto_pad::same_upper ? total / 2 : total - total / 2;
    *end = total - *begin;
  };
  hw begin{};
  hw end{};
  split(input.h, height_axis(p), &begin.h, &end.h);
  split(input.w, width_axis(p), &begin.w, &end.w);
  p.padding = begin;
  p.padding_end = end;
  return p;
}

/// The extents of the pooled output for an input of extents `input` (N, C, H, W).
/// Throws poolkit::error for invalid parameters or an output smaller than 1x1.
inline extents4 pool2d_output_extents(const extents4& input, const pool2d_params& p) {
  return detail::value_or_raise(try_pool2d_output_extents(input, p));
}

/// Returns `p` with `padding`, `padding_end` set from `mode` for an input of spatial size
/// `input` ({H, W}) and `ceil_mode` cleared. SAME modes give out = ceil(in / stride),
/// total = max(0, (out - 1) * stride + effective_kernel - in).
/// @throws poolkit::error for invalid parameters or an empty input.
inline pool2d_params apply_auto_pad(pool2d_params p, hw input, auto_pad mode) {
  return detail::value_or_raise(try_apply_auto_pad(p, input, mode));
}

/// \}

POOLKIT_END_NAMESPACE
