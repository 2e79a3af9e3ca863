# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy>=2.1", "pillow>=11"]
# [tool.faster-python]
# test = ["--count", "3", "--out", "{tmp}"]
# ///
"""Make a folder of grey-scale JPEG images of mixed sizes, like a set of chest
X-rays.

The CPU examples resize these. They are generated from a seed, so every run
and every machine gets the same pictures, and cached in ``.cache/`` beside
this file, so they are made only once. ``python sample_images.py --count 50``
makes a set to look at.
"""

import argparse
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

CACHE = Path(__file__).resolve().parent / ".cache"


# --8<-- [start:make_image]
def make_image(rng: np.random.Generator) -> Image.Image:
    """A soft grey picture with some grain, between 400 and 1400 pixels a
    side."""
    width, height = rng.integers(400, 1400, size=2)
    coarse = rng.integers(0, 256, size=(12, 12), dtype=np.uint8)
    picture = Image.fromarray(coarse, mode="L").resize(
        (int(width), int(height)), Image.Resampling.BICUBIC
    )
    grain = rng.normal(0, 12, size=(int(height), int(width)))
    pixels = np.clip(
        np.asarray(picture, dtype=np.float64) + grain, 0, 255
    ).astype(np.uint8)
    return Image.fromarray(pixels, mode="L").filter(ImageFilter.SMOOTH)


# --8<-- [end:make_image]


def sample_images(
    count: int, seed: int = 2020, folder: Path | None = None
) -> list[Path]:
    """Paths of ``count`` generated images, making any that are not in the cache
    yet."""
    folder = folder or CACHE / f"images-seed{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"image-{n:05d}.jpg" for n in range(count)]
    for n, path in enumerate(paths):
        if not path.exists():
            # One generator per image: image n is the same whatever the count.
            image = make_image(np.random.default_rng([seed, n]))
            # another run may make it too
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            image.save(tmp, format="JPEG", quality=90)
            tmp.replace(path)  # never leave half an image behind
    return paths


def images_in(folder: Path) -> list[Path]:
    """The images in a real folder, sorted by name so every run sees the same
    order."""
    suffixes = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
    if not folder.is_dir():
        raise SystemExit(f"{folder}: no such folder")
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in suffixes)
    if not paths:
        raise SystemExit(f"No images found in {folder}")
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--out", type=Path, help=f"folder to write to (default: {CACHE})"
    )
    args = parser.parse_args()
    paths = sample_images(args.count, args.seed, args.out)
    print(f"{len(paths)} images in {paths[0].parent}")
