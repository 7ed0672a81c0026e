"""``tensorflow.python.ops.linalg``: the modules of ``tf.linalg`` TF1 code imports."""
