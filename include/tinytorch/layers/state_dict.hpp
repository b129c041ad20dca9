// include/tinytorch/layers/state_dict.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §7
//
// StateDict: name -> Tensor in insertion order, with lookup by name. It is what
// Module::state_dict() and Optimizer::state_dict() return and what their
// load_state_dict() take; module 08 writes it to a safetensors file and reads it back.
#pragma once
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// An ordered dictionary of named tensors ("fc1.weight" -> Tensor). Iterates in insertion order.
class StateDict {
public:
    using Item = std::pair<std::string, Tensor>;

    StateDict() = default;
    StateDict(std::initializer_list<Item> items) {
        for (const Item& item : items) insert(item.first, item.second);
    }

    /// Add a new entry; a key that is already present is a ValueError.
    void insert(const std::string& key, const Tensor& value) {
        if (contains(key))
            throw ValueError(fmt("StateDict::insert: the key '", key, "' is already present; hint: keys are unique, ",
                                 "use insert_or_assign to replace an entry"));
        index_.emplace(key, items_.size());
        items_.emplace_back(key, value);
    }
    /// Add an entry or replace the tensor of an existing one (keeping its position).
    void insert_or_assign(const std::string& key, const Tensor& value) {
        auto it = index_.find(key);
        if (it == index_.end()) insert(key, value);
        else items_[it->second].second = value;
    }
    /// Remove an entry if present; returns whether it was.
    bool erase(const std::string& key) {
        auto it = index_.find(key);
        if (it == index_.end()) return false;
        items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(it->second));
        index_.clear();
        for (size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].first, i);
        return true;
    }

    bool contains(const std::string& key) const { return index_.count(key) != 0; }
    /// The tensor stored under `key`, or IndexError listing a few of the keys that exist.
    const Tensor& at(const std::string& key) const {
        auto it = index_.find(key);
        if (it == index_.end()) {
            std::string known;
            for (size_t i = 0; i < items_.size() && i < 8; ++i) known += (i ? ", " : "") + items_[i].first;
            if (items_.size() > 8) known += ", ...";
            throw IndexError(fmt("StateDict::at: no entry named '", key, "' among ", items_.size(),
                                 " keys [", known, "]; hint: print keys() to see what the dictionary holds"));
        }
        return items_[it->second].second;
    }
    /// nullptr when absent.
    const Tensor* find(const std::string& key) const {
        auto it = index_.find(key);
        return it == index_.end() ? nullptr : &items_[it->second].second;
    }

    size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        out.reserve(items_.size());
        for (const Item& item : items_) out.push_back(item.first);
        return out;
    }
    const std::vector<Item>& items() const { return items_; }
    std::vector<Item>::const_iterator begin() const { return items_.begin(); }
    std::vector<Item>::const_iterator end() const { return items_.end(); }

private:
    std::vector<Item> items_;
    std::unordered_map<std::string, size_t> index_;
};

}  // namespace tinytorch
