"""``tensorflow.contrib.tensor_forest.python.tensor_forest`` (TensorFlow 1.15): extremely
randomized forests trained online, batch by batch (see ``forest_core`` for the algorithm).

``ForestHParams(...).fill()`` derives the settings TensorFlow derives; ``RandomForestGraphs``
builds the training graph (one op per tree, the grown tree assigned back to its variable),
the inference graph (``(probabilities, tree_paths, variance)``), the average size and the
"loss" TensorFlow reports (minus the average number of nodes).

Differences from TensorFlow, by design: the random choices (candidate features, seed 0 draws)
are NumPy's, not TensorFlow's Philox streams; ``tree_paths`` are JSON node-id lists, not
serialized TreePath protos; the early-finish strategies other than ``'basic'`` and split
pruning other than ``'none'`` are not provided (a ValueError names them); sparse features
are refused. As TensorFlow's, the integer entries of a dict input are categorical: their
candidate splits test ``value == threshold`` (one tensor is read as floats). Older TF1
programs that take ``inference_graph``'s result as the probabilities tensor itself
(TensorFlow before 1.5) work too: the result converts to it.
"""

import math
import numbers
import random

import smallflow as tf

from ....python.ops import resources
from .. import forest_core, forest_ops
from .ops import data_ops

LEAF_NODE = -1

# TensorFlow's proto enum values, kept in the filled parameters as TensorFlow keeps them.
CLASSIFICATION_LEAF_MODEL_TYPES = {
    "all_dense": (0, 0),  # MODEL_DENSE_CLASSIFICATION, STATS_DENSE_GINI
    "all_sparse": (1, 1),
    "sparse_then_dense": (3, 3),
}
REGRESSION_MODEL_TYPE = (2, 2, 0)  # MODEL_REGRESSION, STATS_LEAST_SQUARES_REGRESSION, basic
FINISH_TYPES = {"basic": 0, "hoeffding": 2, "bootstrap": 3}
PRUNING_TYPES = {"none": 0, "half": 1, "quarter": 2, "10_percent": 3, "hoeffding": 4}
SPLIT_TYPES = {"less_or_equal": 0, "less": 1}


class ForestHParams:
    """Hyperparameters of a forest; ``fill()`` computes the ones left at 0 or unset."""

    def __init__(self, num_trees=100, max_nodes=10000, bagging_fraction=1.0,
                 num_splits_to_consider=0, feature_bagging_fraction=1.0, max_fertile_nodes=0,
                 split_after_samples=250, valid_leaf_threshold=1, dominate_method="bootstrap",
                 dominate_fraction=0.99, model_name="all_dense", split_finish_name="basic",
                 split_pruning_name="none", prune_every_samples=0,
                 early_finish_check_every_samples=0, collate_examples=False,
                 checkpoint_stats=False, use_running_stats_method=False,
                 initialize_average_splits=False, inference_tree_paths=False, param_file=None,
                 split_name="less_or_equal", **kwargs):
        self.num_trees = num_trees
        self.max_nodes = max_nodes
        self.bagging_fraction = bagging_fraction
        self.feature_bagging_fraction = feature_bagging_fraction
        self.num_splits_to_consider = num_splits_to_consider
        self.max_fertile_nodes = max_fertile_nodes
        self.split_after_samples = split_after_samples
        self.valid_leaf_threshold = valid_leaf_threshold
        self.dominate_method = dominate_method
        self.dominate_fraction = dominate_fraction
        self.model_name = model_name
        self.split_finish_name = split_finish_name
        self.split_pruning_name = split_pruning_name
        self.collate_examples = collate_examples
        self.checkpoint_stats = checkpoint_stats
        self.use_running_stats_method = use_running_stats_method
        self.initialize_average_splits = initialize_average_splits
        self.inference_tree_paths = inference_tree_paths
        self.param_file = param_file
        self.split_name = split_name
        self.early_finish_check_every_samples = early_finish_check_every_samples
        self.prune_every_samples = prune_every_samples
        for name, value in kwargs.items():
            setattr(self, name, value)

    def values(self):
        return self.__dict__

    def fill(self):
        """Derive the unset parameters as TensorFlow 1.15 does; returns ``self``."""
        for required in ("num_classes", "num_features"):
            if not hasattr(self, required):
                raise AttributeError(f"'ForestHParams' object has no attribute '{required}' "
                                     f"(ForestHParams needs {required}=...)")
        self.bagged_num_features = int(self.feature_bagging_fraction * self.num_features)
        self.bagged_features = None
        if self.feature_bagging_fraction < 1.0:
            self.bagged_features = [random.sample(range(self.num_features),
                                                  self.bagged_num_features)
                                    for _ in range(self.num_trees)]
        self.regression = getattr(self, "regression", False)
        self.num_outputs = self.num_classes if self.regression else 1
        self.num_output_columns = self.num_classes + 1
        self.num_splits_to_consider = self.num_splits_to_consider or min(
            max(10, math.floor(math.sqrt(self.num_features))), 1000)
        self.base_random_seed = getattr(self, "base_random_seed", 0)
        if self.model_name not in CLASSIFICATION_LEAF_MODEL_TYPES:
            raise KeyError(self.model_name)
        if self.regression:
            self.leaf_model_type, self.stats_model_type = REGRESSION_MODEL_TYPE[:2]
        else:
            self.leaf_model_type, self.stats_model_type = (
                CLASSIFICATION_LEAF_MODEL_TYPES[self.model_name])
        self.finish_type = 0 if self.regression else FINISH_TYPES[self.split_finish_name]
        self.pruning_type = PRUNING_TYPES[self.split_pruning_name]
        if self.pruning_type == 0:
            self.prune_every_samples = 0
        else:
            self.prune_every_samples = (self.prune_every_samples
                                        or int(self.split_after_samples) / 2)
        if self.finish_type == 0:
            self.early_finish_check_every_samples = 0
        else:
            self.early_finish_check_every_samples = (
                self.early_finish_check_every_samples or int(self.split_after_samples) / 4)
        self.split_type = SPLIT_TYPES[self.split_name]
        return self


def _check_supported(params):
    if getattr(params, "finish_type", 0) != 0:
        raise ValueError(f"tensor_forest: split_finish_name={params.split_finish_name!r} "
                         "(early finishing) is not provided by smallflow; use 'basic'")
    if getattr(params, "pruning_type", 0) != 0:
        raise ValueError(f"tensor_forest: split_pruning_name={params.split_pruning_name!r} "
                         "is not provided by smallflow; use 'none'")
    if not isinstance(params.split_after_samples, numbers.Integral):
        raise ValueError("tensor_forest: split_after_samples must be a number here "
                         f"(depth-dependent settings are not provided), got "
                         f"{params.split_after_samples!r}")
    if not isinstance(params.num_splits_to_consider, numbers.Integral):
        raise ValueError("tensor_forest: num_splits_to_consider must be a number here, got "
                         f"{params.num_splits_to_consider!r}")
    if params.param_file:
        raise ValueError("tensor_forest: param_file (a TensorForestParams text proto) is not "
                         "read by smallflow")


def get_epoch_variable():
    """The epoch counter of ``tf.train.limit_epochs`` if the graph has one, else ``[0]``."""
    for variable in tf.local_variables():
        if "limit_epochs/epoch" in variable.op.name:
            return tf.reshape(variable, [1])
    return [0]


class TreeVariables:
    """One tree: a string variable with the tree's bytes, also registered as a shared
    resource (``stats``: the name of the per-session statistics of its growing leaves)."""

    def __init__(self, params, tree_num, training, tree_config="", tree_stat=""):
        params.serialized_params_proto = b""
        initial = tree_config or forest_core.Tree(params.num_classes).to_bytes()
        self.tree = tf.Variable(initial, trainable=False, dtype=tf.string,
                             name=self.get_tree_name("tree", tree_num))
        # TensorFlow's tree is a resource in the ``resources`` collection, initialized by
        # ``resources.initialize_resources(resources.shared_resources())``: the tree variable
        # is registered there too, so a program initializing only the resources works.
        resources.register_resource(self.tree, self.tree.initializer,
                                    tf.is_variable_initialized(self.tree))
        self.stats = self.get_tree_name("stats", tree_num) if training else None

    def get_tree_name(self, name, num):
        return f"{name}-{num}"


class ForestVariables:
    """The variables of every tree; ``forest_variables[i]`` is tree i's."""

    def __init__(self, params, device_assigner, training=True,
                 tree_variables_class=TreeVariables, tree_configs=None, tree_stats=None):
        self.variables = []
        self.device_dummies = []
        for i in range(params.num_trees):
            self.device_dummies.append(tf.get_variable(
                name=f"device_dummy_{i}", shape=0))
        for i in range(params.num_trees):
            kwargs = {}
            if tree_configs is not None:
                kwargs["tree_config"] = tree_configs[i]
            if tree_stats is not None:
                kwargs["tree_stat"] = tree_stats[i]
            self.variables.append(tree_variables_class(params, i, training, **kwargs))

    def __setitem__(self, t, val):
        self.variables[t] = val

    def __getitem__(self, t):
        return self.variables[t]


class InferenceResult(tuple):
    """``(probabilities, tree_paths, variance)``; used as a tensor, it is the probabilities
    (what ``inference_graph`` returned before TensorFlow 1.5)."""

    def __getattr__(self, name):
        return getattr(self[0], name)


tf.register_tensor_conversion_function(
    InferenceResult, lambda value, dtype=None, name=None, as_ref=False: value[0], priority=1)


class RandomForestGraphs:
    """Builds the graphs that train a random forest and read it."""

    def __init__(self, params, tree_configs=None, tree_stats=None, device_assigner=None,
                 variables=None, tree_variables_class=TreeVariables, tree_graphs=None,
                 training=True):
        if not hasattr(params, "regression"):
            params.fill()  # TensorFlow reads fill()'s fields; unfilled params fail there
        _check_supported(params)
        self.params = params
        self.device_assigner = device_assigner
        tf.logging.info("Constructing forest with params = ")
        tf.logging.info(str(self.params.__dict__))
        self.variables = variables or ForestVariables(
            self.params, device_assigner=self.device_assigner, training=training,
            tree_variables_class=tree_variables_class, tree_configs=tree_configs,
            tree_stats=tree_stats)
        tree_graph_class = tree_graphs or RandomTreeGraphs
        self.trees = [tree_graph_class(self.variables[i], self.params, i)
                      for i in range(self.params.num_trees)]

    def _bag_features(self, tree_num, input_data):
        return tf.gather(input_data, self.params.bagged_features[tree_num], axis=1)

    def get_all_resource_handles(self):
        return ([self.variables[i].tree for i in range(len(self.trees))]
                + [self.variables[i].stats for i in range(len(self.trees))])

    def training_graph(self, input_data, input_labels, num_trainers=1, trainer_id=0,
                       **tree_kwargs):
        """One op that trains every tree (of this trainer) on the batch."""
        data, data_spec = _dense_features(input_data)
        labels = _labels(input_labels)
        per_trainer = self.params.num_trees / num_trainers
        first, last = int(trainer_id * per_trainer), int((trainer_id + 1) * per_trainer)
        trained = []
        for i in range(first, last):
            seed = self.params.base_random_seed
            if seed != 0:
                seed += i
            tree_data, tree_labels = data, labels
            weights = tree_kwargs.get("input_weights")
            if self.params.bagging_fraction < 1.0:
                size = tf.strided_slice(tf.shape(data), [0], [1])
                draws = tf.random_uniform(size, seed=seed)
                keep = tf.less(draws, tf.ones_like(draws)
                                     * self.params.bagging_fraction)
                rows = tf.squeeze(tf.where(keep), axis=[1])
                tree_data = tf.gather(data, rows)
                tree_labels = tf.gather(labels, rows)
                if weights is not None:
                    weights = tf.gather(weights, rows)
            if self.params.bagged_features:
                tree_data = self._bag_features(i, tree_data)
            trained.append(self.trees[i].training_graph(
                tree_data, tree_labels, seed, data_spec=data_spec,
                **{k: v for k, v in tree_kwargs.items() if k != "input_weights"},
                input_weights=weights))
        return tf.group(*trained, name="train")

    def inference_graph(self, input_data, **inference_args):
        """``(probabilities, tree_paths, variance)`` averaged over the trees."""
        data, data_spec = _dense_features(input_data)
        probabilities, paths = [], []
        for i in range(self.params.num_trees):
            tree_data = data
            if self.params.bagged_features:
                tree_data = self._bag_features(i, tree_data)
            probs, path = self.trees[i].inference_graph(tree_data, data_spec,
                                                        **inference_args)
            probabilities.append(probs)
            paths.append(path)
        every = tf.stack(probabilities, axis=1)
        average = tf.div(tf.reduce_sum(every, 1), self.params.num_trees,
                               name="probabilities")
        tree_paths = tf.stack(paths, axis=1)
        squares = tf.div(tf.reduce_sum(every * every, 1), self.params.num_trees)
        variance = tf.maximum(0., squares - average * average)
        return InferenceResult((average, tree_paths, variance))

    def average_size(self):
        """The mean number of nodes over the trees (float32)."""
        sizes = [tree.size() for tree in self.trees]
        return tf.reduce_mean(tf.cast(tf.stack(sizes), tf.float32))

    def training_loss(self, features, labels, name="training_loss"):
        return tf.negative(self.average_size(), name=name)

    def validation_loss(self, features, labels):
        return tf.negative(self.average_size())

    def feature_importances(self):
        counts = [tree.feature_usage_counts() for tree in self.trees]
        total = tf.reduce_sum(tf.stack(counts, 0), 0)
        return total / tf.reduce_sum(total)


class RandomTreeGraphs:
    """The graphs of one tree."""

    def __init__(self, variables, params, tree_num):
        self.variables = variables
        self.params = params
        self.tree_num = tree_num

    def training_graph(self, input_data, input_labels, random_seed, data_spec,
                       sparse_features=None, input_weights=None):
        if sparse_features is not None:
            raise NotImplementedError("tensor_forest: sparse features are not provided by "
                                      "smallflow")
        tree = self.variables.tree
        bagged = (self.params.bagged_features[self.tree_num]
                  if self.params.bagged_features else None)
        with tf.name_scope(f"train_tree_{self.tree_num}"):
            grown = forest_ops.train_tree(
                tree.read_value(), input_data, input_labels, input_weights, self.params,
                random_seed, categorical=_categorical_columns(data_spec, bagged))
            with tf.control_dependencies([grown]):
                return tf.assign(tree, grown).op

    def inference_graph(self, input_data, data_spec, sparse_features=None):
        if sparse_features is not None:
            raise NotImplementedError("tensor_forest: sparse features are not provided by "
                                      "smallflow")
        return forest_ops.tree_predictions(self.variables.tree, input_data, self.params)

    def size(self):
        return forest_ops.tree_size(self.variables.tree, self.params)

    def feature_usage_counts(self):
        return forest_ops.feature_usage_counts(self.variables.tree, self.params)


def _dense_features(input_data):
    """(float32 [batch, features], data spec or None): a dict's entries in sorted key order
    (``data_ops``; its integer columns are categorical), or one tensor (all thresholds)."""
    if isinstance(input_data, tf.SparseTensor):
        raise NotImplementedError("tensor_forest: sparse features are not provided by "
                                  "smallflow")
    if isinstance(input_data, dict):
        data, _, spec = data_ops.ParseDataTensorOrDict(input_data)
        return data, spec
    return tf.cast(input_data, tf.float32), None


def _categorical_columns(data_spec, bagged_features):
    """The columns (after feature bagging) of the integer entries of a dict input."""
    if data_spec is None:
        return ()
    kinds = []
    for column in data_spec.dense.cols:
        if column.size is None:
            return ()
        kinds.extend([column.original_type == data_ops.DATA_CATEGORICAL] * column.size)
    if bagged_features is not None:
        kinds = [kinds[j] for j in bagged_features]
    return tuple(i for i, categorical in enumerate(kinds) if categorical)


def _labels(input_labels):
    if isinstance(input_labels, dict):
        return tf.cast(tf.concat(
            [input_labels[key] for key in sorted(input_labels)], 1), tf.float32)
    return tf.cast(input_labels, tf.float32)


__all__ = ["ForestHParams", "ForestVariables", "LEAF_NODE", "RandomForestGraphs",
           "RandomTreeGraphs", "TreeVariables", "get_epoch_variable"]
