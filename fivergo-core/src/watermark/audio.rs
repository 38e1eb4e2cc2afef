//! Inaudible, robust payload for audio drafts (SPEC W2).
//!
//! [`embed`] hides the 96-bit codeword of a 64-bit payload (see
//! [`payload`]) in a recording; [`detect`] reads it back from a copy
//! that may have been resampled, requantised, mixed with noise, cut anywhere or
//! downmixed. It coexists with the audible draft tag of [`draft`](super::draft) (W1).
//!
//! # Scheme
//!
//! - Every channel is resampled to an internal [`INTERNAL_RATE`] (16 kHz), so any rate
//!   from [`MIN_RATE`] to [`MAX_RATE`] works and a copy at another rate reads the same.
//! - A short-time spectrum (512-sample frames of 32 ms, 16 ms hop, square-root Hann
//!   windows) is cut into 40 tiles of 125 Hz between 500 Hz and 5.5 kHz per frame.
//!   Each tile is scaled by `1 ± a`, the sign a pseudo-noise chip (from
//!   [`AudioMarkStyle::key`]) times the codeword bit the tile carries. The mark is thus
//!   the programme itself, shaped like it in time and frequency: silence carries no
//!   mark, and a file below 11 kHz is marked in the tiles its rate holds.
//! - `a` is set per frame so that the mark sits [`AudioMarkStyle::strength_db`]
//!   (−22 dB) below the frame's programme (everything below 8 kHz), with at most
//!   [`AudioMarkStyle::max_band_db`] (−10 dB) inside the band. Measured over whole
//!   test recordings with [`mark_level_db`]: −23.7 dB on music-like and −24.0 dB on
//!   speech-like material.
//! - One codeword period is 192 frames (3.07 s, 7 680 tiles, 80 per codeword bit,
//!   interleaved over time and frequency by a keyed shuffle); it repeats over the
//!   whole recording.
//! - Every channel gets the same gains, so a downmix carries the mark as well. The
//!   mark is made at 16 kHz, resampled to the file's rate and added.
//!
//! [`detect`] sums tile energies over channels, takes their logarithm (plus a floor at
//! [`AudioMarkStyle::floor_dbfs`], so quantisation noise does not count), removes
//! each frame's mean over tiles (loudness changes) and each tile's local trend over
//! time (sustained and decaying notes), clips outliers, weights down tiles that hold
//! little more than their neighbours' spectral leakage, weights each frame by the gain
//! `embed` would have given it, and folds all frames onto one codeword period. It
//! needs no start point: it tries all 192 frame offsets at 4 sub-frame phases and
//! scores each soft bit as a z-score. Only alignments whose mean |z| reaches
//! [`AudioMarkStyle::min_mean_z`] (1.8; unmarked audio stays near 0.8 and below 1.2)
//! are decoded, flipping up to [`AudioMarkStyle::repair_bits`] least certain bits, and
//! a payload is reported only when its CRC-32 holds.
//!
//! Minimum: [`embed`] needs [`AudioMarkStyle::min_programme_ms`] (default 6 s) of
//! non-silent programme in the band, at 8 kHz to 384 kHz; [`detect`] needs one
//! codeword period (3.1 s). Longer copies read more reliably (the evidence grows with
//! the square root of the duration); the attacks tested below are read from 12 s.
//!
//! # Measured
//!
//! Over 30 synthesized recordings of 12 s at 44.1 kHz (music-like mono and stereo,
//! speech-like at −24 dBFS; `robustness_sweep` in the tests), every read decoded the
//! exact payload: clean, resampled 44.1 → 22.05 → 44.1 kHz, requantised to 8 bits,
//! with white noise at 30 dB SNR, with the first 1.37 s cut, and all four at once
//! (lowest mean |z| 2.58 against the 1.8 threshold), the mark sitting −23.5 to
//! −24.8 dB below the programme. From 8 s recordings too (lowest 2.10). Unmarked
//! recordings score 0.98–1.04 at their best alignment. Embedding or detecting 30 s of
//! 44.1 kHz stereo takes 0.15–0.2 s on a shared 2-core machine (`cargo bench --bench
//! audio_watermark`).
//!
//! Deterministic (same input, same output) and panic-free for any input.

use super::payload::{self, CODEWORD_BITS};
use super::{Detection, Unfit};
use crate::generator::Audio;
use crate::rng::SplitMix;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// The rate every channel is analysed and marked at, in Hz.
pub const INTERNAL_RATE: u32 = 16_000;
/// Lowest sample rate accepted, in Hz.
pub const MIN_RATE: u32 = 8000;
/// Highest sample rate accepted, in Hz (the resampler's table grows with the rate).
pub const MAX_RATE: u32 = 384_000;
/// Most least-certain bits the detector may flip ([`AudioMarkStyle::repair_bits`]).
pub const MAX_REPAIR_BITS: u8 = 16;

/// Samples per analysis frame at [`INTERNAL_RATE`] (32 ms).
const FRAME: usize = 512;
/// Hop between frames (16 ms): one pseudo-noise chip per tile per hop.
const HOP: usize = FRAME / 2;
/// First bin of the band (500 Hz).
const BAND_LO_BIN: usize = 16;
/// Bins per tile (125 Hz).
const TILE_BINS: usize = 4;
/// Tiles per frame: 500 Hz to 5.5 kHz.
const TILES: usize = 40;
/// The band's bins.
const BAND: std::ops::Range<usize> = BAND_LO_BIN..BAND_LO_BIN + TILES * TILE_BINS;

/// The tile of bin `k` of a frame's half spectrum, `None` outside the band.
fn tile_of(k: usize) -> Option<usize> {
    BAND.contains(&k).then(|| (k - BAND_LO_BIN) / TILE_BINS)
}

/// Frames per codeword period (3.072 s).
const PERIOD: usize = 192;
/// Sub-hop phases tried by the detector.
const PHASES: usize = 4;
/// Share of a neighbouring tile's energy assumed to leak into a tile: a tile not much
/// stronger than that is mostly leakage, carries its neighbours' chips, and counts less.
const LEAKAGE: f32 = 0.1;
/// Candidate alignments the detector tries to decode, best first.
const MAX_TRIES: usize = 8;
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
/// assert_eq!((s.strength_db, s.min_programme_ms), (-22.0, 6000));
/// let partial: AudioMarkStyle = serde_json::from_str(r#"{"strength_db":-24.0}"#).unwrap();
/// assert_eq!(partial, AudioMarkStyle { strength_db: -24.0, ..s });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AudioMarkStyle {
    /// Seed of the pseudo-noise chips and the bit interleaving.
    pub key: u64,
    /// Mark level relative to the programme's short-term level below 4 kHz, in dB
    /// (default −22). Clamped to `[-40, -6]`; a non-finite value reads as the default.
    pub strength_db: f32,
    /// Ceiling of the mark relative to the programme inside the 500 Hz–3.5 kHz band,
    /// in dB (default −10), for frames whose energy lies mostly outside the band.
    /// Clamped and defaulted like `strength_db`.
    pub max_band_db: f32,
    /// Non-silent programme [`embed`] needs, in milliseconds (default 6000: two
    /// codeword periods, so a copy cut anywhere still holds every bit).
    pub min_programme_ms: u32,
    /// A 16 ms frame whose level in the band is below this, in dBFS, is silent and
    /// does not count towards `min_programme_ms` (default −60).
    pub silence_dbfs: f32,
    /// Detector: a noise floor in dBFS added to every tile before its logarithm, so
    /// quiet passages and 8-bit requantisation noise (about −53 dBFS) weigh little
    /// (default −50).
    pub floor_dbfs: f32,
    /// Detector: per-tile deviations are clipped at this many times their median
    /// magnitude, so a transient cannot outweigh the rest (default 3).
    pub clip: f32,
    /// Detector: an alignment is decoded only when the mean |z-score| of its soft bits
    /// reaches this (default 1.8; unmarked audio scores about 0.8, and below 1.2 at
    /// its best alignment).
    pub min_mean_z: f32,
    /// Detector: up to this many of the least certain bits of a candidate are flipped
    /// in search of a codeword whose CRC holds (default 10, at most
    /// [`MAX_REPAIR_BITS`]). Each flip pattern is one more 2⁻³² chance of a false
    /// codeword; only alignments past `min_mean_z` get there.
    pub repair_bits: u8,
}

impl Default for AudioMarkStyle {
    fn default() -> Self {
        Self {
            key: 0x5EED_F1E6_0A0D_1057,
            strength_db: -22.0,
            max_band_db: -10.0,
            min_programme_ms: 6000,
            silence_dbfs: -60.0,
            floor_dbfs: -50.0,
            clip: 3.0,
            min_mean_z: 1.8,
            repair_bits: 10,
        }
    }
}

impl AudioMarkStyle {
    /// Amplitude ratios of the mark to the programme: overall target, in-band ceiling.
    fn gains(&self) -> (f32, f32) {
        let d = Self::default();
        let pick = |v: f32, default: f32| {
            if v.is_finite() {
                v.clamp(-40.0, -6.0)
            } else {
                default
            }
        };
        let (target, ceiling) = (
            pick(self.strength_db, d.strength_db),
            pick(self.max_band_db, d.max_band_db),
        );
        (10f32.powf(target / 20.0), 10f32.powf(ceiling / 20.0))
    }

    /// Power per sample (in 16-bit units squared) of a signal at `dbfs` (clamped to
    /// `[-120, 0]`), or at `default` when `dbfs` is not finite.
    fn power(dbfs: f32, default: f32) -> f32 {
        let db = if dbfs.is_finite() {
            dbfs.clamp(-120.0, 0.0)
        } else {
            default
        };
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
/// // 10 s of a bright melody at 16 kHz: a new note every 0.25 s, 12 harmonics each,
/// // fading out between notes.
/// let samples = (0..16_000 * 10)
///     .map(|i| {
///         let t = i as f64 / 16_000.0;
///         let f = [220.0, 247.0, 262.0, 294.0, 330.0, 392.0][(t * 4.0) as usize * 7 % 6];
///         let fade = (-6.0 * (t * 4.0).fract()).exp();
///         let v: f64 = (1..=12).map(|h| (6.283 * f * h as f64 * t).sin() / h as f64).sum();
///         (6000.0 * fade * v) as i16
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
    if !(MIN_RATE..=MAX_RATE).contains(&sr) {
        return unfit(format!(
            "sample rate {sr} Hz is outside {MIN_RATE}..={MAX_RATE} Hz"
        ));
    }
    let frames = audio.samples.len() / ch;
    let need_ms = u64::from(style.min_programme_ms);
    let have_ms = frames as u64 * 1000 / u64::from(sr);
    if have_ms < need_ms {
        return unfit(format!(
            "the recording lasts {have_ms} ms; an inaudible mark needs at least {need_ms} ms"
        ));
    }
    let layout = Layout::new(style.key);
    let bits = payload::encode(payload);
    let fft = Fft::new(FRAME);
    let window: Vec<f32> = hann(FRAME).iter().map(|w| w.sqrt()).collect();
    let down = Resampler::new(sr, INTERNAL_RATE);
    let channels: Vec<Vec<f32>> = (0..ch)
        .map(|c| {
            let x: Vec<f32> = (0..frames)
                .map(|f| f32::from(audio.samples[f * ch + c]))
                .collect();
            down.run(&x, down.out_len(frames))
        })
        .collect();
    let energies = frame_energies(&channels, &fft, &window);
    // Expected band energy of a frame of white noise at the silence level, per channel.
    let window_power: f32 = window.iter().map(|w| w * w).sum();
    let silence = AudioMarkStyle::power(style.silence_dbfs, AudioMarkStyle::default().silence_dbfs);
    let floor = silence * window_power * (BAND.len() * ch) as f32;
    let active = energies.iter().filter(|(_, band)| *band > floor).count() as u64;
    let active_ms = active * HOP as u64 * 1000 / u64::from(INTERNAL_RATE);
    if active_ms < need_ms {
        return unfit(format!(
            "only {active_ms} ms of the recording is above {} dBFS in the 500 Hz–5.5 kHz band; an inaudible mark needs {need_ms} ms",
            style.silence_dbfs
        ));
    }
    let gains: Vec<f32> = energies
        .iter()
        .map(|&(total, band)| frame_gain(total, band, style))
        .collect();
    let marks: Vec<Vec<f32>> = channels
        .iter()
        .map(|y| mark_channel(y, &layout, &bits, &gains, &fft, &window))
        .collect();
    let up = Resampler::new(INTERNAL_RATE, sr);
    let mut out = audio.clone();
    for (c, mark) in marks.iter().enumerate() {
        for (f, m) in up.run(mark, frames).into_iter().enumerate() {
            let s = &mut out.samples[f * ch + c];
            *s = (f32::from(*s) + m)
                .round()
                .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
        }
    }
    Ok(out)
}

/// The payload hidden in `audio` by [`embed`] with the same `style.key`, if any.
///
/// Works on any cut of a marked recording (it needs about one codeword period, 3 s,
/// of programme; more is read more reliably), at any rate from 8 kHz to [`MAX_RATE`]
/// and any channel count. Anything unreadable, too short or unmarked is
/// [`Detection::NotFound`]. The confidence is the estimated share of codeword bits
/// read right, the mean of `Φ(z)` over the bits' z-scores signed by the decoded
/// codeword: 0.99 and above for the attacked test recordings, lower when bits had to
/// be repaired.
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
    if ch == 0 || !(MIN_RATE..=MAX_RATE).contains(&sr) {
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
            let x: Vec<f32> = (0..frames)
                .map(|f| f32::from(audio.samples[f * ch + c]))
                .collect();
            down.run(&x, n)
        })
        .collect();
    let layout = Layout::new(style.key);
    let fft = Fft::new(FRAME);
    let window = hann(FRAME);
    let defaults = AudioMarkStyle::default();
    let window_power: f32 = window.iter().map(|w| w * w).sum();
    let noise = AudioMarkStyle::power(style.floor_dbfs, defaults.floor_dbfs);
    let eps = noise * window_power * (TILE_BINS * ch) as f32;
    let clip = if style.clip.is_finite() && style.clip > 0.0 {
        style.clip
    } else {
        defaults.clip
    };
    let min_z = if style.min_mean_z.is_finite() {
        style.min_mean_z
    } else {
        defaults.min_mean_z
    };
    let repair = usize::from(style.repair_bits.min(MAX_REPAIR_BITS));
    let mut candidates: Vec<(f32, Vec<f32>)> = Vec::new();
    let mut top = 0f32;
    for phase in 0..PHASES {
        let (energies, totals) = tile_energies(&channels, phase * HOP / PHASES, &fft, &window);
        let mut dev = deviations(&energies, eps, clip);
        // Matched weighting: each frame counts as much as the mark embed gave it.
        for ((row, tiles), &total) in dev.iter_mut().zip(&energies).zip(&totals) {
            let gain = frame_gain(total, tiles.iter().sum(), style);
            row.iter_mut().for_each(|v| *v *= gain);
        }
        let folded = fold(dev);
        for offset in 0..PERIOD {
            let Some((mean_z, u)) = read_bits(&folded, &layout, offset) else {
                continue;
            };
            top = top.max(mean_z);
            if mean_z >= min_z {
                candidates.push((mean_z, u));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, u) in candidates.iter().take(MAX_TRIES) {
        if let Some((payload, confidence)) = decode_repairing(u, repair) {
            return (
                Detection::Found {
                    payload,
                    confidence,
                },
                top,
            );
        }
    }
    (Detection::NotFound, top)
}

/// The codeword nearest to soft bits `u` (z-scores) among those reached by flipping
/// up to `repair` of the least certain bits, with the confidence of the read: the
/// estimated share of its bits read right, the mean of `Φ(±z)`.
fn decode_repairing(u: &[f32], repair: usize) -> Option<(u64, f32)> {
    if u.len() != CODEWORD_BITS {
        return None;
    }
    let hard: Vec<bool> = u.iter().map(|&v| v > 0.0).collect();
    let mut order: Vec<usize> = (0..CODEWORD_BITS).collect();
    order.sort_by(|&a, &b| u[a].abs().total_cmp(&u[b].abs()));
    let weak = &order[..repair.min(usize::from(MAX_REPAIR_BITS))];
    let mut best: Option<(u64, f32, Vec<bool>)> = None;
    let mut bits = hard.clone();
    for mask in 0u32..(1u32 << weak.len()) {
        let mut cost = 0.0;
        for (j, &i) in weak.iter().enumerate() {
            let flip = (mask >> j) & 1 == 1;
            bits[i] = hard[i] != flip;
            if flip {
                cost += u[i].abs();
            }
        }
        if best.as_ref().is_some_and(|(_, c, _)| *c <= cost) {
            continue;
        }
        if let Some(p) = payload::decode_hard(&bits) {
            best = Some((p, cost, bits.clone()));
        }
    }
    let (payload, _, bits) = best?;
    let right: f32 = u
        .iter()
        .zip(&bits)
        .map(|(&z, &b)| 1.0 - normal_tail(if b { z } else { -z }))
        .sum();
    Some((payload, (right / CODEWORD_BITS as f32).clamp(0.0, 1.0)))
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
    let mark: f64 = clean
        .samples
        .iter()
        .zip(&marked.samples)
        .map(|(&a, &b)| (f64::from(b) - f64::from(a)).powi(2))
        .sum();
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
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let bit = order.iter().map(|&o| (o % CODEWORD_BITS) as u8).collect();
        let chip = (0..n)
            .map(|_| if rng.next_u64() >> 63 == 1 { 1.0 } else { -1.0 })
            .collect();
        Self { bit, chip }
    }
}

/// The gain `a` of a frame whose energy is `total` in all and `band` in the band: the
/// mark sits `strength_db` below the whole frame, at most `max_band_db` below the band.
fn frame_gain(total: f32, band: f32, style: &AudioMarkStyle) -> f32 {
    let (target, ceiling) = style.gains();
    if band > 0.0 {
        (target * (total / band).sqrt()).min(ceiling)
    } else {
        0.0
    }
}

/// The mark of one channel at [`INTERNAL_RATE`], frame `t` scaled by `gains[t]`.
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
    let (mut out_re, mut out_im) = (vec![0f32; FRAME], vec![0f32; FRAME]);
    // Two frames per transform: frame t in the real part, frame t + 1 in the imaginary.
    for t in (0..gains.len()).step_by(2) {
        let pair = [t, t + 1].map(|u| (u < gains.len()).then(|| (u * HOP, gains[u])));
        for i in 0..FRAME {
            re[i] = pair[0].map_or(0.0, |(start, _)| y[start + i] * window[i]);
            im[i] = pair[1].map_or(0.0, |(start, _)| y[start + i] * window[i]);
        }
        fft.run(&mut re, &mut im, false);
        out_re.fill(0.0);
        out_im.fill(0.0);
        for k in BAND {
            let Some(tile) = tile_of(k) else { continue };
            let (zr, zi, cr, ci) = (re[k], im[k], re[FRAME - k], -im[FRAME - k]);
            // The two frames' spectra at k, from Z[k] and conj(Z[N - k]).
            let (ar, ai) = (0.5 * (zr + cr), 0.5 * (zi + ci));
            let (br, bi) = (0.5 * (zi - ci), -0.5 * (zr - cr));
            let [ga, gb] = [0, 1].map(|j| {
                pair[j].map_or(0.0, |(_, gain)| {
                    let i = ((t + j) % PERIOD) * TILES + tile;
                    let sign = if bits[usize::from(layout.bit[i])] {
                        1.0
                    } else {
                        -1.0
                    };
                    gain * layout.chip[i] * sign
                })
            });
            let (ar, ai, br, bi) = (ga * ar, ga * ai, gb * br, gb * bi);
            // Z'[k] = A + iB and Z'[N - k] = conj(A) + i conj(B).
            out_re[k] = ar - bi;
            out_im[k] = ai + br;
            out_re[FRAME - k] = ar + bi;
            out_im[FRAME - k] = br - ai;
        }
        fft.run(&mut out_re, &mut out_im, true);
        for (j, part) in [&out_re, &out_im].into_iter().enumerate() {
            if let Some((start, _)) = pair[j] {
                for i in 0..FRAME {
                    mark[start + i] += part[i] * window[i];
                }
            }
        }
    }
    mark
}

/// Calls `visit(t, power)` for every frame `t` starting at `offset + t·HOP`, with its
/// one-sided power spectrum (bins `0..=FRAME / 2`) summed over channels.
fn for_each_power(
    channels: &[Vec<f32>],
    offset: usize,
    fft: &Fft,
    window: &[f32],
    mut visit: impl FnMut(usize, &[f32]),
) {
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    let frames = if len >= offset + FRAME {
        (len - offset - FRAME) / HOP + 1
    } else {
        0
    };
    let (mut re, mut im) = (vec![0f32; FRAME], vec![0f32; FRAME]);
    let (mut pa, mut pb) = (vec![0f32; FRAME / 2 + 1], vec![0f32; FRAME / 2 + 1]);
    for t in (0..frames).step_by(2) {
        pa.fill(0.0);
        pb.fill(0.0);
        let second = t + 1 < frames;
        for x in channels {
            let (a, b) = (offset + t * HOP, offset + (t + 1) * HOP);
            for i in 0..FRAME {
                re[i] = x[a + i] * window[i];
                im[i] = if second { x[b + i] * window[i] } else { 0.0 };
            }
            fft.run(&mut re, &mut im, false);
            for k in 0..=FRAME / 2 {
                let j = (FRAME - k) % FRAME;
                let (zr, zi, cr, ci) = (re[k], im[k], re[j], -im[j]);
                pa[k] += 0.25 * ((zr + cr) * (zr + cr) + (zi + ci) * (zi + ci));
                pb[k] += 0.25 * ((zi - ci) * (zi - ci) + (zr - cr) * (zr - cr));
            }
        }
        visit(t, &pa);
        if second {
            visit(t + 1, &pb);
        }
    }
}

/// Per frame, the energy below [`INTERNAL_RATE`]` / 2` and in the band, summed over channels.
fn frame_energies(channels: &[Vec<f32>], fft: &Fft, window: &[f32]) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for_each_power(channels, 0, fft, window, |_, p| {
        out.push((p[1..FRAME / 2].iter().sum(), p[BAND].iter().sum()));
    });
    out
}

/// Band tile energies, and energies below [`INTERNAL_RATE`]` / 2`, summed over
/// channels, of the frames starting at `offset`.
fn tile_energies(
    channels: &[Vec<f32>],
    offset: usize,
    fft: &Fft,
    window: &[f32],
) -> (Vec<[f32; TILES]>, Vec<f32>) {
    let (mut tiles, mut totals) = (Vec::new(), Vec::new());
    for_each_power(channels, offset, fft, window, |_, p| {
        tiles.push(std::array::from_fn(|b| {
            p[BAND_LO_BIN + b * TILE_BINS..][..TILE_BINS].iter().sum()
        }));
        totals.push(p[1..FRAME / 2].iter().sum());
    });
    (tiles, totals)
}

/// Log tile energies with each frame's mean and each tile's local trend removed,
/// clipped at `clip` times their median magnitude, and weighted down where a tile
/// holds little more than the spectral leakage of its neighbours.
fn deviations(energies: &[[f32; TILES]], eps: f32, clip: f32) -> Vec<[f32; TILES]> {
    let eps = eps.max(f32::MIN_POSITIVE);
    let logs: Vec<[f32; TILES]> = energies
        .iter()
        .map(|row| {
            let mut l = row.map(|e| (e + eps).ln());
            let mean = l.iter().sum::<f32>() / TILES as f32;
            l.iter_mut().for_each(|v| *v -= mean);
            l
        })
        .collect();
    let purity: Vec<[f32; TILES]> = energies
        .iter()
        .map(|row| {
            let mut r = [0f32; TILES];
            for (b, v) in r.iter_mut().enumerate() {
                let below = if b > 0 { row[b - 1] } else { 0.0 };
                let above = row.get(b + 1).copied().unwrap_or(0.0);
                *v = row[b] / (row[b] + LEAKAGE * (below + above) + eps);
            }
            r
        })
        .collect();
    let mut dev = vec![[0f32; TILES]; logs.len()];
    for t in 1..logs.len().saturating_sub(1) {
        for b in 0..TILES {
            dev[t][b] = logs[t][b] - 0.5 * (logs[t - 1][b] + logs[t + 1][b]);
        }
    }
    let mut mags: Vec<f32> = dev
        .iter()
        .flatten()
        .map(|v| v.abs())
        .filter(|v| *v > 0.0)
        .collect();
    if mags.is_empty() {
        return dev;
    }
    let mid = mags.len() / 2;
    let limit = clip * *mags.select_nth_unstable_by(mid, f32::total_cmp).1;
    for t in 1..dev.len().saturating_sub(1) {
        for b in 0..TILES {
            let weight = purity[t - 1][b].min(purity[t][b]).min(purity[t + 1][b]);
            dev[t][b] = dev[t][b].clamp(-limit, limit) * weight;
        }
    }
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

/// P(N(0,1) > z) (Abramowitz & Stegun 7.1.26, error below 1e-7).
fn normal_tail(z: f32) -> f32 {
    if z < 0.0 {
        return 1.0 - normal_tail(-z);
    }
    let x = f64::from(z) / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    (0.5 * poly * (-x * x).exp()) as f32
}

fn hann(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos()) as f32)
        .collect()
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
        let rev = (0..n)
            .map(|i| i.reverse_bits() >> (usize::BITS - bits))
            .collect();
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

/// `Σ a[i]·b[i]` over eight lanes, so the compiler can vectorise it.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
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
                    let sinc = if u == 0.0 {
                        1.0
                    } else {
                        (PI * u).sin() / (PI * u)
                    };
                    sinc * (0.5 + 0.5 * (PI * u / HALF_TAPS as f64).cos())
                })
                .collect();
            let sum: f64 = row.iter().sum();
            table.extend(row.iter().map(|v| (v / sum) as f32));
        }
        Self {
            from,
            to,
            taps,
            table,
        }
    }

    /// Output samples covering `input_len` input samples.
    fn out_len(&self, input_len: usize) -> usize {
        ((input_len as u128 * u128::from(self.to)).div_ceil(u128::from(self.from)))
            .try_into()
            .unwrap_or(usize::MAX)
    }

    /// The first `len` output samples of `x` resampled (zero outside `x`).
    fn run(&self, x: &[f32], len: usize) -> Vec<f32> {
        let taps = self.taps;
        let half = taps / 2;
        let mut padded = vec![0f32; x.len() + 2 * taps];
        padded[taps..taps + x.len()].copy_from_slice(x);
        // Input position of output n: ip + frac / to, stepped without division.
        let (step_ip, step_frac) = (self.from / self.to, self.from % self.to);
        let (mut ip, mut frac) = (0u64, 0u64);
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            let mut q = ((frac * RESAMPLER_PHASES as u64 + self.to / 2) / self.to) as usize;
            let mut base = ip;
            if q == RESAMPLER_PHASES {
                base += 1;
                q = 0;
            }
            // Tap j reads input base - (half - 1) + j, i.e. padded index base + 1 + half + j.
            let start = usize::try_from(base)
                .unwrap_or(usize::MAX)
                .saturating_add(half + 1);
            out.push(
                match (
                    padded.get(start..start.saturating_add(taps)),
                    self.table.get(q * taps..(q + 1) * taps),
                ) {
                    (Some(xs), Some(hs)) => dot(xs, hs),
                    _ => 0.0,
                },
            );
            ip += step_ip;
            frac += step_frac;
            if frac >= self.to {
                frac -= self.to;
                ip += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::Artifact;
    use crate::watermark::{draft, DraftMark, WatermarkStyle};
    use std::f64::consts::TAU;
    use std::sync::OnceLock;

    const PAYLOAD: u64 = 0xF1E6_2026_0000_0C2A;

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
        let n = chans.iter().map(Vec::len).min().unwrap_or(0);
        let samples = (0..n).flat_map(|i| {
            chans
                .iter()
                .map(move |c| c[i].round().clamp(-32768.0, 32767.0) as i16)
        });
        Audio {
            sample_rate: sr,
            channels: chans.len() as u16,
            samples: samples.collect(),
        }
    }

    fn mono(sr: u32, secs: f64, f: impl Fn(f64) -> f64) -> Audio {
        to_audio(
            sr,
            vec![(0..(f64::from(sr) * secs) as usize)
                .map(|i| f(i as f64 / f64::from(sr)))
                .collect()],
        )
    }

    /// Chords of harmonic notes with attack and decay, a bass note and hi-hat noise;
    /// stereo pans the notes differently.
    fn music(sr: u32, channels: u16, secs: f64, seed: u64) -> Audio {
        let mut rng = Rng(seed | 1);
        let fs = f64::from(sr);
        let n = (fs * secs) as usize;
        let mut chans = vec![vec![0f64; n]; usize::from(channels)];
        let beat = 0.25 + 0.5 * rng.unit();
        let mut start = 0.0;
        while start < secs {
            let dur = beat * (1 + rng.next() % 3) as f64;
            let root = 110.0 * 2f64.powf((rng.next() % 12) as f64 / 12.0);
            let notes = [root, root * 1.26, root * 1.5, root * 2.24, root / 2.0];
            let (s0, s1) = (
                (start * fs) as usize,
                (((start + dur) * fs) as usize).min(n),
            );
            for (k, &f) in notes.iter().enumerate() {
                let pan = (k as f64 + 0.5) / notes.len() as f64;
                let amp = 2500.0 / (1.0 + k as f64 * 0.3);
                for i in s0..s1 {
                    let t = (i - s0) as f64 / fs;
                    let env = amp * (t / 0.02).min(1.0) * (-t * 2.5).exp();
                    let v: f64 = (1..=6)
                        .filter(|&h| f * f64::from(h) < fs / 2.0)
                        .map(|h| (TAU * f * f64::from(h) * t).sin() / f64::from(h))
                        .sum();
                    for (c, ch) in chans.iter_mut().enumerate() {
                        let g = if channels == 1 {
                            1.0
                        } else if c == 0 {
                            1.0 - pan
                        } else {
                            pan
                        };
                        ch[i] += env * v * (0.4 + g);
                    }
                }
            }
            for i in s0..(s0 + sr as usize / 30).min(n) {
                let v = 900.0 * rng.gauss() * (-((i - s0) as f64) / fs * 120.0).exp();
                chans.iter_mut().for_each(|ch| ch[i] += v);
            }
            start += dur;
        }
        to_audio(sr, chans)
    }

    /// A pulse-train voice through three formant resonators that move every syllable,
    /// with fricatives, a syllabic envelope and pauses, at about −24 dBFS RMS.
    fn speech(sr: u32, secs: f64, seed: u64) -> Audio {
        let mut rng = Rng(seed | 1);
        let fs = f64::from(sr);
        let n = (fs * secs) as usize;
        let mut out = vec![0f64; n];
        let mut state = [[0f64; 2]; 3];
        let (mut phase, mut i) = (0.0, 0);
        let f0_base = 100.0 + 80.0 * rng.unit();
        while i < n {
            let syllable = ((0.12 + 0.2 * rng.unit()) * fs) as usize;
            let (pause, fricative) = (rng.unit() < 0.2, rng.unit() < 0.2);
            let step = 0.95 + 0.1 * rng.unit();
            let formants = [
                300.0 + 500.0 * rng.unit(),
                900.0 + 1400.0 * rng.unit(),
                2300.0 + 900.0 * rng.unit(),
            ];
            let r = (-PI * 90.0 / fs).exp();
            let coeffs =
                formants.map(|f: f64| (2.0 * r * (TAU * f.min(fs * 0.45) / fs).cos(), -r * r));
            for j in 0..syllable.min(n - i) {
                // Intonation: a slow phrase contour and a pitch step per syllable.
                let f0 = f0_base * (1.0 + 0.12 * (TAU * 0.7 * (i + j) as f64 / fs).sin()) * step;
                phase += f0 / fs;
                let excitation = if pause {
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
                    let y = excitation + a1 * state[k][0] + a2 * state[k][1];
                    state[k] = [y, state[k][0]];
                    v += y / (1.0 + k as f64);
                }
                out[i + j] = v * (PI * j as f64 / syllable as f64).sin();
            }
            i += syllable;
        }
        let rms = (out.iter().map(|v| v * v).sum::<f64>() / n.max(1) as f64)
            .sqrt()
            .max(1e-9);
        let gain = 32768.0 * 10f64.powf(-24.0 / 20.0) / rms;
        to_audio(sr, vec![out.iter().map(|v| v * gain).collect()])
    }

    fn rms(a: &Audio) -> f64 {
        (a.samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>()
            / a.samples.len().max(1) as f64)
            .sqrt()
    }

    fn map_samples(a: &Audio, f: impl FnMut(i16) -> f64) -> Audio {
        let samples = a
            .samples
            .iter()
            .copied()
            .map(f)
            .map(|v| v.round().clamp(-32768.0, 32767.0) as i16)
            .collect();
        Audio {
            samples,
            ..a.clone()
        }
    }

    fn requantise_8bit(a: &Audio) -> Audio {
        map_samples(a, |s| {
            (f64::from(s) / 256.0).round().clamp(-128.0, 127.0) * 256.0
        })
    }

    fn add_noise(a: &Audio, snr_db: f64, seed: u64) -> Audio {
        let sigma = rms(a) * 10f64.powf(-snr_db / 20.0);
        let mut rng = Rng(seed | 1);
        map_samples(a, |s| f64::from(s) + sigma * rng.gauss())
    }

    fn cut(a: &Audio, from_secs: f64, keep_secs: f64) -> Audio {
        let ch = usize::from(a.channels);
        let from = (from_secs * f64::from(a.sample_rate)) as usize * ch;
        let to = from + (keep_secs * f64::from(a.sample_rate)) as usize * ch;
        Audio {
            samples: a.samples[from.min(a.samples.len())..to.min(a.samples.len())].to_vec(),
            ..a.clone()
        }
    }

    fn downmix(a: &Audio) -> Audio {
        let ch = usize::from(a.channels);
        let samples = a
            .samples
            .chunks_exact(ch)
            .map(|f| (f.iter().map(|&s| i32::from(s)).sum::<i32>() / ch as i32) as i16);
        Audio {
            sample_rate: a.sample_rate,
            channels: 1,
            samples: samples.collect(),
        }
    }

    /// Halves or doubles the rate: a Blackman-windowed sinc low-pass at the lower
    /// rate's Nyquist frequency, 32 zero crossings a side.
    fn resample_2x(a: &Audio, up: bool) -> Audio {
        const HALF: i64 = 64; // in samples of the higher rate
        let kernel: Vec<f64> = (-HALF..=HALF)
            .map(|d| {
                let (x, w) = (d as f64 / 2.0, d as f64 / HALF as f64);
                let sinc = if d == 0 {
                    1.0
                } else {
                    (PI * x).sin() / (PI * x)
                };
                sinc * (0.42 + 0.5 * (PI * w).cos() + 0.08 * (TAU * w).cos())
            })
            .collect();
        let ch = usize::from(a.channels);
        let frames = (a.samples.len() / ch) as i64;
        let chans = (0..ch)
            .map(|c| {
                let x = |i: i64| {
                    if (0..frames).contains(&i) {
                        f64::from(a.samples[i as usize * ch + c])
                    } else {
                        0.0
                    }
                };
                if up {
                    // Zero-stuffed input at the higher rate, filtered: only even taps hit samples.
                    (0..2 * frames)
                        .map(|n| {
                            (-HALF..=HALF)
                                .filter(|d| (n + d) % 2 == 0)
                                .map(|d| x((n + d) / 2) * kernel[(d + HALF) as usize])
                                .sum()
                        })
                        .collect()
                } else {
                    (0..frames / 2)
                        .map(|n| {
                            (-HALF..=HALF)
                                .map(|d| x(2 * n + d) * kernel[(d + HALF) as usize] / 2.0)
                                .sum()
                        })
                        .collect()
                }
            })
            .collect();
        to_audio(
            if up {
                a.sample_rate * 2
            } else {
                a.sample_rate / 2
            },
            chans,
        )
    }

    fn style() -> AudioMarkStyle {
        AudioMarkStyle::default()
    }

    /// 12 s of music-like mono at 44.1 kHz, clean and marked with [`PAYLOAD`].
    fn marked_music() -> &'static (Audio, Audio) {
        static CELL: OnceLock<(Audio, Audio)> = OnceLock::new();
        CELL.get_or_init(|| {
            let clean = music(44_100, 1, 12.0, 1);
            let marked = embed(&clean, PAYLOAD, &style()).expect("music holds a mark");
            (clean, marked)
        })
    }

    fn assert_reads(a: &Audio, what: &str) {
        let (found, top) = scan(a, &style());
        assert_eq!(
            found.payload(),
            Some(PAYLOAD),
            "{what}: {found:?}, best mean |z| {top:.2}"
        );
    }

    #[test]
    fn music_and_speech_carry_the_payload_well_below_the_programme() {
        // R: W2
        let (clean, marked) = marked_music();
        let speech_clean = speech(44_100, 12.0, 3);
        let speech_marked = embed(&speech_clean, PAYLOAD, &style()).unwrap();
        for (what, clean, marked) in [
            ("music", clean, marked),
            ("speech", &speech_clean, &speech_marked),
        ] {
            let level = mark_level_db(clean, marked).unwrap();
            println!(
                "{what}: mark at {level:.1} dB, {:?}, best mean |z| {:.2}",
                detect(marked, &style()),
                scan(marked, &style()).1
            );
            assert!(
                (-27.0..=-20.0).contains(&level),
                "{what}: mark at {level:.1} dB"
            );
            let Detection::Found {
                payload,
                confidence,
            } = detect(marked, &style())
            else {
                panic!("{what}: not found")
            };
            assert_eq!(payload, PAYLOAD, "{what}");
            assert!(confidence > 0.5, "{what}: confidence {confidence}");
            assert_eq!(
                (marked.sample_rate, marked.channels, marked.samples.len()),
                (44_100, 1, clean.samples.len())
            );
        }
    }

    #[test]
    fn survives_resampling_to_22k_and_back() {
        // R: W2
        let (_, marked) = marked_music();
        let round_trip = resample_2x(&resample_2x(marked, false), true);
        assert_eq!(round_trip.sample_rate, 44_100);
        assert_ne!(round_trip.samples, marked.samples);
        assert_reads(&round_trip, "44.1 → 22.05 → 44.1 kHz");
    }

    #[test]
    fn survives_8_bit_requantisation() {
        // R: W2
        let (_, marked) = marked_music();
        let coarse = requantise_8bit(marked);
        assert!(coarse
            .samples
            .iter()
            .all(|s| s % 256 == 0 || *s == i16::MAX));
        assert_reads(&coarse, "8-bit");
        let speech = embed(&speech(22_050, 12.0, 5), PAYLOAD, &style()).unwrap();
        assert_reads(&requantise_8bit(&speech), "8-bit speech");
    }

    #[test]
    fn survives_white_noise_at_30_db_snr() {
        // R: W2
        let (_, marked) = marked_music();
        let noisy = add_noise(marked, 30.0, 9);
        let noise: f64 = noisy
            .samples
            .iter()
            .zip(&marked.samples)
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
            .sum();
        let snr = 10.0
            * (marked
                .samples
                .iter()
                .map(|&v| f64::from(v).powi(2))
                .sum::<f64>()
                / noise)
                .log10();
        assert!((snr - 30.0).abs() < 0.5, "SNR {snr:.1} dB");
        assert_reads(&noisy, "30 dB SNR");
    }

    #[test]
    fn survives_a_cut_at_any_offset() {
        // R: W2
        let (_, marked) = marked_music();
        assert_reads(&cut(marked, 1.37, 60.0), "first 1.37 s dropped");
        assert_reads(&cut(marked, 4.013, 7.0), "7 s from 4.013 s");
    }

    #[test]
    fn stereo_and_its_downmix_carry_the_payload() {
        // R: W2
        let clean = music(44_100, 2, 12.0, 2);
        let marked = embed(&clean, PAYLOAD, &style()).unwrap();
        assert_eq!(
            (marked.channels, marked.samples.len()),
            (2, clean.samples.len())
        );
        let level = mark_level_db(&clean, &marked).unwrap();
        assert!(
            (-27.0..=-20.0).contains(&level),
            "stereo mark at {level:.1} dB"
        );
        assert_reads(&marked, "stereo");
        assert_reads(&downmix(&marked), "downmix");
        assert_reads(
            &cut(&add_noise(&marked, 30.0, 4), 2.5, 60.0),
            "stereo, noise and cut",
        );
    }

    #[test]
    fn any_rate_works_a_22k_file_is_marked_and_read_and_so_is_a_22k_copy() {
        // R: W2
        let clean = music(22_050, 1, 12.0, 4);
        let marked = embed(&clean, PAYLOAD, &style()).unwrap();
        assert_eq!(marked.sample_rate, 22_050);
        assert_reads(&marked, "22.05 kHz");
        assert_reads(
            &resample_2x(&resample_2x(&marked, true), false),
            "22.05 → 44.1 → 22.05 kHz",
        );
        let (_, marked44) = marked_music();
        assert_reads(
            &resample_2x(marked44, false),
            "44.1 kHz mark read at 22.05 kHz",
        );
        let speech48 = embed(&speech(48_000, 9.0, 12), PAYLOAD, &style()).unwrap();
        assert_reads(&speech48, "48 kHz");
    }

    #[test]
    fn unmarked_audio_is_never_detected() {
        // R: W2
        let mut rng = Rng(77);
        let mut clips: Vec<(String, Audio)> = Vec::new();
        for (i, f) in [110.0, 440.0, 1000.0, 1062.5, 2500.0, 3300.0]
            .into_iter()
            .enumerate()
        {
            let sr = [8000, 16_000, 22_050, 44_100, 48_000, 11_025][i];
            clips.push((
                format!("tone {f} Hz"),
                mono(sr, 6.0, |t| 9000.0 * (TAU * f * t).sin()),
            ));
        }
        clips.push((
            "chord".into(),
            mono(16_000, 8.0, |t| {
                [220.0, 277.2, 329.6]
                    .iter()
                    .map(|f| 3000.0 * (TAU * f * t).sin())
                    .sum()
            }),
        ));
        clips.push((
            "am tone".into(),
            mono(16_000, 8.0, |t| {
                8000.0 * (TAU * 1200.0 * t).sin() * (1.0 + (TAU * 4.0 * t).sin()) / 2.0
            }),
        ));
        clips.push((
            "sweep".into(),
            mono(16_000, 8.0, |t| {
                8000.0 * (TAU * (200.0 * t + 200.0 * t * t)).sin()
            }),
        ));
        clips.push((
            "square".into(),
            mono(16_000, 6.0, |t| {
                if (t * 311.0).fract() < 0.5 {
                    5000.0
                } else {
                    -5000.0
                }
            }),
        ));
        clips.push((
            "clicks".into(),
            mono(16_000, 6.0, |t| {
                if (t * 3.1).fract() < 0.002 {
                    20_000.0
                } else {
                    0.0
                }
            }),
        ));
        clips.push((
            "dtmf".into(),
            mono(8000, 8.0, |t| {
                let k = (t * 4.0) as usize;
                let (lo, hi) = (
                    [697.0, 770.0, 852.0, 941.0][k % 4],
                    [1209.0, 1336.0, 1477.0][k % 3],
                );
                4000.0 * ((TAU * lo * t).sin() + (TAU * hi * t).sin())
            }),
        ));
        for seed in 0..4u64 {
            let sigma = [300.0, 3000.0, 12_000.0, 30.0][seed as usize];
            clips.push((format!("white noise σ={sigma}"), mono(16_000, 6.0, |_| 0.0)));
            let last = clips.last_mut().unwrap();
            last.1 = map_samples(&last.1, |_| sigma * rng.gauss());
        }
        let mut brown = 0.0;
        clips.push((
            "brown noise".into(),
            map_samples(&mono(22_050, 6.0, |_| 0.0), |_| {
                brown = 0.995 * brown + 300.0 * rng.gauss();
                brown
            }),
        ));
        for seed in 0..8 {
            let sr = [8000, 16_000, 22_050, 44_100][seed as usize % 4];
            clips.push((
                format!("music {seed}"),
                music(sr, 1 + (seed % 2) as u16, 7.0, 100 + seed),
            ));
        }
        for seed in 0..6 {
            clips.push((
                format!("speech {seed}"),
                speech([16_000, 22_050, 8000][seed as usize % 3], 7.0, 200 + seed),
            ));
        }
        clips.push(("silence".into(), mono(44_100, 6.0, |_| 0.0)));
        clips.push((
            "speech in noise".into(),
            add_noise(&speech(16_000, 8.0, 9), 10.0, 3),
        ));
        let other_key = AudioMarkStyle {
            key: 12345,
            ..style()
        };
        clips.push((
            "marked with another key".into(),
            embed(&music(16_000, 1, 8.0, 31), PAYLOAD, &other_key).unwrap(),
        ));
        assert!(clips.len() >= 30, "{} clips", clips.len());
        for (what, clip) in &clips {
            let (found, top) = scan(clip, &style());
            assert_eq!(found, Detection::NotFound, "{what}");
            assert!(
                top < 1.4,
                "{what}: best mean |z| {top:.2} is close to the decision level"
            );
        }
    }

    #[test]
    fn short_silent_or_malformed_audio_is_unfit_and_never_panics() {
        // R: W2
        let s = style();
        let mut rng = Rng(3);
        let cases = [
            ("5.9 s", music(16_000, 1, 5.9, 1)),
            ("silence", mono(44_100, 20.0, |_| 0.0)),
            (
                "hiss at -75 dBFS",
                map_samples(&mono(16_000, 20.0, |_| 0.0), |_| 6.0 * rng.gauss()),
            ),
            ("half of it silent", {
                let mut a = music(16_000, 1, 10.0, 2);
                a.samples[16_000 * 5 + 8000..]
                    .iter_mut()
                    .for_each(|v| *v = 0);
                a
            }),
            (
                "no channel",
                Audio {
                    sample_rate: 16_000,
                    channels: 0,
                    samples: vec![1000; 200_000],
                },
            ),
            (
                "4 kHz rate",
                Audio {
                    sample_rate: 4000,
                    channels: 1,
                    samples: vec![1000; 200_000],
                },
            ),
            (
                "zero rate",
                Audio {
                    sample_rate: 0,
                    channels: 1,
                    samples: vec![1000; 200_000],
                },
            ),
            (
                "huge rate",
                Audio {
                    sample_rate: u32::MAX,
                    channels: 1,
                    samples: vec![1000; 200_000],
                },
            ),
            (
                "empty",
                Audio {
                    sample_rate: 44_100,
                    channels: 2,
                    samples: vec![],
                },
            ),
        ];
        for (what, audio) in &cases {
            let err = embed(audio, 1, &s).expect_err(what);
            assert!(!err.reason.is_empty(), "{what}");
            assert_eq!(detect(audio, &s), Detection::NotFound, "{what}");
        }
        // Odd styles do not panic either, and a trailing partial frame is kept.
        let odd = AudioMarkStyle {
            strength_db: f32::NAN,
            max_band_db: f32::INFINITY,
            silence_dbfs: f32::NEG_INFINITY,
            floor_dbfs: f32::NAN,
            clip: -1.0,
            min_mean_z: f32::NAN,
            repair_bits: u8::MAX,
            min_programme_ms: 0,
            ..s
        };
        let mut tiny = music(8000, 3, 0.4, 5);
        tiny.samples.push(1234);
        let marked = embed(&tiny, 9, &odd).unwrap();
        assert_eq!(
            (marked.samples.len(), *marked.samples.last().unwrap()),
            (tiny.samples.len(), 1234)
        );
        assert_eq!(detect(&marked, &odd), Detection::NotFound);
        assert_eq!(
            detect(
                &Audio {
                    sample_rate: MAX_RATE,
                    channels: 1,
                    samples: vec![7; 10]
                },
                &odd
            ),
            Detection::NotFound
        );
    }

    #[test]
    fn embedding_is_deterministic_keyed_and_leaves_silence_silent() {
        // R: W2
        let mut clean = speech(16_000, 12.0, 8);
        clean.samples[16_000 * 4..16_000 * 6]
            .iter_mut()
            .for_each(|v| *v = 0);
        let a = embed(&clean, PAYLOAD, &style()).unwrap();
        assert_eq!(a, embed(&clean, PAYLOAD, &style()).unwrap());
        assert_ne!(a, embed(&clean, PAYLOAD ^ 1, &style()).unwrap());
        // The mark follows the programme: 2 s of digital silence stay silent, but for
        // the filter's ring-out at the edges.
        assert!(a.samples[16_000 * 4 + 800..16_000 * 6 - 800]
            .iter()
            .all(|&v| v.abs() <= 1));
        assert_reads(&a, "speech with a gap");
        let other = AudioMarkStyle { key: 99, ..style() };
        assert_eq!(detect(&a, &other), Detection::NotFound);
        let b = embed(&clean, 7, &other).unwrap();
        assert_eq!(detect(&b, &other).payload(), Some(7));
    }

    #[test]
    fn the_audible_tag_and_the_payload_coexist() {
        // R: W1
        // R: W2
        let clean = music(44_100, 2, 12.0, 6);
        let mark = DraftMark {
            reference: "order-12".into(),
            seed: 1,
        };
        let Artifact::Audio(tagged) = draft(
            &Artifact::Audio(clean.clone()),
            &mark,
            &WatermarkStyle::default(),
        ) else {
            panic!("not audio")
        };
        let marked = embed(&tagged, PAYLOAD, &style()).unwrap();
        assert_reads(&marked, "tagged draft");
        assert_reads(&requantise_8bit(&marked), "tagged draft, 8-bit");
        // The chime (880 Hz) still sounds at every tag and not between them.
        let power_880 = |from_s: f64| {
            let x: Vec<f64> = cut(&downmix(&marked), from_s, 0.1)
                .samples
                .iter()
                .map(|&v| f64::from(v))
                .collect();
            let k = 2.0 * (TAU * 880.0 / 44_100.0).cos();
            let (mut s1, mut s2) = (0.0, 0.0);
            for v in &x {
                (s2, s1) = (s1, v + k * s1 - s2);
            }
            (s1 * s1 + s2 * s2 - k * s1 * s2) / (x.len() as f64).powi(2)
        };
        let clean_880 = |from_s: f64| {
            let x: Vec<f64> = cut(&downmix(&clean), from_s, 0.1)
                .samples
                .iter()
                .map(|&v| f64::from(v))
                .collect();
            let k = 2.0 * (TAU * 880.0 / 44_100.0).cos();
            let (mut s1, mut s2) = (0.0, 0.0);
            for v in &x {
                (s2, s1) = (s1, v + k * s1 - s2);
            }
            (s1 * s1 + s2 * s2 - k * s1 * s2) / (x.len() as f64).powi(2)
        };
        for tag_s in [0.0, 4.0, 8.0] {
            let (tag, programme) = (power_880(tag_s + 0.075), clean_880(tag_s + 0.075));
            assert!(
                tag > 10.0 * programme.max(1.0),
                "tag at {tag_s} s: {tag:.0} vs programme {programme:.0}"
            );
        }
    }

    /// 30 recordings (10 seeds of music, speech and stereo music, 12 s at 44.1 kHz)
    /// under every attack and all of them at once; prints each best mean |z|. Slow in
    /// the dev profile: `cargo test --release -p fivergo-core --lib watermark::audio --
    /// --ignored --nocapture` (`SECS=8` for 8 s recordings).
    #[test]
    #[ignore]
    fn robustness_sweep() {
        // R: W2
        let secs: f64 = std::env::var("SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(12.0);
        let (mut failures, mut reads) = (Vec::new(), 0);
        for seed in 0..10u64 {
            for kind in ["music", "speech", "stereo"] {
                let clean = match kind {
                    "music" => music(44_100, 1, secs, 1000 + seed),
                    "speech" => speech(44_100, secs, 2000 + seed),
                    _ => music(44_100, 2, secs, 3000 + seed),
                };
                let Ok(marked) = embed(&clean, PAYLOAD ^ seed, &style()) else {
                    println!("{kind} {seed}: unfit");
                    continue;
                };
                let mut line = format!(
                    "{kind} {seed}: mark at {:.1} dB",
                    mark_level_db(&clean, &marked).unwrap_or(0.0)
                );
                let round_trip = resample_2x(&resample_2x(&marked, false), true);
                let all = cut(
                    &add_noise(&requantise_8bit(&round_trip), 30.0, seed),
                    1.37,
                    1e9,
                );
                for (attack, a) in [
                    ("none", marked.clone()),
                    ("22k", round_trip),
                    ("8-bit", requantise_8bit(&marked)),
                    ("30 dB", add_noise(&marked, 30.0, seed)),
                    ("cut", cut(&marked, 1.37, 1e9)),
                    ("all", all),
                ] {
                    let (found, top) = scan(&a, &style());
                    reads += 1;
                    let ok = found.payload() == Some(PAYLOAD ^ seed);
                    if !ok {
                        failures.push(format!("{kind} {seed} {attack}"));
                    }
                    line += &format!(" | {attack} {top:.2}{}", if ok { "" } else { " FAILED" });
                }
                line += &format!(" | unmarked {:.2}", scan(&clean, &style()).1);
                println!("{line}");
            }
        }
        println!("{} of {reads} reads failed", failures.len());
        assert!(failures.is_empty(), "{failures:?}");
    }
}
