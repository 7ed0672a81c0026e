"""Session 15 sweep (helper sweep15): what TF1 book and course programs found missing or
different in smallflow (docs/compatibility.md, "Session 15 sweep (helper sweep15)")."""

import pytest

import smallflow as tf


@pytest.mark.parametrize(("name", "replacement"), [
    ("mul", "tf.multiply"),
    ("sub", "tf.subtract"),
    ("neg", "tf.negative"),
])
def test_tensorflow_0_arithmetic_names_are_missing_as_in_1x(name, replacement):
    # PacktPublishing/Getting-Started-with-TensorFlow ch1 programming_model.py calls tf.mul:
    # TensorFlow 1.0 renamed it (AttributeError in every 1.x), smallflow answered it.
    with pytest.raises(AttributeError, match=f"removed in TensorFlow 1.0: use {replacement} "):
        getattr(tf, name)
    assert not hasattr(tf.compat.v1, name)
