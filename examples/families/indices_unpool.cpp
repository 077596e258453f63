// Max pooling with indices and max unpooling: where each maximum came from, PyTorch's
// per-plane indices and ONNX's whole-tensor ones, and the scatter back. SPEC section 2.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <vector>

#include "../show.hpp"

int main() {
  // Two channels of a 4 x 4 image; the second is the first mirrored left to right.
  std::vector<float> v{1, 5, 2, 0, 3, 4, 8, 7, 9, 6, 1, 2, 0, 3, 5, 4,
                       0, 2, 5, 1, 7, 8, 4, 3, 2, 1, 6, 9, 4, 5, 3, 0};
  const poolkit::nchw_view<const float> x(v.data(), {1, 2, 4, 4});

  //! [indices]
  const poolkit::pool2d_params p{.kernel = {2, 2}};
  auto [values, indices] = poolkit::max_pool2d_with_indices(x, p);
  example::show("max values, channel 0", values, 0, 0);
  example::show("indices h * W + w, channel 0 (PyTorch)", indices, 0, 0);
  example::show("indices h * W + w, channel 1 (PyTorch)", indices, 0, 1);
  // ONNX's MaxPool numbers every element of the tensor: ((n * C + c) * H + h) * W + w.
  example::show("indices, channel 1 (ONNX)", poolkit::to_onnx_indices(indices, x.extents()), 0, 1);

  // Unpooling puts each value back where it came from; everything else is 0.
  example::show("max_unpool2d, channel 0", poolkit::max_unpool2d(values, indices, p), 0, 0);
  //! [indices]

  example::show("min_pool2d_with_indices, indices of channel 0",
                poolkit::min_pool2d_with_indices(x, p).indices, 0, 0);

  // An index outside the plane is refused before anything is written.
  indices(0, 0, 1, 1) = 16;
  try {
    poolkit::max_unpool2d(values, indices, p);
  } catch (const poolkit::error& e) {
    std::printf("refused: %s\n", e.what());
  }
  return 0;
}
