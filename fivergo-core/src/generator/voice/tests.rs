//! Tests of the espeak-ng guide-track generator on synthesised speech-like sellers.
//! The tests that run espeak-ng branch explicitly on whether it is installed: with it
//! they check the guide track, without it the typed `generator_unavailable` error.

use super::*;
use crate::asset::{Asset, AssetMeta, AssetSource};
use crate::catalogue::{Catalogue, Modality};
use crate::generator::{Audio, CancelToken, TrainingAsset};
use crate::media::audio::encode_wav;
use std::f32::consts::PI;

const RATE: u32 = 22_050;
const SHORT_SCRIPT: &str = "Welcome to our bakery.";
const LONG_SCRIPT: &str =
    "Welcome to our bakery, where fresh bread waits for you every single morning, \
    and where our bakers have shaped every loaf by hand since nineteen eighty two. Come early!";

/// Whether espeak-ng can be run here.
fn espeak_installed() -> bool {
    Command::new("espeak-ng")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `seconds` of speech-like sound: a glottal pulse train at `f0` (with a slow 5 %
/// drift) through three formant resonators, opened and closed `syllables` times a
/// second.
fn speech(f0: f32, syllables: f32, seconds: f32) -> Audio {
    let sr = RATE as f32;
    let formants = [(700.0f32, 80.0f32), (1200.0, 120.0), (2600.0, 160.0)];
    let mut mem = [(0.0f32, 0.0f32); 3];
    let mut phase = 0.0f32;
    let x: Vec<f32> = (0..(seconds * sr) as usize)
        .map(|i| {
            let t = i as f32 / sr;
            phase += f0 * (1.0 + 0.05 * (2.0 * PI * 0.3 * t).sin()) / sr;
            let pulse = if phase >= 1.0 {
                phase -= 1.0;
                1.0
            } else {
                0.0
            };
            let mut y = 0.0;
            for (k, &(f, bw)) in formants.iter().enumerate() {
                let r = (-PI * bw / sr).exp();
                let out = (1.0 - r) * pulse + 2.0 * r * (2.0 * PI * f / sr).cos() * mem[k].0
                    - r * r * mem[k].1;
                mem[k] = (out, mem[k].0);
                y += out;
            }
            y * (PI * syllables * t).sin().powi(2)
        })
        .collect();
    let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-9);
    Audio {
        sample_rate: RATE,
        channels: 1,
        samples: x.iter().map(|v| (v / peak * 20_000.0) as i16).collect(),
    }
}

fn train_files(
    g: &EspeakGenerator,
    files: &[Vec<u8>],
    ctl: &mut JobControl<'_>,
) -> Result<TrainedStyle, TrainError> {
    let assets: Vec<Asset> = (0..files.len())
        .map(|i| Asset {
            id: format!("v{i}").into(),
            owner: "ana".into(),
            source: AssetSource::Upload,
            modality: Modality::Audio,
            meta: AssetMeta::default(),
            tags: Default::default(),
            added_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            seq: i as u64,
            content: None,
        })
        .collect();
    let entry = Catalogue::default().get("voice_over").unwrap().clone();
    let limits = MediaLimits::default();
    let input = TrainingInput {
        entry: &entry,
        assets: assets
            .iter()
            .zip(files)
            .map(|(asset, f)| TrainingAsset {
                asset,
                content: Some(f),
            })
            .collect(),
        instructions: None,
        limits: &limits,
    };
    g.train(&input, ctl)
}

fn seller(g: &EspeakGenerator, f0: f32, syllables: f32) -> TrainedStyle {
    let files = [encode_wav(&speech(f0, syllables, 35.0)).unwrap()];
    train_files(g, &files, &mut JobControl::none()).unwrap()
}

fn speak(g: &EspeakGenerator, style: &TrainedStyle, script: &str) -> Result<Audio, Error> {
    match g.generate(style, &Brief::new(script), 0, &mut JobControl::none())? {
        Artifact::Audio(a) => Ok(a),
        other => panic!("not audio: {other:?}"),
    }
}

fn pitch(a: &Audio) -> f32 {
    measure(a, &AudioChecks::default())
        .median_f0_hz
        .expect("the guide is voiced")
}

#[test]
fn training_measures_the_sellers_pitch_and_pace() {
    // R: C4
    let g = EspeakGenerator::default();
    let low = VoiceProfile::from_style(&seller(&g, 110.0, 3.0)).unwrap();
    let high = VoiceProfile::from_style(&seller(&g, 220.0, 6.0)).unwrap();
    assert!(
        (low.median_f0_hz / 110.0 - 1.0).abs() < 0.05,
        "low f0 {}",
        low.median_f0_hz
    );
    assert!(
        (high.median_f0_hz / 220.0 - 1.0).abs() < 0.05,
        "high f0 {}",
        high.median_f0_hz
    );
    assert!(
        high.onsets_per_s > 1.5 * low.onsets_per_s,
        "onsets {} vs {}",
        high.onsets_per_s,
        low.onsets_per_s
    );
    assert!((low.seconds_analysed - 35.0).abs() < 0.1);
    let (p_low, s_low) = g.espeak_args(&low);
    let (p_high, s_high) = g.espeak_args(&high);
    assert!(
        p_low < p_high && s_low < s_high,
        "args {p_low}/{s_low} vs {p_high}/{s_high}"
    );
}

#[test]
fn a_missing_speech_engine_is_generator_unavailable() {
    // R: C1
    let g = EspeakGenerator::new(EspeakSettings {
        program: "/nonexistent/bin/espeak-ng".into(),
        ..EspeakSettings::default()
    });
    let style = seller(&g, 150.0, 4.0);
    let err = speak(&g, &style, SHORT_SCRIPT).unwrap_err();
    assert_eq!((err.code(), &err), ("generator_unavailable", &err));
    assert!(
        matches!(err, Error::GeneratorUnavailable { ref subcategory, .. } if subcategory == "voice_over")
    );
}

/// Branches on whether espeak-ng is installed: with it, the guide follows the
/// seller's pitch and grows with the script; without it, `generator_unavailable`.
#[test]
fn guide_follows_the_profile_when_espeak_ng_is_installed_else_is_unavailable() {
    // R: C1
    let g = EspeakGenerator::default();
    let low = seller(&g, 110.0, 4.0);
    let high = seller(&g, 220.0, 4.0);
    if !espeak_installed() {
        assert_eq!(
            speak(&g, &low, SHORT_SCRIPT).unwrap_err().code(),
            "generator_unavailable"
        );
        return;
    }
    let (low_guide, high_guide) = (
        speak(&g, &low, LONG_SCRIPT).unwrap(),
        speak(&g, &high, LONG_SCRIPT).unwrap(),
    );
    assert_eq!((low_guide.channels, low_guide.sample_rate), (1, 22_050));
    let (f_low, f_high) = (pitch(&low_guide), pitch(&high_guide));
    assert!(
        (f_low / 110.0 - 1.0).abs() < 0.15,
        "the low seller's guide is at {f_low} Hz"
    );
    assert!(f_high > 1.3 * f_low, "guide pitches {f_high} vs {f_low}");
    let short = speak(&g, &low, SHORT_SCRIPT).unwrap();
    assert!(
        low_guide.duration_ms() > 3 * short.duration_ms(),
        "{} vs {}",
        low_guide.duration_ms(),
        short.duration_ms()
    );
    let fast = seller(&g, 110.0, 8.0);
    assert!(
        speak(&g, &fast, LONG_SCRIPT).unwrap().duration_ms() < low_guide.duration_ms(),
        "a faster seller speaks faster"
    );
    assert_eq!(
        speak(&g, &low, SHORT_SCRIPT).unwrap(),
        short,
        "deterministic"
    );
    // Cancelling while espeak-ng runs kills it.
    let token = CancelToken::default();
    let canceller = token.clone();
    let mut seen = Vec::new();
    let mut sink = |p: f32| {
        seen.push(p);
        if p > 0.0 {
            canceller.cancel();
        }
    };
    let err = g
        .generate(
            &low,
            &Brief::new(LONG_SCRIPT),
            0,
            &mut JobControl::new(&mut sink, &token),
        )
        .unwrap_err();
    assert_eq!(
        (err.code(), seen.as_slice()),
        ("cancelled", [0.0, 0.1].as_slice())
    );
    // A script that looks like options is spoken, not obeyed.
    assert!(
        speak(&g, &low, "--help -w /tmp/x.wav")
            .unwrap()
            .duration_ms()
            > 300
    );
}

#[test]
fn cancellation_stops_training_and_generation() {
    // R: T4
    let g = EspeakGenerator::default();
    let files = [
        encode_wav(&speech(120.0, 4.0, 12.0)).unwrap(),
        encode_wav(&speech(120.0, 4.0, 12.0)).unwrap(),
    ];
    let token = CancelToken::default();
    let canceller = token.clone();
    let mut sink = |_: f32| canceller.cancel();
    assert_eq!(
        train_files(&g, &files, &mut JobControl::new(&mut sink, &token)).unwrap_err(),
        TrainError::Cancelled
    );
    let style = train_files(&g, &files, &mut JobControl::none()).unwrap();
    let token = CancelToken::default();
    token.cancel();
    let mut sink = |_: f32| {};
    let err = g
        .generate(
            &style,
            &Brief::new(LONG_SCRIPT),
            0,
            &mut JobControl::new(&mut sink, &token),
        )
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
}

#[test]
fn hostile_input_is_a_typed_error() {
    // R: A3
    let g = EspeakGenerator::default();
    let wav = |samples: Vec<i16>| {
        encode_wav(&Audio {
            sample_rate: RATE,
            channels: 1,
            samples,
        })
        .unwrap()
    };
    for files in [
        vec![],
        vec![wav(vec![])],
        vec![wav(vec![900])],
        vec![wav(vec![0; 22_050 * 5])],
        vec![b"text".to_vec()],
    ] {
        assert!(matches!(
            train_files(&g, &files, &mut JobControl::none()),
            Err(TrainError::Failed(_))
        ));
    }
    let style = seller(&g, 150.0, 4.0);
    for script in ["", "   \n"] {
        assert_eq!(
            speak(&g, &style, script).unwrap_err().code(),
            "invalid_input"
        );
    }
    let long = "word ".repeat(5000);
    assert_eq!(
        speak(&g, &style, &long).unwrap_err().code(),
        "invalid_input"
    );
    let foreign = TrainedStyle {
        generator: "jingle_synth".into(),
        ..style.clone()
    };
    let mut broken = style;
    broken.data["median_f0_hz"] = serde_json::json!(-1.0);
    for bad in [foreign, broken] {
        assert_eq!(
            speak(&g, &bad, SHORT_SCRIPT).unwrap_err().code(),
            "generator_failed"
        );
    }
}

#[test]
fn streamed_wav_headers_are_repaired_and_garbage_is_left_alone() {
    // R: A3
    let audio = speech(130.0, 4.0, 1.0);
    let mut wav = encode_wav(&audio).unwrap();
    // What espeak-ng writes to a pipe: placeholder sizes.
    wav[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let data = wav.windows(4).position(|w| w == b"data").unwrap();
    wav[data + 4..data + 8].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
    assert!(decode_wav(&wav, &MediaLimits::default()).is_err());
    fix_streamed_header(&mut wav);
    assert_eq!(decode_wav(&wav, &MediaLimits::default()).unwrap(), audio);
    for mut garbage in [
        vec![],
        b"RIFF".to_vec(),
        b"RIFF\0\0\0\0WAVEfmt \xff\xff\xff\xff".to_vec(),
        vec![7; 40],
    ] {
        fix_streamed_header(&mut garbage);
    }
}
