"""More array ops: gather_nd/scatter_nd, top_k/sort/argsort, unique, dynamic_partition/
dynamic_stitch, reverse_sequence (kernels here), and composites of existing ops: meshgrid,
sequence_mask, space_to_depth/depth_to_space, space_to_batch/batch_to_space,
extract_image_patches, arg_min/arg_max.
"""

import collections

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, control_dependencies, convert_to_tensor, name_scope
from ..op_signature import ALL, INDEX, REALS, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, debug_ops, math_ops
from .common import constant_ints, constant_value, element_array, make_op, renamed_argument

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


def _indices(value, op_type, arg="indices"):
    tensor = convert_to_tensor(value, name=arg)
    if tensor.dtype not in _INDEX_TYPES:
        raise TypeError(f"Value passed to parameter '{arg}' has DataType {tensor.dtype.name} not "
                        f"in list of allowed values: int32, int64 (op '{op_type}')")
    return tensor


# -- gather_nd / scatter_nd --------------------------------------------------------------------


def _nd_positions(indices, shape, op_type):
    indices = np.asarray(indices)
    depth = indices.shape[-1]
    if depth > len(shape):
        raise InvalidArgumentError(None, None, f"{op_type}: indices.shape[-1] must be <= "
                                               f"params.rank, got {depth} vs {len(shape)}")
    flat = indices.reshape(-1, depth)
    for axis in range(depth):
        bad = (flat[:, axis] < 0) | (flat[:, axis] >= shape[axis])
        if bad.any():
            row = int(np.argmax(bad))
            raise InvalidArgumentError(
                None, None, f"{op_type}: indices[{row}] = {flat[row].tolist()} does not index "
                            f"into param shape {list(shape)}")
    return tuple(indices[..., axis] for axis in range(depth))


def _gather_nd_kernel(attrs):
    def gather_nd(params, indices):
        return element_array(params[_nd_positions(indices, params.shape, "GatherNd")], params)

    return gather_nd


def _gather_nd_shape(op):
    params, indices = (t.shape.as_tuple() for t in op.inputs)
    if params is None or indices is None or indices[-1] is None:
        return [unknown_shape()]
    return [TensorShape([*indices[:-1], *params[indices[-1]:]])]


register_op("GatherNd", _gather_nd_kernel, _gather_nd_shape,
            signature=signature("params: Tparams, indices: Tindices -> output: Tparams",
                                Tparams=ALL, Tindices=INDEX))


def gather_nd(params, indices, name=None, batch_dims=0):
    """Slices of ``params`` addressed by the last axis of ``indices`` (its leading coordinates)."""
    if batch_dims:
        raise ValueError("gather_nd: batch_dims other than 0 is not supported")
    params = convert_to_tensor(params, name="params")
    indices = _indices(indices, "GatherNd")
    return make_op("GatherNd", [params, indices], [params.dtype], None, name).outputs[0]


def _scatter_nd_kernel(attrs):
    def scatter_nd(indices, updates, shape):
        out = np.zeros(tuple(int(d) for d in shape), dtype=updates.dtype)
        if out.dtype == object:  # strings: empty, and repeated indices concatenate
            out.fill(b"")
        np.add.at(out, _nd_positions(indices, out.shape, "ScatterNd"), updates)
        return out

    return scatter_nd


def _scatter_nd_shape(op):
    dims = constant_ints(op.inputs[2])
    indices = op.inputs[0].shape.as_tuple()
    updates = op.inputs[1].shape.as_tuple()
    if dims is not None and indices is not None and updates is not None and indices and \
            indices[-1] is not None:
        # updates.shape must be indices.shape[:-1] + shape[indices.shape[-1]:] (TF's check).
        outer = len(indices) - 1
        want = TensorShape([*indices[:-1], *dims[indices[-1]:]])
        if not want.is_compatible_with(TensorShape(list(updates))):
            raise ShapeError(
                f"Dimensions [0,{outer}) of indices[shape={list(indices)}] must match "
                f"dimensions [0,{outer}) of updates[shape={list(updates)}], and the rest of "
                f"updates must be shape[{indices[-1]}:] = {list(dims[indices[-1]:])}")
    return [unknown_shape() if dims is None else TensorShape(dims)]


register_op("ScatterNd", _scatter_nd_kernel, _scatter_nd_shape,
            signature=signature("indices: Tindices, updates: T, shape: Tindices -> output: T",
                                T=ALL, Tindices=INDEX))


def scatter_nd(indices, updates, shape, name=None):
    """A zero tensor of ``shape`` with ``updates`` added at ``indices`` (duplicates sum)."""
    indices = _indices(indices, "ScatterNd")
    updates = convert_to_tensor(updates, name="updates")
    shape = convert_to_tensor(shape, dtype=indices.dtype, name="shape")
    return make_op("ScatterNd", [indices, updates, shape], [updates.dtype], None,
                   name).outputs[0]


# -- top_k, sort, argsort ----------------------------------------------------------------------


def _top_k_kernel(attrs):
    def top_k(x, k):
        k = int(k)
        if k < 0:
            raise InvalidArgumentError(None, None, f"Need k >= 0, got {k}")
        if k > x.shape[-1]:
            raise InvalidArgumentError(None, None, f"input must have at least k columns. Had "
                                                   f"{x.shape[-1]}, needed {k}")
        # Largest first, equal values in index order (as TensorFlow), NaN last (TensorFlow's
        # own place for NaN depends on k and position). Floats: a stable sort of -x; other
        # types (whose negation wraps): a stable ascending sort of the reversed row, read
        # backwards.
        if x.dtype.kind in "fc":
            order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
        else:
            last = x.shape[-1] - 1
            order = last - np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
        return np.take_along_axis(x, order, -1), order.astype(np.int32)

    return top_k


def _top_k_shape(op):
    dims = op.inputs[0].shape.as_tuple()
    k = constant_value(op.inputs[1])
    if dims is None:
        return [unknown_shape(), unknown_shape()]
    if k is not None and dims and dims[-1] is not None and int(k) > dims[-1]:
        raise ShapeError(f"input must have last dimension >= k = {int(k)} but is {dims[-1]} "
                         f"for '{op.name}' (op: 'TopKV2')")
    shape = TensorShape([*dims[:-1], None if k is None else int(k)])
    return [shape, shape]


register_op("TopKV2", _top_k_kernel, _top_k_shape,
            signature=signature("input: T, k: int32 -> values: T, indices: int32", T=REALS))


# TensorFlow's result type: a namedtuple, so ``top_k(x, 2).indices`` works.
TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """The ``k`` largest entries of the last axis and their indices (int32), largest first."""
    x = convert_to_tensor(input, name="input")
    k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
    op = make_op("TopKV2", [x, k], [x.dtype, dtypes.int32], {"sorted": bool(sorted)}, name)
    return TopKV2(op.outputs[0], op.outputs[1])


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort ``values`` along ``axis`` (ties keep their order)."""
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Unknown direction: {direction}")
    with name_scope(name or "argsort"):
        values = convert_to_tensor(values, name="values")
        if values.dtype not in REALS:  # as top_k, which TensorFlow sorts with
            raise TypeError(f"Value passed to parameter 'input' has DataType "
                            f"{values.dtype.name} not in list of allowed values: "
                            f"{', '.join(d.name for d in REALS)}")
        rank = values.shape.ndims
        if rank is None:
            raise ValueError("argsort needs a tensor of known rank")
        axis = int(axis) % rank
        perm = list(range(rank))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        moved = values if axis == rank - 1 else array_ops.transpose(values, perm)
        if direction == "ASCENDING":
            # top_k finds the largest: sort the negated values (as float64 for integers,
            # whose most negative value has no negation).
            keyed = moved if values.dtype.is_floating else math_ops.cast(moved, dtypes.float64)
            moved = math_ops.negative(keyed)
        count = moved.shape[-1].value if moved.shape.ndims else None
        _, order = top_k(moved, array_ops.shape(moved)[-1] if count is None else count)
        return order if axis == rank - 1 else array_ops.transpose(order, perm)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """The values sorted along ``axis``."""
    with name_scope(name or "sort"):
        values = convert_to_tensor(values, name="values")
        order = argsort(values, axis, direction)
        return _take_along(values, order, int(axis) % values.shape.ndims)


def _take_along(values, order, axis):
    """``values`` reordered along ``axis`` by ``order`` (same shape), via gather_nd."""
    rank = values.shape.ndims
    shape = array_ops.shape(order)
    grids = []
    for dim in range(rank):
        if dim == axis:
            grids.append(math_ops.cast(order, dtypes.int32))
            continue
        ramp = math_ops.range(shape[dim])
        view = [1] * rank
        view[dim] = -1
        grids.append(array_ops.reshape(ramp, view) + array_ops.zeros_like(order))
    return gather_nd(values, array_ops.stack(grids, axis=-1))


# -- unique ------------------------------------------------------------------------------------


def _unique_kernel(attrs):
    out_idx = attrs["out_idx"].as_numpy_dtype
    counts_wanted = attrs["counts"]

    def unique(x):
        # NaN never equals NaN in TensorFlow's hash map: each one is its own unique value.
        nan_apart = {"equal_nan": False} if x.dtype.kind in "fc" else {}
        values, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                                   return_counts=True, **nan_apart)
        # TensorFlow lists the unique values in order of first appearance.
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        y = values[order]
        idx = rank[inverse.reshape(-1)].astype(out_idx)
        if counts_wanted:
            return y, idx, counts[order].astype(out_idx)
        return y, idx

    return unique


# TensorFlow's Unique kernels: real numbers, strings and bools (no complex).
_UNIQUE_KERNELS = REALS + (dtypes.string, dtypes.bool)


def _unique_shape(op):
    n = op.inputs[0].shape
    shapes = [TensorShape([None]), n]
    if len(op.outputs) == 3:
        shapes.append(TensorShape([None]))
    return shapes


register_op("Unique", _unique_kernel, _unique_shape,
            signature=signature("x: T -> y: T, idx: out_idx", T=ALL, out_idx=INDEX,
                                kernels={"T": _UNIQUE_KERNELS}))
register_op("UniqueWithCounts", _unique_kernel, _unique_shape,
            signature=signature("x: T -> y: T, idx: out_idx, count: out_idx", T=ALL,
                                out_idx=INDEX, kernels={"T": _UNIQUE_KERNELS}))
NotDifferentiable("Unique")
NotDifferentiable("UniqueWithCounts")


def _unique(op_type, x, out_idx, name, counts):
    x = convert_to_tensor(x, name="x")
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"unique expects a 1-D vector, got {x.name} of shape {x.shape}")
    out_idx = dtypes.as_dtype(out_idx)
    attrs = {"out_idx": out_idx, "counts": counts}
    out_types = [x.dtype, out_idx] + ([out_idx] if counts else [])
    outputs = make_op(op_type, [x], out_types, attrs, name).outputs
    return (UniqueWithCounts if counts else Unique)(*outputs)


# What unique and unique_with_counts return in TensorFlow: named tuples.
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def unique(x, out_idx=dtypes.int32, name=None):
    """``(y, idx)``: the distinct values in order of appearance, and ``x == y[idx]``."""
    return _unique("Unique", x, out_idx, name, False)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    return _unique("UniqueWithCounts", x, out_idx, name, True)


# -- reverse_sequence --------------------------------------------------------------------------


def _reverse_sequence_kernel(attrs):
    seq_axis = attrs["seq_dim"]
    batch_axis = attrs["batch_dim"]

    def reverse_sequence(x, lengths):
        out = x.copy()
        if np.any(lengths > x.shape[seq_axis]) or np.any(lengths < 0):
            raise InvalidArgumentError(None, None, f"seq_lengths must be in [0, "
                                                   f"{x.shape[seq_axis]}], got {lengths}")
        for b, length in enumerate(np.asarray(lengths).tolist()):
            index = [slice(None)] * x.ndim
            index[batch_axis] = b
            index[seq_axis] = slice(0, length)
            source = list(index)
            source[seq_axis] = slice(length - 1, None, -1) if length else slice(0, 0)
            out[tuple(index)] = x[tuple(source)]
        return out

    return reverse_sequence


def _reverse_sequence_shape(op):
    # The input's shape, its batch dimension taken from seq_lengths when that is known.
    dims = op.inputs[0].shape.as_tuple()
    lengths = op.inputs[1].shape.as_tuple()
    if dims is None or not lengths:
        return [op.inputs[0].shape]
    batch = op.attrs["batch_dim"]
    merged = list(dims)
    if merged[batch] is None:
        merged[batch] = lengths[0]
    elif lengths[0] is not None and lengths[0] != merged[batch]:
        raise ShapeError(f"Dimensions must be equal, but are {merged[batch]} and {lengths[0]} "
                         f"(the batch dimension of input and the length of seq_lengths)")
    return [TensorShape(merged)]


register_op("ReverseSequence", _reverse_sequence_kernel, _reverse_sequence_shape,
            signature=signature("input: T, seq_lengths: Tlen -> output: T", T=ALL,
                                Tlen=INDEX))


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverse the first ``seq_lengths[b]`` entries along ``seq_axis`` of each batch row."""
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (batch_dim if batch_dim is not None else 0) if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("reverse_sequence needs seq_axis")
    x = convert_to_tensor(input, name="input")
    lengths = _indices(seq_lengths, "ReverseSequence", "seq_lengths")
    rank = x.shape.ndims
    attrs = {"seq_dim": int(seq_axis) % rank if rank else int(seq_axis),
             "batch_dim": int(batch_axis) % rank if rank else int(batch_axis)}
    return make_op("ReverseSequence", [x, lengths], [x.dtype], attrs, name).outputs[0]


# -- dynamic_partition / dynamic_stitch --------------------------------------------------------


def _dynamic_partition_kernel(attrs):
    count = attrs["num_partitions"]

    def dynamic_partition(data, partitions):
        partitions = np.asarray(partitions)
        if partitions.size and (partitions.min() < 0 or partitions.max() >= count):
            bad = partitions[(partitions < 0) | (partitions >= count)].ravel()[0]
            raise InvalidArgumentError(None, None, f"partitions has value {int(bad)} not in "
                                                   f"[0, {count})")
        rest = data.shape[partitions.ndim:]
        flat = data.reshape((-1, *rest))
        keys = partitions.reshape(-1)
        return tuple(flat[keys == p] for p in range(count))

    return dynamic_partition


def _dynamic_partition_shape(op):
    data = op.inputs[0].shape.as_tuple()
    part_rank = op.inputs[1].shape.ndims
    if data is None or part_rank is None:
        return [unknown_shape() for _ in op.outputs]
    return [TensorShape([None, *data[part_rank:]]) for _ in op.outputs]


register_op("DynamicPartition", _dynamic_partition_kernel, _dynamic_partition_shape,
            signature=signature("data: T, partitions: int32 -> outputs: N * T", T=ALL))


def dynamic_partition(data, partitions, num_partitions, name=None):
    """``num_partitions`` tensors: the slices of ``data`` whose partition number is ``i``."""
    data = convert_to_tensor(data, name="data")
    partitions = convert_to_tensor(partitions, dtype=dtypes.int32, name="partitions")
    count = int(num_partitions)
    if count < 1:
        raise ValueError(f"num_partitions must be at least 1, got {num_partitions}")
    op = make_op("DynamicPartition", [data, partitions], [data.dtype] * count,
                 {"num_partitions": count}, name)
    return list(op.outputs)


def _dynamic_stitch_kernel(attrs):
    half = attrs["N"]

    def dynamic_stitch(*args):
        indices, data = args[:half], args[half:]
        flat_ids = [np.asarray(i).reshape(-1) for i in indices]
        total = max((int(i.max()) + 1 for i in flat_ids if i.size), default=0)
        source = next((m for m, i in enumerate(flat_ids) if i.size), 0)
        rest = np.shape(data[source])[np.ndim(indices[source]):]
        out = np.zeros((total, *rest), dtype=data[0].dtype)
        for ids, values in zip(flat_ids, data):
            out[ids] = values.reshape((-1, *rest))
        return out

    return dynamic_stitch


def _dynamic_stitch_shape(op):
    half = op.attrs["N"]
    first_ids = op.inputs[0].shape.ndims
    data = op.inputs[half].shape.as_tuple()
    if first_ids is None or data is None:
        return [unknown_shape()]
    # Known indices give the merged length, as TensorFlow's shape function does.
    known = [constant_value(t) for t in op.inputs[:half]]
    rows = None
    if all(k is not None for k in known):
        rows = max((int(np.max(k)) + 1 for k in known if np.size(k)), default=0)
    return [TensorShape([rows, *data[first_ids:]])]


register_op("DynamicStitch", _dynamic_stitch_kernel, _dynamic_stitch_shape,
            signature=signature("indices: N * int32, data: N * T -> merged: T", T=ALL))


def dynamic_stitch(indices, data, name=None):
    """Merge: ``merged[indices[m][i]] = data[m][i]``; later inputs win on repeated indices."""
    if len(indices) != len(data):
        raise ValueError(f"dynamic_stitch needs as many indices as data, got {len(indices)} "
                         f"and {len(data)}")
    indices = [convert_to_tensor(i, dtype=dtypes.int32, name="indices") for i in indices]
    data = [convert_to_tensor(d, name="data") for d in data]
    attrs = {"N": len(indices)}
    return make_op("DynamicStitch", [*indices, *data], [data[0].dtype], attrs,
                   name).outputs[0]


parallel_dynamic_stitch = dynamic_stitch

# -- composites --------------------------------------------------------------------------------


def meshgrid(*args, **kwargs):
    """Coordinate grids of 1-D ``args``; ``indexing='xy'`` (default) swaps the first two."""
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this "
                        "function")
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing parameter must be either 'xy' or 'ij'")
    with name_scope(name):
        vectors = [array_ops.reshape(convert_to_tensor(a), [-1]) for a in args]
        count = len(vectors)
        outputs = []
        for i, v in enumerate(vectors):
            view = [1] * count
            view[i] = -1
            outputs.append(array_ops.reshape(v, view))
        if indexing == "xy" and count > 1:
            outputs[0] = array_ops.reshape(outputs[0], [1, -1] + [1] * (count - 2))
            outputs[1] = array_ops.reshape(outputs[1], [-1, 1] + [1] * (count - 2))
        ones = array_ops.ones_like(outputs[0])
        for o in outputs[1:]:
            ones = ones * array_ops.ones_like(o)
        return [o * math_ops.cast(ones, o.dtype) for o in outputs]


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """``mask[..., j] = j < lengths[...]``, of length ``maxlen`` (default: the longest)."""
    with name_scope(name or "SequenceMask"):
        lengths = convert_to_tensor(lengths, name="lengths")
        if maxlen is None:
            known = constant_value(lengths)
            # Known lengths give a known mask width, as TensorFlow's constant folding does.
            maxlen = int(np.max(known)) if known is not None and np.size(known) else \
                math_ops.reduce_max(lengths)
        maxlen = math_ops.cast(convert_to_tensor(maxlen), lengths.dtype)
        ramp = math_ops.range(0, maxlen, 1, dtype=lengths.dtype)
        mask = math_ops.less(ramp, array_ops.expand_dims(lengths, -1))
        dtype = dtypes.as_dtype(dtype)
        return mask if dtype == dtypes.bool else math_ops.cast(mask, dtype)


def _static_dims(x, what):
    dims = x.shape.as_tuple()
    if dims is None or len(dims) != 4 or any(d is None for d in dims[1:]):
        raise ValueError(f"{what} needs a 4-D input with known height, width and depth, got "
                         f"{x.name} of shape {x.shape}")
    return dims


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """Move ``block_size x block_size`` spatial blocks into the depth dimension."""
    if data_format != "NHWC":
        raise ValueError("space_to_depth supports data_format NHWC only")
    with name_scope(name or "SpaceToDepth"):
        x = convert_to_tensor(input, name="input")
        _, h, w, c = _static_dims(x, "space_to_depth")
        b = int(block_size)
        if b < 2 or h % b or w % b:
            raise ValueError(f"Dimension size must be evenly divisible by {b} but is {h} / {w}")
        blocks = array_ops.reshape(x, [-1, h // b, b, w // b, b, c])
        blocks = array_ops.transpose(blocks, [0, 1, 3, 2, 4, 5])
        return array_ops.reshape(blocks, [-1, h // b, w // b, b * b * c])


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """The inverse of ``space_to_depth``."""
    if data_format != "NHWC":
        raise ValueError("depth_to_space supports data_format NHWC only")
    with name_scope(name or "DepthToSpace"):
        x = convert_to_tensor(input, name="input")
        _, h, w, c = _static_dims(x, "depth_to_space")
        b = int(block_size)
        if b < 2 or c % (b * b):
            raise ValueError(f"Dimension size must be evenly divisible by {b * b} but is {c}")
        depth = c // (b * b)
        blocks = array_ops.reshape(x, [-1, h, w, b, b, depth])
        blocks = array_ops.transpose(blocks, [0, 1, 3, 2, 4, 5])
        return array_ops.reshape(blocks, [-1, h * b, w * b, depth])


def _block_pair(block_shape):
    values = [int(block_shape)] * 2 if np.ndim(block_shape) == 0 else \
        [int(v) for v in np.ravel(block_shape)]
    if len(values) != 2 or min(values) < 1:
        raise ValueError(f"block_shape must be 2 positive ints, got {block_shape!r}")
    return values


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """Pad the two spatial dims, then move ``block_shape`` blocks into the batch."""
    with name_scope(name or "SpaceToBatchND"):
        x = convert_to_tensor(input, name="input")
        bh, bw = _block_pair(constant_value(convert_to_tensor(block_shape)))
        pads = np.asarray(constant_value(convert_to_tensor(paddings))).reshape(2, 2)
        padded = array_ops.pad(x, [[0, 0], *pads.tolist(), [0, 0]])
        _, h, w, c = _static_dims(padded, "space_to_batch")
        if h % bh or w % bw:
            raise ValueError(f"padded spatial shape [{h}, {w}] must be divisible by the block "
                             f"shape [{bh}, {bw}]")
        blocks = array_ops.reshape(padded, [-1, h // bh, bh, w // bw, bw, c])
        blocks = array_ops.transpose(blocks, [2, 4, 0, 1, 3, 5])
        return array_ops.reshape(blocks, [-1, h // bh, w // bw, c])


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse of ``space_to_batch_nd``: blocks of the batch back into space, cropped."""
    with name_scope(name or "BatchToSpaceND"):
        x = convert_to_tensor(input, name="input")
        bh, bw = _block_pair(constant_value(convert_to_tensor(block_shape)))
        crop = np.asarray(constant_value(convert_to_tensor(crops))).reshape(2, 2)
        _, h, w, c = _static_dims(x, "batch_to_space")
        blocks = array_ops.reshape(x, [bh, bw, -1, h, w, c])
        blocks = array_ops.transpose(blocks, [2, 3, 0, 4, 1, 5])
        full = array_ops.reshape(blocks, [-1, h * bh, w * bw, c])
        (top, bottom), (left, right) = crop.tolist()
        return full[:, top:h * bh - bottom, left:w * bw - right, :]


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    """TensorFlow 1.x's 2-D ``space_to_batch``: ``block_size`` (TensorFlow 2 calls it
    ``block_shape``) rows and columns of each block go to the batch."""
    block_size = renamed_argument("block_shape", block_shape, "block_size", block_size)
    return space_to_batch_nd(input, [block_size, block_size], paddings, name)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """The inverse of ``space_to_batch`` (``block_shape``: TensorFlow 2's ``block_size``)."""
    block_size = renamed_argument("block_shape", block_shape, "block_size", block_size)
    return batch_to_space_nd(input, [block_size, block_size], crops, name)


def _same_padding(size, k, stride, rate):
    effective = (k - 1) * rate + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2, total - total // 2


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None,
                          name=None, sizes=None):
    """``[batch, out_h, out_w, kh * kw * depth]``: each output pixel holds the patch it sees,
    flattened row by row. Built as one gather from the padded image (so it has a gradient)."""
    ksizes = sizes if ksizes is None else ksizes
    with name_scope(name or "ExtractImagePatches"):
        x = convert_to_tensor(images, name="images")
        kh, kw = int(ksizes[1]), int(ksizes[2])
        sh, sw = int(strides[1]), int(strides[2])
        rh, rw = int(rates[1]), int(rates[2])
        dims = x.shape.as_tuple()
        if dims is not None and len(dims) == 4 and dims[3] is not None and \
                (dims[1] is None or dims[2] is None):
            return _run_time_patches(x, (kh, kw), (sh, sw), (rh, rw), padding)
        _, h, w, c = _static_dims(x, "extract_image_patches")
        if padding == "SAME":
            out_h, top, bottom = _same_padding(h, kh, sh, rh)
            out_w, left, right = _same_padding(w, kw, sw, rw)
        elif padding == "VALID":
            out_h = (h - (kh - 1) * rh - 1) // sh + 1
            out_w = (w - (kw - 1) * rw - 1) // sw + 1
            top = bottom = left = right = 0
        else:
            raise ValueError(f"padding must be SAME or VALID, got {padding!r}")
        padded = array_ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])
        width = w + left + right
        rows = (np.arange(out_h)[:, None, None, None] * sh + np.arange(kh)[None, None, :, None]
                * rh)
        cols = (np.arange(out_w)[None, :, None, None] * sw + np.arange(kw)[None, None, None, :]
                * rw)
        positions = (rows * width + cols).reshape(-1)
        flat = array_ops.reshape(padded, [-1, (h + top + bottom) * width, c])
        picked = array_ops.gather(flat, positions.astype(np.int32), axis=1)
        return array_ops.reshape(picked, [-1, out_h, out_w, kh * kw * c])


def _run_time_patches(x, window, stride, rate, padding):
    """extract_image_patches of an image whose height or width is known only when run: the
    same gather, its positions computed in the graph."""
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be SAME or VALID, got {padding!r}")
    depth = x.shape.as_tuple()[3]
    size = array_ops.shape(x)
    outs, pads, sides = [], [[0, 0]], []
    for axis, k, s, r in zip((1, 2), window, stride, rate, strict=True):
        length = size[axis]
        extent = (k - 1) * r + 1
        if padding == "SAME":
            out = math_ops.floordiv(length + (s - 1), s)
            total = math_ops.maximum((out - 1) * s + extent - length, 0)
            before = math_ops.floordiv(total, 2)
            pads.append(array_ops.stack([before, total - before]))
            sides.append(length + total)
        else:
            out = math_ops.floordiv(length - extent, s) + 1
            pads.append([0, 0])
            sides.append(length)
        outs.append(out)
    padded = array_ops.pad(x, array_ops.stack([array_ops.stack(p) if isinstance(p, list)
                                               else p for p in pads] + [[0, 0]]))
    starts_h = math_ops.range(outs[0]) * stride[0]
    starts_w = math_ops.range(outs[1]) * stride[1]
    rows = array_ops.reshape(starts_h, [-1, 1, 1, 1]) + \
        np.arange(window[0]).reshape(1, 1, -1, 1) * rate[0]
    cols = array_ops.reshape(starts_w, [1, -1, 1, 1]) + \
        np.arange(window[1]).reshape(1, 1, 1, -1) * rate[1]
    positions = array_ops.reshape(rows * sides[1] + cols, [-1])
    flat = array_ops.reshape(padded, array_ops.stack([-1, sides[0] * sides[1], depth]))
    picked = array_ops.gather(flat, positions, axis=1)
    shape = array_ops.stack([-1, outs[0], outs[1], window[0] * window[1] * depth])
    out = array_ops.reshape(picked, shape)
    out.set_shape([x.shape.as_tuple()[0], None, None, window[0] * window[1] * depth])
    return out


def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """TensorFlow 1.x's older spelling of ``argmax``."""
    return math_ops.argmax(input, axis=dimension, output_type=output_type, name=name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    return math_ops.argmin(input, axis=dimension, output_type=output_type, name=name)


# -- searchsorted, setdiff1d, histograms ---------------------------------------------------------


def _searchsorted_kernel(attrs):
    side = attrs["side"]
    out_type = attrs["out_type"].as_numpy_dtype

    def search(sorted_sequence, values):
        # Rows counted from the leading dimensions: ``reshape(-1, 0)`` is ambiguous when the
        # last dimension is empty (no values to place, or an empty sequence).
        batch = int(np.prod(sorted_sequence.shape[:-1], dtype=np.int64))
        rows = sorted_sequence.reshape(batch, sorted_sequence.shape[-1])
        wanted = values.reshape(batch, values.shape[-1])
        found = [np.searchsorted(r, v, side=side) for r, v in zip(rows, wanted)]
        found = np.stack(found) if found else np.zeros(values.shape, dtype=out_type)
        return found.reshape(values.shape).astype(out_type)

    return search


register_op("SearchSorted", _searchsorted_kernel, lambda op: [op.inputs[1].shape],
            signature=signature("sorted_inputs: T, values: T -> output: out_type", T=ALL,
                                out_type=INDEX, kernels={"T": REALS}))
NotDifferentiable("SearchSorted")


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """Where ``values`` would be inserted into each row of ``sorted_sequence`` (last axis)
    to keep it sorted; ``side`` says which end of a run of equal values."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    sorted_sequence = convert_to_tensor(sorted_sequence, name="sorted_sequence")
    values = convert_to_tensor(values, dtype=sorted_sequence.dtype, name="values")
    attrs = {"side": side, "out_type": dtypes.as_dtype(out_type)}
    return make_op("SearchSorted", [sorted_sequence, values], [dtypes.as_dtype(out_type)],
                   attrs, name or ("LowerBound" if side == "left" else "UpperBound")).outputs[0]


def _list_diff_kernel(attrs):
    index_type = attrs["out_idx"].as_numpy_dtype

    def list_diff(x, y):
        keep = ~np.isin(x, y)
        return x[keep], np.flatnonzero(keep).astype(index_type)

    return list_diff


register_op("ListDiff", _list_diff_kernel,
            lambda op: [TensorShape([None]), TensorShape([None])],
            signature=signature("x: T, y: T -> out: T, idx: out_idx", T=ALL, out_idx=INDEX,
                                kernels={"T": REALS + (dtypes.string,)}))
NotDifferentiable("ListDiff")


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """``(out, idx)``: the entries of ``x`` not in ``y``, in order, and their positions."""
    x = convert_to_tensor(x, name="x")
    y = convert_to_tensor(y, dtype=x.dtype, name="y")
    index_dtype = dtypes.as_dtype(index_dtype)
    op = make_op("ListDiff", [x, y], [x.dtype, index_dtype], {"out_idx": index_dtype}, name)
    return op.outputs[0], op.outputs[1]


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """The bin of each value among ``nbins`` equal bins over ``value_range`` (values outside
    go to the first or last bin)."""
    with name_scope(name or "histogram_fixed_width_bins"):
        values = convert_to_tensor(values, name="values")
        value_range = convert_to_tensor(value_range, dtype=values.dtype, name="value_range")
        low, high = value_range[0], value_range[1]
        scaled = (values - low) / (high - low)
        bins = math_ops.cast(math_ops.floor(scaled * nbins), dtypes.int32)
        bins = math_ops.minimum(math_ops.maximum(bins, 0), nbins - 1)
        return math_ops.cast(bins, dtype)


_HISTOGRAM_TYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """How many ``values`` fall in each of ``nbins`` equal bins over ``value_range``."""
    with name_scope(name or "histogram_fixed_width"):
        values = convert_to_tensor(values, name="values")
        if values.dtype not in _HISTOGRAM_TYPES:  # TensorFlow's HistogramFixedWidth
            raise TypeError(f"Value passed to parameter 'values' has DataType "
                            f"{values.dtype.name} not in list of allowed values: int32, int64, "
                            f"float32, float64")
        if values.dtype.is_floating:
            checked = debug_ops.Assert(math_ops.logical_not(math_ops.reduce_any(
                math_ops.is_nan(values))), ["Histogram values must not contain NaN"])
            with control_dependencies([checked]):
                values = array_ops.identity(values)
        bins = histogram_fixed_width_bins(values, value_range, nbins, dtypes.int32)
        flat = array_ops.reshape(bins, [-1])
        counts = math_ops.unsorted_segment_sum(array_ops.ones_like(flat), flat, nbins)
        return math_ops.cast(counts, dtype)
