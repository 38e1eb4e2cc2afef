//! Tests of the Markov text generator: anti-copy, vocabulary, template, length,
//! determinism, cancellation and hostile input.

use super::*;
use crate::asset::{Asset, AssetMeta, AssetSource};
use crate::catalogue::{Catalogue, Modality};
use crate::generator::{CancelToken, TrainingAsset};
use crate::media::MediaLimits;

/// A text in which nearly every word is distinct, so an order-2 chain can only copy
/// it: the worst case for the anti-copy rule.
fn unique_text(words: usize, salt: u64) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "bel", "dor", "fen", "gar", "hul", "jin",
        "pex", "quo",
    ];
    let mut rng = SplitMix(salt);
    (0..words)
        .map(|i| {
            let w: String = (0..3)
                .map(|_| SYLLABLES[(rng.next_u64() % 16) as usize])
                .collect();
            if i % 11 == 10 {
                format!("{w}.")
            } else if i % 5 == 0 {
                "the".to_string()
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn asset(i: usize) -> Asset {
    Asset {
        id: format!("t{i}").into(),
        owner: "ana".into(),
        source: AssetSource::Upload,
        modality: Modality::Text,
        meta: AssetMeta::text(),
        tags: Default::default(),
        added_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        seq: i as u64,
        content: None,
    }
}

fn train_with(
    g: &MarkovGenerator,
    texts: &[&str],
    instructions: Option<&str>,
    ctl: &mut JobControl<'_>,
) -> Result<TrainedStyle, TrainError> {
    let assets: Vec<Asset> = (0..texts.len()).map(asset).collect();
    let entry = Catalogue::default()
        .get("writing_translation")
        .unwrap()
        .clone();
    let limits = MediaLimits::default();
    let input = TrainingInput {
        entry: &entry,
        assets: assets
            .iter()
            .zip(texts)
            .map(|(asset, t)| TrainingAsset {
                asset,
                content: Some(t.as_bytes()),
            })
            .collect(),
        instructions,
        limits: &limits,
    };
    g.train(&input, ctl)
}

fn train(g: &MarkovGenerator, texts: &[&str], instructions: Option<&str>) -> TrainedStyle {
    train_with(g, texts, instructions, &mut JobControl::none()).unwrap()
}

fn write(g: &MarkovGenerator, style: &TrainedStyle, brief: &str, words: u32, seed: u64) -> String {
    match g
        .generate(
            style,
            &Brief::new(brief).with_quantity(words),
            seed,
            &mut JobControl::none(),
        )
        .unwrap()
    {
        Artifact::Text(t) => t,
        other => panic!("not text: {other:?}"),
    }
}

/// The longest run of consecutive output words found verbatim (case and edge
/// punctuation aside) in one of the sources: an independent brute-force check.
fn longest_copied_run(output: &str, sources: &[&str]) -> usize {
    let out: Vec<String> = output.split_whitespace().map(normalise).collect();
    let srcs: Vec<Vec<String>> = sources
        .iter()
        .map(|s| s.split_whitespace().map(normalise).collect())
        .collect();
    let mut best = 0;
    for src in &srcs {
        // Longest common substring of the two word sequences, by dynamic programming.
        let mut prev = vec![0usize; src.len() + 1];
        for o in &out {
            let mut cur = vec![0usize; src.len() + 1];
            for (j, s) in src.iter().enumerate() {
                if o == s {
                    cur[j + 1] = prev[j] + 1;
                    best = best.max(cur[j + 1]);
                }
            }
            prev = cur;
        }
    }
    best
}

#[test]
fn no_long_verbatim_run_even_from_a_corpus_that_invites_copying() {
    // R: D5
    let sources = [unique_text(400, 1), unique_text(250, 2)];
    let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
    let g = MarkovGenerator::default();
    let style = train(&g, &sources, None);
    for seed in 0..6 {
        let text = write(&g, &style, "anything", 300, seed);
        let run = longest_copied_run(&text, &sources);
        assert!(run <= 8, "seed {seed}: copied a run of {run} words");
        assert!(
            run >= 3,
            "seed {seed}: the chain still follows the samples (run {run})"
        );
    }
    // The rule is what prevents the copy: without it the chain reproduces the sample.
    let copier = MarkovGenerator::new(MarkovSettings {
        max_verbatim_words: 10_000,
        ..MarkovSettings::default()
    });
    assert!(longest_copied_run(&write(&copier, &style, "anything", 300, 0), &sources) > 20);
    let strict = MarkovGenerator::new(MarkovSettings {
        max_verbatim_words: 3,
        ..MarkovSettings::default()
    });
    assert!(longest_copied_run(&write(&strict, &style, "anything", 300, 0), &sources) <= 3);
}

#[test]
fn the_vocabulary_comes_from_the_sellers_samples() {
    // R: D5
    let ana = "Our coffee is roasted slowly. Slowly roasted beans taste sweeter. Sweeter beans make happier mornings.";
    let other = "Quantum widgets accelerate enterprise synergy.";
    let g = MarkovGenerator::default();
    let style = train(&g, &[ana], None);
    let vocabulary: HashSet<&str> = ana.split_whitespace().collect();
    for seed in 0..4 {
        let text = write(&g, &style, "Quantum widgets", 60, seed);
        for word in text.split_whitespace() {
            assert!(vocabulary.contains(word), "`{word}` is not the seller's");
        }
        assert!(other.split_whitespace().all(|w| !text.contains(w)));
    }
}

#[test]
fn the_instructions_template_lays_out_the_text() {
    // R: A5
    let sample = unique_text(300, 7);
    let g = MarkovGenerator::default();
    let instructions =
        "Keep it upbeat and short.\n# {brief}\nIntro: {intro}\n## Details\n{details} Thanks!";
    let style = train(&g, &[&sample], Some(instructions));
    assert_eq!(
        MarkovStyle::from_style(&style).unwrap().template.len(),
        4,
        "the prose line is not template"
    );
    let text = write(&g, &style, "Spring sale", 41, 5);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], "# Spring sale");
    assert!(lines[1].starts_with("Intro: "));
    assert_eq!(lines[2], "## Details");
    assert!(lines[3].ends_with(" Thanks!"));
    let intro = lines[1]
        .trim_start_matches("Intro: ")
        .split_whitespace()
        .count();
    let details = lines[3].split_whitespace().count() - 1;
    assert_eq!(
        (intro, details),
        (21, 20),
        "41 words shared between the two slots"
    );
    assert!(!text.contains("upbeat"));
    let headings_only = train(&g, &[&sample], Some("# {brief}"));
    let text = write(&g, &headings_only, "Spring sale", 12, 5);
    let (title, body) = text.split_once('\n').unwrap();
    assert_eq!(
        (title, body.split_whitespace().count()),
        ("# Spring sale", 12),
        "a passage follows the template"
    );
}

#[test]
fn the_length_is_the_briefs_word_count() {
    // R: P4
    let sample = unique_text(200, 3);
    let g = MarkovGenerator::new(MarkovSettings {
        max_words: 150,
        ..MarkovSettings::default()
    });
    let style = train(&g, &[&sample], Some("No template here."));
    for words in [1, 7, 100] {
        assert_eq!(
            write(&g, &style, "b", words, 1).split_whitespace().count(),
            words as usize
        );
    }
    assert_eq!(
        write(&g, &style, "b", 5000, 1).split_whitespace().count(),
        150,
        "clamped to max_words"
    );
    let zero = g.generate(
        &style,
        &Brief::new("b").with_quantity(0),
        1,
        &mut JobControl::none(),
    );
    assert_eq!(zero.unwrap_err().code(), "invalid_input");
}

#[test]
fn generation_is_deterministic_and_the_seed_matters() {
    // R: C4
    let sample = unique_text(300, 4);
    let g = MarkovGenerator::default();
    let style = train(&g, &[&sample], None);
    assert_eq!(
        write(&g, &style, "b", 120, 9),
        write(&g, &style, "b", 120, 9)
    );
    assert_ne!(
        write(&g, &style, "b", 120, 9),
        write(&g, &style, "b", 120, 10)
    );
    assert_eq!(train(&g, &[&sample], None), style);
}

#[test]
fn training_and_generation_stop_when_cancelled() {
    // R: T4
    let sample = unique_text(300, 5);
    let g = MarkovGenerator::default();
    let token = CancelToken::default();
    let canceller = token.clone();
    let mut sink = |_: f32| canceller.cancel();
    let result = train_with(
        &g,
        &[&sample, &sample],
        None,
        &mut JobControl::new(&mut sink, &token),
    );
    assert_eq!(result.unwrap_err(), TrainError::Cancelled);

    let style = train(&g, &[&sample], None);
    let token = CancelToken::default();
    let canceller = token.clone();
    let mut ticks = 0;
    let mut sink = |_: f32| {
        ticks += 1;
        if ticks == 2 {
            canceller.cancel();
        }
    };
    let err = g.generate(
        &style,
        &Brief::new("b").with_quantity(1000),
        1,
        &mut JobControl::new(&mut sink, &token),
    );
    assert_eq!(err.unwrap_err().code(), "cancelled");
}

#[test]
fn empty_or_hopelessly_repetitive_text_is_a_typed_failure() {
    // R: A3
    let g = MarkovGenerator::default();
    for texts in [vec![], vec![""], vec!["   \n\t "]] {
        assert!(matches!(
            train_with(&g, &texts, None, &mut JobControl::none()),
            Err(TrainError::Failed(_))
        ));
    }
    let one = train(&g, &["Hello."], None);
    assert_eq!(
        write(&g, &one, "b", 5, 1),
        "Hello. Hello. Hello. Hello. Hello."
    );
    let parrot = "echo ".repeat(50);
    let style = train(&g, &[&parrot], None);
    assert_eq!(
        write(&g, &style, "b", 8, 1).split_whitespace().count(),
        8,
        "8 repeats are allowed"
    );
    let err = g
        .generate(
            &style,
            &Brief::new("b").with_quantity(9),
            1,
            &mut JobControl::none(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "generator_failed");
    let foreign = TrainedStyle {
        generator: "echo".into(),
        ..style.clone()
    };
    assert_eq!(
        g.generate(&foreign, &Brief::new("b"), 1, &mut JobControl::none())
            .unwrap_err()
            .code(),
        "generator_failed"
    );
    let mut broken = style;
    for order in [0u64, 1 << 40] {
        broken.data["order"] = serde_json::json!(order);
        assert_eq!(
            g.generate(&broken, &Brief::new("b"), 1, &mut JobControl::none())
                .unwrap_err()
                .code(),
            "generator_failed"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn any_corpus_gives_the_asked_words_or_a_typed_error_and_never_copies(
            picks in proptest::collection::vec(0usize..7, 0..200),
            seed in any::<u64>(),
            words in 1u32..150,
        ) {
            // R: D5
            const VOCABULARY: [&str; 7] = ["sun", "Sea.", "salt", "wind!", "the", "blue", "—"];
            let text = picks.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" ");
            let g = MarkovGenerator::default();
            match train_with(&g, &[&text], Some("{x} {brief} {y}"), &mut JobControl::none()) {
                Err(e) => prop_assert!(picks.is_empty(), "{e:?}"),
                Ok(style) => match g.generate(&style, &Brief::new("brief"), seed, &mut JobControl::none()) {
                    Ok(Artifact::Text(out)) => {
                        prop_assert!(longest_copied_run(&out, &[&text]) <= 8);
                        prop_assert_eq!(out.split_whitespace().count(), 2);
                    }
                    Ok(other) => prop_assert!(false, "not text: {:?}", other),
                    Err(e) => prop_assert_eq!(e.code(), "generator_failed"),
                },
            }
            if let Ok(style) = train_with(&g, &[&text], None, &mut JobControl::none()) {
                if let Ok(Artifact::Text(out)) = g.generate(&style, &Brief::new("b").with_quantity(words), seed, &mut JobControl::none()) {
                    prop_assert_eq!(out.split_whitespace().count(), words as usize);
                    prop_assert!(longest_copied_run(&out, &[&text]) <= 8);
                }
            }
        }
    }
}
