"""``tf.contrib.training``: ``HParams``, the hyperparameter container of TF1 programs (NMT,
tensor2tensor), with its ``"a=1,b=[2,3]"`` parser and JSON round trip; the train-op helpers
(``create_train_op``, ``train``: training_loop.py) and the evaluation loop
(``evaluate_once``, ``evaluate_repeatedly``: training_evaluation.py) TF-Slim builds on.

Each hyperparameter keeps the type of its first value: later values are cast to it when the
cast loses nothing (an int into a float) and refused otherwise (a float into an int, a
number into a bool or a string), as TensorFlow 1.x's ``hparam.py`` does.
"""

import json
import numbers
import re

from ._missing import missing_attribute
from .training_evaluation import (
    StopAfterNEvalsHook,
    SummaryAtEndHook,
    checkpoints_iterator,
    evaluate_once,
    evaluate_repeatedly,
    get_or_create_eval_step,
    wait_for_new_checkpoint,
)
from .training_loop import (
    add_gradients_summaries,
    clip_gradient_norms,
    clip_gradient_norms_fn,
    create_train_op,
    multiply_gradients,
    train,
)

__all__ = ["HParams", "StopAfterNEvalsHook", "SummaryAtEndHook", "add_gradients_summaries",
           "checkpoints_iterator", "clip_gradient_norms", "clip_gradient_norms_fn",
           "create_train_op", "evaluate_once", "evaluate_repeatedly",
           "get_or_create_eval_step", "multiply_gradients", "parse_values", "train",
           "wait_for_new_checkpoint"]

_PARAM_RE = re.compile(r"(?P<name>[a-zA-Z][\w\.]*)(\[\s*(?P<index>\d+)\s*\])?\s*=\s*"
                       r"((?P<val>[^,\[]*)|\[(?P<vals>[^\]]*)\])($|,\s*)")


def _parse_fail(name, var_type, value, values):
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' with "
                     f"value '{value}' in {values}")


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _bool_parser(name, values):
    def parse_bool(text):
        if text in ("true", "True"):
            return True
        if text in ("false", "False"):
            return False
        try:
            return bool(int(text))
        except ValueError:
            return _parse_fail(name, bool, text, values)

    return parse_bool


def parse_values(values, type_map, ignore_unknown=False):
    """``"a=1,b=[2,3],c[1]=4"`` as a dict of values parsed with ``type_map``'s types (an
    indexed assignment gives a dict of index -> value)."""
    results = {}
    pos = 0
    while pos < len(values):
        match = _PARAM_RE.match(values, pos)
        if not match:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = match.end()
        groups = match.groupdict()
        name = groups["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        var_type = type_map[name]
        parse = _bool_parser(name, values) if var_type is bool else var_type
        if groups["val"] is not None:
            try:
                parsed = parse(groups["val"])
            except ValueError:
                _parse_fail(name, var_type, groups["val"], values)
            if groups["index"] is None:
                if name in results:
                    _reuse_fail(name, values)
                results[name] = parsed
            else:
                slot = results.setdefault(name, {})
                if not isinstance(slot, dict):
                    _reuse_fail(name, values)
                index = int(groups["index"])
                if index in slot:
                    _reuse_fail(f"{name}[{index}]", values)
                slot[index] = parsed
        else:
            if groups["index"] is not None:
                raise ValueError("Assignment of a list to a list index.")
            if name in results:
                _reuse_fail(name, values)
            elements = [e for e in re.split("[ ,]", groups["vals"]) if e]
            try:
                results[name] = [parse(e) for e in elements]
            except ValueError:
                _parse_fail(name, var_type, groups["vals"], values)
    return results


def _cast_to_type_if_compatible(name, param_type, value):
    fail = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if type(value) is param_type:
        return value
    if issubclass(param_type, type(None)):
        return value  # a None default says nothing about the type
    if issubclass(param_type, str | bytes) and not isinstance(value, str | bytes):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


def _without_callables(value):
    if isinstance(value, dict):
        return {k: _without_callables(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, list):
        return [_without_callables(v) for v in value if not callable(v)]
    return value


class HParams:
    """Named hyperparameters as attributes: ``HParams(learning_rate=0.1, layers=[64, 32])``."""

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        self._hparam_types = {}
        self._model_structure = model_structure
        if hparam_def is not None:
            raise NotImplementedError("HParams(hparam_def=...) reads a HParamDef protocol "
                                      "buffer, which smallflow does not provide; pass the "
                                      "values as keyword arguments")
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """Add hyperparameter ``name``; its type is that of ``value`` (of its first element
        for a list)."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, list | tuple):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Set an existing hyperparameter, cast to its type."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast_to_type_if_compatible(name, param_type, v)
                                 for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name):
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Override from ``"name=value,..."``; returns self."""
        type_map = {name: kind for name, (kind, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as JSON (callables left out)."""
        return json.dumps(_without_callables(self.values()), indent=indent,
                          separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json):
        """Override from a JSON object; returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """A dict of name -> value."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of ``key``, or ``default`` when absent (which must fit its type)."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            shown = f"list<{param_type}>" if is_list else str(param_type)
            fail = f"Hparam '{key}' of type '{shown}' is incompatible with default={default}"
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for value in default if is_list else [default]:
                    _cast_to_type_if_compatible(key, param_type, value)
            except ValueError as err:
                raise ValueError(f"{fail}. {err}") from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return ",".join(f"{name}={value}" for name, value in self.values().items())

    def __repr__(self):
        return f"{type(self).__name__}({sorted(self.values().items())})"


__getattr__ = missing_attribute(__name__, "tf.contrib.training")
