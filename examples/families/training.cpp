// Training through poolkit's backward passes (SPEC section 9): a forward pass (scale,
// max pooling with indices, average pooling, global average), a squared-error loss, the
// gradients back through each pooling, and an SGD step, repeated. The gradients are
// deterministic: the same bits on every instruction set and thread count.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <tuple>
#include <vector>

int main() {
  // Four samples of two 8 x 8 channels; the target is each channel's pooled value x 0.5
  // for channel 0 and x 2 for channel 1, so the scales to learn are 0.5 and 2.
  constexpr poolkit::index_t N = 4, C = 2, H = 8, W = 8;
  poolkit::tensor<float> x({N, C, H, W});
  for (poolkit::index_t i = 0; i < x.size(); ++i)
    x.data_handle()[i] = static_cast<float>((i * 37) % 23) / 11.0f - 0.5f;
  const poolkit::pool2d_params max_window{.kernel = {2, 2}};  // 8 -> 4
  const poolkit::pool2d_params avg_window{.kernel = {3, 3},
                                          .stride = {1, 1},  // 4 -> 4
                                          .padding = {1, 1},
                                          .count_include_pad = false};
  const std::vector<float> truth{0.5f, 2.0f};

  //! [training]
  // The forward pass of the model: z = global_avg(avg_pool(max_pool(scale_c * x))).
  const auto forward = [&](const std::vector<float>& scale) {
    poolkit::tensor<float> s({N, C, H, W});
    for (poolkit::index_t n = 0; n < N; ++n)
      for (poolkit::index_t c = 0; c < C; ++c)
        for (poolkit::index_t h = 0; h < H; ++h)
          for (poolkit::index_t w = 0; w < W; ++w)
            s(n, c, h, w) = scale[static_cast<std::size_t>(c)] * x(n, c, h, w);
    auto pooled = poolkit::max_pool2d_with_indices(s, max_window);
    auto smooth = poolkit::avg_pool2d(pooled.values, avg_window);
    auto z = poolkit::global_avg_pool2d(smooth);
    return std::tuple{std::move(pooled.indices), std::move(z)};
  };
  const auto target = std::get<1>(forward(truth));

  std::vector<float> scale{1.0f, 1.0f};
  const float learning_rate = 0.05f;
  for (int step = 0; step <= 60; ++step) {
    auto [indices, z] = forward(scale);
    // Loss = mean over samples and channels of (z - target)^2, and its gradient dz.
    poolkit::tensor<float> dz(z.extents());
    float loss = 0;
    for (poolkit::index_t i = 0; i < z.size(); ++i) {
      const float d = z.data_handle()[i] - target.data_handle()[i];
      loss += d * d / static_cast<float>(z.size());
      dz.data_handle()[i] = 2 * d / static_cast<float>(z.size());
    }
    // Back through the three poolings, in reverse order.
    const auto d_smooth = poolkit::global_avg_pool2d_backward(dz, {4, 4});
    const auto d_pooled = poolkit::avg_pool2d_backward(d_smooth, {4, 4}, avg_window);
    const auto d_scaled = poolkit::max_pool2d_backward(d_pooled, indices, {H, W});
    // d loss / d scale_c = sum over the channel of d_scaled * x; then an SGD step.
    std::vector<float> grad(C, 0.0f);
    for (poolkit::index_t n = 0; n < N; ++n)
      for (poolkit::index_t c = 0; c < C; ++c)
        for (poolkit::index_t h = 0; h < H; ++h)
          for (poolkit::index_t w = 0; w < W; ++w)
            grad[static_cast<std::size_t>(c)] += d_scaled(n, c, h, w) * x(n, c, h, w);
    for (std::size_t c = 0; c < scale.size(); ++c) scale[c] -= learning_rate * grad[c];
    if (step % 10 == 0)
      std::printf("step %2d  loss %.3e  scales %.4f %.4f\n", step, static_cast<double>(loss),
                  static_cast<double>(scale[0]), static_cast<double>(scale[1]));
  }
  //! [training]
  return 0;
}
