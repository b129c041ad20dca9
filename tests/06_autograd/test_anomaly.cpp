// tests/06_autograd/test_anomaly.cpp — anomaly detection (like torch.autograd.detect_anomaly):
// off by default; on, the first op whose forward or backward produced NaN/Inf is named with its
// shapes in an AnomalyError (issue 15).
#include "helpers.hpp"
#include "support/catch.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

// Graded, not [provided]: they build tensors and run ops a student writes (full, mul, log), so
// they cannot pass in the untouched release; each ends with a backward of the student's engine.
TEST_CASE("anomaly mode names the op whose forward produced a NaN with its shapes", "[06_autograd]") {
    Tensor x = full({2, 3}, -1.0f).requires_grad_();
    {
        autograd::DetectAnomalyGuard guard;
        CHECK(autograd::is_anomaly_enabled());
        Tensor y = x.mul(2.0f);  // finite: fine
        CHECK_THROWS_AS(y.log(), AnomalyError);
        CHECK_THROWS_WITH(y.log(), Contains("forward of 'log'") && Contains("produced nan") &&
                                       Contains("inputs [2, 3]") && Contains("output [2, 3]") && Contains("hint"));
    }
    CHECK_FALSE(autograd::is_anomaly_enabled());  // the guard restores the previous mode
    CHECK(std::isnan(x.mul(2.0f).log().to_vector()[0]));  // off: no check, NaN flows on
    x.mul(2.0f).sum().backward();
    CHECK(judge::equal(x.grad(), judge::full({2, 3}, 2.0f)));
}

TEST_CASE("anomaly mode says when a NaN came from outside the graph", "[06_autograd]") {
    autograd::DetectAnomalyGuard guard;
    Tensor w = ones({3}).requires_grad_();
    Tensor data = Tensor({1.0f, NAN, 2.0f});
    CHECK_THROWS_WITH(w.mul(data), Contains("forward of 'mul'") && Contains("received a nan in input 1") &&
                                       Contains("data and the parameters"));
    w.mul(Tensor({1.0f, 3.0f, 2.0f})).sum().backward();  // finite data: no anomaly, the gradient is the data
    CHECK(judge::equal(w.grad(), judge::tensor({1.0f, 3.0f, 2.0f}, {3})));
}

TEST_CASE("anomaly mode names the op whose backward produced an infinite gradient", "[06_autograd]") {
    // sqrt(0) = 0 is finite, its derivative 1 / (2 sqrt(0)) is not
    Tensor x = zeros({4}).requires_grad_();
    autograd::set_detect_anomaly(true);
    Tensor loss = x.sqrt().sum();
    CHECK_THROWS_AS(loss.backward(), AnomalyError);
    autograd::set_detect_anomaly(false);
    Tensor loss2 = x.sqrt().sum();
    autograd::set_detect_anomaly(true);
    CHECK_THROWS_WITH(loss2.backward(), Contains("backward of 'sqrt'") && Contains("inf") && Contains("inputs [4]") &&
                                            Contains("output [4]") && Contains("hint"));
    autograd::set_detect_anomaly(false);
    Tensor loss3 = x.sqrt().sum();
    loss3.backward();  // off: the infinite gradient lands in .grad
    CHECK(std::isinf(x.grad().to_vector()[0]));
}

TEST_CASE("anomaly mode lets a finite computation through unchanged", "[06_autograd]") {
    Tensor a = autograd_test::leaf({3, 4}, 1), b = autograd_test::leaf({4, 2}, 2);
    a.matmul(b).exp().sum().backward();
    Tensor ga = a.grad().clone(), gb = b.grad().clone();
    a.zero_grad();
    b.zero_grad();
    {
        autograd::DetectAnomalyGuard guard;
        a.matmul(b).exp().sum().backward();
    }
    CHECK(judge::equal(a.grad(), ga));
    CHECK(judge::equal(b.grad(), gb));
}
