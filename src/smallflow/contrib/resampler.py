"""``tf.contrib.resampler``: bilinear sampling of images at arbitrary points (the sampler of
spatial transformer networks); see contrib/image_warp.py."""

from .image_warp import resampler

__all__ = ["resampler"]
