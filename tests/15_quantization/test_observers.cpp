// tests/15_quantization/test_observers.cpp — §3: min-max, moving-average and percentile observers,
// per tensor and per channel, with hand-worked ranges and parameters; bad input.
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "quant_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::quantization;

TEST_CASE("MinMaxObserver keeps the extremes of every batch and turns them into parameters", "[15_quantization]") {
    MinMaxObserver obs(ObserverOptions().dtype(kQUInt8));
    obs.observe(judge::tensor({-1.0f, 0.5f, 2.0f}, {1, 3}));
    obs(judge::tensor({0.0f, 3.0f}, {2, 1}));  // operator() observes and passes x through
    const auto [lo, hi] = obs.range();
    CHECK(lo == std::vector<float>{-1.0f});
    CHECK(hi == std::vector<float>{3.0f});
    CHECK(obs.batches_observed() == 2);
    const QuantParams p = obs.calculate_qparams();
    REQUIRE(p.scales.size() == 1);
    CHECK(p.scales[0] == Approx(4.0 / 255.0).epsilon(1e-6));
    CHECK(p.zero_points[0] == 64);
    CHECK(p.qscheme == kPerTensorAffine);
}

TEST_CASE("a per-channel symmetric observer gives each output row its own int8 scale", "[15_quantization]") {
    PerChannelMinMaxObserver obs;  // qint8, per_channel_symmetric, axis 0: what weights use
    obs.observe(judge::tensor({1.0f, -2.0f, 0.5f, 0.25f, 0.0f, 0.0f}, {3, 2}));
    const QuantParams p = obs.calculate_qparams();
    REQUIRE(p.scales.size() == 3);
    CHECK(p.scales[0] == Approx(2.0 / 127.0).epsilon(1e-6));
    CHECK(p.scales[1] == Approx(0.5 / 127.0).epsilon(1e-6));
    CHECK(p.scales[2] == 1.0f);  // an all-zero row
    CHECK(p.zero_points == std::vector<int32_t>{0, 0, 0});
    CHECK(p.qscheme == kPerChannelSymmetric);
    CHECK_THROWS_AS(obs.observe(judge::tensor({1, 2}, {2, 1})), ShapeError);  // 2 channels after 3
    CHECK_THROWS_WITH(obs.observe(judge::tensor({1, 2}, {2, 1})), Catch::Contains("observed 3 channels before, now 2"));
    // channels along axis 1 of a [2, 2, 2] tensor: channel c holds x[:, c, :]
    MinMaxObserver mid(ObserverOptions().dtype(kQUInt8).qscheme(kPerChannelAffine).ch_axis(1));
    mid.observe(judge::tensor({0, 1, 10, 20, -3, 2, 5, 7}, {2, 2, 2}));
    const auto [lo, hi] = mid.range();
    CHECK(lo == std::vector<float>{-3.0f, 5.0f});
    CHECK(hi == std::vector<float>{2.0f, 20.0f});
}

TEST_CASE("MovingAverageMinMaxObserver averages the range over batches", "[15_quantization]") {
    MovingAverageMinMaxObserver obs(ObserverOptions().dtype(kQUInt8), 0.5);
    obs.observe(judge::tensor({-1.0f, 1.0f}, {2}));  // the first batch sets the range
    obs.observe(judge::tensor({-3.0f, 5.0f}, {2}));  // min = −1 + 0.5·(−3 + 1), max = 1 + 0.5·(5 − 1)
    auto [lo, hi] = obs.range();
    CHECK(lo == std::vector<float>{-2.0f});
    CHECK(hi == std::vector<float>{3.0f});
    obs.observe(judge::tensor({0.0f, 1.0f}, {2}));  // −2 + 0.5·(0 + 2), 3 + 0.5·(1 − 3)
    std::tie(lo, hi) = obs.range();
    CHECK(lo == std::vector<float>{-1.0f});
    CHECK(hi == std::vector<float>{2.0f});
}

TEST_CASE("PercentileObserver ignores a rare outlier that MinMaxObserver stretches to", "[15_quantization]") {
    std::vector<float> v;
    for (int i = 0; i < 10000; ++i) v.push_back(static_cast<float>(i) / 10000.0f);  // [0, 1)
    v.push_back(100.0f);                                                            // one outlier
    const Tensor x = judge::tensor(v, {static_cast<int64_t>(v.size())});
    PercentileObserver pct(ObserverOptions().dtype(kQUInt8), 99.9, 2048);
    pct.observe(x);
    MinMaxObserver mm(ObserverOptions().dtype(kQUInt8));
    mm.observe(x);
    // the 99.9th percentile of these values is ~0.999; the histogram resolves 100/2048 ≈ 0.049
    const auto [plo, phi] = pct.range();
    CHECK(phi[0] > 0.9f);
    CHECK(phi[0] < 1.1f);
    CHECK(plo[0] >= 0.0f);
    CHECK(plo[0] < 0.06f);
    CHECK(mm.range().second[0] == 100.0f);
    CHECK(pct.calculate_qparams().scales[0] < mm.calculate_qparams().scales[0] / 50.0f);
    // a second batch beyond the range: the histogram widens, the counts move with it
    pct.observe(judge::tensor({-100.0f}, {1}));
    const auto [lo2, hi2] = pct.range();
    CHECK(lo2[0] > -1.0f);
    CHECK(hi2[0] < 1.2f);
    // percentile 100 is the exact observed range
    PercentileObserver all(ObserverOptions().dtype(kQUInt8), 100.0, 64);
    all.observe(x);
    CHECK(all.range().first[0] == 0.0f);
    CHECK(all.range().second[0] == 100.0f);
}

TEST_CASE("observers refuse non-finite values and asking before observing", "[15_quantization]") {
    MinMaxObserver obs(ObserverOptions().dtype(kQUInt8));
    CHECK_THROWS_AS(obs.calculate_qparams(), ValueError);
    CHECK_THROWS_WITH(obs.calculate_qparams(), Catch::Contains("nothing has been observed"));
    CHECK_THROWS_WITH(obs.observe(judge::tensor({1.0f, INFINITY}, {2})), Catch::Contains("holds inf at position 1"));
    CHECK_FALSE(obs.has_observed());
    obs.observe(judge::tensor({1.0f, 2.0f}, {2}));  // and observes finite values
    CHECK(obs.range().second == std::vector<float>{2.0f});
    CHECK_THROWS_WITH(MovingAverageMinMaxObserver(ObserverOptions(), 0.0), Catch::Contains("averaging_constant"));
    CHECK_THROWS_WITH(PercentileObserver(ObserverOptions(), 40.0), Catch::Contains("percentile must be in (50, 100]"));
}
