"""Debugging ops: ``tf.Print``, ``tf.print``, ``check_numerics``, ``Assert`` and the
``assert_*`` family. Printing happens when the op runs, on standard error by default, as in
TensorFlow; assertions raise ``InvalidArgumentError`` when they run and fail (or at build
time when both sides are known constants, as TensorFlow does)."""

import sys

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import Tensor, convert_to_tensor, get_default_graph, name_scope
from ..op_signature import ALL, FLOATS, signature, type_list
from ..registry import NotDifferentiable, RegisterGradient, register_op
from . import array_ops, control_flow_ops, math_ops
from .common import constant_value, make_op, renamed_argument

# -- formatting ---------------------------------------------------------------------------------


def _format_v1(value, summarize):
    """tf.Print's format: the first ``summarize`` entries, flattened: ``[1 2 3...]``."""
    flat = np.ravel(value)
    shown = flat[:summarize]
    items = " ".join(_item(v) for v in shown)
    more = "..." if flat.size > summarize else ""
    return f"[{items}{more}]"


def _item(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _format_v2(value, summarize):
    """tf.print's format: NumPy-like nesting with ``summarize`` entries at each end."""
    value = np.asarray(value)
    if value.dtype == object:
        value = np.vectorize(_item, otypes=[object])(value)
    if value.ndim == 0:
        return _item(value.item())
    threshold = 0 if summarize is None or summarize < 0 else summarize
    options = {"threshold": sys.maxsize} if threshold == 0 else {
        "threshold": 2 * threshold, "edgeitems": threshold}
    with np.printoptions(**options):
        return np.array2string(value, separator=" ", formatter={"object": str})


def _print_kernel(attrs, state):
    message = attrs["message"]
    first_n = attrs["first_n"]
    summarize = attrs["summarize"]
    printed = [0]

    def print_op(value, *data):
        if first_n < 0 or printed[0] < first_n:
            printed[0] += 1
            parts = "".join(_format_v1(d, summarize) for d in data)
            sys.stderr.write(f"{message}{parts}\n")
            sys.stderr.flush()
        return value

    return print_op


register_op("Print", _print_kernel, lambda op: [op.inputs[0].shape], stateful=True,
            signature=signature("input: T, data: U -> output: T", T=ALL, U=type_list(ALL)))


@RegisterGradient("Print")
def _print_grad(op, grad):
    return [grad] + [None] * (len(op.inputs) - 1)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """An identity of ``input_`` that prints ``message`` and the values of ``data`` each time
    it runs (the first ``first_n`` times; ``summarize`` entries per tensor, default 3)."""
    input_ = convert_to_tensor(input_, name="input")
    data = [convert_to_tensor(d) for d in (data or [])]
    attrs = {"message": message or "", "first_n": -1 if first_n is None else int(first_n),
             "summarize": 3 if summarize is None else int(summarize)}
    return make_op("Print", [input_, *data], [input_.dtype], attrs, name).outputs[0]


def _stream_writer(stream):
    if stream is sys.stderr or stream == "stderr":
        return lambda text: sys.stderr.write(text)
    if stream is sys.stdout or stream == "stdout":
        return lambda text: sys.stdout.write(text)
    if isinstance(stream, str) and stream.startswith("file://"):
        path = stream[len("file://"):]

        def append(text):
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(text)

        return append
    if callable(stream):
        return lambda text: stream(text.rstrip("\n"))
    if hasattr(stream, "write"):
        return stream.write
    raise ValueError(f"Unsupported output stream, logging level, or file: {stream!r}. Supported "
                     "streams are sys.stdout, sys.stderr, tf.logging functions and "
                     "'file://<path>' strings.")


def _print_v2_kernel(attrs, state):
    pieces = attrs["pieces"]
    sep = attrs["sep"]
    end = attrs["end"]
    summarize = attrs["summarize"]
    stream = attrs["output_stream"]

    def print_v2(*values):
        writer = _stream_writer(stream)
        items = []
        tensors = iter(values)
        for piece in pieces:
            items.append(_format_v2(next(tensors), summarize) if piece is None else piece)
        writer(sep.join(items) + end)
        return ()

    return print_v2


register_op("PrintV2", _print_v2_kernel, lambda op: [], stateful=True,
            signature=signature("inputs: T ->", T=type_list(ALL)))
NotDifferentiable("PrintV2")


def print_v2(*inputs, **kwargs):
    """``tf.print``: an op that prints its inputs when it runs (run it, or make it a control
    dependency). Python values are printed as they are, tensors like NumPy arrays with
    ``summarize`` entries at each end (default 3)."""
    output_stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {sorted(kwargs)}")
    _stream_writer(output_stream)  # a bad stream is refused when building, not running
    pieces = []
    tensors = []
    for item in inputs:
        if isinstance(item, Tensor) or hasattr(item, "_as_graph_element"):
            pieces.append(None)
            tensors.append(convert_to_tensor(item))
        else:
            pieces.append(str(item))
    attrs = {"pieces": pieces, "sep": sep, "end": end, "summarize": summarize,
             "output_stream": output_stream}
    return make_op("PrintV2", tensors, [], attrs, name)


# -- check_numerics ----------------------------------------------------------------------------


def _check_numerics_kernel(attrs):
    message = attrs["message"]

    def check(x):
        if np.isnan(x).any():
            raise InvalidArgumentError(None, None, f"{message} : Tensor had NaN values")
        if np.isinf(x).any():
            raise InvalidArgumentError(None, None, f"{message} : Tensor had Inf values")
        return x

    return check


register_op("CheckNumerics", _check_numerics_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("tensor: T -> output: T", T=FLOATS))


def check_numerics(tensor, message, name=None):
    """``tensor`` itself, or an InvalidArgumentError naming ``message`` if it has NaN or Inf."""
    tensor = convert_to_tensor(tensor, name="tensor")
    if not tensor.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'tensor' has DataType {tensor.dtype.name} "
                        "not in list of allowed values: bfloat16, float16, float32, float64")
    return make_op("CheckNumerics", [tensor], [tensor.dtype], {"message": str(message)},
                   name).outputs[0]


@RegisterGradient("CheckNumerics")
def _check_numerics_grad(op, grad):
    message = ("Not a number (NaN) or infinity (Inf) values detected in gradient. "
               + op.attrs["message"])
    return check_numerics(grad, message)


def add_check_numerics_ops():
    """One op that checks every floating-point output in the default graph for NaN/Inf."""
    graph = get_default_graph()
    checks = []
    for op in graph.get_operations():
        if op.type in ("CheckNumerics", "Placeholder") or op.type.startswith("Variable"):
            continue
        for output in op.outputs:
            if output.dtype.is_floating:
                message = f"{op.name}:{output.value_index}"
                checks.append(check_numerics(output, message).op)
    return control_flow_ops.group(*checks, name="CheckNumerics")


# -- Assert and the assert_* family ------------------------------------------------------------


def _assert_kernel(attrs, state):
    summarize = attrs["summarize"]

    def check(condition, *data):
        if not bool(np.all(condition)):
            shown = " ".join(_format_v1(d, summarize) for d in data)
            raise InvalidArgumentError(None, None, f"assertion failed: {shown}")
        return ()

    return check


register_op("Assert", _assert_kernel, lambda op: [], stateful=True,
            signature=signature("condition: bool, data: T ->", T=type_list(ALL)))
NotDifferentiable("Assert")


def Assert(condition, data, summarize=None, name=None):  # noqa: N802
    """An op that raises InvalidArgumentError showing ``data`` when ``condition`` is false."""
    with name_scope(name or "Assert"):
        condition = convert_to_tensor(condition, name="Condition")
        if condition.dtype != dtypes.bool:
            raise TypeError(f"Assert needs a bool condition, got {condition.dtype.name}")
        data = [convert_to_tensor(d) for d in data]
        attrs = {"summarize": 3 if summarize is None else int(summarize)}
        return make_op("Assert", [condition, *data], [], attrs, "Assert")


def _static_failure(condition, message, data_text):
    raise InvalidArgumentError(None, None, f"{message}\nCondition x {condition} did not hold "
                                           f"element-wise:\n{data_text}")


def _binary_assert(compare, symbol, default_name, x, y, data, summarize, message, name):
    with name_scope(name or default_name):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        prefix = f"{message} " if message else ""
        static_x, static_y = constant_value(x), constant_value(y)
        if static_x is not None and static_y is not None:
            if not np.all(compare(static_x, static_y)):
                _static_failure(f"{symbol} y", prefix.strip(),
                                f"x (shape={np.shape(static_x)}) = {static_x}\n"
                                f"y (shape={np.shape(static_y)}) = {static_y}")
            return control_flow_ops.no_op(name="static_check")
        condition = math_ops.reduce_all(_compare_tensors(compare, x, y))
        if data is None:
            data = [prefix + f"Condition x {symbol} y did not hold element-wise:",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        return Assert(condition, data, summarize=summarize)


def _compare_tensors(compare, x, y):
    table = {np.equal: math_ops.equal, np.not_equal: math_ops.not_equal,
             np.less: math_ops.less, np.less_equal: math_ops.less_equal,
             np.greater: math_ops.greater, np.greater_equal: math_ops.greater_equal}
    return table[compare](x, y)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(np.equal, "==", "assert_equal", x, y, data, summarize, message, name)


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(np.not_equal, "!=", "assert_none_equal", x, y, data, summarize,
                          message, name)


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(np.less, "<", "assert_less", x, y, data, summarize, message, name)


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(np.less_equal, "<=", "assert_less_equal", x, y, data, summarize,
                          message, name)


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(np.greater, ">", "assert_greater", x, y, data, summarize, message,
                          name)


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(np.greater_equal, ">=", "assert_greater_equal", x, y, data,
                          summarize, message, name)


def _against_zero(compare, symbol, default_name, x, data, summarize, message, name):
    with name_scope(name or default_name):
        x = convert_to_tensor(x, name="x")
        zero = array_ops.zeros([], dtype=x.dtype)
        return _binary_assert(compare, symbol, default_name, x, zero, data, summarize, message,
                              None)


def assert_positive(x, data=None, summarize=None, message=None, name=None):
    return _against_zero(np.greater, ">", "assert_positive", x, data, summarize, message, name)


def assert_negative(x, data=None, summarize=None, message=None, name=None):
    return _against_zero(np.less, "<", "assert_negative", x, data, summarize, message, name)


def assert_non_negative(x, data=None, summarize=None, message=None, name=None):
    return _against_zero(np.greater_equal, ">=", "assert_non_negative", x, data, summarize,
                         message, name)


def assert_non_positive(x, data=None, summarize=None, message=None, name=None):
    return _against_zero(np.less_equal, "<=", "assert_non_positive", x, data, summarize,
                         message, name)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None,
                name=None):
    """``|x - y| <= atol + rtol * |y|`` elementwise (default tolerances: 10 eps of the dtype)."""
    with name_scope(name or "assert_near"):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        eps = np.finfo(x.dtype.as_numpy_dtype).eps
        rtol = 10 * eps if rtol is None else rtol
        atol = 10 * eps if atol is None else atol
        tolerance = atol + rtol * math_ops.abs(y)
        close = math_ops.reduce_all(math_ops.less_equal(math_ops.abs(x - y), tolerance))
        prefix = f"{message} " if message else ""
        if data is None:
            data = [prefix + f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
                    "x = ", x, "y = ", y]
        return Assert(close, data, summarize=summarize)


def _rank_assert(x, ranks, default_name, what, dynamic, data, summarize, message, name):
    """TF1's rank checks: decided when the graph is built if the ranks are known (a ValueError
    on failure, else a NoOp ``static_checks_determined_all_ok``), else an ``Assert`` op that
    checks ``tf.rank(x)`` when it runs (``x`` fed with an unknown shape, say)."""
    with name_scope(name or default_name):
        x = convert_to_tensor(x, name="x")
        ranks = [convert_to_tensor(r, dtype=dtypes.int32, name="rank") for r in ranks]
        static_ranks = [constant_value(r) for r in ranks]
        for given in static_ranks:
            if given is not None and np.ndim(given) != 0:
                raise ValueError("Rank must be a scalar.")
        actual = x.shape.ndims
        wanted = [int(r) for r in static_ranks] if None not in static_ranks else None
        if actual is not None and wanted is not None:
            shown = wanted[0] if len(wanted) == 1 else tuple(wanted)
            if not dynamic.static(actual, wanted):
                prefix = f"{message}.  " if message else ""
                raise ValueError(f"{prefix}Tensor {x.name} must have {what} {shown}.  "
                                 f"Received rank {actual}, shape {x.shape}")
            return control_flow_ops.no_op(name="static_checks_determined_all_ok")
        x_rank = array_ops.rank(x)
        checks = [dynamic.graph(x_rank, r) for r in ranks]
        condition = checks[0]
        for check in checks[1:]:
            condition = math_ops.logical_or(condition, check)
        if data is None:
            data = [message or "", f"Tensor {x.name} must have {what}", *ranks,
                    "Received shape: ", array_ops.shape(x)]
        return Assert(condition, data, summarize=summarize)


class _RankTest:
    """A rank condition as a static test on ints and as graph ops on rank tensors."""

    def __init__(self, static, graph):
        self.static = static
        self.graph = graph


_RANK_IS = _RankTest(lambda actual, wanted: actual == wanted[0], math_ops.equal)
_RANK_AT_LEAST = _RankTest(lambda actual, wanted: actual >= wanted[0], math_ops.greater_equal)
_RANK_IN = _RankTest(lambda actual, wanted: actual in wanted, math_ops.equal)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """``x`` must have rank ``rank``: checked now when known, else when the op runs."""
    return _rank_assert(x, [rank], "assert_rank", "rank", _RANK_IS, data, summarize, message,
                        name)


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    return _rank_assert(x, [rank], "assert_rank_at_least", "rank at least", _RANK_AT_LEAST,
                        data, summarize, message, name)


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    return _rank_assert(x, list(ranks), "assert_rank_in", "rank in", _RANK_IN, data,
                        summarize, message, name)


def assert_scalar(tensor, name=None, message=None):
    tensor = convert_to_tensor(tensor, name="tensor")
    if tensor.shape.ndims != 0:
        raise ValueError(f"{message + ' ' if message else ''}Expected scalar shape for "
                         f"{tensor.name}, saw shape: {tensor.shape}.")
    return tensor


def assert_type(tensor, tf_type, message=None, name=None):
    tensor = convert_to_tensor(tensor, name="tensor")
    expected = dtypes.as_dtype(tf_type)
    if tensor.dtype != expected:
        raise TypeError(f"{message + ' ' if message else ''}{tensor.name} must be of type "
                        f"{expected!r}; got {tensor.dtype!r}")
    return control_flow_ops.no_op(name=name or "assert_type")


def assert_integer(x, message=None, name=None):
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_integer:
        raise TypeError(f"{message + ' ' if message else ''}Expected integer type for tensor "
                        f"{x.name}, got dtype {x.dtype.name}")
    return control_flow_ops.no_op(name=name or "assert_integer")


def assert_same_float_dtype(tensors=None, dtype=None):
    """The common floating dtype of ``tensors`` (and ``dtype``); ValueError if they differ."""
    found = dtypes.as_dtype(dtype) if dtype is not None else None
    for tensor in tensors or []:
        tensor_dtype = convert_to_tensor(tensor).dtype
        if found is None:
            found = tensor_dtype
        elif tensor_dtype != found:
            raise ValueError(f"Expected {found.name}, got {tensor_dtype.name} for tensor "
                             f"{tensor}.")
    found = found or dtypes.float32
    if not found.is_floating:
        raise ValueError(f"Expected floating point type, got {found!r}.")
    return found


def assert_proper_iterable(values):
    if isinstance(values, Tensor | np.ndarray | str | bytes) or not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument 'values' to be a \"proper\" iterable.  Found: "
                        f"{type(values)}")


def assert_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """``t`` after checking it has no NaN or Inf (``verify_tensor_all_finite``); ``x`` and
    ``message`` are TensorFlow 2's names of ``t`` and ``msg``, accepted as in 1.15."""
    t = renamed_argument("x", x, "t", t)
    msg = renamed_argument("message", message, "msg", msg)
    with name_scope(name or "VerifyFinite"):
        t = convert_to_tensor(t, name="t")
        return check_numerics(t, message=msg)


verify_tensor_all_finite = assert_all_finite


def is_numeric_tensor(tensor):
    return isinstance(tensor, Tensor) and (tensor.dtype.is_floating or tensor.dtype.is_integer
                                           or tensor.dtype.is_complex)


def _monotone(x, strict, name, default_name):
    with name_scope(name or default_name):
        x = array_ops.reshape(convert_to_tensor(x, name="x"), [-1])
        left, right = x[:-1], x[1:]
        compare = math_ops.less if strict else math_ops.less_equal
        return math_ops.reduce_all(compare(left, right))


def is_non_decreasing(x, name=None):
    return _monotone(x, False, name, "is_non_decreasing")


def is_strictly_increasing(x, name=None):
    return _monotone(x, True, name, "is_strictly_increasing")
