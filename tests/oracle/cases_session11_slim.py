"""Oracle cases from session 11's TF-Slim work: what TF-Slim's data pipeline asks of core
TensorFlow (TF 2.21 has no contrib, so slim itself is checked against the r1.15 sources).

parse_single_example with a FixedLenFeature default given as a tensor (TF-Slim's datasets:
``tf.zeros([1], dtype=tf.int64)``), a parsed scalar string reshaped, and the image decoder's
``tf.case`` over raw / JPEG / other formats, where only the branch of the format runs (raw
and PNG bytes: JPEG's lossy round trip differs between codecs by design).

Same rules as cases.py.
"""

from cases import Case


def _example(tf, features):
    feature = {}
    for key, value in features.items():
        if isinstance(value, bytes):
            feature[key] = tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))
        else:
            feature[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=value))
    example = tf.train.Example(features=tf.train.Features(feature=feature))
    return tf.constant(example.SerializeToString())


def _parse_with_tensor_default(tf, np, with_label):
    features = {"image/encoded": b"abc", "image/format": b"raw"}
    if with_label:
        features["image/class/label"] = [7]
    spec = {
        "image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
        "image/format": tf.FixedLenFeature((), tf.string, default_value="raw"),
        "image/class/label": tf.FixedLenFeature([1], tf.int64,
                                                default_value=tf.zeros([1], dtype=tf.int64)),
    }
    parsed = tf.parse_single_example(_example(tf, features), spec)
    return {"encoded": tf.reshape(parsed["image/encoded"], []),
            "format": parsed["image/format"],
            "label": tf.reshape(parsed["image/class/label"], [])}


def _decode_by_format(tf, np, image_format):
    pixels = np.arange(24, dtype=np.uint8).reshape(2, 4, 3) * 10
    image = tf.constant(pixels)
    if image_format == "raw":
        data = tf.constant(pixels.tobytes())
    elif image_format == "png":
        data = tf.image.encode_png(image)
    else:
        data = tf.image.encode_jpeg(image, quality=100)
    fmt = tf.constant(image_format)

    def decode_raw():
        return tf.decode_raw(data, tf.uint8)

    def decode_other():
        return tf.cond(tf.image.is_jpeg(data),
                       lambda: tf.image.decode_jpeg(data, channels=3),
                       lambda: tf.image.decode_image(data, channels=3))

    is_raw = tf.logical_or(tf.equal(fmt, "raw"), tf.equal(fmt, "RAW"))
    decoded = tf.case({is_raw: decode_raw}, default=decode_other, exclusive=True)
    decoded.set_shape([None, None, 3])
    return {"image": tf.reshape(decoded, [2, 4, 3])}


SESSION11_SLIM_CASES = [
    Case("session11_slim/parse_tensor_default/present",
         lambda tf, np: _parse_with_tensor_default(tf, np, True)),
    Case("session11_slim/parse_tensor_default/missing",
         lambda tf, np: _parse_with_tensor_default(tf, np, False)),
    *[Case(f"session11_slim/decode_by_format/{fmt}",
           lambda tf, np, f=fmt: _decode_by_format(tf, np, f))
      for fmt in ("raw", "png")],
]
