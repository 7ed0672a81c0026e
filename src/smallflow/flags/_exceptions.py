"""The errors of ``tf.app.flags`` (absl's classes and messages)."""


class Error(Exception):
    """The base class of every flags error."""


class CantOpenFlagFileError(Error):
    """A ``--flagfile`` could not be opened or read."""


class DuplicateFlagError(Error):
    """A flag name (or short name) is defined twice."""

    @classmethod
    def from_flag(cls, flagname, flag_values, other_flag_values=None):
        """The error for ``flagname``, naming the modules that define it."""
        first_module = flag_values.find_module_defining_flag(flagname, default="<unknown>")
        if other_flag_values is None:
            second_module = _calling_module_for_error()
        else:
            second_module = other_flag_values.find_module_defining_flag(
                flagname, default="<unknown>")
        flag = flag_values._flags()[flagname]
        summary = (flag.help or "").splitlines()[0] if flag.help else ""
        return cls(f"The flag '{flagname}' is defined twice. First from {first_module}, "
                   f"Second from {second_module}.  Description from first occurrence: "
                   f"{summary}")


class IllegalFlagValueError(Error):
    """A flag was given a value its parser or a validator refuses."""


class UnrecognizedFlagError(Error):
    """An unknown flag was given on the command line or assigned."""

    def __init__(self, flagname, flagvalue="", suggestions=None):
        self.flagname = flagname
        self.flagvalue = flagvalue
        tip = f". Did you mean: {', '.join(suggestions)} ?" if suggestions else ""
        super().__init__(f"Unknown command line flag '{flagname}'{tip}")


class UnparsedFlagAccessError(Error):
    """A flag's value was read before the command line was parsed."""


class ValidationError(Error):
    """Raised by a validator (or a checker) whose condition does not hold."""


class FlagNameConflictsWithMethodError(Error):
    """A flag is named like a method of FlagValues (``FLAGS.get`` would be the method)."""


def _calling_module_for_error():
    from . import _helpers  # a late import: _helpers imports nothing of ours but this

    return _helpers.calling_module_name()
