"""``tensorflow.python.ops.gen_linalg_ops``: the raw linear-algebra ops, as the public
functions (``log_matrix_determinant`` is ``tf.linalg.slogdet``)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("linalg", ""), aliases={
    "log_matrix_determinant": "linalg.slogdet",
    "matrix_logarithm": "linalg.logm",
    "matrix_square_root": "linalg.sqrtm",
})
