//! What [`JingleGenerator`](super::JingleGenerator) learns from a recording: an onset
//! envelope (for the tempo), a chroma vector (for the key) and a band spectrum (for
//! the timbre). Every function accepts any input: empty, one-sample or silent audio
//! simply contributes nothing.

use super::JingleSettings;
use crate::generator::Audio;
use crate::media::audio::dsp::{decimate, hann, RealFft};

/// Krumhansl–Kessler probe-tone profile of a major key, tonic first.
const MAJOR_PROFILE: [f32; 12] = [
    6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88,
];
/// Krumhansl–Kessler probe-tone profile of a minor key, tonic first.
const MINOR_PROFILE: [f32; 12] = [
    6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17,
];
/// Onset-envelope STFT length, in seconds (rounded up to a power of two of samples).
const ONSET_FFT_S: f32 = 0.046;
/// Chroma and spectrum STFT length, in seconds (rounded up to a power of two).
const CHROMA_FFT_S: f32 = 0.37;
/// Magnitude compression of the onset envelope: `ln(1 + C·|X|)`.
const ONSET_COMPRESSION: f32 = 1000.0;
/// Bands of the learned spectral envelope per octave.
pub(crate) const BANDS_PER_OCTAVE: f32 = 3.0;

/// The accumulated evidence of a training set, recording after recording.
#[derive(Debug, Default)]
pub(crate) struct Evidence {
    /// Tempo score of each candidate BPM (see [`tempo_grid`]), summed over recordings.
    pub tempo: Vec<f64>,
    /// Chroma energy per pitch class (C = 0), summed over recordings.
    pub chroma: [f64; 12],
    /// Mean power density per envelope band, weighted by analysed frames.
    pub bands: Vec<f64>,
    /// Frames that contributed to `bands`.
    pub band_frames: u64,
    /// Seconds of sounding (non-silent) audio seen.
    pub sounding_s: f64,
}

/// The candidate tempi: `min_bpm..=max_bpm` in `bpm_step` steps.
pub(crate) fn tempo_grid(s: &JingleSettings) -> Vec<f32> {
    let step = if s.bpm_step.is_finite() && s.bpm_step > 0.0 {
        s.bpm_step
    } else {
        0.5
    };
    let (lo, hi) = (s.min_bpm.max(1.0), s.max_bpm.max(s.min_bpm.max(1.0)));
    let n = (((hi - lo) / step).floor() as usize).min(100_000);
    (0..=n).map(|i| lo + i as f32 * step).collect()
}

/// The centre frequency of each envelope band.
pub(crate) fn band_centres(s: &JingleSettings) -> Vec<f32> {
    let lo = s.envelope_low_hz.max(1.0);
    let hi = s.envelope_high_hz.max(lo * 2.0);
    let n = ((hi / lo).log2() * BANDS_PER_OCTAVE).floor() as usize;
    (0..=n.min(200))
        .map(|i| lo * (i as f32 / BANDS_PER_OCTAVE).exp2())
        .collect()
}

/// A mono mixdown in `[-1, 1]`.
pub(crate) fn mono(audio: &Audio) -> Vec<f32> {
    let ch = usize::from(audio.channels.max(1));
    let scale = 1.0 / (ch as f32 * 32768.0);
    audio
        .samples
        .chunks_exact(ch)
        .map(|f| f.iter().map(|&s| f32::from(s)).sum::<f32>() * scale)
        .collect()
}

impl Evidence {
    /// An empty accumulator for `settings`.
    pub(crate) fn new(settings: &JingleSettings) -> Self {
        Self {
            tempo: vec![0.0; tempo_grid(settings).len()],
            bands: vec![0.0; band_centres(settings).len()],
            ..Self::default()
        }
    }

    /// Adds one recording.
    pub(crate) fn add(&mut self, audio: &Audio, s: &JingleSettings) {
        if audio.sample_rate == 0 {
            return;
        }
        let q =
            ((audio.sample_rate as f32 / s.analysis_rate_hz.max(1) as f32).round() as usize).max(1);
        let x = decimate(&mono(audio), q);
        let rate = audio.sample_rate as f32 / q as f32;
        self.add_onsets(&x, rate, s);
        self.add_spectrum(&x, rate, s);
    }

    /// Tempo: autocorrelation of the spectral-flux onset envelope, read at the lag of
    /// each candidate tempo and at twice that lag (a bar-level comb), normalised by
    /// the envelope's energy and weighted by the recording's length.
    fn add_onsets(&mut self, x: &[f32], rate: f32, s: &JingleSettings) {
        let mut fft = RealFft::new((rate * ONSET_FFT_S) as usize);
        let n = fft.len();
        let hop = n / 4;
        if x.len() < n {
            return;
        }
        let window = hann(n);
        let (mut p, mut prev, mut env) = (Vec::new(), Vec::<f32>::new(), Vec::new());
        for start in (0..=x.len() - n).step_by(hop) {
            fft.power(&x[start..start + n], &window, &mut p);
            let mags: Vec<f32> = p
                .iter()
                .map(|v| (ONSET_COMPRESSION * v.sqrt() / n as f32).ln_1p())
                .collect();
            if !prev.is_empty() {
                env.push(
                    mags.iter()
                        .zip(&prev)
                        .map(|(a, b)| (a - b).max(0.0))
                        .sum::<f32>(),
                );
            }
            prev = mags;
        }
        let mean = env.iter().sum::<f32>() / env.len().max(1) as f32;
        env.iter_mut().for_each(|v| *v -= mean);
        let frame_rate = rate / hop as f32;
        let max_lag = (2.0 * 60.0 * frame_rate / s.min_bpm.max(1.0)).ceil() as usize + 2;
        let ac: Vec<f32> = (0..=max_lag.min(env.len()))
            .map(|lag| crate::media::audio::dsp::dot(&env, &env[lag..]))
            .collect();
        let Some(&energy) = ac.first().filter(|e| **e > f32::EPSILON) else {
            return;
        };
        let at = |lag: f32| {
            let i = lag.floor() as usize;
            match (ac.get(i), ac.get(i + 1)) {
                (Some(a), Some(b)) => a + (b - a) * (lag - i as f32),
                _ => 0.0,
            }
        };
        let weight = env.len() as f64 / f64::from(frame_rate);
        for (score, bpm) in self.tempo.iter_mut().zip(tempo_grid(s)) {
            let lag = 60.0 * frame_rate / bpm;
            let comb = at(lag).max(0.0) + 0.5 * at(2.0 * lag).max(0.0);
            *score += f64::from(comb / energy) * weight;
        }
    }

    /// Chroma (magnitude per pitch class between the chroma limits) and the mean
    /// power density of each envelope band, over frames that are not silent.
    fn add_spectrum(&mut self, x: &[f32], rate: f32, s: &JingleSettings) {
        let mut fft = RealFft::new((rate * CHROMA_FFT_S) as usize);
        let n = fft.len();
        if x.len() < n / 2 {
            return;
        }
        let window = hann(n);
        let bin_hz = rate / n as f32;
        let pitch_class: Vec<Option<usize>> = (0..=n / 2)
            .map(|k| {
                let f = k as f32 * bin_hz;
                (f >= s.chroma_low_hz && f <= s.chroma_high_hz).then(|| {
                    ((12.0 * (f / 440.0).log2()).round() as i64 + 69).rem_euclid(12) as usize
                })
            })
            .collect();
        let centres = band_centres(s);
        let half_band = (0.5 / BANDS_PER_OCTAVE).exp2();
        let top = (0.45 * rate).min(s.envelope_high_hz * half_band);
        let band_of: Vec<Option<usize>> = (0..=n / 2)
            .map(|k| {
                let f = k as f32 * bin_hz;
                if f <= 0.0 || f > top {
                    return None;
                }
                let i = ((f / centres[0]).log2() * BANDS_PER_OCTAVE).round();
                (i >= 0.0 && (i as usize) < centres.len()).then_some(i as usize)
            })
            .collect();
        let mut bins_in_band = vec![0u32; centres.len()];
        band_of.iter().flatten().for_each(|&b| bins_in_band[b] += 1);
        let silence = 10f32.powf(s.silence_dbfs / 10.0)
            * n as f32
            * window.iter().map(|w| w * w).sum::<f32>();
        let mut p = Vec::new();
        let hop = n;
        let mut start = 0;
        while start == 0 || start + n <= x.len() {
            fft.power(&x[start..(start + n).min(x.len())], &window, &mut p);
            let total: f32 = p.iter().sum::<f32>() * 2.0;
            if total > silence && total.is_finite() {
                self.sounding_s += f64::from(hop as f32 / rate);
                for (k, v) in p.iter().enumerate() {
                    if let Some(pc) = pitch_class[k] {
                        self.chroma[pc] += f64::from(v.sqrt());
                    }
                    if let Some(b) = band_of[k] {
                        self.bands[b] +=
                            f64::from(*v) / f64::from(bins_in_band[b].max(1)) / f64::from(total);
                    }
                }
                self.band_frames += 1;
            }
            start += hop;
        }
    }
}

/// The best tempo of the evidence under a log-normal prior (centre and width in the
/// settings), or `None` when no candidate has any periodicity.
pub(crate) fn tempo(scores: &[f64], s: &JingleSettings) -> Option<f32> {
    let width = if s.tempo_prior_octaves > 0.0 {
        s.tempo_prior_octaves
    } else {
        1.0
    };
    let mut best: Option<(f64, f32)> = None;
    for (&score, bpm) in scores.iter().zip(tempo_grid(s)) {
        let z = (bpm / s.tempo_prior_bpm.max(1.0)).log2() / width;
        let weighted = score * f64::from((-0.5 * z * z).exp());
        if weighted > 0.0 && best.is_none_or(|(b, _)| weighted > b) {
            best = Some((weighted, bpm));
        }
    }
    best.map(|(_, bpm)| bpm)
}

/// The Krumhansl–Schmuckler key of a chroma vector: `(tonic pitch class, minor)`
/// of the profile rotation with the highest Pearson correlation, or `None` for a
/// flat (or empty) chroma.
pub(crate) fn key(chroma: &[f64; 12]) -> Option<(u8, bool)> {
    let pearson = |profile: &[f32; 12], tonic: usize| {
        let pm = profile.iter().sum::<f32>() as f64 / 12.0;
        let cm = chroma.iter().sum::<f64>() / 12.0;
        let (mut num, mut dp, mut dc) = (0.0, 0.0, 0.0);
        for (i, &c) in chroma.iter().enumerate() {
            let p = f64::from(profile[(i + 12 - tonic) % 12]) - pm;
            num += p * (c - cm);
            dp += p * p;
            dc += (c - cm) * (c - cm);
        }
        if dc > 0.0 {
            num / (dp * dc).sqrt()
        } else {
            f64::NAN
        }
    };
    let mut best: Option<(f64, u8, bool)> = None;
    for tonic in 0..12u8 {
        for (minor, profile) in [(false, &MAJOR_PROFILE), (true, &MINOR_PROFILE)] {
            let r = pearson(profile, usize::from(tonic));
            if r.is_finite() && best.is_none_or(|(b, _, _)| r > b) {
                best = Some((r, tonic, minor));
            }
        }
    }
    best.map(|(_, t, m)| (t, m))
}
