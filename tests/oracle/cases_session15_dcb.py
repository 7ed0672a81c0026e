"""Oracle cases from session 15 (helper dcb): tf.train.experimental's loss scaling (r1.15):
DynamicLossScale's growth and back-off around a step with an infinite gradient (which is
skipped), FixedLossScale, and enable_mixed_precision_graph_rewrite on a CPU (loss scaling
only: float32 results as without it); tf.data.experimental.SqlDataset's conversions,
rejection_resample of the input's own distribution, choose_from_datasets's end.

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _dynamic_loss_scale(tf, np):
    experimental = tf.train.experimental
    scale = experimental.DynamicLossScale(initial_loss_scale=4.0, increment_period=2,
                                          multiplier=2.0)
    # The loss's factor for each run: the fourth step's gradients are infinite.
    factors = tf.data.Dataset.from_tensor_slices(
        np.array([1.0, 1.0, 1.0, np.inf, 1.0, 0.5], dtype="float32"))
    factor = tf.data.make_one_shot_iterator(factors).get_next()
    x = tf.Variable(np.array([1.0, -2.0], dtype="float32"), name="x")
    loss = tf.reduce_sum(x * x) * factor
    optimizer = experimental.MixedPrecisionLossScaleOptimizer(
        tf.train.GradientDescentOptimizer(0.1), scale)
    step = optimizer.minimize(loss)
    with tf.control_dependencies([step]):
        after = tf.identity(x.read_value())
        current = tf.identity(scale())
    return {"after_step": after, "loss_scale": current}


def _fixed_scale_rewrite(tf, np):
    experimental = tf.train.experimental
    start = np.array([[0.5, -1.5], [2.0, 0.25]], dtype="float32")
    plain_w = tf.Variable(start, name="plain")
    scaled_w = tf.Variable(start, name="scaled")
    data = tf.constant(np.array([[1.0, 2.0], [-1.0, 0.5]], dtype="float32"))
    plain = tf.train.AdamOptimizer(0.05).minimize(
        tf.reduce_mean(tf.square(tf.matmul(data, plain_w))))
    optimizer = experimental.enable_mixed_precision_graph_rewrite(
        tf.train.AdamOptimizer(0.05), loss_scale=128)
    scaled = optimizer.minimize(tf.reduce_mean(tf.square(tf.matmul(data, scaled_w))))
    experimental.disable_mixed_precision_graph_rewrite()
    fixed = experimental.FixedLossScale(3)
    with tf.control_dependencies([plain, scaled]):
        return {"plain": tf.identity(plain_w.read_value()),
                "scaled": tf.identity(scaled_w.read_value()),
                "fixed_scale": fixed()}


def _sql_dataset(tf, np):
    import os
    import sqlite3
    import tempfile

    path = os.path.join(tempfile.mkdtemp(prefix="sqlcase"), "rows.db")
    connection = sqlite3.connect(path)
    connection.execute("create table t (name text, n integer, x real)")
    connection.executemany("insert into t values (?, ?, ?)",
                           [("ann", 31, 1.75), ("7b", -70000, -2.5), (None, None, None)])
    connection.commit()
    connection.close()
    rows = tf.data.experimental.SqlDataset(
        "sqlite", path, "select name, n, x, n, name, x, n from t",
        (tf.string, tf.int32, tf.float64, tf.uint16, tf.int64, tf.int8, tf.bool))
    row = tf.data.make_one_shot_iterator(rows).get_next()
    return {f"column{index}": value for index, value in enumerate(row)}


def _resample_and_choose(tf, np):
    labels = tf.data.Dataset.from_tensor_slices(np.array([2, 0, 1, 0, 0], dtype="int64"))
    # The target equal to the initial distribution: the input, as (class, element) pairs.
    same = labels.apply(tf.data.experimental.rejection_resample(
        lambda x: x, [0.6, 0.2, 0.2], [0.6, 0.2, 0.2], seed=1))
    choices = tf.data.Dataset.from_tensor_slices(np.array([1, 0, 0], dtype="int64")).repeat()
    chosen = tf.data.experimental.choose_from_datasets(
        [tf.data.Dataset.range(2), tf.data.Dataset.range(10, 13)], choices)
    class_value, element = tf.data.make_one_shot_iterator(same).get_next()
    return {"class": class_value, "element": element,
            "chosen": tf.data.make_one_shot_iterator(chosen).get_next()}


SESSION15_DCB_CASES = [
    Case("session15_dcb/dynamic_loss_scale", _dynamic_loss_scale, init=True, runs=6,
         rtol=1e-6),
    Case("session15_dcb/fixed_scale_rewrite", _fixed_scale_rewrite, init=True, runs=3,
         rtol=1e-5, atol=1e-6),
    Case("session15_dcb/sql_dataset", _sql_dataset, runs=4),
    Case("session15_dcb/resample_and_choose", _resample_and_choose, runs=6),
]
