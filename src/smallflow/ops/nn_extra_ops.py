"""More of ``tf.nn``, composed from existing ops (their gradients come with them):
embedding lookups, batch normalization and moments, normalizations, activations, 1-D,
dilated, depthwise and separable convolutions, and a few losses.
"""

import math

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from . import array_extra_ops, array_ops, clip_ops, cwise_ops, math_ops, nn_ops
from .common import normalize_axes

# -- embeddings --------------------------------------------------------------------------------


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Rows of ``params`` at ``ids``: ``gather(params, ids)``, shape ``ids.shape + row``.

    ``params`` may be a list of shards of one table (all but the first dimension equal):
    with ``"mod"`` id ``i`` lives in shard ``i % n`` at row ``i // n``; with ``"div"`` the
    shards hold consecutive ranges of ids. ``max_norm`` clips each looked-up row's l2 norm.
    """
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy}")
    if params is None or (isinstance(params, list | tuple) and not params):
        raise ValueError("Need at least one param")
    shards = list(params) if isinstance(params, list | tuple) else [params]
    with name_scope(name or "embedding_lookup"):
        shards = [convert_to_tensor(p, name="params") for p in shards]
        ids = convert_to_tensor(ids, name="ids")
        if ids.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"ids must be int32 or int64, got {ids.dtype.name} ({ids.name})")
        if len(shards) == 1:
            result = _clip_rows(array_ops.gather(shards[0], ids), ids, max_norm)
            return array_ops.identity(result)
        # One gather per shard (so each shard's gradient is the IndexedSlices of its own
        # rows), stitched back in the order of the ids.
        flat_ids = array_ops.reshape(ids, [-1])
        positions = math_ops.range(array_ops.size(flat_ids))
        shard_of, row_in_shard = _partition_ids(flat_ids, shards, partition_strategy)
        shard_of = math_ops.cast(shard_of, dtypes.int32)
        rows_per_shard = array_extra_ops.dynamic_partition(row_in_shard, shard_of, len(shards))
        positions_per_shard = array_extra_ops.dynamic_partition(positions, shard_of,
                                                                len(shards))
        gathered = [array_ops.gather(shard, rows)
                    for shard, rows in zip(shards, rows_per_shard)]
        stitched = array_extra_ops.dynamic_stitch(positions_per_shard, gathered)
        row_shape = shards[0].shape[1:]
        for shard in shards[1:]:
            row_shape = row_shape.merge_with(shard.shape[1:])
        row_dims = (row_shape.as_list() if row_shape.is_fully_defined()
                    else array_ops.shape(shards[0])[1:])
        result = array_ops.reshape(stitched, array_ops.concat([array_ops.shape(ids),
                                                               row_dims], 0))
        result.set_shape(ids.shape.concatenate(row_shape))
        return _clip_rows(result, ids, max_norm)


def _partition_ids(flat_ids, shards, strategy):
    """(shard, row within the shard) of each id: ``"mod"`` deals ids round robin, ``"div"``
    gives each shard a consecutive range (the first ``total % n`` shards one id more)."""
    count = len(shards)
    if strategy == "mod":
        return math_ops.floormod(flat_ids, count), math_ops.floordiv(flat_ids, count)
    static_rows = [shard.shape[0].value if shard.shape.ndims else None for shard in shards]
    if all(rows is not None for rows in static_rows):
        total = array_ops.constant(sum(static_rows), dtype=flat_ids.dtype)
    else:
        sizes = [array_ops.shape(shard, out_type=flat_ids.dtype)[0] for shard in shards]
        total = math_ops.reduce_sum(array_ops.stack(sizes))
    per_shard = math_ops.floordiv(total, count)
    extras = math_ops.floormod(total, count)
    shard_of = math_ops.maximum(math_ops.floordiv(flat_ids, per_shard + 1),
                                math_ops.floordiv(flat_ids - extras, per_shard))
    row = array_ops.where(math_ops.less(shard_of, extras),
                          math_ops.floormod(flat_ids, per_shard + 1),
                          math_ops.floormod(flat_ids - extras, per_shard))
    return shard_of, row


def _clip_rows(result, ids, max_norm):
    """Each looked-up row scaled down to l2 norm ``max_norm`` (None: unchanged)."""
    if max_norm is None:
        return result
    rank = result.shape.ndims
    id_rank = ids.shape.ndims
    if rank is None or id_rank is None:
        raise ValueError("max_norm needs the ranks of params and ids known")
    axes = list(range(id_rank, rank)) or None
    return clip_ops.clip_by_norm(result, max_norm, axes=axes)


# -- moments and batch normalization -----------------------------------------------------------


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """Mean and variance of ``x`` over ``axes`` with each element counted ``weight`` times."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name or "weighted_moments"):
        x = convert_to_tensor(x, name="x")
        weights = math_ops.cast(convert_to_tensor(frequency_weights), x.dtype)
        weighted_sum = math_ops.reduce_sum(weights * x, axes, keepdims=True)
        broadcast_weights = weights + array_ops.zeros_like(x)
        total_weight = math_ops.reduce_sum(broadcast_weights, axes, keepdims=True)
        # TensorFlow 1.15 divides with div_no_nan: a slice whose weights are all zero has
        # mean and variance 0, not NaN.
        mean = cwise_ops.div_no_nan(weighted_sum, total_weight)
        deviation = math_ops.squared_difference(x, mean)
        variance = cwise_ops.div_no_nan(
            math_ops.reduce_sum(weights * deviation, axes, keepdims=True), total_weight)
        if not keep:
            squeezed = list(normalize_axes(axes, x.shape.ndims))
            mean = array_ops.squeeze(mean, squeezed)
            variance = array_ops.squeeze(variance, squeezed)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``.

    ``offset`` and ``scale`` may be None (no shift, no scaling).
    """
    with name_scope(name or "batchnorm"):
        x = convert_to_tensor(x, name="x")
        inv = math_ops.rsqrt(convert_to_tensor(variance, dtype=x.dtype) + variance_epsilon)
        if scale is not None:
            inv = inv * convert_to_tensor(scale, dtype=x.dtype)
        mean = convert_to_tensor(mean, dtype=x.dtype)
        shift = -mean * inv
        if offset is not None:
            shift = shift + convert_to_tensor(offset, dtype=x.dtype)
        return x * math_ops.cast(inv, x.dtype) + math_ops.cast(shift, x.dtype)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None):
    """Batch normalization of a 4-D ``x`` over all axes but the channels.

    Returns ``(y, mean, variance)``. Training: the batch's statistics normalize ``x`` and
    the returned variance is the unbiased one (``n / (n - 1)`` times the batch's), for the
    moving averages. Inference: the given ``mean`` and ``variance`` are used and returned.
    """
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format must be NHWC or NCHW, got {data_format!r}")
    with name_scope(name or "FusedBatchNorm"):
        x = convert_to_tensor(x, name="x")
        if x.shape.ndims not in (None, 4):
            raise ValueError(f"fused_batch_norm needs a 4-D input, got {x.name} of shape "
                             f"{x.shape}")
        axes = [0, 2, 3] if data_format == "NCHW" else [0, 1, 2]
        channel_shape = [1, -1, 1, 1] if data_format == "NCHW" else [1, 1, 1, -1]
        epsilon = max(float(epsilon), 1.001e-5)  # TensorFlow's floor for cuDNN parity
        if is_training:
            if mean is not None or variance is not None:
                raise ValueError("Both 'mean' and 'variance' must be None when is_training "
                                 "is True.")
            # Not nn.moments: its variance stops the gradient at the mean, which leaves the
            # first derivative exact but not the second; TensorFlow's fused op has an exact
            # second derivative, and so does this variance.
            batch_mean = math_ops.reduce_mean(x, axes)
            centered = x - array_ops.reshape(batch_mean, channel_shape)
            batch_var = math_ops.reduce_mean(math_ops.square(centered), axes)
            count = math_ops.cast(array_ops.size(x) // array_ops.size(batch_mean), x.dtype)
            unbiased = batch_var * count / math_ops.maximum(count - 1.0, 1.0)
        else:
            if mean is None or variance is None:
                raise ValueError("Both 'mean' and 'variance' must be a 1D tensor when "
                                 "is_training is False.")
            # TensorFlow's FusedBatchNorm gives no gradient (None) to the population mean
            # and variance it is given.
            batch_mean = array_ops.stop_gradient(convert_to_tensor(mean, dtype=x.dtype))
            batch_var = array_ops.stop_gradient(convert_to_tensor(variance, dtype=x.dtype))
            unbiased = batch_var
        y = batch_normalization(
            x, array_ops.reshape(batch_mean, channel_shape),
            array_ops.reshape(batch_var, channel_shape),
            array_ops.reshape(offset, channel_shape), array_ops.reshape(scale, channel_shape),
            epsilon)
        # The statistics it returns carry no gradient back to x, scale or offset either:
        # TensorFlow's gradient of the fused op reads only the gradient of y.
        return (y, array_ops.stop_gradient(batch_mean), array_ops.stop_gradient(unbiased))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``."""
    axis = dim if axis is None else axis
    with name_scope(name or "l2_normalize") as scope:
        x = convert_to_tensor(x, name="x")
        squared = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        inverse = math_ops.rsqrt(math_ops.maximum(squared, epsilon))
        return math_ops.multiply(x, inverse, name=scope[:-1])


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5,  # noqa: A002
                                 name=None):
    """``input / (bias + alpha * sum of squares over a depth window) ** beta`` on a 4-D
    NHWC input; the window spans ``depth_radius`` channels each side."""
    with name_scope(name or "LRN"):
        x = convert_to_tensor(input, name="input")
        if x.dtype not in (dtypes.float16, dtypes.float32):  # TensorFlow's LRN op's types
            raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} "
                            f"not in list of allowed values: float16, bfloat16, float32")
        channels = x.shape.as_list()[-1] if x.shape.ndims == 4 else None
        if channels is None:
            raise ValueError(f"local_response_normalization needs a 4-D input with known "
                             f"channels, got {x.name} of shape {x.shape}")
        radius = int(depth_radius)
        squares = array_ops.pad(math_ops.square(x), [[0, 0], [0, 0], [0, 0], [radius, radius]])
        window = [squares[:, :, :, i:i + channels] for i in range(2 * radius + 1)]
        total = math_ops.add_n(window) if len(window) > 1 else window[0]
        return x / math_ops.pow(bias + alpha * total, beta)


lrn = local_response_normalization

# -- activations -------------------------------------------------------------------------------

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(features, name=None):
    """``scale * x`` for ``x > 0`` else ``scale * alpha * (exp(x) - 1)`` (Klambauer 2017)."""
    with name_scope(name or "Selu"):
        x = convert_to_tensor(features, name="features")
        negative = _SELU_ALPHA * nn_ops.elu(x)
        return _SELU_SCALE * array_ops.where(math_ops.greater(x, 0.0), x, negative)


def swish(features, name=None):
    """``features * sigmoid(features)``."""
    with name_scope(name or "swish"):
        x = convert_to_tensor(features, name="features")
        return x * math_ops.sigmoid(x)


def crelu(features, name=None, axis=-1):
    """``concat([relu(x), relu(-x)], axis)``: doubles the depth."""
    with name_scope(name or "CRelu"):
        x = convert_to_tensor(features, name="features")
        return array_ops.concat([nn_ops.relu(x), nn_ops.relu(-x)], axis)


def relu_layer(x, weights, biases, name=None):
    with name_scope(name or "relu_layer"):
        return nn_ops.relu(nn_ops.bias_add(math_ops.matmul(x, weights), biases))


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """``exp(log_input) - log_input * targets`` (+ Stirling's term where targets > 1)."""
    with name_scope(name or "log_poisson_loss"):
        log_input = convert_to_tensor(log_input, name="log_input")
        targets = convert_to_tensor(targets, dtype=log_input.dtype, name="targets")
        loss = math_ops.exp(log_input) - log_input * targets
        if compute_full_loss:
            safe = math_ops.maximum(targets, 1.0)
            stirling = (safe * math_ops.log(safe) - safe
                        + 0.5 * math_ops.log(2.0 * math.pi * safe))
            zeros = array_ops.zeros_like(targets)
            ones = array_ops.ones_like(targets)
            useful = math_ops.logical_and(math_ops.greater_equal(targets, zeros),
                                          math_ops.less_equal(targets, ones))
            loss = loss + array_ops.where(useful, zeros, stirling)
        return loss


# -- convolutions ------------------------------------------------------------------------------


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):  # noqa: A002
    """A 1-D convolution of ``[batch, width, in]`` with ``[k, in, out]`` (as conv2d with a
    height of 1)."""
    value = input if value is None else value
    if dilations not in (None, 1, [1], [1, 1, 1], (1, 1, 1)):
        raise ValueError("conv1d: dilations other than 1 are not supported")
    data_format = data_format or "NWC"
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f"data_format must be \"NWC\" or \"NCW\", got {data_format!r}")
    with name_scope(name or "conv1d"):
        value = convert_to_tensor(value, name="value")
        filters = convert_to_tensor(filters, name="filters")
        step = int(stride if np.ndim(stride) == 0 else list(stride)[1 if data_format == "NWC"
                                                                     else 2])
        if data_format == "NCW":
            value = array_ops.transpose(value, [0, 2, 1])
        image = array_ops.expand_dims(value, 1)
        kernel = array_ops.expand_dims(filters, 0)
        result = nn_ops.conv2d(image, kernel, [1, 1, step, 1], padding)
        result = array_ops.squeeze(result, [1])
        if data_format == "NCW":
            result = array_ops.transpose(result, [0, 2, 1])
        return result


def _dilate_filter(filters, rate):
    """Insert ``rate - 1`` zeros between the taps of a ``[kh, kw, in, out]`` filter."""
    if rate == 1:
        return filters
    kh, kw, cin, cout = filters.shape.as_list()
    spread = array_ops.reshape(filters, [kh, 1, kw, 1, cin, cout])
    spread = array_ops.pad(spread, [[0, 0], [0, rate - 1], [0, 0], [0, rate - 1], [0, 0],
                                    [0, 0]])
    spread = array_ops.reshape(spread, [kh * rate, kw * rate, cin, cout])
    return spread[: (kh - 1) * rate + 1, : (kw - 1) * rate + 1]


def _rate(rate, what="rate"):
    if rate is None:
        return 1
    values = [int(rate)] * 2 if np.ndim(rate) == 0 else [int(r) for r in rate]
    if len(set(values)) != 1 or values[0] < 1:
        raise ValueError(f"{what} must be a positive int (the same along height and width), "
                         f"got {rate!r}")
    return values[0]


def _static_filter(filters, rank, what):
    filters = convert_to_tensor(filters, name=what)
    if filters.shape.ndims != rank or not filters.shape.is_fully_defined():
        raise ValueError(f"{what} must have a fully known {rank}-D shape, got {filters.shape}")
    return filters


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Dilated ("atrous") convolution: the filter's taps are ``rate`` pixels apart."""
    with name_scope(name or "convolution"):
        filters = _static_filter(filters, 4, "filters")
        rate = _rate(rate)
        return nn_ops.conv2d(value, _dilate_filter(filters, rate), [1, 1, 1, 1], padding)


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """Each input channel convolved with its own ``channel_multiplier`` filters:
    ``filter`` is ``[kh, kw, in, multiplier]``, the output has ``in * multiplier`` channels
    ordered channel-major."""
    if data_format not in (None, "NHWC"):
        raise ValueError("depthwise_conv2d supports data_format NHWC only")
    rate = _rate(dilations if rate is None else rate)
    with name_scope(name or "depthwise"):
        x = convert_to_tensor(input, name="input")
        filters = _static_filter(filter, 4, "filter")
        kh, kw, channels, multiplier = filters.shape.as_list()
        if x.shape.ndims == 4 and x.shape[3].value not in (None, channels):
            raise ValueError(f"depthwise_conv2d: input depth {x.shape[3].value} does not match "
                             f"filter in_channels {channels}")
        if x.shape.ndims == 4 and x.shape[1:3].is_fully_defined() and channels > 1:
            return _depthwise_by_patches(x, filters, strides, padding, rate)
        dilated = _dilate_filter(filters, rate)
        outputs = []
        for c in range(channels):
            kernel = dilated[:, :, c:c + 1, :]
            outputs.append(nn_ops.conv2d(x[:, :, :, c:c + 1], kernel, strides, padding))
        return array_ops.concat(outputs, 3) if channels > 1 else outputs[0]


def _depthwise_by_patches(x, filters, strides, padding, rate):
    """The depthwise convolution of an image of known height and width as a few ops
    (not one convolution per channel): the patches each output pixel sees, times the
    filter taps of their channel, summed over the taps."""
    kh, kw, channels, multiplier = filters.shape.as_list()
    steps = [int(s) for s in np.ravel(strides)]
    steps = steps[1:3] if len(steps) == 4 else steps * (2 // len(steps))
    patches = array_extra_ops.extract_image_patches(
        x, [1, kh, kw, 1], [1, *steps, 1], [1, rate, rate, 1], padding)
    out_h, out_w = patches.shape[1].value, patches.shape[2].value
    taps = array_ops.reshape(patches, [-1, out_h, out_w, kh * kw, channels, 1])
    weights = array_ops.reshape(filters, [kh * kw, channels, multiplier])
    summed = math_ops.reduce_sum(taps * weights, axis=3)
    return array_ops.reshape(summed, [-1, out_h, out_w, channels * multiplier])


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     rate=None, name=None, data_format=None, dilations=None):
    """A depthwise convolution followed by a 1x1 convolution mixing the channels."""
    with name_scope(name or "separable_conv2d"):
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, rate,
                                     data_format=data_format, dilations=dilations)
        return nn_ops.conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID")


# -- losses and statistics ---------------------------------------------------------------------


def weighted_cross_entropy_with_logits(targets=None, logits=None, pos_weight=None, name=None,
                                       labels=None):
    """Sigmoid cross entropy with the positive term weighted by ``pos_weight``:
    ``(1 - z) * x + (1 + (q - 1) * z) * log(1 + exp(-x))``, computed stably."""
    targets = labels if targets is None else targets
    with name_scope(name or "logistic_loss"):
        logits = convert_to_tensor(logits, name="logits")
        targets = convert_to_tensor(targets, dtype=logits.dtype, name="targets")
        if not logits.shape.is_compatible_with(targets.shape):
            raise ValueError(f"logits and targets must have the same shape ({logits.shape} vs "
                             f"{targets.shape})")
        q = math_ops.cast(convert_to_tensor(pos_weight), logits.dtype)
        log_weight = 1.0 + (q - 1.0) * targets
        softplus_neg = (math_ops.log1p(math_ops.exp(-math_ops.abs(logits)))
                        + nn_ops.relu(-logits))
        return (1.0 - targets) * logits + log_weight * softplus_neg


def zero_fraction(value, name=None):
    """The fraction of entries of ``value`` equal to zero, as a float32 scalar."""
    with name_scope(name or "zero_fraction"):
        value = convert_to_tensor(value, name="value")
        zero = array_ops.zeros([], dtype=value.dtype)
        is_zero = math_ops.cast(math_ops.equal(value, zero), dtypes.float32)
        return math_ops.reduce_mean(is_zero)


# -- sampled losses ----------------------------------------------------------------------------


def _sum_rows(x):
    return math_ops.reduce_sum(x, 1)


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                            num_true, sampled_values, subtract_log_q, remove_accidental_hits,
                            partition_strategy, seed):
    """Logits of the true classes and of the sampled ones (TensorFlow's construction)."""
    from . import candidate_sampling_ops

    weights = weights if isinstance(weights, list | tuple) else [weights]
    labels = math_ops.cast(convert_to_tensor(labels, name="labels"), dtypes.int64)
    if labels.shape.ndims == 1:
        labels = array_ops.expand_dims(labels, -1)
    inputs = convert_to_tensor(inputs, name="inputs")
    labels_flat = array_ops.reshape(labels, [-1])
    if sampled_values is None:
        sampled_values = candidate_sampling_ops.log_uniform_candidate_sampler(
            labels, num_true, num_sampled, True, num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (array_ops.stop_gradient(s)
                                                for s in sampled_values)
    sampled = math_ops.cast(sampled, dtypes.int64)
    all_ids = array_ops.concat([labels_flat, sampled], 0)
    all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
    count = array_ops.size(labels_flat)
    true_w = array_ops.slice(all_w, array_ops.stack([0, 0]), array_ops.stack([count, -1]))
    sampled_w = array_ops.slice(all_w, array_ops.stack([count, 0]), [-1, -1])
    sampled_logits = math_ops.matmul(inputs, sampled_w, transpose_b=True)
    all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
    true_b = array_ops.slice(all_b, array_ops.reshape(0 * count, [1]),
                             array_ops.reshape(count, [1]))
    sampled_b = array_ops.slice(all_b, array_ops.reshape(count, [1]), [-1])
    dim = array_ops.shape(true_w)[1:2]
    true_w = array_ops.reshape(true_w, array_ops.concat([[-1, num_true], dim], 0))
    products = array_ops.expand_dims(inputs, 1) * true_w
    true_logits = math_ops.reduce_sum(products, -1) + array_ops.reshape(true_b, [-1, num_true])
    sampled_logits = sampled_logits + sampled_b
    if remove_accidental_hits:
        rows, positions, hit_weights = candidate_sampling_ops.compute_accidental_hits(
            labels, sampled, num_true)
        indices = array_ops.stack([math_ops.cast(rows, dtypes.int64), positions], 1)
        shape = array_ops.stack([array_ops.shape(labels, out_type=dtypes.int64)[0],
                                 array_ops.constant(num_sampled, dtypes.int64)])
        from .array_extra_ops import scatter_nd

        mask = scatter_nd(indices, math_ops.cast(hit_weights, sampled_logits.dtype), shape)
        sampled_logits = sampled_logits + mask
    if subtract_log_q:
        true_logits = true_logits - math_ops.log(math_ops.cast(true_expected, inputs.dtype))
        sampled_logits = sampled_logits - math_ops.log(math_ops.cast(sampled_expected,
                                                                     inputs.dtype))
    logits = array_ops.concat([true_logits, sampled_logits], 1)
    targets = array_ops.concat([array_ops.ones_like(true_logits) / num_true,
                                array_ops.zeros_like(sampled_logits)], 1)
    return logits, targets


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss", seed=None):
    """Noise-contrastive estimation loss per example (``[batch]``): logistic losses of the
    true classes against ``num_sampled`` classes from the log-uniform sampler."""
    with name_scope(name):
        logits, targets = _compute_sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true,
            sampled_values, True, remove_accidental_hits, partition_strategy, seed)
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits,
                                                          name="sampled_losses")
        return _sum_rows(losses)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Softmax cross entropy over the true class and ``num_sampled`` sampled classes, per
    example (a cheap estimate of the full softmax loss for training)."""
    with name_scope(name):
        logits, targets = _compute_sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true,
            sampled_values, True, remove_accidental_hits, partition_strategy, seed)
        targets = array_ops.stop_gradient(targets, name="labels_stop_gradient")
        return nn_ops.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits)


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """Mean and variance from sufficient statistics (``counts``, sums, sums of squares)."""
    with name_scope(name or "normalize"):
        divisor = math_ops.reciprocal(counts)
        if shift is not None:
            shifted_mean = mean_ss * divisor
            mean = shifted_mean + shift
        else:
            shifted_mean = mean_ss * divisor
            mean = shifted_mean
        variance = variance_ss * divisor - math_ops.square(shifted_mean)
        return mean, variance


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """``(count, sum(x - shift), sum((x - shift) ** 2), shift)`` over ``axes``."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name or "sufficient_statistics"):
        x = convert_to_tensor(x, name="x")
        dims = x.shape.as_tuple()
        axes_list = list(normalize_axes(axes, x.shape.ndims))
        if dims is not None and all(dims[a] is not None for a in axes_list):
            count = array_ops.constant(float(np.prod([dims[a] for a in axes_list])),
                                       dtype=x.dtype)
        else:
            sizes = array_ops.gather(math_ops.cast(array_ops.shape(x), x.dtype), axes_list)
            count = math_ops.reduce_prod(sizes)
        centred = x if shift is None else x - shift
        total = math_ops.reduce_sum(centred, axes_list, keepdims=keep)
        squares = math_ops.reduce_sum(math_ops.square(centred), axes_list, keepdims=keep)
        return count, total, squares, shift


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """The sum of per-example losses divided by the (global) batch size."""
    losses = convert_to_tensor(per_example_loss)
    if sample_weight is not None:
        losses = losses * convert_to_tensor(sample_weight, dtype=losses.dtype)
    if global_batch_size is None:
        global_batch_size = math_ops.cast(array_ops.shape(losses)[0], losses.dtype)
    return math_ops.div_no_nan(math_ops.reduce_sum(losses),
                               math_ops.cast(global_batch_size, losses.dtype))


def scale_regularization_loss(regularization_loss):
    """The regularization loss itself (one replica: nothing to divide by)."""
    return convert_to_tensor(regularization_loss)
