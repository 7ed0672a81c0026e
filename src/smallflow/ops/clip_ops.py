"""Gradient clipping: ``clip_by_norm``, ``global_norm``, ``clip_by_global_norm``,
``clip_by_average_norm``. Composites of math ops; their gradients come from those ops."""

import numpy as np

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, name_scope
from . import array_ops, math_ops
from .indexed_slices import IndexedSlices
from .math_ops import clip_by_value  # noqa: F401 - TensorFlow's clip_ops.clip_by_value


def _values(tensor):
    """A tensor, or the ``values`` of an IndexedSlices-like object (its dense part)."""
    return getattr(tensor, "values", tensor) if not isinstance(tensor, Tensor) else tensor


def _like(original, values):
    """``values`` in the form of ``original``: IndexedSlices stay IndexedSlices (sparse
    gradients are clipped without being made dense, as in TensorFlow)."""
    if isinstance(original, IndexedSlices):
        return IndexedSlices(values, original.indices, original.dense_shape)
    return values


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t * clip_norm / max(l2norm(t, axes), clip_norm)``: ``t`` when its norm is small.

    With ``axes`` each slice along those axes is clipped by its own norm.
    """
    original = t
    with name_scope(name or "clip_by_norm") as scope:
        # For IndexedSlices the norm is that of the values (a repeated row counts twice).
        t = convert_to_tensor(_values(t), name="t")
        clip_norm = math_ops.cast(clip_norm, t.dtype)
        squared = math_ops.reduce_sum(t * t, axes, keepdims=True)
        positive = math_ops.greater(squared, 0.0)
        # A zero norm would give 0/0 in the gradient of sqrt; substitute 1 there.
        safe = array_ops.where(positive, squared, array_ops.ones_like(squared))
        norm = array_ops.where(positive, math_ops.sqrt(safe), squared)
        scaled = t * clip_norm
        # clip_norm must not change t's shape (a scalar, or one norm per slice over axes).
        try:
            t.shape.merge_with(scaled.shape)
        except ValueError as err:
            raise ValueError(f"clip_norm of shape {clip_norm.shape} does not fit t of shape "
                             f"{t.shape}: {err}") from None
        clipped = math_ops.realdiv(scaled, math_ops.maximum(norm, clip_norm))
        return _like(original, array_ops.identity(clipped, name=scope[:-1] if scope else None))


def global_norm(t_list, name=None):
    """``sqrt(sum of squares of every entry of every tensor in t_list)`` (Nones skipped)."""
    if isinstance(t_list, Tensor) or not isinstance(t_list, list | tuple):
        raise TypeError("t_list should be a sequence")
    with name_scope(name or "global_norm"):
        tensors = [convert_to_tensor(_values(t)) for t in t_list if t is not None]
        if not tensors:
            return array_ops.constant(0.0, name="global_norm")
        halves = [math_ops.reduce_sum(t * t) * 0.5 for t in tensors]
        half_total = math_ops.reduce_sum(array_ops.stack(halves))
        return math_ops.sqrt(half_total * 2.0, name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor by ``clip_norm / max(global_norm, clip_norm)``.

    Returns ``(clipped list, global_norm)``; Nones stay None. An infinite or NaN global norm
    makes every entry NaN, as in TensorFlow, so that the problem is visible.
    """
    if isinstance(t_list, Tensor) or not isinstance(t_list, list | tuple):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    # As TensorFlow: the norm is computed first, in its own scope (global_norm/global_norm).
    norm = global_norm(t_list, name) if use_norm is None else convert_to_tensor(use_norm)
    with name_scope(name or "clip_by_global_norm") as scope:
        clip = math_ops.cast(clip_norm, norm.dtype)
        finite = math_ops.is_finite(norm)
        ratio = math_ops.realdiv(clip, math_ops.maximum(norm, clip))
        nan = array_ops.constant(np.nan, dtype=norm.dtype)
        scale = array_ops.where(finite, ratio, nan)
        clipped = []
        for index, t in enumerate(t_list):
            if t is None:
                clipped.append(None)
                continue
            values = convert_to_tensor(_values(t))
            factor = math_ops.cast(scale, values.dtype)
            # TensorFlow names each result "<scope>_<i>" inside the scope, which gives
            # clip_by_global_norm/clip_by_global_norm/_0.
            clipped.append(_like(t, array_ops.identity(values * factor,
                                                       name=f"{scope}_{index}")))
        return clipped, norm


def clip_by_average_norm(t, clip_norm, name=None):
    """``t * clip_norm / max(l2norm(t) / size(t), clip_norm)`` (the norm per element)."""
    with name_scope(name or "clip_by_average_norm") as scope:
        t = convert_to_tensor(t, name="t")
        if t.dtype != dtypes.float32:
            # TensorFlow 1.x counts the elements in float32 and multiplies without a cast.
            raise TypeError(f"Input 'y' of 'Mul' Op has type float32 that does not match type "
                            f"{t.dtype.name} of argument 'x'.")
        count = math_ops.cast(array_ops.size(t), t.dtype)
        inverse_norm = math_ops.rsqrt(math_ops.reduce_sum(t * t))
        # As TensorFlow writes it (min of two factors), so its gradient is TensorFlow's too.
        factor = math_ops.minimum(inverse_norm * count, 1.0 / clip_norm)
        return array_ops.identity(t * clip_norm * factor, name=scope)
