"""Operators diagonalized by the discrete Fourier transform: ``LinearOperatorCirculant``
(and its block and nested-block forms ``Circulant2D``/``Circulant3D``), given by their
``spectrum``, and ``LinearOperatorToeplitz``, given by its first column and row.

A circulant operator is ``F^H diag(spectrum) F`` with ``F`` the (1, 2 or 3 dimensional)
DFT, so it multiplies and solves with FFTs (``O(N log N)``) and its determinant is the
product of the spectrum. Inputs and outputs have ``input_output_dtype``; a real dtype takes
the real part of the complex result, as TensorFlow does.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor
from ..tensor_shape import TensorShape
from . import array_ops, math_ops
from .complex_ops import conj, real
from .fft_ops import fft, fft2d, fft3d, ifft, ifft2d, ifft3d
from .linear_operator import LinearOperator, _adjoint
from .linear_operator_block import _reshape_last, broadcast_matrices, static_batch_shape

__all__ = ["LinearOperatorCirculant", "LinearOperatorCirculant2D",
           "LinearOperatorCirculant3D", "LinearOperatorToeplitz"]

_FFT = {1: fft, 2: fft2d, 3: fft3d}
_IFFT = {1: ifft, 2: ifft2d, 3: ifft3d}
_SPECTRUM_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64,
                    dtypes.complex128)


def _to_complex(x):
    if x.dtype.is_complex:
        return x
    return math_ops.cast(x, dtypes.complex128 if x.dtype == dtypes.float64
                         else dtypes.complex64)


class _BaseLinearOperatorCirculant(LinearOperator):
    """The operator of a spectrum over the last ``block_depth`` dimensions."""

    def __init__(self, spectrum, block_depth, input_output_dtype=dtypes.complex64,
                 is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name="LinearOperatorCirculant"):
        if block_depth not in (1, 2, 3):
            raise ValueError(f"block_depth must be one of [1, 2, 3], got {block_depth}")
        self._block_depth = block_depth
        self._spectrum = convert_to_tensor(spectrum, name="spectrum")
        if self._spectrum.dtype.base_dtype not in _SPECTRUM_DTYPES:
            raise TypeError(f"Argument spectrum must have dtype in "
                            f"{[d.name for d in _SPECTRUM_DTYPES]}.  Found: "
                            f"{self._spectrum.dtype.name}")
        ndims = self._spectrum.shape.ndims
        if ndims is not None and ndims < block_depth:
            raise ValueError(f"Argument spectrum must have at least {block_depth} "
                             f"dimensions.  Found: {self._spectrum}")
        block = self._spectrum.shape[-block_depth:] if ndims is not None else None
        if block is None or not block.is_fully_defined():
            raise ValueError(f"{name}: the last {block_depth} dimensions of spectrum must "
                             f"be statically known, got {self._spectrum.shape}")
        self._block_shape = TensorShape(block)
        if not self._spectrum.dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError("A real spectrum always corresponds to a self-adjoint "
                                 "operator.")
            is_self_adjoint = True
        if is_square is False:
            raise ValueError("A [[nested] block] circulant operator is always square.")
        super().__init__(input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    # -- properties -------------------------------------------------------------------------

    @property
    def spectrum(self):
        return self._spectrum

    @property
    def block_depth(self):
        return self._block_depth

    @property
    def block_shape(self):
        return self._block_shape

    def block_shape_tensor(self):
        return convert_to_tensor(np.array(self._block_shape.as_list(), np.int32))

    def _size(self):
        return int(np.prod(self._block_shape.as_list()))

    def _axes(self):
        return [-(i + 1) for i in range(self._block_depth)]

    def _shape(self):
        batch = self._spectrum.shape[:-self._block_depth]
        return batch.concatenate([self._size(), self._size()])

    def convolution_kernel(self, name="convolution_kernel"):
        """The kernel whose DFT is the spectrum, in the operator's dtype."""
        from ..graph import name_scope

        with name_scope(f"{self._name}/{name}"):
            kernel = _IFFT[self._block_depth](_to_complex(self._spectrum))
            return math_ops.cast(kernel, self.dtype)

    def assert_hermitian_spectrum(self, name="assert_hermitian_spectrum"):
        """An op failing unless the spectrum is Hermitian (a real convolution kernel)."""
        from ..graph import name_scope
        from .debug_ops import assert_less_equal

        with name_scope(f"{self._name}/{name}"):
            kernel = _IFFT[self._block_depth](_to_complex(self._spectrum))
            size = math_ops.abs(kernel)
            imag_part = math_ops.abs(kernel - math_ops.cast(real(kernel), kernel.dtype))
            eps = np.finfo(self._spectrum.dtype.real_dtype.as_numpy_dtype).eps
            bound = 10.0 * eps * math_ops.reduce_max(size) + eps
            return assert_less_equal(imag_part, math_ops.cast(bound, imag_part.dtype),
                                     message="Spectrum was not Hermitian")

    # -- FFT products ----------------------------------------------------------------------------

    def _apply(self, x, spectrum, divide):
        """``ifft(spectrum * fft(x))`` (or a division), column by column of ``x``."""
        depth = self._block_depth
        x = math_ops.cast(x, spectrum.dtype)
        # The columns of x as rows shaped like the spectrum's blocks: [..., R, b0(, b1, b2)].
        rows = _reshape_last(_adjoint_plain(x), 1, self._block_shape.as_list())
        spec = array_ops.expand_dims(spectrum, -depth - 1)  # [..., 1, b0(, b1, b2)]
        transformed = _FFT[depth](rows)
        product = transformed / spec if divide else spec * transformed
        out = _reshape_last(_IFFT[depth](product), depth, [self._size()])
        return math_ops.cast(_adjoint_plain(out), self.dtype)

    def _spectrum_for(self, adjoint):
        spectrum = _to_complex(self._spectrum)
        return conj(spectrum) if adjoint else spectrum

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        return self._apply(x, self._spectrum_for(adjoint), False)

    def _solve(self, rhs, adjoint):
        return self._apply(rhs, self._spectrum_for(adjoint), True)

    def _to_dense(self):
        from .linalg_ops import eye

        return self._matmul(eye(self._size(), dtype=self.dtype), False, False)

    def _determinant(self):
        return math_ops.cast(math_ops.reduce_prod(self._spectrum, self._axes()), self.dtype)

    def _log_abs_determinant(self):
        return math_ops.cast(math_ops.reduce_sum(math_ops.log(math_ops.abs(self._spectrum)),
                                                 self._axes()), self.dtype)

    def _trace(self):
        spectrum = self._spectrum
        total_real = math_ops.reduce_sum(real(spectrum), self._axes())
        if not self.dtype.is_complex or self.is_self_adjoint or not spectrum.dtype.is_complex:
            return math_ops.cast(total_real, self.dtype)
        return math_ops.cast(math_ops.reduce_sum(spectrum, self._axes()), self.dtype)

    def _diag_part(self):
        value = self.trace() / math_ops.cast(float(self._size()), self.dtype)
        return array_ops.expand_dims(value, -1) * array_ops.ones([self._size()],
                                                                 dtype=self.dtype)

    def _singular_values(self):
        return math_ops.abs(_reshape_last(self._spectrum, self._block_depth, [self._size()]))

    def _with_spectrum(self, spectrum, **hints):
        return type(self)(spectrum, input_output_dtype=self.dtype, **hints)

    def adjoint(self, name="adjoint"):
        if self.is_self_adjoint:
            return self
        return self._with_spectrum(conj(self._spectrum),
                                   is_non_singular=self.is_non_singular,
                                   is_self_adjoint=self.is_self_adjoint,
                                   is_positive_definite=self.is_positive_definite)

    def inverse(self, name="inverse"):
        super().inverse()
        return self._with_spectrum(1.0 / self._spectrum,
                                   is_non_singular=self.is_non_singular,
                                   is_self_adjoint=self.is_self_adjoint,
                                   is_positive_definite=self.is_positive_definite)


def _adjoint_plain(x):
    from .linalg_ops import matrix_transpose

    return matrix_transpose(x)


class LinearOperatorCirculant(_BaseLinearOperatorCirculant):
    """A circulant matrix ``F^H diag(spectrum) F``, ``spectrum`` of shape ``[..., N]``."""

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant"):
        super().__init__(spectrum, 1, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorCirculant2D(_BaseLinearOperatorCirculant):
    """A block circulant matrix with circulant blocks, ``spectrum`` ``[..., N0, N1]``."""

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant2D"):
        super().__init__(spectrum, 2, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorCirculant3D(_BaseLinearOperatorCirculant):
    """Nested block circulant, ``spectrum`` ``[..., N0, N1, N2]``."""

    def __init__(self, spectrum, input_output_dtype=dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant3D"):
        super().__init__(spectrum, 3, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column ``col`` and first row ``row`` (``row[0]`` is
    ignored: the diagonal is ``col[0]``)."""

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorToeplitz"):
        self._row = convert_to_tensor(row, name="row")
        self._col = convert_to_tensor(col, dtype=self._row.dtype, name="col")
        for arg_name, arg in (("row", self._row), ("col", self._col)):
            if arg.shape.ndims is not None and arg.shape.ndims < 1:
                raise ValueError(f"Argument {arg_name} must have at least 1 dimension.  "
                                 f"Found: {arg}")
        size = self._row.shape[-1].value
        if size is None or self._col.shape[-1].value not in (None, size):
            raise ValueError(f"row and col must have the same statically known last "
                             f"dimension, got {self._row.shape} and {self._col.shape}")
        self._n = size
        if is_square is False:
            raise ValueError("Only square Toeplitz operators currently supported.")
        super().__init__(self._row.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    @property
    def row(self):
        return self._row

    @property
    def col(self):
        return self._col

    def _shape(self):
        batch = static_batch_shape([self._row.shape[:-1], self._col.shape[:-1]])
        return batch.concatenate([self._n, self._n])

    def _to_dense(self):
        n = self._n
        row, col = broadcast_matrices([array_ops.expand_dims(self._row, -1),
                                       array_ops.expand_dims(self._col, -1)])
        row = array_ops.squeeze(row, [-1])
        col = array_ops.squeeze(col, [-1])
        values = array_ops.concat([array_ops.reverse(row[..., 1:], [-1]), col], -1)
        # entry (i, j) is values[n - 1 + i - j]
        index = (n - 1 + np.arange(n)[:, None] - np.arange(n)[None, :]).astype(np.int32)
        axis = (values.shape.ndims or 1) - 1
        return array_ops.gather(values, index, axis=axis)

    def _diag_part(self):
        return self._col[..., :1] * array_ops.ones_like(self._row)

    def _trace(self):
        return math_ops.reduce_sum(self._diag_part(), -1)

