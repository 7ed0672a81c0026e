"""``tensorflow.python.data.ops``: ``dataset_ops``, ``iterator_ops`` and ``readers``, each
answering with the ``tf.data`` name it is asked for."""
