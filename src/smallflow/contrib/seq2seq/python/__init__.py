"""``tensorflow.contrib.seq2seq.python``: the import path some TF1 programs use."""
