//! Image decoding, measurement and findings (SPEC A3, A4, A8).

use crate::asset::{flag, name, Asset, Finding};
use crate::error::Error;
use crate::media::Inspected;
use crate::policy::Policy;
use serde::{Deserialize, Serialize};

/// Image analysis thresholds.
///
/// ```
/// use fivergo_core::media::image::ImageChecks;
/// let c = ImageChecks::default();
/// assert!(c.blur_ratio > 0.0 && c.blur_ratio < 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageChecks {
    /// An image whose sharpness is below this share of the set's median is blurry.
    pub blur_ratio: f32,
}

impl Default for ImageChecks {
    fn default() -> Self {
        Self { blur_ratio: 0.35 }
    }
}

/// Decodes an image and measures it (being written).
pub fn inspect_bytes(_bytes: &[u8], _policy: &Policy) -> Result<Inspected, Error> {
    Err(Error::AssetUnreadable { reason: "image inspection is not available yet".into() })
}

/// A4/A8 image findings of a set, from the measured metadata.
pub(crate) fn findings(assets: &[&Asset], policy: &Policy, set: &mut Vec<Finding>, each: &mut Vec<Finding>) {
    let p = &policy.assets;
    let n = assets.len() as u32;
    if n < p.min_images {
        set.push(Finding::warning("too_few_images", None, "A8", format!(
            "{n} images selected; {} to {} usually give a better model.", p.min_images, p.max_images)));
    } else if n > p.max_images {
        set.push(Finding::warning("too_many_images", None, "A8", format!(
            "{n} images selected; more than {} rarely helps and slows training.", p.max_images)));
    }
    let mono = assets.iter().filter(|a| a.meta.monochrome == Some(true)).count();
    let colour = assets.iter().filter(|a| a.meta.monochrome == Some(false)).count();
    if mono > 0 && colour > 0 {
        set.push(Finding::warning("mixed_colour_and_monochrome", None, "A8", format!(
            "{colour} colour and {mono} monochrome images are mixed; separate models for each give more consistent results.")));
    }
    for a in assets {
        let (w, h) = (a.meta.width.unwrap_or(0), a.meta.height.unwrap_or(0));
        if w != h && w > 0 && h > 0 {
            let removed = 100.0 * (1.0 - f64::from(w.min(h)) / f64::from(w.max(h)));
            each.push(Finding::warning("non_square", Some(&a.id), "A8", format!(
                "{} is {w}×{h}; training crops it to a {s}×{s} square, removing {removed:.0}% of it.",
                name(a), s = w.min(h))));
        }
        if w.min(h) < p.recommended_min_side_px {
            each.push(Finding::warning("low_resolution", Some(&a.id), "A4", format!(
                "{} is {w}×{h}; at least {r}×{r} is recommended.", name(a), r = p.recommended_min_side_px)));
        }
        flag(each, a, a.meta.blurry, "blurry", "A8", "looks blurry; sharp images train better");
        flag(each, a, a.meta.text_or_watermark, "text_or_watermark", "A8",
            "seems to carry a watermark or heavy text, which the model may learn as part of the style");
    }
}
