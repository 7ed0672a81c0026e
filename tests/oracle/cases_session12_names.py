"""Oracle cases from session 12's core names (helper names): tf.quantization's
quantize_and_dequantize (signed and unsigned, given and measured ranges, narrow ranges,
rounding modes, per-axis ranges, float64, its pass-through gradient and its errors).

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
