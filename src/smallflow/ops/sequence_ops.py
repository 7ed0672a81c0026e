"""Scans, ranges and segment sums: cumsum, cumprod, range, linspace, unsorted_segment_sum."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor, is_tensor_like, name_scope
from ..op_signature import INDEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    constant_value,
    make_op,
    merge_shapes,
    require_float,
)
from .constant_op import cast

# -- scans, sequences and segment sums ---------------------------------------------------------


def _scan_kernel(ufunc, identity):
    def factory(attrs):
        exclusive = attrs["exclusive"]
        reverse = attrs["reverse"]

        def scan(x, axis):
            axis = int(axis)
            if not -x.ndim <= axis < x.ndim:
                raise InvalidArgumentError(
                    None, None, f"ScanOp: Expected scan axis in the range [{-x.ndim}, "
                    f"{x.ndim}), but got {axis}")
            if reverse:
                x = np.flip(x, axis)
            out = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
            if exclusive:
                shifted = np.full_like(out, identity)
                body = [slice(None)] * x.ndim
                head = [slice(None)] * x.ndim
                body[axis] = slice(1, None)
                head[axis] = slice(None, -1)
                shifted[tuple(body)] = out[tuple(head)]
                out = shifted
            return np.flip(out, axis) if reverse else out

        return scan

    return factory


def _scan_static(op):
    # The input's shape, whatever the axis: TensorFlow checks the axis when the scan runs.
    return [op.inputs[0].shape]


register_op("Cumsum", _scan_kernel(np.add, 0), _scan_static,
            signature=signature("x: T, axis: Tidx -> out: T", T=NUMBERS, Tidx=INDEX))
register_op("Cumprod", _scan_kernel(np.multiply, 1), _scan_static,
            signature=signature("x: T, axis: Tidx -> out: T", T=NUMBERS, Tidx=INDEX))


def _scan(op_type, x, axis, exclusive, reverse, name):
    x = convert_to_tensor(x, name="x")
    axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    attrs = {"exclusive": bool(exclusive), "reverse": bool(reverse)}
    return make_op(op_type, [x, axis], [x.dtype], attrs, name).outputs[0]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along ``axis``; ``exclusive`` leaves out the current entry, ``reverse``
    runs from the end."""
    return _scan("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running products along ``axis`` (options as for ``cumsum``)."""
    return _scan("Cumprod", x, axis, exclusive, reverse, name)


def _range_size(start, limit, delta):
    """TensorFlow's Range checks and its number of entries (computed in the input dtype)."""
    if delta == 0:
        raise ValueError(f"Requires delta != 0: {delta}")
    if delta > 0 and start > limit:
        raise ValueError(f"Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        raise ValueError(f"Requires start >= limit when delta < 0: {start}/{limit}")
    if np.issubdtype(np.asarray(start).dtype, np.integer):
        return int((np.abs(limit - start) + np.abs(delta) - 1) // np.abs(delta))
    return int(np.ceil(np.abs((limit - start) / delta)))


def _range_kernel(attrs):
    def range_array(start, limit, delta):
        try:
            size = _range_size(start, limit, delta)
        except ValueError as err:
            raise InvalidArgumentError(None, None, str(err)) from None
        if size == 0:
            return np.zeros(0, dtype=start.dtype)
        if start.dtype.kind in "iu":
            return np.arange(start, limit, delta, dtype=start.dtype)
        # TensorFlow adds delta step by step in the input dtype; accumulate does the same.
        steps = np.full(size, delta, dtype=start.dtype)
        steps[0] = start
        return np.add.accumulate(steps, dtype=start.dtype)

    return range_array


def _range_static(op):
    values = [constant_value(t) for t in op.inputs]
    if any(v is None for v in values):
        return [unknown_shape(1)]
    try:
        return [TensorShape([_range_size(*values)])]
    except ValueError as err:
        raise ShapeError(str(err)) from None


register_op("Range", _range_kernel, _range_static,
            signature=signature("start: Tidx, limit: Tidx, delta: Tidx -> output: Tidx",
                                Tidx=(dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)))

_RANGE_DTYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """``[start, start + delta, ...]`` up to but excluding ``limit`` (``range(n)``: 0..n-1)."""
    if limit is None:
        start, limit = 0, start
    with name_scope(name) as scope:
        args = [convert_to_tensor(v, dtype=dtype, name=n)
                for v, n in ((start, "start"), (limit, "limit"), (delta, "delta"))]
        if dtype is None:
            if any(a.dtype not in _RANGE_DTYPES for a in args):
                raise TypeError(f"range arguments must be int32, int64, float32 or float64, "
                                f"got {[a.dtype.name for a in args]}")
            widest = max((a.dtype for a in args), key=_RANGE_DTYPES.index)
            args = [a if a.dtype == widest else cast(a, widest) for a in args]
        return make_op("Range", args, [args[0].dtype], None, scope).outputs[0]


def _linspace_kernel(attrs):
    def linspace_array(start, stop, num):
        num = int(num)
        if num <= 0:
            raise InvalidArgumentError(None, None, f"Requires num > 0: {num}")
        out = np.empty(num, dtype=start.dtype)
        out[0] = start
        if num > 1:
            step = (stop - start) / start.dtype.type(num - 1)
            out[1:-1] = start + step * np.arange(1, num - 1, dtype=start.dtype)
            out[-1] = stop
        return out

    return linspace_array


def _linspace_static(op):
    num = constant_value(op.inputs[2])
    if num is None:
        return [unknown_shape(1)]
    if int(num) <= 0:
        raise ShapeError(f"Requires num > 0: {int(num)}")
    return [TensorShape([int(num)])]


register_op("LinSpace", _linspace_kernel, _linspace_static,
            signature=signature("start: T, stop: T, num: Tidx -> output: T",
                                T=(dtypes.float32, dtypes.float64),
                                Tidx=INDEX))


def linspace(start, stop, num, name=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    start = convert_to_tensor(start, name="start")
    require_float("LinSpace", start, "start")
    stop = convert_to_tensor(stop, dtype=start.dtype, name="stop")
    num = convert_to_tensor(num, name="num")
    return make_op("LinSpace", [start, stop, num], [start.dtype], None, name).outputs[0]


lin_space = linspace


def _segment_sum_static(op):
    data, ids = (t.shape for t in op.inputs[:2])
    count = constant_value(op.inputs[2])
    if data.ndims is None or ids.ndims is None:
        return [unknown_shape()]
    merge_shapes([data[:ids.ndims], ids])
    rows = None if count is None else int(count)
    return [TensorShape([rows] + data.as_list()[ids.ndims:])]


def _segment_sum_kernel(attrs):
    def segment_sum(data, ids, count):
        count = int(count)
        if data.shape[:ids.ndim] != ids.shape:
            raise InvalidArgumentError(
                None, None, f"data.shape = {list(data.shape)} does not start with "
                f"segment_ids.shape = {list(ids.shape)}")
        if ids.size and ids.max() >= count:
            bad = int(np.argmax(ids.ravel() >= count))
            raise InvalidArgumentError(
                None, None, f"segment_ids[{bad}] = {ids.ravel()[bad]} is out of range "
                f"[0, {count})")
        inner = data.shape[ids.ndim:]
        out = np.zeros((count, *inner), dtype=data.dtype)
        flat_ids = ids.ravel()
        rows = data.reshape((flat_ids.size, *inner))
        keep = flat_ids >= 0  # negative ids are dropped, as in TensorFlow
        if not keep.all():
            flat_ids, rows = flat_ids[keep], rows[keep]
        # np.add.at goes element by element: seconds for k-means over MNIST's 55,000 x 784.
        # Whole rows into a few segments are one product with the one-hot segment matrix
        # (finite values only: 0 * inf would spread NaN to every segment); into many
        # segments, rows are sorted by segment and each run added at once.
        if (rows.ndim == 2 and len(rows) > 64 and count <= 128
                and data.dtype in (np.float32, np.float64) and np.isfinite(rows).all()):
            onehot = np.zeros((count, len(rows)), dtype=data.dtype)
            onehot[flat_ids, np.arange(len(rows))] = 1
            return onehot @ rows
        if rows.ndim > 1 and len(rows) > 64:
            order = np.argsort(flat_ids, kind="stable")
            ids_sorted = flat_ids[order]
            starts = np.flatnonzero(np.r_[True, ids_sorted[1:] != ids_sorted[:-1]])
            out[ids_sorted[starts]] = np.add.reduceat(rows[order], starts, axis=0)
        else:
            np.add.at(out, flat_ids, rows)
        return out

    return segment_sum


register_op("UnsortedSegmentSum", _segment_sum_kernel, _segment_sum_static,
            signature=signature("data: T, segment_ids: Tindices, num_segments: Tnumsegments"
                                " -> output: T",
                                T=NUMBERS,
                                Tindices=INDEX,
                                Tnumsegments=INDEX))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """``out[i] = sum of data[j] over j with segment_ids[j] == i`` for i < num_segments."""
    data = convert_to_tensor(data)
    segment_ids = convert_to_tensor(segment_ids)
    num_segments = convert_to_tensor(num_segments, name="num_segments")
    return make_op("UnsortedSegmentSum", [data, segment_ids, num_segments], [data.dtype], None,
                   name).outputs[0]


