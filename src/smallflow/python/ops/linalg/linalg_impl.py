"""``tensorflow.python.ops.linalg.linalg_impl``: the Python-defined ``tf.linalg`` functions
(``matrix_exponential`` is ``tf.linalg.expm``, ``logdet``, ``tridiagonal_solve``...)."""

from ..._public import public_getattr

__getattr__ = public_getattr(__name__, ("linalg",), aliases={
    "matrix_exponential": "linalg.expm",
})
