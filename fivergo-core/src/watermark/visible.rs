//! Visible / audible draft watermarks (SPEC W1).
//!
//! The library passes every client-facing draft through [`draft`]; only the
//! approved-and-paid state releases the clean artifact (G1).
//!
//! - Image: `DRAFT <reference>` tiled along a rising diagonal over the whole image,
//!   a light fill with a dark outline so it reads on white, black and grey; the tile
//!   offset and opacity are jittered per draft from [`DraftMark::seed`].
//! - Audio: a 250 ms two-tone chime (880 + 1320 Hz) every `tag_interval_ms`, starting
//!   at 0 ms, on every channel.
//! - Text: a header and a footer line around an excerpt of the text.
//!
//! Deterministic (same inputs, same bytes) and panic-free for any input.

use crate::generator::{Artifact, Audio, Image};
use crate::rng::SplitMix;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Parameters of the visible / audible mark; `Default` gives the documented defaults.
///
/// ```
/// use fivergo_core::watermark::WatermarkStyle;
/// let s = WatermarkStyle::default();
/// assert_eq!((s.opacity, s.tile_px, s.tag_interval_ms), (0.35, 40, 4000));
/// let partial: WatermarkStyle = serde_json::from_str(r#"{"opacity":0.5}"#).unwrap();
/// assert_eq!(partial, WatermarkStyle { opacity: 0.5, ..s });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WatermarkStyle {
    /// Opacity of the image mark (default 0.35); jittered ±15 % per draft and
    /// clamped to `[0.1, 1]` so a style cannot switch the mark off.
    pub opacity: f32,
    /// Distance between tiled rows of the image mark, in pixels for an image whose
    /// shorter side is 256 px, scaled with the glyphs (default 40, at least 11).
    pub tile_px: u32,
    /// Time between audio tags in milliseconds (default 4000, at least 500).
    pub tag_interval_ms: u32,
    /// Tag level relative to the programme's RMS in dB (default −12); the tag peak is
    /// kept between −26 dBFS (so silence still gets a tag) and −6 dBFS.
    pub tag_level_db: f32,
    /// Characters of a text shown in the draft excerpt (default 280).
    pub text_excerpt_chars: u32,
}

impl Default for WatermarkStyle {
    fn default() -> Self {
        Self { opacity: 0.35, tile_px: 40, tag_interval_ms: 4000, tag_level_db: -12.0, text_excerpt_chars: 280 }
    }
}

/// What identifies a draft.
///
/// ```
/// use fivergo_core::watermark::DraftMark;
/// let m = DraftMark { reference: "order-12".into(), seed: 7 };
/// assert_eq!(serde_json::from_str::<DraftMark>(&serde_json::to_string(&m).unwrap()).unwrap(), m);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftMark {
    /// Short order reference shown in the mark, e.g. `"order-12"`. The image draws
    /// its first 24 characters (A–Z, 0–9, '-', others as '-'); text shows 64.
    pub reference: String,
    /// Per-draft jitter seed.
    pub seed: u64,
}

/// The client-facing draft of `clean`: the same kind of artifact, visibly / audibly marked.
///
/// Malformed input never panics. An image whose `rgba` is shorter than
/// `width × height × 4` is marked on the complete rows present; bytes past
/// `width × height × 4` are left as they are. Audio with no channel or a zero sample
/// rate is returned unchanged (it cannot be played); a trailing partial frame is kept as is.
/// Image alpha is composited "over": opaque pixels stay opaque, transparent ones show the mark.
///
/// ```
/// use fivergo_core::generator::{Artifact, Image};
/// use fivergo_core::watermark::{draft, DraftMark, WatermarkStyle};
/// let clean = Artifact::Image(Image::filled(256, 256, [255, 255, 255, 255]));
/// let mark = DraftMark { reference: "order-12".into(), seed: 1 };
/// let d = draft(&clean, &mark, &WatermarkStyle::default());
/// assert_ne!(d, clean);
/// assert_eq!(d, draft(&clean, &mark, &WatermarkStyle::default()));
/// let t = draft(&Artifact::Text("Hello".into()), &mark, &WatermarkStyle::default());
/// assert!(matches!(t, Artifact::Text(s) if s.contains("DRAFT") && s.contains("Hello")));
/// ```
pub fn draft(clean: &Artifact, mark: &DraftMark, style: &WatermarkStyle) -> Artifact {
    match clean {
        Artifact::Image(img) => Artifact::Image(draft_image(img, mark, style)),
        Artifact::Audio(audio) => Artifact::Audio(draft_audio(audio, style)),
        Artifact::Text(text) => Artifact::Text(draft_text(text, mark, style)),
    }
}

/// Share of pixels (0..=1) that differ between a clean image and its draft; 1.0 when
/// the sizes differ, 0.0 for an empty image.
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::visible_mark_coverage;
/// let a = Image::filled(2, 1, [0, 0, 0, 255]);
/// let mut b = a.clone();
/// b.rgba[0] = 9;
/// assert_eq!(visible_mark_coverage(&a, &b), 0.5);
/// ```
pub fn visible_mark_coverage(clean: &Image, draft: &Image) -> f32 {
    if (clean.width, clean.height) != (draft.width, draft.height) {
        return 1.0;
    }
    let n = (clean.width as usize).saturating_mul(clean.height as usize);
    if n == 0 {
        return 0.0;
    }
    let pixels = clean.rgba.chunks_exact(4).zip(draft.rgba.chunks_exact(4)).take(n);
    pixels.filter(|(a, b)| a != b).count() as f32 / n as f32
}

/// 5×7 font, rows top to bottom, 5 low bits each (bit 4 = left): A–Z, 0–9, '-'.
#[rustfmt::skip]
const FONT: [[u8; 7]; 37] = [
    [14, 17, 17, 31, 17, 17, 17], [30, 17, 17, 30, 17, 17, 30], [14, 17, 16, 16, 16, 17, 14], // A B C
    [28, 18, 17, 17, 17, 18, 28], [31, 16, 16, 30, 16, 16, 31], [31, 16, 16, 30, 16, 16, 16], // D E F
    [14, 17, 16, 23, 17, 17, 15], [17, 17, 17, 31, 17, 17, 17], [14, 4, 4, 4, 4, 4, 14], // G H I
    [7, 2, 2, 2, 2, 18, 12], [17, 18, 20, 24, 20, 18, 17], [16, 16, 16, 16, 16, 16, 31], // J K L
    [17, 27, 21, 21, 17, 17, 17], [17, 17, 25, 21, 19, 17, 17], [14, 17, 17, 17, 17, 17, 14], // M N O
    [30, 17, 17, 30, 16, 16, 16], [14, 17, 17, 17, 21, 18, 13], [30, 17, 17, 30, 20, 18, 17], // P Q R
    [15, 16, 16, 14, 1, 1, 30], [31, 4, 4, 4, 4, 4, 4], [17, 17, 17, 17, 17, 17, 14], // S T U
    [17, 17, 17, 17, 17, 10, 4], [17, 17, 17, 21, 21, 21, 10], [17, 17, 10, 4, 10, 17, 17], // V W X
    [17, 17, 17, 10, 4, 4, 4], [31, 1, 2, 4, 8, 16, 31], // Y Z
    [14, 17, 19, 21, 25, 17, 14], [4, 12, 4, 4, 4, 4, 14], [14, 17, 1, 2, 4, 8, 31], // 0 1 2
    [31, 2, 4, 2, 1, 17, 14], [2, 6, 10, 18, 31, 2, 2], [31, 16, 30, 1, 1, 17, 14], // 3 4 5
    [6, 8, 16, 30, 17, 17, 14], [31, 1, 2, 4, 8, 8, 8], [14, 17, 17, 14, 17, 17, 14], // 6 7 8
    [14, 17, 17, 15, 1, 2, 12], [0, 0, 0, 31, 0, 0, 0], // 9 -
];

fn glyph(c: char) -> [u8; 7] {
    match c {
        'A'..='Z' => FONT[c as usize - 'A' as usize],
        '0'..='9' => FONT[26 + c as usize - '0' as usize],
        '-' => FONT[36],
        _ => [0; 7],
    }
}

const MASK_H: usize = 9; // 1 unit of outline above and below the 7 glyph rows
const MAX_DRAWN_REF: usize = 24;
const SIN: f64 = 0.447_213_595_499_958; // rising diagonal, tan = 1/2 (about 26.6°)
const COS: f64 = 0.894_427_190_999_916;

/// The label in glyph units: 0 empty, 1 dark outline, 2 light fill; returns (mask, width).
fn label_mask(reference: &str) -> (Vec<u8>, usize) {
    let text: Vec<char> = "DRAFT "
        .chars()
        .chain(reference.chars().take(MAX_DRAWN_REF).map(|c| match c.to_ascii_uppercase() {
            c @ ('A'..='Z' | '0'..='9' | '-') => c,
            c if c.is_whitespace() => ' ',
            _ => '-',
        }))
        .collect();
    let width = 1 + 6 * text.len();
    let mut mask = vec![0u8; width * MASK_H];
    for (i, &c) in text.iter().enumerate() {
        for (row, bits) in glyph(c).iter().enumerate() {
            for col in 0..5 {
                if bits >> (4 - col) & 1 == 1 {
                    mask[(row + 1) * width + 1 + 6 * i + col] = 2;
                }
            }
        }
    }
    for y in 0..MASK_H {
        for x in 0..width {
            let near_fill = (y.saturating_sub(1)..=(y + 1).min(MASK_H - 1))
                .any(|ny| (x.saturating_sub(1)..=(x + 1).min(width - 1)).any(|nx| mask[ny * width + nx] == 2));
            if mask[y * width + x] == 0 && near_fill {
                mask[y * width + x] = 1;
            }
        }
    }
    (mask, width)
}

fn draft_image(img: &Image, mark: &DraftMark, style: &WatermarkStyle) -> Image {
    let mut out = img.clone();
    let (w, h) = (img.width as usize, img.height as usize);
    if w == 0 || h == 0 {
        return out;
    }
    let rows = h.min(img.rgba.len() / 4 / w);
    let scale = (f64::from(img.width.min(img.height)) / 256.0).max(1.0);
    let (mask, mask_w) = label_mask(&mark.reference);
    let pitch = f64::from(style.tile_px.clamp(MASK_H as u32 + 2, 1 << 20));
    let period = mask_w as f64 + pitch / 2.0;
    let mut rng = SplitMix(mark.seed);
    let (ox, oy) = (rng.next_f64() * period, rng.next_f64() * pitch);
    let base = if style.opacity.is_finite() { f64::from(style.opacity) } else { 0.35 };
    let alpha = (base * (0.85 + 0.3 * rng.next_f64())).clamp(0.1, 1.0);
    // Opaque pixels (the common case) blend through a table per label colour.
    let blend = |colour: f64| -> [u8; 256] { std::array::from_fn(|c| (colour * alpha + c as f64 * (1.0 - alpha)).round() as u8) };
    let (dark, light) = (blend(0.0), blend(255.0));
    // The label plane is walked incrementally along each row; `u` is shifted by whole
    // periods so it stays positive and truncation is the floor (no libm calls).
    let (du, dv) = (COS / scale, SIN / scale);
    let (inv_pitch, inv_period) = (1.0 / pitch, 1.0 / period);
    let u_shift = ((rows as f64 / scale * SIN) / period).ceil() * period + period;
    for y in 0..rows {
        let (px, py) = (0.5 / scale, (y as f64 + 0.5) / scale);
        let (mut u, mut v) = (px * COS - py * SIN + ox + u_shift, px * SIN + py * COS + oy);
        for p in out.rgba[y * w * 4..(y + 1) * w * 4].chunks_exact_mut(4) {
            let row = (v * inv_pitch) as u64;
            let us = if row & 1 == 1 { u + period / 2.0 } else { u };
            let cx = (us - (us * inv_period) as u64 as f64 * period) as usize;
            let cy = (v - row as f64 * pitch) as usize;
            u += du;
            v += dv;
            if cx >= mask_w || cy >= MASK_H {
                continue;
            }
            let (table, colour) = match mask[cy * mask_w + cx] {
                0 => continue,
                1 => (&dark, 0.0),
                _ => (&light, 255.0),
            };
            if p[3] == 255 {
                for c in &mut p[..3] {
                    *c = table[usize::from(*c)];
                }
                continue;
            }
            let pa = f64::from(p[3]) / 255.0;
            let oa = alpha + pa * (1.0 - alpha);
            for c in &mut p[..3] {
                *c = ((colour * alpha + f64::from(*c) * pa * (1.0 - alpha)) / oa).round() as u8;
            }
            p[3] = (oa * 255.0).round() as u8;
        }
    }
    out
}

const TAG_MS: u64 = 250;
const TAG_FLOOR: f64 = 0.05 * 32767.0; // about −26 dBFS
const TAG_CEIL: f64 = 0.5 * 32767.0; // about −6 dBFS

fn draft_audio(audio: &Audio, style: &WatermarkStyle) -> Audio {
    let mut out = audio.clone();
    let (ch, sr) = (usize::from(audio.channels), u64::from(audio.sample_rate));
    let frames = if ch == 0 || sr == 0 { 0 } else { audio.samples.len() / ch };
    if frames == 0 {
        return out;
    }
    let n = frames * ch;
    let rms = (audio.samples[..n].iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / n as f64).sqrt();
    let db = if style.tag_level_db.is_finite() { f64::from(style.tag_level_db) } else { -12.0 };
    let amp = (rms * 10f64.powf(db / 20.0)).clamp(TAG_FLOOR, TAG_CEIL);
    let to_frames = |ms: u64| usize::try_from(sr * ms / 1000).unwrap_or(usize::MAX).max(1);
    let (tag_len, interval) = (to_frames(TAG_MS), to_frames(u64::from(style.tag_interval_ms).max(2 * TAG_MS)));
    let mut start = 0usize;
    while start < frames {
        for i in 0..tag_len.min(frames - start) {
            let t = i as f64 / sr as f64;
            let env = 0.5 - 0.5 * (TAU * i as f64 / tag_len as f64).cos();
            let tone = 0.6 * (TAU * 880.0 * t).sin() + 0.4 * (TAU * 1320.0 * t).sin();
            let v = (amp * env * tone).round() as i32;
            for s in &mut out.samples[(start + i) * ch..][..ch] {
                *s = (i32::from(*s) + v).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
            }
        }
        start = start.saturating_add(interval);
    }
    out
}

fn draft_text(text: &str, mark: &DraftMark, style: &WatermarkStyle) -> String {
    let mut reference: String = mark.reference.chars().take(64).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if mark.reference.chars().nth(64).is_some() {
        reference.push('…');
    }
    let tag = if reference.trim().is_empty() { String::new() } else { format!(" — {}", reference.trim()) };
    let body = excerpt(text, style.text_excerpt_chars as usize);
    format!("[DRAFT{tag} — purchase to receive the full text]\n\n{body}\n\n[END OF DRAFT PREVIEW{tag} — purchase to receive the full text]")
}

/// The first `n` characters, cut back to a word boundary, with "…" when cut.
fn excerpt(text: &str, n: usize) -> String {
    let Some((cut, next)) = text.char_indices().nth(n) else { return text.to_string() };
    if text[cut..].trim().is_empty() {
        return text.trim_end().to_string();
    }
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(i) if !next.is_whitespace() && !head[..i].trim().is_empty() => &head[..i],
        _ => head,
    };
    format!("{}…", head.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(seed: u64) -> DraftMark {
        DraftMark { reference: "order-12".into(), seed }
    }

    fn draft_img(clean: &Image, seed: u64) -> Image {
        let Artifact::Image(d) = draft(&Artifact::Image(clean.clone()), &mark(seed), &WatermarkStyle::default()) else {
            panic!("not an image")
        };
        d
    }

    fn draft_audio_of(clean: &Audio, style: &WatermarkStyle) -> Audio {
        let Artifact::Audio(d) = draft(&Artifact::Audio(clean.clone()), &mark(1), style) else { panic!("not audio") };
        d
    }

    fn draft_txt(text: &str, chars: u32) -> String {
        let style = WatermarkStyle { text_excerpt_chars: chars, ..WatermarkStyle::default() };
        let Artifact::Text(d) = draft(&Artifact::Text(text.into()), &mark(1), &style) else { panic!("not text") };
        d
    }

    /// Mean absolute difference of the colour channels, 0..=255.
    fn mean_abs_diff(a: &Image, b: &Image) -> f64 {
        let pixels = a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4));
        let d: u32 = pixels.flat_map(|(p, q)| (0..3).map(move |k| u32::from(p[k].abs_diff(q[k])))).sum();
        f64::from(d) / (a.rgba.len() / 4 * 3) as f64
    }

    /// Power of `freq` in `x` (Goertzel).
    fn goertzel(x: &[i16], sr: f64, freq: f64) -> f64 {
        let k = 2.0 * (TAU * freq / sr).cos();
        let (mut s1, mut s2) = (0.0, 0.0);
        for &v in x {
            let s = f64::from(v) + k * s1 - s2;
            (s2, s1) = (s1, s);
        }
        (s1 * s1 + s2 * s2 - k * s1 * s2) / (x.len() as f64).powi(2)
    }

    // R: W1
    // R: G1
    #[test]
    fn image_mark_covers_a_meaningful_share_in_every_quadrant() {
        for size in [64u32, 256, 1024] {
            let clean = Image::filled(size, size, [128, 128, 128, 255]);
            let d = draft_img(&clean, 3);
            let cov = visible_mark_coverage(&clean, &d);
            assert!((0.05..=0.40).contains(&cov), "size {size}: coverage {cov}");
            if size < 256 {
                continue;
            }
            let half = size / 2;
            for (qx, qy) in [(0, 0), (half, 0), (0, half), (half, half)] {
                let changed = (qy..qy + half)
                    .flat_map(|y| (qx..qx + half).map(move |x| (x, y)))
                    .filter(|&(x, y)| clean.pixel(x, y) != d.pixel(x, y))
                    .count();
                let share = changed as f64 / f64::from(half * half);
                assert!(share > 0.03, "size {size}, quadrant ({qx},{qy}): {share}");
            }
        }
    }

    // R: W1
    #[test]
    fn image_mark_is_visible_on_white_black_grey_and_transparent() {
        for (bg, seed) in [[255, 255, 255, 255], [0, 0, 0, 255], [128, 128, 128, 255]].into_iter().zip(0..) {
            let clean = Image::filled(300, 300, bg);
            let d = draft_img(&clean, seed);
            let mad = mean_abs_diff(&clean, &d);
            assert!(mad > 3.0, "background {bg:?}: mean abs diff {mad}");
            assert!(d.rgba.chunks_exact(4).all(|p| p[3] == 255));
        }
        // A transparent background shows the mark too (composited "over").
        let clear = Image::filled(128, 128, [0, 0, 0, 0]);
        assert!(draft_img(&clear, 1).rgba.chunks_exact(4).filter(|p| p[3] > 0).count() > 128 * 128 / 20);
    }

    // R: W1
    #[test]
    fn seeds_move_the_mark_and_same_seed_is_identical() {
        let clean = Image::filled(200, 150, [90, 160, 30, 255]);
        assert_eq!(draft_img(&clean, 42), draft_img(&clean, 42));
        assert_ne!(draft_img(&clean, 42), draft_img(&clean, 43));
        assert_ne!(draft_img(&clean, 0), draft_img(&clean, u64::MAX));
    }

    // R: W1
    #[test]
    fn malformed_or_tiny_images_do_not_panic() {
        let huge = DraftMark { reference: "x".repeat(100_000), seed: 9 };
        let style = WatermarkStyle { opacity: f32::NAN, tile_px: 0, ..WatermarkStyle::default() };
        for (w, h, len) in [
            (0, 0, 0),
            (0, 7, 0),
            (7, 0, 0),
            (1, 1, 4),
            (3, 2, 24),
            (1, 1, 0),
            (10, 10, 13),
            (10, 10, 9000),
            (u32::MAX, u32::MAX, 8),
        ] {
            let img = Artifact::Image(Image { width: w, height: h, rgba: vec![200; len] });
            for s in [&style, &WatermarkStyle::default()] {
                match draft(&img, &huge, s) {
                    Artifact::Image(d) => {
                        assert_eq!((d.width, d.height, d.rgba.len()), (w, h, len))
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        // A short buffer is marked on the rows it has; extra bytes are left alone.
        let mut long = Image::filled(64, 64, [128, 128, 128, 255]);
        long.rgba.extend([7u8; 10]);
        let d = draft_img(&long, 2);
        assert_ne!(d.rgba[..64 * 64 * 4], long.rgba[..64 * 64 * 4]);
        assert_eq!(d.rgba[64 * 64 * 4..], [7u8; 10]);
    }

    fn tone(sr: u32, channels: u16, secs: u32, amp: f64) -> Audio {
        let frames = (sr * secs) as usize;
        let samples = (0..frames * channels as usize)
            .map(|i| (amp * (TAU * 200.0 * (i / channels as usize) as f64 / f64::from(sr)).sin()).round() as i16)
            .collect();
        Audio { sample_rate: sr, channels, samples }
    }

    fn channel(a: &Audio, c: usize, from_ms: usize, len_ms: usize) -> Vec<i16> {
        let (ch, sr) = (a.channels as usize, a.sample_rate as usize);
        let from = from_ms * sr / 1000;
        (from..from + len_ms * sr / 1000).map(|f| a.samples[f * ch + c]).collect()
    }

    // R: W1
    // R: G1
    #[test]
    fn audio_tags_sound_at_every_interval_on_every_channel() {
        let clean = tone(16_000, 2, 11, 8000.0);
        let d = draft_audio_of(&clean, &WatermarkStyle::default());
        for c in 0..2 {
            for tag_ms in [0, 4000, 8000] {
                let at_tag = goertzel(&channel(&d, c, tag_ms + 75, 100), 16_000.0, 880.0);
                let between = goertzel(&channel(&d, c, tag_ms + 2000, 100), 16_000.0, 880.0);
                assert!(at_tag > 1000.0 * between.max(1.0), "ch {c} tag {tag_ms}: {at_tag} vs {between}");
            }
        }
        assert_eq!(channel(&d, 0, 1000, 2000), channel(&clean, 0, 1000, 2000));
    }

    // R: W1
    #[test]
    fn full_scale_programme_saturates_without_wraparound() {
        let mut samples = vec![i16::MAX; 8000];
        samples.extend(vec![i16::MIN; 8000]);
        let clean = Audio { sample_rate: 8000, channels: 1, samples };
        let style = WatermarkStyle { tag_interval_ms: 500, ..WatermarkStyle::default() };
        let d = draft_audio_of(&clean, &style);
        assert_ne!(d, clean);
        assert!(d.samples[..8000].iter().all(|&s| s > 0) && d.samples[8000..].iter().all(|&s| s < 0));
    }

    // R: W1
    #[test]
    fn silent_programme_still_gets_audible_tags() {
        let clean = Audio { sample_rate: 8000, channels: 1, samples: vec![0; 8000 * 9] };
        let d = draft_audio_of(&clean, &WatermarkStyle::default());
        for tag_ms in [0, 4000, 8000] {
            let peak = channel(&d, 0, tag_ms, 250).iter().map(|s| s.unsigned_abs()).max().unwrap();
            assert!(f64::from(peak) > TAG_FLOOR * 0.8, "tag {tag_ms}: peak {peak}");
            assert!(goertzel(&channel(&d, 0, tag_ms + 75, 100), 8000.0, 880.0) > 1e4);
        }
    }

    // R: W1
    #[test]
    fn degenerate_audio_does_not_panic() {
        let nan = WatermarkStyle { tag_level_db: f32::NAN, tag_interval_ms: 0, ..WatermarkStyle::default() };
        for (sr, ch, len) in
            [(0, 1, 100), (8000, 0, 100), (8000, 1, 0), (8000, 2, 1), (1, 1, 5), (u32::MAX, 3, 10), (44_100, 2, 44_101)]
        {
            let a = Audio { sample_rate: sr, channels: ch, samples: vec![1000; len] };
            for s in [&nan, &WatermarkStyle::default()] {
                assert_eq!(draft_audio_of(&a, s).samples.len(), len);
            }
        }
    }

    // R: W1
    // R: G1
    #[test]
    fn text_draft_has_header_footer_and_an_excerpt_only() {
        let long = "word ".repeat(200) + "SECRET-ENDING";
        let d = draft_txt(&long, 280);
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(lines[0], "[DRAFT — order-12 — purchase to receive the full text]");
        assert!(lines.last().unwrap().starts_with("[END OF DRAFT PREVIEW — order-12"));
        assert!(!d.contains("SECRET-ENDING"));
        let body = lines[2];
        assert!(body.ends_with('…') && body.chars().count() <= 281, "{body}");
        let kept = body.trim_end_matches('…');
        assert!(long.starts_with(kept) && long[kept.len()..].starts_with(' '));

        let mid_word = draft_txt("alpha beta gamma", 8);
        assert!(mid_word.contains("\n\nalpha…\n\n"), "{mid_word}");
        let short = "A short brief, kept whole.";
        assert!(draft_txt(short, 280).contains(&format!("\n\n{short}\n\n")));
        assert!(!draft_txt(short, 280).contains('…'));
    }

    // R: W1
    #[test]
    fn degenerate_text_does_not_panic() {
        assert!(draft_txt("", 280).starts_with("[DRAFT"));
        assert!(draft_txt("ünïcödé wörds everywhere", 3).contains("ünï…"));
        assert!(draft_txt("abc", 0).contains("\n\n…\n\n"));
        let huge = DraftMark { reference: "r\n".repeat(50_000), seed: 0 };
        let Artifact::Text(t) = draft(&Artifact::Text("x".into()), &huge, &WatermarkStyle::default()) else { panic!() };
        assert!(t.len() < 400 && t.lines().next().unwrap().starts_with("[DRAFT — r r"));
    }
}
