"""``tf.nn.with_space_to_batch``: run an op on a dilated (a trous) grid of its input.

TensorFlow 1.x computes ``op`` with dilation ``rate`` along N spatial axes by moving every
``rate``-th element into the batch (space_to_batch_nd), running ``op`` with VALID padding and
moving the blocks back (batch_to_space_nd). Padding follows TensorFlow's rules: SAME pads
the dilated filter's extent minus one, half before (rounded down) and the rest after, and
every axis is padded at its end to a multiple of its rate, the extra cropped afterwards.

The space <-> batch moves are written here for any number of block axes (the public
``space_to_batch_nd`` is the 2-D form) from pad, reshape, transpose and slice, so they have
gradients. The spatial sizes must be known when the graph is built; the batch need not be.
"""

import numpy as np

from ..graph import convert_to_tensor, name_scope
from . import array_ops
from .common import constant_value

__all__ = ["with_space_to_batch"]


def _known_dims(x, first, count, what):
    dims = x.shape.as_list() if x.shape.ndims is not None else None
    if dims is None or any(d is None for d in dims[first:first + count]):
        raise ValueError(f"with_space_to_batch needs the {what} sizes of its input when the "
                         f"graph is built, got shape {x.shape}")
    return dims


def _rest_shape(x, dims, start):
    """The trailing dims (static where known) for a reshape."""
    return [d if d is not None else -1 for d in dims[start:]]


def _space_to_batch(x, blocks, paddings):
    """``x`` [batch, s1..sM, rest...] -> [prod(blocks) * batch, s1'/b1.., rest...]."""
    m = len(blocks)
    padded = array_ops.pad(x, [[0, 0], *paddings] + [[0, 0]] * (x.shape.ndims - m - 1))
    dims = _known_dims(padded, 1, m, "spatial")
    rest = _rest_shape(padded, dims, m + 1)
    if sum(d == -1 for d in rest):
        raise ValueError(f"with_space_to_batch needs the sizes after the spatial axes when "
                         f"the graph is built, got shape {padded.shape}")
    split = [-1]
    for size, block in zip(dims[1:m + 1], blocks, strict=True):
        split += [size // block, block]
    blocked = array_ops.reshape(padded, split + rest)
    order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    order += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    moved = array_ops.transpose(blocked, order)
    return array_ops.reshape(moved, [-1] + [dims[1 + i] // blocks[i] for i in range(m)] + rest)


def _batch_to_space(x, blocks, crops):
    """The inverse of ``_space_to_batch``, cropping ``crops`` [[start, end]] per axis."""
    m = len(blocks)
    dims = _known_dims(x, 1, m, "spatial")
    rest = _rest_shape(x, dims, m + 1)
    if sum(d == -1 for d in rest):
        raise ValueError(f"with_space_to_batch needs the sizes of op's output after the "
                         f"spatial axes when the graph is built, got shape {x.shape}")
    split = list(blocks) + [-1] + dims[1:m + 1] + rest
    blocked = array_ops.reshape(x, split)
    order = [m]
    for i in range(m):
        order += [m + 1 + i, i]
    order += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    moved = array_ops.transpose(blocked, order)
    full_sizes = [dims[1 + i] * blocks[i] for i in range(m)]
    full = array_ops.reshape(moved, [-1] + full_sizes + rest)
    if not any(a or b for a, b in crops):
        return full
    begin = [0] + [int(a) for a, _ in crops] + [0] * len(rest)
    size = [-1] + [full_sizes[i] - int(crops[i][0]) - int(crops[i][1]) for i in range(m)]
    return array_ops.slice(full, begin, size + [-1] * len(rest))


def _spatial_dims(spatial_dims, count):
    if spatial_dims is None:
        return list(range(1, count + 1))
    given = [int(d) for d in spatial_dims]
    ordered = sorted(set(given))
    if ordered != given or any(d < 1 for d in given):
        raise ValueError("spatial_dims must be a montonically increasing sequence of "
                         "positive integers")
    return given


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """``op(input, num_spatial_dims, padding)`` computed on the grid dilated by
    ``dilation_rate`` (TensorFlow 1.x's ``tf.nn.with_space_to_batch``).

    ``padding`` "SAME" needs ``filter_shape`` (the filter's spatial sizes first);
    ``spatial_dims`` (default ``1..N``) names the input axes the rates apply to.
    """
    x = convert_to_tensor(input, name="input")
    rate_value = constant_value(convert_to_tensor(dilation_rate, name="dilation_rate"))
    if rate_value is None:
        raise ValueError("with_space_to_batch needs a dilation_rate known when the graph is "
                         "built")
    rates = np.asarray(rate_value).reshape(-1) if np.ndim(rate_value) else None
    if rates is None or np.ndim(rate_value) != 1:
        raise ValueError(f"rate must be a 1-D tensor, got shape {list(np.shape(rate_value))}")
    count = int(rates.shape[0])
    if count == 0:
        raise ValueError("rate must not be empty")
    dims = _spatial_dims(spatial_dims, count)
    if len(dims) != count:
        raise ValueError(f"spatial_dims has {len(dims)} entries, dilation_rate {count}")
    rank = dims[-1] if data_format is not None and data_format.startswith("NC") else \
        dims[-1] + 1
    if x.shape.ndims is not None and x.shape.ndims < rank:
        raise ValueError(f"Shape {x.shape} must have rank at least {rank}")
    if np.any(rates < 1):
        raise ValueError("dilation_rate must be positive")
    if np.all(rates == 1):
        return op(x, count, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("filter_shape must be specified for SAME padding")
        window = np.asarray(constant_value(convert_to_tensor(filter_shape)))[:count]
        extent = window + (window - 1) * (rates - 1) - 1
        base = [[int(e // 2), int(e - e // 2)] for e in extent]
    elif padding == "VALID":
        base = [[0, 0]] * count
    else:
        raise ValueError(f"Invalid padding method {padding!r}")
    # Block axes run from 1 to the last spatial axis; axes between spatial ones keep rate 1.
    span = dims[-1]
    blocks = [1] * span
    pads = [[0, 0]] * span
    crops = [[0, 0]] * span
    shape = _known_dims(x, 1, span, "spatial")
    for i, axis in enumerate(dims):
        rate = int(rates[i])
        start, end = base[i]
        size = shape[axis] + start + end
        extra = (rate - size % rate) % rate
        blocks[axis - 1] = rate
        pads[axis - 1] = [start, end + extra]
        crops[axis - 1] = [0, extra]
    with name_scope("with_space_to_batch"):
        moved = _space_to_batch(x, blocks, pads)
    result = op(moved, count, "VALID")
    with name_scope("with_space_to_batch"):
        return _batch_to_space(result, blocks, crops)
