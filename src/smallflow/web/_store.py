"""The models a server offers: found in a file or folder, loaded once, run under a lock.

Nothing here knows about HTTP: the app turns requests into calls of ``ModelStore`` and
``ServedModel``, which tests can also call directly.
"""

import os
import threading
import time

import numpy as np

import smallflow as tf
from smallflow import imaging, models

# Evidence is the tutorial's word for the softmax model's per-pixel terms W[:, i] * x;
# the other models get the gradient of the chosen digit's logit (a saliency map).
EVIDENCE = "evidence"
SALIENCY = "saliency"


class ModelNotFound(LookupError):
    """No served model has the requested id; the message lists the ids there are."""


class ServedModel:
    """One saved model: metadata at once, the session on first use, ONNX on request."""

    def __init__(self, model_id, path, metadata):
        self.id = model_id
        self.path = path
        self.metadata = metadata
        self.kind = metadata["model"]
        self._lock = threading.Lock()
        self._loaded = None  # (session, model_graph, explain) once loaded
        self._onnx = None

    def describe(self):
        """What GET /api/models says about this model."""
        accuracy = self.metadata.get("accuracy")
        return {
            "id": self.id,
            "model": self.kind,
            "file": os.path.basename(self.path) + ".npz",
            "description": models.get_model(self.kind).DESCRIPTION,
            "accuracy": accuracy if isinstance(accuracy, (int, float)) else None,
            "explanation": EVIDENCE if self._weight_map_name() else SALIENCY,
        }

    def _weight_map_name(self):
        return getattr(models.get_model(self.kind), "WEIGHT_MAP", None)

    def load(self):
        """Restore the session (once) and build the explanation part of the graph."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._restore()
        return self._loaded

    def _restore(self):
        sess, graph, _ = models.load_model(self.path)
        weight_map = self._weight_map_name()
        if weight_map:
            with graph.graph.as_default():
                tensors = {v.op.name: v for v in graph.model_variables}
            weights = sess.run(tensors[weight_map])
            biases = sess.run(tensors[weight_map.rpartition("/")[0] + "/b"])
            return sess, graph, (EVIDENCE, (weights, biases))
        with graph.graph.as_default():
            # The logit of one digit, chosen by a one-hot vector fed with the image.
            chooser = tf.placeholder(tf.float32, [10], name="saliency_digit")
            chosen = tf.reduce_sum(graph.logits * chooser, name="saliency_logit")
            (gradient,) = tf.gradients(chosen, [graph.images], name="saliency")
        return sess, graph, (SALIENCY, (chooser, gradient))

    def predict(self, pixels):
        """Probabilities [N, 10] of prepared images [N, 784] (float32 in [0, 1])."""
        sess, graph, _ = self.load()
        with self._lock:
            return sess.run(graph.probabilities, feed_dict={graph.images: pixels})

    def explain(self, pixels, digit):
        """How each pixel of one prepared image [784] pushes towards ``digit``.

        Softmax model: ``{"kind": "evidence", "map": W[:, digit] * x, "totals": x W + b}``
        (the tutorial's evidence, ten totals). Other models: ``{"kind": "saliency",
        "map": d logit[digit] / d x}`` computed with ``tf.gradients``.
        """
        sess, graph, (kind, parts) = self.load()
        if kind == EVIDENCE:
            weights, biases = parts
            contribution = weights[:, digit] * pixels
            totals = pixels @ weights + biases
            return {"kind": kind, "digit": digit, "map": contribution, "totals": totals}
        chooser, gradient = parts
        one_hot = np.zeros(10, dtype=np.float32)
        one_hot[digit] = 1.0
        feed = {graph.images: pixels[None, :], chooser: one_hot}
        with self._lock:
            values = sess.run(gradient, feed_dict=feed)
        return {"kind": kind, "digit": digit, "map": values[0]}

    def onnx_bytes(self):
        """The model as an ONNX file (exported once). ImportError names the extra."""
        from smallflow import onnx as onnx_export

        onnx_export.require_onnx()
        sess, graph, _ = self.load()
        with self._lock:
            if self._onnx is None:
                about = f"smallflow {self.kind} model {os.path.basename(self.path)}"
                model = onnx_export.export(sess, graph.images, graph.probabilities, None, about)
                self._onnx = model.SerializeToString()
            return self._onnx

    def close(self):
        with self._lock:
            if self._loaded is not None:
                self._loaded[0].close()
                self._loaded = None


class ModelStore:
    """The models of ``source``: one saved model, or every saved model in a folder."""

    def __init__(self, source):
        source = os.fspath(source)
        self.source = source
        self.skipped = []  # (file, problem) for files in the folder that are not models
        if os.path.isdir(source):
            found = self._scan(source)
            if not found:
                problems = "; ".join(f"{name}: {problem}" for name, problem in self.skipped)
                detail = f" ({problems})" if problems else ""
                raise models.ModelFileError(
                    source, f"holds no saved smallflow model (*.npz){detail}"
                )
        else:
            metadata = models.read_model_metadata(source)
            found = [(_model_id(source), models.model_prefix(source), metadata)]
        self._models = {}
        for model_id, path, metadata in found:
            self._models[model_id] = ServedModel(model_id, path, metadata)

    def _scan(self, folder):
        found = []
        for entry in sorted(os.listdir(folder)):
            if not entry.endswith(".npz"):
                continue
            path = os.path.join(folder, entry)
            try:
                metadata = models.read_model_metadata(path)
            except models.ModelFileError as error:
                self.skipped.append((entry, error.problem))
                continue
            found.append((_model_id(path), models.model_prefix(path), metadata))
        # The tutorial's order (softmax first: the default, with its evidence), then by name.
        order = list(models.KINDS)
        return sorted(found, key=lambda item: (order.index(item[2]["model"]), item[0]))

    @property
    def default(self):
        return next(iter(self._models.values()))

    def __iter__(self):
        return iter(self._models.values())

    def get(self, model_id=None):
        """The model ``model_id`` (default: the first); ModelNotFound lists the ids."""
        if model_id is None or model_id == "":
            return self.default
        try:
            return self._models[model_id]
        except KeyError:
            known = ", ".join(self._models)
            raise ModelNotFound(f"no model {model_id!r}; this server has: {known}") from None

    def warm_up(self):
        """Load every model now, so the first request does not pay for it."""
        blank = np.zeros((1, 784), dtype=np.float32)
        for model in self:
            model.predict(blank)
            model.explain(blank[0], 0)

    def close(self):
        for model in self:
            model.close()


def _model_id(path):
    return os.path.basename(models.model_prefix(os.fspath(path)))


def prepare_file(path):
    """A picture file as the model sees it: exactly what ``smallflow predict`` feeds."""
    return imaging.load_digit(path)


def timed(function, *args):
    """``(result, milliseconds)`` of one call."""
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000.0
