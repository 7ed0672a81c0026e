"""``tf.contrib.learn.utils``: ``saved_model_export_utils`` and ``input_fn_utils`` (both in
export_utils.py)."""

from . import export_utils as input_fn_utils
from . import export_utils as saved_model_export_utils

__all__ = ["input_fn_utils", "saved_model_export_utils"]
