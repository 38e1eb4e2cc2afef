//! Criterion bench: image watermarks on a 1024×1024 RGBA photo-like draft (W1, W2).
//!
//! - `visible_draft_1024`: the tiled "DRAFT" mark ([`fivergo::watermark::draft`]);
//! - `invisible_embed_1024`: embedding the 64-bit payload
//!   ([`fivergo::watermark::invisible::embed`]);
//! - `invisible_detect_1024`: finding it again ([`fivergo::watermark::invisible::detect`]),
//!   the full search (256 grid alignments, 3 × 64 Viterbi decodings);
//! - `invisible_detect_unmarked_1024`: the same search on an unmarked image, which
//!   finds nothing (the worst case: every candidate is decoded).
//!
//! Run with `cargo bench --bench image_watermark` (add `-- --quick` for a short run).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fivergo::watermark::invisible::{detect, embed, InvisibleStyle};
use fivergo::watermark::{draft, DraftMark, WatermarkStyle};
use fivergo::{Artifact, Image};

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

/// A photo-like image: octaves of bilinear value noise with a 1/f spectrum in luma
/// and two chroma fields, plus per-pixel grain.
fn photo(seed: u64, size: u32) -> Image {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = size as usize;
    let mut fields = vec![vec![0.0f32; n * n]; 3];
    let mut grid = 4usize;
    while grid <= n / 2 {
        let amp = 4.0 / (grid as f32).sqrt().max(1.0) / 8.0;
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
                    field[y * n + x] += amp * (top * (1.0 - ty) + bottom * ty);
                }
            }
        }
        grid *= 2;
    }
    let mut img = Image::filled(size, size, [0, 0, 0, 255]);
    for (i, p) in img.rgba.chunks_exact_mut(4).enumerate() {
        let (l, u, v) = (
            0.5 + 1.6 * fields[0][i] + 0.01 * (rng.next() - 0.5),
            fields[1][i],
            fields[2][i],
        );
        for (c, value) in p[..3].iter_mut().zip([l + u, l - 0.5 * u - 0.5 * v, l + v]) {
            *c = (value * 255.0).round().clamp(0.0, 255.0) as u8;
        }
    }
    img
}

fn benches(c: &mut Criterion) {
    let clean = photo(7, 1024);
    let style = InvisibleStyle::default();
    let payload = 0x4649_5645_5247_4F21; // "FIVERGO!"
    let marked = embed(&clean, payload, &style).expect("the bench image holds a mark");
    assert_eq!(detect(&marked, &style).payload(), Some(payload));
    let artifact = Artifact::Image(clean.clone());
    let mark = DraftMark {
        reference: "order-1234".into(),
        seed: 42,
    };
    let visible = WatermarkStyle::default();

    let mut group = c.benchmark_group("image_watermark");
    group.sample_size(30);
    group.bench_function("visible_draft_1024", |b| {
        b.iter(|| draft(black_box(&artifact), &mark, &visible))
    });
    group.bench_function("invisible_embed_1024", |b| {
        b.iter(|| embed(black_box(&clean), payload, &style))
    });
    group.bench_function("invisible_detect_1024", |b| {
        b.iter(|| detect(black_box(&marked), &style))
    });
    group.bench_function("invisible_detect_unmarked_1024", |b| {
        b.iter(|| detect(black_box(&clean), &style))
    });
    group.finish();
}

criterion_group!(image_watermark, benches);
criterion_main!(image_watermark);
