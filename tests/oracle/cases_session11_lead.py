"""Oracle cases of session 11's lead: tf.sets, tf.switch_case, the tf.manip/tf.queue/tf.dtypes
names.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _sparse(prefix, value):
    return {f"{prefix}_indices": value.indices, f"{prefix}_values": value.values,
            f"{prefix}_shape": value.dense_shape}


def _sets(tf, np):
    a = np.array([[[1, 2, 2], [3, 4, 5]], [[7, 7, 9], [1, 1, 1]]], dtype=np.int32)
    b = np.array([[[2, 3, 1], [5, 6, 5]], [[8, 7, 0], [2, 3, 4]]], dtype=np.int32)
    sa = tf.SparseTensor(indices=[[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 1, 2]],
                         values=[4, 2, 5, 9], dense_shape=[2, 2, 3])
    sb = tf.SparseTensor(indices=[[0, 0, 0], [1, 1, 0], [1, 1, 1]], values=[2, 9, 1],
                         dense_shape=[2, 2, 4])
    out = {}
    out.update(_sparse("inter", tf.sets.set_intersection(a, b)))
    out.update(_sparse("union", tf.sets.union(a, b)))
    out.update(_sparse("a_minus_b", tf.sets.set_difference(a, b)))
    out.update(_sparse("b_minus_a", tf.sets.difference(a, b, aminusb=False)))
    out.update(_sparse("dense_sparse", tf.sets.intersection(a, sb)))
    out.update(_sparse("sparse_dense_flipped", tf.sets.difference(sa, b)))
    out.update(_sparse("sparse_sparse", tf.sets.set_union(sa, sb)))
    out["size"] = tf.sets.set_size(sa)
    out["size_of_union"] = tf.sets.size(tf.sets.union(a, b))
    return out


def _string_sets(tf, np):
    first = tf.constant([["a", "b", "c"], ["b", "b", "d"]])
    second = tf.constant([["c", "a", "z"], ["d", "e", "f"]])
    out = _sparse("inter", tf.sets.intersection(first, second))
    out.update(_sparse("union", tf.sets.union(first, second)))
    return out


def _switch_case(tf, np):
    out = {}
    for index in (-1, 0, 1, 2, 7):
        i = tf.constant(index)
        out[f"list_{index}"] = tf.switch_case(
            i, [lambda: tf.constant(10), lambda: tf.constant(20), lambda: tf.constant(30)])
        out[f"dict_{index}"] = tf.switch_case(
            i, {0: lambda: tf.constant(1.5), 1: lambda: tf.constant(2.5)},
            default=lambda: tf.constant(-1.0))
    return out


def _namespaces(tf, np):
    x = tf.constant([[1.6, -2.4], [3.5, 4.0]])
    return {"roll": tf.manip.roll(x, shift=1, axis=1), "tile": tf.manip.tile(x, [1, 2]),
            "cast": tf.dtypes.cast(x, tf.int32),
            "saturate": tf.dtypes.saturate_cast(x * 100, tf.int8),
            "string": tf.dtypes.as_string(tf.constant([1, 22])),
            "complex": tf.dtypes.complex(x, x)}


SESSION11_LEAD_CASES = [
    Case("session11/sets_dense_and_sparse", _sets),
    Case("session11/sets_of_strings", _string_sets),
    Case("session11/switch_case", _switch_case),
    Case("session11/manip_and_dtypes_names", _namespaces),
]
