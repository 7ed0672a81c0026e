"""tf.math / tf.linalg / tf.random / tf.debugging / tf.initializers / tf.compat.v1 name the
same functions as the top level; tf.gfile and tf.io.gfile work on local files."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors

ALIASES = [
    ("math.sin", "sin"), ("math.reduce_sum", "reduce_sum"), ("math.segment_max", "segment_max"),
    ("math.divide_no_nan", "div_no_nan"), ("math.top_k", "nn.top_k"),
    ("math.l2_normalize", "nn.l2_normalize"), ("linalg.inv", "matrix_inverse"),
    ("linalg.det", "matrix_determinant"), ("linalg.band_part", "matrix_band_part"),
    ("linalg.matmul", "matmul"), ("linalg.transpose", "matrix_transpose"),
    ("random.normal", "random_normal"), ("random.uniform", "random_uniform"),
    ("random.shuffle", "random_shuffle"), ("random.set_random_seed", "set_random_seed"),
    ("debugging.assert_equal", "assert_equal"), ("debugging.check_numerics", "check_numerics"),
    ("initializers.global_variables", "global_variables_initializer"),
    ("initializers.zeros", "zeros_initializer"), ("io.gfile.exists", "gfile.Exists"),
    ("io.decode_jpeg", "image.decode_jpeg"), ("io.decode_png", "image.decode_png"),
    ("io.decode_image", "image.decode_image"), ("io.encode_png", "image.encode_png"),
    ("io.is_jpeg", "image.is_jpeg"), ("io.decode_and_crop_jpeg", "image.decode_and_crop_jpeg"),
]


def _resolve(dotted):
    value = tf
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize(("alias", "original"), ALIASES)
def test_namespace_aliases(alias, original):
    assert _resolve(alias) is _resolve(original)


def test_compat_v1_is_smallflow():
    import smallflow.compat.v1 as tf1

    assert tf1 is tf
    assert tf.compat.v1 is tf
    assert tf.compat.as_bytes("é") == "é".encode()
    assert tf.compat.as_text(b"x") == "x"
    assert tf.compat.dimension_value(tf.TensorShape([3])[0]) == 3


def test_gfile_round_trip(tmp_path):
    folder = tmp_path / "a" / "b"
    tf.gfile.MakeDirs(str(folder))
    assert tf.gfile.IsDirectory(str(folder))
    path = str(folder / "f.txt")
    with tf.gfile.GFile(path, "w") as handle:
        handle.write("hello\nworld\n")
    assert tf.gfile.Exists(path)
    with tf.gfile.GFile(path) as handle:
        assert list(handle) == ["hello\n", "world\n"]
    with tf.gfile.Open(path, "rb") as handle:
        assert handle.read() == b"hello\nworld\n"
        assert handle.size() == 12
    assert tf.gfile.ListDirectory(str(folder)) == ["f.txt"]
    assert tf.gfile.Glob(str(folder / "*.txt")) == [path]
    tf.gfile.Copy(path, str(folder / "g.txt"))
    with pytest.raises(errors.AlreadyExistsError):
        tf.gfile.Copy(path, str(folder / "g.txt"))
    tf.gfile.Rename(str(folder / "g.txt"), str(folder / "h.txt"))
    assert tf.gfile.Stat(path).length == 12
    assert sorted(tf.io.gfile.listdir(str(folder))) == ["f.txt", "h.txt"]
    tf.gfile.Remove(path)
    assert not tf.io.gfile.exists(path)
    tf.gfile.DeleteRecursively(str(tmp_path / "a"))
    assert not tf.gfile.Exists(str(tmp_path / "a"))


def test_gfile_missing_file_is_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError, match="No such file"), \
            tf.gfile.GFile(str(tmp_path / "missing")) as handle:
        handle.read()
    with pytest.raises(errors.NotFoundError):
        tf.gfile.ListDirectory(str(tmp_path / "missing"))


def test_gfile_refuses_remote_schemes():
    with pytest.raises(errors.UnimplementedError, match="gs"):
        tf.gfile.Exists("gs://bucket/file")


INITIALIZERS = [
    ("he_uniform", tf.initializers.he_uniform(seed=1), [300, 200], np.sqrt(2.0 / 300)),
    ("lecun_normal", tf.initializers.lecun_normal(seed=1), [300, 200], np.sqrt(1.0 / 300)),
    ("lecun_uniform", tf.initializers.lecun_uniform(seed=1), [300, 200], np.sqrt(1.0 / 300)),
    ("uniform_unit_scaling", tf.uniform_unit_scaling_initializer(seed=1), [300, 200],
     np.sqrt(1.0 / 300)),
]


@pytest.mark.parametrize(("label", "init", "shape", "std"), INITIALIZERS,
                         ids=[c[0] for c in INITIALIZERS])
def test_initializer_spreads(label, init, shape, std):
    with tf.Session() as sess:
        values = sess.run(init(shape))
    assert values.std() == pytest.approx(std, rel=0.05)


@pytest.mark.parametrize("shape", [[4, 4], [6, 3], [3, 6], [2, 3, 4]])
def test_orthogonal_initializer_gives_orthonormal_rows_or_columns(shape):
    with tf.Session() as sess:
        values = sess.run(tf.orthogonal_initializer(gain=2.0, seed=3)(shape))
    flat = values.reshape(-1, shape[-1]) / 2.0
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-5)


def test_identity_initializer():
    with tf.Session() as sess:
        assert sess.run(tf.initializers.identity(gain=3.0)([2, 3])).tolist() == [
            [3, 0, 0], [0, 3, 0]]
