// bench/libtorch_workloads.cpp — the libtorch side of the benchmark: the same workloads as
// bench/tinytorch_workloads.hpp, written with libtorch's C++ API. Compiled only when CMake's
// find_package(Torch) succeeds (TINYTORCH_BENCH_HAS_LIBTORCH=1); otherwise the stubs at the end.
#include "bench.hpp"

#if TINYTORCH_BENCH_HAS_LIBTORCH
#include <ATen/Parallel.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cctype>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

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

/// nanoGPT's GPT (model.py, the path without flash attention, which libtorch 1.13 lacks), for W4.
struct CausalSelfAttentionImpl : nn::Module {
    CausalSelfAttentionImpl(int64_t C, int64_t H, int64_t T) : n_embd(C), n_head(H) {
        c_attn = register_module("c_attn", nn::Linear(C, 3 * C));
        c_proj = register_module("c_proj", nn::Linear(C, C));
        mask = register_buffer("bias", torch::tril(torch::ones({T, T})).view({1, 1, T, T}));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        const int64_t B = x.size(0), T = x.size(1), C = x.size(2), hd = C / n_head;
        auto qkv = c_attn->forward(x).split(n_embd, 2);
        auto q = qkv[0].view({B, T, n_head, hd}).transpose(1, 2);
        auto k = qkv[1].view({B, T, n_head, hd}).transpose(1, 2);
        auto v = qkv[2].view({B, T, n_head, hd}).transpose(1, 2);
        auto att = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(hd)));
        att = att.masked_fill(mask.slice(2, 0, T).slice(3, 0, T) == 0, -std::numeric_limits<float>::infinity());
        att = torch::softmax(att, -1);
        auto y = torch::matmul(att, v).transpose(1, 2).contiguous().view({B, T, C});
        return c_proj->forward(y);
    }
    int64_t n_embd, n_head;
    nn::Linear c_attn{nullptr}, c_proj{nullptr};
    torch::Tensor mask;
};
TORCH_MODULE(CausalSelfAttention);

struct BlockImpl : nn::Module {
    BlockImpl(int64_t C, int64_t H, int64_t T) {
        ln_1 = register_module("ln_1", nn::LayerNorm(nn::LayerNormOptions({C})));
        attn = register_module("attn", CausalSelfAttention(C, H, T));
        ln_2 = register_module("ln_2", nn::LayerNorm(nn::LayerNormOptions({C})));
        c_fc = register_module("c_fc", nn::Linear(C, 4 * C));
        c_proj = register_module("c_proj", nn::Linear(4 * C, C));
    }
    torch::Tensor forward(torch::Tensor x) {
        x = x + attn->forward(ln_1->forward(x));
        return x + c_proj->forward(torch::gelu(c_fc->forward(ln_2->forward(x))));  // exact GELU
    }
    nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
    CausalSelfAttention attn{nullptr};
    nn::Linear c_fc{nullptr}, c_proj{nullptr};
};
TORCH_MODULE(Block);

struct GPTImpl : nn::Module {
    GPTImpl(int64_t V, int64_t T, int64_t L, int64_t H, int64_t C) : block_size(T) {
        wte = register_module("wte", nn::Embedding(V, C));
        wpe = register_module("wpe", nn::Embedding(T, C));
        for (int64_t i = 0; i < L; ++i) h.push_back(register_module("h" + std::to_string(i), Block(C, H, T)));
        ln_f = register_module("ln_f", nn::LayerNorm(nn::LayerNormOptions({C})));
        torch::NoGradGuard no_grad;  // nanoGPT's initialisation
        for (auto& p : named_parameters()) {
            const std::string& n = p.key();
            if (n.find("ln_") != std::string::npos) continue;
            if (n.size() > 5 && n.substr(n.size() - 5) == ".bias") p.value().zero_();
            else if (n.find("c_proj.weight") != std::string::npos) p.value().normal_(0.0, 0.02 / std::sqrt(2.0 * L));
            else p.value().normal_(0.0, 0.02);
        }
    }
    /// logits [B, T, V] (last_only: [B, 1, V] for the last position, as nanoGPT at inference)
    torch::Tensor forward(const torch::Tensor& idx, bool last_only = false) {
        const int64_t T = idx.size(1);
        auto x = wte->forward(idx) + wpe->forward(torch::arange(T, torch::kLong));
        for (auto& b : h) x = b->forward(x);
        x = ln_f->forward(x);
        if (last_only) x = x.slice(1, T - 1, T);
        return torch::matmul(x, wte->weight.t());  // lm_head tied to wte
    }
    int64_t block_size;
    nn::Embedding wte{nullptr}, wpe{nullptr};
    std::vector<Block> h;
    nn::LayerNorm ln_f{nullptr};
};
TORCH_MODULE(GPT);

/// TinyTorch's context policy (nn::ContextWindow, module 13 §6) in nanoGPT's generate loop, which
/// would crop to the last block_size tokens instead: the window of the text (length tokens) starts
/// at `begin`; when it outgrows block_size it keeps only its newest block_size / 2 (rounded up).
int64_t window_begin(int64_t begin, int64_t length, int64_t block_size) {
    return length - begin > block_size ? length - (block_size + 1) / 2 : begin;
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
    if (id == "W4_gen_kv") {
        // W4's model with bench::w4_weights under nanoGPT's names (TinyTorch's side loads the same),
        // nanoGPT's generate loop with greedy choice and TinyTorch's context policy (the window of the
        // last logits jumps to the newest 32 tokens when it outgrows block 64), argmax
        GPT model(65, 64, 4, 4, 128);
        {
            torch::NoGradGuard no_grad;
            for (auto& p : model->named_parameters()) {
                std::string name = p.key();  // wte.weight, h0.attn.c_attn.weight, h0.c_fc.weight, ln_f.bias
                std::string key;
                if (name.rfind("h", 0) == 0 && name.size() > 1 && std::isdigit(static_cast<unsigned char>(name[1]))) {
                    const size_t dot = name.find('.');
                    std::string rest = name.substr(dot + 1);
                    if (rest.rfind("c_fc", 0) == 0 || rest.rfind("c_proj", 0) == 0) rest = "mlp." + rest;
                    key = "transformer.h." + name.substr(1, dot - 1) + "." + rest;
                } else {
                    key = "transformer." + name;
                }
                const std::vector<float> v = w4_weights(key, p.value().numel());
                p.value().copy_(torch::from_blob(const_cast<float*>(v.data()), p.value().sizes(), torch::kFloat32));
            }
        }
        model->eval();
        auto run = [model]() mutable {
            torch::NoGradGuard no_grad;
            torch::Tensor idx = torch::zeros({1, 1}, torch::kLong);
            int64_t begin = 0;
            for (int i = 0; i < 200; ++i) {
                auto logits = model->forward(idx.slice(1, begin, idx.size(1)), /*last_only=*/true).select(1, 0);
                idx = torch::cat({idx, logits.argmax(-1, /*keepdim=*/true)}, 1);
                begin = window_begin(begin, idx.size(1), 64);
            }
            return idx;
        };
        Workload w{[run]() mutable { torch::Tensor out = run(); }, 200.0};
        w.tokens = [run]() mutable {
            torch::Tensor out = run().contiguous();
            return std::vector<int64_t>(out.data_ptr<int64_t>(), out.data_ptr<int64_t>() + out.numel());
        };
        return w;
    }
    if (id == "W4_train" || id == "W4_gen") {
        GPT model(65, 64, 4, 4, 128);
        if (id == "W4_gen") {
            model->eval();
            return {[model]() mutable {
                        torch::NoGradGuard no_grad;
                        torch::Tensor idx = torch::zeros({1, 1}, torch::kLong);
                        int64_t begin = 0;
                        for (int i = 0; i < 200; ++i) {  // nanoGPT's generate loop, TinyTorch's window, sample
                            auto logits = model->forward(idx.slice(1, begin, idx.size(1)), /*last_only=*/true).select(1, 0);
                            auto next = torch::multinomial(torch::softmax(logits, -1), 1);
                            idx = torch::cat({idx, next}, 1);
                            begin = window_begin(begin, idx.size(1), 64);
                        }
                    },
                    200.0};
        }
        std::vector<torch::Tensor> decay, rest;
        for (auto& p : model->parameters()) (p.dim() >= 2 ? decay : rest).push_back(p);
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                       torch::optim::AdamWOptions(1e-3).weight_decay(0.1)));
        groups.emplace_back(rest, std::make_unique<torch::optim::AdamWOptions>(
                                      torch::optim::AdamWOptions(1e-3).weight_decay(0.0)));
        auto opt = std::make_shared<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(1e-3));
        auto x = std::make_shared<torch::Tensor>(torch::randint(0, 65, {16, 64}, torch::kLong));
        auto y = std::make_shared<torch::Tensor>(torch::randint(0, 65, {16, 64}, torch::kLong));
        return {[model, opt, x, y]() mutable {
                    opt->zero_grad();
                    auto logits = model->forward(*x);
                    auto loss = torch::nn::functional::cross_entropy(logits.view({-1, 65}), y->view({-1}));
                    loss.backward();
                    opt->step();
                },
                16.0 * 64.0};
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
