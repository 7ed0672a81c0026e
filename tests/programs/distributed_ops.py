"""Collectives and their gradients on every rank: ``mpirun -np N python distributed_ops.py OUT``.

Rank r feeds values that depend on r, runs allreduce (average and sum), allgather (rank r
contributes r + 1 rows), broadcast from the last rank, and the gradients of each, and writes
what it got to ``OUT/ops<r>.npz`` for the test to compare with formulas.
"""

import os
import sys

import numpy as np

import smallflow as tf
import smallflow.horovod.tensorflow as hvd


def main():
    out = sys.argv[1]
    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    x = tf.placeholder(tf.float64, [None, 3], name="x")
    averaged = hvd.allreduce(x)
    summed = hvd.allreduce(x, average=False)
    gathered = hvd.allgather(x)
    broadcast = hvd.broadcast(x, size - 1)
    ints = hvd.allreduce(tf.constant([rank * 3 + 1, 7], dtype=tf.int32))
    weights = tf.constant(np.arange(1.0, 4.0))
    grads = tf.gradients(
        [tf.reduce_sum(averaged * weights), tf.reduce_sum(gathered * weights),
         tf.reduce_sum(broadcast * weights)], [x])
    grad_gather = tf.gradients(tf.reduce_sum(gathered * weights), x)[0]
    grad_bcast = tf.gradients(tf.reduce_sum(broadcast * weights), x)[0]
    grad_avg = tf.gradients(tf.reduce_sum(averaged * weights), x)[0]
    value = np.full((rank + 1, 3), float(rank + 1)) * np.array([1.0, 10.0, 100.0])
    feed = {x: value[:1]}
    with tf.Session() as sess:
        results = sess.run({"averaged": averaged, "summed": summed, "broadcast": broadcast,
                            "ints": ints, "grad_avg": grad_avg, "grad_bcast": grad_bcast,
                            "all": grads[0]}, feed_dict=feed)
        results["gathered"], results["grad_gather"] = sess.run(
            [gathered, grad_gather], feed_dict={x: value})
    results["rank"] = rank
    results["size"] = size
    results["local_rank"] = hvd.local_rank()
    results["local_size"] = hvd.local_size()
    np.savez(os.path.join(out, f"ops{rank}.npz"), **results)


if __name__ == "__main__":
    main()
