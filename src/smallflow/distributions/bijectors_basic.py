"""TensorFlow 1.15's elementwise and structural bijectors: Identity, Exp, PowerTransform,
Softplus, Sigmoid, Softsign, Square, AbsoluteValue, Gumbel, AffineScalar, Affine,
AffineLinearOperator, Inline, Invert, Chain, Permute, Reshape and SoftmaxCentered."""

import numpy as np

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, name_scope
from ..ops import array_ops, linalg_ops, math_ops, nn_ops
from ..tensor_shape import TensorShape
from .bijector import Bijector

__all__ = ["AbsoluteValue", "Affine", "AffineLinearOperator", "AffineScalar", "Chain", "Exp",
           "Gumbel", "Identity", "Inline", "Invert", "Permute", "PowerTransform", "Reshape",
           "Sigmoid", "SoftmaxCentered", "Softplus", "Softsign", "Square"]


def _tensor(value, name, dtype=None):
    if value is None:
        return None
    return convert_to_tensor(value, name=name, dtype=dtype)


class Identity(Bijector):
    """``y = x``."""

    def __init__(self, validate_args=False, name="identity"):
        super().__init__(forward_min_event_ndims=0, is_constant_jacobian=True,
                         validate_args=validate_args, name=name)

    def _forward(self, x):
        return x

    def _inverse(self, y):
        return y

    def _inverse_log_det_jacobian(self, y):
        return array_ops.constant(0.0, dtype=y.dtype)

    def _forward_log_det_jacobian(self, x):
        return array_ops.constant(0.0, dtype=x.dtype)


class PowerTransform(Bijector):
    """``y = (1 + x c)**(1 / c)`` for ``power`` c > 0, ``exp(x)`` for c = 0."""

    def __init__(self, power=0.0, validate_args=False, name="power_transform"):
        if not isinstance(power, (int, float)) or power < 0:
            raise ValueError("`power` must be a non-negative Python number (got "
                             f"{power!r})")
        self._power = float(power)
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args, name=name)

    power = property(lambda self: self._power)

    def _forward(self, x):
        if self._power == 0.0:
            return math_ops.exp(x)
        return math_ops.exp(math_ops.log1p(x * self._power) / self._power)

    def _inverse(self, y):
        if self._power == 0.0:
            return math_ops.log(y)
        return (math_ops.exp(math_ops.log(y) * self._power) - 1.0) / self._power

    def _inverse_log_det_jacobian(self, y):
        return (self._power - 1.0) * math_ops.log(y)

    def _forward_log_det_jacobian(self, x):
        if self._power == 0.0:
            return x
        return (1.0 / self._power - 1.0) * math_ops.log1p(x * self._power)


class Exp(PowerTransform):
    """``y = exp(x)``."""

    def __init__(self, validate_args=False, name="exp"):
        super().__init__(power=0.0, validate_args=validate_args, name=name)


class Softplus(Bijector):
    """``y = c log(1 + exp(x / c))`` with ``hinge_softness`` c (1 by default)."""

    def __init__(self, hinge_softness=None, validate_args=False, name="softplus"):
        self._hinge_softness = _tensor(hinge_softness, "hinge_softness")
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args, name=name)

    hinge_softness = property(lambda self: self._hinge_softness)

    def _forward(self, x):
        if self._hinge_softness is None:
            return nn_ops.softplus(x)
        c = math_ops.cast(self._hinge_softness, x.dtype)
        return c * nn_ops.softplus(x / c)

    def _inverse(self, y):
        from .util import softplus_inverse

        if self._hinge_softness is None:
            return softplus_inverse(y)
        c = math_ops.cast(self._hinge_softness, y.dtype)
        return c * softplus_inverse(y / c)

    def _inverse_log_det_jacobian(self, y):
        # dx/dy = 1 / (1 - exp(-y / c))
        if self._hinge_softness is not None:
            y = y / math_ops.cast(self._hinge_softness, y.dtype)
        from ..ops import special_math_ops

        return -math_ops.log(-special_math_ops.expm1(-y))

    def _forward_log_det_jacobian(self, x):
        if self._hinge_softness is not None:
            x = x / math_ops.cast(self._hinge_softness, x.dtype)
        return -nn_ops.softplus(-x)


class Sigmoid(Bijector):
    """``y = 1 / (1 + exp(-x))``."""

    def __init__(self, validate_args=False, name="sigmoid"):
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args, name=name)

    def _forward(self, x):
        return math_ops.sigmoid(x)

    def _inverse(self, y):
        return math_ops.log(y) - math_ops.log1p(-y)

    def _inverse_log_det_jacobian(self, y):
        return -math_ops.log(y) - math_ops.log1p(-y)

    def _forward_log_det_jacobian(self, x):
        return -nn_ops.softplus(-x) - nn_ops.softplus(x)


class Softsign(Bijector):
    """``y = x / (1 + |x|)``."""

    def __init__(self, validate_args=False, name="softsign"):
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args, name=name)

    def _forward(self, x):
        return x / (1.0 + math_ops.abs(x))

    def _inverse(self, y):
        return y / (1.0 - math_ops.abs(y))

    def _forward_log_det_jacobian(self, x):
        return -2.0 * math_ops.log1p(math_ops.abs(x))

    def _inverse_log_det_jacobian(self, y):
        return -2.0 * math_ops.log1p(-math_ops.abs(y))


class Square(Bijector):
    """``y = x**2`` on ``x >= 0``."""

    def __init__(self, validate_args=False, name="square"):
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args, name=name)

    def _forward(self, x):
        return math_ops.square(x)

    def _inverse(self, y):
        return math_ops.sqrt(y)

    def _forward_log_det_jacobian(self, x):
        return np.log(2.0).astype(x.dtype.as_numpy_dtype) + math_ops.log(x)


class AbsoluteValue(Bijector):
    """``y = |x|``, inverted to the non-negative branch (not injective: as TensorFlow, the
    log-det-Jacobian is 0)."""

    _is_injective = False

    def __init__(self, validate_args=False, name="absolute_value"):
        super().__init__(forward_min_event_ndims=0, is_constant_jacobian=True,
                         validate_args=validate_args, name=name)

    def _forward(self, x):
        return math_ops.abs(x)

    def _inverse(self, y):
        return y

    def _inverse_log_det_jacobian(self, y):
        return array_ops.zeros_like(y)


class Gumbel(Bijector):
    """``y = exp(-exp(-(x - loc) / scale))``, the Gumbel CDF."""

    def __init__(self, loc=0.0, scale=1.0, validate_args=False, name="gumbel"):
        with name_scope(name):
            self._loc = convert_to_tensor(loc, name="loc")
            self._scale = convert_to_tensor(scale, name="scale", dtype=self._loc.dtype)
        super().__init__(graph_parents=[self._loc, self._scale], forward_min_event_ndims=0,
                         validate_args=validate_args, name=name)

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _forward(self, x):
        return math_ops.exp(-math_ops.exp(-(x - self._loc) / self._scale))

    def _inverse(self, y):
        return self._loc - self._scale * math_ops.log(-math_ops.log(y))

    def _inverse_log_det_jacobian(self, y):
        return math_ops.log(self._scale / (-math_ops.log(y) * y))

    def _forward_log_det_jacobian(self, x):
        z = (x - self._loc) / self._scale
        return -z - math_ops.exp(-z) - math_ops.log(self._scale)


class AffineScalar(Bijector):
    """``y = scale * x + shift`` with scalar (or broadcasting) ``shift`` and ``scale``."""

    def __init__(self, shift=None, scale=None, validate_args=False, name="affine_scalar"):
        with name_scope(name):
            self._shift = _tensor(shift, "shift")
            dtype = self._shift.dtype if self._shift is not None else None
            self._scale = _tensor(scale, "scale", dtype)
        kinds = [t.dtype for t in (self._shift, self._scale) if t is not None]
        super().__init__(graph_parents=[t for t in (self._shift, self._scale) if t is not None],
                         forward_min_event_ndims=0, is_constant_jacobian=True,
                         validate_args=validate_args, dtype=kinds[0] if kinds else None,
                         name=name)

    shift = property(lambda self: self._shift)
    scale = property(lambda self: self._scale)

    def _forward(self, x):
        y = array_ops.identity(x)
        if self._scale is not None:
            y = y * self._scale
        if self._shift is not None:
            y = y + self._shift
        return y

    def _inverse(self, y):
        x = array_ops.identity(y)
        if self._shift is not None:
            x = x - self._shift
        if self._scale is not None:
            x = x / self._scale
        return x

    def _forward_log_det_jacobian(self, x):
        if self._scale is None:
            return array_ops.constant(0.0, dtype=x.dtype)
        return math_ops.log(math_ops.abs(self._scale))


class Affine(Bijector):
    """``y = scale @ x + shift`` over the last axis, ``scale`` the sum of what is given:
    ``scale_identity_multiplier * I``, ``diag(scale_diag)``, the lower triangle of
    ``scale_tril`` and the low-rank ``U diag(scale_perturb_diag) U^T``-style update
    ``scale_perturb_factor @ diag(scale_perturb_diag) @ scale_perturb_factor^T`` (the
    identity when none is given)."""

    def __init__(self, shift=None, scale_identity_multiplier=None, scale_diag=None,
                 scale_tril=None, scale_perturb_factor=None, scale_perturb_diag=None,
                 adjoint=False, validate_args=False, name="affine", dtype=None):
        self._adjoint = adjoint
        with name_scope(name):
            given = [shift, scale_identity_multiplier, scale_diag, scale_tril,
                     scale_perturb_factor, scale_perturb_diag]
            if dtype is None:
                for value in given:
                    if isinstance(value, Tensor):
                        dtype = value.dtype
                        break
            names = ["shift", "scale_identity_multiplier", "scale_diag", "scale_tril",
                     "scale_perturb_factor", "scale_perturb_diag"]
            (self._shift, multiplier, diag, tril, factor, perturb_diag) = [
                _tensor(v, n, dtype) for v, n in zip(given, names)]
            if factor is None and perturb_diag is not None:
                raise ValueError("When scale_perturb_diag is specified, scale_perturb_factor "
                                 "must be specified.")
            dtype = next((t.dtype for t in (self._shift, multiplier, diag, tril, factor)
                          if t is not None), dtypes.float32)
            self._kind, self._scale = self._build_scale(multiplier, diag, tril, factor,
                                                        perturb_diag)
        parents = [t for t in (self._shift, multiplier, diag, tril, factor, perturb_diag)
                   if t is not None]
        super().__init__(graph_parents=parents, forward_min_event_ndims=1,
                         is_constant_jacobian=True, validate_args=validate_args, dtype=dtype,
                         name=name)

    @staticmethod
    def _build_scale(multiplier, diag, tril, factor, perturb_diag):
        """``("identity", multiplier or None)``, ``("diag", vector)`` or ``("matrix", M)``."""
        if tril is None and factor is None:
            if diag is None:
                return "identity", multiplier
            if multiplier is not None:
                diag = diag + multiplier
            return "diag", diag
        matrix = linalg_ops.matrix_band_part(tril, -1, 0) if tril is not None else None
        if diag is not None:
            matrix = linalg_ops.matrix_diag(diag) if matrix is None else (
                linalg_ops.matrix_set_diag(matrix, linalg_ops.matrix_diag_part(matrix) + diag))
        if multiplier is not None and matrix is not None:
            matrix = linalg_ops.matrix_set_diag(
                matrix, linalg_ops.matrix_diag_part(matrix) + multiplier)
        if factor is not None:
            weighted = factor if perturb_diag is None else \
                factor * array_ops.expand_dims(perturb_diag, -2)
            update = math_ops.matmul(weighted, factor, transpose_b=True)
            if matrix is None:
                size = factor.shape[-2].value
                base = multiplier if multiplier is not None else 1.0
                matrix = base * np.eye(size).astype(factor.dtype.as_numpy_dtype)
            matrix = matrix + update
            return "matrix", matrix
        return "tril", matrix

    shift = property(lambda self: self._shift)
    adjoint = property(lambda self: self._adjoint)

    @property
    def scale(self):
        from ..ops import linear_operator

        if self._kind == "identity":
            return None
        if self._kind == "diag":
            return linear_operator.LinearOperatorDiag(self._scale)
        if self._kind == "tril":
            return linear_operator.LinearOperatorLowerTriangular(self._scale)
        return linear_operator.LinearOperatorFullMatrix(self._scale)

    def _apply(self, x):
        if self._kind == "identity":
            return x if self._scale is None else x * self._scale
        if self._kind == "diag":
            return x * self._scale
        matrix = self._scale
        if self._adjoint:
            matrix = linalg_ops.matrix_transpose(matrix)
        # (M x)_i = sum_j M_ij x_j, broadcasting M's batch against x's leading axes.
        return math_ops.reduce_sum(matrix * array_ops.expand_dims(x, -2), axis=-1)

    def _forward(self, x):
        y = self._apply(x)
        return y + self._shift if self._shift is not None else y

    def _inverse(self, y):
        x = y - self._shift if self._shift is not None else y
        if self._kind == "identity":
            return x if self._scale is None else x / self._scale
        if self._kind == "diag":
            return x / self._scale
        matrix = self._scale
        column = array_ops.expand_dims(x, -1)
        zeros = array_ops.zeros_like(column)
        matrix = matrix + zeros  # broadcast the matrix's batch against x's
        column = column + array_ops.zeros_like(matrix[..., :1])
        if self._kind == "tril":
            solved = linalg_ops.matrix_triangular_solve(matrix, column, lower=True,
                                                        adjoint=self._adjoint)
        else:
            solved = linalg_ops.matrix_solve(matrix, column, adjoint=self._adjoint)
        return array_ops.squeeze(solved, [-1])

    def _forward_log_det_jacobian(self, x):
        if self._kind == "identity":
            if self._scale is None:
                return array_ops.constant(0.0, dtype=x.dtype)
            size = math_ops.cast(array_ops.shape(x)[-1], x.dtype)
            return size * math_ops.log(math_ops.abs(self._scale))
        if self._kind == "diag":
            return math_ops.reduce_sum(math_ops.log(math_ops.abs(self._scale)), -1)
        if self._kind == "tril":
            diag = linalg_ops.matrix_diag_part(self._scale)
            return math_ops.reduce_sum(math_ops.log(math_ops.abs(diag)), -1)
        return math_ops.log(math_ops.abs(linalg_ops.matrix_determinant(self._scale)))


class AffineLinearOperator(Bijector):
    """``y = scale @ x + shift`` with ``scale`` a ``tf.linalg.LinearOperator`` (identity
    when None)."""

    def __init__(self, shift=None, scale=None, adjoint=False, validate_args=False,
                 name="affine_linear_operator"):
        with name_scope(name):
            dtype = scale.dtype if scale is not None else None
            self._shift = _tensor(shift, "shift", dtype)
        if scale is not None and not hasattr(scale, "matvec"):
            raise TypeError("scale is not an instance of tf.LinearOperator")
        self._scale = scale
        self._adjoint = adjoint
        kinds = [k for k in (dtype, self._shift.dtype if self._shift is not None else None)
                 if k is not None]
        super().__init__(graph_parents=[] if self._shift is None else [self._shift],
                         forward_min_event_ndims=1, is_constant_jacobian=True,
                         validate_args=validate_args, dtype=kinds[0] if kinds else None,
                         name=name)

    shift = property(lambda self: self._shift)
    scale = property(lambda self: self._scale)
    adjoint = property(lambda self: self._adjoint)

    def _forward(self, x):
        y = x if self._scale is None else self._scale.matvec(x, adjoint=self._adjoint)
        return y + self._shift if self._shift is not None else y

    def _inverse(self, y):
        x = y - self._shift if self._shift is not None else y
        return x if self._scale is None else self._scale.solvevec(x, adjoint=self._adjoint)

    def _forward_log_det_jacobian(self, x):
        if self._scale is None:
            return array_ops.constant(0.0, dtype=x.dtype)
        return self._scale.log_abs_determinant()


class Inline(Bijector):
    """A bijector from functions: ``forward_fn``, ``inverse_fn`` and the log-det-Jacobian
    functions given."""

    def __init__(self, forward_fn=None, inverse_fn=None, inverse_log_det_jacobian_fn=None,
                 forward_log_det_jacobian_fn=None, forward_event_shape_fn=None,
                 forward_event_shape_tensor_fn=None, inverse_event_shape_fn=None,
                 inverse_event_shape_tensor_fn=None, is_constant_jacobian=False,
                 validate_args=False, forward_min_event_ndims=None,
                 inverse_min_event_ndims=None, name="inline"):
        super().__init__(forward_min_event_ndims=forward_min_event_ndims,
                         inverse_min_event_ndims=inverse_min_event_ndims,
                         is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args, name=name)
        self._functions = {"forward": forward_fn, "inverse": inverse_fn,
                           "ildj": inverse_log_det_jacobian_fn,
                           "fldj": forward_log_det_jacobian_fn,
                           "fes": forward_event_shape_fn, "fest": forward_event_shape_tensor_fn,
                           "ies": inverse_event_shape_fn,
                           "iest": inverse_event_shape_tensor_fn}

    def _call_fn(self, key, value, fallback):
        function = self._functions[key]
        if function is None:
            return fallback(value)
        return function(value)

    def _forward(self, x):
        return self._call_fn("forward", x, super()._forward)

    def _inverse(self, y):
        return self._call_fn("inverse", y, super()._inverse)

    def _raw_ildj(self, y):
        if self._functions["ildj"] is not None:
            return self._functions["ildj"](y)
        if self._functions["fldj"] is not None:
            x = self._x_of.get(y)
            return -self._functions["fldj"](self._inverse(y) if x is None else x)
        raise NotImplementedError("inverse_log_det_jacobian not implemented: Inline")

    def _raw_fldj(self, x):
        if self._functions["fldj"] is not None:
            return self._functions["fldj"](x)
        if self._functions["ildj"] is not None:
            y = self._y_of.get(x)
            return -self._functions["ildj"](self._forward(x) if y is None else y)
        raise NotImplementedError("forward_log_det_jacobian not implemented: Inline")

    def _forward_event_shape(self, input_shape):
        return TensorShape(self._call_fn("fes", input_shape, lambda s: s))

    def _forward_event_shape_tensor(self, input_shape):
        return self._call_fn("fest", input_shape, lambda s: s)

    def _inverse_event_shape(self, output_shape):
        return TensorShape(self._call_fn("ies", output_shape, lambda s: s))

    def _inverse_event_shape_tensor(self, output_shape):
        return self._call_fn("iest", output_shape, lambda s: s)


class Invert(Bijector):
    """``bijector`` run backwards: forward is its inverse and the Jacobians swap."""

    def __init__(self, bijector, validate_args=False, name=None):
        if not bijector._is_injective:  # noqa: SLF001 - TensorFlow's check
            raise NotImplementedError("Invert is not implemented for non-injective "
                                      "bijectors.")
        self._bijector = bijector
        super().__init__(graph_parents=bijector.graph_parents,
                         forward_min_event_ndims=bijector.inverse_min_event_ndims,
                         inverse_min_event_ndims=bijector.forward_min_event_ndims,
                         is_constant_jacobian=bijector.is_constant_jacobian,
                         validate_args=validate_args, dtype=bijector.dtype,
                         name=name or "_".join(["invert", bijector.name]))

    bijector = property(lambda self: self._bijector)

    def _forward_event_shape(self, input_shape):
        return self._bijector.inverse_event_shape(input_shape)

    def _forward_event_shape_tensor(self, input_shape):
        return self._bijector.inverse_event_shape_tensor(input_shape)

    def _inverse_event_shape(self, output_shape):
        return self._bijector.forward_event_shape(output_shape)

    def _inverse_event_shape_tensor(self, output_shape):
        return self._bijector.forward_event_shape_tensor(output_shape)

    def forward(self, x, name="forward"):
        return self._bijector.inverse(x, name=name)

    def inverse(self, y, name="inverse"):
        return self._bijector.forward(y, name=name)

    def inverse_log_det_jacobian(self, y, event_ndims, name="inverse_log_det_jacobian"):
        return self._bijector.forward_log_det_jacobian(y, event_ndims, name=name)

    def forward_log_det_jacobian(self, x, event_ndims, name="forward_log_det_jacobian"):
        return self._bijector.inverse_log_det_jacobian(x, event_ndims, name=name)


class Chain(Bijector):
    """``bijectors`` composed, the LAST applied first: ``Chain([f, g]).forward(x) ==
    f.forward(g.forward(x))``."""

    def __init__(self, bijectors=None, validate_args=False, name=None):
        bijectors = list(bijectors or [])
        for bijector in bijectors:
            if not bijector._is_injective:  # noqa: SLF001 - TensorFlow's check
                raise NotImplementedError("Invert is not implemented for non-injective "
                                          "bijectors.")
        self._bijectors = bijectors
        dtypes_seen = {b.dtype for b in bijectors if b.dtype is not None}
        if len(dtypes_seen) > 1:
            raise ValueError("incompatible dtypes: " + ", ".join(
                sorted(d.name for d in dtypes_seen)))
        forward_min, inverse_min = self._min_event_ndims(bijectors)
        super().__init__(graph_parents=[p for b in bijectors for p in b.graph_parents],
                         forward_min_event_ndims=forward_min,
                         inverse_min_event_ndims=inverse_min,
                         is_constant_jacobian=all(b.is_constant_jacobian for b in bijectors),
                         validate_args=validate_args,
                         dtype=dtypes_seen.pop() if dtypes_seen else None,
                         name=name or ("identity" if not bijectors else
                                       "_of_".join(b.name for b in bijectors)))

    @staticmethod
    def _min_event_ndims(bijectors):
        """The least event rank the composition needs (TensorFlow's rule: walking from the
        first-applied bijector, each may need more dimensions than the ones before)."""
        forward_min = 0
        rank_change = 0
        for bijector in reversed(bijectors):
            forward_min = max(forward_min, bijector.forward_min_event_ndims - rank_change)
            rank_change += bijector.inverse_min_event_ndims - bijector.forward_min_event_ndims
        inverse_min = forward_min + rank_change
        return forward_min, inverse_min

    bijectors = property(lambda self: self._bijectors)

    def _forward_event_shape(self, input_shape):
        for bijector in reversed(self._bijectors):
            input_shape = bijector.forward_event_shape(input_shape)
        return input_shape

    def _forward_event_shape_tensor(self, input_shape):
        for bijector in reversed(self._bijectors):
            input_shape = bijector.forward_event_shape_tensor(input_shape)
        return input_shape

    def _inverse_event_shape(self, output_shape):
        for bijector in self._bijectors:
            output_shape = bijector.inverse_event_shape(output_shape)
        return output_shape

    def _inverse_event_shape_tensor(self, output_shape):
        for bijector in self._bijectors:
            output_shape = bijector.inverse_event_shape_tensor(output_shape)
        return output_shape

    def _forward(self, x):
        for bijector in reversed(self._bijectors):
            x = bijector.forward(x)
        return x

    def _inverse(self, y):
        for bijector in self._bijectors:
            y = bijector.inverse(y)
        return y

    def inverse_log_det_jacobian(self, y, event_ndims, name="inverse_log_det_jacobian"):
        event_ndims = self._event_ndims(event_ndims, self.inverse_min_event_ndims)
        with self._scope(name):
            y = self._convert(y, "y")
            total = array_ops.constant(0.0, dtype=y.dtype)
            for bijector in self._bijectors:
                total = total + bijector.inverse_log_det_jacobian(y, event_ndims)
                next_ndims = bijector.inverse_event_shape(
                    TensorShape([None] * event_ndims)).ndims
                y = bijector.inverse(y)
                event_ndims = next_ndims
            return total

    def forward_log_det_jacobian(self, x, event_ndims, name="forward_log_det_jacobian"):
        event_ndims = self._event_ndims(event_ndims, self.forward_min_event_ndims)
        with self._scope(name):
            x = self._convert(x, "x")
            total = array_ops.constant(0.0, dtype=x.dtype)
            for bijector in reversed(self._bijectors):
                total = total + bijector.forward_log_det_jacobian(x, event_ndims)
                next_ndims = bijector.forward_event_shape(
                    TensorShape([None] * event_ndims)).ndims
                x = bijector.forward(x)
                event_ndims = next_ndims
            return total


class Permute(Bijector):
    """``y = x`` with the entries of axis ``axis`` (-1 by default) reordered by
    ``permutation``: ``y[..., i] = x[..., permutation[i]]``."""

    def __init__(self, permutation, axis=-1, validate_args=False, name=None):
        if not isinstance(axis, int) or axis >= 0:
            raise NotImplementedError("`axis` must be a negative Python integer (got "
                                      f"{axis!r}).")
        with name_scope(name or "permute"):
            self._permutation = convert_to_tensor(permutation, name="permutation")
            if not self._permutation.dtype.is_integer:
                raise TypeError("permutation.dtype must be integer; got "
                                f"{self._permutation.dtype.name}")
        self._axis = axis
        super().__init__(forward_min_event_ndims=-axis, is_constant_jacobian=True,
                         validate_args=validate_args, name=name or "permute")

    permutation = property(lambda self: self._permutation)
    axis = property(lambda self: self._axis)

    def _forward(self, x):
        return array_ops.gather(x, self._permutation, axis=self._axis)

    def _inverse(self, y):
        from ..ops import math_extra_ops

        inverse = math_extra_ops.invert_permutation(self._permutation)
        return array_ops.gather(y, inverse, axis=self._axis)

    def _inverse_log_det_jacobian(self, y):
        return array_ops.constant(0.0, dtype=y.dtype)

    def _forward_log_det_jacobian(self, x):
        return array_ops.constant(0.0, dtype=x.dtype)


class Reshape(Bijector):
    """Reshapes the rightmost ``event_shape_in`` dimensions into ``event_shape_out`` (one
    -1 allowed in each)."""

    def __init__(self, event_shape_out, event_shape_in=(-1,), validate_args=False,
                 name=None):
        self._shape_in = [int(d) for d in np.reshape(event_shape_in, [-1])]
        self._shape_out = [int(d) for d in np.reshape(event_shape_out, [-1])]
        for label, shape in (("event_shape_in", self._shape_in),
                             ("event_shape_out", self._shape_out)):
            if sum(1 for d in shape if d == -1) > 1:
                raise ValueError(f"{label} may have at most one -1 (got {shape})")
            if any(d < -1 for d in shape):
                raise ValueError(f"{label} sizes must be -1 or non-negative (got {shape})")
        super().__init__(forward_min_event_ndims=len(self._shape_in),
                         inverse_min_event_ndims=len(self._shape_out), is_constant_jacobian=True,
                         validate_args=validate_args, name=name or "reshape")

    def _swap(self, value, shape_from, shape_to):
        rank = len(shape_from)
        outer = array_ops.shape(value)[:array_ops.rank(value) - rank] if rank else \
            array_ops.shape(value)
        target = array_ops.concat([outer, np.array(shape_to, np.int32)], 0)
        result = array_ops.reshape(value, target)
        static = value.shape
        if static.ndims is not None:
            known = static[:static.ndims - rank] if rank else static
            result.set_shape(known.concatenate(self._static(static[static.ndims - rank:],
                                                            shape_from, shape_to)))
        return result

    @staticmethod
    def _static(dims, shape_from, shape_to):
        sizes = [d.value for d in TensorShape(dims).dims] if TensorShape(dims).ndims else []
        if -1 not in shape_to:
            return TensorShape(shape_to)
        if all(s is not None for s in sizes):
            total = int(np.prod(sizes)) if sizes else 1
            rest = int(np.prod([d for d in shape_to if d != -1])) if len(shape_to) > 1 else 1
            return TensorShape([total // rest if d == -1 else d for d in shape_to])
        return TensorShape([None if d == -1 else d for d in shape_to])

    def _forward(self, x):
        return self._swap(x, self._shape_in, self._shape_out)

    def _inverse(self, y):
        return self._swap(y, self._shape_out, self._shape_in)

    def _forward_event_shape(self, input_shape):
        shape = TensorShape(input_shape)
        return self._static(shape[shape.ndims - len(self._shape_in):], self._shape_in,
                            self._shape_out) if shape.ndims is not None else TensorShape(None)

    def _inverse_event_shape(self, output_shape):
        shape = TensorShape(output_shape)
        return self._static(shape[shape.ndims - len(self._shape_out):], self._shape_out,
                            self._shape_in) if shape.ndims is not None else TensorShape(None)

    def _inverse_log_det_jacobian(self, y):
        return array_ops.constant(0.0, dtype=y.dtype)

    def _forward_log_det_jacobian(self, x):
        return array_ops.constant(0.0, dtype=x.dtype)


class SoftmaxCentered(Bijector):
    """``R^k -> `` the ``(k+1)``-simplex: ``y = softmax([x, 0])``."""

    def __init__(self, validate_args=False, name="softmax_centered"):
        super().__init__(forward_min_event_ndims=1, validate_args=validate_args, name=name)

    def _forward_event_shape(self, input_shape):
        size = input_shape[-1].value if input_shape.ndims else None
        return input_shape[:-1].concatenate([None if size is None else size + 1])

    def _forward_event_shape_tensor(self, input_shape):
        return array_ops.concat([input_shape[:-1], input_shape[-1:] + 1], 0)

    def _inverse_event_shape(self, output_shape):
        size = output_shape[-1].value if output_shape.ndims else None
        return output_shape[:-1].concatenate([None if size is None else size - 1])

    def _inverse_event_shape_tensor(self, output_shape):
        return array_ops.concat([output_shape[:-1], output_shape[-1:] - 1], 0)

    def _forward(self, x):
        padded = array_ops.concat([x, array_ops.zeros_like(x[..., :1])], -1)
        return nn_ops.softmax(padded)

    def _inverse(self, y):
        logs = math_ops.log(y)
        return logs[..., :-1] - logs[..., -1:]

    def _inverse_log_det_jacobian(self, y):
        # The Jacobian of the inverse on the first k coordinates is diag(1/y) + 1/y_k; its
        # determinant is prod(1/y_i) over all k+1 coordinates.
        return -math_ops.reduce_sum(math_ops.log(y), axis=-1)

    def _forward_log_det_jacobian(self, x):
        padded = array_ops.concat([x, array_ops.zeros_like(x[..., :1])], -1)
        log_normalizer = math_ops.reduce_logsumexp(padded, axis=-1, keepdims=True)
        return math_ops.reduce_sum(padded - log_normalizer, axis=-1)

