//! Image quilting (Efros & Freeman 2001) with a stroke-respecting seam cost.
//!
//! Patches are placed in raster order with a fixed overlap. For each one a fixed
//! number of exemplar positions is sampled (with the positions that continue the
//! left and upper neighbours' sources); the sum of squared differences over the
//! overlap (on every second pixel, with early exit once a candidate can no longer
//! qualify), plus the guide term, ranks them, and one is drawn among those within
//! the tolerance of the best. The guide is a seeded exemplar shrunk to the patch
//! grid and turned: the guide term is the squared distance of a candidate's mean
//! colour from its cell's, so the layout of light, dark and colour areas varies
//! with the seed instead of drifting into one flat area. The new patch is then
//! joined to the canvas along the cheapest path through the overlap (dynamic
//! programming), whose cost is the colour difference plus the edge weight times
//! the squared stroke strength of both sides, so the path keeps off lines. Every
//! choice comes from the seeded generator and integer errors, so the result is
//! bit-identical for the same inputs.

use super::{QuiltSettings, Rgb};
use crate::generator::{Cancelled, JobControl};
use crate::rng::SplitMix;

/// Radius of the window whose lightest luma a pixel's darkness is measured against
/// (see [`edge_map`]).
const STROKE_RADIUS: usize = 3;
/// Overlap errors are summed on every `SSD_STRIDE`-th pixel of each axis.
const SSD_STRIDE: usize = 2;

/// The quilting knobs of one generation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Params {
    pub patch: usize,
    pub overlap: usize,
    pub candidates: usize,
    pub tolerance: f32,
    pub edge_weight: f32,
    pub guide_weight: f32,
}

impl Params {
    /// The settings' knobs, the patch limited to the smallest exemplar's side.
    pub fn new(s: &QuiltSettings, textures: &[Rgb]) -> Self {
        let smallest = textures.iter().map(|t| t.w.min(t.h)).min().unwrap_or(0);
        let patch = (s.patch_px as usize).min(smallest).max(2);
        Self {
            patch,
            overlap: (s.overlap_px as usize).clamp(1, patch / 2),
            candidates: s.candidates.max(1) as usize,
            tolerance: s.tolerance,
            edge_weight: s.edge_weight,
            guide_weight: s.guide_weight,
        }
    }
}

/// An exemplar with its edge map.
struct Texture<'a> {
    rgb: &'a Rgb,
    edge: Vec<u8>,
    /// Summed-area table of the colours, `(w + 1) × (h + 1)`.
    sums: Vec<[u64; 3]>,
}

impl<'a> Texture<'a> {
    fn new(rgb: &'a Rgb) -> Self {
        let (w, h) = (rgb.w, rgb.h);
        let mut sums = vec![[0u64; 3]; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = [0u64; 3];
            for x in 0..w {
                for (c, r) in row.iter_mut().enumerate() {
                    *r += u64::from(rgb.px[(y * w + x) * 3 + c]);
                }
                let above = sums[y * (w + 1) + x + 1];
                sums[(y + 1) * (w + 1) + x + 1] = std::array::from_fn(|c| above[c] + row[c]);
            }
        }
        Self {
            rgb,
            edge: edge_map(rgb),
            sums,
        }
    }

    /// The mean colour of the `cw × ch` block at `(x, y)` (inside the texture, not
    /// empty).
    fn mean(&self, x: usize, y: usize, cw: usize, ch: usize) -> [i64; 3] {
        let w1 = self.rgb.w + 1;
        let at = |x: usize, y: usize| self.sums[y * w1 + x];
        let (a, b, c, d) = (at(x, y), at(x + cw, y), at(x, y + ch), at(x + cw, y + ch));
        std::array::from_fn(|k| ((d[k] + a[k] - b[k] - c[k]) / (cw * ch) as u64) as i64)
    }
}

/// The composition guide: the mean colour each patch should have, from one exemplar
/// (drawn by `rng`) shrunk to the `n × n` patch grid and turned by one of the
/// square's 8 symmetries.
fn guide(tex: &[Texture<'_>], n: usize, rng: &mut SplitMix) -> Vec<[i64; 3]> {
    let t = &tex[(rng.next_u64() % tex.len() as u64) as usize];
    let turn = rng.next_u64();
    let (w, h) = (t.rgb.w, t.rgb.h);
    (0..n * n)
        .map(|i| {
            let (mut gx, mut gy) = (i % n, i / n);
            if turn & 1 == 1 {
                gx = n - 1 - gx;
            }
            if turn & 2 == 2 {
                gy = n - 1 - gy;
            }
            if turn & 4 == 4 {
                std::mem::swap(&mut gx, &mut gy);
            }
            let (x0, x1) = (gx * w / n, ((gx + 1) * w / n).max(gx * w / n + 1));
            let (y0, y1) = (gy * h / n, ((gy + 1) * h / n).max(gy * h / n + 1));
            t.mean(x0, y0, x1 - x0, y1 - y0)
        })
        .collect()
}

/// A `side × side` canvas quilted from `textures` (each at least `p.patch` a side,
/// at least one), ticking `ctl` from `from` to `to` after each row of patches.
pub(super) fn synthesize(
    textures: &[Rgb],
    side: usize,
    p: &Params,
    rng: &mut SplitMix,
    ctl: &mut JobControl<'_>,
    (from, to): (f32, f32),
) -> Result<Rgb, Cancelled> {
    let tex: Vec<Texture<'_>> = textures.iter().map(Texture::new).collect();
    let (pt, ov) = (p.patch, p.overlap);
    let step = pt - ov;
    let n = side.saturating_sub(ov).div_ceil(step).max(1);
    let guide = guide(&tex, n, rng);
    // The guide term counts as many samples as a whole patch has at the overlap's
    // sampling stride, times the guide weight.
    let guide_scale = (pt.div_ceil(SSD_STRIDE).pow(2) as f32 * p.guide_weight) as u64;
    let cw = n * step + ov;
    let mut canvas = Canvas {
        w: cw,
        rgb: vec![0; cw * cw * 3],
        edge: vec![0; cw * cw],
    };
    let mut scored: Vec<(u64, Pick)> = Vec::with_capacity(p.candidates + 2);
    let mut placed: Vec<Pick> = Vec::with_capacity(n * n);
    let mut seams = Seams::default();
    for iy in 0..n {
        for ix in 0..n {
            let (x0, y0) = (ix * step, iy * step);
            let (left, top) = (ix > 0, iy > 0);
            let pick = {
                scored.clear();
                let mut bound = u64::MAX;
                // The continuations of the left and upper neighbours' sources (where
                // the exemplar goes on) come first, then random positions.
                let continuations = [
                    left.then(|| placed[iy * n + ix - 1])
                        .map(|c| Pick { x: c.x + step, ..c }),
                    top.then(|| placed[(iy - 1) * n + ix])
                        .map(|c| Pick { y: c.y + step, ..c }),
                ];
                let fits = |c: &Pick| c.x + pt <= tex[c.t].rgb.w && c.y + pt <= tex[c.t].rgb.h;
                let mut random = (0..p.candidates)
                    .map(|_| sample(&tex, pt, rng))
                    .collect::<Vec<_>>();
                random.splice(0..0, continuations.into_iter().flatten().filter(fits));
                let target = guide[iy * n + ix];
                for c in random {
                    let mean = tex[c.t].mean(c.x, c.y, pt, pt);
                    let off_guide = (0..3)
                        .map(|k| (mean[k] - target[k]).pow(2) as u64)
                        .sum::<u64>()
                        .saturating_mul(guide_scale);
                    if let Some(e) = canvas.overlap_error(
                        &tex[c.t],
                        c,
                        (x0, y0),
                        pt,
                        ov,
                        (left, top),
                        off_guide,
                        bound,
                    ) {
                        scored.push((e, c));
                        bound = bound.min(within(e, p.tolerance));
                    }
                }
                // The first candidate always scores (the bound starts open), and
                // the best one is always within the bound.
                let ok: Vec<Pick> = scored
                    .iter()
                    .filter(|(e, _)| *e <= bound)
                    .map(|&(_, c)| c)
                    .collect();
                let k = rng.next_u64() % ok.len().max(1) as u64;
                match ok.get(k as usize) {
                    Some(&c) => c,
                    None => sample(&tex, pt, rng),
                }
            };
            canvas.place(&tex[pick.t], pick, (x0, y0), p, (left, top), &mut seams);
            placed.push(pick);
        }
        ctl.tick(from + (to - from) * (iy + 1) as f32 / n as f32)?;
    }
    let mut px = Vec::with_capacity(side * side * 3);
    for y in 0..side {
        px.extend_from_slice(&canvas.rgb[y * cw * 3..(y * cw + side) * 3]);
    }
    Ok(Rgb {
        w: side,
        h: side,
        px,
    })
}

/// The largest error within `tolerance` of `best`.
fn within(best: u64, tolerance: f32) -> u64 {
    best.saturating_add((best as f64 * f64::from(tolerance)) as u64)
}

/// A candidate: texture `t`, top-left corner `(x, y)`.
#[derive(Debug, Clone, Copy)]
struct Pick {
    t: usize,
    x: usize,
    y: usize,
}

fn sample(tex: &[Texture<'_>], pt: usize, rng: &mut SplitMix) -> Pick {
    let t = (rng.next_u64() % tex.len() as u64) as usize;
    let r = tex[t].rgb;
    let x = (rng.next_u64() % (r.w - pt + 1) as u64) as usize;
    let y = (rng.next_u64() % (r.h - pt + 1) as u64) as usize;
    Pick { t, x, y }
}

struct Canvas {
    w: usize,
    rgb: Vec<u8>,
    edge: Vec<u8>,
}

/// Reused buffers for the seam computations.
#[derive(Default)]
struct Seams {
    cost: Vec<u64>,
    dp: Vec<u64>,
}

/// Squared difference of two RGB pixels.
fn ssd(a: &[u8], b: &[u8]) -> u64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (i32::from(x) - i32::from(y)).pow(2) as u64)
        .sum()
}

impl Canvas {
    /// `start` plus the overlap error of placing `pick` at `(x0, y0)`, or `None`
    /// once that exceeds `bound`.
    #[allow(clippy::too_many_arguments)]
    fn overlap_error(
        &self,
        t: &Texture<'_>,
        pick: Pick,
        (x0, y0): (usize, usize),
        pt: usize,
        ov: usize,
        (left, top): (bool, bool),
        start: u64,
        bound: u64,
    ) -> Option<u64> {
        if start > bound {
            return None;
        }
        let mut sum = start;
        for dy in (0..pt).step_by(SSD_STRIDE) {
            let cols = match (left, top && dy < ov) {
                (_, true) => 0..pt,
                (true, false) => 0..ov,
                (false, false) => break,
            };
            let c = ((y0 + dy) * self.w + x0) * 3;
            let s = ((pick.y + dy) * t.rgb.w + pick.x) * 3;
            for dx in cols.step_by(SSD_STRIDE) {
                sum = sum.saturating_add(ssd(
                    &self.rgb[c + dx * 3..c + dx * 3 + 3],
                    &t.rgb.px[s + dx * 3..s + dx * 3 + 3],
                ));
            }
            if sum > bound {
                return None;
            }
        }
        Some(sum)
    }

    /// Copies the patch into the canvas on the far side of the seams through the
    /// left and top overlaps.
    fn place(
        &mut self,
        t: &Texture<'_>,
        pick: Pick,
        (x0, y0): (usize, usize),
        p: &Params,
        (left, top): (bool, bool),
        seams: &mut Seams,
    ) {
        let (pt, ov) = (p.patch, p.overlap);
        let at_canvas = |x: usize, y: usize| (y0 + y) * self.w + x0 + x;
        let at_tex = |x: usize, y: usize| (pick.y + y) * t.rgb.w + pick.x + x;
        let seam_cost = |canvas: &Canvas, x: usize, y: usize| {
            let (c, s) = (at_canvas(x, y), at_tex(x, y));
            let colour = ssd(&canvas.rgb[c * 3..c * 3 + 3], &t.rgb.px[s * 3..s * 3 + 3]);
            colour.saturating_add(edge_term(canvas.edge[c], t.edge[s], p.edge_weight))
        };
        // Vertical seam through the left overlap: one column per row.
        let vertical = if left {
            seams.cost.clear();
            seams.cost.extend(
                (0..pt)
                    .flat_map(|y| (0..ov).map(move |x| (x, y)))
                    .map(|(x, y)| seam_cost(self, x, y)),
            );
            min_path(&seams.cost, ov, pt, &mut seams.dp)
        } else {
            vec![0; pt]
        };
        // Horizontal seam through the top overlap: one row per column.
        let horizontal = if top {
            seams.cost.clear();
            seams.cost.extend(
                (0..pt)
                    .flat_map(|x| (0..ov).map(move |y| (x, y)))
                    .map(|(x, y)| seam_cost(self, x, y)),
            );
            min_path(&seams.cost, ov, pt, &mut seams.dp)
        } else {
            vec![0; pt]
        };
        for (y, &from_x) in vertical.iter().enumerate() {
            for (x, &from_y) in horizontal.iter().enumerate().skip(from_x) {
                if y >= from_y {
                    let (c, s) = (at_canvas(x, y), at_tex(x, y));
                    self.rgb[c * 3..c * 3 + 3].copy_from_slice(&t.rgb.px[s * 3..s * 3 + 3]);
                    self.edge[c] = t.edge[s];
                }
            }
        }
    }
}

/// The stroke term of the seam cost: `weight × (a² + b²)` for the stroke strengths
/// of the two sides.
pub(super) fn edge_term(a: u8, b: u8, weight: f32) -> u64 {
    (weight * (u32::from(a).pow(2) + u32::from(b).pow(2)) as f32) as u64
}

/// The cheapest 8-connected path from the first to the last of the `h` rows of a
/// `w × h` cost grid: the column it takes in each row (ties go to the smaller
/// column, so the path is deterministic).
pub(super) fn min_path(cost: &[u64], w: usize, h: usize, dp: &mut Vec<u64>) -> Vec<usize> {
    dp.clear();
    dp.extend_from_slice(&cost[..w]);
    for y in 1..h {
        for x in 0..w {
            let prev = &dp[(y - 1) * w + x.saturating_sub(1)..(y - 1) * w + (x + 2).min(w)];
            let best = prev.iter().copied().min().unwrap_or(0);
            dp.push(cost[y * w + x].saturating_add(best));
        }
    }
    let argmin = |row: usize, range: std::ops::Range<usize>| {
        range.min_by_key(|&x| (dp[row * w + x], x)).unwrap_or(0)
    };
    let mut path = vec![0; h];
    path[h - 1] = argmin(h - 1, 0..w);
    for y in (0..h - 1).rev() {
        let x = path[y + 1];
        path[y] = argmin(y, x.saturating_sub(1)..(x + 2).min(w));
    }
    path
}

/// Stroke strength (0–255) of each pixel: how much darker it is than the lightest
/// luma within [`STROKE_RADIUS`] (a morphological dilation minus the image). Lines
/// and dark details up to about twice the radius wide read as strong over their
/// whole width, while paper, flat fills and the insides of large dark areas read
/// as zero.
pub(super) fn edge_map(rgb: &Rgb) -> Vec<u8> {
    let (w, h) = (rgb.w, rgb.h);
    let luma: Vec<u32> = rgb
        .px
        .chunks_exact(3)
        .map(|p| (54 * u32::from(p[0]) + 183 * u32::from(p[1]) + 19 * u32::from(p[2])) >> 8)
        .collect();
    let lightest = separable(&luma, w, h, STROKE_RADIUS, |win| {
        win.iter().copied().max().unwrap_or(0)
    });
    lightest
        .iter()
        .zip(&luma)
        .map(|(&l, &v)| l.saturating_sub(v).min(255) as u8)
        .collect()
}

/// A separable window filter of radius `r` (clamped at the borders): `f` of each
/// row window, then of each column window of the result.
fn separable(src: &[u32], w: usize, h: usize, r: usize, f: impl Fn(&[u32]) -> u32) -> Vec<u32> {
    let window = |line: &[u32], out: &mut Vec<u32>| {
        out.clear();
        out.extend(
            (0..line.len()).map(|i| f(&line[i.saturating_sub(r)..(i + r + 1).min(line.len())])),
        );
    };
    let (mut line, mut out) = (Vec::with_capacity(w.max(h)), Vec::with_capacity(w.max(h)));
    let mut rows = vec![0u32; w * h];
    for y in 0..h {
        window(&src[y * w..(y + 1) * w], &mut out);
        rows[y * w..(y + 1) * w].copy_from_slice(&out);
    }
    let mut result = vec![0u32; w * h];
    for x in 0..w {
        line.clear();
        line.extend((0..h).map(|y| rows[y * w + x]));
        window(&line, &mut out);
        for (y, v) in out.iter().enumerate() {
            result[y * w + x] = *v;
        }
    }
    result
}
