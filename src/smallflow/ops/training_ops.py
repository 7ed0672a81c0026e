"""Optimizer update ops: read a variable and its slots, compute new values, store them.

Each kernel is stateful: built with ``kernel(attrs, state)``, it writes the new value of the
variable (and of its slots) into ``state.variables`` as new arrays, so that every other
reader in the same ``Session.run`` sees the old values; it returns the new variable value.
Adam writes into the old arrays instead when nothing else can see them (no other reader
holds them, see ownership.py): same results, half the time for a large variable. Inputs
follow TensorFlow's ``Apply*`` ops: the variable, its slots, the hyper-parameters (scalars
of the variable's dtype), and the gradient (same shape).

The formulas are those of TensorFlow's CPU kernels, including where epsilon sits and the
order of operations. Large variables are updated in cache-sized blocks so the
intermediates of one block stay in cache; only the new arrays are allocated.
"""

import numpy as np

from .. import workers
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor
from ..op_signature import FLOATS, signature
from ..ownership import takes_dead_inputs, writable_alone
from ..registry import NotDifferentiable, register_op
from .common import make_op

# Elements per block: 256 KiB of float32, so a block's working set fits in L2.
_BLOCK = 1 << 16
# Blocks a helper thread gets at least: below 8 (2 MB of float32) a thread is not worth it.
_BLOCKS_PER_PART = 8


def _check_grad(var, grad):
    if grad.shape != var.shape:
        raise InvalidArgumentError(
            None,
            None,
            "var and grad do not have the same shape"
            f"[{','.join(map(str, var.shape))}] [{','.join(map(str, grad.shape))}]",
        )


def _blocked_update(body, old, grad, n_scratch, new=None):
    """New arrays, one per array in ``old``, filled block by block by ``body``.

    ``body(new, old, grad, scratch)`` gets matching 1-D slices of the new arrays, the old
    arrays and the gradient, and ``n_scratch`` scratch buffers of the same length. ``new``
    may be given (it is ``old`` itself for an update in place: the body then reads each
    element before it writes it). With more than one thread granted by the thread policy,
    contiguous runs of blocks go to helper threads (workers.py): each element still gets
    the same operations, so the results are the same.
    """
    shape = old[0].shape
    dtype = old[0].dtype
    if new is None:
        new = [np.empty(shape, dtype=dtype) for _ in old]
    flat_new = [a.reshape(-1) for a in new]
    flat_old = [a.reshape(-1) for a in old]
    flat_grad = grad.reshape(-1)
    size = flat_grad.size

    def run(first, last):
        scratch = [np.empty(min(last - first, _BLOCK), dtype=dtype) for _ in range(n_scratch)]
        for start in range(first, last, _BLOCK):
            stop = min(start + _BLOCK, last)
            part = slice(start, stop)
            body(
                [a[part] for a in flat_new],
                [a[part] for a in flat_old],
                flat_grad[part],
                [s[: stop - start] for s in scratch],
            )

    workers.split_run(run, size, _BLOCK * _BLOCKS_PER_PART)
    return new


def _update_and_store(store, names, body, old, grad, n_scratch, new=None):
    """Run a blocked update, store the new variable and slots, return the new variable.

    ``new``: the arrays to write into (the old ones themselves for an in-place update), or
    None for fresh ones.
    """
    new = _blocked_update(body, old, grad, n_scratch, new)
    for name, array in zip(names, new):
        store[name] = array
    return new[0]


# -- shapes and builders shared by the ops ------------------------------------------------------


def _update_shape_fn(state_inputs, scalar_inputs, grad_input):
    """Shape function: state inputs and the gradient agree; hyper-parameters are scalars."""

    def shape_fn(op):
        shape = op.inputs[0].shape
        for index in (*state_inputs, grad_input):
            other = op.inputs[index].shape
            if not shape.is_compatible_with(other):
                raise ShapeError(
                    f"Shapes must be equal, but are {shape.bracket_str()} and {other.bracket_str()}"
                )
            shape = shape.merge_with(other)
        for index in scalar_inputs:
            rank = op.inputs[index].shape.ndims
            if rank not in (None, 0):
                raise ShapeError(f"Shape must be rank 0 but is rank {rank}")
        return [shape]

    return shape_fn


def state_ref(value, op_type, arg):
    """The variable tensor behind ``value`` (a Variable or its ``VariableV2`` output)."""
    ref = value._ref() if hasattr(value, "_ref") else value
    if not isinstance(ref, Tensor) or ref.op.type != "VariableV2":
        raise TypeError(f"Input '{arg}' of '{op_type}' Op must be a variable, got {value!r}")
    return ref


def _make_update(op_type, states, scalars, grad, attrs, name, after_grad=()):
    """Build an ``Apply*`` op with inputs: variables, scalars, grad, scalars after grad.

    ``states`` and the scalars are lists of (argument name, value); a Python number becomes
    a constant of the variable's dtype, a tensor of another dtype is a TypeError.
    """
    refs = [state_ref(value, op_type, arg) for arg, value in states]
    dtype = refs[0].dtype
    grad = convert_to_tensor(grad, name="grad")
    tensors = []
    for arg, value in [*scalars, ("grad", grad), *after_grad]:
        tensor = convert_to_tensor(value, name=arg, preferred_dtype=dtype)
        if tensor.dtype != dtype:
            raise TypeError(
                f"Input '{arg}' of '{op_type}' Op has type {tensor.dtype.name} that does not "
                f"match type {dtype.name} of argument 'var'."
            )
        tensors.append(tensor)
    attrs = dict(attrs, var_names=tuple(ref.op.attrs["var_name"] for ref in refs))
    return make_op(op_type, [*refs, *tensors], [dtype], attrs, name, op_type).outputs[0]


# -- gradient descent ----------------------------------------------------------------------------


def _apply_gradient_descent_kernel(attrs, state):
    (name,) = attrs["var_names"]
    store = state.variables

    def apply(var, alpha, delta):
        _check_grad(var, delta)
        new = np.multiply(delta, alpha, out=np.empty_like(var))
        np.subtract(var, new, out=new)
        store[name] = new
        return new

    return apply


register_op(
    "ApplyGradientDescent",
    _apply_gradient_descent_kernel,
    _update_shape_fn((), (1,), 2),
    stateful=True,
    signature=signature("inputs: N * T -> out: T", T=FLOATS),
)
NotDifferentiable("ApplyGradientDescent")


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """``var -= alpha * delta``."""
    return _make_update("ApplyGradientDescent", [("var", var)], [("alpha", alpha)], delta, {}, name)


# -- momentum --------------------------------------------------------------------------------------


def _apply_momentum_kernel(attrs, state):
    names = attrs["var_names"]
    nesterov = attrs["use_nesterov"]
    store = state.variables

    def apply(var, accum, lr, grad, momentum):
        _check_grad(var, grad)

        def body(new, old, g, scratch):
            var_t, accum_t = new
            var_old, accum_old = old
            np.multiply(accum_old, momentum, out=accum_t)
            accum_t += g
            if nesterov:
                (step,) = scratch
                np.multiply(g, lr, out=step)
                np.multiply(accum_t, momentum, out=var_t)
                var_t *= lr
                step += var_t
                np.subtract(var_old, step, out=var_t)
            else:
                np.multiply(accum_t, lr, out=var_t)
                np.subtract(var_old, var_t, out=var_t)

        return _update_and_store(store, names, body, (var, accum), grad, 1 if nesterov else 0)

    return apply


register_op(
    "ApplyMomentum", _apply_momentum_kernel, _update_shape_fn((1,), (2, 4), 3), stateful=True,
    signature=signature("inputs: N * T -> out: T", T=FLOATS),
)
NotDifferentiable("ApplyMomentum")


def apply_momentum(
    var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False, name=None
):
    """``accum = accum * momentum + grad``; ``var -= lr * accum`` (Nesterov:
    ``var -= lr * grad + lr * momentum * accum``)."""
    return _make_update(
        "ApplyMomentum",
        [("var", var), ("accum", accum)],
        [("lr", lr)],
        grad,
        {"use_nesterov": bool(use_nesterov)},
        name,
        after_grad=[("momentum", momentum)],
    )


# -- Adam ------------------------------------------------------------------------------------------


def _apply_adam_kernel(attrs, state):
    names = attrs["var_names"]
    store = state.variables

    @takes_dead_inputs
    def apply(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad):
        # In place when nothing but the store and this call can see the three arrays (see
        # ownership.py): the same operations in the same order, so the same float results.
        in_place = (writable_alone(var, 1) and writable_alone(m, 1) and writable_alone(v, 1)
                    and store.get(names[0]) is var and store.get(names[1]) is m
                    and store.get(names[2]) is v)
        _check_grad(var, grad)
        one = var.dtype.type(1)
        alpha = lr * np.sqrt(one - beta2_power) / (one - beta1_power)
        keep1 = one - beta1
        keep2 = one - beta2
        if in_place and (m.shape != var.shape or v.shape != var.shape
                         or not m.dtype == v.dtype == var.dtype == grad.dtype):
            in_place = False

        def body(new, old, g, scratch):
            var_t, m_t, v_t = new
            var_old, m_old, v_old = old
            step, denom = scratch
            # step holds (g - m) * (1 - beta1), then (g*g - v) * (1 - beta2), before each is
            # added to the old value: m_t may be m_old itself.
            np.subtract(g, m_old, out=step)
            step *= keep1
            np.add(m_old, step, out=m_t)
            np.square(g, out=step)  # the same rounding as g * g
            step -= v_old
            step *= keep2
            np.add(v_old, step, out=v_t)
            np.multiply(m_t, alpha, out=step)
            np.sqrt(v_t, out=denom)
            denom += epsilon
            step /= denom
            np.subtract(var_old, step, out=var_t)

        old = (var, m, v)
        return _update_and_store(store, names, body, old, grad, 2, old if in_place else None)

    return apply


register_op(
    "ApplyAdam", _apply_adam_kernel, _update_shape_fn((1, 2), (3, 4, 5, 6, 7, 8), 9), stateful=True,
    signature=signature("inputs: N * T -> out: T", T=FLOATS),
)
NotDifferentiable("ApplyAdam")


def apply_adam(
    var,
    m,
    v,
    beta1_power,
    beta2_power,
    lr,
    beta1,
    beta2,
    epsilon,
    grad,
    use_locking=False,
    use_nesterov=False,
    name=None,
):
    """TensorFlow's Adam step (epsilon outside the square root)::

    lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
    m = m + (grad - m) * (1 - beta1)
    v = v + (grad**2 - v) * (1 - beta2)
    var -= lr_t * m / (sqrt(v) + epsilon)
    """
    if use_nesterov:
        raise NotImplementedError("ApplyAdam with use_nesterov=True is not supported")
    scalars = [
        ("beta1_power", beta1_power),
        ("beta2_power", beta2_power),
        ("lr", lr),
        ("beta1", beta1),
        ("beta2", beta2),
        ("epsilon", epsilon),
    ]
    return _make_update("ApplyAdam", [("var", var), ("m", m), ("v", v)], scalars, grad, {}, name)


# -- Adagrad ---------------------------------------------------------------------------------------


def _apply_adagrad_kernel(attrs, state):
    names = attrs["var_names"]
    store = state.variables

    def apply(var, accum, lr, grad):
        _check_grad(var, grad)

        def body(new, old, g, scratch):
            var_t, accum_t = new
            var_old, accum_old = old
            (denom,) = scratch
            np.multiply(g, g, out=accum_t)
            accum_t += accum_old
            np.sqrt(accum_t, out=denom)
            np.multiply(g, lr, out=var_t)
            var_t /= denom
            np.subtract(var_old, var_t, out=var_t)

        return _update_and_store(store, names, body, (var, accum), grad, 1)

    return apply


register_op("ApplyAdagrad", _apply_adagrad_kernel, _update_shape_fn((1,), (2,), 3), stateful=True,
            signature=signature("inputs: N * T -> out: T", T=FLOATS))
NotDifferentiable("ApplyAdagrad")


def apply_adagrad(var, accum, lr, grad, use_locking=False, update_slots=True, name=None):
    """``accum += grad**2``; ``var -= lr * grad / sqrt(accum)``."""
    if not update_slots:
        raise NotImplementedError("ApplyAdagrad with update_slots=False is not supported")
    return _make_update(
        "ApplyAdagrad", [("var", var), ("accum", accum)], [("lr", lr)], grad, {}, name
    )


# -- RMSProp ---------------------------------------------------------------------------------------


def _apply_rms_prop_kernel(attrs, state):
    names = attrs["var_names"]
    store = state.variables

    def apply(var, ms, mom, lr, rho, momentum, epsilon, grad):
        _check_grad(var, grad)
        keep = var.dtype.type(1) - rho

        def body(new, old, g, scratch):
            var_t, ms_t, mom_t = new
            var_old, ms_old, mom_old = old
            (tmp,) = scratch
            np.multiply(g, g, out=ms_t)
            ms_t -= ms_old
            ms_t *= keep
            ms_t += ms_old
            np.add(ms_t, epsilon, out=tmp)
            np.sqrt(tmp, out=tmp)
            np.multiply(g, lr, out=mom_t)
            mom_t /= tmp
            np.multiply(mom_old, momentum, out=tmp)
            mom_t += tmp
            np.subtract(var_old, mom_t, out=var_t)

        return _update_and_store(store, names, body, (var, ms, mom), grad, 1)

    return apply


register_op(
    "ApplyRMSProp", _apply_rms_prop_kernel, _update_shape_fn((1, 2), (3, 4, 5, 6), 7),
    stateful=True,
    signature=signature("inputs: N * T -> out: T", T=FLOATS),
)
NotDifferentiable("ApplyRMSProp")


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False, name=None):
    """``ms = ms + (grad**2 - ms) * (1 - rho)``;
    ``mom = mom * momentum + lr * grad / sqrt(ms + epsilon)``; ``var -= mom``."""
    scalars = [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon)]
    return _make_update(
        "ApplyRMSProp", [("var", var), ("ms", ms), ("mom", mom)], scalars, grad, {}, name
    )


def _apply_centered_rms_prop_kernel(attrs, state):
    names = attrs["var_names"]
    store = state.variables

    def apply(var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
        _check_grad(var, grad)
        keep = var.dtype.type(1) - rho

        def body(new, old, g, scratch):
            var_t, mg_t, ms_t, mom_t = new
            var_old, mg_old, ms_old, mom_old = old
            (tmp,) = scratch
            np.multiply(g, g, out=ms_t)
            ms_t -= ms_old
            ms_t *= keep
            ms_t += ms_old
            np.subtract(g, mg_old, out=mg_t)
            mg_t *= keep
            mg_t += mg_old
            np.multiply(mg_t, mg_t, out=tmp)
            np.subtract(ms_t, tmp, out=tmp)
            tmp += epsilon
            np.sqrt(tmp, out=tmp)
            np.multiply(g, lr, out=mom_t)
            mom_t /= tmp
            np.multiply(mom_old, momentum, out=tmp)
            mom_t += tmp
            np.subtract(var_old, mom_t, out=var_t)

        return _update_and_store(store, names, body, (var, mg, ms, mom), grad, 1)

    return apply


register_op(
    "ApplyCenteredRMSProp",
    _apply_centered_rms_prop_kernel,
    _update_shape_fn((1, 2, 3), (4, 5, 6, 7), 8),
    stateful=True,
    signature=signature("inputs: N * T -> out: T", T=FLOATS),
)
NotDifferentiable("ApplyCenteredRMSProp")


def apply_centered_rms_prop(
    var, mg, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False, name=None
):
    """RMSProp normalised by the gradient's estimated variance::

    ms = ms + (grad**2 - ms) * (1 - rho);  mg = mg + (grad - mg) * (1 - rho)
    mom = mom * momentum + lr * grad / sqrt(ms - mg**2 + epsilon);  var -= mom
    """
    scalars = [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon)]
    states = [("var", var), ("mg", mg), ("ms", ms), ("mom", mom)]
    return _make_update("ApplyCenteredRMSProp", states, scalars, grad, {}, name)
