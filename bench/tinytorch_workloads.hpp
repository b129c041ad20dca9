// bench/tinytorch_workloads.hpp — the TinyTorch side of the benchmark: each workload of
// bench.hpp's table built with the framework's public API, exactly as a learner would write it
// (bench/libtorch_workloads.cpp is the same thing in libtorch).
#pragma once
#include <memory>
#include <string>

#include "bench.hpp"
#include "tinytorch/acceleration/acceleration.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/memoization/memoization.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "tinytorch/transformers/transformers.hpp"

namespace bench {

namespace tt = tinytorch;

/// 784 -> 256 -> ReLU -> 128 -> ReLU -> 10
inline std::shared_ptr<tt::nn::Sequential> tt_mlp() {
    using namespace tt::nn;
    return std::make_shared<Sequential>(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10));
}

/// LeNet-5: conv5x5(1->6, pad 2) ReLU pool2 -> conv5x5(6->16) ReLU pool2 -> 400 -> 120 -> 84 -> 10
inline std::shared_ptr<tt::nn::Sequential> tt_lenet5() {
    using namespace tt::nn;
    return std::make_shared<Sequential>(Conv2d(Conv2dOptions(1, 6, 5).padding(2)), ReLU(), MaxPool2d(2),
                                        Conv2d(Conv2dOptions(6, 16, 5)), ReLU(), MaxPool2d(2), Flatten(),
                                        Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10));
}

/// conv3x3(3->32, pad 1) ReLU pool2 -> conv3x3(32->64, pad 1) ReLU pool2 -> 4096 -> 256 -> ReLU -> 10
inline std::shared_ptr<tt::nn::Sequential> tt_cifar_cnn() {
    using namespace tt::nn;
    return std::make_shared<Sequential>(Conv2d(Conv2dOptions(3, 32, 3).padding(1)), ReLU(), MaxPool2d(2),
                                        Conv2d(Conv2dOptions(32, 64, 3).padding(1)), ReLU(), MaxPool2d(2),
                                        Flatten(), Linear(4096, 256), ReLU(), Linear(256, 10));
}

/// The timed training step: zero_grad, forward, loss, backward, optimizer step.
template <typename Opt>
Workload tt_train(std::shared_ptr<tt::nn::Sequential> net, const tt::Shape& input_shape, std::shared_ptr<Opt> opt) {
    tt::Tensor x = tt::randn(input_shape);
    tt::Tensor y = tt::randint(0, 10, {input_shape[0]});  // class indices (stored as floats)
    Workload w;
    w.items = static_cast<double>(input_shape[0]);
    w.step = [net, opt, x, y] {
        opt->zero_grad();
        tt::Tensor loss = tt::nn::functional::cross_entropy(net->forward(x), y);
        loss.backward();
        opt->step();
    };
    return w;
}

inline Workload tinytorch_workload(const std::string& id) {
    tt::manual_seed(42);
    using tt::optim::SGD, tt::optim::SGDOptions, tt::optim::Adam, tt::optim::AdamOptions;
    if (id == "W1_train") {
        auto net = tt_mlp();
        return tt_train(net, {64, 784}, std::make_shared<SGD>(net->parameters(), SGDOptions(0.01).momentum(0.9)));
    }
    if (id == "W1_infer") {
        auto net = tt_mlp();
        tt::Tensor x = tt::randn({256, 784});
        return {[net, x] {
                    tt::NoGradGuard no_grad;
                    tt::Tensor out = net->forward(x);
                },
                256.0};
    }
    if (id == "W1_frozen") {  // module 17: freeze after eval()
        auto net = tt_mlp();
        net->eval();
        auto frozen = std::make_shared<tt::accel::FrozenSequential>(tt::accel::freeze(*net));
        tt::Tensor x = tt::randn({256, 784});
        return {[frozen, x] { tt::Tensor out = (*frozen)(x); }, 256.0};
    }
    if (id == "W2_train") {
        auto net = tt_lenet5();
        return tt_train(net, {64, 1, 28, 28}, std::make_shared<SGD>(net->parameters(), SGDOptions(0.01).momentum(0.9)));
    }
    if (id == "W3_train") {
        auto net = tt_cifar_cnn();
        return tt_train(net, {64, 3, 32, 32}, std::make_shared<Adam>(net->parameters(), AdamOptions(1e-3)));
    }
    if (id == "W4_train" || id == "W4_gen") {
        // nanoGPT's character-level Shakespeare model on a CPU: 4 layers, 4 heads, 128 dims,
        // block 64, 65 characters, exact GELU, lm_head tied to the token embedding, no dropout
        auto model = std::make_shared<tt::nn::GPT>(
            tt::nn::GPTConfig{.vocab_size = 65, .block_size = 64, .n_layer = 4, .n_head = 4, .n_embd = 128});
        if (id == "W4_gen") {  // 200 new tokens for one prompt, no cache: every step runs the whole window
            tt::Tensor prompt = tt::Tensor({{0.0f}});
            auto seed = std::make_shared<uint64_t>(0);
            return {[model, prompt, seed] { tt::Tensor out = model->generate(prompt, 200, {.seed = ++*seed}); }, 200.0};
        }
        // AdamW as nanoGPT configures it: weight decay 0.1 on the 2-D weights, none on the rest
        auto groups = tt::nn::weight_decay_groups(*model);
        auto decay = std::make_shared<tt::optim::AdamW>(groups.decay, tt::optim::AdamWOptions(1e-3).weight_decay(0.1));
        auto rest = std::make_shared<tt::optim::AdamW>(groups.no_decay, tt::optim::AdamWOptions(1e-3).weight_decay(0.0));
        tt::Tensor x = tt::randint(0, 65, {16, 64}), y = tt::randint(0, 65, {16, 64});
        return {[model, decay, rest, x, y] {
                    decay->zero_grad();
                    rest->zero_grad();
                    tt::Tensor loss = model->forward(x, y).loss;
                    loss.backward();
                    decay->step();
                    rest->step();
                },
                16.0 * 64.0};  // items: tokens per step
    }
    if (id == "W4_gen_kv") {
        // W4's model with bench::w4_weights (the libtorch side loads the same values), 200 greedy
        // tokens from one, with module 18's KV cache (the default context policy: past block 64 the
        // window jumps to its newest 32 tokens, prefilled once, then one token per step again)
        auto model = std::make_shared<tt::nn::GPT>(
            tt::nn::GPTConfig{.vocab_size = 65, .block_size = 64, .n_layer = 4, .n_head = 4, .n_embd = 128});
        {
            tt::NoGradGuard no_grad;
            for (auto& [name, p] : model->named_parameters()) {
                const std::vector<float> v = w4_weights(name, p.numel());
                std::copy(v.begin(), v.end(), p.data_ptr());
            }
        }
        auto run = [model] {
            return tt::nn::generate_with_cache(*model, tt::Tensor({{0.0f}}), 200, {.greedy = true});
        };
        Workload w{[run] { tt::Tensor out = run(); }, 200.0};
        w.tokens = [run] {
            std::vector<int64_t> ids;
            for (float t : run().to_vector()) ids.push_back(static_cast<int64_t>(t));
            return ids;
        };
        return w;
    }
    if (id == "W5_sgemm") {
        const int64_t n = 1024;
        tt::Tensor a = tt::randn({n, n}), b = tt::randn({n, n});
        return {[a, b] { tt::Tensor c = a.matmul(b); }, 2.0 * n * n * n / 1e9};  // items: GFLOP per step
    }
    if (id == "W5_kernel") {  // the own kernel, one block of rows per thread (module 17's gemm_parallel)
        const int64_t n = 1024;
        tt::Tensor a = tt::randn({n, n}), b = tt::randn({n, n}), c = tt::zeros({n, n});
        return {[a, b, c]() mutable {
                    tt::accel::gemm_parallel(tt::accel::Rung::tinytorch_kernel, a.data_ptr(), b.data_ptr(), c.data_ptr(), n, n, n);
                },
                2.0 * n * n * n / 1e9};
    }
    return {};
}

}  // namespace bench
