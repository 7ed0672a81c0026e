"""Oracle cases from session 15 (helper cops): fractional max/avg pooling (TensorFlow's
seeded regions, values, gradients, run-time errors) and ``tf.nn.with_space_to_batch``.

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _image(np, shape, seed=0):
    return np.random.RandomState(seed).standard_normal(shape).astype("float32")


def _fractional(tf, np):
    x = tf.constant(_image(np, (2, 11, 9, 3)))
    out = {}
    for pseudo in (False, True):
        for overlapping in (False, True):
            key = f"{'pseudo' if pseudo else 'random'}_{'overlap' if overlapping else 'disjoint'}"
            pooled, rows, cols = tf.nn.fractional_max_pool(x, [1.0, 1.44, 1.73, 1.0], pseudo,
                                                           overlapping, True, 17, 5)
            mean, mrows, mcols = tf.nn.fractional_avg_pool(x, [1.0, 2.5, 1.2, 1.0], pseudo,
                                                           overlapping, True, 3, 0)
            weights = tf.constant(_image(np, (2, 7, 5, 3), 1))
            mean_weights = tf.constant(_image(np, (2, 4, 7, 3), 2))
            loss = tf.reduce_sum(pooled * weights) + tf.reduce_sum(mean * mean_weights)
            (grad,) = tf.gradients(loss, [x])
            out.update({f"max_{key}": pooled, f"rows_{key}": rows, f"cols_{key}": cols,
                        f"avg_{key}": mean, f"avg_rows_{key}": mrows,
                        f"avg_cols_{key}": mcols, f"grad_{key}": grad})
    return out


def _fractional_ints_and_ties(tf, np):
    ints = tf.constant(np.random.RandomState(4).randint(-9, 9, (1, 8, 8, 2)).astype("int64"))
    ties = tf.constant(np.ones((1, 6, 5, 1), "float64"))
    pooled, rows, cols = tf.nn.fractional_max_pool(ties, [1, 1.5, 1.5, 1], False, True, True,
                                                   1, 2)
    (grad,) = tf.gradients(tf.reduce_sum(pooled), [ties])
    mean, _, _ = tf.nn.fractional_avg_pool(ties, [1, 1.5, 1.5, 1], True, True, True, 1, 2)
    (mean_grad,) = tf.gradients(tf.reduce_sum(mean * mean), [ties])
    return {"int_max": tf.nn.fractional_max_pool(ints, [1, 1.7, 1.3, 1], True, False, True,
                                                 9, 9)[0],
            "int_avg": tf.nn.fractional_avg_pool(ints, [1, 1.7, 1.3, 1], False, True, True,
                                                 9, 9)[0],
            "int32_avg": tf.nn.fractional_avg_pool(tf.cast(ints, tf.int32), [1, 2, 2, 1],
                                                   False, False, True, 4, 4)[0],
            "ties_max": pooled, "ties_grad": grad, "rows": rows, "cols": cols,
            "ties_avg_grad": mean_grad,
            # an integer ratio still draws a sequence (TensorFlow overrides its even split)
            "even": tf.nn.fractional_max_pool(ties, [1, 2, 1, 1], False, False, True, 5, 6)[1]}


def _fractional_raw_grads(tf, np):
    import importlib

    gen_nn_ops = importlib.import_module(tf.__name__.split(".")[0] + ".python.ops.gen_nn_ops")
    x = tf.constant(_image(np, (1, 6, 6, 2), 5))
    grad = tf.constant(_image(np, (1, 3, 4, 2), 6))
    rows = tf.constant(np.array([0, 2, 3, 6], "int64"))
    cols = tf.constant(np.array([0, 1, 3, 4, 6], "int64"))
    pooled = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    return {"max_grad": gen_nn_ops.fractional_max_pool_grad(x, pooled, grad[:, :, 1:, :],
                                                            [0, 2, 4, 6], [0, 2, 4, 6]),
            "max_grad_overlap": gen_nn_ops.fractional_max_pool_grad(
                x, tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "VALID"), grad[:, :2, 1:3, :],
                rows[::2] * 2, cols[::2] * 2, overlapping=True),
            "avg_grad": gen_nn_ops.fractional_avg_pool_grad([1, 6, 6, 2], grad, rows, cols),
            "avg_grad_overlap": gen_nn_ops.fractional_avg_pool_grad(
                tf.constant([1, 6, 6, 2], tf.int64), grad, rows, cols, overlapping=True)}


def _fractional_grad_output_unread(tf, np):
    import importlib

    gen_nn_ops = importlib.import_module(tf.__name__.split(".")[0] + ".python.ops.gen_nn_ops")
    x = tf.constant(_image(np, (1, 4, 4, 1), 5))
    return {"grad": gen_nn_ops.fractional_max_pool_grad(x, tf.zeros([1, 2, 2, 1]),
                                                        tf.ones([1, 2, 2, 1]), [0, 2, 4],
                                                        [0, 2, 4])}


def _fractional_ratio_too_high(tf, np):
    return {"out": tf.nn.fractional_max_pool(tf.ones([1, 5, 5, 1]), [1, 6, 1.5, 1])[0]}


def _fractional_seed_not_deterministic(tf, np):
    return {"out": tf.nn.fractional_avg_pool(tf.ones([1, 5, 5, 1]), [1, 1.5, 1.5, 1],
                                             seed=3)[0]}


def _fractional_batch_ratio(tf, np):
    return {"out": tf.nn.fractional_max_pool(tf.ones([2, 5, 5, 1]), [2, 1.5, 1.5, 1])[0]}


def _with_space_to_batch(tf, np):
    x = tf.constant(_image(np, (2, 9, 10, 3), 7))
    w = tf.constant(_image(np, (3, 2, 3, 4), 8))
    line = tf.constant(_image(np, (2, 11, 3), 9))
    w1 = tf.constant(_image(np, (3, 3, 2), 10))
    volume = tf.constant(_image(np, (1, 5, 6, 7, 2), 11))

    def conv(inp, num_spatial_dims, padding):
        return tf.nn.conv2d(inp, w, [1, 1, 1, 1], padding)

    def conv1d(inp, num_spatial_dims, padding):
        return tf.nn.convolution(inp, w1, padding)

    def pool3d(inp, num_spatial_dims, padding):
        return tf.nn.avg_pool3d(inp, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], padding)

    same = tf.nn.with_space_to_batch(x, [2, 3], "SAME", conv, filter_shape=[3, 2])
    (grad,) = tf.gradients(tf.reduce_sum(same * same), [x])
    return {
        "same": same, "grad": grad,
        "valid": tf.nn.with_space_to_batch(x, tf.constant([3, 2]), "VALID", conv),
        "rate_one": tf.nn.with_space_to_batch(x, [1, 1], "SAME", conv),
        "one_d": tf.nn.with_space_to_batch(line, [2], "SAME", conv1d, filter_shape=[3]),
        "three_d": tf.nn.with_space_to_batch(volume, [2, 1, 3], "SAME", pool3d,
                                             filter_shape=[2, 2, 2]),
        # only the second spatial axis dilated: the first keeps block 1
        "spatial_dims": tf.nn.with_space_to_batch(
            x, [2], "VALID", lambda inp, n, p: tf.nn.max_pool(inp, [1, 1, 2, 1], [1, 1, 1, 1],
                                                              p), spatial_dims=[2]),
    }


SESSION15_COPS_CASES = [
    Case("session15_cops/fractional", _fractional, rtol=1e-5, atol=1e-6),
    Case("session15_cops/fractional_ints_and_ties", _fractional_ints_and_ties),
    Case("session15_cops/fractional_raw_grads", _fractional_raw_grads),
    Case("session15_cops/fractional_grad_output_unread", _fractional_grad_output_unread),
    Case("session15_cops/fractional_ratio_too_high", _fractional_ratio_too_high),
    Case("session15_cops/fractional_seed_not_deterministic",
         _fractional_seed_not_deterministic),
    Case("session15_cops/fractional_batch_ratio", _fractional_batch_ratio),
    Case("session15_cops/with_space_to_batch", _with_space_to_batch, rtol=1e-5, atol=1e-5),
]


def _deprecated_summaries(tf, np):
    # tf.contrib.deprecated's functions build TensorFlow's raw summary ops with the tag as
    # given (TensorFlow 2 has no tf.contrib: its raw ops stand in for them).
    values = tf.constant([[1.5, -2.0], [0.25, 8.0]])
    images = tf.constant(np.random.RandomState(2).rand(2, 3, 4, 3).astype("float32"))
    clip = tf.constant(np.sin(np.arange(40, dtype="float32") / 3).reshape(2, 20) * 0.5)
    tags = [["a", "b"], ["c", "d"]]
    if hasattr(tf, "contrib"):
        deprecated = tf.contrib.deprecated
        with tf.name_scope("scoped"):
            scalar = deprecated.scalar_summary("loss", tf.constant(0.5))
        many = deprecated.scalar_summary(tags, values)
        histogram = deprecated.histogram_summary("weights", values)
        image = deprecated.image_summary("pictures", images, max_images=2)
        audio = deprecated.audio_summary("sound", clip, 8000.0, max_outputs=1)
        merged = deprecated.merge_summary([scalar, histogram])
        # everything but the image summary, in the order the collection holds them
        everything = deprecated.merge_summary(
            [s for s in tf.get_collection(tf.GraphKeys.SUMMARIES) if s is not image])
    else:
        raw = tf.raw_ops
        with tf.name_scope("scoped"):
            scalar = raw.ScalarSummary(tags="loss", values=tf.constant(0.5))
        many = raw.ScalarSummary(tags=tags, values=values)
        histogram = raw.HistogramSummary(tag="weights", values=values)
        audio = raw.AudioSummaryV2(tag="sound", tensor=clip, sample_rate=8000.0,
                                   max_outputs=1)
        merged = raw.MergeSummary(inputs=[scalar, histogram])
        everything = raw.MergeSummary(inputs=[scalar, many, histogram, audio])
    # (PNG bytes differ by the zlib settings: the images are compared decoded in
    # tests/test_compat_session15_cops_contrib.py)
    return {"scalar": scalar, "many": many, "histogram": histogram, "audio": audio,
            "merged": merged, "everything": everything}


SESSION15_COPS_CASES.append(Case("session15_cops/deprecated_summaries",
                                 _deprecated_summaries))


def _patches_of_run_time_size(tf, np):
    # extract_image_patches of images whose height and width are known only when run
    images = tf.placeholder(tf.float32, [None, None, None, 3])
    same = tf.image.extract_image_patches(images, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 2, 1],
                                          "SAME")
    valid = tf.image.extract_patches(images, sizes=[1, 2, 2, 1], strides=[1, 1, 2, 1],
                                     rates=[1, 3, 1, 1], padding="VALID")
    (grad,) = tf.gradients(tf.reduce_sum(same * same) + tf.reduce_sum(valid), [images])
    return ({"same": same, "valid": valid, "grad": grad},
            {images: _image(np, (2, 7, 6, 3), 12)})


SESSION15_COPS_CASES.append(Case("session15_cops/patches_of_run_time_size",
                                 _patches_of_run_time_size, rtol=1e-5, atol=1e-6))
