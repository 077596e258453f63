// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Backward passes (SPEC section 9): the gradient `dx` with respect to a forward's input,
// given the gradient `dy` of its output, with PyTorch 1.13's CPU summation order.
//   - routed by indices: max_pool2d_backward (max, min, adaptive max, fractional max,
//     stochastic training: every forward that returns indices);
//   - window sums: avg_pool2d_backward, sum_pool2d_backward;
//   - bins and regions: adaptive_{avg,sum}_pool2d_backward, global_{avg,sum}_pool2d_backward,
//     fractional_avg_pool2d_backward;
//   - the power family, from the forward's input and output: l2_pool2d_backward,
//     lp_pool2d_backward, power_avg_pool2d_backward;
//   - max_unpool2d_backward: the gradient of unpooling with respect to its values.
// Each comes as an allocating form given the forward input's size {H, W}, an into form
// that writes the caller's `dx` (its extents give the size), and try_ forms of both.
// Threads take whole planes: every dx plane is written by one thread in SPEC's order,
// so the bits never depend on the thread count.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <poolkit/detail/checked.hpp>
#include <poolkit/detail/row_split.hpp>
#include <poolkit/detail/validate_regular.hpp>
#include <poolkit/detail/validate_view.hpp>
#include <poolkit/geometry/adaptive.hpp>
#include <poolkit/geometry/fractional.hpp>
#include <poolkit/geometry/regular.hpp>
#include <poolkit/kernel/backward_pixels.hpp>
#include <poolkit/kernel/backward_plane.hpp>
#include <poolkit/kernel/dispatch.hpp>
#include <poolkit/ops/fractional.hpp>  // pooling_sequences, validate_sequence
#include <poolkit/ops/power.hpp>       // validate_exponent
#include <poolkit/policy/execution.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/reduce/basic.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE

/// \addtogroup backward
/// \{

namespace detail {

/// Where a backward pass takes the forward input's size from: the caller's `input_size`
/// argument, or the extents of the caller's `dx` view (messages name the one given).
struct size_source {
  hw size;
  std::string_view name;  // "input_size" or "dx extents"
};

/// Checks the forward input's size and that dx = {N, C, H, W} fits in int64 bytes.
template <class T>
problem validate_dx_size(std::string_view op, size_source in, index_t batches, index_t channels) {
  if (in.size.h < 1 || in.size.w < 1)
    return describe(op, in.name, to_text(in.size.h, in.size.w),
                    "the forward input's height and width must be >= 1");
  const checked_int count =
      checked_mul(checked_mul(checked_mul(batches, channels), in.size.h), in.size.w);
  if (!count || !checked_mul(count, static_cast<index_t>(sizeof(T))))
    return describe(op, in.name, to_text(in.size.h, in.size.w),
                    "the gradient dx of " +
                        to_text(extents4{batches, channels, in.size.h, in.size.w}) +
                        " overflows int64 bytes");
  return std::nullopt;
}

/// Checks that every index lies in [-1, size) (`size` the elements of a plane of
/// `target`, the tensor the indices point into).
/// Whether any index lies outside [-1, size): one pass in memory order (the channels
/// innermost for a channels-last view, a plane-by-plane walk of which would stream the
/// tensor once per channel), stopping at the first.
inline bool any_index_outside(const nchw_view<const index_t>& indices, index_t size) noexcept {
  const bool channels_inner = indices.stride(1) == 1 && indices.extent(1) > 1;
  // Loop dimensions, outermost first; the last is the innermost.
  const std::array<std::size_t, 4> order = channels_inner ? std::array<std::size_t, 4>{0, 2, 3, 1}
                                                          : std::array<std::size_t, 4>{0, 1, 2, 3};
  const auto extent = [&](std::size_t k) { return indices.extent(order[k]); };
  const auto stride = [&](std::size_t k) { return indices.stride(order[k]); };
  // Valid i: i + 1 in [0, size], as unsigned (wrapping) arithmetic sees it. A compare and a
  // never-taken branch per index: a running OR of the compares was 20% slower on B1.
  const auto limit = static_cast<std::uint64_t>(size);
  for (index_t a = 0; a < extent(0); ++a)
    for (index_t b = 0; b < extent(1); ++b)
      for (index_t d = 0; d < extent(2); ++d) {
        const index_t* run = indices.data_handle() + a * stride(0) + b * stride(1) + d * stride(2);
        const index_t step = stride(3);
        for (index_t e = 0; e < extent(3); ++e)
          if (static_cast<std::uint64_t>(run[e * step]) + 1u > limit) return true;
      }
  return false;
}

inline problem validate_index_range(std::string_view op, nchw_view<const index_t> indices,
                                    index_t size, const std::string& target) {
  if (!any_index_outside(indices, size)) return std::nullopt;
  // The first offending index in (n, c, h, w) order, for the message.
  for (index_t n = 0; n < indices.extent(0); ++n)
    for (index_t c = 0; c < indices.extent(1); ++c)
      for (index_t h = 0; h < indices.extent(2); ++h)
        for (index_t w = 0; w < indices.extent(3); ++w) {
          const index_t i = indices(n, c, h, w);
          if (i < -1 || i >= size)
            return describe(op,
                            "indices(" + std::to_string(n) + ", " + std::to_string(c) + ", " +
                                std::to_string(h) + ", " + std::to_string(w) + ")",
                            std::to_string(i),
                            "must be -1 (an empty window) or in [0, " + std::to_string(size) +
                                "), the size of a plane of " + target);
        }
  return std::nullopt;
}

/// Runs `f(n, c)` for every plane, planes split between the call's threads.
template <class F>
void for_each_plane_parallel(const policy& pol, const resolved_policy& rp, index_t batches,
                             index_t channels, const F& f) {
  const row_split split = split_rows(batches, channels, 1, rp.threads);
  if (split.total == 0) return;
  parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
    // One division for the task's first plane, then a step per plane: planes of a global
    // backward (7 x 7) take a few dozen cycles, as many as for_each_piece's divisions.
    const index_t first = split.first_of(t);  // one row per plane: rows are planes
    const index_t end = split.end_of(t);
    index_t n = first / channels;
    index_t c = first % channels;
    for (index_t i = first; i < end; ++i) {
      f(n, c);
      if (++c == channels) c = 0, ++n;
    }
  });
}

/// Whether a backward pass runs the channels-last kernels (kernel/backward_pixels.hpp):
/// dy and dx have adjacent channels and dx's columns are not adjacent (as for the
/// forward's runs_channels_last; W == 1 or C == 1 runs the plane kernels).
template <class T>
bool runs_channels_last_backward(const nchw_view<const T>& dy, const nchw_view<T>& dx) noexcept {
  return dy.stride(1) == 1 && dx.stride(1) == 1 && dx.stride(3) != 1 && dx.extent(1) > 1;
}

/// Runs `f(n, c0, c1, scratch)` over runs of adjacent channels of every image, split
/// between the call's threads (each run is one task's alone; `scratch` holds c1 - c0
/// elements of the task's own). Runs are at least 16 channels, so that the innermost loops
/// stay long, and are cut only as far as the threads need.
template <class T, class F>
void for_each_channel_run_parallel(const policy& pol, const resolved_policy& rp, index_t batches,
                                   index_t channels, const F& f) {
  if (batches == 0 || channels == 0) return;
  const index_t runs_wanted = (rp.threads + batches - 1) / batches;
  const index_t runs = std::clamp<index_t>(runs_wanted, 1, (channels + 15) / 16);
  const index_t run_length = (channels + runs - 1) / runs;
  parallel_for(pol, batches * runs, rp.threads, [&](index_t t) {
    const index_t n = t / runs;
    const index_t c0 = (t % runs) * run_length;
    const index_t c1 = std::min(channels, c0 + run_length);
    std::vector<T> scratch(static_cast<std::size_t>(c1 - c0));
    if (c0 < c1) f(n, c0, c1, scratch.data());
  });
}

// A backward operation for the two fronts below says four things:
//
//   std::string_view name;
//   problem validate(size_source in, extents4* dx) const;   // its inputs against the
//                                                            //   forward input's size
//   problem validate_dx(const nchw_view<T>& dx, const extents4& expected) const;
//                                                            // the caller's dx: extents,
//                                                            //   no overlap with an input
//   index_t input_bytes() const;                             // for the thread count
//   void run(nchw_view<T> dx, const policy&, const resolved_policy&) const;

/// Validates, then runs `op` into a new dx of the forward input's size.
template <class T, class Op>
result<tensor<T>> backward_new(const Op& op, hw input_size, const policy& pol) {
  extents4 dx_extents{};
  if (auto failure = op.validate({input_size, "input_size"}, &dx_extents)) return status(*failure);
  resolved_policy rp;
  if (auto failure =
          resolve_policy(op.name, pol, op.input_bytes() + traffic_bytes<T>(dx_extents, {}), &rp))
    return status(*failure);
  tensor<T> dx(dx_extents, tensor<T>::uninitialized);
  op.run(dx.view(), pol, rp);
  return dx;
}

/// Validates, then runs `op` into the caller's dx (its extents give the input's size).
template <class T, class Op>
status backward_into(const Op& op, nchw_view<T> dx, const policy& pol) {
  extents4 dx_extents{};
  if (auto failure = op.validate({{dx.extent(2), dx.extent(3)}, "dx extents"}, &dx_extents))
    return status(*failure);
  if (auto failure = op.validate_dx(dx, dx_extents)) return status(*failure);
  resolved_policy rp;
  if (auto failure =
          resolve_policy(op.name, pol, op.input_bytes() + traffic_bytes<T>(dx_extents, {}), &rp))
    return status(*failure);
  op.run(dx, pol, rp);
  return {};
}

/// Elements of a validated view, in bytes.
template <class T>
index_t bytes_of_elements(const nchw_view<T>& v) noexcept {
  return v.extent(0) * v.extent(1) * v.extent(2) * v.extent(3) *
         static_cast<index_t>(sizeof(std::remove_const_t<T>));
}

/// dx routed through the indices of a forward (max_pool2d_backward).
template <class T>
struct routed_backward {
  std::string_view name;
  nchw_view<const T> dy;
  nchw_view<const index_t> indices;

  problem validate(size_source in, extents4* dx) const {
    if (auto e = validate_view(name, "dy", dy)) return e;
    if (auto e = validate_view(name, "indices", indices)) return e;
    if (indices.extents() != dy.extents())
      return describe(name, "indices extents", to_text(indices.extents()),
                      "must equal the dy extents " + to_text(dy.extents()) +
                          " (both are shaped like the forward's output)");
    if (auto e = validate_dx_size<T>(name, in, dy.extent(0), dy.extent(1))) return e;
    *dx = {dy.extent(0), dy.extent(1), in.size.h, in.size.w};
    return validate_index_range(name, indices, in.size.h * in.size.w,
                                "the forward input " + to_text(in.size.h, in.size.w));
  }
  problem validate_dx(const nchw_view<T>& dx, const extents4& expected) const {
    return validate_output(name, "dx", dx, expected, named_input<T>{"dy", dy},
                           named_input<index_t>{"indices", indices});
  }
  index_t input_bytes() const noexcept {
    return bytes_of_elements(dy) + bytes_of_elements(indices);
  }
  void run(nchw_view<T> dx, const policy& pol, const resolved_policy& rp) const {
    // A dy of empty planes routes nothing (and may have no memory to point into).
    const bool nothing_routed = dy.empty();
    if (!nothing_routed && indices.stride(1) == 1 && runs_channels_last_backward(dy, dx)) {
      for_each_channel_run_parallel<T>(
          pol, rp, dy.extent(0), dy.extent(1), [&](index_t n, index_t c0, index_t c1, T*) {
            kernel::route_pixels(kernel::pixels_of(dy, n), kernel::pixels_of(indices, n),
                                 kernel::pixels_of(dx, n), c0, c1);
          });
      return;
    }
    const bool zero_ahead = kernel::beyond_caches(bytes_of_elements(dx));
    for_each_plane_parallel(pol, rp, dy.extent(0), dy.extent(1), [&](index_t n, index_t c) {
      if (nothing_routed) return kernel::zero_plane(kernel::plane_of(dx, n, c));
      kernel::route_plane(kernel::plane_of(dy, n, c), kernel::plane_of(indices, n, c),
                          kernel::plane_of(dx, n, c), zero_ahead);
    });
  }
};

/// Runs kernel::spread_windows_plane on every plane: windows `rows` x `cols`, taps
/// `dh` rows and `dw` columns apart.
template <class T, class Share>
void spread_windows(nchw_view<const T> dy, nchw_view<T> dx,
                    const std::vector<geometry::axis_window>& rows,
                    const std::vector<geometry::axis_window>& cols, index_t dh, index_t dw,
                    const Share& share, const policy& pol, const resolved_policy& rp) {
  if (!dy.empty() && runs_channels_last_backward(dy, dx)) {
    for_each_channel_run_parallel<T>(
        pol, rp, dy.extent(0), dy.extent(1), [&](index_t n, index_t c0, index_t c1, T* shares) {
          const kernel::pixels<T> to = kernel::pixels_of(dx, n);
          kernel::spread_windows_pixels(kernel::pixels_of(dy, n), to, rows.data(), cols.data(),
                                        dh * to.row_stride, dw * to.col_stride, share, c0, c1,
                                        shares);
        });
    return;
  }
  for_each_plane_parallel(pol, rp, dy.extent(0), dy.extent(1), [&](index_t n, index_t c) {
    const kernel::plane<T> to = kernel::plane_of(dx, n, c);
    kernel::spread_windows_plane(kernel::plane_of(dy, n, c), to, rows.data(), cols.data(),
                                 dh * to.row_stride, dw * to.col_stride, share);
  });
}

/// dx of a regular sum or average pooling (Share: kernel::sum_share or
/// kernel::window_average_share).
template <class T, class Share>
struct window_backward {
  std::string_view name;
  Share share;
  nchw_view<const T> dy;
  const pool2d_params& p;

  problem validate(size_source in, extents4* dx) const {
    if (auto e = validate_view(name, "dy", dy)) return e;
    if (auto e = validate_params(name, p)) return e;
    if (auto e = validate_dx_size<T>(name, in, dy.extent(0), dy.extent(1))) return e;
    hw out{};
    if (auto e = validate_output_size(name, in.size, p, &out)) return e;
    if (dy.extent(2) != out.h || dy.extent(3) != out.w)
      return describe(name, "dy extents", to_text(dy.extents()),
                      "must be " + to_text(extents4{dy.extent(0), dy.extent(1), out.h, out.w}) +
                          ", the forward's output for an input " + to_text(in.size.h, in.size.w) +
                          " (" + std::string(in.name) + ")");
    *dx = {dy.extent(0), dy.extent(1), in.size.h, in.size.w};
    return std::nullopt;
  }
  problem validate_dx(const nchw_view<T>& dx, const extents4& expected) const {
    return validate_output(name, "dx", dx, expected, named_input<T>{"dy", dy});
  }
  index_t input_bytes() const noexcept { return bytes_of_elements(dy); }
  void run(nchw_view<T> dx, const policy& pol, const resolved_policy& rp) const {
    const auto g = geometry::make_regular_windows({dx.extent(2), dx.extent(3)},
                                                  {dy.extent(2), dy.extent(3)}, p);
    // As in the forward: a dilation at or beyond the input's size leaves one tap.
    const index_t dh = std::min(g.h.dilation(), g.h.input_size());
    const index_t dw = std::min(g.w.dilation(), g.w.input_size());
    const auto rows = geometry::windows_of(g.h);
    const auto cols = geometry::windows_of(g.w);
    if (rp.isa != instruction_set::scalar && dx.stride(3) == 1 && !dy.empty()) {
      const auto divisor = [&] {
        if constexpr (std::is_same_v<Share, kernel::sum_share>) {
          return nullptr;
        } else {
          return [this](const geometry::axis_window& wh, const geometry::axis_window& ww) {
            return share.divisor(wh, ww);
          };
        }
      }();
      const kernel::spread_plan<T> plan(g, rows.data(), cols.data(), divisor);
      if (plan.usable()) return spread_vector(plan.job(), dx, pol, rp);
    }
    spread_windows(dy, dx, rows, cols, dh, dw, share, pol, rp);
  }

  /// The vector kernel on every plane, a zeroed ring of upsampled rows per task.
  void spread_vector(const kernel::spread_job<T>& job, nchw_view<T> dx, const policy& pol,
                     const resolved_policy& rp) const {
    const row_split split = split_rows(dy.extent(0), dy.extent(1), 1, rp.threads);
    parallel_for(pol, split.tasks, rp.threads, [&](index_t t) {
      std::vector<T> ring(static_cast<std::size_t>(job.scratch_elements()));
      split.for_each_piece(t, [&](index_t n, index_t c, index_t, index_t) {
        kernel::spread_plane(rp.isa, job, ring.data(), kernel::plane_of(dy, n, c),
                             kernel::plane_of(dx, n, c));
      });
    });
  }
};

/// dx of an adaptive sum or average pooling; `global` requires a 1 x 1 dy.
template <class T, class R>
struct bins_backward {
  std::string_view name;
  nchw_view<const T> dy;
  bool global;

  problem validate(size_source in, extents4* dx) const {
    if (auto e = validate_view(name, "dy", dy)) return e;
    if (global && (dy.extent(2) != 1 || dy.extent(3) != 1))
      return describe(name, "dy extents", to_text(dy.extents()),
                      "height and width must be 1, the output of a global pooling");
    if (dy.extent(2) < 1 || dy.extent(3) < 1)
      return describe(name, "dy extents", to_text(dy.extents()),
                      "height and width (the forward's output_size) must be >= 1");
    if (auto e = validate_dx_size<T>(name, in, dy.extent(0), dy.extent(1))) return e;
    // The bin formula computes (o + 1) * in: it must fit, as in the forward.
    constexpr index_t most = std::numeric_limits<index_t>::max();
    if (dy.extent(2) > most / (in.size.h + 1) || dy.extent(3) > most / (in.size.w + 1))
      return describe(name, "dy extents", to_text(dy.extents()),
                      "output size * (input size + 1) must fit in int64");
    *dx = {dy.extent(0), dy.extent(1), in.size.h, in.size.w};
    return std::nullopt;
  }
  problem validate_dx(const nchw_view<T>& dx, const extents4& expected) const {
    return validate_output(name, "dx", dx, expected, named_input<T>{"dy", dy});
  }
  index_t input_bytes() const noexcept { return bytes_of_elements(dy); }
  void run(nchw_view<T> dx, const policy& pol, const resolved_policy& rp) const {
    if (dy.extent(2) == 1 && dy.extent(3) == 1) {
      // PyTorch pools to 1 x 1 as a mean: one division (SPEC section 9).
      if (!dy.empty() && runs_channels_last_backward(dy, dx)) {
        for_each_channel_run_parallel<T>(
            pol, rp, dy.extent(0), dy.extent(1), [&](index_t n, index_t c0, index_t c1, T* shares) {
              kernel::spread_global_pixels(R{}, dy.data_handle() + dy.offset(n, 0, 0, 0),
                                           kernel::pixels_of(dx, n), c0, c1, shares);
            });
        return;
      }
      for_each_plane_parallel(pol, rp, dy.extent(0), dy.extent(1), [&](index_t n, index_t c) {
        kernel::spread_global_plane(R{}, dy(n, c, 0, 0), kernel::plane_of(dx, n, c));
      });
      return;
    }
    const auto rows = geometry::windows_of(geometry::adaptive_axis(dx.extent(2), dy.extent(2)));
    const auto cols = geometry::windows_of(geometry::adaptive_axis(dx.extent(3), dy.extent(3)));
    if constexpr (std::is_same_v<R, reduce::avg<T>>) {
      spread_windows(dy, dx, rows, cols, 1, 1, kernel::bin_average_share{}, pol, rp);
    } else {
      spread_windows(dy, dx, rows, cols, 1, 1, kernel::sum_share{}, pol, rp);
    }
  }
};

/// dx of Graham / TensorFlow fractional average pooling: window sums over the regions of
/// the forward's sequences, divided by each region's element count.
template <class T>
struct region_backward {
  std::string_view name;
  nchw_view<const T> dy;
  const pooling_sequences& s;
  bool overlapping;

  problem validate(size_source in, extents4* dx) const {
    if (auto e = validate_view(name, "dy", dy)) return e;
    if (auto e = validate_dx_size<T>(name, in, dy.extent(0), dy.extent(1))) return e;
    if (auto e = validate_sequence(name, "sequences.rows", s.rows, in.size.h)) return e;
    if (auto e = validate_sequence(name, "sequences.cols", s.cols, in.size.w)) return e;
    const extents4 expected{dy.extent(0), dy.extent(1), static_cast<index_t>(s.rows.size()) - 1,
                            static_cast<index_t>(s.cols.size()) - 1};
    if (dy.extents() != expected)
      return describe(name, "dy extents", to_text(dy.extents()),
                      "must be " + to_text(expected) + ", one output per region of the sequences");
    *dx = {dy.extent(0), dy.extent(1), in.size.h, in.size.w};
    return std::nullopt;
  }
  problem validate_dx(const nchw_view<T>& dx, const extents4& expected) const {
    return validate_output(name, "dx", dx, expected, named_input<T>{"dy", dy});
  }
  index_t input_bytes() const noexcept { return bytes_of_elements(dy); }
  void run(nchw_view<T> dx, const policy& pol, const resolved_policy& rp) const {
    spread_windows(dy, dx, geometry::graham_windows(s.rows, dx.extent(2), overlapping),
                   geometry::graham_windows(s.cols, dx.extent(3), overlapping), 1, 1,
                   kernel::region_average_share{}, pol, rp);
  }
};

/// dx of Lp / L2 pooling (Average = false) or the power average (true), from the
/// forward's input x and output y.
template <class T, bool Average>
struct power_backward {
  std::string_view name;
  double exponent;
  nchw_view<const T> dy, x, y;
  const pool2d_params& p;

  /// x decides the size: `in` (input_size or dx's extents) is checked against it by the
  /// front, through the dx extents this sets.
  problem validate(size_source, extents4* dx) const {
    if (auto e = validate_plane_input(name, x)) return e;
    if (auto e = validate_exponent(name, exponent)) return e;
    if (auto e = validate_params(name, p)) return e;
    hw out{};
    if (auto e = validate_output_size(name, {x.extent(2), x.extent(3)}, p, &out)) return e;
    const extents4 expected{x.extent(0), x.extent(1), out.h, out.w};
    for (const auto& [view, label] : {std::pair{dy, "dy"}, std::pair{y, "y"}}) {
      if (auto e = validate_view(name, label, view)) return e;
      if (view.extents() != expected)
        return describe(name, std::string(label) + " extents", to_text(view.extents()),
                        "must be " + to_text(expected) + ", the forward's output for x " +
                            to_text(x.extents()));
    }
    *dx = x.extents();
    return std::nullopt;
  }
  problem validate_dx(const nchw_view<T>& dx, const extents4& expected) const {
    return validate_output(name, "dx", dx, expected, named_input<T>{"dy", dy},
                           named_input<T>{"x", x}, named_input<T>{"y", y});
  }
  index_t input_bytes() const noexcept {
    return bytes_of_elements(dy) + bytes_of_elements(x) + bytes_of_elements(y);
  }
  void run(nchw_view<T> dx, const policy& pol, const resolved_policy& rp) const {
    const auto g =
        geometry::make_regular_windows({x.extent(2), x.extent(3)}, {y.extent(2), y.extent(3)}, p);
    const auto rows = geometry::windows_of(g.h);
    const auto cols = geometry::windows_of(g.w);
    const reduce::detail::divisor_rule rule{p.count_include_pad, p.divisor_override};
    const auto divisor = [&](window_counts counts) -> index_t {
      return Average ? rule.divisor(counts) : 1;
    };
    for_each_plane_parallel(pol, rp, x.extent(0), x.extent(1), [&](index_t n, index_t c) {
      kernel::spread_power_plane(exponent, divisor, kernel::plane_of(x, n, c),
                                 kernel::plane_of(y, n, c), kernel::plane_of(dy, n, c),
                                 kernel::plane_of(dx, n, c), g, rows.data(), cols.data());
    });
  }
};

/// The allocating form of a power-family backward (dx of x's extents).
template <bool Average, class DY, class X, class Y>
result<tensor<element_of<DY>>> power_backward_new(std::string_view name, double p, const DY& dy,
                                                  const X& x, const Y& y,
                                                  const pool2d_params& params, const policy& pol) {
  using T = element_of<DY>;
  require_float<T>();
  static_assert(std::is_same_v<element_of<X>, T> && std::is_same_v<element_of<Y>, T>,
                "poolkit: dy, x and y must have one element type");
  const auto in = as_input(x);
  return backward_new<T>(power_backward<T, Average>{name, p, as_input(dy), in, as_input(y), params},
                         {in.extent(2), in.extent(3)}, pol);
}

/// The into form of a power-family backward.
template <bool Average, class DY, class X, class Y, class DX>
status power_backward_into(std::string_view name, double p, const DY& dy, const X& x, const Y& y,
                           DX&& dx, const pool2d_params& params, const policy& pol) {
  using T = element_of<DY>;
  require_float<T>();
  static_assert(std::is_same_v<element_of<X>, T> && std::is_same_v<element_of<Y>, T>,
                "poolkit: dy, x and y must have one element type");
  return backward_into<T>(
      power_backward<T, Average>{name, p, as_input(dy), as_input(x), as_input(y), params},
      as_output(dx), pol);
}

/// Checks the inputs of max_unpool2d_backward: dy of the unpooled size, indices into it.
template <class T>
problem validate_unpool_backward(std::string_view op, const nchw_view<const T>& dy,
                                 const nchw_view<const index_t>& indices) {
  if (auto e = validate_view(op, "dy", dy)) return e;
  if (auto e = validate_view(op, "indices", indices)) return e;
  if (indices.extent(0) != dy.extent(0) || indices.extent(1) != dy.extent(1))
    return describe(op, "indices extents", to_text(indices.extents()),
                    "N and C must equal those of dy " + to_text(dy.extents()));
  if (indices.empty()) return std::nullopt;
  return validate_index_range(op, indices, dy.extent(2) * dy.extent(3),
                              "dy " + to_text(dy.extent(2), dy.extent(3)));
}

template <class T>
void run_unpool_backward(const nchw_view<const T>& dy, const nchw_view<const index_t>& indices,
                         nchw_view<T> dvalues, const policy& pol, const resolved_policy& rp) {
  if (indices.empty()) return;
  // A dy of empty planes: every index was validated to be -1, every value's gradient is 0
  // (and dy may have no memory to point into).
  const bool nothing_gathered = dy.empty();
  for_each_plane_parallel(pol, rp, indices.extent(0), indices.extent(1), [&](index_t n, index_t c) {
    if (nothing_gathered) return kernel::zero_plane(kernel::plane_of(dvalues, n, c));
    kernel::gather_plane(kernel::plane_of(dy, n, c), kernel::plane_of(indices, n, c),
                         kernel::plane_of(dvalues, n, c));
  });
}

template <class T>
result<tensor<T>> unpool_backward_new(nchw_view<const T> dy, nchw_view<const index_t> indices,
                                      const policy& pol) {
  constexpr std::string_view op = "max_unpool2d_backward";
  if (auto failure = validate_unpool_backward(op, dy, indices)) return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(
          op, pol, bytes_of_elements(indices) + traffic_bytes<T>(indices.extents(), {}), &rp))
    return status(*failure);
  tensor<T> dvalues(indices.extents(), tensor<T>::uninitialized);
  run_unpool_backward(dy, indices, dvalues.view(), pol, rp);
  return dvalues;
}

template <class T>
status unpool_backward_into(nchw_view<const T> dy, nchw_view<const index_t> indices,
                            nchw_view<T> dvalues, const policy& pol) {
  constexpr std::string_view op = "max_unpool2d_backward";
  if (auto failure = validate_unpool_backward(op, dy, indices)) return status(*failure);
  if (auto failure =
          validate_output(op, "dvalues", dvalues, indices.extents(), named_input<T>{"dy", dy},
                          named_input<index_t>{"indices", indices}))
    return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(
          op, pol, bytes_of_elements(indices) + traffic_bytes<T>(indices.extents(), {}), &rp))
    return status(*failure);
  run_unpool_backward(dy, indices, dvalues, pol, rp);
  return {};
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Routed by indices.

/// Non-throwing max_pool2d_backward(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<element_of<DY>>> try_max_pool2d_backward(const DY& dy, const I& indices,
                                                       hw input_size, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::routed_backward<T>{"max_pool2d_backward", as_input(dy), as_input(indices)},
      input_size, pol);
}
/// Gradient of every pooling that returns per-plane indices (max and min with indices,
/// adaptive max, fractional max of both families, stochastic training), with respect to
/// its input of size `input_size` {H, W}: dx = 0, then dx[index] += dy for every output
/// of a plane in row-major order (PyTorch's order); index -1 routes nothing.
/// @throws poolkit::error if indices and dy differ in extents or an index lies outside
///         the input plane; nothing is written.
template <readable_nchw DY, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<element_of<DY>> max_pool2d_backward(const DY& dy, const I& indices, hw input_size,
                                           const policy& pol = {}) {
  return detail::value_or_raise(try_max_pool2d_backward(dy, indices, input_size, pol));
}
/// Non-throwing max_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, readable_nchw I, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<I>, index_t> &&
           std::is_same_v<element_of<DY>, element_of<DX>>
status try_max_pool2d_backward(const DY& dy, const I& indices, DX&& dx, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::routed_backward<T>{"max_pool2d_backward", as_input(dy), as_input(indices)},
      as_output(dx), pol);
}
/// max_pool2d_backward() into the caller's `dx` of extents {N, C, H, W}, the forward
/// input's.
template <readable_nchw DY, readable_nchw I, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<I>, index_t> &&
           std::is_same_v<element_of<DY>, element_of<DX>>
void max_pool2d_backward(const DY& dy, const I& indices, DX&& dx, const policy& pol = {}) {
  detail::raise_if(try_max_pool2d_backward(dy, indices, std::forward<DX>(dx), pol));
}

// ---------------------------------------------------------------------------------------
// Window sums.

/// Non-throwing avg_pool2d_backward(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_avg_pool2d_backward(const DY& dy, hw input_size,
                                                       const pool2d_params& p,
                                                       const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::window_backward<T, kernel::window_average_share<T>>{
          "avg_pool2d_backward", {{p.count_include_pad, p.divisor_override}}, as_input(dy), p},
      input_size, pol);
}
/// Gradient of avg_pool2d() with parameters `p` (every option, dilation included) for an
/// input of size `input_size` {H, W}: dx = 0, then for every output in row-major order
/// dy / divisor (the forward's divisor) is added to each in-bounds tap of its window.
/// @throws poolkit::error if dy is not the forward's output shape; nothing is written.
template <readable_nchw DY>
tensor<element_of<DY>> avg_pool2d_backward(const DY& dy, hw input_size, const pool2d_params& p,
                                           const policy& pol = {}) {
  return detail::value_or_raise(try_avg_pool2d_backward(dy, input_size, p, pol));
}
/// Non-throwing avg_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_avg_pool2d_backward(const DY& dy, DX&& dx, const pool2d_params& p,
                               const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::window_backward<T, kernel::window_average_share<T>>{
          "avg_pool2d_backward", {{p.count_include_pad, p.divisor_override}}, as_input(dy), p},
      as_output(dx), pol);
}
/// avg_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void avg_pool2d_backward(const DY& dy, DX&& dx, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_avg_pool2d_backward(dy, std::forward<DX>(dx), p, pol));
}

/// Non-throwing sum_pool2d_backward(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_sum_pool2d_backward(const DY& dy, hw input_size,
                                                       const pool2d_params& p,
                                                       const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::window_backward<T, kernel::sum_share>{"sum_pool2d_backward", {}, as_input(dy), p},
      input_size, pol);
}
/// Gradient of sum_pool2d() with parameters `p`: dx = 0, then every output's dy is added
/// to each in-bounds tap of its window, outputs in row-major order.
/// @throws poolkit::error if dy is not the forward's output shape; nothing is written.
template <readable_nchw DY>
tensor<element_of<DY>> sum_pool2d_backward(const DY& dy, hw input_size, const pool2d_params& p,
                                           const policy& pol = {}) {
  return detail::value_or_raise(try_sum_pool2d_backward(dy, input_size, p, pol));
}
/// Non-throwing sum_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_sum_pool2d_backward(const DY& dy, DX&& dx, const pool2d_params& p,
                               const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::window_backward<T, kernel::sum_share>{"sum_pool2d_backward", {}, as_input(dy), p},
      as_output(dx), pol);
}
/// sum_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void sum_pool2d_backward(const DY& dy, DX&& dx, const pool2d_params& p, const policy& pol = {}) {
  detail::raise_if(try_sum_pool2d_backward(dy, std::forward<DX>(dx), p, pol));
}

// ---------------------------------------------------------------------------------------
// Adaptive and global bins.

/// Non-throwing adaptive_avg_pool2d_backward(): the same call, with the failure returned
/// as a poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_adaptive_avg_pool2d_backward(const DY& dy, hw input_size,
                                                                const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::bins_backward<T, reduce::avg<T>>{"adaptive_avg_pool2d_backward", as_input(dy), false},
      input_size, pol);
}
/// Gradient of adaptive_avg_pool2d() to dy's H x W from an input of size `input_size`:
/// for every bin in row-major order, (dy / bin_height) / bin_width is added to each of
/// its elements; a 1 x 1 dy gives dy / (H * W) everywhere (PyTorch's mean).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw DY>
tensor<element_of<DY>> adaptive_avg_pool2d_backward(const DY& dy, hw input_size,
                                                    const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_avg_pool2d_backward(dy, input_size, pol));
}
/// Non-throwing adaptive_avg_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_adaptive_avg_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::bins_backward<T, reduce::avg<T>>{"adaptive_avg_pool2d_backward", as_input(dy), false},
      as_output(dx), pol);
}
/// adaptive_avg_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void adaptive_avg_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  detail::raise_if(try_adaptive_avg_pool2d_backward(dy, std::forward<DX>(dx), pol));
}

/// Non-throwing adaptive_sum_pool2d_backward(): the same call, with the failure returned
/// as a poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_adaptive_sum_pool2d_backward(const DY& dy, hw input_size,
                                                                const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::bins_backward<T, reduce::sum<T>>{"adaptive_sum_pool2d_backward", as_input(dy), false},
      input_size, pol);
}
/// Gradient of adaptive_sum_pool2d(): every bin's dy is added to each of its elements,
/// bins in row-major order.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw DY>
tensor<element_of<DY>> adaptive_sum_pool2d_backward(const DY& dy, hw input_size,
                                                    const policy& pol = {}) {
  return detail::value_or_raise(try_adaptive_sum_pool2d_backward(dy, input_size, pol));
}
/// Non-throwing adaptive_sum_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_adaptive_sum_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::bins_backward<T, reduce::sum<T>>{"adaptive_sum_pool2d_backward", as_input(dy), false},
      as_output(dx), pol);
}
/// adaptive_sum_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void adaptive_sum_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  detail::raise_if(try_adaptive_sum_pool2d_backward(dy, std::forward<DX>(dx), pol));
}

/// Non-throwing global_avg_pool2d_backward(): the same call, with the failure returned as
/// a poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_global_avg_pool2d_backward(const DY& dy, hw input_size,
                                                              const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::bins_backward<T, reduce::avg<T>>{"global_avg_pool2d_backward", as_input(dy), true},
      input_size, pol);
}
/// Gradient of global_avg_pool2d() (dy of extents {N, C, 1, 1}) for an input of size
/// `input_size`: dy / (H * W) at every element (PyTorch's mean, one division).
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw DY>
tensor<element_of<DY>> global_avg_pool2d_backward(const DY& dy, hw input_size,
                                                  const policy& pol = {}) {
  return detail::value_or_raise(try_global_avg_pool2d_backward(dy, input_size, pol));
}
/// Non-throwing global_avg_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_global_avg_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::bins_backward<T, reduce::avg<T>>{"global_avg_pool2d_backward", as_input(dy), true},
      as_output(dx), pol);
}
/// global_avg_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void global_avg_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  detail::raise_if(try_global_avg_pool2d_backward(dy, std::forward<DX>(dx), pol));
}

/// Non-throwing global_sum_pool2d_backward(): the same call, with the failure returned as
/// a poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_global_sum_pool2d_backward(const DY& dy, hw input_size,
                                                              const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(
      detail::bins_backward<T, reduce::sum<T>>{"global_sum_pool2d_backward", as_input(dy), true},
      input_size, pol);
}
/// Gradient of global_sum_pool2d() (dy of extents {N, C, 1, 1}): dy at every element.
/// @throws poolkit::error on invalid input; nothing is written.
template <readable_nchw DY>
tensor<element_of<DY>> global_sum_pool2d_backward(const DY& dy, hw input_size,
                                                  const policy& pol = {}) {
  return detail::value_or_raise(try_global_sum_pool2d_backward(dy, input_size, pol));
}
/// Non-throwing global_sum_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_global_sum_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(
      detail::bins_backward<T, reduce::sum<T>>{"global_sum_pool2d_backward", as_input(dy), true},
      as_output(dx), pol);
}
/// global_sum_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void global_sum_pool2d_backward(const DY& dy, DX&& dx, const policy& pol = {}) {
  detail::raise_if(try_global_sum_pool2d_backward(dy, std::forward<DX>(dx), pol));
}

// ---------------------------------------------------------------------------------------
// Fractional average pooling (Graham / TensorFlow).

/// Non-throwing fractional_avg_pool2d_backward(): the same call, with the failure returned
/// as a poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY>
result<tensor<element_of<DY>>> try_fractional_avg_pool2d_backward(
    const DY& dy, hw input_size, const pooling_sequences& sequences, bool overlapping,
    const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_new<T>(detail::region_backward<T>{"fractional_avg_pool2d_backward",
                                                            as_input(dy), sequences, overlapping},
                                 input_size, pol);
}
/// Gradient of Graham / TensorFlow fractional_avg_pool2d() over the regions of
/// `sequences` (the forward's, as it returned them) and `overlapping` (the forward's
/// setting), for an input of size `input_size`: dx = 0, then for every output in
/// row-major order dy / (the region's element count) is added to each of its elements.
/// @throws poolkit::error if the sequences do not fit the input size or dy; nothing is
///         written.
template <readable_nchw DY>
tensor<element_of<DY>> fractional_avg_pool2d_backward(const DY& dy, hw input_size,
                                                      const pooling_sequences& sequences,
                                                      bool overlapping, const policy& pol = {}) {
  return detail::value_or_raise(
      try_fractional_avg_pool2d_backward(dy, input_size, sequences, overlapping, pol));
}
/// Non-throwing fractional_avg_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_fractional_avg_pool2d_backward(const DY& dy, DX&& dx, const pooling_sequences& sequences,
                                          bool overlapping, const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::backward_into<T>(detail::region_backward<T>{"fractional_avg_pool2d_backward",
                                                             as_input(dy), sequences, overlapping},
                                  as_output(dx), pol);
}
/// fractional_avg_pool2d_backward() into the caller's `dx` of the forward input's extents.
template <readable_nchw DY, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void fractional_avg_pool2d_backward(const DY& dy, DX&& dx, const pooling_sequences& sequences,
                                    bool overlapping, const policy& pol = {}) {
  detail::raise_if(
      try_fractional_avg_pool2d_backward(dy, std::forward<DX>(dx), sequences, overlapping, pol));
}

// ---------------------------------------------------------------------------------------
// The power family: dy, the forward's input x and its output y.

/// Non-throwing lp_pool2d_backward(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY, readable_nchw X, readable_nchw Y>
result<tensor<element_of<DY>>> try_lp_pool2d_backward(const DY& dy, const X& x, const Y& y,
                                                      double p, const pool2d_params& params,
                                                      const policy& pol = {}) {
  return detail::power_backward_new<false>("lp_pool2d_backward", p, dy, x, y, params, pol);
}
/// Gradient of lp_pool2d() with exponent p and parameters `params`, given the forward's
/// input `x` and output `y`: for each in-bounds tap, dx += dy * sign(x) * (|x| / y)^(p-1)
/// (outputs in row-major order); a window with y = 0 routes nothing; p = infinity routes
/// dy, with x's sign, to the window's first tap of largest |x|. Relative error <= 1e-5 in
/// float (SPEC section 9).
/// @throws poolkit::error on invalid parameters or extents that do not fit x; nothing is
///         written.
template <readable_nchw DY, readable_nchw X, readable_nchw Y>
tensor<element_of<DY>> lp_pool2d_backward(const DY& dy, const X& x, const Y& y, double p,
                                          const pool2d_params& params, const policy& pol = {}) {
  return detail::value_or_raise(try_lp_pool2d_backward(dy, x, y, p, params, pol));
}
/// Non-throwing lp_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, readable_nchw X, readable_nchw Y, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_lp_pool2d_backward(const DY& dy, const X& x, const Y& y, DX&& dx, double p,
                              const pool2d_params& params, const policy& pol = {}) {
  return detail::power_backward_into<false>("lp_pool2d_backward", p, dy, x, y, std::forward<DX>(dx),
                                            params, pol);
}
/// lp_pool2d_backward() into the caller's `dx` of x's extents.
template <readable_nchw DY, readable_nchw X, readable_nchw Y, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void lp_pool2d_backward(const DY& dy, const X& x, const Y& y, DX&& dx, double p,
                        const pool2d_params& params, const policy& pol = {}) {
  detail::raise_if(try_lp_pool2d_backward(dy, x, y, std::forward<DX>(dx), p, params, pol));
}

/// Non-throwing l2_pool2d_backward(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY, readable_nchw X, readable_nchw Y>
result<tensor<element_of<DY>>> try_l2_pool2d_backward(const DY& dy, const X& x, const Y& y,
                                                      const pool2d_params& params,
                                                      const policy& pol = {}) {
  return detail::power_backward_new<false>("l2_pool2d_backward", 2.0, dy, x, y, params, pol);
}
/// Gradient of l2_pool2d(), given the forward's input `x` and output `y`: dy * x / y for
/// each in-bounds tap (lp_pool2d_backward() with p = 2).
/// @throws poolkit::error on invalid parameters or extents that do not fit x; nothing is
///         written.
template <readable_nchw DY, readable_nchw X, readable_nchw Y>
tensor<element_of<DY>> l2_pool2d_backward(const DY& dy, const X& x, const Y& y,
                                          const pool2d_params& params, const policy& pol = {}) {
  return detail::value_or_raise(try_l2_pool2d_backward(dy, x, y, params, pol));
}
/// Non-throwing l2_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, readable_nchw X, readable_nchw Y, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_l2_pool2d_backward(const DY& dy, const X& x, const Y& y, DX&& dx,
                              const pool2d_params& params, const policy& pol = {}) {
  return detail::power_backward_into<false>("l2_pool2d_backward", 2.0, dy, x, y,
                                            std::forward<DX>(dx), params, pol);
}
/// l2_pool2d_backward() into the caller's `dx` of x's extents.
template <readable_nchw DY, readable_nchw X, readable_nchw Y, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void l2_pool2d_backward(const DY& dy, const X& x, const Y& y, DX&& dx, const pool2d_params& params,
                        const policy& pol = {}) {
  detail::raise_if(try_l2_pool2d_backward(dy, x, y, std::forward<DX>(dx), params, pol));
}

/// Non-throwing power_avg_pool2d_backward(): the same call, with the failure returned as
/// a poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY, readable_nchw X, readable_nchw Y>
result<tensor<element_of<DY>>> try_power_avg_pool2d_backward(const DY& dy, const X& x, const Y& y,
                                                             double p, const pool2d_params& params,
                                                             const policy& pol = {}) {
  return detail::power_backward_new<true>("power_avg_pool2d_backward", p, dy, x, y, params, pol);
}
/// Gradient of power_avg_pool2d(): as lp_pool2d_backward(), each tap's share also divided
/// by the window's divisor (the average's rule; p = infinity routes without dividing).
/// @throws poolkit::error on invalid parameters or extents that do not fit x; nothing is
///         written.
template <readable_nchw DY, readable_nchw X, readable_nchw Y>
tensor<element_of<DY>> power_avg_pool2d_backward(const DY& dy, const X& x, const Y& y, double p,
                                                 const pool2d_params& params,
                                                 const policy& pol = {}) {
  return detail::value_or_raise(try_power_avg_pool2d_backward(dy, x, y, p, params, pol));
}
/// Non-throwing power_avg_pool2d_backward() into the caller's `dx`.
template <readable_nchw DY, readable_nchw X, readable_nchw Y, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
status try_power_avg_pool2d_backward(const DY& dy, const X& x, const Y& y, DX&& dx, double p,
                                     const pool2d_params& params, const policy& pol = {}) {
  return detail::power_backward_into<true>("power_avg_pool2d_backward", p, dy, x, y,
                                           std::forward<DX>(dx), params, pol);
}
/// power_avg_pool2d_backward() into the caller's `dx` of x's extents.
template <readable_nchw DY, readable_nchw X, readable_nchw Y, class DX>
  requires writable_nchw<DX> && std::is_same_v<element_of<DY>, element_of<DX>>
void power_avg_pool2d_backward(const DY& dy, const X& x, const Y& y, DX&& dx, double p,
                               const pool2d_params& params, const policy& pol = {}) {
  detail::raise_if(try_power_avg_pool2d_backward(dy, x, y, std::forward<DX>(dx), p, params, pol));
}

// ---------------------------------------------------------------------------------------
// Max unpooling.

/// Non-throwing max_unpool2d_backward(): the same call, with the failure returned as a
/// poolkit::result instead of thrown (works with -fno-exceptions).
template <readable_nchw DY, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
result<tensor<element_of<DY>>> try_max_unpool2d_backward(const DY& dy, const I& indices,
                                                         const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::unpool_backward_new<T>(as_input(dy), as_input(indices), pol);
}
/// Gradient of max_unpool2d() with respect to its values: dvalues = dy[index] per plane
/// (a gather), 0 for index -1; extents of `indices`. `dy` has the unpooled output's
/// extents.
/// @throws poolkit::error if an index lies outside a dy plane; nothing is written.
template <readable_nchw DY, readable_nchw I>
  requires std::is_same_v<element_of<I>, index_t>
tensor<element_of<DY>> max_unpool2d_backward(const DY& dy, const I& indices,
                                             const policy& pol = {}) {
  return detail::value_or_raise(try_max_unpool2d_backward(dy, indices, pol));
}
/// Non-throwing max_unpool2d_backward() into the caller's `dvalues`.
template <readable_nchw DY, readable_nchw I, class DV>
  requires writable_nchw<DV> && std::is_same_v<element_of<I>, index_t> &&
           std::is_same_v<element_of<DY>, element_of<DV>>
status try_max_unpool2d_backward(const DY& dy, const I& indices, DV&& dvalues,
                                 const policy& pol = {}) {
  using T = element_of<DY>;
  detail::require_float<T>();
  return detail::unpool_backward_into<T>(as_input(dy), as_input(indices), as_output(dvalues), pol);
}
/// max_unpool2d_backward() into the caller's `dvalues` of the extents of `indices`.
template <readable_nchw DY, readable_nchw I, class DV>
  requires writable_nchw<DV> && std::is_same_v<element_of<I>, index_t> &&
           std::is_same_v<element_of<DY>, element_of<DV>>
void max_unpool2d_backward(const DY& dy, const I& indices, DV&& dvalues, const policy& pol = {}) {
  detail::raise_if(try_max_unpool2d_backward(dy, indices, std::forward<DV>(dvalues), pol));
}

/// \}

POOLKIT_END_NAMESPACE
