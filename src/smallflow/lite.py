"""``tf.lite``: TensorFlow Lite's converter and interpreter names, without TensorFlow Lite.

smallflow cannot write or run ``.tflite`` flatbuffers: that needs TensorFlow's converter
(TOCO/MLIR) and its mobile kernels. The names exist so that a TF1 program that trains and
then converts runs up to the conversion: ``TFLiteConverter.from_session`` /
``from_frozen_graph`` / ``from_saved_model`` / ``from_keras_model_file`` check and keep their
arguments and settings as TensorFlow's do, and ``convert()`` raises NotImplementedError
saying what to use instead: smallflow's ONNX export (``smallflow.onnx.export``), whose files
onnxruntime runs on phones, in browsers and on servers. ``Interpreter`` raises the same
way when made.
"""

import enum
import os

from . import dtypes

__all__ = [
    "Interpreter",
    "OpHint",
    "OpsSet",
    "Optimize",
    "RepresentativeDataset",
    "TFLiteConverter",
    "TargetSpec",
    "TocoConverter",
    "constants",
    "toco_convert",
]

_INSTEAD = (
    "smallflow does not write TensorFlow Lite models (that needs TensorFlow's converter and "
    "its mobile kernels). Export the graph to ONNX instead: "
    "smallflow.onnx.export(sess, input_tensors, output_tensors, 'model.onnx') (the extra "
    "smallflow[onnx]); onnxruntime runs the file on Android, iOS, in browsers and on servers."
)


class OpsSet(enum.Enum):
    """Which op sets a converted model may use."""

    TFLITE_BUILTINS = "TFLITE_BUILTINS"
    SELECT_TF_OPS = "SELECT_TF_OPS"
    TFLITE_BUILTINS_INT8 = "TFLITE_BUILTINS_INT8"

    def __str__(self):
        return str(self.value)


class Optimize(enum.Enum):
    """What the converter optimizes for."""

    DEFAULT = "DEFAULT"
    OPTIMIZE_FOR_SIZE = "OPTIMIZE_FOR_SIZE"
    OPTIMIZE_FOR_LATENCY = "OPTIMIZE_FOR_LATENCY"

    def __str__(self):
        return str(self.value)


class _Constants:
    """``tf.lite.constants``: the dtypes and file formats the converter's settings name."""

    FLOAT = dtypes.float32
    FLOAT16 = dtypes.float16
    INT8 = dtypes.int8
    INT16 = dtypes.int16
    INT32 = dtypes.int32
    INT64 = dtypes.int64
    STRING = dtypes.string
    QUANTIZED_UINT8 = dtypes.uint8
    TFLITE = 2
    GRAPHVIZ_DOT = 3


constants = _Constants()


class RepresentativeDataset:
    """A generator of sample inputs for post-training quantization."""

    def __init__(self, input_gen):
        self.input_gen = input_gen


class TargetSpec:
    """The ops and types a converted model may use."""

    def __init__(self, supported_ops=None, supported_types=None):
        self.supported_ops = set(supported_ops) if supported_ops else {OpsSet.TFLITE_BUILTINS}
        self.supported_types = set(supported_types) if supported_types else set()


class TFLiteConverter:
    """Keeps a graph's inputs, outputs and conversion settings; ``convert()`` raises
    NotImplementedError naming the ONNX export smallflow offers instead."""

    def __init__(self, graph_def, input_tensors, output_tensors,
                 input_arrays_with_shape=None, output_arrays=None):
        self._graph_def = graph_def
        self._input_tensors = input_tensors
        self._output_tensors = output_tensors
        self._input_arrays_with_shape = input_arrays_with_shape
        self._output_arrays = output_arrays
        self.inference_type = constants.FLOAT
        self.inference_input_type = None
        self.inference_output_type = None
        self.quantized_input_stats = {}
        self.default_ranges_stats = None
        self.drop_control_dependency = True
        self.reorder_across_fake_quant = False
        self.change_concat_input_ranges = False
        self.allow_custom_ops = False
        self.post_training_quantize = False
        self.dump_graphviz_dir = None
        self.dump_graphviz_video = False
        self.conversion_summary_dir = None
        self.target_spec = TargetSpec()
        self.target_ops = {OpsSet.TFLITE_BUILTINS}
        self.optimizations = []
        self.representative_dataset = None
        self.experimental_new_converter = False

    @classmethod
    def from_session(cls, sess, input_tensors, output_tensors):
        """A converter for ``output_tensors`` of ``sess``'s graph, fed at ``input_tensors``."""
        _check_tensors(input_tensors, "input_tensors")
        _check_tensors(output_tensors, "output_tensors")
        return cls(sess.graph, list(input_tensors), list(output_tensors))

    @classmethod
    def from_frozen_graph(cls, graph_def_file, input_arrays, output_arrays, input_shapes=None):
        """A converter for a frozen GraphDef file (the file must exist)."""
        if not os.path.exists(graph_def_file):
            raise OSError(f"File '{graph_def_file}' does not exist.")
        shapes = [(name, (input_shapes or {}).get(name)) for name in input_arrays]
        return cls(graph_def_file, None, None, input_arrays_with_shape=shapes,
                   output_arrays=list(output_arrays))

    @classmethod
    def from_saved_model(cls, saved_model_dir, input_arrays=None, input_shapes=None,
                         output_arrays=None, tag_set=None, signature_key=None):
        """A converter for a SavedModel directory (it must hold a saved_model.pb)."""
        found = any(os.path.exists(os.path.join(saved_model_dir, name))
                    for name in ("saved_model.pb", "saved_model.pbtxt"))
        if not found:
            raise OSError(f"SavedModel file does not exist at: {saved_model_dir}")
        return cls(saved_model_dir, None, None, output_arrays=output_arrays)

    @classmethod
    def from_keras_model_file(cls, model_file, input_arrays=None, input_shapes=None,
                              output_arrays=None, custom_objects=None):
        """A converter for a Keras HDF5 model file (the file must exist)."""
        if not os.path.exists(model_file):
            raise OSError(f"File '{model_file}' does not exist.")
        return cls(model_file, None, None, output_arrays=output_arrays)

    def get_input_arrays(self):
        """The names of the input tensors (``"x"`` for ``x:0``)."""
        if self._input_tensors is not None:
            return [t.name.split(":")[0] if t.name.endswith(":0") else t.name
                    for t in self._input_tensors]
        return [name for name, _ in self._input_arrays_with_shape or []]

    def convert(self):
        raise NotImplementedError(f"TFLiteConverter.convert: {_INSTEAD}")


TocoConverter = TFLiteConverter


def _check_tensors(tensors, what):
    if not isinstance(tensors, list | tuple) or not all(hasattr(t, "name") for t in tensors):
        raise TypeError(f"{what} must be a list of tensors, got {tensors!r}")


class Interpreter:
    """TensorFlow Lite's interpreter: not available (raises NotImplementedError)."""

    def __init__(self, model_path=None, model_content=None, experimental_delegates=None,
                 num_threads=None):
        raise NotImplementedError(
            "tf.lite.Interpreter: smallflow cannot run TensorFlow Lite models. Export the "
            "graph with smallflow.onnx.export and run the file with onnxruntime.")


class OpHint:
    """Marks a subgraph as one TensorFlow Lite op; only its names exist here."""

    def __init__(self, function_name, level=1, children_inputs_mappings=None, **kwargs):
        self._function_name = function_name
        self._attrs = dict(kwargs)

    def add_input(self, *args, **kwargs):
        """The tensor unchanged (no TensorFlow Lite stub is recorded)."""
        return args[0]

    def add_output(self, *args, **kwargs):
        return args[0]

    def add_inputs(self, *args, **kwargs):
        return list(args)

    def add_outputs(self, *args, **kwargs):
        return list(args)


def toco_convert(input_data, input_tensors, output_tensors, *args, **kwargs):
    raise NotImplementedError(f"tf.lite.toco_convert: {_INSTEAD}")
