"""Candidate samplers (log-uniform, uniform) and ``compute_accidental_hits``, the pieces of
``nce_loss`` and ``sampled_softmax_loss``. Sampling follows TensorFlow's kernels: with
``unique=True`` candidates are drawn until ``num_sampled`` distinct ones are found, and the
expected counts account for the number of tries."""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from . import array_ops, random_ops
from .common import make_op


def _log_uniform_probability(classes, range_max):
    classes = np.asarray(classes, dtype=np.float64)
    return (np.log(classes + 2.0) - np.log(classes + 1.0)) / np.log(range_max + 1.0)


def _sampler_kernel(attrs, state):
    generator = random_ops._stream(attrs, state, attrs["stream"])
    count = attrs["num_sampled"]
    unique = attrs["unique"]
    range_max = attrs["range_max"]
    distribution = attrs["distribution"]
    log_uniform = distribution == "log_uniform"
    # Unigram samplers draw from weights: fixed ones given, learned ones counted from the
    # true classes seen so far in this session (starting from one each).
    weights = (np.asarray(attrs["unigrams"], dtype=np.float64) if distribution == "unigram"
               else np.ones(range_max) if distribution == "learned" else None)

    def probability(classes):
        if log_uniform:
            return _log_uniform_probability(classes, range_max)
        if weights is not None:
            return (weights / weights.sum())[np.asarray(classes, dtype=np.int64)]
        return np.full(np.shape(classes), 1.0 / range_max)

    def draw_one():
        if log_uniform:
            # Inverse CDF of P(k) = log((k + 2) / (k + 1)) / log(range_max + 1).
            value = np.exp(generator.random() * np.log(range_max + 1.0)) - 1.0
            return min(int(value), range_max - 1)
        if weights is not None:
            cumulative = np.cumsum(weights)
            pick = int(np.searchsorted(cumulative, generator.random() * cumulative[-1],
                                       side="right"))
            return min(pick, range_max - 1)
        return int(generator.integers(range_max))

    def sample(true_classes):
        if distribution == "learned":
            result = draw(true_classes)
            np.add.at(weights, np.asarray(true_classes, dtype=np.int64).reshape(-1), 1.0)
            return result
        return draw(true_classes)

    def draw(true_classes):
        if unique:
            seen = []
            found = set()
            tries = 0
            while len(seen) < count:
                candidate = draw_one()
                tries += 1
                if candidate not in found:
                    found.add(candidate)
                    seen.append(candidate)
            sampled = np.array(seen, dtype=np.int64)

            def expected(classes):
                p = probability(classes)
                return -np.expm1(tries * np.log1p(-np.minimum(p, 1.0 - 1e-12)))
        else:
            sampled = np.array([draw_one() for _ in range(count)], dtype=np.int64)

            def expected(classes):
                return probability(classes) * count
        true_expected = expected(true_classes).astype(np.float32)
        sampled_expected = expected(sampled).astype(np.float32)
        return sampled, true_expected, sampled_expected

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
    CSV lines) raised to ``distortion``; the first ``num_reserved_ids`` ids and ids of other
    shards are never drawn."""
    if vocab_file:
        with open(vocab_file, encoding="utf-8") as file:
            counts = [float(line.rstrip("\n").split(",")[-1]) for line in file if line.strip()]
    else:
        counts = [float(u) for u in unigrams]
    if not counts:
        raise ValueError("fixed_unigram_candidate_sampler needs unigrams or a vocab_file")
    weights = [0.0] * int(num_reserved_ids) + [c ** distortion for c in counts]
    if len(weights) != range_max:
        raise ValueError(f"range_max ({range_max}) must equal num_reserved_ids plus the number "
                         f"of unigrams ({len(weights)})")
    if num_shards > 1:
        weights = [w if i % num_shards == shard else 0.0 for i, w in enumerate(weights)]
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
