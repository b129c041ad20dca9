// modules/01_tensor/analysis.cpp — Module 01 · Tensor: what a tensor costs, measured on this machine.
//
//   1. memory: the bytes of data next to the bytes of bookkeeping (TensorImpl, Storage, shape and
//      strides vectors, shared_ptr control blocks) for a few shapes;
//   2. traversal order: reading a 4096 x 4096 tensor along its rows vs down its columns (the same
//      storage seen through x and through the transposed view x.t());
//   3. matmul: the three-loop definition (detail::matmul_naive) vs the Eigen GEMM behind matmul(),
//      in GFLOP/s, for sizes 64..512;
//   4. a view vs a copy: transpose / reshape / select cost nanoseconds, contiguous / clone cost
//      time proportional to the bytes they move.
// Build and run:  cmake --build build/dev --target analysis_01_tensor && build/dev/bin/analysis_01_tensor
#include "tinytorch/tensor/eigen.hpp"  // Eigen (its GEMM is one of the contenders)
#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/harness.hpp"  // module 19's timer (ready-made)
#include "tinytorch/tensor/tensor.hpp"

using namespace tinytorch;
namespace bm = tinytorch::benchmark;

namespace {

/// Something the optimiser cannot see through, so measured work is not thrown away.
volatile double g_sink = 0;

/// Median seconds per call of f (module 19's harness: warm-up, calibrated repeats).
double median_seconds(const std::function<void()>& f, int repeats = 5) { return bm::seconds_per_call(f, repeats); }

/// Nanoseconds per call (calibration batches cheap calls, so the clock's cost disappears).
double ns_per_call(const std::function<void()>& f) { return bm::seconds_per_call(f) * 1e9; }

/// Heap bytes of a shared_ptr control block made by make_shared (two reference counts + vtable).
constexpr size_t kControlBlock = 16;

/// Bytes that describe a tensor rather than hold its data: the handle, the TensorImpl with its
/// control block, the heap buffers of the shape and strides vectors, and the Storage object.
size_t header_bytes(const Tensor& t, bool owns_storage) {
    size_t b = sizeof(Tensor) + sizeof(TensorImpl) + kControlBlock;
    b += 2 * t.shape().capacity() * sizeof(int64_t);  // shape and strides live on the heap
    if (owns_storage) b += sizeof(Storage) + kControlBlock;
    return b;
}

/// Bytes the storage really allocated: rounded up to whole 64-byte cache lines.
size_t allocated_bytes(const Tensor& t) { return std::max<size_t>(64, (t.storage()->nbytes() + 63) / 64 * 64); }

std::string human(double bytes) {
    const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) { bytes /= 1024; ++u; }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, unit[u]);
    return buf;
}

// ---- 1. memory ----------------------------------------------------------------------------------

void memory_table() {
    std::printf("1. Memory: data bytes vs bookkeeping bytes per tensor (float32 = %zu bytes)\n\n", sizeof(float));
    std::printf("   sizeof(Tensor) = %zu (one shared_ptr), sizeof(TensorImpl) = %zu, sizeof(Storage) = %zu\n\n",
                sizeof(Tensor), sizeof(TensorImpl), sizeof(Storage));
    std::printf("   %-18s %10s %12s %12s %8s %9s\n", "shape", "numel", "data", "allocated", "header", "header %");
    const std::vector<std::pair<const char*, Shape>> shapes = {
        {"[] (a loss)", {}},
        {"[10] (a bias)", {10}},
        {"[28, 28] (digit)", {28, 28}},
        {"[3, 32, 32] (CIFAR)", {3, 32, 32}},
        {"[64, 3, 32, 32]", {64, 3, 32, 32}},
        {"[784, 128] (W)", {784, 128}},
        {"[1024, 1024]", {1024, 1024}},
    };
    for (const auto& [name, shape] : shapes) {
        Tensor t = zeros(shape);
        size_t data = t.nbytes(), alloc = allocated_bytes(t), head = header_bytes(t, true);
        std::printf("   %-18s %10lld %12s %12s %6zu B %8.2f%%\n", name, static_cast<long long>(t.numel()),
                    human(double(data)).c_str(), human(double(alloc)).c_str(), head,
                    100.0 * double(head) / double(head + alloc));
    }
    Tensor big = zeros({1024, 1024});
    Tensor view = big.t();
    std::printf("\n   a view (x.t() of [1024, 1024]) allocates no data: %zu header bytes, %s shared\n",
                header_bytes(view, false), human(double(view.nbytes())).c_str());
    const double gpt2 = 124e6, gpt3 = 175e9;
    std::printf("   parameters -> float32 bytes: GPT-2 small 124M = %s, GPT-3 175B = %s;\n"
                "   training with Adam keeps ~4 copies (weights, grads, two moments) = %s for GPT-3\n\n",
                human(gpt2 * 4).c_str(), human(gpt3 * 4).c_str(), human(gpt3 * 16).c_str());
}

// ---- 2. traversal order ---------------------------------------------------------------------------

/// Sum a 2-D tensor in its logical (row-major) order, following its strides: for x this walks
/// storage front to back; for x.t() it jumps a whole row of x (16 KiB) between neighbours.
double sum_in_logical_order(const Tensor& t) {
    const float* p = t.data_ptr();
    const int64_t rows = t.size(0), cols = t.size(1), rs = t.stride(0), cs = t.stride(1);
    double acc = 0;
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) acc += p[i * rs + j * cs];
    return acc;
}

void traversal_table() {
    const int64_t n = 4096;
    std::printf("2. Traversal order: summing a [%lld, %lld] tensor (%s) through x and through x.t()\n\n",
                static_cast<long long>(n), static_cast<long long>(n), human(double(n * n * 4)).c_str());
    manual_seed(0);
    Tensor x = rand({n, n});
    Tensor xt = x.t();
    const double bytes = double(n * n * 4);
    struct Row { const char* what; double s; };
    std::vector<Row> rows;  // x was just written by rand(): its pages are warm already
    rows.push_back({"plain loop over x     (rows, stride 1)", median_seconds([&] { g_sink = sum_in_logical_order(x); })});
    rows.push_back({"plain loop over x.t() (columns, stride 4096)", median_seconds([&] { g_sink = sum_in_logical_order(xt); }, 3)});
    rows.push_back({"x.sum()     (contiguous: one SIMD pass)", median_seconds([&] { g_sink = x.sum().item(); })});
    rows.push_back({"x.t().sum() (all dims: walks x's memory order)", median_seconds([&] { g_sink = xt.sum().item(); })});
    rows.push_back({"x.t().sum(1) (= x.sum(0): copies x.t() first)", median_seconds([&] { g_sink = xt.sum(1).data_ptr()[0]; }, 3)});
    std::printf("   %-44s %10s %10s %9s\n", "what", "ms", "GB/s read", "vs best");
    double best = rows[0].s;
    for (const Row& r : rows) best = std::min(best, r.s);
    for (const Row& r : rows)
        std::printf("   %-44s %10.2f %10.2f %8.1fx\n", r.what, r.s * 1e3, bytes / r.s / 1e9, r.s / best);
    std::printf("\n   column order loads a 64-byte cache line to use 4 of its bytes, and touches a new 4 KiB page\n"
                "   every step; row order uses all 16 floats of every line it loads. A full sum may visit the\n"
                "   elements in any order, so x.t().sum() walks x's storage front to back; x.t().sum(1) keeps\n"
                "   x.t()'s rows apart, so the library first copies x.t() to row-major (reading x by columns).\n\n");
}

// ---- 3. matmul ------------------------------------------------------------------------------------

/// The same three loops as detail::matmul_naive, on raw pointers (no at() bounds checks).
Tensor matmul_raw_loops(const Tensor& a, const Tensor& b) {
    const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
    Tensor out = zeros({M, N});
    const float *pa = a.data_ptr(), *pb = b.data_ptr();
    float* po = out.data_ptr();
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int64_t k = 0; k < K; ++k) acc += pa[i * K + k] * pb[k * N + j];
            po[i * N + j] = acc;
        }
    return out;
}

void matmul_table() {
    std::printf("3. Matmul [n, n] @ [n, n]: 2 n^3 FLOPs on 3 n^2 floats (GFLOP/s, higher is better)\n\n");
    const int threads = get_num_threads();
    std::printf("   %6s %10s %13s %12s %14s %14s %12s\n", "n", "MFLOP", "naive (at())", "raw 3 loops", "Eigen 1 thread",
                (std::string("Eigen ") + std::to_string(threads) + " thr.").c_str(), "Eigen/naive");
    manual_seed(1);
    bool threads_hurt = false;
    for (int64_t n : {64, 128, 256, 512}) {
        Tensor a = randn({n, n}), b = randn({n, n});
        const double flops = 2.0 * double(n) * double(n) * double(n);
        auto gf = [&](double s) { return s > 0 ? flops / s / 1e9 : 0.0; };
        double naive = 0, raw = 0;
        if (n <= 256) {  // the naive loops take seconds beyond this
            naive = median_seconds([&] { g_sink = detail::matmul_naive(a, b).data_ptr()[0]; }, 1);
            raw = median_seconds([&] { g_sink = matmul_raw_loops(a, b).data_ptr()[0]; }, 1);
        }
        set_num_threads(1);
        double one = median_seconds([&] { g_sink = a.matmul(b).data_ptr()[0]; });
        set_num_threads(threads);
        double fast = median_seconds([&] { g_sink = a.matmul(b).data_ptr()[0]; });
        char naive_s[32] = "-", raw_s[32] = "-", ratio_s[32] = "-";
        if (n <= 256) {
            std::snprintf(naive_s, sizeof naive_s, "%.3f", gf(naive));
            std::snprintf(raw_s, sizeof raw_s, "%.2f", gf(raw));
            std::snprintf(ratio_s, sizeof ratio_s, "%.0fx", naive / std::min(one, fast));
        }
        std::printf("   %6lld %10.1f %13s %12s %14.2f %14.2f %12s\n", static_cast<long long>(n), flops / 1e6, naive_s, raw_s,
                    gf(one), gf(fast), ratio_s);
        threads_hurt = threads_hurt || (threads > 1 && fast > 1.5 * one);
    }
    if (threads_hurt)
        std::printf("\n   more threads were slower here: other programs are competing for the cores, and OpenMP threads\n"
                    "   wait for each other at every barrier of the GEMM. Try OMP_NUM_THREADS=1, or an idle machine.\n");
    std::printf("\n   the naive loops read B down its columns (stride n) and reload everything for every output;\n"
                "   Eigen packs blocks of A and B into cache-sized panels and runs SIMD micro-kernels on them.\n\n");
}

// ---- 4. views vs copies ---------------------------------------------------------------------------

void view_vs_copy_table() {
    const int64_t n = 1024;
    std::printf("4. A view vs a copy, on x = [%lld, %lld] (%s)\n\n", static_cast<long long>(n), static_cast<long long>(n),
                human(double(n * n * 4)).c_str());
    Tensor x = rand({n, n});
    Tensor xt = x.t();
    struct Row { const char* what; const char* kind; double ns; };
    std::vector<Row> rows = {
        {"x.t()", "view", ns_per_call([&] { g_sink = double(x.t().stride(0)); })},
        {"x.transpose(0, 1)", "view", ns_per_call([&] { g_sink = double(x.transpose(0, 1).stride(0)); })},
        {"x.reshape({-1})", "view", ns_per_call([&] { g_sink = double(x.reshape({-1}).numel()); })},
        {"x[5]  (select)", "view", ns_per_call([&] { g_sink = double(x[5].storage_offset()); })},
        {"x.slice(1, 0, 512)", "view", ns_per_call([&] { g_sink = double(x.slice(1, 0, 512).numel()); })},
        {"x.contiguous() (already contiguous)", "no-op", ns_per_call([&] { g_sink = double(x.contiguous().numel()); })},
        {"x.clone()", "copy", ns_per_call([&] { g_sink = x.clone().data_ptr()[3]; })},
        {"x.t().contiguous()", "copy", ns_per_call([&] { g_sink = xt.contiguous().data_ptr()[3]; })},
        {"x.t().reshape({-1})", "copy", ns_per_call([&] { g_sink = xt.reshape({-1}).data_ptr()[3]; })},
    };
    std::printf("   %-38s %6s %14s %12s\n", "operation", "kind", "ns per call", "GB/s moved");
    for (const Row& r : rows) {
        if (std::string(r.kind) == "copy")
            std::printf("   %-38s %6s %14.0f %12.2f\n", r.what, r.kind, r.ns, 2.0 * double(n * n * 4) / r.ns);
        else
            std::printf("   %-38s %6s %14.0f %12s\n", r.what, r.kind, r.ns, "-");
    }
    std::printf("\n   a view allocates one small header (shape, strides, offset) whatever the tensor's size;\n"
                "   a copy reads and writes every byte (GB/s counts both), so it grows with the tensor.\n\n");
}

}  // namespace

int main() {
    const double t0 = bm::steady_seconds();
    std::printf("TinyTorch C++ · module 01 · tensor analysis\n");
    std::printf("threads: TinyTorch kernels and GEMM %d; GEMM kernel: %s; Eigen SIMD: %s\n\n", get_num_threads(),
#if TINYTORCH_HAS_OPENBLAS
                "OpenBLAS (one thread per block)",
#else
                "Eigen (one thread per block)",
#endif
                Eigen::SimdInstructionSetsInUse());
    memory_table();
    traversal_table();
    matmul_table();
    view_vs_copy_table();
    std::printf("total time %.1f s\n", bm::steady_seconds() - t0);
    return 0;
}
