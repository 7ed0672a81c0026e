"""Parsers (text -> value) and serializers (value -> text) of ``tf.app.flags``, with absl's
accepted spellings and error messages."""

import csv
import enum
import io


class ArgumentParser:
    """The parser of string flags: any string is its own value."""

    syntactic_help = ""

    def parse(self, argument):
        if not isinstance(argument, str):
            raise TypeError(f'flag value must be a string, found "{type(argument)}"')
        return argument

    def flag_type(self):
        return "string"

    def _custom_xml_dom_elements(self, doc):  # absl's hook for --helpxml; nothing to add
        return []


class ArgumentSerializer:
    """Value -> command-line text."""

    def serialize(self, value):
        return str(value)


class NumericParser(ArgumentParser):
    """A number, optionally between ``lower_bound`` and ``upper_bound`` (inclusive)."""

    lower_bound = None
    upper_bound = None

    def is_outside_bounds(self, val):
        return ((self.lower_bound is not None and val < self.lower_bound)
                or (self.upper_bound is not None and val > self.upper_bound))

    def parse(self, argument):
        val = self.convert(argument)
        if self.is_outside_bounds(val):
            raise ValueError(f"{val} is not {self.syntactic_help}")
        return val

    def convert(self, argument):
        raise NotImplementedError


def _bounds_help(lower, upper, noun, article):
    if lower is not None and upper is not None:
        return f"a value in the range [{lower}, {upper}]"
    if lower == 0:
        return f"a non-negative {noun}"
    if upper == 0:
        return f"a non-positive {noun}"
    if lower == 1 and noun == "integer":
        return "a positive integer"
    if upper == -1 and noun == "integer":
        return "a negative integer"
    if lower is not None:
        return f"{article} {noun} >= {lower}"
    if upper is not None:
        return f"{article} {noun} <= {upper}"
    return f"{article} {noun}"


class FloatParser(NumericParser):
    """A float; integers and numeric strings are accepted."""

    number_article = "a"
    number_name = "number"

    def __init__(self, lower_bound=None, upper_bound=None):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.syntactic_help = _bounds_help(lower_bound, upper_bound, "number", "a")

    def convert(self, argument):
        if isinstance(argument, (int, float)) and not isinstance(argument, bool):
            return float(argument)
        if isinstance(argument, str):
            return float(argument)
        raise TypeError(f"Expect argument to be a string, int, or float, found "
                        f"{type(argument)}")

    def flag_type(self):
        return "float"


class IntegerParser(NumericParser):
    """An int; strings may be written in base 10, ``0x..`` (16) or ``0o..`` (8)."""

    number_article = "an"
    number_name = "integer"

    def __init__(self, lower_bound=None, upper_bound=None):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.syntactic_help = _bounds_help(lower_bound, upper_bound, "integer", "an")

    def convert(self, argument):
        if isinstance(argument, int) and not isinstance(argument, bool):
            return argument
        if isinstance(argument, str):
            base = 10
            if len(argument) > 2 and argument[0] == "0":
                if argument[1] == "o":
                    base = 8
                elif argument[1] == "x":
                    base = 16
            return int(argument, base)
        raise TypeError(f"Expect argument to be a string or int, found {type(argument)}")

    def flag_type(self):
        return "int"


class BooleanParser(ArgumentParser):
    """``true``/``t``/``1`` and ``false``/``f``/``0`` (any case), a bool, or the ints 0, 1."""

    def parse(self, argument):
        if isinstance(argument, str):
            lowered = argument.lower()
            if lowered in ("true", "t", "1"):
                return True
            if lowered in ("false", "f", "0"):
                return False
            raise ValueError("Non-boolean argument to boolean flag", argument)
        if isinstance(argument, int):
            as_bool = bool(argument)
            if argument == as_bool:
                return as_bool
            raise ValueError("Non-boolean argument to boolean flag", argument)
        raise TypeError("Non-boolean argument to boolean flag", argument)

    def flag_type(self):
        return "bool"


class EnumParser(ArgumentParser):
    """One of a list of strings (compared case-insensitively unless ``case_sensitive``; the
    value is then the listed spelling)."""

    def __init__(self, enum_values, case_sensitive=True):
        if not enum_values:
            raise ValueError(f'enum_values cannot be empty, found "{enum_values}"')
        if isinstance(enum_values, str):
            raise ValueError(f'enum_values cannot be a str, found "{enum_values}"')
        self.enum_values = list(enum_values)
        self.case_sensitive = case_sensitive

    def parse(self, argument):
        if self.case_sensitive:
            if argument not in self.enum_values:
                raise ValueError(f"value should be one of <{'|'.join(self.enum_values)}>")
            return argument
        lowered = str(argument).upper()
        for value in self.enum_values:
            if value.upper() == lowered:
                return value
        raise ValueError(f"value should be one of <{'|'.join(self.enum_values)}>")

    def flag_type(self):
        return "string enum"


class EnumClassParser(ArgumentParser):
    """A member of an ``enum.Enum`` class, given as a member or by name (case-insensitive
    unless ``case_sensitive``)."""

    def __init__(self, enum_class, case_sensitive=True):
        if not (isinstance(enum_class, type) and issubclass(enum_class, enum.Enum)):
            raise TypeError(f"{enum_class} is not a subclass of Enum.")
        if not enum_class.__members__:
            raise ValueError(f"enum_class cannot be empty, but {enum_class!r} is empty.")
        if not case_sensitive:
            folded = [name.lower() for name in enum_class.__members__]
            if len(set(folded)) < len(folded):
                raise ValueError(f"Duplicate enum values for {folded} using "
                                 f"case_sensitive=False")
        self.enum_class = enum_class
        self._case_sensitive = case_sensitive
        names = list(enum_class.__members__)
        self._member_names = names if case_sensitive else [n.lower() for n in names]

    @property
    def member_names(self):
        return list(self.enum_class.__members__)

    def parse(self, argument):
        if isinstance(argument, self.enum_class):
            return argument
        if not isinstance(argument, str):
            raise ValueError(f"{argument} is not an enum member or a name of a member in "
                             f"{self.enum_class}")
        key = argument if self._case_sensitive else argument.lower()
        if key not in self._member_names:
            raise ValueError(f"value should be one of <{'|'.join(self.member_names)}>")
        name = list(self.enum_class.__members__)[self._member_names.index(key)]
        return self.enum_class[name]

    def flag_type(self):
        return "enum class"


class ListSerializer(ArgumentSerializer):
    """A list joined by ``list_sep``."""

    def __init__(self, list_sep):
        self.list_sep = list_sep

    def serialize(self, value):
        return self.list_sep.join(str(x) for x in value)


class EnumClassListSerializer(ListSerializer):
    """A list of enum members by name (lower case with ``lowercase=True``)."""

    def __init__(self, list_sep, **kwargs):
        super().__init__(list_sep)
        self._element_serializer = EnumClassSerializer(**kwargs)

    def serialize(self, value):
        if isinstance(value, list):
            return self.list_sep.join(self._element_serializer.serialize(x) for x in value)
        return self._element_serializer.serialize(value)


class CsvListSerializer(ArgumentSerializer):
    """A list written as one CSV row (items holding the separator are quoted)."""

    def __init__(self, list_sep):
        self.list_sep = list_sep

    def serialize(self, value):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.list_sep, lineterminator="")
        writer.writerow([str(x) for x in value])
        return out.getvalue()


class EnumClassSerializer(ArgumentSerializer):
    """An enum member by name (lower case with ``lowercase=True``)."""

    def __init__(self, lowercase):
        self._lowercase = lowercase

    def serialize(self, value):
        name = str(value.name)
        return name.lower() if self._lowercase else name


class BaseListParser(ArgumentParser):
    """A list: the text split at ``token`` and stripped (a list is taken as it is)."""

    def __init__(self, token=None, name=None):
        assert name
        self._token = token
        self._name = name
        self.syntactic_help = f"a {self._name} separated list"

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if not argument:
            return []
        return [s.strip() for s in argument.split(self._token)]

    def flag_type(self):
        return f"{self._name} separated list of strings"


class ListParser(BaseListParser):
    """A comma-separated list, read as one CSV row (quotes protect commas)."""

    def __init__(self):
        super().__init__(",", "comma")

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if not argument:
            return []
        try:
            return [s.strip() for s in list(csv.reader([argument], strict=True))[0]]
        except csv.Error as err:
            raise ValueError(f"Unable to parse the value {argument!r} as a "
                             f"{self.flag_type()}: {err}") from err


class WhitespaceSeparatedListParser(BaseListParser):
    """A list separated by whitespace (and commas with ``comma_compat=True``)."""

    def __init__(self, comma_compat=False):
        self._comma_compat = comma_compat
        name = "whitespace or comma" if comma_compat else "whitespace"
        super().__init__(None, name)

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if self._comma_compat:
            argument = argument.replace(",", " ")
        return argument.split()
