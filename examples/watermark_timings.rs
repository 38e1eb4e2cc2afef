//! Times the image watermarks (SPEC W1, W2) on every PNG in a folder and measures how
//! the invisible mark survives the attacks of the media issue.
//!
//! ```text
//! cargo build --release --example watermark_timings
//! target/release/examples/watermark_timings <folder-of-pngs> [--repeat N] [--write-marked DIR] [--attacks a,b]
//! target/release/examples/watermark_timings --read <folder> [--payload HEX]
//! ```
//!
//! The first form, for each PNG (decoded outside the timings): the visible draft mark
//! ([`fivergo::watermark::draft`]), the invisible embed of the payload `"FIVERGO!"`
//! and its detection, each timed as the best of `--repeat` runs (default 3), one file
//! after another on one thread; the PSNR of the invisible mark; then attacks applied
//! in-process to the marked image, each followed by `detect` (exact payload?) and
//! `read_bits` (share of the 64 payload bits right):
//!
//! - `jpeg90`, `jpeg50`, `jpeg30`: a baseline JPEG round trip at that quality (JFIF
//!   YCbCr, 4:2:0 chroma, IJG tables, 8×8 DCT quantisation: what an encoder and
//!   decoder do to the pixels; the entropy coding in between is lossless and is
//!   skipped);
//! - `down_up_2x`: halved then restored with a triangle (bilinear) filter;
//! - `crop10`, `crop25`: 10 % / 25 % of the width and height removed at the top-left;
//! - `brightness_plus10`, `brightness_minus10`: every channel × 1.1 or × 0.9, clamped;
//!   `contrast_1.2` about mid-grey; `noise_sigma4`: Gaussian noise of 4 grey levels;
//! - `rescale_F`: a kept rescale by F (triangle filter), `rotate_D`: turned by D
//!   degrees about the centre (same size, black corners), `flip`: left–right mirror,
//!   `screenshot_0.8_jpeg80`: 0.8× then JPEG 80.
//!
//! Unmarked reads: the clean picture and its visible-only draft, as they are and
//! under every attack, are read too; any payload found there is a false one.
//!
//! `--attacks a,b` keeps only the attacks named.
//!
//! Prints one JSON object (timings in ms, per-attack decode counts and mean bit
//! accuracy, per-file details). `--write-marked DIR` also writes each marked image
//! as PNG into `DIR`, so another tool can attack it (the comparison script does, with
//! Pillow). The `--read` form detects the mark in every PNG or JPEG of a folder and
//! prints, per file, whether the payload (default `"FIVERGO!"`) decoded exactly and
//! the bit accuracy.

use fivergo::media::image::{decode, encode_png};
use fivergo::media::MediaLimits;
use fivergo::watermark::invisible::{detect, embed, read_bits, InvisibleStyle};
use fivergo::watermark::{draft, DraftMark, WatermarkStyle};
use fivergo::{Artifact, Image};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `"FIVERGO!"` as a big-endian u64: the payload every tool in the comparison embeds.
const PAYLOAD: u64 = u64::from_be_bytes(*b"FIVERGO!");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let payload = match flag("--payload") {
        Some(hex) => u64::from_str_radix(hex.trim_start_matches("0x"), 16)
            .unwrap_or_else(|e| fail(&format!("--payload: {e}"))),
        None => PAYLOAD,
    };
    if let Some(dir) = flag("--read") {
        println!("{}", read_folder(Path::new(&dir), payload));
        return;
    }
    let Some(dir) = args.first().filter(|a| !a.starts_with("--")) else {
        fail("usage: watermark_timings <folder-of-pngs> [--repeat N] [--write-marked DIR] | --read <folder>")
    };
    let repeat: usize = flag("--repeat").map_or(3, |r| {
        r.parse().unwrap_or_else(|_| fail("--repeat: not a number"))
    });
    let out_dir = flag("--write-marked").map(PathBuf::from);
    let only = flag("--attacks");
    println!(
        "{}",
        time_folder(
            Path::new(dir),
            repeat.max(1),
            out_dir.as_deref(),
            payload,
            only.as_deref()
        )
    );
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}

fn images_in(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| ["png", "jpg", "jpeg"].contains(&x.to_ascii_lowercase().as_str()))
        })
        .collect();
    paths.sort();
    paths
}

fn load(path: &Path) -> Image {
    let bytes = std::fs::read(path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    decode(&bytes, &MediaLimits::default())
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())))
}

/// Best wall time of `repeat` runs of `f`, in ms, and its last result.
fn best_of<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..repeat {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed().as_secs_f64() * 1e3);
        last = Some(out);
    }
    (best, last.expect("repeat ≥ 1"))
}

/// Share of the 64 payload bits `read_bits` gets right (0 when nothing can be read).
fn bit_accuracy(img: &Image, style: &InvisibleStyle, payload: u64) -> f64 {
    let Some(bits) = read_bits(img, style) else {
        return 0.0;
    };
    let right = (0..64)
        .filter(|&i| bits[i] == ((payload >> (63 - i)) & 1 == 1))
        .count();
    right as f64 / 64.0
}

fn read_folder(dir: &Path, payload: u64) -> Value {
    let style = InvisibleStyle::default();
    let files: Vec<Value> = images_in(dir)
        .iter()
        .map(|path| {
            let img = load(path);
            let found = detect(&img, &style);
            json!({
                "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
                "decoded": found.payload() == Some(payload),
                "detection": found,
                "bit_accuracy": bit_accuracy(&img, &style, payload),
            })
        })
        .collect();
    json!({ "files": files })
}

fn summary(values: &[f64]) -> Value {
    if values.is_empty() {
        return Value::Null;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    json!({ "median": sorted[sorted.len() / 2], "mean": mean, "min": sorted[0], "max": sorted[sorted.len() - 1] })
}

/// An attack on a marked image.
type Attack = fn(&Image) -> Image;

/// The attacks of the watermark issues: codecs, resampling, crops, tone, noise, and
/// the geometric changes a leak goes through (kept rescales, rotations, a flip, and
/// the screenshot chain of a 0.8× rescale then JPEG 80).
fn attacks() -> Vec<(&'static str, Attack)> {
    vec![
        ("jpeg90", |img| jpeg_round_trip(img, 90)),
        ("jpeg50", |img| jpeg_round_trip(img, 50)),
        ("jpeg30", |img| jpeg_round_trip(img, 30)),
        ("down_up_2x", |img| {
            resize(
                &resize(img, img.width / 2, img.height / 2),
                img.width,
                img.height,
            )
        }),
        ("crop10", |img| {
            crop_top_left(img, img.width / 10, img.height / 10)
        }),
        ("crop25", |img| {
            crop_top_left(img, img.width / 4, img.height / 4)
        }),
        ("brightness_plus10", |img| brightness(img, 1.1)),
        ("brightness_minus10", |img| brightness(img, 0.9)),
        ("contrast_1.2", |img| contrast(img, 1.2)),
        ("noise_sigma4", |img| noise(img, 4.0)),
        ("rescale_0.5", |img| rescale(img, 0.5)),
        ("rescale_0.75", |img| rescale(img, 0.75)),
        ("rescale_0.98", |img| rescale(img, 0.98)),
        ("rescale_1.02", |img| rescale(img, 1.02)),
        ("rescale_1.5", |img| rescale(img, 1.5)),
        ("rescale_2", |img| rescale(img, 2.0)),
        ("rotate_0.5", |img| rotate(img, 0.5)),
        ("rotate_-2", |img| rotate(img, -2.0)),
        ("rotate_5", |img| rotate(img, 5.0)),
        ("rotate_-5", |img| rotate(img, -5.0)),
        ("flip", flip),
        ("screenshot_0.8_jpeg80", |img| {
            jpeg_round_trip(&rescale(img, 0.8), 80)
        }),
    ]
}

fn time_folder(
    dir: &Path,
    repeat: usize,
    out_dir: Option<&Path>,
    payload: u64,
    only: Option<&str>,
) -> Value {
    let style = InvisibleStyle::default();
    let visible = WatermarkStyle::default();
    let attacks: Vec<(&str, Attack)> = match only {
        Some(names) => attacks()
            .into_iter()
            .filter(|(l, _)| names.split(',').any(|n| n == *l))
            .collect(),
        None => attacks(),
    };
    let (mut t_draft, mut t_embed, mut t_detect, mut psnrs) = (vec![], vec![], vec![], vec![]);
    let (mut t_resync, mut t_unmarked) = (vec![], vec![]);
    let mut decoded = vec![0usize; attacks.len() + 1];
    let mut accuracy = vec![Vec::new(); attacks.len() + 1];
    let mut files = Vec::new();
    let mut unfit = Vec::new();
    let (mut unmarked_reads, mut false_payloads) = (0usize, 0usize);
    for (i, path) in images_in(dir).iter().enumerate() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let img = load(path);
        let artifact = Artifact::Image(img.clone());
        let mark = DraftMark {
            reference: format!("order-{i}"),
            seed: i as u64,
        };
        let (ms_draft, drafted) = best_of(repeat, || draft(&artifact, &mark, &visible));
        // Unmarked reads: the clean picture and its visible-only draft, as they are
        // and under every attack; any payload there is a false one.
        if let Artifact::Image(drafted) = drafted {
            for unmarked in [&img, &drafted] {
                for candidate in std::iter::once(unmarked.clone())
                    .chain(attacks.iter().map(|(_, a)| a(unmarked)))
                {
                    unmarked_reads += 1;
                    false_payloads += usize::from(detect(&candidate, &style).payload().is_some());
                }
            }
        }
        let (ms_embed, marked) = best_of(repeat, || embed(&img, payload, &style));
        let marked = match marked {
            Ok(m) => m,
            Err(e) => {
                unfit.push(json!({ "file": name, "reason": e.reason }));
                continue;
            }
        };
        let (ms_detect, found) = best_of(repeat, || detect(&marked, &style));
        // The detector's search: after a 0.98× rescale (the native grid fails, the
        // autocorrelation finds the lattice) and on the unmarked picture (every
        // candidate is read and refused).
        let resized = rescale(&marked, 0.98);
        let (ms_resync, _) = best_of(repeat, || detect(&resized, &style));
        let (ms_unmarked, _) = best_of(repeat, || detect(&img, &style));
        if let Some(out) = out_dir {
            let png = encode_png(&marked).unwrap_or_else(|e| fail(&format!("{name}: {e}")));
            let target = out.join(Path::new(&name).with_extension("png"));
            std::fs::write(&target, png)
                .unwrap_or_else(|e| fail(&format!("{}: {e}", target.display())));
        }
        let db = psnr(&img, &marked);
        let mut per_attack = serde_json::Map::new();
        let mut record = |k: usize, label: &str, attacked: &Image, found_payload: Option<u64>| {
            let ok = found_payload == Some(payload);
            let acc = bit_accuracy(attacked, &style, payload);
            decoded[k] += usize::from(ok);
            accuracy[k].push(acc);
            per_attack.insert(label.into(), json!({ "decoded": ok, "bit_accuracy": acc }));
        };
        record(0, "none", &marked, found.payload());
        for (k, (label, attack)) in attacks.iter().enumerate() {
            let attacked = attack(&marked);
            let found = detect(&attacked, &style);
            record(k + 1, label, &attacked, found.payload());
        }
        t_draft.push(ms_draft);
        t_embed.push(ms_embed);
        t_detect.push(ms_detect);
        t_resync.push(ms_resync);
        t_unmarked.push(ms_unmarked);
        psnrs.push(db);
        files.push(json!({
            "file": name, "width": img.width, "height": img.height,
            "visible_draft_ms": ms_draft, "invisible_embed_ms": ms_embed, "invisible_detect_ms": ms_detect,
            "invisible_detect_resync_ms": ms_resync, "invisible_detect_unmarked_ms": ms_unmarked,
            "psnr_db": db, "attacks": per_attack,
        }));
    }
    let labels = std::iter::once("none").chain(attacks.iter().map(|(l, _)| *l));
    let per_attack: serde_json::Map<String, Value> = labels
        .enumerate()
        .map(|(k, label)| {
            let mean = accuracy[k].iter().sum::<f64>() / accuracy[k].len().max(1) as f64;
            (
                label.to_string(),
                json!({ "decoded": decoded[k], "of": accuracy[k].len(), "bit_accuracy": mean }),
            )
        })
        .collect();
    json!({
        "tool": "fivergo",
        "files": files.len(),
        "repeat": repeat,
        "timings_ms": {
            "visible_draft": summary(&t_draft),
            "invisible_embed": summary(&t_embed),
            "invisible_detect": summary(&t_detect),
            "invisible_detect_after_rescale_0.98": summary(&t_resync),
            "invisible_detect_unmarked": summary(&t_unmarked),
        },
        "psnr_db": summary(&psnrs),
        "attacks": per_attack,
        "unmarked_reads": unmarked_reads,
        "false_payloads": false_payloads,
        "unfit": unfit,
        "per_file": files,
    })
}

fn psnr(a: &Image, b: &Image) -> f64 {
    let pairs = a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4));
    let se: f64 = pairs
        .flat_map(|(p, q)| (0..3).map(move |k| (f64::from(p[k]) - f64::from(q[k])).powi(2)))
        .sum();
    let mse = se / (a.rgba.len() / 4 * 3).max(1) as f64;
    10.0 * (255.0 * 255.0 / mse.max(1e-12)).log10()
}

fn crop_top_left(img: &Image, dx: u32, dy: u32) -> Image {
    let (w, h) = (img.width - dx, img.height - dy);
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for y in dy..img.height {
        let row = (y as usize * img.width as usize + dx as usize) * 4;
        rgba.extend_from_slice(&img.rgba[row..row + w as usize * 4]);
    }
    Image {
        width: w,
        height: h,
        rgba,
    }
}

/// Contrast about mid-grey by `gain`, clamped.
fn contrast(img: &Image, gain: f32) -> Image {
    let mut out = img.clone();
    for p in out.rgba.chunks_exact_mut(4) {
        for c in &mut p[..3] {
            *c = ((f32::from(*c) - 128.0) * gain + 128.0)
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Gaussian noise of `sigma` grey levels on every channel (seeded).
fn noise(img: &Image, sigma: f32) -> Image {
    let mut out = img.clone();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ((state >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    };
    for p in out.rgba.chunks_exact_mut(4) {
        for c in &mut p[..3] {
            let n = (-2.0 * uniform().ln()).sqrt() * (std::f32::consts::TAU * uniform()).cos();
            *c = (f32::from(*c) + sigma * n).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// A kept rescale by `factor` (triangle filter).
fn rescale(img: &Image, factor: f64) -> Image {
    let size = |v: u32| ((f64::from(v) * factor).round() as u32).max(1);
    resize(img, size(img.width), size(img.height))
}

/// Mirrored left to right.
fn flip(img: &Image) -> Image {
    let mut out = img.clone();
    for row in out.rgba.chunks_exact_mut(img.width as usize * 4) {
        let px: Vec<[u8; 4]> = row
            .chunks_exact(4)
            .rev()
            .map(|p| [p[0], p[1], p[2], p[3]])
            .collect();
        for (dst, src) in row.chunks_exact_mut(4).zip(px) {
            dst.copy_from_slice(&src);
        }
    }
    out
}

/// Turned by `degrees` about the centre, same size, corners black (bilinear).
fn rotate(img: &Image, degrees: f64) -> Image {
    let (w, h) = (img.width as usize, img.height as usize);
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let mut out = Image::filled(img.width, img.height, [0, 0, 0, 255]);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
            let (sx, sy) = (c * dx + s * dy + cx - 0.5, -s * dx + c * dy + cy - 0.5);
            if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f64 || sy >= (h - 1) as f64 {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            let (tx, ty) = (sx - x0 as f64, sy - y0 as f64);
            for k in 0..3 {
                let p = |xx: usize, yy: usize| f64::from(img.rgba[(yy * w + xx) * 4 + k]);
                let top = p(x0, y0) * (1.0 - tx) + p(x0 + 1, y0) * tx;
                let bottom = p(x0, y0 + 1) * (1.0 - tx) + p(x0 + 1, y0 + 1) * tx;
                out.rgba[(y * w + x) * 4 + k] = (top * (1.0 - ty) + bottom * ty).round() as u8;
            }
        }
    }
    out
}

fn brightness(img: &Image, gain: f32) -> Image {
    let mut out = img.clone();
    for p in out.rgba.chunks_exact_mut(4) {
        for c in &mut p[..3] {
            *c = (f32::from(*c) * gain).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Separable resampling with a triangle filter widened by the scale factor when
/// shrinking (the `image` crate's `FilterType::Triangle`).
fn resize(img: &Image, w: u32, h: u32) -> Image {
    let weights = |from: u32, to: u32| -> Vec<(usize, Vec<f32>)> {
        let ratio = from as f32 / to as f32;
        let support = ratio.max(1.0);
        (0..to)
            .map(|o| {
                let centre = (o as f32 + 0.5) * ratio;
                let lo = (centre - support).floor().max(0.0) as usize;
                let hi = ((centre + support).ceil() as usize).min(from as usize);
                let ws: Vec<f32> = (lo..hi)
                    .map(|i| (1.0 - ((i as f32 + 0.5 - centre) / support).abs()).max(0.0))
                    .collect();
                let total: f32 = ws.iter().sum();
                (
                    lo,
                    ws.into_iter()
                        .map(|v| v / total.max(f32::MIN_POSITIVE))
                        .collect(),
                )
            })
            .collect()
    };
    let (sw, sh) = (img.width as usize, img.height as usize);
    let (xs, ys) = (weights(img.width, w), weights(img.height, h));
    let mut tmp = vec![0f32; w as usize * sh * 4];
    for y in 0..sh {
        for (x, (lo, ws)) in xs.iter().enumerate() {
            for c in 0..4 {
                tmp[(y * w as usize + x) * 4 + c] = ws
                    .iter()
                    .enumerate()
                    .map(|(k, wt)| wt * f32::from(img.rgba[(y * sw + lo + k) * 4 + c]))
                    .sum();
            }
        }
    }
    let mut out = Image::filled(w, h, [0, 0, 0, 0]);
    for (y, (lo, ws)) in ys.iter().enumerate() {
        for x in 0..w as usize {
            for c in 0..4 {
                let v: f32 = ws
                    .iter()
                    .enumerate()
                    .map(|(k, wt)| wt * tmp[((lo + k) * w as usize + x) * 4 + c])
                    .sum();
                out.rgba[(y * w as usize + x) * 4 + c] = v.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

/// Baseline JPEG's effect on the pixels at `quality` (IJG scaling of the Annex K
/// tables): JFIF YCbCr, chroma averaged 2×2, level shift, 8×8 DCT, quantisation,
/// dequantisation, inverse DCT, 8-bit planes, chroma replicated back, RGB.
fn jpeg_round_trip(img: &Image, quality: u32) -> Image {
    #[rustfmt::skip]
    const LUMA: [u16; 64] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];
    #[rustfmt::skip]
    const CHROMA: [u16; 64] = [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ];
    let q = quality.clamp(1, 100);
    let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
    let table =
        |base: &[u16; 64]| base.map(|b| ((u32::from(b) * scale + 50) / 100).clamp(1, 255) as f32);
    let (tl, tc) = (table(&LUMA), table(&CHROMA));
    let (w, h) = (img.width as usize, img.height as usize);
    let (mut y, mut cb, mut cr) = (vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]);
    for (i, p) in img.rgba.chunks_exact(4).enumerate() {
        let [r, g, b] = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
        y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
        cb[i] = -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128.0;
        cr[i] = 0.5 * r - 0.418_688 * g - 0.081_312 * b + 128.0;
    }
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let half = |plane: &[f32]| -> Vec<f32> {
        let mut out = vec![0f32; cw * ch];
        for yy in 0..ch {
            for xx in 0..cw {
                let mut s = 0.0;
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    s += plane[(2 * yy + dy).min(h - 1) * w + (2 * xx + dx).min(w - 1)];
                }
                out[yy * cw + xx] = s / 4.0;
            }
        }
        out
    };
    let y = quantise_plane(&y, w, h, &tl);
    let (cb, cr) = (
        quantise_plane(&half(&cb), cw, ch, &tc),
        quantise_plane(&half(&cr), cw, ch, &tc),
    );
    let mut out = img.clone();
    for (i, p) in out.rgba.chunks_exact_mut(4).enumerate() {
        let c = (i / w / 2) * cw + (i % w) / 2;
        let (l, b, r) = (y[i], cb[c] - 128.0, cr[c] - 128.0);
        for (v, x) in p[..3].iter_mut().zip([
            l + 1.402 * r,
            l - 0.344_136 * b - 0.714_136 * r,
            l + 1.772 * b,
        ]) {
            *v = x.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// One plane through 8×8 DCT quantisation (edges replicated to whole blocks), back
/// as 8-bit samples.
fn quantise_plane(plane: &[f32], w: usize, h: usize, table: &[f32; 64]) -> Vec<f32> {
    let basis: [[f32; 8]; 8] = std::array::from_fn(|u| {
        let c = if u == 0 { (0.125f32).sqrt() } else { 0.5 };
        std::array::from_fn(|i| c * (((2 * i + 1) * u) as f32 * std::f32::consts::PI / 16.0).cos())
    });
    let mut out = vec![0f32; w * h];
    for by in (0..h).step_by(8) {
        for bx in (0..w).step_by(8) {
            let px =
                |x: usize, y: usize| plane[(by + y).min(h - 1) * w + (bx + x).min(w - 1)] - 128.0;
            let mut coef = [0f32; 64];
            for v in 0..8 {
                for u in 0..8 {
                    let mut s = 0.0;
                    for y in 0..8 {
                        for x in 0..8 {
                            s += px(x, y) * basis[u][x] * basis[v][y];
                        }
                    }
                    coef[v * 8 + u] = (s / table[v * 8 + u]).round() * table[v * 8 + u];
                }
            }
            for y in 0..8.min(h - by) {
                for x in 0..8.min(w - bx) {
                    let mut s = 128.0;
                    for v in 0..8 {
                        for u in 0..8 {
                            s += coef[v * 8 + u] * basis[u][x] * basis[v][y];
                        }
                    }
                    out[(by + y) * w + bx + x] = s.round().clamp(0.0, 255.0);
                }
            }
        }
    }
    out
}
