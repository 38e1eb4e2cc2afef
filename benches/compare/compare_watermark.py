#!/usr/bin/env python3
"""Image watermarks, fivergo vs Pillow (visible) and invisible-watermark (invisible).

Generates N RGBA images of SIZE² (numpy, fixed seed: photo-like textures and line
art) as PNGs into a temporary folder, then:

- runs ``target/release/examples/watermark_timings <dir> --write-marked <dir2>``
  (build it first: ``cargo build --release --example watermark_timings``): the
  visible draft mark, the invisible embed and detect, each timed as the best of
  ``--repeat`` runs, PSNR, and attacks applied in-process by the example;
- visible peer: Pillow ``Image.alpha_composite`` of a tiled, rotated
  "DRAFT order-N" text overlay with an outline, timed twice: the composite alone
  (overlay rendered once beforehand) and the overlay rendering plus the composite
  (what fivergo's ``draft`` does per image, whose offset and opacity change per draft);
- invisible peer: imwatermark ``WatermarkEncoder`` / ``WatermarkDecoder`` with
  ``dwtDctSvd`` and the same 64-bit payload (``set_watermark('bytes', b'FIVERGO!')``),
  embed and detect timed the same way (best of ``--peer-repeat`` runs: each takes
  about a second);
- attacks applied with Pillow to both tools' marked images: JPEG quality 50, a 2x
  bilinear downscale and upscale, 10 % of width and height cropped at the top-left
  corner, brightness +10 % and -10 % (``ImageEnhance.Brightness``). fivergo reads the
  attacked files with ``watermark_timings --read``; imwatermark decodes its own.
  "exact" counts images whose 64 payload bits all came back (fivergo also checks its
  CRC-32 and reports nothing otherwise; imwatermark has no check).

Prints one markdown table per metric with both tools side by side, then a JSON line.
With ``--corpus DIR`` (the folder of ``tests/corpus/build.py --full DIR``) the real
photographs of at least 300 px a side are used instead of generated images, and the
attacks are those of issue 11 (JPEG 30/50/90, crops, tone, noise, kept rescales
0.5×–2×, rotations, a flip, and the screenshot chain 0.8× + JPEG 80).

Usage: compare_watermark.py [--n 8] [--size 1024] [--repeat 3] [--peer-repeat 1]
                            [--bin PATH] [--keep DIR] [--corpus DIR]
"""

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import types

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

# invisible-watermark imports torch for its RivaGAN method only; dwtDctSvd needs none
# of it (the runner installs the package without its declared dependencies).
sys.modules.setdefault("torch", types.ModuleType("torch"))
from imwatermark import WatermarkDecoder, WatermarkEncoder  # noqa: E402

SEED = 20260218
PAYLOAD = b"FIVERGO!"
PAYLOAD_BITS = np.unpackbits(np.frombuffer(PAYLOAD, np.uint8)).astype(bool)
# The example's in-process attacks carry the same names.
ATTACKS = ["jpeg90", "jpeg50", "jpeg30", "down_up_2x", "crop10", "crop25", "brightness_plus10",
           "brightness_minus10", "contrast_1.2", "noise_sigma4", "rescale_0.5", "rescale_0.75", "rescale_0.98",
           "rescale_1.02", "rescale_1.5", "rescale_2", "rotate_0.5", "rotate_-2", "rotate_5", "rotate_-5", "flip",
           "screenshot_0.8_jpeg80"]
RUST_ATTACK_NAMES = {a: a for a in ATTACKS}


# --------------------------------------------------------------------- images

def photo(rng, size):
    """Octaves of bilinear value noise (1/f) in luma and two chroma fields, plus
    soft-edged ellipses and sensor grain."""
    fields = np.zeros((3, size, size), np.float32)
    grid = 4
    while grid <= size // 2:
        amp = 4.0 / grid ** 0.5 / 8.0
        for k in range(3):
            if k > 0 and grid > 32:
                continue
            lattice = rng.random((grid + 1, grid + 1), dtype=np.float32) - 0.5
            img = Image.fromarray(lattice, mode="F").resize(
                (size, size), Image.BILINEAR, box=(0, 0, grid, grid))
            fields[k] += amp * np.asarray(img) * (1.6 if k == 0 else 1.0)
        grid *= 2
    l, u, v = 0.5 + fields[0], fields[1], fields[2]
    rgb = np.stack([l + u, l - 0.5 * u - 0.5 * v, l + v], axis=-1)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for _ in range(6):
        cx, cy = size * rng.random(), size * rng.random()
        rx, ry = size * (0.05 + 0.15 * rng.random()), size * (0.05 + 0.15 * rng.random())
        tone = rng.random(3) - 0.5
        d = np.sqrt(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)
        cover = np.clip((1.0 - d) * min(rx, ry) * 0.2 + 0.5, 0.0, 1.0)[..., None]
        rgb = rgb * (1 - cover) + (0.5 + tone + 0.5 * (rgb - 0.5)) * cover
    rgb += (rng.random((size, size, 1), dtype=np.float32) - 0.5) * 0.02
    return (np.clip(rgb, 0, 1) * 255).astype(np.uint8)


def line_art(rng, size):
    """Dark strokes of several widths on off-white paper."""
    img = Image.new("RGB", (size, size), (250, 248, 240))
    draw = ImageDraw.Draw(img)
    for _ in range(size // 12):
        pts = [(float(rng.random() * size), float(rng.random() * size)) for _ in range(2)]
        draw.line(pts, fill=(20, 20, 20), width=int(1 + rng.integers(0, 6)))
    for _ in range(size // 64):
        cx, cy, r = rng.random() * size, rng.random() * size, 10 + rng.random() * size / 8
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(20, 20, 20), width=int(1 + rng.integers(0, 4)))
    return np.asarray(img)


def make_images(folder, n, size):
    rng = np.random.default_rng(SEED)
    names = []
    for i in range(n):
        rgb = line_art(rng, size) if i % 4 == 3 else photo(rng, size)
        rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
        name = f"{'lineart' if i % 4 == 3 else 'photo'}_{i:02d}.png"
        Image.fromarray(rgba, "RGBA").save(os.path.join(folder, name))
        names.append(name)
    return names


# -------------------------------------------------------------------- helpers

def best_ms(repeat, fn):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, (time.perf_counter() - t) * 1e3)
    return best, out


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else float("nan")


def psnr(a, b):
    mse = np.mean((a[..., :3].astype(np.float64) - b[..., :3].astype(np.float64)) ** 2)
    return 10 * np.log10(255.0 ** 2 / max(mse, 1e-12))


def jpeg(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def attack(img, name):
    """`img` is a Pillow RGB image; returns the attacked Pillow image."""
    w, h = img.size
    if name.startswith("jpeg"):
        return jpeg(img, int(name[4:]))
    if name == "down_up_2x":
        return img.resize((w // 2, h // 2), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    if name.startswith("crop"):
        k = int(name[4:])
        return img.crop((w * k // 100, h * k // 100, w, h))
    if name == "brightness_plus10":
        return ImageEnhance.Brightness(img).enhance(1.1)
    if name == "brightness_minus10":
        return ImageEnhance.Brightness(img).enhance(0.9)
    if name == "contrast_1.2":
        return ImageEnhance.Contrast(img).enhance(1.2)
    if name == "noise_sigma4":
        a = np.asarray(img, np.float32) + np.random.default_rng(SEED).normal(0, 4, (h, w, 3))
        return Image.fromarray(np.clip(a.round(), 0, 255).astype(np.uint8), "RGB")
    if name.startswith("rescale_"):
        f = float(name[8:])
        return img.resize((max(1, round(w * f)), max(1, round(h * f))), Image.BILINEAR)
    if name.startswith("rotate_"):
        return img.rotate(-float(name[7:]), resample=Image.BILINEAR)
    if name == "flip":
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    if name == "screenshot_0.8_jpeg80":
        return jpeg(img.resize((round(w * 0.8), round(h * 0.8)), Image.BILINEAR), 80)
    raise ValueError(name)


def font(px):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                 "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"):
        if os.path.exists(path):
            return ImageFont.truetype(path, px)
    try:
        return ImageFont.load_default(size=px)
    except TypeError:
        return ImageFont.load_default()


def draft_overlay(size, reference, seed):
    """A tiled, rotated "DRAFT <reference>" layer: light fill, dark outline, with a
    per-draft offset and opacity like fivergo's mark."""
    rng = np.random.default_rng(seed)
    w, h = size
    big = int(1.5 * max(w, h))
    layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    f = font(max(10, min(w, h) // 28))
    alpha = int(255 * 0.35 * (0.85 + 0.3 * rng.random()))
    text = f"DRAFT {reference}"
    tw = draw.textlength(text, font=f)
    pitch = max(12, min(w, h) // 6)
    ox, oy = rng.random() * tw, rng.random() * pitch
    for row, y in enumerate(np.arange(-pitch + oy, big, pitch)):
        x0 = -tw + ox + (tw / 2 if row % 2 else 0)
        for x in np.arange(x0, big, tw + pitch / 2):
            draw.text((x, y), text, font=f, fill=(255, 255, 255, alpha),
                      stroke_width=1, stroke_fill=(0, 0, 0, alpha))
    layer = layer.rotate(26.57, resample=Image.BILINEAR)
    left, top = (big - w) // 2, (big - h) // 2
    return layer.crop((left, top, left + w, top + h))


def bit_accuracy(bits):
    bits = np.asarray(bits, bool)[:64]
    return float(np.mean(bits == PAYLOAD_BITS))


# ----------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-repeat", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join("target", "release", "examples", "watermark_timings"))
    ap.add_argument("--keep", default=None, help="keep generated and attacked images here")
    ap.add_argument("--corpus", default=None,
                    help="real photographs (tests/corpus/build.py --full DIR) instead of generated images")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: cargo build --release --example watermark_timings")

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or tmp
        clean_dir, marked_dir = os.path.join(root, "clean"), os.path.join(root, "fivergo_marked")
        for d in (clean_dir, marked_dir):
            os.makedirs(d, exist_ok=True)
        if args.corpus:
            names = []
            for f in sorted(os.listdir(args.corpus)):
                img = Image.open(os.path.join(args.corpus, f)).convert("RGB")
                if f.endswith(".png") and min(img.size) >= 300:
                    img.save(os.path.join(clean_dir, f))
                    names.append(f)
        else:
            names = make_images(clean_dir, args.n, args.size)

        # fivergo: timings, PSNR, in-process attacks; marked PNGs for Pillow's attacks.
        out = subprocess.run([args.bin, clean_dir, "--repeat", str(args.repeat), "--write-marked", marked_dir],
                             check=True, capture_output=True, text=True)
        rust = json.loads(out.stdout)
        # Pictures fivergo found unfit (too flat) are left out of the comparison.
        names = [nm for nm in names if os.path.exists(os.path.join(marked_dir, nm))]

        # Pillow visible mark.
        pil_composite, pil_render_composite = [], []
        for i, name in enumerate(names):
            img = Image.open(os.path.join(clean_dir, name)).convert("RGBA")
            img.load()
            overlay = draft_overlay(img.size, f"order-{i}", i)
            ms, _ = best_ms(args.repeat, lambda: Image.alpha_composite(img, overlay))
            pil_composite.append(ms)
            ms, _ = best_ms(args.repeat, lambda: Image.alpha_composite(img, draft_overlay(img.size, f"order-{i}", i)))
            pil_render_composite.append(ms)

        # imwatermark dwtDctSvd: embed, detect, PSNR, Pillow attacks.
        enc = WatermarkEncoder()
        enc.set_watermark("bytes", PAYLOAD)
        dec = WatermarkDecoder("bits", 64)
        peer = {"embed": [], "detect": [], "psnr": [], "attacks": {a: [] for a in ["none"] + ATTACKS}}
        rust_pillow = {a: [] for a in ATTACKS}
        for name in names:
            rgba = np.asarray(Image.open(os.path.join(clean_dir, name)).convert("RGBA"))
            bgr = np.ascontiguousarray(rgba[..., 2::-1])
            ms, marked_bgr = best_ms(args.peer_repeat, lambda: enc.encode(bgr, "dwtDctSvd"))
            peer["embed"].append(ms)
            peer["psnr"].append(psnr(bgr, marked_bgr))
            ms, bits = best_ms(args.peer_repeat, lambda: dec.decode(marked_bgr, "dwtDctSvd"))
            peer["detect"].append(ms)
            peer["attacks"]["none"].append(bit_accuracy(bits))
            marked_rgb = Image.fromarray(np.ascontiguousarray(marked_bgr[..., ::-1]), "RGB")
            rust_marked = Image.open(os.path.join(marked_dir, name)).convert("RGB")
            for a in ATTACKS:
                attacked = np.asarray(attack(marked_rgb, a))
                try:
                    bits = dec.decode(np.ascontiguousarray(attacked[..., ::-1]), "dwtDctSvd")
                    peer["attacks"][a].append(bit_accuracy(bits))
                except RuntimeError:  # it refuses pictures under 256² (a 0.5× rescale)
                    peer["attacks"][a].append(0.5)
                adir = os.path.join(root, "fivergo_" + a)
                os.makedirs(adir, exist_ok=True)
                attack(rust_marked, a).save(os.path.join(adir, name))

        for a in ATTACKS:
            out = subprocess.run([args.bin, "--read", os.path.join(root, "fivergo_" + a)],
                                 check=True, capture_output=True, text=True)
            rust_pillow[a] = json.loads(out.stdout)["files"]

    n = len(names)
    rt = rust["timings_ms"]
    r_draft, r_embed, r_detect = (rt[k]["median"] for k in ("visible_draft", "invisible_embed", "invisible_detect"))
    p_comp, p_full = median(pil_composite), median(pil_render_composite)
    p_embed, p_detect = median(peer["embed"]), median(peer["detect"])

    what = (f"{n} real photographs of {args.corpus}" if args.corpus
            else f"{n} RGBA images of {args.size}² ({n - n // 4} photo-like, {n // 4} line art)")
    print(f"Image watermarks on {what}, one after another on one thread; median per image of the best of "
          f"{args.repeat} runs (imwatermark: {args.peer_repeat})")
    print()
    print(f"fivergo unmarked reads (clean and visible-only drafts, as they are and under every attack): "
          f"{rust['unmarked_reads']}, false payloads: {rust['false_payloads']}")
    print()
    print("| mark | fivergo ms | peer | peer ms | fivergo speed-up | goal |")
    print("|---|---:|---|---:|---:|---|")
    print(f"| visible | {r_draft:.1f} | Pillow alpha_composite (overlay prebuilt) | {p_comp:.1f} | "
          f"{p_comp / r_draft:.2f}x | >= 3x |")
    print(f"| visible | {r_draft:.1f} | Pillow overlay render + alpha_composite | {p_full:.1f} | "
          f"{p_full / r_draft:.2f}x | >= 3x |")
    print(f"| invisible embed | {r_embed:.1f} | imwatermark dwtDctSvd | {p_embed:.1f} | "
          f"{p_embed / r_embed:.1f}x | <= 30 ms, >= 5x |")
    print(f"| invisible detect | {r_detect:.1f} | imwatermark dwtDctSvd | {p_detect:.1f} | "
          f"{p_detect / r_detect:.1f}x | <= 30 ms, >= 5x |")
    print()
    print("| invisible mark quality | fivergo | imwatermark dwtDctSvd |")
    print("|---|---:|---:|")
    print(f"| PSNR dB, median | {rust['psnr_db']['median']:.1f} | {median(peer['psnr']):.1f} |")
    print(f"| PSNR dB, min | {rust['psnr_db']['min']:.1f} | {min(peer['psnr']):.1f} |")
    print()
    print("Robustness: images whose 64 payload bits all came back (exact) and mean bit accuracy.")
    print()
    print("| attack | fivergo exact (Pillow attack) | fivergo bit acc. | imwatermark exact (Pillow attack) "
          "| imwatermark bit acc. | fivergo exact (in-process attack) |")
    print("|---|---:|---:|---:|---:|---:|")
    summary = {}
    for a in ["none"] + ATTACKS:
        if a == "none":
            r_ok = rust["attacks"]["none"]["decoded"]
            r_acc = rust["attacks"]["none"]["bit_accuracy"]
        else:
            r_ok = sum(f["decoded"] for f in rust_pillow[a])
            r_acc = float(np.mean([f["bit_accuracy"] for f in rust_pillow[a]]))
        p_accs = peer["attacks"][a]
        p_ok = sum(acc == 1.0 for acc in p_accs)
        r_in = rust["attacks"][RUST_ATTACK_NAMES.get(a, a)]["decoded"]
        print(f"| {a} | {r_ok}/{n} | {r_acc:.3f} | {p_ok}/{n} | {float(np.mean(p_accs)):.3f} | {r_in}/{n} |")
        summary[a] = {"fivergo_exact": r_ok, "fivergo_bit_accuracy": r_acc, "imwatermark_exact": p_ok,
                      "imwatermark_bit_accuracy": float(np.mean(p_accs)), "fivergo_in_process_exact": r_in}
    print()
    print(json.dumps({
        "bench": "watermark", "images": n, "size": args.size, "repeat": args.repeat,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "ms": {"fivergo_visible": r_draft, "pillow_composite": p_comp, "pillow_render_composite": p_full,
               "fivergo_embed": r_embed, "imwatermark_embed": p_embed,
               "fivergo_detect": r_detect, "imwatermark_detect": p_detect},
        "psnr_db": {"fivergo_median": rust["psnr_db"]["median"], "imwatermark_median": median(peer["psnr"])},
        "attacks": summary,
        "fivergo_unfit": rust.get("unfit", []),
    }))


if __name__ == "__main__":
    main()
