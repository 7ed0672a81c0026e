"""Oracle cases for string ops, hashing, tf.io encoders, complex numbers and FFTs (issue 9,
the "API" namespaces). Same rules as cases.py: builds use only ``tf`` and ``np``."""

from cases import Case

WORDS = ["hello world", "  Padded\t", "", "caf\u00e9 \u00c9T\u00c9", "a,b,,c", "x" * 70]


def _s(tf, values=WORDS):
    return tf.constant(values)


def _string_cases():
    def case(name, build):
        return Case(f"strings/{name}", build)

    return [
        case("length", lambda tf, np: {"y": tf.strings.length(_s(tf)),
                                       "chars": tf.strings.length(_s(tf), unit="UTF8_CHAR")}),
        case("lower_upper", lambda tf, np: {"lo": tf.strings.lower(_s(tf)),
                                            "up": tf.strings.upper(_s(tf)),
                                            "lo8": tf.strings.lower(_s(tf), encoding="utf-8"),
                                            "up8": tf.strings.upper(_s(tf), encoding="utf-8")}),
        case("strip", lambda tf, np: {"y": tf.strings.strip(_s(tf)),
                                      "top": tf.string_strip(_s(tf))}),
        case("substr", lambda tf, np: {
            "y": tf.strings.substr(_s(tf), 1, 3),
            "neg": tf.substr(tf.constant(["abcdef", "xyz"]), -2, 5),
            "vec": tf.substr(tf.constant(["abcdef", "xyz"]), [0, 1], [2, -1]),
            "chars": tf.strings.substr(tf.constant(["caf\u00e9s"]), 3, 2, unit="UTF8_CHAR")}),
        case("substr_out_of_range", lambda tf, np: {"y": tf.substr(tf.constant(["abc"]), 5, 1)}),
        case("regex_full_match", lambda tf, np: {
            "y": tf.strings.regex_full_match(_s(tf), r"[a-z ]+"),
            "dyn": tf.strings.regex_full_match(_s(tf), tf.constant(r".*o.*"))}),
        case("regex_replace", lambda tf, np: {
            "y": tf.strings.regex_replace(_s(tf), r"([a-z])o", r"<\1\0>"),
            "first": tf.regex_replace(_s(tf), "[aeiou]", "_", replace_global=False),
            "empty": tf.regex_replace(tf.constant(["abc"]), "x*", "-"),
            "dyn": tf.strings.regex_replace(_s(tf), tf.constant(r"\s+"), tf.constant(" "))}),
        case("regex_lookahead_refused", lambda tf, np: {
            "y": tf.strings.regex_full_match(tf.constant(["ab"]), tf.constant("a(?=b)b"))}),
        case("reduce_join", lambda tf, np: {
            "all": tf.reduce_join(tf.constant([["a", "b"], ["c", "d"]])),
            "a0": tf.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), 0),
            "a1k": tf.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), 1, keep_dims=True),
            "a01": tf.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), [0, 1]),
            "a10": tf.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), [1, 0]),
            "sep": tf.strings.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), -1,
                                          separator=".")}),
        case("split_v2", lambda tf, np: _sparse(tf.strings.split(_s(tf)))),
        case("split_v2_sep", lambda tf, np: _sparse(tf.strings.split(_s(tf), sep=","))),
        case("split_v2_maxsplit", lambda tf, np: _sparse(tf.strings.split(
            tf.constant(["a b c d", "e"]), maxsplit=1))),
        case("string_split", lambda tf, np: _sparse(tf.string_split(_s(tf)))),
        case("string_split_delims", lambda tf, np: _sparse(tf.string_split(
            _s(tf), delimiter=", ", skip_empty=False))),
        case("string_split_sep", lambda tf, np: _sparse(tf.string_split(_s(tf), sep=","))),
        case("base64", lambda tf, np: {
            "enc": tf.io.encode_base64(_s(tf)),
            "pad": tf.encode_base64(_s(tf), pad=True),
            "round": tf.decode_base64(tf.encode_base64(_s(tf))),
            "padded": tf.io.decode_base64(tf.constant(["aGk=", "aGk", "_-8"]))}),
        case("base64_invalid", lambda tf, np: {"y": tf.decode_base64(tf.constant(["a+b/"]))}),
        case("hash_buckets", lambda tf, np: {
            "fast": tf.strings.to_hash_bucket_fast(_s(tf), 1000),
            "fast_top": tf.string_to_hash_bucket_fast(_s(tf), 7),
            "strong": tf.strings.to_hash_bucket_strong(_s(tf), 1000, [7, 11]),
            "strong_top": tf.string_to_hash_bucket_strong(_s(tf), 3, [1, 2]),
            "legacy": tf.strings.to_hash_bucket(_s(tf), 1000),
            "legacy_top": tf.string_to_hash_bucket(_s(tf), 10)}),
        case("fingerprint", lambda tf, np: {
            "s": tf.fingerprint(_s(tf)),
            "ints": tf.fingerprint(tf.constant(np.arange(12).reshape(3, 4))),
            "floats": tf.fingerprint(tf.constant(np.linspace(0, 1, 6).reshape(2, 3))),
            "rows": tf.fingerprint(tf.reshape(_s(tf), [3, 2]))}),
    ]


def _sparse(st):
    return {"indices": st.indices, "values": st.values, "dense_shape": st.dense_shape}


STRINGS_IO_CASES = _string_cases()


def _io_cases():
    def case(name, build):
        return Case(f"io/{name}", build)

    def round_trip(values, dtype):
        def build(tf, np):
            x = tf.constant(np.array(values, dtype=dtype))
            serialized = tf.io.serialize_tensor(x)
            return {"bytes": serialized,
                    "back": tf.io.parse_tensor(serialized, x.dtype)}

        return build

    out = [case(f"serialize_{dtype}", round_trip([[1, 2, 3], [4, 5, 6]], dtype))
           for dtype in ("float32", "float64", "int32", "int64", "uint8", "int8", "int16",
                         "uint16", "float16", "complex64", "complex128", "bool")]
    out += [
        case("serialize_scalar", round_trip(3.5, "float32")),
        case("serialize_empty", lambda tf, np: {
            "bytes": tf.serialize_tensor(tf.zeros([0, 2]))}),
        case("serialize_strings", lambda tf, np: {
            "bytes": tf.io.serialize_tensor(tf.constant([["a", ""], ["bc", "d"]])),
            "back": tf.parse_tensor(tf.io.serialize_tensor(tf.constant(["a", "bc"])),
                                    tf.string)}),
        case("parse_tensor_wrong_type", lambda tf, np: {
            "y": tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant([1.0])), tf.int32)}),
        case("decode_compressed", lambda tf, np: {
            "none": tf.io.decode_compressed(tf.constant(["abc"])),
            "zlib": tf.io.decode_compressed(tf.constant(
                [b"x\x9cKLJ\x06\x00\x02M\x01'"]), "ZLIB")}),
        case("decode_json_example", lambda tf, np: {
            "y": tf.io.decode_json_example(tf.constant(
                ['{"features": {"feature": {"x": {"floatList": {"value": [1.5, 2]}}}}}',
                 '{"features": {"feature": {"b": {"int64List": {"value": [3, "-4"]}}, '
                 '"a": {"bytesList": {"value": ["aGk="]}}, "e": {}}}}', '{}']))}),
    ]
    return out


STRINGS_IO_CASES += _io_cases()


def _complex_cases():
    def case(name, build, rtol=1e-5):
        return Case(f"complex/{name}", build, rtol=rtol)

    def z(tf, np, dtype="float32"):
        rs = np.random.RandomState(3)
        return tf.complex(tf.constant(rs.randn(3, 4).astype(dtype)),
                          tf.constant(rs.randn(3, 4).astype(dtype)))

    def parts(tf, np, dtype):
        c = z(tf, np, dtype)
        x = tf.constant(np.array([-1.5, 0.0, 2.0], dtype))
        return {"c": c, "real": tf.real(c), "imag": tf.imag(c), "conj": tf.conj(c),
                "angle": tf.angle(c), "abs": tf.abs(c), "math_angle": tf.math.angle(x),
                "real_of_real": tf.math.real(x), "imag_of_real": tf.math.imag(x),
                "matmul": tf.matmul(c, c, transpose_b=True)}

    def gradients(tf, np):
        rs = np.random.RandomState(4)
        x = tf.constant(rs.randn(3, 4))
        y = tf.constant(rs.randn(3, 4))
        c = tf.complex(x, y)
        loss = (tf.reduce_sum(tf.abs(c)) + tf.reduce_sum(tf.angle(c))
                + tf.reduce_sum(tf.real(tf.conj(c) * c * c))
                + tf.reduce_sum(tf.imag(tf.matmul(c, c, transpose_b=True))))
        dx, dy = tf.gradients(loss, [x, y])
        return {"dx": dx, "dy": dy}

    def ffts(tf, np):
        c = z(tf, np)
        c3 = tf.reshape(c, [3, 2, 2])
        return {"fft": tf.fft(c), "ifft": tf.ifft(c), "fft2d": tf.spectral.fft2d(c),
                "ifft2d": tf.ifft2d(c), "fft3d": tf.fft3d(c3), "ifft3d": tf.spectral.ifft3d(c3)}

    def real_ffts(tf, np):
        x = tf.constant(np.random.RandomState(5).randn(2, 3, 6).astype("float32"))
        c = tf.complex(x, 0.5 * x)
        return {"rfft": tf.spectral.rfft(x), "rfft4": tf.spectral.rfft(x, [4]),
                "rfft9": tf.spectral.rfft(x, [9]), "irfft": tf.spectral.irfft(c),
                "irfft7": tf.spectral.irfft(c, [7]), "rfft2d": tf.spectral.rfft2d(x),
                "irfft2d": tf.spectral.irfft2d(c, [3, 8]), "rfft3d": tf.spectral.rfft3d(x),
                "irfft3d": tf.spectral.irfft3d(c)}

    def fft_gradients(tf, np):
        x = tf.constant(np.random.RandomState(6).randn(2, 6).astype("float32"))
        w = tf.constant(np.random.RandomState(7).randn(2, 4).astype("float32"))
        spectrum = tf.spectral.rfft(x)
        loss = (tf.reduce_sum(tf.abs(spectrum) * w)
                + tf.reduce_sum(tf.spectral.irfft(spectrum * spectrum) * x)
                + tf.reduce_sum(tf.abs(tf.ifft(tf.fft(tf.complex(x, x))))))
        return {"dx": tf.gradients(loss, x)[0]}

    return [
        case("parts_float32", lambda tf, np: parts(tf, np, "float32")),
        case("parts_float64", lambda tf, np: parts(tf, np, "float64")),
        case("gradients", gradients),
        case("ffts", ffts, rtol=1e-4),
        case("real_ffts", real_ffts, rtol=1e-4),
        case("fft_gradients", fft_gradients, rtol=1e-3),
        case("bitcast", lambda tf, np: {
            "narrow": tf.bitcast(tf.constant([1.0, -2.5]), tf.uint8),
            "wide": tf.bitcast(tf.constant([[0, 0, 128, 63]], tf.uint8), tf.float32),
            "same": tf.bitcast(tf.constant([1, -1]), tf.float32)}),
    ]


STRINGS_IO_CASES += _complex_cases()


def _complex_gradient_cases():
    unary = {
        "square": lambda tf, z: tf.square(z), "exp": lambda tf, z: tf.exp(z),
        "log": lambda tf, z: tf.log(z), "sqrt": lambda tf, z: tf.sqrt(z),
        "rsqrt": lambda tf, z: tf.rsqrt(z), "reciprocal": lambda tf, z: tf.reciprocal(z),
        "tanh": lambda tf, z: tf.tanh(z), "sigmoid": lambda tf, z: tf.sigmoid(z),
        "sin": lambda tf, z: tf.sin(z), "cos": lambda tf, z: tf.cos(z),
        "tan": lambda tf, z: tf.tan(z), "sinh": lambda tf, z: tf.sinh(z),
        "cosh": lambda tf, z: tf.cosh(z), "asinh": lambda tf, z: tf.asinh(z),
        "acosh": lambda tf, z: tf.acosh(z), "atanh": lambda tf, z: tf.atanh(z),
        "asin": lambda tf, z: tf.asin(z), "acos": lambda tf, z: tf.acos(z),
        "atan": lambda tf, z: tf.atan(z), "expm1": lambda tf, z: tf.expm1(z),
        "log1p": lambda tf, z: tf.log1p(z),
        "div": lambda tf, z: z / (z + 1.0),
        "div_no_nan": lambda tf, z: tf.div_no_nan(z, z * z + 1.0),
        "prod": lambda tf, z: tf.reduce_prod(z, axis=1),
        "cumprod": lambda tf, z: tf.cumprod(z, axis=1),
        "squared_difference": lambda tf, z: tf.squared_difference(z, z * z),
        "mean": lambda tf, z: tf.reduce_mean(z * z, axis=0),
    }

    def build(fn):
        def run(tf, np):
            rs = np.random.RandomState(8)
            x = tf.constant(rs.rand(2, 3) * 0.5 + 0.3)
            y = tf.constant(rs.rand(2, 3) * 0.5 - 0.2)
            out = fn(tf, tf.complex(x, y))
            loss = tf.reduce_sum(tf.real(out)) + 0.7 * tf.reduce_sum(tf.imag(out))
            dx, dy = tf.gradients(loss, [x, y])
            return {"y": out, "dx": dx, "dy": dy}

        return run

    return [Case(f"complex/grad_{name}", build(fn), rtol=1e-5) for name, fn in unary.items()]


STRINGS_IO_CASES += _complex_gradient_cases()


def _text_cases():
    def case(name, build):
        return Case(f"strings_text/{name}", build)

    def seqs(tf):
        return tf.constant([["a", "b", "c", "d"], ["e", "f", "g", "h"]])

    out = [
        case(f"ngrams_{index}", lambda tf, np, kw=kw: {"y": tf.strings.ngrams(seqs(tf), **kw)})
        for index, kw in enumerate([
            {"ngram_width": 2}, {"ngram_width": 3, "pad_values": "P"},
            {"ngram_width": [1, 3], "pad_values": ("L", "R"), "padding_width": 1},
            {"ngram_width": 5}, {"ngram_width": 6, "preserve_short_sequences": True},
            {"ngram_width": 6, "pad_values": "P", "padding_width": 1,
             "preserve_short_sequences": True},
            {"ngram_width": 2, "separator": "|"}, {"ngram_width": 4, "pad_values": "P",
                                                   "padding_width": 2}])
    ]
    out += [
        case("ngrams_vector", lambda tf, np: {"y": tf.strings.ngrams(
            tf.constant(["a", "b"]), 3, preserve_short_sequences=True)}),
        case("segment_join", lambda tf, np: {
            "y": tf.strings.unsorted_segment_join(tf.constant(["a", "b", "c", "d"]),
                                                  [1, 0, 1, 1], 3, separator=","),
            "rows": tf.strings.unsorted_segment_join(tf.constant([["a", "b"], ["c", "d"]]),
                                                     [1, 0], 2)}),
        case("segment_join_negative", lambda tf, np: {
            "y": tf.strings.unsorted_segment_join(tf.constant(["a", "b"]), [-1, 0], 2)}),
        case("unicode_encode", lambda tf, np: {
            "utf8": tf.strings.unicode_encode(tf.constant([[104, 105, -5, 1114112, 233]]),
                                              "UTF-8"),
            "utf16": tf.strings.unicode_encode(tf.constant([104, 105, 233, 128512]),
                                               "UTF-16-BE"),
            "utf32": tf.strings.unicode_encode(tf.constant([[104, 105], [233, 0]]),
                                               "UTF-32-BE"),
            "ignore": tf.strings.unicode_encode(tf.constant([[104, -1, 55296]]), "UTF-8",
                                                errors="ignore"),
            "char": tf.strings.unicode_encode(tf.constant([[104, 55296]]), "UTF-8",
                                              replacement_char=63)}),
        case("unicode_encode_strict", lambda tf, np: {
            "y": tf.strings.unicode_encode(tf.constant([[104, -1]]), "UTF-8",
                                           errors="strict")}),
        case("unicode_transcode", lambda tf, np: {
            "utf16": tf.strings.unicode_transcode(
                tf.constant(["caf\u00e9".encode(), b"a\xffb"]), "UTF-8", "UTF-16-BE"),
            "controls": tf.strings.unicode_transcode(
                tf.constant([b"a\xffb\x01\xe9\x80"]), "UTF-8", "UTF-8", replacement_char=63,
                replace_control_characters=True),
            "ignore": tf.strings.unicode_transcode(tf.constant([b"a\xffb\x01\x7f"]), "UTF-8",
                                                   "UTF-8", errors="ignore"),
            "latin1": tf.strings.unicode_transcode(tf.constant([b"\xe9t\xe9"]), "ISO-8859-1",
                                                   "UTF-8"),
            "surrogate": tf.strings.unicode_transcode(tf.constant([b"\x00h\xd8\x00"]),
                                                      "UTF-16-BE", "UTF-8")}),
        case("unicode_transcode_strict", lambda tf, np: {
            "y": tf.strings.unicode_transcode(tf.constant([b"a\xff"]), "UTF-8", "UTF-8",
                                              errors="strict")}),
        case("format", lambda tf, np: {
            "two": tf.strings.format("x={} y={}", [tf.constant([1, 2, 3]), tf.constant(2.5)]),
            "long": tf.strings.format("{}", [tf.constant(list(range(10)))]),
            "matrix": tf.strings.format("{}", [tf.constant([[1.5, 2], [3, 4]])]),
            "strings": tf.strings.format("{}", [tf.constant(["a", "b\n\"c\""])]),
            "bool": tf.strings.format("{}", [tf.constant([True, False])]),
            "small": tf.strings.format("{}", [tf.constant(1e-7)]),
            "double": tf.strings.format("{}", [tf.constant(np.array([0.1, 1 / 3]))]),
            "float": tf.strings.format("{}", [tf.constant([0.1, 1 / 3, 1e10, -0.0])]),
            "summarize2": tf.strings.format("{}", [tf.constant(list(range(10)))], summarize=2),
            "all": tf.strings.format("{}", [tf.constant(list(range(10)))], summarize=-1),
            "cube": tf.strings.format("{}", [tf.reshape(tf.range(60), [3, 4, 5])]),
            "big": tf.strings.format("<{}>", tf.reshape(tf.range(200), [10, 20])),
            "scalar": tf.strings.format("a{}b", tf.constant(3.0)),
            "empty": tf.strings.format("{}", [tf.zeros([0])]),
            "int64": tf.strings.format("{}", [tf.constant([2 ** 40], tf.int64)])}),
    ]
    return out


STRINGS_IO_CASES += _text_cases()


def _priority_queue(tf, np):
    queue = tf.PriorityQueue(10, [tf.string], shapes=[[]])
    enqueue = queue.enqueue_many([tf.constant([5, 1, 3, 1], tf.int64),
                                  tf.constant(["e", "a", "c", "b"])])
    priorities, values = queue.dequeue_many(3)
    return {"priorities": priorities, "values": values}, None, [enqueue]


STRINGS_IO_CASES.append(Case("io/priority_queue", _priority_queue))


def _sparse_serialization(tf, np, rows=((0, 1, 1), (1, 0, 2), (1, 1, 0))):
    sp = tf.SparseTensor(indices=tf.constant(list(rows), tf.int64),
                         values=tf.constant([1.5, 2.5, 3.5]),
                         dense_shape=tf.constant([3, 2, 3], tf.int64))
    many = tf.serialize_many_sparse(sp)
    back = tf.deserialize_many_sparse(many, tf.float32)
    return {"one": tf.serialize_sparse(sp), "many": many, "indices": back.indices,
            "values": back.values, "dense_shape": back.dense_shape,
            "io_one": tf.io.serialize_sparse(sp)}


STRINGS_IO_CASES.append(Case("io/sparse_serialization", _sparse_serialization))
STRINGS_IO_CASES.append(Case("io/sparse_serialization_unsorted", lambda tf, np: (
    _sparse_serialization(tf, np, ((1, 0, 2), (0, 1, 1), (1, 1, 0))))))


def _sequence_examples(tf):
    def feature(kind, values):
        if kind == "int64":
            return tf.train.Feature(int64_list=tf.train.Int64List(value=values))
        if kind == "float":
            return tf.train.Feature(float_list=tf.train.FloatList(value=values))
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))

    def record(length, steps, words):
        context = tf.train.Features(feature={"length": feature("int64", [length])})
        lists = tf.train.FeatureLists(feature_list={
            "tokens": tf.train.FeatureList(feature=[feature("int64", [s, s + 1])
                                                    for s in steps]),
            "words": tf.train.FeatureList(feature=[feature("bytes", w) for w in words])})
        return tf.train.SequenceExample(context=context,
                                        feature_lists=lists).SerializeToString()

    return [record(3, [1, 2, 3], [[b"a"], [], [b"b", b"c"]]), record(1, [7], [[b"z"]])]


def _parse_sequence(tf, np):
    records = _sequence_examples(tf)
    context = {"length": tf.FixedLenFeature([], tf.int64),
               "missing": tf.FixedLenFeature([2], tf.float32, default_value=[0.5, 1.5])}
    sequence = {"tokens": tf.FixedLenSequenceFeature([2], tf.int64),
                "words": tf.VarLenFeature(tf.string),
                "absent": tf.io.FixedLenSequenceFeature([], tf.float32, allow_missing=True)}
    ctx, seq = tf.parse_single_sequence_example(records[0], context, sequence)
    bctx, bseq, lengths = tf.io.parse_sequence_example(records, context, sequence)
    out = {"length": ctx["length"], "missing": ctx["missing"], "tokens": seq["tokens"],
           "words_indices": seq["words"].indices, "words_values": seq["words"].values,
           "words_shape": seq["words"].dense_shape, "absent": seq["absent"],
           "b_length": bctx["length"], "b_tokens": bseq["tokens"],
           "b_words_indices": bseq["words"].indices, "b_words_shape": bseq["words"].dense_shape,
           "lengths_tokens": lengths["tokens"], "lengths_absent": lengths["absent"]}
    return out


def _parse_sequence_missing(tf, np):
    records = _sequence_examples(tf)
    ctx, seq = tf.io.parse_single_sequence_example(
        records[0], sequence_features={"nope": tf.FixedLenSequenceFeature([], tf.int64)})
    return {"nope": seq["nope"]}


STRINGS_IO_CASES.append(Case("io/parse_sequence_example", _parse_sequence))
STRINGS_IO_CASES.append(Case("io/parse_sequence_example_missing", _parse_sequence_missing))


def _fake_quant_cases():
    def build(tf, np):
        x = tf.constant(np.linspace(-8.0, 8.0, 33).astype("float32").reshape(11, 3))
        low = tf.constant(-5.3)
        high = tf.constant(4.7)
        lows = tf.constant([-1.0, -0.25, -6.0])
        highs = tf.constant([1.0, 3.9, 0.5])
        args = tf.fake_quant_with_min_max_args(x, -2.7, 5.1, num_bits=4)
        narrow = tf.fake_quant_with_min_max_args(x, min=-1.0, max=6.0, narrow_range=True)
        wide = tf.fake_quant_with_min_max_vars(x, low, high, num_bits=8)
        per_channel = tf.fake_quant_with_min_max_vars_per_channel(x, lows, highs, num_bits=5)
        loss = (tf.reduce_sum(args * x) + tf.reduce_sum(wide * wide)
                + tf.reduce_sum(per_channel * 3.0))
        dx, dlow, dhigh, dlows, dhighs = tf.gradients(loss, [x, low, high, lows, highs])
        g = tf.fake_quant_with_min_max_vars_gradient(x, x, low, high)
        return {"args": args, "narrow": narrow, "vars": wide, "per_channel": per_channel,
                "dx": dx, "dlow": dlow, "dhigh": dhigh, "dlows": dlows, "dhighs": dhighs,
                "g0": g[0], "g1": g[1], "g2": g[2],
                "args_grad": tf.fake_quant_with_min_max_args_gradient(x, x, -1.0, 1.0)}

    return [Case("fake_quant/all", build)]


STRINGS_IO_CASES += _fake_quant_cases()
