"""Every registered op type is compared with TensorFlow by the oracle, or says why not.

Builds every oracle case (cases.py) in a fresh smallflow graph, without TensorFlow, and
collects the op types the graphs hold. A registered op type (``smallflow.registry.OP_DEFS``)
that no case builds must be listed in ``NOT_COMPARED`` with the reason and the test that
covers it instead; an entry that a case now builds, or that is no longer registered, must go.
"""

import contextlib
import pathlib
import sys
import warnings

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases  # noqa: E402

import smallflow as tf  # noqa: E402
import smallflow.contrib  # noqa: E402,F401 - registers its ops when imported
import smallflow.data  # noqa: E402,F401
import smallflow.distribute.mpi_ops  # noqa: E402,F401
import smallflow.estimator  # noqa: E402,F401
import smallflow.layers  # noqa: E402,F401
from smallflow.registry import OP_DEFS  # noqa: E402

_CHECKPOINT = ("checkpoint file op: tests/oracle/test_checkpoint_files.py compares the files "
               "with TensorFlow's both ways")
_READER = ("reader op fed by a filename queue: tests/test_queues.py and tests/test_tfrecord.py "
           "(a case cannot run queue runners)")
_TF1_CONTROL_FLOW = ("only in graphs TensorFlow 1.x wrote: "
                     "tests/oracle/test_tf_control_flow_files.py imports TensorFlow's files "
                     "and compares the values")
NOT_COMPARED = {
    # Ours only: TensorFlow has no op of this name in the graphs it builds.
    "BroadcastGradientArgs": "built only when exporting gradients in TF's form "
                             "(tests/test_graph_tf_form.py); our gradients reduce in the kernel",
    "ShapeN": "tf.shape_n builds one Shape per tensor; ShapeN comes only from imported "
              "GraphDefs (tests/test_op_signatures.py); coverage/shape_n compares tf.shape_n",
    "StatelessSeedMix": "ours for tf.random.experimental.stateless_split/fold_in; seeds are "
                        "NumPy Philox, not TF's numbers (tests/test_stateless_random_ops.py)",
    **{op: "the BoostedTrees estimators' ops (ours: TF's take an ensemble resource); TF 2.21 "
           "has no tf.estimator: tests/test_compat_session12_gcp.py compares the estimators "
           "with TensorFlow 2.8's on fixtures"
       for op in ("SmallflowBoostedTreesPredict", "SmallflowBoostedTreesStates",
                  "SmallflowBoostedTreesUpdate", "SmallflowBoostedTreesDebugPaths")},
    **{op: "tf.contrib.tensor_forest's ops (ours: TF 1.x's take tree and stats resources); "
           "TF 2 has no tensor_forest: tests/test_compat_session15_forest.py checks the "
           "forests learn, grow to max_nodes, repeat with a seed and survive checkpoints"
       for op in ("SmallflowForestTrain", "SmallflowForestPredict", "SmallflowForestSize",
                  "SmallflowForestFeatureUsage")},
    **{op: "tf.contrib.boosted_trees's ops (ours: TF 1.x's take ensemble, quantile and stats "
           "resources); TF 2 has no contrib: tests/test_compat_session16_gbdt.py checks learned "
           "trees against TensorFlow 1.15's formulas by hand"
       for op in ("SmallflowGbdtPredict", "SmallflowGbdtStats", "SmallflowGbdtTrain")},
    # TensorFlow 2's compat.v1 lacks the API.
    "ImageConnectedComponents": "tf.contrib.image.connected_components is gone from TF 2 (no "
                                "raw op either); tests/test_compat_session15_cops_contrib.py "
                                "checks labels against a flood fill",
    **{op: "MPI collective (contrib.mpi_collectives, gone from TF 2); tests/test_distribute.py"
       for op in ("MPIAllgather", "MPIAllgatherGrad", "MPIAllreduce", "MPIBroadcast",
                  "MPIBroadcastGrad")},
    "GatherTree": "tf.contrib.seq2seq.gather_tree is gone from TF 2 (no raw op either); "
                  "tests/test_contrib_seq2seq_beam.py checks it against hand-traced beams",
    "ImageProjectiveTransformV2": "tf.contrib.image.transform is gone from TF 2 "
                                  "(tests/test_op_signatures.py, tests/test_cnn_bn.py)",
    "InitializeTableV2": "TF 1.x's older tensor initializer of a table, kept for graphs read "
                         "from files; KeyValueTensorInitializer builds LookupTableImportV2 "
                         "(compared in sweep_9g/*), the same kernel; tests/test_op_signatures.py",
    **{op: "cuDNN op (tf.contrib.cudnn_rnn): GPU kernels only, so nothing to compare on a "
           "CPU; tests/test_compat_session12_contrib_rnn.py checks the graph and the error"
       for op in ("CudnnRNNCanonicalToParams", "CudnnRNNV3", "CudnnRNNBackpropV3")},
    "DatasetToTFRecord": "tf.data.experimental.TFRecordWriter writes a file whose records "
                         "tests/test_tfrecord.py reads back; a graph case has no file to fetch",
    # Values that cannot be equal.
    "EncodeJpegVariableQuality": "JPEG bytes and pixels are the codec's own (libjpeg "
                                 "settings); tests/test_image_codecs_and_boxes.py",
    "MergeV2Checkpoints": _CHECKPOINT,
    "RestoreV2": _CHECKPOINT,
    "SaveV2": _CHECKPOINT,
    "ShardedFilename": _CHECKPOINT,
    "ReaderNumRecordsProducedV2": _READER,
    "ReaderReadV2": _READER,
    "ReaderResetV2": _READER,
    # TensorFlow 1.x's control flow as found in graphs TensorFlow wrote: compared by importing
    # TensorFlow's files (the oracle cases build graphs with smallflow's cond/while_loop).
    **{op: _TF1_CONTROL_FLOW for op in (
        "Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
        "NextIteration", "RefNextIteration", "LoopCond", "ControlTrigger", "StackV2",
        "StackPushV2", "StackPopV2", "StackCloseV2", "SigmoidGrad", "TanhGrad", "ConcatOffset",
        *(f"HandleTensorArray{kind}V3" for kind in (
            "", "Grad", "Write", "Read", "Gather", "Scatter", "Size", "Concat", "Split",
            "Close")))},
}


def _built_op_types():
    types = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some cases build on purpose what warns
        for case in cases.all_cases():
            graph = tf.Graph()
            # cases of build errors still hold ops
            with graph.as_default(), contextlib.suppress(Exception):
                case.build(tf, np)
            types.update(op.type for op in graph.get_operations())
    return types


@pytest.fixture(scope="module")
def built():
    # Every case, whatever SMALLFLOW_ORACLE_CASES selects for the oracle run.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SMALLFLOW_ORACLE_CASES", raising=False)
        return _built_op_types()


# Summary ops build their protocol buffers with TensorBoard's classes: without the
# tensorboard extra (the README's test command installs only [test]) their cases fail to
# build, so these are only required to be built where the extra is installed (CI).
NEEDS_TENSORBOARD = {"AudioSummaryV2", "HistogramSummary", "ImageSummary", "MergeSummary",
                     "ScalarSummary", "TensorSummaryV2"}


def _has_tensorboard():
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


def test_every_registered_op_is_compared_or_listed(built):
    excused = set() if _has_tensorboard() else NEEDS_TENSORBOARD
    # Defun registers an op type per traced function (the session11/defun case builds one).
    defun = {name for name in OP_DEFS
             if OP_DEFS.where(name) == "smallflow.python.framework.function"}
    missing = sorted(set(OP_DEFS) - built - set(NOT_COMPARED) - excused - defun)
    assert not missing, (f"op types no oracle case builds: {missing}; add a case "
                         "(tests/oracle/cases_coverage.py) or a reason to NOT_COMPARED")


def test_not_compared_lists_only_registered_ops_no_case_builds(built):
    stale = sorted(name for name in NOT_COMPARED if name not in OP_DEFS or name in built)
    assert not stale, f"NOT_COMPARED entries to remove: {stale}"
