// bench/libtorch_workloads.cpp — the libtorch side of the benchmark: the same workloads as
// bench/tinytorch_workloads.hpp, written with libtorch's C++ API. Compiled only when CMake's
// find_package(Torch) succeeds (TINYTORCH_BENCH_HAS_LIBTORCH=1); otherwise the stubs at the end.
#include "bench.hpp"

#if TINYTORCH_BENCH_HAS_LIBTORCH
#include <ATen/Parallel.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <memory>

namespace bench {

bool libtorch_available() { return true; }
std::string libtorch_version() { return TORCH_VERSION; }

std::string libtorch_config() {
    // at::show_config() is a multi-line report; keep the lines that say which kernels run.
    std::string all = at::show_config(), out;
    size_t pos = 0;
    while (pos < all.size()) {
        size_t end = all.find('\n', pos);
        if (end == std::string::npos) end = all.size();
        std::string line = all.substr(pos, end - pos);
        for (const char* key : {"BLAS_INFO", "LAPACK_INFO", "USE_MKLDNN", "USE_OPENMP", "CXX_FLAGS"}) {
            size_t k = line.find(key);
            if (k == std::string::npos) continue;
            std::string item = line.substr(k);
            if (item.size() > 40 && std::string(key) == "CXX_FLAGS") item = item.substr(0, 40) + "...";
            size_t comma = item.find(',');
            if (std::string(key) != "CXX_FLAGS" && comma != std::string::npos) item = item.substr(0, comma);
            out += (out.empty() ? "" : "; ") + item;
        }
        pos = end + 1;
    }
    out += "; parallel: " + [] {
        std::string p = at::get_parallel_info();
        size_t k = p.find("ATen parallel backend: ");
        if (k == std::string::npos) return std::string("?");
        size_t e = p.find('\n', k);
        return p.substr(k + 23, e == std::string::npos ? std::string::npos : e - k - 23);
    }();
    return out;
}

void libtorch_set_threads(int n) { torch::set_num_threads(n); }

namespace {

namespace nn = torch::nn;

nn::Sequential mlp() {
    return nn::Sequential(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(), nn::Linear(128, 10));
}

nn::Sequential lenet5() {
    return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)), nn::ReLU(), nn::MaxPool2d(2),
                          nn::Conv2d(nn::Conv2dOptions(6, 16, 5)), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                          nn::Linear(400, 120), nn::ReLU(), nn::Linear(120, 84), nn::ReLU(), nn::Linear(84, 10));
}

nn::Sequential cifar_cnn() {
    return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(3, 32, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                          nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                          nn::Flatten(), nn::Linear(4096, 256), nn::ReLU(), nn::Linear(256, 10));
}

/// The training step every train workload times: zero_grad, forward, loss, backward, step.
template <typename Opt>
Workload train(nn::Sequential net, std::vector<int64_t> input_shape, std::shared_ptr<Opt> opt) {
    auto x = std::make_shared<torch::Tensor>(torch::randn(input_shape));
    auto y = std::make_shared<torch::Tensor>(torch::randint(0, 10, {input_shape[0]}, torch::kLong));
    Workload w;
    w.items = static_cast<double>(input_shape[0]);
    w.step = [net, opt, x, y]() mutable {
        opt->zero_grad();
        torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(*x), *y);
        loss.backward();
        opt->step();
    };
    return w;
}

}  // namespace

Workload libtorch_workload(const std::string& id) {
    torch::manual_seed(42);
    using torch::optim::SGD, torch::optim::SGDOptions, torch::optim::Adam, torch::optim::AdamOptions;
    if (id == "W1_train") {
        auto net = mlp();
        return train(net, {64, 784}, std::make_shared<SGD>(net->parameters(), SGDOptions(0.01).momentum(0.9)));
    }
    if (id == "W1_infer") {
        auto net = mlp();
        auto x = std::make_shared<torch::Tensor>(torch::randn({256, 784}));
        return {[net, x]() mutable {
                    torch::NoGradGuard no_grad;
                    torch::Tensor out = net->forward(*x);
                },
                256.0};
    }
    if (id == "W1_frozen") {  // libtorch's lean inference mode (no version counters, no autograd)
        auto net = mlp();
        net->eval();
        auto x = std::make_shared<torch::Tensor>(torch::randn({256, 784}));
        return {[net, x]() mutable {
                    c10::InferenceMode guard;
                    torch::Tensor out = net->forward(*x);
                },
                256.0};
    }
    if (id == "W2_train") {
        auto net = lenet5();
        return train(net, {64, 1, 28, 28}, std::make_shared<SGD>(net->parameters(), SGDOptions(0.01).momentum(0.9)));
    }
    if (id == "W3_train") {
        auto net = cifar_cnn();
        return train(net, {64, 3, 32, 32}, std::make_shared<Adam>(net->parameters(), AdamOptions(1e-3)));
    }
    return {};  // W5 runs against OpenBLAS directly, not through libtorch
}

}  // namespace bench

#else  // no libtorch: the harness prints TinyTorch's figures alone

namespace bench {
bool libtorch_available() { return false; }
std::string libtorch_version() { return ""; }
std::string libtorch_config() { return ""; }
void libtorch_set_threads(int) {}
Workload libtorch_workload(const std::string&) { return {}; }
}  // namespace bench

#endif
