// include/tinytorch/tensor/generator.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §3 (creation, reproducibility)
//
// One global, seedable random generator. manual_seed(s) makes initialisation, shuffling
// and dropout repeat exactly — the same seed gives the same numbers on every machine,
// because we draw with our own formulas instead of std::*_distribution (whose output
// differs between standard libraries).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>

#include "tinytorch/tensor/errors.hpp"

namespace tinytorch {

class Generator {
public:
    explicit Generator(uint64_t seed = 0) : engine_(seed) {}
    void manual_seed(uint64_t seed) { engine_.seed(seed); has_spare_ = false; }

    /// Uniform float in [0, 1): the top 24 bits of one 64-bit draw.
    float uniform() { return static_cast<float>(engine_() >> 40) * (1.0f / 16777216.0f); }
    /// Uniform in [lo, hi).
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    /// Standard normal N(0, 1) by the Box–Muller transform (two normals per two uniforms).
    float normal() {
        if (has_spare_) { has_spare_ = false; return spare_; }
        double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * (1.0 / 9007199254740993.0);  // (0, 1]
        double u2 = static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);          // [0, 1)
        double r = std::sqrt(-2.0 * std::log(u1)), theta = 6.283185307179586 * u2;
        spare_ = static_cast<float>(r * std::sin(theta));
        has_spare_ = true;
        return static_cast<float>(r * std::cos(theta));
    }
    /// Uniform integer in [0, n).
    uint64_t randint(uint64_t n) { return n == 0 ? 0 : engine_() % n; }
    uint64_t next_u64() { return engine_(); }

    /// The full state as text (to save in a checkpoint) and back: resuming continues the
    /// exact same random stream.
    std::string state() const {
        std::ostringstream out;
        uint32_t bits;  // the spare normal, bit-exact
        std::memcpy(&bits, &spare_, 4);
        out << engine_ << ' ' << has_spare_ << ' ' << bits;
        return out.str();
    }
    void set_state(const std::string& text) {
        std::istringstream in(text);
        std::mt19937_64 engine;  // parse everything first: a bad text must leave *this unchanged
        bool has_spare = false;
        uint32_t bits = 0;
        in >> engine >> has_spare >> bits;
        const bool parsed = !in.fail();
        if (parsed) in >> std::ws;  // nothing but spaces may follow
        if (!parsed || !in.eof())
            throw ValueError(fmt("Generator::set_state: the text (", text.size(), " bytes, starting '",
                                 text.substr(0, 24), "') is not a saved generator state: expected 312 numbers of the "
                                 "engine, its position, a 0/1 flag and 32 bits, separated by spaces; hint: pass what "
                                 "state() returned"));
        engine_ = engine;
        has_spare_ = has_spare;
        std::memcpy(&spare_, &bits, 4);
    }

private:
    std::mt19937_64 engine_;
    bool has_spare_ = false;
    float spare_ = 0.0f;
};

/// The generator used when no other is passed.
inline Generator& default_generator() {
    static Generator gen(0);
    return gen;
}

/// Seed everything random in TinyTorch (init, shuffle, dropout, augmentation).
inline void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace tinytorch
