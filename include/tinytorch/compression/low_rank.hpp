// include/tinytorch/compression/low_rank.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §6
//
// A Linear's weight W [out, in] often has most of its "energy" in a few directions. The singular
// value decomposition W = U Σ Vᵀ sorts them: keep the r largest singular values and
//     W ≈ W_r = (U_r √Σ_r) (√Σ_r V_rᵀ) = up · down        up: [out, r], down: [r, in]
// Then y = x Wᵀ + b becomes two thinner layers, y = (x downᵀ) upᵀ + b: r·(in + out) weights and
// multiply-adds instead of in·out — fewer whenever r < in·out / (in + out). W_r is the best
// rank-r approximation (Eckart–Young), with ‖W − W_r‖²_F = Σ_{i>r} σ_i².
// The rank is chosen by retained energy: the smallest r with Σ_{i<=r} σ_i² >= energy · Σ σ_i².
// (The original computed an SVD and never put it into a layer.)
//
//   auto small = compression::factorize_linear_by_energy(net.at<nn::Linear>(0), 0.9);
//   net.replace_module("0", small);
// The SVD itself is Eigen's (JacobiSVD, a dense kernel like a GEMM); building the factors is ours.
// (Eigen's BDCSVD is faster on large matrices, but it is a very large template: it added ~20 s
// of compile time to every file that includes this header. Jacobi is exact and fast enough for
// the Linear layers of this course, up to about 1000 x 1000.)
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen's JacobiSVD (Eigen/Dense), GCC 12's false warning silenced
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/layers/linear.hpp"

namespace tinytorch::nn {

/// y = (x @ downᵀ) @ upᵀ + bias.   x: [..., in] -> y: [..., out];  down: [rank, in], up: [out, rank].
class LowRankLinear : public Module {
public:
    /// Fresh (zero) factors of the given rank; factorize_linear fills them from a trained Linear.
    LowRankLinear(int64_t in_features, int64_t out_features, int64_t rank, bool bias = true);
    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override;

    int64_t in_features() const { return in_features_; }
    int64_t out_features() const { return out_features_; }
    int64_t rank() const { return rank_; }

    Tensor down;  ///< [rank, in]  = √Σ_r V_rᵀ
    Tensor up;    ///< [out, rank] = U_r √Σ_r
    Tensor bias;  ///< [out], undefined without bias

private:
    int64_t in_features_, out_features_, rank_;
};

inline LowRankLinear::LowRankLinear(int64_t in_features, int64_t out_features, int64_t rank, bool with_bias)
    : in_features_(in_features), out_features_(out_features), rank_(rank) {
    if (in_features <= 0 || out_features <= 0)
        throw ValueError(fmt("LowRankLinear: feature counts must be positive, got in_features=", in_features,
                             " out_features=", out_features, "; hint: factorise a trained Linear(in, out)"));
    if (rank <= 0 || rank > std::min(in_features, out_features))
        throw ValueError(fmt("LowRankLinear: rank must be in [1, min(in, out)] = [1, ", std::min(in_features, out_features),
                             "], got ", rank, "; hint: a rank-0 layer outputs only its bias; above min(in, out) ",
                             "the factors are larger than W"));
    down = register_parameter("down", zeros({rank, in_features}));
    up = register_parameter("up", zeros({out_features, rank}));
    if (with_bias) bias = register_parameter("bias", zeros({out_features}));
}

inline Tensor LowRankLinear::forward(const Tensor& x) {
    if (!x.defined() || x.dim() == 0 || x.size(-1) != in_features_)
        throw ShapeError(fmt("LowRankLinear: expected input [..., ", in_features_, "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: the last dim of the input must equal in_features (", in_features_, ")"));
    // BEGIN SOLUTION: LowRankLinear::forward (§6)
    // two thin GEMMs: [.., in] -> [.., r] -> [.., out]; never form up @ down (that is W again)
    Tensor y = x.matmul(down.t()).matmul(up.t());
    if (bias.defined()) y = y + bias;
    return y;
    // END SOLUTION
}

inline std::string LowRankLinear::extra_repr() const {
    return fmt("in_features=", in_features_, ", out_features=", out_features_, ", rank=", rank_,
               ", bias=", bias.defined() ? "true" : "false");
}

}  // namespace tinytorch::nn

namespace tinytorch::compression {

/// The singular values of a 2-D tensor, largest first (Eigen's JacobiSVD, in double precision).
inline std::vector<double> singular_values(const Tensor& matrix) {
    if (!matrix.defined() || matrix.dim() != 2)
        throw ShapeError(fmt("singular_values: expected a 2-D tensor, got ",
                             matrix.defined() ? shape_str(matrix.shape()) : "undefined",
                             "; hint: pass a Linear weight [out, in]"));
    const std::vector<float> v = matrix.contiguous().to_vector();
    Eigen::MatrixXd m(matrix.size(0), matrix.size(1));
    for (int64_t r = 0; r < m.rows(); ++r)
        for (int64_t c = 0; c < m.cols(); ++c) m(r, c) = v[static_cast<size_t>(r * m.cols() + c)];
    const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues();
    return std::vector<double>(s.data(), s.data() + s.size());
}

/// The smallest rank r whose singular values keep `energy` of the total:
/// Σ_{i<r} σ_i² >= energy · Σ σ_i² (σ sorted largest first). energy in (0, 1].
inline int64_t rank_for_energy(const std::vector<double>& sigma, double energy) {
    if (!(energy > 0.0 && energy <= 1.0))
        throw ValueError(fmt("rank_for_energy: energy must be a fraction in (0, 1], got ", energy,
                             "; hint: 0.9 keeps 90% of the sum of squared singular values"));
    if (sigma.empty()) throw ValueError("rank_for_energy: no singular values; hint: pass singular_values(W)");
    int64_t r = 0;
    // BEGIN SOLUTION: rank_for_energy (§6)
    double total = 0.0;
    for (double s : sigma) total += s * s;
    if (total == 0.0) return 1;  // an all-zero matrix: rank 1 (of zeros) represents it exactly
    double kept = 0.0;
    while (r < static_cast<int64_t>(sigma.size())) {
        kept += sigma[static_cast<size_t>(r)] * sigma[static_cast<size_t>(r)];
        ++r;
        if (kept >= energy * total * (1.0 - 1e-12)) break;  // tolerance: energy 1.0 must not fail on rounding
    }
    // END SOLUTION
    return r;
}

/// The rank-`rank` factorisation of a trained Linear by truncated SVD: down = √Σ_r V_rᵀ,
/// up = U_r √Σ_r, the bias copied. Its output differs from the Linear's by x (W − W_r)ᵀ.
inline std::shared_ptr<nn::LowRankLinear> factorize_linear(const nn::Linear& layer, int64_t rank) {
    const int64_t out = layer.out_features(), in = layer.in_features();
    if (rank <= 0 || rank > std::min(in, out))
        throw ValueError(fmt("factorize_linear: rank must be in [1, min(out, in)] = [1, ", std::min(in, out),
                             "] for a Linear(", in, ", ", out, "), got ", rank,
                             "; hint: rank_for_energy(singular_values(W), 0.9) picks one"));
    auto result = std::make_shared<nn::LowRankLinear>(in, out, rank, layer.has_bias());
    [[maybe_unused]] const std::vector<float> w = layer.weight.contiguous().to_vector();
    // BEGIN SOLUTION: factorize_linear (§6)
    Eigen::MatrixXd m(out, in);
    for (int64_t r = 0; r < out; ++r)
        for (int64_t c = 0; c < in; ++c) m(r, c) = w[static_cast<size_t>(r * in + c)];
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(m, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd root = svd.singularValues().head(rank).cwiseSqrt();
    const Eigen::MatrixXd up = svd.matrixU().leftCols(rank) * root.asDiagonal();               // [out, r]
    const Eigen::MatrixXd down = root.asDiagonal() * svd.matrixV().leftCols(rank).transpose();  // [r, in]
    float* pu = result->up.data_ptr();
    float* pd = result->down.data_ptr();
    for (int64_t r = 0; r < out; ++r)
        for (int64_t k = 0; k < rank; ++k) pu[r * rank + k] = static_cast<float>(up(r, k));
    for (int64_t k = 0; k < rank; ++k)
        for (int64_t c = 0; c < in; ++c) pd[k * in + c] = static_cast<float>(down(k, c));
    // END SOLUTION
    if (layer.has_bias()) {
        NoGradGuard no_grad;
        result->bias.copy_(layer.bias);
    }
    return result;
}

/// factorize_linear with the smallest rank that keeps `energy` of W's squared singular values.
inline std::shared_ptr<nn::LowRankLinear> factorize_linear_by_energy(const nn::Linear& layer, double energy) {
    return factorize_linear(layer, rank_for_energy(singular_values(layer.weight), energy));
}

}  // namespace tinytorch::compression
