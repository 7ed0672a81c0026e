"""``tf.keras.callbacks`` that report progress: BaseLogger (epoch averages of the batch
logs), ProgbarLogger (Keras's progress bar, for ``fit(verbose=0)`` plus this callback) and
RemoteMonitor (each epoch's logs POSTed to a server, with the standard library's urllib)."""

import json
import urllib.error
import urllib.parse
import urllib.request

import numpy as np

from .. import logging as _logging
from .callbacks import Callback
from .engine.progbar import Progbar

__all__ = ["BaseLogger", "ProgbarLogger", "RemoteMonitor"]


class BaseLogger(Callback):
    """At each epoch's end, sets each of ``params['metrics']`` seen in the batch logs to its
    mean over the epoch weighted by the batches' ``size`` (a stateful metric: its last
    value)."""

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get("size", 0)
        self.seen += batch_size * logs.get("num_steps", 1)
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + value * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for key in self.params.get("metrics", []):
            if key not in self.totals:
                continue
            if key in self.stateful_metrics:
                logs[key] = self.totals[key]
            else:
                logs[key] = self.totals[key] / self.seen


class ProgbarLogger(Callback):
    """Prints the progress bar: ``count_mode`` 'samples' counts the batches' ``size``,
    'steps' counts batches; the values shown are the means so far of ``params['metrics']``
    (a name in ``stateful_metrics`` shows its last value)."""

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        if count_mode == "samples":
            self.use_steps = False
        elif count_mode == "steps":
            self.use_steps = True
        else:
            raise ValueError("Unknown `count_mode`: " + str(count_mode))
        self.stateful_metrics = set(stateful_metrics or [])

    def on_train_begin(self, logs=None):
        self.verbose = self.params.get("verbose", 1)
        self.epochs = self.params.get("epochs", 1)

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self._sums = {}
        self.target = self.params.get("steps" if self.use_steps else "samples")
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}")
        self.progbar = Progbar(self.target, verbose=self.verbose,
                               unit_name="step" if self.use_steps else "sample")

    def _values(self, logs, weight):
        values = []
        for key in self.params.get("metrics", []):
            if key not in logs:
                continue
            if key in self.stateful_metrics:
                self._sums[key] = [logs[key], 1]
            else:
                total = self._sums.setdefault(key, [0.0, 0])
                total[0] += logs[key] * weight
                total[1] += weight
            total, count = self._sums[key]
            values.append((key, total / max(count, 1)))
        return values

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get("size", 0)
        steps = logs.get("num_steps", 1)
        before = self.seen
        self.seen += steps if self.use_steps else size * steps
        self._last_values = self._values(logs, self.seen - before)
        if self.verbose and (self.target is None or self.seen < self.target):
            self.progbar.update(self.seen, self._last_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        values = dict(getattr(self, "_last_values", []))
        for key in self.params.get("metrics", []):
            if key in logs:
                values[key] = logs[key]
        if self.verbose:
            self.progbar.update(self.seen, list(values.items()), finalize=True)


class RemoteMonitor(Callback):
    """At each epoch's end POSTs ``{'epoch': epoch, **logs}`` to ``root + path``: as a JSON
    body when ``send_as_json``, else as the form field ``field`` holding that JSON. A server
    that cannot be reached is logged as a warning, and training goes on."""

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError):
            _logging.warning("Warning: could not reach RemoteMonitor root server at "
                             + str(self.root))
