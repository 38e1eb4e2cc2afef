//! The reference text generator: a word-level Markov chain over the seller's samples,
//! laid out by the template in the seller's instructions, that never copies a long
//! run of words from the samples.
//!
//! **What it does.** Training splits every text asset into words (whitespace
//! separated; punctuation stays attached, so the seller's punctuation habits carry
//! over) and keeps them with the template lines of the instructions. Generation
//! builds a chain of order [`MarkovSettings::order`] (each next word is drawn, with
//! the seed, from the words that followed the last `order` words somewhere in the
//! samples; when that context was never seen it backs off to shorter contexts, and to
//! a sentence opening of the samples when even one word has no successor).
//!
//! **Anti-copy rule.** No run of more than [`MarkovSettings::max_verbatim_words`]
//! consecutive output words appears verbatim in one sample (compared case-insensitively,
//! ignoring punctuation at word edges): before a word is emitted, the run it would
//! close is looked up among the samples' runs of that length, and a word that would
//! complete a copied run is not drawn (the chain backs off to shorter contexts, then
//! to sentence openings, then to any word of the samples). When no word at all can
//! continue the text without copying (a sample of one repeated word), generation
//! fails with `generator_failed` rather than break the rule.
//!
//! **Instructions as a template.** Lines of the instructions that contain a `{slot}`
//! or start with `#` (a heading) form the template, in order; other lines are
//! descriptions for humans and are not used. In the template, `{brief}` is replaced by
//! the brief's text, every other `{name}` by generated text, and everything else is
//! kept as written. The `brief.quantity` words (clamped to
//! [`MarkovSettings::max_words`]) are shared between the generated slots, earlier
//! slots taking the remainder; the template's own words and the brief come on top.
//! Without template lines the output is one generated passage of exactly
//! `brief.quantity` words; a template without a generated slot is followed by one.
//!
//! **What it does not do.** It does not understand the brief or prose instructions
//! ("be witty" is not obeyed), has no grammar beyond the word statistics, and cannot
//! write about topics or use words absent from the samples. A real language model
//! plugs in through the [`Generator`] trait.
//!
//! ```
//! use fivergo_core::generator::text::MarkovGenerator;
//! use fivergo_core::*;
//! let sample = "Fresh bread every morning. Fresh coffee every evening. Warm bread and warm coffee.";
//! let asset = Asset { id: "t1".into(), owner: "ana".into(), source: AssetSource::Upload,
//!     modality: Modality::Text, meta: AssetMeta::text(), tags: Default::default(),
//!     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
//! let entry = Catalogue::default().get("writing_translation").unwrap().clone();
//! let limits = media::MediaLimits::default();
//! let input = TrainingInput { entry: &entry, limits: &limits,
//!     instructions: Some("Short and warm.\n# {brief}\n{body}"),
//!     assets: vec![TrainingAsset { asset: &asset, content: Some(sample.as_bytes()) }] };
//! let g = MarkovGenerator::default();
//! let style = g.train(&input, &mut JobControl::none()).unwrap();
//! let Artifact::Text(text) = g.generate(&style, &Brief::new("Bakery").with_quantity(12), 3,
//!     &mut JobControl::none()).unwrap() else { unreachable!() };
//! let (title, body) = text.split_once('\n').unwrap();
//! assert_eq!(title, "# Bakery");
//! assert_eq!(body.split_whitespace().count(), 12);
//! ```

#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::generator::{
    Artifact, Brief, Generator, JobControl, TrainError, TrainedStyle, TrainingInput,
};
use crate::rng::SplitMix;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The generator's name, recorded in its styles.
const NAME: &str = "markov_text";
/// The format version of its styles.
const FORMAT: u32 = 1;
/// The slot replaced by the brief's text.
const BRIEF_SLOT: &str = "brief";
/// The longest context a chain may use (longer ones only ever copy).
const MAX_ORDER: usize = 8;
/// Progress is reported every this many words.
const TICK_WORDS: usize = 64;

/// Settings of [`MarkovGenerator`].
///
/// ```
/// use fivergo_core::generator::text::MarkovSettings;
/// let s = MarkovSettings::default();
/// assert_eq!((s.order, s.max_verbatim_words), (2, 8));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarkovSettings {
    /// Words of context of the chain (`1..=8`), fixed at training.
    pub order: usize,
    /// The longest run of consecutive words that may appear verbatim in a sample.
    pub max_verbatim_words: usize,
    /// Most words generated for one brief (longer briefs are clamped).
    pub max_words: u32,
    /// Words kept from the samples at most (the rest is not learned).
    pub max_corpus_words: usize,
}

impl Default for MarkovSettings {
    fn default() -> Self {
        Self {
            order: 2,
            max_verbatim_words: 8,
            max_words: 10_000,
            max_corpus_words: 1_000_000,
        }
    }
}

/// What [`MarkovGenerator`] learned: the `data` of its [`TrainedStyle`].
///
/// ```
/// use fivergo_core::{generator::text::MarkovStyle, TrainedStyle};
/// let foreign = TrainedStyle { generator: "jingle_synth".into(), format: 1, data: serde_json::json!({}) };
/// assert_eq!(MarkovStyle::from_style(&foreign).unwrap_err().code(), "generator_failed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkovStyle {
    /// Context length of the chain.
    pub order: usize,
    /// The template lines of the instructions (empty: one passage).
    pub template: Vec<String>,
    /// The words of each sample.
    pub samples: Vec<Vec<String>>,
}

impl MarkovStyle {
    /// Reads a style made by [`MarkovGenerator`]; any other is `generator_failed`.
    ///
    /// ```
    /// use fivergo_core::generator::text::{MarkovGenerator, MarkovStyle};
    /// use fivergo_core::*;
    /// # let asset = Asset { id: "t1".into(), owner: "ana".into(), source: AssetSource::Upload,
    /// #     modality: Modality::Text, meta: AssetMeta::text(), tags: Default::default(),
    /// #     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
    /// let entry = Catalogue::default().get("writing_translation").unwrap().clone();
    /// let limits = media::MediaLimits::default();
    /// let input = TrainingInput { entry: &entry, limits: &limits, instructions: Some("Keep it warm.\n# {brief}"),
    ///     assets: vec![TrainingAsset { asset: &asset, content: Some(b"Fresh bread every morning.") }] };
    /// let style = MarkovGenerator::default().train(&input, &mut JobControl::none()).unwrap();
    /// let learned = MarkovStyle::from_style(&style).unwrap();
    /// assert_eq!(learned.samples, [["Fresh", "bread", "every", "morning."]]);
    /// assert_eq!(learned.template, ["# {brief}"]); // prose lines are not template lines
    /// ```
    pub fn from_style(style: &TrainedStyle) -> Result<Self, Error> {
        let s: Self = style.data_of(NAME, FORMAT)?;
        if !(1..=MAX_ORDER).contains(&s.order) || s.samples.iter().all(Vec::is_empty) {
            return Err(Error::GeneratorFailed {
                reason: format!("malformed {NAME} style: order out of range or no words"),
            });
        }
        Ok(s)
    }
}

/// One piece of a template line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Brief,
    Generated,
}

/// Splits a template line into literal text and slots (an unclosed `{` is literal).
fn parse_line(line: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(Part::Literal(rest[..open].to_string()));
        }
        parts.push(if rest[open + 1..close].trim() == BRIEF_SLOT {
            Part::Brief
        } else {
            Part::Generated
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_string()));
    }
    parts
}

/// Whether an instruction line belongs to the template.
fn is_template_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
        || parse_line(line)
            .iter()
            .any(|p| !matches!(p, Part::Literal(_)))
}

/// The anti-copy key of a word: lower case, without punctuation at its edges.
fn normalise(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// FNV-1a over a run of word ids.
fn run_hash(ids: &[u32]) -> u64 {
    ids.iter()
        .flat_map(|id| id.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The chain and the anti-copy index of a style, rebuilt for each generation.
struct Model {
    words: Vec<String>,
    /// Anti-copy id of each word id.
    key_of: Vec<u32>,
    /// Anti-copy ids of words by their key.
    keys: HashMap<String, u32>,
    /// Successors of each context, for context lengths `1..=order` (index `len − 1`).
    next: Vec<HashMap<Vec<u32>, Vec<u32>>>,
    /// Words that open a sample or follow a sentence end.
    openings: Vec<u32>,
    /// Hashes of every run of `max_verbatim_words + 1` keys in the samples.
    copied: HashSet<u64>,
    run: usize,
}

impl Model {
    fn new(style: &MarkovStyle, max_verbatim: usize) -> Self {
        let mut m = Model {
            words: Vec::new(),
            key_of: Vec::new(),
            keys: HashMap::new(),
            next: vec![HashMap::new(); style.order],
            openings: Vec::new(),
            copied: HashSet::new(),
            run: max_verbatim.saturating_add(1),
        };
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for sample in &style.samples {
            let seq: Vec<u32> = sample
                .iter()
                .map(|w| {
                    *ids.entry(w.as_str()).or_insert_with(|| {
                        m.words.push(w.clone());
                        let n = m.keys.len() as u32;
                        m.key_of.push(*m.keys.entry(normalise(w)).or_insert(n));
                        (m.words.len() - 1) as u32
                    })
                })
                .collect();
            for (i, &id) in seq.iter().enumerate() {
                if i == 0 || sample[i - 1].ends_with(['.', '!', '?']) {
                    m.openings.push(id);
                }
                for len in 1..=style.order.min(i) {
                    m.next[len - 1]
                        .entry(seq[i - len..i].to_vec())
                        .or_default()
                        .push(id);
                }
            }
            let keys: Vec<u32> = seq.iter().map(|&id| m.key_of[id as usize]).collect();
            m.copied.extend(keys.windows(m.run).map(run_hash));
        }
        m
    }

    /// The anti-copy id of any word (one never seen in the samples gets an id that
    /// matches nothing).
    fn key(&self, word: &str) -> u32 {
        self.keys.get(&normalise(word)).copied().unwrap_or(u32::MAX)
    }

    /// Whether appending `key` to `history` would close a run copied from a sample.
    fn copies(&self, history: &[u32], key: u32) -> bool {
        if history.len() + 1 < self.run {
            return false;
        }
        let mut run = history[history.len() + 1 - self.run..].to_vec();
        run.push(key);
        self.copied.contains(&run_hash(&run))
    }

    /// The next word after `context` (word ids of this passage) given the output's
    /// anti-copy `history`, or `None` when every word would copy.
    fn pick(&self, context: &[u32], history: &[u32], rng: &mut SplitMix) -> Option<u32> {
        let allowed = |c: &&u32| !self.copies(history, self.key_of[**c as usize]);
        let draw = |pool: &[u32], rng: &mut SplitMix| {
            let ok: Vec<u32> = pool.iter().filter(allowed).copied().collect();
            (!ok.is_empty()).then(|| ok[(rng.next_u64() % ok.len() as u64) as usize])
        };
        for len in (1..=self.next.len().min(context.len())).rev() {
            if let Some(pool) = self.next[len - 1].get(&context[context.len() - len..]) {
                if let Some(w) = draw(pool, rng) {
                    return Some(w);
                }
            }
        }
        if let Some(w) = draw(&self.openings, rng) {
            return Some(w);
        }
        // Any word, scanning the vocabulary from a seeded position.
        let n = self.words.len() as u64;
        let start = rng.next_u64() % n.max(1);
        (0..n)
            .map(|i| ((start + i) % n) as u32)
            .find(|c| allowed(&c))
    }
}

/// The reference text generator (`markov_text`); see the [module docs](self).
///
/// ```
/// use fivergo_core::{generator::text::MarkovGenerator, Generator};
/// assert_eq!(MarkovGenerator::default().name(), "markov_text");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MarkovGenerator {
    /// Chain and anti-copy settings.
    pub settings: MarkovSettings,
}

impl MarkovGenerator {
    /// A generator with `settings`.
    ///
    /// ```
    /// use fivergo_core::generator::text::{MarkovGenerator, MarkovSettings, MarkovStyle};
    /// use fivergo_core::*;
    /// # let asset = Asset { id: "t1".into(), owner: "ana".into(), source: AssetSource::Upload,
    /// #     modality: Modality::Text, meta: AssetMeta::text(), tags: Default::default(),
    /// #     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
    /// # let entry = Catalogue::default().get("writing_translation").unwrap().clone();
    /// # let limits = media::MediaLimits::default();
    /// # let input = TrainingInput { entry: &entry, limits: &limits, instructions: None,
    /// #     assets: vec![TrainingAsset { asset: &asset, content: Some(b"Fresh bread every morning.") }] };
    /// let g = MarkovGenerator::new(MarkovSettings { order: 3, ..MarkovSettings::default() });
    /// let style = g.train(&input, &mut JobControl::none()).unwrap();
    /// assert_eq!(MarkovStyle::from_style(&style).unwrap().order, 3);
    /// ```
    pub fn new(settings: MarkovSettings) -> Self {
        Self { settings }
    }
}

impl Generator for MarkovGenerator {
    fn name(&self) -> &str {
        NAME
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        ctl.check()?;
        let mut samples = Vec::new();
        let mut budget = self.settings.max_corpus_words;
        let total = input.assets.len().max(1) as f32;
        for (i, asset) in input.assets.iter().enumerate() {
            if let Some(Ok(Artifact::Text(text))) = asset.decode(input.limits) {
                let words: Vec<String> = text
                    .split_whitespace()
                    .take(budget)
                    .map(str::to_string)
                    .collect();
                budget -= words.len();
                if !words.is_empty() {
                    samples.push(words);
                }
            }
            ctl.tick((i + 1) as f32 / total)?;
        }
        if samples.is_empty() {
            return Err(TrainError::Failed(
                "no usable text: the set holds no words".into(),
            ));
        }
        let template = input
            .instructions
            .unwrap_or("")
            .lines()
            .filter(|l| is_template_line(l))
            .map(str::to_string)
            .collect();
        let style = MarkovStyle {
            order: self.settings.order.clamp(1, MAX_ORDER),
            template,
            samples,
        };
        let data =
            serde_json::to_value(&style).map_err(|e| TrainError::Failed(format!("style: {e}")))?;
        Ok(TrainedStyle {
            generator: NAME.into(),
            format: FORMAT,
            data,
        })
    }

    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        ctl.check()?;
        let style = MarkovStyle::from_style(style)?;
        if brief.quantity == 0 {
            return Err(Error::InvalidInput {
                field: "quantity".into(),
                reason: "a text has at least 1 word".into(),
            });
        }
        let quantity = brief.quantity.min(self.settings.max_words.max(1)) as usize;
        let model = Model::new(&style, self.settings.max_verbatim_words);
        let mut template: Vec<Vec<Part>> = style.template.iter().map(|l| parse_line(l)).collect();
        if !template.iter().flatten().any(|p| *p == Part::Generated) {
            template.push(vec![Part::Generated]);
        }
        let slots = template
            .iter()
            .flatten()
            .filter(|p| **p == Part::Generated)
            .count();
        let mut rng = SplitMix(seed);
        let mut history: Vec<u32> = Vec::new();
        let (mut slot, mut written) = (0usize, 0usize);
        let mut lines = Vec::with_capacity(template.len());
        for parts in &template {
            let mut line = String::new();
            for part in parts {
                match part {
                    Part::Literal(text) => {
                        history.extend(text.split_whitespace().map(|w| model.key(w)));
                        line.push_str(text);
                    }
                    Part::Brief => {
                        history.extend(brief.text.split_whitespace().map(|w| model.key(w)));
                        line.push_str(&brief.text);
                    }
                    Part::Generated => {
                        let words =
                            quantity / slots.max(1) + usize::from(slot < quantity % slots.max(1));
                        slot += 1;
                        let mut context: Vec<u32> = Vec::new();
                        let mut passage = Vec::with_capacity(words);
                        for _ in 0..words {
                            if written % TICK_WORDS == 0 {
                                ctl.tick(written as f32 / quantity as f32)?;
                            }
                            let id = model.pick(&context, &history, &mut rng).ok_or_else(|| Error::GeneratorFailed {
                                reason: format!(
                                    "the samples are too repetitive to continue without copying more than {} words",
                                    self.settings.max_verbatim_words
                                ),
                            })?;
                            context.push(id);
                            history.push(model.key_of[id as usize]);
                            passage.push(model.words[id as usize].as_str());
                            written += 1;
                        }
                        line.push_str(&passage.join(" "));
                    }
                }
            }
            lines.push(line);
        }
        ctl.tick(1.0)?;
        Ok(Artifact::Text(lines.join("\n")))
    }
}
