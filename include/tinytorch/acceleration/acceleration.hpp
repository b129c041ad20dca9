// include/tinytorch/acceleration/acceleration.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md
//
// Making the same arithmetic fast, measured against this machine's limits: the roofline (§1),
// the GEMM ladder from three loops to a register tile (§2-§5), threads (§6), operator fusion (§7)
// and an inference path that freezes a trained model (§8). Namespace tinytorch::accel.
#pragma once
#include "tinytorch/acceleration/simd.hpp"          // given: Vec, the widest float vector of this CPU
#include "tinytorch/acceleration/machine_peak.hpp"  // §1 the two roofs measured (FMA peak given, triad)
#include "tinytorch/acceleration/roofline.hpp"      // §1 the roofline model
#include "tinytorch/acceleration/gemm_ladder.hpp"   // §2-§5 naive -> loop order -> blocking -> register tile
#include "tinytorch/acceleration/threading.hpp"     // §6 one block of rows per thread
#include "tinytorch/acceleration/fusion.hpp"        // §7 fused GELU, GEMM + bias + activation epilogue
#include "tinytorch/acceleration/freeze.hpp"        // §8 freeze(): pre-packed, fused, memory-reusing inference
