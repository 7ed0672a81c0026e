"""``tf.contrib.tfprof``: TF 1.x's older entry to the model analyzer (``model_analyzer``,
``tfprof_logger``), kept by TensorFlow as a thin layer over ``tf.profiler``; research/resnet
counts its parameters and FLOPs through it."""

from . import model_analyzer, tfprof_logger

__all__ = ["model_analyzer", "tfprof_logger"]
