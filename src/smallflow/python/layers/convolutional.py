"""``tensorflow.python.layers.convolutional``: the convolution layers and their functions."""

from .._public import listed_getattr

_NAMES = [
    "Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Convolution1D",
    "Convolution2D", "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose",
    "SeparableConv1D", "SeparableConv2D", "conv1d", "conv2d", "conv2d_transpose", "conv3d",
    "conv3d_transpose", "separable_conv1d", "separable_conv2d",
]

# The module's older spellings, each standing for a public name.
_ALIASES = {
    "Deconv2D": "Conv2DTranspose", "Deconv3D": "Conv3DTranspose",
    "Deconvolution2D": "Conv2DTranspose", "Deconvolution3D": "Conv3DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
    "convolution1d": "conv1d", "convolution2d": "conv2d", "convolution3d": "conv3d",
    "convolution2d_transpose": "conv2d_transpose", "convolution3d_transpose": "conv3d_transpose",
    "deconv2d": "conv2d_transpose", "deconv3d": "conv3d_transpose",
    "deconvolution2d": "conv2d_transpose", "deconvolution3d": "conv3d_transpose",
    "separable_convolution2d": "separable_conv2d",
}

__getattr__ = listed_getattr(__name__, "layers", _NAMES, _ALIASES)
