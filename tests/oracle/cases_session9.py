"""Oracle cases of session 9's lead: names TF1 programs use that smallflow lacked
(``tf.nn.max_pool_with_argmax``...).

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case


def _pool_input(np, dtype="float32"):
    values = (np.arange(2 * 5 * 6 * 3) * 7 % 11 - 5).reshape(2, 5, 6, 3).astype(dtype)
    if dtype == "float32":
        values[0, 0, 0, 0] = np.nan  # a NaN first in its window stays
        values[1, 0:2, 0:2, 1] = -np.inf  # a window of -inf: its first element
        values[1, 3, 3, 2] = np.nan  # a NaN later in a window never wins
    return values


def _max_pool_with_argmax(k, s, padding, include_batch, targmax=None, dtype="float32"):
    def build(tf, np):
        x = tf.constant(_pool_input(np, dtype))
        kwargs = {"include_batch_in_index": include_batch}
        if targmax is not None:
            kwargs["Targmax"] = getattr(tf, targmax)
        out, argmax = tf.nn.max_pool_with_argmax(x, [1, k, k, 1], [1, s, s, 1], padding,
                                                 **kwargs)
        fetches = {"output": out, "argmax": argmax}
        if dtype == "float32":
            weights = np.arange(int(np.prod(out.shape.as_list()))).reshape(
                out.shape.as_list()).astype("float32")
            fetches["gradient"] = tf.gradients(tf.reduce_sum(out * weights), x)[0]
        return fetches

    return build


SESSION9_CASES = [
    Case("session9/max_pool_with_argmax_same_2x2", _max_pool_with_argmax(2, 2, "SAME", False)),
    Case("session9/max_pool_with_argmax_valid_3x3_s2_batch_index",
         _max_pool_with_argmax(3, 2, "VALID", True)),
    Case("session9/max_pool_with_argmax_same_overlapping_int32",
         _max_pool_with_argmax(2, 1, "SAME", False, "int32")),
    Case("session9/max_pool_with_argmax_int_input",
         _max_pool_with_argmax(3, 2, "SAME", True, dtype="int32")),
]
