"""Keras's progress bar: ``60000/60000 [==============================] - 3s 52us/sample -
loss: 0.2178 - acc: 0.9355``.

On a terminal the line is redrawn (at most every 0.05 s, as Keras); when the output is not a
terminal (a log file, a notebook capture, a test) only the finished line is printed, so logs
are not filled with one line per update.
"""

import sys
import time

__all__ = ["Progbar"]


def _format_value(value):
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


class Progbar:
    def __init__(self, target, width=30, verbose=1, interval=0.05, unit_name="sample"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._start = time.time()
        self._last_update = 0.0
        self._dynamic = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()

    def update(self, current, values=None, finalize=False):
        """Show ``current`` of ``target`` with ``values`` (name, value) pairs."""
        now = time.time()
        finalize = finalize or (self.target is not None and current >= self.target)
        if self.target is None and not finalize:
            return
        if self.verbose == 0 or (self.verbose == 2 and not finalize):
            return
        if not finalize and (not self._dynamic or now - self._last_update < self.interval):
            return
        self._last_update = now
        target = self.target if self.target is not None else current
        digits = len(str(target))
        text = f"{current:{digits}d}/{target}"
        if self.verbose == 1:
            done = int(self.width * current / target) if target else self.width
            bar = "=" * max(done - 1, 0) + (">" if current < target else "=") if done else ""
            text += " [" + bar + "." * (self.width - len(bar)) + "]"
        elapsed = now - self._start
        if finalize:
            per_unit = elapsed / max(current, 1)
            if per_unit >= 1:
                rate = f"{per_unit:.0f}s/{self.unit_name}"
            elif per_unit >= 1e-3:
                rate = f"{per_unit * 1e3:.0f}ms/{self.unit_name}"
            else:
                rate = f"{per_unit * 1e6:.0f}us/{self.unit_name}"
            text += f" - {elapsed:.0f}s {rate}" if self.verbose == 1 else f" - {elapsed:.0f}s"
        else:
            remaining = elapsed / max(current, 1) * (target - current)
            text += f" - ETA: {remaining:.0f}s"
        for name, value in values or []:
            text += f" - {name}: {_format_value(value)}"
        if self._dynamic:
            sys.stdout.write("\r" + text + ("\n" if finalize else ""))
        else:
            sys.stdout.write(text + "\n")
        sys.stdout.flush()
