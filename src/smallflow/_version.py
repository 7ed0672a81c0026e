"""The package version, importable from every layer."""

# smallflow's own release (the wheel's version, the CLI's --version, checkpoint metadata).
SMALLFLOW_VERSION = "0.1.0"

# The TensorFlow API smallflow implements. TF1 programs print or compare ``tf.__version__``
# and ``tf.VERSION`` with TensorFlow release numbers ("1.4", LooseVersion checks, PTB's
# "< 1.1" branch), and in TensorFlow both are the same string; with an own number such as
# 0.1.0 those programs would take their pre-1.0 branches. So both name TensorFlow 1.15,
# whose behaviour smallflow follows, and smallflow's own version is ``SMALLFLOW_VERSION``
# (also ``importlib.metadata.version("smallflow")``).
VERSION = "1.15.0"
__version__ = VERSION
GIT_VERSION = f"smallflow-{SMALLFLOW_VERSION}"
