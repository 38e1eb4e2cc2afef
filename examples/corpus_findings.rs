//! The image findings (SPEC A4, A8) of every PNG in a folder, reviewed as one set:
//! the measurement side of `benches/compare/corpus_findings.py`, which makes the
//! labelled variants and scores the answers.
//!
//! ```text
//! cargo build --release --example corpus_findings
//! target/release/examples/corpus_findings <folder-of-pngs> [--draft-orig]
//!     [--checks '{"text_faint_contrast": 0.12}'] [--measures]
//! ```
//!
//! With `--draft-orig`, every `NAME__orig.png` also gets a `NAME__draft.png`
//! variant made in process: a fivergo draft as the hub hands it out, visible mark
//! and invisible payload ([`fivergo::watermark::mark_draft`], seed and payload from
//! the file's position). Every file is inspected as the hub inspects uploads, with
//! the default marks (so `draft_mark` is looked for).
//!
//! Prints one JSON object: `{"files": [{"file", "text_or_watermark", "draft_mark",
//! "upscaled", "blurry", "blurry_among_originals", "monochrome", "codes"}],
//! "total_ms"}`, where the flags say whether the review made that finding for the
//! file and `codes` lists all its findings; set-level findings are under `"set"`.
//! Blur is judged against the set, so `blurry_among_originals` says whether the
//! file is found blurry in the set a seller would upload: the file with the
//! `NAME__orig.png` of every other photograph.
//!
//! `--checks JSON` overrides fields of the image checks (a partial
//! `ImageChecks` object, validated like a policy), so thresholds can be swept
//! without a rebuild; `--measures` adds each file's upscale and text measures
//! (`"measures"`: octave ratios, periodicity, glyphs) to its entry.

use fivergo::asset::{review_set, Asset, AssetMeta, AssetSource};
use fivergo::media::image::{decode, inspect_image_marked, measure};
use fivergo::media::MediaLimits;
use fivergo::watermark::{mark_draft, DraftMark, MarkStyle};
use fivergo::{Artifact, Image, Modality, Policy};
use serde_json::json;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: corpus_findings <folder-of-pngs> [--draft-orig]");
        std::process::exit(2);
    };
    let with_drafts = args.iter().any(|a| a == "--draft-orig");
    let with_measures = args.iter().any(|a| a == "--measures");
    let mut policy = Policy::default();
    let marks = MarkStyle::default();
    if let Some(json) = args
        .iter()
        .position(|a| a == "--checks")
        .and_then(|i| args.get(i + 1))
    {
        policy.media.image = serde_json::from_str(json).unwrap_or_else(|e| {
            eprintln!("--checks: {e}");
            std::process::exit(2)
        });
        if let Err(e) = policy.validate() {
            eprintln!("--checks: {e}");
            std::process::exit(2);
        }
    }
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            eprintln!("cannot read {dir}: {e}");
            std::process::exit(2)
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
        .collect();
    paths.sort();
    let start = Instant::now();
    let mut images: Vec<(String, Image)> = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(img) = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| decode(&b, &MediaLimits::default()).map_err(|e| e.to_string()))
        else {
            eprintln!("{name}: cannot decode");
            continue;
        };
        if with_drafts {
            if let Some(base) = name.strip_suffix("__orig.png") {
                let mark = DraftMark {
                    reference: format!("order-{i}"),
                    seed: i as u64,
                };
                let marked =
                    mark_draft(&Artifact::Image(img.clone()), &mark, Some(i as u64), &marks);
                if let Artifact::Image(d) = marked.artifact {
                    images.push((format!("{base}__draft.png"), d));
                }
            }
        }
        images.push((name, img));
    }
    let added_at = "2026-01-01T00:00:00Z".parse().expect("a valid instant");
    let assets: Vec<Asset> = images
        .iter()
        .enumerate()
        .map(|(i, (name, img))| Asset {
            id: format!("a{i}").as_str().into(),
            owner: "bench".into(),
            source: AssetSource::Upload,
            modality: Modality::Image,
            meta: AssetMeta {
                file_name: Some(name.clone()),
                ..inspect_image_marked(img, &policy, Some(&marks.invisible))
            },
            tags: Default::default(),
            added_at,
            seq: i as u64,
            content: None,
        })
        .collect();
    let refs: Vec<&Asset> = assets.iter().collect();
    let entry = policy
        .catalogue
        .get("illustration")
        .expect("the illustration entry");
    let findings = review_set(&refs, entry, &policy);
    let total_ms = start.elapsed().as_secs_f64() * 1e3;
    let photo = |a: &Asset| {
        let name = a.meta.file_name.as_deref().unwrap_or_default();
        name.split_once("__")
            .map_or(name, |(base, _)| base)
            .to_owned()
    };
    let originals: Vec<&Asset> = assets
        .iter()
        .filter(|a| {
            a.meta
                .file_name
                .as_deref()
                .is_some_and(|n| n.ends_with("__orig.png"))
        })
        .collect();
    let blurry_among_originals = |a: &Asset| {
        let mut set: Vec<&Asset> = originals
            .iter()
            .copied()
            .filter(|o| photo(o) != photo(a))
            .collect();
        set.push(a);
        review_set(&set, entry, &policy)
            .iter()
            .any(|f| f.asset.as_ref() == Some(&a.id) && f.code == "blurry")
    };
    let files: Vec<_> = assets
        .iter()
        .zip(&images)
        .map(|(a, (_, img))| {
            let codes: Vec<&str> = findings
                .iter()
                .filter(|f| f.asset.as_ref() == Some(&a.id))
                .map(|f| f.code.as_str())
                .collect();
            let mut entry = json!({
                "file": a.meta.file_name,
                "text_or_watermark": codes.contains(&"text_or_watermark"),
                "draft_mark": codes.contains(&"draft_mark"),
                "upscaled": codes.contains(&"upscaled"),
                "blurry": codes.contains(&"blurry"),
                "blurry_among_originals": blurry_among_originals(a),
                "monochrome": a.meta.monochrome == Some(true),
                "codes": codes,
            });
            if with_measures {
                let m = measure(img, &policy.media.image);
                entry["measures"] = json!({
                    "upscale_ratio": m.upscale_ratio,
                    "lower_ratio": m.lower_ratio,
                    "detail": m.detail,
                    "upscale_factor": m.upscale_factor,
                    "periodicity": m.upscale_periodicity,
                    "period_2": m.upscale_period_2,
                    "peak": m.upscale_peak,
                    "block_edges": m.jpeg_block_edges,
                    "text_glyphs": m.text_glyphs,
                    "sharpness": m.sharpness,
                });
            }
            entry
        })
        .collect();
    let set: Vec<&str> = findings
        .iter()
        .filter(|f| f.asset.is_none())
        .map(|f| f.code.as_str())
        .collect();
    println!(
        "{}",
        json!({ "files": files, "set": set, "total_ms": total_ms })
    );
}
