"""Oracle cases from session 10's sweep H (TensorFlow's r1 guide and tutorials): graph-mode
ragged tensors (the "Ragged Tensors" guide), reshape's shape errors, the names the guides
print (SparseTensor constants, transpose's perm, control_dependency identities), tf.data
strings and make_csv_dataset, placement errors of a local session.

Same rules as cases.py. Ragged results are fetched through their parts; ``_loose`` hides
static shapes (TensorFlow folds constants further than smallflow) where only the values are
the point, and names or printed forms are compared as string constants.
"""

import os
import tempfile

from cases import Case


def _loose(tf, tensor):
    """``tensor`` with a static shape of unknown dimensions (its rank kept)."""
    return tf.placeholder_with_default(tensor, [None] * tensor.shape.ndims)


def _parts(tf, prefix, rt):
    """A RaggedTensor's flat values and row splits, as fetches."""
    parts = {f"{prefix}/values": _loose(tf, rt.flat_values)}
    for depth, splits in enumerate(rt.nested_row_splits):
        parts[f"{prefix}/splits{depth}"] = _loose(tf, splits)
    return parts


_DIGITS = [[3, 1, 4, 1], [], [5, 9, 2], [6], []]
_WORDS = [["Who", "is", "George", "Washington"], ["What", "is", "the", "weather", "tomorrow"],
          ["Goodnight"]]
_NESTED = [[[1, 2, 3], [4]], [[5], [], [6]], [[7]], [[8, 9], [10]]]


def _ragged_constant(tf, np):
    digits = tf.ragged.constant(_DIGITS)
    nested = tf.ragged.constant(_NESTED)
    pairs = tf.ragged.constant([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], ragged_rank=1)
    empty = tf.ragged.constant([[], []])
    out = {"printed": tf.constant(str(digits)), "nested_printed": tf.constant(str(nested)),
           "shapes": tf.constant(f"{digits.shape} {nested.shape} {pairs.shape} {empty.shape}"),
           "dtypes": tf.constant(f"{empty.dtype.name} {tf.ragged.constant([[True]]).dtype.name}"
                                 f" {nested.ragged_rank} {pairs.ragged_rank}")}
    for prefix, rt in (("digits", digits), ("nested", nested), ("pairs", pairs),
                       ("words", tf.ragged.constant(_WORDS)), ("empty", empty)):
        out.update(_parts(tf, prefix, rt))
    return out


def _ragged_factories(tf, np):
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    made = {
        "splits": tf.RaggedTensor.from_row_splits(values, row_splits=[0, 4, 4, 7, 8, 8]),
        "lengths": tf.RaggedTensor.from_row_lengths(values, row_lengths=[4, 0, 3, 1, 0]),
        "starts": tf.RaggedTensor.from_row_starts(values, row_starts=[0, 4, 4, 7, 8]),
        "limits": tf.RaggedTensor.from_row_limits(values, row_limits=[4, 4, 7, 8, 8]),
        "rowids": tf.RaggedTensor.from_value_rowids(values, [0, 0, 0, 0, 2, 2, 2, 3], nrows=5),
        "rowids_no_nrows": tf.RaggedTensor.from_value_rowids(values, [0, 0, 0, 0, 2, 2, 2, 3]),
        "nested": tf.RaggedTensor.from_nested_row_splits(
            [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], ([0, 1, 1, 5], [0, 3, 3, 5, 9, 10])),
        "padded": tf.RaggedTensor.from_tensor([[1, 3, -1, -1], [2, -1, -1, -1], [4, 5, 8, 9]],
                                              padding=-1),
        "cut": tf.RaggedTensor.from_tensor([[1, 2, 3], [4, 5, 6]], lengths=[1, 3]),
        "sparse": tf.RaggedTensor.from_sparse(tf.SparseTensor(
            indices=[[0, 0], [2, 0], [2, 1]], values=["a", "b", "c"], dense_shape=[3, 3])),
        "range": tf.ragged.range([3, 0, 2]),
        "range_deltas": tf.ragged.range([1, 2], [4, 8], [1, 3]),
    }
    out = {}
    for prefix, rt in made.items():
        out.update(_parts(tf, prefix, rt))
    return out


def _ragged_accessors(tf, np):
    rt = tf.ragged.constant(_DIGITS)
    nested = tf.ragged.constant(_NESTED)
    return {"row_lengths": rt.row_lengths(), "nrows": rt.nrows(),
            "value_rowids": _loose(tf, rt.value_rowids()), "row_starts": rt.row_starts(),
            "row_limits": rt.row_limits(), "bounding_shape": rt.bounding_shape(),
            "nested_bounding_shape": nested.bounding_shape(),
            "to_tensor": _loose(tf, rt.to_tensor()),
            "to_tensor_default": _loose(tf, rt.to_tensor(default_value=-1)),
            "nested_to_tensor": _loose(tf, nested.to_tensor()),
            "words_to_tensor": _loose(tf, tf.ragged.constant(_WORDS).to_tensor(default_value="")),
            "segment_ids_to_row_splits": _loose(tf, tf.ragged.segment_ids_to_row_splits(
                [0, 0, 2])),
            "row_splits_to_segment_ids": _loose(tf, tf.ragged.row_splits_to_segment_ids(
                [0, 4, 4, 7, 8, 8]))}


def _ragged_to_sparse(tf, np):
    st = tf.ragged.constant([["Hi"], ["Welcome", "to", "the", "fair"], ["Have", "fun"]]
                            ).to_sparse()
    return {"indices": _loose(tf, st.indices), "values": _loose(tf, st.values),
            "dense_shape": st.dense_shape}


def _ragged_elementwise(tf, np):
    digits = tf.ragged.constant(_DIGITS)
    floats = tf.ragged.constant([[1.5, -2.0], [], [0.25]])
    rows = tf.ragged.constant([[10, 87, 12], [19, 53], [12, 32]])
    pairs = tf.ragged.constant([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], ragged_rank=1)
    deep = tf.ragged.constant([[[[1], [2]], [], [[3]], [[4]]], [[[5], [6]], [[7]]]],
                              ragged_rank=2)
    words = tf.ragged.constant(_WORDS)
    made = {"add3": tf.add(digits, 3), "plus3": digits + 3, "twice": digits + digits,
            "mul": tf.multiply(digits, digits), "rsub": 2 - digits, "neg": -digits,
            "greater": digits > 2, "truediv": digits / 2, "floats_abs": abs(floats),
            "floats_mul": floats * 2.0,
            "map": tf.ragged.map_flat_values(lambda x: x * 2 + 1, digits),
            "map_many": tf.ragged.map_flat_values(tf.add, digits, digits),
            "by_row": rows + [[1000], [2000], [3000]], "pairs_plus": pairs + tf.constant([[10]]),
            "deep_plus": deep + tf.constant([10, 20, 30]),
            "sqrt": tf.sqrt(floats * floats), "cast": tf.cast(floats, tf.int32),
            "is_nan": tf.is_nan(floats), "substr": tf.strings.substr(words, 0, 2),
            "hash": tf.strings.to_hash_bucket_fast(words, 10),
            "tile": tf.tile(digits, [1, 2]), "tile_rows": tf.tile(digits, [2, 3]),
            "join": tf.string_join([words, words], separator="+")}
    out = {"add_printed": tf.constant(str(made["add3"]))}
    for prefix, rt in made.items():
        out.update(_parts(tf, prefix, rt))
    return out


def _ragged_reductions(tf, np):
    digits = tf.ragged.constant(_DIGITS)
    floats = tf.ragged.constant([[1.5, -2.0], [], [0.25, 4.0, 1.0]])
    out = {}
    for name, fn in (("sum", tf.reduce_sum), ("mean", tf.reduce_mean), ("max", tf.reduce_max),
                     ("min", tf.reduce_min), ("prod", tf.reduce_prod)):
        for axis in (None, 0, 1):
            out[f"{name}/{axis}"] = _loose(tf, fn(digits, axis=axis))
            out[f"floats_{name}/{axis}"] = _loose(tf, fn(floats, axis=axis))
    return out


def _ragged_getitem(tf, np):
    nested = tf.ragged.constant(_NESTED)
    words = tf.ragged.constant(_WORDS)
    digits = tf.ragged.constant(_DIGITS)
    out = {"row": _loose(tf, words[1]), "item": words[1, 2], "row_shape":
           tf.constant(str(words[1].shape)), "nested_item": _loose(tf, nested[3, 0]),
           "last_row": _loose(tf, digits[-2])}
    for prefix, rt in (("rows_from_1", words[1:]), ("first3", words[:, :3]),
                       ("last2", words[:, -2:]), ("nested_row", nested[1]),
                       ("nested_middle", nested[:, 1:3]), ("nested_last", nested[:, -1:]),
                       ("rows_slice", digits[1:4]), ("neg_rows", digits[-3:-1])):
        out.update(_parts(tf, prefix, rt))
    return out


def _ragged_concat(tf, np):
    digits = tf.ragged.constant(_DIGITS)
    x = tf.ragged.constant([["John"], ["a", "big", "dog"], ["my", "cat"]])
    y = tf.ragged.constant([["fell", "asleep"], ["barked"], ["is", "fuzzy"]])
    out = {}
    out.update(_parts(tf, "rows", tf.concat([digits, [[5, 3]]], axis=0)))
    out.update(_parts(tf, "columns", tf.concat([x, y], axis=1)))
    out.update(_parts(tf, "three", tf.concat([x, y, x], axis=1)))
    return out


def _ragged_error(tf, np, which):
    if which == "nesting":
        tf.ragged.constant(["A", ["B", "C"]])
    if which == "mixed_types":
        tf.ragged.constant([["one", "two"], [3, 4]])
    if which == "bad_splits":
        return {"values": tf.RaggedTensor.from_row_splits([1, 2, 3], [1, 3]).flat_values}
    return {"unreached": tf.constant(0)}


def _reshape_error(tf, np, shape):
    return {"reshaped": tf.reshape(tf.ones([4, 3, 5]), shape)}


def _guide_names(tf, np):
    c = tf.constant([[1.0, 2.0]], name="c")
    tf.transpose(c)
    tf.transpose(c, [1, 0], name="t")
    st = tf.SparseTensor(indices=[[0, 0]], values=[1.0], dense_shape=[3, 3])
    tf.SparseTensor(indices=[[0, 1]], values=[2.0], dense_shape=[3, 3])
    gated = tf.tuple([c, c])
    names = [op.name for op in tf.get_default_graph().get_operations()]
    return {"names": tf.constant(names), "sparse_repr": tf.constant(repr(st)),
            "gated": tf.constant([t.name for t in gated])}


def _placement_error(tf, np, device, soft):
    with tf.device(device):
        v = tf.Variable(tf.zeros([2]), name="v")
    unrelated = tf.constant(1.0, name="unrelated") * 2.0

    config = tf.ConfigProto(allow_soft_placement=soft)
    with tf.Session(config=config) as sess:
        try:
            sess.run(unrelated)
            outcome = "ran"
        except tf.errors.InvalidArgumentError:
            outcome = "InvalidArgumentError"
    del v
    return {"outcome": tf.constant(outcome)}


_CSV = b"a,b,c,d\n1,2.5,,x\n3,,4.5,y\n"


def _csv_file():
    folder = os.path.join(tempfile.gettempdir(), "smallflow_oracle_session10_swh")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "f.csv")
    with open(path, "wb") as handle:
        handle.write(_CSV)
    return path


def _make_csv_dataset(tf, np):
    ds = tf.data.experimental.make_csv_dataset(_csv_file(), batch_size=2, shuffle=False,
                                               num_epochs=1)
    batch = ds.make_one_shot_iterator().get_next()
    out = {f"column/{key}": _loose(tf, value) for key, value in batch.items()}
    out["types"] = tf.constant(repr(ds.output_types))
    return out


def _parsed_strings(tf, np):
    example = tf.train.Example(features=tf.train.Features(feature={
        "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"img0"]))}))
    records = tf.data.Dataset.from_tensors(example.SerializeToString()).repeat(3)

    def parse(record):
        spec = {"image": tf.FixedLenFeature((), tf.string, default_value="")}
        return tf.parse_single_example(record, spec)["image"]

    one = records.map(parse).make_one_shot_iterator().get_next()
    batch = records.map(parse).batch(2).make_one_shot_iterator().get_next()
    return {"one": one, "batch": batch}


def _feature_columns(tf, np):
    fc = tf.feature_column
    features = {
        "year": tf.constant([1960, 1985, 2003]),
        "kind": tf.constant(["kitchenware", "electronics", "sports"]),
        "kind_id": tf.constant([0, 3, 2]),
        "word": tf.constant(["a", "zz", "b"]),
        "number": tf.constant([7, 12, -3], tf.int64),
        "latitude": tf.constant([40.0, 10.0, 37.0]),
        "longitude": tf.constant([-100.0, 20.0, -120.0]),
        "words": tf.constant([["hello", "world", ""], ["world", "", ""], ["a", "b", "hello"]]),
    }
    year = fc.bucketized_column(fc.numeric_column("year"), [1960, 1980, 2000])
    lat = fc.bucketized_column(fc.numeric_column("latitude"), list(np.linspace(-90.0, 90.0, 5)))
    lon = fc.bucketized_column(fc.numeric_column("longitude"),
                               list(np.linspace(-180.0, 180.0, 5)))
    words = fc.categorical_column_with_vocabulary_list("words", ["hello", "world", "a", "b"])
    columns = {
        "bucketized": year,
        "identity": fc.indicator_column(fc.categorical_column_with_identity("kind_id", 4)),
        "vocabulary": fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "kind", ["kitchenware", "electronics", "sports"])),
        "oov": fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "word", ["a", "b"], num_oov_buckets=2)),
        "int_oov": fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "number", [7], num_oov_buckets=3, dtype=tf.int64)),
        "hashed": fc.indicator_column(fc.categorical_column_with_hash_bucket("word", 100)),
        "hashed_int": fc.indicator_column(fc.categorical_column_with_hash_bucket(
            "number", 10, dtype=tf.int64)),
        "multi_hot": fc.indicator_column(words),
        "cross_buckets": fc.indicator_column(fc.crossed_column([lat, lon], 12)),
        "cross_strings": fc.indicator_column(fc.crossed_column(["kind", "word"], 7)),
        "cross_mixed": fc.indicator_column(fc.crossed_column(["kind", year, "number"], 11)),
        "cross_raw_padding": fc.indicator_column(fc.crossed_column(["words", "kind"], 9)),
        "cross_keyed": fc.indicator_column(fc.crossed_column(["kind", "word"], 13,
                                                             hash_key=12345)),
    }
    out = {name: tf.placeholder_with_default(fc.input_layer(features, [column]), [None, None])
           for name, column in columns.items()}
    return out, None, [tf.tables_initializer()]


def _tensors_guide(tf, np):
    # tensors.md's variables: the second positional argument of tf.Variable is `trainable`.
    made = [tf.Variable("Elephant", tf.string), tf.Variable(451, tf.int16),
            tf.Variable(3.14159265359, tf.float64), tf.Variable(12.3 - 4.85j, tf.complex64),
            tf.Variable([12.3 - 4.85j, 7.5 - 6.23j], tf.complex64)]
    return {"dtypes": tf.constant([v.dtype.base_dtype.name for v in made]),
            "complex": made[4].initial_value, "rank": tf.rank(tf.zeros([10, 299, 299, 3]))}


def _sparse_cross(tf, np):
    words = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], tf.constant(["x", "y", "z"]), [3, 2])
    numbers = tf.SparseTensor([[0, 0], [1, 0], [2, 0]], tf.constant([3, 4, 5], tf.int64), [3, 1])
    dense = tf.constant([["a", "b"], ["c", "d"], ["e", "f"]])
    out = {}
    for label, cross in (("strings", tf.sparse.cross([words, dense])),
                         ("mixed", tf.sparse.cross([dense, numbers, words])),
                         ("hashed", tf.sparse.cross_hashed([words, numbers], num_buckets=100)),
                         ("unbounded", tf.sparse.cross_hashed([dense, numbers])),
                         ("keyed", tf.sparse.cross_hashed([words, dense], 17, hash_key=99))):
        out[f"{label}/indices"] = _loose(tf, cross.indices)
        out[f"{label}/values"] = _loose(tf, cross.values)
        out[f"{label}/shape"] = cross.dense_shape
    return out


SESSION10_SWH_CASES = [
    Case("session10_swh/sparse_cross", _sparse_cross),
    Case("session10_swh/tensors_guide", _tensors_guide),
    Case("session10_swh/feature_columns", _feature_columns),
    Case("session10_swh/ragged_constant", _ragged_constant),
    Case("session10_swh/ragged_factories", _ragged_factories),
    Case("session10_swh/ragged_accessors", _ragged_accessors),
    Case("session10_swh/ragged_to_sparse", _ragged_to_sparse),
    Case("session10_swh/ragged_elementwise", _ragged_elementwise),
    Case("session10_swh/ragged_reductions", _ragged_reductions),
    Case("session10_swh/ragged_getitem", _ragged_getitem),
    Case("session10_swh/ragged_concat", _ragged_concat),
    *[Case(f"session10_swh/ragged_error_{which}",
           lambda tf, np, w=which: _ragged_error(tf, np, w))
      for which in ("nesting", "mixed_types", "bad_splits")],
    *[Case(f"session10_swh/reshape_error_{label}",
           lambda tf, np, s=shape: _reshape_error(tf, np, s))
      for label, shape in (("divisible", [13, 2, -1]), ("count", [13, 2, 3]),
                           ("zero", [0, -1]))],
    Case("session10_swh/guide_names", _guide_names),
    *[Case(f"session10_swh/placement_{label}",
           lambda tf, np, d=device, s=soft: _placement_error(tf, np, d, s))
      for label, device, soft in (("ps_hard", "/job:ps/task:0", False),
                                  ("ps_soft", "/job:ps/task:0", True),
                                  ("gpu_hard", "/device:GPU:0", False),
                                  ("gpu_soft", "/device:GPU:0", True))],
    Case("session10_swh/make_csv_dataset", _make_csv_dataset),
    Case("session10_swh/parsed_strings", _parsed_strings),
]
