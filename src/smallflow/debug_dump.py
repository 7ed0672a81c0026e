"""tfdbg's core: a ``Session.run`` whose ``RunOptions`` carry tensor watches dumps them.

TensorFlow 1.x inserts a debug op after each watched tensor; the op writes what it computed
from the tensor, as one ``Event`` file, under each of the watch's ``file://`` URLs.
smallflow fetches the watched tensors together with the run's own fetches (one plan over
both: every value is the one its op produced in this run, not re-read at the end) and writes
the files TensorFlow writes, so TensorFlow's ``DebugDumpDir`` reads smallflow's dumps and
smallflow's reads TensorFlow's:

    <root>/_tfdbg_core_metadata_sessionrun<14-digit index>_<µs>   the run's feeds, fetches
    <root>/_tfdbg_device_,job_localhost,replica_0,task_0,device_CPU_0/
        _tfdbg_graph_hash<hash>_<µs>                the GraphDef of the ops the run executed
        <scope>/<node>_<slot>_<debug op>_<µs>       one dumped tensor (scopes as folders)

Fed tensors are dumped as TensorFlow's ``_arg_<name>_<slot>_<index>`` nodes. Debug ops:
``DebugIdentity`` (the value), ``DebugNanCount`` (int64 ``[1]``) and
``DebugNumericSummary`` (TensorFlow's float64 layout, below). Only ``file://`` URLs exist
here: the gRPC debug server is not provided. Dumping needs the ``tensorboard`` extra (the
``Event`` protos), as summaries do.
"""

import json
import os
import time

import numpy as np

from . import errors, tb_protos, tensor_util
from .atomic_files import open_temporary

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"
DEVICE_DIR = "_tfdbg_device_,job_localhost,replica_0,task_0,device_CPU_0"
DEBUG_OPS = ("DebugIdentity", "DebugNanCount", "DebugNumericSummary")
_FLOATING = "efdgFDG"  # NumPy kinds with NaN: float and complex codes
_last_timestamp = [0]
_session_runs = [0]


def requested(options):
    """The tensor watches ``options`` carries (a list), or None when it carries none."""
    if options is None:
        return None
    fields = vars(options) if hasattr(options, "__dict__") else {}
    debug = fields.get("debug_options") if fields else getattr(options, "debug_options", None)
    watches = getattr(debug, "debug_tensor_watch_opts", None)
    return list(watches) if watches else None


def parse_debug_op(spec):
    """``"DebugNumericSummary(mute_if_healthy=true)"`` -> (name, {attribute: text})."""
    spec = spec.strip()
    if "(" not in spec:
        return spec, {}
    if not spec.endswith(")"):
        raise ValueError(f"Malformed debug op specification: '{spec}' (expected a closing "
                         f"parenthesis)")
    name, _, body = spec[:-1].partition("(")
    attrs = {}
    for item in body.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"Malformed debug op attribute '{item}' in '{spec}': expected "
                             f"name=value")
        attrs[key.strip()] = value.strip()
    return name.strip(), attrs


def _dump_root(url):
    if not url.startswith("file://"):
        raise errors.UnimplementedError(
            None, None, f"Debug URL '{url}' is not supported: smallflow's debugger writes "
            f"only to file:// URLs (no gRPC debug server)")
    return url[len("file://"):]


def plan_watches(watches, ops, feed_tensors):
    """``[(tensor, [(debug op spec, [roots]), ...]), ...]`` for the watched outputs of ``ops``
    (in their order), then for the watched feeds; also the set of all dump roots."""
    by_key = {}
    roots = []
    for watch in watches:
        urls = [_dump_root(u) for u in watch.debug_urls]
        roots.extend(u for u in urls if u not in roots)
        key = (watch.node_name, int(watch.output_slot))
        entry = by_key.setdefault(key, [])
        tolerate = bool(watch.tolerate_debug_op_creation_failures)
        for spec in watch.debug_ops:
            entry.append((spec, urls, tolerate))

    def wanted(name, slot):
        # A tensor watched both by name and by the wildcard is dumped once per debug op
        # and URL, as TensorFlow inserts one debug node per op for it.
        merged = {}
        for key in ((name, slot), (name, -1), ("*", -1)):
            for spec, urls, tolerate in by_key.get(key, ()):
                entry = merged.setdefault(spec, ([], tolerate))
                entry[0].extend(u for u in urls if u not in entry[0])
        return [(spec, urls, tolerate) for spec, (urls, tolerate) in merged.items()]

    fed = set(feed_tensors)
    planned = []
    for op in causal_order(ops):
        if op.type == "Placeholder" or getattr(op, "_control_flow_context", None) is not None:
            continue
        for slot, tensor in enumerate(op.outputs):
            specs = wanted(op.name, slot)
            if specs and tensor not in fed:
                planned.append((tensor, specs))
    feeds = []
    for tensor in feed_tensors:
        specs = wanted(tensor.op.name, tensor.value_index)
        if specs:
            feeds.append((tensor, specs))
    return planned, feeds, roots


def causal_order(ops):
    """``ops`` so that each comes after every op it takes an input from, its variable
    included (smallflow plans an update without its variable's op as an input; TensorFlow's
    dump reader checks that a node's inputs were dumped before it)."""
    members = set(ops)
    placed = set()
    out = []
    for start in ops:
        stack = [(start, False)]
        while stack:
            op, expanded = stack.pop()
            if op in placed:
                continue
            if expanded:
                placed.add(op)
                out.append(op)
                continue
            stack.append((op, True))
            sources = [t.op for t in op.inputs] + list(op.control_inputs)
            for source in reversed(sources):
                if source in members and source not in placed:
                    stack.append((source, False))
    return out


def numeric_summary(value):
    """TensorFlow's ``DebugNumericSummary``: float64 ``[initialized, count, nan, -inf,
    negative, zero, positive, +inf, min, max, mean, variance, dtype enum, ndims, *shape]``,
    min/max/mean/variance over the finite elements (inf, -inf, nan, nan when none)."""
    array = np.asarray(value)
    flat = array.ravel()
    if array.dtype == np.bool_:
        flat = flat.astype(np.float64)
    flat = flat.astype(np.float64) if flat.dtype.kind in "biu" else flat
    nan = np.isnan(flat)
    posinf = np.isposinf(flat)
    neginf = np.isneginf(flat)
    finite = flat[~(nan | posinf | neginf)].astype(np.float64)
    head = [1.0, float(flat.size), float(nan.sum()), float(neginf.sum()),
            float((finite < 0).sum()), float((finite == 0).sum()), float((finite > 0).sum()),
            float(posinf.sum())]
    if finite.size:
        head += [finite.min(), finite.max(), finite.mean(), finite.var()]
    else:
        head += [np.inf, -np.inf, np.nan, np.nan]
    dtype = tensor_util.as_datatype_enum(_dtype_of(array))
    head += [float(dtype), float(array.ndim), *[float(d) for d in array.shape]]
    return np.array(head, dtype=np.float64)


def _dtype_of(array):
    from . import dtypes

    return dtypes.as_dtype(array.dtype)


def debug_value(name, value, tensor):
    """What debug op ``name`` computes from ``value`` (the value of ``tensor``); raises
    FailedPreconditionError, as TensorFlow does, when the op has no kernel for the dtype."""
    if name == "DebugIdentity":
        return value
    dtype = tensor.dtype
    numeric = dtype.is_floating or dtype.is_integer or dtype.is_complex
    if name == "DebugNanCount" and (dtype.is_floating or dtype.is_complex or dtype.is_integer):
        array = np.asarray(value)
        count = int(np.isnan(array).sum()) if array.dtype.kind in _FLOATING else 0
        return np.array([count], dtype=np.int64)
    if name == "DebugNumericSummary" and (numeric or dtype.is_bool):
        return numeric_summary(value)
    if name not in DEBUG_OPS:
        raise errors.FailedPreconditionError(
            None, None, f"Failed to create debug node {name} for tensor {tensor.name}, due "
            f"to: Op type not registered '{name}'")
    raise errors.FailedPreconditionError(
        None, None, f"Failed to create debug node {name} for tensor {tensor.name}, due to: "
        f"Failed to find kernel definition for debug op {name} on watched tensor "
        f"{tensor.name}")


def check_debug_ops(planned):
    """Drop the debug ops that cannot watch their tensor when the watch tolerates it;
    raise the creation error (before the run, as TensorFlow) when it does not."""
    checked = []
    for tensor, specs in planned:
        kept = []
        for spec, roots, tolerate in specs:
            name, _ = parse_debug_op(spec)
            try:
                probe = np.zeros([0], dtype=tensor.dtype.as_numpy_dtype)
                debug_value(name, probe, tensor)
            except errors.FailedPreconditionError:
                if tolerate:
                    continue
                raise
            except (TypeError, ValueError):
                pass
            kept.append((name, roots))
        if kept:
            checked.append((tensor, kept))
    return checked


def _timestamp():
    """Microseconds since the epoch, strictly increasing within this process (the dump
    order is the order of the file names' timestamps)."""
    now = time.time_ns() // 1000
    now = max(now, _last_timestamp[0] + 1)
    _last_timestamp[0] = now
    return now


def _write_event(path, event):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temporary = open_temporary(directory, "." + os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(event.SerializeToString())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _tensor_proto(value):
    """A ``TensorProto`` with the whole value in ``tensor_content`` (strings in
    ``string_val``): TensorFlow's reader takes a proto without either for an uninitialised
    tensor."""
    pb = tb_protos.load()
    array = np.asarray(value)
    proto = pb.tensor_pb2.TensorProto()
    proto.tensor_shape.CopyFrom(tensor_util.as_shape_proto(list(array.shape)))
    if array.dtype.kind in "OSU":
        proto.dtype = pb.types_pb2.DT_STRING
        items = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in array.ravel()]
        proto.string_val.extend(items)
        return proto
    proto.dtype = tensor_util.as_datatype_enum(_dtype_of(array))
    little = np.ascontiguousarray(array, array.dtype.newbyteorder("<"))
    proto.tensor_content = little.tobytes()
    return proto


def write_tensor(root, node_name, slot, debug_op, value):
    """Write one dumped tensor under ``root`` as TensorFlow names it; returns its path."""
    pb = tb_protos.load()
    stamp = _timestamp()
    base = f"{node_name}_{slot}_{debug_op}_{stamp}"
    path = os.path.join(root, DEVICE_DIR, *base.split("/"))
    event = pb.event_pb2.Event(wall_time=float(stamp))
    entry = event.summary.value.add()
    entry.tag = node_name
    entry.node_name = f"{node_name}:{slot}:{debug_op}"
    entry.tensor.CopyFrom(_tensor_proto(value))
    entry.metadata.plugin_data.plugin_name = "debugger"
    content = {"device": DEVICE, "outputSlot": slot, "numChunks": 1, "chunkIndex": 0}
    entry.metadata.plugin_data.content = json.dumps(content, separators=(",", ":")).encode()
    _write_event(path, event)
    return path


def write_run_files(root, graph_def, options, feed_names, fetch_names, target_names,
                    executor_step):
    """The run's core metadata and executed graph under ``root`` (before its tensors)."""
    pb = tb_protos.load()
    _session_runs[0] += 1
    debug = options.debug_options
    stamp = _timestamp()
    metadata = {"global_step": int(getattr(debug, "global_step", -1)),
                "session_run_index": _session_runs[0], "executor_step_index": executor_step,
                "input_names": list(feed_names), "output_names": list(fetch_names),
                "target_nodes": list(target_names)}
    event = pb.event_pb2.Event(wall_time=float(stamp))
    event.log_message.message = json.dumps(metadata, separators=(",", ":"))
    name = f"_tfdbg_core_metadata_sessionrun{_session_runs[0]:014d}_{stamp}"
    _write_event(os.path.join(root, name), event)
    serialized = graph_def.SerializeToString()
    digest = int.from_bytes(serialized[:8].ljust(8, b"\0"), "little") ^ len(serialized)
    graph_event = pb.event_pb2.Event(wall_time=float(stamp), graph_def=serialized)
    _write_event(os.path.join(root, DEVICE_DIR, f"_tfdbg_graph_hash{digest}_{stamp}"),
                 graph_event)


def executed_graph_def(graph, ops, feed_tensors):
    """The GraphDef of ``ops`` (the run's partition graph, without debug nodes), each fed
    tensor an ``_Arg`` node its consumers read, as in TensorFlow's."""
    pb = tb_protos.load()
    full = graph.as_graph_def()
    keep = {op.name for op in ops}
    args = {}
    for index, tensor in enumerate(feed_tensors):
        name = arg_node_name(tensor, index)
        args[tensor.name] = name
        if tensor.value_index == 0:
            args[tensor.op.name] = name
    out = pb.graph_pb2.GraphDef()
    out.versions.CopyFrom(full.versions)
    for index, tensor in enumerate(feed_tensors):
        node = out.node.add(name=arg_node_name(tensor, index), op="_Arg", device=DEVICE)
        node.attr["T"].type = tensor_util.as_datatype_enum(tensor.dtype)
        node.attr["index"].i = index
    for node in full.node:
        if node.name in keep:
            copy = out.node.add()
            copy.CopyFrom(node)
            copy.device = copy.device or DEVICE
            inputs = [args.get(name, name) for name in copy.input]
            del copy.input[:]
            copy.input.extend(inputs)
    return out


def arg_node_name(tensor, index):
    """TensorFlow's name for the node that stands for a fed tensor in the run's graph."""
    return f"_arg_{tensor.op.name}_{tensor.value_index}_{index}"
