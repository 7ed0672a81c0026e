"""tf.contrib.deprecated (session 15): TensorFlow 0.x's summary functions, tags as written."""

import numpy as np
import pytest

import smallflow as tf

pytest.importorskip("tensorboard")
from tensorboard.compat.proto import summary_pb2  # noqa: E402


def _values(serialized):
    return summary_pb2.Summary.FromString(serialized).value


def test_tags_are_used_as_written_not_scoped():
    deprecated = tf.contrib.deprecated
    with tf.name_scope("layer1"):
        loss = deprecated.scalar_summary("loss (train)", tf.constant(2.5))
        hist = deprecated.histogram_summary("weights:0", tf.constant([1.0, 2.0, 3.0]))
        many = deprecated.scalar_summary(["a", "b", "c"], tf.constant([1.0, 2.0, 3.0]))
        image = deprecated.image_summary("digits", tf.zeros([4, 2, 2, 1]), max_images=2)
    merged = deprecated.merge_all_summaries()
    assert loss.op.name == "layer1/ScalarSummary"
    with tf.Session() as sess:
        out_loss, out_hist, out_many, out_image, out_merged = sess.run(
            [loss, hist, many, image, merged])
    assert [(v.tag, v.simple_value) for v in _values(out_loss)] == [("loss (train)", 2.5)]
    assert _values(out_hist)[0].tag == "weights:0"
    assert [(v.tag, v.simple_value) for v in _values(out_many)] == [
        ("a", 1.0), ("b", 2.0), ("c", 3.0)]
    assert [v.tag for v in _values(out_image)] == ["digits/image/0", "digits/image/1"]
    assert len(_values(out_merged)) == 1 + 1 + 3 + 2
    assert deprecated.merge_summary([loss, hist]) is not None


def test_shape_mismatch_and_computed_tags_are_refused():
    deprecated = tf.contrib.deprecated
    with pytest.raises(ValueError, match="tags and values not the same shape"):
        deprecated.scalar_summary(["a", "b"], tf.constant([1.0, 2.0, 3.0]))
    computed = tf.strings.join([tf.constant("a"), tf.as_string(tf.constant(1))])
    with pytest.raises(ValueError, match="known when the graph is built"):
        deprecated.scalar_summary(computed, tf.constant(1.0))
    assert deprecated.merge_all_summaries(key="nothing_here") is None
    with pytest.raises(AttributeError, match="tf.contrib.deprecated.text_summary"):
        _ = deprecated.text_summary


def test_audio_summary_takes_its_sample_rate():
    clip = tf.constant(np.sin(np.linspace(0, 20, 800)).reshape(1, 800).astype("float32"))
    summary = tf.contrib.deprecated.audio_summary("tone", clip, 8000)
    with tf.Session() as sess:
        value = _values(sess.run(summary))[0]
    assert value.tag == "tone/audio/0"  # max_outputs > 1: numbered, as the op names them
    assert value.audio.sample_rate == 8000
