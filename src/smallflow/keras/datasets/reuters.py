"""``tf.keras.datasets.reuters``: 11,228 Reuters newswires as lists of word indices, labelled
with one of 46 topics, as Keras prepares them."""

import json

import numpy as np

from . import _download
from .imdb import prepare_sequences


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, **kwargs):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of index lists, int topics.

    As Keras: the wires are shuffled with ``np.random.RandomState(seed)`` before the indices
    are shifted and filtered (as ``imdb.load_data``), and the last ``test_split`` of them
    (after ``maxlen`` filtering) are the test set.
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    if not 0 <= test_split <= 1:
        raise ValueError(f"test_split must be between 0 and 1, got {test_split}")
    with np.load(_download.fetch(path), allow_pickle=True) as data:
        sequences, labels = data["x"], data["y"]
    rng = np.random.RandomState(seed)  # noqa: NPY002  (Keras's generator and order)
    order = np.arange(len(sequences))
    rng.shuffle(order)
    sequences, labels = prepare_sequences(list(sequences[order]), labels[order], num_words,
                                          skip_top, maxlen, start_char, oov_char, index_from)
    split = int(len(sequences) * (1 - test_split))
    return (sequences[:split], labels[:split]), (sequences[split:], labels[split:])


def get_word_index(path="reuters_word_index.json"):
    """``{word: index}`` of the wires' words (before ``index_from`` is added)."""
    with open(_download.fetch(path)) as file:
        return json.load(file)
