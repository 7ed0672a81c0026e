"""``tf.app``: ``run(main)`` and the ``flags`` module that old TensorFlow scripts use."""

import sys

from . import flags  # noqa: F401 - tf.app.flags


def run(main=None, argv=None):
    """Parse the flags defined with ``tf.app.flags`` from ``argv``, then ``sys.exit(main(argv))``.

    Arguments the flags do not know are passed on to ``main`` (after the program name).
    """
    args = sys.argv if argv is None else list(argv)
    remaining = flags.FLAGS._parse(args)
    if main is None:
        main = sys.modules["__main__"].main
    sys.exit(main(remaining))
