"""Graphs TensorFlow 1.x wrote with control flow (Switch/Merge/Enter/Exit) import and run.

The fixtures in tests/fixtures/tf_control_flow/ were written by TensorFlow 2.21 with TF1's
control flow (tests/make_tf_control_flow_fixtures.py): frozen GraphDefs with conds on
placeholders, nested conds, while loops (counters, shape invariants, a loop in a loop, a
cond in a loop, a loop in a cond), dynamic_rnn with sequence_length, map_fn/scan and
tf.layers' dropout/batch norm under a ``training`` placeholder; a ``.meta`` + checkpoint
of an LSTM classifier with its training step; a SavedModel. smallflow must compute the
values TensorFlow computed (dataflow_executor.py runs these plans).
"""

import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import dataflow_executor

pytest.importorskip("tensorboard")  # GraphDef protos

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_control_flow"
FROZEN = ("cond_placeholder", "nested_cond", "while_counter", "cond_in_loop",
          "lstm_dynamic_rnn", "map_fn_rows", "layers_training_flag")


def _import(name):
    graph_def = tf.GraphDef.FromString((FIXTURES / f"{name}.pb").read_bytes())
    tf.import_graph_def(graph_def, name="")


def _runs(name):
    with np.load(FIXTURES / f"{name}.npz") as arrays:
        stored = {key: arrays[key] for key in arrays.files}
    runs = sorted({key.split("/")[0] for key in stored})
    for run in runs:
        feed = {k.split("/", 2)[2]: v for k, v in stored.items() if k.startswith(f"{run}/feed/")}
        fetch = {k.split("/", 2)[2]: v for k, v in stored.items()
                 if k.startswith(f"{run}/fetch/")}
        yield run, feed, fetch


@pytest.mark.parametrize("name", FROZEN)
def test_frozen_graph_computes_tensorflows_values(name):
    _import(name)
    with tf.Session() as sess:
        for run, feed, expected in _runs(name):
            got = sess.run(list(expected), feed)
            for (fetch, want), value in zip(expected.items(), got):
                np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-6,
                                           err_msg=f"{name} {run} {fetch}")


def test_meta_graph_with_lstm_restores_and_trains_like_tensorflow():
    """TensorFlow's own gradient loop (stacks, TensorArray gradients) runs as written."""
    with np.load(FIXTURES / "training.npz") as arrays:
        feed = {k.split("/", 1)[1]: arrays[k] for k in arrays.files if k.startswith("feed/")}
        expected = arrays["losses"]
    saver = tf.train.import_meta_graph(str(FIXTURES / "training" / "model.meta"))
    with tf.Session() as sess:
        saver.restore(sess, str(FIXTURES / "training" / "model"))
        losses = [sess.run(["loss:0", "train_op"], feed)[0] for _ in range(3)]
    np.testing.assert_allclose(losses, expected, rtol=1e-5)
    assert losses[2] < losses[0]


def test_variable_assigned_in_a_loop_and_a_branch_is_read_after_the_assignments():
    """RefEnter/RefSwitch carry the variable's reference; a read waits for the assignments
    it depends on (TensorFlow: 1 + 3 * 2, then 7, then 10)."""
    with np.load(FIXTURES / "variable_loop.npz") as arrays:
        expected = arrays["values"]
    saver = tf.train.import_meta_graph(str(FIXTURES / "variable_loop" / "model.meta"))
    with tf.Session() as sess:
        saver.restore(sess, str(FIXTURES / "variable_loop" / "model"))
        values = [sess.run("after:0", {"n:0": 3}), sess.run("picked:0", {"flag:0": False}),
                  sess.run("picked:0", {"flag:0": True})]
    np.testing.assert_allclose(values, expected)
    np.testing.assert_allclose(values, [7.0, 7.0, 10.0])


def test_saved_model_with_cond_and_loop_loads_and_runs():
    with np.load(FIXTURES / "saved_model.npz") as arrays:
        x, expected = arrays["x"], arrays["y"]
    with tf.Session() as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], str(FIXTURES / "saved_model"))
        signature = meta.signature_def["serving_default"]
        got = sess.run(signature.outputs["y"].name, {signature.inputs["x"].name: x})
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_dropout_in_training_mode_zeroes_or_scales():
    _import("layers_training_flag")
    x = next(iter(_runs("layers_training_flag")))[1]["x:0"]
    with tf.Session() as sess:
        normed, dropped = sess.run(["bn_out:0", "drop/cond/Merge:0"],
                                   {"x:0": x, "training:0": True})
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], 2 * normed[kept], rtol=1e-6)
    assert 0 < kept.mean() < 1


def test_fetching_a_branch_that_did_not_run_names_the_tensor():
    _import("cond_placeholder")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match=r"'pick/mul:0' is on a branch"):
        sess.run("pick/mul:0", {"x:0": np.ones((1, 3), np.float32), "flag:0": False})


def test_fetching_a_tensor_inside_a_loop_names_the_frame():
    _import("while_counter")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="inside the while loop frame 'grow/"):
        sess.run("grow/add:0", {"n:0": 2, "start:0": np.ones(1, np.float32)})


def test_a_fed_tensor_fetched_with_a_cond_result_is_the_value_fed():
    _import("cond_placeholder")
    x = np.arange(3, dtype=np.float32).reshape(1, 3)
    with tf.Session() as sess:
        fed, y = sess.run(["x:0", "y:0"], {"x:0": x, "flag:0": True})
    np.testing.assert_array_equal(fed, x)
    np.testing.assert_allclose(y, x * 2 + 1)


def test_plans_without_the_primitives_stay_compiled(monkeypatch):
    """Only a plan holding Switch/Merge/... goes to the dataflow executor."""
    _import("cond_placeholder")

    def refuse(*args):
        raise AssertionError("the dataflow executor was used")

    monkeypatch.setattr(dataflow_executor, "make_function", refuse)
    with tf.Session() as sess:
        value = sess.run("x:0", {"x:0": np.ones((1, 3), np.float32)})
        assert value.shape == (1, 3)
        with pytest.raises(AssertionError, match="dataflow executor was used"):
            sess.run("y:0", {"x:0": np.ones((1, 3), np.float32), "flag:0": True})


@settings(max_examples=15, deadline=None)
@given(n=st.integers(0, 7), m=st.integers(0, 6), start=st.floats(-4, 4, width=32))
def test_imported_loops_count_like_python(n, m, start):
    with tf.Graph().as_default():
        _import("while_counter")
        with tf.Session() as sess:
            count, acc, total, nested = sess.run(
                ["count:0", "acc:0", "total:0", "nested:0"],
                {"n:0": n, "m:0": m, "start:0": np.array([start], np.float32)})
    assert count == n
    np.testing.assert_allclose(acc, start * 2.0 ** np.arange(n + 1), rtol=1e-6)
    assert total == n * (n - 1) / 2
    assert nested == sum(a * b for a in range(m) for b in range(a))


def test_imported_graph_writes_back_tensorflows_op_types_and_reimports():
    _import("lstm_dynamic_rnn")
    graph_def = tf.get_default_graph().as_graph_def()
    types = {node.op for node in graph_def.node}
    assert "TensorArrayV3" in types
    assert not any(t.startswith("HandleTensorArray") for t in types)
    (run, feed, expected), = _runs("lstm_dynamic_rnn")
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="again")
        with tf.Session() as sess:
            got = sess.run(f"again/{next(iter(expected))}",
                           {f"again/{k}": v for k, v in feed.items()})
    np.testing.assert_allclose(got, next(iter(expected.values())), rtol=1e-5, atol=1e-6)


def test_tensorflow_2_functional_control_flow_is_refused_naming_the_node():
    graph_def = tf.GraphDef.FromString((FIXTURES / "v2_functional.pb").read_bytes())
    with pytest.raises(ValueError, match=r"Node 'cond' is TensorFlow 2's functional control "
                                         r"flow \(StatelessIf.*disable_control_flow_v2"):
        tf.import_graph_def(graph_def, name="")


def test_gradients_through_an_imported_cond_name_the_op():
    _import("cond_placeholder")
    graph = tf.get_default_graph()
    x = graph.get_tensor_by_name("x:0")
    y = graph.get_tensor_by_name("y:0")
    with pytest.raises(LookupError, match="Merge"):
        tf.gradients(y, x)
