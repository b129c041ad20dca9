// tests/06_autograd/helpers.hpp — small helpers shared by module 06's test files.
#pragma once
#include <vector>

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
}  // namespace autograd_test
