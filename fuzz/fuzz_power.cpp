// Fuzz target: the power family (lp, l2, power-average) with any exponent, including
// invalid ones (p <= 0, NaN). Every policy must agree with the scalar path bit for bit;
// the scalar path must be within SPEC's 1e-5 (float) of the long double reference for
// p in [0.5, 64] and exact max|x| for p = inf.
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 10, 36);
  const poolkit::pool2d_params p = fuzz::window(b);
  const auto& x = in.view;
  if (!fuzz::output_fits(x.extents(), p)) return;
  const int op = static_cast<int>(b.in(0, 2));
  const double power = op == 1 ? 2.0 : b.real(0.25, 70.0);
  const char* names[] = {"lp_pool2d", "l2_pool2d", "power_avg_pool2d"};
  fuzz::describe_case(std::string(names[op]) + " p = " + fuzz::text(power) + "; " + fuzz::text(x) +
                      "; " + fuzz::text(p));
  const auto r = fuzz::differential(
      "power",
      [&](const poolkit::policy& pol) {
        switch (op) {
          case 0: return poolkit::lp_pool2d(x, power, p, pol);
          case 1: return poolkit::l2_pool2d(x, p, pol);
          default: return poolkit::power_avg_pool2d(x, power, p, pol);
        }
      },
      [](const poolkit::tensor<T>& a, const poolkit::tensor<T>& c) { return fuzz::same(a, c); });
  // The exponent is checked first: an invalid one is always the reason given.
  const bool exponent_named = r.error.find(": p = ") != std::string::npos;
  fuzz::check(op == 1 || (power > 0) != exponent_named, "power: wrong verdict on p: " + r.error);
  if (!r.value) return;
  if (p.kernel.h > 8 || p.kernel.w > 8 || !((power >= 0.5 && power <= 64) || std::isinf(power)))
    return;
  const auto& y = *r.value;
  const ref::params rp = ref::from(p);
  const long double tolerance = std::is_same_v<T, float> ? 1e-5L : 1e-12L;
  fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
    for (index_t oh = 0; oh < y.extent(2); ++oh)
      for (index_t ow = 0; ow < y.extent(3); ++ow) {
        const long double want = ref::power_one<T>(plane, x.extent(2), x.extent(3), oh, ow, rp,
                                                   static_cast<long double>(power), op == 2);
        const T got = y(n, c, oh, ow);
        const T want_t = static_cast<T>(want);
        const auto where = [&] {
          return fuzz::mismatch(n, c, oh, ow, got, want_t) + " (long double " + fuzz::text(want) +
                 "); " + fuzz::window_text(plane, x.extent(2), x.extent(3), oh, ow, rp);
        };
        if (std::isnan(want_t) || std::isinf(want_t) || std::isinf(power)) {
          if (!fuzz::same(got, want_t))
            fuzz::fail("power: differs from the reference (special value) " + where());
          continue;
        }
        const long double error = std::fabs(static_cast<long double>(got) - want);
        if (!(error <= tolerance * want +
                           4 * static_cast<long double>(std::numeric_limits<T>::denorm_min())))
          fuzz::fail("power: beyond SPEC's tolerance of the reference " + where());
      }
  });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
