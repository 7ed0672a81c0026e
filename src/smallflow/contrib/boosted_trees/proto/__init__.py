"""``tf.contrib.boosted_trees.proto``: ``learner_pb2``."""

from . import learner_pb2

__all__ = ["learner_pb2"]
