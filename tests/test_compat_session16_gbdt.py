"""tf.contrib.boosted_trees (session 16, helper gbdt): LearnerConfig, the learner's node
statistics, and trees learned on data small enough to check by hand against TensorFlow 1.15's
formulas (leaf weight -g/(h+l2) after l1 shrinkage, gain g^2/(h+l2), thresholds at bucket
boundaries, leaves added to their parent's, tree weight = learning rate)."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.boosted_trees import gbdt_core
from smallflow.contrib.boosted_trees.estimator_batch.estimator import (
    CoreGradientBoostedDecisionTreeEstimator,
    GradientBoostedDecisionTreeClassifier,
    GradientBoostedDecisionTreeRegressor,
)
from smallflow.contrib.boosted_trees.proto import learner_pb2

LC = learner_pb2.LearnerConfig


def _config(**fields):
    config = {"strategy": 1, "l1": 0.0, "l2": 0.0, "tree_complexity": 0.0,
              "min_node_weight": 0.0, "max_tree_depth": 6, "growing_mode": 2,
              "pruning_mode": 2, "learning_rate": 0.1, "center_bias": False,
              "num_quantiles": 100, "dimension": 1}
    config.update(fields)
    return config


# -- LearnerConfig ---------------------------------------------------------------------------


def test_learner_config_is_a_protocol_buffer_with_tensorflows_fields():
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.fixed.learning_rate = 0.1
    config.num_classes = 10
    config.regularization.l2 = 1.0 / 1000
    config.constraints.max_tree_depth = 16
    config.growing_mode = LC.LAYER_BY_LAYER
    config.multi_class_strategy = LC.DIAGONAL_HESSIAN
    config.pruning_mode = LC.POST_PRUNE
    # The notebook prints the config; protobuf's text form gives the same lines.
    text = str(config)
    for line in ("num_classes: 10", "max_tree_depth: 16", "pruning_mode: POST_PRUNE",
                 "growing_mode: LAYER_BY_LAYER", "multi_class_strategy: DIAGONAL_HESSIAN"):
        assert line in text
    assert config.learning_rate_tuner.WhichOneof("tuner") == "fixed"
    assert config.WhichOneof("feature_fraction") is None
    copy = learner_pb2.LearnerConfig()
    copy.CopyFrom(config)
    assert copy == config
    parsed = learner_pb2.LearnerConfig.FromString(config.SerializeToString())
    assert parsed.constraints.max_tree_depth == 16
    assert parsed.regularization.l2 == pytest.approx(0.001)
    assert (LC.TREE_PER_CLASS, LC.FULL_HESSIAN, LC.DIAGONAL_HESSIAN) == (1, 2, 3)
    assert (LC.WHOLE_TREE, LC.LAYER_BY_LAYER, LC.PRE_PRUNE, LC.POST_PRUNE) == (1, 2, 1, 2)


def test_unknown_learner_config_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchConfig"):
        _ = learner_pb2.NoSuchConfig


# -- node statistics ---------------------------------------------------------------------------


def test_one_class_node_stats_shrink_by_l1_then_divide_by_hessian_plus_l2():
    g = np.array([3.0, -3.0, 0.5, 3.0], np.float32)
    h = np.array([2.0, 2.0, 2.0, 0.1], np.float32)
    weight, gain, ok = gbdt_core.node_stats(g, h, 1, l1=1.0, l2=1.0, min_node_weight=0.5)
    np.testing.assert_allclose(weight[:, 0], [-(3 - 1) / 3, (3 - 1) / 3, 0, 0], rtol=1e-6)
    np.testing.assert_allclose(gain, [(3 - 1) ** 2 / 3, (3 - 1) ** 2 / 3, 0, 0], rtol=1e-6)
    assert ok.all()  # a one-class leaf is always well formed, even at weight 0


def test_vector_node_stats_diagonal_and_full_hessian():
    g = np.array([[1.0, -2.0]], np.float32)
    diag = np.array([[0.5, 1.5]], np.float32)
    weight, gain, ok = gbdt_core.node_stats(g, diag, 3, l1=0.0, l2=0.5, min_node_weight=0.0)
    np.testing.assert_allclose(weight[0], -g[0] / (diag[0] + 0.5), rtol=1e-6)
    np.testing.assert_allclose(gain[0], np.sum(g[0] ** 2 / (diag[0] + 0.5)), rtol=1e-6)
    full = np.array([[[1.0, 0.25], [0.25, 2.0]]], np.float32)
    weight, gain, ok = gbdt_core.node_stats(g, full, 2, l1=0.0, l2=0.5, min_node_weight=0.0)
    expected = -np.linalg.solve(full[0] + 0.5 * np.eye(2), g[0])
    np.testing.assert_allclose(weight[0], expected, rtol=1e-5)
    np.testing.assert_allclose(gain[0], -g[0] @ expected, rtol=1e-5)
    # Too little hessian weight (its L2 norm): no leaf at all for the vector strategies.
    _, gain, ok = gbdt_core.node_stats(g, diag, 3, l1=0.0, l2=0.5, min_node_weight=2.0)
    assert not ok[0]
    assert gain[0] == 0


def test_quantile_boundaries_are_weighted_ranks_with_min_and_max():
    values = np.arange(1, 101, dtype=np.float32)
    weights = np.ones(100)
    bounds = gbdt_core.quantile_boundaries(values, weights, 4)
    np.testing.assert_array_equal(bounds, [1, 25, 50, 75, 100])
    heavy = np.where(values > 50, 3.0, 1.0)  # three quarters of the weight above 50
    # Rank 100 of 200: 50 + 3 (v - 50) >= 100 first at v = 67; rank 150 at v = 84.
    np.testing.assert_array_equal(gbdt_core.quantile_boundaries(values, heavy, 4),
                                  [1, 50, 67, 84, 100])
    np.testing.assert_array_equal(gbdt_core.bucketize(np.array([0.5, 25, 26, 500]), bounds),
                                  [0, 1, 2, 4])


# -- trees learned by the estimators -----------------------------------------------------------


def _regression_data():
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    y = np.array([1.0, 3.0, 10.0, 14.0], np.float32)
    return x, y


def _ensemble(estimator, dimension):
    raw = estimator.get_variable_value("ensemble_model")
    return gbdt_core.Ensemble.from_bytes(raw, dimension)


def _fit(estimator, x, y, steps=20):
    input_fn = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=y, batch_size=len(x),
                                                  num_epochs=None, shuffle=False)
    estimator.fit(input_fn=input_fn, max_steps=steps)
    return estimator


def _best_split(x, g, h, l2):
    """The hand computation: every threshold, gain g^2/(h+l2) on each side."""
    best = None
    root = g.sum() ** 2 / (h.sum() + l2)
    for t in np.unique(x):
        left = x <= t
        gain = (g[left].sum() ** 2 / (h[left].sum() + l2)
                + g[~left].sum() ** 2 / (h[~left].sum() + l2))
        if best is None or gain > best[0]:
            best = (gain, t, -g[left].sum() / (h[left].sum() + l2),
                    -g[~left].sum() / (h[~left].sum() + l2))
    return best[0] - root, best[1], best[2], best[3]


def test_regressor_first_split_is_the_hand_computed_one(tmp_path):
    x, y = _regression_data()
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.fixed.learning_rate = 0.1
    config.regularization.l2 = 0.5
    config.constraints.max_tree_depth = 1
    model = GradientBoostedDecisionTreeRegressor(
        learner_config=config, examples_per_layer=4, num_trees=1, center_bias=False,
        model_dir=str(tmp_path))
    _fit(model, x, y)
    ensemble = _ensemble(model, 1)
    assert len(ensemble.trees) == 1
    assert ensemble.finalized == [True]
    assert ensemble.weights[0] == pytest.approx(0.1)
    tree = ensemble.trees[0]
    # Mean squared error: per-example gradient 2(p - y)/n and hessian 2/n at p = 0.
    gain, threshold, left, right = _best_split(x[:, 0], -2 * y / 4, np.full(4, 2 / 4), 0.5)
    assert tree["feature"][0] == 0
    assert tree["threshold"][0] == threshold
    assert tree["gain"][0] == pytest.approx(gain, rel=1e-5)
    np.testing.assert_allclose(tree["value"][[1, 2], 0], [left, right], rtol=1e-5)
    predictions = [p["scores"] for p in model.predict(x=x, as_iterable=True)]
    np.testing.assert_allclose(predictions, 0.1 * np.where(x[:, 0] <= threshold, left, right),
                               rtol=1e-5)
    # A two-class config and TREE_PER_CLASS were filled in, as TensorFlow does.
    assert config.num_classes == 2
    assert config.multi_class_strategy == LC.TREE_PER_CLASS
    assert config.pruning_mode == LC.POST_PRUNE


def test_center_bias_fits_the_mean_first_in_a_tree_of_weight_one(tmp_path):
    x, y = _regression_data()
    config = learner_pb2.LearnerConfig()
    config.constraints.max_tree_depth = 1
    model = GradientBoostedDecisionTreeRegressor(
        learner_config=config, examples_per_layer=4, num_trees=1, center_bias=True,
        model_dir=str(tmp_path))
    _fit(model, x, y)
    ensemble = _ensemble(model, 1)
    bias = ensemble.trees[0]
    assert len(bias["feature"]) == 1
    assert ensemble.weights[0] == 1.0
    assert bias["value"][0, 0] == pytest.approx(y.mean(), rel=1e-5)
    # Then one more (finalized) tree: num_trees counts the bias tree as TensorFlow does.
    assert len(ensemble.trees) == 2
    assert ensemble.weights[1] == pytest.approx(0.1)  # the default learning rate


def test_layer_by_layer_children_add_to_the_parent_leaf_and_whole_tree_does_not():
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    g = np.array([[-1.0], [-2.0], [3.0], [5.0]], np.float32)
    h = np.ones((4, 1), np.float32)
    trees = {}
    for mode in (gbdt_core.LAYER_BY_LAYER, gbdt_core.WHOLE_TREE):
        config = _config(growing_mode=mode, pruning_mode=0, max_tree_depth=3)
        ensemble = gbdt_core.Ensemble(1)
        state = gbdt_core.HandlerState(1, False)
        for _ in range(3):  # buckets, then two layers
            partitions = ensemble.partitions(x)
            gbdt_core.train_step(ensemble, state, partitions, g, h, x, [0.0], [0.0], 4, config)
        trees[mode] = ensemble.trees[0]
    layered, whole = trees[gbdt_core.LAYER_BY_LAYER], trees[gbdt_core.WHOLE_TREE]
    np.testing.assert_array_equal(layered["feature"], whole["feature"])
    for node in range(1, len(layered["feature"])):
        parent = np.flatnonzero((layered["left"] == node) | (layered["right"] == node))
        parent = parent[layered["feature"][parent] >= 0][0]
        np.testing.assert_allclose(layered["value"][node],
                                   whole["value"][node] + layered["value"][parent], rtol=1e-6)
    # A whole tree's prediction waits for the tree to be finalized.
    ensemble = gbdt_core.Ensemble(1)
    ensemble.trees = [whole]
    ensemble.weights = [0.1]
    ensemble.finalized = [False]
    ensemble.layers_grown = [2]
    assert not ensemble.predict(x, only_finalized=True).any()
    assert ensemble.predict(x).any()


def test_tree_per_class_grows_one_class_per_tree_and_ties_go_to_the_later_feature():
    x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]], np.float32)
    g = np.array([[-1.0, 1.0, 0.0], [-1.0, 1.0, 0.0], [1.0, -1.0, 0.5], [1.0, -1.0, 0.5]],
                 np.float32)
    h = np.full((4, 3), 0.25, np.float32)
    config = _config(dimension=3, max_tree_depth=1)
    ensemble = gbdt_core.Ensemble(3)
    state = gbdt_core.HandlerState(2, False)
    for _ in range(3):
        gbdt_core.train_step(ensemble, state, ensemble.partitions(x), g, h, x, np.zeros(3),
                             np.zeros(3), 4, config)
    assert len(ensemble.trees) == 2
    # The class is attempted trees % classes, and the first attempt (no buckets yet) counts:
    # the first tree is class 1's.
    for index, tree in enumerate(ensemble.trees):
        class_id = (index + 1) % 3
        leaves = tree["value"][tree["feature"] < 0]
        others = np.delete(leaves, class_id, axis=1)
        assert not others.any()
        assert leaves[:, class_id].any()
        assert tree["feature"][0] == 1  # both features split equally well
    # Trees are attempted one after the other (attempted trees % classes picks the class).
    assert ensemble.trees_attempted == 3  # the first attempt had no buckets yet


def test_diagonal_hessian_leaves_are_the_per_class_newton_steps():
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    g = np.array([[-1.0, 1.0], [-0.5, 0.25], [1.0, -2.0], [2.0, -1.0]], np.float32)
    h = np.array([[1.0, 0.5], [0.5, 0.5], [1.0, 1.0], [0.5, 2.0]], np.float32)
    config = _config(strategy=gbdt_core.DIAGONAL_HESSIAN, dimension=2, l2=0.25,
                     max_tree_depth=1)
    ensemble = gbdt_core.Ensemble(2)
    state = gbdt_core.HandlerState(1, False)
    for _ in range(2):
        gbdt_core.train_step(ensemble, state, ensemble.partitions(x), g, h, x, np.zeros(2),
                             np.zeros(2), 4, config)
    tree = ensemble.trees[0]
    left = x[:, 0] <= tree["threshold"][0]
    for node, side in ((tree["left"][0], left), (tree["right"][0], ~left)):
        np.testing.assert_allclose(tree["value"][node],
                                   -g[side].sum(0) / (h[side].sum(0) + 0.25), rtol=1e-5)


def test_post_pruning_drops_a_tree_whose_splits_all_lose_and_pre_pruning_never_splits():
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    g = np.array([[-1.0], [-1.0], [1.0], [1.0]], np.float32)
    h = np.ones((4, 1), np.float32)
    for pruning in (gbdt_core.PRE_PRUNE, gbdt_core.POST_PRUNE):
        # The best split gains 2 * 2^2 / (2 + 1): a tree complexity of 5 makes it lose.
        config = _config(pruning_mode=pruning, tree_complexity=5.0, max_tree_depth=1, l2=1.0)
        ensemble = gbdt_core.Ensemble(1)
        state = gbdt_core.HandlerState(1, False)
        for _ in range(3):
            gbdt_core.train_step(ensemble, state, ensemble.partitions(x), g, h, x, [0.0],
                                 [0.0], 4, config)
        assert ensemble.trees == []
        assert ensemble.layers_attempted == 3
    config = _config(pruning_mode=gbdt_core.POST_PRUNE, tree_complexity=0.5, max_tree_depth=1,
                     l2=1.0)
    ensemble = gbdt_core.Ensemble(1)
    state = gbdt_core.HandlerState(1, False)
    for _ in range(2):
        gbdt_core.train_step(ensemble, state, ensemble.partitions(x), g, h, x, [0.0], [0.0],
                             4, config)
    assert ensemble.trees[0]["gain"][0] == pytest.approx(2 * 2 ** 2 / 3 - 0.5, rel=1e-5)


def test_examples_per_layer_accumulates_batches_and_averages_their_statistics():
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    g = np.array([[-1.0], [-2.0], [3.0], [5.0]], np.float32)
    h = np.ones((4, 1), np.float32)
    config = _config(max_tree_depth=1, l2=1.0)
    ensemble = gbdt_core.Ensemble(1)
    state = gbdt_core.HandlerState(1, False)
    gbdt_core.train_step(ensemble, state, ensemble.partitions(x), g, h, x, [0.0], [0.0], 8,
                         config)
    assert ensemble.layers_attempted == 0  # 4 of 8 examples
    for _ in range(3):
        gbdt_core.train_step(ensemble, state, ensemble.partitions(x), g, h, x, [0.0], [0.0],
                             8, config)
    tree = ensemble.trees[0]
    left = x[:, 0] <= tree["threshold"][0]
    # Two identical batches averaged: the statistics of one.
    np.testing.assert_allclose(tree["value"][tree["left"][0], 0],
                               -g[left].sum() / (h[left].sum() + 1.0), rtol=1e-5)


def test_bad_learner_configs_are_refused(tmp_path):
    x, y = _regression_data()
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.line_search.max_learning_rate = 1.0
    model = GradientBoostedDecisionTreeRegressor(learner_config=config, examples_per_layer=4,
                                                 model_dir=str(tmp_path / "a"))
    with pytest.raises(ValueError, match="Line search learning rate is not yet supported"):
        _fit(model, x, y)
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.dropout.dropout_probability = 0.5
    model = GradientBoostedDecisionTreeRegressor(learner_config=config, examples_per_layer=4,
                                                 model_dir=str(tmp_path / "b"))
    with pytest.raises(NotImplementedError, match="dropout"):
        _fit(model, x, y)
    config = learner_pb2.LearnerConfig()
    config.num_classes = 3
    with pytest.raises(ValueError, match=r"n_classes \(4\) doesn't match learner_config \(3\)"):
        GradientBoostedDecisionTreeClassifier(learner_config=config, examples_per_layer=4,
                                              n_classes=4)


# -- classification ---------------------------------------------------------------------------


def _blobs(n_classes, n=300, seed=0):
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, n_classes, n)
    centres = rng.uniform(-4, 4, (n_classes, 3))
    x = (centres[labels] + rng.normal(0, 0.7, (n, 3))).astype(np.float32)
    return x, labels.astype(np.int32)


@pytest.mark.parametrize("strategy", ["TREE_PER_CLASS", "DIAGONAL_HESSIAN", "FULL_HESSIAN"])
def test_multi_class_strategies_learn_separable_blobs(tmp_path, strategy):
    x, labels = _blobs(3)
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.fixed.learning_rate = 0.5
    config.regularization.l2 = 1.0 / 300
    config.constraints.max_tree_depth = 3
    config.multi_class_strategy = getattr(LC, strategy)
    model = GradientBoostedDecisionTreeClassifier(
        learner_config=config, examples_per_layer=300, n_classes=3, num_trees=6,
        center_bias=False, model_dir=str(tmp_path))
    train = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=labels, batch_size=300,
                                               num_epochs=None, shuffle=False)
    model.fit(input_fn=train, max_steps=60)
    ensemble = _ensemble(model, 3)
    assert sum(ensemble.finalized) == 6
    evaluate = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=labels, batch_size=300,
                                                  shuffle=False)
    result = model.evaluate(input_fn=evaluate)
    assert result["accuracy"] > 0.9
    assert result["loss"] < np.log(3)


def test_binary_classifier_and_core_estimator(tmp_path):
    x, labels = _blobs(2, seed=1)
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.fixed.learning_rate = 0.5
    config.constraints.max_tree_depth = 2
    model = GradientBoostedDecisionTreeClassifier(
        learner_config=config, examples_per_layer=300, num_trees=3, center_bias=True,
        model_dir=str(tmp_path / "contrib"))
    _fit(model, {"x": x}["x"], labels, steps=40)
    evaluate = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=labels, batch_size=300,
                                                  shuffle=False)
    assert model.evaluate(input_fn=evaluate)["accuracy"] > 0.9
    core_config = learner_pb2.LearnerConfig()
    core_config.num_classes = 2
    core_config.constraints.max_tree_depth = 2
    core_config.learning_rate_tuner.fixed.learning_rate = 0.5
    head = tf.contrib.estimator.binary_classification_head(
        loss_reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE)
    core = CoreGradientBoostedDecisionTreeEstimator(
        core_config, 300, head, num_trees=3, center_bias=False,
        model_dir=str(tmp_path / "core"))  # TensorFlow's positional order
    assert isinstance(core, tf.estimator.Estimator)
    train = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=labels, batch_size=300,
                                               num_epochs=None, shuffle=False)
    core.train(train, max_steps=40)
    assert core.get_variable_value("global_step") == 1 + 3 * 2  # stopped after three trees
    assert core.evaluate(evaluate)["accuracy"] > 0.9


# -- the aymericdamien program (tensorflow_v1/examples/2_BasicModels) --------------------------


def test_mnist_program_reduced_learns_digits(tmp_path):
    """The GBDT example's code with fewer, shallower trees and a smaller test set (its full
    run: 10 trees of depth 16 in 161 steps, test accuracy 0.9273 in the notebook)."""
    from smallflow.examples.tutorials.mnist import input_data

    mnist = input_data.read_data_sets(str(tmp_path / "data"), one_hot=False)
    learner_config = learner_pb2.LearnerConfig()
    learner_config.learning_rate_tuner.fixed.learning_rate = 0.1
    learner_config.regularization.l1 = 0.0
    learner_config.regularization.l2 = 1.0 / 1000
    learner_config.constraints.max_tree_depth = 6
    learner_config.growing_mode = learner_pb2.LearnerConfig.LAYER_BY_LAYER
    learner_config.multi_class_strategy = learner_pb2.LearnerConfig.DIAGONAL_HESSIAN
    run_config = tf.contrib.learn.RunConfig(save_checkpoints_secs=300, tf_random_seed=1)
    gbdt_model = GradientBoostedDecisionTreeClassifier(
        model_dir=str(tmp_path / "model"), learner_config=learner_config, n_classes=10,
        examples_per_layer=1000, num_trees=2, center_bias=False, config=run_config)
    input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"images": mnist.train.images}, y=mnist.train.labels, batch_size=2048,
        num_epochs=None, shuffle=True)
    gbdt_model.fit(input_fn=input_fn, max_steps=10000)
    assert gbdt_model.get_variable_value("global_step") == 1 + 2 * 6  # TensorFlow's count
    input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"images": mnist.test.images[:2000]}, y=mnist.test.labels[:2000], batch_size=2048,
        shuffle=False)
    e = gbdt_model.evaluate(input_fn=input_fn)
    assert e["accuracy"] > 0.65  # two shallow trees at learning rate 0.1 (chance: 0.1)
    assert e["loss"] < np.log(10)  # below the empty ensemble's


def test_training_resumed_from_a_checkpoint_grows_the_same_trees(tmp_path):
    x, labels = _blobs(3, n=120, seed=2)

    def model(directory):
        config = learner_pb2.LearnerConfig()
        config.constraints.max_tree_depth = 2
        return GradientBoostedDecisionTreeClassifier(
            learner_config=config, examples_per_layer=120, n_classes=3, num_trees=2,
            center_bias=False, model_dir=str(tmp_path / directory))

    straight = _fit(model("straight"), x, labels, steps=20)
    resumed = _fit(model("resumed"), x, labels, steps=3)
    assert len(_ensemble(resumed, 3).trees) == 1  # one layer of the first tree
    resumed = _fit(model("resumed"), x, labels, steps=20)
    first, second = _ensemble(straight, 3), _ensemble(resumed, 3)
    assert first.finalized == second.finalized == [True, True]
    for a, b in zip(first.trees, second.trees, strict=True):
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
