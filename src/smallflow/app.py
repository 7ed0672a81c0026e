"""``tf.app``: ``run(main)`` parses the flags of ``tf.app.flags`` (``--help`` prints them),
then calls ``main`` with the remaining arguments, as TensorFlow 1.x (through absl) does."""

import sys

from . import flags

_HELP_FLAG_NAMES = ("help", "helpshort", "helpfull")


def _main_module_doc():
    main = sys.modules.get("__main__")
    doc = getattr(main, "__doc__", None)
    if doc:
        return doc.replace("%s", sys.argv[0] if sys.argv else "")
    name = sys.argv[0] if sys.argv and sys.argv[0] else "program"
    return f"\nUSAGE: {name} [flags]\n"


def usage(shorthelp=False, writeto_stdout=False, detailed_error=None, exitcode=None):
    """Print the main module's docstring and the flags' help (only the main module's flags
    with ``shorthelp``); exit with ``exitcode`` when given."""
    stream = sys.stdout if writeto_stdout else sys.stderr
    values = flags.FLAGS
    flag_help = values.main_module_help() if shorthelp else values.get_help()
    stream.write(_main_module_doc().rstrip("\n") + "\n")
    if flag_help:
        stream.write("flags:\n" + flag_help + "\n")
    if detailed_error is not None:
        stream.write(f"\n{detailed_error}\n")
    if exitcode is not None:
        sys.exit(exitcode)


class _HelpFlag(flags.BooleanFlag):
    """``--help`` / ``-?`` (and ``--helpshort``): the main module's flags, then exit 1."""

    def __init__(self, name="help", short_name="?", full=False):
        what = "all flags" if full else "flags of the main module"
        super().__init__(name, False, f"show help on {what}", short_name=short_name,
                         allow_override=True)
        self._full = full

    def parse(self, argument):
        if self._parse(argument):
            usage(shorthelp=not self._full, writeto_stdout=True)
            if not self._full:
                print()
                print("Try --helpfull to get a list of all flags.")
            sys.exit(1)


def _define_help_flags():
    values = flags.FLAGS
    if "help" not in values:
        flags.DEFINE_flag(_HelpFlag(), module_name="absl.app")
    if "helpshort" not in values:
        flags.DEFINE_flag(_HelpFlag("helpshort", None), module_name="absl.app")
    if "helpfull" not in values:
        flags.DEFINE_flag(_HelpFlag("helpfull", None, full=True), module_name="absl.app")


def run(main=None, argv=None):
    """Parse the flags defined with ``tf.app.flags`` from ``argv`` (``sys.argv`` by default;
    unknown flags are passed on, as TensorFlow 1.x tolerates them), then
    ``sys.exit(main(argv))`` with the program name and the arguments left over.

    A bad flag value prints ``FATAL Flags parsing error: ...`` and exits with status 1.
    """
    if main is None:
        main = sys.modules["__main__"].main
    args = sys.argv if argv is None else list(argv)
    _define_help_flags()
    try:
        remaining = flags.FLAGS(args, known_only=True)
        remaining = _parse_absl_flags(remaining)
    except flags.Error as error:
        sys.stderr.write(f"FATAL Flags parsing error: {error}\n")
        sys.stderr.write("Pass --helpshort or --helpfull to see help on flags.\n")
        sys.exit(1)
    sys.exit(main(remaining))


def _parse_absl_flags(args):
    """Parse the flags a program defined with absl itself (``from absl import flags``).

    In TensorFlow 1.x ``tf.flags`` is absl's flags module, so ``tf.app.run`` parses flags
    defined either way; smallflow has its own, so absl's (when the program imported absl)
    are parsed here from what smallflow's left over.
    """
    absl_flags = sys.modules.get("absl.flags")
    if absl_flags is None or absl_flags.FLAGS.is_parsed():
        return args
    try:
        return absl_flags.FLAGS(args, known_only=True)
    except absl_flags.Error as error:
        raise flags.Error(str(error)) from None


__all__ = ["flags", "run"]
