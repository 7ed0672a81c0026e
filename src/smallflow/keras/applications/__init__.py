"""``tf.keras.applications``: the ImageNet models of TensorFlow 1.15's Keras, with Keras's
arguments, layer names and weight files. ``weights='imagenet'`` reads the weight file from
Keras's cache (``~/.keras/models``, the same file names TensorFlow uses) and downloads it only
if it is missing; ``weights=None`` gives the randomly initialized network; a path loads that
HDF5 file. Keras's model functions keep their capitalized names (hence the N802 markers).
"""

from . import (
               densenet,
               imagenet_utils,
               inception_v3,
               mobilenet,
               mobilenet_v2,
               resnet,
               resnet50,
               resnet_v2,
               vgg16,
               vgg19,
               xception,
)
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .inception_resnet_v2 import InceptionResNetV2
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .vgg16 import VGG16
from .vgg19 import VGG19
from .xception import Xception

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "InceptionResNetV2", "InceptionV3",
           "MobileNet", "MobileNetV2", "ResNet101", "ResNet101V2", "ResNet152", "ResNet152V2",
           "ResNet50", "ResNet50V2", "VGG16", "VGG19", "Xception", "densenet", "imagenet_utils",
           "inception_resnet_v2", "inception_v3", "mobilenet", "mobilenet_v2", "resnet",
           "resnet50", "resnet_v2", "vgg16", "vgg19", "xception"]
