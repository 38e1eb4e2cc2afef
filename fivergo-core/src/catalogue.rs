//! The catalogue of subcategories a model can be created for (SPEC C1, P4).
//!
//! The catalogue is data, part of the [`Policy`](crate::Policy): each entry has a
//! modality, an availability flag, the pricing units its deliverables are sold in,
//! and any category-specific limits. A host can switch entries on, add its own, or
//! tighten limits without touching code.

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of media a subcategory's assets and deliverables are.
///
/// ```
/// use fivergo_core::Modality;
/// assert_eq!(Modality::Audio.to_string(), "audio");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Pictures (tattoo designs, illustrations, ...).
    Image,
    /// Sound (voice over, jingles, ...).
    Audio,
    /// Writing.
    Text,
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Modality::Image => "image",
            Modality::Audio => "audio",
            Modality::Text => "text",
        })
    }
}

/// The unit a deliverable is priced in (SPEC P4).
///
/// ```
/// use fivergo_core::PricingUnit;
/// assert_eq!(serde_json::to_string(&PricingUnit::Seconds).unwrap(), "\"seconds\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricingUnit {
    /// Whole deliverables: one image, one logo.
    Item,
    /// Seconds of audio.
    Seconds,
    /// Words of text or script.
    Words,
}

impl fmt::Display for PricingUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PricingUnit::Item => "item",
            PricingUnit::Seconds => "seconds",
            PricingUnit::Words => "words",
        })
    }
}

/// One subcategory (or announced category) of the catalogue.
///
/// ```
/// use fivergo_core::{Catalogue, Modality};
/// let catalogue = Catalogue::default();
/// let voice = catalogue.get("voice_over").unwrap();
/// assert_eq!(voice.modality, Modality::Audio);
/// assert_eq!(voice.trainings_per_period, Some(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    /// Stable key (`tattoo`, `voice_over`, ...).
    pub slug: String,
    /// Display name, also the base of generated model names (C3).
    pub name: String,
    /// The media of its assets and deliverables.
    pub modality: Modality,
    /// Whether models can be created for it now.
    pub available: bool,
    /// The units its deliverables may be priced in; the first is the default (P4).
    pub pricing_units: Vec<PricingUnit>,
    /// Minimum duration of an audio asset, overriding
    /// [`AssetPolicy::min_audio_seconds`](crate::AssetPolicy::min_audio_seconds) (A3).
    #[serde(default)]
    pub min_asset_seconds: Option<u32>,
    /// Trainings per billing month while subscribed, overriding
    /// [`TrainingPolicy::per_period`](crate::TrainingPolicy::per_period) (T2).
    #[serde(default)]
    pub trainings_per_period: Option<u32>,
    /// Tags of which at least one asset each should carry (A8: Jingles need one
    /// asset tagged `voice` and one tagged `music`).
    #[serde(default)]
    pub recommended_asset_tags: Vec<String>,
}

impl CatalogueEntry {
    fn new(
        slug: &str,
        name: &str,
        modality: Modality,
        available: bool,
        units: &[PricingUnit],
    ) -> Self {
        Self {
            slug: slug.into(),
            name: name.into(),
            modality,
            available,
            pricing_units: units.to_vec(),
            min_asset_seconds: None,
            trainings_per_period: None,
            recommended_asset_tags: Vec::new(),
        }
    }
}

/// The list of subcategories, in display order.
///
/// The default is SPEC C1: five live subcategories and three announced categories.
///
/// ```
/// use fivergo_core::Catalogue;
/// let c = Catalogue::default();
/// let live: Vec<_> = c.entries().iter().filter(|e| e.available).map(|e| e.slug.as_str()).collect();
/// assert_eq!(live, ["tattoo", "illustration", "childrens_book_illustration", "voice_over", "jingles"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Catalogue {
    entries: Vec<CatalogueEntry>,
}

impl Default for Catalogue {
    fn default() -> Self {
        use Modality::*;
        use PricingUnit::*;
        let mut voice =
            CatalogueEntry::new("voice_over", "Voice over", Audio, true, &[Seconds, Words]);
        voice.min_asset_seconds = Some(30);
        voice.trainings_per_period = Some(3);
        let mut jingles = CatalogueEntry::new("jingles", "Jingles", Audio, true, &[Seconds]);
        jingles.recommended_asset_tags = vec!["voice".into(), "music".into()];
        Self {
            entries: vec![
                CatalogueEntry::new("tattoo", "Tattoo", Image, true, &[Item]),
                CatalogueEntry::new("illustration", "Illustration", Image, true, &[Item]),
                CatalogueEntry::new(
                    "childrens_book_illustration",
                    "Children's book illustration",
                    Image,
                    true,
                    &[Item],
                ),
                voice,
                jingles,
                CatalogueEntry::new(
                    "graphics_design",
                    "Graphics & design",
                    Image,
                    false,
                    &[Item],
                ),
                CatalogueEntry::new("music_audio", "Music & Audio", Audio, false, &[Seconds]),
                CatalogueEntry::new(
                    "writing_translation",
                    "Writing & Translation",
                    Text,
                    false,
                    &[Words],
                ),
            ],
        }
    }
}

impl Catalogue {
    /// A catalogue from entries (validated by [`Policy::validate`](crate::Policy::validate)).
    ///
    /// ```
    /// use fivergo_core::{Catalogue, Policy};
    /// let tattoo_only: Vec<_> = Catalogue::default().entries().iter().filter(|e| e.slug == "tattoo").cloned().collect();
    /// let policy = Policy { catalogue: Catalogue::new(tattoo_only), ..Policy::default() };
    /// assert!(policy.validate().is_ok());
    /// assert!(policy.catalogue.get("voice_over").is_none());
    /// ```
    pub fn new(entries: Vec<CatalogueEntry>) -> Self {
        Self { entries }
    }

    /// All entries, in display order.
    ///
    /// ```
    /// use fivergo_core::Catalogue;
    /// let c = Catalogue::default();
    /// assert_eq!(c.entries().len(), 8);
    /// assert_eq!(c.entries()[0].name, "Tattoo");
    /// ```
    pub fn entries(&self) -> &[CatalogueEntry] {
        &self.entries
    }

    /// The entry with `slug`, if any.
    ///
    /// ```
    /// use fivergo_core::{Catalogue, PricingUnit};
    /// let c = Catalogue::default();
    /// assert_eq!(c.get("voice_over").unwrap().pricing_units, [PricingUnit::Seconds, PricingUnit::Words]);
    /// assert!(c.get("origami").is_none());
    /// ```
    pub fn get(&self, slug: &str) -> Option<&CatalogueEntry> {
        self.entries.iter().find(|e| e.slug == slug)
    }

    /// The entry with `slug`, or `unknown_subcategory` (C1).
    ///
    /// ```
    /// use fivergo_core::{Catalogue, Modality};
    /// let c = Catalogue::default();
    /// assert_eq!(c.entry("jingles").unwrap().modality, Modality::Audio);
    /// let err = c.entry("origami").unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("unknown_subcategory", Some("C1")));
    /// ```
    pub fn entry(&self, slug: &str) -> Result<&CatalogueEntry, Error> {
        self.get(slug).ok_or_else(|| Error::UnknownSubcategory {
            subcategory: slug.into(),
        })
    }

    /// The entry with `slug` if it is available, else `unknown_subcategory` or
    /// `subcategory_unavailable` (C1).
    ///
    /// ```
    /// use fivergo_core::Catalogue;
    /// let c = Catalogue::default();
    /// assert!(c.available("tattoo").is_ok());
    /// assert_eq!(c.available("music_audio").unwrap_err().code(), "subcategory_unavailable"); // announced only
    /// assert_eq!(c.available("origami").unwrap_err().code(), "unknown_subcategory");
    /// ```
    pub fn available(&self, slug: &str) -> Result<&CatalogueEntry, Error> {
        let entry = self.entry(slug)?;
        if entry.available {
            Ok(entry)
        } else {
            Err(Error::SubcategoryUnavailable {
                subcategory: slug.into(),
            })
        }
    }

    /// Switches an entry's availability (announced categories going live).
    ///
    /// ```
    /// use fivergo_core::Catalogue;
    /// let mut c = Catalogue::default();
    /// c.set_available("music_audio", true).unwrap(); // the category goes live
    /// assert!(c.available("music_audio").is_ok());
    /// assert_eq!(c.set_available("origami", true).unwrap_err().code(), "unknown_subcategory");
    /// ```
    pub fn set_available(&mut self, slug: &str, available: bool) -> Result<(), Error> {
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.slug == slug)
            .ok_or_else(|| Error::UnknownSubcategory {
                subcategory: slug.into(),
            })?;
        entry.available = available;
        Ok(())
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        let mut seen = std::collections::BTreeSet::new();
        for e in &self.entries {
            let field = |f: &str| format!("catalogue.{}.{f}", e.slug);
            if e.slug.trim().is_empty() || !seen.insert(e.slug.as_str()) {
                return Err(Error::InvalidPolicy {
                    field: "catalogue".into(),
                    reason: format!("slug `{}` is empty or repeated", e.slug),
                });
            }
            if e.pricing_units.is_empty() {
                return Err(Error::InvalidPolicy {
                    field: field("pricing_units"),
                    reason: "at least one pricing unit is needed".into(),
                });
            }
            if e.min_asset_seconds == Some(0) || e.trainings_per_period == Some(0) {
                return Err(Error::InvalidPolicy {
                    field: field("limits"),
                    reason: "category limits must be above zero".into(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_catalogue_has_five_live_and_three_announced() {
        // R: C1
        let c = Catalogue::default();
        assert_eq!(c.entries().iter().filter(|e| e.available).count(), 5);
        let announced: Vec<_> = c
            .entries()
            .iter()
            .filter(|e| !e.available)
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(
            announced,
            [
                "Graphics & design",
                "Music & Audio",
                "Writing & Translation"
            ]
        );
        assert_eq!(c.get("tattoo").unwrap().modality, Modality::Image);
        assert_eq!(c.get("jingles").unwrap().modality, Modality::Audio);
        assert_eq!(
            c.get("writing_translation").unwrap().modality,
            Modality::Text
        );
    }

    #[test]
    fn unavailable_and_unknown_entries_are_refused() {
        // R: C1
        let mut c = Catalogue::default();
        assert_eq!(
            c.available("writing_translation").unwrap_err().code(),
            "subcategory_unavailable"
        );
        assert_eq!(
            c.available("knitting").unwrap_err().code(),
            "unknown_subcategory"
        );
        c.set_available("writing_translation", true).unwrap();
        assert!(c.available("writing_translation").is_ok());
    }

    #[test]
    fn pricing_units_follow_the_deliverable() {
        // R: P4
        let c = Catalogue::default();
        assert_eq!(
            c.get("illustration").unwrap().pricing_units,
            [PricingUnit::Item]
        );
        assert_eq!(
            c.get("voice_over").unwrap().pricing_units,
            [PricingUnit::Seconds, PricingUnit::Words]
        );
        assert_eq!(
            c.get("jingles").unwrap().pricing_units,
            [PricingUnit::Seconds]
        );
        assert_eq!(
            c.get("writing_translation").unwrap().pricing_units,
            [PricingUnit::Words]
        );
    }
}
