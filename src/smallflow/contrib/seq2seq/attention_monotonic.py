"""``tf.contrib.seq2seq`` monotonic attention (Raffel et al., 2017): ``monotonic_attention``,
``BahdanauMonotonicAttention`` and ``LuongMonotonicAttention``.

Each memory position gets a probability ``p_i = sigmoid(score_i)`` of being *chosen* as the
attention moves left to right from where it stopped last step; the expected alignment is
``a_i = p_i * sum_{j <= i} prev_j * prod_{j <= k < i} (1 - p_k)``. ``mode`` picks how that is
computed: ``recursive`` (a ``tf.scan`` over memory positions, exact), ``parallel`` (cumulative
products, fast but less exact when probabilities are near 0 or 1) or ``hard`` (0/1 choices,
for test time). Alignments start as one-hot at position 0.
"""

import functools

from ... import dtypes, init_ops
from ...graph import convert_to_tensor
from ...layers.core import Dense
from ...ops import array_ops, math_ops, random_ops
from ...ops.functional_ops import scan
from ...variable_scope import get_variable, variable_scope
from .attention_mechanisms import (
    _bahdanau_score,
    _BaseAttentionMechanism,
    _luong_score,
    safe_cumprod,
)


def monotonic_attention(p_choose_i, previous_attention, mode):
    """The expected monotonic alignment ``[batch, memory_time]`` from the choose
    probabilities and the previous step's alignment (see the module)."""
    p_choose_i = convert_to_tensor(p_choose_i, name="p_choose_i")
    previous_attention = convert_to_tensor(previous_attention, name="previous_attention")
    if mode == "recursive":
        batch_size = array_ops.shape(p_choose_i)[0]
        shifted = array_ops.concat(
            [array_ops.ones(array_ops.stack([batch_size, 1]), dtype=p_choose_i.dtype),
             1 - p_choose_i[:, :-1]], 1)
        # q_i = (1 - p_{i-1}) q_{i-1} + prev_i, scanned over memory positions.
        carried = scan(lambda q, terms: terms[0] * q + terms[1],
                       [array_ops.transpose(shifted), array_ops.transpose(previous_attention)],
                       array_ops.zeros(array_ops.reshape(batch_size, [1]),
                                       dtype=p_choose_i.dtype))
        return p_choose_i * array_ops.transpose(carried)
    if mode == "parallel":
        cumprod_1mp = safe_cumprod(1 - p_choose_i, axis=1, exclusive=True)
        ratio = previous_attention / math_ops.clip_by_value(cumprod_1mp, 1e-10, 1.0)
        return p_choose_i * cumprod_1mp * math_ops.cumsum(ratio, axis=1)
    if mode == "hard":
        chosen = math_ops.cast(p_choose_i > 0.5, p_choose_i.dtype)
        return chosen * math_ops.cumprod(1 - chosen, axis=1, exclusive=True)
    raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode, seed=None):
    if sigmoid_noise > 0:
        score += sigmoid_noise * random_ops.random_normal(array_ops.shape(score),
                                                          dtype=score.dtype, seed=seed)
    if mode == "hard":
        p_choose_i = math_ops.cast(score > 0, score.dtype)
    else:
        p_choose_i = math_ops.sigmoid(score)
    return monotonic_attention(p_choose_i, previous_alignments, mode)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
    """Monotonic mechanisms start attending at the first memory position."""

    def initial_alignments(self, batch_size, dtype):
        max_time = self._alignments_size
        return array_ops.one_hot(array_ops.zeros(array_ops.reshape(batch_size, [1]),
                                                 dtype=dtypes.int32),
                                 max_time, dtype=dtype)


def _score_bias(dtype, initial):
    return get_variable("attention_score_bias", shape=(), dtype=dtype,
                        initializer=init_ops.constant_initializer(initial))


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """Bahdanau's additive score plus a learned scalar ``attention_score_bias``, turned into
    monotonic alignments."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 score_mask_value=None, sigmoid_noise=0.0, sigmoid_noise_seed=None,
                 score_bias_init=0.0, mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        dtype = dtypes.as_dtype(dtype or dtypes.float32)
        super().__init__(
            query_layer=Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, memory_sequence_length=memory_sequence_length,
            probability_fn=functools.partial(_monotonic_probability_fn,
                                             sigmoid_noise=sigmoid_noise, mode=mode,
                                             seed=sigmoid_noise_seed),
            score_mask_value=score_mask_value, name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._score_bias_init = score_bias_init
        self._name = name

    def __call__(self, query, state):
        with variable_scope(None, default_name="bahdanau_monotonic_attention"):
            processed = self._query_layer(query) if self._query_layer else query
            score = _bahdanau_score(processed, self._keys, self._normalize)
            score += _score_bias(processed.dtype, self._score_bias_init)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """Luong's multiplicative score (optionally scaled) plus ``attention_score_bias``,
    turned into monotonic alignments."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 score_mask_value=None, sigmoid_noise=0.0, sigmoid_noise_seed=None,
                 score_bias_init=0.0, mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        dtype = dtypes.as_dtype(dtype or dtypes.float32)
        super().__init__(
            query_layer=None,
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, memory_sequence_length=memory_sequence_length,
            probability_fn=functools.partial(_monotonic_probability_fn,
                                             sigmoid_noise=sigmoid_noise, mode=mode,
                                             seed=sigmoid_noise_seed),
            score_mask_value=score_mask_value, name=name)
        self._num_units = num_units
        self._scale = scale
        self._score_bias_init = score_bias_init
        self._name = name

    def __call__(self, query, state):
        with variable_scope(None, default_name="luong_monotonic_attention"):
            scale = None
            if self._scale:
                scale = get_variable("attention_g", shape=(), dtype=query.dtype,
                                     initializer=init_ops.ones_initializer())
            score = _luong_score(query, self._keys, scale)
            score += _score_bias(query.dtype, self._score_bias_init)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


__all__ = ["BahdanauMonotonicAttention", "LuongMonotonicAttention", "monotonic_attention"]
