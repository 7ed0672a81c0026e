"""TensorFlow 1.15's learned bijectors of ``tf.contrib.distributions.bijectors``:
``MaskedAutoregressiveFlow`` with ``masked_dense`` and ``masked_autoregressive_default_template``,
``RealNVP`` with ``real_nvp_default_template``, and ``BatchNormalization``.

``masked_dense`` keeps its kernel autoregressive by multiplying it by the mask in the layer
(TensorFlow masks the initial kernel and re-masks it after each optimizer step through a
variable constraint; smallflow's optimizers apply no constraints). The kernel variable holds
the same values either way: masked entries start at zero and get no gradient.
"""

import numpy as np

from ... import dtypes
from ...distributions.bijector import Bijector
from ...framework_extras import make_template
from ...graph import convert_to_tensor, name_scope
from ...init_ops import glorot_normal_initializer
from ...layers.core import Dense
from ...layers.normalization import BatchNormalization as _BatchNormLayer
from ...ops import array_ops, control_flow_ops, math_ops, nn_ops
from ...ops.clip_ops import clip_by_value

__all__ = ["BatchNormalization", "MaskedAutoregressiveFlow", "RealNVP", "masked_dense",
           "masked_autoregressive_default_template", "real_nvp_default_template"]


class MaskedAutoregressiveFlow(Bijector):
    """``y_i = x_i exp(log_scale_i(y_<i)) + shift_i(y_<i)``: the inverse is one pass of
    ``shift_and_log_scale_fn`` over ``y``; the forward needs one pass per event entry."""

    def __init__(self, shift_and_log_scale_fn, is_constant_jacobian=False,
                 validate_args=False, unroll_loop=False, name=None):
        self._shift_and_log_scale_fn = shift_and_log_scale_fn
        self._unroll_loop = unroll_loop
        super().__init__(forward_min_event_ndims=1, is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args,
                         name=name or "masked_autoregressive_flow")

    def _step(self, x, y):
        shift, log_scale = self._shift_and_log_scale_fn(y)
        result = x
        if log_scale is not None:
            result = result * math_ops.exp(log_scale)
        if shift is not None:
            result = result + shift
        return result

    def _forward(self, x):
        size = x.shape[-1].value if x.shape.ndims else None
        if size is not None:
            # A known event size: the passes unrolled (the same numbers as TensorFlow's
            # while_loop, and the template's variables are made outside any loop).
            y = array_ops.zeros_like(x, name="y0")
            for _ in range(size):
                y = self._step(x, y)
            return y
        count = array_ops.shape(x)[-1]
        _, y = control_flow_ops.while_loop(
            lambda index, _: math_ops.less(index, count),
            lambda index, y: (index + 1, self._step(x, y)),
            [array_ops.constant(0), array_ops.zeros_like(x, name="y0")])
        return y

    def _inverse(self, y):
        shift, log_scale = self._shift_and_log_scale_fn(y)
        x = y
        if shift is not None:
            x = x - shift
        if log_scale is not None:
            x = x * math_ops.exp(-log_scale)
        return x

    def _inverse_log_det_jacobian(self, y):
        _, log_scale = self._shift_and_log_scale_fn(y)
        if log_scale is None:
            return array_ops.constant(0.0, dtype=y.dtype, name="ildj")
        return -math_ops.reduce_sum(log_scale, axis=-1)


def _mask(num_blocks, n_in, n_out, exclusive):
    """The ``[n_in, n_out]`` 0/1 mask: output block b sees input blocks < b (exclusive) or
    <= b (inclusive)."""
    mask = np.zeros([n_out, n_in], np.float32)
    d_in = n_in // num_blocks
    d_out = n_out // num_blocks
    row = d_out if exclusive else 0
    col = 0
    for _ in range(num_blocks):
        mask[row:, col:col + d_in] = 1.0
        col += d_in
        row += d_out
    return mask.T


class _MaskedDense(Dense):
    """A Dense layer (named, and its variables scoped, as TensorFlow's ``dense``) that
    multiplies its kernel by ``mask`` when called."""

    def __init__(self, mask, units, **kwargs):
        super().__init__(units, **kwargs)
        self._mask = mask
        if kwargs.get("name") is None:
            self._base_name = "dense"

    def call(self, inputs):
        raw = self.kernel
        self.kernel = raw * self._mask.astype(raw.dtype.base_dtype.as_numpy_dtype)
        try:
            return super().call(inputs)
        finally:
            self.kernel = raw


def masked_dense(inputs, units, num_blocks=None, exclusive=False, kernel_initializer=None,
                 reuse=None, name=None, *args, **kwargs):  # noqa: B026 - TensorFlow's order
    """A dense layer whose output block ``b`` depends only on input blocks before ``b``
    (``exclusive``) or up to ``b``; ``num_blocks`` defaults to the input depth."""
    inputs = convert_to_tensor(inputs, name="inputs")
    depth = inputs.shape[-1].value if inputs.shape.ndims else None
    if depth is None:
        raise NotImplementedError("Rightmost dimension must be known prior to graph "
                                  "execution.")
    mask = _mask(num_blocks or depth, depth, units, exclusive)
    base_initializer = kernel_initializer or glorot_normal_initializer()

    def masked_initializer(shape, dtype=None, partition_info=None):
        value = base_initializer(shape, dtype, partition_info)
        return value * mask.astype(dtypes.as_dtype(dtype or dtypes.float32).as_numpy_dtype)

    with name_scope(name or "masked_dense"):
        layer = _MaskedDense(mask, units, *args, kernel_initializer=masked_initializer,
                             name=name, dtype=inputs.dtype.base_dtype, _scope=name,
                             _reuse=reuse, **kwargs)
        return layer.apply(inputs)


def _clip_keeping_gradient(x, low, high):
    clipped = clip_by_value(x, low, high)
    return x + array_ops.stop_gradient(clipped - x)


def masked_autoregressive_default_template(hidden_layers, shift_only=False,
                                           activation=nn_ops.relu, log_scale_min_clip=-5.0,
                                           log_scale_max_clip=3.0,
                                           log_scale_clip_gradient=False, name=None,
                                           *args, **kwargs):  # noqa: B026 - as TensorFlow
    """The MADE network of the MAF paper as a template: ``x -> (shift, log_scale)``, the
    log-scale clipped to ``[log_scale_min_clip, log_scale_max_clip]`` (with the gradient
    passed through unless ``log_scale_clip_gradient``)."""
    name = name or "masked_autoregressive_default_template"
    with name_scope(name):

        def _fn(x):
            depth = x.shape[-1].value if x.shape.ndims else None
            if depth is None:
                raise NotImplementedError("Rightmost dimension must be known prior to graph "
                                          "execution.")
            shape = (np.array(x.shape.as_list(), np.int32) if x.shape.is_fully_defined()
                     else array_ops.shape(x))
            if x.shape.ndims == 1:
                x = array_ops.expand_dims(x, 0)
            for index, units in enumerate(hidden_layers):
                x = masked_dense(x, units, *args, num_blocks=depth, exclusive=index == 0,
                                 activation=activation, **kwargs)
            x = masked_dense(x, (1 if shift_only else 2) * depth, *args, num_blocks=depth,
                             activation=None, **kwargs)
            if shift_only:
                return array_ops.reshape(x, shape), None
            x = array_ops.reshape(x, array_ops.concat([shape, [2]], 0))
            shift, log_scale = array_ops.unstack(x, num=2, axis=-1)
            clip = clip_by_value if log_scale_clip_gradient else _clip_keeping_gradient
            return shift, clip(log_scale, log_scale_min_clip, log_scale_max_clip)

        return make_template(name, _fn)


class RealNVP(Bijector):
    """The affine coupling layer: the first ``num_masked`` entries pass unchanged and set
    the shift and log-scale of the rest."""

    def __init__(self, num_masked, shift_and_log_scale_fn, is_constant_jacobian=False,
                 validate_args=False, name=None):
        if num_masked <= 0:
            raise ValueError("num_masked must be a positive integer.")
        self._num_masked = num_masked
        self._input_depth = None
        self._shift_and_log_scale_fn = shift_and_log_scale_fn
        super().__init__(forward_min_event_ndims=1, is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args, name=name or "real_nvp")

    def _depth(self, x):
        if self._input_depth is None:
            depth = x.shape[-1].value if x.shape.ndims else None
            if depth is None:
                raise NotImplementedError("Rightmost dimension must be known prior to graph "
                                          "execution.")
            if self._num_masked >= depth:
                raise ValueError("Number of masked units must be smaller than the event "
                                 "size.")
            self._input_depth = depth
        return self._input_depth

    def _parts(self, value):
        depth = self._depth(value)
        kept = value[..., :self._num_masked]
        shift, log_scale = self._shift_and_log_scale_fn(kept, depth - self._num_masked)
        return kept, value[..., self._num_masked:], shift, log_scale

    def _forward(self, x):
        kept, rest, shift, log_scale = self._parts(x)
        if log_scale is not None:
            rest = rest * math_ops.exp(log_scale)
        if shift is not None:
            rest = rest + shift
        return array_ops.concat([kept, rest], axis=-1)

    def _inverse(self, y):
        kept, rest, shift, log_scale = self._parts(y)
        if shift is not None:
            rest = rest - shift
        if log_scale is not None:
            rest = rest * math_ops.exp(-log_scale)
        return array_ops.concat([kept, rest], axis=-1)

    def _inverse_log_det_jacobian(self, y):
        log_scale = self._parts(y)[3]
        if log_scale is None:
            return array_ops.constant(0.0, dtype=y.dtype, name="ildj")
        return -math_ops.reduce_sum(log_scale, axis=-1)

    def _forward_log_det_jacobian(self, x):
        log_scale = self._parts(x)[3]
        if log_scale is None:
            return array_ops.constant(0.0, dtype=x.dtype, name="fldj")
        return math_ops.reduce_sum(log_scale, axis=-1)


def real_nvp_default_template(hidden_layers, shift_only=False, activation=nn_ops.relu,
                              name=None, *args, **kwargs):  # noqa: B026 - as TensorFlow
    """A dense network ``(x, output_units) -> (shift, log_scale)`` as a template."""
    from ...layers.core import dense

    with name_scope(name or "real_nvp_default_template"):

        def _fn(x, output_units):
            for units in hidden_layers:
                x = dense(x, units, *args, activation=activation, **kwargs)
            x = dense(x, (1 if shift_only else 2) * output_units, *args, activation=None,
                      **kwargs)
            if shift_only:
                return x, None
            shift, log_scale = array_ops.split(x, 2, axis=-1)
            return shift, log_scale

        return make_template("real_nvp_default_template", _fn)


class BatchNormalization(Bijector):
    """Batch normalization as a bijector: the inverse normalizes data with the batch's
    statistics (``training``) or the moving ones; the forward undoes it with the moving
    statistics. TensorFlow's default layer keeps ``gamma`` positive by a constraint that
    smallflow's layers refuse: here the default layer has none (``gamma`` starts at 1)."""

    def __init__(self, batchnorm_layer=None, training=True, validate_args=False,
                 name="batch_normalization"):
        layer = batchnorm_layer or _BatchNormLayer()
        if not isinstance(layer, _BatchNormLayer):
            raise ValueError("batchnorm_layer must be an instance of BatchNormalization "
                             "layer.")
        self.batchnorm = layer
        self._training = training
        super().__init__(forward_min_event_ndims=1, validate_args=validate_args, name=name)

    def _broadcast(self, x, value):
        if not x.shape.is_fully_defined():
            raise ValueError("Input must have shape known at graph construction.")
        rank = x.shape.ndims
        axis = self.batchnorm.axis % rank
        if value is None or axis == rank - 1:
            return value
        shape = [1] * rank
        shape[axis] = x.shape[axis].value
        return array_ops.reshape(value, shape)

    def _ensure_built(self, x):
        if not self.batchnorm.built:
            self.batchnorm.build(x.shape)

    def _forward(self, x):
        self._ensure_built(x)
        layer = self.batchnorm
        rescale = math_ops.sqrt(self._broadcast(x, layer.moving_variance) + layer.epsilon)
        if layer.scale:
            rescale = rescale / self._broadcast(x, layer.gamma)
        mean = self._broadcast(x, layer.moving_mean)
        if layer.center:
            return x * rescale + (mean - self._broadcast(x, layer.beta) * rescale)
        return x * rescale + mean

    def _inverse(self, y):
        return self.batchnorm.apply(y, training=self._training)

    def _inverse_log_det_jacobian(self, y, use_saved_statistics=False):
        if not y.shape.is_fully_defined():
            raise ValueError("Input must have shape known at graph construction.")
        self._ensure_built(y)
        layer = self.batchnorm
        if use_saved_statistics or not self._training:
            log_variance = math_ops.log(layer.moving_variance + layer.epsilon)
        else:
            axis = layer.axis % y.shape.ndims
            axes = [i for i in range(y.shape.ndims) if i != axis]
            _, variance = nn_ops.moments(y, axes=axes, keepdims=True)
            log_variance = math_ops.log(variance + layer.epsilon)
        log_gamma = (math_ops.reduce_sum(math_ops.log(layer.gamma)) if layer.scale
                     else array_ops.constant(0.0, dtype=y.dtype))
        return log_gamma - 0.5 * math_ops.reduce_sum(log_variance)

    def _forward_log_det_jacobian(self, x):
        return -self._inverse_log_det_jacobian(x, use_saved_statistics=True)
