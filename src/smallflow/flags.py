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
                parser.add_argument(f"--{name}", nargs="?", const=True, default=default,
                                    type=_parse_bool, help=help_text)
                parser.add_argument(f"--no{name}", dest=name, action="store_false")
            else:
                parser.add_argument(f"--{name}", default=default, type=parse, help=help_text)
        return parser

    def _parse(self, argv):
        """Parse known flags from ``argv``; return ``[argv[0]] + unparsed arguments``."""
        argv = list(argv)
        prog = argv[0] if argv else None
        known, rest = self._parser(prog).parse_known_args(argv[1:])
        self._values.update(vars(known))
        object.__setattr__(self, "_parsed", True)
        return [prog, *rest] if prog is not None else rest

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
