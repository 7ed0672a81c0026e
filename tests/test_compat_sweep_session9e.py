"""Session 9 sweep E (udacity/deep-learning, the Deep Learning Nanodegree's TF1 notebooks):
what those programs needed, as specifications. TensorFlow's own answers for the same
constructs are in tests/oracle/cases_sweep_session9e.py."""

import numpy as np
import pytest

import smallflow as tf

# -- tf.assert_rank* on a tensor whose rank is known only when it runs --------------------------
# language-translation's unit tests do `assert tf.assert_rank(lr, 0)` on a placeholder of
# unknown shape: TF1 builds an Assert op that checks tf.rank(x) at run time.

RANK_CHECKS = [
    # (function, given rank(s), a value that passes, a value that fails)
    (tf.assert_rank, 0, 1.0, [1.0]),
    (tf.assert_rank, 2, [[1.0]], [1.0]),
    (tf.assert_rank_at_least, 1, [[1.0]], 1.0),
    (tf.assert_rank_in, (1, 2), [1.0], [[[1.0]]]),
]


@pytest.mark.parametrize(("check", "rank", "good", "bad"), RANK_CHECKS)
def test_rank_asserts_on_unknown_rank_check_when_run(check, rank, good, bad):
    x = tf.placeholder(tf.float32, name="x")
    op = check(x, rank, message="x rank")
    assert op.type == "Assert"
    with tf.Session() as sess:
        sess.run(op, {x: good})
        with pytest.raises(tf.errors.InvalidArgumentError, match="x rank"):
            sess.run(op, {x: bad})


@pytest.mark.parametrize(("check", "rank", "good", "bad"), RANK_CHECKS)
def test_rank_asserts_on_known_rank_decide_when_built(check, rank, good, bad):
    ok = check(tf.constant(good), rank)
    assert ok.type == "NoOp"
    assert ok.name.endswith("/static_checks_determined_all_ok")
    with pytest.raises(ValueError, match=r"^msg\.  Tensor Const_1:0 must have rank"):
        check(tf.constant(bad), rank, message="msg")


def test_rank_assert_messages_are_tensorflows():
    v = tf.placeholder(tf.float32, [4], name="v")
    cases = [
        (tf.assert_rank, 2, "Tensor v:0 must have rank 2.  Received rank 1, shape (4,)"),
        (tf.assert_rank_at_least, 3,
         "Tensor v:0 must have rank at least 3.  Received rank 1, shape (4,)"),
        (tf.assert_rank_in, (0, 3),
         "Tensor v:0 must have rank in (0, 3).  Received rank 1, shape (4,)"),
    ]
    for check, rank, text in cases:
        with pytest.raises(ValueError, match="must have rank") as info:
            check(v, rank)
        assert str(info.value) == text


def test_rank_given_as_a_tensor_is_checked_when_run():
    x = tf.placeholder(tf.float32, [None, 3])
    wanted = tf.placeholder(tf.int32, [])
    op = tf.assert_rank(x, wanted)
    with tf.Session() as sess:
        sess.run(op, {x: np.zeros((2, 3)), wanted: 2})
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(op, {x: np.zeros((2, 3)), wanted: 1})


def test_rank_must_be_a_scalar():
    with pytest.raises(ValueError, match="Rank must be a scalar"):
        tf.assert_rank(tf.constant([1.0]), [1])


# -- tensorflow.python.layers.* module paths ------------------------------------------------------
# language-translation does `from tensorflow.python.layers.core import Dense`.


def test_python_layers_core_dense_is_tf_layers_dense():
    from smallflow.python.layers.core import Dense, FullyConnected, dense

    assert Dense is tf.layers.Dense
    assert FullyConnected is tf.layers.Dense
    assert dense is tf.layers.dense
    layer = Dense(3, name="output_layer")
    out = layer(tf.zeros([2, 4]))
    assert out.shape.as_list() == [2, 3]
    assert layer.kernel.name == "output_layer/kernel:0"


def test_python_layers_modules_hold_their_own_names_only():
    from smallflow.python.layers import base, convolutional, core, normalization, pooling

    assert convolutional.Conv2DTranspose is tf.layers.Conv2DTranspose
    assert convolutional.Deconvolution2D is tf.layers.Conv2DTranspose
    assert pooling.MaxPool2D is tf.layers.MaxPooling2D
    assert pooling.max_pool2d is tf.layers.max_pooling2d
    assert normalization.batch_normalization is tf.layers.batch_normalization
    assert base.Layer is tf.layers.Layer
    with pytest.raises(AttributeError, match="has no attribute 'conv2d'"):
        core.conv2d  # noqa: B018 - conv2d lives in layers.convolutional, not layers.core
    with pytest.raises(ImportError):
        from smallflow.python.layers.core import max_pooling2d  # noqa: F401


# -- TF1's private Tensor/RefVariable attributes read by intro-to-tensorflow's checks -------------


def test_intro_to_tensorflow_checks_on_private_attributes_hold():
    # The notebook's own test cell, against the learner's answer.
    features = tf.placeholder(tf.float32)
    labels = tf.placeholder(tf.float32, [None, 10])
    weights = tf.Variable(tf.truncated_normal((784, 10)))
    biases = tf.Variable(tf.zeros(10))
    assert features._op.name.startswith("Placeholder")
    assert features._shape == None  # noqa: E711 - TensorShape(None) equals None in TF1
    assert labels._shape.dims[0].value is None
    assert labels._shape.dims[1].value == 10
    assert weights._variable._shape == (784, 10)
    assert biases._variable._shape == (10)
    assert features._dtype == tf.float32


def test_ref_variable_private_attributes_are_its_ops():
    w = tf.Variable(tf.zeros([3, 2]), name="w")
    assert w._variable is w.op.outputs[0]
    assert w._variable.name == "w:0"
    assert w._variable.op.type == "VariableV2"
    assert w._initializer_op is w.initializer
    assert w._initializer_op.name == "w/Assign"


# -- tf.clip_by_value on an embedding's gradient --------------------------------------------------
# tv-script-generation (and language-translation) clip every gradient with
# `[(tf.clip_by_value(grad, -1., 1.), var) for grad, var in gradients]`: the embedding's
# IndexedSlices gradient is clipped occurrence by occurrence and summed when applied.


def test_clip_by_value_keeps_indexed_slices_sparse():
    values = tf.constant([[3.0, -0.5], [-2.0, 0.25], [0.5, 9.0]])
    sliced = tf.IndexedSlices(values, tf.constant([0, 2, 0]), tf.constant([4, 2]))
    clipped = tf.clip_by_value(sliced, -1.0, 1.0)
    assert isinstance(clipped, tf.IndexedSlices)
    assert clipped.indices is sliced.indices
    assert clipped.dense_shape is sliced.dense_shape
    with tf.Session() as sess:
        got = sess.run(clipped.values)
    np.testing.assert_array_equal(got, [[1.0, -0.5], [-1.0, 0.25], [0.5, 1.0]])


def test_clipped_embedding_gradient_is_summed_after_clipping():
    table = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    ids = np.array([[0, 0, 1, 0], [2, 0, 1, 3]])
    emb = tf.Variable(table)
    loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, ids) * 4.0)
    opt = tf.train.GradientDescentOptimizer(0.1)
    capped = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in opt.compute_gradients(loss)]
    train = opt.apply_gradients(capped)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        got = sess.run(emb)
    # Each occurrence's gradient (4.0) is clipped to 1.0, then the occurrences add up.
    occurrences = np.bincount(ids.ravel(), minlength=4).astype(np.float32)
    np.testing.assert_allclose(got, table - 0.1 * occurrences[:, None], rtol=1e-6)


# -- tf.losses result names (sentiment-rnn's `tf.losses.mean_squared_error`) ----------------------


def test_weighted_losses_are_named_value_as_in_tensorflow():
    labels = tf.placeholder(tf.int32, [None, 1])
    predictions = tf.placeholder(tf.float32, [None, 1])
    reduction = tf.losses.Reduction
    names = [tf.losses.mean_squared_error(labels, predictions, reduction=r).name
             for r in (reduction.NONE, reduction.SUM, reduction.MEAN,
                       reduction.SUM_OVER_BATCH_SIZE, reduction.SUM_BY_NONZERO_WEIGHTS)]
    assert names == ["mean_squared_error/Mul:0", "mean_squared_error_1/Sum:0",
                     "mean_squared_error_2/value:0", "mean_squared_error_3/value:0",
                     "mean_squared_error_4/value:0"]
    pairwise = tf.losses.mean_pairwise_squared_error(tf.zeros([2, 3]), tf.ones([2, 3]))
    assert pairwise.name == "mean_pairwise_squared_error/value_2:0"
    assert tf.get_collection(tf.GraphKeys.LOSSES)[-1] is pairwise


def test_sum_over_nonzero_weights_is_the_by_nonzero_reduction():
    reduction = tf.losses.Reduction
    assert reduction.SUM_OVER_NONZERO_WEIGHTS == reduction.SUM_BY_NONZERO_WEIGHTS
    assert reduction.SUM_OVER_NONZERO_WEIGHTS in reduction.all()
    loss = tf.losses.mean_squared_error([[1], [0], [1]], [[0.7], [0.5], [0.2]],
                                        weights=[[1.0], [0.0], [2.0]],
                                        reduction=reduction.SUM_OVER_NONZERO_WEIGHTS)
    with tf.Session() as sess:
        got = sess.run(loss)
    np.testing.assert_allclose(got, (0.3 ** 2 + 2 * 0.8 ** 2) / 2, rtol=1e-6)


# -- default names of zeros_like / ones_like (gan_mnist's labels=tf.ones_like(logits)) ------------


def test_zeros_like_and_ones_like_are_named_as_in_tensorflow():
    logits = tf.placeholder(tf.float32, [None, 1])
    assert tf.ones_like(logits).name == "ones_like:0"
    assert tf.ones_like(logits).name == "ones_like_1:0"
    assert tf.zeros_like(logits).name == "zeros_like:0"
    assert tf.zeros_like(logits, dtype=tf.int32).name == "zeros_like_1:0"
    assert tf.ones_like(logits, name="targets").name == "targets:0"
    tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=tf.zeros_like(logits))
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "logistic_loss/zeros_like" in names


# -- names in Anna KaRNNa's graph: tf.one_hot, tf.clip_by_global_norm ------------------------------


def test_one_hot_is_built_in_a_one_hot_scope():
    inputs = tf.placeholder(tf.int32, [None, 5], name="inputs")
    first = tf.one_hot(inputs, 83)
    assert first.name == "one_hot:0"
    input_names = [t.name for t in first.op.inputs]
    assert "one_hot/on_value:0" in input_names
    assert "one_hot/off_value:0" in input_names
    assert tf.one_hot(inputs, 83).name == "one_hot_1:0"
    assert tf.one_hot(inputs, 83, name="x_one_hot").name == "x_one_hot:0"


def test_clip_by_global_norm_names_as_tensorflow():
    a = tf.Variable([3.0, 4.0])
    clipped, norm = tf.clip_by_global_norm([a * 1.0, None], 1.0)
    assert norm.name == "global_norm/global_norm:0"
    assert clipped[0].name == "clip_by_global_norm/clip_by_global_norm/_0:0"
    assert clipped[1] is None
    with tf.name_scope("outer"):
        named, named_norm = tf.clip_by_global_norm([a * 1.0], 1.0, name="clip")
    assert named_norm.name == "outer/clip/global_norm:0"
    assert named[0].name == "outer/clip_1/outer/clip_1/_0:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(clipped[0]), [0.6, 0.8], rtol=1e-6)
