"""Eager training: GradientTape, the function-gradient helpers, optimizers, tf.data, Keras,
checkpoints and tfe.metrics while executing eagerly."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.eager import context

tfe = tf.contrib.eager


@pytest.fixture
def eager():
    tf.enable_eager_execution()


# -- GradientTape -------------------------------------------------------------------------------


def test_persistent_tape_gives_several_gradients(eager):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(y, x).numpy() == 6.0
    dz_dx, dz_dy = tape.gradient(z, [x, y])
    assert (dz_dx.numpy(), dz_dy.numpy()) == (108.0, 18.0)


def test_a_tape_gives_one_gradient_unless_persistent(eager):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="only be called once on non-persistent tapes"):
        tape.gradient(y, x)


def test_nested_tapes_give_second_derivatives(eager):
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy_dx = inner.gradient(y, x)
    assert dy_dx.numpy() == 27.0
    assert outer.gradient(dy_dx, x).numpy() == 18.0


def test_trainable_variables_read_are_watched(eager):
    w = tf.Variable(2.0)
    frozen = tf.Variable(5.0, trainable=False)
    with tf.GradientTape() as tape:
        loss = w * w * frozen
    assert tape.watched_variables() == (w,)
    assert tape.gradient(loss, [w, frozen])[0].numpy() == 20.0


def test_watch_accessed_variables_off_watches_only_what_is_asked(eager):
    w = tf.Variable(2.0)
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        loss = w * v
    grad_w, grad_v = tape.gradient(loss, [w, v])
    assert grad_w is None
    assert grad_v.numpy() == 2.0


def test_sources_keep_their_structure_and_unconnected_are_none_or_zero(eager):
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable(4.0)
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(a * a)
    grads = tape.gradient(loss, {"a": a, "b": b})
    assert grads["a"].numpy().tolist() == [2.0, 4.0]
    assert grads["b"] is None
    zero = tape.gradient(loss, b, unconnected_gradients="zero")
    assert zero.numpy() == 0.0


def test_stop_recording_leaves_ops_out(eager):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * 3
    assert tape.gradient(z, x) is None


def test_output_gradients_weight_the_target(eager):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    grad = tape.gradient(y, x, output_gradients=tf.constant([10.0, 1.0]))
    assert grad.numpy().tolist() == [20.0, 4.0]


def test_embedding_gradient_is_indexed_slices_and_optimizers_apply_it(eager):
    table = tf.Variable(np.ones((4, 2), np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [1, 3, 1]))
    (grad,) = tape.gradient(loss, [table])
    assert isinstance(grad, tf.IndexedSlices)
    tf.train.GradientDescentOptimizer(0.5).apply_gradients([(grad, table)])
    assert table.numpy()[:, 0].tolist() == [1.0, 0.0, 1.0, 0.5]


def test_tape_in_graph_mode_adds_tf_gradients():
    x = tf.placeholder(tf.float32, [])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    grad = tape.gradient(y, x)
    with tf.Session() as sess:
        assert sess.run(grad, {x: 3.0}) == 6.0


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=5))
def test_tape_gradients_equal_graph_gradients(values):
    """The tape reuses the graph-mode gradient functions: the same numbers both ways, up to
    float32 rounding (a session may fuse elementwise ops, which rounds differently)."""
    def f(tf_, x):
        return tf_.reduce_sum(tf_.tanh(x) * tf_.exp(x / 4) + tf_.square(x))

    array = np.asarray(values, np.float32)
    with tf.Graph().as_default():
        x = tf.constant(array)
        with tf.Session() as sess:
            expected = sess.run(tf.gradients(f(tf, x), x)[0])
    with context.eager_mode():
        x = tf.constant(array)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(tf, x)
        got = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


# -- tfe's function transformations --------------------------------------------------------------


def test_gradients_function_and_value_and_gradients_function(eager):
    def f(x, y):
        return x * x * y

    grad = tfe.gradients_function(f)
    assert [g.numpy() for g in grad(3.0, 2.0)] == [12.0, 9.0]
    assert [g.numpy() for g in tfe.gradients_function(f, params=[1])(3.0, 2.0)] == [9.0]
    value, grads = tfe.value_and_gradients_function(f)(3.0, 2.0)
    assert value.numpy() == 18.0
    assert grads[0].numpy() == 12.0


def test_implicit_gradients_pair_gradients_with_the_variables_read(eager):
    w = tfe.Variable(3.0)
    b = tfe.Variable(1.0)

    def loss(x):
        return w * x + b

    value, pairs = tfe.implicit_value_and_gradients(loss)(2.0)
    assert value.numpy() == 7.0
    assert [(g.numpy(), v) for g, v in pairs] == [(2.0, w), (1.0, b)]
    assert [g.numpy() for g, _ in tfe.implicit_gradients(loss)(5.0)] == [5.0, 1.0]
    with pytest.raises(ValueError, match="No trainable variables were accessed"):
        tfe.implicit_gradients(lambda: tf.constant(1.0))()


# -- optimizers ---------------------------------------------------------------------------------


def test_minimize_takes_a_loss_function_and_counts_steps(eager):
    w = tf.Variable(5.0)
    step = tf.train.get_or_create_global_step()
    opt = tf.train.GradientDescentOptimizer(0.1)
    for _ in range(3):
        opt.minimize(lambda: w * w, global_step=step)
    assert w.numpy() == pytest.approx(5.0 * 0.8**3)
    assert step.numpy() == 3
    with pytest.raises(RuntimeError, match="should be a function when eager execution"):
        opt.minimize(w * w)


def test_adam_in_eager_matches_adam_in_a_graph(eager):
    start = np.array([1.0, -2.0], np.float32)
    v = tf.Variable(start)
    opt = tf.train.AdamOptimizer(0.1)
    for _ in range(3):
        opt.minimize(lambda: tf.reduce_sum(v * v * v))
    assert opt.get_slot(v, "m").name == "Variable/Adam:0"
    with tf.Graph().as_default():
        g = tf.Variable(start)
        train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(g * g * g))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            expected = sess.run(g)
    np.testing.assert_allclose(v.numpy(), expected, rtol=1e-6)


def test_linear_regression_learns_eagerly(eager):
    x = np.linspace(0, 1, 20).astype(np.float32)
    y = 3 * x + 2
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    opt = tf.train.GradientDescentOptimizer(0.5)
    for _ in range(300):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(w * x + b - y))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
    assert w.numpy() == pytest.approx(3.0, abs=0.05)
    assert b.numpy() == pytest.approx(2.0, abs=0.05)


# -- tf.data ------------------------------------------------------------------------------------


def test_datasets_are_python_iterables_in_eager_mode(eager):
    scale = tf.constant(2.0, dtype=tf.float64)
    ds = tf.data.Dataset.from_tensor_slices((np.arange(5.0), np.arange(5)))
    ds = ds.map(lambda a, b: (a * scale, b)).batch(2)
    batches = [(a.numpy().tolist(), b.numpy().tolist()) for a, b in ds]
    assert batches == [([0.0, 2.0], [0, 1]), ([4.0, 6.0], [2, 3]), ([8.0], [4])]


def test_one_shot_iterator_and_tfe_iterator(eager):
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 3])
    it = ds.make_one_shot_iterator()
    assert it.get_next().numpy() == 1
    assert next(it).numpy() == 2
    assert it.next().numpy() == 3
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    assert [x.numpy() for x in tfe.Iterator(ds)] == [1, 2, 3]
    with pytest.raises(RuntimeError, match="make_initializable_iterator is not supported"):
        ds.make_initializable_iterator()


def test_tfe_iterator_refuses_graph_mode():
    with pytest.raises(RuntimeError, match="only be used when eager execution is enabled"):
        tfe.Iterator(tf.data.Dataset.range(3))


def test_generator_dataset_and_repeat(eager):
    def gen():
        yield from ([1, 2], [3, 4])

    ds = tf.data.Dataset.from_generator(gen, tf.int32, tf.TensorShape([2])).repeat(2)
    assert [x.numpy().tolist() for x in ds] == [[1, 2], [3, 4], [1, 2], [3, 4]]


# -- Keras and tf.layers ------------------------------------------------------------------------


def test_keras_layers_and_models_run_on_eager_tensors(eager):
    x = tf.constant(np.ones((2, 4), np.float32))
    dense = tf.keras.layers.Dense(3)
    assert dense(x).shape == (2, 3)
    assert [v.name for v in dense.variables] == ["dense/kernel:0", "dense/bias:0"]
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                                 tf.keras.layers.Dense(2)])
    assert len(model.variables) == 4  # built at construction, as TensorFlow's
    assert model(x).shape == (2, 2)
    assert dense._inbound_nodes == []  # no call history kept in eager mode


def test_subclassed_model_trains_with_a_tape(eager):
    class Model(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = tf.keras.layers.Dense(5)
            self.out = tf.keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(tf.nn.relu(self.hidden(inputs)))

    model = Model()
    x = tf.constant(np.linspace(-1, 1, 12).reshape(6, 2).astype(np.float32))
    y = tf.reduce_sum(x, axis=1, keepdims=True)
    opt = tf.train.AdamOptimizer(0.05)
    losses = []
    for _ in range(30):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(loss.numpy())
    assert [v.name for v in model.variables][0] == "model/dense/kernel:0"
    assert losses[-1] < losses[0] / 4


def test_tf_layers_dense_in_eager_mode(eager):
    layer = tf.layers.Dense(2, kernel_initializer=tf.ones_initializer())
    out = layer(tf.constant([[1.0, 2.0, 3.0]]))
    assert out.numpy().tolist() == [[6.0, 6.0]]
    assert [v.name for v in layer.variables] == ["dense/kernel:0", "dense/bias:0"]


def test_tfe_network_tracks_layers(eager):
    class Net(tfe.Network):
        def __init__(self):
            super().__init__()
            self.layer = self.track_layer(tf.layers.Dense(2))

        def call(self, x):
            return self.layer(x)

    net = Net()
    assert net(tf.ones([1, 3])).shape == (1, 2)
    assert len(net.trainable_variables) == 2


# -- checkpoints and metrics -----------------------------------------------------------------------


def test_tfe_saver_round_trip(eager, tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    saver = tfe.Saver([w])
    path = saver.save(str(tmp_path / "ckpt"), global_step=3)
    assert path.endswith("ckpt-3")
    w.assign([0.0, 0.0])
    saver.restore(path)
    assert w.numpy().tolist() == [1.0, 2.0]
    assert tf.train.latest_checkpoint(str(tmp_path)) == path


def test_checkpoint_restores_objects_by_attribute_path(eager, tmp_path):
    class Holder:
        def __init__(self):
            self.weight = tf.Variable(3.0)

    holder = Holder()
    checkpoint = tf.train.Checkpoint(model=holder)
    path = checkpoint.save(str(tmp_path / "ckpt"))
    assert path.endswith("ckpt-1")
    keys = [name for name, _ in tf.train.list_variables(path)]
    assert "model/weight/.ATTRIBUTES/VARIABLE_VALUE" in keys
    holder.weight.assign(0.0)
    checkpoint.restore(tf.train.latest_checkpoint(str(tmp_path))).assert_consumed()
    assert holder.weight.numpy() == 3.0


def test_tfe_metrics_mean_and_accuracy(eager):
    mean = tfe.metrics.Mean()
    mean(tf.constant([1.0, 2.0]))
    mean(4.0)
    assert mean.result().numpy() == pytest.approx(7.0 / 3)
    accuracy = tfe.metrics.Accuracy()
    accuracy(tf.constant([1, 2, 3]), tf.constant([1, 0, 3]))
    assert accuracy.result().numpy() == pytest.approx(2.0 / 3)


def test_unseeded_samplers_of_different_kinds_keep_their_own_streams(eager):
    # A Philox stream (random_uniform) and a NumPy one (the candidate sampler) under the
    # same (unseeded) seed pair must not be taken for one another.
    tf.random_uniform([2])
    sampled, _, _ = tf.nn.log_uniform_candidate_sampler(
        true_classes=tf.constant([[1]], dtype=tf.int64), num_true=1, num_sampled=3,
        unique=True, range_max=10)
    tf.random_uniform([2])
    assert sampled.shape == (3,)


def test_sequential_without_input_shape_builds_on_the_first_batch(eager):
    model = tf.keras.Sequential([tf.keras.layers.Conv2D(4, [3, 3], activation="relu"),
                                 tf.keras.layers.GlobalAveragePooling2D(),
                                 tf.keras.layers.Dense(10)])
    assert model(tf.zeros([2, 8, 8, 1])).shape == (2, 10)
    assert len(model.variables) == 4


def test_contrib_summary_writes_scalars_at_the_recorded_steps(eager, tmp_path):
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    from smallflow.summary.records import summary_iterator

    step = tf.train.get_or_create_global_step()
    writer = tf.contrib.summary.create_file_writer(str(tmp_path))
    writer.set_as_default()
    for _ in range(7):
        step.assign_add(1)
        with tf.contrib.summary.record_summaries_every_n_global_steps(3):
            tf.contrib.summary.scalar("loss", tf.constant(0.5) * tf.cast(step, tf.float32))
    with tf.contrib.summary.always_record_summaries():
        tf.contrib.summary.scalar("final", 1.0, step=100)
    with tf.contrib.summary.never_record_summaries():
        assert tf.contrib.summary.scalar("never", 1.0) is False
    writer.flush()
    (path,) = tmp_path.glob("events.out.tfevents.*")
    written = [(e.step, v.tag, v.simple_value) for e in summary_iterator(str(path))
               for v in e.summary.value]
    assert written == [(3, "loss", 1.5), (6, "loss", 3.0), (100, "final", 1.0)]


def test_contrib_summary_is_refused_in_graph_mode():
    with pytest.raises(NotImplementedError, match="eager execution only"):
        tf.contrib.summary.create_file_writer("/tmp/unused")


def test_keras_fit_evaluate_predict_run_eagerly(eager):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x.sum(1) > 0).astype(np.int64)
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                                tf.keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0, validation_split=0.25)
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.8
    assert model.predict(x[:3]).shape == (3, 2)
    assert model.optimizer.iterations.numpy() == 20 * 3
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    assert len(model.fit(dataset.repeat(), epochs=2, steps_per_epoch=3,
                         verbose=0).history["loss"]) == 2
    assert model.predict(dataset.map(lambda a, b: a)).shape == (64, 2)
    assert len(model.evaluate(dataset, verbose=0)) == 2


def test_train_saver_and_keras_weights_save_and_restore_eagerly(eager, tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    step = tf.train.get_or_create_global_step()
    step.assign_add(5)
    saver = tf.train.Saver([w])
    path = saver.save(None, str(tmp_path / "model.ckpt"), global_step=step)
    assert path.endswith("model.ckpt-5")
    assert not (tmp_path / "model.ckpt-5.meta").exists()
    w.assign([0.0, 0.0])
    saver.restore(None, path)
    assert w.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="`var_list` must specify"):
        tf.train.Saver()
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    model.save_weights(str(tmp_path / "weights"))
    before = model.get_weights()
    model.set_weights([np.zeros_like(a) for a in before])
    model.load_weights(str(tmp_path / "weights"))
    np.testing.assert_array_equal(model.get_weights()[0], before[0])


def test_keras_regularization_losses_follow_the_weights_eagerly(eager):
    layer = tf.keras.layers.Dense(1, kernel_initializer="ones",
                                  kernel_regularizer=tf.keras.regularizers.l2(0.5))
    layer(tf.ones([1, 2]))
    assert layer.losses[0].numpy() == 1.0
    layer.kernel.assign([[2.0], [0.0]])
    assert layer.losses[0].numpy() == 2.0
    with tf.GradientTape() as tape:
        penalty = tf.add_n(layer.losses)
    assert tape.gradient(penalty, layer.kernel).numpy().ravel().tolist() == [2.0, 0.0]
    active = tf.keras.layers.Dense(1, kernel_initializer="ones",
                                   activity_regularizer=tf.keras.regularizers.l1(1.0))
    for _ in range(3):
        active(tf.ones([1, 2]))
    assert len(active.losses) == 1  # the last call's, not one per call
    assert active.losses[0].numpy() == 2.0


def test_functional_models_are_built_symbolically_and_run_eagerly(eager):
    inputs = tf.keras.Input(shape=(4,))
    hidden = tf.keras.layers.Dense(8, activation="relu")(inputs)
    outputs = tf.keras.layers.Dense(2, activation="softmax")(hidden)
    model = tf.keras.Model(inputs, outputs)
    assert model.output_shape == (None, 2)
    assert [v.name for v in model.variables] == ["dense/kernel:0", "dense/bias:0",
                                                 "dense_1/kernel:0", "dense_1/bias:0"]
    x = np.linspace(-1, 1, 12).reshape(3, 4).astype(np.float32)
    result = model(x)
    assert result._is_eager
    assert result.shape == (3, 2)
    expected = model.layers[2](model.layers[1](tf.constant(x)))
    np.testing.assert_allclose(result.numpy(), expected.numpy())
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert len(model.fit(x, np.array([0, 1, 1]), epochs=2, verbose=0).history["loss"]) == 2
    stacked = tf.keras.Sequential([tf.keras.layers.InputLayer(input_shape=(4,)),
                                   tf.keras.layers.Dense(3)])
    assert len(stacked.variables) == 2


def test_tf_layers_regularizers_follow_the_weights_eagerly(eager):
    layer = tf.layers.Dense(1, kernel_initializer=tf.ones_initializer(),
                            kernel_regularizer=lambda w: 0.5 * tf.reduce_sum(w * w),
                            activity_regularizer=lambda y: tf.reduce_sum(y))
    for _ in range(3):
        layer(tf.ones([1, 2]))
    kernel_penalty, activity = layer.losses
    assert (kernel_penalty.numpy(), activity.numpy()) == (1.0, 2.0)
    layer.kernel.assign([[2.0], [0.0]])
    assert layer.losses[0].numpy() == 2.0
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == []


def test_tensor_arrays_and_map_fn_run_eagerly(eager):
    x = tf.constant([1.0, 2.0, 3.0])
    assert tf.map_fn(lambda t: t * t, x).numpy().tolist() == [1.0, 4.0, 9.0]
    array = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
    assert array.stack().numpy().tolist() == [1.0, 2.0]
    total = tf.foldl(lambda a, t: a + t, x, initializer=0.0)
    assert total.numpy() == 6.0
