"""``tf.keras.preprocessing.text``: ``Tokenizer`` (word -> index by frequency) and
``text_to_word_sequence``."""

import collections

import numpy as np

__all__ = ["Tokenizer", "text_to_word_sequence"]

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text, filters=_FILTERS, lower=True, split=" "):
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in text.split(split) if word]


class Tokenizer:
    """Index words by frequency (1 = most frequent); ``num_words`` keeps the most frequent."""

    def __init__(self, num_words=None, filters=_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, **kwargs):
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.document_count = 0

    def _words(self, text):
        if self.char_level:
            return list(text.lower() if self.lower else text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        for text in texts:
            self.document_count += 1
            words = self._words(text) if isinstance(text, str) else list(text)
            for word in words:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(words):
                self.word_docs[word] += 1
        ordered = sorted(self.word_counts.items(), key=lambda item: -item[1])
        vocabulary = ([self.oov_token] if self.oov_token is not None else []) + \
            [word for word, _ in ordered]
        self.word_index = {word: index for index, word in enumerate(vocabulary, start=1)}
        self.index_word = {index: word for word, index in self.word_index.items()}

    def texts_to_sequences(self, texts):
        sequences = []
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            words = self._words(text) if isinstance(text, str) else list(text)
            row = []
            for word in words:
                index = self.word_index.get(word)
                if index is not None and (not self.num_words or index < self.num_words):
                    row.append(index)
                elif oov is not None:
                    row.append(oov)
            sequences.append(row)
        return sequences

    def sequences_to_texts(self, sequences):
        return [" ".join(self.index_word[i] for i in row if i in self.index_word)
                for row in sequences]

    def texts_to_matrix(self, texts, mode="binary"):
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        width = self.num_words or len(self.word_index) + 1
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            counts = collections.Counter(i for i in sequence if i < width)
            for index, count in counts.items():
                if mode == "count":
                    matrix[row, index] = count
                elif mode == "freq":
                    matrix[row, index] = count / len(sequence)
                elif mode == "binary":
                    matrix[row, index] = 1
                else:
                    raise ValueError(f"Unknown vectorization mode: {mode}")
        return matrix
