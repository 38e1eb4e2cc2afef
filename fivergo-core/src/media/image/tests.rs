//! Tests on images the tests draw themselves: line art, gradients, noise, photo-like
//! textures, text rows, upscaled and blurred copies.

use super::*;
use crate::asset::{AssetSource, Severity};
use crate::media::MediaLimits;
use crate::rng::SplitMix;

// ---------------------------------------------------------------- generators

fn from_fn(w: u32, h: u32, mut f: impl FnMut(u32, u32) -> [f32; 3]) -> Image {
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h {
        for x in 0..w {
            let c = f(x, y);
            rgba.extend(c.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8));
            rgba.push(255);
        }
    }
    Image {
        width: w,
        height: h,
        rgba,
    }
}

/// Thick anti-aliased strokes (random polylines and rings) in `ink` on white.
fn line_art(seed: u64, size: u32, ink: [f32; 3]) -> Image {
    let mut rng = SplitMix(seed);
    let s = size as f32;
    let mut cover = vec![0.0f32; (size * size) as usize];
    let stroke = |cover: &mut Vec<f32>, a: (f32, f32), b: (f32, f32), t: f32| {
        let (x0, x1) = (
            (a.0.min(b.0) - t).max(0.0) as u32,
            ((a.0.max(b.0) + t) as u32).min(size - 1),
        );
        let (y0, y1) = (
            (a.1.min(b.1) - t).max(0.0) as u32,
            ((a.1.max(b.1) + t) as u32).min(size - 1),
        );
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = (dx * dx + dy * dy).max(1e-6);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f32 + 0.5 - a.0, y as f32 + 0.5 - a.1);
                let u = ((px * dx + py * dy) / len2).clamp(0.0, 1.0);
                let d = ((px - u * dx).powi(2) + (py - u * dy).powi(2)).sqrt();
                let c = (t / 2.0 + 0.5 - d).clamp(0.0, 1.0);
                let i = (y * size + x) as usize;
                cover[i] = cover[i].max(c);
            }
        }
    };
    let thick = s / 90.0 + 1.0 * rng.next_f32(); // one artist, one line weight
    for _ in 0..6 {
        // A wandering polyline.
        let mut p = (
            s * (0.1 + 0.8 * rng.next_f32()),
            s * (0.1 + 0.8 * rng.next_f32()),
        );
        let mut angle = rng.next_f32() * std::f32::consts::TAU;
        for _ in 0..8 {
            angle += (rng.next_f32() - 0.5) * 1.6;
            let step = s * (0.04 + 0.06 * rng.next_f32());
            let q = (
                (p.0 + step * angle.cos()).clamp(4.0, s - 4.0),
                (p.1 + step * angle.sin()).clamp(4.0, s - 4.0),
            );
            stroke(&mut cover, p, q, thick);
            p = q;
        }
    }
    for _ in 0..3 {
        // A ring.
        let (cx, cy, r) = (
            s * (0.2 + 0.6 * rng.next_f32()),
            s * (0.2 + 0.6 * rng.next_f32()),
            s * (0.05 + 0.12 * rng.next_f32()),
        );
        let n = 40;
        for k in 0..n {
            let (a0, a1) = (
                k as f32 / n as f32 * std::f32::consts::TAU,
                (k + 1) as f32 / n as f32 * std::f32::consts::TAU,
            );
            stroke(
                &mut cover,
                (cx + r * a0.cos(), cy + r * a0.sin()),
                (cx + r * a1.cos(), cy + r * a1.sin()),
                thick,
            );
        }
    }
    from_fn(size, size, |x, y| {
        let c = cover[(y * size + x) as usize];
        [
            1.0 - c * (1.0 - ink[0]),
            1.0 - c * (1.0 - ink[1]),
            1.0 - c * (1.0 - ink[2]),
        ]
    })
}

/// A smooth two-colour diagonal gradient.
fn gradient(size: u32, a: [f32; 3], b: [f32; 3]) -> Image {
    from_fn(size, size, |x, y| {
        let t = (x + y) as f32 / (2 * size - 2).max(1) as f32;
        [
            a[0] + t * (b[0] - a[0]),
            a[1] + t * (b[1] - a[1]),
            a[2] + t * (b[2] - a[2]),
        ]
    })
}

/// Independent uniform noise per pixel and channel.
fn noise(seed: u64, size: u32) -> Image {
    let mut rng = SplitMix(seed);
    from_fn(size, size, |_, _| {
        [rng.next_f32(), rng.next_f32(), rng.next_f32()]
    })
}

/// Bilinear value noise on a lattice of about `grid × grid` cells, sampled at
/// `size × size`. The cell is stretched by a random 0–13 % so no octave repeats
/// with a whole-pixel period (a whole period of 3 or 4 px would read as a 3× or 4×
/// enlargement, which interpolated noise is).
fn value_noise(rng: &mut SplitMix, grid: u32, size: u32) -> Vec<f32> {
    let stretch = 1.0 + 0.13 * rng.next_f32();
    let g = (grid as f32 * stretch).ceil() as usize + 2;
    let lattice: Vec<f32> = (0..g * g).map(|_| rng.next_f32() - 0.5).collect();
    let mut out = vec![0.0f32; (size * size) as usize];
    let scale = grid as f32 * stretch / size as f32;
    for y in 0..size {
        let fy = y as f32 * scale;
        let (iy, ty) = (fy as usize, fy.fract());
        for x in 0..size {
            let fx = x as f32 * scale;
            let (ix, tx) = (fx as usize, fx.fract());
            let at = |i: usize, j: usize| lattice[j.min(g - 1) * g + i.min(g - 1)];
            let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
            let bottom = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
            out[(y * size + x) as usize] = top * (1.0 - ty) + bottom * ty;
        }
    }
    out
}

/// A photo-like picture: octaves of smoothed noise with a 1/f spectrum down to the
/// pixel (a luma field plus a tinted, weaker chroma field; `colourful` 0 = grey),
/// with a few soft-edged "objects" of their own tone in front, as occlusion edges.
fn photo(seed: u64, size: u32, tint: [f32; 3], colourful: f32) -> Image {
    let mut rng = SplitMix(seed);
    let s = size as f32;
    let objects: Vec<(f32, f32, f32, f32, [f32; 3])> = (0..7)
        .map(|_| {
            let shade = rng.next_f32() - 0.5;
            let hue = [
                rng.next_f32() - 0.5,
                rng.next_f32() - 0.5,
                rng.next_f32() - 0.5,
            ];
            (
                s * rng.next_f32(),
                s * rng.next_f32(),
                s * (0.06 + 0.18 * rng.next_f32()),
                s * (0.06 + 0.18 * rng.next_f32()),
                [
                    shade + 0.4 * colourful * hue[0],
                    shade + 0.4 * colourful * hue[1],
                    shade + 0.4 * colourful * hue[2],
                ],
            )
        })
        .collect();
    let mut luma = vec![0.0f32; (size * size) as usize];
    let mut chroma = [
        vec![0.0f32; (size * size) as usize],
        vec![0.0f32; (size * size) as usize],
    ];
    let mut grid = 4;
    while grid <= size {
        let amp = 4.0 / grid as f32;
        for (l, v) in luma.iter_mut().zip(value_noise(&mut rng, grid, size)) {
            *l += amp * v * 2.2;
        }
        if grid <= 32 {
            for ch in chroma.iter_mut() {
                for (c, v) in ch.iter_mut().zip(value_noise(&mut rng, grid, size)) {
                    *c += amp * v * 1.5;
                }
            }
        }
        grid *= 2;
    }
    from_fn(size, size, |x, y| {
        let i = (y * size + x) as usize;
        let l = 0.5 + luma[i];
        let (u, v) = (chroma[0][i] * colourful, chroma[1][i] * colourful);
        let mut c = [
            l + tint[0] + u,
            l + tint[1] - 0.5 * u - 0.5 * v,
            l + tint[2] + v,
        ];
        for &(cx, cy, rx, ry, tone) in &objects {
            let d = (((x as f32 - cx) / rx).powi(2) + ((y as f32 - cy) / ry).powi(2)).sqrt();
            let cover = ((1.0 - d) * rx.min(ry) + 0.5).clamp(0.0, 1.0); // about 1 px soft edge
            for k in 0..3 {
                c[k] = c[k] * (1.0 - cover) + (0.5 + tone[k] + 0.5 * (c[k] - 0.5)) * cover;
            }
        }
        c
    })
}

/// A 5×7 bitmap font for a few capitals.
fn glyph(c: char) -> [u8; 7] {
    match c {
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x1B, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'N' => [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'Y' => [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04],
        _ => [0; 7],
    }
}

/// Draws `text` with its top-left at `(x, y)`, `scale` pixels per font dot.
fn draw_text(img: &mut Image, text: &str, x: u32, y: u32, scale: u32, colour: [u8; 3]) {
    for (k, ch) in text.chars().enumerate() {
        let rows = glyph(ch);
        let gx = x + k as u32 * 6 * scale;
        for (r, bits) in rows.iter().enumerate() {
            for col in 0..5 {
                if bits & (0x10 >> col) == 0 {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let (px, py) = (gx + col * scale + dx, y + r as u32 * scale + dy);
                        if px < img.width && py < img.height {
                            let i = ((py * img.width + px) * 4) as usize;
                            img.rgba[i..i + 3].copy_from_slice(&colour);
                        }
                    }
                }
            }
        }
    }
}

fn fill_rect(img: &mut Image, x0: u32, y0: u32, x1: u32, y1: u32, colour: [u8; 3]) {
    for y in y0..y1.min(img.height) {
        for x in x0..x1.min(img.width) {
            let i = ((y * img.width + x) * 4) as usize;
            img.rgba[i..i + 3].copy_from_slice(&colour);
        }
    }
}

fn to_dynamic(img: &Image) -> ::image::RgbaImage {
    ::image::RgbaImage::from_raw(img.width, img.height, img.rgba.clone()).unwrap()
}

fn from_dynamic(img: ::image::RgbaImage) -> Image {
    let (width, height) = img.dimensions();
    Image {
        width,
        height,
        rgba: img.into_raw(),
    }
}

fn resized(img: &Image, w: u32, h: u32, filter: ::image::imageops::FilterType) -> Image {
    from_dynamic(::image::imageops::resize(&to_dynamic(img), w, h, filter))
}

fn blurred(img: &Image, sigma: f32) -> Image {
    from_dynamic(::image::imageops::blur(&to_dynamic(img), sigma))
}

fn jpeg(img: &Image, quality: u8) -> Vec<u8> {
    let rgb: Vec<u8> = img
        .rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut buf = Vec::new();
    ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality)
        .encode(
            &rgb,
            img.width,
            img.height,
            ::image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    buf
}

fn checks() -> ImageChecks {
    ImageChecks::default()
}

fn policy_with(c: ImageChecks) -> Policy {
    let mut p = Policy::default();
    p.media.image = c;
    p
}

fn asset(id: &str, img: &Image, policy: &Policy) -> Asset {
    Asset {
        id: id.into(),
        owner: "ana".into(),
        source: AssetSource::Upload,
        modality: Modality::Image,
        meta: AssetMeta {
            file_name: Some(format!("{id}.png")),
            ..inspect_image(img, policy)
        },
        tags: Default::default(),
        added_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        seq: 0,
        content: None,
    }
}

/// The review of `images` (named `i0`, `i1`, ...) as a Tattoo model's set.
fn review(images: &[Image], policy: &Policy) -> Vec<Finding> {
    let assets: Vec<Asset> = images
        .iter()
        .enumerate()
        .map(|(i, img)| asset(&format!("i{i}"), img, policy))
        .collect();
    let refs: Vec<&Asset> = assets.iter().collect();
    crate::asset::review_set(&refs, policy.catalogue.get("tattoo").unwrap(), policy)
}

/// Indices of the images that got a finding with `code`.
fn flagged(found: &[Finding], code: &str) -> Vec<usize> {
    found
        .iter()
        .filter(|f| f.code == code)
        .filter_map(|f| f.asset.as_ref()?.as_str().strip_prefix('i')?.parse().ok())
        .collect()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
}

/// A PNG whose header claims `w × h` RGB pixels, followed by a tiny IDAT.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

fn webp_lossless(img: &Image) -> Vec<u8> {
    let mut buf = Vec::new();
    ::image::codecs::webp::WebPEncoder::new_lossless(&mut buf)
        .encode(
            &img.rgba,
            img.width,
            img.height,
            ::image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    buf
}

fn unreadable_reason(e: Error) -> String {
    match e {
        Error::AssetUnreadable { reason } => reason,
        other => panic!("expected asset_unreadable, got {other:?}"),
    }
}

// ---------------------------------------------------------------- decoding

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // R: A3
    let limits = MediaLimits::default();
    let bomb = png_header_only(100_000, 100_000);
    assert!(bomb.len() < 100);
    assert_eq!(
        decode(&bomb, &limits).unwrap_err(),
        Error::MediaTooLarge {
            what: "pixels".into(),
            limit: 24_000_000,
            actual: 10_000_000_000
        }
    );
    // A side longer than the whole pixel budget is refused by the decoder's own limits.
    let strip = png_header_only(u32::MAX / 2, 1);
    let tight = MediaLimits {
        max_pixels: 1_000_000,
        ..limits.clone()
    };
    assert_eq!(
        decode(&strip, &tight).unwrap_err(),
        Error::MediaTooLarge {
            what: "pixels".into(),
            limit: 1_000_000,
            actual: u64::from(u32::MAX / 2)
        }
    );
    // A real image over a lowered limit.
    let png = encode_png(&Image::filled(50, 40, [1, 2, 3, 255])).unwrap();
    let small = MediaLimits {
        max_pixels: 1999,
        ..limits.clone()
    };
    assert_eq!(
        decode(&png, &small).unwrap_err(),
        Error::MediaTooLarge {
            what: "pixels".into(),
            limit: 1999,
            actual: 2000
        }
    );
    let bytes = MediaLimits {
        max_bytes: 10,
        ..limits
    };
    assert_eq!(decode(&png, &bytes).unwrap_err().code(), "media_too_large");
    assert_eq!(
        inspect_bytes(&bomb, &Policy::default()).unwrap_err().code(),
        "media_too_large"
    );
}

#[test]
fn metadata_is_bounded_and_never_inflated() {
    // R: A3
    use crate::media::test_files::{png_zeros, zlib_zeros};
    let limits = MediaLimits::default();
    // A tEXt chunk over the metadata limit is refused from the chunk walk.
    let mut text = b"Comment\0".to_vec();
    text.resize(5 << 20, b'a');
    let big_text = png_zeros(8, 8, 8, 2, &[(b"tEXt", text.clone())]);
    let err = decode(&big_text, &limits).unwrap_err();
    assert_eq!(
        err,
        Error::MediaTooLarge {
            what: "metadata_bytes".into(),
            limit: 4 << 20,
            actual: 5 << 20
        }
    );
    assert_eq!(err.rule(), Some("A3"));
    // Under the limit it decodes; the limit is the policy's.
    text.truncate(1000);
    let small_text = png_zeros(8, 8, 8, 2, &[(b"tEXt", text)]);
    assert!(decode(&small_text, &limits).is_ok());
    let tight = MediaLimits {
        max_metadata_bytes: 999,
        ..limits.clone()
    };
    assert_eq!(
        decode(&small_text, &tight).unwrap_err().details()["what"],
        "metadata_bytes"
    );
    // An iCCP profile inflating to 256 MiB is skipped, never inflated: the image
    // decodes (and quickly; the hostile-upload test measures its memory).
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend(zlib_zeros(256 << 20));
    let bomb = png_zeros(8, 8, 8, 2, &[(b"iCCP", iccp)]);
    assert!(bomb.len() < 300_000);
    assert_eq!(decode(&bomb, &limits).unwrap().width, 8);
    // JPEG APPn segments count too.
    let mut j = jpeg(&photo(3, 32, [0.0; 3], 1.0), 80);
    let app: Vec<u8> = [&[0xFF, 0xE5, 0x03, 0xEA][..], &[7; 1000]].concat();
    j.splice(2..2, app);
    assert!(crate::media::image::probe(&j).unwrap().metadata_bytes >= 1002);
    assert_eq!(
        decode(&j, &tight).unwrap_err().details()["what"],
        "metadata_bytes"
    );
    assert!(decode(&j, &limits).is_ok());
}

#[test]
fn fuzz_regression_inputs_are_typed_errors() {
    // R: A3 — inputs the fuzz targets (fuzz/, RELIABILITY.md) found, each once a panic.
    let limits = MediaLimits::default();
    // image_header: a PNG of 4294967295 × 4294967048 overflowed width × height × 4.
    let huge_png = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 255, 255, 255, 255, 255, 255,
        255, 8, 0, 0, 0, 16, 49, 50, 122, 166, 135, 59, 107, 96, 130,
    ];
    let h = crate::media::image::probe(&huge_png).unwrap();
    assert_eq!(h.decoded_bytes, u64::MAX);
    assert_eq!(
        decode(&huge_png, &limits).unwrap_err().details()["what"],
        "pixels"
    );
}

#[test]
fn decoder_memory_is_estimated_from_the_header_and_bounded() {
    // R: A3
    use crate::media::test_files::{png_zeros, progressive_jpeg_claiming};
    let limits = MediaLimits::default();
    // RGBA output: 4 bytes a pixel whatever the PNG's sample depth.
    let png16 = png_zeros(300, 200, 16, 6, &[]);
    let h = crate::media::image::probe(&png16).unwrap();
    assert_eq!((h.width, h.height, h.decoded_bytes), (300, 200, 240_000));
    let img = decode(&png16, &limits).unwrap();
    assert_eq!((img.width, img.height, img.rgba.len()), (300, 200, 240_000));
    let tight = MediaLimits {
        max_decoded_bytes: 239_999,
        ..limits.clone()
    };
    assert_eq!(
        decode(&png16, &tight).unwrap_err(),
        Error::MediaTooLarge {
            what: "decoded_bytes".into(),
            limit: 239_999,
            actual: 240_000
        }
    );
    // A progressive JPEG keeps 128 bytes per 8×8 block of each component: the
    // 6000×4000 frame needs 96 MB of RGBA and at least 72 MB of coefficients, over
    // the default 128 MiB although its pixels are within the limit.
    let prog = progressive_jpeg_claiming(6000, 4000);
    let h = crate::media::image::probe(&prog).unwrap();
    assert!(h.decoded_bytes >= 96_000_000 + 72_000_000, "{h:?}");
    let err = decode(&prog, &limits).unwrap_err();
    assert_eq!(err.details()["what"], "decoded_bytes");
    assert_eq!(err.details()["limit"], 128 << 20);
    // Pixels are checked first, then decoded bytes.
    assert_eq!(
        decode(&png_zeros(6000, 4001, 8, 0, &[]), &limits)
            .unwrap_err()
            .details()["what"],
        "pixels"
    );
}

#[test]
fn truncated_empty_zero_sized_and_unknown_files_are_unreadable() {
    // R: A3
    let limits = MediaLimits::default();
    let png = encode_png(&noise(3, 64)).unwrap();
    for cut in [png.len() / 2, png.len() - 13, 40, 20, 9] {
        let reason = unreadable_reason(decode(&png[..cut], &limits).unwrap_err());
        assert!(
            reason.contains("PNG") && (reason.contains("truncated") || reason.contains("corrupt")),
            "{cut}: {reason}"
        );
    }
    let reason = unreadable_reason(decode(&png_header_only(0, 10), &limits).unwrap_err());
    assert!(reason.contains("PNG"), "{reason}");
    let reason = unreadable_reason(decode(b"", &limits).unwrap_err());
    assert!(reason.contains("empty"), "{reason}");
    let reason = unreadable_reason(
        decode(
            &[
                0x13, 0x37, 0xC0, 0xDE, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
            ],
            &limits,
        )
        .unwrap_err(),
    );
    assert!(reason.contains("unknown image format"), "{reason}");
    let reason =
        unreadable_reason(decode(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", &limits).unwrap_err());
    assert!(reason.contains("not supported"), "{reason}");
    let jpeg_bytes = jpeg(&photo(1, 64, [0.0; 3], 1.0), 80);
    assert_eq!(
        decode(&jpeg_bytes[..jpeg_bytes.len() / 3], &limits)
            .map(|_| ())
            .unwrap_or(()),
        ()
    );
    assert_eq!(
        decode(&jpeg_bytes[..200], &limits).unwrap_err().code(),
        "asset_unreadable"
    );
    let webp = webp_lossless(&noise(4, 32));
    assert_eq!(
        decode(&webp[..webp.len() / 2], &limits).unwrap_err().code(),
        "asset_unreadable"
    );
}

#[test]
fn corrupted_files_never_panic() {
    // R: A3
    let limits = MediaLimits::default();
    let src = photo(2, 48, [0.1, 0.0, 0.0], 1.0);
    let files = [
        encode_png(&src).unwrap(),
        jpeg(&src, 70),
        webp_lossless(&src),
    ];
    let mut rng = SplitMix(99);
    for file in &files {
        for _ in 0..60 {
            let mut f = file.clone();
            for _ in 0..1 + rng.next_u64() % 6 {
                let i = (rng.next_u64() % f.len() as u64) as usize;
                f[i] = (rng.next_u64() & 0xFF) as u8;
            }
            let cut = (rng.next_u64() % f.len() as u64) as usize;
            for bytes in [&f[..], &f[..cut]] {
                match decode(bytes, &limits) {
                    Ok(img) => {
                        assert_eq!(img.rgba.len(), img.width as usize * img.height as usize * 4)
                    }
                    Err(e) => assert!(
                        matches!(e.code(), "asset_unreadable" | "media_too_large"),
                        "{e:?}"
                    ),
                }
            }
        }
    }
}

#[test]
fn png_jpeg_and_webp_round_trip_to_rgba8() {
    // R: A3
    let limits = MediaLimits::default();
    let mut src = photo(5, 96, [0.0, 0.1, 0.0], 1.0);
    src.rgba[3] = 10; // one translucent pixel survives the lossless formats
    assert_eq!(decode(&encode_png(&src).unwrap(), &limits).unwrap(), src);
    assert_eq!(decode(&webp_lossless(&src), &limits).unwrap(), src);
    let j = decode(&jpeg(&src, 92), &limits).unwrap();
    assert_eq!((j.width, j.height), (96, 96));
    let err: f64 = j
        .rgba
        .iter()
        .zip(&src.rgba)
        .enumerate()
        .filter(|(i, _)| i % 4 != 3)
        .map(|(_, (a, b))| (f64::from(*a) - f64::from(*b)).abs())
        .sum::<f64>()
        / (96.0 * 96.0 * 3.0);
    assert!(err < 6.0, "mean JPEG error {err}");
    // 16-bit grey converts to opaque RGBA8.
    let grey16 = ::image::ImageBuffer::<::image::Luma<u16>, Vec<u16>>::from_fn(5, 3, |x, _| {
        ::image::Luma([x as u16 * 16_000])
    });
    let mut buf = std::io::Cursor::new(Vec::new());
    ::image::DynamicImage::ImageLuma16(grey16)
        .write_to(&mut buf, ::image::ImageFormat::Png)
        .unwrap();
    let g = decode(buf.get_ref(), &limits).unwrap();
    assert_eq!((g.width, g.height), (5, 3));
    // 16-bit samples keep their high byte (64000 = 0xFA00 → 250).
    assert_eq!(g.pixel(4, 2), [250, 250, 250, 255]);
    assert_eq!(g.pixel(0, 0), [0, 0, 0, 255]);
    // encode_png refuses a buffer that does not match its size.
    let bad = Image {
        width: 4,
        height: 4,
        rgba: vec![0; 63],
    };
    assert_eq!(encode_png(&bad).unwrap_err().code(), "invalid_input");
    assert_eq!(
        encode_png(&Image {
            width: 0,
            height: 4,
            rgba: vec![]
        })
        .unwrap_err()
        .code(),
        "invalid_input"
    );
}

#[test]
fn inspect_bytes_measures_every_format_deterministically() {
    // R: A3, A4, A8
    let policy = Policy::default();
    let img = photo(8, 256, [0.1, 0.0, -0.1], 1.0);
    let png = inspect_bytes(&encode_png(&img).unwrap(), &policy).unwrap();
    assert_eq!(png.modality, Modality::Image);
    let m = &png.meta;
    assert_eq!(
        (
            m.width,
            m.height,
            m.blurry,
            m.monochrome,
            m.upscaled,
            m.text_or_watermark
        ),
        (
            Some(256),
            Some(256),
            None,
            Some(false),
            Some(false),
            Some(false)
        )
    );
    assert!(m.sharpness.unwrap() > 0.0 && m.mean_chroma.unwrap() > 10.0);
    let v = m.style_vector.as_ref().unwrap();
    assert_eq!(v.len(), 6 + 2 + 8 * 9 / 2);
    assert!(v.iter().all(|x| x.is_finite()));
    assert_eq!(
        inspect_bytes(&encode_png(&img).unwrap(), &policy).unwrap(),
        png,
        "same bytes, same metadata"
    );
    assert_eq!(inspect_image(&img, &policy), png.meta);
    let webp = inspect_bytes(&webp_lossless(&img), &policy).unwrap();
    assert_eq!(webp.meta, png.meta);
    let jpg = inspect_bytes(&jpeg(&img, 90), &policy).unwrap().meta;
    assert_eq!(
        (jpg.width, jpg.monochrome, jpg.upscaled),
        (Some(256), Some(false), Some(false))
    );
    // Through the media entry point too.
    assert_eq!(
        crate::media::inspect(&encode_png(&img).unwrap(), &policy).unwrap(),
        png
    );
}

#[test]
fn odd_shapes_and_short_buffers_measure_without_panicking() {
    // R: A3
    let c = checks();
    for (w, h) in [(1, 1), (1, 700), (700, 1), (3, 3), (7, 5), (0, 0), (0, 9)] {
        let img = photo(1, 8, [0.0; 3], 1.0);
        let img = resized(
            &img,
            w.max(1),
            h.max(1),
            ::image::imageops::FilterType::Nearest,
        );
        let img = Image {
            width: w,
            height: h,
            rgba: if w * h == 0 { vec![] } else { img.rgba },
        };
        let m = measure(&img, &c);
        assert!(m.style_vector.iter().all(|x| x.is_finite()), "{w}×{h}");
        assert!(m.sharpness.is_finite() && m.upscale_ratio.is_finite());
    }
    let huge = Image {
        width: u32::MAX,
        height: u32::MAX,
        rgba: vec![7; 64],
    };
    assert_eq!(measure(&huge, &c).sharpness, 0.0);
    let short = Image {
        width: 64,
        height: 64,
        rgba: vec![90; 64 * 10 * 4 + 7],
    };
    let m = measure(&short, &c);
    assert_eq!((m.width, m.height), (64, 64));
    assert!(m.monochrome);
}

// ---------------------------------------------------------------- measures and findings

#[test]
fn a_blurred_copy_is_blurry_relative_to_the_set() {
    // R: A8
    let policy = Policy::default();
    let mut set: Vec<Image> = (0..9)
        .map(|i| photo(20 + i, 384, [0.05, 0.0, -0.05], 1.0))
        .collect();
    set.push(blurred(&photo(40, 384, [0.05, 0.0, -0.05], 1.0), 2.5));
    set.push(blurred(&line_art(41, 384, [0.0; 3]), 0.3)); // barely softened: still sharp
    let found = review(&set, &policy);
    assert_eq!(flagged(&found, "blurry"), [9]);
    let f = found.iter().find(|f| f.code == "blurry").unwrap();
    assert_eq!((f.rule.as_str(), f.severity), ("A8", Severity::Warning));
    assert!(
        f.message.starts_with("i9.png looks blurry") && f.message.contains("of the set's median"),
        "{}",
        f.message
    );
    // Line art is judged against line art.
    let mut art: Vec<Image> = (0..6).map(|i| line_art(50 + i, 384, [0.0; 3])).collect();
    art.push(blurred(&line_art(60, 384, [0.0; 3]), 3.0));
    assert_eq!(flagged(&review(&art, &policy), "blurry"), [6]);
    assert!(flagged(&review(&art[..6], &policy), "blurry").is_empty());
}

#[test]
fn a_set_that_is_blurry_throughout_hits_the_floor() {
    // R: A8
    let policy = Policy::default();
    let set: Vec<Image> = (0..4)
        .map(|i| blurred(&photo(70 + i, 256, [0.0; 3], 1.0), 3.0))
        .collect();
    assert_eq!(flagged(&review(&set, &policy), "blurry"), [0, 1, 2, 3]);
    let sharp: Vec<Image> = (0..4).map(|i| photo(70 + i, 256, [0.0; 3], 1.0)).collect();
    assert!(flagged(&review(&sharp, &policy), "blurry").is_empty());
}

#[test]
fn a_2x_upscaled_image_is_flagged_and_native_or_blurred_ones_are_not() {
    // R: A4
    use ::image::imageops::FilterType::*;
    let c = checks();
    let native = [
        photo(80, 512, [0.0; 3], 1.0),
        line_art(81, 512, [0.0; 3]),
        noise(82, 512),
        gradient(512, [0.9, 0.2, 0.1], [0.1, 0.3, 0.9]),
        Image::filled(512, 512, [40, 40, 40, 255]),
        decode(
            &jpeg(&photo(83, 512, [0.0; 3], 1.0), 50),
            &MediaLimits::default(),
        )
        .unwrap(),
        blurred(&photo(84, 512, [0.0; 3], 1.0), 3.0),
    ];
    for (i, img) in native.iter().enumerate() {
        let m = measure(img, &c);
        assert!(
            !m.upscaled,
            "native {i}: ratio {} lower {}",
            m.upscale_ratio, m.lower_ratio
        );
    }
    let small_photo = photo(85, 256, [0.0; 3], 1.0);
    let small_art = line_art(86, 256, [0.0; 3]);
    for (name, filter) in [
        ("bilinear", Triangle),
        ("bicubic", CatmullRom),
        ("lanczos", Lanczos3),
        ("nearest", Nearest),
    ] {
        for (kind, small) in [("photo", &small_photo), ("line art", &small_art)] {
            let m = measure(&resized(small, 512, 512, filter), &c);
            assert!(
                m.upscaled,
                "{kind} {name}: ratio {} lower {}",
                m.upscale_ratio, m.lower_ratio
            );
        }
    }
}

#[test]
fn large_images_are_tested_for_upscaling_on_a_full_resolution_crop() {
    // R: A4 — the crop (here 200 px of 512) sees the same trace as the whole image.
    use ::image::imageops::FilterType::*;
    let c = ImageChecks {
        upscale_crop_px: 200,
        ..checks()
    };
    let up = resized(&photo(85, 256, [0.0; 3], 1.0), 512, 512, CatmullRom);
    let native = photo(80, 512, [0.0; 3], 1.0);
    let (whole, cropped) = (measure(&up, &checks()), measure(&up, &c));
    assert!(
        whole.upscaled && cropped.upscaled,
        "{} / {}",
        whole.upscale_ratio,
        cropped.upscale_ratio
    );
    assert!(!measure(&native, &c).upscaled);
    // Everything else is measured on the whole image, and an image within the crop
    // is measured exactly as before.
    assert_eq!(
        (
            cropped.width,
            cropped.sharpness,
            cropped.style_vector.clone()
        ),
        (512, whole.sharpness, whole.style_vector.clone())
    );
    let small = ImageChecks {
        upscale_crop_px: 512,
        ..checks()
    };
    assert_eq!(measure(&up, &small), whole);
}

#[test]
fn upscaled_is_a_finding_of_its_own_and_not_blur_when_the_working_size_is_smaller() {
    // R: A4, A8
    let policy = policy_with(ImageChecks {
        working_px: 256,
        ..checks()
    });
    let mut set: Vec<Image> = (0..5)
        .map(|i| photo(90 + i, 512, [0.0, 0.05, 0.0], 1.0))
        .collect();
    set.push(resized(
        &photo(96, 256, [0.0, 0.05, 0.0], 1.0),
        512,
        512,
        ::image::imageops::FilterType::CatmullRom,
    ));
    let found = review(&set, &policy);
    assert_eq!(flagged(&found, "upscaled"), [5]);
    assert!(flagged(&found, "blurry").is_empty());
    let f = found.iter().find(|f| f.code == "upscaled").unwrap();
    assert_eq!(f.rule, "A4");
    assert!(f.message.contains("i5.png looks enlarged"), "{}", f.message);
}

#[test]
fn monochrome_and_colour_are_told_apart_and_a_mixed_set_is_flagged() {
    // R: A8
    let c = checks();
    let colour = [
        photo(100, 256, [0.1, 0.0, -0.1], 1.0),
        line_art(101, 256, [0.8, 0.1, 0.1]),
        gradient(256, [0.9, 0.2, 0.1], [0.1, 0.3, 0.9]),
        noise(102, 256),
    ];
    for (i, img) in colour.iter().enumerate() {
        let m = measure(img, &c);
        assert!(!m.monochrome, "colour {i}: chroma {}", m.mean_chroma);
    }
    let grey = [
        photo(103, 256, [0.0; 3], 0.0),
        line_art(104, 256, [0.0; 3]),
        gradient(256, [0.0; 3], [1.0; 3]),
        line_art(105, 256, [0.15, 0.15, 0.2]),
    ];
    for (i, img) in grey.iter().enumerate() {
        let m = measure(img, &c);
        assert!(m.monochrome, "grey {i}: chroma {}", m.mean_chroma);
    }
    let policy = Policy::default();
    let code = "mixed_colour_and_monochrome";
    assert!(!review(&colour, &policy).iter().any(|f| f.code == code));
    assert!(!review(&grey, &policy).iter().any(|f| f.code == code));
    let mixed = [colour[0].clone(), colour[1].clone(), grey[0].clone()];
    let found = review(&mixed, &policy);
    let f = found.iter().find(|f| f.code == code).unwrap();
    assert!(
        f.message.starts_with("2 colour and 1 monochrome"),
        "{}",
        f.message
    );
}

#[test]
fn rows_of_text_are_flagged_and_pictures_are_not() {
    // R: A8
    let c = checks();
    let mut page = Image::filled(512, 512, [255, 255, 255, 255]);
    for row in 0..4 {
        draw_text(&mut page, "DRAFT SKETCH", 30, 40 + row * 60, 3, [0, 0, 0]);
    }
    let mut banner = photo(110, 512, [0.0; 3], 1.0);
    fill_rect(&mut banner, 0, 440, 512, 490, [250, 250, 250]);
    draw_text(&mut banner, "PORTFOLIO SAMPLE", 20, 452, 3, [20, 20, 20]);
    let mut stamp = photo(111, 512, [0.1, 0.0, 0.0], 1.0);
    fill_rect(&mut stamp, 40, 200, 470, 250, [15, 15, 30]);
    draw_text(&mut stamp, "STOCK PREVIEW", 50, 210, 4, [255, 255, 255]);
    let mut small = Image::filled(1024, 1024, [240, 235, 220, 255]);
    draw_text(&mut small, "WATERMARK ON PAPER", 300, 900, 3, [60, 50, 40]);
    for (name, img) in [
        ("page", &page),
        ("banner", &banner),
        ("stamp", &stamp),
        ("caption at 1024", &small),
    ] {
        let m = measure(img, &c);
        assert!(m.text_or_watermark, "{name}: {} glyphs", m.text_glyphs);
    }
    let pictures = [
        line_art(112, 512, [0.0; 3]),
        line_art(113, 512, [0.6, 0.1, 0.3]),
        photo(114, 512, [0.0; 3], 1.0),
        photo(115, 512, [-0.2, 0.0, 0.1], 2.0),
        noise(116, 512),
        gradient(512, [0.9, 0.2, 0.1], [0.1, 0.3, 0.9]),
        resized(
            &noise(117, 64),
            512,
            512,
            ::image::imageops::FilterType::Nearest,
        ),
    ];
    for (i, img) in pictures.iter().enumerate() {
        let m = measure(img, &c);
        assert!(
            !m.text_or_watermark,
            "picture {i}: {} glyphs",
            m.text_glyphs
        );
    }
    let policy = Policy::default();
    let found = review(&[pictures[0].clone(), page], &policy);
    assert_eq!(flagged(&found, "text_or_watermark"), [1]);
}

#[test]
fn a_set_of_two_styles_names_exactly_the_odd_images() {
    // R: A4
    let policy = Policy::default();
    let mut set: Vec<Image> = (0..8).map(|i| line_art(120 + i, 384, [0.0; 3])).collect();
    set.push(noise(130, 384));
    set.push(photo(131, 384, [0.2, -0.1, 0.1], 2.0));
    let found = review(&set, &policy);
    assert_eq!(flagged(&found, "style_outlier"), [8, 9]);
    let f = found.iter().find(|f| f.code == "style_outlier").unwrap();
    assert_eq!((f.rule.as_str(), f.severity), ("A4", Severity::Warning));
    assert!(
        f.message.starts_with("i8.png does not match the style"),
        "{}",
        f.message
    );
    // One colour image among black ink line art.
    let mut ink: Vec<Image> = (0..9).map(|i| line_art(140 + i, 384, [0.0; 3])).collect();
    ink.insert(4, photo(150, 384, [0.0; 3], 0.0));
    assert_eq!(flagged(&review(&ink, &policy), "style_outlier"), [4]);
    // Red ink among black ink: same drawing style, different palette.
    ink[4] = line_art(151, 384, [0.8, 0.1, 0.1]);
    assert_eq!(flagged(&review(&ink, &policy), "style_outlier"), [4]);
}

#[test]
fn coherent_sets_have_no_style_outliers() {
    // R: A4
    let policy = Policy::default();
    let art: Vec<Image> = (0..10).map(|i| line_art(160 + i, 384, [0.0; 3])).collect();
    assert!(flagged(&review(&art, &policy), "style_outlier").is_empty());
    let photos: Vec<Image> = (0..10)
        .map(|i| photo(170 + i, 384, [0.05, 0.0, -0.05], 1.0))
        .collect();
    assert!(flagged(&review(&photos, &policy), "style_outlier").is_empty());
    let greys: Vec<Image> = (0..10)
        .map(|i| photo(180 + i, 384, [0.0; 3], 0.0))
        .collect();
    assert!(flagged(&review(&greys, &policy), "style_outlier").is_empty());
    // Below the minimum set size nothing is compared.
    let mut few: Vec<Image> = art[..4].to_vec();
    few.push(noise(190, 384));
    assert!(flagged(&review(&few, &policy), "style_outlier").is_empty());
}

#[test]
fn measured_and_declared_metadata_mix_in_one_review() {
    // R: A4, A8
    // Hosts may declare facts (`blurry: true`) instead of measuring; both feed the
    // same findings, and images without a style vector are left out of the style rule.
    let policy = Policy::default();
    let imgs: Vec<Image> = (0..7).map(|i| line_art(200 + i, 256, [0.0; 3])).collect();
    let mut assets: Vec<Asset> = imgs
        .iter()
        .enumerate()
        .map(|(i, img)| asset(&format!("i{i}"), img, &policy))
        .collect();
    assets.push(Asset {
        meta: AssetMeta {
            blurry: Some(true),
            ..AssetMeta::image(2048, 2048)
        },
        ..assets[0].clone()
    });
    assets[7].id = "i7".into();
    let refs: Vec<&Asset> = assets.iter().collect();
    let found = crate::asset::review_set(&refs, policy.catalogue.get("tattoo").unwrap(), &policy);
    assert_eq!(flagged(&found, "blurry"), [7]);
    assert!(flagged(&found, "style_outlier").is_empty());
    let declared = found.iter().find(|f| f.code == "blurry").unwrap();
    assert_eq!(
        declared.message,
        "i7 looks blurry; sharp images train better."
    );
}

#[test]
fn checks_round_trip_through_json_and_reject_unknown_fields() {
    // R: A4
    let c = ImageChecks {
        style_outlier_z: 4.5,
        working_px: 384,
        ..checks()
    };
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<ImageChecks>(&json).unwrap(), c);
    assert!(serde_json::from_str::<ImageChecks>(r#"{"blur_ration": 0.2}"#).is_err());
    let p = Policy::from_json(r#"{"media": {"image": {"text_min_glyphs": 20}}}"#).unwrap();
    assert_eq!(p.media.image.text_min_glyphs, 20);
    assert_eq!(p.media.image.blur_ratio, checks().blur_ratio);
}

/// Committed photographs that the text tests mark (drafts, stock marks,
/// handwriting) and expect to be found.
const MARKED_PHOTOS: [&str; 10] = [
    "camera",
    "coffee",
    "hopper",
    "rocket",
    "astronaut",
    "chelsea",
    "horse",
    "coins",
    "hubble",
    "retina",
];

/// A photograph of the real-photo corpus (`tests/corpus`, see its README).
fn corpus(name: &str) -> Image {
    let path = format!("{}/../tests/corpus/{name}.jpg", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    decode(&bytes, &MediaLimits::default()).expect("corpus image decodes")
}

/// Committed photographs that make a sharp set for the blur tests.
const SHARP_SET: [&str; 6] = ["camera", "coffee", "horse", "chelsea", "hopper", "rocket"];

#[test]
fn on_real_photos_blur_is_found_and_a_crisp_silhouette_is_not_blurry() {
    // R: A8
    let policy = Policy::default();
    let mut set: Vec<Image> = SHARP_SET.map(corpus).to_vec();
    set.push(blurred(&corpus("astronaut"), 2.5));
    set.push(blurred(&corpus("coins"), 1.5));
    assert_eq!(flagged(&review(&set, &policy), "blurry"), [6, 7]);
    // The silhouette on white alone, and a set of crisp pictures, are not blurry.
    let crisp: Vec<Image> = ["horse", "camera", "gravel", "text"].map(corpus).to_vec();
    assert!(flagged(&review(&crisp, &policy), "blurry").is_empty());
}

/// Four committed photographs of 512² side by side: a crisp picture of 1024².
fn mosaic(names: [&str; 4]) -> Image {
    let mut rgba = vec![0u8; 1024 * 1024 * 4];
    for (i, name) in names.into_iter().enumerate() {
        let tile = corpus(name);
        assert_eq!((tile.width, tile.height), (512, 512), "{name}");
        let (x0, y0) = (i % 2 * 512, i / 2 * 512);
        for (y, row) in tile.rgba.chunks_exact(512 * 4).enumerate() {
            let at = ((y0 + y) * 1024 + x0) * 4;
            rgba[at..at + 512 * 4].copy_from_slice(row);
        }
    }
    Image {
        width: 1024,
        height: 1024,
        rgba,
    }
}

#[test]
fn on_real_photos_a_blur_of_a_large_picture_is_judged_at_the_training_size() {
    // R: A8 — a blur of 1.5 px on a picture of 1024 px is under a pixel at the
    // 512-px working size; sharpness is measured at the recommended training size.
    let policy = Policy::default();
    let mut set: Vec<Image> = SHARP_SET.map(corpus).to_vec();
    set.push(mosaic(["astronaut", "camera", "ihc", "gravel"]));
    set.push(blurred(
        &mosaic(["brick", "retina", "astronaut", "grass"]),
        1.5,
    ));
    set.push(blurred(
        &mosaic(["gravel", "ihc", "camera", "retina"]),
        1.25,
    ));
    assert_eq!(flagged(&review(&set, &policy), "blurry"), [7, 8]);
    // Measured at the 512-px working size, the same blurs go unseen.
    let working = policy_with(ImageChecks {
        sharpness_px: 512,
        ..checks()
    });
    assert!(flagged(&review(&set, &working), "blurry").is_empty());
}

#[test]
fn on_real_photos_2x_3x_and_4x_enlargements_are_flagged_and_originals_are_not() {
    // R: A4
    use ::image::imageops::FilterType::*;
    let c = checks();
    for name in [
        "astronaut",
        "coffee",
        "hopper",
        "camera",
        "gravel",
        "chelsea",
        "rocket",
        "text",
        "horse",
        "hubble",
        "brick",
    ] {
        let m = measure(&corpus(name), &c);
        assert!(
            !m.upscaled,
            "{name}: {:?} periodicity {:?}",
            m.upscale_factor, m.upscale_periodicity
        );
    }
    for name in ["astronaut", "coffee", "hopper"] {
        let img = corpus(name);
        for k in [2u32, 3, 4] {
            let small = resized(&img, img.width / k, img.height / k, Lanczos3);
            for filter in [Triangle, CatmullRom] {
                let m = measure(
                    &resized(&small, img.width / k * k, img.height / k * k, filter),
                    &c,
                );
                assert!(
                    m.upscaled,
                    "{name} {k}× {filter:?}: {:?} periodicity {:?}",
                    m.upscale_factor, m.upscale_periodicity
                );
            }
        }
    }
    // Lanczos 4× enlargements leave the weakest trace (issue 11).
    for name in ["astronaut", "coffee", "hopper", "camera", "chelsea"] {
        let img = corpus(name);
        let small = resized(&img, img.width / 4, img.height / 4, Lanczos3);
        let m = measure(
            &resized(&small, img.width / 4 * 4, img.height / 4 * 4, Lanczos3),
            &c,
        );
        assert!(
            m.upscaled,
            "{name} 4× Lanczos: {:?} periodicity {:?} lower {}",
            m.upscale_factor, m.upscale_periodicity, m.lower_ratio
        );
    }
    // Blur is blur, not enlargement.
    for name in ["coffee", "camera", "astronaut", "hopper"] {
        let m = measure(&blurred(&corpus(name), 2.0), &c);
        assert!(
            !m.upscaled,
            "{name} blurred: {:?} periodicity {:?}",
            m.upscale_factor, m.upscale_periodicity
        );
    }
    assert!(!measure(&blurred(&corpus("coffee"), 3.0), &c).upscaled);
}

#[test]
fn a_dark_deep_sky_photo_is_colour_and_grey_photos_are_monochrome() {
    // R: A8
    let c = checks();
    for name in ["hubble", "coffee", "retina", "ihc"] {
        let m = measure(&corpus(name), &c);
        assert!(
            !m.monochrome,
            "{name}: chroma percentile {}",
            m.chroma_percentile
        );
    }
    for name in ["camera", "coins", "gravel", "horse", "text"] {
        let m = measure(&corpus(name), &c);
        assert!(
            m.monochrome,
            "{name}: chroma percentile {}",
            m.chroma_percentile
        );
    }
}

#[test]
fn unrelated_photos_have_no_common_style_and_one_more_image_does_not_flip_it() {
    // R: A4
    let policy = Policy::default();
    let names = [
        "astronaut",
        "chelsea",
        "coffee",
        "rocket",
        "hubble",
        "retina",
        "ihc",
        "camera",
        "coins",
        "gravel",
        "grass",
        "brick",
        "text",
        "horse",
    ];
    let mut set: Vec<Image> = names.map(corpus).to_vec();
    let found = review(&set, &policy);
    assert!(found
        .iter()
        .any(|f| f.code == "no_common_style" && f.asset.is_none() && f.rule == "A4"));
    assert!(flagged(&found, "style_outlier").is_empty());
    set.push(corpus("hopper"));
    let found = review(&set, &policy);
    assert!(found.iter().any(|f| f.code == "no_common_style"));
    assert!(flagged(&found, "style_outlier").is_empty());
    // Crops of one photograph share a style.
    let big = resized(
        &corpus("astronaut"),
        1024,
        1024,
        ::image::imageops::FilterType::Lanczos3,
    );
    let crops: Vec<Image> = (0..8)
        .map(|i| {
            from_dynamic(
                ::image::imageops::crop_imm(
                    &to_dynamic(&big),
                    (i % 4) * 160,
                    (i / 4) * 400,
                    512,
                    512,
                )
                .to_image(),
            )
        })
        .collect();
    let found = review(&crops, &policy);
    assert!(
        !found
            .iter()
            .any(|f| f.code == "no_common_style" || f.code == "style_outlier"),
        "{found:?}"
    );
}

#[test]
fn a_small_image_is_a_low_resolution_warning_unless_a_hard_minimum_is_set() {
    // R: A3, A4
    let mut policy = Policy::default();
    let tattoo = policy.catalogue.get("tattoo").unwrap().clone();
    let small = asset(
        "i0",
        &resized(
            &corpus("coffee"),
            200,
            133,
            ::image::imageops::FilterType::Triangle,
        ),
        &policy,
    );
    assert!(crate::asset::check_selectable(&small, &"ana".into(), &tattoo, &policy).is_ok());
    let found = crate::asset::review_set(&[&small], &tattoo, &policy);
    assert!(found
        .iter()
        .any(|f| f.code == "low_resolution" && f.severity == Severity::Warning));
    policy.media.limits.min_image_side_px = Some(256);
    let err = crate::asset::check_selectable(&small, &"ana".into(), &tattoo, &policy).unwrap_err();
    assert_eq!(err.code(), "image_too_small");
    policy.media.limits.min_image_side_px = Some(0);
    assert!(policy.media.validate().is_err());
}

#[test]
fn on_real_photos_textures_are_not_text_and_the_draft_mark_is() {
    // R: A8 — coins, gravel, grass and brick once read as rows of letters.
    use crate::generator::Artifact;
    use crate::watermark::{draft, DraftMark, WatermarkStyle};
    let c = checks();
    for name in [
        "coins",
        "gravel",
        "grass",
        "brick",
        "camera",
        "astronaut",
        "chelsea",
        "coffee",
        "hopper",
        "horse",
        "rocket",
    ] {
        let m = measure(&corpus(name), &c);
        assert!(!m.text_or_watermark, "{name}: {} glyphs", m.text_glyphs);
    }
    // Blurred, the coins' rims read as rows of printed letters; nearly all of
    // them are hollow, which letters are not.
    let loose = ImageChecks {
        text_max_hollow_share: 2.0,
        ..checks()
    };
    let coins = corpus("coins");
    let mut rim_rows = 0;
    for sigma in [1.25f32, 1.5, 1.75, 2.0] {
        let soft = blurred(&coins, sigma);
        let m = measure(&soft, &c);
        assert!(
            !m.text_or_watermark,
            "coins blurred {sigma}: {} glyphs",
            m.text_glyphs
        );
        rim_rows += usize::from(measure(&soft, &loose).text_or_watermark);
    }
    assert!(rim_rows >= 2, "{rim_rows}");
    let names = &MARKED_PHOTOS[..6];
    let found: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, name)| {
            let mark = DraftMark {
                reference: format!("order-{i}"),
                seed: *i as u64,
            };
            let Artifact::Image(d) = draft(
                &Artifact::Image(corpus(name)),
                &mark,
                &WatermarkStyle::default(),
            ) else {
                return false;
            };
            measure(&d, &c).text_or_watermark
        })
        .map(|(_, name)| *name)
        .collect();
    println!("draft mark found on {found:?}");
    assert!(found.len() >= 4, "draft mark found on {found:?} only");
}

/// `img` under a rigid stock-photo mark: `text` tiled in staggered rows along a
/// rising 30° diagonal, a white fill of opacity `fill` with a dark outline of
/// opacity `outline` (the `stock` variant of `benches/compare/corpus_findings.py`).
fn stock_marked(img: &Image, text: &str, fill: f32, outline: f32) -> Image {
    let em = (img.width.min(img.height) / 12).max(14) as f32;
    let label = crate::watermark::visible::rasterise(text, em, (em / 16.0).max(1.0) as usize);
    // Lattice periods along the rows and across them.
    let (along, across) = (label.w as f32 * 1.15, label.h as f32 * 2.2);
    let (sin, cos) = 30f32.to_radians().sin_cos();
    let coverage = |v: &[f32], u: f32, t: f32| {
        let (x, y) = (u as usize, t as usize);
        if x + 1 >= label.w || y + 1 >= label.h {
            return 0.0;
        }
        let (fx, fy) = (u - x as f32, t - y as f32);
        let i = y * label.w + x;
        let top = v[i] + (v[i + 1] - v[i]) * fx;
        top + (v[i + label.w] + (v[i + label.w + 1] - v[i + label.w]) * fx - top) * fy
    };
    let mut out = img.clone();
    for (i, p) in out.rgba.chunks_exact_mut(4).enumerate() {
        let (x, y) = (
            (i % img.width as usize) as f32,
            (i / img.width as usize) as f32,
        );
        // Mark space: u along the rising rows, t across them (y runs down).
        let (u, t) = (x * cos - y * sin, x * sin + y * cos);
        let row = (t / across).floor();
        let (u, t) = (
            (u + row * along * 0.4).rem_euclid(along),
            t.rem_euclid(across),
        );
        let f = coverage(&label.fill, u, t);
        let ring = (coverage(&label.edge, u, t) - f).max(0.0);
        for c in &mut p[..3] {
            let v = f32::from(*c);
            let v = v - outline * ring * v;
            *c = (v + fill * f * (255.0 - v)).round() as u8;
        }
    }
    out
}

/// Which of the committed photographs `names` read as text under a stock mark of
/// white at `fill` (see [`stock_marked`]), with the checks given.
fn stock_mark_found<'a>(names: &[&'a str], fill: f32) -> impl Fn(&ImageChecks) -> Vec<&'a str> {
    let marked: Vec<(&str, Image)> = names
        .iter()
        .map(|&name| (name, stock_marked(&corpus(name), "STOCKPIX 24", fill, 0.16)))
        .collect();
    move |c| {
        marked
            .iter()
            .filter(|(_, img)| measure(img, c).text_or_watermark)
            .map(|(name, _)| *name)
            .collect()
    }
}

#[test]
fn on_real_photos_a_tiled_stock_mark_is_text() {
    // R: A8 — a rigid label tiled along a diagonal in white at 30 % with a dark
    // outline (the usual stock-photo mark): measured as a plain difference from the
    // local mean, its fill vanishes wherever the picture is bright.
    let found = stock_mark_found(&MARKED_PHOTOS, 0.3);
    let with_headroom = found(&checks());
    println!("stock mark found on {with_headroom:?}");
    assert!(
        with_headroom.len() >= 7,
        "stock mark found on {with_headroom:?} only"
    );
    // On the picture alone (not through the mark's copies, which find it either way).
    let picture = ImageChecks {
        tile_min_correlation: 1.0,
        ..checks()
    };
    let headroom_alone = found(&picture);
    let plain = found(&ImageChecks {
        text_headroom_floor: 1.0,
        ..picture
    });
    println!("measured as a plain difference: {plain:?}");
    assert!(
        plain.len() < headroom_alone.len(),
        "{plain:?} {headroom_alone:?}"
    );
}

#[test]
fn on_real_photos_a_tiled_mark_over_texture_is_read_through_its_copies() {
    // R: A8 — over brick, grass, gravel and a micrograph the stock mark's letters
    // run into the texture; the median of each pixel's copies on the mark's lattice
    // keeps the mark and loses the texture under it.
    let names = ["brick", "grass", "gravel", "ihc"];
    let found = stock_mark_found(&names, 0.35);
    let through_copies = found(&checks());
    println!("tiled mark over texture found on {through_copies:?}");
    assert!(
        through_copies.len() >= 3,
        "tiled mark over texture found on {through_copies:?} only"
    );
    // Read as the picture only (no photograph correlates fully with itself moved).
    let picture_only = found(&ImageChecks {
        tile_min_correlation: 1.0,
        ..checks()
    });
    println!("without the copies: {picture_only:?}");
    assert!(
        picture_only.len() < through_copies.len(),
        "{picture_only:?}"
    );
    // The textures themselves, unmarked, are not text.
    for name in names {
        let m = measure(&corpus(name), &checks());
        assert!(!m.text_or_watermark, "{name}: {} glyphs", m.text_glyphs);
    }
}

/// `img` with three lines of synthetic joined-up handwriting in dark blue ink across
/// its lower half: words of 3 to 8 looped letters drawn with a round nib `nib`
/// small letters' heights across (the `hand` variant of
/// `benches/compare/corpus_findings.py` writes with a sixth, at least 2 px), the
/// space between words `spacing` times the usual 0.8 to 1.5 letters' heights.
fn handwritten(img: &Image, seed: u64, nib: f32, spacing: f32) -> Image {
    let mut rng = SplitMix(seed);
    let (w, h) = (img.width as f32, img.height as f32);
    let x_h = (w.min(h) / 30.0).floor().max(8.0);
    // The pixels whose centres lie within the nib.
    let r = (nib * x_h).max(1.0) / 2.0;
    let mut out = img.clone();
    let mut dot = |cx: f32, cy: f32| {
        let (xa, xb) = ((cx - r).floor().max(0.0), (cx + r).ceil().min(w - 1.0));
        let (ya, yb) = ((cy - r).floor().max(0.0), (cy + r).ceil().min(h - 1.0));
        for y in ya as usize..=yb as usize {
            for x in xa as usize..=xb as usize {
                if (x as f32 + 0.5 - cx).hypot(y as f32 + 0.5 - cy) <= r {
                    let i = (y * img.width as usize + x) * 4;
                    out.rgba[i..i + 3].copy_from_slice(&[20, 25, 70]);
                }
            }
        }
    };
    for line in 0..3 {
        let y0 = h * (0.55 + 0.12 * line as f32);
        let mut x = w * 0.08;
        while x < w * 0.85 {
            let letters = 3 + (rng.next_u64() % 6) as usize;
            // The pen runs straight between points 1/48 of a letter apart.
            let at = |t: f32| {
                let tall = if t as usize % 3 == 1 { 1.6 } else { 1.0 };
                let turn = 2.0 * std::f32::consts::PI * t;
                (
                    x + t * x_h * 0.9 + 0.35 * x_h * turn.sin(),
                    y0 - x_h * (0.5 + 0.5 * turn.cos()) * tall,
                )
            };
            for i in 0..letters * 48 {
                let (ax, ay) = at(i as f32 / 48.0);
                let (bx, by) = at((i + 1) as f32 / 48.0);
                let steps = ((bx - ax).hypot(by - ay) * 4.0).ceil().max(1.0);
                for k in 0..steps as usize {
                    let f = k as f32 / steps;
                    dot(ax + (bx - ax) * f, ay + (by - ay) * f);
                }
            }
            x += letters as f32 * x_h * 0.9 + x_h * (0.8 + 0.7 * rng.next_f32()) * spacing;
        }
    }
    out
}

#[test]
fn on_real_photos_handwriting_is_text() {
    // R: A8
    let rows_only = ImageChecks {
        text_min_cursive_words: u32::MAX,
        ..checks()
    };
    let luma_only = ImageChecks {
        text_chroma_contrast: 0.0,
        ..checks()
    };
    // Words as usually spaced, and words standing apart (as where a line runs
    // into dark parts of the picture, which swallow the words between).
    for spacing in [1.0, 3.0] {
        let hands: Vec<(&str, Image)> = MARKED_PHOTOS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    *name,
                    handwritten(&corpus(name), i as u64, 1.0 / 6.0, spacing),
                )
            })
            .collect();
        let found = |c: &ImageChecks| -> Vec<&str> {
            hands
                .iter()
                .filter(|(_, img)| measure(img, c).text_or_watermark)
                .map(|(name, _)| *name)
                .collect()
        };
        let all = found(&checks());
        let (rows, luma) = (found(&rows_only), found(&luma_only));
        println!("spacing {spacing}: found on {all:?}, by rows alone on {rows:?}, by luma alone on {luma:?}");
        assert!(all.len() >= 8, "spacing {spacing}: found on {all:?} only");
        assert!(rows.iter().chain(&luma).all(|name| all.contains(name)));
        // Dark ink on the dark suit and the night sky is found by its colour.
        for dark in ["hopper", "hubble"] {
            assert!(
                all.contains(&dark) && !luma.contains(&dark),
                "{dark}: {luma:?}"
            );
        }
        if spacing > 1.0 {
            // Words apart are found through the scattered words, not as rows.
            assert!(
                rows.len() + 6 <= all.len(),
                "rows alone find {rows:?}, with scattered words {all:?}"
            );
        }
    }
}

#[test]
fn ink_as_bright_as_the_picture_is_read_by_its_colour() {
    // R: A8 — magenta letters on a green field of the same luma: no luma contrast
    // at all, plain to the eye.
    let (w, h) = (480u32, 160u32);
    let magenta = [200u8, 60, 200];
    let y =
        |[r, g, b]: [u8; 3]| 0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b);
    // A green with the magenta's luma.
    let g = (y(magenta) - (0.2126 + 0.0722) * 40.0) / 0.7152;
    let green = [40, g.round() as u8, 40];
    assert!((y(magenta) - y(green)).abs() < 1.0);
    let mut img = Image::filled(w, h, [green[0], green[1], green[2], 255]);
    draw_text(&mut img, "PORTFOLIO SAMPLE", 20, 60, 3, magenta);
    let m = measure(&img, &checks());
    assert!(m.text_or_watermark, "{} glyphs", m.text_glyphs);
    let luma_only = measure(
        &img,
        &ImageChecks {
            text_chroma_contrast: 0.0,
            ..checks()
        },
    );
    assert!(
        !luma_only.text_or_watermark,
        "{} glyphs by luma",
        luma_only.text_glyphs
    );
}

#[test]
fn text_and_upscale_checks_are_validated() {
    // R: A8, A4
    let bad = |f: fn(&mut ImageChecks)| {
        let mut policy = Policy::default();
        f(&mut policy.media.image);
        policy.media.validate().is_err()
    };
    assert!(bad(|c| c.text_angles_deg = vec![0.0, 120.0]));
    assert!(bad(|c| c.text_stroke_thickness = [0.4, 0.2]));
    assert!(bad(|c| c.text_min_winding = -1.0));
    assert!(bad(|c| c.text_turned_px = 0));
    assert!(bad(|c| c.sharpness_px = 0));
    assert!(bad(|c| c.text_headroom_floor = 0.0));
    assert!(bad(|c| c.text_headroom_floor = 1.5));
    assert!(bad(|c| c.upscale_soft_max_lower_ratio = 2.0));
    assert!(bad(|c| c.upscale_sure_lower_ratio = 1.5));
    assert!(bad(|c| c.text_max_hollow_share = -0.1));
    assert!(bad(|c| c.upscale_min_peak = f32::NAN));
    assert!(bad(|c| c.tile_clip = 0.0));
    assert!(bad(|c| c.tile_min_correlation = 1.5));
    assert!(bad(|c| c.tile_min_period_px = 0));
    assert!(bad(|c| c.tile_min_copies = 0));
    assert!(bad(|c| c.text_min_cursive_words = 0));
    assert!(bad(|c| c.text_cursive_min_winding = f32::INFINITY));
    assert!(bad(|c| c.text_cursive_max_thickness = -0.1));
    assert!(bad(|c| c.text_cursive_min_aspect = f32::NAN));
    assert!(bad(|c| c.text_chroma_contrast = -0.1));
    assert!(!bad(|c| c.text_chroma_contrast = 0.0));
    assert!(bad(|c| c.tile_min_copies = 10));
    assert!(!bad(|c| c.tile_min_copies = 9));
    assert!(Policy::default().media.validate().is_ok());
    // Validated with the whole policy.
    let mut policy = Policy::default();
    policy.media.image.upscale_max_lower_ratio_4 = 1.5;
    assert!(policy.validate().is_err());
    assert!(Policy::default().validate().is_ok());
}

#[test]
fn on_real_photos_a_light_blur_is_not_an_enlargement() {
    // R: A4 — a blur of 1.5 px empties the top octave and keeps a fifth to a
    // quarter of the next, as an enlargement by about 3× does: the octave test
    // alone calls it enlarged; without interpolation's trace it is not.
    let c = checks();
    let octaves_only = ImageChecks {
        upscale_sure_lower_ratio: c.upscale_min_lower_ratio,
        ..checks()
    };
    let names = [
        "astronaut",
        "brick",
        "camera",
        "chelsea",
        "coffee",
        "coins",
        "gravel",
        "hopper",
        "horse",
        "hubble",
        "ihc",
        "retina",
    ];
    let mut octave_alarms = 0;
    for name in names {
        let img = blurred(&corpus(name), 1.5);
        let m = measure(&img, &c);
        assert!(
            !m.upscaled,
            "{name}: lower {} period 2 {} peak {}",
            m.lower_ratio, m.upscale_period_2, m.upscale_peak
        );
        assert!(m.upscale_period_2 < c.upscale_min_period_2 && m.upscale_peak < c.upscale_min_peak);
        octave_alarms += usize::from(measure(&img, &octaves_only).upscaled);
    }
    assert!(octave_alarms >= 10, "{octave_alarms}");
    // A blur of 2 px that still looks enlarged to the octave test.
    for name in ["rocket", "text"] {
        let img = blurred(&corpus(name), 2.0);
        assert!(measure(&img, &octaves_only).upscaled, "{name}");
        assert!(!measure(&img, &c).upscaled, "{name}");
    }
}

#[test]
fn on_real_photos_2x_enlargements_keep_a_period_2() {
    // R: A4 — the four-sample stencil sees the period a symmetric 2× enlargement
    // leaves; a blurred photograph has none, and JPEG's blocks leave one of their
    // own, which is why it is not read where their edges show.
    use ::image::imageops::FilterType::*;
    let c = checks();
    for name in ["astronaut", "coffee", "hopper", "camera", "gravel"] {
        let img = corpus(name);
        let small = resized(&img, img.width / 2, img.height / 2, Lanczos3);
        for filter in [Triangle, CatmullRom, Lanczos3] {
            let m = measure(
                &resized(&small, img.width / 2 * 2, img.height / 2 * 2, filter),
                &c,
            );
            assert!(
                m.upscale_period_2 >= c.upscale_min_period_2,
                "{name} {filter:?}: {m:?}"
            );
            assert!(
                m.jpeg_block_edges < c.upscale_max_block_edges,
                "{name} {filter:?}: {m:?}"
            );
        }
        let soft = blurred(&img, 2.0);
        let m = measure(&soft, &c);
        assert!(
            m.upscale_period_2 < c.upscale_min_period_2 / 2.0,
            "{name}: {m:?}"
        );
        assert!(
            m.jpeg_block_edges < c.upscale_max_block_edges,
            "{name}: {m:?}"
        );
        let saved = decode(&jpeg(&soft, 85), &MediaLimits::default()).unwrap();
        let m = measure(&saved, &c);
        assert!(
            m.jpeg_block_edges >= c.upscale_max_block_edges,
            "{name}: {m:?}"
        );
        assert!(
            m.upscale_period_2 >= c.upscale_min_period_2,
            "{name}: {m:?}"
        );
    }
}

#[test]
fn on_real_photos_enlargements_by_other_factors_show_a_spectral_peak() {
    // R: A4 — enlargements by 2.5× and 3.3× leave a period no fold sees; the
    // spectrum of the second difference's profile peaks at it.
    use ::image::imageops::FilterType::*;
    let c = checks();
    let no_peak = ImageChecks {
        upscale_min_peak: f32::MAX,
        ..checks()
    };
    let names = [
        "astronaut",
        "chelsea",
        "coffee",
        "hopper",
        "camera",
        "gravel",
    ];
    let mut needed_the_peak = 0;
    for name in names {
        let img = corpus(name);
        for factor in [2.5f32, 3.3] {
            let (sw, sh) = (img.width as f32 / factor, img.height as f32 / factor);
            let small = resized(&img, sw as u32, sh as u32, Lanczos3);
            let big = resized(&small, img.width, img.height, CatmullRom);
            let m = measure(&big, &c);
            assert!(m.upscaled, "{name} {factor}×: {m:?}");
            assert!(
                m.upscale_peak >= c.upscale_min_peak,
                "{name} {factor}×: {m:?}"
            );
            needed_the_peak += usize::from(!measure(&big, &no_peak).upscaled);
        }
    }
    assert!(needed_the_peak >= 3, "{needed_the_peak}");
    // Photographs as they are show no such peak.
    for name in names {
        let m = measure(&corpus(name), &c);
        assert!(m.upscale_peak < c.upscale_min_peak, "{name}: {m:?}");
    }
}

#[test]
fn a_period_4_trace_over_full_detail_is_not_a_4x_enlargement() {
    // R: A4
    // A faint lattice every 4th column and row (as in the `ihc` micrograph's
    // file) over a photograph with all its detail: interpolation's period is
    // there, but the octave above a 4× enlargement's Nyquist is full.
    let mut img = corpus("gravel");
    let w = img.width as usize;
    for (i, px) in img.rgba.chunks_exact_mut(4).enumerate() {
        if (i % w) % 4 == 1 || (i / w) % 4 == 1 {
            for v in &mut px[..3] {
                *v = v.saturating_add(12);
            }
        }
    }
    let c = checks();
    let m = measure(&img, &c);
    assert!(m.upscale_periodicity[1] >= c.upscale_min_period_4, "{m:?}");
    assert!(m.lower_ratio >= c.upscale_max_lower_ratio_4, "{m:?}");
    assert!(!m.upscaled, "{:?}", m.upscale_factor);
    // Without the fall-off test the trace alone would call it enlarged 4×.
    let loose = ImageChecks {
        upscale_max_lower_ratio_4: 1.0,
        ..checks()
    };
    assert_eq!(measure(&img, &loose).upscale_factor, Some(4));
}

#[test]
fn drafts_uploaded_back_are_recognised_by_their_invisible_mark() {
    // R: A8, W2 — a client's draft, uploaded as a training picture, carries the
    // draft's payload; the visible mark alone is found on about half the photographs.
    use crate::generator::Artifact;
    use crate::watermark::{mark_draft, DraftMark, MarkStyle};
    let (policy, marks) = (Policy::default(), MarkStyle::default());
    let seen = |img: &Image| inspect_image_marked(img, &policy, Some(&marks.invisible)).draft_mark;
    // The photographs the text tests mark, and textures that must not read as drafts.
    let names = MARKED_PHOTOS
        .iter()
        .chain(&["gravel", "grass", "brick", "ihc"]);
    let mut missed = Vec::new();
    for (i, name) in names.enumerate() {
        let photo = corpus(name);
        let mark = DraftMark {
            reference: format!("order-{i}"),
            seed: i as u64,
        };
        let marked = mark_draft(
            &Artifact::Image(photo.clone()),
            &mark,
            Some(i as u64),
            &marks,
        );
        // Every original, and its mirror image, reads as no draft.
        assert_eq!(
            seen(&photo),
            Some(false),
            "{name}: an original read as a draft"
        );
        let mut mirrored = photo.clone();
        for row in mirrored.rgba.chunks_exact_mut(photo.width as usize * 4) {
            let px: Vec<[u8; 4]> = row
                .chunks_exact(4)
                .rev()
                .map(|p| [p[0], p[1], p[2], p[3]])
                .collect();
            row.copy_from_slice(px.concat().as_slice());
        }
        assert_eq!(
            seen(&mirrored),
            Some(false),
            "{name}: a mirrored original read as a draft"
        );
        if marked.payload.is_err() {
            continue; // too flat to carry the payload: nothing to find
        }
        let Artifact::Image(draft) = &marked.artifact else {
            unreachable!("an image stays an image")
        };
        if seen(draft) != Some(true) {
            missed.push(*name);
        }
    }
    assert!(missed.is_empty(), "drafts not recognised: {missed:?}");
}
