"""``tf.contrib.eager.metrics``: running metrics updated by calling them (eager or graph).

A metric keeps its totals in variables (``total`` and ``count``); calling it with new
values adds to them and returns its argument (``Mean``) or the labels it compared; ``result``
is the value so far. While executing eagerly the update happens at the call; in a graph the
call returns the update op's result, as TensorFlow 1.x's ``tfe.metrics`` do.
"""

from .. import dtypes
from ..graph import control_dependencies, convert_to_tensor
from ..ops import array_ops, math_ops, state_ops
from ..variables import Variable


class Metric:
    """A running metric: call it to update, ``result()`` to read, ``init_variables()`` to
    start over."""

    def __init__(self, name=None, dtype=dtypes.float64):
        self._name = name or type(self).__name__.lower()
        self._dtype = dtypes.as_dtype(dtype)
        self._vars = []

    @property
    def name(self):
        return self._name

    @property
    def variables(self):
        return list(self._vars)

    def add_variable(self, name, shape=None, dtype=None, initializer=None):
        dtype = dtypes.as_dtype(dtype or self._dtype)
        variable = Variable(array_ops.zeros(shape or [], dtype=dtype), trainable=False,
                            name=f"{self._name}/{name}")
        self._vars.append(variable)
        return variable

    def init_variables(self):
        for variable in self._vars:
            variable.assign(array_ops.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        raise NotImplementedError

    def result(self, write_summary=True):
        raise NotImplementedError


class Mean(Metric):
    """The mean of every value given so far (weighted by ``weights`` if given)."""

    def __init__(self, name=None, dtype=dtypes.float64):
        super().__init__(name, dtype)
        self.numer = self.add_variable("numer")
        self.denom = self.add_variable("denom")

    def call(self, values, weights=None):
        values = math_ops.cast(convert_to_tensor(values), self._dtype)
        if weights is None:
            total = math_ops.reduce_sum(values)
            count = math_ops.cast(array_ops.size(values), self._dtype)
        else:
            weights = math_ops.cast(convert_to_tensor(weights), self._dtype)
            weights = weights * array_ops.ones_like(values)
            total = math_ops.reduce_sum(values * weights)
            count = math_ops.reduce_sum(weights)
        updates = [state_ops.assign_op(self.numer.op, total, "AssignAdd", False),
                   state_ops.assign_op(self.denom.op, count, "AssignAdd", False)]
        with control_dependencies(updates):
            return array_ops.identity(values)

    def result(self, write_summary=True):
        numer = self.numer.value()
        denom = self.denom.value()
        return math_ops.div_no_nan(numer, denom)


class Accuracy(Mean):
    """The fraction of ``predictions`` equal to ``labels`` so far."""

    def call(self, labels, predictions, weights=None):
        labels = convert_to_tensor(labels)
        predictions = math_ops.cast(convert_to_tensor(predictions), labels.dtype)
        matches = math_ops.equal(labels, predictions)
        super().call(matches, weights)
        return labels, predictions


class CategoricalAccuracy(Mean):
    """Accuracy of one-hot ``labels`` against the argmax of ``predictions``."""

    def call(self, labels, predictions, weights=None):
        matches = math_ops.equal(math_ops.argmax(labels, axis=-1),
                                 math_ops.argmax(predictions, axis=-1))
        super().call(matches, weights)
        return labels, predictions


class BinaryAccuracy(Mean):
    """Accuracy of 0/1 ``labels`` against ``predictions > threshold``."""

    def __init__(self, threshold=0.5, name=None, dtype=dtypes.float64):
        super().__init__(name, dtype)
        self._threshold = threshold

    def call(self, labels, predictions, weights=None):
        labels = convert_to_tensor(labels)
        predicted = math_ops.cast(math_ops.greater(convert_to_tensor(predictions),
                                                   self._threshold), labels.dtype)
        super().call(math_ops.equal(labels, predicted), weights)
        return labels, predictions


class SparseAccuracy(Mean):
    """Accuracy of integer ``labels`` against the argmax of ``predictions``."""

    def call(self, labels, predictions, weights=None):
        labels = convert_to_tensor(labels)
        predicted = math_ops.cast(math_ops.argmax(predictions, axis=-1), labels.dtype)
        if labels.shape.ndims == predicted.shape.ndims + 1:
            labels = array_ops.squeeze(labels, [-1])
        super().call(math_ops.equal(labels, predicted), weights)
        return labels, predictions
