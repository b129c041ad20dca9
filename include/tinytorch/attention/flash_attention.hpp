// include/tinytorch/attention/flash_attention.hpp
// Module 12 · Attention — lesson: modules/12_attention/README.md §3 (online softmax),
//                          §4 (the fused forward), §5 (the fused backward)
//
// The same numbers as the naive path without ever holding the [L, S] scores: per batch entry,
// the queries are cut into blocks of kQueryBlock rows and the keys into blocks of kKeyBlock; a
// query block walks over the key blocks keeping, per row, the running max m, the running sum l
// of exp(s − m) and the running output acc = Σ exp(s − m)·v. When a new block raises the max
// from m to m', everything so far is rescaled by exp(m − m') (the "online softmax", Milakov &
// Gimelshein 2018; FlashAttention, Dao et al. 2022). At the end out = acc / l, and the log-sum-exp
// lse = m + log l is all backward needs besides the output: memory O(L·(E + Ev)), not O(L·S).
// Backward recomputes each score block from Q, K and lse (P = exp(s − lse), exact softmax
// weights), as FlashAttention-2 does. Every block product is a GEMM (detail::gemm_strided, the
// project's GEMM backend) on [rows, E] × [E, cols] panels read in place from the inputs.
// Fully masked rows: m stays −inf, l = 0 -> output 0, lse = −inf, gradient 0 (never NaN).
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/attention/attention_geometry.hpp"
#include "tinytorch/tensor/matmul.hpp"

namespace tinytorch {
namespace detail {

/// Rows of queries per block: the running state of a block (m, l, acc [64, Ev]) stays in L1/L2.
constexpr int64_t kQueryBlock = 64;
/// Keys per block: a score block is kQueryBlock × kKeyBlock floats (32 KB).
constexpr int64_t kKeyBlock = 128;

/// Pointers, per-batch offsets and row strides of one attention call (inputs have stride 1 in
/// their last dim; the batch dims broadcast through stride-0 offsets).
struct AttentionOperands {
    const float* q = nullptr;
    const float* k = nullptr;
    const float* v = nullptr;
    const float* mask = nullptr;  ///< additive mask, or nullptr
    std::vector<int64_t> q_off, k_off, v_off, m_off;  ///< element offset of batch entry b
    int64_t qrs = 0, krs = 0, vrs = 0;                 ///< row strides (dim -2)
    int64_t mrs = 0, mcs = 0;                          ///< mask strides along L and S (0 if broadcast)
    bool causal = false;
    float scale = 1.0f;
    double dropout_p = 0.0;
    uint64_t seed = 0;
};

/// Element offsets of every batch entry of `t` (batch dims broadcast to g.batch).
inline std::vector<int64_t> attention_batch_offsets(const Tensor& t, const AttentionGeometry& g, int64_t trailing) {
    const int64_t nb = t.dim() - trailing;
    const Shape own(t.shape().begin(), t.shape().begin() + nb), own_strides(t.strides().begin(), t.strides().begin() + nb);
    const Shape st = broadcast_strides(own, own_strides, g.batch);
    std::vector<int64_t> off(static_cast<size_t>(g.B));
    for (int64_t b = 0; b < g.B; ++b) {
        int64_t rest = b, o = 0;
        for (int64_t d = static_cast<int64_t>(g.batch.size()) - 1; d >= 0; --d) {
            o += (rest % g.batch[d]) * st[d];
            rest /= g.batch[d];
        }
        off[b] = o;
    }
    return off;
}

/// Rows [i0, i0 + nr) of batch entry b against keys [j0, j0 + nc): S = scale · Q Kᵀ + mask, with
/// −inf where causal forbids. S is [nr, nc] contiguous.
inline void attention_score_block(const AttentionOperands& a, const AttentionGeometry& g, int64_t b, int64_t i0,
                                  int64_t nr, int64_t j0, int64_t nc, float* S) {
    // Q_i [nr, E] (row stride qrs) @ K_jᵀ: K_j is [nc, E], read as its transpose with strides (1, krs).
    gemm_strided(a.q + a.q_off[b] + i0 * a.qrs, a.qrs, 1, a.k + a.k_off[b] + j0 * a.krs, 1, a.krs, S, nr, g.E, nc);
    Eigen::Map<Eigen::ArrayXf>(S, nr * nc) *= a.scale;
    if (a.mask) {
        const float* m = a.mask + a.m_off[b] + i0 * a.mrs + j0 * a.mcs;
        for (int64_t r = 0; r < nr; ++r) {
            float* s = S + r * nc;
            const float* mr = m + r * a.mrs;
            if (a.mcs == 1) {
                TINYTORCH_SIMD
                for (int64_t c = 0; c < nc; ++c) s[c] += mr[c];
            } else {
                for (int64_t c = 0; c < nc; ++c) s[c] += mr[c * a.mcs];
            }
        }
    }
    if (a.causal && j0 + nc - 1 > i0) {  // some key of the block lies after some query: −inf there
        const float minus_inf = -std::numeric_limits<float>::infinity();
        for (int64_t r = 0; r < nr; ++r)
            for (int64_t c = std::max<int64_t>(0, i0 + r + 1 - j0); c < nc; ++c) S[r * nc + c] = minus_inf;
    }
}

/// Multiply P [nr, nc] (rows i0.., keys j0.. of batch entry b) by the dropout mask in place.
inline void attention_dropout_block(const AttentionOperands& a, const AttentionGeometry& g, int64_t b, int64_t i0,
                                    int64_t nr, int64_t j0, int64_t nc, float* P) {
    const float keep_scale = attention_dropout_scale(a.dropout_p), drop = static_cast<float>(a.dropout_p);
    for (int64_t r = 0; r < nr; ++r) {
        const uint64_t row = static_cast<uint64_t>((b * g.L + i0 + r) * g.S + j0);
        for (int64_t c = 0; c < nc; ++c)
            P[r * nc + c] *= attention_dropout_uniform(a.seed, row + static_cast<uint64_t>(c)) >= drop ? keep_scale : 0.0f;
    }
}

/// The number of key blocks query rows [i0, i0 + nr) must visit (causal: none wholly after the last row).
inline int64_t attention_key_end(const AttentionOperands& a, const AttentionGeometry& g, int64_t i0, int64_t nr) {
    return a.causal ? std::min(g.S, i0 + nr) : g.S;
}

/// Scratch memory of a parallel chunk, aligned like a tensor's storage. Eigen's sums start at the
/// first aligned element (the elements before it are added separately), so a sum's rounding depends
/// on the buffer's address. With malloc's 16-byte alignment that address differs between threads
/// and runs, and results did too (a backward pass on one thread vs two, under load); aligned
/// scratch makes every chunk compute the same numbers wherever it runs.
using ScratchFloats = std::vector<float, Eigen::aligned_allocator<float>>;

/// The fused forward pass: out [B, L, Ev] and lse [B, L] (both contiguous, preallocated).
inline void flash_attention_forward(const AttentionOperands& a, const AttentionGeometry& g, float* out, float* lse) {
    // BEGIN SOLUTION: detail::flash_attention_forward (§4)
    const int64_t q_blocks = (g.L + kQueryBlock - 1) / kQueryBlock;
    const float minus_inf = -std::numeric_limits<float>::infinity();
    // Threads only for enough work: one new token against a KV cache (module 18) is a few
    // thousand multiply-adds per (batch, head); waking a second thread for that costs more.
    const int64_t work = std::min(g.L, kQueryBlock) * g.S * (g.E + g.Ev);  // multiply-adds per item
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(work, 1));
    parallel_for(g.B * q_blocks, grain, [&](int64_t lo, int64_t hi) {
        // per-thread scratch, allocated once per chunk: a score block, the running max / sum / output
        ScratchFloats S(static_cast<size_t>(kQueryBlock * kKeyBlock)), m(kQueryBlock), l(kQueryBlock),
            acc(static_cast<size_t>(kQueryBlock * std::max<int64_t>(g.Ev, 1)));
        for (int64_t item = lo; item < hi; ++item) {
            const int64_t b = item / q_blocks, i0 = (item % q_blocks) * kQueryBlock;
            const int64_t nr = std::min(kQueryBlock, g.L - i0), key_end = attention_key_end(a, g, i0, nr);
            std::fill_n(m.begin(), nr, minus_inf);
            std::fill_n(l.begin(), nr, 0.0f);
            std::fill_n(acc.begin(), nr * g.Ev, 0.0f);
            for (int64_t j0 = 0; j0 < key_end; j0 += kKeyBlock) {
                const int64_t nc = std::min(kKeyBlock, key_end - j0);
                attention_score_block(a, g, b, i0, nr, j0, nc, S.data());
                for (int64_t r = 0; r < nr; ++r) {
                    float* s = S.data() + r * nc;
                    const float block_max = Eigen::Map<const Eigen::ArrayXf>(s, nc).maxCoeff();
                    const float m_new = std::max(m[r], block_max);
                    if (m_new == minus_inf) {  // nothing visible in this row yet: weights 0
                        std::fill_n(s, nc, 0.0f);
                        continue;
                    }
                    // the online softmax: rescale what was summed under the old max
                    const float alpha = m[r] == minus_inf ? 0.0f : std::exp(m[r] - m_new);
                    Eigen::Map<Eigen::ArrayXf> srow(s, nc);
                    srow -= m_new;
                    exp_into(s, s, nc);  // exp(−inf) = 0 exactly
                    l[r] = l[r] * alpha + srow.sum();
                    if (alpha != 1.0f) Eigen::Map<Eigen::ArrayXf>(acc.data() + r * g.Ev, g.Ev) *= alpha;
                    m[r] = m_new;
                }
                if (a.dropout_p > 0.0) attention_dropout_block(a, g, b, i0, nr, j0, nc, S.data());
                // acc [nr, Ev] += P [nr, nc] @ V_j [nc, Ev]
                gemm_strided(S.data(), nc, 1, a.v + a.v_off[b] + j0 * a.vrs, a.vrs, 1, acc.data(), nr, nc, g.Ev,
                             /*accumulate=*/true);
            }
            for (int64_t r = 0; r < nr; ++r) {
                float* o = out + (b * g.L + i0 + r) * g.Ev;
                const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;  // l = 0: a fully masked row -> 0
                Eigen::Map<Eigen::ArrayXf>(o, g.Ev) = Eigen::Map<const Eigen::ArrayXf>(acc.data() + r * g.Ev, g.Ev) * inv;
                lse[b * g.L + i0 + r] = l[r] > 0.0f ? m[r] + std::log(l[r]) : minus_inf;
            }
        }
    });
    // END SOLUTION
}

/// The fused backward pass. Inputs: the forward's operands, out and lse, the output gradient dO
/// [B, L, Ev] (contiguous). Outputs (contiguous, zero-filled by the caller): dQ [B, L, E],
/// dK [B, S, E], dV [B, S, Ev] in the broadcast batch layout.
inline void flash_attention_backward(const AttentionOperands& a, const AttentionGeometry& g, const float* out,
                                     const float* lse, const float* dO, float* dQ, float* dK, float* dV) {
    // BEGIN SOLUTION: detail::flash_attention_backward (§5)
    // With P = softmax weights, P~ = P·dropout mask, O = P~ V and dO = dL/dO:
    //   dV = P~ᵀ dO,   dP~ = dO Vᵀ,   dS = P ∘ (dP~ ∘ mask − D) with D_i = Σ_e dO_ie O_ie,
    //   dQ = scale · dS K,   dK = scale · dSᵀ Q.
    // Key blocks in the outer loop: dK_j and dV_j are finished block by block; dQ (one batch
    // entry's, [L, E]) collects from every key block. Batch entries run in parallel.
    parallel_for(g.B, 1, [&](int64_t lo, int64_t hi) {
        ScratchFloats P(static_cast<size_t>(kQueryBlock * kKeyBlock)), dP(P.size()), D(static_cast<size_t>(g.L));
        ScratchFloats Pd(a.dropout_p > 0.0 ? P.size() : 0);
        for (int64_t b = lo; b < hi; ++b) {
            const float* dOb = dO + b * g.L * g.Ev;
            const float* Ob = out + b * g.L * g.Ev;
            const float* lse_b = lse + b * g.L;
            float* dQb = dQ + b * g.L * g.E;
            for (int64_t i = 0; i < g.L; ++i)
                D[i] = (Eigen::Map<const Eigen::ArrayXf>(dOb + i * g.Ev, g.Ev) *
                        Eigen::Map<const Eigen::ArrayXf>(Ob + i * g.Ev, g.Ev)).sum();
            for (int64_t j0 = 0; j0 < g.S; j0 += kKeyBlock) {
                const int64_t nc = std::min(kKeyBlock, g.S - j0);
                float* dKj = dK + (b * g.S + j0) * g.E;
                float* dVj = dV + (b * g.S + j0) * g.Ev;
                const float* Kj = a.k + a.k_off[b] + j0 * a.krs;
                const float* Vj = a.v + a.v_off[b] + j0 * a.vrs;
                const int64_t i_first = a.causal ? (j0 / kQueryBlock) * kQueryBlock : 0;  // earlier rows see none of these keys
                for (int64_t i0 = i_first; i0 < g.L; i0 += kQueryBlock) {
                    const int64_t nr = std::min(kQueryBlock, g.L - i0);
                    const float* Qi = a.q + a.q_off[b] + i0 * a.qrs;
                    attention_score_block(a, g, b, i0, nr, j0, nc, P.data());
                    for (int64_t r = 0; r < nr; ++r) {  // P = exp(S − lse): the exact softmax weights
                        float* p = P.data() + r * nc;
                        const float row_lse = lse_b[i0 + r];
                        if (row_lse == -std::numeric_limits<float>::infinity()) {
                            std::fill_n(p, nc, 0.0f);
                            continue;
                        }
                        Eigen::Map<Eigen::ArrayXf>(p, nc) -= row_lse;
                        exp_into(p, p, nc);
                    }
                    const float* Pv = P.data();
                    if (a.dropout_p > 0.0) {
                        std::copy_n(P.data(), nr * nc, Pd.data());
                        attention_dropout_block(a, g, b, i0, nr, j0, nc, Pd.data());
                        Pv = Pd.data();
                    }
                    // dV_j [nc, Ev] += P~ᵀ [nc, nr] @ dO_i [nr, Ev]
                    gemm_strided(Pv, 1, nc, dOb + i0 * g.Ev, g.Ev, 1, dVj, nc, nr, g.Ev, true);
                    // dP~ [nr, nc] = dO_i [nr, Ev] @ V_jᵀ [Ev, nc]
                    gemm_strided(dOb + i0 * g.Ev, g.Ev, 1, Vj, 1, a.vrs, dP.data(), nr, g.Ev, nc);
                    if (a.dropout_p > 0.0) attention_dropout_block(a, g, b, i0, nr, j0, nc, dP.data());
                    for (int64_t r = 0; r < nr; ++r) {  // dS = P ∘ (dP − D), written over dP
                        Eigen::Map<Eigen::ArrayXf> ds(dP.data() + r * nc, nc);
                        ds = Eigen::Map<const Eigen::ArrayXf>(P.data() + r * nc, nc) * (ds - D[i0 + r]);
                    }
                    // dQ_i [nr, E] += dS [nr, nc] @ K_j [nc, E];   dK_j [nc, E] += dSᵀ [nc, nr] @ Q_i [nr, E]
                    gemm_strided(dP.data(), nc, 1, Kj, a.krs, 1, dQb + i0 * g.E, nr, nc, g.E, true);
                    gemm_strided(dP.data(), 1, nc, Qi, a.qrs, 1, dKj, nc, nr, g.E, true);
                }
                Eigen::Map<Eigen::ArrayXf>(dKj, nc * g.E) *= a.scale;
            }
            Eigen::Map<Eigen::ArrayXf>(dQb, g.L * g.E) *= a.scale;
        }
    });
    // END SOLUTION
}

}  // namespace detail
}  // namespace tinytorch
