"""``tf.contrib.image``: projective transforms (made, composed, applied), rotations and
translations of images, warps by flow fields and by control points."""

from ..ops.image_ops import (
    angles_to_projective_transforms,
    compose_transforms,
    flat_transforms_to_matrices,
    matrices_to_flat_transforms,
    rotate,
    transform,
    translate,
    translations_to_projective_transforms,
)
from .image_components import connected_components
from .image_spline import interpolate_spline, sparse_image_warp
from .image_warp import dense_image_warp, interpolate_bilinear

__all__ = [
    "angles_to_projective_transforms",
    "compose_transforms",
    "connected_components",
    "dense_image_warp",
    "flat_transforms_to_matrices",
    "interpolate_bilinear",
    "interpolate_spline",
    "matrices_to_flat_transforms",
    "rotate",
    "sparse_image_warp",
    "transform",
    "translate",
    "translations_to_projective_transforms",
]
