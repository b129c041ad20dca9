// include/tinytorch/dataloader/data_dir.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §7 (where the data lives)
//
// One rule for where datasets are read from (datasets/README.md):
//   1. $TINYTORCH_DATA_DIR, when set and not empty;
//   2. else the compiled-in default: the macro TINYTORCH_DEFAULT_DATA_DIR if defined, else
//      TINYTORCH_SOURCE_DIR "/datasets" (tests and programs of this repository define
//      TINYTORCH_SOURCE_DIR), else the datasets/ folder of the checkout this header sits in.
// find_dataset(name) also looks in the default folder (where the embedded digits8x8 live) and
// in ../shared/datasets beside the checkout (the course's local copy of MNIST and CIFAR-10).
#pragma once
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::data {

/// The compiled-in data directory (rule 2 above).
inline std::string default_data_dir() {
#if defined(TINYTORCH_DEFAULT_DATA_DIR)
    return TINYTORCH_DEFAULT_DATA_DIR;
#elif defined(TINYTORCH_SOURCE_DIR)
    return std::string(TINYTORCH_SOURCE_DIR) + "/datasets";
#else
    // include/tinytorch/dataloader/data_dir.hpp -> <checkout>/datasets
    namespace fs = std::filesystem;
    return (fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "datasets").string();
#endif
}

/// $TINYTORCH_DATA_DIR if set and not empty, else default_data_dir().
inline std::string data_dir() {
    const char* env = std::getenv("TINYTORCH_DATA_DIR");
    return env && *env ? std::string(env) : default_data_dir();
}

/// The folders find_dataset(name) tries, in order.
inline std::vector<std::string> dataset_search_path(const std::string& name) {
    namespace fs = std::filesystem;
    std::vector<std::string> dirs{(fs::path(data_dir()) / name).string()};
    fs::path def = fs::path(default_data_dir()).lexically_normal();
    if (!def.has_filename()) def = def.parent_path();  // "datasets/" -> "datasets"
    if (data_dir() != def.string()) dirs.push_back((def / name).string());
    dirs.push_back((def.parent_path().parent_path() / "shared" / "datasets" / name).lexically_normal().string());
    return dirs;
}

/// The first folder of dataset_search_path(name) that exists, e.g. find_dataset("mnist").
inline std::optional<std::string> find_dataset(const std::string& name) {
    std::error_code ec;
    for (const std::string& dir : dataset_search_path(name))
        if (std::filesystem::is_directory(dir, ec)) return dir;
    return std::nullopt;
}

/// find_dataset(name), or a DataError that lists every folder it tried.
inline std::string dataset_dir(const std::string& name) {
    if (auto dir = find_dataset(name)) return *dir;
    std::string tried;
    for (const std::string& dir : dataset_search_path(name)) tried += (tried.empty() ? "" : ", ") + dir;
    throw DataError(fmt("dataset '", name, "' not found; looked in: ", tried,
                        "; hint: set TINYTORCH_DATA_DIR to the folder that holds ", name,
                        "/ (see datasets/README.md)"));
}

}  // namespace tinytorch::data
