"""``tensorflow.contrib.slim.python.slim``: TF-Slim's modules under their long import paths
(``...slim.data.tfexample_decoder``, ``...slim.nets.inception_v3``, ``...slim.learning``, ...),
the same module objects as ``tf.contrib.slim``'s, registered in ``sys.modules`` so that
``from ... import`` finds them (TensorFlow keeps the data pipeline in a ``data`` package)."""

import sys as _sys
import types as _types

from ... import (
    data_decoder,
    data_provider,
    dataset,
    dataset_data_provider,
    evaluation,
    learning,
    nets,
    parallel_reader,
    prefetch_queue,
    queues,
    summaries,
    tfexample_decoder,
)
from ... import model_analyzer as model_analyzer

__all__ = ["data", "evaluation", "learning", "model_analyzer", "nets", "queues", "summaries"]

data = _types.ModuleType(f"{__name__}.data", "TF-Slim's data pipeline (long import path).")
for _name, _module in (("data_decoder", data_decoder), ("data_provider", data_provider),
                       ("dataset", dataset), ("dataset_data_provider", dataset_data_provider),
                       ("parallel_reader", parallel_reader),
                       ("prefetch_queue", prefetch_queue),
                       ("tfexample_decoder", tfexample_decoder)):
    setattr(data, _name, _module)
    _sys.modules[f"{data.__name__}.{_name}"] = _module
_sys.modules[data.__name__] = data

for _name, _module in (("evaluation", evaluation), ("learning", learning),
                       ("model_analyzer", model_analyzer), ("nets", nets),
                       ("queues", queues), ("summaries", summaries)):
    _sys.modules[f"{__name__}.{_name}"] = _module
for _name in nets.__all__:
    _sys.modules[f"{__name__}.nets.{_name}"] = getattr(nets, _name)
