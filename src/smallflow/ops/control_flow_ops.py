"""Control flow: ``cond``, ``case``, ``while_loop``, and ops that order others (``group``)."""

import builtins

from .. import dtypes, nest
from ..graph import (
    Operation,
    Tensor,
    control_dependencies,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape, unknown_shape
from . import array_ops, control_flow_context, tensor_array_ops
from .array_ops import identity
from .common import make_op
from .control_flow_context import FunctionContext

_TUPLE = builtins.tuple  # this module defines tf.tuple

register_op("NoOp", lambda attrs: _nothing, lambda op: [], signature=signature("->"))
NotDifferentiable("NoOp")


def _nothing():
    return ()


def no_op(name=None):
    """An op that does nothing; useful as a target for control dependencies."""
    return make_op("NoOp", [], [], None, name)


def _as_op(item):
    if isinstance(item, Operation):
        return item
    if isinstance(item, Tensor):
        return item.op
    return convert_to_tensor(item).op


def group(*inputs, **kwargs):
    """One op that, when run, runs all of ``inputs`` (ops or tensors)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {sorted(kwargs)}")
    if get_default_graph()._eager:
        return None  # the ops ran already (TensorFlow's group gives None when eager)
    ops = [_as_op(item) for item in inputs]
    with control_dependencies(ops):
        return no_op(name=name or "group_deps")


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TensorFlow's public name
    """Identities of ``tensors`` that are computed only after all of them."""
    with name_scope(name or "tuple"):
        gate = group(*[t for t in tensors if t is not None], *(control_inputs or []))
        return [None if t is None else with_dependencies([gate], t) for t in tensors]


def with_dependencies(dependencies, output_tensor, name=None):
    """``output_tensor``'s value, produced only after ``dependencies`` have run (an
    ``Identity`` named ``control_dependency`` by default, as in TensorFlow)."""
    with control_dependencies(dependencies):
        return identity(output_tensor, name=name or "control_dependency")


# -- cond, case, while_loop ------------------------------------------------------------------
# Branches and bodies are sub-graphs run by If/While ops (see control_flow_context.py and
# docs/architecture.md, "Control flow").


def _is_bool_scalar(tensor, what):
    if tensor.dtype != dtypes.bool:
        raise TypeError(f"{what} must be a bool tensor, got {tensor.dtype.name} ({tensor.name})")
    if tensor.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {tensor.shape.ndims} for "
                         f"{what} '{tensor.name}'.")


def _to_flat_tensors(structure, what):
    """Leaves of ``structure`` as tensors (TensorArrays by their flow, ops as True)."""
    flat = []
    for leaf in nest.flatten(structure):
        if isinstance(leaf, tensor_array_ops.TensorArray):
            flat.append(leaf.flow)
        elif isinstance(leaf, Operation):
            with control_dependencies([leaf]):
                flat.append(array_ops.constant(True))
        elif leaf is None:
            raise ValueError(f"{what} returned None; every output must be a tensor.")
        else:
            flat.append(convert_to_tensor(leaf))
    return flat


def _from_flat_tensors(structure, flat):
    """Rebuild ``structure`` from tensors, turning flows back into TensorArrays."""
    leaves = []
    for template, tensor in zip(nest.flatten(structure), flat):
        if isinstance(template, tensor_array_ops.TensorArray):
            leaves.append(template._with_flow(tensor))
        else:
            leaves.append(tensor)
    return nest.pack_sequence_as(structure, leaves)


def _most_specific_compatible(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return unknown_shape()
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _union_sources(contexts):
    sources = []
    index = {}
    picks = []
    for ctx in contexts:
        chosen = []
        for _, source, sliced in ctx.captures:
            assert not sliced, "per-iteration values are only read by WhileGrad"
            if source not in index:
                index[source] = len(sources)
                sources.append(source)
            chosen.append(index[source])
        picks.append(chosen)
    return sources, picks


def _add_control_captures(op, contexts):
    for ctx in contexts:
        for dep in ctx.control_captures:
            op._add_control_input(dep)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``; only the branch taken runs.

    Both functions return the same structure of tensors (TensorArrays and ops allowed);
    with ``strict=False`` a one-element list or tuple comes back as its element.
    """
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): true_fn and fn1 may not be set simultaneously.")
        true_fn = fn1
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): false_fn and fn2 may not be set simultaneously.")
        false_fn = fn2
    if true_fn is None:
        raise TypeError("cond(): true_fn argument required")
    if false_fn is None:
        raise TypeError("cond(): false_fn argument required")
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    if get_default_graph()._eager:
        # Eager mode runs the branch the predicate's value picks, as TensorFlow does.
        result = true_fn() if bool(convert_to_tensor(pred, name="pred")) else false_fn()
        if not strict and isinstance(result, list | _TUPLE) and len(result) == 1:
            return result[0]
        return result
    with name_scope(name or "cond") as scope:
        pred = convert_to_tensor(pred, name="pred")
        _is_bool_scalar(pred, "pred")
        contexts = []
        results = []
        flats = []
        for fn, label in ((true_fn, "true_fn"), (false_fn, "false_fn")):
            ctx = FunctionContext("cond", scope)
            with ctx:
                result = fn()
                if result is None:
                    raise ValueError(f"{label} must have a return value.")
                flat = _to_flat_tensors(result, label)
            contexts.append(ctx)
            results.append(result)
            flats.append(flat)
        try:
            nest.assert_same_structure(results[0], results[1], check_types=False)
        except (TypeError, ValueError) as err:
            raise ValueError(f"Outputs of true_fn and false_fn must have the same structure: "
                             f"{err}") from None
        for t_out, f_out in zip(*flats):
            if t_out.dtype != f_out.dtype:
                raise ValueError(
                    "Outputs of true_fn and false_fn must have the same type: "
                    f"{t_out.dtype.name}, {f_out.dtype.name} ({t_out.name}, {f_out.name})"
                )
        for ctx, flat in zip(contexts, flats):
            ctx.close(flat)
        sources, picks = _union_sources(contexts)
        shapes = [_most_specific_compatible(t.shape, f.shape) for t, f in zip(*flats)]
        attrs = {"branches": contexts, "input_indices": picks, "num_outputs": len(shapes),
                 "shapes": shapes}
        out_dtypes = [t.dtype for t in flats[0]] + [control_flow_context.bundle_dtype()]
        op = make_op("If", [pred, *sources], out_dtypes, attrs, name="If")
        _add_control_captures(op, contexts)
        for ctx in contexts:
            ctx.owner = op
        merged = [identity(t, name="Merge") for t in op.outputs[:-1]]
        packed = _from_flat_tensors(results[0], merged)
    if not strict and isinstance(packed, list | _TUPLE) and len(packed) == 1:
        return packed[0]
    return packed


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The function of the first pair whose predicate is true (``default`` if none is)."""
    if isinstance(pred_fn_pairs, dict):
        pairs = list(pred_fn_pairs.items())
    elif isinstance(pred_fn_pairs, list | _TUPLE):
        pairs = list(pred_fn_pairs)
    else:
        raise TypeError("fns must be a list, tuple, or dict")
    for pair in pairs:
        if not isinstance(pair, list | _TUPLE) or len(pair) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(pair[1]):
            raise TypeError(f"fn for pred {getattr(pair[0], 'name', pair[0])} must be callable.")
        if isinstance(pair[0], bool):
            raise TypeError("pred must not be a Python bool")
    if not pairs and default is None:
        raise ValueError("Must provide at least one pred_fn_pair or a default")
    with name_scope(name or "case"):
        preds = [convert_to_tensor(p) for p, _ in pairs]
        for pred in preds:
            _is_bool_scalar(pred, "pred")
        fns = [fn for _, fn in pairs]
        checks = []
        if default is None:
            default = fns.pop()
            checks.append(control_flow_context.case_check(preds, "none"))
            preds = preds[:-1]
        if exclusive and len(preds) + (1 if len(checks) else 0) > 1:
            all_preds = [convert_to_tensor(p) for p, _ in pairs]
            checks.append(control_flow_context.case_check(all_preds, "exclusive"))
        if not preds:
            with control_dependencies(checks):
                return _identity_structure(default(), strict)
        chosen = default
        for pred, fn in reversed(list(zip(preds, fns))):
            chosen = _deferred_cond(pred, fn, chosen, strict)
        with control_dependencies(checks):
            return chosen()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Run ``branch_fns[branch_index]`` (a list of functions, a list of ``(index, fn)``
    pairs or a dict with the keys 0..N-1); an index out of range runs ``default``, or the
    last branch when there is none (TensorFlow 1.15's rule)."""
    if isinstance(branch_fns, dict):
        items = sorted(branch_fns.items())
    elif isinstance(branch_fns, list | _TUPLE) and branch_fns and isinstance(
            branch_fns[0], list | _TUPLE):
        items = sorted(branch_fns)
    elif isinstance(branch_fns, list | _TUPLE):
        items = list(enumerate(branch_fns))
    else:
        raise TypeError("branch_fns must be a list, tuple, or dict")
    if not items:
        raise ValueError("Must provide at least one item in branch_fns")
    for key, fn in items:
        if not isinstance(key, int) or isinstance(key, bool):
            raise TypeError(f"branch_index must be an int: {key!r}")
        if not callable(fn):
            raise TypeError(f"fn for branch {key} must be callable.")
    keys = [key for key, _ in items]
    if keys != list(range(len(keys))):
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                         f"{len(keys)}) but found {{{', '.join(str(k) for k in keys)}}}")
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    with name_scope(name or "switch_case"):
        index = convert_to_tensor(branch_index, name="branch_index")
        if index.dtype.base_dtype != dtypes.int32:
            raise TypeError(f"branch_index must be an int32 Tensor, got {index.dtype}")
        fns = [fn for _, fn in items]
        if default is None:
            default = fns.pop()
        from .cwise_ops import equal

        pairs = [(equal(index, key), fn) for key, fn in enumerate(fns)]
        return case(pairs, default=default, exclusive=False, name=None)


def _identity_structure(result, strict):
    flat = _to_flat_tensors(result, "default")
    packed = _from_flat_tensors(result, [identity(t) for t in flat])
    if not strict and isinstance(packed, list | _TUPLE) and len(packed) == 1:
        return packed[0]
    return packed


def _deferred_cond(pred, fn, otherwise, strict):
    return lambda: cond(pred, fn, otherwise, strict=strict)


def _same_structure(a, b):
    try:
        nest.assert_same_structure(a, b, check_types=False)
    except (TypeError, ValueError):
        return False
    return True


def _shape_fits(shape, invariant):
    """Is ``shape`` at least as specific as ``invariant`` (TF's _ShapeLessThanOrEqual)?"""
    if invariant.ndims is None:
        return True
    if shape.ndims != invariant.ndims:
        return False
    return all(b is None or a == b for a, b in zip(shape.as_list(), invariant.as_list()))


def _eager_while(cond, body, loop_vars, maximum_iterations, is_seq, return_same_structure):
    """while_loop in eager mode: a Python loop over the values (TensorFlow's eager path)."""
    limit = None if maximum_iterations is None else int(maximum_iterations)
    count = 0
    state = loop_vars if is_seq else [loop_vars]
    while (limit is None or count < limit) and bool(cond(*state)):
        state = body(*state)
        if not is_seq or not isinstance(state, list | _TUPLE):
            state = [state]
        count += 1
    if not is_seq:
        return state[0]
    if not return_same_structure and isinstance(state, list | _TUPLE) and len(state) == 1:
        return state[0]
    return state


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true.

    ``loop_vars`` is a (nested) list/tuple of tensors and TensorArrays; the result has its
    structure (a one-element list comes back as its element unless
    ``return_same_structure``). At most ``maximum_iterations`` iterations run.
    """
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    if loop_vars is None or (nest.is_sequence(loop_vars) and not nest.flatten(loop_vars)):
        raise ValueError("No loop variables provided")
    is_seq = nest.is_sequence(loop_vars)
    structure = loop_vars if is_seq else [loop_vars]
    if get_default_graph()._eager:
        return _eager_while(cond, body, loop_vars, maximum_iterations, is_seq,
                            return_same_structure)
    with name_scope(name or "while") as scope:
        flat_in = _to_flat_tensors(structure, "loop_vars")
        limit = None
        if maximum_iterations is not None:
            limit = convert_to_tensor(maximum_iterations, name="maximum_iterations")
            if not limit.dtype.is_integer:
                raise TypeError("maximum_iterations must be an integer tensor, got "
                                f"{limit.dtype.name}")
            if limit.shape.ndims not in (None, 0):
                raise ValueError(f"maximum_iterations must be a scalar, saw shape: "
                                 f"{limit.shape}")
        if shape_invariants is None:
            invariants = [t.shape for t in flat_in]
        else:
            given = shape_invariants if is_seq else [shape_invariants]
            nest.assert_same_structure(list(structure), list(given), check_types=False)
            invariants = [
                # A TensorArray's flow is a scalar whatever invariant is given for the array.
                tensor.shape if isinstance(leaf, tensor_array_ops.TensorArray) else as_shape(s)
                for tensor, leaf, s in zip(flat_in, nest.flatten(structure), nest.flatten(given))
            ]
            for tensor, invariant in zip(flat_in, invariants):
                if not _shape_fits(tensor.shape, invariant):
                    raise ValueError(
                        f"The shape invariant specified for {tensor.name} is not compatible "
                        f"with the initial shape of the loop variable. It enters the loop with "
                        f"shape {tensor.shape}, but the specified shape invariant is "
                        f"{invariant}."
                    )
        ctx = FunctionContext("while", scope)
        with ctx:
            inside = [control_flow_context.loop_var(t.dtype, shape, scope, "Identity")
                      for t, shape in zip(flat_in, invariants)]
            ctx.inputs = inside
            args = _from_flat_tensors(structure, inside)
            pred = convert_to_tensor(cond(*args) if is_seq else cond(args[0]))
            _is_bool_scalar(pred, "The loop condition")
            result = body(*args) if is_seq else body(args[0])
            if not nest.is_sequence(result) or (len(structure) == 1 and not _same_structure(
                    list(structure), list(result)) and _same_structure(structure[0], result)):
                result = [result]
            try:
                nest.assert_same_structure(list(structure), list(result), check_types=False)
            except (TypeError, ValueError) as err:
                raise ValueError(f"The body of while loop '{scope}' must return loop "
                                 f"variables of the same structure as loop_vars: {err}") from None
            flat_out = _to_flat_tensors(result, "body")
        for before, after, invariant in zip(flat_in, flat_out, invariants):
            if after.dtype != before.dtype:
                raise ValueError(
                    f"Input tensor '{before.name}' enters the loop with dtype "
                    f"{before.dtype.name}, but has dtype {after.dtype.name} after one iteration."
                )
            if not _shape_fits(after.shape, invariant):
                raise ValueError(
                    f"Input tensor '{before.name}' enters the loop with shape {invariant}, but "
                    f"has shape {after.shape} after one iteration. To allow the shape to vary "
                    "across iterations, use the `shape_invariants` argument of tf.while_loop "
                    "to specify a less-specific shape."
                )
        ctx.close([pred, *flat_out])
        sources = [source for _, source, _ in ctx.captures]
        inputs = [*flat_in, *sources]
        max_index = None
        if limit is not None:
            max_index = len(inputs)
            inputs.append(limit)
        attrs = {"context": ctx, "max_index": max_index, "name": scope[:-1],
                 "back_prop": back_prop, "parallel_iterations": parallel_iterations}
        out_dtypes = [t.dtype for t in flat_in] + [dtypes.int32,
                                                    control_flow_context.bundle_dtype()]
        op = make_op("While", inputs, out_dtypes, attrs, name="While")
        _add_control_captures(op, [ctx])
        ctx.owner = op
        exits = [identity(t, name="Exit") for t in op.outputs[:len(flat_in)]]
        packed = _from_flat_tensors(structure, exits)
    if not is_seq:
        return packed[0]
    if not return_same_structure and len(flat_in) == 1:
        return packed[0]
    return packed
