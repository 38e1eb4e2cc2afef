//! Criterion bench: image inspection (A3, A4, A8).
//!
//! - `decode_png_1024`: decoding a 1024×1024 photo-like PNG under the policy limits;
//! - `measure_1024`: measuring the decoded pixels (sharpness, octave energies,
//!   chroma, text rows, palette, filter-bank Gram statistics);
//! - `decode_and_measure_1024`: both, i.e. `inspect_bytes`;
//! - `set_findings_50`: the findings of a 50-image set from its metadata (blur
//!   relative to the set, style outliers, A8 list).
//!
//! Run with `cargo bench --bench image_inspect` (add `-- --quick` for a short run).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fivergo::asset::review_set;
use fivergo::media::image::{decode, encode_png, inspect_bytes, inspect_image, measure};
use fivergo::{Asset, AssetSource, Image, Modality, Policy};

/// A deterministic xorshift generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// A photo-like image: octaves of bilinear value noise with a 1/f spectrum (luma and
/// two chroma fields) and a few soft-edged ellipses.
fn photo(seed: u64, size: u32) -> Image {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = size as usize;
    let mut fields = vec![vec![0.0f32; n * n]; 3];
    let mut grid = 4usize;
    while grid <= n {
        let amp = 4.0 / grid as f32;
        for (k, field) in fields.iter_mut().enumerate() {
            if k > 0 && grid > 32 {
                continue;
            }
            let g = grid + 1;
            let lattice: Vec<f32> = (0..g * g).map(|_| rng.next() - 0.5).collect();
            let scale = grid as f32 / n as f32;
            for y in 0..n {
                let fy = y as f32 * scale;
                let (iy, ty) = (fy as usize, fy.fract());
                for x in 0..n {
                    let fx = x as f32 * scale;
                    let (ix, tx) = (fx as usize, fx.fract());
                    let at = |i: usize, j: usize| lattice[j.min(g - 1) * g + i.min(g - 1)];
                    let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
                    let bottom = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
                    field[y * n + x] +=
                        amp * (top * (1.0 - ty) + bottom * ty) * if k == 0 { 2.2 } else { 1.5 };
                }
            }
        }
        grid *= 2;
    }
    let s = size as f32;
    let shapes: Vec<[f32; 7]> = (0..7)
        .map(|_| {
            [
                s * rng.next(),
                s * rng.next(),
                s * (0.06 + 0.18 * rng.next()),
                s * (0.06 + 0.18 * rng.next()),
                rng.next() - 0.5,
                rng.next() - 0.5,
                rng.next() - 0.5,
            ]
        })
        .collect();
    let mut rgba = Vec::with_capacity(n * n * 4);
    for y in 0..n {
        for x in 0..n {
            let i = y * n + x;
            let (l, u, v) = (0.5 + fields[0][i], fields[1][i], fields[2][i]);
            let mut c = [l + u, l - 0.5 * u - 0.5 * v, l + v];
            for sh in &shapes {
                let d = (((x as f32 - sh[0]) / sh[2]).powi(2)
                    + ((y as f32 - sh[1]) / sh[3]).powi(2))
                .sqrt();
                let cover = ((1.0 - d) * sh[2].min(sh[3]) + 0.5).clamp(0.0, 1.0);
                for k in 0..3 {
                    c[k] = c[k] * (1.0 - cover) + (0.5 + sh[4 + k] + 0.5 * (c[k] - 0.5)) * cover;
                }
            }
            rgba.extend(c.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0) as u8));
            rgba.push(255);
        }
    }
    Image {
        width: size,
        height: size,
        rgba,
    }
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    let limits = &policy.media.limits;
    let checks = &policy.media.image;
    let img = photo(1, 1024);
    let png = encode_png(&img).expect("encodes");

    let mut group = c.benchmark_group("image_inspect");
    group.sample_size(10);
    group.bench_function("decode_png_1024", |b| {
        b.iter(|| decode(black_box(&png), limits).expect("decodes"))
    });
    let decoded = decode(&png, limits).expect("decodes");
    group.bench_function("measure_1024", |b| {
        b.iter(|| measure(black_box(&decoded), checks))
    });
    group.bench_function("decode_and_measure_1024", |b| {
        b.iter(|| inspect_bytes(black_box(&png), &policy).expect("inspects"))
    });

    // A set of 50: 48 photo-like images and two line-art-like ones, measured at 256².
    let tattoo = policy
        .catalogue
        .get("tattoo")
        .expect("tattoo is in the catalogue")
        .clone();
    let assets: Vec<Asset> = (0..50u64)
        .map(|i| {
            let mut small = photo(100 + i, 256);
            if i % 25 == 7 {
                for p in small.rgba.chunks_exact_mut(4) {
                    let v = if p[0] > 140 { 255 } else { 0 };
                    p[..3].copy_from_slice(&[v, v, v]);
                }
            }
            Asset {
                id: format!("asset-{i}").as_str().into(),
                owner: "ana".into(),
                source: AssetSource::Upload,
                modality: Modality::Image,
                meta: inspect_image(&small, &policy),
                tags: Default::default(),
                added_at: "2026-01-01T00:00:00Z".parse().expect("a valid instant"),
                seq: i,
                content: None,
            }
        })
        .collect();
    let refs: Vec<&Asset> = assets.iter().collect();
    group.bench_function("set_findings_50", |b| {
        b.iter(|| review_set(black_box(&refs), &tattoo, &policy))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
