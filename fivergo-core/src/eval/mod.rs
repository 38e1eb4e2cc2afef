//! An evaluation harness for [`Generator`]s: training time, generation latency,
//! determinism, style fidelity and watermark survival, as a table and as JSON.
//!
//! It measures any generator behind the trait, the reference ones as well as one
//! written in Python or Node and wrapped by a binding. Give it the seller's training
//! files ([`Sample`]s), optionally a second, different style's files, and an
//! [`EvalConfig`]; [`evaluate`] trains once, generates one artifact per brief and
//! seed (twice, to check determinism), and marks every output as a client draft.
//!
//! **Style fidelity** compares each output's embedding ([`embedding`]: the media
//! inspection's style vector for images, its timbre vector for audio, a hashed
//! character-trigram profile for text) with the embeddings of the training set and of
//! the other set. Every dimension is standardised over both sets first, so no single
//! feature dominates; an output is "closer to its own style" when its mean distance to
//! the own set is below its mean distance to the other set.
//!
//! Timings are wall-clock measurements of this process (they are reports, not rules,
//! so they read the system's monotonic clock rather than the hub's [`Clock`](crate::Clock)).
//!
//! ```
//! use fivergo_core::eval::{evaluate, EvalConfig, Sample};
//! use fivergo_core::*;
//! let entry = Catalogue::default().get("writing_translation").unwrap().clone();
//! let own = vec![Sample::new(b"Short, dry and to the point.".to_vec())];
//! let config = EvalConfig { seeds: vec![1, 2], ..EvalConfig::default() };
//! let report = evaluate(&EchoGenerator, &entry, &own, None, &config).unwrap();
//! assert!(report.deterministic);
//! assert_eq!(report.outputs, 2);
//! assert!(report.to_table().contains("echo"));
//! ```

pub mod fixtures;

use crate::asset::{Asset, AssetSource};
use crate::blob::Blob;
use crate::catalogue::CatalogueEntry;
use crate::error::Error;
use crate::generator::{
    Artifact, Brief, Generator, JobControl, TrainError, TrainingAsset, TrainingInput,
};
use crate::media;
use crate::policy::Policy;
use crate::watermark::{self, DraftMark, MarkStyle};
use serde::Serialize;
use std::time::Instant;

/// One training file for the harness: its bytes (PNG, JPEG, WebP, WAV or UTF-8 text)
/// and tags.
///
/// ```
/// use fivergo_core::eval::{evaluate, EvalConfig, Sample};
/// use fivergo_core::*;
/// let entry = Catalogue::default().get("writing_translation").unwrap().clone();
/// let mut tagged = Sample::new(b"Fresh bread every morning.".to_vec());
/// tagged.tags.push("bakery".into());
/// let report = evaluate(&EchoGenerator, &entry, &[tagged], None, &EvalConfig::default()).unwrap();
/// assert_eq!(report.training_samples, 1);
/// let unreadable = Sample::new(vec![0xFF, 0x00, 0xFE]);
/// assert_eq!(evaluate(&EchoGenerator, &entry, &[unreadable], None, &EvalConfig::default()).unwrap_err().code(), "asset_unreadable");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The file.
    pub bytes: Vec<u8>,
    /// Tags, as a seller would set them (A6).
    pub tags: Vec<String>,
}

impl Sample {
    /// A sample without tags.
    ///
    /// ```
    /// let s = fivergo_core::eval::Sample::new(b"hello".to_vec());
    /// assert!(s.tags.is_empty());
    /// ```
    pub fn new(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            tags: Vec::new(),
        }
    }
}

/// What to generate and how to judge it.
///
/// ```
/// let c = fivergo_core::eval::EvalConfig::default();
/// assert_eq!(c.seeds.len(), 4);
/// ```
#[derive(Debug, Clone)]
pub struct EvalConfig {
    /// The policy whose media limits and inspection thresholds apply.
    pub policy: Policy,
    /// The briefs to generate (each with every seed).
    pub briefs: Vec<Brief>,
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Instructions given to training (text generators).
    pub instructions: Option<String>,
    /// The marks applied to every output as a client draft.
    pub marks: MarkStyle,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            policy: Policy::default(),
            briefs: vec![Brief::new("a new piece in my style")],
            seeds: vec![1, 2, 3, 4],
            instructions: Some("Keep my tone.".into()),
            marks: MarkStyle::default(),
        }
    }
}

/// Latency statistics in milliseconds.
///
/// ```
/// use fivergo_core::eval::{evaluate, EvalConfig, Latency, Sample};
/// use fivergo_core::*;
/// let entry = Catalogue::default().get("writing_translation").unwrap().clone();
/// let own = [Sample::new(b"Short, dry and to the point.".to_vec())];
/// let report = evaluate(&EchoGenerator, &entry, &own, None, &EvalConfig::default()).unwrap();
/// let latency: Latency = report.generate.unwrap(); // over the 4 default seeds
/// assert!(latency.min_ms <= latency.median_ms && latency.median_ms <= latency.max_ms);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    /// Fastest run.
    pub min_ms: f64,
    /// Median run.
    pub median_ms: f64,
    /// Slowest run.
    pub max_ms: f64,
}

impl Latency {
    fn of(mut ms: Vec<f64>) -> Option<Self> {
        if ms.is_empty() {
            return None;
        }
        ms.sort_by(f64::total_cmp);
        Some(Self {
            min_ms: ms[0],
            median_ms: ms[ms.len() / 2],
            max_ms: ms[ms.len() - 1],
        })
    }
}

/// How close the outputs are to their own style versus another one.
///
/// ```
/// use fivergo_core::eval::{evaluate, fixtures, EvalConfig, Sample};
/// use fivergo_core::{media::image::encode_png, *};
/// let entry = Catalogue::default().get("tattoo").unwrap().clone();
/// let set = |draw: fn(u32, u64) -> Image| -> Vec<Sample> {
///     (0..3).map(|seed| Sample::new(encode_png(&draw(64, seed)).unwrap())).collect()
/// };
/// let config = EvalConfig { seeds: vec![1, 2], ..EvalConfig::default() };
/// let report = evaluate(&EchoGenerator, &entry, &set(fixtures::line_art), Some(&set(fixtures::soft_colour)), &config).unwrap();
/// let fidelity = report.fidelity.unwrap();
/// assert!((0.0..=1.0).contains(&fidelity.closer_share));
/// assert!(fidelity.own_distance > 0.0 && fidelity.other_distance > 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fidelity {
    /// Mean standardised distance of the outputs to the training set's embeddings.
    pub own_distance: f64,
    /// Mean standardised distance of the outputs to the other set's embeddings.
    pub other_distance: f64,
    /// Share of outputs closer to their own set than to the other (0..=1).
    pub closer_share: f64,
}

/// Whether the invisible payload survived on the outputs marked as client drafts (W2).
///
/// ```
/// use fivergo_core::eval::{evaluate, EvalConfig, Sample, WatermarkSurvival};
/// use fivergo_core::*;
/// let entry = Catalogue::default().get("writing_translation").unwrap().clone();
/// let own = [Sample::new(b"Short, dry and to the point.".to_vec())];
/// let report = evaluate(&EchoGenerator, &entry, &own, None, &EvalConfig::default()).unwrap();
/// // Four drafts, none able to hold an invisible payload: texts carry only the visible header.
/// assert_eq!(report.watermark, WatermarkSurvival { drafts: 4, embedded: 0, decoded: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WatermarkSurvival {
    /// Drafts made.
    pub drafts: usize,
    /// Drafts whose payload was embedded.
    pub embedded: usize,
    /// Embedded drafts whose payload [`trace`](crate::watermark::trace) read back exactly.
    pub decoded: usize,
}

/// The harness's findings for one generator and training set.
///
/// ```
/// use fivergo_core::eval::{evaluate, EvalConfig, EvalReport, Sample};
/// use fivergo_core::*;
/// let entry = Catalogue::default().get("writing_translation").unwrap().clone();
/// let own = [Sample::new(b"Short, dry and to the point.".to_vec())];
/// let report: EvalReport = evaluate(&EchoGenerator, &entry, &own, None, &EvalConfig::default()).unwrap();
/// assert_eq!((report.generator.as_str(), report.subcategory.as_str()), ("echo", "writing_translation"));
/// assert!(report.deterministic && report.seeds_vary);
/// assert_eq!(report.fidelity, None); // no other style to compare with
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// The generator's name.
    pub generator: String,
    /// The subcategory it was evaluated for.
    pub subcategory: String,
    /// Training files given.
    pub training_samples: usize,
    /// Wall-clock training time in milliseconds.
    pub train_ms: f64,
    /// Artifacts generated (briefs × seeds).
    pub outputs: usize,
    /// Per-artifact generation latency.
    pub generate: Option<Latency>,
    /// Every brief and seed gave the same bytes twice.
    pub deterministic: bool,
    /// Different seeds gave different outputs (at least two distinct among the seeds).
    pub seeds_vary: bool,
    /// Style fidelity, when another style's set was given and embeddings exist.
    pub fidelity: Option<Fidelity>,
    /// Invisible-mark survival on the drafts.
    pub watermark: WatermarkSurvival,
}

impl EvalReport {
    /// The report as a markdown table (one row per metric).
    ///
    /// ```
    /// # use fivergo_core::eval::*;
    /// # let r = EvalReport { generator: "g".into(), subcategory: "tattoo".into(), training_samples: 1,
    /// #   train_ms: 1.0, outputs: 0, generate: None, deterministic: true, seeds_vary: false, fidelity: None,
    /// #   watermark: WatermarkSurvival { drafts: 0, embedded: 0, decoded: 0 } };
    /// assert!(r.to_table().starts_with("| metric | g (tattoo) |"));
    /// ```
    pub fn to_table(&self) -> String {
        let mut rows = vec![
            (
                "training samples".to_string(),
                self.training_samples.to_string(),
            ),
            ("train".into(), format!("{:.1} ms", self.train_ms)),
            ("outputs".into(), self.outputs.to_string()),
        ];
        if let Some(g) = self.generate {
            rows.push((
                "generate (min / median / max)".into(),
                format!("{:.1} / {:.1} / {:.1} ms", g.min_ms, g.median_ms, g.max_ms),
            ));
        }
        rows.push((
            "deterministic (same seed, same bytes)".into(),
            yes_no(self.deterministic),
        ));
        rows.push((
            "seeds give different outputs".into(),
            yes_no(self.seeds_vary),
        ));
        if let Some(f) = self.fidelity {
            rows.push((
                "distance to own style / other style".into(),
                format!("{:.2} / {:.2}", f.own_distance, f.other_distance),
            ));
            rows.push((
                "outputs closer to own style".into(),
                format!("{:.0} %", f.closer_share * 100.0),
            ));
        }
        let w = self.watermark;
        rows.push((
            "drafts marked / payload decoded".into(),
            format!(
                "{} of {} / {} of {}",
                w.embedded, w.drafts, w.decoded, w.embedded
            ),
        ));
        let mut out = format!(
            "| metric | {} ({}) |\n|---|---|\n",
            self.generator, self.subcategory
        );
        for (k, v) in rows {
            out.push_str(&format!("| {k} | {v} |\n"));
        }
        out
    }

    /// The report as JSON.
    ///
    /// ```
    /// use fivergo_core::eval::{evaluate, EvalConfig, Sample};
    /// use fivergo_core::*;
    /// let entry = Catalogue::default().get("writing_translation").unwrap().clone();
    /// let own = [Sample::new(b"Short, dry and to the point.".to_vec())];
    /// let report = evaluate(&EchoGenerator, &entry, &own, None, &EvalConfig::default()).unwrap();
    /// let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    /// assert_eq!((json["generator"].as_str(), json["outputs"].as_u64()), (Some("echo"), Some(4)));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// Trains `generator` on `own`, generates every brief × seed twice, marks every
/// output as a client draft, and compares the outputs with `own` and `other`.
///
/// Errors: a sample the media layer refuses, or a generator error on `generate`,
/// as the typed [`Error`]; a failed or cancelled training as `generator_failed`.
///
/// ```
/// use fivergo_core::eval::{evaluate, fixtures, EvalConfig, Sample};
/// use fivergo_core::{media::image::encode_png, *};
/// let entry = Catalogue::default().get("tattoo").unwrap().clone();
/// let own: Vec<Sample> = (0..2).map(|seed| Sample::new(encode_png(&fixtures::line_art(64, seed)).unwrap())).collect();
/// let config = EvalConfig { seeds: vec![1, 2, 3], ..EvalConfig::default() };
/// let report = evaluate(&EchoGenerator, &entry, &own, None, &config).unwrap();
/// assert_eq!((report.training_samples, report.outputs), (2, 3));
/// assert!(report.deterministic);
/// assert_eq!(report.watermark.embedded, 0); // the echo generator's flat pictures cannot hold a payload
/// ```
pub fn evaluate(
    generator: &dyn Generator,
    entry: &CatalogueEntry,
    own: &[Sample],
    other: Option<&[Sample]>,
    config: &EvalConfig,
) -> Result<EvalReport, Error> {
    let assets = records(own, &config.policy)?;
    let input = TrainingInput {
        entry,
        assets: assets
            .iter()
            .map(|(asset, blob)| TrainingAsset {
                asset,
                content: Some(blob.as_bytes()),
            })
            .collect(),
        instructions: config.instructions.as_deref(),
        limits: &config.policy.media.limits,
    };
    let started = Instant::now();
    let style = generator
        .train(&input, &mut JobControl::none())
        .map_err(|e| Error::GeneratorFailed {
            reason: match e {
                TrainError::Cancelled => "training cancelled".into(),
                TrainError::Failed(reason) => reason,
            },
        })?;
    let train_ms = started.elapsed().as_secs_f64() * 1e3;

    let (mut outputs, mut latency, mut deterministic) = (Vec::new(), Vec::new(), true);
    for brief in &config.briefs {
        for &seed in &config.seeds {
            let t = Instant::now();
            let first = generator.generate(&style, brief, seed, &mut JobControl::none())?;
            latency.push(t.elapsed().as_secs_f64() * 1e3);
            deterministic &=
                generator.generate(&style, brief, seed, &mut JobControl::none())? == first;
            outputs.push(first);
        }
    }
    let seeds_vary = outputs.iter().any(|o| *o != outputs[0]);

    let mut watermark = WatermarkSurvival {
        drafts: 0,
        embedded: 0,
        decoded: 0,
    };
    for (i, out) in outputs.iter().enumerate() {
        let payload = 0xE7A1_0000 + i as u64;
        let marked = watermark::mark_draft(
            out,
            &DraftMark {
                reference: format!("eval-{i}"),
                seed: i as u64,
            },
            Some(payload),
            &config.marks,
        );
        watermark.drafts += 1;
        if marked.payload.is_ok() {
            watermark.embedded += 1;
            watermark.decoded += usize::from(
                watermark::trace(&marked.artifact, &config.marks).payload() == Some(payload),
            );
        }
    }

    let fidelity = match other {
        Some(other) => fidelity(&outputs, own, other, &config.policy)?,
        None => None,
    };
    Ok(EvalReport {
        generator: generator.name().into(),
        subcategory: entry.slug.clone(),
        training_samples: own.len(),
        train_ms,
        outputs: outputs.len(),
        generate: Latency::of(latency),
        deterministic,
        seeds_vary,
        fidelity,
        watermark,
    })
}

/// Asset records for the samples, measured as an upload would be.
fn records(samples: &[Sample], policy: &Policy) -> Result<Vec<(Asset, Blob)>, Error> {
    samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let inspected = media::inspect(&s.bytes, policy)?;
            let asset = Asset {
                id: format!("eval-asset-{}", i + 1).into(),
                owner: "eval".into(),
                source: AssetSource::Upload,
                modality: inspected.modality,
                meta: inspected.meta,
                tags: s.tags.iter().map(|t| t.trim().to_lowercase()).collect(),
                added_at: chrono::DateTime::UNIX_EPOCH,
                seq: i as u64 + 1,
                content: None,
            };
            Ok((asset, Blob::from(s.bytes.as_slice())))
        })
        .collect()
}

fn fidelity(
    outputs: &[Artifact],
    own: &[Sample],
    other: &[Sample],
    policy: &Policy,
) -> Result<Option<Fidelity>, Error> {
    let embed_samples = |set: &[Sample]| -> Result<Option<Vec<Vec<f32>>>, Error> {
        set.iter()
            .map(|s| {
                Ok(embedding(
                    &media::decode(&s.bytes, &policy.media.limits)?,
                    policy,
                ))
            })
            .collect::<Result<Option<Vec<_>>, Error>>()
    };
    let (Some(own), Some(other)) = (embed_samples(own)?, embed_samples(other)?) else {
        return Ok(None);
    };
    let Some(outs) = outputs
        .iter()
        .map(|o| embedding(o, policy))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(None);
    };
    let dim = own.first().map_or(0, Vec::len);
    if dim == 0
        || own
            .iter()
            .chain(&other)
            .chain(&outs)
            .any(|v| v.len() != dim)
    {
        return Ok(None);
    }
    // Standardise every dimension over both training sets.
    let pool: Vec<&Vec<f32>> = own.iter().chain(&other).collect();
    let n = pool.len() as f64;
    let mean: Vec<f64> = (0..dim)
        .map(|d| pool.iter().map(|v| f64::from(v[d])).sum::<f64>() / n)
        .collect();
    let sd: Vec<f64> = (0..dim)
        .map(|d| {
            (pool
                .iter()
                .map(|v| (f64::from(v[d]) - mean[d]).powi(2))
                .sum::<f64>()
                / n)
                .sqrt()
                .max(1e-9)
        })
        .collect();
    let z = |v: &Vec<f32>| -> Vec<f64> {
        v.iter()
            .enumerate()
            .map(|(d, x)| (f64::from(*x) - mean[d]) / sd[d])
            .collect()
    };
    let (own, other): (Vec<_>, Vec<_>) =
        (own.iter().map(z).collect(), other.iter().map(z).collect());
    let mean_distance = |o: &[f64], set: &[Vec<f64>]| {
        set.iter()
            .map(|s| {
                s.iter()
                    .zip(o)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .sum::<f64>()
            / set.len() as f64
    };
    let (mut own_sum, mut other_sum, mut closer) = (0.0, 0.0, 0usize);
    for o in outs.iter().map(z) {
        let (a, b) = (mean_distance(&o, &own), mean_distance(&o, &other));
        own_sum += a;
        other_sum += b;
        closer += usize::from(a < b);
    }
    let k = outs.len().max(1) as f64;
    Ok(Some(Fidelity {
        own_distance: own_sum / k,
        other_distance: other_sum / k,
        closer_share: closer as f64 / k,
    }))
}

/// Dimensions of the text embedding.
const TEXT_DIMS: usize = 64;

/// The embedding the harness compares: an image's style vector and an audio file's
/// timbre vector from media inspection (A4, A8), or for text a hashed, L2-normalised
/// profile of lower-case character trigrams in 64 buckets. `None` when
/// inspection yields no vector (e.g. an image too small to measure).
///
/// ```
/// use fivergo_core::{eval::embedding, Artifact, Policy};
/// let a = embedding(&Artifact::Text("the cat sat".into()), &Policy::default()).unwrap();
/// let b = embedding(&Artifact::Text("THE CAT SAT".into()), &Policy::default()).unwrap();
/// assert_eq!(a, b);
/// ```
pub fn embedding(artifact: &Artifact, policy: &Policy) -> Option<Vec<f32>> {
    match artifact {
        Artifact::Image(img) => media::image::inspect_image(img, policy).style_vector,
        Artifact::Audio(a) => media::audio::inspect_audio(a, policy).style_vector,
        Artifact::Text(t) => {
            let chars: Vec<char> = t.to_lowercase().chars().collect();
            let mut v = vec![0f32; TEXT_DIMS];
            for w in chars.windows(3) {
                // FNV-1a over the trigram: stable across runs and platforms.
                let h = w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
                    (h ^ u64::from(*c as u32)).wrapping_mul(0x0100_0000_01b3)
                });
                v[(h % TEXT_DIMS as u64) as usize] += 1.0;
            }
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            (norm > 0.0).then(|| v.into_iter().map(|x| x / norm).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalogue, EchoGenerator};

    #[test]
    fn echo_is_deterministic_but_its_flat_drafts_cannot_hold_a_payload() {
        // R: W2
        let entry = Catalogue::default().get("tattoo").unwrap().clone();
        let png =
            media::image::encode_png(&crate::Image::filled(300, 300, [20, 30, 40, 255])).unwrap();
        let report = evaluate(
            &EchoGenerator,
            &entry,
            &[Sample::new(png)],
            None,
            &EvalConfig::default(),
        )
        .unwrap();
        assert!(report.deterministic && report.seeds_vary);
        assert_eq!(
            (
                report.outputs,
                report.watermark.drafts,
                report.watermark.embedded
            ),
            (4, 4, 0)
        );
        assert!(report.fidelity.is_none());
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["generator"], "echo");
    }

    #[test]
    fn a_refused_sample_is_a_typed_error() {
        // R: A3
        let entry = Catalogue::default().get("tattoo").unwrap().clone();
        let err = evaluate(
            &EchoGenerator,
            &entry,
            &[Sample::new(vec![0xFF, 0x00, 0xFE])],
            None,
            &EvalConfig::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "asset_unreadable");
    }

    #[test]
    fn text_fidelity_tells_two_styles_apart() {
        // R: G2
        let entry = Catalogue::default()
            .get("writing_translation")
            .unwrap()
            .clone();
        let formal = [
            "Pursuant to the agreement, the parties hereby acknowledge the obligations set forth herein.",
            "The undersigned shall furnish documentation notwithstanding the provisions thereof.",
        ];
        let playful = [
            "Whoa, pizza party tonight!! Bring snacks, bring friends, bring the dog!",
            "Yay yay yay, sunny skies and ice cream for everyone!!",
        ];
        let set = |texts: &[&str]| {
            texts
                .iter()
                .map(|t| Sample::new(t.as_bytes().to_vec()))
                .collect::<Vec<_>>()
        };
        let config = EvalConfig {
            briefs: vec![Brief::new(formal[0])],
            seeds: vec![1],
            ..EvalConfig::default()
        };
        // The echo generator repeats the brief: a formal brief is closer to the formal set.
        let report = evaluate(
            &EchoGenerator,
            &entry,
            &set(&formal),
            Some(&set(&playful)),
            &config,
        )
        .unwrap();
        let f = report.fidelity.unwrap();
        assert!(f.own_distance < f.other_distance, "{f:?}");
        assert_eq!(f.closer_share, 1.0);
    }
}
