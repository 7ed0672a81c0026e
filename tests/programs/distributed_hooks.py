"""``tf.train.MonitoredTrainingSession`` with Horovod's hook on every rank: ``... OUT``.

Each rank starts from different random weights (its own graph seed); the broadcast hook
must make them equal before the first step, and averaged gradients keep them equal. Each
rank writes its weights after every step to ``OUT/hooks<rank>.npy``.
"""

import os
import sys

import numpy as np

import smallflow as tf
import smallflow.horovod.tensorflow as hvd


def main():
    out = sys.argv[1]
    hvd.init()
    tf.set_random_seed(hvd.rank())
    w = tf.Variable(tf.random_normal([3]), name="w")
    target = tf.constant([1.0, -1.0, 2.0]) * tf.cast(hvd.rank() + 1, tf.float32)
    loss = tf.reduce_sum(tf.square(w - target))
    optimizer = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1))
    train_op = optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
    hooks = [hvd.BroadcastGlobalVariablesHook(0), tf.train.StopAtStepHook(last_step=5)]
    history = []
    with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:
        while not sess.should_stop():
            history.append(sess.run([train_op, w])[1])
    np.save(os.path.join(out, f"hooks{hvd.rank()}.npy"), np.array(history))


if __name__ == "__main__":
    main()
