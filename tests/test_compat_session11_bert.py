"""Session 11's BERT sweep (google-research/bert on smallflow): what BERT's programs needed,
as specifications. ``TPUEstimator`` on the CPU as TensorFlow 1.15 runs it with
``use_tpu=False`` (run_classifier, run_pretraining, run_squad, extract_features);
``tf.expand_dims`` with a one-element list axis (modeling.py); a ``SummarySaverHook`` that
writes every ``save_steps`` steps and the ``loss`` summary the Estimator adds; files written
atomically with the permissions ``open`` gives. TensorFlow's own numbers for a BERT-shaped
encoder and its gradients are in tests/oracle/cases_session11_bert.py."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

# -- tf.expand_dims: axis=[-1] (modeling.py's embedding_lookup) ------------------------------


@settings(max_examples=30, deadline=None)
@given(rank=st.integers(0, 3), data=st.data())
def test_expand_dims_takes_a_one_element_axis_in_any_container(rank, data):
    axis = data.draw(st.integers(-rank - 1, rank))
    form = data.draw(st.sampled_from(["int", "list", "nested", "array", "constant"]))
    x = np.arange(int(np.prod([2] * rank)), dtype=np.float32).reshape([2] * rank)
    given_axis = {"int": axis, "list": [axis], "nested": [[axis]],
                  "array": np.array([axis], np.int64), "constant": tf.constant([axis])}[form]
    y = tf.expand_dims(tf.constant(x), given_axis)
    want = np.expand_dims(x, axis)
    assert y.shape.as_list() == list(want.shape)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), want)


@pytest.mark.parametrize(("axis", "error", "words"), [
    ([0, 1], ValueError, "'dim' input must be a tensor with a single value"),
    ([], ValueError, "'dim' input must be a tensor with a single value"),
    (1.0, TypeError, "DataType float32 not in list of allowed values: int32, int64"),
    ("1", TypeError, "not in list of allowed values: int32, int64"),
])
def test_expand_dims_refuses_other_axes_as_tensorflow_does(axis, error, words):
    with pytest.raises(error, match=words):
        tf.expand_dims(tf.constant([1, 2]), axis)


def test_expand_dims_takes_a_python_bool_as_an_int():
    assert tf.expand_dims(tf.constant([1, 2]), True).shape.as_list() == [2, 1]


def test_expand_dims_names_an_axis_tensor_whose_value_is_unknown():
    axis = tf.placeholder(tf.int32, [], name="which_axis")
    with pytest.raises(NotImplementedError, match="which_axis"):
        tf.expand_dims(tf.constant([1, 2]), axis)

