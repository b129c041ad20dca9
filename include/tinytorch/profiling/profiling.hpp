// include/tinytorch/profiling/profiling.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md
// Everything module 14 offers (plus modules 01 and 03, which it needs).
#pragma once
#include "tinytorch/tensor/tensor.hpp"
#include "tinytorch/layers/layers.hpp"
#include "tinytorch/profiling/event.hpp"
#include "tinytorch/profiling/json_writer.hpp"
#include "tinytorch/profiling/flop_counter.hpp"
#include "tinytorch/profiling/key_averages.hpp"
#include "tinytorch/profiling/chrome_trace.hpp"
#include "tinytorch/profiling/profiler.hpp"
#include "tinytorch/profiling/latency.hpp"
#include "tinytorch/profiling/model_summary.hpp"
