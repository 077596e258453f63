// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Spatial pyramid pooling (He et al. 2014; SPEC section 4): a fixed-length vector per
// sample whatever H and W are, made of several poolings of the whole plane into n x n
// bins, one level per n.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <poolkit/ops/adaptive.hpp>
#include <poolkit/detail/front.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/policy/resolve.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup spp
/// \{

/// How a pyramid level of n bins per side places its bins.
enum class spp_bin_rule {
  /// Adaptive pooling's bins (SPEC section 3): always exactly n, may overlap by one.
  adaptive,
  /// He et al.: window ceil(a / n), stride floor(a / n), no padding. Some sizes give more
  /// than n windows; poolkit reports that as an error instead of truncating.
  paper,
  /// Caffe's SPP layer: window = stride = ceil(a / n), padding (window * n - a + 1) / 2 on
  /// both sides, ceil mode; the reducer's padding rule applies (avg counts the padding).
  caffe,
};

namespace detail {

inline const char* name_of(spp_bin_rule rule) noexcept {
  switch (rule) {
    case spp_bin_rule::adaptive: return "adaptive";
    case spp_bin_rule::paper: return "paper";
    case spp_bin_rule::caffe: return "caffe";
  }
  return "?";
}

/// The regular pooling a paper or caffe level runs, or a problem if it cannot give n bins.
inline problem spp_level_params(std::string_view op, spp_bin_rule rule, hw in, index_t n,
                                pool2d_params* out) {
  const auto axis = [&](index_t a, index_t& k, index_t& s, index_t& pad) -> problem {
    if (rule == spp_bin_rule::paper) {
      if (a < n)
        return describe(op, "levels", std::to_string(n),
                        "the paper rule needs at least n = " + std::to_string(n) +
                            " rows and columns (stride floor(a / n) must be >= 1); input is " +
                            to_text(in.h, in.w));
      k = ceil_div(a, n);
      s = a / n;
      pad = 0;
    } else {
      k = ceil_div(a, n);
      s = k;
      pad = (k * n - a + 1) / 2;
    }
    return std::nullopt;
  };
  index_t kh = 0, sh = 0, ph = 0, kw = 0, sw = 0, pw = 0;
  if (auto e = axis(in.h, kh, sh, ph)) return e;
  if (auto e = axis(in.w, kw, sw, pw)) return e;
  // Caffe's pooling layer refuses pad >= kernel (as SPEC section 2 does): such a level
  // would place whole bins in the padding (a 7 x 7 input at level 6: window 2, padding 3).
  if (ph >= kh || pw >= kw)
    return describe(op, "levels", std::to_string(n),
                    "the caffe rule gives padding " + to_text(ph, pw) + " with windows of " +
                        to_text(kh, kw) + " on a " + to_text(in.h, in.w) +
                        " input; padding must be smaller than the window, or whole bins lie in "
                        "the padding");
  pool2d_params p;
  p.kernel = {kh, kw};
  p.stride = hw{sh, sw};
  p.padding = {ph, pw};
  p.ceil_mode = rule == spp_bin_rule::caffe;
  hw o{};
  if (auto e = validate_output_size(op, in, p, &o))
    return describe(op, "levels", std::to_string(n),
                    std::string("the ") + name_of(rule) + " rule cannot place " +
                        std::to_string(n) + " bins on a " + to_text(in.h, in.w) + " input (" + *e +
                        ")");
  if (o.h != n || o.w != n)
    return describe(op, "levels", std::to_string(n),
                    std::string("the ") + name_of(rule) + " rule gives " + to_text(o.h, o.w) +
                        " bins on a " + to_text(in.h, in.w) + " input, not " + std::to_string(n) +
                        " per side");
  *out = p;
  return std::nullopt;
}

template <class T>
problem validate_spp(std::string_view op, const nchw_view<const T>& x,
                     const std::vector<index_t>& levels, spp_bin_rule rule, index_t* features) {
  if (auto e = validate_plane_input(op, x)) return e;
  if (levels.empty()) return describe(op, "levels", "{}", "must name at least one level");
  index_t per_channel = 0;
  for (index_t n : levels) {
    if (n < 1) return describe(op, "levels", std::to_string(n), "every level must be >= 1");
    if (n > 65536) return describe(op, "levels", std::to_string(n), "every level must be <= 65536");
    if (rule == spp_bin_rule::adaptive) {
      extents4 unused{};
      if (auto e = validate_adaptive(op, x, {n, n}, &unused)) return e;
    } else {
      pool2d_params p;
      if (auto e = spp_level_params(op, rule, {x.extent(2), x.extent(3)}, n, &p)) return e;
    }
    per_channel += n * n;
  }
  const checked_int total = checked_mul(per_channel, x.extent(1));
  if (!total)
    return describe(op, "levels", std::to_string(per_channel) + " bins per channel",
                    "C * sum n^2 must fit in int64");
  *features = *total;
  return std::nullopt;
}

/// Coarser adaptive levels of a selection from the finest one: a coarse bin is exactly
/// the union of r x r fine bins when the finest n is r times its n (the bin formula's
/// ends line up), and a selection is unchanged by that grouping except for which NaN or
/// which zero it returns: those bins are folded again from the input, row-major.
template <class T, class S>
void spp_coarse_from_fine(const S& s, nchw_view<const T> x, nchw_view<const T> fine,
                          nchw_view<T> coarse) {
  const index_t nf = fine.extent(2);
  const index_t nc = coarse.extent(2);
  const index_t r = nf / nc;
  const geometry::adaptive_axis gh(x.extent(2), nc);
  const geometry::adaptive_axis gw(x.extent(3), nc);
  for (index_t n = 0; n < x.extent(0); ++n)
    for (index_t c = 0; c < x.extent(1); ++c)
      for (index_t i = 0; i < nc; ++i)
        for (index_t j = 0; j < nc; ++j) {
          T v = s.identity();
          for (index_t a = i * r; a < (i + 1) * r; ++a)
            for (index_t b = j * r; b < (j + 1) * r; ++b) v = s.combine(v, fine(n, c, a, b));
          if (v != v || v == T(0)) {
            const geometry::axis_window wh = gh.window(i);
            const geometry::axis_window ww = gw.window(j);
            v = kernel::fold_window(s, &x(n, c, wh.first, ww.first), wh.count, x.stride(2),
                                    ww.count, x.stride(3));
          }
          coarse(n, c, i, j) = v;
        }
}

/// Runs a validated pyramid into y (extents {N, features, 1, 1}).
template <class T, class R>
void run_spp(std::string_view op, nchw_view<const T> x, nchw_view<T> y,
             const std::vector<index_t>& levels, const R& r, spp_bin_rule rule, const policy& pol,
             const resolved_policy& rp) {
  // An empty batch has nothing to pool, and slices of its (null) data cannot be formed.
  if (y.empty()) return;
  const index_t channels = x.extent(1);
  // Level l of sample n lands at features [offset_l, offset_l + C n^2), channel-major then
  // row-major: a strided N x C x n x n view of y.
  std::vector<nchw_view<T>> slices;
  index_t offset = 0;
  for (index_t n : levels) {
    slices.emplace_back(y.data_handle() + offset * y.stride(1),
                        extents4{x.extent(0), channels, n, n},
                        extents4{y.stride(0), n * n * y.stride(1), n * y.stride(1), y.stride(1)});
    offset += channels * n * n;
  }
  constexpr bool selects = std::is_same_v<R, reduce::max<T>> || std::is_same_v<R, reduce::min<T>>;
  std::size_t finest = 0;
  for (std::size_t l = 0; l < levels.size(); ++l)
    if (levels[l] > levels[finest]) finest = l;
  bool nested = selects && rule == spp_bin_rule::adaptive && levels.size() > 1;
  for (index_t n : levels) nested = nested && levels[finest] % n == 0;
  for (std::size_t l = 0; l < levels.size(); ++l) {
    if (nested && l != finest) continue;  // from the finest level, below
    if (rule == spp_bin_rule::adaptive) {
      run_adaptive(r, x, slices[l], pol, rp);
    } else {
      pool2d_params p;
      // validate_spp has checked every level: this cannot fail here.
      raise_if(spp_level_params(op, rule, {x.extent(2), x.extent(3)}, levels[l], &p));
      run_regular(r, x, slices[l], p, pol, rp);
    }
  }
  if (nested) {
    for (std::size_t l = 0; l < levels.size(); ++l)
      if (l != finest) spp_coarse_from_fine(r, x, nchw_view<const T>(slices[finest]), slices[l]);
  }
}

/// Spatial pyramid pooling as an operation of the generic front (detail/front.hpp).
template <class T, class R>
struct spp_op {
  std::string_view name;
  const std::vector<index_t>& levels;
  const R& r;
  spp_bin_rule rule;
  problem validate(const nchw_view<const T>& x, extents4* out) const {
    index_t features = 0;
    if (auto failure = validate_spp(name, x, levels, rule, &features)) return failure;
    *out = {x.extent(0), features, 1, 1};
    return std::nullopt;
  }
  void run(nchw_view<const T> x, nchw_view<T> y, const policy& pol,
           const resolved_policy& rp) const {
    run_spp(name, x, y, levels, r, rule, pol, rp);
  }
};

template <class T, class R>
result<tensor<T>> spp_new(std::string_view op, nchw_view<const T> x,
                          const std::vector<index_t>& levels, const R& r, spp_bin_rule rule,
                          const policy& pol) {
  return run_new<T>(spp_op<T, R>{op, levels, r, rule}, x, pol);
}

template <class T, class R>
status spp_into(std::string_view op, nchw_view<const T> x, nchw_view<T> y,
                const std::vector<index_t>& levels, const R& r, spp_bin_rule rule,
                const policy& pol) {
  return run_into<T>(spp_op<T, R>{op, levels, r, rule}, x, y, pol);
}

}  // namespace detail

/// Non-throwing spatial_pyramid_pool2d(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class R = reduce::max<element_of<X>>>
  requires reducer<R, element_of<X>>
result<tensor<element_of<X>>> try_spatial_pyramid_pool2d(
    const X& x, const std::vector<index_t>& levels = {1, 2, 4}, const R& r = R{},
    spp_bin_rule rule = spp_bin_rule::adaptive, const policy& pol = {}) {
  return detail::spp_new("spatial_pyramid_pool2d", as_input(x), levels, r, rule, pol);
}
/// Spatial pyramid pooling: for each level n (bins per side, default {1, 2, 4}) the
/// reducer over n x n bins of every plane, flattened per sample channel-major then
/// row-major, levels concatenated in the order given. Returns a tensor of extents
/// {N, C * sum n^2, 1, 1} (a 4-d tensor so that it feeds any poolkit or NCHW consumer;
/// `y.data_handle() + n * y.extent(1)` is sample n's feature vector).
///
/// With the adaptive rule and max or min, levels that divide the finest one are computed
/// from its bins (one pass over the input for {1, 2, 4}); sums and other reducers pool
/// each level from the input, so that every level equals adaptive_pool2d bit for bit.
/// @throws poolkit::error for no levels, a level below 1, or a level the rule cannot
/// place on this input; nothing is written.
template <readable_nchw X, class R = reduce::max<element_of<X>>>
  requires reducer<R, element_of<X>>
tensor<element_of<X>> spatial_pyramid_pool2d(const X& x,
                                             const std::vector<index_t>& levels = {1, 2, 4},
                                             const R& r = R{},
                                             spp_bin_rule rule = spp_bin_rule::adaptive,
                                             const policy& pol = {}) {
  return detail::value_or_raise(try_spatial_pyramid_pool2d(x, levels, r, rule, pol));
}

/// Non-throwing spatial_pyramid_pool2d(): the same call, with the failure returned as a
/// poolkit::status instead of thrown (works with -fno-exceptions).
template <readable_nchw X, class Y, class R = reduce::max<element_of<X>>>
  requires writable_nchw<Y> && reducer<R, element_of<X>> &&
           std::is_same_v<element_of<X>, element_of<Y>>
status try_spatial_pyramid_pool2d(const X& x, Y&& y, const std::vector<index_t>& levels = {1, 2, 4},
                                  const R& r = R{}, spp_bin_rule rule = spp_bin_rule::adaptive,
                                  const policy& pol = {}) {
  return detail::spp_into("spatial_pyramid_pool2d", as_input(x), as_output(y), levels, r, rule,
                          pol);
}
/// Spatial pyramid pooling into the caller's view `y` of extents {N, C * sum n^2, 1, 1}
/// (any strides; no overlap with x).
template <readable_nchw X, class Y, class R = reduce::max<element_of<X>>>
  requires writable_nchw<Y> && reducer<R, element_of<X>> &&
           std::is_same_v<element_of<X>, element_of<Y>>
void spatial_pyramid_pool2d(const X& x, Y&& y, const std::vector<index_t>& levels = {1, 2, 4},
                            const R& r = R{}, spp_bin_rule rule = spp_bin_rule::adaptive,
                            const policy& pol = {}) {
  detail::raise_if(try_spatial_pyramid_pool2d(x, std::forward<Y>(y), levels, r, rule, pol));
}

/// \}

POOLKIT_END_NAMESPACE
