// include/tinytorch/training/training.hpp
// Module 08 · Training — lesson: modules/08_training/README.md
// Everything module 08 offers: the Trainer, LR schedulers, gradient clipping, checkpoints
// (safetensors), the progress bar and the metrics log.
#pragma once
#include "tinytorch/training/clip_grad.hpp"
#include "tinytorch/training/schedulers.hpp"
#include "tinytorch/training/progress_bar.hpp"
#include "tinytorch/training/metrics_log.hpp"
#include "tinytorch/training/safetensors.hpp"
#include "tinytorch/training/trainer.hpp"
#include "tinytorch/training/checkpoint.hpp"
