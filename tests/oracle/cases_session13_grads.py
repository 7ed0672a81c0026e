"""Oracle cases of session 13 (helper grads): every op smallflow registers a gradient for,
differentiated in both backends with ``tf.gradients`` and a random upstream ``grad_ys``.

Each row of ``SPECS`` builds one small graph from random inputs (seeded by the case's name, so
both interpreters see the same numbers) in each float dtype the op takes (float32, float64 and
complex128 where TensorFlow 1.x allows it), with broadcasting shapes, negative axes, keepdims
and edge values (zeros, ties, empty tensors). The case fetches the output, every input's
gradient (``name_none`` when the gradient is None, ``name_dense``/``name_indices`` when it is
IndexedSlices) and, for rows marked ``second``, the gradients of a random weighting of the
first gradients (second order). Only NumPy is imported at module level, as in cases.py.
"""

import zlib

from cases import Case

F = ("float32", "float64")
FC = ("float32", "float64", "complex128")
D = ("float64",)


class _Inputs:
    """Makes the inputs of one case: ``x`` ones are differentiated, ``c`` ones are not."""

    def __init__(self, tf, np, rng, dtype):
        self.tf, self.np, self.rng, self.dtype = tf, np, rng, dtype
        self.xs = []

    def array(self, shape, lo=-2.0, hi=2.0, dtype=None):
        rng = self.rng
        dtype = dtype or self.dtype
        if dtype.startswith("complex"):
            real = rng.uniform(lo, hi, shape)
            imag = rng.uniform(lo, hi, shape)
            return (real + 1j * imag).astype(dtype)
        if dtype.startswith(("int", "uint")):
            return rng.integers(int(lo), int(hi) + 1, shape).astype(dtype)
        return rng.uniform(lo, hi, shape).astype(dtype)

    def x(self, shape_or_values, lo=-2.0, hi=2.0, dtype=None):
        """A differentiated input: a shape (random values in [lo, hi)) or explicit values."""
        value = self._value(shape_or_values, lo, hi, dtype)
        tensor = self.tf.constant(value)
        self.xs.append(tensor)
        return tensor

    def c(self, shape_or_values, lo=-2.0, hi=2.0, dtype=None):
        """A constant input that is not differentiated."""
        return self.tf.constant(self._value(shape_or_values, lo, hi, dtype))

    def p(self, shape_or_values, static_shape, lo=-2.0, hi=2.0, dtype=None):
        """A differentiated placeholder of ``static_shape`` (None dims), fed the value."""
        value = self._value(shape_or_values, lo, hi, dtype)
        tensor = self.tf.placeholder(self.tf.as_dtype(value.dtype), static_shape)
        self.xs.append(tensor)
        self.feed = getattr(self, "feed", {})
        self.feed[tensor] = value
        return tensor

    def _value(self, shape_or_values, lo, hi, dtype):
        if isinstance(shape_or_values, tuple):
            return self.array(shape_or_values, lo, hi, dtype)
        return self.np.array(shape_or_values).astype(dtype or self.dtype)


def _is_slices(grad):
    return hasattr(grad, "dense_shape") and hasattr(grad, "indices")


def _fetch(tf, out, prefix, grads):
    for index, grad in enumerate(grads):
        key = f"{prefix}{index}"
        if grad is None:
            out[f"{key}_none"] = tf.constant(True)
        elif _is_slices(grad):
            # The rows' order follows each backend's order of visiting the ops (the dense sum
            # is the gradient): the dense form and how often each row is listed are compared.
            dense = tf.convert_to_tensor(grad)
            rows = dense.shape.as_list()[0] or tf.shape(dense)[0]
            out[f"{key}_dense"] = dense
            out[f"{key}_rows"] = tf.unsorted_segment_sum(tf.ones_like(grad.indices),
                                                         grad.indices, rows)
        else:
            out[key] = grad


def _upstream(tf, np, rng, y):
    """An upstream gradient for ``y``: a fixed pattern that tells positions apart, made from
    ``y``'s run-time shape (so that a static shape one backend knows and the other does not
    changes no value), with ``y``'s static shape. The phase comes from ``rng``."""
    phase = float(rng.uniform(0.0, 6.0))
    count = tf.cast(tf.range(tf.size(y)), tf.float64)
    wave = tf.cos(count * 1.7 + phase)
    if y.dtype.is_complex:
        wave = tf.complex(wave, tf.sin(count * 2.3 - phase))
    upstream = tf.reshape(tf.cast(wave, y.dtype), tf.shape(y))
    upstream.set_shape(y.shape)
    return upstream


def _dense(tf, grad):
    return tf.convert_to_tensor(grad) if _is_slices(grad) else grad


def _build(spec, dtype, second, name, unconnected=None):
    def build(tf, np):
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        inputs = _Inputs(tf, np, rng, dtype)
        ys = spec(tf, inputs)
        ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
        out = {f"y{i}": y for i, y in enumerate(ys)}
        grad_ys = [_upstream(tf, np, rng, y) for y in ys]
        kwargs = {"unconnected_gradients": unconnected} if unconnected else {}
        grads = tf.gradients(ys, inputs.xs, grad_ys=grad_ys, **kwargs)
        _fetch(tf, out, "d", grads)
        if second:
            terms = []
            for grad in grads:
                if grad is None:
                    continue
                grad = _dense(tf, grad)
                weight = _upstream(tf, np, rng, grad)
                terms.append(tf.reduce_sum(grad * weight))
            total = tf.add_n(terms)
            second_grads = tf.gradients(total, inputs.xs, grad_ys=tf.ones([], total.dtype))
            _fetch(tf, out, "dd", second_grads)
        return out, getattr(inputs, "feed", {})

    return build


# Rows compared more loosely, and why.
LOOSER = {
    # TensorFlow's resize kernels compute their interpolation weights in float32 even for
    # float64 images (relative differences near 1e-6); smallflow's are float64.
    "image/resize_float64": 1e-5,
}


def _rtol(dtype, second, name=None):
    if name in LOOSER:
        return LOOSER[name]
    if dtype in ("float32", "complex64"):
        return 2e-4
    return 1e-5 if second else 1e-6


# -- the table ---------------------------------------------------------------------------------
# name -> (build(tf, inputs) -> y or [ys], dtypes, second order?)

SPECS = {}


def spec(name, dtypes=F, second=False):
    def register(fn):
        SPECS[name] = (fn, dtypes, second)
        return fn

    return register


# -- element-wise unary ------------------------------------------------------------------------
# (function, dtypes, value range, second order?)
_UNARY = {
    "abs": (lambda tf: tf.abs, FC, (-2, 2), True),
    "negative": (lambda tf: tf.negative, FC, (-2, 2), False),
    "sign": (lambda tf: tf.sign, F, (-2, 2), False),
    "square": (lambda tf: tf.square, FC, (-2, 2), True),
    "sqrt": (lambda tf: tf.sqrt, FC, (0.2, 2), True),
    "rsqrt": (lambda tf: tf.rsqrt, FC, (0.2, 2), True),
    "exp": (lambda tf: tf.exp, FC, (-2, 2), True),
    "expm1": (lambda tf: tf.expm1, FC, (-2, 2), True),
    "log": (lambda tf: tf.log, FC, (0.2, 2), True),
    "log1p": (lambda tf: tf.log1p, FC, (0.2, 2), True),
    "reciprocal": (lambda tf: tf.reciprocal, FC, (0.2, 2), True),
    "tanh": (lambda tf: tf.tanh, FC, (-2, 2), True),
    "sigmoid": (lambda tf: tf.sigmoid, FC, (-2, 2), True),
    "sin": (lambda tf: tf.sin, FC, (-2, 2), True),
    "cos": (lambda tf: tf.cos, FC, (-2, 2), True),
    "tan": (lambda tf: tf.tan, FC, (-1, 1), True),
    "asin": (lambda tf: tf.asin, FC, (-0.9, 0.9), True),
    "acos": (lambda tf: tf.acos, FC, (-0.9, 0.9), True),
    "atan": (lambda tf: tf.atan, FC, (-2, 2), True),
    "sinh": (lambda tf: tf.sinh, FC, (-2, 2), True),
    "cosh": (lambda tf: tf.cosh, FC, (-2, 2), True),
    "asinh": (lambda tf: tf.asinh, FC, (-2, 2), True),
    "acosh": (lambda tf: tf.acosh, FC, (1.2, 3), True),
    "atanh": (lambda tf: tf.atanh, FC, (-0.9, 0.9), True),
    "erf": (lambda tf: tf.erf, F, (-2, 2), True),
    "erfc": (lambda tf: tf.erfc, F, (-2, 2), True),
    "erfinv": (lambda tf: tf.math.erfinv, F, (-0.9, 0.9), True),
    "ndtri": (lambda tf: tf.math.ndtri, F, (0.1, 0.9), True),
    "lgamma": (lambda tf: tf.lgamma, F, (0.2, 3), True),
    "digamma": (lambda tf: tf.digamma, F, (0.2, 3), True),
    "bessel_i0e": (lambda tf: tf.math.bessel_i0e, F, (-2, 2), True),
    "bessel_i1e": (lambda tf: tf.math.bessel_i1e, F, (-2, 2), True),
    "softsign": (lambda tf: tf.nn.softsign, F, (-2, 2), False),
    "softsign_second": (lambda tf: tf.nn.softsign, F, (-2, 2), True),
    "softplus": (lambda tf: tf.nn.softplus, F, (-2, 2), True),
    "relu": (lambda tf: tf.nn.relu, F, (-2, 2), True),
    "relu6": (lambda tf: tf.nn.relu6, F, (-2, 8), True),
    "elu": (lambda tf: tf.nn.elu, F, (-2, 2), True),
    "selu": (lambda tf: tf.nn.selu, F, (-2, 2), True),
    "leaky_relu": (lambda tf: (lambda x: tf.nn.leaky_relu(x, 0.3)), F, (-2, 2), True),
    "l2_loss": (lambda tf: tf.nn.l2_loss, F, (-2, 2), True),
    "identity": (lambda tf: tf.identity, FC, (-2, 2), False),
    "real": (lambda tf: tf.real, ("complex128",), (-2, 2), True),
    "imag": (lambda tf: tf.imag, ("complex128",), (-2, 2), True),
    "angle": (lambda tf: tf.angle, ("complex128",), (-2, 2), False),
    "conj": (lambda tf: tf.conj, ("complex128",), (-2, 2), False),
    "complex_abs": (lambda tf: tf.abs, ("complex64",), (-2, 2), False),
    "cast_f64": (lambda tf: (lambda x: tf.cast(x, tf.float64)), F, (-2, 2), False),
    "cast_c128": (lambda tf: (lambda x: tf.cast(x, tf.complex128)), F, (-2, 2), False),
    "cast_int": (lambda tf: (lambda x: tf.cast(x, tf.int32)), F, (-2, 2), False),
    "floor": (lambda tf: tf.floor, F, (-2, 2), False),
    "round": (lambda tf: tf.round, F, (-2, 2), False),
    "check_numerics": (lambda tf: (lambda x: tf.check_numerics(x, "m")), F, (-2, 2), False),
    "stop_gradient": (lambda tf: tf.stop_gradient, F, (-2, 2), False),
    "zeros_like": (lambda tf: tf.zeros_like, F, (-2, 2), False),
}


def _unary_spec(fn, lo, hi):
    def build(tf, inputs):
        return fn(tf)(inputs.x((2, 3), lo, hi))

    return build


for _name, (_fn, _dtypes, (_lo, _hi), _second) in _UNARY.items():
    SPECS[f"unary/{_name}"] = (_unary_spec(_fn, _lo, _hi), _dtypes, _second)

# Kinks and poles: the subgradient TensorFlow picks at each.
_EDGES = [0.0, -0.0, 1.0, -1.0, 6.0, 0.5]


@spec("edge/abs_relu_at_zero")
def _edge_kinks(tf, inputs):
    x = inputs.x(_EDGES)
    return [tf.abs(x), tf.nn.relu(x), tf.nn.relu6(x), tf.nn.leaky_relu(x), tf.nn.elu(x),
            tf.sign(x), tf.nn.softsign(x)]


@spec("edge/sqrt_rsqrt_log_at_zero")
def _edge_poles(tf, inputs):
    x = inputs.x([0.0, 1.0, 4.0])
    return [tf.sqrt(x), tf.rsqrt(x + 1.0), tf.log(x + 1.0), tf.reciprocal(x + 1.0)]


@spec("edge/pow_at_zero")
def _edge_pow(tf, inputs):
    x = inputs.x([0.0, 0.0, 0.0, 2.0, -2.0, 0.0])
    y = inputs.x([2.0, 0.0, 0.5, 3.0, 2.0, -1.0])
    return tf.pow(x, y)


@spec("edge/div_by_zero")
def _edge_div(tf, inputs):
    x = inputs.x([1.0, 0.0, -2.0])
    y = inputs.x([0.0, 0.0, 2.0])
    return [tf.div_no_nan(x, y), tf.truediv(x, y + 1.0)]


@spec("edge/max_min_ties")
def _edge_ties(tf, inputs):
    x = inputs.x([1.0, 2.0, 3.0, 2.0])
    y = inputs.x([1.0, 1.0, 3.0, 5.0])
    return [tf.maximum(x, y), tf.minimum(x, y)]


@spec("edge/clip_by_value_at_bounds")
def _edge_clip(tf, inputs):
    x = inputs.x([-1.0, 0.0, 0.5, 1.0, 2.0])
    return tf.clip_by_value(x, 0.0, 1.0)


@spec("edge/clip_by_value_tensor_bounds")
def _edge_clip_tensors(tf, inputs):
    x = inputs.x([-1.0, 0.0, 0.5, 1.0, 2.0])
    low = inputs.x(0.0)
    high = inputs.x([1.0, 1.0, 1.0, 1.0, 1.5])
    return tf.clip_by_value(x, low, high)


@spec("edge/empty")
def _edge_empty(tf, inputs):
    x = inputs.x((0, 3))
    y = inputs.x((3,))
    return [tf.exp(x) * y, tf.reduce_sum(x, axis=0), tf.reduce_max(x, axis=1)]


# -- element-wise binary, broadcasting -----------------------------------------------------------

_BINARY = {
    "add": (lambda tf: tf.add, FC, (-2, 2), (-2, 2), False),
    "subtract": (lambda tf: tf.subtract, FC, (-2, 2), (-2, 2), False),
    "multiply": (lambda tf: tf.multiply, FC, (-2, 2), (-2, 2), True),
    "truediv": (lambda tf: tf.truediv, FC, (-2, 2), (0.5, 2), True),
    "div_no_nan": (lambda tf: tf.div_no_nan, FC, (-2, 2), (0.5, 2), True),
    "pow": (lambda tf: tf.pow, FC, (0.5, 2), (-2, 2), True),
    "maximum": (lambda tf: tf.maximum, F, (-2, 2), (-2, 2), True),
    "minimum": (lambda tf: tf.minimum, F, (-2, 2), (-2, 2), True),
    "squared_difference": (lambda tf: tf.squared_difference, FC, (-2, 2), (-2, 2), True),
    "floormod": (lambda tf: tf.floormod, F, (-4, 4), (0.5, 2), False),
    "floordiv": (lambda tf: tf.floordiv, F, (-4, 4), (0.5, 2), False),
    "atan2": (lambda tf: tf.atan2, F, (-2, 2), (0.5, 2), True),
    "igamma": (lambda tf: tf.igamma, F, (0.5, 3), (0.5, 3), False),
    "igammac": (lambda tf: tf.igammac, F, (0.5, 3), (0.5, 3), False),
    "zeta": (lambda tf: tf.zeta, F, (1.5, 3), (0.5, 2), False),
    "polygamma": (lambda tf: (lambda a, x: tf.polygamma(tf.round(a), x)), F, (0.5, 2.4),
                  (0.5, 2), False),
    "complex": (lambda tf: tf.complex, F, (-2, 2), (-2, 2), False),
}
_SHAPES = {"same": ((2, 3), (2, 3)), "row": ((2, 3), (3,)), "outer": ((2, 1), (1, 3)),
           "scalar": ((), (2, 3))}


def _binary_spec(fn, xrange, yrange, shapes):
    def build(tf, inputs):
        x = inputs.x(shapes[0], *xrange)
        y = inputs.x(shapes[1], *yrange)
        return fn(tf)(x, y)

    return build


for _name, (_fn, _dtypes, _xr, _yr, _second) in _BINARY.items():
    for _shape_name, _shapes in _SHAPES.items():
        SPECS[f"binary/{_name}/{_shape_name}"] = (
            _binary_spec(_fn, _xr, _yr, _shapes), _dtypes, _second and _shape_name != "same")


@spec("binary/betainc", D)
def _betainc(tf, inputs):
    a = inputs.x((2, 3), 0.5, 3)
    b = inputs.x((2, 3), 0.5, 3)
    x = inputs.x((2, 3), 0.1, 0.9)
    return tf.betainc(a, b, x)


@spec("binary/add_n", FC, second=True)
def _add_n(tf, inputs):
    a = inputs.x((2, 3))
    return tf.add_n([a, inputs.x((2, 3)), a * a])


@spec("binary/unconnected_integer")
def _integer_inputs(tf, inputs):
    x = inputs.x((2, 3))
    k = inputs.x([[1, 2, 3], [4, 5, 6]], dtype="int32")
    return [x * tf.cast(k, x.dtype), tf.cast(k * 2, x.dtype)]


# -- reductions ----------------------------------------------------------------------------------

_REDUCE = {
    "sum": (lambda tf: tf.reduce_sum, FC, True),
    "mean": (lambda tf: tf.reduce_mean, FC, True),
    "prod": (lambda tf: tf.reduce_prod, FC, True),
    "max": (lambda tf: tf.reduce_max, F, True),
    "min": (lambda tf: tf.reduce_min, F, True),
    "logsumexp": (lambda tf: tf.reduce_logsumexp, F, True),
    "euclidean_norm": (lambda tf: tf.math.reduce_euclidean_norm, F, False),
    "std": (lambda tf: tf.math.reduce_std, F, False),
    "variance": (lambda tf: tf.math.reduce_variance, F, False),
}
_AXES = {"all": (None, False), "axis0": (0, False), "neg_keep": (-1, True),
         "list": ([0, 2], False), "list_neg_keep": ([-3, -1], True)}


def _reduce_spec(fn, axis, keepdims):
    def build(tf, inputs):
        x = inputs.x((2, 3, 4), 0.5, 2)
        return fn(tf)(x, axis=axis, keepdims=keepdims)

    return build


for _name, (_fn, _dtypes, _second) in _REDUCE.items():
    for _axis_name, (_axis, _keep) in _AXES.items():
        SPECS[f"reduce/{_name}/{_axis_name}"] = (_reduce_spec(_fn, _axis, _keep), _dtypes,
                                                 _second and _axis_name == "list_neg_keep")


@spec("reduce/max_ties", second=True)
def _reduce_max_ties(tf, inputs):
    x = inputs.x([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [5.0, 4.0, 5.0]])
    return [tf.reduce_max(x, axis=1), tf.reduce_min(x, axis=0), tf.reduce_max(x)]


def _reduce_prod_zeros(tf, inputs):
    x = inputs.x([[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [5.0, 4.0, 2.0]])
    return [tf.reduce_prod(x, axis=1), tf.reduce_prod(x, axis=-2), tf.reduce_prod(x)]


spec("reduce/prod_zeros")(_reduce_prod_zeros)
spec("reduce/prod_zeros_second", second=True)(_reduce_prod_zeros)


@spec("reduce/placeholder_axis")
def _reduce_unknown(tf, inputs):
    x = inputs.p((2, 3), [None, 3])
    return tf.reduce_sum(tf.reduce_mean(x, axis=0) * tf.reduce_max(x, axis=0))


@spec("reduce/cumsum", FC, second=True)
def _cumsum(tf, inputs):
    x = inputs.x((3, 4))
    return [tf.cumsum(x, axis=1), tf.cumsum(x, axis=-2, exclusive=True),
            tf.cumsum(x, axis=1, reverse=True), tf.cumsum(x, 0, exclusive=True, reverse=True)]


@spec("reduce/cumprod", FC, second=True)
def _cumprod(tf, inputs):
    x = inputs.x((3, 4), 0.5, 2)
    return [tf.cumprod(x, axis=1), tf.cumprod(x, axis=-2, exclusive=True),
            tf.cumprod(x, axis=1, reverse=True), tf.cumprod(x, 0, exclusive=True, reverse=True)]


@spec("reduce/cumulative_logsumexp")
def _cumulative_logsumexp(tf, inputs):
    x = inputs.x((3, 4))
    return tf.math.cumulative_logsumexp(x, axis=1)


@spec("reduce/norms")
def _norms(tf, inputs):
    x = inputs.x((3, 4))
    return [tf.norm(x), tf.norm(x, ord=1, axis=1), tf.norm(x, axis=[0, 1]),
            tf.norm(x, ord=float("inf"), axis=0), tf.nn.l2_normalize(x, axis=-1)]


# -- the cases ---------------------------------------------------------------------------------


def session13_grads_cases():
    """One case per (row, dtype) of SPECS, including the array and nn tables."""
    import cases_session13_grads_array  # noqa: F401 - registers its rows
    import cases_session13_grads_nn  # noqa: F401 - registers its rows

    out = []
    for name, (fn, dtypes, second) in SPECS.items():
        for dtype in dtypes:
            case_name = f"grads/{name}/{dtype}"
            # init: rows with variables (RNN cells) differentiate w.r.t. them too.
            out.append(Case(case_name, _build(fn, dtype, second, case_name), init=True,
                            rtol=_rtol(dtype, second, name)))
    for name, fn in UNCONNECTED.items():
        case_name = f"grads/unconnected/{name}"
        out.append(Case(case_name, _build(fn, "float64", False, case_name, "zero")))
    return out


# Rows run with unconnected_gradients="zero" (zeros in place of None).
UNCONNECTED = {}


def _unconnected_spec(fn):
    UNCONNECTED[fn.__name__.strip("_")] = fn
    return fn


@_unconnected_spec
def _zero_for_unused(tf, inputs):
    x = inputs.x((2, 3))
    inputs.x((4,))
    return tf.reduce_sum(x * 2.0)


@_unconnected_spec
def _zero_for_integer_and_unstacked(tf, inputs):
    x = inputs.x((3, 2))
    k = inputs.x([1, 2], dtype="int64")
    first, _, _ = tf.unstack(x)
    return first * tf.cast(k, x.dtype)
