// bench/bench.hpp — what the benchmark's translation units share (standard C++ only).
//
// The benchmark program (bench/main.cpp) times one *step* of each workload in TinyTorch and,
// when it was built against libtorch, in libtorch, in the same run. Each framework hands the
// harness a Workload: a closure that runs exactly one step (for training: zero_grad, forward,
// loss, backward, optimizer step), so both are timed by the same code. The libtorch side lives
// in its own translation unit (bench/libtorch_workloads.cpp) and only this header connects the
// two, so the TinyTorch side compiles without libtorch's headers.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bench {

/// One runnable workload instance: `step()` runs one step; `items` is what one step processes
/// (samples for training/inference, FLOPs for a GEMM) so that items / seconds is the throughput.
struct Workload {
    std::function<void()> step;
    double items = 0;
    /// Generation workloads whose output both sides must agree on: runs one step and returns the
    /// token ids it produced (empty function: nothing to compare).
    std::function<std::vector<int64_t>()> tokens = {};
};

/// The workloads every framework side implements (same shapes, optimizers, batch sizes).
///   W1_train  MLP 784-256-128-10, ReLU, cross-entropy, SGD(lr 0.01, momentum 0.9), batch 64
///   W1_infer  the same MLP, forward only without autograd, batch 256
///   W1_frozen the same inference, TinyTorch through accel::freeze (module 17: pre-packed weights,
///             fused epilogues, reused buffers), libtorch under InferenceMode
///   W2_train  LeNet-5 on 1x28x28, SGD(lr 0.01, momentum 0.9), batch 64
///   W3_train  small CIFAR CNN on 3x32x32, Adam(lr 1e-3), batch 64
///   W4_train  char-level GPT (nanoGPT's CPU model): 4 layers, 4 heads, 128 dims, block 64, vocab 65,
///             exact GELU, tied head; AdamW(lr 1e-3, weight decay 0.1 on 2-D weights), batch 16 (tokens)
///   W4_gen  the same model, 200 new tokens from a one-token prompt, batch 1, no cache (tokens);
///             past block 64 both sides follow TinyTorch's context policy (nn::ContextWindow: the
///             window jumps to its newest 32 tokens when it is full; nanoGPT would slide it by one)
///   W4_gen_kv  the same model with the weights of w4_weights(), 200 greedy tokens from a one-token
///             prompt, batch 1: TinyTorch with its KV cache (module 18) against libtorch running
///             nanoGPT's generate loop (no cache: nanoGPT has none) with the same context policy;
///             both must give the same tokens (tokens)
///   W5_sgemm  C[1024,1024] = A[1024,1024] @ B[1024,1024], float32, through matmul's backend
///   W5_kernel the same product through TinyTorch's own kernel (gemm_kernel.hpp) whatever the backend
struct WorkloadInfo {
    std::string id, title, unit;
};
inline const std::vector<WorkloadInfo>& workload_table() {
    static const std::vector<WorkloadInfo> table = {
        {"W1_train", "MLP 784-256-128-10, SGD m0.9, batch 64 (train)", "samples/s"},
        {"W1_infer", "MLP 784-256-128-10, batch 256 (inference)", "samples/s"},
        {"W1_frozen", "MLP 784-256-128-10, batch 256 (inference: accel::freeze vs libtorch InferenceMode)", "samples/s"},
        {"W2_train", "LeNet-5 1x28x28, SGD m0.9, batch 64 (train)", "samples/s"},
        {"W3_train", "CNN 3x32x32 conv32-conv64-fc256, Adam, batch 64 (train)", "samples/s"},
        {"W4_train", "char-GPT 4L 4H 128d block 64, AdamW, batch 16 (train)", "tokens/s"},
        {"W4_gen", "char-GPT, 200 tokens, batch 1, no cache (generate)", "tokens/s"},
        {"W4_gen_kv", "char-GPT, 200 greedy tokens, batch 1, TT KV cache vs nanoGPT's generate loop", "tokens/s"},
        {"W5_sgemm", "sgemm 1024x1024x1024", "GFLOP/s"},
        {"W5_kernel", "sgemm 1024x1024x1024, TinyTorch's own kernel (gemm_kernel.hpp)", "GFLOP/s"},
    };
    return table;
}

/// The weights of W4_gen_kv, the same on both sides: `n` values for the parameter with nanoGPT's
/// name `key` ("transformer.h.0.attn.c_attn.weight", ...), from a hash of the name and the index
/// (SplitMix64), uniform with the spread given below. Larger than nanoGPT's initialisation, so that
/// greedy decoding meets no near-ties and the comparison of tokens means something.
inline std::vector<float> w4_weights(const std::string& key, int64_t n) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a of the name
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    auto ends_with = [&](const char* e) {
        const std::string s(e);
        return key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0;
    };
    const bool norm = key.find("ln_") != std::string::npos, bias = ends_with(".bias");
    const bool table = key.find("wte") != std::string::npos || key.find("wpe") != std::string::npos;
    const double center = norm && !bias ? 1.0 : 0.0;
    const double spread = norm ? 0.2 : bias ? 0.05 : table ? 0.5 : 0.12;  // half-widths of the uniform ranges
    std::vector<float> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        uint64_t z = h + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(i + 1);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        const double u = static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;  // [-1, 1)
        out[static_cast<size_t>(i)] = static_cast<float>(center + spread * u);
    }
    return out;
}

// ---- the libtorch side (bench/libtorch_workloads.cpp; a stub when libtorch is absent) ----------
bool libtorch_available();
std::string libtorch_version();
/// What libtorch reports about its build (BLAS, oneDNN, parallel backend), one line.
std::string libtorch_config();
/// torch::set_num_threads(n).
void libtorch_set_threads(int n);
/// A libtorch instance of workload `id` (seeded synthetic data); step is empty if not provided.
Workload libtorch_workload(const std::string& id);

// ---- OpenBLAS (bench/openblas_gemm.cpp; a stub when OpenBLAS is absent) -------------------------
bool openblas_available();
/// openblas_get_config() and the core type OpenBLAS picked, e.g. "OpenBLAS 0.3.21 ... (Zen)".
std::string openblas_config();
/// openblas_set_num_threads(n) (the library libtorch's BLAS calls land in as well).
void openblas_set_threads(int n);
/// C = A @ B with cblas_sgemm, row-major n x n.
void openblas_sgemm(const float* a, const float* b, float* c, int n);

}  // namespace bench
