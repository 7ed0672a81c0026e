"""Oracle cases from session 11's sweep of research repositories (Kyubyong/transformer,
pix2pix, wavenet, ...): what a Python function run by the graph receives (py_func inputs,
``Dataset.from_generator`` args), ``tf.layers`` with a ``training`` tensor of known value
whatever its dtype.

Same rules as cases.py: NumPy only at module level.
"""

from cases import Case


def _describe(*args):
    """The Python types and values the function was handed, as one string."""
    parts = [f"{type(a).__name__}:{a!r}" if type(a).__name__ != "ndarray"
             else f"ndarray:{a.dtype}:{a.tolist()!r}" for a in args]
    return " ".join(parts).encode()


def _py_func_arguments(tf, np):
    inputs = [tf.constant("path"), tf.constant(3), tf.constant(2.5), tf.constant(True),
              tf.constant([1, 2], tf.int64), tf.constant(["a", "b"])]
    seen = tf.py_func(lambda *a: np.array(_describe(*a), dtype=object), inputs, tf.string)
    return {"seen": seen}


def _from_generator_arguments(tf, np):
    def generator(path, words, count, scale):
        yield _describe(path, words, count, scale)

    dataset = tf.data.Dataset.from_generator(generator, tf.string, (),
                                             args=("data/vocab", ["x", "y"], 3, 0.5))
    return {"seen": dataset.make_one_shot_iterator().get_next()}


def _dropout_training_strings(tf, np):
    ones = tf.ones([40, 50])
    active = tf.layers.dropout(ones, 0.5, training=tf.convert_to_tensor("train"))
    inactive = tf.layers.dropout(ones, 0.5, training=tf.convert_to_tensor(""))
    by_int = tf.layers.dropout(ones, 0.5, training=tf.constant(0))
    return {"active_two_values": tf.reduce_all(tf.logical_or(tf.equal(active, 0.0),
                                                             tf.equal(active, 2.0))),
            "active_drops": tf.reduce_any(tf.equal(active, 0.0)),
            "inactive": inactive, "by_int": by_int}


def _batch_norm_training_string(tf, np):
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    frozen = tf.layers.batch_normalization(x, training=tf.convert_to_tensor(""))
    batch = tf.layers.batch_normalization(x, training=tf.convert_to_tensor("train"))
    return {"frozen": frozen, "batch": batch}


def _picked_strings(tf, np):
    encoded = tf.placeholder(tf.string, [2])
    picks = {"strided_slice": encoded[1], "gather": tf.gather(encoded, 1),
             "unstack": tf.unstack(encoded)[1], "gather_nd": tf.gather_nd(encoded, [1]),
             "map_fn": tf.map_fn(lambda s: s, encoded)}
    fetches = {f"{name}/decoded": tf.decode_base64(t) for name, t in picks.items()}
    fetches.update({f"{name}/length": tf.strings.length(t) for name, t in picks.items()})
    return fetches, {encoded: [b"aGVsbG8", b"aGk"]}


def _unknown_rank_images(tf, np):
    image = tf.placeholder(tf.float32)
    value = (np.arange(60, dtype=np.float32).reshape(4, 5, 3) % 7) / 7
    gray = tf.image.rgb_to_grayscale(image)
    return {"gray": tf.placeholder_with_default(gray, None),
            "rgb": tf.image.grayscale_to_rgb(tf.placeholder_with_default(gray, None)),
            "crop": tf.image.crop_to_bounding_box(image, 1, 2, 2, 3),
            "pad": tf.image.pad_to_bounding_box(image, 1, 0, 6, 5),
            "tensordot": tf.tensordot(image, tf.constant(np.eye(3, 2, dtype=np.float32)),
                                      [[-1], [0]])}, {image: value}


def _division_of_nothing_by_zero(tf, np):
    empty = tf.zeros([0, 2], tf.int32)
    zero = tf.constant(0)
    return {"floormod": tf.floormod(empty, zero), "floordiv": tf.floordiv(empty, zero),
            "truncatemod": tf.truncatemod(empty, zero),
            "truncatediv": tf.truncatediv(empty, zero)}


SESSION11_PROG_CASES = [
    Case("session11_prog/picked_strings", _picked_strings),
    Case("session11_prog/unknown_rank_images", _unknown_rank_images, rtol=1e-6),
    Case("session11_prog/division_of_nothing_by_zero", _division_of_nothing_by_zero),
    Case("session11_prog/py_func_arguments", _py_func_arguments),
    Case("session11_prog/from_generator_arguments", _from_generator_arguments),
    Case("session11_prog/dropout_training_strings", _dropout_training_strings),
    Case("session11_prog/batch_norm_training_string", _batch_norm_training_string, init=True,
         rtol=1e-5),
]
