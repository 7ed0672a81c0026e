"""smallflow against TensorFlow itself: the same small graphs, run in two processes.

TensorFlow is found through the environment variable ``SMALLFLOW_ORACLE_PYTHON`` (an
interpreter with ``tensorflow-cpu`` installed; ``.ci/run`` makes one). Without it every case
is skipped, saying so. Each case (cases.py) is built and run by runner.py once under that
interpreter (``tensorflow.compat.v1``, graph mode, v1 behaviour) and once under ours; this
file compares, case by case: the error class and the stage it was raised at (building the
graph or running it), else each fetched tensor's dtype, static shape and value (NaN where
TensorFlow has NaN, exact for integers, bools and strings, a relative tolerance for floats).

``DIFFERENCES`` is the one list of intended differences, each with its reason.
"""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
sys.path.insert(0, str(HERE))

import cases  # noqa: E402

ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")
CASES = {case.name: case for case in cases.all_cases()}

# Intended differences: case name (or a prefix ending in "/") -> why smallflow differs.
# TensorFlow here is 2.x's compat.v1; where it changed TensorFlow 1.15's behaviour on purpose
# we follow 1.15 and say so.
_INTEGER_DIVISION_BY_ZERO = ("TensorFlow 2.x reports an integer truncated division by zero as "
                             "InternalError; 1.15 and floordiv say InvalidArgumentError "
                             "'Integer division by zero', as we do")
# Reference tensors: TF 1.x's assign and scatter ops return their variable as a float32_ref
# tensor; smallflow's tensors never carry a ref dtype (Variable.dtype does). The comparison
# takes "float32_ref" for "float32" and checks everything else (shape, values).
REF_DTYPE_REASON = "assign and scatter ops' outputs are float32, not float32_ref (no ref tensors)"
DIFFERENCES = {
    "session11/function_bad_signature": "TF 1.15 refuses inputs that do not fit a tf.function's "
                                        "input_signature with a ValueError; TF 2 binds them "
                                        "first and raises TypeError",
    # TensorFlow 2 widened some ops' dtypes; 1.15 refuses these when the graph is built.
    "binary/div_no_nan/int": "TF 1.15's DivNoNan is floats/complex only (TF 2 added ints)",
    "binary/op_mul/bool/": "TF 1.15's * on bools is a TypeError (TF 2 made it logical_and)",
    "reduce/argmax/bool/": "TF 1.15's ArgMax takes numbers only (TF 2 added bool)",
    "reduce/argmin/bool/": "TF 1.15's ArgMin takes numbers only (TF 2 added bool)",
    "reduce/argmax/float32/both": "TF 1.15 reports a list axis from the op's shape function "
                                  "(ValueError: Shape must be rank 0); TF 2 checks it in Python "
                                  "first (TypeError)",
    # TensorFlow's own numerical quirks, not copied.
    "unary/erf/float64": "TF's float64 erf gives NaN at +-inf; smallflow gives +-1 (the limit)",
    "unary/softmax/float32": "on a row holding inf and NaN, TF's float32 kernel returns 0 for "
                             "the finite entries and its float64 kernel NaN; smallflow NaN",
    "binary/truncatediv/int32/same": _INTEGER_DIVISION_BY_ZERO,
    "binary/truncatediv/int64/same": _INTEGER_DIVISION_BY_ZERO,
    "binary/truncatemod/int32/same": _INTEGER_DIVISION_BY_ZERO,
    "binary/truncatemod/int64/same": _INTEGER_DIVISION_BY_ZERO,
}
# Issue 8's op-family grids (cases_families.py).
_MATMUL_TYPES = ("TF 1.15's einsum and tensordot are built on MatMul, which refuses bool, "
                 "string and uint8 when the graph is built (TypeError); TF 2 declares them "
                 "and fails when run (no kernel)")
_COMPOSITE_WIDER = ("built from reshapes and selections, smallflow computes this for types "
                    "TensorFlow has no kernel for (TF fails when run: 'No OpKernel')")
_NAN_ORDER = ("TF's top_k (and sort, built on it) places NaN by position and k (first here, "
              "last for other rows); smallflow always puts NaN last")
DIFFERENCES.update({
    "fam/edge/cholesky_not_pd": "TF 2 fills a failed Cholesky with NaN; TF 1.15 raised "
                                "InvalidArgumentError 'Cholesky decomposition was not "
                                "successful', as smallflow does",
    "fam/grad/cumprod_zero": "TF 2's Cumprod gradient divides with div_no_nan (0 at zeros); "
                             "TF 1.15's divides by x, giving NaN there, as smallflow does",
    "fam/grid/einsum/bool": _MATMUL_TYPES,
    "fam/grid/einsum/string": _MATMUL_TYPES,
    "fam/grid/einsum/uint8": _MATMUL_TYPES,
    "fam/grid/tensordot/uint8": _MATMUL_TYPES,
    "fam/grid/erf/float64": DIFFERENCES["unary/erf/float64"],
    "fam/grid/l2_normalize/complex64": "TF 2 normalizes complex tensors; TF 1.15's Maximum "
                                       "refuses complex when the graph is built",
    "fam/grid/meshgrid/bool": DIFFERENCES["binary/op_mul/bool/"],
    "fam/grid/tensor_scatter_add/bool": "TF has no TensorScatterAdd kernel for bool and string and "
                                    "fails when run; smallflow refuses them when built",
    "fam/grid/tensor_scatter_add/string": "as fam/grid/tensor_scatter_add/bool",
    "fam/grid/unique/float16": "TF's float16 Unique hashes bits, keeping 0.0 and -0.0 apart "
                               "(its float32/64 Unique merges them, as smallflow does for all)",
    "fam/grid/unique_with_counts/float16": "as fam/grid/unique/float16",
    "fam/grid/clip_by_value/uint8": "TF 1.15's Minimum/Maximum (clip_by_value) refuse uint8 "
                                    "when built; TF 2 added it",
    "fam/grid/matrix_diag/string": "TF 2's matrix_diag passes an int padding value that "
                                   "strings refuse; TF 1.15's MatrixDiag takes any type",
    "fam/grid/matrix_diag_part/string": "as fam/grid/matrix_diag/string",
    "fam/grid/batch_to_space/bool": _COMPOSITE_WIDER,
    "fam/grid/batch_to_space/complex64": _COMPOSITE_WIDER,
    "fam/grid/batch_to_space/string": _COMPOSITE_WIDER,
    "fam/grid/matrix_band_part/string": _COMPOSITE_WIDER,
    "fam/grid/matrix_set_diag/string": _COMPOSITE_WIDER,
    "fam/edge/top_k_nan_ties": _NAN_ORDER,
    "fam/edge/sort_nan": _NAN_ORDER,
})
# Sparse gradients (cases_sparse.py): where TensorFlow 2 changed 1.15 on purpose.
DIFFERENCES.update({
    "sparse/grad/densify_warnings": "TF 1.15 warns 'Converting sparse IndexedSlices to a dense "
                                    "Tensor of unknown shape' when it densifies a gradient "
                                    "whose shape is unknown when built (framework/ops.py); "
                                    "TF 2 dropped that warning; smallflow follows 1.15",
    "sparse/grad/lookup_sparse_sum": "TF 2's embedding_lookup_sparse without weights reads "
                                     "the table directly (its 2023 fast path), giving "
                                     "gradient rows sorted by id; TF 1.15 looks up the unique "
                                     "ids first, giving rows in first-seen order, as smallflow "
                                     "does (same dense gradient)",
})
# Coverage cases (cases_coverage.py).
_PNG_BYTES = ("PNG bytes are the encoder's own (zlib level and row filters differ); the "
              "decoded pixels, tags, sizes and colorspaces were checked equal to TensorFlow's "
              "when the case was written (helper hcov)")
DIFFERENCES.update({
    "coverage/summary/image": _PNG_BYTES,
})
# Session 13's gradient sweep (cases_session13_grads*.py): where TensorFlow 2 changed 1.15.
DIFFERENCES.update({
    "grads/nn/sparse_softmax_xent_second/": "TF 1.15 refuses the second derivative of the "
                                            "fused sparse cross entropy (prevent_gradient: "
                                            "LookupError), as smallflow does; TF 2 computes it",
    "grads/fft/real_three_d/": "TensorFlow (1.15 and 2) registers no gradient for RFFT3D and "
                               "IRFFT3D (LookupError); smallflow's are the exact ones, as for "
                               "the 1-D and 2-D ops (tests/test_gradient_registry.py)",
    "grads/reduce/prod_zeros_second/": "the second derivative of reduce_prod goes through "
                                       "Cumprod's gradient, which divides by x in TF 1.15 (NaN "
                                       "at zeros, as smallflow); TF 2 uses div_no_nan",
})
# Differences not fixed yet (the owner of the op is named): each is a known mismatch.
NOT_YET_FIXED = {
    "grads/function/tf_function_second/": "helper grads (session 13): a second derivative "
                                          "through a tf.function call is NotImplementedError "
                                          "(TensorFlow computes it)",
}
for _prefix in ("float64/both", "float32/dup", "float64/dup", "int32/both", "int32/dup"):
    for _op in ("argmax", "argmin"):
        DIFFERENCES[f"reduce/{_op}/{_prefix}"] = DIFFERENCES["reduce/argmax/float32/both"]
DIFFERENCES["reduce/argmin/float32/both"] = DIFFERENCES["reduce/argmax/float32/both"]


def _difference(name):
    for table in (DIFFERENCES, NOT_YET_FIXED):
        for key, reason in table.items():
            if name == key or name.startswith(key):
                return reason
    return None


def _run(python, backend, out, env):
    result = subprocess.run([python, str(HERE / "runner.py"), backend, str(out)],
                            capture_output=True, text=True, env=env, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"{backend} runner failed:\n{result.stderr[-3000:]}")
    records = json.loads(out.with_suffix(".json").read_text())
    with np.load(out.with_suffix(".npz"), allow_pickle=True) as arrays:
        values = {key: arrays[key] for key in arrays.files}
    return records, values


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu installed (see README, 'TensorFlow oracle')")
    folder = tmp_path_factory.mktemp("oracle")
    env = dict(os.environ, PYTHONPATH=str(SRC), TF_CPP_MIN_LOG_LEVEL="3")
    ours = _run(sys.executable, "smallflow", folder / "smallflow", env)
    tf_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    theirs = _run(ORACLE_PYTHON, "tensorflow", folder / "tensorflow", tf_env)
    return ours, theirs


def _plain(array):
    """A quantized value (a one-field structured array, qint8 ...) as its integers."""
    return array.view(array.dtype[0]) if array.dtype.names else array


def _compare_values(name, fetch, ours, theirs, rtol, atol=None):
    ours, theirs = _plain(ours), _plain(theirs)
    assert ours.shape == theirs.shape, f"{fetch}: value shape {ours.shape} != {theirs.shape}"
    if theirs.dtype == object or ours.dtype == object:
        assert ours.tolist() == theirs.tolist(), f"{fetch}: {ours!r} != {theirs!r}"
        return
    if theirs.dtype.kind in "fc":
        np.testing.assert_allclose(ours, theirs, rtol=rtol,
                                   atol=rtol * 1e-3 if atol is None else atol, equal_nan=True,
                                   err_msg=f"{name}: {fetch}")
        return
    np.testing.assert_array_equal(ours, theirs, err_msg=f"{name}: {fetch}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_smallflow_matches_tensorflow(results, name):
    (our_records, our_values), (tf_records, tf_values) = results
    ours, theirs = our_records[name], tf_records[name]
    reason = _difference(name)
    if reason:
        pytest.xfail(reason)
    assert "crash" not in theirs, theirs.get("crash")
    assert "crash" not in ours, ours.get("crash")
    if "error" in theirs:
        got = (ours.get("error"), ours.get("stage"))
        assert got == (theirs["error"], theirs["stage"]), (
            f"TensorFlow raised {theirs['error']} when {theirs['stage']}ing the graph "
            f"({theirs['message']}); smallflow: "
            + (f"{ours['error']} at {ours['stage']} ({ours['message']})" if "error" in ours
               else "no error")
        )
        return
    assert "error" not in ours, (
        f"smallflow raised {ours['error']} at {ours['stage']}: {ours['message']}")
    # Repeated runs (cases with ``runs``) also end the same way, after as many runs.
    assert ours.get("ended") == theirs.get("ended"), (
        f"runs ended {ours.get('ended')} in smallflow, {theirs.get('ended')} in TensorFlow")
    assert sorted(ours["fetches"]) == sorted(theirs["fetches"])
    rtol = CASES[name].rtol or 1e-6
    for fetch, want in theirs["fetches"].items():
        got = ours["fetches"][fetch]
        wanted_dtype = want["dtype"].removesuffix("_ref")  # REF_DTYPE_REASON
        assert got["dtype"] == wanted_dtype, f"{fetch}: dtype {got['dtype']} != {want['dtype']}"
        assert got["shape"] == want["shape"], (
            f"{fetch}: static shape {got['shape']} != {want['shape']}")
        key = f"{name}::{fetch}"
        _compare_values(name, fetch, our_values[key], tf_values[key], rtol, CASES[name].atol)
