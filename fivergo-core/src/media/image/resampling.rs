//! Traces of enlargement by 3× and 4× (A4): resampling detection after Popescu &
//! Farid ("Exposing digital forgeries by detecting traces of resampling", 2005).
//!
//! A picture enlarged k× by interpolation is, along each axis, a periodic mix of
//! original samples and samples interpolated between them: the mean second
//! difference `|2·y(x) − y(x−1) − y(x+1)|` over a column depends on `x mod k`. A
//! photograph, or a blurred one, has no such period. JPEG's 8×8 blocks add a
//! period of 8 (and so of 4 and 2) at the block edges: the profile is folded modulo
//! 24, the two phases on each side of a block edge are left out, and what remains is
//! compared across the residues modulo k. Symmetric 2× interpolation puts every
//! output sample half-way between inputs, which leaves no period; 2× is caught by
//! the octave test of [`super::measure`].

use super::plane::{luma_row, unit_lut, usable_size};
use crate::generator::Image;

/// Folding period: a multiple of 3, 4 and JPEG's 8.
const FOLD: usize = 24;
/// JPEG block side: phases `7` and `0` modulo 8 sit on a block edge.
const JPEG_BLOCK: usize = 8;

/// Periodicity strengths `[k = 3, k = 4]`: for each axis, the spread between the
/// residue classes modulo k of the folded mean second difference, over its mean;
/// the smaller of the two axes (a uniform enlargement shows on both). Zeros for a
/// picture under 32 px or without detail.
pub(crate) fn periodicity(img: &Image) -> [f32; 2] {
    let (w, h) = usable_size(img);
    if w < 32 || h < 32 {
        return [0.0; 2];
    }
    let unit = unit_lut();
    let mut cols = vec![0f64; w];
    let mut rows_sum = vec![0f64; h];
    let (mut above, mut here, mut below) = (vec![0f32; w], vec![0f32; w], vec![0f32; w]);
    luma_row(img, 0, &mut here, &unit);
    luma_row(img, 1, &mut below, &unit);
    for (y, row_sum) in rows_sum.iter_mut().enumerate().take(h - 1).skip(1) {
        std::mem::swap(&mut above, &mut here);
        std::mem::swap(&mut here, &mut below);
        luma_row(img, y + 1, &mut below, &unit);
        let mut row_total = 0f32;
        for x in 1..w - 1 {
            cols[x] += f64::from((2.0 * here[x] - here[x - 1] - here[x + 1]).abs());
            row_total += (2.0 * here[x] - above[x] - below[x]).abs();
        }
        *row_sum = f64::from(row_total);
    }
    let strengths = |profile: &[f64]| -> [f32; 2] {
        let mut fold = [(0f64, 0u32); FOLD];
        for (i, &v) in profile.iter().enumerate().take(profile.len() - 1).skip(1) {
            fold[i % FOLD].0 += v;
            fold[i % FOLD].1 += 1;
        }
        let kept: Vec<(usize, f64)> = (0..FOLD)
            .filter(|p| !matches!(p % JPEG_BLOCK, 0 | 7) && fold[*p].1 > 0)
            .map(|p| (p, fold[p].0 / f64::from(fold[p].1)))
            .collect();
        let mean = kept.iter().map(|v| v.1).sum::<f64>() / kept.len().max(1) as f64;
        if mean <= 1e-12 {
            return [0.0; 2];
        }
        [3usize, 4].map(|k| {
            let class = |r: usize| {
                let v: Vec<f64> = kept
                    .iter()
                    .filter(|(p, _)| p % k == r)
                    .map(|v| v.1)
                    .collect();
                v.iter().sum::<f64>() / v.len().max(1) as f64
            };
            let classes: Vec<f64> = (0..k).map(class).collect();
            let (lo, hi) = classes
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &c| {
                    (a.min(c), b.max(c))
                });
            ((hi - lo) / mean) as f32
        })
    };
    let (x, y) = (strengths(&cols), strengths(&rows_sum));
    [x[0].min(y[0]), x[1].min(y[1])]
}
