// Fractional max pooling (Graham 2014): output sizes that are not an integer fraction of
// the input, with randomly placed regions. PyTorch's form (random samples, fixed kernel)
// and TensorFlow's form (Graham's sequences). SPEC section 6.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <numeric>
#include <vector>

#include "../show.hpp"

namespace {

void show_sequence(const char* name, const std::vector<poolkit::index_t>& s) {
  std::printf("%s:", name);
  for (poolkit::index_t b : s) std::printf(" %lld", static_cast<long long>(b));
  std::printf("\n");
}

}  // namespace

int main() {
  std::vector<float> v(49);
  std::iota(v.begin(), v.end(), 1.0f);  // 1..49 in a 7 x 7 plane
  const poolkit::nchw_view<const float> x(v.data(), {1, 1, 7, 7});

  //! [fractional]
  // PyTorch: 2 x 2 windows, output 5 x 5 from 7 x 7, window starts drawn from a seed
  // (or pass the `_random_samples` tensor PyTorch would use, for its exact numbers).
  auto [values, indices] =
      poolkit::fractional_max_pool2d(x, {.kernel = {2, 2}, .output_size = {5, 5}}, 7);
  example::show("fractional_max_pool2d 2x2 -> 5x5, seed 7", values);

  // TensorFlow / Graham: a pooling ratio; the regions' boundaries are returned.
  const poolkit::fractional_ratio_params ratio{.pooling_ratio = {1.5, 1.5}, .pseudo_random = true};
  const auto tf = poolkit::fractional_max_pool2d(x, ratio, 7);
  show_sequence("row boundaries", tf.sequences.rows);
  show_sequence("column boundaries", tf.sequences.cols);
  example::show("fractional_max_pool2d ratio 1.5, seed 7", tf.values);
  // The same regions again, averaged this time: pass the sequences back.
  example::show("fractional_avg_pool2d, same regions",
                poolkit::fractional_avg_pool2d(x, ratio, tf.sequences).values, 0, 0, 5);
  //! [fractional]
  return 0;
}
