"""Array ops under TensorFlow's module name: one import point for the array op families.

The kernels and builders live in the family modules below (constants, shapes, joining,
slicing, padding, selection, broadcasting helpers); this module only re-exports them, so
``array_ops.reshape`` keeps working and no family module imports another's facade.
"""

from .broadcast_ops import (
    broadcast_to_shape_of,
    reduce_to_shape_of,
)
from .constant_op import (
    cast,
    constant,
    identity,
    placeholder,
    placeholder_with_default,
    stop_gradient,
    to_double,
    to_float,
    to_int32,
    to_int64,
)
from .join_split_ops import (
    concat,
    parallel_stack,
    split,
    stack,
    unstack,
)
from .pad_ops import (
    broadcast_to,
    pad,
    reverse,
    reverse_v2,
    tile,
)
from .selection_ops import (
    boolean_mask,
    diag,
    diag_part,
    gather,
    select,
    where,
    where_v2,
)
from .shape_ops import (
    expand_dims,
    fill,
    one_hot,
    ones,
    ones_like,
    rank,
    reshape,
    shape,
    size,
    squeeze,
    transpose,
    zeros,
    zeros_like,
)
from .slice_ops import (
    slice,
    strided_slice,
)

__all__ = [
    "boolean_mask",
    "broadcast_to",
    "broadcast_to_shape_of",
    "cast",
    "concat",
    "constant",
    "diag",
    "diag_part",
    "expand_dims",
    "fill",
    "gather",
    "identity",
    "one_hot",
    "ones",
    "ones_like",
    "pad",
    "placeholder",
    "placeholder_with_default",
    "rank",
    "reduce_to_shape_of",
    "reshape",
    "reverse",
    "reverse_v2",
    "select",
    "shape",
    "size",
    "slice",
    "split",
    "squeeze",
    "parallel_stack",
    "stack",
    "stop_gradient",
    "strided_slice",
    "tile",
    "to_double",
    "to_float",
    "to_int32",
    "to_int64",
    "transpose",
    "unstack",
    "where",
    "where_v2",
    "zeros",
    "zeros_like",
]
