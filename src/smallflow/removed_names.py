"""Names TensorFlow 0.x had and 1.0 removed, with what replaced them.

Books and tutorials written for TensorFlow 0.x (``tf.scalar_summary``,
``tf.train.SummaryWriter``, ``tf.pack``, ...) fail on TensorFlow 1.x, and on smallflow, with
an AttributeError; smallflow's message also names the TensorFlow 1.x replacement, so a
learner can update the program. Nothing here is callable: the names stay missing, as in
TensorFlow 1.x.
"""

# module ("" for tf itself, "train") -> {old name: what TensorFlow 1.x calls it}
REPLACEMENTS = {
    "": {
        "mul": "tf.multiply",
        "sub": "tf.subtract",
        "neg": "tf.negative",
        "pack": "tf.stack",
        "unpack": "tf.unstack",
        "select": "tf.where",
        "batch_matmul": "tf.matmul (it multiplies batches of matrices)",
        "listdiff": "tf.setdiff1d",
        "scalar_summary": "tf.summary.scalar",
        "histogram_summary": "tf.summary.histogram",
        "image_summary": "tf.summary.image",
        "audio_summary": "tf.summary.audio",
        "merge_summary": "tf.summary.merge",
        "merge_all_summaries": "tf.summary.merge_all",
        "batch_matrix_inverse": "tf.matrix_inverse",
        "batch_matrix_determinant": "tf.matrix_determinant",
        "batch_matrix_diag": "tf.matrix_diag",
        "batch_matrix_diag_part": "tf.matrix_diag_part",
        "batch_matrix_band_part": "tf.matrix_band_part",
        "batch_matrix_solve": "tf.matrix_solve",
        "batch_matrix_triangular_solve": "tf.matrix_triangular_solve",
        "batch_cholesky": "tf.cholesky",
        "batch_self_adjoint_eig": "tf.self_adjoint_eig",
        "batch_fft": "tf.fft",
        "batch_ifft": "tf.ifft",
        "complex_abs": "tf.abs",
        "reduce_all_v2": "tf.reduce_all",
        "unsorted_segment_sum_v2": "tf.unsorted_segment_sum",
    },
    "train": {
        "SummaryWriter": "tf.summary.FileWriter",
        "SummaryWriterCache": "tf.summary.FileWriterCache",
    },
}


def missing(module, name):
    """The AttributeError for ``name`` missing from ``module`` (TensorFlow's message, plus
    the TensorFlow 1.x replacement when ``name`` is a TensorFlow 0.x name)."""
    path = "smallflow" if not module else f"smallflow.{module}"
    message = f"module '{path}' has no attribute '{name}'"
    replacement = REPLACEMENTS.get(module, {}).get(name)
    if replacement is not None:
        message += (f" (TensorFlow 0.x's name, removed in TensorFlow 1.0: use {replacement} "
                    "instead)")
    return AttributeError(message)
