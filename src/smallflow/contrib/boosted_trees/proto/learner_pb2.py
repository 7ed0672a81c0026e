"""``tf.contrib.boosted_trees.proto.learner_pb2``: TensorFlow 1.15's ``learner.proto``.

The messages (``LearnerConfig`` and the configs it nests, with their enums) are real
protocol-buffer classes: declared here as a descriptor with TensorFlow's package, message,
field and enum names and numbers, and made into classes by the ``protobuf`` runtime in a
private descriptor pool (no clash with an installed TensorFlow). So attribute access,
``CopyFrom``, ``WhichOneof``, ``SerializeToString``/``ParseFromString`` and the text form are
protobuf's own, and serialized bytes are the ones TensorFlow writes. Built on first access.
"""

_PACKAGE = "tensorflow.boosted_trees.learner"
_MESSAGES = ("TreeRegularizationConfig", "TreeConstraintsConfig", "LearningRateConfig",
             "LearningRateFixedConfig", "LearningRateLineSearchConfig", "AveragingConfig",
             "LearningRateDropoutDrivenConfig", "LearnerConfig")
_LOADED = None


def _file_descriptor(descriptor_pb2):
    fdp = descriptor_pb2.FileDescriptorProto(
        name="smallflow/contrib/boosted_trees/learner.proto", package=_PACKAGE,
        syntax="proto3")
    field = descriptor_pb2.FieldDescriptorProto
    kinds = {"float": field.TYPE_FLOAT, "uint32": field.TYPE_UINT32,
             "int32": field.TYPE_INT32, "int64": field.TYPE_INT64}

    def message(name, fields, oneofs=()):
        """``fields``: (name, number, type) with type a scalar kind, ``.Message`` or
        ``enum:Name``; ``oneofs``: (oneof name, member field names)."""
        msg = fdp.message_type.add(name=name)
        for fname, number, ftype in fields:
            entry = msg.field.add(name=fname, number=number, label=field.LABEL_OPTIONAL)
            if ftype.startswith("."):
                entry.type = field.TYPE_MESSAGE
                entry.type_name = f".{_PACKAGE}{ftype}"
            elif ftype.startswith("enum:"):
                entry.type = field.TYPE_ENUM
                entry.type_name = f".{_PACKAGE}.{name}.{ftype[5:]}"
            else:
                entry.type = kinds[ftype]
        for index, (oneof, members) in enumerate(oneofs):
            msg.oneof_decl.add(name=oneof)
            for entry in msg.field:
                if entry.name in members:
                    entry.oneof_index = index
        return msg

    message("TreeRegularizationConfig",
            [("l1", 1, "float"), ("l2", 2, "float"), ("tree_complexity", 3, "float")])
    message("TreeConstraintsConfig",
            [("max_tree_depth", 1, "uint32"), ("min_node_weight", 2, "float"),
             ("max_number_of_unique_feature_columns", 3, "int64")])
    message("LearningRateConfig",
            [("fixed", 1, ".LearningRateFixedConfig"),
             ("dropout", 2, ".LearningRateDropoutDrivenConfig"),
             ("line_search", 3, ".LearningRateLineSearchConfig")],
            [("tuner", ("fixed", "dropout", "line_search"))])
    message("LearningRateFixedConfig", [("learning_rate", 1, "float")])
    message("LearningRateLineSearchConfig",
            [("max_learning_rate", 1, "float"), ("num_steps", 2, "int32")])
    message("AveragingConfig",
            [("average_last_n_trees", 1, "float"), ("average_last_percent_trees", 2, "float")],
            [("config", ("average_last_n_trees", "average_last_percent_trees"))])
    message("LearningRateDropoutDrivenConfig",
            [("dropout_probability", 1, "float"),
             ("probability_of_skipping_dropout", 2, "float"), ("learning_rate", 3, "float")])
    learner = message(
        "LearnerConfig",
        [("num_classes", 1, "uint32"), ("feature_fraction_per_tree", 2, "float"),
         ("feature_fraction_per_level", 3, "float"),
         ("regularization", 4, ".TreeRegularizationConfig"),
         ("constraints", 5, ".TreeConstraintsConfig"),
         ("learning_rate_tuner", 6, ".LearningRateConfig"),
         ("pruning_mode", 8, "enum:PruningMode"), ("growing_mode", 9, "enum:GrowingMode"),
         ("multi_class_strategy", 10, "enum:MultiClassStrategy"),
         ("averaging_config", 11, ".AveragingConfig"),
         ("weak_learner_type", 12, "enum:WeakLearnerType")],
        [("feature_fraction", ("feature_fraction_per_tree", "feature_fraction_per_level"))])
    enums = (("PruningMode", ("PRUNING_MODE_UNSPECIFIED", "PRE_PRUNE", "POST_PRUNE")),
             ("GrowingMode", ("GROWING_MODE_UNSPECIFIED", "WHOLE_TREE", "LAYER_BY_LAYER")),
             ("MultiClassStrategy", ("MULTI_CLASS_STRATEGY_UNSPECIFIED", "TREE_PER_CLASS",
                                     "FULL_HESSIAN", "DIAGONAL_HESSIAN")),
             ("WeakLearnerType", ("NORMAL_DECISION_TREE", "OBLIVIOUS_DECISION_TREE")))
    for enum_name, values in enums:
        enum = learner.enum_type.add(name=enum_name)
        for number, value in enumerate(values):
            enum.value.add(name=value, number=number)
    return fdp


def _load():
    global _LOADED
    if _LOADED is None:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

        pool = descriptor_pool.DescriptorPool()
        pool.Add(_file_descriptor(descriptor_pb2))
        _LOADED = {name: message_factory.GetMessageClass(
            pool.FindMessageTypeByName(f"{_PACKAGE}.{name}")) for name in _MESSAGES}
        _LOADED["DESCRIPTOR"] = pool.FindFileByName(
            "smallflow/contrib/boosted_trees/learner.proto")
    return _LOADED


def __getattr__(name):
    if name in _MESSAGES or name == "DESCRIPTOR":
        return _load()[name]
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")


def __dir__():
    return sorted((*_MESSAGES, "DESCRIPTOR"))


__all__ = list(_MESSAGES)
