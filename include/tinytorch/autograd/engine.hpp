// include/tinytorch/autograd/engine.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §4 (the engine), §5 (graph lifetime)
//
// Tensor::backward() lands here. The engine
//   1. collects every Node the root depends on, counting for each how many edges lead into it
//      from nodes still to run (its consumers)            — one visit per node, no recursion;
//   2. runs the nodes in topological order (Kahn): a node runs only once *all* its consumers
//      have added their share to its gradient, so each rule runs exactly once;
//   3. adds the gradients that reach leaves (and retain_grad() tensors) to their .grad;
//   4. frees each node's inputs and saved tensors once it has run, unless retain_graph.
// Rules come from the registry in tensor/graph.hpp (filled by rules_*.hpp) and run with grad
// mode off, so the gradient computation itself records nothing.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::autograd {

/// What the last backward did: nodes whose rule ran, and gradient writes into .grad slots.
/// (For the lesson's measurements: y = y + y twenty times runs 20 rules, not 2^20.)
struct BackwardStats {
    int64_t nodes = 0;       ///< nodes in the graph of the root
    int64_t rule_calls = 0;  ///< backward rules run (== nodes: each node runs once)
    int64_t grad_writes = 0; ///< gradients added into a leaf's (or retained tensor's) .grad
};
inline BackwardStats& last_backward_stats() {
    thread_local BackwardStats stats;
    return stats;
}

/// One node of the graph being differentiated, as the engine tracks it.
struct GraphEntry {
    Tensor output;        ///< the tensor this node produced (keeps it and its node alive meanwhile)
    Tensor grad;          ///< dL/d(output), summed over all consumers so far
    int64_t pending = 0;  ///< edges from consumers that have not delivered their gradient yet
    BackwardRule rule = nullptr;
};
using GraphMap = std::unordered_map<Node*, GraphEntry>;

/// The edge from a node to its input `t` that backward follows: t needs a gradient and was
/// produced by another node (leaves end the walk).
inline Node* producer_of(const Tensor& t) {
    return t.defined() && t.requires_grad() ? t.grad_fn().get() : nullptr;
}

/// Every node `root` depends on, each with its pending-edge count and its rule.
/// Throws (before any gradient is touched) if a node was freed or has no rule.
inline GraphMap collect_graph(const Tensor& root) {
    GraphMap graph;
    // BEGIN SOLUTION: collect_graph (§4)
    // Iterative depth-first walk with an explicit stack: a recursive walk would overflow the
    // call stack on a 100k-node graph. A node is pushed only the first time it is seen.
    Node* start = root.grad_fn().get();
    graph[start].output = root;
    std::vector<Node*> stack{start};
    while (!stack.empty()) {
        Node* node = stack.back();
        stack.pop_back();
        if (node->released)
            throw Error(fmt("backward: the graph through '", node->name, "' was already freed by an earlier "
                            "backward; hint: pass retain_graph=true to the first backward() if you need to "
                            "back-propagate through the same graph twice"));
        graph[node].rule = find_rule(node->name);
        for (const Tensor& input : node->inputs) {
            Node* producer = producer_of(input);
            if (!producer) continue;
            auto [it, first_time] = graph.try_emplace(producer);
            it->second.pending += 1;  // one more edge into `producer`
            if (first_time) {
                it->second.output = input;
                stack.push_back(producer);
            }
        }
    }
    // END SOLUTION
    return graph;
}

/// slot += g, allocating nothing when the slot is empty (g is taken as is).
inline void accumulate(Tensor& slot, const Tensor& g) {
    // BEGIN SOLUTION: accumulate (§4)
    slot = slot.defined() ? slot.add(g) : g;
    // END SOLUTION
}

/// True when nothing but `g` itself can see its memory: one handle, one header on the storage,
/// and the storage holds exactly g's elements in order. Such a gradient can become a .grad as is.
inline bool owns_its_memory(const Tensor& g) {
    return g.use_count() == 1 && g.storage().use_count() == 1 && g.storage_offset() == 0 && g.is_contiguous() &&
           static_cast<size_t>(g.numel()) == g.storage()->size();
}

/// t.grad += g. The first gradient is copied: `g` may be a view of another tensor's gradient
/// (add hands the same g to both inputs), and a .grad must never alias anything else — unless
/// g owns its memory (a fresh result nobody else holds), which is then taken without a copy
/// (what PyTorch's AccumulateGrad does too). Pass g with std::move to allow that.
inline void accumulate_grad(const Tensor& t, Tensor g) {
    // BEGIN SOLUTION: accumulate_grad (§4)
    TensorImpl* impl = t.impl();
    if (impl->grad.defined()) impl->grad = impl->grad.add(g);
    else impl->grad = owns_its_memory(g) ? std::move(g) : g.clone();
    // END SOLUTION
    last_backward_stats().grad_writes += 1;
}

/// The un-broadcast check: a rule must return a gradient shaped exactly like its input.
inline void check_rule_output(const Node& node, size_t i, const Tensor& g) {
    const Shape& want = node.inputs[i].shape();
    if (g.shape() != want)
        throw ShapeError(fmt("backward: the rule of '", node.name, "' returned a gradient of shape ",
                             shape_str(g.shape()), " for input ", i, " of shape ", shape_str(want),
                             "; hint: a gradient has the shape of its input, so un-broadcast it with "
                             "sum_to(input.shape())"));
}

/// Free what a node holds once its rule has run: its inputs (the rest of the graph, and the
/// activations) and its saved tensors. A later backward through it is an error.
inline void release(Node& node) {
    // BEGIN SOLUTION: release (§5)
    node.inputs.clear();
    node.saved.clear();
    node.released = true;
    // END SOLUTION
}

/// Back-propagate from `root` with dL/d(root) = `gradient` (ones if undefined and root has
/// one element). Installed as the engine behind Tensor::backward.
inline void run_backward(const Tensor& root, const Tensor& gradient, bool retain_graph) {
    // ---- the seed: dL/dL = 1 for a scalar loss, else the caller's gradient ----------------
    Tensor seed;
    if (!gradient.defined()) {
        if (root.numel() != 1)
            throw ValueError(fmt("backward: called without a gradient on a non-scalar tensor of shape ",
                                 shape_str(root.shape()), " (", root.numel(), " elements); hint: reduce it to a "
                                 "scalar loss first (.sum() or .mean()), or pass a gradient of shape ",
                                 shape_str(root.shape()), " to backward(gradient)"));
        seed = ones(root.shape());
    } else {
        if (gradient.shape() != root.shape())
            throw ShapeError(fmt("backward: the gradient has shape ", shape_str(gradient.shape()),
                                 " but the tensor has shape ", shape_str(root.shape()),
                                 "; hint: pass a gradient of the tensor's own shape"));
        seed = gradient.detach();
    }
    NoGradGuard no_grad;  // rules compute gradients; they must not record a graph of their own
    last_backward_stats() = BackwardStats{};
    if (root.is_leaf()) {  // backward on a leaf: its gradient is the seed itself
        accumulate_grad(root, std::move(seed));
        return;
    }

    // BEGIN SOLUTION: run_backward (§4)
    GraphMap graph = collect_graph(root);
    last_backward_stats().nodes = static_cast<int64_t>(graph.size());
    Node* start = root.grad_fn().get();
    graph[start].grad = seed;
    std::vector<Node*> ready{start};  // nodes whose gradient is complete
    while (!ready.empty()) {
        Node* node = ready.back();
        ready.pop_back();
        auto entry = graph.find(node);
        Tensor g = std::move(entry->second.grad);
        const Tensor output = entry->second.output;
        if (output.retains_grad() && g.defined()) accumulate_grad(output, g);  // copies: g is used below

        std::vector<Tensor> grads;
        if (g.defined()) {  // undefined: no gradient reached this node (only its inputs get released)
            grads = apply_rule(entry->second.rule, *node, g);  // = rule(*node, g), seen by a profiler
            g = Tensor();  // let go: a gradient the rule passed on as a view may then own its memory
            last_backward_stats().rule_calls += 1;
            if (grads.size() != node->inputs.size())
                throw Error(fmt("backward: the rule of '", node->name, "' returned ", grads.size(),
                                " gradients for ", node->inputs.size(), " inputs; hint: return one per input "
                                "(an undefined Tensor() where none is needed)"));
        }
        for (size_t i = 0; i < node->inputs.size(); ++i) {
            const Tensor& input = node->inputs[i];
            if (!input.defined() || !input.requires_grad()) continue;
            Tensor gi = i < grads.size() ? std::move(grads[i]) : Tensor();  // moved: a leaf may keep it
            if (gi.defined()) check_rule_output(*node, i, gi);
            if (Node* producer = producer_of(input)) {
                GraphEntry& p = graph.find(producer)->second;
                if (gi.defined()) accumulate(p.grad, gi);
                if (--p.pending == 0) ready.push_back(producer);  // all its consumers have delivered
            } else if (gi.defined()) {
                accumulate_grad(input, std::move(gi));  // a leaf: the gradient ends up in .grad
            }
        }
        if (!retain_graph) release(*node);
        graph.erase(entry);  // drop our handle on the output: with the graph released, memory goes now
    }
    // END SOLUTION
}

/// Install the engine when the program starts: including this header is enough.
inline const bool engine_installed = (engine_hook() = &run_backward, true);

}  // namespace tinytorch::autograd
