//! Signal-processing helpers of the audio measurement: a radix-2 FFT, an
//! anti-aliased decimator, the YIN pitch estimator, an exact 1-D two-means split and
//! percentiles. Everything is deterministic and never panics on any input.
//!
//! The constants here are filter-design choices, not judgement thresholds: those live
//! in [`AudioChecks`](super::AudioChecks).

use std::f32::consts::PI;

/// Half-length of the decimation filter, in taps per unit of the decimation factor.
const DECIMATION_TAPS_PER_FACTOR: usize = 8;
/// The decimation filter never grows beyond this half-length (absurd sample rates).
const DECIMATION_MAX_HALF: usize = 2048;
/// Cut-off of the decimation filter as a share of the output Nyquist frequency.
pub(crate) const DECIMATION_PASSBAND: f32 = 0.9;

/// Dot product with eight independent accumulators (lets the compiler vectorise).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// An in-place iterative radix-2 complex FFT of one size.
pub(crate) struct Fft {
    n: usize,
    /// Twiddles of every stage, contiguous: stage with half-size `h` holds
    /// `e^{-iπj/h}`, `j < h`, at offset `h − 1`.
    cos: Vec<f32>,
    sin: Vec<f32>,
    rev: Vec<usize>,
}

impl Fft {
    /// A plan for `n` points; `n` is rounded up to a power of two, at least 2.
    pub(crate) fn new(n: usize) -> Self {
        let n = n.max(2).next_power_of_two();
        let bits = n.trailing_zeros();
        let rev = (0..n)
            .map(|i| i.reverse_bits() >> (usize::BITS - bits))
            .collect();
        let (mut cos, mut sin) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut h = 1;
        while h < n {
            for j in 0..h {
                let a = -std::f64::consts::PI * j as f64 / h as f64;
                cos.push(a.cos() as f32);
                sin.push(a.sin() as f32);
            }
            h *= 2;
        }
        Self { n, cos, sin, rev }
    }

    /// Forward transform of `re + i·im` (both `len()` long; other lengths do nothing).
    pub(crate) fn forward(&self, re: &mut [f32], im: &mut [f32]) {
        let n = self.n;
        if re.len() != n || im.len() != n {
            return;
        }
        for (i, &j) in self.rev.iter().enumerate() {
            if j > i {
                re.swap(i, j);
                im.swap(i, j);
            }
        }
        let mut h = 1;
        while h < n {
            let (wr, wi) = (&self.cos[h - 1..2 * h - 1], &self.sin[h - 1..2 * h - 1]);
            for (block_re, block_im) in re.chunks_exact_mut(2 * h).zip(im.chunks_exact_mut(2 * h)) {
                let (ar, br) = block_re.split_at_mut(h);
                let (ai, bi) = block_im.split_at_mut(h);
                let lanes = ar
                    .iter_mut()
                    .zip(ai.iter_mut())
                    .zip(br.iter_mut().zip(bi.iter_mut()));
                for (((ar, ai), (br, bi)), (&wr, &wi)) in lanes.zip(wr.iter().zip(wi)) {
                    let tr = *br * wr - *bi * wi;
                    let ti = *br * wi + *bi * wr;
                    *br = *ar - tr;
                    *bi = *ai - ti;
                    *ar += tr;
                    *ai += ti;
                }
            }
            h *= 2;
        }
    }
}

/// Power spectra of real frames of one size, through a complex FFT of half the size.
pub(crate) struct RealFft {
    n: usize,
    half: Fft,
    /// `e^{-2πik/n}`, `k < n/2`.
    cos: Vec<f32>,
    sin: Vec<f32>,
    re: Vec<f32>,
    im: Vec<f32>,
}

impl RealFft {
    /// A plan for real frames of `n` points (rounded up to a power of two, at least 4).
    pub(crate) fn new(n: usize) -> Self {
        let n = n.max(4).next_power_of_two();
        let (cos, sin) = (0..n / 2)
            .map(|k| {
                let a = -2.0 * std::f64::consts::PI * k as f64 / n as f64;
                (a.cos() as f32, a.sin() as f32)
            })
            .unzip();
        Self {
            n,
            half: Fft::new(n / 2),
            cos,
            sin,
            re: vec![0.0; n / 2],
            im: vec![0.0; n / 2],
        }
    }

    /// The frame size.
    pub(crate) fn len(&self) -> usize {
        self.n
    }

    /// One-sided power spectrum `|X_k|²`, `k = 0..=n/2`, of `frame · window`
    /// (zero-padded or cut to `n`).
    pub(crate) fn power(&mut self, frame: &[f32], window: &[f32], out: &mut Vec<f32>) {
        let m = self.n / 2;
        let at = |i: usize| frame.get(i).zip(window.get(i)).map_or(0.0, |(x, w)| x * w);
        for k in 0..m {
            self.re[k] = at(2 * k);
            self.im[k] = at(2 * k + 1);
        }
        self.half.forward(&mut self.re, &mut self.im);
        out.clear();
        // X_k = E_k + e^{-2πik/n} O_k with E, O the spectra of the even and odd samples:
        // E_k = (Z_k + conj Z_{m−k}) / 2, O_k = (Z_k − conj Z_{m−k}) / 2i.
        out.extend((0..=m).map(|k| {
            let (zr, zi) = (self.re[k % m], self.im[k % m]);
            let (cr, ci) = (self.re[(m - k) % m], -self.im[(m - k) % m]);
            let (er, ei) = (0.5 * (zr + cr), 0.5 * (zi + ci));
            let (or, oi) = (0.5 * (zi - ci), -0.5 * (zr - cr));
            let (wr, wi) = if k < m {
                (self.cos[k], self.sin[k])
            } else {
                (-1.0, 0.0)
            };
            let (xr, xi) = (er + wr * or - wi * oi, ei + wr * oi + wi * or);
            xr * xr + xi * xi
        }));
    }
}

/// A periodic Hann window of `n` points.
pub(crate) fn hann(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f32 / n.max(1) as f32).cos())
        .collect()
}

/// Low-pass filters `x` (windowed sinc, Blackman window) and keeps every `q`-th
/// sample. `q <= 1` returns a copy.
pub(crate) fn decimate(x: &[f32], q: usize) -> Vec<f32> {
    decimate_from(x.len(), q, |range, out| out.extend_from_slice(&x[range]))
}

/// Output samples computed per block by [`decimate_from`].
const DECIMATION_BLOCK: usize = 1 << 14;

/// [`decimate`] of a signal of `len` samples that `fill` appends range by range, so
/// the signal is never held whole (the mono mixdown of a long recording costs one
/// block, not four bytes a frame). The result is the same, value for value.
pub(crate) fn decimate_from(
    len: usize,
    q: usize,
    mut fill: impl FnMut(std::ops::Range<usize>, &mut Vec<f32>),
) -> Vec<f32> {
    if q <= 1 {
        let mut y = Vec::with_capacity(len);
        fill(0..len, &mut y);
        return y;
    }
    let half = (DECIMATION_TAPS_PER_FACTOR * q).min(DECIMATION_MAX_HALF);
    let len_h = 2 * half + 1;
    let fc = 0.5 * DECIMATION_PASSBAND / q as f32; // cycles per input sample
    let mut h: Vec<f32> = (0..len_h)
        .map(|k| {
            let t = k as f32 - half as f32;
            let sinc = if t == 0.0 {
                2.0 * fc
            } else {
                (2.0 * PI * fc * t).sin() / (PI * t)
            };
            let u = k as f32 / (len_h - 1) as f32;
            let blackman = 0.42 - 0.5 * (2.0 * PI * u).cos() + 0.08 * (4.0 * PI * u).cos();
            sinc * blackman
        })
        .collect();
    let sum: f32 = h.iter().sum();
    if sum.abs() > f32::EPSILON {
        h.iter_mut().for_each(|v| *v /= sum);
    }
    let outputs = len.div_ceil(q);
    let mut y = Vec::with_capacity(outputs);
    let mut seg = Vec::new();
    for b0 in (0..outputs).step_by(DECIMATION_BLOCK) {
        let b1 = (b0 + DECIMATION_BLOCK).min(outputs);
        // Every input the block's outputs read: [lo, hi).
        let lo = (b0 * q).saturating_sub(half);
        let hi = ((b1 - 1) * q + half + 1).min(len);
        seg.clear();
        fill(lo..hi, &mut seg);
        for m in b0..b1 {
            let centre = m * q;
            if centre >= half && centre + half < len {
                y.push(dot(&seg[centre - half - lo..=centre + half - lo], &h));
            } else {
                let mut s = 0.0;
                for (k, hk) in h.iter().enumerate() {
                    if let Some(i) = (centre + k).checked_sub(half).filter(|&i| i < len) {
                        s += seg[i - lo] * hk;
                    }
                }
                y.push(s);
            }
        }
    }
    y
}

/// Parameters of the YIN estimator at one sample rate.
pub(crate) struct Yin {
    /// Sample rate in Hz.
    pub fs: f32,
    /// Shortest period searched, in samples.
    pub tau_min: usize,
    /// Longest period searched, in samples (also the integration window).
    pub tau_max: usize,
    /// Absolute threshold on the cumulative mean normalised difference.
    pub threshold: f32,
}

impl Yin {
    /// A YIN for `f0_min..=f0_max` at `fs`; `None` when the range does not fit the rate.
    pub(crate) fn new(fs: f32, f0_min: f32, f0_max: f32, threshold: f32) -> Option<Self> {
        if !(fs.is_finite() && f0_min.is_finite() && f0_max.is_finite())
            || f0_min <= 0.0
            || f0_max <= f0_min
        {
            return None;
        }
        let tau_min = (fs / f0_max).floor().max(2.0);
        let tau_max = (fs / f0_min).ceil();
        if tau_max > 1.0e5 || tau_max < tau_min + 2.0 {
            return None;
        }
        Some(Self {
            fs,
            tau_min: tau_min as usize,
            tau_max: tau_max as usize,
            threshold,
        })
    }

    /// Samples one analysis frame needs.
    pub(crate) fn frame_len(&self) -> usize {
        2 * self.tau_max + 2
    }

    /// The f0 in Hz of a voiced frame (at least [`frame_len`](Self::frame_len) long),
    /// or `None` when no period is clear enough.
    pub(crate) fn pitch(&self, frame: &[f32], d: &mut Vec<f32>) -> Option<f32> {
        let w = self.tau_max;
        if frame.len() < self.frame_len() {
            return None;
        }
        let head = &frame[..w];
        let e0: f64 = head.iter().map(|v| f64::from(v * v)).sum();
        let mut et: f64 = e0;
        d.clear();
        d.resize(self.tau_max + 2, 0.0);
        // Difference function d(τ) = Σ (x_j − x_{j+τ})², cumulative mean normalised.
        let mut running = 0.0f64;
        d[0] = 1.0;
        for tau in 1..=self.tau_max + 1 {
            let out = f64::from(frame[tau - 1]);
            let inn = f64::from(frame[tau - 1 + w]);
            et += inn * inn - out * out;
            let r = f64::from(dot(head, &frame[tau..tau + w]));
            let diff = (e0 + et - 2.0 * r).max(0.0);
            running += diff;
            d[tau] = if running > 0.0 {
                (diff * tau as f64 / running) as f32
            } else {
                1.0
            };
        }
        let mut tau = self.tau_min;
        while tau <= self.tau_max {
            if d[tau] < self.threshold {
                while tau < self.tau_max && d[tau + 1] < d[tau] {
                    tau += 1;
                }
                let (a, b, c) = (d[tau - 1], d[tau], d[tau + 1]);
                let den = a - 2.0 * b + c;
                let shift = if den.abs() > f32::EPSILON {
                    ((a - c) / (2.0 * den)).clamp(-1.0, 1.0)
                } else {
                    0.0
                };
                let period = tau as f32 + shift;
                return (period > 0.0).then(|| self.fs / period);
            }
            tau += 1;
        }
        None
    }
}

/// One group of a [`two_means`] split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Group {
    /// Mean of the group.
    pub mean: f32,
    /// Members.
    pub count: usize,
    /// Variance of the group.
    pub variance: f32,
}

/// The exact two-means split of 1-D values (minimum within-group sum of squares),
/// lower group first. `None` for fewer than two values.
pub(crate) fn two_means(values: &[f32]) -> Option<(Group, Group)> {
    let mut v: Vec<f64> = values
        .iter()
        .filter(|x| x.is_finite())
        .map(|&x| f64::from(x))
        .collect();
    if v.len() < 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mut prefix = vec![0.0f64; n + 1];
    let mut prefix2 = vec![0.0f64; n + 1];
    for (i, x) in v.iter().enumerate() {
        prefix[i + 1] = prefix[i] + x;
        prefix2[i + 1] = prefix2[i] + x * x;
    }
    let sse = |a: usize, b: usize| {
        let (s, s2, m) = (
            prefix[b] - prefix[a],
            prefix2[b] - prefix2[a],
            (b - a) as f64,
        );
        (s2 - s * s / m).max(0.0)
    };
    let mut best = (f64::INFINITY, 1);
    for split in 1..n {
        let cost = sse(0, split) + sse(split, n);
        if cost < best.0 {
            best = (cost, split);
        }
    }
    let group = |a: usize, b: usize| {
        let m = (b - a) as f64;
        Group {
            mean: ((prefix[b] - prefix[a]) / m) as f32,
            count: b - a,
            variance: (sse(a, b) / m) as f32,
        }
    };
    Some((group(0, best.1), group(best.1, n)))
}

/// The `p`-th percentile (`0..=100`, linear interpolation) of finite values; `None`
/// when there are none.
pub(crate) fn percentile(values: &[f32], p: f32) -> Option<f32> {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    let p = if p.is_finite() {
        p.clamp(0.0, 100.0)
    } else {
        50.0
    };
    let pos = p / 100.0 * (v.len() - 1) as f32;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let t = pos - lo as f32;
    Some(v[lo] + (v[hi] - v[lo]) * t)
}

/// Mean and standard deviation of finite values (`(0, 0)` when there are none).
pub(crate) fn mean_std(values: &[f32]) -> (f32, f32) {
    let v: Vec<f64> = values
        .iter()
        .filter(|x| x.is_finite())
        .map(|&x| f64::from(x))
        .collect();
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean as f32, var.sqrt() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft_matches_a_direct_dft() {
        // R: A8
        let n = 16;
        let x: Vec<f32> = (0..n).map(|i| ((i * 7 % 5) as f32 - 2.0) * 0.3).collect();
        let (mut re, mut im) = (x.clone(), vec![0.0; n]);
        Fft::new(n).forward(&mut re, &mut im);
        let mut power = Vec::new();
        let mut real = RealFft::new(n);
        real.power(&x, &[1.0; 16], &mut power);
        assert_eq!(power.len(), n / 2 + 1);
        for (k, p) in power.iter().enumerate() {
            let direct = re[k] * re[k] + im[k] * im[k];
            assert!(
                (p - direct).abs() < 1e-4 * direct.max(1.0),
                "power bin {k}: {p} vs {direct}"
            );
        }
        for k in 0..n {
            let (mut r, mut i) = (0.0f64, 0.0f64);
            for (t, v) in x.iter().enumerate() {
                let a = -2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64;
                r += f64::from(*v) * a.cos();
                i += f64::from(*v) * a.sin();
            }
            assert!(
                (re[k] as f64 - r).abs() < 1e-4 && (im[k] as f64 - i).abs() < 1e-4,
                "bin {k}"
            );
        }
    }

    #[test]
    fn decimation_keeps_the_passband_and_removes_aliases() {
        // R: A8
        let fs = 48_000.0;
        let tone = |f: f32| {
            (0..48_000)
                .map(|i| (2.0 * PI * f * i as f32 / fs).sin())
                .collect::<Vec<f32>>()
        };
        let rms = |v: &[f32]| {
            (v[1000..v.len() - 1000].iter().map(|x| x * x).sum::<f32>() / (v.len() - 2000) as f32)
                .sqrt()
        };
        let kept = decimate(&tone(1000.0), 3);
        assert_eq!(kept.len(), 16_000);
        assert!((rms(&kept) - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.02);
        assert!(
            rms(&decimate(&tone(12_000.0), 3)) < 0.01,
            "a 12 kHz tone would alias into 4 kHz"
        );
    }

    #[test]
    fn two_means_splits_at_the_gap_and_percentiles_interpolate() {
        // R: A8
        let (lo, hi) = two_means(&[1.0, 1.2, 0.9, 8.0, 8.1, 7.9, 1.1]).unwrap();
        assert_eq!((lo.count, hi.count), (4, 3));
        assert!((hi.mean - 8.0).abs() < 1e-4);
        assert!(two_means(&[1.0]).is_none());
        assert_eq!(percentile(&[3.0, 1.0, 2.0, f32::NAN], 50.0), Some(2.0));
        assert_eq!(percentile(&[0.0, 10.0], 25.0), Some(2.5));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
