"""``tf.keras.wrappers.scikit_learn``: ``KerasClassifier`` and ``KerasRegressor``, a Keras model
behind scikit-learn's estimator interface (``fit``, ``predict``, ``score``, ``get_params`` /
``set_params``), so grid searches and pipelines can build and train it.

``build_fn`` makes a compiled model; the keyword arguments given to the wrapper (its
``sk_params``) go to ``build_fn`` when it takes them, and to ``fit``, ``predict``,
``evaluate`` otherwise (``epochs``, ``batch_size``, ...), as Keras's wrappers route them.
scikit-learn itself is not imported here: it calls these methods.
"""

import copy
import inspect
import types

import numpy as np

from ..engine.sequential import Sequential
from ..utils import to_categorical

__all__ = ["KerasClassifier", "KerasRegressor"]


def _accepts(function, name):
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


class BaseWrapper:
    """What both wrappers share: the parameters, building the model and training it."""

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _build_target(self):
        if self.build_fn is None:
            return self.__call__
        if not isinstance(self.build_fn, types.FunctionType | types.MethodType):
            return self.build_fn.__call__
        return self.build_fn

    def check_params(self, params):
        """Refuse parameters that neither the model function nor a Keras method takes."""
        targets = [Sequential.fit, Sequential.predict, Sequential.predict_classes,
                   Sequential.evaluate, self._build_target()]
        for name in params:
            if name == "nb_epoch":
                raise ValueError("nb_epoch is deprecated: use epochs")
            if not any(_accepts(target, name) for target in targets):
                raise ValueError(f"{name} is not a legal parameter")

    def get_params(self, **params):
        """The constructor's parameters (scikit-learn's ``clone`` rebuilds from them)."""
        result = copy.deepcopy(self.sk_params)
        result["build_fn"] = self.build_fn
        return result

    def set_params(self, **params):
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, function, override=None):
        """The ``sk_params`` (and ``override``) that ``function`` takes."""
        chosen = {name: value for name, value in self.sk_params.items()
                  if _accepts(function, name)}
        for name, value in (override or {}).items():
            if _accepts(function, name):
                chosen[name] = value
        return chosen

    def fit(self, x, y, **kwargs):
        """Build a fresh model with ``build_fn`` and train it; return its ``History``."""
        target = self._build_target()
        self.model = target(**self.filter_sk_params(target))
        loss = getattr(self.model, "loss", None)
        loss_name = getattr(loss, "__name__", loss)
        y = np.asarray(y)
        if loss_name == "categorical_crossentropy" and y.ndim != 2:
            y = to_categorical(y)
        fit_args = self.filter_sk_params(Sequential.fit)
        fit_args.update(kwargs)
        return self.model.fit(x, y, **fit_args)


class KerasClassifier(BaseWrapper):
    """A Keras classifier for scikit-learn: labels may be any values (kept in ``classes_``)."""

    def fit(self, x, y, sample_weight=None, **kwargs):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"Invalid shape for y: {y.shape}")
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        return self.classes_[self.model.predict_classes(x, **kwargs)]

    def predict_proba(self, x, **kwargs):
        """Class probabilities ``[samples, classes]`` (two columns for a sigmoid output)."""
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probabilities = self.model.predict_proba(x, **kwargs)
        if probabilities.shape[1] == 1:
            probabilities = np.hstack([1 - probabilities, probabilities])
        return probabilities

    def score(self, x, y, **kwargs):
        """The model's accuracy on ``x``, ``y`` (it must be compiled with that metric)."""
        y = np.searchsorted(self.classes_, np.asarray(y))
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = getattr(self.model, "loss", None)
        if getattr(loss, "__name__", loss) == "categorical_crossentropy" and y.ndim != 2:
            y = to_categorical(y)
        outputs = self.model.evaluate(x, y, **kwargs)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for name, value in zip(self.model.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return value
        raise ValueError("The model is not configured to compute accuracy. You should pass "
                         "`metrics=[\"accuracy\"]` to the `model.compile()` method.")


class KerasRegressor(BaseWrapper):
    """A Keras regressor for scikit-learn: ``score`` is the negated loss (higher is better)."""

    def predict(self, x, **kwargs):
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(self.model.predict(x, **kwargs))

    def score(self, x, y, **kwargs):
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        return -loss[0] if isinstance(loss, list) else -loss
