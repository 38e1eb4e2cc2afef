//! Draft watermarks (SPEC W1, W2): the library marks every client-facing draft
//! itself, so no generator can hand out a clean file; only the approved-and-paid
//! state of an order releases the clean artifact (G1).

pub mod audio;
pub mod invisible;
pub mod payload;
pub mod visible;

pub use visible::{draft, visible_mark_coverage, DraftMark, WatermarkStyle};

use crate::generator::Artifact;

use serde::{Deserialize, Serialize};

/// What an invisible-mark detector found.
///
/// ```
/// use fivergo_core::watermark::Detection;
/// let d = Detection::Found { payload: 42, confidence: 0.97 };
/// assert_eq!(d.payload(), Some(42));
/// assert_eq!(Detection::NotFound.payload(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Detection {
    /// A valid codeword was read.
    Found {
        /// The 64-bit payload.
        payload: u64,
        /// How clearly it was read, `0..=1`.
        confidence: f32,
    },
    /// No mark: an unmarked file, or one damaged beyond recovery.
    NotFound,
}

impl Detection {
    /// The payload, if found.
    ///
    /// ```
    /// use fivergo_core::watermark::{trace, Detection, MarkStyle};
    /// use fivergo_core::{Artifact, Image};
    /// assert_eq!(Detection::Found { payload: 7, confidence: 0.9 }.payload(), Some(7));
    /// let unmarked = Artifact::Image(Image::filled(64, 64, [200, 0, 0, 255]));
    /// assert_eq!(trace(&unmarked, &MarkStyle::default()).payload(), None);
    /// ```
    pub fn payload(&self) -> Option<u64> {
        match self {
            Detection::Found { payload, .. } => Some(*payload),
            Detection::NotFound => None,
        }
    }
}

/// Why an invisible mark could not be embedded (a flat image, a silent or too short
/// recording): reported, never silently skipped.
///
/// ```
/// use fivergo_core::watermark::{mark_draft, DraftMark, MarkStyle};
/// use fivergo_core::{Artifact, Image};
/// let flat = Artifact::Image(Image::filled(512, 512, [200, 200, 200, 255]));
/// let mark = DraftMark { reference: "order-7".into(), seed: 1 };
/// let marked = mark_draft(&flat, &mark, Some(7), &MarkStyle::default());
/// let unfit = marked.payload.unwrap_err(); // a flat picture cannot hide a payload
/// assert!(!unfit.reason.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfit {
    /// A sentence for logs and UIs.
    pub reason: String,
}

/// Every mark's parameters: visible / audible (W1) and invisible (W2).
///
/// ```
/// use fivergo_core::watermark::MarkStyle;
/// let style: MarkStyle = serde_json::from_str(r#"{"visible": {"opacity": 0.5}}"#).unwrap();
/// assert_eq!(style.visible.opacity, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MarkStyle {
    /// The visible image mark, audible tag and text header (W1).
    pub visible: WatermarkStyle,
    /// The invisible image payload (W2).
    pub invisible: invisible::InvisibleStyle,
    /// The audio payload (W2).
    pub audio: audio::AudioMarkStyle,
}

/// A draft with its marks, and whether the invisible payload could be embedded.
///
/// ```
/// use fivergo_core::watermark::{mark_draft, DraftMark, MarkStyle, MarkedDraft};
/// use fivergo_core::Artifact;
/// let mark = DraftMark { reference: "order-7".into(), seed: 1 };
/// let clean = Artifact::Text("Roses are red.".into());
/// let marked: MarkedDraft = mark_draft(&clean, &mark, Some(7), &MarkStyle::default());
/// assert_ne!(marked.artifact, clean); // the visible header (W1)
/// assert!(marked.payload.is_err()); // texts hold no invisible payload (W2)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MarkedDraft {
    /// The marked artifact.
    pub artifact: Artifact,
    /// `Ok(())` when the payload is in, `Err` when the content could not hold it
    /// (a flat image, a short or silent recording, a text): reported, not hidden.
    pub payload: Result<(), Unfit>,
}

/// Marks a client-facing draft: the visible / audible mark (W1), then, when a
/// payload is given, the invisible payload on top (W2), so the draft as delivered
/// carries the whole payload.
///
/// ```
/// use fivergo_core::watermark::{mark_draft, trace, DraftMark, MarkStyle};
/// use fivergo_core::{Artifact, Image};
/// let mut img = Image::filled(512, 512, [0, 0, 0, 255]);
/// for (i, px) in img.rgba.chunks_mut(4).enumerate() {
///     let v = ((i * 2654435761) >> 13) as u8; // a textured test picture
///     px[..3].copy_from_slice(&[v, v / 2, 255 - v]);
/// }
/// let style = MarkStyle::default();
/// let mark = DraftMark { reference: "order-7".into(), seed: 1 };
/// let marked = mark_draft(&Artifact::Image(img), &mark, Some(0x0007_0001), &style);
/// assert!(marked.payload.is_ok());
/// assert_eq!(trace(&marked.artifact, &style).payload(), Some(0x0007_0001));
/// ```
pub fn mark_draft(
    clean: &Artifact,
    mark: &DraftMark,
    payload: Option<u64>,
    style: &MarkStyle,
) -> MarkedDraft {
    let visible = draft(clean, mark, &style.visible);
    let Some(payload) = payload else {
        return MarkedDraft {
            artifact: visible,
            payload: Err(Unfit {
                reason: "no payload asked for".into(),
            }),
        };
    };
    // Fitness is judged on the clean picture: the visible mark's own texture must
    // not make a flat picture look able to hide the payload.
    if let (Artifact::Image(_), Artifact::Image(clean)) = (&visible, clean) {
        if let Err(unfit) = invisible::check_fit(clean, &style.invisible) {
            return MarkedDraft {
                artifact: visible,
                payload: Err(unfit),
            };
        }
    }
    match &visible {
        Artifact::Image(img) => match invisible::embed(img, payload, &style.invisible) {
            Ok(marked) => MarkedDraft {
                artifact: Artifact::Image(marked),
                payload: Ok(()),
            },
            Err(unfit) => MarkedDraft {
                artifact: visible,
                payload: Err(unfit),
            },
        },
        Artifact::Audio(a) => match audio::embed(a, payload, &style.audio) {
            Ok(marked) => MarkedDraft {
                artifact: Artifact::Audio(marked),
                payload: Ok(()),
            },
            Err(unfit) => MarkedDraft {
                artifact: visible,
                payload: Err(unfit),
            },
        },
        Artifact::Text(_) => MarkedDraft {
            artifact: visible,
            payload: Err(Unfit {
                reason: "texts carry their reference in the visible header only".into(),
            }),
        },
    }
}

/// Reads the invisible payload of an image or a recording (W2); texts have none.
///
/// ```
/// use fivergo_core::watermark::{mark_draft, trace, Detection, DraftMark, MarkStyle};
/// use fivergo_core::{Artifact, Image};
/// let mut img = Image::filled(512, 512, [0, 0, 0, 255]);
/// for (i, px) in img.rgba.chunks_mut(4).enumerate() {
///     let v = ((i * 2654435761) >> 13) as u8; // a textured test picture
///     px[..3].copy_from_slice(&[v, v / 2, 255 - v]);
/// }
/// let (clean, style) = (Artifact::Image(img), MarkStyle::default());
/// let marked = mark_draft(&clean, &DraftMark { reference: "order-7".into(), seed: 1 }, Some(42), &style);
/// assert_eq!(trace(&marked.artifact, &style).payload(), Some(42));
/// assert_eq!(trace(&clean, &style), Detection::NotFound);
/// ```
pub fn trace(artifact: &Artifact, style: &MarkStyle) -> Detection {
    match artifact {
        Artifact::Image(img) => invisible::detect(img, &style.invisible),
        Artifact::Audio(a) => audio::detect(a, &style.audio),
        Artifact::Text(_) => Detection::NotFound,
    }
}
