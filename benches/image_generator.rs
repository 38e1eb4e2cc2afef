//! Criterion bench: the reference image generator, [`QuiltGenerator`] (issue 4).
//!
//! - `train_50x1024`: training on 50 PNGs of 1024² (25 line-art, 25 painterly colour
//!   images): decoding, square crops, palette, tonal range, exemplar bank;
//! - `generate_1024`: one 1024² image from that style with the default settings
//!   (quilting at 512², recolouring, enlarging).
//!
//! Goals: training ≤ 10 s, generation ≤ 0.5 s on the project's 2-core machine.
//! Run with `cargo bench --bench image_generator` (add `-- --quick` for a short run).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fivergo::generator::image::QuiltGenerator;
use fivergo::media::image::encode_png;
use fivergo::media::MediaLimits;
use fivergo::*;

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

fn from_fn(size: u32, mut f: impl FnMut(f32, f32) -> [f32; 3]) -> Image {
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            rgba.extend(
                f(x as f32, y as f32)
                    .iter()
                    .map(|v| (v.clamp(0.0, 1.0) * 255.0) as u8),
            );
            rgba.push(255);
        }
    }
    Image {
        width: size,
        height: size,
        rgba,
    }
}

/// Thick black rings and waves on white paper.
fn line_art(seed: u64, size: u32) -> Image {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let s = size as f32;
    let rings: Vec<[f32; 3]> = (0..6)
        .map(|_| {
            [
                s * rng.next(),
                s * rng.next(),
                s * (0.05 + 0.2 * rng.next()),
            ]
        })
        .collect();
    let waves: Vec<[f32; 3]> = (0..3)
        .map(|_| {
            [
                s * (0.1 + 0.8 * rng.next()),
                s * 0.05 * rng.next(),
                4.0 + 8.0 * rng.next(),
            ]
        })
        .collect();
    from_fn(size, |x, y| {
        let ring = rings
            .iter()
            .map(|r| ((x - r[0]).hypot(y - r[1]) - r[2]).abs());
        let wave = waves
            .iter()
            .map(|w| (y - w[0] - w[1] * (x / s * w[2]).sin()).abs());
        let d = ring.chain(wave).fold(f32::MAX, f32::min);
        [(d - s / 120.0).clamp(0.0, 1.0); 3]
    })
}

/// Warm soft blobs over a wash, with grain.
fn painterly(seed: u64, size: u32) -> Image {
    let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
    let s = size as f32;
    let spots: Vec<[f32; 6]> = (0..8)
        .map(|_| {
            [
                s * rng.next(),
                s * rng.next(),
                s * (0.05 + 0.1 * rng.next()),
                rng.next(),
                0.3 * rng.next(),
                0.5 * rng.next(),
            ]
        })
        .collect();
    from_fn(size, |x, y| {
        let t = (x + y) / (2.0 * s);
        let mut c = [0.9 - 0.1 * t, 0.5 - 0.3 * t, 0.2 + 0.3 * t];
        for p in &spots {
            let k = (-((x - p[0]).powi(2) + (y - p[1]).powi(2)) / (2.0 * p[2] * p[2])).exp();
            for i in 0..3 {
                c[i] += k * (p[3 + i] - c[i]);
            }
        }
        let g = 0.08 * (rng.next() - 0.5);
        c.map(|v| v + g)
    })
}

fn bench(c: &mut Criterion) {
    let files: Vec<Vec<u8>> = (0..50u64)
        .map(|i| {
            let img = if i % 2 == 0 {
                line_art(i, 1024)
            } else {
                painterly(i, 1024)
            };
            encode_png(&img).expect("encodes")
        })
        .collect();
    let assets: Vec<Asset> = (0..50u64)
        .map(|i| Asset {
            id: format!("asset-{i}").as_str().into(),
            owner: "ana".into(),
            source: AssetSource::Upload,
            modality: Modality::Image,
            meta: AssetMeta::image(1024, 1024),
            tags: Default::default(),
            added_at: "2026-01-01T00:00:00Z".parse().expect("a valid instant"),
            seq: i,
            content: None,
        })
        .collect();
    let entry = Catalogue::default()
        .get("tattoo")
        .expect("tattoo is in the catalogue")
        .clone();
    let limits = MediaLimits::default();
    let input = TrainingInput {
        entry: &entry,
        assets: assets
            .iter()
            .zip(&files)
            .map(|(asset, f)| TrainingAsset {
                asset,
                content: Some(f.as_slice()),
            })
            .collect(),
        instructions: None,
        limits: &limits,
    };
    let g = QuiltGenerator::default();

    let mut group = c.benchmark_group("image_generator");
    group.sample_size(10);
    group.bench_function("train_50x1024", |b| {
        b.iter(|| {
            g.train(black_box(&input), &mut JobControl::none())
                .expect("trains")
        })
    });
    let style = g.train(&input, &mut JobControl::none()).expect("trains");
    let brief = Brief::new("a koi fish, sleeve tattoo");
    let mut seed = 0u64;
    group.bench_function("generate_1024", |b| {
        b.iter(|| {
            seed += 1;
            g.generate(black_box(&style), &brief, seed, &mut JobControl::none())
                .expect("generates")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
