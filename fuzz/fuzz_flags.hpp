// fuzz/fuzz_flags.hpp — the milestone programs' command line (milestones/common/milestone.hpp):
// the input, split at NUL bytes, is argv. parse_flag_list either returns flags or throws a
// ValueError naming the flag (never std::invalid_argument, never a silent 0 from atoi), and
// the typed getters keep values in their ranges.
#pragma once
#include "fuzz_common.hpp"
#include "common/milestone.hpp"

namespace fuzz {

inline int milestone_flags(const uint8_t* data, size_t size) {
    std::vector<std::string> args;
    std::string current;
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            args.push_back(current);
            current.clear();
        } else {
            current += static_cast<char>(data[i]);
        }
    }
    if (!current.empty()) args.push_back(current);
    try {
        milestone::Flags f = milestone::parse_flag_list(args, "fuzz", {"task", "limit", "batch", "lr", "width"});
        FUZZ_CHECK(f.epochs == -1 || (f.epochs >= 1 && f.epochs <= 1000000));
        try {
            int64_t batch = f.get_int("batch", 64, 1, 1 << 20);
            FUZZ_CHECK(batch >= 1 && batch <= (1 << 20));
            double lr = f.get_double("lr", 0.1, 0.0, 100.0);
            FUZZ_CHECK(lr >= 0.0 && lr <= 100.0);
            int64_t limit = f.get_int("limit", 0, 0, INT64_MAX);
            FUZZ_CHECK(limit >= 0);
        } catch (const tinytorch::ValueError&) {
        }
    } catch (const milestone::HelpRequested&) {
    } catch (const tinytorch::ValueError&) {
    }
    return 0;
}

}  // namespace fuzz
