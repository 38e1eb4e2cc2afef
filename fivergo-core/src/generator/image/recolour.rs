//! Recolouring a quilted canvas to the learned style: a soft pull towards the
//! palette, then lightness matched to the learned tonal range.

use super::learn::quantiles;
use super::Rgb;
use crate::media::image::plane::srgb_to_lab;

/// Moves every pixel `pull` of the way (in Lab) towards its nearest `palette`
/// colour, then maps its lightness so that the canvas's lightness quantiles land on
/// `tones` (piecewise linear between quantiles, each piece's contrast stretched by at
/// most `max_gain`; see [`tone_knots`]).
pub(super) fn recolour(
    img: &mut Rgb,
    palette: &[[f32; 4]],
    tones: &[f32],
    pull: f32,
    max_gain: f32,
) {
    let mut lab: Vec<[f32; 3]> = img
        .px
        .chunks_exact(3)
        .map(|p| {
            srgb_to_lab(
                f32::from(p[0]) / 255.0,
                f32::from(p[1]) / 255.0,
                f32::from(p[2]) / 255.0,
            )
        })
        .collect();
    if !palette.is_empty() && pull > 0.0 {
        for p in lab.iter_mut() {
            let d2 = |c: &[f32; 4]| (0..3).map(|k| (p[k] - c[k]).powi(2)).sum::<f32>();
            if let Some(c) = palette.iter().min_by(|a, b| d2(a).total_cmp(&d2(b))) {
                for k in 0..3 {
                    p[k] += pull * (c[k] - p[k]);
                }
            }
        }
    }
    if tones.len() >= 2 {
        let have = quantiles(lab.iter().map(|p| p[0]).collect(), tones.len());
        let knots = tone_knots(&have, tones, max_gain);
        for p in lab.iter_mut() {
            p[0] = tone_map(p[0], &have, &knots).clamp(0.0, 100.0);
        }
    }
    for (dst, p) in img.px.chunks_exact_mut(3).zip(&lab) {
        dst.copy_from_slice(&lab_to_srgb(*p));
    }
}

/// Where the quantiles `from` of the canvas go: onto `to`, except that no piece
/// between two quantiles is stretched by more than `max_gain` (a canvas that drew
/// only part of the set's tones is not stretched into noise; squeezing is not
/// limited), the whole then shifted so that the median lands on the learned one.
fn tone_knots(from: &[f32], to: &[f32], max_gain: f32) -> Vec<f32> {
    let max_gain = max_gain.max(1.0);
    let mut knots = Vec::with_capacity(to.len());
    let mut y = to[0];
    knots.push(y);
    for i in 0..from.len() - 1 {
        let dx = from[i + 1] - from[i];
        let slope = if dx > 0.0 {
            ((to[i + 1] - to[i]) / dx).clamp(0.0, max_gain)
        } else {
            1.0
        };
        y += slope * dx;
        knots.push(y);
    }
    let mid = to.len() / 2;
    let shift = to[mid] - knots[mid];
    knots.iter_mut().for_each(|k| *k += shift);
    knots
}

/// `l` mapped from the quantiles `from` onto the knots `to` (same length, at
/// least 2, both non-decreasing), linearly within each segment and clamped to the
/// ends.
fn tone_map(l: f32, from: &[f32], to: &[f32]) -> f32 {
    let last = from.len() - 1;
    if l <= from[0] {
        return to[0];
    }
    if l >= from[last] {
        return to[last];
    }
    // from[i] <= l < from[i + 1], with 0 <= i < last.
    let i = from
        .partition_point(|&q| q <= l)
        .saturating_sub(1)
        .min(last - 1);
    let span = from[i + 1] - from[i];
    let t = if span > 0.0 {
        (l - from[i]) / span
    } else {
        0.5
    };
    to[i] + t * (to[i + 1] - to[i])
}

/// CIE Lab (D65) to encoded sRGB bytes (out-of-gamut colours clipped): the inverse
/// of [`srgb_to_lab`].
pub(super) fn lab_to_srgb([l, a, b]: [f32; 3]) -> [u8; 3] {
    let fy = (l + 16.0) / 116.0;
    let (fx, fz) = (fy + a / 500.0, fy - b / 200.0);
    let inv = |t: f32| {
        if t > 0.206_893 {
            t * t * t
        } else {
            (t - 16.0 / 116.0) / 7.787
        }
    };
    let (x, y, z) = (0.95047 * inv(fx), inv(fy), 1.08883 * inv(fz));
    let lin = [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266 * x + 1.876_010_8 * y + 0.041_556 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ];
    lin.map(|c| {
        let c = c.clamp(0.0, 1.0);
        let e = if c <= 0.003_130_8 {
            12.92 * c
        } else {
            1.055 * c.powf(1.0 / 2.4) - 0.055
        };
        (e * 255.0).round().clamp(0.0, 255.0) as u8
    })
}
