// include/tinytorch/dataloader/cifar10.hpp
// Module 05 · DataLoader — lesson: modules/05_dataloader/README.md §7 (CIFAR-10 binary batches)
//
// CIFAR-10 binary version (cifar-10-batches-bin/): data_batch_1..5.bin (train) and
// test_batch.bin, each 10000 records of 3073 bytes, no header:
//   uint8 label (0..9) | 1024 R | 1024 G | 1024 B   (each plane 32x32, row-major)
// The planes are already channels-first, so a record is copied straight into [3, 32, 32].
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/dataloader/data_dir.hpp"
#include "tinytorch/dataloader/example.hpp"
#include "tinytorch/dataloader/file_io.hpp"
#include "tinytorch/dataloader/tensor_dataset.hpp"

namespace tinytorch::data {

inline constexpr size_t kCifarImageBytes = 3 * 32 * 32;            ///< 3072
inline constexpr size_t kCifarRecordBytes = 1 + kCifarImageBytes;  ///< 3073
inline constexpr size_t kCifarRecordsPerFile = 10000;

namespace detail {
/// Decode `n` records into images (n * 3072 floats, /255) and labels (n floats).
inline void decode_cifar_records(const std::vector<uint8_t>& bytes, size_t n, float* images, float* labels,
                                 const std::string& path) {
    // BEGIN SOLUTION: detail::decode_cifar_records (§7)
    for (size_t r = 0; r < n; ++r) {
        const uint8_t* rec = bytes.data() + r * kCifarRecordBytes;
        if (rec[0] > 9)
            throw DataError(fmt(path, ": record ", r, " has label ", int(rec[0]), ", expected 0..9; hint: CIFAR-100 "
                                "files have two label bytes per record (3074), this reader expects CIFAR-10"));
        labels[r] = static_cast<float>(rec[0]);
        float* img = images + r * kCifarImageBytes;
        for (size_t k = 0; k < kCifarImageBytes; ++k) img[k] = static_cast<float>(rec[1 + k]) / 255.0f;
    }
    // END SOLUTION
}
/// The file's bytes after checking they hold whole records (and exactly `records` when given).
inline std::vector<uint8_t> read_cifar_bytes(const std::string& path, std::optional<size_t> records) {
    // A .gz is measured first (at most one byte more than the records need, enough to tell "too
    // big") and unpacked into memory only when its size is right.
    std::vector<uint8_t> bytes = read_raw_file(path);
    const bool gz = is_gzip(bytes);
    const size_t size =
        gz ? gunzipped_size(bytes, path, records ? *records * kCifarRecordBytes + 1 : kMaxUnpackedBytes) : bytes.size();
    const bool whole = size % kCifarRecordBytes == 0 && size > 0;
    if (records ? size != *records * kCifarRecordBytes : !whole)
        throw DataError(fmt(path, ": ", size, " bytes, expected ",
                            records ? fmt(*records * kCifarRecordBytes, " (", *records, " records of ",
                                          kCifarRecordBytes, " bytes)")
                                    : fmt("a positive multiple of ", kCifarRecordBytes, " (records of 1 label + 3072 "
                                          "pixel bytes)"),
                            "; hint: ", size % kCifarRecordBytes == 0 ? "the record count is wrong"
                                                                      : "the file is truncated or not a "
                                                                        "CIFAR-10 binary batch",
                            " — use the binary version (cifar-10-binary.tar.gz), not the python pickles, and "
                            "compare checksums (datasets/README.md)"));
    return gz ? gunzip_sized(bytes, path, size) : bytes;
}
}  // namespace detail

/// One CIFAR-10 binary batch file -> {data [n, 3, 32, 32] in [0, 1], target [n] labels 0..9}.
/// `records`: how many records the file must hold (10000 in the official files; nullopt = any).
inline Example read_cifar10_batch(const std::string& path, std::optional<size_t> records = kCifarRecordsPerFile) {
    std::vector<uint8_t> bytes = detail::read_cifar_bytes(path, records);
    const size_t n = bytes.size() / kCifarRecordBytes;
    Example e{empty({static_cast<int64_t>(n), 3, 32, 32}), empty({static_cast<int64_t>(n)})};
    detail::decode_cifar_records(bytes, n, e.data.data_ptr(), e.target.data_ptr(), path);
    return e;
}

/// CIFAR-10 from `dir` (a cifar-10-batches-bin folder): train = data_batch_1..5.bin (50000),
/// test = test_batch.bin (10000).   -> images [N, 3, 32, 32] in [0, 1], labels [N]
inline TensorDataset cifar10(const std::string& dir, bool train = true) {
    std::vector<std::string> names;
    if (train)
        for (int k = 1; k <= 5; ++k) names.push_back("data_batch_" + std::to_string(k) + ".bin");
    else
        names.push_back("test_batch.bin");
    std::vector<std::string> paths;
    for (const std::string& name : names) paths.push_back(find_data_file(dir, name, "cifar10"));
    const int64_t n = static_cast<int64_t>(paths.size() * kCifarRecordsPerFile);
    Tensor images, labels;
    for (size_t f = 0; f < paths.size(); ++f) {
        std::vector<uint8_t> bytes = detail::read_cifar_bytes(paths[f], kCifarRecordsPerFile);
        if (f == 0) {  // allocate once the first file proved valid (the train set is 614 MB of floats)
            images = empty({n, 3, 32, 32});
            labels = empty({n});
        }
        detail::decode_cifar_records(bytes, kCifarRecordsPerFile,
                                     images.data_ptr() + f * kCifarRecordsPerFile * kCifarImageBytes,
                                     labels.data_ptr() + f * kCifarRecordsPerFile, paths[f]);
    }
    return TensorDataset(images, labels);
}

/// The class names: one per line of dir/batches.meta.txt when that file exists, else the
/// official ten (airplane, automobile, ..., truck).
inline std::vector<std::string> cifar10_classes(const std::string& dir = "") {
    std::vector<std::string> names;
    if (!dir.empty()) {
        std::ifstream in(std::filesystem::path(dir) / "batches.meta.txt");
        for (std::string line; std::getline(in, line);) {
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (!line.empty()) names.push_back(line);
        }
    }
    if (names.empty())
        names = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    else if (names.size() != 10)
        throw DataError(fmt(dir, "/batches.meta.txt: ", names.size(), " class names, expected 10; hint: one name "
                            "per line, line i naming label i"));
    return names;
}

}  // namespace tinytorch::data
