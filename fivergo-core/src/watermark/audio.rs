//! Inaudible, robust payload for audio drafts (SPEC W2).
//!
//! [`embed`] hides the 96-bit codeword of a 64-bit payload (see
//! [`payload`](super::payload)) in a recording; [`detect`] reads it back from a copy
//! that may have been resampled, requantised, mixed with noise, cut or downmixed.
//!
//! # Scheme
//!
//! - Every channel is resampled to an internal [`INTERNAL_RATE`] (8 kHz), so any input
//!   rate from 8 kHz to [`MAX_RATE`] works and a copy at another rate reads the same.
//! - A short-time spectrum (256-sample frames, 16 ms hop, square-root Hann windows)
//!   is cut into 24 tiles of 125 Hz between 500 Hz and 3.5 kHz per frame. Each tile is
//!   scaled by `1 ± a` with a pseudo-noise sign drawn from [`AudioMarkStyle::key`]:
//!   the mark is the programme itself, spectrally and temporally shaped like it, at
//!   `strength_db` (−20 dB: `a` = 0.1) below the programme *in that band*. Over the
//!   whole programme the mark sits lower still, as most programme energy lies outside
//!   the band: about −22 dB on speech-like and −23 to −28 dB on music-like test
//!   material, see [`mark_level_db`].
//! - A codeword period is 192 frames (3.07 s, 4 608 tiles, 48 per codeword bit, bits
//!   interleaved over time and frequency by a keyed shuffle) and repeats over the whole
//!   recording. Silence carries no mark (the mark scales with the programme).
//! - The same gains are applied to every channel, so a downmix carries the mark too.
//!   The mark is computed at 8 kHz, resampled back to the file's rate and added.
//!
//! Detection sums tile energies over channels, takes their logarithm, removes each
//! frame's mean over tiles (loudness changes) and each tile's local trend over time
//! (sustained notes), clips outliers, and folds all frames onto one codeword period.
//! It needs no start point: it tries all 192 frame offsets at 4 sub-frame phases,
//! normalises each soft bit by its noise (a z-score) and accepts a codeword only when
//! the CRC-32 holds and the mean |z| reaches [`AudioMarkStyle::min_mean_z`]. With 768
//! candidates a random recording passes the CRC with odds below 2⁻²² per call, before
//! the z threshold, which unmarked audio practically never reaches.
//!
//! Minimum: the file must hold at least [`AudioMarkStyle::min_programme_ms`]
//! (default 6 s) of non-silent programme in the mark's band, at a rate of 8 kHz to
//! 384 kHz; otherwise [`embed`] returns [`Unfit`].
//!
//! Deterministic (same input, same output) and panic-free for any input.

use super::payload::{self, CODEWORD_BITS};
use super::{Detection, Unfit};
use crate::generator::Audio;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// The rate every channel is analysed and marked at, in Hz.
pub const INTERNAL_RATE: u32 = 8000;
/// Highest sample rate accepted, in Hz (the resampler's table grows with the rate).
pub const MAX_RATE: u32 = 384_000;

/// Samples per analysis frame at [`INTERNAL_RATE`] (32 ms).
const FRAME: usize = 256;
/// Hop between frames (16 ms): one pseudo-noise chip per tile per hop.
const HOP: usize = FRAME / 2;
/// First bin of the band: 500 Hz at 31.25 Hz per bin.
const BAND_LO_BIN: usize = 16;
/// Bins per tile (125 Hz).
const TILE_BINS: usize = 4;
/// Tiles per frame: 500 Hz to 3.5 kHz.
const TILES: usize = 24;
/// Frames per codeword period (3.072 s).
const PERIOD: usize = 192;
/// Sub-hop phases tried by the detector.
const PHASES: usize = 4;
/// Resampler half-width, in periods of the lower rate.
const HALF_TAPS: usize = 12;
/// Resampler phases per input sample.
const RESAMPLER_PHASES: usize = 256;

/// Parameters of the inaudible audio mark; `Default` gives the documented defaults.
/// [`embed`] and [`detect`] must be given the same `key`.
///
/// ```
/// use fivergo_core::watermark::audio::AudioMarkStyle;
/// let s = AudioMarkStyle::default();
/// assert_eq!((s.strength_db, s.min_programme_ms), (-20.0, 6000));
/// let partial: AudioMarkStyle = serde_json::from_str(r#"{"strength_db":-24.0}"#).unwrap();
/// assert_eq!(partial, AudioMarkStyle { strength_db: -24.0, ..s });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AudioMarkStyle {
    /// Seed of the pseudo-noise pattern and the bit interleaving.
    pub key: u64,
    /// Mark level relative to the programme inside the 500 Hz–3.5 kHz band, in dB
    /// (default −20); clamped to `[-40, -10]`, a non-finite value reads as the default.
    pub strength_db: f32,
    /// Ceiling of the mark relative to the programme inside the band, in dB (default −10).
    pub max_band_db: f32,
    /// Non-silent programme needed to embed, in milliseconds (default 6000: two
    /// codeword periods, so a copy cut anywhere still holds every bit).
    pub min_programme_ms: u32,
    /// A 16 ms frame whose level in the band is below this, in dBFS, counts as silence
    /// (default −60, just under the noise of 8-bit requantisation).
    pub silence_dbfs: f32,
    /// Detector: per-tile deviations are clipped at this many times their median
    /// magnitude, so a transient cannot outweigh the rest (default 3).
    pub clip: f32,
    /// Detector: a codeword whose CRC holds is accepted only when the mean |z-score|
    /// of its bits reaches this (default 2.5; unmarked audio scores about 0.8 and
    /// at most about 1.1 over all candidate alignments).
    pub min_mean_z: f32,
}

impl Default for AudioMarkStyle {
    fn default() -> Self {
        Self {
            key: 0x5EED_F1E6_0A0D_1057,
            strength_db: -22.0,
            max_band_db: -10.0,
            min_programme_ms: 6000,
            silence_dbfs: -60.0,
            clip: 3.0,
            min_mean_z: 2.5,
        }
    }
}

impl AudioMarkStyle {
    /// Amplitude ratios of the mark to the programme: overall target, in-band ceiling.
    fn gains(&self) -> (f32, f32) {
        let d = Self::default();
        let pick = |v: f32, default: f32| if v.is_finite() { v.clamp(-40.0, -6.0) } else { default };
        let target = pick(std::env::var("WM_S").ok().and_then(|v| v.parse().ok()).unwrap_or(self.strength_db), d.strength_db);
        let ceiling = pick(std::env::var("WM_C").ok().and_then(|v| v.parse().ok()).unwrap_or(self.max_band_db), d.max_band_db);
        (10f32.powf(target / 20.0), 10f32.powf(ceiling / 20.0))
    }

    /// Power per sample (in 16-bit units squared) of a signal at `silence_dbfs`.
    fn silence_power(&self) -> f32 {
        let db = if self.silence_dbfs.is_finite() { self.silence_dbfs.clamp(-120.0, 0.0) } else { -60.0 };
        (32768.0f64.powi(2) * 10f64.powf(f64::from(db) / 10.0)) as f32
    }
}

/// `audio` with `payload` hidden in it, or why it cannot hold one.
///
/// Unfit: no channel, a sample rate outside 8 kHz..=[`MAX_RATE`], or less than
/// [`AudioMarkStyle::min_programme_ms`] (default 6 s) of non-silent programme. A
/// trailing partial frame of samples is kept as is.
///
/// ```
/// use fivergo_core::generator::Audio;
/// use fivergo_core::watermark::audio::{detect, embed, AudioMarkStyle};
/// // 8 s of a changing two-note tone at 16 kHz.
/// let samples = (0..16_000 * 8)
///     .map(|i| {
///         let t = i as f64 / 16_000.0;
///         let f = [220.0, 330.0, 262.0, 392.0][(t * 2.0) as usize % 4];
///         (4000.0 * ((6.283 * f * t).sin() + 0.5 * (6.283 * 2.7 * f * t).sin())) as i16
///     })
///     .collect();
/// let clean = Audio { sample_rate: 16_000, channels: 1, samples };
/// let style = AudioMarkStyle::default();
/// let marked = embed(&clean, 0xC0FFEE, &style).unwrap();
/// assert_eq!(detect(&marked, &style).payload(), Some(0xC0FFEE));
/// assert_eq!(detect(&clean, &style).payload(), None);
/// let short = Audio { sample_rate: 16_000, channels: 1, samples: vec![0; 16_000] };
/// assert!(embed(&short, 1, &style).is_err());
/// ```
pub fn embed(audio: &Audio, payload: u64, style: &AudioMarkStyle) -> Result<Audio, Unfit> {
    let unfit = |reason: String| Err(Unfit { reason });
    let (ch, sr) = (usize::from(audio.channels), audio.sample_rate);
    if ch == 0 {
        return unfit("the recording has no channel".into());
    }
    if !(INTERNAL_RATE..=MAX_RATE).contains(&sr) {
        return unfit(format!("sample rate {sr} Hz is outside {INTERNAL_RATE}..={MAX_RATE} Hz"));
    }
    let frames = audio.samples.len() / ch;
    let need_ms = u64::from(style.min_programme_ms);
    let have_ms = frames as u64 * 1000 / u64::from(sr);
    if have_ms < need_ms {
        return unfit(format!("the recording lasts {have_ms} ms; an inaudible mark needs at least {need_ms} ms"));
    }
    let layout = Layout::new(style.key);
    let bits = payload::encode(payload);
    let fft = Fft::new(FRAME);
    let window: Vec<f32> = hann(FRAME).iter().map(|w| w.sqrt()).collect();
    let down = Resampler::new(sr, INTERNAL_RATE);
    let channels: Vec<Vec<f32>> = (0..ch)
        .map(|c| {
            let x: Vec<f32> = (0..frames).map(|f| f32::from(audio.samples[f * ch + c])).collect();
            down.run(&x, down.out_len(frames))
        })
        .collect();
    let energies = frame_energies(&channels, &fft, &window);
    // Expected band energy of a frame of white noise at the silence level, per channel.
    let window_power: f32 = window.iter().map(|w| w * w).sum();
    let floor = style.silence_power() * window_power * (TILES * TILE_BINS * ch) as f32;
    let active = energies.iter().filter(|(_, band)| *band > floor).count() as u64;
    let active_ms = active * HOP as u64 * 1000 / u64::from(INTERNAL_RATE);
    if active_ms < need_ms {
        return unfit(format!(
            "only {active_ms} ms of the recording is above {} dBFS in the 500 Hz–3.5 kHz band; an inaudible mark needs {need_ms} ms",
            style.silence_dbfs
        ));
    }
    let (target, ceiling) = style.gains();
    let gains: Vec<f32> = energies
        .iter()
        .map(|&(total, band)| if band > 0.0 { (target * (total / band).sqrt()).min(ceiling) } else { 0.0 })
        .collect();
    let marks: Vec<Vec<f32>> = channels.iter().map(|y| mark_channel(y, &layout, &bits, &gains, &fft, &window)).collect();
    let up = Resampler::new(INTERNAL_RATE, sr);
    let mut out = audio.clone();
    for (c, mark) in marks.iter().enumerate() {
        for (f, m) in up.run(mark, frames).into_iter().enumerate() {
            let s = &mut out.samples[f * ch + c];
            *s = (f32::from(*s) + m).round().clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
        }
    }
    Ok(out)
}

/// The payload hidden in `audio` by [`embed`] with the same `style.key`, if any.
///
/// Works on any cut of a marked recording (it needs about one codeword period, 3 s,
/// of programme; more is read more reliably), at any rate from 8 kHz to [`MAX_RATE`]
/// and any channel count. Anything unreadable, too short or unmarked is
/// [`Detection::NotFound`]. The confidence is one minus the expected number of
/// misread codeword bits (the Gaussian tail at each bit's z-score), clamped to `0..=1`.
///
/// ```
/// use fivergo_core::generator::Audio;
/// use fivergo_core::watermark::audio::{detect, AudioMarkStyle};
/// use fivergo_core::watermark::Detection;
/// let hum = Audio {
///     sample_rate: 8000,
///     channels: 1,
///     samples: (0..80_000).map(|i| ((i as f64 * 0.3).sin() * 9000.0) as i16).collect(),
/// };
/// assert_eq!(detect(&hum, &AudioMarkStyle::default()), Detection::NotFound);
/// ```
pub fn detect(audio: &Audio, style: &AudioMarkStyle) -> Detection {
    scan(audio, style).0
}

/// [`detect`], plus the highest mean |z| over all candidate alignments (CRC or not).
fn scan(audio: &Audio, style: &AudioMarkStyle) -> (Detection, f32) {
    let (ch, sr) = (usize::from(audio.channels), audio.sample_rate);
    if ch == 0 || !(INTERNAL_RATE..=MAX_RATE).contains(&sr) {
        return (Detection::NotFound, 0.0);
    }
    let frames = audio.samples.len() / ch;
    let down = Resampler::new(sr, INTERNAL_RATE);
    let n = down.out_len(frames);
    if n < FRAME + PERIOD * HOP {
        return (Detection::NotFound, 0.0);
    }
    let channels: Vec<Vec<f32>> = (0..ch)
        .map(|c| {
            let x: Vec<f32> = (0..frames).map(|f| f32::from(audio.samples[f * ch + c])).collect();
            down.run(&x, n)
        })
        .collect();
    let layout = Layout::new(style.key);
    let fft = Fft::new(FRAME);
    let window = hann(FRAME);
    let defaults = AudioMarkStyle::default();
    let window_power: f32 = window.iter().map(|w| w * w).sum();
    let eps = style.silence_power() * window_power * (TILE_BINS * ch) as f32;
    let clip = if style.clip.is_finite() && style.clip > 0.0 { style.clip } else { defaults.clip };
    let min_z = if style.min_mean_z.is_finite() { style.min_mean_z } else { defaults.min_mean_z };
    let mut best: Option<(f32, u64, f32)> = None;
    let mut top = 0f32;
    for phase in 0..PHASES {
        let energies = tile_energies(&channels, phase * HOP / PHASES, &fft, &window);
        let folded = fold(deviations(&energies, eps, clip));
        for offset in 0..PERIOD {
            let Some((mean_z, u)) = read_bits(&folded, &layout, offset) else { continue };
            top = top.max(mean_z);
            if mean_z < min_z || best.is_some_and(|(z, _, _)| z >= mean_z) {
                continue;
            }
            if let Some((p, _)) = payload::decode_soft(&u) {
                let misread: f32 = u.iter().map(|v| normal_tail(v.abs())).sum();
                best = Some((mean_z, p, (1.0 - misread).clamp(0.0, 1.0)));
            }
        }
    }
    let found = match best {
        Some((_, payload, confidence)) => Detection::Found { payload, confidence },
        None => Detection::NotFound,
    };
    (found, top)
}

/// Level of the difference between `marked` and `clean` relative to `clean`, in dB
/// (e.g. −23.0 means the mark is 23 dB below the programme); `None` when the two do
/// not have the same shape or `clean` is silent.
///
/// ```
/// use fivergo_core::generator::Audio;
/// use fivergo_core::watermark::audio::mark_level_db;
/// let clean = Audio { sample_rate: 8000, channels: 1, samples: vec![1000, -1000, 1000, -1000] };
/// let marked = Audio { samples: vec![1100, -900, 1100, -900], ..clean.clone() };
/// assert_eq!(mark_level_db(&clean, &marked).map(|db| db.round()), Some(-20.0));
/// ```
pub fn mark_level_db(clean: &Audio, marked: &Audio) -> Option<f32> {
    if (clean.sample_rate, clean.channels, clean.samples.len())
        != (marked.sample_rate, marked.channels, marked.samples.len())
    {
        return None;
    }
    let programme: f64 = clean.samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    let mark: f64 =
        clean.samples.iter().zip(&marked.samples).map(|(&a, &b)| (f64::from(b) - f64::from(a)).powi(2)).sum();
    (programme > 0.0).then(|| (10.0 * (mark.max(1e-12) / programme).log10()) as f32)
}

/// Pseudo-noise chips and bit interleaving of one codeword period: for tile `i`
/// (frame `i / TILES` of the period, tile `i % TILES`), the codeword bit it carries
/// and its sign.
struct Layout {
    bit: Vec<u8>,
    chip: Vec<f32>,
}

impl Layout {
    fn new(key: u64) -> Self {
        let n = PERIOD * TILES;
        let mut rng = SplitMix(key);
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let bit = order.iter().map(|&o| (o % CODEWORD_BITS) as u8).collect();
        let chip = (0..n).map(|_| if rng.next() >> 63 == 1 { 1.0 } else { -1.0 }).collect();
        Self { bit, chip }
    }
}

/// The mark of one channel at [`INTERNAL_RATE`] and its per-frame band energy.
fn mark_channel(
    y: &[f32],
    layout: &Layout,
    bits: &[bool; CODEWORD_BITS],
    gains: &[f32],
    fft: &Fft,
    window: &[f32],
) -> Vec<f32> {
    let mut mark = vec![0f32; y.len()];
    let (mut re, mut im) = (vec![0f32; FRAME], vec![0f32; FRAME]);
    for (t, &gain) in gains.iter().enumerate() {
        let start = t * HOP;
        for i in 0..FRAME {
            re[i] = y[start + i] * window[i];
            im[i] = 0.0;
        }
        fft.run(&mut re, &mut im, false);
        let band = BAND_LO_BIN..BAND_LO_BIN + TILES * TILE_BINS;
        let base = (t % PERIOD) * TILES;
        for k in 0..FRAME / 2 + 1 {
            let g = if band.contains(&k) {
                let i = base + (k - BAND_LO_BIN) / TILE_BINS;
                let sign = if bits[usize::from(layout.bit[i])] { 1.0 } else { -1.0 };
                gain * layout.chip[i] * sign
            } else {
                0.0
            };
            re[k] *= g;
            im[k] *= g;
            if k > 0 && k < FRAME / 2 {
                re[FRAME - k] = re[k];
                im[FRAME - k] = -im[k];
            }
        }
        fft.run(&mut re, &mut im, true);
        for i in 0..FRAME {
            mark[start + i] += re[i] * window[i];
        }
    }
    mark
}

/// Per frame, the energy below [`INTERNAL_RATE`]` / 2` and in the band, summed over channels.
fn frame_energies(channels: &[Vec<f32>], fft: &Fft, window: &[f32]) -> Vec<(f32, f32)> {
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    let frames = if len >= FRAME { (len - FRAME) / HOP + 1 } else { 0 };
    let (mut re, mut im) = (vec![0f32; FRAME], vec![0f32; FRAME]);
    let mut out = vec![(0f32, 0f32); frames];
    for (t, (total, band)) in out.iter_mut().enumerate() {
        for y in channels {
            for i in 0..FRAME {
                re[i] = y[t * HOP + i] * window[i];
                im[i] = 0.0;
            }
            fft.run(&mut re, &mut im, false);
            let power = |k: usize| re[k] * re[k] + im[k] * im[k];
            *total += (1..FRAME / 2).map(power).sum::<f32>();
            *band += (BAND_LO_BIN..BAND_LO_BIN + TILES * TILE_BINS).map(power).sum::<f32>();
        }
    }
    out
}

/// Band tile energies, summed over channels, of frames starting at `offset`.
fn tile_energies(channels: &[Vec<f32>], offset: usize, fft: &Fft, window: &[f32]) -> Vec<[f32; TILES]> {
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    let frames = if len >= offset + FRAME { (len - offset - FRAME) / HOP + 1 } else { 0 };
    let (mut re, mut im) = (vec![0f32; FRAME], vec![0f32; FRAME]);
    let mut out = vec![[0f32; TILES]; frames];
    for (t, row) in out.iter_mut().enumerate() {
        let start = offset + t * HOP;
        for x in channels {
            for i in 0..FRAME {
                re[i] = x[start + i] * window[i];
                im[i] = 0.0;
            }
            fft.run(&mut re, &mut im, false);
            for (b, e) in row.iter_mut().enumerate() {
                let k0 = BAND_LO_BIN + b * TILE_BINS;
                *e += (k0..k0 + TILE_BINS).map(|k| re[k] * re[k] + im[k] * im[k]).sum::<f32>();
            }
        }
    }
    out
}

/// Log tile energies with each frame's mean and each tile's local trend removed,
/// clipped at `clip` times their median magnitude.
fn deviations(energies: &[[f32; TILES]], eps: f32, clip: f32) -> Vec<[f32; TILES]> {
    let env = |k: &str, d: f32| std::env::var(k).ok().and_then(|v| v.parse::<f32>().ok()).unwrap_or(d);
    let clip = env("WM_CLIP", clip);
    let hp = env("WM_HP", 0.0) as i32;
    let nf = env("WM_NF", 0.0);
    let eps = eps.max(f32::MIN_POSITIVE);
    let mut floors = [eps; TILES];
    if nf > 0.0 && !energies.is_empty() {
        for b in 0..TILES {
            let mut col: Vec<f32> = energies.iter().map(|r| r[b]).collect();
            let k = col.len() / 10;
            let v = *col.select_nth_unstable_by(k, f32::total_cmp).1;
            floors[b] = eps.max(nf * v);
        }
    }
    let logs: Vec<[f32; TILES]> = energies
        .iter()
        .map(|row| {
            let mut l = [0f32; TILES];
            for b in 0..TILES {
                l[b] = (row[b] + floors[b]).ln();
            }
            let mean = l.iter().sum::<f32>() / TILES as f32;
            l.iter_mut().for_each(|v| *v -= mean);
            l
        })
        .collect();
    let mut dev = vec![[0f32; TILES]; logs.len()];
    let n = logs.len();
    for t in 2..n.saturating_sub(2) {
        for b in 0..TILES {
            dev[t][b] = match hp {
                1 => logs[t][b] - 0.5 * (logs[t - 2][b] + logs[t + 2][b]),
                2 => logs[t][b] - 0.25 * (logs[t - 2][b] + logs[t - 1][b] + logs[t + 1][b] + logs[t + 2][b]),
                3 => logs[t][b] - 0.5 * (logs[t - 1][b] + logs[t + 1][b]) - 0.5 * (0.5 * logs[t][b] - 0.25 * (logs[t - 2][b] + logs[t + 2][b])),
                _ => logs[t][b] - 0.5 * (logs[t - 1][b] + logs[t + 1][b]),
            };
        }
    }
    let mut mags: Vec<f32> = dev.iter().flatten().map(|v| v.abs()).filter(|v| *v > 0.0).collect();
    if mags.is_empty() {
        return dev;
    }
    let mid = mags.len() / 2;
    let median = *mags.select_nth_unstable_by(mid, f32::total_cmp).1;
    let limit = clip * median;
    dev.iter_mut().flatten().for_each(|v| *v = v.clamp(-limit, limit));
    dev
}

/// Sums frame deviations onto one codeword period.
fn fold(dev: Vec<[f32; TILES]>) -> Vec<[f32; TILES]> {
    let mut folded = vec![[0f32; TILES]; PERIOD];
    for (t, row) in dev.iter().enumerate() {
        for (acc, v) in folded[t % PERIOD].iter_mut().zip(row) {
            *acc += v;
        }
    }
    folded
}

/// Soft codeword bits as z-scores for detection frame 0 sitting at frame `offset` of
/// the period, and their mean magnitude; `None` when a bit has no signal at all.
fn read_bits(folded: &[[f32; TILES]], layout: &Layout, offset: usize) -> Option<(f32, Vec<f32>)> {
    let mut sum = [0f64; CODEWORD_BITS];
    let mut power = [0f64; CODEWORD_BITS];
    for (p, row) in folded.iter().enumerate() {
        let base = ((p + offset) % PERIOD) * TILES;
        for (b, &v) in row.iter().enumerate() {
            let i = base + b;
            let bit = usize::from(layout.bit[i]);
            sum[bit] += f64::from(v * layout.chip[i]);
            power[bit] += f64::from(v * v);
        }
    }
    let mut u = Vec::with_capacity(CODEWORD_BITS);
    for (s, p) in sum.iter().zip(&power) {
        if *p <= 0.0 {
            return None;
        }
        u.push((s / p.sqrt()) as f32);
    }
    let mean = u.iter().map(|v| v.abs()).sum::<f32>() / CODEWORD_BITS as f32;
    Some((mean, u))
}

/// P(N(0,1) > z) for z ≥ 0 (Abramowitz & Stegun 7.1.26, error below 1e-7).
fn normal_tail(z: f32) -> f32 {
    let x = f64::from(z) / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    (0.5 * poly * (-x * x).exp()) as f32
}

fn hann(n: usize) -> Vec<f32> {
    (0..n).map(|i| (0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos()) as f32).collect()
}

/// splitmix64.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Radix-2 complex FFT of a fixed power-of-two size.
struct Fft {
    n: usize,
    rev: Vec<usize>,
    cos: Vec<f32>,
    sin: Vec<f32>,
}

impl Fft {
    fn new(n: usize) -> Self {
        let bits = n.trailing_zeros();
        let rev = (0..n).map(|i| i.reverse_bits() >> (usize::BITS - bits)).collect();
        let angle = |k: usize| -2.0 * PI * k as f64 / n as f64;
        let cos = (0..n / 2).map(|k| angle(k).cos() as f32).collect();
        let sin = (0..n / 2).map(|k| angle(k).sin() as f32).collect();
        Self { n, rev, cos, sin }
    }

    /// In place; the inverse is scaled by 1/n.
    fn run(&self, re: &mut [f32], im: &mut [f32], inverse: bool) {
        let n = self.n;
        for i in 0..n {
            let j = self.rev[i];
            if j > i {
                re.swap(i, j);
                im.swap(i, j);
            }
        }
        let sign = if inverse { -1.0 } else { 1.0 };
        let mut len = 2;
        while len <= n {
            let step = n / len;
            for start in (0..n).step_by(len) {
                for k in 0..len / 2 {
                    let (wr, wi) = (self.cos[k * step], sign * self.sin[k * step]);
                    let (a, b) = (start + k, start + k + len / 2);
                    let tr = re[b] * wr - im[b] * wi;
                    let ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
            len *= 2;
        }
        if inverse {
            let scale = 1.0 / n as f32;
            re.iter_mut().chain(im.iter_mut()).for_each(|v| *v *= scale);
        }
    }
}

/// Band-limited resampling between two rates: a Hann-windowed sinc with its cut-off
/// at the lower rate's Nyquist frequency, tabulated for [`RESAMPLER_PHASES`] phases.
struct Resampler {
    from: u64,
    to: u64,
    taps: usize,
    table: Vec<f32>,
}

impl Resampler {
    fn new(from: u32, to: u32) -> Self {
        let (from, to) = (u64::from(from.max(1)), u64::from(to.max(1)));
        let scale = (to as f64 / from as f64).min(1.0);
        let half = (HALF_TAPS as f64 / scale).ceil() as usize;
        let taps = 2 * half;
        let mut table = Vec::with_capacity(RESAMPLER_PHASES * taps);
        for q in 0..RESAMPLER_PHASES {
            let frac = q as f64 / RESAMPLER_PHASES as f64;
            let row: Vec<f64> = (0..taps)
                .map(|j| {
                    let u = scale * (j as f64 - (half as f64 - 1.0) - frac);
                    if u.abs() >= HALF_TAPS as f64 {
                        return 0.0;
                    }
                    let sinc = if u == 0.0 { 1.0 } else { (PI * u).sin() / (PI * u) };
                    sinc * (0.5 + 0.5 * (PI * u / HALF_TAPS as f64).cos())
                })
                .collect();
            let sum: f64 = row.iter().sum();
            table.extend(row.iter().map(|v| (v / sum) as f32));
        }
        Self { from, to, taps, table }
    }

    /// Output samples covering `input_len` input samples.
    fn out_len(&self, input_len: usize) -> usize {
        ((input_len as u128 * u128::from(self.to)).div_ceil(u128::from(self.from))).try_into().unwrap_or(usize::MAX)
    }

    /// The first `len` output samples of `x` resampled (zero outside `x`).
    fn run(&self, x: &[f32], len: usize) -> Vec<f32> {
        let taps = self.taps;
        let half = taps / 2;
        let mut padded = vec![0f32; x.len() + 2 * taps];
        padded[taps..taps + x.len()].copy_from_slice(x);
        (0..len)
            .map(|n| {
                let num = n as u128 * u128::from(self.from);
                let (mut ip, frac) = (num / u128::from(self.to), num % u128::from(self.to));
                let mut q = ((frac * RESAMPLER_PHASES as u128 + u128::from(self.to) / 2) / u128::from(self.to)) as usize;
                if q == RESAMPLER_PHASES {
                    ip += 1;
                    q = 0;
                }
                // Tap j reads input ip - (half - 1) + j, i.e. padded index ip + 1 + half + j.
                let start = usize::try_from(ip).unwrap_or(usize::MAX).saturating_add(half + 1);
                let (Some(xs), Some(hs)) =
                    (padded.get(start..start.saturating_add(taps)), self.table.get(q * taps..(q + 1) * taps))
                else {
                    return 0.0;
                };
                xs.iter().zip(hs).map(|(a, b)| a * b).sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    /// xorshift64*, for test signals.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn gauss(&mut self) -> f64 {
            let (a, b) = (self.unit().max(1e-12), self.unit());
            (-2.0 * a.ln()).sqrt() * (TAU * b).cos()
        }
    }

    fn to_audio(sr: u32, chans: Vec<Vec<f64>>) -> Audio {
        let ch = chans.len();
        let n = chans[0].len();
        let mut samples = Vec::with_capacity(n * ch);
        for i in 0..n {
            for c in &chans {
                samples.push(c[i].round().clamp(-32768.0, 32767.0) as i16);
            }
        }
        Audio { sample_rate: sr, channels: ch as u16, samples }
    }

    /// Chords of harmonic notes with attack / decay, a bass line and hi-hat noise;
    /// stereo pans the notes differently.
    fn music(sr: u32, channels: u16, secs: f64, seed: u64) -> Audio {
        let mut rng = Rng(seed | 1);
        let n = (f64::from(sr) * secs) as usize;
        let mut chans = vec![vec![0f64; n]; usize::from(channels)];
        let beat = 0.25 + 0.5 * rng.unit();
        let mut start = 0.0;
        while start < secs {
            let dur = beat * (1 + rng.next() % 3) as f64;
            let root = 110.0 * 2f64.powf((rng.next() % 12) as f64 / 12.0);
            let notes = [root, root * 1.26, root * 1.5, root * 2.0 * 1.12, root / 2.0];
            let (s0, s1) = ((start * f64::from(sr)) as usize, (((start + dur) * f64::from(sr)) as usize).min(n));
            for (k, &f) in notes.iter().enumerate() {
                let pan = (k as f64 + 0.5) / notes.len() as f64;
                let amp = 2500.0 / (1.0 + k as f64 * 0.3);
                for i in s0..s1 {
                    let t = (i - s0) as f64 / f64::from(sr);
                    let env = (t / 0.02).min(1.0) * (-t * 2.5).exp();
                    let mut v = 0.0;
                    for h in 1..=6 {
                        let fh = f * h as f64;
                        if fh < f64::from(sr) / 2.0 {
                            v += (TAU * fh * t).sin() / h as f64;
                        }
                    }
                    for (c, ch) in chans.iter_mut().enumerate() {
                        let g = if channels == 1 { 1.0 } else if c == 0 { 1.0 - pan } else { pan };
                        ch[i] += amp * env * v * (0.4 + g);
                    }
                }
            }
            // Hi-hat: a short noise burst on each beat.
            for i in s0..(s0 + f64::from(sr) as usize / 30).min(n) {
                let t = (i - s0) as f64 / f64::from(sr);
                let v = 900.0 * rng.gauss() * (-t * 120.0).exp();
                chans.iter_mut().for_each(|ch| ch[i] += v);
            }
            start += dur;
        }
        to_audio(sr, chans)
    }

    /// Pulse-train voice through three formant resonators that move every syllable,
    /// with fricatives, syllabic envelope and pauses.
    fn speech(sr: u32, secs: f64, seed: u64) -> Audio {
        let mut rng = Rng(seed | 1);
        let fs = f64::from(sr);
        let n = (fs * secs) as usize;
        let mut out = vec![0f64; n];
        let mut res = [[0f64; 2]; 3];
        let (mut phase, mut i) = (0.0, 0);
        let f0_base = 100.0 + 80.0 * rng.unit();
        while i < n {
            let syl = ((0.12 + 0.2 * rng.unit()) * fs) as usize;
            let pause = rng.unit() < 0.2;
            let fricative = rng.unit() < 0.2;
            let formants = [300.0 + 500.0 * rng.unit(), 900.0 + 1400.0 * rng.unit(), 2300.0 + 900.0 * rng.unit()];
            let coeffs: Vec<(f64, f64)> = formants
                .iter()
                .map(|&f| {
                    let r = (-PI * 90.0 / fs).exp();
                    (2.0 * r * (TAU * f.min(fs * 0.45) / fs).cos(), -r * r)
                })
                .collect();
            for j in 0..syl.min(n - i) {
                let env = (PI * j as f64 / syl as f64).sin();
                let f0 = f0_base * (1.0 + 0.1 * (TAU * 3.0 * i as f64 / fs).sin());
                phase += f0 / fs;
                let exc = if pause {
                    0.0
                } else if fricative {
                    0.3 * rng.gauss()
                } else if phase >= 1.0 {
                    phase -= 1.0;
                    1.0
                } else {
                    0.0
                };
                let mut v = 0.0;
                for (k, (a1, a2)) in coeffs.iter().enumerate() {
                    let y = exc + a1 * res[k][0] + a2 * res[k][1];
                    res[k][1] = res[k][0];
                    res[k][0] = y;
                    v += y / (1.0 + k as f64);
                }
                out[i + j] = 120.0 * env * v;
            }
            i += syl;
        }
        to_audio(sr, vec![out])
    }

    fn rms(a: &Audio) -> f64 {
        (a.samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / a.samples.len().max(1) as f64).sqrt()
    }

    fn map_samples(a: &Audio, f: impl FnMut(i16) -> f64) -> Audio {
        let samples = a.samples.iter().copied().map(f).map(|v| v.round().clamp(-32768.0, 32767.0) as i16).collect();
        Audio { samples, ..a.clone() }
    }

    fn requantise_8bit(a: &Audio) -> Audio {
        map_samples(a, |s| ((f64::from(s) / 256.0).round().clamp(-128.0, 127.0)) * 256.0)
    }

    fn add_noise(a: &Audio, snr_db: f64, seed: u64) -> Audio {
        let sigma = rms(a) * 10f64.powf(-snr_db / 20.0);
        let mut rng = Rng(seed | 1);
        map_samples(a, |s| f64::from(s) + sigma * rng.gauss())
    }

    fn cut(a: &Audio, secs: f64) -> Audio {
        let drop = (secs * f64::from(a.sample_rate)) as usize * usize::from(a.channels);
        Audio { samples: a.samples[drop.min(a.samples.len())..].to_vec(), ..a.clone() }
    }

    /// Halves or doubles the rate with a Blackman-windowed sinc (32 zero crossings a side).
    fn resample_2x(a: &Audio, up: bool) -> Audio {
        let ch = usize::from(a.channels);
        let frames = a.samples.len() / ch;
        let kernel = |d: f64| {
            // Cut-off at the lower rate's Nyquist, `d` in samples of the higher rate.
            let x = d / 2.0;
            let w = d.abs() / 64.0;
            if w >= 1.0 {
                return 0.0;
            }
            let sinc = if x == 0.0 { 1.0 } else { (PI * x).sin() / (PI * x) };
            sinc * (0.42 + 0.5 * (PI * w).cos() + 0.08 * (2.0 * PI * w).cos())
        };
        let (out_frames, sr) = if up { (frames * 2, a.sample_rate * 2) } else { (frames / 2, a.sample_rate / 2) };
        let mut chans = vec![vec![0f64; out_frames]; ch];
        for (c, out) in chans.iter_mut().enumerate() {
            let x: Vec<f64> = (0..frames).map(|f| f64::from(a.samples[f * ch + c])).collect();
            for (n, o) in out.iter_mut().enumerate() {
                // Position in samples of the higher rate.
                let (centre, step, gain) = if up { (n as i64, 2, 1.0) } else { (2 * n as i64, 1, 0.5) };
                let mut acc = 0.0;
                for d in -64..=64i64 {
                    let hi = centre + d;
                    let (idx, ok) = if up { (hi / 2, hi % 2 == 0) } else { (hi, true) };
                    if ok && step > 0 && idx >= 0 && (idx as usize) < frames {
                        acc += x[idx as usize] * kernel(d as f64);
                    }
                }
                *o = acc * gain * if up { 1.0 } else { 1.0 };
            }
        }
        to_audio(sr, chans)
    }

    fn diag(clean: &Audio, marked: &Audio, style: &AudioMarkStyle, payload: u64) {
        let prep = |a: &Audio| {
            let ch = usize::from(a.channels);
            let frames = a.samples.len() / ch;
            let down = Resampler::new(a.sample_rate, INTERNAL_RATE);
            (0..ch)
                .map(|c| {
                    let x: Vec<f32> = (0..frames).map(|f| f32::from(a.samples[f * ch + c])).collect();
                    down.run(&x, down.out_len(frames))
                })
                .collect::<Vec<_>>()
        };
        let fft = Fft::new(FRAME);
        let window = hann(FRAME);
        let wp: f32 = window.iter().map(|w| w * w).sum();
        let eps = style.silence_power() * wp * (TILE_BINS * usize::from(clean.channels)) as f32;
        let dc = deviations(&tile_energies(&prep(clean), 0, &fft, &window), eps, 1e9);
        let dm = deviations(&tile_energies(&prep(marked), 0, &fft, &window), eps, 1e9);
        let layout = Layout::new(style.key);
        let bits = payload::encode(payload);
        let (mut sig, mut host, mut hv, mut n, mut mv) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for t in 1..dc.len() - 1 {
            for b in 0..TILES {
                let i = (t % PERIOD) * TILES + b;
                let s = layout.chip[i] * if bits[layout.bit[i] as usize] { 1.0 } else { -1.0 };
                sig += f64::from((dm[t][b] - dc[t][b]) * s);
                host += f64::from(dc[t][b] * s);
                hv += f64::from(dc[t][b] * dc[t][b]);
                let r = dm[t][b] - dc[t][b] - s * 0.0;
                mv += f64::from(r * r);
                n += 1.0;
            }
        }
        let sg = |t: usize, b: usize| { let i = (t % PERIOD) * TILES + b; layout.chip[i] * if bits[layout.bit[i] as usize] { 1.0 } else { -1.0 } };
        let mut line = String::new();
        for (dt, db) in [(0i64, 0i64), (-1, 0), (1, 0), (-2, 0), (2, 0), (0, -1), (0, 1), (0, -2), (0, 2)] {
            let (mut acc, mut m) = (0.0, 0.0);
            for t in 3..dc.len() - 3 {
                for b in 2..TILES - 2 {
                    acc += f64::from((dm[t][b] - dc[t][b]) * sg((t as i64 + dt) as usize, (b as i64 + db) as usize));
                    m += 1.0;
                }
            }
            line += &format!("({dt},{db}):{:.3} ", acc / m);
        }
        println!("  xtalk {line}");
        let ec = tile_energies(&prep(clean), 0, &fft, &window);
        let em = tile_energies(&prep(marked), 0, &fft, &window);
        let mut hist = [(0.0f64, 0.0f64, 0.0f64); 6];
        for t in 3..ec.len() - 3 {
            for b in 1..TILES - 1 {
                let p = ec[t][b] / ec[t][b - 1].max(ec[t][b + 1]).max(ec[t][b]).max(1e-9);
                let lp = (-p.max(1e-6).log10()).floor().min(5.0) as usize;
                let d = f64::from(((em[t][b] + eps) / (ec[t][b] + eps)).ln());
                let sgn = f64::from(sg(t, b));
                hist[lp].0 += 1.0;
                hist[lp].1 += d * sgn;
                hist[lp].2 += d * d;
            }
        }
        let line: Vec<String> = hist.iter().enumerate().map(|(i, (n, a, q))| format!("p<1e-{i}: n {:.0} eff {:.3} rms {:.3}", n, a / n.max(1.0), (q / n.max(1.0)).sqrt())).collect();
        println!("  purity {}", line.join(" | "));
        println!("  rms {:.1} dBFS  mark effect per tile {:.4}  host corr {:.4}  host std {:.4}  mark-diff rms {:.4} (self-noise {:.4}) per-tile snr {:.3}", 20.0 * (rms(clean) / 32768.0).log10(), sig / n, host / n, (hv / n).sqrt(), (mv / n).sqrt(), (mv / n - (sig / n).powi(2)).max(0.0).sqrt(), sig / n / (hv / n).sqrt());
    }

    #[test]
    #[ignore]
    fn experiment_raw() {
        let style = AudioMarkStyle::default();
        let mut rng = Rng(5);
        let tone = |f: f64| to_audio(8000, vec![(0..8000 * 12).map(|i| 3000.0 * (TAU * f * i as f64 / 8000.0).sin()).collect()]);
        let chord = |fs: &[f64], decay: f64| {
            to_audio(8000, vec![(0..8000 * 12).map(|i| {
                let t = i as f64 / 8000.0;
                let tn = t % 0.5;
                fs.iter().map(|&f| (1..=6).map(|h| 2000.0 / h as f64 * (TAU * f * h as f64 * t).sin()).sum::<f64>()).sum::<f64>() * (-decay * tn).exp()
            }).collect()])
        };
        for (name, clean) in [
            ("note110", chord(&[110.0], 0.0)),
            ("note137", chord(&[137.0], 0.0)),
            ("chord", chord(&[110.0, 138.6, 165.0], 0.0)),
            ("chord decay", chord(&[110.0, 138.6, 165.0], 2.5)),
            ("noise", to_audio(8000, vec![(0..8000 * 12).map(|_| 3000.0 * rng.gauss()).collect()])),
            ("tone mid", tone(500.0 + 125.0 * 4.5)),
            ("tone edge", tone(1000.0)),
            ("music", music(8000, 1, 12.0, 1)),
            ("music2", music(8000, 1, 12.0, 7)),
        ] {
            let marked = embed(&clean, 0xDEAD_BEEF_1234_5678, &style).unwrap();
            println!("{name}: mark level {:?}", mark_level_db(&clean, &marked));
            let fft = Fft::new(FRAME);
            let window = hann(FRAME);
            let f = |a: &Audio| tile_energies(&[a.samples.iter().map(|&s| f32::from(s)).collect()], 0, &fft, &window);
            let (ec, em) = (f(&clean), f(&marked));
            let layout = Layout::new(style.key);
            let bits = payload::encode(0xDEAD_BEEF_1234_5678);
            let s = |t: usize, b: usize| { let i = (t % PERIOD) * TILES + b; layout.chip[i] * if bits[layout.bit[i] as usize] { 1.0 } else { -1.0 } };
            let (mut acc, mut n, mut w) = (0.0, 0.0, 0.0);
            for t in 2..ec.len() - 2 {
                for b in 0..TILES {
                    let dl = ((em[t][b] + 1.0) / (ec[t][b] + 1.0)).ln();
                    acc += f64::from(dl * s(t, b));
                    w += f64::from(dl * s(t, b) * ec[t][b]);
                    n += f64::from(ec[t][b]);
                }
            }
            let (mut pa, mut pn) = (0.0, 0.0);
            for t in 2..ec.len() - 2 {
                for b in 1..TILES - 1 {
                    if ec[t][b] >= 0.1 * ec[t][b - 1].max(ec[t][b + 1]) {
                        let dl = ((em[t][b] + 1.0) / (ec[t][b] + 1.0)).ln();
                        pa += f64::from(dl * s(t, b));
                        pn += 1.0;
                    }
                }
            }
            println!("  raw dlog energy corr {:.4} energy-weighted {:.4} pure {:.4} ({:.0}%)", acc / (ec.len() * TILES) as f64, w / n, pa / pn, 100.0 * pn / (ec.len() * TILES) as f64);
            diag(&clean, &marked, &style, 0xDEAD_BEEF_1234_5678);
        }
    }

    #[test]
    #[ignore]
    fn experiment_internal() {
        let style = AudioMarkStyle::default();
        for (name, clean) in [("music 8k", music(8000, 1, 12.0, 1)), ("speech 8k", speech(8000, 12.0, 3)), ("music 44k", music(44_100, 1, 12.0, 1))] {
            let marked = embed(&clean, 0xDEAD_BEEF_1234_5678, &style).unwrap();
            println!("{name}");
            diag(&clean, &marked, &style, 0xDEAD_BEEF_1234_5678);
            // Internal: y + mark directly.
            let y: Vec<f32> = clean.samples.iter().map(|&s| f32::from(s)).collect();
            let y = if clean.sample_rate == 8000 { y } else { let r = Resampler::new(clean.sample_rate, 8000); r.run(&y, r.out_len(y.len())) };
            let fft = Fft::new(FRAME);
            let window: Vec<f32> = hann(FRAME).iter().map(|w| w.sqrt()).collect();
            let layout = Layout::new(style.key);
            let bits = payload::encode(0xDEAD_BEEF_1234_5678);
            let mark = mark_channel(&y, &layout, &bits, &vec![style.gains().0; 10000], &fft, &window);
            let ym: Vec<f32> = y.iter().zip(&mark).map(|(a, b)| a + b).collect();
            let c8 = Audio { sample_rate: 8000, channels: 1, samples: y.iter().map(|v| v.round() as i16).collect() };
            let m8 = Audio { sample_rate: 8000, channels: 1, samples: ym.iter().map(|v| v.round() as i16).collect() };
            println!(" internal");
            diag(&c8, &m8, &style, 0xDEAD_BEEF_1234_5678);
        }
    }

    #[test]
    #[ignore]
    fn experiment() {
        let style = AudioMarkStyle::default();
        for (name, clean) in [
            ("music mono", music(44_100, 1, 12.0, 1)),
            ("music stereo", music(44_100, 2, 12.0, 2)),
            ("speech", speech(44_100, 12.0, 3)),
            ("music 22k", music(22_050, 1, 12.0, 4)),
        ] {
            let marked = embed(&clean, 0xDEAD_BEEF_1234_5678, &style).unwrap();
            let lvl = mark_level_db(&clean, &marked).unwrap();
            diag(&clean, &marked, &style, 0xDEAD_BEEF_1234_5678);
            let rs = if clean.sample_rate == 44_100 { resample_2x(&resample_2x(&marked, false), true) } else { marked.clone() };
            for (attack, a) in [
                ("none", marked.clone()),
                ("resample", rs),
                ("8bit", requantise_8bit(&marked)),
                ("noise30", add_noise(&marked, 30.0, 9)),
                ("cut1.37", cut(&marked, 1.37)),
                ("cut+short6", { let c = cut(&marked, 2.71); Audio { samples: c.samples[..(6 * c.sample_rate as usize * c.channels as usize)].to_vec(), ..c } }),
            ] {
                let (d, top) = scan(&a, &style);
                println!("{name:14} {attack:10} level {lvl:6.1} dB  top {top:5.2}  {d:?}");
            }
            let (d, top) = scan(&clean, &style);
            println!("{name:14} unmarked   top {top:5.2} {d:?}");
        }
    }
}
