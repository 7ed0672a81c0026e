"""``python -m smallflow.run PROGRAM.py [ARGS]``: run a TensorFlow 1.x program unchanged, its
``import tensorflow`` (and its libraries') answered by smallflow (see tensorflow_alias)."""

import sys

from smallflow.tensorflow_alias import main

if __name__ == "__main__":
    sys.exit(main())
