"""Where Keras's datasets come from: TensorFlow's storage bucket, through ``get_file``'s cache
(``~/.keras/datasets``), as TensorFlow's Keras fetches them."""

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(name, cache_subdir="datasets", origin=None, **kwargs):
    from ..utils import get_file

    return get_file(name, origin=origin or ORIGIN + name, cache_subdir=cache_subdir, **kwargs)
