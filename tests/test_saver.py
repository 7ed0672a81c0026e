"""train.Saver writes portable checkpoints atomically and restores them, or says why not."""

import json
import os
import zipfile

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.train import checkpoint_management, sstable

WEIGHTS = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
BIASES = np.array([0.5, -1.5, 2.5], dtype=np.float32)


def _model(weights=WEIGHTS, biases=BIASES):
    """Two variables named like the tutorial's (``Variable``, ``Variable_1``)."""
    w = tf.Variable(weights)
    b = tf.Variable(biases)
    return w, b


def _saved(directory, name="model.ckpt", write_version=None, **save_kwargs):
    """Save the default model once; return the prefix. With ``metadata``, in the npz format
    (the only one that stores it)."""
    _model()
    if write_version is None and "metadata" in save_kwargs:
        write_version = "npz"
    saver = tf.train.Saver(write_version=write_version)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return saver.save(sess, str(directory / name), **save_kwargs)


def _restore_fresh(prefix, var_list_fn=lambda: None, shapes=((3, 4), (3,))):
    """Restore ``prefix`` into a new graph and session; return the variables' values."""
    with tf.Graph().as_default():
        made = [tf.Variable(tf.zeros(shape)) for shape in shapes]
        var_list = var_list_fn()
        saver = tf.train.Saver(var_list if var_list is not None else made)
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            return sess.run(made)


# -- round trips ----------------------------------------------------------------------------------


def test_values_round_trip_into_a_fresh_graph_and_session(tmp_path):
    prefix = _saved(tmp_path)
    assert prefix == str(tmp_path / "model.ckpt")
    w, b = _restore_fresh(prefix)
    np.testing.assert_array_equal(w, WEIGHTS)
    np.testing.assert_array_equal(b, BIASES)
    assert w.dtype == np.float32


def test_checkpoint_files_are_a_plain_npz_a_json_and_an_index(tmp_path):
    prefix = _saved(
        tmp_path, metadata={"model": "softmax", "accuracy": np.float32(0.92), "seed": np.int64(3)}
    )
    expected = ["checkpoint", "model.ckpt.json", "model.ckpt.npz"]
    if tf.tb_protos.available():
        expected.insert(2, "model.ckpt.meta")  # TensorFlow's graph file, beside the values
    assert sorted(os.listdir(tmp_path)) == expected
    with np.load(prefix + ".npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["Variable"], WEIGHTS)
        np.testing.assert_array_equal(archive["Variable_1"], BIASES)
    record = json.loads((tmp_path / "model.ckpt.json").read_text())
    assert record["format"] == "smallflow-checkpoint"
    assert record["smallflow_version"]
    assert record["variables"] == [
        {"name": "Variable", "shape": [3, 4], "dtype": "float32"},
        {"name": "Variable_1", "shape": [3], "dtype": "float32"},
    ]
    assert record["metadata"] == {"model": "softmax", "accuracy": 0.92, "seed": 3}
    assert record["global_step"] is None


def test_metadata_is_read_without_a_session_from_prefix_file_or_directory(tmp_path):
    prefix = _saved(tmp_path, metadata={"model": "mlp"})
    for where in (prefix, prefix + ".npz", tmp_path):
        record = tf.train.read_checkpoint_metadata(where)
        assert record["metadata"] == {"model": "mlp"}


def test_list_and_load_variables_without_a_session(tmp_path):
    prefix = _saved(tmp_path)
    assert tf.train.list_variables(prefix) == [("Variable", [3, 4]), ("Variable_1", [3])]
    np.testing.assert_array_equal(tf.train.load_variable(tmp_path, "Variable_1"), BIASES)
    reader = tf.train.load_checkpoint(prefix)
    assert reader.get_variable_to_dtype_map() == {"Variable": tf.float32, "Variable_1": tf.float32}
    with pytest.raises(errors.NotFoundError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")


def test_a_dict_var_list_chooses_the_checkpoint_keys(tmp_path):
    w, b = _model()
    saver = tf.train.Saver({"softmax/W": w, "softmax/b": b})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
    assert [name for name, _ in tf.train.list_variables(prefix)] == ["softmax/W", "softmax/b"]
    with tf.Graph().as_default():
        renamed = tf.Variable(tf.zeros([3]), name="bias")
        saver = tf.train.Saver({"softmax/b": renamed})
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(renamed), BIASES)


def test_training_resumes_exactly_from_a_checkpoint_with_optimizer_state(tmp_path):
    def build():
        w = tf.Variable(np.array([1.0, -2.0, 3.0], np.float32))
        step = tf.train.get_or_create_global_step()
        train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w), global_step=step)
        return w, step, train, tf.train.Saver()

    with tf.Graph().as_default():
        w, step, train, saver = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            prefix = saver.save(sess, str(tmp_path / "run"), global_step=step)
            for _ in range(2):
                sess.run(train)
            uninterrupted = sess.run(w)
    with tf.Graph().as_default():
        w, step, train, saver = build()
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            assert sess.run(step) == 3
            for _ in range(2):
                sess.run(train)
            np.testing.assert_array_equal(sess.run(w), uninterrupted)
    assert prefix.endswith("run-3")


# -- global step, the index, max_to_keep ---------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "pad", "suffix"),
    [
        (7, False, "-7"),
        (np.int64(12), False, "-12"),
        ("variable", False, "-5"),
        (7, True, "-00000007"),
    ],
)
def test_global_step_is_appended_to_the_prefix(tmp_path, step, pad, suffix):
    _model()
    counter = tf.Variable(5, name="step_counter")
    saver = tf.train.Saver(pad_step_number=pad)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(
            sess, str(tmp_path / "model"), global_step=counter if step == "variable" else step
        )
    assert prefix == str(tmp_path / "model") + suffix
    assert tf.train.checkpoint_exists(prefix)
    assert os.path.isfile(prefix + ".index")


def test_an_npz_checkpoint_records_its_global_step(tmp_path):
    _model()
    saver = tf.train.Saver(write_version="npz")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model"), global_step=12)
    assert tf.train.read_checkpoint_metadata(prefix)["global_step"] == 12


def test_latest_checkpoint_is_none_without_an_index(tmp_path):
    assert tf.train.latest_checkpoint(tmp_path) is None
    assert tf.train.get_checkpoint_state(tmp_path) is None


def test_latest_checkpoint_follows_saves_and_survives_moving_the_directory(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in (10, 20):
            prefix = saver.save(sess, str(first / "model.ckpt"), global_step=step)
            assert tf.train.latest_checkpoint(first) == prefix
    assert (first / "checkpoint").read_text() == (
        'model_checkpoint_path: "model.ckpt-20"\n'
        'all_model_checkpoint_paths: "model.ckpt-10"\n'
        'all_model_checkpoint_paths: "model.ckpt-20"\n'
    )
    moved = tmp_path / "moved"
    first.rename(moved)
    assert tf.train.latest_checkpoint(moved) == str(moved / "model.ckpt-20")
    np.testing.assert_array_equal(_restore_fresh(tf.train.latest_checkpoint(moved))[1], BIASES)


def test_an_index_written_by_tensorflow_is_understood(tmp_path):
    prefix = _saved(tmp_path, name="model.ckpt-5")
    (tmp_path / "checkpoint").write_text(
        f'model_checkpoint_path: "{prefix}"\n'
        f'all_model_checkpoint_paths: "{prefix}"\n'
        "all_model_checkpoint_timestamps: 1700000000.5\n"
        "last_preserved_timestamp: 1699999999.25\n"
    )
    assert tf.train.latest_checkpoint(tmp_path) == prefix


def test_latest_checkpoint_is_none_when_the_files_are_gone(tmp_path):
    prefix = _saved(tmp_path)
    os.remove(prefix + ".index")
    assert tf.train.latest_checkpoint(tmp_path) is None


def test_a_corrupt_index_is_a_data_loss_error_naming_it(tmp_path):
    (tmp_path / "checkpoint").write_text("this is not an index\n")
    with pytest.raises(errors.DataLossError, match=str(tmp_path / "checkpoint")):
        tf.train.latest_checkpoint(tmp_path)


@pytest.mark.parametrize(
    ("write_version", "suffixes"),
    [(None, [".data-00000-of-00001", ".index"]), ("npz", [".json", ".npz"])],
)
def test_max_to_keep_deletes_the_oldest_checkpoints(tmp_path, write_version, suffixes):
    _model()
    saver = tf.train.Saver(max_to_keep=2, write_version=write_version)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1, 5):
            saver.save(sess, str(tmp_path / "m"), global_step=step)
    metas = sorted(n for n in os.listdir(tmp_path) if n.endswith(".meta"))
    assert metas == (["m-3.meta", "m-4.meta"] if tf.tb_protos.available() else [])
    assert sorted(n for n in os.listdir(tmp_path) if not n.endswith(".meta")) == [
        "checkpoint", *(f"m-{step}{suffix}" for step in (3, 4) for suffix in suffixes)
    ]
    assert saver.last_checkpoints == [str(tmp_path / "m-3"), str(tmp_path / "m-4")]
    state = tf.train.get_checkpoint_state(tmp_path)
    assert state.all_model_checkpoint_paths == saver.last_checkpoints


def test_saving_to_the_same_prefix_again_keeps_one_entry(tmp_path):
    _model()
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            saver.save(sess, str(tmp_path / "m"))
    assert saver.last_checkpoints == [str(tmp_path / "m")]
    assert tf.train.checkpoint_exists(str(tmp_path / "m"))


@pytest.mark.parametrize("max_to_keep", [0, None])
def test_max_to_keep_zero_or_none_keeps_every_file(tmp_path, max_to_keep):
    _model()
    saver = tf.train.Saver(max_to_keep=max_to_keep)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1, 8):
            saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert len([n for n in os.listdir(tmp_path) if n.endswith(".index")]) == 7
    state = tf.train.get_checkpoint_state(tmp_path)
    assert state.all_model_checkpoint_paths == [str(tmp_path / "m-7")]


# -- restore errors -------------------------------------------------------------------------------


def test_restoring_a_missing_checkpoint_is_not_found_naming_the_path(tmp_path):
    _model()
    saver = tf.train.Saver()
    missing = str(tmp_path / "nothing-here")
    with tf.Session() as sess, pytest.raises(errors.NotFoundError, match=missing) as caught:
        saver.restore(sess, missing)
    # TensorFlow 1.x's Saver.restore raises ValueError here: code catching that still works.
    assert isinstance(caught.value, ValueError)


def test_restoring_from_an_empty_directory_is_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError, match="Couldn't find 'checkpoint' file"):
        tf.train.read_checkpoint_metadata(tmp_path)


def test_a_variable_missing_from_the_checkpoint_is_not_found_by_key(tmp_path):
    prefix = _saved(tmp_path)
    with pytest.raises(errors.NotFoundError, match="Key Variable_2 not found in checkpoint"):
        _restore_fresh(prefix, shapes=((3, 4), (3,), (2,)))


def test_a_shape_mismatch_names_the_variable_and_both_shapes(tmp_path):
    prefix = _saved(tmp_path)
    with pytest.raises(
        errors.InvalidArgumentError,
        match=r"variable Variable_1 .* shape \[4\] in the graph but \[3\] in "
        r"the checkpoint",
    ):
        _restore_fresh(prefix, shapes=((3, 4), (4,)))


def test_a_dtype_mismatch_names_the_variable_and_both_dtypes(tmp_path):
    prefix = _saved(tmp_path)
    with tf.Graph().as_default():
        w = tf.Variable(tf.zeros([3, 4]))
        b = tf.Variable(tf.zeros([3], dtype=tf.float64))
        saver = tf.train.Saver([w, b])
        with (
            tf.Session() as sess,
            pytest.raises(
                errors.InvalidArgumentError,
                match="Variable_1 .* float64 in the graph but float32 in the checkpoint",
            ),
        ):
            saver.restore(sess, prefix)


def test_a_failed_restore_changes_no_variable(tmp_path):
    prefix = _saved(tmp_path)
    with tf.Graph().as_default():
        w = tf.Variable(tf.ones([3, 4]))
        b = tf.Variable(tf.ones([5]))
        saver = tf.train.Saver([w, b])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(errors.InvalidArgumentError):
                saver.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(w), np.ones((3, 4)))


def _zip_with(members):
    def write(path):
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)

    return write


def _npy_bytes(array, allow_pickle=False):
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _with_a_pickled_variable(path):
    record = json.loads(path.with_suffix(".json").read_text())
    _zip_with(
        {
            ":metadata.npy": _npy_bytes(np.frombuffer(json.dumps(record).encode(), np.uint8)),
            "Variable.npy": _npy_bytes(np.array([object()] * 12).reshape(3, 4), allow_pickle=True),
            "Variable_1.npy": _npy_bytes(BIASES),
        }
    )(path)


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_bytes_in_the_middle(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 16] = bytes(255 - x for x in data[middle : middle + 16])
    path.write_bytes(bytes(data))


# label, how to damage the .npz, whether the metadata record survives the damage
CORRUPTIONS = [
    ("empty file", lambda p: p.write_bytes(b""), False),
    ("text file", lambda p: p.write_text("hello, I am not a checkpoint\n"), False),
    ("truncated archive", _truncate, False),
    ("flipped bytes in the variable data", _flip_bytes_in_the_middle, True),
    ("a single .npy array", lambda p: p.write_bytes(_npy_bytes(WEIGHTS)), False),
    ("someone else's npz", lambda p: np.savez(p, Variable=WEIGHTS), False),
    ("pickled object array", _with_a_pickled_variable, True),
    (
        "metadata not json",
        _zip_with({":metadata.npy": _npy_bytes(np.frombuffer(b"{oops", np.uint8))}),
        False,
    ),
]


@pytest.mark.parametrize(
    ("corrupt", "metadata_survives"), [c[1:] for c in CORRUPTIONS], ids=[c[0] for c in CORRUPTIONS]
)
def test_a_corrupt_or_foreign_file_is_a_data_loss_error_naming_it(
    tmp_path, corrupt, metadata_survives
):
    prefix = _saved(tmp_path, metadata={"model": "softmax"})
    data_file = tmp_path / "model.ckpt.npz"
    corrupt(data_file)
    with pytest.raises(errors.DataLossError, match=str(data_file)):
        _restore_fresh(prefix)
    with pytest.raises(errors.DataLossError, match=str(data_file)):
        tf.train.load_checkpoint(prefix)
    # Reading the metadata touches only the archive's directory and its metadata record.
    if metadata_survives:
        assert tf.train.read_checkpoint_metadata(prefix)["metadata"] == {"model": "softmax"}
    else:
        with pytest.raises(errors.DataLossError, match=str(data_file)):
            tf.train.read_checkpoint_metadata(prefix)


def test_a_newer_format_version_is_refused_clearly(tmp_path):
    prefix = _saved(tmp_path, write_version="npz")
    record = tf.train.read_checkpoint_metadata(prefix)
    record["format_version"] = 99
    _zip_with(
        {
            ":metadata.npy": _npy_bytes(np.frombuffer(json.dumps(record).encode(), np.uint8)),
            "Variable.npy": _npy_bytes(WEIGHTS),
            "Variable_1.npy": _npy_bytes(BIASES),
        }
    )(prefix + ".npz")
    with pytest.raises(errors.DataLossError, match="format version 99"):
        _restore_fresh(prefix)


# -- save errors ----------------------------------------------------------------------------------


def test_saving_into_a_missing_directory_creates_one_level_only(tmp_path):
    # As TensorFlow's checkpoint writer: the prefix's own directory is made, not its parents.
    _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, str(tmp_path / "new" / "m")) == str(tmp_path / "new" / "m")
        assert (tmp_path / "new" / "m.index").exists()
        with pytest.raises(ValueError, match="Parent directory of .*nope/deeper/m doesn't exist"):
            saver.save(sess, str(tmp_path / "nope" / "deeper" / "m"))
        assert not (tmp_path / "nope").exists()


def test_save_needs_a_session(tmp_path):
    _model()
    with pytest.raises(TypeError, match="'sess' must be a Session"):
        tf.train.Saver().save("not a session", str(tmp_path / "m"))


def test_metadata_must_be_json_data_and_nothing_is_written_otherwise(tmp_path):
    _model()
    saver = tf.train.Saver(write_version="npz")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for bad in ({"when": object()}, {"accuracy": float("nan")}):
            with pytest.raises(TypeError, match="JSON"):
                saver.save(sess, str(tmp_path / "m"), metadata=bad)
    assert os.listdir(tmp_path) == []


def test_saving_an_uninitialized_variable_writes_nothing(tmp_path):
    _model()
    saver = tf.train.Saver()
    with tf.Session() as sess, pytest.raises(errors.FailedPreconditionError):
        saver.save(sess, str(tmp_path / "m"))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("var_list", "error", "message"),
    [
        ([], ValueError, "No variables to save"),
        ({"a": "not a variable"}, TypeError, "Can only save and restore variables"),
        ({":metadata": "w"}, ValueError, "reserved"),
        ("Variable", TypeError, "should be passed in a dict or a list"),
    ],
)
def test_bad_var_lists_are_refused(var_list, error, message):
    w, _ = _model()
    if isinstance(var_list, dict):
        var_list = {k: (w if v == "w" else v) for k, v in var_list.items()}
    with pytest.raises(error, match=message):
        tf.train.Saver(var_list)


def test_two_variables_under_one_key_are_refused():
    with tf.name_scope("a"):
        first = tf.Variable(1.0, name="v")
    with tf.Graph().as_default(), tf.name_scope("a"):
        second = tf.Variable(2.0, name="v")
    with pytest.raises(ValueError, match="At least two variables have the same name: a/v"):
        tf.train.Saver([first, second])


# -- atomicity ------------------------------------------------------------------------------------


def _save_twice_failing_the_second(tmp_path, monkeypatch, target, attribute, fail_on_call,
                                   write_version=None):
    """Save v1, then try to save v2 under the same prefix with one write failing midway."""
    w = tf.Variable(WEIGHTS)
    update = w.assign(WEIGHTS + 100)
    saver = tf.train.Saver(write_version=write_version)
    prefix = str(tmp_path / "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, prefix)
        sess.run(update)
        original = getattr(target, attribute)
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            if len(calls) == fail_on_call:
                raise OSError(28, "No space left on device")
            return original(*args, **kwargs)

        monkeypatch.setattr(target, attribute, failing)
        with pytest.raises(OSError, match="No space left"):
            saver.save(sess, prefix)
        monkeypatch.undo()
    return prefix


@pytest.mark.parametrize(
    ("write_version", "where", "target", "attribute", "fail_on_call"),
    [
        ("npz", "while writing the array data", np.lib.format, "write_array", 1),
        (
            "npz",
            "after the data, while writing the metadata file",
            checkpoint_management,
            "write_to_temporary",
            2,
        ),
        ("npz", "while renaming the files into place", os, "replace", 1),
        (None, "while writing the tensor data", sstable, "crc32c", 1),
        (None, "after the data, while writing the index", checkpoint_management,
         "write_to_temporary", 2),
        (None, "while renaming the files into place", os, "replace", 1),
    ],
)
def test_an_interrupted_save_leaves_the_previous_checkpoint_intact(
    tmp_path, monkeypatch, write_version, where, target, attribute, fail_on_call
):
    prefix = _save_twice_failing_the_second(
        tmp_path, monkeypatch, target, attribute, fail_on_call, write_version
    )
    graph_files = {"model.meta"} if tf.tb_protos.available() else set()
    files = {"model.json", "model.npz"} if write_version else {
        "model.index", "model.data-00000-of-00001"}
    assert set(os.listdir(tmp_path)) == {"checkpoint", *files, *graph_files}
    with tf.Graph().as_default():
        w = tf.Variable(tf.zeros([3, 4]))
        saver = tf.train.Saver([w])
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(tmp_path))
            np.testing.assert_array_equal(sess.run(w), WEIGHTS)
    assert tf.train.latest_checkpoint(tmp_path) == prefix


def test_a_failed_index_update_keeps_the_old_index(tmp_path, monkeypatch):
    _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)
        original = checkpoint_management.write_atomically

        def failing(path, write):
            raise KeyboardInterrupt

        monkeypatch.setattr(checkpoint_management, "write_atomically", failing)
        with pytest.raises(KeyboardInterrupt):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
        monkeypatch.setattr(checkpoint_management, "write_atomically", original)
    assert tf.train.latest_checkpoint(tmp_path) == first
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_write_atomically_removes_its_temporary_file_on_interrupt(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def write(file):
        file.write(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        checkpoint_management.write_atomically(str(target), write)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file.bin"]
