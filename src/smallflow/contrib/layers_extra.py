"""``tf.contrib.layers.separable_conv2d`` and ``bias_add``: the slim layers the Inception-v2,
MobileNet and NASNet definitions use, beside the core layers of ``layers.py``."""

from .. import init_ops
from ..graph import GraphKeys, add_to_collections, convert_to_tensor, get_collection
from ..ops import nn_extra_ops, nn_ops, reduction_ops, shape_ops
from ..variable_scope import variable_scope
from . import framework
from .framework import add_arg_scope
from .layers import _ZEROS, _collect_output, _pair, xavier_initializer

__all__ = ["bias_add", "dense_to_sparse", "file_batch_norm_variables", "maxout",
           "recompute_grad", "separable_conv2d", "separable_convolution2d", "spatial_softmax"]


def _channels(inputs, data_format, layer):
    axis = 1 if data_format == "NCHW" else -1
    if inputs.shape.ndims != 4 or inputs.shape[axis].value is None:
        raise ValueError(f"{layer} needs 4-D inputs with a known channel dimension, got "
                         f"{inputs.name} of shape {inputs.shape}")
    return inputs.shape[axis].value


@add_arg_scope
def separable_conv2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                     padding="SAME", data_format="NHWC", rate=1, activation_fn=nn_ops.relu,
                     normalizer_fn=None, normalizer_params=None, weights_initializer=None,
                     pointwise_initializer=None, weights_regularizer=None,
                     biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                     variables_collections=None, outputs_collections=None, trainable=True,
                     scope=None):
    """A depthwise convolution (``depthwise_weights [kh, kw, in, depth_multiplier]``) then,
    unless ``num_outputs`` is None, a 1x1 ``pointwise_weights [1, 1, in * multiplier,
    num_outputs]``; biases (without a normalizer), then the activation."""
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format has to be either NCHW or NHWC, got {data_format!r}")
    weights_initializer = weights_initializer or xavier_initializer()
    pointwise_initializer = pointwise_initializer or weights_initializer
    kernel_hw = _pair(kernel_size, "kernel_size")
    stride_hw = _pair(stride, "stride")
    rate_hw = _pair(rate, "rate")
    collections = list(variables_collections or [])
    with variable_scope(scope, default_name="SeparableConv2d", reuse=reuse) as vs:
        inputs = convert_to_tensor(inputs)
        channels = _channels(inputs, data_format, "separable_conv2d")
        depthwise = framework.model_variable(
            "depthwise_weights", [*kernel_hw, channels, depth_multiplier], inputs.dtype,
            weights_initializer, weights_regularizer, trainable,
            collections=[*collections, "weights"])
        strides = [1, *stride_hw, 1] if data_format == "NHWC" else [1, 1, *stride_hw]
        rate_arg = rate_hw if rate_hw != [1, 1] else None
        if num_outputs is not None:
            pointwise = framework.model_variable(
                "pointwise_weights", [1, 1, channels * depth_multiplier, num_outputs],
                inputs.dtype, pointwise_initializer, weights_regularizer, trainable,
                collections=[*collections, "weights"])
            outputs = nn_extra_ops.separable_conv2d(inputs, depthwise, pointwise, strides,
                                                    padding.upper(), rate=rate_arg,
                                                    data_format=data_format)
            width = num_outputs
        else:
            outputs = nn_extra_ops.depthwise_conv2d(inputs, depthwise, strides,
                                                    padding.upper(), rate=rate_arg,
                                                    data_format=data_format)
            width = channels * depth_multiplier
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = framework.model_variable(
                "biases", [width], inputs.dtype, biases_initializer, biases_regularizer,
                trainable, collections=[*collections, "biases"])
            outputs = nn_ops.bias_add(outputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_output(outputs_collections, vs.name, outputs)


separable_convolution2d = separable_conv2d


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=None, regularizer=None, reuse=None,
             variables_collections=None, outputs_collections=None, trainable=True,
             data_format="NHWC", scope=None):
    """``inputs + biases`` (a model variable over the channel axis), then the activation."""
    initializer = initializer or init_ops.zeros_initializer()
    with variable_scope(scope, default_name="BiasAdd", reuse=reuse) as vs:
        inputs = convert_to_tensor(inputs)
        axis = 1 if data_format == "NCHW" and inputs.shape.ndims > 2 else -1
        width = inputs.shape[axis].value
        if width is None:
            raise ValueError(f"Dims of shape must be known but is None: {inputs.name}")
        biases = framework.model_variable(
            "biases", [width], inputs.dtype, initializer, regularizer, trainable,
            collections=[*list(variables_collections or []), "biases"])
        outputs = nn_ops.bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_output(outputs_collections, vs.name, outputs)


_BATCH_NORM_VARIABLES = ("beta", "gamma", "moving_mean", "moving_variance")


def file_batch_norm_variables(variables_before, variables_collections):
    """File the variables a contrib ``batch_norm`` has just created as TF-Slim does: all four
    are model variables, and each also joins ``variables_collections`` (a list for all, or a
    dict keyed by ``beta``/``gamma``/``moving_mean``/``moving_variance``)."""
    known = {id(v) for v in variables_before}
    for var in get_collection(GraphKeys.GLOBAL_VARIABLES):
        if id(var) in known:
            continue
        kind = var.op.name.rpartition("/")[2]
        if kind not in _BATCH_NORM_VARIABLES:
            continue
        wanted = [GraphKeys.MODEL_VARIABLES]
        if isinstance(variables_collections, dict):
            wanted.extend(variables_collections.get(kind) or [])
        elif variables_collections:
            wanted.extend(variables_collections)
        present = [key for key in wanted if any(v is var for v in get_collection(key))]
        add_to_collections([key for key in wanted if key not in present], var)


def maxout(inputs, num_units, axis=-1, scope=None):
    """Maxout (Goodfellow et al., 2013), reshaped as TensorFlow does: ``axis`` becomes
    ``num_units`` long, a new last axis ``features // num_units`` long is appended, and the
    max is taken over it. Along the last axis that is the max of each run of consecutive
    features; along another axis the row-major reshape mixes dimensions, as in TF."""
    with variable_scope(scope, "MaxOut", [inputs]):
        inputs = convert_to_tensor(inputs)
        shape = inputs.shape.as_list()
        features = shape[axis]
        if features is None:
            raise ValueError(f"maxout needs a known number of features along axis {axis} of "
                             f"{inputs.name}, got shape {inputs.shape}")
        if features % num_units:
            raise ValueError(f"number of features({features}) is not a multiple of "
                             f"num_units({num_units})")
        shape[axis] = num_units
        shape.append(features // num_units)
        dynamic = None
        for i, size in enumerate(shape):
            if size is None:
                if dynamic is None:
                    dynamic = shape_ops.shape(inputs)
                shape[i] = dynamic[i]
        return reduction_ops.reduce_max(shape_ops.reshape(inputs, shape), -1, keepdims=False)


def dense_to_sparse(tensor, eos_token=0, outputs_collections=None, scope=None):
    """The entries of ``tensor`` not equal to ``eos_token`` as a SparseTensor of its shape
    (CTC programs turn padded label matrices into sparse labels with it)."""
    import smallflow as tf

    with variable_scope(scope, "dense_to_sparse", [tensor]) as opened:
        tensor = convert_to_tensor(tensor)
        indices = tf.where(tf.not_equal(tensor, tf.constant(eos_token, tensor.dtype)))
        values = tf.gather_nd(tensor, indices)
        shape = tf.shape(tensor, out_type=tf.int64)
        return _collect_output(outputs_collections, opened.name,
                               tf.SparseTensor(indices, values, shape))


def spatial_softmax(features, temperature=None, name=None, variables_collections=None,
                    trainable=True, data_format="NHWC"):
    """The expected (x, y) position, in [-1, 1], of each channel's softmax over the image
    (Levine et al., 2016): [batch, 2 * channels] keypoints, x and y interleaved per
    channel; ``temperature`` is a scalar model variable (trainable by default)."""
    import smallflow as tf

    with tf.name_scope(name, "spatial_softmax", [features]):
        features = convert_to_tensor(features)
        shape = tf.shape(features)
        if data_format == "NCHW":
            height, width, channels = shape[2], shape[3], features.shape[1].value
        else:
            height, width, channels = shape[1], shape[2], features.shape[3].value
        if channels is None:
            raise ValueError("The num_channels dimension of the inputs to `spatial_softmax` "
                             "should be defined. Found `None`.")
        pos_x, pos_y = tf.meshgrid(tf.lin_space(-1.0, 1.0, num=height),
                                   tf.lin_space(-1.0, 1.0, num=width), indexing="ij")
        pos_x = tf.reshape(pos_x, [height * width])
        pos_y = tf.reshape(pos_y, [height * width])
        initializer = (init_ops.ones_initializer() if temperature is None
                       else init_ops.constant_initializer(temperature))
        collections = None
        if trainable:
            collections = (variables_collections.get("temperature")
                           if isinstance(variables_collections, dict)
                           else variables_collections)
        temperature = framework.model_variable(
            "temperature", shape=(), dtype=tf.float32, initializer=initializer,
            collections=collections, trainable=trainable)
        if data_format != "NCHW":
            features = tf.transpose(features, [0, 3, 1, 2])
        features = tf.reshape(features, [-1, height * width])
        attention = tf.nn.softmax(features / temperature)
        expected_x = tf.reduce_sum(pos_x * attention, [1], keepdims=True)
        expected_y = tf.reduce_sum(pos_y * attention, [1], keepdims=True)
        keypoints = tf.reshape(tf.concat([expected_x, expected_y], 1), [-1, channels * 2])
        keypoints.set_shape([None, channels * 2])
        return keypoints


def recompute_grad(fn, use_data_dep=None, tupleize_grads=False):
    """``fn`` for gradient checkpointing. TensorFlow recomputes ``fn``'s forward pass in the
    backward pass to save memory; the values and gradients are the same as ``fn``'s, which
    is what this returns (smallflow keeps the forward activations: no memory is saved)."""
    if use_data_dep not in (None, True, False):
        raise ValueError("use_data_dep must be True, False or left unset")
    import functools

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapped


def linear(inputs, num_outputs, **kwargs):
    """``fully_connected`` with ``activation_fn=None`` unless given (TF 1.x's
    ``contrib.layers.linear``, a partial of it); open arg scopes of ``fully_connected`` set
    its other defaults."""
    from .layers import fully_connected

    kwargs.setdefault("activation_fn", None)
    return fully_connected(inputs, num_outputs, **kwargs)
