// Regular (sliding-window) pooling: max, average, min and sum with every window option
// PyTorch and ONNX have. SPEC section 2.
#include <poolkit/poolkit.hpp>

#include <numeric>
#include <vector>

#include "../show.hpp"

int main() {
  std::vector<float> v(25);
  std::iota(v.begin(), v.end(), 1.0f);  // 1..25 in a 5 x 5 plane
  const poolkit::nchw_view<const float> x(v.data(), {1, 1, 5, 5});
  example::show("input", poolkit::sum_pool2d(x, {.kernel = {1, 1}}));

  //! [regular]
  // 2 x 2 windows, stride 2 (the default stride is the kernel): 5 x 5 -> 2 x 2.
  example::show("max_pool2d 2x2", poolkit::max_pool2d(x, {.kernel = {2, 2}}));
  // ceil_mode keeps the partial window at the right and bottom edge: 5 x 5 -> 3 x 3.
  example::show("max_pool2d 2x2, ceil_mode",
                poolkit::max_pool2d(x, {.kernel = {2, 2}, .ceil_mode = true}));
  // 3 x 3, stride 1, padding 1: PyTorch's default counts the padding in the divisor...
  const poolkit::pool2d_params same{.kernel = {3, 3}, .stride = {1, 1}, .padding = {1, 1}};
  example::show("avg_pool2d 3x3 pad 1 (count_include_pad)", poolkit::avg_pool2d(x, same), 0, 0, 4);
  // ...ONNX's default does not.
  poolkit::pool2d_params onnx = same;
  onnx.count_include_pad = false;
  example::show("avg_pool2d 3x3 pad 1 (ONNX: count_include_pad = false)",
                poolkit::avg_pool2d(x, onnx), 0, 0, 4);
  //! [regular]

  example::show("min_pool2d 3x3 dilation 2",
                poolkit::min_pool2d(x, {.kernel = {3, 3}, .stride = {1, 1}, .dilation = {2, 2}}));
  example::show("sum_pool2d 2x3 stride (1, 2)",
                poolkit::sum_pool2d(x, {.kernel = {2, 3}, .stride = {1, 2}}));
  example::show("avg_pool2d 2x2, divisor_override 1",
                poolkit::avg_pool2d(x, {.kernel = {2, 2}, .divisor_override = 1}));

  //! [auto_pad]
  // TensorFlow's / ONNX's SAME padding: the output is ceil(in / stride); poolkit computes
  // the (possibly asymmetric) padding for the input size.
  const poolkit::pool2d_params tf_same = poolkit::apply_auto_pad(
      {.kernel = {2, 2}, .stride = {2, 2}}, {5, 5}, poolkit::auto_pad::same_upper);
  const poolkit::extents4 e = poolkit::pool2d_output_extents(x.extents(), tf_same);
  std::printf(
      "SAME_UPPER 2x2 stride 2 on 5x5: padding {%lld, %lld} + {%lld, %lld}, output %lld x %lld\n",
      static_cast<long long>(tf_same.padding.h), static_cast<long long>(tf_same.padding.w),
      static_cast<long long>(tf_same.effective_padding_end().h),
      static_cast<long long>(tf_same.effective_padding_end().w), static_cast<long long>(e[2]),
      static_cast<long long>(e[3]));
  example::show("max_pool2d, SAME_UPPER", poolkit::max_pool2d(x, tf_same));
  //! [auto_pad]
  return 0;
}
