// Fuzz target: fractional max pooling in both families and fractional average pooling,
// with parameters, samples and sequences from the fuzzer (invalid ones must be refused
// with poolkit::error). Every policy must agree with the scalar path bit for bit; the
// PyTorch form is checked against the reference (SPEC section 6).
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 16, 40);
  const auto& x = in.view;
  const auto same_pair = [](const auto& a, const auto& c) {
    return fuzz::same(a.values, c.values) && fuzz::same(a.indices, c.indices);
  };
  const int form = static_cast<int>(b.in(0, 2));
  if (form == 0) {
    poolkit::fractional_max_params p{.kernel = {b.wild_int(1, 4), b.wild_int(1, 4)}};
    if (b.flag())
      p.output_size = {b.wild_int(0, 12), b.wild_int(0, 30)};
    else
      p.output_ratio = {b.real(0.0, 1.2), b.real(0.0, 1.2)};
    poolkit::tensor<T> u({x.extent(0), x.extent(1), 1, 2});
    for (T& s : u.values()) s = b.byte() < 240 ? static_cast<T>(b.byte()) / T(256) : b.value<T>();
    const auto r = fuzz::differential("fractional_max_pool2d(samples)", [&](const poolkit::policy& pol) {
      return poolkit::fractional_max_pool2d(x, p, u, pol);
    }, same_pair);
    if (!r.value) return;
    const auto& y = *r.value;
    fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
      const auto rows = ref::fractional_starts<T>(u(n, c, 0, 1), x.extent(2), y.values.extent(2), p.kernel.h);
      const auto cols = ref::fractional_starts<T>(u(n, c, 0, 0), x.extent(3), y.values.extent(3), p.kernel.w);
      for (index_t oh = 0; oh < y.values.extent(2); ++oh)
        for (index_t ow = 0; ow < y.values.extent(3); ++ow) {
          const auto want = ref::window_one<T>(plane, x.extent(2), x.extent(3), rows[static_cast<std::size_t>(oh)],
                                               cols[static_cast<std::size_t>(ow)], p.kernel.h, p.kernel.w, ref::op::max);
          fuzz::check(fuzz::same(y.values(n, c, oh, ow), want.value) && y.indices(n, c, oh, ow) == want.index,
                      "fractional_max_pool2d differs from the reference");
        }
    });
    return;
  }
  const poolkit::fractional_ratio_params q{.pooling_ratio = {b.real(0.5, 3.0), b.real(0.5, 3.0)},
                                           .pseudo_random = b.flag(), .overlapping = b.flag()};
  std::uint64_t seed = b.byte();
  if (b.flag()) {
    // Sequences from the fuzzer, valid or not.
    poolkit::pooling_sequences s;
    s.rows.resize(static_cast<std::size_t>(b.in(0, 6)));
    s.cols.resize(static_cast<std::size_t>(b.in(0, 6)));
    for (auto& v : s.rows) v = b.wild_int(0, 17);
    for (auto& v : s.cols) v = b.wild_int(0, 41);
    if (form == 1)
      fuzz::differential("fractional_max_pool2d(sequences)", [&](const poolkit::policy& pol) {
        return poolkit::fractional_max_pool2d(x, q, s, pol);
      }, same_pair);
    else
      fuzz::differential("fractional_avg_pool2d(sequences)", [&](const poolkit::policy& pol) {
        return poolkit::fractional_avg_pool2d(x, q, s, pol);
      }, [](const auto& a, const auto& c) { return fuzz::same(a.values, c.values); });
    return;
  }
  if (form == 1)
    fuzz::differential("fractional_max_pool2d(seed)", [&](const poolkit::policy& pol) {
      return poolkit::fractional_max_pool2d(x, q, seed, pol);
    }, same_pair);
  else
    fuzz::differential("fractional_avg_pool2d(seed)", [&](const poolkit::policy& pol) {
      return poolkit::fractional_avg_pool2d(x, q, seed, pol);
    }, [](const auto& a, const auto& c) { return fuzz::same(a.values, c.values); });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
