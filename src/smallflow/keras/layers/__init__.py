"""``tf.keras.layers``: Keras's layer classes for TF1 graphs (see ``engine.base_layer``)."""

from ..engine.base_layer import InputSpec, Layer
from ..engine.input_layer import Input, InputLayer
from .advanced_activations import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from .convolutional import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Convolution1D,
    Convolution2D,
    Convolution2DTranspose,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
    UpSampling2D,
    ZeroPadding2D,
)
from .core import (
    Activation,
    ActivityRegularization,
    Dense,
    Dropout,
    Flatten,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from .embeddings import Embedding
from .merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .noise import GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from .normalization import BatchNormalization
from .recurrent import GRU, LSTM, SimpleRNN
from .wrappers import Bidirectional, TimeDistributed

__all__ = [
    "GaussianDropout", "GaussianNoise", "SpatialDropout1D", "SpatialDropout2D",
    "Bidirectional", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU",
    "TimeDistributed",
    "Activation", "ActivityRegularization", "Add", "Average", "AveragePooling1D",
    "AveragePooling2D", "AvgPool1D", "AvgPool2D", "BatchNormalization", "Concatenate",
    "Conv1D", "Conv2D", "Conv2DTranspose", "Convolution1D", "Convolution2D",
    "Convolution2DTranspose", "Dense", "Dot", "Dropout", "Embedding", "Flatten", "GRU", "LSTM",
    "SimpleRNN",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Input",
    "InputLayer", "InputSpec", "Lambda", "Layer", "MaxPool1D", "MaxPool2D", "MaxPooling1D",
    "MaxPooling2D", "Maximum", "Minimum", "Multiply", "Permute", "RepeatVector", "Reshape",
    "Subtract", "UpSampling2D", "ZeroPadding2D", "add", "average", "concatenate", "dot",
    "maximum", "minimum", "multiply", "subtract",
]
