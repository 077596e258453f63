// Stochastic pooling (Zeiler & Fergus 2013): in training each window's output is one of
// its taps, drawn with probability proportional to its value; in inference the
// probability-weighted average. Reproducible from a seed. SPEC section 5.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <vector>

#include "../show.hpp"

int main() {
  // A 5 x 5 map of sparse, non-negative activations (after a ReLU).
  const std::vector<float> v{1.6f, 0,    0, 0, 0, 0, 2.4f, 0, 0, 0, 1.2f, 0,   0,
                             0,    1.6f, 0, 0, 0, 0, 0,    0, 0, 0, 0,    3.0f};
  const poolkit::nchw_view<const float> x(v.data(), {1, 1, 5, 5});
  const poolkit::pool2d_params p{.kernel = {3, 3}, .stride = {2, 2}};

  //! [stochastic]
  // Training: the same seed gives the same draws on every machine, ISA and thread count.
  auto [drawn, which] = poolkit::stochastic_pool2d(x, p, poolkit::stochastic_mode::training, 42);
  example::show("training, seed 42: drawn values", drawn);
  example::show("training, seed 42: drawn taps (h * W + w)", which);
  // Inference: sum x^2 / sum x per window.
  const auto expected =
      poolkit::stochastic_pool2d(x, p, poolkit::stochastic_mode::inference, 0).values;
  example::show("inference", expected, 0, 0, 5);
  //! [stochastic]

  // How often each value is drawn over many seeds, for the top-left window: 1.6, 2.4 and
  // 1.2 in proportion 4 : 6 : 3 (about 308, 462 and 231 in 1000), zeros never.
  int count_16 = 0, count_24 = 0, count_12 = 0;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    const float d = poolkit::stochastic_pool2d(x, p, poolkit::stochastic_mode::training, seed)
                        .values(0, 0, 0, 0);
    count_16 += d == 1.6f;
    count_24 += d == 2.4f;
    count_12 += d == 1.2f;
  }
  std::printf("1000 seeds, top-left window: 1.6 drawn %d times, 2.4 %d times, 1.2 %d times\n",
              count_16, count_24, count_12);
  return 0;
}
