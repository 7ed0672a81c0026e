"""Keras's ``Embedding``: rows of a ``[input_dim, output_dim]`` matrix looked up by index."""

from ...ops import math_ops, nn_extra_ops
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["Embedding"]


class Embedding(Layer):
    """Integer indices ``[batch, length]`` -> vectors ``[batch, length, output_dim]``.

    The matrix ``embedding/embeddings`` starts uniform in [-0.05, 0.05], as in Keras; its
    gradient is sparse (only the looked-up rows change).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            # As Keras: an Embedding always knows its input shape ((None,) for sequences of
            # any length), so a Sequential starting with one is built at once.
            lengths = input_length if isinstance(input_length, list | tuple) else [input_length]
            kwargs["input_shape"] = tuple(lengths)
        kwargs.setdefault("dtype", "float32")
        if embeddings_initializer == "uniform":
            embeddings_initializer = "random_uniform"
        args = {"embeddings_initializer": embeddings_initializer,
                "embeddings_regularizer": embeddings_regularizer,
                "embeddings_constraint": embeddings_constraint}
        self._constraints = resolve(args)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = args["embeddings_initializer"]
        self.embeddings_regularizer = args["embeddings_regularizer"]
        self.mask_zero = mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer)
        attach_constraints(self, self._constraints)
        self.built = True

    def compute_mask(self, inputs, mask=None):
        """``inputs != 0`` with ``mask_zero``, else no mask."""
        if not self.mask_zero:
            return None
        return math_ops.not_equal(inputs, 0)

    def call(self, inputs):
        if inputs.dtype.name not in ("int32", "int64"):
            inputs = math_ops.cast(inputs, "int32")
        outputs = nn_extra_ops.embedding_lookup(self.embeddings, inputs)
        if self.mask_zero:  # index 0 is padding: later layers skip those steps
            outputs._keras_mask = math_ops.not_equal(inputs, 0)
        return outputs
