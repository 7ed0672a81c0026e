"""Benchmark: a word2vec training step (TensorFlow's word2vec_basic sizes: 50,000 x 128
embeddings, NCE loss with 64 sampled classes, batch 128) with sparse (IndexedSlices)
gradients, with the same gradients made dense before they are applied (what smallflow did
before IndexedSlices), and hand-written NumPy updating only the rows read.

All three do the same float32 arithmetic on the same batches and the same sampled classes
(fed as ``sampled_values``), so the ratios are the cost of dense tables and the engine's
overhead. The optimizers' sparse updates are timed too (GradientDescent as in word2vec,
Adagrad, Momentum, RMSProp: only the rows read; Adam: TensorFlow 1.x's sparse Adam decays
every row of m and v, so it costs dense passes like TensorFlow's; tf.contrib.opt's LazyAdam
touches the rows read only). Ratios are measured in
turns in one run; on a busy machine read the CPU-time ratios.
Run: python benchmarks/bench_sparse_embedding.py [--steps 100] [--repeats 3]
"""

import argparse
import os
import statistics
import time

import numpy as np

import smallflow as tf

VOCAB = 50_000
DIM = 128
BATCH = 128
SAMPLED = 64
RATE = 1.0


def make_batches(steps, seed=0):
    """Random (centre word, context word, sampled classes, their expected counts) batches."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(steps):
        inputs = rng.integers(0, VOCAB, BATCH).astype(np.int32)
        labels = rng.integers(0, VOCAB, (BATCH, 1)).astype(np.int64)
        sampled = rng.choice(VOCAB, SAMPLED, replace=False).astype(np.int64)
        true_expected = np.full((BATCH, 1), 0.01, np.float32)
        sampled_expected = np.full(SAMPLED, 0.01, np.float32)
        batches.append((inputs, labels, sampled, true_expected, sampled_expected))
    return batches


def initial_tables(seed=1):
    rng = np.random.default_rng(seed)
    embeddings = rng.uniform(-1.0, 1.0, (VOCAB, DIM)).astype(np.float32)
    weights = (rng.standard_normal((VOCAB, DIM)) / np.sqrt(DIM)).astype(np.float32)
    return embeddings, weights, np.zeros(VOCAB, np.float32)


def numpy_step(tables, batch):
    """One NCE step written out by hand: forward, backward, SGD on the rows read."""
    embeddings, weights, biases = tables
    inputs, labels, sampled, true_expected, sampled_expected = batch
    embed = embeddings[inputs]
    true_ids = labels[:, 0]
    w_true, b_true = weights[true_ids], biases[true_ids]
    w_sampled, b_sampled = weights[sampled], biases[sampled]
    true_logits = (embed * w_true).sum(1) + b_true - np.log(true_expected[:, 0])
    sampled_logits = embed @ w_sampled.T + b_sampled - np.log(sampled_expected)
    # loss = mean over the batch of the logistic losses; their gradients:
    d_true = (1.0 / (1.0 + np.exp(-true_logits)) - 1.0) / BATCH
    d_sampled = 1.0 / (1.0 + np.exp(-sampled_logits)) / BATCH
    d_embed = d_true[:, None] * w_true + d_sampled @ w_sampled
    d_w_true = d_true[:, None] * embed
    d_w_sampled = d_sampled.T @ embed
    rate = np.float32(RATE)
    np.subtract.at(embeddings, inputs, rate * d_embed.astype(np.float32))
    np.subtract.at(weights, true_ids, rate * d_w_true.astype(np.float32))
    np.subtract.at(weights, sampled, rate * d_w_sampled.astype(np.float32))
    np.subtract.at(biases, true_ids, rate * d_true.astype(np.float32))
    np.subtract.at(biases, sampled, rate * d_sampled.sum(0).astype(np.float32))


def build_graph(make_optimizer, dense):
    """word2vec_basic's graph; ``dense``: the gradients are made dense before applying."""
    tf.reset_default_graph()
    embeddings, weights, biases = initial_tables()
    inputs = tf.placeholder(tf.int32, [BATCH])
    labels = tf.placeholder(tf.int64, [BATCH, 1])
    sampled = tf.placeholder(tf.int64, [SAMPLED])
    true_expected = tf.placeholder(tf.float32, [BATCH, 1])
    sampled_expected = tf.placeholder(tf.float32, [SAMPLED])
    table = tf.Variable(embeddings)
    nce_weights = tf.Variable(weights)
    nce_biases = tf.Variable(biases)
    embed = tf.nn.embedding_lookup(table, inputs)
    loss = tf.reduce_mean(tf.nn.nce_loss(
        weights=nce_weights, biases=nce_biases, labels=labels, inputs=embed,
        num_sampled=SAMPLED, num_classes=VOCAB,
        sampled_values=(sampled, true_expected, sampled_expected)))
    optimizer = make_optimizer()
    grads_and_vars = optimizer.compute_gradients(loss)
    assert all(isinstance(g, tf.IndexedSlices) for g, _ in grads_and_vars)
    if dense:
        grads_and_vars = [(tf.convert_to_tensor(g), v) for g, v in grads_and_vars]
    train = optimizer.apply_gradients(grads_and_vars)
    placeholders = (inputs, labels, sampled, true_expected, sampled_expected)
    return train, placeholders


def time_smallflow(make_optimizer, dense, batches):
    train, placeholders = build_graph(make_optimizer, dense)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, dict(zip(placeholders, batches[0])))  # plan and warm up
        start, start_cpu = time.perf_counter(), time.process_time()
        for batch in batches:
            sess.run(train, dict(zip(placeholders, batch)))
        return time.perf_counter() - start, time.process_time() - start_cpu


def time_numpy(batches):
    tables = initial_tables()
    numpy_step(tables, batches[0])
    start, start_cpu = time.perf_counter(), time.process_time()
    for batch in batches:
        numpy_step(tables, batch)
    return time.perf_counter() - start, time.process_time() - start_cpu


OPTIMIZERS = {
    "GradientDescent": lambda: tf.train.GradientDescentOptimizer(RATE),
    "Adagrad": lambda: tf.train.AdagradOptimizer(0.5),
    "Momentum": lambda: tf.train.MomentumOptimizer(0.5, 0.9),
    "RMSProp": lambda: tf.train.RMSPropOptimizer(0.01),
    "Adam": lambda: tf.train.AdamOptimizer(0.01),
    "LazyAdam": lambda: tf.contrib.opt.LazyAdamOptimizer(0.01),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="steps per timing (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="turns (default 3)")
    args = parser.parse_args()
    batches = make_batches(args.steps)
    print(f"word2vec step: vocabulary {VOCAB:,} x {DIM}, batch {BATCH}, {SAMPLED} sampled; "
          f"{args.steps} steps x {args.repeats} turns; load average "
          f"{os.getloadavg()[0]:.1f}")
    per_step = {}
    for _ in range(args.repeats):
        # In turns, so that a load change hits every variant alike.
        per_step.setdefault("numpy", []).append(time_numpy(batches))
        for name, make in OPTIMIZERS.items():
            for dense in (False, True):
                key = (name, dense)
                per_step.setdefault(key, []).append(time_smallflow(make, dense, batches))

    def median(key, which):
        return statistics.median(t[which] for t in per_step[key]) / args.steps * 1e3

    numpy_wall, numpy_cpu = median("numpy", 0), median("numpy", 1)
    print(f"{'hand NumPy (SGD, rows only)':34s} {numpy_wall:8.2f} ms wall {numpy_cpu:8.2f} ms cpu")
    print(f"{'optimizer':16s} {'sparse ms':>10s} {'dense ms':>10s} {'dense/sparse':>13s} "
          f"{'sparse/NumPy':>13s}   (cpu time)")
    for name in OPTIMIZERS:
        sparse_cpu = median((name, False), 1)
        dense_cpu = median((name, True), 1)
        print(f"{name:16s} {sparse_cpu:10.2f} {dense_cpu:10.2f} {dense_cpu / sparse_cpu:12.1f}x "
              f"{sparse_cpu / numpy_cpu:12.2f}x")


if __name__ == "__main__":
    main()
