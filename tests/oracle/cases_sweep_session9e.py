"""Oracle cases from session 9's sweep E (udacity/deep-learning's TF1 notebooks): constructs
those programs use, compared with TensorFlow.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _rank_asserts_built(tf, np):
    # Known ranks are decided when the graph is built: a NoOp when they hold, a ValueError
    # with TensorFlow's text when not; unknown ranks give an Assert op.
    v = tf.placeholder(tf.float32, [4], name="v")
    unknown = tf.placeholder(tf.float32, name="unknown")
    checks = [(tf.assert_rank, 2), (tf.assert_rank_at_least, 3), (tf.assert_rank_in, (0, 3))]
    texts = []
    for check, rank in checks:
        for message in (None, "msg"):
            try:
                check(v, rank, message=message)
                texts.append("no error")
            except ValueError as err:
                texts.append(str(err))
    ops = [tf.assert_rank(v, 1), tf.assert_rank_at_least(v, 1), tf.assert_rank_in(v, (1, 2)),
           tf.assert_rank(unknown, 0), tf.assert_rank_at_least(unknown, 1),
           tf.assert_rank_in(unknown, (1, 2))]
    return {"texts": tf.constant(texts),
            "ops": tf.constant([op.name + ":" + op.type for op in ops])}


def _rank_assert_run(value, rank):
    def build(tf, np):
        # language-translation's `tf.assert_rank(lr, 0)` on a placeholder of unknown shape.
        x = tf.placeholder(tf.float32, name="x")
        with tf.control_dependencies([tf.assert_rank(x, rank, message="x rank")]):
            out = tf.identity(x)
        return {"out": out}, {x: np.array(value, dtype=np.float32)}

    return build


SWEEP_SESSION9E_CASES = [
    Case("sweep_9e/rank_asserts_built", _rank_asserts_built),
    Case("sweep_9e/rank_assert_run_holds", _rank_assert_run(1.5, 0)),
    Case("sweep_9e/rank_assert_run_fails", _rank_assert_run([1.5, 2.0], 0)),
    Case("sweep_9e/rank_assert_run_matrix", _rank_assert_run([[1.0], [2.0]], 2)),
]


def _ref_variable_private_attributes(tf, np):
    # intro-to-tensorflow's checks read RefVariable._variable (the VariableV2 output) and the
    # initializer op by their private names.
    w = tf.Variable(tf.truncated_normal((784, 10)), name="weights")
    b = tf.Variable(tf.zeros(10))
    facts = [w._variable.name, w._variable.op.type, str(w._variable.shape.as_list()),
             w._initializer_op.name, w._initializer_op.type, b._variable.name,
             str(b._variable.shape.as_list())]
    return {"facts": tf.constant(facts)}


SWEEP_SESSION9E_CASES.append(
    Case("sweep_9e/ref_variable_private_attributes", _ref_variable_private_attributes))


def _clip_by_value_sparse_gradient(tf, np):
    # tv-script-generation's `clip_by_value(grad, -1., 1.)` over compute_gradients: the
    # embedding's IndexedSlices gradient is clipped per occurrence, then applied (summed).
    emb = tf.Variable(np.arange(15, dtype=np.float32).reshape(5, 3) / 10)
    w = tf.Variable(np.ones((3, 1), np.float32) * 3)
    ids = tf.constant([[0, 0, 1, 0], [2, 0, 1, 4]])
    loss = tf.reduce_sum(tf.tensordot(tf.nn.embedding_lookup(emb, ids), w, 1) * 2.0)
    opt = tf.train.GradientDescentOptimizer(0.1)
    capped = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in opt.compute_gradients(loss)]
    sparse = capped[0][0]
    with tf.control_dependencies([opt.apply_gradients(capped)]):
        updated = tf.identity(emb.read_value())
    return {"values": sparse.values, "indices": sparse.indices, "updated": updated,
            "kind": tf.constant(type(sparse).__name__)}


SWEEP_SESSION9E_CASES.append(
    Case("sweep_9e/clip_by_value_sparse_gradient", _clip_by_value_sparse_gradient, init=True))


def _loss_names(tf, np):
    # sentiment-rnn's tf.losses.mean_squared_error: the reduced loss is named `value`.
    labels = tf.placeholder(tf.float32, [None, 2])
    predictions = tf.placeholder(tf.float32, [None, 2])
    reduction = tf.losses.Reduction
    names = [tf.losses.mean_squared_error(labels, predictions, reduction=r).name
             for r in (reduction.NONE, reduction.SUM, reduction.MEAN,
                       reduction.SUM_OVER_BATCH_SIZE, reduction.SUM_BY_NONZERO_WEIGHTS,
                       reduction.SUM_OVER_NONZERO_WEIGHTS)]
    names += [tf.losses.absolute_difference(labels, predictions).name,
              tf.losses.softmax_cross_entropy(labels, predictions).name,
              tf.losses.sigmoid_cross_entropy(labels, predictions).name,
              tf.losses.compute_weighted_loss(predictions).name,
              tf.losses.mean_pairwise_squared_error(labels, predictions).name,
              tf.losses.huber_loss(labels, predictions).name,
              tf.losses.log_loss(labels, predictions).name,
              tf.losses.hinge_loss(labels, predictions).name,
              tf.losses.cosine_distance(labels, predictions, axis=1).name]
    return {"names": tf.constant(names), "reductions": tf.constant(list(reduction.all()))}


SWEEP_SESSION9E_CASES.append(Case("sweep_9e/loss_names", _loss_names))


def _like_names(tf, np):
    # gan_mnist's losses: labels=tf.ones_like(logits) * (1 - smooth), tf.zeros_like(logits);
    # the ops are named ones_like / zeros_like (and so inside sigmoid_cross_entropy).
    logits = tf.placeholder(tf.float32, [None, 1], name="logits")
    made = [tf.ones_like(logits), tf.ones_like(logits), tf.zeros_like(logits),
            tf.zeros_like(logits, dtype=tf.int32), tf.ones_like(logits, dtype=tf.float64),
            tf.ones_like(logits, name="targets")]
    loss = tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=made[0])
    names = [t.name for t in made] + [loss.name]
    names += sorted(op.name for op in tf.get_default_graph().get_operations()
                    if op.name.startswith("logistic_loss/") and "like" in op.name)
    return {"names": tf.constant(names)}


SWEEP_SESSION9E_CASES.append(Case("sweep_9e/like_names", _like_names))


def _one_hot_and_global_norm_names(tf, np):
    # Anna KaRNNa: tf.one_hot(inputs, num_classes) and clip_by_global_norm(tf.gradients(...)).
    inputs = tf.placeholder(tf.int32, [None, 5], name="inputs")
    hots = [tf.one_hot(inputs, 83), tf.one_hot(inputs, 83, name="x_one_hot"),
            tf.one_hot([1, 2], 3, on_value=5, off_value=-1)]
    a = tf.Variable([3.0, 4.0])
    clipped, norm = tf.clip_by_global_norm([a * 1.0, None, a * 2.0], 1.0)
    with tf.name_scope("outer"):
        named, named_norm = tf.clip_by_global_norm([a * 1.0], 1.0, name="clip")
        given, _ = tf.clip_by_global_norm([a * 1.0], 1.0, use_norm=tf.constant(2.0))
    graph = tf.get_default_graph()
    names = [t.name for t in hots] + [
        graph.get_tensor_by_name(n).name
        for n in ("one_hot/on_value:0", "x_one_hot/off_value:0")]
    names += [clipped[0].name, clipped[2].name, norm.name, named[0].name, named_norm.name,
              given[0].name]
    return {"names": tf.constant(names), "hot": hots[2], "clipped": clipped[2], "norm": norm}


SWEEP_SESSION9E_CASES.append(
    Case("sweep_9e/one_hot_and_global_norm_names", _one_hot_and_global_norm_names, init=True))
