"""``tf.keras.preprocessing.image``: ``ImageDataGenerator`` (augmentation, ``flow``,
``flow_from_directory``), its iterators, and the single-image helpers (``load_img``,
``img_to_array``, ``array_to_img``, ``save_img``, ``apply_affine_transform``,
``random_rotation``/``random_shift``/``random_shear``/``random_zoom``, channel and brightness
shifts). Pillow is needed only for image files (``smallflow[image]``)."""

from .image_generator import DirectoryIterator, ImageDataGenerator, Iterator, NumpyArrayIterator
from .image_transforms import (
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    array_to_img,
    flip_axis,
    img_to_array,
    load_img,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
    save_img,
    transform_matrix_offset_center,
)

__all__ = ["DirectoryIterator", "ImageDataGenerator", "Iterator", "NumpyArrayIterator",
           "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift",
           "array_to_img", "flip_axis", "img_to_array", "load_img", "random_brightness",
           "random_channel_shift", "random_rotation", "random_shear", "random_shift",
           "random_zoom", "save_img", "transform_matrix_offset_center"]
