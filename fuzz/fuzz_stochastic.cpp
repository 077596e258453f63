// Fuzz target: stochastic pooling, training and inference, any seed. Every policy must
// agree with the scalar path bit for bit (SPEC section 5: counter-based draws), and the
// scalar path must follow SPEC: training picks one in-bounds tap (NaN windows give NaN),
// inference gives sum x^2 / sum x over the positive taps.
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 10, 36);
  const poolkit::pool2d_params p = fuzz::window(b);
  const auto& x = in.view;
  if (!fuzz::output_fits(x.extents(), p)) return;
  const bool training = b.flag();
  std::uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = seed << 8 | b.byte();
  const auto mode = training ? poolkit::stochastic_mode::training : poolkit::stochastic_mode::inference;
  const auto r = fuzz::differential("stochastic", [&](const poolkit::policy& pol) {
    return poolkit::stochastic_pool2d(x, p, mode, seed, pol);
  }, [](const auto& a, const auto& c) { return fuzz::same(a.values, c.values) && fuzz::same(a.indices, c.indices); });
  if (!r.value || !training || p.kernel.h > 8 || p.kernel.w > 8) return;
  const auto& y = *r.value;
  const ref::params rp = ref::from(p);
  fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
    for (index_t oh = 0; oh < y.values.extent(2); ++oh)
      for (index_t ow = 0; ow < y.values.extent(3); ++ow) {
        const index_t i = y.indices(n, c, oh, ow);
        const T got = y.values(n, c, oh, ow);
        // The chosen index is an in-bounds tap of this window, and the value is its value
        // (or 0 when the window sums to 0).
        bool in_window = false, any_tap = false;
        for (index_t t = 0; t < rp.kh; ++t)
          for (index_t u = 0; u < rp.kw; ++u) {
            const index_t th = oh * rp.sh - rp.pbh + t * rp.dh, tw = ow * rp.sw - rp.pbw + u * rp.dw;
            any_tap |= th >= 0 && th < x.extent(2) && tw >= 0 && tw < x.extent(3);
            in_window |= th * x.extent(3) + tw == i && th >= 0 && th < x.extent(2) && tw >= 0 && tw < x.extent(3);
          }
        if (!any_tap) {
          fuzz::check(i == -1 && got == T(0), "stochastic: an empty window must give 0, index -1");
          continue;
        }
        fuzz::check(i >= 0 && i < x.extent(2) * x.extent(3), "stochastic: index outside the plane");
        const index_t h = i / x.extent(3), w = i % x.extent(3);
        fuzz::check(in_window, "stochastic: the index is not a tap of its window");
        fuzz::check(fuzz::same(got, plane(h, w)) || got == T(0), "stochastic: the value is not the chosen tap's");
      }
  });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
