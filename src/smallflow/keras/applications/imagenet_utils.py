"""``tf.keras.applications.imagenet_utils``: the preprocessing the ImageNet models were trained
with, the decoding of their 1,000-class predictions, the input-shape rules, and the weight
files (read from Keras's cache, ``~/.keras/models``; nothing is downloaded when the file is
already there, and a clear error names the file when it is missing and cannot be fetched).
"""

import json
import os
import warnings

import numpy as np

from .. import backend
from ..utils import get_file

CLASS_INDEX_FILE = "imagenet_class_index.json"
_STORAGE = "https://storage.googleapis.com/"
CLASS_INDEX_PATH = _STORAGE + "download.tensorflow.org/data/imagenet_class_index.json"
WEIGHTS_ROOT = _STORAGE + "tensorflow/keras-applications/"

# Per-channel means (RGB) and standard deviations of ImageNet, as Keras uses them.
_MEAN_RGB = (0.485, 0.456, 0.406)
_STD_RGB = (0.229, 0.224, 0.225)
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)

_class_index = None


def cached_file(fname, origin, file_hash=None):
    """The path of a Keras cache file, fetched only when missing; an error that names the
    file and the folder to put it in when it is missing and cannot be fetched."""
    folder = os.path.join(os.path.expanduser(os.path.join("~", ".keras")), "models")
    try:
        return get_file(fname, origin, cache_subdir="models", file_hash=file_hash)
    except Exception as error:  # noqa: BLE001 - any failure to fetch gets the same advice
        raise OSError(
            f"the Keras file {fname!r} is not in Keras's cache ({folder}) and could not be "
            f"downloaded from {origin} ({error}); copy the file there (Keras and TensorFlow "
            "use the same cache and file names) or pass weights=None / a weights file path"
        ) from error


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _MEAN_RGB, _STD_RGB
    else:  # caffe: RGB -> BGR, then subtract the BGR means, no scaling
        if data_format == "channels_first":
            x = x[:, ::-1, ...] if x.ndim == 4 else x[::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_MEAN_BGR, None
    if data_format == "channels_first":
        axis = 0 if x.ndim == 3 else 1
        for channel in range(3):
            index = [slice(None)] * x.ndim
            index[axis] = channel
            x[tuple(index)] -= mean[channel]
            if std is not None:
                x[tuple(index)] /= std[channel]
    else:
        for channel in range(3):
            x[..., channel] -= mean[channel]
            if std is not None:
                x[..., channel] /= std[channel]
    return x


def _preprocess_tensor(x, data_format, mode):
    import smallflow as tf

    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, backend.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    rank = x.shape.ndims
    first = data_format == "channels_first"
    if mode == "torch":
        x = x / 255.0
        mean, std = _MEAN_RGB, _STD_RGB
    else:
        x = tf.reverse(x, [(1 if rank == 4 else 0) if first else -1])
        mean, std = _CAFFE_MEAN_BGR, None
    shape = (3, 1, 1) if first else (3,)
    dtype = x.dtype.base_dtype
    x = x - tf.constant(np.reshape(mean, shape), dtype)
    if std is not None:
        x = x / tf.constant(np.reshape(std, shape), dtype)
    return x


def preprocess_input(x, data_format=None, mode="caffe", **kwargs):
    """Scale a batch of RGB images (0-255) as the model's training did.

    ``mode``: 'caffe' (to BGR, minus the ImageNet means), 'tf' (to [-1, 1]) or 'torch'
    (to [0, 1], then standardized per channel). A float NumPy array is changed in place, as
    Keras does; integer arrays are converted to floatx first.
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"Unknown mode {mode!r}: use 'caffe', 'tf' or 'torch'")
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format {data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def decode_predictions(preds, top=5):
    """Per row of ``preds`` [N, 1000]: the ``top`` (class id, name, score) tuples."""
    global _class_index
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array "
                         f"of shape (samples, 1000)). Found array with shape: {preds.shape}")
    if _class_index is None:
        path = cached_file(CLASS_INDEX_FILE, CLASS_INDEX_PATH,
                           file_hash="c2c37ea517e94d9795004a39431a14cb")
        with open(path, encoding="utf-8") as file:
            _class_index = json.load(file)
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1]
        decoded = [tuple(_class_index[str(i)]) + (row[i],) for i in best]
        decoded.sort(key=lambda item: item[2], reverse=True)
        results.append(decoded)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape from the user's, with Keras's checks and messages."""
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.",
                          stacklevel=3)
        default_shape = ((channels, default_size, default_size)
                         if data_format == "channels_first"
                         else (default_size, default_size, channels))
    else:
        default_shape = ((3, default_size, default_size) if data_format == "channels_first"
                         else (default_size, default_size, 3))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        if data_format == "channels_first":
            channels, sizes = input_shape[0], input_shape[1:]
        else:
            channels, sizes = input_shape[-1], input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; got `input_shape={input_shape}`")
        if any(size is not None and size < min_size for size in sizes):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; got "
                             f"`input_shape={input_shape}`")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Got `input_shape={input_shape}`")
    return input_shape


def check_weights(weights, include_top, classes):
    """Keras's checks of ``weights`` and ``classes``."""
    if not (weights in ("imagenet", None) or (isinstance(weights, str | os.PathLike)
                                               and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or the path "
                         "to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         "`classes` should be 1000")


def model_input(input_tensor, input_shape):
    """The Input layer's tensor (made around ``input_tensor`` if that is no Keras tensor)."""
    from .. import layers

    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def model_inputs(input_tensor, img_input):
    """What the Model is built from: the sources of ``input_tensor``, else the Input."""
    from ..utils import get_source_inputs

    return get_source_inputs(input_tensor) if input_tensor is not None else img_input


def pooled(x, pooling):
    """The optional global pooling of the models without their classifier."""
    from .. import layers

    if pooling == "avg":
        return layers.GlobalAveragePooling2D()(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D()(x)
    return x


def finish_model(x, img_input, input_tensor, include_top, pooling, classes, name, weights,
                 fname, origin):
    """The usual end of a model: the classifier (global average pool 'avg_pool' and a
    softmax Dense 'predictions') or the optional pooling, the Model, and its weights
    (``fname`` is the file with the classifier; without it Keras's name ends in _notop)."""
    from .. import layers
    from ..engine.training import Model

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation="softmax", name="predictions")(x)
    else:
        x = pooled(x, pooling)
        fname = fname.replace(".h5", "_notop.h5")
    model = Model(model_inputs(input_tensor, img_input), x, name=name)
    load_model_weights(model, weights, fname, origin + fname)
    return model


def load_model_weights(model, weights, fname, origin, file_hash=None):
    """Weights from Keras's cache for 'imagenet', from the file for a path."""
    if weights == "imagenet":
        model.load_weights(cached_file(fname, origin, file_hash))
    elif weights is not None:
        model.load_weights(weights)


__all__ = ["decode_predictions", "preprocess_input"]
