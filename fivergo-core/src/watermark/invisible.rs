//! Invisible, robust image watermark (SPEC W2): a 64-bit payload identifying the
//! order, hidden in the DCT domain of the luma, that survives JPEG quality 50, a 2×
//! downscale and upscale, a 10 % crop and brightness ±10 %.
//!
//! # Scheme
//! - The luma is averaged over 2×2 pixels; the half-size grid is cut into 8×8 blocks
//!   (16×16 pixels of the image). Its low frequencies survive JPEG quantisation and
//!   resizing.
//! - Each block carries three coded bits, one per pair of transposed DCT
//!   coefficients `(1,2)/(2,1)`, `(1,3)/(3,1)`, `(2,3)/(3,2)`. A bit is the *angle*
//!   of the pair seen as a point `(c₁, c₂)`, quantised to one of two interleaved
//!   lattices (angle QIM, step [`InvisibleStyle::strength_deg`]). An angle does not
//!   change when the image is scaled in gain (brightness), nor — the two
//!   coefficients of a pair having the same frequency along swapped axes — when a
//!   symmetric resampling filter blurs it. The change is proportional to the pair's
//!   own amplitude (capped by [`InvisibleStyle::max_change`]), so the mark goes
//!   where the picture has texture to hide it; weak pairs are raised to
//!   [`InvisibleStyle::floor_amplitude`] in a keyed random direction, so smooth
//!   areas carry it too and a codec cannot erase every copy of a bit the same way.
//! - The 96-bit codeword of [`super::payload`] (64 payload bits + CRC-32) is coded
//!   by a rate-½ tail-biting convolutional code (constraint length 7) into 192 bits,
//!   which fill a tile of 8×8 blocks in a keyed order with a keyed ±1 whitening.
//!   Tiles repeat over the image (64 times on 1024², so every coded bit is read 64
//!   times); the decoder sums the soft reads of all copies and runs a soft-decision
//!   Viterbi decoder.
//! - A crop moves the grid by an unknown amount: [`detect`] scores all 256 grid
//!   alignments (2×2 pixel phases × 8×8 block offsets) on a central region by how
//!   consistently the tile cells read, reads the whole image at the best few, tries
//!   the 64 cyclic shifts of the tile, and accepts only a codeword whose CRC-32
//!   holds and whose confidence reaches [`InvisibleStyle::min_confidence`]. About
//!   200 codewords are tried per image, so a false alarm has odds near 200 · 2⁻³².
//!
//! The luma change is added to R, G and B alike; alpha is untouched. Images under
//! 144 px a side, or with too little texture, are [`Unfit`]. Everything is
//! deterministic and panic-free for any input.

use crate::generator::Image;
use crate::rng::SplitMix;
use crate::watermark::payload::{self, CODEWORD_BITS};
use crate::watermark::{Detection, Unfit};
use serde::{Deserialize, Serialize};

/// Luma downsampling factor: the mark lives on a half-size grid.
const SCALE: usize = 2;
const _: () = assert!(SCALE == 2, "Luma::of averages 2×2 pixels");
/// DCT block side on the half-size grid.
const BLOCK: usize = 8;
/// Tile side in blocks.
const TILE: usize = 8;
/// The coefficient pairs `(u, v)` / `(v, u)` (u horizontal) each carrying one bit.
const PAIRS: [(usize, usize); 3] = [(1, 2), (1, 3), (2, 3)];
/// Bit slots per tile (one coded codeword).
const SLOTS: usize = TILE * TILE * PAIRS.len();
/// Side of the central region on which the grid alignment is searched (4 tiles).
const SEARCH_SIDE: usize = 4 * SCALE * BLOCK * TILE;
/// A pair keeps its own direction from this share of the floor amplitude; weaker,
/// its direction is mostly rounding noise and a keyed random one is used instead.
const OWN_DIRECTION: f32 = 0.25;
/// Most grid alignments decoded per image.
const MAX_CANDIDATES: u32 = 16;
/// Smallest side, in pixels, that holds a whole tile at every grid offset.
const MIN_SIDE: usize = SCALE * BLOCK * (TILE + 1);

/// Parameters of the invisible mark; `Default` gives the documented defaults.
///
/// The embedder and the detector must use the same `key`; the other fields tune
/// strength, the flat-image rule and the acceptance rule.
///
/// ```
/// use fivergo_core::watermark::invisible::InvisibleStyle;
/// let s = InvisibleStyle::default();
/// assert_eq!(s.strength_deg, 90.0);
/// let partial: InvisibleStyle = serde_json::from_str(r#"{"min_confidence":0.5}"#).unwrap();
/// assert_eq!(partial, InvisibleStyle { min_confidence: 0.5, ..s });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InvisibleStyle {
    /// Strength: the angle-QIM step in degrees (default 90), rounded to the nearest
    /// `360° / n` and clamped to `[10°, 180°]`. A bit survives an angular error of a
    /// quarter step; the mean change grows with the step.
    pub strength_deg: f32,
    /// Pairs weaker than this amplitude (DCT units of the half-size luma, default 6,
    /// about ±1.5 grey levels) are raised to it, so smooth areas carry the mark too.
    pub floor_amplitude: f32,
    /// Largest change of one coefficient pair (DCT units, default 20): where the
    /// picture has strong edges the pair moves only part of the way, which keeps
    /// line art clean; the soft decoder still gains from the partial move.
    pub max_change: f32,
    /// A pair counts as textured (able to hide a bit robustly) from this amplitude
    /// (default 4).
    pub texture_amplitude: f32,
    /// An image is unfit unless it has at least this many textured pairs per
    /// codeword bit (default 6).
    pub min_textured_per_bit: f32,
    /// Amplitude below which a read is down-weighted as noise (default 3).
    pub noise_amplitude: f32,
    /// Grid alignments (of 256: pixel phase × block offset) whose tile cells agree
    /// best on a central region, then read on the whole image and decoded
    /// (default 3, clamped to `1..=16`; each costs 64 Viterbi decodings).
    pub candidates: u32,
    /// Agreement that counts as full confidence (default 4). The agreement is the
    /// mean z-score of the received coded bits along the decoded codeword; at 4
    /// each coded bit was read with odds of error below 1 in 30 000.
    pub full_confidence_z: f32,
    /// A CRC-valid codeword is accepted only from this confidence (default 0.1).
    /// Confidence 0 is an agreement of √(2/π), what a read of pure noise averages
    /// in absolute value, so no decoding of such noise reaches it.
    pub min_confidence: f32,
    /// Key of the slot permutation and whitening (default a fixed constant).
    pub key: u64,
}

impl Default for InvisibleStyle {
    fn default() -> Self {
        Self {
            strength_deg: 90.0,
            floor_amplitude: 6.0,
            max_change: 20.0,
            texture_amplitude: 4.0,
            min_textured_per_bit: 6.0,
            noise_amplitude: 3.0,
            candidates: 3,
            full_confidence_z: 4.0,
            min_confidence: 0.1,
            key: 0x5F1E_C0DE_F1B6_0002,
        }
    }
}

impl InvisibleStyle {
    /// Lattice points of one bit per turn: the step is `360° / order`.
    fn order(&self) -> usize {
        (360.0 / self.strength_deg.clamp(10.0, 180.0)).round() as usize
    }

    /// A copy in which every value that is not a finite, non-negative number takes
    /// its default, so a hostile style cannot switch checks off or cause a panic.
    fn sanitized(&self) -> Self {
        let d = Self::default();
        let ok = |v: f32, fallback: f32| if v.is_finite() && v >= 0.0 { v } else { fallback };
        Self {
            strength_deg: ok(self.strength_deg, d.strength_deg),
            floor_amplitude: ok(self.floor_amplitude, d.floor_amplitude),
            max_change: ok(self.max_change, d.max_change),
            texture_amplitude: ok(self.texture_amplitude, d.texture_amplitude),
            min_textured_per_bit: ok(self.min_textured_per_bit, d.min_textured_per_bit),
            noise_amplitude: ok(self.noise_amplitude, d.noise_amplitude).max(f32::MIN_POSITIVE),
            candidates: self.candidates.clamp(1, MAX_CANDIDATES),
            full_confidence_z: ok(self.full_confidence_z, d.full_confidence_z),
            min_confidence: ok(self.min_confidence, d.min_confidence),
            key: self.key,
        }
    }
}

/// `img` with `payload` invisibly embedded.
///
/// Errors with [`Unfit`] when the image is too small (a side under 144 px), its
/// buffer is shorter than `width × height × 4`, or it is too flat to hold the mark
/// robustly ([`InvisibleStyle::min_textured_per_bit`]).
///
/// ```
/// use fivergo_core::generator::Image;
/// use fivergo_core::watermark::invisible::{detect, embed, InvisibleStyle};
/// let mut img = Image::filled(256, 256, [0, 0, 0, 255]);
/// let mut s = 1u32;
/// for p in img.rgba.chunks_exact_mut(4) {
///     s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
///     p[..3].fill((s >> 24) as u8);
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
            reason: format!("image is {w}×{h} px; the invisible mark needs at least {MIN_SIDE}×{MIN_SIDE}"),
        });
    }
    if img.rgba.len() / 4 / w < h {
        return Err(Unfit { reason: "pixel buffer is shorter than width × height × 4".into() });
    }
    let style = style.sanitized();
    let luma = Luma::of(&Luma16::of(img), 0, 0, w, h);
    let layout = Layout::new(style.key);
    let coded = conv_encode(&payload::encode(payload));
    let step = std::f32::consts::TAU / style.order() as f32;
    let (floor, cap) = (style.floor_amplitude, style.max_change);
    let (bw, bh) = (luma.w / BLOCK, luma.h / BLOCK);
    let mut delta = vec![0f32; luma.w * luma.h];
    let mut textured = 0usize;
    let basis = Basis::new();
    for by in 0..bh {
        for bx in 0..bw {
            let (x0, y0) = (bx * BLOCK, by * BLOCK);
            let coeffs = basis.block(&luma, x0, y0);
            let cell = (by % TILE) * TILE + bx % TILE;
            let mut change = [[0f32; 2]; PAIRS.len()];
            for (p, (c1, c2)) in coeffs.into_iter().enumerate() {
                let slot = cell * PAIRS.len() + p;
                let bit = coded[layout.bit[slot]] ^ layout.flip[slot];
                let r = c1.hypot(c2);
                textured += usize::from(r >= style.texture_amplitude);
                // Where the pair is too weak to have a direction of its own, a keyed
                // random one: the same slot then looks different in every tile, so a
                // codec's rounding cannot erase all its copies the same way.
                let theta = if r >= OWN_DIRECTION * floor {
                    c2.atan2(c1)
                } else {
                    let seed = style.key ^ ((by * bw + bx) * PAIRS.len() + p) as u64;
                    (mix(seed) >> 40) as f32 / (1u64 << 24) as f32 * std::f32::consts::TAU
                };
                let offset = if bit { step / 2.0 } else { 0.0 };
                let target = ((theta - offset) / step).round() * step + offset;
                let r2 = r.max(floor);
                let [d1, d2] = [r2 * target.cos() - c1, r2 * target.sin() - c2];
                let len = d1.hypot(d2);
                let k = if len > cap { cap / len } else { 1.0 };
                change[p] = [d1 * k, d2 * k];
            }
            basis.add(&mut delta, luma.w, x0, y0, &change);
        }
    }
    let min_textured = style.min_textured_per_bit * CODEWORD_BITS as f32;
    if (textured as f32) < min_textured {
        return Err(Unfit {
            reason: format!(
                "image is too flat for an invisible mark: {textured} textured coefficient pairs, {} needed",
                min_textured.ceil()
            ),
        });
    }
    // Whole grey levels per half-size pixel (adding a rounded change to an integer
    // equals rounding the sum), spread over each 2×2 pixel group on R, G and B.
    let mut out = img.clone();
    let mut row_delta = vec![0i16; luma.w * SCALE * 4];
    for (ly, drow) in delta.chunks_exact(luma.w).enumerate() {
        for (d, quad) in drow.iter().zip(row_delta.chunks_exact_mut(4 * SCALE)) {
            let d = d.round().clamp(-255.0, 255.0) as i16;
            for px in quad.chunks_exact_mut(4) {
                px.copy_from_slice(&[d, d, d, 0]);
            }
        }
        for y in ly * SCALE..(ly + 1) * SCALE {
            let row = &mut out.rgba[y * w * 4..][..row_delta.len()];
            for (c, d) in row.iter_mut().zip(&row_delta) {
                *c = (i16::from(*c) + d).clamp(0, 255) as u8;
            }
        }
    }
    Ok(out)
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
    let Some(reads) = Reads::of(img, &style) else { return Detection::NotFound };
    // Alignments best first; the first one with an acceptable codeword wins.
    for acc in &reads.candidates {
        let best = reads
            .decode(acc)
            .into_iter()
            .filter_map(|(bits, agreement)| Some((payload::decode_hard(&bits)?, confidence(agreement, &style))))
            .filter(|&(_, conf)| conf >= style.min_confidence)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((payload, confidence)) = best {
            return Detection::Found { payload, confidence };
        }
    }
    Detection::NotFound
}

/// The codeword bits read blindly from `img` after error correction, whether or not
/// their CRC holds: from the grid alignment and tile shift whose decoding agrees
/// best with what was read; `None` when the image is too small to read. Useful to
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
    let reads = Reads::of(img, &style.sanitized())?;
    reads.candidates.iter().flat_map(|acc| reads.decode(acc)).max_by(|a, b| a.1.total_cmp(&b.1)).map(|(bits, _)| bits)
}

/// Confidence in `0..=1` from a decoding's agreement: 0 at the mean |z| of pure
/// noise (√(2/π), more than any decoding of noise reaches), 1 from
/// [`InvisibleStyle::full_confidence_z`].
fn confidence(agreement: f32, style: &InvisibleStyle) -> f32 {
    let noise = (2.0 / std::f32::consts::PI).sqrt();
    // Kept above the noise level so the scale never divides by zero or flips.
    let full = style.full_confidence_z.max(noise + f32::EPSILON.sqrt());
    ((agreement - noise) / (full - noise)).clamp(0.0, 1.0)
}

/// Coded bits per codeword: a rate-½ tail-biting convolutional code fills a tile.
const CODED: usize = 2 * CODEWORD_BITS;
const _: () = assert!(SLOTS == CODED, "a tile holds one coded codeword");
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
    ((r & GENERATORS[0]).count_ones() & 1 == 1, (r & GENERATORS[1]).count_ones() & 1 == 1)
}

/// Tail-biting convolutional encoding: the register starts with the last `MEMORY`
/// bits, so it ends where it began.
fn conv_encode(bits: &[bool; CODEWORD_BITS]) -> [bool; CODED] {
    let mut reg = bits[CODEWORD_BITS - MEMORY..].iter().fold(0usize, |r, &b| (r << 1) | usize::from(b));
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
        let pairs: [(bool, bool); HALF] = std::array::from_fn(|s| outputs(((s | (top * HALF)) << 1) | newest));
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
    let mut state = (0..STATES).max_by(|&a, &b| metric[a].total_cmp(&metric[b])).unwrap_or(0);
    let mut bits = [false; CODEWORD_BITS];
    for (k, decision) in decisions.iter().enumerate().rev() {
        if (WRAP..WRAP + CODEWORD_BITS).contains(&k) {
            bits[k - WRAP] = state & 1 == 1;
        }
        state = (state >> 1) | usize::from(decision[state]) << (MEMORY - 1);
    }
    bits
}

/// Full-resolution luma, BT.601 integer weights summing to 256 (`0..=65280`).
struct Luma16 {
    w: usize,
    v: Vec<u16>,
}

impl Luma16 {
    /// The caller checked the buffer holds `width × height` pixels.
    fn of(img: &Image) -> Self {
        let (w, h) = (img.width as usize, img.height as usize);
        let mut v = vec![0u16; w * h];
        for (y, p) in v.iter_mut().zip(img.rgba.chunks_exact(4)) {
            *y = 77 * u16::from(p[0]) + 150 * u16::from(p[1]) + 29 * u16::from(p[2]);
        }
        Self { w, v }
    }
}

/// The half-size luma (box average of 2×2 pixels) of a region.
struct Luma {
    w: usize,
    h: usize,
    v: Vec<f32>,
}

impl Luma {
    /// Of the `w × h` pixel region of `full` at `(x0, y0)`, which lies inside it.
    fn of(full: &Luma16, x0: usize, y0: usize, w: usize, h: usize) -> Self {
        let (lw, lh) = (w / SCALE, h / SCALE);
        let mut v = vec![0f32; lw * lh];
        let norm = 1.0 / (256 * SCALE * SCALE) as f32;
        if lw == 0 {
            return Self { w: lw, h: lh, v };
        }
        for (ly, out) in v.chunks_exact_mut(lw).enumerate() {
            let y = y0 + ly * SCALE;
            let r0 = &full.v[y * full.w + x0..][..lw * SCALE];
            let r1 = &full.v[(y + 1) * full.w + x0..][..lw * SCALE];
            for ((o, a), b) in out.iter_mut().zip(r0.chunks_exact(2)).zip(r1.chunks_exact(2)) {
                let s = u32::from(a[0]) + u32::from(a[1]) + u32::from(b[0]) + u32::from(b[1]);
                *o = s as f32 * norm;
            }
        }
        Self { w: lw, h: lh, v }
    }
}

/// The 1-D DCT-II basis rows `a_u(i)`, orthonormal, for u = 0..4.
struct Basis {
    a: [[f32; BLOCK]; 4],
}

impl Basis {
    fn new() -> Self {
        let mut a = [[0f32; BLOCK]; 4];
        for (u, row) in a.iter_mut().enumerate() {
            let c = if u == 0 { (1.0 / BLOCK as f64).sqrt() } else { (2.0 / BLOCK as f64).sqrt() };
            for (i, v) in row.iter_mut().enumerate() {
                *v = (c * ((2 * i + 1) as f64 * u as f64 * std::f64::consts::PI / (2 * BLOCK) as f64).cos()) as f32;
            }
        }
        Self { a }
    }

    /// The coefficient pairs `(c(u,v), c(v,u))` of the block at `(x0, y0)`.
    fn block(&self, luma: &Luma, x0: usize, y0: usize) -> [(f32, f32); PAIRS.len()] {
        // Horizontal projections per row, then vertical.
        let mut hp = [[0f32; BLOCK]; 4];
        for (j, row) in luma.v[y0 * luma.w..].chunks(luma.w).take(BLOCK).enumerate() {
            for (proj, a) in hp.iter_mut().zip(&self.a).skip(1) {
                proj[j] = row[x0..x0 + BLOCK].iter().zip(a).map(|(x, a)| x * a).sum();
            }
        }
        let coef = |u: usize, v: usize| -> f32 { hp[u].iter().zip(&self.a[v]).map(|(x, a)| x * a).sum() };
        PAIRS.map(|(u, v)| (coef(u, v), coef(v, u)))
    }

    /// Adds the pairs' coefficient changes to the block at `(x0, y0)` of `delta`.
    fn add(&self, delta: &mut [f32], stride: usize, x0: usize, y0: usize, change: &[[f32; 2]; PAIRS.len()]) {
        for j in 0..BLOCK {
            let row = &mut delta[(y0 + j) * stride + x0..][..BLOCK];
            for (i, d) in row.iter_mut().enumerate() {
                let mut s = 0f32;
                for (&(u, v), [d1, d2]) in PAIRS.iter().zip(change) {
                    s += d1 * self.a[u][i] * self.a[v][j] + d2 * self.a[v][i] * self.a[u][j];
                }
                *d += s;
            }
        }
    }
}

/// Keyed slot layout: which coded bit each slot carries, and its whitening flip.
struct Layout {
    bit: [usize; SLOTS],
    flip: [bool; SLOTS],
}

/// A well-mixed hash of `x`: SplitMix64's first output for the seed `x − φ`.
fn mix(x: u64) -> u64 {
    SplitMix(x.wrapping_sub(0x9E37_79B9_7F4A_7C15)).next_u64()
}

impl Layout {
    fn new(key: u64) -> Self {
        let mut rng = SplitMix(key);
        let mut next = move || rng.next_u64();
        let mut order: [usize; SLOTS] = std::array::from_fn(|i| i);
        for i in (1..SLOTS).rev() {
            order.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        Self { bit: order, flip: std::array::from_fn(|_| next() & 1 == 1) }
    }
}

/// Per-slot sums of soft reads at one grid alignment.
struct Accum {
    /// Sum of soft values per observed slot.
    sum: [f32; SLOTS],
    /// Sum of squared soft values per observed slot.
    sq: [f32; SLOTS],
}

impl Accum {
    fn new() -> Self {
        Self { sum: [0.0; SLOTS], sq: [0.0; SLOTS] }
    }

    fn add(&mut self, slot: usize, v: f32) {
        self.sum[slot] += v;
        self.sq[slot] += v * v;
    }

    /// How well the tile cells agree: the sum over slots of their squared z-score,
    /// about one per slot without a mark, far more at the mark's alignment.
    fn score(&self) -> f32 {
        self.sum.iter().zip(&self.sq).map(|(s, q)| s * s / (q + 1e-6)).sum()
    }
}

/// A grid alignment: pixel phase and block offset on the half-size grid.
#[derive(Clone, Copy, PartialEq)]
struct Alignment {
    px: usize,
    py: usize,
    ox: usize,
    oy: usize,
}

/// The soft reads of an image at its most likely grid alignments.
struct Reads {
    layout: Layout,
    /// Best first.
    candidates: Vec<Accum>,
}

impl Reads {
    fn of(img: &Image, style: &InvisibleStyle) -> Option<Self> {
        let (w, h) = (img.width as usize, img.height as usize);
        if w < MIN_SIDE || h < MIN_SIDE || img.rgba.len() / 4 / w < h {
            return None;
        }
        let order = style.order();
        let noise = style.noise_amplitude;
        let keep = style.candidates as usize;
        // Search every alignment (4 pixel phases × 64 block offsets) on a central
        // region (half the image, at least SEARCH_SIDE or all of it), at every
        // position at once; keep the best few.
        let (rw, rh) = ((w / 2).max(SEARCH_SIDE).min(w), (h / 2).max(SEARCH_SIDE).min(h));
        let (rx, ry) = (((w - rw) / 2) & !1, ((h - rh) / 2) & !1);
        let full = Luma16::of(img);
        let mut found: Vec<(f32, Alignment)> = Vec::with_capacity(4 * BLOCK * BLOCK);
        for (px, py) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let luma = Luma::of(&full, rx + px, ry + py, rw - px, rh - py);
            let soft = soft_maps(&luma, order, noise);
            // Every position is the corner of one block at one offset: one pass adds
            // each read to its offset's slot sums, kept as [slot][offset] so the 8
            // positions of a block row land on 8 neighbouring sums (squares only in
            // total per offset, for the score's scale).
            let mut sums = vec![[0f32; BLOCK * BLOCK]; SLOTS];
            let mut squares = [0f32; BLOCK * BLOCK];
            for y in 0..soft.h {
                let (oy, cells) = (y % BLOCK, (y / BLOCK) % TILE * TILE);
                for (p, map) in soft.maps.iter().enumerate() {
                    let row = &map[y * soft.w..][..soft.w];
                    for (bx, chunk) in row.chunks(BLOCK).enumerate() {
                        let slot = (cells + bx % TILE) * PAIRS.len() + p;
                        let dst = &mut sums[slot][oy * BLOCK..][..chunk.len()];
                        let sq = &mut squares[oy * BLOCK..][..chunk.len()];
                        for ((d, q), &v) in dst.iter_mut().zip(sq.iter_mut()).zip(chunk) {
                            *d += v;
                            *q += v * v;
                        }
                    }
                }
            }
            for (offset, &sq) in squares.iter().enumerate() {
                // Σ over slots of sum², relative to what unrelated reads would give.
                let energy: f32 = sums.iter().map(|slot| slot[offset] * slot[offset]).sum();
                let score = energy * SLOTS as f32 / (sq + 1e-6);
                let (ox, oy) = ((offset % BLOCK + rx / SCALE) % BLOCK, (offset / BLOCK + ry / SCALE) % BLOCK);
                found.push((score, Alignment { px, py, ox, oy }));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        found.truncate(keep);
        // Read the whole image at those alignments, block by block.
        let basis = Basis::new();
        let mut lumas: [Option<Luma>; 4] = [None, None, None, None];
        let mut candidates: Vec<(f32, Accum)> = Vec::with_capacity(found.len());
        for (_, a) in found {
            let luma = lumas[a.py * 2 + a.px].get_or_insert_with(|| Luma::of(&full, a.px, a.py, w - a.px, h - a.py));
            let mut acc = Accum::new();
            for by in 0..(luma.h - a.oy) / BLOCK {
                for bx in 0..(luma.w - a.ox) / BLOCK {
                    let coeffs = basis.block(luma, a.ox + bx * BLOCK, a.oy + by * BLOCK);
                    let base = ((by % TILE) * TILE + bx % TILE) * PAIRS.len();
                    for (p, (c1, c2)) in coeffs.into_iter().enumerate() {
                        acc.add(base + p, soft(c1, c2, order, noise));
                    }
                }
            }
            candidates.push((acc.score(), acc));
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        Some(Self { layout: Layout::new(style.key), candidates: candidates.into_iter().map(|(_, a)| a).collect() })
    }

    /// The 64 decodings of one alignment, one per cyclic shift of the tile: the
    /// Viterbi-decoded codeword and its agreement, the mean z-score of the received
    /// coded bits in the direction the decoding expects.
    fn decode(&self, acc: &Accum) -> Vec<([bool; CODEWORD_BITS], f32)> {
        let mut out = Vec::with_capacity(TILE * TILE);
        for sy in 0..TILE {
            for sx in 0..TILE {
                let (soft, z) = self.coded(acc, sx, sy);
                let bits = viterbi(&soft);
                let expected = conv_encode(&bits);
                let agreement =
                    z.iter().zip(expected).map(|(&v, e)| if e { v } else { -v }).sum::<f32>() / CODED as f32;
                out.push((bits, agreement));
            }
        }
        out
    }

    /// The soft coded bits (sums of reads) and their z-scores when the observed grid
    /// is the embedded one shifted by `(sx, sy)` cells.
    fn coded(&self, acc: &Accum, sx: usize, sy: usize) -> ([f32; CODED], [f32; CODED]) {
        let mut sum = [0f32; CODED];
        let mut z = [0f32; CODED];
        for ey in 0..TILE {
            let oy = (ey + TILE - sy) % TILE;
            for ex in 0..TILE {
                let ox = (ex + TILE - sx) % TILE;
                for p in 0..PAIRS.len() {
                    let e = (ey * TILE + ex) * PAIRS.len() + p;
                    let o = (oy * TILE + ox) * PAIRS.len() + p;
                    let s = if self.layout.flip[e] { -acc.sum[o] } else { acc.sum[o] };
                    sum[self.layout.bit[e]] = s;
                    z[self.layout.bit[e]] = s / (acc.sq[o] + 1e-6).sqrt();
                }
            }
        }
        (sum, z)
    }
}

/// The soft read of one pair: `+1` on the lattice of bit 1, `−1` on that of bit 0
/// (`−cos(order·θ)`), weighted down where the pair is weaker than `noise`.
fn soft(c1: f32, c2: f32, order: usize, noise: f32) -> f32 {
    let r2 = c1 * c1 + c2 * c2;
    if r2 <= 1e-12 {
        return 0.0;
    }
    let inv = 1.0 / r2.sqrt();
    let (x, y) = (c1 * inv, c2 * inv);
    let (mut re, mut im) = (1f32, 0f32);
    for _ in 0..order {
        (re, im) = (re * x - im * y, re * y + im * x);
    }
    -re * r2 / (r2 + noise * noise)
}

/// Soft reads of every pair at every position of a half-size luma.
struct SoftMaps {
    /// Positions per row (`luma.w − 7`).
    w: usize,
    /// Rows of positions (`luma.h − 7`).
    h: usize,
    /// One map per pair.
    maps: [Vec<f32>; PAIRS.len()],
}

/// The pairs' DCT coefficients at every block position (separable filtering, tap by
/// tap so it vectorises), turned into soft reads; `luma` is at least one block.
fn soft_maps(luma: &Luma, order: usize, noise: f32) -> SoftMaps {
    let basis = Basis::new();
    let (w, h) = (luma.w + 1 - BLOCK, luma.h + 1 - BLOCK);
    // Horizontal projections for u = 1..3 at every x position, on all rows.
    let mut hor = [vec![0f32; w * luma.h], vec![0f32; w * luma.h], vec![0f32; w * luma.h]];
    for (u, out) in hor.iter_mut().enumerate() {
        let a = basis.a[u + 1];
        for (src, dst) in luma.v.chunks_exact(luma.w).zip(out.chunks_exact_mut(w)) {
            for (k, &t) in a.iter().enumerate() {
                for (d, s) in dst.iter_mut().zip(&src[k..]) {
                    *d += t * s;
                }
            }
        }
    }
    let vertical = |hu: usize, v: usize| -> Vec<f32> {
        let a = basis.a[v];
        let mut m = vec![0f32; w * h];
        for (y, dst) in m.chunks_exact_mut(w).enumerate() {
            for (j, &t) in a.iter().enumerate() {
                for (d, s) in dst.iter_mut().zip(&hor[hu - 1][(y + j) * w..][..w]) {
                    *d += t * s;
                }
            }
        }
        m
    };
    let maps = PAIRS.map(|(u, v)| {
        let (mut c1, c2) = (vertical(u, v), vertical(v, u));
        // In chunks so the power loop runs across positions (vectorised).
        let n2 = noise * noise;
        for (a, b) in c1.chunks_mut(256).zip(c2.chunks(256)) {
            let mut x = [0f32; 256];
            let mut y = [0f32; 256];
            let mut r2 = [0f32; 256];
            for i in 0..a.len() {
                r2[i] = a[i] * a[i] + b[i] * b[i];
                let inv = if r2[i] > 1e-12 { 1.0 / r2[i].sqrt() } else { 0.0 };
                (x[i], y[i]) = (a[i] * inv, b[i] * inv);
            }
            let mut re = [1f32; 256];
            let mut im = [0f32; 256];
            for _ in 0..order {
                for i in 0..256 {
                    (re[i], im[i]) = (re[i] * x[i] - im[i] * y[i], re[i] * y[i] + im[i] * x[i]);
                }
            }
            for i in 0..a.len() {
                a[i] = if r2[i] > 1e-12 { -re[i] * r2[i] / (r2[i] + n2) } else { 0.0 };
            }
        }
        c1
    });
    SoftMaps { w, h, maps }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::imageops::FilterType;

    const PAYLOAD: u64 = 0xF1B6_0000_0C0F_FEE5;

    /// xorshift64*: the tests' only source of randomness, seeded.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn unit(&mut self) -> f32 {
            (self.next() >> 40) as f32 / (1u64 << 24) as f32
        }
    }

    /// Smooth value noise in `0..1` with lattice cells of `cell` pixels.
    fn value_noise(w: usize, h: usize, cell: usize, rng: &mut Rng) -> Vec<f32> {
        let gw = w / cell + 2;
        let grid: Vec<f32> = (0..gw * (h / cell + 2)).map(|_| rng.unit()).collect();
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            let (iy, ty) = (y / cell, (y % cell) as f32 / cell as f32);
            let ty = ty * ty * (3.0 - 2.0 * ty);
            for x in 0..w {
                let (ix, tx) = (x / cell, (x % cell) as f32 / cell as f32);
                let tx = tx * tx * (3.0 - 2.0 * tx);
                let g = |dx: usize, dy: usize| grid[(iy + dy) * gw + ix + dx];
                let top = g(0, 0) + (g(1, 0) - g(0, 0)) * tx;
                let bottom = g(0, 1) + (g(1, 1) - g(0, 1)) * tx;
                out.push(top + (bottom - top) * ty);
            }
        }
        out
    }

    fn from_fn(w: usize, h: usize, mut f: impl FnMut(usize, usize) -> [f32; 3]) -> Image {
        let mut img = Image::filled(w as u32, h as u32, [0, 0, 0, 255]);
        for y in 0..h {
            for x in 0..w {
                for (out, v) in img.rgba[(y * w + x) * 4..][..3].iter_mut().zip(f(x, y)) {
                    *out = v.round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        img
    }

    /// Photo-like: smooth colour fields, shaded discs, patches of
    /// multi-scale texture, sensor grain.
    fn photo(w: usize, h: usize, seed: u64) -> Image {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let base: Vec<Vec<f32>> = (0..3).map(|_| value_noise(w, h, 160, &mut rng)).collect();
        let mask = value_noise(w, h, 96, &mut rng);
        let fine: Vec<Vec<f32>> = [3, 6, 12].iter().map(|&c| value_noise(w, h, c, &mut rng)).collect();
        let discs: Vec<[f32; 4]> = (0..8)
            .map(|_| {
                [rng.unit() * w as f32, rng.unit() * h as f32, 20.0 + rng.unit() * 120.0, rng.unit() * 160.0 - 80.0]
            })
            .collect();
        let grain: Vec<f32> = (0..w * h).map(|_| rng.unit() * 6.0 - 3.0).collect();
        from_fn(w, h, |x, y| {
            let i = y * w + x;
            let texture = ((mask[i] - 0.35) * 3.0).clamp(0.0, 1.0)
                * (0.3 * fine[0][i] + 0.5 * fine[1][i] + 0.4 * fine[2][i] - 0.6)
                * 120.0;
            let shade: f32 = discs
                .iter()
                .filter(|d| (x as f32 - d[0]).hypot(y as f32 - d[1]) < d[2])
                .map(|d| d[3])
                .next_back()
                .unwrap_or(0.0);
            std::array::from_fn(|c| 30.0 + 200.0 * base[c][i] + 0.4 * shade + texture + grain[i])
        })
    }

    fn line_art(w: usize, h: usize, seed: u64) -> Image {
        let mut rng = Rng(seed | 1);
        let mut img = Image::filled(w as u32, h as u32, [250, 248, 240, 255]);
        for _ in 0..(w + h) / 30 {
            let (x0, y0, x1, y1) =
                (rng.unit() * w as f32, rng.unit() * h as f32, rng.unit() * w as f32, rng.unit() * h as f32);
            let half = 1 + (rng.next() % 3) as i64;
            let n = (x1 - x0).abs().max((y1 - y0).abs()).max(1.0) as usize;
            for s in 0..=n {
                let t = s as f32 / n as f32;
                let (cx, cy) = ((x0 + (x1 - x0) * t) as i64, (y0 + (y1 - y0) * t) as i64);
                for y in (cy - half).max(0)..(cy + half).min(h as i64) {
                    for x in (cx - half).max(0)..(cx + half).min(w as i64) {
                        img.rgba[(y as usize * w + x as usize) * 4..][..3].fill(20);
                    }
                }
            }
        }
        img
    }

    fn noise(w: usize, h: usize, seed: u64, amplitude: f32) -> Image {
        let mut rng = Rng(seed | 1);
        from_fn(w, h, |_, _| {
            let v = 128.0 + (rng.unit() - 0.5) * amplitude;
            [v, v + (rng.unit() - 0.5) * 20.0, v]
        })
    }

    fn gradient(w: usize, h: usize, seed: u64) -> Image {
        let mut rng = Rng(seed | 1);
        let (a, b, grain) = (rng.unit(), rng.unit(), (seed % 3) as f32);
        from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let t = if seed % 2 == 0 { (fx - a).hypot(fy - b) } else { a * fx + (1.0 - a) * fy };
            let n = (rng.unit() - 0.5) * grain;
            [255.0 * t + n, 60.0 + 120.0 * t + n, 255.0 * (1.0 - t) + n]
        })
    }

    /// Stripes or a checkerboard at one of several periods and angles.
    fn pattern(w: usize, h: usize, seed: u64) -> Image {
        let period = [4.0, 8.0, 16.0, 11.0, 32.0, 64.0][(seed % 6) as usize];
        let angle = Rng(seed | 1).unit() * std::f32::consts::PI;
        let (c, s) = (angle.cos(), angle.sin());
        from_fn(w, h, |x, y| {
            let on = if seed % 4 == 1 {
                ((x as f32 / period) as usize + (y as f32 / period) as usize) % 2 == 0
            } else {
                ((x as f32 * c + y as f32 * s) / period).rem_euclid(2.0) < 1.0
            };
            [if on { 230.0 } else { 30.0 }; 3]
        })
    }

    /// Dark "words" on white lines, like a scanned page.
    fn text_like(w: usize, h: usize, seed: u64) -> Image {
        let mut rng = Rng(seed | 1);
        let mut img = Image::filled(w as u32, h as u32, [255, 255, 255, 255]);
        let line = 12 + (seed % 4) as usize * 6;
        for top in (10..h.saturating_sub(line)).step_by(line) {
            let mut x = 10;
            while x + 30 < w {
                let len = 8 + (rng.next() % 50) as usize;
                for y in top..top + line * 2 / 3 {
                    for xx in x..(x + len).min(w - 10) {
                        if rng.next() % 5 < 2 {
                            img.rgba[(y * w + xx) * 4..][..3].fill(0);
                        }
                    }
                }
                x += len + 7;
            }
        }
        img
    }

    fn rgba(img: &Image) -> image::RgbaImage {
        image::RgbaImage::from_raw(img.width, img.height, img.rgba.clone()).unwrap()
    }

    fn from_rgba(buf: image::RgbaImage) -> Image {
        Image { width: buf.width(), height: buf.height(), rgba: buf.into_raw() }
    }

    fn jpeg(img: &Image, quality: u8) -> Image {
        let rgb = image::DynamicImage::ImageRgba8(rgba(img)).to_rgb8();
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
            .encode(rgb.as_raw(), img.width, img.height, image::ExtendedColorType::Rgb8)
            .unwrap();
        from_rgba(image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap().to_rgba8())
    }

    fn down_up(img: &Image, filter: FilterType) -> Image {
        let half = image::imageops::resize(&rgba(img), img.width / 2, img.height / 2, filter);
        from_rgba(image::imageops::resize(&half, img.width, img.height, filter))
    }

    /// Removes `dx` columns and `dy` rows at the top-left corner.
    fn crop(img: &Image, dx: u32, dy: u32) -> Image {
        from_rgba(image::imageops::crop_imm(&rgba(img), dx, dy, img.width - dx, img.height - dy).to_image())
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
        let se: f64 = pairs.flat_map(|(p, q)| (0..3).map(move |k| (f64::from(p[k]) - f64::from(q[k])).powi(2))).sum();
        let mse = se / (a.rgba.len() / 4 * 3) as f64;
        10.0 * (255.0 * 255.0 / mse.max(1e-12)).log10()
    }

    fn marked(img: &Image) -> Image {
        embed(img, PAYLOAD, &InvisibleStyle::default()).expect("textured image is fit")
    }

    fn assert_found(img: &Image, what: &str) {
        match detect(img, &InvisibleStyle::default()) {
            Detection::Found { payload, confidence } => {
                assert_eq!(payload, PAYLOAD, "{what}: wrong payload");
                assert!((0.1..=1.0).contains(&confidence), "{what}: confidence {confidence}");
            }
            Detection::NotFound => panic!("{what}: mark not found"),
        }
    }

    // R: W2
    #[test]
    fn marks_decode_and_stay_within_psnr_36_db() {
        for (name, img) in [
            ("photo 1024", photo(1024, 1024, 1)),
            ("photo 640×480", photo(640, 480, 2)),
            ("noise", noise(512, 512, 3, 120.0)),
            ("line art", line_art(512, 512, 4)),
        ] {
            let m = marked(&img);
            let db = psnr(&img, &m);
            assert!(db >= 36.0, "{name}: PSNR {db:.1} dB");
            assert_ne!(m, img, "{name}: unchanged");
            match detect(&m, &InvisibleStyle::default()) {
                Detection::Found { payload, confidence } => {
                    assert_eq!(payload, PAYLOAD, "{name}");
                    assert!(confidence > 0.5, "{name}: confidence {confidence}");
                }
                Detection::NotFound => panic!("{name}: not found"),
            }
            assert!(m.rgba.chunks_exact(4).zip(img.rgba.chunks_exact(4)).all(|(a, b)| a[3] == b[3]), "{name}: alpha");
        }
    }

    // R: W2
    #[test]
    fn survives_jpeg_quality_50() {
        for (name, img) in [
            ("photo", photo(512, 512, 11)),
            ("noise", noise(512, 512, 12, 120.0)),
            ("line art", line_art(512, 512, 13)),
        ] {
            assert_found(&jpeg(&marked(&img), 50), name);
        }
    }

    // R: W2
    #[test]
    fn survives_2x_downscale_and_upscale() {
        for (name, img) in [("photo", photo(512, 512, 21)), ("noise", noise(512, 512, 22, 120.0))] {
            let m = marked(&img);
            for filter in [FilterType::Triangle, FilterType::CatmullRom, FilterType::Lanczos3] {
                assert_found(&down_up(&m, filter), &format!("{name} {filter:?}"));
            }
        }
    }

    // R: W2
    #[test]
    fn survives_a_crop_of_10_percent_at_any_offset() {
        let m = marked(&photo(512, 512, 31));
        // 10 % of width and height from the top-left corner, then odd offsets (a
        // pixel phase of the half-size grid) and a deeper crop.
        for (dx, dy) in [(51, 51), (53, 47), (1, 0), (0, 1), (7, 13), (128, 96)] {
            assert_found(&crop(&m, dx, dy), &format!("crop {dx}×{dy}"));
        }
        assert_found(&crop(&marked(&photo(1024, 1024, 32)), 102, 102), "crop 10 % of 1024²");
    }

    // R: W2
    #[test]
    fn survives_brightness_plus_and_minus_10_percent() {
        for (name, img) in [("photo", photo(512, 512, 41)), ("noise", noise(512, 512, 42, 120.0))] {
            let m = marked(&img);
            assert_found(&brightness(&m, 1.1), &format!("{name} +10 %"));
            assert_found(&brightness(&m, 0.9), &format!("{name} −10 %"));
        }
        // Dark line art keeps its mark when darkened.
        assert_found(&brightness(&marked(&line_art(512, 512, 43)), 0.9), "line art −10 %");
    }

    // R: W2
    #[test]
    fn unmarked_images_never_raise_a_false_alarm() {
        let style = InvisibleStyle::default();
        let sizes = [(256, 256), (320, 240), (400, 300), (160, 480), (512, 200), (300, 300)];
        let mut checked = 0;
        for seed in 0..60u64 {
            let (w, h) = sizes[(seed % 6) as usize];
            let img = match seed % 6 {
                0 => photo(w, h, seed),
                1 => line_art(w, h, seed),
                2 => noise(w, h, seed, 40.0 + seed as f32 * 3.0),
                3 => gradient(w, h, seed),
                4 => pattern(w, h, seed),
                _ => text_like(w, h, seed),
            };
            let img = if seed % 5 == 4 { jpeg(&img, 60) } else { img };
            assert_eq!(detect(&img, &style), Detection::NotFound, "seed {seed}");
            checked += 1;
        }
        // A mark made with another key is not found either.
        let other = InvisibleStyle { key: 7, ..InvisibleStyle::default() };
        assert_eq!(detect(&marked(&photo(320, 320, 99)), &other), Detection::NotFound);
        assert_eq!(checked, 60);
    }

    // R: W2
    #[test]
    fn flat_small_or_short_images_are_unfit() {
        let style = InvisibleStyle::default();
        let cases = [
            ("flat grey", Image::filled(512, 512, [128, 128, 128, 255])),
            ("flat transparent", Image::filled(300, 300, [0, 0, 0, 0])),
            ("linear gradient", gradient(512, 384, 1)),
            ("too small", noise(143, 400, 5, 120.0)),
            ("short buffer", Image { width: 512, height: 512, rgba: vec![100; 512 * 511 * 4] }),
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
    fn hostile_input_and_styles_never_panic() {
        let hostile = InvisibleStyle {
            strength_deg: f32::NAN,
            floor_amplitude: f32::INFINITY,
            max_change: -1.0,
            texture_amplitude: f32::NAN,
            min_textured_per_bit: f32::NEG_INFINITY,
            noise_amplitude: 0.0,
            candidates: u32::MAX,
            full_confidence_z: f32::NAN,
            min_confidence: f32::NAN,
            key: 0,
        };
        let images = [
            Image { width: 0, height: 0, rgba: vec![] },
            Image { width: u32::MAX, height: u32::MAX, rgba: vec![1; 64] },
            Image { width: 144, height: 144, rgba: vec![7; 10] },
            Image { width: 1, height: 100_000, rgba: vec![0; 400_000] },
            noise(144, 144, 1, 200.0),
            noise(145, 301, 2, 200.0),
            Image { width: 200, height: 200, rgba: vec![255; 200 * 200 * 4 + 3] },
        ];
        for img in &images {
            for style in [&hostile, &InvisibleStyle::default()] {
                if let Ok(m) = embed(img, u64::MAX, style) {
                    assert_eq!((m.width, m.height, m.rgba.len()), (img.width, img.height, img.rgba.len()));
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
        let img = photo(320, 320, 5);
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
        let mut rng = Rng(77);
        for payload in [0u64, u64::MAX, 0x0123_4567_89AB_CDEF, 42] {
            let bits = payload::encode(payload);
            let coded = conv_encode(&bits);
            let mut soft: [f32; CODED] = coded.map(|b| if b { 1.0 } else { -1.0 });
            // Flip 8 coded bits (4 %) spread over the word, and blur the rest.
            for i in (0..CODED).step_by(CODED / 8) {
                soft[(i + (rng.next() % 7) as usize) % CODED] *= -1.0;
            }
            for v in &mut soft {
                *v += (rng.unit() - 0.5) * 0.4;
            }
            assert_eq!(viterbi(&soft), bits, "payload {payload:x}");
        }
    }
}
