"""``tf.contrib.image.connected_components``: label the connected regions of images.

Two pixels belong to one component when they are 4-neighbours (up, down, left, right) with
the same value; pixels of the type's zero value (0, False, the empty string) are background
and get label 0. Components are numbered 1, 2, ... across the whole batch in the order of
their first pixel in row-major order, which is what TensorFlow 1.15's wrapper makes of its
op's output (it renumbers the union-find roots by ``unique``); the ``ImageConnectedComponents``
op here produces those numbers directly.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op

__all__ = ["connected_components"]

_TYPES = (dtypes.int64, dtypes.int32, dtypes.uint16, dtypes.int16, dtypes.uint8, dtypes.int8,
          dtypes.float16, dtypes.float32, dtypes.float64, dtypes.bool, dtypes.string)


def _labels(images):
    """Consecutive component labels of a [batch, height, width] array (0 = background)."""
    if images.ndim != 3:
        raise InvalidArgumentError(None, None, f"images must be 3-D (batch, height, width), "
                                               f"got shape {list(images.shape)}")
    zero = b"" if images.dtype.kind in "SOU" else images.dtype.type(0)
    foreground = images != zero
    # every foreground pixel starts as its own root (flat index + 1); neighbours with the
    # same value repeatedly take the smaller root until nothing changes
    size = images.size
    roots = np.where(foreground, np.arange(1, size + 1).reshape(images.shape), 0)
    same_down = foreground[:, 1:, :] & (images[:, 1:, :] == images[:, :-1, :])
    same_right = foreground[:, :, 1:] & (images[:, :, 1:] == images[:, :, :-1])
    while True:
        before = roots.copy()
        # each pixel takes the smallest root among itself and its same-valued neighbours
        np.minimum(roots[:, 1:, :], np.where(same_down, before[:, :-1, :], size + 1),
                   out=roots[:, 1:, :])
        np.minimum(roots[:, :-1, :], np.where(same_down, before[:, 1:, :], size + 1),
                   out=roots[:, :-1, :])
        np.minimum(roots[:, :, 1:], np.where(same_right, before[:, :, :-1], size + 1),
                   out=roots[:, :, 1:])
        np.minimum(roots[:, :, :-1], np.where(same_right, before[:, :, 1:], size + 1),
                   out=roots[:, :, :-1])
        if np.array_equal(before, roots):
            break
    # a component's root is its first pixel, so the roots' order is first appearance
    flat = roots.reshape(-1)
    ordered = np.unique(flat[flat > 0])
    labels = np.zeros(size, dtype=np.int64)
    labels[flat > 0] = np.searchsorted(ordered, flat[flat > 0]) + 1
    return labels.reshape(images.shape)


register_op("ImageConnectedComponents", lambda attrs: _labels,
            lambda op: [op.inputs[0].shape],
            signature=signature("image: dtype -> components: int64", dtype=_TYPES))
NotDifferentiable("ImageConnectedComponents")


def connected_components(images):
    """Labels of the connected components of ``images`` ([height, width] or [batch, height,
    width]): int64, 0 for background, components numbered from 1 in row-major order."""
    import smallflow as tf
    from smallflow.ops.common import make_op

    with tf.name_scope("connected_components"):
        given = tf.convert_to_tensor(images, name="images")
        rank = given.shape.ndims
        if rank == 2:
            batch = given[None, :, :]
        elif rank == 3:
            batch = given
        else:
            raise ValueError("images should have rank 2 (HW) or 3 (NHW)")
        labels = make_op("ImageConnectedComponents", [batch], [tf.int64],
                         {"dtype": batch.dtype}).outputs[0]
        return labels[0, :, :] if rank == 2 else labels
