// milestones/common/milestone.hpp — what every milestone program shares (not a module:
// nothing here is for students to write). Flags, the results table, the JSON run record,
// the SVG learning curve, per-class accuracy and the confusion matrix.
#pragma once
#include <algorithm>
#include <charconv>
#include <climits>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/environment.hpp"
#include "tinytorch/dataloader/data_dir.hpp"
#include "tinytorch/profiling/profiler.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/training/metrics_log.hpp"
#include "tinytorch/training/progress_bar.hpp"

#ifndef TINYTORCH_SOURCE_DIR
#define TINYTORCH_SOURCE_DIR "."
#endif

namespace milestone {

using tinytorch::fmt;

// ---- flags ---------------------------------------------------------------------------------

struct Flags {
    int epochs = -1;          ///< -1: the program's default
    uint64_t seed = 42;
    std::string data_dir;     ///< --data-dir, else TINYTORCH_DATA_DIR, else <checkout>/datasets
    bool quick = false;       ///< a seconds-long smoke run (used by the test suite)
    std::string out_dir;      ///< where the run record and plot go (default runs/<milestone>)
    std::string trace;        ///< --trace FILE: profile the run (module 14) and write a Chrome trace there
    std::map<std::string, std::string> extra;  ///< program-specific --key value flags
    bool data_dir_given = false;  ///< true when --data-dir or TINYTORCH_DATA_DIR chose data_dir
    bool has(const std::string& k) const { return extra.count(k) != 0; }
    /// Where dataset `name` lives: <data_dir>/<name> when a folder was chosen, else the first
    /// folder of data::dataset_search_path(name) that exists (datasets/, then ../shared/datasets).
    std::string dataset(const std::string& name) const {
        if (data_dir_given) return data_dir + "/" + name;
        return tinytorch::data::find_dataset(name).value_or(data_dir + "/" + name);
    }
    std::string get(const std::string& k, const std::string& dflt) const {
        auto it = extra.find(k);
        return it == extra.end() ? dflt : it->second;
    }
    /// --k as a whole number in lo..hi (dflt when absent); ValueError naming the flag otherwise.
    int64_t get_int(const std::string& k, int64_t dflt, int64_t lo, int64_t hi) const {
        auto it = extra.find(k);
        return it == extra.end() ? dflt : parse_int("--" + k, it->second, lo, hi);
    }
    /// --k as a finite number in lo..hi (dflt when absent); ValueError naming the flag otherwise.
    double get_double(const std::string& k, double dflt, double lo, double hi) const {
        auto it = extra.find(k);
        return it == extra.end() ? dflt : parse_double("--" + k, it->second, lo, hi);
    }

    /// `text` as a whole number in lo..hi, else a ValueError that names the flag, the range and
    /// what came (no std::invalid_argument, no silent 0 from atoi).
    static int64_t parse_int(const std::string& flag, const std::string& text, int64_t lo, int64_t hi) {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
            throw tinytorch::ValueError(fmt(flag, " must be a whole number in ", lo, "..", hi, ", got '",
                                            text.substr(0, 40), "'; hint: e.g. ", flag, " ", std::max<int64_t>(lo, 1)));
        return v;
    }
    static double parse_double(const std::string& flag, const std::string& text, double lo, double hi) {
        char* end = nullptr;
        const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo || v > hi)
            throw tinytorch::ValueError(fmt(flag, " must be a number in ", lo, "..", hi, ", got '", text.substr(0, 40),
                                            "'; hint: e.g. ", flag, " 0.01"));
        return v;
    }
};

// ---- --trace FILE: the whole run under module 14's profiler ------------------------------------

/// Profiles from its creation until the program exits, then writes the Chrome trace. At most
/// kTraceEvents events are kept (a long run would write gigabytes); later ones are not
/// recorded and their time counts in the enclosing recorded scope.
class RunTrace {
public:
    static constexpr size_t kTraceEvents = 500000;
    explicit RunTrace(std::string path)
        : path_(std::move(path)), profiler_(tinytorch::profiler::ProfilerOptions{true, true, true, true, kTraceEvents}) {}
    ~RunTrace() {
        try {
            profiler_.stop();
            profiler_.export_chrome_trace(path_);
            std::printf("trace: %s (%zu events%s; open it in https://ui.perfetto.dev)\n", path_.c_str(),
                        profiler_.events().size(), profiler_.dropped_events() ? ", the first only" : "");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trace: could not write %s: %s\n", path_.c_str(), e.what());
        }
    }

private:
    std::string path_;
    tinytorch::profiler::Profiler profiler_;
};

/// Start the run's trace (once); it is written when the program exits.
inline void start_trace(const std::string& path) {
    static std::unique_ptr<RunTrace> trace;
    if (!trace) trace = std::make_unique<RunTrace>(path);
}

/// --help was asked for: parse_flag_list stops and parse_flags prints the usage.
struct HelpRequested {};

/// The flags in `args` (argv without the program name). ValueError for an unknown flag, a flag
/// without its value, or a value that is not a number in range; HelpRequested for --help.
/// Reads no environment: parse_flags adds TINYTORCH_DATA_DIR and the defaults.
inline Flags parse_flag_list(const std::vector<std::string>& args, const std::string& name,
                             const std::vector<std::string>& allowed_extra = {}) {
    Flags f;
    const size_t n = args.size();
    auto need_value = [&](size_t i) {
        if (i + 1 >= n)
            throw tinytorch::ValueError(fmt(name, ": ", args[i], " needs a value; hint: e.g. ", args[i], " 10 (see --help)"));
        return args[i + 1];
    };
    for (size_t i = 0; i < n; ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            throw HelpRequested{};
        } else if (a == "--epochs") {
            f.epochs = static_cast<int>(Flags::parse_int("--epochs", need_value(i), 1, 1000000)); ++i;
        } else if (a == "--seed") {
            f.seed = static_cast<uint64_t>(Flags::parse_int("--seed", need_value(i), 0, INT64_MAX)); ++i;
        } else if (a == "--data-dir") {
            f.data_dir = need_value(i); ++i;
        } else if (a == "--out") {
            f.out_dir = need_value(i); ++i;
        } else if (a == "--quick") {
            f.quick = true;
        } else if (a == "--trace") {
            f.trace = need_value(i); ++i;
        } else if (a.rfind("--", 0) == 0 &&
                   std::find(allowed_extra.begin(), allowed_extra.end(), a.substr(2)) != allowed_extra.end()) {
            bool is_switch = i + 1 >= n || args[i + 1].rfind("--", 0) == 0;
            f.extra[a.substr(2)] = is_switch ? "1" : args[++i];
        } else {
            std::string known = "--epochs --seed --data-dir --out --quick --trace --help";
            for (const std::string& k : allowed_extra) known += " --" + k;
            throw tinytorch::ValueError(fmt(name, ": unknown argument '", a.substr(0, 40), "', expected one of: ",
                                            known, "; hint: try --help"));
        }
    }
    return f;
}

/// From here on, an exception that leaves main() — a missing dataset (DataError), a bad flag
/// value (ValueError) — ends the program with "<name>: error: <message>" and exit code 1,
/// instead of "terminate called after throwing ..." and a core dump.
inline void install_error_handler(const std::string& name) {
    static std::string program;
    program = name;
    std::set_terminate([] {
        if (std::exception_ptr error = std::current_exception()) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                std::fflush(stdout);
                std::fprintf(stderr, "\n%s: error: %s\n", program.c_str(), e.what());
                std::_Exit(1);
            } catch (...) {
            }
        }
        std::abort();
    });
}

/// Parse the common flags; `usage` is printed for --help. Unknown --key value pairs land in
/// Flags::extra if `allowed_extra` names them, else the program stops with a message (exit 2).
inline Flags parse_flags(int argc, char** argv, const std::string& name, const std::string& usage,
                         const std::vector<std::string>& allowed_extra = {}) {
    install_error_handler(name);
    Flags f;
    try {
        f = parse_flag_list(std::vector<std::string>(argv + 1, argv + argc), name, allowed_extra);
    } catch (const HelpRequested&) {
        std::printf("%s\n\ncommon flags:\n  --epochs N      training epochs\n  --seed S        random seed (default 42)\n"
                    "  --data-dir DIR  dataset directory (default: $TINYTORCH_DATA_DIR, else datasets/, else ../shared/datasets)\n"
                    "  --quick         a seconds-long smoke run\n  --out DIR       where to write run.json and curve.svg\n"
                    "  --trace FILE    profile the run and write a Chrome trace (open it in ui.perfetto.dev)\n",
                    usage.c_str());
        std::exit(0);
    } catch (const tinytorch::ValueError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        std::exit(2);
    }
    const char* env = std::getenv("TINYTORCH_DATA_DIR");
    f.data_dir_given = !f.data_dir.empty() || (env && *env);
    if (f.data_dir.empty()) f.data_dir = env && *env ? env : std::string(TINYTORCH_SOURCE_DIR) + "/datasets";
    if (f.out_dir.empty()) f.out_dir = "runs/" + name;
    if (!f.trace.empty()) start_trace(f.trace);
    return f;
}

/// Seconds since `start`.
using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- prerequisites ---------------------------------------------------------------------------

/// Run a tiny probe of each needed module; a NotImplemented from a stub stops the program
/// with a message naming the module (./tito milestone also runs the module suites first).
inline void require(const std::string& milestone, const std::vector<std::pair<std::string, std::function<void()>>>& probes) {
    for (const auto& [module, probe] : probes) {
        try {
            probe();
        } catch (const tinytorch::NotImplemented& e) {
            std::fprintf(stderr,
                         "%s needs module %s, which is not finished yet:\n  %s\n"
                         "Finish it (./tito test %s), then run this milestone again.\n",
                         milestone.c_str(), module.c_str(), e.what(), module.substr(0, 2).c_str());
            std::exit(3);
        }
    }
}

// ---- reporting ---------------------------------------------------------------------------------

/// A two-column results table:  | what | value |
/// Characters on screen of a UTF-8 string (continuation bytes do not count).
inline size_t display_width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

inline void print_table(const std::string& title, const std::vector<std::pair<std::string, std::string>>& rows) {
    size_t w1 = 4, w2 = 5;
    for (const auto& [k, v] : rows) { w1 = std::max(w1, display_width(k)); w2 = std::max(w2, display_width(v)); }
    std::string line = "+" + std::string(w1 + 2, '-') + "+" + std::string(w2 + 2, '-') + "+";
    std::printf("\n%s\n%s\n", title.c_str(), line.c_str());
    for (const auto& [k, v] : rows)
        std::printf("| %s%s | %s%s |\n", k.c_str(), std::string(w1 - display_width(k), ' ').c_str(),
                    std::string(w2 - display_width(v), ' ').c_str(), v.c_str());
    std::printf("%s\n", line.c_str());
}

inline std::string pct(double fraction) { char b[32]; std::snprintf(b, sizeof b, "%.2f%%", 100.0 * fraction); return b; }
inline std::string num(double v, int digits = 4) { char b[32]; std::snprintf(b, sizeof b, "%.*f", digits, v); return b; }

// ---- training with one progress bar over the epochs ----------------------------------------------

/// trainer.fit(...) for small problems: one bar that advances per epoch (the trainer's own
/// per-batch bar should be off), showing the latest train loss and test accuracy.
template <typename Trainer, typename TrainLoader, typename TestLoader>
void fit_epochs(Trainer& trainer, TrainLoader& train_loader, TestLoader& test_loader, int epochs,
                tinytorch::train::MetricsLog& log, const std::string& label) {
    tinytorch::train::ProgressBar bar(epochs, label);
    for (int e = 0; e < epochs; ++e) {
        auto rows = trainer.fit(train_loader, test_loader, 1, &log);
        bar.update(1, fmt("loss ", num(rows.back().at("train_loss")), "  test acc ", pct(rows.back().at("val_acc"))));
    }
    bar.close();
}

/// confusion[true][predicted] counts.
inline std::vector<std::vector<int64_t>> confusion_matrix(const std::vector<int>& truth, const std::vector<int>& pred,
                                                          int classes) {
    std::vector<std::vector<int64_t>> m(classes, std::vector<int64_t>(classes, 0));
    for (size_t i = 0; i < truth.size(); ++i) m[truth[i]][pred[i]]++;
    return m;
}

/// Prints per-class accuracy and the confusion matrix (rows = true class).
inline void print_confusion(const std::vector<std::vector<int64_t>>& m, const std::vector<std::string>& names) {
    const size_t c = m.size();
    std::printf("\nper-class accuracy and confusion matrix (rows: true class, columns: predicted)\n%12s", "");
    for (size_t j = 0; j < c; ++j) std::printf(" %5zu", j);
    std::printf("   accuracy\n");
    for (size_t i = 0; i < c; ++i) {
        int64_t row = 0;
        for (int64_t v : m[i]) row += v;
        // "3 cat" for named classes; digits are their own names, so just "3" (not "3 3")
        std::string name = i < names.size() && names[i] != std::to_string(i) ? names[i] : "";
        std::printf("%2zu %-9.9s", i, name.c_str());
        for (size_t j = 0; j < c; ++j) std::printf(" %5lld", static_cast<long long>(m[i][j]));
        std::printf("   %s\n", row ? pct(static_cast<double>(m[i][i]) / row).c_str() : "-");
    }
}

// ---- run record (JSON) and learning curve (SVG) -------------------------------------------------

struct Series {
    std::string name;
    std::vector<double> values;  ///< one per epoch
};

inline std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char b[40];
    std::snprintf(b, sizeof b, "%.10g", v);  // byte counts stay exact
    return b;
}
inline std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        if (ch == '\n') { out += "\\n"; continue; }
        out += ch;
    }
    return out + "\"";
}

/// Writes <out_dir>/run.json: what ran, with which flags, on which machine (module 19's
/// environment record: CPU, ISA, compiler, threads, BLAS, load), the per-epoch curves and results.
inline std::string write_run_record(const std::string& out_dir, const std::string& milestone, const Flags& flags,
                                    const std::vector<Series>& curves,
                                    const std::vector<std::pair<std::string, double>>& results,
                                    const std::vector<std::pair<std::string, std::string>>& notes = {}) {
    std::filesystem::create_directories(out_dir);
    std::string path = out_dir + "/run.json";
    std::ofstream o(path);
    std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    o << "{\n  \"milestone\": " << json_string(milestone) << ",\n  \"date\": " << json_string(date)
      << ",\n  \"flags\": {\"epochs\": " << flags.epochs << ", \"seed\": " << flags.seed
      << ", \"quick\": " << (flags.quick ? "true" : "false") << ", \"data_dir\": " << json_string(flags.data_dir)
      << "},\n  \"threads\": " << tinytorch::get_num_threads()
      << ",\n  \"environment\": " << tinytorch::benchmark::capture_environment().to_json(2) << ",\n  \"results\": {";
    for (size_t i = 0; i < results.size(); ++i)
        o << (i ? ", " : "") << json_string(results[i].first) << ": " << json_number(results[i].second);
    o << "},\n  \"notes\": {";
    for (size_t i = 0; i < notes.size(); ++i)
        o << (i ? ", " : "") << json_string(notes[i].first) << ": " << json_string(notes[i].second);
    o << "},\n  \"curves\": {";
    for (size_t i = 0; i < curves.size(); ++i) {
        o << (i ? ",\n    " : "\n    ") << json_string(curves[i].name) << ": [";
        for (size_t k = 0; k < curves[i].values.size(); ++k) o << (k ? ", " : "") << json_number(curves[i].values[k]);
        o << "]";
    }
    o << "\n  }\n}\n";
    return path;
}

/// Writes <out_dir>/curve.svg: one panel per group of series (e.g. losses, accuracies),
/// x = epoch (or what x_label names, counted from 1). Plain SVG that any browser shows.
inline std::string write_learning_curve(const std::string& out_dir, const std::string& title,
                                        const std::vector<std::pair<std::string, std::vector<Series>>>& panels,
                                        const std::string& x_label = "epoch") {
    std::filesystem::create_directories(out_dir);
    std::string path = out_dir + "/curve.svg";
    const int pw = 420, ph = 280, ml = 60, mr = 20, mt = 40, mb = 45;
    const int W = static_cast<int>(panels.size()) * (pw + ml + mr), H = ph + mt + mb + 20;
    const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    std::ostringstream s;
    s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
      << "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n"
      << "<text x='" << W / 2 << "' y='18' text-anchor='middle' font-size='15'>" << title << "</text>\n";
    for (size_t p = 0; p < panels.size(); ++p) {
        const auto& [label, series] = panels[p];
        const int x0 = static_cast<int>(p) * (pw + ml + mr) + ml, y0 = mt;
        double lo = 1e300, hi = -1e300;
        size_t n = 1;
        for (const Series& se : series)
            for (double v : se.values)
                if (std::isfinite(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
        for (const Series& se : series) n = std::max(n, se.values.size());
        if (lo > hi) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { hi += 0.5; lo -= 0.5; }
        double pad = 0.05 * (hi - lo);
        lo -= pad;
        hi += pad;
        auto X = [&](double i) { return x0 + (n > 1 ? i / double(n - 1) : 0.5) * pw; };
        auto Y = [&](double v) { return y0 + ph - (v - lo) / (hi - lo) * ph; };
        s << "<rect x='" << x0 << "' y='" << y0 << "' width='" << pw << "' height='" << ph
          << "' fill='none' stroke='#444'/>\n<text x='" << x0 + pw / 2 << "' y='" << y0 - 8
          << "' text-anchor='middle'>" << label << "</text>\n";
        for (int t = 0; t <= 4; ++t) {  // y ticks
            double v = lo + (hi - lo) * t / 4.0;
            s << "<line x1='" << x0 - 4 << "' x2='" << x0 + pw << "' y1='" << Y(v) << "' y2='" << Y(v)
              << "' stroke='#ddd'/><text x='" << x0 - 6 << "' y='" << Y(v) + 4 << "' text-anchor='end'>"
              << num(v, 3) << "</text>\n";
        }
        for (size_t t = 0; t < n; t += std::max<size_t>(1, n / 8))  // x ticks: epochs from 1
            s << "<text x='" << X(double(t)) << "' y='" << y0 + ph + 16 << "' text-anchor='middle'>" << t + 1
              << "</text>\n";
        s << "<text x='" << x0 + pw / 2 << "' y='" << y0 + ph + 34 << "' text-anchor='middle'>" << x_label << "</text>\n";
        for (size_t k = 0; k < series.size(); ++k) {
            const char* c = colors[k % 6];
            s << "<polyline fill='none' stroke='" << c << "' stroke-width='2' points='";
            for (size_t i = 0; i < series[k].values.size(); ++i)
                if (std::isfinite(series[k].values[i])) s << X(double(i)) << "," << Y(series[k].values[i]) << " ";
            s << "'/>\n<text x='" << x0 + pw - 6 << "' y='" << y0 + 16 + 15 * k << "' text-anchor='end' fill='" << c
              << "'>" << series[k].name << "</text>\n";
        }
    }
    s << "</svg>\n";
    std::ofstream(path) << s.str();
    return path;
}

}  // namespace milestone
