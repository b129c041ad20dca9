// include/tinytorch/compression/sparsity.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §1
//
// How sparse is a model? The share of its weights (parameters with 2 or more dims: Linear and
// Conv2d weights, embeddings — not biases or norm scales) that are exactly zero, counted on the
// weights the model computes with (a pruned layer's weight_orig ⊙ weight_mask). Every figure is a
// FRACTION in [0, 1]: 0.9 means 90% zeros. (The original reported a percentage 0–100 where its
// callers expected a fraction, and printed it ×100 again.)
//
//   compression::SparsityReport r = compression::sparsity_report(model);
//   r.sparsity();          // 0.9 — the whole model
//   r.layers[0].sparsity() // one weight
//   std::cout << r;        // one line per weight + the total
#pragma once
#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "tinytorch/compression/magnitude_pruning.hpp"

namespace tinytorch::compression {

/// The zeros of one weight.
struct WeightSparsity {
    std::string name;  ///< dotted name as an unpruned model's state_dict has it ("0.weight")
    Shape shape;
    int64_t numel = 0, zeros = 0;
    /// zeros / numel, a fraction in [0, 1] (0 for an empty weight).
    double sparsity() const { return numel ? static_cast<double>(zeros) / static_cast<double>(numel) : 0.0; }
};

/// Zeros per weight and over the whole model.
struct SparsityReport {
    std::vector<WeightSparsity> layers;
    int64_t numel = 0, zeros = 0;  ///< totals over `layers`
    /// zeros / numel over every weight, a fraction in [0, 1].
    double sparsity() const { return numel ? static_cast<double>(zeros) / static_cast<double>(numel) : 0.0; }
    /// A table: name, shape, zeros / numel, sparsity (as a fraction and as a percentage, labelled).
    std::string to_string() const;
};
inline std::ostream& operator<<(std::ostream& out, const SparsityReport& r) { return out << r.to_string(); }

/// Count the exact zeros of `t` (any layout).
inline int64_t count_zeros(const Tensor& t) {
    int64_t zeros = 0;
    // BEGIN SOLUTION: count_zeros (§1)
    for (float v : t.to_vector()) zeros += v == 0.0f;
    // END SOLUTION
    return zeros;
}

/// The sparsity of every weight (dim >= 2) the model computes with, and the total.
inline SparsityReport sparsity_report(nn::Module& model) {
    SparsityReport report;
    for (const auto& [name, t] : effective_state_dict(model)) {
        if (t.dim() < 2) continue;  // biases, norm scales, counters
        WeightSparsity w{name, t.shape(), t.numel(), count_zeros(t)};
        report.numel += w.numel;
        report.zeros += w.zeros;
        report.layers.push_back(std::move(w));
    }
    return report;
}

/// The fraction of the model's weights that are zero (sparsity_report(model).sparsity()).
inline double measure_sparsity(nn::Module& model) { return sparsity_report(model).sparsity(); }

inline std::string SparsityReport::to_string() const {
    std::ostringstream out;
    out << "weight                          shape              zeros / numel        sparsity\n";
    auto line = [&](const std::string& name, const std::string& shape, int64_t z, int64_t n, double s) {
        std::ostringstream counts, frac;
        counts << z << " / " << n;
        frac.setf(std::ios::fixed);
        frac.precision(4);
        frac << s << " (" << s * 100.0 << "%)";
        out << name << std::string(name.size() < 32 ? 32 - name.size() : 1, ' ') << shape
            << std::string(shape.size() < 19 ? 19 - shape.size() : 1, ' ') << counts.str()
            << std::string(counts.str().size() < 21 ? 21 - counts.str().size() : 1, ' ') << frac.str() << "\n";
    };
    for (const auto& w : layers) line(w.name, shape_str(w.shape), w.zeros, w.numel, w.sparsity());
    line("total", "", zeros, numel, sparsity());
    return out.str();
}

}  // namespace tinytorch::compression
