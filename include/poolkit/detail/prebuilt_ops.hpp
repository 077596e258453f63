// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The operations' bodies the prebuilt library compiles (POOLKIT_BUILD_PREBUILT; see
// kernel/dispatch.hpp for the kernels). Every public form of an operation (throwing,
// try_, allocating, into-view) funnels into one of the detail functions below, for a
// given element type and built-in reducer; with POOLKIT_USE_PREBUILT, poolkit.hpp declares
// them `extern template`, so a translation unit instantiates only the thin public forms
// and links the rest. The library's src/ops.cpp.in instantiates the same list. A user
// reducer, or another element type, matches no entry and compiles as header-only.
#pragma once

#include <poolkit/config.hpp>

// PREFIX is `extern` (declaration) or empty (definition); T the element type.
#define POOLKIT_PREBUILT_REGULAR(PREFIX, T, R)                                                   \
  PREFIX template result<tensor<T>> detail::pool_new<T, R>(                                      \
      std::string_view, const R&, nchw_view<const T>, const pool2d_params&, const policy&);      \
  PREFIX template status detail::pool_into<T, R>(std::string_view, const R&, nchw_view<const T>, \
                                                 nchw_view<T>, const pool2d_params&,             \
                                                 const policy&);                                 \
  PREFIX template result<tensor<T>> detail::adaptive_new<T, R>(                                  \
      std::string_view, const R&, nchw_view<const T>, hw, const policy&);                        \
  PREFIX template status detail::adaptive_into<T, R>(                                            \
      std::string_view, const R&, nchw_view<const T>, nchw_view<T>, const policy&);

#define POOLKIT_PREBUILT_SELECTOR(PREFIX, T, S)                                                    \
  PREFIX template result<pooled_with_indices<T>> detail::select_new<T, S>(                         \
      std::string_view, const S&, nchw_view<const T>, const pool2d_params&, const policy&);        \
  PREFIX template status detail::select_into<T, S>(std::string_view, const S&, nchw_view<const T>, \
                                                   nchw_view<T>, nchw_view<index_t>,               \
                                                   const pool2d_params&, const policy&);           \
  PREFIX template void detail::run_adaptive_select<T, S>(                                          \
      const S&, nchw_view<const T>, nchw_view<T>, nchw_view<index_t>, const policy&,               \
      const detail::resolved_policy&);

#define POOLKIT_PREBUILT_SPP(PREFIX, T, R)                                                       \
  PREFIX template result<tensor<T>> detail::spp_new<T, R>(std::string_view, nchw_view<const T>,  \
                                                          const std::vector<index_t>&, const R&, \
                                                          spp_bin_rule, const policy&);          \
  PREFIX template status detail::spp_into<T, R>(std::string_view, nchw_view<const T>,            \
                                                nchw_view<T>, const std::vector<index_t>&,       \
                                                const R&, spp_bin_rule, const policy&);

#define POOLKIT_PREBUILT_POWER(PREFIX, T, AVERAGE)                                        \
  PREFIX template result<tensor<T>> detail::power_new<T, AVERAGE>(                        \
      std::string_view, double, nchw_view<const T>, const pool2d_params&, const policy&); \
  PREFIX template status detail::power_into<T, AVERAGE>(std::string_view, double,         \
                                                        nchw_view<const T>, nchw_view<T>, \
                                                        const pool2d_params&, const policy&);

// The validation the public forms run before they funnel in.
#define POOLKIT_PREBUILT_VALIDATION(PREFIX, T)                                                 \
  PREFIX template detail::problem detail::validate_view<const T>(                              \
      std::string_view, std::string_view, const nchw_view<const T>&);                          \
  PREFIX template detail::problem detail::validate_view<T>(std::string_view, std::string_view, \
                                                           const nchw_view<T>&);               \
  PREFIX template detail::problem detail::validate_regular<T>(                                 \
      std::string_view, const nchw_view<const T>&, const pool2d_params&, extents4*);           \
  PREFIX template detail::problem detail::validate_fractional_max<T>(                          \
      std::string_view, const nchw_view<const T>&, const fractional_max_params&, extents4*);   \
  PREFIX template detail::problem detail::validate_graham<T>(                                  \
      std::string_view, const nchw_view<const T>&, const fractional_ratio_params&,             \
      const pooling_sequences&, extents4*);

// Bilateral pooling's checks and work (kernel/bilateral_run.hpp), in the library when built
// with Eigen (POOLKIT_PREBUILT_BILATERAL); not part of POOLKIT_PREBUILT_OPS, so that the
// core operations' translation units need no Eigen.
#define POOLKIT_PREBUILT_BILATERAL_OPS(PREFIX, T)                                                  \
  PREFIX template status detail::bilateral_checked<T>(                                             \
      std::string_view, nchw_view<const T>, const pool2d_params&, const bilateral_options&,        \
      const policy&, extents4*, int*);                                                             \
  PREFIX template status detail::global_bilateral_checked<T>(std::string_view, nchw_view<const T>, \
                                                             const bilateral_options&,             \
                                                             const policy&, extents4*, int*);      \
  PREFIX template void kernel::run_bilateral<T>(nchw_view<const T>, nchw_view<T>,                  \
                                                const pool2d_params&, const bilateral_options&,    \
                                                const policy&, int);                               \
  PREFIX template void kernel::run_global_bilateral<T>(                                            \
      nchw_view<const T>, nchw_view<T>, const bilateral_options&, const policy&, int);

// The fractional operations' funnels (ops/fractional.hpp) and the seeded samples.
#define POOLKIT_PREBUILT_FRACTIONAL(PREFIX, T)                                                  \
  PREFIX template result<tensor<T>> try_fractional_samples<T>(index_t, index_t, std::uint64_t); \
  PREFIX template result<pooled_with_indices<T>> detail::fractional_max_new<T>(                 \
      nchw_view<const T>, const fractional_max_params&, nchw_view<const T>, const policy&);     \
  PREFIX template result<pooled_with_indices<T>> detail::fractional_max_seeded<T>(              \
      nchw_view<const T>, const fractional_max_params&, std::uint64_t, const policy&);          \
  PREFIX template result<fractional_max_result<T>> detail::graham_max_new<T>(                   \
      nchw_view<const T>, const fractional_ratio_params&, pooling_sequences, const policy&);    \
  PREFIX template result<fractional_max_result<T>> detail::graham_max_seeded<T>(                \
      nchw_view<const T>, const fractional_ratio_params&, std::uint64_t, const policy&);        \
  PREFIX template result<fractional_avg_result<T>> detail::graham_avg_new<T>(                   \
      nchw_view<const T>, const fractional_ratio_params&, pooling_sequences, const policy&);    \
  PREFIX template result<fractional_avg_result<T>> detail::graham_avg_seeded<T>(                \
      nchw_view<const T>, const fractional_ratio_params&, std::uint64_t, const policy&);

#define POOLKIT_PREBUILT_OPS(PREFIX, T)                                                           \
  POOLKIT_PREBUILT_VALIDATION(PREFIX, T)                                                          \
  POOLKIT_PREBUILT_FRACTIONAL(PREFIX, T)                                                          \
  POOLKIT_PREBUILT_REGULAR(PREFIX, T, reduce::max<T>)                                             \
  POOLKIT_PREBUILT_REGULAR(PREFIX, T, reduce::min<T>)                                             \
  POOLKIT_PREBUILT_REGULAR(PREFIX, T, reduce::sum<T>)                                             \
  POOLKIT_PREBUILT_REGULAR(PREFIX, T, reduce::avg<T>)                                             \
  POOLKIT_PREBUILT_SELECTOR(PREFIX, T, reduce::max<T>)                                            \
  POOLKIT_PREBUILT_SELECTOR(PREFIX, T, reduce::min<T>)                                            \
  POOLKIT_PREBUILT_SPP(PREFIX, T, reduce::max<T>)                                                 \
  POOLKIT_PREBUILT_SPP(PREFIX, T, reduce::avg<T>)                                                 \
  POOLKIT_PREBUILT_POWER(PREFIX, T, false)                                                        \
  POOLKIT_PREBUILT_POWER(PREFIX, T, true)                                                         \
  PREFIX template result<tensor<T>> detail::unpool_new<T>(std::string_view, nchw_view<const T>,   \
                                                          nchw_view<const index_t>, hw);          \
  PREFIX template status detail::unpool_into<T>(std::string_view, nchw_view<const T>,             \
                                                nchw_view<const index_t>, nchw_view<T>);          \
  PREFIX template void detail::run_stochastic<T>(                                                 \
      nchw_view<const T>, nchw_view<T>, nchw_view<index_t>, const pool2d_params&,                 \
      const kernel::stochastic_job&, const policy&, const detail::resolved_policy&);              \
  PREFIX template status detail::fractional_max_checked<T>(                                       \
      std::string_view, nchw_view<const T>, nchw_view<const T>, nchw_view<T>, nchw_view<index_t>, \
      const fractional_max_params&, const policy&);                                               \
  PREFIX template void detail::run_graham_max<T>(                                                 \
      nchw_view<const T>, nchw_view<T>, nchw_view<index_t>, const fractional_ratio_params&,       \
      const pooling_sequences&, const policy&, const detail::resolved_policy&);                   \
  PREFIX template void detail::run_graham_avg<T>(                                                 \
      nchw_view<const T>, nchw_view<T>, const fractional_ratio_params&, const pooling_sequences&, \
      const policy&, const detail::resolved_policy&);
