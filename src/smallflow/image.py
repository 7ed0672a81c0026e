"""``tf.image``: the image operations smallflow provides (flips and random flips)."""

from .ops.image_ops import flip_left_right, flip_up_down, random_flip_left_right, random_flip_up_down

__all__ = ["flip_left_right", "flip_up_down", "random_flip_left_right", "random_flip_up_down"]
