// include/tinytorch/compression/distillation.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §7
//
// Knowledge distillation (Hinton, Vinyals & Dean 2015): a small student learns from a big
// teacher's soft predictions as well as from the labels. At temperature T both softmaxes soften,
//     p = softmax(teacher / T),   q = softmax(student / T),
// and the student minimises
//     L = α · T² · KL(p ‖ q)  +  (1 − α) · CE(student, labels),
//     KL(p ‖ q) = Σ_c p_c (log p_c − log q_c), averaged over the batch.
// The direction matters: KL(teacher ‖ student) weights each class by the TEACHER's belief, so the
// student is pushed to cover every class the teacher finds plausible. Its gradient is simple:
//     ∂(T² · KL) / ∂student = T · (q − p) / N
// which shrinks like 1/T — the T² factor restores the scale so that α means the same at any T.
// (The original computed KL(student ‖ teacher) without T², in NumPy: no gradient, no training.)
//
//   compression::DistillationLoss kd(/*temperature=*/4.0, /*alpha=*/0.7);
//   Tensor loss = kd(student(x), teacher_logits, labels);   // teacher_logits computed under NoGradGuard
//   loss.backward();
// The op records the node "distillation_kl" (input: the student logits; saved: both logit
// tensors; scalars: T); its backward rule is registered below. The teacher gets no gradient.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "tinytorch/losses/cross_entropy_loss.hpp"
#include "tinytorch/tensor/graph.hpp"

namespace tinytorch::compression {

namespace detail {
/// softmax(row / T) of each row of a contiguous [N, C] block, in double (stable: max subtracted).
inline std::vector<double> softmax_rows(const std::vector<float>& logits, int64_t rows, int64_t cols, double t) {
    std::vector<double> out(logits.size());
    for (int64_t r = 0; r < rows; ++r) {
        const float* x = logits.data() + r * cols;
        double* y = out.data() + r * cols;
        double m = -INFINITY, sum = 0.0;
        for (int64_t c = 0; c < cols; ++c) m = std::max(m, static_cast<double>(x[c]) / t);
        for (int64_t c = 0; c < cols; ++c) sum += (y[c] = std::exp(static_cast<double>(x[c]) / t - m));
        for (int64_t c = 0; c < cols; ++c) y[c] /= sum;
    }
    return out;
}

inline void check_distillation_args(const Tensor& student, const Tensor& teacher, double temperature, const char* op) {
    if (!(temperature > 0.0) || !std::isfinite(temperature))
        throw ValueError(fmt(op, ": temperature must be > 0, got ", temperature,
                             "; hint: T = 1 is the plain softmax, T = 2..20 softens it (Hinton et al. used up to 20)"));
    if (!student.defined() || !teacher.defined() || student.dim() != 2 || student.shape() != teacher.shape())
        throw ShapeError(fmt(op, ": expected student and teacher logits of the same shape [N, C], got ",
                             student.defined() ? shape_str(student.shape()) : "undefined", " and ",
                             teacher.defined() ? shape_str(teacher.shape()) : "undefined",
                             "; hint: both models must output one logit per class for the same batch"));
    if (student.size(0) == 0 || student.size(1) == 0)
        throw ShapeError(fmt(op, ": the logits ", shape_str(student.shape()), " are empty; hint: N, C >= 1"));
}
}  // namespace detail

/// T² · KL(softmax(teacher / T) ‖ softmax(student / T)), averaged over the N rows (PyTorch:
/// kl_div(log_softmax(s / T), softmax(t / T), reduction="batchmean") · T²). A scalar; only the
/// student receives a gradient.   student, teacher: [N, C] -> []
inline Tensor distillation_kl(const Tensor& student_logits, const Tensor& teacher_logits, double temperature) {
    detail::check_distillation_args(student_logits, teacher_logits, temperature, "distillation_kl");
    [[maybe_unused]] const int64_t n = student_logits.size(0), c = student_logits.size(1);
    [[maybe_unused]] const std::vector<float> s = student_logits.contiguous().to_vector();
    [[maybe_unused]] const std::vector<float> t = teacher_logits.contiguous().to_vector();
    double loss = 0.0;
    // BEGIN SOLUTION: distillation_kl (§7)
    const std::vector<double> p = detail::softmax_rows(t, n, c, temperature);  // the teacher's soft targets
    const std::vector<double> q = detail::softmax_rows(s, n, c, temperature);  // the student's
    for (size_t i = 0; i < p.size(); ++i)
        if (p[i] > 0.0) loss += p[i] * (std::log(p[i]) - std::log(std::max(q[i], 1e-300)));  // 0·log 0 = 0
    loss = loss / static_cast<double>(n) * temperature * temperature;
    // END SOLUTION
    Tensor out = scalar_tensor(static_cast<float>(loss));
    if (autograd::wants_grad(student_logits))
        autograd::record(out, "distillation_kl", {student_logits}, {student_logits, teacher_logits}, {},
                         {temperature});
    return out;
}

namespace autograd_rules {
/// d(T² · KL) / d student = g · T · (q − p) / N   (p, q: the tempered softmaxes of teacher and student).
inline std::vector<Tensor> distillation_kl_backward(const autograd::Node& node, const Tensor& grad_output) {
    const Tensor& student = node.saved[0];
    [[maybe_unused]] const Tensor& teacher = node.saved[1];
    [[maybe_unused]] const double temperature = node.scalars[0];
    const int64_t n = student.size(0), c = student.size(1);
    [[maybe_unused]] const double g = grad_output.item();
    std::vector<float> dx(static_cast<size_t>(n * c), 0.0f);
    // BEGIN SOLUTION: distillation_kl_backward (§7)
    const std::vector<double> p = detail::softmax_rows(teacher.contiguous().to_vector(), n, c, temperature);
    const std::vector<double> q = detail::softmax_rows(student.contiguous().to_vector(), n, c, temperature);
    const double scale = g * temperature / static_cast<double>(n);
    for (size_t i = 0; i < dx.size(); ++i) dx[i] = static_cast<float>(scale * (q[i] - p[i]));
    // END SOLUTION
    return {Tensor(std::move(dx), student.shape())};
}
inline const bool distillation_kl_rule_registered =
    autograd::register_rule("distillation_kl", &distillation_kl_backward);
}  // namespace autograd_rules

/// α · T² · KL(teacher_T ‖ student_T) + (1 − α) · cross_entropy(student, labels) — Hinton's loss.
class DistillationLoss {
public:
    explicit DistillationLoss(double temperature = 4.0, double alpha = 0.9);
    /// student, teacher: [N, C] logits; labels: [N] class indices. A scalar with the student's gradient.
    Tensor forward(const Tensor& student_logits, const Tensor& teacher_logits, const Tensor& labels) const;
    Tensor operator()(const Tensor& student_logits, const Tensor& teacher_logits, const Tensor& labels) const {
        return forward(student_logits, teacher_logits, labels);
    }
    double temperature() const { return temperature_; }
    double alpha() const { return alpha_; }
    std::string name() const { return fmt("DistillationLoss(temperature=", temperature_, ", alpha=", alpha_, ")"); }

private:
    double temperature_, alpha_;
};

inline DistillationLoss::DistillationLoss(double temperature, double alpha) : temperature_(temperature), alpha_(alpha) {
    if (!(temperature > 0.0) || !std::isfinite(temperature))
        throw ValueError(fmt("DistillationLoss: temperature must be > 0, got ", temperature,
                             "; hint: T = 1 is the plain softmax, T = 2..20 softens it"));
    if (!(alpha >= 0.0 && alpha <= 1.0))
        throw ValueError(fmt("DistillationLoss: alpha must be in [0, 1], got ", alpha,
                             "; hint: alpha weights the teacher's term, 1 - alpha the labels' cross-entropy"));
}

inline Tensor DistillationLoss::forward(const Tensor& student_logits, const Tensor& teacher_logits,
                                        const Tensor& labels) const {
    detail::check_distillation_args(student_logits, teacher_logits, temperature_, "DistillationLoss");
    // BEGIN SOLUTION: DistillationLoss::forward (§7)
    Tensor soft = distillation_kl(student_logits, teacher_logits.detach(), temperature_);
    if (alpha_ == 1.0) return soft;
    Tensor hard = nn::functional::cross_entropy(student_logits, labels);
    if (alpha_ == 0.0) return hard;
    return soft.mul(static_cast<float>(alpha_)).add(hard.mul(static_cast<float>(1.0 - alpha_)));
    // END SOLUTION
}

}  // namespace tinytorch::compression
