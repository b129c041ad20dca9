// include/tinytorch/benchmarking/pareto.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md §8 (trade-offs)
//
// Optimising a model trades accuracy against latency and size. A variant is *dominated* when
// another one is at least as accurate and at most as costly, and strictly better in one of
// the two; the variants nobody dominates form the Pareto front — the only ones worth choosing
// between. pareto_svg draws accuracy against latency and against size, the front joined by a line.
// Every number plotted is a measurement the caller made (the original TinyTorch invented
// accuracies when a model had no evaluate(); here there is nothing to invent from).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/comparison.hpp"

namespace tinytorch::benchmark {

/// One model variant, measured: accuracy on held-out data, latency of one inference, size.
struct ModelVariant {
    std::string name;
    double accuracy = 0;     ///< fraction in [0, 1]
    double latency_ms = 0;   ///< e.g. the harness's median per call
    double size_bytes = 0;   ///< parameters (and buffers) as stored
};

/// Which cost the front is taken against.
enum class Cost { latency, size };

inline double cost_of(const ModelVariant& v, Cost cost) { return cost == Cost::latency ? v.latency_ms : v.size_bytes; }

/// True when `a` dominates `b`: at least as accurate, at most as costly, strictly better in one.
inline bool dominates(const ModelVariant& a, const ModelVariant& b, Cost cost) {
    // BEGIN SOLUTION: dominates (§8)
    const double ca = cost_of(a, cost), cb = cost_of(b, cost);
    return a.accuracy >= b.accuracy && ca <= cb && (a.accuracy > b.accuracy || ca < cb);
    // END SOLUTION
}

/// Indices of the variants no other variant dominates, sorted by cost (cheapest first).
inline std::vector<size_t> pareto_front(const std::vector<ModelVariant>& variants, Cost cost) {
    std::vector<size_t> front;
    // BEGIN SOLUTION: pareto_front (§8)
    for (size_t i = 0; i < variants.size(); ++i) {
        bool dominated = false;
        for (size_t j = 0; j < variants.size() && !dominated; ++j)
            dominated = j != i && dominates(variants[j], variants[i], cost);
        if (!dominated) front.push_back(i);
    }
    std::stable_sort(front.begin(), front.end(),
                     [&](size_t a, size_t b) { return cost_of(variants[a], cost) < cost_of(variants[b], cost); });
    // END SOLUTION
    return front;
}

/// Two panels — accuracy against latency, accuracy against size — every variant a labelled
/// point, the front's points filled and joined. Plain SVG any browser shows.
inline std::string pareto_svg(const std::vector<ModelVariant>& variants, const std::string& title) {
    if (variants.empty()) throw ValueError("pareto_svg: no variants; hint: measure at least one model variant");
    const int pw = 420, ph = 300, ml = 70, mr = 30, mt = 50, mb = 55;
    const int W = 2 * (pw + ml + mr), H = ph + mt + mb;
    std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(W) + "' height='" +
                    std::to_string(H) + "' font-family='sans-serif' font-size='12'>\n"
                    "<rect width='100%' height='100%' fill='white'/>\n<text x='" + std::to_string(W / 2) +
                    "' y='20' text-anchor='middle' font-size='15'>" + title + "</text>\n";
    auto esc = [](const std::string& t) {
        std::string o;
        for (char c : t) o += c == '<' ? std::string("&lt;") : c == '&' ? std::string("&amp;") : std::string(1, c);
        return o;
    };
    double amin = 1e300, amax = -1e300;
    for (const auto& v : variants) amin = std::min(amin, v.accuracy), amax = std::max(amax, v.accuracy);
    const double apad = std::max(0.01, 0.1 * (amax - amin));
    amin -= apad;
    amax += apad;
    for (int panel = 0; panel < 2; ++panel) {
        const Cost cost = panel == 0 ? Cost::latency : Cost::size;
        const double scale = cost == Cost::latency ? 1.0 : 1.0 / 1024.0;  // ms, KiB
        const std::string xlabel = cost == Cost::latency ? "latency (ms)" : "size (KiB)";
        double cmin = 1e300, cmax = -1e300;
        for (const auto& v : variants) {
            cmin = std::min(cmin, cost_of(v, cost) * scale);
            cmax = std::max(cmax, cost_of(v, cost) * scale);
        }
        const double cpad = std::max(1e-9, 0.1 * (cmax - cmin) + (cmax == cmin ? 0.5 * std::fabs(cmax) + 1e-3 : 0));
        cmin = std::max(0.0, cmin - cpad);
        cmax += cpad;
        const int x0 = panel * (pw + ml + mr) + ml, y0 = mt;
        auto X = [&](double c) { return x0 + (c - cmin) / (cmax - cmin) * pw; };
        auto Y = [&](double a) { return y0 + ph - (a - amin) / (amax - amin) * ph; };
        char buf[256];
        s += "<rect x='" + std::to_string(x0) + "' y='" + std::to_string(y0) + "' width='" + std::to_string(pw) +
             "' height='" + std::to_string(ph) + "' fill='none' stroke='#444'/>\n";
        for (int t = 0; t <= 4; ++t) {
            const double a = amin + (amax - amin) * t / 4, c = cmin + (cmax - cmin) * t / 4;
            std::snprintf(buf, sizeof buf,
                          "<text x='%d' y='%.1f' text-anchor='end'>%.1f%%</text>"
                          "<text x='%.1f' y='%d' text-anchor='middle'>%.3g</text>\n",
                          x0 - 6, Y(a) + 4, 100 * a, X(c), y0 + ph + 16, c);
            s += buf;
        }
        std::snprintf(buf, sizeof buf,
                      "<text x='%d' y='%d' text-anchor='middle'>%s</text>"
                      "<text x='%d' y='%d' text-anchor='middle' transform='rotate(-90 %d %d)'>accuracy</text>\n",
                      x0 + pw / 2, y0 + ph + 38, xlabel.c_str(), x0 - 52, y0 + ph / 2, x0 - 52, y0 + ph / 2);
        s += buf;
        const std::vector<size_t> front = pareto_front(variants, cost);
        std::string points;
        for (size_t i : front) {
            std::snprintf(buf, sizeof buf, "%.1f,%.1f ", X(cost_of(variants[i], cost) * scale), Y(variants[i].accuracy));
            points += buf;
        }
        s += "<polyline fill='none' stroke='#d62728' stroke-width='2' points='" + points + "'/>\n";
        for (size_t i = 0; i < variants.size(); ++i) {
            const bool on_front = std::find(front.begin(), front.end(), i) != front.end();
            const double x = X(cost_of(variants[i], cost) * scale), y = Y(variants[i].accuracy);
            std::snprintf(buf, sizeof buf, "<circle cx='%.1f' cy='%.1f' r='5' fill='%s' stroke='#1f77b4'/>", x, y,
                          on_front ? "#d62728" : "white");
            s += buf;
            std::snprintf(buf, sizeof buf, "<text x='%.1f' y='%.1f'>", x + 7, y - 7);
            s += buf + esc(variants[i].name) + "</text>\n";
        }
    }
    return s + "</svg>\n";
}

/// Write pareto_svg(...) to `path`.
inline void write_pareto_svg(const std::string& path, const std::vector<ModelVariant>& variants, const std::string& title) {
    const std::string text = pareto_svg(variants, title);
    std::ofstream out(path, std::ios::binary);
    if (!out) throw DataError(fmt("write_pareto_svg: cannot open '", path, "' for writing; hint: check the folder"));
    out << text;
}

}  // namespace tinytorch::benchmark
