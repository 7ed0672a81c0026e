"""Oracle cases for constructs found by compatibility sweep A (docs/compatibility.md, session 4:
nfmcclure's cookbook, Görner's "without a PhD" MNIST, Torres' "First Contact").

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _reentered_scope_names(tf, np):
    # siamese_similarity_model: `variable_scope(get_variable_scope(), reuse=True)` at the root,
    # and a scope object entered again (TF1 opens a new name scope `foo_1` for its ops).
    with tf.variable_scope("foo") as scope:
        first = tf.constant(1.0)
        var = tf.get_variable("v", [1])
    with tf.variable_scope(scope):
        again = tf.constant(1.0)
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        root = tf.constant(2.0)
        same = tf.get_variable("foo/v", [1])
    with tf.name_scope("outer"), tf.variable_scope(scope):
        nested = tf.constant(1.0)
    names = [t.name for t in (first, var, again, root, same, nested)]
    return {"names": tf.constant(np.array(names, dtype=object))}


def _second_call_names(tf, np):
    # A layer object and an RNN cell called twice re-enter their first name scope
    # (`proj/BiasAdd_1`); a template opens a new one (`tm_1/`); auxiliary_name_scope=False
    # keeps the current name scope and makes it the scope's original_name_scope.
    x = tf.placeholder(tf.float32, [2, 4])
    state = tf.zeros([2, 3])
    cell = tf.nn.rnn_cell.BasicRNNCell(3)
    a, _ = cell(x, state)
    b, _ = cell(x, state)

    def body(v):
        return tf.matmul(v, tf.get_variable("w", [4, 4]))

    template = tf.make_template("tm", body)
    c, d = template(x), template(x)
    dense = tf.layers.Dense(3, name="proj")
    e, f = dense(x), dense(x)
    with tf.variable_scope("foo") as scope:
        pass
    with tf.variable_scope(scope, auxiliary_name_scope=False):
        g = tf.constant(1.0)
    with tf.name_scope("ns"):
        with tf.variable_scope(scope, auxiliary_name_scope=False):
            h = tf.constant(1.0)
        with tf.variable_scope("bar", auxiliary_name_scope=False) as bar:
            i = tf.constant(1.0)
            j = tf.get_variable("j", [1])
    names = [t.name for t in (a, b, c, d, e, f, g, h, i, j)] + [bar.original_name_scope]
    return {"names": tf.constant(np.array(names, dtype=object))}


def _edit_distance(normalize, dtype):
    def build(tf, np):
        # cookbook 05/03 and 05/05: distances between words split into characters.
        values = {"string": (["a", "b"], ["a", "b", "c"]), "int64": ([1, 2], [1, 2, 3])}[dtype]
        h = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], values[0], [2, 1, 1])
        t = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1]], values[1], [2, 2, 2])
        return {"d": tf.edit_distance(h, t, normalize=normalize)}
    return build


def _edit_distance_words(tf, np):
    words = [list("tensor"), list("flow"), list("")]
    truth = list("tensorflow")
    h_idx = [[i, j] for i, w in enumerate(words) for j in range(len(w))]
    h = tf.SparseTensor(h_idx, [c for w in words for c in w], [3, 6])
    t = tf.SparseTensor([[i, j] for i in range(3) for j in range(len(truth))], truth * 3,
                        [3, len(truth)])
    return {"d": tf.edit_distance(h, t), "raw": tf.edit_distance(h, t, normalize=False)}


SWEEP_A_CASES = [
    Case("sweep_a/edit_distance/normalized_string", _edit_distance(True, "string")),
    Case("sweep_a/edit_distance/raw_int64", _edit_distance(False, "int64")),
    Case("sweep_a/edit_distance/words", _edit_distance_words),
    Case("sweep_a/variable_scope/second_calls", _second_call_names),
    Case("sweep_a/variable_scope/reentered_names", _reentered_scope_names),
]
