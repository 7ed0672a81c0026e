"""Specification of ``custom_getter`` in ``variable_scope`` and ``get_variable`` (TF 1.x).

A custom getter is called instead of the real getter with TF's keyword arguments (the real
getter as ``getter``, the variable's full name as ``name``, ...); what it returns is what
``get_variable`` returns. Scopes inherit it, nested scopes compose theirs (innermost first),
and one passed to ``get_variable`` replaces the scope's for that call.
"""

import numpy as np
import pytest

import smallflow as tf

TF_GETTER_ARGUMENTS = {
    "getter", "name", "shape", "dtype", "initializer", "regularizer", "reuse", "trainable",
    "collections", "caching_device", "partitioner", "validate_shape", "use_resource",
    "synchronization", "aggregation",
}


def _recording(log, tag):
    def getter(getter, name, *args, **kwargs):
        log.append((tag, name))
        return getter(name, *args, **kwargs)

    return getter


def test_a_getter_gets_tf_keyword_arguments_and_the_full_name():
    seen = {}

    def getter(**kwargs):
        seen.update(kwargs)
        return kwargs["getter"](**{k: v for k, v in kwargs.items() if k != "getter"})

    with tf.Graph().as_default(), tf.variable_scope("outer", custom_getter=getter):
        variable = tf.get_variable("v", [2, 3])
    assert set(seen) == TF_GETTER_ARGUMENTS | {"constraint"}  # **kwargs takes constraint
    assert seen["name"] == "outer/v"
    assert variable.op.name == "outer/v"
    assert seen["shape"] == [2, 3]
    assert seen["dtype"] == tf.float32
    assert seen["reuse"] is False


def test_a_getter_without_a_constraint_parameter_is_not_given_one():
    seen = {}

    def getter(getter, name, shape, dtype, initializer, regularizer, reuse, trainable,
               collections, caching_device, partitioner, validate_shape, use_resource,
               synchronization, aggregation):
        seen["called"] = name
        return getter(name, shape, dtype, initializer, regularizer, reuse, trainable,
                      collections)

    with tf.Graph().as_default(), tf.variable_scope("s", custom_getter=getter):
        tf.get_variable("w", [1])
    assert seen == {"called": "s/w"}


def test_the_getters_result_is_what_get_variable_returns():
    # TensorFlow's own example: one "variable" made of two, summed.
    def two_parts(getter, name, *args, **kwargs):
        first = getter(f"{name}/0", *args, **kwargs)
        second = getter(f"{name}/1", *args, **kwargs)
        with tf.name_scope("custom_getter"):
            return first + second

    with tf.Graph().as_default():
        with tf.variable_scope("scope", custom_getter=two_parts):
            v = tf.get_variable("v", [1, 2, 3])
        parts = tf.trainable_variables()
        assert v.shape.as_list() == [1, 2, 3]
        assert [p.name for p in parts] == ["scope/v/0:0", "scope/v/1:0"]
        assert v.name == "custom_getter/add:0"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values, total = sess.run([parts, v])
    np.testing.assert_allclose(total, values[0] + values[1])


CALL_ORDERS = [
    # (how the scopes are opened, the getters in the order they are called)
    ("nested_strings", ["inner", "outer"]),
    ("inherited_by_a_child_scope", ["outer"]),
    ("reentered_scope_object", ["inner", "outer"]),
]


@pytest.mark.parametrize(("layout", "expected"), CALL_ORDERS, ids=[c[0] for c in CALL_ORDERS])
def test_nested_scopes_compose_their_getters_innermost_first(layout, expected):
    log = []
    with tf.Graph().as_default():
        with tf.variable_scope("a", custom_getter=_recording(log, "outer")) as outer:
            if layout == "nested_strings":
                with tf.variable_scope("b", custom_getter=_recording(log, "inner")):
                    tf.get_variable("v", [1])
            elif layout == "inherited_by_a_child_scope":
                with tf.variable_scope("b"):
                    tf.get_variable("v", [1])
        if layout == "reentered_scope_object":
            with tf.variable_scope(outer, custom_getter=_recording(log, "inner")):
                tf.get_variable("v", [1])
    assert [tag for tag, _ in log] == expected


def test_a_getter_given_to_get_variable_replaces_the_scopes():
    log = []
    with tf.Graph().as_default(), tf.variable_scope("s", custom_getter=_recording(log, "s")):
        tf.get_variable("v", [1], custom_getter=_recording(log, "call"))
        tf.get_variable("w", [1])
    assert log == [("call", "s/v"), ("s", "s/w")]


def test_a_getter_that_is_not_callable_is_refused_when_a_variable_is_requested():
    with (tf.Graph().as_default(), tf.variable_scope("s", custom_getter="no"),
          pytest.raises(ValueError, match="Passed a custom_getter which is not callable")):
        tf.get_variable("v", [1])


def test_layers_get_their_weights_through_the_getter():
    # The TF1 recipe for evaluating with moving averages: build the network again, reusing
    # its variables, with a getter that hands out each variable's average instead.
    with tf.Graph().as_default():
        x = tf.constant([[1.0, 2.0]])
        trained = tf.layers.dense(x, 1, name="fc",
                                  kernel_initializer=tf.constant_initializer(1.0))
        averages = tf.train.ExponentialMovingAverage(0.5)
        update = averages.apply(tf.trainable_variables())

        def read_average(getter, name, *args, **kwargs):
            return averages.average(getter(name, *args, **kwargs))

        with tf.variable_scope(tf.get_variable_scope(), reuse=True,
                               custom_getter=read_average):
            averaged = tf.layers.dense(x, 1, name="fc")
        assert len(tf.trainable_variables()) == 2  # no new weights
        kernel = tf.trainable_variables()[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.assign(kernel, [[3.0], [3.0]]))
            sess.run(update)  # average: (1 + 3) / 2 = 2
            assert sess.run(trained)[0, 0] == pytest.approx(9.0)
            assert sess.run(averaged)[0, 0] == pytest.approx(6.0)


WRAPPERS = [
    # (how the variable is asked for, the getter's record of it)
    ("make_template_each_call", lambda getter: _called_twice(tf.make_template(
        "t", lambda: tf.get_variable("w", [1]), custom_getter_=getter)),
     [("g", "t/w"), ("g", "t/w")]),
    ("contrib_model_variable",
     lambda getter: tf.contrib.framework.model_variable("m", [1], custom_getter=getter),
     [("g", "m")]),
    ("variable_op_scope",
     lambda getter: _in_op_scope(getter), [("g", "old/v")]),
]


def _called_twice(template):
    return [template(), template()]


def _in_op_scope(getter):
    with tf.variable_op_scope([], "old", custom_getter=getter):
        return tf.get_variable("v", [1])


@pytest.mark.parametrize(("make", "expected"), [w[1:] for w in WRAPPERS],
                         ids=[w[0] for w in WRAPPERS])
def test_wrappers_of_get_variable_pass_the_getter_on(make, expected):
    log = []
    with tf.Graph().as_default():
        make(_recording(log, "g"))
    assert log == expected
