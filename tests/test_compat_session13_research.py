"""Session 13's sweep of tensorflow/models ``research/`` programs (im2txt, ...): what they
showed smallflow doing differently from TensorFlow 1.x, as specifications. TensorFlow's own
answers for some of the same graphs are in tests/oracle/cases_session13_research.py."""

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

# -- TF-Slim's long import paths (im2txt's image_embedding.py) -------------------------------


@pytest.mark.parametrize(("path", "short"), [
    ("smallflow.contrib.slim.python.slim.nets.inception_v3", "nets.inception_v3"),
    ("smallflow.contrib.slim.python.slim.nets.resnet_v1", "nets.resnet_v1"),
    ("smallflow.contrib.slim.python.slim.data.tfexample_decoder", "tfexample_decoder"),
    ("smallflow.contrib.slim.python.slim.data.dataset_data_provider", "dataset_data_provider"),
    ("smallflow.contrib.slim.python.slim.data.dataset", "dataset"),
    ("smallflow.contrib.slim.python.slim.learning", "learning"),
    ("smallflow.contrib.slim.python.slim.queues", "queues"),
])
def test_slim_modules_import_by_their_long_paths(path, short):
    module = importlib.import_module(path)
    expected = tf.contrib.slim
    for part in short.split("."):
        expected = getattr(expected, part)
    assert module is expected


def test_the_long_path_gives_inception_v3_base():
    from smallflow.contrib.slim.python.slim.nets.inception_v3 import inception_v3_base

    assert inception_v3_base is tf.contrib.slim.nets.inception_v3.inception_v3_base


def test_contrib_layers_summaries_is_a_module_of_the_summary_helpers():
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    # im2txt: tf.contrib.layers.summaries.summarize_activation(v)
    summaries = tf.contrib.layers.summaries
    assert summaries.summarize_activation is tf.contrib.layers.summarize_activation
    x = tf.nn.relu(tf.constant([[-1.0, 2.0]]), name="act")
    summaries.summarize_activation(x)
    tags = sorted(s.op.inputs[0].op.name if s.op.inputs else s.op.name
                  for s in tf.get_collection(tf.GraphKeys.SUMMARIES))
    assert len(tags) == 2


# -- shapes and dimensions as tensors (im2txt: zero_state(batch_size=x.get_shape()[0])) --------


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=4))
def test_a_known_shape_converts_to_its_sizes(sizes):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, sizes)
        shape = tf.convert_to_tensor(x.get_shape())
        first = tf.convert_to_tensor(x.get_shape()[0])
        assert shape.dtype == tf.int32
        assert first.dtype == tf.int32
        assert shape.op.name == "shape_as_tensor"
        with tf.Session() as sess:
            assert sess.run(shape).tolist() == sizes
            assert sess.run(first) == sizes[0]


def test_a_dimension_converts_to_int64_when_asked():
    d = tf.placeholder(tf.float32, [7, 2]).get_shape()[0]
    with tf.Session() as sess:
        value = sess.run(tf.convert_to_tensor(d, tf.int64))
    assert value.dtype == np.int64
    assert value == 7


@pytest.mark.parametrize("what", ["dimension", "shape"])
def test_shapes_refuse_non_integer_dtypes(what):
    x = tf.placeholder(tf.float32, [3, 2])
    value = x.get_shape()[0] if what == "dimension" else x.get_shape()
    with pytest.raises(TypeError, match="Allowed dtypes are tf.int32 and tf.int64"):
        tf.convert_to_tensor(value, tf.float32)


def test_unknown_sizes_do_not_convert():
    x = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(ValueError, match="Cannot convert unknown Dimension"):
        tf.convert_to_tensor(x.get_shape()[0])
    with pytest.raises(ValueError, match="partially known TensorShape"):
        tf.convert_to_tensor(x.get_shape())


def test_a_huge_shape_converts_to_int64():
    shape = tf.TensorShape([2**31, 2])
    assert tf.convert_to_tensor(shape).dtype == tf.int64
    with pytest.raises(ValueError, match="too large"):
        tf.convert_to_tensor(shape, tf.int32)


def test_rnn_zero_state_takes_a_dimension_as_batch_size():
    images = tf.placeholder(tf.float32, [4, 3])
    cell = tf.nn.rnn_cell.BasicLSTMCell(5)
    state = cell.zero_state(batch_size=images.get_shape()[0], dtype=tf.float32)
    with tf.Session() as sess:
        c, h = sess.run(state)
    assert c.shape == (4, 5)
    assert h.shape == (4, 5)


def test_stack_packs_dimensions_with_ints():
    d = tf.placeholder(tf.float32, [6, 1]).get_shape()[0]
    with tf.Session() as sess:
        assert sess.run(tf.stack([d, 3])).tolist() == [6, 3]


# -- contrib layers without biases (im2txt's image_embedding: biases_initializer=None) --------


@pytest.mark.parametrize("layer", ["fully_connected", "conv2d", "conv2d_transpose",
                                   "separable_conv2d"])
def test_contrib_layers_make_no_biases_when_the_initializer_is_none(layer):
    inputs = tf.ones([2, 4, 4, 3])
    build = getattr(tf.contrib.layers, layer)
    args = [inputs, 5] if layer == "fully_connected" else [inputs, 5, 3]
    build(*args, biases_initializer=None, scope="no_bias")
    build(*args, scope="with_bias")
    names = sorted(v.op.name for v in tf.global_variables())
    assert not [n for n in names if n.startswith("no_bias/") and "biases" in n]
    assert "with_bias/biases" in names


def test_an_arg_scope_can_turn_biases_off():
    with tf.contrib.framework.arg_scope([tf.contrib.layers.fully_connected],
                                        biases_initializer=None):
        tf.contrib.layers.fully_connected(tf.ones([2, 3]), 4, scope="fc")
    assert [v.op.name for v in tf.global_variables()] == ["fc/weights"]


# -- batch_join(dynamic_pad=True) (im2txt's batch_with_dynamic_pad) ---------------------------


def _run_batches(batches, steps):
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            return [sess.run(batches) for _ in range(steps)]
        finally:
            coord.request_stop()
            coord.join(threads)


@pytest.mark.parametrize("join", [True, False])
def test_dynamic_pad_pads_each_batch_to_its_longest_sequence(join):
    lengths = tf.constant([1, 3, 2, 4])
    queue = tf.FIFOQueue(4, [tf.int32], [[]])
    enqueue = queue.enqueue_many(lengths)
    tf.train.add_queue_runner(tf.train.QueueRunner(queue, [enqueue]))
    length = queue.dequeue()
    sequence = tf.range(1, length + 1)
    if join:
        padded = tf.train.batch_join([[sequence]], batch_size=2, dynamic_pad=True)
    else:
        padded = tf.train.batch([sequence], batch_size=2, dynamic_pad=True)
    assert padded.shape.as_list() == [2, None]
    first, second = _run_batches(padded, 2)
    assert first.tolist() == [[1, 0, 0], [1, 2, 3]]
    assert second.tolist() == [[1, 2, 0, 0], [1, 2, 3, 4]]


def test_batch_join_merges_the_shapes_of_its_lists():
    known = tf.zeros([3])
    unknown = tf.placeholder_with_default(tf.ones([3]), [None])
    out = tf.train.batch_join([[unknown], [known]], batch_size=2)
    assert out.shape.as_list() == [2, 3]


def test_batch_join_without_dynamic_pad_still_needs_known_shapes():
    unknown = tf.placeholder_with_default(tf.ones([3]), [None])
    with pytest.raises(ValueError, match="All shapes must be fully defined"):
        tf.train.batch_join([[unknown]], batch_size=2)


# -- variable scopes' regularizer and caching device (neural_gpu) ------------------------------


def _penalty_names_and_values():
    losses = tf.losses.get_regularization_losses()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return [t.name for t in losses], sess.run(losses)


def test_a_scope_regularizer_applies_to_its_variables_and_inner_scopes():
    with tf.variable_scope("a", regularizer=lambda w: tf.reduce_sum(w) * 0.1):
        tf.get_variable("v", [2], initializer=tf.ones_initializer())
        with tf.variable_scope("b"):
            tf.get_variable("u", [3], initializer=tf.ones_initializer())
    names, values = _penalty_names_and_values()
    assert names == ["a/v/Regularizer/mul:0", "a/b/u/Regularizer/mul:0"]
    np.testing.assert_allclose(values, [0.2, 0.3], rtol=1e-6)


def test_a_variable_regularizer_overrides_the_scope_one():
    with tf.variable_scope("a", regularizer=lambda w: tf.reduce_sum(w) * 0.1):
        tf.get_variable("v", [2], initializer=tf.ones_initializer(),
                        regularizer=lambda w: tf.reduce_sum(w) * 5.0)
    _, values = _penalty_names_and_values()
    np.testing.assert_allclose(values, [10.0])


def test_set_regularizer_none_stops_the_scope_penalty():
    with tf.variable_scope("a", regularizer=lambda w: tf.reduce_sum(w)):
        tf.get_variable_scope().set_regularizer(None)
        tf.get_variable("v", [2])
    assert tf.losses.get_regularization_losses() == []


def test_a_reentered_scope_keeps_its_regularizer():
    with tf.variable_scope("c", regularizer=lambda w: tf.reduce_sum(w) * 2.0) as scope:
        pass
    with tf.variable_scope(scope):
        tf.get_variable("y", [3], initializer=tf.ones_initializer())
    names, values = _penalty_names_and_values()
    assert names == ["c/y/Regularizer/mul:0"]
    np.testing.assert_allclose(values, [6.0])


def test_scope_caching_device_is_kept_and_settable():
    with tf.variable_scope("a", caching_device="/cpu:0") as scope:
        assert scope.caching_device == "/cpu:0"
        with tf.variable_scope("b") as inner:
            assert inner.caching_device == "/cpu:0"
        tf.get_variable_scope().set_caching_device(None)
        assert tf.get_variable_scope().caching_device is None


def test_contrib_regularizers_name_their_penalty_after_their_scope():
    x = tf.ones([2])
    with tf.name_scope("outer"):
        inner = tf.contrib.layers.l2_regularizer(0.1)(x)
    l2 = tf.contrib.layers.l2_regularizer(0.1)(x)
    l1 = tf.contrib.layers.l1_regularizer(0.1)(x)
    assert [inner.name, l2.name, l1.name] == ["outer/l2_regularizer:0", "l2_regularizer:0",
                                              "l1_regularizer:0"]
    with tf.variable_scope("s", regularizer=tf.contrib.layers.l2_regularizer(0.5)):
        tf.get_variable("w", [2])
    (penalty,) = tf.losses.get_regularization_losses()
    assert penalty.name == "s/w/Regularizer/l2_regularizer:0"


# -- tf.nn.convolution (neural_gpu's conv_linear) ---------------------------------------------


def test_convolution_takes_the_rank_from_the_filter_when_the_input_has_none():
    x = tf.placeholder(tf.float32)
    kernel = tf.constant(np.ones((3, 3, 2, 4), np.float32))
    out = tf.nn.convolution(x, kernel, padding="SAME")
    with tf.Session() as sess:
        value = sess.run(out, {x: np.ones((1, 5, 5, 2), np.float32)})
    assert value.shape == (1, 5, 5, 4)
    assert value[0, 2, 2, 0] == 18.0


@pytest.mark.parametrize("rates", [(2, 1), (1, 3), (2, 2)])
def test_convolution_dilates_each_axis_by_its_own_rate(rates):
    rng = np.random.default_rng(0)
    image = rng.standard_normal((1, 9, 8, 2)).astype(np.float32)
    kernel = rng.standard_normal((3, 3, 2, 3)).astype(np.float32)
    out = tf.nn.convolution(tf.constant(image), tf.constant(kernel), padding="VALID",
                            dilation_rate=rates)
    rh, rw = rates
    height, width = 9 - 2 * rh, 8 - 2 * rw
    expected = np.zeros((1, height, width, 3), np.float32)
    for i in range(3):
        for j in range(3):
            patch = image[:, i * rh:i * rh + height, j * rw:j * rw + width, :]
            expected += np.einsum("nhwc,co->nhwo", patch, kernel[i, j])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out), expected, rtol=1e-5, atol=1e-5)


# -- Supervisor's CamelCase names (neural_gpu: sv.PrepareSession) ------------------------------


def test_supervisor_has_tf1_camel_case_method_names(tmp_path):
    tf.train.get_or_create_global_step()
    sv = tf.train.Supervisor(logdir=str(tmp_path), summary_op=None, save_model_secs=0)
    assert tf.train.Supervisor.PrepareSession is tf.train.Supervisor.prepare_or_wait_for_session
    sess = sv.PrepareSession("")
    try:
        assert not sv.ShouldStop()
        sv.RequestStop()
        assert sv.ShouldStop()
    finally:
        sv.Stop()
        sess.close()


# -- research/resnet: tensorflow.python.training.moving_averages, tf.contrib.tfprof ------------


def test_moving_averages_module_path_gives_assign_moving_average():
    from smallflow.python.training import moving_averages

    average = tf.Variable(1.0, trainable=False)
    update = moving_averages.assign_moving_average(average, tf.constant(3.0), 0.9,
                                                   zero_debias=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(update), 0.9 * 1.0 + 0.1 * 3.0, rtol=1e-6)
    assert moving_averages.ExponentialMovingAverage is tf.train.ExponentialMovingAverage


def test_monitored_session_module_path_gives_the_public_classes():
    from smallflow.python.training import monitored_session

    assert monitored_session.MonitoredSession is tf.train.MonitoredSession
    assert monitored_session.ChiefSessionCreator is tf.train.ChiefSessionCreator


def test_tfprof_print_model_analysis_counts_parameters_and_flops(capsys):
    model_analyzer = tf.contrib.tfprof.model_analyzer
    x = tf.placeholder(tf.float32, [4, 3])
    w = tf.get_variable("w", [3, 5], initializer=tf.zeros_initializer())
    tf.get_variable("b", [5], initializer=tf.zeros_initializer())
    tf.matmul(x, w)
    params = model_analyzer.print_model_analysis(
        tf.get_default_graph(),
        tfprof_options=model_analyzer.TRAINABLE_VARS_PARAMS_STAT_OPTIONS)
    flops = model_analyzer.print_model_analysis(
        tf.get_default_graph(), tfprof_options=model_analyzer.FLOAT_OPS_OPTIONS)
    assert params.total_parameters == 20
    assert flops.total_float_ops == 2 * 4 * 3 * 5
    assert "_TFProfRoot" in capsys.readouterr().out


# -- get_variable(initializer=<value>) (swivel: get_variable("global_step", initializer=0)) ----


@pytest.mark.parametrize(("value", "dtype", "shape"), [
    (0, tf.int32, []), (1.5, tf.float32, []), ([1, 2], tf.int32, [2]),
    (np.zeros(3, np.int64), tf.int64, [3]), (True, tf.bool, []),
    (np.ones((2, 2), np.float64), tf.float64, [2, 2])])
def test_a_value_initializer_gives_the_variable_its_dtype_and_shape(value, dtype, shape):
    variable = tf.get_variable("v", initializer=value, trainable=False)
    assert variable.dtype.base_dtype == dtype
    assert variable.shape.as_list() == shape
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(variable), value)


def test_a_global_step_made_with_get_variable_of_zero_is_an_integer_step(tmp_path):
    step = tf.get_variable("global_step", initializer=0, trainable=False)
    assert tf.train.get_global_step() is step
    tf.train.Supervisor(logdir=str(tmp_path), summary_op=None, save_model_secs=0)


def test_a_value_initializer_refuses_another_explicit_dtype_and_a_shape():
    with pytest.raises(ValueError, match="Initializer type '<dtype: 'int32'>' and explicit "
                                         "dtype '<dtype: 'float32'>' don't match"):
        tf.get_variable("e", initializer=0, dtype=tf.float32)
    with pytest.raises(ValueError, match="do not specify shape"):
        tf.get_variable("h", [2], initializer=3)


def test_a_value_initializer_ignores_the_scope_dtype():
    with tf.variable_scope("s", dtype=tf.float64):
        assert tf.get_variable("i", initializer=7).dtype.base_dtype == tf.int32
        assert tf.get_variable("f", [2]).dtype.base_dtype == tf.float64
