// include/tinytorch/compression/sparse_storage.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §8
//
// Zeros cost nothing only if they are not stored. A pruned weight is written as
//     <name>.shape    I64 [ndim]           the dense shape
//     <name>.bitmask  U8  [ceil(numel/8)]  bit i (LSB first) set <=> element i (row-major) is non-zero
//     <name>.values   I8  [nnz]            the non-zero values in row-major order, int8 per row of dim 0:
//     <name>.scales   F32 [rows]           value = q · scale_row, scale_row = max|w_row| / 127
// (or F32 values without scales: lossless). Bytes per weight: 1/8 for the bitmask + 1 per non-zero,
// so at 90% sparsity 0.225 instead of 4 — ~18× smaller; tensors of fewer than 2 dims (biases) stay F32.
// The file is an ordinary .safetensors file (metadata "format": "tinytorch-sparse-v1"): any
// safetensors reader opens it; load_sparse turns it back into dense float tensors.
//
//   compression::save_sparse("mlp.sparse.safetensors", compression::effective_state_dict(model));
//   model2.load_state_dict(compression::load_sparse("mlp.sparse.safetensors"));
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tinytorch/layers/state_dict.hpp"
#include "tinytorch/training/safetensors.hpp"

namespace tinytorch::compression {

/// How save_sparse stores the non-zero values.
enum class SparseValues { int8, float32 };

/// A tensor's non-zeros as a bitmask plus the values in row-major order.
struct Bitmask {
    std::vector<uint8_t> bits;   ///< ceil(n / 8) bytes; bit i % 8 of byte i / 8 <=> element i is non-zero
    std::vector<float> values;   ///< the non-zero values, in order
};

/// Split `dense` into its bitmask and its non-zero values.
inline Bitmask pack_bitmask(const std::vector<float>& dense) {
    Bitmask out;
    out.bits.assign((dense.size() + 7) / 8, 0);
    // BEGIN SOLUTION: pack_bitmask (§8)
    for (size_t i = 0; i < dense.size(); ++i)
        if (dense[i] != 0.0f) {
            out.bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
            out.values.push_back(dense[i]);
        }
    // END SOLUTION
    return out;
}

/// The n dense values back from a bitmask and the non-zeros (DataError when they disagree).
inline std::vector<float> unpack_bitmask(const std::vector<uint8_t>& bits, const std::vector<float>& values, size_t n) {
    if (bits.size() != (n + 7) / 8)
        throw DataError(fmt("unpack_bitmask: ", bits.size(), " bitmask bytes for ", n, " elements, expected ",
                            (n + 7) / 8, "; hint: the file is damaged or not written by save_sparse"));
    size_t set = 0;
    for (size_t i = 0; i < n; ++i) set += (bits[i / 8] >> (i % 8)) & 1u;
    if (set != values.size())
        throw DataError(fmt("unpack_bitmask: the bitmask marks ", set, " non-zeros but ", values.size(),
                            " values are stored; hint: the file is damaged or not written by save_sparse"));
    std::vector<float> dense(n, 0.0f);
    // BEGIN SOLUTION: unpack_bitmask (§8)
    size_t next = 0;
    for (size_t i = 0; i < n; ++i)
        if ((bits[i / 8] >> (i % 8)) & 1u) dense[i] = values[next++];
    // END SOLUTION
    return dense;
}

namespace detail {
inline std::vector<uint8_t> bytes_of(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    return std::vector<uint8_t>(b, b + n);
}
}  // namespace detail

/// Write `tensors` to a safetensors file: tensors of >= 2 dims sparse (bitmask + values, see the
/// top of this file), the others dense F32.
inline void save_sparse(const std::string& path, const StateDict& tensors, SparseValues values = SparseValues::int8) {
    train::RawTensors raw;
    for (const auto& [name, t] : tensors) {
        if (!t.defined())
            throw ValueError(fmt("save_sparse: tensor '", name, "' is undefined; hint: save a model's state_dict()"));
        const std::vector<float> dense = t.contiguous().to_vector();
        if (t.dim() < 2) {
            raw.push_back({name, {"F32", t.shape(), detail::bytes_of(dense.data(), dense.size() * 4)}});
            continue;
        }
        std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
        raw.push_back({name + ".shape", {"I64", {t.dim()}, detail::bytes_of(shape.data(), shape.size() * 8)}});
        const Bitmask packed = pack_bitmask(dense);
        raw.push_back({name + ".bitmask", {"U8", {static_cast<int64_t>(packed.bits.size())}, packed.bits}});
        const int64_t nnz = static_cast<int64_t>(packed.values.size());
        if (values == SparseValues::float32) {
            raw.push_back({name + ".values", {"F32", {nnz}, detail::bytes_of(packed.values.data(), nnz * 4)}});
            continue;
        }
        // int8 per row of dim 0: scale = max |w| / 127, q = round(w / scale) in [-127, 127]
        const int64_t rows = t.size(0), per_row = t.numel() / rows;
        std::vector<float> scales(static_cast<size_t>(rows), 0.0f);
        for (int64_t r = 0; r < rows; ++r) {
            float m = 0.0f;
            for (int64_t j = 0; j < per_row; ++j) m = std::max(m, std::fabs(dense[r * per_row + j]));
            scales[r] = m / 127.0f;
        }
        std::vector<int8_t> q;
        q.reserve(static_cast<size_t>(nnz));
        for (size_t i = 0; i < dense.size(); ++i)
            if (dense[i] != 0.0f) {
                const float s = scales[i / static_cast<size_t>(per_row)];
                q.push_back(static_cast<int8_t>(std::clamp(std::nearbyint(dense[i] / s), -127.0f, 127.0f)));
            }
        raw.push_back({name + ".values", {"I8", {nnz}, detail::bytes_of(q.data(), q.size())}});
        raw.push_back({name + ".scales", {"F32", {rows}, detail::bytes_of(scales.data(), scales.size() * 4)}});
    }
    train::save_safetensors_raw(path, raw, {{"format", "tinytorch-sparse-v1"}});
}

/// Read a file written by save_sparse back as dense float32 tensors (int8 values dequantized).
/// DataError naming the file for anything that does not fit together.
inline StateDict load_sparse(const std::string& path) {
    train::Metadata metadata;
    const train::RawTensors raw = train::load_safetensors_raw(path, &metadata);
    auto it = metadata.find("format");
    if (it == metadata.end() || it->second != "tinytorch-sparse-v1")
        throw DataError(fmt("load_sparse: '", path, "' has no metadata format=tinytorch-sparse-v1; hint: it was not ",
                            "written by save_sparse (read plain checkpoints with train::load_safetensors)"));
    std::map<std::string, const train::RawTensor*> by_name;
    for (const auto& [name, t] : raw) by_name[name] = &t;
    auto bad = [&](const std::string& what) {
        return DataError(fmt("load_sparse: '", path, "': ", what, "; hint: the file is damaged or not written by ",
                             "save_sparse"));
    };
    auto part = [&](const std::string& name, const char* dtype) -> const train::RawTensor* {
        auto found = by_name.find(name);
        if (found == by_name.end()) return nullptr;
        if (found->second->dtype != dtype)
            throw bad(fmt("'", name, "' is ", found->second->dtype, ", expected ", dtype));
        return found->second;
    };
    // the sparse tensors are the names with a "<base>.shape" entry; their parts are not tensors of their own
    const std::string suffix = ".shape";
    std::map<std::string, bool> parts;
    for (const auto& [name, t] : raw)
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const std::string base = name.substr(0, name.size() - suffix.size());
            for (const char* p : {".shape", ".bitmask", ".values", ".scales"}) parts[base + p] = true;
        }
    StateDict out;
    for (const auto& [name, t] : raw) {
        if (parts.count(name) && name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        if (!parts.count(name)) {  // a dense tensor
            if (t.dtype != "F32") throw bad(fmt("'", name, "' is ", t.dtype, ", expected F32 or a sparse tensor"));
            std::vector<float> v(t.bytes.size() / 4);
            std::memcpy(v.data(), t.bytes.data(), t.bytes.size());
            out.insert(name, Tensor(std::move(v), t.shape));
            continue;
        }
        const std::string base = name.substr(0, name.size() - suffix.size());
        if (t.dtype != "I64" || t.shape.size() != 1) throw bad(fmt("'", name, "' is not a 1-D I64 tensor"));
        Shape shape(static_cast<size_t>(t.shape[0]));
        std::memcpy(shape.data(), t.bytes.data(), t.bytes.size());
        int64_t n = 1;
        for (int64_t d : shape) {
            if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d)) throw bad(fmt("'", name, "' holds a bad shape"));
            n *= d;
        }
        const train::RawTensor* bits = part(base + ".bitmask", "U8");
        const train::RawTensor* vals = by_name.count(base + ".values") ? by_name[base + ".values"] : nullptr;
        if (!bits || !vals) throw bad(fmt("'", base, "' lacks its .bitmask or .values"));
        if (bits->bytes.size() != static_cast<size_t>((n + 7) / 8))
            throw bad(fmt("'", base, ".bitmask' has ", bits->bytes.size(), " bytes for ", n, " elements"));
        std::vector<float> values;
        if (vals->dtype == "F32") {
            values.resize(vals->bytes.size() / 4);
            std::memcpy(values.data(), vals->bytes.data(), values.size() * 4);
        } else if (vals->dtype == "I8") {
            const train::RawTensor* scales = part(base + ".scales", "F32");
            const int64_t rows = shape.empty() ? 0 : shape[0];
            if (!scales || rows == 0 || static_cast<int64_t>(scales->bytes.size()) != rows * 4)
                throw bad(fmt("'", base, "' has int8 values but no F32 .scales with one scale per row"));
            std::vector<float> s(static_cast<size_t>(rows));
            std::memcpy(s.data(), scales->bytes.data(), scales->bytes.size());
            // the row of each non-zero follows from its position in the bitmask
            const int64_t per_row = n / rows;
            values.resize(vals->bytes.size());
            size_t next = 0;
            for (int64_t i = 0; i < n && next < values.size(); ++i)
                if ((bits->bytes[i / 8] >> (i % 8)) & 1u) {
                    values[next] = static_cast<float>(static_cast<int8_t>(vals->bytes[next])) * s[i / per_row];
                    ++next;
                }
        } else {
            throw bad(fmt("'", base, ".values' is ", vals->dtype, ", expected I8 or F32"));
        }
        try {
            out.insert(base, Tensor(unpack_bitmask(bits->bytes, values, static_cast<size_t>(n)), shape));
        } catch (const DataError& e) {
            throw bad(e.what());
        }
    }
    return out;
}

}  // namespace tinytorch::compression
