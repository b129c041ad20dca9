// include/tinytorch/benchmarking/benchmarking.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md
// Everything module 19 offers (plus module 14, which it needs).
#pragma once
#include "tinytorch/profiling/profiling.hpp"
#include "tinytorch/benchmarking/statistics.hpp"
#include "tinytorch/benchmarking/harness.hpp"
#include "tinytorch/benchmarking/comparison.hpp"
#include "tinytorch/benchmarking/environment.hpp"
#include "tinytorch/benchmarking/report.hpp"
#include "tinytorch/benchmarking/pareto.hpp"
