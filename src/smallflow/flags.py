"""``tf.app.flags``: command-line flags declared with ``DEFINE_*``, parsed by argparse."""

import argparse


def _parse_bool(text):
    lowered = str(text).lower()
    if lowered in ("1", "true", "t", "yes", "y"):
        return True
    if lowered in ("0", "false", "f", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean, got {text!r}")


class _FlagValues:
    """The global ``FLAGS`` object: attribute access to parsed flag values."""

    def __init__(self):
        object.__setattr__(self, "_definitions", {})
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_parsed", False)

    def _define(self, name, default, help_text, parse):
        if name in self._definitions:
            raise ValueError(f"Flag --{name} is defined twice")
        self._definitions[name] = (default, help_text, parse)
        self._values[name] = default

    def _parser(self, prog):
        parser = argparse.ArgumentParser(prog=prog, allow_abbrev=False)
        for name, (default, help_text, parse) in self._definitions.items():
            if parse is _parse_bool:
                parser.add_argument(f"--{name}", action="store_true", default=default,
                                    help=help_text)
                parser.add_argument(f"--no{name}", dest=name, action="store_false")
            else:
                parser.add_argument(f"--{name}", default=default, type=parse, help=help_text)
        return parser

    def _parse(self, argv):
        """Parse known flags from ``argv``; return ``[argv[0]] + unparsed arguments``."""
        argv = list(argv)
        prog = argv[0] if argv else None
        parser = self._parser(prog)
        known, rest = parser.parse_known_args(self._spell_booleans(argv[1:], parser))
        self._values.update(vars(known))
        object.__setattr__(self, "_parsed", True)
        return [prog, *rest] if prog is not None else rest

    def _spell_booleans(self, args, parser):
        """``--flag=false`` (absl's spelling) becomes ``--noflag``; a bare ``--flag`` stays."""
        spelled = []
        for arg in args:
            name, equals, value = arg[2:].partition("=")
            definition = self._definitions.get(name) if arg.startswith("--") else None
            if equals and definition is not None and definition[2] is _parse_bool:
                try:
                    arg = f"--{name}" if _parse_bool(value) else f"--no{name}"
                except argparse.ArgumentTypeError as err:
                    parser.error(f"argument --{name}: {err}")
            spelled.append(arg)
        return spelled

    def __call__(self, argv):
        return self._parse(argv)

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"Unknown command line flag '{name}'")

    def __setattr__(self, name, value):
        self._values[name] = value

    def __contains__(self, name):
        return name in self._definitions


FLAGS = _FlagValues()


def DEFINE_string(name, default, help):  # noqa: N802, A002 - TensorFlow's public names
    FLAGS._define(name, default, help, str)


def DEFINE_integer(name, default, help):  # noqa: N802, A002
    FLAGS._define(name, default, help, int)


def DEFINE_float(name, default, help):  # noqa: N802, A002
    FLAGS._define(name, default, help, float)


def DEFINE_boolean(name, default, help):  # noqa: N802, A002
    FLAGS._define(name, default, help, _parse_bool)


DEFINE_bool = DEFINE_boolean
