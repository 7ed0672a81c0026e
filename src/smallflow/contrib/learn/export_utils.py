"""Exporting contrib.learn models: ``InputFnOps``, the serving input functions of
``input_fn_utils`` and ``saved_model_export_utils.make_export_strategy`` (what
``Experiment(export_strategies=...)`` runs after evaluating).

A contrib serving input function returns ``InputFnOps(features, labels, default_inputs)``;
it becomes the ``ServingInputReceiver(features, default_inputs)`` of ``tf.estimator`` and
the SavedModel is written by the core exporter (``serving_default`` signature first).
"""

import collections
import os
import shutil

from ... import logging
from ...estimator import export as core_export
from ...ops import array_ops, parsing_ops
from .experiment import ExportStrategy

__all__ = ["InputFnOps", "build_default_serving_input_fn", "build_parsing_serving_input_fn",
           "make_export_strategy", "receiver_fn"]


class InputFnOps(collections.namedtuple("InputFnOps",
                                        ["features", "labels", "default_inputs"])):
    """What a contrib.learn serving input function returns."""


def build_parsing_serving_input_fn(feature_spec, default_batch_size=None):
    """A serving input function parsing serialized ``tf.Example``s fed as ``examples``."""

    def input_fn():
        examples = array_ops.placeholder("string", [default_batch_size],
                                         name="input_example_tensor")
        features = parsing_ops.parse_example(examples, feature_spec)
        return InputFnOps(features, None, {"examples": examples})

    return input_fn


def build_default_serving_input_fn(features, default_batch_size=None):
    """A serving input function with one placeholder per feature (shaped like the given
    tensors, with a batch dimension of ``default_batch_size``)."""

    def input_fn():
        placeholders = {}
        for name, tensor in features.items():
            shape = [default_batch_size] + tensor.shape.as_list()[1:]
            placeholders[name] = array_ops.placeholder(tensor.dtype, shape, name=name)
        return InputFnOps(placeholders, None, placeholders)

    return input_fn


def receiver_fn(serving_input_fn):
    """``serving_input_fn`` as a core serving input receiver function."""

    def convert():
        result = serving_input_fn()
        if isinstance(result, InputFnOps):
            inputs = result.default_inputs
            if not isinstance(inputs, dict):
                inputs = {"input": inputs}
            return core_export.ServingInputReceiver(result.features, inputs)
        return result

    return convert


def _keep_newest(export_dir_base, exports_to_keep):
    base = os.fsdecode(export_dir_base)
    if exports_to_keep is None or not os.path.isdir(base):
        return
    exports = sorted(name for name in os.listdir(base) if name.isdigit())
    for name in exports[:-exports_to_keep] if exports_to_keep else exports:
        logging.info("Removing old export %s", os.path.join(base, name))
        shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def make_export_strategy(serving_input_fn, default_output_alternative_key=None,
                         assets_extra=None, as_text=False, exports_to_keep=5,
                         strip_default_attrs=None):
    """An ExportStrategy named "Servo" writing a SavedModel with ``serving_input_fn`` and
    keeping the newest ``exports_to_keep`` exports."""

    def export_fn(estimator, export_dir_base, checkpoint_path=None, strip_default_attrs=False):
        path = estimator.export_savedmodel(export_dir_base, receiver_fn(serving_input_fn),
                                           assets_extra=assets_extra, as_text=as_text,
                                           checkpoint_path=checkpoint_path)
        _keep_newest(export_dir_base, exports_to_keep)
        return path

    return ExportStrategy("Servo", export_fn, strip_default_attrs)
