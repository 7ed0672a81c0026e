"""``tf.keras.preprocessing``: ``sequence.pad_sequences`` and ``text.Tokenizer`` (text data
for embedding models)."""

from . import sequence, text

__all__ = ["sequence", "text"]
