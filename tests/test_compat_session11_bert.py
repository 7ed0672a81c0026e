"""Session 11's BERT sweep (google-research/bert on smallflow): what BERT's programs needed,
as specifications. ``TPUEstimator`` on the CPU as TensorFlow 1.15 runs it with
``use_tpu=False`` (run_classifier, run_pretraining, run_squad, extract_features);
``tf.expand_dims`` with a one-element list axis (modeling.py); a ``SummarySaverHook`` that
writes every ``save_steps`` steps and the ``loss`` summary the Estimator adds; files written
atomically with the permissions ``open`` gives. TensorFlow's own numbers for a BERT-shaped
encoder and its gradients are in tests/oracle/cases_session11_bert.py."""

import glob
import logging
import os
import stat

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

# -- tf.expand_dims: axis=[-1] (modeling.py's embedding_lookup) ------------------------------


@settings(max_examples=30, deadline=None)
@given(rank=st.integers(0, 3), data=st.data())
def test_expand_dims_takes_a_one_element_axis_in_any_container(rank, data):
    axis = data.draw(st.integers(-rank - 1, rank))
    form = data.draw(st.sampled_from(["int", "list", "nested", "array", "constant"]))
    x = np.arange(int(np.prod([2] * rank)), dtype=np.float32).reshape([2] * rank)
    given_axis = {"int": axis, "list": [axis], "nested": [[axis]],
                  "array": np.array([axis], np.int64), "constant": tf.constant([axis])}[form]
    y = tf.expand_dims(tf.constant(x), given_axis)
    want = np.expand_dims(x, axis)
    assert y.shape.as_list() == list(want.shape)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), want)


@pytest.mark.parametrize(("axis", "error", "words"), [
    ([0, 1], ValueError, "'dim' input must be a tensor with a single value"),
    ([], ValueError, "'dim' input must be a tensor with a single value"),
    (1.0, TypeError, "DataType float32 not in list of allowed values: int32, int64"),
    ("1", TypeError, "not in list of allowed values: int32, int64"),
])
def test_expand_dims_refuses_other_axes_as_tensorflow_does(axis, error, words):
    with pytest.raises(error, match=words):
        tf.expand_dims(tf.constant([1, 2]), axis)


def test_expand_dims_takes_a_python_bool_as_an_int():
    assert tf.expand_dims(tf.constant([1, 2]), True).shape.as_list() == [2, 1]


def test_expand_dims_names_an_axis_tensor_whose_value_is_unknown():
    axis = tf.placeholder(tf.int32, [], name="which_axis")
    with pytest.raises(NotImplementedError, match="which_axis"):
        tf.expand_dims(tf.constant([1, 2]), axis)


# -- TPUEstimator on the CPU ------------------------------------------------------------------

RNG = np.random.default_rng(1)
X = RNG.standard_normal((64, 3)).astype(np.float32)
Y = (X[:, 0] - X[:, 2] > 0).astype(np.int32)


def _input_fn(params):
    data = tf.data.Dataset.from_tensor_slices(({"x": X}, Y))
    return data.repeat().batch(params["batch_size"], drop_remainder=True)


def _eval_input_fn(params):
    return tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(params["batch_size"])


SEEN = []


def _tpu_model_fn(features, labels, mode, params):
    SEEN.append((mode, dict(params), features["x"].shape.as_list()))
    logits = tf.layers.dense(features["x"], 2, name="logits")
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.contrib.tpu.TPUEstimatorSpec(
            mode, predictions={"probabilities": tf.nn.softmax(logits)})
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    optimizer = tf.train.GradientDescentOptimizer(0.5)
    if params["use_tpu"]:  # pragma: no cover - never on the CPU path
        optimizer = tf.contrib.tpu.CrossShardOptimizer(optimizer)
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())

    def metric_fn(labels, logits):
        return {"accuracy": tf.metrics.accuracy(labels, tf.argmax(logits, 1))}

    return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op,
                                           eval_metrics=(metric_fn, [labels, logits]))


def _run_config(tmp_path, **kwargs):
    return tf.contrib.tpu.RunConfig(
        model_dir=str(tmp_path), save_checkpoints_steps=10,
        tpu_config=tf.contrib.tpu.TPUConfig(iterations_per_loop=5, num_shards=8,
                                            per_host_input_for_training=(
                                                tf.contrib.tpu.InputPipelineConfig
                                                .PER_HOST_V2)), **kwargs)


def test_tpu_estimator_trains_evaluates_and_predicts_on_the_cpu(tmp_path):
    SEEN.clear()
    estimator = tf.contrib.tpu.TPUEstimator(
        use_tpu=False, model_fn=_tpu_model_fn, config=_run_config(tmp_path),
        train_batch_size=16, eval_batch_size=8, predict_batch_size=4, params={"extra": 1})
    estimator.train(_input_fn, max_steps=30)
    assert estimator.get_variable_value("global_step") == 30
    results = estimator.evaluate(_eval_input_fn, steps=None)
    assert results["global_step"] == 30
    assert results["accuracy"] > 0.9
    assert set(results) == {"accuracy", "loss", "global_step"}
    predictions = list(estimator.predict(_eval_input_fn))
    assert len(predictions) == 64
    kernel = estimator.get_variable_value("logits/kernel")
    bias = estimator.get_variable_value("logits/bias")
    logits = X @ kernel + bias
    want = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose([p["probabilities"] for p in predictions], want, rtol=1e-5)
    # Each mode's global batch size reaches input_fn and model_fn as params["batch_size"];
    # model_fn also learns it runs off the TPU; the user's params are kept.
    assert [(mode, params, shape) for mode, params, shape in SEEN] == [
        ("train", {"extra": 1, "batch_size": 16, "use_tpu": False}, [16, 3]),
        ("eval", {"extra": 1, "batch_size": 8, "use_tpu": False}, [None, 3]),
        ("infer", {"extra": 1, "batch_size": 4, "use_tpu": False}, [None, 3]),
    ]


def test_tpu_estimator_logs_examples_per_second_instead_of_the_loss(tmp_path, caplog):
    estimator = tf.contrib.tpu.TPUEstimator(
        use_tpu=False, model_fn=_tpu_model_fn, train_batch_size=16,
        config=_run_config(tmp_path, log_step_count_steps=10))
    with caplog.at_level(logging.INFO, logger="smallflow"):
        estimator.train(_input_fn, max_steps=12)
    messages = [r.getMessage() for r in caplog.records if r.name == "smallflow"]
    assert "Running train on CPU" in messages
    # log_step_count_steps=10 over iterations_per_loop=5: every 2 steps (3, 5, ..., 11; the
    # first trigger, at step 1, starts the clock).
    rates = [m for m in messages if m.startswith("examples/sec: ")]
    steps = [m for m in messages if m.startswith("global_step/sec: ")]
    assert len(rates) == len(steps) == 5
    for rate, step in zip(rates, steps, strict=True):
        ratio = float(rate.split(": ")[1]) / float(step.split(": ")[1])
        assert ratio == pytest.approx(16, rel=1e-4)  # the batch size
    assert not any(m.startswith("loss = ") for m in messages)


def test_tpu_estimator_calls_scaffold_fn_and_runs_host_call(tmp_path):
    calls = []

    def model_fn(features, labels, mode, params):
        logits = tf.layers.dense(features["x"], 2)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_global_step())
        counter = tf.Variable(0, name="host_calls", trainable=False)

        def host_fn(global_step):
            calls.append(global_step.shape.as_list())
            return [tf.assign_add(counter, 1)]

        def scaffold_fn():
            calls.append("scaffold")
            return tf.train.Scaffold()

        step = tf.reshape(tf.train.get_global_step(), [1])
        return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op,
                                               host_call=(host_fn, [step]),
                                               scaffold_fn=scaffold_fn)

    estimator = tf.contrib.tpu.TPUEstimator(use_tpu=False, model_fn=model_fn,
                                            config=_run_config(tmp_path), train_batch_size=8)
    estimator.train(_input_fn, steps=7)
    assert calls == [[1], "scaffold"]
    assert estimator.get_variable_value("host_calls") == 7  # run with every step


def test_tpu_estimator_without_a_tpu_fails_as_tensorflow_does(tmp_path):
    estimator = tf.contrib.tpu.TPUEstimator(model_fn=_tpu_model_fn, use_tpu=True,
                                            config=_run_config(tmp_path), train_batch_size=16,
                                            eval_batch_size=8)
    with pytest.raises(RuntimeError, match="Cannot find any TPU cores in the system"):
        estimator.train(_input_fn, max_steps=2)
    # eval_on_tpu=False evaluates on the CPU even when training would use the TPU.
    cpu_eval = tf.contrib.tpu.TPUEstimator(model_fn=_tpu_model_fn, use_tpu=True,
                                           eval_on_tpu=False, config=_run_config(tmp_path),
                                           train_batch_size=16, eval_batch_size=8)
    tf.contrib.tpu.TPUEstimator(model_fn=_tpu_model_fn, use_tpu=False, train_batch_size=16,
                                config=_run_config(tmp_path)).train(_input_fn, max_steps=3)
    assert cpu_eval.evaluate(_eval_input_fn)["global_step"] == 3


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"config": None}, ValueError, "must be provided with type `tpu_config.RunConfig`"),
    ({"config": "plain"}, ValueError, "must be provided with type `tpu_config.RunConfig`"),
    ({"params": {"batch_size": 3}}, ValueError, "are reserved keys but existed in params"),
    ({"use_tpu": True, "train_batch_size": None}, ValueError,
     "`train_batch_size` cannot be `None`"),
    ({"use_tpu": True, "train_batch_size": 0}, ValueError, "train_batch_size must be positive"),
    ({"use_tpu": True, "train_batch_size": 2.0}, TypeError, "train_batch_size must be int"),
])
def test_tpu_estimator_checks_its_arguments(tmp_path, kwargs, error, words):
    arguments = {"model_fn": _tpu_model_fn, "use_tpu": False, "train_batch_size": 4,
                 "config": _run_config(tmp_path)}
    if kwargs.get("config") == "plain":
        kwargs = {"config": tf.estimator.RunConfig(model_dir=str(tmp_path))}
    arguments.update(kwargs)
    with pytest.raises(error, match=words):
        tf.contrib.tpu.TPUEstimator(**arguments)


def test_tpu_input_fn_and_model_fn_must_take_params(tmp_path):
    estimator = tf.contrib.tpu.TPUEstimator(model_fn=_tpu_model_fn, use_tpu=False,
                                            config=_run_config(tmp_path), train_batch_size=4)
    with pytest.raises(ValueError, match=r"does not include params argument"):
        estimator.train(lambda: ({"x": X}, Y), steps=1)

    def no_params(features, labels, mode):  # pragma: no cover - refused before it runs
        raise AssertionError

    no_params_estimator = tf.contrib.tpu.TPUEstimator(
        model_fn=no_params, use_tpu=False, config=_run_config(tmp_path), train_batch_size=4)
    with pytest.raises(ValueError, match=r"required by TPUEstimator to pass batch size"):
        no_params_estimator.train(_input_fn, steps=1)


def test_tpu_estimator_spec_checks_eval_metrics_and_hooks():
    mode = tf.estimator.ModeKeys.EVAL
    loss = tf.constant(1.0)
    with pytest.raises(ValueError, match="eval_metrics should be tuple or list"):
        tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, eval_metrics={"a": 1})
    with pytest.raises(ValueError, match="eval_metrics should have two elements"):
        tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, eval_metrics=(len,))
    with pytest.raises(TypeError, match=r"eval_metrics\[0\] should be callable"):
        tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, eval_metrics=(1, []))
    with pytest.raises(RuntimeError, match="length of tensors 1 does not match method args"):
        tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss,
                                        eval_metrics=(lambda a, b: {}, [loss]))
    with pytest.raises(TypeError, match="All hooks must be SessionRunHook instances"):
        tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, evaluation_hooks=[object()])
    # A dict of tensors is passed by keyword.
    spec = tf.contrib.tpu.TPUEstimatorSpec(
        mode, loss=loss, eval_metrics=(lambda value: {"m": tf.metrics.mean(value)},
                                       {"value": loss}))
    assert set(spec.as_estimator_spec().eval_metric_ops) == {"m"}


@pytest.mark.parametrize(("value", "counter"), [
    (1000, (1000, "count")), ("30s", (30, "seconds")), ("5m", (300, "seconds")),
    ("2h", (7200, "seconds")), ("12", (12, "count")),
])
def test_tpu_config_reads_iterations_per_loop(value, counter):
    from smallflow.estimator.tpu import _parse_iterations_per_loop

    assert tuple(_parse_iterations_per_loop(value)) == counter
    assert tf.contrib.tpu.TPUConfig(iterations_per_loop=value).iterations_per_loop == value


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"iterations_per_loop": 0}, "Invalid TPUConfig `iterations_per_loop` value"),
    ({"iterations_per_loop": "3d"}, "Invalid TPUConfig `iterations_per_loop` value"),
    ({"num_shards": 0}, "TPUConfig num_shards must be positive"),
    ({"num_cores_per_replica": 3}, "num_cores_per_replica must be 1, 2, 4, 8"),
    ({"input_partition_dims": [[1, 2]]}, "only supported in PER_HOST_V2 mode"),
    ({"eval_training_input_configuration": 3}, "must be PER_HOST_V1 or SLICED"),
])
def test_tpu_config_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        tf.contrib.tpu.TPUConfig(**kwargs)


def test_tpu_config_maps_the_legacy_per_host_booleans_and_run_config_keeps_it():
    pipeline = tf.contrib.tpu.InputPipelineConfig
    assert tf.contrib.tpu.TPUConfig(per_host_input_for_training=True) \
        .per_host_input_for_training == pipeline.PER_HOST_V1
    assert tf.contrib.tpu.TPUConfig(per_host_input_for_training=False) \
        .per_host_input_for_training == pipeline.PER_SHARD_V1
    config = tf.contrib.tpu.RunConfig(master="grpc://x:8470", model_dir="m",
                                      tpu_config=tf.contrib.tpu.TPUConfig(7))
    assert (config.master, config.evaluation_master) == ("grpc://x:8470", "grpc://x:8470")
    changed = config.replace(tpu_config=tf.contrib.tpu.TPUConfig(9), model_dir="n")
    assert changed.tpu_config.iterations_per_loop == 9
    assert changed.model_dir == "n"
    assert config.tpu_config.iterations_per_loop == 7
    assert tf.contrib.tpu.RunConfig().tpu_config == tf.contrib.tpu.TPUConfig()
    with pytest.raises(ValueError, match="Both master and cluster are set"):
        tf.contrib.tpu.RunConfig(master="a", cluster=object())
    # TensorFlow 1.15 also exports them as tf.estimator.tpu.
    assert tf.estimator.tpu.TPUEstimator is tf.contrib.tpu.TPUEstimator
    assert tf.estimator.tpu.RunConfig is tf.contrib.tpu.RunConfig


def test_cross_shard_optimizer_on_one_shard_applies_the_wrapped_optimizers_step():
    def train(wrap):
        tf.reset_default_graph()
        w = tf.Variable([1.0, -2.0], name="w")
        loss = tf.reduce_sum(tf.square(w - [3.0, 1.0]))
        inner = tf.train.AdamOptimizer(0.1)
        opt = tf.contrib.tpu.CrossShardOptimizer(inner) if wrap else inner
        step = opt.minimize(loss)
        assert opt.get_slot_names() == ["m", "v"]
        assert opt.get_slot(w, "m") is inner.get_slot(w, "m")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(step)
            return sess.run(w)

    np.testing.assert_array_equal(train(True), train(False))
    with pytest.raises(ValueError, match="Unsupported reduction"):
        tf.contrib.tpu.CrossShardOptimizer(tf.train.AdamOptimizer(0.1),
                                           reduction=tf.losses.Reduction.NONE)


# -- summaries every save_steps steps; the Estimator's loss summary ---------------------------


def _events(folder):
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        for event in tf.train.summary_iterator(path):
            kind = event.WhichOneof("what")
            if kind == "summary":
                found.extend((event.step, v.tag) for v in event.summary.value)
            elif kind == "session_log":
                found.append((event.step, f"session_log {event.session_log.status}"))
    return found


def test_summary_saver_hook_writes_every_save_steps_steps(tmp_path):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    step = tf.train.get_or_create_global_step()
    x = tf.Variable(1.0)
    loss = tf.square(x)
    tf.summary.scalar("my_loss", loss)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=str(tmp_path), save_summaries_steps=5, log_step_count_steps=None,
            save_checkpoint_secs=None,
            hooks=[tf.train.StopAtStepHook(last_step=22)]) as sess:
        while not sess.should_stop():
            sess.run(train)
    # The first run writes (with a START session log at the step it reached), then every
    # 5 steps counted from the last write; before the fix only the first was written.
    start = tf.summary.SessionLog.START
    assert _events(str(tmp_path)) == [(1, f"session_log {start}"), (1, "my_loss"),
                                      (6, "my_loss"), (11, "my_loss"), (16, "my_loss"),
                                      (21, "my_loss")]


def test_estimator_training_writes_a_loss_summary(tmp_path):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")

    def model_fn(features, labels, mode):
        logits = tf.layers.dense(features["x"], 2)
        with tf.name_scope("loss"):  # BERT's classifier opens a "loss" scope too
            loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        train_op = tf.train.GradientDescentOptimizer(0.5).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    config = tf.estimator.RunConfig(save_summary_steps=10, log_step_count_steps=None)
    estimator = tf.estimator.Estimator(model_fn, str(tmp_path), config=config)
    estimator.train(lambda: _input_fn({"batch_size": 8}), steps=25)
    written = [item for item in _events(str(tmp_path)) if not item[1].startswith("session")]
    # The tag is the summary op's unique name: "loss" is taken by the scope, as in TF.
    assert written == [(1, "loss_1"), (11, "loss_1"), (21, "loss_1")]


def _train_in_monitored_session(folder, increment=True, **kwargs):
    step = tf.train.get_or_create_global_step()
    x = tf.Variable(1.0)
    loss = tf.square(x)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(
        loss, global_step=step if increment else None)
    stop = [tf.train.StopAtStepHook(last_step=22)] if increment else []
    with tf.train.MonitoredTrainingSession(checkpoint_dir=folder, save_checkpoint_secs=None,
                                           hooks=stop, **kwargs) as sess:
        for _ in range(22 if not increment else 10**6):
            if sess.should_stop():
                break
            sess.run(train)


def test_step_counter_hook_writes_the_rate_as_a_summary(tmp_path):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    _train_in_monitored_session(str(tmp_path), save_summaries_steps=None,
                                log_step_count_steps=5)
    # TensorBoard's global_step/sec curve: every 5 steps once the first run started the clock.
    assert _events(str(tmp_path)) == [(6, "global_step/sec"), (11, "global_step/sec"),
                                      (16, "global_step/sec"), (21, "global_step/sec")]


def test_step_counter_hook_warns_when_the_global_step_does_not_move(tmp_path, caplog,
                                                                     monkeypatch):
    # log_first_n counts per call site for the whole process, as TensorFlow's does: an
    # earlier test's hook may have used some of the five warnings.
    import smallflow.logging

    monkeypatch.setattr(smallflow.logging, "_counts", {})
    with caplog.at_level(logging.WARNING, logger="smallflow"):
        _train_in_monitored_session(str(tmp_path), increment=False, save_summaries_steps=None,
                                    log_step_count_steps=5)
    warned = [r.getMessage() for r in caplog.records
              if "It seems that global step (tf.train.get_global_step) has not been "
                 "increased" in r.getMessage()]
    assert len(warned) == 5  # the first five times only
    assert "Current value (could be stable): 0 vs previous value: 0" in warned[0]


def test_tpu_estimator_writes_examples_per_second_to_the_model_dir(tmp_path):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    estimator = tf.contrib.tpu.TPUEstimator(
        use_tpu=False, model_fn=_tpu_model_fn, train_batch_size=16,
        config=_run_config(tmp_path, log_step_count_steps=10, save_summary_steps=4))
    estimator.train(_input_fn, max_steps=8)
    tags = {}
    for step, tag in _events(str(tmp_path)):
        tags.setdefault(tag, []).append(step)
    assert tags["examples/sec"] == tags["global_step/sec"] == [3, 5, 7]
    assert tags["loss"] == [1, 5]


# -- files written atomically get open()'s permissions ---------------------------------------


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield 0o644
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_tfrecord_writer_file_has_the_permissions_open_gives(tmp_path, umask_022):
    path = tmp_path / "data.tfrecord"
    with tf.python_io.TFRecordWriter(str(path)) as writer:
        writer.write(b"record")
    assert _mode(path) == umask_022
    assert list(tf.python_io.tf_record_iterator(str(path))) == [b"record"]


def test_write_file_op_and_write_graph_files_have_the_permissions_open_gives(tmp_path,
                                                                              umask_022):
    written = tmp_path / "out.txt"
    with tf.Session() as sess:
        sess.run(tf.io.write_file(str(written), "hello"))
    assert written.read_bytes() == b"hello"
    assert _mode(written) == umask_022
    pytest.importorskip("google.protobuf", reason="write_graph needs the tensorboard extra")
    pytest.importorskip("tensorboard", reason="write_graph needs the tensorboard extra")
    tf.constant(1.0, name="c")
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path), "graph.pbtxt")
    assert _mode(path) == umask_022
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".")]
