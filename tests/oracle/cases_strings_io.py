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
