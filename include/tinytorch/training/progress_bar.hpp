// include/tinytorch/training/progress_bar.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §5 (watching training)
//
//   epoch 3/10 [##########..........]  312/625  1520.3 it/s  ETA 0:00:01  loss 0.2312
// On a terminal the line redraws itself (\r); in a log file (CI) it prints a line at
// 0%, every 25% and at 100%, so logs stay short.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace tinytorch::train {

class ProgressBar {
public:
    /// `total` steps; `label` printed in front; `out` is usually stderr.
    explicit ProgressBar(int64_t total, std::string label = "", std::FILE* out = stderr, bool enabled = true)
        : total_(total), label_(std::move(label)), out_(out), enabled_(enabled),
          tty_(isatty(fileno(out)) != 0), start_(Clock::now()) {}

    /// Advance by `n` steps and show `postfix` (e.g. "loss 0.2312").
    void update(int64_t n = 1, const std::string& postfix = "") {
        done_ += n;
        postfix_ = postfix;
        if (!enabled_) return;
        if (tty_) {
            auto now = Clock::now();
            if (done_ < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;  // ~10 redraws/s
            last_draw_ = now;
            std::fprintf(out_, "\r%s", line().c_str());
            std::fflush(out_);
        } else {
            int quarter = total_ > 0 ? static_cast<int>(4 * done_ / total_) : 4;
            if (quarter > last_quarter_) {
                last_quarter_ = quarter;
                std::fprintf(out_, "%s\n", line().c_str());
            }
        }
    }

    /// Final redraw and newline.
    void close() {
        if (!enabled_ || closed_) return;
        closed_ = true;
        if (tty_) std::fprintf(out_, "\r%s\n", line().c_str());
        else if (last_quarter_ < 4) std::fprintf(out_, "%s\n", line().c_str());
        std::fflush(out_);
    }
    ~ProgressBar() { close(); }

    double elapsed_seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    double rate() const { double s = elapsed_seconds(); return s > 0 ? static_cast<double>(done_) / s : 0.0; }

    /// The text of the bar (without \r), e.g. for tests.
    std::string line() const {
        const int width = 20;
        int filled = total_ > 0 ? static_cast<int>(width * std::min(done_, total_) / total_) : width;
        std::string bar(static_cast<size_t>(filled), '#');
        bar += std::string(static_cast<size_t>(width - filled), '.');
        double r = rate();
        double eta = r > 0 ? static_cast<double>(total_ - done_) / r : 0.0;
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s%s[%s] %lld/%lld %8.1f it/s  ETA %s  %s", label_.c_str(),
                      label_.empty() ? "" : " ", bar.c_str(), static_cast<long long>(done_),
                      static_cast<long long>(total_), r, format_duration(eta).c_str(), postfix_.c_str());
        return buf;
    }

    static std::string format_duration(double seconds) {
        long long s = static_cast<long long>(seconds + 0.5);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
        return buf;
    }

private:
    using Clock = std::chrono::steady_clock;
    int64_t total_ = 0, done_ = 0;
    std::string label_, postfix_;
    std::FILE* out_;
    bool enabled_, tty_, closed_ = false;
    int last_quarter_ = -1;
    Clock::time_point start_, last_draw_{};
};

}  // namespace tinytorch::train
