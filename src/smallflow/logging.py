"""``tf.logging``: TensorFlow 1.x's logging names on top of the standard ``logging`` module.

The full TF1 surface: the level constants, ``debug``/``info``/``warn``/``warning``/``error``/
``fatal``, ``log(level, msg)``, the rate-limited ``log_every_n``/``log_first_n``, ``log_if``,
``vlog``, ``flush``, ``TaskLevelStatusMessage`` and ``get/set_verbosity``.
"""

import logging as _logging
import sys as _sys
import threading as _threading

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARNING
WARNING = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = _logging.getLogger("smallflow")
_handler_checked = False


def _get_logger():
    """The logger, given TensorFlow 1.x's output the first time: when the program has not
    configured logging (the root logger has no handler), messages go to stderr as
    ``INFO:smallflow:...`` (stdout and level INFO in an interactive session), so that
    ``tf.logging.set_verbosity(tf.logging.INFO)`` shows an Estimator's progress."""
    global _handler_checked
    if not _handler_checked:
        _handler_checked = True
        if not _logging.getLogger().handlers:
            interactive = hasattr(_sys, "ps1") or bool(_sys.flags.interactive)
            if interactive and _logger.level == _logging.NOTSET:
                _logger.setLevel(INFO)
            handler = _logging.StreamHandler(_sys.stdout if interactive else _sys.stderr)
            handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
            _logger.addHandler(handler)
    return _logger


def set_verbosity(v):
    """Messages below level ``v`` are dropped from now on."""
    _get_logger().setLevel(v)


def get_verbosity():
    return _get_logger().getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    _get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    _get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    _get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    _get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    _get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    _get_logger().critical(msg, *args, **kwargs)


def vlog(level, msg, *args, **kwargs):
    """Log at numeric ``level`` (TF1 passes it straight to the logger, like ``log``)."""
    _get_logger().log(level, msg, *args, **kwargs)


def log_if(level, msg, condition, *args):
    """Log ``msg`` only when ``condition`` is true."""
    if condition:
        _get_logger().log(level, msg, *args)


# Counters per call site (file, line), as TF1 keeps them, so two loops do not share a count.
_counts = {}
_counts_lock = _threading.Lock()


def _site_count():
    frame = _sys._getframe(2)
    key = (frame.f_code.co_filename, frame.f_lineno)
    with _counts_lock:
        count = _counts.get(key, 0)
        _counts[key] = count + 1
    return count


def log_every_n(level, msg, n, *args):
    """Log on the 1st, (n+1)th, (2n+1)th ... call from this line."""
    if _site_count() % max(int(n), 1) == 0:
        _get_logger().log(level, msg, *args)


def log_first_n(level, msg, n, *args):
    """Log only the first ``n`` calls from this line."""
    if _site_count() < n:
        _get_logger().log(level, msg, *args)


def flush():
    for handler in _logger.handlers + _logging.getLogger().handlers:
        handler.flush()


def TaskLevelStatusMessage(msg):  # noqa: N802 - TF1's public name
    _get_logger().error(msg)
