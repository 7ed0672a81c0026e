"""``tf.contrib.tfprof.model_analyzer``: ``print_model_analysis`` and its option presets,
which are ``tf.profiler.profile`` and ``ProfileOptionBuilder``'s presets under their
older names."""

from ... import profiler

__all__ = ["FLOAT_OPS_OPTIONS", "PRINT_ALL_TIMING_MEMORY", "TRAINABLE_VARS_PARAMS_STAT_OPTIONS",
           "print_model_analysis"]

TRAINABLE_VARS_PARAMS_STAT_OPTIONS = profiler.ProfileOptionBuilder.trainable_variables_parameter()
FLOAT_OPS_OPTIONS = profiler.ProfileOptionBuilder.float_operation()
PRINT_ALL_TIMING_MEMORY = profiler.ProfileOptionBuilder.time_and_memory()


def print_model_analysis(graph, run_meta=None, op_log=None, tfprof_cmd="scope",
                         tfprof_options=TRAINABLE_VARS_PARAMS_STAT_OPTIONS):
    """Print the analyzer's report of ``graph`` and return its root node
    (``total_parameters``, ``total_float_ops``, ...), as ``tf.profiler.profile`` does."""
    return profiler.profile(graph, run_meta=run_meta, op_log=op_log, cmd=tfprof_cmd,
                            options=tfprof_options)
