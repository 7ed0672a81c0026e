"""Oracle cases for tf.image: resizing (every method and pixel-centre convention, with
gradients), crops and pads, rotations, dtype conversion, colour spaces and adjustments,
standardisation and the quality measures.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case

# Small files written once with Pillow (hex), decoded by both libraries.
JPEG_HEX = (
    "ffd8ffe000104a46494600010100000100010000ffdb00430003020203020203030303040303040508050504"
    "04050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f1718161418121415"
    "14ffdb00430103040405040509050509140d0b0d141414141414141414141414141414141414141414141414"
    "1414141414141414141414141414141414141414141414141414ffc000110800100010030122000211010311"
    "01ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303"
    "020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f024"
    "33627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63646566"
    "6768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7"
    "b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc400"
    "1f0100030101010101010101010000000000000102030405060708090a0bffc400b511000201020404030407"
    "05040400010277000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a"
    "162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a63646566676869"
    "6a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9"
    "bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c030100"
    "02110311003f00e57c27adf29f357b4f84f5be13e6af95bc27adf29f357b4f84f5be13e6a386f86fe1f742b7"
    "83dff4ebf03fffd9"
)
GIF_HEX = (
    "47494638376105000400820000c8cfd691989f767d845d646b84353c333a4119202700070e2c000000000500"
    "0400000815000f18285060c000010102005848c0c040830803020021f90401000008002c0000000005000400"
    "82dbe6b1a9b4bf818c9767727d4a55602d3843131e29000b160815000f142030404080000004123408008081"
    "81030202003b"
)
BMP_HEX = (
    "424d5a0000000000000036000000280000000400000003000000010018000000000024000000c40e0000c40e"
    "00000000000000000000eae1d805fcf320170e3b32297e756c999087b4aba2cfc6bd1209002d241b483f3663"
    "5a51"
)


def _image(np, shape=(2, 3, 5, 2), dtype="float32"):
    values = (np.arange(int(np.prod(shape))) * 7 % 23).reshape(shape)
    return values.astype(dtype)


def _rgb(np, shape=(2, 4, 5, 3)):
    count = int(np.prod(shape))
    return ((np.arange(count) * 37 % 101) / 100.0).reshape(shape).astype("float32")


def _resize_cases():
    out = []
    sizes = {"up": [5, 8], "down": [2, 3], "mixed": [4, 2], "one": [1, 1]}
    for method in ("bilinear", "nearest_neighbor", "bicubic", "area"):
        for label, size in sizes.items():
            for align in (False, True):
                def build(tf, np, method=method, size=size, align=align):
                    fn = getattr(tf.image, "resize_" + method)
                    return {"y": fn(tf.constant(_image(np)), size, align_corners=align)}

                # TensorFlow sums in float32: near-zero bicubic values carry its rounding.
                out.append(Case(f"image/resize_{method}/{label}/align_{align}", build,
                                rtol=1e-4 if method == "bicubic" else 1e-5))
        if method != "area":
            for label, size in sizes.items():
                def build(tf, np, method=method, size=size):
                    fn = getattr(tf.image, "resize_" + method)
                    return {"y": fn(tf.constant(_image(np)), size, half_pixel_centers=True)}

                out.append(Case(f"image/resize_{method}/{label}/half_pixel", build,
                                rtol=1e-4 if method == "bicubic" else 1e-5))

    def grad(method, **kwargs):
        def build(tf, np):
            x = tf.constant(_image(np))
            fn = getattr(tf.image, "resize_" + method)
            y = fn(x, [4, 7], **kwargs)
            weights = tf.constant(np.arange(2 * 4 * 7 * 2).reshape(2, 4, 7, 2).astype("float32"))
            return {"dx": tf.gradients(tf.reduce_sum(y * weights), x)[0]}

        return build

    for method in ("bilinear", "nearest_neighbor", "bicubic"):
        out.append(Case(f"image/resize_{method}/grad", grad(method), rtol=1e-5))
        out.append(Case(f"image/resize_{method}/grad_align", grad(method, align_corners=True),
                        rtol=1e-5))
        out.append(Case(f"image/resize_{method}/grad_half_pixel",
                        grad(method, half_pixel_centers=True), rtol=1e-5))
    out += [
        Case("image/resize_images/uint8_bilinear", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np, dtype="uint8")), [4, 4])}),
        Case("image/resize_images/uint8_nearest", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np, dtype="uint8")), [4, 4],
                                        method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)}),
        Case("image/resize_images/single_bicubic", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np)[0]), [6, 3], method=2)},
             rtol=1e-5),
        Case("image/resize_images/same_size", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np, dtype="int32")), [3, 5])}),
        Case("image/resize_images/aspect", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np)), [10, 4],
                                        preserve_aspect_ratio=True)}, rtol=1e-5),
        Case("image/resize_images/area_align", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np)), [2, 2], method=3,
                                        align_corners=True)}, rtol=1e-5),
        Case("image/resize_images/bad_rank", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(np.zeros([3, 4], "float32")), [2, 2])}),
        Case("image/resize_images/bad_size", lambda tf, np: {
            "y": tf.image.resize_images(tf.constant(_image(np)), [2, 2, 2])}),
        Case("image/resize_images/placeholder", lambda tf, np: (
            {"y": tf.image.resize_images(tf.placeholder(tf.float32, [None, None, None, 2],
                                                        name="p"), [3, 4])},
            {"p:0": _image(np)}), rtol=1e-5),
        Case("image/resize_image_with_pad", lambda tf, np: {
            "y": tf.image.resize_image_with_pad(tf.constant(_image(np)), 6, 6)}, rtol=1e-5),
        Case("image/resize_image_with_pad_single", lambda tf, np: {
            "y": tf.image.resize_image_with_pad(tf.constant(_image(np)[0]), 2, 9)},
             rtol=1e-5),
    ]
    return out


def _geometry_cases():
    def case(name, fn):
        return Case(f"image/{name}", lambda tf, np: {"y": fn(tf, tf.constant(_image(np)))})

    return [
        case("crop_to_bounding_box", lambda tf, x: tf.image.crop_to_bounding_box(x, 1, 2, 2, 3)),
        case("crop_to_bounding_box_3d",
             lambda tf, x: tf.image.crop_to_bounding_box(x[0], 0, 1, 3, 2)),
        case("crop_to_bounding_box_too_big",
             lambda tf, x: tf.image.crop_to_bounding_box(x, 1, 2, 3, 3)),
        case("pad_to_bounding_box", lambda tf, x: tf.image.pad_to_bounding_box(x, 1, 2, 6, 8)),
        case("pad_to_bounding_box_too_small",
             lambda tf, x: tf.image.pad_to_bounding_box(x, 1, 2, 3, 8)),
        case("crop_or_pad_crop", lambda tf, x: tf.image.resize_image_with_crop_or_pad(x, 2, 2)),
        case("crop_or_pad_pad", lambda tf, x: tf.image.resize_image_with_crop_or_pad(x, 6, 8)),
        case("crop_or_pad_mixed",
             lambda tf, x: tf.image.resize_image_with_crop_or_pad(x[1], 5, 2)),
        case("central_crop", lambda tf, x: tf.image.central_crop(x, 0.5)),
        case("central_crop_3d", lambda tf, x: tf.image.central_crop(x[0], 0.7)),
        case("rot90_1", lambda tf, x: tf.image.rot90(x)),
        case("rot90_2", lambda tf, x: tf.image.rot90(x[0], 2)),
        case("rot90_3", lambda tf, x: tf.image.rot90(x, k=3)),
        case("rot90_tensor", lambda tf, x: tf.image.rot90(x[0], tf.constant(7))),
        case("transpose_image", lambda tf, x: tf.image.transpose_image(x)),
        case("flip_left_right", lambda tf, x: tf.image.flip_left_right(x[0])),
        case("flip_up_down", lambda tf, x: tf.image.flip_up_down(x)),
        case("total_variation", lambda tf, x: tf.image.total_variation(x)),
        case("total_variation_3d", lambda tf, x: tf.image.total_variation(x[0])),
        case("image_gradients_dy", lambda tf, x: tf.image.image_gradients(x)[0]),
        case("image_gradients_dx", lambda tf, x: tf.image.image_gradients(x)[1]),
        case("sobel_edges", lambda tf, x: tf.image.sobel_edges(x)),
        case("per_image_standardization", lambda tf, x: tf.image.per_image_standardization(x)),
        case("per_image_standardization_flat",
             lambda tf, x: tf.image.per_image_standardization(x * 0.0 + 3.0)),
        case("extract_patches", lambda tf, x: tf.image.extract_patches(
            x, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "VALID")),
    ]


def _dtype_cases():
    out = []
    conversions = [("uint8", "float32"), ("uint8", "int32"), ("int32", "uint8"),
                   ("float32", "uint8"), ("float64", "int16"), ("uint8", "float64"),
                   ("int16", "float32"), ("float32", "float64"), ("uint8", "uint16"),
                   ("uint16", "uint8")]
    samples = {"uint8": [0, 1, 127, 128, 255], "int32": [0, 7, 2**30, 2**31 - 1, 5],
               "int16": [0, 1, 32767, 256, 9], "uint16": [0, 1, 65535, 300, 256],
               "float32": [0.0, 0.25, 0.5, 1.0, 0.999], "float64": [0.0, 0.1, 0.5, 1.0, 0.3]}
    for source, target in conversions:
        for saturate in (False, True):
            def build(tf, np, source=source, target=target, saturate=saturate):
                x = tf.constant(np.array(samples[source], dtype=source))
                return {"y": tf.image.convert_image_dtype(x, getattr(tf, target),
                                                          saturate=saturate)}

            out.append(Case(f"image/convert_image_dtype/{source}_{target}/{saturate}", build))
    out.append(Case("image/convert_image_dtype/float_overflow", lambda tf, np: {
        "y": tf.image.convert_image_dtype(tf.constant([1.5, -0.5]), tf.uint8, saturate=True)}))
    return out


def _colour_cases():
    def case(name, fn, rtol=1e-5, dtype="float32"):
        def build(tf, np):
            return {"y": fn(tf, tf.constant(_rgb(np).astype(dtype)))}

        return Case(f"image/{name}", build, rtol=rtol)

    def u8(tf, x):
        return tf.image.convert_image_dtype(x, tf.uint8)

    return [
        case("rgb_to_hsv", lambda tf, x: tf.image.rgb_to_hsv(x)),
        case("rgb_to_hsv_f64", lambda tf, x: tf.image.rgb_to_hsv(x), dtype="float64"),
        case("hsv_to_rgb", lambda tf, x: tf.image.hsv_to_rgb(x)),
        case("rgb_to_hsv_gray", lambda tf, x: tf.image.rgb_to_hsv(x * 0.0 + 0.5)),
        case("rgb_to_yiq", lambda tf, x: tf.image.rgb_to_yiq(x)),
        case("yiq_to_rgb", lambda tf, x: tf.image.yiq_to_rgb(x)),
        case("rgb_to_yuv", lambda tf, x: tf.image.rgb_to_yuv(x)),
        case("yuv_to_rgb", lambda tf, x: tf.image.yuv_to_rgb(x)),
        case("rgb_to_grayscale", lambda tf, x: tf.image.rgb_to_grayscale(x)),
        case("rgb_to_grayscale_uint8", lambda tf, x: tf.image.rgb_to_grayscale(u8(tf, x))),
        case("grayscale_to_rgb", lambda tf, x: tf.image.grayscale_to_rgb(x[..., :1])),
        case("adjust_brightness", lambda tf, x: tf.image.adjust_brightness(x, 0.3)),
        case("adjust_brightness_uint8",
             lambda tf, x: tf.image.adjust_brightness(u8(tf, x), 0.3)),
        case("adjust_contrast", lambda tf, x: tf.image.adjust_contrast(x, 1.7)),
        case("adjust_contrast_uint8", lambda tf, x: tf.image.adjust_contrast(u8(tf, x), 0.4)),
        case("adjust_gamma", lambda tf, x: tf.image.adjust_gamma(x, 2.2, 0.9)),
        case("adjust_gamma_uint8", lambda tf, x: tf.image.adjust_gamma(u8(tf, x), 0.5)),
        case("adjust_hue", lambda tf, x: tf.image.adjust_hue(x, 0.3), rtol=1e-4),
        case("adjust_hue_negative", lambda tf, x: tf.image.adjust_hue(x, -0.45), rtol=1e-4),
        case("adjust_hue_uint8", lambda tf, x: tf.image.adjust_hue(u8(tf, x), 0.2)),
        case("adjust_saturation", lambda tf, x: tf.image.adjust_saturation(x, 1.8),
             rtol=1e-4),
        case("adjust_saturation_low", lambda tf, x: tf.image.adjust_saturation(x, 0.3),
             rtol=1e-4),
        case("psnr", lambda tf, x: tf.image.psnr(x, x * 0.9, 1.0)),
        case("psnr_uint8", lambda tf, x: tf.image.psnr(u8(tf, x), u8(tf, x * 0.5), 255)),
        case("ssim", lambda tf, x: tf.image.ssim(x, x * 0.8 + 0.1, 1.0, filter_size=3),
             rtol=1e-4),
        case("ssim_default", lambda tf, x: tf.image.ssim(
            tf.tile(x, [1, 3, 3, 1]), tf.tile(x[::-1], [1, 3, 3, 1]), 1.0), rtol=1e-4),
        case("adjust_contrast_grad", lambda tf, x: tf.gradients(
            tf.reduce_sum(tf.image.adjust_contrast(x, 1.7) * x), x)[0]),
        case("random_brightness_shape",
             lambda tf, x: tf.shape(tf.image.random_brightness(x, 0.2))),
        case("random_hue_bad", lambda tf, x: tf.image.random_hue(x, 0.7)),
        case("random_contrast_bad", lambda tf, x: tf.image.random_contrast(x, 0.5, 0.2)),
    ]


BOXES = [[0.1, 0.2, 0.8, 0.9], [0.5, 0.5, 0.2, 0.1], [-0.2, 0.3, 0.6, 1.3], [0.0, 0.0, 1.0, 1.0]]
NMS_BOXES = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
             [0, 100, 1, 101]]
NMS_SCORES = [0.9, 0.75, 0.6, 0.95, 0.5, 0.3]


def _box_cases():
    def crop(name, method="bilinear", size=(3, 4), extrapolation=0.0, grads=False, shift=0.0):
        def build(tf, np):
            image = tf.constant(_image(np, (2, 5, 6, 2)))
            boxes = tf.constant(np.array(BOXES, "float32") + shift)
            y = tf.image.crop_and_resize(image, boxes, [0, 1, 1, 0], list(size), method=method,
                                         extrapolation_value=extrapolation)
            out = {"y": y}
            if grads:
                w = tf.constant(np.arange(int(np.prod(y.shape.as_list()))).reshape(
                    y.shape.as_list()).astype("float32") / 10)
                dimage, dboxes = tf.gradients(tf.reduce_sum(y * w), [image, boxes])
                out.update(dimage=dimage, dboxes=dboxes)
            return out

        return Case(f"image/crop_and_resize/{name}", build, rtol=1e-5)

    def nms(name, fn):
        def build(tf, np):
            boxes = tf.constant(np.array(NMS_BOXES, "float32"))
            scores = tf.constant(np.array(NMS_SCORES, "float32"))
            out = fn(tf, boxes, scores)
            out = out if isinstance(out, tuple) else (out,)
            return {f"o{i}": t for i, t in enumerate(out)}

        return Case(f"image/nms/{name}", build, rtol=1e-5)

    def draw(tf, np, colors=None):
        images = tf.constant(np.zeros((2, 6, 7, 3), "float32") + 0.25)
        boxes = tf.constant(np.array([[[0.1, 0.2, 0.8, 0.9], [0.5, -0.5, 1.5, 0.5]],
                                      [[0.0, 0.0, 1.0, 1.0], [0.9, 0.9, 0.1, 0.1]]], "float32"))
        return {"y": tf.image.draw_bounding_boxes(images, boxes, colors=colors)}

    return [
        crop("bilinear", grads=True),
        crop("nearest", method="nearest"),
        # (Shifted so that no sample falls exactly on a pixel, where the derivative with
        # respect to the box has a kink and TensorFlow's versions disagree.)
        crop("one_by_one", size=(1, 1), grads=True, shift=0.01),
        crop("extrapolate", extrapolation=-1.0),
        nms("default", lambda tf, b, s: tf.image.non_max_suppression(b, s, 3)),
        nms("threshold", lambda tf, b, s: tf.image.non_max_suppression(b, s, 10, 0.95)),
        nms("score_threshold", lambda tf, b, s: tf.image.non_max_suppression(
            b, s, 10, 0.5, score_threshold=0.55)),
        nms("padded", lambda tf, b, s: tf.image.non_max_suppression_padded(
            b, s, 5, 0.5, pad_to_max_output_size=True)),
        nms("padded_not", lambda tf, b, s: tf.image.non_max_suppression_padded(b, s, 5, 0.5)),
        nms("soft", lambda tf, b, s: tf.image.non_max_suppression_with_scores(
            b, s, 6, 1.0, 0.1, soft_nms_sigma=0.5)),
        nms("with_scores", lambda tf, b, s: tf.image.non_max_suppression_with_scores(
            b, s, 6, 0.5)),
        nms("overlaps", lambda tf, b, s: tf.image.non_max_suppression_overlaps(
            tf.constant([[1.0, 0.6, 0.1], [0.6, 1.0, 0.7], [0.1, 0.7, 1.0]]), s[:3], 3, 0.65)),
        nms("bad_threshold", lambda tf, b, s: tf.image.non_max_suppression(b, s, 3, 1.5)),
        Case("image/draw_bounding_boxes", draw),
        Case("image/draw_bounding_boxes_colors", lambda tf, np: draw(
            tf, np, np.array([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.5, 1.0]], "float32"))),
        Case("image/sample_distorted_bounding_box", lambda tf, np: dict(zip(
            ("begin", "size", "box"), [tf.shape(t) for t in tf.image.sample_distorted_bounding_box(
                tf.constant([40, 50, 3]), tf.constant([[[0.1, 0.1, 0.9, 0.9]]]), seed=3)]))),
    ]


def _codec_cases():
    def png(channels):
        def build(tf, np):
            shape = (4, 5, channels)
            x = tf.constant((np.arange(int(np.prod(shape))) * 13 % 256).reshape(shape)
                            .astype("uint8"))
            encoded = tf.image.encode_png(x)
            return {"decoded": tf.image.decode_png(encoded),
                    "as_gray": tf.image.decode_png(encoded, channels=1),
                    "as_rgba": tf.image.decode_png(encoded, channels=4),
                    "image": tf.image.decode_image(encoded),
                    "float": tf.image.decode_image(encoded, dtype=tf.float32),
                    "is_jpeg": tf.image.is_jpeg(encoded)}

        return Case(f"image/png/{channels}", build)

    def jpeg(tf, np):
        encoded = tf.constant(bytes.fromhex(JPEG_HEX))
        # smallflow always decodes with libjpeg's accurate integer DCT (see docs/oracle.md).
        accurate = "INTEGER_ACCURATE"
        return {"decoded": tf.image.decode_jpeg(encoded, dct_method=accurate),
                "gray": tf.image.decode_jpeg(encoded, channels=1, dct_method=accurate),
                "half": tf.image.decode_jpeg(encoded, ratio=2, dct_method=accurate),
                "crop": tf.image.decode_and_crop_jpeg(encoded, [2, 3, 5, 4],
                                                      dct_method=accurate),
                "shape": tf.image.extract_jpeg_shape(encoded),
                "is_jpeg": tf.image.is_jpeg(encoded)}

    def jpeg_round_trip(tf, np):
        # Encoders differ in their rounding: only what survives is compared.
        x = tf.constant(np.full((8, 8, 3), 120, "uint8"))
        return {"y": tf.image.decode_jpeg(tf.image.encode_jpeg(x))}

    def gif(tf, np):
        encoded = tf.constant(bytes.fromhex(GIF_HEX))
        return {"frames": tf.image.decode_gif(encoded), "image": tf.image.decode_image(encoded)}

    def bmp(tf, np):
        encoded = tf.constant(bytes.fromhex(BMP_HEX))
        return {"y": tf.image.decode_bmp(encoded), "image": tf.image.decode_image(encoded)}

    def png16(tf, np):
        x = tf.constant((np.arange(12) * 5000).reshape(3, 4, 1).astype("uint16"))
        encoded = tf.image.encode_png(x)
        return {"y": tf.image.decode_png(encoded, dtype=tf.uint16)}

    return [png(1), png(3), png(4), Case("image/jpeg", jpeg),
            Case("image/jpeg_round_trip", jpeg_round_trip),
            Case("image/gif", gif), Case("image/bmp", bmp),
            Case("image/png16", png16),
            Case("image/decode_png_bad", lambda tf, np: {
                "y": tf.image.decode_png(tf.constant(b"not a png"))})]


IMAGE_CASES = (_resize_cases() + _geometry_cases() + _dtype_cases() + _colour_cases()
               + _box_cases() + _codec_cases())
