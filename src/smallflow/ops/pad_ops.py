"""Tiling, padding, reversing and broadcast_to."""

import builtins

import numpy as np

from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor, is_tensor_like
from ..op_signature import ALL, INDEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    broadcast_static,
    composite_dispatch,
    constant_ints,
    constant_value,
    make_op,
)
from .shape_ops import _int_input, _shape_input

# -- tiling, padding, reversing, broadcasting ---------------------------------------------------


def _tile_static(op):
    known = op.inputs[0].shape
    multiples = constant_ints(op.inputs[1])
    if known.ndims is None:
        return [unknown_shape(None if multiples is None else len(multiples))]
    if multiples is None:
        return [unknown_shape(known.ndims)]
    if len(multiples) != known.ndims:
        raise ShapeError(f"Shape must be rank {known.ndims} but is rank {len(multiples)}")
    dims = known.as_list()
    return [TensorShape([None if d is None or m is None else d * m
                         for d, m in zip(dims, multiples, strict=True)])]


def _tile_kernel(attrs):
    def tile_array(x, multiples):
        if multiples.shape != (x.ndim,):
            raise InvalidArgumentError(
                None, None, f"Expected multiples argument to be a vector of length {x.ndim} "
                f"but got length {multiples.size}")
        if np.any(multiples < 0):
            axis = int(np.argmax(multiples < 0))
            raise InvalidArgumentError(
                None, None, f"Expected multiples[{axis}] >= 0, but got {multiples[axis]}")
        return np.tile(x, multiples)

    return tile_array


register_op("Tile", _tile_kernel, _tile_static,
            signature=signature("input: T, multiples: Tmultiples -> output: T",
                                T=ALL,
                                Tmultiples=INDEX))


def tile(input, multiples, name=None):  # noqa: A002 - TensorFlow's argument name
    """Repeat ``input`` ``multiples[i]`` times along each axis i."""
    dispatch = composite_dispatch(input)
    if dispatch is not None:  # a RaggedTensor: each row repeats its own values
        return dispatch("tile", input, multiples, name)
    input = convert_to_tensor(input)  # noqa: A001
    return make_op("Tile", [input, _shape_input(multiples, name="multiples")], [input.dtype],
                   None, name).outputs[0]


def _paddings_value(op):
    """Paddings known at build time as an [n, 2] int array, or None; checks their shape."""
    paddings = op.inputs[1]
    rank = op.inputs[0].shape.ndims
    p_dims = paddings.shape.as_tuple()
    if p_dims is not None and (len(p_dims) != 2 or p_dims[1] not in (2, None)):
        raise ShapeError(f"Shape must be rank 2 and have 2 columns, but is "
                         f"{paddings.shape.bracket_str()}")
    if rank is not None and p_dims is not None and p_dims[0] not in (rank, None):
        raise ShapeError(f"Shape must be rank {rank} but is rank {p_dims[0]}")
    value = constant_value(paddings)
    return None if value is None else np.asarray(value, dtype=np.int64).reshape(-1, 2)


def _pad_static(op):
    known = op.inputs[0].shape
    paddings = _paddings_value(op)
    if paddings is None:
        rank = known.ndims if known.ndims is not None else op.inputs[1].shape[0].value
        return [unknown_shape(rank)]
    if np.any(paddings < 0):
        raise ShapeError(f"Paddings must be non-negative: {paddings.ravel().tolist()}")
    if known.ndims is None:
        return [unknown_shape(len(paddings))]
    mode = op.attrs.get("mode", "CONSTANT")
    out = []
    rows = zip(known.as_list(), paddings.tolist(), strict=True)
    for axis, (dim, (before, after)) in enumerate(rows):
        if dim is not None:
            _check_mirror_padding(mode, axis, dim, before, after, ShapeError)
        out.append(None if dim is None else dim + before + after)
    return [TensorShape(out)]


def _check_mirror_padding(mode, axis, dim, before, after, error):
    if mode == "REFLECT" and max(before, after) >= dim:
        raise error(f"paddings must be less than the dimension size: {before}, {after} not "
                    f"less than {dim}")
    if mode == "SYMMETRIC" and max(before, after) > dim:
        raise error(f"paddings must be no greater than the dimension size: {before}, {after} "
                    f"greater than {dim}")


def _check_paddings(x, paddings):
    if paddings.shape != (x.ndim, 2):
        raise InvalidArgumentError(
            None, None, f"The first dimension of paddings must be the rank of inputs"
            f"{list(paddings.shape)} {list(x.shape)}")
    if np.any(paddings < 0):
        raise InvalidArgumentError(
            None, None, f"Paddings must be non-negative: {' '.join(map(str, paddings.ravel()))}")


def _pad_constant(x, paddings, fill):
    _check_paddings(x, paddings)
    shape = tuple(int(d + b + a) for d, (b, a) in zip(x.shape, paddings, strict=True))
    if x.dtype == object:
        # A string fill arrives as a 0-d object array; Pad's 0 means the empty string.
        if isinstance(fill, np.ndarray) and fill.size == 1:
            fill = fill.ravel()[0]
        if not isinstance(fill, bytes):
            fill = b""
    out = np.full(shape, fill, dtype=x.dtype)
    rows = zip(x.shape, paddings, strict=True)
    inner = tuple(builtins.slice(int(b), int(b) + d) for d, (b, _) in rows)
    out[inner] = x
    return out


register_op("Pad", lambda attrs: lambda x, paddings: _pad_constant(x, paddings, 0), _pad_static,
            signature=signature("input: T, paddings: Tpaddings -> output: T",
                                T=ALL,
                                Tpaddings=INDEX))
register_op("PadV2", lambda attrs: _pad_constant, _pad_static,
            signature=signature("input: T, paddings: Tpaddings, constant_values: T -> output: T",
                                T=ALL,
                                Tpaddings=INDEX))


def _mirror_pad_kernel(attrs):
    numpy_mode = attrs["mode"].lower()

    def mirror_pad(x, paddings):
        _check_paddings(x, paddings)
        for axis, (before, after) in enumerate(paddings.tolist()):
            _check_mirror_padding(attrs["mode"], axis, x.shape[axis], before, after,
                                  lambda message: InvalidArgumentError(None, None, message))
        return np.pad(x, paddings, mode=numpy_mode)

    return mirror_pad


register_op("MirrorPad", _mirror_pad_kernel, _pad_static,
            signature=signature("input: T, paddings: Tpaddings -> output: T",
                                T=ALL,
                                Tpaddings=INDEX))


def _mirror_source(size, before, after, mode):
    """For each position of a mirror-padded axis, the input position it copies."""
    positions = np.arange(-before, size + after)
    if mode == "REFLECT":
        positions = np.abs(positions)
        return np.where(positions >= size, 2 * (size - 1) - positions, positions)
    positions = np.where(positions < 0, -positions - 1, positions)
    return np.where(positions >= size, 2 * size - 1 - positions, positions)


def _mirror_pad_grad_kernel(attrs):
    mode = attrs["mode"]

    def fold(grad, paddings):
        out = grad
        for axis, (before, after) in enumerate(paddings.tolist()):
            size = out.shape[axis] - before - after
            source = _mirror_source(size, before, after, mode)
            folded = np.zeros(out.shape[:axis] + (size,) + out.shape[axis + 1:], out.dtype)
            index = (builtins.slice(None),) * axis + (source,)
            np.add.at(folded, index, out)
            out = folded
        return out

    return fold


def _mirror_pad_grad_static(op):
    known = op.inputs[0].shape
    paddings = constant_value(op.inputs[1])
    if known.ndims is None or paddings is None:
        return [unknown_shape(known.ndims)]
    paddings = np.asarray(paddings).reshape(-1, 2)
    return [TensorShape([None if d is None else d - int(b) - int(a)
                         for d, (b, a) in zip(known.as_list(), paddings, strict=True)])]


register_op("MirrorPadGrad", _mirror_pad_grad_kernel, _mirror_pad_grad_static,
            signature=signature("input: T, paddings: Tpaddings -> output: T",
                                T=NUMBERS,
                                Tpaddings=INDEX))


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad ``tensor`` by ``paddings[i] = [before, after]`` along each axis i.

    ``mode`` is ``"CONSTANT"`` (with ``constant_values``), ``"REFLECT"`` (mirror without the
    edge) or ``"SYMMETRIC"`` (mirror with the edge), in any letter case.
    """
    tensor = convert_to_tensor(tensor)
    paddings = _int_input(paddings, name="paddings")
    mode = str(mode).upper()
    if mode == "CONSTANT":
        python_zero = not is_tensor_like(constant_values) and np.ndim(constant_values) == 0
        if python_zero and constant_values == 0:
            # As TensorFlow: the default 0 means "the dtype's zero" for any dtype (Pad).
            return make_op("Pad", [tensor, paddings], [tensor.dtype], None, name).outputs[0]
        fill = convert_to_tensor(constant_values, dtype=tensor.dtype, name="constant_values")
        if constant_value(fill) is not None and not np.any(constant_value(fill)):
            return make_op("Pad", [tensor, paddings], [tensor.dtype], None, name).outputs[0]
        return make_op("PadV2", [tensor, paddings, fill], [tensor.dtype], None,
                       name).outputs[0]
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    return make_op("MirrorPad", [tensor, paddings], [tensor.dtype], {"mode": mode},
                   name).outputs[0]


def _mirror_pad_grad(grad, paddings, mode):
    return make_op("MirrorPadGrad", [grad, paddings], [grad.dtype], {"mode": mode}).outputs[0]


def _reverse_axes(axes, rank, error):
    seen = set()
    for i, a in enumerate(axes):
        if rank is not None and not -rank <= a < rank:
            raise error(f"'axis'[{i}] = {a} is out of valid range [0, {rank - 1}")
        canonical = a % rank if rank else a
        if canonical in seen:
            raise error(f"axis {canonical} specified more than once.")
        seen.add(canonical)
    return tuple(sorted(seen))


def _reverse_static(op):
    axes = constant_ints(op.inputs[1])
    known = op.inputs[0].shape
    if axes is not None and None not in axes:
        _reverse_axes(axes, known.ndims, ShapeError)
    return [known]


def _reverse_kernel(attrs):
    def reverse_array(x, axis):
        error = lambda message: InvalidArgumentError(None, None, message)  # noqa: E731
        axes = _reverse_axes(axis.tolist(), x.ndim, error)
        return np.flip(x, axis=axes) if axes else x

    return reverse_array


register_op("ReverseV2", _reverse_kernel, _reverse_static,
            signature=signature("tensor: T, axis: Tidx -> output: T", T=ALL, Tidx=INDEX))


def reverse(tensor, axis, name=None):
    """Reverse ``tensor`` along each axis listed in ``axis``."""
    tensor = convert_to_tensor(tensor)
    axis = _shape_input(axis, name="axis")
    return make_op("ReverseV2", [tensor, axis], [tensor.dtype], None, name).outputs[0]


reverse_v2 = reverse


def _broadcast_to_static(op):
    target = constant_ints(op.inputs[1])
    if target is None:
        return [unknown_shape()]
    target_shape = TensorShape(target)
    known = op.inputs[0].shape
    if known.ndims is not None and known.ndims > len(target):
        raise ShapeError(f"Rank of input ({known.ndims}) must be no greater than rank of "
                         f"output shape ({len(target)}).")
    merged = broadcast_static(known, target_shape)
    if merged.ndims is not None:
        for axis, (m, t) in enumerate(zip(merged.as_list(), target, strict=True)):
            if m is not None and t is not None and m != t:
                raise ShapeError(f"Dimensions must be equal, but are {m} and {t} "
                                 f"(broadcasting to dimension {axis} of the target shape)")
        merged = merged.merge_with(target_shape)
    return [merged]


def _broadcast_to_kernel(attrs):
    def broadcast_array(x, shape):
        try:
            return np.broadcast_to(x, tuple(shape.tolist()))
        except ValueError:
            raise InvalidArgumentError(
                None, None, f"Incompatible shapes: {list(x.shape)} vs. {shape.tolist()}"
            ) from None

    return broadcast_array


register_op("BroadcastTo", _broadcast_to_kernel, _broadcast_to_static,
            signature=signature("input: T, shape: Tidx -> output: T", T=ALL, Tidx=INDEX))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """``input`` broadcast (NumPy rules) to ``shape``."""
    input = convert_to_tensor(input)  # noqa: A001
    return make_op("BroadcastTo", [input, _shape_input(shape)], [input.dtype], None,
                   name).outputs[0]


