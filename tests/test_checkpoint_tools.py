"""The checkpoint utilities TF1 programs use, on TensorFlow-written and smallflow-written
checkpoints: init_from_checkpoint, inspect_checkpoint, checkpoint_exists and friends."""

import os
import pathlib
import shutil

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.python.tools import inspect_checkpoint

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_checkpoints"
TF_PREFIX = str(FIXTURES / "model.ckpt-7")
KERNEL = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
BIAS = np.array([0.5, -1.0, 2.0, -0.0], np.float32)


def _dense(scope):
    with tf.variable_scope(scope):
        return tf.get_variable("kernel", [3, 4]), tf.get_variable("bias", [4])


def _initialized(*variables):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(variables))


# -- init_from_checkpoint -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "scope"),
    [
        ({"dense/": "new/"}, "new"),  # a scope onto another scope
        ({"dense/": "dense/"}, "dense"),
        ({"dense/kernel": "new/kernel", "dense/bias": "new/bias"}, "new"),  # name by name
        ({"dense/": "outer/inner/"}, "outer/inner"),
    ],
)
def test_init_from_checkpoint_maps_scopes_and_names(assignment, scope):
    kernel, bias = _dense(scope)
    tf.train.init_from_checkpoint(TF_PREFIX, assignment)
    got_kernel, got_bias = _initialized(kernel, bias)
    np.testing.assert_array_equal(got_kernel, KERNEL)
    np.testing.assert_array_equal(got_bias, BIAS)


def test_init_from_checkpoint_takes_variables_and_the_root_scope(tmp_path):
    counts = tf.Variable(tf.zeros([2, 2], tf.int64), name="mine")
    tf.train.init_from_checkpoint(TF_PREFIX, {"counts": counts})
    with tf.variable_scope("restored"):
        precise = tf.get_variable("precise", [], tf.float64)
    tf.train.init_from_checkpoint(TF_PREFIX, {"/": "restored/"})
    got_counts, got_precise = _initialized(counts, precise)
    assert got_counts.tolist() == [[1, -2], [3, 1 << 40]]
    assert got_precise == 1 / 3


def test_init_from_checkpoint_reads_when_the_initializer_runs_not_before(tmp_path):
    """As in TensorFlow: the graph holds a RestoreV2 op, not the values."""
    folder = tmp_path / "ckpt"
    shutil.copytree(FIXTURES, folder)
    kernel, _ = _dense("new")
    tf.train.init_from_checkpoint(str(folder / "model.ckpt-7"), {"dense/kernel": "new/kernel"})
    assert "RestoreV2" in [op.type for op in tf.get_default_graph().get_operations()]
    for name in os.listdir(folder):
        os.remove(folder / name)
    with tf.Session() as sess, pytest.raises(errors.NotFoundError, match="model.ckpt-7"):
        sess.run(kernel.initializer)


def test_init_from_checkpoint_reads_smallflow_npz_checkpoints_too(tmp_path):
    w = tf.Variable(KERNEL, name="w")
    saver = tf.train.Saver(write_version="npz")
    with tf.Session() as sess:
        sess.run(w.initializer)
        prefix = saver.save(sess, str(tmp_path / "old"))
    with tf.Graph().as_default():
        kernel, _ = _dense("new")
        tf.train.init_from_checkpoint(prefix, {"w": "new/kernel"})
        np.testing.assert_array_equal(_initialized(kernel)[0], KERNEL)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ({"nope/": "new/"}, r"Tensor nope/bias \(bias in nope/\) is not found"),
        ({"absent": "new/kernel"}, "Tensor absent is not found"),
        ({"dense/kernel": "new/bias"}, r"Shape of variable new/bias:0 .* doesn't match"),
        ({"dense/kernel": "no_such_variable"}, "should map to scope only"),
        ({"small_ints": "new/kernel"}, "doesn't match"),
        ({"counts": "new/counts"}, "is float32 but tensor counts in the checkpoint is int64"),
    ],
)
def test_init_from_checkpoint_refuses_what_does_not_fit(assignment, message):
    _dense("new")
    with tf.variable_scope("new"):
        tf.get_variable("counts", [2, 2])
    with pytest.raises(ValueError, match=message):
        tf.train.init_from_checkpoint(TF_PREFIX, assignment)


def test_init_from_checkpoint_of_a_missing_checkpoint_is_not_found(tmp_path):
    _dense("new")
    with pytest.raises(errors.NotFoundError):
        tf.train.init_from_checkpoint(str(tmp_path / "none"), {"dense/": "new/"})


# -- inspect_checkpoint ---------------------------------------------------------------------------


def test_inspect_checkpoint_prints_names_dtypes_shapes_and_the_parameter_count(capsys):
    inspect_checkpoint.print_tensors_in_checkpoint_file(TF_PREFIX, "", False)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["counts (DT_INT64) [2,2]", "dense/bias (DT_FLOAT) [4]",
                         "dense/kernel (DT_FLOAT) [3,4]"]
    assert "words (DT_STRING) [3]" in lines
    assert lines[-1] == "# Total number of params: 29"


def test_inspect_checkpoint_prints_one_tensor_or_all(capsys):
    inspect_checkpoint.print_tensors_in_checkpoint_file(TF_PREFIX, "dense/bias", False)
    out = capsys.readouterr().out
    assert out.startswith("tensor_name:  dense/bias\n[ 0.5 -1.   2.  -0. ]")
    inspect_checkpoint.print_tensors_in_checkpoint_file(TF_PREFIX, "", False, True)
    names = [line for line in capsys.readouterr().out.splitlines() if line.startswith("tensor")]
    assert len(names) == 8
    assert names[0] == "tensor_name:  counts"


def test_inspect_checkpoint_prints_problems_with_a_hint_for_file_names(tmp_path, capsys):
    damaged = tmp_path / "m.index"
    damaged.write_bytes(b"not a table at all, long enough to hold a footer.......")
    inspect_checkpoint.print_tensors_in_checkpoint_file(str(damaged), "", False)
    out = capsys.readouterr().out
    assert "bad magic number" in out
    assert "provide the filename\n*prefix*" in out
    inspect_checkpoint.print_tensors_in_checkpoint_file(str(tmp_path / "none"), "", False)
    assert "not a valid checkpoint" in capsys.readouterr().out


# -- finding and deleting checkpoints -------------------------------------------------------------


def _save_both_formats(folder):
    w = tf.Variable(KERNEL, name="w")
    prefixes = {}
    with tf.Session() as sess:
        sess.run(w.initializer)
        for version in (None, "npz"):
            saver = tf.train.Saver([w], write_version=version)
            prefixes[version or "v2"] = saver.save(sess, str(folder / f"m-{version or 'v2'}"),
                                                   write_meta_graph=False)
    return prefixes


def test_checkpoint_exists_mtimes_and_remove_know_both_formats(tmp_path):
    prefixes = _save_both_formats(tmp_path)
    assert tf.train.checkpoint_exists(TF_PREFIX)
    assert all(tf.train.checkpoint_exists(p) for p in prefixes.values())
    assert not tf.train.checkpoint_exists(str(tmp_path / "absent"))
    mtimes = tf.train.get_checkpoint_mtimes([prefixes["v2"], str(tmp_path / "absent"),
                                             prefixes["npz"]])
    assert len(mtimes) == 2
    assert all(abs(t - os.path.getmtime(tmp_path)) < 60 for t in mtimes)
    for prefix in prefixes.values():
        tf.train.remove_checkpoint(prefix)
    assert os.listdir(tmp_path) == ["checkpoint"]


def test_a_prefix_holds_one_checkpoint_whichever_format_saved_last(tmp_path):
    w = tf.Variable(KERNEL, name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        tf.train.Saver([w]).save(sess, str(tmp_path / "m"), write_meta_graph=False)
        tf.train.Saver([w], write_version="npz").save(sess, str(tmp_path / "m"),
                                                      write_meta_graph=False)
        assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m.json", "m.npz"]
        tf.train.Saver([w]).save(sess, str(tmp_path / "m"), write_meta_graph=False)
        assert sorted(os.listdir(tmp_path)) == [
            "checkpoint", "m.data-00000-of-00001", "m.index"]


def test_a_checkpoint_may_be_named_by_one_of_its_files(tmp_path):
    for name in (TF_PREFIX + ".index", TF_PREFIX + ".data-00000-of-00001", str(FIXTURES)):
        assert tf.train.load_variable(name, "dense/bias:0").tolist() == BIAS.tolist()


def test_write_version_v1_writes_v2_with_a_warning(tmp_path, caplog):
    w = tf.Variable(KERNEL, name="w")
    saver = tf.train.Saver([w], write_version=1)
    assert "V1 checkpoint format is deprecated" in caplog.text
    with tf.Session() as sess:
        sess.run(w.initializer)
        prefix = saver.save(sess, str(tmp_path / "m"), write_meta_graph=False)
    assert os.path.isfile(prefix + ".index")


def test_metadata_needs_the_npz_format(tmp_path):
    w = tf.Variable(KERNEL, name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(ValueError, match='write_version="npz"'):
            tf.train.Saver([w]).save(sess, str(tmp_path / "m"), metadata={"a": 1})
    assert os.listdir(tmp_path) == []


def test_the_reader_debug_string_of_an_npz_checkpoint_is_tensorflows_form(tmp_path):
    prefix = _save_both_formats(tmp_path)["npz"]
    assert tf.train.NewCheckpointReader(prefix).debug_string() == b"w (DT_FLOAT) [3,4]\n"


def test_adam_under_a_name_scope_saves_under_tensorflows_keys(tmp_path):
    # golbin/TensorFlow-Tutorials 05 ships a checkpoint TensorFlow wrote for this layout
    # (list_variables of its dnn.ckpt-100): a smallflow run must find every key in it.
    global_step = tf.Variable(0, trainable=False, name="global_step")
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.name_scope("layer1"):
        w1 = tf.Variable(tf.random_uniform([2, 3], -1.0, 1.0), name="W1")
    with tf.name_scope("optimizer"):
        train = tf.train.AdamOptimizer(0.01).minimize(
            tf.reduce_sum(tf.matmul(x, w1)), global_step=global_step)
    assert train is not None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "dnn.ckpt"), global_step=global_step)
    assert [name for name, _ in tf.train.list_variables(prefix)] == [
        "global_step", "layer1/W1", "layer1/W1/Adam", "layer1/W1/Adam_1",
        "optimizer/beta1_power", "optimizer/beta2_power"]


# -- the other paths TF1 programs reach the same tools by ------------------------------------------


def test_pywrap_tensorflow_and_contrib_framework_give_the_same_reader_and_helpers():
    from smallflow.python import pywrap_tensorflow

    reader = pywrap_tensorflow.NewCheckpointReader(TF_PREFIX)
    assert reader.get_variable_to_shape_map()["dense/kernel"] == [3, 4]
    framework = tf.contrib.framework
    assert framework.list_variables(TF_PREFIX) == tf.train.list_variables(TF_PREFIX)
    np.testing.assert_array_equal(framework.load_variable(TF_PREFIX, "dense/bias"), BIAS)
    assert framework.init_from_checkpoint is tf.train.init_from_checkpoint


@pytest.mark.parametrize("helper", ["assign_from_checkpoint", "assign_from_checkpoint_fn"])
def test_slims_restore_helpers_set_the_variables_and_can_skip_missing_ones(helper):
    kernel, bias = _dense("dense")
    extra = tf.Variable(1.0, name="not_in_checkpoint")
    restore = getattr(tf.contrib.slim, helper)
    if helper == "assign_from_checkpoint":  # the assign ops are built at once
        with pytest.raises(ValueError, match="not_in_checkpoint"):
            restore(TF_PREFIX, [kernel, bias, extra])
    else:  # the function restores when called
        made = restore(TF_PREFIX, [kernel, bias, extra])
        with tf.Session() as sess, pytest.raises(errors.NotFoundError):
            made(sess)
    made = restore(TF_PREFIX, [kernel, bias, extra], ignore_missing_vars=True)
    with tf.Session() as sess:
        if helper == "assign_from_checkpoint":
            sess.run(made[0], made[1])
        else:
            made(sess)
        np.testing.assert_array_equal(sess.run(kernel), KERNEL)
        np.testing.assert_array_equal(sess.run(bias), BIAS)
