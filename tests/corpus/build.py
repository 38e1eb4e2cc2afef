#!/usr/bin/env python3
"""Builds the real-photo corpus from images that ship inside pip packages.

    python3 -m venv .venv && .venv/bin/pip install scikit-image matplotlib pillow
    .venv/bin/python tests/corpus/build.py            # the small committed set
    .venv/bin/python tests/corpus/build.py --full DIR  # every source image, for benchmarks
        [--pillow-sdist pillow-11.3.0.tar.gz]          # (fetched with pip download if absent)

The committed set (tests/corpus/*.jpg) is downscaled to at most 512 px on the longer
side and stored as JPEG quality 92, so the tests run on real photographs on a fresh
clone without network. `--full DIR` writes every usable photograph of the same
packages at its own size (PNG), for the benchmark sweeps.
"""

import argparse
import os
import sys

import matplotlib
import skimage
from PIL import Image

SK = os.path.join(os.path.dirname(skimage.__file__), "data")
MPL = os.path.join(matplotlib.get_data_path(), "sample_data")

# name -> (path, kind); kind is what the tests expect of the picture.
SOURCES = {
    "astronaut": (os.path.join(SK, "astronaut.png"), "colour photo"),
    "chelsea": (os.path.join(SK, "chelsea.png"), "colour photo"),
    "coffee": (os.path.join(SK, "coffee.png"), "colour photo"),
    "rocket": (os.path.join(SK, "rocket.jpg"), "colour photo"),
    "hubble": (os.path.join(SK, "hubble_deep_field.jpg"), "colour deep-sky photo"),
    "retina": (os.path.join(SK, "retina.jpg"), "colour medical photo"),
    "ihc": (os.path.join(SK, "ihc.png"), "colour micrograph"),
    "camera": (os.path.join(SK, "camera.png"), "greyscale photo"),
    "coins": (os.path.join(SK, "coins.png"), "greyscale photo of coins (texture)"),
    "gravel": (os.path.join(SK, "gravel.png"), "greyscale texture"),
    "grass": (os.path.join(SK, "grass.png"), "greyscale texture"),
    "brick": (os.path.join(SK, "brick.png"), "greyscale texture"),
    "text": (os.path.join(SK, "text.png"), "greyscale photo of hand-painted text"),
    "horse": (os.path.join(SK, "horse.png"), "black and white silhouette"),
    "hopper": (os.path.join(MPL, "grace_hopper.jpg"), "colour portrait"),
}


# Also used by the benchmarks (--full) but not committed: no licence stated upstream.
BENCH_ONLY = {
    "motorcycle": (os.path.join(SK, "motorcycle_left.png"), "colour photo"),
    "moon": (os.path.join(SK, "moon.png"), "greyscale photo"),
    "page": (os.path.join(SK, "page.png"), "greyscale scanned text page"),
    "logo": (os.path.join(SK, "logo.png"), "graphic"),
}


# Photographs among the test images of Pillow's source distribution (--full only).
PILLOW = ["xmp_test.jpg", "junk_jpeg_header.jpg", "exif_typeerror.jpg", "sugarshack_bad_mpo_header.jpg",
          "iptc.jpg", "flower.jpg", "exif-72dpi-int.jpg"]


def pillow_images(sdist):
    """Yields (name, image) for the PILLOW photographs of a Pillow sdist."""
    import subprocess
    import tarfile
    import tempfile
    if sdist is None:
        tmp = tempfile.mkdtemp()
        subprocess.run([sys.executable, "-m", "pip", "download", "pillow==11.3.0", "--no-binary", ":all:",
                        "--no-deps", "-q", "-d", tmp], check=True)
        sdist = os.path.join(tmp, os.listdir(tmp)[0])
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            base = os.path.basename(member.name)
            if "/Tests/images/" in member.name and base in PILLOW:
                img = Image.open(tar.extractfile(member))
                img.load()
                yield "pillow_" + os.path.splitext(base)[0].replace("-", "_"), img.convert("RGB")


def load(path):
    img = Image.open(path)
    if img.mode in ("I;16", "I", "F"):
        img = img.point(lambda v: v / 256).convert("L")
    return img.convert("RGB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", metavar="DIR")
    ap.add_argument("--long", type=int, default=512)
    ap.add_argument("--pillow-sdist")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    sources = dict(SOURCES, **BENCH_ONLY) if args.full else SOURCES
    for name, (path, _) in sources.items():
        img = load(path)
        if args.full:
            os.makedirs(args.full, exist_ok=True)
            img.save(os.path.join(args.full, name + ".png"))
            continue
        w, h = img.size
        k = min(1.0, args.long / max(w, h))
        if k < 1.0:
            img = img.resize((max(1, round(w * k)), max(1, round(h * k))), Image.LANCZOS)
        img.save(os.path.join(here, name + ".jpg"), quality=92)
        print(name, img.size, file=sys.stderr)
    if args.full:
        for name, img in pillow_images(args.pillow_sdist):
            img.save(os.path.join(args.full, name + ".png"))


if __name__ == "__main__":
    main()
