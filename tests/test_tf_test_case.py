"""tf.test.TestCase and friends: TF1 test files run unchanged under unittest and pytest."""

import textwrap
import unittest

import numpy as np
import pytest

import smallflow as tf


class _Probe(tf.test.TestCase):
    """A TestCase the tests below drive by hand (not collected itself)."""

    __test__ = False

    def runTest(self):  # noqa: N802 - unittest's name
        pass


def _case():
    case = _Probe()
    case.setUp()
    return case


def test_setup_gives_a_fresh_graph_and_fixed_seeds():
    tf.constant(1.0, name="leftover")
    case = _case()
    assert tf.get_default_graph().get_operations() == []
    assert tf.get_default_graph().seed == 87654321
    case.tearDown()


def test_cached_session_is_reused_within_a_test_and_is_the_default():
    case = _case()
    x = tf.constant([1.0, 2.0])
    with case.cached_session() as first:
        assert tf.get_default_session() is first
        np.testing.assert_array_equal(x.eval(), [1.0, 2.0])
    with case.cached_session() as second, case.test_session() as third:
        assert first is second is third
    with case.session() as fresh:
        assert fresh is not first
    case.tearDown()


def test_cached_session_refuses_another_graph():
    case = _case()
    with case.cached_session():
        pass
    with pytest.raises(ValueError, match="graph used to get the cached session is different"), \
            case.cached_session(graph=tf.Graph()):
        pass
    case.tearDown()


def test_session_on_another_graph_makes_it_the_default():
    case = _case()
    graph = tf.Graph()
    with graph.as_default():
        y = tf.constant(3)
    with case.session(graph=graph) as sess:
        assert tf.get_default_graph() is graph
        assert sess.run(y) == 3
    case.tearDown()


def test_evaluate_runs_nests_of_tensors():
    case = _case()
    a = tf.constant([1, 2])
    assert case.evaluate({"a": a, "b": [a * 2]})["b"][0].tolist() == [2, 4]
    case.tearDown()


PASSING = [
    ("assertAllClose", ([1.0, 2.0], np.array([1.0, 2.0 + 1e-7]))),
    ("assertAllClose", ({"a": [1.0], "b": (2.0, 3.0)}, {"a": [1.0], "b": (2.0, 3.0)})),
    ("assertAllClose", (np.nan, np.nan)),
    ("assertAllCloseAccordingToType", (np.float16([1.0]), np.float16([1.0005]))),
    ("assertAllEqual", ([[1, 2]], np.array([[1, 2]]))),
    ("assertAllEqual", ([np.nan], [np.nan])),
    ("assertNotAllClose", ([1.0], [2.0])),
    ("assertNotAllEqual", ([1], [2])),
    ("assertArrayNear", ([1.0, 2.0], [1.05, 2.0], 0.1)),
    ("assertNear", (1.0, 1.05, 0.1)),
    ("assertNDArrayNear", (np.ones(3), np.ones(3) + 0.01, 0.1)),
    ("assertAllGreater", ([2, 3], 1)),
    ("assertAllLess", ([2, 3], 4)),
    ("assertAllGreaterEqual", ([2, 3], 2)),
    ("assertAllLessEqual", ([2, 3], 3)),
    ("assertAllInRange", ([0.0, 0.5, 1.0], 0.0, 1.0)),
    ("assertAllInSet", ([1, 2, 1], {1, 2, 3})),
    ("assertDTypeEqual", (np.float32([1]), np.float32)),
    ("assertStartsWith", ("conv1/weights", "conv1/")),
    ("assertItemsEqual", ([1, 2, 2], [2, 1, 2])),
    ("assertDeviceEqual", ("/device:CPU:0", "/cpu:0")),
]

FAILING = [
    ("assertAllClose", ([1.0, 2.0], [1.0, 2.1]), "not close where"),
    ("assertAllClose", ([1.0, 2.0], [1.0]), r"Shape mismatch: expected \(2,\), got \(1,\)"),
    ("assertAllClose", ({"a": 1.0}, {"b": 1.0}), "mismatched keys"),
    ("assertAllCloseAccordingToType", (np.float32([1.0]), np.float32([1.001])), "not close"),
    ("assertAllEqual", ([1, 2], [1, 3]), "not equal where"),
    ("assertAllEqual", ([1, 2], [[1, 2]]), "Shape mismatch"),
    ("assertNotAllClose", ([1.0], [1.0]), "close at all elements"),
    ("assertNotAllEqual", ([1], [1]), "equal at all elements"),
    ("assertNear", (1.0, 1.2, 0.1), r"1.000000 != 1.200000 \+/- 0.100000"),
    ("assertAllGreater", ([1, 3], 1), None),
    ("assertAllInRange", ([0.0, 1.0], 0.0, 1.0, False, True),
     r"1 of the 2 element\(s\) are outside the range \[0.0, 1.0\)"),
    ("assertAllInSet", ([1, 4], {1, 2}), r"1 unique element\(s\) are not in the set"),
    ("assertDTypeEqual", (np.float64([1]), np.float32), None),
]


@pytest.mark.parametrize(("method", "args"), PASSING)
def test_assertions_pass(method, args):
    getattr(_case(), method)(*args)


@pytest.mark.parametrize(("method", "args", "message"), FAILING)
def test_assertions_fail_with_tensorflows_messages(method, args, message):
    with pytest.raises(AssertionError, match=message):
        getattr(_case(), method)(*args)


def test_assertions_evaluate_tensors():
    case = _case()
    case.assertAllClose(tf.constant([1.0, 2.0]) * 2, [2.0, 4.0])
    case.assertAllEqual(tf.constant([[1, 2]]), [[1, 2]])
    case.tearDown()


def test_assert_shape_equal_compares_static_shapes():
    case = _case()
    x = tf.placeholder(tf.float32, [3, 2])
    case.assertShapeEqual(np.zeros((3, 2)), x)
    with pytest.raises(AssertionError):
        case.assertShapeEqual(np.zeros((2, 3)), x)
    with pytest.raises(TypeError, match="np_array must be a Numpy ndarray"):
        case.assertShapeEqual([1, 2], x)


def test_assert_raises_op_error_matches_run_errors():
    case = _case()
    x = tf.placeholder(tf.float32)
    check = tf.debugging.check_numerics(x, "bad value")
    with case.cached_session() as sess:
        with case.assertRaisesOpError("bad value"):
            sess.run(check, {x: np.nan})
        with pytest.raises(AssertionError, match="not raised"), \
                case.assertRaisesOpError("bad value"):
            sess.run(check, {x: 1.0})
        with pytest.raises(AssertionError, match="Exception of type"), \
                case.assertRaisesOpError("bad value"):
            raise ValueError("something else")
    case.tearDown()


def test_get_temp_dir_exists_and_is_per_test(tmp_path):
    case = _case()
    import os

    assert os.path.isdir(case.get_temp_dir())
    assert case.get_temp_dir().startswith(tf.test.get_temp_dir())


def test_checked_thread_reports_its_exception():
    case = _case()

    def fails():
        raise RuntimeError("boom")

    thread = case.checkedThread(target=fails)
    thread.start()
    with pytest.raises(AssertionError, match="Error in checkedThread: boom"):
        thread.join()


def test_stub_out_for_testing_restores_attributes():
    class Holder:
        value = 1

    with tf.test.StubOutForTesting() as stubs:
        stubs.Set(Holder, "value", 2)
        assert Holder.value == 2
    assert Holder.value == 1


def test_disable_with_predicate_skips():
    class Case(tf.test.TestCase):
        @tf.test.disable_with_predicate(lambda: True, "not here")
        def test_x(self):
            raise AssertionError("ran")

    result = unittest.TestResult()
    Case("test_x").run(result)
    assert result.skipped
    assert result.skipped[0][1] == "not here"


def test_hardware_answers_and_benchmark():
    assert not tf.test.is_built_with_gpu_support()
    assert not tf.test.is_built_with_rocm()
    assert not tf.test.is_built_with_xla()
    assert not tf.test.is_gpu_available()
    with tf.Session() as sess:
        result = tf.test.Benchmark().run_op_benchmark(sess, tf.constant(1.0) + 1.0,
                                                      min_iters=3, name="add")
    assert result["name"] == "add"
    assert result["iters"] == 3
    assert result["wall_time"] >= 0


def test_assert_equal_graph_def_names_the_difference():
    pytest.importorskip("tensorboard", reason="GraphDefs need the tensorboard extra")
    with tf.Graph().as_default() as g1:
        tf.add(tf.constant(1.0, name="a"), 2.0, name="sum")
    with tf.Graph().as_default() as g2:
        tf.add(tf.constant(1.0, name="a"), 2.0, name="sum")
    tf.test.assert_equal_graph_def(g1.as_graph_def(), g2.as_graph_def())
    with tf.Graph().as_default() as g3:
        tf.subtract(tf.constant(1.0, name="a"), 2.0, name="sum")
    with pytest.raises(AssertionError, match="Node named 'sum' has op 'Sub'"):
        tf.test.assert_equal_graph_def(g3.as_graph_def(), g1.as_graph_def())
    with pytest.raises(TypeError, match="Expected tf.GraphDef for actual"):
        tf.test.assert_equal_graph_def(1, g1.as_graph_def())


TF1_TEST_FILE = '''
"""A TF1-style test file, as courses write them."""
import numpy as np
import smallflow as tf


class SquareTest(tf.test.TestCase):

    def testSquare(self):
        with self.test_session():
            x = tf.square([2, 3])
            self.assertAllEqual(x.eval(), [4, 9])

    def testGradient(self):
        with self.cached_session():
            x = tf.constant([1.0, 2.0])
            y = tf.reduce_sum(x * x)
            grad = tf.gradients(y, x)[0]
            self.assertAllClose(self.evaluate(grad), [2.0, 4.0])


if __name__ == "__main__":
    tf.test.main()
'''


def test_a_tf1_test_file_runs_under_unittest(tmp_path):
    import importlib.util

    path = tmp_path / "square_test.py"
    path.write_text(textwrap.dedent(TF1_TEST_FILE))
    spec = importlib.util.spec_from_file_location("square_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TestResult()
    suite.run(result)
    assert result.testsRun == 3
    assert not result.failures
    assert not result.errors, result.errors
    assert [reason for _, reason in result.skipped] == ["Not a test."]  # test_session


class TestWrittenAsTF1(tf.test.TestCase):
    """pytest collects and runs this TF1-style class itself (``test_session`` is skipped,
    as TensorFlow's own TestCase skips it)."""

    def testSquare(self):  # noqa: N802 - TF1 test files name them so
        with self.test_session():
            x = tf.square([2, 3])
            self.assertAllEqual(x.eval(), [4, 9])

    def testGradient(self):  # noqa: N802
        with self.cached_session():
            x = tf.constant([1.0, 2.0])
            grad = tf.gradients(tf.reduce_sum(x * x), x)[0]
            self.assertAllClose(self.evaluate(grad), [2.0, 4.0])
