// include/tinytorch/tokenization/text_file.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md (reading a corpus)
//
// A whole text file as a string of bytes (no newline conversion), e.g. Tiny Shakespeare's input.txt.
#pragma once
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::text {

namespace detail {
/// `path` opened for reading bytes; DataError starting with `who` when it is missing, not a
/// regular file or unreadable.
inline std::ifstream open_input_file(const std::string& path, const char* who, const char* hint) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw DataError(fmt(who, ": cannot open ", path, ": ",
                            std::filesystem::exists(path, ec) ? "not a regular file" : "no such file", "; hint: ", hint));
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw DataError(fmt(who, ": cannot open ", path, ": ", std::strerror(errno), "; hint: check the file's permissions"));
    return f;
}
}  // namespace detail

/// The bytes of the file at `path`. DataError naming the file when it is missing or unreadable.
inline std::string read_text_file(const std::string& path) {
    std::ifstream f = detail::open_input_file(path, "read_text_file",
                                              "check the path, or set TINYTORCH_DATA_DIR (see datasets/README.md)");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) throw DataError(fmt("read_text_file: reading ", path, " failed; hint: is the disk healthy?"));
    return text;
}

}  // namespace tinytorch::text
