"""step_pairs: two independent big kernels of a plan run side by side, each whole."""

import types

import numpy as np
import pytest

import smallflow as tf
from smallflow import batch_split, config, step_pairs, workers


def _kernel(name, func, work=10**8):
    """A stand-in for one of batch_split's wrappers (step_pairs knows them by name)."""
    func.__name__ = name
    func.__module__ = batch_split.__name__
    func.work = lambda *args: work
    return func


def _op(op_type, name):
    return types.SimpleNamespace(type=op_type, name=name)


def _stateful(op):
    return op.type in ("VariableV2", "AssignAdd")


def _plan(steps, step_ops):
    steps, step_ops = step_pairs.pair(steps, step_ops, _stateful)
    return [getattr(kernel, "kernels", (kernel,)) for kernel, _, _ in steps], steps, step_ops


def _matmul(name):
    return _kernel("split_matmul", lambda a, b: a @ b), _op("MatMul", name)


def test_an_independent_later_product_moves_up_beside_the_first():
    (first, op1), (second, op2) = _matmul("first"), _matmul("second")
    steps = [(first, (0, 1), 2), (lambda v: v + 1, (2,), 3), (second, (0, 1), 4)]
    ops = [op1, _op("AddV2", "between"), op2]
    kernels, new_steps, new_ops = _plan(steps, ops)
    assert kernels[0] == (first, second)
    assert new_steps[0][1:] == ((0, 1, 0, 1), (2, 4))
    assert new_ops[0] is op1
    assert new_steps[2][1:] == ((4,), ())  # the moved step's check, at its place
    assert new_ops[2] is op2


@pytest.mark.parametrize("between", [
    "reads an output of a step between",
    "reads a variable an update between may change in place",
    "reads a reshape of that variable",
])
def test_a_later_step_that_could_see_other_values_stays(between):
    (first, op1), (second, op2) = _matmul("first"), _matmul("second")
    steps = [(lambda: None, (), 0), (first, (5, 1), 2), (lambda v: v, (0,), 3),
             (lambda v: v + 1, (2,), 6)]
    ops = [_op("VariableV2", "w"), op1, _op("Reshape", "w_flat"), _op("AssignAdd", "update")]
    reads = {"reads an output of a step between": 6,
             "reads a variable an update between may change in place": 0,
             "reads a reshape of that variable": 3}[between]
    steps.append((second, (5, reads), 4))
    ops.append(op2)
    kernels, _, _ = _plan(steps, ops)
    assert (first, second) not in kernels


def test_an_error_of_the_moved_step_is_raised_at_its_place(monkeypatch):
    monkeypatch.setattr(config, "threads_in_use", lambda: 2)

    def fail(a, b):
        raise ValueError("bad shapes")

    (first, op1) = _matmul("first")
    second = _kernel("split_matmul", fail)
    steps = [(first, (0, 1), 2), (second, (0, 1), 3)]
    ops = [op1, _op("MatMul", "second")]
    new_steps, new_ops = step_pairs.pair(steps, ops, _stateful)
    a = np.ones((4, 4), np.float32)
    product, failed = new_steps[0][0](a, a, a, a)
    np.testing.assert_array_equal(product, a @ a)
    check = new_steps[1][0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="op 'second' failed: bad"):
        check(failed)


def _cnn_gradients(monkeypatch, cores, first_layer=False):
    """The tutorial CNN's gradients (conv2's input and filter gradients, fc1's input and
    weight gradients: the pairs; with ``first_layer`` also conv1's filter gradient, the
    step after conv2's input gradient) at ``cores`` granted cores."""
    rng = np.random.default_rng(0)
    images = rng.random((50, 28, 28, 1), dtype=np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        w1 = rng.standard_normal((5, 5, 1, 32)).astype(np.float32) * 0.1
        w1 = tf.Variable(w1) if first_layer else tf.constant(w1)
        w2 = tf.Variable(rng.standard_normal((5, 5, 32, 64)).astype(np.float32) * 0.1)
        w3 = tf.Variable(rng.standard_normal((3136, 64)).astype(np.float32) * 0.1)
        p1 = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w1, [1] * 4, "SAME")), [1, 2, 2, 1],
                            [1, 2, 2, 1], "SAME")
        p2 = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(p1, w2, [1] * 4, "SAME")), [1, 2, 2, 1],
                            [1, 2, 2, 1], "SAME")
        h = tf.nn.relu(tf.matmul(tf.reshape(p2, [-1, 3136]), w3))
        loss = tf.reduce_sum(h * h)
        grads = tf.gradients(loss, [w2, w3, p1, *([w1] if first_layer else [])])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            monkeypatch.setattr(config, "threads_in_use", lambda: cores)
            return sess.run(grads, {x: images})


def test_paired_gradients_are_the_one_core_gradients_bit_for_bit(monkeypatch):
    """Each kernel of a pair runs whole: even the filter gradient, which a split over the
    batch rounds differently, is the one-core result exactly."""
    calls = []
    original = workers.run_together

    def counting(parts):
        calls.append(len(parts))
        return original(parts)

    monkeypatch.setattr(workers, "run_together", counting)
    whole = _cnn_gradients(monkeypatch, 1)
    assert calls == []
    paired = _cnn_gradients(monkeypatch, 2)
    assert calls
    for got, expected in zip(paired, whole, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_the_step_after_the_first_runs_after_it_on_its_thread(monkeypatch):
    """A batch_split kernel right after the pair's first step, reading what it made, runs
    inside the pair after it (one wake-up less); its error is named for its own op."""
    monkeypatch.setattr(config, "threads_in_use", lambda: 2)
    (first, op1), (second, op2) = _matmul("first"), _matmul("second")
    follower = _kernel("split_part_reader", lambda made, other: made - other)
    steps = [(first, (0, 1), 2), (follower, (2, 0), 3), (second, (0, 1), 4),
             (lambda a, b: a + b, (3, 4), 5)]
    ops = [op1, _op("Sub", "follower"), op2, _op("AddV2", "sum")]
    kernels, new_steps, new_ops = _plan(steps, ops)
    assert kernels[0] == (first, second, follower)
    assert [op.name for op in new_ops] == ["first", "second", "sum"]
    kernel, ins, outs = new_steps[0]
    assert (ins, outs) == ((0, 1, 0, 1, 0), (2, 4, 3))  # the follower gets slot 2 inside
    a = np.arange(16, dtype=np.float32).reshape(4, 4)
    b = np.eye(4, dtype=np.float32) * 2
    product, again, difference = kernel(a, b, a, b, a)
    np.testing.assert_array_equal(product, a @ b)
    np.testing.assert_array_equal(again, a @ b)
    np.testing.assert_array_equal(difference, a @ b - a)

    def fail(made, other):
        raise ValueError("no")

    steps[1] = (_kernel("split_part_reader", fail), (2, 0), 3)
    _, new_steps, _ = _plan(steps, ops)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Sub op 'follower' failed: no"):
        new_steps[0][0](a, b, a, b, a)


def test_the_first_layers_gradients_in_a_pair_equal_the_split_ones(monkeypatch):
    """With the follower (conv1's filter gradient, part by part after conv2's input
    gradient) the CNN's gradients at two cores are those of the split kernels, bit for bit,
    but for conv2's filter gradient (whole in the pair: the one-core bits)."""
    paired = _cnn_gradients(monkeypatch, 2, first_layer=True)
    monkeypatch.setattr(step_pairs, "pair", lambda steps, ops, stateful: (steps, ops))
    split = _cnn_gradients(monkeypatch, 2, first_layer=True)
    for index, (got, expected) in enumerate(zip(paired, split, strict=True)):
        if index:  # 0: conv2's filter gradient
            np.testing.assert_array_equal(got, expected)
