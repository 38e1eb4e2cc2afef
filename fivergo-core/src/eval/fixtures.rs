//! Synthetic seller styles for evaluations, benchmarks and tests: two clearly
//! different picture styles, two music styles and two writing voices, drawn from a
//! seed so every run sees the same files.
//!
//! ```
//! use fivergo_core::eval::fixtures::{line_art, soft_colour};
//! let a = line_art(256, 1);
//! let b = soft_colour(256, 1);
//! assert_eq!((a.width, b.height), (256, 256));
//! assert_ne!(a, line_art(256, 2));
//! ```

use crate::generator::{Audio, Image};
use crate::rng::SplitMix;
use std::f32::consts::TAU;

/// Black line art on white: thick strokes along circles, waves and straight lines,
/// like a fine-line tattoo flash sheet.
///
/// ```
/// use fivergo_core::eval::fixtures::line_art;
/// let img = line_art(128, 1);
/// assert_eq!((img.width, img.height), (128, 128));
/// let ink = img.rgba.chunks(4).filter(|px| px[0] < 128).count();
/// assert!(ink > 0 && ink < 128 * 128 / 2); // dark strokes on mostly white paper
/// assert_eq!(line_art(128, 1), img); // the seed decides the sheet
/// assert_ne!(line_art(128, 2), img);
/// ```
pub fn line_art(size: u32, seed: u64) -> Image {
    let mut rng = SplitMix(seed ^ 0x11AE_A127);
    let s = size.max(1) as f32;
    let stroke = (s / 90.0).max(1.5);
    let circles: Vec<(f32, f32, f32)> = (0..4)
        .map(|_| {
            (
                rng.next_f32() * s,
                rng.next_f32() * s,
                (0.1 + 0.25 * rng.next_f32()) * s,
            )
        })
        .collect();
    let waves: Vec<(f32, f32, f32)> = (0..3)
        .map(|_| {
            (
                rng.next_f32() * s,
                (0.03 + 0.05 * rng.next_f32()) * s,
                (2.0 + 4.0 * rng.next_f32()) / s,
            )
        })
        .collect();
    let lines: Vec<(f32, f32, f32)> = (0..3)
        .map(|_| {
            let a = rng.next_f32() * TAU;
            (a.cos(), a.sin(), rng.next_f32() * s)
        })
        .collect();
    let mut img = Image::filled(size, size, [255, 255, 255, 255]);
    for (i, px) in img.rgba.chunks_exact_mut(4).enumerate() {
        let (x, y) = (
            (i as u32 % size.max(1)) as f32,
            (i as u32 / size.max(1)) as f32,
        );
        let mut d = f32::MAX;
        for &(cx, cy, r) in &circles {
            d = d.min((((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r).abs());
        }
        for &(y0, amp, freq) in &waves {
            d = d.min((y - (y0 + amp * (x * freq * TAU).sin())).abs());
        }
        for &(nx, ny, off) in &lines {
            d = d.min((x * nx + y * ny - off).abs());
        }
        // Anti-aliased stroke edge.
        let ink = (stroke - d + 0.5).clamp(0.0, 1.0);
        let v = (255.0 * (1.0 - ink)) as u8;
        px[..3].copy_from_slice(&[v, v, v]);
    }
    img
}

/// Soft, warm colour fields: overlapping gradient blobs in oranges, pinks and teals
/// with a fine painterly grain — no lines at all.
///
/// ```
/// use fivergo_core::eval::fixtures::soft_colour;
/// let img = soft_colour(64, 1);
/// assert_eq!(img.rgba.len(), 64 * 64 * 4);
/// let black = img.rgba.chunks(4).filter(|px| px[..3].iter().all(|&c| c < 60)).count();
/// assert_eq!(black, 0); // colour fields, no ink
/// assert_eq!(soft_colour(64, 1), img);
/// ```
pub fn soft_colour(size: u32, seed: u64) -> Image {
    const PALETTE: [[f32; 3]; 5] = [
        [244.0, 162.0, 97.0],
        [231.0, 111.0, 81.0],
        [233.0, 196.0, 106.0],
        [42.0, 157.0, 143.0],
        [238.0, 130.0, 170.0],
    ];
    let mut rng = SplitMix(seed ^ 0x50F7_C010);
    let s = size.max(1) as f32;
    let blobs: Vec<(f32, f32, f32, [f32; 3])> = (0..7)
        .map(|_| {
            (
                rng.next_f32() * s,
                rng.next_f32() * s,
                (0.15 + 0.3 * rng.next_f32()) * s,
                PALETTE[(rng.next_u64() % 5) as usize],
            )
        })
        .collect();
    let mut img = Image::filled(size, size, [0, 0, 0, 255]);
    for (i, px) in img.rgba.chunks_exact_mut(4).enumerate() {
        let (x, y) = (
            (i as u32 % size.max(1)) as f32,
            (i as u32 / size.max(1)) as f32,
        );
        let (mut acc, mut wsum) = ([250.0f32, 235.0, 215.0], 0.3f32);
        acc.iter_mut().for_each(|c| *c *= 0.3);
        for &(cx, cy, r, col) in &blobs {
            let w = (-((x - cx).powi(2) + (y - cy).powi(2)) / (r * r)).exp();
            for (a, c) in acc.iter_mut().zip(col) {
                *a += w * c;
            }
            wsum += w;
        }
        let grain = (rng.next_f32() - 0.5) * 18.0;
        for (p, a) in px[..3].iter_mut().zip(acc) {
            *p = (a / wsum + grain).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

/// A music style: tempo, key and timbre.
///
/// ```
/// use fivergo_core::eval::fixtures::{music, MusicStyle};
/// let custom = MusicStyle { bpm: 100.0, tonic_midi: 60, minor: false, brightness: 0.5 };
/// assert_eq!(music(custom, 1.0, 8_000, 7).duration_ms(), 1000);
/// assert_ne!(music(MusicStyle::MELLOW, 1.0, 8_000, 7), music(MusicStyle::BRIGHT, 1.0, 8_000, 7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MusicStyle {
    /// Beats per minute.
    pub bpm: f32,
    /// The tonic's MIDI note number (57 = A3).
    pub tonic_midi: u8,
    /// Minor (true) or major key.
    pub minor: bool,
    /// Harmonic brightness: the amplitude ratio of each partial to the previous (0..1).
    pub brightness: f32,
}

impl MusicStyle {
    /// A slow, mellow A-minor style: 90 BPM, dark timbre.
    pub const MELLOW: MusicStyle = MusicStyle {
        bpm: 90.0,
        tonic_midi: 57,
        minor: true,
        brightness: 0.3,
    };
    /// A fast, bright E-major style: 140 BPM, many strong partials.
    pub const BRIGHT: MusicStyle = MusicStyle {
        bpm: 140.0,
        tonic_midi: 64,
        minor: false,
        brightness: 0.85,
    };
}

/// `secs` seconds of mono music at `rate` Hz in `style`: a plucked note on every beat
/// walking the key's triads (I–VI–IV–V), over a soft sustained root.
///
/// ```
/// use fivergo_core::eval::fixtures::{music, MusicStyle};
/// let a = music(MusicStyle::MELLOW, 2.0, 22_050, 1);
/// assert_eq!((a.sample_rate, a.channels, a.samples.len()), (22_050, 1, 44_100));
/// ```
pub fn music(style: MusicStyle, secs: f32, rate: u32, seed: u64) -> Audio {
    let mut rng = SplitMix(seed ^ 0x3A51_C0DE);
    let rate_f = rate.max(1) as f32;
    let n = (secs.max(0.0) * rate_f) as usize;
    let scale: [i32; 7] = if style.minor {
        [0, 2, 3, 5, 7, 8, 10]
    } else {
        [0, 2, 4, 5, 7, 9, 11]
    };
    let beat = 60.0 / style.bpm.max(1.0);
    let progression = [0usize, 5, 3, 4];
    let hz = |midi: i32| 440.0 * 2f32.powf((midi as f32 - 69.0) / 12.0);
    let partials = |f: f32, t: f32| -> f32 {
        (1..=8)
            .map(|k| style.brightness.powi(k - 1) * (TAU * f * k as f32 * t).sin())
            .sum::<f32>()
            / 2.0
    };
    let mut out = vec![0f32; n];
    let beats = (secs / beat).ceil() as usize;
    for b in 0..beats {
        let degree = progression[(b / 4) % 4]
            + [0, 2, 4, 2][b % 4]
            + (rng.next_u64() % 2) as usize * 7 * usize::from(b % 8 == 7);
        let midi = i32::from(style.tonic_midi) + 12 * (degree / 7) as i32 + scale[degree % 7];
        let start = (b as f32 * beat * rate_f) as usize;
        let len = ((beat * 0.95) * rate_f) as usize;
        for i in 0..len.min(n.saturating_sub(start)) {
            let t = i as f32 / rate_f;
            out[start + i] += 0.45 * (-t * 6.0).exp() * partials(hz(midi), t);
        }
    }
    for (i, s) in out.iter_mut().enumerate() {
        let t = i as f32 / rate_f;
        *s += 0.12 * (TAU * hz(i32::from(style.tonic_midi) - 12) * t).sin();
    }
    let peak = out.iter().fold(1e-6f32, |m, s| m.max(s.abs()));
    let samples = out
        .iter()
        .map(|s| (s / peak * 0.8 * 32767.0) as i16)
        .collect();
    Audio {
        sample_rate: rate,
        channels: 1,
        samples,
    }
}

/// Sample texts of two writing voices: `formal` (contracts, reports) or playful.
///
/// ```
/// let t = fivergo_core::eval::fixtures::writing(true);
/// assert!(t.len() >= 4 && t[0].contains("hereby"));
/// ```
pub fn writing(formal: bool) -> Vec<String> {
    let texts: &[&str] = if formal {
        &[
            "The parties hereby acknowledge that the obligations set forth herein shall remain in force until the completion of the services described in the schedule.",
            "Pursuant to the agreement, the supplier shall furnish the documentation required by the client notwithstanding any provision to the contrary.",
            "The committee has reviewed the quarterly report and recommends that the board approve the proposed allocation of resources for the next fiscal period.",
            "In accordance with the applicable regulations, the undersigned confirms that the information provided in this declaration is accurate and complete.",
            "The contractor shall indemnify the client against all claims arising from the performance of the services, save where such claims result from negligence.",
        ]
    } else {
        &[
            "Whoa, pizza night! Grab your friends, grab the snacks, and let's make this the best weekend ever, okay?",
            "Sunny skies, ice cream drips, and a dog who thinks every stick is treasure. Honestly, what more do you need?",
            "Guess what? The cat knocked the plant over again, and now she's pretending it was the wind. Classic cat move!",
            "Let's go go go! Sneakers on, music up, and the park is calling our names. Last one there buys the lemonade!",
            "Tiny kitchen, giant pancakes, zero regrets. Syrup everywhere, giggles everywhere, and a very happy Sunday.",
        ]
    };
    texts.iter().map(|t| t.to_string()).collect()
}
