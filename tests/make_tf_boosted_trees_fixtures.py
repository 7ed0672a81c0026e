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


def main():
    tf.disable_v2_behavior()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in boosted_trees_cases.CASES:
        with tempfile.TemporaryDirectory() as model_dir:
            result = boosted_trees_cases.run(tf, name, model_dir)
        (OUT / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
        print(name, "written")


if __name__ == "__main__":
    main()
