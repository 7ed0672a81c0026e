"""One converter per smallflow op type: ``convert(ctx, op)`` appends the ONNX nodes (opset 13).

A converter reads its inputs with ``ctx.name(tensor)`` (or ``ctx.value(tensor)`` when the
input was folded to a constant and is better stored transformed, like a convolution filter)
and writes its op's outputs under ``display_name(output)``.
"""

import numpy as np

from smallflow.onnx._common import UnsupportedOpError, display_name

# TensorFlow NHWC <-> ONNX NCHW.
_TO_NCHW = [0, 3, 1, 2]
_TO_NHWC = [0, 2, 3, 1]
# A conv2d filter [height, width, in, out] as ONNX's [out, in, height, width].
_HWIO_TO_OIHW = (3, 2, 0, 1)

_PADDING = {"SAME": "SAME_UPPER", "VALID": "VALID"}


def _out(op, index=0):
    return display_name(op.outputs[index])


def _fail(op, reason):
    raise UnsupportedOpError(op, reason)


def _attr(op, name, default=None):
    return op.attrs.get(name, default)


def _constant_input(ctx, op, index, what):
    """The folded value of input ``index`` (an axis, a permutation, ...), or a clear error."""
    value = ctx.value(op.inputs[index])
    if value is None:
        _fail(op, f"its {what} must be a constant (it depends on the inputs)")
    return value


def _axis_argument(ctx, op, attr, index, what):
    """An axis given as attribute ``attr`` (smallflow) or as constant input ``index`` (TF)."""
    if attr in op.attrs:
        return op.attrs[attr]
    if len(op.inputs) > index:
        return _constant_input(ctx, op, index, what)
    return None


def _int64(values):
    return np.asarray(values, dtype=np.int64).reshape(-1)


# -- element-wise ----------------------------------------------------------------------------

_UNARY = {
    "Abs": "Abs",
    "Ceil": "Ceil",
    "Elu": "Elu",
    "Exp": "Exp",
    "Floor": "Floor",
    "Log": "Log",
    "LogicalNot": "Not",
    "Neg": "Neg",
    "Reciprocal": "Reciprocal",
    "Relu": "Relu",
    "Round": "Round",
    "Sigmoid": "Sigmoid",
    "Sign": "Sign",
    "Softplus": "Softplus",
    "Softsign": "Softsign",
    "Sqrt": "Sqrt",
    "Tanh": "Tanh",
}

_BINARY = {
    "Add": "Add",
    "AddV2": "Add",
    "Sub": "Sub",
    "Mul": "Mul",
    "RealDiv": "Div",
    "Div": "Div",
    "Maximum": "Max",
    "Minimum": "Min",
    "Pow": "Pow",
    "Equal": "Equal",
    "Greater": "Greater",
    "Less": "Less",
    "LogicalAnd": "And",
    "LogicalOr": "Or",
}


def _unary(onnx_type):
    def convert(ctx, op):
        ctx.node(onnx_type, [ctx.name(op.inputs[0])], [_out(op)], op.name)

    return convert


def _binary(onnx_type):
    def convert(ctx, op):
        inputs = [ctx.name(op.inputs[0]), ctx.name(op.inputs[1])]
        ctx.node(onnx_type, inputs, [_out(op)], op.name)

    return convert


def _identity(ctx, op):
    ctx.node("Identity", [ctx.name(op.inputs[0])], [_out(op)], op.name)


def _square(ctx, op):
    x = ctx.name(op.inputs[0])
    ctx.node("Mul", [x, x], [_out(op)], op.name)


def _squared_difference(ctx, op):
    difference = ctx.temp("Sub", [ctx.name(op.inputs[0]), ctx.name(op.inputs[1])], op.name)
    ctx.node("Mul", [difference, difference], [_out(op)], op.name)


def _rsqrt(ctx, op):
    root = ctx.temp("Sqrt", [ctx.name(op.inputs[0])], op.name)
    ctx.node("Reciprocal", [root], [_out(op)], op.name)


def _not_equal(ctx, op):
    equal = ctx.temp("Equal", [ctx.name(op.inputs[0]), ctx.name(op.inputs[1])], op.name)
    ctx.node("Not", [equal], [_out(op)], op.name)


def _greater_equal(ctx, op):
    less = ctx.temp("Less", [ctx.name(op.inputs[0]), ctx.name(op.inputs[1])], op.name)
    ctx.node("Not", [less], [_out(op)], op.name)


def _less_equal(ctx, op):
    greater = ctx.temp("Greater", [ctx.name(op.inputs[0]), ctx.name(op.inputs[1])], op.name)
    ctx.node("Not", [greater], [_out(op)], op.name)


def _relu6(ctx, op):
    dtype = op.inputs[0].dtype.as_numpy_dtype
    low = ctx.constant(np.array(0, dtype=dtype), op.name)
    high = ctx.constant(np.array(6, dtype=dtype), op.name)
    ctx.node("Clip", [ctx.name(op.inputs[0]), low, high], [_out(op)], op.name)


def _leaky_relu(ctx, op):
    alpha = float(_attr(op, "alpha", 0.2))
    ctx.node("LeakyRelu", [ctx.name(op.inputs[0])], [_out(op)], op.name, alpha=alpha)


def _softmax(onnx_type):
    def convert(ctx, op):
        # Opset 13: normalises along the one axis given, as TensorFlow does (the last).
        ctx.node(onnx_type, [ctx.name(op.inputs[0])], [_out(op)], op.name, axis=-1)

    return convert


def _cast(ctx, op):
    import onnx

    target = np.dtype(op.attrs["DstT"].as_numpy_dtype)
    onnx_type = onnx.helper.np_dtype_to_tensor_dtype(target)
    ctx.node("Cast", [ctx.name(op.inputs[0])], [_out(op)], op.name, to=onnx_type)


# -- matrices and shapes ---------------------------------------------------------------------


def _transposed(ctx, op, index, permutation):
    """Input ``index`` with its axes permuted: folded at export time when constant."""
    value = ctx.value(op.inputs[index])
    if value is not None:
        return ctx.constant(np.transpose(value, permutation), op.inputs[index].op.name)
    return ctx.temp("Transpose", [ctx.name(op.inputs[index])], op.name, perm=list(permutation))


def _matmul(ctx, op):
    operands = []
    for index, flag in ((0, "transpose_a"), (1, "transpose_b")):
        if _attr(op, flag, False):
            operands.append(_transposed(ctx, op, index, (1, 0)))
        else:
            operands.append(ctx.name(op.inputs[index]))
    ctx.node("MatMul", operands, [_out(op)], op.name)


def _bias_add(ctx, op):
    x = ctx.name(op.inputs[0])
    if _attr(op, "data_format", "NHWC") == "NCHW" and op.inputs[0].shape.ndims != 2:
        rank = op.inputs[0].shape.ndims
        if rank is None:
            _fail(op, "NCHW bias_add needs an input of known rank")
        shape = ctx.constant(_int64([-1] + [1] * (rank - 2)), op.name)
        bias = ctx.temp("Reshape", [ctx.name(op.inputs[1]), shape], op.name)
    else:
        bias = ctx.name(op.inputs[1])
    ctx.node("Add", [x, bias], [_out(op)], op.name)


def _reshape(ctx, op):
    shape = ctx.value(op.inputs[1])
    if shape is not None:
        if 0 in np.asarray(shape).reshape(-1):
            _fail(
                op,
                "a target shape with a zero-size dimension (ONNX opset 13 reads 0 "
                "as 'copy this dimension')",
            )
        shape_name = ctx.constant(_int64(shape), op.name)
    else:
        shape_name = ctx.temp("Cast", [ctx.name(op.inputs[1])], op.name, to=7)  # INT64
    ctx.node("Reshape", [ctx.name(op.inputs[0]), shape_name], [_out(op)], op.name)


def _squeeze(ctx, op):
    axes = _attr(op, "squeeze_dims", None)
    if axes is None:
        axes = _attr(op, "axis", ())
    inputs = [ctx.name(op.inputs[0])]
    if len(axes):
        inputs.append(ctx.constant(_int64(axes), op.name))
    ctx.node("Squeeze", inputs, [_out(op)], op.name)


def _expand_dims(ctx, op):
    axis = _axis_argument(ctx, op, "axis", 1, "axis")
    axes = ctx.constant(_int64(axis), op.name)
    ctx.node("Unsqueeze", [ctx.name(op.inputs[0]), axes], [_out(op)], op.name)


def _transpose(ctx, op):
    permutation = _axis_argument(ctx, op, "perm", 1, "permutation")
    if permutation is None:
        ctx.node("Transpose", [ctx.name(op.inputs[0])], [_out(op)], op.name)
        return
    perm = [int(p) for p in np.asarray(permutation).reshape(-1)]
    ctx.node("Transpose", [ctx.name(op.inputs[0])], [_out(op)], op.name, perm=perm)


def _concat(ctx, op):
    if "axis" in op.attrs:
        values, axis = op.inputs, op.attrs["axis"]
    else:
        values = op.inputs[:-1]
        axis = _constant_input(ctx, op, len(op.inputs) - 1, "axis")
    names = [ctx.name(t) for t in values]
    ctx.node("Concat", names, [_out(op)], op.name, axis=int(axis))


def _pack(ctx, op):
    axis = int(_attr(op, "axis", 0))
    axes = ctx.constant(_int64(axis), op.name)
    parts = [ctx.temp("Unsqueeze", [ctx.name(t), axes], op.name) for t in op.inputs]
    ctx.node("Concat", parts, [_out(op)], op.name, axis=axis)


def _shape(ctx, op):
    import onnx

    shape = ctx.temp("Shape", [ctx.name(op.inputs[0])], op.name)
    target = np.dtype(_attr(op, "out_type").as_numpy_dtype) if "out_type" in op.attrs else None
    to = onnx.helper.np_dtype_to_tensor_dtype(target or np.dtype(np.int32))
    ctx.node("Cast", [shape], [_out(op)], op.name, to=to)


# -- reductions ------------------------------------------------------------------------------

_REDUCTIONS = {
    "Mean": "ReduceMean",
    "Sum": "ReduceSum",
    "Max": "ReduceMax",
    "Min": "ReduceMin",
    "Prod": "ReduceProd",
}


def _reduction(onnx_type):
    def convert(ctx, op):
        axes = _axis_argument(ctx, op, "axes", 1, "reduction axes")
        keep = int(bool(_attr(op, "keep_dims", False)))
        inputs = [ctx.name(op.inputs[0])]
        if axes is not None and len(_int64(axes)) == 0:
            # TensorFlow reduces over no axis: the input unchanged.
            ctx.node("Identity", inputs, [_out(op)], op.name)
            return
        attrs = {"keepdims": keep}
        if axes is not None:
            if onnx_type == "ReduceSum":  # opset 13 moved only ReduceSum's axes to an input
                inputs.append(ctx.constant(_int64(axes), op.name))
            else:
                attrs["axes"] = [int(a) for a in _int64(axes)]
        ctx.node(onnx_type, inputs, [_out(op)], op.name, **attrs)

    return convert


def _arg(onnx_type):
    def convert(ctx, op):
        axis = _axis_argument(ctx, op, "axis", 1, "axis")
        axis = 0 if axis is None else int(np.asarray(axis).reshape(-1)[0])
        output_type = _attr(op, "output_type")
        as_int32 = output_type is not None and output_type.name == "int32"
        target = ctx.fresh(op.name) if as_int32 else _out(op)
        ctx.node(onnx_type, [ctx.name(op.inputs[0])], [target], op.name, axis=axis, keepdims=0)
        if as_int32:
            ctx.node("Cast", [target], [_out(op)], op.name, to=6)  # INT32

    return convert


# -- convolution and pooling -----------------------------------------------------------------


def _spatial(op, attr, default, data_format):
    """The height/width entries of a 4-element NHWC or NCHW attribute."""
    values = list(_attr(op, attr, default))
    if len(values) != 4:
        _fail(op, f"{attr} must have 4 entries, got {values}")
    return values[1:3] if data_format == "NHWC" else values[2:4]


def _padding(op):
    padding = _attr(op, "padding", "VALID")
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding not in _PADDING:
        _fail(op, f"padding {padding!r} (the exporter maps SAME and VALID)")
    return _PADDING[padding]


def _data_format(op):
    data_format = _attr(op, "data_format", "NHWC")
    if isinstance(data_format, bytes):
        data_format = data_format.decode()
    if data_format not in ("NHWC", "NCHW"):
        _fail(op, f"data_format {data_format!r}")
    return data_format


def _in_nchw(ctx, op, body):
    """Run ``body(x_nchw) -> y_nchw name`` on input 0, transposing around it for NHWC."""
    data_format = _data_format(op)
    x = ctx.name(op.inputs[0])
    if data_format == "NCHW":
        result = body(x)
        ctx.node("Identity", [result], [_out(op)], op.name)
        return
    x_nchw = ctx.temp("Transpose", [x], op.name, perm=_TO_NCHW)
    ctx.node("Transpose", [body(x_nchw)], [_out(op)], op.name, perm=_TO_NHWC)


def _conv2d(ctx, op):
    data_format = _data_format(op)
    strides = _spatial(op, "strides", [1, 1, 1, 1], data_format)
    dilations = _spatial(op, "dilations", [1, 1, 1, 1], data_format)
    auto_pad = _padding(op)
    weights = _transposed(ctx, op, 1, _HWIO_TO_OIHW)

    def body(x_nchw):
        return ctx.temp(
            "Conv",
            [x_nchw, weights],
            op.name,
            strides=strides,
            dilations=dilations,
            auto_pad=auto_pad,
        )

    _in_nchw(ctx, op, body)


def _pool(onnx_type):
    def convert(ctx, op):
        data_format = _data_format(op)
        kernel = _spatial(op, "ksize", None, data_format)
        strides = _spatial(op, "strides", None, data_format)
        auto_pad = _padding(op)
        # AveragePool's default count_include_pad=0 divides by the pixels inside the image,
        # as TensorFlow's SAME average pooling does.

        def body(x_nchw):
            return ctx.temp(
                onnx_type,
                [x_nchw],
                op.name,
                kernel_shape=kernel,
                strides=strides,
                auto_pad=auto_pad,
            )

        _in_nchw(ctx, op, body)

    return convert


CONVERTERS = {
    **{tf_type: _unary(onnx_type) for tf_type, onnx_type in _UNARY.items()},
    **{tf_type: _binary(onnx_type) for tf_type, onnx_type in _BINARY.items()},
    **{tf_type: _reduction(onnx_type) for tf_type, onnx_type in _REDUCTIONS.items()},
    "ArgMax": _arg("ArgMax"),
    "ArgMin": _arg("ArgMin"),
    "AvgPool": _pool("AveragePool"),
    "BiasAdd": _bias_add,
    "Cast": _cast,
    "ConcatV2": _concat,
    "Conv2D": _conv2d,
    "Dropout": _identity,  # inference: dropout keeps everything
    "ExpandDims": _expand_dims,
    "GreaterEqual": _greater_equal,
    "Identity": _identity,
    "LeakyRelu": _leaky_relu,
    "LessEqual": _less_equal,
    "LogSoftmax": _softmax("LogSoftmax"),
    "MatMul": _matmul,
    "MaxPool": _pool("MaxPool"),
    "NotEqual": _not_equal,
    "Pack": _pack,
    "PlaceholderWithDefault": _identity,  # not an input: its default
    "Relu6": _relu6,
    "Reshape": _reshape,
    "Rsqrt": _rsqrt,
    "Shape": _shape,
    "Snapshot": _identity,
    "Softmax": _softmax("Softmax"),
    "Square": _square,
    "SquaredDifference": _squared_difference,
    "Squeeze": _squeeze,
    "StopGradient": _identity,
    "Transpose": _transpose,
}
