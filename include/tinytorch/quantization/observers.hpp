// include/tinytorch/quantization/observers.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §3
//
// An observer watches the tensors that flow through a point of a model (a weight, a layer's
// input during calibration) and settles on a range [min, max] — per tensor, or per channel —
// from which choose_qparams (§1) makes the scale and zero-point:
//
//   MinMaxObserver               the smallest and largest value ever seen (weights; small
//                                calibration sets)
//   MovingAverageMinMaxObserver  min and max averaged over batches: min += c·(batch_min − min)
//                                (activations during quantization-aware training, where early
//                                batches come from a model that is still changing)
//   PercentileObserver           a histogram of everything seen; the range cuts off the rarest
//                                (100 − p)% of values, so one outlier does not stretch the scale
//                                for everyone else
//
//   quantization::MinMaxObserver obs(ObserverOptions().dtype(kQUInt8));
//   for (const Tensor& batch : calibration) obs(batch);     // observe (and pass the tensor through)
//   QuantParams p = obs.calculate_qparams();                 // scale, zero-point
//   QuantizedTensor q = quantization::quantize(x, p);
//
// Per-channel schemes (kPerChannelAffine / kPerChannelSymmetric) keep one range per slice along
// ch_axis: for a Linear weight [out, in], ch_axis 0 gives each output neuron its own scale.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/quantization/quantized_tensor.hpp"

namespace tinytorch::quantization {

/// What an observer settles on: the scheme and one (per-tensor) or size(axis) (per-channel)
/// scale / zero-point pairs.
struct QuantParams {
    QDtype dtype = kQUInt8;
    QScheme qscheme = kPerTensorAffine;
    int64_t axis = 0;
    std::vector<float> scales;
    std::vector<int32_t> zero_points;
    /// The pair of channel c (per-tensor: always the one pair).
    QParams at(int64_t c = 0) const {
        const size_t i = is_per_channel(qscheme) ? static_cast<size_t>(c) : 0;
        return {scales.at(i), zero_points.at(i)};
    }
};

/// Quantize x with parameters an observer chose (per tensor or per channel).
inline QuantizedTensor quantize(const Tensor& x, const QuantParams& p) {
    if (is_per_channel(p.qscheme))
        return quantize_per_channel(x, p.scales, p.zero_points, p.axis, p.dtype, is_symmetric(p.qscheme));
    QuantizedTensor q = quantize_per_tensor(x, p.scales.at(0), p.zero_points.at(0), p.dtype);
    if (p.qscheme == kPerTensorAffine) return q;
    // the same bytes, recorded as symmetric (quantize_per_tensor cannot know the range was symmetric)
    return QuantizedTensor(std::vector<uint8_t>(q.bytes(), q.bytes() + q.nbytes()), q.shape(), q.dtype(), p.qscheme,
                           q.scales(), q.zero_points());
}

/// How an observer turns ranges into parameters. Setters chain:
/// ObserverOptions().dtype(kQInt8).qscheme(kPerChannelSymmetric).ch_axis(0).
struct ObserverOptions {
    ObserverOptions& dtype(QDtype v) { dtype_ = v; return *this; }
    ObserverOptions& qscheme(QScheme v) { qscheme_ = v; return *this; }
    ObserverOptions& ch_axis(int64_t v) { ch_axis_ = v; return *this; }
    QDtype dtype() const { return dtype_; }
    QScheme qscheme() const { return qscheme_; }
    int64_t ch_axis() const { return ch_axis_; }

private:
    QDtype dtype_ = kQUInt8;
    QScheme qscheme_ = kPerTensorAffine;
    int64_t ch_axis_ = 0;
};

/// The base of every observer: observe tensors, then calculate_qparams().
class Observer {
public:
    explicit Observer(ObserverOptions options = {}) : options_(options) {}
    virtual ~Observer() = default;

    /// Update the statistics with x (its values only: no gradient, no graph).
    void observe(const Tensor& x);
    /// observe(x) and return x unchanged (PyTorch's observer forward).
    Tensor operator()(const Tensor& x) {
        observe(x);
        return x;
    }
    /// The range settled on so far: one [min, max] per channel (one entry per-tensor).
    virtual std::pair<std::vector<float>, std::vector<float>> range() const = 0;
    /// choose_qparams over range(), channel by channel. ValueError before anything was observed.
    QuantParams calculate_qparams() const;
    bool has_observed() const { return observed_ > 0; }
    int64_t batches_observed() const { return observed_; }
    /// Forget everything observed.
    virtual void reset() { observed_ = 0; }
    const ObserverOptions& options() const { return options_; }
    virtual std::string name() const = 0;

protected:
    /// The observer's own statistics update, given x's values grouped by channel: channel c's
    /// values are data[(o·channels + c)·inner + i] for o < outer, i < inner (per-tensor: one channel).
    virtual void update(const float* data, int64_t outer, int64_t channels, int64_t inner) = 0;
    /// Per-channel min and max of one tensor (the statistic every observer starts from).
    static void channel_min_max(const float* data, int64_t outer, int64_t channels, int64_t inner,
                                std::vector<float>& mins, std::vector<float>& maxs);
    ObserverOptions options_;
    int64_t observed_ = 0;
    int64_t channels_ = 0;  ///< fixed by the first observation
};

/// Range = [smallest, largest] value ever observed (per channel).
class MinMaxObserver : public Observer {
public:
    explicit MinMaxObserver(ObserverOptions options = {}) : Observer(options) {}
    std::pair<std::vector<float>, std::vector<float>> range() const override { return {min_, max_}; }
    void reset() override { Observer::reset(); min_.clear(); max_.clear(); }
    std::string name() const override { return "MinMaxObserver"; }

protected:
    void update(const float* data, int64_t outer, int64_t channels, int64_t inner) override;
    std::vector<float> min_, max_;
};

/// Range = exponential moving average of each batch's min and max:
/// first batch sets them, then min += c·(batch_min − min) (c = averaging_constant, PyTorch's 0.01).
class MovingAverageMinMaxObserver : public Observer {
public:
    explicit MovingAverageMinMaxObserver(ObserverOptions options = {}, double averaging_constant = 0.01);
    std::pair<std::vector<float>, std::vector<float>> range() const override { return {min_, max_}; }
    void reset() override { Observer::reset(); min_.clear(); max_.clear(); }
    std::string name() const override { return "MovingAverageMinMaxObserver"; }
    double averaging_constant() const { return c_; }

protected:
    void update(const float* data, int64_t outer, int64_t channels, int64_t inner) override;
    double c_;
    std::vector<float> min_, max_;
};

/// Range = [the (100 − p)% quantile, the p% quantile] of everything observed, from a histogram
/// of `bins` bins per channel over the running [min, max] (re-binned when a batch widens it).
/// p = 100 gives min-max. (Symmetric schemes then take the larger magnitude, as choose_qparams does.)
class PercentileObserver : public Observer {
public:
    explicit PercentileObserver(ObserverOptions options = {}, double percentile = 99.99, int64_t bins = 2048);
    std::pair<std::vector<float>, std::vector<float>> range() const override;
    void reset() override { Observer::reset(); hist_.clear(); lo_.clear(); hi_.clear(); }
    std::string name() const override { return "PercentileObserver"; }
    double percentile() const { return percentile_; }
    int64_t bins() const { return bins_; }
    /// The histogram of channel c (counts per bin) and the range it spans.
    const std::vector<double>& histogram(int64_t c = 0) const { return hist_.at(static_cast<size_t>(c)); }
    std::pair<float, float> histogram_range(int64_t c = 0) const { return {lo_.at(c), hi_.at(c)}; }

protected:
    void update(const float* data, int64_t outer, int64_t channels, int64_t inner) override;
    /// The value below which a fraction `q` of channel c's observed values lie.
    float quantile(size_t c, double q) const;
    double percentile_;
    int64_t bins_;
    std::vector<std::vector<double>> hist_;
    std::vector<float> lo_, hi_;
};

/// PyTorch's per-channel observers: the same observers with a per-channel symmetric qint8 default
/// (what weights use).
inline ObserverOptions per_channel_weight_options(int64_t ch_axis = 0) {
    return ObserverOptions().dtype(kQInt8).qscheme(kPerChannelSymmetric).ch_axis(ch_axis);
}
class PerChannelMinMaxObserver : public MinMaxObserver {
public:
    explicit PerChannelMinMaxObserver(ObserverOptions options = per_channel_weight_options()) : MinMaxObserver(options) {}
    std::string name() const override { return "PerChannelMinMaxObserver"; }
};
class MovingAveragePerChannelMinMaxObserver : public MovingAverageMinMaxObserver {
public:
    explicit MovingAveragePerChannelMinMaxObserver(ObserverOptions options = per_channel_weight_options(),
                                                   double averaging_constant = 0.01)
        : MovingAverageMinMaxObserver(options, averaging_constant) {}
    std::string name() const override { return "MovingAveragePerChannelMinMaxObserver"; }
};

// ================================================================================================
// definitions
// ================================================================================================

inline void Observer::observe(const Tensor& x) {
    if (!x.defined() || x.numel() == 0)
        throw ValueError(fmt(name(), ": cannot observe an ", x.defined() ? "empty" : "undefined",
                             " tensor; hint: pass the batch of activations or the weight to watch"));
    const Tensor c = x.detach().contiguous();
    int64_t outer = 1, channels = 1, inner = c.numel();
    if (is_per_channel(options_.qscheme())) {
        if (c.dim() == 0)
            throw ShapeError(fmt(name(), ": a per-channel observer needs a tensor with dimensions, got a scalar; ",
                                 "hint: use a per-tensor scheme"));
        const int64_t ax = normalize_dim(options_.ch_axis(), c.dim(), name().c_str());
        channels = c.size(ax);
        inner = 1;
        for (int64_t d = ax + 1; d < c.dim(); ++d) inner *= c.size(d);
        outer = c.numel() / std::max<int64_t>(1, channels * inner);
    }
    if (observed_ > 0 && channels != channels_)
        throw ShapeError(fmt(name(), ": observed ", channels_, " channels before, now ", channels, " (shape ",
                             shape_str(c.shape()), "); hint: one observer watches one tensor of a fixed channel count"));
    const float* p = c.data_ptr();
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
        if (!std::isfinite(p[i]))
            throw ValueError(fmt(name(), ": the observed tensor holds ", p[i], " at position ", i, " of shape ",
                                 shape_str(c.shape()), "; hint: quantization ranges must be finite — look for the ",
                                 "NaN/inf upstream"));
    channels_ = channels;
    update(p, outer, channels, inner);
    ++observed_;
}

inline void Observer::channel_min_max(const float* data, int64_t outer, int64_t channels, int64_t inner,
                                      std::vector<float>& mins, std::vector<float>& maxs) {
    mins.assign(static_cast<size_t>(channels), std::numeric_limits<float>::infinity());
    maxs.assign(static_cast<size_t>(channels), -std::numeric_limits<float>::infinity());
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t c = 0; c < channels; ++c) {
            const float* row = data + (o * channels + c) * inner;
            float lo = mins[c], hi = maxs[c];
            for (int64_t i = 0; i < inner; ++i) {
                lo = std::min(lo, row[i]);
                hi = std::max(hi, row[i]);
            }
            mins[c] = lo;
            maxs[c] = hi;
        }
}

inline QuantParams Observer::calculate_qparams() const {
    if (!has_observed())
        throw ValueError(fmt(name(), "::calculate_qparams: nothing has been observed yet; hint: run the observer on ",
                             "some data first (calibration)"));
    QuantParams p;
    p.dtype = options_.dtype();
    p.qscheme = options_.qscheme();
    p.axis = options_.ch_axis();
    const auto [mins, maxs] = range();
    // BEGIN SOLUTION: Observer::calculate_qparams (§3)
    const bool symmetric = is_symmetric(p.qscheme);
    for (size_t c = 0; c < mins.size(); ++c) {
        const QParams q = choose_qparams(mins[c], maxs[c], p.dtype, symmetric);
        p.scales.push_back(q.scale);
        p.zero_points.push_back(q.zero_point);
    }
    // END SOLUTION
    return p;
}

inline void MinMaxObserver::update(const float* data, int64_t outer, int64_t channels, int64_t inner) {
    std::vector<float> lo, hi;
    channel_min_max(data, outer, channels, inner, lo, hi);
    // BEGIN SOLUTION: MinMaxObserver::update (§3)
    if (min_.empty()) {
        min_ = lo;
        max_ = hi;
        return;
    }
    for (int64_t c = 0; c < channels; ++c) {
        min_[c] = std::min(min_[c], lo[c]);
        max_[c] = std::max(max_[c], hi[c]);
    }
    // END SOLUTION
}

inline MovingAverageMinMaxObserver::MovingAverageMinMaxObserver(ObserverOptions options, double averaging_constant)
    : Observer(options), c_(averaging_constant) {
    if (!(averaging_constant > 0.0 && averaging_constant <= 1.0))
        throw ValueError(fmt("MovingAverageMinMaxObserver: averaging_constant must be in (0, 1], got ",
                             averaging_constant, "; hint: 0.01 (PyTorch's default) follows the last ~100 batches"));
}

inline void MovingAverageMinMaxObserver::update(const float* data, int64_t outer, int64_t channels, int64_t inner) {
    std::vector<float> lo, hi;
    channel_min_max(data, outer, channels, inner, lo, hi);
    // BEGIN SOLUTION: MovingAverageMinMaxObserver::update (§3)
    if (min_.empty()) {
        min_ = lo;
        max_ = hi;
        return;
    }
    for (int64_t c = 0; c < channels; ++c) {
        min_[c] = static_cast<float>(min_[c] + c_ * (lo[c] - min_[c]));
        max_[c] = static_cast<float>(max_[c] + c_ * (hi[c] - max_[c]));
    }
    // END SOLUTION
}

inline PercentileObserver::PercentileObserver(ObserverOptions options, double percentile, int64_t bins)
    : Observer(options), percentile_(percentile), bins_(bins) {
    if (!(percentile > 50.0 && percentile <= 100.0))
        throw ValueError(fmt("PercentileObserver: percentile must be in (50, 100], got ", percentile,
                             "; hint: 99.99 keeps all but the rarest 0.01% of values at each end"));
    if (bins < 16 || bins > (int64_t(1) << 20))
        throw ValueError(fmt("PercentileObserver: bins must be in [16, 2^20], got ", bins,
                             "; hint: 2048 bins resolve a range 8x finer than 256 quantization levels"));
}

inline void PercentileObserver::update(const float* data, int64_t outer, int64_t channels, int64_t inner) {
    std::vector<float> lo, hi;
    channel_min_max(data, outer, channels, inner, lo, hi);
    if (hist_.empty()) {
        hist_.assign(static_cast<size_t>(channels), std::vector<double>(static_cast<size_t>(bins_), 0.0));
        lo_ = lo;
        hi_ = hi;
    }
    // BEGIN SOLUTION: PercentileObserver::update (§3)
    const int64_t B = bins_;
    for (int64_t c = 0; c < channels; ++c) {
        std::vector<double>& h = hist_[c];
        // 1. widen the range if this batch goes beyond it, moving each old bin's count to the new
        //    bin that contains the old bin's centre
        const float new_lo = std::min(lo_[c], lo[c]), new_hi = std::max(hi_[c], hi[c]);
        if (new_lo < lo_[c] || new_hi > hi_[c]) {
            std::vector<double> moved(static_cast<size_t>(B), 0.0);
            const double old_width = (static_cast<double>(hi_[c]) - lo_[c]) / B;
            const double new_width = (static_cast<double>(new_hi) - new_lo) / B;
            for (int64_t b = 0; b < B; ++b) {
                if (h[b] == 0.0) continue;
                const double centre = lo_[c] + (b + 0.5) * old_width;
                const int64_t nb = std::clamp<int64_t>(static_cast<int64_t>((centre - new_lo) / new_width), 0, B - 1);
                moved[nb] += h[b];
            }
            h.swap(moved);
            lo_[c] = new_lo;
            hi_[c] = new_hi;
        }
        // 2. count this batch's values
        const double width = (static_cast<double>(hi_[c]) - lo_[c]) / B;
        for (int64_t o = 0; o < outer; ++o) {
            const float* row = data + (o * channels + c) * inner;
            for (int64_t i = 0; i < inner; ++i) {
                const int64_t b = width > 0 ? static_cast<int64_t>((row[i] - static_cast<double>(lo_[c])) / width) : 0;
                h[std::clamp<int64_t>(b, 0, B - 1)] += 1.0;
            }
        }
    }
    // END SOLUTION
}

inline float PercentileObserver::quantile(size_t c, double q) const {
    const std::vector<double>& h = hist_[c];
    double total = 0;
    for (double v : h) total += v;
    [[maybe_unused]] const double target = q * total, width = (static_cast<double>(hi_[c]) - lo_[c]) / bins_;
    [[maybe_unused]] double seen = 0;
    // BEGIN SOLUTION: PercentileObserver::quantile (§3)
    for (int64_t b = 0; b < bins_; ++b) {
        if (h[b] > 0 && seen + h[b] >= target) {  // the target falls in bin b: interpolate inside it
            const double inside = (target - seen) / h[b];
            return static_cast<float>(lo_[c] + (b + inside) * width);
        }
        seen += h[b];
    }
    return hi_[c];
    // END SOLUTION
}

inline std::pair<std::vector<float>, std::vector<float>> PercentileObserver::range() const {
    std::vector<float> mins, maxs;
    const double tail = (100.0 - percentile_) / 100.0;
    for (size_t c = 0; c < hist_.size(); ++c) {
        // p = 100: the exact observed min and max (the histogram's edges)
        mins.push_back(tail == 0.0 ? lo_[c] : std::max(lo_[c], quantile(c, tail)));
        maxs.push_back(tail == 0.0 ? hi_[c] : std::min(hi_[c], quantile(c, 1.0 - tail)));
    }
    return {mins, maxs};
}

}  // namespace tinytorch::quantization
