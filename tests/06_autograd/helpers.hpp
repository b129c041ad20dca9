// tests/06_autograd/helpers.hpp — small helpers shared by module 06's test files.
#pragma once
#include <csignal>
#include <exception>
#include <functional>
#include <vector>
#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

#include "tinytorch/autograd/autograd.hpp"

namespace autograd_test {
using namespace tinytorch;

/// A leaf that requires grad, uniform in [lo, hi), reproducible from `seed`.
inline Tensor leaf(const Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
    Generator gen(seed);
    return uniform(shape, lo, hi, gen).requires_grad_();
}

/// Values away from 0 on both sides: |x| in [0.2, 1.5), random signs (for abs, div, kinks).
inline Tensor leaf_away_from_zero(const Shape& shape, uint64_t seed) {
    Generator gen(seed);
    Tensor t = uniform(shape, 0.2f, 1.5f, gen);
    float* p = t.data_ptr();
    for (int64_t i = 0; i < t.numel(); ++i)
        if (gen.uniform() < 0.5f) p[i] = -p[i];
    return t.requires_grad_();
}

using Inputs = std::vector<Tensor>;

/// Runs `body` on a thread whose stack is only `stack_bytes` (default 256 KB) and waits for it;
/// rethrows what it threw. The "no recursion" tests use it: with 8 MB of stack a recursive
/// backward needs a chain of ~100,000 nodes to overflow, which takes seconds at -O0; with 256 KB,
/// 20,000 nodes overflow any recursion (13 bytes a frame would do). The thread gets an alternate
/// signal stack too, so that an overflow there is still reported with its location
/// (tests/support/catch_main.cpp). Run no CHECKs inside: return results and check them after.
inline void on_small_stack(const std::function<void()>& body, size_t stack_bytes = 256 * 1024) {
#if defined(__unix__) || defined(__APPLE__)
    struct Job {
        const std::function<void()>* body;
        std::exception_ptr error;
        std::vector<char> signal_stack;  // on the heap: not part of the small stack under test
    } job{&body, nullptr, std::vector<char>(64 * 1024)};
    auto run = [](void* arg) -> void* {
        auto* j = static_cast<Job*>(arg);
        stack_t ss{};
        ss.ss_sp = j->signal_stack.data();
        ss.ss_size = j->signal_stack.size();
        ::sigaltstack(&ss, nullptr);
        try {
            (*j->body)();
        } catch (...) {
            j->error = std::current_exception();
        }
        return nullptr;
    };
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_bytes);
    pthread_t thread;
    const int rc = pthread_create(&thread, &attr, run, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        body();  // no thread to be had: run here, on the full stack
        return;
    }
    pthread_join(thread, nullptr);
    if (job.error) std::rethrow_exception(job.error);
#else
    (void)stack_bytes;
    body();
#endif
}
}  // namespace autograd_test
