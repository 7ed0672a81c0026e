"""``tf.train.ExponentialMovingAverage`` and ``assign_moving_average``.

A shadow variable ``<var>/ExponentialMovingAverage`` is kept per averaged variable (or
tensor) and moved by ``shadow -= (1 - decay) * (shadow - value)`` each time the op from
``apply()`` runs. Tensors are averaged with zero debiasing, as TensorFlow does, since
their shadow starts at zero rather than at an initial value.
"""

from .. import dtypes
from ..graph import GraphKeys, Tensor, control_dependencies, convert_to_tensor, name_scope
from ..ops import array_ops, control_flow_ops, math_ops, scatter_ops
from ..variables import Variable

MOVING_AVERAGE_VARIABLES = "moving_average_variables"


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """``variable -= (1 - decay) * (variable - value)``; returns the new value.

    With ``zero_debias`` the average is divided by ``1 - decay ** t`` (Adam's correction),
    kept in two extra variables ``<variable>/<name>/biased`` and ``.../local_step``.
    """
    with name_scope(name or "AssignMovingAvg") as scope:
        value = convert_to_tensor(value, name="value")
        decay = math_ops.cast(convert_to_tensor(decay, name="decay"), variable.dtype)
        if zero_debias:
            return _zero_debias(variable, value, decay, scope)
        update = (1.0 - decay) * (variable - value)
        return scatter_ops.assign_sub(variable, update, name=scope[:-1] if scope else None)


def _zero_debias(variable, value, decay, scope):
    graph = variable.graph
    base = f"{variable.op.name}/{scope.rstrip('/').rpartition('/')[2]}"
    with graph.name_scope(None), control_dependencies(None):
        zeros = array_ops.zeros(variable.shape.as_list(), variable.dtype)
        biased = Variable(zeros, trainable=False, name=f"{base}/biased")
        local_step = Variable(array_ops.zeros([], variable.dtype), trainable=False,
                              name=f"{base}/local_step")
    new_biased = scatter_ops.assign_sub(biased, (biased - value) * (1.0 - decay))
    new_step = scatter_ops.assign_add(local_step, 1.0)
    with control_dependencies([new_biased, new_step]):
        unbiased = new_biased / (1.0 - math_ops.pow(decay, new_step))
        return scatter_ops.assign(variable, unbiased)


class ExponentialMovingAverage:
    """Moving averages of variables (or tensors), e.g. to evaluate with averaged weights.

    ``decay`` near 1 (0.999, 0.9999); with ``num_updates`` the decay used is
    ``min(decay, (1 + num_updates) / (10 + num_updates))``, which moves faster early on.
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Create shadows for ``var_list`` (default: trainable variables) and return the op
        that updates them all."""
        from ..variables import trainable_variables

        if var_list is None:
            var_list = trainable_variables()
        var_list = list(var_list)
        for var in var_list:
            if var.dtype.base_dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if var in self._averages:
                raise ValueError(f"Moving average already computed for: {var.name}")
        for var in var_list:
            self._averages[var] = self._make_shadow(var)
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, name="decay")
            if self._num_updates is not None:
                updates = math_ops.cast(self._num_updates, dtypes.float32)
                decay = math_ops.minimum(decay, (1.0 + updates) / (10.0 + updates))
            ops = []
            for var in var_list:
                # TF 1.15: only a tensor's zero-started shadow is debiased, and only with
                # zero_debias=True (before 1.4 tensors always were).
                debias = self._zero_debias and not isinstance(var, Variable)
                ops.append(assign_moving_average(self._averages[var], var, decay,
                                                 zero_debias=debias))
            return control_flow_ops.group(*ops, name=scope[:-1])

    def _make_shadow(self, var):
        with control_dependencies(None):
            if isinstance(var, Variable):
                initial = var.initialized_value()
                shape, dtype = var.shape, var.dtype
            elif isinstance(var, Tensor):
                shape, dtype = var.shape, var.dtype
                if not shape.is_fully_defined():
                    raise ValueError(f"The shape of {var.name} must be fully defined to "
                                     "average it")
                initial = array_ops.zeros(shape.as_list(), dtype)
            else:
                raise TypeError(f"var_list must hold Variables or Tensors, got {var!r}")
            shadow = Variable(initial, trainable=False, name=self.average_name(var),
                              dtype=dtype)
        shadow.graph.add_to_collection(MOVING_AVERAGE_VARIABLES, var)
        return shadow

    def average(self, var):
        """The shadow variable of ``var``, or None when ``var`` is not averaged."""
        return self._averages.get(var)

    def average_name(self, var):
        """``<var op name>/<name>``: the shadow's name, also its name in checkpoints."""
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """A Saver map that restores each averaged variable from its average.

        Variables not averaged map to themselves; pass the map to ``tf.train.Saver`` to
        evaluate a model with its averaged weights.
        """
        from ..graph import get_collection

        if moving_avg_variables is None:
            moving_avg_variables = (get_collection(GraphKeys.TRAINABLE_VARIABLES)
                                    + get_collection(MOVING_AVERAGE_VARIABLES))
        averaged = set(moving_avg_variables)
        shadows = {shadow for shadow in self._averages.values()}
        restore = {}
        for var in get_collection(GraphKeys.GLOBAL_VARIABLES):
            if var in shadows:
                continue
            if var in averaged:
                restore[self.average_name(var)] = var
            else:
                restore[var.op.name] = var
        return restore
