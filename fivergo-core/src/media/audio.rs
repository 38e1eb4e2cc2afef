//! Audio decoding, measurement and findings (SPEC A3, A8).
//!
//! [`decode_wav`] turns untrusted WAV bytes into [`Audio`] within the
//! [`MediaLimits`](crate::media::MediaLimits); [`measure`] computes levels, clipping, noise, silences, pitch
//! (YIN) and a timbre vector; [`inspect_audio`] / [`inspect_bytes`] put those facts
//! into an [`AssetMeta`], and the A8 findings of a set are made from that metadata
//! only, so a host inspecting one file and the hub agree.
//!
//! Levels are in dBFS relative to the 16-bit full scale (32768), without the +3 dB
//! sine convention: a full-scale sine has a peak of 0 dBFS and an RMS of −3 dBFS.
//! Silence is reported at [`AudioChecks::db_floor`], never as −∞.

pub(crate) mod dsp;
#[cfg(feature = "media")]
mod wav;

#[cfg(not(feature = "media"))]
pub use super::disabled::{decode_wav, encode_wav};
#[cfg(feature = "media")]
pub use wav::{decode_wav, encode_wav};
#[cfg(test)]
mod tests;

use crate::asset::{flag, name, Asset, AssetMeta, Finding};
use crate::catalogue::{CatalogueEntry, Modality};
use crate::error::Error;
use crate::generator::Audio;
use crate::media::outliers::robust_outliers;
use crate::media::Inspected;
use crate::policy::Policy;
use dsp::{
    decimate, decimate_from, hann, mean_std, percentile, two_means, RealFft, Yin,
    DECIMATION_PASSBAND,
};
use serde::{Deserialize, Serialize};

/// The 16-bit full scale that dBFS figures are relative to.
const FULL_SCALE: f32 = 32768.0;
/// Share of a frame's energy below the spectral roll-off frequency.
const ROLLOFF_SHARE: f32 = 0.85;
/// Band energies are reported relative to the frame, floored at this many dB.
const BAND_FLOOR_DB: f32 = -60.0;
/// Two onsets closer than this (seconds) count once.
const ONSET_MIN_GAP_S: f32 = 0.1;
/// The smallest and largest analysis FFTs.
const FFT_MIN: usize = 16;
const FFT_MAX: usize = 1 << 15;

/// Audio analysis thresholds (A8). Every decision of [`measure`] and of the audio
/// findings reads its threshold here.
///
/// ```
/// use fivergo_core::media::audio::AudioChecks;
/// let c = AudioChecks::default();
/// assert_eq!(c.min_sample_rate_hz, 22_050);
/// let custom: AudioChecks = serde_json::from_str(r#"{"min_snr_db": 20.0}"#).unwrap();
/// assert_eq!((custom.min_snr_db, custom.long_silence_seconds), (20.0, c.long_silence_seconds));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AudioChecks {
    /// Recordings sampled below this get a `low_sample_rate` warning.
    pub min_sample_rate_hz: u32,
    /// Recordings whose peak stays below this (dBFS) get a `quiet_recording` warning.
    pub quiet_peak_dbfs: f32,
    /// Levels are reported no lower than this (dBFS); digital silence sits here.
    pub db_floor: f32,
    /// Length of the short frames whose RMS gives the noise floor and the silences.
    pub level_frame_ms: f32,
    /// A sample at or above this share of full scale is "at full scale" (clipping).
    pub clip_level: f32,
    /// This many consecutive full-scale samples of one channel make a clipping run.
    pub clip_run_samples: u32,
    /// A recording with at least this many clipping runs per minute clips.
    pub max_clip_runs_per_minute: f32,
    /// A recording with at least this share of samples at full scale clips.
    pub max_clipped_share: f32,
    /// The noise floor is this percentile of the short-frame levels (and of the
    /// spectral-valley levels, whichever is lower).
    pub noise_percentile: f32,
    /// The signal level is this percentile of the short-frame levels.
    pub signal_percentile: f32,
    /// A signal-to-noise ratio below this (dB) means background noise.
    pub min_snr_db: f32,
    /// Frames quieter than this (dBFS) are silent.
    pub silence_dbfs: f32,
    /// Frames this many dB below the signal level are silent too.
    pub silence_below_signal_db: f32,
    /// Frames within this many dB of the noise floor are silent too (a pause in a
    /// noisy room is still a pause) ...
    pub silence_above_noise_db: f32,
    /// ... provided they are at least this many dB below the signal level (steady
    /// noise or a steady drone has no pauses).
    pub silence_min_depth_db: f32,
    /// A silence at least this long (seconds) is a long silence.
    pub long_silence_seconds: f32,
    /// Spectral analysis runs on a mono mixdown decimated to about this rate.
    pub analysis_rate_hz: u32,
    /// Pitch tracking runs on the mixdown decimated to about this rate.
    pub pitch_rate_hz: u32,
    /// Lowest f0 tracked (Hz).
    pub f0_min_hz: f32,
    /// Highest f0 tracked (Hz).
    pub f0_max_hz: f32,
    /// YIN absolute threshold: a frame is voiced when its normalised difference
    /// dips below this.
    pub yin_threshold: f32,
    /// Hop between pitch frames (ms).
    pub pitch_hop_ms: f32,
    /// Frames more than this many dB below the signal level are not pitch-tracked.
    pub voiced_below_signal_db: f32,
    /// Fewer voiced frames than this: no voice is reported.
    pub min_voiced_frames: u32,
    /// Each of two f0 clusters must hold at least this share of the voiced frames
    /// to count as a second voice.
    pub min_voice_share: f32,
    /// Two f0 clusters at least this many semitones apart may be two voices.
    pub voice_gap_semitones: f32,
    /// ... when also `gap² / (variance₁ + variance₂)` (semitones²) reaches this.
    pub voice_separation: f32,
    /// Length of the spectral analysis frames (ms, rounded up to a power of two).
    pub stft_ms: f32,
    /// Number of log-spaced bands of the timbre vector.
    pub timbre_bands: u32,
    /// Lower edge of the timbre bands (Hz).
    pub band_low_hz: f32,
    /// Upper edge of the timbre bands (Hz).
    pub band_high_hz: f32,
    /// A rise of at least this many dB, averaged over the bands, is an onset.
    pub onset_flux_db: f32,
    /// Robust z-score (see [`robust_outliers`]) above which a timbre vector is an
    /// outlier of its set. Higher than for images: with 18 dimensions the takes of
    /// one coherent set reach z ≈ 6, while a different genre or a noisy take scores
    /// 15 or more.
    pub timbre_outlier_threshold: f32,
}

impl Default for AudioChecks {
    fn default() -> Self {
        Self {
            min_sample_rate_hz: 22_050,
            quiet_peak_dbfs: -20.0,
            db_floor: -120.0,
            level_frame_ms: 20.0,
            clip_level: 0.999,
            clip_run_samples: 3,
            max_clip_runs_per_minute: 3.0,
            max_clipped_share: 0.001,
            noise_percentile: 10.0,
            signal_percentile: 95.0,
            min_snr_db: 30.0,
            silence_dbfs: -60.0,
            silence_below_signal_db: 40.0,
            silence_above_noise_db: 3.0,
            silence_min_depth_db: 10.0,
            long_silence_seconds: 2.0,
            analysis_rate_hz: 16_000,
            pitch_rate_hz: 8_000,
            f0_min_hz: 60.0,
            f0_max_hz: 500.0,
            yin_threshold: 0.15,
            pitch_hop_ms: 10.0,
            voiced_below_signal_db: 30.0,
            min_voiced_frames: 20,
            min_voice_share: 0.15,
            voice_gap_semitones: 6.0,
            voice_separation: 6.0,
            stft_ms: 32.0,
            timbre_bands: 10,
            band_low_hz: 100.0,
            band_high_hz: 7_000.0,
            onset_flux_db: 3.0,
            timbre_outlier_threshold: 8.0,
        }
    }
}

/// What [`measure`] found in a recording.
///
/// ```
/// use fivergo_core::{media::audio::{measure, AudioChecks}, Audio};
/// let silence = Audio { sample_rate: 16_000, channels: 1, samples: vec![0; 48_000] };
/// let m = measure(&silence, &AudioChecks::default());
/// assert_eq!((m.duration_ms, m.peak_dbfs, m.voices), (3000, -120.0, 0));
/// assert!(m.long_silence);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioMeasures {
    /// Duration in milliseconds (whole frames, rounded down).
    pub duration_ms: u64,
    /// Samples per second per channel.
    pub sample_rate_hz: u32,
    /// Channels.
    pub channels: u16,
    /// Highest absolute sample, dBFS.
    pub peak_dbfs: f32,
    /// RMS over all samples, dBFS.
    pub rms_dbfs: f32,
    /// Share of samples at or above [`AudioChecks::clip_level`] of full scale.
    pub clipped_share: f32,
    /// Runs of at least [`AudioChecks::clip_run_samples`] consecutive full-scale
    /// samples, over all channels.
    pub clip_runs: u32,
    /// The recording clips.
    pub clipping: bool,
    /// Level of the signal ([`AudioChecks::signal_percentile`] of short-frame levels), dBFS.
    pub signal_dbfs: f32,
    /// Noise floor, dBFS: the lower of the [`AudioChecks::noise_percentile`] of the
    /// short-frame levels and of the per-frame spectral valleys (the median spectral
    /// bin, which noise fills but tones and harmonics do not).
    pub noise_floor_dbfs: f32,
    /// `signal_dbfs − noise_floor_dbfs`, dB.
    pub snr_db: f32,
    /// The SNR is below [`AudioChecks::min_snr_db`].
    pub background_noise: bool,
    /// Longest run of silent frames, milliseconds.
    pub longest_silence_ms: u64,
    /// The longest silence reaches [`AudioChecks::long_silence_seconds`].
    pub long_silence: bool,
    /// Share of the non-silent pitch frames that are voiced (periodic).
    pub voiced_share: f32,
    /// Median f0 of the voiced frames, Hz.
    pub median_f0_hz: Option<f32>,
    /// Centre f0 of each voice heard, Hz (empty when none, two when more than one).
    pub voice_f0_hz: Vec<f32>,
    /// Distinct voices heard: 0 (no steady pitch), 1, or 2 for "more than one".
    pub voices: u32,
    /// Timbre vector compared across a set: mean and spread of the spectral
    /// centroid (log₂ Hz), roll-off (log₂ Hz) and flatness (dB); mean energy of each
    /// log-spaced band relative to the frame (dB); zero-crossing rate (log₂ of 1 +
    /// crossings per second); onsets per second.
    pub timbre: Vec<f32>,
}

fn db_power(power: f64, floor: f32) -> f32 {
    if power > 0.0 && power.is_finite() {
        ((10.0 * power.log10()) as f32).max(floor)
    } else {
        floor
    }
}

fn ms_to_samples(rate: f32, ms: f32) -> usize {
    let n = (rate * ms / 1000.0).round();
    if n.is_finite() && n >= 1.0 {
        (n as usize).min(1 << 30)
    } else {
        1
    }
}

/// Measures a recording: levels, clipping, noise floor and SNR, longest silence,
/// pitch (YIN on a mono mixdown decimated to about [`AudioChecks::pitch_rate_hz`])
/// and the number of voices, and a timbre vector. Deterministic; any input works
/// (empty or silent audio gives floor levels and no voice).
///
/// ```
/// use fivergo_core::{media::audio::{measure, AudioChecks}, Audio};
/// let samples = (0..32_000).map(|i| ((i as f32 * 2.0 * std::f32::consts::PI * 200.0 / 16_000.0).sin() * 16_384.0) as i16).collect();
/// let m = measure(&Audio { sample_rate: 16_000, channels: 1, samples }, &AudioChecks::default());
/// assert!((m.peak_dbfs + 6.0).abs() < 0.1 && (m.rms_dbfs + 9.0).abs() < 0.1);
/// assert!((m.median_f0_hz.unwrap() - 200.0).abs() < 2.0);
/// assert!(!m.clipping && !m.background_noise && !m.long_silence);
/// ```
pub fn measure(audio: &Audio, checks: &AudioChecks) -> AudioMeasures {
    let floor = if checks.db_floor.is_finite() {
        checks.db_floor
    } else {
        AudioChecks::default().db_floor
    };
    let ch = usize::from(audio.channels.max(1));
    let frames = audio.samples.len() / ch;
    let samples = &audio.samples[..frames * ch];
    let sr = audio.sample_rate;
    let srf = sr as f32;
    let timbre_len = 8 + checks.timbre_bands.min(64) as usize;
    let mut m = AudioMeasures {
        duration_ms: if sr == 0 {
            0
        } else {
            frames as u64 * 1000 / u64::from(sr)
        },
        sample_rate_hz: sr,
        channels: audio.channels,
        peak_dbfs: floor,
        rms_dbfs: floor,
        clipped_share: 0.0,
        clip_runs: 0,
        clipping: false,
        signal_dbfs: floor,
        noise_floor_dbfs: floor,
        snr_db: 0.0,
        background_noise: false,
        longest_silence_ms: 0,
        long_silence: false,
        voiced_share: 0.0,
        median_f0_hz: None,
        voice_f0_hz: Vec::new(),
        voices: 0,
        timbre: vec![0.0; timbre_len],
    };
    if samples.is_empty() || sr == 0 {
        return m;
    }
    let full = f64::from(FULL_SCALE);

    // Levels and clipping.
    let clip_at = (f64::from(checks.clip_level.clamp(0.0, 1.0)) * f64::from(i16::MAX))
        .ceil()
        .max(1.0) as i32;
    let run_min = checks.clip_run_samples.max(1) as usize;
    let mut peak = 0i32;
    let mut energy = 0.0f64;
    let mut near = 0usize;
    let mut runs = vec![0usize; ch];
    for frame in samples.chunks_exact(ch) {
        for (c, &s) in frame.iter().enumerate() {
            let a = i32::from(s).abs();
            peak = peak.max(a);
            energy += f64::from(s) * f64::from(s);
            if a >= clip_at {
                near += 1;
                runs[c] += 1;
            } else {
                if runs[c] >= run_min {
                    m.clip_runs = m.clip_runs.saturating_add(1);
                }
                runs[c] = 0;
            }
        }
    }
    m.clip_runs += runs.iter().filter(|&&r| r >= run_min).count() as u32;
    m.peak_dbfs = db_power((f64::from(peak) / full).powi(2), floor);
    m.rms_dbfs = db_power(energy / samples.len() as f64 / (full * full), floor);
    m.clipped_share = near as f32 / samples.len() as f32;
    let minutes = frames as f32 / srf / 60.0;
    m.clipping = m.clipped_share >= checks.max_clipped_share
        || (m.clip_runs > 0
            && m.clip_runs as f32 / minutes.max(f32::MIN_POSITIVE)
                >= checks.max_clip_runs_per_minute);

    // Short-frame levels: signal level, noise floor (time side), silences.
    let flen = ms_to_samples(srf, checks.level_frame_ms);
    let levels: Vec<(usize, f32)> = samples
        .chunks(flen * ch)
        .map(|block| {
            let e: f64 = block.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
            (
                block.len() / ch,
                db_power(e / block.len() as f64 / (full * full), floor),
            )
        })
        .collect();
    let active: Vec<f32> = levels.iter().map(|l| l.1).filter(|&l| l > floor).collect();
    let signal = percentile(&active, checks.signal_percentile);
    m.signal_dbfs = signal.unwrap_or(floor);

    // Mono mixdown, decimated for spectral analysis.
    let scale = 1.0 / (ch as f32 * FULL_SCALE);
    let qa = decimation_factor(srf, checks.analysis_rate_hz);
    let xa = decimate_from(frames, qa, |range, out| {
        out.extend(
            samples[range.start * ch..range.end * ch]
                .chunks_exact(ch)
                .map(|f| f.iter().map(|&s| f32::from(s)).sum::<f32>() * scale),
        )
    });
    let sra = srf / qa as f32;
    let spectra = spectral_frames(&xa, sra, qa, floor, checks);

    // Noise floor: the lower of the quiet short frames and the spectral valleys.
    let time_noise = percentile(&active, checks.noise_percentile);
    m.noise_floor_dbfs = match (time_noise, spectra.noise_dbfs(checks.noise_percentile)) {
        (Some(t), Some(s)) => t.min(s),
        (Some(t), None) => t,
        (None, Some(s)) => s,
        (None, None) => floor,
    }
    .max(floor);
    if signal.is_some() {
        m.snr_db = (m.signal_dbfs - m.noise_floor_dbfs).max(0.0);
        m.background_noise = m.snr_db < checks.min_snr_db;
    }

    // Silences: frames below the absolute threshold, far below the signal, or at
    // the noise floor and clearly below the signal.
    let silent_below = checks
        .silence_dbfs
        .max(m.signal_dbfs - checks.silence_below_signal_db)
        .max(
            (m.noise_floor_dbfs + checks.silence_above_noise_db)
                .min(m.signal_dbfs - checks.silence_min_depth_db),
        );
    let (mut run, mut longest) = (0usize, 0usize);
    for &(n, level) in &levels {
        if level < silent_below || level <= floor {
            run += n;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    m.longest_silence_ms = longest as u64 * 1000 / u64::from(sr);
    m.long_silence = m.longest_silence_ms as f32 >= checks.long_silence_seconds * 1000.0;

    // Pitch and voices, on a further decimated copy.
    let qp = decimation_factor(sra, checks.pitch_rate_hz);
    let xp = decimate(&xa, qp);
    drop(xa);
    let pitch = pitch_analysis(
        &xp,
        sra / qp as f32,
        m.signal_dbfs,
        silent_below,
        floor,
        checks,
    );
    m.voiced_share = pitch.voiced_share;
    m.median_f0_hz = percentile(&pitch.f0, 50.0);
    let (voices, centres) = count_voices(&pitch.f0, checks);
    m.voices = voices;
    m.voice_f0_hz = centres;
    if voices == 1 {
        m.voice_f0_hz = m.median_f0_hz.into_iter().collect();
    }

    let mut timbre = spectra.timbre(silent_below);
    timbre.push((1.0 + pitch.zcr).log2());
    timbre.push(spectra.onsets(sra, checks) as f32 / (frames as f32 / srf).max(f32::MIN_POSITIVE));
    if timbre.len() == timbre_len && timbre.iter().all(|v| v.is_finite()) {
        m.timbre = timbre;
    }
    m
}

fn decimation_factor(rate: f32, target: u32) -> usize {
    if target == 0 {
        return 1;
    }
    let q = (rate / target as f32).round();
    if q.is_finite() && q > 1.0 {
        (q as usize).min(1 << 20)
    } else {
        1
    }
}

/// Features of one short-time spectrum.
struct SpectralFrame {
    /// Level of the frame (mono mixdown, analysis band), dBFS.
    level: f32,
    /// Spectral-valley noise estimate, dBFS (`None` for digital silence).
    valley: Option<f32>,
    /// Centroid (log₂ Hz), roll-off (log₂ Hz), flatness (dB), then each band's
    /// energy relative to the frame (dB); empty when the band holds no energy.
    features: Vec<f32>,
    /// Each band's absolute level (dB), for the onset flux.
    band_db: Vec<f32>,
}

/// The short-time spectra of the mono analysis signal.
struct Spectra {
    frames: Vec<SpectralFrame>,
    hop: usize,
    bands: usize,
}

impl Spectra {
    /// The spectral-valley noise floor: a low percentile of the frames' valleys.
    fn noise_dbfs(&self, percentile_p: f32) -> Option<f32> {
        let valleys: Vec<f32> = self.frames.iter().filter_map(|f| f.valley).collect();
        percentile(&valleys, percentile_p)
    }

    /// Mean and spread of centroid, roll-off and flatness, and the mean of each band,
    /// over the frames that are not silent.
    fn timbre(&self, silent_below: f32) -> Vec<f32> {
        let sounding: Vec<&[f32]> = self
            .frames
            .iter()
            .filter(|f| f.level >= silent_below && !f.features.is_empty())
            .map(|f| f.features.as_slice())
            .collect();
        let column = |i: usize| sounding.iter().map(|f| f[i]).collect::<Vec<f32>>();
        let mut out = Vec::with_capacity(6 + self.bands);
        for i in 0..3 {
            let (mean, spread) = mean_std(&column(i));
            out.extend([mean, spread]);
        }
        for b in 0..self.bands {
            out.push(if sounding.is_empty() {
                BAND_FLOOR_DB
            } else {
                mean_std(&column(3 + b)).0
            });
        }
        out
    }

    /// Onsets: local maxima of the mean rise of the band levels that reach
    /// [`AudioChecks::onset_flux_db`], at least [`ONSET_MIN_GAP_S`] apart.
    fn onsets(&self, rate: f32, checks: &AudioChecks) -> usize {
        let flux: Vec<f32> = self
            .frames
            .windows(2)
            .map(|w| {
                w[1].band_db
                    .iter()
                    .zip(&w[0].band_db)
                    .map(|(a, b)| (a - b).max(0.0))
                    .sum::<f32>()
                    / self.bands.max(1) as f32
            })
            .collect();
        let gap = (ONSET_MIN_GAP_S * rate / self.hop.max(1) as f32).ceil();
        let gap = if gap.is_finite() && gap >= 1.0 {
            gap as usize
        } else {
            1
        };
        let (mut count, mut last) = (0, None::<usize>);
        for t in 0..flux.len() {
            let before = if t > 0 { flux[t - 1] } else { 0.0 };
            let after = flux.get(t + 1).copied().unwrap_or(0.0);
            if flux[t] >= checks.onset_flux_db
                && flux[t] >= before
                && flux[t] > after
                && last.is_none_or(|l| t - l >= gap)
            {
                count += 1;
                last = Some(t);
            }
        }
        count
    }
}

/// Short-time spectra (Hann window, half overlap) of the mono analysis signal `x`
/// at `rate`, decimated by `q` from the recording.
fn spectral_frames(x: &[f32], rate: f32, q: usize, floor: f32, checks: &AudioChecks) -> Spectra {
    let bands = checks.timbre_bands.min(64) as usize;
    let n = ms_to_samples(rate, checks.stft_ms)
        .clamp(FFT_MIN, FFT_MAX)
        .next_power_of_two();
    let mut fft = RealFft::new(n);
    let n = fft.len();
    let hop = n / 2;
    let mut out = Spectra {
        frames: Vec::new(),
        hop,
        bands,
    };
    let window = hann(n);
    let window_energy: f64 = window.iter().map(|w| f64::from(w * w)).sum();
    let bin_hz = rate / n as f32;
    let k_lo = (checks.band_low_hz / bin_hz).ceil().max(1.0);
    let k_hi = (checks.band_high_hz / bin_hz)
        .floor()
        .min((DECIMATION_PASSBAND * (n / 2) as f32).floor());
    if !(k_lo.is_finite() && k_hi.is_finite()) || k_hi < k_lo + 2.0 {
        return out;
    }
    let (k_lo, k_hi) = (k_lo as usize, k_hi as usize);
    // Band of each bin: log-spaced edges between band_low_hz and band_high_hz.
    let (lo_hz, hi_hz) = (
        checks.band_low_hz.max(1.0),
        checks.band_high_hz.max(checks.band_low_hz.max(1.0) * 1.01),
    );
    let span = (hi_hz / lo_hz).ln();
    let band_of: Vec<Option<usize>> = (0..=n / 2)
        .map(|k| {
            let f = k as f32 * bin_hz;
            if bands == 0 || f < lo_hz || f >= hi_hz {
                return None;
            }
            Some((((f / lo_hz).ln() / span * bands as f32) as usize).min(bands - 1))
        })
        .collect();
    let starts: Vec<usize> = if x.len() <= n {
        vec![0]
    } else {
        (0..=x.len() - n).step_by(hop).collect()
    };
    let mut p = Vec::new();
    let mut sorted = Vec::with_capacity(k_hi - k_lo + 1);
    let norm = n as f64 * window_energy;
    let count = (k_hi - k_lo + 1) as f64;
    for &start in &starts {
        let frame = &x[start..(start + n).min(x.len())];
        fft.power(frame, &window, &mut p);
        let total = f64::from(p[0])
            + f64::from(p[n / 2])
            + 2.0 * p[1..n / 2].iter().map(|&v| f64::from(v)).sum::<f64>();
        let level = db_power(total / norm, floor);
        let mut band_energy = vec![0.0f64; bands];
        for k in k_lo..=k_hi {
            if let Some(b) = band_of[k] {
                band_energy[b] += f64::from(p[k]);
            }
        }
        let band_db = band_energy
            .iter()
            .map(|&e| db_power(2.0 * e / norm, floor))
            .collect();
        let mut record = SpectralFrame {
            level,
            valley: None,
            features: Vec::new(),
            band_db,
        };
        let e: f64 = p[k_lo..=k_hi].iter().map(|&v| f64::from(v)).sum();
        if level > floor && e > 0.0 {
            // Spectral valley: the median bin, which broadband noise fills and tones
            // do not; the median of exponentially distributed noise power is ln 2 ×
            // its mean, and the noise density extends over the decimated-away band.
            sorted.clear();
            sorted.extend_from_slice(&p[k_lo..=k_hi]);
            let mid = sorted.len() / 2;
            sorted.select_nth_unstable_by(mid, f32::total_cmp);
            record.valley = Some(db_power(
                f64::from(sorted[mid]) / std::f64::consts::LN_2 / window_energy * q as f64,
                floor,
            ));
            let weighted: f64 = (k_lo..=k_hi).map(|k| f64::from(p[k]) * k as f64).sum();
            let mut acc = 0.0f64;
            let mut roll = k_hi;
            for (k, &v) in p.iter().enumerate().take(k_hi + 1).skip(k_lo) {
                acc += f64::from(v);
                if acc >= f64::from(ROLLOFF_SHARE) * e {
                    roll = k;
                    break;
                }
            }
            let tiny = e * 1e-12 / count;
            let log_mean: f64 = p[k_lo..=k_hi]
                .iter()
                .map(|&v| f64::from(v).max(tiny).ln())
                .sum::<f64>()
                / count;
            record
                .features
                .push(((weighted / e) as f32 * bin_hz).max(1.0).log2());
            record.features.push((roll as f32 * bin_hz).max(1.0).log2());
            record
                .features
                .push((10.0 * (log_mean.exp() / (e / count)).log10()) as f32);
            record.features.extend(
                band_energy
                    .iter()
                    .map(|&be| ((10.0 * (be / e).max(1e-12).log10()) as f32).max(BAND_FLOOR_DB)),
            );
        }
        out.frames.push(record);
    }
    out
}

struct Pitch {
    /// f0 of each voiced frame, Hz.
    f0: Vec<f32>,
    voiced_share: f32,
    /// Mean zero crossings per second of the non-silent frames.
    zcr: f32,
}

/// YIN over the non-silent frames of the pitch-rate mixdown.
fn pitch_analysis(
    x: &[f32],
    rate: f32,
    signal_dbfs: f32,
    silent_below: f32,
    floor: f32,
    checks: &AudioChecks,
) -> Pitch {
    let mut out = Pitch {
        f0: Vec::new(),
        voiced_share: 0.0,
        zcr: 0.0,
    };
    let hop = ms_to_samples(rate, checks.pitch_hop_ms);
    let yin = Yin::new(
        rate,
        checks.f0_min_hz,
        checks.f0_max_hz,
        checks.yin_threshold,
    );
    let len = yin
        .as_ref()
        .map_or(ms_to_samples(rate, checks.stft_ms), Yin::frame_len)
        .max(2);
    if x.len() < len {
        return out;
    }
    let gate = silent_below.max(signal_dbfs - checks.voiced_below_signal_db);
    let mut d = Vec::new();
    let (mut active, mut crossings) = (0usize, 0.0f64);
    for start in (0..=x.len() - len).step_by(hop) {
        let frame = &x[start..start + len];
        let e: f64 = frame.iter().map(|&v| f64::from(v * v)).sum();
        let level = db_power(e / len as f64, floor);
        if level < silent_below || level <= floor {
            continue;
        }
        active += 1;
        let zc = frame
            .windows(2)
            .filter(|w| (w[0] >= 0.0) != (w[1] >= 0.0))
            .count();
        crossings += zc as f64 * f64::from(rate) / (len - 1) as f64;
        if level < gate {
            continue;
        }
        if let Some(f0) = yin.as_ref().and_then(|y| y.pitch(frame, &mut d)) {
            if f0 >= checks.f0_min_hz && f0 <= checks.f0_max_hz {
                out.f0.push(f0);
            }
        }
    }
    if active > 0 {
        out.voiced_share = out.f0.len() as f32 / active as f32;
        out.zcr = (crossings / active as f64) as f32;
    }
    out
}

/// 0, 1 or 2 ("more than one") voices from the voiced frames' f0, with the centre of
/// each voice when there are two.
fn count_voices(f0: &[f32], checks: &AudioChecks) -> (u32, Vec<f32>) {
    if f0.is_empty() || f0.len() < checks.min_voiced_frames as usize {
        return (0, Vec::new());
    }
    let semitones: Vec<f32> = f0.iter().map(|f| 12.0 * (f / 440.0).log2()).collect();
    let Some((lo, hi)) = two_means(&semitones) else {
        return (1, Vec::new());
    };
    let n = semitones.len() as f32;
    let gap = hi.mean - lo.mean;
    let populated = lo.count as f32 >= checks.min_voice_share * n
        && hi.count as f32 >= checks.min_voice_share * n;
    let separated = gap * gap >= checks.voice_separation * (lo.variance + hi.variance);
    if populated && gap >= checks.voice_gap_semitones && separated {
        let hz = |st: f32| 440.0 * (st / 12.0).exp2();
        (2, vec![hz(lo.mean), hz(hi.mean)])
    } else {
        (1, Vec::new())
    }
}

/// Measures a decoded recording into the [`AssetMeta`] the asset checks read (A3,
/// A8): duration, sample rate, channels, levels, noise, clipping, silences, voices,
/// and the timbre vector as `style_vector`.
///
/// ```
/// use fivergo_core::{media::audio::inspect_audio, Audio, Policy};
/// let a = Audio { sample_rate: 8000, channels: 1, samples: vec![0; 80_000] };
/// let meta = inspect_audio(&a, &Policy::default());
/// assert_eq!((meta.duration_ms, meta.sample_rate_hz, meta.long_silence), (Some(10_000), Some(8000), Some(true)));
/// ```
pub fn inspect_audio(audio: &Audio, policy: &Policy) -> AssetMeta {
    let m = measure(audio, &policy.media.audio);
    AssetMeta {
        duration_ms: Some(m.duration_ms),
        sample_rate_hz: Some(m.sample_rate_hz),
        channels: Some(m.channels),
        peak_dbfs: Some(m.peak_dbfs),
        rms_dbfs: Some(m.rms_dbfs),
        noise_floor_dbfs: Some(m.noise_floor_dbfs),
        snr_db: Some(m.snr_db),
        clipping: Some(m.clipping),
        background_noise: Some(m.background_noise),
        long_silence: Some(m.long_silence),
        voices: Some(m.voices),
        style_vector: Some(m.timbre),
        ..AssetMeta::default()
    }
}

/// Decodes a WAV file within the policy's limits and measures it (A3, A8).
///
/// ```
/// use fivergo_core::{media::{self, audio::encode_wav}, Audio, Modality, Policy};
/// let wav = encode_wav(&Audio { sample_rate: 22_050, channels: 1, samples: vec![0; 22_050 * 12] }).unwrap();
/// let found = media::inspect(&wav, &Policy::default()).unwrap();
/// assert_eq!((found.modality, found.meta.duration_ms), (Modality::Audio, Some(12_000)));
/// assert_eq!(media::inspect(b"RIFF\x04\0\0\0WAVE", &Policy::default()).unwrap_err().code(), "asset_unreadable");
/// ```
pub fn inspect_bytes(bytes: &[u8], policy: &Policy) -> Result<Inspected, Error> {
    let audio = decode_wav(bytes, &policy.media.limits)?;
    Ok(Inspected {
        modality: Modality::Audio,
        meta: inspect_audio(&audio, policy),
    })
}

/// A8 audio findings of a set, from the measured metadata.
pub(crate) fn findings(
    assets: &[&Asset],
    entry: &CatalogueEntry,
    policy: &Policy,
    set: &mut Vec<Finding>,
    each: &mut Vec<Finding>,
) {
    let p = &policy.assets;
    let checks = &policy.media.audio;
    for tag in &entry.recommended_asset_tags {
        if !assets.iter().any(|a| a.tags.contains(tag)) {
            set.push(Finding::warning(
                &format!("no_{tag}_asset"),
                None,
                "A8",
                format!(
                    "No asset is tagged `{tag}`; {} models work best with at least one.",
                    entry.name
                ),
            ));
        }
    }
    let with_timbre: Vec<(usize, &[f32])> = assets
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            a.meta
                .style_vector
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| (i, v))
        })
        .collect();
    let vectors: Vec<&[f32]> = with_timbre.iter().map(|(_, v)| *v).collect();
    let odd: Vec<usize> = robust_outliers(&vectors, checks.timbre_outlier_threshold)
        .into_iter()
        .map(|k| with_timbre[k].0)
        .collect();
    for (i, a) in assets.iter().enumerate() {
        let d = a.meta.duration_ms.unwrap_or(0);
        if d < u64::from(p.ideal_recording_seconds) * 1000 {
            each.push(Finding::warning(
                "short_recording",
                Some(&a.id),
                "A8",
                format!(
                    "{} lasts {:.0} s; recordings of {} s or more are ideal.",
                    name(a),
                    d as f64 / 1000.0,
                    p.ideal_recording_seconds
                ),
            ));
        }
        if let Some(rate) = a
            .meta
            .sample_rate_hz
            .filter(|&r| r < checks.min_sample_rate_hz)
        {
            each.push(Finding::warning("low_sample_rate", Some(&a.id), "A8", format!(
                "{} is sampled at {rate} Hz; {} Hz or more keeps the detail a model learns from.", name(a), checks.min_sample_rate_hz)));
        }
        if let Some(peak) = a.meta.peak_dbfs.filter(|&v| v < checks.quiet_peak_dbfs) {
            each.push(Finding::warning("quiet_recording", Some(&a.id), "A8", format!(
                "{} peaks at {peak:.0} dBFS; record or normalise it louder (peaks above {:.0} dBFS).", name(a), checks.quiet_peak_dbfs)));
        }
        flag(
            each,
            a,
            a.meta.background_noise,
            "background_noise",
            "A8",
            "has background noise",
        );
        flag(
            each,
            a,
            a.meta.clipping,
            "clipping",
            "A8",
            "clips (distorted peaks)",
        );
        flag(
            each,
            a,
            a.meta.long_silence,
            "long_silence",
            "A8",
            "has long silences",
        );
        if a.meta.voices.unwrap_or(1) > 1 {
            each.push(Finding::warning(
                "multiple_voices",
                Some(&a.id),
                "A8",
                format!(
                    "{} features {} voices; a single voice keeps the model consistent.",
                    name(a),
                    a.meta.voices.unwrap_or(0)
                ),
            ));
        }
        if odd.contains(&i) {
            each.push(Finding::warning("timbre_outlier", Some(&a.id), "A8", format!(
                "{} sounds unlike the rest of the set (timbre, genre or recording conditions); one model should hold one tone and genre (C4).",
                name(a))));
        }
    }
}
