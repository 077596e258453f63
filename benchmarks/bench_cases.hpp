// The shape suite of shared/DESIGN.md (float32): NCHW tensors, and the cases S1c ... S8c,
// the same logical tensors stored channels-last (views with strides {H*W*C, 1, W*C, C},
// the output a channels-last view too), as PyTorch's channels_last hands them over.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <poolkit/poolkit.hpp>

namespace poolkit_bench {

/// What a case runs. `params` is always the regular window the case equals (global 7x7
/// is a 7x7 window, adaptive 14 -> 7 a 2x2 one): oneDNN runs that window.
enum class op_kind {
  max,
  avg,
  global_avg,
  adaptive_avg,
  l2,
  lp3,
  power_avg3,
  spp_max,
  stochastic_training,
  stochastic_inference,
  fractional_max
};

/// Fractional max in the suite: kernel 2x2, output 1/sqrt(2) of the input (Graham's
/// favourite ratio), samples drawn once from seed 1.
inline poolkit::fractional_max_params fractional_params(const poolkit::extents4& in) {
  return {.kernel = {2, 2},
          .output_size = {static_cast<poolkit::index_t>(static_cast<double>(in[2]) * 0.7071),
                          static_cast<poolkit::index_t>(static_cast<double>(in[3]) * 0.7071)}};
}

struct shape_case {
  std::string id;
  std::string what;
  poolkit::extents4 input;
  poolkit::pool2d_params params;
  op_kind op;
  bool channels_last = false;  ///< input and output stored N, H, W, C

  /// The strides of a tensor of extents e in this case's layout.
  poolkit::extents4 strides_of(const poolkit::extents4& e) const {
    if (channels_last) return {e[1] * e[2] * e[3], 1, e[3] * e[1], e[1]};
    return {e[1] * e[2] * e[3], e[2] * e[3], e[3], 1};
  }

  poolkit::extents4 output() const {
    if (op == op_kind::spp_max) return {input[0], input[1] * (1 + 4 + 16), 1, 1};
    if (op == op_kind::fractional_max) {
      const poolkit::hw o = fractional_params(input).output_size;
      return {input[0], input[1], o.h, o.w};
    }
    return poolkit::pool2d_output_extents(input, params);
  }

  /// oneDNN has these (as regular windows); the power family and SPP it has not.
  bool regular_max_or_avg() const {
    return op == op_kind::max || op == op_kind::avg || op == op_kind::global_avg ||
           op == op_kind::adaptive_avg;
  }

  /// Cases that also write an int64 index per output.
  bool writes_indices() const {
    return op == op_kind::stochastic_training || op == op_kind::fractional_max;
  }

  /// Output floats, counting an int64 index as two: what the roofline writes.
  int64_t output_elements() const {
    const auto o = output();
    return o[0] * o[1] * o[2] * o[3] * (writes_indices() ? 3 : 1);
  }

  /// Input plus output bytes (indices included), each counted once.
  int64_t bytes() const {
    return static_cast<int64_t>(sizeof(float)) *
           (input[0] * input[1] * input[2] * input[3] + output_elements());
  }

  /// `idx` has the output extents when writes_indices(); `samples` are the fractional
  /// samples.
  void run(poolkit::nchw_view<const float> x, poolkit::nchw_view<float> y,
           poolkit::nchw_view<poolkit::index_t> idx, const poolkit::tensor<float>& samples,
           const poolkit::policy& pol) const {
    switch (op) {
      case op_kind::stochastic_training:
        return poolkit::stochastic_pool2d(x, y, idx, params, poolkit::stochastic_mode::training, 7,
                                          pol);
      case op_kind::stochastic_inference:
        return poolkit::stochastic_pool2d(x, y, idx, params, poolkit::stochastic_mode::inference, 7,
                                          pol);
      case op_kind::fractional_max:
        return poolkit::fractional_max_pool2d(x, y, idx, fractional_params(input), samples, pol);
      case op_kind::max: return poolkit::max_pool2d(x, y, params, pol);
      case op_kind::avg: return poolkit::avg_pool2d(x, y, params, pol);
      case op_kind::global_avg: return poolkit::adaptive_avg_pool2d(x, y, pol);  // y is 1 x 1
      case op_kind::adaptive_avg: return poolkit::adaptive_avg_pool2d(x, y, pol);
      case op_kind::l2: return poolkit::l2_pool2d(x, y, params, pol);
      case op_kind::lp3: return poolkit::lp_pool2d(x, y, 3.0, params, pol);
      case op_kind::power_avg3: return poolkit::power_avg_pool2d(x, y, 3.0, params, pol);
      case op_kind::spp_max:
        return poolkit::spatial_pyramid_pool2d(x, y, {1, 2, 4}, poolkit::reduce::max<float>{},
                                               poolkit::spp_bin_rule::adaptive, pol);
    }
  }
};

inline std::vector<shape_case> suite() {
  using poolkit::pool2d_params;
  const pool2d_params k3s2p1{.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}};
  const pool2d_params k3s1p1{.kernel = {3, 3}, .stride = {1, 1}, .padding = {1, 1}};
  pool2d_params k3s1p1_exclude = k3s1p1;
  k3s1p1_exclude.count_include_pad = false;
  std::vector<shape_case> cases{
      {"S1", "max 2x2 s2", {1, 64, 224, 224}, {.kernel = {2, 2}}, op_kind::max},
      {"S2", "max 3x3 s2 p1", {1, 64, 112, 112}, k3s2p1, op_kind::max},
      {"S3", "max 3x3 s1 p1", {1, 192, 28, 28}, k3s1p1, op_kind::max},
      {"S4", "avg 2x2 s2", {1, 128, 56, 56}, {.kernel = {2, 2}}, op_kind::avg},
      {"S5", "avg 3x3 s1 p1 exclude pad", {1, 192, 28, 28}, k3s1p1_exclude, op_kind::avg},
      {"S6", "global avg", {1, 2048, 7, 7}, {.kernel = {7, 7}}, op_kind::global_avg},
      {"S7", "adaptive avg to 7x7", {1, 512, 14, 14}, {.kernel = {2, 2}}, op_kind::adaptive_avg},
      {"S8", "max 3x3 s2 p1 (DRAM)", {32, 64, 112, 112}, k3s2p1, op_kind::max},
      {"S10",
       "max 13x13 s1 p6 (SPPF)",
       {1, 512, 20, 20},
       {.kernel = {13, 13}, .stride = {1, 1}, .padding = {6, 6}},
       op_kind::max},
      {"S9", "L2 2x2 s2", {1, 64, 224, 224}, {.kernel = {2, 2}}, op_kind::l2},
      {"LP3", "lp p=3 2x2 s2", {1, 64, 224, 224}, {.kernel = {2, 2}}, op_kind::lp3},
      {"PAVG3", "power-avg p=3 2x2 s2", {1, 64, 224, 224}, {.kernel = {2, 2}}, op_kind::power_avg3},
      // SPP {1, 2, 4} max; params unused (the levels are adaptive bins).
      {"SPP", "SPP {1,2,4} max", {8, 512, 13, 13}, {.kernel = {13, 13}}, op_kind::spp_max},
      // Stochastic (Zeiler & Fergus 2x2 s2) and fractional max (2x2, ratio 1/sqrt 2).
      {"STO-T",
       "stochastic training 2x2 s2",
       {1, 64, 112, 112},
       {.kernel = {2, 2}},
       op_kind::stochastic_training},
      {"STO-I",
       "stochastic inference 2x2 s2",
       {1, 64, 112, 112},
       {.kernel = {2, 2}},
       op_kind::stochastic_inference},
      {"FMP",
       "fractional max 2x2 to 79x79",
       {1, 64, 112, 112},
       {.kernel = {2, 2}},
       op_kind::fractional_max},
  };
  // S1c ... S8c: S1 ... S8 on channels-last views.
  for (std::size_t i = 0; i < 8; ++i) {
    shape_case c = cases[i];
    c.id += "c";
    c.what += " (channels-last)";
    c.channels_last = true;
    cases.push_back(c);
  }
  return cases;
}

/// A backward case: the gradient of a forward case of the suite, dx from dy (and the
/// forward's indices for max). B1, B2, B4, B5, B6, B8 take S1, S2, S4, S5, S6, S8.
struct backward_case {
  std::string id;
  shape_case forward;

  bool routed() const { return forward.op == op_kind::max; }

  /// dy read, indices read (an int64 counts as two floats), dx written, each once.
  int64_t bytes() const {
    const auto in = forward.input;
    const auto out = forward.output();
    const int64_t outputs = out[0] * out[1] * out[2] * out[3];
    return static_cast<int64_t>(sizeof(float)) *
           (in[0] * in[1] * in[2] * in[3] + outputs * (routed() ? 3 : 1));
  }

  void run(poolkit::nchw_view<const float> dy, poolkit::nchw_view<const poolkit::index_t> idx,
           poolkit::nchw_view<float> dx, const poolkit::policy& pol) const {
    switch (forward.op) {
      case op_kind::max: return poolkit::max_pool2d_backward(dy, idx, dx, pol);
      case op_kind::global_avg: return poolkit::global_avg_pool2d_backward(dy, dx, pol);
      default: return poolkit::avg_pool2d_backward(dy, dx, forward.params, pol);
    }
  }
};

inline std::vector<backward_case> backward_suite() {
  std::vector<backward_case> cases;
  for (const shape_case& c : suite())
    if (!c.channels_last && (c.id == "S1" || c.id == "S2" || c.id == "S4" || c.id == "S5" ||
                             c.id == "S6" || c.id == "S8"))
      cases.push_back({"B" + c.id.substr(1), c});
  return cases;
}

}  // namespace poolkit_bench
