"""The package version, importable from every layer."""

__version__ = "0.1.0"

# The TensorFlow API smallflow implements: TF1 programs compare ``tf.VERSION`` with
# TensorFlow release numbers ("1.4" ...), so it names TensorFlow 1.15, whose behaviour
# smallflow follows; ``smallflow.__version__`` is smallflow's own version.
VERSION = "1.15.0"
GIT_VERSION = f"smallflow-{__version__}"
