//! Audio decoding, measurement and findings (SPEC A3, A8).

use crate::asset::{flag, name, Asset, Finding};
use crate::catalogue::CatalogueEntry;
use crate::error::Error;
use crate::media::Inspected;
use crate::policy::Policy;
use serde::{Deserialize, Serialize};

/// Audio analysis thresholds.
///
/// ```
/// use fivergo_core::media::audio::AudioChecks;
/// assert_eq!(AudioChecks::default().min_sample_rate_hz, 22_050);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AudioChecks {
    /// Recordings sampled below this get a warning.
    pub min_sample_rate_hz: u32,
}

impl Default for AudioChecks {
    fn default() -> Self {
        Self { min_sample_rate_hz: 22_050 }
    }
}

/// Decodes a WAV file and measures it (being written).
pub fn inspect_bytes(_bytes: &[u8], _policy: &Policy) -> Result<Inspected, Error> {
    Err(Error::AssetUnreadable { reason: "audio inspection is not available yet".into() })
}

/// A8 audio findings of a set, from the measured metadata.
pub(crate) fn findings(assets: &[&Asset], entry: &CatalogueEntry, policy: &Policy, set: &mut Vec<Finding>, each: &mut Vec<Finding>) {
    let p = &policy.assets;
    for tag in &entry.recommended_asset_tags {
        if !assets.iter().any(|a| a.tags.contains(tag)) {
            set.push(Finding::warning(&format!("no_{tag}_asset"), None, "A8", format!(
                "No asset is tagged `{tag}`; {} models work best with at least one.", entry.name)));
        }
    }
    for a in assets {
        let d = a.meta.duration_ms.unwrap_or(0);
        if d < u64::from(p.ideal_recording_seconds) * 1000 {
            each.push(Finding::warning("short_recording", Some(&a.id), "A8", format!(
                "{} lasts {:.0} s; recordings of {} s or more are ideal.", name(a), d as f64 / 1000.0, p.ideal_recording_seconds)));
        }
        flag(each, a, a.meta.background_noise, "background_noise", "A8", "has background noise");
        flag(each, a, a.meta.clipping, "clipping", "A8", "clips (distorted peaks)");
        flag(each, a, a.meta.long_silence, "long_silence", "A8", "has long silences");
        if a.meta.voices.unwrap_or(1) > 1 {
            each.push(Finding::warning("multiple_voices", Some(&a.id), "A8", format!(
                "{} features {} voices; a single voice keeps the model consistent.", name(a), a.meta.voices.unwrap_or(0))));
        }
    }
}
