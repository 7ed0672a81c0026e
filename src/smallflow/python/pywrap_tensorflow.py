"""``tensorflow.python.pywrap_tensorflow``: the checkpoint reader TF1 programs import from it
(``pywrap_tensorflow.NewCheckpointReader(path)``); TensorFlow's other C++ bindings have no
counterpart here."""

from ..train.checkpoint_utils import CheckpointReader, NewCheckpointReader

__all__ = ["CheckpointReader", "NewCheckpointReader"]
