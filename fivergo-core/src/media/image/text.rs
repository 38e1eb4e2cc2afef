//! A cheap detector of lines of text (captions, signatures, stamped and tiled marks).
//!
//! On the working-size luma, pixels that differ from their local mean by more than a
//! contrast threshold become "ink" (dark ink and light ink separately). Connected
//! components of glyph size and glyph density are chained left to right into rows
//! when they sit on one line, have similar heights and small gaps. The luma is read
//! at every angle of [`ImageChecks::text_angles_deg`] (rotated copies), so rows of a
//! diagonal mark are level in one of them. On those turned copies a difference is
//! measured against the room the ink had (white minus the local mean for light ink,
//! the mean for dark ink; [`ImageChecks::text_headroom_floor`]): a semi-transparent
//! mark moves a pixel by its opacity times that room, so it reads alike on dark and
//! bright backgrounds.
//!
//! A row counts as text only when it looks like lettering rather than texture:
//! - it holds enough glyphs, and the bands just above and below it are mostly clear
//!   of other ink (text sits on a stripe of its own; texture does not);
//! - its glyphs are drawn with a pen: the median stroke width (twice a glyph's area
//!   over its outline) over the glyph's smaller side lies in
//!   [`ImageChecks::text_stroke_thickness`] (coin rims are thinner, pebbles and
//!   fence bars thicker), and the median stroke winds
//!   ([`ImageChecks::text_min_winding`]: a bar or a blade of grass is a straight
//!   stroke at any angle, a letter turns);
//! - a row drawn with a thinner pen than printed letters
//!   ([`ImageChecks::text_printed_thickness`]), as handwriting is, must vary in
//!   glyph width ([`ImageChecks::text_min_width_spread`]): handwritten words differ
//!   in length, a row of rings such as coin rims does not;
//! - its glyphs share one stroke width and one height
//!   ([`ImageChecks::text_max_stroke_spread`],
//!   [`ImageChecks::text_max_height_spread`]).
//!
//! Ink can be as dark as the picture under it and differ only in colour (blue ink
//! on a dark coat): level passes also read the two colour-difference planes (blue
//! and red minus luma) for ink on either side of their local means
//! ([`ImageChecks::text_chroma_contrast`]).
//!
//! Lines of handwriting are often broken where the picture is as dark as the ink
//! (words running into a dark object join it). Joined-up words therefore also count
//! standing alone: thin-pen glyphs wider than high whose pen turns all along, each
//! on a stripe of its own, when enough of them share one pen and one height and
//! differ in length ([`ImageChecks::text_min_cursive_words`]).
//!
//! Texture has no reading direction: each pass also chains the same ink into
//! columns (the transposed map) with the same tests, and only the glyphs in rows
//! beyond those in columns count. A joined-up word (every glyph of a thin-pen row,
//! and any glyph that passes [`ImageChecks::text_cursive_min_winding`] and its
//! companions) counts the letters its length holds (its width over its height,
//! rounded). The measure is that count in the best single pass (angle, contrast,
//! polarity, luma or colour), over the picture and, when a mark is tiled over it,
//! over the consensus of its copies (see [`tiling`]).

mod tiling;

use super::plane::{resize, Plane};
use super::ImageChecks;

/// A connected component's box, pixel count and outline length.
#[derive(Debug, Clone, Copy)]
struct Blob {
    x0: usize,
    y0: usize,
    x1: usize, // inclusive
    y1: usize, // inclusive
    area: usize,
    /// Ink pixels with a 4-neighbour that is not ink (or outside the plane).
    outline: usize,
}

impl Blob {
    fn w(&self) -> usize {
        self.x1 - self.x0 + 1
    }
    fn h(&self) -> usize {
        self.y1 - self.y0 + 1
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) as f32 / 2.0
    }
    /// Mean stroke width: twice the area over the outline.
    fn stroke(&self) -> f32 {
        2.0 * self.area as f32 / self.outline.max(1) as f32
    }
    /// Stroke width over the smaller side of the box: small for a letter drawn
    /// with a pen, near 1 for a bar or a solid blob.
    fn thickness(&self) -> f32 {
        self.stroke() / self.w().min(self.h()) as f32
    }
    /// Length of the stroke (half the outline) over the box's diagonal: about 1
    /// for a bar or a pebble, whatever their angle, 2 or more for a letter, whose
    /// pen turns.
    fn winding(&self) -> f32 {
        self.outline as f32 / 2.0 / (self.w() as f32).hypot(self.h() as f32)
    }
}

/// A plane with the pixels that show the image (a rotated copy has empty corners).
struct View {
    plane: Plane,
    valid: Vec<bool>,
}

/// Glyphs found in text-like rows: the largest count of one pass over the angles of
/// [`ImageChecks::text_angles_deg`], dark-on-light and light-on-dark text, at the
/// full contrast and at the faint one of semi-transparent marks, read on the
/// picture, on its colour (`rgb`, the red, green and blue planes at the size of
/// `luma`) and on the consensus of a tiled mark's copies when it has one.
pub(crate) fn text_glyphs(luma: &Plane, rgb: &[Plane; 3], c: &ImageChecks) -> u32 {
    if luma.w < 8 || luma.h < 8 {
        return 0;
    }
    let mut found = best_pass(luma, c);
    if c.text_chroma_contrast > 0.0 {
        found = found.max(colour_pass(&chroma(rgb), c.text_chroma_contrast, c));
    }
    match tiling::consensus(luma, c) {
        Some(clean) => found.max(best_pass(&clean, c)),
        None => found,
    }
}

/// The largest glyph count of one pass over `luma` (see [`text_glyphs`]).
fn best_pass(luma: &Plane, c: &ImageChecks) -> u32 {
    let mut best = 0;
    // Turned passes look for tiled, semi-transparent marks: at the faint contrast
    // only, on a smaller copy (their letters are large).
    let long = luma.w.max(luma.h);
    let turned_long = (c.text_turned_px.max(1) as usize).min(long);
    let scaled = |side: usize| (side.saturating_mul(turned_long) / long).max(1);
    let small = (turned_long < long).then(|| resize(luma, scaled(luma.w), scaled(luma.h)));
    for &degrees in &c.text_angles_deg {
        let level = degrees == 0.0 || !degrees.is_finite();
        let view = if level {
            rotated(luma, 0.0)
        } else {
            rotated(small.as_ref().unwrap_or(luma), degrees)
        };
        let mean = box_mean(&view.plane, &view.valid, c.text_window_px.max(1) as usize);
        let contrasts: &[f32] = if level {
            &[c.text_contrast, c.text_faint_contrast]
        } else {
            &[c.text_faint_contrast]
        };
        for &t in contrasts {
            for sign in [-1.0f32, 1.0] {
                // Turned passes measure a difference against the room the ink had
                // (see `ImageChecks::text_headroom_floor`).
                let room = |m: f32| {
                    if level {
                        1.0
                    } else {
                        (if sign > 0.0 { 1.0 - m } else { m }).max(c.text_headroom_floor)
                    }
                };
                let ink: Vec<bool> = view
                    .plane
                    .data
                    .iter()
                    .zip(&mean)
                    .zip(&view.valid)
                    .map(|((&v, &m), &ok)| ok && sign * (v - m) > t * room(m))
                    .collect();
                best = best.max(beyond_columns(
                    &ink,
                    &view.valid,
                    view.plane.w,
                    view.plane.h,
                    c,
                    best,
                ));
            }
        }
    }
    best
}

/// The letters of `ink`'s rows beyond those of its columns (texture has no
/// reading direction), or 0 when the rows alone hold no more than `best`.
fn beyond_columns(
    ink: &[bool],
    valid: &[bool],
    w: usize,
    h: usize,
    c: &ImageChecks,
    best: u32,
) -> u32 {
    let rows = glyphs(ink, valid, w, h, c);
    // Columns only matter where the rows could raise the count.
    if rows <= best {
        return 0;
    }
    let cols = glyphs(&transpose(ink, w, h), &transpose(valid, w, h), h, w, c);
    rows.saturating_sub(cols)
}

/// The colour of an image without its brightness: blue and red minus luma of its
/// red, green and blue planes, for [`colour_pass`] to read ink as bright as the
/// picture under it.
fn chroma([r, g, b]: &[Plane; 3]) -> [Plane; 2] {
    let (mut cb, mut cr) = (Plane::new(r.w, r.h), Plane::new(r.w, r.h));
    for (i, ((&r, &g), &b)) in r.data.iter().zip(&g.data).zip(&b.data).enumerate() {
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        (cb.data[i], cr.data[i]) = (b - y, r - y);
    }
    [cb, cr]
}

/// Letters in rows of ink that differs in colour from its surroundings by more
/// than `contrast` along one of the colour-difference planes (blue or red minus
/// luma, each read for ink on either side of its local mean, as luma is read for
/// dark and light ink), at the working size: the level passes for ink as dark or
/// as bright as the picture under it.
fn colour_pass(chroma: &[Plane; 2], contrast: f32, c: &ImageChecks) -> u32 {
    let mut best = 0;
    let valid = vec![true; chroma[0].w * chroma[0].h];
    for plane in chroma {
        // A grey picture has no colour to read.
        if !plane.data.iter().any(|v| v.abs() > contrast / 2.0) {
            continue;
        }
        let mean = box_mean(plane, &valid, c.text_window_px.max(1) as usize);
        for sign in [-1.0f32, 1.0] {
            let ink: Vec<bool> = plane
                .data
                .iter()
                .zip(&mean)
                .map(|(&v, &m)| sign * (v - m) > contrast)
                .collect();
            best = best.max(beyond_columns(&ink, &valid, plane.w, plane.h, c, best));
        }
    }
    best
}

/// `luma` turned so that a line rising at `degrees` (counter-clockwise, y down)
/// runs level, on a canvas that holds all of it (bilinear samples); 0° is a copy.
fn rotated(luma: &Plane, degrees: f32) -> View {
    let (w, h) = (luma.w, luma.h);
    if degrees == 0.0 || !degrees.is_finite() {
        return View {
            plane: luma.clone(),
            valid: vec![true; w * h],
        };
    }
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (wf, hf) = (w as f32, h as f32);
    let nw = (wf * cos.abs() + hf * sin.abs()).ceil() as usize;
    let nh = (wf * sin.abs() + hf * cos.abs()).ceil() as usize;
    let mut plane = Plane::new(nw, nh);
    let mut valid = vec![false; nw * nh];
    let (cx, cy) = (wf / 2.0, hf / 2.0);
    let (ncx, ncy) = (nw as f32 / 2.0, nh as f32 / 2.0);
    for y in 0..nh {
        let v = y as f32 + 0.5 - ncy;
        for x in 0..nw {
            let u = x as f32 + 0.5 - ncx;
            // The canvas' x axis runs along (cos, −sin) in the image, its y axis
            // along (sin, cos).
            let sx = cx + u * cos + v * sin - 0.5;
            let sy = cy - u * sin + v * cos - 0.5;
            if !(sx >= 0.0 && sy >= 0.0 && sx <= wf - 1.0 && sy <= hf - 1.0) {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
            let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
            let at = |xx: usize, yy: usize| luma.data.get(yy * w + xx).copied().unwrap_or(0.0);
            let top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * fx;
            let bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * fx;
            let i = y * nw + x;
            plane.data[i] = top + (bottom - top) * fy;
            valid[i] = true;
        }
    }
    View { plane, valid }
}

/// Mean of the pixels of `plane` marked `valid` in a `(2r+1)²` window, clamped at
/// the borders. Box sums are separable: running sums along the rows, then down
/// the columns, in f64 (so that adding and dropping samples leaves no drift).
fn box_mean(plane: &Plane, valid: &[bool], r: usize) -> Vec<f32> {
    let (w, h) = (plane.w, plane.h);
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let masked = !valid.iter().all(|&ok| ok);
    // Window sums along each row: of the values, and of the mask where it has holes.
    let mut rows = vec![0.0f64; w * h];
    let mut row_counts = vec![0.0f64; if masked { w * h } else { 0 }];
    let mut line = vec![0.0f64; w];
    for (y, (src, ok)) in plane
        .data
        .chunks_exact(w)
        .zip(valid.chunks_exact(w))
        .enumerate()
    {
        let at = y * w..(y + 1) * w;
        if masked {
            for ((l, &v), &ok) in line.iter_mut().zip(src).zip(ok) {
                *l = if ok { f64::from(v) } else { 0.0 };
            }
            running_sums(&line, r, &mut rows[at.clone()]);
            for (l, &ok) in line.iter_mut().zip(ok) {
                *l = f64::from(u8::from(ok));
            }
            running_sums(&line, r, &mut row_counts[at]);
        } else {
            for (l, &v) in line.iter_mut().zip(src) {
                *l = f64::from(v);
            }
            running_sums(&line, r, &mut rows[at]);
        }
    }
    // Then down the columns, a row of window sums at a time.
    fn row(src: &[f64], w: usize, y: usize) -> &[f64] {
        src.get(y * w..(y + 1) * w).unwrap_or_default()
    }
    let add = |acc: &mut [f64], row: &[f64]| acc.iter_mut().zip(row).for_each(|(a, &v)| *a += v);
    let sub = |acc: &mut [f64], row: &[f64]| acc.iter_mut().zip(row).for_each(|(a, &v)| *a -= v);
    let (mut acc, mut acc_n) = (vec![0.0f64; w], vec![0.0f64; if masked { w } else { 0 }]);
    for y in 0..r.min(h) {
        add(&mut acc, row(&rows, w, y));
        add(&mut acc_n, row(&row_counts, w, y));
    }
    // Where every pixel counts, a window's count is its clamped size.
    let span = |i: usize, n: usize| ((i + r + 1).min(n) - i.saturating_sub(r)) as f64;
    let spans: Vec<f64> = (0..w).map(|x| span(x, w)).collect();
    let mut out = vec![0.0f32; w * h];
    for (y, out) in out.chunks_exact_mut(w).enumerate() {
        if y + r < h {
            add(&mut acc, row(&rows, w, y + r));
            add(&mut acc_n, row(&row_counts, w, y + r));
        }
        if y > r {
            sub(&mut acc, row(&rows, w, y - r - 1));
            sub(&mut acc_n, row(&row_counts, w, y - r - 1));
        }
        if masked {
            for ((o, &s), &n) in out.iter_mut().zip(&acc).zip(&acc_n) {
                *o = if n > 0.5 { (s / n) as f32 } else { 0.0 };
            }
        } else {
            let ny = span(y, h);
            for ((o, &s), &nx) in out.iter_mut().zip(&acc).zip(&spans) {
                *o = (s / (nx * ny)) as f32;
            }
        }
    }
    out
}

/// The sums of `line` over windows `x − r ..= x + r` clamped at its ends, into
/// `out` (as long as `line`).
fn running_sums(line: &[f64], r: usize, out: &mut [f64]) {
    let n = line.len();
    let mut acc: f64 = line[..r.min(n)].iter().sum();
    for (x, o) in out.iter_mut().enumerate() {
        if let Some(&v) = line.get(x + r) {
            acc += v;
        }
        if x > r {
            acc -= line[x - r - 1];
        }
        *o = acc;
    }
}

/// 8-connected components of `ink`, with the label of every pixel.
fn components(ink: &[bool], w: usize, h: usize) -> (Vec<Blob>, Vec<u32>) {
    let mut labels = vec![u32::MAX; w * h];
    let mut blobs = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !ink[start] || labels[start] != u32::MAX {
            continue;
        }
        let id = blobs.len() as u32;
        let (sx, sy) = (start % w, start / w);
        let mut b = Blob {
            x0: sx,
            y0: sy,
            x1: sx,
            y1: sy,
            area: 0,
            outline: 0,
        };
        labels[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            b.area += 1;
            b.x0 = b.x0.min(x);
            b.x1 = b.x1.max(x);
            b.y0 = b.y0.min(y);
            b.y1 = b.y1.max(y);
            let edge = x == 0 || y == 0 || x + 1 == w || y + 1 == h;
            if edge || !ink[i - 1] || !ink[i + 1] || !ink[i - w] || !ink[i + w] {
                b.outline += 1;
            }
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if ink[j] && labels[j] == u32::MAX {
                        labels[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        blobs.push(b);
    }
    (blobs, labels)
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Median of `values` (0 when empty); reorders them.
fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f32::total_cmp);
    values[values.len() / 2]
}

/// Median absolute deviation of `values` from their median, over that median (0
/// when the median is not positive).
fn relative_spread(mut values: Vec<f32>) -> f32 {
    let m = median(&mut values);
    if m <= 0.0 {
        return 0.0;
    }
    let mut dev: Vec<f32> = values.iter().map(|v| (v - m).abs()).collect();
    median(&mut dev) / m
}

/// `m` (`w` wide, `h` high) with rows and columns swapped.
fn transpose<T: Copy + Default>(m: &[T], w: usize, h: usize) -> Vec<T> {
    let mut out = vec![T::default(); w * h];
    for (y, row) in m.chunks_exact(w.max(1)).take(h).enumerate() {
        for (x, &v) in row.iter().enumerate() {
            out[x * h + y] = v;
        }
    }
    out
}

/// Letters found in `ink`: those of its text-like rows, or of its scattered
/// joined-up words when they hold more (see [`cursive_letters`]).
fn glyphs(ink: &[bool], valid: &[bool], w: usize, h: usize, c: &ImageChecks) -> u32 {
    let (blobs, labels) = components(ink, w, h);
    let (gmin, gmax) = (
        c.text_glyph_min_px.max(1) as usize,
        c.text_glyph_max_px.max(1) as usize,
    );
    // Glyph-sized, glyph-shaped components.
    let candidates: Vec<usize> = (0..blobs.len())
        .filter(|&i| {
            let b = &blobs[i];
            let fill = b.area as f32 / (b.w() * b.h()) as f32;
            (gmin..=gmax).contains(&b.h())
                && b.w() as f32 <= c.text_glyph_max_aspect * b.h() as f32
                && (c.text_glyph_min_fill..=c.text_glyph_max_fill).contains(&fill)
        })
        .collect();
    let page = Page {
        blobs: &blobs,
        labels: &labels,
        valid,
        w,
        h,
    };
    let scattered = cursive_letters(&page, &candidates, c);
    glyphs_in_rows(&page, candidates, c).max(scattered)
}

/// The components of an ink map and the label of each pixel.
struct Page<'a> {
    blobs: &'a [Blob],
    labels: &'a [u32],
    valid: &'a [bool],
    w: usize,
    h: usize,
}

impl Page<'_> {
    /// Whether the bands just above and below the box `x0..=x1` × `y0..=y1` are
    /// mostly clear of ink other than the components `members`
    /// ([`ImageChecks::text_clear_band`], [`ImageChecks::text_max_band_ink`]).
    fn clear_around(
        &self,
        members: &[usize],
        [x0, x1, y0, y1]: [usize; 4],
        c: &ImageChecks,
    ) -> bool {
        let band = ((c.text_clear_band * (y1 - y0 + 1) as f32).round() as usize).max(1);
        let (mut ink, mut cells) = (0usize, 0usize);
        let inside = |l: u32| members.iter().any(|&m| m as u32 == l);
        for (ya, yb) in [
            (y0.saturating_sub(band), y0),
            (y1 + 1, (y1 + 1 + band).min(self.h)),
        ] {
            for y in ya..yb {
                for x in x0..=x1 {
                    let i = y * self.w + x;
                    if !self.valid[i] {
                        continue;
                    }
                    cells += 1;
                    let l = self.labels[i];
                    if l != u32::MAX && !inside(l) {
                        ink += 1;
                    }
                }
            }
        }
        cells == 0 || (ink as f32) <= c.text_max_band_ink * cells as f32
    }

    /// Whether `members` were drawn with one pen at one size: their stroke widths
    /// and heights agree ([`ImageChecks::text_max_stroke_spread`],
    /// [`ImageChecks::text_max_height_spread`]).
    fn one_pen(&self, members: &[usize], c: &ImageChecks) -> bool {
        relative_spread(self.measures(members, Blob::stroke)) <= c.text_max_stroke_spread
            && relative_spread(self.measures(members, |b| b.h() as f32)) <= c.text_max_height_spread
    }

    /// `f` of each of `members`.
    fn measures(&self, members: &[usize], f: fn(&Blob) -> f32) -> Vec<f32> {
        members.iter().map(|&i| f(&self.blobs[i])).collect()
    }

    /// Whether a row is one of rings (coin rims, washers) rather than letters: at
    /// least [`ImageChecks::text_max_hollow_share`] of its glyphs have no ink of
    /// their own in the middle third of their box.
    fn rings(&self, members: &[usize], c: &ImageChecks) -> bool {
        let hollow = members
            .iter()
            .filter(|&&m| {
                let b = self.blobs[m];
                let (x0, x1) = (b.x0 + b.w() / 3, b.x1 - b.w() / 3);
                let (y0, y1) = (b.y0 + b.h() / 3, b.y1 - b.h() / 3);
                !(y0..=y1)
                    .any(|y| self.labels[y * self.w + x0..=y * self.w + x1].contains(&(m as u32)))
            })
            .count();
        hollow as f32 >= c.text_max_hollow_share * members.len() as f32
    }

    /// Whether glyph `i` is a joined-up word: drawn with a thin pen
    /// ([`ImageChecks::text_cursive_max_thickness`]), wider than high
    /// ([`ImageChecks::text_cursive_min_aspect`]), its pen turning all along
    /// ([`ImageChecks::text_cursive_min_winding`]).
    fn is_word(&self, i: usize, c: &ImageChecks) -> bool {
        let b = &self.blobs[i];
        b.w() as f32 >= c.text_cursive_min_aspect * b.h() as f32
            && b.thickness() <= c.text_cursive_max_thickness
            && b.winding() >= c.text_cursive_min_winding
    }

    /// The letters a joined-up word holds: its width over its height, rounded.
    fn letters(&self, word: usize) -> u32 {
        let b = &self.blobs[word];
        ((b.w() as f32 / b.h() as f32).round() as u32).max(1)
    }
}

/// Letters in the joined-up words scattered over `page`, wherever lines of
/// handwriting are broken by the picture (words running into a dark object join
/// it): a word is a thin-pen glyph ([`ImageChecks::text_cursive_max_thickness`])
/// wider than high ([`ImageChecks::text_cursive_min_aspect`]) whose pen turns all
/// along ([`ImageChecks::text_cursive_min_winding`]), on a stripe of its own; at
/// least [`ImageChecks::text_min_cursive_words`] of them, written by one hand,
/// count.
fn cursive_letters(page: &Page, glyphs: &[usize], c: &ImageChecks) -> u32 {
    let words: Vec<usize> = glyphs
        .iter()
        .copied()
        .filter(|&i| {
            let b = &page.blobs[i];
            page.is_word(i, c) && page.clear_around(&[i], [b.x0, b.x1, b.y0, b.y1], c)
        })
        .collect();
    if words.len() < c.text_min_cursive_words.max(1) as usize || !page.one_pen(&words, c) {
        return 0;
    }
    // Words differ in length (words of one length are common enough for their
    // median deviation to be 0, so the spread is read from the extremes).
    let mut widths = page.measures(&words, |b| b.w() as f32);
    let (short, long) = widths
        .iter()
        .fold((f32::MAX, 0.0f32), |(s, l), &w| (s.min(w), l.max(w)));
    if long - short < c.text_min_width_spread * median(&mut widths) {
        return 0;
    }
    words.iter().map(|&i| page.letters(i)).sum()
}

/// Letters in the text-like rows the `glyphs` of `page` chain into.
fn glyphs_in_rows(page: &Page, mut glyphs: Vec<usize>, c: &ImageChecks) -> u32 {
    let blobs = page.blobs;
    if glyphs.len() < c.text_min_glyphs_per_row as usize {
        return 0;
    }
    glyphs.sort_by_key(|&i| (blobs[i].x0, blobs[i].y0));
    // Chain each glyph to its nearest right-hand neighbour on the same line.
    let mut parent: Vec<usize> = (0..glyphs.len()).collect();
    for a in 0..glyphs.len() {
        let ba = blobs[glyphs[a]];
        let mut best: Option<(usize, usize)> = None;
        for (b, &gb) in glyphs.iter().enumerate().skip(a + 1) {
            let bb = blobs[gb];
            if bb.x0 > ba.x1 + (c.text_max_gap * ba.h() as f32) as usize + 1 {
                break; // sorted by x0: every later glyph is further away
            }
            if bb.x0 + 1 < ba.x1 {
                continue; // overlapping horizontally: not the next letter
            }
            let hmax = ba.h().max(bb.h()) as f32;
            let hmin = ba.h().min(bb.h()) as f32;
            if (ba.cy() - bb.cy()).abs() > c.text_max_baseline_shift * hmax
                || hmax > c.text_max_height_ratio * hmin
            {
                continue;
            }
            let gap = bb.x0.saturating_sub(ba.x1);
            if best.is_none_or(|(_, g)| gap < g) {
                best = Some((b, gap));
            }
        }
        if let Some((b, _)) = best {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[ra] = rb;
        }
    }
    let mut rows: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for (a, &g) in glyphs.iter().enumerate() {
        let r = find(&mut parent, a);
        rows.entry(r).or_default().push(g);
    }
    let mut total = 0u32;
    for members in rows.values() {
        if members.len() < c.text_min_glyphs_per_row as usize {
            continue;
        }
        let mut thickness: Vec<f32> = members.iter().map(|&i| blobs[i].thickness()).collect();
        let thickness = median(&mut thickness);
        let mut winding: Vec<f32> = members.iter().map(|&i| blobs[i].winding()).collect();
        let winding = median(&mut winding);
        let [thin, thick] = c.text_stroke_thickness;
        // A thin pen writes words of many lengths; a row of rings (coin rims) does not.
        let thin_pen = thickness < c.text_printed_thickness;
        let varied = !thin_pen
            || relative_spread(page.measures(members, |b| b.w() as f32)) >= c.text_min_width_spread;
        let lettering = page.one_pen(members, c)
            && varied
            && (thin..=thick).contains(&thickness)
            && winding >= c.text_min_winding;
        let x0 = members.iter().map(|&i| blobs[i].x0).min().unwrap_or(0);
        let x1 = members.iter().map(|&i| blobs[i].x1).max().unwrap_or(0);
        let y0 = members.iter().map(|&i| blobs[i].y0).min().unwrap_or(0);
        let y1 = members.iter().map(|&i| blobs[i].y1).max().unwrap_or(0);
        if lettering && page.clear_around(members, [x0, x1, y0, y1], c) && !page.rings(members, c) {
            // Joined-up words count the letters their length holds.
            total += members
                .iter()
                .map(|&i| {
                    if thin_pen || page.is_word(i, c) {
                        page.letters(i)
                    } else {
                        1
                    }
                })
                .sum::<u32>();
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_means_are_the_means_of_the_valid_pixels_in_each_window() {
        // R: A8 — the local mean every text pass measures ink against.
        let mut rng = crate::rng::SplitMix(7);
        for (w, h, r) in [(9, 7, 2), (5, 11, 4), (6, 4, 12), (1, 1, 3), (13, 1, 1)] {
            let mut plane = Plane::new(w, h);
            plane.data.iter_mut().for_each(|v| *v = rng.next_f32());
            let holes: Vec<bool> = (0..w * h).map(|_| rng.next_f32() > 0.3).collect();
            for valid in [vec![true; w * h], holes] {
                let got = box_mean(&plane, &valid, r);
                for y in 0..h {
                    for x in 0..w {
                        let (mut sum, mut n) = (0.0f64, 0);
                        for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                            for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
                                if valid[yy * w + xx] {
                                    sum += f64::from(plane.data[yy * w + xx]);
                                    n += 1;
                                }
                            }
                        }
                        let want = if n > 0 {
                            (sum / f64::from(n)) as f32
                        } else {
                            0.0
                        };
                        let at = got[y * w + x];
                        assert!(
                            (at - want).abs() < 1e-6,
                            "{w}x{h} r={r} at ({x}, {y}): {at} != {want}"
                        );
                    }
                }
            }
        }
    }

    /// An ink map `w` × `h` with joined-up words of looped letters `x_h` high,
    /// drawn with a square pen `pen` pixels wide, one point per 1/64 letter: `(x,
    /// baseline, letters)` each.
    fn written(w: usize, h: usize, x_h: f32, pen: usize, words: &[(f32, f32, usize)]) -> Vec<bool> {
        let mut ink = vec![false; w * h];
        for &(x, baseline, letters) in words {
            for i in 0..=letters * 64 {
                let t = i as f32 / 64.0;
                let turn = 2.0 * std::f32::consts::PI * t;
                let px = x + t * x_h * 0.9 + 0.35 * x_h * turn.sin();
                let py = baseline - x_h * (0.5 + 0.5 * turn.cos());
                let (x, y) = (px.round() as usize, py.round() as usize);
                for dy in 0..pen {
                    for dx in 0..pen {
                        ink[(y + dy) * w + x + dx] = true;
                    }
                }
            }
        }
        ink
    }

    #[test]
    fn a_joined_up_word_counts_the_letters_its_length_holds() {
        // R: A8 — a handwritten word is one component; counted as one glyph, a
        // line of words fell short of the letters an image needs to be flagged.
        let (w, h, x_h) = (400, 60, 16.0f32);
        let lengths = [3usize, 6, 4, 8, 5];
        let mut x = 10.0;
        let words: Vec<(f32, f32, usize)> = lengths
            .iter()
            .map(|&letters| {
                let word = (x, 40.0, letters);
                x += letters as f32 * x_h * 0.9 + x_h;
                word
            })
            .collect();
        let ink = written(w, h, x_h, 1, &words);
        let valid = vec![true; w * h];
        let counted = glyphs(&ink, &valid, w, h, &ImageChecks::default());
        // Each word is about its letter count times 0.9 of its height wide.
        assert!(
            counted as usize > lengths.len() + lengths.iter().sum::<usize>() / 2,
            "{counted} letters counted in {} words",
            lengths.len()
        );
    }

    #[test]
    fn scattered_joined_up_words_count_without_a_row() {
        // R: A8 — three lines of handwriting with words far apart (the picture
        // between them), no two of them neighbours in a row.
        let (w, h, x_h) = (700, 300, 24.0f32);
        let spread = [
            (10.0, 60.0, 5),
            (420.0, 60.0, 3),
            (200.0, 150.0, 7),
            (30.0, 240.0, 4),
        ];
        let valid = vec![true; w * h];
        let c = ImageChecks::default();
        let ink = written(w, h, x_h, 2, &spread);
        let counted = glyphs(&ink, &valid, w, h, &c);
        assert!((12..=22).contains(&counted), "{counted} letters in 19");
        // Not as a row: with scattered words not counted, nothing is.
        let rows_only = ImageChecks {
            text_min_cursive_words: u32::MAX,
            ..ImageChecks::default()
        };
        assert_eq!(glyphs(&ink, &valid, w, h, &rows_only), 0);
        // Too few words.
        let two = written(w, h, x_h, 2, &spread[..2]);
        assert_eq!(glyphs(&two, &valid, w, h, &c), 0);
        // Loops of one length everywhere (coils, a chain) are not words.
        let coils: Vec<(f32, f32, usize)> = spread.iter().map(|&(x, y, _)| (x, y, 5)).collect();
        let coils = written(w, h, x_h, 2, &coils);
        assert_eq!(glyphs(&coils, &valid, w, h, &c), 0);
        let any_length = ImageChecks {
            text_min_width_spread: 0.0,
            ..ImageChecks::default()
        };
        assert!(glyphs(&coils, &valid, w, h, &any_length) > 0);
        // Nor are words of two sizes, as from two pens.
        let mut sizes = written(w, h, x_h, 2, &spread[..2]);
        let big = written(w, h, 1.6 * x_h, 3, &[(200.0, 170.0, 4), (30.0, 270.0, 3)]);
        sizes.iter_mut().zip(&big).for_each(|(a, &b)| *a |= b);
        assert_eq!(glyphs(&sizes, &valid, w, h, &c), 0);
        let any_pen = ImageChecks {
            text_max_height_spread: 10.0,
            text_max_stroke_spread: 10.0,
            ..ImageChecks::default()
        };
        assert!(glyphs(&sizes, &valid, w, h, &any_pen) > 0);
    }
}
