//! Invisible, robust image watermark (SPEC W2): a 64-bit payload identifying the
//! order, spread over the whole picture as a faint periodic pattern that survives
//! JPEG, resizing, rotation, flips, crops and brightness changes, and that the
//! detector re-synchronises blindly.
//!
//! # Scheme
//! - **Tile.** A tile of 32×32 chips, each chip 2×2 pixels (a period of
//!   [`PERIOD`] = 64 px), repeats over the whole image. A keyed permutation gives 256
//!   chips to a fixed *pilot* and the other 768 to the coded payload: the 96-bit
//!   codeword of [`super::payload`] (64 payload bits + CRC-32), coded by a rate-½
//!   tail-biting convolutional code (constraint length 7) into 192 bits, each sent by
//!   4 chips per tile with a keyed ±1 whitening.
//! - **Embedding.** The chip value (±1) is added to the luma (R, G and B alike; alpha
//!   untouched) with an amplitude that follows the local texture (busy areas hide
//!   more, flat areas get [`InvisibleStyle::mask_min`] of it), scaled so the change
//!   has an RMS of [`InvisibleStyle::strength`] grey levels (about 41 dB PSNR by
//!   default on photographs; pictures busy throughout, such as noise or gravel, get
//!   up to [`InvisibleStyle::max_busy_boost`] times more). Images too flat to hide
//!   it, or under 128 px a side, are [`Unfit`].
//! - **Reading at a known geometry.** The luma is high-passed and divided by its local
//!   energy (the picture becomes noise of unit variance, the mark stays), then
//!   *folded*: every pixel is added to the bin of its position modulo the period, in
//!   the tile's coordinates. The folded tile is the pattern up to an unknown cyclic
//!   shift and one of the 8 symmetries of the square (flips and quarter turns); a
//!   cross-correlation with the pilot (FFT, for the 8 symmetries) finds both, then
//!   each coded bit is the signed sum of its chips' bins, and a soft-decision Viterbi
//!   decoder returns the codeword. It is accepted only when its CRC-32 holds and its
//!   confidence reaches [`InvisibleStyle::min_confidence`].
//! - **Re-synchronisation.** [`detect`] first reads at the native grid (which covers
//!   crops, flips and quarter turns). When that fails, the autocorrelation of the
//!   whitened luma (one FFT of a central window of at most 512²) shows the tile's
//!   lattice as peaks: the image was rescaled and rotated, and the peaks say by how
//!   much. Lattice vectors between [`InvisibleStyle::min_scale`] and
//!   [`InvisibleStyle::max_scale`] times the period are scored by how well a whole
//!   square lattice fits the peaks, refined by least squares on every lattice peak in
//!   the window, and the best [`InvisibleStyle::geometry_candidates`] are read in
//!   turn; the CRC is the referee. At most 1 + 8 geometries × 8 symmetries are tried,
//!   so a false payload on an unmarked image has odds near 72 · 2⁻³².
//!
//! Everything is deterministic and panic-free for any input.

use crate::generator::Image;
use crate::rng::SplitMix;
use crate::watermark::payload::{self, CODEWORD_BITS};
use crate::watermark::{Detection, Unfit};
use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Side of one chip, in pixels.
const CELL: usize = 2;
/// Side of the tile, in chips.
const CELLS: usize = 32;
/// The mark's period in pixels, and the side of the folded tile in bins.
pub const PERIOD: usize = CELL * CELLS;
/// One tile pixel in the 32.32 fixed point [`Reader::fold`] walks the tile with.
const FIXED_ONE: f64 = 4_294_967_296.0;
const _: () = assert!(PERIOD.is_power_of_two(), "folded bins wrap with a mask");
/// Chips per tile.
const CHIPS: usize = CELLS * CELLS;
/// Chips of each coded bit per tile.
const CHIPS_PER_BIT: usize = 4;
/// Chips of the pilot per tile.
const PILOT_CHIPS: usize = CHIPS - CHIPS_PER_BIT * CODED;
const _: () = assert!(PILOT_CHIPS == CHIPS / 4, "a quarter of the tile is pilot");
/// Role of a pilot chip in [`Layout::role`].
const PILOT: u16 = u16::MAX;
/// Smallest side, in pixels, that can carry the mark (two periods).
const MIN_SIDE: usize = 2 * PERIOD;
/// Smallest side, in pixels, that is searched for it.
const MIN_READ_SIDE: usize = PERIOD;
/// Largest side of the window whose autocorrelation estimates the geometry.
const ACF_MAX: usize = 512;
/// Most lattice candidates read per image.
const MAX_GEOMETRIES: u32 = 8;
/// Autocorrelation peaks turned into lattice candidates.
const ACF_PEAKS: usize = 12;
/// Scale step (natural log) of the lattice search.
const GRID_SCALE_STEP: f64 = 0.01;
/// Rotation step and range, in degrees, of the lattice search.
const GRID_DEGREE_STEP: f64 = 0.5;
const GRID_MAX_DEGREES: f64 = 7.0;
/// Lattices the search adds to the candidates.
const GRID_PICKS: usize = 3;
/// Half-side of the window the power spectrum is divided by its mean over.
const SPECTRUM_RADIUS: usize = 2;
/// A shorter lattice replaces a candidate from this share of its score.
const FUNDAMENTAL_SHARE: f32 = 0.7;
/// The 8 symmetries of the square (flips and quarter turns) of the folded tile.
const SYMMETRIES: usize = 8;

/// Parameters of the invisible mark; `Default` gives the documented defaults.
///
/// The embedder and the detector must use the same `key`; the other fields tune
/// strength, the flat-image rule, the geometry search and the acceptance rule.
///
/// ```
/// use fivergo_core::watermark::invisible::InvisibleStyle;
/// let s = InvisibleStyle::default();
/// assert_eq!((s.strength, s.min_scale, s.max_scale), (2.2, 0.5, 2.0));
/// let partial: InvisibleStyle = serde_json::from_str(r#"{"min_confidence":0.5}"#).unwrap();
/// assert_eq!(partial, InvisibleStyle { min_confidence: 0.5, ..s });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InvisibleStyle {
    /// RMS of the luma change in grey levels (default 2.2, a PSNR near 41 dB),
    /// clamped to `[0.25, 16]`.
    pub strength: f32,
    /// Local texture (RMS of the high-passed luma, grey levels) at which a pixel gets
    /// the mean amplitude (default 6): busier pixels get more, flatter ones less.
    pub texture_reference: f32,
    /// Least amplitude, relative to the mean, on flat areas (default 0.35).
    pub mask_min: f32,
    /// Most amplitude, relative to the mean, on busy areas (default 2.5).
    pub mask_max: f32,
    /// A picture whose median local texture exceeds this (default 8 grey levels) is
    /// busy throughout: its mark is made stronger in proportion, up to
    /// `max_busy_boost` times (photographs stay under it; noise and gravel do not).
    pub busy_texture: f32,
    /// Most strengthening of a busy picture's mark (default 4).
    pub max_busy_boost: f32,
    /// A pixel counts as textured from this local texture (default 1.5 grey levels).
    pub texture_amplitude: f32,
    /// An image is unfit when fewer than this share of its pixels are textured
    /// (default 0.02).
    pub min_textured_share: f32,
    /// Smallest rescale factor the detector searches for (default 0.5).
    pub min_scale: f32,
    /// Largest rescale factor the detector searches for (default 2).
    pub max_scale: f32,
    /// Lattice candidates of the autocorrelation read when the native grid fails
    /// (default 4, clamped to `0..=8`; 0 switches the geometry search off).
    pub geometry_candidates: u32,
    /// Agreement that counts as full confidence (default 3): the mean z-score of the
    /// received coded bits along the decoded codeword (an untouched photograph reads
    /// about 3.2).
    pub full_confidence_z: f32,
    /// A CRC-valid codeword is accepted only from this confidence (default 0.1).
    /// Confidence 0 is an agreement of √(2/π), what a read of pure noise averages
    /// in absolute value.
    pub min_confidence: f32,
    /// Key of the chip layout and whitening (default a fixed constant).
    pub key: u64,
}

impl Default for InvisibleStyle {
    fn default() -> Self {
        Self {
            strength: 2.2,
            texture_reference: 6.0,
            mask_min: 0.35,
            mask_max: 2.5,
            busy_texture: 8.0,
            max_busy_boost: 4.0,
            texture_amplitude: 1.5,
            min_textured_share: 0.02,
            min_scale: 0.5,
            max_scale: 2.0,
            geometry_candidates: 4,
            full_confidence_z: 3.0,
            min_confidence: 0.1,
            key: 0x5F1E_C0DE_F1B6_0003,
        }
    }
}

impl InvisibleStyle {
    /// A copy in which every value that is not a finite, non-negative number takes
    /// its default and ranges are put in order, so a hostile style cannot switch
    /// checks off or cause a panic.
    fn sanitized(&self) -> Self {
        let d = Self::default();
        let ok = |v: f32, fallback: f32| {
            if v.is_finite() && v >= 0.0 {
                v
            } else {
                fallback
            }
        };
        let mask_min = ok(self.mask_min, d.mask_min).clamp(0.01, 1.0);
        let min_scale = ok(self.min_scale, d.min_scale).clamp(0.25, 1.0);
        Self {
            strength: ok(self.strength, d.strength).clamp(0.25, 16.0),
            texture_reference: ok(self.texture_reference, d.texture_reference).max(0.1),
            mask_min,
            mask_max: ok(self.mask_max, d.mask_max).clamp(mask_min, 100.0),
            busy_texture: ok(self.busy_texture, d.busy_texture).max(0.1),
            max_busy_boost: ok(self.max_busy_boost, d.max_busy_boost).clamp(1.0, 16.0),
            texture_amplitude: ok(self.texture_amplitude, d.texture_amplitude),
            min_textured_share: ok(self.min_textured_share, d.min_textured_share).min(1.0),
            min_scale,
            max_scale: ok(self.max_scale, d.max_scale).clamp(1.0, 4.0),
            geometry_candidates: self.geometry_candidates.min(MAX_GEOMETRIES),
            full_confidence_z: ok(self.full_confidence_z, d.full_confidence_z),
            min_confidence: ok(self.min_confidence, d.min_confidence),
            key: self.key,
        }
    }
}

/// `img` with `payload` invisibly embedded.
///
/// Errors with [`Unfit`] when the image is too small (a side under 128 px), its
/// buffer is shorter than `width × height × 4`, or it is too flat to hide the mark
/// ([`InvisibleStyle::min_textured_share`]).
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::invisible::{detect, embed, InvisibleStyle};
/// let mut img = Image::filled(256, 256, [0, 0, 0, 255]);
/// let mut s = 1u32;
/// for p in img.rgba.chunks_exact_mut(4) {
///     s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
///     p[..3].fill(96 + (s >> 26) as u8); // a grainy grey picture
/// }
/// let style = InvisibleStyle::default();
/// let marked = embed(&img, 0xC0FFEE, &style).unwrap();
/// assert_eq!(detect(&marked, &style).payload(), Some(0xC0FFEE));
/// assert_eq!(detect(&img, &style).payload(), None);
/// assert!(embed(&Image::filled(256, 256, [90, 90, 90, 255]), 1, &style).is_err());
/// ```
pub fn embed(img: &Image, payload: u64, style: &InvisibleStyle) -> Result<Image, Unfit> {
    let (w, h) = (img.width as usize, img.height as usize);
    if w < MIN_SIDE || h < MIN_SIDE {
        return Err(Unfit {
            reason: format!(
                "image is {w}×{h} px; the invisible mark needs at least {MIN_SIDE}×{MIN_SIDE}"
            ),
        });
    }
    if img.rgba.len() / 4 / w < h {
        return Err(Unfit {
            reason: "pixel buffer is shorter than width × height × 4".into(),
        });
    }
    let style = style.sanitized();
    let texture = texture(img, w, h, &style)?;
    let mask: Vec<f32> = texture
        .iter()
        .map(|t| (t / style.texture_reference).clamp(style.mask_min, style.mask_max))
        .collect();
    let rms =
        (mask.iter().map(|m| f64::from(m * m)).sum::<f64>() / mask.len() as f64).sqrt() as f32;
    // A picture busy throughout (noise, gravel) hides a stronger mark, and needs one.
    let mut sorted = texture.clone();
    let (_, &mut median, _) = sorted.select_nth_unstable_by(texture.len() / 2, f32::total_cmp);
    let boost = (median / style.busy_texture).clamp(1.0, style.max_busy_boost);
    let gain = style.strength * boost / rms.max(1e-6);
    let chips = Layout::new(style.key).chips(&conv_encode(&payload::encode(payload)));
    let mut out = img.clone();
    for (y, (row, mrow)) in out
        .rgba
        .chunks_exact_mut(4 * w)
        .zip(mask.chunks_exact(w))
        .take(h)
        .enumerate()
    {
        let crow = &chips[(y % PERIOD) / CELL * CELLS..][..CELLS];
        for (x, (px, m)) in row.chunks_exact_mut(4).zip(mrow).enumerate() {
            // Rounded half away from zero by truncation (`f32::round` is a libm
            // call, a tenth of the embed's cost).
            let v = (gain * m * crow[(x % PERIOD) / CELL]).clamp(-255.0, 255.0);
            let d = (v + 0.5f32.copysign(v)) as i16;
            for c in &mut px[..3] {
                *c = (i16::from(*c) + d).clamp(0, 255) as u8;
            }
        }
    }
    Ok(out)
}

/// Whether `img` can hold the mark: the size and flatness rules of [`embed`]
/// without embedding. [`super::mark_draft`] asks it of the *clean* picture, so a
/// flat picture is reported unfit even though its draft carries the visible mark's
/// texture.
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::invisible::{check_fit, InvisibleStyle};
/// assert!(check_fit(&Image::filled(512, 512, [90, 90, 90, 255]), &InvisibleStyle::default()).is_err());
/// ```
pub fn check_fit(img: &Image, style: &InvisibleStyle) -> Result<(), Unfit> {
    let (w, h) = (img.width as usize, img.height as usize);
    if w < MIN_SIDE || h < MIN_SIDE {
        return Err(Unfit {
            reason: format!(
                "image is {w}×{h} px; the invisible mark needs at least {MIN_SIDE}×{MIN_SIDE}"
            ),
        });
    }
    if img.rgba.len() / 4 / w < h {
        return Err(Unfit {
            reason: "pixel buffer is shorter than width × height × 4".into(),
        });
    }
    texture(img, w, h, &style.sanitized()).map(|_| ())
}

/// The local texture of every pixel (RMS of the high-passed luma over 5×5), or
/// [`Unfit`] when too few pixels are textured; the caller checked the buffer.
fn texture(img: &Image, w: usize, h: usize, style: &InvisibleStyle) -> Result<Vec<f32>, Unfit> {
    let high = high_pass(&luma(img, w, h), w, h);
    let energy = box_mean(&high.iter().map(|v| v * v).collect::<Vec<_>>(), w, h, 2);
    let texture: Vec<f32> = energy.iter().map(|e| e.max(0.0).sqrt()).collect();
    let textured = texture
        .iter()
        .filter(|&&t| t >= style.texture_amplitude)
        .count();
    if (textured as f32) < style.min_textured_share * (w * h) as f32 {
        return Err(Unfit {
            reason: format!(
                "image is too flat for an invisible mark: {:.1} % of its pixels are textured, {:.1} % needed",
                100.0 * textured as f32 / (w * h) as f32,
                100.0 * style.min_textured_share
            ),
        });
    }
    Ok(texture)
}

/// Looks for a mark: the payload and a confidence, or [`Detection::NotFound`] on an
/// unmarked image, one damaged beyond recovery, or one too small to search.
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::invisible::{detect, InvisibleStyle};
/// use fivergo_core::watermark::Detection;
/// let plain = Image::filled(300, 200, [10, 200, 30, 255]);
/// assert_eq!(detect(&plain, &InvisibleStyle::default()), Detection::NotFound);
/// ```
pub fn detect(img: &Image, style: &InvisibleStyle) -> Detection {
    let style = style.sanitized();
    let Some(reader) = Reader::new(img, &style) else {
        return Detection::NotFound;
    };
    let native = reader.read(&Geometry::NATIVE).accepted(&style);
    if native != Detection::NotFound {
        return native;
    }
    // The geometry search only when the native grid fails: it costs more.
    reader
        .geometries()
        .iter()
        .map(|g| reader.read(g).accepted(&style))
        .find(|d| *d != Detection::NotFound)
        .unwrap_or(Detection::NotFound)
}

/// Reads the mark of a picture kept at the size it was handed out (cropped, flipped
/// or turned by quarter turns at most) from its luma shrunk by two: `luma` holds the
/// means of its 2×2 blocks in grey levels, `w × h` of them, rows in order. There is
/// no geometry search, and a quarter of the pixels: the cheap check an upload runs
/// (a draft uploaded back as a training picture), not a leak investigation, for
/// which [`detect`] searches rescales and rotations.
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::invisible::{detect_shrunk, embed, InvisibleStyle};
/// let mut img = Image::filled(512, 512, [0, 0, 0, 255]);
/// for (i, p) in img.rgba.chunks_exact_mut(4).enumerate() {
///     p[..3].fill(((i * 7919) % 251) as u8); // a busy grey picture
/// }
/// let style = InvisibleStyle::default();
/// let shrunk = |img: &Image| -> Vec<f32> {
///     let at = |x: usize, y: usize| f32::from(img.rgba[(y * 512 + x) * 4]);
///     (0..256 * 256)
///         .map(|i| (i % 256 * 2, i / 256 * 2))
///         .map(|(x, y)| (at(x, y) + at(x + 1, y) + at(x, y + 1) + at(x + 1, y + 1)) / 4.0)
///         .collect()
/// };
/// let marked = embed(&img, 77, &style).unwrap();
/// assert_eq!(detect_shrunk(&shrunk(&marked), 256, 256, &style).payload(), Some(77));
/// assert_eq!(detect_shrunk(&shrunk(&img), 256, 256, &style).payload(), None);
/// assert_eq!(detect_shrunk(&[0.0; 10], 256, 256, &style).payload(), None); // too short
/// ```
pub fn detect_shrunk(luma: &[f32], w: usize, h: usize, style: &InvisibleStyle) -> Detection {
    let style = style.sanitized();
    let Some(reader) = Reader::of_luma(luma, w, h, &style) else {
        return Detection::NotFound;
    };
    // One shrunk pixel spans two bins of the tile.
    let halved = Geometry {
        m: [[2.0, 0.0], [0.0, 2.0]],
    };
    reader.read(&halved).accepted(&style)
}

/// The codeword bits read blindly from `img` after error correction, whether or not
/// their CRC holds: from the geometry whose decoding agrees best with what was read
/// (a CRC-valid one first); `None` when the image is too small to read. Useful to
/// measure bit accuracy when the exact payload no longer decodes.
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::invisible::{embed, read_bits, InvisibleStyle};
/// use fivergo_core::watermark::payload::encode;
/// let mut img = Image::filled(256, 256, [0, 0, 0, 255]);
/// for (i, p) in img.rgba.chunks_exact_mut(4).enumerate() {
///     p[..3].fill(((i * 7919) % 251) as u8);
/// }
/// let style = InvisibleStyle::default();
/// let bits = read_bits(&embed(&img, 99, &style).unwrap(), &style).unwrap();
/// assert_eq!(bits, encode(99));
/// assert!(read_bits(&Image::filled(20, 20, [0; 4]), &style).is_none());
/// ```
pub fn read_bits(img: &Image, style: &InvisibleStyle) -> Option<[bool; CODEWORD_BITS]> {
    let style = style.sanitized();
    let reader = Reader::new(img, &style)?;
    let native = reader.read(&Geometry::NATIVE);
    if native.payload.is_some() {
        return Some(native.bits);
    }
    let mut best = native;
    for geometry in reader.geometries() {
        let d = reader.read(&geometry);
        if d.payload.is_some() {
            return Some(d.bits);
        }
        if d.agreement > best.agreement {
            best = d;
        }
    }
    Some(best.bits)
}

/// Confidence in `0..=1` from a decoding's agreement: 0 at the mean |z| of pure
/// noise (√(2/π)), 1 from [`InvisibleStyle::full_confidence_z`].
fn confidence(agreement: f32, style: &InvisibleStyle) -> f32 {
    let noise = (2.0 / std::f32::consts::PI).sqrt();
    // Kept above the noise level so the scale never divides by zero or flips.
    let full = style.full_confidence_z.max(noise + f32::EPSILON.sqrt());
    ((agreement - noise) / (full - noise)).clamp(0.0, 1.0)
}

/// Keyed chip layout: which coded bit each chip carries (or the pilot), and its
/// whitening sign.
struct Layout {
    role: [u16; CHIPS],
    sign: [f32; CHIPS],
}

impl Layout {
    fn new(key: u64) -> Self {
        let mut rng = SplitMix(key);
        let mut order: [usize; CHIPS] = std::array::from_fn(|i| i);
        for i in (1..CHIPS).rev() {
            order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        let mut role = [PILOT; CHIPS];
        for (k, &chip) in order.iter().enumerate().skip(PILOT_CHIPS) {
            role[chip] = ((k - PILOT_CHIPS) % CODED) as u16;
        }
        let sign = std::array::from_fn(|_| if rng.next_u64() & 1 == 1 { 1.0 } else { -1.0 });
        Self { role, sign }
    }

    /// The ±1 value of every chip of the tile that sends `coded`.
    fn chips(&self, coded: &[bool; CODED]) -> [f32; CHIPS] {
        std::array::from_fn(|c| match self.role[c] {
            PILOT => self.sign[c],
            bit if coded[usize::from(bit)] => self.sign[c],
            _ => -self.sign[c],
        })
    }

    /// The pilot as folded bins (`PERIOD²`): its chips' signs, zero elsewhere.
    fn pilot_bins(&self) -> Vec<f32> {
        let mut bins = vec![0f32; PERIOD * PERIOD];
        for (i, b) in bins.iter_mut().enumerate() {
            let chip = (i / PERIOD / CELL) * CELLS + (i % PERIOD) / CELL;
            if self.role[chip] == PILOT {
                *b = self.sign[chip];
            }
        }
        bins
    }
}

/// Luma in grey levels (BT.601 weights); the caller checked the buffer.
fn luma(img: &Image, w: usize, h: usize) -> Vec<f32> {
    img.rgba[..w * h * 4]
        .chunks_exact(4)
        .map(|p| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]))
        .collect()
}

/// `v` minus its 3×3 mean: the band the chips live in.
fn high_pass(v: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mean = box_mean(v, w, h, 1);
    v.iter().zip(&mean).map(|(a, m)| a - m).collect()
}

/// Mean over the `(2r+1)²` window around each sample, the window cut at the borders:
/// separable sums of the `2r+1` neighbours (the windows are small, so there is no
/// running sum to drift), each pass adding whole shifted rows so it vectorises.
fn box_mean(v: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut tmp = vec![0f32; w * h];
    for (src, dst) in v.chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        window_mean(src, dst, r);
    }
    let mut out = vec![0f32; w * h];
    for (y, dst) in out.chunks_exact_mut(w).enumerate() {
        let (lo, hi) = (y.saturating_sub(r), (y + r + 1).min(h));
        for row in tmp[lo * w..hi * w].chunks_exact(w) {
            for (d, &s) in dst.iter_mut().zip(row) {
                *d += s;
            }
        }
        let share = 1.0 / (hi - lo) as f32;
        for d in dst.iter_mut() {
            *d *= share;
        }
    }
    out
}

/// 1-D mean of `src[i-r..=i+r]` (cut at the ends) into `dst`.
fn window_mean(src: &[f32], dst: &mut [f32], r: usize) {
    let n = src.len();
    if n > 2 * r {
        let inner = &mut dst[r..n - r];
        inner.fill(0.0);
        for k in 0..=2 * r {
            for (d, &s) in inner.iter_mut().zip(&src[k..]) {
                *d += s;
            }
        }
        let share = 1.0 / (2 * r + 1) as f32;
        for d in inner.iter_mut() {
            *d *= share;
        }
    }
    // The ends, where the window is cut (everything when the row is that short).
    for i in (0..r.min(n)).chain(n.saturating_sub(r).max(r.min(n))..n) {
        let (lo, hi) = (i.saturating_sub(r), (i + r + 1).min(n));
        dst[i] = src[lo..hi].iter().sum::<f32>() / (hi - lo) as f32;
    }
}

/// The linear map from image pixels to tile coordinates (in bins = tile pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Geometry {
    m: [[f64; 2]; 2],
}

impl Geometry {
    /// The geometry of an unscaled, unrotated image.
    const NATIVE: Geometry = Geometry {
        m: [[1.0, 0.0], [0.0, 1.0]],
    };

    /// The geometry whose tile side runs along `a` (image pixels) and `a` turned a
    /// quarter turn.
    fn of_lattice(a: [f64; 2]) -> Self {
        let k = PERIOD as f64 / (a[0] * a[0] + a[1] * a[1]);
        Self {
            m: [[k * a[0], k * a[1]], [-k * a[1], k * a[0]]],
        }
    }
}

/// One read of the mark at one geometry.
struct Decoding {
    bits: [bool; CODEWORD_BITS],
    agreement: f32,
    confidence: f32,
    /// The payload when the CRC holds.
    payload: Option<u64>,
}

impl Decoding {
    /// What the read found: its payload when the CRC holds and the confidence
    /// reaches [`InvisibleStyle::min_confidence`].
    fn accepted(&self, style: &InvisibleStyle) -> Detection {
        match self.payload {
            Some(payload) if self.confidence >= style.min_confidence => Detection::Found {
                payload,
                confidence: self.confidence,
            },
            _ => Detection::NotFound,
        }
    }
}

/// Square 2-D FFTs of one size.
struct Fft2 {
    n: usize,
    forward: Arc<dyn Fft<f32>>,
    inverse: Arc<dyn Fft<f32>>,
}

impl Fft2 {
    fn new(planner: &mut FftPlanner<f32>, n: usize) -> Self {
        Self {
            n,
            forward: planner.plan_fft_forward(n),
            inverse: planner.plan_fft_inverse(n),
        }
    }

    /// In place, rows then columns (unnormalised, like rustfft).
    fn run(&self, data: &mut [Complex32], inverse: bool) {
        let fft = if inverse {
            &self.inverse
        } else {
            &self.forward
        };
        fft.process(data);
        transpose(data, self.n);
        fft.process(data);
        transpose(data, self.n);
    }
}

fn transpose(data: &mut [Complex32], n: usize) {
    for y in 0..n {
        for x in y + 1..n {
            data.swap(y * n + x, x * n + y);
        }
    }
}

/// Bin `(x, y)` of the folded tile under symmetry `g` of the square: bit 0 mirrors x,
/// bit 1 mirrors y, bit 2 swaps the axes.
fn symmetry(g: usize, x: usize, y: usize) -> (usize, usize) {
    let x = if g & 1 == 1 { PERIOD - 1 - x } else { x };
    let y = if g & 2 == 2 { PERIOD - 1 - y } else { y };
    if g & 4 == 4 {
        (y, x)
    } else {
        (x, y)
    }
}

/// The whitened luma of an image and what reading it needs.
struct Reader<'a> {
    w: usize,
    h: usize,
    /// High-passed luma divided by its local RMS.
    white: Vec<f32>,
    layout: Layout,
    /// FFT of the pilot under each symmetry.
    pilots: Vec<Vec<Complex32>>,
    tile_fft: Fft2,
    planner: std::cell::RefCell<FftPlanner<f32>>,
    style: &'a InvisibleStyle,
}

impl<'a> Reader<'a> {
    fn new(img: &Image, style: &'a InvisibleStyle) -> Option<Self> {
        let (w, h) = (img.width as usize, img.height as usize);
        if w < MIN_READ_SIDE || h < MIN_READ_SIDE || img.rgba.len() / 4 / w < h {
            return None;
        }
        Self::of_luma(&luma(img, w, h), w, h, style)
    }

    /// The reader of a luma plane (grey levels, `w × h`, rows in order).
    fn of_luma(luma: &[f32], w: usize, h: usize, style: &'a InvisibleStyle) -> Option<Self> {
        if w < MIN_READ_SIDE || h < MIN_READ_SIDE || luma.len() < w.saturating_mul(h) {
            return None;
        }
        let high = high_pass(&luma[..w * h], w, h);
        let energy = box_mean(&high.iter().map(|v| v * v).collect::<Vec<_>>(), w, h, 4);
        let white = high
            .iter()
            .zip(&energy)
            .map(|(v, e)| (v / (e.max(0.0) + 1.0).sqrt()).clamp(-3.0, 3.0))
            .collect();
        let layout = Layout::new(style.key);
        let mut planner = FftPlanner::new();
        let tile_fft = Fft2::new(&mut planner, PERIOD);
        let pilot = layout.pilot_bins();
        let pilots = (0..SYMMETRIES)
            .map(|g| {
                let mut t: Vec<Complex32> = (0..PERIOD * PERIOD)
                    .map(|i| {
                        let (x, y) = symmetry(g, i % PERIOD, i / PERIOD);
                        Complex32::new(pilot[y * PERIOD + x], 0.0)
                    })
                    .collect();
                tile_fft.run(&mut t, false);
                t
            })
            .collect();
        Some(Self {
            w,
            h,
            white,
            layout,
            pilots,
            tile_fft,
            planner: std::cell::RefCell::new(planner),
            style,
        })
    }

    /// The whitened luma folded into one tile at `geometry`.
    fn fold(&self, geometry: &Geometry) -> Vec<f32> {
        let [[a, b], [c, d]] = geometry.m;
        // Tile coordinates in 32.32 fixed point: an integer add per pixel instead of
        // a dependent float add and a conversion. The arithmetic shift floors
        // negative coordinates too, and the mask takes them modulo the period.
        let fixed = |x: f64| (x * FIXED_ONE).round() as i64;
        let (da, dc) = (fixed(a), fixed(c));
        let mask = PERIOD as i64 - 1;
        let mut bins = vec![0f32; PERIOD * PERIOD];
        for (y, row) in self.white.chunks_exact(self.w).enumerate() {
            let yc = y as f64 + 0.5;
            let (mut u, mut v) = (fixed(0.5 * a + yc * b), fixed(0.5 * c + yc * d));
            for &val in row {
                let (tu, tv) = ((u >> 32) & mask, (v >> 32) & mask);
                bins[tv as usize * PERIOD + tu as usize] += val;
                u = u.wrapping_add(da);
                v = v.wrapping_add(dc);
            }
        }
        bins
    }

    /// Reads the mark at `geometry`: the pilot's best shift and symmetry, then the
    /// codeword.
    fn read(&self, geometry: &Geometry) -> Decoding {
        let bins = self.fold(geometry);
        let mean = bins.iter().sum::<f32>() / bins.len() as f32;
        let bins: Vec<f32> = bins.iter().map(|b| b - mean).collect();
        let mut spectrum: Vec<Complex32> = bins.iter().map(|&b| Complex32::new(b, 0.0)).collect();
        self.tile_fft.run(&mut spectrum, false);
        // Best (z-score, symmetry, shift) of the pilot's cross-correlation.
        let mut best = (f32::NEG_INFINITY, 0usize, 0usize);
        let mut corr = vec![Complex32::new(0.0, 0.0); PERIOD * PERIOD];
        for (g, pilot) in self.pilots.iter().enumerate() {
            for ((c, s), p) in corr.iter_mut().zip(&spectrum).zip(pilot) {
                *c = s * p.conj();
            }
            self.tile_fft.run(&mut corr, true);
            let n = corr.len() as f32;
            let m = corr.iter().map(|c| c.re).sum::<f32>() / n;
            let sd = (corr.iter().map(|c| (c.re - m).powi(2)).sum::<f32>() / n)
                .sqrt()
                .max(1e-12);
            for (s, c) in corr.iter().enumerate() {
                let z = (c.re - m) / sd;
                if z > best.0 {
                    best = (z, g, s);
                }
            }
        }
        let (_, g, s) = best;
        let (sx, sy) = (s % PERIOD, s / PERIOD);
        let mut chips = [0f32; CHIPS];
        for (i, &b) in bins.iter().enumerate() {
            let (bx, by) = (
                (i % PERIOD + PERIOD - sx) % PERIOD,
                (i / PERIOD + PERIOD - sy) % PERIOD,
            );
            let (tx, ty) = symmetry(g, bx, by);
            chips[(ty / CELL) * CELLS + tx / CELL] += b;
        }
        let sd = (bins.iter().map(|b| b * b).sum::<f32>() / bins.len() as f32)
            .sqrt()
            .max(1e-12);
        let unit = sd * ((CHIPS_PER_BIT * CELL * CELL) as f32).sqrt();
        let mut soft = [0f32; CODED];
        for (c, v) in chips.iter().enumerate() {
            if self.layout.role[c] != PILOT {
                soft[usize::from(self.layout.role[c])] += self.layout.sign[c] * v / unit;
            }
        }
        let bits = viterbi(&soft);
        let expected = conv_encode(&bits);
        let agreement = soft
            .iter()
            .zip(expected)
            .map(|(&v, e)| if e { v } else { -v })
            .sum::<f32>()
            / CODED as f32;
        Decoding {
            bits,
            agreement,
            confidence: confidence(agreement, self.style),
            payload: payload::decode_hard(&bits),
        }
    }

    /// Geometries worth reading when the native grid fails, best first: lattices
    /// found in the autocorrelation of a central window.
    fn geometries(&self) -> Vec<Geometry> {
        let wanted = self.style.geometry_candidates as usize;
        // A side with small factors keeps the FFT fast.
        let side = ACF_MAX.min(self.w.min(self.h)) & !15;
        if wanted == 0 || side < MIN_READ_SIDE {
            return Vec::new();
        }
        let acf = self.autocorrelation(side);
        let rmin = PERIOD as f64 * f64::from(self.style.min_scale) * 0.9;
        let rmax =
            (PERIOD as f64 * f64::from(self.style.max_scale) * 1.1).min(side as f64 / 2.0 - 3.0);
        if rmax <= rmin {
            return Vec::new();
        }
        // Local maxima of the half plane within the annulus.
        let at = |x: isize, y: isize| {
            acf[y.rem_euclid(side as isize) as usize * side + x.rem_euclid(side as isize) as usize]
        };
        let mut peaks: Vec<(f32, [f64; 2])> = Vec::new();
        let r = rmax.ceil() as isize;
        for y in 0..=r {
            for x in -r..=r {
                let d = ((x * x + y * y) as f64).sqrt();
                if d < rmin || d > rmax || (y == 0 && x < 0) {
                    continue;
                }
                let v = at(x, y);
                let is_max = (-1..=1)
                    .all(|dy| (-1..=1).all(|dx| (dx == 0 && dy == 0) || at(x + dx, y + dy) <= v));
                if is_max {
                    peaks.push((v, refine_peak(&at, x, y)));
                }
            }
        }
        peaks.sort_by(|a, b| b.0.total_cmp(&a.0));
        peaks.truncate(ACF_PEAKS);
        // Each peak is a lattice point: the vector itself, half of it, or a diagonal.
        let (lo, hi) = (
            PERIOD as f64 * f64::from(self.style.min_scale) * 0.95,
            PERIOD as f64 * f64::from(self.style.max_scale) * 1.05,
        );
        let mut candidates: Vec<(f32, [f64; 2])> = Vec::new();
        for (_, p) in &peaks {
            let q = [-p[1], p[0]];
            let diagonals = [
                [(p[0] - q[0]) / 2.0, (p[1] - q[1]) / 2.0],
                [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0],
            ];
            for c in [
                *p,
                [p[0] / 2.0, p[1] / 2.0],
                [p[0] / 3.0, p[1] / 3.0],
                diagonals[0],
                diagonals[1],
            ] {
                let c = canonical(c);
                let len = c[0].hypot(c[1]);
                if !(lo..=hi).contains(&len)
                    || candidates
                        .iter()
                        .any(|(_, o)| (o[0] - c[0]).hypot(o[1] - c[1]) < 1.0)
                {
                    continue;
                }
                candidates.push((lattice_score(&acf, side, c), c));
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        // A search over scale and small rotations on the smoothed autocorrelation,
        // which sums every lattice point rather than trusting one peak: it finds
        // the lattice where no single peak stands out (small or busy pictures).
        let smooth = circular_box_mean(&acf, side, 1);
        let mut grid: Vec<(f32, [f64; 2])> = Vec::new();
        let steps = ((f64::from(self.style.max_scale) / f64::from(self.style.min_scale)).ln()
            / GRID_SCALE_STEP)
            .ceil() as i32;
        let turns = (GRID_MAX_DEGREES / GRID_DEGREE_STEP).round() as i32;
        for k in 0..=steps {
            let len = PERIOD as f64
                * f64::from(self.style.min_scale)
                * (GRID_SCALE_STEP * f64::from(k)).exp();
            for t in -turns..=turns {
                let (sin, cos) = (f64::from(t) * GRID_DEGREE_STEP).to_radians().sin_cos();
                let a = [len * cos, len * sin];
                grid.push((lattice_score(&smooth, side, a), a));
            }
        }
        grid.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut picked = 0;
        for (score, a) in grid {
            if picked == GRID_PICKS {
                break;
            }
            let a = refine_lattice(&acf, side, a);
            if candidates
                .iter()
                .all(|(_, o)| (o[0] - a[0]).hypot(o[1] - a[1]) >= 1.0)
            {
                candidates.push((lattice_score(&acf, side, a).max(score), a));
                picked += 1;
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        // A lattice scores as well as its own super-lattices (every other point, the
        // diagonals): each candidate gives way to the shortest one whose lattice
        // holds it and that scores nearly as well (a sub-lattice of twice the
        // density scores half).
        let mut order: Vec<[f64; 2]> = Vec::new();
        for &(score, c) in &candidates {
            let fundamental = candidates
                .iter()
                .filter(|(s, d)| {
                    *s >= FUNDAMENTAL_SHARE * score
                        && d[0].hypot(d[1]) < c[0].hypot(c[1]) - 1.0
                        && on_lattice(c, *d)
                })
                .map(|&(_, d)| d)
                .min_by(|a, b| a[0].hypot(a[1]).total_cmp(&b[0].hypot(b[1])));
            for v in fundamental.into_iter().chain([c]) {
                if !order.iter().any(|o| (o[0] - v[0]).hypot(o[1] - v[1]) < 1.0) {
                    order.push(v);
                }
            }
        }
        order.truncate(wanted);
        order
            .into_iter()
            .map(|c| Geometry::of_lattice(refine_lattice(&acf, side, c)))
            .collect()
    }

    /// Circular autocorrelation of the central `side²` window of the whitened luma,
    /// normalised to 1 at lag 0.
    fn autocorrelation(&self, side: usize) -> Vec<f32> {
        let (x0, y0) = ((self.w - side) / 2, (self.h - side) / 2);
        let mut data: Vec<Complex32> = Vec::with_capacity(side * side);
        for y in y0..y0 + side {
            data.extend(
                self.white[y * self.w + x0..][..side]
                    .iter()
                    .map(|&v| Complex32::new(v, 0.0)),
            );
        }
        let fft = Fft2::new(&mut self.planner.borrow_mut(), side);
        fft.run(&mut data, false);
        // The power spectrum divided by its local mean: the picture's broad spectrum
        // flattens out, the tile's lines (a periodic pattern has a line spectrum)
        // stand out, so textured pictures do not drown the lattice.
        let power: Vec<f32> = data.iter().map(|c| c.norm_sqr()).collect();
        let local = circular_box_mean(&power, side, SPECTRUM_RADIUS);
        for (c, (p, m)) in data.iter_mut().zip(power.iter().zip(&local)) {
            *c = Complex32::new(p / (m + 1e-12), 0.0);
        }
        data[0] = Complex32::new(0.0, 0.0);
        fft.run(&mut data, true);
        let zero = data[0].re.max(1e-12);
        data.iter().map(|c| c.re / zero).collect()
    }
}

/// Mean over the `(2r+1)²` window around each sample of a `side²` array that wraps
/// around (a spectrum).
fn circular_box_mean(v: &[f32], side: usize, r: usize) -> Vec<f32> {
    let pass = |src: &[f32], transpose_out: bool| -> Vec<f32> {
        let mut out = vec![0f32; side * side];
        for (y, row) in src.chunks_exact(side).enumerate() {
            let mut sum: f32 = (0..=2 * r).map(|k| row[(k + side - r) % side]).sum();
            for x in 0..side {
                let i = if transpose_out {
                    x * side + y
                } else {
                    y * side + x
                };
                out[i] = sum / (2 * r + 1) as f32;
                sum += row[(x + r + 1) % side] - row[(x + side - r) % side];
            }
        }
        out
    };
    // Rows, written transposed; then the rows of that (the columns), transposed back.
    pass(&pass(v, true), true)
}

/// `a` turned by quarter turns until its angle lies in `(−45°, 45°]`: the square
/// lattice of `a` is that of each of its quarter turns.
fn canonical(mut a: [f64; 2]) -> [f64; 2] {
    for _ in 0..4 {
        if a[0] > 0.0 && a[1].abs() <= a[0] && !(a[1] == -a[0]) {
            return a;
        }
        a = [-a[1], a[0]];
    }
    a
}

/// Whether `c` is a point of the square lattice of `d` (within 8 % of a step).
fn on_lattice(c: [f64; 2], d: [f64; 2]) -> bool {
    let d2 = d[0] * d[0] + d[1] * d[1];
    let (m, n) = (
        (c[0] * d[0] + c[1] * d[1]) / d2,
        (c[1] * d[0] - c[0] * d[1]) / d2,
    );
    (m - m.round()).abs() < 0.08 && (n - n.round()).abs() < 0.08
}

/// Sub-pixel position of the peak at integer `(x, y)` (a parabola through each axis).
fn refine_peak(at: &impl Fn(isize, isize) -> f32, x: isize, y: isize) -> [f64; 2] {
    let offset = |a: f32, b: f32, c: f32| {
        let den = a - 2.0 * b + c;
        if den < 0.0 {
            f64::from((0.5 * (a - c) / den).clamp(-0.5, 0.5))
        } else {
            0.0
        }
    };
    let v = at(x, y);
    [
        x as f64 + offset(at(x - 1, y), v, at(x + 1, y)),
        y as f64 + offset(at(x, y - 1), v, at(x, y + 1)),
    ]
}

/// Bilinear value of a circular autocorrelation at a fractional lag.
fn acf_at(acf: &[f32], side: usize, p: [f64; 2]) -> f32 {
    let (fx, fy) = (p[0].floor(), p[1].floor());
    let (tx, ty) = ((p[0] - fx) as f32, (p[1] - fy) as f32);
    let s = side as i64;
    let g = |dx: i64, dy: i64| {
        acf[((fy as i64 + dy).rem_euclid(s) * s + (fx as i64 + dx).rem_euclid(s)) as usize]
    };
    let top = g(0, 0) + (g(1, 0) - g(0, 0)) * tx;
    let bottom = g(0, 1) + (g(1, 1) - g(0, 1)) * tx;
    top + (bottom - top) * ty
}

/// The lattice points `m·a + n·a⊥` (not 0, |m|, |n| ≤ 4) that fit in the window.
fn lattice_points(side: usize, a: [f64; 2]) -> impl Iterator<Item = (f64, f64, [f64; 2])> {
    let limit = side as f64 / 2.0 - 3.0;
    (-4..=4i32)
        .flat_map(move |m| (-4..=4i32).map(move |n| (f64::from(m), f64::from(n))))
        .filter_map(move |(m, n)| {
            let q = [m * a[0] - n * a[1], m * a[1] + n * a[0]];
            ((m, n) != (0.0, 0.0) && q[0].hypot(q[1]) <= limit).then_some((m, n, q))
        })
}

/// How well the square lattice of `a` fits the autocorrelation: a matched filter
/// over its lattice points in the window. A circular autocorrelation of a period
/// that does not divide the window fades with the lag as the coherent overlap
/// `(1 − |x|/side)(1 − |y|/side)` does, so each point is weighted by that overlap and
/// the sum divided by the weights' norm: a z-score against noise of equal spread at
/// every lag. A lattice then outscores both its sparser super-lattices (fewer
/// points) and denser sub-lattices (points off the pattern).
fn lattice_score(acf: &[f32], side: usize, a: [f64; 2]) -> f32 {
    let overlap =
        |q: [f64; 2]| ((1.0 - q[0].abs() / side as f64) * (1.0 - q[1].abs() / side as f64)) as f32;
    let (sum, norm) = lattice_points(side, a).fold((0f32, 0f32), |(s, n), (_, _, q)| {
        let w = overlap(q);
        (s + w * acf_at(acf, side, q), n + w * w)
    });
    if norm > 0.0 {
        sum / norm.sqrt()
    } else {
        0.0
    }
}

/// `a` refined by least squares on the peaks found near each of its lattice points
/// (`q = (m·I + n·R)·a` with `R` the quarter turn, so `a = Σ (m·q − n·R·q) / Σ (m² + n²)`).
fn refine_lattice(acf: &[f32], side: usize, a: [f64; 2]) -> [f64; 2] {
    let s = side as isize;
    let at = |x: isize, y: isize| acf[y.rem_euclid(s) as usize * side + x.rem_euclid(s) as usize];
    let (mut num, mut den) = ([0f64; 2], 0f64);
    for (m, n, q) in lattice_points(side, a) {
        let (cx, cy) = (q[0].round() as isize, q[1].round() as isize);
        let mut best = (f32::NEG_INFINITY, cx, cy);
        for dy in -2..=2 {
            for dx in -2..=2 {
                let v = at(cx + dx, cy + dy);
                if v > best.0 {
                    best = (v, cx + dx, cy + dy);
                }
            }
        }
        if best.0 <= 0.0 {
            continue;
        }
        let p = refine_peak(&at, best.1, best.2);
        let weight = f64::from(best.0);
        num[0] += weight * (m * p[0] + n * p[1]);
        num[1] += weight * (m * p[1] - n * p[0]);
        den += weight * (m * m + n * n);
    }
    if den > 0.0 {
        [num[0] / den, num[1] / den]
    } else {
        a
    }
}

/// Coded bits per codeword: a rate-½ tail-biting convolutional code fills a tile.
const CODED: usize = 2 * CODEWORD_BITS;
/// Constraint length 7 generators (171, 133 octal: the NASA / IEEE 802.11 code).
const GENERATORS: [u32; 2] = [0o171, 0o133];
/// Encoder memory: bits before the current one that shape its output.
const MEMORY: usize = 6;
/// Trellis states.
const STATES: usize = 1 << MEMORY;
/// Trellis steps decoded again on each side of the circular codeword.
const WRAP: usize = 5 * (MEMORY + 1);

/// The two output bits for a 7-bit register (newest input bit lowest).
fn outputs(register: usize) -> (bool, bool) {
    let r = register as u32;
    (
        (r & GENERATORS[0]).count_ones() & 1 == 1,
        (r & GENERATORS[1]).count_ones() & 1 == 1,
    )
}

/// Tail-biting convolutional encoding: the register starts with the last `MEMORY`
/// bits, so it ends where it began.
fn conv_encode(bits: &[bool; CODEWORD_BITS]) -> [bool; CODED] {
    let mut reg = bits[CODEWORD_BITS - MEMORY..]
        .iter()
        .fold(0usize, |r, &b| (r << 1) | usize::from(b));
    let mut out = [false; CODED];
    for (t, &b) in bits.iter().enumerate() {
        reg = ((reg << 1) | usize::from(b)) & (2 * STATES - 1);
        (out[2 * t], out[2 * t + 1]) = outputs(reg);
    }
    out
}

/// Soft-decision Viterbi decoding of the tail-biting code (positive = 1): the
/// circular codeword is decoded with `WRAP` steps repeated on each side, starting
/// from equal state metrics, and the middle of the best path is kept.
fn viterbi(soft: &[f32; CODED]) -> [bool; CODEWORD_BITS] {
    const HALF: usize = STATES / 2;
    // Butterflies: old states s and s + 32 lead to new states 2s and 2s + 1. Output
    // signs (±1) of each of the four branches, as (o₀, o₁) for [from s, from s + 32].
    let sign = |bit: bool| if bit { 1f32 } else { -1f32 };
    let branch_signs = |top: usize, newest: usize| -> [[f32; HALF]; 2] {
        let pairs: [(bool, bool); HALF] =
            std::array::from_fn(|s| outputs(((s | (top * HALF)) << 1) | newest));
        [pairs.map(|p| sign(p.0)), pairs.map(|p| sign(p.1))]
    };
    let (even_lo, even_hi) = (branch_signs(0, 0), branch_signs(1, 0));
    let (odd_lo, odd_hi) = (branch_signs(0, 1), branch_signs(1, 1));
    let mut metric = [0f32; STATES];
    let mut decisions = [[false; STATES]; CODEWORD_BITS + 2 * WRAP];
    for (k, decision) in decisions.iter_mut().enumerate() {
        let t = (k + CODEWORD_BITS - WRAP) % CODEWORD_BITS;
        let (y0, y1) = (soft[2 * t], soft[2 * t + 1]);
        let mut next = [0f32; STATES];
        for s in 0..HALF {
            let (lo, hi) = (metric[s], metric[s + HALF]);
            let e0 = lo + even_lo[0][s] * y0 + even_lo[1][s] * y1;
            let e1 = hi + even_hi[0][s] * y0 + even_hi[1][s] * y1;
            let o0 = lo + odd_lo[0][s] * y0 + odd_lo[1][s] * y1;
            let o1 = hi + odd_hi[0][s] * y0 + odd_hi[1][s] * y1;
            (next[2 * s], decision[2 * s]) = (e0.max(e1), e1 > e0);
            (next[2 * s + 1], decision[2 * s + 1]) = (o0.max(o1), o1 > o0);
        }
        metric = next;
    }
    let mut state = (0..STATES)
        .max_by(|&a, &b| metric[a].total_cmp(&metric[b]))
        .unwrap_or(0);
    let mut bits = [false; CODEWORD_BITS];
    for (k, decision) in decisions.iter().enumerate().rev() {
        if (WRAP..WRAP + CODEWORD_BITS).contains(&k) {
            bits[k - WRAP] = state & 1 == 1;
        }
        state = (state >> 1) | usize::from(decision[state]) << (MEMORY - 1);
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::imageops::FilterType;

    const PAYLOAD: u64 = 0xF1B6_0000_0C0F_FEE5;

    /// A photograph of the real-photo corpus (`tests/corpus`, see its README).
    fn photo(name: &str) -> Image {
        let path = format!("{}/../tests/corpus/{name}.jpg", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        from_rgba(
            image::load_from_memory(&bytes)
                .expect("corpus image decodes")
                .to_rgba8(),
        )
    }

    fn rgba(img: &Image) -> image::RgbaImage {
        image::RgbaImage::from_raw(img.width, img.height, img.rgba.clone()).unwrap()
    }

    fn from_rgba(buf: image::RgbaImage) -> Image {
        Image {
            width: buf.width(),
            height: buf.height(),
            rgba: buf.into_raw(),
        }
    }

    fn jpeg(img: &Image, quality: u8) -> Image {
        let rgb = image::DynamicImage::ImageRgba8(rgba(img)).to_rgb8();
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
            .encode(
                rgb.as_raw(),
                img.width,
                img.height,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        from_rgba(
            image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
                .unwrap()
                .to_rgba8(),
        )
    }

    /// A kept rescale by `factor`.
    fn rescale(img: &Image, factor: f64, filter: FilterType) -> Image {
        let (w, h) = (
            (f64::from(img.width) * factor).round() as u32,
            (f64::from(img.height) * factor).round() as u32,
        );
        from_rgba(image::imageops::resize(&rgba(img), w, h, filter))
    }

    /// Turned by `degrees` about the centre, same size, corners filled with black
    /// (bilinear).
    fn rotate(img: &Image, degrees: f64) -> Image {
        let (w, h) = (img.width as usize, img.height as usize);
        let (s, c) = degrees.to_radians().sin_cos();
        let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
        let mut out = Image::filled(img.width, img.height, [0, 0, 0, 255]);
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                let (sx, sy) = (c * dx + s * dy + cx - 0.5, -s * dx + c * dy + cy - 0.5);
                if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f64 || sy >= (h - 1) as f64 {
                    continue;
                }
                let (x0, y0) = (sx as usize, sy as usize);
                let (tx, ty) = (sx - x0 as f64, sy - y0 as f64);
                for k in 0..3 {
                    let p = |xx: usize, yy: usize| f64::from(img.rgba[(yy * w + xx) * 4 + k]);
                    let top = p(x0, y0) * (1.0 - tx) + p(x0 + 1, y0) * tx;
                    let bottom = p(x0, y0 + 1) * (1.0 - tx) + p(x0 + 1, y0 + 1) * tx;
                    out.rgba[(y * w + x) * 4 + k] = (top * (1.0 - ty) + bottom * ty).round() as u8;
                }
            }
        }
        out
    }

    /// Keeps the central `share` of the width and height.
    fn crop_centre(img: &Image, share: f64) -> Image {
        let (w, h) = (
            (f64::from(img.width) * share) as u32,
            (f64::from(img.height) * share) as u32,
        );
        from_rgba(
            image::imageops::crop_imm(&rgba(img), (img.width - w) / 2, (img.height - h) / 3, w, h)
                .to_image(),
        )
    }

    fn brightness(img: &Image, gain: f32) -> Image {
        let mut out = img.clone();
        for p in out.rgba.chunks_exact_mut(4) {
            for c in &mut p[..3] {
                *c = (f32::from(*c) * gain).round().clamp(0.0, 255.0) as u8;
            }
        }
        out
    }

    fn psnr(a: &Image, b: &Image) -> f64 {
        let pairs = a.rgba.chunks_exact(4).zip(b.rgba.chunks_exact(4));
        let se: f64 = pairs
            .flat_map(|(p, q)| (0..3).map(move |k| (f64::from(p[k]) - f64::from(q[k])).powi(2)))
            .sum();
        let mse = se / (a.rgba.len() / 4 * 3) as f64;
        10.0 * (255.0 * 255.0 / mse.max(1e-12)).log10()
    }

    fn marked(img: &Image) -> Image {
        embed(img, PAYLOAD, &InvisibleStyle::default()).expect("a photograph is fit")
    }

    fn assert_found(img: &Image, what: &str) {
        match detect(img, &InvisibleStyle::default()) {
            Detection::Found {
                payload,
                confidence,
            } => {
                assert_eq!(payload, PAYLOAD, "{what}: wrong payload");
                assert!(
                    (0.1..=1.0).contains(&confidence),
                    "{what}: confidence {confidence}"
                );
            }
            Detection::NotFound => panic!("{what}: mark not found"),
        }
    }

    // R: W2
    #[test]
    fn marks_decode_on_real_photos_within_psnr_40_db() {
        for name in ["astronaut", "coffee", "camera", "hopper"] {
            let img = photo(name);
            let m = marked(&img);
            let db = psnr(&img, &m);
            assert!(db >= 40.0, "{name}: PSNR {db:.1} dB");
            assert_found(&m, name);
            assert!(
                m.rgba
                    .chunks_exact(4)
                    .zip(img.rgba.chunks_exact(4))
                    .all(|(a, b)| a[3] == b[3]),
                "{name}: alpha"
            );
        }
    }

    // R: W2
    #[test]
    fn survives_jpeg_brightness_and_deep_crops() {
        for name in ["chelsea", "rocket"] {
            let m = marked(&photo(name));
            assert_found(&jpeg(&m, 50), &format!("{name} JPEG 50"));
            assert_found(&brightness(&m, 1.1), &format!("{name} +10 %"));
            assert_found(&brightness(&m, 0.9), &format!("{name} −10 %"));
            assert_found(&crop_centre(&m, 0.75), &format!("{name} crop 25 %"));
        }
    }

    // R: W2
    #[test]
    fn resynchronises_after_kept_rescales() {
        let m = marked(&photo("astronaut"));
        for (factor, filter) in [
            (0.5, FilterType::Triangle),
            (0.98, FilterType::CatmullRom),
            (1.5, FilterType::Triangle),
            (2.0, FilterType::CatmullRom),
        ] {
            assert_found(&rescale(&m, factor, filter), &format!("rescale {factor}"));
        }
        // The screenshot chain: 0.8× then JPEG 80.
        let m = marked(&photo("coffee"));
        assert_found(
            &jpeg(&rescale(&m, 0.8, FilterType::Triangle), 80),
            "0.8× + JPEG 80",
        );
    }

    // R: W2
    #[test]
    fn resynchronises_after_rotation_and_flip() {
        let m = marked(&photo("hopper"));
        for degrees in [-5.0, 0.5, 3.0] {
            assert_found(&rotate(&m, degrees), &format!("rotation {degrees}°"));
        }
        assert_found(
            &from_rgba(image::imageops::flip_horizontal(&rgba(&m))),
            "horizontal flip",
        );
        let flipped = from_rgba(image::imageops::flip_horizontal(&rgba(&m)));
        assert_found(
            &rescale(&rotate(&flipped, 2.0), 0.9, FilterType::Triangle),
            "flip, 2°, 0.9×",
        );
    }

    // R: W2
    #[test]
    fn unmarked_photos_never_give_a_payload() {
        let style = InvisibleStyle::default();
        let names = [
            "astronaut",
            "chelsea",
            "coffee",
            "rocket",
            "hubble",
            "retina",
            "camera",
            "coins",
            "gravel",
            "brick",
            "text",
            "horse",
        ];
        for name in names {
            let img = photo(name);
            for (what, variant) in [
                ("as is", img.clone()),
                ("0.7×", rescale(&img, 0.7, FilterType::Triangle)),
                ("JPEG 60", jpeg(&img, 60)),
            ] {
                assert_eq!(
                    detect(&variant, &style),
                    Detection::NotFound,
                    "{name} {what}"
                );
            }
        }
        // A mark made with another key is not found either.
        let other = InvisibleStyle {
            key: 7,
            ..InvisibleStyle::default()
        };
        assert_eq!(
            detect(&marked(&photo("chelsea")), &other),
            Detection::NotFound
        );
    }

    // R: W2
    #[test]
    fn flat_small_or_short_images_are_unfit() {
        let style = InvisibleStyle::default();
        let mut gradient = Image::filled(512, 384, [0, 0, 0, 255]);
        for (i, p) in gradient.rgba.chunks_exact_mut(4).enumerate() {
            p[..3].fill(((i % 512) / 2) as u8);
        }
        let cases = [
            ("flat grey", Image::filled(512, 512, [128, 128, 128, 255])),
            ("flat transparent", Image::filled(300, 300, [0, 0, 0, 0])),
            ("linear gradient", gradient),
            ("too small", crop_centre(&photo("coffee"), 0.3)),
            (
                "short buffer",
                Image {
                    width: 512,
                    height: 512,
                    rgba: vec![100; 512 * 511 * 4],
                },
            ),
        ];
        for (name, img) in cases {
            let err = embed(&img, 1, &style).expect_err(name);
            assert!(!err.reason.is_empty(), "{name}");
        }
        let flat = embed(&Image::filled(512, 512, [9, 9, 9, 255]), 1, &style).unwrap_err();
        assert!(flat.reason.contains("flat"), "{}", flat.reason);
    }

    // R: W2
    #[test]
    fn pure_noise_and_synthetic_pictures_carry_a_readable_mark() {
        // Busy throughout: the mark is strengthened (the bindings' test pictures).
        let mut img = Image::filled(256, 256, [0, 0, 0, 255]);
        let mut s = 3u32;
        for (i, p) in img.rgba.chunks_exact_mut(4).enumerate() {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (s >> 24) as usize;
            let (x, y) = (i % 256, i / 256);
            p[..3].copy_from_slice(&[
                ((x * 3 + n) & 255) as u8,
                ((y * 5 + (n >> 1)) & 255) as u8,
                (((x + y) * 2 + (n >> 2)) & 255) as u8,
            ]);
        }
        let style = crate::watermark::MarkStyle::default();
        let mark = crate::watermark::DraftMark {
            reference: "order-1".into(),
            seed: 7,
        };
        let marked = crate::watermark::mark_draft(
            &crate::Artifact::Image(img.clone()),
            &mark,
            Some(42),
            &style,
        );
        assert!(marked.payload.is_ok());
        assert_eq!(
            crate::watermark::trace(&marked.artifact, &style).payload(),
            Some(42)
        );
        assert_eq!(detect(&img, &style.invisible), Detection::NotFound);
        // The Python binding's test picture: sawtooth gradients and an x ^ y pattern.
        let mut saw = Image::filled(512, 512, [0, 0, 0, 255]);
        for (i, p) in saw.rgba.chunks_exact_mut(4).enumerate() {
            let (x, y) = (i % 512, i / 512);
            p[..3].copy_from_slice(&[
                ((x * 7 + 3) % 256) as u8,
                ((y * 5 + 9) % 256) as u8,
                (((x ^ y) + 3) % 256) as u8,
            ]);
        }
        let mark = crate::watermark::DraftMark {
            reference: "order-7".into(),
            seed: 1,
        };
        let marked = crate::watermark::mark_draft(
            &crate::Artifact::Image(saw.clone()),
            &mark,
            Some(0xC0FFEE),
            &style,
        );
        match crate::watermark::trace(&marked.artifact, &style) {
            Detection::Found {
                payload,
                confidence,
            } => assert!(payload == 0xC0FFEE && confidence > 0.5, "{confidence}"),
            Detection::NotFound => panic!("sawtooth picture: not found"),
        }
        assert_eq!(detect(&saw, &style.invisible), Detection::NotFound);
    }

    // R: W2
    #[test]
    fn hostile_input_and_styles_never_panic() {
        let hostile = InvisibleStyle {
            strength: f32::NAN,
            texture_reference: 0.0,
            mask_min: f32::INFINITY,
            mask_max: -1.0,
            busy_texture: f32::NAN,
            max_busy_boost: f32::INFINITY,
            texture_amplitude: f32::NAN,
            min_textured_share: f32::NEG_INFINITY,
            min_scale: 0.0,
            max_scale: f32::INFINITY,
            geometry_candidates: u32::MAX,
            full_confidence_z: f32::NAN,
            min_confidence: f32::NAN,
            key: 0,
        };
        let noise = |w: u32, h: u32| {
            let mut img = Image::filled(w, h, [0, 0, 0, 255]);
            let mut rng = SplitMix(w.into());
            img.rgba
                .iter_mut()
                .for_each(|v| *v = (rng.next_u64() >> 56) as u8);
            img
        };
        let images = [
            Image {
                width: 0,
                height: 0,
                rgba: vec![],
            },
            Image {
                width: u32::MAX,
                height: u32::MAX,
                rgba: vec![1; 64],
            },
            Image {
                width: 128,
                height: 128,
                rgba: vec![7; 10],
            },
            Image {
                width: 1,
                height: 100_000,
                rgba: vec![0; 400_000],
            },
            noise(64, 64),
            noise(128, 128),
            noise(129, 301),
            Image {
                width: 200,
                height: 200,
                rgba: vec![255; 200 * 200 * 4 + 3],
            },
        ];
        for img in &images {
            for style in [&hostile, &InvisibleStyle::default()] {
                if let Ok(m) = embed(img, u64::MAX, style) {
                    assert_eq!(
                        (m.width, m.height, m.rgba.len()),
                        (img.width, img.height, img.rgba.len())
                    );
                    let _ = detect(&m, style);
                }
                let _ = detect(img, style);
                let _ = read_bits(img, style);
            }
        }
    }

    // R: W2
    #[test]
    fn embedding_is_deterministic_and_payload_specific() {
        let img = photo("chelsea");
        let style = InvisibleStyle::default();
        let a = embed(&img, 1, &style).unwrap();
        assert_eq!(a, embed(&img, 1, &style).unwrap());
        let b = embed(&img, 2, &style).unwrap();
        assert_ne!(a, b);
        assert_eq!(detect(&b, &style).payload(), Some(2));
        assert_eq!(read_bits(&a, &style), Some(payload::encode(1)));
    }

    // R: W2
    #[test]
    fn viterbi_corrects_scattered_errors_of_the_tail_biting_code() {
        let mut rng = SplitMix(77);
        for payload in [0u64, u64::MAX, 0x0123_4567_89AB_CDEF, 42] {
            let bits = payload::encode(payload);
            let coded = conv_encode(&bits);
            let mut soft: [f32; CODED] = coded.map(|b| if b { 1.0 } else { -1.0 });
            // Flip 8 coded bits (4 %) spread over the word, and blur the rest.
            for i in (0..CODED).step_by(CODED / 8) {
                soft[(i + (rng.next_u64() % 7) as usize) % CODED] *= -1.0;
            }
            for v in &mut soft {
                *v += (rng.next_f32() - 0.5) * 0.4;
            }
            assert_eq!(viterbi(&soft), bits, "payload {payload:x}");
        }
    }
}
