// Fuzz target: fractional max pooling in both families and fractional average pooling,
// with parameters, samples and sequences from the fuzzer (invalid ones must be refused
// with poolkit::error). Every policy must agree with the scalar path bit for bit; both
// families are checked against the reference (SPEC section 6): the PyTorch form over the
// reference's own window starts, the Graham form over the regions its sequences give.
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

/// Graham / TensorFlow regions from the sequences a call returned or was given (SPEC
/// section 6: [a_i, a_{i+1} - 1], or [a_i, a_{i+1}] clipped when overlapping), each folded
/// by the reference: max values and indices, or averages.
template <class T, class Values>
void check_graham(const poolkit::nchw_view<const T>& x, const poolkit::pooling_sequences& s,
                  bool overlapping, const Values& values, const poolkit::tensor<index_t>* indices) {
  const auto region = [&](const std::vector<index_t>& a, index_t i, index_t size) {
    const auto at = [&](index_t k) { return a[static_cast<std::size_t>(k)]; };
    const index_t last = std::min(overlapping ? at(i + 1) : at(i + 1) - 1, size - 1);
    return std::pair<index_t, index_t>{at(i), last - at(i) + 1};
  };
  fuzz::check(values.extent(2) == static_cast<index_t>(s.rows.size()) - 1 &&
                  values.extent(3) == static_cast<index_t>(s.cols.size()) - 1,
              "fractional (Graham): output extents " + fuzz::text(values.extents()) +
                  " do not follow the sequences " + fuzz::text(s.rows) + " " + fuzz::text(s.cols));
  fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
    for (index_t oh = 0; oh < values.extent(2); ++oh)
      for (index_t ow = 0; ow < values.extent(3); ++ow) {
        const auto [h0, kh] = region(s.rows, oh, x.extent(2));
        const auto [w0, kw] = region(s.cols, ow, x.extent(3));
        const auto want = ref::window_one<T>(plane, x.extent(2), x.extent(3), h0, w0, kh, kw,
                                             indices ? ref::op::max : ref::op::avg);
        const T got = values(n, c, oh, ow);
        const bool index_ok = !indices || (*indices)(n, c, oh, ow) == want.index;
        if (!fuzz::same(got, want.value) || !index_ok)
          fuzz::fail("fractional (Graham) differs from the reference " +
                     fuzz::mismatch(n, c, oh, ow, got, want.value) +
                     (indices ? ", index " + std::to_string((*indices)(n, c, oh, ow)) + " want " +
                                    std::to_string(want.index)
                              : std::string()) +
                     "; sequences " + fuzz::text(s.rows) + " " + fuzz::text(s.cols) + "; " +
                     fuzz::region_text(plane, h0, w0, kh, kw));
      }
  });
}

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 16, 40);
  const auto& x = in.view;
  const auto same_pair = [](const auto& a, const auto& c) {
    return fuzz::same(a.values, c.values) && fuzz::same(a.indices, c.indices);
  };
  const int form = static_cast<int>(b.in(0, 2));
  fuzz::describe_case(std::string(form == 0   ? "fractional_max_pool2d (PyTorch form)"
                                  : form == 1 ? "fractional_max_pool2d (Graham form)"
                                              : "fractional_avg_pool2d (Graham form)") +
                      "; " + fuzz::text(x));
  if (form == 0) {
    poolkit::fractional_max_params p{.kernel = {b.wild_int(1, 4), b.wild_int(1, 4)}};
    if (b.flag())
      p.output_size = {b.wild_int(0, 12), b.wild_int(0, 30)};
    else
      p.output_ratio = {b.real(0.0, 1.2), b.real(0.0, 1.2)};
    poolkit::tensor<T> u({x.extent(0), x.extent(1), 1, 2});
    for (T& s : u.values()) s = b.byte() < 240 ? static_cast<T>(b.byte()) / T(256) : b.value<T>();
    fuzz::current_case() += "; kernel " + fuzz::text(p.kernel) + ", output_size " +
                            fuzz::text(p.output_size) + ", output_ratio {" +
                            fuzz::text(p.output_ratio[0]) + ", " + fuzz::text(p.output_ratio[1]) +
                            "}; samples " + fuzz::text(poolkit::nchw_view<const T>(u));
    const auto r = fuzz::differential(
        "fractional_max_pool2d(samples)",
        [&](const poolkit::policy& pol) { return poolkit::fractional_max_pool2d(x, p, u, pol); },
        same_pair);
    if (!r.value) return;
    const auto& y = *r.value;
    fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
      const auto rows =
          ref::fractional_starts<T>(u(n, c, 0, 1), x.extent(2), y.values.extent(2), p.kernel.h);
      const auto cols =
          ref::fractional_starts<T>(u(n, c, 0, 0), x.extent(3), y.values.extent(3), p.kernel.w);
      for (index_t oh = 0; oh < y.values.extent(2); ++oh)
        for (index_t ow = 0; ow < y.values.extent(3); ++ow) {
          const auto want = ref::window_one<T>(
              plane, x.extent(2), x.extent(3), rows[static_cast<std::size_t>(oh)],
              cols[static_cast<std::size_t>(ow)], p.kernel.h, p.kernel.w, ref::op::max);
          if (!fuzz::same(y.values(n, c, oh, ow), want.value) ||
              y.indices(n, c, oh, ow) != want.index)
            fuzz::fail("fractional_max_pool2d differs from the reference " +
                       fuzz::mismatch(n, c, oh, ow, y.values(n, c, oh, ow), want.value) +
                       ", index " + std::to_string(y.indices(n, c, oh, ow)) + " want " +
                       std::to_string(want.index) + "; " +
                       fuzz::region_text(plane, rows[static_cast<std::size_t>(oh)],
                                         cols[static_cast<std::size_t>(ow)], p.kernel.h,
                                         p.kernel.w));
        }
    });
    return;
  }
  const poolkit::fractional_ratio_params q{.pooling_ratio = {b.real(0.5, 3.0), b.real(0.5, 3.0)},
                                           .pseudo_random = b.flag(),
                                           .overlapping = b.flag()};
  std::uint64_t seed = b.byte();
  fuzz::current_case() += "; pooling_ratio {" + fuzz::text(q.pooling_ratio[0]) + ", " +
                          fuzz::text(q.pooling_ratio[1]) + "}, pseudo_random " +
                          std::to_string(q.pseudo_random) + ", overlapping " +
                          std::to_string(q.overlapping) + ", seed " + std::to_string(seed);
  if (b.flag()) {
    // Sequences from the fuzzer, valid or not.
    poolkit::pooling_sequences s;
    s.rows.resize(static_cast<std::size_t>(b.in(0, 6)));
    s.cols.resize(static_cast<std::size_t>(b.in(0, 6)));
    for (auto& v : s.rows) v = b.wild_int(0, 17);
    for (auto& v : s.cols) v = b.wild_int(0, 41);
    fuzz::current_case() += "; given sequences " + fuzz::text(s.rows) + " " + fuzz::text(s.cols);
    if (form == 1) {
      const auto r = fuzz::differential(
          "fractional_max_pool2d(sequences)",
          [&](const poolkit::policy& pol) { return poolkit::fractional_max_pool2d(x, q, s, pol); },
          same_pair);
      if (r.value)
        check_graham(x, r.value->sequences, q.overlapping, r.value->values, &r.value->indices);
    } else {
      const auto r = fuzz::differential(
          "fractional_avg_pool2d(sequences)",
          [&](const poolkit::policy& pol) { return poolkit::fractional_avg_pool2d(x, q, s, pol); },
          [](const auto& a, const auto& c) { return fuzz::same(a.values, c.values); });
      if (r.value) check_graham<T>(x, r.value->sequences, q.overlapping, r.value->values, nullptr);
    }
    return;
  }
  if (form == 1) {
    const auto r = fuzz::differential(
        "fractional_max_pool2d(seed)",
        [&](const poolkit::policy& pol) { return poolkit::fractional_max_pool2d(x, q, seed, pol); },
        same_pair);
    if (r.value)
      check_graham(x, r.value->sequences, q.overlapping, r.value->values, &r.value->indices);
  } else {
    const auto r = fuzz::differential(
        "fractional_avg_pool2d(seed)",
        [&](const poolkit::policy& pol) { return poolkit::fractional_avg_pool2d(x, q, seed, pol); },
        [](const auto& a, const auto& c) { return fuzz::same(a.values, c.values); });
    if (r.value) check_graham<T>(x, r.value->sequences, q.overlapping, r.value->values, nullptr);
  }
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
