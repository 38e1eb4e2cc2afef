//! Visible / audible draft watermarks (SPEC W1).
//!
//! The library passes every client-facing draft through [`draft`]; only the
//! approved-and-paid state releases the clean artifact (G1).
//!
//! - Image: `DRAFT <reference>` set in an embedded open font (DejaVu Sans Bold,
//!   anti-aliased), a light fill with a dark outline so it reads on white, black and
//!   grey, in rows along a rising diagonal over the whole image. Every label's
//!   geometry and opacity vary from [`DraftMark::seed`]: row spacing and offset,
//!   gaps, each label's scale (±18 %) and rotation (±9°), a smooth random warp, an
//!   opacity that differs per label and swings along it, and a noise texture on the
//!   fill and outline colours. No fixed template fits two labels, so correlating the
//!   font with a draft and undoing the blend (Dekel et al., "On the Effectiveness of
//!   Visible Watermarks", CVPR 2017) recovers nothing usable, and drafts do not
//!   share one mark that several of them could be matted against.
//! - Audio: a 250 ms two-tone chime (880 + 1320 Hz) every `tag_interval_ms`, starting
//!   at 0 ms, on every channel.
//! - Text: a header and a footer line around an excerpt of the text.
//!
//! Deterministic (same inputs, same bytes) and panic-free for any input.

use crate::generator::{Artifact, Audio, Image};
use crate::rng::SplitMix;
use ab_glyph::{Font, ScaleFont};
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Parameters of the visible / audible mark; `Default` gives the documented defaults.
///
/// ```
/// use fivergo_core::watermark::WatermarkStyle;
/// let s = WatermarkStyle::default();
/// assert_eq!((s.opacity, s.tile_px, s.tag_interval_ms), (0.42, 40, 4000));
/// let partial: WatermarkStyle = serde_json::from_str(r#"{"opacity":0.5}"#).unwrap();
/// assert_eq!(partial, WatermarkStyle { opacity: 0.5, ..s });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WatermarkStyle {
    /// Opacity of the image mark (default 0.42); jittered ±15 % per draft, ±25 % per
    /// label and ±30 % along it, and kept from 0.05 so a style cannot switch the
    /// mark off.
    pub opacity: f32,
    /// Mean distance between rows of the image mark (each row varies ±15 %), in
    /// pixels for an image whose shorter side is 256 px, scaled with the glyphs
    /// (default 40, at least 11).
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
        Self {
            opacity: 0.42,
            tile_px: 40,
            tag_interval_ms: 4000,
            tag_level_db: -12.0,
            text_excerpt_chars: 280,
        }
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
    let pixels = clean
        .rgba
        .chunks_exact(4)
        .zip(draft.rgba.chunks_exact(4))
        .take(n);
    pixels.filter(|(a, b)| a != b).count() as f32 / n as f32
}

/// DejaVu Sans Bold, subset to A–Z, 0–9, '-' and space (licence in `font/LICENSE_DEJAVU`).
const FONT: &[u8] = include_bytes!("font/DejaVuSans-Bold-subset.ttf");
/// Characters of the reference the image draws.
const MAX_DRAWN_REF: usize = 24;
/// Em size of the label in pixels for an image whose shorter side is 256 px; it
/// grows with the image.
const EM_PX: f32 = 13.0;
/// The label stops growing with images whose shorter side exceeds this many times
/// 256 px (bounds the cost of rasterising it).
const MAX_SIZE: f32 = 32.0;
/// The rows rise at this angle (tan = 1/2, about 26.6°), in degrees.
const BASE_DEGREES: f32 = -26.565;
/// Per-label variation drawn from the draft's seed: rotation (± degrees), scale
/// (± share), opacity (± share), gap between labels (share of a label's width).
const TURN_DEGREES: f32 = 9.0;
const SCALE_SPREAD: f32 = 0.18;
const OPACITY_SPREAD: f32 = 0.25;
const GAP: (f32, f32) = (0.15, 0.6);
/// Smooth warp of each label: amplitude (share of the em) and wavelength range (ems).
const WARP_AMPLITUDE: f32 = 0.09;
const WARP_WAVELENGTH: (f32, f32) = (1.5, 4.0);
/// Opacity also swings by this share along each label.
const OPACITY_SWING: f32 = 0.3;
/// Grey levels of noise texture on the fill and outline colours.
const TEXTURE_LEVELS: u32 = 48;

/// A label's coverage raster: `fill` the glyphs, `edge` the glyphs grown by the
/// outline width (both anti-aliased, `0..=1`).
pub(crate) struct Label {
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) fill: Vec<f32>,
    pub(crate) edge: Vec<f32>,
}

/// The text the image draws: `DRAFT ` and the first characters of the reference,
/// upper-cased, anything outside A–Z, 0–9 and '-' drawn as '-'.
fn label_text(reference: &str) -> String {
    "DRAFT "
        .chars()
        .chain(
            reference
                .chars()
                .take(MAX_DRAWN_REF)
                .map(|c| match c.to_ascii_uppercase() {
                    c @ ('A'..='Z' | '0'..='9' | '-') => c,
                    c if c.is_whitespace() => ' ',
                    _ => '-',
                }),
        )
        .collect()
}

/// Rasterises `text` at `em` pixels with an outline `outline` pixels wide; an empty
/// label if the embedded font cannot be read (it always can).
pub(crate) fn rasterise(text: &str, em: f32, outline: usize) -> Label {
    let Ok(font) = ab_glyph::FontRef::try_from_slice(FONT) else {
        return Label {
            w: 0,
            h: 0,
            fill: Vec::new(),
            edge: Vec::new(),
        };
    };
    let scaled = font.as_scaled(em);
    let pad = outline as f32 + 1.0;
    let (ascent, descent) = (scaled.ascent(), scaled.descent());
    let mut glyphs = Vec::new();
    let mut x = pad;
    let mut previous = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(em, ab_glyph::point(x, pad + ascent)));
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    let (w, h) = (
        (x + pad).ceil() as usize,
        (2.0 * pad + ascent - descent).ceil() as usize,
    );
    let mut fill = vec![0f32; w * h];
    for g in glyphs {
        let Some(outlined) = font.outline_glyph(g) else {
            continue;
        };
        let b = outlined.px_bounds();
        outlined.draw(|gx, gy, c| {
            let (px, py) = (
                b.min.x as i64 + i64::from(gx),
                b.min.y as i64 + i64::from(gy),
            );
            if (0..w as i64).contains(&px) && (0..h as i64).contains(&py) {
                let v = &mut fill[py as usize * w + px as usize];
                *v = v.max(c.min(1.0));
            }
        });
    }
    let edge = dilate(&fill, w, h, outline);
    Label { w, h, fill, edge }
}

/// Grey-level dilation by a `(2r+1)²` square: a running maximum along rows, then
/// columns.
fn dilate(v: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut rows = vec![0f32; w * h];
    for (src, dst) in v.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        running_max(src, dst, r);
    }
    let mut out = vec![0f32; w * h];
    let (mut col, mut res) = (vec![0f32; h], vec![0f32; h]);
    for x in 0..w {
        for (y, c) in col.iter_mut().enumerate() {
            *c = rows[y * w + x];
        }
        running_max(&col, &mut res, r);
        for (y, m) in res.iter().enumerate() {
            out[y * w + x] = *m;
        }
    }
    out
}

/// `dst[i]` = max of `src[i-r..=i+r]` (cut at the ends), in linear time (van Herk /
/// Gil–Werman: maxima of blocks of `2r+1` from the left and from the right).
fn running_max(src: &[f32], dst: &mut [f32], r: usize) {
    let (n, k) = (src.len(), 2 * r + 1);
    let (mut left, mut right) = (src.to_vec(), src.to_vec());
    for i in 1..n {
        if i % k != 0 {
            left[i] = left[i].max(left[i - 1]);
        }
    }
    for i in (0..n.saturating_sub(1)).rev() {
        if (i + 1) % k != 0 {
            right[i] = right[i].max(right[i + 1]);
        }
    }
    for (i, d) in dst.iter_mut().enumerate() {
        let (a, b) = (i.saturating_sub(r), (i + r).min(n - 1));
        *d = right[a].max(left[b]);
    }
}

/// Bilinear sample of a label raster (0 outside).
fn sample(v: &[f32], w: usize, h: usize, u: f32, t: f32) -> f32 {
    if !(u >= 0.0 && t >= 0.0) {
        return 0.0;
    }
    let (x0, y0) = (u as usize, t as usize);
    if x0 + 1 >= w || y0 + 1 >= h {
        return 0.0;
    }
    let (fx, fy) = (u - x0 as f32, t - y0 as f32);
    let i = y0 * w + x0;
    let top = v[i] + (v[i + 1] - v[i]) * fx;
    let bottom = v[i + w] + (v[i + w + 1] - v[i + w]) * fx;
    top + (bottom - top) * fy
}

/// A 1024-entry sine table over one turn (the warp runs per pixel).
struct Sine([f32; 1024]);

impl Sine {
    fn new() -> Self {
        Self(std::array::from_fn(|i| {
            (i as f32 / 1024.0 * std::f32::consts::TAU).sin()
        }))
    }

    /// `sin(2π · turns)`.
    fn turns(&self, turns: f32) -> f32 {
        self.0[((turns * 1024.0) as i64 & 1023) as usize]
    }
}

/// One placed label: centre, rotation, scale, opacity and warp.
struct Placement {
    cx: f32,
    cy: f32,
    cos: f32,
    sin: f32,
    scale: f32,
    opacity: f32,
    /// Warp: (amplitude px, cycles per label px, phase) for u along v and v along u.
    warp_u: (f32, f32, f32),
    warp_v: (f32, f32, f32),
    /// Opacity swing along the label: (cycles per label px, phase).
    swing: (f32, f32),
}

/// The labels of a draft, laid out in jittered rows over the whole `w × h` image.
fn placements(
    w: usize,
    h: usize,
    label: &Label,
    em: f32,
    pitch: f32,
    alpha: f32,
    rng: &mut SplitMix,
) -> Vec<Placement> {
    let mut uniform = |lo: f32, hi: f32| lo + (hi - lo) * rng.next_f32();
    let (s0, c0) = BASE_DEGREES.to_radians().sin_cos();
    // Row direction d = (c0, s0), row normal n = (−s0, c0); the image's corners span
    // these ranges along them.
    let corners = [
        (0.0, 0.0),
        (w as f32, 0.0),
        (0.0, h as f32),
        (w as f32, h as f32),
    ];
    let along = |(x, y): (f32, f32)| x * c0 + y * s0;
    let across = |(x, y): (f32, f32)| -x * s0 + y * c0;
    let span = |f: &dyn Fn((f32, f32)) -> f32| {
        corners
            .iter()
            .map(|&p| f(p))
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            })
    };
    let (a0, a1) = span(&along);
    let (n0, n1) = span(&across);
    let lw = label.w as f32;
    let mut out = Vec::new();
    let mut r = n0 - uniform(0.0, pitch);
    while r < n1 + pitch {
        let mut t = a0 - lw * uniform(0.5, 1.5);
        while t < a1 + lw {
            let scale = 1.0 + uniform(-SCALE_SPREAD, SCALE_SPREAD);
            let half = lw * scale / 2.0;
            let centre = t + half;
            let offset = r + uniform(-0.12, 0.12) * pitch;
            let turn = (BASE_DEGREES + uniform(-TURN_DEGREES, TURN_DEGREES)).to_radians();
            let warp = |u: &mut dyn FnMut(f32, f32) -> f32| {
                let cycles = 1.0 / (em * u(WARP_WAVELENGTH.0, WARP_WAVELENGTH.1));
                (em * WARP_AMPLITUDE * u(0.5, 1.0), cycles, u(0.0, 1.0))
            };
            out.push(Placement {
                cx: centre * c0 - offset * s0,
                cy: centre * s0 + offset * c0,
                cos: turn.cos(),
                sin: turn.sin(),
                scale,
                opacity: alpha * (1.0 + uniform(-OPACITY_SPREAD, OPACITY_SPREAD)),
                warp_u: warp(&mut uniform),
                warp_v: warp(&mut uniform),
                swing: (1.0 / (lw * uniform(0.3, 0.8)), uniform(0.0, 1.0)),
            });
            t += 2.0 * half + lw * uniform(GAP.0, GAP.1);
        }
        r += pitch * uniform(0.85, 1.15);
    }
    out
}

/// A well-mixed hash of a pixel position and the draft's seed.
fn pixel_hash(seed: u64, x: usize, y: usize) -> u32 {
    let mut z = seed ^ ((x as u64) << 32 | y as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

/// Composites `colour` with opacity `a` over the pixel ("over"; opaque stays opaque).
fn over(p: &mut [u8], colour: f32, a: f32) {
    if a <= 0.0 {
        return;
    }
    if p[3] == 255 {
        for c in &mut p[..3] {
            // A blend of two levels in 0..=255, rounded half up by truncation
            // (`f32::round` is a libm call, a fifth of the draft's cost).
            *c = (f32::from(*c) + a * (colour - f32::from(*c)) + 0.5) as u8;
        }
        return;
    }
    let pa = f32::from(p[3]) / 255.0;
    let oa = a + pa * (1.0 - a);
    for c in &mut p[..3] {
        *c = ((colour * a + f32::from(*c) * pa * (1.0 - a)) / oa)
            .round()
            .clamp(0.0, 255.0) as u8;
    }
    p[3] = (oa * 255.0).round() as u8;
}

fn draft_image(img: &Image, mark: &DraftMark, style: &WatermarkStyle) -> Image {
    let mut out = img.clone();
    let (w, h) = (img.width as usize, img.height as usize);
    if w == 0 || h == 0 {
        return out;
    }
    let rows = h.min(img.rgba.len() / 4 / w);
    if rows == 0 {
        return out;
    }
    let size = (w.min(rows) as f32 / 256.0).clamp(1.0, MAX_SIZE);
    let em = EM_PX * size;
    let outline = ((em / 12.0).round() as usize).max(1);
    let label = rasterise(&label_text(&mark.reference), em, outline);
    if label.w == 0 {
        return out;
    }
    let pitch = style.tile_px.clamp(11, 1 << 12) as f32 * size;
    let base = if style.opacity.is_finite() {
        style.opacity
    } else {
        WatermarkStyle::default().opacity
    };
    let mut rng = SplitMix(mark.seed);
    let alpha = (base * (0.85 + 0.3 * rng.next_f64() as f32)).clamp(0.1, 1.0);
    let sine = Sine::new();
    let (lw, lh) = (label.w as f32, label.h as f32);
    for p in placements(w, rows, &label, em, pitch, alpha, &mut rng) {
        // The label's box, grown by the warp, mapped to the image: the rows it
        // touches, and per row the span of x where it can land.
        let margin = p.warp_u.0.max(p.warp_v.0) + 1.0;
        let (hw, hh) = ((lw / 2.0 + margin) * p.scale, (lh / 2.0 + margin) * p.scale);
        let extent_y = hw * p.sin.abs() + hh * p.cos.abs();
        let (y0, y1) = (
            (p.cy - extent_y).floor().max(0.0) as usize,
            ((p.cy + extent_y).ceil().max(0.0) as usize).min(rows),
        );
        for y in y0..y1 {
            let dy = y as f32 + 0.5 - p.cy;
            // Inside the box: |dx·cos + dy·sin| ≤ hw and |−dx·sin + dy·cos| ≤ hh.
            let (mut lo, mut hi) = (f32::NEG_INFINITY, f32::INFINITY);
            for (k, off, half) in [(p.cos, dy * p.sin, hw), (-p.sin, dy * p.cos, hh)] {
                if k.abs() < 1e-6 {
                    if off.abs() > half {
                        (lo, hi) = (1.0, 0.0);
                    }
                    continue;
                }
                let (a, b) = ((-half - off) / k, (half - off) / k);
                lo = lo.max(a.min(b));
                hi = hi.min(a.max(b));
            }
            if hi < lo {
                continue;
            }
            let x0 = (p.cx + lo - 0.5).floor().max(0.0) as usize;
            let x1 = ((p.cx + hi + 0.5).ceil().max(0.0) as usize).min(w);
            let row = &mut out.rgba[y * w * 4..(y + 1) * w * 4];
            for x in x0..x1 {
                let dx = x as f32 + 0.5 - p.cx;
                let mut u = (dx * p.cos + dy * p.sin) / p.scale + lw / 2.0;
                let mut t = (-dx * p.sin + dy * p.cos) / p.scale + lh / 2.0;
                u += p.warp_u.0 * sine.turns(t * p.warp_u.1 + p.warp_u.2);
                t += p.warp_v.0 * sine.turns(u * p.warp_v.1 + p.warp_v.2);
                let edge = sample(&label.edge, label.w, label.h, u, t);
                if edge <= 0.0 {
                    continue;
                }
                let fill = sample(&label.fill, label.w, label.h, u, t);
                let a = (p.opacity * (1.0 + OPACITY_SWING * sine.turns(u * p.swing.0 + p.swing.1)))
                    .clamp(0.05, 1.0);
                let noise = pixel_hash(mark.seed, x, y);
                let dark = (noise % TEXTURE_LEVELS) as f32;
                let light = 255.0 - ((noise >> 16) % TEXTURE_LEVELS) as f32;
                let px = &mut row[x * 4..x * 4 + 4];
                over(px, dark, a * edge);
                over(px, light, a * fill);
            }
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
    let frames = if ch == 0 || sr == 0 {
        0
    } else {
        audio.samples.len() / ch
    };
    if frames == 0 {
        return out;
    }
    let n = frames * ch;
    let rms = (audio.samples[..n]
        .iter()
        .map(|&s| f64::from(s).powi(2))
        .sum::<f64>()
        / n as f64)
        .sqrt();
    let db = if style.tag_level_db.is_finite() {
        f64::from(style.tag_level_db)
    } else {
        -12.0
    };
    let amp = (rms * 10f64.powf(db / 20.0)).clamp(TAG_FLOOR, TAG_CEIL);
    let to_frames = |ms: u64| usize::try_from(sr * ms / 1000).unwrap_or(usize::MAX).max(1);
    let (tag_len, interval) = (
        to_frames(TAG_MS),
        to_frames(u64::from(style.tag_interval_ms).max(2 * TAG_MS)),
    );
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
    let mut reference: String = mark
        .reference
        .chars()
        .take(64)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if mark.reference.chars().nth(64).is_some() {
        reference.push('…');
    }
    let tag = if reference.trim().is_empty() {
        String::new()
    } else {
        format!(" — {}", reference.trim())
    };
    let body = excerpt(text, style.text_excerpt_chars as usize);
    format!("[DRAFT{tag} — purchase to receive the full text]\n\n{body}\n\n[END OF DRAFT PREVIEW{tag} — purchase to receive the full text]")
}

/// The first `n` characters, cut back to a word boundary, with "…" when cut.
fn excerpt(text: &str, n: usize) -> String {
    let Some((cut, next)) = text.char_indices().nth(n) else {
        return text.to_string();
    };
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
        DraftMark {
            reference: "order-12".into(),
            seed,
        }
    }

    fn draft_img(clean: &Image, seed: u64) -> Image {
        let Artifact::Image(d) = draft(
            &Artifact::Image(clean.clone()),
            &mark(seed),
            &WatermarkStyle::default(),
        ) else {
            panic!("not an image")
        };
        d
    }

    fn draft_audio_of(clean: &Audio, style: &WatermarkStyle) -> Audio {
        let Artifact::Audio(d) = draft(&Artifact::Audio(clean.clone()), &mark(1), style) else {
            panic!("not audio")
        };
        d
    }

    fn draft_txt(text: &str, chars: u32) -> String {
        let style = WatermarkStyle {
            text_excerpt_chars: chars,
            ..WatermarkStyle::default()
        };
        let Artifact::Text(d) = draft(&Artifact::Text(text.into()), &mark(1), &style) else {
            panic!("not text")
        };
        d
    }

    /// Mean absolute difference of the colour channels, 0..=255.
    fn mean_abs_diff(a: &Image, b: &Image) -> f64 {
        let pixels = a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4));
        let d: u32 = pixels
            .flat_map(|(p, q)| (0..3).map(move |k| u32::from(p[k].abs_diff(q[k]))))
            .sum();
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
        for (bg, seed) in [[255, 255, 255, 255], [0, 0, 0, 255], [128, 128, 128, 255]]
            .into_iter()
            .zip(0..)
        {
            let clean = Image::filled(300, 300, bg);
            let d = draft_img(&clean, seed);
            let mad = mean_abs_diff(&clean, &d);
            assert!(mad > 3.0, "background {bg:?}: mean abs diff {mad}");
            assert!(d.rgba.chunks_exact(4).all(|p| p[3] == 255));
        }
        // A transparent background shows the mark too (composited "over").
        let clear = Image::filled(128, 128, [0, 0, 0, 0]);
        assert!(
            draft_img(&clear, 1)
                .rgba
                .chunks_exact(4)
                .filter(|p| p[3] > 0)
                .count()
                > 128 * 128 / 20
        );
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
        let huge = DraftMark {
            reference: "x".repeat(100_000),
            seed: 9,
        };
        let style = WatermarkStyle {
            opacity: f32::NAN,
            tile_px: 0,
            ..WatermarkStyle::default()
        };
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
            let img = Artifact::Image(Image {
                width: w,
                height: h,
                rgba: vec![200; len],
            });
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

    /// A photograph of the real-photo corpus (`tests/corpus`, see its README).
    fn photo(name: &str) -> Image {
        let path = format!("{}/../tests/corpus/{name}.jpg", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let rgba = image::load_from_memory(&bytes)
            .expect("corpus image decodes")
            .to_rgba8();
        Image {
            width: rgba.width(),
            height: rgba.height(),
            rgba: rgba.into_raw(),
        }
    }

    fn psnr(a: &Image, b: &Image) -> f64 {
        let pairs = a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4));
        let se: f64 = pairs
            .flat_map(|(p, q)| (0..3).map(move |k| (f64::from(p[k]) - f64::from(q[k])).powi(2)))
            .sum();
        10.0 * (255.0 * 255.0 / (se / (a.rgba.len() / 4 * 3) as f64).max(1e-12)).log10()
    }

    /// What a blind attacker knows: the font, the label text and the nominal layout
    /// (row angle and pitch, label size, mean gap), not the draft's seed.
    struct Template {
        label: Label,
        /// Period along the rows and across them, in pixels.
        along: f32,
        across: f32,
        sin: f32,
        cos: f32,
    }

    impl Template {
        fn of(img: &Image, reference: &str) -> Self {
            let size = (img.width.min(img.height) as f32 / 256.0).max(1.0);
            let em = EM_PX * size;
            let label = rasterise(
                &label_text(reference),
                em,
                ((em / 12.0).round() as usize).max(1),
            );
            let along = label.w as f32 * (1.0 + (GAP.0 + GAP.1) / 2.0);
            let (sin, cos) = BASE_DEGREES.to_radians().sin_cos();
            Self {
                label,
                along,
                across: WatermarkStyle::default().tile_px as f32 * size,
                sin,
                cos,
            }
        }

        /// Cell coordinates (along, across) of pixel `(x, y)`, wrapped to one period.
        fn cell(&self, x: usize, y: usize) -> (f32, f32) {
            let (x, y) = (x as f32 + 0.5, y as f32 + 0.5);
            (
                (x * self.cos + y * self.sin).rem_euclid(self.along),
                (-x * self.sin + y * self.cos).rem_euclid(self.across),
            )
        }

        /// (fill, edge) coverage of the template at a cell position shifted by `offset`.
        fn coverage(&self, (a, n): (f32, f32), offset: (f32, f32)) -> (f32, f32) {
            let u = (a - offset.0).rem_euclid(self.along);
            let t = (n - offset.1).rem_euclid(self.across);
            let l = &self.label;
            (
                sample(&l.fill, l.w, l.h, u, t),
                sample(&l.edge, l.w, l.h, u, t),
            )
        }
    }

    fn luma_of(img: &Image) -> Vec<f32> {
        img.rgba
            .chunks_exact(4)
            .map(|p| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]))
            .collect()
    }

    /// The blind template-inversion attack of issue 11 (Dekel et al., CVPR 2017): fold
    /// the draft over the nominal tiling (averaging every tile), find the label's
    /// offset by correlating that average with the font template, pick the opacity
    /// whose inversion leaves the least edge energy where the template lies, and undo
    /// the alpha blend (dark outline, light fill).
    fn template_attack(draft: &Image, reference: &str) -> Image {
        let t = Template::of(draft, reference);
        let (w, h) = (draft.width as usize, draft.height as usize);
        let luma = luma_of(draft);
        let (cw, ch) = (t.along.ceil() as usize, t.across.ceil() as usize);
        let mut cell = vec![(0f32, 0u32); cw * ch];
        for y in 0..h {
            for x in 0..w {
                let (a, n) = t.cell(x, y);
                let c = &mut cell[(n as usize).min(ch - 1) * cw + (a as usize).min(cw - 1)];
                *c = (c.0 + luma[y * w + x], c.1 + 1);
            }
        }
        let mean: Vec<f32> = cell
            .iter()
            .map(|&(s, k)| if k > 0 { s / k as f32 } else { 0.0 })
            .collect();
        let avg = mean.iter().sum::<f32>() / mean.len() as f32;
        let l = &t.label;
        let mut best = (f32::NEG_INFINITY, (0.0, 0.0));
        for dv in 0..ch {
            for du in 0..cw {
                let mut score = 0f32;
                for v in 0..l.h {
                    for u in 0..l.w {
                        let signature = 2.0 * l.fill[v * l.w + u] - l.edge[v * l.w + u];
                        if signature != 0.0 {
                            score += signature * (mean[((v + dv) % ch) * cw + (u + du) % cw] - avg);
                        }
                    }
                }
                if score > best.0 {
                    best = (score, (du as f32, dv as f32));
                }
            }
        }
        let offset = best.1;
        let cover: Vec<(f32, f32)> = (0..w * h)
            .map(|i| t.coverage(t.cell(i % w, i / w), offset))
            .collect();
        let invert = |alpha: f32| -> Image {
            let mut out = draft.clone();
            for (p, &(f, e)) in out.rgba.chunks_exact_mut(4).zip(&cover) {
                for c in &mut p[..3] {
                    let p1 = (f32::from(*c) - alpha * f * 255.0) / (1.0 - alpha * f).max(0.05);
                    *c = (p1 / (1.0 - alpha * e).max(0.05)).round().clamp(0.0, 255.0) as u8;
                }
            }
            out
        };
        let edge_energy = |img: &Image| -> f64 {
            let l = luma_of(img);
            (1..h - 1)
                .flat_map(|y| (1..w - 1).map(move |x| (x, y)))
                .filter(|&(x, y)| cover[y * w + x].1 > 0.0)
                .map(|(x, y)| {
                    f64::from(
                        (l[y * w + x + 1] - l[y * w + x - 1]).powi(2)
                            + (l[(y + 1) * w + x] - l[(y - 1) * w + x]).powi(2),
                    )
                })
                .sum()
        };
        let alpha = (2..=70)
            .map(|k| k as f32 / 100.0)
            .min_by(|a, b| edge_energy(&invert(*a)).total_cmp(&edge_energy(&invert(*b))))
            .unwrap_or(0.3);
        invert(alpha)
    }

    // R: W1
    #[test]
    fn blind_template_inversion_does_not_recover_real_photos() {
        for (name, seed) in [("astronaut", 11u64), ("coffee", 12)] {
            let clean = photo(name);
            // The attack is competent: a rigid mark (the attacker's own template at an
            // unknown offset and a fixed opacity) is removed almost perfectly.
            let t = Template::of(&clean, "order-12");
            let mut rigid = clean.clone();
            let (w, offset) = (clean.width as usize, (37.0, 11.0));
            for (i, p) in rigid.rgba.chunks_exact_mut(4).enumerate() {
                let (f, e) = t.coverage(t.cell(i % w, i / w), offset);
                over(p, 0.0, 0.3 * e);
                over(p, 255.0, 0.3 * f);
            }
            let recovered = psnr(&clean, &template_attack(&rigid, "order-12"));
            assert!(
                recovered > 33.0,
                "{name}: the attack should undo a rigid mark, got {recovered:.1} dB"
            );
            // Against the draft mark it recovers nothing usable.
            let d = draft_img(&clean, seed);
            let attacked = psnr(&clean, &template_attack(&d, "order-12"));
            assert!(
                attacked < 28.0,
                "{name}: blind inversion reached {attacked:.1} dB (draft {:.1} dB)",
                psnr(&clean, &d)
            );
        }
    }

    // R: W1
    #[test]
    fn the_mark_moves_between_drafts_so_drafts_cannot_be_matted_together() {
        // Multi-draft matting estimates one mark shared by many drafts; here the
        // label geometry differs per draft: most pixels one draft marks are clear in
        // the other (rows at one angle still coincide somewhat more than chance).
        let clean = Image::filled(512, 512, [128, 128, 128, 255]);
        let marked = |seed| -> Vec<bool> {
            draft_img(&clean, seed)
                .rgba
                .chunks_exact(4)
                .map(|p| p[0].abs_diff(128) > 10)
                .collect()
        };
        let (a, b) = (marked(1), marked(2));
        let (pa, pb) = (
            a.iter().filter(|&&v| v).count() as f64 / a.len() as f64,
            b.iter().filter(|&&v| v).count() as f64 / b.len() as f64,
        );
        let both = a.iter().zip(&b).filter(|(x, y)| **x && **y).count() as f64 / a.len() as f64;
        assert!(pa > 0.05 && pb > 0.05, "coverage {pa:.3} {pb:.3}");
        assert!(
            both < 0.35 * pa.min(pb),
            "overlap {both:.4} of {pa:.4} and {pb:.4}"
        );
    }

    fn tone(sr: u32, channels: u16, secs: u32, amp: f64) -> Audio {
        let frames = (sr * secs) as usize;
        let samples = (0..frames * channels as usize)
            .map(|i| {
                (amp * (TAU * 200.0 * (i / channels as usize) as f64 / f64::from(sr)).sin()).round()
                    as i16
            })
            .collect();
        Audio {
            sample_rate: sr,
            channels,
            samples,
        }
    }

    fn channel(a: &Audio, c: usize, from_ms: usize, len_ms: usize) -> Vec<i16> {
        let (ch, sr) = (a.channels as usize, a.sample_rate as usize);
        let from = from_ms * sr / 1000;
        (from..from + len_ms * sr / 1000)
            .map(|f| a.samples[f * ch + c])
            .collect()
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
                assert!(
                    at_tag > 1000.0 * between.max(1.0),
                    "ch {c} tag {tag_ms}: {at_tag} vs {between}"
                );
            }
        }
        assert_eq!(channel(&d, 0, 1000, 2000), channel(&clean, 0, 1000, 2000));
    }

    // R: W1
    #[test]
    fn full_scale_programme_saturates_without_wraparound() {
        let mut samples = vec![i16::MAX; 8000];
        samples.extend(vec![i16::MIN; 8000]);
        let clean = Audio {
            sample_rate: 8000,
            channels: 1,
            samples,
        };
        let style = WatermarkStyle {
            tag_interval_ms: 500,
            ..WatermarkStyle::default()
        };
        let d = draft_audio_of(&clean, &style);
        assert_ne!(d, clean);
        assert!(
            d.samples[..8000].iter().all(|&s| s > 0) && d.samples[8000..].iter().all(|&s| s < 0)
        );
    }

    // R: W1
    #[test]
    fn silent_programme_still_gets_audible_tags() {
        let clean = Audio {
            sample_rate: 8000,
            channels: 1,
            samples: vec![0; 8000 * 9],
        };
        let d = draft_audio_of(&clean, &WatermarkStyle::default());
        for tag_ms in [0, 4000, 8000] {
            let peak = channel(&d, 0, tag_ms, 250)
                .iter()
                .map(|s| s.unsigned_abs())
                .max()
                .unwrap();
            assert!(
                f64::from(peak) > TAG_FLOOR * 0.8,
                "tag {tag_ms}: peak {peak}"
            );
            assert!(goertzel(&channel(&d, 0, tag_ms + 75, 100), 8000.0, 880.0) > 1e4);
        }
    }

    // R: W1
    #[test]
    fn degenerate_audio_does_not_panic() {
        let nan = WatermarkStyle {
            tag_level_db: f32::NAN,
            tag_interval_ms: 0,
            ..WatermarkStyle::default()
        };
        for (sr, ch, len) in [
            (0, 1, 100),
            (8000, 0, 100),
            (8000, 1, 0),
            (8000, 2, 1),
            (1, 1, 5),
            (u32::MAX, 3, 10),
            (44_100, 2, 44_101),
        ] {
            let a = Audio {
                sample_rate: sr,
                channels: ch,
                samples: vec![1000; len],
            };
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
        assert_eq!(
            lines[0],
            "[DRAFT — order-12 — purchase to receive the full text]"
        );
        assert!(lines
            .last()
            .unwrap()
            .starts_with("[END OF DRAFT PREVIEW — order-12"));
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
        let huge = DraftMark {
            reference: "r\n".repeat(50_000),
            seed: 0,
        };
        let Artifact::Text(t) = draft(
            &Artifact::Text("x".into()),
            &huge,
            &WatermarkStyle::default(),
        ) else {
            panic!()
        };
        assert!(t.len() < 400 && t.lines().next().unwrap().starts_with("[DRAFT — r r"));
    }
}
