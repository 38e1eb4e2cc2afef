//! Style features: a Lab palette by k-means, and Gram statistics of a fixed random
//! filter bank (computed with candle-core, feature `media`).

use super::plane::{srgb_to_lab, Plane};
use super::ImageChecks;
use crate::rng::SplitMix;

#[cfg(feature = "media")]
mod gram;

/// The palette of a Lab point cloud: `k` centres with their weights, sorted by
/// lightness (so palettes of different images line up), from k-means++ seeded with
/// `seed` and at most `iterations` Lloyd steps.
pub(crate) fn palette(lab: &[[f32; 3]], k: usize, iterations: usize, seed: u64) -> Vec<[f32; 4]> {
    let k = k.max(1);
    if lab.is_empty() {
        return vec![[0.0; 4]; k];
    }
    let d2 = |a: &[f32; 3], b: &[f32; 3]| {
        (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
    };
    let mut rng = SplitMix(seed);
    // k-means++ initialisation.
    let mut centres: Vec<[f32; 3]> = vec![lab[(rng.next_u64() % lab.len() as u64) as usize]];
    let mut nearest: Vec<f32> = lab.iter().map(|p| d2(p, &centres[0])).collect();
    while centres.len() < k {
        let total: f64 = nearest.iter().map(|&d| f64::from(d)).sum();
        let pick = if total <= 0.0 {
            // Fewer distinct colours than k: repeat the first centre.
            centres[0]
        } else {
            let mut target = f64::from(rng.next_f32()) * total;
            let mut chosen = lab.len() - 1;
            for (i, &d) in nearest.iter().enumerate() {
                target -= f64::from(d);
                if target < 0.0 {
                    chosen = i;
                    break;
                }
            }
            lab[chosen]
        };
        for (n, p) in nearest.iter_mut().zip(lab) {
            *n = n.min(d2(p, &pick));
        }
        centres.push(pick);
    }
    let mut assign = vec![0usize; lab.len()];
    for _ in 0..iterations.max(1) {
        let mut changed = false;
        for (a, p) in assign.iter_mut().zip(lab) {
            let mut best = (0usize, f32::INFINITY);
            for (j, c) in centres.iter().enumerate() {
                let d = d2(p, c);
                if d < best.1 {
                    best = (j, d);
                }
            }
            if *a != best.0 {
                *a = best.0;
                changed = true;
            }
        }
        let mut sums = vec![[0.0f64; 4]; k];
        for (&a, p) in assign.iter().zip(lab) {
            for c in 0..3 {
                sums[a][c] += f64::from(p[c]);
            }
            sums[a][3] += 1.0;
        }
        for (c, s) in centres.iter_mut().zip(&sums) {
            if s[3] > 0.0 {
                *c = [
                    (s[0] / s[3]) as f32,
                    (s[1] / s[3]) as f32,
                    (s[2] / s[3]) as f32,
                ];
            }
        }
        if !changed {
            break;
        }
    }
    let mut counts = vec![0usize; k];
    for &a in &assign {
        counts[a] += 1;
    }
    let mut out: Vec<[f32; 4]> = centres
        .iter()
        .zip(&counts)
        .map(|(c, &n)| [c[0], c[1], c[2], n as f32 / lab.len() as f32])
        .collect();
    out.sort_by(|a, b| a[0].total_cmp(&b[0]).then(b[3].total_cmp(&a[3])));
    out
}

/// Lab values of an RGB thumbnail.
pub(crate) fn lab_pixels(rgb: &[Plane; 3]) -> Vec<[f32; 3]> {
    (0..rgb[0].data.len())
        .map(|i| srgb_to_lab(rgb[0].data[i], rgb[1].data[i], rgb[2].data[i]))
        .collect()
}

/// Six numbers that summarise a palette (`[L, a, b, share]` entries) independently of
/// the order and the exact split of its colours: the share-weighted mean L, a and b,
/// the weighted spread of L between the colours (light–dark contrast of the palette),
/// the weighted mean chroma of the colours, and the share of the largest colour.
pub(crate) fn palette_summary(palette: &[[f32; 4]]) -> [f32; 6] {
    let total: f32 = palette.iter().map(|p| p[3]).sum();
    if total <= 0.0 {
        return [0.0; 6];
    }
    let mean = |k: usize| palette.iter().map(|p| p[k] * p[3]).sum::<f32>() / total;
    let (l, a, b) = (mean(0), mean(1), mean(2));
    let spread = (palette
        .iter()
        .map(|p| (p[0] - l).powi(2) * p[3])
        .sum::<f32>()
        / total)
        .sqrt();
    let chroma = palette.iter().map(|p| p[1].hypot(p[2]) * p[3]).sum::<f32>() / total;
    let largest = palette.iter().map(|p| p[3]).fold(0.0f32, f32::max) / total;
    [l, a, b, spread, chroma, largest]
}

/// Gram statistics of the filter bank's rectified responses on `rgb` (centred on
/// 0.5): for each filter `ln(energy + ε)`, then the correlation of every pair of
/// filters (upper triangle). `n·(n+1)/2` values; zeros if the image is too small to
/// filter, and in builds without the `media` feature (no candle): their style
/// vectors compare by palette, edges and chroma alone.
pub(crate) fn gram_features(rgb: &[Plane; 3], c: &ImageChecks) -> Vec<f32> {
    let n = c.style_filters.max(1) as usize;
    let len = n * (n + 1) / 2;
    #[cfg(feature = "media")]
    {
        gram::gram(rgb, n, c.style_seed).unwrap_or_else(|_| vec![0.0; len])
    }
    #[cfg(not(feature = "media"))]
    {
        let _ = rgb;
        vec![0.0; len]
    }
}
