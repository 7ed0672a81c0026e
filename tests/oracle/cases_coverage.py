"""Oracle cases for the op types no other case built (issue 8: every public op compared).

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only. Random ops are
compared by dtype, shape and range, never by value (docs/oracle.md).
"""

import os
import tempfile

from cases import Case


def _shifts(tf, np, dtype):
    bits = np.dtype(dtype).itemsize * 8
    info = np.iinfo(dtype)
    x = tf.constant(np.array([1, 3, info.max, info.min, 5, 0], dtype))
    # Shifts from 0 to bits - 1: TF leaves the result of shifts outside [0, bits) undefined.
    y = tf.constant(np.array([0, 1, 2, bits - 1, bits - 2, 3], dtype))
    return {"left": tf.bitwise.left_shift(x, y), "right": tf.bitwise.right_shift(x, y)}


def _batch_matmul(tf, np, which):
    a = np.arange(12, dtype=np.float32).reshape(2, 1, 2, 3) / 7
    b = np.arange(24, dtype=np.float32).reshape(4, 3, 2) / 5
    if which == "broadcast":
        return {"out": tf.matmul(tf.constant(a), tf.constant(b))}
    if which == "unknown_batch":
        pa = tf.placeholder(tf.float32, [None, 1, 2, 3])
        return {"out": tf.matmul(pa, tf.constant(b), transpose_a=False)}, {pa: a}
    if which == "grad":
        ta, tb = tf.constant(a), tf.constant(b)
        out = tf.matmul(ta, tb, adjoint_b=False)
        return dict(zip(["da", "db"], tf.gradients(tf.reduce_sum(out * out), [ta, tb])))
    return {"out": tf.matmul(tf.constant(a), tf.constant(b[:3]))}  # batch 2 vs 3: error


def _shape_n(tf, np):
    p = tf.placeholder(tf.float32, [None, 3])
    shapes = tf.shape_n([p, tf.zeros([2, 4, 5]), tf.constant(7)], out_type=tf.int64)
    return {f"s{i}": s for i, s in enumerate(shapes)}, {p: np.zeros([4, 3], np.float32)}


def _decode_raw(tf, np, dtype, little):
    data = tf.constant([bytes(range(16)), bytes(range(100, 116))])
    return {"out": tf.decode_raw(data, dtype, little_endian=little)}


def _decode_raw_bad_length(tf, np):
    return {"out": tf.decode_raw(tf.constant([b"abc", b"abcd"]), tf.int16)}


def _decode_csv(tf, np, which):
    if which == "defaults":
        records = tf.constant(["1,2.5,x,", ",,,7", '3,"1e3","a,b",9'])
        out = tf.decode_csv(records, [[0], [0.5], ["d"], [np.int64(4)]])
    elif which == "delim_na":
        records = tf.constant(["1|NA|z", "NA|2|NA"])
        out = tf.decode_csv(records, [[-1], [-2.0], ["q"]], field_delim="|", na_value="NA")
    elif which == "select_cols":
        out = tf.decode_csv(tf.constant(["1,2,3", "4,5,6"]), [[0], [0]], select_cols=[0, 2])
    elif which == "missing_required":
        out = tf.decode_csv(tf.constant(["1,", "2,3"]), [[0], tf.constant([], tf.int32)])
    elif which == "bad_quote":
        out = tf.decode_csv(tf.constant(['1,"ab"c']), [[0], [""]])
    elif which == "bad_number":
        out = tf.decode_csv(tf.constant(["x,1"]), [[0], [0]])
    else:  # wrong field count
        out = tf.decode_csv(tf.constant(["1,2,3"]), [[0], [0]])
    return {f"c{i}": t for i, t in enumerate(out)}


def _summaries(tf, np, which):
    if which == "scalar":
        s = tf.summary.scalar("loss", tf.constant(1.25))
    elif which == "histogram":
        s = tf.summary.histogram("w", tf.constant([[0.5, -1.0, 3.0], [2.0, 2.0, 0.0]]))
    elif which == "histogram_empty":
        s = tf.summary.histogram("w", tf.zeros([0]))
    elif which == "image":
        img = np.arange(2 * 3 * 4 * 3, dtype=np.float32).reshape(2, 3, 4, 3) / 72
        s = tf.summary.image("img", tf.constant(img), max_outputs=2)
    elif which == "image_uint8":
        img = (np.arange(3 * 2 * 2 * 1) * 20).astype(np.uint8).reshape(3, 2, 2, 1)
        s = tf.summary.image("gray", tf.constant(img), max_outputs=2)
    elif which == "audio":
        wave = np.sin(np.arange(2 * 16, dtype=np.float32)).reshape(2, 16, 1) * 0.5
        s = tf.summary.audio("snd", tf.constant(wave), 8000, max_outputs=1)
    elif which == "tensor":
        s = tf.summary.tensor_summary("t", tf.constant([[1, 2], [3, 4]]))
    else:
        a = tf.summary.scalar("a", tf.constant(1.0))
        b = tf.summary.scalar("b", tf.constant(2.0))
        s = tf.summary.merge([a, b])
    return {"summary": s}


def _var_init(tf, np):
    v = tf.Variable([1.0, 2.0], name="v")
    tf.Variable(3, name="w")  # never initialized: the report names it
    return {"before_v": tf.is_variable_initialized(v),
            "report": tf.report_uninitialized_variables()}


def _var_init_after(tf, np):
    v = tf.Variable([1.0, 2.0], name="v")
    tf.Variable(3, name="w")
    return {"after_v": tf.is_variable_initialized(v),
            "report": tf.report_uninitialized_variables()}


def _print(tf, np):
    x = tf.constant([1.5, 2.5])
    out = tf.Print(x, [x, tf.constant("label")], message="x: ", first_n=1, summarize=2)
    return {"out": out * 2}


def _multinomial(tf, np):
    logits = tf.constant([[0.0, 1.0, 2.0], [5.0, -1.0, 0.0]])
    draws = tf.multinomial(logits, 7, seed=3, output_dtype=tf.int32)
    return {"shape": tf.shape(draws), "in_range": tf.reduce_all((draws >= 0) & (draws < 3)),
            "dtype_probe": draws[:0]}


def _parameterized_tn(tf, np):
    out = tf.random.stateless_parameterized_truncated_normal(
        [4, 3], [1, 2], means=0.0, stddevs=1.0, minvals=-0.5, maxvals=1.0)
    again = tf.random.stateless_parameterized_truncated_normal(
        [4, 3], [1, 2], means=0.0, stddevs=1.0, minvals=-0.5, maxvals=1.0)
    return {"shape": tf.shape(out), "probe": out[:0],
            "in_range": tf.reduce_all((out >= -0.5) & (out <= 1.0)),
            "same": tf.reduce_all(tf.equal(out, again))}


def _mirror_pad_grad(tf, np, mode):
    x = tf.constant(np.arange(12, dtype=np.float64).reshape(3, 4))
    y = tf.pad(x, [[1, 2], [2, 1]], mode=mode)
    weights = tf.constant(np.arange(6 * 7, dtype=np.float64).reshape(6, 7))
    return {"y": y, "grad": tf.gradients(tf.reduce_sum(y * weights), x)[0]}


def _ta_split_concat(tf, np):
    value = tf.constant(np.arange(12, dtype=np.float32).reshape(6, 2))
    ta = tf.TensorArray(tf.float32, size=3, infer_shape=False)
    ta = ta.split(value, lengths=[1, 3, 2])
    second = ta.read(1)
    joined = ta.concat()
    loss = tf.reduce_sum(joined * joined) + tf.reduce_sum(second * 3.0)
    return {"second": second, "joined": joined, "grad": tf.gradients(loss, value)[0]}


def _ta_concat_grad(tf, np):
    a = tf.constant([[1.0, 2.0]])
    b = tf.constant([[3.0, 4.0], [5.0, 6.0]])
    ta = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, a).write(1, b)
    joined = ta.concat()
    weights = tf.constant([[1.0], [2.0], [3.0]])
    return dict(zip(["ga", "gb"], tf.gradients(tf.reduce_sum(joined * weights), [a, b])),
                joined=joined)


def _example(tf, np, values):
    feature = {}
    for key, (kind, items) in values.items():
        if kind == "int":
            feature[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=items))
        elif kind == "float":
            feature[key] = tf.train.Feature(float_list=tf.train.FloatList(value=items))
        else:
            feature[key] = tf.train.Feature(bytes_list=tf.train.BytesList(value=items))
    example = tf.train.Example(features=tf.train.Features(feature=feature))
    return example.SerializeToString()


def _parse_example(tf, np, which):
    records = [_example(tf, np, {"age": ("int", [31]), "w": ("float", [0.5, 1.5]),
                                 "tag": ("bytes", [b"a", b"b", b"c"])}),
               _example(tf, np, {"w": ("float", [2.0, -1.0]), "tag": ("bytes", [b"z"])})]
    spec = {"age": tf.FixedLenFeature([], tf.int64, default_value=-1),
            "w": tf.FixedLenFeature([2], tf.float32),
            "tag": tf.VarLenFeature(tf.string)}
    if which == "missing_required":
        spec["age"] = tf.FixedLenFeature([], tf.int64)
    parsed = tf.parse_example(tf.constant(records), spec)
    tag = parsed["tag"]
    return {"age": parsed["age"], "w": parsed["w"], "tag_indices": tag.indices,
            "tag_values": tag.values, "tag_shape": tag.dense_shape}


def _sparse_reduce_max_sparse(tf, np):
    sp = tf.SparseTensor([[0, 0], [0, 2], [1, 1], [2, 0], [2, 2]],
                         [1.0, -3.0, 2.0, 5.0, 4.0], [3, 3])
    rows = tf.sparse_reduce_max_sparse(sp, axis=1)
    cols = tf.sparse_reduce_max_sparse(sp, axis=0, keepdims=True)
    return {"rows_i": rows.indices, "rows_v": rows.values, "rows_s": rows.dense_shape,
            "cols_i": cols.indices, "cols_v": cols.values, "cols_s": cols.dense_shape}


def _accidental_hits(tf, np):
    true = tf.constant([[1, 4], [2, 7], [9, 9]], tf.int64)
    sampled = tf.constant([4, 2, 7, 1, 9], tf.int64)
    idx, ids, weights = tf.nn.compute_accidental_hits(true, sampled, num_true=2)
    return {"indices": idx, "ids": ids, "weights": weights}


def _py_function(tf, np):
    x = tf.constant([1.0, 2.0])
    out = tf.py_function(lambda a: a * 3.0, [x], tf.float32)
    return {"out": out}


def _next_as_optional(tf, np):
    it = tf.data.Dataset.range(2).make_initializable_iterator()
    opt = tf.data.experimental.get_next_as_optional(it)
    first = opt.get_value()
    return {"has": opt.has_value(), "value": first}, {}, [it.initializer]


def _print_v2(tf, np):
    x = tf.constant([1.5, 2.5])
    with tf.control_dependencies([tf.print("x:", x, summarize=2)]):
        out = tf.identity(x)
    return {"out": out}


def _timestamp(tf, np):
    # Seconds since the epoch: only its dtype, shape and plausibility are comparable.
    stamp = tf.timestamp()
    return {"after_2020": stamp > 1.5e9, "probe": stamp * 0.0}


def _string_handle(tf, np):
    handle = tf.data.Dataset.range(3).make_one_shot_iterator().string_handle()
    return {"nonempty": tf.strings.length(handle) > 0}


def _files(tf, np):
    folder = tempfile.mkdtemp(prefix="oracle_files_")
    path = os.path.join(folder, "a.txt")
    written = tf.write_file(path, tf.constant("two\nlines"))
    with tf.control_dependencies([written]):
        contents = tf.read_file(path)
        matched = tf.matching_files(os.path.join(folder, "*.txt"))
        missing = tf.matching_files(os.path.join(folder, "*.csv"))
    return {"contents": contents, "matched": tf.strings.regex_replace(matched, ".*/", ""),
            "missing": tf.size(missing)}


def _queue(tf, np):
    queue = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    other = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    filled = queue.enqueue_many([[4, 5, 6]])
    with tf.control_dependencies([filled]):
        closed = queue.close()  # after the enqueue: one sess.run runs both in any order
    setup = [closed]
    return {"size": queue.size(), "is_closed": queue.is_closed(),
            "other_is_closed": other.is_closed()}, {}, setup


COVERAGE_CASES = [
    *[Case(f"coverage/shift/{d}", lambda tf, np, d=d: _shifts(tf, np, d))
      for d in ("int8", "int16", "int32", "int64", "uint8", "uint16")],
    *[Case(f"coverage/batch_matmul_v2/{w}", lambda tf, np, w=w: _batch_matmul(tf, np, w),
           rtol=1e-5)
      for w in ("broadcast", "unknown_batch", "grad", "mismatch")],
    Case("coverage/shape_n", _shape_n),
    *[Case(f"coverage/decode_raw/{d}_{'le' if le else 'be'}",
           lambda tf, np, d=d, le=le: _decode_raw(tf, np, getattr(tf, d), le))
      for d in ("uint8", "int16", "uint16", "int32", "float32", "int64", "float64")
      for le in (True, False)],
    Case("coverage/decode_raw/bad_length", _decode_raw_bad_length),
    *[Case(f"coverage/decode_csv/{w}", lambda tf, np, w=w: _decode_csv(tf, np, w))
      for w in ("defaults", "delim_na", "select_cols", "missing_required", "bad_quote",
                "bad_number", "field_count")],
    *[Case(f"coverage/summary/{w}", lambda tf, np, w=w: _summaries(tf, np, w))
      for w in ("scalar", "histogram", "histogram_empty", "image", "image_uint8", "audio",
                "tensor", "merge")],
    Case("coverage/variables/uninitialized", _var_init),
    Case("coverage/variables/initialized", _var_init_after, init=True),
    Case("coverage/print_passthrough", _print),
    Case("coverage/multinomial", _multinomial),
    Case("coverage/stateless_parameterized_truncated_normal", _parameterized_tn),
    *[Case(f"coverage/mirror_pad_grad/{m}", lambda tf, np, m=m: _mirror_pad_grad(tf, np, m))
      for m in ("REFLECT", "SYMMETRIC")],
    Case("coverage/tensor_array/split_concat_grad", _ta_split_concat),
    Case("coverage/tensor_array/concat_grad", _ta_concat_grad),
    *[Case(f"coverage/parse_example/{w}", lambda tf, np, w=w: _parse_example(tf, np, w))
      for w in ("basic", "missing_required")],
    Case("coverage/sparse_reduce_max_sparse", _sparse_reduce_max_sparse),
    Case("coverage/compute_accidental_hits", _accidental_hits),
    Case("coverage/py_function", _py_function),
    Case("coverage/get_next_as_optional", _next_as_optional),
    Case("coverage/print_v2_passthrough", _print_v2),
    Case("coverage/timestamp", _timestamp),
    Case("coverage/iterator_string_handle", _string_handle),
    Case("coverage/write_read_match_files", _files),
    Case("coverage/queue_size_close", _queue),
]
