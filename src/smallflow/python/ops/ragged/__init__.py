"""``tensorflow.python.ops.ragged``: the modules of ``tf.ragged`` TF1 code imports."""
