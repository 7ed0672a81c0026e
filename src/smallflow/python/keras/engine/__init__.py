"""``tensorflow.python.keras.engine``: ``input_spec``."""
