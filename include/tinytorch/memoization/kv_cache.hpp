// include/tinytorch/memoization/kv_cache.hpp
// Module 18 · Memoization — lesson: modules/18_memoization/README.md §2
//
// The keys and values a GPT has already computed, kept so that the next token does not
// recompute them. One pair of buffers per layer, allocated once at full size:
//     K[layer], V[layer]   [B, H, capacity, head_dim]      positions 0 .. length − 1 are filled
// append(layer, k, v) copies new keys/values [B, H, T, head_dim] to positions length .. length + T − 1
// of that layer and returns views of everything cached so far, [B, H, length + T, head_dim] — views
// of the buffers, not copies: attention reads them in place (module 12 takes strided rows).
// Nothing is ever reallocated while generating; reset() only rewinds the lengths.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::nn {

/// What a KVCache occupies (float32 = 4 bytes per element).
struct KVCacheMemory {
    int64_t allocated_bytes = 0;  ///< all layers, K and V, at full capacity: 2·L·B·H·capacity·d·4
    int64_t used_bytes = 0;       ///< the part holding cached positions: 2·L·B·H·length·d·4
    int64_t per_token_bytes = 0;  ///< what one more position costs, all layers and rows: 2·L·B·H·d·4
    int64_t per_layer_bytes = 0;  ///< one layer's K and V at full capacity
};

/// Preallocated keys and values of every layer of a decoder (see the top of this file).
class KVCache {
public:
    /// Buffers for n_layer layers of n_head heads of size head_dim, batch rows, and up to
    /// capacity positions (a GPT's block_size).
    KVCache(int64_t n_layer, int64_t batch_size, int64_t n_head, int64_t capacity, int64_t head_dim);

    /// Copies k, v [B, H, T, head_dim] to positions length(layer) .. length(layer) + T − 1 of that
    /// layer, advances it by T, and returns views (keys, values) of all its positions:
    /// [B, H, length(layer), head_dim] each.
    std::pair<Tensor, Tensor> append(int64_t layer, const Tensor& k, const Tensor& v);
    /// Views of the cached keys / values of a layer: [B, H, length(layer), head_dim].
    Tensor keys(int64_t layer) const;
    Tensor values(int64_t layer) const;

    /// Positions cached in one layer.
    int64_t length(int64_t layer) const;
    /// Positions cached in every layer (a ValueError if the layers are not in step, which
    /// happens only if a forward pass stopped half way).
    int64_t length() const;
    /// Forget every position (the buffers stay allocated; nothing is cleared or freed).
    void reset();

    int64_t n_layer() const { return static_cast<int64_t>(k_.size()); }
    int64_t batch_size() const { return batch_; }
    int64_t n_head() const { return n_head_; }
    int64_t capacity() const { return capacity_; }
    int64_t head_dim() const { return head_dim_; }
    /// Bytes allocated and in use (see KVCacheMemory).
    KVCacheMemory memory() const;
    /// One line for people: "KV cache: 4 layers x [1, 4, 128, 32] x {K, V} = 512.0 KiB, 3 of 128 positions used (12.0 KiB)".
    std::string memory_report() const;

private:
    int64_t batch_ = 0, n_head_ = 0, capacity_ = 0, head_dim_ = 0;
    std::vector<Tensor> k_, v_;        ///< per layer: [B, H, capacity, head_dim]
    std::vector<int64_t> lengths_;     ///< per layer: positions filled

    void check_layer(int64_t layer, const char* op) const;
};

// ================================================================================================
// definitions
// ================================================================================================

inline KVCache::KVCache(int64_t n_layer, int64_t batch_size, int64_t n_head, int64_t capacity, int64_t head_dim)
    : batch_(batch_size), n_head_(n_head), capacity_(capacity), head_dim_(head_dim) {
    if (n_layer <= 0 || batch_size <= 0 || n_head <= 0 || capacity <= 0 || head_dim <= 0)
        throw ValueError(fmt("KVCache: n_layer, batch_size, n_head, capacity and head_dim must be positive, got ",
                             n_layer, ", ", batch_size, ", ", n_head, ", ", capacity, ", ", head_dim,
                             "; hint: make_kv_cache(model, batch_size) reads them from a GPT"));
    // BEGIN SOLUTION: KVCache::KVCache (§2)
    // everything allocated once, up front: generating never allocates cache memory again
    for (int64_t l = 0; l < n_layer; ++l) {
        k_.push_back(zeros({batch_size, n_head, capacity, head_dim}));
        v_.push_back(zeros({batch_size, n_head, capacity, head_dim}));
    }
    lengths_.assign(static_cast<size_t>(n_layer), 0);
    // END SOLUTION
}

inline void KVCache::check_layer(int64_t layer, const char* op) const {
    if (layer < 0 || layer >= n_layer())
        throw IndexError(fmt(op, ": layer ", layer, " is out of range for a cache of ", n_layer(),
                             " layers; hint: valid layers are 0..", n_layer() - 1));
}

inline std::pair<Tensor, Tensor> KVCache::append(int64_t layer, const Tensor& k, const Tensor& v) {
    check_layer(layer, "KVCache::append");
    for (const Tensor* t : {&k, &v}) {
        const bool ok = t->defined() && t->dim() == 4 && t->size(0) == batch_ && t->size(1) == n_head_ &&
                        t->size(3) == head_dim_ && t->size(2) >= 1;
        if (!ok)
            throw ShapeError(fmt("KVCache::append: expected ", t == &k ? "keys" : "values", " [", batch_, ", ", n_head_,
                                 ", T, ", head_dim_, "] (T >= 1), got ",
                                 t->defined() ? shape_str(t->shape()) : std::string("an undefined tensor"),
                                 "; hint: pass the k and v of CausalSelfAttention::project_qkv for this cache's batch"));
    }
    if (k.size(2) != v.size(2))
        throw ShapeError(fmt("KVCache::append: keys ", shape_str(k.shape()), " and values ", shape_str(v.shape()),
                             " hold different numbers of positions; hint: append the k and v of the same tokens"));
    const int64_t T = k.size(2);
    const int64_t start = lengths_[static_cast<size_t>(layer)];
    if (start + T > capacity_)
        throw ValueError(fmt("KVCache::append: layer ", layer, " holds ", start, " of ", capacity_, " positions; ", T,
                             " more do not fit; hint: reset() and prefill the tokens you keep again (generate_with_cache keeps the "
                             "newest half of its window: nn::ContextWindow)"));
    // BEGIN SOLUTION: KVCache::append (§2)
    // write into the preallocated buffers: positions start .. start + T - 1 of dim 2
    const size_t l = static_cast<size_t>(layer);
    k_[l].narrow(2, start, T).copy_(k);
    v_[l].narrow(2, start, T).copy_(v);
    lengths_[l] = start + T;
    return {keys(layer), values(layer)};
    // END SOLUTION
}

inline Tensor KVCache::keys(int64_t layer) const {
    check_layer(layer, "KVCache::keys");
    // BEGIN SOLUTION: KVCache::keys (§2)
    return k_[static_cast<size_t>(layer)].narrow(2, 0, lengths_[static_cast<size_t>(layer)]);
    // END SOLUTION
}

inline Tensor KVCache::values(int64_t layer) const {
    check_layer(layer, "KVCache::values");
    // BEGIN SOLUTION: KVCache::values (§2)
    return v_[static_cast<size_t>(layer)].narrow(2, 0, lengths_[static_cast<size_t>(layer)]);
    // END SOLUTION
}

inline int64_t KVCache::length(int64_t layer) const {
    check_layer(layer, "KVCache::length");
    return lengths_[static_cast<size_t>(layer)];
}

inline int64_t KVCache::length() const {
    for (size_t l = 1; l < lengths_.size(); ++l)
        if (lengths_[l] != lengths_[0])
            throw ValueError(fmt("KVCache::length: the layers hold different numbers of positions (layer 0: ",
                                 lengths_[0], ", layer ", l, ": ", lengths_[l],
                                 "); hint: a forward pass stopped half way; reset() and prefill again"));
    return lengths_.empty() ? 0 : lengths_[0];
}

inline void KVCache::reset() { std::fill(lengths_.begin(), lengths_.end(), int64_t(0)); }

inline KVCacheMemory KVCache::memory() const {
    KVCacheMemory m;
    // BEGIN SOLUTION: KVCache::memory (§2)
    const int64_t bytes_per_position = batch_ * n_head_ * head_dim_ * static_cast<int64_t>(sizeof(float));
    int64_t filled = 0;
    for (int64_t len : lengths_) filled += len;
    m.per_layer_bytes = 2 * capacity_ * bytes_per_position;
    m.allocated_bytes = n_layer() * m.per_layer_bytes;
    m.used_bytes = 2 * filled * bytes_per_position;
    m.per_token_bytes = 2 * n_layer() * bytes_per_position;
    // END SOLUTION
    return m;
}

inline std::string KVCache::memory_report() const {
    const KVCacheMemory m = memory();
    auto kib = [](int64_t b) { return fmt(static_cast<double>(b) / 1024.0, " KiB"); };
    int64_t used_positions = 0;
    for (int64_t len : lengths_) used_positions = std::max(used_positions, len);
    return fmt("KV cache: ", n_layer(), " layers x [", batch_, ", ", n_head_, ", ", capacity_, ", ", head_dim_,
               "] x {K, V} = ", kib(m.allocated_bytes), ", ", used_positions, " of ", capacity_, " positions used (",
               kib(m.used_bytes), "), ", m.per_token_bytes, " bytes per position");
}

}  // namespace tinytorch::nn
