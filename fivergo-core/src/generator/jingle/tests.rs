//! Tests of the Jingles generator on two synthesised seller styles: 90 BPM in A minor
//! with a mellow (few, weak harmonics) timbre, and 140 BPM in E major with a bright
//! (twelve 1/k harmonics) timbre.

use super::*;
use crate::asset::{Asset, AssetMeta, AssetSource};
use crate::catalogue::{Catalogue, CatalogueEntry, Modality};
use crate::generator::{CancelToken, TrainingAsset};
use crate::media::audio::encode_wav;
use crate::media::MediaLimits;
use std::f32::consts::TAU;

const RATE: u32 = 22_050;

/// A synthetic seller style.
struct Seller {
    bpm: f32,
    /// Tonic MIDI note and scale.
    tonic: i32,
    scale: [i32; 7],
    /// Amplitude of each harmonic.
    harmonics: &'static [f32],
}

const MELLOW_A_MINOR: Seller = Seller {
    bpm: 90.0,
    tonic: 57,
    scale: [0, 2, 3, 5, 7, 8, 10],
    harmonics: &[1.0, 0.25, 0.06],
};
const BRIGHT_E_MAJOR: Seller = Seller {
    bpm: 140.0,
    tonic: 64,
    scale: [0, 2, 4, 5, 7, 9, 11],
    harmonics: &[
        1.0, 0.5, 0.33, 0.25, 0.2, 0.17, 0.14, 0.125, 0.11, 0.1, 0.09, 0.083,
    ],
};

/// Scale degrees of the tune, one per beat, and the bass degree of each bar.
const TUNE: [i32; 16] = [0, 2, 4, 2, 3, 5, 3, 1, 4, 6, 4, 2, 0, 4, 2, 0];
const BASS: [i32; 4] = [0, 3, 4, 0];

/// `seconds` of the seller's music: a plucked note on every beat, a bass note on
/// every bar; `variant` shifts the tune so recordings differ.
fn recording(s: &Seller, seconds: f32, variant: usize) -> Audio {
    let n = (seconds * RATE as f32) as usize;
    let beat = 60.0 / s.bpm;
    let midi =
        |deg: i32, base: i32| base + 12 * deg.div_euclid(7) + s.scale[deg.rem_euclid(7) as usize];
    let mut x = vec![0.0f32; n];
    let mut pluck = |midi: i32, start: f32, len: f32, gain: f32| {
        let f0 = 440.0 * ((midi - 69) as f32 / 12.0).exp2();
        let (a, b) = (
            (start * RATE as f32) as usize,
            (((start + len) * RATE as f32) as usize).min(n),
        );
        for (j, v) in x[a.min(b)..b].iter_mut().enumerate() {
            let t = j as f32 / RATE as f32;
            let tone: f32 = s
                .harmonics
                .iter()
                .enumerate()
                .map(|(k, h)| h * ((k + 1) as f32 * f0 * TAU * t).sin())
                .sum();
            *v += gain * tone * (-t * 5.0).exp() * (t / 0.005).min(1.0);
        }
    };
    let beats = (seconds / beat) as usize;
    for b in 0..beats {
        let t = b as f32 * beat;
        pluck(
            midi(TUNE[(b + variant) % TUNE.len()], s.tonic),
            t,
            beat,
            0.3,
        );
        if b % 4 == 0 {
            pluck(
                midi(BASS[(b / 4) % BASS.len()], s.tonic - 12),
                t,
                4.0 * beat,
                0.25,
            );
        }
    }
    Audio {
        sample_rate: RATE,
        channels: 1,
        samples: x
            .iter()
            .map(|v| (v * 20_000.0).clamp(-32768.0, 32767.0) as i16)
            .collect(),
    }
}

fn asset(i: usize, modality: Modality) -> Asset {
    Asset {
        id: format!("a{i}").into(),
        owner: "ana".into(),
        source: AssetSource::Upload,
        modality,
        meta: AssetMeta::default(),
        tags: Default::default(),
        added_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        seq: i as u64,
        content: None,
    }
}

fn entry() -> CatalogueEntry {
    Catalogue::default().get("jingles").unwrap().clone()
}

/// Trains on the given files (`None`: an asset without a file).
fn train_files(
    g: &JingleGenerator,
    files: &[Option<Vec<u8>>],
    ctl: &mut JobControl<'_>,
) -> Result<TrainedStyle, TrainError> {
    let assets: Vec<Asset> = (0..files.len())
        .map(|i| asset(i, Modality::Audio))
        .collect();
    let (entry, limits) = (entry(), MediaLimits::default());
    let input = TrainingInput {
        entry: &entry,
        assets: assets
            .iter()
            .zip(files)
            .map(|(asset, f)| TrainingAsset {
                asset,
                content: f.as_deref(),
            })
            .collect(),
        instructions: None,
        limits: &limits,
    };
    g.train(&input, ctl)
}

fn train_audio(g: &JingleGenerator, audios: &[Audio]) -> JingleStyle {
    let files: Vec<Option<Vec<u8>>> = audios
        .iter()
        .map(|a| Some(encode_wav(a).unwrap()))
        .collect();
    JingleStyle::from_style(&train_files(g, &files, &mut JobControl::none()).unwrap()).unwrap()
}

fn seller_style(g: &JingleGenerator, s: &Seller) -> (TrainedStyle, JingleStyle) {
    let files: Vec<Option<Vec<u8>>> = (0..2)
        .map(|v| Some(encode_wav(&recording(s, 15.0, v * 5)).unwrap()))
        .collect();
    let style = train_files(g, &files, &mut JobControl::none()).unwrap();
    let learned = JingleStyle::from_style(&style).unwrap();
    (style, learned)
}

fn jingle(g: &JingleGenerator, style: &TrainedStyle, seconds: u32, seed: u64) -> Audio {
    match g
        .generate(
            style,
            &Brief::new("jingle").with_quantity(seconds),
            seed,
            &mut JobControl::none(),
        )
        .unwrap()
    {
        Artifact::Audio(a) => a,
        other => panic!("not audio: {other:?}"),
    }
}

#[test]
fn learns_the_tempo_key_and_timbre_of_each_seller() {
    // R: C4
    let g = JingleGenerator::default();
    let (_, mellow) = seller_style(&g, &MELLOW_A_MINOR);
    let (_, bright) = seller_style(&g, &BRIGHT_E_MAJOR);
    assert!(
        (mellow.tempo_bpm - 90.0).abs() <= 3.0,
        "mellow tempo {}",
        mellow.tempo_bpm
    );
    assert!(
        (bright.tempo_bpm - 140.0).abs() <= 3.0,
        "bright tempo {}",
        bright.tempo_bpm
    );
    assert!(mellow.beat_found && bright.beat_found);
    assert_eq!(
        (mellow.key.as_str(), mellow.tonic, mellow.mode.as_str()),
        ("A minor", 9, "minor")
    );
    assert_eq!(
        (bright.key.as_str(), bright.tonic, bright.mode.as_str()),
        ("E major", 4, "major")
    );
    assert!(
        bright.centroid_hz > 1.5 * mellow.centroid_hz,
        "centroids: bright {} vs mellow {}",
        bright.centroid_hz,
        mellow.centroid_hz
    );
}

#[test]
fn each_sellers_jingles_are_closer_to_their_own_style() {
    // R: C4
    let g = JingleGenerator::default();
    let (mellow_style, mellow) = seller_style(&g, &MELLOW_A_MINOR);
    let (bright_style, bright) = seller_style(&g, &BRIGHT_E_MAJOR);
    for (style, own, other) in [
        (&mellow_style, &mellow, &bright),
        (&bright_style, &bright, &mellow),
    ] {
        for seed in 1..=4 {
            let heard = train_audio(&g, &[jingle(&g, style, 20, seed)]);
            let tempo = |s: &JingleStyle| (heard.tempo_bpm - s.tempo_bpm).abs();
            let centroid = |s: &JingleStyle| (heard.centroid_hz / s.centroid_hz).ln().abs();
            assert!(
                tempo(own) < tempo(other),
                "tempo {} vs own {} / other {}",
                heard.tempo_bpm,
                own.tempo_bpm,
                other.tempo_bpm
            );
            assert!(
                tempo(own) <= 3.0,
                "tempo {} vs own {}",
                heard.tempo_bpm,
                own.tempo_bpm
            );
            assert_eq!(
                heard.key, own.key,
                "seed {seed}: chroma {:?} own {:?}",
                heard.chroma, own.chroma
            );
            assert!(
                centroid(own) < centroid(other),
                "centroid {} vs own {} / other {}",
                heard.centroid_hz,
                own.centroid_hz,
                other.centroid_hz
            );
        }
    }
}

#[test]
fn the_length_follows_the_brief_and_is_clamped() {
    // R: P4
    let g = JingleGenerator::new(JingleSettings {
        max_seconds: 4,
        ..JingleSettings::default()
    });
    let (style, _) = seller_style(&g, &MELLOW_A_MINOR);
    for seconds in [1, 3] {
        let a = jingle(&g, &style, seconds, 9);
        assert_eq!(
            (a.sample_rate, a.channels, a.samples.len()),
            (44_100, 1, 44_100 * seconds as usize)
        );
        assert!(
            a.samples.iter().any(|&s| s.unsigned_abs() > 10_000),
            "the jingle is audible"
        );
    }
    assert_eq!(jingle(&g, &style, 1000, 9).samples.len(), 4 * 44_100);
    let zero = g.generate(
        &style,
        &Brief::new("jingle").with_quantity(0),
        9,
        &mut JobControl::none(),
    );
    assert_eq!(zero.unwrap_err().code(), "invalid_input");
}

#[test]
fn generation_is_deterministic_and_the_seed_matters() {
    // R: C4
    let g = JingleGenerator::default();
    let (style, _) = seller_style(&g, &BRIGHT_E_MAJOR);
    assert_eq!(jingle(&g, &style, 6, 42), jingle(&g, &style, 6, 42));
    assert_ne!(jingle(&g, &style, 6, 42), jingle(&g, &style, 6, 43));
    let again = seller_style(&g, &BRIGHT_E_MAJOR).0;
    assert_eq!(again, style, "training is deterministic too");
}

#[test]
fn training_and_generation_stop_when_cancelled() {
    // R: T4
    let g = JingleGenerator::default();
    let files: Vec<Option<Vec<u8>>> = (0..3)
        .map(|v| Some(encode_wav(&recording(&MELLOW_A_MINOR, 12.0, v)).unwrap()))
        .collect();
    let token = CancelToken::default();
    let canceller = token.clone();
    let mut seen = Vec::new();
    let mut sink = |p: f32| {
        seen.push(p);
        canceller.cancel();
    };
    let result = train_files(&g, &files, &mut JobControl::new(&mut sink, &token));
    assert_eq!(result.unwrap_err(), TrainError::Cancelled);
    assert_eq!(seen.len(), 1, "stopped at the first tick");

    let style = train_files(&g, &files, &mut JobControl::none()).unwrap();
    let token = CancelToken::default();
    let canceller = token.clone();
    let mut sink = |p: f32| {
        if p > 0.0 {
            canceller.cancel();
        }
    };
    let err = g
        .generate(
            &style,
            &Brief::new("j").with_quantity(30),
            1,
            &mut JobControl::new(&mut sink, &token),
        )
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
}

#[test]
fn hostile_or_useless_audio_fails_training_without_panicking() {
    // R: A3
    let g = JingleGenerator::default();
    let wav = |samples: Vec<i16>, sample_rate: u32| {
        Some(
            encode_wav(&Audio {
                sample_rate,
                channels: 1,
                samples,
            })
            .unwrap(),
        )
    };
    let cases: Vec<Vec<Option<Vec<u8>>>> = vec![
        vec![],
        vec![None],
        vec![wav(vec![], 44_100)],
        vec![wav(vec![1200], 44_100)],
        vec![wav(vec![0; 44_100 * 12], 44_100)],
        vec![wav(vec![3000; 8], 8)],
        vec![Some(b"not audio at all".to_vec())],
        vec![Some(b"RIFF\x10\0\0\0WAVEfmt ".to_vec())],
    ];
    for files in cases {
        match train_files(&g, &files, &mut JobControl::none()) {
            Err(TrainError::Failed(reason)) => assert!(
                reason.contains("usable") || reason.contains("pitched"),
                "{reason}"
            ),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}

#[test]
fn foreign_or_malformed_styles_are_refused() {
    // R: C4
    let g = JingleGenerator::default();
    let brief = Brief::new("j").with_quantity(2);
    let (style, _) = seller_style(&g, &MELLOW_A_MINOR);
    let foreign = TrainedStyle {
        generator: "markov_text".into(),
        ..style.clone()
    };
    let mut broken = style.clone();
    broken.data["envelope_db"] = serde_json::json!([0.0]);
    let mut negative = style;
    negative.data["tempo_bpm"] = serde_json::json!(-5.0);
    for bad in [foreign, broken, negative] {
        assert_eq!(
            g.generate(&bad, &brief, 1, &mut JobControl::none())
                .unwrap_err()
                .code(),
            "generator_failed"
        );
    }
}
