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
    with tf.name_scope("outer"):
        with tf.variable_scope(scope):
            nested = tf.constant(1.0)
    names = [t.name for t in (first, var, again, root, same, nested)]
    return {"names": tf.constant(np.array(names, dtype=object))}


SWEEP_A_CASES = [
    Case("sweep_a/variable_scope/reentered_names", _reentered_scope_names),
]
