"""Flag objects of ``tf.app.flags``: a parser, a serializer, a default and the current value,
with absl's semantics (a default given as text is parsed; a value given twice replaces the
first one, except for multi flags, which collect every occurrence)."""

from . import _argument_parser as parsers
from ._exceptions import IllegalFlagValueError


class Flag:
    """One flag: ``name``, ``default``, ``help``, ``value``, ``present`` (how many times the
    command line gave it), ``using_default_value``, ``validators``."""

    def __init__(self, parser, serializer, name, default, help_string, short_name=None,
                 boolean=False, allow_override=False, allow_override_cpp=False,
                 allow_hide_cpp=False, allow_overwrite=True, allow_using_method_names=False):
        self.name = name
        if not help_string:
            help_string = "(no help available)"
        self.help = help_string
        self.short_name = short_name
        self.boolean = boolean
        self.present = 0
        self.parser = parser
        self.serializer = serializer
        self.allow_override = allow_override
        self.allow_override_cpp = allow_override_cpp
        self.allow_hide_cpp = allow_hide_cpp
        self.allow_overwrite = allow_overwrite
        self.allow_using_method_names = allow_using_method_names
        self.using_default_value = True
        self._value = None
        self.validators = []
        if self.allow_hide_cpp and self.allow_override_cpp:
            raise ValueError("Can't have both allow_hide_cpp (means use Python flag) and "
                             "allow_override_cpp (means use C++ flag after InitGoogle)")
        self._set_default(default)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value):
        self._value = value

    def __hash__(self):
        return hash(id(self))

    def __eq__(self, other):
        return self is other

    def __lt__(self, other):
        if isinstance(other, Flag):
            return id(self) < id(other)
        return NotImplemented

    def __repr__(self):
        return f"<{type(self).__name__} --{self.name}={self.value!r}>"

    def _get_parsed_value_as_string(self, value):
        if value is None:
            return None
        if self.serializer:
            return repr(self.serializer.serialize(value))
        if self.boolean:
            return repr("true" if value else "false")
        return repr(str(value))

    def parse(self, argument):
        """Set the value from command-line text (or a Python value)."""
        if self.present and not self.allow_overwrite:
            raise IllegalFlagValueError(
                f"flag --{self.name}={argument}: already defined as {self.value}")
        self.value = self._parse(argument)
        self.present += 1

    def _parse(self, argument):
        try:
            return self.parser.parse(argument)
        except (TypeError, ValueError) as err:
            raise IllegalFlagValueError(f"flag --{self.name}={argument}: {err}") from err

    def unparse(self):
        """Back to the default, as if never given."""
        self.value = self.default
        self.using_default_value = True
        self.present = 0

    def serialize(self):
        """The flag as a command-line argument (``--name=value``), '' when it has no value."""
        return self._serialize(self.value)

    def _serialize(self, value):
        if value is None:
            return ""
        if self.boolean:
            return f"--{self.name}" if value else f"--no{self.name}"
        if not self.serializer:
            raise IllegalFlagValueError(f"Serializer not present for flag {self.name}")
        return f"--{self.name}={self.serializer.serialize(value)}"

    def _set_default(self, value):
        """Change the default (the value too while the flag has not been given)."""
        self.default_unparsed = value
        if value is None:
            self.default = None
        else:
            self.default = self._parse_from_default(value)
        self.default_as_str = self._get_parsed_value_as_string(self.default)
        if self.using_default_value:
            self.value = self.default

    def _parse_from_default(self, value):
        return self._parse(value)

    def flag_type(self):
        """The parser's description of the type (``int``, ``bool``, ``string enum``...)."""
        return self.parser.flag_type()


class BooleanFlag(Flag):
    """A flag given as ``--name``/``--noname`` or ``--name=true|false``."""

    def __init__(self, name, default, help, short_name=None, **args):  # noqa: A002
        parser = parsers.BooleanParser()
        super().__init__(parser, None, name, default, help, short_name, True, **args)


class EnumFlag(Flag):
    """A string flag limited to ``enum_values``."""

    def __init__(self, name, default, help, enum_values,  # noqa: A002
                 short_name=None, case_sensitive=True, **args):
        parser = parsers.EnumParser(enum_values, case_sensitive)
        serializer = parsers.ArgumentSerializer()
        super().__init__(parser, serializer, name, default, help, short_name, **args)
        self.help = f"<{'|'.join(parser.enum_values)}>: {self.help}"


class EnumClassFlag(Flag):
    """A flag whose values are members of an ``enum.Enum`` class."""

    def __init__(self, name, default, help, enum_class,  # noqa: A002
                 short_name=None, case_sensitive=False, **args):
        parser = parsers.EnumClassParser(enum_class, case_sensitive=case_sensitive)
        serializer = parsers.EnumClassSerializer(lowercase=not case_sensitive)
        super().__init__(parser, serializer, name, default, help, short_name, **args)
        self.help = f"<{'|'.join(parser.member_names)}>: {self.help}"


class MultiFlag(Flag):
    """A flag that may be given several times; its value is the list of all the values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.help += ";\n    repeat this option to specify a list of values"

    def parse(self, arguments):
        new_values = self._parse(arguments)
        if self.present:
            self.value.extend(new_values)
        else:
            self.value = new_values
        self.present += len(new_values)

    def _parse(self, arguments):
        items = list(arguments) if isinstance(arguments, (list, tuple)) else [arguments]
        return [super(MultiFlag, self)._parse(item) for item in items]

    def _serialize(self, value):
        if not self.serializer:
            raise IllegalFlagValueError(f"Serializer not present for flag {self.name}")
        if value is None:
            return ""
        return "\n".join(f"--{self.name}={self.serializer.serialize(item)}" for item in value)

    def flag_type(self):
        return "multi " + self.parser.flag_type()


class MultiEnumClassFlag(MultiFlag):
    """A multi flag whose values are members of an ``enum.Enum`` class."""

    def __init__(self, name, default, help_string, enum_class,  # noqa: A002
                 case_sensitive=False, **args):
        parser = parsers.EnumClassParser(enum_class, case_sensitive=case_sensitive)
        serializer = parsers.EnumClassListSerializer(",", lowercase=not case_sensitive)
        super().__init__(parser, serializer, name, default, help_string, **args)
        self.help = (f"<{'|'.join(parser.member_names)}>: {help_string};\n"
                     f"    repeat this option to specify a list of values")

    def _serialize(self, value):
        if value is None:
            return ""
        element = parsers.EnumClassSerializer(lowercase=not self.parser._case_sensitive)
        return "\n".join(f"--{self.name}={element.serialize(item)}" for item in value)


class FlagHolder:
    """What ``DEFINE_*`` returns: ``.value`` reads the flag from its FlagValues."""

    def __init__(self, flag_values, flag, ensure_non_none_value=False):
        self._flagvalues = flag_values
        self._name = flag.name
        self._ensure_non_none_value = ensure_non_none_value

    def __eq__(self, other):
        raise TypeError(f"unsupported operand type(s) for ==: '{type(self).__name__}' and "
                        f"'{type(other).__name__}' (did you mean to use "
                        f"'{type(self).__name__}.value' instead?)")

    def __bool__(self):
        raise TypeError(f"bool() not supported for instances of type "
                        f"'{type(self).__name__}' (did you mean to use "
                        f"'{type(self).__name__}.value' instead?)")

    __hash__ = object.__hash__
    __nonzero__ = __bool__

    @property
    def name(self):
        return self._name

    @property
    def value(self):
        val = getattr(self._flagvalues, self._name)
        if self._ensure_non_none_value and val is None:
            raise IllegalFlagValueError(f"Unexpected None value for flag {self._name}")
        return val

    @property
    def default(self):
        return self._flagvalues[self._name].default

    @property
    def present(self):
        return bool(self._flagvalues[self._name].present)

    def serialize(self):
        return self._flagvalues[self._name].serialize()
