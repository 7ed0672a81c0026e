"""smallflow: TensorFlow 1.x's graph-and-session programming model on NumPy."""

__version__ = "0.1.0"
