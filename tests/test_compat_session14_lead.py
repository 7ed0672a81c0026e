"""Session 14 (lead): what a comparison of smallflow's public signatures with TensorFlow's
``compat.v1`` (the TF 1.x API that TensorFlow 2 keeps) found: argument names and orders
that differed, and TF 1.15 methods that were missing (Variable, Tensor, TensorShape,
Saver, Scaffold). Values are compared with TensorFlow in tests/oracle/cases_session14_lead.py.
"""

import inspect

import numpy as np
import pytest

import smallflow as tf

# TensorFlow 1.x's positional arguments (names in order) of functions whose names or order
# differed: a program calling them positionally or by keyword must mean the same thing.
POSITIONAL = {
    "confusion_matrix": ["labels", "predictions", "num_classes", "dtype", "name", "weights"],
    "math.confusion_matrix": ["labels", "predictions", "num_classes", "dtype", "name",
                              "weights"],
    "parallel_stack": ["values", "name"],
    "nn.max_pool2d": ["input", "ksize", "strides", "padding", "data_format", "name"],
    "nn.conv2d_transpose": ["value", "filter", "output_shape", "strides", "padding",
                            "data_format", "name", "input", "filters", "dilations"],
    "nn.conv3d_transpose": ["value", "filter", "output_shape", "strides", "padding",
                            "data_format", "name", "input", "filters", "dilations"],
    "nn.pool": ["input", "window_shape", "pooling_type", "padding", "dilation_rate",
                "strides", "name", "data_format", "dilations"],
    "strings.to_number": ["string_tensor", "out_type", "name", "input"],
    "string_to_number": ["string_tensor", "out_type", "name", "input"],
    "space_to_batch": ["input", "paddings", "block_size", "name", "block_shape"],
    "batch_to_space": ["input", "crops", "block_size", "name", "block_shape"],
    "sparse_concat": ["axis", "sp_inputs", "name", "expand_nonconcat_dim", "concat_dim",
                      "expand_nonconcat_dims"],
    "verify_tensor_all_finite": ["t", "msg", "name", "x", "message"],
    "metrics.sensitivity_at_specificity": [
        "labels", "predictions", "specificity", "weights", "num_thresholds",
        "metrics_collections", "updates_collections", "name"],
    "metrics.specificity_at_sensitivity": [
        "labels", "predictions", "sensitivity", "weights", "num_thresholds",
        "metrics_collections", "updates_collections", "name"],
    "batch_scatter_update": ["ref", "indices", "updates", "use_locking", "name"],
}


def _lookup(path):
    value = tf
    for part in path.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("path", sorted(POSITIONAL))
def test_arguments_are_tensorflow_1s(path):
    parameters = [p.name for p in inspect.signature(_lookup(path)).parameters.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)]
    assert parameters == POSITIONAL[path]


def test_pool_strides_default_to_one():
    x = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    with tf.Session() as sess:
        pooled = sess.run(tf.nn.pool(x, [2, 2], "MAX", "VALID"))
    assert pooled.shape == (1, 3, 3, 2)
    np.testing.assert_array_equal(pooled[0, :, :, 0], x[0, 1:, 1:, 0])


def test_renamed_arguments_refuse_both_names():
    with pytest.raises(ValueError, match="Cannot specify both 'input' and 'string_tensor'"):
        tf.string_to_number(["1"], input=["2"])
    with pytest.raises(ValueError, match="Cannot specify both"):
        tf.nn.conv2d_transpose(np.ones((1, 2, 2, 1), np.float32), input=np.ones((1, 2, 2, 1)),
                               filter=np.ones((1, 1, 1, 1), np.float32), output_shape=[1, 2, 2, 1],
                               strides=1)


def test_variable_methods_of_tensorflow_1():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    counter = tf.Variable(0)
    bump = counter.count_up_to(2)
    added = v.scatter_nd_add([[0, 1]], [5.0])
    subtracted = v.scatter_nd_sub([[1, 2]], [1.0])
    updated = v.scatter_nd_update([[1, 0]], [7.0])
    gathered = v.gather_nd([[0, 1], [1, 2]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(bump), sess.run(bump)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(bump)
        sess.run([added])
        sess.run(subtracted)
        sess.run(updated)
        np.testing.assert_array_equal(sess.run(v), [[0, 5, 0], [7, 0, -1]])
        np.testing.assert_array_equal(sess.run(gathered), [5, -1])


def test_batch_scatter_update_of_a_variable_and_its_errors():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    update = v.batch_scatter_update(tf.IndexedSlices(tf.constant([[1.0], [2.0]]),
                                                     tf.constant([[2], [0]])))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(update), [[0, 0, 1], [2, 0, 0]])
    with pytest.raises(TypeError, match="sparse_delta is not IndexedSlices"):
        v.batch_scatter_update(np.ones(2))
    with pytest.raises(ValueError, match="at least 1-D"):
        tf.batch_scatter_update(v, 0, 1.0)


def test_references_are_hashable_by_identity():
    a = tf.constant([1.0, 2.0])
    b = tf.constant([1.0, 2.0])
    v = tf.Variable(1.0)
    seen = {a.experimental_ref(): "a", b.ref(): "b", v.ref(): "v"}
    assert seen[a.ref()] == "a"
    assert seen[b.experimental_ref()] == "b"
    assert seen[v.experimental_ref()] == "v"
    assert a.ref().deref() is a
    assert a.ref() != b.ref()
    assert "Reference wrapping" in repr(v.ref())


def test_tensor_shape_assertions():
    shape = tf.TensorShape([None, 3])
    shape.assert_same_rank(tf.TensorShape([4, None]))
    shape.assert_same_rank(tf.TensorShape(None))
    with pytest.raises(ValueError, match="must have the same rank"):
        shape.assert_same_rank([1])
    with pytest.raises(ValueError, match="is not fully defined"):
        shape.assert_is_fully_defined()
    tf.TensorShape([2, 3]).assert_is_fully_defined()
    with pytest.raises(ValueError, match="not compatible"):
        tf.Dimension(3).assert_is_compatible_with(4)
    tf.Dimension(None).assert_is_compatible_with(4)
    assert tf.TensorShape([1, 3]).most_specific_compatible_shape([2, 3]).as_list() == [None, 3]
    assert tf.TensorShape([1]).most_specific_compatible_shape([1, 2]).ndims is None


def test_saver_defer_build_collects_variables_at_build(tmp_path):
    saver = tf.train.Saver(defer_build=True)  # no variables yet: built later
    v = tf.Variable(3.0, name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(RuntimeError, match="build\\(\\)` should be called before save"):
            saver.save(sess, str(tmp_path / "model"))
        saver.build()
        saver.build()  # a second build does nothing
        path = saver.save(sess, str(tmp_path / "model"))
        sess.run(v.assign(5.0))
        saver.restore(sess, path)
        assert sess.run(v) == 3.0
    saver.set_last_checkpoints([path])
    assert saver.last_checkpoints == [path]
    with pytest.raises(TypeError, match="must be a list"):
        saver.set_last_checkpoints(path)


def test_scaffold_uses_the_graph_collections():
    tf.Variable(1.0)
    custom_init = tf.group(tf.global_variables_initializer(), name="custom_init")
    tf.add_to_collection(tf.GraphKeys.INIT_OP, custom_init)
    scaffold = tf.train.Scaffold()
    scaffold.finalize()
    graph = tf.get_default_graph()
    assert scaffold.init_op is custom_init
    # The defaults made are added to their collections, as TensorFlow's Scaffold does.
    assert graph.get_collection(tf.GraphKeys.LOCAL_INIT_OP) == [scaffold.local_init_op]
    assert graph.get_collection(tf.GraphKeys.READY_OP) == [scaffold.ready_op]
    assert graph.get_collection(tf.GraphKeys.SAVERS) == [scaffold.saver]
    copied = tf.train.Scaffold(copy_from_scaffold=scaffold, init_fn=print)
    assert copied.init_op is custom_init
    assert copied.saver is scaffold.saver
    assert copied.init_fn is print
    with pytest.raises(TypeError, match="not a Scaffold instance"):
        tf.train.Scaffold(copy_from_scaffold=object())


def test_scaffold_get_or_default_refuses_two_items():
    tf.add_to_collection("my_ops", tf.no_op())
    tf.add_to_collection("my_ops", tf.no_op())
    with pytest.raises(RuntimeError, match='More than one item in the collection "my_ops"'):
        tf.train.Scaffold.get_or_default("my_op", "my_ops", tf.no_op)
    made = tf.train.Scaffold.get_or_default("other", "other_ops", lambda: "made")
    assert made == "made"
    assert tf.get_collection("other_ops") == ["made"]


def test_linear_operator_add_to_tensor_takes_mat():
    operator = tf.linalg.LinearOperatorIdentity(2)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(operator.add_to_tensor(mat=np.ones((2, 2)))),
                                      [[2, 1], [1, 2]])


def test_rnn_cells_have_the_layer_methods_of_tensorflow_1():
    # Figures from TensorFlow (tf_keras's legacy cells) on the same graph.
    x = tf.placeholder(tf.float32, [None, 5, 3])
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(3)])
    tf.nn.dynamic_rnn(stack, x, dtype=tf.float32, scope="stack")
    frozen = tf.nn.rnn_cell.LSTMCell(2, trainable=False)
    tf.nn.dynamic_rnn(frozen, x, dtype=tf.float32, scope="frozen")
    assert cell.count_params() == 128
    assert len(cell.trainable_weights) == 2
    assert stack.count_params() == 126
    assert len(stack.trainable_weights) == 8
    assert frozen.trainable_weights == []
    assert len(frozen.non_trainable_weights) == 2
    assert frozen.losses == frozen.updates == []
    with pytest.raises(ValueError, match="isn't built"):
        tf.nn.rnn_cell.GRUCell(3).count_params()
    with pytest.raises(ValueError, match="needs a default session"):
        cell.get_weights()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        cell.set_weights([np.ones((7, 16), np.float32), np.full(16, 2.0, np.float32)])
        kernel, bias = cell.get_weights()
        with pytest.raises(ValueError, match="expecting 2 weights"):
            cell.set_weights([kernel])
        with pytest.raises(ValueError, match="not compatible"):
            cell.set_weights([bias, kernel])
    assert kernel.sum() == 7 * 16
    assert bias.sum() == 32


# What tf_keras's compute_mask gives with a mask / with None (TensorFlow 2.21, legacy Keras).
KERAS_MASKS = {"activation": "mask/None", "conv1d": "TypeError/None", "dense": "mask/None",
               "dropout": "mask/None", "flatten": "TypeError/None", "lstm": "None/None",
               "lstm_seq": "mask/None", "td": "mask/None"}


def test_keras_compute_mask_as_tensorflow():
    layers = tf.keras.layers
    x = tf.constant(np.ones((2, 3, 4), np.float32))
    mask = tf.constant([[True, False, True], [True, True, False]])
    found = {}
    for name, layer in [("dense", layers.Dense(2)), ("dropout", layers.Dropout(0.5)),
                        ("flatten", layers.Flatten()), ("conv1d", layers.Conv1D(2, 2)),
                        ("lstm_seq", layers.LSTM(2, return_sequences=True)),
                        ("lstm", layers.LSTM(2)), ("activation", layers.Activation("relu")),
                        ("td", layers.TimeDistributed(layers.Dense(2)))]:
        layer(x)
        try:
            found[name] = "None" if layer.compute_mask(x, mask) is None else "mask"
        except TypeError:
            found[name] = "TypeError"
        found[name] += "/None" if layer.compute_mask(x, None) is None else "/mask"
    assert found == KERAS_MASKS
    ids = tf.constant([[1, 0, 2]])
    embedding = layers.Embedding(3, 2, mask_zero=True)
    masking = layers.Masking()
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(embedding.compute_mask(ids)), [[True, False, True]])
        np.testing.assert_array_equal(
            sess.run(masking.compute_mask(tf.constant([[[0.0], [1.0]]]))), [[False, True]])
    assert layers.Embedding(3, 2).compute_mask(ids) is None
    state = layers.LSTM(2, return_sequences=True, return_state=True)
    state(x)
    masks = state.compute_mask(x, mask)
    assert masks[0] is mask
    assert masks[1:] == [None, None]


def test_tf_layers_count_params_and_set_weights():
    dense = tf.layers.Dense(3)
    with pytest.raises(ValueError, match="isn't built"):
        dense.count_params()
    dense(tf.placeholder(tf.float32, [None, 4]))
    assert dense.count_params() == 15
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dense.set_weights([np.ones((4, 3), np.float32), np.zeros(3, np.float32)])
        kernel, bias = dense.get_weights()
    assert kernel.sum() == 12
    assert not bias.any()


def test_compiled_op_libraries_are_refused_clearly(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="missing.so"):
        tf.load_op_library(str(tmp_path / "missing.so"))
    library = tmp_path / "zero_out.so"
    library.write_bytes(b"\x7fELF")
    for load in (tf.load_op_library, tf.load_library, tf.load_file_system_library):
        with pytest.raises(NotImplementedError, match="zero_out.so.*cannot load"):
            load(str(library))


def _tanh_layer_jacobians(x, w):
    """d tanh(x @ w)[i, j] / d x[k, l] and / d w[k, l], by hand."""
    y = np.tanh(x @ w)
    slope = 1.0 - y * y
    rows, cols = y.shape
    by_x = np.zeros((rows, cols, *x.shape))
    by_w = np.zeros((rows, cols, *w.shape))
    for i in range(rows):
        for j in range(cols):
            by_x[i, j, i, :] = slope[i, j] * w[:, j]
            by_w[i, j, :, j] = slope[i, j] * x[i, :]
    return by_x, by_w


def _jacobians(x_value, w_value):
    x = tf.constant(x_value)
    w = tf.Variable(w_value)
    unused = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.tanh(tf.matmul(x, w))
    by_x, by_w = tape.jacobian(y, [x, w])
    batch = tape.batch_jacobian(y, x)
    assert tape.jacobian(y, unused) is None
    zeros = tape.jacobian(y, unused, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return by_x, by_w, batch, zeros


@pytest.mark.parametrize("eager", [False, True])
def test_gradient_tape_jacobians(eager):
    if eager:
        tf.enable_eager_execution()
    x_value = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
    w_value = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    want_x, want_w = _tanh_layer_jacobians(x_value.astype(np.float64),
                                           w_value.astype(np.float64))
    results = _jacobians(x_value, w_value)
    if eager:
        values = [r.numpy() for r in results]
    else:
        assert [r.shape.as_list() for r in results] == [[2, 4, 2, 3], [2, 4, 3, 4], [2, 4, 3],
                                                        [2, 4, 2]]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run(list(results))
    by_x, by_w, batch, zeros = values
    np.testing.assert_allclose(by_x, want_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(by_w, want_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batch, np.stack([want_x[i, :, i] for i in range(2)]),
                               rtol=1e-5, atol=1e-6)
    assert zeros.shape == (2, 4, 2)
    assert not zeros.any()


def test_non_persistent_tape_computes_one_jacobian():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.jacobian(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.jacobian(y, x)
    with pytest.raises(ValueError, match="known when the graph is built"):
        tf.GradientTape(persistent=True).jacobian(tf.placeholder(tf.float32, [None]), x)


def test_keras_loss_objects_serialize_and_check_reductions():
    losses = tf.keras.losses
    huber = losses.Huber(0.5, reduction=losses.Reduction.SUM, name="h")
    config = losses.serialize(huber)
    assert config == {"class_name": "Huber",
                      "config": {"delta": 0.5, "reduction": "sum", "name": "h"}}
    again = losses.deserialize(config)
    assert isinstance(again, losses.Huber)
    assert again.get_config() == huber.get_config()
    assert losses.serialize(losses.hinge) == "hinge"
    assert losses.deserialize("hinge") is losses.hinge
    assert losses.get({"class_name": "Hinge", "config": {}}) is not None
    assert losses.MeanSquaredError().get_config() == {"reduction": "auto",
                                                      "name": "mean_squared_error"}
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        losses.Hinge(reduction="mean")
    with pytest.raises(ValueError, match="Unknown loss function"):
        losses.deserialize("no_such_loss")


def test_keras_clone_model_as_tensorflow():
    # Names and counts as tf_keras gives them for the same program.
    layers = tf.keras.layers
    seq = tf.keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                               layers.Dense(2)])
    inputs = tf.keras.Input((3,))
    hidden = layers.Dense(5, activation="tanh")(inputs)
    functional = tf.keras.Model(inputs, layers.Dense(1)(layers.concatenate([hidden, inputs])))
    seq_clone = tf.keras.models.clone_model(seq)
    fun_clone = tf.keras.models.clone_model(functional)
    x = tf.placeholder(tf.float32, [None, 3])
    on_x = tf.keras.models.clone_model(functional, input_tensors=[x])
    renamed = tf.keras.models.clone_model(
        seq, clone_function=lambda layer: layer.__class__.from_config(
            {**layer.get_config(), "name": layer.name + "_copy"}))
    assert [layer.name for layer in seq_clone.layers] == ["dense", "dense_1"]
    assert [layer.name for layer in fun_clone.layers] == ["input_1", "dense_2", "concatenate",
                                                          "dense_3"]
    assert [layer.name for layer in renamed.layers] == ["dense_copy", "dense_1_copy"]
    assert seq_clone.count_params() == 26
    assert fun_clone.count_params() == 29
    assert on_x.inputs[0] is x
    assert [w.name for w in fun_clone.weights][:2] == ["dense_2_1/kernel:0", "dense_2_1/bias:0"]
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        tf.keras.backend.set_session(sess)
        sess.run(tf.global_variables_initializer())
        assert not np.allclose(fun_clone.predict(data), functional.predict(data))
        seq_clone.set_weights(seq.get_weights())
        fun_clone.set_weights(functional.get_weights())
        on_x.set_weights(functional.get_weights())
        np.testing.assert_array_equal(seq_clone.predict(data), seq.predict(data))
        np.testing.assert_array_equal(fun_clone.predict(data), functional.predict(data))
        np.testing.assert_array_equal(sess.run(on_x.outputs[0], {x: data}),
                                      functional.predict(data))
    again = tf.keras.models.model_from_config({"class_name": "Sequential",
                                               "config": seq.get_config()})
    assert again.count_params() == 26
    with pytest.raises(TypeError, match="expects a dictionary"):
        tf.keras.models.model_from_config([])


@pytest.mark.parametrize(("lookup", "replacement"), [
    (lambda: tf.scalar_summary, "tf.summary.scalar"),
    (lambda: tf.merge_all_summaries, "tf.summary.merge_all"),
    (lambda: tf.pack, "tf.stack"),
    (lambda: tf.train.SummaryWriter, "tf.summary.FileWriter"),
])
def test_tensorflow_0_names_are_missing_with_their_replacement(lookup, replacement):
    # Missing as in TensorFlow 1.x (books of the 0.x era), the message names the new one.
    with pytest.raises(AttributeError, match=f"removed in TensorFlow 1.0: use {replacement}"):
        lookup()
    with pytest.raises(AttributeError, match="^module 'smallflow' has no attribute 'nothing'$"):
        _ = tf.nothing


class AbslAssertionsTest(tf.test.TestCase):
    """absltest's assertions, which TensorFlow's own tests call on tf.test.TestCase."""

    def test_passing_and_failing(self):
        self.assertLen([1, 2], 2)
        self.assertEmpty([])
        self.assertNotEmpty({1})
        self.assertBetween(3, 1, 3)
        self.assertSameElements([1, 2, 2], [2, 1])
        self.assertContainsSubset([1], {1, 2})
        self.assertNoCommonElements([1], [2])
        self.assertContainsInOrder(["a", "c"], "abc")
        self.assertContainsSubsequence([1, 2, 3, 4], [1, 3])
        self.assertSequenceStartsWith([1, 2], (1, 2, 3))
        self.assertEndsWith("model.ckpt", ".ckpt")
        self.assertNotStartsWith("model", "x")
        self.assertNotEndsWith("model", "x")
        self.assertIsSubclass(bool, int)
        failing = [
            lambda: self.assertLen([1], 2), lambda: self.assertEmpty([0]),
            lambda: self.assertNotEmpty(()), lambda: self.assertBetween(4, 1, 3),
            lambda: self.assertSameElements([1], [2]),
            lambda: self.assertContainsSubset([3], [1]),
            lambda: self.assertNoCommonElements([1], [1]),
            lambda: self.assertContainsInOrder(["c", "a"], "abc"),
            lambda: self.assertContainsSubsequence([1, 2], [2, 1]),
            lambda: self.assertSequenceStartsWith([2], [1, 2]),
            lambda: self.assertEndsWith("a", "b"), lambda: self.assertIsSubclass(int, str),
        ]
        for check in failing:
            with pytest.raises(AssertionError):
                check()
        with pytest.raises(AssertionError, match="has length of 1, expected 2. : why"):
            self.assertLen([1], 2, "why")


def test_variable_creator_scope_as_tensorflow():
    # What TensorFlow 2.21's compat.v1 records and makes for the same program.
    seen = []

    def outer(next_creator, **kwargs):
        seen.append(("outer", kwargs.get("name"), kwargs.get("trainable")))
        return next_creator(**kwargs)

    def inner(next_creator, **kwargs):
        seen.append(("inner", kwargs.get("name")))
        kwargs["trainable"] = False
        return next_creator(**kwargs)

    with tf.variable_creator_scope(outer):
        with tf.variable_creator_scope(inner):
            tf.Variable(1.0, name="a")
            tf.get_variable("b", [2], initializer=tf.zeros_initializer())
        tf.Variable(2.0, name="c")
    tf.Variable(3.0, name="d")
    assert seen == [("inner", "a"), ("outer", "a", False), ("inner", "b"),
                    ("outer", "b", False), ("outer", "c", None)]
    assert [v.name for v in tf.trainable_variables()] == ["c:0", "d:0"]
    assert [v.name for v in tf.global_variables()] == ["a:0", "b:0", "c:0", "d:0"]

    shared = tf.Variable(5.0, name="shared")
    with tf.variable_creator_scope(lambda next_creator, **kwargs: shared):
        assert tf.Variable(0.0, name="ignored") is shared
    assert "ignored:0" not in [v.name for v in tf.global_variables()]


def test_keras_optimizers_serialize_and_deserialize():
    optimizers = tf.keras.optimizers
    schedule = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    adam = optimizers.Adam(schedule, beta_1=0.8)
    config = optimizers.serialize(adam)
    assert config["class_name"] == "Adam"
    assert config["config"]["learning_rate"] == {
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5,
                   "staircase": False, "name": None}}
    again = optimizers.deserialize(config)
    assert isinstance(again, optimizers.Adam)
    assert again.get_config() == adam.get_config()
    assert isinstance(optimizers.get({"class_name": "sgd", "config": {}}), optimizers.SGD)
    with pytest.raises(ValueError, match="Unknown optimizer: Lion"):
        optimizers.deserialize({"class_name": "Lion", "config": {}})


def test_dense_to_sparse_batch_with_an_unknown_row_dimension():
    # TensorFlow 1.15 reads row_shape as a tensor: -1 takes the batch's largest size.
    grids = (tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([n, 2], n))
             .apply(tf.data.experimental.dense_to_sparse_batch(2, [-1, 2])))
    assert grids.output_shapes.as_list() == [None, None, 2]
    batch = tf.data.make_one_shot_iterator(grids).get_next()
    with tf.Session() as sess:
        first, second = sess.run(batch), sess.run(batch)
    assert first.dense_shape.tolist() == [2, 2, 2]
    assert first.values.tolist() == [1, 1, 2, 2, 2, 2]
    assert second.dense_shape.tolist() == [1, 3, 2]
    with pytest.raises(TypeError, match="single tensors"):
        tf.data.Dataset.from_tensor_slices(([1], [2])).apply(
            tf.data.experimental.dense_to_sparse_batch(2, [1]))


def test_profiler_hook_writes_timelines_as_tensorflow(tmp_path):
    import json
    import os

    step = tf.train.get_or_create_global_step()
    x = tf.Variable(1.0)
    train = tf.group(tf.assign_add(x, 1.0), tf.assign_add(step, 1))
    hook = tf.train.ProfilerHook(save_steps=2, output_dir=str(tmp_path))
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(7):
            sess.run(train)
    # The files TensorFlow's hook writes for the same program.
    names = sorted(name for name in os.listdir(tmp_path) if name.startswith("timeline"))
    assert names == ["timeline-2.json", "timeline-4.json", "timeline-6.json"]
    events = json.loads((tmp_path / names[0]).read_text())["traceEvents"]
    assert any(event.get("args", {}).get("name") == "AssignAdd" for event in events)
    with pytest.raises(ValueError, match="Either every_secs or every_steps"):
        tf.train.ProfilerHook(output_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Can not provide both"):
        tf.train.ProfilerHook(save_steps=1, save_secs=1, output_dir=str(tmp_path))


def test_vectorized_map_as_map_fn():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    ids = np.arange(4, dtype=np.int32)
    squares = tf.vectorized_map(lambda row: tf.reduce_sum(row * row), tf.constant(x))
    pair = tf.vectorized_map(
        lambda t: (t[0] * 2.0, tf.cast(t[1], tf.float32) + tf.reduce_max(t[0])),
        (tf.constant(x), tf.constant(ids)))
    products = tf.vectorized_map(
        lambda row: tf.matmul(tf.reshape(row, [1, 3]), tf.ones([3, 2])), tf.constant(x))
    # Static shapes as TensorFlow's.
    assert squares.shape.as_list() == [4]
    assert [t.shape.as_list() for t in pair] == [[4, 3], [4]]
    assert products.shape.as_list() == [4, 1, 2]
    with tf.Session() as sess:
        got = sess.run([squares, pair, products])
    np.testing.assert_array_equal(got[0], (x * x).sum(1))
    np.testing.assert_array_equal(got[1][0], 2 * x)
    np.testing.assert_array_equal(got[1][1], ids + x.max(1))
    np.testing.assert_array_equal(got[2], np.repeat(x.sum(1), 2).reshape(4, 1, 2))


def test_variable_to_proto_and_from_proto():
    pytest.importorskip("tensorboard", reason="VariableDef needs the tensorboard extra")
    with tf.name_scope("outer"):
        v = tf.Variable([1.0, 2.0], name="v")
    proto = v.to_proto()
    # The fields TensorFlow's RefVariable.to_proto gives for the same variable.
    assert (proto.variable_name, proto.initializer_name, proto.snapshot_name,
            proto.initial_value_name, proto.trainable) == (
        "outer/v:0", "outer/v/Assign", "outer/v/read:0", "outer/v/initial_value:0", True)
    assert v.to_proto(export_scope="outer").variable_name == "v:0"
    assert v.to_proto(export_scope="other") is None
    again = tf.Variable.from_proto(proto)
    assert again.name == "outer/v:0"
    assert again.op is v.op
    assert len(tf.global_variables()) == 1  # not added to the collections again
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(again), [1.0, 2.0])


def test_partial_run_as_tensorflow():
    a = tf.placeholder(tf.float32, shape=[])
    b = tf.placeholder(tf.float32, shape=[])
    c = tf.placeholder(tf.float32, shape=[])
    v = tf.Variable(0.0)
    r1 = tf.add(a, b) + tf.assign_add(v, 1.0)
    r2 = tf.multiply(r1, c)
    with tf.Session() as sess:
        sess.run(v.initializer)
        handle = sess.partial_run_setup([r1, r2], [a, b, c])
        first = sess.partial_run(handle, r1, feed_dict={a: 1, b: 2})
        # The second call reuses r1's value: the assign_add does not run again.
        second = sess.partial_run(handle, r2, feed_dict={c: first})
        assert (first, second, sess.run(v)) == (4.0, 16.0, 1.0)  # TensorFlow's values
        other = sess.partial_run_setup([r1, r2], [a, b, c])
        with pytest.raises(tf.errors.InvalidArgumentError, match="not specified"):
            sess.partial_run(other, tf.add(a, 1.0), feed_dict={a: 1})
        with pytest.raises(tf.errors.InvalidArgumentError, match="not specified"):
            sess.partial_run(other, r1, feed_dict={v.value(): 1.0})
        assert sess.partial_run(other, [r1, r2], feed_dict={a: 1, b: 2, c: 3}) == [5.0, 15.0]
        with pytest.raises(tf.errors.InvalidArgumentError, match="Must run 'setup'"):
            sess.partial_run(other, r1, feed_dict={a: 5})
        assert sess.run(v) == 2.0


def test_linear_operator_checks_need_self_adjoint_operators():
    operator = tf.linalg.LinearOperatorFullMatrix(np.eye(2))
    with pytest.raises(NotImplementedError, match="Only self-adjoint"):
        operator.eigvals()
    with pytest.raises(NotImplementedError, match="assert_positive_definite"):
        operator.assert_positive_definite()
