//! Runs the evaluation harness ([`fivergo::eval`]) over the reference generators on
//! the synthetic seller styles of [`fivergo::eval::fixtures`]: each generator is
//! trained on one style and its outputs are compared with that style and with a
//! clearly different one; every output is also marked as a client draft.
//!
//! ```text
//! cargo run --release --example eval_generators [-- --size 512] [--json target/eval.json]
//! ```
//!
//! Prints one markdown table per run and, with `--json`, writes every report as a
//! JSON array. The echo generator runs first as the baseline that learns nothing.

use fivergo::eval::fixtures::{line_art, music, soft_colour, writing, MusicStyle};
use fivergo::eval::{evaluate, EvalConfig, EvalReport, Sample};
use fivergo::generator::{image::QuiltGenerator, jingle::JingleGenerator, text::MarkovGenerator};
use fivergo::media::{audio::encode_wav, image::encode_png};
use fivergo::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let size: u32 = flag("--size").and_then(|s| s.parse().ok()).unwrap_or(512);
    let catalogue = Catalogue::default();
    let entry = |slug: &str| {
        catalogue
            .get(slug)
            .cloned()
            .ok_or_else(|| format!("no subcategory {slug}"))
    };

    let pictures = |draw: fn(u32, u64) -> Image, seed: u64| -> Result<Vec<Sample>, Error> {
        (0..10)
            .map(|i| Ok(Sample::new(encode_png(&draw(size, seed + i))?)))
            .collect()
    };
    let (lines, colour) = (pictures(line_art, 100)?, pictures(soft_colour, 200)?);
    let songs = |style: MusicStyle, seed: u64| -> Result<Vec<Sample>, Error> {
        (0..4)
            .map(|i| {
                Ok(Sample::new(encode_wav(&music(
                    style,
                    20.0,
                    22_050,
                    seed + i,
                ))?))
            })
            .collect()
    };
    let (mellow, bright) = (
        songs(MusicStyle::MELLOW, 300)?,
        songs(MusicStyle::BRIGHT, 400)?,
    );
    let texts = |formal: bool| {
        writing(formal)
            .into_iter()
            .map(|t| Sample::new(t.into_bytes()))
            .collect::<Vec<_>>()
    };
    let (formal, playful) = (texts(true), texts(false));

    let pictures_config = EvalConfig::default();
    let jingle_config = EvalConfig {
        briefs: vec![Brief::new("a jingle for a bakery").with_quantity(15)],
        ..EvalConfig::default()
    };
    let text_config = EvalConfig {
        briefs: vec![Brief::new("a note to the client").with_quantity(60)],
        instructions: Some("Write in my usual voice.".into()),
        ..EvalConfig::default()
    };

    let quilt = QuiltGenerator::default();
    let jingle = JingleGenerator::default();
    let markov = MarkovGenerator::default();
    // (title, generator, subcategory, own style, other style, config)
    type Run<'a> = (
        &'a str,
        &'a dyn Generator,
        &'a str,
        &'a [Sample],
        &'a [Sample],
        &'a EvalConfig,
    );
    let runs: Vec<Run> = vec![
        (
            "baseline: echo on line art",
            &EchoGenerator,
            "tattoo",
            &lines,
            &colour,
            &pictures_config,
        ),
        (
            "quilt on line art (other: soft colour)",
            &quilt,
            "tattoo",
            &lines,
            &colour,
            &pictures_config,
        ),
        (
            "quilt on soft colour (other: line art)",
            &quilt,
            "illustration",
            &colour,
            &lines,
            &pictures_config,
        ),
        (
            "jingle on mellow A minor 90 BPM (other: bright E major 140 BPM)",
            &jingle,
            "jingles",
            &mellow,
            &bright,
            &jingle_config,
        ),
        (
            "jingle on bright E major 140 BPM (other: mellow)",
            &jingle,
            "jingles",
            &bright,
            &mellow,
            &jingle_config,
        ),
        (
            "markov on formal writing (other: playful)",
            &markov,
            "writing_translation",
            &formal,
            &playful,
            &text_config,
        ),
        (
            "markov on playful writing (other: formal)",
            &markov,
            "writing_translation",
            &playful,
            &formal,
            &text_config,
        ),
    ];
    let mut reports: Vec<EvalReport> = Vec::new();
    for (title, generator, slug, own, other, config) in runs {
        let report = evaluate(generator, &entry(slug)?, own, Some(other), config)?;
        println!("### {title}\n\n{}", report.to_table());
        reports.push(report);
    }
    if let Some(path) = flag("--json") {
        std::fs::write(&path, serde_json::to_string_pretty(&reports)?)?;
        println!("wrote {path}");
    }
    Ok(())
}
