"""Keras's dot-product ``Attention`` (Luong) and ``AdditiveAttention`` (Bahdanau) layers.

Called on ``[query, value]`` or ``[query, value, key]`` (the key defaults to the value),
with an optional ``mask=[query_mask, value_mask]``: scores [batch, Tq, Tv] between each query
and key step, masked value steps pushed to -1e9 before the softmax over Tv, a causal mask when
asked (a query step sees no later value step), dropout of the weights while training, then the
weighted sum of the values; query steps masked out give zeros.
"""

from ...ops import array_ops, math_ops, nn_ops
from .. import backend
from ..engine.base_layer import Layer

__all__ = ["AdditiveAttention", "Attention"]


class _BaseAttention(Layer):
    def __init__(self, use_scale=False, causal=False, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.causal = causal
        self.dropout = float(dropout)

    def _parts(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(f"{type(self).__name__} layer must be called on a list of inputs, "
                             "namely [query, value] or [query, value, key]. "
                             f"Received: {inputs}.")
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        return query, value, key

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=None):
        query, value, key = self._parts(inputs)
        if mask is not None and (not isinstance(mask, (list, tuple)) or len(mask) != 2):
            raise ValueError(f"{type(self).__name__} layer mask must be a list of length 2, "
                             f"namely [query_mask, value_mask]. Received: {mask}.")
        query_mask, value_mask = mask if mask is not None else (None, None)
        scores = self._scores(query, key)
        # One mask of the value steps each query step may see: the value mask and, when
        # causal, no step after the query's own; masked scores lose 1e9 (TF's constant).
        allowed = None
        if value_mask is not None:
            allowed = array_ops.expand_dims(math_ops.cast(value_mask, "bool"), -2)
        if self.causal or use_causal_mask:
            steps = array_ops.shape(scores)
            rows = array_ops.expand_dims(math_ops.range(steps[-2]), -1)
            causal = math_ops.greater_equal(rows, math_ops.range(steps[-1]))
            allowed = causal if allowed is None else math_ops.logical_and(allowed, causal)
        if allowed is not None:
            scores = scores - 1e9 * math_ops.cast(math_ops.logical_not(allowed), scores.dtype)
        weights = nn_ops.softmax(scores)
        if self.dropout > 0.0:
            training = backend.phase_of(training)
            dropped = nn_ops.dropout(weights, rate=self.dropout)
            if isinstance(training, bool):
                weights = dropped if training else weights
            else:
                weights = array_ops.where_v2(training, dropped, weights)
        output = math_ops.matmul(weights, value)
        if query_mask is not None:
            output = output * math_ops.cast(array_ops.expand_dims(query_mask, -1), output.dtype)
        return (output, weights) if return_attention_scores else output

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "causal": self.causal,
                "dropout": self.dropout}


class Attention(_BaseAttention):
    """Scores ``query @ key^T`` (times a learned scalar ``scale`` with ``use_scale``)."""

    def build(self, input_shape):
        if self.use_scale:
            self.scale = self.add_weight("scale", [], initializer="ones")
        else:
            self.scale = None
        self.built = True

    def _scores(self, query, key):
        scores = math_ops.matmul(query, key, transpose_b=True)
        return scores * self.scale if self.scale is not None else scores


class AdditiveAttention(_BaseAttention):
    """Scores ``sum(scale * tanh(query + key))`` over the features, for each query/key pair
    (``scale`` a learned vector with ``use_scale``, the default)."""

    def __init__(self, use_scale=True, **kwargs):
        super().__init__(use_scale=use_scale, **kwargs)

    def build(self, input_shape):
        dims = list(input_shape[0]) if isinstance(input_shape, (list, tuple)) else None
        features = dims[-1] if dims else None
        features = features.value if hasattr(features, "value") else features
        if self.use_scale:
            self.scale = self.add_weight("scale", [features], initializer="glorot_uniform")
        else:
            self.scale = None
        self.built = True

    def _scores(self, query, key):
        pairs = math_ops.tanh(array_ops.expand_dims(query, -2) + array_ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = pairs * self.scale
        return math_ops.reduce_sum(pairs, -1)
