// tests/08_training/test_pytorch_interop.cpp — an MLP's weights travel both ways with PyTorch
// (files and expected outputs from tests/golden/gen_pytorch_interop.py; docs/pytorch-interop.md)
#include <cstdlib>
#include <filesystem>
#include <string>

#include "golden/interop.hpp"
#include "support/catch.hpp"
#include "tinytorch/training/training.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_pytorch_interop_mlp {

using golden::interop::file_bytes, golden::interop::interop_case, golden::interop::layout;

std::string golden_file(const std::string& name) { return golden::path_of(name); }

/// The same architecture as gen_pytorch_interop.py's make_mlp() (braces: layers built left to
/// right with every compiler, see nn::Sequential).
nn::Sequential make_mlp() { return nn::Sequential{nn::Linear(4, 8), nn::ReLU(), nn::Linear(8, 3)}; }

}  // namespace test_pytorch_interop_mlp

TEST_CASE("an MLP trained in PyTorch loads by its state_dict names and gives PyTorch's outputs", "[08_training]") {
    using namespace test_pytorch_interop_mlp;
    nn::Sequential net = make_mlp();
    train::load_weights(net, golden_file("interop_mlp_from_torch.safetensors"));  // strict: every key matches
    net.eval();
    const golden::Case& c = interop_case("mlp_from_torch");
    NoGradGuard no_grad;
    Tensor out = net(c.tensor("input"));
    INFO("max abs diff " << judge::max_abs_diff(out, c.tensor("out")));
    CHECK(judge::allclose(out, c.tensor("out"), 1e-5f, 1e-6f));
}

TEST_CASE("MLP weights saved here are what PyTorch writes and PyTorch gets TinyTorch's outputs from them", "[08_training]") {
    using namespace test_pytorch_interop_mlp;
    nn::Sequential net = make_mlp();
    golden::interop::set_exact_values(net);  // no training: the bytes do not depend on the GEMM library
    const std::string path = (std::filesystem::temp_directory_path() / "tinytorch_interop_mlp.safetensors").string();
    train::save_weights(net, path);
    // same names, dtypes and shapes as the file PyTorch wrote for this architecture
    CHECK(layout(path) == layout(golden_file("interop_mlp_from_torch.safetensors")));
    if (const char* dir = std::getenv("TINYTORCH_INTEROP_WRITE_DIR"))  // regenerating the golden files
        std::filesystem::copy_file(path, std::string(dir) + "/interop_mlp_from_tinytorch.safetensors",
                                   std::filesystem::copy_options::overwrite_existing);
    // byte for byte the file gen_pytorch_interop.py loaded into PyTorch (strict, same dtypes) ...
    REQUIRE(file_bytes(path) == file_bytes(golden_file("interop_mlp_from_tinytorch.safetensors")));
    // ... where the model gave these outputs
    const golden::Case& c = interop_case("mlp_from_tinytorch");
    net.eval();
    NoGradGuard no_grad;
    Tensor out = net(c.tensor("input"));
    INFO("max abs diff " << judge::max_abs_diff(out, c.tensor("out")));
    CHECK(judge::allclose(out, c.tensor("out"), 1e-5f, 1e-6f));
}
