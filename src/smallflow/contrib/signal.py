"""``tf.contrib.signal``: ``tf.signal``'s framing, windows, STFTs and mel features under
their TF 1.5-1.12 namespace."""

from ..signal import (
    frame,
    hamming_window,
    hann_window,
    inverse_stft,
    inverse_stft_window_fn,
    linear_to_mel_weight_matrix,
    mfccs_from_log_mel_spectrograms,
    overlap_and_add,
    stft,
)
from ._missing import missing_attribute

__all__ = ["frame", "hamming_window", "hann_window", "inverse_stft", "inverse_stft_window_fn",
           "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms", "overlap_and_add",
           "stft"]

__getattr__ = missing_attribute(__name__, "tf.contrib.signal")
