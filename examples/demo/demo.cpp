// poolkit demo: every pooling operation on one picture, side by side.
//
//   demo                          the built-in picture (drawn in code), writes poolkit_demo.png
//   demo photo.jpg [-o sheet.png]  any PNG or JPEG (decoded with stb_image)
//
// Prints the seed documents' 4x4 examples, then each operation with its time, and writes
// one contact sheet: the input and every result, labelled, scaled to the same tile size.
#include <poolkit/poolkit.hpp>
#if POOLKIT_DEMO_WITH_EIGEN
#include <poolkit/ops/bilateral.hpp>
#endif

#include <stb_easy_font.h>
#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "../show.hpp"

namespace {

using poolkit::index_t;
using poolkit::tensor;

// ---- pictures ---------------------------------------------------------------------

/// The built-in picture, 3 x 192 x 256 in [0, 1]: sky, sun, hills, a checkered field and
/// fine stripes: smooth areas, hard edges and fine texture, which pooling treats
/// differently.
tensor<float> built_in_picture() {
  const index_t H = 192, W = 256;
  tensor<float> x({1, 3, H, W});
  std::uint32_t noise = 12345;
  for (index_t h = 0; h < H; ++h)
    for (index_t w = 0; w < W; ++w) {
      const float fh = static_cast<float>(h) / static_cast<float>(H);
      const float fw = static_cast<float>(w) / static_cast<float>(W);
      float r = 0.35f + 0.3f * fh, g = 0.55f + 0.3f * fh, b = 0.95f;  // sky
      const float dx = fw - 0.75f, dy = fh - 0.22f;
      if (dx * dx + dy * dy < 0.012f) r = 1.0f, g = 0.85f, b = 0.3f;  // sun
      const float hill = 0.55f + 0.08f * std::sin(fw * 9.0f);
      if (fh > hill) {  // hills with stripes
        r = 0.2f, g = 0.55f + 0.2f * std::sin(static_cast<float>(w + h) * 0.8f), b = 0.2f;
      }
      if (fh > 0.8f) {  // checkered field
        const bool dark = ((h / 8) + (w / 8)) % 2 == 0;
        r = dark ? 0.45f : 0.85f, g = dark ? 0.3f : 0.7f, b = dark ? 0.15f : 0.5f;
      }
      noise = noise * 1664525u + 1013904223u;  // a little grain
      const float grain = (static_cast<float>(noise >> 24) / 255.0f - 0.5f) * 0.06f;
      x(0, 0, h, w) = std::clamp(r + grain, 0.0f, 1.0f);
      x(0, 1, h, w) = std::clamp(g + grain, 0.0f, 1.0f);
      x(0, 2, h, w) = std::clamp(b + grain, 0.0f, 1.0f);
    }
  return x;
}

/// A PNG/JPEG file as 1 x 3 x H x W in [0, 1]; large pictures are average-pooled (with
/// poolkit) until the longer side is at most 512.
tensor<float> load_picture(const char* path) {
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(path, &w, &h, &channels, 3);
  if (pixels == nullptr) {
    std::fprintf(stderr, "demo: cannot read %s: %s\n", path, stbi_failure_reason());
    std::exit(1);
  }
  tensor<float> x({1, 3, h, w});
  for (index_t y = 0; y < h; ++y)
    for (index_t xw = 0; xw < w; ++xw)
      for (index_t c = 0; c < 3; ++c)
        x(0, c, y, xw) = static_cast<float>(pixels[(y * w + xw) * 3 + c]) / 255.0f;
  stbi_image_free(pixels);
  while (std::max(x.extent(2), x.extent(3)) > 512)
    x = poolkit::avg_pool2d(x, {.kernel = {2, 2}, .ceil_mode = true});
  return x;
}

// ---- the contact sheet ----------------------------------------------------------------

constexpr int tile = 256;  // each picture fits a tile x tile square
constexpr int label = 22;  // label band above each tile
constexpr int columns = 5;

struct sheet {
  int width, height;
  std::vector<unsigned char> rgb;

  explicit sheet(int tiles)
      : width(columns * (tile + 8) + 8),
        height(((tiles + columns - 1) / columns) * (tile + label + 8) + 8),
        rgb(static_cast<std::size_t>(width * height * 3), 40) {}

  void put(int x, int y, float r, float g, float b) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    unsigned char* p = &rgb[static_cast<std::size_t>((y * width + x) * 3)];
    const auto to_byte = [](float v) {
      return static_cast<unsigned char>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
    };
    p[0] = to_byte(r), p[1] = to_byte(g), p[2] = to_byte(b);
  }

  /// Text with stb_easy_font's quads, scaled 2x.
  void text(int x, int y, const std::string& s) {
    // stb_easy_font needs up to ~10 quads (64 bytes each) per character; a short buffer
    // silently cuts the label.
    std::vector<char> buffer(s.size() * 1024 + 1024);
    const int quads = stb_easy_font_print(0, 0, const_cast<char*>(s.c_str()), nullptr,
                                          buffer.data(), static_cast<int>(buffer.size()));
    const auto* v = reinterpret_cast<const float*>(buffer.data());  // x, y, z, colour
    for (int q = 0; q < quads; ++q) {
      const float* quad = v + q * 16;
      const auto at = [](float coordinate) {
        return static_cast<int>(std::lround(coordinate * 2));
      };
      const int x0 = at(quad[0]), y0 = at(quad[1]), x1 = at(quad[8]), y1 = at(quad[9]);
      for (int yy = y0; yy < y1; ++yy)
        for (int xx = x0; xx < x1; ++xx) put(x + xx, y + yy, 0.95f, 0.95f, 0.95f);
    }
  }

  /// A picture (channels 0-2 of image 0, values mapped from [lo, hi]) scaled by nearest
  /// neighbour into tile number `index`, with its label.
  void picture(int index, const std::string& name, const tensor<float>& y, float lo, float hi) {
    const int col = index % columns, row = index / columns;
    const int x0 = 8 + col * (tile + 8), y0 = 8 + row * (tile + label + 8);
    text(x0, y0 + 2, name);
    const auto H = static_cast<int>(y.extent(2)), W = static_cast<int>(y.extent(3));
    const double scale = std::min(static_cast<double>(tile) / W, static_cast<double>(tile) / H);
    const int tw = std::max(1, static_cast<int>(W * scale)),
              th = std::max(1, static_cast<int>(H * scale));
    const auto channel = [&](index_t c, index_t h, index_t w) {
      const float v = y(0, std::min<index_t>(c, y.extent(1) - 1), h, w);
      return std::isfinite(v) ? (v - lo) / (hi - lo) : 1.0f;
    };
    for (int ty = 0; ty < th; ++ty)
      for (int tx = 0; tx < tw; ++tx) {
        const index_t h = std::min<index_t>(H - 1, static_cast<index_t>(ty / scale));
        const index_t w = std::min<index_t>(W - 1, static_cast<index_t>(tx / scale));
        put(x0 + tx, y0 + label + ty, channel(0, h, w), channel(1, h, w), channel(2, h, w));
      }
  }
};

/// Smallest and largest finite value of a tensor.
std::pair<float, float> range_of(const tensor<float>& y) {
  float lo = INFINITY, hi = -INFINITY;
  for (float v : y.values())
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(hi > lo)) hi = lo + 1;
  return {lo, hi};
}

// ---- the operations ---------------------------------------------------------------------

struct operation {
  std::string name;
  std::function<tensor<float>(const tensor<float>&)> run;
  bool unit_range;  // the result stays in the input's [0, 1]; else stretched to its range
};

std::vector<operation> operations() {
  using namespace poolkit;
  const pool2d_params k4{.kernel = {4, 4}};
  const pool2d_params k8{.kernel = {8, 8}};
  return {
    {"max 4x4", [=](const tensor<float>& x) { return max_pool2d(x, k4); }, true},
        {"avg 4x4", [=](const tensor<float>& x) { return avg_pool2d(x, k4); }, true},
        {"min 4x4", [=](const tensor<float>& x) { return min_pool2d(x, k4); }, true},
        {"sum 4x4", [=](const tensor<float>& x) { return sum_pool2d(x, k4); }, false},
        {"max 8x8", [=](const tensor<float>& x) { return max_pool2d(x, k8); }, true},
        {"max 3x3 s1 dil 3",
         [](const tensor<float>& x) {
           return max_pool2d(x, {.kernel = {3, 3}, .stride = {1, 1}, .dilation = {3, 3}});
         },
         true},
        {"L2 4x4", [=](const tensor<float>& x) { return l2_pool2d(x, k4); }, false},
        {"Lp p=8 4x4", [=](const tensor<float>& x) { return lp_pool2d(x, 8.0, k4); }, false},
        {"power-avg p=3 4x4", [=](const tensor<float>& x) { return power_avg_pool2d(x, 3.0, k4); },
         true},
        {"adaptive max 12x16",
         [](const tensor<float>& x) {
           return adaptive_max_pool2d(x, {12, 16});
         },
         true},
        {"adaptive avg 6x8",
         [](const tensor<float>& x) {
           return adaptive_avg_pool2d(x, {6, 8});
         },
         true},
        {"global avg", [](const tensor<float>& x) { return global_avg_pool2d(x); }, true},
        {"SPP level 4 (max)",
         [](const tensor<float>& x) {
           // The pyramid {1, 2, 4} as one vector per image; its finest level shown as 4x4.
           const auto v = spatial_pyramid_pool2d(x, {1, 2, 4});
           tensor<float> level({1, x.extent(1), 4, 4});
           const index_t C = x.extent(1);
           for (index_t c = 0; c < C; ++c)
             for (index_t i = 0; i < 16; ++i)
               level(0, c, i / 4, i % 4) = v(0, C * (1 + 4) + c * 16 + i, 0, 0);
           return level;
         },
         true},
        {"stochastic train 4x4",
         [=](const tensor<float>& x) {
           return stochastic_pool2d(x, k4, stochastic_mode::training, 7).values;
         },
         true},
        {"stochastic infer 4x4",
         [=](const tensor<float>& x) {
           return stochastic_pool2d(x, k4, stochastic_mode::inference, 7).values;
         },
         true},
        {"fractional max /2.7",
         [](const tensor<float>& x) {
           return fractional_max_pool2d(
                      x, fractional_max_params{.kernel = {2, 2}, .output_ratio = {0.37, 0.37}}, 7)
               .values;
         },
         true},
        {"fractional avg (TF) /2.7",
         [](const tensor<float>& x) {
           return fractional_avg_pool2d(
                      x, fractional_ratio_params{.pooling_ratio = {2.7, 2.7}, .overlapping = true},
                      7)
               .values;
         },
         true},
        {"unpool(max 4x4)",
         [=](const tensor<float>& x) {
           const auto r = max_pool2d_with_indices(x, k4);
           return max_unpool2d(r.values, r.indices, hw{x.extent(2), x.extent(3)});
         },
         true},
#if POOLKIT_DEMO_WITH_EIGEN
        {"bilateral 4x4 diag",
         [=](const tensor<float>& x) {
           // Each window's 3x3 colour second moment; shown: its diagonal (mean squares).
           const auto m = bilateral_pool2d(x, k4, {.sigma_r = 0.2});
           tensor<float> d({1, 3, m.extent(2), m.extent(3)});
           for (index_t c = 0; c < 3; ++c)
             for (index_t h = 0; h < m.extent(2); ++h)
               for (index_t w = 0; w < m.extent(3); ++w)
                 d(0, c, h, w) = std::sqrt(m(0, c * 3 + c, h, w));
           return d;
         },
         true},
        {"covariance 8x8 (trace)",
         [=](const tensor<float>& x) {
           const auto m = bilateral_pool2d(x, k8, {.centering = true});
           tensor<float> d({1, 1, m.extent(2), m.extent(3)});
           for (index_t h = 0; h < m.extent(2); ++h)
             for (index_t w = 0; w < m.extent(3); ++w)
               d(0, 0, h, w) = std::sqrt(m(0, 0, h, w) + m(0, 4, h, w) + m(0, 8, h, w));
           return d;
         },
         false},
#endif
  };
}

void seed_examples() {
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), 1.0f);
  const poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});
  const poolkit::pool2d_params k2{.kernel = {2, 2}};
  std::printf("The seed examples (SPEC section 2), input 1..16 in a 4x4 grid:\n");
  example::show("max_pool2d 2x2", poolkit::max_pool2d(x, k2));
  example::show("avg_pool2d 2x2", poolkit::avg_pool2d(x, k2));
  example::show("min_pool2d 2x2", poolkit::min_pool2d(x, k2));
  example::show("sum_pool2d 2x2", poolkit::sum_pool2d(x, k2));
  const std::vector<float> t{6, 9, 9, 2, 6, 9, 6, 0, 8, 3, 4, 5, 9, 2, 3, 5};
  const poolkit::nchw_view<const float> tx(t.data(), {1, 1, 4, 4});
  example::show("tutorial input, max_pool2d 2x2", poolkit::max_pool2d(tx, k2));
  example::show("tutorial input, avg_pool2d 2x2", poolkit::avg_pool2d(tx, k2));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const char* picture = nullptr;         // none: the built-in picture
  const char* out = "poolkit_demo.png";  // -o changes it
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "-h" || arg == "--help" || arg[0] == '-' || picture != nullptr) {
      std::printf("usage: %s [picture.png|.jpg] [-o sheet.png]\n", argv[0]);
      return arg == "-h" || arg == "--help" ? 0 : 2;
    } else {
      picture = argv[i];
    }
  }
  seed_examples();
  const tensor<float> x = picture != nullptr ? load_picture(picture) : built_in_picture();
  std::printf("picture %s: %lld x %lld, 3 channels\n", picture != nullptr ? picture : "(built in)",
              static_cast<long long>(x.extent(3)), static_cast<long long>(x.extent(2)));

  const auto ops = operations();
  sheet s(static_cast<int>(ops.size()) + 1);
  s.picture(0, "input", x, 0.0f, 1.0f);
  int index = 1;
  for (const operation& op : ops) {
    const auto t0 = std::chrono::steady_clock::now();
    const tensor<float> y = op.run(x);
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("[%2d/%zu] %-26s -> %4lld x %-4lld %8.3f ms\n", index, ops.size(), op.name.c_str(),
                static_cast<long long>(y.extent(3)), static_cast<long long>(y.extent(2)),
                std::chrono::duration<double, std::milli>(t1 - t0).count());
    std::fflush(stdout);  // progress as it goes, also through a pipe
    const auto [lo, hi] = op.unit_range ? std::pair<float, float>{0.0f, 1.0f} : range_of(y);
    s.picture(index++, op.name, y, lo, hi);
  }
  if (stbi_write_png(out, s.width, s.height, 3, s.rgb.data(), s.width * 3) == 0) {
    std::fprintf(stderr, "demo: cannot write %s\n", out);
    return 1;
  }
  std::printf("contact sheet: %s (%d x %d)\n", out, s.width, s.height);
  return 0;
}
