"""Oracle cases from session 12's sweep of course and book programs (CS20SI 2017, MIT 6.S191
2018, dennybritz/reinforcement-learning): the ``TensorProto`` TensorFlow writes for a value
(the printed GraphDefs of CS20SI's first lecture), ``ones_like`` of strings, the global step
found by its name.

Same rules as cases.py: NumPy only at module level.
"""

from cases import Case

_PROTO_VALUES = {
    "int": (3, None, None),
    "big_int": (2**40, None, None),
    "float": (1.5, None, None),
    "int_list": ([1, 2], None, None),
    "float_list": ([1.5, -2.0, 0.25], None, None),
    "one_float_list": ([1.5], None, None),
    "numpy_float64": ("np.array([1.0, 2.0])", None, None),
    "numpy_int64": ("np.array([7, 8], np.int64)", None, None),
    "numpy_uint8": ("np.array([3], np.uint8)", None, None),
    "bools": ([True, False], None, None),
    "bool": (True, None, None),
    "complex64": ("np.array([1 + 2j, 3 - 1j], np.complex64)", None, None),
    "string": ("ab", None, None),
    "strings": (["ab", "c"], None, None),
    "empty": ("np.zeros([0, 2], np.float32)", None, None),
    "zero_broadcast": (0, None, [2, 3]),
    "five_float32": (5, "float32", [1]),
    "short_list": ([1.0], None, [2]),
    "dtype_given": ([1, 2], "float64", None),
}


def _proto_text(key):
    def build(tf, np):
        value, dtype, shape = _PROTO_VALUES[key]
        if isinstance(value, str) and value.startswith("np."):
            value = eval(value, {"np": np})  # noqa: S307 - a fixed table of NumPy expressions
        proto = tf.make_tensor_proto(value, dtype=getattr(tf, dtype) if dtype else None,
                                     shape=shape)
        return {"text": tf.constant(str(proto))}

    return build


def _graph_def_constants(tf, np):
    graph = tf.Graph()
    with graph.as_default():
        tf.constant(2, name="a")
        tf.constant([1.0, 2.0], name="b")
        tf.constant(np.float64(0.5), name="c")
        tf.constant([True], name="d")
    nodes = {n.name: n for n in graph.as_graph_def().node}
    return {name: tf.constant(str(nodes[name].attr["value"].tensor)) for name in "abcd"}


def _ones_like_strings(tf, np):
    return {"ones": tf.ones_like(["apple", "peach", "banana"])}


def _zeros_like_strings(tf, np):
    return {"zeros": tf.zeros_like(["apple", "peach", "banana"])}


def _global_step_by_name(tf, np):
    step = tf.Variable(0, name="global_step", trainable=False)
    x = tf.Variable(1.0)
    found = tf.train.get_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(x * x, global_step=found)
    with tf.control_dependencies([train]):
        after = tf.identity(step)
    return {"step": after, "found_name": tf.constant(found.name)}


def _float_global_step(tf, np):
    tf.Variable(0.5, name="global_step")
    return {"step": tf.train.get_global_step()}


SESSION12_SWEEP_CASES = [
    *[Case(f"session12_sweep/make_tensor_proto_{key}", _proto_text(key)) for key in _PROTO_VALUES],
    Case("session12_sweep/graph_def_constants", _graph_def_constants),
    Case("session12_sweep/ones_like_strings", _ones_like_strings),
    Case("session12_sweep/zeros_like_strings", _zeros_like_strings),
    Case("session12_sweep/global_step_by_name", _global_step_by_name, init=True, runs=3),
    Case("session12_sweep/float_global_step", _float_global_step),
]


def _input_producer_names(tf, np):
    queue = tf.train.string_input_producer(["a", "b"], num_epochs=2, capacity=8)
    with tf.name_scope("files") as scope:
        scoped = tf.train.string_input_producer(["a"], num_epochs=1, name=scope)
    ranged = tf.train.range_input_producer(4, num_epochs=1)
    tf.train.slice_input_producer([tf.constant([1, 2])], num_epochs=1)
    local = sorted(v.op.name for v in tf.local_variables())
    summaries = sorted(s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES))
    return {"queues": tf.constant([queue.name, scoped.name, ranged.name]),
            "local": tf.constant(local), "summaries": tf.constant(summaries)}


SESSION12_SWEEP_CASES.append(
    Case("session12_sweep/input_producer_names", _input_producer_names))
