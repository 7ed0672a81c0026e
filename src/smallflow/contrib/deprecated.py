"""``tf.contrib.deprecated``: TensorFlow 0.x's summary functions (``scalar_summary``,
``histogram_summary``, ``image_summary``, ``audio_summary``, ``merge_summary``,
``merge_all_summaries``), kept by TensorFlow 1.x for old programs.

Unlike ``tf.summary.*`` they take the tag as given, not prefixed by the name scope, and
``scalar_summary`` takes a tensor of tags shaped like its values (one number per tag). They
build the summary ops of ``tf.summary`` (ops/summary_ops.py), whose tag is fixed when the
graph is built: a tag must be a string or a constant tensor of strings.
"""

import numpy as np

__all__ = ["audio_summary", "histogram_summary", "image_summary", "merge_all_summaries",
           "merge_summary", "scalar_summary"]


def _tags(tags, what):
    """``tags`` as a NumPy array of str (a string, a list, or a constant string tensor)."""
    import smallflow as tf
    from smallflow.ops.common import constant_value

    if isinstance(tags, tf.Tensor):
        value = constant_value(tags)
        if value is None:
            raise ValueError(f"{what} must be known when the graph is built (a string or a "
                             f"constant tensor of strings); got {tags.name}")
        tags = value
    array = np.asarray(tags, dtype=object)
    flat = [t.decode("utf-8") if isinstance(t, bytes) else t for t in array.reshape(-1)]
    if not all(isinstance(t, str) for t in flat):
        raise TypeError(f"{what} must be strings, got {tags!r}")
    return np.asarray(flat, dtype=object).reshape(array.shape)


def _single_tag(tag):
    tags = _tags(tag, "tag")
    if tags.shape:
        raise ValueError(f"tag must be a scalar string, got shape {list(tags.shape)}")
    return str(tags[()])


def _collect(value, collections):
    import smallflow as tf

    for key in [tf.GraphKeys.SUMMARIES] if collections is None else collections:
        tf.add_to_collection(key, value)
    return value


def scalar_summary(tags, values, collections=None, name=None):
    """A summary with one number per tag: ``tags`` (strings) shaped like ``values``."""
    import smallflow as tf
    from smallflow import tb_protos
    from smallflow.ops import summary_ops
    from smallflow.ops.common import make_op

    tb_protos.load()
    with tf.name_scope(name, "ScalarSummary", [values]) as scope:
        values = tf.convert_to_tensor(values, name="values")
        summary_ops._check_real("ScalarSummary", values)
        names = _tags(tags, "tags")
        if values.shape.ndims is not None and values.shape.is_fully_defined() and \
                tuple(values.shape.as_list()) != names.shape:
            raise ValueError(f"Shapes {list(names.shape)} and {values.shape.as_list()} must "
                             f"be equal (op 'ScalarSummary': tags and values)")
        string = summary_ops._string_scalar()
        if not names.shape:
            value = make_op("ScalarSummary", [values], [string],
                            {"tag": str(names[()]), "T": values.dtype}, scope).outputs[0]
            return _collect(value, collections)
        flat = tf.reshape(values, [-1])
        parts = [make_op("ScalarSummary", [flat[i]], [string], {"tag": tag, "T": values.dtype},
                         f"part_{i}").outputs[0]
                 for i, tag in enumerate(names.reshape(-1))]
        attrs = {"N": len(parts), "distinct_tags": len(set(names.reshape(-1))) == len(parts)}
        value = make_op("MergeSummary", parts, [string], attrs, scope).outputs[0]
    return _collect(value, collections)


def histogram_summary(tag, values, collections=None, name=None):
    """A histogram of ``values`` under the tag ``tag``."""
    import smallflow as tf
    from smallflow import tb_protos
    from smallflow.ops import summary_ops
    from smallflow.ops.common import make_op

    tb_protos.load()
    with tf.name_scope(name, "HistogramSummary", [values]) as scope:
        values = tf.convert_to_tensor(values, name="values")
        summary_ops._check_real("HistogramSummary", values)
        value = make_op("HistogramSummary", [values], [summary_ops._string_scalar()],
                        {"tag": _single_tag(tag), "T": values.dtype}, scope).outputs[0]
    return _collect(value, collections)


def image_summary(tag, tensor, max_images=3, collections=None, name=None):
    """Up to ``max_images`` images of a [batch, height, width, 1|3|4] tensor, tagged
    ``tag/image/i`` (``tag/image`` when ``max_images`` is 1)."""
    import smallflow as tf
    from smallflow import tb_protos
    from smallflow.ops import summary_ops
    from smallflow.ops.common import make_op

    tb_protos.load()
    if int(max_images) < 1:
        raise ValueError(f"max_images must be at least 1, got {max_images}")
    with tf.name_scope(name, "ImageSummary", [tensor]) as scope:
        tensor = tf.convert_to_tensor(tensor, name="tensor")
        summary_ops._check_real("ImageSummary", tensor, summary_ops._IMAGE_DTYPES, "tensor")
        attrs = {"tag": _single_tag(tag), "max_images": int(max_images), "T": tensor.dtype,
                 "bad_color": (255, 0, 0, 255)}
        value = make_op("ImageSummary", [tensor], [summary_ops._string_scalar()], attrs,
                        scope).outputs[0]
    return _collect(value, collections)


def audio_summary(tag, tensor, sample_rate, max_outputs=3, collections=None, name=None):
    """Up to ``max_outputs`` clips of a [batch, frames(, channels)] float tensor in [-1, 1],
    tagged ``tag/audio/i``."""
    import smallflow as tf
    from smallflow import tb_protos
    from smallflow.ops import summary_ops
    from smallflow.ops.common import make_op

    tb_protos.load()
    with tf.name_scope(name, "AudioSummary", [tensor]) as scope:
        tensor = tf.convert_to_tensor(tensor, dtype=tf.float32, name="tensor")
        rate = tf.convert_to_tensor(sample_rate, dtype=tf.float32, name="sample_rate")
        attrs = {"tag": _single_tag(tag), "max_outputs": int(max_outputs)}
        value = make_op("AudioSummaryV2", [tensor, rate], [summary_ops._string_scalar()],
                        attrs, scope).outputs[0]
    return _collect(value, collections)


def merge_summary(inputs, collections=None, name=None):
    """One summary holding the values of all ``inputs``: ``tf.summary.merge``."""
    import smallflow as tf

    return tf.summary.merge(inputs, collections=collections, name=name)


def merge_all_summaries(key="summaries"):
    """``tf.summary.merge_all`` of the collection ``key`` (GraphKeys.SUMMARIES by default);
    None when it is empty."""
    import smallflow as tf

    return tf.summary.merge_all(key)
