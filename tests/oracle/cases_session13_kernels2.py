"""Oracle cases of session 13 (helper kernels2): behaviours TensorFlow's own op tests
(kernel_tests: norm, matrix_solve_ls, linalg_ops' eye, unicode_encode) showed smallflow
getting wrong, compared with TensorFlow 2.21's compat.v1 in graph mode. Only NumPy is
imported at module level, as in cases.py."""

from cases import Case

_X = [[[1 + 2j, -1j, 0.5], [2 - 1j, 1 + 1j, -3j]], [[0.25j, 1.0, 2 + 2j], [1j, -1.0, 0.5j]]]


def _complex_norms(tf, np):
    x = tf.constant(np.array(_X))
    return {"euclidean": tf.norm(x), "axis0": tf.norm(x, axis=0),
            "fro": tf.norm(x, ord="fro", axis=[1, 2]), "one": tf.norm(x, ord=1, axis=-1),
            "inf_matrix": tf.norm(x, ord=np.inf, axis=[1, 2])}


def _matrix_2_norms(tf, np):
    x = np.arange(24, dtype=np.float64).reshape(2, 3, 4) ** 1.5 - 20
    known = tf.constant(x)
    unknown = tf.placeholder(tf.float64)
    return ({"last_two": tf.norm(known, ord=2, axis=[1, 2]),
             "swapped": tf.norm(known, ord=2, axis=(2, 0), keepdims=True),
             "unknown_rank": tf.norm(unknown, ord=2, axis=[0, -1])}, {unknown: x})


_TALL = [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]
_WIDE = [[1.0, 2.0, 3.0], [2.0, -1.0, 0.5]]


def _solve_ls(tf, np):
    wide = tf.constant(np.array(_WIDE))
    unknown = tf.placeholder(tf.float64)
    rank_deficient = tf.constant(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]))
    rhs3 = tf.constant(np.array([[1.0], [2.0], [2.5]]))
    return ({"underdetermined": tf.matrix_solve_ls(wide, tf.constant([[1.0], [2.0]],
                                                                     tf.float64)),
             "underdetermined_l2": tf.matrix_solve_ls(wide, tf.constant([[1.0], [2.0]],
                                                                        tf.float64),
                                                      l2_regularizer=0.5),
             "unknown_shape": tf.matrix_solve_ls(unknown, tf.constant([[1.0], [2.0]],
                                                                      tf.float64)),
             "overdetermined_robust": tf.matrix_solve_ls(tf.constant(np.array(_TALL)), rhs3,
                                                         fast=False),
             "rank_deficient_robust": tf.matrix_solve_ls(rank_deficient, rhs3, fast=False)},
            {unknown: np.array(_WIDE)})


def _dynamic_eye(tf, np):
    rows = tf.placeholder(tf.int32, [])
    x = tf.placeholder(tf.float32, [None, 3])
    return ({"rows": tf.eye(rows), "rows_columns": tf.eye(rows, num_columns=4),
             "batched": tf.eye(tf.shape(x)[0], batch_shape=[2], dtype=tf.float64)},
            {rows: 3, x: np.zeros((2, 3), np.float32)})


def _encode_bad_replacement(tf, np):
    # The op builds; the run fails (TensorFlow's kernel checks the attr).
    return {"encoded": tf.strings.unicode_encode(tf.constant([72, -1], tf.int32), "UTF-8",
                                                 replacement_char=0x110000)}


SESSION13_KERNELS2_CASES = [
    Case("session13_kernels2/complex_norms", _complex_norms),
    Case("session13_kernels2/matrix_2_norms", _matrix_2_norms),
    Case("session13_kernels2/solve_ls", _solve_ls),
    Case("session13_kernels2/dynamic_eye", _dynamic_eye),
    Case("session13_kernels2/encode_bad_replacement", _encode_bad_replacement),
]
