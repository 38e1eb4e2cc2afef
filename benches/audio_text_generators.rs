//! Criterion bench: the reference Jingles and text generators — jingle training on
//! five 30 s recordings at 44.1 kHz, a 30 s jingle, and 500 Markov words from a
//! 6,000-word corpus (the espeak-ng guide track is a subprocess and is not benched).
//!
//! Run with `cargo bench --bench audio_text_generators` (add `-- --quick` for a short run).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fivergo::generator::jingle::JingleGenerator;
use fivergo::generator::text::MarkovGenerator;
use fivergo::media::audio::encode_wav;
use fivergo::media::MediaLimits;
use fivergo::*;
use std::f32::consts::TAU;

const RATE: u32 = 44_100;

/// 30 s of music: a plucked three-harmonic note on every beat at 100 BPM over a
/// C major arpeggio, a bass note every bar; `variant` shifts the tune.
fn recording(variant: usize) -> Audio {
    let n = RATE as usize * 30;
    let beat = 0.6f32;
    let tune = [60, 64, 67, 72, 67, 64, 65, 69, 72, 71, 67, 62];
    let mut x = vec![0.0f32; n];
    for b in 0..50 {
        let start = (b as f32 * beat * RATE as f32) as usize;
        for (midi, gain, len) in [
            (tune[(b + variant) % tune.len()], 0.3, 1.0),
            (48, if b % 4 == 0 { 0.3 } else { 0.0 }, 4.0),
        ] {
            let f0 = 440.0 * ((midi - 69) as f32 / 12.0).exp2();
            let end = (start + (len * beat * RATE as f32) as usize).min(n);
            for (j, v) in x[start..end].iter_mut().enumerate() {
                let t = j as f32 / RATE as f32;
                let tone = (f0 * TAU * t).sin()
                    + 0.4 * (2.0 * f0 * TAU * t).sin()
                    + 0.2 * (3.0 * f0 * TAU * t).sin();
                *v += gain * tone * (-t * 4.0).exp();
            }
        }
    }
    Audio {
        sample_rate: RATE,
        channels: 1,
        samples: x.iter().map(|v| (v * 20_000.0) as i16).collect(),
    }
}

/// A 6,000-word corpus from a small vocabulary, in sentences.
fn corpus() -> String {
    let words = [
        "fresh", "bread", "every", "morning", "our", "bakers", "shape", "each", "loaf", "by",
        "hand", "with", "slow", "dough", "warm", "ovens", "and", "golden", "crust", "for", "you",
        "the", "village", "loves",
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..6000)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let w = words[(state % words.len() as u64) as usize];
            if i % 12 == 11 {
                format!("{w}.")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn asset(i: usize, modality: Modality) -> Asset {
    Asset {
        id: format!("a{i}").into(),
        owner: "ana".into(),
        source: AssetSource::Upload,
        modality,
        meta: AssetMeta::default(),
        tags: Default::default(),
        added_at: "2026-01-01T00:00:00Z".parse().expect("a date"),
        seq: i as u64,
        content: None,
    }
}

fn bench(c: &mut Criterion) {
    let limits = MediaLimits::default();
    let catalogue = Catalogue::default();
    let mut group = c.benchmark_group("audio_text_generators");
    group.sample_size(10);

    let jingles = catalogue.get("jingles").expect("jingles").clone();
    let wavs: Vec<Vec<u8>> = (0..5)
        .map(|v| encode_wav(&recording(v)).expect("encodes"))
        .collect();
    let assets: Vec<Asset> = (0..5).map(|i| asset(i, Modality::Audio)).collect();
    let input = TrainingInput {
        entry: &jingles,
        assets: assets
            .iter()
            .zip(&wavs)
            .map(|(asset, w)| TrainingAsset {
                asset,
                content: Some(w),
            })
            .collect(),
        instructions: None,
        limits: &limits,
    };
    let jingle = JingleGenerator::default();
    group.bench_function("jingle_train_5x30s_44k1", |b| {
        b.iter(|| {
            jingle
                .train(black_box(&input), &mut JobControl::none())
                .expect("trains")
        })
    });
    let style = jingle
        .train(&input, &mut JobControl::none())
        .expect("trains");
    let brief = Brief::new("jingle").with_quantity(30);
    group.bench_function("jingle_generate_30s_44k1", |b| {
        b.iter(|| {
            jingle
                .generate(black_box(&style), &brief, 7, &mut JobControl::none())
                .expect("generates")
        })
    });

    let writing = catalogue
        .get("writing_translation")
        .expect("writing")
        .clone();
    let text = corpus();
    let text_asset = asset(9, Modality::Text);
    let input = TrainingInput {
        entry: &writing,
        assets: vec![TrainingAsset {
            asset: &text_asset,
            content: Some(text.as_bytes()),
        }],
        instructions: Some("# {brief}\n{body}"),
        limits: &limits,
    };
    let markov = MarkovGenerator::default();
    let style = markov
        .train(&input, &mut JobControl::none())
        .expect("trains");
    let brief = Brief::new("Bakery").with_quantity(500);
    group.bench_function("markov_generate_500_words_6k_corpus", |b| {
        b.iter(|| {
            markov
                .generate(black_box(&style), &brief, 7, &mut JobControl::none())
                .expect("generates")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
