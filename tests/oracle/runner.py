"""Run every oracle case under one backend and write what happened to a results file.

Executed twice by tests/oracle/test_oracle.py, each time in its own interpreter:

    python runner.py smallflow  OUT.npz   (with smallflow importable)
    python runner.py tensorflow OUT.npz   (an interpreter that has tensorflow-cpu)

For each case it records, per fetched name, the value, dtype name and static shape, or the
error class, its message and the stage (``build`` or ``run``) it was raised at. Values go to
``OUT.npz``; everything else to ``OUT.json``. The cases are plain functions of ``tf`` and
``np`` (cases.py), so the same code builds both graphs.
"""

import json
import os
import pathlib
import sys
import traceback

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases  # noqa: E402 - needs the path above


def _import_backend(name):
    if name == "smallflow":
        import smallflow as tf

        return tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # tf.compat.v1.nn.rnn_cell is legacy Keras in TensorFlow 2 (the tf-keras package).
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf

    # Graph mode with TensorFlow 1.x semantics (reference variables, v1 control flow).
    tf.disable_v2_behavior()
    return tf


def _static_shape(tensor):
    dims = tensor.shape
    if dims.ndims is None:
        return None
    return [d if isinstance(d, int) or d is None else d.value for d in dims.as_list()]


def _error_record(err, stage):
    text = getattr(err, "message", None) or str(err)
    # The line saying what went wrong: not TensorFlow 2's "Graph execution error:" header,
    # its traceback of where the node was defined, or the "[[node ...]]" trailer.
    lines = [line for line in text.splitlines() if line.strip() and not line[0].isspace()
             and not line.startswith(("Graph execution error", "Detected at node", "Node:"))]
    message = lines[-1] if lines else text.strip()
    return {"error": type(err).__name__, "message": message[:300], "stage": stage}


def _as_array(value):
    array = np.asarray(value)
    if array.dtype.kind in "SU":
        array = array.astype(object)
    return array


def run_case(tf, case):
    """Build and run one case in a fresh graph; return (record, arrays)."""
    graph = tf.Graph()
    arrays = {}
    with graph.as_default():
        try:
            built = case.build(tf, np)
        except Exception as err:  # noqa: BLE001 - the class is the result
            return _error_record(err, "build"), arrays
        built = built if isinstance(built, tuple) else (built,)
        # (fetches[, feed_dict[, setup]]): setup ops run once after initialization.
        fetches, feed, setup = (*built, {}, [])[:3]
        names = sorted(fetches)
        record = {"fetches": {}}
        for name in names:
            tensor = fetches[name]
            record["fetches"][name] = {
                "dtype": tensor.dtype.name,
                "shape": _static_shape(tensor),
            }
        if getattr(case, "runs", None):
            return _run_repeatedly(tf, case, graph, (fetches, feed, setup), names, record,
                                   arrays)
        try:
            with tf.Session(graph=graph) as sess:
                if case.init:
                    sess.run(tf.global_variables_initializer())
                if setup:
                    sess.run(setup)
                values = sess.run([fetches[n] for n in names], feed_dict=feed)
        except Exception as err:  # noqa: BLE001
            record.update(_error_record(err, "run"))
            return record, arrays
        for name, value in zip(names, values):
            array = _as_array(value)
            arrays[f"{case.name}::{name}"] = array
            record["fetches"][name]["value_dtype"] = str(array.dtype)
            record["fetches"][name]["value_shape"] = list(array.shape)
        return record, arrays


def _run_repeatedly(tf, case, graph, built, names, record, arrays):
    """``case.runs`` runs of the same fetches in one session (iterators, streaming
    metrics): run i's values are recorded as ``name@i``; the error that stops the runs
    early (``OutOfRangeError`` at the end of a dataset) as ``ended``."""
    fetches, feed, setup = built
    static = record.pop("fetches")
    record["fetches"] = {}
    with tf.Session(graph=graph) as sess:
        try:
            if case.init:
                sess.run(tf.global_variables_initializer())
            if setup:
                sess.run(setup)
        except Exception as err:  # noqa: BLE001
            record.update(_error_record(err, "run"))
            return record, arrays
        for index in range(case.runs):
            try:
                values = sess.run([fetches[n] for n in names], feed_dict=feed)
            except Exception as err:  # noqa: BLE001 - how the sequence ended is the result
                ended = _error_record(err, "run")
                record["ended"] = {"error": ended["error"], "after": index}
                break
            for name, value in zip(names, values):
                array = _as_array(value)
                key = f"{name}@{index}"
                arrays[f"{case.name}::{key}"] = array
                record["fetches"][key] = dict(static[name], value_dtype=str(array.dtype),
                                              value_shape=list(array.shape))
    return record, arrays


def main(argv):
    backend, out = argv[1], pathlib.Path(argv[2])
    tf = _import_backend(backend)
    records = {}
    all_arrays = {}
    for case in cases.all_cases():
        try:
            record, arrays = run_case(tf, case)
        except Exception:  # noqa: BLE001 - a bug in the runner or a case: report it
            record, arrays = {"crash": traceback.format_exc(limit=3)}, {}
        records[case.name] = record
        all_arrays.update(arrays)
    np.savez(out.with_suffix(".npz"), **all_arrays)
    out.with_suffix(".json").write_text(json.dumps(records, indent=0, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv)
