"""``Estimator.export_saved_model``: a trained Estimator written as a SavedModel.

For each mode asked for (PREDICT for serving; TRAIN and EVAL with
``experimental_export_all_saved_models``) a fresh graph is built from the mode's receiver
fn and the ``model_fn``, the checkpoint is restored into it, and the graph is added to one
``SavedModelBuilder`` as a MetaGraph tagged ``serve`` / ``train`` / ``eval`` with the
signatures of its export outputs. The first MetaGraph saves the variables, as TensorFlow
does. The SavedModel is written to ``export_dir_base/temp-<timestamp>`` and renamed to
``export_dir_base/<timestamp>`` when complete, so a server watching ``export_dir_base``
never sees half an export (TensorFlow Serving ignores names that are not numbers).
"""

import os
import shutil
import time

from .. import logging
from ..graph import GraphKeys
from ..saved_model import builder as builder_lib
from ..saved_model import signature_constants, tag_constants
from ..train import monitored_session, training_util
from ..train.saver import Saver
from . import export as export_lib
from .estimator import ModeKeys

_TAGS = {ModeKeys.PREDICT: [tag_constants.SERVING], ModeKeys.TRAIN: [tag_constants.TRAINING],
         ModeKeys.EVAL: ["eval"]}
_MAX_ATTEMPTS = 10


def get_timestamped_export_dir(export_dir_base):
    """``export_dir_base/<seconds since the epoch>`` (bytes), not yet existing."""
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        path = os.path.join(os.fsencode(export_dir_base), str(int(time.time())).encode())
        if not os.path.exists(path):
            return path
        time.sleep(1)
        logging.warning("Directory %s already exists; retrying (attempt %d/%d)",
                        os.fsdecode(path), attempt, _MAX_ATTEMPTS)
    raise RuntimeError(f"Failed to obtain a unique export directory name after "
                       f"{_MAX_ATTEMPTS} attempts.")


def get_temp_export_dir(timestamped_export_dir):
    """The sister directory ``temp-<timestamp>`` the export is written in first."""
    parent, base = os.path.split(os.fsencode(timestamped_export_dir))
    return os.path.join(parent, b"temp-" + base)


def _export_outputs(mode, spec, receiver):
    if mode == ModeKeys.PREDICT:
        return export_lib.check_export_outputs(spec.export_outputs, spec.predictions)
    metrics = spec.eval_metric_ops if mode == ModeKeys.EVAL else None
    kind = export_lib.EvalOutput if mode == ModeKeys.EVAL else export_lib.TrainOutput
    key = (signature_constants.DEFAULT_EVAL_SIGNATURE_DEF_KEY if mode == ModeKeys.EVAL
           else signature_constants.DEFAULT_TRAIN_SIGNATURE_DEF_KEY)
    return {key: kind(loss=spec.loss, predictions=spec.predictions, metrics=metrics)}


def _add_meta_graph(estimator, builder, mode, receiver_fn, checkpoint_path, first,
                    strip_default_attrs):
    with estimator._new_graph().as_default() as graph:
        training_util.get_or_create_global_step()
        receiver = receiver_fn()
        if mode == ModeKeys.PREDICT:
            if not isinstance(receiver, export_lib.ServingInputReceiver
                              | export_lib.TensorServingInputReceiver):
                raise TypeError(f"serving_input_receiver_fn must return a "
                                f"ServingInputReceiver, got {receiver!r}")
            labels, alternatives = None, receiver.receiver_tensors_alternatives
        else:
            if not isinstance(receiver, export_lib.SupervisedInputReceiver):
                raise TypeError(f"The input receiver fn for mode {mode} must return a "
                                f"SupervisedInputReceiver, got {receiver!r}")
            labels, alternatives = receiver.labels, None
        spec = estimator._call_model_fn(receiver.features, labels, mode)
        signatures = export_lib.build_all_signature_defs(
            receiver.receiver_tensors, _export_outputs(mode, spec, receiver), alternatives,
            serving_only=mode == ModeKeys.PREDICT)
        saver = spec.scaffold.saver or Saver(sharded=True, allow_empty=True)
        local_init_op = (spec.scaffold.local_init_op
                         or monitored_session.Scaffold.default_local_init_op())
        from ..session import Session

        with Session(graph=graph, config=estimator._config.session_config) as session:
            saver.restore(session, checkpoint_path)
            arguments = dict(tags=_TAGS[mode], signature_def_map=signatures,
                             assets_collection=graph.get_collection(GraphKeys.ASSET_FILEPATHS),
                             main_op=local_init_op, saver=saver,
                             strip_default_attrs=strip_default_attrs)
            if first:
                builder.add_meta_graph_and_variables(session, **arguments)
            else:
                builder.add_meta_graph(**arguments)


def _copy_assets_extra(export_dir, assets_extra):
    """Copy ``{destination relative to assets.extra/: source path}`` into the export."""
    for destination, source in assets_extra.items():
        target = os.path.join(os.fsdecode(export_dir), "assets.extra", os.fsdecode(destination))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.fsdecode(source), target)


def export_all_saved_models(estimator, export_dir_base, input_receiver_fn_map,
                            assets_extra=None, as_text=False, checkpoint_path=None,
                            strip_default_attrs=True):
    """Write one SavedModel with a MetaGraph per mode of ``input_receiver_fn_map``; return
    its directory (bytes), ``export_dir_base/<timestamp>``."""
    unknown = set(input_receiver_fn_map) - set(_TAGS)
    if unknown:
        raise ValueError(f"input_receiver_fn_map keys must be ModeKeys, got {sorted(unknown)}")
    if not input_receiver_fn_map:
        raise ValueError("input_receiver_fn_map must name at least one mode.")
    checkpoint_path = checkpoint_path or estimator.latest_checkpoint()
    if not checkpoint_path:
        raise ValueError(f"Couldn't find trained model at {estimator.model_dir}.")
    export_dir = get_timestamped_export_dir(export_dir_base)
    temp_dir = get_temp_export_dir(export_dir)
    builder = builder_lib.SavedModelBuilder(os.fsdecode(temp_dir))
    try:
        first = True
        for mode in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):
            if mode in input_receiver_fn_map:
                _add_meta_graph(estimator, builder, mode, input_receiver_fn_map[mode],
                                checkpoint_path, first, strip_default_attrs)
                first = False
        builder.save(as_text)
        if assets_extra:
            _copy_assets_extra(temp_dir, assets_extra)
        os.rename(temp_dir, export_dir)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return export_dir
