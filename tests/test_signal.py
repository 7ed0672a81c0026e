"""tf.signal's framing, windows, STFTs, DCTs and mel features against NumPy/SciPy written
from the definitions; TensorFlow itself in tests/oracle (session9/signal)."""

import numpy as np
import pytest
import scipy.fft

import smallflow as tf

RNG = np.random.default_rng(5)
SIGNAL = RNG.normal(size=(2, 300)).astype(np.float32)


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _frames(x, length, step):
    count = max(0, 1 + (x.shape[-1] - length) // step)
    return np.stack([x[..., i * step:i * step + length] for i in range(count)], -2)


def test_frame_and_padding():
    with tf.Graph().as_default():
        plain, padded, first_axis = _run([
            tf.signal.frame(SIGNAL, 50, 20),
            tf.signal.frame(SIGNAL, 50, 40, pad_end=True, pad_value=-1.0),
            tf.signal.frame(SIGNAL.T, 30, 25, axis=0)])
    np.testing.assert_array_equal(plain, _frames(SIGNAL, 50, 20))
    extended = np.concatenate([SIGNAL, -np.ones((2, 30), np.float32)], -1)  # ceil(300/40)
    np.testing.assert_array_equal(padded, _frames(extended, 50, 40))
    np.testing.assert_array_equal(first_axis, np.moveaxis(_frames(SIGNAL, 30, 25), -2, 0)
                                  .transpose(0, 2, 1))


def test_windows():
    with tf.Graph().as_default():
        values = _run([tf.signal.hann_window(8), tf.signal.hann_window(8, periodic=False),
                       tf.signal.hann_window(7), tf.signal.hamming_window(9, periodic=False),
                       tf.signal.hann_window(1)])
    np.testing.assert_allclose(values[0], np.hanning(9)[:-1], atol=1e-6)  # periodic
    np.testing.assert_allclose(values[1], np.hanning(8), atol=1e-6)
    np.testing.assert_allclose(values[2], np.hanning(7), atol=1e-6)  # odd: periodic = symmetric
    np.testing.assert_allclose(values[3], np.hamming(9), atol=1e-6)
    assert values[4].tolist() == [1.0]


def test_stft_round_trip_and_overlap_add():
    with tf.Graph().as_default():
        spectrum = tf.signal.stft(SIGNAL, 64, 16)
        assert spectrum.shape.as_list() == [2, 15, 33]
        rebuilt = tf.signal.inverse_stft(spectrum, 64, 16,
                                         window_fn=tf.signal.inverse_stft_window_fn(16))
        frames = RNG.normal(size=(3, 5, 8)).astype(np.float32)
        added = tf.signal.overlap_and_add(frames, 3)
        values = _run([spectrum, rebuilt, added])
    window = np.hanning(65)[:-1]
    np.testing.assert_allclose(values[0], np.fft.rfft(_frames(SIGNAL, 64, 16) * window),
                               rtol=1e-4, atol=1e-4)
    # Away from the edges (covered by fewer frames) the signal comes back.
    np.testing.assert_allclose(values[1][:, 64:-64], SIGNAL[:, 64:values[1].shape[1] - 64],
                               atol=1e-5)
    expected = np.zeros((3, 4 * 3 + 8), np.float32)
    for i in range(5):
        expected[:, i * 3:i * 3 + 8] += frames[:, i]
    np.testing.assert_allclose(values[2], expected, rtol=1e-6)


@pytest.mark.parametrize(("kind", "norm"), [(1, None), (2, None), (3, None), (2, "ortho"),
                                            (3, "ortho")])
def test_dct_matches_scipy(kind, norm):
    with tf.Graph().as_default():
        got = _run(tf.signal.dct(SIGNAL[:, :16], type=kind, norm=norm))
    np.testing.assert_allclose(got, scipy.fft.dct(SIGNAL[:, :16].astype(np.float64), type=kind,
                                                  norm=norm), rtol=1e-4, atol=1e-4)


def test_mel_matrix_and_mfccs():
    with tf.Graph().as_default():
        mel = tf.signal.linear_to_mel_weight_matrix(20, 129, 16000, 100.0, 7000.0)
        log_mel = tf.constant(RNG.normal(size=(4, 20)).astype(np.float32))
        mfcc = tf.signal.mfccs_from_log_mel_spectrograms(log_mel)
        mel_value, mfcc_value, log_mel_value = _run([mel, mfcc, log_mel])
        with pytest.raises(ValueError, match="Nyquist"):
            tf.signal.linear_to_mel_weight_matrix(20, 129, 8000, 100.0, 7000.0)
    assert mel_value.shape == (129, 20)
    assert not mel_value[0].any()  # the DC bin
    assert mel_value.min() >= 0
    assert mel_value.max() <= 1 + 1e-6
    assert (mel_value.sum(0) > 0).all()  # every filter covers some bins
    np.testing.assert_allclose(mfcc_value, scipy.fft.dct(log_mel_value.astype(np.float64),
                                                         type=2) / np.sqrt(40), rtol=1e-4,
                               atol=1e-5)
    assert tf.contrib.signal.stft is tf.signal.stft
