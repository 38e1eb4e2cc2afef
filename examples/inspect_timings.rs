//! Times image inspection (decode + measure, SPEC A3/A4/A8) of every PNG in a folder,
//! as the hub inspects uploads (with the default marks, so the draft mark is looked
//! for too), one file after another on one thread (the filter bank's convolution may
//! use the candle CPU thread pool).
//!
//! ```text
//! cargo build --release --example inspect_timings
//! target/release/examples/inspect_timings <folder-of-pngs>
//! ```
//!
//! Prints one JSON object: `{"files": n, "total_ms": .., "per_file_ms": [..],
//! "flagged": {..}, "mean_sharpness": .., "mean_chroma": .., "errors": [..]}`, where
//! `total_ms` covers reading, decoding and measuring every file, `flagged` counts the
//! images each per-image measure flagged, the means let a comparison check that both
//! sides measured the same thing, and files that fail to decode are listed under
//! `errors` with their error code.

use fivergo::media::inspect_marked;
use fivergo::watermark::MarkStyle;
use fivergo::Policy;
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: inspect_timings <folder-of-pngs>");
        std::process::exit(2);
    };
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
            .collect(),
        Err(e) => {
            eprintln!("cannot read {dir}: {e}");
            std::process::exit(2);
        }
    };
    paths.sort();
    let (policy, marks) = (Policy::default(), MarkStyle::default());
    let mut per_file_ms = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    let (mut measured, mut upscaled, mut mono, mut text, mut drafts) =
        (0u32, 0u32, 0u32, 0u32, 0u32);
    let (mut sharpness, mut chroma) = (0.0f64, 0.0f64);
    let start = Instant::now();
    for path in &paths {
        let t = Instant::now();
        let result = std::fs::read(path)
            .map_err(|e| fivergo::Error::AssetUnreadable {
                reason: e.to_string(),
            })
            .and_then(|bytes| inspect_marked(&bytes, &policy, Some(&marks.invisible)));
        per_file_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        match result {
            Ok(found) => {
                let m = found.meta;
                measured += 1;
                sharpness += f64::from(m.sharpness.unwrap_or(0.0));
                chroma += f64::from(m.mean_chroma.unwrap_or(0.0));
                upscaled += u32::from(m.upscaled == Some(true));
                mono += u32::from(m.monochrome == Some(true));
                text += u32::from(m.text_or_watermark == Some(true));
                drafts += u32::from(m.draft_mark == Some(true));
            }
            Err(e) => errors
                .push(serde_json::json!({"file": path.display().to_string(), "code": e.code()})),
        }
    }
    let total_ms = start.elapsed().as_secs_f64() * 1000.0;
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    let out = serde_json::json!({
        "files": paths.len(),
        "total_ms": round(total_ms),
        "per_file_ms": per_file_ms.iter().map(|&v| round(v)).collect::<Vec<_>>(),
        "flagged": {"measured": measured, "upscaled": upscaled, "monochrome": mono, "text_or_watermark": text, "draft_mark": drafts},
        "mean_sharpness": if measured > 0 { sharpness / f64::from(measured) } else { 0.0 },
        "mean_chroma": if measured > 0 { chroma / f64::from(measured) } else { 0.0 },
        "errors": errors,
    });
    println!("{out}");
}
