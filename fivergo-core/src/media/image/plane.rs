//! Float planes and the resampling the measurements share.

use crate::generator::Image;

/// One channel of `f32` samples, row-major.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plane {
    pub w: usize,
    pub h: usize,
    pub data: Vec<f32>,
}

impl Plane {
    pub fn new(w: usize, h: usize) -> Self {
        Self {
            w,
            h,
            data: vec![0.0; w * h],
        }
    }
}

/// The rows of `img` that its buffer really holds (a short buffer is measured on its
/// complete rows; extra bytes are ignored).
pub(crate) fn usable_size(img: &Image) -> (usize, usize) {
    let w = img.width as usize;
    if w == 0 {
        return (0, 0);
    }
    let rows = (img.rgba.len() / 4) / w;
    (w, rows.min(img.height as usize))
}

/// The centred `side × side` crop of `img` (clamped to its size), or `None` when the
/// image fits within it and is read whole.
pub(crate) fn centre_crop(img: &Image, side: usize) -> Option<Image> {
    let (w, h) = usable_size(img);
    let (cw, ch) = (w.min(side.max(1)), h.min(side.max(1)));
    ((cw, ch) != (w, h)).then(|| centre_rect(img, cw, ch))
}

/// The centred `cw × ch` rectangle of `img`'s usable rows (`cw`, `ch` at most its
/// size).
pub(crate) fn centre_rect(img: &Image, cw: usize, ch: usize) -> Image {
    let (w, h) = usable_size(img);
    let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
    let mut rgba = Vec::with_capacity(cw * ch * 4);
    for y in y0..y0 + ch {
        let row = (y * w + x0) * 4;
        rgba.extend_from_slice(&img.rgba[row..row + cw * 4]);
    }
    Image {
        width: cw as u32,
        height: ch as u32,
        rgba,
    }
}

/// Luma (Rec. 709 weights on the encoded values) in `[0, 1]`, composited over white
/// (a transparent background reads as paper, as it shows in most viewers).
pub(crate) fn luma(img: &Image) -> Plane {
    let (w, h) = usable_size(img);
    let mut out = Plane::new(w, h);
    let unit = unit_lut();
    for (o, px) in out.data.iter_mut().zip(img.rgba.chunks_exact(4)) {
        let y = 0.2126 * unit[px[0] as usize]
            + 0.7152 * unit[px[1] as usize]
            + 0.0722 * unit[px[2] as usize];
        *o = if px[3] == 255 {
            y
        } else {
            let a = unit[px[3] as usize];
            y * a + (1.0 - a)
        };
    }
    out
}

/// Row `y` of [`luma`] (its first `out.len()` samples) without building the plane.
pub(crate) fn luma_row(img: &Image, y: usize, out: &mut [f32], unit: &[f32; 256]) {
    let w = img.width as usize;
    let src = &img.rgba[y * w * 4..(y * w + out.len()) * 4];
    for (o, px) in out.iter_mut().zip(src.chunks_exact(4)) {
        let l = 0.2126 * unit[px[0] as usize]
            + 0.7152 * unit[px[1] as usize]
            + 0.0722 * unit[px[2] as usize];
        *o = if px[3] == 255 {
            l
        } else {
            let a = unit[px[3] as usize];
            l * a + (1.0 - a)
        };
    }
}

/// [`down2`] of [`luma`], straight from the bytes.
pub(crate) fn luma_down2(img: &Image) -> Plane {
    let (w, h) = usable_size(img);
    let (nw, nh) = (w / 2, h / 2);
    if nw == 0 || nh == 0 {
        return Plane::new(0, 0);
    }
    let mut out = Plane::new(nw, nh);
    let unit = unit_lut();
    let (mut r0, mut r1) = (vec![0.0f32; 2 * nw], vec![0.0f32; 2 * nw]);
    for y in 0..nh {
        luma_row(img, 2 * y, &mut r0, &unit);
        luma_row(img, 2 * y + 1, &mut r1, &unit);
        for (x, o) in out.data[y * nw..(y + 1) * nw].iter_mut().enumerate() {
            *o = 0.25 * (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]);
        }
    }
    out
}

/// Where the full-size samples of a round trip come from.
pub(crate) enum Full<'a> {
    /// A luma plane.
    Plane(&'a Plane),
    /// The luma of an image, computed row by row.
    Image(&'a Image),
}

/// `v / 255` for every byte.
pub(crate) fn unit_lut() -> [f32; 256] {
    std::array::from_fn(|v| v as f32 / 255.0)
}

/// The size whose longer side is `long` (at least 1 px each side, at least `min_side`
/// on the shorter side), keeping the aspect ratio.
pub(crate) fn fit_long_side(w: usize, h: usize, long: usize, min_side: usize) -> (usize, usize) {
    let long = long.max(1);
    if w == 0 || h == 0 {
        return (0, 0);
    }
    let (nw, nh) = if w >= h {
        (
            long,
            ((h as f64 * long as f64 / w as f64).round() as usize).max(1),
        )
    } else {
        (
            ((w as f64 * long as f64 / h as f64).round() as usize).max(1),
            long,
        )
    };
    (nw.max(min_side.min(long)), nh.max(min_side.min(long)))
}

/// Resamples to `nw × nh`: area averaging along an axis that shrinks (every source
/// sample counts, so no aliasing), linear interpolation along one that grows.
pub(crate) fn resize(src: &Plane, nw: usize, nh: usize) -> Plane {
    if src.w == 0 || src.h == 0 || nw == 0 || nh == 0 {
        return Plane::new(nw, nh);
    }
    if src.w == nw && src.h == nh {
        return src.clone();
    }
    if let Some(f) = exact_factor(src.w, src.h, nw, nh) {
        return box_shrink(src, f);
    }
    let xs = Taps::new(src.w, nw);
    let mut tmp = Plane::new(nw, src.h);
    for y in 0..src.h {
        xs.apply(
            &src.data[y * src.w..(y + 1) * src.w],
            &mut tmp.data[y * nw..(y + 1) * nw],
        );
    }
    vertical(&tmp, nh)
}

/// Red, green and blue in `[0, 1]`, composited over white like [`luma`], resampled to `nw × nh` (as [`resize`] does), without building the
/// full-size float planes.
pub(crate) fn rgb_resized(img: &Image, nw: usize, nh: usize) -> [Plane; 3] {
    let (w, h) = usable_size(img);
    if w == 0 || h == 0 || nw == 0 || nh == 0 {
        return [Plane::new(nw, nh), Plane::new(nw, nh), Plane::new(nw, nh)];
    }
    let unit = unit_lut();
    let composite = |px: &[u8], c: usize| {
        if px[3] == 255 {
            unit[px[c] as usize]
        } else {
            let a = unit[px[3] as usize];
            unit[px[c] as usize] * a + (1.0 - a)
        }
    };
    if let Some(f) = exact_factor(w, h, nw, nh) {
        // Whole factor on both axes: block means straight from the bytes, one pass.
        let mut out = [Plane::new(nw, nh), Plane::new(nw, nh), Plane::new(nw, nh)];
        for y in 0..nh * f {
            let src = &img.rgba[y * w * 4..(y * w + nw * f) * 4];
            let base = (y / f) * nw;
            for (x, run) in src.chunks_exact(4 * f).enumerate() {
                let mut acc = [0.0f32; 3];
                for px in run.chunks_exact(4) {
                    for (c, a) in acc.iter_mut().enumerate() {
                        *a += composite(px, c);
                    }
                }
                for c in 0..3 {
                    out[c].data[base + x] += acc[c];
                }
            }
        }
        let inv = 1.0 / (f * f) as f32;
        for p in out.iter_mut() {
            p.data.iter_mut().for_each(|v| *v *= inv);
        }
        return out;
    }
    let xs = Taps::new(w, nw);
    let mut tmp = [Plane::new(nw, h), Plane::new(nw, h), Plane::new(nw, h)];
    if let Some(f) = xs.factor {
        // Exact integer shrink: sum each run of `f` pixels straight from the bytes.
        let inv = 1.0 / f as f32;
        for y in 0..h {
            let src = &img.rgba[y * w * 4..(y + 1) * w * 4];
            for (x, run) in src.chunks_exact(4 * f).enumerate() {
                let mut acc = [0.0f32; 3];
                for px in run.chunks_exact(4) {
                    for (c, a) in acc.iter_mut().enumerate() {
                        *a += composite(px, c);
                    }
                }
                for c in 0..3 {
                    tmp[c].data[y * nw + x] = acc[c] * inv;
                }
            }
        }
    } else {
        let mut row = [vec![0.0f32; w], vec![0.0f32; w], vec![0.0f32; w]];
        for y in 0..h {
            let src = &img.rgba[y * w * 4..(y + 1) * w * 4];
            for (x, px) in src.chunks_exact(4).enumerate() {
                for (c, r) in row.iter_mut().enumerate() {
                    r[x] = composite(px, c);
                }
            }
            for c in 0..3 {
                xs.apply(&row[c], &mut tmp[c].data[y * nw..(y + 1) * nw]);
            }
        }
    }
    [
        vertical(&tmp[0], nh),
        vertical(&tmp[1], nh),
        vertical(&tmp[2], nh),
    ]
}

/// `Some(f)` when `w × h` shrinks to `nw × nh` by the same whole factor on both axes.
fn exact_factor(w: usize, h: usize, nw: usize, nh: usize) -> Option<usize> {
    (nw > 0 && nh > 0 && w % nw == 0 && h % nh == 0 && w / nw == h / nh && w > nw).then(|| w / nw)
}

/// Means of `f × f` blocks (the area resample for a whole factor), in one pass.
fn box_shrink(src: &Plane, f: usize) -> Plane {
    let (nw, nh) = (src.w / f, src.h / f);
    let mut out = Plane::new(nw, nh);
    for y in 0..nh * f {
        let row = &src.data[y * src.w..y * src.w + nw * f];
        let dst = &mut out.data[(y / f) * nw..(y / f + 1) * nw];
        for (d, run) in dst.iter_mut().zip(row.chunks_exact(f)) {
            *d += run.iter().sum::<f32>();
        }
    }
    let inv = 1.0 / (f * f) as f32;
    out.data.iter_mut().for_each(|v| *v *= inv);
    out
}

/// The vertical pass of a resample: `src.w × nh`.
fn vertical(src: &Plane, nh: usize) -> Plane {
    let w = src.w;
    if src.h == nh {
        return src.clone();
    }
    let ys = Taps::new(src.h, nh);
    let mut out = Plane::new(w, nh);
    for y in 0..nh {
        let dst = &mut out.data[y * w..(y + 1) * w];
        let (start, weights) = ys.of(y);
        for (k, &wt) in weights.iter().enumerate() {
            let srow = &src.data[(start + k) * w..(start + k + 1) * w];
            for (d, s) in dst.iter_mut().zip(srow) {
                *d += s * wt;
            }
        }
    }
    out
}

/// Resampling weights along one axis: output `j` reads source samples
/// `start[j]..start[j] + len` with the weights stored flat (summing to 1).
struct Taps {
    spans: Vec<(usize, usize, usize)>, // (first source sample, offset in weights, count)
    weights: Vec<f32>,
    /// `Some(f)` when the source is exactly `f` times longer: plain `f`-sample means.
    factor: Option<usize>,
}

impl Taps {
    fn new(n: usize, m: usize) -> Self {
        let scale = n as f64 / m as f64;
        let mut spans = Vec::with_capacity(m);
        let mut weights = Vec::new();
        for j in 0..m {
            let offset = weights.len();
            if scale >= 1.0 {
                // Area: output j covers [j·s, (j+1)·s) of the source.
                let (a, b) = (j as f64 * scale, (j as f64 + 1.0) * scale);
                let first = (a.floor() as usize).min(n - 1);
                let mut i = first;
                while (i as f64) < b && i < n {
                    let cover = (b.min(i as f64 + 1.0) - a.max(i as f64)).max(0.0);
                    weights.push((cover / scale) as f32);
                    i += 1;
                }
                spans.push((first, offset, weights.len() - offset));
            } else {
                // Linear, pixel centres aligned.
                let x = ((j as f64 + 0.5) * scale - 0.5).clamp(0.0, (n - 1) as f64);
                let i0 = (x.floor() as usize).min(n - 1);
                let t = (x - i0 as f64) as f32;
                if i0 + 1 < n {
                    weights.extend([1.0 - t, t]);
                } else {
                    weights.push(1.0);
                }
                spans.push((i0, offset, weights.len() - offset));
            }
        }
        let factor = (n % m == 0 && n > m).then_some(n / m);
        Self {
            spans,
            weights,
            factor,
        }
    }

    fn of(&self, j: usize) -> (usize, &[f32]) {
        let (start, offset, len) = self.spans[j];
        (start, &self.weights[offset..offset + len])
    }

    fn apply(&self, src: &[f32], dst: &mut [f32]) {
        if let Some(f) = self.factor {
            let inv = 1.0 / f as f32;
            for (d, chunk) in dst.iter_mut().zip(src.chunks_exact(f)) {
                *d = chunk.iter().sum::<f32>() * inv;
            }
            return;
        }
        for (j, d) in dst.iter_mut().enumerate() {
            let (start, weights) = self.of(j);
            *d = src[start..start + weights.len()]
                .iter()
                .zip(weights)
                .map(|(s, w)| s * w)
                .sum();
        }
    }
}

/// 2× box downscale (odd last row / column dropped).
pub(crate) fn down2(src: &Plane) -> Plane {
    let (w, h) = (src.w / 2, src.h / 2);
    let mut out = Plane::new(w, h);
    for y in 0..h {
        let r0 = &src.data[2 * y * src.w..];
        let r1 = &src.data[(2 * y + 1) * src.w..];
        for x in 0..w {
            out.data[y * w + x] = 0.25 * (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]);
        }
    }
    out
}

/// Catmull-Rom taps of a 2× upscale: an output a quarter pixel left of source `i`
/// reads `i-2..=i+1` with `LEFT`; one a quarter pixel right reads `i-1..=i+2` with
/// `RIGHT` (the mirror image).
const LEFT: [f32; 4] = [-0.0234375, 0.2265625, 0.8671875, -0.0703125];
const RIGHT: [f32; 4] = [-0.0703125, 0.8671875, 0.2265625, -0.0234375];

/// Mean squared difference between the full-size luma `src` (its top-left
/// `2·small.w × 2·small.h` region) and two 2× upscales of `small`: Catmull-Rom, and nearest neighbour. The
/// smaller of the two is returned, so an image blown up by pixel repetition is caught
/// as well as a smoothly interpolated one.
pub(crate) fn round_trip_residual(src: Full<'_>, small: &Plane) -> f32 {
    let (w, h) = (small.w, small.h);
    if w < 2 || h < 2 {
        return 0.0;
    }
    let unit = unit_lut();
    let mut orig = vec![0.0f32; 2 * w];
    let w2 = 2 * w;
    let clampi = |i: isize, n: usize| i.clamp(0, n as isize - 1) as usize;
    // Horizontal cubic pass of small row `r` into `out` (2w samples).
    let upsample_row = |r: usize, out: &mut [f32]| {
        let row = &small.data[r * w..(r + 1) * w];
        let p = |i: isize| row[clampi(i, w)];
        for x in 0..w {
            let xi = x as isize;
            let (a, b, c, d, e) = if x >= 2 && x + 2 < w {
                (row[x - 2], row[x - 1], row[x], row[x + 1], row[x + 2])
            } else {
                (p(xi - 2), p(xi - 1), p(xi), p(xi + 1), p(xi + 2))
            };
            out[2 * x] = LEFT[0] * a + LEFT[1] * b + LEFT[2] * c + LEFT[3] * d;
            out[2 * x + 1] = RIGHT[0] * b + RIGHT[1] * c + RIGHT[2] * d + RIGHT[3] * e;
        }
    };
    // The five horizontally upsampled rows around the current one, by row index.
    let mut ring = vec![0.0f32; 5 * w2];
    let mut tags = [usize::MAX; 5];
    let mut cubic = 0.0f64;
    let mut nearest = 0.0f64;
    let mut row_up = vec![0.0f32; w2];
    for y in 0..h {
        let yi = y as isize;
        for d in -2..=2isize {
            let r = clampi(yi + d, h);
            let slot = r % 5;
            if tags[slot] != r {
                upsample_row(r, &mut ring[slot * w2..(slot + 1) * w2]);
                tags[slot] = r;
            }
        }
        for (half, taps, base) in [(0usize, LEFT, -2isize), (1, RIGHT, -1)] {
            for (k, &t) in taps.iter().enumerate() {
                let r = clampi(yi + base + k as isize, h);
                let srow = &ring[(r % 5) * w2..(r % 5 + 1) * w2];
                if k == 0 {
                    for (d, s) in row_up.iter_mut().zip(srow) {
                        *d = s * t;
                    }
                } else {
                    for (d, s) in row_up.iter_mut().zip(srow) {
                        *d += s * t;
                    }
                }
            }
            let sy = 2 * y + half;
            match src {
                Full::Plane(p) => orig.copy_from_slice(&p.data[sy * p.w..sy * p.w + w2]),
                Full::Image(img) => luma_row(img, sy, &mut orig, &unit),
            }
            let small_row = &small.data[y * w..(y + 1) * w];
            let mut c = 0.0f32;
            let mut n = 0.0f32;
            for x in 0..w2 {
                let o = orig[x];
                c += (o - row_up[x]).powi(2);
                n += (o - small_row[x / 2]).powi(2);
            }
            cubic += f64::from(c);
            nearest += f64::from(n);
        }
    }
    let count = (4 * w * h) as f64;
    (cubic.min(nearest) / count) as f32
}

/// Edge sharpness: over the interior pixels whose Sobel gradient (luma per pixel) is
/// in the top `share` of the image and at least `floor`, the energy of the
/// 4-neighbour Laplacian divided by the energy of the gradient. Flat areas do not
/// count, and contrast cancels: a crisp edge scores near 1 or more whatever the
/// picture, an edge blurred over σ pixels about 1/σ² of that. 0 without edges.
pub(crate) fn edge_sharpness(p: &Plane, share: f32, floor: f32) -> f32 {
    if p.w < 3 || p.h < 3 {
        return 0.0;
    }
    let iw = p.w - 2;
    let rows = |y: usize| {
        let (a, b, c) = (
            &p.data[(y - 1) * p.w..y * p.w],
            &p.data[y * p.w..(y + 1) * p.w],
            &p.data[(y + 1) * p.w..(y + 2) * p.w],
        );
        (cols(a, iw), cols(b, iw), cols(c, iw))
    };
    let mut grad = vec![0f32; iw * (p.h - 2)];
    for (y, out) in (1..p.h - 1).zip(grad.chunks_exact_mut(iw)) {
        let ((al, am, ar), (bl, _, br), (cl, cm, cr)) = rows(y);
        for x in 0..iw {
            let gx = (ar[x] + 2.0 * br[x] + cr[x]) - (al[x] + 2.0 * bl[x] + cl[x]);
            let gy = (cl[x] + 2.0 * cm[x] + cr[x]) - (al[x] + 2.0 * am[x] + ar[x]);
            // Sobel gains 8 on a unit step across 2 px.
            out[x] = (gx * gx + gy * gy) / 64.0;
        }
    }
    let k = ((1.0 - share.clamp(0.0, 1.0)) * (grad.len() - 1) as f32) as usize;
    let threshold = kth_smallest(&grad, k).max(floor * floor);
    let (mut l, mut g) = (0f64, 0f64);
    for (y, gr) in (1..p.h - 1).zip(grad.chunks_exact(iw)) {
        let ((_, am, _), (bl, bm, br), (_, cm, _)) = rows(y);
        for x in 0..iw {
            if gr[x] >= threshold {
                g += f64::from(gr[x]);
                l += f64::from((am[x] + cm[x] + bl[x] + br[x] - 4.0 * bm[x]).powi(2));
            }
        }
    }
    if g > 0.0 {
        (l / g) as f32
    } else {
        0.0
    }
}

/// Left, centre and right neighbours of a row's `n` interior pixels.
fn cols(row: &[f32], n: usize) -> (&[f32], &[f32], &[f32]) {
    (&row[..n], &row[1..n + 1], &row[2..n + 2])
}

/// The `k`-th smallest (from 0) of non-negative `values`, as `select_nth_unstable`
/// would find it, by two counting passes over the bit patterns (which order
/// non-negative floats as their values): no copy, no comparisons.
fn kth_smallest(values: &[f32], k: usize) -> f32 {
    let mut counts = vec![0u32; 1 << 16];
    for v in values {
        counts[(v.to_bits() >> 16) as usize] += 1;
    }
    let pick = |counts: &[u32], mut k: usize| {
        for (bin, &n) in counts.iter().enumerate() {
            if k < n as usize {
                return (bin as u32, k);
            }
            k -= n as usize;
        }
        (counts.len() as u32 - 1, 0)
    };
    let (high, rank) = pick(&counts, k);
    counts.fill(0);
    for v in values {
        let bits = v.to_bits();
        if bits >> 16 == high {
            counts[(bits & 0xffff) as usize] += 1;
        }
    }
    let (low, _) = pick(&counts, rank);
    f32::from_bits(high << 16 | low)
}

/// Share of interior pixels whose Sobel gradient magnitude exceeds `threshold`.
pub(crate) fn edge_density(p: &Plane, threshold: f32) -> f32 {
    if p.w < 3 || p.h < 3 {
        return 0.0;
    }
    let t2 = (threshold * 8.0).powi(2); // Sobel gains 8 on a unit step across 2 px.
    let mut count = 0usize;
    for y in 1..p.h - 1 {
        let (a, b, c) = (
            &p.data[(y - 1) * p.w..],
            &p.data[y * p.w..],
            &p.data[(y + 1) * p.w..],
        );
        for x in 1..p.w - 1 {
            let gx =
                (a[x + 1] + 2.0 * b[x + 1] + c[x + 1]) - (a[x - 1] + 2.0 * b[x - 1] + c[x - 1]);
            let gy = (c[x - 1] + 2.0 * c[x] + c[x + 1]) - (a[x - 1] + 2.0 * a[x] + a[x + 1]);
            if gx * gx + gy * gy > t2 {
                count += 1;
            }
        }
    }
    count as f32 / ((p.w - 2) * (p.h - 2)) as f32
}

/// sRGB (encoded, `[0, 1]`) to CIE Lab (D65).
pub(crate) fn srgb_to_lab(r: f32, g: f32, b: f32) -> [f32; 3] {
    let lin = |c: f32| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (lin(r), lin(g), lin(b));
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    // Greys land within rounding of a = b = 0: snap them so grey stays exactly grey.
    let snap = |v: f32| if v.abs() < 1e-3 { 0.0 } else { v };
    [
        116.0 * fy - 16.0,
        snap(500.0 * (fx - fy)),
        snap(200.0 * (fy - fz)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix;

    #[test]
    fn the_counting_select_agrees_with_a_sort() {
        // R: A8 — sharpness reads the top tenth of the gradients; the counting
        // select must pick the value a sort would, ties and zeros included.
        let mut rng = SplitMix(7);
        for n in [1usize, 2, 17, 1000, 4099] {
            let values: Vec<f32> = (0..n)
                .map(|i| match i % 5 {
                    0 => 0.0,
                    1 => 0.25, // ties
                    _ => rng.next_f32() * 10f32.powi((i % 7) as i32 - 3),
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f32::total_cmp);
            for k in [0, n / 3, n * 9 / 10, n - 1] {
                assert_eq!(kth_smallest(&values, k), sorted[k], "n = {n}, k = {k}");
            }
        }
    }
}
