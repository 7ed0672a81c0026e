"""tfdbg's dump reader: ``DebugDumpDir`` over a run's dump root, ``DebugTensorDatum`` per file.

The files are the ones ``smallflow.debug_dump`` writes for a watched ``Session.run`` (and the
ones TensorFlow 1.x writes: the same layout, so either reads the other's). Reading them
needs the ``tensorboard`` extra (the ``Event`` protos).
"""

import collections
import glob
import json
import os
import re

import numpy as np

from .... import tb_protos, tensor_util

METADATA_FILE_PREFIX = "_tfdbg_"
CORE_METADATA_TAG = "core_metadata_"
GRAPH_FILE_TAG = "graph_"
DEVICE_TAG = "device_"
HASH_TAG = "hash"
FETCHES_INFO_FILE_TAG = "fetches_info_"
FEED_KEYS_INFO_FILE_TAG = "feed_keys_info_"
# Nodes TensorFlow's debugger adds to the graphs it runs (dropped when reading them).
_DEBUG_NODE_TYPES = ("Copy", "CopyHost", "DebugIdentity", "DebugNanCount",
                     "DebugNumericSummary")

CoreMetadata = collections.namedtuple("CoreMetadata", [
    "global_step", "session_run_index", "executor_step_index", "input_names",
    "output_names", "target_nodes"])


class InconvertibleTensorProto:
    """A dumped tensor with no NumPy form: uninitialised, or of a dtype such as resource."""

    def __init__(self, tensor_proto, initialized=True):
        self._proto = tensor_proto
        self._initialized = initialized

    def __str__(self):
        state = "" if self._initialized else "Uninitialized tensor:\n"
        return state + str(self._proto)

    @property
    def initialized(self):
        return self._initialized


def _read_event(path):
    pb = tb_protos.load()
    event = pb.event_pb2.Event()
    with open(path, "rb") as f:
        event.ParseFromString(f.read())
    return event


def load_tensor_from_event_file(event_file_path):
    """The tensor a dump file holds, as a NumPy array (see ``load_tensor_from_event``)."""
    return load_tensor_from_event(_read_event(event_file_path))


def load_tensor_from_event(event):
    """The tensor in ``event.summary.value[0]``: a NumPy array, or an
    ``InconvertibleTensorProto`` when it was not initialised or has no NumPy form."""
    pb = tb_protos.load()
    proto = event.summary.value[0].tensor
    count = int(np.prod([d.size for d in proto.tensor_shape.dim]))
    if proto.tensor_content or proto.string_val or not count:
        if proto.dtype == pb.types_pb2.DT_RESOURCE:
            return InconvertibleTensorProto(proto)
        try:
            return tensor_util.make_ndarray(proto)
        except (KeyError, TypeError, ValueError):
            return InconvertibleTensorProto(proto)
    return InconvertibleTensorProto(proto, False)


def has_inf_or_nan(datum, tensor):
    """Whether ``tensor`` (a dumped value) holds any ``inf`` or ``nan``: the filter
    ``DebugDumpDir.find`` and ``run -f has_inf_or_nan`` use."""
    del datum  # the predicate's signature; only the value matters
    if isinstance(tensor, InconvertibleTensorProto) or tensor is None:
        return False
    tensor = np.asarray(tensor)
    if tensor.dtype.kind in "fciu":
        return bool(np.any(np.isnan(tensor)) or np.any(np.isinf(tensor)))
    return False


def extract_core_metadata_from_event_proto(event):
    data = json.loads(event.log_message.message)
    return CoreMetadata(data["global_step"], data["session_run_index"],
                        data["executor_step_index"], data["input_names"],
                        data["output_names"], data["target_nodes"])


def device_name_to_device_path(device_name):
    """``/job:localhost/.../device:CPU:0`` -> ``_tfdbg_device_,job_localhost,...``."""
    items = [item.replace(":", "_") for item in str(device_name).split("/")]
    return METADATA_FILE_PREFIX + DEVICE_TAG + ",".join(items)


def device_path_to_device_name(device_dir):
    """The inverse of ``device_name_to_device_path``."""
    items = os.path.basename(device_dir)[len(METADATA_FILE_PREFIX) + len(DEVICE_TAG):]
    return "/".join(item.replace("device_", "device:").replace("_", ":", 1)
                    for item in items.split(","))


def _tensor_name(node_name, output_slot):
    return f"{node_name}:{output_slot}"


def _watch_key(node_name, output_slot, debug_op):
    return f"{node_name}:{output_slot}:{debug_op}"


class DebugTensorDatum:
    """One dumped tensor: its node, slot, debug op, device and time; the value is read from
    its file only when asked (``get_tensor``)."""

    def __init__(self, dump_root, debug_dump_rel_path):
        parts = os.path.normpath(debug_dump_rel_path).split(os.sep)
        self._device_name = device_path_to_device_name(parts[0])
        base = parts[-1]
        if base.count("_") < 3:
            raise ValueError(f"Dump file path does not conform to the naming pattern: {base}")
        pieces = base.split("_")
        self._extended_timestamp = pieces[-1]
        self._timestamp = int(self._extended_timestamp.split("-")[0])
        self._debug_op = pieces[-2]
        self._output_slot = int(pieces[-3])
        self._node_name = "/".join([*parts[1:-1], "_".join(pieces[:-3])])
        self._file_path = os.path.join(dump_root, debug_dump_rel_path)
        exists = os.path.exists(self._file_path)
        self._dump_size_bytes = os.path.getsize(self._file_path) if exists else None

    def __str__(self):
        return (f"{{DebugTensorDatum ({self.device_name}) {self.node_name}:"
                f"{self.output_slot} @ {self.debug_op} @ {self.timestamp}}}")

    __repr__ = __str__

    def get_tensor(self):
        return load_tensor_from_event_file(self.file_path)

    timestamp = property(lambda self: self._timestamp)
    extended_timestamp = property(lambda self: self._extended_timestamp)
    debug_op = property(lambda self: self._debug_op)
    device_name = property(lambda self: self._device_name)
    node_name = property(lambda self: self._node_name)
    output_slot = property(lambda self: self._output_slot)
    tensor_name = property(lambda self: _tensor_name(self.node_name, self.output_slot))
    watch_key = property(lambda self: _watch_key(self.node_name, self.output_slot,
                                                 self.debug_op))
    file_path = property(lambda self: self._file_path)
    dump_size_bytes = property(lambda self: self._dump_size_bytes)


class WatchKeyDoesNotExistInDebugDumpDirError(ValueError):
    pass


class _GraphInfo:
    """One device's partition graph, with the debugger's own nodes taken out."""

    def __init__(self, graph_def):
        self.graph_def = graph_def
        nodes = {node.name: node for node in graph_def.node}
        skipped = {name: node for name, node in nodes.items()
                   if node.op in _DEBUG_NODE_TYPES or name.startswith("__dbg_")}

        def source(name):
            seen = set()
            while name in skipped and skipped[name].input and name not in seen:
                seen.add(name)
                name = _node_of(skipped[name].input[0])
            return name

        self.node_inputs = {}
        self.node_ctrl_inputs = {}
        self.node_op_types = {}
        self.node_devices = {}
        self.node_attributes = {}
        for name, node in nodes.items():
            if name in skipped:
                continue
            data = [source(_node_of(i)) for i in node.input if not i.startswith("^")]
            control = [source(i[1:]) for i in node.input if i.startswith("^")]
            self.node_inputs[name] = data
            self.node_ctrl_inputs[name] = [c for c in control if c not in skipped]
            self.node_op_types[name] = node.op
            self.node_devices[name] = node.device
            self.node_attributes[name] = node.attr
        self.node_recipients = collections.defaultdict(list)
        self.node_ctrl_recipients = collections.defaultdict(list)
        for name in self.node_inputs:
            for inp in self.node_inputs[name]:
                self.node_recipients[inp].append(name)
            for inp in self.node_ctrl_inputs[name]:
                self.node_ctrl_recipients[inp].append(name)


def _node_of(input_name):
    name = input_name.lstrip("^")
    match = re.match(r"^(.*):\d+$", name)
    name = match.group(1) if match else name
    copy = re.match(r"^__copy_(.*)_\d+$", name)
    return copy.group(1) if copy else name


class DebugDumpDir:
    """Every tensor dumped under ``dump_root`` (one watched run), with its graph."""

    def __init__(self, dump_root, partition_graphs=None, validate=True):
        if not os.path.isdir(dump_root):
            raise OSError(f"Dump root directory {dump_root} does not exist")
        del validate  # the dumps are checked against the graphs only by their node names
        self._dump_root = dump_root
        self._core_metadata = [
            extract_core_metadata_from_event_proto(_read_event(path))
            for path in self._glob(CORE_METADATA_TAG)]
        self._run_fetches_info = [_read_event(p).log_message.message
                                  for p in self._glob(FETCHES_INFO_FILE_TAG)]
        self._run_feed_keys_info = [_read_event(p).log_message.message
                                    for p in self._glob(FEED_KEYS_INFO_FILE_TAG)]
        self._python_graph = None
        self._dump_tensor_data = {}
        self._graph_files = {}
        for device_dir in self._glob(DEVICE_TAG):
            self._load_device(device_path_to_device_name(device_dir), device_dir)
        self._graphs = {}
        if partition_graphs:
            for graph_def in partition_graphs:
                device = next((n.device for n in graph_def.node if n.device), None)
                self._graphs[device or self._only_device()] = _GraphInfo(graph_def)
        else:
            for device, path in self._graph_files.items():
                graph_def = tb_protos.load().graph_pb2.GraphDef()
                graph_def.ParseFromString(_read_event(path).graph_def)
                self._graphs[device] = _GraphInfo(graph_def)
        starts = [data[0].timestamp for data in self._dump_tensor_data.values() if data]
        self._t0 = min(starts) if starts else None

    def _glob(self, tag):
        return sorted(glob.glob(os.path.join(self._dump_root, METADATA_FILE_PREFIX + tag + "*")))

    def _only_device(self):
        return next(iter(self._dump_tensor_data), "")

    def _load_device(self, device, device_dir):
        data = []
        for root, _, files in os.walk(device_dir):
            for name in files:
                if name.startswith(METADATA_FILE_PREFIX + GRAPH_FILE_TAG):
                    self._graph_files[device] = os.path.join(root, name)
                elif not name.startswith("."):
                    rel = os.path.join(os.path.relpath(root, self._dump_root), name)
                    data.append(DebugTensorDatum(self._dump_root, rel))
        data.sort(key=lambda datum: datum.extended_timestamp)
        self._dump_tensor_data[device] = data

    # -- the run --------------------------------------------------------------------------
    @property
    def core_metadata(self):
        return self._core_metadata[0] if len(self._core_metadata) == 1 else self._core_metadata

    @property
    def run_fetches_info(self):
        info = self._run_fetches_info
        return info[0] if len(info) == 1 else info

    @property
    def run_feed_keys_info(self):
        info = self._run_feed_keys_info
        return info[0] if len(info) == 1 else info

    @property
    def dumped_tensor_data(self):
        data = [datum for device in self._dump_tensor_data.values() for datum in device]
        return sorted(data, key=lambda datum: datum.extended_timestamp)

    @property
    def t0(self):
        return self._t0

    @property
    def size(self):
        return sum(len(data) for data in self._dump_tensor_data.values())

    def devices(self):
        return list(self._dump_tensor_data)

    def set_python_graph(self, python_graph):
        self._python_graph = python_graph

    @property
    def python_graph(self):
        return self._python_graph

    # -- the graph ------------------------------------------------------------------------
    def loaded_partition_graphs(self):
        return bool(self._graphs)

    def partition_graphs(self):
        if not self._graphs:
            raise LookupError("No partition graphs have been loaded.")
        return [info.graph_def for info in self._graphs.values()]

    def _graph(self, node_name, device_name):
        if not self._graphs:
            raise LookupError("No partition graphs have been loaded.")
        if device_name is not None:
            if device_name not in self._graphs:
                raise ValueError(f"There is no device named '{device_name}'")
            return self._graphs[device_name]
        holders = [info for info in self._graphs.values() if node_name in info.node_inputs]
        if not holders:
            raise ValueError(f"None of the {len(self._graphs)} device(s) has a node named "
                             f"'{node_name}'.")
        return holders[0]

    def nodes(self, device_name=None):
        if not self._graphs:
            raise LookupError("No partition graphs have been loaded.")
        if device_name is not None:
            return list(self._graph(None, device_name).node_inputs)
        return [name for info in self._graphs.values() for name in info.node_inputs]

    def node_exists(self, node_name, device_name=None):
        try:
            self._graph(node_name, device_name)
        except ValueError:
            return False
        return True

    def node_op_type(self, node_name, device_name=None):
        return self._graph(node_name, device_name).node_op_types[node_name]

    def node_device(self, node_name):
        return self._graph(node_name, None).node_devices[node_name]

    def node_attributes(self, node_name, device_name=None):
        return self._graph(node_name, device_name).node_attributes[node_name]

    def node_inputs(self, node_name, is_control=False, device_name=None):
        info = self._graph(node_name, device_name)
        return list((info.node_ctrl_inputs if is_control else info.node_inputs)[node_name])

    def node_recipients(self, node_name, is_control=False, device_name=None):
        info = self._graph(node_name, device_name)
        table = info.node_ctrl_recipients if is_control else info.node_recipients
        return list(table.get(node_name, []))

    def transitive_inputs(self, node_name, include_control=True, include_reversed_ref=False,
                          device_name=None):
        del include_reversed_ref
        info = self._graph(node_name, device_name)
        seen, stack, out = {node_name}, [node_name], []
        while stack:
            current = stack.pop()
            inputs = list(info.node_inputs.get(current, []))
            if include_control:
                inputs += info.node_ctrl_inputs.get(current, [])
            for inp in inputs:
                if inp not in seen:
                    seen.add(inp)
                    out.append(inp)
                    stack.append(inp)
        return out

    # -- the dumps ------------------------------------------------------------------------
    def _data(self, device_name=None):
        if device_name is None:
            return self.dumped_tensor_data
        return self._dump_tensor_data[device_name]

    def debug_watch_keys(self, node_name, device_name=None):
        keys = []
        for datum in self._data(device_name):
            if datum.node_name == node_name and datum.watch_key not in keys:
                keys.append(datum.watch_key)
        return keys

    def watch_key_to_data(self, debug_watch_key, device_name=None):
        return [d for d in self._data(device_name) if d.watch_key == debug_watch_key]

    def find(self, predicate, first_n=0, device_name=None, exclude_node_names=None):
        """The dumps (in time order) for which ``predicate(datum, value)`` is true."""
        exclude = re.compile(exclude_node_names) if exclude_node_names else None
        matched = []
        for datum in self._data(device_name):
            if exclude is not None and exclude.match(datum.node_name):
                continue
            if predicate(datum, datum.get_tensor()):
                matched.append(datum)
                if 0 < first_n <= len(matched):
                    break
        return matched

    def _watched(self, node_name, output_slot, debug_op, device_name):
        key = _watch_key(node_name, output_slot, debug_op)
        data = self.watch_key_to_data(key, device_name)
        if not data:
            raise WatchKeyDoesNotExistInDebugDumpDirError(
                f'Watch key "{key}" does not exist in the debug dump of device '
                f"{device_name or self._only_device()}")
        return data

    def get_tensor_file_paths(self, node_name, output_slot, debug_op, device_name=None):
        return [d.file_path for d in self._watched(node_name, output_slot, debug_op,
                                                   device_name)]

    def get_tensors(self, node_name, output_slot, debug_op, device_name=None):
        return [d.get_tensor() for d in self._watched(node_name, output_slot, debug_op,
                                                      device_name)]

    def get_rel_timestamps(self, node_name, output_slot, debug_op, device_name=None):
        return [d.timestamp - self._t0 for d in self._watched(node_name, output_slot,
                                                              debug_op, device_name)]

    def get_dump_sizes_bytes(self, node_name, output_slot, debug_op, device_name=None):
        return [d.dump_size_bytes for d in self._watched(node_name, output_slot, debug_op,
                                                         device_name)]
