"""``tensorflow.contrib.learn.python.learn.utils``: ``saved_model_export_utils`` and
``input_fn_utils`` (export_utils.py) under TF1's long path."""

import sys as _sys

from ....utils import input_fn_utils, saved_model_export_utils

__all__ = ["input_fn_utils", "saved_model_export_utils"]

for _name in __all__:
    _sys.modules[f"{__name__}.{_name}"] = globals()[_name]
