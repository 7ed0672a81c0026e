"""Oracle cases from session 13's sweep of tensorflow/models ``research/`` programs (im2txt,
...): shapes and dimensions converted to tensors.

Same rules as cases.py: NumPy only at module level.
"""

from cases import Case


def _dimensions_as_tensors(tf, np):
    x = tf.placeholder(tf.float32, [6, 5])
    first = x.get_shape()[0]
    return {"dimension": tf.convert_to_tensor(first),
            "dimension_int64": tf.convert_to_tensor(first, tf.int64),
            "shape": tf.convert_to_tensor(x.get_shape()),
            "shape_int64": tf.convert_to_tensor(x.get_shape(), dtype=tf.int64),
            "stacked": tf.stack([first, 3]),
            "filled": tf.fill(tf.stack([first, 2]), 1.5),
            "zeros_of_shape": tf.zeros(tf.convert_to_tensor(x.get_shape()))}


SESSION13_RESEARCH_CASES = [
    Case("session13_research/dimensions_as_tensors", _dimensions_as_tensors),
]
