"""Fusing a plan's steps: Conv2D + bias + Relu as one kernel call.

The session turns a graph into a list of steps, one kernel call per op (session.py). For
a convolution followed by its bias and a ReLU, as every CNN of the TF1 tutorials writes it
(``tf.nn.relu(tf.nn.conv2d(x, W, ...) + b)``), three calls mean three passes over the whole
activation, each one too big for the cache: the product writes it, the add reads and writes
it, the ReLU reads and writes it again. :func:`fuse` replaces such a chain by one call of
``conv_kernels.conv2d_bias_relu``, which adds the bias and applies the ReLU to each block of
the result right after its product, while it is still in cache. The float results are the
same, bit for bit (the same operations on the same values).

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
"""

import numpy as np

from .ops import conv_kernels

__all__ = ["fuse"]

_BIAS_ADDS = frozenset({"AddV2", "Add", "BiasAdd"})
# (op type, input index) pairs that read only the shape (and dtype) of that input.
_SHAPE_ONLY = frozenset({("ReduceToShapeOf", 1), ("Shape", 0), ("Size", 0), ("Rank", 0)})


def _shape_stand_in(value):
    """A read-only array of ``value``'s shape and dtype that holds no memory of its own."""
    return np.broadcast_to(np.zeros((), dtype=value.dtype), value.shape)


def _fused_kernel(conv_op, kernels, bias_first, wants_stand_in):
    conv_kernel, add_kernel, relu_kernel = kernels
    strides = conv_op.attrs["strides"]
    strides = (strides[1], strides[2])  # NHWC: [1, height, width, 1]
    padding = conv_op.attrs["padding"]

    def conv2d_bias_relu(x, w, b):
        if (type(x) is np.ndarray and type(w) is np.ndarray and type(b) is np.ndarray
                and b.ndim == 1 and w.ndim == 4 and b.shape[0] == w.shape[3]
                and x.dtype == w.dtype == b.dtype and x.dtype.kind == "f"):
            result = conv_kernels.conv2d_bias_relu(x, w, b, strides, padding)
        else:
            conv = conv_kernel(x, w)
            result = relu_kernel(add_kernel(b, conv) if bias_first else add_kernel(conv, b))
        return (_shape_stand_in(result), result) if wants_stand_in else result

    return conv2d_bias_relu


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


def _chain(steps, step_ops, relu_index, producers, readers, kept):
    """The (conv, add) step indexes and the add's bias position feeding the ReLU at
    ``relu_index``, or None when the chain may not be fused."""
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
        if all((step_ops[i].type, p) in _SHAPE_ONLY and i > relu_index for i, p in others):
            return conv_index, add_index, 1 - conv_position, bool(others)
    return None


def fuse(steps, step_ops, kept):
    """Return ``(steps, step_ops)`` with each fusable Conv2D + bias + Relu chain replaced by
    one step in the ReLU's place. ``kept``: slots the caller fetches (never fused away)."""
    producers = _producers(steps)
    readers = _readers(steps)
    replaced = {}
    removed = set()
    for index, op in enumerate(step_ops):
        if op.type != "Relu":
            continue
        chain = _chain(steps, step_ops, index, producers, readers, kept)
        if chain is None:
            continue
        conv_index, add_index, bias_position, stand_in = chain
        conv_kernel, (x_slot, w_slot), conv_slot = steps[conv_index]
        add_kernel, add_ins, _ = steps[add_index]
        relu_kernel, _, relu_slot = steps[index]
        kernel = _fused_kernel(step_ops[conv_index], (conv_kernel, add_kernel, relu_kernel),
                               bias_position == 0, stand_in)
        out = (conv_slot, relu_slot) if stand_in else relu_slot
        replaced[index] = (kernel, (x_slot, w_slot, add_ins[bias_position]), out)
        removed.update((conv_index, add_index))
    if not replaced:
        return steps, step_ops
    new_steps, new_ops = [], []
    for index, (step, op) in enumerate(zip(steps, step_ops, strict=True)):
        if index in removed:
            continue
        new_steps.append(replaced.get(index, step))
        new_ops.append(op)
    return new_steps, new_ops
