"""Session 13 (helper libs): what TF1-era libraries (tflearn, stable-baselines, tf_slim,
trfl, edward, tensorpack) import from ``tensorflow.python.*`` / ``tensorflow.core.*`` and
use, checked on smallflow directly (the libraries are not test dependencies)."""

import functools
import importlib
import logging
import sys
import types

import pytest

import smallflow as tf
from smallflow import train

# -- tensorflow.python.util: tf_decorator, tf_contextlib, tf_inspect ------------------------

def test_make_decorator_records_the_target_and_unwrap_finds_it():
    from smallflow.python.util import tf_decorator

    def target(a, b=1):
        """Adds."""
        return a + b

    def wrapper(*args, **kwargs):
        return target(*args, **kwargs) * 10

    made = tf_decorator.make_decorator(target, wrapper, "tenfold")
    assert made is wrapper
    assert made.__name__ == "target"
    assert made.__doc__ == "Adds."
    assert made.__wrapped__ is target
    decorators, found = tf_decorator.unwrap(made)
    assert found is target
    assert [d.decorator_name for d in decorators] == ["tenfold"]
    assert made(1, b=2) == 30


def test_tf_contextlib_contextmanager_keeps_the_generators_signature():
    from smallflow.python.util import tf_contextlib, tf_inspect

    @tf_contextlib.contextmanager
    def scope(name, reuse=None):
        yield name

    with scope("x") as value:
        assert value == "x"
    assert tf_inspect.getargspec(scope) == tf_inspect.ArgSpec(["name", "reuse"], None, None,
                                                              (None,))


def _f(a, b, c=3, d=4):
    return a, b, c, d


def _g(a, *, k):
    return a, k


class _C:
    def __init__(self, x, y=2):
        self.x = x


@pytest.mark.parametrize(("obj", "expected"), [
    # as TensorFlow's tf_inspect.getargspec (checked with the oracle's compat module)
    (functools.partial(_f, 1, d=5), (["b", "c", "d"], None, None, (3, 5))),
    (functools.partial(_f, b=2), (["a", "b", "c", "d"], None, None, (2, 3, 4))),
    (_g, (["a", "k"], None, None, None)),
    (_C, (["self", "x", "y"], None, None, (2,))),
])
def test_getargspec_matches_tensorflows(obj, expected):
    from smallflow.python.util import tf_inspect

    assert tuple(tf_inspect.getargspec(obj)) == expected


def test_getargspec_refuses_a_partial_no_argspec_can_describe():
    from smallflow.python.util import tf_inspect

    with pytest.raises(ValueError, match="'b' do not have default value"):
        tf_inspect.getargspec(functools.partial(_f, a=1))


# -- tensorflow.python.util.deprecation and all_util --------------------------------------

def test_deprecated_logs_once_and_notes_the_docstring(caplog):
    from smallflow.python.util import deprecation

    @deprecation.deprecated("2019-01-01", "Use g instead.")
    def old(x):
        """Old."""
        return x + 1

    with caplog.at_level(logging.WARNING, logger="smallflow"):
        assert old(1) == 2
        assert old(2) == 3
    messages = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(messages) == 1
    assert "will be removed after 2019-01-01" in messages[0]
    assert "Use g instead." in messages[0]
    assert "THIS FUNCTION IS DEPRECATED" in old.__doc__


def test_deprecated_args_warn_only_when_the_argument_is_passed(caplog):
    from smallflow.python.util import deprecation

    @deprecation.deprecated_args(None, "Drop it.", "legacy")
    def fn(x, legacy=None):
        return x

    with caplog.at_level(logging.WARNING, logger="smallflow"):
        fn(1)
        assert not [r for r in caplog.records if "legacy" in r.getMessage()]
        fn(1, legacy=True)
    assert [r for r in caplog.records if "with legacy is deprecated" in r.getMessage()]
    with pytest.raises(ValueError, match="not present in the function signature"):
        deprecation.deprecated_args(None, "x", "absent")(fn.__wrapped__)


def test_remove_undocumented_keeps_the_documented_names():
    from smallflow.python.util import all_util

    module = types.ModuleType("smallflow_test_module", "Docs.\n\n@@kept\n")
    module.kept = 1
    module.dropped = 2
    module.allowed = 3
    module._private = 4
    sys.modules[module.__name__] = module
    try:
        all_util.remove_undocumented(module.__name__, ["allowed"])
    finally:
        del sys.modules[module.__name__]
    assert (hasattr(module, "kept"), hasattr(module, "dropped")) == (True, False)
    assert (module.allowed, module._private) == (3, 4)
    assert all_util.make_all(module.__name__, [module]) == ["kept"]


# -- tensorflow.python.ops and tensorflow.python.training paths ----------------------------

def test_training_paths_are_smallflows_train_modules():
    from smallflow.python.training import (
        basic_session_run_hooks,
        moving_averages,
        optimizer,
        queue_runner,
        session_run_hook,
        training_util,
    )

    assert optimizer.Optimizer is tf.train.Optimizer
    assert moving_averages is train.moving_averages
    assert moving_averages.assign_moving_average is train.moving_averages.assign_moving_average
    assert basic_session_run_hooks.StopAtStepHook is tf.train.StopAtStepHook
    assert session_run_hook.SessionRunHook is tf.train.SessionRunHook
    assert training_util.get_or_create_global_step is tf.train.get_or_create_global_step
    assert queue_runner.QueueRunner is tf.train.QueueRunner
    assert importlib.import_module("smallflow.python.training.moving_averages") is \
        moving_averages


def test_rnn_paths_give_smallflows_rnn_functions():
    from smallflow.python.ops import rnn, rnn_cell_impl, standard_ops

    assert rnn.dynamic_rnn is tf.nn.dynamic_rnn
    assert rnn.static_rnn is tf.nn.static_rnn
    assert rnn.static_bidirectional_rnn is tf.nn.static_bidirectional_rnn
    assert rnn.rnn_cell_impl is rnn_cell_impl
    assert rnn_cell_impl.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell
    assert standard_ops.matmul is tf.matmul


def test_resources_initialize_and_report():
    from smallflow.python.ops import resources

    flag = tf.Variable(False, name="made")
    create = tf.assign(flag, True)
    resources.register_resource(tf.constant(0, name="table"), create, flag.read_value())
    resources.register_resource(tf.constant(0, name="local"), tf.no_op(),
                                tf.constant(True), is_shared=False)
    assert len(resources.shared_resources()) == 1
    assert len(resources.local_resources()) == 1
    report = resources.report_uninitialized_resources()
    init = resources.initialize_resources(resources.shared_resources())
    with tf.Session() as sess:
        sess.run(flag.initializer)
        assert list(sess.run(report)) == [b"table:0"]
        sess.run(init)
        assert list(sess.run(report)) == []
    assert resources.initialize_resources([]).type == "NoOp"


# -- tensorflow.core.* protocol buffer modules ---------------------------------------------

def test_core_proto_modules_import_without_the_extra():
    module = importlib.import_module("smallflow.core.framework.summary_pb2")
    assert module.__name__ == "smallflow.core.framework.summary_pb2"
    with pytest.raises(AttributeError):
        module.__wrapped__  # noqa: B018 - dunder names are not looked up in TensorBoard


def test_core_proto_modules_give_tensorboards_messages():
    pytest.importorskip("tensorboard")
    from smallflow.core.framework import summary_pb2
    from smallflow.core.protobuf import config_pb2
    from smallflow.core.util import event_pb2

    assert summary_pb2.Summary is tf.Summary
    assert event_pb2.Event is tf.Event
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="x", simple_value=1)])
    assert summary.value[0].tag == "x"
    assert config_pb2.ConfigProto().allow_soft_placement is False


# -- tf.Variable in a graph is truthy, as TF 1.x's RefVariable ------------------------------

def test_a_graph_variable_is_true_and_its_value_tensor_refuses_bool():
    step = tf.Variable(0, trainable=False, name="step")
    assert bool(step) is True
    assert step
    with pytest.raises(TypeError, match="as a Python `bool` is not allowed"):
        bool(step.value())


# -- tf_slim's imports: metrics helpers, weights, squeezing, evaluation, files -------------

def test_remove_squeezable_dimensions_as_tensorflow():
    from smallflow.python.ops import confusion_matrix as cm

    cases = [(([4], [4, 1], 0), ([4], [4])), (([4, 1], [4], 0), ([4], [4])),
             (([4, 3], [4, 3, 1], 0), ([4, 3], [4, 3])), (([4, 3], [4, 3], 0), ([4, 3], [4, 3])),
             (([4], [4, 1], 1), ([4], [4, 1]))]
    for (l_shape, p_shape, diff), expected in cases:
        labels, predictions = cm.remove_squeezable_dimensions(tf.zeros(l_shape),
                                                              tf.zeros(p_shape), diff)
        assert (labels.shape.as_list(), predictions.shape.as_list()) == expected
    assert cm.confusion_matrix is tf.confusion_matrix


def test_broadcast_weights_and_their_errors():
    from smallflow.python.ops import weights_broadcast_ops as w

    weights = w.broadcast_weights(tf.constant([[1.0], [2.0]]), tf.zeros([2, 3]))
    with tf.Session() as sess:
        np_weights = sess.run(weights)
    assert np_weights.tolist() == [[1.0] * 3, [2.0] * 3]
    with pytest.raises(ValueError, match="Mismatch at dim 1"):
        w.broadcast_weights(tf.zeros([2, 2]), tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="values.rank=2. weights.rank=1"):
        w.broadcast_weights(tf.zeros([3]), tf.zeros([2, 3]))
    scalar = tf.constant(2.0)
    assert w.broadcast_weights(scalar, tf.zeros([2])).shape.as_list() == [2]


def test_metrics_impl_helpers():
    from smallflow.python.ops import metrics_impl as mi

    variable = mi.metric_variable([2], tf.float32, name="mv")
    assert variable.name == "mv:0"
    assert tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == [variable]
    assert variable in tf.local_variables()
    assert variable not in tf.trainable_variables()
    values, updates = mi._confusion_matrix_at_thresholds(
        tf.constant([1, 0, 1, 0]), tf.constant([0.9, 0.8, 0.2, 0.1]), [0.5])
    with pytest.raises(ValueError, match="Invalid key: xx"):
        mi._confusion_matrix_at_thresholds(tf.constant([1]), tf.constant([0.5]), [0.5],
                                           includes=("xx",))
    predictions, labels, weights = mi._remove_squeezable_dimensions(
        tf.zeros([4, 3]), tf.zeros([4, 3]), tf.zeros([4]))
    assert weights.shape.as_list() == [4, 1]
    predictions, labels, weights = mi._remove_squeezable_dimensions(
        tf.zeros([4, 1]), tf.zeros([4]), tf.zeros([4]))
    assert (predictions.shape.as_list(), weights.shape.as_list()) == ([4], [4])
    ratio = mi._safe_scalar_div(tf.constant(3.0), tf.constant(0.0), "ratio")
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run(updates)
        counts = sess.run(values)
        assert sess.run(ratio) == 0.0
    assert {key: value.tolist() for key, value in counts.items()} == {
        "tp": [1.0], "fn": [1.0], "tn": [1.0], "fp": [1.0]}
    assert mi.accuracy is tf.metrics.accuracy


def test_more_python_paths_tf_slim_imports():
    from smallflow.contrib import training_evaluation
    from smallflow.python.framework import device_spec
    from smallflow.python.keras.engine import input_spec
    from smallflow.python.lib.io import file_io
    from smallflow.python.ops import control_flow_util, custom_gradient, histogram_ops, variable_v1
    from smallflow.python.training import evaluation
    from smallflow.python.util import deprecation

    assert variable_v1.VariableV1 is tf.Variable
    assert device_spec.DeviceSpecV1 is tf.DeviceSpec
    assert input_spec.InputSpec is tf.layers.InputSpec
    assert custom_gradient.custom_gradient is tf.custom_gradient
    assert histogram_ops.histogram_fixed_width is tf.histogram_fixed_width
    assert control_flow_util.GraphOrParentsInXlaContext(tf.get_default_graph()) is False
    assert evaluation._evaluate_once is training_evaluation.evaluate_once
    assert evaluation._StopAfterNEvalsHook is training_evaluation.StopAfterNEvalsHook
    assert deprecation.deprecated_argument_lookup("new", None, "old", 3) == 3
    with pytest.raises(ValueError, match="Cannot specify both 'old' and 'new'"):
        deprecation.deprecated_argument_lookup("new", 1, "old", 3)
    assert file_io.file_exists is tf.gfile.Exists


def test_file_io_writes_and_reads(tmp_path):
    from smallflow.python.lib.io import file_io

    path = str(tmp_path / "a.txt")
    file_io.write_string_to_file(path, "hello")
    assert file_io.read_file_to_string(path) == "hello"
    file_io.atomic_write_string_to_file(path, "again")
    assert file_io.read_file_to_string(path, binary_mode=True) == b"again"
    assert sorted(file_io.list_directory(str(tmp_path))) == ["a.txt"]


def test_tensor_shape_rank_bounds():
    shape = tf.TensorShape([2, 3])
    assert shape.with_rank_at_most(2) is shape
    assert shape.with_rank_at_least(1) is shape
    with pytest.raises(ValueError, match=r"Shape \(2, 3\) must have rank at most 1"):
        shape.with_rank_at_most(1)
    with pytest.raises(ValueError, match=r"Shape \(2, 3\) must have rank at least 3"):
        shape.with_rank_at_least(3)
    assert tf.TensorShape(None).with_rank_at_most(1).ndims is None


def test_get_graph_from_inputs():
    from smallflow.python.framework import ops

    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
        v = tf.Variable(1.0)
    with g2.as_default():
        b = tf.constant(2.0)
    assert ops._get_graph_from_inputs([a, v, 3.0]) is g1
    assert ops._get_graph_from_inputs([]) is tf.get_default_graph()
    assert ops._get_graph_from_inputs([], graph=g2) is g2
    with pytest.raises(ValueError, match="must be from the same graph as"):
        ops._get_graph_from_inputs([a, b])
    with pytest.raises(ValueError, match="is not from the passed-in graph"):
        ops._get_graph_from_inputs([a], graph=g2)
    with pytest.raises(ValueError, match="is not from the passed-in graph"):
        ops._get_graph_from_inputs([a, v, b], graph=g1)  # the passed graph is asked first
    with pytest.raises(TypeError, match="Input graph needs to be a Graph"):
        ops._get_graph_from_inputs([a], graph="g")


@pytest.mark.parametrize("make", [
    lambda: tf.convert_to_tensor(None),
    lambda: tf.constant(None),
    lambda: tf.add(1.0, None),
    lambda: tf.to_float(None),
])
def test_none_is_refused_with_tensorflows_value_error(make):
    # tf_slim's losses check `weights=None` raises ValueError, as TensorFlow's conversion does
    with pytest.raises(ValueError, match="None values not supported."):
        make()


def test_a_tensor_as_global_step_raises_attribute_error():
    var = tf.get_variable("v", [], initializer=tf.constant_initializer(1.0))
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(AttributeError, match="no attribute 'assign_add'"):
        optimizer.minimize(var * 2.0, global_step=tf.constant(43, dtype=tf.int64))
    step = tf.train.get_or_create_global_step()
    train_op = optimizer.minimize(var * 2.0, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op)
        assert sess.run(step) == 1


def test_partitioned_variable_class_exists_and_nothing_is_one():
    from smallflow.python.ops import variables

    var = tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))
    assert not isinstance(var, variables.PartitionedVariable)
    with pytest.raises(NotImplementedError, match="keeps every variable whole"):
        variables.PartitionedVariable("p", [4, 2], tf.float32, [var], [2, 1])


def test_metrics_at_thresholds_broadcast_row_weights():
    # One weight per row of a [2, 2] prediction matrix; TensorFlow broadcasts the weights to
    # the predictions before flattening (values from the oracle).
    predictions = tf.constant([[0.9, 0.2], [0.8, 0.1]])
    labels = tf.constant([[0, 1], [1, 0]])
    weights = tf.constant([[0.0], [1.0]])
    tp, tp_update = tf.metrics.true_positives_at_thresholds(labels, predictions, [0.5],
                                                            weights=weights)
    fp, fp_update = tf.metrics.false_positives_at_thresholds(labels, predictions, [0.5],
                                                             weights=weights)
    auc, auc_update = tf.metrics.auc(labels, predictions, weights=weights, num_thresholds=5)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run([tp_update, fp_update, auc_update])
        assert sess.run([tp, fp]) == [[1.0], [0.0]]
        assert abs(sess.run(auc) - 0.99999905) < 1e-6


def test_confusion_matrix_at_thresholds_names_its_counts_in_the_callers_scope():
    from smallflow.python.ops import metrics_impl as mi

    with tf.variable_scope("f1"):
        mi._confusion_matrix_at_thresholds(tf.ones([10]), tf.ones([10]), [0.0, 0.5, 1.0],
                                           includes=("tp", "fp", "fn"))
    names = {v.name for v in tf.local_variables()}
    assert names == {"f1/true_positives:0", "f1/false_positives:0", "f1/false_negatives:0"}


# -- register_session_run_conversion_functions (Edward's RandomVariable) --------------------

class _Pair:
    """A library's object standing for two tensors."""

    def __init__(self, first, second):
        self.first, self.second = first, second


@pytest.fixture
def pair_conversion():
    from smallflow import session_conversions
    from smallflow.python.client import session

    saved = list(session_conversions._EXPANSIONS)
    session.register_session_run_conversion_functions(
        _Pair,
        lambda pair: ([pair.first, pair.second], lambda values: tuple(values)),
        lambda pair, value: [(pair.first, value[0]), (pair.second, value[1])])
    yield session
    session_conversions._EXPANSIONS[:] = saved


def test_registered_types_are_fetched_and_fed(pair_conversion):
    x = tf.placeholder(tf.float32, [])
    pair = _Pair(x * 2.0, x + 1.0)
    with tf.Session() as sess:
        assert sess.run(pair, {x: 3.0}) == (6.0, 4.0)
        assert sess.run({"p": [pair]}, {x: 1.0}) == {"p": [(2.0, 2.0)]}
        a, b = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
        assert sess.run(a + b, {_Pair(a, b): (1.0, 5.0)}) == 6.0
    with pytest.raises(ValueError, match="has already been registered"):
        pair_conversion.register_session_run_conversion_functions(_Pair, lambda p: ([], None))


@pytest.mark.parametrize(("first", "second"), [
    ("cpu:0", "/cpu:0"), ("/device:CPU:0", "CPU:0"), ("job:w/cpu:0", "/job:w/device:CPU:0")])
def test_assert_device_equal_canonicalizes_as_tensorflow(first, second):
    # tf_slim's variables tests compare `a.device` ('/cpu:0') with 'cpu:0'
    tf.test.TestCase().assertDeviceEqual(first, second)


def test_assert_device_equal_tells_devices_apart():
    with pytest.raises(AssertionError):
        tf.test.TestCase().assertDeviceEqual("/cpu:0", "/cpu:1")


def test_variable_scope_module_makes_variables():
    from smallflow.python.ops import variable_scope

    var = variable_scope.variable(1.0, name="a", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert isinstance(var, tf.Variable)
    assert var.name == "a:0"
    assert var in tf.local_variables()
    assert var in tf.trainable_variables()
    frozen = variable_scope.variable([1, 2], trainable=False, name="b")
    assert frozen not in tf.trainable_variables()
    assert variable_scope.get_variable is tf.get_variable
