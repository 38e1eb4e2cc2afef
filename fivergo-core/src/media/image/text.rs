//! A cheap detector of rows of text (captions, signatures, stamped marks).
//!
//! On the working-size luma, pixels that differ from their local mean by more than a
//! contrast threshold become "ink" (dark ink and light ink separately). Connected
//! components of glyph size and glyph density are chained left to right into rows
//! when they sit on one line, have similar heights and small gaps; a row counts as
//! text when it holds enough glyphs and the bands just above and below it are
//! mostly clear of ink (text sits on a plain stripe; texture does not). The count of
//! glyphs in such rows is the measure.

use super::plane::Plane;
use super::ImageChecks;

/// A connected component's box and pixel count.
#[derive(Debug, Clone, Copy)]
struct Blob {
    x0: usize,
    y0: usize,
    x1: usize, // inclusive
    y1: usize, // inclusive
    area: usize,
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
}

/// Glyphs found in text-like rows: the larger count of dark-on-light and
/// light-on-dark text, at the full contrast and at the faint one of
/// semi-transparent marks.
pub(crate) fn text_glyphs(luma: &Plane, c: &ImageChecks) -> u32 {
    if luma.w < 8 || luma.h < 8 {
        return 0;
    }
    glyphs_at(luma, c.text_contrast, c).max(glyphs_at(luma, c.text_faint_contrast, c))
}

/// Glyphs in level rows at one contrast threshold.
fn glyphs_at(luma: &Plane, t: f32, c: &ImageChecks) -> u32 {
    let mean = box_mean(luma, c.text_window_px.max(1) as usize);
    let dark: Vec<bool> = luma
        .data
        .iter()
        .zip(&mean)
        .map(|(&v, &m)| v < m - t)
        .collect();
    let light: Vec<bool> = luma
        .data
        .iter()
        .zip(&mean)
        .map(|(&v, &m)| v > m + t)
        .collect();
    glyphs_in_rows(&dark, luma.w, luma.h, c).max(glyphs_in_rows(&light, luma.w, luma.h, c))
}

/// Mean over a `(2r+1)²` window, clamped at the borders, via an integral image.
fn box_mean(p: &Plane, r: usize) -> Vec<f32> {
    let (w, h) = (p.w, p.h);
    let mut integral = vec![0.0f64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0.0f64;
        for x in 0..w {
            row += f64::from(p.data[y * w + x]);
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let mut out = vec![0.0f32; w * h];
    for y in 0..h {
        let (ya, yb) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (xa, xb) = (x.saturating_sub(r), (x + r + 1).min(w));
            let s = integral[yb * (w + 1) + xb]
                - integral[ya * (w + 1) + xb]
                - integral[yb * (w + 1) + xa]
                + integral[ya * (w + 1) + xa];
            out[y * w + x] = (s / ((yb - ya) * (xb - xa)) as f64) as f32;
        }
    }
    out
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

fn glyphs_in_rows(ink: &[bool], w: usize, h: usize, c: &ImageChecks) -> u32 {
    let (blobs, labels) = components(ink, w, h);
    let (gmin, gmax) = (
        c.text_glyph_min_px.max(1) as usize,
        c.text_glyph_max_px.max(1) as usize,
    );
    // Glyph-sized, glyph-shaped components.
    let mut glyphs: Vec<usize> = (0..blobs.len())
        .filter(|&i| {
            let b = &blobs[i];
            let fill = b.area as f32 / (b.w() * b.h()) as f32;
            (gmin..=gmax).contains(&b.h())
                && b.w() as f32 <= c.text_glyph_max_aspect * b.h() as f32
                && (c.text_glyph_min_fill..=c.text_glyph_max_fill).contains(&fill)
        })
        .collect();
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
        let x0 = members.iter().map(|&i| blobs[i].x0).min().unwrap_or(0);
        let x1 = members.iter().map(|&i| blobs[i].x1).max().unwrap_or(0);
        let y0 = members.iter().map(|&i| blobs[i].y0).min().unwrap_or(0);
        let y1 = members.iter().map(|&i| blobs[i].y1).max().unwrap_or(0);
        let band = ((c.text_clear_band * (y1 - y0 + 1) as f32).round() as usize).max(1);
        let mut ink_count = 0usize;
        let mut cells = 0usize;
        let inside = |l: u32| members.iter().any(|&m| m as u32 == l);
        for (ya, yb) in [
            (y0.saturating_sub(band), y0),
            (y1 + 1, (y1 + 1 + band).min(h)),
        ] {
            for y in ya..yb {
                for x in x0..=x1 {
                    cells += 1;
                    let l = labels[y * w + x];
                    if l != u32::MAX && !inside(l) {
                        ink_count += 1;
                    }
                }
            }
        }
        if cells == 0 || (ink_count as f32) <= c.text_max_band_ink * cells as f32 {
            total += members.len() as u32;
        }
    }
    total
}
