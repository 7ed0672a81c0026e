"""``tf.keras.backend``: Keras's session, learning phase and per-graph layer names in TF1 graphs.

As TensorFlow 1.x's Keras in graph mode: models run in the default session when there is one
(``with tf.Session() as sess:``), else in one session Keras keeps per graph; before a run the
variables that session has not initialized yet are initialized (so ``model.fit`` needs no
``global_variables_initializer``), and variables a program initialized or restored are left
alone. The learning phase is a bool ``placeholder_with_default(False)`` named
``keras_learning_phase`` that ``fit`` feeds with True; ``set_learning_phase`` fixes it to a
Python value instead.
"""

import weakref

import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph, get_default_session, reset_default_graph
from ..ops import constant_op
from ..protos import ConfigProto
from ..session import Session
from ..variables import Variable, global_variables, is_variable_initialized

__all__ = [
    "abs", "all", "any", "arange", "argmax", "argmin", "backend", "batch_dot", "batch_flatten",
    "batch_get_value", "batch_set_value", "binary_crossentropy", "cast", "cast_to_floatx",
    "categorical_crossentropy", "clear_session", "clip", "concatenate", "constant", "cos", "dot",
    "dtype", "elu", "epsilon", "equal", "eval", "exp", "expand_dims", "flatten", "floatx",
    "function", "gather", "get_session", "get_uid", "get_value", "get_variable_shape", "gradients",
    "greater", "greater_equal", "hard_sigmoid", "identity", "image_data_format", "in_test_phase",
    "in_train_phase", "int_shape", "is_keras_tensor", "l2_normalize", "learning_phase", "less",
    "less_equal", "log", "logsumexp", "manual_variable_initialization", "max", "maximum", "mean",
    "min", "minimum", "ndim", "not_equal", "one_hot", "ones", "ones_like", "permute_dimensions",
    "placeholder", "pow", "print_tensor", "prod", "random_binomial", "random_normal",
    "random_uniform", "relu", "repeat", "repeat_elements", "reset_uids", "reshape", "round",
    "set_epsilon",
    "set_floatx", "set_image_data_format", "set_learning_phase", "set_session", "set_value",
    "shape", "sigmoid", "sign", "sin", "softmax", "softplus", "softsign",
    "sparse_categorical_crossentropy", "sqrt", "square", "squeeze", "stack", "std",
    "stop_gradient", "sum", "switch", "tanh", "tile", "transpose", "truncated_normal", "update",
    "update_add", "update_sub", "var", "variable", "zeros", "zeros_like",
]

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_MANUAL_INIT = False
# graph -> {prefix: count}: layer names (dense, dense_1, ...) are unique per graph, as in TF.
_UIDS = weakref.WeakKeyDictionary()
# graph -> the learning-phase placeholder, or a fixed Python value set by set_learning_phase.
_PHASE = weakref.WeakKeyDictionary()
_FIXED_PHASE = weakref.WeakKeyDictionary()
# graph -> the session Keras made for it (when the program has no default session).
_SESSIONS = weakref.WeakKeyDictionary()
# session -> variables known to be initialized in it (checked once each).
_INITIALIZED = weakref.WeakKeyDictionary()


def backend():
    """The backend's name: ``'tensorflow'``, as TensorFlow's Keras answers (programs written
    for multi-backend Keras check it before using TensorFlow ops)."""
    return "tensorflow"


def floatx():
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}")
    _FLOATX = str(value)


def epsilon():
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format: {data_format!r}")
    _IMAGE_DATA_FORMAT = str(data_format)


def cast_to_floatx(x):
    return np.asarray(x, dtype=_FLOATX)


_SYMBOLIC = {}


def symbolic_graph():
    """While executing eagerly, the graph Keras's symbolic tensors live in (``Input`` and the
    functional API), as TensorFlow's ``K.get_graph()``; eager values read there (weights) are
    captured as constants. None in graph mode."""
    if not getattr(get_default_graph(), "_eager", False):
        return None
    graph = _SYMBOLIC.get("graph")
    if graph is None:
        from ..graph import Graph

        graph = _SYMBOLIC["graph"] = Graph()
        graph._capture_eager = True
    return graph


def get_uid(prefix=""):
    """1, 2, ... for successive calls with ``prefix`` in the default graph."""
    counts = _UIDS.setdefault(get_default_graph(), {})
    counts[prefix] = counts.get(prefix, 0) + 1
    return counts[prefix]


def reset_uids():
    _UIDS.pop(get_default_graph(), None)


def unique_object_name(prefix):
    """``prefix``, then ``prefix_1``, ``prefix_2``, ... in the default graph (layer names)."""
    count = get_uid(prefix) - 1
    return prefix if count == 0 else f"{prefix}_{count}"


def phase_of(training):
    """A layer's ``training`` argument as it acts: the graph's learning phase when None,
    a Python bool for a fixed 0/1 (or bool), else the bool tensor given."""
    if training is None:
        training = learning_phase()
    if isinstance(training, bool | int | np.integer):
        return bool(training)
    return training


def learning_phase():
    """The learning phase of the default graph: a bool tensor, or the value fixed by
    ``set_learning_phase`` (0 or 1)."""
    graph = get_default_graph()
    if graph in _FIXED_PHASE:
        return _FIXED_PHASE[graph]
    if graph not in _PHASE:
        from ..graph import control_dependencies, name_scope

        with control_dependencies(None), name_scope(None):
            _PHASE[graph] = constant_op.placeholder_with_default(
                False, shape=(), name="keras_learning_phase")
    return _PHASE[graph]


def _phase_placeholder():
    """The placeholder ``fit`` feeds, or None when the phase is fixed or not yet used."""
    return _PHASE.get(get_default_graph())


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _FIXED_PHASE[get_default_graph()] = int(value)


def clear_session():
    """Forget Keras's state (session, names, learning phase) and reset the default graph."""
    graph = get_default_graph()
    session = _SESSIONS.pop(graph, None)
    if session is not None:
        session.close()
    for table in (_UIDS, _PHASE, _FIXED_PHASE):
        table.pop(graph, None)
    reset_default_graph()


def manual_variable_initialization(value):
    global _MANUAL_INIT
    _MANUAL_INIT = bool(value)


def set_session(session):
    _SESSIONS[session.graph] = session


def get_session():
    """The session Keras runs in, with every variable of the graph initialized."""
    session = get_default_session()
    if session is None:
        graph = get_default_graph()
        session = _SESSIONS.get(graph)
        if session is None or session._closed:
            # Keras' own session places softly, as TensorFlow's Keras does
            session = Session(graph=graph, config=ConfigProto(allow_soft_placement=True))
            _SESSIONS[graph] = session
    if not _MANUAL_INIT:
        _initialize_variables(session)
    return session


def _initialize_variables(session):
    with session.graph.as_default():
        known = _INITIALIZED.setdefault(session, set())
        candidates = [v for v in global_variables() if v not in known]
        if not candidates:
            return
        flags = session.run([is_variable_initialized(v) for v in candidates])
        missing = [v.initializer for v, ready in zip(candidates, flags) if not ready]
        if missing:
            session.run(missing)
        known.update(candidates)


# -- values ----------------------------------------------------------------------------------


def variable(value, dtype=None, name=None, constraint=None):
    dtype = dtype or _FLOATX
    return Variable(np.asarray(value, dtype=dtypes.as_dtype(dtype).as_numpy_dtype), name=name)


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    if sparse:
        raise NotImplementedError("smallflow's Keras has no sparse placeholders")
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return constant_op.placeholder(dtype or _FLOATX, shape=shape, name=name)


def int_shape(x):
    dims = x.shape.as_tuple() if hasattr(x.shape, "as_tuple") else tuple(x.shape)
    return None if dims is None else tuple(dims)


def is_keras_tensor(x):
    if not isinstance(x, Tensor | Variable):
        raise ValueError(f"Unexpectedly found an instance of type `{type(x)}`. Expected a "
                         "symbolic tensor instance.")
    return hasattr(x, "_keras_history")


def eval(x):  # noqa: A001 - Keras's name
    return get_value(x)


def get_value(x):
    if get_default_graph()._eager:
        return x.numpy()
    return get_session().run(x)


def batch_get_value(tensors):
    if get_default_graph()._eager:
        return [t.numpy() for t in tensors]
    return get_session().run(list(tensors)) if tensors else []


def set_value(x, value):
    batch_set_value([(x, value)])


def batch_set_value(tuples):
    """Assign NumPy values to variables (one run; the assign ops are made once per variable)."""
    if not tuples:
        return
    if get_default_graph()._eager:
        for variable_, value in tuples:
            value = np.asarray(value, dtype=variable_.dtype.base_dtype.as_numpy_dtype)
            if tuple(value.shape) != tuple(variable_.shape.as_list()):
                raise ValueError(f"Cannot assign a value of shape {value.shape} to variable "
                                 f"{variable_.name} of shape {variable_.shape}")
            variable_.assign(value)
        return
    session = get_session()
    ops = []
    feed = {}
    with session.graph.as_default():
        for variable_, value in tuples:
            value = np.asarray(value, dtype=variable_.dtype.base_dtype.as_numpy_dtype)
            if tuple(value.shape) != tuple(variable_.shape.as_list()):
                raise ValueError(f"Cannot assign a value of shape {value.shape} to variable "
                                 f"{variable_.name} of shape {variable_.shape}")
            assign = getattr(variable_, "_keras_assign", None)
            if assign is None:
                from ..graph import control_dependencies, name_scope

                with control_dependencies(None), name_scope(None):
                    slot = constant_op.placeholder(variable_.dtype.base_dtype, variable_.shape,
                                                 name=variable_.op.name + "_keras_value")
                    assign = (slot, variable_.assign(slot).op)
                variable_._keras_assign = assign
            feed[assign[0]] = value
            ops.append(assign[1])
    session.run(ops, feed_dict=feed)


# -- Keras's tensor functions (K.mean, K.square, K.function, ...) ---------------------------
from .backend_math import (  # noqa: E402 - defined after the session helpers they use
    abs,
    all,
    any,
    arange,
    argmax,
    argmin,
    batch_dot,
    batch_flatten,
    binary_crossentropy,
    cast,
    categorical_crossentropy,
    clip,
    concatenate,
    constant,
    cos,
    dot,
    dtype,
    elu,
    equal,
    exp,
    expand_dims,
    flatten,
    function,
    gather,
    get_variable_shape,
    gradients,
    greater,
    greater_equal,
    hard_sigmoid,
    identity,
    in_test_phase,
    in_train_phase,
    l2_normalize,
    less,
    less_equal,
    log,
    logsumexp,
    max,
    maximum,
    mean,
    min,
    minimum,
    ndim,
    not_equal,
    one_hot,
    ones,
    ones_like,
    permute_dimensions,
    pow,
    print_tensor,
    prod,
    random_binomial,
    random_normal,
    random_uniform,
    relu,
    repeat,
    repeat_elements,
    reshape,
    round,
    shape,
    sigmoid,
    sign,
    sin,
    softmax,
    softplus,
    softsign,
    sparse_categorical_crossentropy,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    stop_gradient,
    sum,
    switch,
    tanh,
    tile,
    transpose,
    truncated_normal,
    update,
    update_add,
    update_sub,
    var,
    zeros,
    zeros_like,
)

# -- Keras's layer-level functions (K.conv2d, K.pool2d, K.rnn, K.ctc_batch_cost, ...) --------
from .backend_nn import (  # noqa: E402 - built on the functions above
    batch_normalization,
    bias_add,
    conv1d,
    conv2d,
    conv2d_transpose,
    conv3d,
    count_params,
    ctc_batch_cost,
    ctc_decode,
    ctc_label_dense_to_sparse,
    cumprod,
    cumsum,
    depthwise_conv2d,
    dropout,
    eye,
    foldl,
    foldr,
    in_top_k,
    is_sparse,
    learning_phase_scope,
    local_conv1d,
    local_conv2d,
    map_fn,
    moving_average_update,
    name_scope,
    normalize_batch_in_training,
    pool2d,
    pool3d,
    random_bernoulli,
    random_normal_variable,
    random_uniform_variable,
    resize_images,
    resize_volumes,
    reverse,
    rnn,
    separable_conv1d,
    separable_conv2d,
    spatial_2d_padding,
    spatial_3d_padding,
    temporal_padding,
    to_dense,
)

__all__ += [
    "batch_normalization", "bias_add", "conv1d", "conv2d", "conv2d_transpose", "conv3d",
    "count_params", "ctc_batch_cost", "ctc_decode", "ctc_label_dense_to_sparse", "cumprod",
    "cumsum", "depthwise_conv2d", "dropout", "eye", "foldl", "foldr", "in_top_k", "is_sparse",
    "learning_phase_scope", "local_conv1d", "local_conv2d", "map_fn", "moving_average_update",
    "name_scope", "normalize_batch_in_training", "pool2d", "pool3d", "random_bernoulli",
    "random_normal_variable", "random_uniform_variable", "resize_images", "resize_volumes",
    "reverse", "rnn", "separable_conv1d", "separable_conv2d", "spatial_2d_padding",
    "spatial_3d_padding", "temporal_padding", "to_dense",
]
