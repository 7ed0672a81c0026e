"""TensorFlow's V2 checkpoint format: what smallflow writes is what TensorFlow writes, what
TensorFlow wrote reads back exactly, and damaged files are refused with the file named.

The fixtures in tests/fixtures/tf_checkpoints/ were written by TensorFlow itself
(tests/make_tf_checkpoint_fixtures.py); tests/oracle/test_checkpoint_files.py crosses live
TensorFlow both ways.
"""

import base64
import json
import os
import pathlib
import random
import shutil
import signal
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import smallflow as tf
from smallflow import errors
from smallflow.train import checkpoint_utils, sstable, tensor_bundle

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_checkpoints"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def _decode(spec):
    if spec["dtype"] == "string":
        array = np.empty(len(spec["base64"]), object)
        array[:] = [base64.b64decode(item) for item in spec["base64"]]
        return array.reshape(spec["shape"])
    return np.array(spec["values"], dtype=spec["dtype"]).reshape(spec["shape"])


def _fixture_copy(tmp_path):
    folder = tmp_path / "tf"
    shutil.copytree(FIXTURES, folder)
    return folder


# -- TensorFlow's files ---------------------------------------------------------------------------


@pytest.mark.parametrize("checkpoint", sorted(EXPECTED))
def test_a_checkpoint_written_by_tensorflow_reads_back_exactly(checkpoint):
    reader = tf.train.NewCheckpointReader(str(FIXTURES / checkpoint))
    expected = {name: _decode(spec) for name, spec in EXPECTED[checkpoint].items()}
    assert reader.get_variable_to_shape_map() == {n: list(v.shape) for n, v in expected.items()}
    for name, value in expected.items():
        got = reader.get_tensor(name)
        assert got.dtype == value.dtype, name
        assert got.shape == value.shape, name
        np.testing.assert_array_equal(got, value, err_msg=name)


def test_smallflow_writes_the_bytes_tensorflow_wrote(tmp_path):
    expected = {name: _decode(spec) for name, spec in EXPECTED["model.ckpt-7"].items()}
    checkpoint_utils.write_bundle_checkpoint(tmp_path / "model.ckpt-7", expected)
    for suffix in (".index", ".data-00000-of-00001"):
        ours = (tmp_path / f"model.ckpt-7{suffix}").read_bytes()
        assert ours == (FIXTURES / f"model.ckpt-7{suffix}").read_bytes(), suffix


def test_the_tf1_resume_idiom_finds_and_restores_a_tensorflow_checkpoint(tmp_path):
    folder = _fixture_copy(tmp_path)
    state = tf.train.get_checkpoint_state(str(folder))
    assert state
    assert tf.train.checkpoint_exists(state.model_checkpoint_path)
    kernel = tf.Variable(tf.zeros([3, 4]), name="dense/kernel")
    words = tf.Variable(["", "", ""], name="words")
    saver = tf.train.Saver([kernel, words])
    with tf.Session() as sess:
        saver.restore(sess, state.model_checkpoint_path)
        np.testing.assert_array_equal(sess.run(kernel), np.arange(12).reshape(3, 4) / 8)
        assert sess.run(words).tolist() == [b"alpha", b"", "\u00e9t\u00e9".encode()]


def test_a_partitioned_variable_restores_into_one_variable():
    table = tf.Variable(tf.zeros([150, 2], tf.int64), name="tall")
    with tf.Session() as sess:
        tf.train.Saver([table]).restore(sess, str(FIXTURES / "partitioned.ckpt"))
        np.testing.assert_array_equal(sess.run(table), np.arange(300).reshape(150, 2) * 3)


# -- round trips ----------------------------------------------------------------------------------

_NUMERIC = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
            "uint16", "uint32", "uint64", "bool", "complex64", "complex128"]
_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def _arrays():
    numeric = st.sampled_from(_NUMERIC).flatmap(
        lambda dtype: hnp.arrays(np.dtype(dtype), _SHAPES))
    strings = _SHAPES.flatmap(lambda shape: st.lists(
        st.binary(max_size=200), min_size=int(np.prod(shape)), max_size=int(np.prod(shape)),
    ).map(lambda items, shape=shape: _object_array(items, shape)))
    return st.one_of(numeric, strings)


def _object_array(items, shape):
    array = np.empty(len(items), object)
    array[:] = items
    return array.reshape(shape)


_KEYS = st.text(st.characters(min_codepoint=1, max_codepoint=0x2FF), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_KEYS, _arrays(), min_size=1, max_size=6))
def test_any_tensors_round_trip_with_dtype_and_shape(tmp_path, arrays):
    prefix = tmp_path / "round"
    checkpoint_utils.write_bundle_checkpoint(prefix, arrays)
    reader = tf.train.NewCheckpointReader(str(prefix))
    assert sorted(reader.get_variable_to_shape_map()) == sorted(arrays)
    for name, value in arrays.items():
        got = reader.get_tensor(name)
        assert got.dtype == value.dtype
        assert got.shape == value.shape
        np.testing.assert_array_equal(got, value)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=30), min_size=1, max_size=300, unique=True),
       st.sampled_from([64, 200, 4096]))
def test_tables_of_any_keys_and_block_sizes_read_back_in_order(keys, block_size):
    items = [(key, key[::-1] * 3) for key in sorted(keys)]
    data = sstable.build_table(items, block_size=block_size)
    assert sstable.read_table("t", data) == items


# -- damaged files --------------------------------------------------------------------------------


def _saved(tmp_path):
    prefix = tmp_path / "m"
    checkpoint_utils.write_bundle_checkpoint(
        prefix, {"w": np.arange(40, dtype=np.float32), "s": np.array([b"ab", b"c"], object)})
    return prefix


def _flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x20
    path.write_bytes(bytes(data))


def _truncate(path, size):
    path.write_bytes(path.read_bytes()[:size])


# label, which file, how it is damaged, what the error says
DAMAGE = [
    ("index cut to nothing", ".index", lambda p: _truncate(p, 0), "shorter than a table"),
    ("index cut short", ".index", lambda p: _truncate(p, 60), "bad magic|past the end"),
    ("index missing its footer", ".index",
     lambda p: _truncate(p, len(p.read_bytes()) - 10), "bad magic"),
    ("index byte flipped", ".index", lambda p: _flip(p, 3), "checksum mismatch"),
    ("index not a table", ".index", lambda p: p.write_bytes(b"x" * 100), "bad magic"),
    ("data cut short", ".data-00000-of-00001", lambda p: _truncate(p, 100), "truncated"),
    ("string lengths' checksum flipped", ".data-00000-of-00001", lambda p: _flip(p, 5),
     "lengths' checksum"),
    ("number byte flipped", ".data-00000-of-00001",
     lambda p: _flip(p, len(p.read_bytes()) - 1), "checksum does not match"),
    ("string bytes flipped", ".data-00000-of-00001", lambda p: _flip(p, 7),
     "checksum does not match"),
]


@pytest.mark.parametrize(("suffix", "damage", "message"), [d[1:] for d in DAMAGE],
                         ids=[d[0] for d in DAMAGE])
def test_a_damaged_file_is_a_data_loss_error_naming_it(tmp_path, suffix, damage, message):
    prefix = _saved(tmp_path)
    damage(pathlib.Path(f"{prefix}{suffix}"))
    # Depending on the damage, opening or reading fails.
    with pytest.raises(errors.DataLossError, match=message) as caught:  # noqa: PT012
        reader = tf.train.NewCheckpointReader(str(prefix))
        for name in ("w", "s"):
            reader.get_tensor(name)
    assert f"{prefix}{suffix}" in str(caught.value)


def _lying_index(prefix, shape, size, dtype=1):
    """An index whose one entry claims ``shape`` and ``size`` over a 16-byte data file."""
    pb = tensor_bundle.messages()
    header = pb.BundleHeaderProto(num_shards=1)
    header.version.producer = 1
    entry = pb.BundleEntryProto(dtype=dtype, size=size)
    for dim in shape:
        entry.shape.dim.add(size=dim)
    items = [(b"", header.SerializeToString()), (b"big", entry.SerializeToString())]
    pathlib.Path(f"{prefix}.index").write_bytes(sstable.build_table(items))
    pathlib.Path(f"{prefix}.data-00000-of-00001").write_bytes(bytes(16))


@pytest.mark.parametrize(
    ("shape", "size", "dtype", "message"),
    [
        ([1 << 20, 1 << 20], 4 << 40, 1, "the file has 16 bytes"),
        ([1 << 20, 1 << 20], 16, 1, "invalid size in bundle entry"),
        ([1 << 40], (1 << 40) + 8, 7, "the file has 16 bytes"),
        ([-1, 3], 0, 1, "invalid tensor shape"),
        ([2], 8, 14, "DT_BFLOAT16 values"),
    ],
)
def test_a_lying_index_is_refused_before_anything_big_is_allocated(
    tmp_path, shape, size, dtype, message
):
    prefix = tmp_path / "lie"
    _lying_index(prefix, shape, size, dtype)
    with pytest.raises(errors.DataLossError, match=message):
        tf.train.NewCheckpointReader(str(prefix)).get_tensor("big")


def test_a_missing_data_file_is_not_found_naming_it(tmp_path):
    prefix = _saved(tmp_path)
    os.remove(f"{prefix}.data-00000-of-00001")
    with pytest.raises(errors.NotFoundError, match="m.data-00000-of-00001"):
        tf.train.load_variable(str(prefix), "w")


def test_a_v1_checkpoint_file_is_refused_clearly(tmp_path):
    (tmp_path / "old.ckpt").write_bytes(b"V1 checkpoint bytes")
    with pytest.raises(errors.UnimplementedError, match="V1 checkpoint format"):
        tf.train.NewCheckpointReader(str(tmp_path / "old.ckpt"))


# -- interrupted saves ----------------------------------------------------------------------------


def _saving_child(prefix, first):
    pid = os.fork()
    if pid == 0:  # the child: saves checkpoints first, first + 1, ... until killed
        try:
            number = first
            while True:
                checkpoint_utils.write_bundle_checkpoint(
                    prefix, {"w": np.full(50_000, number, np.float32),
                             "n": np.array([str(number).encode()], object)})
                number += 1
        finally:
            os._exit(0)
    return pid


def test_killing_saves_at_random_instants_leaves_the_previous_checkpoint_readable(tmp_path):
    prefix = tmp_path / "model.ckpt"
    started = time.perf_counter()
    checkpoint_utils.write_bundle_checkpoint(
        prefix, {"w": np.zeros(50_000, np.float32), "n": np.array([b"0"], object)})
    spread = 2.0 * (time.perf_counter() - started)
    seen = 0
    chooser = random.Random(9)
    for _ in range(20):
        pid = _saving_child(prefix, seen + 1)
        time.sleep(chooser.uniform(0.0, spread))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        reader = tf.train.NewCheckpointReader(str(prefix))
        number = int(reader.get_tensor("n")[0])
        assert number >= seen
        assert (reader.get_tensor("w") == number).all()
        if number == seen:  # killed before any save finished: a busy machine; wait longer
            spread *= 1.3
        seen = number
    assert seen > 0, "no save ever completed: the kills came too early to test anything"
    checkpoint_utils.write_bundle_checkpoint(prefix, {"w": np.zeros(1, np.float32)})
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "model.ckpt.data-00000-of-00001", "model.ckpt.index"]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([".index", ".data-00000-of-00001"]),
       st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), min_size=1, max_size=4),
       st.one_of(st.none(), st.integers(0, 10_000)))
def test_any_damage_is_read_back_or_refused_with_an_op_error(tmp_path, suffix, flips, cut):
    """Whatever bytes change, reading gives values or a TensorFlow error, never a crash."""
    prefix = tmp_path / "fuzz"
    checkpoint_utils.write_bundle_checkpoint(prefix, {
        "w": np.arange(30, dtype=np.float64).reshape(5, 6), "s": np.array([b"xy", b""], object),
        "i": np.array(7, np.int64)})
    path = pathlib.Path(f"{prefix}{suffix}")
    data = bytearray(path.read_bytes())
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    path.write_bytes(bytes(data[:cut] if cut is not None else data))
    try:
        reader = tf.train.NewCheckpointReader(str(prefix))
        for name in reader.get_variable_to_shape_map():
            reader.get_tensor(name)
    except errors.OpError:
        pass
