"""``tf.estimator.experimental``: the parts smallflow provides (exports for TRAIN/EVAL, the
early-stopping hooks)."""

from .early_stopping import (
    make_early_stopping_hook,
    stop_if_higher_hook,
    stop_if_lower_hook,
    stop_if_no_decrease_hook,
    stop_if_no_increase_hook,
)
from .export import build_raw_supervised_input_receiver_fn

__all__ = ["build_raw_supervised_input_receiver_fn", "make_early_stopping_hook",
           "stop_if_higher_hook", "stop_if_lower_hook", "stop_if_no_decrease_hook",
           "stop_if_no_increase_hook"]
