//! Tiled marks read through their repetition.
//!
//! A stock-photo mark repeats one label on a lattice over the whole picture; the
//! picture under it does not repeat. The autocorrelation of the luma's fine detail
//! (differences from the 3×3 mean, clipped at [`ImageChecks::tile_clip`] so that a
//! faint mark weighs as much as the picture's edges) then peaks at the lattice's
//! vectors. When two of them make a lattice that correlates by at least
//! [`ImageChecks::tile_min_correlation`] at each of its four shortest vectors, every
//! pixel's difference from its local mean is replaced by the median of that
//! difference at its copies on the lattice (itself and its eight neighbours, at
//! least [`ImageChecks::tile_min_copies`] of them inside the picture): the mark,
//! the same in every copy, stays; the picture under it, different in each, fades.
//! The text detector then reads that consensus as it reads the picture.

use super::{box_mean, transpose};
use crate::media::image::plane::{down2, Plane};
use crate::media::image::ImageChecks;
use rustfft::num_complex::Complex32;
use rustfft::FftPlanner;

/// Longest lattice vector looked for, as a share of the picture's side along it: a
/// longer one leaves too few copies side by side for a consensus.
const MAX_LAG_SHARE: f32 = 0.6;
/// A peak of the autocorrelation is the largest value within this many lags.
const PEAK_RADIUS: isize = 3;
/// Strongest peaks paired into candidate lattices.
const CANDIDATES: usize = 8;
/// A half of a lattice vector whose correlation is at least this share of the
/// basis' is a vector of the mark's lattice too.
const DENSER_SHARE: f32 = 0.8;

/// A lattice vector, in pixels (x right, y down).
type Lag = (isize, isize);

/// The luma with each pixel's difference from its local mean replaced by the median
/// of that difference over its copies on the picture's lattice, when it has one
/// (see the module's documentation); `None` when no lattice correlates enough.
pub(super) fn consensus(luma: &Plane, c: &ImageChecks) -> Option<Plane> {
    let (u, v) = lattice(luma, c)?;
    let (w, h) = (luma.w, luma.h);
    let mean = box_mean(luma, &vec![true; w * h], c.text_window_px.max(1) as usize);
    let detail: Vec<f32> = luma.data.iter().zip(&mean).map(|(l, m)| l - m).collect();
    let min_copies = (c.tile_min_copies as usize).clamp(1, 9);
    let mut out = Plane::new(w, h);
    let mut copies = [0.0f32; 9];
    for y in 0..h {
        for x in 0..w {
            let mut n = 0;
            for i in -1..=1 {
                for j in -1..=1 {
                    let sx = x as isize + i * u.0 + j * v.0;
                    let sy = y as isize + i * u.1 + j * v.1;
                    if (0..w as isize).contains(&sx) && (0..h as isize).contains(&sy) {
                        copies[n] = detail[sy as usize * w + sx as usize];
                        n += 1;
                    }
                }
            }
            let k = y * w + x;
            let agreed = if n >= min_copies {
                *copies[..n].select_nth_unstable_by(n / 2, f32::total_cmp).1
            } else {
                0.0
            };
            out.data[k] = (mean[k] + agreed).clamp(0.0, 1.0);
        }
    }
    Some(out)
}

/// The lattice of a tiled mark over `luma`: two shortest vectors (a reduced basis)
/// whose autocorrelation, and that of their sum and difference, is at least
/// [`ImageChecks::tile_min_correlation`]; the best such pair among the strongest
/// peaks. Peaks are found on a quarter-size copy (a sixteenth of the work); each
/// vector is then set to the best of the nine lags it may stand for at half size,
/// and again at full size, where a half of a vector that correlates as well
/// makes the lattice denser.
fn lattice(luma: &Plane, c: &ImageChecks) -> Option<(Lag, Lag)> {
    let half = down2(luma);
    let quarter = down2(&half);
    let shortest = c.tile_min_period_px.max(1) as f32;
    let min_period = shortest / 4.0;
    let acf = Acf::of(&detail(&quarter, c.tile_clip))?;
    let mut peaks: Vec<(f32, Lag)> = Vec::new();
    for dy in 0..=acf.max_y {
        for dx in -acf.max_x..=acf.max_x {
            if (dy == 0 && dx <= 0) || ((dx as f32).hypot(dy as f32)) < min_period {
                continue;
            }
            let Some(value) = acf.at((dx, dy)) else {
                continue;
            };
            let highest = (-PEAK_RADIUS..=PEAK_RADIUS).all(|ey| {
                (-PEAK_RADIUS..=PEAK_RADIUS)
                    .all(|ex| acf.at((dx + ex, dy + ey)).is_none_or(|n| n <= value))
            });
            if highest {
                peaks.push((value, (dx, dy)));
            }
        }
    }
    peaks.sort_by(|a, b| b.0.total_cmp(&a.0));
    peaks.truncate(CANDIDATES);
    let mut best: Option<(f32, Lag, Lag)> = None;
    for (a, &(_, u)) in peaks.iter().enumerate() {
        for &(_, v) in &peaks[a + 1..] {
            let Some((u, v)) = reduced(u, v) else {
                continue;
            };
            if len(u) < min_period || len(v) < min_period {
                continue;
            }
            let sum = (u.0 + v.0, u.1 + v.1);
            let diff = (u.0 - v.0, u.1 - v.1);
            let scores = [u, v, sum, diff].map(|d| acf.at(d));
            let Some(score) = scores
                .iter()
                .try_fold(f32::INFINITY, |m, s| s.map(|s| m.min(s)))
            else {
                continue;
            };
            if best.is_none_or(|(b, _, _)| score > b) {
                best = Some((score, u, v));
            }
        }
    }
    let (score, u, v) = best?;
    if score < c.tile_min_correlation {
        return None;
    }
    let (half, full) = (detail(&half, c.tile_clip), detail(luma, c.tile_clip));
    let finer = |d: Lag| best_near(&full, twice(best_near(&half, twice(d))));
    let mut basis = (finer(u), finer(v));
    // A coarse copy may blur one of the mark's vectors away and find a lattice of
    // every other copy: a half of a vector that correlates about as well joins it.
    for _ in 0..2 {
        let (u, v) = basis;
        let enough = DENSER_SHARE * correlation(&full, u).min(correlation(&full, v));
        let half_of = |d: Lag| (d.0 / 2, d.1 / 2);
        let denser = [
            (half_of(u), v),
            (half_of(v), u),
            (half_of((u.0 + v.0, u.1 + v.1)), u),
            (half_of((u.0 - v.0, u.1 - v.1)), u),
        ]
        .into_iter()
        .map(|(h, other)| (best_near(&full, h), other))
        .filter(|&(h, _)| len(h) >= shortest && correlation(&full, h) >= enough)
        .find_map(|(h, other)| reduced(h, other));
        match denser {
            Some(b) => basis = b,
            None => break,
        }
    }
    Some(basis)
}

fn twice(d: Lag) -> Lag {
    (2 * d.0, 2 * d.1)
}

/// Of lag `d` and its eight neighbours, the one whose correlation over `fine` is
/// highest (a lag found on a copy half the size stands for one of those around
/// twice it).
fn best_near(fine: &Plane, d: Lag) -> Lag {
    let mut best = (d, f32::NEG_INFINITY);
    for ey in -1..=1 {
        for ex in -1..=1 {
            let lag = (d.0 + ex, d.1 + ey);
            let value = correlation(fine, lag);
            if value > best.1 {
                best = (lag, value);
            }
        }
    }
    best.0
}

/// Mean product of `p` and its copy shifted by `d`, over the pixels they share.
fn correlation(p: &Plane, (dx, dy): Lag) -> f32 {
    let (w, h) = (p.w as isize, p.h as isize);
    let (xa, xb) = (0.max(-dx), w.min(w - dx));
    let (ya, yb) = (0.max(-dy), h.min(h - dy));
    if xa >= xb || ya >= yb {
        return f32::NEG_INFINITY;
    }
    let mut sum = 0.0f32;
    for y in ya..yb {
        let row = &p.data[(y * w + xa) as usize..(y * w + xb) as usize];
        let shifted = &p.data[((y + dy) * w + xa + dx) as usize..((y + dy) * w + xb + dx) as usize];
        sum += row.iter().zip(shifted).map(|(a, b)| a * b).sum::<f32>();
    }
    sum / ((xb - xa) * (yb - ya)) as f32
}

/// A picture's fine detail, each pixel's difference from its 3×3 mean (clamped at
/// the borders), over `clip` and clipped to ±1.
fn detail(luma: &Plane, clip: f32) -> Plane {
    let (w, h) = (luma.w, luma.h);
    let scale = 1.0 / clip.max(f32::MIN_POSITIVE);
    // Sums of three along each row (the border pixel counted twice), then down.
    let mut across = Plane::new(w, h);
    for (out, row) in across
        .data
        .chunks_exact_mut(w)
        .zip(luma.data.chunks_exact(w))
    {
        for x in 0..w {
            out[x] = row[x.saturating_sub(1)] + row[x] + row[(x + 1).min(w - 1)];
        }
    }
    let mut out = Plane::new(w, h);
    for y in 0..h {
        let (a, b, c) = (y.saturating_sub(1), y, (y + 1).min(h - 1));
        let rows = (
            &across.data[a * w..(a + 1) * w],
            &across.data[b * w..(b + 1) * w],
            &across.data[c * w..(c + 1) * w],
        );
        let centre = &luma.data[y * w..(y + 1) * w];
        let out = &mut out.data[y * w..(y + 1) * w];
        for x in 0..w {
            let mean = (rows.0[x] + rows.1[x] + rows.2[x]) / 9.0;
            out[x] = ((centre[x] - mean) * scale).clamp(-1.0, 1.0);
        }
    }
    out
}

fn len(d: Lag) -> f32 {
    (d.0 as f32).hypot(d.1 as f32)
}

/// The Lagrange–Gauss reduced basis of the lattice `u`, `v` span (its two shortest
/// independent vectors), or `None` when they are collinear.
fn reduced(mut u: Lag, mut v: Lag) -> Option<(Lag, Lag)> {
    if u.0 * v.1 == u.1 * v.0 {
        return None;
    }
    let norm = |d: Lag| d.0 * d.0 + d.1 * d.1;
    loop {
        if norm(u) > norm(v) {
            std::mem::swap(&mut u, &mut v);
        }
        let dot = u.0 * v.0 + u.1 * v.1;
        // Reduced once v projects onto u by at most half of u (a tie would cycle).
        if 2 * dot.abs() <= norm(u) {
            return Some((u, v));
        }
        let k = (dot as f64 / norm(u) as f64).round() as isize;
        v = (v.0 - k * u.0, v.1 - k * u.1);
    }
}

/// The normalised autocorrelation of a picture's fine detail at lags
/// `|dx| ≤ max_x`, `0 ≤ dy ≤ max_y` (the other half is its mirror image): each lag's
/// sum over the pixels the picture and its shifted copy share, over their count,
/// relative to lag zero.
struct Acf {
    max_x: isize,
    max_y: isize,
    /// Row `dy`, column `dx + max_x`.
    values: Vec<f32>,
}

impl Acf {
    fn of(detail: &Plane) -> Option<Self> {
        let (w, h) = (detail.w, detail.h);
        if w < 3 || h < 3 {
            return None;
        }
        let max_x = (MAX_LAG_SHARE * w as f32) as usize;
        let max_y = (MAX_LAG_SHARE * h as f32) as usize;
        // Zero padding past the longest lag keeps the circular correlation linear.
        let (nx, ny) = (smooth_len(w + max_x + 1), smooth_len(h + max_y + 1));
        let mut rows = vec![Complex32::default(); nx * ny];
        for (row, line) in rows.chunks_exact_mut(nx).zip(detail.data.chunks_exact(w)) {
            for (z, &v) in row.iter_mut().zip(line) {
                z.re = v;
            }
        }
        let mut planner = FftPlanner::<f32>::new();
        let (row_fft, col_fft) = (planner.plan_fft_forward(nx), planner.plan_fft_forward(ny));
        let (row_ifft, col_ifft) = (planner.plan_fft_inverse(nx), planner.plan_fft_inverse(ny));
        // Rows past the picture are zero and stay zero.
        row_fft.process(&mut rows[..h * nx]);
        let mut cols = transpose(&rows, nx, ny);
        col_fft.process(&mut cols);
        for z in &mut cols {
            *z = Complex32::new(z.norm_sqr(), 0.0);
        }
        col_ifft.process(&mut cols);
        // Only lags 0..=max_y down are read.
        let mut rows = vec![Complex32::default(); nx * (max_y + 1)];
        for (x, col) in cols.chunks_exact(ny).enumerate() {
            for (y, z) in col[..=max_y].iter().enumerate() {
                rows[y * nx + x] = *z;
            }
        }
        row_ifft.process(&mut rows);
        let zero = rows[0].re / (w * h) as f32;
        if zero <= 0.0 {
            return None;
        }
        let (mx, my) = (max_x as isize, max_y as isize);
        let mut values = Vec::with_capacity((2 * max_x + 1) * (max_y + 1));
        for dy in 0..=max_y {
            for dx in -mx..=mx {
                let shared = (w - dx.unsigned_abs()) * (h - dy);
                let raw = rows[dy * nx + dx.rem_euclid(nx as isize) as usize].re;
                values.push(raw / shared as f32 / zero);
            }
        }
        Some(Self {
            max_x: mx,
            max_y: my,
            values,
        })
    }

    /// The value at lag `d`, `None` beyond the lags measured.
    fn at(&self, (dx, dy): Lag) -> Option<f32> {
        let (dx, dy) = if dy < 0 { (-dx, -dy) } else { (dx, dy) };
        if dy > self.max_y || dx.abs() > self.max_x {
            return None;
        }
        let row = (2 * self.max_x + 1) as usize;
        Some(self.values[dy as usize * row + (dx + self.max_x) as usize])
    }
}

/// The smallest length of at least `n` with no prime factor above 3, which the FFT
/// handles fastest.
fn smooth_len(n: usize) -> usize {
    let mut best = n.next_power_of_two();
    let mut three = 1;
    while three < best {
        let mut m = three;
        while m < n {
            m *= 2;
        }
        best = best.min(m);
        three *= 3;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reduced_basis_is_the_two_shortest_vectors() {
        // R: A8 — peaks of a lattice's autocorrelation come as any two of its
        // vectors; the consensus reads the nearest copies.
        assert_eq!(
            reduced((294, 200), (-294, 200)),
            Some(((294, 200), (-294, 200)))
        );
        assert_eq!(reduced((294, 200), (0, 200)), Some(((0, 200), (294, 0))));
        assert_eq!(reduced((40, 0), (120, 0)), None);
        // A tie (v projects onto u by exactly half of it) ends the reduction.
        assert_eq!(reduced((2, 0), (1, 5)), Some(((2, 0), (1, 5))));
        for n in [1, 7, 820, 1000, 1025] {
            let m = smooth_len(n);
            let mut r = m;
            while r % 2 == 0 {
                r /= 2;
            }
            while r % 3 == 0 {
                r /= 3;
            }
            assert!(m >= n && r == 1 && m <= n.next_power_of_two(), "{n} -> {m}");
        }
    }

    #[test]
    fn the_lattice_of_a_tiled_pattern_is_found_and_noise_has_none() {
        // R: A8
        let (w, h) = (300usize, 240usize);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut noise = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 40) as f32 / (1u64 << 24) as f32
        };
        let mut plain = Plane::new(w, h);
        for p in &mut plain.data {
            *p = 0.3 + 0.2 * noise();
        }
        let c = ImageChecks::default();
        assert_eq!(lattice(&plain, &c), None);
        // A cross every (90, 0) and (30, 70), over the same noise.
        let on_cross = |x: usize, y: usize| {
            let (tx, ty) = ((x + 900 - 30 * (y / 70)) % 90, y % 70);
            ((19..21).contains(&tx) || (19..21).contains(&ty)) && tx < 40 && ty < 40
        };
        let mut tiled = plain.clone();
        for y in 0..h {
            for x in 0..w {
                if on_cross(x, y) {
                    tiled.data[y * w + x] += 0.2;
                }
            }
        }
        let (u, v) = lattice(&tiled, &c).expect("a lattice");
        // On the lattice: d = a·(90, 0) + b·(30, 70) for whole a, b.
        let on_lattice = |d: Lag| d.1 % 70 == 0 && (d.0 - 30 * (d.1 / 70)) % 90 == 0;
        assert!(on_lattice(u) && on_lattice(v), "{u:?} {v:?}");
        let clean = consensus(&tiled, &c).expect("a consensus");
        // The cross stands out of the consensus more than out of the picture: its
        // mean difference from the rest over the rest's spread.
        let contrast = |p: &Plane| {
            let (mut on, mut off) = (Vec::new(), Vec::new());
            for y in 80..160 {
                for x in 90..200 {
                    let v = p.data[y * w + x];
                    if on_cross(x, y) {
                        on.push(v)
                    } else {
                        off.push(v)
                    }
                }
            }
            let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
            let m = mean(&off);
            let spread =
                (off.iter().map(|v| (v - m).powi(2)).sum::<f32>() / off.len() as f32).sqrt();
            (mean(&on) - m) / spread
        };
        assert!(
            contrast(&clean) > 1.5 * contrast(&tiled),
            "{} vs {}",
            contrast(&clean),
            contrast(&tiled)
        );
    }
}
