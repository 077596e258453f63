// Fuzz target: max_unpool2d and the index converters with indices from the fuzzer (most
// valid, some out of range or in another plane: those must be refused with
// poolkit::error). A valid unpool is checked against a plain scatter (SPEC section 2).
#include "fuzz_params.hpp"

namespace {

using fuzz::index_t;

template <class T>
void run(fuzz::bytes& b) {
  const fuzz::strided_input<T> in(b, 6, 12);
  const auto& v = in.view;
  const poolkit::hw out{b.wild_int(1, 14), b.wild_int(1, 20)};
  if (out.h > 4096 || out.w > 4096) return;  // valid but only a test of the allocator
  const index_t plane_size = out.h > 0 && out.w > 0 ? out.h * out.w : 1;
  poolkit::tensor<index_t> idx(v.extents());
  for (index_t& i : idx.values())
    i = b.byte() < 230 ? b.in(0, plane_size - 1) : b.wild_int(-3, 400);
  const bool by_params = b.flag();
  const poolkit::pool2d_params p = fuzz::window(b, false);  // its output size is allocated
  fuzz::describe_case(std::string("max_unpool2d ") +
                      (by_params ? "by params " + fuzz::text(p) : "to size " + fuzz::text(out)) +
                      "; values " + fuzz::text(v) + "; indices " +
                      fuzz::text(std::vector<index_t>(idx.values().begin(), idx.values().end())));
  const auto r = fuzz::attempt([&] {
    return by_params ? poolkit::max_unpool2d(v, idx, p) : poolkit::max_unpool2d(v, idx, out);
  });
  if (!r.value) return;
  const auto& y = *r.value;
  // The plain scatter: zeros, then each value at its index (later ones win).
  poolkit::tensor<T> want(y.extents());
  for (T& t : want.values()) t = T(0);
  const index_t plane = y.extent(2) * y.extent(3);
  for (index_t n = 0; n < v.extent(0); ++n)
    for (index_t c = 0; c < v.extent(1); ++c)
      for (index_t h = 0; h < v.extent(2); ++h)
        for (index_t w = 0; w < v.extent(3); ++w) {
          const index_t i = idx(n, c, h, w);
          if (i == -1) continue;  // an empty window's index: scatters nothing
          fuzz::check(i >= 0 && i < plane, "unpool accepted an index outside its plane");
          want(n, c, i / y.extent(3), i % y.extent(3)) = v(n, c, h, w);
        }
  for (index_t i = 0; i < y.size(); ++i)
    if (!fuzz::same(want.data_handle()[i], y.data_handle()[i]))
      fuzz::fail("unpool differs from the plain scatter at flat output " + std::to_string(i) +
                 ": got " + fuzz::text(y.data_handle()[i]) + ", want " +
                 fuzz::text(want.data_handle()[i]) + ", output extents " + fuzz::text(y.extents()));
  // PyTorch -> ONNX -> PyTorch indices is the identity.
  const auto onnx = fuzz::attempt([&] { return poolkit::to_onnx_indices(idx, y.extents()); });
  fuzz::check(onnx.value.has_value(),
              "to_onnx_indices refused indices unpool accepted: " + onnx.error);
  const auto back =
      fuzz::attempt([&] { return poolkit::to_pytorch_indices(*onnx.value, y.extents()); });
  fuzz::check(
      back.value.has_value() && back.value->values().size() == idx.values().size() &&
          std::equal(idx.values().begin(), idx.values().end(), back.value->values().begin()),
      "index conversion round trip changed the indices");
}

}  // namespace

POOLKIT_FUZZ_TARGET(run)
