"""Oracle cases from session 11's API gaps: the Unicode string ops (RaggedTensor results,
broken input in UTF-8, UTF-16-BE and UTF-32-BE under each error policy), tf.ragged's
placeholder, SparseTensor elements in tf.data, and the stateless random ops.

Same rules as cases.py. Ragged results are fetched through their parts, with static shapes
hidden where the composite ops around them are smallflow's own.
"""

from cases import Case


def _loose(tf, tensor):
    """``tensor`` with a static shape of unknown dimensions (its rank kept)."""
    return tf.placeholder_with_default(tensor, [None] * tensor.shape.ndims)


def _parts(tf, prefix, value):
    """A RaggedTensor's flat values and row splits (or a Tensor), as fetches."""
    if not hasattr(value, "flat_values"):
        return {prefix: _loose(tf, value)}
    parts = {f"{prefix}/values": _loose(tf, value.flat_values)}
    for depth, splits in enumerate(value.nested_row_splits):
        parts[f"{prefix}/splits{depth}"] = _loose(tf, splits)
    return parts


# Well-formed and broken strings of each encoding: truncated sequences, stray continuation
# bytes, overlong forms, surrogates, values past U+10FFFF, odd lengths, control characters.
_STRINGS = {
    "UTF-8": [b"abc", b"G\xc3\xb6\xc3\xb6dnight", b"\xff", b"a\xc3", b"\xe2\x82a",
              b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xf0\x9f\x98\x8a!",
              b"\x00\x01\x1f \x7f", b"\x80\x80", b"\xe0\x80\x80x", b"\xf8\x88\x80\x80\x80",
              b"\xef\xbf\xbe", b"", b"\xf0\x9f\x98"],
    "UTF-16-BE": [b"\x00a\x00b", b"\xd8\x3d\xde\x0a", b"\xd8\x3d\x00a", b"\xde\x0a\x00a",
                  b"\x00a\x00", b"\xd8\x3d", b"\xd8\x3d\xd8\x3d\xde\x0a", b"\x00", b"\x00\x01",
                  b""],
    "UTF-32-BE": [b"\x00\x00\x00a", b"\x00\x01\xf6\x0a", b"\x00\x11\x00\x00",
                  b"\x00\x00\xd8\x00", b"\xff\xff\xff\xff\x00\x00\x00a",
                  b"\x00\x00\x00a\x00\x00", b"\x00", b"\x00\x00\x00\x05", b""],
}
_VALID = {"UTF-8": [b"abc", b"G\xc3\xb6\xc3\xb6dnight", b"\xf0\x9f\x98\x8a!", b"",
                    b"\x01\x02x"],
          "UTF-16-BE": [b"\x00a\x00b", b"\xd8\x3d\xde\x0a", b"\x00\x01"],
          "UTF-32-BE": [b"\x00\x00\x00a", b"\x00\x01\xf6\x0a", b"\x00\x00\x00\x05"]}


def _decode(tf, np, encoding, errors, controls, valid):
    strings = (_VALID if valid else _STRINGS)[encoding]
    x = tf.constant(strings)
    kwargs = {"errors": errors, "replace_control_characters": controls}
    points = tf.strings.unicode_decode(x, encoding, **kwargs)
    marked, offsets = tf.strings.unicode_decode_with_offsets(x, encoding,
                                                             replacement_char=0x3F, **kwargs)
    out = {}
    for prefix, rt in (("points", points), ("marked", marked), ("offsets", offsets)):
        out.update(_parts(tf, prefix, rt))
    if not controls:
        chars, starts = tf.strings.unicode_split_with_offsets(x, encoding, errors=errors)
        out.update(_parts(tf, "chars", chars))
        out.update(_parts(tf, "starts", starts))
        out.update(_parts(tf, "split", tf.strings.unicode_split(x, encoding, errors=errors)))
    return out


def _decode_random(tf, np, encoding, errors):
    """Random short byte strings, mostly malformed: the decoders' error boundaries."""
    rng = np.random.default_rng(len(encoding) * 7 + len(errors))
    pool = np.array([0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xC0, 0xDF, 0xE0, 0xED, 0xEF,
                     0xF0, 0xF4, 0xF5, 0xFF, 0xD8, 0xDC, 0x10, 0x01, 0xA0], dtype=np.uint8)
    strings = [bytes(rng.choice(pool, size=int(rng.integers(0, 9)))) for _ in range(60)]
    x = tf.constant(strings)
    points, offsets = tf.strings.unicode_decode_with_offsets(x, encoding, errors=errors)
    out = {}
    out.update(_parts(tf, "points", points))
    out.update(_parts(tf, "offsets", offsets))
    out["transcoded"] = tf.strings.unicode_transcode(x, encoding, "UTF-8", errors=errors)
    return out


def _decode_shapes(tf, np):
    """Scalars give dense vectors; matrices and ragged inputs keep their partitions."""
    scalar = tf.strings.unicode_decode(tf.constant("h\u00e9llo"), "UTF-8")
    s_chars, s_offsets = tf.strings.unicode_split_with_offsets(tf.constant("\u00e9t\u00e9"),
                                                               "UTF-8")
    matrix = tf.strings.unicode_decode(tf.constant([["ab", "\u00e7"], ["", "xyz"]]), "UTF-8")
    cube = tf.strings.unicode_decode(tf.constant([[["a"], ["bc"]], [["d\u00e9"], [""]]]),
                                     "UTF-8")
    ragged = tf.strings.unicode_decode(tf.ragged.constant([["ab", "c"], [], ["\u00fc"]]),
                                       "UTF-8")
    split = tf.strings.unicode_split(tf.constant([["ab", "\u00e7"], ["", "x"]]), "UTF-8")
    out = {"scalar": _loose(tf, scalar), "s_chars": _loose(tf, s_chars),
           "s_offsets": _loose(tf, s_offsets),
           # (TensorFlow 2 shows the dense input's uniform dimensions in the static shapes
           # of matrix, cube and split; TensorFlow 1.15, as smallflow, only the rows.)
           "static": tf.constant(f"{scalar.shape} {ragged.shape} {matrix.shape[0]} "
                                 f"{cube.shape[0]} {matrix.ragged_rank} {cube.ragged_rank} "
                                 f"{ragged.ragged_rank} {split.dtype.name}")}
    for prefix, rt in (("matrix", matrix), ("cube", cube), ("ragged", ragged),
                       ("split", split)):
        out.update(_parts(tf, prefix, rt))
    return out


_POINTS = [[104, 0xE9, 0x1F60A], [], [0xD83D, 0xDE0A], [0xD800], [0xDC00, 65],
           [-1, 66], [0x110000, 67], [0x10FFFF], [0]]


def _encode(tf, np, encoding, errors):
    rt = tf.ragged.constant(_POINTS, dtype=tf.int32)
    out = {"ragged": tf.strings.unicode_encode(rt, encoding, errors=errors),
           "marked": tf.strings.unicode_encode(rt, encoding, errors=errors,
                                               replacement_char=0x2A)}
    return out


def _encode_shapes(tf, np):
    dense = tf.constant([[72, 105], [0x263A, 33]])
    cube = tf.constant([[[72, 105]], [[0x263A, 33]]])
    vector = tf.constant([0x41, 0x3B1, 0x1F600])
    nested = tf.ragged.constant([[[72, 105], []], [[0x263A]]], dtype=tf.int32)
    out = {"dense": tf.strings.unicode_encode(dense, "UTF-8"),
           "cube": tf.strings.unicode_encode(cube, "UTF-16-BE"),
           "vector": tf.strings.unicode_encode(vector, "UTF-32-BE")}
    out.update(_parts(tf, "nested", tf.strings.unicode_encode(nested, "UTF-8")))
    return out


def _encode_strict_error(tf, np):
    return {"encoded": tf.strings.unicode_encode(tf.ragged.constant([[65, -3]]), "UTF-8",
                                                 errors="strict")}


def _transcode(tf, np):
    x = tf.constant([b"ab\x01c", b"\xc3\xa9\xff", b"", b"\xf0\x9f\x98\x8a"])
    latin = tf.constant([b"caf\xe9", b"\x00\x7f\xff"])
    return {"utf16": tf.strings.unicode_transcode(x, "UTF-8", "UTF-16-BE"),
            "utf32": tf.strings.unicode_transcode(x, "UTF-8", "UTF-32-BE",
                                                  replace_control_characters=True),
            "ignored": tf.strings.unicode_transcode(x, "UTF-8", "UTF-8", errors="ignore",
                                                    replace_control_characters=True),
            "latin": tf.strings.unicode_transcode(latin, "ISO-8859-1", "UTF-8"),
            "ascii": tf.strings.unicode_transcode(tf.constant([b"ok\x80"]), "US-ASCII",
                                                  "UTF-8", replacement_char=0x3F)}


def _transcode_strict_controls(tf, np):
    # Replacing a control character counts as malformed input for the strict policy.
    return {"out": tf.strings.unicode_transcode(tf.constant([b"a\x01"]), "UTF-8", "UTF-8",
                                                errors="strict",
                                                replace_control_characters=True)}


def _script(tf, np):
    points = [0x41, 0x4E00, 0x416, 0x3B1, 0x627, 0x5D0, 0x915, 0x3042, 0x30A2, 0xAC00, 0xE01,
              0x20, 0x300, 0x10FFFF, 0x110000, -1, 0xE000, 0x1F600, 0x10400, 0x2800, 0x1D400,
              0xFFFD, 0x30FC, 0x0964, 0x1E900]
    x = tf.constant(points)
    block = tf.range(0x2F00, 0x3100)
    return {"scripts": tf.strings.unicode_script(x), "block": tf.strings.unicode_script(block),
            "decoded": tf.strings.unicode_script(
                tf.strings.unicode_decode(tf.constant("a\u0416\u4e00"), "UTF-8"))}


def _utf8_units(tf, np):
    x = tf.constant([b"h\xc3\xa9llo", b"\xf0\x9f\x98\x8ax", b"a\xffb", b"\x80\x80a", b"",
                     b"a\xc3\xa9\x80\x80b"])
    out = {"length": tf.strings.length(x, unit="UTF8_CHAR"), "bytes": tf.strings.length(x)}
    for pos, size in ((0, 1), (1, 1), (0, 2), (-1, 1), (-2, 5), (1, -1), (0, 0)):
        out[f"substr/{pos}/{size}"] = tf.strings.substr(x[:4], pos, size, unit="UTF8_CHAR")
    out["substr/last"] = tf.strings.substr(x[5], 1, 1, unit="UTF8_CHAR")
    out["substr/tail"] = tf.strings.substr(x[5], -3, 2, unit="UTF8_CHAR")
    return out


def _substr_out_of_range(tf, np, pos):
    return {"out": tf.strings.substr(tf.constant([b"\x80\x80a"]), pos, 1, unit="UTF8_CHAR")}


def _ragged_placeholder(tf, np):
    ph = tf.ragged.placeholder(tf.int32, 1, [])
    ph2 = tf.ragged.placeholder(tf.float32, 2, [2], name="nested")
    dense = tf.ragged.placeholder(tf.int64, 0, [3])
    encoded = tf.strings.unicode_encode(ph, "UTF-8")
    value = tf.ragged.constant_value([[104, 105], [], [0x1F60A]], dtype="int32")
    nested_value = tf.ragged.constant_value([[[[1.0, 2.0]], []], [[[3.0, 4.0]]]],
                                            ragged_rank=2, dtype="float32")
    out = {"encoded": encoded, "doubled": (ph2 * 2.0).flat_values,
           "names": tf.constant(" ".join(t.name for t in (
               ph.flat_values, *ph.nested_row_splits, ph2.flat_values,
               *ph2.nested_row_splits, dense))),
           "static": tf.constant(f"{ph.shape} {ph2.shape} {dense.shape} "
                                 f"{tf.ragged.placeholder(tf.int32, 1).shape}")}
    return out, {ph: value, ph2: nested_value, dense: np.arange(3)}


# -- SparseTensor elements in tf.data -----------------------------------------------------


def _structure_text(tf, dataset):
    """output_classes/shapes/types as one string (class names only)."""
    classes = tf.data.get_output_classes(dataset)
    names = repr(classes).replace("<class '", "").replace("'>", "")
    names = names.replace("tensorflow.python.framework.sparse_tensor.", "").replace(
        "tensorflow.python.framework.tensor.", "").replace(
        "tensorflow.python.framework.ops.", "").replace(
        "smallflow.ops.sparse_tensor.", "").replace("smallflow.graph.", "")
    return (f"{names} {tf.data.get_output_shapes(dataset)} "
            f"{tf.data.get_output_types(dataset)}")


def _drain(tf, dataset, count):
    """``count`` runs of one get_next: SparseTensors fetched as their parts."""
    element = tf.data.make_one_shot_iterator(dataset).get_next()
    flat = []

    def visit(prefix, value):
        if isinstance(value, dict):
            for key in sorted(value):
                visit(f"{prefix}/{key}", value[key])
        elif isinstance(value, tuple) and not hasattr(value, "dense_shape"):
            for index, item in enumerate(value):
                visit(f"{prefix}/{index}", item)
        elif hasattr(value, "dense_shape"):
            flat.append((f"{prefix}/indices", value.indices))
            flat.append((f"{prefix}/values", value.values))
            flat.append((f"{prefix}/dense_shape", value.dense_shape))
            flat.append((f"{prefix}/static", tf.constant(str(value.shape))))
        else:
            flat.append((prefix, value))

    visit("element", element)
    return {name: tensor for name, tensor in flat}


_SPARSE = dict(indices=[[0, 0], [1, 1], [1, 2], [3, 0]], values=[1.0, 2.0, 3.0, 4.0],
               dense_shape=[4, 5])


def _sparse_slices(tf, np, transform):
    st = tf.SparseTensor(**_SPARSE)
    dataset = tf.data.Dataset.from_tensor_slices(st)
    if transform == "batch":
        dataset = dataset.batch(3)
    elif transform == "unbatch":
        dataset = dataset.batch(3).apply(tf.data.experimental.unbatch())
    elif transform == "tensors":
        dataset = tf.data.Dataset.from_tensors(st)
    elif transform == "zip_shuffle":
        dataset = tf.data.Dataset.zip((dataset, tf.data.Dataset.range(4))).shuffle(
            4, seed=3).repeat(2).batch(3)
    out = _drain(tf, dataset, 1)
    out["structure"] = tf.constant(_structure_text(tf, dataset))
    return out


def _sparse_map(tf, np, which):
    if which == "split":
        lines = tf.data.Dataset.from_tensor_slices(["a b c", "d e", "", "f"])
        dataset = lines.map(lambda line: tf.string_split([line])).batch(2)
    elif which == "ranks":
        dataset = tf.data.Dataset.range(4).map(lambda i: tf.SparseTensor(
            indices=tf.reshape(tf.range(i), [-1, 1]), values=tf.range(i),
            dense_shape=tf.reshape(i + 1, [1]))).batch(3)
    else:
        def example(tokens, label):
            feature = {"tokens": tf.train.Feature(int64_list=tf.train.Int64List(value=tokens)),
                       "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))}
            return tf.train.Example(
                features=tf.train.Features(feature=feature)).SerializeToString()

        records = [example([1, 2, 3], 0), example([4], 1), example([], 0), example([5, 6], 1)]
        features = {"tokens": tf.io.VarLenFeature(tf.int64),
                    "label": tf.io.FixedLenFeature([], tf.int64)}
        dataset = tf.data.Dataset.from_tensor_slices(records)
        if which == "parse_single":
            dataset = dataset.map(lambda r: tf.io.parse_single_example(r, features))
            dataset = dataset.map(lambda d: (d["tokens"], tf.sparse.to_dense(d["tokens"]),
                                             d["label"])).batch(3)
        else:
            dataset = dataset.batch(3).map(lambda r: tf.io.parse_example(r, features))
    out = _drain(tf, dataset, 1)
    out["structure"] = tf.constant(_structure_text(tf, dataset))
    return out


def _sparse_iterator_structure(tf, np):
    lines = tf.data.Dataset.from_tensor_slices(["a b", "c"]).map(
        lambda line: tf.string_split([line]))
    iterator = tf.data.Iterator.from_structure(
        tf.data.get_output_types(lines), tf.data.get_output_shapes(lines),
        output_classes=tf.data.get_output_classes(lines))
    init = iterator.make_initializer(lines)
    element = iterator.get_next()
    return ({"structure": tf.constant(_structure_text(tf, iterator)),
             "indices": element.indices, "values": element.values,
             "dense_shape": element.dense_shape}, {}, init)


def _sparse_padded_batch_error(tf, np):
    dataset = tf.data.Dataset.from_tensor_slices(tf.SparseTensor(**_SPARSE))
    dataset.padded_batch(2, padded_shapes=[5])
    return {"unreached": tf.constant(0)}


def _sparse_out_of_order(tf, np):
    st = tf.SparseTensor(indices=[[1, 0], [0, 0]], values=[1, 2], dense_shape=[2, 2])
    return _drain(tf, tf.data.Dataset.from_tensor_slices(st), 1)


# -- random normals: the C library's float32 logf/sinf/cosf -----------------------------------


def _normal_bits(tf, np):
    """float32 normals compared bit for bit (as int32), where the oracle's float tolerance
    would hide a last-bit difference."""
    out = {}
    for index, seed in enumerate(([1, 2], [0, 0], [-5, 123456789], [2**31 - 1, 7])):
        normal = tf.random.stateless_normal([2001], seed=seed)
        truncated = tf.random.stateless_truncated_normal([999], seed=seed)
        out[f"stateless/{index}"] = tf.bitcast(normal, tf.int32)
        out[f"truncated/{index}"] = tf.bitcast(truncated, tf.int32)
    out["contrib"] = tf.bitcast(tf.contrib.stateless.stateless_random_normal([64], [3, 4]),
                                tf.int32) if hasattr(tf, "contrib") else tf.bitcast(
        tf.random.stateless_normal([64], seed=[3, 4]), tf.int32)
    out["stateful"] = tf.bitcast(tf.random_normal([3000], seed=11), tf.int32)
    out["stateful_truncated"] = tf.bitcast(tf.truncated_normal([3000], seed=12), tf.int32)
    return out


# -- tf.random.experimental.Generator -------------------------------------------------------


def _generator(tf, np):
    """Draws of Generators (TensorFlow 1.15's tf.random.experimental), one generator per
    draw (the draws of one run from one generator happen in no fixed order, in TensorFlow
    too), run twice: the second run's values show where the first left each state."""
    generators = tf.random.experimental
    made = iter(range(100))

    def fresh():
        return generators.Generator.from_seed(1234 + 1000 * next(made))

    wide = generators.Generator.from_seed(2**70 + 7)
    carry = generators.Generator.from_key_counter(key=5, counter=[2**64 - 300, 1], alg=1)
    listed = generators.Generator.from_state([3, 0, 9], alg=1)
    draws = {"normal": fresh().normal([5]), "uniform": fresh().uniform([3]),
             "ints": fresh().uniform([4], minval=0, maxval=10, dtype=tf.int32),
             "ints64": fresh().uniform([3], minval=-5, maxval=2**40, dtype=tf.int64),
             "truncated": fresh().truncated_normal([6], mean=1.0, stddev=0.5),
             "normal64": fresh().normal([3], dtype=tf.float64, mean=1.0, stddev=2.0),
             "full": fresh().uniform_full_int([4], dtype=tf.int64),
             "full32": fresh().uniform_full_int([3], dtype=tf.int32),
             "seeds": fresh().make_seeds(3), "wide": wide.normal([2, 3]),
             "carry": carry.uniform([5]), "half": fresh().uniform([3], dtype=tf.float16),
             "ranged": fresh().uniform([3], minval=2.0, maxval=4.0, dtype=tf.float64),
             "listed": listed.uniform([2]),
             "rng_state": generators.create_rng_state(2**70 + 3, 1),
             "rng_list": generators.create_rng_state([7, 8], 1),
             # (the states themselves are not fetched: TensorFlow's is a resource variable,
             # int64, smallflow's a reference variable, int64_ref)
             "names": tf.constant(" ".join([wide.state.name, carry.state.name]))}
    return draws, {}, [tf.global_variables_initializer()]


SESSION11_GAPS_CASES = [
    *[Case(f"session11_gaps/unicode_decode/{enc}/{err}/{'ctl' if ctl else 'plain'}",
           lambda tf, np, e=enc, r=err, c=ctl: _decode(tf, np, e, r, c, False))
      for enc in _STRINGS for err in ("replace", "ignore") for ctl in (False, True)],
    *[Case(f"session11_gaps/unicode_decode/{enc}/strict/{label}",
           lambda tf, np, e=enc, c=ctl, v=valid: _decode(tf, np, e, "strict", c, v))
      for enc in _STRINGS for label, ctl, valid in (("valid", False, True),
                                                    ("valid_ctl", True, True),
                                                    ("broken", False, False))],
    *[Case(f"session11_gaps/unicode_decode_random/{enc}/{err}",
           lambda tf, np, e=enc, r=err: _decode_random(tf, np, e, r))
      for enc in _STRINGS for err in ("replace", "ignore")],
    Case("session11_gaps/unicode_decode_shapes", _decode_shapes),
    *[Case(f"session11_gaps/unicode_encode/{enc}/{err}",
           lambda tf, np, e=enc, r=err: _encode(tf, np, e, r))
      for enc in _STRINGS for err in ("replace", "ignore")],
    Case("session11_gaps/unicode_encode_shapes", _encode_shapes),
    Case("session11_gaps/unicode_encode_strict_error", _encode_strict_error),
    Case("session11_gaps/unicode_transcode", _transcode),
    Case("session11_gaps/unicode_transcode_strict_controls", _transcode_strict_controls),
    Case("session11_gaps/unicode_script", _script),
    Case("session11_gaps/utf8_char_units", _utf8_units),
    *[Case(f"session11_gaps/utf8_substr_out_of_range/{pos}",
           lambda tf, np, p=pos: _substr_out_of_range(tf, np, p)) for pos in (2, 3, -3, -2)],
    Case("session11_gaps/ragged_placeholder", _ragged_placeholder),
    Case("session11_gaps/sparse_dataset_iterator_structure", _sparse_iterator_structure),
    *[Case(f"session11_gaps/sparse_dataset/{t}", lambda tf, np, w=t: _sparse_slices(tf, np, w),
           runs=3)
      for t in ("slices", "batch", "unbatch", "tensors", "zip_shuffle")],
    *[Case(f"session11_gaps/sparse_dataset_map/{w}", lambda tf, np, x=w: _sparse_map(tf, np, x),
           runs=3)
      for w in ("split", "ranks", "parse_single", "parse_batch")],
    Case("session11_gaps/sparse_dataset_padded_batch_error", _sparse_padded_batch_error),
    Case("session11_gaps/sparse_dataset_out_of_order", _sparse_out_of_order),
    Case("session11_gaps/normal_bits", _normal_bits, runs=2),
    Case("session11_gaps/random_generator", _generator, runs=2),
]
