"""``tf.estimator.experimental``: the parts smallflow provides (exports for TRAIN/EVAL)."""

from .export import build_raw_supervised_input_receiver_fn

__all__ = ["build_raw_supervised_input_receiver_fn"]
