"""``tf.keras.datasets.imdb``: 50,000 movie reviews as lists of word indices (most frequent
word = 1), labelled positive (1) or negative (0), as Keras prepares them."""

import json

import numpy as np

from . import _download


def _remove_long(maxlen, sequences, labels):
    kept = [(s, label) for s, label in zip(sequences, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [label for _, label in kept]


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of index lists, int labels.

    As Keras: both halves are shuffled with ``np.random.RandomState(seed)``, every index is
    offset by ``index_from``, each review starts with ``start_char``, and indices outside
    ``[skip_top, num_words)`` become ``oov_char``.
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    with np.load(_download.fetch(path), allow_pickle=True) as data:
        x_train, labels_train = data["x_train"], data["y_train"]
        x_test, labels_test = data["x_test"], data["y_test"]
    # Keras's own generator and order, so the same reviews land in the same places.
    rng = np.random.RandomState(seed)  # noqa: NPY002
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]
    sequences = list(x_train) + list(x_test)
    labels = np.concatenate([labels_train, labels_test])
    sequences, labels = prepare_sequences(sequences, labels, num_words, skip_top, maxlen,
                                          start_char, oov_char, index_from)
    split = len(x_train)
    return (sequences[:split], labels[:split]), (sequences[split:], labels[split:])


def prepare_sequences(sequences, labels, num_words, skip_top, maxlen, start_char, oov_char,
                      index_from):
    """Keras's index shifting and filtering (shared with ``reuters``): an object array of
    index lists and an array of labels."""
    if start_char is not None:
        sequences = [[start_char] + [w + index_from for w in s] for s in sequences]
    elif index_from:
        sequences = [[w + index_from for w in s] for s in sequences]
    if maxlen:
        sequences, labels = _remove_long(maxlen, sequences, labels)
        if not sequences:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    if not num_words:
        num_words = max(max(s) for s in sequences)
    if oov_char is not None:
        sequences = [[w if skip_top <= w < num_words else oov_char for w in s]
                     for s in sequences]
    else:
        sequences = [[w for w in s if skip_top <= w < num_words] for s in sequences]
    x_all = np.empty(len(sequences), dtype=object)
    x_all[:] = sequences
    return x_all, np.asarray(labels)

def get_word_index(path="imdb_word_index.json"):
    """``{word: index}`` of the reviews' words (before ``index_from`` is added)."""
    with open(_download.fetch(path)) as file:
        return json.load(file)
