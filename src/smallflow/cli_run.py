"""``smallflow run PROGRAM.py [ARGS]``: a TensorFlow 1.x program run unchanged on smallflow.

The program's arguments are its own (``-m``, ``--help``, ``--threads`` included), so ``main``
hands everything after ``run`` to ``tensorflow_alias.main`` instead of parsing it; the parser
here only puts the command in ``smallflow --help``.
"""

import argparse

from smallflow import tensorflow_alias


def add_run(commands, formatter_class):
    run = commands.add_parser(
        "run",
        help="run a TensorFlow 1.x program unchanged: its `import tensorflow` gives smallflow",
        description="Run PROGRAM.py with ARGS as `python PROGRAM.py ARGS` would, with "
        "`import tensorflow` (and every tensorflow.X.Y path, in the program and in the "
        "libraries it imports) answered by smallflow's modules. `-m MODULE` runs a module "
        "instead (e.g. `smallflow run -m pytest tests/`).",
        formatter_class=formatter_class,
    )
    run.add_argument("program", metavar="PROGRAM.py", help="the program (or -m MODULE)")
    run.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                     help="the program's arguments")


def main(argv):
    """``smallflow run ARGV...``: the program's exit code."""
    return tensorflow_alias.main(argv)
