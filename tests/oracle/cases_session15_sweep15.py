"""Oracle cases from the session-15 sweep (helper sweep15): what TF1 book and course programs
showed to differ from TensorFlow. sjchoi86/advanced-tensorflow's notebooks strip large
constants out of ``tf.get_default_graph().as_graph_def()`` before drawing it: the GraphDef of
``tf.zeros``/``tf.ones``/``tf.constant(value, shape=...)`` must hold what TensorFlow's holds
(a ``Fill`` from 1,000 elements, the values as given rather than the filled array).

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _const_summary(tf, np, graph_def):
    """Per node (in order): the op type's length, its input count and, for constants, the
    stored byte count, typed value count and shape rank: a numeric fingerprint of the
    GraphDef that both engines can fetch."""
    rows = []
    for node in graph_def.node:
        content, values, rank = 0, 0, 0
        if node.op == "Const":
            t = node.attr["value"].tensor
            content = len(t.tensor_content)
            values = (len(t.float_val) + len(t.int_val) + len(t.int64_val)
                      + len(t.bool_val) + len(t.string_val) + len(t.double_val))
            rank = len(t.tensor_shape.dim)
        rows.append([len(node.op), len(node.input), content, values, rank])
    return np.array(rows, dtype=np.int64)


def _filled_graph_def(tf, np):
    p = tf.placeholder(tf.int32, [2], name="p")
    built = {
        "zeros_big": tf.zeros([784, 10]),
        "ones_big_int64": tf.ones([1000], tf.int64, name="big"),
        "zeros_999": tf.zeros([999]),
        "zeros_fed": tf.zeros(p),
        "ones_mixed": tf.ones([p[0], 3]),
        "zeros_bool": tf.zeros((40, 25), tf.bool),
        "ones_scalar": tf.ones([]),
        "splat": tf.constant(7, shape=[3, 4]),
        "padded": tf.constant([1.0, 2.0], shape=[2, 3]),
        "full": tf.constant([[1, 2], [3, 4]], dtype=tf.int64),
        "strings": tf.constant("ab", shape=[3]),
    }
    graph_def = tf.get_default_graph().as_graph_def()
    out = {name: tf.reduce_sum(tf.cast(t, tf.float32))
           for name, t in built.items() if name not in ("zeros_fed", "ones_mixed", "strings")}
    out["names"] = tf.constant(np.array([len(n.name) for n in graph_def.node], np.int64))
    out["graph_def"] = tf.constant(_const_summary(tf, np, graph_def))
    return out


def _reduction_axes_graph_def(tf, np):
    # The reduction_indices constant holds the axes as given: a scalar stays a scalar.
    x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5.0)
    out = {
        "mean_1": tf.reduce_mean(x, reduction_indices=1),
        "sum_last": tf.reduce_sum(x, axis=-1),
        "max_2_0": tf.reduce_max(x, [2, 0]),
        "sum_keep": tf.reduce_sum(x, [1], keepdims=True),
        "prod_0": tf.reduce_prod(x, 0),
        "any_01": tf.reduce_any(x > 0, axis=(0, 1)),
    }
    graph_def = tf.get_default_graph().as_graph_def()
    axes = [tf.make_ndarray(n.attr["value"].tensor) for n in graph_def.node
            if n.name.endswith("reduction_indices")]
    out["axes_ranks"] = tf.constant(np.array([a.ndim for a in axes], np.int64))
    out["axes_values"] = tf.constant(np.concatenate([a.ravel() for a in axes]).astype(np.int64))
    return out


SESSION15_SWEEP15_CASES = [
    Case("session15_sweep15/filled_graph_def", _filled_graph_def),
    Case("session15_sweep15/reduction_axes_graph_def", _reduction_axes_graph_def),
]
