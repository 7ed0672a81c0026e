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


SESSION11_PROG_CASES = [
    Case("session11_prog/py_func_arguments", _py_func_arguments),
    Case("session11_prog/from_generator_arguments", _from_generator_arguments),
    Case("session11_prog/dropout_training_strings", _dropout_training_strings),
    Case("session11_prog/batch_norm_training_string", _batch_norm_training_string, init=True,
         rtol=1e-5),
]
