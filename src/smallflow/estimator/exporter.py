"""``tf.estimator.Exporter``s: the exports ``train_and_evaluate`` makes after evaluations.

Each exporter writes SavedModels under ``model_dir/export/<its name>/<timestamp>``:
``FinalExporter`` once, after the last evaluation; ``LatestExporter`` after every
evaluation, keeping the newest ``exports_to_keep``; ``BestExporter`` when ``compare_fn``
says the evaluation beats the best so far (the loss by default), the best being read back
from the evaluation event files in ``model_dir`` first, so a restarted job does not export a
worse model.
"""

import abc
import glob
import inspect
import os
import shutil

from .. import logging

__all__ = ["BestExporter", "Exporter", "FinalExporter", "LatestExporter"]


class Exporter(abc.ABC):
    """A kind of model export, named by the directory it writes under."""

    @property
    @abc.abstractmethod
    def name(self):
        """The directory name under ``model_dir/export/``; neither None nor empty."""

    @abc.abstractmethod
    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        """Export ``estimator`` at ``checkpoint_path`` under ``export_path``; return the
        export's directory, or None when this exporter skips this evaluation."""


class _SavedModelExporter(Exporter):
    """Exports the serving graph and the checkpoint's variables every time."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._name = name
        self._serving_input_receiver_fn = serving_input_receiver_fn
        self._assets_extra = assets_extra
        self._as_text = as_text

    @property
    def name(self):
        return self._name

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        return estimator.export_saved_model(export_path, self._serving_input_receiver_fn,
                                            assets_extra=self._assets_extra,
                                            as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


def _check_exports_to_keep(exports_to_keep):
    if exports_to_keep is not None and exports_to_keep <= 0:
        raise ValueError(f"`exports_to_keep`, if provided, must be a positive number. Got "
                         f"{exports_to_keep}")


def _garbage_collect_exports(export_dir_base, exports_to_keep):
    """Delete all but the ``exports_to_keep`` newest exports (10-digit timestamp names)."""
    if exports_to_keep is None or not os.path.isdir(export_dir_base):
        return
    versions = sorted(int(name) for name in os.listdir(export_dir_base)
                      if len(name) == 10 and name.isdigit())
    for version in versions[:-exports_to_keep]:
        path = os.path.join(export_dir_base, str(version))
        try:
            shutil.rmtree(path)
        except OSError as err:
            logging.warning("Can not delete %s recursively: %s", path, err)


class _WrappingExporter(Exporter):
    """What the public exporters share: a named SavedModel export, and how many to keep."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra, as_text,
                 exports_to_keep=None):
        self._saved_model_exporter = _SavedModelExporter(name, serving_input_receiver_fn,
                                                         assets_extra, as_text)
        _check_exports_to_keep(exports_to_keep)
        self._exports_to_keep = exports_to_keep

    @property
    def name(self):
        return self._saved_model_exporter.name

    def _export_and_collect(self, estimator, export_path, checkpoint_path, eval_result,
                            is_the_final_export):
        result = self._saved_model_exporter.export(estimator, export_path, checkpoint_path,
                                                   eval_result, is_the_final_export)
        _garbage_collect_exports(export_path, self._exports_to_keep)
        return result


class LatestExporter(_WrappingExporter):
    """Exports after every evaluation, keeping the ``exports_to_keep`` newest exports."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False,
                 exports_to_keep=5):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text,
                         exports_to_keep)

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        return self._export_and_collect(estimator, export_path, checkpoint_path, eval_result,
                                        is_the_final_export)


class FinalExporter(_WrappingExporter):
    """Exports once, after the evaluation at the end of training."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text)

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        if not is_the_final_export:
            return None
        logging.info("Performing the final export in the end of training.")
        return self._saved_model_exporter.export(estimator, export_path, checkpoint_path,
                                                 eval_result, is_the_final_export)


def _loss_smaller(best_eval_result, current_eval_result):
    """True when the current evaluation's ``loss`` is below the best one's."""
    if not best_eval_result or "loss" not in best_eval_result:
        raise ValueError("best_eval_result cannot be empty or no loss is found in it.")
    if not current_eval_result or "loss" not in current_eval_result:
        raise ValueError("current_eval_result cannot be empty or no loss is found in it.")
    return best_eval_result["loss"] > current_eval_result["loss"]


def _check_compare_fn(compare_fn):
    if compare_fn is None:
        raise ValueError("`compare_fn` must not be None.")
    args = set(inspect.signature(compare_fn).parameters)
    for needed in ("best_eval_result", "current_eval_result"):
        if needed not in args:
            raise ValueError(f"compare_fn ({compare_fn}) must include {needed} argument.")
    extra = sorted(args - {"best_eval_result", "current_eval_result"})
    if extra:
        raise ValueError(f"compare_fn ({compare_fn}) has following not expected args: "
                         f"{extra}")


class BestExporter(_WrappingExporter):
    """Exports when an evaluation is better (``compare_fn``) than every earlier one."""

    def __init__(self, name="best_exporter", serving_input_receiver_fn=None,
                 event_file_pattern="eval/*.tfevents.*", compare_fn=_loss_smaller,
                 assets_extra=None, as_text=False, exports_to_keep=5):
        _check_compare_fn(compare_fn)
        self._compare_fn = compare_fn
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text,
                         exports_to_keep)
        self._event_file_pattern = event_file_pattern
        self._model_dir = None
        self._best_eval_result = None

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        if self._model_dir != estimator.model_dir and self._event_file_pattern:
            logging.info("Loading best metric from event files.")
            self._model_dir = estimator.model_dir
            self._best_eval_result = self._best_from_event_files(
                os.path.join(self._model_dir, self._event_file_pattern))
        # As TensorFlow: the evaluation just made is in the event files already, so with a
        # strict compare_fn it is not exported the first time (it is not better than itself).
        better = (self._best_eval_result is None
                  or self._compare_fn(best_eval_result=self._best_eval_result,
                                      current_eval_result=eval_result))
        if not better:
            return None
        logging.info("Performing best model export.")
        self._best_eval_result = eval_result
        result = self._export_and_collect(estimator, export_path, checkpoint_path, eval_result,
                                          is_the_final_export)
        return result

    def _best_from_event_files(self, pattern):
        """The best evaluation recorded in the event files (their scalar summaries)."""
        paths = glob.glob(pattern)
        if not paths:
            return None
        from ..summary.records import summary_iterator

        best = None
        for path in paths:
            for event in summary_iterator(path):
                if not event.HasField("summary"):
                    continue
                result = {value.tag: value.simple_value for value in event.summary.value
                          if value.HasField("simple_value")}
                if result and (best is None or self._compare_fn(best, result)):
                    best = result
        return best


def check_exporters(exporters):
    """``exporters`` (one or a list) as a tuple of Exporters with unique, non-empty names."""
    if exporters is None:
        return ()
    if not isinstance(exporters, list | tuple):
        exporters = [exporters]
    names = set()
    for exporter in exporters:
        if not isinstance(exporter, Exporter):
            raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or "
                            f"`None`, found {exporter}.")
        if not exporter.name:
            full_list = ", ".join(str(e.name) for e in exporters)
            raise ValueError(f"An Exporter cannot have a name that is `None` or empty. All "
                             f"exporter names: {full_list}")
        if not isinstance(exporter.name, str):
            raise ValueError(f"An Exporter must have a string name. Given: "
                             f"{type(exporter.name)}")
        if exporter.name in names:
            raise ValueError(f"Two Exporters cannot have the same name "
                             f"(\"{exporter.name}\"). All exporter names: "
                             f"{[e.name for e in exporters]}")
        names.add(exporter.name)
    return tuple(exporters)
