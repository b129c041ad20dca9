// milestones/06_2018_mlperf/deep_compression.hpp — the storage half of Deep Compression (Han et
// al., ICLR 2016) for the open division: after pruning (module 16) a weight matrix is mostly
// zeros, and what is left is stored as
//   weight sharing   the non-zero values of a tensor are clustered (1-D k-means, centroids
//                    initialised evenly between min and max, as the paper found best); each value
//                    is stored as the index of its centroid (k = 32: 5 bits before coding);
//   relative index   each non-zero's position as the gap since the previous one (symbols 0..254;
//                    a longer gap emits the filler symbol 255 = "skip 255 positions", no value);
//   Huffman coding   gaps and centroid indices are frequent-symbols-first: each stream gets its
//                    own canonical Huffman code (only the code lengths are stored).
// Module 16's bitmask format costs 1/8 byte per weight even where all are zero; here the cost
// follows the non-zeros. Tensors of fewer than 2 dims (biases) are stored as float32.
//
// File (little-endian): "TTDC" u32 version=1 u32 count, then per tensor: u16 name length, name,
// u8 ndim, i64 dims, u8 kind — 0: numel float32; 1: u32 nnz, u8 k, k float32 centroids,
// gap code lengths (256 × u8), index code lengths (k × u8), u32 stream bytes, the bit stream
// (per non-zero: gap code(s), then its index code; MSB first).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <queue>
#include <string>
#include <vector>

#include "tinytorch/layers/state_dict.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace deep_compression {

using tinytorch::DataError;
using tinytorch::fmt;
using tinytorch::StateDict;
using tinytorch::Tensor;

// ---- weight sharing: 1-D k-means ---------------------------------------------------------------------

/// k centroids for `values` (Lloyd's algorithm from an even spread over [min, max]) and the index of
/// each value's nearest centroid.
inline std::vector<float> kmeans_1d(const std::vector<float>& values, int k, std::vector<uint8_t>& index,
                                    int iterations = 30) {
    index.assign(values.size(), 0);
    if (values.empty()) return std::vector<float>(static_cast<size_t>(k), 0.0f);
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    std::vector<float> c(static_cast<size_t>(k));
    for (int j = 0; j < k; ++j) c[j] = *lo + (*hi - *lo) * (k == 1 ? 0.5f : float(j) / float(k - 1));
    for (int it = 0; it < iterations; ++it) {
        // centroids stay sorted, so the nearest one is found by a binary search between midpoints
        std::vector<double> sum(static_cast<size_t>(k), 0.0);
        std::vector<int64_t> count(static_cast<size_t>(k), 0);
        for (size_t i = 0; i < values.size(); ++i) {
            const size_t above = static_cast<size_t>(std::lower_bound(c.begin(), c.end(), values[i]) - c.begin());
            size_t j = std::min(above, c.size() - 1);
            if (above > 0 && (above == c.size() || values[i] - c[above - 1] < c[above] - values[i])) j = above - 1;
            index[i] = static_cast<uint8_t>(j);
            sum[j] += values[i];
            ++count[j];
        }
        for (int j = 0; j < k; ++j)
            if (count[j]) c[j] = static_cast<float>(sum[j] / static_cast<double>(count[j]));
        std::sort(c.begin(), c.end());  // an empty cluster keeps its place; order kept for the search
    }
    return c;
}

// ---- canonical Huffman codes -------------------------------------------------------------------------

/// Code length of each symbol for these frequencies (0 for an unused symbol; a lone symbol gets 1).
/// Lengths are kept <= 24 by flattening the frequencies until they fit.
inline std::vector<uint8_t> huffman_lengths(std::vector<uint64_t> freq) {
    const size_t n = freq.size();
    while (true) {
        std::vector<uint8_t> len(n, 0);
        // nodes 0..n-1 are symbols, later ones merges; parent[] gives each node's depth
        std::vector<int64_t> parent(n, -1);
        using Item = std::pair<uint64_t, int64_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
        for (size_t s = 0; s < n; ++s)
            if (freq[s]) heap.push({freq[s], static_cast<int64_t>(s)});
        if (heap.size() == 1) {
            len[static_cast<size_t>(heap.top().second)] = 1;
            return len;
        }
        while (heap.size() > 1) {
            const Item a = heap.top();
            heap.pop();
            const Item b = heap.top();
            heap.pop();
            const int64_t node = static_cast<int64_t>(parent.size());
            parent.push_back(-1);
            parent[static_cast<size_t>(a.second)] = parent[static_cast<size_t>(b.second)] = node;
            heap.push({a.first + b.first, node});
        }
        uint8_t longest = 0;
        for (size_t s = 0; s < n; ++s) {
            if (!freq[s]) continue;
            int depth = 0;
            for (int64_t p = parent[s]; p != -1; p = parent[static_cast<size_t>(p)]) ++depth;
            len[s] = static_cast<uint8_t>(std::min(depth, 255));
            longest = std::max(longest, len[s]);
        }
        if (longest <= 24) return len;
        for (uint64_t& f : freq) f = f ? (f + 1) / 2 : 0;
    }
}

/// Canonical codes from lengths: symbols sorted by (length, symbol) get consecutive codes.
inline std::vector<uint32_t> canonical_codes(const std::vector<uint8_t>& len) {
    std::vector<uint32_t> code(len.size(), 0);
    uint32_t next = 0;
    uint8_t prev_len = 0;
    for (uint8_t l = 1; l <= 32; ++l)
        for (size_t s = 0; s < len.size(); ++s)
            if (len[s] == l) {
                next <<= (l - prev_len);
                prev_len = l;
                code[s] = next++;
            }
    return code;
}

class BitWriter {
public:
    void put(uint32_t code, uint8_t len) {
        for (int b = len - 1; b >= 0; --b) {
            if (used_ == 0) bytes.push_back(0);
            if ((code >> b) & 1u) bytes.back() |= static_cast<uint8_t>(0x80u >> used_);
            used_ = (used_ + 1) % 8;
        }
    }
    std::vector<uint8_t> bytes;

private:
    int used_ = 0;
};

/// Reads canonical Huffman symbols bit by bit: the code of length l is in [first[l], first[l] + count[l]).
class HuffmanDecoder {
public:
    explicit HuffmanDecoder(const std::vector<uint8_t>& len) {
        const std::vector<uint32_t> code = canonical_codes(len);
        for (uint8_t l = 1; l <= 32; ++l)
            for (size_t s = 0; s < len.size(); ++s)
                if (len[s] == l) {
                    if (count_[l] == 0) first_[l] = code[s], offset_[l] = static_cast<uint32_t>(symbols_.size());
                    ++count_[l];
                    symbols_.push_back(static_cast<uint32_t>(s));
                }
    }
    uint32_t next(const std::vector<uint8_t>& bytes, size_t& bit) const {
        uint32_t code = 0;
        for (uint8_t l = 1; l <= 32; ++l) {
            if (bit >= bytes.size() * 8) break;
            code = (code << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1u);
            ++bit;
            if (count_[l] && code >= first_[l] && code - first_[l] < count_[l]) return symbols_[offset_[l] + code - first_[l]];
        }
        throw DataError("deep_compression: the bit stream ends inside a code or holds an invalid one; hint: the file is damaged");
    }

private:
    uint32_t first_[33] = {}, count_[33] = {}, offset_[33] = {};
    std::vector<uint32_t> symbols_;
};

// ---- the file -----------------------------------------------------------------------------------------

inline constexpr int kFiller = 255;  ///< gap symbol: skip 255 positions, no value follows

namespace detail {
template <typename T>
void put(std::vector<uint8_t>& out, T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
}
struct Reader {
    const std::vector<uint8_t>& in;
    std::string path;
    size_t at = 0;
    template <typename T>
    T get() {
        T v;
        need(sizeof(T));
        std::memcpy(&v, in.data() + at, sizeof(T));
        at += sizeof(T);
        return v;
    }
    void need(size_t n) {
        if (at + n > in.size())
            throw DataError(fmt("deep_compression::load: '", path, "' ends early (", in.size(), " bytes); hint: the file is truncated"));
    }
};
}  // namespace detail

/// Write `tensors` (e.g. compression::effective_state_dict(model)) with `clusters` shared values
/// per tensor (2..256). Returns nothing; the size on disk is the file's.
inline void save(const std::string& path, const StateDict& tensors, int clusters = 32) {
    if (clusters < 2 || clusters > 256)
        throw tinytorch::ValueError(fmt("deep_compression::save: clusters must be in 2..256, got ", clusters,
                                        "; hint: 32 = 5-bit indices before Huffman coding"));
    std::vector<uint8_t> out{'T', 'T', 'D', 'C'};
    detail::put<uint32_t>(out, 1);
    detail::put<uint32_t>(out, static_cast<uint32_t>(tensors.size()));
    for (const auto& [name, t] : tensors) {
        detail::put<uint16_t>(out, static_cast<uint16_t>(name.size()));
        out.insert(out.end(), name.begin(), name.end());
        out.push_back(static_cast<uint8_t>(t.dim()));
        for (int64_t d : t.shape()) detail::put<int64_t>(out, d);
        const std::vector<float> dense = t.contiguous().to_vector();
        if (t.dim() < 2) {
            out.push_back(0);
            for (float v : dense) detail::put<float>(out, v);
            continue;
        }
        out.push_back(1);
        std::vector<float> nonzero;
        std::vector<uint32_t> gaps;
        int64_t prev = -1;
        for (size_t i = 0; i < dense.size(); ++i)
            if (dense[i] != 0.0f) {
                nonzero.push_back(dense[i]);
                gaps.push_back(static_cast<uint32_t>(static_cast<int64_t>(i) - prev - 1));
                prev = static_cast<int64_t>(i);
            }
        std::vector<uint8_t> index;
        const std::vector<float> centroids = kmeans_1d(nonzero, clusters, index);
        std::vector<uint64_t> gap_freq(256, 0), index_freq(static_cast<size_t>(clusters), 0);
        for (size_t i = 0; i < gaps.size(); ++i) {
            gap_freq[kFiller] += gaps[i] / kFiller;
            ++gap_freq[gaps[i] % kFiller];
            ++index_freq[index[i]];
        }
        const std::vector<uint8_t> gap_len = huffman_lengths(gap_freq), index_len = huffman_lengths(index_freq);
        const std::vector<uint32_t> gap_code = canonical_codes(gap_len), index_code = canonical_codes(index_len);
        BitWriter bits;
        for (size_t i = 0; i < gaps.size(); ++i) {
            for (uint32_t g = gaps[i]; g >= static_cast<uint32_t>(kFiller); g -= kFiller) bits.put(gap_code[kFiller], gap_len[kFiller]);
            bits.put(gap_code[gaps[i] % kFiller], gap_len[gaps[i] % kFiller]);
            bits.put(index_code[index[i]], index_len[index[i]]);
        }
        detail::put<uint32_t>(out, static_cast<uint32_t>(nonzero.size()));
        out.push_back(static_cast<uint8_t>(clusters - 1));
        for (float c : centroids) detail::put<float>(out, c);
        out.insert(out.end(), gap_len.begin(), gap_len.end());
        out.insert(out.end(), index_len.begin(), index_len.end());
        detail::put<uint32_t>(out, static_cast<uint32_t>(bits.bytes.size()));
        out.insert(out.end(), bits.bytes.begin(), bits.bytes.end());
    }
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    if (!f) throw DataError(fmt("deep_compression::save: could not write '", path, "'; hint: is the folder writable?"));
}

/// Read a file written by save() back as dense float32 tensors (shared values, zeros restored).
inline StateDict load(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError(fmt("deep_compression::load: cannot open '", path, "'; hint: check the path"));
    const std::vector<uint8_t> in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    detail::Reader r{in, path};
    r.need(4);
    if (std::memcmp(in.data(), "TTDC", 4) != 0)
        throw DataError(fmt("deep_compression::load: '", path, "' does not start with TTDC; hint: not written by deep_compression::save"));
    r.at = 4;
    if (r.get<uint32_t>() != 1) throw DataError(fmt("deep_compression::load: '", path, "' has an unknown version"));
    const uint32_t count = r.get<uint32_t>();
    StateDict out;
    for (uint32_t t = 0; t < count; ++t) {
        const uint16_t name_len = r.get<uint16_t>();
        r.need(name_len);
        const std::string name(in.begin() + static_cast<std::ptrdiff_t>(r.at), in.begin() + static_cast<std::ptrdiff_t>(r.at + name_len));
        r.at += name_len;
        const uint8_t ndim = r.get<uint8_t>();
        tinytorch::Shape shape;
        int64_t numel = 1;
        for (uint8_t d = 0; d < ndim; ++d) {
            shape.push_back(r.get<int64_t>());
            if (shape.back() < 0 || shape.back() > (int64_t(1) << 32)) throw DataError(fmt("deep_compression::load: '", name, "' has a bad shape"));
            numel *= shape.back();
        }
        if (numel > (int64_t(1) << 32)) throw DataError(fmt("deep_compression::load: '", name, "' is too large"));
        std::vector<float> dense(static_cast<size_t>(numel), 0.0f);
        const uint8_t kind = r.get<uint8_t>();
        if (kind == 0) {
            for (float& v : dense) v = r.get<float>();
        } else if (kind == 1) {
            const uint32_t nnz = r.get<uint32_t>();
            const int k = r.get<uint8_t>() + 1;
            std::vector<float> centroids(static_cast<size_t>(k));
            for (float& c : centroids) c = r.get<float>();
            r.need(256 + static_cast<size_t>(k));
            const std::vector<uint8_t> gap_len(in.begin() + static_cast<std::ptrdiff_t>(r.at), in.begin() + static_cast<std::ptrdiff_t>(r.at + 256));
            r.at += 256;
            const std::vector<uint8_t> index_len(in.begin() + static_cast<std::ptrdiff_t>(r.at), in.begin() + static_cast<std::ptrdiff_t>(r.at + k));
            r.at += static_cast<size_t>(k);
            const uint32_t nbytes = r.get<uint32_t>();
            r.need(nbytes);
            const std::vector<uint8_t> stream(in.begin() + static_cast<std::ptrdiff_t>(r.at), in.begin() + static_cast<std::ptrdiff_t>(r.at + nbytes));
            r.at += nbytes;
            const HuffmanDecoder gaps(gap_len), indices(index_len);
            size_t bit = 0;
            int64_t pos = -1;
            for (uint32_t i = 0; i < nnz; ++i) {
                uint32_t g = 0, s;
                while ((s = gaps.next(stream, bit)) == static_cast<uint32_t>(kFiller)) g += kFiller;
                pos += static_cast<int64_t>(g + s) + 1;
                const uint32_t c = indices.next(stream, bit);
                if (pos >= numel || c >= static_cast<uint32_t>(k))
                    throw DataError(fmt("deep_compression::load: '", name, "' in '", path, "' points outside the tensor; hint: the file is damaged"));
                dense[static_cast<size_t>(pos)] = centroids[c];
            }
        } else {
            throw DataError(fmt("deep_compression::load: '", name, "' has an unknown kind ", int(kind), "; hint: the file is damaged"));
        }
        out.insert(name, Tensor(std::move(dense), shape));
    }
    if (r.at != in.size()) throw DataError(fmt("deep_compression::load: '", path, "' has trailing bytes; hint: the file is damaged"));
    return out;
}

}  // namespace deep_compression
