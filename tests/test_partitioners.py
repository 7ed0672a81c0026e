"""tf.fixed_size_partitioner & co.: TensorFlow 1.x's partition counts (compared with
TensorFlow in tests/oracle, session9/partitioners); smallflow keeps the variable whole."""

import numpy as np
import pytest

import smallflow as tf


def test_counts_follow_the_rules():
    shape = tf.TensorShape([1000, 64])
    assert tf.fixed_size_partitioner(3)(shape, dtype=tf.float32) == [3, 1]
    assert tf.fixed_size_partitioner(5000)(shape, dtype=tf.float32) == [1000, 1]
    # 64 floats (256 bytes) a row: 3 rows fit in 1,000 bytes, so 334 parts.
    assert tf.variable_axis_size_partitioner(1000)(shape, tf.float32) == [334, 1]
    assert tf.variable_axis_size_partitioner(1000, max_shards=7)(shape, tf.float32) == [7, 1]
    # 256,000 bytes in slices of at least 1 KiB, at most 16 parts.
    assert tf.min_max_variable_partitioner(16, min_slice_size=1024)(shape, tf.float32) == \
        [16, 1]
    assert tf.min_max_variable_partitioner(400, min_slice_size=1024)(shape, tf.float32) == \
        [250, 1]


def test_bad_arguments():
    with pytest.raises(ValueError, match="must be positive"):
        tf.variable_axis_size_partitioner(0)
    with pytest.raises(ValueError, match="max_shards must be positive"):
        tf.variable_axis_size_partitioner(10, max_shards=-1)
    partition = tf.variable_axis_size_partitioner(10)
    with pytest.raises(ValueError, match="not fully defined"):
        partition(tf.TensorShape([None, 3]), tf.float32)
    with pytest.raises(ValueError, match="not a TensorShape"):
        partition([4, 3], tf.float32)
    with pytest.raises(ValueError, match="along axis 2"):
        tf.min_max_variable_partitioner(4, axis=2)(tf.TensorShape([4, 3]), tf.float32)


def test_variables_with_a_partitioner_build_and_train():
    with tf.Graph().as_default():
        with tf.variable_scope("embed", partitioner=tf.fixed_size_partitioner(4)):
            table = tf.get_variable("table", [20, 3],
                                    initializer=tf.constant_initializer(1.0))
        weights = tf.get_variable("w", [3, 1], partitioner=tf.min_max_variable_partitioner(2),
                                  initializer=tf.ones_initializer())
        loss = tf.reduce_sum(tf.matmul(tf.nn.embedding_lookup(table, [1, 2]), weights))
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        assert table.op.name == "embed/table"  # kept whole: TF would make embed/table/part_0..3
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = sess.run(loss)
            sess.run(step)
            assert sess.run(loss) < before
            np.testing.assert_array_equal(sess.run(table)[0], [1.0, 1.0, 1.0])
