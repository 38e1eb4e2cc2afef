//! Image decoding, measurement and findings (SPEC A3, A4, A8).
//!
//! [`decode`] turns untrusted PNG, JPEG or WebP bytes into an [`Image`] under the
//! hard limits of [`MediaLimits`](crate::media::MediaLimits) (A3). [`measure`] reads
//! what the best-practice checks need from the pixels ([`ImageMeasures`]), and
//! [`inspect_bytes`] / [`inspect_image`] store it in an [`AssetMeta`]. The findings of
//! a whole set (blur relative to the set, upscaling, style outliers, and the A8 list)
//! come from that metadata alone, through [`asset::review_set`](crate::asset::review_set).
//!
//! All measurements are deterministic: the k-means palette and the random filter
//! bank use fixed seeds from [`ImageChecks`], and no step depends on timing or
//! threads. Every threshold is a field of [`ImageChecks`].
//!
//! # What each measure means, and its limits
//! - **sharpness**: on the strongest edges only (the top
//!   [`ImageChecks::blur_edge_share`] of the Sobel gradients), the energy of the
//!   Laplacian over that of the gradient, on a copy whose longer side is
//!   [`ImageChecks::sharpness_px`] (the size training is recommended at, so a blur
//!   is judged at the scale the model sees it); a smaller image is measured at its
//!   own size (its size is reported as low resolution, not as blur). Flat
//!   backgrounds do not count and contrast cancels, so a crisp silhouette on white
//!   scores like a crisp photograph (0.5 to 7.4 on the real-photo corpus; after a
//!   Gaussian blur of σ = 1.5 px 0.07 to 0.39, but 0.52 on a picture of 2000 px,
//!   where that blur is under a pixel at 1024; from σ = 2 px 0.04 to 0.33). Blur is
//!   judged against the set's median and against an absolute floor.
//! - **upscaled**: the image is shrunk 2× (box) and blown up again (Catmull-Rom, and
//!   pixel repetition); the energy this round trip removes is compared with the
//!   energy the same round trip removes one octave lower. A native image has detail
//!   in both octaves; one enlarged 2× (or more) from a smaller original has almost
//!   none in the top octave while the next one is intact. A blurred image has both
//!   octaves depleted: it is reported as blurry, not upscaled. Images larger than
//!   [`ImageChecks::upscale_crop_px`] a side are tested on a centred crop of that
//!   size at full resolution.
//!   Enlargements by 3× and 4× empty both top octaves, as blur does; they are told
//!   apart by interpolation's periodic trace instead: the mean second difference
//!   per column and per row repeats with the enlargement's period (JPEG's 8×8 block
//!   edges are left out). Lanczos enlargements leave the weakest trace; where both
//!   top octaves are empty (a 4× enlargement or a blur) a weaker period 4 is
//!   enough, since blur leaves none. A period 4 only counts when the spectrum
//!   falls off above the 4× enlargement's effective Nyquist (1/8 cycle per pixel):
//!   the octave from 1/8 to 1/4 must hold less than
//!   [`ImageChecks::upscale_max_lower_ratio_4`] of the one below it, so a
//!   picture with full detail and a periodic trace in its file is not called
//!   enlarged. Where the octave below the top one keeps only a little of the one
//!   below it ([`ImageChecks::upscale_sure_lower_ratio`]), a light blur and an
//!   enlargement by about 3× measure alike, and the octave test also needs
//!   interpolation's trace: a period 2 (not read through JPEG's block edges) or a
//!   peak in the spectrum of the second difference's profile, which an
//!   enlargement by any factor (2.5×, 3.3×, …) leaves and a blur does not.
//! - **chroma / monochrome**: CIE Lab chroma of a thumbnail; an image is monochrome
//!   when even its [`ImageChecks::monochrome_percentile`]-th percentile chroma stays
//!   below [`ImageChecks::monochrome_max_chroma`], so a dark picture with a few
//!   colourful spots (a deep-sky photo) counts as colour, which a mean would miss;
//!   sepia and other toned images count as colour unless the threshold is raised.
//! - **text or watermark** (warning only): rows of glyph-sized shapes on a clear
//!   stripe (captions, signatures, handwriting, stamped text), level or along the
//!   diagonals of [`ImageChecks::text_angles_deg`] (tiled marks such as fivergo's
//!   own draft mark), at a full and at a faint contrast, kept only when the glyphs
//!   look drawn with one pen (thin strokes of one width that turn, one height) and
//!   the same ink does not chain as well into columns (texture has no reading
//!   direction), and unless nearly every glyph is hollow in its middle (a row of
//!   coin rims, [`ImageChecks::text_max_hollow_share`]). On the corpus it finds
//!   captions and most draft marks without firing on textures (coins, also
//!   blurred, gravel, grass, fence bars), and tiled stock marks (white at 35 %:
//!   the turned passes measure ink against the room it had,
//!   [`ImageChecks::text_headroom_floor`]). A mark tiled on a lattice is also
//!   read through its repetition: when the autocorrelation of the picture's fine
//!   detail shows a lattice ([`ImageChecks::tile_min_correlation`]), each pixel's
//!   difference from its local mean is replaced by the median over its copies, so
//!   the mark stays and the picture under it fades, and that consensus is read
//!   too; this finds the mark over busy textures (brick, grass, gravel). It misses
//!   much fainter marks (12 % white), much fine handwriting, text smaller than
//!   about `text_glyph_min_px / working_px` of the image and logos without letters
//!   (see BENCHMARKS.md).
//! - **style vector**: the Lab palette (k-means on a thumbnail), edge density, mean
//!   chroma, and the Gram statistics of a fixed random filter bank on a
//!   [`ImageChecks::style_px`] copy. Vectors are only comparable when made with the
//!   same checks. A set is compared on an absolute scale (each dimension's spread,
//!   never less than [`ImageChecks::style_floors`]): when its median distance
//!   exceeds [`ImageChecks::style_max_spread`] it has no common style
//!   (`no_common_style`, one set-level warning); otherwise images far from the rest
//!   are `style_outlier`s. Adding one image to an incoherent set does not turn half of
//!   it into outliers.

#[cfg(feature = "media")]
mod codec;
mod header;
pub(crate) mod plane;
mod resampling;
pub(crate) mod style;
#[cfg(test)]
mod tests;
mod text;

#[cfg(not(feature = "media"))]
pub use super::disabled::{decode_image as decode, encode_png};
#[cfg(feature = "media")]
pub use codec::{decode, encode_png};
pub use header::{probe, ImageHeader, ImageKind};

use crate::asset::{flag, name, Asset, AssetMeta, Finding};
use crate::catalogue::Modality;
use crate::error::Error;
use crate::generator::Image;
use crate::media::Inspected;
use crate::policy::Policy;
use crate::watermark::invisible::{self, InvisibleStyle};
use plane::{fit_long_side, resize, usable_size, Plane};
use serde::{Deserialize, Serialize};

/// Image analysis thresholds (A4, A8). Every number the measurements and findings
/// use is here; `Default` gives the documented defaults and a partial JSON object
/// overrides only what it names.
///
/// Changing a style field (`palette_k`, `thumbnail_px`, `style_px`,
/// `style_filters`, `style_seed`, `kmeans_*`) changes what the style vectors mean:
/// re-inspect the set before comparing.
///
/// ```
/// use fivergo_core::media::image::ImageChecks;
/// let c = ImageChecks::default();
/// assert!(c.blur_ratio > 0.0 && c.blur_ratio < 1.0);
/// let custom: ImageChecks = serde_json::from_str(r#"{"blur_ratio": 0.5}"#).unwrap();
/// assert_eq!(custom, ImageChecks { blur_ratio: 0.5, ..c });
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageChecks {
    /// An image whose sharpness is below this share of the set's median is blurry
    /// (default 0.15).
    pub blur_ratio: f32,
    /// An image whose sharpness is below this is blurry whatever the set (catches a
    /// set that is blurry throughout; default 0.15, a Gaussian blur of about 1.5 to
    /// 2 px at the size sharpness is measured at).
    pub blur_floor: f32,
    /// Share of the pixels of the sharpness copy, the strongest gradients, that
    /// sharpness is measured on (default 0.1).
    pub blur_edge_share: f32,
    /// The relative blur rule needs at least this many measured images (default 3).
    pub blur_min_set: u32,
    /// Longer side, in pixels, of the copy that edges and text are measured on;
    /// smaller images are not enlarged (default 512).
    pub working_px: u32,
    /// Longer side, in pixels, of the copy that sharpness is measured on; smaller
    /// images are not enlarged (default 1024, the recommended training size of
    /// SPEC A8: a blur of 1.5 to 2 px on a picture of 1000 to 1400 px is under a
    /// pixel at the 512-px working size and went unseen there, 4 of 24
    /// photographs of the real-photo corpus; at 1024 every blurred photograph but
    /// one of 2000 px blurred by 1.5 px is found, with no sharp one flagged).
    pub sharpness_px: u32,
    /// Upscaled when the top octave's round-trip energy is below this share of the
    /// next octave's (default 0.15: on the real-photo corpus, 2× enlargements
    /// measure 0.03–0.11, 0.13 at most once saved as JPEG 85, and originals 0.17 and
    /// more but for one whose own file looks enlarged).
    pub upscale_max_ratio: f32,
    /// ... and the next octave still holds at least this share of the one below it,
    /// i.e. the image is not simply blurred (default 0.15).
    pub upscale_min_lower_ratio: f32,
    /// ... and the next octave's energy (luma in `[0, 1]`, mean square) is at least
    /// this: flat images have no resolution to judge (default 1e-5).
    pub upscale_min_detail: f32,
    /// ... and, where the next octave keeps less than this share of the one below
    /// it, interpolation left a trace: a period 2 of at least
    /// `upscale_min_period_2` (on a picture without JPEG's block edges) or a
    /// spectral peak of at least `upscale_min_peak` (default 0.3). Below it a
    /// Gaussian blur of 1.5 to 2 px and an enlargement by 2× to 3.3× can measure
    /// alike (on the corpus, 23 of 48 photographs blurred by 1.5 or 2 px and 51 of
    /// 120 enlargements by 2×, 2.5×, 3×, 3.3× and 4× measure 0.15 to 0.3 and pass
    /// the top-octave test); only the enlargement is periodic.
    pub upscale_sure_lower_ratio: f32,
    /// 2× trace: the four-sample stencil `y(x−1) − y(x) − y(x+1) + y(x+2)`,
    /// folded by column (and by row), differs between even and odd phases by this
    /// share of its mean (default 0.1: 2× enlargements of the corpus measure 0.12
    /// to 0.66, blurred photographs under 0.09). JPEG's blocks leave a period 2 of
    /// their own (0.07 to 0.20 on blurred photographs saved as JPEG 85): the trace
    /// only counts where they are not seen (below). See the module `resampling`.
    pub upscale_min_period_2: f32,
    /// JPEG's block edges: the mean second difference on either side of an 8×8
    /// block edge over that in the blocks' middle, as a share of the mean; at this
    /// or more the picture went through JPEG and its period 2 is not read
    /// (default 0.15: blurred photographs and enlargements of the corpus measure
    /// under 0.07 but for those of `pillow_iptc`, whose own file shows JPEG's
    /// blocks strongly, 0.14 to 0.28; the same blurred photographs saved as JPEG
    /// 85 measure 0.14 to 0.75, all but one 0.2 or more).
    pub upscale_max_block_edges: f32,
    /// Trace at any factor: the strongest peak of the spectrum of the mean second
    /// difference per column (and per row), over the median of the spectrum
    /// around it (default 25: 43 of 48 enlargements by 2.5× and 3.3× of the corpus
    /// measure more, up to 14 000; photographs and blurred ones under 15 but for
    /// two originals at 25 and 34).
    pub upscale_min_peak: f32,
    /// 3× test: upscaled when the mean second difference, folded by column (and by
    /// row), differs between the residues modulo 3 by this share of its mean
    /// (default 0.12; photographs stay under 0.07, 3× bilinear enlargements reach
    /// 0.6 to 2.5, bicubic 0.1 to 0.9). See the module `resampling`.
    pub upscale_min_period_3: f32,
    /// 4× test: the same modulo 4 (default 0.25; photographs mostly under 0.15).
    pub upscale_min_period_4: f32,
    /// 4× test where both top octaves are empty (the next octave's round-trip
    /// energy below this share of the one below it, as after a 4× enlargement or a
    /// blur): a period modulo 4 of `upscale_soft_min_period_4` is enough (default
    /// 0.11; photographs measure 0.3 and more, 4× enlargements 0.04 to 0.10,
    /// Gaussian blur of 2 px 0.09 to 0.18).
    pub upscale_soft_max_lower_ratio: f32,
    /// The period modulo 4 that makes such an image a 4× enlargement (default
    /// 0.065: Lanczos 4× enlargements on the corpus measure 0.07 to 0.23, blurred
    /// photographs mostly under 0.03, one of 24 at 0.10).
    pub upscale_soft_min_period_4: f32,
    /// 4× test, fall-off above the effective Nyquist: a 4× enlargement holds
    /// almost nothing above 1/8 cycle per pixel, so a period modulo 4 only counts
    /// when the octave just above that limit (1/8 to 1/4) keeps less than this
    /// share of the round-trip energy of the octave below it (`lower_ratio`;
    /// default 0.3: 4× enlargements on the corpus measure 0.01 to 0.11, the
    /// micrograph `ihc`, whose file shows a period-4 trace over full detail, 0.66).
    pub upscale_max_lower_ratio_4: f32,
    /// An image whose chroma percentile (below) stays under this Lab chroma is
    /// monochrome (default 10: greys, JPEG's chroma noise and blue-black or
    /// brown-black inks stay under it, a colour accent does not).
    pub monochrome_max_chroma: f32,
    /// The percentile of the thumbnail's chroma compared with
    /// `monochrome_max_chroma` (default 99: a colourful 1 % of the picture, such as
    /// the galaxies of a deep-sky photo, makes it a colour image).
    pub monochrome_percentile: f32,
    /// Sobel gradient (luma per pixel) above which a working-size pixel is an edge
    /// (default 0.1).
    pub edge_threshold: f32,
    /// Text: half-size of the window whose mean a pixel is compared with, in
    /// working-size pixels (default 12).
    pub text_window_px: u32,
    /// Text: luma difference from the local mean that makes a pixel ink (default 0.2).
    pub text_contrast: f32,
    /// Text: the same for faint, semi-transparent text, tried as well (default 0.14:
    /// on the corpus it doubles the handwriting and captions found, and fires on
    /// more textures).
    pub text_faint_contrast: f32,
    /// Text: on the turned passes (tiled marks), a pixel's difference from the local
    /// mean is measured against the room its ink had (light ink: white minus the
    /// mean; dark ink: the mean), floored at this share, so that a semi-transparent
    /// mark reads at its opacity on dark and bright backgrounds alike (default 0.5:
    /// a 35 % white mark tiled on the corpus is found on 20 of 24 photographs
    /// instead of 11, with no false alarm; 0.4 to 0.6 measure alike; 1 measures the
    /// difference as it is; above 0 and at most 1).
    pub text_headroom_floor: f32,
    /// Text: smallest glyph height in working-size pixels (default 5).
    pub text_glyph_min_px: u32,
    /// Text: largest glyph height in working-size pixels (default 48).
    pub text_glyph_max_px: u32,
    /// Text: widest glyph, as a multiple of its height (default 8.0, so that a
    /// handwritten word, whose letters are joined, counts as one glyph).
    pub text_glyph_max_aspect: f32,
    /// Text: least share of its box a glyph's ink fills (default 0.12).
    pub text_glyph_min_fill: f32,
    /// Text: most share of its box a glyph's ink fills (default 0.9).
    pub text_glyph_max_fill: f32,
    /// Text: largest gap between letters, in glyph heights (default 1.2).
    pub text_max_gap: f32,
    /// Text: largest vertical offset between neighbouring letters' centres, in glyph
    /// heights (default 0.3).
    pub text_max_baseline_shift: f32,
    /// Text: largest height ratio of neighbouring letters (default 1.8).
    pub text_max_height_ratio: f32,
    /// Text: letters a row needs to count (default 4).
    pub text_min_glyphs_per_row: u32,
    /// Text: height of the bands above and below a row that must be mostly clear, in
    /// row heights (default 0.3).
    pub text_clear_band: f32,
    /// Text: most share of those bands that may be other ink (default 0.1).
    pub text_max_band_ink: f32,
    /// Text: letters in rows for the image to be flagged (default 10).
    pub text_min_glyphs: u32,
    /// Text: the angles, in degrees counter-clockwise from level, at which rows of
    /// letters are looked for, each between −90 and 90; each angle is one rotated
    /// pass over the working copy (default `[0, 30]`: level captions, signatures and
    /// handwriting, and marks tiled along a rising diagonal such as fivergo's draft
    /// mark, about ±10° around each; add −30 for marks along a falling diagonal, at
    /// the cost of one more pass).
    pub text_angles_deg: Vec<f32>,
    /// Text: longer side, in pixels, of the copy the angles other than 0 are read
    /// on, at the faint contrast only, since tiled marks are semi-transparent
    /// (default 512, the working size; at 256 the glyph measures no longer tell
    /// letters from texture and the draft mark is mostly missed).
    pub text_turned_px: u32,
    /// Text: difference from the local mean, along either colour-difference plane
    /// (blue or red minus luma, each way), that makes a pixel ink in the colour
    /// passes, which read ink no darker or brighter than the picture under it,
    /// such as blue ink on a dark coat or a night sky (default 0.07: on the corpus
    /// handwriting is found on 23 of 24 photographs instead of 17, and every value
    /// from 0.03 to 0.09 finds as many with no false alarm; 0 turns the passes
    /// off).
    pub text_chroma_contrast: f32,
    /// Text: most median deviation of a row's stroke widths from their median, as a
    /// share of it (default 0.25: lettering is drawn with one pen, texture is not).
    pub text_max_stroke_spread: f32,
    /// Text: most median deviation of a row's glyph heights from their median, as a
    /// share of it (default 0.2).
    pub text_max_height_spread: f32,
    /// Text: the range of a row's median stroke thickness, a glyph's stroke width
    /// (twice its area over its outline) over the smaller side of its box (default
    /// `[0.06, 0.36]`: printed letters measure 0.12 to 0.34 on the corpus,
    /// handwriting from 0.06, pebbles and grass 0.39 and more, fence bars 0.75;
    /// coin rims, 0.08 to 0.11, are told from handwriting by
    /// `text_min_width_spread`).
    pub text_stroke_thickness: [f32; 2],
    /// Text: least median winding of a row's glyphs, the length of a glyph's stroke
    /// (half its outline, in pixels) over its box's diagonal (default 1.05: at the
    /// working size, rows of pebbles, blades of grass and fence bars measure 0.75
    /// to 1.0 at any angle, rows of letters 1.1 to 1.7).
    pub text_min_winding: f32,
    /// Text: rows whose median stroke thickness (see `text_stroke_thickness`) is
    /// below this are drawn with a thin pen, as handwriting is, and must also vary
    /// in glyph width by `text_min_width_spread` (default 0.12, the thinnest printed
    /// letters on the corpus); their glyphs are joined-up words, and each counts the
    /// letters its length holds (its width over its height, rounded).
    pub text_printed_thickness: f32,
    /// Text: least median deviation of a thin-pen row's glyph widths from their
    /// median, as a share of it: handwritten words differ in length, a row of rings
    /// such as coin rims does not (default 0.2). Scattered joined-up words (see
    /// `text_min_cursive_words`) must differ in length by as much, read from the
    /// longest and shortest over their median (words of one letter count are
    /// common enough for their median deviation to be 0).
    pub text_min_width_spread: f32,
    /// Text: a row in which at least this share of the glyphs have no ink of
    /// their own in the middle third of their box is a row of rings (coin rims,
    /// washers, bubbles), not lettering (default 0.7: on the corpus, rows of
    /// coins measure 0.75 to 1, rows of letters and handwriting 0.6 at most).
    pub text_max_hollow_share: f32,
    /// Text: a thin-pen glyph at least this many times as wide as high may be a
    /// joined-up word (default 1.5, two letters or more): in a row it counts the
    /// letters its length holds, and standing alone it counts without a row when
    /// `text_min_cursive_words` such words are found (lines of handwriting are
    /// broken where words run into a part of the picture as dark as the ink).
    pub text_cursive_min_aspect: f32,
    /// Text: most stroke thickness (see `text_stroke_thickness`) of such a word,
    /// its pen's width over its height (default 0.14: handwriting on the corpus
    /// measures 0.05 to 0.14, a word of printed letters is not one glyph).
    pub text_cursive_max_thickness: f32,
    /// Text: least winding (see `text_min_winding`) of such a word (default 2.2:
    /// a joined-up word turns all along, 2.3 to 3 on the corpus; of the pieces of
    /// texture with a thin pen and a stripe of their own, 3 in 432 unmarked images
    /// reach it, one per image).
    pub text_cursive_min_winding: f32,
    /// Text: scattered joined-up words needed, drawn with one pen at one size and
    /// differing in length as rows of handwriting must
    /// (`text_max_stroke_spread`, `text_max_height_spread`,
    /// `text_min_width_spread`), for their letters to count (default 3).
    pub text_min_cursive_words: u32,
    /// Tiled marks: shortest period, in working-size pixels, of a mark repeated on
    /// a lattice over the picture; shorter repeats are texture (default 40).
    pub tile_min_period_px: u32,
    /// Tiled marks: fine detail (a pixel's difference from its 3×3 mean) is
    /// clipped at this before it is correlated, so that a faint mark weighs as much
    /// as the picture's edges (default 0.005, about one grey level).
    pub tile_clip: f32,
    /// Tiled marks: least autocorrelation of that detail at each of a lattice's
    /// four shortest vectors for the picture to be read through the consensus of
    /// its copies (default 0.025: on the corpus, the 24 pictures under a tiled
    /// stock mark measure 0.026 to 0.33, and 82 of the 432 without a mark reach
    /// 0.025, mostly textures, in whose consensus no text is found; the gate
    /// spares the others the consensus. 1 turns the reading off, as no photograph
    /// repeats exactly).
    pub tile_min_correlation: f32,
    /// Tiled marks: least copies of a pixel inside the picture (of itself and its
    /// eight lattice neighbours) for their median to stand for it (default 3).
    pub tile_min_copies: u32,
    /// Palette colours found by k-means (default 5).
    pub palette_k: u32,
    /// k-means iterations at most (default 15).
    pub kmeans_iterations: u32,
    /// k-means seed (default 7).
    pub kmeans_seed: u64,
    /// Longer side of the thumbnail the palette and mean chroma read (default 96).
    pub thumbnail_px: u32,
    /// Longer side of the copy the filter bank runs on (default 256; 256 to 512 is
    /// the useful range).
    pub style_px: u32,
    /// Filters in the random bank (default 8).
    pub style_filters: u32,
    /// Seed of the random bank (default 42).
    pub style_seed: u64,
    /// Least scale of each group of style dimensions, in the units of the style
    /// vector: `[lightness (palette L and its spread), colour (palette a, b and
    /// chroma, mean chroma), largest palette share, edge density, filter-bank log
    /// energies, filter-bank correlations]` (default `[6, 4, 0.1, 0.03, 0.4, 0.08]`,
    /// about what separates two photographs of one shoot). See
    /// [`style_spread`](crate::media::outliers::style_spread).
    pub style_floors: [f32; 6],
    /// A set whose style spread (median distance in those units) exceeds this has no
    /// common style: one set-level warning, no per-image outliers (default 1.0;
    /// coherent sets measured 0.2 to 0.75, 14 unrelated corpus photographs 1.3).
    pub style_max_spread: f32,
    /// An image is a style outlier only farther than this from the set's median, in
    /// the same units (default 2.5), and beyond `style_outlier_z`.
    pub style_min_outlier_distance: f32,
    /// Robust z-score above which an image's style vector is an outlier (default 10;
    /// see [`robust_outliers`](crate::media::outliers::robust_outliers)). Calibrated
    /// on synthesized sets of 7 to 12 images: coherent sets (line art, photo-like
    /// textures, greyscale photos) score at most about 5, a foreign style (colour
    /// among black ink, a photo among line art, noise) 25 or more. With 44
    /// dimensions and ten images the distances of a coherent set are tightly
    /// clustered, so the 3.5 usual for one-dimensional data would flag inliers.
    pub style_outlier_z: f32,
    /// Style outliers are only looked for in sets of at least this many inspected
    /// images (default 6).
    pub style_min_set: u32,
    /// The upscale tests (octave energies and interpolation's period) read a centred
    /// crop of at most this many pixels a side, at full resolution: an enlargement
    /// leaves its trace all over the picture, so a crop finds it at a fraction of the
    /// cost of a 24-megapixel upload (default 2048; smaller images are tested
    /// whole, so results up to 2048 px a side are unchanged).
    pub upscale_crop_px: u32,
}

impl Default for ImageChecks {
    fn default() -> Self {
        Self {
            blur_ratio: 0.15,
            blur_floor: 0.15,
            blur_edge_share: 0.1,
            blur_min_set: 3,
            working_px: 512,
            sharpness_px: 1024,
            upscale_max_ratio: 0.15,
            upscale_min_lower_ratio: 0.15,
            upscale_min_detail: 1e-5,
            upscale_sure_lower_ratio: 0.3,
            upscale_min_period_2: 0.1,
            upscale_max_block_edges: 0.15,
            upscale_min_peak: 25.0,
            upscale_min_period_3: 0.12,
            upscale_min_period_4: 0.25,
            upscale_soft_max_lower_ratio: 0.11,
            upscale_soft_min_period_4: 0.065,
            upscale_max_lower_ratio_4: 0.3,
            monochrome_max_chroma: 10.0,
            monochrome_percentile: 99.0,
            edge_threshold: 0.1,
            text_window_px: 12,
            text_contrast: 0.2,
            text_faint_contrast: 0.14,
            text_headroom_floor: 0.5,
            text_glyph_min_px: 5,
            text_glyph_max_px: 48,
            text_glyph_max_aspect: 8.0,
            text_glyph_min_fill: 0.12,
            text_glyph_max_fill: 0.9,
            text_max_gap: 1.2,
            text_max_baseline_shift: 0.3,
            text_max_height_ratio: 1.8,
            text_min_glyphs_per_row: 4,
            text_clear_band: 0.3,
            text_max_band_ink: 0.1,
            text_min_glyphs: 10,
            text_angles_deg: vec![0.0, 30.0],
            text_turned_px: 512,
            text_chroma_contrast: 0.07,
            text_max_stroke_spread: 0.3,
            text_max_height_spread: 0.35,
            text_stroke_thickness: [0.06, 0.36],
            text_min_winding: 1.05,
            text_printed_thickness: 0.12,
            text_min_width_spread: 0.2,
            text_max_hollow_share: 0.7,
            text_cursive_min_aspect: 1.5,
            text_cursive_max_thickness: 0.14,
            text_cursive_min_winding: 2.2,
            text_min_cursive_words: 3,
            tile_min_period_px: 40,
            tile_clip: 0.005,
            tile_min_correlation: 0.025,
            tile_min_copies: 3,
            palette_k: 5,
            kmeans_iterations: 15,
            kmeans_seed: 7,
            thumbnail_px: 96,
            style_px: 256,
            style_filters: 8,
            style_seed: 42,
            style_floors: [6.0, 4.0, 0.1, 0.03, 0.4, 0.08],
            style_max_spread: 1.0,
            style_min_outlier_distance: 2.5,
            style_outlier_z: 10.0,
            style_min_set: 6,
            upscale_crop_px: 2048,
        }
    }
}

/// What [`measure`] reads from an image's pixels.
///
/// ```
/// use fivergo_core::{media::image::{measure, ImageChecks}, Image};
/// let m = measure(&Image::filled(64, 64, [200, 30, 30, 255]), &ImageChecks::default());
/// assert!(!m.monochrome && m.mean_chroma > 40.0);
/// assert_eq!(m.palette.len(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageMeasures {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Laplacian over gradient energy on the strongest edges, on the copy of
    /// [`ImageChecks::sharpness_px`] (higher = sharper).
    pub sharpness: f32,
    /// Round-trip energy of the top octave over that of the next one.
    pub upscale_ratio: f32,
    /// Round-trip energy of the next octave over that of the one below it.
    pub lower_ratio: f32,
    /// Round-trip energy of the next octave (mean square luma).
    pub detail: f32,
    /// The enlargement the tests found: 2 (octaves), 4 or 3 (interpolation's period).
    #[serde(default)]
    pub upscale_factor: Option<u32>,
    /// Interpolation periodicity modulo 3 and 4 (see [`ImageChecks::upscale_min_period_3`]).
    #[serde(default)]
    pub upscale_periodicity: [f32; 2],
    /// Interpolation periodicity modulo 2 (see [`ImageChecks::upscale_min_period_2`]).
    #[serde(default)]
    pub upscale_period_2: f32,
    /// Interpolation's spectral peak at any factor (see
    /// [`ImageChecks::upscale_min_peak`]).
    #[serde(default)]
    pub upscale_peak: f32,
    /// JPEG's block edges (see [`ImageChecks::upscale_max_block_edges`]).
    #[serde(default)]
    pub jpeg_block_edges: f32,
    /// The image looks enlarged from a smaller original (the octave test or the
    /// spectral one).
    pub upscaled: bool,
    /// Mean CIE Lab chroma of the thumbnail.
    pub mean_chroma: f32,
    /// The [`ImageChecks::monochrome_percentile`]-th percentile of the thumbnail's
    /// chroma.
    #[serde(default)]
    pub chroma_percentile: f32,
    /// `chroma_percentile` below the monochrome threshold.
    pub monochrome: bool,
    /// Share of edge pixels at the working size.
    pub edge_density: f32,
    /// Letters found in text-like rows (a handwritten word counts the letters its
    /// length holds).
    pub text_glyphs: u32,
    /// `text_glyphs` reaches the threshold.
    pub text_or_watermark: bool,
    /// Palette in Lab with weights, `[L, a, b, share]`, sorted by lightness.
    pub palette: Vec<[f32; 4]>,
    /// The style vector: the palette's summary (weighted mean L, a, b, spread of L,
    /// mean chroma of the colours, share of the largest colour), edge density, mean
    /// chroma, then the filter bank's log energies and pairwise correlations.
    pub style_vector: Vec<f32>,
}

/// Measures an image (see the [module docs](self) for what each value means).
///
/// Never panics: an image whose buffer is shorter than `width × height × 4` is
/// measured on the complete rows it holds, and an empty one measures as zeros.
///
/// ```
/// use fivergo_core::{media::image::{measure, ImageChecks}, Image};
/// let grey = measure(&Image::filled(32, 32, [128, 128, 128, 255]), &ImageChecks::default());
/// assert!(grey.monochrome && !grey.upscaled && !grey.text_or_watermark);
/// assert_eq!(grey.sharpness, 0.0);
/// ```
pub fn measure(img: &Image, checks: &ImageChecks) -> ImageMeasures {
    measure_keeping_half(img, checks).0
}

/// [`measure`], and the half-size luma it worked from (2×2 means, `0..=1`).
fn measure_keeping_half(img: &Image, checks: &ImageChecks) -> (ImageMeasures, Plane) {
    let (w, h) = usable_size(img);
    let (ww, wh) = fit_long_side(w, h, (checks.working_px as usize).min(w.max(h)), 3);
    let (sw, sh) = fit_long_side(w, h, (checks.sharpness_px as usize).min(w.max(h)), 3);
    // Copies shrunk by 2 or more start from the half-size luma (the same area
    // average for even sizes), larger ones from the full-size luma, which is then
    // made once and halved; otherwise the half-size luma comes straight from the
    // pixels. The half-size luma is also the upscale tests' first octave when they
    // read the whole image.
    let from_half = |nw: usize, nh: usize| nw <= w / 2 && nh <= h / 2;
    let mut full = (!from_half(ww, wh) || !from_half(sw, sh)).then(|| plane::luma(img));
    let d1 = full
        .as_ref()
        .map_or_else(|| plane::luma_down2(img), plane::down2);
    // Octave energies for the upscale test, on a full-resolution centred crop of a
    // large image.
    let crop = plane::centre_crop(img, checks.upscale_crop_px as usize);
    let tested = crop.as_ref().unwrap_or(img);
    let d1_crop = crop.as_ref().map(plane::luma_down2);
    let d1t = d1_crop.as_ref().unwrap_or(&d1);
    let d2 = plane::down2(d1t);
    let d3 = plane::down2(&d2);
    let e1 = match (&crop, &full) {
        (None, Some(full)) => plane::round_trip_residual(plane::Full::Plane(full), d1t),
        _ => plane::round_trip_residual(plane::Full::Image(tested), d1t),
    };
    let e2 = plane::round_trip_residual(plane::Full::Plane(d1t), &d2);
    let e3 = plane::round_trip_residual(plane::Full::Plane(&d2), &d3);
    drop(d1_crop);
    let ratio = |a: f32, b: f32| if b > 0.0 { a / b } else { 0.0 };
    let (upscale_ratio, lower_ratio) = (ratio(e1, e2), ratio(e2, e3));
    // Interpolation's traces: its period at 2×, 3× and 4×, and a peak in the
    // spectrum of the second difference's profile at any factor.
    let traces = resampling::traces(tested);
    drop(crop);
    let [period2, period3, period4] = traces.periods;
    // A next octave that keeps only a little of the one below (as after a blur of
    // about 2 px, or an enlargement by about 3×) needs interpolation's trace too.
    let octaves = e2 >= checks.upscale_min_detail
        && upscale_ratio < checks.upscale_max_ratio
        && lower_ratio >= checks.upscale_min_lower_ratio
        && (lower_ratio >= checks.upscale_sure_lower_ratio
            || (period2 >= checks.upscale_min_period_2
                && traces.block_edges < checks.upscale_max_block_edges)
            || traces.peak >= checks.upscale_min_peak);
    let upscale_factor = if octaves {
        Some(2)
    } else if lower_ratio < checks.upscale_max_lower_ratio_4
        && (period4 >= checks.upscale_min_period_4
            || (e2 >= checks.upscale_min_detail
                && lower_ratio < checks.upscale_soft_max_lower_ratio
                && period4 >= checks.upscale_soft_min_period_4))
    {
        Some(4)
    } else if period3 >= checks.upscale_min_period_3 {
        Some(3)
    } else {
        None
    };
    let upscaled = octaves || upscale_factor.is_some();

    // Working size (never enlarged): edges and text; sharpness at its own size.
    let copy = |full: &Option<Plane>, nw: usize, nh: usize| match full {
        Some(f) if !from_half(nw, nh) => resize(f, nw, nh),
        _ => resize(&d1, nw, nh),
    };
    let work = copy(&full, ww, wh);
    let sharp = if (sw, sh) == (ww, wh) {
        None
    } else if (sw, sh) == (w, h) {
        full.take()
    } else {
        Some(copy(&full, sw, sh))
    };
    drop(full);
    let sharpness = plane::edge_sharpness(
        sharp.as_ref().unwrap_or(&work),
        checks.blur_edge_share,
        checks.edge_threshold / 2.0,
    );
    drop(sharp);
    let edge_density = plane::edge_density(&work, checks.edge_threshold);
    // One colour copy at the working size: the text passes read its colour, and
    // the style copy is made from it (the pixels are read once).
    let work_rgb = plane::rgb_resized(img, ww, wh);
    let text_glyphs = text::text_glyphs(&work, &work_rgb, checks);

    // Style copy and thumbnail.
    let (sw, sh) = fit_long_side(w, h, checks.style_px as usize, 8);
    let style_rgb = if sw <= ww && sh <= wh {
        work_rgb.map(|p| resize(&p, sw, sh))
    } else {
        plane::rgb_resized(img, sw, sh)
    };
    let (tw, th) = fit_long_side(w, h, checks.thumbnail_px as usize, 1);
    let thumb: [Plane; 3] = [
        resize(&style_rgb[0], tw, th),
        resize(&style_rgb[1], tw, th),
        resize(&style_rgb[2], tw, th),
    ];
    let lab = style::lab_pixels(&thumb);
    let mut chroma: Vec<f32> = lab.iter().map(|p| p[1].hypot(p[2])).collect();
    let mean_chroma = if chroma.is_empty() {
        0.0
    } else {
        (chroma.iter().map(|&c| f64::from(c)).sum::<f64>() / chroma.len() as f64) as f32
    };
    chroma.sort_by(f32::total_cmp);
    let chroma_percentile = match chroma.len() {
        0 => 0.0,
        n => {
            let rank = (checks.monochrome_percentile.clamp(0.0, 100.0) / 100.0 * (n - 1) as f32)
                .round() as usize;
            chroma[rank.min(n - 1)]
        }
    };
    let palette = style::palette(
        &lab,
        checks.palette_k as usize,
        checks.kmeans_iterations as usize,
        checks.kmeans_seed,
    );
    let mut style_vector: Vec<f32> = style::palette_summary(&palette).to_vec();
    style_vector.push(edge_density);
    style_vector.push(mean_chroma);
    style_vector.extend(style::gram_features(&style_rgb, checks));

    let measures = ImageMeasures {
        width: img.width,
        height: img.height,
        sharpness,
        upscale_ratio,
        lower_ratio,
        detail: e2,
        upscale_factor,
        upscale_periodicity: [period3, period4],
        upscale_period_2: period2,
        upscale_peak: traces.peak,
        jpeg_block_edges: traces.block_edges,
        upscaled,
        mean_chroma,
        chroma_percentile,
        monochrome: chroma_percentile < checks.monochrome_max_chroma,
        edge_density,
        text_glyphs,
        text_or_watermark: text_glyphs >= checks.text_min_glyphs,
        palette,
        style_vector,
    };
    (measures, d1)
}

/// Decodes an image file and measures it: what [`inspect`](crate::media::inspect)
/// returns for PNG, JPEG and WebP files. Errors are those of [`decode`].
///
/// ```
/// use fivergo_core::{media::image::{encode_png, inspect_bytes}, Image, Modality, Policy};
/// let png = encode_png(&Image::filled(300, 200, [0, 0, 0, 255])).unwrap();
/// let found = inspect_bytes(&png, &Policy::default()).unwrap();
/// assert_eq!(found.modality, Modality::Image);
/// assert_eq!((found.meta.width, found.meta.height), (Some(300), Some(200)));
/// assert_eq!(found.meta.monochrome, Some(true));
/// assert_eq!(found.meta.blurry, None); // judged against the set
/// ```
pub fn inspect_bytes(bytes: &[u8], policy: &Policy) -> Result<Inspected, Error> {
    inspect_marked(bytes, policy, None)
}

/// [`inspect_bytes`], and with `marks`, whether the picture carries a draft's
/// invisible mark ([`AssetMeta::draft_mark`], see [`inspect_image_marked`]).
pub(crate) fn inspect_marked(
    bytes: &[u8],
    policy: &Policy,
    marks: Option<&InvisibleStyle>,
) -> Result<Inspected, Error> {
    let img = decode(bytes, &policy.media.limits)?;
    Ok(Inspected {
        modality: Modality::Image,
        meta: inspect_image_marked(&img, policy, marks),
    })
}

/// The metadata of pixels a host already holds: [`measure`] stored in an
/// [`AssetMeta`]. `blurry` stays `None`: blur is judged relative to the set when the
/// findings are made.
///
/// ```
/// use fivergo_core::{media::image::inspect_image, Image, Policy};
/// let meta = inspect_image(&Image::filled(64, 64, [20, 90, 200, 255]), &Policy::default());
/// assert_eq!(meta.monochrome, Some(false));
/// assert!(meta.style_vector.is_some());
/// ```
pub fn inspect_image(img: &Image, policy: &Policy) -> AssetMeta {
    inspect_image_marked(img, policy, None)
}

/// [`inspect_image`], and with `marks`, [`AssetMeta::draft_mark`]: whether the
/// picture reads as a draft marked under them, at the size it was handed out
/// (cropped, flipped or turned by quarter turns at most). The read is
/// [`invisible::detect_shrunk`] on the half-size luma the measures make anyway, about
/// a quarter of a full read and no geometry search; a leak investigation uses
/// [`crate::watermark::trace`].
///
/// ```
/// use fivergo_core::media::image::inspect_image_marked;
/// use fivergo_core::watermark::{mark_draft, DraftMark, MarkStyle};
/// use fivergo_core::{Artifact, Image, Policy};
/// let mut img = Image::filled(512, 512, [0, 0, 0, 255]);
/// for (i, px) in img.rgba.chunks_mut(4).enumerate() {
///     let v = ((i * 2654435761) >> 13) as u8; // a textured test picture
///     px[..3].copy_from_slice(&[v, v / 2, 255 - v]);
/// }
/// let (marks, policy) = (MarkStyle::default(), Policy::default());
/// let mark = DraftMark { reference: "order-7".into(), seed: 1 };
/// let Artifact::Image(draft) = mark_draft(&Artifact::Image(img.clone()), &mark, Some(42), &marks).artifact
/// else { unreachable!() };
/// let seen = |img: &Image| inspect_image_marked(img, &policy, Some(&marks.invisible)).draft_mark;
/// assert_eq!(seen(&draft), Some(true));
/// assert_eq!(seen(&img), Some(false));
/// assert_eq!(inspect_image_marked(&img, &policy, None).draft_mark, None); // not looked for
/// ```
pub fn inspect_image_marked(
    img: &Image,
    policy: &Policy,
    marks: Option<&InvisibleStyle>,
) -> AssetMeta {
    let (m, half) = measure_keeping_half(img, &policy.media.image);
    let draft_mark = marks.map(|style| {
        let grey: Vec<f32> = half.data.iter().map(|v| v * 255.0).collect();
        invisible::detect_shrunk(&grey, half.w, half.h, style)
            .payload()
            .is_some()
    });
    AssetMeta {
        draft_mark,
        width: Some(m.width),
        height: Some(m.height),
        sharpness: Some(m.sharpness),
        upscaled: Some(m.upscaled),
        mean_chroma: Some(m.mean_chroma),
        monochrome: Some(m.monochrome),
        text_or_watermark: Some(m.text_or_watermark),
        style_vector: Some(m.style_vector),
        ..AssetMeta::default()
    }
}

/// A4/A8 image findings of a set, from the measured metadata.
pub(crate) fn findings(
    assets: &[&Asset],
    policy: &Policy,
    set: &mut Vec<Finding>,
    each: &mut Vec<Finding>,
) {
    let p = &policy.assets;
    let c = &policy.media.image;
    let n = assets.len() as u32;
    if n < p.min_images {
        set.push(Finding::warning(
            "too_few_images",
            None,
            "A8",
            format!(
                "{n} images selected; {} to {} usually give a better model.",
                p.min_images, p.max_images
            ),
        ));
    } else if n > p.max_images {
        set.push(Finding::warning(
            "too_many_images",
            None,
            "A8",
            format!(
                "{n} images selected; more than {} rarely helps and slows training.",
                p.max_images
            ),
        ));
    }
    let mono = assets
        .iter()
        .filter(|a| a.meta.monochrome == Some(true))
        .count();
    let colour = assets
        .iter()
        .filter(|a| a.meta.monochrome == Some(false))
        .count();
    if mono > 0 && colour > 0 {
        set.push(Finding::warning("mixed_colour_and_monochrome", None, "A8", format!(
            "{colour} colour and {mono} monochrome images are mixed; separate models for each give more consistent results.")));
    }

    // Blur relative to the set: the median of the measured sharpness values.
    let mut sharp: Vec<f32> = assets
        .iter()
        .filter_map(|a| a.meta.sharpness)
        .filter(|s| s.is_finite())
        .collect();
    sharp.sort_by(f32::total_cmp);
    let median = (sharp.len() as u32 >= c.blur_min_set.max(1)).then(|| {
        let k = sharp.len();
        if k % 2 == 1 {
            sharp[k / 2]
        } else {
            (sharp[k / 2 - 1] + sharp[k / 2]) / 2.0
        }
    });

    // Style: a set with no common style, or the outliers of one that has one.
    let (incoherent, outliers) = style_review(assets, c);
    if incoherent {
        set.push(Finding::warning("no_common_style", None, "A4",
            "The images do not share a style (palette, edges and texture differ throughout the set); one model should hold one style (C4)."));
    }

    for (i, a) in assets.iter().enumerate() {
        let (w, h) = (a.meta.width.unwrap_or(0), a.meta.height.unwrap_or(0));
        if w != h && w > 0 && h > 0 {
            let removed = 100.0 * (1.0 - f64::from(w.min(h)) / f64::from(w.max(h)));
            each.push(Finding::warning("non_square", Some(&a.id), "A8", format!(
                "{} is {w}×{h}; training crops it to a {s}×{s} square, removing {removed:.0}% of it.",
                name(a), s = w.min(h))));
        }
        if w.min(h) < p.recommended_min_side_px {
            each.push(Finding::warning(
                "low_resolution",
                Some(&a.id),
                "A4",
                format!(
                    "{} is {w}×{h}; at least {r}×{r} is recommended.",
                    name(a),
                    r = p.recommended_min_side_px
                ),
            ));
        }
        flag(each, a, a.meta.upscaled, "upscaled", "A4",
            "looks enlarged from a smaller original: its effective resolution is well below its pixel size");
        match (a.meta.blurry, a.meta.sharpness) {
            (Some(b), _) => flag(
                each,
                a,
                Some(b),
                "blurry",
                "A8",
                "looks blurry; sharp images train better",
            ),
            (None, Some(s)) if s.is_finite() => {
                let relative = median.filter(|&m| m > 0.0 && s < c.blur_ratio * m);
                if let Some(m) = relative {
                    each.push(Finding::warning("blurry", Some(&a.id), "A8", format!(
                        "{} looks blurry; sharp images train better (sharpness {:.0}% of the set's median).",
                        name(a), 100.0 * s / m)));
                } else if s < c.blur_floor {
                    each.push(Finding::warning("blurry", Some(&a.id), "A8", format!(
                        "{} looks blurry; sharp images train better (it has almost no fine detail).", name(a))));
                }
            }
            _ => {}
        }
        flag(each, a, a.meta.text_or_watermark, "text_or_watermark", "A8",
            "seems to carry a watermark or heavy text, which the model may learn as part of the style");
        flag(each, a, a.meta.draft_mark, "draft_mark", "A8",
            "is a watermarked fivergo draft (it carries a draft's invisible mark): the model would learn the draft's visible mark; train on the clean file");
        if outliers.contains(&i) {
            each.push(Finding::warning("style_outlier", Some(&a.id), "A4", format!(
                "{} does not match the style of the rest of the set (palette, edges or texture); one model should hold one style (C4).",
                name(a))));
        }
    }
}

/// The style rule of a set: whether it has a common style at all, and the indices
/// (into `assets`) of the images whose style vectors are outliers.
fn style_review(assets: &[&Asset], c: &ImageChecks) -> (bool, Vec<usize>) {
    let vectors: Vec<(usize, &[f32])> = assets
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.meta.style_vector.as_deref().map(|v| (i, v)))
        .collect();
    // The common length is that of the first vector; images measured with other
    // checks are left out rather than compared dimension by dimension.
    let Some(len) = vectors.first().map(|(_, v)| v.len()) else {
        return (false, Vec::new());
    };
    let same: Vec<(usize, &[f32])> = vectors
        .into_iter()
        .filter(|(_, v)| v.len() == len)
        .collect();
    if (same.len() as u32) < c.style_min_set.max(4) {
        return (false, Vec::new());
    }
    let refs: Vec<&[f32]> = same.iter().map(|(_, v)| *v).collect();
    let floors = style_floors(len, c);
    match crate::media::outliers::style_spread(
        &refs,
        &floors,
        c.style_outlier_z,
        c.style_min_outlier_distance,
        c.style_max_spread,
    ) {
        Some(s) => (
            s.incoherent,
            s.outliers.into_iter().map(|k| same[k].0).collect(),
        ),
        None => (false, Vec::new()),
    }
}

/// The floor of every dimension of a style vector of `len` values laid out as
/// [`measure`] makes them (palette summary, edge density, mean chroma, filter log
/// energies, filter correlations).
fn style_floors(len: usize, c: &ImageChecks) -> Vec<f32> {
    let [light, colour, share, edges, energy, correlation] = c.style_floors;
    let filters = c.style_filters.max(1) as usize;
    let mut floors = vec![light, colour, colour, light, colour, share, edges, colour];
    floors.extend(std::iter::repeat_n(energy, filters));
    floors.resize(len, correlation);
    floors
}
