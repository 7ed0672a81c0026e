"""Turn a picture of a handwritten digit into a 784-vector prepared the way MNIST digits were."""

import os
from typing import NamedTuple

import numpy as np

from .image_files import MAX_PIXELS, ImageError, read_gray

__all__ = ["MAX_PIXELS", "ImageError", "load_digit", "prepare_digit", "save_digits"]

# MNIST digits fit in a 20x20 box and sit in a 28x28 field with their centre of mass at
# pixel index (14, 14) (measured on the real test set: mean 13.99, 14.01).
SIZE = 28
BOX = 20
CENTRE = 14.0

# Contrast (on a 0..1 scale) the brightest ink must reach above the background; below it the
# picture counts as empty. JPEG noise on a blank page stays well under this.
MIN_CONTRAST = 0.1
# After stretching the ink to 0..1, pixels at or below this level do not count towards the
# digit's bounding box (scanner dust, JPEG ringing).
INK_THRESHOLD = 0.1
# ... and analysed at this size: a digit ends up 20 pixels tall, so this is plenty.
_WORK_SIDE = 512
# The paper's brightness is estimated over windows this many times smaller than the longer
# side: wider than any stroke of a digit that fits the picture.
_PAPER_WINDOW_FRACTION = 4
# Paper darker than this (a desk, deep shadow) is not divided by less: no ink is made of noise.
_DARKEST_PAPER = 0.15
# A row (column) with ink above _LINE_LEVEL in _LINE_SPAN percent of its pixels, at most
# _LINE_WIDTH of the picture thick, is a ruled line if there are three of them.
_LINE_LEVEL = 0.08
_LINE_SPAN = 80
_LINE_WIDTH = 0.03
# A picture whose edge varies by more than this fraction of its brightness may be a photo.
_UNEVEN_EDGE = 0.25
# The second reading of a doubtful picture wins only when its marks are thinner by this factor.
_OTHER_READING_COST = 1.5
# Near a digit found by hole filling, paper this much brighter beside a stroke than the level
# the stroke was filled to means the stroke reaches into a shadow or desk (see
# _against_nearby_paper); JPEG blocks and noise differ by a few percent.
_RAISED_PAPER = 1.15
# More strong ink than this fraction of the picture gets a warning.
_INK_EVERYWHERE = 0.35

# The dataset's scaling: float32(byte) * float32(1/255).
_BYTE_SCALE = np.float32(1.0 / 255.0)



_EMPTY = "the image is empty: nothing stands out from the background (no ink found)"


def load_digit(path, notes=None):
    """Read an image file (PNG, JPEG, GIF, BMP, WebP, ...) and return it as an MNIST digit.

    The result has shape (784,), dtype float32 and values in [0, 1], scaled as the
    dataset's pixels are. Raises ImageError naming the file if it cannot be read as an
    image (not a regular file, damaged, over MAX_PIXELS) or shows no digit. With ``notes``
    (a list), warnings about an implausible picture are appended (see prepare_digit).
    """
    name = os.fspath(path)
    gray = read_gray(name)
    return prepare_digit(gray, name=name, notes=notes)


def save_digits(digits, path):
    """Write prepared digits (784-vectors) side by side as one grayscale PNG, atomically.

    The picture is what a model is fed: 28 pixels high, 28 per digit, white on black.
    Returns the path written.
    """
    from PIL import Image

    from smallflow.train import checkpoint_management

    strip = np.hstack([np.asarray(d, dtype=np.float64).reshape(SIZE, SIZE) for d in digits])
    picture = Image.fromarray(np.round(np.clip(strip, 0.0, 1.0) * 255.0).astype(np.uint8))
    target = os.fspath(path)
    checkpoint_management.write_atomically(target, lambda file: picture.save(file, "PNG"))
    return target


def prepare_digit(image, name="<array>", notes=None):
    """Prepare a 2-D grayscale image the way MNIST digits were made; return shape (784,).

    ``image`` is uint8 (0..255), another unsigned integer type (0..its maximum), bool, or
    float with values in [0, 1]. Either polarity is accepted: dark ink on a light page is
    inverted to MNIST's white-on-black. Photos are cleaned first: the paper's brightness
    (shadows, vignetting, a desk around the page) is estimated and divided out, ruled lines
    are removed, and the digit is the largest connected ink (with the strokes near it);
    specks, page edges and noise are left out. The ink is then cropped, scaled so its longer
    side is 20 pixels, and placed in a 28x28 field with its centre of mass at the centre.
    ``name`` is used in error messages. When ``notes`` is a list, warnings about an
    implausible picture (ink everywhere, several digits) are appended to it as strings.
    """
    gray = _as_unit_float(image, name)
    ink = _ink_on_black(gray, name, notes if notes is not None else [])
    box = _crop_to_ink(ink)
    scaled = _fit_in_box(box)
    field = _centre_by_mass(scaled)
    as_bytes = np.round(field * 255.0).astype(np.uint8)
    return as_bytes.reshape(SIZE * SIZE).astype(np.float32) * _BYTE_SCALE


def _as_unit_float(image, name):
    """Check the array and map its values to float64 in [0, 1]."""
    array = np.asarray(image)
    if array.ndim != 2:
        raise ImageError(name, f"expected a 2-D grayscale image, got shape {array.shape}")
    if array.size == 0:
        raise ImageError(name, "the image has no pixels")
    if array.dtype == np.bool_:
        return array.astype(np.float64)
    if np.issubdtype(array.dtype, np.unsignedinteger):
        return array.astype(np.float64) / np.iinfo(array.dtype).max
    if np.issubdtype(array.dtype, np.floating):
        values = array.astype(np.float64)
        if not np.isfinite(values).all():
            raise ImageError(name, "the image contains NaN or infinite values")
        if values.min() < 0.0 or values.max() > 1.0:
            raise ImageError(
                name,
                f"float pixel values must lie in [0, 1], got {values.min():g}..{values.max():g}"
                " (divide 0..255 values by 255)",
            )
        return values
    raise ImageError(name, f"unsupported pixel type {array.dtype}; use uint8 or float in [0, 1]")


def _ink_on_black(gray, name, notes):
    """The digit's ink as bright-on-black in [0, 1], everything else exactly 0."""
    gray = _working_size(gray)
    smooth = _box_blur(gray)
    if float(smooth.max() - smooth.min()) < MIN_CONTRAST:
        raise ImageError(name, _EMPTY)
    # Dark ink on light paper, or light on dark? The ink strays furthest from the typical
    # brightness (the median: most of a picture is paper) ...
    level = float(np.median(smooth))
    dark_by_median = level - float(smooth.min()) > float(smooth.max()) - level
    # ... except in a photo: a shadow over half the page or a dark desk around it can make
    # the median dark, while paper is light and ink dark far more often than not.
    photo = _uneven_edge(gray)
    pages = (gray, 1.0 - gray) if dark_by_median or photo else (1.0 - gray, gray)
    readings = [_reading(pages[0])]
    if photo or not dark_by_median:
        # Doubtful: read it both ways. The wrong way finds a blob (the page on the desk, the
        # inside of a loop, the lit part of the page), thicker for its size than strokes, or
        # marks reaching the picture's edge.
        readings.append(_reading(pages[1]))
        # When either reading shows a photo (a desk or a shadow along the edge), both are
        # made by hole filling: the closing leaves artefacts at a turned page's edges and a
        # shadow's corners (slivers, wedges) that look like strokes; hole filling has none.
        if any(reading is not None and reading.photo for reading in readings):
            readings = [
                reading if reading is None or reading.photo else _reading(page, fill=True)
                for page, reading in zip(pages, readings)
            ]
    usable = [index for index, reading in enumerate(readings) if reading is not None]
    if not usable:
        raise ImageError(name, _EMPTY)
    any_filled = any(readings[index].filled for index in usable)

    def doubt(index):
        chosen = readings[index].chosen
        # In a photo, marks found by hole filling are surrounded by paper; those it could
        # not find (the closing's) are doubtful.
        doubtful = any_filled and not readings[index].filled
        if index == 0:
            return doubtful, _thickness(chosen)
        # The other reading's marks reaching the edge are a desk or a shadow, not a digit;
        # small ones are noise.
        rows = np.flatnonzero(chosen.any(axis=1))
        cols = np.flatnonzero(chosen.any(axis=0))
        small = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 < 0.15 * min(chosen.shape)
        doubtful = doubtful or _touches_edge(chosen) or small
        return doubtful, _thickness(chosen) * _OTHER_READING_COST

    ink, chosen, found_notes, _, _ = readings[min(usable, key=doubt)]
    notes.extend(found_notes)
    ink = np.where(chosen, ink, 0.0)
    # Stretch so the strokes' cores reach 1, as MNIST's do; a percentile, not the maximum,
    # so one noisy pixel does not set the scale.
    contrast = float(np.percentile(ink[chosen], 95))
    if contrast < MIN_CONTRAST:
        raise ImageError(name, _EMPTY)
    return np.clip(ink / contrast, 0.0, 1.0)


class _Reading(NamedTuple):
    ink: np.ndarray  # how much darker than the paper each pixel is, 0..1
    chosen: np.ndarray  # the digit's pixels
    notes: list  # warnings about the picture
    photo: bool  # a desk or a shadow seemed to run along the edge
    filled: bool  # the paper was estimated by hole filling


def _reading(page, fill=False):
    """A _Reading of ``page`` as dark ink on light paper, or None if it shows no ink.
    With ``fill``, hole filling is tried even when the picture does not look like a photo."""
    notes = []
    found = _find_digit(_without_ruled_lines(_relative_ink(page)), notes)
    if found is None:
        return None
    ink, chosen, photo = found
    photo = photo or _uneven_edge(page) or _touches_edge(chosen)
    if photo or fill:
        # A desk or a shadow runs along the picture's edge (or the marks found reach it: a
        # strip of desk, say): estimate the paper instead by filling the dark places that do
        # not reach the edge (strokes), leaving the desk and shadows, which do, as they are.
        # Used when it finds a digit away from the edge.
        filled_notes = []
        paper = _fill_holes(page)
        filled = _find_digit(_ratio_ink(paper, page), filled_notes, inner_only=True)
        if filled is not None:
            ink, chosen = _against_nearby_paper(page, filled[1], paper)
            return _Reading(ink, chosen, filled_notes, photo, True)
    return _Reading(ink, chosen, notes, photo, False)


def _against_nearby_paper(page, chosen, paper):
    """``(ink, digit's pixels)`` with the ink measured against the paper right beside it.

    Hole filling (``paper``) finds the digit, but raises a stroke only to the lowest level
    around it: a digit reaching into a shadow is measured against the shadow, so its strokes
    lose their soft edges and come out thin. A closing a few stroke widths wide sees the
    paper beside each stroke, and is too narrow to take a shadow's corner for ink. It is
    used near the digit, where it finds the paper clearly (by _RAISED_PAPER) brighter than
    hole filling did; elsewhere (a plain page, JPEG blocks) hole filling's ink stays.
    """
    width = _stroke_width(chosen)
    beside = _closing(page, max(3, int(round(3 * width)) | 1))
    reach = max(1, int(np.ceil(width / 2)))
    near = _running_max(chosen.astype(np.float64), 2 * reach + 1) > 0.0
    raised = near & (beside > _RAISED_PAPER * paper)
    # (Ruled lines are found across the whole picture, where the closing shows them.)
    ink = np.where(raised, _without_ruled_lines(_ratio_ink(beside, page)), _ratio_ink(paper, page))
    # The digit's pixels may widen by up to half a stroke into ink as faint as _find_digit
    # takes.
    smooth_ink = _box_blur(ink)
    peak = float(smooth_ink[chosen].max())
    faint = smooth_ink > max(INK_THRESHOLD * peak, MIN_CONTRAST / 2)
    grown = chosen | (near & faint)
    return np.where(grown, ink, 0.0), grown


def _stroke_width(mask):
    """The strokes' typical width in pixels: twice their area over their outline's length."""
    outline = np.count_nonzero(np.diff(mask, axis=0)) + np.count_nonzero(np.diff(mask, axis=1))
    return 2.0 * np.count_nonzero(mask) / max(outline, 1)


def _touches_edge(mask):
    return bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())


def _thickness(mask):
    """How thick the marks are for their size, about 0 for strokes and 1 for a solid blob:
    the share of their pixels farther than a tenth of their extent (their bounding box's
    longer side) from their outline, plus a stroke's width (twice the area over the
    perimeter) relative to that extent."""
    area = np.count_nonzero(mask)
    if area == 0:
        return np.inf
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    extent = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    core = mask
    for _ in range(max(1, round(0.1 * extent))):
        core = _erode_cross(core)
        if not core.any():
            break
    return np.count_nonzero(core) / area + _stroke_width(mask) / extent


def _uneven_edge(page):
    """Whether the picture's edge is far from one brightness: a photo (a desk or a shadow
    at the edge, vignetting) rather than a scan - or ink touching the edge."""
    edge = np.concatenate([page[:2].ravel(), page[-2:].ravel(), page[:, :2].ravel(),
                           page[:, -2:].ravel()])
    low, high = np.percentile(edge, [5, 95])
    return high - low > _UNEVEN_EDGE * max(high, _DARKEST_PAPER)


def _find_digit(ink, notes, inner_only=False):
    """``(ink, digit's pixels, whether it looks like a photo)``, or None if there is no ink."""
    smooth_ink = _box_blur(ink)
    peak = float(smooth_ink.max())
    if peak < MIN_CONTRAST:
        return None
    strong = smooth_ink > _otsu_threshold(smooth_ink, peak)
    faint = smooth_ink > max(INK_THRESHOLD * peak, MIN_CONTRAST / 2)
    found = _digit_mask(strong, faint, notes, inner_only)
    if found is None:
        return None
    chosen, photo = found
    return ink, chosen, photo


def _fill_holes(page):
    """Grayscale hole filling: each dark place not connected to the picture's edge is
    raised to the lowest level around it (a geodesic reconstruction by erosion, from the
    edge inwards). Strokes on a page are such holes; a desk or shadow along the edge is not.
    """
    marker = np.full_like(page, float(page.max()))
    for edge in (np.s_[0, :], np.s_[-1, :], np.s_[:, 0], np.s_[:, -1]):
        marker[edge] = page[edge]
    for _ in range(sum(page.shape)):
        grown = np.maximum(page, _erode_cross(marker))
        if np.array_equal(grown, marker):
            break
        marker = grown
    return marker


def _erode_cross(image):
    """Minimum over each pixel and its four neighbours (edges: only those inside)."""
    out = image.copy()
    np.minimum(out[1:], image[:-1], out=out[1:])
    np.minimum(out[:-1], image[1:], out=out[:-1])
    np.minimum(out[:, 1:], image[:, :-1], out=out[:, 1:])
    np.minimum(out[:, :-1], image[:, 1:], out=out[:, :-1])
    return out


def _working_size(gray):
    """Scale an image down (area average) so its longer side is at most _WORK_SIDE."""
    height, width = gray.shape
    if max(height, width) <= _WORK_SIDE:
        return gray
    from PIL import Image

    factor = _WORK_SIDE / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    picture = Image.fromarray(gray.astype(np.float32)).resize(size, Image.Resampling.BOX)
    return np.asarray(picture, dtype=np.float64)


def _box_blur(image):
    """3x3 mean (edges repeated): takes the edge off pixel noise and JPEG artefacts."""
    padded = np.pad(image, 1, mode="edge")
    rows = padded[:-2] + padded[1:-1] + padded[2:]
    return (rows[:, :-2] + rows[:, 1:-1] + rows[:, 2:]) / 9.0


def _relative_ink(page):
    """How much darker than the paper around it each pixel is, as a fraction of the paper.

    The paper's brightness is estimated everywhere by a morphological closing (the
    brightest value nearby, then the darkest of those) over a window wider than any stroke
    of a digit that fits the picture: strokes vanish from it, while shadows, vignetting
    and a desk around the page, where wider than the window, stay. Dividing by it makes
    ink in a shadow as dark as ink in the light. (A desk or shadow narrower than the
    window shows as ink along the picture's edge; _digit_mask leaves it out.)
    """
    return _closing_ink(page, max(3, (max(page.shape) // _PAPER_WINDOW_FRACTION) | 1))


def _closing(page, window):
    """The paper's brightness: the darkest of the brightest values nearby."""
    return _running_min(_running_max(page, window), window)


def _closing_ink(page, window):
    return _ratio_ink(_closing(page, window), page)


def _ratio_ink(paper, page):
    """How much darker than ``paper`` the page is, as a fraction of the paper's brightness."""
    ink = (paper - page) / np.maximum(paper, _DARKEST_PAPER)
    # On noisy paper the estimate follows the noise's peaks, so plain paper shows as a little
    # ink everywhere; its typical level (the median: most of a picture is paper) is removed.
    return np.clip(ink - max(0.0, float(np.median(ink))), 0.0, 1.0)


def _running_max(image, window):
    return -_running_min(-image, window)


def _running_min(image, window):
    """Minimum over a window x window square around each pixel (edges repeated)."""
    return _running_min_1d(_running_min_1d(image, window).T, window).T


def _running_min_1d(image, window):
    """Minimum over ``window`` neighbours along each row, in time independent of the window
    (van Herk / Gil-Werman: prefix and suffix minima within blocks of the window's size)."""
    height, width = image.shape
    half = window // 2
    blocks = -(-(width + 2 * half) // window)
    total = blocks * window
    padded = np.pad(image, ((0, 0), (half, total - width - half)), mode="edge")
    shaped = padded.reshape(height, blocks, window)
    prefix = np.minimum.accumulate(shaped, axis=2).reshape(height, total)
    suffix = np.minimum.accumulate(shaped[:, :, ::-1], axis=2)[:, :, ::-1].reshape(height, total)
    # The window starting at i covers the end of i's block (suffix) and the start of the next.
    start = np.arange(width)
    return np.minimum(suffix[:, start], prefix[:, np.minimum(start + window - 1, total - 1)])


def _without_ruled_lines(ink):
    """Remove the lines of ruled or squared paper: at least three thin rows (columns) inked
    across nearly the whole picture. (One or two such rows are more likely the bar of a
    tightly cropped 7 or the strokes of a 4, and a stroke is not thin.)"""
    for axis in (1, 0):
        level = np.percentile(ink, 100 - _LINE_SPAN, axis=axis)
        lined = level > _LINE_LEVEL
        edges = np.diff(np.concatenate([[0], lined.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        thin = (ends - starts) <= max(2, _LINE_WIDTH * lined.size)
        if starts.size >= 3 and thin.all():
            lines = np.where(lined, level, 0.0)
            ink = np.clip(ink - (lines[:, None] if axis == 1 else lines[None, :]), 0.0, 1.0)
    return ink


def _otsu_threshold(values, peak):
    """Otsu's threshold between the paper's and the ink's levels, kept in a sane range."""
    histogram, edges = np.histogram(values, bins=128, range=(0.0, peak))
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(histogram).astype(np.float64)
    total = weight[-1]
    mass = np.cumsum(histogram * centres)
    below = weight[:-1]
    above = total - below
    valid = (below > 0) & (above > 0)
    mean_below = np.divide(mass[:-1], below, out=np.zeros_like(below), where=valid)
    mean_above = np.divide(mass[-1] - mass[:-1], above, out=np.zeros_like(above), where=valid)
    spread = np.where(valid, below * above * (mean_below - mean_above) ** 2, -1.0)
    threshold = float(edges[1:][int(np.argmax(spread))])
    return float(np.clip(threshold, 0.2 * peak, 0.5 * peak))


def _digit_mask(strong, faint, notes, inner_only=False):
    """The pixels of the digit: the largest connected strong ink (and strong ink close to
    it), grown into the faint ink connected to it (hysteresis).

    Sanity checks: ink along a whole side of the picture (a desk or a shadow's edge beside
    the page) marks a photo, in which ink touching the picture's edge is not the digit
    when an inner piece of a digit's size exists.
    """
    parts = _components(strong)
    height, width = strong.shape
    big_enough = 0.15 * min(height, width)
    photo = inner_only or any(p.side_cover >= 0.5 or p.edge_share >= 0.25 for p in parts)
    inner = [p for p in parts if not p.touches and max(p.height, p.width) >= big_enough]
    if inner_only and not inner:
        return None
    pool = inner if photo and inner else parts
    main = max(pool, key=lambda part: part.area)
    grow_rows = 0.25 * main.height
    grow_cols = 0.25 * main.width
    chosen = [main]
    for part in parts:
        if part is main or (part.touches and not main.touches and photo):
            continue
        near = (
            part.top <= main.bottom + grow_rows
            and part.bottom >= main.top - grow_rows
            and part.left <= main.right + grow_cols
            and part.right >= main.left - grow_cols
        )
        if near and part.area >= 0.05 * main.area:
            chosen.append(part)
    others = [
        part
        for part in parts
        if part not in chosen
        and not part.touches
        and part.area >= 0.3 * main.area
        and part.height >= 0.5 * main.height
    ]
    if others:
        notes.append(
            f"{len(others) + 1} separate marks of a digit's size were found; only the largest "
            "was read (crop the picture to one digit)"
        )
    if np.count_nonzero(strong) > _INK_EVERYWHERE * strong.size:
        notes.append("ink covers most of the picture; it may not show a digit on paper")
    seeds = np.zeros(strong.shape, dtype=bool)
    for part in chosen:
        part.paint(seeds)
    return _grow(faint | seeds, seeds), photo


def _grow(faint, seeds):
    """The connected parts of ``faint`` that contain a seed pixel."""
    mask = np.zeros(faint.shape, dtype=bool)
    for part in _components(faint):
        if part.any_of(seeds):
            part.paint(mask)
    return mask


class _Part:
    """One 8-connected component, as horizontal runs of pixels."""

    __slots__ = ("rows", "starts", "ends", "area", "top", "bottom", "left", "right",
                 "touches", "side_cover", "edge_share")

    def __init__(self, rows, starts, ends, shape):
        self.rows, self.starts, self.ends = rows, starts, ends
        height, width = shape
        self.area = int((ends - starts).sum())
        self.top, self.bottom = int(rows.min()), int(rows.max())
        self.left, self.right = int(starts.min()), int(ends.max()) - 1
        self.touches = (
            self.top == 0 or self.left == 0 or self.bottom == height - 1 or self.right == width - 1
        )
        # The largest fraction of one side of the picture that this part runs along.
        cover = []
        for row in (0, height - 1):
            on = rows == row
            cover.append(float((ends[on] - starts[on]).sum()) / width)
        for col in (0, width - 1):
            on = (starts <= col) & (ends > col)
            cover.append(float(np.unique(rows[on]).size) / height)
        self.side_cover = max(cover)
        # Its share of the picture's whole edge.
        self.edge_share = (cover[0] + cover[1]) * width / (2 * (height + width)) + (
            cover[2] + cover[3]
        ) * height / (2 * (height + width))

    @property
    def height(self):
        return self.bottom - self.top + 1

    @property
    def width(self):
        return self.right - self.left + 1

    def paint(self, mask):
        for row, start, end in zip(self.rows, self.starts, self.ends):
            mask[row, start:end] = True

    def any_of(self, mask):
        return any(mask[row, start:end].any() for row, start, end in zip(
            self.rows, self.starts, self.ends))


def _components(mask):
    """The 8-connected components of a boolean image, as _Part objects (run-length based:
    runs of each row are joined to the overlapping runs of the row above)."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    steps = np.diff(padded, axis=1)
    run_rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)
    count = run_rows.size
    if count == 0:
        return []
    parent = np.arange(count)

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = np.searchsorted(run_rows, np.arange(height + 1))
    for row in range(1, height):
        i, i_end = first[row - 1], first[row]
        j, j_end = first[row], first[row + 1]
        while i < i_end and j < j_end:
            # Runs [s, e) of adjacent rows touch (8-connectivity) when s1 <= e2 and s2 <= e1.
            if starts[i] <= ends[j] and starts[j] <= ends[i]:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            if ends[i] < ends[j]:
                i += 1
            else:
                j += 1
    labels = np.array([root(i) for i in range(count)])
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [
        _Part(run_rows[group], starts[group], ends[group], mask.shape)
        for group in np.split(order, cuts)
    ]


def _crop_to_ink(ink):
    """Cut the ink's bounding box out of the image (the ink outside the digit is 0 already)."""
    marked = ink > 0.0
    rows = np.flatnonzero(marked.any(axis=1))
    cols = np.flatnonzero(marked.any(axis=0))
    box = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy()
    # Faint pixels inside the box are background, as in MNIST (exact zeros).
    box[box <= INK_THRESHOLD / 2] = 0.0
    return box


def _fit_in_box(box):
    """Scale so the longer side is BOX pixels, keeping the aspect ratio (antialiased)."""
    from PIL import Image

    height, width = box.shape
    factor = BOX / max(height, width)
    new_height = max(1, int(round(height * factor)))
    new_width = max(1, int(round(width * factor)))
    picture = Image.fromarray(box.astype(np.float32))  # mode "F"
    # Pillow's resampling filters widen with the reduction factor, so downscaling averages
    # every source pixel (antialiasing); LANCZOS keeps thin strokes sharp.
    resized = picture.resize((new_width, new_height), resample=Image.Resampling.LANCZOS)
    scaled = np.clip(np.asarray(resized, dtype=np.float64), 0.0, 1.0)
    # Shrinking dims thin strokes; MNIST digits all reach full brightness, so restore it.
    peak = scaled.max()
    return scaled / peak if peak > 0.0 else scaled


def _centre_by_mass(scaled):
    """Paste into a SIZE x SIZE field so the centre of mass lands on (CENTRE, CENTRE)."""
    height, width = scaled.shape
    total = scaled.sum()
    if total > 0.0:
        row_mass = scaled.sum(axis=1)
        col_mass = scaled.sum(axis=0)
        com_row = float(row_mass @ np.arange(height)) / total
        com_col = float(col_mass @ np.arange(width)) / total
    else:
        com_row = (height - 1) / 2.0
        com_col = (width - 1) / 2.0
    # Whole-pixel shifts (no resampling blur); clamped so no ink falls off the field.
    top = int(np.clip(round(CENTRE - com_row), 0, SIZE - height))
    left = int(np.clip(round(CENTRE - com_col), 0, SIZE - width))
    field = np.zeros((SIZE, SIZE), dtype=np.float64)
    field[top : top + height, left : left + width] = scaled
    return field
