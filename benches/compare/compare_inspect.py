#!/usr/bin/env python3
"""Image inspection of 50 images of 1024², fivergo vs the same checks in Pillow + numpy.

Generates N photo-like PNGs (numpy, fixed seed) into a temporary folder, runs
``target/release/examples/inspect_timings <dir>`` (build it first with
``cargo build --release --example inspect_timings``) twice, with
``RAYON_NUM_THREADS=1`` (one thread, as the peer) and with candle's default thread
pool, then runs the peer: the same
per-image checks written with Pillow + numpy, one file after another:

- decode (``Image.open(...).convert("RGB")``),
- sharpness: variance of the Laplacian over the luma variance, at a 512 px copy,
- upscale test: 2x box down + bicubic up at full size, and one octave lower,
- mean Lab chroma on a 96 px thumbnail, and a 5-colour k-means palette on it,
- edge density (Sobel) at the 512 px copy.

fivergo does more per image than the peer (the text-row detector and the Gram
statistics of a random filter bank on a 256 px copy are not replicated).

Prints a markdown table (tool, total seconds, per image ms) and a JSON line.
Usage: compare_inspect.py [--n 50] [--size 1024] [--bin PATH] [--keep DIR]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

SEED = 20260218
WORK_PX = 512
THUMB_PX = 96
PALETTE_K = 5
KMEANS_ITERS = 15
EDGE_THRESHOLD = 0.1


# --------------------------------------------------------------------- images

def photo(rng, size):
    """Octaves of bilinear value noise (1/f) in luma and two chroma fields, plus
    soft-edged ellipses: the same recipe as the Rust bench's photo-like image."""
    fields = np.zeros((3, size, size), np.float32)
    grid = 4
    while grid <= size:
        amp = 4.0 / grid
        for k in range(3):
            if k > 0 and grid > 32:
                continue
            lattice = (rng.random((grid + 1, grid + 1), dtype=np.float32) - 0.5)
            img = Image.fromarray(lattice, mode="F").resize(
                (size, size), Image.BILINEAR, box=(0, 0, grid, grid))
            fields[k] += amp * np.asarray(img) * (2.2 if k == 0 else 1.5)
        grid *= 2
    l, u, v = 0.5 + fields[0], fields[1], fields[2]
    rgb = np.stack([l + u, l - 0.5 * u - 0.5 * v, l + v], axis=-1)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for _ in range(7):
        cx, cy = size * rng.random(), size * rng.random()
        rx, ry = size * (0.06 + 0.18 * rng.random()), size * (0.06 + 0.18 * rng.random())
        tone = rng.random(3) - 0.5
        d = np.sqrt(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)
        cover = np.clip((1.0 - d) * min(rx, ry) + 0.5, 0.0, 1.0)[..., None]
        rgb = rgb * (1 - cover) + (0.5 + tone + 0.5 * (rgb - 0.5)) * cover
    return (np.clip(rgb, 0, 1) * 255).astype(np.uint8)


# ----------------------------------------------------------------------- peer

def fit_long(w, h, long):
    if w >= h:
        return long, max(1, round(h * long / w))
    return max(1, round(w * long / h)), long


def laplacian_var(p):
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * p[1:-1, 1:-1]
    return float(lap.var())


def down2(p):
    h, w = p.shape[0] // 2 * 2, p.shape[1] // 2 * 2
    p = p[:h, :w]
    return 0.25 * (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2])


def round_trip(p, small):
    h, w = small.shape
    up = np.asarray(Image.fromarray(small, mode="F").resize((2 * w, 2 * h), Image.BICUBIC))
    return float(np.mean((p[:2 * h, :2 * w] - up) ** 2))


def srgb_to_lab(rgb):
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]], np.float32)
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883], np.float32)
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def kmeans(points, k, iters, seed):
    rng = np.random.default_rng(seed)
    centres = points[rng.choice(len(points), k, replace=False)]
    for _ in range(iters):
        d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
        assign = d.argmin(1)
        new = np.array([points[assign == j].mean(0) if np.any(assign == j) else centres[j] for j in range(k)])
        if np.allclose(new, centres):
            break
        centres = new
    return centres


def edge_density(p, t):
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    return float(np.mean(gx * gx + gy * gy > (8 * t) ** 2))


def peer_inspect(path):
    img = Image.open(path).convert("RGB")
    rgb = np.asarray(img, np.float32) / 255.0
    luma = rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    d1 = down2(luma)
    d2 = down2(d1)
    d3 = down2(d2)
    e1, e2, e3 = round_trip(luma, d1), round_trip(d1, d2), round_trip(d2, d3)
    ww, wh = fit_long(img.width, img.height, WORK_PX)
    work = np.asarray(Image.fromarray(luma, mode="F").resize((ww, wh), Image.BOX))
    var = float(work.var())
    sharp = laplacian_var(work) / var if var > 1e-8 else 0.0
    edges = edge_density(work, EDGE_THRESHOLD)
    tw, th = fit_long(img.width, img.height, THUMB_PX)
    thumb = np.asarray(img.resize((tw, th), Image.BOX), np.float32).reshape(-1, 3) / 255.0
    lab = srgb_to_lab(thumb)
    chroma = float(np.hypot(lab[:, 1], lab[:, 2]).mean())
    palette = kmeans(lab, PALETTE_K, KMEANS_ITERS, 7)
    return {"sharpness": sharp, "upscale_ratio": e1 / e2 if e2 > 0 else 0.0,
            "lower_ratio": e2 / e3 if e3 > 0 else 0.0, "mean_chroma": chroma,
            "edge_density": edges, "palette": palette.tolist()}


# ----------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--bin", default=os.path.join("target", "release", "examples", "inspect_timings"))
    ap.add_argument("--keep", help="write the images here instead of a temporary folder")
    args = ap.parse_args()

    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release --example inspect_timings` first")

    with tempfile.TemporaryDirectory(prefix="fivergo-inspect-") as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        rng = np.random.default_rng(SEED)
        paths = []
        for i in range(args.n):
            path = os.path.join(folder, f"img-{i:03}.png")
            Image.fromarray(photo(rng, args.size)).save(path)
            paths.append(path)

        # Warm the page cache for both tools alike.
        for p in paths:
            with open(p, "rb") as f:
                f.read()

        def run_rust(threads):
            env = dict(os.environ)
            if threads:
                env["RAYON_NUM_THREADS"] = str(threads)
            else:
                env.pop("RAYON_NUM_THREADS", None)
            out = subprocess.run([args.bin, folder], check=True, capture_output=True, text=True, env=env)
            return json.loads(out.stdout)

        rust_pool = run_rust(None)  # candle's matmul may use its CPU thread pool
        rust = run_rust(1)          # strictly one thread, like the peer

        t0 = time.perf_counter()
        peer = [peer_inspect(p) for p in paths]
        py_total = time.perf_counter() - t0

    rust_total = rust["total_ms"] / 1000.0
    pool_total = rust_pool["total_ms"] / 1000.0
    n = args.n
    rows = [
        ("fivergo (Rust, inspect_bytes, 1 thread)", rust_total, 1000 * rust_total / n),
        (f"fivergo (Rust, inspect_bytes, default thread pool, {os.cpu_count()} CPUs)", pool_total, 1000 * pool_total / n),
        ("Pillow + numpy (same checks, no text / filter bank)", py_total, 1000 * py_total / n),
    ]
    print(f"Image inspection of {n} PNGs of {args.size}² (decode + measure), one file after another")
    print()
    print("| tool | total s | per image ms |")
    print("|---|---:|---:|")
    for name, total, per in rows:
        print(f"| {name} | {total:.3f} | {per:.1f} |")
    print()
    speedup = py_total / rust_total if rust_total > 0 else float("inf")
    print(f"fivergo (1 thread) is {speedup:.1f}x the peer's speed; goal: <= 2 s total for 50 images of 1024² "
          f"({'met' if rust_total <= 2.0 else 'NOT met'}).")
    print(json.dumps({
        "bench": "compare_inspect",
        "images": n, "size": args.size,
        "fivergo_total_s": round(rust_total, 4), "fivergo_per_image_ms": round(1000 * rust_total / n, 2),
        "fivergo_pool_total_s": round(pool_total, 4),
        "fivergo_median_image_ms": round(float(np.median(rust["per_file_ms"])), 2),
        "peer_total_s": round(py_total, 4), "peer_per_image_ms": round(1000 * py_total / n, 2),
        "speedup": round(speedup, 2), "goal_total_s": 2.0, "goal_met": rust_total <= 2.0,
        "fivergo_errors": len(rust.get("errors", [])),
        "fivergo_mean_sharpness": round(rust.get("mean_sharpness", 0.0), 5),
        "peer_mean_sharpness": round(float(np.mean([p["sharpness"] for p in peer])), 5),
        "fivergo_mean_chroma": round(rust.get("mean_chroma", 0.0), 2),
        "peer_mean_chroma": round(float(np.mean([p["mean_chroma"] for p in peer])), 2),
        "peer_mean_upscale_ratio": round(float(np.mean([p["upscale_ratio"] for p in peer])), 4),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
