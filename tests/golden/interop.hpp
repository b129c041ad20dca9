// tests/golden/interop.hpp — what the PyTorch interop tests of modules 08 and 09 share: the files
// and cases tests/golden/gen_pytorch_interop.py writes (docs/pytorch-interop.md).
#pragma once
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>

#include "golden/golden.hpp"
#include "tinytorch/layers/module.hpp"
#include "tinytorch/training/safetensors.hpp"

namespace golden::interop {

/// Every byte of a file (empty if it cannot be read).
inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// name -> (dtype, shape) of every tensor in a safetensors file.
inline std::map<std::string, std::pair<std::string, tinytorch::Shape>> layout(const std::string& path) {
    std::map<std::string, std::pair<std::string, tinytorch::Shape>> out;
    for (const auto& [name, raw] : tinytorch::train::load_safetensors_raw(path)) out[name] = {raw.dtype, raw.shape};
    return out;
}

/// Give every parameter of `net` values that are exact in float (k/64 for small integers k), in
/// parameters() order. The files the interop tests compare byte for byte are then the same with
/// every compiler and flag: random initialisation is not — where one compiler fuses a multiply
/// and an add (FMA) and another does not, a weight can differ in its last bit.
inline void set_exact_values(tinytorch::nn::Module& net) {
    tinytorch::NoGradGuard no_grad;
    int64_t k = 0;
    for (tinytorch::Tensor& p : net.parameters()) {
        float* d = p.data_ptr();
        for (int64_t i = 0; i < p.numel(); ++i, ++k) d[i] = static_cast<float>((k * 37) % 97 - 48) / 64.0f;
    }
}

/// A case of tests/golden/pytorch_interop.txt: an input and PyTorch's output for it.
inline const Case& interop_case(const std::string& name) { return case_named("pytorch_interop.txt", name); }

}  // namespace golden::interop
