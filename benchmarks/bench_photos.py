"""Benchmark: how well `smallflow predict` reads digits in photos of paper, per photo effect.

Makes test pictures of the digits 0-9 written two ways: typed in 16 of the fonts Debian
ships (packages fonts-dejavu, fonts-liberation, fonts-freefont-ttf) and drawn as simulated
pen strokes (a template per digit, jittered, drawn with a round pen of random width). Each
digit is put on a page at a random place and size, then given one photo effect:

  clean       the page as it is (a scan)
  dark_border the page photographed lying on a dark desk (slightly turned)
  shadow      a hard shadow (a half-plane at half the light) across the page
  vignette    a lens's falloff: corners at 55-70% of the centre's light
  noise       Gaussian sensor noise, sigma 0.05
  ruled       ruled paper: blue lines every 20-30 pixels and a red margin
  specks      dust: 20-40 dark specks of 1-3 pixels radius
  gray_jpeg   a dim gray photo (paper 0.7-0.8, ink 0.2-0.3) saved as JPEG, quality 30-60

and is read back through `imaging.load_digit` (the file goes through Pillow, as `smallflow
predict` reads it). Prints the accuracy per effect for each model given.

The IoU column measures the preparation alone: the strokes (pixels above 0.3) of each prepared
28x28 against those of the same ink prepared from a plain white page, averaged.

Measured 2026-12-01 (load average 13-16 on 2 cores; 180 pictures per effect; models trained
with `smallflow train --threads 1`: softmax 1,000 steps, 91.8% on MNIST's test set; mlp 2,750
steps, 98.2%; cnn only 1,000 of its 5,500 steps, 98.7%, as the full run could not finish on
the shared machine). The preparation was tuned on seeds 100 and 101; seeds 0 and 1 held out:

  seed 0       IoU  softmax    mlp    cnn      seed 1 (cnn)
  clean        1.00   76.1%  90.6%  100.0%     100.0%
  dark_border  0.77   83.9%  93.3%   98.3%      94.4%
  shadow       0.73   73.9%  91.7%   93.3%      98.3%
  vignette     0.98   76.1%  90.6%  100.0%
  noise        0.87   79.4%  91.7%  100.0%
  ruled        0.96   75.6%  91.1%   99.4%
  specks       0.91   77.2%  90.6%   99.4%
  gray_jpeg    0.81   81.7%  96.7%  100.0%      99.4%

These are from before session 4. With its fix (hole filling for both readings of a photo,
strokes measured against the paper beside them; first version) and the same CNN: shadow /
desk 98.9 / 98.9% on seed 0, 100 / 99.4% on seed 1, and on held-out seeds 2, 3, 4 shadow
100% each (was 96.1, 97.8, 95.0%), desk 100, 100, 99.4% (was 96.7, 98.3, 92.8%).

Final code, fully trained CNN (5,500 steps, 99.35% on MNIST's test set), measured by the lead
on 2026-12-01 at load average 3-4 (softmax and mlp as above):

  CNN          seed 0   seed 1   seed 2     (seed 0: softmax / mlp)
  clean         99.4%    99.4%   100.0%      76.1% / 90.6%
  dark_border   99.4%   100.0%   100.0%      83.9% / 93.9%
  shadow        99.4%   100.0%   100.0%      84.4% / 95.0%
  vignette      99.4%    99.4%   100.0%      76.1% / 90.6%
  noise         98.9%    99.4%    99.4%      79.4% / 91.7%
  ruled         99.4%   100.0%    99.4%      75.6% / 91.1%
  specks        99.4%    99.4%   100.0%      77.2% / 90.6%
  gray_jpeg    100.0%   100.0%   100.0%      81.7% / 96.7%

Run: python benchmarks/bench_photos.py MODEL.npz [MODEL.npz ...] [--per-digit N] [--seed S]
(models from `smallflow train --model NAME --save MODEL.npz`).
"""

import argparse
import glob
import io
import math
import os
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from smallflow import imaging, models

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation",
             "/usr/share/fonts/truetype/freefont")
# 16 faces: regular, bold and slanted, sans, serif and monospaced.
FONTS = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansCondensed.ttf",
    "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSerif-Regular.ttf",
    "LiberationSerif-Italic.ttf", "LiberationMono-Regular.ttf", "LiberationSansNarrow-Regular.ttf",
    "FreeSans.ttf", "FreeSerif.ttf", "FreeSansBold.ttf",
)
EFFECTS = ("clean", "dark_border", "shadow", "vignette", "noise", "ruled", "specks", "gray_jpeg")
PAGE = 240

# Pen-stroke templates in a unit box (x right, y down): lists of polylines.
_ARC = [(0.5 + 0.45 * math.cos(t), 0.5 + 0.48 * math.sin(t))
        for t in np.linspace(0, 2 * math.pi, 24)]
STROKES = {
    0: [_ARC],
    1: [[(0.35, 0.2), (0.55, 0.02), (0.55, 0.98)]],
    2: [[(0.1, 0.25), (0.3, 0.05), (0.7, 0.05), (0.88, 0.25), (0.8, 0.5), (0.1, 0.95),
         (0.92, 0.95)]],
    3: [[(0.1, 0.12), (0.5, 0.02), (0.85, 0.18), (0.8, 0.4), (0.45, 0.5), (0.85, 0.62),
         (0.9, 0.85), (0.5, 0.98), (0.1, 0.88)]],
    4: [[(0.7, 0.98), (0.7, 0.02), (0.05, 0.68), (0.95, 0.68)]],
    5: [[(0.85, 0.03), (0.2, 0.03), (0.15, 0.45), (0.55, 0.38), (0.88, 0.6), (0.82, 0.88),
         (0.45, 0.98), (0.1, 0.88)]],
    6: [[(0.75, 0.03), (0.35, 0.3), (0.15, 0.65), (0.3, 0.95), (0.7, 0.95), (0.85, 0.7),
         (0.65, 0.5), (0.3, 0.55), (0.18, 0.7)]],
    7: [[(0.08, 0.05), (0.92, 0.05), (0.4, 0.98)]],
    8: [[(0.5, 0.5), (0.2, 0.3), (0.3, 0.05), (0.7, 0.05), (0.8, 0.3), (0.5, 0.5),
         (0.15, 0.72), (0.3, 0.96), (0.7, 0.96), (0.85, 0.72), (0.5, 0.5)]],
    9: [[(0.85, 0.35), (0.6, 0.5), (0.25, 0.45), (0.15, 0.22), (0.45, 0.03), (0.8, 0.1),
         (0.85, 0.35), (0.75, 0.98)]],
}


def font_paths():
    found = {}
    for folder in FONT_DIRS:
        for path in glob.glob(os.path.join(folder, "*.ttf")):
            found[os.path.basename(path)] = path
    missing = [name for name in FONTS if name not in found]
    if missing:
        sys.exit(
            f"fonts missing: {', '.join(missing)}; install them with: "
            "apt-get install fonts-dejavu fonts-liberation fonts-freefont-ttf"
        )
    return [found[name] for name in FONTS]


def ink_of_font(digit, font_path, rng):
    """The digit typed in the font, as ink (1 = ink) on a PAGE x PAGE canvas."""
    height = int(rng.integers(90, 150))
    font = ImageFont.truetype(font_path, size=height)
    canvas = Image.new("L", (PAGE, PAGE), 0)
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = draw.textbbox((0, 0), str(digit), font=font)
    x = int(rng.integers(20, max(21, PAGE - 20 - (right - left)))) - left
    y = int(rng.integers(20, max(21, PAGE - 20 - (bottom - top)))) - top
    draw.text((x, y), str(digit), fill=255, font=font)
    return np.asarray(canvas, dtype=np.float64) / 255.0


def ink_of_pen(digit, rng):
    """The digit drawn with a round pen along a jittered template."""
    height = rng.uniform(90, 150)
    width = height * rng.uniform(0.55, 0.8)
    x0 = rng.uniform(20, PAGE - 20 - width)
    y0 = rng.uniform(20, PAGE - 20 - height)
    slant = rng.uniform(-0.2, 0.25)
    canvas = Image.new("L", (PAGE * 2, PAGE * 2), 0)  # drawn at twice the size, antialiased
    draw = ImageDraw.Draw(canvas)
    pen = int(rng.integers(8, 20)) * 2
    for line in STROKES[digit]:
        points = []
        for x, y in line:
            x += rng.normal(0, 0.03) + slant * (0.5 - y)
            y += rng.normal(0, 0.03)
            points.append((2 * (x0 + x * width), 2 * (y0 + y * height)))
        draw.line(points, fill=255, width=pen, joint="curve")
        for px, py in (points[0], points[-1]):
            draw.ellipse([px - pen / 2, py - pen / 2, px + pen / 2, py + pen / 2], fill=255)
    small = canvas.resize((PAGE, PAGE), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float64) / 255.0


def on_paper(ink, rng, paper=1.0, ink_level=0.1):
    return paper * (1 - ink) + ink_level * ink


def as_image(gray):
    return Image.fromarray(np.round(np.clip(gray, 0, 1) * 255).astype(np.uint8))


def photo(effect, ink, rng):
    """A PIL image of the inked page with one photo effect."""
    page = on_paper(ink, rng, paper=rng.uniform(0.88, 1.0), ink_level=rng.uniform(0.05, 0.2))
    if effect == "clean":
        return as_image(page)
    if effect == "dark_border":
        desk_level = int(255 * rng.uniform(0.08, 0.35))
        inner = as_image(page).resize((int(PAGE * rng.uniform(0.7, 0.85)),) * 2)
        inner = inner.rotate(rng.uniform(-6, 6), expand=True, fillcolor=desk_level)
        desk = Image.new("L", (PAGE, PAGE), desk_level)
        offset = tuple(int(rng.integers(0, max(1, PAGE - s))) for s in inner.size)
        desk.paste(inner, offset)
        return desk
    if effect == "shadow":
        angle = rng.uniform(0, 2 * math.pi)
        point = rng.uniform(0.25, 0.75, size=2) * PAGE
        rows, cols = np.mgrid[0:PAGE, 0:PAGE]
        side = (cols - point[0]) * math.cos(angle) + (rows - point[1]) * math.sin(angle) > 0
        light = np.where(side, rng.uniform(0.4, 0.6), 1.0)
        shaded = as_image(page * light).filter(ImageFilter.GaussianBlur(1))
        return shaded
    if effect == "vignette":
        rows, cols = np.mgrid[0:PAGE, 0:PAGE]
        radius = np.hypot(rows - PAGE / 2, cols - PAGE / 2) / (PAGE / math.sqrt(2))
        corner = rng.uniform(0.55, 0.7)
        return as_image(page * (1 - (1 - corner) * radius**2))
    if effect == "noise":
        return as_image(page + rng.normal(0, 0.05, size=page.shape))
    if effect == "ruled":
        rgb = np.stack([page] * 3, axis=-1)
        spacing = int(rng.integers(20, 31))
        line = np.array([150, 180, 230]) / 255
        for row in range(int(rng.integers(5, spacing)), PAGE, spacing):
            rgb[row : row + 2] = np.minimum(rgb[row : row + 2], line)
        margin = int(rng.integers(10, 30))
        rgb[:, margin : margin + 2] = np.minimum(rgb[:, margin : margin + 2], [0.9, 0.4, 0.4])
        pen = np.array([0.1, 0.1, 0.35])
        rgb = rgb * (1 - ink[..., None]) + pen * ink[..., None]
        return Image.fromarray(np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8))
    if effect == "specks":
        picture = as_image(page)
        draw = ImageDraw.Draw(picture)
        for _ in range(int(rng.integers(20, 41))):
            x, y = rng.uniform(0, PAGE, size=2)
            r = rng.uniform(1, 3)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.integers(0, 100)))
        return picture
    if effect == "gray_jpeg":
        gray = on_paper(ink, rng, paper=rng.uniform(0.7, 0.8), ink_level=rng.uniform(0.2, 0.3))
        buffer = io.BytesIO()
        as_image(gray).convert("RGB").save(buffer, format="JPEG", quality=int(rng.integers(30, 61)))
        return Image.open(io.BytesIO(buffer.getvalue()))
    raise ValueError(effect)


def make_inks(per_digit, rng, fonts):
    """(digit, ink) pairs: per digit, each font once and ``per_digit`` pen drawings."""
    inks = []
    for digit in range(10):
        for font in fonts:
            inks.append((digit, ink_of_font(digit, font, rng)))
        for _ in range(per_digit):
            inks.append((digit, ink_of_pen(digit, rng)))
    return inks


def overlap(prepared_digit, reference):
    """Intersection over union of the strokes (pixels above 0.3) of two prepared digits."""
    first, second = prepared_digit > 0.3, reference > 0.3
    return np.count_nonzero(first & second) / max(1, np.count_nonzero(first | second))


def prepared(effect, inks, rng, folder):
    """The prepared 784-vectors of every ink with ``effect``, read back from PNG/JPEG files,
    and which of them were refused (as empty, say): those count as wrong."""
    vectors = []
    refused = []
    for number, (_, ink) in enumerate(inks):
        picture = photo(effect, ink, rng)
        path = os.path.join(folder, f"{effect}-{number}.png")
        picture.save(path)
        try:
            vectors.append(imaging.load_digit(path))
            refused.append(False)
        except ValueError:  # ImageError
            vectors.append(np.zeros(784, dtype=np.float32))
            refused.append(True)
    return np.stack(vectors), np.array(refused)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="saved models (.npz)")
    parser.add_argument("--per-digit", type=int, default=2, help="pen drawings per digit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--effects", nargs="+", default=list(EFFECTS), choices=EFFECTS)
    args = parser.parse_args()
    import tempfile

    rng = np.random.default_rng(args.seed)
    inks = make_inks(args.per_digit, rng, font_paths())
    labels = np.array([digit for digit, _ in inks])
    # What the preparation should give: the ink on a plain white page, prepared from the array
    # (no effect, no file).
    references = [imaging.prepare_digit(1.0 - 0.9 * ink) for _, ink in inks]
    loaded = [(path, *models.load_model(path)) for path in args.models]
    names = [graph.name for _, _, graph, _ in loaded]
    print(f"{len(inks)} pictures per effect ({len(FONTS)} fonts and {args.per_digit} pen "
          f"drawings per digit), seed {args.seed}")
    print(f"{'effect':<12}   IoU" + "".join(f"{name:>10}" for name in names)
          + "   seconds   read")
    with tempfile.TemporaryDirectory() as folder:
        for effect in args.effects:
            start = time.perf_counter()
            # Each effect has its own pictures, the same whichever effects are run.
            effect_rng = np.random.default_rng([args.seed, EFFECTS.index(effect)])
            batch, refused = prepared(effect, inks, effect_rng, folder)
            seconds = time.perf_counter() - start
            iou = np.mean([overlap(a, b) for a, b in zip(batch, references)])
            row = f"{effect:<12} {iou:5.2f}"
            for _, sess, graph, _ in loaded:
                guesses = np.argmax(models.predict_probabilities(sess, graph, batch), axis=1)
                row += f"{np.mean((guesses == labels) & ~refused):>10.1%}"
            print(row + f"   {seconds:7.1f}   {int(refused.sum())} refused", flush=True)
    for _, sess, _, _ in loaded:
        sess.close()
    print(f"load average: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
