"""``tensorflow.core.framework``: protocol buffer modules (see ``smallflow.core``)."""
