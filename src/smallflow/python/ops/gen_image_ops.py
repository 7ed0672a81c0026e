"""``tensorflow.python.ops.gen_image_ops``: the raw image ops, as the public functions
(``non_max_suppression_v3`` takes the arguments of ``tf.image.non_max_suppression``,
``_v4`` those of ``non_max_suppression_padded``)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("image",), aliases={
    "non_max_suppression_v2": "image.non_max_suppression",
    "non_max_suppression_v3": "image.non_max_suppression",
    "non_max_suppression_v4": "image.non_max_suppression_padded",
    "non_max_suppression_with_overlaps": "image.non_max_suppression_overlaps",
})
