"""``tf.keras.preprocessing``: ``image`` (ImageDataGenerator and image helpers),
``sequence`` (``pad_sequences``, ``skipgrams``, ``TimeseriesGenerator``) and ``text``
(``Tokenizer``, ``one_hot``, ``hashing_trick``)."""

from . import image, sequence, text

__all__ = ["image", "sequence", "text"]
