"""``tf.strings.unicode_script``: the ICU script code of each code point (``UnicodeScript``).

The codes are ICU's ``UScriptCode`` numbers (0 Common, 1 Inherited, 8 Cyrillic, 17 Han,
25 Latin, 103 Unknown, ...), -1 for a value that is not a code point; the table of ranges
is in ``unicode_script_data.py``, read on the first run.
"""

import functools

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from .common import composite_dispatch, make_op, same_shape
from .unicode_script_data import RANGES


@functools.cache
def _table():
    """Range starts and their script codes, as sorted NumPy arrays."""
    pairs = [pair.split(":") for pair in "".join(RANGES).split(";")]
    starts = np.array([int(start, 16) for start, _ in pairs], dtype=np.int64)
    codes = np.array([int(code, 16) for _, code in pairs], dtype=np.int32)
    return starts, codes


def _script_kernel(attrs):
    def script(points):
        starts, codes = _table()
        values = points.astype(np.int64)
        valid = (values >= 0) & (values <= 0x10FFFF)
        found = codes[np.searchsorted(starts, np.where(valid, values, 0), side="right") - 1]
        return np.where(valid, found, np.int32(-1)).astype(np.int32)

    return script


register_op("UnicodeScript", _script_kernel, same_shape,
            signature=signature("input: int32 -> output: int32"))
NotDifferentiable("UnicodeScript")


def unicode_script(input, name=None):  # noqa: A002 - TensorFlow's argument name
    """The ICU script code (int32) of each code point of ``input`` (int32): 25 for Latin,
    17 for Han, ...; -1 for values outside 0..0x10FFFF."""
    dispatch = composite_dispatch(input)
    if dispatch is not None:  # a RaggedTensor of code points
        return dispatch("unary", lambda v: unicode_script(v, name), input)
    x = convert_to_tensor(input, dtype=dtypes.int32, name="input")
    return make_op("UnicodeScript", [x], [dtypes.int32], None, name).outputs[0]
