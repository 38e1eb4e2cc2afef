//! The Gram statistics of a fixed random filter bank, as matrix products on candle.

use super::Plane;
use crate::rng::SplitMix;
use candle_core::{Device, Tensor};

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

/// The filter bank's responses as matrix products, sampled every [`STRIDE`] pixels
/// (the Gram matrix is an average over positions; the sampled grid gives the same
/// statistics at a quarter of the cost). Rows of positions are processed in blocks:
/// a patch matrix with one row per position and 75 columns (3 channels × 5×5
/// offsets), times the `75 × n` filter matrix, ReLU, and the block's `Yᵀ·Y` added to
/// the Gram matrix, divided by the number of positions at the end.
pub(super) fn gram(rgb: &[Plane; 3], n: usize, seed: u64) -> candle_core::Result<Vec<f32>> {
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
