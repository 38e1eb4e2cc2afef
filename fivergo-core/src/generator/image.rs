//! The reference image generator, [`QuiltGenerator`], for the image subcategories
//! (tattoo, illustration, children's book illustration). Offline, CPU only, no
//! downloaded weights.
//!
//! # What it learns
//! From each image asset the seller selected it takes the centred square crop (the
//! square crop A8 reports) and learns, pooled over the set:
//! - a **palette**: k-means in CIE Lab ([`QuiltSettings::palette_k`] colours with
//!   their shares) on a grid of pixels picked (not averaged, so lines keep their
//!   ink colour) from the exemplar-size crops;
//! - a **tonal range**: the lightness (Lab L) at evenly spaced quantiles;
//! - an **exemplar bank**: up to [`QuiltSettings::max_exemplars`] crops shrunk to
//!   [`QuiltSettings::exemplar_px`], stored as PNG (base64) in the style with the
//!   asset's tags. A larger set is thinned evenly, in the assets' order.
//!
//! Assets added with metadata only (no file) and non-image files are skipped; a set
//! with no usable image fails the training with the reason.
//!
//! # What it generates
//! A new picture made of the seller's own texture, by **image quilting** (Efros &
//! Freeman 2001) on a [`QuiltSettings::work_px`] canvas, from
//! [`QuiltSettings::exemplars_per_image`] exemplars drawn by the seed:
//! - square patches are placed in raster order, each chosen among randomly sampled
//!   exemplar positions (and the positions that continue its left and upper
//!   neighbours' sources) whose overlap with what is already placed matches best;
//! - a **composition guide** steers the layout of light, dark and coloured areas:
//!   one exemplar drawn by the seed, shrunk to the patch grid and mirrored or
//!   turned, whose cell colour each patch's mean colour is compared with
//!   ([`QuiltSettings::guide_weight`]); without it quilting drifts into the set's
//!   most common flat area;
//! - each patch is joined along a minimum-cost seam through the overlap (dynamic
//!   programming). The seam cost adds [`QuiltSettings::edge_weight`] × the squared
//!   stroke strength of both sides (how much darker a pixel is than the lightest
//!   one within a few pixels) to the colour difference, so seams run through paper
//!   and flat fills rather than along or through lines: on line art, the seam
//!   pixels lying on ink beyond the unavoidable ones drop by well over half. A
//!   stroke that crosses the whole overlap and has no continuation in the chosen
//!   patch is still cut (the patch choice, not the seam, keeps that rare);
//! - the canvas is recoloured to the learned style: every colour pulled softly
//!   towards its nearest palette colour, then its lightness matched to the learned
//!   tonal range, the contrast stretch capped by [`QuiltSettings::max_tone_gain`];
//! - it is enlarged (bilinear) to [`QuiltSettings::output_px`], opaque RGBA.
//!
//! # What it cannot do
//! It does **not** draw a requested subject: it has no language model and no notion
//! of "a koi fish" or "a rose". The brief steers it only this way:
//! - the brief's text is hashed into the random choices with the seed, so a
//!   different text (or seed) gives a different composition of the same texture;
//! - the brief's tags select the exemplars whose assets carry one of those tags
//!   (case-insensitive); when no exemplar matches, all are used;
//! - `quantity` is not used (one artifact per call).
//!
//! Shapes larger than a patch are not reproduced as a whole (a portrait becomes a
//! texture of its strokes and colours), pieces of the seller's images appear
//! verbatim at patch size and larger, lines thinner than the shrink factor (crop
//! side / `exemplar_px`: 4 px for a 1024 px image at the defaults) come out lighter,
//! and the output's colours are those of the training set. Same style, brief and
//! seed give bit-identical pixels.
//!
//! ```
//! use fivergo_core::generator::image::{QuiltGenerator, QuiltSettings};
//! use fivergo_core::Generator;
//! let g = QuiltGenerator::new(QuiltSettings { output_px: 256, ..QuiltSettings::default() });
//! assert_eq!(g.name(), "quilt");
//! ```

mod learn;
mod quilt;
mod recolour;
#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::generator::{
    Artifact, Brief, Generator, Image, JobControl, TrainError, TrainedStyle, TrainingInput,
};
use crate::rng::SplitMix;
use learn::StyleData;
use serde::{Deserialize, Serialize};

/// The format version of the styles this generator writes and reads.
const FORMAT: u32 = 1;

/// Knobs of [`QuiltGenerator`]; `Default` gives the documented defaults and a
/// partial JSON object overrides only what it names. Values out of range are
/// clamped when used (see each field).
///
/// ```
/// use fivergo_core::generator::image::QuiltSettings;
/// let s: QuiltSettings = serde_json::from_str(r#"{"output_px": 512}"#).unwrap();
/// assert_eq!(s, QuiltSettings { output_px: 512, ..QuiltSettings::default() });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuiltSettings {
    /// Side of the square output image in pixels (default 1024; 16 to 4096).
    pub output_px: u32,
    /// Side of the canvas the quilting runs on, enlarged to `output_px` afterwards
    /// (default 512; 16 to `output_px`).
    pub work_px: u32,
    /// Side the training crops are shrunk to for the exemplar bank (default 256;
    /// 16 to 1024).
    pub exemplar_px: u32,
    /// Exemplars kept in a style at most (default 24; at least 1).
    pub max_exemplars: u32,
    /// Exemplars one generation draws from, chosen by the seed among those the tags
    /// select (default 6; at least 1).
    pub exemplars_per_image: u32,
    /// Side of a quilting patch on the canvas (default 48; at least 4, at most the
    /// smallest exemplar side).
    pub patch_px: u32,
    /// Width of the overlap between neighbouring patches (default 12; 1 to half a
    /// patch).
    pub overlap_px: u32,
    /// Random exemplar positions sampled per patch, besides the continuations of the left and upper neighbours (default 256; 1 to 4096).
    pub candidates: u32,
    /// A candidate whose overlap error is within this share above the best one's
    /// may be chosen (default 0.15; 0 or more).
    pub tolerance: f32,
    /// Weight of the stroke term in the seam cost; 0 gives the plain
    /// minimum-error boundary cut (default 0.25; 0 or more). Higher keeps seams
    /// further off strokes but makes them cross unmatched strokes more often.
    pub edge_weight: f32,
    /// Weight of the composition guide in the patch choice (each patch's mean
    /// colour against a seeded exemplar's layout); 0 gives plain quilting
    /// (default 0.25; 0 or more).
    pub guide_weight: f32,
    /// Palette colours learned (default 8; 1 to 32).
    pub palette_k: u32,
    /// Side of the grid of pixels, picked from each exemplar-size crop, that the
    /// palette and tonal range are learned from (default 128; 8 to `exemplar_px`).
    pub sample_px: u32,
    /// Share (0 to 1) of the way each colour moves towards its nearest palette
    /// colour (default 0.25).
    pub palette_pull: f32,
    /// Lightness quantiles of the learned tonal range (default 3: darkest, median,
    /// lightest; 2 to 101). Finer levels match the histogram more closely but turn
    /// ink into paper when a canvas holds more ink than the set's average (line art
    /// is bimodal), so the default only matches the range and the midpoint.
    pub tone_levels: u32,
    /// Matching the tonal range stretches the contrast between two neighbouring
    /// lightness quantiles by at most this factor (default 1.5; at least 1).
    /// Squeezing is not limited.
    pub max_tone_gain: f32,
}

impl Default for QuiltSettings {
    fn default() -> Self {
        Self {
            output_px: 1024,
            work_px: 512,
            exemplar_px: 256,
            max_exemplars: 24,
            exemplars_per_image: 6,
            patch_px: 48,
            overlap_px: 12,
            candidates: 256,
            tolerance: 0.15,
            edge_weight: 0.25,
            guide_weight: 0.25,
            palette_k: 8,
            sample_px: 128,
            palette_pull: 0.25,
            tone_levels: 3,
            max_tone_gain: 1.5,
        }
    }
}

impl QuiltSettings {
    /// The settings with every value clamped to its documented range (NaN gives the
    /// default).
    fn sanitized(&self) -> Self {
        let d = Self::default();
        let f = |v: f32, def: f32, lo: f32, hi: f32| if v.is_nan() { def } else { v.clamp(lo, hi) };
        let output_px = self.output_px.clamp(16, 4096);
        let patch_px = self.patch_px.max(4);
        let exemplar_px = self.exemplar_px.clamp(16, 1024);
        Self {
            output_px,
            work_px: self.work_px.clamp(16, output_px),
            exemplar_px,
            max_exemplars: self.max_exemplars.max(1),
            exemplars_per_image: self.exemplars_per_image.max(1),
            patch_px,
            overlap_px: self.overlap_px.clamp(1, patch_px / 2),
            candidates: self.candidates.clamp(1, 4096),
            tolerance: f(self.tolerance, d.tolerance, 0.0, f32::MAX),
            edge_weight: f(self.edge_weight, d.edge_weight, 0.0, f32::MAX),
            guide_weight: f(self.guide_weight, d.guide_weight, 0.0, f32::MAX),
            palette_k: self.palette_k.clamp(1, 32),
            sample_px: self.sample_px.clamp(8, exemplar_px),
            palette_pull: f(self.palette_pull, d.palette_pull, 0.0, 1.0),
            tone_levels: self.tone_levels.clamp(2, 101),
            max_tone_gain: f(self.max_tone_gain, d.max_tone_gain, 1.0, f32::MAX),
        }
    }
}

/// The reference image generator: learns palette, tonal range and texture from the
/// seller's square crops and quilts new images from them (see the
/// [module docs](self) for exactly what it can and cannot do).
///
/// ```
/// use fivergo_core::generator::image::{QuiltGenerator, QuiltSettings};
/// use fivergo_core::media::{image::encode_png, MediaLimits};
/// use fivergo_core::*;
/// // Two small "seller images": diagonal ink stripes on paper.
/// let art = |phase: u32| {
///     let mut img = Image::filled(96, 96, [250, 248, 240, 255]);
///     for (i, p) in img.rgba.chunks_exact_mut(4).enumerate() {
///         let (x, y) = (i as u32 % 96, i as u32 / 96);
///         if (x + y + phase) % 24 < 5 { p[..3].copy_from_slice(&[20, 20, 30]); }
///     }
///     encode_png(&img).unwrap()
/// };
/// let files = [art(0), art(7)];
/// let assets: Vec<Asset> = (0..2).map(|i| Asset { id: format!("a{i}").as_str().into(),
///     owner: "ana".into(), source: AssetSource::Upload, modality: Modality::Image,
///     meta: AssetMeta::image(96, 96), tags: Default::default(),
///     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: i, content: None }).collect();
/// let entry = Catalogue::default().get("tattoo").unwrap().clone();
/// let limits = MediaLimits::default();
/// let input = TrainingInput { entry: &entry, limits: &limits, instructions: None,
///     assets: assets.iter().zip(&files)
///         .map(|(a, f)| TrainingAsset { asset: a, content: Some(f.as_slice()) }).collect() };
/// let g = QuiltGenerator::new(QuiltSettings { output_px: 128, work_px: 64, exemplar_px: 64,
///     patch_px: 16, overlap_px: 4, ..QuiltSettings::default() });
/// let style = g.train(&input, &mut JobControl::none()).unwrap();
/// let brief = Brief::new("a koi fish");
/// let Artifact::Image(img) = g.generate(&style, &brief, 7, &mut JobControl::none()).unwrap()
///     else { unreachable!() };
/// assert_eq!((img.width, img.height), (128, 128));
/// assert_eq!(Artifact::Image(img), g.generate(&style, &brief, 7, &mut JobControl::none()).unwrap());
/// ```
#[derive(Debug, Clone, Default)]
pub struct QuiltGenerator {
    settings: QuiltSettings,
}

impl QuiltGenerator {
    /// A generator with these settings.
    ///
    /// ```
    /// use fivergo_core::generator::image::{QuiltGenerator, QuiltSettings};
    /// use fivergo_core::Generator;
    /// let g = QuiltGenerator::new(QuiltSettings { output_px: 256, ..QuiltSettings::default() });
    /// assert_eq!((g.name(), g.settings().output_px), ("quilt", 256));
    /// ```
    pub fn new(settings: QuiltSettings) -> Self {
        Self { settings }
    }

    /// The settings it was made with.
    ///
    /// ```
    /// use fivergo_core::generator::image::{QuiltGenerator, QuiltSettings};
    /// assert_eq!(QuiltGenerator::default().settings().output_px, 1024);
    /// ```
    pub fn settings(&self) -> &QuiltSettings {
        &self.settings
    }
}

impl Generator for QuiltGenerator {
    fn name(&self) -> &str {
        "quilt"
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        let data = learn::learn(input, &self.settings.sanitized(), ctl)?;
        let data = serde_json::to_value(&data)
            .map_err(|e| TrainError::Failed(format!("the style could not be stored: {e}")))?;
        ctl.tick(1.0)?;
        Ok(TrainedStyle {
            generator: self.name().into(),
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
        let data: StyleData = style.data_of(self.name(), FORMAT)?;
        let s = self.settings.sanitized();
        data.validate().map_err(failed)?;
        let mut rng = SplitMix(seed ^ text_hash(&brief.text).rotate_left(29));
        let textures = data
            .exemplars_for(&brief.tags, s.exemplars_per_image as usize, &mut rng)
            .map_err(failed)?;
        ctl.tick(0.1)?;
        let params = quilt::Params::new(&s, &textures);
        let mut canvas = quilt::synthesize(
            &textures,
            s.work_px as usize,
            &params,
            &mut rng,
            ctl,
            (0.1, 0.85),
        )?;
        recolour::recolour(
            &mut canvas,
            &data.palette,
            &data.tones,
            s.palette_pull,
            s.max_tone_gain,
        );
        let image = canvas.enlarged(s.output_px as usize);
        ctl.tick(1.0)?;
        Ok(Artifact::Image(image))
    }
}

fn failed(reason: String) -> Error {
    Error::GeneratorFailed { reason }
}

/// FNV-1a of the brief's text: a stable hash (unlike `std`'s randomly keyed one).
fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// An 8-bit RGB raster, row-major, three bytes a pixel.
#[derive(Debug, Clone, PartialEq)]
struct Rgb {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Rgb {
    /// The opaque RGBA image of `side × side`, bilinearly resampled (pixel centres
    /// aligned).
    fn enlarged(&self, side: usize) -> Image {
        let taps = |n: usize| -> Vec<(usize, usize, u32)> {
            (0..side)
                .map(|j| {
                    let x = ((j as f64 + 0.5) * n as f64 / side as f64 - 0.5)
                        .clamp(0.0, (n - 1) as f64);
                    let i0 = x.floor() as usize;
                    (
                        i0,
                        (i0 + 1).min(n - 1),
                        ((x - i0 as f64) * 256.0).round() as u32,
                    )
                })
                .collect()
        };
        let (xs, ys) = (taps(self.w), taps(self.h));
        let mut rgba = Vec::with_capacity(side * side * 4);
        let at = |x: usize, y: usize, c: usize| u32::from(self.px[(y * self.w + x) * 3 + c]);
        for &(y0, y1, ty) in &ys {
            for &(x0, x1, tx) in &xs {
                for c in 0..3 {
                    let top = at(x0, y0, c) * (256 - tx) + at(x1, y0, c) * tx;
                    let bottom = at(x0, y1, c) * (256 - tx) + at(x1, y1, c) * tx;
                    rgba.push(((top * (256 - ty) + bottom * ty + (1 << 15)) >> 16) as u8);
                }
                rgba.push(255);
            }
        }
        Image {
            width: side as u32,
            height: side as u32,
            rgba,
        }
    }
}
