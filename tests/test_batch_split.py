"""batch_split: a step's big kernels cut over the granted cores give the unsplit results.

Each case builds a small graph, runs it once with one core granted (the unsplit kernels)
and once with two (the split ones, on two threads), and compares: bit for bit where the
parts are joined along the batch or the output's sides, within float32 rounding where the
parts' filter gradients are summed.
"""

import threading

import numpy as np
import pytest

import smallflow as tf
from smallflow import batch_split, config, workers


@pytest.fixture
def cores(monkeypatch):
    """Pretend the thread policy granted this many cores; count the split calls."""
    calls = []
    original = workers.run_together

    def counting(parts):
        calls.append(len(parts))
        return original(parts)

    monkeypatch.setattr(workers, "run_together", counting)

    def use(count):
        monkeypatch.setattr(config, "threads_in_use", lambda: count)
        return calls

    return use


FEED = {}  # placeholder -> value, filled by the graph builders (constants would be folded)


def _fed(value):
    placeholder = tf.placeholder(tf.as_dtype(value.dtype), value.shape)
    FEED[placeholder] = value
    return placeholder


def _conv_graph(train):
    """conv -> bias -> ReLU -> 2x2 max-pool (fused by the session), then a sum; with
    ``train`` the gradients of the input and the filter too (the backprop kernels)."""
    rng = np.random.default_rng(0)
    x = _fed(rng.standard_normal((24, 14, 14, 8)).astype(np.float32))
    w = _fed((rng.standard_normal((5, 5, 8, 16)) * 0.1).astype(np.float32))
    b = _fed((rng.standard_normal(16) * 0.1).astype(np.float32))
    relu = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
    pooled = tf.nn.max_pool(relu, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    loss = tf.reduce_sum(pooled * pooled)
    fetches = {"pooled": pooled}
    if train:
        fetches["dx"], fetches["dw"] = tf.gradients(loss, [x, w])
    return fetches


def _first_layer_graph(train):
    """The tutorial's first layer (one input channel: the im2col path), outputs over 1 MB
    (joined by the parts' threads), not fused: a bare Conv2D then its ReLU."""
    rng = np.random.default_rng(3)
    x = _fed(rng.standard_normal((32, 28, 28, 1)).astype(np.float32))
    w = _fed(rng.standard_normal((5, 5, 1, 32)).astype(np.float32))
    conv = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    fetches = {"conv": conv, "relu": tf.nn.relu(conv)}
    if train:
        fetches["dx"], fetches["dw"] = tf.gradients(tf.reduce_sum(conv * conv), [x, w])
    return fetches


def _strided_conv_graph(train):
    rng = np.random.default_rng(1)
    x = _fed(rng.standard_normal((32, 31, 31, 8)).astype(np.float32))
    w = _fed(rng.standard_normal((3, 3, 8, 32)).astype(np.float32))
    conv = tf.nn.conv2d(x, w, [1, 2, 2, 1], "VALID")
    fetches = {"conv": conv}
    if train:
        fetches["dx"], fetches["dw"] = tf.gradients(tf.reduce_sum(conv * conv), [x, w])
    return fetches


def _matmul_graph(transpose_a, transpose_b, rows, depth, columns):
    rng = np.random.default_rng(2)
    a_shape = (depth, rows) if transpose_a else (rows, depth)
    b_shape = (columns, depth) if transpose_b else (depth, columns)
    a = _fed(rng.standard_normal(a_shape).astype(np.float32))
    b = _fed(rng.standard_normal(b_shape).astype(np.float32))
    return {"product": tf.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)}


# name -> (graph builder, fetches compared within float32 rounding instead of bit for bit)
CASES = {
    "fused conv + bias + ReLU + pool, forward": (lambda: _conv_graph(False), ()),
    "fused conv, input and filter gradients": (lambda: _conv_graph(True), ("dw",)),
    "first layer's conv (im2col) and its gradients": (lambda: _first_layer_graph(True),
                                                       ("dw",)),
    "strided VALID conv and its gradients": (lambda: _strided_conv_graph(True), ("dw",)),
    "MatMul, more columns than rows": (lambda: _matmul_graph(False, False, 50, 300, 400), ()),
    "MatMul, transpose_a, more rows": (lambda: _matmul_graph(True, False, 400, 50, 300), ()),
    "MatMul, transpose_b": (lambda: _matmul_graph(False, True, 50, 400, 300), ()),
    # a layer's input gradient: each part turned around (matmul_forms.py)
    "MatMul, transpose_b, turned": (lambda: _matmul_graph(False, True, 40, 300, 1200), ()),
    "MatMul, both transposed": (lambda: _matmul_graph(True, True, 300, 100, 200), ()),
}


def _run(build, count, cores):
    cores(count)
    FEED.clear()
    with tf.Graph().as_default():
        fetches = build()
        with tf.Session() as sess:
            return sess.run(fetches, dict(FEED))


@pytest.mark.parametrize("name", CASES)
def test_split_kernels_give_the_unsplit_results(cores, name):
    build, rounded = CASES[name]
    calls = cores(1)
    whole = _run(build, 1, cores)
    assert calls == []  # one core granted: the original kernels only
    split = _run(build, 2, cores)
    assert calls
    assert set(calls) == {2}  # two cores: the big kernels ran in two parts
    for key, expected in whole.items():
        assert split[key].shape == expected.shape
        assert split[key].dtype == expected.dtype
        if key in rounded:  # two partial sums added: float32 rounding, not bit for bit
            scale = np.abs(expected).max()
            np.testing.assert_allclose(split[key], expected, rtol=1e-5, atol=1e-5 * scale)
        else:
            np.testing.assert_array_equal(split[key], expected)


# What is too small to be worth a thread, with two cores granted.
SMALL = {
    "batch of 7 (parts of at least 4 examples)": lambda: {"conv": tf.nn.conv2d(
        _fed(np.ones([7, 14, 14, 8], np.float32)), _fed(np.ones([5, 5, 8, 16], np.float32)),
        [1] * 4, "SAME")},
    "a tiny product": lambda: {"p": tf.matmul(_fed(np.ones([3, 4], np.float32)),
                                              _fed(np.ones([4, 5], np.float32)))},
    "a float64 product of too few multiply-adds": lambda: {
        "p": tf.matmul(_fed(np.ones([64, 64])), _fed(np.ones([64, 64])))},
    "an integer product": lambda: {"p": tf.matmul(_fed(np.ones([400, 400], np.int32)),
                                                  _fed(np.ones([400, 400], np.int32)))},
}


@pytest.mark.parametrize("name", SMALL)
def test_small_or_foreign_work_is_not_split(cores, name):
    calls = cores(2)
    _run(SMALL[name], 2, cores)
    assert calls == []


def test_the_parts_run_on_two_threads_with_one_blas_thread_each(monkeypatch, cores):
    """Inside a split the BLAS has one thread (each part its own core); after it, the
    count the policy applied again."""
    cores(2)
    seen = []
    applied = []
    original = np.matmul
    # Each part waits for the other to start: on a loaded machine the calling thread could
    # otherwise run both parts itself before the helper thread is scheduled (by design).
    both_started = threading.Barrier(2, timeout=30)

    def matmul(*args, **kwargs):
        seen.append((threading.current_thread().name, config._applied))
        both_started.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(config, "_set_blas",
                        lambda count: (applied.append(count),
                                       setattr(config, "_applied", count)))
    monkeypatch.setattr(config, "_applied", 2)
    monkeypatch.setattr(np, "matmul", matmul)
    kernel = batch_split._matmul(original, False, False)
    a = np.ones((400, 300), np.float32)
    b = np.ones((300, 200), np.float32)
    np.testing.assert_array_equal(kernel(a, b), original(a, b))
    assert len({name for name, _ in seen}) == 2
    assert {count for _, count in seen} == {1}
    assert applied == [1, 2]
    assert config._applied == 2


def _cnn_step(optimizer):
    """One training step of the tutorial's CNN: the loss and the trained variables."""
    from smallflow import models

    graph = models.build_graph("cnn", optimizer, 0.05, seed=0)
    rng = np.random.default_rng(0)
    feed = {graph.images: rng.random((50, 784), dtype=np.float32),
            graph.labels: np.eye(10, dtype=np.float32)[np.arange(50) % 10]}
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        loss, _ = sess.run([graph.loss, graph.train_op], feed)
        plan = max(sess._plans.values(), key=lambda plan: len(plan.steps))
        return loss, sess.run(graph.model_variables), plan


def test_the_cnn_training_plan_splits_its_convolutions_and_products():
    """The kernels batch_split recognises by name are those the CNN's plan has (a rename in
    fusion.py or conv_ops.py would silently stop the splitting)."""
    *_, plan = _cnn_step("adam")
    kernels = [inner for kernel, _, _ in plan.steps
               for inner in getattr(kernel, "kernels", (kernel,))]  # step_pairs' pairs
    names = [kernel.__name__ for kernel in kernels if kernel.__module__ == batch_split.__name__]
    assert {"split_conv_forward", "split_conv_input_grad", "split_conv_filter_grad"} <= set(
        names)
    assert names.count("split_matmul") == 6  # fc1, fc2: forward, input and weight gradients
    assert plan.splits_batch


def test_a_cnn_training_step_on_two_cores_trains_as_on_one(cores):
    """The whole step (the first layer's conv_phases path, which is not split, included):
    the same loss, and the weights after one SGD step within float32 rounding."""
    cores(1)
    loss, weights, _ = _cnn_step("sgd")
    calls = cores(2)
    split_loss, split_weights, _ = _cnn_step("sgd")
    assert calls
    assert split_loss == loss
    for split, whole in zip(split_weights, weights, strict=True):
        np.testing.assert_allclose(split, whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("count", [25, 26, 49, 50])
def test_the_first_layers_phase_path_on_any_batch_size(count):
    """Half a batch of 50 is 25 examples, cut by conv_phases into blocks of 9, 9 and 7: a
    shorter last block must give the plain path's results too (it once left the product in
    a temporary copy of a non-contiguous view)."""
    from smallflow.ops import conv_kernels, conv_phases

    rng = np.random.default_rng(0)
    x = rng.random((count, 28, 28, 1), dtype=np.float32)
    w = rng.standard_normal((5, 5, 1, 32)).astype(np.float32)
    b = rng.standard_normal(32).astype(np.float32)
    grad = rng.standard_normal((count, 14, 14, 32)).astype(np.float32)
    pool = ((2, 2), (2, 2), "SAME")
    activation, pooled = conv_phases.conv2d_bias_relu_pool(x, w, b, (1, 1), "SAME", pool)
    relu = conv_kernels.conv2d_bias_relu(x, w, b, (1, 1), "SAME")
    np.testing.assert_array_equal(pooled, conv_kernels.max_pool(relu, *pool))
    dz = conv_phases.relu_max_pool_grad(activation, pooled, grad)
    dw, _ = conv_phases.filter_bias_gradients(activation, pooled, grad, x, (32,))
    expected = conv_kernels.conv2d_backprop_filter(x, w.shape, dz, (1, 1), "SAME")
    np.testing.assert_allclose(dw, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_an_error_in_a_part_names_the_op(cores):
    """A split kernel's error is the op's error, as without the split."""
    calls = cores(2)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 16, 16, None])
        w = tf.placeholder(tf.float32, [3, 3, 16, 32])
        conv = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", name="the_conv")
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as caught:
            sess.run(conv, {x: np.ones((64, 16, 16, 8), np.float32),
                            w: np.ones((3, 3, 16, 32), np.float32)})
    assert calls == [2]
    assert "the_conv" in str(caught.value)


def test_each_part_joins_its_own_output_in_the_same_call(cores):
    """A split conv whose output is big (3.2 MB here) wakes the helper threads once: each
    part copies its result into the joined output itself (a second round of helper calls
    for the copies cost a thread wake-up each), and the joined result is the unsplit one."""
    whole = _run(lambda: _first_layer_graph(False), 1, cores)
    calls = cores(2)
    split = _run(lambda: _first_layer_graph(False), 2, cores)
    assert calls == [2]  # the conv, split once; its ReLU is not split
    for key, expected in whole.items():
        np.testing.assert_array_equal(split[key], expected)


def test_a_stand_in_output_is_joined_as_a_stand_in():
    """The fused conv's zero-stride stand-in (for readers of the shape only) comes back at
    the whole batch's shape, not copied."""
    joiner = batch_split._Joiner([(0, 2), (2, 5)])
    for index, count in enumerate((2, 3)):
        joiner.take(index, (np.full((count, 4), index, np.float32),
                            np.broadcast_to(np.zeros((), np.float32), (count, 3))))
    values, zeros = joiner.outputs()
    np.testing.assert_array_equal(values, [[0] * 4] * 2 + [[1] * 4] * 3)
    assert zeros.shape == (5, 3)
    assert not any(zeros.strides)
