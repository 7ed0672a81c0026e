"""Session 10 sweep H (TensorFlow's r1 guide and tutorials, snippet by snippet): what the
guide's snippets showed smallflow doing differently from TensorFlow, as specifications.
TensorFlow's own answers for the same snippets are in tests/oracle/cases_session10_swH.py."""

import pytest

import smallflow as tf

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"

# -- device placement (guide "Graphs and Sessions", "Using GPUs") ---------------------------


@pytest.mark.parametrize("soft", [False, True])
def test_a_local_session_has_no_ps_job_even_with_soft_placement(soft):
    # graphs.md: variables pinned to "/job:ps/task:0" cannot run in a local session.
    with tf.device("/job:ps/task:0"):
        weights = tf.Variable(tf.zeros([3]), name="weights")
    config = tf.ConfigProto(allow_soft_placement=soft)
    with tf.Session(config=config) as sess, pytest.raises(tf.errors.InvalidArgumentError) as err:
        sess.run(weights.initializer)
    assert "explicitly assigned to /job:ps/task:0 but available devices are" in str(err.value)


def test_the_whole_graph_is_placed_so_an_unrun_pinned_op_fails_every_run():
    # TensorFlow places every op of the graph at the first run, not only the ops needed.
    with tf.device("/device:GPU:0"):
        tf.square(tf.constant(2.0), name="on_gpu")
    three = tf.constant(3.0, name="three")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="operation on_gpu: "):
        sess.run(three)


def _placement_lines(text):
    return [line for line in text.splitlines() if line.endswith(CPU)]


def test_log_device_placement_prints_the_whole_graph_generators_last_and_again_on_growth(capsys):
    a = tf.constant([1.0, 2.0], name="a")
    v = tf.Variable([3.0, 4.0], name="v")
    s = tf.add(a, v, name="s")
    t = tf.multiply(s, 2.0, name="t")
    tf.square(a, name="unrelated")
    sess = tf.Session(config=tf.ConfigProto(log_device_placement=True))
    sess.run(v.initializer)
    first = _placement_lines(capsys.readouterr().out)
    # What TensorFlow prints: ops with inputs (and variables) in creation order, then the
    # "generators" (constants, placeholders), which its placer puts with their consumers.
    expected = ["v: (VariableV2)", "v/Assign: (Assign)", "v/read: (Identity)", "s: (Add)",
                "t: (Mul)", "unrelated: (Square)", "a: (Const)", "v/initial_value: (Const)",
                "t/y: (Const)"]
    assert first == [f"{line}: {CPU}" for line in expected]
    sess.run(t)
    assert _placement_lines(capsys.readouterr().out) == []  # the graph has not changed
    tf.negative(t, name="u")
    sess.run(t)
    again = _placement_lines(capsys.readouterr().out)
    assert again == [f"{line}: {CPU}" for line in expected[:6] + ["u: (Neg)"] + expected[6:]]
    sess.close()
