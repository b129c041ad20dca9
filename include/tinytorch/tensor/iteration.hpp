// include/tinytorch/tensor/iteration.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §4 (walking strided memory)
//
// The loops every element-wise kernel shares:
//   parallel_for      — split [0, n) across TinyTorch's worker threads when the work is big enough,
//   for_each_run      — visit all elements of K strided operands of one shape, as runs
//                       along the innermost dimension (the part a CPU can vectorise).
// These are given to students: the lesson is strides and broadcasting, not OpenMP.
#pragma once
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

#include "tinytorch/tensor/shape.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace tinytorch {

/// Threads TinyTorch kernels may use: OpenMP's setting (OMP_NUM_THREADS, set_num_threads);
/// 1 when built without OpenMP.
inline int get_num_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
/// Like torch::set_num_threads: limits TinyTorch's kernels (element-wise loops and GEMMs).
inline void set_num_threads(int n) {
#ifdef _OPENMP
    omp_set_num_threads(std::max(1, n));
#else
    (void)n;
#endif
}

namespace detail {

/// Below this many elements a loop stays on one thread (handing work to another thread costs
/// microseconds, and a whole scheduler time slice when that thread has lost its core).
/// A ThreadSanitizer build can lower it (-DTINYTORCH_PARALLEL_GRAIN=1) so that the small tensors
/// of the test suites also run on the worker pool: TSan only checks code that runs on two threads.
#ifdef TINYTORCH_PARALLEL_GRAIN
constexpr int64_t kParallelGrain = TINYTORCH_PARALLEL_GRAIN;
static_assert(kParallelGrain >= 1, "TINYTORCH_PARALLEL_GRAIN must be at least 1");
#else
constexpr int64_t kParallelGrain = 1 << 15;
#endif

/// True on a thread that is running a chunk of a parallel loop: loops inside it run serially.
inline bool& in_parallel_region() {
    thread_local bool inside = false;
    return inside;
}

/// TinyTorch's worker threads. A parallel loop is cut into chunks; the calling thread and the
/// workers *claim* chunks from a shared counter, and the caller waits only for chunks a worker
/// actually took. So if a worker has lost its core to another program, the caller does that
/// worker's share itself instead of waiting milliseconds for it to be scheduled (the failure
/// mode of a fork-join barrier on a busy machine: 2 threads could be 10x slower than 1).
/// Idle workers spin for a few microseconds, then sleep on a condition variable.
class WorkerPool {
public:
    /// The pool lives until the process ends and is never destroyed: joining sleeping workers
    /// from a static destructor at exit hung now and then, and a worker that outlives main()
    /// is harmless — the operating system ends it with the process.
    static WorkerPool& instance() { return *current(); }
    ~WorkerPool() = delete;

    /// Worker threads started so far (read it while no parallel loop is running).
    int worker_count() const { return static_cast<int>(workers_.size()); }

    /// chunk(c) for every c in [0, chunks), on this thread and up to `helpers` workers.
    /// Rethrows the first exception a chunk threw, after every chunk has finished.
    template <typename F>
    void run(int64_t chunks, int helpers, F& chunk) {
        // The template only makes a plain function pointer for F; everything else is compiled
        // once (as a template, each parallel loop of the library re-instantiated it, thread
        // start-up included — a second of compile time in every test file).
        run_erased(chunks, helpers, &chunk, [](void* ctx, int64_t c) { (*static_cast<F*>(ctx))(c); });
    }

    /// run() with the chunk function as (context, function pointer).
    void run_erased(int64_t chunks, int helpers, void* context, void (*invoke)(void*, int64_t)) {
        std::unique_lock<std::mutex> busy(job_mutex_, std::try_to_lock);
        if (!busy.owns_lock() || chunks >= kMaxChunks || in_forked_child_) {  // another thread's loop is running: go serial
            for (int64_t c = 0; c < chunks; ++c) invoke(context, c);
            return;
        }
        while (static_cast<int>(workers_.size()) < helpers) {
            const int index = static_cast<int>(workers_.size());
            workers_.emplace_back([this, index] { worker_loop(index); });
        }
        context_ = context;
        invoke_ = invoke;
        error_ = nullptr;
        done_.store(0, std::memory_order_relaxed);
        helpers_.store(helpers, std::memory_order_relaxed);
        const uint64_t gen = (generation_.load(std::memory_order_relaxed) + 1) & 0xffff;
        claim_.store(gen << 48 | uint64_t(chunks) << 24, std::memory_order_release);
        {
            // under the lock, so a worker between its check and its sleep cannot miss the change
            std::lock_guard<std::mutex> lock(sleep_mutex_);
            generation_.store(static_cast<uint32_t>(gen), std::memory_order_release);
        }
        wake_.notify_all();
        work_on(gen);
        for (int spins = 0; done_.load(std::memory_order_acquire) < chunks; ++spins)
            if (spins > 256) std::this_thread::yield();  // a worker is mid-chunk: let it run
        if (error_) std::rethrow_exception(error_);
    }

private:
    /// After fork() the child has only the forking thread: the pool it inherits names workers that
    /// do not exist, and a mutex a worker held at that moment stays locked for ever (the child's
    /// first parallel loop then hung). So the child gets a fresh pool that runs every loop on the
    /// calling thread (starting threads in a forked child is not safe, and ThreadSanitizer ends
    /// such a child); the inherited one is kept reachable in `retired`, never used again.
    static WorkerPool*& current() {
        static WorkerPool* pool = [] {
            ::pthread_atfork(nullptr, nullptr, [] {
                [[maybe_unused]] static WorkerPool* retired = nullptr;
                retired = current();
                current() = new WorkerPool;
                current()->in_forked_child_ = true;
            });
            return new WorkerPool;
        }();
        return pool;
    }

    // claim_ packs the job's generation (16 bits), its chunk count and the next unclaimed chunk
    // (24 bits each), so one compare-and-swap both checks the job is still current and claims.
    static constexpr int64_t kMaxChunks = int64_t(1) << 23;
    std::vector<std::thread> workers_;
    std::mutex job_mutex_, error_mutex_, sleep_mutex_;
    std::condition_variable wake_;
    std::atomic<uint64_t> claim_{0};
    std::atomic<uint32_t> generation_{0};
    std::atomic<int64_t> done_{0};
    std::atomic<int> helpers_{0};
    void* context_ = nullptr;
    void (*invoke_)(void*, int64_t) = nullptr;
    std::exception_ptr error_;
    bool in_forked_child_ = false;

    /// Claim and run chunks of job `gen` until none is left (or a newer job replaced it).
    void work_on(uint64_t gen) {
        const bool was_inside = in_parallel_region();
        in_parallel_region() = true;
        for (uint64_t c = claim_.load(std::memory_order_acquire);;) {
            const uint64_t next = c & 0xffffff, chunks = (c >> 24) & 0xffffff;
            if ((c >> 48) != gen || next >= chunks) break;
            if (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) continue;
            try {
                invoke_(context_, static_cast<int64_t>(next));  // job `gen` cannot end before this chunk
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex_);
                if (!error_) error_ = std::current_exception();
            }
            done_.fetch_add(1, std::memory_order_acq_rel);
            c = claim_.load(std::memory_order_acquire);
        }
        in_parallel_region() = was_inside;
    }

    void worker_loop(int index) {
        uint32_t seen = generation_.load(std::memory_order_acquire);
        for (;;) {
            uint32_t g = seen;
            for (int spin = 0; spin < 4000 && (g = generation_.load(std::memory_order_acquire)) == seen; ++spin) {
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
            }
            if (g == seen) {
                std::unique_lock<std::mutex> lock(sleep_mutex_);
                // with a time-out, so that even a missed notification costs only a millisecond
                wake_.wait_for(lock, std::chrono::milliseconds(1),
                               [&] { return generation_.load(std::memory_order_acquire) != seen; });
                g = generation_.load(std::memory_order_acquire);
                if (g == seen) continue;
            }
            seen = g;
            if (index < helpers_.load(std::memory_order_relaxed)) work_on(g);
        }
    }
};

/// body(begin, end) over disjoint chunks of [0, n): one chunk per thread when n >= 2·grain and
/// more than one thread is allowed, else one call on this thread (also inside another loop).
template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& body) {
    if (n <= 0) return;
    const int64_t threads = in_parallel_region() ? 1 : get_num_threads();
    if (threads > 1 && n >= 2 * grain) {
        const int64_t parts = std::min<int64_t>(threads, n / std::max<int64_t>(grain, 1));
        const int64_t size = (n + parts - 1) / parts;
        auto chunk = [&](int64_t c) {
            const int64_t begin = c * size, end = std::min(n, begin + size);
            if (begin < end) body(begin, end);
        };
        WorkerPool::instance().run(parts, static_cast<int>(parts - 1), chunk);
        return;
    }
    body(int64_t(0), n);
}
template <typename F>
void parallel_for(int64_t n, F&& body) {
    parallel_for(n, kParallelGrain, std::forward<F>(body));
}

/// Merge neighbouring dims that every operand walks contiguously, and drop size-1 dims, so
/// that e.g. a contiguous [64, 3, 32, 32] loop becomes one flat run of 196608 elements.
template <size_t K>
void coalesce_dims(Shape& shape, std::array<Shape, K>& strides) {
    Shape s;
    std::array<Shape, K> st;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == 1) continue;
        bool merge = !s.empty();
        for (size_t k = 0; k < K && merge; ++k) merge = st[k].back() == strides[k][d] * shape[d];
        if (merge) {
            s.back() *= shape[d];
            for (size_t k = 0; k < K; ++k) st[k].back() = strides[k][d];
        } else {
            s.push_back(shape[d]);
            for (size_t k = 0; k < K; ++k) st[k].push_back(strides[k][d]);
        }
    }
    shape = std::move(s);
    strides = std::move(st);
}

/// Visit every element of `shape` (row-major order) for K operands with the given element
/// strides and base offsets. Calls run(n, offsets, inner_strides) once per innermost run:
/// element i of the run is at offsets[k] + i * inner_strides[k] in operand k.
template <size_t K, typename Run>
void for_each_run(Shape shape, std::array<Shape, K> strides, std::array<int64_t, K> base, Run&& run) {
    if (numel_of(shape) == 0) return;
    coalesce_dims<K>(shape, strides);
    std::array<int64_t, K> inner_strides{};
    if (shape.empty()) {  // a single element
        run(int64_t(1), base, inner_strides);
        return;
    }
    const int64_t ndim = static_cast<int64_t>(shape.size());
    const int64_t inner = shape.back();
    for (size_t k = 0; k < K; ++k) inner_strides[k] = strides[k].back();
    const int64_t rows = numel_of(shape) / inner;
    const int64_t row_grain = std::max<int64_t>(1, kParallelGrain / inner);
    parallel_for(rows, row_grain, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            std::array<int64_t, K> offsets = base;
            int64_t rest = r;
            for (int64_t d = ndim - 2; d >= 0; --d) {  // unravel the row index over the outer dims
                int64_t i = rest % shape[d];
                rest /= shape[d];
                for (size_t k = 0; k < K; ++k) offsets[k] += i * strides[k][d];
            }
            run(inner, offsets, inner_strides);
        }
    });
}

/// Strides that make `shape`/`strides` read as if it had `target` shape (stride 0 on
/// broadcast dims). Assumes `shape` broadcasts to `target`.
inline Shape broadcast_strides(const Shape& shape, const Shape& strides, const Shape& target) {
    Shape out(target.size(), 0);
    size_t lead = target.size() - shape.size();
    for (size_t i = 0; i < shape.size(); ++i) out[lead + i] = shape[i] == 1 ? 0 : strides[i];
    return out;
}

}  // namespace detail
}  // namespace tinytorch
