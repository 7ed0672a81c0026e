"""``tf.contrib.learn.preprocessing``: ``VocabularyProcessor`` (documents to padded word-id
rows), its ``CategoricalVocabulary`` and the default ``tokenizer``, and ``ByteProcessor``
(documents to padded UTF-8 byte-id rows), as TensorFlow 1.x has them.

Pure Python on NumPy: the processor runs before any graph is built. Id 0 is the unknown token
and the padding; ids are given in order of first appearance, and ``min_frequency`` re-numbers
the kept words by falling frequency (ties alphabetically), as TF1's ``trim`` does.
"""

import collections
import pickle
import re

import numpy as np

from ... import gfile

__all__ = ["ByteProcessor", "CategoricalVocabulary", "VocabularyProcessor", "tokenizer",
           "TOKENIZER_RE"]

# TF1's token pattern: runs of capitals, a capitalised word before another capital, or
# runs of word characters, apostrophes and hyphens.
TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator):
    """Yield the list of tokens of each string of ``iterator``."""
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class CategoricalVocabulary:
    """Categories to integer ids; id 0 is ``unknown_token``. Frozen, it maps new ones to 0."""

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        self._reverse_mapping = [unknown_token] if support_reverse else None
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        return len(self._mapping)

    def freeze(self, freeze=True):
        self._freeze = freeze

    def get(self, category):
        """The id of ``category``; an unseen one gets the next id unless frozen (then 0)."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        """Count ``category`` (adding it if the vocabulary is not frozen)."""
        category_id = self.get(category)
        if category_id <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keep categories seen more than ``min_frequency`` times (and fewer than
        ``max_frequency`` if positive), re-numbered by falling count, ties in sorted order."""
        by_name = sorted(self._freq.items(), key=lambda item: (isinstance(item[0], str),
                                                                item[0]))
        ranked = sorted(by_name, key=lambda item: item[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        kept = []
        for category, count in ranked:
            if 0 < max_frequency <= count:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
            kept.append((category, count))
        self._freq = collections.defaultdict(int, kept)

    def reverse(self, class_id):
        """The category of ``class_id``."""
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initialized with support_reverse to "
                             "support reverse() function.")
        return self._reverse_mapping[class_id]


class ByteProcessor:
    """Documents as ``max_document_length`` uint8 byte ids (UTF-8), zero-padded."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        """Nothing to learn."""
        return None

    def fit_transform(self, x):
        return self.transform(x)

    def transform(self, x):
        for document in x:
            if isinstance(document, str):
                document = document.encode("utf-8")
            ids = np.frombuffer(bytes(document[:self.max_document_length]), dtype=np.uint8)
            yield np.pad(ids, (0, self.max_document_length - len(ids)), "constant")

    def reverse(self, x):
        """The text of each byte-id row (trailing zeros dropped; '' if not valid UTF-8)."""
        for row in x:
            raw = np.trim_zeros(np.asarray(row).astype(np.uint8), trim="b").tobytes()
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield ""


class VocabularyProcessor:
    """Maps documents to rows of ``max_document_length`` word ids (cut or padded with 0)."""

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None,
                 tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary is not None else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn is not None else tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Learn the vocabulary of ``raw_documents`` (an iterable of strings), then freeze it."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        """``fit`` then ``transform``: an iterator over int64 rows."""
        raw_documents = list(raw_documents)
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yield one int64 row of word ids per document (unknown words are 0)."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = np.zeros(self.max_document_length, np.int64)
            for index, token in enumerate(tokens):
                if index >= self.max_document_length:
                    break
                word_ids[index] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yield each row of ids as the words joined by spaces (0 is ``<UNK>``)."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        """Pickle the processor to ``filename`` (any ``tf.gfile`` path)."""
        with gfile.GFile(filename, "wb") as f:
            f.write(pickle.dumps(self))

    @classmethod
    def restore(cls, filename):
        """The processor saved in ``filename``."""
        with gfile.GFile(filename, "rb") as f:
            return pickle.loads(f.read())
