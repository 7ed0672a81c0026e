"""Oracle cases from swb's compatibility sweep (TensorFlow's examples, EffectiveTensorflow):
constructs that broke in those programs, compared with TensorFlow.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _losses_float64(tf, np):
    # iris_custom_model: float64 features give float64 logits. The cross entropies keep the
    # logits' dtype; the regression losses compute in float32.
    logits = tf.constant(np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]))
    onehot = tf.constant(np.array([[1.0, 0, 0], [0, 0, 1.0]]))
    unit = tf.nn.l2_normalize(logits, 1)
    return {
        "sparse": tf.losses.sparse_softmax_cross_entropy(labels=[0, 2], logits=logits),
        "softmax": tf.losses.softmax_cross_entropy(onehot, logits, weights=0.5),
        "sigmoid": tf.losses.sigmoid_cross_entropy(onehot, logits),
        "mse": tf.losses.mean_squared_error(onehot, logits, weights=[[1.0], [2.0]]),
        "absolute": tf.losses.absolute_difference(onehot, logits),
        "huber": tf.losses.huber_loss(onehot, logits),
        "log": tf.losses.log_loss(onehot, tf.sigmoid(logits)),
        "hinge": tf.losses.hinge_loss(onehot, logits),
        "cosine": tf.losses.cosine_distance(onehot, unit, axis=1),
        "pairwise": tf.losses.mean_pairwise_squared_error(onehot, logits),
    }


def _scope_names(tf, np):
    # EffectiveTensorflow make_parallel: the root scope re-entered with reuse; a scope object
    # re-entered inside another scope.
    names = []
    with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE) as root:
        names += [root.name, root.original_name_scope, tf.constant(1).op.name,
                  tf.get_variable("w", [1]).op.name]
    with tf.name_scope("foo"):
        pass
    with tf.variable_scope("foo") as foo:
        names += [foo.original_name_scope, tf.constant(1).op.name]
    with tf.variable_scope("outer"):
        with tf.variable_scope(foo, reuse=tf.AUTO_REUSE) as again:
            names += [again.name, again.original_name_scope, tf.constant(1).op.name,
                      tf.get_variable("v", [1]).op.name]
        with tf.variable_scope(tf.get_variable_scope()) as same:
            names += [same.name, same.original_name_scope, tf.constant(1).op.name]
    return {"names": tf.constant(names)}


def _py_func_types(tf, np, which):
    # EffectiveTensorflow's feeding section: a py_func declared float32 returning NumPy's
    # float64 fails when it runs; values of the declared dtype pass through.
    if which == "mismatch":
        return {"out": tf.py_func(lambda: np.random.normal(size=[3]), [], tf.float32)}
    return {"out": tf.py_func(lambda x: (x * 2).astype(np.float32), [tf.constant([1.5])],
                              [tf.float32])[0]}


SWEEP_B_CASES = [
    *[Case(f"sweep_b/py_func_dtype_{w}", lambda tf, np, w=w: _py_func_types(tf, np, w))
      for w in ("mismatch", "match")],
    Case("sweep_b/losses_of_float64_inputs", _losses_float64),
    Case("sweep_b/variable_scope_reentered", _scope_names),
]
