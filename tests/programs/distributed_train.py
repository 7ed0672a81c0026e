"""A data-parallel training run for the MPI tests: ``mpirun -np N python distributed_train.py``.

Each rank builds the same MLP from its own graph seed (so initial weights differ until the
broadcast), trains on its shard of MNIST with ``DistributedOptimizer(Adam)``, and writes its
final weights to ``<out>/rank<R>.npz``. ``--fail die|raise`` makes rank 1 stop at step 5.
"""

import argparse
import os
import signal

import numpy as np

import smallflow as tf
import smallflow.distribute as hvd
from smallflow.examples.tutorials.mnist import input_data

HIDDEN = 32


def build(seed):
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y = tf.placeholder(tf.float32, [None, 10], name="y")
    w1 = tf.Variable(tf.truncated_normal([784, HIDDEN], stddev=0.1), name="w1")
    b1 = tf.Variable(tf.zeros([HIDDEN]), name="b1")
    w2 = tf.Variable(tf.truncated_normal([HIDDEN, 10], stddev=0.1), name="w2")
    b2 = tf.Variable(tf.zeros([10]), name="b2")
    hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
    logits = tf.matmul(hidden, w2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss, [w1, b1, w2, b2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--fail", choices=["die", "raise"])
    args = parser.parse_args()

    hvd.init()
    data = input_data.read_data_sets(args.data_dir, one_hot=True, seed=7,
                                     shard=(hvd.rank(), hvd.size()))
    x, y, loss, weights = build(seed=hvd.rank())
    optimizer = hvd.DistributedOptimizer(tf.train.AdamOptimizer(1e-3))
    train_op = optimizer.minimize(loss)
    init = tf.global_variables_initializer()
    bcast = hvd.broadcast_global_variables(0)
    with tf.Session() as sess:
        sess.run(init)
        sess.run(bcast)
        for step in range(args.steps):
            if args.fail and hvd.rank() == 1 and step == 5:
                if args.fail == "die":
                    os.kill(os.getpid(), signal.SIGKILL)
                raise RuntimeError("rank 1 fails on purpose at step 5")
            images, labels = data.train.next_batch(args.batch_size)
            sess.run(train_op, feed_dict={x: images, y: labels})
        values = sess.run(weights)
    np.savez(os.path.join(args.out, f"rank{hvd.rank()}.npz"), *values)


if __name__ == "__main__":
    main()
