//! Criterion bench: the inaudible audio payload (W2).
//!
//! - `embed_30s_mono_44k` / `detect_30s_mono_44k`: 30 s of music-like mono at 44.1 kHz;
//! - `embed_30s_stereo_44k` / `detect_30s_stereo_44k`: the same in stereo.
//!
//! Detection reads the marked recording (a full search: 192 frame offsets × 4
//! sub-frame phases). Run with `cargo bench --bench audio_watermark` (add
//! `-- --quick` for a short run).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fivergo::watermark::audio::{detect, embed, AudioMarkStyle};
use fivergo::Audio;
use std::f64::consts::TAU;

/// A deterministic xorshift generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Chords of decaying harmonic notes, a new chord every 0.5 s, with noise bursts;
/// the second channel pans the notes the other way.
fn music(secs: f64, channels: u16) -> Audio {
    const SR: u32 = 44_100;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n = (f64::from(SR) * secs) as usize;
    let chord_len = SR as usize / 2;
    let mut samples = vec![0i16; n * usize::from(channels)];
    let mut roots = Vec::new();
    for i in 0..n {
        let chord = i / chord_len;
        if roots.len() <= chord {
            roots.push(110.0 * 2f64.powf((rng.next() % 12) as f64 / 12.0));
        }
        let t = (i % chord_len) as f64 / f64::from(SR);
        let env = (t / 0.02).min(1.0) * (-t * 2.5).exp();
        let noise = if i % chord_len < 1500 {
            900.0 * (rng.unit() - 0.5)
        } else {
            0.0
        };
        for c in 0..usize::from(channels) {
            let mut v = noise;
            for (k, ratio) in [1.0, 1.26, 1.5, 2.24].iter().enumerate() {
                let f = roots[chord] * ratio;
                let pan = if c == 0 {
                    0.4 + 0.2 * k as f64
                } else {
                    1.0 - 0.2 * k as f64
                };
                v += pan
                    * 2000.0
                    * env
                    * (1..=4)
                        .map(|h| (TAU * f * f64::from(h) * t).sin() / f64::from(h))
                        .sum::<f64>();
            }
            samples[i * usize::from(channels) + c] = v.round().clamp(-32768.0, 32767.0) as i16;
        }
    }
    Audio {
        sample_rate: SR,
        channels,
        samples,
    }
}

fn bench(c: &mut Criterion) {
    let style = AudioMarkStyle::default();
    let mut group = c.benchmark_group("audio_watermark");
    group.sample_size(10);
    for (name, channels) in [("mono", 1), ("stereo", 2)] {
        let clean = music(30.0, channels);
        let marked =
            embed(&clean, 0x0123_4567_89AB_CDEF, &style).expect("the programme holds a mark");
        assert_eq!(
            detect(&marked, &style).payload(),
            Some(0x0123_4567_89AB_CDEF)
        );
        group.bench_function(format!("embed_30s_{name}_44k"), |b| {
            b.iter(|| embed(black_box(&clean), 0x0123_4567_89AB_CDEF, &style))
        });
        group.bench_function(format!("detect_30s_{name}_44k"), |b| {
            b.iter(|| detect(black_box(&marked), &style))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
