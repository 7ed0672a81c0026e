"""``tensorflow.python.saved_model``: TensorFlow's module paths for the SavedModel API.

TF1 serving programs (TensorFlow Serving's ``mnist_saved_model.py``, say) import
``builder``, ``loader``, ``signature_constants``, ``signature_def_utils``, ``tag_constants``
and ``utils`` from here; each path is the very module ``tf.saved_model`` has, so both spellings
give the same functions and constants.
"""

import sys as _sys

from ...saved_model import (
    builder,
    constants,
    loader,
    main_op,
    signature_constants,
    signature_def_utils,
    tag_constants,
    utils,
)

for _module in (builder, constants, loader, main_op, signature_constants, signature_def_utils,
                tag_constants, utils):
    _sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
# TensorFlow's loader lives in loader_impl.py (``loader`` re-exports it); programs use both.
_sys.modules[f"{__name__}.loader_impl"] = loader
_sys.modules[f"{__name__}.builder_impl"] = builder
_sys.modules[f"{__name__}.signature_def_utils_impl"] = signature_def_utils
del _module
