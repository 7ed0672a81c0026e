"""Write the boosted-trees fixtures of tests/test_compat_session12_gcp.py with TensorFlow.

TensorFlow 2.21 (the project's oracle venv) no longer has ``tf.estimator``; the BoostedTrees
estimators (TensorFlow 1.15's algorithm, unchanged for bucketized and indicator columns) last
shipped in tensorflow-estimator 2.8. Run with such a Python (Python 3.10,
``pip install tensorflow-cpu==2.8.4 tensorflow-estimator==2.8.0 "numpy<1.24"``):

    python tests/make_tf_boosted_trees_fixtures.py

It writes tests/fixtures/tf_boosted_trees/<case>.json: the evaluation metrics, predictions,
feature importances and (with center_bias) bias and directional feature contributions
TensorFlow computed for each case of tests/boosted_trees_cases.py.
"""

import json
import pathlib
import sys
import tempfile

import tensorflow.compat.v1 as tf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import boosted_trees_cases  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_boosted_trees"


def _v1_kernels():
    """Grows V1_KERNEL_CASE's tree with the kernels TensorFlow 1.15's estimator calls, one
    layer per step on the whole data, as its model_fn does; returns evaluation logits."""
    settings = boosted_trees_cases.V1_KERNEL_CASE
    (train_x, train_y), (eval_x, _) = boosted_trees_cases.v1_kernel_data()
    features = boosted_trees_cases.bucket_ids(train_x)
    # Every bucketized feature is summarized over the widest bucketized column's buckets.
    sizes = [7 if i in (0, 6) else 2 for i in range(len(features))]
    max_splits = (1 << settings["max_depth"]) - 1
    raw = tf.raw_ops
    with tf.Graph().as_default(), tf.Session() as session:
        handle = raw.BoostedTreesEnsembleResourceHandleOp(container="", shared_name="trees")
        session.run(raw.BoostedTreesCreateEnsemble(tree_ensemble_handle=handle, stamp_token=0,
                                                   tree_ensemble_serialized=""))
        columns = [tf.constant(f.reshape(-1, 1)) for f in features]
        states = raw.BoostedTreesGetEnsembleStates(tree_ensemble_handle=handle)
        logits, _, node_ids = raw.BoostedTreesTrainingPredict(
            tree_ensemble_handle=handle, cached_tree_ids=tf.zeros([len(train_y)], tf.int32),
            cached_node_ids=-tf.ones([len(train_y)], tf.int32), bucketized_features=columns,
            logits_dimension=1)
        labels = tf.constant(train_y.astype("float32").reshape(-1, 1))
        probabilities = tf.math.reciprocal(tf.exp(-logits) + 1.0)
        normalizer = tf.math.reciprocal(tf.cast(tf.size(probabilities), tf.float32))
        gradients = (probabilities - labels) * normalizer
        hessians = probabilities * (1.0 - probabilities) * normalizer
        summaries = [tf.squeeze(raw.BoostedTreesMakeStatsSummary(
            node_ids=node_ids, gradients=gradients, hessians=hessians,
            bucketized_features_list=[tf.reshape(c, [-1])], max_splits=max_splits,
            num_buckets=size), 0) for c, size in zip(columns, sizes)]
        groups = [[0, 6], [i for i in range(len(features)) if i not in (0, 6)]]
        ids, nodes, gains, thresholds, lefts, rights = [], [], [], [], [], []
        for group in groups:
            found = raw.BoostedTreesCalculateBestGainsPerFeature(
                node_id_range=states[4], stats_summary_list=[summaries[i] for i in group],
                l1=0.0, l2=0.0, tree_complexity=0.0, min_node_weight=0.0,
                max_splits=max_splits)
            ids += group
            nodes += found[0]
            gains += found[1]
            thresholds += found[2]
            lefts += found[3]
            rights += found[4]
        grow = raw.BoostedTreesUpdateEnsemble(
            tree_ensemble_handle=handle, feature_ids=ids, node_ids=nodes, gains=gains,
            thresholds=thresholds, left_node_contribs=lefts, right_node_contribs=rights,
            max_depth=settings["max_depth"], learning_rate=0.1, pruning_mode=0)
        while session.run(states)[2] < settings["n_trees"]:
            session.run(grow)
        eval_columns = [tf.constant(f.reshape(-1, 1))
                        for f in boosted_trees_cases.bucket_ids(eval_x)]
        predicted = raw.BoostedTreesPredict(tree_ensemble_handle=handle,
                                            bucketized_features=eval_columns,
                                            logits_dimension=1)
        return {"predictions": session.run(predicted).reshape(-1).tolist()}


def main():
    tf.disable_v2_behavior()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in boosted_trees_cases.CASES:
        with tempfile.TemporaryDirectory() as model_dir:
            result = boosted_trees_cases.run(tf, name, model_dir)
        (OUT / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
        print(name, "written")
    result = _v1_kernels()
    (OUT / "v1_kernels_deep_tree.json").write_text(json.dumps(result, indent=1) + "\n")
    print("v1_kernels_deep_tree written")


if __name__ == "__main__":
    main()
