"""Fusing a plan's steps: Conv2D + bias + Relu (+ MaxPool) as one kernel call, the
gradients of a ReLU and the max-pool after it, and a scalar summary of a mean.

The session turns a graph into a list of steps, one kernel call per op (session.py). For
a convolution followed by its bias and a ReLU, as every CNN of the TF1 tutorials writes it
(``tf.nn.relu(tf.nn.conv2d(x, W, ...) + b)``), three calls mean three passes over the whole
activation, each one too big for the cache: the product writes it, the add reads and writes
it, the ReLU reads and writes it again. :func:`fuse` replaces such a chain by one call of
``conv_kernels.conv2d_bias_relu``, which adds the bias and applies the ReLU to each block of
the result right after its product, while it is still in cache. The float results are the
same, bit for bit (the same operations on the same values). When the ReLU's result is read
only by a max-pool (evaluation: no gradient needs the activation), the pool joins the call
too and is applied block by block, so the full activation is never written out.

Backwards, ``ReluGrad(MaxPoolGrad(r, p, g), r)`` becomes one call that applies the ReLU's
factor to the pooled gradient before routing it (see :func:`_relu_pool_grad_kernel`).

When a chain is fused: the Conv2D (NHWC) result is read by the add and otherwise only for
its shape (the add's gradient, ``ReduceToShapeOf``, asks for the shape of the conv output),
the add (``AddV2``/``Add``/``BiasAdd`` NHWC) result is read only by the ReLU, and neither is
fetched. Shape-only readers then get a stand-in of the right shape and dtype (a read-only
zero-stride view: no memory), and the conv output dies inside the fused call instead of
living until the backward pass. The fused step takes the ReLU's place in the plan and in
``step_ops`` (a traced run shows it under the ReLU's name, as TensorFlow's remapper shows
its ``_FusedConv2D`` under one node). At run time a bias that is not a 1-D vector with one
entry per output channel (or of another dtype) takes the unfused path: the three original
kernels, one after the other.

``ScalarSummary(Mean(x))``, a loss written to TensorBoard every step, becomes one call
too (``summary_ops.scalar_of_mean_kernel``: the same sum, the same bytes); when nothing but
the fetch reads the summary, the call gives it as the bytes a fetch returns, without the
0-d string array. The Mean's value stays in its slot when it is fetched or read later.
"""

import numpy as np

from .ops import conv_kernels, conv_phases, pool_kernels, summary_ops

__all__ = ["fuse"]

_BIAS_ADDS = frozenset({"AddV2", "Add", "BiasAdd"})
# (op type, input index) pairs that read only the shape (and dtype) of that input.
_SHAPE_ONLY = frozenset({("ReduceToShapeOf", 1), ("Shape", 0), ("Size", 0), ("Rank", 0)})


def _nhwc_pair(values):
    return (values[1], values[2])  # NHWC: [1, height, width, 1]


def _fused_kernel(conv_op, kernels, bias_first, wants_stand_in, pool_op=None, keep=False,
                  phases=False):
    """The fused call; ``keep``: the ReLU's result is an output too, beside the pool's;
    ``phases``: only the fused ReLU + max-pool gradient reads that result, which may then be
    a ``conv_phases.PooledActivation`` standing for it."""
    conv_kernel, add_kernel, relu_kernel, pool_kernel = kernels
    strides = _nhwc_pair(conv_op.attrs["strides"])
    padding = conv_op.attrs["padding"]
    pool = None
    if pool_op is not None:
        pool = _pool_pair(pool_op)

    def conv2d_bias_relu(x, w, b):
        if (type(x) is np.ndarray and type(w) is np.ndarray and type(b) is np.ndarray
                and b.ndim == 1 and w.ndim == 4 and b.shape[0] == w.shape[3]
                and x.dtype == w.dtype == b.dtype and x.dtype.kind == "f"):
            result = None
            if phases:
                result = conv_phases.conv2d_bias_relu_pool(x, w, b, strides, padding, pool)
            if result is None:
                result = conv_kernels.conv2d_bias_relu(x, w, b, strides, padding, pool, keep)
            activation = result
        else:
            conv = conv_kernel(x, w)
            result = activation = relu_kernel(
                add_kernel(b, conv) if bias_first else add_kernel(conv, b))
            if pool_kernel is not None:
                result = (activation, pool_kernel(activation)) if keep else pool_kernel(
                    activation)
        results = result if keep else (result,)
        if not wants_stand_in:
            return results if keep else result
        # The conv output's shape: the activation's, also when only the pooled result is kept.
        shape = activation.shape if pool is None else (
            x.shape[0], *_conv_out_hw(x.shape, w.shape, strides, padding), w.shape[3])
        return np.broadcast_to(np.zeros((), dtype=results[0].dtype), shape), *results

    return conv2d_bias_relu


def _conv_out_hw(x_shape, w_shape, strides, padding):
    return tuple(conv_kernels.padding_sizes(x_shape[1 + axis], w_shape[axis], strides[axis],
                                            padding)[0] for axis in (0, 1))


def _readers(steps):
    """slot -> list of (step index, input position) reading it."""
    readers = {}
    for index, (_, ins, _) in enumerate(steps):
        for position, slot in enumerate(ins):
            readers.setdefault(slot, []).append((index, position))
    return readers


def _producers(steps):
    producers = {}
    for index, (_, _, out) in enumerate(steps):
        for slot in (out,) if type(out) is int else out:
            producers[slot] = index
    return producers


def _chain(steps, step_ops, relu_index, producers, readers, kept, fused_at):
    """The (conv, add) step indexes and the add's bias position feeding the ReLU at
    ``relu_index``, or None when the chain may not be fused. ``fused_at``: the index of
    the step the fused call will replace (the ReLU's, or the max-pool's after it)."""
    _, relu_ins, relu_out = steps[relu_index]
    if type(relu_out) is not int or len(relu_ins) != 1:
        return None
    added = relu_ins[0]
    add_index = producers.get(added)
    if add_index is None or added in kept or len(readers.get(added, ())) != 1:
        return None
    add_op = step_ops[add_index]
    _, add_ins, add_out = steps[add_index]
    if add_op.type not in _BIAS_ADDS or type(add_out) is not int or len(add_ins) != 2:
        return None
    if add_op.type == "BiasAdd" and add_op.attrs.get("data_format", "NHWC") != "NHWC":
        return None
    for conv_position in (0, 1) if add_op.type != "BiasAdd" else (0,):
        conv_slot = add_ins[conv_position]
        conv_index = producers.get(conv_slot)
        if conv_index is None or conv_slot in kept or add_ins[1 - conv_position] == conv_slot:
            continue
        conv_op = step_ops[conv_index]
        _, conv_ins, conv_out = steps[conv_index]
        if (conv_op.type != "Conv2D" or type(conv_out) is not int or len(conv_ins) != 2
                or conv_op.attrs.get("data_format", "NHWC") != "NHWC"
                or any(d != 1 for d in conv_op.attrs.get("dilations") or ())):
            continue
        others = [(i, p) for i, p in readers[conv_slot] if i != add_index]
        # Shape-only readers get the stand-in, made where the ReLU runs: they must come later.
        if all((step_ops[i].type, p) in _SHAPE_ONLY and i > fused_at for i, p in others):
            return conv_index, add_index, 1 - conv_position, bool(others)
    return None


def _pool_after(steps, step_ops, relu_index, readers, kept):
    """``(index, keep)``: a max-pool (NHWC) reading the ReLU's result, and whether that result
    must be kept (fetched, or read by others after the pool: in a training step the pool's
    gradient reads it); ``(None, False)`` when there is no such pool."""
    relu_slot = steps[relu_index][2]
    users = readers.get(relu_slot, ())
    if type(relu_slot) is not int:
        return None, False
    pools = [(index, position) for index, position in users
             if step_ops[index].type == "MaxPool" and position == 0
             and type(steps[index][2]) is int
             and step_ops[index].attrs.get("data_format", "NHWC") == "NHWC"]
    if not pools:
        return None, False
    index = pools[0][0]
    others = [i for i, _ in users if i != index]
    if any(i < index for i in others):  # the activation must exist before the pool runs
        return None, False
    return index, bool(others) or relu_slot in kept


def _pool_pair(op):
    """ksize, strides and padding of an NHWC pooling op, as conv_kernels takes them."""
    attrs = op.attrs
    return _nhwc_pair(attrs["ksize"]), _nhwc_pair(attrs["strides"]), attrs["padding"]


def _first_cells_nan(x, pool):
    """Where each window's first real element is NaN (TensorFlow routes the gradient there)."""
    (kh, kw), (sh, sw), padding = pool
    out_h, top, _ = conv_kernels.padding_sizes(x.shape[1], kh, sh, padding)
    out_w, left, _ = conv_kernels.padding_sizes(x.shape[2], kw, sw, padding)
    rows = np.maximum(np.arange(out_h) * sh - top, 0)
    cols = np.maximum(np.arange(out_w) * sw - left, 0)
    return np.isnan(x[:, rows[:, None], cols[None, :]])


def _relu_pool_grad_kernel(pool_op, kernels):
    """ReluGrad(MaxPoolGrad(x, y, grad), x) as one call: the ReLU's factor ``x > 0`` at the
    element a window routes its gradient to is ``y > 0`` (that element equals the max) unless
    it is NaN (a NaN first element keeps the gradient, as in TensorFlow): so the factor is
    applied to the small pooled gradient before routing, and the pass of the ReLU's gradient
    over the whole activation is gone. Same multiplications, same results."""
    pool_grad_kernel, relu_grad_kernel = kernels
    pool = _pool_pair(pool_op)

    def relu_max_pool_grad(x, y, grad):
        if type(x) is conv_phases.PooledActivation:
            result = conv_phases.relu_max_pool_grad(x, y, grad)
            if result is not None:
                return result
            x = x.materialize()
        if not (type(x) is type(y) is type(grad) is np.ndarray and x.ndim == 4
                and x.dtype == y.dtype == grad.dtype and x.dtype.kind == "f"
                and y.shape == grad.shape):
            return relu_grad_kernel(pool_grad_kernel(x, y, grad), x)
        if pool_kernels.is_2x2_pool(x, *pool):
            result = pool_kernels.max_pool_grad_2x2(x, y, grad, relu=True)
            if result is not None:
                return result
        routed = np.multiply(grad, y > 0)
        first_nan = _first_cells_nan(x, pool)
        if first_nan.any():
            routed[first_nan] = grad[first_nan] * x.dtype.type(0)
        return conv_kernels.max_pool_grad(x, y, routed, *pool)

    return relu_max_pool_grad


def _fuse_relu_pool_grads(steps, step_ops, producers, readers, kept):
    """{ReluGrad step index: fused step} and the MaxPoolGrad steps they absorb."""
    replaced, removed = {}, set()
    for index, op in enumerate(step_ops):
        kernel, ins, out = steps[index]
        if op.type != "ReluGrad" or len(ins) != 2 or type(out) is not int:
            continue
        grad_slot, features = ins
        pool_index = producers.get(grad_slot)
        if pool_index is None or grad_slot in kept or len(readers[grad_slot]) != 1:
            continue
        pool_op = step_ops[pool_index]
        pool_kernel, pool_ins, _ = steps[pool_index]
        if (pool_op.type != "MaxPoolGrad" or len(pool_ins) != 3 or pool_ins[0] != features
                or pool_op.attrs.get("data_format", "NHWC") != "NHWC"):
            continue
        replaced[index] = (_relu_pool_grad_kernel(pool_op, (pool_kernel, kernel)), pool_ins, out)
        removed.add(pool_index)
    return replaced, removed


def _fuse_scalar_summaries(steps, step_ops, producers, readers, kept):
    """{ScalarSummary step index: fused step} for each scalar summary of a Mean (a loss
    written every step), and the Mean steps they absorb (summary_ops.scalar_of_mean_kernel).
    The Mean's value stays in its slot when something else reads it later or fetches it."""
    replaced, removed = {}, set()
    for index, op in enumerate(step_ops):
        kernel, ins, out = steps[index]
        if op.type != "ScalarSummary" or len(ins) != 1 or type(out) is not int:
            continue
        mean_index = producers.get(ins[0])
        if mean_index is None or step_ops[mean_index].type != "Mean":
            continue
        mean_op = step_ops[mean_index]
        mean_kernel, mean_ins, mean_out = steps[mean_index]
        attrs = mean_op.attrs
        if (len(mean_ins) != 1 or type(mean_out) is not int or attrs.get("keep_dims")
                or attrs.get("duplicate_axis") is not None or attrs.get("dynamic_axes")):
            continue
        others = [i for i, _ in readers[mean_out] if i != index]
        if any(i < index for i in others):
            continue  # read before the summary's place: the Mean keeps its own
        keep_mean = bool(others) or mean_out in kept
        as_bytes = not readers.get(out)
        fused = summary_ops.scalar_of_mean_kernel(kernel, mean_kernel, keep_mean, as_bytes)
        replaced[index] = (fused, mean_ins, (mean_out, out) if keep_mean else out)
        removed.add(mean_index)
    return replaced, removed


_CONV_ATTRS = ("strides", "padding", "dilations", "data_format")


def _phase_filter_grad_kernel(kernels, bias_type):
    """Conv2DBackpropFilter (and the bias gradient) of ``ReluGrad(MaxPoolGrad(r, y, g), r)``
    as one call: from a PooledActivation's codes and kept columns without writing the
    gradient of the activation (conv_phases.filter_bias_gradients), else the three kernels."""
    relu_pool_grad, filter_kernel, bias_kernel = kernels

    def conv_filter_bias_grads(activation, y, grad, x, sizes, *like):
        if (type(activation) is conv_phases.PooledActivation
                and tuple(np.asarray(sizes).tolist()) == activation.w.shape):
            bias_shape = None
            if bias_type == "BiasAddGrad":
                bias_shape = (activation.shape[3],)
            elif bias_type is not None:
                bias_shape = like[0].shape
            result = conv_phases.filter_bias_gradients(activation, y, grad, x, bias_shape)
            if result is not None:
                return result if bias_type is not None else result[0]
        dz = relu_pool_grad(activation, y, grad)
        filter_grad = filter_kernel(x, sizes, dz)
        if bias_type is None:
            return filter_grad
        return filter_grad, bias_kernel(dz, *like)

    return conv_filter_bias_grads


def _through_identity_sums(steps, step_ops, readers, kept, slot, conv_slot):
    """The readers of a conv output's gradient ``slot``, looking through the add's gradient
    to the conv side (``ReduceToShapeOf(slot, conv output)``: the same shape, so the same
    array), and the indexes of those pass-through steps; ``(None, ())`` if a slot is kept."""
    if slot in kept:
        return None, ()
    users, passed = [], []
    for index, position in readers.get(slot, ()):
        _, ins, out = steps[index]
        if (step_ops[index].type == "ReduceToShapeOf" and position == 0 and len(ins) == 2
                and ins[1] == conv_slot and type(out) is int):
            if out in kept:
                return None, ()
            users.extend(readers.get(out, ()))
            passed.append(index)
        else:
            users.append((index, position))
    return (users or None), passed


def _fuse_phase_filter_grads(steps, step_ops, producers, readers, kept, phase_convs, replaced,
                             removed):
    """Where a fused ReluGrad(MaxPoolGrad) step reads a PooledActivation and its result is
    read only by the conv's Conv2DBackpropFilter (of the same input and attributes) and a
    bias gradient (ReduceToShapeOf or BiasAddGrad), the three become one step in place of
    the earlier of the two readers (see _phase_filter_grad_kernel)."""
    for relu_grad_index, (kernel, ins, dz_slot) in list(replaced.items()):
        if step_ops[relu_grad_index].type != "ReluGrad" or ins[0] not in phase_convs:
            continue
        x_slot, conv_op, conv_slot = phase_convs[ins[0]]
        users, passed = _through_identity_sums(steps, step_ops, readers, kept, dz_slot,
                                               conv_slot)
        if users is None:
            continue
        filters = [(i, p) for i, p in users if step_ops[i].type == "Conv2DBackpropFilter"]
        biases = [(i, p) for i, p in users
                  if step_ops[i].type in ("ReduceToShapeOf", "BiasAddGrad")]
        if len(filters) != 1 or len(biases) > 1 or len(filters) + len(biases) != len(users):
            continue
        filter_index, position = filters[0]
        filter_kernel, filter_ins, filter_out = steps[filter_index]
        filter_op = step_ops[filter_index]
        if (position != 2 or len(filter_ins) != 3 or filter_ins[0] != x_slot
                or type(filter_out) is not int
                or any(filter_op.attrs.get(a) != conv_op.attrs.get(a) for a in _CONV_ATTRS)):
            continue
        extra, outs, bias_type, bias_kernel = [filter_ins[1]], [filter_out], None, None
        at = filter_index
        if biases:
            bias_index, position = biases[0]
            bias_kernel, bias_ins, bias_out = steps[bias_index]
            bias_op = step_ops[bias_index]
            bias_type = bias_op.type
            if (position != 0 or type(bias_out) is not int
                    or len(bias_ins) != (2 if bias_type == "ReduceToShapeOf" else 1)
                    or bias_op.attrs.get("data_format", "NHWC") != "NHWC"):
                continue
            extra += bias_ins[1:]
            outs.append(bias_out)
            at = min(filter_index, bias_index)
        if any(producers.get(slot, -1) >= at for slot in extra):
            continue  # an input made after the fused step's place
        fused = _phase_filter_grad_kernel((kernel, filter_kernel, bias_kernel), bias_type)
        del replaced[relu_grad_index]
        removed.add(relu_grad_index)
        removed.update(i for i, _ in filters + biases)
        removed.update(passed)
        removed.discard(at)
        replaced[at] = (fused, (*ins, x_slot, *extra), outs[0] if len(outs) == 1 else tuple(outs))


def _only_pool_gradients_read(relu_slot, pool_index, steps, step_ops, readers, kept,
                               grad_pairs):
    """True when, besides the max-pool at ``pool_index``, only fused ReluGrad(MaxPoolGrad)
    pairs of that same pool read the ReLU's result (so it may be a PooledActivation)."""
    if relu_slot in kept:
        return False
    pool_slot = steps[pool_index][2]
    pool = _pool_pair(step_ops[pool_index])
    for index, position in readers.get(relu_slot, ()):
        if index == pool_index:
            continue
        pair = grad_pairs.get(index)
        if (pair is None or position != pair[0] or steps[pair[1]][1][1] != pool_slot
                or _pool_pair(step_ops[pair[1]]) != pool):
            return False
    return True


def fuse(steps, step_ops, kept):
    """Return ``(steps, step_ops)`` with each fusable Conv2D + bias + Relu chain replaced by
    one step in the ReLU's place. ``kept``: slots the caller fetches (never fused away)."""
    producers = _producers(steps)
    readers = _readers(steps)
    replaced = {}
    removed = set()
    grad_replaced, grad_removed = _fuse_relu_pool_grads(steps, step_ops, producers, readers,
                                                        kept)
    # step index -> (position at which it reads the activation, its MaxPoolGrad's index)
    grad_pairs = {}
    for relu_grad_index in grad_replaced:
        pool_grad_index = producers[steps[relu_grad_index][1][0]]
        grad_pairs[relu_grad_index] = (1, pool_grad_index)
        grad_pairs[pool_grad_index] = (0, pool_grad_index)
    phase_convs = {}  # ReLU slot holding a PooledActivation -> (conv's input slot, conv op)
    for index, op in enumerate(step_ops):
        if op.type != "Relu":
            continue
        pool_index, keep = _pool_after(steps, step_ops, index, readers, kept)
        fused_at = index if pool_index is None else pool_index
        chain = _chain(steps, step_ops, index, producers, readers, kept, fused_at)
        if chain is None:
            continue
        conv_index, add_index, bias_position, stand_in = chain
        conv_kernel, (x_slot, w_slot), conv_slot = steps[conv_index]
        add_kernel, add_ins, _ = steps[add_index]
        relu_kernel, _, out_slot = steps[index]
        pool_kernel = pool_op = None
        outs = (out_slot,)
        phases = False
        if pool_index is not None:
            pool_kernel, _, pool_slot = steps[pool_index]
            pool_op = step_ops[pool_index]
            removed.add(index)
            outs = (out_slot, pool_slot) if keep else (pool_slot,)
            phases = keep and _only_pool_gradients_read(out_slot, pool_index, steps, step_ops,
                                                        readers, kept, grad_pairs)
            if phases:
                phase_convs[out_slot] = (x_slot, step_ops[conv_index], conv_slot)
        kernel = _fused_kernel(
            step_ops[conv_index], (conv_kernel, add_kernel, relu_kernel, pool_kernel),
            bias_position == 0, stand_in, pool_op, keep, phases)
        outs = (conv_slot, *outs) if stand_in else outs
        out = outs[0] if len(outs) == 1 else outs
        replaced[fused_at] = (kernel, (x_slot, w_slot, add_ins[bias_position]), out)
        removed.update((conv_index, add_index))
    replaced.update(grad_replaced)
    removed.update(grad_removed)
    _fuse_phase_filter_grads(steps, step_ops, producers, readers, kept, phase_convs, replaced,
                             removed)
    more, gone = _fuse_scalar_summaries(steps, step_ops, producers, readers, kept)
    replaced.update(more)
    removed.update(gone)
    if not replaced:
        return steps, step_ops
    new_steps, new_ops = [], []
    for index, (step, op) in enumerate(zip(steps, step_ops, strict=True)):
        if index in removed:
            continue
        new_steps.append(replaced.get(index, step))
        new_ops.append(op)
    return new_steps, new_ops
