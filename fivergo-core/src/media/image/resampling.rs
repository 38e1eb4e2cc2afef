//! Traces of enlargement (A4): resampling detection after Popescu & Farid
//! ("Exposing digital forgeries by detecting traces of resampling", 2005).
//!
//! A picture enlarged by interpolation is, along each axis, a periodic mix of
//! original samples and samples interpolated between them: the mean second
//! difference `|2·y(x) − y(x−1) − y(x+1)|` over a column depends on where the
//! column falls on the original grid, so the column profile repeats with the
//! enlargement's period. A photograph, or a blurred one, has no such period.
//!
//! - **3× and 4×**: the profile folded modulo 24 (a multiple of 3, 4 and JPEG's 8),
//!   compared across the residues modulo k. JPEG's 8×8 blocks add a period of 8
//!   (and so of 4 and 2) at the block edges: the phases on each side of a block
//!   edge are left out.
//! - **2×**: symmetric 2× interpolation puts every output sample a quarter pixel
//!   from an input, mirror images of each other, so the second difference has no
//!   period 2; the four-sample stencil `y(x−1) − y(x) − y(x+1) + y(x+2)`, centred
//!   between two outputs, has one: it is centred on an input sample at one phase
//!   and half-way between two at the other.
//!   JPEG's blocks leave a period 2 of their own, so this trace is only read on
//!   pictures without JPEG's block edges ([`Traces::block_edges`]).
//! - **Any factor** (2.5×, 3.3×, …): the column profile's spectrum has a peak at
//!   the enlargement's frequency, measured against the spectrum around it (the
//!   picture's own content makes a smooth spectrum) and away from JPEG's
//!   multiples of 1/8.
//!
//! The octave test of [`super::measure`] reads these traces to tell an enlargement
//! from a blur where its energies alone cannot.

use super::plane::{luma_row, unit_lut, usable_size};
use crate::generator::Image;
use rustfft::num_complex::Complex32;
use rustfft::FftPlanner;

/// Folding period: a multiple of 2, 3, 4 and JPEG's 8.
const FOLD: usize = 24;
/// JPEG block side: block edges fall between phases `7` and `0` modulo 8.
const JPEG_BLOCK: usize = 8;
/// The peak search covers frequencies from this (cycles per pixel) up to 1/2:
/// enlargements by up to 10×; below it the picture's content dominates.
const PEAK_MIN_FREQ: f32 = 0.1;
/// A peak is compared with the median of the spectrum within this distance
/// (cycles per pixel).
const PEAK_NEIGHBOURHOOD: f32 = 0.05;

/// What [`traces`] measures on a picture.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Traces {
    /// Periodicity strengths for k = 2, 3 and 4: for each axis, the spread between
    /// the residue classes modulo k of the folded profile over its mean; the
    /// smaller of the two axes (a uniform enlargement shows on both).
    pub(crate) periods: [f32; 3],
    /// The strongest peak of the second-difference profile's spectrum over the
    /// median around it, the smaller of the two axes.
    pub(crate) peak: f32,
    /// JPEG's block edges in the second difference (see [`block_edges`]), the
    /// smaller of the two axes: about 0 for a picture never saved as JPEG (and for
    /// a blur or an enlargement, which erase the blocks), 0.14 to 1 after JPEG.
    pub(crate) block_edges: f32,
}

/// The column and row profiles of `img`'s luma, and the traces read from them.
/// Zeros for a picture under 32 px or without detail.
pub(crate) fn traces(img: &Image) -> Traces {
    let (w, h) = usable_size(img);
    if w < 32 || h < 32 {
        return Traces::default();
    }
    let unit = unit_lut();
    // Per column / row: the sums of |second difference| and of |four-sample
    // stencil| (the latter indexed by its left centre sample).
    let (mut cols2, mut cols4) = (vec![0f32; w], vec![0f32; w]);
    let (mut rows2, mut rows4) = (vec![0f64; h], vec![0f64; h]);
    let mut win = [vec![0f32; w], vec![0f32; w], vec![0f32; w], vec![0f32; w]];
    for (i, row) in win.iter_mut().enumerate().take(3) {
        luma_row(img, i, row, &unit);
    }
    // `win` holds rows y−1, y, y+1 and (when it exists) y+2.
    for y in 1..h - 1 {
        if y + 2 < h {
            luma_row(img, y + 2, &mut win[3], &unit);
        }
        let [above, here, below, next] = &win;
        for (acc, v) in cols2[1..w - 1].iter_mut().zip(here.windows(3)) {
            *acc += (2.0 * v[1] - v[0] - v[2]).abs();
        }
        for (acc, v) in cols4[1..w - 2].iter_mut().zip(here.windows(4)) {
            *acc += (v[0] - v[1] - v[2] + v[3]).abs();
        }
        let inner = 1..w - 1;
        let [total2, total4] = vertical_sums([
            &above[inner.clone()],
            &here[inner.clone()],
            &below[inner.clone()],
            &next[inner],
        ]);
        rows2[y] = f64::from(total2);
        if y + 2 < h {
            rows4[y] = f64::from(total4);
        }
        win.rotate_left(1);
    }
    let (cols2, cols4): (Vec<f64>, Vec<f64>) = (
        cols2.iter().map(|&v| f64::from(v)).collect(),
        cols4.iter().map(|&v| f64::from(v)).collect(),
    );
    let axis = |p2: &[f64], p4: &[f64]| -> ([f32; 3], f32, f32) {
        let second = fold(&p2[1..p2.len() - 1], 1);
        let [_, k3, k4] = fold_strengths(&second, &[0, 7]);
        // The stencil at x reads x−1..=x+2: it straddles a block edge for x ≡ 6, 7, 0.
        let [k2, ..] = fold_strengths(&fold(&p4[1..p4.len() - 2], 1), &[6, 7, 0]);
        (
            [k2, k3, k4],
            spectral_peak(&p2[1..p2.len() - 1]),
            block_edges(&second),
        )
    };
    let ((x, px, bx), (y, py, by)) = (axis(&cols2, &cols4), axis(&rows2, &rows4));
    Traces {
        periods: [x[0].min(y[0]), x[1].min(y[1]), x[2].min(y[2])],
        peak: px.min(py),
        block_edges: bx.min(by),
    }
}

/// Over one row of columns, given rows `[y−1, y, y+1, y+2]`: the sums of
/// `|2·y − (y−1) − (y+1)|` and of `|(y−1) − y − (y+1) + (y+2)|`, in eight lanes
/// (so the loop vectorises; the order of additions is fixed).
fn vertical_sums([above, here, below, next]: [&[f32]; 4]) -> [f32; 2] {
    const LANES: usize = 8;
    let (mut second, mut stencil) = ([0f32; LANES], [0f32; LANES]);
    for (((a, c), b), d) in above
        .chunks_exact(LANES)
        .zip(here.chunks_exact(LANES))
        .zip(below.chunks_exact(LANES))
        .zip(next.chunks_exact(LANES))
    {
        for i in 0..LANES {
            second[i] += (2.0 * c[i] - a[i] - b[i]).abs();
            stencil[i] += (a[i] - c[i] - b[i] + d[i]).abs();
        }
    }
    let tail = above.len() / LANES * LANES;
    for i in tail..above.len() {
        second[0] += (2.0 * here[i] - above[i] - below[i]).abs();
        stencil[0] += (above[i] - here[i] - below[i] + next[i]).abs();
    }
    [second.iter().sum(), stencil.iter().sum()]
}

/// Mean of `profile` at each phase modulo [`FOLD`] (`None` where no sample falls);
/// `first` is the picture coordinate of `profile[0]`.
fn fold(profile: &[f64], first: usize) -> [Option<f64>; FOLD] {
    let mut sums = [(0f64, 0u32); FOLD];
    for (i, &v) in profile.iter().enumerate() {
        let slot = &mut sums[(first + i) % FOLD];
        slot.0 += v;
        slot.1 += 1;
    }
    sums.map(|(s, n)| (n > 0).then(|| s / f64::from(n)))
}

/// Spread between the residue classes modulo 2, 3 and 4 of a folded profile, over
/// its mean; phases whose coordinate modulo 8 is in `skip` (JPEG block edges) are
/// left out.
fn fold_strengths(folded: &[Option<f64>; FOLD], skip: &[usize]) -> [f32; 3] {
    let kept: Vec<(usize, f64)> = (0..FOLD)
        .filter(|p| !skip.contains(&(p % JPEG_BLOCK)))
        .filter_map(|p| folded[p].map(|v| (p, v)))
        .collect();
    let mean = kept.iter().map(|v| v.1).sum::<f64>() / kept.len().max(1) as f64;
    if mean <= 1e-12 {
        return [0.0; 3];
    }
    [2usize, 3, 4].map(|k| {
        let (lo, hi) = (0..k)
            .map(|r| {
                let (sum, n) = kept
                    .iter()
                    .filter(|(p, _)| p % k == r)
                    .fold((0f64, 0usize), |(s, n), v| (s + v.1, n + 1));
                sum / n.max(1) as f64
            })
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| {
                (a.min(c), b.max(c))
            });
        ((hi - lo) / mean) as f32
    })
}

/// JPEG's block edges in a folded second-difference profile: the phases on either
/// side of an edge (7 and 0 modulo 8) over those in the block's middle (3 and 4),
/// as a share of the mean. Both pairs fall on the same residues modulo 2 and 4,
/// so an enlargement's period cancels out; 0 without detail.
fn block_edges(folded: &[Option<f64>; FOLD]) -> f32 {
    let phase = |r: usize| {
        let v: Vec<f64> = (r..FOLD)
            .step_by(JPEG_BLOCK)
            .filter_map(|p| folded[p])
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let mean = (0..JPEG_BLOCK).map(phase).sum::<f64>() / JPEG_BLOCK as f64;
    if mean <= 1e-12 {
        return 0.0;
    }
    ((phase(7) + phase(0) - phase(3) - phase(4)) / (2.0 * mean)) as f32
}

/// The strongest bin of the Hann-windowed power spectrum of `profile` (its
/// first 2^a·3^b·5^c values, 0.9 of them or more) between
/// [`PEAK_MIN_FREQ`] and 1/2 cycle per pixel, over the median of the bins within
/// [`PEAK_NEIGHBOURHOOD`] of it (its own lobe left out); bins next to JPEG's
/// multiples of 1/8 are left out of both. Zero for a profile too short to judge.
fn spectral_peak(profile: &[f64]) -> f32 {
    // The longest leading part whose length has no prime factor above 5: the
    // transform of such a length is a few butterflies, not a Bluestein chain.
    let smooth = |mut m: usize| {
        for p in [2, 3, 5] {
            while m % p == 0 {
                m /= p;
            }
        }
        m == 1
    };
    let n = (1..=profile.len()).rev().find(|&m| smooth(m)).unwrap_or(0);
    if n < 32 {
        return 0.0;
    }
    let profile = &profile[..n];
    let mean = profile.iter().sum::<f64>() / n as f64;
    let mut buf: Vec<Complex32> = profile
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let hann = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / (n - 1) as f64).cos();
            Complex32::new(((v - mean) * hann) as f32, 0.0)
        })
        .collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    let power: Vec<f32> = buf[..=n / 2].iter().map(|c| c.norm_sqr()).collect();
    let freq = |k: usize| k as f32 / n as f32;
    let off_jpeg =
        |k: usize| (1..=4).all(|j| (freq(k) - j as f32 / JPEG_BLOCK as f32).abs() * n as f32 > 1.5);
    let reach = (PEAK_NEIGHBOURHOOD * n as f32) as usize;
    let mut around = Vec::with_capacity(2 * reach);
    let mut best = 0f32;
    // A peak is a local maximum: only those are compared with their surroundings.
    let local_max = |k: usize| {
        power[k] >= power[k - 1] && power.get(k + 1).is_none_or(|&next| power[k] >= next)
    };
    for k in (1..power.len()).filter(|&k| freq(k) >= PEAK_MIN_FREQ && off_jpeg(k) && local_max(k)) {
        around.clear();
        around.extend(
            (k.saturating_sub(reach)..=(k + reach).min(power.len() - 1))
                .filter(|&j| j.abs_diff(k) > 2 && freq(j) >= PEAK_MIN_FREQ / 2.0 && off_jpeg(j))
                .map(|j| power[j]),
        );
        if around.len() < 6 {
            continue;
        }
        let mid = around.len() / 2;
        let median = *around.select_nth_unstable_by(mid, f32::total_cmp).1;
        if median > 0.0 {
            best = best.max(power[k] / median);
        }
    }
    best
}
