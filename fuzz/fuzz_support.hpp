// What every fuzz target shares: reading parameters from the fuzzer's bytes, building
// (possibly strided, permuted) input views, running a call under every instruction set
// and thread count, and the error discipline (poolkit::error is the only way to refuse).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <poolkit/poolkit.hpp>

namespace fuzz {

using poolkit::extents4;
using poolkit::index_t;

/// What the input being run decoded to (element type, extents, strides, parameters):
/// fail() prints it, so that a finding can be read without a debugger. Each target sets
/// it once it has decoded its case (describe_case).
inline std::string& current_case() {
  static std::string text;
  return text;
}

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "poolkit fuzz: %s\n  case: %s\n", what.c_str(), current_case().c_str());
  std::abort();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

/// Reads values from the fuzzer's bytes; past the end it reads zeros.
class bytes {
 public:
  bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool flag() { return (byte() & 1) != 0; }
  /// An integer in [lo, hi].
  index_t in(index_t lo, index_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo + 1);
    std::uint64_t v = byte();
    if (span > 256) v = v << 8 | byte();
    return lo + static_cast<index_t>(v % span);
  }
  /// Mostly small, sometimes anything an int64 can hold (overflow and range checks).
  index_t wild_int(index_t lo, index_t hi) {
    const std::uint8_t mode = byte();
    if (mode < 240) return in(lo, hi);
    const index_t extremes[] = {0,
                                -1,
                                std::numeric_limits<index_t>::max(),
                                std::numeric_limits<index_t>::min(),
                                index_t{1} << 40,
                                -(index_t{1} << 40),
                                index_t{1} << 62,
                                1000000};
    return extremes[mode % std::size(extremes)];
  }
  /// Any element value: ordinary numbers, ties, every IEEE special class.
  template <class T>
  T value() {
    using lim = std::numeric_limits<T>;
    const std::uint8_t kind = byte();
    if (kind < 200) return static_cast<T>(static_cast<int>(byte()) - 128) / T(16);
    const T special[] = {
        lim::quiet_NaN(),  lim::infinity(),    -lim::infinity(), T(0),          -T(0),
        lim::denorm_min(), -lim::min() / T(3), lim::max(),       lim::lowest(), T(1e30),
        lim::epsilon()};
    return special[kind % std::size(special)];
  }
  /// A double parameter (exponents, ratios, sigmas) including invalid ones.
  double real(double lo, double hi) {
    const std::uint8_t kind = byte();
    if (kind < 224) return lo + (hi - lo) * static_cast<double>(byte()) / 255.0;
    const double special[] = {0.0,
                              -1.0,
                              std::numeric_limits<double>::quiet_NaN(),
                              std::numeric_limits<double>::infinity(),
                              -0.0,
                              1e300,
                              1.0,
                              0.5};
    return special[kind % std::size(special)];
  }
  std::size_t left() const { return size_ - std::min(size_, pos_); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// A value as text with every digit that tells it apart (17 significant digits).
template <class T>
std::string text(T v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", static_cast<double>(v));
  return buffer;
}

inline std::string text(const extents4& e) {
  return "{" + std::to_string(e[0]) + ", " + std::to_string(e[1]) + ", " + std::to_string(e[2]) +
         ", " + std::to_string(e[3]) + "}";
}

inline std::string text(poolkit::hw v) {
  return "{" + std::to_string(v.h) + ", " + std::to_string(v.w) + "}";
}

inline std::string text(const std::vector<index_t>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "}";
}

template <class T>
constexpr const char* type_name() {
  return std::is_same_v<T, float> ? "float" : "double";
}

/// "float x: extents {..}, strides {..}", and every element when there are few.
template <class T>
std::string text(const poolkit::nchw_view<const T>& x) {
  std::string out = std::string(type_name<T>()) + " x: extents " + text(x.extents()) +
                    ", strides " +
                    text(extents4{x.stride(0), x.stride(1), x.stride(2), x.stride(3)});
  const index_t count = x.extent(0) * x.extent(1) * x.extent(2) * x.extent(3);
  if (count > 0 && count <= 64) {
    out += ", values (n, c, h, w row-major) {";
    for (index_t n = 0; n < x.extent(0); ++n)
      for (index_t c = 0; c < x.extent(1); ++c)
        for (index_t h = 0; h < x.extent(2); ++h)
          for (index_t w = 0; w < x.extent(3); ++w)
            out += (n + c + h + w > 0 ? ", " : "") + text(x(n, c, h, w));
    out += "}";
  }
  return out;
}

/// Sets the case fail() prints.
inline void describe_case(std::string what) { current_case() = std::move(what); }

/// An input view decoded from the bytes: extents (zero allowed: must be refused),
/// padding around each dimension and a dimension order, so strides are arbitrary.
template <class T>
struct strided_input {
  std::vector<T> storage;
  poolkit::nchw_view<const T> view;

  strided_input(bytes& b, index_t max_h, index_t max_w, index_t max_c = 3) {
    const extents4 e{b.in(0, 2), b.in(0, max_c), b.in(0, max_h), b.in(0, max_w)};
    const bool plain = b.flag();
    std::array<index_t, 4> pad{};
    std::array<int, 4> order{0, 1, 2, 3};
    if (!plain) {
      for (auto& p : pad) p = b.in(0, 2);
      std::swap(order[static_cast<std::size_t>(b.in(0, 3))],
                order[static_cast<std::size_t>(b.in(0, 3))]);
    }
    extents4 strides{};
    index_t s = 1;
    for (int i = 3; i >= 0; --i) {
      const auto r = static_cast<std::size_t>(order[static_cast<std::size_t>(i)]);
      strides[r] = s;
      s *= e[r] + pad[r];
    }
    storage.assign(static_cast<std::size_t>(std::max<index_t>(s, 1)),
                   std::numeric_limits<T>::quiet_NaN());
    const T* base = storage.data();
    for (std::size_t r = 0; r < 4; ++r) base += (pad[r] > 0 ? 1 : 0) * strides[r];
    for (index_t n = 0; n < e[0]; ++n)
      for (index_t c = 0; c < e[1]; ++c)
        for (index_t h = 0; h < e[2]; ++h)
          for (index_t w = 0; w < e[3]; ++w) {
            const index_t at = (base - storage.data()) + n * strides[0] + c * strides[1] +
                               h * strides[2] + w * strides[3];
            storage[static_cast<std::size_t>(at)] = b.value<T>();
          }
    view = poolkit::nchw_view<const T>(base, e, strides);
  }
};

/// Same bits, any NaN equal to any NaN.
template <class T>
bool same(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class T>
bool same(const poolkit::tensor<T>& a, const poolkit::tensor<T>& b) {
  if (a.extents() != b.extents()) return false;
  for (index_t i = 0; i < a.size(); ++i)
    if (!same(a.data_handle()[i], b.data_handle()[i])) return false;
  return true;
}

/// The outcome of one call: what it returned, or the poolkit::error message.
template <class R>
struct outcome {
  std::optional<R> value;
  std::string error;
};

/// Runs `call`; poolkit::error is a valid refusal (its message must name the operation),
/// anything else thrown is a bug.
template <class F>
auto attempt(F&& call) -> outcome<decltype(call())> {
  try {
    return {call(), {}};
  } catch (const poolkit::error& e) {
    const std::string what = e.what();
    check(what.rfind("poolkit::", 0) == 0, "error message without the operation's name: " + what);
    return {std::nullopt, what};
  } catch (const std::exception& e) {
    fail(std::string("an exception other than poolkit::error: ") + e.what());
  } catch (...) {
    fail("an exception of unknown type");
  }
}

/// Every policy a result must not depend on: the scalar path first, then each available
/// instruction set with one and several threads.
inline std::vector<poolkit::policy> all_policies() {
  std::vector<poolkit::policy> out{{.isa = poolkit::instruction_set::scalar, .threads = 1}};
  for (auto isa : poolkit::available_instruction_sets()) {
    out.push_back({.isa = isa, .threads = 1});
    out.push_back({.isa = isa, .threads = 3});
  }
  return out;
}

/// Runs `call(policy)` under every policy and checks they agree with the scalar path:
/// all refuse with the same message, or all return `same` results. Returns the scalar
/// outcome for the reference check.
template <class F, class Same>
auto differential(const char* name, F&& call, Same&& equal) {
  const auto policies = all_policies();
  auto first = attempt([&] { return call(policies[0]); });
  for (std::size_t i = 1; i < policies.size(); ++i) {
    const auto other = attempt([&] { return call(policies[i]); });
    const std::string where = std::string(name) + " on " +
                              std::string(poolkit::name_of(policies[i].isa)) + " threads " +
                              std::to_string(policies[i].threads);
    check(first.value.has_value() == other.value.has_value(),
          where + ": refused on one path only: " + first.error + other.error);
    if (first.value)
      check(equal(*first.value, *other.value), where + ": differs from the scalar path");
    else
      check(first.error == other.error, where + ": other message: " + other.error);
  }
  return first;
}

}  // namespace fuzz

/// Defines libFuzzer's entry point: the first byte picks float or double, the rest goes
/// to `run<T>(bytes&)`.
#define POOLKIT_FUZZ_TARGET(run)                                                      \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    fuzz::bytes b(data, size);                                                        \
    if (b.flag())                                                                     \
      run<float>(b);                                                                  \
    else                                                                              \
      run<double>(b);                                                                 \
    return 0;                                                                         \
  }
