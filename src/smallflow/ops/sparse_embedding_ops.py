"""Embeddings of sparse ids: ``embedding_lookup_sparse`` and
``safe_embedding_lookup_sparse``, plus ``IndexedSlices`` and ``sparse_mask``.

Both lookups are composites (gather, weight, segment-reduce), so their gradients with
respect to the embedding table are the gather's: IndexedSlices of the rows looked up.
"""

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from . import array_extra_ops, array_ops, math_ops, segment_ops
from .indexed_slices import IndexedSlices
from .nn_extra_ops import embedding_lookup
from .sparse_math_ops import (
    sparse_fill_empty_rows,
    sparse_segment_mean,
    sparse_segment_sqrt_n,
    sparse_segment_sum,
)
from .sparse_ops import _as_sparse, sparse_reshape, sparse_retain
from .sparse_tensor import SparseTensor

__all__ = ["IndexedSlices", "embedding_lookup_sparse", "safe_embedding_lookup_sparse",
           "sparse_mask"]


def sparse_mask(a, mask_indices, name=None):
    """The slices of IndexedSlices ``a`` whose index is not in ``mask_indices``."""
    with name_scope(name or "sparse_mask"):
        indices = a.indices
        _, kept_positions = array_extra_ops.setdiff1d(indices, mask_indices)
        return IndexedSlices(array_ops.gather(a.values, kept_positions),
                             array_ops.gather(indices, kept_positions), a.dense_shape)


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None):
    """Per row of ``sp_ids`` (``[batch, n]``), the ``combiner`` ("sum", "mean" or "sqrtn",
    default "mean") of the embeddings of its ids, weighted by ``sp_weights`` (None: 1)."""
    combiner = combiner or "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
    sp_ids = _as_sparse(sp_ids, "sp_ids")
    if sp_weights is not None:
        sp_weights = _as_sparse(sp_weights, "sp_weights")
    with name_scope(name or "embedding_lookup_sparse"):
        segment_ids = math_ops.cast(sp_ids.indices[:, 0], dtypes.int32)
        ids = sp_ids.values
        unique_ids, position = array_extra_ops.unique(ids)
        rows = embedding_lookup(params, unique_ids, partition_strategy=partition_strategy,
                                max_norm=max_norm)
        if sp_weights is None:
            # TensorFlow 1.x's sparse segment reductions: the table's gradient is the
            # IndexedSlices of the unique ids, in the order they first occur.
            reduce = {"sum": sparse_segment_sum, "mean": sparse_segment_mean,
                      "sqrtn": sparse_segment_sqrt_n}[combiner]
            return reduce(rows, position, segment_ids)
        embeddings = array_ops.gather(rows, position)
        weights = convert_to_tensor(sp_weights.values, dtype=embeddings.dtype)
        rank = embeddings.shape.ndims or 2
        weighted = embeddings * array_ops.reshape(weights, [-1] + [1] * (rank - 1))
        total = segment_ops.segment_sum(weighted, segment_ids)
        if combiner == "sum":
            return total
        if combiner == "mean":
            scale = segment_ops.segment_sum(weights, segment_ids)
        else:
            scale = math_ops.sqrt(segment_ops.segment_sum(weights * weights, segment_ids))
        # Rows without ids (segments skipped over) give 0, as TensorFlow's div_no_nan does.
        return math_ops.div_no_nan(total, array_ops.reshape(scale, [-1] + [1] * (rank - 1)))


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None):
    """``embedding_lookup_sparse`` that drops invalid ids (< 0) and non-positive weights,
    and gives empty rows the ``default_id`` embedding (or zeros); ids may be ``[d0, ...,
    dn, n]``, giving ``[d0, ..., dn, dim]``."""
    if embedding_weights is None:
        raise ValueError("Missing embedding_weights None.")
    sparse_ids = _as_sparse(sparse_ids, "sparse_ids")
    sparse_ids_static = sparse_ids.shape
    with name_scope(name or "embedding_lookup"):
        original_shape = sparse_ids.dense_shape
        rank = sparse_ids.shape.ndims
        if rank is None:
            raise ValueError("safe_embedding_lookup_sparse needs the rank of sparse_ids known")
        batch_shape = original_shape[:-1]
        batch_size = math_ops.reduce_prod(batch_shape)
        flat_shape = array_ops.stack([batch_size, original_shape[-1]])
        sparse_ids = sparse_reshape(sparse_ids, flat_shape)
        if sparse_weights is not None:
            sparse_weights = SparseTensor(sparse_ids.indices, sparse_weights.values,
                                          sparse_ids.dense_shape)
        valid = math_ops.greater_equal(sparse_ids.values, 0)
        if sparse_weights is not None:
            valid = math_ops.logical_and(valid, math_ops.greater(sparse_weights.values, 0))
            sparse_weights = sparse_retain(sparse_weights, valid)
        sparse_ids = sparse_retain(sparse_ids, valid)
        sparse_ids, empty_rows = sparse_fill_empty_rows(sparse_ids, default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights,
                                         combiner=combiner, partition_strategy=partition_strategy,
                                         max_norm=max_norm)
        if default_id is None:
            keep = array_ops.expand_dims(math_ops.logical_not(empty_rows), 1)
            result = array_ops.where_v2(keep, result, array_ops.zeros_like(result))
        dim = array_ops.shape(result)[1:]
        final_shape = array_ops.concat([math_ops.cast(batch_shape, dtypes.int32), dim], 0)
        final = array_ops.reshape(result, final_shape)
        rows = sparse_ids_static[:-1] if sparse_ids_static.ndims is not None else None
        params = embedding_weights[0] if isinstance(embedding_weights, list | tuple) else \
            embedding_weights
        params_shape = convert_to_tensor(params).shape
        if rows is not None and params_shape.ndims is not None:
            final.set_shape(rows.concatenate(params_shape[1:]))
        return final
