// tests/13_transformers/test_gpt_golden.cpp — a small nanoGPT-style model written by PyTorch
// (tests/golden/gen_transformers.py): its safetensors checkpoint loads into nn::GPT under the
// same names, and gives the same logits, loss and gradients.
#include <filesystem>

#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/training/safetensors.hpp"  // module 08's reader (an earlier module)
#include "tinytorch/transformers/transformers.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_gpt_golden {

const golden::Case& gpt_case() {
    static const std::vector<golden::Case> cases = golden::load("transformers_gpt.txt");
    return cases.at(0);
}

nn::GPT load_model() {
    const golden::Case& c = gpt_case();
    nn::GPT model(nn::GPTConfig{.vocab_size = c.int_attr("vocab_size"), .block_size = c.int_attr("block_size"),
                                .n_layer = c.int_attr("n_layer"), .n_head = c.int_attr("n_head"),
                                .n_embd = c.int_attr("n_embd")});
    StateDict sd = train::load_safetensors(std::string(TINYTORCH_SOURCE_DIR) + "/tests/golden/transformers_gpt.safetensors");
    model.load_state_dict(sd, /*strict=*/true);
    return model;
}

}  // namespace test_gpt_golden

using namespace test_gpt_golden;

TEST_CASE("A nanoGPT checkpoint written by PyTorch loads with every key matched", "[13_transformers]") {
    StateDict sd = train::load_safetensors(std::string(TINYTORCH_SOURCE_DIR) + "/tests/golden/transformers_gpt.safetensors");
    CHECK(static_cast<int64_t>(sd.size()) == gpt_case().int_attr("keys"));
    nn::GPT model = load_model();  // strict: no missing or unexpected key
    // tied in the file as in the model: both keys hold the same values
    CHECK(judge::equal(*sd.find("lm_head.weight"), *sd.find("transformer.wte.weight")));
    CHECK(judge::equal(model.lm_head->weight, *sd.find("lm_head.weight")));
    CHECK(judge::equal(model.block(1).mlp->c_fc->bias, *sd.find("transformer.h.1.mlp.c_fc.bias")));
}

TEST_CASE("GPT gives PyTorch's logits and loss for a nanoGPT checkpoint", "[13_transformers]") {
    const golden::Case& c = gpt_case();
    nn::GPT model = load_model();
    auto out = model.forward(c.tensor("idx"), c.tensor("targets"));  // one target is -1: ignored
    CHECK(judge::allclose(out.logits, c.tensor("logits"), 1e-4f, 1e-4f));
    CHECK(out.loss.item() == Approx(c.tensor("loss").item()).epsilon(1e-5));
}

TEST_CASE("GPT gradients match PyTorch's for a nanoGPT checkpoint", "[13_transformers]") {
    const golden::Case& c = gpt_case();
    nn::GPT model = load_model();
    model.forward(c.tensor("idx"), c.tensor("targets")).loss.backward();
    // the tied embedding collects the gradient of the lookup and of the output layer
    CHECK(judge::allclose(model.transformer->wte->weight.grad(), c.tensor("grad_wte"), 1e-3f, 1e-5f));
    CHECK(judge::allclose(model.transformer->wpe->weight.grad(), c.tensor("grad_wpe"), 1e-3f, 1e-5f));
    CHECK(judge::allclose(model.block(0).attn->c_attn->weight.grad(), c.tensor("grad_h0_c_attn_weight"), 1e-3f, 1e-5f));
    CHECK(judge::allclose(model.block(1).ln_2->bias.grad(), c.tensor("grad_h1_ln_2_bias"), 1e-3f, 1e-5f));
}

TEST_CASE("A GPT checkpoint saved by TinyTorch reloads into a fresh model", "[13_transformers]") {
    nn::GPT model = load_model();
    StateDict sd = model.state_dict();
    std::string tmp = std::filesystem::temp_directory_path() / "tinytorch_test_13_gpt.safetensors";
    train::save_safetensors(tmp, sd);
    manual_seed(5);
    nn::GPT fresh(model.config());
    fresh.load_state_dict(train::load_safetensors(tmp));
    std::filesystem::remove(tmp);
    Tensor idx = gpt_case().tensor("idx");
    CHECK(judge::allclose(fresh(idx), model(idx), 0.0f, 0.0f));
    CHECK(fresh.lm_head->weight.is_same(fresh.transformer->wte->weight));  // still tied after loading
}
