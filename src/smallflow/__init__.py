"""smallflow: TensorFlow 1.x's graph-and-session programming model on NumPy.

``import smallflow as tf`` gives the names the TensorFlow 1.x MNIST tutorials use.
"""

from . import (  # noqa: A004
    app,
    audio,
    bitwise,
    compat,
    data,
    debugging,
    dtypes,
    errors,
    feature_column,
    flags,
    gfile,
    graph_util,
    image,
    initializers,
    io,
    layers,
    linalg,
    lite,
    logging,
    lookup,
    losses,
    manip,
    math,
    metrics,
    nest,
    nn,
    python_io,
    quantization,
    queue,
    ragged,
    random,
    resource_loader,
    saved_model,
    sets,
    signal,
    sparse,
    spectral,
    strings,
    summary,
    sysconfig,
    tb_protos,
    test,
    train,
    user_ops,
    version,
)
from ._version import GIT_VERSION, SMALLFLOW_VERSION, VERSION, __version__
from .def_function import TensorSpec, function
from .device_spec import DeviceSpec
from .dtypes import (
    QUANTIZED_DTYPES,  # h9a: quantized dtype tokens, resource and variant
    DType,
    as_dtype,
    bool,  # noqa: A004 - TensorFlow's public name
    bool_ref,
    complex64,
    complex64_ref,
    complex128,
    complex128_ref,
    double,
    float16,
    float16_ref,
    float32,
    float32_ref,
    float64,
    float64_ref,
    half,
    int8,
    int8_ref,
    int16,
    int16_ref,
    int32,
    int32_ref,
    int64,
    int64_ref,
    qint8,
    qint16,
    qint32,
    quint8,
    quint16,
    resource,
    string,
    string_ref,
    uint8,
    uint8_ref,
    uint16,
    uint32,
    uint64,
    variant,
)
from .eager import variables as _eager_variables  # noqa: F401 - eager tf.Variable
from .eager.tape import GradientTape
from .framework_extras import (
    AggregationMethod,
    VariableAggregation,
    VariableSynchronization,
    colocate_with,
    control_flow_v2_enabled,
    disable_control_flow_v2,
    disable_eager_execution,
    disable_resource_variables,
    disable_tensor_equality,
    disable_v2_behavior,
    disable_v2_tensorshape,
    enable_control_flow_v2,
    enable_eager_execution,
    enable_resource_variables,
    enable_tensor_equality,
    enable_v2_behavior,
    enable_v2_tensorshape,
    executing_eagerly,
    executing_eagerly_outside_functions,
    get_local_variable,
    get_logger,
    hessians,
    init_scope,
    load_file_system_library,
    load_library,
    load_op_library,
    make_template,
    no_regularizer,
    op_scope,
    resource_variables_enabled,
    variable_op_scope,
)
from .gradients import UnconnectedGradients, gradients
from .graph import (
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    add_to_collections,
    container,
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
from .graph_import import import_graph_def
from .graph_io import (
    GRAPH_DEF_VERSION,
    GRAPH_DEF_VERSION_MIN_CONSUMER,
    GRAPH_DEF_VERSION_MIN_PRODUCER,
)
from .init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    orthogonal_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    uniform_unit_scaling_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .module import Module
from .ops.accumulator_ops import ConditionalAccumulator
from .ops.array_extra_ops import (
    arg_max,
    arg_min,
    argsort,
    batch_to_space,
    batch_to_space_nd,
    depth_to_space,
    dynamic_partition,
    dynamic_stitch,
    extract_image_patches,
    gather_nd,
    histogram_fixed_width,
    histogram_fixed_width_bins,
    meshgrid,
    reverse_sequence,
    scatter_nd,
    searchsorted,
    sequence_mask,
    setdiff1d,
    sort,
    space_to_batch,
    space_to_batch_nd,
    space_to_depth,
    unique,
    unique_with_counts,
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
    parallel_stack,
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
from .ops.clip_ops import clip_by_average_norm, clip_by_global_norm, clip_by_norm, global_norm
from .ops.complex_ops import (  # noqa: A004
    angle,
    complex,
    conj,
    imag,
    real,
    to_complex64,
    to_complex128,
)
from .ops.control_flow_ops import (  # noqa: A004
    case,
    cond,
    group,
    no_op,
    switch_case,
    tuple,
    while_loop,
    with_dependencies,
)
from .ops.data_flow_ops import (
    FIFOQueue,
    PaddingFIFOQueue,
    PriorityQueue,
    QueueBase,
    RandomShuffleQueue,
)
from .ops.debug_ops import (
    Assert,
    Print,
    add_check_numerics_ops,
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_integer,
    assert_less,
    assert_less_equal,
    assert_near,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_proper_iterable,
    assert_rank,
    assert_rank_at_least,
    assert_rank_in,
    assert_same_float_dtype,
    assert_scalar,
    assert_type,
    check_numerics,
    is_non_decreasing,
    is_numeric_tensor,
    is_strictly_increasing,
    verify_tensor_all_finite,
)
from .ops.debug_ops import print_v2 as print  # noqa: A004 - TensorFlow's public name
from .ops.eager_py_func_ops import py_function
from .ops.edit_distance_ops import edit_distance
from .ops.fake_quant_ops import (
    fake_quant_with_min_max_args,
    fake_quant_with_min_max_args_gradient,
    fake_quant_with_min_max_vars,
    fake_quant_with_min_max_vars_gradient,
    fake_quant_with_min_max_vars_per_channel,
    fake_quant_with_min_max_vars_per_channel_gradient,
)
from .ops.fft_ops import fft, fft2d, fft3d, ifft, ifft2d, ifft3d
from .ops.functional_ops import foldl, foldr, map_fn, scan, vectorized_map
from .ops.indexed_slices import (
    IndexedSlices,
    IndexedSlicesValue,
    convert_to_tensor_or_indexed_slices,
)
from .ops.io_extra_ops import (
    decode_compressed,
    decode_json_example,
    parse_tensor,
    serialize_tensor,
    write_file,
)
from .ops.io_ops import (
    FixedLengthRecordReader,
    ReaderBase,
    TextLineReader,
    TFRecordReader,
    WholeFileReader,
    decode_csv,
    decode_raw,
    matching_files,
    read_file,
)

# The "math" namespaces of issue 9 (tf.linalg extras, sparse tensors, random extras).
from .ops.linalg_extra_ops import (
    matrix_square_root,
    self_adjoint_eig,
    self_adjoint_eigvals,
    svd,
)
from .ops.linalg_ops import (
    cholesky,
    cholesky_solve,
    einsum,
    eye,
    matrix_band_part,
    matrix_determinant,
    matrix_diag,
    matrix_diag_part,
    matrix_inverse,
    matrix_set_diag,
    matrix_solve,
    matrix_solve_ls,
    matrix_transpose,
    matrix_triangular_solve,
    norm,
    qr,
    tensordot,
    trace,
)
from .ops.math_extra_ops import (
    accumulate_n,
    batch_gather,
    bincount,
    broadcast_dynamic_shape,
    broadcast_static_shape,
    confusion_matrix,
    cross,
    ensure_shape,
    get_static_value,
    invert_permutation,
    lbeta,
    log_sigmoid,
    repeat,
    roll,
    saturate_cast,
    scalar_mul,
    shape_n,
    tensor_scatter_nd_add,
    tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
    unravel_index,
)
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
from .ops.misc_extra_ops import bitcast, timestamp
from .ops.parsing_features import SparseFeature, parse_example, parse_single_example
from .ops.parsing_ops import (
    FixedLenFeature,
    SparseTensor,
    SparseTensorValue,
    VarLenFeature,
)
from .ops.quantize_ops import dequantize, quantize, quantize_v2
from .ops.random_extra_ops import multinomial, random_crop, random_shuffle
from .ops.random_ops import get_seed, random_normal, random_uniform, truncated_normal
from .ops.scatter_ops import (
    assign,
    assign_add,
    assign_sub,
    batch_scatter_update,
    count_up_to,
    scatter_add,
    scatter_div,
    scatter_max,
    scatter_min,
    scatter_mul,
    scatter_nd_add,
    scatter_nd_sub,
    scatter_nd_update,
    scatter_sub,
    scatter_update,
)
from .ops.script_ops import (
    custom_gradient,
    grad_pass_through,
    guarantee_const,
    identity_n,
    numpy_function,
    py_func,
    recompute_grad,
)
from .ops.segment_ops import (
    segment_max,
    segment_mean,
    segment_min,
    segment_prod,
    segment_sum,
    unsorted_segment_max,
    unsorted_segment_mean,
    unsorted_segment_min,
    unsorted_segment_prod,
    unsorted_segment_sqrt_n,
)
from .ops.sequence_parsing_ops import FixedLenSequenceFeature, parse_single_sequence_example
from .ops.sparse_embedding_ops import sparse_mask
from .ops.sparse_math_ops import (
    sparse_add,
    sparse_fill_empty_rows,
    sparse_matmul,
    sparse_maximum,
    sparse_merge,
    sparse_minimum,
    sparse_reduce_max,
    sparse_reduce_max_sparse,
    sparse_reduce_sum,
    sparse_reduce_sum_sparse,
    sparse_segment_mean,
    sparse_segment_sqrt_n,
    sparse_segment_sum,
    sparse_softmax,
    sparse_tensor_dense_matmul,
    sparse_to_indicator,
)
from .ops.sparse_ops import (
    sparse_concat,
    sparse_placeholder,
    sparse_reorder,
    sparse_reset_shape,
    sparse_reshape,
    sparse_retain,
    sparse_slice,
    sparse_split,
    sparse_tensor_to_dense,
    sparse_to_dense,
    sparse_transpose,
)
from .ops.sparse_serialization_ops import (
    deserialize_many_sparse,
    serialize_many_sparse,
    serialize_sparse,
)
from .ops.sparse_tensor import convert_to_tensor_or_sparse_tensor
from .ops.special_functions_ops import betainc, igamma, igammac, zeta
from .ops.special_math_ops import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cos,
    cosh,
    digamma,
    erf,
    erfc,
    expm1,
    lgamma,
    polygamma,
    rint,
    sin,
    sinh,
    tan,
    truncatediv,
    truncatemod,
)
from .ops.stateless_random_ops import random_gamma, random_poisson

# h9a: string ops, hashing (tf.X top-level names of TF1)
from .ops.string_extra_ops import (
    decode_base64,
    encode_base64,
    reduce_join,
    regex_replace,
    string_split,
    string_strip,
    substr,
)
from .ops.string_hash_ops import (
    fingerprint,
    string_to_hash_bucket,
    string_to_hash_bucket_fast,
    string_to_hash_bucket_strong,
)
from .ops.string_ops import as_string, string_join, string_to_number
from .ops.tensor_array_ops import TensorArray
from .ops.volume_ops import extract_volume_patches
from .partitioners import (
    fixed_size_partitioner,
    min_max_variable_partitioner,
    variable_axis_size_partitioner,
)
from .protos import (
    ConfigProto,
    GPUOptions,
    GraphOptions,
    OptimizerOptions,
    RunMetadata,
    RunOptions,
)
from .ragged.ragged_tensor import RaggedTensor
from .registry import NotDifferentiable, RegisterGradient
from .session import InteractiveSession, Session
from .tensor_shape import Dimension, TensorShape
from .tensor_util import make_ndarray, make_tensor_proto
from .tensorflow_alias import install_as_tensorflow
from .variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from .variable_utils import (
    assert_variables_initialized,
    initialize_all_tables,
    moving_average_variables,
    report_uninitialized_variables,
    tables_initializer,
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
    variable_creator_scope,
    variables_initializer,
)

newaxis = None
# tf.dtypes also names the conversions (TensorFlow 1.x's tf.dtypes.cast, ...); set here,
# where both are imported, so dtypes.py keeps importing nothing above it.
dtypes.cast = cast
dtypes.complex = complex  # noqa: A001
dtypes.saturate_cast = saturate_cast
dtypes.as_string = as_string
NoGradient = NotDifferentiable
OpError = errors.OpError
floor_div = floordiv
initialize_variables = variables_initializer
dimension_value = compat.dimension_value
dimension_at_index = compat.dimension_at_index
no_gradient = NotDifferentiable
tensor_scatter_add = tensor_scatter_nd_add
tensor_scatter_sub = tensor_scatter_nd_sub
tensor_scatter_update = tensor_scatter_nd_update


# Subpackages loaded on first use, as TensorFlow's LazyLoader loads tf.contrib: contrib sits
# above the datasets (contrib.learn.datasets.mnist) so importing it eagerly would pull the
# application layer into ``import smallflow``; the others (the autograph converter, the
# distribution strategies and MPI collectives, Keras, estimators, distributions, the
# profiler) are a third of the modules and of the import time that most programs never use.
# Their op types load with them on first lookup (registry.LAZY_OP_MODULES).
_LAZY_SUBPACKAGES = frozenset(("autograph", "contrib", "distribute", "distributions",
                               "estimator", "keras", "profiler"))


def __getattr__(name):
    if name in _LAZY_SUBPACKAGES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name == "GradientTape":  # eager execution's module, loaded on first use
        from .eager.tape import GradientTape

        globals()["GradientTape"] = GradientTape
        return GradientTape
    # tf.Summary, tf.GraphDef, tf.Event, ...: TensorBoard's message classes, loaded on use.
    return tb_protos.public_message(name)


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBPACKAGES)
