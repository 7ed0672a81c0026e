"""``tf.keras.optimizers.schedules``: learning rates as functions of the step.

A schedule is called with the optimizer's ``iterations`` each step; the Keras optimizers
accept one as their ``learning_rate``. Each computes what the ``tf.train`` decay function
of the same name does (the formulas are shared), and serializes as Keras's do.
"""

from ..train import learning_rate_decay as _rates

__all__ = ["ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
           "PiecewiseConstantDecay", "PolynomialDecay", "deserialize", "serialize"]


class LearningRateSchedule:
    """The base of the schedules: ``schedule(step)`` is the learning rate at ``step``."""

    def __call__(self, step):
        raise NotImplementedError("Learning rate schedule must override __call__")

    def get_config(self):
        raise NotImplementedError("Learning rate schedule must override get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _RateDecay(LearningRateSchedule):
    """The schedules of ``(initial_learning_rate, decay_steps, decay_rate, staircase)``."""

    _function = None  # the tf.train decay function
    _default_name = None

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        return type(self)._function(self.initial_learning_rate, step, self.decay_steps,
                                 self.decay_rate, self.staircase,
                                 self.name or self._default_name)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (an integer power
    with ``staircase``)."""

    _function = staticmethod(_rates.exponential_decay)
    _default_name = "ExponentialDecay"


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` for steps up to ``boundaries[i]`` (the last value after them all)."""

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             "values")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        return _rates.piecewise_constant(step, self.boundaries, self.values,
                                         self.name or "PiecewiseConstant")

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps`` along
    ``(1 - step / decay_steps) ** power`` (restarting with ``cycle``)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        return _rates.polynomial_decay(self.initial_learning_rate, step, self.decay_steps,
                                       self.end_learning_rate, self.power, self.cycle,
                                       self.name or "PolynomialDecay")

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    _function = staticmethod(_rates.inverse_time_decay)
    _default_name = "InverseTimeDecay"


def serialize(learning_rate_schedule):
    """``{"class_name": ..., "config": ...}`` of a schedule."""
    return {"class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config()}


def deserialize(config, custom_objects=None):
    """The schedule ``serialize`` described."""
    classes = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay,
                                             PiecewiseConstantDecay, PolynomialDecay)}
    classes.update(custom_objects or {})
    cls = classes.get(config.get("class_name"))
    if cls is None:
        raise ValueError(f"Unknown decay: {config.get('class_name')}")
    return cls.from_config(config.get("config", {}))
