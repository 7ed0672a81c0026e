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


def _scope_regularizers(tf, np):
    with tf.variable_scope("a", regularizer=lambda w: tf.reduce_sum(w) * 0.1):
        tf.get_variable("v", [2], initializer=tf.ones_initializer())
        with tf.variable_scope("b"):
            tf.get_variable("u", [3], initializer=tf.ones_initializer())
        tf.get_variable("own", [2], initializer=tf.ones_initializer(),
                        regularizer=lambda w: tf.reduce_sum(w) * 5.0)
        tf.get_variable_scope().set_regularizer(None)
        tf.get_variable("none", [2], initializer=tf.ones_initializer())
    with tf.variable_scope("c", regularizer=lambda w: tf.reduce_sum(w) * 2.0) as scope:
        pass
    with tf.variable_scope(scope):
        tf.get_variable("y", [3], initializer=tf.ones_initializer())
    losses = tf.losses.get_regularization_losses()
    return {loss.name: loss for loss in losses}


def _dilated_convolution(tf, np):
    image = (np.arange(1 * 9 * 8 * 2, dtype=np.float32).reshape(1, 9, 8, 2) % 5) / 5
    kernel = (np.arange(3 * 3 * 2 * 3, dtype=np.float32).reshape(3, 3, 2, 3) % 7) / 7
    return {f"rates_{rh}_{rw}_{padding}": tf.nn.convolution(
                tf.constant(image), tf.constant(kernel), padding=padding,
                dilation_rate=(rh, rw))
            for rh, rw in [(2, 1), (1, 3), (2, 2)] for padding in ["SAME", "VALID"]}


def _value_initialized_variables(tf, np):
    values = {"zero": 0, "half": 1.5, "ints": [1, 2], "int64s": np.zeros(3, np.int64),
              "flag": True, "doubles": np.ones((2, 2))}
    fetches = {}
    for name, value in values.items():
        variable = tf.get_variable(name, initializer=value, trainable=False)
        fetches[name] = tf.identity(variable)
        fetches[name + "/dtype"] = tf.constant(variable.dtype.base_dtype.name)
    return fetches


SESSION13_RESEARCH_CASES = [
    Case("session13_research/value_initialized_variables", _value_initialized_variables,
         init=True),
    Case("session13_research/scope_regularizers", _scope_regularizers, init=True),
    Case("session13_research/dilated_convolution", _dilated_convolution, rtol=1e-5),
    Case("session13_research/dimensions_as_tensors", _dimensions_as_tensors),
]
