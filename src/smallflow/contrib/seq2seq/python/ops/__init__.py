"""``tensorflow.contrib.seq2seq.python.ops.*``: TF1's module paths for the seq2seq classes
(``from tensorflow.contrib.seq2seq.python.ops import attention_wrapper``), answering with
smallflow's implementations."""
