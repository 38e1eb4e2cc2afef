//! Training: palette, tonal range and exemplar bank from the seller's square crops,
//! and the stored form of a quilt style.

use super::{QuiltSettings, Rgb};
use crate::generator::{Artifact, Image, JobControl, TrainError, TrainingInput};
use crate::media::image::plane::{centre_rect, rgb_resized, srgb_to_lab, usable_size, Plane};
use crate::media::image::style::palette;
use crate::media::image::{decode, encode_png};
use crate::media::MediaLimits;
use crate::rng::SplitMix;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The smallest exemplar side a style may hold (training writes at least 16).
const MIN_EXEMPLAR_PX: u32 = 8;
/// k-means iterations of the palette.
const KMEANS_ITERATIONS: usize = 20;
/// k-means seed of the palette (training is deterministic).
const KMEANS_SEED: u64 = 11;

/// The `data` of a quilt [`TrainedStyle`](crate::TrainedStyle).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StyleData {
    /// Lab palette with shares, `[L, a, b, share]`, sorted by lightness.
    pub palette: Vec<[f32; 4]>,
    /// Lab lightness at evenly spaced quantiles, from the darkest to the lightest.
    pub tones: Vec<f32>,
    /// The exemplar bank.
    pub exemplars: Vec<Exemplar>,
}

/// One exemplar: a shrunk square crop and the tags of its asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Exemplar {
    /// The asset's tags.
    pub tags: Vec<String>,
    /// The crop as a base64 PNG.
    pub png: String,
}

/// Learns a style from the image assets of `input`, ticking after each asset.
pub(super) fn learn(
    input: &TrainingInput<'_>,
    s: &QuiltSettings,
    ctl: &mut JobControl<'_>,
) -> Result<StyleData, TrainError> {
    ctl.check()?;
    let total = input.assets.len() as f32 + 1.0;
    let ex = s.exemplar_px as usize;
    let mut lab = Vec::new();
    let mut crops: Vec<(Rgb, Vec<String>)> = Vec::new();
    let (mut meta_only, mut unusable) = (0usize, 0usize);
    for (i, t) in input.assets.iter().enumerate() {
        match t.decode(input.limits) {
            None => meta_only += 1,
            Some(Ok(Artifact::Image(img))) => match centre_square(&img) {
                Some(square) => {
                    let crop = to_rgb(&rgb_resized(&square, ex, ex));
                    let grid = s.sample_px as usize;
                    for gy in 0..grid {
                        let row = gy * ex / grid * ex;
                        for gx in 0..grid {
                            let p = &crop.px[(row + gx * ex / grid) * 3..][..3];
                            lab.push(srgb_to_lab(
                                f32::from(p[0]) / 255.0,
                                f32::from(p[1]) / 255.0,
                                f32::from(p[2]) / 255.0,
                            ));
                        }
                    }
                    crops.push((crop, t.asset.tags.iter().cloned().collect()));
                }
                None => unusable += 1,
            },
            Some(_) => unusable += 1,
        }
        ctl.tick((i + 1) as f32 / total)?;
    }
    if crops.is_empty() {
        return Err(TrainError::Failed(format!(
            "no usable image to learn from: {} assets, {meta_only} without a file, {unusable} unreadable or not images",
            input.assets.len()
        )));
    }
    let keep = s.max_exemplars as usize;
    let picked: Vec<&(Rgb, Vec<String>)> = if crops.len() <= keep {
        crops.iter().collect()
    } else {
        (0..keep).map(|j| &crops[j * crops.len() / keep]).collect()
    };
    let mut exemplars = Vec::with_capacity(picked.len());
    for (rgb, tags) in picked {
        let png = encode_png(&rgb.to_rgba())
            .map_err(|e| TrainError::Failed(format!("an exemplar could not be encoded: {e}")))?;
        exemplars.push(Exemplar {
            tags: tags.clone(),
            png: B64.encode(png),
        });
    }
    Ok(StyleData {
        palette: palette(&lab, s.palette_k as usize, KMEANS_ITERATIONS, KMEANS_SEED),
        tones: quantiles(lab.iter().map(|p| p[0]).collect(), s.tone_levels as usize),
        exemplars,
    })
}

impl StyleData {
    /// Why the style cannot be used, if it cannot.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if self.palette.is_empty() || !self.palette.iter().all(|p| finite(p)) {
            return Err("the style's palette is empty or not finite".into());
        }
        if self.tones.len() < 2
            || !finite(&self.tones)
            || self.tones.windows(2).any(|w| w[0] > w[1])
        {
            return Err("the style's tonal range needs at least two finite, non-decreasing lightness values".into());
        }
        if self.exemplars.is_empty() {
            return Err("the style has no exemplar".into());
        }
        Ok(())
    }

    /// The exemplars one generation uses, decoded: those whose tags meet `tags`
    /// (all when none does), then up to `count` of them chosen by `rng`.
    pub fn exemplars_for(
        &self,
        tags: &[String],
        count: usize,
        rng: &mut SplitMix,
    ) -> Result<Vec<Rgb>, String> {
        let wanted: Vec<String> = tags
            .iter()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        let tagged: Vec<usize> = (0..self.exemplars.len())
            .filter(|&i| {
                self.exemplars[i]
                    .tags
                    .iter()
                    .any(|t| wanted.contains(&t.trim().to_lowercase()))
            })
            .collect();
        let mut pool = if tagged.is_empty() {
            (0..self.exemplars.len()).collect()
        } else {
            tagged
        };
        // Partial Fisher-Yates: the first `count` of a seeded shuffle.
        let count = count.min(pool.len());
        for i in 0..count {
            let j = i + (rng.next_u64() % (pool.len() - i) as u64) as usize;
            pool.swap(i, j);
        }
        pool[..count]
            .iter()
            .map(|&i| {
                let bytes = B64
                    .decode(&self.exemplars[i].png)
                    .map_err(|e| format!("exemplar {i} is not base64: {e}"))?;
                let img = decode(&bytes, &MediaLimits::default())
                    .map_err(|e| format!("exemplar {i} is not a readable image: {e}"))?;
                if img.width.min(img.height) < MIN_EXEMPLAR_PX {
                    return Err(format!(
                        "exemplar {i} is {}×{} px; at least {MIN_EXEMPLAR_PX} a side is needed",
                        img.width, img.height
                    ));
                }
                Ok(Rgb::from_rgba(&img))
            })
            .collect()
    }
}

/// The centred square crop (the crop training reports, A8); `None` for an image
/// with no complete row.
fn centre_square(img: &Image) -> Option<Image> {
    let (w, h) = usable_size(img);
    let side = w.min(h);
    (side > 0).then(|| centre_rect(img, side, side))
}

fn to_rgb(planes: &[Plane; 3]) -> Rgb {
    let (w, h) = (planes[0].w, planes[0].h);
    let mut px = Vec::with_capacity(w * h * 3);
    for i in 0..w * h {
        px.extend(
            planes
                .iter()
                .map(|p| (p.data[i].clamp(0.0, 1.0) * 255.0).round() as u8),
        );
    }
    Rgb { w, h, px }
}

/// `levels` evenly spaced quantiles (the minimum to the maximum) of `values`.
pub(super) fn quantiles(mut values: Vec<f32>, levels: usize) -> Vec<f32> {
    values.retain(|v| v.is_finite());
    values.sort_by(f32::total_cmp);
    if values.is_empty() {
        return vec![0.0, 100.0];
    }
    let last = values.len() - 1;
    (0..levels.max(2))
        .map(|q| values[q * last / (levels.max(2) - 1)])
        .collect()
}

impl Rgb {
    /// The pixels of an RGBA image, composited over white.
    pub fn from_rgba(img: &Image) -> Self {
        let (w, h) = usable_size(img);
        let mut px = Vec::with_capacity(w * h * 3);
        for p in img.rgba[..w * h * 4].chunks_exact(4) {
            let a = u32::from(p[3]);
            px.extend(
                p[..3]
                    .iter()
                    .map(|&c| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8),
            );
        }
        Self { w, h, px }
    }

    /// The opaque RGBA image of the same pixels.
    fn to_rgba(&self) -> Image {
        let mut rgba = Vec::with_capacity(self.w * self.h * 4);
        for p in self.px.chunks_exact(3) {
            rgba.extend_from_slice(p);
            rgba.push(255);
        }
        Image {
            width: self.w as u32,
            height: self.h as u32,
            rgba,
        }
    }
}
