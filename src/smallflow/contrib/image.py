"""``tf.contrib.image``: projective transforms, rotations and translations of images."""

from ..ops.image_ops import (
    angles_to_projective_transforms,
    rotate,
    transform,
    translate,
    translations_to_projective_transforms,
)

__all__ = [
    "angles_to_projective_transforms",
    "rotate",
    "transform",
    "translate",
    "translations_to_projective_transforms",
]
