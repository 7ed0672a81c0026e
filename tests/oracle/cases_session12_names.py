"""Oracle cases from session 12's core names (helper names): tf.quantization's
quantize_and_dequantize (signed and unsigned, given and measured ranges, narrow ranges,
rounding modes, per-axis ranges, float64, its pass-through gradient and its errors);
tf.nn.dilation2d / erosion2d (strides, rates, padding, dtypes, both gradients, errors);
tf.image.combined_non_max_suppression (shared and per-class boxes, thresholds, padding,
clipping); tf.io.SparseFeature in parse_example / parse_single_example; tf.quantization's
quantize and dequantize (every quantized dtype, mode and range kind TensorFlow 2.21 computes
as TensorFlow 1.x: see docs/compatibility.md for the few it does not).

Same rules as cases.py."""

from cases import Case

_X = [-3.3, -1.0, -0.51, 0.0, 0.25, 0.5, 1.7, 2.9, -0.125, 0.375]

_QDQ = {
    "measured": {},
    "unsigned": {"signed_input": False},
    "given": {"range_given": True, "input_min": -1.0, "input_max": 2.0},
    "given_narrow4": {"range_given": True, "input_min": -1.0, "input_max": 2.0,
                      "narrow_range": True, "num_bits": 4},
    "half_up3": {"round_mode": "HALF_UP", "num_bits": 3},
    "unsigned_given2": {"signed_input": False, "range_given": True, "input_min": 0.0,
                        "input_max": 1.0, "num_bits": 2},
    "given_positive": {"range_given": True, "input_min": 0.5, "input_max": 2.0},
    "given_negative": {"range_given": True, "input_min": -3.0, "input_max": -0.5},
    "bits16": {"num_bits": 16},
    "bad_range": {"range_given": True, "input_min": 2.0, "input_max": 1.0},
    "bad_bits": {"num_bits": 0},
}


def _qdq(kwargs, dtype="float32"):
    def build(tf, np):
        x = tf.constant(np.array(_X, dtype))
        arguments = {"input_min": 0.0, "input_max": 0.0, **kwargs}
        y = tf.quantization.quantize_and_dequantize(x, **arguments)
        return {"y": y}

    return build


def _qdq_axis(tf, np):
    x = tf.constant(np.array(_X[:8], "float32").reshape(2, 4))
    measured = tf.quantization.quantize_and_dequantize(x, [0.0, 0.0], [0.0, 0.0], axis=0)
    return {"measured": measured}


def _qdq_gradient(tf, np):
    x = tf.constant(np.array(_X, "float32"))
    y = tf.quantization.quantize_and_dequantize(x, -1.0, 1.0, range_given=True)
    (grad,) = tf.gradients(y * y, [x])
    return {"y": y, "grad": grad}


SESSION12_NAMES_CASES = [
    Case(f"session12_names/qdq/{name}", _qdq(kwargs)) for name, kwargs in _QDQ.items()
]
SESSION12_NAMES_CASES += [
    Case("session12_names/qdq/float64", _qdq({}, "float64")),
    Case("session12_names/qdq/float64_given", _qdq(_QDQ["given_narrow4"], "float64")),
    Case("session12_names/qdq/axis", _qdq_axis),
    Case("session12_names/qdq/gradient", _qdq_gradient),
]


# -- dilation2d / erosion2d ------------------------------------------------------------------

_MORPHOLOGY = {
    "same": ([1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
    "valid_strided": ([1, 2, 1, 1], [1, 1, 2, 1], "VALID"),
    "same_rates": ([1, 1, 2, 1], [1, 2, 1, 1], "SAME"),
    "same_strided_rates": ([1, 2, 3, 1], [1, 2, 2, 1], "SAME"),
}


def _morphology(strides, rates, padding, dtype="float32"):
    def build(tf, np):
        rng = np.random.RandomState(0)
        x = tf.constant(rng.randn(2, 5, 6, 3).astype(dtype))
        kernel = tf.constant(rng.randn(2, 3, 3).astype(dtype))
        dilated = tf.nn.dilation2d(x, kernel, strides, rates, padding)
        eroded = tf.nn.erosion2d(x, kernel, strides, rates, padding)
        out = {"dilated": dilated, "eroded": eroded}
        if dtype != "int32":
            gx, gk = tf.gradients(dilated * dilated, [x, kernel])
            ex, ek = tf.gradients(eroded * eroded, [x, kernel])
            out.update({"grad_input": gx, "grad_filter": gk, "erosion_grad_input": ex,
                        "erosion_grad_filter": ek})
        return out

    return build


def _morphology_ints(tf, np):
    x = tf.constant(np.arange(2 * 4 * 4 * 2).reshape(2, 4, 4, 2).astype("int32") % 7)
    kernel = tf.constant(np.array([[[1, -2], [0, 3]], [[2, 2], [-1, 0]]], "int32"))
    return {"dilated": tf.nn.dilation2d(x, kernel, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
            "eroded": tf.nn.erosion2d(x, kernel, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")}


def _morphology_batch_stride(tf, np):
    x = tf.constant(np.ones([1, 3, 3, 1], "float32"))
    return {"y": tf.nn.dilation2d(x, tf.ones([2, 2, 1]), [2, 1, 1, 1], [1, 1, 1, 1], "SAME")}


def _morphology_ties(tf, np):
    # Equal candidates in a window: the first in scan order takes the gradient.
    x = tf.constant(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 0]], "float32").reshape(1, 3, 3, 1))
    kernel = tf.zeros([2, 2, 1])
    y = tf.nn.dilation2d(x, kernel, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")
    gx, gk = tf.gradients(y, [x, kernel])
    return {"y": y, "grad_input": gx, "grad_filter": gk}


SESSION12_NAMES_CASES += [
    Case(f"session12_names/morphology/{name}", _morphology(*spec))
    for name, spec in _MORPHOLOGY.items()
]
SESSION12_NAMES_CASES += [
    Case("session12_names/morphology/float64", _morphology(*_MORPHOLOGY["same"], "float64")),
    Case("session12_names/morphology/int32", _morphology_ints),
    Case("session12_names/morphology/batch_stride", _morphology_batch_stride),
    Case("session12_names/morphology/ties", _morphology_ties),
]


# -- combined_non_max_suppression ------------------------------------------------------------


def _random_boxes(np, rng, shape):
    corner = rng.uniform(-0.2, 1.2, (*shape, 2)).astype("float32")
    other = corner + rng.uniform(0.05, 0.5, (*shape, 2)).astype("float32")
    return np.concatenate([corner, other], -1)


def _combined(q, per_class, total, **kwargs):
    def build(tf, np):
        rng = np.random.RandomState(3)
        boxes = _random_boxes(np, rng, (2, 12, 1))
        scores = rng.uniform(0, 1, (2, 12, 3)).astype("float32")
        if q == 3:
            boxes = _random_boxes(np, rng, (2, 12, 3))
        result = tf.image.combined_non_max_suppression(boxes, scores, per_class, total,
                                                       **kwargs)
        return dict(zip(["boxes", "scores", "classes", "valid"], result, strict=True))

    return build


SESSION12_NAMES_CASES += [
    Case("session12_names/combined_nms/shared", _combined(1, 4, 6)),
    Case("session12_names/combined_nms/thresholds",
         _combined(1, 4, 6, iou_threshold=0.3, score_threshold=0.4)),
    Case("session12_names/combined_nms/per_class_padded", _combined(3, 3, 20,
                                                                  pad_per_class=True)),
    Case("session12_names/combined_nms/unclipped", _combined(3, 2, 5, clip_boxes=False)),
    Case("session12_names/combined_nms/few_left",
         _combined(1, 10, 100, score_threshold=0.9, pad_per_class=True)),
    Case("session12_names/combined_nms/bad_per_class", _combined(1, 0, 2)),
]


# -- SparseFeature -----------------------------------------------------------------------------


def _example(tf, ix, values, iy=None, extra=None):
    feature = {"ix": tf.train.Feature(int64_list=tf.train.Int64List(value=ix)),
               "val": tf.train.Feature(float_list=tf.train.FloatList(value=values))}
    if iy is not None:
        feature["iy"] = tf.train.Feature(int64_list=tf.train.Int64List(value=iy))
    if extra is not None:
        feature["d"] = tf.train.Feature(int64_list=tf.train.Int64List(value=[extra]))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def _records(tf):
    return [_example(tf, [3, 1], [0.5, 1.5], [0, 2], 7), _example(tf, [], [], [], 8),
            _example(tf, [4], [2.5], [1], 9)]


def _sparse_parts(prefix, sparse):
    return {f"{prefix}/indices": sparse.indices, f"{prefix}/values": sparse.values,
            f"{prefix}/dense_shape": sparse.dense_shape}


def _sparse_feature(kind):
    def build(tf, np):
        records = _records(tf)
        if kind == "one_key":
            features = {"sp": tf.SparseFeature("ix", "val", tf.float32, 5),
                        "d": tf.FixedLenFeature([], tf.int64)}
            parsed = tf.parse_example(records, features)
            return {**_sparse_parts("sp", parsed["sp"]), "d": parsed["d"]}
        if kind == "two_keys":
            features = {"sp": tf.io.SparseFeature(["ix", "iy"], "val", tf.float32, [5, 3]),
                        "val": tf.VarLenFeature(tf.float32)}
            parsed = tf.io.parse_example(records, features)
            return {**_sparse_parts("sp", parsed["sp"]), **_sparse_parts("val", parsed["val"])}
        if kind == "sorted":
            features = {"sp": tf.SparseFeature("ix", "val", tf.float32, 5, already_sorted=True)}
            return _sparse_parts("sp", tf.parse_example(records, features)["sp"])
        if kind == "single":
            features = {"sp": tf.SparseFeature("ix", "val", tf.float32, 5)}
            return _sparse_parts("sp", tf.parse_single_example(records[0], features)["sp"])
        bad = [_example(tf, [3, 1], [0.5])]
        features = {"sp": tf.SparseFeature("ix", "val", tf.float32, 5)}
        return _sparse_parts("sp", tf.parse_example(bad, features)["sp"])

    return build


SESSION12_NAMES_CASES += [
    Case(f"session12_names/sparse_feature/{kind}", _sparse_feature(kind))
    for kind in ("one_key", "two_keys", "sorted", "single", "mismatched")
]


# -- quantize / dequantize --------------------------------------------------------------------

_Q_X = [-7.0, -1.0, -0.5, -0.01, 0.0, 0.3, 1.0, 2.5, 5.99, 6.0, 9.0]
_Q_RANGES = {"mixed": (-1.0, 6.0), "positive": (0.0, 6.0), "negative": (-6.0, -1.0),
             "tiny": (0.0, 0.001), "symmetric": (-3.0, 3.0)}
_Q_TYPES = ("quint8", "qint8", "quint16", "qint16")
# TensorFlow 2.21 differs from TensorFlow 1.x's kernels here (oneDNN's 8-bit SCALED path is
# not used for 16 bits or qint32; MIN_FIRST qint32 is computed in float32 there).
_Q_SKIP = {("qint32", "MIN_FIRST"), ("qint32", "SCALED")}


def _quantized(dtype, mode, low, high, dequantized):
    def build(tf, np):
        q = tf.quantization.quantize(tf.constant(np.array(_Q_X, "float32")), low, high,
                                     getattr(tf, dtype), mode=mode)
        if dequantized:
            back = tf.quantization.dequantize(q.output, q.output_min, q.output_max, mode=mode)
            return {"dequantized": back}
        return {"output": q.output, "min": q.output_min, "max": q.output_max}

    return build


for _dtype in (*_Q_TYPES, "qint32"):
    for _mode in ("MIN_COMBINED", "MIN_FIRST", "SCALED"):
        if (_dtype, _mode) in _Q_SKIP:
            continue
        for _name, (_low, _high) in _Q_RANGES.items():
            _case = f"session12_names/quantize/{_dtype}/{_mode}/{_name}"
            SESSION12_NAMES_CASES.append(Case(_case, _quantized(_dtype, _mode, _low, _high,
                                                                False)))
            # Dequantizing MIN_FIRST rounds the range's minimum to a step: TensorFlow's
            # float32 and double paths differ from each other in the last digits.
            SESSION12_NAMES_CASES.append(Case(_case + "/dequantized", _quantized(
                _dtype, _mode, _low, _high, True), rtol=2e-4 if _mode == "MIN_FIRST" else None))


# -- tf.signal.fftshift / ifftshift, tf.gradients(unconnected_gradients=...) ----------------------


def _shifts(tf, np):
    grid = tf.reshape(tf.range(12), [3, 4])
    odd = tf.constant(np.arange(7.0))
    fed = tf.placeholder(tf.int32, [None, None])
    out = {"odd": tf.signal.fftshift(odd), "odd_inverse": tf.signal.ifftshift(odd),
           "grid": tf.signal.fftshift(grid), "grid_axis1": tf.signal.fftshift(grid, axes=1),
           "grid_inverse_axis0": tf.signal.ifftshift(grid, axes=[0]),
           "fed": tf.signal.fftshift(fed), "fed_inverse": tf.signal.ifftshift(fed, axes=1)}
    return out, {fed: np.arange(15).reshape(3, 5)}


def _unconnected(tf, np):
    x = tf.constant([1.0, 2.0])
    y = tf.constant([[3.0]])
    z = x * 2.0
    zero = tf.gradients(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    named = tf.gradients(z, [x, y], unconnected_gradients="zero")
    return {"x": zero[0], "y": zero[1], "named_y": named[1]}


SESSION12_NAMES_CASES += [
    Case("session12_names/fftshift", _shifts),
    Case("session12_names/unconnected_gradients", _unconnected),
]
