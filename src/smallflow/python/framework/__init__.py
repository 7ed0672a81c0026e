"""``tensorflow.python.framework``: ops, dtypes, tensor_shape, tensor_util, constant_op,
graph_util, errors, as TF1 programs import them."""
