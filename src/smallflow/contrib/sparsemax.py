"""``tf.contrib.sparsemax``: sparsemax and its loss (Martins & Astudillo, 2016).

Sparsemax is the Euclidean projection of the logits onto the probability simplex: like
softmax its rows sum to one, unlike softmax most entries are exactly zero. Built from
TensorFlow 1.15's composite (sort, cumulative sum, threshold ``tau``), so the gradients are
those of its ops; invalid rows (all ``-inf``, NaN, or an ``inf``) give NaN rows as there.
"""

__all__ = ["sparsemax", "sparsemax_loss"]


def sparsemax(logits, name=None):
    """``max(0, logits - tau)`` per row of a [batch, classes] tensor; rows sum to one."""
    import smallflow as tf

    with tf.name_scope(name, "sparsemax", [logits]):
        z = tf.convert_to_tensor(logits, name="logits")
        obs = tf.shape(z)[0]
        dims = tf.shape(z)[1]
        z_sorted, _ = tf.nn.top_k(z, k=dims)
        z_cumsum = tf.cumsum(z_sorted, axis=1)
        k = tf.range(1, tf.cast(dims, z.dtype) + 1, dtype=z.dtype)
        # The support: 1 + k z_(k) > sum_{j<=k} z_(j) holds for a prefix of the sorted row.
        k_z = tf.reduce_sum(tf.cast(1 + k * z_sorted > z_cumsum, tf.int32), axis=1)
        k_z_safe = tf.maximum(k_z, 1)
        indices = tf.stack([tf.range(0, obs), k_z_safe - 1], axis=1)
        tau_z = (tf.gather_nd(z_cumsum, indices) - 1) / tf.cast(k_z, z.dtype)
        p = tf.maximum(tf.cast(0, z.dtype), z - tau_z[:, tf.newaxis])
        invalid = tf.logical_or(tf.equal(k_z, 0), tf.is_nan(z_cumsum[:, -1]))
        return tf.where(invalid, tf.fill([obs, dims], tf.cast(float("nan"), z.dtype)), p)


def sparsemax_loss(logits, sparsemax, labels, name=None):  # noqa: A002 - TF's argument name
    """The sparsemax loss of each row, given the rows' ``sparsemax`` and target
    distributions ``labels`` (the analogue of softmax cross entropy)."""
    import smallflow as tf

    with tf.name_scope(name, "sparsemax_loss", [logits, sparsemax, labels]):
        z = tf.convert_to_tensor(logits, name="logits")
        sparsemax = tf.convert_to_tensor(sparsemax, name="sparsemax")
        labels = tf.convert_to_tensor(labels, name="labels")
        # Terms of the support only (0 * inf would be NaN outside it).
        sum_s = tf.where(tf.logical_or(sparsemax > 0, tf.is_nan(sparsemax)),
                         sparsemax * (z - 0.5 * sparsemax), tf.zeros_like(sparsemax))
        q_part = labels * (0.5 * labels - z)
        q_part_safe = tf.where(tf.logical_and(tf.equal(labels, 0), tf.is_inf(z)),
                               tf.zeros_like(z), q_part)
        return tf.reduce_sum(sum_s + q_part_safe, axis=1)
