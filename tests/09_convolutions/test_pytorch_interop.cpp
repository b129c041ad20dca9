// tests/09_convolutions/test_pytorch_interop.cpp — a CNN with BatchNorm travels both ways with PyTorch
// (files and expected outputs from tests/golden/gen_pytorch_interop.py; docs/pytorch-interop.md).
// Reads and writes files with module 08's checkpoints (an earlier module, solved before this one).
#include <cstdlib>
#include <filesystem>
#include <string>

#include "golden/interop.hpp"
#include "support/catch.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "tinytorch/training/training.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_pytorch_interop_cnn {

using golden::interop::file_bytes, golden::interop::interop_case, golden::interop::layout;

std::string golden_file(const std::string& name) { return golden::path_of(name); }

/// The same architecture as gen_pytorch_interop.py's make_cnn(), in libtorch's spelling (braces:
/// layers built left to right with every compiler, see nn::Sequential).
nn::Sequential make_cnn() {
    return nn::Sequential{nn::Conv2d(nn::Conv2dOptions(1, 3, 3).padding(1)), nn::BatchNorm2d(3), nn::ReLU(),
                          nn::MaxPool2d(2), nn::Flatten(), nn::Linear(27, 2)};
}

}  // namespace test_pytorch_interop_cnn

TEST_CASE("a CNN with BatchNorm trained in PyTorch loads with its int64 num_batches_tracked and gives PyTorch's outputs",
          "[09_convolutions]") {
    using namespace test_pytorch_interop_cnn;
    const std::string file = golden_file("interop_cnn_from_torch.safetensors");
    CHECK(layout(file).at("1.num_batches_tracked").first == "I64");
    nn::Sequential net = make_cnn();
    train::load_weights(net, file);  // strict: every key matches
    CHECK(net.at<nn::BatchNorm2d>(1).num_batches_tracked.item() == 7.f);
    net.eval();
    const golden::Case& c = interop_case("cnn_from_torch");
    NoGradGuard no_grad;
    Tensor out = net(c.tensor("input"));
    INFO("max abs diff " << judge::max_abs_diff(out, c.tensor("out")));
    CHECK(judge::allclose(out, c.tensor("out"), 1e-4f, 1e-5f));
}

TEST_CASE("CNN weights saved here are what PyTorch writes and PyTorch gets TinyTorch's outputs from them",
          "[09_convolutions]") {
    using namespace test_pytorch_interop_cnn;
    nn::Sequential net = make_cnn();
    golden::interop::set_exact_values(net);  // no training: the bytes do not depend on the GEMM library
    {
        NoGradGuard no_grad;  // running statistics and affine parameters PyTorch must read back
        nn::BatchNorm2d& bn = net.at<nn::BatchNorm2d>(1);
        bn.weight.copy_(Tensor({1.5f, 0.5f, -1.f}));
        bn.bias.copy_(Tensor({0.25f, -0.5f, 0.f}));
        bn.running_mean.copy_(Tensor({0.1f, -0.2f, 0.3f}));
        bn.running_var.copy_(Tensor({0.5f, 2.f, 1.25f}));
        bn.num_batches_tracked.fill_(7.f);
    }
    const std::string path = (std::filesystem::temp_directory_path() / "tinytorch_interop_cnn.safetensors").string();
    train::save_weights(net, path);
    CHECK(layout(path) == layout(golden_file("interop_cnn_from_torch.safetensors")));
    if (const char* dir = std::getenv("TINYTORCH_INTEROP_WRITE_DIR"))  // regenerating the golden files
        std::filesystem::copy_file(path, std::string(dir) + "/interop_cnn_from_tinytorch.safetensors",
                                   std::filesystem::copy_options::overwrite_existing);
    REQUIRE(file_bytes(path) == file_bytes(golden_file("interop_cnn_from_tinytorch.safetensors")));
    const golden::Case& c = interop_case("cnn_from_tinytorch");
    net.eval();
    NoGradGuard no_grad;
    Tensor out = net(c.tensor("input"));
    INFO("max abs diff " << judge::max_abs_diff(out, c.tensor("out")));
    CHECK(judge::allclose(out, c.tensor("out"), 1e-4f, 1e-5f));
}
