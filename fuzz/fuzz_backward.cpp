// Fuzz target: the backward passes (SPEC section 9) with gradients, sizes, windows,
// indices and sequences from the fuzzer, most of them valid, some out of range (those
// must be refused with poolkit::error). Every policy must give the scalar path's bits;
// a valid result must equal the naive reference of tests/reference.hpp bit for bit.
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

/// Graham boundaries for `in` positions: mostly valid (0, increasing, in), sometimes not.
std::vector<index_t> sequence(fuzz::bytes& b, index_t in) {
  std::vector<index_t> a{b.byte() < 240 ? 0 : b.wild_int(-2, 3)};
  while (a.back() < in && a.size() < 16) a.push_back(a.back() + b.in(1, 3));
  if (b.byte() < 230) a.back() = std::max<index_t>(in, a.size() > 1 ? a[a.size() - 2] + 1 : 1);
  return a;
}

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 8, 12);
  const auto& dy = in.view;
  const int op = static_cast<int>(b.in(0, 7));
  const poolkit::hw size{b.wild_int(1, 14), b.wild_int(1, 16)};
  if (size.h > 4096 || size.w > 4096) return;  // valid but only a test of the allocator
  const poolkit::pool2d_params p = fuzz::window(b);
  const bool overlapping = b.flag();
  const poolkit::pooling_sequences s{sequence(b, size.h), sequence(b, size.w)};
  // Indices into dx (routed) or into dy (unpool): most valid, some not.
  const index_t targets = op == 6 ? std::max<index_t>(1, dy.extent(2) * dy.extent(3))
                          : size.h > 0 && size.w > 0 ? size.h * size.w
                                                     : 1;
  const poolkit::extents4 index_extents =
      op == 6 ? poolkit::extents4{dy.extent(0), dy.extent(1), b.in(0, 5), b.in(0, 5)}
              : dy.extents();
  poolkit::tensor<index_t> idx(index_extents);
  for (index_t& i : idx.values()) i = b.byte() < 235 ? b.in(-1, targets - 1) : b.wild_int(-3, 400);
  static const char* const names[] = {
      "max_pool2d_backward",          "avg_pool2d_backward",           "sum_pool2d_backward",
      "adaptive_avg_pool2d_backward", "adaptive_sum_pool2d_backward",  "global_avg_pool2d_backward",
      "max_unpool2d_backward",        "fractional_avg_pool2d_backward"};
  fuzz::describe_case(std::string(names[op]) + "; dy " + fuzz::text(dy) + "; input size " +
                      fuzz::text(size) + "; " + fuzz::text(p) + "; overlapping " +
                      (overlapping ? "1" : "0") + "; rows " + fuzz::text(s.rows) + "; cols " +
                      fuzz::text(s.cols) + "; indices " +
                      fuzz::text(std::vector<index_t>(idx.values().begin(), idx.values().end())));
  const auto call = [&](const poolkit::policy& pol) {
    switch (op) {
      case 0: return poolkit::max_pool2d_backward(dy, idx, size, pol);
      case 1: return poolkit::avg_pool2d_backward(dy, size, p, pol);
      case 2: return poolkit::sum_pool2d_backward(dy, size, p, pol);
      case 3: return poolkit::adaptive_avg_pool2d_backward(dy, size, pol);
      case 4: return poolkit::adaptive_sum_pool2d_backward(dy, size, pol);
      case 5: return poolkit::global_avg_pool2d_backward(dy, size, pol);
      case 6: return poolkit::max_unpool2d_backward(dy, idx, pol);
      default: return poolkit::fractional_avg_pool2d_backward(dy, size, s, overlapping, pol);
    }
  };
  const auto r = fuzz::differential(names[op], call,
                                    [](const auto& a, const auto& c) { return fuzz::same(a, c); });
  if (!r.value) return;
  const poolkit::tensor<T>& dx = *r.value;
  // The reference visits every tap of a window, padding included: valid windows of 2^40
  // taps are checked by the differential run above only.
  if ((op == 1 || op == 2) && (p.kernel.h > 64 || p.kernel.w > 64)) return;
  // The reference, plane by plane.
  for (index_t n = 0; n < dx.extent(0); ++n)
    for (index_t c = 0; c < dx.extent(1); ++c) {
      std::vector<T> g;
      for (index_t h = 0; h < dy.extent(2); ++h)
        for (index_t w = 0; w < dy.extent(3); ++w) g.push_back(dy(n, c, h, w));
      std::vector<index_t> index;
      for (index_t h = 0; h < idx.extent(2); ++h)
        for (index_t w = 0; w < idx.extent(3); ++w) {
          index.push_back(idx(n, c, h, w));
          if (op == 0 || op == 6)
            fuzz::check(index.back() >= -1 && index.back() < targets,
                        "accepted an index outside its plane");
        }
      const ref::params rp = ref::from(p);
      std::vector<T> want;
      switch (op) {
        case 0: want = ref::route_backward(g, index, size.h, size.w); break;
        case 1:
        case 2:
          want = ref::window_backward(g, size.h, size.w, dy.extent(2), dy.extent(3), rp,
                                      op == 1 ? ref::op::avg : ref::op::sum);
          break;
        case 3:
        case 5:
          want =
              ref::adaptive_backward(g, size.h, size.w, dy.extent(2), dy.extent(3), ref::op::avg);
          break;
        case 4:
          want =
              ref::adaptive_backward(g, size.h, size.w, dy.extent(2), dy.extent(3), ref::op::sum);
          break;
        case 6: want = ref::unpool_backward(g, index); break;
        default: want = ref::region_backward(g, size.h, size.w, s.rows, s.cols, overlapping);
      }
      for (index_t h = 0; h < dx.extent(2); ++h)
        for (index_t w = 0; w < dx.extent(3); ++w) {
          const T want_here = want[static_cast<std::size_t>(h * dx.extent(3) + w)];
          if (!fuzz::same(dx(n, c, h, w), want_here))
            fuzz::fail(std::string(names[op]) + " differs from the reference at (" +
                       std::to_string(n) + ", " + std::to_string(c) + ", " + std::to_string(h) +
                       ", " + std::to_string(w) + "): got " + fuzz::text(dx(n, c, h, w)) +
                       ", want " + fuzz::text(want_here));
        }
    }
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
