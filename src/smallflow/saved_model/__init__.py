"""``tf.saved_model``: TensorFlow 1.x's SavedModel format (builder, loader, signatures).

smallflow writes and reads the same directories TensorFlow does (``saved_model.pb``,
``variables/``, ``assets/``), so a model exported here serves in TensorFlow and one exported
by TensorFlow 1.x loads here when smallflow has its ops. The protocol buffers come from the
optional ``tensorboard`` extra and are loaded on first use. TensorFlow 2's object-based
``tf.saved_model.save``/``load_v2`` need trackable objects smallflow does not have.
"""

from . import (
    builder,
    constants,
    loader,
    main_op,
    signature_constants,
    signature_def_utils,
    tag_constants,
    utils,
)
from .builder import Builder, SavedModelBuilder, simple_save
from .constants import (
    ASSETS_DIRECTORY,
    ASSETS_KEY,
    DEBUG_DIRECTORY,
    DEBUG_INFO_FILENAME_PB,
    LEGACY_INIT_OP_KEY,
    MAIN_OP_KEY,
    SAVED_MODEL_FILENAME_PB,
    SAVED_MODEL_FILENAME_PBTXT,
    SAVED_MODEL_SCHEMA_VERSION,
    VARIABLES_DIRECTORY,
    VARIABLES_FILENAME,
)
from .loader import contains_saved_model, load, maybe_saved_model_directory
from .main_op import main_op_with_restore
from .signature_constants import (
    CLASSIFY_INPUTS,
    CLASSIFY_METHOD_NAME,
    CLASSIFY_OUTPUT_CLASSES,
    CLASSIFY_OUTPUT_SCORES,
    DEFAULT_SERVING_SIGNATURE_DEF_KEY,
    PREDICT_INPUTS,
    PREDICT_METHOD_NAME,
    PREDICT_OUTPUTS,
    REGRESS_INPUTS,
    REGRESS_METHOD_NAME,
    REGRESS_OUTPUTS,
)
from .signature_def_utils import (
    build_signature_def,
    classification_signature_def,
    is_valid_signature,
    predict_signature_def,
    regression_signature_def,
)
from .tag_constants import GPU, SERVING, TPU, TRAINING
from .utils import build_tensor_info, get_tensor_from_tensor_info

_TF2_ONLY = ("TensorFlow 2's object-based SavedModel API (tf.saved_model.{name}) needs "
             "trackable objects (tf.Module, Keras models in eager mode), which smallflow's "
             "graph-mode engine does not have. In TF1 style, export with "
             "tf.saved_model.simple_save or tf.saved_model.builder.SavedModelBuilder and "
             "load with tf.saved_model.loader.load(sess, tags, export_dir).")


def save(obj, export_dir, signatures=None, options=None):
    """TensorFlow 2's ``tf.saved_model.save``: not available (see ``_TF2_ONLY``)."""
    raise NotImplementedError(_TF2_ONLY.format(name="save"))


def load_v2(export_dir, tags=None, options=None):
    """TensorFlow 2's ``tf.saved_model.load``: not available (see ``_TF2_ONLY``)."""
    raise NotImplementedError(_TF2_ONLY.format(name="load_v2"))


__all__ = [
    "ASSETS_DIRECTORY", "ASSETS_KEY", "Builder", "CLASSIFY_INPUTS", "CLASSIFY_METHOD_NAME",
    "CLASSIFY_OUTPUT_CLASSES", "CLASSIFY_OUTPUT_SCORES", "DEBUG_DIRECTORY",
    "DEBUG_INFO_FILENAME_PB", "DEFAULT_SERVING_SIGNATURE_DEF_KEY", "GPU", "LEGACY_INIT_OP_KEY",
    "MAIN_OP_KEY", "PREDICT_INPUTS", "PREDICT_METHOD_NAME", "PREDICT_OUTPUTS",
    "REGRESS_INPUTS", "REGRESS_METHOD_NAME", "REGRESS_OUTPUTS", "SAVED_MODEL_FILENAME_PB",
    "SAVED_MODEL_FILENAME_PBTXT", "SAVED_MODEL_SCHEMA_VERSION", "SERVING", "SavedModelBuilder",
    "TPU", "TRAINING", "VARIABLES_DIRECTORY", "VARIABLES_FILENAME", "build_signature_def",
    "build_tensor_info", "builder", "classification_signature_def", "constants",
    "contains_saved_model", "get_tensor_from_tensor_info", "is_valid_signature", "load",
    "load_v2", "loader", "main_op", "main_op_with_restore", "maybe_saved_model_directory",
    "predict_signature_def", "regression_signature_def", "save", "signature_constants",
    "signature_def_utils", "simple_save", "tag_constants", "utils",
]
