"""Oracle cases from session 7's sweep B (nlintz, cnn-text-classification, char-rnn, DCGAN):
constructs those programs use, compared with TensorFlow.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _operand_names(tf, np):
    # A Python operand becomes a constant inside the op's own name scope (``mul/y``), for
    # the operators, their reflected forms and the functions, at top level and in a scope.
    c = tf.placeholder(tf.float32, name="c")
    i = tf.placeholder(tf.int32, name="i")
    m = tf.placeholder(tf.float32, [2, 2], name="m")
    names = []
    for scope in ("", "outer"):
        with tf.name_scope(scope or None):
            built = [c * 2, 2 * c, c + 1.0, c - 3, 1 / c, c ** 2, c // 2, c % 2, c > 0,
                     i / 2, 2 / i, tf.add(1, 2), tf.subtract(3.0, c), tf.multiply(c, 2),
                     tf.maximum(c, 0.0), tf.equal(c, 0.0), tf.div(c, 2.0), tf.truediv(i, 2),
                     tf.squared_difference(c, 1.0), m @ [[1.0, 2.0], [3.0, 4.0]],
                     tf.matmul([[1.0]], [[2.0]]), tf.add(c, 1.0, name="named_add")]
        for tensor in built:
            names.append(tensor.op.name + "(" + ",".join(x.name for x in tensor.op.inputs)
                         + ")")
    return {"names": tf.constant(names)}


def _frozen_graph(tf, np):
    # DCGAN's --freeze: convert_variables_to_constants keeps what the outputs need, makes the
    # variables constants; the frozen GraphDef imported back computes the same values.
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 4, name="w")
    b = tf.Variable([0.5, -1.0], name="b")
    tf.Variable(1.0, name="unused")
    out = tf.identity(tf.nn.relu(tf.matmul(x, w) + b), name="out")
    tf.identity(tf.check_numerics(out, "bad") * 2.0, name="z")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        graph_def = sess.graph.as_graph_def()
        frozen = tf.graph_util.convert_variables_to_constants(sess, graph_def, ["z"])
        only_w = tf.graph_util.convert_variables_to_constants(
            sess, graph_def, ["out"], variable_names_whitelist=["w"])
    pruned = tf.graph_util.extract_sub_graph(graph_def, ["out"])
    spliced = tf.graph_util.remove_training_nodes(pruned)
    spliced_protected = tf.graph_util.remove_training_nodes(pruned, protected_nodes=["out"])
    feed = tf.constant([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    z, = tf.import_graph_def(frozen, input_map={"x:0": feed}, return_elements=["z:0"],
                             name="frozen")

    def listing(graph_def):
        return tf.constant(sorted(n.name + ":" + n.op + "<" + ",".join(n.input) + ">"
                                  for n in graph_def.node))

    return {"z": z, "frozen": listing(frozen), "only_w": listing(only_w),
            "pruned": tf.constant([n.name for n in pruned.node]),
            "spliced": listing(spliced), "spliced_protected": listing(spliced_protected),
            "shape": tf.constant(str(tf.graph_util.tensor_shape_from_node_def_name(
                tf.get_default_graph(), "x"))),
            "on_cpu": tf.constant([tf.graph_util.must_run_on_cpu(n) for n in frozen.node]
                                  + [tf.graph_util.must_run_on_cpu(n, True)
                                     for n in graph_def.node])}


SWEEP_SESSION7B_CASES = [
    Case("sweep_7b/python_operand_names", _operand_names),
    Case("sweep_7b/graph_util_freeze", _frozen_graph),
]
