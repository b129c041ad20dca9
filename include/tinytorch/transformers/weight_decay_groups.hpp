// include/tinytorch/transformers/weight_decay_groups.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §7
#pragma once
#include <string>
#include <vector>

#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// A model's parameters split the way GPT-2 / nanoGPT train them: weight decay pulls the
/// matrices (every parameter with 2 or more dims: Linear weights, embedding tables) towards 0,
/// but not the biases and LayerNorm gains (1-D), whose size carries no capacity to shrink.
/// Each parameter appears once (a tied weight under its first name).
struct WeightDecayGroups {
    std::vector<Tensor> decay, no_decay;
    std::vector<std::string> decay_names, no_decay_names;
};

/// The parameters of `model` in two groups (see above), in named_parameters() order.
///   auto g = nn::weight_decay_groups(model);
///   optim::AdamW with_decay(g.decay, optim::AdamWOptions(lr).weight_decay(0.1));
///   optim::AdamW without(g.no_decay, optim::AdamWOptions(lr).weight_decay(0.0));
inline WeightDecayGroups weight_decay_groups(const Module& model) {
    WeightDecayGroups g;
    // BEGIN SOLUTION: weight_decay_groups (§7)
    for (const auto& [name, p] : model.named_parameters()) {
        if (!p.requires_grad()) continue;  // frozen: not trained at all
        if (p.dim() >= 2) {
            g.decay.push_back(p);
            g.decay_names.push_back(name);
        } else {
            g.no_decay.push_back(p);
            g.no_decay_names.push_back(name);
        }
    }
    // END SOLUTION
    return g;
}

}  // namespace tinytorch::nn
