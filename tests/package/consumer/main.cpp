// tests/package/consumer/main.cpp — a program outside the project that uses TinyTorch the way a
// learner's own project would: through find_package(tinytorch) or add_subdirectory. It trains a
// one-layer model for a few steps and checks the loss went down; exit status 0 means it worked.
#include <cstdio>

#include "tinytorch/tinytorch.hpp"

int main() {
    using namespace tinytorch;
    manual_seed(0);
    nn::Linear layer(3, 1);
    optim::SGD optimizer(layer.parameters(), 0.1);
    Tensor x({{1.f, 2.f, 3.f}, {0.f, 1.f, 0.f}, {2.f, 0.f, 1.f}, {1.f, 1.f, 1.f}});
    Tensor y({{1.f}, {0.f}, {2.f}, {1.f}});
    float first = 0.0f, last = 0.0f;
    for (int step = 0; step < 50; ++step) {
        optimizer.zero_grad();
        Tensor loss = nn::functional::mse_loss(layer.forward(x), y);
        loss.backward();
        optimizer.step();
        (step == 0 ? first : last) = loss.item();
    }
    std::printf("consumer: loss %.4f -> %.4f with %s\n", first, last, detail::gemm_backend_name().c_str());
    return last < 0.5f * first ? 0 : 1;
}
