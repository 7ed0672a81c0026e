"""``tf.contrib.tensorboard.plugins.projector``: tell TensorBoard's projector about embeddings.

Word2vec tutorials name an embedding variable in a ``ProjectorConfig`` (with a metadata TSV
of labels, maybe a sprite image) and call ``visualize_embeddings(writer, config)``, which
writes ``projector_config.pbtxt`` into the writer's log directory; TensorBoard then reads the
embedding from the checkpoint saved there. The message classes are the ones the
``tensorboard`` package ships, loaded on first use (the ``tensorboard`` extra), so
``import smallflow`` stays light and TensorBoard reads exactly what we write.
"""

import importlib
import os

from ....graph_io import write_atomically
from ....tb_protos import EXTRA_HINT

PROJECTOR_FILENAME = "projector_config.pbtxt"
_MESSAGES = ("ProjectorConfig", "EmbeddingInfo", "SpriteMetadata")

__all__ = ["PROJECTOR_FILENAME", "visualize_embeddings", *_MESSAGES]


def _protos():
    try:
        return importlib.import_module("tensorboard.plugins.projector.projector_config_pb2")
    except ImportError as err:
        raise ImportError(f"{EXTRA_HINT} ({err})") from None


def __getattr__(name):
    if name in _MESSAGES:
        return getattr(_protos(), name)
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")


def visualize_embeddings(summary_writer, config):
    """Write ``config`` (a ``ProjectorConfig``) as text to the writer's log directory."""
    from google.protobuf import text_format

    logdir = summary_writer.get_logdir()
    if logdir is None:
        raise ValueError("Summary writer must have a logdir")
    if not isinstance(config, _protos().ProjectorConfig):
        raise TypeError(f"config must be a projector.ProjectorConfig, got "
                        f"{type(config).__name__}")
    text = text_format.MessageToString(config)
    os.makedirs(logdir, exist_ok=True)
    write_atomically(os.path.join(os.fspath(logdir), PROJECTOR_FILENAME), text.encode("utf-8"))
