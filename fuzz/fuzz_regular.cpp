// Fuzz target: regular pooling (max, min, sum, avg, their with-indices forms, pool2d with
// a user reducer). Every policy must agree with the scalar path bit for bit, and the
// scalar path with the naive reference (SPEC section 2).
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

/// A user reducer: exercises pool2d's generic kernel.
template <class T>
struct abs_max {
  T identity() const { return T(0); }
  T combine(T acc, T v) const { return std::max(acc, std::fabs(v)); }
  T finalize(T acc, poolkit::window_counts) const { return acc; }
};

template <class T>
void run(fuzz::bytes& b) {
  // Up to 40 channels: a view whose order swap puts the channels innermost runs the
  // channels-last kernels, over whole vectors and a tail.
  const fuzz::strided_input<T> in(b, 12, 40, 40);
  const poolkit::pool2d_params p = fuzz::window(b);
  const auto& x = in.view;
  if (!fuzz::output_fits(x.extents(), p)) return;
  const int op = static_cast<int>(b.in(0, 6));
  const char* names[] = {"max_pool2d",
                         "min_pool2d",
                         "sum_pool2d",
                         "avg_pool2d",
                         "max_pool2d_with_indices",
                         "min_pool2d_with_indices",
                         "pool2d(abs_max)"};
  fuzz::describe_case(std::string(names[op]) + "; " + fuzz::text(x) + "; " + fuzz::text(p));
  const ref::op kinds[] = {ref::op::max, ref::op::min, ref::op::sum,
                           ref::op::avg, ref::op::max, ref::op::min};
  const auto same_tensor = [](const poolkit::tensor<T>& a, const poolkit::tensor<T>& c) {
    return fuzz::same(a, c);
  };
  const auto same_pair = [](const poolkit::pooled_with_indices<T>& a,
                            const poolkit::pooled_with_indices<T>& c) {
    return fuzz::same(a.values, c.values) && fuzz::same(a.indices, c.indices);
  };
  poolkit::tensor<T> values;
  poolkit::tensor<index_t> indices;
  if (op < 4 || op == 6) {
    const auto r = fuzz::differential(
        "regular",
        [&](const poolkit::policy& pol) {
          switch (op) {
            case 0: return poolkit::max_pool2d(x, p, pol);
            case 1: return poolkit::min_pool2d(x, p, pol);
            case 2: return poolkit::sum_pool2d(x, p, pol);
            case 3: return poolkit::avg_pool2d(x, p, pol);
            default: return poolkit::pool2d(x, abs_max<T>{}, p, pol);
          }
        },
        same_tensor);
    if (!r.value) return;
    values = *r.value;
  } else {
    const auto r = fuzz::differential(
        "with_indices",
        [&](const poolkit::policy& pol) {
          return op == 4 ? poolkit::max_pool2d_with_indices(x, p, pol)
                         : poolkit::min_pool2d_with_indices(x, p, pol);
        },
        same_pair);
    if (!r.value) return;
    values = r.value->values;
    indices = r.value->indices;
  }
  if (p.kernel.h > 8 || p.kernel.w > 8) return;  // valid but too slow for the reference
  const ref::params rp = ref::from(p);
  fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
    for (index_t oh = 0; oh < values.extent(2); ++oh)
      for (index_t ow = 0; ow < values.extent(3); ++ow) {
        T want;
        index_t want_index = -1;
        if (op == 6) {
          const auto w =
              ref::pool_one<T>([&](index_t h, index_t v) { return std::fabs(plane(h, v)); },
                               x.extent(2), x.extent(3), oh, ow, rp, ref::op::max);
          // abs_max folds with std::max from 0: NaN taps are skipped, empty windows give 0.
          want = std::isnan(w.value) || w.index < 0 ? T(-1) : w.value;
          if (want < T(0)) continue;  // NaN handling of a user reducer is the user's business
        } else {
          const auto w = ref::pool_one<T>(plane, x.extent(2), x.extent(3), oh, ow, rp, kinds[op]);
          want = w.value;
          want_index = w.index;
        }
        const auto where = [&] {
          return fuzz::mismatch(n, c, oh, ow, values(n, c, oh, ow), want) + "; " +
                 fuzz::window_text(plane, x.extent(2), x.extent(3), oh, ow, rp);
        };
        if (!fuzz::same(values(n, c, oh, ow), want))
          fuzz::fail("regular: differs from the reference " + where());
        if ((op == 4 || op == 5) && indices(n, c, oh, ow) != want_index)
          fuzz::fail("with_indices: index " + std::to_string(indices(n, c, oh, ow)) +
                     " differs from the reference's " + std::to_string(want_index) + " " + where());
      }
  });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
