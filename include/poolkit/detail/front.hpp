// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// The generic front of an operation with one input and one output (and, below, of one
// with values and indices). Every public form of
// such an operation (throwing or try_, allocating or into the caller's view) is one line
// over run_new or run_into, given an operation object that says three things:
//
//   std::string_view name;                                  // for messages: "max_pool2d"
//   problem validate(const nchw_view<const T>& x,           // the operation's own rules;
//                    extents4* out) const;                  //   sets the output extents
//   void run(nchw_view<const T> x, nchw_view<T> y,          // the work, on valid input
//            const policy& pol, const resolved_policy& rp) const;
//
// The front adds what every operation shares, in one order: the operation's rules, then
// the caller's output view (extents, no overlap with x), then the policy; nothing is
// written unless all pass. A new operation therefore costs one validate and one run.
#pragma once

#include <poolkit/detail/validate_view.hpp>
#include <poolkit/error.hpp>
#include <poolkit/policy/resolve.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

/// Validates, then runs `op` into a new tensor.
template <class T, class Op>
result<tensor<T>> run_new(const Op& op, nchw_view<const T> x, const policy& pol) {
  extents4 out{};
  if (auto failure = op.validate(x, &out)) return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op.name, pol, traffic_bytes<T>(x.extents(), out), &rp))
    return status(*failure);
  tensor<T> y(out, tensor<T>::uninitialized);
  op.run(x, y.view(), pol, rp);
  return y;
}

/// Validates, then runs `op` into the caller's view `y`.
template <class T, class Op>
status run_into(const Op& op, nchw_view<const T> x, nchw_view<T> y, const policy& pol) {
  extents4 out{};
  if (auto failure = op.validate(x, &out)) return status(*failure);
  if (auto failure = validate_output(op.name, "y", y, out, named_input<T>{"x", x}))
    return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op.name, pol, traffic_bytes<T>(x.extents(), out), &rp))
    return status(*failure);
  op.run(x, y, pol, rp);
  return {};
}

// Operations with one input and two outputs, the values and the index of each value's tap
// (max/min with indices, adaptive max with indices), have the same front with a run that
// takes both outputs:
//
//   void run(nchw_view<const T> x, nchw_view<T> y, nchw_view<index_t> indices,
//            const policy& pol, const resolved_policy& rp) const;
//
// The allocating form returns a `Pair` {values, indices} (pooled_with_indices<T>).

/// Validates, then runs `op` into new values and indices.
template <class Pair, class T, class Op>
result<Pair> run_new_with_indices(const Op& op, nchw_view<const T> x, const policy& pol) {
  extents4 out{};
  if (auto failure = op.validate(x, &out)) return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op.name, pol, traffic_bytes<T>(x.extents(), out), &rp))
    return status(*failure);
  Pair r{tensor<T>(out, tensor<T>::uninitialized),
         tensor<index_t>(out, tensor<index_t>::uninitialized)};
  op.run(x, r.values.view(), r.indices.view(), pol, rp);
  return r;
}

/// Validates, then runs `op` into the caller's views `y` and `indices`.
template <class T, class Op>
status run_into_with_indices(const Op& op, nchw_view<const T> x, nchw_view<T> y,
                             nchw_view<index_t> indices, const policy& pol) {
  extents4 out{};
  if (auto failure = op.validate(x, &out)) return status(*failure);
  if (auto failure = validate_output(op.name, "y", y, out, named_input<T>{"x", x}))
    return status(*failure);
  if (auto failure = validate_output(op.name, "indices", indices, out, named_input<T>{"x", x},
                                     named_input<T>{"y", y}))
    return status(*failure);
  resolved_policy rp;
  if (auto failure = resolve_policy(op.name, pol, traffic_bytes<T>(x.extents(), out), &rp))
    return status(*failure);
  op.run(x, y, indices, pol, rp);
  return {};
}

}  // namespace detail
POOLKIT_END_NAMESPACE
