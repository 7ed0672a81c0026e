"""Keras's engine: the layer base class, input layers, networks of layers and training."""
