// Fuzz target: adaptive and global pooling (every built-in reducer, max with indices) and
// spatial pyramid pooling (every bin rule). Every policy must agree with the scalar path
// bit for bit; adaptive and global against the reference (SPEC section 3; 1 x 1 sums in
// the documented global order).
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

template <class T>
void run(fuzz::bytes& b) {
  // Up to 40 channels: channels-last views (order swap 1 <-> 3) fill whole vectors.
  const fuzz::strided_input<T> in(b, 14, 40, 40);
  const auto& x = in.view;
  const poolkit::hw size{b.wild_int(1, 9), b.wild_int(1, 9)};
  // A valid but huge output size would only test the allocator.
  if (size.h > 4096 || size.w > 4096) return;
  const int op = static_cast<int>(b.in(0, 5));
  fuzz::describe_case(
      "adaptive/global/spp op " + std::to_string(op) + " (0 max, 1 min, 2 sum, 3 avg, " +
      "4 max with indices, 5 spp), output size " + fuzz::text(size) + "; " + fuzz::text(x));
  const auto same_tensor = [](const poolkit::tensor<T>& a, const poolkit::tensor<T>& c) {
    return fuzz::same(a, c);
  };
  if (op == 5) {
    std::vector<index_t> levels(static_cast<std::size_t>(b.in(0, 3)));
    for (auto& l : levels) l = b.wild_int(1, 6);
    const auto rule = static_cast<poolkit::spp_bin_rule>(b.in(0, 2));
    const bool average = b.flag();
    fuzz::current_case() += "; levels " + fuzz::text(levels) + ", rule " +
                            std::to_string(static_cast<int>(rule)) + (average ? ", avg" : ", max");
    fuzz::differential(
        "spp",
        [&](const poolkit::policy& pol) {
          return average ? poolkit::spatial_pyramid_pool2d(x, levels, poolkit::reduce::avg<T>{},
                                                           rule, pol)
                         : poolkit::spatial_pyramid_pool2d(x, levels, poolkit::reduce::max<T>{},
                                                           rule, pol);
        },
        same_tensor);
    return;
  }
  const ref::op kinds[] = {ref::op::max, ref::op::min, ref::op::sum, ref::op::avg, ref::op::max};
  poolkit::tensor<T> values;
  poolkit::tensor<index_t> indices;
  if (op == 4) {
    const auto r = fuzz::differential(
        "adaptive_max_pool2d_with_indices",
        [&](const poolkit::policy& pol) {
          return poolkit::adaptive_max_pool2d_with_indices(x, size, pol);
        },
        [](const auto& a, const auto& c) {
          return fuzz::same(a.values, c.values) && fuzz::same(a.indices, c.indices);
        });
    if (!r.value) return;
    values = r.value->values;
    indices = r.value->indices;
  } else {
    const bool global = b.flag();
    if (global) fuzz::current_case() += "; global form";
    const auto r = fuzz::differential(
        "adaptive",
        [&](const poolkit::policy& pol) {
          switch (op) {
            case 0:
              return global ? poolkit::global_max_pool2d(x, pol)
                            : poolkit::adaptive_max_pool2d(x, size, pol);
            case 1:
              return global ? poolkit::global_min_pool2d(x, pol)
                            : poolkit::adaptive_min_pool2d(x, size, pol);
            case 2:
              return global ? poolkit::global_sum_pool2d(x, pol)
                            : poolkit::adaptive_sum_pool2d(x, size, pol);
            default:
              return global ? poolkit::global_avg_pool2d(x, pol)
                            : poolkit::adaptive_avg_pool2d(x, size, pol);
          }
        },
        same_tensor);
    if (!r.value) return;
    values = *r.value;
  }
  const index_t OH = values.extent(2), OW = values.extent(3);
  fuzz::for_each_plane<T>(x, [&](index_t n, index_t c, const auto& plane) {
    for (index_t oh = 0; oh < OH; ++oh)
      for (index_t ow = 0; ow < OW; ++ow) {
        const auto w =
            ref::adaptive_one<T>(plane, x.extent(2), x.extent(3), OH, OW, oh, ow, kinds[op]);
        T want = w.value;
        if (OH == 1 && OW == 1 && (op == 2 || op == 3)) {
          std::vector<T> all;
          for (index_t h = 0; h < x.extent(2); ++h)
            for (index_t v = 0; v < x.extent(3); ++v) all.push_back(plane(h, v));
          want = ref::canonical_global_sum(all);
          if (op == 3) want /= static_cast<T>(x.extent(2) * x.extent(3));
        }
        const auto where = [&] {
          const index_t h0 = ref::bin_start(oh, x.extent(2), OH),
                        w0 = ref::bin_start(ow, x.extent(3), OW);
          return fuzz::mismatch(n, c, oh, ow, values(n, c, oh, ow), want) + "; " +
                 fuzz::region_text(plane, h0, w0, ref::bin_end(oh, x.extent(2), OH) - h0,
                                   ref::bin_end(ow, x.extent(3), OW) - w0);
        };
        if (!fuzz::same(values(n, c, oh, ow), want))
          fuzz::fail("adaptive: differs from the reference " + where());
        if (op == 4 && indices(n, c, oh, ow) != w.index)
          fuzz::fail("adaptive: index " + std::to_string(indices(n, c, oh, ow)) +
                     " differs from the reference's " + std::to_string(w.index) + " " + where());
      }
  });
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
