"""``tf.contrib.seq2seq`` attention mechanisms: ``BahdanauAttention`` (additive) and
``LuongAttention`` (multiplicative), with TensorFlow 1.x's variables and masking.

A mechanism is built once over the encoder's ``memory`` ``[batch, max_time, depth]``: rows
past ``memory_sequence_length`` are zeroed (the *values*), and the *keys* are the values
through the ``memory_layer`` (a bias-free Dense named ``memory_layer``, so its kernel is
``.../memory_layer/kernel``). Calling it with a query ``[batch, query_depth]`` scores every
memory position, sets the scores past each row's length to ``score_mask_value`` (-inf by
default, so softmax gives them zero weight) and returns the alignments
``[batch, max_time]`` (also the next attention state).
"""

import math

import numpy as np

from ... import dtypes, init_ops, nest
from ...graph import control_dependencies, convert_to_tensor, name_scope
from ...layers.base import Layer
from ...layers.core import Dense
from ...ops import array_extra_ops, array_ops, math_ops, nn_ops
from ...ops.debug_ops import assert_equal
from ...tensor_shape import dimension_value
from ...variable_scope import get_variable, variable_scope
from .decoder import _zero_state_tensors


def _dim(tensor, axis):
    """A dimension's static value, else its run-time value (a scalar tensor)."""
    static = tensor.shape.as_list()[axis] if tensor.shape.ndims is not None else None
    return static if static is not None else array_ops.shape(tensor)[axis]


def _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined):
    """The memory with the time steps past each row's length set to zero."""
    memory = nest.map_structure(lambda m: convert_to_tensor(m, name="memory"), memory)
    if memory_sequence_length is not None:
        memory_sequence_length = convert_to_tensor(memory_sequence_length,
                                                   name="sequence_length")
    if check_inner_dims_defined:
        for m in nest.flatten(memory):
            if m.shape.ndims is None or not m.shape[2:].is_fully_defined():
                raise ValueError(f"Expected memory {m.name} to have fully defined inner "
                                 f"dims, but saw shape: {m.shape}")
    if memory_sequence_length is None:
        return memory
    first = nest.flatten(memory)[0]
    mask = array_extra_ops.sequence_mask(memory_sequence_length,
                                         maxlen=array_ops.shape(first)[1], dtype=first.dtype)
    lengths_batch = _dim(memory_sequence_length, 0)

    def masked(m):
        rank = m.shape.ndims
        if rank is None:
            raise ValueError(f"Expected memory {m.name} to have a known rank")
        with control_dependencies([assert_equal(
                lengths_batch, _dim(m, 0),
                message="memory_sequence_length and memory tensor batch sizes do not "
                        "match.")]):
            shaped = array_ops.reshape(mask, array_ops.concat(
                [array_ops.shape(mask), array_ops.ones([rank - 2], dtypes.int32)], 0))
            return m * shaped

    return nest.map_structure(masked, memory)


def _maybe_mask_score(score, memory_sequence_length, score_mask_value):
    if memory_sequence_length is None:
        return score
    mask = array_extra_ops.sequence_mask(memory_sequence_length,
                                         maxlen=array_ops.shape(score)[1])
    fill = score_mask_value * array_ops.ones_like(score)
    return array_ops.where(mask, score, fill)


class AttentionMechanism:
    """The base type ``AttentionWrapper`` accepts."""

    @property
    def alignments_size(self):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError


class _BaseAttentionMechanism(AttentionMechanism):
    """Memory preparation, masking and initial alignments shared by the mechanisms."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None,
                 memory_layer=None, check_inner_dims_defined=True, score_mask_value=None,
                 custom_key_value_fn=None, name=None):
        if query_layer is not None and not isinstance(query_layer, Layer):
            raise TypeError(f"query_layer is not a Layer: {type(query_layer).__name__}")
        if memory_layer is not None and not isinstance(memory_layer, Layer):
            raise TypeError(f"memory_layer is not a Layer: {type(memory_layer).__name__}")
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        self.dtype = dtypes.as_dtype(memory_layer.dtype or dtypes.float32)
        if not callable(probability_fn):
            raise TypeError(f"probability_fn must be callable, saw type: "
                            f"{type(probability_fn).__name__}")
        if score_mask_value is None:
            score_mask_value = self.dtype.as_numpy_dtype(-np.inf)
        lengths = memory_sequence_length
        self._probability_fn = lambda score, prev: probability_fn(
            _maybe_mask_score(score, lengths, score_mask_value), prev)
        with name_scope(name or "BaseAttentionMechanismInit"):
            self._values = _prepare_memory(memory, memory_sequence_length,
                                           check_inner_dims_defined)
            self._keys = (self._memory_layer(self._values) if self._memory_layer
                          else self._values)
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            self._batch_size = _dim(self._keys, 0)
            self._alignments_size = _dim(self._keys, 1)

    @property
    def memory_layer(self):
        return self._memory_layer

    @property
    def query_layer(self):
        return self._query_layer

    @property
    def values(self):
        return self._values

    @property
    def keys(self):
        return self._keys

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def alignments_size(self):
        return self._alignments_size

    @property
    def state_size(self):
        return self._alignments_size

    def initial_alignments(self, batch_size, dtype):
        """Zeros ``[batch_size, max_time]``: no position attended yet."""
        return _zero_state_tensors(self._alignments_size, batch_size, dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)


def _luong_score(query, keys, scale):
    depth = dimension_value(query.shape[-1])
    key_units = dimension_value(keys.shape[-1])
    if depth != key_units:
        raise ValueError(
            f"Incompatible or unknown inner dimensions between query and keys.  Query "
            f"({query.name}) has units: {depth}.  Keys ({keys.name}) have units: {key_units}.  "
            f"Perhaps you need to set num_units to the keys' dimension ({key_units})?")
    score = math_ops.matmul(array_ops.expand_dims(query, 1), keys, transpose_b=True)
    score = array_ops.squeeze(score, [1])
    if scale is not None:
        score = scale * score
    return score


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention: ``score = query . keys`` (times a learned scalar
    ``attention_g`` with ``scale``); the query's depth must equal ``num_units``."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="LuongAttention"):
        probability_fn = probability_fn or nn_ops.softmax
        dtype = dtypes.as_dtype(dtype or dtypes.float32)
        super().__init__(
            query_layer=None,
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=lambda score, _: probability_fn(score),
            memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
            custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units = num_units
        self._scale = scale
        self._name = name

    def __call__(self, query, state):
        with variable_scope(None, default_name="luong_attention"):
            scale = None
            if self._scale:
                scale = get_variable("attention_g", shape=(), dtype=query.dtype,
                                     initializer=init_ops.ones_initializer())
            score = _luong_score(query, self._keys, scale)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def _bahdanau_score(processed_query, keys, normalize):
    dtype = processed_query.dtype
    num_units = dimension_value(keys.shape[2])
    if num_units is None:
        raise ValueError(f"The keys' last dimension must be known, saw shape {keys.shape}")
    processed_query = array_ops.expand_dims(processed_query, 1)
    v = get_variable("attention_v", [num_units], dtype=dtype)
    if normalize:
        g = get_variable("attention_g", shape=(), dtype=dtype,
                         initializer=init_ops.constant_initializer(math.sqrt(1.0 / num_units)))
        b = get_variable("attention_b", [num_units], dtype=dtype,
                         initializer=init_ops.zeros_initializer())
        normed_v = g * v * math_ops.rsqrt(math_ops.reduce_sum(math_ops.square(v)))
        return math_ops.reduce_sum(normed_v * math_ops.tanh(keys + processed_query + b), [2])
    return math_ops.reduce_sum(v * math_ops.tanh(keys + processed_query), [2])


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention: ``score = v . tanh(keys + query_layer(query))``; with
    ``normalize``, weight normalisation of ``v`` (``attention_g``, ``attention_b``)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        probability_fn = probability_fn or nn_ops.softmax
        dtype = dtypes.as_dtype(dtype or dtypes.float32)
        super().__init__(
            query_layer=Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
            memory_layer=Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
            memory=memory, probability_fn=lambda score, _: probability_fn(score),
            memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
            custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name

    def __call__(self, query, state):
        with variable_scope(None, default_name="bahdanau_attention"):
            processed = self._query_layer(query) if self._query_layer else query
            score = _bahdanau_score(processed, self._keys, self._normalize)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def hardmax(logits, name=None):
    """One-hot of the argmax along the last axis, in ``logits``' dtype."""
    with name_scope(name or "Hardmax"):
        logits = convert_to_tensor(logits, name="logits")
        depth = _dim(logits, -1)
        return array_ops.one_hot(math_ops.argmax(logits, -1), depth, dtype=logits.dtype)


def safe_cumprod(x, *args, **kwargs):
    """``cumprod`` computed as ``exp(cumsum(log(x)))`` with ``x`` clipped away from zero,
    which has a usable gradient where a product of small numbers would underflow."""
    with name_scope(kwargs.pop("name", None) or "SafeCumprod"):
        x = convert_to_tensor(x, name="x")
        tiny = np.finfo(x.dtype.as_numpy_dtype).tiny
        clipped = math_ops.clip_by_value(x, tiny, 1)
        return math_ops.exp(math_ops.cumsum(math_ops.log(clipped), *args, **kwargs))


__all__ = ["AttentionMechanism", "BahdanauAttention", "LuongAttention", "hardmax",
           "safe_cumprod"]
