//! The reference Jingles generator: learns tempo, key and timbre from the seller's
//! music and composes new jingles in them with an additive synth.
//!
//! **What it does.** Training decodes every audio asset and measures three things:
//! - the **tempo**, from the autocorrelation of a spectral-flux onset envelope, read
//!   at each candidate tempo between [`JingleSettings::min_bpm`] and
//!   [`JingleSettings::max_bpm`] (plus a comb at twice the beat period) and weighted
//!   by a log-normal prior around [`JingleSettings::tempo_prior_bpm`], which settles
//!   octave ambiguities (70 vs 140 BPM) towards common tempi;
//! - the **key**, by Krumhansl–Schmuckler: the chroma vector of the set is correlated
//!   with the Krumhansl–Kessler major and minor profiles in all 12 rotations;
//! - the **timbre**, as the average spectral envelope in third-octave bands between
//!   [`JingleSettings::envelope_low_hz`] and [`JingleSettings::envelope_high_hz`]
//!   (each frame normalised, so loud passages do not dominate).
//!
//! Generation composes `brief.quantity` seconds (clamped to
//! [`JingleSettings::max_seconds`]): a four-chord progression in the key (one chord
//! per bar, chosen by the seed), a bass note on every beat, a sustained triad pad and a
//! seeded melody (a random walk over the scale that lands on chord tones on downbeats
//! and ends on the tonic), at the learned tempo. Every note is an additive-synth
//! wavetable whose harmonic amplitudes are the learned envelope at each harmonic's
//! frequency. Output: mono, 16-bit, [`JingleSettings::sample_rate_hz`], exactly
//! `seconds × rate` samples, a pure function of (style, brief quantity, seed).
//!
//! **What it does not do.** It does not reproduce melodies, lyrics, voices, drums,
//! instruments' attack transients, stereo image, effects or song structure from the
//! recordings, and it ignores the brief's text and tags: it carries over tempo, key
//! and a static spectral colour only. Timbre above `envelope_high_hz` is not learned.
//! A real music model plugs in through the [`Generator`] trait.
//!
//! ```
//! use fivergo_core::generator::jingle::{JingleGenerator, JingleStyle};
//! use fivergo_core::{media::audio::encode_wav, *};
//! // One seller recording: 12 s of a 220 Hz tone struck twice a second (120 BPM).
//! let audio = Audio { sample_rate: 22_050, channels: 1, samples: (0..22_050 * 12)
//!     .map(|i| { let t = i as f32 / 22_050.0;
//!         ((t * 220.0 * std::f32::consts::TAU).sin() * (-(t % 0.5) * 8.0).exp() * 12_000.0) as i16 })
//!     .collect() };
//! let wav = encode_wav(&audio).unwrap();
//! let asset = Asset { id: "a1".into(), owner: "ana".into(), source: AssetSource::Upload,
//!     modality: Modality::Audio, meta: AssetMeta::audio(12_000), tags: Default::default(),
//!     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
//! let entry = Catalogue::default().get("jingles").unwrap().clone();
//! let limits = media::MediaLimits::default();
//! let input = TrainingInput { entry: &entry, limits: &limits, instructions: None,
//!     assets: vec![TrainingAsset { asset: &asset, content: Some(&wav) }] };
//! let g = JingleGenerator::default();
//! let style = g.train(&input, &mut JobControl::none()).unwrap();
//! let learned = JingleStyle::from_style(&style).unwrap();
//! assert!((learned.tempo_bpm - 120.0).abs() < 3.0);
//! let Artifact::Audio(jingle) = g.generate(&style, &Brief::new("intro").with_quantity(2), 7,
//!     &mut JobControl::none()).unwrap() else { unreachable!() };
//! assert_eq!(jingle.duration_ms(), 2000);
//! ```

mod analysis;
mod compose;
#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::generator::{
    Artifact, Audio, Brief, Generator, JobControl, TrainError, TrainedStyle, TrainingInput,
};
use analysis::{band_centres, Evidence};
use serde::{Deserialize, Serialize};

/// The generator's name, recorded in its styles.
const NAME: &str = "jingle_synth";
/// The format version of its styles.
const FORMAT: u32 = 1;
/// Names of the pitch classes, C = 0.
const PITCH_CLASSES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// Analysis and synthesis settings of [`JingleGenerator`].
///
/// ```
/// use fivergo_core::generator::jingle::JingleSettings;
/// let s = JingleSettings::default();
/// assert_eq!((s.sample_rate_hz, s.min_bpm, s.max_bpm), (44_100, 60.0, 180.0));
/// let custom: JingleSettings = serde_json::from_str(r#"{"max_seconds": 60}"#).unwrap();
/// assert_eq!((custom.max_seconds, custom.sample_rate_hz), (60, 44_100));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JingleSettings {
    /// Output sample rate, Hz.
    pub sample_rate_hz: u32,
    /// Longest jingle generated, seconds (longer briefs are clamped).
    pub max_seconds: u32,
    /// Recordings are decimated to about this rate before analysis, Hz.
    pub analysis_rate_hz: u32,
    /// Slowest tempo considered, BPM.
    pub min_bpm: f32,
    /// Fastest tempo considered, BPM.
    pub max_bpm: f32,
    /// Resolution of the tempo search, BPM.
    pub bpm_step: f32,
    /// Centre of the log-normal tempo prior, BPM; also the tempo used when the
    /// recordings show no beat at all.
    pub tempo_prior_bpm: f32,
    /// Width (standard deviation) of the tempo prior, octaves.
    pub tempo_prior_octaves: f32,
    /// Lowest frequency counted in the chroma, Hz.
    pub chroma_low_hz: f32,
    /// Highest frequency counted in the chroma, Hz.
    pub chroma_high_hz: f32,
    /// Centre of the lowest spectral-envelope band, Hz.
    pub envelope_low_hz: f32,
    /// Highest spectral-envelope band centre (at most), Hz.
    pub envelope_high_hz: f32,
    /// Envelope bands are floored at this level below the strongest, dB.
    pub envelope_floor_db: f32,
    /// Analysis frames below this level (dBFS) are silence and teach nothing.
    pub silence_dbfs: f32,
    /// Training fails with less sounding audio than this in the whole set, seconds.
    pub min_sounding_seconds: f32,
    /// Most harmonics of one synthesised note.
    pub max_harmonics: u32,
}

impl Default for JingleSettings {
    fn default() -> Self {
        Self {
            sample_rate_hz: 44_100,
            max_seconds: 300,
            analysis_rate_hz: 11_025,
            min_bpm: 60.0,
            max_bpm: 180.0,
            bpm_step: 0.5,
            tempo_prior_bpm: 120.0,
            tempo_prior_octaves: 1.0,
            chroma_low_hz: 55.0,
            chroma_high_hz: 2_000.0,
            envelope_low_hz: 50.0,
            envelope_high_hz: 5_000.0,
            envelope_floor_db: -80.0,
            silence_dbfs: -60.0,
            min_sounding_seconds: 2.0,
            max_harmonics: 24,
        }
    }
}

/// What [`JingleGenerator`] learned: the `data` of its [`TrainedStyle`].
///
/// ```
/// use fivergo_core::{generator::jingle::JingleStyle, TrainedStyle};
/// let foreign = TrainedStyle { generator: "echo".into(), format: 1, data: serde_json::json!({}) };
/// assert_eq!(JingleStyle::from_style(&foreign).unwrap_err().code(), "generator_failed");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JingleStyle {
    /// Tempo, beats per minute.
    pub tempo_bpm: f32,
    /// Whether the recordings showed a beat (otherwise the tempo is the prior's centre).
    pub beat_found: bool,
    /// Tonic pitch class, `0` = C … `11` = B.
    pub tonic: u8,
    /// `"major"` or `"minor"`.
    pub mode: String,
    /// The key in words, e.g. `"A minor"`.
    pub key: String,
    /// Chroma of the set, C first, normalised to sum 1.
    pub chroma: Vec<f32>,
    /// Centre frequency of each envelope band, Hz.
    pub band_hz: Vec<f32>,
    /// Spectral envelope: level of each band relative to the strongest, dB; bands below
    /// the strongest hold its level, so low notes keep their fundamental.
    pub envelope_db: Vec<f32>,
    /// Spectral centroid of the measured envelope, Hz.
    pub centroid_hz: f32,
    /// Seconds of sounding audio analysed.
    pub seconds_analysed: f32,
}

impl JingleStyle {
    /// Reads a style made by [`JingleGenerator`]; any other is `generator_failed`.
    ///
    /// ```
    /// use fivergo_core::{generator::jingle::JingleStyle, TrainedStyle};
    /// let style = TrainedStyle { generator: "jingle_synth".into(), format: 1, data: serde_json::json!({
    ///     "tempo_bpm": 120.0, "beat_found": true, "tonic": 9, "mode": "minor", "key": "A minor",
    ///     "chroma": [1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0], "band_hz": [100.0, 126.0, 159.0],
    ///     "envelope_db": [0.0, -3.0, -9.0], "centroid_hz": 120.0, "seconds_analysed": 12.0 }) };
    /// assert_eq!(JingleStyle::from_style(&style).unwrap().key, "A minor");
    /// let mut broken = style.clone();
    /// broken.data["tempo_bpm"] = 0.0.into(); // no tempo: not a style it could have made
    /// assert_eq!(JingleStyle::from_style(&broken).unwrap_err().code(), "generator_failed");
    /// ```
    pub fn from_style(style: &TrainedStyle) -> Result<Self, Error> {
        let s: Self = style.data_of(NAME, FORMAT)?;
        let finite = s
            .band_hz
            .iter()
            .chain(&s.envelope_db)
            .all(|v| v.is_finite());
        if !(s.tempo_bpm.is_finite() && s.tempo_bpm > 0.0)
            || s.band_hz.len() != s.envelope_db.len()
            || s.band_hz.first().is_none_or(|f| *f <= 0.0)
            || !finite
        {
            return Err(Error::GeneratorFailed {
                reason: format!("malformed {NAME} style: inconsistent values"),
            });
        }
        Ok(s)
    }

    /// Linear amplitude of the envelope at `f` Hz (interpolated in log frequency,
    /// flat below the lowest band, silent above the highest).
    fn amplitude_at(&self, f: f32) -> f32 {
        let (Some(&lo), Some(&hi)) = (self.band_hz.first(), self.band_hz.last()) else {
            return 0.0;
        };
        if f > hi * 1.000_1 || f <= 0.0 {
            return 0.0;
        }
        let x = ((f.max(lo) / lo).log2() * analysis::BANDS_PER_OCTAVE).max(0.0);
        let i = (x.floor() as usize).min(self.envelope_db.len() - 1);
        let j = (i + 1).min(self.envelope_db.len() - 1);
        let db = self.envelope_db[i]
            + (self.envelope_db[j] - self.envelope_db[i]) * (x - i as f32).min(1.0);
        10f32.powf(db / 20.0)
    }
}

/// The reference Jingles generator (`jingle_synth`); see the [module docs](self).
///
/// ```
/// use fivergo_core::{generator::jingle::JingleGenerator, Generator};
/// assert_eq!(JingleGenerator::default().name(), "jingle_synth");
/// ```
#[derive(Debug, Clone, Default)]
pub struct JingleGenerator {
    /// Analysis and synthesis settings.
    pub settings: JingleSettings,
}

impl JingleGenerator {
    /// A generator with `settings`.
    ///
    /// ```
    /// use fivergo_core::generator::jingle::{JingleGenerator, JingleSettings};
    /// use fivergo_core::*;
    /// # let style = TrainedStyle { generator: "jingle_synth".into(), format: 1, data: serde_json::json!({
    /// #     "tempo_bpm": 120.0, "beat_found": true, "tonic": 9, "mode": "minor", "key": "A minor",
    /// #     "chroma": [1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0], "band_hz": [100.0, 126.0, 159.0],
    /// #     "envelope_db": [0.0, -3.0, -9.0], "centroid_hz": 120.0, "seconds_analysed": 12.0 }) };
    /// let g = JingleGenerator::new(JingleSettings { sample_rate_hz: 16_000, ..JingleSettings::default() });
    /// let brief = Brief::new("intro").with_quantity(1); // one second
    /// let Artifact::Audio(jingle) = g.generate(&style, &brief, 7, &mut JobControl::none()).unwrap() else { unreachable!() };
    /// assert_eq!((jingle.sample_rate, jingle.duration_ms()), (16_000, 1000));
    /// ```
    pub fn new(settings: JingleSettings) -> Self {
        Self { settings }
    }

    /// The style of the accumulated evidence.
    fn style(&self, ev: &Evidence) -> Result<JingleStyle, TrainError> {
        let s = &self.settings;
        if ev.sounding_s < f64::from(s.min_sounding_seconds) || ev.band_frames == 0 {
            return Err(TrainError::Failed(format!(
                "no usable audio: {:.1} s of sound in the set, at least {} s are needed",
                ev.sounding_s, s.min_sounding_seconds
            )));
        }
        let (tonic, minor) = analysis::key(&ev.chroma)
            .ok_or_else(|| TrainError::Failed("no pitched content to find a key in".into()))?;
        let tempo = analysis::tempo(&ev.tempo, s);
        let chroma_sum = ev.chroma.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let band_hz = band_centres(s);
        let density: Vec<f64> = ev.bands.iter().map(|b| b / ev.band_frames as f64).collect();
        let strongest = density
            .iter()
            .copied()
            .fold(0.0f64, f64::max)
            .max(f64::MIN_POSITIVE);
        let peak = density.iter().position(|&d| d >= strongest).unwrap_or(0);
        let floor = if s.envelope_floor_db.is_finite() {
            s.envelope_floor_db.min(0.0)
        } else {
            -80.0
        };
        let envelope_db = density
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                if i < peak {
                    0.0
                } else {
                    ((10.0 * (d / strongest).log10()) as f32).max(floor)
                }
            })
            .collect();
        let band_power: Vec<f64> = density
            .iter()
            .zip(&band_hz)
            .map(|(d, f)| d * f64::from(*f))
            .collect();
        let total = band_power.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let centroid = band_power
            .iter()
            .zip(&band_hz)
            .map(|(p, f)| p * f64::from(*f))
            .sum::<f64>()
            / total;
        Ok(JingleStyle {
            tempo_bpm: tempo.unwrap_or(s.tempo_prior_bpm),
            beat_found: tempo.is_some(),
            tonic,
            mode: if minor { "minor" } else { "major" }.into(),
            key: format!(
                "{} {}",
                PITCH_CLASSES[usize::from(tonic % 12)],
                if minor { "minor" } else { "major" }
            ),
            chroma: ev.chroma.iter().map(|c| (c / chroma_sum) as f32).collect(),
            band_hz,
            envelope_db,
            centroid_hz: centroid as f32,
            seconds_analysed: ev.sounding_s as f32,
        })
    }
}

impl Generator for JingleGenerator {
    fn name(&self) -> &str {
        NAME
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        ctl.check()?;
        let mut evidence = Evidence::new(&self.settings);
        let total = input.assets.len().max(1) as f32;
        for (i, asset) in input.assets.iter().enumerate() {
            if let Some(Ok(Artifact::Audio(audio))) = asset.decode(input.limits) {
                evidence.add(&audio, &self.settings);
            }
            ctl.tick((i + 1) as f32 / total)?;
        }
        let style = self.style(&evidence)?;
        let data =
            serde_json::to_value(&style).map_err(|e| TrainError::Failed(format!("style: {e}")))?;
        Ok(TrainedStyle {
            generator: NAME.into(),
            format: FORMAT,
            data,
        })
    }

    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        ctl.check()?;
        let style = JingleStyle::from_style(style)?;
        if brief.quantity == 0 {
            return Err(Error::InvalidInput {
                field: "quantity".into(),
                reason: "a jingle lasts at least 1 second".into(),
            });
        }
        let seconds = brief.quantity.min(self.settings.max_seconds.max(1));
        let samples = compose::render(&style, seconds as f32, seed, &self.settings, ctl)?;
        Ok(Artifact::Audio(Audio {
            sample_rate: self.settings.sample_rate_hz.max(1),
            channels: 1,
            samples,
        }))
    }
}
