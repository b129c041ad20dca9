// include/tinytorch/autograd/rules_tensor.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §3 (arithmetic), §7 (unary math),
//                        §8 (views and indexing), §9 (matmul and reductions)
//
// One backward rule per op that module 01 records (docs/architecture.md §3 is the table).
// A rule receives the Node and g = dL/d(output), and returns dL/d(input) for each input,
// shaped exactly like that input. Rules run with grad mode off: the ops they use record nothing.
// Broadcasting in the forward pass means summing in the backward pass: Tensor::sum_to.
#pragma once
#include <cmath>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::autograd {

/// Does input `i` of `node` want a gradient? (Skipping the others saves whole GEMMs.)
inline bool needs_grad(const Node& node, size_t i) {
    return i < node.inputs.size() && node.inputs[i].defined() && node.inputs[i].requires_grad();
}

// ---- arithmetic with broadcasting (§3) ------------------------------------------------------------

/// out = a + b:   da = g, db = g   (each summed back to its own shape)
inline std::vector<Tensor> add_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: add_backward (§3)
    return {g.sum_to(node.inputs[0].shape()), g.sum_to(node.inputs[1].shape())};
    // END SOLUTION
}

/// out = a - b:   da = g, db = -g
inline std::vector<Tensor> sub_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: sub_backward (§3)
    return {g.sum_to(node.inputs[0].shape()), needs_grad(node, 1) ? g.neg().sum_to(node.inputs[1].shape()) : Tensor()};
    // END SOLUTION
}

/// out = a * b:   da = g * b, db = g * a
inline std::vector<Tensor> mul_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: mul_backward (§3)
    const Tensor &a = node.inputs[0], &b = node.inputs[1];
    return {needs_grad(node, 0) ? g.mul(b).sum_to(a.shape()) : Tensor(),
            needs_grad(node, 1) ? g.mul(a).sum_to(b.shape()) : Tensor()};
    // END SOLUTION
}

/// out = a / b:   da = g / b, db = -g * a / b^2
inline std::vector<Tensor> div_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: div_backward (§3)
    const Tensor &a = node.inputs[0], &b = node.inputs[1];
    return {needs_grad(node, 0) ? g.div(b).sum_to(a.shape()) : Tensor(),
            needs_grad(node, 1) ? g.mul(a).div(b.mul(b)).neg().sum_to(b.shape()) : Tensor()};
    // END SOLUTION
}

/// out = x + s:   dx = g
inline std::vector<Tensor> add_scalar_backward(const Node&, const Tensor& g) {
    // BEGIN SOLUTION: add_scalar_backward (§3)
    return {g};
    // END SOLUTION
}

/// out = x * s:   dx = g * s
inline std::vector<Tensor> mul_scalar_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: mul_scalar_backward (§3)
    return {g.mul(static_cast<float>(node.scalars[0]))};
    // END SOLUTION
}

// ---- unary math and selection (§7) -------------------------------------------------------------------

/// out = -x:   dx = -g
inline std::vector<Tensor> neg_backward(const Node&, const Tensor& g) {
    // BEGIN SOLUTION: neg_backward (§7)
    return {g.neg()};
    // END SOLUTION
}

/// out = |x|:   dx = g * sign(x)   (0 at x = 0, as in PyTorch)
inline std::vector<Tensor> abs_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: abs_backward (§7)
    const Tensor& x = node.inputs[0];
    return {g.mul(x.gt(0.0f)).sub(g.mul(x.lt(0.0f)))};  // masks are Bool: g·[x > 0] − g·[x < 0]
    // END SOLUTION
}

/// out = log(x):   dx = g / x
inline std::vector<Tensor> log_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: log_backward (§7)
    return {g.div(node.inputs[0])};
    // END SOLUTION
}

/// out = exp(x):   dx = g * out   (out is saved: no second exp)
inline std::vector<Tensor> exp_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: exp_backward (§7)
    return {g.mul(node.saved[0])};
    // END SOLUTION
}

/// out = sqrt(x):   dx = g / (2 * out)
inline std::vector<Tensor> sqrt_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: sqrt_backward (§7)
    return {g.div(node.saved[0].mul(2.0f))};
    // END SOLUTION
}

/// out = x^p:   dx = g * p * x^(p-1)   (0 for p = 0, where x^(p-1) could be inf)
inline std::vector<Tensor> pow_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: pow_backward (§7)
    const float p = static_cast<float>(node.scalars[0]);
    if (p == 0.0f) return {zeros(node.inputs[0].shape())};
    return {g.mul(node.inputs[0].pow(p - 1.0f).mul(p))};
    // END SOLUTION
}

/// out = clamp(x, lo, hi):   dx = g where lo <= x <= hi, else 0
inline std::vector<Tensor> clamp_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: clamp_backward (§7)
    const Tensor& x = node.inputs[0];
    const float lo = static_cast<float>(node.scalars[0]), hi = static_cast<float>(node.scalars[1]);
    return {g.mul(x.ge(lo).mul(x.le(hi)))};
    // END SOLUTION
}

/// out = masked_fill(x, mask, v):   dx = g where mask == 0 (filled positions got a constant)
inline std::vector<Tensor> masked_fill_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: masked_fill_backward (§7)
    return {g.mul(node.saved[0].eq(0.0f))};
    // END SOLUTION
}

/// out = where(c, a, b):   da = g * [c != 0], db = g * [c == 0], each summed to its shape
inline std::vector<Tensor> where_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: where_backward (§7)
    const Tensor& cond = node.saved[0];
    return {needs_grad(node, 0) ? g.mul(cond.ne(0.0f)).sum_to(node.inputs[0].shape()) : Tensor(),
            needs_grad(node, 1) ? g.mul(cond.eq(0.0f)).sum_to(node.inputs[1].shape()) : Tensor()};
    // END SOLUTION
}

/// out = maximum(a, b):   g goes to the larger input; on a tie each gets half
inline std::vector<Tensor> maximum_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: maximum_backward (§7)
    const Tensor &a = node.inputs[0], &b = node.inputs[1];
    const Tensor half_tie = a.eq(b).mul(0.5f);
    return {needs_grad(node, 0) ? g.mul(a.gt(b).add(half_tie)).sum_to(a.shape()) : Tensor(),
            needs_grad(node, 1) ? g.mul(b.gt(a).add(half_tie)).sum_to(b.shape()) : Tensor()};
    // END SOLUTION
}

/// out = minimum(a, b):   g goes to the smaller input; on a tie each gets half
inline std::vector<Tensor> minimum_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: minimum_backward (§7)
    const Tensor &a = node.inputs[0], &b = node.inputs[1];
    const Tensor half_tie = a.eq(b).mul(0.5f);
    return {needs_grad(node, 0) ? g.mul(a.lt(b).add(half_tie)).sum_to(a.shape()) : Tensor(),
            needs_grad(node, 1) ? g.mul(b.lt(a).add(half_tie)).sum_to(b.shape()) : Tensor()};
    // END SOLUTION
}

// ---- views, indexing and joining (§8) --------------------------------------------------------------

/// view / reshape / flatten / squeeze / unsqueeze:   dx = g reshaped back
inline std::vector<Tensor> reshape_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: reshape_backward (§8)
    return {g.reshape(node.inputs[0].shape())};
    // END SOLUTION
}

/// out = x.permute(dims):   dx = g.permute(inverse), where inverse[dims[i]] = i
inline std::vector<Tensor> permute_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: permute_backward (§8)
    std::vector<int64_t> inverse(node.ints.size());
    for (size_t i = 0; i < node.ints.size(); ++i) inverse[node.ints[i]] = static_cast<int64_t>(i);
    return {g.permute(inverse)};
    // END SOLUTION
}

/// out = x.expand(shape):   every copy fed the loss, so dx = g summed over the expanded dims
inline std::vector<Tensor> expand_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: expand_backward (§8)
    return {g.sum_to(node.inputs[0].shape())};
    // END SOLUTION
}

/// out = x.select(dim, i):   dx = zeros with g written at index i of dim
inline std::vector<Tensor> select_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: select_backward (§8)
    Tensor gx = zeros(node.inputs[0].shape());
    gx.select(node.ints[0], node.ints[1]).copy_(g);
    return {gx};
    // END SOLUTION
}

/// out = x.slice(dim, start, stop, step):   dx = zeros with g written into the same slice
inline std::vector<Tensor> slice_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: slice_backward (§8)
    Tensor gx = zeros(node.inputs[0].shape());
    gx.slice(node.ints[0], node.ints[1], node.ints[2], node.ints[3]).copy_(g);
    return {gx};
    // END SOLUTION
}

/// out = x.index_select(dim, idx):   dx = zeros, row k of g added at row idx[k] (repeats add up)
inline std::vector<Tensor> index_select_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: index_select_backward (§8)
    const int64_t dim = node.ints[0];
    const std::vector<float> idx = node.saved[0].to_vector();
    Tensor gx = zeros(node.inputs[0].shape());
    for (size_t k = 0; k < idx.size(); ++k)
        gx.select(dim, static_cast<int64_t>(idx[k])).add_(g.select(dim, static_cast<int64_t>(k)));
    return {gx};
    // END SOLUTION
}

/// out = x.clone() (or contiguous() when it copies):   dx = g
inline std::vector<Tensor> clone_backward(const Node&, const Tensor& g) {
    // BEGIN SOLUTION: clone_backward (§8)
    return {g};
    // END SOLUTION
}

/// out = cat({t0, ..., tn}, dim):   dt_k = the slice of g that t_k filled
inline std::vector<Tensor> cat_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: cat_backward (§8)
    const int64_t dim = node.ints[0];
    std::vector<Tensor> grads;
    int64_t pos = 0;
    for (size_t k = 0; k < node.inputs.size(); ++k) {
        const int64_t n = node.inputs[k].size(dim);
        grads.push_back(needs_grad(node, k) ? g.slice(dim, pos, pos + n) : Tensor());
        pos += n;
    }
    return grads;
    // END SOLUTION
}

// ---- matmul and reductions (§9) --------------------------------------------------------------------

/// out = a @ b, [..., M, K] @ [..., K, N]:   da = g @ b^T, db = a^T @ g, each summed over
/// broadcast batch dims.
inline std::vector<Tensor> matmul_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: matmul_backward (§9)
    const Tensor &a = node.inputs[0], &b = node.inputs[1];
    Tensor ga, gb;
    if (needs_grad(node, 0)) ga = g.matmul(b.transpose(-1, -2)).sum_to(a.shape());
    if (needs_grad(node, 1)) {
        if (b.dim() == 2 && a.dim() == 2 && b.stride(0) == 1 && b.stride(1) >= b.size(0)) {
            // b is a transposed view (Linear's weight.t()): compute the gradient in b's own memory
            // layout, (gᵀ @ a)ᵀ, so that the weight's gradient comes out contiguous [out, in]
            // instead of needing a strided copy. Same numbers as aᵀ @ g.
            gb = g.t().matmul(a).t();
        } else if (b.dim() == 2 && a.dim() > 2) {
            // Fast path (a Linear layer on [B, T, K] input): fold the batch into the rows,
            // [K, B*T] @ [B*T, N] is one GEMM instead of B GEMMs and a sum over B.
            gb = a.reshape({-1, a.size(-1)}).t().matmul(g.reshape({-1, g.size(-1)}));
        } else {
            gb = a.transpose(-1, -2).matmul(g).sum_to(b.shape());  // the general rule
        }
    }
    return {ga, gb};
    // END SOLUTION
}

/// out = x.sum(dims, keepdim):   every summed element fed the loss once, so dx = g broadcast back
/// (ints = {keepdim, dims...}; without keepdim the reduced dims come back as size 1 first).
inline std::vector<Tensor> sum_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: sum_backward (§9)
    const Shape& shape = node.inputs[0].shape();
    Shape kept = shape;
    for (size_t i = 1; i < node.ints.size(); ++i) kept[node.ints[i]] = 1;
    return {g.reshape(kept).expand(shape)};  // an expand view: no copy of g per element
    // END SOLUTION
}

/// out = x.max(dim) / x.min(dim):   g flows to the chosen element of each row, 0 elsewhere
/// (saved[0] = the chosen indices in the output's layout; ints = {dim, keepdim}).
inline std::vector<Tensor> extreme_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: extreme_backward (§9)
    const Shape& shape = node.inputs[0].shape();
    const int64_t dim = node.ints[0];
    Shape kept = shape;
    kept[dim] = 1;
    const Tensor gk = g.reshape(kept).contiguous(), ik = node.saved[0].reshape(kept).contiguous();
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < dim; ++d) outer *= shape[d];
    for (size_t d = dim + 1; d < shape.size(); ++d) inner *= shape[d];
    const int64_t n = shape[dim];
    Tensor gx = zeros(shape);
    float* out = gx.data_ptr();
    const float* pg = gk.data_ptr();
    const float* pi = ik.data_ptr();
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t j = 0; j < inner; ++j) {
            const int64_t r = o * inner + j;
            out[(o * n + static_cast<int64_t>(pi[r])) * inner + j] += pg[r];
        }
    return {gx};
    // END SOLUTION
}

// ---- registration: at program start, by name (the names of the op table) ----------------------------

inline bool register_tensor_rules() {
    register_rule("add", &add_backward);
    register_rule("sub", &sub_backward);
    register_rule("mul", &mul_backward);
    register_rule("div", &div_backward);
    register_rule("maximum", &maximum_backward);
    register_rule("minimum", &minimum_backward);
    register_rule("add_scalar", &add_scalar_backward);
    register_rule("mul_scalar", &mul_scalar_backward);
    register_rule("neg", &neg_backward);
    register_rule("abs", &abs_backward);
    register_rule("log", &log_backward);
    register_rule("exp", &exp_backward);
    register_rule("sqrt", &sqrt_backward);
    register_rule("pow", &pow_backward);
    register_rule("clamp", &clamp_backward);
    register_rule("masked_fill", &masked_fill_backward);
    register_rule("where", &where_backward);
    register_rule("matmul", &matmul_backward);
    register_rule("reshape", &reshape_backward);
    register_rule("permute", &permute_backward);
    register_rule("expand", &expand_backward);
    register_rule("select", &select_backward);
    register_rule("slice", &slice_backward);
    register_rule("index_select", &index_select_backward);
    register_rule("clone", &clone_backward);
    register_rule("cat", &cat_backward);
    register_rule("sum", &sum_backward);
    register_rule("max", &extreme_backward);
    register_rule("min", &extreme_backward);
    return true;
}
inline const bool tensor_rules_registered = register_tensor_rules();

}  // namespace tinytorch::autograd
