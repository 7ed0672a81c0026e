"""Session 13's sweep (TF1 course and book collections): tfdbg (``tensorflow.python.debug``).

Dumps are TensorFlow's ``Event`` files: the tests that write or read them need the
``tensorboard`` extra.
"""

import glob
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import debug_dump, errors
from smallflow.python import debug as tf_debug


def _watched_keys(options):
    return [(w.node_name, w.output_slot) for w in options.debug_options.debug_tensor_watch_opts]


def test_watch_graph_watches_every_output_and_adds_the_wildcard():
    a = tf.constant([1.0], name="a")
    tf.identity(a, name="b")
    options = tf.RunOptions()
    tf_debug.watch_graph(options, tf.get_default_graph(), debug_urls="file:///tmp/x")
    assert _watched_keys(options) == [("a", 0), ("b", 0), ("*", -1)]
    watch = options.debug_options.debug_tensor_watch_opts[0]
    assert list(watch.debug_ops) == ["DebugIdentity"]
    assert list(watch.debug_urls) == ["file:///tmp/x"]


def test_watch_graph_whitelists_are_anded_and_drop_the_wildcard():
    a = tf.constant([1.0], name="a")
    tf.identity(a, name="ab")
    tf.cast(a, tf.int32, name="ac")
    options = tf.RunOptions()
    tf_debug.watch_graph(options, tf.get_default_graph(), debug_urls="file:///tmp/x",
                         node_name_regex_whitelist="a.", tensor_dtype_regex_whitelist="float")
    assert _watched_keys(options) == [("ab", 0)]


def test_watch_graph_with_blacklists_excludes_either_match():
    a = tf.constant([1.0], name="a")
    tf.identity(a, name="b")
    tf.cast(a, tf.int32, name="c")
    options = tf.RunOptions()
    tf_debug.watch_graph_with_blacklists(options, tf.get_default_graph(),
                                         debug_urls="file:///tmp/x",
                                         node_name_regex_blacklist="b",
                                         tensor_dtype_regex_blacklist="int")
    assert _watched_keys(options) == [("a", 0)]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"debug_ops": None, "debug_urls": "file:///x"}, "debug_ops must not be empty"),
    ({"debug_urls": None}, "debug_urls must not be empty"),
])
def test_watch_graph_refuses_empty_ops_or_urls(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf_debug.watch_graph(tf.RunOptions(), tf.get_default_graph(), **kwargs)


@pytest.mark.parametrize(("value", "expected"), [
    (np.array([1.0, 2.0]), False),
    (np.array([1.0, np.nan]), True),
    (np.array([[np.inf]], np.float32), True),
    (np.array([3, 4], np.int32), False),
    (np.array([b"a"], dtype=object), False),
])
def test_has_inf_or_nan(value, expected):
    assert tf_debug.has_inf_or_nan(None, value) is expected


def test_numeric_summary_has_tensorflows_layout():
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    # TensorFlow 2.21's DebugNumericSummary of this float32 vector (checked by running it).
    value = np.array([1.0, -2.0, 0.0, np.inf, -np.inf, np.nan, 3.0], np.float32)
    expected = [1, 7, 1, 1, 1, 1, 2, 1, -2, 3, 0.5, 3.25, 1, 1, 7]
    np.testing.assert_array_equal(debug_dump.numeric_summary(value), expected)
    no_finite = debug_dump.numeric_summary(np.array([np.nan, np.inf], np.float32))
    np.testing.assert_array_equal(no_finite, [1, 2, 1, 0, 0, 0, 0, 1, np.inf, -np.inf,
                                              np.nan, np.nan, 1, 1, 2])
    scalar_int = debug_dump.numeric_summary(np.array(5, np.int32))
    np.testing.assert_array_equal(scalar_int, [1, 1, 0, 0, 0, 0, 1, 0, 5, 5, 5, 0, 3, 0])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1.5, -2.0, np.inf, -np.inf, np.nan]), max_size=12))
def test_numeric_summary_counts_add_up(values):
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    summary = debug_dump.numeric_summary(np.array(values, np.float64))
    assert summary[1] == len(values)
    assert summary[2:8].sum() == len(values)


@pytest.mark.parametrize(("spec", "parsed"), [
    ("DebugIdentity", ("DebugIdentity", {})),
    ("DebugNumericSummary(mute_if_healthy=true; lower_bound=-1)",
     ("DebugNumericSummary", {"mute_if_healthy": "true", "lower_bound": "-1"})),
])
def test_parse_debug_op(spec, parsed):
    assert debug_dump.parse_debug_op(spec) == parsed


# -- dumps (tensorboard extra) -------------------------------------------------------------


@pytest.fixture
def dumps():
    pytest.importorskip("tensorboard")


def _nan_graph():
    x = tf.placeholder(tf.float32, [2], name="x")
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.name_scope("s"):
        y = tf.log(x * v, name="y")
    return x, v, y


def test_dumping_wrapper_dumps_each_tensor_once_in_causal_order(dumps, tmp_path):
    x, v, y = _nan_graph()
    sess = tf.Session()
    sess.run(v.initializer)
    wrapped = tf_debug.DumpingDebugWrapperSession(sess, str(tmp_path / "root"))
    out = wrapped.run(y, feed_dict={x: [0.0, 3.0]})
    np.testing.assert_array_equal(out, [-np.inf, np.log(np.float32(6.0))])
    (run_dir,) = glob.glob(str(tmp_path / "root" / "run_*"))
    dump = tf_debug.DebugDumpDir(run_dir)
    keys = [d.watch_key for d in dump.dumped_tensor_data]
    assert keys == ["_arg_x_0_0:0:DebugIdentity", "v:0:DebugIdentity", "v/read:0:DebugIdentity",
                    "s/mul:0:DebugIdentity", "s/y:0:DebugIdentity"]
    np.testing.assert_array_equal(dump.get_tensors("s/mul", 0, "DebugIdentity")[0], [0.0, 6.0])
    assert [d.node_name for d in dump.find(tf_debug.has_inf_or_nan)] == ["s/y"]
    assert dump.node_inputs("s/mul") == ["_arg_x_0_0", "v/read"]
    assert dump.node_op_type("s/y") == "Log"
    assert dump.core_metadata.output_names == ["s/y:0"]
    assert dump.core_metadata.input_names == ["x:0"]
    with pytest.raises(tf_debug.lib.debug_data.WatchKeyDoesNotExistInDebugDumpDirError):
        dump.get_tensors("s/y", 1, "DebugIdentity")


def test_dumped_variable_is_its_value_when_read_not_after_the_update(dumps, tmp_path):
    w = tf.Variable([1.0, -1.0], name="w")
    loss = tf.reduce_sum(tf.square(w))
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    sess = tf.Session()
    sess.run(w.initializer)
    wrapped = tf_debug.DumpingDebugWrapperSession(sess, str(tmp_path))
    wrapped.run(train)
    (run_dir,) = glob.glob(str(tmp_path / "run_*"))
    dump = tf_debug.DebugDumpDir(run_dir)
    np.testing.assert_array_equal(dump.get_tensors("w", 0, "DebugIdentity")[0], [1.0, -1.0])
    np.testing.assert_array_equal(sess.run(w), [0.5, -0.5])


def test_dumping_wrapper_refuses_a_non_empty_root(dumps, tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="non-empty directory"):
        tf_debug.DumpingDebugWrapperSession(tf.Session(), str(tmp_path))
    with pytest.raises(ValueError, match="points to a file"):
        tf_debug.DumpingDebugWrapperSession(tf.Session(), str(tmp_path / "f"))


def test_debug_ops_and_their_creation_failures(dumps, tmp_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    tf.identity(x * 2.0, name="y")
    b = tf.greater(x, 0.0, name="b")
    sess = tf.Session()
    ops = ["DebugNanCount", "DebugNumericSummary"]
    # (Without pass_through_operrors the wrapper returns the error, as TensorFlow's does.)
    strict = tf_debug.DumpingDebugWrapperSession(
        sess, str(tmp_path / "strict"), watch_fn=lambda f, d: tf_debug.WatchOptions(ops),
        pass_through_operrors=True)
    with pytest.raises(errors.FailedPreconditionError, match="debug op DebugNanCount on "
                       "watched tensor b:0"):
        strict.run(b, {x: [1.0]})
    tolerant = tf_debug.DumpingDebugWrapperSession(
        sess, str(tmp_path / "tolerant"), watch_fn=lambda f, d: tf_debug.WatchOptions(
            ops, tolerate_debug_op_creation_failures=True))
    tolerant.run([b, "y:0"], {x: [np.nan, 1.0]})
    (run_dir,) = glob.glob(str(tmp_path / "tolerant" / "run_*"))
    dump = tf_debug.DebugDumpDir(run_dir)
    np.testing.assert_array_equal(dump.get_tensors("y", 0, "DebugNanCount")[0], [1])
    assert dump.get_tensors("y", 0, "DebugNanCount")[0].dtype == np.int64
    assert dump.watch_key_to_data("b:0:DebugNanCount") == []
    assert len(dump.watch_key_to_data("b:0:DebugNumericSummary")) == 1


def test_grpc_debug_urls_are_refused_by_name(dumps):
    options = tf.RunOptions()
    a = tf.constant(1.0, name="a")
    tf_debug.add_debug_tensor_watch(options, "a", debug_urls="grpc://localhost:6064")
    with pytest.raises(errors.UnimplementedError, match="grpc://localhost:6064"):
        tf.Session().run(a, options=options)


def _cli(sess, commands, outputs):
    wrapped = tf_debug.LocalCLIDebugWrapperSession(sess, ui_type="readline")
    feed = iter(commands)

    def read(prompt):
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    wrapped._read_command = read
    wrapped._write = outputs.append
    return wrapped


def test_local_cli_runs_until_a_tensor_has_inf_or_nan(dumps):
    x = tf.placeholder(tf.float32, [1], name="x")
    tf.log(x, name="logx")
    sess = tf.Session()
    outputs = []
    wrapped = _cli(sess, ["run -f has_inf_or_nan", "pt logx", "exit"], outputs)
    for value in (2.0, 3.0, 0.0):
        wrapped.run("logx:0", {x: [value]})
    with pytest.raises(SystemExit) as stop:  # the user's exit ends the program at next run
        wrapped.run("logx:0", {x: [1.0]})
    assert stop.value.code == 1
    assert any("tensors passing filter 'has_inf_or_nan'" in line for line in outputs)
    assert any("run #3" in line for line in outputs)  # the run that fed 0.0
    assert any("-inf" in line for line in outputs)


def test_local_cli_run_through_times_and_end_of_input(dumps):
    a = tf.constant([1.0], name="a")
    sess = tf.Session()
    outputs = []
    wrapped = _cli(sess, ["run -t 3"], outputs)
    for _ in range(5):
        np.testing.assert_array_equal(wrapped.run(a), [1.0])
    # Run 3 is the debugged one: its dump is listed, then the input ends and the later runs
    # go through undebugged.
    assert any(line.startswith("run-end: run #3") for line in outputs)
    assert sum("end of input" in line for line in outputs) == 1


def test_dumping_hook_in_a_monitored_session(dumps, tmp_path):
    step = tf.train.get_or_create_global_step()
    inc = tf.assign_add(step, 1)
    hook = tf_debug.DumpingDebugHook(str(tmp_path))
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        sess.run(inc)
        sess.run(inc)
    runs = sorted(glob.glob(str(tmp_path / "run_*")))
    assert len(runs) == 2
    dump = tf_debug.DebugDumpDir(runs[1])
    np.testing.assert_array_equal(dump.get_tensors("AssignAdd", 0, "DebugIdentity")[0], 2)
    assert os.path.isdir(os.path.join(runs[1], debug_dump.DEVICE_DIR))


# -- a convolution with a filter as big as an image's quarter (CADL lecture 1) ----------


def test_huge_filter_convolution_is_summed_tap_by_tap_in_little_memory():
    import tracemalloc

    from smallflow.ops import conv_kernels

    rng = np.random.default_rng(0)
    image = rng.random((1, 256, 256, 1), dtype=np.float32)
    kernel = rng.random((35, 35, 1, 1), dtype=np.float32)
    tracemalloc.start()
    out = conv_kernels.conv2d(image, kernel, [1, 1, 1, 1], "SAME")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The column matrix would be 256 * 256 * 35 * 35 * 4 bytes = 321 MB.
    assert peak < 64 * 2**20
    padded = np.pad(image[0, :, :, 0], ((17, 17), (17, 17)))
    expected = np.array([[np.sum(padded[r:r + 35, c:c + 35] * kernel[:, :, 0, 0])
                          for c in (0, 100, 255)] for r in (0, 128, 255)])
    np.testing.assert_allclose(out[0][np.ix_([0, 128, 255], [0, 100, 255])][..., 0], expected,
                               rtol=1e-4)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("strides", [[1, 1, 1, 1], [1, 2, 3, 1]])
def test_tap_sum_equals_the_column_product(monkeypatch, padding, strides):
    from smallflow.ops import conv_blocks, conv_kernels

    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 17, 15, 3)).astype(np.float32)
    w = rng.standard_normal((5, 4, 3, 2)).astype(np.float32)
    expected = conv_kernels.conv2d(x, w, strides, padding)
    monkeypatch.setattr(conv_blocks, "TAP_SUM_BYTES", 0)
    np.testing.assert_allclose(conv_kernels.conv2d(x, w, strides, padding), expected,
                               rtol=1e-5, atol=1e-5)


def test_tensorflow_python_ops_rnn_rnn_cell_and_metrics_impl():
    # "Deep Learning with TensorFlow" 2nd ed., ch. 6: from tensorflow.python.ops import rnn,
    # rnn_cell (and metrics_impl): TensorFlow 1.x's internal modules of tf.nn's RNN drivers,
    # tf.nn.rnn_cell's cells and tf.metrics.
    from smallflow.python.ops import metrics_impl, rnn, rnn_cell

    assert rnn.dynamic_rnn is tf.nn.dynamic_rnn
    assert rnn.static_rnn is tf.nn.static_rnn
    assert rnn_cell.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell
    assert rnn_cell.LSTMStateTuple is tf.nn.rnn_cell.LSTMStateTuple
    assert metrics_impl.accuracy is tf.metrics.accuracy
    with pytest.raises(AttributeError, match="softmax"):
        rnn.softmax  # noqa: B018 - not one of the module's names


def test_image_summary_of_a_wrong_rank_fails_when_run_not_when_built():
    # TensorFlow-World's MLP test program builds tf.summary.image on [3, 784] images into a
    # collection it never runs: TensorFlow's ImageSummary has a scalar shape function, so the
    # graph builds; running it is TensorFlow's InvalidArgumentError.
    pytest.importorskip("tensorboard")
    summary = tf.summary.image("images", np.zeros((3, 784), np.float32), max_outputs=3,
                               collections=["never_run"])
    assert summary.shape.as_list() == []
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"Tensor must be 4-D with last dim 1, 3, or 4, not \[3,784\]"):
        tf.Session().run(summary)
