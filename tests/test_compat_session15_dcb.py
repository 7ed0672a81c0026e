"""Session 15 (helper dcb): tf.train.experimental's loss scaling and the mixed-precision
switches, and the Keras callbacks BaseLogger, ProgbarLogger, RemoteMonitor and TensorBoard's
TF 1.x arguments."""

import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

import smallflow as tf
from smallflow import keras

experimental = tf.train.experimental


@pytest.mark.parametrize(("value", "message"), [
    (0.5, "at least 1"), ("8", "Python int or float"), (None, "Python int or float")])
def test_fixed_loss_scale_rejects_bad_values(value, message):
    with pytest.raises(ValueError, match=message):
        experimental.FixedLossScale(value)


def test_fixed_loss_scale_config_and_value():
    scale = experimental.FixedLossScale(8)
    assert scale.get_config() == {"loss_scale_value": 8.0}
    assert repr(scale) == "FixedLossScale(8.0)"
    with tf.Session() as sess:
        assert sess.run(scale()) == 8.0
    assert experimental.FixedLossScale.from_config(scale.get_config()).get_config() == \
        scale.get_config()


def test_dynamic_loss_scale_variables_and_config():
    scale = experimental.DynamicLossScale(initial_loss_scale=16, increment_period=3)
    names = [v.name for v in tf.global_variables()]
    assert names == ["current_loss_scale:0", "good_steps:0"]
    assert tf.trainable_variables() == []
    assert scale.get_config() == {"initial_loss_scale": 16.0, "increment_period": 3,
                                  "multiplier": 2.0}


def test_dynamic_loss_scale_grows_backs_off_and_skips_bad_steps():
    scale = experimental.DynamicLossScale(initial_loss_scale=4.0, increment_period=2)
    factor = tf.placeholder(tf.float32, [])
    x = tf.Variable([1.0, -2.0])
    optimizer = experimental.MixedPrecisionLossScaleOptimizer(
        tf.train.GradientDescentOptimizer(0.1), scale)
    step = optimizer.minimize(tf.reduce_sum(x * x) * factor)
    seen = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for value in [1.0, 1.0, np.inf, 1.0]:
            before = sess.run(x)
            sess.run(step, {factor: value})
            seen.append(sess.run(scale()))
            expected = before if np.isinf(value) else before - 0.1 * 2 * before
            np.testing.assert_allclose(sess.run(x), expected, rtol=1e-6)
    assert seen == [4.0, 8.0, 4.0, 4.0]


def test_unscaled_gradients_equal_the_plain_ones():
    x = tf.Variable([3.0, -1.0])
    loss = tf.reduce_sum(x * x * x)
    optimizer = experimental.MixedPrecisionLossScaleOptimizer(
        tf.train.GradientDescentOptimizer(0.1), 1024)
    (grad, var), = optimizer.compute_gradients(loss, [x])
    assert var is x
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(grad), [27.0, 3.0])


def test_loss_scale_optimizer_checks_its_arguments():
    with pytest.raises(ValueError, match='"opt" must be an instance of Optimizer'):
        experimental.MixedPrecisionLossScaleOptimizer(object(), "dynamic")
    with pytest.raises(ValueError, match="Could not interpret loss scale identifier: big"):
        experimental.MixedPrecisionLossScaleOptimizer(
            tf.train.GradientDescentOptimizer(0.1), "big")
    with pytest.raises(ValueError, match="tf.train.Optimizer"):
        experimental.enable_mixed_precision_graph_rewrite(keras.optimizers.SGD(0.1))


def test_graph_rewrite_wraps_the_optimizer_and_disable_warns_once(caplog):
    wrapped = experimental.enable_mixed_precision_graph_rewrite(tf.train.AdamOptimizer(0.1))
    assert isinstance(wrapped, experimental.MixedPrecisionLossScaleOptimizer)
    assert isinstance(wrapped._loss_scale, experimental.DynamicLossScale)
    assert wrapped.get_name() == "Adam"
    experimental.disable_mixed_precision_graph_rewrite()
    assert "already disabled" not in caplog.text
    experimental.disable_mixed_precision_graph_rewrite()
    assert "already disabled" in caplog.text


def _fit(callbacks, epochs=2, verbose=0):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.arange(10, dtype="float32").reshape(5, 2) / 10
    y = np.arange(5, dtype="float32") / 5
    return model.fit(x, y, batch_size=2, epochs=epochs, verbose=verbose,
                     callbacks=callbacks)


class _Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.batches = []
        self.epochs = []

    def on_batch_end(self, batch, logs=None):
        self.batches.append(dict(logs))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs))


def test_base_logger_sets_epoch_means_weighted_by_batch_size():
    recorder = _Recorder()
    logger = keras.callbacks.BaseLogger(stateful_metrics=["mean_absolute_error"])
    _fit([recorder, logger])
    first = recorder.batches[:3]
    sizes = [b["size"] for b in first]
    assert sizes == [2, 2, 1]
    mean_loss = sum(b["loss"] * b["size"] for b in first) / 5
    logs = {"loss": -1.0, "mean_absolute_error": -1.0}
    logger.on_epoch_begin(0)
    for batch in first:
        logger.on_batch_end(0, batch)
    logger.on_epoch_end(0, logs)
    assert logs["loss"] == pytest.approx(mean_loss)
    assert logs["mean_absolute_error"] == first[-1]["mean_absolute_error"]


def _drive(logger, params, epochs, batches):
    logger.set_params({"metrics": ["loss", "acc"], "epochs": epochs, **params})
    logger.on_train_begin()
    for epoch in range(epochs):
        logger.on_epoch_begin(epoch)
        for index, logs in enumerate(batches):
            logger.on_batch_begin(index)
            logger.on_batch_end(index, dict(logs))
        logger.on_epoch_end(epoch, {"loss": 0.25, "acc": 0.75})


def test_progbar_logger_prints_epochs_and_bars(capsys):
    batches = [{"size": 2, "loss": 1.0, "acc": 0.5}, {"size": 2, "loss": 0.5, "acc": 1.0}]
    _drive(keras.callbacks.ProgbarLogger(count_mode="steps"),
           {"verbose": 1, "steps": 2, "samples": 4}, 2, batches)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert lines[1].startswith("2/2 [==============================]")
    assert lines[1].endswith("step - loss: 0.2500 - acc: 0.7500")
    assert lines[2] == "Epoch 2/2"
    assert len(lines) == 4


def test_progbar_logger_counts_samples_and_is_silent_at_verbose_0(capsys):
    batches = [{"size": 3, "loss": 1.0, "acc": 0.5}, {"size": 1, "loss": 0.5, "acc": 1.0}]
    _drive(keras.callbacks.ProgbarLogger(), {"verbose": 2, "steps": None, "samples": 4}, 1,
           batches)
    assert capsys.readouterr().out.splitlines() == [
        "4/4 - 0s - loss: 0.2500 - acc: 0.7500"]
    _fit([keras.callbacks.ProgbarLogger()], epochs=1, verbose=0)
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="Unknown `count_mode`: batches"):
        keras.callbacks.ProgbarLogger(count_mode="batches")


def test_progbar_logger_means_weight_samples():
    logger = keras.callbacks.ProgbarLogger(stateful_metrics=["acc"])
    batches = [{"size": 3, "loss": 1.0, "acc": 0.5}, {"size": 1, "loss": 0.5, "acc": 1.0}]
    _drive(logger, {"verbose": 0, "steps": None, "samples": 4}, 1, batches)
    assert dict(logger._last_values) == {"loss": pytest.approx(0.875), "acc": 1.0}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        self.server.received.append((self.path, dict(self.headers),
                                     self.rfile.read(length).decode()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.received = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_remote_monitor_posts_a_form_field(server):
    root = f"http://127.0.0.1:{server.server_port}"
    history = _fit([keras.callbacks.RemoteMonitor(root=root, path="/end/", field="payload",
                                                   headers={"X-Run": "7"})])
    assert [r[0] for r in server.received] == ["/end/", "/end/"]
    path, headers, body = server.received[1]
    assert headers["X-Run"] == "7"
    sent = json.loads(urllib.parse.parse_qs(body)["payload"][0])
    assert sent["epoch"] == 1
    assert sent["loss"] == pytest.approx(history.history["loss"][1])


def test_remote_monitor_posts_json(server):
    root = f"http://127.0.0.1:{server.server_port}"
    _fit([keras.callbacks.RemoteMonitor(root=root, send_as_json=True)], epochs=1)
    path, headers, body = server.received[0]
    assert path == "/publish/epoch/end/"
    assert headers["Content-Type"] == "application/json"
    assert sorted(json.loads(body)) == ["epoch", "loss", "mean_absolute_error"]


def test_remote_monitor_unreachable_server_only_warns(caplog):
    monitor = keras.callbacks.RemoteMonitor(root="http://127.0.0.1:9")
    monitor.on_epoch_end(0, {"loss": np.float32(1.5)})
    assert "could not reach RemoteMonitor root server at http://127.0.0.1:9" in caplog.text


def test_tensorboard_v1_arguments(tmp_path):
    board = keras.callbacks.TensorBoard(
        log_dir=str(tmp_path), histogram_freq=0, batch_size=16, write_grads=True,
        write_images=True, embeddings_freq=0, embeddings_layer_names=["dense"],
        embeddings_metadata=None, embeddings_data=None, update_freq="batch")
    assert board.update_freq == 1
    assert board.embeddings_layer_names == ["dense"]
    with pytest.raises(ValueError, match="embeddings_data must be provided"):
        keras.callbacks.TensorBoard(log_dir=str(tmp_path), embeddings_freq=1).set_model(None)


def test_tensorboard_update_freq_writes_batch_scalars(tmp_path):
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    from tensorboard.backend.event_processing import event_accumulator

    _fit([keras.callbacks.TensorBoard(log_dir=str(tmp_path), update_freq=3)])
    events = event_accumulator.EventAccumulator(str(tmp_path))
    events.Reload()
    tags = sorted(events.Tags()["scalars"])
    assert tags == ["batch_loss", "batch_mean_absolute_error", "loss",
                    "mean_absolute_error"]
    # Batches of 2, 2, 1 samples per epoch: written after 4, 9 (epoch end), ... samples.
    assert [e.step for e in events.Scalars("batch_loss")] == [1, 3, 5]
    assert [e.step for e in events.Scalars("loss")] == [5, 10]
