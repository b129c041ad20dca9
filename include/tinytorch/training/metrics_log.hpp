// include/tinytorch/training/metrics_log.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §5 (watching training)
//
// One JSON object per line ("JSON Lines"): easy to append during training, to read back
// with any tool, and to plot.   {"epoch": 1, "train_loss": 0.41, "val_acc": 0.93, "lr": 0.01}
#pragma once
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tinytorch/tensor/errors.hpp"

namespace tinytorch::train {

/// One row of metrics: name -> value, printed in name order.
using Metrics = std::map<std::string, double>;

inline std::string metrics_to_json(const Metrics& m) {
    std::string out = "{";
    for (auto it = m.begin(); it != m.end(); ++it) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.8g", it->second);
        if (it != m.begin()) out += ", ";
        out += "\"" + it->first + "\": " + (std::isfinite(it->second) ? buf : "null");
    }
    return out + "}";
}

class MetricsLog {
public:
    MetricsLog() = default;  ///< in memory only
    /// Also append every row to `path` (created or truncated).
    explicit MetricsLog(const std::string& path) : path_(path) {
        std::ofstream out(path, std::ios::trunc);
        if (!out) throw DataError(fmt("MetricsLog: cannot write '", path, "'; hint: does the directory exist?"));
    }
    void log(const Metrics& row) {
        rows_.push_back(row);
        if (!path_.empty()) {
            std::ofstream out(path_, std::ios::app);
            out << metrics_to_json(row) << "\n";
        }
    }
    const std::vector<Metrics>& rows() const { return rows_; }
    /// The column `name` over all rows (NaN where a row lacks it).
    std::vector<double> column(const std::string& name) const {
        std::vector<double> out;
        for (const Metrics& r : rows_) {
            auto it = r.find(name);
            out.push_back(it == r.end() ? std::nan("") : it->second);
        }
        return out;
    }

private:
    std::string path_;
    std::vector<Metrics> rows_;
};

}  // namespace tinytorch::train
