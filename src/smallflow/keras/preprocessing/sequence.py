"""``tf.keras.preprocessing.sequence``: ``pad_sequences`` (lists of ids -> one ``[n, maxlen]``
array, padded or truncated at the start (``'pre'``, Keras's default) or the end),
``skipgrams`` and ``make_sampling_table`` (word2vec training pairs), ``TimeseriesGenerator``
(sliding windows over a series, as a ``keras.utils.Sequence``).

``skipgrams`` draws from Python's ``random`` module, as Keras does, so ``random.seed`` and
its ``seed`` argument reproduce Keras's pairs."""

import random

import numpy as np

from ..utils import Sequence

__all__ = ["TimeseriesGenerator", "make_sampling_table", "pad_sequences", "skipgrams"]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    try:
        lengths = [len(item) for item in sequences]
    except TypeError:
        raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                         f"{sequences!r}") from None
    if maxlen is None:
        maxlen = max(lengths, default=0)
    sample_shape = ()
    for item in sequences:
        if len(item):
            sample_shape = np.asarray(item).shape[1:]
            break
    result = np.full((len(sequences), maxlen, *sample_shape), value, dtype=dtype)
    for row, item in enumerate(sequences):
        if not len(item):
            continue
        kept = np.asarray(item[-maxlen:] if truncating == "pre" else item[:maxlen], dtype=dtype)
        if padding == "post":
            result[row, : len(kept)] = kept
        else:
            result[row, maxlen - len(kept):] = kept
    return result


def make_sampling_table(size, sampling_factor=1e-5):
    """word2vec's keep probabilities for word ranks ``0 .. size - 1``, from Zipf's law
    (rank frequencies approximated with the harmonic-number expansion)."""
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inverse_frequency = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inverse_frequency
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """``(couples, labels)``: each word with its neighbours within ``window_size`` (label 1)
    and ``negative_samples`` times as many random pairs (label 0); index 0 is skipped."""
    couples = []
    labels = []
    for i, word in enumerate(sequence):
        if not word:
            continue
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j == i or not sequence[j]:
                continue
            couples.append([word, sequence[j]])
            labels.append([0, 1] if categorical else 1)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        words = [pair[0] for pair in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)]
                    for i in range(count)]
        labels += [[1, 0] if categorical else 0] * count
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(10e6))
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


class TimeseriesGenerator(Sequence):
    """Batches of windows: sample ``k`` is ``data[row - length:row:sampling_rate]`` with
    target ``targets[row]``, rows from ``start_index + length`` to ``end_index`` every
    ``stride`` (or random rows with ``shuffle``)."""

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError(f"Data and targets have to be of same length. Data length is "
                             f"{len(data)} while target length is {len(targets)}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(f"`start_index+length={self.start_index} > "
                             f"end_index={self.end_index}` is disallowed, as no part of the "
                             "sequence would be left to be used as current step.")

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate]
                            for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets
