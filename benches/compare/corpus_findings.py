#!/usr/bin/env python3
"""Asset findings (SPEC A4, A8) on the real-photo corpus and labelled variants.

Takes the photographs written by ``tests/corpus/build.py --full DIR`` and makes, for
each one whose shorter side is at least 300 px, labelled variants with Pillow:

- ``blur1_5``, ``blur2``: Gaussian blur of 1.5 and 2 px;
- ``up2``, ``up3``, ``up4``: shrunk k× (Lanczos) and enlarged back (bilinear,
  bicubic or Lanczos in turn); ``up2_5``, ``up3_3``: the same by 2.5× and 3.3×;
- ``stock``: a tiled, rotated, semi-transparent stock-photo mark (white fill at
  35 %, dark outline at 16 %);
- ``stock_faint``: the same mark as first made, about a third as strong (12 % fill:
  at most 11 grey levels on a dark background);
- ``hand``: three lines of synthetic cursive handwriting in dark ink;
- ``caption``: one line of white caption text with a dark outline;
- ``draft``: fivergo's own draft, as the hub hands it out: visible mark (W1) and
  invisible payload (W2), made by the example in process;
- ``orig_j85``, ``blur1_5_j85``, ``blur2_j85`` and ``up*_j85``: those variants saved as JPEG at quality 85 and decoded again (kept
  as PNG), as most uploads arrive.

Labels are a function of the photograph and the variant (``label``). The
photograph ``moon`` is itself a 2× enlargement (every 2×2 block of its pixels is
one value): its ``orig`` counts as enlarged, and its blurred and overlaid variants
are not scored for enlargement.

Then runs ``target/release/examples/corpus_findings <dir>`` (build it first:
``cargo build --release --example corpus_findings``), which inspects every file
and reviews the folder as one set, and prints, per finding, true and false positives
and negatives against the labels. Usage: corpus_findings.py [--full DIR] [--keep DIR]
[--reuse] [--bin PATH] [--checks JSON] [--measures FILE]

- ``--bin``: the example binary (default ``$CARGO_TARGET_DIR/release/examples/
  corpus_findings`` when that variable is set, else ``target/release/...``);
- ``--keep DIR --reuse``: keep the variants in DIR and, on later runs, score them
  again without making them anew;
- ``--checks JSON``: a partial ``ImageChecks`` object passed to the example (sweep
  thresholds without rebuilding);
- ``--measures FILE``: write every file's measures (octave ratios, periodicity,
  glyphs) to FILE as JSON.
"""

import argparse
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import matplotlib
from PIL import Image, ImageDraw, ImageFilter, ImageFont

GREY = {"camera", "coins", "gravel", "grass", "brick", "moon", "page", "text", "horse"}
TEXT = {"page", "text", "pillow_junk_jpeg_header", "pillow_iptc"}  # originals that show text themselves
ENLARGED = {"moon"}  # originals whose own file is an enlargement
JPEG_OF = ("orig", "blur1_5", "blur2", "up2", "up2_5", "up3", "up3_3", "up4")  # variants also saved as JPEG 85
VARIANTS = ("orig", "blur1_5", "blur2", "up2", "up2_5", "up3", "up3_3", "up4", "stock", "stock_faint", "hand", "caption", "draft") + tuple(
    f"{v}_j85" for v in JPEG_OF)


def label(base, variant):
    """What each finding should say about ``{base}__{variant}.png`` (``None``: not scored)."""
    v = variant.removesuffix("_j85")
    enlarged = v.startswith("up")
    if base in ENLARGED and not enlarged:
        enlarged = True if v == "orig" else None
    return {
        "text_or_watermark": v in ("stock", "stock_faint", "hand", "caption", "draft") or base in TEXT,
        "upscaled": enlarged,
        # Enlargements lose detail too: not scored for blur.
        "blurry": None if v.startswith("up") else v.startswith("blur"),
        # Handwriting is in dark blue ink: those variants are colour.
        "monochrome": base in GREY and v != "hand",
    }


def jpeg85(img):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    buf.seek(0)
    return Image.open(buf).convert("RGB")
FONT = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans-Bold.ttf")


def stock_mark(img, rnd, fill=90, outline=40, faint=False):
    """Tiles ``© STOCKPIX`` along a rising diagonal: a white fill of opacity
    ``fill``/255 with a dark outline of ``outline``/255, composited as such.

    ``faint``: the variant's first version, which pasted each tile through its own
    alpha and so squared it (about 12 % fill, 2.5 % outline: at most 11 grey levels
    on a dark background)."""
    w, h = img.size
    size = max(14, min(w, h) // 12)
    font = ImageFont.truetype(FONT, size)
    tile = Image.new("RGBA", (size * 9, size * 3), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    d.text((size // 2, size // 2), "© STOCKPIX", font=font, fill=(255, 255, 255, fill),
           stroke_width=max(1, size // 16), stroke_fill=(0, 0, 0, outline))
    tile = tile.rotate(30, expand=True)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    for y in range(-tile.height, h + tile.height, tile.height * 2 // 3):
        for x in range(-tile.width, w + tile.width, tile.width * 3 // 4):
            if faint:
                layer.paste(tile, (x, y), tile)
            elif x + tile.width > 0 and y + tile.height > 0 and x < w and y < h:
                layer.alpha_composite(tile, (max(x, 0), max(y, 0)), (max(-x, 0), max(-y, 0)))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def handwriting(img, rnd):
    w, h = img.size
    out = img.copy()
    d = ImageDraw.Draw(out)
    x_h = max(8, min(w, h) // 30)  # height of a small letter
    ink = (20, 25, 70)
    for line in range(3):
        y0 = h * (0.55 + 0.12 * line)
        x = w * 0.08
        while x < w * 0.85:
            letters = rnd.randint(3, 8)
            pts = []
            for i in range(letters * 12 + 1):
                t = i / 12
                loop = rnd.uniform(0.8, 1.6) if i % 12 == 0 else None
                pts.append((x + t * x_h * 0.9 + 0.35 * x_h * math.sin(2 * math.pi * t),
                            y0 - x_h * (0.5 + 0.5 * math.cos(2 * math.pi * t)) * (1.6 if int(t) % 3 == 1 else 1.0)))
            d.line(pts, fill=ink, width=max(2, x_h // 6), joint="curve")
            x += letters * x_h * 0.9 + x_h * rnd.uniform(0.8, 1.5)
    return out


def caption(img, rnd):
    w, h = img.size
    out = img.copy()
    d = ImageDraw.Draw(out)
    size = max(12, min(w, h) // 18)
    font = ImageFont.truetype(FONT, size)
    d.text((w * 0.05, h - 2 * size), "Photo by J. Smith - all rights reserved", font=font,
           fill=(255, 255, 255), stroke_width=max(1, size // 12), stroke_fill=(0, 0, 0))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", help="the corpus folder (default: built now with tests/corpus/build.py --full)")
    ap.add_argument("--keep")
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    ap.add_argument("--bin", default=os.path.join(target, "release", "examples", "corpus_findings"))
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--checks")
    ap.add_argument("--measures")
    args = ap.parse_args()
    if args.reuse and args.keep and os.path.isdir(args.keep):
        return score(args, args.keep, labels_of(args.keep))
    if not args.full:
        args.full = tempfile.mkdtemp()
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([sys.executable, os.path.join(here, "..", "..", "tests", "corpus", "build.py"), "--full", args.full],
                       check=True)
    out = args.keep or tempfile.mkdtemp()
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(20261202)
    filters = [Image.BILINEAR, Image.BICUBIC, Image.LANCZOS]
    for i, name in enumerate(sorted(f for f in os.listdir(args.full) if f.endswith(".png"))):
        base = name[:-4]
        img = Image.open(os.path.join(args.full, name)).convert("RGB")
        w, h = img.size
        if min(w, h) < 300:
            continue
        variants = {
            "orig": img,
            "blur1_5": img.filter(ImageFilter.GaussianBlur(1.5)),
            "blur2": img.filter(ImageFilter.GaussianBlur(2)),
        }
        for k in (2, 3, 4):
            small = img.resize((w // k, h // k), Image.LANCZOS)
            variants[f"up{k}"] = small.resize((w // k * k, h // k * k), filters[(i + k) % 3])
        for k, name in ((2.5, "up2_5"), (3.3, "up3_3")):
            small = img.resize((round(w / k), round(h / k)), Image.LANCZOS)
            variants[name] = small.resize((w, h), filters[(i + int(k)) % 3])
        variants["stock"] = stock_mark(img, rnd)
        variants["stock_faint"] = stock_mark(img, rnd, faint=True)
        variants["hand"] = handwriting(img, rnd)
        variants["caption"] = caption(img, rnd)
        for v in JPEG_OF:
            variants[f"{v}_j85"] = jpeg85(variants[v])
        for v, im in variants.items():
            im.save(os.path.join(out, f"{base}__{v}.png"))
    score(args, out, labels_of(out))


def labels_of(folder):
    """Labels of the variants in ``folder``, and of the draft the example makes of each ``orig``."""
    labels = {}
    for fname in sorted(os.listdir(folder)):
        if fname.endswith(".png") and "__" in fname:
            base, variant = fname[:-4].split("__", 1)
            labels[fname] = label(base, variant)
            if variant == "orig":
                labels[f"{base}__draft.png"] = label(base, "draft")
    return labels


# Blur is judged against the set: scored in the set a seller would upload, the file
# with the original of every other photograph.
KEY = {"blurry": "blurry_among_originals"}


def score(args, out, labels):
    cmd = [args.bin, out, "--draft-orig"]
    if args.checks:
        cmd += ["--checks", args.checks]
    if args.measures:
        cmd += ["--measures"]
    result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    found = {f["file"]: f for f in result["files"]}
    if args.measures:
        with open(args.measures, "w") as f:
            json.dump({k: v.get("measures") for k, v in found.items()}, f, indent=0)
    print(f"{len(labels)} images ({len(labels) // len(VARIANTS)} photographs × {len(VARIANTS)} variants)\n")
    print("| finding | variants labelled positive | TP | FN | FP | TN | recall | false-positive rate |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for finding in ("text_or_watermark", "draft_mark", "upscaled", "blurry", "monochrome"):
        tp = fn = fp = tn = 0
        misses, alarms = [], []
        for fname, lab in labels.items():
            got = found.get(fname, {}).get(KEY.get(finding, finding), False)
            # Only fivergo's own drafts carry a draft's invisible mark.
            expected = fname.endswith("__draft.png") if finding == "draft_mark" else lab[finding]
            if expected is None:
                continue
            if expected:
                tp += got
                fn += not got
                if not got:
                    misses.append(fname)
            else:
                fp += got
                tn += not got
                if got:
                    alarms.append(fname)
        pos = {"text_or_watermark": "stock, hand, caption, draft, text photos", "draft_mark": "draft",
               "upscaled": "up2, up2_5, up3, up3_3, up4 (also as JPEG), moon's own file",
               "blurry": "blur1_5, blur2 (also as JPEG; up* not scored), each in a set with the 23 other originals", "monochrome": "greyscale originals"}[finding]
        print(f"| {finding} | {pos} | {tp} | {fn} | {fp} | {tn} | {tp / max(1, tp + fn):.2f} | {fp / max(1, fp + tn):.2f} |")
        print(f"<!-- {finding} misses: {' '.join(sorted(misses))} -->", file=sys.stderr)
        print(f"<!-- {finding} false alarms: {' '.join(sorted(alarms))} -->", file=sys.stderr)
    print()
    print("| variant | text_or_watermark found | draft_mark found | upscaled found | blurry found |")
    print("|---|---:|---:|---:|---:|")
    for v in VARIANTS:
        files = [f for f in labels if f.endswith(f"__{v}.png")]
        cell = lambda k: f"{sum(found.get(f, {}).get(KEY.get(k, k), False) for f in files)}/{len(files)}"
        print(f"| {v} | {cell('text_or_watermark')} | {cell('draft_mark')} | {cell('upscaled')} | {cell('blurry')} |")
    print()
    print(f"set-level findings of the whole folder: {', '.join(result['set']) or 'none'}")
    print(json.dumps({"timing_ms": result.get("total_ms")}))


if __name__ == "__main__":
    main()
