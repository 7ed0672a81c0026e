"""Candidate samplers (log-uniform, uniform, unigram) and ``compute_accidental_hits``, the
pieces of ``nce_loss`` and ``sampled_softmax_loss``. Sampling is TensorFlow's kernels' on its
Philox stream (``philox_samplers.RangeSampler``): the same seeds give TensorFlow's candidates;
with ``unique=True`` candidates are drawn until ``num_sampled`` distinct ones are found, and
the expected counts account for the number of tries."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from . import array_ops, philox_samplers, random_ops
from .common import make_op


def _sampler_kernel(attrs, state):
    stream = random_ops._philox(attrs, state)
    count = attrs["num_sampled"]
    unique = attrs["unique"]
    num_true = attrs["num_true"]
    kind = {"unigram": "unigram", "learned": "learned", "uniform": "uniform",
            "log_uniform": "log_uniform"}[attrs["distribution"]]
    # a learned sampler's counts live as long as the session, as the kernel's in TensorFlow
    sampler = philox_samplers.RangeSampler(kind, attrs["range_max"], attrs["unigrams"])

    def sample(true_classes):
        if np.ndim(true_classes) != 2:
            raise InvalidArgumentError(None, None, "true_classes must be a matrix")
        if np.shape(true_classes)[1] != num_true:
            raise InvalidArgumentError(None, None, "true_classes must have num_true columns, "
                                                   f"expected: {np.shape(true_classes)[1]} "
                                                   f"was: {num_true}")
        outside = (true_classes < 0) | (true_classes >= sampler.range)
        if outside.any():
            raise InvalidArgumentError(None, None, f"`true_candidate` out of range [0, "
                                                   f"{sampler.range}), received "
                                                   f"{int(true_classes[outside][0])}")
        return sampler.sample(stream, count, unique, true_classes)

    return sample


def _sampler_shapes(op):
    true_shape = op.inputs[0].shape
    count = op.attrs["num_sampled"]
    return [TensorShape([count]), true_shape, TensorShape([count])]


register_op("CandidateSampler", _sampler_kernel, _sampler_shapes, stateful=True,
            signature=signature("true_classes: int64 -> sampled_candidates: int64, "
                                "true_expected_count: float32, sampled_expected_count: float32"))
NotDifferentiable("CandidateSampler")


def _sampler(distribution, true_classes, num_true, num_sampled, unique, range_max, seed, name,
             unigrams=None):
    true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64, name="true_classes")
    if true_classes.shape.ndims not in (None, 2):
        raise ValueError(f"true_classes must be a matrix [batch, num_true], got "
                         f"{true_classes.shape}")
    if unique and num_sampled > range_max:
        raise ValueError(f"With unique=True, num_sampled ({num_sampled}) must be at most "
                         f"range_max ({range_max})")
    seed1, seed2 = random_ops.get_seed(seed)
    attrs = {"num_true": int(num_true), "num_sampled": int(num_sampled), "unique": bool(unique),
             "range_max": int(range_max), "distribution": distribution, "seed": seed1,
             "seed2": seed2}
    op_type_name = {"log_uniform": "LogUniformCandidateSampler",
                    "uniform": "UniformCandidateSampler",
                    "unigram": "FixedUnigramCandidateSampler",
                    "learned": "LearnedUnigramCandidateSampler"}[distribution]
    attrs["unigrams"] = tuple(unigrams or ())
    op = make_op("CandidateSampler", [true_classes], [dtypes.int64, dtypes.float32,
                                                      dtypes.float32], attrs,
                 name or op_type_name)
    op.attrs["stream"] = op.name
    return tuple(op.outputs)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """Sample classes with ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)`` (Zipf-like:
    small ids, the frequent words of a sorted vocabulary, come up most often).

    Returns ``(sampled_candidates, true_expected_count, sampled_expected_count)``.
    """
    return _sampler("log_uniform", true_classes, num_true, num_sampled, unique, range_max,
                    seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """Sample classes uniformly from ``[0, range_max)``."""
    return _sampler("uniform", true_classes, num_true, num_sampled, unique, range_max, seed,
                    name)


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None, name=None):
    """Sample classes in proportion to ``unigrams`` (or the last column of ``vocab_file``'s
    CSV lines) raised to ``distortion``. As TensorFlow's kernel: ``num_reserved_ids`` ids of
    weight 0 come first, and with ``num_shards > 1`` only every ``num_shards``-th id from
    ``shard`` is kept (``range_max`` counts this shard's ids only)."""
    if bool(vocab_file) == bool(len(unigrams)):
        raise ValueError("fixed_unigram_candidate_sampler needs exactly one of unigrams and "
                         "vocab_file")
    if vocab_file:
        with open(vocab_file, encoding="utf-8") as file:
            counts = [line.rstrip("\n").split(",")[-1] for line in file]
    else:
        counts = list(unigrams)
    weights = [0.0 for word in range(int(num_reserved_ids)) if word % num_shards == shard]
    word = len(weights)
    for count in counts:
        if word % num_shards == shard:
            # powf, correctly rounded: float64 pow of the float32 operands, rounded
            weight = np.power(np.float64(np.float32(float(count))),
                              np.float64(np.float32(distortion)))
            weights.append(float(np.float32(weight)))
        word += 1
    if len(weights) != range_max:
        raise ValueError(f"range is {range_max} must be equal to weights size {len(weights)}")
    return _sampler("unigram", true_classes, num_true, num_sampled, unique, range_max, seed,
                    name, unigrams=weights)


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                      seed=None, name=None):
    """Sample classes in proportion to how often they have been true classes so far in the
    session (every class starts with a count of one)."""
    return _sampler("learned", true_classes, num_true, num_sampled, unique, range_max, seed,
                    name)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Every class ``0 .. num_sampled - 1``, each with an expected count of one."""
    true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64, name="true_classes")
    sampled = convert_to_tensor(np.arange(num_sampled, dtype=np.int64))
    true_expected = array_ops.ones_like(true_classes, dtype=dtypes.float32)
    sampled_expected = array_ops.ones_like(sampled, dtype=dtypes.float32)
    return sampled, true_expected, sampled_expected


def _accidental_hits_kernel(attrs):
    def hits(true_classes, sampled):
        rows, positions = [], []
        where = {}
        for j, candidate in enumerate(np.asarray(sampled).tolist()):
            where.setdefault(candidate, []).append(j)
        for i, labels in enumerate(np.asarray(true_classes).tolist()):
            for label in labels:
                for j in where.get(label, ()):
                    rows.append(i)
                    positions.append(j)
        indices = np.array(rows, dtype=np.int32)
        ids = np.array(positions, dtype=np.int64)
        weights = np.full(len(rows), -np.finfo(np.float32).max, dtype=np.float32)
        return indices, ids, weights

    return hits


register_op("ComputeAccidentalHits", _accidental_hits_kernel,
            lambda op: [TensorShape([None])] * 3,
            signature=signature("true_classes: int64, sampled_candidates: int64 -> "
                                "indices: int32, ids: int64, weights: float32"))
NotDifferentiable("ComputeAccidentalHits")


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled candidate equals one of a row's true classes: ``(row indices,
    positions in sampled_candidates, weights of -FLT_MAX)`` to mask those logits out."""
    true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64, name="true_classes")
    sampled = convert_to_tensor(sampled_candidates, dtype=dtypes.int64,
                                name="sampled_candidates")
    op = make_op("ComputeAccidentalHits", [true_classes, sampled],
                 [dtypes.int32, dtypes.int64, dtypes.float32], {"num_true": int(num_true)},
                 name)
    return tuple(op.outputs)
