"""Session 12 (lead): TensorFlow 1.x behaviours found missing by the lead."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _train_op():
    step = tf.train.get_or_create_global_step()
    return tf.assign_add(step, 1)


@pytest.mark.parametrize("kind", ["monitored", "singular", "training"])
def test_a_monitored_session_finalizes_the_graph_while_it_is_open(tmp_path, kind):
    train = _train_op()
    make = {"monitored": lambda: tf.train.MonitoredSession(),
            "singular": lambda: tf.train.SingularMonitoredSession(),
            "training": lambda: tf.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path))}[kind]
    graph = tf.get_default_graph()
    assert not graph.finalized
    with make() as sess:
        assert graph.finalized
        sess.run(train)
        with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified."):
            tf.constant(1.0)
    # Closing gives the graph back as it was found.
    assert not graph.finalized
    tf.constant(1.0)


def test_a_graph_finalized_before_stays_finalized_and_an_error_unfinalizes_too():
    train = _train_op()
    graph = tf.get_default_graph()
    def fail_inside():
        with tf.train.MonitoredSession() as sess:
            sess.run(train)
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        fail_inside()
    assert not graph.finalized
    scaffold = tf.train.Scaffold()
    scaffold.finalize()
    assert graph.finalized
    with tf.train.MonitoredSession(
            session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
        sess.run(train)
    assert graph.finalized


def test_hooks_may_add_ops_in_begin_but_not_after_the_session_is_created():
    train = _train_op()
    made = {}

    class Hook(tf.train.SessionRunHook):
        def begin(self):
            made["double"] = tf.train.get_global_step() * 2

        def after_create_session(self, session, coord):
            with pytest.raises(RuntimeError, match="finalized"):
                tf.constant(0)

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(made["double"])

        def after_run(self, run_context, run_values):
            made.setdefault("seen", []).append(int(run_values.results))

    with tf.train.MonitoredSession(hooks=[Hook()]) as sess:
        for _ in range(3):
            sess.run(train)
    assert made["seen"] == [0, 2, 4]


def test_summaries_of_the_training_session_come_from_the_scaffold(tmp_path):
    pytest.importorskip("tensorboard")
    train = _train_op()
    tf.summary.scalar("step_value", tf.cast(tf.train.get_global_step(), tf.float32))
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                           save_summaries_steps=1) as sess:
        for _ in range(3):
            sess.run(train)
    tags = []
    for path in tmp_path.glob("events.out.tfevents.*"):
        for event in tf.train.summary_iterator(str(path)):
            tags += [v.tag for v in event.summary.value]
    assert tags.count("step_value") == 3


def test_restoring_a_checkpoint_without_some_variables_initializes_those(tmp_path):
    a = tf.Variable(3.0, name="a")
    step = tf.train.get_or_create_global_step()
    saver = tf.train.Saver([a, step])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(a.assign(7.0))
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
    b = tf.Variable(5.0, name="b")
    scaffold = tf.train.Scaffold(saver=saver)
    creator = tf.train.ChiefSessionCreator(scaffold=scaffold,
                                           checkpoint_filename_with_path=path)
    with tf.train.MonitoredSession(session_creator=creator) as sess:
        assert sess.run([a, b]) == [7.0, 5.0]


def test_sparse_softmax_cross_entropy_keeps_its_values_and_gradient():
    rng = np.random.RandomState(3)
    logits = rng.randn(6, 9).astype(np.float32) * 4
    labels = rng.randint(0, 9, 6)
    x = tf.constant(logits)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x)
    grad, = tf.gradients(tf.reduce_sum(loss), [x])
    with tf.Session() as sess:
        got_loss, got_grad = sess.run([loss, grad])
    shifted = logits.astype(np.float64) - logits.max(1, keepdims=True)
    soft = np.exp(shifted) / np.exp(shifted).sum(1, keepdims=True)
    np.testing.assert_allclose(got_loss, -np.log(soft[np.arange(6), labels]), rtol=1e-5)
    soft[np.arange(6), labels] -= 1
    np.testing.assert_allclose(got_grad, soft, rtol=1e-5, atol=1e-6)
    # The in-place work never writes into a fed array.
    fed = tf.placeholder(tf.float32, [None, 9])
    fed_loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=fed)
    kept = logits.copy()
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(fed_loss, {fed: logits}), got_loss)
    np.testing.assert_array_equal(logits, kept)


# -- audio ops (speech commands tutorial) --------------------------------------------------

def _wav_bytes(samples, rate=16000, channels=1, bits=16, extra_chunks=b""):
    import struct

    data = np.asarray(samples, "<i2").tobytes()
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, channels, rate,
                      rate * channels * bits // 8, channels * bits // 8, bits)
    body = b"WAVE" + extra_chunks + fmt + struct.pack("<4sI", b"data", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_decode_wav_reads_pcm_samples_and_the_rate():
    wav = _wav_bytes([0, 16384, -32768, 32767], rate=8000, extra_chunks=b"JUNK\x02\0\0\0ab")
    audio, rate = tf.audio.decode_wav(wav)
    assert audio.shape.as_list() == [None, None]
    with tf.Session() as sess:
        got, got_rate = sess.run([audio, rate])
        # The pair is TensorFlow's namedtuple, also when fetched whole.
        assert sess.run(tf.audio.decode_wav(wav)).sample_rate == 8000
    np.testing.assert_array_equal(got[:, 0], [0, 0.5, -1, 32767 / 32768])
    assert got.dtype == np.float32
    assert got_rate == 8000


@pytest.mark.parametrize(("wav", "message"), [
    (b"RIFX", "Header mismatch: Expected RIFF but found RIFX"),
    (_wav_bytes([1, 2], bits=8), "Can only read 16-bit WAV files, but received 8"),
    (_wav_bytes([1, 2])[:-1], "Data too short"),
    (_wav_bytes([1], extra_chunks=b"LIST\0\0\0\0"), "Unexpected field LIST"),
])
def test_decode_wav_names_what_is_wrong_with_the_file(wav, message):
    audio, _ = tf.audio.decode_wav(wav)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        sess.run(audio)


def test_encode_wav_rounds_and_clamps_as_tensorflow():
    audio = np.array([[0.0], [0.5 / 32768], [-0.5 / 32768], [1.0], [-2.0], [0.25]], np.float32)
    wav = tf.audio.encode_wav(audio, 22050)
    with tf.Session() as sess:
        data = sess.run(wav)
    assert data[:4] == b"RIFF"
    assert data[8:16] == b"WAVEfmt "
    assert len(data) == 44 + 12
    pcm = np.frombuffer(data[44:], "<i2")
    np.testing.assert_array_equal(pcm, [0, 1, -1, 32767, -32768, 8192])


def test_audio_spectrogram_is_the_windowed_power_spectrum():
    rng = np.random.RandomState(0)
    audio = rng.randn(1000, 2).astype(np.float32)
    spec = tf.contrib.framework.python.ops.audio_ops.audio_spectrogram(
        audio, window_size=200, stride=75, magnitude_squared=True)
    assert spec.shape.as_list() == [2, 11, 129]
    with tf.Session() as sess:
        got = sess.run(spec)
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(200) / 200)
    frame = audio[75 * 3:75 * 3 + 200, 1].astype(np.float64) * hann
    k = np.arange(129)[:, None]
    dft = (frame * np.exp(-2j * np.pi * k * np.arange(200) / 256)).sum(1)
    np.testing.assert_allclose(got[1, 3], np.abs(dft) ** 2, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("path", ["smallflow.contrib.framework.python.ops.audio_ops",
                                  "smallflow.python.ops.audio_ops",
                                  "smallflow.python.ops.gen_audio_ops"])
def test_mfcc_from_the_import_paths_of_the_speech_commands_tutorial(path):
    import importlib

    contrib_audio = importlib.import_module(path)

    wav = tf.placeholder(tf.string, [])
    decoded = contrib_audio.decode_wav(wav, desired_channels=1, desired_samples=16000)
    spectrogram = contrib_audio.audio_spectrogram(decoded.audio, window_size=480,
                                                  stride=160, magnitude_squared=True)
    mfcc = contrib_audio.mfcc(spectrogram, decoded.sample_rate, dct_coefficient_count=40)
    assert mfcc.shape.as_list() == [1, 98, 40]
    # 500 Hz: the 160-sample stride is five whole periods, so every frame sees one signal.
    tone = np.round(8000 * np.sin(2 * np.pi * (np.arange(16000) % 32) / 32)).astype(np.int16)
    with tf.Session() as sess:
        got = sess.run(mfcc, {wav: _wav_bytes(tone)})
    assert got.shape == (1, 98, 40)
    assert np.isfinite(got).all()
    # A steady tone: every frame has the same coefficients.
    np.testing.assert_array_equal(got[0, 10], got[0, 50])
    assert abs(got[0, 10, 0]) > abs(got[0, 10, 5])


def test_audio_op_arguments_are_checked_when_built():
    with pytest.raises(ValueError, match="window_size must be > 1"):
        tf.contrib.framework.python.ops.audio_ops.audio_spectrogram(
            tf.zeros([10, 1]), window_size=1, stride=1)
    with pytest.raises(ValueError, match="Shape must be rank 3|rank 3"):
        tf.contrib.framework.python.ops.audio_ops.mfcc(tf.zeros([4, 5]), 16000)


# -- contrib.layers: instance_norm, group_norm, maxout -------------------------------------

def _run_initialized(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_instance_norm_normalizes_each_example_and_channel_over_space(data_format):
    rng = np.random.RandomState(1)
    x = (rng.randn(3, 5, 4, 6) * 3 + 2).astype(np.float32)
    if data_format == "NCHW":
        x = x.transpose(0, 3, 1, 2)
    gamma = rng.rand(6).astype(np.float32) + 0.5
    out = tf.contrib.layers.instance_norm(
        x, data_format=data_format, activation_fn=tf.nn.relu,
        param_initializers={"gamma": tf.constant_initializer(gamma),
                            "beta": tf.constant_initializer(0.25)})
    names = sorted(v.op.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES))
    assert names == ["InstanceNorm/beta", "InstanceNorm/gamma"]
    got = _run_initialized(out)
    axes = (1, 2) if data_format == "NHWC" else (2, 3)
    shape = (1, 1, 1, 6) if data_format == "NHWC" else (1, 6, 1, 1)
    x64 = x.astype(np.float64)
    norm = (x64 - x64.mean(axes, keepdims=True)) / np.sqrt(x64.var(axes, keepdims=True) + 1e-6)
    expected = np.maximum(norm * gamma.reshape(shape) + 0.25, 0)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_group_norm_normalizes_groups_of_channels_and_differentiates():
    rng = np.random.RandomState(2)
    x = tf.constant((rng.randn(2, 3, 5, 8) * 2 - 1).astype(np.float32))
    out = tf.contrib.slim.group_norm(x, groups=4, scope="gn")
    assert out.shape.as_list() == [2, 3, 5, 8]
    grads = tf.gradients(tf.reduce_sum(out * out), [x] + tf.trainable_variables())
    got, *grad_values = _run_initialized([out, *grads])
    value = _run_initialized(x).astype(np.float64).reshape(2, 3, 5, 4, 2)
    mean = value.mean((1, 2, 4), keepdims=True)
    var = value.var((1, 2, 4), keepdims=True)
    expected = ((value - mean) / np.sqrt(var + 1e-6)).reshape(2, 3, 5, 8)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert [v.op.name for v in tf.trainable_variables()] == ["gn/beta", "gn/gamma"]
    assert all(np.isfinite(g).all() for g in grad_values)
    with pytest.raises(ValueError, match="8 channels is not commensurate with 3 groups"):
        tf.contrib.layers.group_norm(x, groups=3)
    with pytest.raises(ValueError, match="Invalid groups 16 for 8 channels"):
        tf.contrib.layers.group_norm(x, groups=16)


def test_maxout_takes_the_max_of_runs_of_features_as_tensorflow_reshapes():
    rng = np.random.RandomState(3)
    value = rng.randn(4, 6).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 6])
    out = tf.contrib.layers.maxout(x, 3)
    assert out.shape.as_list() == [None, 3]
    got = _run_initialized(out, {x: value})
    np.testing.assert_array_equal(got, value.reshape(4, 3, 2).max(-1))
    # Another axis: TensorFlow's row-major reshape, kept as it is.
    image = rng.randn(2, 4, 3).astype(np.float32)
    along_rows = _run_initialized(tf.contrib.layers.maxout(tf.constant(image), 2, axis=1))
    np.testing.assert_array_equal(along_rows, image.reshape(2, 2, 3, 2).max(-1))
    with pytest.raises(ValueError, match=r"number of features\(6\) is not a multiple of "
                                         r"num_units\(4\)"):
        tf.contrib.layers.maxout(x, 4)


# -- contrib: sparsemax, dense_to_sparse, spatial_softmax, recompute_grad, jit scope ----------

def _sparsemax_reference(z):
    """Projection onto the simplex by bisection on tau (independent of the sort formula)."""
    lo, hi = z.max() - 1.0, z.max()
    for _ in range(200):
        tau = (lo + hi) / 2
        if np.maximum(z - tau, 0).sum() > 1:
            lo = tau
        else:
            hi = tau
    return np.maximum(z - (lo + hi) / 2, 0)


def test_sparsemax_projects_each_row_onto_the_simplex():
    rng = np.random.RandomState(5)
    logits = (rng.randn(6, 7) * 2).astype(np.float32)
    x = tf.constant(logits)
    p = tf.contrib.sparsemax.sparsemax(x)
    labels = np.eye(7, dtype=np.float32)[rng.randint(0, 7, 6)]
    loss = tf.contrib.sparsemax.sparsemax_loss(x, p, labels)
    grad, = tf.gradients(tf.reduce_sum(loss), [x])
    got, got_loss, got_grad = _run_initialized([p, loss, grad])
    for row, value in zip(logits.astype(np.float64), got, strict=True):
        np.testing.assert_allclose(value, _sparsemax_reference(row), atol=1e-6)
    # The loss is zero only at a perfect prediction and its gradient is sparsemax - labels
    # (the loss' gradient with respect to the logits, Martins & Astudillo eq. 14).
    assert (got_loss >= -1e-6).all()
    np.testing.assert_allclose(got_grad, got - labels, atol=1e-5)
    bad = _run_initialized(tf.contrib.sparsemax.sparsemax(
        tf.constant([[-np.inf, -np.inf], [np.nan, 1.0]], tf.float32)))
    assert np.isnan(bad).all()


def test_dense_to_sparse_drops_the_eos_token():
    st = tf.contrib.layers.dense_to_sparse(tf.constant([[5, 2, -1], [-1, -1, -1], [7, -1, 3]]),
                                           eos_token=-1)
    got = _run_initialized(st)
    np.testing.assert_array_equal(got.indices, [[0, 0], [0, 1], [2, 0], [2, 2]])
    np.testing.assert_array_equal(got.values, [5, 2, 7, 3])
    np.testing.assert_array_equal(got.dense_shape, [3, 3])
    assert got.dense_shape.dtype == np.int64


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_spatial_softmax_gives_each_channels_expected_position(data_format):
    image = np.full((1, 3, 5, 2), -30.0, np.float32)
    image[0, 0, 4, 0] = 30.0   # channel 0 peaks at the top right: (x, y) = (-1, 1)
    image[0, 1, 2, 1] = 30.0   # channel 1 at the centre: (0, 0)
    if data_format == "NCHW":
        image = image.transpose(0, 3, 1, 2)
    keypoints = tf.contrib.layers.spatial_softmax(tf.constant(image), temperature=1.0,
                                                  data_format=data_format)
    assert keypoints.shape.as_list() == [None, 4]
    assert [v.op.name for v in tf.trainable_variables()] == ["temperature"]
    np.testing.assert_allclose(_run_initialized(keypoints), [[-1, 1, 0, 0]], atol=1e-6)


def test_recompute_grad_and_the_jit_scope_keep_values_and_gradients():
    x = tf.constant([1.0, 2.0])

    @tf.contrib.layers.recompute_grad
    def block(value):
        return tf.sin(value) * value

    with tf.contrib.compiler.jit.experimental_jit_scope():
        y = block(x)
    grad, = tf.gradients(tf.reduce_sum(y), [x])
    got, got_grad = _run_initialized([y, grad])
    np.testing.assert_allclose(got, np.sin([1.0, 2.0]) * [1.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(got_grad, np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]),
                               rtol=1e-6)


# -- convolutions with wide filters over few output pixels (character CNNs) -----------------

def _naive_conv(x, w, stride, padding, g=None):
    """Reference NHWC/HWIO cross-correlation in float64 with TensorFlow's SAME padding; with
    an output gradient ``g``, the input and filter gradients instead."""
    n, h, width, _ = x.shape
    kh, kw, _, out_c = w.shape
    if padding == "VALID":
        oh, ow = (h - kh) // stride + 1, (width - kw) // stride + 1
        top = left = 0
    else:
        oh, ow = -(-h // stride), -(-width // stride)
        top = max((oh - 1) * stride + kh - h, 0) // 2
        left = max((ow - 1) * stride + kw - width, 0) // 2
    xp = np.zeros((n, max(h, (oh - 1) * stride + kh) + top, max(width, (ow - 1) * stride + kw)
                   + left, x.shape[3]))
    xp[:, top:top + h, left:left + width] = x
    out = np.zeros((n, oh, ow, out_c))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(oh):
        for j in range(ow):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            out[:, i, j] = np.tensordot(xp[:, rows, cols], w, axes=3)
            if g is not None:
                dxp[:, rows, cols] += np.tensordot(g[:, i, j], w, axes=([1], [3]))
                dw += np.tensordot(xp[:, rows, cols], g[:, i, j], axes=([0], [0]))
    if g is not None:
        return dxp[:, top:top + h, left:left + width], dw
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(3, 9), st.integers(2, 12),
       st.integers(1, 3), st.integers(1, 2), st.sampled_from(["VALID", "SAME"]),
       st.integers(0, 2**16))
def test_wide_filters_over_few_pixels_convolve_and_differentiate(n, c, h, kw, out_c, stride,
                                                                  padding, seed):
    rng = np.random.RandomState(seed)
    width = kw + rng.randint(0, 3)
    kh = rng.randint(1, h + 1)
    x_value = rng.randn(n, h, width, c)
    w_value = rng.randn(kh, kw, c, out_c)
    g_value = None
    with tf.Graph().as_default():
        x = tf.constant(x_value, tf.float64)
        w = tf.constant(w_value, tf.float64)
        y = tf.nn.conv2d(x, w, [1, stride, stride, 1], padding)
        g_value = rng.randn(*y.shape.as_list())
        gx, gw = tf.gradients(y, [x, w], grad_ys=tf.constant(g_value))
        with tf.Session() as sess:
            got_y, got_gx, got_gw = sess.run([y, gx, gw])
    np.testing.assert_allclose(got_y, _naive_conv(x_value, w_value, stride, padding),
                               rtol=1e-9, atol=1e-9)
    want_gx, want_gw = _naive_conv(x_value, w_value, stride, padding, g_value)
    np.testing.assert_allclose(got_gx, want_gx, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got_gw, want_gw, rtol=1e-9, atol=1e-9)


def test_a_character_cnns_filter_spanning_the_whole_embedding():
    # [5, 256] taps over a one-channel [7, 257] input: 1,280 taps and 3 x 2 output pixels, the
    # row-major columns and the window-by-window input gradient.
    rng = np.random.RandomState(11)
    x_value = rng.randn(2, 7, 257, 1)
    w_value = rng.randn(5, 256, 1, 3)
    x = tf.constant(x_value)
    w = tf.constant(w_value)
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID")
    g_value = rng.randn(2, 3, 2, 3)
    gx, gw = tf.gradients(y, [x, w], grad_ys=tf.constant(g_value))
    got_y, got_gx, got_gw = _run_initialized([y, gx, gw])
    np.testing.assert_allclose(got_y, _naive_conv(x_value, w_value, 1, "VALID"), rtol=1e-9)
    want_gx, want_gw = _naive_conv(x_value, w_value, 1, "VALID", g_value)
    np.testing.assert_allclose(got_gx, want_gx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got_gw, want_gw, rtol=1e-9, atol=1e-12)
