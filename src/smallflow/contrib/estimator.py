"""``tf.contrib.estimator``: the extenders TF1 courses use with the canned estimators.

``clip_gradients_by_norm`` wraps an optimizer so the gradients are clipped by their global
norm before they are applied (Google's Machine Learning Crash Course wraps every optimizer
in it); ``add_metrics`` and ``forward_features`` make a new Estimator around an existing
one's ``model_fn``; the early-stopping hooks and ``read_eval_metrics`` are those of
``tf.estimator.experimental``; the heads (``estimator_heads.py``), ``replicate_model_fn`` on one
tower and the logit_fn builders (``estimator_replicate.py``). ``RNNClassifier`` and the boosted
trees are not provided: naming them raises an AttributeError that says so.
"""

from ..estimator.early_stopping import (
    make_early_stopping_hook,
    read_eval_metrics,
    stop_if_higher_hook,
    stop_if_lower_hook,
    stop_if_no_decrease_hook,
    stop_if_no_increase_hook,
)
from ..estimator.extras import add_metrics
from ..graph import Tensor
from ..ops import clip_ops, sparse_ops
from ..ops.sparse_tensor import SparseTensor
from ..train.optimizer import Optimizer, WrapperSlots
from ._missing import missing_attribute
from .estimator_heads import (
    binary_classification_head,
    logistic_regression_head,
    multi_class_head,
    multi_head,
    multi_label_head,
    poisson_regression_head,
    regression_head,
)
from .estimator_replicate import (
    TowerOptimizer,
    call_logit_fn,
    dnn_logit_fn_builder,
    linear_logit_fn_builder,
    replicate_model_fn,
)

__all__ = ["TowerOptimizer", "add_metrics", "binary_classification_head", "call_logit_fn",
           "clip_gradients_by_norm", "dnn_logit_fn_builder", "forward_features",
           "linear_logit_fn_builder", "logistic_regression_head", "make_early_stopping_hook",
           "multi_class_head", "multi_head", "multi_label_head", "poisson_regression_head",
           "read_eval_metrics", "regression_head", "replicate_model_fn", "stop_if_higher_hook",
           "stop_if_lower_hook", "stop_if_no_decrease_hook", "stop_if_no_increase_hook"]


class _TransformGradients(WrapperSlots, Optimizer):
    """An optimizer that changes the (gradient, variable) pairs with ``transform`` and lets
    the wrapped optimizer compute and apply them (its slots stay its own)."""

    _wrapped_attr = "_optimizer"

    def __init__(self, optimizer, transform, name):
        super().__init__(use_locking=False, name=name)
        self._optimizer = optimizer
        self._transform = transform

    def compute_gradients(self, *args, **kwargs):
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        return self._optimizer.apply_gradients(self._transform(list(grads_and_vars)),
                                               global_step, name)


def clip_gradients_by_norm(optimizer, clip_norm):
    """An optimizer like ``optimizer`` whose gradients are first scaled together so that their
    global norm is at most ``clip_norm`` (``tf.clip_by_global_norm``)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"clip_gradients_by_norm needs a tf.train.Optimizer; got "
                        f"{type(optimizer).__name__}")

    def clip(grads_and_vars):
        gradients, variables = zip(*grads_and_vars)
        clipped, _ = clip_ops.clip_by_global_norm(list(gradients), clip_norm)
        return list(zip(clipped, variables))

    return _TransformGradients(optimizer, clip, "ClipByNorm" + optimizer.get_name())


def _forwarded_keys(keys):
    if keys is None:
        return None
    if isinstance(keys, str):
        return [keys]
    if not isinstance(keys, list | tuple):
        raise TypeError(f"keys should be either a string or a list of strings. Given: "
                        f"{type(keys)}")
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"All items in the given keys list should be a string. There "
                            f"exist an item with type: {type(key)}")
    return list(keys)


def forward_features(estimator, keys=None, sparse_default_values=None):
    """A new Estimator whose predictions also hold the input features named by ``keys``
    (all of them when None), e.g. an example id to join batch predictions back to inputs.
    Sparse features are forwarded only when ``sparse_default_values`` gives their default
    (they are made dense with it)."""
    from ..estimator.estimator import Estimator

    keys = _forwarded_keys(keys)

    def model_fn(features, labels, mode, config):
        spec = estimator._call_model_fn(features, labels, mode)
        predictions = spec.predictions
        if predictions is None:
            return spec
        if not isinstance(predictions, dict):
            raise ValueError(f"Predictions should be a dict to be able to forward features. "
                             f"Given: {type(predictions)}")
        predictions = dict(predictions)
        for key in (features.keys() if keys is None else keys):
            if key not in features:
                raise ValueError(f'keys should be exist in features. Key "{key}" is not in '
                                 f"features dict. features dict has following keys: "
                                 f"{list(features)}. Please check arguments of "
                                 f"forward_features.")
            if key in predictions:
                raise ValueError(f"Cannot forward feature key ({key}). Since it does exist "
                                 f"in predictions. Existing prediction keys: "
                                 f"{list(predictions)}. Please check arguments of "
                                 f"forward_features.")
            feature = features[key]
            if sparse_default_values and key in sparse_default_values:
                if not isinstance(feature, SparseTensor):
                    raise ValueError(f"Feature ({key}) is expected to be a `SparseTensor`.")
                feature = sparse_ops.sparse_tensor_to_dense(
                    feature, default_value=sparse_default_values[key])
            if not isinstance(feature, Tensor):
                raise ValueError(f"Feature ({key}) should be a Tensor. Please use `keys` "
                                 f"argument of forward_features to filter unwanted features, "
                                 f"or add key to argument `sparse_default_values`. Type of "
                                 f"features[{key}] is {type(feature)}.")
            predictions[key] = feature
        return spec._replace(predictions=predictions)

    return Estimator(model_fn, estimator.model_dir, estimator.config)


__getattr__ = missing_attribute(__name__, "tf.contrib.estimator")
