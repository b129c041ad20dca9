// include/tinytorch/capstone/capstone.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md
//
// The end of the course: one pipeline over a trained model — profile (14) → quantize (15) →
// prune (16) → fine-tune → benchmark (19) — and a submission report whose every number is
// measured on the files it names, validated against a schema written in code, and graded into
// Gradescope's results.json with a leaderboard.
#pragma once
#include "tinytorch/capstone/json_value.hpp"       // §1 JSON in, JSON out (given)
#include "tinytorch/capstone/variant_metrics.hpp"  // §2 size from the file, accuracy, latency
#include "tinytorch/capstone/schema.hpp"           // §3 a schema written in code
#include "tinytorch/capstone/submission.hpp"       // §4 the report, §5 checking its numbers
#include "tinytorch/capstone/pipeline.hpp"         // §6 profile → quantize → prune → fine-tune → benchmark
#include "tinytorch/capstone/gradescope.hpp"       // §7 results.json and the leaderboard
