"""``tf.keras.backend``'s layer-level functions (``K.conv2d``, ``K.pool2d``, ``K.rnn``,
``K.ctc_batch_cost``, ``K.batch_normalization``, ...), as TF 1.x's Keras backend defines
them: thin wrappers that translate Keras's ``data_format`` / ``padding`` spelling into
smallflow's ops, for the custom layers and losses TF1-era Keras programs write."""

import contextlib
import itertools

import numpy as np

import smallflow as _tf

from . import backend as _backend
from . import backend_math as _math

__all__ = [
    "batch_normalization", "bias_add", "conv1d", "conv2d", "conv2d_transpose", "conv3d",
    "count_params", "ctc_batch_cost", "ctc_decode", "ctc_label_dense_to_sparse", "cumprod",
    "cumsum", "depthwise_conv2d", "dropout", "eye", "foldl", "foldr", "in_top_k", "is_sparse",
    "learning_phase_scope", "local_conv1d", "local_conv2d", "map_fn", "moving_average_update",
    "name_scope", "normalize_batch_in_training", "pool2d", "pool3d", "random_bernoulli",
    "random_normal_variable", "random_uniform_variable", "resize_images", "resize_volumes",
    "reverse", "rnn", "separable_conv1d", "separable_conv2d", "spatial_2d_padding",
    "spatial_3d_padding", "temporal_padding", "to_dense",
]


# -- argument spellings -----------------------------------------------------------------------

def _data_format(data_format):
    data_format = data_format or _backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    return data_format


def _padding(padding):
    spelled = {"same": "SAME", "valid": "VALID"}.get(padding)
    if spelled is None:
        raise ValueError(f"Invalid padding: {padding}")
    return spelled


def _pair(value, what, count=2):
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(values) != count:
        raise ValueError(f"`{what}` must be a tuple of {count} integers.")
    return values


def _channels_last(x, data_format, rank):
    """x in NHWC-like layout: channels-first inputs are transposed (a CPU has no NCHW)."""
    if data_format == "channels_first":
        return _tf.transpose(x, [0, *range(2, rank), 1])
    return x


def _back(x, data_format, rank):
    if data_format == "channels_first":
        return _tf.transpose(x, [0, rank - 1, *range(1, rank - 1)])
    return x


# -- convolutions and pooling --------------------------------------------------------------------

def temporal_padding(x, padding=(1, 1)):
    if len(padding) != 2:
        raise ValueError(f"`padding` must be a pair of integers, got {padding}")
    return _tf.pad(x, [[0, 0], list(padding), [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    return _spatial_padding(x, padding, data_format, 2)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    return _spatial_padding(x, padding, data_format, 3)


def _spatial_padding(x, padding, data_format, dims):
    if len(padding) != dims or any(len(p) != 2 for p in padding):
        raise ValueError(f"`padding` must be {dims} pairs of integers, got {padding}")
    data_format = _data_format(data_format)
    pairs = [list(p) for p in padding]
    pattern = ([[0, 0], [0, 0]] + pairs if data_format == "channels_first"
               else [[0, 0]] + pairs + [[0, 0]])
    return _tf.pad(x, pattern)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = _data_format(data_format)
    if padding == "causal":
        # Causal: pad only on the left, so step t never sees steps after t.
        left = dilation_rate * (kernel.shape.as_list()[0] - 1)
        x = temporal_padding(x, (left, 0)) if data_format == "channels_last" else _tf.pad(
            x, [[0, 0], [0, 0], [left, 0]])
        padding = "valid"
    x = _channels_last(x, data_format, 3)
    out = _tf.nn.convolution(x, kernel, padding=_padding(padding), strides=strides,
                             dilation_rate=dilation_rate, data_format="NWC")
    return _back(out, data_format, 3)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    x = _channels_last(x, data_format, 4)
    out = _tf.nn.convolution(x, kernel, padding=_padding(padding), strides=strides,
                             dilation_rate=dilation_rate, data_format="NHWC")
    return _back(out, data_format, 4)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    data_format = _data_format(data_format)
    x = _channels_last(x, data_format, 5)
    out = _tf.nn.convolution(x, kernel, padding=_padding(padding), strides=strides,
                             dilation_rate=dilation_rate, data_format="NDHWC")
    return _back(out, data_format, 5)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    x = _channels_last(x, data_format, 4)
    output_shape = list(output_shape) if isinstance(output_shape, (tuple, list)) else output_shape
    if isinstance(output_shape, list):
        if data_format == "channels_first":
            output_shape = [output_shape[0], output_shape[2], output_shape[3], output_shape[1]]
        if output_shape[0] is None:
            output_shape[0] = _tf.shape(x)[0]
        output_shape = _tf.stack(output_shape)
    padding = _padding(padding)
    dilation_rate = _pair(dilation_rate, "dilation_rate")
    if dilation_rate == (1, 1):
        out = _tf.nn.conv2d_transpose(x, kernel, output_shape,
                                      (1, *_pair(strides, "strides"), 1), padding=padding)
    else:
        if dilation_rate[0] != dilation_rate[1]:
            raise ValueError("Expected the 2 dimensions of the `dilation_rate` argument to be "
                             f"equal to each other. Received: dilation_rate={dilation_rate}")
        out = _tf.nn.atrous_conv2d_transpose(x, kernel, output_shape, rate=dilation_rate[0],
                                             padding=padding)
    return _back(out, data_format, 4)


def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                     data_format=None, dilation_rate=1):
    data_format = _data_format(data_format)
    strides = strides[0] if isinstance(strides, (tuple, list)) else strides
    dilation = dilation_rate[0] if isinstance(dilation_rate, (tuple, list)) else dilation_rate
    x = _channels_last(x, data_format, 3)
    if padding == "causal":
        x = temporal_padding(x, (dilation * (depthwise_kernel.shape.as_list()[0] - 1), 0))
        padding = "valid"
    # A 1-D separable convolution is the 2-D one over a height of 1.
    out = _tf.nn.separable_conv2d(
        _tf.expand_dims(x, 1), _tf.expand_dims(depthwise_kernel, 0),
        _tf.expand_dims(pointwise_kernel, 0), strides=(1, 1, strides, 1),
        padding=_padding(padding), rate=(1, dilation))
    return _back(_tf.squeeze(out, [1]), data_format, 3)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    strides = _pair(strides, "strides")
    x = _channels_last(x, data_format, 4)
    out = _tf.nn.separable_conv2d(x, depthwise_kernel, pointwise_kernel,
                                  strides=(1, *strides, 1), padding=_padding(padding),
                                  rate=_pair(dilation_rate, "dilation_rate"))
    return _back(out, data_format, 4)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    x = _channels_last(x, data_format, 4)
    out = _tf.nn.depthwise_conv2d(x, depthwise_kernel, strides=(1, *_pair(strides, "strides"), 1),
                                  padding=_padding(padding),
                                  rate=_pair(dilation_rate, "dilation_rate"))
    return _back(out, data_format, 4)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 2)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None,
           pool_mode="max"):
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 3)


def _pool(x, pool_size, strides, padding, data_format, pool_mode, dims):
    data_format = _data_format(data_format)
    pool_size = _pair(pool_size, "pool_size", dims)
    strides = _pair(strides, "strides", dims)
    padding = _padding(padding)
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pooling mode: {pool_mode}")
    x = _channels_last(x, data_format, dims + 2)
    window, step = [1, *pool_size, 1], [1, *strides, 1]
    if dims == 2:
        pool = _tf.nn.max_pool if pool_mode == "max" else _tf.nn.avg_pool
    else:
        pool = _tf.nn.max_pool3d if pool_mode == "max" else _tf.nn.avg_pool3d
    return _back(pool(x, window, step, padding=padding), data_format, dims + 2)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    output_length = kernel.shape.as_list()[0]
    return _local_conv(inputs, kernel, kernel_size, strides, (output_length,), data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    return _local_conv(inputs, kernel, kernel_size, strides, tuple(output_shape), data_format)


def _local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format):
    """An unshared convolution: one filter per output position ([positions, patch, out])."""
    data_format = _data_format(data_format)
    kernel_shape = kernel.shape.as_list()
    patch_size, channels_out = kernel_shape[1], kernel_shape[-1]
    dims = len(output_shape)
    patches = []
    for position in itertools.product(*(range(n) for n in output_shape)):
        window = [slice(p * s, p * s + k) for p, s, k in zip(position, strides, kernel_size)]
        index = ([slice(None), slice(None), *window] if data_format == "channels_first"
                 else [slice(None), *window, slice(None)])
        patches.append(_tf.reshape(inputs[tuple(index)], [1, -1, patch_size]))
    out = _tf.matmul(_tf.concat(patches, 0), kernel)  # [positions, batch, out]
    out = _tf.reshape(out, [*output_shape, -1, channels_out])
    order = ([dims, dims + 1, *range(dims)] if data_format == "channels_first"
             else [dims, *range(dims), dims + 1])
    return _tf.transpose(out, order)


def bias_add(x, bias, data_format=None):
    data_format = _data_format(data_format)
    bias_shape = bias.shape.as_list() if hasattr(bias, "shape") and hasattr(
        bias.shape, "as_list") else list(np.shape(bias))
    rank = x.shape.ndims
    if len(bias_shape) not in (1, rank - 1):
        raise ValueError(f"Unexpected bias dimensions {len(bias_shape)}, expect to be 1 or "
                         f"{rank - 1} dimensions")
    if len(bias_shape) == 1:
        return _tf.nn.bias_add(x, bias, data_format="NCHW" if (
            data_format == "channels_first" and rank > 2) else "NHWC")
    if data_format == "channels_first":
        return x + _tf.reshape(bias, [1, bias_shape[-1], *bias_shape[:-1]])
    return x + _tf.reshape(bias, [1, *bias_shape])


# -- normalization ------------------------------------------------------------------------------

def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """(normalized x, batch mean, batch variance) over ``reduction_axes``."""
    rank = x.shape.ndims
    axes = list(reduction_axes)
    mean, variance = _tf.nn.moments(x, axes)
    if sorted(axes) == list(range(rank))[:-1]:
        return _tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon), mean, variance
    # Statistics over other axes: broadcast them back to x's rank first.
    target = _tf.stack([1 if axis in axes else _tf.shape(x)[axis] for axis in range(rank)])

    def spread(t):
        return None if t is None else _tf.reshape(t, target)

    normed = _tf.nn.batch_normalization(x, spread(mean), spread(variance), spread(beta),
                                        spread(gamma), epsilon)
    return normed, mean, variance


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta``."""
    return _tf.nn.batch_normalization(x, mean, var, beta, gamma, epsilon)


def moving_average_update(x, value, momentum):
    """TF1's Keras: ``x = x * momentum + value * (1 - momentum)`` with zero debiasing."""
    from ..train import moving_averages

    return moving_averages.assign_moving_average(x, value, momentum, zero_debias=True)


# -- small tensor functions ---------------------------------------------------------------------

def cumsum(x, axis=0):
    return _tf.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    return _tf.cumprod(x, axis=axis)


def reverse(x, axes):
    return _tf.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def in_top_k(predictions, targets, k):
    return _tf.nn.in_top_k(predictions, targets, k)


def is_sparse(tensor):
    return isinstance(tensor, _tf.SparseTensor)


def to_dense(tensor):
    return _tf.sparse.to_dense(tensor) if is_sparse(tensor) else tensor


def count_params(x):
    """The number of scalars in ``x`` (its static shape must be known)."""
    return np.prod(x.shape.as_list())


def eye(size, dtype=None, name=None):
    dtype = dtype or _backend.floatx()
    return _backend.variable(np.eye(size), dtype=dtype, name=name)


def _seed(seed):
    # Keras draws a seed from NumPy's global generator when none is given (TF 1.x's does).
    return np.random.randint(10_000_000) if seed is None else seed  # noqa: NPY002


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    dtype = _tf.as_dtype(dtype or _backend.floatx())
    seed = np.random.randint(1_000_000_000) if seed is None else seed  # noqa: NPY002
    value = _tf.random_uniform_initializer(low, high, seed=seed, dtype=dtype)(shape)
    return _backend.variable(value, dtype=dtype, name=name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    dtype = _tf.as_dtype(dtype or _backend.floatx())
    seed = np.random.randint(1_000_000_000) if seed is None else seed  # noqa: NPY002
    value = _tf.random_normal_initializer(mean, scale, seed=seed, dtype=dtype)(shape)
    return _backend.variable(value, dtype=dtype, name=name)


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    dtype = dtype or _backend.floatx()
    draw = _tf.random_uniform(shape, dtype=dtype, seed=_seed(seed))
    return _tf.where(draw <= p, _tf.ones(shape, dtype=dtype), _tf.zeros(shape, dtype=dtype))


def dropout(x, level, noise_shape=None, seed=None):
    """Keras's dropout: ``level`` is the fraction dropped (TF's ``rate``)."""
    return _tf.nn.dropout(x, rate=level, noise_shape=noise_shape, seed=_seed(seed))


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    if data_format == "channels_first":
        rows = 2
    elif data_format == "channels_last":
        rows = 1
    else:
        raise ValueError(f"Invalid `data_format` argument: {data_format}")
    # TF 1.x's Keras resizes as tf.image.resize_images_v2 (half-pixel centres).
    resize = {"nearest": _tf.image.resize_nearest_neighbor,
              "bilinear": _tf.image.resize_bilinear}.get(interpolation)
    if resize is None:
        raise ValueError('interpolation should be one of "nearest" or "bilinear".')
    static = x.shape[rows:rows + 2]
    factors = np.array([height_factor, width_factor], np.int32)
    if static.is_fully_defined():  # a known size stays known (TF folds the product)
        size = _tf.constant(np.array(static.as_list(), np.int32) * factors)
    else:
        size = _tf.shape(x)[rows:rows + 2] * _tf.constant(factors)
    x = _channels_last(x, data_format, 4)
    out = resize(x, size, half_pixel_centers=True)
    if interpolation == "bilinear":
        out = _tf.cast(out, x.dtype)
    return _back(out, data_format, 4)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Invalid data_format: {data_format}")
    first = 2 if data_format == "channels_first" else 1
    for axis, factor in zip(range(first, first + 3), (depth_factor, height_factor, width_factor)):
        x = _math.repeat_elements(x, factor, axis=axis)
    return x


@contextlib.contextmanager
def learning_phase_scope(value):
    """Sets the learning phase to ``value`` (0 or 1) inside the block."""
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    fixed = _backend._FIXED_PHASE
    graph = _tf.get_default_graph()
    previous = fixed.get(graph)
    _backend.set_learning_phase(value)
    try:
        yield value
    finally:
        if previous is None:
            fixed.pop(graph, None)
        else:
            fixed[graph] = previous


def name_scope(name):
    return _tf.name_scope(name)


def map_fn(fn, elems, name=None, dtype=None):
    return _tf.map_fn(fn, elems, name=name, dtype=dtype)


def foldl(fn, elems, initializer=None, name=None):
    return _tf.foldl(fn, elems, initializer=initializer, name=name)


def foldr(fn, elems, initializer=None, name=None):
    return _tf.foldr(fn, elems, initializer=initializer, name=name)


# -- CTC ----------------------------------------------------------------------------------------

def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense labels [batch, max_len] with per-row lengths -> an int64-indexed SparseTensor."""
    labels = _tf.convert_to_tensor(labels)
    label_shape = _tf.shape(labels)
    positions = _tf.range(label_shape[1])
    keep = _tf.expand_dims(positions, 0) < _tf.expand_dims(
        _tf.cast(label_lengths, _tf.int32), 1)                       # [batch, max_len]
    indices = _tf.where(keep)                                        # row-major: as TF's
    values = _tf.gather_nd(labels, indices)
    return _tf.SparseTensor(indices, values, _tf.cast(label_shape, _tf.int64))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """Per-sample CTC loss [batch, 1] of softmax outputs ``y_pred`` [batch, time, classes]."""
    label_length = _tf.cast(_tf.squeeze(label_length, axis=-1), _tf.int32)
    input_length = _tf.cast(_tf.squeeze(input_length, axis=-1), _tf.int32)
    sparse = ctc_label_dense_to_sparse(y_true, label_length)
    sparse = _tf.SparseTensor(sparse.indices, _tf.cast(sparse.values, _tf.int32),
                              sparse.dense_shape)
    log_probs = _tf.log(_tf.transpose(y_pred, [1, 0, 2]) + _backend.epsilon())
    loss = _tf.nn.ctc_loss(labels=sparse, inputs=log_probs, sequence_length=input_length)
    return _tf.expand_dims(loss, 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Decoded label sequences (dense, -1 padded, [batch, time]) and their log probabilities."""
    shape = _tf.shape(y_pred)
    log_probs = _tf.log(_tf.transpose(y_pred, [1, 0, 2]) + _backend.epsilon())
    input_length = _tf.cast(input_length, _tf.int32)
    if greedy:
        decoded, log_prob = _tf.nn.ctc_greedy_decoder(log_probs, input_length)
    else:
        decoded, log_prob = _tf.nn.ctc_beam_search_decoder(
            log_probs, input_length, beam_width=beam_width, top_paths=top_paths)
    dense_shape = _tf.cast(_tf.stack([shape[0], shape[1]]), _tf.int64)
    dense = [_tf.sparse.to_dense(_tf.SparseTensor(st.indices, st.values, dense_shape),
                                 default_value=-1) for st in decoded]
    return dense, log_prob


# -- the recurrent loop ---------------------------------------------------------------------------

def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False):
    """Runs ``step_function(input_t, states + constants) -> (output_t, new_states)`` over
    the time axis. Returns ``(last_output, outputs, new_states)``; ``outputs`` is
    [batch, time, ...] (time-major in and out with ``time_major=True``).

    Where ``mask`` [batch, time] is false a step keeps the previous states, and its output is
    the previous output (zeros with ``zero_output_for_mask``). ``unroll=True`` builds one
    copy of the step per time step (the time dimension must be known); otherwise a
    ``while_loop`` over TensorArrays.
    """
    nest = _tf.nest

    def time_first(t):
        return _tf.transpose(t, [1, 0, *range(2, t.shape.ndims)])

    flat_inputs = [_tf.convert_to_tensor(t) for t in nest.flatten(inputs)]
    for t in flat_inputs:
        if t.shape.ndims is not None and t.shape.ndims < 3:
            raise ValueError(f"rnn: inputs must be at least 3-D (batch, time, ...); "
                             f"'{t.name}' has shape {t.shape}")
    if not time_major:
        flat_inputs = [time_first(t) for t in flat_inputs]
    if mask is not None:
        mask = _tf.cast(mask, _tf.bool) if mask.dtype != _tf.bool else mask
        if mask.shape.ndims == 2:
            mask = _tf.expand_dims(mask, -1)
        if not time_major:
            mask = time_first(mask)
    constants = list(constants or [])
    states = tuple(initial_states)

    def pack_input(parts):
        return nest.pack_sequence_as(inputs, list(parts))

    def widen(mask_t, like):
        """A [batch, 1] step mask tiled to ``like``'s shape."""
        while mask_t.shape.ndims < like.shape.ndims:
            mask_t = _tf.expand_dims(mask_t, -1)
        return _tf.logical_and(mask_t, _tf.ones_like(like, dtype=_tf.bool))

    def masked_step(mask_t, output, new_states, prev_output, prev_states):
        fallback = _tf.zeros_like(output) if zero_output_for_mask else prev_output
        output = _tf.where(widen(mask_t, output), output, fallback)
        flat_new = [_tf.where(widen(mask_t, n), n, p) for n, p in
                    zip(nest.flatten(new_states), nest.flatten(prev_states))]
        return output, nest.pack_sequence_as(new_states, flat_new)

    if unroll:
        steps = flat_inputs[0].shape[0].value if hasattr(
            flat_inputs[0].shape[0], "value") else flat_inputs[0].shape[0]
        if not steps:
            raise ValueError("Unrolling requires a fixed number of timesteps.")
        per_step = [_tf.unstack(t) for t in flat_inputs]
        masks = _tf.unstack(mask) if mask is not None else None
        order = list(range(steps))[::-1] if go_backwards else list(range(steps))
        outputs = []
        for i in order:
            output, new_states = step_function(pack_input(p[i] for p in per_step),
                                               tuple(states) + tuple(constants))
            if masks is not None:
                prev = outputs[-1] if outputs else _tf.zeros_like(output)
                output, new_states = masked_step(masks[i], output, new_states, prev, states)
            outputs.append(output)
            states = tuple(new_states) if isinstance(new_states, (list, tuple)) else (new_states,)
        stacked = _tf.stack(outputs)
        last = outputs[-1]
    else:
        steps_t = _tf.shape(flat_inputs[0])[0]
        if go_backwards:
            flat_inputs = [_tf.reverse(t, [0]) for t in flat_inputs]
            if mask is not None:
                mask = _tf.reverse(mask, [0])
        input_tas = [_tf.TensorArray(t.dtype, size=steps_t).unstack(t) for t in flat_inputs]
        mask_ta = (_tf.TensorArray(_tf.bool, size=steps_t).unstack(mask)
                   if mask is not None else None)
        if mask_ta is None and isinstance(input_length, _tf.Tensor):
            length = _tf.cast(input_length, _tf.int32)

            def mask_at(time):
                if go_backwards:
                    return _tf.expand_dims(
                        _tf.less(_tf.reduce_max(length) - 1 - length, time), -1)
                return _tf.expand_dims(_tf.greater(length, time), -1)
        elif mask_ta is not None:
            def mask_at(time):
                return mask_ta.read(time)
        else:
            mask_at = None
        # One call outside the loop tells the output's dtype and shape (TF's Keras does so).
        first_output, _ = step_function(pack_input(t[0] for t in flat_inputs),
                                        tuple(states) + tuple(constants))
        output_ta = _tf.TensorArray(first_output.dtype, size=steps_t,
                                    element_shape=first_output.shape)

        def body(time, out_ta, prev_output, *prev_states):
            current = pack_input(ta.read(time) for ta in input_tas)
            output, new_states = step_function(current, tuple(prev_states) + tuple(constants))
            new_states = (tuple(new_states) if isinstance(new_states, (list, tuple))
                          else (new_states,))
            for new, old in zip(new_states, prev_states):
                new.set_shape(old.shape)
            if mask_at is not None:
                output, new_states = masked_step(mask_at(time), output, new_states,
                                                 prev_output, prev_states)
            return (time + 1, out_ta.write(time, output), output) + tuple(new_states)

        final = _tf.while_loop(lambda time, *_: time < steps_t, body,
                               (_tf.constant(0, _tf.int32), output_ta,
                                _tf.zeros_like(first_output)) + tuple(states),
                               parallel_iterations=32, swap_memory=True)
        stacked = final[1].stack()
        stacked.set_shape(flat_inputs[0].shape[:1].concatenate(first_output.shape))
        last = stacked[-1]
        states = tuple(final[3:])
    if not time_major:
        stacked = time_first(stacked)
    flat_states = [s for state in states for s in nest.flatten(state)]
    return last, stacked, nest.pack_sequence_as(list(initial_states), flat_states)
