//! Style features: a Lab palette by k-means, and Gram statistics of a fixed random
//! filter bank (computed with candle-core).

use super::plane::{srgb_to_lab, Plane};
use crate::rng::SplitMix;
use super::ImageChecks;
use candle_core::{Device, Tensor};

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

/// Side of the square filters of the bank.
const TAP: usize = 5;
/// Distance between the positions the bank is evaluated at.
const STRIDE: usize = 2;
/// Positions per block of the filter-bank product (bounds the patch matrix's memory).
const BLOCK_POSITIONS: usize = 2048;

/// The fixed filter bank: `n` random 5×5×3 filters, each symmetric under the
/// rotations and mirrorings of the square (so the statistics do not depend on which
/// way strokes run: orientation is content, not style), zero-mean over all its taps
/// (flat grey gives no response; flat colour does) and of unit norm. Each is laid
/// out as `(channel, dy, dx)`, matching the columns of the patch matrix in [`gram`].
fn filter_bank(n: usize, seed: u64) -> Vec<f32> {
    let half = (TAP / 2) as isize;
    // The orbit of an offset under the square's symmetries: its sorted |dy|, |dx|.
    let orbit = |dy: isize, dx: isize| {
        let (a, b) = (
            dy.unsigned_abs().min(dx.unsigned_abs()),
            dy.unsigned_abs().max(dx.unsigned_abs()),
        );
        a * (TAP / 2 + 1) + b
    };
    let orbits = (TAP / 2 + 1) * (TAP / 2 + 1);
    let mut rng = SplitMix(seed);
    let mut out = Vec::with_capacity(n * 3 * TAP * TAP);
    for _ in 0..n {
        let values: Vec<f32> = (0..3 * orbits).map(|_| rng.normal()).collect();
        let mut f = Vec::with_capacity(3 * TAP * TAP);
        for c in 0..3 {
            for dy in -half..=half {
                for dx in -half..=half {
                    f.push(values[c * orbits + orbit(dy, dx)]);
                }
            }
        }
        let mean = f.iter().sum::<f32>() / f.len() as f32;
        f.iter_mut().for_each(|v| *v -= mean);
        let norm = f.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-6);
        f.iter_mut().for_each(|v| *v /= norm);
        out.extend(f);
    }
    out
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
/// filter.
pub(crate) fn gram_features(rgb: &[Plane; 3], c: &ImageChecks) -> Vec<f32> {
    let n = c.style_filters.max(1) as usize;
    let len = n * (n + 1) / 2;
    gram(rgb, n, c.style_seed).unwrap_or_else(|_| vec![0.0; len])
}

/// The filter bank's responses as matrix products, sampled every [`STRIDE`] pixels
/// (the Gram matrix is an average over positions; the sampled grid gives the same
/// statistics at a quarter of the cost). Rows of positions are processed in blocks:
/// a patch matrix with one row per position and 75 columns (3 channels × 5×5
/// offsets), times the `75 × n` filter matrix, ReLU, and the block's `Yᵀ·Y` added to
/// the Gram matrix, divided by the number of positions at the end.
fn gram(rgb: &[Plane; 3], n: usize, seed: u64) -> candle_core::Result<Vec<f32>> {
    let (w, h) = (rgb[0].w, rgb[0].h);
    if w < TAP || h < TAP {
        candle_core::bail!("image too small for the filter bank");
    }
    let (oh, ow) = ((h - TAP) / STRIDE + 1, (w - TAP) / STRIDE + 1);
    let taps = 3 * TAP * TAP;
    let dev = Device::Cpu;
    let kt = Tensor::from_vec(filter_bank(n, seed), (n, taps), &dev)?.t()?;
    let rows_per_block = (BLOCK_POSITIONS / ow).max(1);
    let mut total: Option<Tensor> = None;
    let mut patches = Vec::with_capacity(rows_per_block * ow * taps);
    for first in (0..oh).step_by(rows_per_block) {
        patches.clear();
        let rows = rows_per_block.min(oh - first);
        for oy in first..first + rows {
            for ox in 0..ow {
                let (y0, x0) = (oy * STRIDE, ox * STRIDE);
                for p in rgb {
                    for dy in 0..TAP {
                        let row = (y0 + dy) * w + x0;
                        patches.extend(p.data[row..row + TAP].iter().map(|v| v - 0.5));
                    }
                }
            }
        }
        let x = Tensor::from_slice(&patches, (rows * ow, taps), &dev)?;
        let y = x.matmul(&kt)?.relu()?;
        let g = y.t()?.matmul(&y)?;
        total = Some(match total {
            Some(t) => (t + g)?,
            None => g,
        });
    }
    let Some(total) = total else {
        candle_core::bail!("no positions")
    };
    let g = (total / (oh * ow) as f64)?;
    let g = g.to_vec2::<f32>()?;
    let eps = 1e-6f32;
    let mut out = Vec::with_capacity(n * (n + 1) / 2);
    for (i, row) in g.iter().enumerate() {
        out.push((row[i] + eps).ln());
    }
    for i in 0..n {
        for j in i + 1..n {
            out.push(g[i][j] / ((g[i][i] + eps) * (g[j][j] + eps)).sqrt());
        }
    }
    Ok(out)
}
