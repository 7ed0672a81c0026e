"""``tensorflow.core.protobuf``: protocol buffer modules (see ``smallflow.core``)."""
