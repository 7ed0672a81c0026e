"""smallflow: TensorFlow 1.x's graph-and-session programming model on NumPy.

``import smallflow as tf`` gives the names the TensorFlow 1.x MNIST tutorials use.
"""

from . import app, dtypes, errors, flags, logging, losses, nn, train  # noqa: A004
from .dtypes import (
    DType,
    as_dtype,
    bool,  # noqa: A004 - TensorFlow's public name
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .gradients import gradients
from .graph import (
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    add_to_collections,
    control_dependencies,
    convert_to_tensor,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    get_default_session,
    name_scope,
    register_tensor_conversion_function,
    reset_default_graph,
    set_random_seed,
)
from .init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .ops.array_ops import (
    boolean_mask,
    broadcast_to,
    cast,
    concat,
    constant,
    diag,
    diag_part,
    expand_dims,
    fill,
    gather,
    identity,
    one_hot,
    ones,
    ones_like,
    pad,
    placeholder,
    placeholder_with_default,
    rank,
    reshape,
    reverse,
    reverse_v2,
    shape,
    size,
    slice,  # noqa: A004
    split,
    squeeze,
    stack,
    stop_gradient,
    strided_slice,
    tile,
    to_double,
    to_float,
    to_int32,
    to_int64,
    transpose,
    unstack,
    where,
    where_v2,
    zeros,
    zeros_like,
)
from .ops.control_flow_ops import group, no_op, tuple, with_dependencies  # noqa: A004
from .ops.math_ops import (
    abs,  # noqa: A004
    add,
    add_n,
    argmax,
    argmin,
    ceil,
    clip_by_value,
    count_nonzero,
    cumprod,
    cumsum,
    div,
    div_no_nan,
    divide,
    equal,
    exp,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    is_finite,
    is_inf,
    is_nan,
    is_tensor,
    less,
    less_equal,
    lin_space,
    linspace,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    matmul,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    pow,  # noqa: A004
    range,  # noqa: A004
    realdiv,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    round,  # noqa: A004
    rsqrt,
    sigmoid,
    sign,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
    truediv,
    unsorted_segment_sum,
)
from .ops.random_ops import random_normal, random_uniform, truncated_normal
from .registry import NotDifferentiable, RegisterGradient
from .session import InteractiveSession, Session
from .tensor_shape import Dimension, TensorShape
from .variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from .variables import (
    Variable,
    all_variables,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    initialize_local_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    model_variables,
    trainable_variables,
    variables_initializer,
)

__version__ = "0.1.0"

newaxis = None
sub = subtract
mul = multiply
neg = negative
