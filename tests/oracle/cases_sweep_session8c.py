"""Oracle cases from session 8's sweep C (Google's Machine Learning Crash Course): feature
columns over several values per example, as its sparse-data exercise feeds them (a padded
``[batch, n]`` string matrix and a SparseTensor from a VarLenFeature).

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case

_TABLE = [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0], [-1.0, 0.5]]


def _multivalent_columns(tf, np):
    fc = tf.feature_column
    dense = tf.constant([[b"the", b"bad", b""], [b"x", b"", b""], [b"bad", b"bad", b"great"]])
    sparse = tf.SparseTensor(indices=[[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]],
                             values=[b"the", b"bad", b"bad", b"bad", b"great"],
                             dense_shape=[3, 3])
    words = fc.categorical_column_with_vocabulary_list("terms", ["bad", "great", "the", "fun"])
    out = {}
    for source, value in (("dense", dense), ("sparse", sparse)):
        features = {"terms": value}
        out[source + "/indicator"] = fc.input_layer(features, [fc.indicator_column(words)])
        for combiner in ("mean", "sum", "sqrtn"):
            column = fc.embedding_column(words, 2, combiner=combiner,
                                         initializer=tf.constant_initializer(_TABLE))
            out[f"{source}/embedding_{combiner}"] = fc.input_layer(features, [column])
    return out, {}, [tf.tables_initializer()]


def _multivalent_linear_model(tf, np):
    fc = tf.feature_column
    features = {"terms": tf.constant([[b"the", b"bad", b""], [b"x", b"", b""],
                                      [b"bad", b"bad", b"great"]]),
                "n": tf.constant([[1, -1], [0, 2], [-1, -1]], tf.int64)}
    words = fc.categorical_column_with_vocabulary_list("terms", ["bad", "great", "the", "fun"])
    ids = fc.categorical_column_with_identity("n", 3)
    out = {}
    for combiner in ("sum", "mean", "sqrtn"):
        with tf.variable_scope(combiner):
            logits = fc.linear_model(features, [words, ids], units=2,
                                     sparse_combiner=combiner)
        out[combiner] = logits
    # Non-zero weights, set after initialization, so the combiners' results differ.
    setup = [tf.tables_initializer()] + [
        v.assign(tf.reshape(tf.cast(tf.range(tf.size(v)), tf.float32) / 4.0 - 0.5,
                            tf.shape(v)))
        for v in tf.global_variables()]
    out["names"] = tf.constant(sorted(v.op.name for v in tf.global_variables()))
    return out, {}, setup


SWEEP_SESSION8C_CASES = [
    Case("sweep_8c/multivalent_columns", _multivalent_columns, init=True),
    Case("sweep_8c/multivalent_linear_model", _multivalent_linear_model, init=True),
]
