// Reads the PyTorch golden files (tests/golden/*.txt, written by tests/golden/generate.py,
// whose docstring gives the format) without any library: every case with its input,
// output, indices, extra lines and, in backward.txt, the gradient fed to autograd and
// the one it returned.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <poolkit/params.hpp>
#include <poolkit/tensor.hpp>

namespace golden {

using poolkit::index_t;

struct golden_case {
  std::string op, dtype;
  std::array<index_t, 11> params{};
  poolkit::extents4 in{}, out{};
  std::vector<double> input, output;  // parsed in the case's own precision, held as double
  std::vector<index_t> indices;
  double power = 0;                                // lp_pool2d: p
  std::vector<double> samples;                     // fractional_max_pool2d: N x C x 2 samples
  std::array<double, 2> ratio{};                   // fractional_max_pool2d: output_ratio, or {0, 0}
  poolkit::hw size{};                              // max_unpool2d: the output size given, or {0, 0}
  poolkit::extents4 grad_extents{}, dx_extents{};  // backward.txt: dy and autograd's dx
  std::vector<double> grad, dx;
};

template <class T>
T parse(const std::string& token) {
  if constexpr (std::is_same_v<T, float>) return std::strtof(token.c_str(), nullptr);
  if constexpr (std::is_same_v<T, double>) return std::strtod(token.c_str(), nullptr);
  if constexpr (std::is_same_v<T, index_t>) return std::stoll(token);
}

inline std::vector<golden_case> read_cases(const std::string& file) {
  std::ifstream in(std::string(POOLKIT_GOLDEN_DIR) + "/" + file);
  EXPECT_TRUE(in.good()) << "cannot open " << file;
  std::vector<golden_case> cases;
  std::string line;
  golden_case c;
  // "power", "samples" and "ratio" lines precede their case.
  double power = 0;
  std::vector<double> samples;
  std::array<double, 2> ratio{};
  poolkit::hw size{};
  const auto read_values = [&](std::vector<double>& to, bool single) {
    std::getline(in, line);
    std::istringstream s(line);
    std::string t;
    while (s >> t) to.push_back(single ? double(parse<float>(t)) : parse<double>(t));
  };
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string key;
    s >> key;
    if (key == "case") {
      c = golden_case{};
      s >> c.op >> c.dtype;
      c.power = power;
      c.samples = std::move(samples);
      c.ratio = ratio;
      c.size = size;
      samples.clear();
      ratio = {};
      size = {};
      if (c.dtype == "float32")
        for (double& u : c.samples) u = double(static_cast<float>(u));
    } else if (key == "power") {
      s >> power;
    } else if (key == "samples") {
      std::string t;
      while (s >> t) samples.push_back(parse<double>(t));
    } else if (key == "size") {
      s >> size.h >> size.w;
    } else if (key == "ratio") {
      s >> ratio[0] >> ratio[1];
    } else if (key == "params") {
      for (auto& v : c.params) s >> v;
    } else if (key == "input") {
      for (auto& v : c.in) s >> v;
      read_values(c.input, c.dtype == "float32");
    } else if (key == "output") {
      for (auto& v : c.out) s >> v;
      read_values(c.output, c.dtype == "float32");
    } else if (key == "grad") {
      for (auto& v : c.grad_extents) s >> v;
      read_values(c.grad, c.dtype == "float32");
    } else if (key == "dx") {
      for (auto& v : c.dx_extents) s >> v;
      read_values(c.dx, c.dtype == "float32");
    } else if (key == "indices") {
      std::getline(in, line);
      std::istringstream v(line);
      std::string t;
      while (v >> t) c.indices.push_back(parse<index_t>(t));
    } else if (key == "end") {
      // Every value the header promises was parsed: a short line cannot pass short.
      const auto count = [](const poolkit::extents4& e) {
        return static_cast<std::size_t>(e[0] * e[1] * e[2] * e[3]);
      };
      EXPECT_EQ(c.input.size(), count(c.in)) << file << " case " << cases.size() << " input";
      EXPECT_EQ(c.output.size(), count(c.out)) << file << " case " << cases.size() << " output";
      EXPECT_EQ(c.grad.size(), count(c.grad_extents))
          << file << " case " << cases.size() << " grad";
      EXPECT_EQ(c.dx.size(), count(c.dx_extents)) << file << " case " << cases.size() << " dx";
      if (!c.indices.empty()) {
        // Pooling indices are shaped like the output; unpooling's like its input.
        const bool unpool = c.op.rfind("max_unpool2d", 0) == 0;
        const auto& shape = unpool ? c.in : c.out;
        EXPECT_EQ(c.indices.size(), count(shape)) << file << " case " << cases.size() << " indices";
      }
      cases.push_back(c);
    }
  }
  return cases;
}

inline poolkit::pool2d_params params_of(const golden_case& c) {
  const auto& p = c.params;
  poolkit::pool2d_params q;
  q.kernel = {p[0], p[1]};
  q.stride = {p[2], p[3]};
  q.padding = {p[4], p[5]};
  q.dilation = {p[6], p[7]};
  q.ceil_mode = p[8] != 0;
  q.count_include_pad = p[9] != 0;
  if (p[10] != 0) q.divisor_override = p[10];
  return q;
}

}  // namespace golden
