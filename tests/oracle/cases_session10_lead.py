"""Oracle cases of session 10's lead: conditional accumulators, and fetched variables that
give their value at the end of the run (TF1's reference fetches).

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _accumulator(tf, np):
    acc = tf.ConditionalAccumulator(tf.float32, shape=[2], shared_name="acc")
    grads = [tf.constant([1.0, 2.0]), tf.constant([3.0, 5.0]), tf.constant([9.0, 9.0])]
    reset = acc.set_global_step(0)
    with tf.control_dependencies([reset]):
        first = acc.apply_grad(grads[0])
    with tf.control_dependencies([first]):
        second = acc.apply_grad(grads[1])
    with tf.control_dependencies([second]):
        count = acc.num_accumulated()
    with tf.control_dependencies([count]):
        mean = acc.take_grad(2)
    with tf.control_dependencies([mean]):
        stale = acc.apply_grad(grads[2], local_step=0)  # the step is 1 now: dropped
    with tf.control_dependencies([stale]):
        after_stale = acc.num_accumulated()
    with tf.control_dependencies([after_stale]):
        ahead = acc.apply_grad(grads[2], local_step=7)
    with tf.control_dependencies([ahead]):
        one = acc.take_grad(1)
    return {"count": count, "mean": mean, "after_stale": after_stale, "one": one}


def _fetched_variables(tf, np):
    w = tf.Variable(0.0, name="w")
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.5).minimize((w - 2.0) ** 2, global_step=step)
    with tf.control_dependencies([train]):
        done = tf.constant(0)
    # The variables themselves are reference tensors (int64_ref in TensorFlow's listing):
    # their reads stand for them.
    return {"done": done, "w_value": w.value(), "w_read": w.read_value(),
            "w_identity": tf.identity(w), "step_value": step.value()}


SESSION10_LEAD_CASES = [
    Case("session10/conditional_accumulator", _accumulator, runs=2),
    Case("session10/fetched_variables_at_the_end_of_the_run", _fetched_variables, init=True,
         runs=3),
]
