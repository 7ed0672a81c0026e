"""Oracle cases for tf.data and tf.metrics (issue 12): element values and order, structure
(``output_types``/``output_shapes``), the end of a pipeline, and streaming metric values.

A case with ``runs=N`` is run N times in one session (the runner records each run's values
as ``name@i``) and stops early at the first error, which is recorded as how the sequence
ended (``OutOfRangeError`` after the last element). Same rules as cases.py: each build is a
function of ``tf`` and ``np`` only.
"""

from cases import Case

LABELS = [0, 1, 2, 1, 0, 2, 2, 1]
PREDICTIONS = [0, 2, 2, 1, 1, 2, 0, 1]
SCORES = [0.1, 0.8, 0.35, 0.9, 0.6, 0.2, 0.75, 0.4]
BINARY = [0, 1, 0, 1, 1, 0, 1, 0]


def _next(tf, dataset):
    return dataset.make_one_shot_iterator().get_next()


def _fetch_element(element):
    """A nest of tensors as flat named fetches (``c0``, ``c1``, ... in nest order)."""
    if isinstance(element, dict):
        items = [element[key] for key in sorted(element)]
    elif isinstance(element, tuple | list):
        items = []
        for part in element:
            items.extend(_fetch_element(part).values())
    else:
        items = [element]
    return {f"c{i}": tensor for i, tensor in enumerate(items)}


def _structure(tf, np, dataset):
    """``output_types`` names and ``output_shapes`` (-1 unknown dim, -2 unknown rank)."""
    types = tf.nest.flatten(dataset.output_types)
    shapes = tf.nest.flatten(dataset.output_shapes)
    rows = []
    for shape in shapes:
        dims = [-2] if shape.ndims is None else [-1 if d is None else d
                                                   for d in shape.as_list()]
        rows.append(dims + [-3] * (4 - len(dims)))
    return {"types": tf.constant([t.name for t in types]),
            "shapes": tf.constant(np.array(rows, dtype="int64").reshape(len(rows), 4))}


def _pipeline_case(name, make, runs):
    def build(tf, np):
        dataset = make(tf, np)
        return _fetch_element(_next(tf, dataset))

    return Case(f"data/{name}", build, runs=runs)


def _structure_case(name, make):
    return Case(f"data/structure/{name}", lambda tf, np: _structure(tf, np, make(tf, np)))


def _slices(tf, np):
    return tf.data.Dataset.from_tensor_slices(
        (np.arange(6, dtype="float32"), np.array([3, 1, 4, 1, 5, 9], dtype="int32")))


def _ragged(tf, np):
    return tf.data.Dataset.range(1, 6).map(lambda n: tf.fill([n], tf.cast(n, tf.int32)))


PIPELINES = {
    "range_step": (lambda tf, np: tf.data.Dataset.range(3, 12, 4), 4),
    "slices_tuple_map": (lambda tf, np: _slices(tf, np).map(lambda x, y: (x * 2.0, y + 1)), 7),
    "map_to_dict": (lambda tf, np: _slices(tf, np).map(
        lambda x, y: {"sum": x + tf.cast(y, tf.float32), "label": y}), 7),
    "batch": (lambda tf, np: _slices(tf, np).batch(4), 3),
    "batch_drop_remainder": (lambda tf, np: _slices(tf, np).batch(4, drop_remainder=True), 2),
    "padded_batch": (lambda tf, np: _ragged(tf, np).padded_batch(2, padded_shapes=[None]), 4),
    "padded_batch_fixed_value": (lambda tf, np: _ragged(tf, np).padded_batch(
        3, padded_shapes=[6], padding_values=-1), 3),
    "filter": (lambda tf, np: tf.data.Dataset.range(10).filter(
        lambda v: tf.equal(v % 3, 1)), 4),
    "flat_map": (lambda tf, np: tf.data.Dataset.range(1, 4).flat_map(
        lambda n: tf.data.Dataset.range(n).map(lambda v: v + 10 * n)), 7),
    "interleave": (lambda tf, np: tf.data.Dataset.range(1, 4).interleave(
        lambda n: tf.data.Dataset.from_tensors(n).repeat(n + 1), cycle_length=2,
        block_length=2), 10),
    "zip_nested": (lambda tf, np: tf.data.Dataset.zip(
        (tf.data.Dataset.range(5), (tf.data.Dataset.range(10, 13),
                                    tf.data.Dataset.from_tensor_slices(["a", "b", "c", "d"])))),
        4),
    "take_skip_repeat": (lambda tf, np: tf.data.Dataset.range(8).skip(2).take(3).repeat(2), 7),
    "repeat_then_batch": (lambda tf, np: tf.data.Dataset.range(3).repeat(3).batch(4), 4),
    "concatenate": (lambda tf, np: tf.data.Dataset.range(2).concatenate(
        tf.data.Dataset.range(7, 9)), 5),
    "unbatch": (lambda tf, np: _slices(tf, np).batch(4).apply(tf.data.experimental.unbatch()),
                7),
    "shuffle_buffer_one_keeps_order": (lambda tf, np: tf.data.Dataset.range(5).shuffle(1), 6),
    # NumPy's streams are not Philox: a seeded shuffle's order differs from TensorFlow's, but
    # each epoch is a permutation, which sorting makes comparable.
    "shuffle_epoch_is_a_permutation": (lambda tf, np: tf.data.Dataset.range(12).shuffle(
        5, seed=3).batch(12).map(lambda b: tf.sort(b)).repeat(2), 3),
    "parallel_map_prefetch_keep_order": (lambda tf, np: tf.data.Dataset.range(9).map(
        lambda v: v * v, num_parallel_calls=3).prefetch(2), 10),
    "cache_repeat": (lambda tf, np: tf.data.Dataset.range(3).map(lambda v: v - 1).cache()
                     .repeat(2), 7),
    "from_generator": (lambda tf, np: tf.data.Dataset.from_generator(
        lambda: iter([[1, 2], [3, 4], [5, 6]]), tf.int64, tf.TensorShape([2])), 4),
    "text_strings_map": (lambda tf, np: tf.data.Dataset.from_tensor_slices(
        ["3", "14", "15"]).map(lambda s: tf.string_to_number(s, tf.int32)), 4),
    "batch_of_mismatched_shapes": (lambda tf, np: _ragged(tf, np).batch(2), 1),
    # tf.data.experimental transformations.
    "enumerate": (lambda tf, np: _slices(tf, np).apply(
        tf.data.experimental.enumerate_dataset(3)), 7),
    "scan": (lambda tf, np: tf.data.Dataset.range(6).apply(tf.data.experimental.scan(
        tf.constant(0, tf.int64), lambda state, v: (state + v, state * 10 - v))), 7),
    "take_while": (lambda tf, np: tf.data.Dataset.range(10).apply(
        tf.data.experimental.take_while(lambda v: v * v < 20)), 6),
    "unique": (lambda tf, np: tf.data.Dataset.from_tensor_slices([3, 1, 3, 2, 1, 5]).apply(
        tf.data.experimental.unique()), 5),
    "ignore_errors": (lambda tf, np: tf.data.Dataset.range(6).map(
        lambda v: tf.debugging.check_numerics(1.0 / tf.cast(v - 2, tf.float32), "bad"))
        .apply(tf.data.experimental.ignore_errors()), 6),
    "counter": (lambda tf, np: tf.data.experimental.Counter(5, -2).take(4), 5),
    "choose_from_datasets": (lambda tf, np: tf.data.experimental.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 14)],
        tf.data.Dataset.from_tensor_slices(np.array([1, 0, 1, 1, 0, 0, 0, 1], "int64"))), 8),
    "group_by_window": (lambda tf, np: tf.data.Dataset.range(11).apply(
        tf.data.experimental.group_by_window(lambda v: v % 3, lambda key, w: w.batch(2), 2)),
        8),
    "bucket_by_sequence_length": (lambda tf, np: _ragged(tf, np).repeat(2).apply(
        tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.size(x), [3, 5], [2, 3, 2])), 7),
    "window_shift": (lambda tf, np: tf.data.Dataset.range(7).window(3, 2).flat_map(
        lambda w: w.batch(3)), 5),
    "window_drop_remainder": (lambda tf, np: tf.data.Dataset.range(7).window(
        3, 2, drop_remainder=True).flat_map(lambda w: w.batch(3)), 4),
    "window_stride_long_shift": (lambda tf, np: tf.data.Dataset.range(11).window(
        2, 4, 2).flat_map(lambda w: w.batch(2)), 4),
    "window_of_pairs": (lambda tf, np: _slices(tf, np).window(4).flat_map(
        lambda x, y: tf.data.Dataset.zip((x.batch(4), y.batch(4)))), 3),
    "map_and_batch": (lambda tf, np: tf.data.Dataset.range(7).apply(
        tf.data.experimental.map_and_batch(lambda v: v * 2, 3, drop_remainder=True)), 3),
}

STRUCTURES = {
    "slices_tuple": lambda tf, np: _slices(tf, np),
    "batch_unknown_dim": lambda tf, np: _slices(tf, np).batch(4),
    "batch_drop_remainder_known_dim": lambda tf, np: _slices(tf, np).batch(
        4, drop_remainder=True),
    "padded_batch": lambda tf, np: _ragged(tf, np).padded_batch(2, padded_shapes=[None]),
    "padded_batch_fixed_drop": lambda tf, np: _ragged(tf, np).padded_batch(
        2, padded_shapes=[7], drop_remainder=True),
    "map_dict": lambda tf, np: _slices(tf, np).map(lambda x, y: {"a": x, "b": tf.stack([y, y])}),
    "range": lambda tf, np: tf.data.Dataset.range(4),
    "from_tensors_matrix": lambda tf, np: tf.data.Dataset.from_tensors(np.ones((2, 3))),
    "from_generator_unknown": lambda tf, np: tf.data.Dataset.from_generator(
        lambda: iter([1]), tf.float32),
    "zip_nested": lambda tf, np: tf.data.Dataset.zip(
        (tf.data.Dataset.range(2), (tf.data.Dataset.range(2).batch(2),))),
    "unbatch": lambda tf, np: _slices(tf, np).batch(4).apply(tf.data.experimental.unbatch()),
    "flat_map": lambda tf, np: _slices(tf, np).flat_map(
        lambda x, y: tf.data.Dataset.from_tensors(tf.fill([y], x))),
}


def _metric_case(name, make, batch=3):
    """A metric fed from a dataset: each run applies one batch and fetches the update op's
    value (the running value after that batch), until the data ends."""

    def build(tf, np):
        data = tf.data.Dataset.from_tensor_slices(
            (np.array(LABELS, "int64"), np.array(PREDICTIONS, "int64"),
             np.array(SCORES, "float32"), np.array(BINARY, "int64"))).batch(batch)
        labels, predictions, scores, binary = _next(tf, data)
        value, update = make(tf, labels, predictions, scores, binary)
        # Through identity: TF's assign-based update ops return ref tensors (float32_ref).
        fetches = {"update": tf.identity(update)}
        setup = [tf.local_variables_initializer()]
        return fetches, {}, setup

    return Case(f"metrics/{name}", build, init=True, runs=4, rtol=1e-5)


METRICS = {
    "accuracy": lambda tf, lab, p, s, b: tf.metrics.accuracy(lab, p),
    "accuracy_weighted": lambda tf, lab, p, s, b: tf.metrics.accuracy(
        lab, p, weights=tf.cast(lab + 1, tf.float32)),
    "mean": lambda tf, lab, p, s, b: tf.metrics.mean(s),
    "mean_squared_error": lambda tf, lab, p, s, b: tf.metrics.mean_squared_error(
        tf.cast(lab, tf.float32), tf.cast(p, tf.float32)),
    "mean_absolute_error": lambda tf, lab, p, s, b: tf.metrics.mean_absolute_error(
        tf.cast(lab, tf.float32), s),
    "precision": lambda tf, lab, p, s, b: tf.metrics.precision(b, tf.greater(s, 0.5)),
    "recall": lambda tf, lab, p, s, b: tf.metrics.recall(b, tf.greater(s, 0.5)),
    "true_positives": lambda tf, lab, p, s, b: tf.metrics.true_positives(b, tf.greater(s, 0.5)),
    "false_negatives": lambda tf, lab, p, s, b: tf.metrics.false_negatives(
        b, tf.greater(s, 0.5)),
    "auc": lambda tf, lab, p, s, b: tf.metrics.auc(b, s, num_thresholds=50),
    "mean_iou": lambda tf, lab, p, s, b: tf.metrics.mean_iou(lab, p, 3),
    "root_mean_squared_error": lambda tf, lab, p, s, b: tf.metrics.root_mean_squared_error(
        tf.cast(lab, tf.float32), s),
    "mean_per_class_accuracy": lambda tf, lab, p, s, b: tf.metrics.mean_per_class_accuracy(
        lab, p, 3),
    "true_positives_at_thresholds": lambda tf, lab, p, s, b:
        tf.metrics.true_positives_at_thresholds(b, s, [0.3, 0.5, 0.7]),
    "false_negatives_at_thresholds": lambda tf, lab, p, s, b:
        tf.metrics.false_negatives_at_thresholds(b, s, [0.3, 0.5, 0.7]),
    "true_negatives_at_thresholds": lambda tf, lab, p, s, b:
        tf.metrics.true_negatives_at_thresholds(b, s, [0.3, 0.5]),
    "false_positives_at_thresholds": lambda tf, lab, p, s, b:
        tf.metrics.false_positives_at_thresholds(b, s, [0.3, 0.5]),
    "sensitivity_at_specificity": lambda tf, lab, p, s, b:
        tf.metrics.sensitivity_at_specificity(b, s, 0.6, num_thresholds=20),
    "specificity_at_sensitivity": lambda tf, lab, p, s, b:
        tf.metrics.specificity_at_sensitivity(b, s, 0.7, num_thresholds=20),
    "percentage_below": lambda tf, lab, p, s, b: tf.metrics.percentage_below(s, 0.5),
    "mean_cosine_distance": lambda tf, lab, p, s, b: tf.metrics.mean_cosine_distance(
        tf.one_hot(lab, 3), tf.nn.l2_normalize(tf.one_hot(p, 3) + 0.5, 1), 1),
    "precision_at_k": lambda tf, lab, p, s, b: tf.metrics.precision_at_k(
        lab, _scores3(tf, s, p), 2),
    "precision_at_k_class": lambda tf, lab, p, s, b: tf.metrics.precision_at_k(
        lab, _scores3(tf, s, p), 2, class_id=1),
    "recall_at_k": lambda tf, lab, p, s, b: tf.metrics.recall_at_k(lab, _scores3(tf, s, p), 1),
    "recall_at_k_class": lambda tf, lab, p, s, b: tf.metrics.recall_at_k(
        lab, _scores3(tf, s, p), 2, class_id=2),
    "precision_at_top_k": lambda tf, lab, p, s, b: tf.metrics.precision_at_top_k(
        lab, tf.nn.top_k(_scores3(tf, s, p), 2).indices),
    "average_precision_at_k": lambda tf, lab, p, s, b: tf.metrics.average_precision_at_k(
        lab, _scores3(tf, s, p), 2),
}


def _scores3(tf, s, p):
    """Scores of 3 classes per example: the predicted class gets most, the others vary."""
    return tf.one_hot(p, 3) + tf.stack([s, 1.0 - s, s * s], 1) * 0.5


def _whole_dataset_ops(tf, np):
    data = tf.data.Dataset.range(1, 6)
    return {
        "single": tf.data.experimental.get_single_element(data.batch(10)),
        "reduce_sum": data.reduce(tf.constant(0, tf.int64), lambda total, v: total + v * v),
        "cardinality_batch": tf.data.experimental.cardinality(data.batch(2)),
        "cardinality_drop": tf.data.experimental.cardinality(data.batch(2, True)),
        "cardinality_repeat": tf.data.experimental.cardinality(data.repeat()),
        "cardinality_take": tf.data.experimental.cardinality(data.repeat().take(7)),
        "cardinality_skip_zip": tf.data.experimental.cardinality(
            tf.data.Dataset.zip((data.skip(2), tf.data.Dataset.range(9)))),
        "cardinality_filter": tf.data.experimental.cardinality(data.filter(
            lambda v: v > 2)),
    }


def _single_element_error(tf, np):
    return {"x": tf.data.experimental.get_single_element(tf.data.Dataset.range(3))}


def _metric_names(tf, np):
    labels = tf.constant([1, 0])
    tf.metrics.accuracy(labels, labels)
    tf.metrics.auc(labels, tf.constant([0.2, 0.7]), name="roc")
    local = tf.constant([v.name for v in tf.local_variables()])
    metric = tf.constant([v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)])
    return {"local": local, "metric": metric,
            "global_count": tf.constant(len(tf.global_variables()))}


DATA_CASES = (
    [_pipeline_case(name, make, runs) for name, (make, runs) in PIPELINES.items()]
    + [_structure_case(name, make) for name, make in STRUCTURES.items()]
    + [_metric_case(name, make) for name, make in METRICS.items()]
    + [Case("metrics/variable_names", _metric_names),
       Case("data/whole_dataset_ops", _whole_dataset_ops),
       Case("data/single_element_of_three", _single_element_error)]
)


def _linear_model(tf, np):
    features = {"color": tf.constant([["blue"], ["red"], ["pink"]]),
                "size": tf.constant([[1.0], [2.0], [0.0]]),
                "n": tf.constant([[2], [0], [1]], dtype=tf.int64)}
    color = tf.feature_column.categorical_column_with_vocabulary_list("color", ["red", "blue"])
    columns = [tf.feature_column.numeric_column("size"), color,
               tf.feature_column.categorical_column_with_identity("n", 3),
               tf.feature_column.bucketized_column(
                   tf.feature_column.numeric_column("size"), [0.5, 1.5])]
    logits = tf.feature_column.linear_model(features, columns, units=2)
    variables = tf.global_variables()
    # Lookup tables (TF's vocabulary columns) start with the tables initializer.
    setup = [tf.tables_initializer()] + [tf.assign(v, np.arange(
        np.prod(v.shape.as_list()), dtype="float32").reshape(v.shape.as_list()) * 0.5 - 1.0)
        for v in variables]
    return ({"logits": logits, "names": tf.constant(sorted(v.op.name for v in variables))},
            {}, setup)


def _input_layer(tf, np):
    features = {"color": tf.constant([["blue"], ["red"], ["pink"]]),
                "size": tf.constant([[1.0], [2.0], [0.0]])}
    color = tf.feature_column.categorical_column_with_vocabulary_list("color", ["red", "blue"])
    dense = tf.feature_column.input_layer(features, [
        tf.feature_column.indicator_column(color), tf.feature_column.numeric_column("size"),
        tf.feature_column.bucketized_column(tf.feature_column.numeric_column("size"),
                                            [0.5, 1.5])])
    return {"dense": dense}, {}, [tf.tables_initializer()]


DATA_CASES += [Case("feature_column/linear_model", _linear_model, init=True),
               Case("feature_column/input_layer", _input_layer, init=True)]
