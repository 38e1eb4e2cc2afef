//! The reference Voice-over generator: a *guide track* of the script, spoken by the
//! espeak-ng speech engine at the seller's measured pitch and speaking rate.
//!
//! **What it does.** Training measures the seller's recordings with
//! [`media::audio::measure`](crate::media::audio::measure): the median voice pitch
//! (YIN) and the speaking rate as spectral onsets per second (roughly syllables). It
//! fails when no recording holds voiced speech. Generation runs `espeak-ng` as a
//! subprocess (no shell: the program path and arguments are passed as is, the script
//! goes through stdin, so no script text can become an option or a command):
//! `espeak-ng --stdout --stdin -p <pitch 0..99> -s <words per minute> -v <voice>`.
//! The pitch argument maps the seller's median f0 through
//! [`EspeakSettings::pitch_calibration`] (the guide's measured f0 at several `-p`
//! values, interpolated in log frequency), clamped to what the voice can reach
//! (about 70–169 Hz for espeak-ng 1.51's `en`: higher voices get the top pitch, and a
//! different `voice` needs its own calibration); the rate scales
//! [`EspeakSettings::reference_wpm`] by the seller's onset rate over
//! [`EspeakSettings::reference_onsets_per_s`] (espeak's own onset rate at the
//! reference speed). The WAV from stdout is decoded under [`EspeakSettings::limits`];
//! the result is espeak's mono 16-bit audio at its native rate (22.05 kHz).
//! Cancellation kills the subprocess. The same style, brief and espeak build give the
//! same audio; the seed is not used (espeak is deterministic), nor is
//! `brief.quantity`: the script's length decides the duration.
//!
//! **What it does not do.** It does **not** clone a voice: the timbre, accent,
//! intonation and emotion are espeak's robotic ones, whatever the seller sounds like;
//! only pitch and pace follow the seller. It is a guide for timing and delivery
//! length, not a deliverable voice-over. A real voice model plugs in through the
//! [`Generator`] trait. When espeak-ng is not installed (or cannot be started), every
//! generation is the typed error `generator_unavailable`; training does not need it.
//!
//! ```
//! use fivergo_core::generator::voice::{EspeakGenerator, EspeakSettings};
//! use fivergo_core::*;
//! let g = EspeakGenerator::new(EspeakSettings { program: "/nonexistent/espeak-ng".into(), ..Default::default() });
//! let style = TrainedStyle { generator: "espeak_guide".into(), format: 1,
//!     data: serde_json::json!({"median_f0_hz": 180.0, "onsets_per_s": 4.0, "seconds_analysed": 60.0}) };
//! let err = g.generate(&style, &Brief::new("Welcome!"), 0, &mut JobControl::none()).unwrap_err();
//! assert_eq!(err.code(), "generator_unavailable");
//! ```

#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::generator::{
    Artifact, Brief, Generator, JobControl, TrainError, TrainedStyle, TrainingInput,
};
use crate::media::audio::{decode_wav, measure, AudioChecks};
use crate::media::MediaLimits;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The generator's name, recorded in its styles.
const NAME: &str = "espeak_guide";
/// The format version of its styles.
const FORMAT: u32 = 1;
/// The subcategory named in `generator_unavailable`.
const SUBCATEGORY: &str = "voice_over";
/// espeak-ng's pitch argument range.
const PITCH_MAX: f32 = 99.0;
/// Progress reported once espeak-ng runs.
const SPAWNED: f32 = 0.1;
/// How often a running espeak-ng is checked for completion and cancellation.
const POLL: Duration = Duration::from_millis(5);

/// Settings of [`EspeakGenerator`].
///
/// ```
/// use fivergo_core::generator::voice::EspeakSettings;
/// let s = EspeakSettings::default();
/// assert_eq!((s.program.to_str(), s.voice.as_str()), (Some("espeak-ng"), "en"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EspeakSettings {
    /// The espeak-ng program: a bare name is looked up on `PATH`.
    pub program: PathBuf,
    /// The espeak-ng voice (`-v`).
    pub voice: String,
    /// `[pitch argument, the guide's median f0 in Hz]` pairs, both increasing
    /// (measured with [`measure`] for espeak-ng 1.51, voice `en`).
    pub pitch_calibration: Vec<[f32; 2]>,
    /// espeak-ng's speed (`-s`) at which it produces `reference_onsets_per_s`.
    pub reference_wpm: f32,
    /// Onsets per second (as [`measure`] counts them) of espeak-ng at `reference_wpm`.
    pub reference_onsets_per_s: f32,
    /// Slowest speed passed to espeak-ng, words per minute.
    pub min_wpm: f32,
    /// Fastest speed passed to espeak-ng, words per minute.
    pub max_wpm: f32,
    /// Longest script accepted, in characters.
    pub max_script_chars: usize,
    /// espeak-ng is killed (and generation fails) after this many seconds.
    pub timeout_s: f32,
    /// Limits for decoding espeak-ng's output.
    pub limits: MediaLimits,
    /// Thresholds of the pitch and onset measurement.
    pub checks: AudioChecks,
}

impl Default for EspeakSettings {
    fn default() -> Self {
        Self {
            program: "espeak-ng".into(),
            voice: "en".into(),
            pitch_calibration: vec![
                [0.0, 70.0],
                [25.0, 80.0],
                [50.0, 100.0],
                [75.0, 129.0],
                [99.0, 169.0],
            ],
            reference_wpm: 175.0,
            reference_onsets_per_s: 5.3,
            min_wpm: 80.0,
            max_wpm: 450.0,
            max_script_chars: 20_000,
            timeout_s: 60.0,
            limits: MediaLimits::default(),
            checks: AudioChecks::default(),
        }
    }
}

/// What [`EspeakGenerator`] learned: the `data` of its [`TrainedStyle`].
///
/// ```
/// use fivergo_core::{generator::voice::VoiceProfile, TrainedStyle};
/// let style = TrainedStyle { generator: "espeak_guide".into(), format: 1,
///     data: serde_json::json!({"median_f0_hz": 210.0, "onsets_per_s": 3.5, "seconds_analysed": 45.0}) };
/// assert_eq!(VoiceProfile::from_style(&style).unwrap().median_f0_hz, 210.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceProfile {
    /// Median pitch of the seller's voiced speech, Hz.
    pub median_f0_hz: f32,
    /// Speaking rate: spectral onsets per second of the recordings.
    pub onsets_per_s: f32,
    /// Seconds of recordings analysed.
    pub seconds_analysed: f32,
}

impl VoiceProfile {
    /// Reads a style made by [`EspeakGenerator`]; any other is `generator_failed`.
    ///
    /// ```
    /// use fivergo_core::{generator::voice::VoiceProfile, TrainedStyle};
    /// let style = TrainedStyle { generator: "espeak_guide".into(), format: 1,
    ///     data: serde_json::json!({"median_f0_hz": 120.0, "onsets_per_s": 4.0, "seconds_analysed": 30.0}) };
    /// assert_eq!(VoiceProfile::from_style(&style).unwrap().onsets_per_s, 4.0);
    /// let mut voiceless = style.clone();
    /// voiceless.data["median_f0_hz"] = 0.0.into();
    /// assert_eq!(VoiceProfile::from_style(&voiceless).unwrap_err().code(), "generator_failed");
    /// ```
    pub fn from_style(style: &TrainedStyle) -> Result<Self, Error> {
        let p: Self = style.data_of(NAME, FORMAT)?;
        if !(p.median_f0_hz > 0.0
            && p.median_f0_hz.is_finite()
            && p.onsets_per_s.is_finite()
            && p.onsets_per_s >= 0.0)
        {
            return Err(Error::GeneratorFailed {
                reason: format!("malformed {NAME} style: pitch or rate out of range"),
            });
        }
        Ok(p)
    }
}

/// The reference Voice-over generator (`espeak_guide`); see the [module docs](self).
///
/// ```
/// use fivergo_core::{generator::voice::EspeakGenerator, Generator};
/// assert_eq!(EspeakGenerator::default().name(), "espeak_guide");
/// ```
#[derive(Debug, Clone, Default)]
pub struct EspeakGenerator {
    /// Program, voice, calibration and limits.
    pub settings: EspeakSettings,
}

impl EspeakGenerator {
    /// A generator with `settings`.
    ///
    /// ```
    /// use fivergo_core::generator::voice::{EspeakGenerator, EspeakSettings, VoiceProfile};
    /// let g = EspeakGenerator::new(EspeakSettings { reference_wpm: 150.0, ..EspeakSettings::default() });
    /// let profile = VoiceProfile { median_f0_hz: 100.0, onsets_per_s: 5.3, seconds_analysed: 60.0 };
    /// assert_eq!(g.espeak_args(&profile), (50, 150)); // pitch 50 speaks at 100 Hz; the reference pace
    /// ```
    pub fn new(settings: EspeakSettings) -> Self {
        Self { settings }
    }

    /// The espeak-ng pitch (`0..=99`) and speed (words per minute) for a profile.
    ///
    /// ```
    /// use fivergo_core::generator::voice::{EspeakGenerator, VoiceProfile};
    /// let g = EspeakGenerator::default();
    /// let low = VoiceProfile { median_f0_hz: 90.0, onsets_per_s: 3.0, seconds_analysed: 60.0 };
    /// let high = VoiceProfile { median_f0_hz: 140.0, onsets_per_s: 5.0, seconds_analysed: 60.0 };
    /// let ((p_low, s_low), (p_high, s_high)) = (g.espeak_args(&low), g.espeak_args(&high));
    /// assert!(p_low < p_high && s_low < s_high && p_high <= 99);
    /// ```
    pub fn espeak_args(&self, profile: &VoiceProfile) -> (u32, u32) {
        let s = &self.settings;
        let points: Vec<(f32, f32)> = s
            .pitch_calibration
            .iter()
            .filter(|[p, hz]| p.is_finite() && *hz > 0.0)
            .map(|[p, hz]| (*p, hz.ln()))
            .collect();
        let f = profile.median_f0_hz.max(f32::MIN_POSITIVE).ln();
        let pitch = match (points.first(), points.last()) {
            (Some(&(p0, f0)), _) if f <= f0 => p0,
            (_, Some(&(p1, f1))) if f >= f1 => p1,
            _ => points
                .windows(2)
                .find(|w| f >= w[0].1 && f <= w[1].1 && w[1].1 > w[0].1)
                .map_or(PITCH_MAX / 2.0, |w| {
                    w[0].0 + (w[1].0 - w[0].0) * (f - w[0].1) / (w[1].1 - w[0].1)
                }),
        }
        .clamp(0.0, PITCH_MAX);
        let rate = if s.reference_onsets_per_s > 0.0 && profile.onsets_per_s > 0.0 {
            s.reference_wpm * profile.onsets_per_s / s.reference_onsets_per_s
        } else {
            s.reference_wpm
        };
        let wpm = rate.clamp(s.min_wpm.max(1.0), s.max_wpm.max(s.min_wpm.max(1.0)));
        (pitch.round() as u32, wpm.round() as u32)
    }

    /// Runs espeak-ng on `script` and returns its stdout (at most the byte limit).
    fn speak(
        &self,
        script: &str,
        pitch: u32,
        wpm: u32,
        ctl: &mut JobControl<'_>,
    ) -> Result<Vec<u8>, Error> {
        let s = &self.settings;
        let mut child = Command::new(&s.program)
            .args([
                "--stdout",
                "--stdin",
                "-p",
                &pitch.to_string(),
                "-s",
                &wpm.to_string(),
                "-v",
                &s.voice,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::GeneratorUnavailable {
                subcategory: SUBCATEGORY.into(),
                reason: format!(
                    "the speech engine `{}` cannot be started: {e}",
                    s.program.display()
                ),
            })?;
        let failed = |reason: String| Error::GeneratorFailed { reason };
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed("espeak-ng's pipes could not be opened".into()));
        };
        let script = script.to_string();
        // A closed pipe (espeak-ng exited early) shows in its exit status.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(script.as_bytes());
        });
        let cap = s.limits.max_bytes.saturating_add(1);
        // Reads up to the limit (a larger output fails decoding), then drains the rest
        // so espeak-ng never blocks on a full pipe.
        let reader = std::thread::spawn(move || {
            let mut stdout = stdout;
            let mut out = Vec::new();
            (&mut stdout).take(cap).read_to_end(&mut out)?;
            std::io::copy(&mut stdout, &mut std::io::sink()).map(|_| out)
        });
        let started = Instant::now();
        let cancelled = ctl.tick(SPAWNED).is_err();
        let status = loop {
            if cancelled || ctl.check().is_err() || started.elapsed().as_secs_f32() > s.timeout_s {
                let _ = child.kill();
                let _ = child.wait();
                let _ = (writer.join(), reader.join());
                ctl.check()?;
                return Err(failed(format!(
                    "espeak-ng did not finish within {} s",
                    s.timeout_s
                )));
            }
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => std::thread::sleep(POLL),
                Err(e) => return Err(failed(format!("waiting for espeak-ng: {e}"))),
            }
        };
        let _ = writer.join();
        let out = reader
            .join()
            .map_err(|_| failed("reading espeak-ng's output failed".into()))?
            .map_err(|e| failed(format!("reading espeak-ng's output: {e}")))?;
        if !status.success() {
            return Err(failed(format!("espeak-ng exited with {status}")));
        }
        Ok(out)
    }
}

/// espeak-ng streams its WAV to stdout with placeholder sizes in the header; set the
/// RIFF and `data` sizes to what actually arrived.
fn fix_streamed_header(wav: &mut [u8]) {
    let len = wav.len();
    if len < 12 || &wav[..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return;
    }
    let put = |wav: &mut [u8], at: usize, v: usize| {
        let v = u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes();
        wav[at..at + 4].copy_from_slice(&v);
    };
    put(wav, 4, len - 8);
    let mut at = 12;
    while at + 8 <= len {
        if &wav[at..at + 4] == b"data" {
            put(wav, at + 4, len - at - 8);
            return;
        }
        let size =
            u32::from_le_bytes([wav[at + 4], wav[at + 5], wav[at + 6], wav[at + 7]]) as usize;
        at = at
            .saturating_add(8)
            .saturating_add(size)
            .saturating_add(size & 1);
    }
}

impl Generator for EspeakGenerator {
    fn name(&self) -> &str {
        NAME
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        ctl.check()?;
        let (mut pitches, mut onsets, mut seconds) = (Vec::new(), 0.0f64, 0.0f64);
        let total = input.assets.len().max(1) as f32;
        for (i, asset) in input.assets.iter().enumerate() {
            if let Some(Ok(Artifact::Audio(audio))) = asset.decode(input.limits) {
                let m = measure(&audio, &self.settings.checks);
                if let Some(f0) = m.median_f0_hz.filter(|f| f.is_finite() && *f > 0.0) {
                    let secs = m.duration_ms as f64 / 1000.0;
                    pitches.push(f0);
                    onsets += f64::from(m.timbre.last().copied().unwrap_or(0.0)) * secs;
                    seconds += secs;
                }
            }
            ctl.tick((i + 1) as f32 / total)?;
        }
        let median_f0_hz =
            crate::media::audio::dsp::percentile(&pitches, 50.0).ok_or_else(|| {
                TrainError::Failed("no usable audio: no recording holds voiced speech".into())
            })?;
        let profile = VoiceProfile {
            median_f0_hz,
            onsets_per_s: (onsets / seconds.max(f64::MIN_POSITIVE)) as f32,
            seconds_analysed: seconds as f32,
        };
        let data = serde_json::to_value(&profile)
            .map_err(|e| TrainError::Failed(format!("style: {e}")))?;
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
        _seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        ctl.check()?;
        let profile = VoiceProfile::from_style(style)?;
        let script = brief.text.trim();
        let chars = script.chars().count();
        if chars == 0 || chars > self.settings.max_script_chars {
            return Err(Error::InvalidInput {
                field: "text".into(),
                reason: format!(
                    "the script must hold 1 to {} characters (it has {chars})",
                    self.settings.max_script_chars
                ),
            });
        }
        let (pitch, wpm) = self.espeak_args(&profile);
        ctl.tick(0.0)?;
        let mut wav = self.speak(script, pitch, wpm, ctl)?;
        ctl.tick(0.9)?;
        fix_streamed_header(&mut wav);
        let audio =
            decode_wav(&wav, &self.settings.limits).map_err(|e| Error::GeneratorFailed {
                reason: format!("espeak-ng's output is not usable audio: {e}"),
            })?;
        ctl.tick(1.0)?;
        Ok(Artifact::Audio(audio))
    }
}
