"""``tf.linalg``: matrix products, inverses, determinants, solves, decompositions, norms."""

from .ops.clip_ops import (  # noqa: F401
    global_norm,
)
from .ops.linalg_extra_ops import (  # noqa: F401
    eigh,
    eigvalsh,
    expm,
    logm,
    lu,
    lu_matrix_inverse,
    lu_reconstruct,
    lu_solve,
    matrix_rank,
    pinv,
    svd,
    tridiagonal_matmul,
    tridiagonal_solve,
)
from .ops.linalg_extra_ops import (
    matrix_square_root as sqrtm,
)
from .ops.linalg_ops import (  # noqa: F401
    adjoint,
    cholesky,
    cholesky_solve,
    einsum,
    eye,
    logdet,
    matrix_transpose,
    matvec,
    norm,
    normalize,
    qr,
    slogdet,
    tensordot,
    trace,
)
from .ops.linalg_ops import (
    matrix_band_part as band_part,
)
from .ops.linalg_ops import (
    matrix_determinant as det,
)
from .ops.linalg_ops import (
    matrix_diag as diag,
)
from .ops.linalg_ops import (
    matrix_diag_part as diag_part,
)
from .ops.linalg_ops import (
    matrix_inverse as inv,
)
from .ops.linalg_ops import (
    matrix_set_diag as set_diag,
)
from .ops.linalg_ops import (
    matrix_solve as solve,
)
from .ops.linalg_ops import (
    matrix_solve_ls as lstsq,
)
from .ops.linalg_ops import (
    matrix_transpose as transpose,
)
from .ops.linalg_ops import (
    matrix_triangular_solve as triangular_solve,
)
from .ops.linear_operator import (  # noqa: F401
    LinearOperator,
    LinearOperatorAdjoint,
    LinearOperatorComposition,
    LinearOperatorDiag,
    LinearOperatorFullMatrix,
    LinearOperatorIdentity,
    LinearOperatorInversion,
    LinearOperatorLowerTriangular,
    LinearOperatorScaledIdentity,
    LinearOperatorZeros,
)
from .ops.linear_operator_block import (  # noqa: F401
    LinearOperatorBlockDiag,
    LinearOperatorBlockLowerTriangular,
    LinearOperatorKronecker,
)
from .ops.linear_operator_circulant import (  # noqa: F401
    LinearOperatorCirculant,
    LinearOperatorCirculant2D,
    LinearOperatorCirculant3D,
    LinearOperatorToeplitz,
)
from .ops.linear_operator_update import (  # noqa: F401
    LinearOperatorHouseholder,
    LinearOperatorLowRankUpdate,
    LinearOperatorPermutation,
    LinearOperatorTridiag,
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
)
from .ops.selection_ops import (
    diag_part as tensor_diag_part,
)

__all__ = [
    "LinearOperatorBlockDiag",
    "LinearOperatorBlockLowerTriangular",
    "LinearOperatorCirculant",
    "LinearOperatorCirculant2D",
    "LinearOperatorCirculant3D",
    "LinearOperatorHouseholder",
    "LinearOperatorKronecker",
    "LinearOperatorLowRankUpdate",
    "LinearOperatorPermutation",
    "LinearOperatorToeplitz",
    "LinearOperatorTridiag",
    "LinearOperator",
    "LinearOperatorAdjoint",
    "LinearOperatorComposition",
    "LinearOperatorDiag",
    "LinearOperatorFullMatrix",
    "LinearOperatorIdentity",
    "LinearOperatorInversion",
    "LinearOperatorLowerTriangular",
    "LinearOperatorScaledIdentity",
    "LinearOperatorZeros",
    "adjoint",
    "band_part",
    "cholesky",
    "cholesky_solve",
    "cross",
    "det",
    "diag",
    "diag_part",
    "einsum",
    "eigh",
    "eigvalsh",
    "expm",
    "eye",
    "global_norm",
    "inv",
    "l2_normalize",
    "logdet",
    "logm",
    "lu",
    "lu_matrix_inverse",
    "lu_reconstruct",
    "lu_solve",
    "lstsq",
    "matmul",
    "matrix_rank",
    "matrix_transpose",
    "matvec",
    "norm",
    "normalize",
    "pinv",
    "qr",
    "set_diag",
    "slogdet",
    "solve",
    "sqrtm",
    "svd",
    "tensor_diag",
    "tensor_diag_part",
    "tensordot",
    "trace",
    "transpose",
    "triangular_solve",
    "tridiagonal_matmul",
    "tridiagonal_solve",
]
