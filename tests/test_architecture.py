"""The layering of design.md: imports point one way, and `import smallflow` stays light."""

import ast
import pathlib
import subprocess
import sys

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "smallflow"

# Lowest layer first. A module may import modules of its own layer or of layers below it.
LAYERS = [
    ("foundation", ["example_proto", "atomic_files",
                    "python_io", "_version", "errors", "dtypes", "tensor_shape", "protos",
                    "config", "config_devices", "config_experimental", "device_spec",
                    "device_placement",
                    "tb_protos", "tensor_util", "nest", "ownership", "workers", "batch_split",
                    "step_pairs", "matmul_forms",
                    "removed_names",  # TensorFlow 0.x's names, for error messages
                    "chrome_trace",  # run traces in chrome://tracing's JSON (json, re)
                    "datasets.idx",  # the IDX reader needs only NumPy,
                    # TensorFlow's checkpoint format (RestoreV2 reads it in the ops layer)
                    "train.sstable", "train.tensor_bundle",
                    "datasets.download",  # atomic, verified downloads: the stdlib only
                    "ops.philox",  # TensorFlow's Philox generator: NumPy only
                    "ops.philox_samplers",  # its samplers (shuffle, multinomial...)
                    "ops.unicode_script_data"]),  # ICU's script table: data only
    ("registry", ["registry", "op_signature"]),
    ("graph", ["graph", "graph_io", "graph_tf_form", "graph_tf_control_flow", "tf_op_attrs",
               "eager", "eager.tensor"]),  # eager execution's EagerTensor
    ("ops", ["ops.parsing_ops", "ops.sparse_tensor",
             "ops.io_ops",
             "ops.data_flow_ops",
             "ops.common", "ops.constant_op", "ops.shape_ops", "ops.join_split_ops",
             "ops.slice_ops", "ops.pad_ops", "ops.selection_ops", "ops.broadcast_ops",
             "ops.cwise_ops", "ops.matmul_ops", "ops.reduction_ops", "ops.sequence_ops",
             "ops.math_composites", "ops.tensor_operators", "ops.array_ops", "ops.math_ops",
             "ops.conv_ops", "ops.nn_ops", "ops.state_ops", "ops.random_ops",
             "ops.control_flow_ops", "ops.training_ops", "ops.sparse_training_ops",
             "ops.indexed_slices", "ops.conv_kernels", "ops.pool_kernels", "ops.winograd",
             "ops.conv_blocks", "ops.conv_phases",
             "ops.work_arrays", "ops.string_ops",
             "ops.bitwise_ops",
             "ops.summary_ops", "ops.control_flow_context", "ops.tensor_array_ops",
             "ops.functional_ops",
             # eager execution: the op runner (it uses the ops' shape helpers), the switch
             "eager.execute", "eager.context"]),
    # Op families added for the rest of the TF1 API; they build on the ops above.
    ("more ops", ["ops.image_ops",
                  "ops.image_resize_ops", "ops.image_ops_extra", "ops.image_codec_ops",
                  "ops.image_box_ops",
                  "ops.scatter_ops", "ops.clip_ops", "ops.special_math_ops", "ops.nn_extra_ops",
                  "ops.array_extra_ops", "ops.linalg_ops", "ops.segment_ops", "ops.debug_ops",
                  "ops.script_ops", "ops.math_extra_ops", "ops.random_extra_ops",
                  "ops.candidate_sampling_ops", "ops.linalg_extra_ops", "ops.sparse_ops",
                  "ops.sparse_math_ops", "ops.sparse_embedding_ops",
                  "ops.stateless_random_ops", "ops.eager_py_func_ops",
                  "ops.special_functions_ops", "ops.linear_operator",
                  # session 15: the structured LinearOperators, by family
                  "ops.linear_operator_block", "ops.linear_operator_circulant",
                  "ops.linear_operator_update",
                  "ops.ctc_ops", "ops.tf_graph_ops", "ops.tf1_control_flow_ops",
                  "ops.string_extra_ops", "ops.string_hash_ops", "ops.io_extra_ops",
                  "ops.string_text_ops", "ops.sparse_serialization_ops",
                  "ops.sequence_parsing_ops", "ops.fake_quant_ops",
                  "ops.misc_extra_ops", "ops.complex_ops", "ops.fft_ops",
                  "ops.edit_distance_ops", "ops.clustering_ops",
                  "ops.beam_search_ops", "ops.lookup_ops", "ops.ctc_beam_ops",
                  "ops.image_glimpse_ops", "ops.signal_ops", "ops.sparse_cross_ops",
                  "ops.unicode_ops", "ops.unicode_script_ops",
                  "ops.set_ops", "ops.stateful_random_ops", "ops.audio_ops",
                  # session 12: tf.quantization's ops, morphology, combined NMS
                  "ops.quantize_ops", "ops.morphology_ops", "ops.image_nms_ops",
                  "ops.parsing_features"]),
    ("more gradients", ["ops.complex_grad", "ops.fft_grad",
                        "ops.special_math_grad", "ops.array_extra_grad", "ops.linalg_grad",
                        "ops.linalg_extra_grad", "ops.sparse_grad", "ops.sparse_cwise_ops",
                        "ops.segment_grad", "ops.pool_argmax_ops",
                        # session 15: fractional pooling (ops with their gradients)
                        "ops.fractional_pool_ops"]),
    ("gradients", ["ops.array_grad", "ops.math_grad", "ops.nn_grad", "ops", "gradients",
                   "eager.tape"]),
    # Ops built with tf.gradients (conv3d_transpose is the gradient of conv3d).
    ("ops over gradients", ["ops.volume_ops", "ops.nn_dispatch_ops", "ops.nn_backprop_ops",
                            "ops.with_space_to_batch_ops"]),
    ("variables", ["variables", "init_ops", "variable_scope", "graph_import", "partitioners",
                   "variable_utils", "eager.variables"]),
    ("session", ["session", "session_conversions", "session_feeds", "session_partial",
                 "step_stats", "chunking",
                 "fusion", "session_targets",
                 "dataflow_executor",
                 "debug_dump"]),  # tfdbg's core: a watched run's dumps (session 13)
    ("train", ["image",
               "train", "losses", "nn", "bitwise", "layers", "data", "metrics",
               # tf.data, checkpoints and metrics of eager mode
               "eager.iterator", "eager.checkpoint", "eager.metrics",
               "metrics_extra", "estimator", "feature_column", "feature_column_sequence",
               "gradient_checker", "test", "test_case", "app", "flags", "logging",
               "distribute", "horovod", "summary", "meta_graph", "python", "rnn",
               "rnn_cell_impl", "saved_model", "lookup_tables", "lookup", "distributions",
               # tf.function: the graph it traces into, the function, the converter
               "func_graph", "def_function", "autograph",
               # tf.Module: named containers of variables (session 12)
               "module"]),
    # TF1's other namespaces (tf.math, tf.linalg, ...): re-exports, and tf.gfile.
    # tf.strings comes after tf.ragged: the Unicode ops give RaggedTensors.
    ("more namespaces", ["signal", "spectral", "ragged", "strings", "version",
                         "random_generator", "random_experimental",
                         "math", "linalg", "random", "sparse", "debugging", "initializers",
                         "compat", "gfile", "io", "io_gfile", "framework_extras",
                         "graph_util",
                         # TF 1.x's small namespaces (tf.sets, tf.queue, tf.manip, ...)
                         "sets", "queue", "manip", "sysconfig", "resource_loader",
                         "user_ops", "profiler", "audio",
                         # tf.quantization and tf.lite's names (session 12)
                         "quantization", "lite"]),
    # smallflow/__init__.py itself; tf.keras.datasets; tensorflow_alias, the `import
    # tensorflow` hook (it imports smallflow's modules by name only)
    ("public API", ["", "keras", "tensorflow_alias"]),
    ("application", ["datasets", "examples", "models", "imaging", "image_files", "contrib",
                     # tensorflow.core.*: TensorBoard's protocol buffers under TF's paths
                     "core",
                     # tensorflow.python.* paths answer with the public API above them
                     "python._public", "python.framework", "python.ops", "python.layers",
                     "python.platform", "python.data", "python.client", "python.eager",
                     "python.training", "python.summary", "python.util", "python.compat",
                     "python.tf2", "python.lib", "python.keras",
                     "python.debug",  # tfdbg (session 13)
                     "python.saved_model",
                     "training_summaries",
                     "onnx",
                     "evaluation"]),
    ("front-ends", ["cli", "cli_committee", "cli_run", "cli_serve", "cli_show", "run", "__main__",
                    "viz", "web"]),
]


def _layer_of(module):
    """Index of the layer owning ``module`` (a dotted name below ``smallflow``)."""
    best = None
    best_length = -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or (prefix and module.startswith(prefix + "."))
            if matches and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def _module_name(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path):
    """Every smallflow module that ``path`` imports, anywhere in the file."""
    own = _module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "smallflow" or alias.name.startswith("smallflow."):
                    found.add(alias.name.removeprefix("smallflow").lstrip("."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.split(".")[0] == "smallflow":
                target = node.module.removeprefix("smallflow").lstrip(".")
            else:
                continue
            names = [alias.name for alias in node.names]
            for name in names:
                candidate = f"{target}.{name}" if target else name
                path = SRC / pathlib.Path(*candidate.split("."))
                is_module = path.with_suffix(".py").exists() or path.is_dir()
                found.add(candidate if is_module else target)
    return found


SOURCES = sorted(p for p in SRC.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down_the_layers(path):
    importer = _module_name(path)
    own_layer = _layer_of(importer)
    for imported in sorted(_imports(path)):
        layer = _layer_of(imported)
        assert layer <= own_layer, (
            f"{importer} ({LAYERS[own_layer][0]}) imports {imported} ({LAYERS[layer][0]}), "
            "a higher layer"
        )


def test_every_module_has_a_layer():
    for path in SOURCES:
        assert _layer_of(_module_name(path)) is not None, path


def test_import_smallflow_stays_light():
    code = (
        "import sys, smallflow, smallflow.cli, smallflow.viz, smallflow.imaging; "
        "heavy = [m for m in ('matplotlib', 'PIL', 'tqdm', 'scipy', 'threadpoolctl', "
        "'tensorboard', 'google.protobuf') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


ENGINE_LINE_LIMIT = 800


@pytest.mark.parametrize("path", sorted((SRC / "ops").glob("*.py")),
                         ids=lambda p: p.name)
def test_no_op_module_is_over_the_line_limit(path):
    lines = len(path.read_text().splitlines())
    assert lines <= ENGINE_LINE_LIMIT, (
        f"{path.name} has {lines} lines: split it by op family (limit {ENGINE_LINE_LIMIT})"
    )


def _cycle_in(graph):
    """One import cycle in ``graph`` (module -> imported modules) as a list, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = visit(nxt, [*trail, nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_op_modules_import_each_other_without_cycles():
    # Module-level and function-level imports both count: a lazy import hides a cycle.
    paths = sorted((SRC / "ops").glob("*.py"))
    graph = {_module_name(p): {m for m in _imports(p) if m.startswith("ops.")} for p in paths}
    assert _cycle_in(graph) is None, " -> ".join(_cycle_in(graph))
