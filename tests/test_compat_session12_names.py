"""Session 12 (helper names): core TensorFlow 1.15 names that were missing: tf.Module,
tf.train.CheckpointManager (and tf.train.Checkpoint in graph mode), tf.quantization,
tf.lite. The values were checked against TensorFlow (tests/oracle/cases_session12_names.py
and the programs noted in docs/compatibility.md)."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

# -- tf.Module ------------------------------------------------------------------------------


class Dense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=False)

    @tf.Module.with_name_scope
    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b


class MLPNet(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.layers = [Dense(2, 3), Dense(3, 1)]
        self.extra = {"z": Dense(1, 1, name="zz"), "a": tf.Variable(1.0, name="a")}

    @tf.Module.with_name_scope
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def test_module_names_scopes_like_tensorflow():
    # Names as TensorFlow 1.15 gives them (tests/oracle ran the same program).
    net = MLPNet()
    y = net(tf.ones([4, 2]))
    assert net.name == "mlp_net"
    assert net.name_scope.name == "mlp_net/"
    assert y.name == "mlp_net/dense_1/add:0"
    assert [v.name for v in net.variables] == [
        "a:0", "zz/b:0", "zz/w:0", "mlp_net/dense/b:0", "mlp_net/dense/w:0",
        "mlp_net/dense_1/b:0", "mlp_net/dense_1/w:0"]
    assert [v.name for v in net.trainable_variables] == [
        "a:0", "zz/w:0", "mlp_net/dense/w:0", "mlp_net/dense_1/w:0"]
    assert [v.name for v in net.non_trainable_variables] == [
        "zz/b:0", "mlp_net/dense/b:0", "mlp_net/dense_1/b:0"]
    assert [m.name for m in net.submodules] == ["zz", "dense", "dense"]
    assert [m.name_scope.name for m in net.submodules] == [
        "zz/", "mlp_net/dense/", "mlp_net/dense_1/"]
    second = MLPNet()
    assert second(tf.ones([1, 2])).name == "mlp_net_1/dense_1/add:0"


def test_module_flatten_with_path_and_cycles():
    net = MLPNet()
    net.layers[0].parent = net  # a cycle back up: not walked again
    paths = [p for p, _ in net._flatten(with_path=True, predicate=lambda v: isinstance(
        v, tf.Variable))]
    assert paths[:2] == [("extra", "a"), ("extra", "z", "b")]
    assert ("layers", 0, "w") in paths
    assert len(net.variables) == 7


def test_module_refuses_bad_names_and_defaults_to_snake_case():
    with pytest.raises(ValueError, match="'a b' is not a valid module name"):
        tf.Module(name="a b")
    assert tf.Module().name == "module"

    class HTTPServerModel(tf.Module):
        pass

    assert HTTPServerModel().name == "http_server_model"


def test_module_with_name_scope_keeps_the_method_name():
    assert Dense.__call__.__name__ == "__call__"


def test_module_name_scope_is_entered_in_the_current_graph():
    module = tf.Module(name="m")
    graph = tf.Graph()
    with graph.as_default(), module.name_scope:
        x = tf.constant(1.0, name="x")
    assert x.name == "m/x:0"
    assert x.graph is graph


# -- tf.train.Checkpoint in graph mode and tf.train.CheckpointManager ----------------------


def _variables():
    v = tf.Variable([1.0, 2.0], name="v")
    step = tf.train.get_or_create_global_step()
    return v, step


def test_checkpoint_saves_and_restores_in_graph_mode(tmp_path):
    v, step = _variables()
    ckpt = tf.train.Checkpoint(v=v, step=step)
    bump = tf.assign_add(v, [1.0, 1.0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = ckpt.save(str(tmp_path / "ckpt"), session=sess)
        sess.run(bump)
        second = ckpt.save(str(tmp_path / "ckpt"))  # the default session
        assert (os.path.basename(first), os.path.basename(second)) == ("ckpt-1", "ckpt-2")
        assert tf.train.latest_checkpoint(str(tmp_path)) == second
        ckpt.restore(first).run_restore_ops()
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])
        assert sess.run(ckpt.save_counter) == 1  # restored with the rest
    names = sorted(name for name, _ in tf.train.list_variables(str(tmp_path)))
    assert names == ["save_counter/.ATTRIBUTES/VARIABLE_VALUE",
                     "step/.ATTRIBUTES/VARIABLE_VALUE", "v/.ATTRIBUTES/VARIABLE_VALUE"]


def test_checkpoint_initialize_or_restore_initializes_what_is_not_saved(tmp_path):
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.Session() as sess:
        sess.run(v.initializer)
        path = tf.train.Checkpoint(v=v).save(str(tmp_path / "c"), session=sess)
    tf.reset_default_graph()
    v = tf.Variable([5.0, 6.0], name="v")
    w = tf.Variable(3.0, name="w")
    status = tf.train.Checkpoint(v=v, w=w).restore(path)
    with tf.Session() as sess:
        status.initialize_or_restore(sess)
        np.testing.assert_array_equal(sess.run([v, w])[0], [1.0, 2.0])
        assert sess.run(w) == 3.0
    with pytest.raises(AssertionError, match="w/.ATTRIBUTES"):
        status.assert_consumed()


def test_checkpoint_in_graph_mode_without_a_session_says_what_to_do(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    with pytest.raises(ValueError, match="session=sess"):
        ckpt.save(str(tmp_path / "c"))


def test_checkpoint_manager_keeps_the_newest(tmp_path):
    directory = str(tmp_path)
    v, step = _variables()
    ckpt = tf.train.Checkpoint(v=v, step=step)
    manager = tf.train.CheckpointManager(ckpt, directory, max_to_keep=2)
    assert manager.latest_checkpoint is None
    assert manager.checkpoints == []
    advance = tf.assign_add(step, 5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saved = [os.path.basename(manager.save()) for _ in range(4)]
        assert saved == ["ckpt-1", "ckpt-2", "ckpt-3", "ckpt-4"]
        assert os.path.basename(manager.save(checkpoint_number=step)) == "ckpt-0"
        sess.run(advance)
        assert os.path.basename(manager.save(checkpoint_number=step)) == "ckpt-5"
        assert os.path.basename(manager.save(checkpoint_number=100)) == "ckpt-100"
        assert [os.path.basename(p) for p in manager.checkpoints] == ["ckpt-5", "ckpt-100"]
        assert sess.run(ckpt.save_counter) == 7  # numbered saves count too
    assert sorted(os.listdir(directory)) == [
        "checkpoint", "ckpt-100.data-00000-of-00001", "ckpt-100.index",
        "ckpt-5.data-00000-of-00001", "ckpt-5.index"]
    state = tf.train.get_checkpoint_state(directory)
    assert len(state.all_model_checkpoint_timestamps) == 2
    assert state.last_preserved_timestamp > 0
    again = tf.train.CheckpointManager(ckpt, directory, max_to_keep=None)
    assert again.checkpoints == manager.checkpoints
    assert again.latest_checkpoint == manager.latest_checkpoint


def test_checkpoint_manager_refuses_max_to_keep_zero(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    with pytest.raises(ValueError, match="Expected a positive integer or `None`"):
        tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=0)


def test_checkpoint_manager_keeps_one_every_n_hours(tmp_path, monkeypatch):
    import smallflow.train.checkpoint_manager as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "time", lambda: clock[0])
    v = tf.Variable(1.0, name="v")
    ckpt = tf.train.Checkpoint(v=v)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=1,
                                         keep_checkpoint_every_n_hours=1)
    with tf.Session() as sess:
        sess.run(v.initializer)
        for seconds in (1000.0, 2000.0, 5000.0, 5100.0):
            clock[0] = seconds
            manager.save()
    # The manager started at t=1000 (its last preserved time is 999): ckpt-1 (t=1000) and
    # ckpt-2 (t=2000) are less than an hour after it and go; ckpt-3 (t=5000) is more than an
    # hour after it and stays for good; ckpt-4 is the one managed.
    kept = sorted(p for p in os.listdir(tmp_path) if p.endswith(".index"))
    assert kept == ["ckpt-3.index", "ckpt-4.index"]
    assert [os.path.basename(p) for p in manager.checkpoints] == ["ckpt-4"]


def test_checkpoint_manager_eagerly(tmp_path):
    from smallflow.eager import context

    with context.eager_mode():
        v = tf.Variable(1.0)
        ckpt = tf.train.Checkpoint(v=v)
        manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=1,
                                             checkpoint_name="model")
        manager.save()
        v.assign(7.0)
        path = manager.save()
        assert os.path.basename(path) == "model-2"
        v.assign(0.0)
        ckpt.restore(manager.latest_checkpoint)
        assert float(v.numpy()) == 7.0
    assert sorted(p for p in os.listdir(tmp_path) if p.endswith(".index")) == ["model-2.index"]


def test_generate_checkpoint_state_proto_makes_paths_relative():
    state = tf.train.generate_checkpoint_state_proto("d", "d/ckpt-2", ["d/ckpt-1"])
    assert state.model_checkpoint_path == "ckpt-2"
    assert state.all_model_checkpoint_paths == ["ckpt-1", "ckpt-2"]
    with pytest.raises(ValueError, match="must match checkpoint paths"):
        tf.train.generate_checkpoint_state_proto("d", "d/c", ["d/a"], [1.0])


# -- tf.quantization -----------------------------------------------------------------------


def test_quantization_namespace_has_the_fake_quant_ops():
    assert tf.quantization.fake_quant_with_min_max_args is tf.fake_quant_with_min_max_args
    assert (tf.quantization.fake_quant_with_min_max_vars_per_channel_gradient
            is tf.fake_quant_with_min_max_vars_per_channel_gradient)


QDQ_CASES = [  # (kwargs, TensorFlow 2.21's output for X)
    ({}, [-3.3, -1.0054687, -0.515625, 0.0, 0.2578125, 0.48984376, 1.7015625, 2.8875]),
    ({"signed_input": False},
     [-3.2980394, -1.0007844, -0.5117647, 0.0, 0.2501961, 0.5003922, 1.6945099, 2.9]),
    ({"range_given": True, "input_min": -1.0, "input_max": 2.0},
     [-2.015748, -1.007874, -0.503937, 0.0, 0.2519685, 0.503937, 1.7007874, 2.0]),
    ({"range_given": True, "input_min": -1.0, "input_max": 2.0, "narrow_range": True,
      "num_bits": 4},
     [-2.0, -1.1428572, -0.5714286, 0.0, 0.2857143, 0.5714286, 1.7142859, 2.0]),
    ({"round_mode": "HALF_UP", "num_bits": 3},
     [-2.9, -0.9666667, -0.9666667, 0.0, 0.0, 0.9666667, 1.9333334, 2.9]),
]
X = np.array([-3.3, -1.0, -0.51, 0.0, 0.25, 0.5, 1.7, 2.9], np.float32)


@pytest.mark.parametrize(("kwargs", "expected"), QDQ_CASES)
def test_quantize_and_dequantize_matches_tensorflow(kwargs, expected):
    arguments = {"input_min": 0.0, "input_max": 0.0, **kwargs}
    y = tf.quantization.quantize_and_dequantize(X, **arguments)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y), expected, rtol=1e-6)


def test_quantize_and_dequantize_gradient_passes_through():
    x = tf.constant(X)
    y = tf.quantization.quantize_and_dequantize(x, -1.0, 1.0, range_given=True)
    (grad,) = tf.gradients(y * 3.0, [x])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(grad), np.full(8, 3.0, np.float32))


def test_quantize_and_dequantize_errors():
    bad_range = tf.quantization.quantize_and_dequantize(X, 2.0, 1.0, range_given=True)
    bad_bits = tf.quantization.quantize_and_dequantize(X, 0.0, 0.0, num_bits=0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="input_min 2 > input_max 1"):
            sess.run(bad_range)
        with pytest.raises(tf.errors.InvalidArgumentError, match="num_bits is out of range"):
            sess.run(bad_bits)
    with pytest.raises(ValueError, match="round_mode"):
        tf.quantization.quantize_and_dequantize(X, 0.0, 1.0, round_mode="UP")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-50, 50, width=32), min_size=1, max_size=12),
       st.integers(2, 10), st.booleans())
def test_quantize_and_dequantize_is_idempotent_and_keeps_the_range(values, bits, signed):
    # Quantizing twice with the same given range changes nothing more, and the result has at
    # most 2**num_bits levels.
    x = np.array(values, np.float32)
    low, high = (-4.0, 4.0) if signed else (0.0, 4.0)
    once = tf.quantization.quantize_and_dequantize(x, low, high, signed_input=signed,
                                                   num_bits=bits, range_given=True)
    twice = tf.quantization.quantize_and_dequantize(once, low, high, signed_input=signed,
                                                    num_bits=bits, range_given=True)
    with tf.Session() as sess:
        a, b = sess.run([once, twice])
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert len(np.unique(a)) <= 2**bits


# -- tf.lite -------------------------------------------------------------------------------


def test_lite_converter_names_the_onnx_export():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.identity(x * 2.0, name="y")
    with tf.Session() as sess:
        converter = tf.lite.TFLiteConverter.from_session(sess, [x], [y])
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    assert converter.get_input_arrays() == ["x"]
    with pytest.raises(NotImplementedError, match=r"smallflow\.onnx\.export"):
        converter.convert()
    with pytest.raises(NotImplementedError, match="onnx"):
        tf.lite.Interpreter(model_path="model.tflite")
    assert tf.lite.constants.FLOAT is tf.float32
    assert tf.lite.TocoConverter is tf.lite.TFLiteConverter


def test_lite_converter_checks_its_files(tmp_path):
    with pytest.raises(OSError, match="does not exist"):
        tf.lite.TFLiteConverter.from_frozen_graph(str(tmp_path / "no.pb"), ["x"], ["y"])
    with pytest.raises(OSError, match="SavedModel file does not exist"):
        tf.lite.TFLiteConverter.from_saved_model(str(tmp_path))


# -- tf.nn.dilation2d / erosion2d ----------------------------------------------------------


def _dilation_reference(x, kernel, stride, rate):
    """Direct definition: SAME padding of the dilated window, padding never taken."""
    n, height, width, depth = x.shape
    k_h, k_w, _ = kernel.shape
    eff_h, eff_w = (k_h - 1) * rate[0] + 1, (k_w - 1) * rate[1] + 1
    out_h, out_w = -(-height // stride[0]), -(-width // stride[1])
    top = max((out_h - 1) * stride[0] + eff_h - height, 0) // 2
    left = max((out_w - 1) * stride[1] + eff_w - width, 0) // 2
    out = np.full((n, out_h, out_w, depth), -np.inf)
    for y in range(out_h):
        for z in range(out_w):
            for i in range(k_h):
                for j in range(k_w):
                    row = y * stride[0] + i * rate[0] - top
                    col = z * stride[1] + j * rate[1] - left
                    if 0 <= row < height and 0 <= col < width:
                        out[:, y, z] = np.maximum(out[:, y, z], x[:, row, col] + kernel[i, j])
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 2), st.integers(1, 3), st.integers(1, 2), st.integers(1, 2),
       st.integers(0, 10**6))
def test_dilation2d_is_the_windowed_maximum(stride_h, stride_w, rate_h, rate_w, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 5, 4, 2))
    kernel = rng.normal(size=(2, 3, 2))
    y = tf.nn.dilation2d(x, kernel, [1, stride_h, stride_w, 1], [1, rate_h, rate_w, 1], "SAME")
    expected = _dilation_reference(x, kernel, (stride_h, stride_w), (rate_h, rate_w))
    assert y.shape.as_list() == list(expected.shape)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y), expected, rtol=1e-12)


def test_erosion2d_is_dilation_of_the_negation():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 4, 4, 1))
    kernel = rng.normal(size=(2, 2, 1))
    eroded = tf.nn.erosion2d(x, kernel, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    assert eroded.op.type == "Neg"
    assert eroded.op.name.startswith("erosion2d/")
    with tf.Session() as sess:
        value = sess.run(eroded)
    expected = -_dilation_reference(-x, kernel[::-1, ::-1], (1, 1), (1, 1))[:, :3, :3]
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_dilation2d_errors_name_the_problem():
    x = tf.ones([1, 3, 3, 2])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tf.nn.dilation2d(x, tf.ones([2, 2, 3]), [1, 1, 1, 1], [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="effective_filter_size: 5"):
        tf.nn.dilation2d(x, tf.ones([3, 1, 2]), [1, 1, 1, 1], [1, 2, 1, 1], "VALID")
    with pytest.raises(ValueError, match="passed list of length 3"):
        tf.nn.dilation2d(x, tf.ones([2, 2, 2]), [1, 1, 1], [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="not in"):
        tf.nn.dilation2d(x, tf.ones([2, 2, 2]), [1, 1, 1, 1], [1, 1, 1, 1], "FULL")
    batch_stride = tf.nn.dilation2d(x, tf.ones([2, 2, 2]), [2, 1, 1, 1], [1, 1, 1, 1], "SAME")
    with tf.Session() as sess, pytest.raises(tf.errors.UnimplementedError, match="strides"):
        sess.run(batch_stride)


# -- tf.image.combined_non_max_suppression -------------------------------------------------


def test_combined_non_max_suppression_merges_classes_by_score():
    boxes = np.array([[[[0, 0, 1, 1]], [[0, 0.05, 1, 1.05]], [[0, 2, 1, 3]]]], np.float32)
    scores = np.array([[[0.9, 0.1], [0.8, 0.7], [0.3, 0.95]]], np.float32)
    result = tf.image.combined_non_max_suppression(boxes, scores, 2, 5, iou_threshold=0.5)
    assert [t.shape.as_list() for t in result] == [[1, 5, 4], [1, 5], [1, 5], [1]]
    with tf.Session() as sess:
        out = sess.run(result)
    # Class 0 keeps box 0 (box 1 overlaps it) and box 2; class 1 keeps box 2 and box 1.
    np.testing.assert_allclose(out.nmsed_scores[0], [0.95, 0.9, 0.7, 0.3, 0.0])
    np.testing.assert_array_equal(out.nmsed_classes[0], [1, 0, 1, 0, 0])
    assert out.valid_detections[0] == 4
    np.testing.assert_allclose(out.nmsed_boxes[0, 0], [0, 1, 1, 1])  # clipped to [0, 1]
    np.testing.assert_array_equal(out.nmsed_boxes[0, 4], [0, 0, 0, 0])


def test_combined_non_max_suppression_pads_per_class():
    boxes = np.zeros([1, 3, 1, 4], np.float32)
    scores = np.zeros([1, 3, 2], np.float32)
    result = tf.image.combined_non_max_suppression(boxes, scores, 2, 10, pad_per_class=True)
    assert result.nmsed_boxes.shape.as_list() == [1, 4, 4]
    with pytest.raises(ValueError, match="third dimension of boxes"):
        tf.image.combined_non_max_suppression(np.zeros([1, 3, 3, 4], np.float32), scores, 1, 1)


# -- tf.distribute -------------------------------------------------------------------------


def test_strategy_contexts_as_tensorflow_reports_them():
    # Printed the same under TensorFlow 2.21's compat.v1 (docs/compatibility.md).
    distribute = tf.distribute
    assert not distribute.has_strategy()
    assert not distribute.in_cross_replica_context()
    assert type(distribute.get_replica_context()).__name__ == "_DefaultReplicaContext"
    strategy = distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert distribute.get_loss_reduction() == distribute.ReduceOp.SUM
    with strategy.scope() as entered:
        assert entered is strategy
        assert distribute.has_strategy()
        assert distribute.get_strategy() is strategy
        assert distribute.in_cross_replica_context()
        assert distribute.get_replica_context() is None
        v = tf.Variable(2.0, name="v")
        assert strategy.extended.variable_created_in_scope(v)

        def step(x):
            context = distribute.get_replica_context()
            y = context.all_reduce(distribute.ReduceOp.SUM, x * v)
            m = context.merge_call(lambda s, a: s.reduce("MEAN", a, axis=None), args=(y,))
            return y, m, context.replica_id_in_sync_group, distribute.in_cross_replica_context()

        y, m, replica, cross = strategy.experimental_run_v2(step, args=(tf.constant([1.0, 2.0,
                                                                                   3.0]),))
        assert (replica, cross) == (0, False)
        total = strategy.reduce(distribute.ReduceOp.SUM, y, axis=0)
        mean = strategy.reduce(distribute.ReduceOp.MEAN, y, axis=0)
        assert strategy.experimental_local_results(y) == (y,)
        with tf.Session() as sess:
            sess.run(v.initializer)
            values = sess.run([y, m, total, mean])
    np.testing.assert_array_equal(values[0], [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(values[1], [2.0, 4.0, 6.0])
    assert (values[2], values[3]) == (12.0, 4.0)
    assert not distribute.has_strategy()
    assert not strategy.extended.variable_created_in_scope(tf.Variable(1.0))


def test_strategy_iterates_datasets_whole():
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    assert strategy.extended.worker_devices == ("/job:localhost/replica:0/task:0/device:CPU:0",)
    dataset = tf.data.Dataset.from_tensor_slices(np.arange(6.0)).batch(4)
    iterator = strategy.make_dataset_iterator(dataset)
    batch = iterator.get_next()
    with tf.Session() as sess:
        sess.run(iterator.initialize())
        np.testing.assert_array_equal(sess.run(batch), [0, 1, 2, 3])
        np.testing.assert_array_equal(sess.run(batch), [4, 5])
    assert strategy.experimental_distribute_dataset(dataset) is dataset
    assert tf.distribute.InputContext(2, 1, 4).get_per_replica_batch_size(8) == 2


def test_strategies_do_not_mix_and_refuse_devices_they_do_not_have():
    outer = tf.distribute.OneDeviceStrategy("/cpu:0")
    inner = tf.distribute.MirroredStrategy()
    with outer.scope(), pytest.raises(RuntimeError, match="Mixing"), inner.scope():
        pass
    with pytest.raises(ValueError, match="one replica on the CPU"):
        tf.distribute.MirroredStrategy(["/gpu:0", "/gpu:1"])
    with pytest.raises(ValueError, match="one replica on the CPU"):
        tf.contrib.distribute.MirroredStrategy(num_gpus=2)
    with pytest.raises(NotImplementedError, match="replica_device_setter"):
        tf.distribute.experimental.ParameterServerStrategy()
    with pytest.raises(ValueError, match="reduce_op"):
        tf.distribute.MirroredStrategy().reduce("MAX", tf.constant(1.0))


def test_contrib_mirrored_strategy_is_a_strategy():
    strategy = tf.contrib.distribute.MirroredStrategy()
    assert isinstance(strategy, tf.distribute.Strategy)
    with strategy.scope():
        assert tf.contrib.distribute.has_distribution_strategy()
        assert tf.contrib.distribute.get_distribution_strategy() is strategy


def test_estimator_runs_model_fn_in_the_replica_context(tmp_path):
    x = np.linspace(-1, 1, 64).astype("float32")[:, None]
    y = 3 * x + 1
    seen = []

    def input_fn(input_context=None):
        seen.append(input_context.get_per_replica_batch_size(16))
        return tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(16)

    def model_fn(features, labels, mode):
        context = tf.distribute.get_replica_context()
        seen.append((tf.distribute.has_strategy(), context.num_replicas_in_sync,
                     tf.distribute.get_loss_reduction()))
        w = tf.get_variable("w", [1, 1], initializer=tf.zeros_initializer())
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
        loss = tf.losses.mean_squared_error(labels, tf.matmul(features["x"], w) + b)
        train_op = tf.train.GradientDescentOptimizer(0.5).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    strategy = tf.distribute.MirroredStrategy()
    config = tf.estimator.RunConfig(train_distribute=strategy, eval_distribute=strategy)
    estimator = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), config=config)
    estimator.train(input_fn, steps=30)
    result = estimator.evaluate(input_fn, steps=2)
    assert result["loss"] < 1e-6
    mean = tf.distribute.ReduceOp.MEAN
    assert seen == [16, (True, 1, mean), 16, (True, 1, mean)]


# -- tf.io.SparseFeature -------------------------------------------------------------------


def _record(ix, values, iy=None):
    feature = {"ix": tf.train.Feature(int64_list=tf.train.Int64List(value=ix)),
               "val": tf.train.Feature(float_list=tf.train.FloatList(value=values))}
    if iy is not None:
        feature["iy"] = tf.train.Feature(int64_list=tf.train.Int64List(value=iy))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def test_sparse_feature_assembles_a_sparse_tensor():
    records = [_record([3, 1], [0.5, 1.5], [0, 2]), _record([], [], []),
               _record([4], [2.5], [1])]
    parsed = tf.io.parse_example(records, {
        "sp": tf.SparseFeature("ix", "val", tf.float32, 5),
        "grid": tf.io.SparseFeature(["ix", "iy"], "val", tf.float32, [5, 3])})
    assert sorted(parsed) == ["grid", "sp"]  # the index and value features are dropped
    with tf.Session() as sess:
        sp, grid = sess.run([parsed["sp"], parsed["grid"]])
    assert sp.indices.tolist() == [[0, 1], [0, 3], [2, 4]]  # row-major order
    assert sp.values.tolist() == [1.5, 0.5, 2.5]
    assert sp.dense_shape.tolist() == [3, 5]
    assert grid.indices.tolist() == [[0, 1, 2], [0, 3, 0], [2, 4, 1]]
    assert grid.dense_shape.tolist() == [3, 5, 3]


def test_sparse_feature_in_a_single_example_and_its_errors():
    single = tf.parse_single_example(_record([3, 1], [0.5, 1.5]),
                                     {"sp": tf.SparseFeature("ix", "val", tf.float32, 5)})
    mismatched = tf.parse_example([_record([3, 1], [0.5])],
                                  {"sp": tf.SparseFeature("ix", "val", tf.float32, 5)})
    with tf.Session() as sess:
        value = sess.run(single["sp"])
        assert value.indices.tolist() == [[1], [3]]
        assert value.dense_shape.tolist() == [5]
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices \(2\) and values"):
            sess.run(mismatched["sp"])
    with pytest.raises(ValueError, match="Conflicting type for 'ix'"):
        tf.parse_example([b""], {"sp": tf.SparseFeature("ix", "val", tf.float32, 5),
                                 "ix": tf.FixedLenFeature([], tf.int64)})
    with pytest.raises(ValueError, match="size must be a list"):
        tf.parse_example([b""], {"sp": tf.SparseFeature(["ix", "iy"], "val", tf.float32, 5)})


# -- tf.quantization.quantize / dequantize ---------------------------------------------------

QX = np.array([-7.0, -1.0, -0.5, -0.01, 0.0, 0.3, 1.0, 2.5, 5.99, 6.0, 9.0], np.float32)
QUANTIZE_CASES = [  # (dtype, mode, range, TensorFlow 2.21's quantized values, output range)
    ("quint8", "MIN_COMBINED", (-1.0, 6.0), [0, 0, 18, 36, 36, 47, 73, 127, 255, 255, 255],
     (-1.0, 6.0)),
    ("qint8", "MIN_COMBINED", (-3.0, 3.0), [-128, -43, -22, -1, -1, 12, 42, 106, 127, 127, 127],
     (-3.0, 3.0)),
    ("quint8", "MIN_FIRST", (-1.0, 6.0), [0, 0, 18, 36, 36, 47, 72, 127, 254, 255, 255],
     (-1.0, 6.0)),
    ("qint8", "SCALED", (-1.0, 6.0), [-128, -21, -11, 0, 0, 6, 21, 53, 127, 127, 127],
     (-6.047244, 6.0)),
    ("quint8", "MIN_COMBINED", (0.0, 0.001), [0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255],
     (0.0, 0.01)),  # widened to ensure_minimum_range
    ("qint32", "MIN_COMBINED", (-3.0, 3.0),
     [-2147483648, -715827840, -357913856, -7158272, 0, 214748416, 715827968, 1789569792,
      -2147483648, -2147483648, -2147483648], (-3.0, 3.0)),  # TensorFlow's overflow, as is
]


@pytest.mark.parametrize(("dtype", "mode", "bounds", "expected", "used"), QUANTIZE_CASES)
def test_quantize_matches_tensorflow(dtype, mode, bounds, expected, used):
    q = tf.quantization.quantize(QX, *bounds, getattr(tf, dtype), mode=mode)
    assert q.output.dtype == getattr(tf, dtype)
    with tf.Session() as sess:
        values, low, high = sess.run(q)
    assert values.dtype == getattr(tf, dtype).as_numpy_dtype  # a one-field structured array
    assert values.view(values.dtype[0]).tolist() == expected
    np.testing.assert_allclose([low, high], used, rtol=1e-6)


def test_dequantize_inverts_quantize_within_a_step():
    for mode in ("MIN_COMBINED", "MIN_FIRST", "SCALED"):
        q = tf.quantization.quantize(QX, -3.0, 3.0, tf.qint8, mode=mode)
        back = tf.quantization.dequantize(q.output, q.output_min, q.output_max, mode=mode)
        with tf.Session() as sess:
            value = sess.run(back)
        inside = np.abs(QX) <= 2.9
        assert np.all(np.abs(value[inside] - QX[inside]) <= 6.0 / 255 + 1e-6), mode


def test_quantize_errors():
    with pytest.raises(ValueError, match="Mode string must be"):
        tf.quantization.quantize(QX, 0.0, 1.0, tf.quint8, mode="FAST")
    with pytest.raises(ValueError, match="only supported for mode 'SCALED'"):
        tf.quantization.quantize(QX, 0.0, 1.0, tf.quint8, round_mode="HALF_TO_EVEN")
    with pytest.raises(NotImplementedError, match="per-slice"):
        tf.quantization.quantize(QX, 0.0, 1.0, tf.quint8, axis=0)
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tf.quantization.quantize(QX, 0.0, 1.0, tf.int8)
    reversed_range = tf.quantization.quantize(QX, 1.0, 0.0, tf.quint8)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="input_max_range must be larger"):
        sess.run(reversed_range)
    assert tf.quantize is tf.quantization.quantize


# -- tf.UnconnectedGradients, tf.signal.fftshift ---------------------------------------------


def test_gradients_can_give_zeros_for_unconnected_xs():
    x = tf.constant([1.0, 2.0])
    y = tf.constant([[3.0]])
    z = x * 2.0
    assert tf.gradients(z, [x, y])[1] is None
    zero = tf.gradients(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert zero[1].name == "zeros_like:0"  # outside the gradients scope, as in TensorFlow
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(zero[1]), [[0.0]])
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients: 'one'"):
        tf.gradients(z, [y], unconnected_gradients="one")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=3), st.booleans())
def test_fftshift_is_numpys_and_ifftshift_undoes_it(shape, fed):
    value = np.arange(int(np.prod(shape))).reshape(shape)
    x = tf.placeholder(tf.int64, [None] * len(shape)) if fed else tf.constant(value)
    shifted = tf.signal.fftshift(x)
    back = tf.signal.ifftshift(shifted)
    feed = {x: value} if fed else None
    with tf.Session() as sess:
        got, restored = sess.run([shifted, back], feed)
    np.testing.assert_array_equal(got, np.fft.fftshift(value))
    np.testing.assert_array_equal(restored, value)
