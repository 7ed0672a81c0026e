"""Session 11 (lead): TF 1.x names that were missing from the public API — tf.sets,
tf.switch_case, tf.queue/tf.manip/tf.dtypes names, tf.sysconfig, tf.resource_loader,
tf.errors' code helpers, tf.train.maybe_* batching, assert_global_step, basic_train_loop,
GlobalStepWaiterHook, warm starting (tf.train.warm_start, Estimator(warm_start_from=...)).
Values of the set ops and switch_case are also checked against TensorFlow
(tests/oracle/cases_session11_lead.py)."""

import os
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf


def _run(fetches, feed=None):
    with tf.Session() as session:
        return session.run(fetches, feed)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=1, max_size=4),
       st.lists(st.lists(st.integers(0, 6), min_size=2, max_size=2), min_size=1, max_size=4))
def test_set_operations_match_python_sets(rows_a, rows_b):
    n = min(len(rows_a), len(rows_b))
    a = np.array(rows_a[:n], dtype=np.int64)
    b = np.array(rows_b[:n], dtype=np.int64)
    with tf.Graph().as_default():
        results = _run({"i": tf.sets.intersection(a, b), "u": tf.sets.union(a, b),
                        "d": tf.sets.difference(a, b)})
    for key, combine in (("i", set.__and__), ("u", set.__or__), ("d", set.__sub__)):
        value = results[key]
        expected = [sorted(combine(set(x), set(y))) for x, y in zip(a.tolist(), b.tolist())]
        got = [[] for _ in range(n)]
        for (row, column), item in zip(value.indices.tolist(), value.values.tolist()):
            assert column == len(got[row])
            got[row].append(item)
        assert got == expected
        assert value.dense_shape.tolist() == [n, max(len(e) for e in expected)]


def test_set_ops_check_their_arguments():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="invalid dtype"):
            tf.sets.union([[1.0]], [[2.0]])
        with pytest.raises(TypeError, match="Types don't match"):
            tf.sets.union([[1]], tf.constant([[2]], tf.int64))
        with pytest.raises(TypeError, match="Expected `SparseTensor`"):
            tf.sets.set_size([[1, 2]])
        unsorted = tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2])
        with pytest.raises(tf.errors.InvalidArgumentError, match="row-major"):
            _run(tf.sets.set_size(unsorted))
        assert _run(tf.sets.set_size(unsorted, validate_indices=False)).tolist() == [2]
        with pytest.raises(tf.errors.InvalidArgumentError, match="batch dimensions"):
            _run(tf.sets.union([[1, 2]], [[1], [2]]))


def test_switch_case_rules():
    with tf.Graph().as_default():
        index = tf.placeholder(tf.int32, [])
        chosen = tf.switch_case(index, [(1, lambda: tf.constant("b")),
                                        (0, lambda: tf.constant("a"))])
        with tf.Session() as session:
            assert [session.run(chosen, {index: i}) for i in (0, 1, 9)] == [b"a", b"b", b"b"]
        with pytest.raises(ValueError, match="contiguous range"):
            tf.switch_case(index, {0: lambda: 1, 2: lambda: 2})
        with pytest.raises(TypeError, match="int32"):
            tf.switch_case(tf.constant(1, tf.int64), [lambda: tf.constant(1)])
        with pytest.raises(TypeError, match="callable"):
            tf.switch_case(index, [1, 2])


def test_namespaces_name_the_same_objects():
    assert tf.queue.FIFOQueue is tf.FIFOQueue
    assert tf.queue.PaddingFIFOQueue is tf.PaddingFIFOQueue
    assert tf.manip.roll is tf.roll
    assert tf.manip.scatter_nd is tf.scatter_nd
    assert tf.dtypes.cast is tf.cast
    assert tf.dtypes.saturate_cast is tf.saturate_cast
    assert tf.sets.set_union is tf.sets.union
    assert os.path.isdir(tf.sysconfig.get_lib())
    assert tf.sysconfig.get_compile_flags()[0] == "-I" + tf.sysconfig.get_include()
    assert tf.resource_loader.get_data_files_path() == os.path.dirname(os.path.abspath(
        __file__))
    assert tf.resource_loader.get_path_to_datafile("x.txt") == os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "x.txt")
    with tf.Graph().as_default():
        assert _run(tf.user_ops.my_fact()).startswith(b"0!")


def test_error_code_helpers():
    assert tf.errors.exception_type_from_error_code(11) is tf.errors.OutOfRangeError
    assert tf.errors.error_code_from_exception_type(tf.errors.NotFoundError) == 5
    with pytest.raises(KeyError):
        tf.errors.exception_type_from_error_code(99)
    with pytest.raises(KeyError):
        tf.errors.error_code_from_exception_type(ValueError)
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad"), \
            tf.errors.raise_exception_on_not_ok_status() as status:
        status.code, status.message = tf.errors.INVALID_ARGUMENT, "bad"
    with tf.errors.raise_exception_on_not_ok_status():
        pass


def test_maybe_batch_keeps_only_what_keep_input_keeps():
    with tf.Graph().as_default():
        values = tf.constant(np.arange(8, dtype=np.int32))
        keep = tf.constant([True, False, True, True, False, False, True, True])
        kept = tf.train.maybe_batch([values], keep, batch_size=5, enqueue_many=True)
        odd = tf.train.maybe_shuffle_batch([tf.constant(7)], 2, 10, 0, keep_input=True,
                                           seed=1)
        with pytest.raises(ValueError, match="cannot be a vector"):
            tf.train.maybe_batch([tf.constant(1)], [True], batch_size=1)
        with tf.Session() as session:
            coordinator = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(session, coordinator)
            assert list(np.ravel(session.run(kept))) == [0, 2, 3, 6, 7]
            assert list(np.ravel(session.run(odd))) == [7, 7]
            coordinator.request_stop()
            coordinator.join(threads, stop_grace_period_secs=5)

    with tf.Graph().as_default():
        flag = tf.placeholder(tf.bool, [])
        value = tf.placeholder(tf.int32, [])
        batched = tf.train.maybe_batch_join([[value]], flag, batch_size=1)
        runner = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)[-1]
        with tf.Session() as session:  # the enqueue op run by hand, not by runner threads
            session.run(runner.enqueue_ops[0], {flag: False, value: 1})
            assert session.run(runner.queue.size()) == 0
            session.run(runner.enqueue_ops[0], {flag: True, value: 2})
            assert session.run(runner.queue.size()) == 1
            assert np.ravel(session.run(batched)).tolist() == [2]


def test_assert_global_step_checks():
    with tf.Graph().as_default():
        tf.train.assert_global_step(tf.train.get_or_create_global_step())
        with pytest.raises(TypeError, match="integer type"):
            tf.train.assert_global_step(tf.Variable(0.0))
        with pytest.raises(TypeError, match="not scalar"):
            tf.train.assert_global_step(tf.constant([1, 2]))
        with pytest.raises(TypeError, match="must be a Variable or Tensor"):
            tf.train.assert_global_step(3)


def test_basic_train_loop_and_global_step_waiter(tmp_path):
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        increment = tf.assign_add(step, 1)
        supervisor = tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0,
                                         save_summaries_secs=0)
        seen = []

        def train_step(session, limit):
            seen.append(session.run(increment))
            if seen[-1] >= limit:
                supervisor.request_stop()

        tf.train.basic_train_loop(supervisor, train_step, args=(3,))
        assert seen == [1, 2, 3]

    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        bump = tf.assign_add(step, 1)
        waiter = tf.train.GlobalStepWaiterHook(wait_until_step=3)
        with tf.train.MonitoredSession(hooks=[waiter]) as session:
            raw = session._tf_sess() if hasattr(session, "_tf_sess") else session.raw_session()

            def bump_three_times():
                for _ in range(3):
                    time.sleep(0.1)
                    raw.run(bump)

            helper = threading.Thread(target=bump_three_times)
            helper.start()
            started = time.time()
            assert session.run(step) >= 3  # the hook held the run until step 3
            helper.join()
            assert time.time() - started >= 0.25


def _save_model(path, seed):
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        with tf.variable_scope("net"):
            weights = tf.get_variable("w", [3, 2])
            bias = tf.get_variable("b", [2], initializer=tf.ones_initializer())
        step = tf.train.get_or_create_global_step()
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            values = session.run([weights, bias])
            tf.train.Saver().save(session, os.path.join(path, "model.ckpt"),
                                  global_step=step)
    return values


def test_warm_start_initializes_chosen_variables(tmp_path):
    weights, bias = _save_model(str(tmp_path), 1)
    with tf.Graph().as_default():
        with tf.variable_scope("new"):
            w = tf.get_variable("w", [3, 2])
            b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
        tf.train.warm_start(str(tmp_path), vars_to_warm_start="new/w",
                            var_name_to_prev_var_name={"new/w": "net/w"})
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            got_w, got_b = session.run([w, b])
        np.testing.assert_array_equal(got_w, weights)
        np.testing.assert_array_equal(got_b, [0.0, 0.0])  # not chosen: its own initializer
        with pytest.raises(ValueError, match="were not used"):
            tf.train.warm_start(str(tmp_path), vars_to_warm_start="new/w",
                                var_name_to_prev_var_name={"new/w": "net/w", "nope": "x"})
        with pytest.raises(NotImplementedError, match="VocabInfo"):
            tf.train.warm_start(str(tmp_path), vars_to_warm_start="new/b",
                                var_name_to_vocab_info={"new/b": tf.train.VocabInfo(
                                    "v.txt", 2, 0, "old.txt")})
    with tf.Graph().as_default():
        with tf.variable_scope("net"):
            w = tf.get_variable("w", [3, 2])
            b = tf.get_variable("b", [2])
        tf.train.warm_start(str(tmp_path), vars_to_warm_start=["net/b"])
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(session.run(b), bias)


def test_estimator_warm_starts_from_a_checkpoint(tmp_path):
    x = np.random.RandomState(0).rand(40, 3).astype(np.float32)
    y = (x.sum(1) > 1.5).astype(np.int64)
    columns = [tf.feature_column.numeric_column("x", shape=3)]

    def input_fn():
        return tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(10)

    first = tf.estimator.DNNClassifier([4], columns, model_dir=str(tmp_path / "a"),
                                       optimizer=tf.train.GradientDescentOptimizer(0.0))
    first.train(input_fn, steps=2)
    settings_ = tf.estimator.WarmStartSettings(str(tmp_path / "a"),
                                               vars_to_warm_start=".*hiddenlayer.*")
    for target, warm in (("b", str(tmp_path / "a")), ("c", settings_)):
        second = tf.estimator.DNNClassifier(
            [4], columns, model_dir=str(tmp_path / target), warm_start_from=warm,
            optimizer=tf.train.GradientDescentOptimizer(0.0))
        second.train(input_fn, steps=1)
        for name in ("dnn/hiddenlayer_0/kernel", "dnn/logits/kernel"):
            same = np.array_equal(first.get_variable_value(name),
                                  second.get_variable_value(name))
            assert same == (target == "b" or "hiddenlayer" in name), (target, name)
    with pytest.raises(ValueError, match="warm_start_from must be"):
        tf.estimator.DNNClassifier([4], columns, warm_start_from=3)


def test_profiler_counts_parameters_and_flops(tmp_path, capsys):
    with tf.Graph().as_default() as graph:
        with tf.variable_scope("dense"):
            weights = tf.get_variable("w", [16, 9])
            tf.get_variable("b", [9])
        a = tf.ones([25, 16])
        product = tf.matmul(a, weights)  # 2 * 16 * 25 * 9 FLOPs
        tf.reduce_sum(product * 2.0)  # 225 (Mul) + 224 (Sum: 225 inputs into 1)
        tf.matmul(tf.placeholder(tf.float32, [None, 16]), weights)  # unknown shape: none
        builder = tf.profiler.ProfileOptionBuilder
        params = tf.profiler.profile(graph, options=builder.trainable_variables_parameter())
        assert params.total_parameters == 16 * 9 + 9
        assert [c.name for c in params.children] == ["dense"]
        assert [c.name for c in params.children[0].children] == ["dense/b", "dense/w"]
        printed = capsys.readouterr()
        assert "dense/w (16x9, 144/144 params)" in printed.out
        assert "1 ops no flops stats due to incomplete shapes." in printed.err
        flops = tf.profiler.profile(graph, options=builder(builder.float_operation())
                                    .with_file_output(str(tmp_path / "report.txt")).build())
        # ... and the variables' random_uniform initializers: Mul and Add per element, a Sub
        initializers = (144 * 2 + 1) + (9 * 2 + 1)
        assert flops.total_float_ops == 2 * 16 * 25 * 9 + 225 + 224 + initializers
        assert flops.children[0].name == "MatMul"  # sorted by FLOPs
        assert "_TFProfRoot (--/7.96k flops)" in (tmp_path / "report.txt").read_text()
        assert capsys.readouterr().out == ""
        with pytest.raises(NotImplementedError, match="timing and memory"):
            tf.profiler.profile(graph, options=builder.time_and_memory())
        with pytest.raises(NotImplementedError, match="cmd='op'"):
            tf.profiler.profile(graph, cmd="op")
