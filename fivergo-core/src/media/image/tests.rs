//! Tests on images the tests draw themselves: line art, gradients, noise, photo-like
//! textures, text rows, upscaled and blurred copies.

use super::*;
use crate::asset::{AssetSource, Severity};
use crate::media::MediaLimits;
use plane::SplitMix;

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
    Image { width: w, height: h, rgba }
}

/// Thick anti-aliased strokes (random polylines and rings) in `ink` on white.
fn line_art(seed: u64, size: u32, ink: [f32; 3]) -> Image {
    let mut rng = SplitMix(seed);
    let s = size as f32;
    let mut cover = vec![0.0f32; (size * size) as usize];
    let mut stroke = |cover: &mut Vec<f32>, a: (f32, f32), b: (f32, f32), t: f32| {
        let (x0, x1) = ((a.0.min(b.0) - t).max(0.0) as u32, ((a.0.max(b.0) + t) as u32).min(size - 1));
        let (y0, y1) = ((a.1.min(b.1) - t).max(0.0) as u32, ((a.1.max(b.1) + t) as u32).min(size - 1));
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
    let thick = s / 90.0 + 3.0 * rng.next_f32();
    for _ in 0..6 {
        // A wandering polyline.
        let mut p = (s * (0.1 + 0.8 * rng.next_f32()), s * (0.1 + 0.8 * rng.next_f32()));
        let mut angle = rng.next_f32() * std::f32::consts::TAU;
        for _ in 0..8 {
            angle += (rng.next_f32() - 0.5) * 1.6;
            let step = s * (0.04 + 0.06 * rng.next_f32());
            let q = ((p.0 + step * angle.cos()).clamp(4.0, s - 4.0), (p.1 + step * angle.sin()).clamp(4.0, s - 4.0));
            stroke(&mut cover, p, q, thick);
            p = q;
        }
    }
    for _ in 0..3 {
        // A ring.
        let (cx, cy, r) = (s * (0.2 + 0.6 * rng.next_f32()), s * (0.2 + 0.6 * rng.next_f32()), s * (0.05 + 0.12 * rng.next_f32()));
        let n = 40;
        for k in 0..n {
            let (a0, a1) = (k as f32 / n as f32 * std::f32::consts::TAU, (k + 1) as f32 / n as f32 * std::f32::consts::TAU);
            stroke(&mut cover, (cx + r * a0.cos(), cy + r * a0.sin()), (cx + r * a1.cos(), cy + r * a1.sin()), thick);
        }
    }
    from_fn(size, size, |x, y| {
        let c = cover[(y * size + x) as usize];
        [1.0 - c * (1.0 - ink[0]), 1.0 - c * (1.0 - ink[1]), 1.0 - c * (1.0 - ink[2])]
    })
}

/// A smooth two-colour diagonal gradient.
fn gradient(size: u32, a: [f32; 3], b: [f32; 3]) -> Image {
    from_fn(size, size, |x, y| {
        let t = (x + y) as f32 / (2 * size - 2).max(1) as f32;
        [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])]
    })
}

/// Independent uniform noise per pixel and channel.
fn noise(seed: u64, size: u32) -> Image {
    let mut rng = SplitMix(seed);
    from_fn(size, size, |_, _| [rng.next_f32(), rng.next_f32(), rng.next_f32()])
}

/// Bilinear value noise on a `grid × grid` lattice, sampled at `size × size`.
fn value_noise(rng: &mut SplitMix, grid: u32, size: u32) -> Vec<f32> {
    let g = grid as usize + 1;
    let lattice: Vec<f32> = (0..g * g).map(|_| rng.next_f32() - 0.5).collect();
    let mut out = vec![0.0f32; (size * size) as usize];
    let scale = grid as f32 / size as f32;
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
            let hue = [rng.next_f32() - 0.5, rng.next_f32() - 0.5, rng.next_f32() - 0.5];
            (
                s * rng.next_f32(),
                s * rng.next_f32(),
                s * (0.06 + 0.18 * rng.next_f32()),
                s * (0.06 + 0.18 * rng.next_f32()),
                [shade + 0.4 * colourful * hue[0], shade + 0.4 * colourful * hue[1], shade + 0.4 * colourful * hue[2]],
            )
        })
        .collect();
    let mut luma = vec![0.0f32; (size * size) as usize];
    let mut chroma = [vec![0.0f32; (size * size) as usize], vec![0.0f32; (size * size) as usize]];
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
        let mut c = [l + tint[0] + u, l + tint[1] - 0.5 * u - 0.5 * v, l + tint[2] + v];
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
    Image { width, height, rgba: img.into_raw() }
}

fn resized(img: &Image, w: u32, h: u32, filter: ::image::imageops::FilterType) -> Image {
    from_dynamic(::image::imageops::resize(&to_dynamic(img), w, h, filter))
}

fn blurred(img: &Image, sigma: f32) -> Image {
    from_dynamic(::image::imageops::blur(&to_dynamic(img), sigma))
}

fn jpeg(img: &Image, quality: u8) -> Vec<u8> {
    let rgb: Vec<u8> = img.rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut buf = Vec::new();
    ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality)
        .encode(&rgb, img.width, img.height, ::image::ExtendedColorType::Rgb8)
        .unwrap();
    buf
}

fn checks() -> ImageChecks {
    ImageChecks::default()
}

// ---------------------------------------------------------------- exploration

#[test]
#[ignore]
fn debug_text() {
    let mut light = photo(13, 512, [-0.3; 3], 0.5);
    draw_text(&mut light, "STOCK PREVIEW", 40, 200, 4, [255, 255, 255]);
    println!("{}", measure(&light, &checks()).text_glyphs);
    let mut caption = line_art(12, 512, [0.0; 3]);
    draw_text(&mut caption, "MADE FOR ROSA", 60, 470, 3, [0, 0, 0]);
    println!("{}", measure(&caption, &checks()).text_glyphs);
}

fn robust_z(vectors: &[Vec<f32>]) -> Vec<f32> {
    fn med(v: &[f32]) -> f32 {
        let mut v = v.to_vec();
        v.sort_by(f32::total_cmp);
        let n = v.len();
        if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
    }
    let dims = vectors[0].len();
    let mut dist = vec![0.0f32; vectors.len()];
    for d in 0..dims {
        let col: Vec<f32> = vectors.iter().map(|v| v[d]).collect();
        let m = med(&col);
        let mad = med(&col.iter().map(|x| (x - m).abs()).collect::<Vec<_>>());
        if mad > 1e-9 {
            for (k, v) in vectors.iter().enumerate() {
                dist[k] += ((v[d] - m) / mad).powi(2);
            }
        }
    }
    let dist: Vec<f32> = dist.iter().map(|d| d.sqrt()).collect();
    let m = med(&dist);
    let mad = med(&dist.iter().map(|x| (x - m).abs()).collect::<Vec<_>>());
    dist.iter().map(|d| (d - m) / (1.4826 * mad).max(1e-6 * m.max(1.0))).collect()
}

#[test]
#[ignore]
fn print_style() {
    let c = checks();
    let show = |name: &str, imgs: Vec<Image>| {
        let v: Vec<Vec<f32>> = imgs.iter().map(|i| measure(i, &c).style_vector).collect();
        let z = robust_z(&v);
        println!("{name:>20}: {}", z.iter().map(|z| format!("{z:.1}")).collect::<Vec<_>>().join(" "));
    };
    let mut s: Vec<Image> = (0..8).map(|i| line_art(i, 512, [0.0; 3])).collect();
    s.push(noise(1, 512));
    s.push(photo(3, 512, [0.2, -0.1, 0.1], 2.0));
    show("8 lineart + 2", s);
    show("10 lineart", (0..10).map(|i| line_art(100 + i, 512, [0.0; 3])).collect());
    show("10 photos", (0..10).map(|i| photo(200 + i, 512, [0.05, 0.0, -0.05], 1.0)).collect());
    show("10 grey photos", (0..10).map(|i| photo(300 + i, 512, [0.0; 3], 0.0)).collect());
    let mut s: Vec<Image> = (0..10).map(|i| photo(400 + i, 512, [0.05, 0.0, -0.05], 1.0)).collect();
    s.push(line_art(1, 512, [0.0; 3]));
    show("10 photos + lineart", s);
    let mut s: Vec<Image> = (0..10).map(|i| line_art(500 + i, 512, [0.0; 3])).collect();
    s.push(photo(1, 512, [0.0; 3], 0.0));
    show("10 lineart + grey ph", s);
    let mut s: Vec<Image> = (0..10).map(|i| line_art(600 + i, 512, [0.0; 3])).collect();
    s.push(line_art(7, 512, [0.8, 0.1, 0.1]));
    show("10 lineart + red la", s);
    show("12 mixed sizes la", (0..12).map(|i| line_art(700 + i, 256 + 64 * (i as u32 % 4), [0.0; 3])).collect());
    show("10 photos tints", (0..10).map(|i| photo(800 + i, 512, [0.05 * (i % 3) as f32, 0.0, -0.05], 1.0)).collect());
}

#[test]
#[ignore]
fn print_measures() {
    let c = checks();
    let show = |name: &str, img: &Image| {
        let m = measure(img, &c);
        println!(
            "{name:>22}: sharp {:.4} up {:.3} low {:.3} det {:.2e} ups {} chroma {:.1} edges {:.3} glyphs {}",
            m.sharpness, m.upscale_ratio, m.lower_ratio, m.detail, m.upscaled, m.mean_chroma, m.edge_density, m.text_glyphs
        );
    };
    use ::image::imageops::FilterType::*;
    for seed in 0..3 {
        show(&format!("line art {seed}"), &line_art(seed, 512, [0.0; 3]));
    }
    show("line art 1024", &line_art(9, 1024, [0.0; 3]));
    show("gradient", &gradient(512, [0.9, 0.2, 0.1], [0.1, 0.3, 0.9]));
    show("grey gradient", &gradient(512, [0.1; 3], [0.9; 3]));
    show("noise", &noise(1, 512));
    for seed in 0..3 {
        show(&format!("photo {seed}"), &photo(seed, 512, [0.1, 0.0, -0.1], 1.0));
    }
    show("photo grey", &photo(5, 512, [0.0; 3], 0.0));
    show("photo 1024", &photo(6, 1024, [0.0, 0.05, 0.1], 1.0));
    let small = photo(7, 256, [0.0; 3], 1.0);
    for (name, f) in [("triangle", Triangle), ("catmull", CatmullRom), ("lanczos", Lanczos3), ("nearest", Nearest), ("gauss", Gaussian)] {
        show(&format!("photo up2 {name}"), &resized(&small, 512, 512, f));
    }
    show("photo up4 lanczos", &resized(&photo(7, 128, [0.0; 3], 1.0), 512, 512, Lanczos3));
    let la = line_art(3, 256, [0.0; 3]);
    show("lineart up2 catmull", &resized(&la, 512, 512, CatmullRom));
    show("lineart up2 triangle", &resized(&la, 512, 512, Triangle));
    let p = photo(8, 512, [0.0; 3], 1.0);
    for s in [0.7, 1.0, 1.5, 2.0, 3.0] {
        show(&format!("photo blur {s}"), &blurred(&p, s));
    }
    let l = line_art(8, 512, [0.0; 3]);
    for s in [1.0, 2.0, 3.0] {
        show(&format!("lineart blur {s}"), &blurred(&l, s));
    }
    let mut t = Image::filled(512, 512, [255, 255, 255, 255]);
    for row in 0..4 {
        draw_text(&mut t, "DRAFT SKETCH", 30, 40 + row * 60, 3, [0, 0, 0]);
    }
    show("text rows", &t);
    let mut banner = photo(11, 512, [0.0; 3], 1.0);
    fill_rect(&mut banner, 0, 440, 512, 490, [250, 250, 250]);
    draw_text(&mut banner, "PORTFOLIO SAMPLE", 20, 452, 3, [20, 20, 20]);
    show("photo banner", &banner);
    let mut caption = line_art(12, 512, [0.0; 3]);
    draw_text(&mut caption, "MADE FOR ROSA", 60, 470, 3, [0, 0, 0]);
    show("lineart signature", &caption);
    let mut light = photo(13, 512, [-0.3; 3], 0.5);
    draw_text(&mut light, "STOCK PREVIEW", 40, 200, 4, [255, 255, 255]);
    show("photo white text", &light);
    let big = photo(21, 1024, [0.0, 0.05, -0.05], 1.0);
    show("photo 1024 b", &big);
    for q in [50u8, 75, 90] {
        show(&format!("photo jpeg q{q}"), &decode(&jpeg(&big, q), &MediaLimits::default()).unwrap());
    }
    let t0 = std::time::Instant::now();
    let _ = measure(&big, &c);
    println!("measure 1024: {:?}", t0.elapsed());
}
