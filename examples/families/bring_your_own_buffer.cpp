// Bring your own buffer: poolkit reads and writes memory it does not own through strided
// views, with no copy. Here an interleaved RGB image (HWC, as image decoders give it) is
// pooled in place as NCHW, and the result lands inside a larger, padded canvas.
#include <poolkit/poolkit.hpp>

#include <cstdio>
#include <vector>

int main() {
  const poolkit::index_t H = 4, W = 6, C = 3;
  std::vector<float> hwc(static_cast<std::size_t>(H * W * C));  // r g b r g b ...
  for (poolkit::index_t h = 0; h < H; ++h)
    for (poolkit::index_t w = 0; w < W; ++w)
      for (poolkit::index_t c = 0; c < C; ++c)
        hwc[static_cast<std::size_t>((h * W + w) * C + c)] =
            static_cast<float>(100 * c + 10 * h + w);

  //! [view]
  // NCHW view of HWC memory: strides in elements for n, c, h, w.
  const poolkit::nchw_view<const float> x(hwc.data(), {1, C, H, W}, {H * W * C, 1, W * C, C});

  // Output: a 2 x 3 result per channel, written into the middle of a 4 x 5 canvas per
  // channel (one pixel of border), contiguous NCHW canvas.
  const poolkit::index_t CH = 4, CW = 5;
  std::vector<float> canvas(static_cast<std::size_t>(C * CH * CW), -1.0f);
  const poolkit::nchw_view<float> y(canvas.data() + CW + 1, {1, C, 2, 3},
                                    {C * CH * CW, CH * CW, CW, 1});
  poolkit::max_pool2d(x, y, {.kernel = {2, 2}});
  //! [view]

  for (poolkit::index_t c = 0; c < C; ++c) {
    std::printf("channel %lld of the canvas:\n", static_cast<long long>(c));
    for (poolkit::index_t r = 0; r < CH; ++r) {
      for (poolkit::index_t q = 0; q < CW; ++q)
        std::printf("%6g",
                    static_cast<double>(canvas[static_cast<std::size_t>((c * CH + r) * CW + q)]));
      std::printf("\n");
    }
  }

  // A view that would write over its own input is refused, and nothing is written.
  try {
    const poolkit::nchw_view<float> overlapping(hwc.data(), {1, C, 2, 3});
    poolkit::max_pool2d(x, overlapping, {.kernel = {2, 2}});
  } catch (const poolkit::error& e) {
    std::printf("refused: %s\n", e.what());
  }
  return 0;
}
