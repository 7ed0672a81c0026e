"""Flag validators of ``tf.app.flags``: checks run after parsing and whenever a value is
assigned (``register_validator``, ``mark_flag_as_required``, mutual exclusion...)."""

import itertools

from .. import logging as _logging
from ._exceptions import Error, ValidationError

_insertion_counter = itertools.count()


class _Validator:
    def __init__(self, checker, message):
        self.checker = checker
        self.message = message
        self.insertion_index = next(_insertion_counter)

    def verify(self, flag_values):
        value = self._checker_input(flag_values)
        if not self.checker(value):
            raise ValidationError(self.message)


class SingleFlagValidator(_Validator):
    """``checker(value)`` of one flag."""

    def __init__(self, flag_name, checker, message):
        super().__init__(checker, message)
        self.flag_name = flag_name

    def get_flag_names(self):
        return [self.flag_name]

    def print_flags_with_values(self, flag_values):
        return f"flag --{self.flag_name}={flag_values[self.flag_name].value}"

    def _checker_input(self, flag_values):
        return flag_values[self.flag_name].value


class MultiFlagsValidator(_Validator):
    """``checker({name: value})`` of several flags."""

    def __init__(self, flag_names, checker, message):
        super().__init__(checker, message)
        self.flag_names = list(flag_names)

    def get_flag_names(self):
        return self.flag_names

    def print_flags_with_values(self, flag_values):
        pairs = ", ".join(f"{name}={flag_values[name].value}" for name in self.flag_names)
        return f"flags {pairs}"

    def _checker_input(self, flag_values):
        return {name: flag_values[name].value for name in self.flag_names}


def _flag_values_or_default(flag_values):
    if flag_values is None:
        from . import FLAGS  # the process's flags; a late import, FLAGS is made after us

        return FLAGS
    return flag_values


def _add_validator(flag_values, validator):
    flag_values = _flag_values_or_default(flag_values)
    for name in validator.get_flag_names():
        if name not in flag_values:
            raise KeyError(f"Flag --{name} is not defined; define it before registering "
                           f"a validator for it.")
        flag_values[name].validators.append(validator)


def register_validator(flag_name, checker, message="Flag validation failed",
                       flag_values=None):
    """Check flag ``flag_name`` with ``checker(value)`` (False, or raising ValidationError,
    fails) after parsing and on every assignment."""
    _add_validator(flag_values, SingleFlagValidator(flag_name, checker, message))


def validator(flag_name, message="Flag validation failed", flag_values=None):
    """Decorator form of ``register_validator``."""

    def decorate(function):
        register_validator(flag_name, function, message=message, flag_values=flag_values)
        return function

    return decorate


def register_multi_flags_validator(flag_names, multi_flags_checker,
                                   message="Flags validation failed", flag_values=None):
    """Check several flags together: ``multi_flags_checker({name: value})``."""
    _add_validator(flag_values, MultiFlagsValidator(flag_names, multi_flags_checker, message))


def multi_flags_validator(flag_names, message="Flag validation failed", flag_values=None):
    """Decorator form of ``register_multi_flags_validator``."""

    def decorate(function):
        register_multi_flags_validator(flag_names, function, message=message,
                                       flag_values=flag_values)
        return function

    return decorate


def _name_of(flag_or_holder):
    return getattr(flag_or_holder, "name", flag_or_holder)


def mark_flag_as_required(flag_name, flag_values=None):
    """Parsing fails unless flag ``flag_name`` ends with a value other than None."""
    flag_values = _flag_values_or_default(flag_values)
    flag_name = _name_of(flag_name)
    if flag_name not in flag_values:
        raise KeyError(f"Flag --{flag_name} is not defined.")
    if flag_values[flag_name].default is not None:
        _logging.warning("Flag --%s has a non-None default value; therefore, "
                         "mark_flag_as_required will pass even if flag is not specified "
                         "in the command line!", flag_name)
    register_validator(flag_name, lambda value: value is not None,
                       message=f"Flag --{flag_name} must have a value other than None.",
                       flag_values=flag_values)


def mark_flags_as_required(flag_names, flag_values=None):
    """``mark_flag_as_required`` for each name."""
    if isinstance(flag_names, str):
        raise TypeError("flag_names must be a list of flag names, not a string.")
    for name in flag_names:
        mark_flag_as_required(name, flag_values)


def mark_flags_as_mutual_exclusive(flag_names, required=False, flag_values=None):
    """At most one (exactly one with ``required``) of the flags may have a non-None value."""
    names = [_name_of(name) for name in flag_names]
    for name in names:
        flag_values_ = _flag_values_or_default(flag_values)
        if name in flag_values_ and flag_values_[name].default is not None:
            _logging.warning("Flag --%s has a non-None default value. That does not make "
                             "sense with mark_flags_as_mutual_exclusive, which checks "
                             "whether the listed flags have a value other than None.", name)

    def check(values):
        count = sum(1 for value in values.values() if value is not None)
        if count == 1 or (count == 0 and not required):
            return True
        raise ValidationError(f"{'Exactly' if required else 'At most'} one of "
                              f"({', '.join(names)}) must have a value other than None.")

    register_multi_flags_validator(names, check, flag_values=flag_values)


def mark_bool_flags_as_mutual_exclusive(flag_names, required=False, flag_values=None):
    """At most one (exactly one with ``required``) of the boolean flags may be True."""
    names = [_name_of(name) for name in flag_names]
    flag_values_ = _flag_values_or_default(flag_values)
    for name in names:
        if name in flag_values_ and not flag_values_[name].boolean:
            raise Error(f'Flag --{name} is not Boolean, which is required for flags used '
                        f"in mark_bool_flags_as_mutual_exclusive.")

    def check(values):
        count = sum(bool(value) for value in values.values())
        if count == 1 or (count == 0 and not required):
            return True
        raise ValidationError(f"{'Exactly' if required else 'At most'} one of "
                              f"({', '.join(names)}) must be True.")

    register_multi_flags_validator(names, check, flag_values=flag_values)
