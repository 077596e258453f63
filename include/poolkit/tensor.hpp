// poolkit: header-only pooling kernels for NCHW tensors.
// SPDX-License-Identifier: MIT
//
// nchw_view<T>: a non-owning rank-4 view (pointer, 4 extents, 4 strides in elements),
// named and shaped like std::mdspan so it can become one later.
// tensor<T>: a small owning, contiguous, 64-byte aligned NCHW array.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace poolkit {

/// \addtogroup views
/// \{

/// Index type of every extent, stride and index: signed 64-bit (SPEC section 1).
using index_t = std::int64_t;

/// Four extents or four strides, in N, C, H, W order.
using extents4 = std::array<index_t, 4>;

namespace detail {
/// Row-major (NCHW-contiguous) strides for the given extents. Computed with wrapping
/// unsigned arithmetic so that absurd extents never cause undefined behaviour here;
/// validation at the operation boundary rejects them with a clear message.
constexpr extents4 contiguous_strides(const extents4& e) noexcept {
  std::uint64_t s = 1;
  extents4 strides{};
  for (int r = 3; r >= 0; --r) {
    strides[static_cast<std::size_t>(r)] = static_cast<index_t>(s);
    s *= static_cast<std::uint64_t>(e[static_cast<std::size_t>(r)]);
  }
  return strides;
}
}  // namespace detail

/// A non-owning view of an NCHW tensor: data pointer, four extents and four strides,
/// all counted in elements. Trivially copyable; pass it by value.
///
/// `T` may be const-qualified (`nchw_view<const float>` for inputs). Strides may be
/// anything: channel slices, cropped planes, padded row pitch. Contiguous views are the
/// fast path, not the only path.
///
/// @code
/// std::vector<float> v(16);
/// poolkit::nchw_view<const float> x(v.data(), {1, 1, 4, 4});            // contiguous
/// poolkit::nchw_view<const float> y(v.data(), {1, 1, 2, 2}, {16, 16, 8, 2});  // strided
/// @endcode
template <class T>
class nchw_view {
 public:
  /// Member types, named as std::mdspan names them.
  ///@{
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using index_type = index_t;
  using data_handle_type = T*;
  using reference = T&;
  ///@}

  /// An empty view: null data, all extents 0.
  constexpr nchw_view() noexcept = default;

  /// A contiguous (row-major NCHW) view over `data`.
  constexpr nchw_view(T* data, const extents4& extents) noexcept
      : data_(data), extents_(extents), strides_(detail::contiguous_strides(extents)) {}

  /// A view with explicit strides, in elements, for N, C, H, W.
  constexpr nchw_view(T* data, const extents4& extents, const extents4& strides) noexcept
      : data_(data), extents_(extents), strides_(strides) {}

  /// A view of `U` converts to a view of `const U`.
  template <class U>
    requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>)
  constexpr nchw_view(const nchw_view<U>& other) noexcept  // NOLINT: implicit by design
      : data_(other.data_handle()), extents_(other.extents()), strides_(other.strides()) {}

  /// Shape and memory, as std::mdspan: rank 4; extent and stride (in elements) of
  /// dimension r = 0 (N), 1 (C), 2 (H), 3 (W); all four; the pointer to element (0,0,0,0).
  ///@{
  static constexpr std::size_t rank() noexcept { return 4; }
  constexpr index_t extent(std::size_t r) const noexcept { return extents_[r]; }
  constexpr index_t stride(std::size_t r) const noexcept { return strides_[r]; }
  constexpr const extents4& extents() const noexcept { return extents_; }
  constexpr const extents4& strides() const noexcept { return strides_; }
  constexpr T* data_handle() const noexcept { return data_; }
  ///@}

  /// Number of elements (the product of the extents).
  constexpr index_t size() const noexcept {
    return extents_[0] * extents_[1] * extents_[2] * extents_[3];
  }
  /// True when the view has no element.
  constexpr bool empty() const noexcept { return size() == 0; }

  /// True when the view is laid out as a contiguous NCHW array (extents of 1 may have
  /// any stride, as in PyTorch).
  constexpr bool is_contiguous() const noexcept {
    const extents4 dense = detail::contiguous_strides(extents_);
    for (std::size_t r = 0; r < 4; ++r) {
      if (extents_[r] != 1 && strides_[r] != dense[r]) return false;
    }
    return true;
  }

  /// Offset in elements of element (n, c, h, w) from data_handle().
  constexpr index_t offset(index_t n, index_t c, index_t h, index_t w) const noexcept {
    return n * strides_[0] + c * strides_[1] + h * strides_[2] + w * strides_[3];
  }

  /// Element access. No bounds check (like std::mdspan).
  constexpr T& operator()(index_t n, index_t c, index_t h, index_t w) const noexcept {
    return data_[offset(n, c, h, w)];
  }

 private:
  T* data_ = nullptr;
  extents4 extents_{};
  extents4 strides_{};
};

/// A small owning NCHW tensor: contiguous, 64-byte aligned, value semantics (copies
/// are deep). What the allocating forms of the operations return.
template <class T>
class tensor {
  static_assert(std::is_trivially_copyable_v<T> && !std::is_const_v<T>,
                "poolkit::tensor<T>: T must be a non-const trivially copyable type");

 public:
  /// Member types, named as std::mdspan names them.
  ///@{
  using element_type = T;
  using value_type = T;
  using index_type = index_t;
  ///@}

  /// Alignment of every tensor's data, in bytes (one cache line, a full AVX-512 vector).
  static constexpr std::size_t alignment = 64;

  /// An empty tensor (all extents 0).
  tensor() = default;

  /// A zero-filled tensor with the given extents. Extents must be non-negative.
  explicit tensor(const extents4& extents) : tensor(extents, uninitialized) {
    // memset/memcpy rather than loops: member functions of types shared between
    // translation units must not carry ISA-specific code (see config.hpp).
    if (size() > 0) std::memset(data_.get(), 0, static_cast<std::size_t>(size()) * sizeof(T));
  }

  /// Tag for the constructor that leaves the elements uninitialised; the operations
  /// use it for outputs they overwrite completely.
  struct uninitialized_t {
    explicit uninitialized_t() = default;
  };
  /// The tag's value: `tensor<float> t(extents, tensor<float>::uninitialized);`.
  static constexpr uninitialized_t uninitialized{};

  /// A tensor with the given extents whose elements are left uninitialised.
  tensor(const extents4& extents, uninitialized_t) : extents_(extents) {
    data_.reset(allocate(static_cast<std::size_t>(size())));
  }

  /// Deep copy; moves leave the source empty.
  ///@{
  tensor(const tensor& other) : tensor(other.extents_, uninitialized) {
    if (size() > 0)
      std::memcpy(data_.get(), other.data_.get(), static_cast<std::size_t>(size()) * sizeof(T));
  }
  tensor& operator=(const tensor& other) {
    if (this != &other) *this = tensor(other);
    return *this;
  }
  tensor(tensor&& other) noexcept
      : data_(std::move(other.data_)), extents_(std::exchange(other.extents_, extents4{})) {}
  tensor& operator=(tensor&& other) noexcept {
    data_ = std::move(other.data_);
    extents_ = std::exchange(other.extents_, extents4{});
    return *this;
  }
  ///@}
  ~tensor() = default;

  /// Shape and memory, as nchw_view (strides are always the contiguous ones); size() is
  /// the number of elements.
  ///@{
  static constexpr std::size_t rank() noexcept { return 4; }
  index_t extent(std::size_t r) const noexcept { return extents_[r]; }
  index_t stride(std::size_t r) const noexcept { return strides()[r]; }
  const extents4& extents() const noexcept { return extents_; }
  extents4 strides() const noexcept { return detail::contiguous_strides(extents_); }
  T* data_handle() noexcept { return data_.get(); }
  const T* data_handle() const noexcept { return data_.get(); }
  index_t size() const noexcept { return extents_[0] * extents_[1] * extents_[2] * extents_[3]; }
  bool empty() const noexcept { return size() == 0; }
  ///@}

  /// All elements in NCHW order.
  ///@{
  std::span<T> values() noexcept { return {data_.get(), static_cast<std::size_t>(size())}; }
  std::span<const T> values() const noexcept {
    return {data_.get(), static_cast<std::size_t>(size())};
  }
  ///@}

  /// Element (n, c, h, w). No bounds check.
  ///@{
  T& operator()(index_t n, index_t c, index_t h, index_t w) noexcept { return view()(n, c, h, w); }
  const T& operator()(index_t n, index_t c, index_t h, index_t w) const noexcept {
    return view()(n, c, h, w);
  }
  ///@}

  /// A view of the whole tensor; a tensor also converts to a read-only view, so it can be
  /// passed wherever an input view is taken.
  ///@{
  nchw_view<T> view() noexcept { return {data_.get(), extents_}; }
  nchw_view<const T> view() const noexcept { return {data_.get(), extents_}; }
  // NOLINTNEXTLINE: implicit by design
  operator nchw_view<const T>() const noexcept { return view(); }
  ///@}

 private:
  struct aligned_delete {
    void operator()(T* p) const noexcept { ::operator delete(p, std::align_val_t{alignment}); }
  };

  static T* allocate(std::size_t count) {
    if (count == 0) return nullptr;
    return static_cast<T*>(::operator new(count * sizeof(T), std::align_val_t{alignment}));
  }

  std::unique_ptr<T, aligned_delete> data_;
  extents4 extents_{};
};

/// The element type of a view or tensor, without const.
template <class X>
using element_of = std::remove_cv_t<typename std::remove_cvref_t<X>::element_type>;

namespace detail {

template <class X>
struct is_view : std::false_type {};
template <class T>
struct is_view<nchw_view<T>> : std::true_type {};
template <class X>
struct is_tensor : std::false_type {};
template <class T>
struct is_tensor<tensor<T>> : std::true_type {};

}  // namespace detail

/// Something an operation can read: an nchw_view (const or not) or a tensor.
template <class X>
concept readable_nchw = detail::is_view<std::remove_cvref_t<X>>::value ||
                        detail::is_tensor<std::remove_cvref_t<X>>::value;

/// Something an operation can write: an nchw_view of non-const elements, or a
/// non-const tensor (lvalue).
template <class Y>
concept writable_nchw =
    (detail::is_view<std::remove_cvref_t<Y>>::value &&
     !std::is_const_v<typename std::remove_cvref_t<Y>::element_type>) ||
    (detail::is_tensor<std::remove_cvref_t<Y>>::value && std::is_lvalue_reference_v<Y> &&
     !std::is_const_v<std::remove_reference_t<Y>>);

/// The read-only view of a readable argument.
template <readable_nchw X>
constexpr nchw_view<const element_of<X>> as_input(const X& x) noexcept {
  if constexpr (detail::is_tensor<std::remove_cvref_t<X>>::value) {
    return x.view();
  } else {
    return nchw_view<const element_of<X>>(x);
  }
}

/// The writable view of a writable argument.
template <class Y>
  requires writable_nchw<Y&>
constexpr nchw_view<element_of<Y>> as_output(Y& y) noexcept {
  if constexpr (detail::is_tensor<std::remove_cvref_t<Y>>::value) {
    return y.view();
  } else {
    return y;
  }
}

/// \}

}  // namespace poolkit
