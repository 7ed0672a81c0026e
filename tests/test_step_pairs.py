"""step_pairs: two independent big kernels of a plan run side by side, each whole."""

import types
import weakref

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


def _cnn_training(monkeypatch, cores, steps=3):
    """Three Adam steps of the tutorial CNN (fc1's weight: 3.2 M elements) at ``cores``
    granted cores: the variables' final values, whether fc1's weight and its slots stayed
    the same arrays (updated in place), and the kernels of the plan's steps."""
    rng = np.random.default_rng(1)
    images = rng.random((50, 28, 28, 1), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 50)]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        y = tf.placeholder(tf.float32, [None, 10])

        def weight(shape):
            return tf.Variable(rng.standard_normal(shape).astype(np.float32) * 0.05)

        w1, w2, w3, w4 = (weight(s) for s in ((5, 5, 1, 32), (5, 5, 32, 64), (3136, 1024),
                                               (1024, 10)))
        pool = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "SAME"}
        p1 = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w1, [1] * 4, "SAME")), **pool)
        p2 = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(p1, w2, [1] * 4, "SAME")), **pool)
        h = tf.nn.relu(tf.matmul(tf.reshape(p2, [-1, 3136]), w3))
        logits = tf.matmul(h, w4)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                          logits=logits))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            monkeypatch.setattr(config, "threads_in_use", lambda: cores)
            store = sess._state.variables
            fc1 = [name for name in store if name.startswith(w3.op.name)]
            before = {name: weakref.ref(store[name]) for name in fc1}  # no strong reference
            for _ in range(steps):
                sess.run(train, {x: images, y: labels})
            kept = all(store[name] is before[name]() for name in fc1) and len(fc1) == 3
            plan = max(sess._plans.values(), key=lambda p: len(p.steps))
            kernels = [getattr(k, "kernels", (k,)) for k, _, _ in plan.steps]
            values = {name: np.array(value) for name, value in store.items()}
    return values, kept, kernels


def _updates_in_pairs(kernels):
    return [k for k in kernels if len(k) > 2 and any(
        getattr(kernel, "takes_dead_inputs", False) for kernel in k)]


def test_a_big_update_runs_in_a_pair_in_place_with_the_same_bits(monkeypatch):
    """fc1's Adam update joins conv2's gradient pair (after the helper's kernel, its blocks
    shared): one region a step fewer; it still writes fc1's weight and slots in place, and
    every variable ends with the bits it has when the update runs in a region of its own."""
    regions = []
    original = workers.run_together

    def counting(calls):
        if not getattr(workers._inside, "helper", False):  # a region of its own
            regions.append(len(calls))
        return original(calls)

    monkeypatch.setattr(workers, "run_together", counting)
    paired, kept, kernels = _cnn_training(monkeypatch, 2)
    assert kept
    assert len(_updates_in_pairs(kernels)) == 1
    paired_regions = len(regions)
    regions.clear()
    monkeypatch.setattr(step_pairs, "_UPDATE_MIN_ELEMENTS", 1 << 62)
    alone, kept_alone, kernels = _cnn_training(monkeypatch, 2)
    assert kept_alone
    assert not _updates_in_pairs(kernels)
    assert paired_regions < len(regions)
    assert paired.keys() == alone.keys()
    for name, value in alone.items():
        np.testing.assert_array_equal(paired[name], value, err_msg=name)


def _update_op(name, var_names, size=1 << 21):
    return types.SimpleNamespace(
        type="ApplyAdam", name=name, attrs={"var_names": var_names},
        inputs=[types.SimpleNamespace(shape=tf.TensorShape([size]))])


def _read_op(var_name):
    return types.SimpleNamespace(type="VariableV2", name=var_name,
                                 attrs={"var_name": var_name})


def _stateful_updates(op):
    return op.type in ("VariableV2", "AssignAdd", "ApplyAdam")


def _update_plan(between_op=None):
    """A pair (slots 2, 4 from the fed 10 and 1), then the reads of an update's slots (5,
    6), maybe a step between, and the update of variable "w" (slot 0, read before the pair)
    by slot 1."""
    (first, op1), (second, op2) = _matmul("first"), _matmul("second")

    def update(var, m, v, grad):
        return var - grad

    steps = [(lambda: None, (), 0), (first, (10, 1), 2), (second, (10, 1), 4),
             (lambda: None, (), 5), (lambda: None, (), 6)]
    ops = [_read_op("w"), op1, op2, _read_op("w/Adam"), _read_op("w/Adam_1")]
    if between_op is not None:
        steps.append((lambda: None, (), 8))
        ops.append(between_op)
    steps.append((update, (0, 5, 6, 1), 7))
    ops.append(_update_op("update", ("w", "w/Adam", "w/Adam_1")))
    new_steps, new_ops = step_pairs.pair(steps, ops, _stateful_updates)
    return new_steps, new_ops, update


def test_an_update_joins_the_pair_before_it_and_fails_at_its_place(monkeypatch):
    monkeypatch.setattr(config, "threads_in_use", lambda: 2)
    new_steps, new_ops, update = _update_plan()
    assert [op.name for op in new_ops] == ["w", "w/Adam", "w/Adam_1", "first", "second",
                                          "update"]
    kernel, ins, outs = new_steps[3]
    assert kernel.kernels[-1] is update
    assert kernel.takes_arg_list
    assert (ins, outs) == ((10, 1, 10, 1, 0, 5, 6, 1), (2, 4, 7))
    a = np.arange(16, dtype=np.float32).reshape(4, 4)
    values = [a, a, a, a, a, None, None, a]
    product, _, updated = kernel(values)
    np.testing.assert_array_equal(product, a @ a)
    np.testing.assert_array_equal(updated, a - a)
    assert values[4:] == [None] * 4  # handed on: nothing else holds them

    def fail(var, m, v, grad):
        raise ValueError("bad update")

    pair_kernel = step_pairs._pair_kernel(*kernel.kernels[:2], 2, False, (1, 1),
                                          new_ops[4], None, (fail, 4, new_ops[5]))
    *_, failed = pair_kernel([a, a, a, a, a, None, None, a])
    with pytest.raises(tf.errors.InvalidArgumentError, match="op 'update' failed: bad"):
        new_steps[5][0](failed)


@pytest.mark.parametrize("between", ["reads the variable", "changes other state",
                                     "updates the same variable"])
def test_an_update_stays_when_a_step_between_could_see_it(between):
    op = {"reads the variable": _read_op("w"),
          "changes other state": types.SimpleNamespace(type="AssignAdd", name="count",
                                                       attrs={}),
          "updates the same variable": _update_op("other", ("w", "x"), size=4)}[between]
    new_steps, new_ops, update = _update_plan(op)
    assert new_ops[-1].name == "update"
    assert new_steps[-1][0] is update
