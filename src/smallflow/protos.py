"""Stand-ins for TensorFlow's configuration protos, so that TF1 programs that pass them run.

smallflow runs on the CPU with NumPy; these options are recorded and otherwise ignored, except
``ConfigProto(intra_op_parallelism_threads=n)``: a session made with it runs its kernels' BLAS
on ``n`` threads (see ``smallflow.config``).
"""


class _Options:
    """Keyword arguments kept as attributes; unknown attributes read as None.

    A field holding a nested message (``_messages``: name -> class) reads, like a proto's,
    as an empty message that is kept, so ``config.gpu_options.allow_growth = True`` works.
    """

    _messages = {}

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        message_class = self._messages.get(name)
        if message_class is None:
            return None
        message = self.__dict__[name] = message_class()
        return message

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in sorted(self.__dict__.items()))
        return f"{type(self).__name__}({fields})"


class GPUOptions(_Options):
    """``tf.GPUOptions(allow_growth=True, ...)``: there is no GPU; kept for compatibility."""


class OptimizerOptions(_Options):
    """``tf.OptimizerOptions``: the enums of TF1's config.proto, so that XLA settings such as
    ``global_jit_level = tf.OptimizerOptions.ON_1`` are accepted (and ignored: no XLA)."""

    L1 = 0  # Level: the default graph optimisations
    L0 = -1  # Level: none
    DEFAULT = 0  # GlobalJitLevel
    OFF = -1
    ON_1 = 1
    ON_2 = 2


class GraphOptions(_Options):
    _messages = {"optimizer_options": OptimizerOptions}


class ConfigProto(_Options):
    """``tf.ConfigProto(log_device_placement=..., allow_soft_placement=..., ...)``."""

    _messages = {"gpu_options": GPUOptions, "graph_options": GraphOptions}


class _Repeated(list):
    """A repeated message field: a list whose ``add(**fields)`` appends a new message."""

    def __init__(self, item_class):
        super().__init__()
        self._item_class = item_class

    def add(self, **fields):
        item = self._item_class(**fields)
        self.append(item)
        return item


class DebugTensorWatch(_Options):
    """One tfdbg watch: ``node_name:output_slot`` through ``debug_ops`` to ``debug_urls``."""

    def __init__(self, **fields):
        fields.setdefault("node_name", "")
        fields.setdefault("output_slot", 0)
        fields.setdefault("debug_ops", [])
        fields.setdefault("debug_urls", [])
        fields.setdefault("tolerate_debug_op_creation_failures", False)
        super().__init__(**fields)


class DebugOptions(_Options):
    """``RunOptions.debug_options``: the tensors a run dumps (see ``debug_dump``)."""

    def __init__(self, **fields):
        fields.setdefault("debug_tensor_watch_opts", _Repeated(DebugTensorWatch))
        fields.setdefault("global_step", -1)
        fields.setdefault("reset_disk_byte_usage", False)
        super().__init__(**fields)


class RunOptions(_Options):
    """``tf.RunOptions(trace_level=RunOptions.FULL_TRACE)``: any trace level above NO_TRACE
    makes ``Session.run`` time each op into the ``RunMetadata`` it is given; tensor watches
    in ``debug_options`` (tfdbg's ``watch_graph``) make it dump the watched tensors."""

    _messages = {"debug_options": DebugOptions}
    NO_TRACE = 0
    SOFTWARE_TRACE = 1
    HARDWARE_TRACE = 2
    FULL_TRACE = 3


class _Message(_Options):
    """A plain stand-in for a protocol buffer message: the same field names, as attributes.

    ``to_proto(cls)`` fills a real message of class ``cls`` (TensorBoard's, loaded lazily).
    """

    def to_proto(self, proto_class):
        proto = proto_class()
        _fill(proto, self)
        return proto


def _fill(proto, message):
    for name, value in message.__dict__.items():
        if value is None:
            continue
        field = getattr(proto, name)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, _Message):
                    _fill(field.add(), item)
                else:
                    field.append(item)
        elif isinstance(value, _Message):
            _fill(field, value)
        else:
            setattr(proto, name, value)


class AllocationDescription(_Message):
    pass


class TensorDescription(_Message):
    pass


class NodeOutput(_Message):
    pass


class AllocatorMemoryUsed(_Message):
    pass


class NodeExecStats(_Message):
    """One op's execution in a traced run: when it started (µs since the epoch), how long."""


class DeviceStepStats(_Message):
    pass


class StepStats(_Message):
    """Per-device lists of ``NodeExecStats`` (``dev_stats[i].node_stats``)."""

    def __init__(self, **fields):
        fields.setdefault("dev_stats", [])
        super().__init__(**fields)


class RunMetadata(_Options):
    """What a traced ``Session.run`` reports: ``step_stats`` (per-op timings)."""

    def __init__(self, **fields):
        fields.setdefault("step_stats", StepStats())
        fields.setdefault("partition_graphs", [])
        super().__init__(**fields)

    def to_proto(self):
        """This metadata as TensorFlow's ``RunMetadata`` message (``tensorboard`` extra)."""
        from . import tb_protos

        pb = tb_protos.load()
        proto = pb.config_pb2.RunMetadata()
        proto.step_stats.CopyFrom(self.step_stats.to_proto(pb.step_stats_pb2.StepStats))
        for graph_def in self.partition_graphs:
            proto.partition_graphs.add().CopyFrom(graph_def)
        return proto

    def SerializeToString(self):  # noqa: N802 - the protocol buffer method's name
        return self.to_proto().SerializeToString()

    def Clear(self):  # noqa: N802
        self.__dict__.update(step_stats=StepStats(), partition_graphs=[])
