//! A robust outlier rule for style and timbre vectors (A4, A8: "inconsistent style
//! across the set").
//!
//! Each dimension is scaled by its median absolute deviation across the set, so no
//! single feature dominates; each vector's distance to the coordinate-wise median is
//! then compared with the median distance, in units of the distances' own MAD. A
//! vector is an outlier when that robust z-score exceeds the threshold. Medians and
//! MADs ignore the outliers themselves, so one odd image cannot hide another.

/// Indices of the vectors that do not belong with the rest.
///
/// Needs at least 4 vectors of one length; fewer give no outliers (a set of 3 has no
/// majority style to compare with).
///
/// ```
/// use fivergo_core::media::outliers::robust_outliers;
/// let mut set: Vec<Vec<f32>> = (0..10).map(|i| vec![1.0 + 0.01 * i as f32, 2.0 - 0.01 * i as f32]).collect();
/// set.push(vec![9.0, -4.0]);
/// let refs: Vec<&[f32]> = set.iter().map(|v| v.as_slice()).collect();
/// assert_eq!(robust_outliers(&refs, 3.5), vec![10]);
/// ```
pub fn robust_outliers(vectors: &[&[f32]], threshold: f32) -> Vec<usize> {
    let n = vectors.len();
    let Some(dims) = vectors.first().map(|v| v.len()) else {
        return Vec::new();
    };
    if n < 4
        || dims == 0
        || vectors
            .iter()
            .any(|v| v.len() != dims || v.iter().any(|x| !x.is_finite()))
    {
        return Vec::new();
    }
    let mut centre = vec![0.0f32; dims];
    let mut scale = vec![1.0f32; dims];
    for d in 0..dims {
        let column: Vec<f32> = vectors.iter().map(|v| v[d]).collect();
        let (m, mad) = median_mad(&column);
        centre[d] = m;
        // A dimension that never varies carries no information about outliers.
        scale[d] = if mad > 1e-9 { mad } else { f32::INFINITY };
    }
    let distances: Vec<f32> = vectors
        .iter()
        .map(|v| {
            v.iter()
                .zip(&centre)
                .zip(&scale)
                .map(|((x, c), s)| {
                    if s.is_finite() {
                        ((x - c) / s).powi(2)
                    } else {
                        0.0
                    }
                })
                .sum::<f32>()
                .sqrt()
        })
        .collect();
    let (median, mad) = median_mad(&distances);
    let spread = (1.4826 * mad).max(1e-6 * median.max(1.0));
    (0..n)
        .filter(|&i| (distances[i] - median) / spread > threshold)
        .collect()
}

/// A set's common style, judged with an absolute scale: each dimension is scaled by
/// its robust spread across the set (1.4826 × MAD) but never by less than its
/// `floors` entry, so a dimension on which the set happens to agree closely (greys:
/// chroma near 0) does not turn small differences into huge distances; each vector's
/// distance to the coordinate-wise median is the RMS over dimensions of the scaled
/// differences.
///
/// Returns the set's spread (the median of those distances: about 1 when the set
/// varies by its floors) and the outliers: vectors farther than both
/// `min_distance` and `threshold` robust z-scores of the distances. A set whose
/// spread exceeds `max_spread` has no common style: it is reported as such and no
/// vector is singled out (they all differ), so adding one image to an incoherent
/// set cannot flip half of it into outliers.
///
/// Needs at least 4 vectors of one length, all finite, and one floor per
/// dimension; otherwise `None`.
///
/// ```
/// use fivergo_core::media::outliers::{style_spread, StyleSpread};
/// let mut set: Vec<Vec<f32>> = (0..9).map(|i| vec![1.0 + 0.01 * i as f32, 2.0]).collect();
/// set.push(vec![9.0, 2.0]);
/// let refs: Vec<&[f32]> = set.iter().map(|v| v.as_slice()).collect();
/// let s = style_spread(&refs, &[0.5, 0.5], 3.5, 2.0, 3.0).unwrap();
/// assert_eq!(s.outliers, vec![9]);
/// assert!(!s.incoherent);
/// ```
pub fn style_spread(
    vectors: &[&[f32]],
    floors: &[f32],
    threshold: f32,
    min_distance: f32,
    max_spread: f32,
) -> Option<StyleSpread> {
    let n = vectors.len();
    let dims = vectors.first()?.len();
    if n < 4
        || dims == 0
        || floors.len() != dims
        || vectors
            .iter()
            .any(|v| v.len() != dims || v.iter().any(|x| !x.is_finite()))
    {
        return None;
    }
    let mut centre = vec![0.0f32; dims];
    let mut scale = vec![1.0f32; dims];
    for d in 0..dims {
        let column: Vec<f32> = vectors.iter().map(|v| v[d]).collect();
        let (m, mad) = median_mad(&column);
        centre[d] = m;
        scale[d] = (1.4826 * mad).max(floors[d]).max(1e-9);
    }
    let distances: Vec<f32> = vectors
        .iter()
        .map(|v| {
            let sum: f32 = v
                .iter()
                .zip(&centre)
                .zip(&scale)
                .map(|((x, c), s)| ((x - c) / s).powi(2))
                .sum();
            (sum / dims as f32).sqrt()
        })
        .collect();
    let (spread, mad) = median_mad(&distances);
    let incoherent = spread > max_spread;
    let z = (1.4826 * mad).max(1e-6 * spread.max(1.0));
    let outliers = if incoherent {
        Vec::new()
    } else {
        (0..n)
            .filter(|&i| distances[i] > min_distance && (distances[i] - spread) / z > threshold)
            .collect()
    };
    Some(StyleSpread {
        spread,
        incoherent,
        outliers,
        distances,
    })
}

/// What [`style_spread`] found.
///
/// ```
/// use fivergo_core::media::outliers::{style_spread, StyleSpread};
/// let mut set: Vec<Vec<f32>> = (0..9).map(|i| vec![1.0 + 0.01 * i as f32, 2.0]).collect();
/// set.push(vec![9.0, 2.0]);
/// let refs: Vec<&[f32]> = set.iter().map(|v| v.as_slice()).collect();
/// let s: StyleSpread = style_spread(&refs, &[0.5, 0.5], 3.5, 2.0, 3.0).unwrap();
/// assert!(s.spread < 1.0); // the nine agree within their floors
/// assert!(s.distances[9] > 10.0); // the tenth is far away
/// let strict = style_spread(&refs, &[0.5, 0.5], 3.5, 2.0, 0.01).unwrap();
/// assert!(strict.incoherent && strict.outliers.is_empty()); // over the limit: nobody is singled out
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StyleSpread {
    /// Median distance to the set's median, in floor-bounded robust units.
    pub spread: f32,
    /// The spread exceeds the limit: the set has no common style.
    pub incoherent: bool,
    /// Indices of the vectors that do not belong with the rest (empty when incoherent).
    pub outliers: Vec<usize>,
    /// Every vector's distance, in input order.
    pub distances: Vec<f32>,
}

/// Median and median absolute deviation.
fn median_mad(values: &[f32]) -> (f32, f32) {
    let m = median(values);
    let deviations: Vec<f32> = values.iter().map(|v| (v - m).abs()).collect();
    (m, median(&deviations))
}

fn median(values: &[f32]) -> f32 {
    let mut v = values.to_vec();
    v.sort_by(f32::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coherent_set_has_no_outliers() {
        // R: A4
        let set: Vec<Vec<f32>> = (0..20)
            .map(|i| vec![(i as f32 * 0.37).sin(), (i as f32 * 0.11).cos(), 5.0])
            .collect();
        let refs: Vec<&[f32]> = set.iter().map(|v| v.as_slice()).collect();
        assert!(robust_outliers(&refs, 3.5).is_empty());
    }

    #[test]
    fn two_foreign_vectors_are_both_named() {
        // R: A4
        let mut set: Vec<Vec<f32>> = (0..12)
            .map(|i| vec![0.5 + 0.02 * (i % 5) as f32, 10.0 + 0.1 * (i % 3) as f32])
            .collect();
        set.insert(3, vec![3.0, 30.0]);
        set.push(vec![-2.0, 0.0]);
        let refs: Vec<&[f32]> = set.iter().map(|v| v.as_slice()).collect();
        assert_eq!(robust_outliers(&refs, 3.5), vec![3, 13]);
    }

    #[test]
    fn small_ragged_or_non_finite_sets_give_nothing() {
        // R: A4
        let a = [1.0f32, 2.0];
        let b = [1.0f32];
        let nan = [f32::NAN, 1.0];
        assert!(robust_outliers(&[&a, &a, &a], 1.0).is_empty());
        assert!(robust_outliers(&[&a, &a, &a, &b], 1.0).is_empty());
        assert!(robust_outliers(&[&a, &a, &a, &nan], 1.0).is_empty());
    }
}
