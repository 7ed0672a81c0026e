"""``tensorflow.core.util``: protocol buffer modules (see ``smallflow.core``)."""
