"""Session 13 (helper contrib2): what the TFGAN examples needed besides ``tf.contrib.gan``:
``tf.contrib.layers.linear`` and a LoggingTensorHook given a list of Tensors."""

import logging
import os
import subprocess
import sys

import numpy as np
import pytest

import smallflow as tf


def test_logging_tensor_hook_tags_tensors_by_themselves(caplog):
    # TensorFlow 2.21's compat.v1 logs exactly this line for the same hook.
    x = tf.constant(3.5, name="x")
    status = tf.string_join(["a", "b"], name="status")
    hook = tf.train.LoggingTensorHook([status, x, "x"], every_n_iter=1)
    step = tf.train.get_or_create_global_step()
    with caplog.at_level(logging.INFO, logger="smallflow"), \
            tf.train.MonitoredSession(hooks=[hook]) as sess:
        sess.run(step)
    assert ("Tensor(\"status:0\", shape=(), dtype=string) = b'ab', "
            "Tensor(\"x:0\", shape=(), dtype=float32) = 3.5, x = 3.5") in caplog.messages


def test_contrib_layers_linear_is_fully_connected_without_activation():
    x = tf.constant([[-1.0, 2.0]])
    init = tf.constant_initializer([[1.0], [-1.0]])
    with tf.contrib.framework.arg_scope([tf.contrib.layers.fully_connected],
                                        weights_initializer=init):
        out = tf.contrib.layers.linear(x, 1)
        relu = tf.contrib.layers.linear(x, 1, activation_fn=tf.nn.relu, scope="relu")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_relu = sess.run([out, relu])
    np.testing.assert_allclose(got, [[-3.0]])
    np.testing.assert_allclose(got_relu, [[0.0]])
    assert [v.op.name for v in tf.trainable_variables()][:2] == [
        "fully_connected/weights", "fully_connected/biases"]


def test_app_run_parses_flags_defined_with_absl(tmp_path):
    # TF 1.x's tf.flags is absl's module, so research/gan/mnist_estimator's flags (defined with
    # `from absl import flags`) are parsed by tf.app.run.
    pytest.importorskip("absl")
    script = tmp_path / "prog.py"
    script.write_text(
        "from absl import flags\n"
        "import smallflow as tf\n"
        "flags.DEFINE_integer('n', 1, 'a number')\n"
        "tf.flags.DEFINE_string('s', 'x', 'a string')\n"
        "def main(argv):\n"
        "    print(flags.FLAGS.n, tf.flags.FLAGS.s, argv[1:])\n"
        "tf.app.run(main)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    ok = subprocess.run([sys.executable, str(script), "--n=5", "--s=y", "extra"],
                        capture_output=True, text=True, env=env, timeout=300)
    assert ok.stdout.split() == ["5", "y", "['extra']"], ok.stderr
    bad = subprocess.run([sys.executable, str(script), "--n=notint"], capture_output=True,
                         text=True, env=env, timeout=300)
    assert bad.returncode == 1
    assert "FATAL Flags parsing error: flag --n=notint" in bad.stderr
