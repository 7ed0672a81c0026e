"""Stand-ins for TensorFlow's configuration protos, so that TF1 programs that pass them run.

smallflow runs on the CPU with NumPy; these options are recorded and otherwise ignored, except
``ConfigProto(intra_op_parallelism_threads=n)``: a session made with it runs its kernels' BLAS
on ``n`` threads (see ``smallflow.config``).
"""


class _Options:
    """Keyword arguments kept as attributes; unknown attributes read as None."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in sorted(self.__dict__.items()))
        return f"{type(self).__name__}({fields})"


class ConfigProto(_Options):
    """``tf.ConfigProto(log_device_placement=..., allow_soft_placement=..., ...)``."""


class GPUOptions(_Options):
    """``tf.GPUOptions(allow_growth=True, ...)``: there is no GPU; kept for compatibility."""


class GraphOptions(_Options):
    pass


class OptimizerOptions(_Options):
    pass


class RunOptions(_Options):
    FULL_TRACE = 3
    NO_TRACE = 0


class RunMetadata(_Options):
    pass
