"""``tf.contrib``: the commonly used parts of TensorFlow 1.x's contrib, as aliases onto
smallflow's own implementations.

Any other name under ``tf.contrib`` raises an AttributeError that names the symbol and says
smallflow does not provide it, so a TF1 program stops at a clear message rather than at a
confusing failure later on.
"""

from . import (
    autograph,
    boosted_trees,
    compiler,
    crf,
    cudnn_rnn,
    data,
    deprecated,
    distribute,
    distributions,
    eager,
    estimator,
    factorization,
    feature_column,
    framework,
    gan,
    image,
    integrate,
    keras,
    layers,
    learn,
    legacy_seq2seq,
    lookup,
    losses,
    metrics,
    mixed_precision,
    nn,
    opt,
    predictor,
    resampler,
    rnn,
    seq2seq,
    signal,
    slim,
    sparsemax,
    stateless,
    summary,
    tensor_forest,
    tensorboard,
    tfprof,
    timeseries,
    tpu,
    training,
    util,
)
from ._missing import missing_attribute

__all__ = ["autograph", "boosted_trees", "compiler", "crf", "cudnn_rnn", "data", "deprecated",
           "distribute", "distributions", "eager", "estimator", "factorization", "feature_column",
           "framework", "gan", "image", "integrate", "keras", "layers", "learn",
           "legacy_seq2seq", "lookup", "losses", "metrics", "mixed_precision", "nn", "opt",
           "predictor", "resampler", "rnn",
           "seq2seq", "signal", "slim", "sparsemax", "stateless", "summary",
           "tensor_forest", "tensorboard", "tfprof", "timeseries", "tpu", "training", "util"]

__getattr__ = missing_attribute(__name__, "tf.contrib")
