//! Tests of WAV decoding, measurement and the audio findings, on signals the tests
//! synthesise: tones, speech-like pulse trains through formant resonators, chords
//! with a beat, noise, clipping and silences.

use super::*;
use crate::asset::{check_selectable, review_set, AssetSource};
use crate::media::MediaLimits;
use std::f32::consts::PI;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn uniform(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn gauss(&mut self) -> f32 {
        let u1 = self.uniform().max(1e-7);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }
}

fn to_audio(x: &[f32], sr: u32) -> Audio {
    Audio {
        sample_rate: sr,
        channels: 1,
        samples: x
            .iter()
            .map(|v| (v * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
            .collect(),
    }
}

fn tone(sr: u32, secs: f32, f: f32, amp: f32) -> Vec<f32> {
    (0..(secs * sr as f32) as usize)
        .map(|i| amp * (2.0 * PI * f * i as f32 / sr as f32).sin())
        .collect()
}

fn power(x: &[f32]) -> f32 {
    x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32
}

fn normalise(x: &mut [f32], peak: f32) {
    let m = x.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    if m > 0.0 {
        x.iter_mut().for_each(|v| *v *= peak / m);
    }
}

/// A second-order resonator (formant).
struct Resonator {
    y1: f32,
    y2: f32,
}

impl Resonator {
    fn run(&mut self, x: f32, f: f32, bw: f32, sr: f32) -> f32 {
        let r = (-PI * bw / sr).exp();
        let a1 = 2.0 * r * (2.0 * PI * f / sr).cos();
        let y = (1.0 - r) * x + a1 * self.y1 - r * r * self.y2;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

const VOWELS: [[f32; 3]; 5] = [
    [730.0, 1090.0, 2440.0],
    [270.0, 2290.0, 3010.0],
    [300.0, 870.0, 2240.0],
    [530.0, 1840.0, 2480.0],
    [570.0, 840.0, 2410.0],
];

/// Speech-like: a glottal pulse train around `f0` (slow intonation of ±2 semitones),
/// through three formant resonators that change every syllable, amplitude-modulated
/// at a syllable rate of about 4 Hz with a short pause every few syllables. Peaks at
/// −3 dBFS.
fn speech(sr: u32, secs: f32, f0: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let srf = sr as f32;
    let n = (secs * srf) as usize;
    let mut out = Vec::with_capacity(n);
    let mut res = [
        Resonator { y1: 0.0, y2: 0.0 },
        Resonator { y1: 0.0, y2: 0.0 },
        Resonator { y1: 0.0, y2: 0.0 },
    ];
    let (mut phase, mut tilt) = (0.0f32, 0.0f32);
    let (mut syl_left, mut syl_len, mut vowel, mut in_pause, mut count) =
        (0usize, 1usize, 0usize, false, 0u32);
    for i in 0..n {
        if syl_left == 0 {
            count += 1;
            in_pause = count % 7 == 0;
            syl_len = ((if in_pause { 0.3 } else { 0.18 } + 0.12 * rng.uniform()) * srf) as usize;
            syl_left = syl_len;
            vowel = (rng.next() % VOWELS.len() as u64) as usize;
        }
        let t = i as f32 / srf;
        let f = f0 * (2.0f32 / 12.0 * (2.0 * PI * 0.23 * t + seed as f32).sin()).exp2();
        phase += f / srf;
        let pulse = if phase >= 1.0 {
            phase -= 1.0;
            1.0
        } else {
            0.0
        };
        tilt = 0.9 * tilt + pulse; // glottal spectral tilt
        let mut y = tilt;
        let v = VOWELS[vowel];
        let mut s = 0.0;
        for (k, r) in res.iter_mut().enumerate() {
            s += r.run(y, v[k], 80.0 + 40.0 * k as f32, srf) / (k + 1) as f32;
        }
        y = s;
        let pos = 1.0 - syl_left as f32 / syl_len as f32;
        let env = if in_pause {
            0.0
        } else {
            (PI * pos).sin().powi(2)
        };
        out.push(y * env);
        syl_left -= 1;
    }
    normalise(&mut out, 0.7);
    out
}

/// Music-like: three-note chords (four harmonics each) changing every two seconds,
/// struck on a 2 Hz beat with a decaying envelope over a sustained pad, plus a low
/// kick on each beat. Peaks at −3 dBFS.
fn chords(sr: u32, secs: f32) -> Vec<f32> {
    let srf = sr as f32;
    let progression = [
        [220.0, 277.18, 329.63],
        [146.83, 220.0, 293.66],
        [164.81, 207.65, 246.94],
    ];
    let mut out: Vec<f32> = (0..(secs * srf) as usize)
        .map(|i| {
            let t = i as f32 / srf;
            let chord = progression[(t / 2.0) as usize % 3];
            let beat = t % 0.5;
            let env = 0.35 + 0.65 * (-beat / 0.15).exp();
            let mut s = 0.0;
            for f in chord {
                for h in 1..=4 {
                    s += (2.0 * PI * f * h as f32 * t).sin() / h as f32;
                }
            }
            s * env + 2.0 * (2.0 * PI * 55.0 * beat).sin() * (-beat / 0.05).exp()
        })
        .collect();
    normalise(&mut out, 0.7);
    out
}

/// Adds white noise at `snr_db` below the signal's mean power.
fn with_noise(x: &[f32], snr_db: f32, seed: u64) -> Vec<f32> {
    let sigma = (power(x) / 10f32.powf(snr_db / 10.0)).sqrt();
    let mut rng = Rng(seed | 1);
    x.iter().map(|v| v + sigma * rng.gauss()).collect()
}

fn checks() -> AudioChecks {
    AudioChecks::default()
}

fn asset(id: &str, meta: AssetMeta) -> Asset {
    Asset {
        id: id.into(),
        owner: "ana".into(),
        source: AssetSource::Upload,
        modality: Modality::Audio,
        meta,
        tags: Default::default(),
        added_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        seq: 0,
        content: None,
    }
}

fn codes_of(found: &[Finding], id: &str) -> Vec<String> {
    found
        .iter()
        .filter(|f| f.asset.as_ref().map(|a| a.as_str()) == Some(id))
        .map(|f| f.code.clone())
        .collect()
}

fn wav_with(
    spec: hound::WavSpec,
    write: impl FnOnce(&mut hound::WavWriter<&mut std::io::Cursor<Vec<u8>>>),
) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        write(&mut w);
        w.finalize().unwrap();
    }
    cursor.into_inner()
}

/// A canonical 44-byte header with the given fields, followed by `data`.
fn raw_wav(
    format: u16,
    channels: u16,
    rate: u32,
    bits: u16,
    data_len: u32,
    data: &[u8],
) -> Vec<u8> {
    let block = channels.wrapping_mul(bits / 8);
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&format.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate.wrapping_mul(u32::from(block))).to_le_bytes());
    b.extend_from_slice(&block.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    b.extend_from_slice(data);
    b
}

fn unreadable_reason(r: Result<Audio, Error>) -> String {
    match r {
        Err(Error::AssetUnreadable { reason }) => reason,
        other => panic!("expected AssetUnreadable, got {other:?}"),
    }
}

#[test]
fn every_pcm_depth_and_float_decode_to_scaled_16_bit() {
    // R: A3
    let limits = MediaLimits::default();
    let spec = |bits, fmt| hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: bits,
        sample_format: fmt,
    };
    let int = hound::SampleFormat::Int;
    let wav8 = wav_with(spec(8, int), |w| {
        [-128i8, 127, 0, -1]
            .iter()
            .for_each(|&s| w.write_sample(s).unwrap())
    });
    assert_eq!(
        decode_wav(&wav8, &limits).unwrap().samples,
        [-32768, 32512, 0, -256]
    );
    let wav16 = wav_with(spec(16, int), |w| {
        [-32768i16, 32767, 5, -5]
            .iter()
            .for_each(|&s| w.write_sample(s).unwrap())
    });
    assert_eq!(
        decode_wav(&wav16, &limits).unwrap().samples,
        [-32768, 32767, 5, -5]
    );
    let wav24 = wav_with(spec(24, int), |w| {
        [-8_388_608i32, 8_388_607, 1000 << 8, (-7 << 8) + 100]
            .iter()
            .for_each(|&s| w.write_sample(s).unwrap())
    });
    let a = decode_wav(&wav24, &limits).unwrap();
    assert_eq!((a.channels, a.sample_rate), (2, 44_100));
    assert_eq!(a.samples, [-32768, 32767, 1000, -7]);
    let wav32 = wav_with(spec(32, int), |w| {
        [i32::MIN, i32::MAX, 1234 << 16, 0]
            .iter()
            .for_each(|&s| w.write_sample(s).unwrap())
    });
    assert_eq!(
        decode_wav(&wav32, &limits).unwrap().samples,
        [-32768, 32767, 1234, 0]
    );
    let float = wav_with(spec(32, hound::SampleFormat::Float), |w| {
        [0.5f32, -1.0, 1.5, f32::NAN]
            .iter()
            .for_each(|&s| w.write_sample(s).unwrap())
    });
    assert_eq!(
        decode_wav(&float, &limits).unwrap().samples,
        [16384, -32767, 32767, 0]
    );
    // 24-bit samples in 4-byte containers.
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let spec_ex = hound::WavSpecEx {
            spec: spec(24, int),
            bytes_per_sample: 4,
        };
        let mut w = hound::WavWriter::new_with_spec_ex(&mut cursor, spec_ex).unwrap();
        [-8_388_608i32, 8_388_607, 1000 << 8, 3 << 7]
            .iter()
            .for_each(|&s| w.write_sample(s).unwrap());
        w.finalize().unwrap();
    }
    let wav24_4 = cursor.into_inner();
    assert_eq!(wav24_4.len(), wav24.len() + 4);
    assert_eq!(
        decode_wav(&wav24_4, &limits).unwrap().samples,
        [-32768, 32767, 1000, 2]
    );
    // Six channels (WAVEFORMATEXTENSIBLE) decode too.
    let six = wav_with(
        hound::WavSpec {
            channels: 6,
            ..spec(16, int)
        },
        |w| (0..60).for_each(|i| w.write_sample(i as i16).unwrap()),
    );
    let a = decode_wav(&six, &limits).unwrap();
    assert_eq!((a.channels, a.samples.len(), a.samples[59]), (6, 60, 59));
}

#[test]
fn encode_and_decode_round_trip_and_refuse_what_wav_cannot_hold() {
    // R: A3
    let a = Audio {
        sample_rate: 48_000,
        channels: 3,
        samples: (0..3000)
            .map(|i| (i * 37 % 65_536 - 32_768) as i16)
            .collect(),
    };
    assert_eq!(
        decode_wav(&encode_wav(&a).unwrap(), &MediaLimits::default()).unwrap(),
        a
    );
    for bad in [
        Audio {
            sample_rate: 0,
            channels: 1,
            samples: vec![0; 4],
        },
        Audio {
            sample_rate: 8000,
            channels: 0,
            samples: vec![0; 4],
        },
        Audio {
            sample_rate: 8000,
            channels: 2,
            samples: vec![0; 3],
        },
        Audio {
            sample_rate: u32::MAX,
            channels: 2,
            samples: vec![0; 4],
        },
    ] {
        assert_eq!(encode_wav(&bad).unwrap_err().code(), "asset_unreadable");
    }
}

#[test]
fn lying_headers_truncation_garbage_and_unknown_formats_are_typed_errors() {
    // R: A3
    let limits = MediaLimits::default();
    let good = encode_wav(&to_audio(&tone(8000, 1.0, 440.0, 0.5), 8000)).unwrap();
    // A data chunk claiming ~2 GB in a 16 kB file: refused from the header's claims
    // (its duration) before any allocation of the claimed size ...
    let mut lying = good.clone();
    lying[40..44].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    assert_eq!(
        decode_wav(&lying, &limits).unwrap_err(),
        Error::MediaTooLarge {
            what: "seconds".into(),
            limit: 300,
            actual: 134_218
        }
    );
    // ... and a smaller lie within the limits as a truncated file.
    lying[40..44].copy_from_slice(&64_000u32.to_le_bytes());
    assert!(
        unreadable_reason(decode_wav(&lying, &limits)).contains("truncated or its header is wrong")
    );
    // The same lie in a streaming-style header (length 0xFFFFFFFF, not a multiple of
    // the sample size) is a format error.
    lying[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(unreadable_reason(decode_wav(&lying, &limits)).contains("not a valid WAV"));
    // Truncated data.
    assert!(
        unreadable_reason(decode_wav(&good[..good.len() - 100], &limits)).contains("truncated")
    );
    // Garbage, a bare RIFF header, an empty file.
    let mut rng = Rng(7);
    let garbage: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    unreadable_reason(decode_wav(&garbage, &limits));
    let mut riff_garbage = b"RIFF\0\x10\0\0WAVE".to_vec();
    riff_garbage.extend_from_slice(&garbage);
    unreadable_reason(decode_wav(&riff_garbage, &limits));
    unreadable_reason(decode_wav(b"RIFF\x04\0\0\0WAVE", &limits));
    unreadable_reason(decode_wav(&[], &limits));
    // Zero channels; a zero sample rate is below the minimum (sample_rate_limits...).
    assert!(
        unreadable_reason(decode_wav(&raw_wav(1, 0, 8000, 16, 4, &[0; 4]), &limits))
            .contains("zero channels")
    );
    assert_eq!(
        decode_wav(&raw_wav(1, 1, 0, 16, 4, &[0; 4]), &limits)
            .unwrap_err()
            .code(),
        "sample_rate_out_of_range"
    );
    // Unknown or compressed encodings: ADPCM, MP3, 12-bit PCM, 64-bit float.
    for (format, bits) in [(2u16, 16u16), (0x55, 16), (1, 12), (3, 64)] {
        let reason = unreadable_reason(decode_wav(
            &raw_wav(format, 1, 8000, bits, 8, &[0; 8]),
            &limits,
        ));
        assert!(
            reason.contains("unsupported") || reason.contains("not a valid WAV"),
            "{format}/{bits}: {reason}"
        );
    }
    // The canonical header itself is read (control for the cases above).
    assert_eq!(
        decode_wav(&raw_wav(1, 1, 8000, 16, 4, &[1, 0, 2, 0]), &limits)
            .unwrap()
            .samples,
        [1, 2]
    );
}

#[test]
fn channel_duration_and_size_limits_are_media_too_large() {
    // R: A3
    let limits = MediaLimits {
        max_audio_seconds: 2,
        ..MediaLimits::default()
    };
    let nine = Audio {
        sample_rate: 8000,
        channels: 9,
        samples: vec![0; 9 * 100],
    };
    let err = decode_wav(&encode_wav(&nine).unwrap(), &limits).unwrap_err();
    assert_eq!(
        err,
        Error::MediaTooLarge {
            what: "channels".into(),
            limit: 8,
            actual: 9
        }
    );
    let long = encode_wav(&Audio {
        sample_rate: 8000,
        channels: 1,
        samples: vec![0; 8000 * 2 + 1],
    })
    .unwrap();
    let err = decode_wav(&long, &limits).unwrap_err();
    assert_eq!(
        err,
        Error::MediaTooLarge {
            what: "seconds".into(),
            limit: 2,
            actual: 3
        }
    );
    let exact = encode_wav(&Audio {
        sample_rate: 8000,
        channels: 1,
        samples: vec![0; 8000 * 2],
    })
    .unwrap();
    assert!(decode_wav(&exact, &limits).is_ok());
    let small = MediaLimits {
        max_bytes: 100,
        ..MediaLimits::default()
    };
    assert_eq!(
        decode_wav(&exact, &small).unwrap_err().code(),
        "media_too_large"
    );
}

#[test]
fn sample_rates_outside_the_policy_range_are_hard_errors() {
    // R: A3 — a 600-byte file at 1 Hz would last 600 s and pass the 10 s / 30 s
    // minimum: the rate is refused before the duration is believed.
    let limits = MediaLimits::default();
    let one_hz = raw_wav(1, 1, 1, 8, 600, &[128; 600]);
    let err = decode_wav(&one_hz, &limits).unwrap_err();
    assert_eq!(
        err,
        Error::SampleRateOutOfRange {
            sample_rate_hz: 1,
            min_hz: 8_000,
            max_hz: 192_000
        }
    );
    assert_eq!(
        (err.code(), err.rule()),
        ("sample_rate_out_of_range", Some("A3"))
    );
    assert_eq!(err.details()["min_hz"], 8_000);
    assert_eq!(
        crate::media::inspect(&one_hz, &Policy::default())
            .unwrap_err()
            .code(),
        "sample_rate_out_of_range"
    );
    let too_fast = raw_wav(1, 1, 384_000, 16, 4, &[0; 4]);
    assert_eq!(
        decode_wav(&too_fast, &limits).unwrap_err().code(),
        "sample_rate_out_of_range"
    );
    // The bounds themselves are accepted, and they come from the policy.
    assert!(decode_wav(&raw_wav(1, 1, 8_000, 16, 4, &[0; 4]), &limits).is_ok());
    assert!(decode_wav(&raw_wav(1, 1, 192_000, 16, 4, &[0; 4]), &limits).is_ok());
    let lenient = MediaLimits {
        min_sample_rate_hz: 1,
        max_audio_seconds: 600,
        ..limits
    };
    assert_eq!(decode_wav(&one_hz, &lenient).unwrap().samples.len(), 600);
}

#[test]
fn decoded_sample_bytes_are_bounded_before_the_data_is_read() {
    // R: A3: 1000 samples need 2000 bytes at 16 bits; a limit of 1999 refuses the
    // header, whatever follows it.
    let limits = MediaLimits {
        max_decoded_bytes: 1999,
        ..MediaLimits::default()
    };
    let wav = raw_wav(1, 1, 8_000, 8, 1000, &[128; 1000]);
    assert_eq!(
        decode_wav(&wav, &limits).unwrap_err(),
        Error::MediaTooLarge {
            what: "decoded_bytes".into(),
            limit: 1999,
            actual: 2000
        }
    );
    assert!(decode_wav(
        &wav,
        &MediaLimits {
            max_decoded_bytes: 2000,
            ..limits
        }
    )
    .is_ok());
}

#[test]
fn tone_levels_and_yin_recover_known_pitches() {
    // R: A8
    for (sr, f) in [
        (16_000u32, 100.0f32),
        (16_000, 220.0),
        (44_100, 440.0),
        (8_000, 150.0),
        (48_000, 310.0),
    ] {
        let m = measure(&to_audio(&tone(sr, 1.5, f, 0.5), sr), &checks());
        assert!(
            (m.peak_dbfs + 6.02).abs() < 0.05,
            "{sr}/{f}: peak {}",
            m.peak_dbfs
        );
        assert!(
            (m.rms_dbfs + 9.03).abs() < 0.05,
            "{sr}/{f}: rms {}",
            m.rms_dbfs
        );
        let f0 = m.median_f0_hz.unwrap();
        assert!((f0 - f).abs() / f < 0.02, "{sr}/{f}: f0 {f0}");
        assert_eq!(m.voices, 1);
        assert!(m.voiced_share > 0.9);
        assert!(
            !m.clipping && !m.background_noise && !m.long_silence,
            "{m:?}"
        );
        assert_eq!((m.duration_ms, m.sample_rate_hz, m.channels), (1500, sr, 1));
    }
}

#[test]
fn one_speaker_is_one_voice_and_two_speakers_are_two() {
    // R: A8
    let sr = 16_000;
    let low = speech(sr, 8.0, 120.0, 1);
    let m = measure(&to_audio(&low, sr), &checks());
    assert_eq!(m.voices, 1, "{m:?}");
    let f0 = m.median_f0_hz.unwrap();
    assert!((f0 - 120.0).abs() / 120.0 < 0.05, "median f0 {f0}");
    assert!(m.voiced_share > 0.5, "{m:?}");
    assert!(
        !m.clipping && !m.background_noise && !m.long_silence,
        "{m:?}"
    );

    let mut two = speech(sr, 6.0, 120.0, 2);
    two.extend(speech(sr, 6.0, 220.0, 3));
    let m = measure(&to_audio(&two, sr), &checks());
    assert_eq!(m.voices, 2, "{m:?}");
    let (a, b) = (m.voice_f0_hz[0], m.voice_f0_hz[1]);
    assert!(
        (a - 120.0).abs() / 120.0 < 0.06 && (b - 220.0).abs() / 220.0 < 0.06,
        "{a} {b}"
    );

    // A stereo file with the same speaker on both channels is still one voice.
    let stereo = Audio {
        sample_rate: sr,
        channels: 2,
        samples: to_audio(&low, sr)
            .samples
            .iter()
            .flat_map(|&s| [s, s / 2])
            .collect(),
    };
    assert_eq!(measure(&stereo, &checks()).voices, 1);
}

#[test]
fn background_noise_fires_below_the_snr_threshold_only() {
    // R: A8
    let sr = 16_000;
    let clean = speech(sr, 6.0, 130.0, 4);
    let m = measure(&to_audio(&clean, sr), &checks());
    assert!(!m.background_noise && m.snr_db > 50.0, "{m:?}");
    let noisy = measure(&to_audio(&with_noise(&clean, 10.0, 5), sr), &checks());
    assert!(noisy.background_noise, "{noisy:?}");
    assert!(
        noisy.snr_db > 8.0 && noisy.snr_db < 24.0,
        "snr {}",
        noisy.snr_db
    );
    assert!(noisy.noise_floor_dbfs > -40.0, "{noisy:?}");
    let quiet_noise = measure(&to_audio(&with_noise(&clean, 45.0, 6), sr), &checks());
    assert!(!quiet_noise.background_noise, "{quiet_noise:?}");
    assert!(quiet_noise.snr_db > 42.0, "snr {}", quiet_noise.snr_db);
    // Continuous music has no pauses: its noise floor comes from the spectral valleys.
    let music = chords(sr, 6.0);
    let m = measure(&to_audio(&music, sr), &checks());
    assert!(!m.background_noise, "{m:?}");
    let m = measure(&to_audio(&with_noise(&music, 12.0, 8), sr), &checks());
    assert!(m.background_noise, "{m:?}");
}

#[test]
fn clipping_fires_on_hard_clipped_audio_only() {
    // R: A8
    let sr = 16_000;
    let clean = speech(sr, 5.0, 120.0, 9);
    let m = measure(&to_audio(&clean, sr), &checks());
    assert!(!m.clipping && m.clip_runs == 0, "{m:?}");
    let hot: Vec<f32> = clean.iter().map(|v| (v * 4.0).clamp(-1.0, 1.0)).collect();
    let m = measure(&to_audio(&hot, sr), &checks());
    assert!(
        m.clipping && m.clip_runs > 10 && m.clipped_share > 0.001,
        "{m:?}"
    );
    assert!(m.peak_dbfs > -0.01);
    // A single clipped burst in a minute is below the per-minute threshold.
    let mut one = speech(sr, 60.0, 120.0, 10)
        .iter()
        .map(|v| v * 0.5)
        .collect::<Vec<f32>>();
    one[sr as usize * 30..sr as usize * 30 + 4]
        .iter_mut()
        .for_each(|v| *v = 1.0);
    let m = measure(&to_audio(&one, sr), &checks());
    assert_eq!(m.clip_runs, 1);
    assert!(!m.clipping, "{m:?}");
    // A full-scale square wave clips on every half period.
    let square: Vec<f32> = tone(sr, 2.0, 100.0, 1.0)
        .iter()
        .map(|v| v.signum())
        .collect();
    assert!(measure(&to_audio(&square, sr), &checks()).clipping);
}

#[test]
fn three_seconds_of_silence_is_a_long_silence_natural_pauses_are_not() {
    // R: A8
    let sr = 16_000;
    let mut x = speech(sr, 4.0, 120.0, 11);
    let m = measure(&to_audio(&x, sr), &checks());
    assert!(!m.long_silence && m.longest_silence_ms < 1000, "{m:?}");
    x.extend(std::iter::repeat_n(0.0, 3 * sr as usize));
    x.extend(speech(sr, 4.0, 120.0, 12));
    let m = measure(&to_audio(&x, sr), &checks());
    assert!(
        m.long_silence && m.longest_silence_ms >= 3000 && m.longest_silence_ms < 3600,
        "{m:?}"
    );
    // Room tone at −70 dBFS is still silence.
    let mut rng = Rng(14);
    let hiss: Vec<f32> = x.iter().map(|v| v + 0.000_316 * rng.gauss()).collect();
    let m = measure(&to_audio(&hiss, sr), &checks());
    assert!(m.long_silence, "{m:?}");
    // A pause in a noisy room is still a pause; steady noise alone has none.
    let noisy = measure(&to_audio(&with_noise(&x, 15.0, 15), sr), &checks());
    assert!(
        noisy.background_noise && noisy.long_silence && noisy.longest_silence_ms >= 2900,
        "{noisy:?}"
    );
    let mut rng = Rng(16);
    let steady: Vec<f32> = (0..5 * sr as usize).map(|_| 0.1 * rng.gauss()).collect();
    let m = measure(&to_audio(&steady, sr), &checks());
    assert!(
        m.background_noise && !m.long_silence && m.longest_silence_ms == 0,
        "{m:?}"
    );
    // A policy that tolerates four seconds does not flag it.
    let lenient = AudioChecks {
        long_silence_seconds: 4.0,
        ..checks()
    };
    assert!(!measure(&to_audio(&x, sr), &lenient).long_silence);
}

#[test]
fn a_chord_progression_with_a_beat_is_clean_music() {
    // R: A8
    let sr = 22_050;
    let m = measure(&to_audio(&chords(sr, 8.0), sr), &checks());
    assert!(
        !m.clipping && !m.background_noise && !m.long_silence,
        "{m:?}"
    );
    assert!(m.voices <= 1, "{m:?}");
    let onsets_per_second = *m.timbre.last().unwrap();
    assert!(
        (1.5..=2.5).contains(&onsets_per_second),
        "beat at 2 Hz, found {onsets_per_second}/s"
    );
}

#[test]
fn measure_accepts_any_audio_without_panicking() {
    // R: A3, A8
    let c = checks();
    for a in [
        Audio {
            sample_rate: 0,
            channels: 1,
            samples: vec![1; 100],
        },
        Audio {
            sample_rate: 8000,
            channels: 0,
            samples: vec![1; 100],
        },
        Audio {
            sample_rate: 8000,
            channels: 3,
            samples: vec![i16::MIN; 100],
        },
        Audio {
            sample_rate: 1,
            channels: 1,
            samples: vec![5; 10],
        },
        Audio {
            sample_rate: u32::MAX,
            channels: 1,
            samples: vec![5; 1000],
        },
        Audio {
            sample_rate: 44_100,
            channels: 2,
            samples: Vec::new(),
        },
        Audio {
            sample_rate: 16_000,
            channels: 1,
            samples: vec![0; 3],
        },
    ] {
        let m = measure(&a, &c);
        assert!(
            m.peak_dbfs.is_finite()
                && m.snr_db.is_finite()
                && m.timbre.iter().all(|v| v.is_finite()),
            "{m:?}"
        );
        assert_eq!(m.timbre.len(), 8 + c.timbre_bands as usize);
    }
    let odd = AudioChecks {
        level_frame_ms: 0.0,
        stft_ms: -1.0,
        pitch_hop_ms: f32::NAN,
        f0_min_hz: 500.0,
        f0_max_hz: 60.0,
        timbre_bands: 0,
        ..c
    };
    let m = measure(&to_audio(&tone(16_000, 0.5, 200.0, 0.5), 16_000), &odd);
    assert!(m.median_f0_hz.is_none() && m.timbre.len() == 8);
}

#[test]
fn timbre_outliers_name_the_odd_clip_and_a_coherent_set_has_none() {
    // R: A8
    let sr = 16_000;
    let p = Policy::default();
    let voice = p.catalogue.get("voice_over").unwrap();
    let clip = |i: u64| {
        let mut meta = inspect_audio(
            &to_audio(&speech(sr, 4.0, 105.0 + 6.0 * i as f32, 20 + i), sr),
            &p,
        );
        meta.file_name = Some(format!("take{i}.wav"));
        asset(&format!("v{i}"), meta)
    };
    let mut set: Vec<Asset> = (0..6).map(clip).collect();
    let mut odd = inspect_audio(&to_audio(&with_noise(&chords(sr, 4.0), 8.0, 30), sr), &p);
    odd.file_name = Some("jingle.wav".into());
    set.insert(3, asset("odd", odd));
    let found = review_set(&set.iter().collect::<Vec<_>>(), voice, &p);
    let outliers: Vec<_> = found
        .iter()
        .filter(|f| f.code == "timbre_outlier")
        .collect();
    assert_eq!(outliers.len(), 1, "{found:#?}");
    assert_eq!(outliers[0].asset.as_ref().unwrap().as_str(), "odd");
    assert!(
        outliers[0].message.starts_with("jingle.wav sounds unlike"),
        "{}",
        outliers[0].message
    );
    assert_eq!(outliers[0].rule, "A8");

    set.remove(3);
    set.push(clip(6));
    let found = review_set(&set.iter().collect::<Vec<_>>(), voice, &p);
    assert!(
        found.iter().all(|f| f.code != "timbre_outlier"),
        "{found:#?}"
    );
}

#[test]
fn coherent_sets_of_takes_with_natural_variation_have_no_timbre_outlier() {
    // R: A8
    let sr = 16_000;
    let p = Policy::default();
    let voice = p.catalogue.get("voice_over").unwrap();
    // Eight takes each: pitch between 100 and 150 Hz, different syllables and a
    // faint hiss. These seeds include a set whose spread reaches robust z ≈ 6.
    for base in [3u64, 4] {
        let set: Vec<Asset> = (0..8u64)
            .map(|i| {
                let f0 = 100.0 + 7.0 * ((i * 5 + base) % 8) as f32;
                let take = with_noise(&speech(sr, 4.0, f0, 100 * base + i), 50.0, i + 1);
                asset(&format!("t{i}"), inspect_audio(&to_audio(&take, sr), &p))
            })
            .collect();
        let found = review_set(&set.iter().collect::<Vec<_>>(), voice, &p);
        assert!(
            found.iter().all(|f| f.code != "timbre_outlier"),
            "set {base}: {found:#?}"
        );
    }
}

#[test]
fn low_sample_rate_and_quiet_recordings_are_flagged_from_measurements() {
    // R: A8
    let p = Policy::default();
    let voice = p.catalogue.get("voice_over").unwrap();
    let phone = inspect_bytes(
        &encode_wav(&to_audio(&speech(8_000, 3.0, 120.0, 40), 8_000)).unwrap(),
        &p,
    )
    .unwrap();
    let studio = inspect_bytes(
        &encode_wav(&to_audio(&speech(22_050, 3.0, 120.0, 41), 22_050)).unwrap(),
        &p,
    )
    .unwrap();
    let whisper: Vec<f32> = speech(22_050, 3.0, 120.0, 42)
        .iter()
        .map(|v| v * 0.05)
        .collect();
    let whisper = inspect_audio(&to_audio(&whisper, 22_050), &p);
    assert_eq!(phone.meta.sample_rate_hz, Some(8_000));
    let set = [
        asset("phone", phone.meta),
        asset("studio", studio.meta),
        asset("whisper", whisper),
    ];
    let found = review_set(&set.iter().collect::<Vec<_>>(), voice, &p);
    assert_eq!(
        codes_of(&found, "phone"),
        ["short_recording", "low_sample_rate"]
    );
    assert_eq!(codes_of(&found, "studio"), ["short_recording"]);
    assert_eq!(
        codes_of(&found, "whisper"),
        ["short_recording", "quiet_recording"]
    );
    let low = found.iter().find(|f| f.code == "low_sample_rate").unwrap();
    assert!(
        low.message.contains("8000 Hz") && low.message.contains("22050 Hz"),
        "{}",
        low.message
    );
}

#[test]
fn measured_problems_become_the_existing_findings() {
    // R: A8
    let sr = 22_050;
    let p = Policy::default();
    let jingles = p.catalogue.get("jingles").unwrap();
    let mut rough = speech(sr, 6.0, 120.0, 50);
    rough.extend(std::iter::repeat_n(0.0, 3 * sr as usize));
    rough.extend(speech(sr, 6.0, 220.0, 51));
    let rough: Vec<f32> = with_noise(&rough, 15.0, 52)
        .iter()
        .map(|v| (v * 3.0).clamp(-1.0, 1.0))
        .collect();
    let rough = inspect_audio(&to_audio(&rough, sr), &p);
    assert_eq!(rough.voices, Some(2));
    let mut a = asset("rough", rough);
    a.tags.insert("voice".into());
    let found = review_set(&[&a], jingles, &p);
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "no_music_asset",
            "short_recording",
            "background_noise",
            "clipping",
            "long_silence",
            "multiple_voices"
        ]
    );
}

#[test]
fn a3_duration_edges_hold_through_decoding() {
    // R: A3
    let sr = 16_000;
    let p = Policy::default();
    let (jingles, voice) = (
        p.catalogue.get("jingles").unwrap(),
        p.catalogue.get("voice_over").unwrap(),
    );
    let selectable = |secs: f32, entry| {
        let x = tone(sr, secs, 220.0, 0.3);
        assert_eq!(x.len(), (secs * sr as f32).round() as usize);
        let inspected = inspect_bytes(&encode_wav(&to_audio(&x, sr)).unwrap(), &p).unwrap();
        assert_eq!(
            inspected.meta.duration_ms,
            Some((secs * 1000.0).round() as u64)
        );
        check_selectable(&asset("a", inspected.meta), &"ana".into(), entry, &p)
            .map_err(|e| e.code())
    };
    assert_eq!(selectable(9.99, jingles), Err("asset_too_short"));
    assert_eq!(selectable(10.0, jingles), Ok(()));
    assert_eq!(selectable(29.9, voice), Err("asset_too_short"));
    assert_eq!(selectable(30.0, voice), Ok(()));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn hostile_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..200), cut in 0usize..80, at in 0usize..44, byte in any::<u8>()) {
            // R: A3
            let limits = MediaLimits::default();
            let mut prefixed = b"RIFF\xff\xff\xff\xffWAVEfmt ".to_vec();
            prefixed.extend_from_slice(&tail);
            let _ = decode_wav(&prefixed, &limits);
            let mut wav = raw_wav(1, 2, 8000, 16, 64, &[3; 64]);
            wav[at] = byte;
            wav.truncate(wav.len() - cut.min(wav.len()));
            if let Ok(a) = decode_wav(&wav, &limits) {
                let m = measure(&a, &AudioChecks::default());
                prop_assert!(m.peak_dbfs.is_finite());
            }
        }
    }
}
