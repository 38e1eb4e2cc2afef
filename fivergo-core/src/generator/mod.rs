//! The pluggable generator: trains a style from the owner's assets and generates
//! artifacts from a brief and a seed.
//!
//! The library drives generators and applies watermarks itself afterwards (see
//! [`watermark`](crate::watermark)), so no generator can hand a clean draft to a
//! client. Generators only ever see the owner's assets (D5).

#[cfg(feature = "generators")]
pub mod image;
#[cfg(feature = "generators")]
pub mod jingle;
#[cfg(feature = "generators")]
pub mod text;
#[cfg(feature = "generators")]
pub mod voice;

use crate::asset::Asset;
use crate::catalogue::{CatalogueEntry, Modality};
use crate::error::Error;
use crate::media::MediaLimits;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A decoded image: 8-bit RGBA, row-major.
///
/// ```
/// use fivergo_core::Image;
/// let img = Image::filled(4, 2, [255, 0, 0, 255]);
/// assert_eq!(img.pixel(3, 1), [255, 0, 0, 255]);
/// // Pixels travel as base64 in JSON; an array of numbers is read as well.
/// let json = serde_json::to_value(Image::filled(1, 1, [1, 2, 3, 4])).unwrap();
/// assert_eq!(json["rgba"], "AQIDBA==");
/// let old: Image = serde_json::from_str(r#"{"width":1,"height":1,"rgba":[1,2,3,4]}"#).unwrap();
/// assert_eq!(old, Image::filled(1, 1, [1, 2, 3, 4]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes, RGBA (base64 in JSON).
    #[serde(with = "crate::blob::base64_bytes")]
    pub rgba: Vec<u8>,
}

impl Image {
    /// An image of one colour.
    ///
    /// ```
    /// use fivergo_core::Image;
    /// let img = Image::filled(3, 2, [10, 20, 30, 255]);
    /// assert_eq!((img.width, img.height, img.rgba.len()), (3, 2, 24));
    /// assert!(img.rgba.chunks(4).all(|px| px == [10, 20, 30, 255]));
    /// ```
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Self {
        let n = width as usize * height as usize;
        Self {
            width,
            height,
            rgba: rgba.repeat(n),
        }
    }

    /// The pixel at `(x, y)`; panics outside the image (callers iterate in bounds).
    ///
    /// ```
    /// use fivergo_core::Image;
    /// let mut img = Image::filled(2, 2, [0, 0, 0, 255]);
    /// img.rgba[(2 + 1) * 4] = 255; // the red byte of (1, 1): row 1, column 1
    /// assert_eq!(img.pixel(1, 1), [255, 0, 0, 255]);
    /// assert_eq!(img.pixel(0, 1), [0, 0, 0, 255]);
    /// ```
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ]
    }
}

/// Decoded audio: interleaved 16-bit PCM.
///
/// ```
/// use fivergo_core::Audio;
/// let a = Audio { sample_rate: 8000, channels: 1, samples: vec![0; 16000] };
/// assert_eq!(a.duration_ms(), 2000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audio {
    /// Samples per second per channel.
    pub sample_rate: u32,
    /// Interleaved channels.
    pub channels: u16,
    /// Interleaved samples.
    pub samples: Vec<i16>,
}

impl Audio {
    /// Duration in milliseconds.
    ///
    /// ```
    /// use fivergo_core::Audio;
    /// let stereo = Audio { sample_rate: 44_100, channels: 2, samples: vec![0; 44_100 * 2 * 3] };
    /// assert_eq!(stereo.duration_ms(), 3000); // frames, not samples
    /// ```
    pub fn duration_ms(&self) -> u64 {
        let frames = self.samples.len() as u64 / u64::from(self.channels.max(1));
        frames * 1000 / u64::from(self.sample_rate.max(1))
    }
}

/// What a generator produces: an image, a sound or a text.
///
/// In JSON it is an object tagged by `kind`: `{"kind": "image", "width": …}`,
/// `{"kind": "audio", "sample_rate": …}` or `{"kind": "text", "text": "…"}`.
///
/// ```
/// use fivergo_core::{Artifact, Modality};
/// let text = Artifact::Text("hi".into());
/// assert_eq!(text.modality(), Modality::Text);
/// let json = serde_json::to_string(&text).unwrap();
/// assert_eq!(json, r#"{"kind":"text","text":"hi"}"#);
/// assert_eq!(serde_json::from_str::<Artifact>(&json).unwrap(), text);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "ArtifactWire")]
pub enum Artifact {
    /// A picture.
    Image(Image),
    /// A sound.
    Audio(Audio),
    /// A text.
    Text(String),
}

/// The JSON form of an [`Artifact`] (serde cannot tag a newtype variant holding a
/// string, so a text travels as `{"kind": "text", "text": …}`).
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ArtifactWire {
    Image(Image),
    Audio(Audio),
    Text { text: String },
}

/// [`ArtifactWire`] borrowed, so serializing copies no pixels or samples.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ArtifactWireRef<'a> {
    Image(&'a Image),
    Audio(&'a Audio),
    Text { text: &'a str },
}

impl From<ArtifactWire> for Artifact {
    fn from(wire: ArtifactWire) -> Self {
        match wire {
            ArtifactWire::Image(i) => Artifact::Image(i),
            ArtifactWire::Audio(a) => Artifact::Audio(a),
            ArtifactWire::Text { text } => Artifact::Text(text),
        }
    }
}

impl Serialize for Artifact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Artifact::Image(i) => ArtifactWireRef::Image(i),
            Artifact::Audio(a) => ArtifactWireRef::Audio(a),
            Artifact::Text(text) => ArtifactWireRef::Text { text },
        }
        .serialize(serializer)
    }
}

impl Artifact {
    /// The artifact's modality.
    ///
    /// ```
    /// use fivergo_core::{Artifact, Audio, Image, Modality};
    /// assert_eq!(Artifact::Image(Image::filled(1, 1, [0; 4])).modality(), Modality::Image);
    /// assert_eq!(Artifact::Audio(Audio { sample_rate: 8000, channels: 1, samples: vec![] }).modality(), Modality::Audio);
    /// assert_eq!(Artifact::Text("hi".into()).modality(), Modality::Text);
    /// ```
    pub fn modality(&self) -> Modality {
        match self {
            Artifact::Image(_) => Modality::Image,
            Artifact::Audio(_) => Modality::Audio,
            Artifact::Text(_) => Modality::Text,
        }
    }
}

/// A trained style: the versioned, serializable result of [`Generator::train`],
/// owned by the seller's model.
///
/// ```
/// use fivergo_core::TrainedStyle;
/// let s = TrainedStyle { generator: "echo".into(), format: 1, data: serde_json::json!({"assets": 3}) };
/// assert_eq!(serde_json::from_str::<TrainedStyle>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedStyle {
    /// Name of the generator that made it.
    pub generator: String,
    /// The generator's format version of `data`.
    pub format: u32,
    /// Generator-specific content.
    pub data: serde_json::Value,
}

impl TrainedStyle {
    /// Reads back the value a generator stored in its own style. A style made by
    /// another generator or format, or data that does not parse, is
    /// `generator_failed` (a host passed the wrong model's style).
    ///
    /// ```
    /// use fivergo_core::TrainedStyle;
    /// let s = TrainedStyle { generator: "mine".into(), format: 2, data: serde_json::json!([1, 2]) };
    /// assert_eq!(s.data_of::<Vec<u8>>("mine", 2).unwrap(), [1, 2]);
    /// assert_eq!(s.data_of::<Vec<u8>>("other", 2).unwrap_err().code(), "generator_failed");
    /// assert_eq!(s.data_of::<String>("mine", 2).unwrap_err().code(), "generator_failed");
    /// ```
    pub fn data_of<T: serde::de::DeserializeOwned>(
        &self,
        generator: &str,
        format: u32,
    ) -> Result<T, Error> {
        if self.generator != generator || self.format != format {
            return Err(Error::GeneratorFailed {
                reason: format!(
                    "style made by {} (format {}), not by {generator} (format {format})",
                    self.generator, self.format
                ),
            });
        }
        serde_json::from_value(self.data.clone()).map_err(|e| Error::GeneratorFailed {
            reason: format!("malformed {generator} style: {e}"),
        })
    }
}

/// What a client (or the seller, in the playground) asks for.
///
/// ```
/// use fivergo_core::Brief;
/// let b = Brief::new("a koi fish, sleeve tattoo").with_quantity(2);
/// assert_eq!(b.quantity, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    /// Free text.
    pub text: String,
    /// How many pricing units (items, seconds, words) are asked for.
    pub quantity: u32,
    /// Optional tags steering the generation.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Brief {
    /// A brief for one unit.
    ///
    /// ```
    /// use fivergo_core::Brief;
    /// let brief = Brief::new("a koi fish");
    /// assert_eq!((brief.text.as_str(), brief.quantity), ("a koi fish", 1));
    /// assert!(brief.tags.is_empty());
    /// ```
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            quantity: 1,
            tags: Vec::new(),
        }
    }

    /// The same brief for `quantity` units.
    ///
    /// ```
    /// use fivergo_core::Brief;
    /// let brief = Brief::new("a jingle for a bakery").with_quantity(30); // 30 seconds
    /// assert_eq!((brief.text.as_str(), brief.quantity), ("a jingle for a bakery", 30));
    /// ```
    pub fn with_quantity(mut self, quantity: u32) -> Self {
        self.quantity = quantity;
        self
    }
}

/// One training asset: the owner's record and, when the library holds it, the file.
///
/// ```
/// use fivergo_core::{media::MediaLimits, *};
/// let asset = Asset { id: "ana/asset-1".into(), owner: "ana".into(), source: AssetSource::Upload,
///     modality: Modality::Text, meta: AssetMeta::text(), tags: Default::default(),
///     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
/// let with_file = TrainingAsset { asset: &asset, content: Some(b"Short and dry.") };
/// let metadata_only = TrainingAsset { asset: &asset, content: None };
/// assert!(with_file.decode(&MediaLimits::default()).is_some());
/// assert!(metadata_only.decode(&MediaLimits::default()).is_none());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TrainingAsset<'a> {
    /// The asset's record: modality, measured metadata, tags (A6, A8).
    pub asset: &'a Asset,
    /// The file as uploaded (PNG, JPEG, WebP, WAV or UTF-8 text); `None` for assets
    /// added with metadata only.
    pub content: Option<&'a [u8]>,
}

impl TrainingAsset<'_> {
    /// Decodes the file within `limits`; `None` when there is no file.
    ///
    /// ```
    /// use fivergo_core::{media::MediaLimits, *};
    /// # let asset = Asset { id: "a1".into(), owner: "ana".into(), source: AssetSource::Upload,
    /// #     modality: Modality::Text, meta: AssetMeta::text(), tags: Default::default(),
    /// #     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
    /// let t = TrainingAsset { asset: &asset, content: Some(b"dry wit") };
    /// let text = t.decode(&MediaLimits::default()).unwrap().unwrap();
    /// assert_eq!(text, Artifact::Text("dry wit".into()));
    /// ```
    pub fn decode(&self, limits: &MediaLimits) -> Option<Result<Artifact, Error>> {
        self.content
            .map(|bytes| crate::media::decode(bytes, limits))
    }
}

/// What training is given: only the owner's selected assets and settings (D5).
///
/// ```
/// use fivergo_core::{media::MediaLimits, *};
/// # let asset = Asset { id: "ana/asset-1".into(), owner: "ana".into(), source: AssetSource::Upload,
/// #     modality: Modality::Image, meta: AssetMeta::image(1024, 1024), tags: ["koi".to_string()].into(),
/// #     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
/// let entry = Catalogue::default().get("tattoo").unwrap().clone();
/// let limits = MediaLimits::default();
/// let input = TrainingInput { entry: &entry, limits: &limits, instructions: None,
///     assets: vec![TrainingAsset { asset: &asset, content: None }] };
/// let style = EchoGenerator.train(&input, &mut JobControl::none()).unwrap();
/// assert_eq!((style.data["assets"].as_u64(), style.data["tags"][0].as_str()), (Some(1), Some("koi")));
/// ```
#[derive(Debug, Clone)]
pub struct TrainingInput<'a> {
    /// The model's subcategory.
    pub entry: &'a CatalogueEntry,
    /// The owner's selected assets, with their files.
    pub assets: Vec<TrainingAsset<'a>>,
    /// The seller's instructions (text models, A5).
    pub instructions: Option<&'a str>,
    /// The limits the files were accepted under, for decoding them again.
    pub limits: &'a MediaLimits,
}

/// A cancellation flag shared between a job's runner and whoever may cancel it.
///
/// ```
/// use fivergo_core::CancelToken;
/// let token = CancelToken::default();
/// let handle = token.clone();
/// handle.cancel();
/// assert!(token.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// Asks the job to stop at its next progress tick.
    ///
    /// ```
    /// use fivergo_core::CancelToken;
    /// let token = CancelToken::default();
    /// let remote = token.clone();
    /// std::thread::spawn(move || remote.cancel()).join().unwrap();
    /// assert!(token.is_cancelled()); // every clone shares the flag
    /// ```
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether cancellation was asked.
    ///
    /// ```
    /// use fivergo_core::CancelToken;
    /// let token = CancelToken::default();
    /// assert!(!token.is_cancelled());
    /// token.cancel();
    /// token.cancel(); // asking twice is harmless
    /// assert!(token.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Why a training stopped without a style.
///
/// ```
/// use fivergo_core::*;
/// let entry = Catalogue::default().get("tattoo").unwrap().clone();
/// let limits = media::MediaLimits::default();
/// let input = TrainingInput { entry: &entry, assets: vec![], instructions: None, limits: &limits };
/// let token = CancelToken::default();
/// token.cancel();
/// let mut sink = |_: f32| {};
/// let err = EchoGenerator.train(&input, &mut JobControl::new(&mut sink, &token)).unwrap_err();
/// assert_eq!(err, TrainError::Cancelled);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrainError {
    /// The cancel token was set; the job is cancelled (T4).
    Cancelled,
    /// The generator failed; the job is failed (T4).
    Failed(String),
}

/// Returned by [`JobControl::tick`] once cancellation was asked; `?` turns it into
/// [`TrainError::Cancelled`] in `train` and [`Error::Cancelled`] in `generate`.
///
/// ```
/// use fivergo_core::{CancelToken, Cancelled, Error, JobControl, TrainError};
/// let token = CancelToken::default();
/// token.cancel();
/// let mut sink = |_: f32| {};
/// assert_eq!(JobControl::new(&mut sink, &token).check(), Err(Cancelled));
/// assert_eq!(TrainError::from(Cancelled), TrainError::Cancelled); // what `?` gives in `train`
/// assert_eq!(Error::from(Cancelled).code(), "cancelled"); // and in `generate`
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl From<Cancelled> for TrainError {
    fn from(_: Cancelled) -> Self {
        TrainError::Cancelled
    }
}

impl From<Cancelled> for Error {
    fn from(_: Cancelled) -> Self {
        Error::Cancelled {
            what: "generation".into(),
        }
    }
}

/// What a running job hands its generator: a progress sink and a cancel flag.
///
/// Generators call [`tick`](Self::tick) between steps: it reports the fraction done
/// and returns [`Cancelled`] once someone cancelled, so a job stops within one tick.
///
/// ```
/// use fivergo_core::{CancelToken, Cancelled, JobControl};
/// let token = CancelToken::default();
/// let mut seen = Vec::new();
/// let mut sink = |p: f32| seen.push(p);
/// let mut ctl = JobControl::new(&mut sink, &token);
/// assert_eq!(ctl.tick(0.5), Ok(()));
/// token.cancel();
/// assert_eq!(ctl.tick(0.75), Err(Cancelled));
/// drop(ctl);
/// assert_eq!(seen, [0.5, 0.75]);
/// ```
pub struct JobControl<'a> {
    progress: Option<&'a mut dyn FnMut(f32)>,
    cancel: Option<&'a CancelToken>,
}

impl std::fmt::Debug for JobControl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobControl")
            .field("cancelled", &self.check().is_err())
            .finish()
    }
}

impl<'a> JobControl<'a> {
    /// A control reporting to `progress` and watching `cancel`.
    ///
    /// ```
    /// use fivergo_core::{CancelToken, JobControl};
    /// let token = CancelToken::default();
    /// let mut last = 0.0;
    /// let mut sink = |p: f32| last = p;
    /// let mut ctl = JobControl::new(&mut sink, &token);
    /// ctl.tick(0.25).unwrap();
    /// drop(ctl);
    /// assert_eq!(last, 0.25);
    /// ```
    pub fn new(progress: &'a mut dyn FnMut(f32), cancel: &'a CancelToken) -> Self {
        Self {
            progress: Some(progress),
            cancel: Some(cancel),
        }
    }

    /// A control that reports nowhere and is never cancelled (a direct call).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let style = TrainedStyle { generator: "echo".into(), format: 1, data: serde_json::json!({"modality": "text"}) };
    /// assert!(EchoGenerator.generate(&style, &Brief::new("hi"), 1, &mut JobControl::none()).is_ok());
    /// ```
    pub fn none() -> JobControl<'static> {
        JobControl {
            progress: None,
            cancel: None,
        }
    }

    /// Reports `fraction` (clamped to `0.0..=1.0`) done, then checks cancellation.
    ///
    /// ```
    /// use fivergo_core::{CancelToken, JobControl};
    /// let token = CancelToken::default();
    /// let mut seen = Vec::new();
    /// let mut sink = |p: f32| seen.push(p);
    /// let mut ctl = JobControl::new(&mut sink, &token);
    /// ctl.tick(1.5).unwrap(); // clamped
    /// ctl.tick(f32::NAN).unwrap(); // read as nothing done
    /// drop(ctl);
    /// assert_eq!(seen, [1.0, 0.0]);
    /// ```
    pub fn tick(&mut self, fraction: f32) -> Result<(), Cancelled> {
        if let Some(progress) = self.progress.as_mut() {
            progress(if fraction.is_nan() {
                0.0
            } else {
                fraction.clamp(0.0, 1.0)
            });
        }
        self.check()
    }

    /// Checks cancellation without reporting progress.
    ///
    /// ```
    /// use fivergo_core::{CancelToken, Cancelled, JobControl};
    /// let token = CancelToken::default();
    /// let mut reports = 0;
    /// let mut sink = |_: f32| reports += 1;
    /// let ctl = JobControl::new(&mut sink, &token);
    /// assert_eq!(ctl.check(), Ok(()));
    /// token.cancel();
    /// assert_eq!(ctl.check(), Err(Cancelled));
    /// drop(ctl);
    /// assert_eq!(reports, 0); // no progress reported
    /// ```
    pub fn check(&self) -> Result<(), Cancelled> {
        match self.cancel {
            Some(token) if token.is_cancelled() => Err(Cancelled),
            _ => Ok(()),
        }
    }

    /// The cancel token, for generators that hand it to worker threads (a fresh,
    /// never-cancelled one for [`JobControl::none`]).
    ///
    /// ```
    /// use fivergo_core::{CancelToken, JobControl};
    /// let token = CancelToken::default();
    /// let mut sink = |_: f32| {};
    /// let ctl = JobControl::new(&mut sink, &token);
    /// let for_worker = ctl.token();
    /// token.cancel();
    /// assert!(for_worker.is_cancelled()); // the same flag
    /// assert!(!JobControl::none().token().is_cancelled());
    /// ```
    pub fn token(&self) -> CancelToken {
        self.cancel.cloned().unwrap_or_default()
    }
}

/// A style learner and content generator for one or more subcategories.
///
/// Implement it to plug any model backend into the hub. Both methods report progress
/// and honour cancellation through the [`JobControl`]; `generate` must be a pure
/// function of its inputs: the same style, brief and seed give the same artifact.
/// The hub applies watermarks to whatever `generate` returns, so a generator never
/// needs to (and cannot) decide what a client sees before payment (W1, W2, G1).
///
/// ```
/// use fivergo_core::*;
/// let g = EchoGenerator;
/// let entry = Catalogue::default().get("tattoo").unwrap().clone();
/// let limits = media::MediaLimits::default();
/// let input = TrainingInput { entry: &entry, assets: vec![], instructions: None, limits: &limits };
/// let style = g.train(&input, &mut JobControl::none()).unwrap();
/// let make = |seed| g.generate(&style, &Brief::new("rose"), seed, &mut JobControl::none());
/// assert_eq!(make(7).unwrap(), make(7).unwrap());
/// ```
pub trait Generator: Send + Sync {
    /// A short stable name, recorded in trained styles.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let entry = Catalogue::default().get("tattoo").unwrap().clone();
    /// let limits = media::MediaLimits::default();
    /// let input = TrainingInput { entry: &entry, assets: vec![], instructions: None, limits: &limits };
    /// let style = EchoGenerator.train(&input, &mut JobControl::none()).unwrap();
    /// assert_eq!(style.generator, EchoGenerator.name()); // recorded in the style
    /// ```
    fn name(&self) -> &str;

    /// Learns a style from the owner's assets.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let entry = Catalogue::default().get("tattoo").unwrap().clone();
    /// let limits = media::MediaLimits::default();
    /// let input = TrainingInput { entry: &entry, assets: vec![], instructions: Some("bold lines"), limits: &limits };
    /// let mut seen = Vec::new();
    /// let mut sink = |p: f32| seen.push(p);
    /// let token = CancelToken::default();
    /// let style = EchoGenerator.train(&input, &mut JobControl::new(&mut sink, &token)).unwrap();
    /// assert_eq!(style.data["instructions"], "bold lines");
    /// assert_eq!(seen.last(), Some(&1.0)); // progress reported to the end
    /// ```
    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError>;

    /// Generates one artifact in the style.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let style = TrainedStyle { generator: "echo".into(), format: 1, data: serde_json::json!({"modality": "image"}) };
    /// let make = |seed| EchoGenerator.generate(&style, &Brief::new("koi"), seed, &mut JobControl::none()).unwrap();
    /// assert_eq!(make(1), make(1)); // a pure function of style, brief and seed
    /// assert_ne!(make(1), make(2));
    /// assert_eq!(make(1).modality(), Modality::Image);
    /// ```
    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error>;
}

/// The trivial reference generator: remembers the training set's size, modality and
/// tags, and generates small deterministic placeholder artifacts (a flat image whose
/// colour comes from the seed, a tone, or the brief echoed back). It learns no real
/// style: it exists so the whole pipeline can run and be tested without a model.
///
/// ```
/// use fivergo_core::*;
/// let g = EchoGenerator;
/// let style = TrainedStyle { generator: "echo".into(), format: 1,
///     data: serde_json::json!({"modality": "text", "assets": 2, "instructions": "be brief"}) };
/// match g.generate(&style, &Brief::new("a slogan"), 1, &mut JobControl::none()).unwrap() {
///     Artifact::Text(t) => assert!(t.contains("a slogan")),
///     _ => unreachable!(),
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EchoGenerator;

impl Generator for EchoGenerator {
    fn name(&self) -> &str {
        "echo"
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        let mut tags = std::collections::BTreeSet::new();
        let total = input.assets.len().max(1);
        ctl.check()?;
        for (i, asset) in input.assets.iter().enumerate() {
            tags.extend(asset.asset.tags.iter().cloned());
            ctl.tick((i + 1) as f32 / total as f32)?;
        }
        ctl.tick(1.0)?;
        Ok(TrainedStyle {
            generator: self.name().into(),
            format: 1,
            data: serde_json::json!({
                "modality": input.entry.modality,
                "assets": input.assets.len(),
                "tags": tags,
                "instructions": input.instructions,
            }),
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
        let modality: Modality =
            serde_json::from_value(style.data["modality"].clone()).map_err(|e| {
                Error::GeneratorFailed {
                    reason: format!("style is not an echo style: {e}"),
                }
            })?;
        // A tiny deterministic mixer, so the seed visibly changes the output.
        let mix = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (brief.text.len() as u64);
        let byte = |shift: u32| (mix >> shift) as u8;
        Ok(match modality {
            Modality::Image => {
                Artifact::Image(Image::filled(256, 256, [byte(0), byte(8), byte(16), 255]))
            }
            Modality::Audio => {
                let rate = 8000u32;
                let freq = 220.0 + f64::from(byte(24)) * 2.0;
                let seconds = brief.quantity.clamp(1, 60);
                let samples = (0..rate * seconds)
                    .map(|i| {
                        ((f64::from(i) * freq * std::f64::consts::TAU / f64::from(rate)).sin()
                            * 8000.0) as i16
                    })
                    .collect();
                Artifact::Audio(Audio {
                    sample_rate: rate,
                    channels: 1,
                    samples,
                })
            }
            Modality::Text => {
                let instructions = style.data["instructions"].as_str().unwrap_or("");
                Artifact::Text(format!(
                    "{} (in the style: {instructions}; variation {})",
                    brief.text,
                    seed % 1000
                ))
            }
        })
    }
}

/// The names [`by_name`] knows in this build: `echo`, and with the `generators`
/// feature `quilt`, `jingle_synth`, `espeak_guide` and `markov_text`.
pub const GENERATOR_NAMES: &[&str] = &[
    "echo",
    #[cfg(feature = "generators")]
    "quilt",
    #[cfg(feature = "generators")]
    "jingle_synth",
    #[cfg(feature = "generators")]
    "espeak_guide",
    #[cfg(feature = "generators")]
    "markov_text",
];

/// A generator of this crate by its [`Generator::name`], one of [`GENERATOR_NAMES`],
/// with default settings (what the bindings accept where a generator is named).
///
/// ```
/// assert_eq!(fivergo_core::generator::by_name("quilt").unwrap().name(), "quilt");
/// assert_eq!(fivergo_core::generator::by_name("dall-e").err().map(|e| e.code()), Some("invalid_input"));
/// ```
pub fn by_name(name: &str) -> Result<Arc<dyn Generator>, Error> {
    Ok(match name {
        "echo" => Arc::new(EchoGenerator),
        #[cfg(feature = "generators")]
        "quilt" => Arc::new(image::QuiltGenerator::default()),
        #[cfg(feature = "generators")]
        "jingle_synth" => Arc::new(jingle::JingleGenerator::default()),
        #[cfg(feature = "generators")]
        "espeak_guide" => Arc::new(voice::EspeakGenerator::default()),
        #[cfg(feature = "generators")]
        "markov_text" => Arc::new(text::MarkovGenerator::default()),
        other => {
            return Err(Error::invalid(
                "generator",
                format!(
                    "unknown generator `{other}` (known: {})",
                    GENERATOR_NAMES.join(", ")
                ),
            ))
        }
    })
}

/// One entry of [`GeneratorRegistry::from_spec`]: a generator of this crate by name, or
/// one the host implements (a Python object, a JavaScript function, a Rust type).
///
/// ```
/// use fivergo_core::generator::GeneratorChoice;
/// let c = GeneratorChoice::Named("quilt".into());
/// assert!(matches!(c, GeneratorChoice::Named(n) if n == "quilt"));
/// ```
#[derive(Clone)]
pub enum GeneratorChoice {
    /// One of [`GENERATOR_NAMES`] (or, under `"*"`, a registry: echo, reference, none).
    Named(String),
    /// The host's own generator.
    Host(Arc<dyn Generator>),
}

/// Which generator serves which subcategory; a host registers its own.
///
/// ```
/// use std::sync::Arc;
/// use fivergo_core::{EchoGenerator, GeneratorRegistry};
/// let mut reg = GeneratorRegistry::default();
/// reg.register("tattoo", Arc::new(EchoGenerator));
/// assert_eq!(reg.get("tattoo").unwrap().name(), "echo");
/// assert_eq!(reg.get("jingles").unwrap().name(), "echo"); // the fallback
/// ```
#[derive(Clone)]
pub struct GeneratorRegistry {
    by_subcategory: BTreeMap<String, Arc<dyn Generator>>,
    fallback: Option<Arc<dyn Generator>>,
}

impl Default for GeneratorRegistry {
    /// Every subcategory falls back to [`EchoGenerator`].
    fn default() -> Self {
        Self {
            by_subcategory: BTreeMap::new(),
            fallback: Some(Arc::new(EchoGenerator)),
        }
    }
}

impl std::fmt::Debug for GeneratorRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.by_subcategory.iter().map(|(k, g)| (k, g.name())))
            .finish()
    }
}

impl GeneratorRegistry {
    /// A registry with no generator at all.
    ///
    /// ```
    /// use fivergo_core::GeneratorRegistry;
    /// let none = GeneratorRegistry::empty();
    /// assert_eq!(none.get("tattoo").err().map(|e| e.code()), Some("generator_unavailable"));
    /// assert!(GeneratorRegistry::default().get("tattoo").is_ok()); // the default falls back to echo
    /// ```
    pub fn empty() -> Self {
        Self {
            by_subcategory: BTreeMap::new(),
            fallback: None,
        }
    }

    /// The reference generators of this crate, offline and on the CPU:
    /// [`QuiltGenerator`](image::QuiltGenerator) for the picture subcategories
    /// (`tattoo`, `illustration`, `childrens_book_illustration`, `graphics_design`),
    /// [`JingleGenerator`](jingle::JingleGenerator) for `jingles` and `music_audio`,
    /// [`EspeakGenerator`](voice::EspeakGenerator) for `voice_over` (a guide track; it
    /// needs `espeak-ng` on the PATH) and [`MarkovGenerator`](text::MarkovGenerator) for
    /// `writing_translation`. Other subcategories have no generator
    /// (`generator_unavailable`) until the host registers one.
    ///
    /// ```
    /// use fivergo_core::GeneratorRegistry;
    /// let reg = GeneratorRegistry::reference();
    /// assert_eq!(reg.get("tattoo").unwrap().name(), "quilt");
    /// assert_eq!(reg.get("jingles").unwrap().name(), "jingle_synth");
    /// assert_eq!(reg.get("voice_over").unwrap().name(), "espeak_guide");
    /// assert_eq!(reg.get("writing_translation").unwrap().name(), "markov_text");
    /// assert_eq!(reg.get("pottery").err().map(|e| e.code()), Some("generator_unavailable"));
    /// ```
    #[cfg(feature = "generators")]
    pub fn reference() -> Self {
        let mut reg = Self::empty();
        let quilt: Arc<dyn Generator> = Arc::new(image::QuiltGenerator::default());
        let jingle: Arc<dyn Generator> = Arc::new(jingle::JingleGenerator::default());
        for slug in [
            "tattoo",
            "illustration",
            "childrens_book_illustration",
            "graphics_design",
        ] {
            reg.register(slug, quilt.clone());
        }
        for slug in ["jingles", "music_audio"] {
            reg.register(slug, jingle.clone());
        }
        reg.register("voice_over", Arc::new(voice::EspeakGenerator::default()));
        reg.register(
            "writing_translation",
            Arc::new(text::MarkovGenerator::default()),
        );
        reg
    }

    /// The registry a host describes, the one way both bindings choose generators.
    ///
    /// Each entry maps a catalogue subcategory to a [`GeneratorChoice`]: a generator
    /// of this crate by name ([`GENERATOR_NAMES`]) or one the host implements. The
    /// key `"*"` names what serves every other subcategory: `"echo"` (the default:
    /// [`EchoGenerator`], deterministic and instant, for tests and demos),
    /// `"reference"` ([`GeneratorRegistry::reference`]) or `"none"` (no generator:
    /// `generator_unavailable`). A key that is not a subcategory of `catalogue`, a
    /// name that is not a generator, or a host generator under `"*"` is
    /// `invalid_input` naming `generators.<key>` and what is allowed; nothing is
    /// ignored.
    ///
    /// ```
    /// use fivergo_core::generator::{GeneratorChoice, GeneratorRegistry};
    /// use fivergo_core::Catalogue;
    /// let cat = Catalogue::default();
    /// let named = |k: &str, v: &str| (k.to_string(), GeneratorChoice::Named(v.into()));
    /// let reg = GeneratorRegistry::from_spec([named("*", "none"), named("tattoo", "echo")], &cat).unwrap();
    /// assert_eq!(reg.get("tattoo").unwrap().name(), "echo");
    /// assert_eq!(reg.get("jingles").err().map(|e| e.code()), Some("generator_unavailable"));
    /// let err = GeneratorRegistry::from_spec([named("tatoo", "echo")], &cat).unwrap_err();
    /// assert_eq!(err.code(), "invalid_input");
    /// assert_eq!(err.details()["field"], "generators.tatoo");
    /// ```
    pub fn from_spec(
        spec: impl IntoIterator<Item = (String, GeneratorChoice)>,
        catalogue: &crate::catalogue::Catalogue,
    ) -> Result<Self, Error> {
        let mut base = None;
        let mut overrides = Vec::new();
        for (key, choice) in spec {
            let field = format!("generators.{key}");
            if key == "*" {
                base = Some(match choice {
                    GeneratorChoice::Named(name) => match name.as_str() {
                        "echo" => Self::default(),
                        #[cfg(feature = "generators")]
                        "reference" => Self::reference(),
                        "none" => Self::empty(),
                        other => {
                            return Err(Error::invalid(
                                &field,
                                format!("`{other}` is not a registry (echo, reference, none)"),
                            ));
                        }
                    },
                    GeneratorChoice::Host(_) => {
                        return Err(Error::invalid(
                            &field,
                            "`*` names a registry (echo, reference, none), not one generator",
                        ));
                    }
                });
                continue;
            }
            if catalogue.get(&key).is_none() {
                let known: Vec<&str> = catalogue
                    .entries()
                    .iter()
                    .map(|e| e.slug.as_str())
                    .collect();
                return Err(Error::invalid(
                    &field,
                    format!(
                        "`{key}` is not a subcategory (known: *, {})",
                        known.join(", ")
                    ),
                ));
            }
            let generator = match choice {
                GeneratorChoice::Named(name) => by_name(&name).map_err(|e| match e {
                    Error::InvalidInput { reason, .. } => Error::invalid(&field, reason),
                    other => other,
                })?,
                GeneratorChoice::Host(g) => g,
            };
            overrides.push((key, generator));
        }
        let mut registry = base.unwrap_or_default();
        for (key, generator) in overrides {
            registry.register(key, generator);
        }
        Ok(registry)
    }

    /// Serves `subcategory` with `generator`.
    ///
    /// ```
    /// use fivergo_core::{generator::by_name, GeneratorRegistry};
    /// let mut reg = GeneratorRegistry::default(); // echo for every subcategory
    /// reg.register("tattoo", by_name("quilt").unwrap());
    /// assert_eq!(reg.get("tattoo").unwrap().name(), "quilt");
    /// assert_eq!(reg.get("jingles").unwrap().name(), "echo");
    /// ```
    pub fn register(&mut self, subcategory: impl Into<String>, generator: Arc<dyn Generator>) {
        self.by_subcategory.insert(subcategory.into(), generator);
    }

    /// The generator for `subcategory`, or `generator_unavailable`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fivergo_core::{EchoGenerator, GeneratorRegistry};
    /// let mut reg = GeneratorRegistry::empty();
    /// reg.register("tattoo", Arc::new(EchoGenerator));
    /// assert_eq!(reg.get("tattoo").unwrap().name(), "echo");
    /// let err = reg.get("jingles").err().unwrap();
    /// assert_eq!((err.code(), err.details()["subcategory"].as_str()), ("generator_unavailable", Some("jingles")));
    /// ```
    pub fn get(&self, subcategory: &str) -> Result<Arc<dyn Generator>, Error> {
        self.by_subcategory
            .get(subcategory)
            .or(self.fallback.as_ref())
            .cloned()
            .ok_or_else(|| Error::GeneratorUnavailable {
                subcategory: subcategory.into(),
                reason: "no generator registered".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: D5
    #[test]
    fn every_kind_of_artifact_round_trips_through_json() {
        let artifacts = [
            Artifact::Image(Image::filled(3, 2, [10, 20, 30, 255])),
            Artifact::Audio(Audio {
                sample_rate: 8_000,
                channels: 2,
                samples: vec![1, -2, 3, -4],
            }),
            Artifact::Text("a caption, with \"quotes\"".into()),
        ];
        for artifact in artifacts {
            let json = serde_json::to_value(&artifact).expect("every artifact serializes");
            assert_eq!(
                json["kind"],
                serde_json::to_value(artifact.modality()).expect("a modality")
            );
            assert_eq!(
                serde_json::from_value::<Artifact>(json).expect("and reads back"),
                artifact
            );
        }
    }
}
