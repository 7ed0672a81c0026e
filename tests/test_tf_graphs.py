"""GraphDefs written by TensorFlow itself import into smallflow and compute the same values.

The fixtures (graph files and TensorFlow's outputs) are made by make_tf_graph_fixtures.py.
"""

import pathlib

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402
from smallflow import graph_io  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_graphs"
CASES = [(name, suffix) for name in ("frozen_cnn", "variables_mlp")
         for suffix in (".pb", ".pbtxt")]


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_a_tensorflow_graph_def_imports_and_runs_like_tensorflow(name, suffix):
    graph_def = graph_io.read_graph_def(FIXTURES / f"{name}{suffix}")
    expected = np.load(FIXTURES / f"{name}.npz")
    feeds = {k[len("feed/"):]: expected[k] for k in expected.files if k.startswith("feed/")}
    fetches = [k[len("fetch/"):] for k in expected.files if k.startswith("fetch/")]
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="tf")
        assert len(graph.get_operations()) >= len(graph_def.node)
        with tf.Session() as sess:
            if "init" in expected.files:
                sess.run("tf/" + str(expected["init"]))
            got = sess.run([f"tf/{f}" for f in fetches], {f"tf/{k}": v for k, v in feeds.items()})
    for fetch, value in zip(fetches, got):
        want = expected[f"fetch/{fetch}"]
        assert np.asarray(value).dtype == want.dtype, fetch
        np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-6, err_msg=fetch)


def test_input_map_replaces_a_tensorflow_placeholder():
    graph_def = graph_io.read_graph_def(FIXTURES / "frozen_cnn.pb")
    expected = np.load(FIXTURES / "frozen_cnn.npz")
    with tf.Graph().as_default():
        images = tf.constant(expected["feed/images:0"])
        [probs] = tf.import_graph_def(graph_def, input_map={"images:0": images},
                                      return_elements=["probs:0"])
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(probs), expected["fetch/probs:0"], rtol=1e-5)


def test_imported_tensorflow_variables_are_state_of_the_session():
    graph_def = graph_io.read_graph_def(FIXTURES / "variables_mlp.pb")
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="a")
        tf.import_graph_def(graph_def, name="b")
        weights_a = graph.get_tensor_by_name("a/hidden/weights:0")
        with tf.Session() as sess:
            sess.run(["a/init", "b/init"])
            sess.run(tf.assign(weights_a, tf.zeros([4, 6])))
            assert not sess.run("a/hidden/weights:0").any()
            assert sess.run("b/hidden/weights:0").any()
