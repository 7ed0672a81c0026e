"""Reading your own digits: files of any size, mode and colour come out as MNIST digits do."""

import gzip
import io

import numpy as np
import pytest

from smallflow.imaging import ImageError, load_digit, prepare_digit

Image = pytest.importorskip("PIL.Image")

# Test-set digits used throughout (the first ten: 7 2 1 0 4 1 4 9 5 9).
DIGITS = range(10)


def _read_idx_images(path, count):
    """The first `count` images of an IDX3 file as (count, 28, 28) uint8 (header: 16 bytes)."""
    with gzip.open(path, "rb") as stream:
        header = stream.read(16)
        rows = int.from_bytes(header[8:12], "big")
        cols = int.from_bytes(header[12:16], "big")
        body = stream.read(count * rows * cols)
    assert int.from_bytes(header[:4], "big") == 2051
    return np.frombuffer(body, dtype=np.uint8).reshape(count, rows, cols)


@pytest.fixture(scope="module")
def mnist_digits(shared_mnist_dir):
    return _read_idx_images(shared_mnist_dir / "t10k-images-idx3-ubyte.gz", len(DIGITS))


def _shift_tolerant_correlation(expected, actual):
    """Best correlation over whole-pixel shifts of at most one pixel (centring rounds)."""
    first = expected.reshape(28, 28).astype(np.float64)
    second = actual.reshape(28, 28).astype(np.float64)
    best = -1.0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            moved = np.roll(second, (dy, dx), axis=(0, 1))
            best = max(best, float(np.corrcoef(first.ravel(), moved.ravel())[0, 1]))
    return best


def _centre_of_mass(vector):
    image = vector.reshape(28, 28).astype(np.float64)
    rows, cols = np.mgrid[0:28, 0:28]
    return (rows * image).sum() / image.sum(), (cols * image).sum() / image.sum()


def _ink_extent(vector):
    """Longer side of the bounding box of all non-zero pixels."""
    image = vector.reshape(28, 28)
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)


def _check_is_mnist_like(result, original, min_correlation):
    assert result.shape == (784,)
    assert result.dtype == np.float32
    as_bytes = np.round(result * 255).astype(np.uint8)
    # Same scaling as the dataset: float32(byte) * float32(1/255), exactly.
    np.testing.assert_array_equal(result, as_bytes.astype(np.float32) * np.float32(1 / 255))
    assert result.min() == 0.0
    assert result.max() > 0.8
    row, col = _centre_of_mass(result)
    assert abs(row - 14) <= 0.6
    assert abs(col - 14) <= 0.6
    assert _ink_extent(result) in (19, 20)
    assert _shift_tolerant_correlation(original, result) > min_correlation


def _big(digit, resample=Image.Resampling.BICUBIC):
    return Image.fromarray(digit).resize((280, 280), resample=resample)


def _black_on_white(digit):
    return _big(255 - digit)


def _blue_ink_on_cream(digit):
    ink = digit.astype(np.float64)[..., None] / 255
    paper = np.array([245.0, 238.0, 220.0])
    pen = np.array([25.0, 35.0, 140.0])
    rgb = np.round(paper * (1 - ink) + pen * ink).astype(np.uint8)
    return Image.fromarray(rgb).resize((280, 280), resample=Image.Resampling.BICUBIC)


def _black_strokes_on_transparent(digit):
    rgba = np.zeros((28, 28, 4), dtype=np.uint8)
    rgba[..., 3] = digit  # colour black everywhere, only the strokes are opaque
    return Image.fromarray(rgba).resize((280, 280), resample=Image.Resampling.BICUBIC)


def _white_strokes_on_transparent(digit):
    rgba = np.full((28, 28, 4), 255, dtype=np.uint8)
    rgba[..., 3] = digit
    return Image.fromarray(rgba)


def _off_centre_on_wide_page(digit):
    page = np.full((300, 500), 255, dtype=np.uint8)
    page[20:160, 330:470] = np.asarray(_black_on_white(digit).resize((140, 140)))
    return Image.fromarray(page)


def _sixteen_bit(digit):
    wide = digit.astype(np.uint16) * 257
    return Image.fromarray(wide)


def _rotated_with_exif_tag(digit):
    # Stored turned a quarter anticlockwise, with EXIF orientation 6 ("rotate 90 clockwise
    # to view"), as phone cameras do.
    picture = _black_on_white(np.ascontiguousarray(np.rot90(digit))).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    picture.info["exif_for_test"] = exif
    return picture


# name, builder, format, minimum shift-tolerant correlation with the original 28x28 digit
CASES = [
    ("png_28_as_is", Image.fromarray, "PNG", 0.97),
    ("png_280_blocky", lambda d: _big(d, Image.Resampling.NEAREST), "PNG", 0.97),
    ("png_280_black_on_white", _black_on_white, "PNG", 0.9),
    ("rgb_blue_ink_on_cream", _blue_ink_on_cream, "PNG", 0.9),
    ("rgba_black_on_transparent", _black_strokes_on_transparent, "PNG", 0.9),
    ("rgba_white_on_transparent", _white_strokes_on_transparent, "PNG", 0.97),
    ("jpeg_280_black_on_white", lambda d: _black_on_white(d).convert("RGB"), "JPEG", 0.9),
    ("gif_black_on_white", _black_on_white, "GIF", 0.9),
    ("bmp_black_on_white", _black_on_white, "BMP", 0.9),
    ("webp_black_on_white", lambda d: _black_on_white(d).convert("RGB"), "WEBP", 0.9),
    ("png_16_bit", _sixteen_bit, "PNG", 0.97),
    ("png_off_centre_on_wide_page", _off_centre_on_wide_page, "PNG", 0.9),
    ("jpeg_rotated_by_exif_tag", _rotated_with_exif_tag, "JPEG", 0.9),
]


def _save(picture, path, fmt):
    exif = picture.info.pop("exif_for_test", None)
    options = {"exif": exif} if exif is not None else {}
    if fmt == "JPEG":
        options["quality"] = 90
    picture.save(path, format=fmt, **options)


@pytest.mark.parametrize(
    ("name", "build", "fmt", "min_correlation"), CASES, ids=[c[0] for c in CASES]
)
def test_load_digit_recovers_the_mnist_digit(
    tmp_path, mnist_digits, name, build, fmt, min_correlation
):
    for index in DIGITS:
        digit = mnist_digits[index]
        path = tmp_path / f"{name}_{index}.{fmt.lower()}"
        _save(build(digit), path, fmt)
        result = load_digit(path)
        _check_is_mnist_like(result, digit, min_correlation)


def test_paper_noise_and_faint_specks_do_not_count_as_ink(tmp_path, mnist_digits):
    digit = mnist_digits[0]
    page = np.asarray(_off_centre_on_wide_page(digit), dtype=np.float64)
    clean = prepare_digit(page.astype(np.uint8))
    rng = np.random.default_rng(4)
    noisy = page + rng.normal(0.0, 3.0, size=page.shape)
    noisy[250:254, 40:44] -= 20  # a faint grey speck far from the digit
    noisy = np.clip(np.round(noisy), 0, 255).astype(np.uint8)
    path = tmp_path / "noisy.png"
    Image.fromarray(noisy).save(path)
    result = load_digit(path)
    _check_is_mnist_like(result, digit, 0.9)
    assert np.corrcoef(result, clean)[0, 1] > 0.98
    # The background stays exactly zero, as in MNIST: no noise is carried into the field.
    assert abs(np.count_nonzero(result) - np.count_nonzero(clean)) <= 0.1 * np.count_nonzero(clean)


def test_a_page_lit_from_one_side_is_not_mistaken_for_ink(tmp_path, mnist_digits):
    for index in DIGITS:
        digit = mnist_digits[index]
        page = np.asarray(_off_centre_on_wide_page(digit), dtype=np.float64)
        light = np.linspace(0.6, 1.0, page.shape[1])[None, :]  # dim on the left
        photo = Image.fromarray(np.round(page * light).astype(np.uint8))
        path = tmp_path / f"side_lit_{index}.jpg"
        photo.save(path, format="JPEG", quality=85)
        _check_is_mnist_like(load_digit(path), digit, 0.9)


def test_ink_touching_the_edges_is_still_found(mnist_digits):
    for index in DIGITS:
        digit = mnist_digits[index]
        page = np.asarray(_black_on_white(digit))
        ink_rows = np.flatnonzero((page < 128).any(axis=1))
        ink_cols = np.flatnonzero((page < 128).any(axis=0))
        tight = page[ink_rows[0] : ink_rows[-1] + 1, ink_cols[0] : ink_cols[-1] + 1]
        _check_is_mnist_like(prepare_digit(tight), digit, 0.9)


def test_a_stroke_running_along_the_edge_is_ink_not_page():
    from PIL import ImageDraw

    canvas = Image.new("L", (400, 300), 255)
    pen = ImageDraw.Draw(canvas)
    pen.line([(150, 60), (260, 60), (190, 250)], fill=0, width=22, joint="curve")
    pen.line([(170, 150), (240, 150)], fill=0, width=16)
    with_margin = prepare_digit(np.asarray(canvas))
    # Cropped so the seven's bar lies along most of the top edge.
    along_edge = prepare_digit(np.asarray(canvas.crop((140, 49, 270, 262))))
    assert np.corrcoef(with_margin, along_edge)[0, 1] > 0.95


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_large_photo_gives_the_same_digit(tmp_path, mnist_digits, fmt):
    digit = mnist_digits[2]
    page = Image.new("RGB", (3000, 2000), (250, 250, 245))
    page.paste(_black_on_white(digit).resize((900, 900)).convert("RGB"), (1700, 300))
    path = tmp_path / f"photo.{fmt.lower()}"
    page.save(path, format=fmt)
    _check_is_mnist_like(load_digit(path), digit, 0.9)


def test_prepare_digit_leaves_an_mnist_digit_nearly_unchanged(mnist_digits):
    for digit in mnist_digits:
        result = prepare_digit(digit)
        expected = digit.reshape(784).astype(np.float32) * np.float32(1 / 255)
        assert _shift_tolerant_correlation(expected, result) > 0.99


ARRAY_TYPES = [
    ("uint8", lambda d: d),
    ("float64", lambda d: d.astype(np.float64) / 255),
    ("float32", lambda d: d.astype(np.float32) / 255),
    ("uint16", lambda d: d.astype(np.uint16) * 257),
    ("uint8_dark_on_light", lambda d: 255 - d),
    ("float_dark_on_light", lambda d: 1.0 - d / 255),
    ("bool", lambda d: d > 127),
]


@pytest.mark.parametrize(("kind", "convert"), ARRAY_TYPES, ids=[t[0] for t in ARRAY_TYPES])
def test_prepare_digit_accepts_common_array_types(mnist_digits, kind, convert):
    digit = mnist_digits[3]
    result = prepare_digit(convert(digit))
    _check_is_mnist_like(result, digit, 0.9)


@pytest.mark.parametrize(
    ("array", "problem"),
    [
        (np.zeros((28, 28), dtype=np.uint8), "empty"),
        (np.full((40, 30), 0.6), "empty"),
        (np.full((5, 5), 200, dtype=np.uint8) + np.eye(5, dtype=np.uint8) * 10, "empty"),
        (np.zeros((0, 28), dtype=np.uint8), "no pixels"),
        (np.zeros((28, 28, 3), dtype=np.uint8), "2-D"),
        (np.full((28, 28), 2.0), "[0, 1]"),
        (np.full((28, 28), np.nan), "NaN"),
        (np.zeros((28, 28), dtype=np.int8), "pixel type"),
    ],
    ids=["black", "grey", "faint_diagonal", "no_pixels", "rgb", "float_255", "nan", "int8"],
)
def test_prepare_digit_rejects_unusable_arrays_with_image_error(array, problem):
    with pytest.raises(ImageError, match="drawing") as caught:
        prepare_digit(array, name="drawing")
    assert problem in str(caught.value)
    assert isinstance(caught.value, ValueError)


def _text_renamed(path):
    path.write_text("this is a shopping list, not a picture\n")


def _truncated_png(path):
    buffer = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 256, size=(64, 64), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])


def _encoded(fmt, **options):
    """A noisy digit-like picture encoded as ``fmt`` (bytes)."""
    rng = np.random.default_rng(2)
    page = np.full((96, 80), 235.0) + rng.normal(0, 6, size=(96, 80))
    page[20:76, 36:46] = 30
    buffer = io.BytesIO()
    Image.fromarray(np.clip(page, 0, 255).astype(np.uint8)).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _cut(fmt, keep):
    def make(path):
        data = _encoded(fmt)
        path.write_bytes(data[: int(len(data) * keep)])

    make.__name__ = f"_{fmt.lower()}_cut_to_{keep:.0%}"
    return make


def _jpeg_without_end_marker(path):
    path.write_bytes(_encoded("JPEG")[:-2])  # only the closing FF D9 is missing


def _jpeg_restart_markers_out_of_order(path):
    data = bytearray(_encoded("JPEG", restart_marker_blocks=2))
    restarts = [i for i in range(len(data) - 1) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7]
    del data[restarts[3] : restarts[3] + 2]
    path.write_bytes(bytes(data))


def _jpeg_bad_marker_in_data(path):
    data = bytearray(_encoded("JPEG"))
    scan = data.index(b"\xff\xda")
    data[scan + 40 : scan + 42] = b"\xff\x05"  # reserved marker amid the compressed data
    path.write_bytes(bytes(data))


def _blank_white(path):
    Image.new("RGB", (200, 120), (255, 255, 255)).save(path, format="PNG")


def _blank_white_jpeg_with_noise(path):
    noise = np.random.default_rng(1).normal(240, 2, size=(90, 90))
    Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8)).save(path, format="JPEG")


def _fully_transparent(path):
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(path, format="PNG")


def _empty_file(path):
    path.write_bytes(b"")


def _a_directory(path):
    path.mkdir()


def _missing(path):
    pass


@pytest.mark.parametrize(
    ("make", "filename", "problem"),
    [
        (_text_renamed, "list.png", "not an image"),
        (_truncated_png, "cut.png", "truncated"),
        (_jpeg_without_end_marker, "cut.jpg", "truncated (no end-of-image marker)"),
        (_cut("JPEG", 0.9), "cut90.jpg", "truncated"),
        (_jpeg_restart_markers_out_of_order, "rst.jpg", "corrupt"),
        (_jpeg_bad_marker_in_data, "marker.jpg", "corrupt"),
        (_cut("GIF", 0.9), "cut.gif", "truncated"),
        (_cut("BMP", 0.9), "cut.bmp", "truncated"),
        (_cut("TIFF", 0.9), "cut.tif", "truncated"),
        (_cut("WEBP", 0.9), "cut.webp", "corrupt"),
        (_blank_white, "white.png", "empty"),
        (_blank_white_jpeg_with_noise, "paper.jpg", "empty"),
        (_fully_transparent, "clear.png", "empty"),
        (_empty_file, "zero.png", "not an image"),
        (_a_directory, "folder.png", "directory"),
        (_missing, "nowhere.png", "no such file"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_bad_image_files_raise_image_error_naming_the_file(tmp_path, make, filename, problem):
    path = tmp_path / filename
    make(path)
    with pytest.raises(ImageError) as caught:
        load_digit(path)
    message = str(caught.value)
    assert str(path) in message
    assert problem in message
    assert caught.value.path == str(path)
    assert "\n" not in message
    assert message.count(str(path)) == 1


def test_data_after_a_jpeg_end_marker_is_ignored(tmp_path):
    """Cameras append trailers (a second preview picture) after the end-of-image marker."""
    path = tmp_path / "trailer.jpg"
    path.write_bytes(_encoded("JPEG") + b"camera trailer" * 20)
    assert load_digit(path).max() == 1.0


def test_importing_imaging_does_not_import_pillow():
    import subprocess
    import sys

    code = "import sys, smallflow.imaging; print('PIL' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"


# -- photos (issue 15): the paper's surroundings and defects are not ink ------------------------


def _page_with(digit):
    """The digit in black ink, 120 pixels tall, on a 240 x 240 white page (float, 0..1)."""
    page = np.ones((240, 240))
    ink = np.asarray(Image.fromarray(digit).resize((120, 120), Image.Resampling.BICUBIC))
    page[60:180, 70:190] = 1.0 - ink / 255.0 * 0.9
    return page


def _on_dark_desk(page):
    photo = np.full((300, 300), 0.2)
    photo[40:280, 20:260] = page
    return photo


def _hard_shadow(page):
    rows, cols = np.mgrid[0:240, 0:240]
    return page * np.where(rows + 0.6 * cols > 200, 0.5, 1.0)


def _vignette(page):
    rows, cols = np.mgrid[0:240, 0:240]
    return page * (1 - 0.4 * ((rows - 120) ** 2 + (cols - 120) ** 2) / (2 * 120**2))


def _noisy(page):
    return page + np.random.default_rng(0).normal(0, 0.05, page.shape)


def _ruled(page):
    lined = page.copy()
    for row in range(12, 240, 24):
        lined[row : row + 2] = np.minimum(lined[row : row + 2], 0.7)
    return lined


def _specks(page):
    specked = page.copy()
    rng = np.random.default_rng(1)
    for row, col in rng.integers(5, 235, size=(30, 2)):
        specked[row : row + 3, col : col + 3] = 0.1
    return specked


PHOTO_EFFECTS = [_on_dark_desk, _hard_shadow, _vignette, _noisy, _ruled, _specks]


@pytest.mark.parametrize("effect", PHOTO_EFFECTS, ids=lambda f: f.__name__.strip("_"))
def test_photo_effects_give_nearly_the_digit_of_the_clean_page(tmp_path, mnist_digits, effect):
    for index in (0, 1, 2, 7):
        digit = mnist_digits[index]
        clean = prepare_digit(_page_with(digit))
        photo = np.clip(effect(_page_with(digit)), 0.0, 1.0)
        path = tmp_path / f"{index}.jpg"
        Image.fromarray(np.round(photo * 255).astype(np.uint8)).save(path, quality=80)
        notes = []
        result = load_digit(path, notes=notes)
        assert _shift_tolerant_correlation(clean, result) > 0.9, (effect.__name__, index)
        assert notes == []


def test_twelve_bit_data_in_a_sixteen_bit_png_is_read(tmp_path, mnist_digits):
    digit = mnist_digits[0]
    path = tmp_path / "12bit.png"
    Image.fromarray(digit.astype(np.uint16) * 16).save(path)  # 0..4080
    _check_is_mnist_like(load_digit(path), digit, 0.97)


def test_ink_everywhere_gives_a_note(mnist_digits):
    notes = []
    checkers = (np.indices((60, 60)).sum(axis=0) // 6 % 2).astype(np.float64)
    prepare_digit(checkers, notes=notes)
    assert any("ink covers most of the picture" in note for note in notes) or any(
        "separate marks" in note for note in notes
    )


def _sheet_on_desk(page, desk, size=170, angle=5.0):
    """The page shrunk to ``size`` pixels, turned by ``angle`` degrees and laid near the top
    right of a 240 x 240 desk of brightness ``desk``: the desk covers more than half."""
    sheet = Image.fromarray(np.round(page * 255).astype(np.uint8)).resize((size, size))
    fill = round(desk * 255)
    sheet = sheet.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    photo = Image.new("L", (240, 240), fill)
    photo.paste(sheet, (240 - sheet.size[0] - 5, 10))
    return np.asarray(photo)


# digit index, sheet size, turn: pictures whose turned page edges once made the page itself
# (with the digit as a hole) read as light ink on a dark ground.
DESK_CASES = [(0, 170, 5.0), (3, 170, -5.0), (8, 170, 5.0), (9, 150, -5.0)]


@pytest.mark.parametrize(("index", "size", "angle"), DESK_CASES)
def test_a_page_covering_less_than_half_of_a_dark_desk_is_read_as_dark_ink(
    mnist_digits, index, size, angle
):
    page = _page_with(mnist_digits[index])
    on_white = prepare_digit(_sheet_on_desk(page, 1.0, size, angle))
    on_desk = prepare_digit(_sheet_on_desk(page, 0.1, size, angle))
    assert _shift_tolerant_correlation(on_white, on_desk) > 0.9


# digit index, angle of the shadow's edge (radians): a hard shadow (half the light) whose edge
# runs through the digit. Reading the lit pockets between strokes and the shadow's edge as
# ink, or measuring the strokes against the shadow (thin strokes), once spoiled these.
SHADOW_CASES = [(7, 0.1), (9, 0.1), (5, 0.1), (4, 3.24)]


@pytest.mark.parametrize(("index", "angle"), SHADOW_CASES)
def test_a_shadow_edge_through_the_digit_keeps_its_strokes(mnist_digits, index, angle):
    page = _page_with(mnist_digits[index])
    rows, cols = np.mgrid[0:240, 0:240]
    lit = (cols - 130) * np.cos(angle) + (rows - 120) * np.sin(angle) <= 0
    clean = prepare_digit(page)
    shaded = prepare_digit(page * np.where(lit, 1.0, 0.5))
    assert _shift_tolerant_correlation(clean, shaded) > 0.9
    # As thick as on the lit page: strokes measured against the shadow would be thinner.
    assert np.count_nonzero(shaded > 0.3) >= 0.8 * np.count_nonzero(clean > 0.3)
