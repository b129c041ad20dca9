// include/tinytorch/quantization/quantize.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §8
//
// Whole-model quantization, with PyTorch's names:
//   dynamic    quantize_dynamic(model)          every Linear -> QuantizedLinear (input range per call)
//   static     prepare(model)                   every Linear / Conv2d -> QATLinear / QATConv2d, observers on
//              calibrate(model, batches)        run representative data through it (no gradients)
//              convert(model)                   -> QuantizedLinear / QuantizedConv2d with the calibrated input pair
//   QAT        prepare_qat(model)               the same layers with fake quantization on; fine-tune; convert(model)
// Each replaces modules *in place* inside `model` (PyTorch's inplace=True; C++ modules cannot be
// copied) and returns the dotted names of the layers it replaced.
//
// A layer can only be swapped where its parent runs it through the registration: an
// nn::Sequential, at any depth (also inside custom modules). A layer held directly by a custom
// module (whose forward calls its own `fc1->forward`) cannot be redirected from outside: the flow
// stops with a ValueError before changing anything, naming the layer — replace it yourself with
// replace_module and assign your member, or hold it in an nn::Sequential.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/layers/sequential.hpp"
#include "tinytorch/quantization/qat_modules.hpp"
#include "tinytorch/quantization/quantized_conv2d.hpp"
#include "tinytorch/quantization/quantized_linear.hpp"

namespace tinytorch::quantization {

namespace detail {

/// One child to replace: its parent, its name there, its dotted path, the child itself.
struct Swap {
    nn::Module* parent;
    std::string name, path;
    std::shared_ptr<nn::Module> child;
};

/// Every child for which `wanted(child)` holds, anywhere under `model` (not descending into the
/// children it selects). Checks first that each can be swapped: the root itself cannot, and each
/// parent must follow replacements (`follows`) — else a ValueError naming the layers, with nothing
/// changed.
inline std::vector<Swap> find_swaps(nn::Module& model, const char* flow,
                                    const std::function<bool(const nn::Module&)>& wanted,
                                    const std::function<bool(const nn::Module&)>& follows) {
    if (wanted(model))
        throw ValueError(fmt(flow, ": the model itself is a ", model.name(), ", which cannot replace itself; hint: put ",
                             "it in a container: nn::Sequential seq(std::move(layer)) or std::make_shared<...>"));
    std::vector<Swap> out;
    std::vector<std::string> stuck;
    std::function<void(nn::Module&, const std::string&)> walk = [&](nn::Module& parent, const std::string& prefix) {
        for (const auto& [name, child] : parent.named_children()) {
            const std::string path = prefix.empty() ? name : prefix + "." + name;
            if (wanted(*child)) {
                if (follows(parent)) out.push_back({&parent, name, path, child});
                else stuck.push_back(fmt(path, " (", child->name(), " in ", parent.name(), ")"));
            } else {
                walk(*child, path);
            }
        }
    };
    walk(model, "");
    if (!stuck.empty()) {
        std::string list;
        for (const std::string& s : stuck) list += (list.empty() ? "" : ", ") + s;
        throw ValueError(fmt(flow, ": cannot replace ", list, ": the parent's forward() calls its own pointer to the ",
                             "layer, which a generic function cannot redirect; hint: hold such layers in an ",
                             "nn::Sequential, or swap them yourself: parent.replace_module(name, quantized) and ",
                             "assign your member"));
    }
    return out;
}

/// Whether `parent`'s forward() runs a replaced child: nn::Sequential does (it updates its list in
/// on_module_replaced); a custom class calls its own pointer, which nothing outside can redirect.
inline bool parent_follows(const nn::Module& parent) { return dynamic_cast<const nn::Sequential*>(&parent) != nullptr; }

}  // namespace detail

/// Replace every nn::Linear under `model` with an nn::QuantizedLinear (int8 weights per output
/// channel, input quantized per call as `options` says). Returns the replaced layers' names.
inline std::vector<std::string> quantize_dynamic(nn::Module& model, nn::QuantizedOptions options = {}) {
    if (options.input() == InputQuantization::Static)
        throw ValueError("quantize_dynamic: static input quantization needs calibration; hint: use prepare, "
                         "calibrate and convert for static quantization");
    auto is_linear = [](const nn::Module& m) { return dynamic_cast<const nn::Linear*>(&m) != nullptr; };
    std::vector<detail::Swap> swaps = detail::find_swaps(model, "quantize_dynamic", is_linear, detail::parent_follows);
    std::vector<std::string> names;
    // BEGIN SOLUTION: quantize_dynamic (§8)
    for (const detail::Swap& s : swaps) {
        const auto& linear = static_cast<const nn::Linear&>(*s.child);
        s.parent->replace_module(s.name, std::make_shared<nn::QuantizedLinear>(linear, options));
        names.push_back(s.path);
    }
    // END SOLUTION
    return names;
}

namespace detail {
inline std::vector<std::string> prepare_impl(nn::Module& model, const QConfig& qconfig, bool qat, const char* flow) {
    auto is_float_layer = [](const nn::Module& m) {
        return dynamic_cast<const nn::Linear*>(&m) != nullptr || dynamic_cast<const nn::Conv2d*>(&m) != nullptr;
    };
    std::vector<Swap> swaps = find_swaps(model, flow, is_float_layer, parent_follows);
    std::vector<std::string> names;
    for (const Swap& s : swaps) {
        std::shared_ptr<nn::Module> prepared;
        if (const auto* linear = dynamic_cast<const nn::Linear*>(s.child.get())) {
            auto q = std::make_shared<nn::QATLinear>(*linear, qconfig);
            q->enable_fake_quant(qat);
            prepared = q;
        } else {
            auto q = std::make_shared<nn::QATConv2d>(static_cast<const nn::Conv2d&>(*s.child), qconfig);
            q->enable_fake_quant(qat);
            prepared = q;
        }
        prepared->train(s.child->is_training());
        s.parent->replace_module(s.name, prepared);
        names.push_back(s.path);
    }
    return names;
}
}  // namespace detail

/// Static quantization, step 1: every nn::Linear / nn::Conv2d becomes an nn::QATLinear /
/// nn::QATConv2d whose observers watch inputs and weights; fake quantization is off, so the
/// model's outputs do not change. Returns the prepared layers' names.
inline std::vector<std::string> prepare(nn::Module& model, const QConfig& qconfig = get_default_qconfig()) {
    return detail::prepare_impl(model, qconfig, false, "prepare");
}

/// Quantization-aware training: the same layers with fake quantization on — train as usual
/// (gradients pass by the straight-through estimator), then convert.
inline std::vector<std::string> prepare_qat(nn::Module& model, const QConfig& qconfig = get_default_qat_qconfig()) {
    return detail::prepare_impl(model, qconfig, true, "prepare_qat");
}

/// Static quantization, step 2: run `batches` through the prepared model in eval mode without
/// recording gradients, so its observers see representative inputs. The model's training mode is
/// restored afterwards. ValueError when the model has no prepared layer.
inline void calibrate(nn::Module& model, const std::vector<Tensor>& batches) {
    bool prepared = false;
    for (const auto& [name, m] : model.named_modules())
        prepared = prepared || dynamic_cast<nn::QATLinear*>(m) || dynamic_cast<nn::QATConv2d*>(m);
    if (!prepared)
        throw ValueError("calibrate: the model has no prepared layer (QATLinear / QATConv2d); hint: call "
                         "quantization::prepare(model) first");
    if (batches.empty())
        throw ValueError("calibrate: no calibration batches; hint: pass a few hundred representative inputs");
    const bool was_training = model.is_training();
    const bool grad_was_on = autograd::is_grad_enabled();
    model.eval();
    autograd::set_grad_enabled(false);
    try {
        // BEGIN SOLUTION: calibrate (§8)
        for (const Tensor& batch : batches) model.forward(batch);
        // END SOLUTION
    } catch (...) {
        autograd::set_grad_enabled(grad_was_on);
        model.train(was_training);
        throw;
    }
    autograd::set_grad_enabled(grad_was_on);
    model.train(was_training);
}

/// Static quantization, step 3 (also after QAT): every prepared layer becomes an
/// nn::QuantizedLinear / nn::QuantizedConv2d whose weight is quantized per output channel from its
/// current float values, and whose input pair is the one its input observer settled on.
/// Returns the converted layers' names. ValueError for a layer whose observer saw nothing.
inline std::vector<std::string> convert(nn::Module& model) {
    auto is_prepared = [](const nn::Module& m) {
        return dynamic_cast<const nn::QATLinear*>(&m) != nullptr || dynamic_cast<const nn::QATConv2d*>(&m) != nullptr;
    };
    std::vector<detail::Swap> swaps = detail::find_swaps(model, "convert", is_prepared, detail::parent_follows);
    for (const detail::Swap& s : swaps) {  // check every layer before changing any
        const nn::FakeQuantize& fq = dynamic_cast<const nn::QATLinear*>(s.child.get())
                                         ? *static_cast<const nn::QATLinear&>(*s.child).input_fake_quant
                                         : *static_cast<const nn::QATConv2d&>(*s.child).input_fake_quant;
        if (!fq.observer().has_observed())
            throw ValueError(fmt("convert: the input observer of '", s.path, "' has seen no data; hint: run ",
                                 "quantization::calibrate(model, batches) (or train, for QAT) before convert"));
    }
    std::vector<std::string> names;
    // BEGIN SOLUTION: convert (§8)
    for (const detail::Swap& s : swaps) {
        std::shared_ptr<nn::Module> quantized;
        if (const auto* q = dynamic_cast<const nn::QATLinear*>(s.child.get())) {
            const nn::QuantizedOptions options = nn::QuantizedOptions()
                                                     .input(InputQuantization::Static)
                                                     .input_qparams(q->input_fake_quant->calculate_qparams().at());
            quantized = std::make_shared<nn::QuantizedLinear>(nn::detail::quantize_weight(q->weight.detach(), true),
                                                              q->bias.defined() ? q->bias.detach().clone() : Tensor(),
                                                              options);
        } else {
            const auto& c = static_cast<const nn::QATConv2d&>(*s.child);
            const nn::QuantizedOptions options = nn::QuantizedOptions()
                                                     .input(InputQuantization::Static)
                                                     .input_qparams(c.input_fake_quant->calculate_qparams().at());
            quantized = std::make_shared<nn::QuantizedConv2d>(nn::detail::quantize_weight(c.weight.detach(), true),
                                                              c.bias.defined() ? c.bias.detach().clone() : Tensor(),
                                                              c.options(), options);
        }
        quantized->train(s.child->is_training());
        s.parent->replace_module(s.name, quantized);
        names.push_back(s.path);
    }
    // END SOLUTION
    return names;
}

/// Bytes a model keeps for inference, counted from what it holds: 4 per float32 parameter and
/// buffer, and for each quantized layer its nbytes() (1 per int8 weight value + scales + float
/// bias + the packed GEMM operand). Not the 4-bytes-per-parameter guess of the original.
inline size_t model_nbytes(nn::Module& model) {
    size_t bytes = 0;
    for (const Tensor& p : model.parameters()) bytes += p.nbytes();
    for (const auto& [name, m] : model.named_modules()) {
        if (const auto* q = dynamic_cast<const nn::QuantizedModule*>(m)) {
            bytes += q->nbytes();
            continue;
        }
        for (const auto& [bname, b] : m->named_buffers(false)) bytes += b.nbytes();
    }
    return bytes;
}

}  // namespace tinytorch::quantization
