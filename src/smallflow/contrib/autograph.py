"""``tf.contrib.autograph`` (TensorFlow 1.12-1.15): the AutoGraph converter under its contrib
name, with ``convert`` as a decorator and the list helpers of the r1 guide."""

import functools

from ..autograph import (
    ConversionError,
    do_not_convert,
    experimental,
    set_element_type,
    set_loop_options,
    stack,
    to_code,
    to_graph,
)
from ..autograph.operators import Undefined
from ._missing import missing_attribute

Feature = experimental.Feature

__all__ = ["ConversionError", "Feature", "Undefined", "convert", "do_not_convert",
           "set_element_type", "set_loop_options", "stack", "to_code", "to_graph"]


def convert(recursive=False, optional_features=None):
    """Decorator: the function converted when it is first called."""

    def decorator(func):
        converted = []

        @functools.wraps(func)
        def call(*args, **kwargs):
            if not converted:
                converted.append(to_graph(func, recursive=recursive,
                                          experimental_optional_features=optional_features))
            return converted[0](*args, **kwargs)

        return call

    return decorator


__getattr__ = missing_attribute(__name__, "tf.contrib.autograph")
