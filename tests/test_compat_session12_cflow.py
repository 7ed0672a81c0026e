"""Graphs with smallflow's cond/while_loop written in TensorFlow 1.x's form (session 12, cflow).

``as_graph_def`` (and so ``export_meta_graph``, SavedModels, ``convert_variables_to_constants``)
lowers ``If``/``While`` to Switch/Merge/Enter/Exit/NextIteration/LoopCond and smallflow's value
TensorArrays to TensorFlow's handle form (graph_tf_control_flow.py), which TensorFlow 2.21's
``compat.v1`` imports (tests/oracle/test_tf_control_flow_files.py runs them there). Without
TensorFlow, these tests read the files back twice: as smallflow (its marks restore the
If/While graph) and as TensorFlow sees them (every ``_``-prefixed attribute removed: the
dataflow executor then runs the lowered form itself).
"""

import numpy as np
import pytest
from control_flow_export_cases import CASES, write_frozen

import smallflow as tf

pytest.importorskip("tensorboard")  # GraphDef protos

_NOT_TENSORFLOW = {"If", "While", "LoopVar", "TensorArrayStack", "TensorArrayUnstack"}


def _as_tensorflow_sees_it(graph_def):
    """The GraphDef without smallflow's private attributes (TensorFlow ignores them)."""
    copy = tf.GraphDef()
    copy.CopyFrom(graph_def)
    for node in copy.node:
        for key in [k for k in node.attr if k.startswith("_")]:
            del node.attr[key]
    return copy


def _check_runs(graph_def, arrays, name):
    runs = sorted({key.split("/")[0] for key in arrays})
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as sess:
            for run in runs:
                feed = {k.split("/", 2)[2]: v for k, v in arrays.items()
                        if k.startswith(f"{run}/feed/")}
                fetch = [k.split("/", 2)[2] for k in arrays if k.startswith(f"{run}/fetch/")]
                for key, value in zip(fetch, sess.run(fetch, feed)):
                    np.testing.assert_allclose(value, arrays[f"{run}/fetch/{key}"], rtol=1e-5,
                                               atol=1e-6, err_msg=f"{name} {run} {key}")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_exported_conds_and_loops_are_in_tensorflow_1_form(case, tmp_path):
    graph_def, _ = write_frozen(tf, case, tmp_path)
    types = {node.op for node in graph_def.node}
    assert not types & _NOT_TENSORFLOW
    if case.__name__ != "layers_training_flag":  # smallflow's layers pick with no cond
        assert {"Switch", "Merge"} <= types
    if case.__name__ not in ("cond_placeholder", "nested_cond", "layers_training_flag"):
        assert {"Enter", "Exit", "NextIteration", "LoopCond"} <= types
    for node in graph_def.node:
        if node.op == "ConcatV2":
            assert node.attr["N"].i == len([i for i in node.input if not i.startswith("^")]) - 1


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_exported_graph_runs_as_tensorflow_would_read_it(case, tmp_path):
    graph_def, arrays = write_frozen(tf, case, tmp_path)
    _check_runs(_as_tensorflow_sees_it(graph_def), arrays, case.__name__)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_exported_graph_reads_back_as_smallflows_if_and_while(case, tmp_path):
    graph_def, arrays = write_frozen(tf, case, tmp_path)
    _check_runs(graph_def, arrays, case.__name__)
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        types = {op.type for op in graph.get_operations()}
    assert not types & {"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond"}


def test_a_fed_placeholder_waited_on_by_a_control_edge_counts_as_run():
    """The lowered cond's NoOp waits on its predicate; a fed predicate is not run."""
    with tf.Graph().as_default() as graph:
        flag = tf.placeholder(tf.bool, [], name="flag")
        x = tf.constant([1.0, 2.0])
        tf.identity(tf.cond(flag, lambda: x * 2.0, lambda: x), name="y")
        graph_def = _as_tensorflow_sees_it(graph.as_graph_def())
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run("y:0", {"flag:0": True}), [2.0, 4.0])
