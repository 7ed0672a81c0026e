"""Sparse optimizer updates (``SparseApply*``): change only the rows of a variable (and of
its slots) that an IndexedSlices gradient names.

Inputs follow TensorFlow's ops: the variable and its slots, hyper-parameters (scalars of the
variable's dtype), the gradient's rows ``grad`` (``[n] + var.shape[1:]``) and ``indices``
(``[n]``, int32 or int64), in TensorFlow's order for each op. The formulas are those of
TensorFlow 1.x's CPU kernels (``training_ops.cc``), row by row, in their order of
operations: a row named twice is updated twice, one after the other, as TensorFlow's loop
over the indices does (optimizers sum repeated rows before they get here).

Why in place: an embedding table of 50,000 x 128 floats updated at 128 rows must cost 128
rows, not a copy of the table. A kernel writes into the variable's and slots' arrays when
nothing but the variable store can see them (ownership.py), and otherwise into copies (then
readers holding the old array keep seeing it, as for every other update in smallflow).
"""

import numpy as np

from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor
from ..op_signature import FLOATS, INDEX, signature
from ..ownership import takes_dead_inputs, writable_alone
from ..registry import NotDifferentiable, register_op
from .common import make_op
from .training_ops import state_ref

__all__ = [
    "sparse_apply_adadelta", "sparse_apply_adagrad", "sparse_apply_adagrad_da",
    "sparse_apply_centered_rms_prop", "sparse_apply_ftrl", "sparse_apply_ftrl_v2",
    "sparse_apply_momentum", "sparse_apply_proximal_adagrad",
    "sparse_apply_proximal_gradient_descent", "sparse_apply_rms_prop",
]


# -- the shared kernel ---------------------------------------------------------------------------


def _rounds(indices):
    """Positions into ``indices`` split into rounds in which no row repeats; the k-th
    occurrence of a row is in round k, so applying the rounds in order is applying the
    indices one by one."""
    count = indices.size
    if count < 2:
        return [slice(None)]
    order = np.argsort(indices, kind="stable")
    ordered = indices[order]
    starts_group = np.empty(count, dtype=bool)
    starts_group[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts_group[1:])
    if starts_group.all():
        return [slice(None)]
    starts = np.flatnonzero(starts_group)
    group_start = np.repeat(starts, np.diff(np.append(starts, count)))
    occurrence = np.arange(count) - group_start
    return [np.sort(order[occurrence == k]) for k in range(int(occurrence.max()) + 1)]


def _check(op_type, arrays, names, grad, indices):
    var = arrays[0]
    for array, name in zip(arrays[1:], names[1:]):
        if array.shape != var.shape:
            raise InvalidArgumentError(
                None, None, f"var and {name} do not have the same shape"
                f"[{','.join(map(str, var.shape))}] [{','.join(map(str, array.shape))}]")
    if var.ndim < 1:
        raise InvalidArgumentError(None, None, "var must be at least 1 dimensional")
    if indices.ndim != 1:
        raise InvalidArgumentError(None, None, "indices must be one-dimensional")
    if grad.shape[1:] != var.shape[1:] or grad.ndim != var.ndim:
        raise InvalidArgumentError(
            None, None, f"var and grad must match in dimension 1 and beyond: "
            f"[{','.join(map(str, var.shape))}] [{','.join(map(str, grad.shape))}]")
    if grad.shape[0] != indices.shape[0]:
        raise InvalidArgumentError(
            None, None, "grad must be the same size as indices in the first dimension.")
    bad = (indices < 0) | (indices >= var.shape[0])
    if bad.any():
        where = int(np.argmax(bad))
        raise InvalidArgumentError(
            None, None, f"{op_type}: Index {int(indices[where])} at offset {where} in indices "
            f"is out of range")


def _sparse_kernel(op_type, n_state, slot_names, update):
    """The kernel factory of a ``SparseApply*`` op with ``n_state`` variable inputs.

    ``update(rows, grad_rows, scalars)`` gets the current rows of the variable and its slots
    (copies) and returns their new values in the same order.
    """

    def factory(attrs, state):
        names = attrs["var_names"]
        grad_at = attrs["grad_input"]
        store = state.variables

        @takes_dead_inputs
        def apply(*inputs):
            arrays = list(inputs[:n_state])
            grad = inputs[grad_at]
            indices = np.asarray(inputs[grad_at + 1])
            scalars = [v for i, v in enumerate(inputs[n_state:], n_state)
                       if i not in (grad_at, grad_at + 1)]
            del inputs
            _check(op_type, arrays, slot_names, grad, indices)
            for k in range(n_state):
                # Write in place only where the store and this call are the only holders.
                if not (writable_alone(arrays[k], 1) and store.get(names[k]) is arrays[k]):
                    arrays[k] = arrays[k].copy()
                    store[names[k]] = arrays[k]
            for positions in _rounds(indices):
                rows = indices[positions]
                new = update([a[rows] for a in arrays], grad[positions], scalars)
                for array, values in zip(arrays, new):
                    array[rows] = values
            return arrays[0]

        return apply

    return factory


def _shape_fn(n_state, grad_at, scalar_at):
    def shape_fn(op):
        shape = op.inputs[0].shape
        for index in range(1, n_state):
            other = op.inputs[index].shape
            if not shape.is_compatible_with(other):
                raise ShapeError(f"Shapes must be equal, but are {shape.bracket_str()} and "
                                 f"{other.bracket_str()}")
            shape = shape.merge_with(other)
        grad = op.inputs[grad_at].shape
        indices = op.inputs[grad_at + 1].shape
        if indices.ndims not in (None, 1):
            raise ShapeError(f"Shape must be rank 1 but is rank {indices.ndims} for indices")
        if grad.ndims is not None and shape.ndims is not None and (
                grad.ndims != shape.ndims or not grad[1:].is_compatible_with(shape[1:])):
            raise ShapeError(f"Dimensions 1 and beyond of grad {grad.bracket_str()} must "
                             f"equal those of var {shape.bracket_str()}")
        if grad.ndims is not None and indices.ndims == 1 and not grad[:1].is_compatible_with(
                indices):
            raise ShapeError(f"Dimension 0 of grad {grad.bracket_str()} must equal the "
                             f"number of indices {indices.bracket_str()}")
        for index in scalar_at:
            rank = op.inputs[index].shape.ndims
            if rank not in (None, 0):
                raise ShapeError(f"Shape must be rank 0 but is rank {rank}")
        return [shape]

    return shape_fn


def _build(op_type, args, name, attrs=None):
    """Build ``op_type`` from ``args``: (name, value, kind) in TensorFlow's input order, kind
    ``"ref"`` (a variable), ``"T"`` (the variable's dtype), ``"indices"`` or a dtype."""
    ref_args = [(arg, value) for arg, value, kind in args if kind == "ref"]
    refs = [state_ref(value, op_type, arg) for arg, value in ref_args]
    dtype = refs[0].dtype
    inputs = list(refs)
    for arg, value, kind in args[len(refs):]:
        if kind == "T":
            tensor = convert_to_tensor(value, name=arg, preferred_dtype=dtype)
            if tensor.dtype != dtype:
                raise TypeError(f"Input '{arg}' of '{op_type}' Op has type {tensor.dtype.name} "
                                f"that does not match type {dtype.name} of argument 'var'.")
        elif kind == "indices":
            tensor = convert_to_tensor(value, name=arg)
        else:
            tensor = convert_to_tensor(value, name=arg, dtype=kind)
        inputs.append(tensor)
    grad_at = [arg for arg, _, _ in args].index("grad")
    attrs = dict(attrs or {}, var_names=tuple(ref.op.attrs["var_name"] for ref in refs),
                 grad_input=grad_at)
    return make_op(op_type, inputs, [dtype], attrs, name, op_type).outputs[0]


def _register(op_type, arg_text, n_state, update, slot_names, **types):
    args = [a.strip() for a in arg_text.split(",")]
    grad_at = [a.partition(":")[0] for a in args].index("grad")
    scalar_at = [i for i in range(n_state, len(args)) if i not in (grad_at, grad_at + 1)]
    register_op(op_type, _sparse_kernel(op_type, n_state, slot_names, update),
                _shape_fn(n_state, grad_at, scalar_at), stateful=True,
                signature=signature(f"{arg_text} -> out: T", T=FLOATS, Tindices=INDEX, **types))
    NotDifferentiable(op_type)


# -- momentum ------------------------------------------------------------------------------------


def _momentum_rows(nesterov):
    def update(rows, g, scalars):
        var, accum = rows
        lr, momentum = scalars
        accum = accum * momentum + g
        if nesterov:
            var -= g * lr + accum * momentum * lr
        else:
            var -= accum * lr
        return var, accum

    return update


def _momentum_factory(attrs, state):
    # The attr use_nesterov picks the row update.
    update = _momentum_rows(attrs.get("use_nesterov", False))
    return _sparse_kernel("SparseApplyMomentum", 2, ("var", "accum"), update)(attrs, state)


register_op("SparseApplyMomentum", _momentum_factory, _shape_fn(2, 3, (2, 5)), stateful=True,
            signature=signature("var: T, accum: T, lr: T, grad: T, indices: Tindices, "
                                "momentum: T -> out: T", T=FLOATS, Tindices=INDEX))
NotDifferentiable("SparseApplyMomentum")


def sparse_apply_momentum(var, accum, lr, grad, indices, momentum, use_locking=False,
                          use_nesterov=False, name=None):
    """At the rows ``indices``: ``accum = accum * momentum + grad; var -= lr * accum``
    (Nesterov: ``var -= grad * lr + accum * momentum * lr``)."""
    args = [("var", var, "ref"), ("accum", accum, "ref"), ("lr", lr, "T"), ("grad", grad, "T"),
            ("indices", indices, "indices"), ("momentum", momentum, "T")]
    return _build("SparseApplyMomentum", args, name, {"use_nesterov": bool(use_nesterov)})


# -- Adagrad and its proximal form -----------------------------------------------------------------


def _adagrad_rows(rows, g, scalars):
    var, accum = rows
    (lr,) = scalars
    accum += g * g
    var -= g * lr / np.sqrt(accum)
    return var, accum


_register("SparseApplyAdagrad", "var: T, accum: T, lr: T, grad: T, indices: Tindices", 2,
          _adagrad_rows, ("var", "accum"))


def sparse_apply_adagrad(var, accum, lr, grad, indices, use_locking=False, update_slots=True,
                         name=None):
    """At the rows ``indices``: ``accum += grad**2; var -= lr * grad / sqrt(accum)``."""
    if not update_slots:
        raise NotImplementedError("SparseApplyAdagrad with update_slots=False is not supported")
    args = [("var", var, "ref"), ("accum", accum, "ref"), ("lr", lr, "T"), ("grad", grad, "T"),
            ("indices", indices, "indices")]
    return _build("SparseApplyAdagrad", args, name)


def _shrink(prox_v, rate, l1, l2):
    """TensorFlow's proximal step: soft threshold by ``rate * l1`` (when l1 > 0), then
    divide by ``1 + rate * l2``."""
    if l1 > 0:
        return np.sign(prox_v) * np.maximum(np.abs(prox_v) - rate * l1, 0) / (1 + l2 * rate)
    return prox_v / (1 + l2 * rate)


def _proximal_adagrad_rows(rows, g, scalars):
    var, accum = rows
    lr, l1, l2 = scalars
    accum += g * g
    rate = lr / np.sqrt(accum)
    return _shrink(var - g * rate, rate, l1, l2), accum


_register("SparseApplyProximalAdagrad",
          "var: T, accum: T, lr: T, l1: T, l2: T, grad: T, indices: Tindices", 2,
          _proximal_adagrad_rows, ("var", "accum"))


def sparse_apply_proximal_adagrad(var, accum, lr, l1, l2, grad, indices, use_locking=False,
                                  name=None):
    """At the rows ``indices``: Adagrad's step, then the proximal step of l1 and l2."""
    args = [("var", var, "ref"), ("accum", accum, "ref"), ("lr", lr, "T"), ("l1", l1, "T"),
            ("l2", l2, "T"), ("grad", grad, "T"), ("indices", indices, "indices")]
    return _build("SparseApplyProximalAdagrad", args, name)


def _proximal_gd_rows(rows, g, scalars):
    (var,) = rows
    alpha, l1, l2 = scalars
    return (_shrink(var - g * alpha, alpha, l1, l2),)


_register("SparseApplyProximalGradientDescent",
          "var: T, alpha: T, l1: T, l2: T, grad: T, indices: Tindices", 1, _proximal_gd_rows,
          ("var",))


def sparse_apply_proximal_gradient_descent(var, alpha, l1, l2, grad, indices, use_locking=False,
                                           name=None):
    """At the rows ``indices``: ``var -= alpha * grad``, then the proximal step."""
    args = [("var", var, "ref"), ("alpha", alpha, "T"), ("l1", l1, "T"), ("l2", l2, "T"),
            ("grad", grad, "T"), ("indices", indices, "indices")]
    return _build("SparseApplyProximalGradientDescent", args, name)


def _adagrad_da_rows(rows, g, scalars):
    var, sums, squares = rows
    lr, l1, l2, step = scalars
    step = var.dtype.type(step)
    sums += g
    squares += g * g
    denominator = l2 * step + np.sqrt(squares) / lr
    if l1 > 0:
        return -np.sign(sums) * np.maximum(np.abs(sums) - l1 * step, 0) / denominator, sums, \
            squares
    return -sums / denominator, sums, squares


_register("SparseApplyAdagradDA",
          "var: T, gradient_accumulator: T, gradient_squared_accumulator: T, grad: T, "
          "indices: Tindices, lr: T, l1: T, l2: T, global_step: int64", 3, _adagrad_da_rows,
          ("var", "gradient_accumulator", "gradient_squared_accumulator"))


def sparse_apply_adagrad_da(var, gradient_accumulator, gradient_squared_accumulator, grad,
                            indices, lr, l1, l2, global_step, use_locking=False, name=None):
    """At the rows ``indices``: dual averaging from the sums of gradients and squares."""
    args = [("var", var, "ref"), ("gradient_accumulator", gradient_accumulator, "ref"),
            ("gradient_squared_accumulator", gradient_squared_accumulator, "ref"),
            ("grad", grad, "T"), ("indices", indices, "indices"), ("lr", lr, "T"),
            ("l1", l1, "T"), ("l2", l2, "T"), ("global_step", global_step, "int64")]
    return _build("SparseApplyAdagradDA", args, name)


# -- Adadelta ------------------------------------------------------------------------------------


def _adadelta_rows(rows, g, scalars):
    var, accum, accum_update = rows
    lr, rho, epsilon = scalars
    keep = 1 - rho
    accum = accum * rho + g * g * keep
    update = np.sqrt(accum_update + epsilon) / np.sqrt(accum + epsilon) * g
    var -= update * lr
    accum_update = accum_update * rho + update * update * keep
    return var, accum, accum_update


_register("SparseApplyAdadelta",
          "var: T, accum: T, accum_update: T, lr: T, rho: T, epsilon: T, grad: T, "
          "indices: Tindices", 3, _adadelta_rows, ("var", "accum", "accum_update"))


def sparse_apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, indices,
                          use_locking=False, name=None):
    """At the rows ``indices``: Adadelta's step (running RMS of updates over that of grads)."""
    args = [("var", var, "ref"), ("accum", accum, "ref"), ("accum_update", accum_update, "ref"),
            ("lr", lr, "T"), ("rho", rho, "T"), ("epsilon", epsilon, "T"), ("grad", grad, "T"),
            ("indices", indices, "indices")]
    return _build("SparseApplyAdadelta", args, name)


# -- RMSProp ---------------------------------------------------------------------------------------


def _rms_prop_rows(rows, g, scalars):
    var, ms, mom = rows
    lr, rho, momentum, epsilon = scalars
    ms = ms * rho + g * g * (1 - rho)
    mom = mom * momentum + lr * g / np.sqrt(ms + epsilon)
    var -= mom
    return var, ms, mom


_register("SparseApplyRMSProp",
          "var: T, ms: T, mom: T, lr: T, rho: T, momentum: T, epsilon: T, grad: T, "
          "indices: Tindices", 3, _rms_prop_rows, ("var", "ms", "mom"))


def sparse_apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, indices,
                          use_locking=False, name=None):
    """At the rows ``indices``: ``ms = rho * ms + (1 - rho) * grad**2``;
    ``mom = momentum * mom + lr * grad / sqrt(ms + epsilon)``; ``var -= mom``."""
    args = [("var", var, "ref"), ("ms", ms, "ref"), ("mom", mom, "ref"), ("lr", lr, "T"),
            ("rho", rho, "T"), ("momentum", momentum, "T"), ("epsilon", epsilon, "T"),
            ("grad", grad, "T"), ("indices", indices, "indices")]
    return _build("SparseApplyRMSProp", args, name)


def _centered_rms_prop_rows(rows, g, scalars):
    var, mg, ms, mom = rows
    lr, rho, momentum, epsilon = scalars
    keep = 1 - rho
    ms = ms * rho + g * g * keep
    mg = mg * rho + g * keep
    denominator = ms - mg * mg + epsilon
    mom = mom * momentum + lr * g / np.sqrt(denominator)
    var -= mom
    return var, mg, ms, mom


_register("SparseApplyCenteredRMSProp",
          "var: T, mg: T, ms: T, mom: T, lr: T, rho: T, momentum: T, epsilon: T, grad: T, "
          "indices: Tindices", 4, _centered_rms_prop_rows, ("var", "mg", "ms", "mom"))


def sparse_apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, indices,
                                   use_locking=False, name=None):
    """Centered RMSProp at the rows ``indices`` (the denominator is
    ``sqrt(ms - mg**2 + epsilon)``)."""
    args = [("var", var, "ref"), ("mg", mg, "ref"), ("ms", ms, "ref"), ("mom", mom, "ref"),
            ("lr", lr, "T"), ("rho", rho, "T"), ("momentum", momentum, "T"),
            ("epsilon", epsilon, "T"), ("grad", grad, "T"), ("indices", indices, "indices")]
    return _build("SparseApplyCenteredRMSProp", args, name)


# -- FTRL ------------------------------------------------------------------------------------------


def _ftrl_step(var, accum, linear, g, lr, l1, l2, shrinkage, lr_power):
    shrunk_grad = g if shrinkage is None else g + 2 * shrinkage * var
    new_accum = accum + g * g
    if lr_power == -0.5:
        grown, old = np.sqrt(new_accum), np.sqrt(accum)
    else:
        grown, old = np.power(new_accum, -lr_power), np.power(accum, -lr_power)
    linear = linear + shrunk_grad - (grown - old) / lr * var
    quadratic = grown / lr + 2 * l2
    var = (np.clip(linear, -l1, l1) - linear) / quadratic
    return var, new_accum, linear


def _ftrl_rows(rows, g, scalars):
    var, accum, linear = rows
    lr, l1, l2, lr_power = scalars
    return _ftrl_step(var, accum, linear, g, lr, l1, l2, None, lr_power)


def _ftrl_v2_rows(rows, g, scalars):
    var, accum, linear = rows
    lr, l1, l2, shrinkage, lr_power = scalars
    return _ftrl_step(var, accum, linear, g, lr, l1, l2, shrinkage, lr_power)


_register("SparseApplyFtrl",
          "var: T, accum: T, linear: T, grad: T, indices: Tindices, lr: T, l1: T, l2: T, "
          "lr_power: T", 3, _ftrl_rows, ("var", "accum", "linear"))
_register("SparseApplyFtrlV2",
          "var: T, accum: T, linear: T, grad: T, indices: Tindices, lr: T, l1: T, l2: T, "
          "l2_shrinkage: T, lr_power: T", 3, _ftrl_v2_rows, ("var", "accum", "linear"))


def sparse_apply_ftrl(var, accum, linear, grad, indices, lr, l1, l2, lr_power, use_locking=False,
                      name=None):
    """FTRL-proximal at the rows ``indices``."""
    args = [("var", var, "ref"), ("accum", accum, "ref"), ("linear", linear, "ref"),
            ("grad", grad, "T"), ("indices", indices, "indices"), ("lr", lr, "T"),
            ("l1", l1, "T"), ("l2", l2, "T"), ("lr_power", lr_power, "T")]
    return _build("SparseApplyFtrl", args, name)


def sparse_apply_ftrl_v2(var, accum, linear, grad, indices, lr, l1, l2, l2_shrinkage, lr_power,
                         use_locking=False, name=None):
    """FTRL-proximal with l2 shrinkage of the gradient, at the rows ``indices``."""
    args = [("var", var, "ref"), ("accum", accum, "ref"), ("linear", linear, "ref"),
            ("grad", grad, "T"), ("indices", indices, "indices"), ("lr", lr, "T"),
            ("l1", l1, "T"), ("l2", l2, "T"), ("l2_shrinkage", l2_shrinkage, "T"),
            ("lr_power", lr_power, "T")]
    return _build("SparseApplyFtrlV2", args, name)
