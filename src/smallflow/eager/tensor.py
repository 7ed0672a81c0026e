"""``EagerTensor``: a Tensor that holds its value (a NumPy array) instead of naming an op."""

import itertools

import numpy as np

from .. import errors
from ..graph import Operation, Tensor
from ..tensor_shape import TensorShape

# The eager context's graph (execute.EagerGraph), set when eager execution is switched on.
_CONTEXT = {"graph": None}
_CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
_ids = itertools.count(1)


def _fast_shape(dims):
    """A TensorShape of known int dims without the checks of the constructor."""
    shape = TensorShape.__new__(TensorShape)
    shape._dims = dims
    return shape


class EagerTensor(Tensor):
    """A tensor computed already: ``.numpy()``, operators that run at once, Python protocols.

    It keeps no reference to the op that made it, so a long loop (``total += loss``) does
    not keep the history of every value alive; a GradientTape keeps the ops it records.
    """

    _is_eager = True
    _value_index = 0
    _consumers = ()

    def __init__(self, value, dtype):
        self._value = value
        self._dtype = dtype
        self._id = next(_ids)

    # -- what a graph tensor has ----------------------------------------------------------
    @property
    def _shape(self):
        return _fast_shape(self._value.shape)

    @property
    def shape(self):
        return _fast_shape(self._value.shape)

    def get_shape(self):
        return _fast_shape(self._value.shape)

    def set_shape(self, shape):
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied "
                             f"shape {TensorShape(shape)}")

    @property
    def op(self):
        # TensorFlow's EagerTensor has no op; smallflow's builders and gradient functions
        # look at ``tensor.op`` (for static values, ``constant_value``), so an eager value
        # shows them a Const op holding it, made afresh (nothing keeps it).
        graph = _CONTEXT["graph"]
        op = Operation(graph, "Const", "Const", (), {"value": self._value, "dtype": self._dtype},
                       ())
        op._outputs = (self,)
        return op

    @property
    def graph(self):
        return _CONTEXT["graph"]

    @property
    def name(self):
        raise AttributeError("Tensor.name is meaningless when eager execution is enabled.")

    @property
    def device(self):
        return _CPU

    @property
    def backing_device(self):
        return _CPU

    def consumers(self):
        raise NotImplementedError("Tensor.consumers is meaningless when eager execution is "
                                  "enabled.")

    def eval(self, feed_dict=None, session=None):
        raise NotImplementedError("eval is not supported when eager execution is enabled, is "
                                  ".numpy() what you're looking for?")

    # -- the value ------------------------------------------------------------------------
    def numpy(self):
        """The value as a NumPy array (a NumPy scalar for a 0-d tensor), as TensorFlow's."""
        value = self._value
        return value[()] if value.ndim == 0 else value

    _numpy = numpy

    def __array__(self, dtype=None, copy=None):
        value = self._value
        if dtype is not None and value.dtype != dtype:
            return value.astype(dtype)
        return np.array(value) if copy else value

    def cpu(self):
        """A copy of this tensor in host memory (it is there already)."""
        return EagerTensor(self._value.copy(), self._dtype)

    def gpu(self, gpu_index=0):
        raise errors.InvalidArgumentError(
            None, None, f"Could not satisfy device specification '/job:localhost/replica:0/"
            f"task:0/device:GPU:{gpu_index}'. All available devices are [{_CPU}].")

    def _rank(self):
        return self._value.ndim

    def _shape_tuple(self):
        return self._value.shape

    def _num_elements(self):
        return self._value.size

    def __str__(self):
        text = _numpy_text(self)
        return f"tf.Tensor({text}, shape={self.shape}, dtype={self._dtype.name})"

    def __repr__(self):
        text = _numpy_text(self, is_repr=True)
        return (f"<tf.Tensor: id={self._id}, shape={self.shape}, dtype={self._dtype.name}, "
                f"numpy={text}>")

    def __format__(self, format_spec):
        return self.numpy().__format__(format_spec)

    # -- Python protocols on the value --------------------------------------------------------
    def __bool__(self):
        return bool(self._value)

    __nonzero__ = __bool__

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __complex__(self):
        return complex(self._value)

    def __index__(self):
        if not self._dtype.is_integer or self._value.ndim:
            raise TypeError("only integer scalar tensors can be converted to a scalar index")
        return int(self._value)

    def __len__(self):
        if not self._value.ndim:
            raise TypeError("Scalar tensor has no `len()`")
        return self._value.shape[0]

    def __iter__(self):
        if not self._value.ndim:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for index in range(self._value.shape[0]):
            yield self[index]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return EagerTensor(self._value.copy(), self._dtype)

    def __reduce__(self):
        return _rebuild, (self.numpy(), self._dtype.name)


class HandleTensor(EagerTensor):
    """An eager op output that is a kernel's object rather than an array (a TensorArray's
    flow): a scalar, passed on to the next kernel as it is."""

    @property
    def _shape(self):
        return _fast_shape(())

    @property
    def shape(self):
        return _fast_shape(())

    def get_shape(self):
        return _fast_shape(())

    def numpy(self):
        return self._value

    def __str__(self):
        return f"tf.Tensor(<{type(self._value).__name__}>, shape=(), dtype={self._dtype.name})"

    __repr__ = __str__


def _rebuild(value, dtype_name):
    from .. import dtypes

    return EagerTensor(np.asarray(value), dtypes.as_dtype(dtype_name))


def numpy_repr(value):
    """``repr`` of a value as NumPy 1.x (TensorFlow 1.x's) writes it: a scalar plainly."""
    if isinstance(value, np.generic):
        return str(value)
    return repr(value)


def _numpy_text(tensor, is_repr=False):
    if tensor._dtype.is_numpy_compatible:
        text = numpy_repr(tensor.numpy()) if is_repr else str(tensor.numpy())
    else:
        text = "<unprintable>"
    if "\n" in text:
        text = "\n" + text
    return text
