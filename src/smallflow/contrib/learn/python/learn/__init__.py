"""``tensorflow.contrib.learn.python.learn``: the same modules as ``tf.contrib.learn``, under
the long paths TF1 programs import them from (``from tensorflow.contrib.learn.python.learn
import learn_runner``, ``...learn.estimators import model_fn as model_fn_lib``)."""

import sys as _sys

from ... import (  # noqa: F401  (re-exports under TF1's long path)
    experiment,
    io,
    learn_runner,
    monitors,
    preprocessing,
)
from ... import model_fn as metric_spec
from . import datasets, estimators, utils

__all__ = ["datasets", "estimators", "experiment", "learn_io", "learn_runner", "metric_spec",
           "monitors", "preprocessing", "utils"]

learn_io = io
for _name, _module in (("experiment", experiment), ("learn_runner", learn_runner),
                       ("monitors", monitors), ("metric_spec", metric_spec),
                       ("learn_io", io), ("learn_io.data_feeder", io),
                       ("preprocessing", preprocessing)):
    _sys.modules[f"{__name__}.{_name}"] = _module
