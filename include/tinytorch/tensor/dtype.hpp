// include/tinytorch/tensor/dtype.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §1 (the dtype tag)
//
// Every tensor stores float32 values. A tag says how to read them: Float (numbers) or Bool
// (0 = false, 1 = true: what comparisons return, what masks are). libtorch spells the same
// tags torch::kFloat32 / kFloat / kBool, and `x.dtype() == kBool` reads the same here.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

namespace tinytorch {

/// How a tensor's float32 storage is read. Room for more (Int8 in module 15) later.
enum class ScalarType : int8_t { Float, Bool };

inline constexpr ScalarType kFloat32 = ScalarType::Float;
inline constexpr ScalarType kFloat = ScalarType::Float;
inline constexpr ScalarType kBool = ScalarType::Bool;

/// "Float" / "Bool" (libtorch's names of the scalar types).
inline std::string dtype_name(ScalarType t) { return t == ScalarType::Bool ? "Bool" : "Float"; }
inline std::ostream& operator<<(std::ostream& out, ScalarType t) { return out << dtype_name(t); }

}  // namespace tinytorch
