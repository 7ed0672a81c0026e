"""``tf.app.flags`` / ``tf.flags``: absl-style command-line flags (``DEFINE_*``, ``FLAGS``,
validators, flag files), written here so smallflow needs no absl.

As in TensorFlow 1.x, ``FLAGS`` is a thin wrapper around the process's ``FlagValues``: the
first time a flag's value is read before the command line was parsed, ``sys.argv`` is parsed
(unknown flags tolerated), so notebooks and scripts without ``tf.app.run`` still work; a
plain ``FlagValues`` raises ``UnparsedFlagAccessError`` instead, as absl does.
"""

import sys

from ._argument_parser import (
    ArgumentParser,
    ArgumentSerializer,
    BaseListParser,
    BooleanParser,
    CsvListSerializer,
    EnumClassListSerializer,
    EnumClassParser,
    EnumClassSerializer,
    EnumParser,
    FloatParser,
    IntegerParser,
    ListParser,
    ListSerializer,
    WhitespaceSeparatedListParser,
)
from ._defines import (
    DEFINE,
    DEFINE_alias,
    DEFINE_bool,
    DEFINE_boolean,
    DEFINE_enum,
    DEFINE_enum_class,
    DEFINE_flag,
    DEFINE_float,
    DEFINE_integer,
    DEFINE_list,
    DEFINE_multi,
    DEFINE_multi_enum,
    DEFINE_multi_enum_class,
    DEFINE_multi_float,
    DEFINE_multi_integer,
    DEFINE_multi_string,
    DEFINE_spaceseplist,
    DEFINE_string,
    adopt_module_key_flags,
    declare_key_flag,
    disclaim_key_flags,
    override_value,
    set_default,
)
from ._exceptions import (
    CantOpenFlagFileError,
    DuplicateFlagError,
    Error,
    FlagNameConflictsWithMethodError,
    IllegalFlagValueError,
    UnparsedFlagAccessError,
    UnrecognizedFlagError,
    ValidationError,
)
from ._flag import (
    BooleanFlag,
    EnumClassFlag,
    EnumFlag,
    Flag,
    FlagHolder,
    MultiEnumClassFlag,
    MultiFlag,
)
from ._flagvalues import FlagValues
from ._helpers import doc_to_help, flag_dict_to_args, get_help_width, text_wrap
from ._validators import (
    mark_bool_flags_as_mutual_exclusive,
    mark_flag_as_required,
    mark_flags_as_mutual_exclusive,
    mark_flags_as_required,
    multi_flags_validator,
    register_multi_flags_validator,
    register_validator,
    validator,
)


class _FlagValuesWrapper:
    """TensorFlow's ``FLAGS``: a FlagValues that parses ``sys.argv`` on first read."""

    def __init__(self, flag_values):
        self.__dict__["_wrapped"] = flag_values

    def __getattribute__(self, name):
        if name in ("__dict__", "__class__"):
            return object.__getattribute__(self, name)
        # object.__getattribute__ on the wrapped object raises AttributeError for a flag
        # name (it does not fall back to FlagValues.__getattr__), which sends the lookup to
        # this class's __getattr__ below: methods come from FlagValues, flags from there.
        wrapped = object.__getattribute__(self, "__dict__")["_wrapped"]
        return object.__getattribute__(wrapped, name)

    def __getattr__(self, name):
        wrapped = self.__dict__["_wrapped"]
        if not wrapped.is_parsed():
            wrapped(sys.argv if sys.argv else [""], known_only=True)
        return wrapped.__getattr__(name)

    def __setattr__(self, name, value):
        return self.__dict__["_wrapped"].__setattr__(name, value)

    def __delattr__(self, name):
        return self.__dict__["_wrapped"].__delattr__(name)

    def __dir__(self):
        return self.__dict__["_wrapped"].__dir__()

    def __getitem__(self, name):
        return self.__dict__["_wrapped"][name]

    def __setitem__(self, name, flag):
        self.__dict__["_wrapped"][name] = flag

    def __len__(self):
        return len(self.__dict__["_wrapped"])

    def __iter__(self):
        return iter(self.__dict__["_wrapped"])

    def __contains__(self, name):
        return name in self.__dict__["_wrapped"]

    def __str__(self):
        return str(self.__dict__["_wrapped"])

    def __call__(self, *args, **kwargs):
        return self.__dict__["_wrapped"](*args, **kwargs)


def _new_flags():
    """A fresh process-wide FLAGS (tests use it to start from no flags)."""
    return _FlagValuesWrapper(FlagValues())


FLAGS = _new_flags()

__all__ = [
    "DEFINE", "DEFINE_alias", "DEFINE_bool", "DEFINE_boolean", "DEFINE_enum",
    "DEFINE_enum_class", "DEFINE_flag", "DEFINE_float", "DEFINE_integer", "DEFINE_list",
    "DEFINE_multi", "DEFINE_multi_enum", "DEFINE_multi_enum_class", "DEFINE_multi_float",
    "DEFINE_multi_integer", "DEFINE_multi_string", "DEFINE_spaceseplist", "DEFINE_string",
    "FLAGS", "ArgumentParser", "ArgumentSerializer", "BaseListParser", "BooleanFlag",
    "BooleanParser", "CantOpenFlagFileError", "CsvListSerializer", "DuplicateFlagError",
    "EnumClassFlag", "EnumClassListSerializer", "EnumClassParser", "EnumClassSerializer",
    "EnumFlag", "EnumParser", "Error", "Flag", "FlagHolder", "FlagNameConflictsWithMethodError",
    "FlagValues", "FloatParser", "IllegalFlagValueError", "IntegerParser", "ListParser",
    "ListSerializer", "MultiEnumClassFlag", "MultiFlag", "UnparsedFlagAccessError",
    "UnrecognizedFlagError", "ValidationError", "WhitespaceSeparatedListParser",
    "adopt_module_key_flags", "declare_key_flag", "disclaim_key_flags", "doc_to_help",
    "flag_dict_to_args", "get_help_width", "mark_bool_flags_as_mutual_exclusive",
    "mark_flag_as_required", "mark_flags_as_mutual_exclusive", "mark_flags_as_required",
    "multi_flags_validator", "override_value", "register_multi_flags_validator",
    "register_validator", "set_default", "text_wrap", "validator",
]
