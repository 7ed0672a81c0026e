"""tf.saved_model: SavedModels written by TensorFlow 1.x load and run here; ours round-trip.

The fixtures in tests/fixtures/tf_saved_models/ were written by TensorFlow itself
(tests/make_tf_saved_model_fixtures.py); the other direction, TensorFlow loading what
smallflow writes, is tests/oracle/test_saved_model_files.py.
"""

import os
import pathlib

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_saved_models"


def _run_signature(sess, meta, key, arrays):
    signature = meta.signature_def[key]
    feed = {info.name: arrays[f"{key}/{name}"] for name, info in signature.inputs.items()}
    fetches = {name: info.name for name, info in signature.outputs.items()}
    return sess.run(fetches, feed)


# -- SavedModels written by TensorFlow ----------------------------------------------------------

TF_WRITTEN = [
    # (directory, tags, signature key)
    ("simple", [tf.saved_model.tag_constants.SERVING], "serving_default"),
    ("builder", [tf.saved_model.SERVING], "serving_default"),
    ("builder", ["serve"], "classify"),
]


@pytest.mark.parametrize(("name", "tags", "key"), TF_WRITTEN)
def test_savedmodel_written_by_tensorflow_gives_tensorflows_outputs(name, tags, key):
    with np.load(FIXTURES / f"{name}.npz") as arrays:
        expected = {k: arrays[k] for k in arrays.files}
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, tags, str(FIXTURES / name))
        got = _run_signature(sess, meta, key, expected)
    assert set(meta.meta_info_def.tags) == set(tags)
    for output, value in got.items():
        np.testing.assert_allclose(value, expected[f"{key}/{output}"], rtol=1e-5, atol=1e-6)


def test_tensorflows_training_metagraph_restores_variables_and_feeds_assets_to_main_op():
    export_dir = FIXTURES / "builder"
    graph = tf.Graph()
    with tf.Session(graph=graph) as sess:
        meta = tf.saved_model.load(sess, [tf.saved_model.TRAINING], str(export_dir))
        step = sess.run(graph.get_tensor_by_name("global_step:0"))
        vocab_file = sess.run(graph.get_tensor_by_name("vocab_file:0"))
    assert dict(meta.signature_def) == {}
    assert step == 1  # the fixture saved after one training step
    assert vocab_file.decode() == str(export_dir / "assets" / "vocab.txt")


def test_loading_under_an_import_scope_prefixes_the_tensors_not_the_signatures():
    with np.load(FIXTURES / "simple.npz") as arrays:
        expected = {k: arrays[k] for k in arrays.files}
    graph = tf.Graph()
    with tf.Session(graph=graph) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], str(FIXTURES / "simple"),
                                          import_scope="model")
        signature = meta.signature_def["serving_default"]
        x = tf.saved_model.utils.get_tensor_from_tensor_info(signature.inputs["x"],
                                                              import_scope="model")
        probabilities = tf.saved_model.get_tensor_from_tensor_info(
            signature.outputs["probabilities"], graph, "model")
        got = sess.run(probabilities, {x: expected["serving_default/x"]})
    assert signature.inputs["x"].name == "x:0"
    assert x.name == "model/x:0"
    np.testing.assert_allclose(got, expected["serving_default/probabilities"], rtol=1e-5)


# -- SavedModels written by smallflow -----------------------------------------------------------


def _model(seed=0):
    rng = np.random.default_rng(seed)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    weights = tf.Variable(rng.normal(size=(3, 2)).astype(np.float32), name="weights")
    bias = tf.Variable(np.array([0.5, -0.5], np.float32), name="bias")
    scores = tf.nn.softmax(tf.matmul(x, weights) + bias, name="scores")
    return x, scores


def test_simple_save_round_trip_keeps_values_and_the_serving_signature(tmp_path):
    export_dir = tmp_path / "export"
    batch = np.arange(6, dtype=np.float32).reshape(2, 3) / 6
    x, scores = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        expected = sess.run(scores, {x: batch})
        tf.saved_model.simple_save(sess, str(export_dir), inputs={"x": x},
                                   outputs={"scores": scores})
    assert sorted(os.listdir(export_dir)) == ["saved_model.pb", "variables"]
    assert sorted(os.listdir(export_dir / "variables")) == [
        "variables.data-00000-of-00001", "variables.index"]
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, [tf.saved_model.SERVING], str(export_dir))
        signature = meta.signature_def[tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        got = sess.run(signature.outputs["scores"].name, {signature.inputs["x"].name: batch})
    assert signature.method_name == "tensorflow/serving/predict"
    assert tf.saved_model.is_valid_signature(signature)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_builder_writes_several_metagraphs_sharing_one_set_of_variables(tmp_path):
    export_dir = tmp_path / "multi"
    x, scores = _model(1)
    counter = tf.Variable(0, name="counter")
    bump = tf.assign_add(counter, 1)
    asset_source = tmp_path / "labels.txt"
    asset_source.write_text("cat\ndog\n")
    asset = tf.constant(str(asset_source), name="labels_path")
    labels_file = tf.Variable("", name="labels_file", trainable=False,
                              collections=[tf.GraphKeys.LOCAL_VARIABLES])
    main_op = tf.group(tf.assign(labels_file, asset), name="main_op")
    signature = tf.saved_model.predict_signature_def({"x": x}, {"scores": scores})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bump)
        sess.run(bump)
        builder = tf.saved_model.builder.SavedModelBuilder(str(export_dir))
        builder.add_meta_graph_and_variables(sess, ["train"], assets_collection=[asset],
                                             main_op=main_op)
        builder.add_meta_graph(["serve", "gpu"], signature_def_map={"predict": signature})
        path = builder.save(as_text=True)
    assert path == os.fsencode(export_dir / "saved_model.pbtxt")
    assert (export_dir / "assets" / "labels.txt").read_text() == "cat\ndog\n"
    for tags in (["train"], ["gpu", "serve"]):
        graph = tf.Graph()
        with tf.Session(graph=graph) as sess:
            meta = tf.saved_model.loader.load(sess, tags, str(export_dir))
            assert sess.run(graph.get_tensor_by_name("counter:0")) == 2
            loaded_path = sess.run(graph.get_tensor_by_name("labels_file:0")).decode()
        assert loaded_path == str(export_dir / "assets" / "labels.txt")
        assert set(meta.meta_info_def.tags) == set(tags)
    assert list(meta.signature_def) == ["predict"]


def test_build_tensor_info_describes_name_dtype_and_shape():
    x = tf.placeholder(tf.int64, [None, 5], name="ids")
    info = tf.saved_model.build_tensor_info(x)
    pb = tf.tb_protos.load()
    assert info.name == "ids:0"
    assert info.dtype == pb.types_pb2.DT_INT64
    assert [d.size for d in info.tensor_shape.dim] == [-1, 5]
    sparse = tf.sparse_placeholder(tf.float32, name="sp")
    sparse_info = tf.saved_model.utils.build_tensor_info(sparse)
    assert sparse_info.WhichOneof("encoding") == "coo_sparse"
    back = tf.saved_model.utils.get_tensor_from_tensor_info(sparse_info)
    assert back.values.name == sparse.values.name


def _signature(kind):
    examples = tf.placeholder(tf.string, [None], name="examples")
    floats = tf.placeholder(tf.float32, [None], name="floats")
    labels = tf.placeholder(tf.string, [None], name="labels")
    utils = tf.saved_model.signature_def_utils
    return {
        "predict": lambda: utils.predict_signature_def({"x": floats}, {"y": floats}),
        "classify": lambda: utils.classification_signature_def(examples, labels, floats),
        "regress": lambda: utils.regression_signature_def(examples, floats),
        "build": lambda: utils.build_signature_def({"x": tf.saved_model.build_tensor_info(
            floats)}, {}, "custom/method"),
    }[kind]()


@pytest.mark.parametrize(("kind", "method", "valid"), [
    ("predict", "tensorflow/serving/predict", True),
    ("classify", "tensorflow/serving/classify", True),
    ("regress", "tensorflow/serving/regress", True),
    ("build", "custom/method", False),
])
def test_signature_builders_set_method_names_and_validity(kind, method, valid):
    signature = _signature(kind)
    assert signature.method_name == method
    assert tf.saved_model.is_valid_signature(signature) is valid


def _error_cases(tmp_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    tf.Variable(1.0, name="v")
    full = tmp_path / "full"
    full.mkdir()
    (full / "something").write_text("")
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    utils = tf.saved_model.signature_def_utils

    def fresh(name):
        return tf.saved_model.Builder(str(tmp_path / name))

    def twice():
        builder = fresh("twice")
        builder.add_meta_graph_and_variables(sess, ["a"])
        builder.add_meta_graph_and_variables(sess, ["b"])

    empty_info = tf.saved_model.build_signature_def(
        {"x": tf.tb_protos.load().meta_graph_pb2.TensorInfo()}, {}, "m")
    return [
        (lambda: tf.saved_model.Builder(str(full)), AssertionError, "isn't empty"),
        (lambda: fresh("early").add_meta_graph(["serve"]), AssertionError,
         "add_meta_graph_and_variables"),
        (twice, AssertionError, "add_meta_graph()"),
        (lambda: fresh("reserved").add_meta_graph_and_variables(
            sess, ["a"], {"__saved_model_init_op": utils.predict_signature_def(
                {"x": x}, {"y": x})}), KeyError, "reserved"),
        (lambda: fresh("bad_info").add_meta_graph_and_variables(
            sess, ["a"], {"s": empty_info}), AssertionError, "encoding"),
        (lambda: fresh("main").add_meta_graph_and_variables(sess, ["a"], main_op=x),
         TypeError, "Operation"),
        (lambda: tf.saved_model.loader.load(sess, ["serve"], str(tmp_path / "none")), OSError,
         "SavedModel file does not exist"),
        (lambda: tf.saved_model.loader.load(tf.Session(graph=tf.Graph()), ["gpu"],
                                            str(FIXTURES / "builder")),
         RuntimeError, "could not be found in SavedModel"),
        (lambda: utils.predict_signature_def({}, {"y": x}), ValueError, "`inputs` cannot"),
        (lambda: utils.classification_signature_def(x, None, x), ValueError, "string"),
        (lambda: utils.regression_signature_def(x, None), ValueError, "cannot be None"),
        (lambda: tf.saved_model.save(object(), str(tmp_path / "v2")), NotImplementedError,
         "simple_save"),
    ]


def test_mistakes_raise_tensorflows_errors(tmp_path):
    for index, (action, error, words) in enumerate(_error_cases(tmp_path)):
        with pytest.raises(error) as raised:
            action()
        assert words in str(raised.value), f"case {index}: {raised.value}"


def test_maybe_saved_model_directory_looks_for_the_proto_file(tmp_path):
    assert tf.saved_model.maybe_saved_model_directory(str(FIXTURES / "simple"))
    assert tf.saved_model.maybe_saved_model_directory(FIXTURES / "builder")  # .pbtxt
    assert not tf.saved_model.loader.maybe_saved_model_directory(str(tmp_path))


def test_without_the_tensorboard_extra_the_error_names_it(monkeypatch, tmp_path):
    from smallflow.saved_model import _proto

    def missing():
        raise ImportError("No module named 'tensorboard'")

    monkeypatch.setattr(tf.tb_protos, "load", missing)
    monkeypatch.setattr(_proto, "_classes", {})
    with pytest.raises(ImportError, match=r"smallflow\[tensorboard\]"):
        tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "m"))
