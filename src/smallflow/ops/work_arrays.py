"""Per-thread work arrays that the NumPy kernels reuse between calls instead of reallocating.

Shared by the convolution kernels (``conv_kernels``) and the Winograd convolutions
(``winograd``), which run in turns on one thread and name their buffers by slot.
"""

import math
import threading

import numpy as np

# Work arrays up to this size are kept for reuse between calls (see scratch).
SCRATCH_LIMIT = 64 * 2**20
_SCRATCH = threading.local()


def scratch(slot, shape, dtype):
    """A work array of ``shape`` (contents undefined) reused by later calls on this thread.

    Fresh multi-megabyte arrays cost page faults on every call (glibc returns them to the
    system when freed): about 20 ms per training step of the tutorial's CNN, measured.
    Work arrays therefore live in per-thread buffers, one per ``slot``, grown on demand and
    capped at ``SCRATCH_LIMIT`` bytes. A kernel never returns one of them, and no two arrays
    live at the same time share a slot.
    """
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > SCRATCH_LIMIT:
        return np.empty(shape, dtype=dtype)
    buffers = getattr(_SCRATCH, "buffers", None)
    if buffers is None:
        buffers = _SCRATCH.buffers = {}
    buffer = buffers.get(slot)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = buffers[slot] = np.empty(max(nbytes, 64), dtype=np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)
