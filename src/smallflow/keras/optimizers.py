"""``tf.keras.optimizers``: SGD, Adam, RMSprop, Adagrad, Adadelta with Keras's defaults.

Each Keras optimizer builds its update with the matching ``tf.train`` optimizer (the same
update kernels): ``SGD(0.01)``, ``Adam(0.001, epsilon=1e-7)``, ``RMSprop(0.001, rho=0.9,
epsilon=1e-7)`` whose mean square starts at zero as in Keras (``tf.train``'s starts at one),
``Adagrad(0.001, initial_accumulator_value=0.1)``, and TF 1.x's Keras (optimizer v2)
``Adamax`` and ``Nadam`` (their step counts come from ``iterations``). The learning
rate is a variable (``<Name>/learning_rate``) so ``K.set_value(model.optimizer.lr, 0.01)`` and the
LearningRateScheduler callback change it between steps; ``decay`` divides it by
``1 + decay * iterations``; ``clipnorm`` / ``clipvalue`` clip each gradient.
``compile`` also accepts any ``tf.train`` optimizer.
"""

import numpy as np

from ..graph import get_default_graph, name_scope
from ..ops import clip_ops, math_ops
from ..train import adagrad as _adagrad
from ..train import adam as _adam
from ..train import gradient_descent as _gradient_descent
from ..train import momentum as _momentum
from ..train import rmsprop as _rmsprop
from ..train.composite_optimizers import AdadeltaOptimizer, FtrlOptimizer
from ..train.optimizer import Optimizer as _TFOptimizer
from ..variables import Variable
from . import optimizer_schedules as schedules

__all__ = ["Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop",
           "SGD", "TFOptimizer", "deserialize", "get", "schedules", "serialize"]


class Optimizer:
    """Base of the Keras optimizers: hyper-parameters, the learning-rate variable, updates."""

    _default_name = "Optimizer"

    def __init__(self, name=None, learning_rate=0.001, **kwargs):
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        self.decay = float(kwargs.pop("decay", 0.0))
        self.clipnorm = kwargs.pop("clipnorm", None)
        self.clipvalue = kwargs.pop("clipvalue", None)
        if kwargs:
            raise TypeError(f"Unexpected keyword argument passed to optimizer: "
                            f"{sorted(kwargs)[0]}")
        self._name = name or self._default_name
        self._initial_lr = learning_rate
        self._variables = {}  # (graph, name) -> variable

    def _variable(self, name, value, dtype="float32"):
        key = (get_default_graph(), name)
        if key not in self._variables:
            from ..graph import control_dependencies

            with control_dependencies(None), name_scope(None), name_scope(self._name + "/"):
                self._variables[key] = Variable(value, name=name, trainable=False, dtype=dtype)
        return self._variables[key]

    @property
    def learning_rate(self):
        """The learning-rate variable, or the schedule given as ``learning_rate``."""
        if isinstance(self._initial_lr, schedules.LearningRateSchedule):
            return self._initial_lr
        return self._variable("learning_rate", float(self._initial_lr))

    lr = learning_rate

    @property
    def iterations(self):
        return self._variable("iter", 0, dtype="int64")

    def _lr_tensor(self):
        if isinstance(self._initial_lr, schedules.LearningRateSchedule):
            lr = math_ops.cast(self._initial_lr(self.iterations.value()), "float32")
        else:
            lr = self.learning_rate.value()
        if self.decay:
            steps = math_ops.cast(self.iterations.value(), "float32")
            lr = math_ops.divide(lr, math_ops.add(1.0, math_ops.multiply(self.decay, steps)))
        return lr

    def _tf_optimizer(self, lr):
        raise NotImplementedError

    def _clip(self, grads_and_vars):
        clipped = []
        for grad, var in grads_and_vars:
            if grad is not None and self.clipnorm is not None:
                grad = clip_ops.clip_by_norm(grad, self.clipnorm)
            if grad is not None and self.clipvalue is not None:
                grad = math_ops.clip_by_value(grad, -self.clipvalue, self.clipvalue)
            clipped.append((grad, var))
        return clipped

    # (Keras's slot name, the tf.train optimizer's slot name), in Keras's order
    def _slot_names(self):
        return ()

    @property
    def weights(self):
        """TF 1.x Keras's optimizer weights: ``iterations``, then each slot kind over every
        parameter (Adam: all ``m``, then all ``v``); empty before the first training step is
        built."""
        built = self.__dict__.get("_built")
        if built is None:
            return []
        optimizer, params = built
        slots = [optimizer.get_slot(var, tf_name) for _, tf_name in self._slot_names()
                 for var in params]
        extra = [optimizer._get_non_slot_variable(name) for name in self._non_slot_names]
        return [self.iterations, *extra, *[slot for slot in slots if slot is not None]]

    _non_slot_names = ()  # per-optimizer variables saved after iterations (Nadam's cache)

    def weight_names(self):
        """The names TensorFlow's Keras gives ``weights`` in an HDF5 file."""
        built = self.__dict__.get("_built")
        if built is None:
            return []
        names = [f"{self._name}/iter:0"]
        names += [f"{self._name}/{name}:0" for name in self._non_slot_names]
        for keras_name, _ in self._slot_names():
            names += [f"{self._name}/{var.op.name}/{keras_name}:0" for var in built[1]]
        return names

    def get_weights(self):
        from . import backend

        return backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Restore ``get_weights()`` values (a model's training must have been built)."""
        from . import backend

        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"Length of the specified weight list ({len(weights)}) does not "
                             f"match the number of weights of the optimizer ({len(params)})")
        pairs = []
        for variable, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(variable.shape.as_list()) != value.shape:
                raise ValueError(f"Optimizer weight shape {tuple(variable.shape.as_list())} "
                                 f"not compatible with provided weight shape {value.shape}")
            pairs.append((variable, value))
        # tf.train's Adam keeps beta powers: after t steps they are beta^(t + 1)
        optimizer = self._built[0]
        if hasattr(optimizer, "_get_beta_accumulators"):
            steps = int(np.asarray(weights[0]))
            powers = optimizer._get_beta_accumulators()
            for power, beta in zip(powers, (optimizer._beta1, optimizer._beta2)):
                if power is not None:
                    pairs.append((power, np.float32(beta) ** (steps + 1)))
        backend.batch_set_value(pairs)

    def get_updates(self, loss, params):
        """The update ops for ``params`` (Keras's name for minimize), counting iterations."""
        optimizer = self._tf_optimizer(self._lr_tensor())
        self._built = (optimizer, list(params))
        grads_and_vars = self._clip(optimizer.compute_gradients(loss, var_list=params))
        if all(grad is None for grad, _ in grads_and_vars):
            raise ValueError("No gradients provided for any variable: "
                             f"{[v.name for _, v in grads_and_vars]}.")
        with name_scope("training"):
            train = optimizer.apply_gradients(grads_and_vars)
            from ..graph import control_dependencies

            with control_dependencies([train]):
                count = self.iterations.assign_add(1)
        return [train, count.op if hasattr(count, "op") else count]

    def minimize(self, loss, var_list=None, grad_loss=None, name=None):
        from ..ops import control_flow_ops
        from ..variables import trainable_variables

        loss = loss() if callable(loss) else loss
        params = trainable_variables() if var_list is None else list(var_list)
        return control_flow_ops.group(*self.get_updates(loss, params), name=name)

    _config_keys = ()

    def get_config(self):
        rate = self._initial_lr
        if isinstance(rate, schedules.LearningRateSchedule):
            rate = schedules.serialize(rate)
        config = {"name": self._name, "learning_rate": rate, "decay": self.decay}
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects)
        return cls(**config)


class SGD(Optimizer):
    """Gradient descent, with ``momentum`` (and ``nesterov``) when given."""

    def _slot_names(self):
        return (("momentum", "momentum"),) if self.momentum or self.nesterov else ()

    _default_name = "SGD"
    _config_keys = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _tf_optimizer(self, lr):
        if self.momentum or self.nesterov:
            return _momentum.MomentumOptimizer(lr, self.momentum, use_nesterov=self.nesterov,
                                              name=self._name)
        return _gradient_descent.GradientDescentOptimizer(lr, name=self._name)


class Adam(Optimizer):
    _default_name = "Adam"

    def _slot_names(self):
        return (("m", "m"), ("v", "v"))

    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        if amsgrad:
            raise NotImplementedError("smallflow's Keras Adam has no amsgrad variant")
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _tf_optimizer(self, lr):
        return _adam.AdamOptimizer(lr, self.beta_1, self.beta_2, self.epsilon, name=self._name)


class _ZeroStartRMSProp(_rmsprop.RMSPropOptimizer):
    """tf.train's RMSProp with the mean square starting at zero, as Keras's."""

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "rms", self._name)
            if self._centered:
                self._zeros_slot(var, "mg", self._name)
            self._zeros_slot(var, "momentum", self._name)


class RMSprop(Optimizer):
    _default_name = "RMSprop"

    def _slot_names(self):
        return (("rms", "rms"), *((("momentum", "momentum"),) if self.momentum else ()),
                *((("mg", "mg"),) if self.centered else ()))

    _config_keys = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def _tf_optimizer(self, lr):
        return _ZeroStartRMSProp(lr, self.rho, self.momentum, self.epsilon,
                                 centered=self.centered, name=self._name)


class Adagrad(Optimizer):
    _default_name = "Adagrad"

    def _slot_names(self):
        return (("accumulator", "accumulator"),)

    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="Adagrad", **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _tf_optimizer(self, lr):
        return _adagrad.AdagradOptimizer(lr, self.initial_accumulator_value, name=self._name)


class Ftrl(Optimizer):
    """Follow-the-regularized-leader (TF 1.15's Keras ``Ftrl``: tf.train's update)."""

    _default_name = "Ftrl"

    def _slot_names(self):
        return (("accumulator", "accum"), ("linear", "linear"))

    _config_keys = ("learning_rate_power", "initial_accumulator_value",
                    "l1_regularization_strength", "l2_regularization_strength",
                    "l2_shrinkage_regularization_strength")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, name="Ftrl",
                 l2_shrinkage_regularization_strength=0.0, **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError(f"`initial_accumulator_value` needs to be positive or zero, got "
                             f"{initial_accumulator_value}.")
        if learning_rate_power > 0.0:
            raise ValueError(f"`learning_rate_power` needs to be negative or zero, got "
                             f"{learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength

    def _tf_optimizer(self, lr):
        return FtrlOptimizer(
            lr, self.learning_rate_power, self.initial_accumulator_value,
            self.l1_regularization_strength, self.l2_regularization_strength, name=self._name,
            l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength)


class Adadelta(Optimizer):
    _default_name = "Adadelta"

    def _slot_names(self):
        return (("accum_grad", "accum"), ("accum_var", "accum_update"))

    _config_keys = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="Adadelta", **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def _tf_optimizer(self, lr):
        return AdadeltaOptimizer(lr, self.rho, self.epsilon, name=self._name)


class _StepCounted(_TFOptimizer):
    """A tf.train-style optimizer whose bias corrections use the Keras optimizer's
    ``iterations`` (the step about to run is ``iterations + 1``), as TF 1.x's Keras v2
    optimizers: no beta-power variables. Slots ``m`` and ``v`` per variable."""

    def __init__(self, lr, beta_1, beta_2, epsilon, iterations, name):
        super().__init__(False, name)
        self._hyper = (lr, beta_1, beta_2, epsilon)
        self._iterations = iterations

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "m", self._name)
            self._zeros_slot(var, "v", self._name)

    def _constants(self, var):
        dtype = var.dtype.base_dtype
        lr, beta_1, beta_2, epsilon = (math_ops.cast(value, dtype) for value in self._hyper)
        step = math_ops.cast(math_ops.add(self._iterations.value(), 1), dtype)
        return lr, beta_1, beta_2, epsilon, step

    def _apply_sparse(self, grad, var):
        from ..ops import array_ops

        dense = array_ops.scatter_nd(array_ops.expand_dims(grad.indices, 1), grad.values,
                                     array_ops.shape(var, out_type=grad.indices.dtype))
        return self._apply_dense(dense, var)


class _AdamaxUpdate(_StepCounted):
    def _apply_dense(self, grad, var):
        from ..ops import scatter_ops

        lr, beta_1, beta_2, epsilon, step = self._constants(var)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = scatter_ops.assign(m, beta_1 * m + (1 - beta_1) * grad)
        v_t = scatter_ops.assign(v, math_ops.maximum(beta_2 * v, math_ops.abs(grad)))
        lr_t = lr / (1 - math_ops.pow(beta_1, step))
        return scatter_ops.assign_sub(var, lr_t * m_t / (v_t + epsilon)).op


class _NadamUpdate(_StepCounted):
    """Dozat's Nadam with the momentum schedule ``beta_1 * (1 - 0.5 * 0.96^(0.004 t))`` and
    its running product in the non-slot variable ``momentum_cache``."""

    def _create_slots(self, var_list):
        first = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(1.0, "momentum_cache", first)
        super()._create_slots(var_list)

    def _prepare(self):
        _, beta_1, _, _ = self._hyper
        step = math_ops.cast(math_ops.add(self._iterations.value(), 1), "float32")
        decay = 0.96
        self._mu_t = beta_1 * (1.0 - 0.5 * math_ops.pow(decay, 0.004 * step))
        self._mu_next = beta_1 * (1.0 - 0.5 * math_ops.pow(decay, 0.004 * (step + 1.0)))
        cache = self._get_non_slot_variable("momentum_cache")
        self._schedule = cache.assign(cache * self._mu_t)

    def _apply_dense(self, grad, var):
        from ..ops import scatter_ops

        lr, beta_1, beta_2, epsilon, step = self._constants(var)
        dtype = var.dtype.base_dtype
        mu_t, mu_next, schedule = (math_ops.cast(t, dtype)
                                   for t in (self._mu_t, self._mu_next, self._schedule))
        schedule_next = schedule * mu_next
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = scatter_ops.assign(m, beta_1 * m + (1 - beta_1) * grad)
        v_t = scatter_ops.assign(v, beta_2 * v + (1 - beta_2) * math_ops.square(grad))
        g_prime = grad / (1 - schedule)
        m_prime = m_t / (1 - schedule_next)
        v_prime = v_t / (1 - math_ops.pow(beta_2, step))
        m_bar = (1 - mu_t) * g_prime + mu_next * m_prime
        return scatter_ops.assign_sub(var, lr * m_bar / (math_ops.sqrt(v_prime) + epsilon)).op


class Adamax(Optimizer):
    def _slot_names(self):
        return (("m", "m"), ("v", "v"))

    """AdaMax (Adam with the infinity norm), TF 1.x Keras's defaults."""

    _default_name = "Adamax"
    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adamax", **kwargs):
        super().__init__(name, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _tf_optimizer(self, lr):
        return _AdamaxUpdate(lr, self.beta_1, self.beta_2, self.epsilon, self.iterations,
                             self._name)


class Nadam(Optimizer):
    _non_slot_names = ("momentum_cache",)

    def _slot_names(self):
        return (("m", "m"), ("v", "v"))

    """Adam with Nesterov momentum (Dozat), TF 1.x Keras's defaults."""

    _default_name = "Nadam"
    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Nadam", **kwargs):
        kwargs.pop("schedule_decay", None)  # Keras 2.2's argument; v2 fixes it at 0.004
        super().__init__(name, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _tf_optimizer(self, lr):
        return _NadamUpdate(lr, self.beta_1, self.beta_2, self.epsilon, self.iterations,
                            self._name)


class TFOptimizer(Optimizer):
    """A ``tf.train`` optimizer used by ``compile`` (its own learning rate is kept)."""

    def __init__(self, optimizer, iterations=None):
        super().__init__(optimizer.get_name(), 0.0)
        self.optimizer = optimizer

    def _lr_tensor(self):
        return None

    def _tf_optimizer(self, lr):
        return self.optimizer


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
            "adadelta": Adadelta, "adamax": Adamax, "nadam": Nadam, "ftrl": Ftrl}


def serialize(optimizer):
    """``{"class_name": ..., "config": ...}`` of a Keras optimizer."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """The optimizer ``serialize`` described (class names as Keras's, any case)."""
    custom_objects = custom_objects or {}
    class_name = config.get("class_name", "")
    cls = custom_objects.get(class_name) or _BY_NAME.get(class_name.lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: {class_name}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """A Keras optimizer for a name (``'adam'``), a ``serialize`` dict, a Keras optimizer or
    a tf.train one."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, _TFOptimizer):
        return TFOptimizer(identifier)
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
