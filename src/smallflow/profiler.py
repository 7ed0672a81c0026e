"""``tf.profiler``: TensorFlow 1.x's model analyzer (tfprof) for parameter and FLOP counts.

``tf.profiler.profile(graph, options=ProfileOptionBuilder.trainable_variables_parameter())``
and ``...float_operation()`` are what TF1 programs use to count a model's parameters and
floating-point operations. The counts follow TensorFlow's rules: a trainable variable has
as many parameters as elements; an op's FLOPs come from TensorFlow's per-op formulas (below,
restated), and ops whose shapes are not all known count nothing (TensorFlow says how many on
stderr). The scope view nests nodes by name (name scopes with no op of their own show
``--``), keeps the nodes the options account for and whose own value reaches the ``min_*``
threshold, sums totals over what it shows, sorts children by ``order_by``, prints
TensorFlow's report to stdout (``output="none"`` or ``"file:outfile=..."`` otherwise) and
returns the root as a ``GraphNodeProto``-like object (``total_parameters``,
``total_float_ops``, ``children``, ...). Timing and memory views need TensorFlow's run
metadata collection and are not provided.
"""

import re
import sys

import numpy as np

from .graph import GraphKeys, get_default_graph

__all__ = ["GraphNodeProto", "ProfileOptionBuilder", "Profiler", "advise", "profile",
           "write_op_log"]

_DEFAULTS = {
    "max_depth": 100, "min_bytes": 0, "min_micros": 0, "min_params": 0, "min_float_ops": 0,
    "min_occurrence": 0, "order_by": "name", "account_type_regexes": [".*"],
    "start_name_regexes": [".*"], "trim_name_regexes": [], "show_name_regexes": [".*"],
    "hide_name_regexes": [], "account_displayed_op_only": False, "select": ["micros"],
    "step": -1, "output": "stdout",
}

_ORDER = ["max_depth", "min_bytes", "min_peak_bytes", "min_residual_bytes",
          "min_output_bytes", "min_micros", "min_accelerator_micros", "min_cpu_micros",
          "min_params", "min_float_ops", "min_occurrence", "step", "order_by",
          "account_type_regexes", "start_name_regexes", "trim_name_regexes",
          "show_name_regexes", "hide_name_regexes", "account_displayed_op_only", "select",
          "output"]

_TRAINABLE = "_trainable_variables"


class ProfileOptionBuilder:
    """Options for ``profile``: the three presets and the chainable setters of TF1."""

    def __init__(self, options=None):
        self._options = dict(_DEFAULTS) if options is None else dict(options)

    @staticmethod
    def trainable_variables_parameter():
        return {"max_depth": 10000, "min_bytes": 0, "min_micros": 0, "min_params": 0,
                "min_float_ops": 0, "min_occurrence": 0, "order_by": "name",
                "account_type_regexes": [_TRAINABLE], "start_name_regexes": [".*"],
                "trim_name_regexes": [], "show_name_regexes": [".*"],
                "hide_name_regexes": [], "account_displayed_op_only": True,
                "select": ["params"], "step": -1, "output": "stdout"}

    @staticmethod
    def float_operation():
        return {"max_depth": 10000, "min_bytes": 0, "min_micros": 0, "min_params": 0,
                "min_float_ops": 1, "min_occurrence": 0, "order_by": "float_ops",
                "account_type_regexes": [".*"], "start_name_regexes": [".*"],
                "trim_name_regexes": [], "show_name_regexes": [".*"],
                "hide_name_regexes": [], "account_displayed_op_only": True,
                "select": ["float_ops"], "step": -1, "output": "stdout"}

    @staticmethod
    def time_and_memory(min_micros=1, min_bytes=1, min_accelerator_micros=0,
                        min_cpu_micros=0, min_peak_bytes=0, min_residual_bytes=0,
                        min_output_bytes=0):
        return {"max_depth": 10000, "min_bytes": min_bytes, "min_micros": min_micros,
                "min_params": 0, "min_float_ops": 0, "min_occurrence": 0,
                "order_by": "micros", "account_type_regexes": [".*"],
                "start_name_regexes": [".*"], "trim_name_regexes": [],
                "show_name_regexes": [".*"], "hide_name_regexes": [],
                "account_displayed_op_only": True, "select": ["micros", "bytes"],
                "step": -1, "output": "stdout"}

    def build(self):
        return dict(self._options)

    def _set(self, key, value):
        self._options[key] = value
        return self

    def with_max_depth(self, max_depth):
        return self._set("max_depth", max_depth)

    def with_min_parameters(self, min_params):
        return self._set("min_params", min_params)

    def with_min_float_operations(self, min_float_ops):
        return self._set("min_float_ops", min_float_ops)

    def with_min_occurrence(self, min_occurrence):
        return self._set("min_occurrence", min_occurrence)

    def with_min_memory(self, min_bytes=0, **unused):
        return self._set("min_bytes", min_bytes)

    def with_min_execution_time(self, min_micros=0, **unused):
        return self._set("min_micros", min_micros)

    def select(self, attributes):
        return self._set("select", list(attributes))

    def order_by(self, attribute):
        return self._set("order_by", attribute)

    def account_displayed_op_only(self, is_true):
        return self._set("account_displayed_op_only", bool(is_true))

    def with_accounted_types(self, account_type_regexes):
        return self._set("account_type_regexes", list(account_type_regexes))

    def with_node_names(self, start_name_regexes=None, show_name_regexes=None,
                        hide_name_regexes=None, trim_name_regexes=None):
        for key, value in (("start_name_regexes", start_name_regexes),
                           ("show_name_regexes", show_name_regexes),
                           ("hide_name_regexes", hide_name_regexes),
                           ("trim_name_regexes", trim_name_regexes)):
            if value is not None:
                self._options[key] = list(value)
        return self

    def with_empty_output(self):
        return self._set("output", "none")

    def with_stdout_output(self):
        return self._set("output", "stdout")

    def with_file_output(self, outfile):
        return self._set("output", f"file:outfile={outfile}")

    def with_timeline_output(self, timeline_file):
        return self._set("output", f"timeline:outfile={timeline_file}")

    def with_step(self, step):
        return self._set("step", step)


class GraphNodeProto:
    """One node of the report: its own and total values, shapes and shown children."""

    def __init__(self, name):
        self.name = name
        self.parameters = 0
        self.total_parameters = 0
        self.float_ops = 0
        self.total_float_ops = 0
        self.exec_micros = self.total_exec_micros = 0
        self.requested_bytes = self.total_requested_bytes = 0
        self.run_count = self.total_run_count = 0
        self.shapes = []
        self.children = []
        self.tensor_value = None

    def __repr__(self):
        return (f"GraphNodeProto(name={self.name!r}, total_parameters={self.total_parameters}, "
                f"total_float_ops={self.total_float_ops}, children={len(self.children)})")


# -- TensorFlow's per-op FLOP formulas -----------------------------------------------------


class _Incomplete(Exception):
    pass


def _elements(shape):
    if shape.ndims is None or not shape.is_fully_defined():
        raise _Incomplete
    return int(np.prod(shape.as_list(), dtype=np.int64))


def _in(op, index=0):
    return op.inputs[index].shape


def _out(op):
    return op.outputs[0].shape


def _attr(op, name, default=None):
    try:
        return op.get_attr(name)
    except (KeyError, ValueError, AttributeError):
        return default


def _reduction(op, reduce_flops, finalize_flops):
    return (_elements(_in(op)) * reduce_flops
            + _elements(_out(op)) * (finalize_flops - reduce_flops))


def _conv(op, depth_index, kernel_dims):
    _elements(_in(op))
    filters = _in(op, 1)
    _elements(filters)
    dims = filters.as_list()
    kernel = int(np.prod(dims[:kernel_dims]))
    depth = dims[depth_index] if depth_index is not None else 1
    return _elements(_out(op)) * depth * kernel * 2


def _conv_backprop(op, image_index, kernel_from_output):
    strides = _attr(op, "strides", [1, 1, 1, 1])
    if kernel_from_output:
        image, kernel = _in(op, image_index), _out(op)
    else:
        image, kernel = _out(op), _in(op, 1)
    image_count, kernel_count = _elements(image), _elements(kernel)
    return 2 * image_count * kernel_count / (image.as_list()[-1] * strides[1] * strides[2])


def _matmul(op, batch):
    a = _in(op)
    _elements(a)
    transpose = _attr(op, "adj_x" if batch else "transpose_a", False)
    dims = a.as_list()
    k = (dims[-2] if transpose else dims[-1]) if batch else (dims[0] if transpose else dims[1])
    return k * _elements(_out(op)) * 2


def _pool(op):
    return int(np.prod(_attr(op, "ksize", [1]))) * _elements(_out(op))


_UNARY = {"Reciprocal": 1, "Square": 1, "Rsqrt": 2, "Log": 1, "Neg": 1, "AssignSub": 1,
          "AssignAdd": 1, "Softmax": 5}
_BINARY = {"Add": 1, "AddV2": 1, "Sub": 1, "Mul": 1, "RealDiv": 1, "Maximum": 1,
           "Minimum": 1, "Pow": 1, "RsqrtGrad": 4, "GreaterEqual": 1, "Greater": 1,
           "LessEqual": 1, "Less": 1, "Equal": 1, "NotEqual": 1, "SquaredDifference": 2}
_SPECIAL = {
    "L2Loss": lambda op: _elements(_in(op)) * 3 - 1,
    "Mean": lambda op: _reduction(op, 1, 1),
    "Sum": lambda op: _reduction(op, 1, 0),
    "ArgMax": lambda op: _reduction(op, 1, 0),
    "ArgMin": lambda op: _reduction(op, 1, 0),
    "BiasAddGrad": lambda op: _reduction(op, 1, 0),
    "AvgPool": _pool,
    "MaxPool": _pool,
    "AvgPoolGrad": lambda op: int(np.prod(_attr(op, "ksize", [1]))) * _elements(_in(op, 1)) * 2,
    "MaxPoolGrad": lambda op: (int(np.prod(_attr(op, "ksize", [1]))) + 1)
    * _elements(_in(op, 1)),
    "Conv2DBackpropInput": lambda op: _conv_backprop(op, 0, False),
    "Conv2DBackpropFilter": lambda op: _conv_backprop(op, 0, True),
    "AddN": lambda op: _elements(_in(op)) * (len(op.inputs) - 1) if op.inputs else 0,
    "MatMul": lambda op: _matmul(op, False),
    "BatchMatMul": lambda op: _matmul(op, True),
    "BatchMatMulV2": lambda op: _matmul(op, True),
    "Conv2D": lambda op: _conv(op, 2, 2),
    "Conv3D": lambda op: _conv(op, 3, 3),
    "DepthwiseConv2dNative": lambda op: _conv(op, None, 2),
    "BiasAdd": lambda op: _elements(_in(op)),
    # smallflow's own gradient ops count as the TensorFlow ops they stand for: a broadcast's
    # gradient is TensorFlow's Sum over the broadcast axes (a reduction: input - output
    # elements), a mean's gradient its Tile and truediv (one division per element).
    "ReduceToShapeOf": lambda op: _elements(_in(op)) - _elements(_out(op)),
    "BroadcastToShapeOf": lambda op: _elements(_out(op)) if _attr(op, "mean") else 0,
    # TensorFlow's softmax_cross_entropy_with_logits wrapper adds three scalar Subs (rank
    # arithmetic of its flattening) that count one FLOP each; smallflow's has none.
    "SoftmaxCrossEntropyWithLogits": lambda op: 3,
}


def _flops(op):
    """The op's FLOPs by TensorFlow's formula; None when it has none registered; raises
    _Incomplete when the shapes it needs are not all known."""
    if op.type in _UNARY:
        return _elements(_in(op)) * _UNARY[op.type]
    if op.type in _BINARY:
        return _elements(_out(op)) * _BINARY[op.type]
    rule = _SPECIAL.get(op.type)
    return None if rule is None else int(rule(op))


# -- the scope view ------------------------------------------------------------------------


class _Node:
    def __init__(self, name, op=None):
        self.name = name
        self.op = op
        self.children = {}
        self.params = 0
        self.flops = 0
        self.types = set()
        self.shape = None


def _matches_any(patterns, text):
    return any(re.fullmatch(p, text) for p in patterns)


def _build_tree(graph, options):
    trainable = {v.op.name for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)}
    root = _Node("_TFProfRoot")
    nodes = {}
    missing = 0
    for op in graph.get_operations():
        node = _Node(op.name, op)
        node.types = {op.type}
        if op.name in trainable:
            node.types.add(_TRAINABLE)
        if op.type in ("Variable", "VariableV2", "VarHandleOp"):
            shape = op.outputs[0].shape
            if op.type == "VarHandleOp":
                shape = _attr(op, "shape", shape)
            if shape.ndims is not None and shape.is_fully_defined():
                node.params = int(np.prod(shape.as_list(), dtype=np.int64))
                node.shape = shape.as_list()
        try:  # counted in every view, as TensorFlow (which reports the missing ones each time)
            node.flops = _flops(op) or 0
        except _Incomplete:
            missing += 1
        nodes[op.name] = node
    if missing:
        sys.stderr.write(f"{missing} ops no flops stats due to incomplete shapes.\n")
    for name in sorted(nodes):
        parent = root
        parts = name.split("/")
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            child = parent.children.get(prefix)
            if child is None:
                child = nodes.get(prefix) or _Node(prefix)
                parent.children[prefix] = child
            parent = child
        parent.children[name] = nodes[name]
    return root


def _own(node, key):
    return node.params if key == "params" else node.flops


def _accounted(node, options):
    if node.op is None:
        return True
    return any(_matches_any(options["account_type_regexes"], t) for t in node.types)


def _accounts_below(node, options):
    return any((child.op is not None and _accounted(child, options))
               or _accounts_below(child, options) for child in node.children.values())


def _shown(node, options, depth):
    if depth > options["max_depth"]:
        return False
    if node.op is not None and not _accounted(node, options):
        return False
    if node.op is None and not _accounts_below(node, options):
        return False  # a name scope is shown only above something the options count
    if not _matches_any(options["show_name_regexes"], node.name):
        return False
    if options["hide_name_regexes"] and _matches_any(options["hide_name_regexes"], node.name):
        return False
    return node.params >= options["min_params"] and node.flops >= options["min_float_ops"]


def _report(node, options, depth):
    """The shown nodes below ``node`` as GraphNodeProtos (hidden nodes give their shown
    descendants to the nearest shown ancestor), with their totals."""
    shown = []
    for child in node.children.values():
        if _shown(child, options, depth + 1):
            proto = GraphNodeProto(child.name)
            proto.parameters, proto.float_ops = child.params, child.flops
            proto.shapes = [child.shape] if child.shape is not None else []
            proto._pseudo = child.op is None
            proto.children = _report(child, options, depth + 1)
            proto.total_parameters = proto.parameters + sum(c.total_parameters
                                                            for c in proto.children)
            proto.total_float_ops = proto.float_ops + sum(c.total_float_ops
                                                          for c in proto.children)
            shown.append(proto)
        else:
            shown.extend(_report(child, options, depth))
    key = options["order_by"]
    if key == "params":
        shown.sort(key=lambda p: (-p.total_parameters, p.name))
    elif key == "float_ops":
        shown.sort(key=lambda p: (-p.total_float_ops, p.name))
    else:
        shown.sort(key=lambda p: p.name)
    return shown


def _format_number(value):
    value = float(value)
    for limit, suffix in ((1e9, "b"), (1e6, "m"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:.2f}{suffix}"
    return f"{int(value)}"


_UNITS = {"params": ("parameters", "params", "total_parameters", "parameters"),
          "float_ops": ("float_ops", "flops", "total_float_ops", "float_ops")}
_DOCS = {"params": "param: Number of parameters (in the Variable).",
         "float_ops": "flops: Number of float operations. Note: Please read the "
                      "implementation for the math behind it."}


def _line(proto, selects, indent):
    parts = []
    for select in selects:
        _, unit, total_key, own_key = _UNITS[select]
        own = "--" if proto._pseudo else _format_number(getattr(proto, own_key))
        text = f"{own}/{_format_number(getattr(proto, total_key))} {unit}"
        if select == "params" and proto.shapes:
            text = "x".join(str(d) for d in proto.shapes[0]) + ", " + text
        parts.append(text)
    return f"{'  ' * indent}{proto.name} ({', '.join(parts)})"


def _text(root, options):
    lines = ["", "=========================Options============================="]
    for key in _ORDER:
        value = options.get(key, 0)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list | tuple):
            value = ",".join(value)
        elif key == "output" and value == "stdout":
            value = "stdout:"
        lines.append(f"{'-' + key:<28}{value}")
    lines += ["", "==================Model Analysis Report======================", "",
              "Doc:", "scope: The nodes in the model graph are organized by their names, "
              "which is hierarchical like filesystem."]
    selects = [s for s in options["select"] if s in _UNITS]
    lines += [_DOCS[s] for s in selects]
    lines += ["", "Profile:",
              "node name | " + " | ".join(f"# {_UNITS[s][0]}" for s in selects)]

    def walk(proto, indent):
        lines.append(_line(proto, selects, indent))
        for child in proto.children:
            walk(child, indent + 1)

    walk(root, 0)
    lines += ["", "======================End of Report=========================="]
    return "\n".join(lines) + "\n"


def _check_options(options):
    merged = dict(_DEFAULTS)
    merged.update(options or {})
    unsupported = [s for s in merged["select"] if s not in _UNITS]
    if unsupported:
        raise NotImplementedError(
            f"tf.profiler select={unsupported}: timing and memory views need TensorFlow's "
            "run metadata and are not provided; 'params' and 'float_ops' are")
    return merged


def _write(text, output):
    if output == "none":
        return
    if output.startswith("file:"):
        path = output.split("outfile=", 1)[1]
        from .graph_io import write_atomically

        write_atomically(path, text.encode())
        return
    sys.stdout.write(text)


def profile(graph=None, run_meta=None, op_log=None, cmd="scope", options=None):
    """Count parameters and/or FLOPs of ``graph`` (see the module's docstring)."""
    if cmd not in ("scope", "graph"):
        raise NotImplementedError(f"tf.profiler.profile(cmd={cmd!r}) is not provided; the "
                                  "'scope' view is ('graph' gives the same counts)")
    options = _check_options(options)
    graph = graph or get_default_graph()
    tree = _build_tree(graph, options)
    root = GraphNodeProto("_TFProfRoot")
    root._pseudo = True
    root.children = _report(tree, options, 0)
    root.total_parameters = sum(c.total_parameters for c in root.children)
    root.total_float_ops = sum(c.total_float_ops for c in root.children)
    _write(_text(root, options), options["output"])
    return root


class Profiler:
    """``tf.profiler.Profiler(graph)``: the same counts, asked for repeatedly."""

    def __init__(self, graph=None, op_log=None):
        self._graph = graph or get_default_graph()

    def add_step(self, step, run_meta):
        pass

    def profile_name_scope(self, options):
        return profile(self._graph, cmd="scope", options=options)

    def profile_graph(self, options):
        return profile(self._graph, cmd="graph", options=options)

    def profile_operations(self, options):
        raise NotImplementedError("Profiler.profile_operations (the op-type view) is not "
                                  "provided; use profile_name_scope")

    def profile_python(self, options):
        raise NotImplementedError("Profiler.profile_python (the code view) is not provided")

    def advise(self, options):
        return advise(self._graph, options=options)


def advise(graph=None, run_meta=None, options=None):
    raise NotImplementedError("tf.profiler.advise (tfprof's checkers) is not provided")


def write_op_log(graph, log_dir, op_log=None, run_meta=None, add_trace=True):
    """TensorFlow writes ``tfprof_log.pb`` for its command-line tool; that tool is not part
    of smallflow, so nothing is written."""
    return None
