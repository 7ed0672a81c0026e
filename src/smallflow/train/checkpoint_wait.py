"""Waiting for checkpoints another process writes: ``tf.train.checkpoints_iterator`` and
``tf.contrib.training.wait_for_new_checkpoint``, which TF1 evaluation loops poll with
(an evaluator beside a trainer: restore each new checkpoint, evaluate, wait for the next).
"""

import time

from .. import logging
from .checkpoint_management import latest_checkpoint

__all__ = ["checkpoints_iterator", "wait_for_new_checkpoint"]


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                            timeout=None):
    """The newest checkpoint prefix in ``checkpoint_dir`` that differs from
    ``last_checkpoint``, polling every ``seconds_to_sleep``; None once ``timeout`` seconds
    would pass (``timeout=None``: wait for ever)."""
    logging.info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = None if timeout is None else time.time() + timeout
    while True:
        checkpoint_path = latest_checkpoint(checkpoint_dir)
        if checkpoint_path is not None and checkpoint_path != last_checkpoint:
            logging.info("Found new checkpoint at %s", checkpoint_path)
            return checkpoint_path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yield each new checkpoint of ``checkpoint_dir`` as it appears (TF 1.x's generator).

    At least ``min_interval_secs`` pass between two yields (counted from the earlier one).
    When no new checkpoint comes within ``timeout`` seconds, the iterator ends, or, with
    ``timeout_fn``, calls it: True ends the iteration, False waits again.
    """
    checkpoint_path = None
    while True:
        new_path = wait_for_new_checkpoint(checkpoint_dir, checkpoint_path, timeout=timeout)
        if new_path is None:
            if not timeout_fn:
                logging.info("Timed-out waiting for a checkpoint.")
                return
            if timeout_fn():
                return
            continue
        start = time.time()
        checkpoint_path = new_path
        yield checkpoint_path
        remaining = start + min_interval_secs - time.time()
        if remaining > 0:
            time.sleep(remaining)
