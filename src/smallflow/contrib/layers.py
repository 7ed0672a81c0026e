"""``tf.contrib.layers``: initializers, regularizers, slim-style layers and ``optimize_loss``.

The layers follow TensorFlow 1.x contrib's conventions, which differ from ``tf.layers``:
variables are ``<scope>/weights`` and ``<scope>/biases`` (model variables), default scopes
are ``fully_connected`` and ``Conv``, the default activation is ReLU, and every layer reads
defaults from ``arg_scope``.
"""

import math
import numbers

import numpy as np

from .. import dtypes, init_ops
from ..gradients import gradients
from ..graph import (
    GraphKeys,
    Tensor,
    add_to_collection,
    control_dependencies,
    convert_to_tensor,
    get_collection,
    get_default_graph,
    name_scope,
)
from ..ops import array_extra_ops, array_ops, clip_ops, math_ops, nn_extra_ops, nn_ops, random_ops
from ..ops.indexed_slices import IndexedSlices
from ..train import training_util
from ..variable_scope import variable_scope
from . import framework
from ._missing import missing_attribute
from .framework import add_arg_scope

__all__ = [
    "bias_add", "dense_to_sparse", "linear", "recompute_grad", "separable_conv2d",
    "separable_convolution2d", "spatial_softmax", "utils",
    # summaries (layers_summaries.py; also as the submodule ``summaries``)
    "summaries",
    "summarize_activation", "summarize_activations", "summarize_biases", "summarize_collection",
    "summarize_tensor", "summarize_tensors", "summarize_variables", "summarize_weights",
    "conv2d_transpose", "convolution2d_transpose", "repeat", "stack",
    # TF 1.0 feature columns (layers_feature_columns.py)
    "bucketized_column", "create_feature_spec_for_parsing", "crossed_column",
    "embedding_column", "one_hot_column",
    "real_valued_column", "sparse_column_with_hash_bucket",
    "sparse_column_with_integerized_feature", "sparse_column_with_keys",
    "weighted_sparse_column",
    "apply_regularization",
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "convolution2d",
    "dropout",
    "embed_sequence",
    "flatten",
    "fully_connected",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "max_pool2d",
    "maxout",
    "one_hot_encoding",
    "optimize_loss",
    "softmax",
    "sum_regularizer",
    "variance_scaling_initializer",
    "xavier_initializer",
    "xavier_initializer_conv2d",
]

# -- initializers ------------------------------------------------------------------------------


class _ContribVarianceScaling(init_ops.Initializer):
    """contrib's rule: variance ``factor / n``; a normal draw is truncated with stddev
    ``sqrt(1.3 * factor / n)``, a uniform one spans ``+-sqrt(3 * factor / n)``."""

    def __init__(self, factor, mode, uniform, seed, dtype):
        super().__init__(dtype)
        if not self.dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
            raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")
        self.factor, self.mode, self.uniform, self.seed = float(factor), mode, uniform, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = [int(d) for d in shape]
        dtype = self._dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        if len(dims) > 1:
            fan_in = float(dims[-2]) * math.prod(dims[:-2])
            fan_out = float(dims[-1]) * math.prod(dims[:-2])
        else:
            fan_in = fan_out = float(dims[0]) if dims else 1.0
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}
        n = n[self.mode]
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return random_ops.random_uniform(dims, -limit, limit, dtype, seed=self.seed)
        stddev = math.sqrt(1.3 * self.factor / n)
        return random_ops.truncated_normal(dims, 0.0, stddev, dtype, seed=self.seed)


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """He et al. by default (``factor=2``, fan in, truncated normal)."""
    return _ContribVarianceScaling(factor, mode, uniform, seed, dtype)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot and Bengio's initializer: variance ``2 / (fan_in + fan_out)``."""
    return _ContribVarianceScaling(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer

# -- regularizers ------------------------------------------------------------------------------


def _check_scale(scale):
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if not isinstance(scale, numbers.Real):
        raise ValueError(f"scale must be a float, got {scale!r}")
    if scale < 0.0:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}")


def _no_penalty(weights):
    return None


def l1_regularizer(scale, scope=None):
    """A function ``weights -> scale * sum(|weights|)`` (None when ``scale`` is 0)."""
    _check_scale(scale)
    if scale == 0.0:
        return _no_penalty

    def l1(weights):
        with name_scope(scope or "l1_regularizer") as name:
            factor = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            total = math_ops.reduce_sum(math_ops.abs(weights))
            return math_ops.multiply(factor, total, name=name)

    return l1


def l2_regularizer(scale, scope=None):
    """A function ``weights -> scale * sum(weights ** 2) / 2`` (None when ``scale`` is 0)."""
    _check_scale(scale)
    if scale == 0.0:
        return _no_penalty

    def l2(weights):
        with name_scope(scope or "l2_regularizer") as name:
            factor = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return math_ops.multiply(factor, nn_ops.l2_loss(weights), name=name)

    return l2


def sum_regularizer(regularizer_list, scope=None):
    """The sum of the penalties of several regularizers."""
    regularizers = [r for r in regularizer_list if r is not None]
    if not regularizers:
        return _no_penalty

    def summed(weights):
        with name_scope(scope or "sum_regularizer"):
            penalties = [p for p in (r(weights) for r in regularizers) if p is not None]
            return math_ops.add_n(penalties) if penalties else None

    return summed


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)],
                           scope=scope or "l1_l2_regularizer")


def apply_regularization(regularizer, weights_list=None):
    """Sum of ``regularizer`` over ``weights_list`` (default: the WEIGHTS collection).

    The sum is also added to the REGULARIZATION_LOSSES collection.
    """
    if weights_list is None:
        weights_list = get_collection("weights")
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty"):
        penalties = [p for p in (regularizer(w) for w in weights_list) if p is not None]
        summed = math_ops.add_n(penalties) if penalties else array_ops.constant(0.0)
    add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
    return summed


# -- layers ------------------------------------------------------------------------------------

# The layers' default ``biases_initializer``: zeros. An explicit ``biases_initializer=None``
# means no biases at all (im2txt's image embedding is a bias-free ``fully_connected``).
_ZEROS = init_ops.zeros_initializer()


def _collect_output(outputs_collections, scope_name, outputs):
    """Add ``outputs`` to ``outputs_collections`` with the layer's full scope name as its alias
    (slim nets' ``end_points`` keys)."""
    from .layers_utils import collect_named_outputs

    return collect_named_outputs(outputs_collections, scope_name, outputs)


def _weights_and_biases(shape, dtype, num_outputs, weights_initializer, weights_regularizer,
                        biases_initializer, biases_regularizer, variables_collections,
                        trainable, use_bias):
    collections = list(variables_collections or [])
    weights = framework.model_variable(
        "weights", shape, dtype, weights_initializer, weights_regularizer, trainable,
        collections=[*collections, "weights"])
    biases = None
    if use_bias and biases_initializer is not None:
        biases = framework.model_variable(
            "biases", [num_outputs], dtype, biases_initializer, biases_regularizer, trainable,
            collections=[*collections, "biases"])
    return weights, biases


def _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn, data_format):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    elif biases is not None:
        outputs = nn_ops.bias_add(outputs, biases, data_format=data_format)
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return outputs


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=nn_ops.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None,
                    weights_regularizer=None, biases_initializer=_ZEROS,
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """``activation_fn(inputs @ weights + biases)`` over the last axis of ``inputs``.

    Defaults: Xavier-uniform weights, zero biases, ReLU. With ``normalizer_fn`` the biases
    are left out and the normalizer is applied before the activation.
    """
    if not isinstance(num_outputs, numbers.Integral):
        raise ValueError(f"num_outputs type should be one of (int, long), got "
                         f"{type(num_outputs)}.")
    weights_initializer = weights_initializer or xavier_initializer()
    with variable_scope(scope, default_name="fully_connected", reuse=reuse) as vs:
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_tuple()
        if dims is None or len(dims) < 2 or dims[-1] is None:
            raise ValueError(f"Input {inputs.name} must have rank >= 2 and a known last "
                             f"dimension, got shape {inputs.shape}")
        weights, biases = _weights_and_biases(
            [dims[-1], num_outputs], inputs.dtype, num_outputs, weights_initializer,
            weights_regularizer, biases_initializer, biases_regularizer,
            variables_collections, trainable, normalizer_fn is None)
        if len(dims) == 2:
            outputs = math_ops.matmul(inputs, weights)
        else:
            flat = array_ops.reshape(inputs, [-1, dims[-1]])
            outputs = math_ops.matmul(flat, weights)
            leading = array_ops.shape(inputs)[:-1]
            outputs = array_ops.reshape(outputs, array_ops.concat([leading, [num_outputs]], 0))
        outputs = _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn,
                          "NHWC")
        return _collect_output(outputs_collections, vs.name, outputs)


def _pair(value, what):
    items = [value, value] if isinstance(value, numbers.Integral) else list(value)
    if len(items) != 2:
        raise ValueError(f"{what} must be an int or a list of 2 ints, got {value!r}")
    return [int(v) for v in items]


@add_arg_scope
def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
           rate=1, activation_fn=nn_ops.relu, normalizer_fn=None, normalizer_params=None,
           weights_initializer=None, weights_regularizer=None, biases_initializer=_ZEROS,
           biases_regularizer=None, reuse=None, variables_collections=None,
           outputs_collections=None, trainable=True, scope=None):
    """A 2-D convolution with ``weights [kh, kw, in, num_outputs]`` and biases, then ReLU."""
    data_format = data_format or "NHWC"
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format has to be either NCHW or NHWC, got {data_format!r}")
    weights_initializer = weights_initializer or xavier_initializer()
    kernel_hw = _pair(kernel_size, "kernel_size")
    stride_hw = _pair(stride, "stride")
    rate_hw = _pair(rate, "rate")
    with variable_scope(scope, default_name="Conv", reuse=reuse) as vs:
        inputs = convert_to_tensor(inputs)
        channel_axis = 1 if data_format == "NCHW" else -1
        if inputs.shape.ndims != 4 or inputs.shape[channel_axis].value is None:
            raise ValueError(f"conv2d needs 4-D inputs with a known channel dimension, got "
                             f"{inputs.name} of shape {inputs.shape}")
        channels = inputs.shape[channel_axis].value
        weights, biases = _weights_and_biases(
            [*kernel_hw, channels, num_outputs], inputs.dtype, num_outputs,
            weights_initializer, weights_regularizer, biases_initializer, biases_regularizer,
            variables_collections, trainable, normalizer_fn is None)
        strides = [1, *stride_hw, 1] if data_format == "NHWC" else [1, 1, *stride_hw]
        if rate_hw != [1, 1]:
            if data_format != "NHWC" or stride_hw != [1, 1] or rate_hw[0] != rate_hw[1]:
                raise ValueError("conv2d with rate > 1 needs NHWC, stride 1 and one rate")
            outputs = nn_extra_ops.atrous_conv2d(inputs, weights, rate_hw[0], padding.upper())
        else:
            outputs = nn_ops.conv2d(inputs, weights, strides, padding.upper(),
                                    data_format=data_format)
        outputs = _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn,
                          data_format)
        return _collect_output(outputs_collections, vs.name, outputs)


convolution2d = conv2d


@add_arg_scope
def conv2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                     data_format="NHWC", activation_fn=nn_ops.relu, normalizer_fn=None,
                     normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                     biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                     variables_collections=None, outputs_collections=None, trainable=True,
                     scope=None):
    """The transpose of ``conv2d`` (a "deconvolution"): ``weights [kh, kw, num_outputs,
    in]``, outputs ``stride`` times larger (SAME; VALID adds ``max(k - stride, 0)``)."""
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format has to be either NCHW or NHWC, got {data_format!r}")
    weights_initializer = weights_initializer or xavier_initializer()
    kernel_hw = _pair(kernel_size, "kernel_size")
    stride_hw = _pair(stride, "stride")
    padding = padding.upper()
    with variable_scope(scope, default_name="Conv2d_transpose", reuse=reuse) as vs:
        inputs = convert_to_tensor(inputs)
        nchw = data_format == "NCHW"
        channel_axis, spatial = (1, (2, 3)) if nchw else (3, (1, 2))
        if inputs.shape.ndims != 4 or inputs.shape[channel_axis].value is None:
            raise ValueError(f"conv2d_transpose needs 4-D inputs with a known channel "
                             f"dimension, got {inputs.name} of shape {inputs.shape}")
        weights, biases = _weights_and_biases(
            [*kernel_hw, num_outputs, inputs.shape[channel_axis].value], inputs.dtype,
            num_outputs, weights_initializer, weights_regularizer, biases_initializer,
            biases_regularizer, variables_collections, trainable, normalizer_fn is None)
        dynamic = array_ops.shape(inputs)
        sizes = []
        for axis, k, s in zip(spatial, kernel_hw, stride_hw):
            size = dynamic[axis] * s
            if padding == "VALID":
                size = size + max(k - s, 0)
            sizes.append(size)
        dims = [dynamic[0], num_outputs, *sizes] if nchw else [dynamic[0], *sizes, num_outputs]
        strides = [1, 1, *stride_hw] if nchw else [1, *stride_hw, 1]
        outputs = nn_ops.conv2d_transpose(inputs, weights, array_ops.stack(dims), strides,
                                          padding, data_format=data_format)
        static = inputs.shape.as_list()
        out_static = []
        for axis, k, s in zip(spatial, kernel_hw, stride_hw):
            value = static[axis]
            out_static.append(None if value is None else
                              value * s + (max(k - s, 0) if padding == "VALID" else 0))
        outputs.set_shape([static[0], num_outputs, *out_static] if nchw
                          else [static[0], *out_static, num_outputs])
        outputs = _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn,
                          data_format)
        return _collect_output(outputs_collections, vs.name, outputs)


convolution2d_transpose = conv2d_transpose


def _layer_name(layer, fallback):
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func"):  # a functools.partial
        return layer.func.__name__
    return fallback


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """``layer`` applied ``repetitions`` times, each in scope ``<scope>/<scope>_<i>``
    (slim's VGG: ``slim.repeat(net, 2, slim.conv2d, 64, [3, 3], scope="conv1")``)."""
    scope = kwargs.pop("scope", None)
    with variable_scope(scope, default_name="Repeat"):
        inputs = convert_to_tensor(inputs)
        name = scope if scope is not None else _layer_name(layer, "repeat")
        outputs = inputs
        for index in range(repetitions):
            kwargs["scope"] = f"{name}_{index + 1}"
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def stack(inputs, layer, stack_args, **kwargs):
    """``layer`` applied once per entry of ``stack_args`` (its extra arguments), each in
    scope ``<scope>/<scope>_<i>`` (``slim.stack(x, slim.fully_connected, [32, 64])``)."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, list | tuple):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, default_name="Stack"):
        inputs = convert_to_tensor(inputs)
        name = scope if scope is not None else _layer_name(layer, "stack")
        outputs = inputs
        for index, layer_args in enumerate(stack_args):
            kwargs["scope"] = f"{name}_{index + 1}"
            if not isinstance(layer_args, list | tuple):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


def _pool(pool, default_name, inputs, kernel_size, stride, padding, data_format,
          outputs_collections, scope):
    kernel_hw = _pair(kernel_size, "kernel_size")
    stride_hw = _pair(stride, "stride")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format has to be either NCHW or NHWC, got {data_format!r}")
    with name_scope(scope or default_name) as sc:
        if data_format == "NHWC":
            ksize, strides = [1, *kernel_hw, 1], [1, *stride_hw, 1]
        else:
            ksize, strides = [1, 1, *kernel_hw], [1, 1, *stride_hw]
        outputs = pool(inputs, ksize, strides, padding.upper(), data_format=data_format)
        return _collect_output(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    return _pool(nn_ops.max_pool, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    return _pool(nn_ops.avg_pool, "AvgPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True,
            outputs_collections=None, scope=None, seed=None):
    """Dropout with ``keep_prob`` when ``is_training`` (a bool or bool tensor), else identity."""
    with name_scope(scope or "Dropout") as sc:
        inputs = convert_to_tensor(inputs)
        if isinstance(is_training, Tensor):
            active = math_ops.cast(is_training, inputs.dtype)
            keep = 1.0 - active * (1.0 - math_ops.cast(keep_prob, inputs.dtype))
            outputs = nn_ops.dropout(inputs, keep, noise_shape=noise_shape, seed=seed)
        elif is_training:
            outputs = nn_ops.dropout(inputs, keep_prob, noise_shape=noise_shape, seed=seed)
        else:
            outputs = array_ops.identity(inputs)
        return _collect_output(outputs_collections, sc, outputs)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """``[batch, d1, d2, ...]`` -> ``[batch, d1 * d2 * ...]``."""
    with name_scope(scope or "Flatten") as sc:
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape.as_tuple()
        if dims is None or len(dims) < 1:
            raise ValueError(f"Inputs must have a least 2 dimensions, got {inputs.shape}")
        if all(d is not None for d in dims[1:]):
            outputs = array_ops.reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])
        else:
            batch = array_ops.shape(inputs)[0]
            outputs = array_ops.reshape(inputs, array_ops.stack([batch, -1]))
        return _collect_output(outputs_collections, sc, outputs)


@add_arg_scope
def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):
    """``[batch, length]`` symbol ids -> ``[batch, length, embed_dim]`` embeddings, from a
    model variable ``embeddings`` of shape ``[vocab_size, embed_dim]`` in scope
    ``EmbedSequence`` (reused, e.g. between an encoder and a decoder, with ``reuse=True``).
    ``unique=True`` looks each distinct id up once and repeats the rows."""
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError("Must specify vocab size and embedding dimension when not reusing. "
                         f"Got vocab_size={vocab_size} and embed_dim={embed_dim}")
    with variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim]
        if (reuse and vocab_size is None) or embed_dim is None:
            shape = None
        embeddings = framework.model_variable("embeddings", shape=shape,
                                              initializer=initializer,
                                              regularizer=regularizer, trainable=trainable)
        if not unique:
            return nn_extra_ops.embedding_lookup(embeddings, ids)
        ids = convert_to_tensor(ids)
        distinct, where = array_extra_ops.unique(array_ops.reshape(ids, [-1]))
        rows = array_ops.gather(nn_extra_ops.embedding_lookup(embeddings, distinct), where)
        out_shape = array_ops.concat([array_ops.shape(ids), array_ops.shape(embeddings)[1:]], 0)
        out = array_ops.reshape(rows, out_shape)
        out.set_shape(ids.shape.concatenate(embeddings.shape[1:]))
        return out


def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0,
                     outputs_collections=None, scope=None):
    with name_scope(scope or "OneHotEncoding") as sc:
        labels = convert_to_tensor(labels)
        if labels.dtype == dtypes.int32:
            labels = math_ops.cast(labels, dtypes.int64)
        outputs = array_ops.one_hot(labels, num_classes, on_value=on_value,
                                    off_value=off_value)
        return _collect_output(outputs_collections, sc, outputs)


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last axis of a tensor of rank 2 or more (its last axis known): the
    logits are viewed as ``[-1, classes]`` rows, as contrib's ``softmax`` does."""
    with variable_scope(scope, "softmax", [logits]):
        logits = convert_to_tensor(logits)
        dims = logits.shape.as_tuple()
        if dims is None:
            raise ValueError("Dims of shape must be known but is None")
        if len(dims) < 2:
            raise ValueError(f"rank of shape must be at least 2 not: {len(dims)}")
        if dims[-1] is None:
            raise ValueError("Last dimension must be known but is None")
        rows = array_ops.reshape(logits, [-1, dims[-1]])
        predictions = array_ops.reshape(nn_ops.softmax(rows), array_ops.shape(logits))
        predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
               activation_fn=None, param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC", zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99,
               adjustment=None):
    """Batch normalization as contrib spells it, built on ``tf.layers.batch_normalization``:
    variables ``BatchNorm/beta``, ``BatchNorm/moving_mean``, ``BatchNorm/moving_variance``
    (and ``BatchNorm/gamma`` with ``scale=True``).

    ``decay`` is the moving averages' momentum; ``scale=False`` (contrib's default) leaves
    out gamma. The moving-average updates join ``updates_collections`` (UPDATE_OPS).
    """
    from .. import layers as core_layers

    normalize = getattr(core_layers, "batch_normalization", None)
    if normalize is None:
        raise NotImplementedError("tf.contrib.layers.batch_norm needs "
                                  "tf.layers.batch_normalization, which this build lacks")
    if batch_weights is not None or renorm or adjustment is not None:
        raise ValueError("smallflow's batch_norm does not support batch_weights, renorm or "
                         "adjustment")
    if updates_collections not in (GraphKeys.UPDATE_OPS, None):
        raise ValueError("updates_collections must be tf.GraphKeys.UPDATE_OPS or None")
    initializers = param_initializers or {}
    regularizers = param_regularizers or {}
    axis = 1 if data_format == "NCHW" else -1
    if scope is None:
        # Reserve contrib's default scope name (BatchNorm, BatchNorm_1, ...) for the layer.
        with variable_scope(None, default_name="BatchNorm") as reserved:
            scope = reserved.name.rpartition("/")[2]
    before = list(get_collection(GraphKeys.UPDATE_OPS))
    variables_before = list(get_collection(GraphKeys.GLOBAL_VARIABLES))
    outputs = normalize(
        inputs, axis=axis, momentum=decay, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=initializers.get("beta", init_ops.zeros_initializer()),
        gamma_initializer=initializers.get("gamma", init_ops.ones_initializer()),
        moving_mean_initializer=initializers.get("moving_mean", init_ops.zeros_initializer()),
        moving_variance_initializer=initializers.get("moving_variance",
                                                     init_ops.ones_initializer()),
        beta_regularizer=regularizers.get("beta"), gamma_regularizer=regularizers.get("gamma"),
        training=is_training, trainable=trainable, name=scope, reuse=reuse)
    from .layers_extra import file_batch_norm_variables

    file_batch_norm_variables(variables_before, variables_collections)
    if updates_collections is None:
        # The moving averages update whenever the output is computed.
        added = [op for op in get_collection(GraphKeys.UPDATE_OPS) if op not in before]
        for op in added:
            get_default_graph().get_collection_ref(GraphKeys.UPDATE_OPS).remove(op)
        with control_dependencies(added):
            outputs = array_ops.identity(outputs)
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return _collect_output(outputs_collections, _full_scope_name(scope), outputs)


def _full_scope_name(name):
    from ..variable_scope import get_variable_scope

    outer = get_variable_scope().name
    return f"{outer}/{name}" if outer else name


# -- optimize_loss -----------------------------------------------------------------------------

_OPTIMIZERS = ("Adagrad", "Adam", "Ftrl", "Momentum", "RMSProp", "SGD")


def _make_optimizer(optimizer, learning_rate):
    from .. import train

    if isinstance(optimizer, str):
        factories = {
            "Adagrad": train.AdagradOptimizer,
            "Adam": train.AdamOptimizer,
            "Ftrl": getattr(train, "FtrlOptimizer", None),
            "Momentum": lambda lr: train.MomentumOptimizer(lr, momentum=0.9),
            "RMSProp": train.RMSPropOptimizer,
            "SGD": train.GradientDescentOptimizer,
        }
        if optimizer not in factories or factories[optimizer] is None:
            raise ValueError(f"Optimizer name should be one of [{', '.join(_OPTIMIZERS)}], "
                             f"you provided {optimizer}.")
        return factories[optimizer](learning_rate)
    if isinstance(optimizer, type) and issubclass(optimizer, train.Optimizer):
        return optimizer(learning_rate=learning_rate)
    if isinstance(optimizer, train.Optimizer):
        return optimizer
    if callable(optimizer):
        made = optimizer(learning_rate) if learning_rate is not None else optimizer()
        if not isinstance(made, train.Optimizer):
            raise ValueError(f"Unrecognized optimizer: function should return subclass of "
                             f"Optimizer. Got {made}.")
        return made
    raise ValueError(f"Unrecognized optimizer: should be string, subclass of Optimizer, "
                     f"instance of subclass of Optimizer or function with one argument. "
                     f"Got {optimizer}.")


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """Build a training op: gradients (optionally scaled and clipped), then one update.

    Returns a tensor equal to ``loss`` that runs the update (and UPDATE_OPS) when fetched.
    Summaries are not written (``summaries`` is accepted and ignored).
    """
    if gradient_noise_scale is not None:
        raise ValueError("smallflow's optimize_loss does not support gradient_noise_scale")
    loss = convert_to_tensor(loss)
    if global_step is None:
        global_step = training_util.get_global_step()
    with variable_scope(name, default_name="OptimizeLoss"):
        if update_ops is None:
            update_ops = set(get_collection(GraphKeys.UPDATE_OPS))
        if update_ops:
            with control_dependencies(list(update_ops)):
                loss = array_ops.identity(loss)
        rate = None
        if learning_rate is not None:
            if isinstance(learning_rate, Tensor) and learning_rate.shape.ndims not in (0, None):
                raise ValueError(f"Learning rate should be 0d Tensor or float. Got "
                                 f"{learning_rate}.")
            rate = convert_to_tensor(learning_rate, dtype=dtypes.float32,
                                     name="learning_rate")
            if learning_rate_decay_fn is not None:
                if global_step is None:
                    raise ValueError("global_step is required for learning_rate_decay_fn.")
                rate = learning_rate_decay_fn(rate, global_step)
        elif isinstance(optimizer, (str, type)):
            raise ValueError(f"Learning rate is None, but should be specified if optimizer is "
                             f"string ({optimizer}).")
        opt = _make_optimizer(optimizer, rate)
        if variables is None:
            variables = get_collection(GraphKeys.TRAINABLE_VARIABLES)
        grads = gradients(loss, variables,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        pairs = list(zip(grads, variables))
        if gradient_multipliers is not None:
            pairs = _multiply_gradients(pairs, gradient_multipliers)
        if not any(g is not None for g, _ in pairs):
            raise ValueError(f"Empty list of (gradient, var) pairs encountered. This is most "
                             f"likely to be caused by an improper value of "
                             f"gradient_multipliers. ({loss.name})")
        if clip_gradients is not None:
            pairs = _clip(pairs, clip_gradients)
        step = global_step if increment_global_step else None
        update = opt.apply_gradients(pairs, global_step=step, name="train")
        with control_dependencies([update]):
            return array_ops.identity(loss, name="train_op")


def _multiply_gradients(pairs, multipliers):
    keyed = {getattr(v, "name", v): m for v, m in multipliers.items()}
    out = []
    for grad, var in pairs:
        factor = multipliers.get(var, keyed.get(var.name))
        if grad is not None and factor is not None:
            factor = math_ops.cast(factor, grad.dtype)
            if isinstance(grad, IndexedSlices):  # sparse gradients stay sparse, as in TF
                grad = IndexedSlices(grad.values * factor, grad.indices, grad.dense_shape)
            else:
                grad = grad * factor
        out.append((grad, var))
    return out


def _clip(pairs, clip_gradients):
    if callable(clip_gradients):
        return clip_gradients(pairs)
    if isinstance(clip_gradients, float | int):
        grads = [g for g, _ in pairs]
        clipped, _ = clip_ops.clip_by_global_norm(grads, float(clip_gradients))
        return list(zip(clipped, [v for _, v in pairs]))
    raise ValueError(f"Unknown type {type(clip_gradients)} for clip_gradients")


# TF 1.0's feature columns (contrib.learn tutorials), in their own module.
from .layers_feature_columns import (  # noqa: E402
    bucketized_column,
    create_feature_spec_for_parsing,
    crossed_column,
    embedding_column,
    one_hot_column,
    real_valued_column,
    sparse_column_with_hash_bucket,
    sparse_column_with_integerized_feature,
    sparse_column_with_keys,
    weighted_sparse_column,
)

__getattr__ = missing_attribute(__name__, "tf.contrib.layers")
from . import layers_summaries as summaries  # noqa: E402 - contrib.layers.summaries (im2txt)
from . import layers_utils as utils  # noqa: E402 - contrib.layers.utils (slim.utils)
from .layers_extra import (  # noqa: E402
    bias_add,
    dense_to_sparse,
    linear,
    maxout,
    recompute_grad,
    separable_conv2d,
    separable_convolution2d,
    spatial_softmax,
)
from .layers_summaries import (  # noqa: E402
    summarize_activation,
    summarize_activations,
    summarize_biases,
    summarize_collection,
    summarize_tensor,
    summarize_tensors,
    summarize_variables,
    summarize_weights,
)
from .normalization import (  # noqa: E402 - its own module, sharing the helpers above
    group_norm,
    instance_norm,
    layer_norm,
)
