// Fuzz target: stochastic pooling, training and inference, any seed. Every policy must
// agree with the scalar path bit for bit (SPEC section 5: counter-based draws), and the
// scalar path must follow SPEC in both modes: where the reference's unscaled double sums
// are exact enough (every finite nonzero |tap| in [1e-100, 1e100]), training equals the
// reference's draw (value and index) for the uniform the documented counter gives, and
// inference equals sum x^2 / sum x over the positive taps within 4 ulp; elsewhere (huge
// or tiny taps, which poolkit rescales and the reference does not) training picks a
// positive tap of its window, and inference lies between the smallest and the largest
// positive tap (up to rounding). An empty or all-non-positive window gives 0.
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

/// SPEC section 5's uniform from the draw's first two words: (w0:w1 >> 11) / 2^53,
/// written here from the README's formula (not the library's unit_double).
double uniform_of(std::uint32_t w0, std::uint32_t w1) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(w0) << 32 | w1) >> 11;
  return static_cast<double>(bits) / 9007199254740992.0;
}

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 10, 36);
  const poolkit::pool2d_params p = fuzz::window(b);
  const auto& x = in.view;
  if (!fuzz::output_fits(x.extents(), p)) return;
  const bool training = b.flag();
  std::uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = seed << 8 | b.byte();
  fuzz::describe_case(std::string("stochastic_pool2d ") + (training ? "training" : "inference") +
                      ", seed " + std::to_string(seed) + "; " + fuzz::text(x) + "; " +
                      fuzz::text(p));
  const auto mode =
      training ? poolkit::stochastic_mode::training : poolkit::stochastic_mode::inference;
  const auto r = fuzz::differential(
      "stochastic",
      [&](const poolkit::policy& pol) { return poolkit::stochastic_pool2d(x, p, mode, seed, pol); },
      [](const auto& a, const auto& c) {
        return fuzz::same(a.values, c.values) && fuzz::same(a.indices, c.indices);
      });
  if (!r.value || p.kernel.h > 8 || p.kernel.w > 8) return;
  const auto& y = *r.value;
  const index_t OH = y.values.extent(2), OW = y.values.extent(3);
  const ref::params rp = ref::from(p);
  fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
    for (index_t oh = 0; oh < OH; ++oh)
      for (index_t ow = 0; ow < OW; ++ow) {
        const T got = y.values(n, c, oh, ow);
        const index_t got_index = training ? y.indices(n, c, oh, ow) : -1;
        const auto where = [&] {
          return "at (" + std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(oh) +
                 ", " + std::to_string(ow) + "): got " + fuzz::text(got) + " index " +
                 std::to_string(got_index) + "; " +
                 fuzz::window_text(plane, x.extent(2), x.extent(3), oh, ow, rp);
        };
        // The window's in-bounds taps, and whether the reference's plain double sums hold.
        bool any_tap = false, moderate = true, any_nan = false, any_positive = false;
        T smallest = std::numeric_limits<T>::infinity(), largest = T(0);
        for (index_t t = 0; t < rp.kh; ++t)
          for (index_t u = 0; u < rp.kw; ++u) {
            const index_t th = oh * rp.sh - rp.pbh + t * rp.dh,
                          tw = ow * rp.sw - rp.pbw + u * rp.dw;
            if (th < 0 || th >= x.extent(2) || tw < 0 || tw >= x.extent(3)) continue;
            any_tap = true;
            const T v = plane(th, tw);
            any_nan |= std::isnan(v);
            const T a = std::fabs(v);
            if (std::isfinite(a) && a != T(0) && (a < T(1e-100L) || a > T(1e100L)))
              moderate = false;
            if (v > T(0)) {
              any_positive = true;
              smallest = std::min(smallest, v);
              largest = std::max(largest, v);
            }
          }
        if (!any_tap) {
          if (got != T(0) || got_index != -1)
            fuzz::fail("stochastic: an empty window must give 0, index -1 " + where());
          continue;
        }
        if (!any_positive && !any_nan) {
          // Nothing carries probability: 0 (training: the first in-bounds tap's index).
          if (got != T(0))
            fuzz::fail("stochastic: a window without a positive tap must give 0 " + where());
        }
        const index_t flat = ((n * x.extent(1) + c) * OH + oh) * OW + ow;
        const auto w = poolkit::random::draw(seed, poolkit::random::stream::stochastic_pool,
                                             static_cast<std::uint64_t>(flat));
        if (moderate) {
          const auto want = ref::stochastic_one<T>(plane, x.extent(2), x.extent(3), oh, ow, rp,
                                                   training, uniform_of(w[0], w[1]));
          if (training) {
            if (!fuzz::same(got, want.value) || got_index != want.index)
              fuzz::fail("stochastic training differs from the reference's draw (want " +
                         fuzz::text(want.value) + " index " + std::to_string(want.index) + ") " +
                         where());
          } else if (std::isnan(want.value) || std::isinf(want.value) || want.value == T(0)) {
            if (!fuzz::same(got, want.value))
              fuzz::fail("stochastic inference differs from the reference (want " +
                         fuzz::text(want.value) + ") " + where());
          } else {
            const T tolerance = 4 * std::numeric_limits<T>::epsilon() * want.value;
            if (!(std::fabs(got - want.value) <= tolerance))
              fuzz::fail("stochastic inference beyond 4 ulp of sum x^2 / sum x = " +
                         fuzz::text(want.value) + " " + where());
          }
          continue;
        }
        // Huge or tiny taps: the properties that hold whatever the rounding.
        if (any_nan) {
          if (!std::isnan(got)) fuzz::fail("stochastic: a NaN tap must give NaN " + where());
          continue;
        }
        if (!any_positive) continue;  // checked above: 0
        if (training) {
          const index_t h = got_index / std::max<index_t>(x.extent(3), 1),
                        v = got_index % std::max<index_t>(x.extent(3), 1);
          if (got_index < 0 || got_index >= x.extent(2) * x.extent(3))
            fuzz::fail("stochastic: index outside the plane " + where());
          if (!fuzz::same(got, plane(h, v)))
            fuzz::fail("stochastic: the value is not the chosen tap's " + where());
          if (!(got > T(0)))
            fuzz::fail("stochastic: a window with positive taps drew a non-positive one " +
                       where());
        } else {
          // A weighted mean of the positive taps, up to the rounding of two sums of at
          // most kh * kw terms and a division.
          const T slack = T(2 * rp.kh * rp.kw + 2) * std::numeric_limits<T>::epsilon();
          if (!(got >= smallest * (T(1) - slack) && got <= largest * (T(1) + slack)))
            fuzz::fail("stochastic inference outside [smallest, largest] positive tap " + where());
        }
      }
  });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
