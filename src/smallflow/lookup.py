"""``tf.lookup``: TF1.15's table classes (``StaticHashTable``, ``StaticVocabularyTable``, their
initializers) over smallflow's lookup tables (lookup_tables.py)."""

from .lookup_tables import (
    KeyValueTensorInitializer,
    StaticHashTable,
    StaticVocabularyTable,
    TextFileIndex,
    TextFileInitializer,
)

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "StaticVocabularyTable",
           "TextFileIndex", "TextFileInitializer"]
