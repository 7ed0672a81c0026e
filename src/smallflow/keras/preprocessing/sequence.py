"""``tf.keras.preprocessing.sequence.pad_sequences``: lists of ids -> one ``[n, maxlen]``
array, padded or truncated at the start (``'pre'``, Keras's default) or the end."""

import numpy as np

__all__ = ["pad_sequences"]


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
