// include/tinytorch/quantization/quantized_checkpoint.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §9
//
// A quantized model on disk, in safetensors (module 08's format), with the int8 bytes as they are:
//   <layer>.weight              I8   [out, in] / [out, in/groups, kh, kw]   1 byte per value
//   <layer>.weight_scale        F32  [out] (per channel) or [1]
//   <layer>.weight_zero_point   I8   same shape as the scales (0: symmetric)
//   <layer>.input_scale         F32  [1]     static layers only: the calibrated input pair
//   <layer>.input_zero_point    U8   [1]
//   <layer>.bias and every float parameter / buffer of the rest of the model: F32 (as save_weights)
//   __metadata__: "format": "tinytorch-quantized", and per quantized layer "<layer>.quantized"
//                 (QuantizedLinear / QuantizedConv2d) and "<layer>.input" (how its input is quantized)
// So the file of a quantized MLP is ~1/4 of the float one — measured on the written bytes.
//
//   quantization::save(model, "mlp-int8.safetensors");
//   nn::Sequential fresh = make_float_mlp();                 // the float architecture
//   quantization::load(fresh, "mlp-int8.safetensors");      // its Linear layers become QuantizedLinear
// load() swaps each layer the file holds quantized (as the flows of quantize.hpp do: inside
// nn::Sequential containers) and loads every float tensor with load_state_dict(strict); if anything
// does not fit, the model is left as it was.
#pragma once
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/quantization/quantize.hpp"
#include "tinytorch/training/atomic_file.hpp"
#include "tinytorch/training/safetensors.hpp"

namespace tinytorch::quantization {

inline constexpr const char* kCheckpointFormat = "tinytorch-quantized";

namespace detail {

inline train::RawTensor raw_f32(const std::vector<float>& values, Shape shape) {
    train::RawTensor r{"F32", std::move(shape), std::vector<uint8_t>(values.size() * 4)};
    if (!values.empty()) std::memcpy(r.bytes.data(), values.data(), r.bytes.size());
    return r;
}
inline train::RawTensor raw_bytes(const char* dtype, std::vector<uint8_t> bytes, Shape shape) {
    return train::RawTensor{dtype, std::move(shape), std::move(bytes)};
}

/// The entries of one quantized layer at `path` (see the table above).
inline void quantized_entries(const std::string& path, const nn::QuantizedModule& q, train::RawTensors& out,
                              train::Metadata& meta) {
    [[maybe_unused]] const QuantizedTensor& w = q.qweight();
    [[maybe_unused]] const int64_t channels = static_cast<int64_t>(w.scales().size());
    // BEGIN SOLUTION: quantization::save entries (§9)
    out.emplace_back(path + ".weight", raw_bytes("I8", std::vector<uint8_t>(w.bytes(), w.bytes() + w.nbytes()), w.shape()));
    out.emplace_back(path + ".weight_scale", raw_f32(w.scales(), {channels}));
    std::vector<uint8_t> zps;
    for (int32_t z : w.zero_points()) zps.push_back(static_cast<uint8_t>(static_cast<int8_t>(z)));
    out.emplace_back(path + ".weight_zero_point", raw_bytes("I8", std::move(zps), {channels}));
    if (q.qoptions().input() == InputQuantization::Static) {
        out.emplace_back(path + ".input_scale", raw_f32({q.qoptions().input_qparams().scale}, {1}));
        out.emplace_back(path + ".input_zero_point",
                         raw_bytes("U8", {static_cast<uint8_t>(q.qoptions().input_qparams().zero_point)}, {1}));
    }
    // END SOLUTION
    meta[path + ".quantized"] = dynamic_cast<const nn::QuantizedConv2d*>(&q) ? "QuantizedConv2d" : "QuantizedLinear";
    meta[path + ".input"] = input_quantization_name(q.qoptions().input());
}

inline InputQuantization parse_input_quantization(const std::string& text, const std::string& where) {
    for (InputQuantization m : {InputQuantization::DynamicPerTensor, InputQuantization::DynamicPerRow,
                                InputQuantization::Static})
        if (input_quantization_name(m) == text) return m;
    throw DataError(fmt("quantization::load: ", where, " has input quantization '", text,
                        "'; hint: expected dynamic_per_tensor, dynamic_per_row or static — the file is damaged"));
}

}  // namespace detail

/// Write `model` to a safetensors file: int8 weights of its quantized layers as I8, everything else
/// as save_weights would (F32; I64 for BatchNorm's counter). `metadata` is stored beside. Atomic: a
/// failure leaves any previous file at `path` untouched.
inline void save(const nn::Module& model, const std::string& path, const train::Metadata& metadata = {}) {
    train::RawTensors entries;
    train::Metadata meta = metadata;
    meta["format"] = kCheckpointFormat;
    const StateDict state = model.state_dict();
    const train::DtypeMap dtypes = train::pytorch_dtypes(state);
    for (const auto& [name, t] : state) {
        const std::string dtype = train::detail::dtype_to_write(name, t, dtypes);
        entries.emplace_back(name, train::RawTensor{dtype, t.shape(), train::detail::float_to_raw(name, t, dtype)});
    }
    for (const auto& [path_in_model, m] : const_cast<nn::Module&>(model).named_modules())
        if (const auto* q = dynamic_cast<const nn::QuantizedModule*>(m)) {
            if (path_in_model.empty())
                throw ValueError("quantization::save: the model itself is a quantized layer; hint: put it in an "
                                 "nn::Sequential so that its entries get a name");
            detail::quantized_entries(path_in_model, *q, entries, meta);
        }
    train::detail::AtomicFileWriter file(path);
    train::save_safetensors_raw(file.temp_path(), entries, meta);
    file.commit();
}

/// Read a file written by save() into `model` — the float architecture it was quantized from, or a
/// model already quantized the same way: each layer the file holds quantized becomes (again) a
/// QuantizedLinear / QuantizedConv2d built from the stored int8 bytes and scales, and every float
/// tensor is loaded by load_state_dict (strict). DataError for a file that is not such a checkpoint
/// or does not fit the model; nothing changes then. Returns the file's metadata.
inline train::Metadata load(nn::Module& model, const std::string& path) {
    train::Metadata meta;
    const train::RawTensors raw = train::load_safetensors_raw(path, &meta);
    if (meta.count("format") == 0 || meta.at("format") != kCheckpointFormat)
        throw DataError(fmt("quantization::load: '", path, "' is not a quantized checkpoint (no \"format\": \"",
                            kCheckpointFormat, "\" in its metadata); hint: float weights load with train::load_weights"));
    std::map<std::string, const train::RawTensor*> by_name;
    for (const auto& [name, r] : raw) by_name[name] = &r;
    auto find = [&](const std::string& name, const char* dtype) -> const train::RawTensor& {
        auto it = by_name.find(name);
        if (it == by_name.end())
            throw DataError(fmt("quantization::load: '", path, "' lacks '", name, "'; hint: the file is damaged or was "
                                "not written by quantization::save"));
        if (it->second->dtype != dtype)
            throw DataError(fmt("quantization::load: '", name, "' in '", path, "' is ", it->second->dtype, ", expected ",
                                dtype, "; hint: the file is damaged or was not written by quantization::save"));
        return *it->second;
    };

    // 1. every quantized layer the file names, built from its entries (nothing in the model changes yet)
    std::map<std::string, std::shared_ptr<nn::Module>> built;
    std::map<std::string, bool> consumed;
    const std::string suffix = ".quantized";
    for (const auto& [key, kind] : meta) {
        if (key.size() <= suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        const std::string layer = key.substr(0, key.size() - suffix.size());
        const auto input_it = meta.find(layer + ".input");
        const InputQuantization input = detail::parse_input_quantization(
            input_it == meta.end() ? std::string("(missing)") : input_it->second, "layer '" + layer + "'");
        const train::RawTensor& w = find(layer + ".weight", "I8");
        const train::RawTensor& ws = find(layer + ".weight_scale", "F32");
        const train::RawTensor& wz = find(layer + ".weight_zero_point", "I8");
        consumed[layer + ".weight"] = consumed[layer + ".weight_scale"] = consumed[layer + ".weight_zero_point"] = true;
        std::vector<float> scales(ws.bytes.size() / 4);
        if (!scales.empty()) std::memcpy(scales.data(), ws.bytes.data(), ws.bytes.size());
        std::vector<int32_t> zps;
        for (uint8_t b : wz.bytes) zps.push_back(static_cast<int8_t>(b));
        nn::QuantizedOptions options = nn::QuantizedOptions().input(input).per_channel(scales.size() != 1);
        if (input == InputQuantization::Static) {
            const train::RawTensor& is = find(layer + ".input_scale", "F32");
            const train::RawTensor& iz = find(layer + ".input_zero_point", "U8");
            consumed[layer + ".input_scale"] = consumed[layer + ".input_zero_point"] = true;
            if (is.bytes.size() != 4 || iz.bytes.size() != 1)
                throw DataError(fmt("quantization::load: the input pair of '", layer, "' in '", path,
                                    "' is not one scale and one zero-point; hint: the file is damaged"));
            float scale;
            std::memcpy(&scale, is.bytes.data(), 4);
            options.input_qparams({scale, static_cast<int32_t>(iz.bytes[0])});
        }
        Tensor bias;
        if (auto it = by_name.find(layer + ".bias"); it != by_name.end()) {
            bias = train::detail::raw_to_float(layer + ".bias", *it->second, path);
            consumed[layer + ".bias"] = true;
        }
        nn::Module* target = nullptr;
        for (const auto& [name, m] : model.named_modules())
            if (name == layer) target = m;
        if (!target)
            throw DataError(fmt("quantization::load: '", path, "' holds a quantized layer '", layer,
                                "' that the model does not have; hint: load into the architecture the file was saved from"));
        try {
            const bool per_channel = scales.size() != 1;
            QuantizedTensor qw(w.bytes, w.shape, kQInt8, per_channel ? kPerChannelSymmetric : kPerTensorSymmetric,
                               scales, zps, 0);
            // BEGIN SOLUTION: quantization::load layers (§9)
            if (kind == "QuantizedLinear") {
                if (!dynamic_cast<nn::Linear*>(target) && !dynamic_cast<nn::QuantizedLinear*>(target) &&
                    !dynamic_cast<nn::QATLinear*>(target))
                    throw DataError(fmt("'", layer, "' is a ", target->name(), " in the model, a Linear in the file"));
                built[layer] = std::make_shared<nn::QuantizedLinear>(std::move(qw), bias, options);
            } else if (kind == "QuantizedConv2d") {
                nn::Conv2dOptions conv(1, 1, 1);
                if (const auto* c = dynamic_cast<nn::Conv2d*>(target)) conv = c->options();
                else if (const auto* qc = dynamic_cast<nn::QuantizedConv2d*>(target)) conv = qc->conv_options();
                else if (const auto* pc = dynamic_cast<nn::QATConv2d*>(target)) conv = pc->options();
                else throw DataError(fmt("'", layer, "' is a ", target->name(), " in the model, a Conv2d in the file"));
                built[layer] = std::make_shared<nn::QuantizedConv2d>(std::move(qw), bias, conv, options);
            } else {
                throw DataError(fmt("'", layer, "' has the unknown kind '", kind, "'"));
            }
            // END SOLUTION
            Shape model_shape;  // the weight shape the model expects there
            if (const auto* l = dynamic_cast<nn::Linear*>(target)) model_shape = l->weight.shape();
            else if (const auto* c = dynamic_cast<nn::Conv2d*>(target)) model_shape = c->weight.shape();
            else if (const auto* pl = dynamic_cast<nn::QATLinear*>(target)) model_shape = pl->weight.shape();
            else if (const auto* pc = dynamic_cast<nn::QATConv2d*>(target)) model_shape = pc->weight.shape();
            else if (const auto* q = dynamic_cast<nn::QuantizedModule*>(target)) model_shape = q->qweight().shape();
            if (model_shape != w.shape)
                throw DataError(fmt("the weight is ", shape_str(w.shape), " in the file, ", shape_str(model_shape),
                                    " in the model"));
        } catch (const Error& e) {
            throw DataError(fmt("quantization::load: cannot rebuild '", layer, "' from '", path, "': ", e.what(),
                                "; hint: load into the architecture the file was saved from"));
        }
    }

    // 2. swap them in (only where a parent follows replacements), remembering the originals
    auto is_built = [&](const nn::Module& m) {
        for (const auto& [name, mod] : model.named_modules())
            if (mod == &m) return built.count(name) != 0;
        return false;
    };
    const std::vector<detail::Swap> swaps = detail::find_swaps(model, "quantization::load", is_built, detail::parent_follows);
    for (const detail::Swap& s : swaps) s.parent->replace_module(s.name, built.at(s.path));

    // 3. every other tensor of the file is a float tensor of the model: strict load_state_dict
    StateDict floats;
    for (const auto& [name, r] : raw)
        if (!consumed.count(name)) floats.insert(name, train::detail::raw_to_float(name, r, path));
    try {
        for (const auto& [name, layer] : built)  // quantized layers keep their bias as a buffer: already set
            if (auto* q = dynamic_cast<nn::QuantizedModule*>(layer.get()); q && q->qbias().defined())
                floats.insert_or_assign(name + ".bias", q->qbias());
        model.load_state_dict(floats, true);
    } catch (const Error& e) {
        for (const detail::Swap& s : swaps) s.parent->replace_module(s.name, s.child);  // put the originals back
        throw DataError(fmt("quantization::load: the float tensors of '", path, "' do not fit the model: ", e.what()));
    }
    return meta;
}

}  // namespace tinytorch::quantization
