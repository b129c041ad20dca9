// include/tinytorch/compression/magnitude_pruning.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §3
//
// Unstructured magnitude pruning: the weights of smallest |w| matter least, so set them to 0.
//   layer-wise  every layer loses the same fraction `amount` of its weights;
//   global      one threshold over all layers' weights together, so layers with many small
//               weights (the big first layer of an MLP) lose more than small, sensitive ones.
// `amount` is a FRACTION in [0, 1] — the share of a layer's (or the model's) weights that are zero
// afterwards (0.9 = 90% zeros). Pruning never revives a weight: pruning again with a larger
// amount removes more; a smaller amount changes nothing.
//
//   compression::magnitude_prune(model, 0.8, compression::PruneScope::global);
//   ... fine-tune with any optimizer: the masks hold (pruned_layers.hpp) ...
//   compression::remove_pruning(model);          // plain Linear / Conv2d with the zeros baked in
//
// Every Linear and Conv2d under the model is pruned (their weights, not their biases). A dense
// layer becomes a PrunedLinear / PrunedConv2d, which needs a parent that runs its children
// through the registration (nn::Sequential, at any depth); a layer a custom module calls through
// its own pointer is refused with a ValueError naming it, before anything changes.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/compression/pruned_layers.hpp"
#include "tinytorch/layers/sequential.hpp"

namespace tinytorch::compression {

/// How magnitude_prune ranks weights: within each layer, or over all layers at once.
enum class PruneScope { layerwise, global };

namespace detail {

/// ValueError unless 0 <= amount <= 1 (a fraction, not a percentage).
inline void check_amount(double amount, const char* op) {
    if (!(amount >= 0.0 && amount <= 1.0))
        throw ValueError(fmt(op, ": amount must be a fraction in [0, 1], got ", amount,
                             "; hint: 0.9 prunes 90% of the weights (a fraction, not a percentage)"));
}

/// How many of n weights `amount` removes: round(amount · n).
inline int64_t count_for(double amount, int64_t n) {
    return std::min<int64_t>(n, static_cast<int64_t>(std::llround(amount * static_cast<double>(n))));
}

/// A prunable layer found under a model: where it hangs, its dotted path, the layer.
struct PrunableLayer {
    nn::Module* parent;
    std::string name, path;
    std::shared_ptr<nn::Module> layer;
};

inline bool is_prunable(const nn::Module& m) {
    return dynamic_cast<const nn::Linear*>(&m) || dynamic_cast<const nn::Conv2d*>(&m) ||
           dynamic_cast<const nn::PrunedLayer*>(&m);
}

/// Every Linear, Conv2d, PrunedLinear and PrunedConv2d under `model`, depth first. Dense layers
/// will be swapped for pruned ones, so their parent must be an nn::Sequential: else one
/// ValueError naming all of them, before anything changed.
inline std::vector<PrunableLayer> find_prunable(nn::Module& model, const char* op) {
    if (is_prunable(model))
        throw ValueError(fmt(op, ": the model itself is a ", model.name(), ", which cannot replace itself; hint: put ",
                             "it in a container, e.g. nn::Sequential seq(std::move(layer))"));
    std::vector<PrunableLayer> out;
    std::vector<std::string> stuck;
    std::function<void(nn::Module&, const std::string&)> walk = [&](nn::Module& parent, const std::string& prefix) {
        for (const auto& [name, child] : parent.named_children()) {
            const std::string path = prefix.empty() ? name : prefix + "." + name;
            if (is_prunable(*child)) {
                const bool swappable = dynamic_cast<nn::Sequential*>(&parent) != nullptr;
                if (swappable || dynamic_cast<nn::PrunedLayer*>(child.get())) out.push_back({&parent, name, path, child});
                else stuck.push_back(fmt(path, " (", child->name(), " in ", parent.name(), ")"));
            } else {
                walk(*child, path);
            }
        }
    };
    walk(model, "");
    if (!stuck.empty()) {
        std::string list;
        for (const auto& s : stuck) list += (list.empty() ? "" : ", ") + s;
        throw ValueError(fmt(op, ": cannot prune ", list, ": the parent's forward() calls its own pointer to the ",
                             "layer, which nothing outside can redirect; hint: hold the layers in an nn::Sequential, ",
                             "or prune them yourself: parent.replace_module(name, std::make_shared<nn::PrunedLinear>(",
                             "layer, mask)) and assign your member"));
    }
    return out;
}

/// The weight a layer computes with, as plain values (no graph): W, or W_orig ⊙ mask.
inline Tensor effective_weight(const nn::Module& layer) {
    NoGradGuard no_grad;
    if (auto* p = dynamic_cast<const nn::PrunedLayer*>(&layer)) return p->weight().detach().contiguous();
    if (auto* l = dynamic_cast<const nn::Linear*>(&layer)) return l->weight.detach().contiguous();
    if (auto* c = dynamic_cast<const nn::Conv2d*>(&layer)) return c->weight.detach().contiguous();
    throw ValueError(fmt("effective_weight: ", layer.name(), " is not a Linear, Conv2d or pruned layer"));
}

/// Install `mask` on the layer: a pruned layer takes it (ANDed with the mask it had, so nothing
/// revives); a dense one is replaced by its pruned twin in its parent.
inline void install_mask(const PrunableLayer& item, const Tensor& mask) {
    if (auto* p = dynamic_cast<nn::PrunedLayer*>(item.layer.get())) {
        p->set_mask(mask.mul(p->weight_mask));
    } else if (auto* l = dynamic_cast<nn::Linear*>(item.layer.get())) {
        item.parent->replace_module(item.name, std::make_shared<nn::PrunedLinear>(*l, mask));
    } else if (auto* c = dynamic_cast<nn::Conv2d*>(item.layer.get())) {
        item.parent->replace_module(item.name, std::make_shared<nn::PrunedConv2d>(*c, mask));
    }
}

/// The positions of the k smallest values of `score` (ties: the lower position first), as a 0/1
/// mask with 0 there. Shared by the layer-wise and the global ranking.
inline std::vector<float> keep_mask_smallest(const std::vector<float>& score, int64_t k) {
    std::vector<float> keep(score.size(), 1.0f);
    if (k <= 0) return keep;
    // BEGIN SOLUTION: keep_mask_smallest (§3)
    std::vector<int64_t> order(score.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
    // only the k smallest need to be found, not a full sort: nth_element is O(n)
    auto before = [&](int64_t a, int64_t b) { return score[a] < score[b] || (score[a] == score[b] && a < b); };
    std::nth_element(order.begin(), order.begin() + (k - 1), order.end(), before);
    for (int64_t i = 0; i < k; ++i) keep[static_cast<size_t>(order[i])] = 0.0f;
    // END SOLUTION
    return keep;
}

}  // namespace detail

/// The 0/1 mask that zeroes the round(amount · numel) entries of smallest |w| (ties: the first
/// in row-major order). Same shape as `weight`.
inline Tensor magnitude_mask(const Tensor& weight, double amount) {
    detail::check_amount(amount, "magnitude_mask");
    if (!weight.defined()) throw ValueError("magnitude_mask: the weight is undefined; hint: pass layer.weight");
    std::vector<float> score = weight.contiguous().to_vector();
    for (float& v : score) v = std::fabs(v);
    return Tensor(detail::keep_mask_smallest(score, detail::count_for(amount, weight.numel())), weight.shape());
}

/// Masks for several weights ranked together: round(amount · total) entries of smallest |w| over
/// all of them are zeroed (one global threshold).
inline std::vector<Tensor> global_magnitude_masks(const std::vector<Tensor>& weights, double amount) {
    detail::check_amount(amount, "global_magnitude_masks");
    std::vector<float> score;
    for (const Tensor& w : weights) {
        if (!w.defined()) throw ValueError("global_magnitude_masks: a weight is undefined; hint: pass layer weights");
        for (float v : w.contiguous().to_vector()) score.push_back(std::fabs(v));
    }
    const std::vector<float> keep =
        detail::keep_mask_smallest(score, detail::count_for(amount, static_cast<int64_t>(score.size())));
    std::vector<Tensor> masks;
    size_t at = 0;
    for (const Tensor& w : weights) {
        const size_t n = static_cast<size_t>(w.numel());
        masks.push_back(Tensor(std::vector<float>(keep.begin() + at, keep.begin() + at + n), w.shape()));
        at += n;
    }
    return masks;
}

/// Prune every Linear / Conv2d weight under `model` by magnitude (see the top of this file).
/// Returns the dotted names of the pruned layers.
inline std::vector<std::string> magnitude_prune(nn::Module& model, double amount,
                                                PruneScope scope = PruneScope::layerwise) {
    detail::check_amount(amount, "magnitude_prune");
    const std::vector<detail::PrunableLayer> layers = detail::find_prunable(model, "magnitude_prune");
    std::vector<Tensor> weights;
    for (const auto& item : layers) weights.push_back(detail::effective_weight(*item.layer));
    std::vector<Tensor> masks;
    if (scope == PruneScope::global) {
        masks = global_magnitude_masks(weights, amount);
    } else {
        for (const Tensor& w : weights) masks.push_back(magnitude_mask(w, amount));
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < layers.size(); ++i) {
        detail::install_mask(layers[i], masks[i]);
        names.push_back(layers[i].path);
    }
    return names;
}

/// Make pruning permanent: every PrunedLinear / PrunedConv2d under `model` becomes a plain Linear /
/// Conv2d holding weight_orig ⊙ weight_mask. (Fine-tuning afterwards may regrow the zeros.)
/// Returns the dotted names of the replaced layers.
inline std::vector<std::string> remove_pruning(nn::Module& model) {
    std::vector<std::string> names;
    std::function<void(nn::Module&, const std::string&)> walk = [&](nn::Module& parent, const std::string& prefix) {
        for (const auto& [name, child] : parent.named_children()) {
            const std::string path = prefix.empty() ? name : prefix + "." + name;
            if (auto* l = dynamic_cast<nn::PrunedLinear*>(child.get())) {
                parent.replace_module(name, l->to_dense());
                names.push_back(path);
            } else if (auto* c = dynamic_cast<nn::PrunedConv2d*>(child.get())) {
                parent.replace_module(name, c->to_dense());
                names.push_back(path);
            } else {
                walk(*child, path);
            }
        }
    };
    walk(model, "");
    return names;
}

/// The model's state_dict as a model without pruning would have it: a pruned layer's
/// weight_orig ⊙ weight_mask under "<layer>.weight", no weight_orig / weight_mask keys. What
/// save_sparse writes, and what an unpruned copy of the architecture loads.
inline StateDict effective_state_dict(nn::Module& model) {
    StateDict out;
    for (auto& [path, module] : model.named_modules()) {
        const std::string prefix = path.empty() ? "" : path + ".";
        auto* pruned = dynamic_cast<nn::PrunedLayer*>(module);
        for (const auto& [name, t] : module->named_parameters(false)) {
            if (pruned && name == "weight_orig") out.insert(prefix + "weight", detail::effective_weight(*module));
            else out.insert(prefix + name, t.detach());
        }
        for (const auto& [name, t] : module->named_buffers(false))
            if (!(pruned && name == "weight_mask")) out.insert(prefix + name, t.detach());
    }
    return out;
}

}  // namespace tinytorch::compression
