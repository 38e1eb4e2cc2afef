//! Criterion bench: WAV decoding and audio measurement (A3, A8) of one minute of
//! 44.1 kHz speech-like audio, mono and stereo.
//!
//! Run with `cargo bench --bench audio_inspect` (add `-- --quick` for a short run).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use fivergo::media::audio::{decode_wav, encode_wav, measure, AudioChecks};
use fivergo::media::MediaLimits;
use fivergo::Audio;
use std::f32::consts::PI;

const RATE: u32 = 44_100;
const SECONDS: usize = 60;

/// A speech-like minute: a pulse train near 120 Hz through three formant
/// resonators, amplitude-modulated at 4 Hz, with light noise; the second channel
/// (when stereo) is a delayed, quieter copy.
fn minute(channels: u16) -> Audio {
    let sr = RATE as f32;
    let n = RATE as usize * SECONDS;
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    };
    let formants = [(700.0f32, 80.0f32), (1200.0, 120.0), (2600.0, 160.0)];
    let mut mem = [(0.0f32, 0.0f32); 3];
    let mut phase = 0.0f32;
    let mono: Vec<f32> = (0..n)
        .map(|i| {
            let t = i as f32 / sr;
            phase += 120.0 * (1.0 + 0.05 * (2.0 * PI * 0.3 * t).sin()) / sr;
            let mut x = if phase >= 1.0 {
                phase -= 1.0;
                1.0
            } else {
                0.0
            };
            let mut y = 0.0;
            for (k, &(f, bw)) in formants.iter().enumerate() {
                let r = (-PI * bw / sr).exp();
                let out = (1.0 - r) * x + 2.0 * r * (2.0 * PI * f / sr).cos() * mem[k].0
                    - r * r * mem[k].1;
                mem[k] = (out, mem[k].0);
                y += out;
            }
            x = y * (PI * 4.0 * t).sin().powi(2);
            3.0 * x + 0.001 * noise()
        })
        .collect();
    let peak = mono.iter().fold(0.0f32, |a, v| a.max(v.abs())).max(1e-9);
    let to_i16 = |v: f32| (v / peak * 0.7 * 32767.0) as i16;
    let samples = match channels {
        1 => mono.iter().map(|&v| to_i16(v)).collect(),
        _ => (0..n)
            .flat_map(|i| [to_i16(mono[i]), to_i16(0.5 * mono[i.saturating_sub(441)])])
            .collect(),
    };
    Audio {
        sample_rate: RATE,
        channels,
        samples,
    }
}

fn bench(c: &mut Criterion) {
    let limits = MediaLimits::default();
    let checks = AudioChecks::default();
    let mut group = c.benchmark_group("audio_inspect");
    group.sample_size(10);
    for (label, channels) in [("mono", 1u16), ("stereo", 2)] {
        let wav = encode_wav(&minute(channels)).expect("encodes");
        group.throughput(Throughput::Bytes(wav.len() as u64));
        group.bench_function(format!("decode_60s_44k1_{label}"), |b| {
            b.iter(|| decode_wav(black_box(&wav), &limits).expect("decodes"))
        });
        let audio = decode_wav(&wav, &limits).expect("decodes");
        group.bench_function(format!("measure_60s_44k1_{label}"), |b| {
            b.iter(|| measure(black_box(&audio), &checks))
        });
        group.bench_function(format!("decode_and_measure_60s_44k1_{label}"), |b| {
            b.iter(|| {
                measure(
                    &decode_wav(black_box(&wav), &limits).expect("decodes"),
                    &checks,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
