//! Draft watermarks (SPEC W1, W2): the library marks every client-facing draft
//! itself, so no generator can hand out a clean file; only the approved-and-paid
//! state of an order releases the clean artifact (G1).

pub mod visible;

pub use visible::{draft, visible_mark_coverage, DraftMark, WatermarkStyle};
pub mod payload;

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
    pub fn payload(&self) -> Option<u64> {
        match self {
            Detection::Found { payload, .. } => Some(*payload),
            Detection::NotFound => None,
        }
    }
}

/// Why an invisible mark could not be embedded (a flat image, a silent or too short
/// recording): reported, never silently skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfit {
    /// A sentence for logs and UIs.
    pub reason: String,
}
