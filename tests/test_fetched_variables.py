"""A fetched variable gives its value at the end of the run, as TF1's reference fetches do.

TensorFlow 1.x returns the variable's buffer for a fetch of the variable, its ``value()``,
``read_value()`` or an ``identity`` of it; updates later in the run (or by another thread
while the run waits) change that buffer in place, so ``sess.run([train_op, global_step])``
prints the incremented step. A value computed from the variable (``w + 0``) is taken when its
op runs. The expected numbers below are TensorFlow 2.21 compat.v1's for the same program.
"""

import threading

import numpy as np

import smallflow as tf


def test_fetches_of_a_variable_updated_in_the_same_run_see_the_update():
    with tf.Graph().as_default():
        w = tf.Variable(0.0, name="w")
        step = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.5).minimize((w - 2.0) ** 2,
                                                               global_step=step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = [sess.run([train, step, w, w.value(), w.read_value(), tf.identity(w),
                             w + 0, step.value()])[1:] for _ in range(3)]
    assert got == [[1, 2.0, 2.0, 2.0, 2.0, 0.0, 1],
                   [2, 2.0, 2.0, 2.0, 2.0, 2.0, 2],
                   [3, 2.0, 2.0, 2.0, 2.0, 2.0, 3]]


def test_an_assignment_that_changes_the_shape_leaves_the_fetched_value_as_read():
    with tf.Graph().as_default():
        a = tf.Variable([1.0, 2.0])
        same = a.assign([5.0, 6.0])
        wider = tf.assign(a, [7.0, 8.0, 9.0], validate_shape=False)
        with tf.Session() as sess:
            sess.run(a.initializer)
            first = sess.run([same, a])
            second = sess.run([wider, a])
    np.testing.assert_array_equal(first[1], [5.0, 6.0])
    np.testing.assert_array_equal(second[0], [7.0, 8.0, 9.0])
    np.testing.assert_array_equal(second[1], [5.0, 6.0])


def test_a_fetched_variable_is_read_after_the_run_waited_for_another_thread():
    with tf.Graph().as_default():
        v = tf.Variable(0, name="v")
        bump = v.assign_add(10)
        queue = tf.FIFOQueue(1, tf.int32, shapes=[[]])
        take = queue.dequeue()
        put = queue.enqueue(1)
        with tf.Session() as sess:
            sess.run(v.initializer)

            def later():
                sess.run(bump)
                sess.run(put)

            thread = threading.Thread(target=later)
            thread.start()
            token, value = sess.run([take, v])
            thread.join()
    assert (token, value) == (1, 10)


def test_fetched_values_are_copies_the_next_run_does_not_change():
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0])
        bump = v.assign_add([1.0, 1.0])
        with tf.Session() as sess:
            sess.run(v.initializer)
            _, kept = sess.run([bump, v])
            sess.run(bump)
            np.testing.assert_array_equal(kept, [2.0, 3.0])
            np.testing.assert_array_equal(sess.run(v), [3.0, 4.0])
