"""``DEFINE_*`` of ``tf.app.flags``: make a Flag, register it with the module that defined
it, return a FlagHolder. TensorFlow 1.x's old keyword names (``flag_name``,
``default_value``, ``docstring``) are accepted, as TensorFlow's wrapper accepts them."""

import functools

from .. import logging as _logging
from . import _argument_parser as parsers
from . import _helpers
from ._exceptions import Error, IllegalFlagValueError, UnrecognizedFlagError
from ._exceptions import ValidationError as _ValidationError
from ._flag import (
    BooleanFlag,
    EnumClassFlag,
    EnumFlag,
    Flag,
    FlagHolder,
    MultiEnumClassFlag,
    MultiFlag,
)
from ._validators import _flag_values_or_default, mark_flag_as_required, register_validator

_RENAMED_ARGUMENTS = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _accept_old_names(function):
    """TensorFlow's flags wrapper: the pre-absl keyword names still work (with a warning)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        renamed = False
        for old, new in _RENAMED_ARGUMENTS.items():
            if old in kwargs:
                renamed = True
                kwargs[new] = kwargs.pop(old)
        if renamed:
            _logging.warning("Use of the keyword argument names (flag_name, default_value, "
                             "docstring) is deprecated, please use (name, default, help) "
                             "instead.")
        return function(*args, **kwargs)

    return wrapper


def DEFINE_flag(flag, flag_values=None, module_name=None, required=False):  # noqa: N802
    """Register a Flag object; return its FlagHolder."""
    flag_values = _flag_values_or_default(flag_values)
    if required and flag.default is not None:
        raise ValueError(f"Required flag --{flag.name} needs to have None as default")
    flag_values[flag.name] = flag
    module = module_name or _helpers.calling_module_name()
    flag_values.register_flag_by_module(module, flag)
    holder = FlagHolder(flag_values, flag, ensure_non_none_value=required)
    if required:
        mark_flag_as_required(flag.name, flag_values)
    return holder


@_accept_old_names
def DEFINE(parser, name, default, help, flag_values=None, serializer=None,  # noqa: N802, A002
           module_name=None, required=False, **args):
    """A flag with any parser (and serializer)."""
    flag = Flag(parser, serializer, name, default, help, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


@_accept_old_names
def DEFINE_string(name, default, help, flag_values=None, required=False,  # noqa: N802, A002
                  **args):
    """A string flag."""
    return DEFINE(parsers.ArgumentParser(), name, default, help, flag_values,
                  parsers.ArgumentSerializer(), required=required, **args)


@_accept_old_names
def DEFINE_boolean(name, default, help, flag_values=None, module_name=None,  # noqa: N802, A002
                   required=False, **args):
    """A boolean flag: ``--name``, ``--noname``, ``--name=true|false|t|f|1|0``."""
    return DEFINE_flag(BooleanFlag(name, default, help, **args), flag_values, module_name,
                       required)


DEFINE_bool = DEFINE_boolean


def _register_bounds_validator(parser, name, flag_values):
    if parser.lower_bound is None and parser.upper_bound is None:
        return

    def checker(value):
        if value is not None and parser.is_outside_bounds(value):
            raise _ValidationError(f"{value} is not {parser.syntactic_help}")
        return True

    register_validator(name, checker, flag_values=flag_values)


@_accept_old_names
def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802, A002
                 flag_values=None, required=False, **args):
    """A float flag, optionally bounded (bounds are checked on assignment too)."""
    parser = parsers.FloatParser(lower_bound, upper_bound)
    holder = DEFINE(parser, name, default, help, flag_values, parsers.ArgumentSerializer(),
                    required=required, **args)
    _register_bounds_validator(parser, name, _flag_values_or_default(flag_values))
    return holder


@_accept_old_names
def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802, A002
                   flag_values=None, required=False, **args):
    """An int flag, optionally bounded (bounds are checked on assignment too)."""
    parser = parsers.IntegerParser(lower_bound, upper_bound)
    holder = DEFINE(parser, name, default, help, flag_values, parsers.ArgumentSerializer(),
                    required=required, **args)
    _register_bounds_validator(parser, name, _flag_values_or_default(flag_values))
    return holder


@_accept_old_names
def DEFINE_enum(name, default, enum_values, help, flag_values=None,  # noqa: N802, A002
                module_name=None, required=False, **args):
    """A string flag limited to ``enum_values``."""
    flag = EnumFlag(name, default, help, enum_values, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


@_accept_old_names
def DEFINE_enum_class(name, default, enum_class, help, flag_values=None,  # noqa: N802, A002
                      module_name=None, case_sensitive=False, required=False, **args):
    """A flag whose value is a member of ``enum_class`` (given by name on the command
    line)."""
    flag = EnumClassFlag(name, default, help, enum_class, case_sensitive=case_sensitive, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


@_accept_old_names
def DEFINE_list(name, default, help, flag_values=None, required=False,  # noqa: N802, A002
                **args):
    """A comma-separated list of strings (CSV quoting allowed)."""
    return DEFINE(parsers.ListParser(), name, default, help, flag_values,
                  parsers.CsvListSerializer(","), required=required, **args)


@_accept_old_names
def DEFINE_spaceseplist(name, default, help, comma_compat=False,  # noqa: N802, A002
                        flag_values=None, required=False, **args):
    """A whitespace-separated list of strings (commas too with ``comma_compat``)."""
    parser = parsers.WhitespaceSeparatedListParser(comma_compat=comma_compat)
    return DEFINE(parser, name, default, help, flag_values, parsers.ListSerializer(" "),
                  required=required, **args)


@_accept_old_names
def DEFINE_multi(parser, serializer, name, default, help,  # noqa: N802, A002
                 flag_values=None, module_name=None, required=False, **args):
    """A flag that may be repeated; its value is the list of the values given."""
    flag = MultiFlag(parser, serializer, name, default, help, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


@_accept_old_names
def DEFINE_multi_string(name, default, help, flag_values=None, required=False,  # noqa: N802
                        **args):
    return DEFINE_multi(parsers.ArgumentParser(), parsers.ArgumentSerializer(), name, default,
                        help, flag_values, required=required, **args)


@_accept_old_names
def DEFINE_multi_integer(name, default, help, lower_bound=None,  # noqa: N802, A002
                         upper_bound=None, flag_values=None, required=False, **args):
    parser = parsers.IntegerParser(lower_bound, upper_bound)
    return DEFINE_multi(parser, parsers.ArgumentSerializer(), name, default, help,
                        flag_values, required=required, **args)


@_accept_old_names
def DEFINE_multi_float(name, default, help, lower_bound=None,  # noqa: N802, A002
                       upper_bound=None, flag_values=None, required=False, **args):
    parser = parsers.FloatParser(lower_bound, upper_bound)
    return DEFINE_multi(parser, parsers.ArgumentSerializer(), name, default, help,
                        flag_values, required=required, **args)


@_accept_old_names
def DEFINE_multi_enum(name, default, enum_values, help, flag_values=None,  # noqa: N802, A002
                      case_sensitive=True, required=False, **args):
    parser = parsers.EnumParser(enum_values, case_sensitive)
    return DEFINE_multi(parser, parsers.ArgumentSerializer(), name, default,
                        f"<{'|'.join(enum_values)}>: {help}", flag_values, required=required,
                        **args)


@_accept_old_names
def DEFINE_multi_enum_class(name, default, enum_class, help,  # noqa: N802, A002
                            flag_values=None, module_name=None, case_sensitive=False,
                            required=False, **args):
    flag = MultiEnumClassFlag(name, default, help, enum_class, case_sensitive=case_sensitive,
                              **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


class _AliasFlag(Flag):
    """A second name for a flag: parsing or reading it parses or reads the original."""

    def __init__(self, original, name):
        self._original = original
        super().__init__(original.parser, original.serializer, name, original.default,
                         f"Alias for --{original.name}.", boolean=original.boolean)

    def _set_default(self, value):
        self.default_unparsed = value
        self.default = self._original.default if hasattr(self, "_original") else value
        self.default_as_str = None

    @property
    def value(self):
        return self._original.value

    @value.setter
    def value(self, value):
        if hasattr(self, "_original"):
            self._original.value = value

    def parse(self, argument):
        self._original.parse(argument)
        self.present += 1

    @property
    def validators(self):
        return self._original.validators

    @validators.setter
    def validators(self, value):
        pass  # the original's validators are the alias's


def DEFINE_alias(name, original_name, flag_values=None, module_name=None):  # noqa: N802
    """Define ``--name`` as another spelling of ``--original_name``."""
    flag_values = _flag_values_or_default(flag_values)
    if original_name not in flag_values:
        raise UnrecognizedFlagError(original_name)
    flag = _AliasFlag(flag_values[original_name], name)
    return DEFINE_flag(flag, flag_values, module_name=module_name)


def declare_key_flag(flag_name, flag_values=None):
    """Show flag ``flag_name`` among the calling module's flags in its help."""
    flag_values = _flag_values_or_default(flag_values)
    flag_name = getattr(flag_name, "name", flag_name)
    if flag_name not in flag_values:
        raise ValueError(f"Flag --{flag_name} is undefined. To set a name and value, use "
                         f"DEFINE_*.")
    module = _helpers.calling_module_name()
    flag_values.register_key_flag_for_module(module, flag_values[flag_name])


def adopt_module_key_flags(module, flag_values=None):
    """Declare every key flag of ``module`` a key flag of the calling module."""
    flag_values = _flag_values_or_default(flag_values)
    if not hasattr(module, "__name__"):
        raise Error(f"Expected a module object, not {module!r}.")
    caller = _helpers.calling_module_name()
    for flag in flag_values.get_key_flags_for_module(module):
        flag_values.register_key_flag_for_module(caller, flag)


def disclaim_key_flags():
    """Declare that the calling module defines no key flags (helper modules that define
    flags for others); nothing to record here, since key flags are only used for help."""
    return None


def set_default(flag_holder, value):
    """Change the default of the flag behind ``flag_holder``."""
    flag_holder._flagvalues.set_default(flag_holder.name, value)


def override_value(flag_holder, value):
    """Set the flag's value, above its default and the command line (type-checked)."""
    flag = flag_holder._flagvalues[flag_holder.name]
    parsed = flag._parse(value)
    if parsed != value:
        raise IllegalFlagValueError(f"flag --{flag_holder.name}: parsed value {parsed!r} not "
                                    f"equal to original {value!r}")
    setattr(flag_holder._flagvalues, flag_holder.name, value)

