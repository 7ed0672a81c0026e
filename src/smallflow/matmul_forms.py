"""Matrix products in the form this machine's BLAS runs fastest, with the same results.

NumPy hands a product to BLAS as written; for some shapes the same product written another
way (operands swapped and transposed, the result copied back) runs faster, every element
still the same dot product over the depth in the same order. NumPy only (the foundation
layer): used by the MatMul kernel (ops/matmul_ops.py) and by its split over cores
(batch_split.py).
"""

import numpy as np

__all__ = ["product_transposed_b", "turns_product"]

# When ``a @ b.T`` is computed as ``(b @ a.T).T`` (see product_transposed_b): float32, at
# most this many rows in ``a``, at least this depth and this many rows in ``b``.
_TURN_MAX_ROWS = 100
_TURN_MIN_DEPTH = 256
_TURN_MIN_COLUMNS = 512
_F32 = np.dtype(np.float32)


def turns_product(rows, depth, columns, dtype):
    """Whether the ``[rows, depth] x [depth, columns]`` product of a matrix with the
    transpose of a C-ordered ``[columns, depth]`` one runs faster turned around."""
    return (dtype == _F32 and rows <= _TURN_MAX_ROWS and depth >= _TURN_MIN_DEPTH
            and columns >= _TURN_MIN_COLUMNS and columns > rows)


def product_transposed_b(a, b, out=None):
    """``a @ b.T`` for 2-D arrays, into ``out`` (a 2-D view, may be strided) when given.

    A layer's input gradient (``grad @ w.T``, MatMul with transpose_b) has few rows (the
    batch) and a large ``w``. OpenBLAS runs that product about 20% slower than the same
    product turned around, ``w @ grad.T``, whose result is then copied back transposed
    (measured for float32 with 16-100 rows, depths 256-1,024 and 512-3,136 columns: 0.5-0.9x
    the time; the CNN's fully connected layer, [50, 1024] x [1024, 3136]: 5.4 vs 6.9 ms). Each
    element is the same dot product over the depth in the same order, so the results are the
    same bit for bit (tests/test_matmul_forms.py); float64 and other shapes were not faster
    and keep the plain call."""
    if not (type(a) is np.ndarray and type(b) is np.ndarray and a.dtype == b.dtype
            and a.shape[1] == b.shape[1]
            and turns_product(a.shape[0], a.shape[1], b.shape[0], a.dtype)):
        return np.matmul(a, b.T) if out is None else np.matmul(a, b.T, out=out)
    rows, columns = a.shape[0], b.shape[0]
    if out is None:
        out = np.empty((rows, columns), dtype=a.dtype)
    np.copyto(out, np.matmul(b, a.T).T)
    return out
