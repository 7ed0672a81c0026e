"""tf.summary: summary ops, FileWriter event files, and reading them back with TensorBoard."""

import glob
import io
import os
import struct
import sys
import threading
import time
import wave
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing import event_accumulator  # noqa: E402

import smallflow as tf  # noqa: E402
from smallflow import errors, tb_protos  # noqa: E402
from smallflow.ops.summary_ops import histogram_proto  # noqa: E402
from smallflow.summary import records  # noqa: E402

Summary = tf.summary.Summary


def _run(fetch, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetch, feed)


def _values(serialized):
    return list(Summary.FromString(serialized).value)


def _png_pixels(data):
    """Decode our own (filter 0, 8-bit) PNGs: enough to check pixels without Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset = 8
    idat = b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, _, color_type = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, channels)


# -- the ops ----------------------------------------------------------------------------------


def test_scalar_returns_a_serialized_summary_tagged_with_its_scope():
    with tf.name_scope("layer1"):
        first = tf.summary.scalar("loss", tf.constant(2.5))
        second = tf.summary.scalar("loss", tf.constant(1))
    assert first.dtype.name == "string"
    assert first.shape.ndims == 0
    assert first.op.name == "layer1/loss"
    assert first.op.type == "ScalarSummary"
    out = _run([first, second])
    assert isinstance(out[0], bytes)
    [value] = _values(out[0])
    assert (value.tag, value.simple_value) == ("layer1/loss", 2.5)
    assert _values(out[1])[0].tag == "layer1/loss_1"


@pytest.mark.parametrize(
    ("name", "family", "tag"),
    [
        ("a b", None, "a_b"),
        ("/lead", None, "lead"),
        ("x", "fam", "fam/fam/x"),
    ],
)
def test_tags_are_cleaned_and_families_prefix_them(name, family, tag):
    value = tf.summary.scalar(name, tf.constant(1.0), family=family)
    assert _values(_run(value))[0].tag == tag


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: tf.summary.scalar("s", tf.constant([1.0, 2.0])), ValueError, "rank 0"),
        (lambda: tf.summary.scalar("s", tf.constant(True)), TypeError, "bool"),
        (lambda: tf.summary.image("i", tf.zeros([1, 2, 2, 1]), max_outputs=0), ValueError,
         "max_outputs"),
        (lambda: tf.summary.text("t", tf.constant(1.0)), ValueError, "dtype string"),
        (lambda: tf.summary.merge([tf.constant(1.0)]), TypeError, "string tensors"),
    ],
)
def test_bad_summaries_are_refused_when_built(build, error, match):
    with pytest.raises(error, match=match):
        build()


@pytest.mark.parametrize("shape", [[2, 3, 3], [2, 3, 3, 2]])
def test_an_image_summary_of_a_wrong_shape_builds_and_fails_when_run(shape):
    # TensorFlow's ImageSummary has a scalar shape function: the check is its kernel's.
    value = tf.summary.image("i", tf.zeros(shape))
    with pytest.raises(errors.InvalidArgumentError, match="must be 4-D with last dim 1, 3, or 4"):
        _run(value)


def test_a_scalar_summary_of_a_fed_vector_fails_at_run_time_naming_the_tag():
    x = tf.placeholder(tf.float32, name="x")
    value = tf.summary.scalar("xs", x)
    with pytest.raises(errors.InvalidArgumentError, match="xs"):
        _run(value, {x: [1.0, 2.0]})


def test_histogram_counts_values_in_tensorflows_buckets():
    data = np.array([-3.0, -0.5, 0.0, 0.0, 1.0, 1.0, 7.25], dtype=np.float32)
    [value] = _values(_run(tf.summary.histogram("h", tf.constant(data))))
    histo = value.histo
    assert (histo.min, histo.max, histo.num) == (-3.0, 7.25, 7)
    assert histo.sum == pytest.approx(data.sum())
    assert histo.sum_squares == pytest.approx(float(np.dot(data, data)))
    assert sum(histo.bucket) == 7
    # Each value lies in the first bucket whose limit is above it.
    limits = list(histo.bucket_limit)
    counts = dict(zip(limits, histo.bucket))
    for v in data:
        limit = min(lim for lim in limits if lim > float(v))
        assert counts[limit] >= 1
    # Runs of empty buckets are written as one bucket: few buckets for 7 values.
    assert len(limits) < 20
    assert all(a < b for a, b in zip(limits, limits[1:]))


@pytest.mark.parametrize(
    ("value", "limit"),
    [
        (0.0, 1e-12),  # a value sits in the first bucket whose limit is above it
        (1e-12, 1e-12 * 1.1),  # a value equal to a limit belongs to the next bucket
        (-1e-12, 0.0),
        (-1e-13, 0.0),
        (1.0, "edge above 1.0"),
        (np.finfo(np.float64).max, np.finfo(np.float64).max),  # the last bucket keeps it
    ],
)
def test_histogram_bucket_of_a_value(value, limit):
    if limit == "edge above 1.0":  # 1e-12 grown by 10% at a time, as TensorFlow does
        limit = 1.0e-12
        while limit <= 1.0:
            limit *= 1.1
    histo = histogram_proto(np.array([value]))
    filled = [lim for lim, count in zip(histo.bucket_limit, histo.bucket) if count]
    assert filled == [pytest.approx(limit, rel=1e-15)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=60),
       st.integers(0, 3))
def test_histogram_buckets_are_the_first_limit_above_each_value(values, edge_copies):
    from smallflow.ops import summary_ops

    limits = summary_ops._bucket_limits()
    # Values at the limits themselves and one ulp either side are where binning can slip.
    picked = limits[np.random.default_rng(len(values)).integers(0, limits.size, edge_copies)]
    data = np.array([*values, *picked, *np.nextafter(picked, 0)], dtype=np.float64)
    buckets, counts, _, _ = summary_ops._filled_buckets(data)
    index = np.minimum(np.searchsorted(limits, data, side="right"), limits.size - 1)
    expected = np.bincount(index, minlength=limits.size)
    assert buckets.tolist() == np.flatnonzero(expected).tolist()
    assert counts.tolist() == expected[buckets].tolist()


def test_histogram_of_nan_fails_naming_the_summary():
    value = tf.summary.histogram("weights", tf.constant([1.0, np.nan]))
    with pytest.raises(errors.InvalidArgumentError, match="Nan in summary histogram for: weights"):
        _run(value)


@pytest.mark.parametrize(
    ("pixels", "expected"),
    [
        # uint8 is written as is
        (np.array([[[0], [7]], [[200], [255]]], np.uint8), [[0, 7], [200, 255]]),
        # non-negative floats: the largest becomes 255
        (np.array([[[0.0], [0.5]], [[1.0], [2.0]]], np.float32), [[0, 63], [127, 255]]),
        # with negatives: 0 maps to 128, the largest magnitude to 127 away from it
        (np.array([[[-1.0], [0.0]], [[0.5], [1.0]]], np.float32), [[1, 128], [191, 255]]),
    ],
)
def test_image_pixels_follow_tensorflows_scaling(pixels, expected):
    value = tf.summary.image("img", tf.constant(pixels[None]), max_outputs=1)
    [image] = _values(_run(value))
    assert image.tag == "img/image"
    assert (image.image.height, image.image.width, image.image.colorspace) == (2, 2, 1)
    decoded = _png_pixels(image.image.encoded_image_string)
    np.testing.assert_array_equal(decoded[..., 0], expected)


def test_image_writes_at_most_max_outputs_images_with_numbered_tags():
    batch = np.random.default_rng(0).random((5, 3, 4, 3)).astype(np.float32)
    [*images] = _values(_run(tf.summary.image("rgb", tf.constant(batch), max_outputs=2)))
    assert [v.tag for v in images] == ["rgb/image/0", "rgb/image/1"]
    assert images[0].image.colorspace == 3
    assert _png_pixels(images[1].image.encoded_image_string).shape == (3, 4, 3)


def test_image_marks_non_finite_pixels_with_the_bad_color():
    pixels = np.array([[[1.0, 1.0, 1.0, 1.0], [np.inf, 0.0, 0.0, 1.0]]], np.float32)
    [image] = _values(_run(tf.summary.image("rgba", tf.constant(pixels[None]), 1)))
    decoded = _png_pixels(image.image.encoded_image_string)
    np.testing.assert_array_equal(decoded[0, 1], [255, 0, 0, 255])
    np.testing.assert_array_equal(decoded[0, 0], [255, 255, 255, 255])


def test_audio_is_16_bit_wav():
    clip = np.sin(np.linspace(0, 20, 800, dtype=np.float32)).reshape(1, 800)
    [value] = _values(_run(tf.summary.audio("voice", tf.constant(clip), 8000, max_outputs=1)))
    assert value.tag == "voice/audio"
    assert (value.audio.sample_rate, value.audio.num_channels) == (8000, 1)
    assert value.audio.length_frames == 800
    with wave.open(io.BytesIO(value.audio.encoded_audio_string)) as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnframes()) == (8000, 2, 800)
        samples = np.frombuffer(wav.readframes(800), "<i2")
    np.testing.assert_allclose(samples / 32767, clip[0], atol=1e-4)


def test_tensor_summary_keeps_the_tensor_and_its_metadata():
    data = np.arange(6, dtype=np.int64).reshape(2, 3)
    value = tf.summary.tensor_summary("t", tf.constant(data), display_name="shown")
    [proto] = _values(_run(value))
    assert proto.metadata.display_name == "shown"
    np.testing.assert_array_equal(tf.make_ndarray(proto.tensor), data)


def test_merge_joins_values_and_refuses_duplicate_tags():
    a = tf.summary.scalar("a", tf.constant(1.0))
    b = tf.summary.histogram("b", tf.constant([1.0, 2.0]))
    merged = tf.summary.merge([a, b])
    assert merged.op.name == "Merge/MergeSummary"
    assert [v.tag for v in _values(_run(merged))] == ["a", "b"]
    twice = tf.summary.merge([a, a], name="twice")
    assert twice.op.name == "twice/twice"
    with pytest.raises(errors.InvalidArgumentError, match="Duplicate tag a"):
        _run(twice)


def test_merge_all_uses_the_collection_key_and_scope():
    assert tf.summary.merge_all() is None
    with tf.name_scope("train"):
        tf.summary.scalar("loss", tf.constant(1.0))
    with tf.name_scope("test"):
        tf.summary.scalar("acc", tf.constant(0.5), collections=["evaluation"])
    tf.summary.scalar("other", tf.constant(2.0))
    assert [v.tag for v in _values(_run(tf.summary.merge_all()))] == ["train/loss", "other"]
    only = tf.summary.merge_all(key="evaluation")
    assert [v.tag for v in _values(_run(only))] == ["test/acc"]
    scoped = tf.summary.merge_all(scope="train")
    assert [v.tag for v in _values(_run(scoped))] == ["train/loss"]


def test_summary_messages_are_tensorflows_names():
    summary = tf.Summary(value=[tf.Summary.Value(tag="manual", simple_value=3.0)])
    assert tf.summary.Summary is tf.Summary
    assert Summary.FromString(summary.SerializeToString()).value[0].simple_value == 3.0
    assert tf.summary.SessionLog.START == 1
    with pytest.raises(AttributeError):
        _ = tf.NoSuchMessage


def test_without_the_extra_summaries_name_it(monkeypatch):
    monkeypatch.setattr(tb_protos, "_loaded", None)
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto.summary_pb2", None)
    with pytest.raises(ImportError, match=r"smallflow\[tensorboard\]"):
        tf.summary.scalar("x", tf.constant(1.0))
    with pytest.raises(ImportError, match=r"smallflow\[tensorboard\]"):
        tf.summary.FileWriter("unused")


# -- event files ---------------------------------------------------------------------------------


def _build_program():
    """A TF1-style summaries program: scalars, histograms, an image, merged."""
    x = tf.placeholder(tf.float32, [None, 4], name="x-input")
    with tf.name_scope("input_reshape"):
        tf.summary.image("input", tf.reshape(x, [-1, 2, 2, 1]), 2)
    with tf.name_scope("layer"):
        weights = tf.Variable(tf.ones([4, 3]), name="weights")
        tf.summary.histogram("weights", weights)
        out = tf.matmul(x, weights)
    loss = tf.reduce_mean(out, name="loss")
    tf.summary.scalar("loss", loss)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, loss, train, tf.summary.merge_all()


def _write_run(logdir, steps=5):
    x, loss, train, merged = _build_program()
    feeds = [np.full((2, 4), i, np.float32) for i in range(steps)]
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with tf.summary.FileWriter(logdir, sess.graph) as writer:
            for step, feed in enumerate(feeds):
                summary, value, _ = sess.run([merged, loss, train], {x: feed})
                writer.add_summary(summary, step)
                losses.append(value)
    return losses


def test_tensorboards_reader_reads_tags_steps_values_and_graph(tmp_path):
    losses = _write_run(tmp_path)
    [path] = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    assert os.path.basename(path).split(".")[3].isdigit()
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"images": 0})
    acc.Reload()
    tags = acc.Tags()
    assert tags["scalars"] == ["loss_1"]
    assert tags["histograms"] == ["layer/weights_1"]
    assert sorted(tags["images"]) == ["input_reshape/input/image/0",
                                      "input_reshape/input/image/1"]
    scalars = acc.Scalars("loss_1")
    assert [s.step for s in scalars] == [0, 1, 2, 3, 4]
    np.testing.assert_allclose([s.value for s in scalars], losses, rtol=1e-6)
    assert acc.Histograms("layer/weights_1")[0].histogram_value.num == 12
    node_names = {node.name for node in acc.Graph().node}
    assert {"x-input", "layer/weights", "layer/MatMul", "loss", "loss_1"} <= node_names
    assert acc.MetaGraph().graph_def.node


def test_summary_iterator_round_trips_everything_the_writer_writes(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    manual = tf.Summary(value=[tf.Summary.Value(tag="m", simple_value=1.5)])
    writer.add_summary(manual, global_step=3)
    writer.add_summary(manual.SerializeToString(), global_step=4)
    writer.add_session_log(tf.summary.SessionLog(status=tf.summary.SessionLog.START), 5)
    graph_def = tf.get_default_graph().as_graph_def()
    writer.add_graph(None, graph_def=graph_def, global_step=6)
    run_metadata = tf.RunMetadata()
    writer.add_run_metadata(run_metadata, "step7", global_step=7)
    with pytest.raises(ValueError, match="already used"):
        writer.add_run_metadata(run_metadata, "step7")
    writer.close()
    [path] = glob.glob(str(tmp_path / "events.*"))
    events = list(tf.train.summary_iterator(path))
    assert events[0].file_version == "brain.Event:2"
    kinds = [e.WhichOneof("what") for e in events[1:]]
    assert kinds == ["summary", "summary", "session_log", "graph_def", "tagged_run_metadata"]
    assert [e.step for e in events[1:]] == [3, 4, 5, 6, 7]
    assert events[1].summary == manual == events[2].summary
    assert events[3].session_log.status == tf.summary.SessionLog.START
    assert tf.GraphDef.FromString(events[4].graph_def) == graph_def
    assert events[5].tagged_run_metadata.tag == "step7"


def test_plugin_metadata_is_written_once_per_tag(tmp_path):
    value = tf.summary.tensor_summary("t", tf.constant([1.0]), display_name="d")
    serialized = _run(value)
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(serialized, 1)
        writer.add_summary(serialized, 2)
    [path] = glob.glob(str(tmp_path / "events.*"))
    first, second = [e.summary.value[0] for e in tf.train.summary_iterator(path)
                     if e.HasField("summary")]
    assert first.metadata.display_name == "d"
    assert not second.HasField("metadata")


def test_closed_writer_ignores_adds_and_reopen_starts_a_new_file(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    writer.close()
    writer.add_summary(tf.Summary(), 1)  # logged and ignored, as TensorFlow does
    writer.reopen()
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="t", simple_value=1)]), 2)
    writer.close()
    paths = sorted(glob.glob(str(tmp_path / "events.*")))
    assert len(paths) == 2
    assert [len(list(tf.train.summary_iterator(p))) for p in paths] == [1, 2]
    assert writer.get_logdir() == str(tmp_path)


def test_file_writer_cache_shares_one_writer_per_logdir(tmp_path):
    first = tf.summary.FileWriterCache.get(str(tmp_path))
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is first
    tf.summary.FileWriterCache.clear()
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is not first
    tf.summary.FileWriterCache.clear()


def test_a_logdir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        tf.summary.FileWriter(str(target))


def test_records_are_checksummed_like_tensorflows():
    # A record from a TensorFlow-written event file: the first event of every file.
    data = b"\t\x00\x00\x00\x00\x00\x00\xf0?\x1a\rbrain.Event:2"
    framed = records.frame(data)
    length, length_crc = struct.unpack("<QI", framed[:12])
    assert length == len(data)
    assert records.masked_crc32c(framed[:8]) == length_crc
    # The masked CRC32C of b"" and of the 9 digits are fixed numbers.
    assert records.masked_crc32c(b"") == 0xA282EAD8
    crc = 0xE3069283  # CRC32C("123456789")
    assert records.masked_crc32c(b"123456789") == (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & (
        0xFFFFFFFF)


@pytest.mark.parametrize("cut", [1, 5, 13, 20])
def test_a_file_cut_mid_record_still_yields_every_complete_record(tmp_path, cut):
    _write_run(tmp_path, steps=4)
    [path] = glob.glob(str(tmp_path / "events.*"))
    complete = list(tf.train.summary_iterator(path))
    with open(path, "r+b") as stream:  # a writer killed while writing its last record
        stream.truncate(os.path.getsize(path) - cut)
    survivors = list(tf.train.summary_iterator(path))
    assert survivors == complete[:-1]
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    assert [s.step for s in acc.Scalars("loss_1")] == [0, 1, 2]


def test_a_corrupted_record_is_a_data_loss_error(tmp_path):
    _write_run(tmp_path, steps=2)
    [path] = glob.glob(str(tmp_path / "events.*"))
    with open(path, "r+b") as stream:
        stream.seek(-6, os.SEEK_END)  # inside the last record's data
        byte = stream.read(1)[0]
        stream.seek(-6, os.SEEK_END)
        stream.write(bytes([byte ^ 0xFF]))
    with pytest.raises(errors.DataLossError, match="checksum"):
        list(tf.train.summary_iterator(path))


def test_writers_left_open_are_flushed_when_python_exits(tmp_path):
    import subprocess

    code = (
        "import gc, smallflow as tf\n"
        f"w = tf.summary.FileWriter({str(tmp_path / 'kept')!r}, flush_secs=1000)\n"
        "w.add_summary(tf.Summary(value=[tf.Summary.Value(tag='t', simple_value=2.0)]), 9)\n"
        f"d = tf.summary.FileWriter({str(tmp_path / 'dropped')!r}, flush_secs=1000)\n"
        "d.add_summary(tf.Summary(value=[tf.Summary.Value(tag='t', simple_value=3.0)]), 4)\n"
        "del d\n"
        "gc.collect()\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    # The writer threads must not keep the process alive: it ends, and promptly.
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    for name, step, value in [("kept", 9, 2.0), ("dropped", 4, 3.0)]:
        [path] = glob.glob(str(tmp_path / name / "events.*"))
        events = list(tf.train.summary_iterator(path))
        assert events[-1].step == step
        assert events[-1].summary.value[0].simple_value == value


def _writer_threads():
    return [t for t in threading.enumerate() if t.name.startswith("smallflow event writer")]


def _scalar_bytes(value):
    return tf.Summary(value=[tf.Summary.Value(tag="t", simple_value=value)]).SerializeToString()


@pytest.fixture
def batches_of_max_queue(monkeypatch):
    """Writers frame every max_queue events (by default, in batches of at least 1,024)."""
    from smallflow.summary.writer import EventFileWriter

    monkeypatch.setattr(EventFileWriter, "FRAME_EVENTS", 1)


@pytest.mark.usefixtures("batches_of_max_queue")
def test_events_are_written_by_a_thread_that_ends_with_close(tmp_path):
    before = len(_writer_threads())
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=3)
    assert len(_writer_threads()) == before + 1
    for step in range(10):
        writer.add_summary(_scalar_bytes(step), step)
    writer.close()
    assert len(_writer_threads()) == before
    [path] = glob.glob(str(tmp_path / "events.*"))
    steps = [e.step for e in tf.train.summary_iterator(path) if e.HasField("summary")]
    assert steps == list(range(10))


def test_flush_puts_every_queued_event_in_the_file(tmp_path):
    with tf.summary.FileWriter(str(tmp_path), max_queue=1000, flush_secs=1000) as writer:
        writer.add_summary(_scalar_bytes(1.0), 7)
        writer.flush()
        [path] = glob.glob(str(tmp_path / "events.*"))
        assert [e.step for e in tf.train.summary_iterator(path)][-1] == 7


def _summary_steps(logdir):
    [path] = glob.glob(str(logdir / "events.*"))
    return [e.step for e in tf.train.summary_iterator(path) if e.HasField("summary")]


@pytest.mark.usefixtures("batches_of_max_queue")
def test_small_events_wait_for_flush_secs_without_waking_the_thread(tmp_path):
    # Framed by the caller every max_queue events and kept until flush_secs: waking the
    # thread for every batch cost more CPU than a small training step.
    with tf.summary.FileWriter(str(tmp_path), max_queue=3, flush_secs=1000) as writer:
        events = writer._writer
        size = os.path.getsize(events.path)
        for step in range(100):
            writer.add_summary(_scalar_bytes(step), step)
        assert len(events._queue) == 1
        assert not events._wake.is_set()
        assert os.path.getsize(events.path) == size
        writer.flush()
        assert _summary_steps(tmp_path) == list(range(100))


def _wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.mark.parametrize("wake", ["flush_secs", "full backlog"])
@pytest.mark.usefixtures("batches_of_max_queue")
def test_the_thread_writes_events_without_flush(tmp_path, wake):
    flush_secs = 0.05 if wake == "flush_secs" else 1000
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=2, flush_secs=flush_secs)
    if wake == "full backlog":
        writer._writer.BUFFER_BYTES = 100
    for step in range(10):
        writer.add_summary(_scalar_bytes(step), step)
    assert _wait_for(lambda: len(_summary_steps(tmp_path)) >= 8)
    assert _summary_steps(tmp_path)[:8] == list(range(8))
    writer.close()
    assert _summary_steps(tmp_path) == list(range(10))


@pytest.mark.usefixtures("batches_of_max_queue")
def test_a_backlog_the_thread_cannot_write_makes_the_caller_wait(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=2)
    events = writer._writer
    events.BUFFER_BYTES, events.MAX_BACKLOG_BYTES = 50, 200
    done = threading.Event()

    def add_many():
        for step in range(40):
            writer.add_summary(_scalar_bytes(step), step)
        done.set()

    with events._io_lock:  # the writer thread cannot write meanwhile
        adder = threading.Thread(target=add_many)
        adder.start()
        assert not done.wait(0.3)  # the backlog filled: the caller waits
        assert events._backlog_bytes < 200 + 2 * 40
        assert len(events._queue) <= 2
    adder.join(10)
    assert done.is_set()
    writer.close()
    assert _summary_steps(tmp_path) == list(range(40))


class _FailingFile:
    def __init__(self, real):
        self.real = real

    def write(self, data):
        raise OSError(28, "No space left on device")

    def flush(self):
        pass

    def close(self):
        self.real.close()


@pytest.mark.usefixtures("batches_of_max_queue")
def test_an_error_in_the_writer_thread_is_raised_by_the_next_call_and_by_close(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=2)
    writer._writer._file = _FailingFile(writer._writer._file)
    writer._writer.BUFFER_BYTES = 1
    writer.add_summary(_scalar_bytes(1.0), 1)
    writer.add_summary(_scalar_bytes(2.0), 2)  # wakes the thread, whose write fails
    writer._writer._thread.join(10)
    with pytest.raises(OSError, match="No space left on device"):
        writer.add_summary(_scalar_bytes(3.0), 3)
    with pytest.raises(OSError, match="events.out.tfevents"):
        writer.close()
    assert not writer._writer._thread.is_alive()
    writer.close()  # once closed, closing again is quiet


def _histogram_summary_bytes():
    return _run(tf.summary.histogram("h", tf.constant(np.linspace(-3, 3, 500))))


@pytest.mark.parametrize(("make", "fast"), [
    (lambda: _scalar_bytes(1.5), True),
    (_histogram_summary_bytes, True),  # float bytes may hold 0x4A; no metadata field
    (lambda: _run(tf.summary.tensor_summary("t", tf.constant([1.0]), display_name="d")), False),
    (lambda: b"\x0a\x05abc", False),  # cut short
    (lambda: b"\x12\x00", False),  # a field Summary does not have
    (lambda: b"", True),
])
def test_summaries_without_plugin_metadata_are_queued_unparsed(make, fast):
    from smallflow.summary import writer

    assert writer._fast_summary(make()) is fast


def test_a_malformed_serialized_summary_is_refused_by_add_summary(tmp_path):
    from google.protobuf.message import DecodeError

    with tf.summary.FileWriter(str(tmp_path)) as writer, pytest.raises(DecodeError):
        writer.add_summary(b"\x0a\x05abc", 1)


@pytest.mark.parametrize("value", [0.0, -2.5, 1e39, np.nan, 3])
@pytest.mark.parametrize("tag", ["loss", "a/much/longer/tag/" * 10])
def test_scalar_bytes_are_tensorboards_encoding(tag, value):
    dtype = tf.float64 if value == 1e39 else None
    serialized = _run(tf.summary.scalar(tag, tf.constant(value, dtype=dtype)))
    clean_tag = tag.rstrip("/")  # the scope's name, as the summary's tag
    expected = Summary(value=[Summary.Value(tag=clean_tag, simple_value=value)])
    assert serialized == expected.SerializeToString()


@pytest.mark.parametrize("value", [0.1, -0.0, 1e-45, 3.4e38, np.inf, -np.inf, np.nan, -7.0])
def test_a_scalar_summary_of_a_mean_is_tensorboards_encoding(value):
    # A reduction to one number gives a NumPy float32 scalar, the kernel's quick path.
    loss = tf.reduce_mean(tf.placeholder_with_default(np.array([value], np.float32), [None]))
    serialized, number = _run([tf.summary.scalar("loss", loss), loss])
    assert type(number) is np.float32
    expected = Summary(value=[Summary.Value(tag="loss", simple_value=number)])
    if np.isnan(value):
        assert np.isnan(Summary.FromString(serialized).value[0].simple_value)
        assert len(serialized) == len(expected.SerializeToString())
    else:
        assert serialized == expected.SerializeToString()


@settings(max_examples=60, deadline=None)
@given(step=st.one_of(st.none(), st.integers(-2**63, 2**63 - 1),
                      st.sampled_from([0, 127, 128, 16383, 16384, 2**21])),
       # (The writer's wall times come from time.time(), never 0.0, which an Event omits.)
       wall_time=st.floats(allow_nan=False).filter(bool) | st.sampled_from([1.7e9, 5e-324]),
       tag_length=st.sampled_from([1, 100, 130, 17000]))
def test_framed_summary_events_are_the_event_messages_records(step, wall_time, tag_length):
    summary = tf.Summary(value=[tf.Summary.Value(tag="t" * tag_length, simple_value=1.0)])
    serialized = summary.SerializeToString()
    expected = tf.Event(wall_time=wall_time, summary=summary)
    if step is not None:
        expected.step = step
    framed = records.frame(expected.SerializeToString())
    assert records.frame_summary_event(serialized, step, wall_time) == framed
    other = tf.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString()
    batch = [other, (serialized, step, wall_time), (serialized, step, wall_time), other]
    assert records.frame_events(batch) == b"".join(
        [records.frame(other), framed, framed, records.frame(other)])


@pytest.mark.parametrize("step", [None, 0, 7, 2**40, -3])
def test_fast_event_bytes_equal_the_event_message(tmp_path, step):
    summary = tf.Summary(value=[tf.Summary.Value(tag="t", simple_value=1.0)])
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(summary.SerializeToString(), step)
    [path] = glob.glob(str(tmp_path / "events.*"))
    event = list(tf.train.summary_iterator(path))[-1]
    expected = tf.Event(wall_time=event.wall_time, summary=summary)
    if step is not None:
        expected.step = step
    assert event == expected


@pytest.mark.parametrize(("make", "plain"), [
    (lambda: tf.summary.scalar("s", tf.constant(1.5)), True),
    (lambda: tf.summary.scalar("s", tf.constant(2.0, tf.float64)), True),
    (lambda: tf.summary.histogram("h", tf.constant([1.0, 2.0])), True),
    (lambda: tf.summary.merge([tf.summary.scalar("a", tf.constant(1.0)),
                               tf.summary.histogram("b", tf.constant([1.0]))]), True),
    (lambda: tf.summary.tensor_summary("t", tf.constant([1.0]), display_name="d"), False),
    (lambda: tf.summary.merge([tf.summary.scalar("a", tf.constant(1.0)),
                               tf.summary.tensor_summary("t", tf.constant([1.0]))]), False),
])
def test_summary_kernels_mark_the_bytes_they_make_without_metadata(make, plain):
    from smallflow.ops.summary_ops import is_plain_summary

    serialized = _run(make())
    assert is_plain_summary(serialized) is plain
    assert not is_plain_summary(bytes(bytearray(serialized)))  # equal bytes, another object


def test_marked_summaries_are_written_as_tensorboard_reads_them(tmp_path):
    loss = tf.placeholder(tf.float32, [])
    tf.summary.scalar("loss", loss)
    merged = tf.summary.merge_all()
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        for step in (0, 127, 128, 20_000):  # one- and multi-byte varint steps
            writer.add_summary(sess.run(merged, {loss: step / 4}), step)
    accumulator = event_accumulator.EventAccumulator(str(tmp_path))
    accumulator.Reload()
    events = accumulator.Scalars("loss")
    assert [(e.step, e.value) for e in events] == [(0, 0.0), (127, 31.75), (128, 32.0),
                                                   (20_000, 5000.0)]


def _scalar_triples(steps, tags=("loss",)):
    return [(_scalar_bytes_tagged(tags[i % len(tags)], i / 7), step, 1.7e9 + i / 3)
            for i, step in enumerate(steps)]


def _scalar_bytes_tagged(tag, value):
    return tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)]).SerializeToString()


_GRAPH_EVENT = tf.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString()


@pytest.mark.parametrize("items", [
    _scalar_triples(range(1000)),  # a training loop: steps of 0, 1 and 2 varint bytes
    _scalar_triples(range(16_000, 17_000, 3)),  # 2 and 3 bytes
    _scalar_triples([None, *range(1, 200)]),
    _scalar_triples([2**63 - 1 - i for i in range(100)]),  # nine-byte varints
    _scalar_triples(range(300), tags=("a" * 120, "b" * 120)),  # two-byte summary lengths
    [_GRAPH_EVENT, *_scalar_triples(range(200)), _GRAPH_EVENT, *_scalar_triples(range(90))],
    _scalar_triples([-1, *range(100)]),  # a negative step: the loop frames it
    _scalar_triples(range(100), tags=("a", "bb", "ccc")),  # lengths changing often: the loop
])
def test_big_batches_frame_as_each_event_alone(items):
    # Big batches go through NumPy (records._frame_triples) when they can.
    assert records.frame_events(items) == b"".join(records.frame_events([item])
                                                   for item in items)


@pytest.mark.parametrize("length", [1, 8, 27, 130, 512])
def test_crc32c_of_rows_is_the_c_crc32c(length):
    import google_crc32c

    rows = np.random.default_rng(length).integers(0, 256, (40, length), dtype=np.uint8)
    assert records._crc32c_rows(rows).tolist() == [google_crc32c.value(row.tobytes())
                                                   for row in rows]


def test_a_training_loops_summaries_are_framed_in_big_batches(tmp_path):
    loss = tf.placeholder(tf.float32, [])
    summary = tf.summary.scalar("loss", loss)
    with (tf.Session() as sess,
          tf.summary.FileWriter(str(tmp_path), max_queue=10, flush_secs=1000) as writer):
        for step in range(50):
            writer.add_summary(sess.run(summary, {loss: step / 2}), step)
        assert len(writer._writer._queue) == 50  # not framed every max_queue events
    assert _summary_steps(tmp_path) == list(range(50))
    # A thousand such events are framed by NumPy, not one by one.
    assert records._frame_triples(_scalar_triples(range(1000))) is not None


_VECTORS = {
    "a loss": np.random.default_rng(0).random(100, dtype=np.float32) * 3,
    "one value": np.array([0.1], np.float32),
    "extremes": np.array([3.4e38, 3.4e38, -1e-45], np.float32),
    "inf": np.array([1.0, np.inf], np.float32),
    "nan": np.array([1.0, np.nan], np.float32),
    "float64": np.random.default_rng(1).random(50),
    "a matrix": np.random.default_rng(2).random((4, 5), dtype=np.float32),
}


@pytest.mark.parametrize("name", list(_VECTORS))
@pytest.mark.parametrize("fetch_loss", [False, True])
def test_a_scalar_summary_of_a_mean_in_a_plan_gives_the_unfused_bytes(name, fetch_loss):
    # The plan runs ScalarSummary(Mean(x)) as one step (fusion.py); the same summary of
    # the same mean fed from outside runs the ScalarSummary kernel alone.
    vector = _VECTORS[name]
    x = tf.placeholder(tf.as_dtype(vector.dtype), None)
    loss = tf.reduce_mean(x)
    summary = tf.summary.scalar("loss", loss)
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        fetched = sess.run([merged, loss] if fetch_loss else [merged], {x: vector})
        [plan] = sess._plans.values()
        mean_fed = fetched[1] if fetch_loss else sess.run(loss, {x: vector})
        unfused = sess.run(summary, {loss: mean_fed})
    assert [op.type for op in plan.step_ops] == ["ScalarSummary"]  # the Mean in it
    assert type(fetched[0]) is bytes
    if name == "nan":
        assert np.isnan(Summary.FromString(fetched[0]).value[0].simple_value)
    else:
        assert fetched[0] == unfused
    if fetch_loss:
        with np.errstate(all="ignore"):  # (the Mean kernel's own sum and division)
            mean = vector.dtype.type(float(np.add.reduce(vector, axis=None)) / vector.size)
        assert type(fetched[1]) is vector.dtype.type
        np.testing.assert_array_equal(fetched[1], mean)


def test_a_mean_read_by_other_ops_keeps_its_value_beside_the_fused_summary():
    x = tf.constant(np.arange(6, dtype=np.float32))
    loss = tf.reduce_mean(x)
    summary = tf.summary.scalar("loss", loss)
    doubled = loss * 2
    both = tf.summary.merge([summary, tf.summary.scalar("other", tf.constant(1.0))])
    with tf.Session() as sess:
        merged, twice = sess.run([both, doubled])
    assert twice == 5.0
    values = Summary.FromString(merged).value
    assert [(v.tag, v.simple_value) for v in values] == [("loss", 2.5), ("other", 1.0)]


def test_long_summaries_are_framed_every_max_queue_events(tmp_path):
    # Images or histograms held a thousand at a time unframed would be a lot of memory.
    long_summary = _scalar_bytes_tagged("t" * 600, 1.0)
    with tf.summary.FileWriter(str(tmp_path), max_queue=3, flush_secs=1000) as writer:
        for step in range(7):
            writer.add_summary(long_summary, step)
        assert len(writer._writer._queue) == 1
    assert _summary_steps(tmp_path) == list(range(7))
