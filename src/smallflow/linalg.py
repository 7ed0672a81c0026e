"""``tf.linalg``: matrix products, inverses, determinants, solves, decompositions, norms."""

from .ops.clip_ops import (  # noqa: F401
    global_norm,
)
from .ops.linalg_ops import (  # noqa: F401
    cholesky,
    cholesky_solve,
    einsum,
    eye,
    logdet,
    matrix_band_part as band_part,
    matrix_determinant as det,
    matrix_diag as diag,
    matrix_diag_part as diag_part,
    matrix_inverse as inv,
    matrix_set_diag as set_diag,
    matrix_solve as solve,
    matrix_solve_ls as lstsq,
    matrix_transpose as adjoint,
    matrix_transpose,
    matrix_transpose as transpose,
    matrix_triangular_solve as triangular_solve,
    matvec,
    norm,
    normalize,
    qr,
    slogdet,
    tensordot,
    trace,
)
from .ops.math_extra_ops import (  # noqa: F401
    cross,
)
from .ops.matmul_ops import (  # noqa: F401
    matmul,
)
from .ops.nn_extra_ops import (  # noqa: F401
    l2_normalize,
)
from .ops.selection_ops import (  # noqa: F401
    diag as tensor_diag,
    diag_part as tensor_diag_part,
)

__all__ = [
    "adjoint",
    "band_part",
    "cholesky",
    "cholesky_solve",
    "cross",
    "det",
    "diag",
    "diag_part",
    "einsum",
    "eye",
    "global_norm",
    "inv",
    "l2_normalize",
    "logdet",
    "lstsq",
    "matmul",
    "matrix_transpose",
    "matvec",
    "norm",
    "normalize",
    "qr",
    "set_diag",
    "slogdet",
    "solve",
    "tensor_diag",
    "tensor_diag_part",
    "tensordot",
    "trace",
    "transpose",
    "triangular_solve",
]
