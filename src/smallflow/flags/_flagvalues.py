"""``FlagValues``: the registry of defined flags and the command-line parser (absl's
semantics: ``FLAGS(argv)`` parses, ``FLAGS.name`` reads a value once parsed, ``FLAGS['name']``
is the Flag object, validators run after parsing and on every assignment)."""

import os
import sys

from . import _helpers
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
from ._flag import Flag


class FlagValues:
    """A set of flags and their values (``tf.app.flags.FLAGS`` is the process's one)."""

    def __init__(self):
        self.__dict__["_FlagValues__flags"] = {}
        # absl keeps the registry under the literal key '__flags', and TF1 programs written
        # for tf.flags before 1.5 read it from outside the class (`FLAGS.__flags.items()`,
        # no name mangling at module level): the same dict under that name too.
        self.__dict__["__flags"] = self.__dict__["_FlagValues__flags"]
        self.__dict__["_FlagValues__hiddenflags"] = set()
        self.__dict__["_FlagValues__flags_by_module"] = {}
        self.__dict__["_FlagValues__key_flags_by_module"] = {}
        self.__dict__["_FlagValues__flags_parsed"] = False
        self.__dict__["_FlagValues__unparse_flags_called"] = False
        self.__dict__["_FlagValues__use_gnu_getopt"] = True
        self.__dict__["_FlagValues__banned_flag_names"] = frozenset(dir(FlagValues))

    # -- registry -------------------------------------------------------------------------

    def _flags(self):
        """{name or short name: Flag}."""
        return self.__dict__["_FlagValues__flags"]

    def flags_by_module_dict(self):
        """{module name: [Flag, ...]} in definition order."""
        return self.__dict__["_FlagValues__flags_by_module"]

    def key_flags_by_module_dict(self):
        return self.__dict__["_FlagValues__key_flags_by_module"]

    def register_flag_by_module(self, module_name, flag):
        self.flags_by_module_dict().setdefault(module_name, []).append(flag)

    def register_key_flag_for_module(self, module_name, flag):
        key_flags = self.key_flags_by_module_dict().setdefault(module_name, [])
        if flag not in key_flags:
            key_flags.append(flag)

    def _flag_is_registered(self, flag_obj):
        return any(flag is flag_obj for flag in self._flags().values())

    def find_module_defining_flag(self, flagname, default=None):
        """The name of the module that defined ``flagname``, else ``default``."""
        registered = self._flags().get(flagname)
        if registered is None:
            return default
        for module, flags in self.flags_by_module_dict().items():
            if any(flag is registered for flag in flags):
                return module
        return default

    def get_key_flags_for_module(self, module):
        """The flags defined in or declared key by ``module`` (a module or its name)."""
        name = module if isinstance(module, str) else module.__name__
        if name == "__main__" and sys.argv:
            name = sys.argv[0]
        flags = list(self.flags_by_module_dict().get(name, []))
        for flag in self.key_flags_by_module_dict().get(name, []):
            if flag not in flags:
                flags.append(flag)
        return flags

    def append_flag_values(self, flag_values):
        """Define here every flag of another FlagValues (a name defined twice is an error)."""
        for flag_name, flag in flag_values._flags().items():
            if flag_name == flag.name:
                try:
                    self[flag_name] = flag
                except DuplicateFlagError:
                    raise DuplicateFlagError.from_flag(flag_name, self,
                                                       other_flag_values=flag_values) from None

    def remove_flag_values(self, flag_values):
        for flag_name in list(flag_values):
            self.__delattr__(flag_name)

    def __setitem__(self, name, flag):
        """Register ``flag`` under ``name`` (and its short name)."""
        flags = self._flags()
        if not isinstance(flag, Flag):
            raise IllegalFlagValueError(flag)
        if not isinstance(name, str):
            raise Error("Flag name must be a string")
        if not name:
            raise Error("Flag name cannot be empty")
        if " " in name:
            raise Error("Flag name cannot contain a space")
        self._check_method_name_conflicts(name, flag)
        if name in flags and not flag.allow_override and not flags[name].allow_override:
            raise DuplicateFlagError.from_flag(name, self)
        short_name = flag.short_name
        if short_name is not None:
            if (short_name in flags and not flag.allow_override
                    and not flags[short_name].allow_override):
                raise DuplicateFlagError.from_flag(short_name, self)
            if short_name in flags and flags[short_name] != flag:
                self.__dict__["_FlagValues__hiddenflags"].add(short_name)
            flags[short_name] = flag
        if name in flags and flags[name] != flag:
            self.__dict__["_FlagValues__hiddenflags"].add(name)
        flags[name] = flag

    def _check_method_name_conflicts(self, name, flag):
        if flag.allow_using_method_names:
            return
        short_name = flag.short_name
        for flag_name in (name, short_name):
            if flag_name in self.__dict__["_FlagValues__banned_flag_names"]:
                raise FlagNameConflictsWithMethodError(
                    f'Cannot define a flag named "{flag_name}". It conflicts with a method '
                    f'on class "{type(self).__name__}". To allow defining it, use '
                    f"allow_using_method_names and access the flag value with "
                    f"FLAGS['{flag_name}'].value. FLAGS.{flag_name} returns the method, "
                    f"not the flag value.")

    def __getitem__(self, name):
        """The Flag object called ``name`` (KeyError when undefined)."""
        return self._flags()[name]

    def __contains__(self, name):
        return name in self._flags()

    def __len__(self):
        return len(self._flags())

    def __iter__(self):
        return iter(self._flags())

    def __dir__(self):
        return sorted(self._flags())

    def __delattr__(self, flag_name):
        """Remove a flag (and its short name)."""
        flags = self._flags()
        if flag_name not in flags:
            raise AttributeError(flag_name)
        flag = flags[flag_name]
        del flags[flag_name]
        for other in (flag.name, flag.short_name):
            if other is not None and flags.get(other) is flag:
                del flags[other]
        if not any(f is flag for f in flags.values()):
            for registry in (self.flags_by_module_dict(), self.key_flags_by_module_dict()):
                for module_flags in registry.values():
                    module_flags[:] = [f for f in module_flags if f is not flag]

    # -- values ---------------------------------------------------------------------------

    def __getattr__(self, name):
        flags = self._flags()
        if name not in flags:
            raise AttributeError(name)
        if name in self.__dict__["_FlagValues__hiddenflags"]:
            raise AttributeError(name)
        if self.__dict__["_FlagValues__flags_parsed"] or flags[name].present:
            return flags[name].value
        raise UnparsedFlagAccessError(
            f"Trying to access flag --{name} before flags were parsed.")

    def __setattr__(self, name, value):
        """Set a flag's value as the program's choice (validators are checked)."""
        flags = self._flags()
        if name not in flags:
            raise UnrecognizedFlagError(name, value)
        flags[name].value = value
        self._assert_validators(flags[name].validators)
        flags[name].using_default_value = False
        return value

    def get_flag_value(self, name, default):
        """The value of flag ``name``, or ``default`` when there is no such flag."""
        value = self.__getattr__(name) if name in self._flags() else None
        return value if value is not None else default

    def set_default(self, name, value):
        """Change the default of flag ``name`` (and its value if it was not given)."""
        flags = self._flags()
        if name not in flags:
            raise UnrecognizedFlagError(name, value)
        flags[name]._set_default(value)
        self._assert_validators(flags[name].validators)

    def flag_values_dict(self):
        """{flag name: value} of every flag (short names not repeated)."""
        return {flag.name: flag.value for flag in self._flags().values()}

    # -- parsing --------------------------------------------------------------------------

    def is_parsed(self):
        return self.__dict__["_FlagValues__flags_parsed"]

    def mark_as_parsed(self):
        """Treat the flags as parsed (values become readable) without parsing anything."""
        self.__dict__["_FlagValues__flags_parsed"] = True

    def unparse_flags(self):
        """Every flag back to its default; values unreadable until parsed again."""
        for flag in self._flags().values():
            flag.unparse()
        self.__dict__["_FlagValues__flags_parsed"] = False
        self.__dict__["_FlagValues__unparse_flags_called"] = True

    def set_gnu_getopt(self, gnu_getopt=True):
        """True (the default): flags may follow positional arguments; False: parsing stops
        at the first positional argument."""
        self.__dict__["_FlagValues__use_gnu_getopt"] = gnu_getopt

    def is_gnu_getopt(self):
        return self.__dict__["_FlagValues__use_gnu_getopt"]

    def __call__(self, argv, known_only=False):
        """Parse ``argv`` (``argv[0]`` is the program); return ``[argv[0]]`` + the arguments
        that are not flags (and, with ``known_only``, the unknown flags)."""
        if isinstance(argv, (str, bytes)):
            raise TypeError("argv should be a tuple/list of strings, not bytes or string.")
        if not argv:
            raise ValueError("argv cannot be an empty list, and must contain the program "
                             "name as the first element.")
        program_name = argv[0]
        args = self.read_flags_from_files(list(argv[1:]), force_gnu=False)
        unknown_flags, unparsed_args = self._parse_args(args, known_only)
        for name, value in unknown_flags:
            suggestions = _helpers.get_flag_suggestions(name, list(self))
            raise UnrecognizedFlagError(name, value, suggestions=suggestions)
        self.mark_as_parsed()
        self.validate_all_flags()
        return [program_name, *unparsed_args]

    def _parse_args(self, args, known_only):
        unparsed = []  # (flag name or None for a positional argument, argument)
        undefok = set()
        flags = self._flags()
        iterator = iter(args)
        for arg in iterator:
            if not arg.startswith("-"):
                unparsed.append((None, arg))
                if self.is_gnu_getopt():
                    continue
                break
            if arg == "--":
                if known_only:
                    unparsed.append((None, arg))
                break
            without_dashes = arg[2:] if arg.startswith("--") else arg[1:]
            name, equals, value = without_dashes.partition("=")
            value = value if equals else None
            if not name:
                unparsed.append((None, arg))
                if self.is_gnu_getopt():
                    continue
                break
            if name == "undefok":
                value = self._next_value(arg, value, iterator)
                names = [v.strip() for v in value.split(",")]
                undefok.update(names)
                undefok.update("no" + v for v in names)
                continue
            flag = flags.get(name)
            if flag is not None:
                if flag.boolean and value is None:
                    value = "true"
                else:
                    value = self._next_value(arg, value, iterator)
            elif name.startswith("no") and len(name) > 2:
                negated = flags.get(name[2:])
                if negated is not None and negated.boolean:
                    if value is not None:
                        raise ValueError(arg + " does not take an argument")
                    flag = negated
                    value = "false"
            if flag is not None:
                flag.parse(value)
                flag.using_default_value = False
            else:
                unparsed.append((name, arg))
        unknown_flags = []
        unparsed_args = []
        for name, arg in unparsed:
            if name is None:
                unparsed_args.append(arg)
            elif name in undefok:
                continue
            elif known_only:
                unparsed_args.append(arg)
            else:
                unknown_flags.append((name, arg))
        unparsed_args.extend(iterator)
        return unknown_flags, unparsed_args

    @staticmethod
    def _next_value(arg, value, iterator):
        if value is not None:
            return value
        try:
            return next(iterator)
        except StopIteration:
            raise Error("Missing value for flag " + arg) from None

    # -- validation -----------------------------------------------------------------------

    def validate_all_flags(self):
        """Run every validator; IllegalFlagValueError lists the ones that fail."""
        all_validators = set()
        for flag in self._flags().values():
            all_validators.update(flag.validators)
        self._assert_validators(all_validators)

    def _assert_validators(self, validators):
        messages = []
        bad_flags = set()
        for validator in sorted(validators, key=lambda v: v.insertion_index):
            names = set(validator.get_flag_names())
            if bad_flags & names:
                continue
            try:
                validator.verify(self)
            except ValidationError as err:
                bad_flags.update(names)
                messages.append(f"{validator.print_flags_with_values(self)}: {err}")
        if messages:
            raise IllegalFlagValueError("\n".join(messages))

    # -- flag files -----------------------------------------------------------------------

    def read_flags_from_files(self, argv, force_gnu=True):
        """Replace each ``--flagfile=PATH`` in ``argv`` by the flags written in PATH (one per
        line; ``#`` and ``//`` start comments; nested flag files are read too)."""
        parsed = []
        rest = list(argv)
        while rest:
            arg = rest.pop(0)
            if arg == "--":
                parsed.append(arg)
                parsed.extend(rest)
                break
            if arg.startswith(("--flagfile=", "-flagfile=")):
                parsed.extend(self._read_flag_file(arg.split("=", 1)[1], []))
            elif arg in ("--flagfile", "-flagfile"):
                if not rest:
                    raise Error("--flagfile with no argument")
                parsed.extend(self._read_flag_file(rest.pop(0), []))
            else:
                parsed.append(arg)
                if not arg.startswith("-") and not force_gnu and not self.is_gnu_getopt():
                    parsed.extend(rest)
                    break
        return parsed

    def _read_flag_file(self, filename, parsed_files):
        path = os.path.expanduser(filename.strip())
        if os.path.abspath(path) in parsed_files:
            return []  # a file that includes itself is read once, as absl does
        parsed_files = [*parsed_files, os.path.abspath(path)]
        try:
            with open(path, encoding="utf-8") as handle:
                lines = handle.readlines()
        except OSError as err:
            raise CantOpenFlagFileError(f"ERROR:: Unable to open flagfile: {err}") from err
        flags = []
        for line in lines:
            stripped = line.strip()
            if not stripped or stripped.startswith(("#", "//")):
                continue
            if stripped.startswith(("--flagfile=", "-flagfile=")):
                flags.extend(self._read_flag_file(stripped.split("=", 1)[1], parsed_files))
            elif stripped.startswith("-"):
                flags.append(stripped)
        return flags

    # -- text -----------------------------------------------------------------------------

    def flags_into_string(self):
        """Every flag that has a value, one ``--name=value`` per line (a flag file)."""
        lines = []
        seen = set()
        for module in sorted(self.flags_by_module_dict()):
            for flag in self.flags_by_module_dict()[module]:
                if id(flag) in seen:
                    continue
                seen.add(id(flag))
                if flag.value is not None:
                    lines.append(flag.serialize() + "\n")
        return "".join(lines)

    def append_flags_into_file(self, filename):
        with open(filename, "a", encoding="utf-8") as out:
            out.write(self.flags_into_string())

    def get_help(self, prefix="", include_special_flags=True):
        """Help for every flag, grouped by the module that defined it."""
        sections = []
        for module in sorted(self.flags_by_module_dict()):
            flags = self.flags_by_module_dict()[module]
            sections.append(self._module_section(module, flags, prefix))
        return "\n".join(sections)

    __str__ = get_help

    def module_help(self, module):
        """Help for the key flags of ``module``."""
        name = module if isinstance(module, str) else module.__name__
        return self._module_section(name, self.get_key_flags_for_module(module), "")

    def main_module_help(self):
        return self.module_help(sys.argv[0] if sys.argv else "__main__")

    def _module_section(self, module, flags, prefix):
        lines = [f"{prefix}{module}:"]
        for flag in sorted({id(f): f for f in flags}.values(), key=lambda f: f.name):
            lines.append(_flag_help(flag, prefix + "  "))
        return "\n".join(lines)


def _flag_help(flag, prefix):
    """absl's help entry of one flag."""
    name = f"[no]{flag.name}" if flag.boolean else flag.name
    short = f"-{flag.short_name}," if flag.short_name else ""
    text = f"{short}--{name}: {flag.help}"
    if flag.default_as_str:
        text += f"\n(default: {flag.default_as_str})"
    syntactic = getattr(flag.parser, "syntactic_help", "")
    if syntactic:
        text += f"\n({syntactic})"
    width = _helpers.get_help_width()
    return _helpers.text_wrap(text, width, indent=prefix + "  ", firstline_indent=prefix)
