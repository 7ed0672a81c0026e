"""``python -m smallflow``: the ``smallflow`` command."""

import sys

from smallflow.cli import main

if __name__ == "__main__":
    sys.exit(main())
