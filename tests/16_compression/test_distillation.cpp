// tests/16_compression/test_distillation.cpp — §7: T²·KL(teacher ‖ student) against its definition
// computed here in double (direction, temperature, batch mean), its gradient by finite differences
// and by the closed form T·(q − p)/N, the combined loss with cross-entropy, a student that really
// learns from a teacher, and the refusals.
#include <cmath>

#include "support/catch.hpp"
#include "support/judge_gradcheck.hpp"
#include "tinytorch/compression/compression.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "compress_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::compression;

namespace distill_test {
std::vector<double> softmax(const std::vector<float>& x, double t) {
    double m = -1e300, s = 0.0;
    for (float v : x) m = std::max(m, v / t);
    std::vector<double> y;
    for (float v : x) s += std::exp(v / t - m);
    for (float v : x) y.push_back(std::exp(v / t - m) / s);
    return y;
}
/// Σ_c a_c (log a_c − log b_c)
double kl(const std::vector<double>& a, const std::vector<double>& b) {
    double k = 0.0;
    for (size_t i = 0; i < a.size(); ++i) k += a[i] * (std::log(a[i]) - std::log(b[i]));
    return k;
}
}  // namespace distill_test

TEST_CASE("distillation_kl is T² · KL(teacher_T ‖ student_T) averaged over the batch", "[16_compression]") {
    const std::vector<float> s0{1.0f, 0.0f, 0.0f}, t0{3.0f, 1.0f, -1.0f}, s1{0.0f, 0.5f, 2.0f}, t1{0.0f, 0.0f, 0.0f};
    Tensor student = judge::tensor({1, 0, 0, 0, 0.5f, 2}, {2, 3});
    Tensor teacher = judge::tensor({3, 1, -1, 0, 0, 0}, {2, 3});
    for (double T : {1.0, 2.5}) {
        const double expected = T * T *
                                (distill_test::kl(distill_test::softmax(t0, T), distill_test::softmax(s0, T)) +
                                 distill_test::kl(distill_test::softmax(t1, T), distill_test::softmax(s1, T))) / 2.0;
        const double reversed = T * T *
                                (distill_test::kl(distill_test::softmax(s0, T), distill_test::softmax(t0, T)) +
                                 distill_test::kl(distill_test::softmax(s1, T), distill_test::softmax(t1, T))) / 2.0;
        REQUIRE(std::fabs(expected - reversed) > 0.01);  // the example tells the two directions apart
        Tensor loss = distillation_kl(student, teacher, T);
        CHECK(loss.dim() == 0);
        CHECK(judge::values(loss)[0] == Approx(expected).epsilon(1e-5));
    }
    CHECK(judge::values(distillation_kl(teacher, teacher, 3.0))[0] == Approx(0.0).margin(1e-6));
}

TEST_CASE("distillation_kl's gradient is T·(q − p)/N and passes a finite-difference check", "[16_compression]") {
    Tensor teacher = judge::tensor({2, -1, 0.5f, 0, 1, 1, -2, 0.5f}, {2, 4});
    Tensor student = compress_test::uniform({2, 4}, -2.0f, 2.0f, 61);
    student.requires_grad_(true);
    CHECK(judge::gradcheck([&](const Tensor& s) { return distillation_kl(s, teacher, 3.0); }, student));
    CHECK(judge::gradcheck([&](const Tensor& s) { return distillation_kl(s, teacher, 0.5); }, student));
    // closed form, row by row
    distillation_kl(student, teacher, 2.0).mul(3.0f).backward();
    const std::vector<float> sv = judge::values(student.detach()), tv = judge::values(teacher), g = judge::values(student.grad());
    for (int64_t r = 0; r < 2; ++r) {
        const auto q = distill_test::softmax({sv.begin() + r * 4, sv.begin() + r * 4 + 4}, 2.0);
        const auto p = distill_test::softmax({tv.begin() + r * 4, tv.begin() + r * 4 + 4}, 2.0);
        for (int64_t c = 0; c < 4; ++c) CHECK(g[r * 4 + c] == Approx(3.0 * 2.0 * (q[c] - p[c]) / 2.0).margin(1e-6));
    }
}

TEST_CASE("DistillationLoss mixes α·T²·KL with (1 − α)·cross-entropy and the teacher gets no gradient",
          "[16_compression]") {
    Tensor student = judge::tensor({1, 0, -1, 0.5f, 0.5f, 2}, {2, 3});
    Tensor teacher = judge::tensor({2, 0, 0, 0, 1, 3}, {2, 3});
    teacher.requires_grad_(true);
    Tensor labels = judge::tensor({0, 2}, {2});
    DistillationLoss kd(2.0, 0.7);
    student.requires_grad_(true);
    Tensor loss = kd(student, teacher, labels);
    // cross-entropy by hand: −log softmax(s)[label], averaged
    const auto q0 = distill_test::softmax({1, 0, -1}, 1.0), q1 = distill_test::softmax({0.5f, 0.5f, 2}, 1.0);
    const double ce = -(std::log(q0[0]) + std::log(q1[2])) / 2.0;
    const double soft = 4.0 *
                        (distill_test::kl(distill_test::softmax({2, 0, 0}, 2.0), distill_test::softmax({1, 0, -1}, 2.0)) +
                         distill_test::kl(distill_test::softmax({0, 1, 3}, 2.0), distill_test::softmax({0.5f, 0.5f, 2}, 2.0))) /
                        2.0;
    CHECK(judge::values(loss)[0] == Approx(0.7 * soft + 0.3 * ce).epsilon(1e-5));
    loss.backward();
    CHECK(student.grad().defined());
    CHECK(!teacher.grad().defined());
    Tensor s2 = student.detach().clone();
    s2.requires_grad_(true);
    CHECK(judge::gradcheck([&](const Tensor& s) { return kd(s, teacher.detach(), labels); }, s2));
    CHECK(kd.name() == "DistillationLoss(temperature=2, alpha=0.7)");
}

TEST_CASE("a student trained on the distillation loss alone learns the teacher's soft predictions",
          "[16_compression]") {
    // teacher: a fixed Linear(4, 3); student: a fresh Linear(4, 3) seeing only the teacher's logits
    nn::Linear teacher(4, 3), student(4, 3);
    compress_test::set_values(teacher.weight, compress_test::uniform_values(12, -2.0f, 2.0f, 71));
    Tensor x = compress_test::uniform({32, 4}, -1.0f, 1.0f, 72);
    Tensor teacher_logits;
    {
        NoGradGuard no_grad;
        teacher_logits = teacher(x);
    }
    optim::SGD opt(student.parameters(), optim::SGDOptions(0.5).momentum(0.9));
    const float start = judge::values(distillation_kl(student(x).detach(), teacher_logits, 2.0))[0];
    float end = start;
    for (int i = 0; i < 150; ++i) {
        opt.zero_grad();
        Tensor loss = distillation_kl(student(x), teacher_logits, 2.0);
        end = judge::values(loss)[0];
        loss.backward();
        opt.step();
    }
    INFO("KL at start " << start << ", after 150 steps " << end);
    CHECK(end < 0.05f * start);
}

TEST_CASE("distillation refuses T <= 0, alpha outside 0..1 and mismatched logits", "[16_compression]") {
    Tensor a = judge::full({2, 3}, 0.5f), b = judge::full({2, 4}, 0.5f);
    CHECK_THROWS_AS(distillation_kl(a, a, 0.0), ValueError);
    CHECK_THROWS_WITH(distillation_kl(a, a, -1.0), Catch::Matchers::Contains("temperature must be > 0, got -1"));
    CHECK_THROWS_WITH(DistillationLoss(0.0, 0.5), Catch::Matchers::Contains("temperature must be > 0, got 0"));
    CHECK_THROWS_WITH(DistillationLoss(2.0, 1.5), Catch::Matchers::Contains("alpha must be in [0, 1], got 1.5"));
    CHECK_THROWS_AS(distillation_kl(a, b, 1.0), ShapeError);
    CHECK_THROWS_WITH(distillation_kl(a, b, 1.0), Catch::Matchers::Contains("[2, 3] and [2, 4]"));
    CHECK(judge::values(distillation_kl(a, a, 1.0))[0] == Approx(0.0).margin(1e-7));
}
