// include/tinytorch/compression/structured_pruning.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §5
//
// Structured pruning removes whole units — a Linear's output neurons (rows of W), a Conv2d's
// output channels (filters) — and the next layer's inputs that read them. The layers really get
// smaller: fewer multiply-adds and fewer bytes, a speed-up on any hardware, unlike unstructured
// zeros that a dense kernel multiplies anyway. (The original zeroed rows in place: same size,
// same time.)
//
//   // net = Linear(784, 256) -> ReLU -> Linear(256, 10)
//   std::vector<int64_t> kept = compression::prune_structured(net, 0, 0.5);
//   // net = Linear(784, 128) -> ReLU -> Linear(128, 10): the 128 rows of largest L2 norm stay
//
// The units kept compute exactly what they computed before; the outputs of the network change
// only by what the removed units contributed (nothing, for a unit that is always 0 after ReLU).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/compression/magnitude_pruning.hpp"

namespace tinytorch::compression {

/// The units (slices along dim 0: rows of a Linear weight, filters of a Conv2d weight) to KEEP
/// when `amount` of them go: the n − round(amount · n) of largest L2 norm, in ascending order
/// (ties: the lower index is removed first). At least one unit always stays.
inline std::vector<int64_t> units_to_keep(const Tensor& weight, double amount) {
    detail::check_amount(amount, "units_to_keep");
    if (!weight.defined() || weight.dim() < 2)
        throw ShapeError(fmt("units_to_keep: expected a weight with >= 2 dims, got ",
                             weight.defined() ? shape_str(weight.shape()) : "undefined",
                             "; hint: pass a Linear or Conv2d weight"));
    const int64_t units = weight.size(0);
    [[maybe_unused]] const int64_t per_unit = weight.numel() / std::max<int64_t>(units, 1);
    const int64_t remove = detail::count_for(amount, units);
    if (remove >= units)
        throw ValueError(fmt("units_to_keep: amount ", amount, " would remove all ", units,
                             " units; hint: keep at least one (amount < 1)"));
    [[maybe_unused]] const std::vector<float> w = weight.contiguous().to_vector();
    std::vector<int64_t> keep;
    // BEGIN SOLUTION: units_to_keep (§5)
    std::vector<float> norm(static_cast<size_t>(units), 0.0f);
    for (int64_t u = 0; u < units; ++u) {
        double s = 0.0;
        for (int64_t j = 0; j < per_unit; ++j) s += double(w[u * per_unit + j]) * w[u * per_unit + j];
        norm[static_cast<size_t>(u)] = static_cast<float>(std::sqrt(s));
    }
    const std::vector<float> kept = detail::keep_mask_smallest(norm, remove);  // 0 = removed
    for (int64_t u = 0; u < units; ++u)
        if (kept[static_cast<size_t>(u)] != 0.0f) keep.push_back(u);
    // END SOLUTION
    return keep;
}

namespace detail {
/// ValueError unless `keep` is strictly ascending within [0, n) and not empty.
inline void check_keep(const std::vector<int64_t>& keep, int64_t n, const char* op) {
    bool ok = !keep.empty();
    for (size_t i = 0; ok && i < keep.size(); ++i)
        ok = keep[i] >= 0 && keep[i] < n && (i == 0 || keep[i] > keep[i - 1]);
    if (!ok)
        throw ValueError(fmt(op, ": the indices to keep must be strictly ascending, within [0, ", n,
                             ") and not empty; hint: units_to_keep(weight, amount) gives such a list"));
}

/// out[i, ...] = in[keep[i], ...] along dim 0 for a contiguous [n, inner] view; or, with
/// `columns`, out[r, i·group + g] = in[r, keep[i]·group + g] (blocks of `group` columns per unit).
inline void copy_slices(const Tensor& from, Tensor& to, const std::vector<int64_t>& keep, bool columns,
                        int64_t group) {
    [[maybe_unused]] const Tensor src = from.detach().contiguous();
    [[maybe_unused]] const float* s = src.data_ptr();
    [[maybe_unused]] float* d = to.data_ptr();
    // BEGIN SOLUTION: copy_slices (§5)
    if (!columns) {
        const int64_t inner = src.numel() / src.size(0);
        for (size_t i = 0; i < keep.size(); ++i)
            std::copy(s + keep[i] * inner, s + (keep[i] + 1) * inner, d + static_cast<int64_t>(i) * inner);
    } else {  // each row of `src` is [units · group]: keep the blocks of `group` values of the kept units
        const int64_t rows = src.size(0), in_row = src.numel() / rows;
        const int64_t out_row = static_cast<int64_t>(keep.size()) * group;
        for (int64_t r = 0; r < rows; ++r)
            for (size_t i = 0; i < keep.size(); ++i)
                std::copy(s + r * in_row + keep[i] * group, s + r * in_row + (keep[i] + 1) * group,
                          d + r * out_row + static_cast<int64_t>(i) * group);
    }
    // END SOLUTION
}
}  // namespace detail

/// A Linear with only the outputs `keep` (rows of W, entries of b).   [.., in] -> [.., keep.size()]
inline std::shared_ptr<nn::Linear> keep_outputs(const nn::Linear& layer, const std::vector<int64_t>& keep) {
    detail::check_keep(keep, layer.out_features(), "keep_outputs");
    auto out = std::make_shared<nn::Linear>(layer.in_features(), static_cast<int64_t>(keep.size()), layer.has_bias());
    NoGradGuard no_grad;
    detail::copy_slices(layer.weight, out->weight, keep, false, 1);
    if (layer.has_bias()) detail::copy_slices(layer.bias, out->bias, keep, false, 1);
    return out;
}

/// A Linear reading only the inputs of the units `keep`, each unit being `group` consecutive
/// inputs (1 after a Linear; H·W after a Conv2d and a flatten).   [.., keep.size()·group] -> [.., out]
inline std::shared_ptr<nn::Linear> keep_inputs(const nn::Linear& layer, const std::vector<int64_t>& keep,
                                               int64_t group = 1) {
    if (group <= 0 || layer.in_features() % group != 0)
        throw ValueError(fmt("keep_inputs: group ", group, " does not divide in_features ", layer.in_features(),
                             "; hint: after Conv2d + Flatten a channel is H·W consecutive inputs"));
    detail::check_keep(keep, layer.in_features() / group, "keep_inputs");
    auto out = std::make_shared<nn::Linear>(static_cast<int64_t>(keep.size()) * group, layer.out_features(),
                                            layer.has_bias());
    NoGradGuard no_grad;
    detail::copy_slices(layer.weight, out->weight, keep, true, group);
    if (layer.has_bias()) out->bias.copy_(layer.bias);
    return out;
}

/// A Conv2d with only the output channels `keep` (filters and bias entries).
inline std::shared_ptr<nn::Conv2d> keep_out_channels(const nn::Conv2d& layer, const std::vector<int64_t>& keep) {
    const nn::Conv2dOptions& o = layer.options();
    if (o.groups() != 1)
        throw ValueError(fmt("keep_out_channels: groups=", o.groups(), " is not supported; hint: structured pruning ",
                             "here removes channels of ordinary (groups=1) convolutions"));
    detail::check_keep(keep, o.out_channels(), "keep_out_channels");
    const nn::Conv2dOptions smaller = nn::Conv2dOptions(o.in_channels(), static_cast<int64_t>(keep.size()), o.kernel_size())
                  .stride(o.stride()).padding(o.padding()).dilation(o.dilation()).bias(o.bias());
    auto out = std::make_shared<nn::Conv2d>(smaller);
    NoGradGuard no_grad;
    detail::copy_slices(layer.weight, out->weight, keep, false, 1);
    if (o.bias()) detail::copy_slices(layer.bias, out->bias, keep, false, 1);
    return out;
}

/// A Conv2d reading only the input channels `keep`.
inline std::shared_ptr<nn::Conv2d> keep_in_channels(const nn::Conv2d& layer, const std::vector<int64_t>& keep) {
    const nn::Conv2dOptions& o = layer.options();
    if (o.groups() != 1)
        throw ValueError(fmt("keep_in_channels: groups=", o.groups(), " is not supported; hint: structured pruning ",
                             "here removes channels of ordinary (groups=1) convolutions"));
    detail::check_keep(keep, o.in_channels(), "keep_in_channels");
    auto out = std::make_shared<nn::Conv2d>(nn::Conv2dOptions(static_cast<int64_t>(keep.size()), o.out_channels(),
                                                              o.kernel_size())
                                                .stride(o.stride()).padding(o.padding()).dilation(o.dilation())
                                                .bias(o.bias()));
    const int64_t kernel = o.kernel_size().h * o.kernel_size().w;
    NoGradGuard no_grad;
    detail::copy_slices(layer.weight, out->weight, keep, true, kernel);
    if (o.bias()) out->bias.copy_(layer.bias);
    return out;
}

/// Remove `amount` (a fraction in [0, 1)) of the units of net[index] — a Linear's output neurons
/// or a Conv2d's output channels, those of smallest L2 norm — and the matching inputs of the next
/// layer with parameters (a Linear or Conv2d; after a Conv2d, a Linear reads each channel as
/// in_features / channels consecutive inputs, i.e. behind a Flatten). Only modules without
/// parameters (activations, pooling, dropout, flatten) may sit between the two. Both layers are
/// replaced in `net`. Returns the kept unit indices.
inline std::vector<int64_t> prune_structured(nn::Sequential& net, int64_t index, double amount) {
    detail::check_amount(amount, "prune_structured");
    const int64_t n = static_cast<int64_t>(net.size());
    if (index < 0 || index >= n)
        throw IndexError(fmt("prune_structured: index ", index, " is out of range for a Sequential of ", n,
                             " modules; hint: print the Sequential to see its modules"));
    auto* linear = dynamic_cast<nn::Linear*>(net[index].get());
    auto* conv = dynamic_cast<nn::Conv2d*>(net[index].get());
    if (!linear && !conv)
        throw ValueError(fmt("prune_structured: module ", index, " is a ", net[index]->name(), ", not a Linear or ",
                             "Conv2d; hint: structured pruning removes a Linear's neurons or a Conv2d's channels ",
                             "(call remove_pruning first if the layer was magnitude-pruned)"));
    int64_t next = index + 1;
    while (next < n && net[next]->parameters().empty()) ++next;
    if (next >= n)
        throw ValueError(fmt("prune_structured: no layer after module ", index, " reads its outputs; hint: pruning ",
                             "the last layer would remove outputs of the network (classes), which is not compression"));
    auto* next_linear = dynamic_cast<nn::Linear*>(net[next].get());
    auto* next_conv = dynamic_cast<nn::Conv2d*>(net[next].get());
    const int64_t units = linear ? linear->out_features() : conv->options().out_channels();
    if (!(next_linear || (conv && next_conv)) || (next_conv && next_conv->options().groups() != 1) ||
        (conv && next_linear && next_linear->in_features() % units != 0))
        throw ValueError(fmt("prune_structured: module ", next, " (", net[next]->name(), ") reads the outputs of module ",
                             index, " but cannot be shrunk to match; hint: supported are Linear -> Linear, Conv2d -> ",
                             "Conv2d and Conv2d -> (Flatten) -> Linear, with only parameter-free modules between ",
                             "(a BatchNorm2d in between would need its channels removed too)"));
    const Tensor weight = linear ? linear->weight : conv->weight;
    const std::vector<int64_t> keep = units_to_keep(weight, amount);
    std::shared_ptr<nn::Module> first, second;
    if (linear) first = keep_outputs(*linear, keep);
    else first = keep_out_channels(*conv, keep);
    if (next_conv) second = keep_in_channels(*next_conv, keep);
    else second = keep_inputs(*next_linear, keep, linear ? 1 : next_linear->in_features() / units);
    net.replace_module(std::to_string(index), first);
    net.replace_module(std::to_string(next), second);
    return keep;
}

}  // namespace tinytorch::compression
