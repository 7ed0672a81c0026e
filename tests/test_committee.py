"""Committees of saved models (models/committee.py, ``smallflow combine``, ``train
--ensemble``): one saved model whose graph averages its members' probabilities, over fixed
views of each image chosen on the validation set."""

import json
import math

import numpy as np
import pytest

import smallflow as tf
from smallflow import cli, models
from smallflow.datasets import idx
from smallflow.models import committee

TURN = (9.0, 1.0, 0.0, 0.0)
SHIFT = (0.0, 1.0, 1.0, -2.0)
SIZE = (0.0, 1.1, 0.0, 0.0)
TWO_VIEWS = [committee.IDENTITY, TURN]


def _images(count, seed=0):
    return np.random.default_rng(seed).random((count, 784), dtype=np.float32)


def _train_a_little(name, seed, path, steps=2):
    """A member of model ``name`` after a few Adam steps on random data, saved at ``path``."""
    graph = models.build_graph(name, "adam", 0.01, seed=seed, steps=steps)
    images = _images(16, seed)
    labels = np.eye(10, dtype=np.float32)[np.arange(16) % 10]
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        for _ in range(steps):
            sess.run(graph.train_op, {graph.images: images, graph.labels: labels,
                                      graph.keep_prob: 0.6})
        models.save_model(sess, graph, path, {"seed": seed,
                                              "hyperparameters": {"validation_size": 100}})
    return path


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """Two cnn-bn members (other seeds) and an mlp: committees may mix kinds."""
    folder = tmp_path_factory.mktemp("members")
    return [_train_a_little("cnn-bn", 0, folder / "a.npz"),
            _train_a_little("cnn-bn", 1, folder / "b.npz"),
            _train_a_little("mlp", 2, folder / "c.npz")]


def _own_probabilities(path, images):
    sess, graph, _ = models.load_model(path)
    with sess:
        return models.predict_probabilities(sess, graph, images)


def _moved(images, view):
    """``images`` moved by ``view`` with tf.contrib.image.transform (what a view means)."""
    degrees, scale, dx, dy = view
    rows = models.get_model("cnn-bn").transform_rows(
        tf.constant([degrees * math.pi / 180]), tf.constant([scale]), tf.constant([[dx, dy]]))
    grid = tf.constant(images.reshape(-1, 28, 28, 1))
    with tf.Session() as sess:
        moved = sess.run(tf.contrib.image.transform(grid, rows[0], interpolation="BILINEAR"))
    return moved.reshape(-1, 784)


VIEW_CASES = [
    ("identity", committee.IDENTITY),
    ("turn", TURN),
    ("shift", SHIFT),
    ("larger", SIZE),
    ("all_at_once", (-7.0, 0.9, -1.5, 0.5)),
]


@pytest.mark.parametrize("view", [c[1] for c in VIEW_CASES], ids=[c[0] for c in VIEW_CASES])
def test_a_view_matrix_moves_images_as_the_projective_transform_does(view):
    images = _images(5)
    (matrix,) = committee.view_matrices([view])
    np.testing.assert_allclose(images @ matrix, _moved(images, view), atol=2e-6)
    if view == committee.IDENTITY:
        assert np.array_equal(matrix, np.eye(784, dtype=np.float32))


def test_the_committee_answers_the_mean_of_its_members_over_the_views(members):
    images = _images(7, seed=5)
    expected = np.mean([_own_probabilities(path, view_images)
                        for path in members
                        for view_images in (images, _moved(images, TURN))], axis=0)
    sess, graph, spec = committee.assemble(committee.load_members(members), TWO_VIEWS)
    with sess:
        ours = models.predict_probabilities(sess, graph, images)
        per_member = committee.member_view_probabilities(sess, graph, images)
    assert spec == {"members": [{"model": "cnn-bn"}, {"model": "cnn-bn"}, {"model": "mlp"}],
                    "views": [list(committee.IDENTITY), list(TURN)]}
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    assert per_member.shape == (3, 2, 7, 10)
    np.testing.assert_allclose(per_member[2, 0], _own_probabilities(members[2], images),
                               rtol=1e-5, atol=1e-7)
    # The members differ, so the committee is none of them.
    assert not np.allclose(per_member[0], per_member[1], atol=1e-4)


def test_member_variables_live_under_their_own_scopes(members):
    sess, graph, _ = committee.assemble(committee.load_members(members[:2]), TWO_VIEWS)
    with sess:
        names = [v.op.name for v in graph.model_variables]
    assert "member_0/conv1/conv2d/kernel" in names
    assert "member_1/fc1/batch_normalization/moving_variance" in names
    assert len(names) == 2 * len(models.build_graph("cnn-bn").model_variables)


def test_a_saved_committee_loads_back_and_predicts_the_same(members, tmp_path):
    images = _images(9, seed=3)
    sess, graph, spec = committee.assemble(committee.load_members(members), TWO_VIEWS)
    with sess:
        before = models.predict_probabilities(sess, graph, images)
        saved = models.save_model(sess, graph, tmp_path / "committee", {"committee": spec})
    loaded_sess, loaded, metadata = models.load_model(saved)
    with loaded_sess:
        after = models.predict_probabilities(loaded_sess, loaded, images)
        # Each run takes a share of the members' batch: views multiply the images.
        assert loaded.predict_batch == models.get_model("cnn-bn").PREDICT_BATCH // 2
    assert metadata["model"] == "committee"
    assert metadata["committee"] == spec
    np.testing.assert_array_equal(after, before)


def test_views_are_chosen_by_committee_accuracy_ties_going_to_fewer_views():
    candidates = committee.VIEW_CANDIDATES
    scores = {name: {"committee": 0.99} for name, _ in candidates}
    assert committee.choose_views(scores, candidates) == "plain"
    scores["turns+shifts"] = {"committee": 0.995}
    scores["turns+sizes"] = {"committee": 0.995}
    assert committee.choose_views(scores, candidates) == "turns+shifts"


BAD_SPECS = [
    ("not_an_object", [1], "not a JSON object"),
    ("no_members", {"members": []}, "at least one member"),
    ("unknown_member", {"members": [{"model": "resnet"}]}, "'resnet'"),
    ("nested_committee", {"members": [{"model": "committee"}]}, "'committee'"),
    ("view_of_three", {"members": [{"model": "mlp"}], "views": [[1, 2, 3]]}, "(degrees"),
    ("zero_scale", {"members": [{"model": "mlp"}], "views": [[0, 0, 0, 0]]}, "positive"),
]


@pytest.mark.parametrize(("spec", "words"), [c[1:] for c in BAD_SPECS],
                         ids=[c[0] for c in BAD_SPECS])
def test_a_wrong_committee_spec_is_refused_saying_why(spec, words):
    with pytest.raises(committee.CommitteeError, match=words.replace("(", r"\(")):
        committee.check_spec(spec)


# -- the command line ----------------------------------------------------------------------------

TRAIN, VALIDATION, TEST = 400, 100, 100


def _blocks(count, rng):
    """Fake digits the models learn in a few steps: class k lights cell k of a 2 x 5 grid."""
    labels = rng.permutation(np.arange(count) % 10).astype(np.uint8)
    images = rng.integers(0, 60, size=(count, 28, 28), dtype=np.uint8)
    for image, label in zip(images, labels, strict=True):
        row, col = divmod(int(label), 5)
        image[4 + 11 * row: 13 + 11 * row, 2 + 5 * col: 6 + 5 * col] = 255
    return images, labels


@pytest.fixture(scope="module")
def blocks_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blocks")
    rng = np.random.default_rng(0)
    for stem, count in (("train", TRAIN + VALIDATION), ("t10k", TEST)):
        images, labels = _blocks(count, rng)
        idx.write_idx(folder / f"{stem}-images-idx3-ubyte", images)
        idx.write_idx(folder / f"{stem}-labels-idx1-ubyte", labels)
    return folder


def _run(capsys, *argv):
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _data(folder):
    return ["--data-dir", folder, "--validation-size", VALIDATION]


@pytest.fixture(scope="module")
def ensemble(blocks_dir, tmp_path_factory):
    """``train --ensemble 2`` of short mlp runs: (saved committee, train's JSON)."""
    import contextlib
    import io

    path = tmp_path_factory.mktemp("ensemble") / "committee.npz"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in ["train", "--model", "mlp", *_data(blocks_dir),
                                          "--steps", "30", "--ensemble", "2", "--save", path,
                                          "--json", "--log-interval", "0"]])
    assert code == 0, err.getvalue()
    return path, json.loads(out.getvalue())


def test_train_ensemble_saves_its_members_and_one_committee(ensemble):
    path, results = ensemble
    folder = path.parent
    assert sorted(p.name for p in folder.glob("*.npz")) == [
        "committee-member1.npz", "committee-member2.npz", "committee.npz"]
    assert [m["seed"] for m in results["members"]] == [0, 1]
    assert results["model"] == "committee"
    assert results["chosen_on"] == "validation"
    assert results["views"] in dict(committee.VIEW_CANDIDATES)
    assert results["seconds"] == pytest.approx(sum(m["seconds"] for m in results["members"]))
    assert results["accuracy"] >= 0.9
    metadata = models.read_model_metadata(path)
    assert metadata["committee"]["members"] == [{"model": "mlp"}] * 2
    assert metadata["hyperparameters"]["validation_size"] == VALIDATION


def test_evaluate_and_predict_use_the_whole_committee(ensemble, blocks_dir, capsys, tmp_path):
    path, results = ensemble
    code, out, _ = _run(capsys, "evaluate", path, "--data-dir", blocks_dir, "--json")
    assert code == 0
    assert json.loads(out)["accuracy"] == pytest.approx(results["accuracy"])
    code, out, _ = _run(capsys, "evaluate", path, "--data-dir", blocks_dir)
    assert code == 0
    assert "committee of 2 mlp (seeds 0, 1)" in out
    from PIL import Image

    image, label = _blocks(1, np.random.default_rng(7))
    Image.fromarray(image[0]).save(tmp_path / "digit.png")
    code, out, err = _run(capsys, "predict", path, tmp_path / "digit.png", "--json")
    assert code == 0, err
    (answer,) = json.loads(out)
    assert len(answer["probabilities"]) == 10
    assert sum(answer["probabilities"]) == pytest.approx(1.0, abs=1e-5)


def test_combine_with_given_views_equals_what_evaluate_then_measures(
        ensemble, blocks_dir, capsys, tmp_path):
    path, _ = ensemble
    members = [path.parent / "committee-member1.npz", path.parent / "committee-member2.npz"]
    target = tmp_path / "given.npz"
    code, out, err = _run(capsys, "combine", *members, "--views", "0:1:0:0,-6:1:0:0",
                          "--save", target, "--json", *_data(blocks_dir))
    assert code == 0, err
    record = json.loads(out)
    assert record["chosen_on"] == "given"
    assert record["view_count"] == 2
    # The members measure what they measured when the ensemble was trained.
    assert [m["accuracy"] for m in record["members"]] == pytest.approx(
        [m["accuracy"] for m in ensemble[1]["members"]])
    code, out, _ = _run(capsys, "evaluate", target, "--data-dir", blocks_dir, "--json")
    assert json.loads(out)["accuracy"] == pytest.approx(record["accuracy"])


COMBINE_ERRORS = [
    ("a_committee_as_member", lambda c, m: [c], "is a committee already"),
    ("missing_member", lambda c, m: [m[0], m[0].parent / "nope.npz"], "no such model file"),
    ("bad_views", lambda c, m: [m[0], "--views", "sideways"], "--views"),
]


@pytest.mark.parametrize(("argv", "words"), [c[1:] for c in COMBINE_ERRORS],
                         ids=[c[0] for c in COMBINE_ERRORS])
def test_combine_refuses_what_cannot_be_a_committee_in_one_line(
        ensemble, blocks_dir, capsys, argv, words):
    path, _ = ensemble
    members = [path.parent / "committee-member1.npz", path.parent / "committee-member2.npz"]
    code, _, err = _run(capsys, "combine", *argv(path, members), *_data(blocks_dir))
    assert code in (1, 2)
    assert words in err
    assert "Traceback" not in err


def test_combine_refuses_members_with_different_validation_sets(
        blocks_dir, capsys, tmp_path):
    paths = []
    for size in (100, 50):
        path = tmp_path / f"v{size}.npz"
        code, _, err = _run(capsys, "train", "--model", "softmax", "--data-dir", blocks_dir,
                            "--validation-size", size, "--steps", "5", "--save", path)
        assert code == 0, err
        paths.append(path)
    code, _, err = _run(capsys, "combine", *paths, "--data-dir", blocks_dir)
    assert code == 1
    assert "different validation sets" in err


def test_show_weights_of_a_committee_is_a_clear_error(ensemble, capsys, tmp_path):
    pytest.importorskip("matplotlib")
    code, _, err = _run(capsys, "show", "weights", ensemble[0], "-o", tmp_path / "w.png")
    assert code == 1
    assert "committee" in err
    assert "weight map" in err


def test_the_web_store_serves_a_committee(ensemble):
    from smallflow.web import _store

    store = _store.ModelStore(ensemble[0].parent)
    served = {model.id: model for model in store}
    assert set(served) == {"committee", "committee-member1", "committee-member2"}
    assert served["committee"].describe()["model"] == "committee"
    pixels = _images(2)
    try:
        direct = np.mean([served[f"committee-member{i}"].predict(pixels) for i in (1, 2)], 0)
        np.testing.assert_allclose(served["committee"].predict(pixels), direct, atol=1e-6)
        explained = served["committee"].explain(pixels[0], 3)
        assert explained["kind"] == "saliency"
        assert explained["map"].shape == (784,)
    finally:
        store.close()


def test_the_onnx_export_of_a_committee_computes_what_the_session_does(members, tmp_path):
    pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    from smallflow import onnx as onnx_export

    sess, graph, spec = committee.assemble(committee.load_members(members), TWO_VIEWS)
    with sess:
        saved = models.save_model(sess, graph, tmp_path / "committee", {"committee": spec})
    images = _images(4, seed=9)
    onnx_export.export_model(saved, tmp_path / "committee.onnx")
    runner = onnxruntime.InferenceSession(str(tmp_path / "committee.onnx"),
                                          providers=["CPUExecutionProvider"])
    (exported,) = runner.run(None, {"images": images})
    loaded_sess, loaded, _ = models.load_model(saved)
    with loaded_sess:
        np.testing.assert_allclose(exported, models.predict_probabilities(
            loaded_sess, loaded, images), rtol=1e-4, atol=1e-5)


@pytest.mark.slow
def test_an_ensemble_of_cnn_bn_on_a_short_schedule(shared_mnist_dir, tmp_path, capsys):
    # Two members of 550 steps (half an epoch) each.
    code, out, err = _run(capsys, "train", "--model", "cnn-bn", "--data-dir", shared_mnist_dir,
                          "--steps", "550", "--ensemble", "2", "--log-interval", "0",
                          "--save", tmp_path / "c.npz", "--json")
    assert code == 0, err
    record = json.loads(out)
    best_member = max(m["accuracy"] for m in record["members"])
    assert record["plain_accuracy"] >= 0.97
    assert record["plain_accuracy"] >= best_member - 0.002
