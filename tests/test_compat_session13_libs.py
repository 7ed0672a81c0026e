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
