"""``tf.test.TestCase``: unittest's TestCase with TensorFlow 1.x's helpers (sessions bound to
the test's graph, ``evaluate``, array assertions with TensorFlow's tolerances and messages),
so TF1 test files and course exercises run unchanged under unittest and pytest."""

import atexit
import contextlib
import math
import random
import re
import shutil
import tempfile
import threading
import unittest

import numpy as np

from . import errors
from .eager.context import executing_eagerly
from .graph import Tensor, get_default_session, reset_default_graph, set_random_seed
from .protos import ConfigProto
from .session import Session

# TensorFlow seeds Python's, NumPy's and the graph's random generators with this before each
# test, so tests are reproducible run after run.
DEFAULT_GRAPH_SEED = 87654321

_process_temp_dir = None


def get_temp_dir():
    """A directory for this process's test files, removed when the process ends."""
    global _process_temp_dir
    if _process_temp_dir is None:
        _process_temp_dir = tempfile.mkdtemp(prefix="smallflow_test_")
        atexit.register(shutil.rmtree, _process_temp_dir, True)
    return _process_temp_dir



def _test_config(config):
    """A test session's config: TensorFlow's test sessions allow soft placement unless given a
    config, so a graph pinned to ``/gpu:0`` runs on a machine without one."""
    if config is None:
        return ConfigProto(allow_soft_placement=True)
    return config

class _CheckedThread:
    """A thread whose exception is raised again by ``join()`` in the test's thread."""

    def __init__(self, testcase, target, args=None, kwargs=None):
        self._testcase = testcase
        self._target = target
        self._args = () if args is None else args
        self._kwargs = {} if kwargs is None else kwargs
        self._thread = threading.Thread(target=self._protected_run, daemon=True)
        self._exception = None
        self._is_thread_joined = False

    def _protected_run(self):
        try:
            self._target(*self._args, **self._kwargs)
        except Exception as err:  # noqa: BLE001 - handed to the test thread by join()
            self._exception = err

    def start(self):
        self._thread.start()

    def join(self):
        self._is_thread_joined = True
        self._thread.join()
        if self._exception is not None:
            self._testcase.fail(f"Error in checkedThread: {self._exception}")

    def is_alive(self):
        return self._thread.is_alive()

    def check_termination(self):
        if self._is_thread_joined:
            if self.is_alive():
                raise RuntimeError("Thread was not joined with main thread, and is still "
                                   "running when the test finished.")
        else:
            self._testcase.fail("A checked thread was not joined.")


class TestCase(unittest.TestCase):
    """Base class of TensorFlow 1.x tests: a fresh default graph and fixed seeds per test."""

    def __init__(self, methodName="runTest"):  # noqa: N803 - unittest's argument name
        super().__init__(methodName)
        self._threads = []
        self._tempdir = None
        self._cached_session = None
        self._cached_graph = None

    def setUp(self):
        self._clear_cached_session()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)  # noqa: NPY002 - TensorFlow's tests do exactly this
        reset_default_graph()
        set_random_seed(DEFAULT_GRAPH_SEED)

    def tearDown(self):
        for thread in self._threads:
            thread.check_termination()
        self._clear_cached_session()

    def _clear_cached_session(self):
        if self._cached_session is not None:
            self._cached_session.close()
        self._cached_session = None
        self._cached_graph = None

    def get_temp_dir(self):
        """A directory for this test's files (inside the process's temporary directory)."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(dir=get_temp_dir())
        return self._tempdir

    # -- sessions -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _bound(self, sess):
        with sess.graph.as_default(), sess.as_default():
            yield sess

    @contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """A new session on ``graph`` (the default graph), made the default session and its
        graph the default graph inside the ``with`` block; closed at its end."""
        if force_gpu:
            self.skipTest("smallflow runs on the CPU only (force_gpu=True)")
        if executing_eagerly():
            yield _EagerSession(self)
            return
        sess = Session(graph=graph, config=_test_config(config))
        try:
            with self._bound(sess):
                yield sess
        finally:
            sess.close()

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """The same session for every call within one test (made on the first call)."""
        if force_gpu:
            self.skipTest("smallflow runs on the CPU only (force_gpu=True)")
        if executing_eagerly():
            yield _EagerSession(self)
            return
        if self._cached_session is None:
            self._cached_session = Session(graph=graph, config=_test_config(config))
            self._cached_graph = graph
        elif graph is not None and graph is not self._cached_session.graph:
            raise ValueError("The graph used to get the cached session is different than "
                             "the one that was used to create the session. Maybe create a "
                             "new session with self.session()")
        with self._bound(self._cached_session) as sess:
            yield sess

    def test_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """TensorFlow 1.x's older name: the cached session (a new one for another graph)."""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")  # unittest and pytest collect it by its name
        if graph is None or (self._cached_session is not None
                             and graph is self._cached_session.graph):
            return self.cached_session(graph, config, use_gpu, force_gpu)
        return self.session(graph, config, use_gpu, force_gpu)

    def evaluate(self, tensors):
        """Run ``tensors`` (any nest) in the default session, else in the cached one; with
        eager execution on, the nest's values as NumPy (callables are called first)."""
        if executing_eagerly():
            return _eager_values(tensors)
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as cached:
            return cached.run(tensors)

    def checkedThread(self, target, args=None, kwargs=None):  # noqa: N802
        """A thread whose exception fails the test when it is joined."""
        thread = _CheckedThread(self, target, args, kwargs)
        self._threads.append(thread)
        return thread

    # -- assertions -----------------------------------------------------------------------

    def _GetNdArray(self, a):  # noqa: N802 - TensorFlow's name, overridden by some tests
        if isinstance(a, Tensor):
            a = self.evaluate(a)
        if not isinstance(a, np.ndarray):
            a = np.array(a)
        return a

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        """|f1 - f2| <= err."""
        suffix = f" ({msg})" if msg is not None else ""
        self.assertTrue(f1 == f2 or math.fabs(f1 - f2) <= err,
                        "%f != %f +/- %f%s" % (f1, f2, err, suffix))  # noqa: UP031

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        """Same length, each pair within ``err``."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2, strict=True):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg=None):  # noqa: N802
        """The norm of the difference is below ``err``."""
        difference = np.asarray(ndarray1) - np.asarray(ndarray2)
        self.assertTrue(np.linalg.norm(difference) < err, msg=msg)

    def _assert_array_like_all_close(self, a, b, rtol, atol, msg):
        a = self._GetNdArray(a)
        b = self._GetNdArray(b)
        if a.shape != b.shape and (b.ndim <= 3 or b.size < 500):
            mismatch = f"Shape mismatch: expected {a.shape}, got {b.shape} with contents {b}."
        else:
            mismatch = f"Shape mismatch: expected {a.shape}, got {b.shape}."
        self.assertEqual(a.shape, b.shape, mismatch)
        if a.dtype == object or b.dtype == object:
            self.assertAllEqual(a, b, msg)
            return
        if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
            return
        messages = [msg]
        bad = np.logical_or(np.abs(a - b) > atol + rtol * np.abs(b), np.isnan(a) != np.isnan(b))
        if a.ndim:
            where = np.where(bad)
            x, y = a[where], b[where]
            messages.append(f"not close where = {where}")
        else:
            x, y = a, b
        messages.append(f"not close lhs = {x}")
        messages.append(f"not close rhs = {y}")
        messages.append(f"not close dif = {np.abs(x - y)}")
        messages.append(f"not close tol = {atol + rtol * np.abs(y)}")
        messages.append(f"dtype = {a.dtype}, shape = {a.shape}")
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol,
                                   err_msg="\n".join(str(m) for m in messages), equal_nan=True)

    def _assert_all_close_recursive(self, a, b, rtol, atol, path, msg):
        path_text = "[" + "][".join(str(p) for p in path) + "]" if path else ""
        message = f"Mismatched value: a{path_text} is different from b{path_text}. {msg or ''}"
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertIsInstance(a, dict, message)
            self.assertIsInstance(b, dict, message)
            self.assertEqual(set(a), set(b),
                             f"mismatched keys: a{path_text} has keys {sorted(map(str, a))}, "
                             f"but b{path_text} has keys {sorted(map(str, b))}")
            for key in a:
                self._assert_all_close_recursive(a[key], b[key], rtol, atol, [*path, key], msg)
            return
        if hasattr(a, "_asdict") and hasattr(b, "_asdict"):
            self._assert_all_close_recursive(a._asdict(), b._asdict(), rtol, atol, path, msg)
            return
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            try:
                a_array = self._GetNdArray(a)
                b_array = self._GetNdArray(b)
                if a_array.dtype != object and b_array.dtype != object:
                    self._assert_array_like_all_close(a_array, b_array, rtol, atol, message)
                    return
            except (ValueError, TypeError):
                pass
            self.assertEqual(len(a), len(b), f"Length of a{path_text} is {len(a)} but "
                                             f"length of b{path_text} is {len(b)}. {msg or ''}")
            for index, (a_item, b_item) in enumerate(zip(a, b, strict=True)):
                self._assert_all_close_recursive(a_item, b_item, rtol, atol, [*path, index],
                                                 msg)
            return
        try:
            self._assert_array_like_all_close(a, b, rtol, atol, message)
        except (ValueError, TypeError) as err:
            raise AssertionError(f"Error: a{path_text} has {a}, but b{path_text} has {b}. "
                                 f"{err}") from err

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """Element-wise ``|a - b| <= atol + rtol * |b|`` (NaN equal to NaN); shapes must be
        equal; dicts, lists, tuples and namedtuples are compared item by item."""
        self._assert_all_close_recursive(a, b, rtol, atol, [], msg)

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6,  # noqa: N802
                                      float_rtol=1e-6, float_atol=1e-6, half_rtol=1e-3,
                                      half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None):
        """assertAllClose with the tolerance widened for float32/complex64 and float16."""
        a = self._GetNdArray(a)
        b = self._GetNdArray(b)
        dtypes_seen = {a.dtype, b.dtype}
        if dtypes_seen & {np.dtype(np.float32), np.dtype(np.complex64)}:
            rtol = max(rtol, float_rtol)
            atol = max(atol, float_atol)
        if np.dtype(np.float16) in dtypes_seen:
            rtol = max(rtol, half_rtol)
            atol = max(atol, half_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, **kwargs):  # noqa: N802
        try:
            self.assertAllClose(a, b, **kwargs)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements")

    def _ragged_list(self, a):
        """A ragged tensor (or its value), a tensor, an array or a list as nested lists."""
        if _is_ragged(a) and executing_eagerly():
            return a.to_list()  # eager RaggedTensors hold their values
        if isinstance(a, Tensor) or (_is_ragged(a) and not isinstance(a.flat_values,
                                                                       np.ndarray)):
            a = self.evaluate(a)  # a RaggedTensor (a RaggedTensorValue holds arrays)
        if _is_ragged(a):
            return a.to_list()
        if isinstance(a, list | tuple):  # nested lists of uneven lengths stay lists
            return [self._ragged_list(x) if isinstance(x, list | tuple | np.ndarray) else x
                    for x in a]
        return a.tolist() if isinstance(a, np.ndarray) else np.array(a).tolist()

    def _assert_ragged_equal(self, a, b, msg):
        # As TensorFlow's: the same nested lists, and the same ragged rank unless one side
        # is a Python list (a dense side counts as ragged rank 0).
        self.assertEqual(self._ragged_list(a), self._ragged_list(b), msg)
        if not (isinstance(a, list | tuple) or isinstance(b, list | tuple)):
            self.assertEqual(a.ragged_rank if _is_ragged(a) else 0,
                             b.ragged_rank if _is_ragged(b) else 0, msg)

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        """Equal shapes and equal elements (NaN equal to NaN for floats); ragged tensors
        (``tf.RaggedTensor``, ``RaggedTensorValue``) as equal nested lists."""
        if _is_ragged(a) or _is_ragged(b):
            self._assert_ragged_equal(a, b, msg)
            return
        a = self._GetNdArray(a)
        b = self._GetNdArray(b)
        if b.ndim <= 3 or b.size < 500:
            self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got "
                                               f"{b.shape}. Contents: {b}. \n{msg}.")
        else:
            self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got "
                                               f"{b.shape}. \n{msg}.")
        same = a == b
        if a.dtype.kind == "f":
            same = np.logical_or(same, np.logical_and(np.isnan(a), np.isnan(b)))
        if np.all(same):
            return
        messages = [msg]
        different = np.logical_not(same)
        if a.ndim:
            where = np.where(different)
            x, y = a[where], b[where]
            messages.append(f"not equal where = {where}")
        else:
            x, y = a, b
        messages.append(f"not equal lhs = {x}")
        messages.append(f"not equal rhs = {y}")
        np.testing.assert_array_equal(a, b, err_msg="\n".join(str(m) for m in messages))

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        try:
            self.assertAllEqual(a, b)
        except AssertionError:
            return
        raise AssertionError(f"The two values are equal at all elements. {msg}")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertGreater(np.min(self._GetNdArray(a)), comparison_target)

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertLess(np.max(self._GetNdArray(a)), comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        self.assertGreaterEqual(np.min(self._GetNdArray(a)), comparison_target)

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        self.assertLessEqual(np.max(self._GetNdArray(a)), comparison_target)

    def assertAllInRange(self, target, lower_bound, upper_bound,  # noqa: N802
                         open_lower_bound=False, open_upper_bound=False):
        """Every element within the bounds (closed unless said otherwise)."""
        target = self._GetNdArray(target)
        if not (np.issubdtype(target.dtype, np.floating)
                or np.issubdtype(target.dtype, np.integer)):
            raise AssertionError(f"The value of {target} does not have an ordered numeric "
                                 f"type, instead it has type: {target.dtype}")
        below = target <= lower_bound if open_lower_bound else target < lower_bound
        above = target >= upper_bound if open_upper_bound else target > upper_bound
        outside = np.logical_or(below, above)
        if not np.any(outside):
            return
        brackets = ("(" if open_lower_bound else "[", ")" if open_upper_bound else "]")
        where = np.argwhere(outside)
        lines = [f"  {tuple(int(i) for i in index)}: {target[tuple(index)]}"
                 for index in where[:20]]
        raise AssertionError(
            f"{len(where)} of the {target.size} element(s) are outside the range "
            f"{brackets[0]}{lower_bound}, {upper_bound}{brackets[1]}. Subscript(s) and "
            f"value(s) of the offending elements:\n" + "\n".join(lines))

    def assertAllInSet(self, target, expected_set):  # noqa: N802
        """Every element is one of ``expected_set``."""
        target = self._GetNdArray(target)
        extra = set(np.unique(target).tolist()) - set(np.asarray(list(expected_set)).tolist())
        if extra:
            raise AssertionError(f"{len(extra)} unique element(s) are not in the set "
                                 f"{expected_set}: {sorted(extra)}")

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        arrays = target if isinstance(target, list) else [target]
        for array in arrays:
            self.assertEqual(self._GetNdArray(array).dtype, np.dtype(expected_dtype))

    def assertShapeEqual(self, np_array, tf_tensor, msg=None):  # noqa: N802
        """A NumPy array's shape equals a Tensor's static shape."""
        if not isinstance(np_array, (np.ndarray, np.generic)) or not isinstance(tf_tensor,
                                                                                  Tensor):
            raise TypeError("np_array must be a Numpy ndarray or Numpy scalar and tf_tensor "
                            "must be a Tensor")
        self.assertAllEqual(np_array.shape, tf_tensor.get_shape().as_list(), msg=msg)

    def assertStartsWith(self, actual, expected_start, msg=None):  # noqa: N802
        if not actual.startswith(expected_start):
            text = f"{actual!r} does not start with {expected_start!r}"
            self.fail(f"{text} : {msg}" if msg else text)

    def assertItemsEqual(self, expected_seq, actual_seq, msg=None):  # noqa: N802
        self.assertCountEqual(expected_seq, actual_seq, msg)

    # -- absltest's assertions (TensorFlow's TestCase derives from absltest.TestCase, and
    # TensorFlow's own tests use these) ------------------------------------------------------
    def _absl_fail(self, text, msg):
        self.fail(f"{text} : {msg}" if msg else text)

    def assertEndsWith(self, actual, expected_end, msg=None):  # noqa: N802
        if not actual.endswith(expected_end):
            self._absl_fail(f"{actual!r} does not end with {expected_end!r}", msg)

    def assertNotStartsWith(self, actual, unexpected_start, msg=None):  # noqa: N802
        if actual.startswith(unexpected_start):
            self._absl_fail(f"{actual!r} does start with {unexpected_start!r}", msg)

    def assertNotEndsWith(self, actual, unexpected_end, msg=None):  # noqa: N802
        if actual.endswith(unexpected_end):
            self._absl_fail(f"{actual!r} does end with {unexpected_end!r}", msg)

    def assertLen(self, container, expected_len, msg=None):  # noqa: N802
        try:
            length = len(container)
        except (TypeError, NotImplementedError):
            self._absl_fail(f"{container!r} has no length", msg)
        if length != expected_len:
            self._absl_fail(f"{container!r} has length of {length}, expected "
                            f"{expected_len}.", msg)

    def assertEmpty(self, container, msg=None):  # noqa: N802
        if len(container):
            self._absl_fail(f"{container!r} has length of {len(container)}.", msg)

    def assertNotEmpty(self, container, msg=None):  # noqa: N802
        if not len(container):
            self._absl_fail(f"{container!r} has length of 0.", msg)

    def assertBetween(self, value, minv, maxv, msg=None):  # noqa: N802
        if not minv <= value <= maxv:
            self._absl_fail(f"{value!r} is not between {minv!r} and {maxv!r}", msg)

    def assertSameElements(self, expected_seq, actual_seq, msg=None):  # noqa: N802
        """The same elements, ignoring order and repetition."""
        missing = [e for e in expected_seq if e not in actual_seq]
        unexpected = [a for a in actual_seq if a not in expected_seq]
        if missing or unexpected:
            self._absl_fail(f"Expected, but missing: {missing!r}; Unexpected, but present: "
                            f"{unexpected!r}", msg)

    def assertContainsSubset(self, expected_subset, actual_set, msg=None):  # noqa: N802
        missing = [e for e in expected_subset if e not in actual_set]
        if missing:
            self._absl_fail(f"Missing elements {missing!r}", msg)

    def assertNoCommonElements(self, expected_seq, actual_seq, msg=None):  # noqa: N802
        common = [e for e in expected_seq if e in actual_seq]
        if common:
            self._absl_fail(f"Common elements {common!r}", msg)

    def assertContainsInOrder(self, strings, target, msg=None):  # noqa: N802
        """Each of ``strings`` appears in ``target``, after the one before it."""
        if isinstance(strings, str | bytes):
            strings = (strings,)
        position = 0
        for string in strings:
            found = target.find(string, position)
            if found == -1:
                self._absl_fail(f"Did not find {string!r} after {strings[:strings.index(string)]!r}"
                                f" in {target!r}", msg)
            position = found + len(string)

    def assertContainsSubsequence(self, container, subsequence, msg=None):  # noqa: N802
        items = iter(container)
        if not all(any(item == wanted for item in items) for wanted in subsequence):
            self._absl_fail(f"{list(container)!r} does not contain the subsequence "
                            f"{list(subsequence)!r}", msg)

    def assertSequenceStartsWith(self, prefix, whole, msg=None):  # noqa: N802
        if list(whole[:len(prefix)]) != list(prefix):
            self._absl_fail(f"{whole!r} does not start with {prefix!r}", msg)

    def assertIsSubclass(self, cls, parent_cls, msg=None):  # noqa: N802
        if not issubclass(cls, parent_cls):
            self._absl_fail(f"{cls!r} is not a subclass of {parent_cls!r}", msg)

    # The Python 2 spellings TF1-era tests use: unittest warns of them (Python 3.11) or has
    # them no more (3.12), TensorFlow 1.x's base class kept them working.
    def assertRaisesRegexp(self, expected_exception, expected_regex, *args,  # noqa: N802
                           **kwargs):
        return self.assertRaisesRegex(expected_exception, expected_regex, *args, **kwargs)

    def assertRegexpMatches(self, text, expected_regex, msg=None):  # noqa: N802
        return self.assertRegex(text, expected_regex, msg)

    def assertNotRegexpMatches(self, text, unexpected_regex, msg=None):  # noqa: N802
        return self.assertNotRegex(text, unexpected_regex, msg)

    def assertEquals(self, first, second, msg=None):  # noqa: N802
        return self.assertEqual(first, second, msg)

    def assertNotEquals(self, first, second, msg=None):  # noqa: N802
        return self.assertNotEqual(first, second, msg)

    def assertAlmostEquals(self, first, second, places=None, msg=None,  # noqa: N802
                           delta=None):
        return self.assertAlmostEqual(first, second, places, msg, delta)

    def assertDeviceEqual(self, device1, device2, msg=None):  # noqa: N802
        """Two device strings name the same device (smallflow has the CPU only)."""
        self.assertEqual(_canonical_device(device1), _canonical_device(device2), msg)

    def assertProtoEquals(self, expected_message_maybe_ascii, message, msg=None):  # noqa: N802
        """Two protocol buffers are equal; the expected one may be text format."""
        from google.protobuf import text_format  # the tensorboard extra provides protobuf

        if isinstance(expected_message_maybe_ascii, str):
            expected = type(message)()
            text_format.Merge(expected_message_maybe_ascii, expected)
        else:
            expected = expected_message_maybe_ascii
        self.assertEqual(text_format.MessageToString(expected),
                         text_format.MessageToString(message), msg)

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type,  # noqa: N802
                                       expected_err_re_or_predicate):
        """The block raises ``exception_type`` whose message matches a regular expression
        (searched) or satisfies a predicate of the exception."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:

            def predicate(err):
                text = err.message if isinstance(err, errors.OpError) else str(err)
                return re.search(expected_err_re_or_predicate, text)

        try:
            yield
        except Exception as err:  # noqa: BLE001 - checked below, re-raised as a failure
            if not isinstance(err, exception_type) or not predicate(err):
                raise AssertionError(f"Exception of type {type(err)}: {err}") from err
        else:
            self.fail(exception_type.__name__ + " not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        """The block raises an ``OpError`` (an error of a run) matching the expectation."""
        return self.assertRaisesWithPredicateMatch(errors.OpError,
                                                   expected_err_re_or_predicate)


def _eager_value(value):
    """One value of a nest, as NumPy: eager tensors and variables, sparse tensors and indexed
    slices by parts; a callable is called and its result converted."""
    from .ops.indexed_slices import IndexedSlices, IndexedSlicesValue
    from .ops.sparse_tensor import SparseTensor, SparseTensorValue

    if value is None:
        return None
    if isinstance(value, SparseTensor):
        return SparseTensorValue(value.indices.numpy(), value.values.numpy(),
                                 value.dense_shape.numpy())
    if isinstance(value, IndexedSlices):
        shape = None if value.dense_shape is None else value.dense_shape.numpy()
        return IndexedSlicesValue(values=value.values.numpy(), indices=value.indices.numpy(),
                                  dense_shape=shape)
    if hasattr(value, "numpy"):
        return value.numpy()
    if callable(value):
        return _eager_values(value())
    raise ValueError(f"Unsupported type {type(value)}.")


def _is_ragged(value):
    """A RaggedTensor or RaggedTensorValue (tf.ragged sits above this module: duck-typed)."""
    return hasattr(value, "ragged_rank") and hasattr(value, "nested_row_splits")


def _eager_values(tensors):
    from .nest import map_structure

    if tensors is None:
        return None
    if callable(tensors) and not hasattr(tensors, "numpy"):
        return _eager_values(tensors())
    return map_structure(_eager_value, tensors)


class _EagerSession:
    """What ``session()``/``cached_session()`` give while eager execution is on: ``run``
    evaluates its fetches at once (feeds have nothing to feed)."""

    def __init__(self, test_case):
        self._test_case = test_case

    def run(self, fetches, feed_dict=None, **kwargs):
        if feed_dict:
            raise RuntimeError("feed_dict is not supported when eager execution is enabled "
                               "(in this case, sess.run(t) is shorthand for t.numpy()")
        return self._test_case.evaluate(fetches)


def _canonical_device(device):
    """A device string in DeviceSpec's spelling: ``cpu:0``, ``/cpu:0`` and ``/device:CPU:0``
    are one device, as TensorFlow's ``device.canonical_name`` makes them."""
    from .device_spec import DeviceSpec

    text = "" if device is None else str(device)
    return DeviceSpec.from_string(text).to_string() if text else ""
