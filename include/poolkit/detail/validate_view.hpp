// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// Checks on views at the operation boundary: extents, null data, byte-size overflow,
// output shape, outputs that alias themselves or overlap an input. Kernels run only on
// views that passed these checks, so they never re-check anything.
#pragma once

#include <poolkit/config.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <poolkit/detail/checked.hpp>
#include <poolkit/detail/text.hpp>
#include <poolkit/error.hpp>
#include <poolkit/tensor.hpp>

POOLKIT_BEGIN_NAMESPACE
namespace detail {

/// Byte range [begin, end) that a view's elements occupy; empty for an empty view.
struct byte_range {
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
  bool empty() const noexcept { return begin == end; }
  bool overlaps(const byte_range& o) const noexcept {
    return !empty() && !o.empty() && begin < o.end && o.begin < end;
  }
};

/// Offsets (in elements) of the lowest and highest element of a non-empty view, or
/// nothing if they overflow int64. Strides may be negative.
struct element_span {
  index_t lowest = 0;
  index_t highest = 0;
};

inline std::optional<element_span> span_of(const extents4& e, const extents4& s) noexcept {
  checked_int lo = 0;
  checked_int hi = 0;
  for (std::size_t r = 0; r < 4; ++r) {
    const checked_int reach = checked_mul(e[r] - 1, s[r]);
    if (reach && *reach < 0) {
      lo = checked_add(lo, reach);
    } else {
      hi = checked_add(hi, reach);
    }
  }
  if (!lo || !hi) return std::nullopt;
  return element_span{*lo, *hi};
}

/// Validates a view the operation reads or writes: non-negative extents, a non-null
/// pointer when there are elements, element count and address span that fit in bytes.
template <class T>
problem validate_view(std::string_view op, std::string_view name, const nchw_view<T>& v) {
  const std::string param(name);
  for (std::size_t r = 0; r < 4; ++r) {
    if (v.extent(r) < 0)
      return describe(op, param + " extents", to_text(v.extents()), "every extent must be >= 0");
  }
  checked_int count = 1;
  for (std::size_t r = 0; r < 4; ++r) count = checked_mul(count, v.extent(r));
  if (!count || !checked_mul(count, static_cast<index_t>(sizeof(T))))
    return describe(op, param + " extents", to_text(v.extents()),
                    "the size in bytes overflows int64");
  if (*count == 0) return std::nullopt;
  if (v.data_handle() == nullptr)
    return describe(op, param + " data_handle()", "nullptr",
                    "must not be null for a view with extents " + to_text(v.extents()));
  const auto span = span_of(v.extents(), v.strides());
  if (!span || !checked_mul(checked_add(checked_sub(span->highest, span->lowest), 1),
                            static_cast<index_t>(sizeof(T))))
    return describe(
        op, param + " strides", to_text(v.strides()),
        "the address span of extents " + to_text(v.extents()) + " overflows int64 bytes");
  return std::nullopt;
}

/// Validates the input of a pooling: a valid view with a non-empty H x W plane.
template <class T>
problem validate_plane_input(std::string_view op, const nchw_view<const T>& x) {
  if (auto e = validate_view(op, "x", x)) return e;
  if (x.extent(2) < 1 || x.extent(3) < 1)
    return describe(op, "x extents", to_text(x.extents()),
                    "height and width must be >= 1 (pooling needs a non-empty plane)");
  return std::nullopt;
}

/// The bytes a validated view touches.
template <class T>
byte_range bytes_of(const nchw_view<T>& v) noexcept {
  if (v.empty()) return {};
  const auto span = span_of(v.extents(), v.strides());
  const auto base = reinterpret_cast<std::uintptr_t>(v.data_handle());
  const auto elem = static_cast<std::uintptr_t>(sizeof(T));
  // Offsets were validated to fit; unsigned arithmetic wraps exactly like the addresses.
  return {base + static_cast<std::uintptr_t>(span->lowest) * elem,
          base + (static_cast<std::uintptr_t>(span->highest) + 1) * elem};
}

/// True when no two elements of the view share an address: sorted by |stride|, every
/// dimension steps over everything the smaller ones span. (Sufficient, and true for
/// every ordinary layout: contiguous, sliced, cropped, padded, permuted.)
inline bool has_unique_elements(const extents4& e, const extents4& s) noexcept {
  // A view without elements addresses nothing, whatever its strides (a tensor of extents
  // {2, 0, 2, 2} has stride 0 for N: found by the hardening tests' empty batches).
  for (index_t n : e)
    if (n == 0) return true;
  std::array<std::size_t, 4> order{0, 1, 2, 3};
  const auto magnitude = [&](std::size_t r) { return s[r] < 0 ? -s[r] : s[r]; };
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return magnitude(a) < magnitude(b); });
  index_t covered = 1;  // elements spanned by the dimensions seen so far, plus one
  for (std::size_t r : order) {
    if (e[r] <= 1) continue;
    if (magnitude(r) < covered) return false;
    covered = magnitude(r) * (e[r] - 1) + covered;
  }
  return true;
}

/// An input view with its parameter name, for overlap messages.
template <class T>
struct named_input {
  std::string_view name;
  nchw_view<const T> view;
};

/// Validates an output view: valid as a view, the expected extents, no element written
/// twice, and no byte shared with any of the inputs.
template <class T, class... Inputs>
problem validate_output(std::string_view op, std::string_view name, const nchw_view<T>& y,
                        const extents4& expected, const Inputs&... inputs) {
  const std::string param(name);
  if (y.extents() != expected)
    return describe(op, param + " extents", to_text(y.extents()),
                    "must be " + to_text(expected) + ", the shape this call produces");
  if (auto p = validate_view(op, name, y)) return p;
  if (!has_unique_elements(y.extents(), y.strides()))
    return describe(
        op, param + " strides", to_text(y.strides()),
        "an output must not address one element twice (extents " + to_text(y.extents()) + ")");
  const byte_range out = bytes_of(y);
  problem overlap;
  const auto check = [&](const auto& input) {
    if (!overlap && out.overlaps(bytes_of(input.view)))
      overlap = describe(op, param, "a view sharing memory with " + std::string(input.name),
                         "the output must not overlap an input");
  };
  (check(inputs), ...);
  return overlap;
}

}  // namespace detail
POOLKIT_END_NAMESPACE
