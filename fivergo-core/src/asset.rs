//! Training assets and their checks (SPEC A1–A9, D3).
//!
//! An [`Asset`] lives in its seller's library. Selecting it for a model runs the hard
//! limits of A3 ([`check_selectable`]): a refusal is an error and nothing already
//! selected is lost. The best practices of A4/A8 are warnings ([`review_set`]): each a
//! [`Finding`] with a stable code, the asset it concerns and a sentence. Until the
//! media inspection lands, the facts the checks read ([`AssetMeta`]) are supplied by
//! the caller.

use crate::blob::BlobRef;
use crate::catalogue::{CatalogueEntry, Modality};
use crate::context::Context;
use crate::error::Error;
use crate::event::Event;
use crate::ids::{AssetId, OrderId, SellerId};
use crate::model::CreationModel;
use crate::policy::Policy;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Where an asset comes from (A1).
///
/// ```
/// use fivergo_core::AssetSource;
/// let s: AssetSource = serde_json::from_str(r#"{"type":"work_sample"}"#).unwrap();
/// assert_eq!(s, AssetSource::WorkSample);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AssetSource {
    /// The seller's portfolio.
    Portfolio,
    /// A public work sample from a past client delivery.
    WorkSample,
    /// A file the seller uploaded.
    Upload,
    /// A client's AI delivery; usable only once the client made it public (D3).
    ClientDelivery {
        /// The order it was delivered in.
        order: OrderId,
        /// Whether the client made it public.
        public: bool,
    },
}

impl AssetSource {
    /// Work samples and deliveries are what "All" selects (A2).
    ///
    /// ```
    /// use fivergo_core::AssetSource;
    /// assert!(AssetSource::WorkSample.is_delivery_like());
    /// assert!(AssetSource::ClientDelivery { order: "ana/order-1".into(), public: true }.is_delivery_like());
    /// assert!(!AssetSource::Upload.is_delivery_like() && !AssetSource::Portfolio.is_delivery_like());
    /// ```
    pub fn is_delivery_like(&self) -> bool {
        matches!(
            self,
            AssetSource::WorkSample | AssetSource::ClientDelivery { .. }
        )
    }
}

/// Facts about an asset's content that the checks read.
///
/// Pixel sizes and durations are required for images and audio respectively; the
/// other fields are optional observations (`None` = unknown, no warning, and left out
/// of the JSON).
///
/// ```
/// use fivergo_core::AssetMeta;
/// let m = AssetMeta::image(1024, 768);
/// assert_eq!((m.width, m.height), (Some(1024), Some(768)));
/// let a = AssetMeta::audio(45_000);
/// assert_eq!(a.duration_ms, Some(45_000));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetMeta {
    /// Original file name, for messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Image width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Image height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Audio duration in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// The image is monochrome (black and white / greyscale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monochrome: Option<bool>,
    /// The image is blurry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blurry: Option<bool>,
    /// A watermark or heavy text was detected on the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_or_watermark: Option<bool>,
    /// The image carries the invisible mark (W2) of a draft of this marketplace: a
    /// client's watermarked draft, uploaded back as a training picture (set by the
    /// hub's uploads; `None` where no one looked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft_mark: Option<bool>,
    /// The recording has background noise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_noise: Option<bool>,
    /// The recording clips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clipping: Option<bool>,
    /// The recording has long silences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_silence: Option<bool>,
    /// Number of distinct voices heard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voices: Option<u32>,
    /// Style label (brushwork, technique...) for consistency checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Genre label for consistency checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// The image looks upscaled (low effective resolution).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscaled: Option<bool>,
    /// Image sharpness (Laplacian over gradient energy on the strongest edges, at
    /// the training size; see [`crate::media::image::ImageMeasures::sharpness`]),
    /// compared across the set to find blurry images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharpness: Option<f32>,
    /// Mean Lab chroma of the image (0 = grey).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_chroma: Option<f32>,
    /// Audio sample rate in Hz.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_rate_hz: Option<u32>,
    /// Audio channels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<u16>,
    /// Audio peak level in dBFS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_dbfs: Option<f32>,
    /// Audio RMS level in dBFS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rms_dbfs: Option<f32>,
    /// Audio noise floor in dBFS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise_floor_dbfs: Option<f32>,
    /// Audio signal-to-noise ratio in dB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snr_db: Option<f32>,
    /// A style (image) or timbre (audio) vector, compared across the set (A4, A8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style_vector: Option<Vec<f32>>,
}

impl AssetMeta {
    /// Metadata of an image of `width × height`.
    ///
    /// ```
    /// use fivergo_core::{asset::check_readable, AssetMeta, Modality};
    /// let meta = AssetMeta::image(1024, 1024);
    /// assert!(check_readable(Modality::Image, &meta).is_ok());
    /// assert_eq!(serde_json::to_string(&meta).unwrap(), r#"{"width":1024,"height":1024}"#);
    /// ```
    pub fn image(width: u32, height: u32) -> Self {
        Self {
            width: Some(width),
            height: Some(height),
            ..Self::default()
        }
    }

    /// Metadata of a recording lasting `duration_ms`.
    ///
    /// ```
    /// use fivergo_core::{asset::check_readable, AssetMeta, Modality};
    /// let meta = AssetMeta { voices: Some(1), ..AssetMeta::audio(45_000) };
    /// assert!(check_readable(Modality::Audio, &meta).is_ok());
    /// assert_eq!(check_readable(Modality::Audio, &AssetMeta::audio(0)).unwrap_err().code(), "asset_unreadable");
    /// ```
    pub fn audio(duration_ms: u64) -> Self {
        Self {
            duration_ms: Some(duration_ms),
            ..Self::default()
        }
    }

    /// Metadata of a text sample.
    ///
    /// ```
    /// use fivergo_core::{asset::check_readable, AssetMeta, Modality};
    /// assert_eq!(AssetMeta::text(), AssetMeta::default());
    /// assert!(check_readable(Modality::Text, &AssetMeta::text()).is_ok()); // nothing to measure
    /// ```
    pub fn text() -> Self {
        Self::default()
    }
}

/// A training asset in a seller's library.
///
/// ```
/// use fivergo_core::*;
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// let id = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &["Koi"]).unwrap().value;
/// let asset: Asset = hub.asset("ana", &id).unwrap();
/// assert_eq!((asset.owner.as_str(), asset.seq), ("ana", 1));
/// assert!(asset.tags.contains("koi") && asset.content.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    /// Minted by the hub.
    pub id: AssetId,
    /// The seller whose library holds it.
    pub owner: SellerId,
    /// Where it comes from.
    pub source: AssetSource,
    /// Image, audio or text.
    pub modality: Modality,
    /// Facts about the content.
    pub meta: AssetMeta,
    /// Style, content type and details labels (A6).
    pub tags: BTreeSet<String>,
    /// When it entered the library (A2 orders by it, newest first).
    #[serde(with = "crate::wire::instant")]
    pub added_at: DateTime<Utc>,
    /// Its rank in the seller's library: orders assets added at the same instant (A2).
    pub seq: u64,
    /// The file, when the library holds it (uploads, public deliveries); assets
    /// added with metadata only have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<BlobRef>,
}

impl Asset {
    /// Adds a portfolio item, work sample or upload to `seller`'s library (A1, A3,
    /// A6): readable metadata, normalised tags. Client deliveries enter the library
    /// when their client makes them public (D3), never through here.
    ///
    /// ```
    /// use fivergo_core::{*};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let events = Asset::add(&"ana".into(), AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), None, &[" Fine Line "], &ctx).unwrap();
    /// match &events[0] {
    ///     Event::AssetAdded { asset } => assert_eq!((asset.id.as_str(), asset.tags.first().map(String::as_str)), ("ana/asset-1", Some("fine line"))),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        seller: &SellerId,
        source: AssetSource,
        modality: Modality,
        meta: AssetMeta,
        content: Option<BlobRef>,
        tags: &[&str],
        ctx: &Context,
    ) -> Result<Vec<Event>, Error> {
        if let AssetSource::ClientDelivery { order, .. } = &source {
            return Err(Error::invalid("source", format!("deliveries enter the library when the client of {order} makes them public (D3)")));
        }
        check_readable(modality, &meta)?;
        let limits = &ctx.policy.limits;
        for (field, name) in [
            ("file_name", &meta.file_name),
            ("style", &meta.style),
            ("genre", &meta.genre),
        ] {
            name.as_deref()
                .map_or(Ok(()), |n| limits.check_id(field, n))?;
        }
        tags.iter().try_for_each(|t| limits.check_id("tag", t))?;
        let tags = tags
            .iter()
            .map(|t| normalize_tag(t))
            .collect::<Result<_, _>>()?;
        let (id, seq) = ctx.ids.asset();
        Ok(vec![Event::AssetAdded {
            asset: Box::new(Asset {
                id,
                owner: seller.clone(),
                source,
                modality,
                meta,
                tags,
                added_at: ctx.now,
                seq,
                content,
            }),
        }])
    }

    /// The library asset a client's delivery becomes when first made public (D3).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let asset = Asset::from_delivery(&"ana".into(), &"ana/order-1".into(), Modality::Image, AssetMeta::image(1024, 1024), None, &ctx);
    /// assert_eq!(asset.id.as_str(), "ana/asset-1");
    /// assert_eq!(asset.source, AssetSource::ClientDelivery { order: "ana/order-1".into(), public: true });
    /// ```
    pub fn from_delivery(
        seller: &SellerId,
        order: &OrderId,
        modality: Modality,
        meta: AssetMeta,
        content: Option<BlobRef>,
        ctx: &Context,
    ) -> Asset {
        let (id, seq) = ctx.ids.asset();
        let source = AssetSource::ClientDelivery {
            order: order.clone(),
            public: true,
        };
        Asset {
            id,
            owner: seller.clone(),
            source,
            modality,
            meta,
            tags: BTreeSet::new(),
            added_at: ctx.now,
            seq,
            content,
        }
    }

    /// Decides a command about the asset (A6, A7). The caller has checked that the
    /// actor owns it (D1).
    ///
    /// ```
    /// use fivergo_core::{asset::AssetCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let add = Asset::add(&"ana".into(), AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), None, &["koi"], &ctx).unwrap();
    /// let Event::AssetAdded { asset } = &add[0] else { unreachable!() };
    /// let tag = AssetCommand::Tag { add: &["Fine Line"], remove: &["koi"], used_by: vec![] };
    /// assert_eq!(asset.decide(tag, &ctx).unwrap()[0].kind(), "asset_tagged");
    /// let same = AssetCommand::Tag { add: &["KOI"], remove: &[], used_by: vec![] };
    /// assert!(asset.decide(same, &ctx).unwrap().is_empty()); // nothing changes, nothing recorded
    /// ```
    pub fn decide(&self, command: AssetCommand<'_>, ctx: &Context) -> Result<Vec<Event>, Error> {
        match command {
            AssetCommand::Tag {
                add,
                remove,
                used_by,
            } => {
                let mut tags = self.tags.clone();
                for t in add {
                    ctx.policy.limits.check_id("tag", t)?;
                    tags.insert(normalize_tag(t)?);
                }
                for t in remove {
                    tags.remove(&normalize_tag(t)?);
                }
                if tags == self.tags {
                    return Ok(Vec::new());
                }
                let mut events = vec![Event::AssetTagged {
                    asset: self.id.clone(),
                    tags,
                    at: ctx.now,
                }];
                // A7: the models trained on it go stale.
                let stale = used_by.iter().filter(|m| m.live.is_some());
                events.extend(stale.map(|m| Event::ModelMarkedStale {
                    model: m.id.clone(),
                    at: ctx.now,
                }));
                Ok(events)
            }
        }
    }

    /// Folds in an event that concerns the asset; others are ignored.
    ///
    /// ```
    /// use fivergo_core::{asset::AssetCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let add = Asset::add(&"ana".into(), AssetSource::Upload, Modality::Text, AssetMeta::text(), None, &[], &ctx).unwrap();
    /// let Event::AssetAdded { asset } = &add[0] else { unreachable!() };
    /// let mut asset: Asset = (**asset).clone();
    /// let events = asset.decide(AssetCommand::Tag { add: &["Dry wit"], remove: &[], used_by: vec![] }, &ctx).unwrap();
    /// events.iter().for_each(|e| asset.apply(e));
    /// assert!(asset.tags.contains("dry wit"));
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::AssetTagged { tags, .. } => self.tags = tags.clone(),
            Event::DeliveryVisibilityChanged { order, public, .. } => {
                if let AssetSource::ClientDelivery {
                    order: o,
                    public: p,
                } = &mut self.source
                {
                    if o == order {
                        *p = *public;
                    }
                }
            }
            _ => {}
        }
    }

    /// Only the library's owner may use it (D1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.add_asset("ana", AssetSource::Upload, Modality::Text, AssetMeta::text(), &[]).unwrap().value;
    /// let asset = hub.admin().asset(&id).unwrap();
    /// assert!(asset.ensure_owner(&"ana".into()).is_ok());
    /// let err = asset.ensure_owner(&"bob".into()).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("forbidden", Some("D1")));
    /// ```
    pub fn ensure_owner(&self, actor: &SellerId) -> Result<(), Error> {
        if &self.owner == actor {
            Ok(())
        } else {
            Err(Error::Forbidden {
                actor: actor.to_string(),
                entity: "asset".into(),
                id: self.id.to_string(),
                rule: "D1",
            })
        }
    }
}

/// What a seller can ask of an asset of their library (A6).
///
/// ```
/// use fivergo_core::*;
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// let id = hub.add_asset("ana", AssetSource::Upload, Modality::Text, AssetMeta::text(), &["draft"]).unwrap().value;
/// hub.tag_asset("ana", &id, &["Dry wit"], &["draft"]).unwrap(); // decided as AssetCommand::Tag
/// assert_eq!(hub.asset("ana", &id).unwrap().tags.into_iter().collect::<Vec<_>>(), ["dry wit"]);
/// ```
#[derive(Debug, Clone)]
pub enum AssetCommand<'a> {
    /// Add and remove tags; `used_by` are the models that selected the asset.
    Tag {
        /// Tags to add.
        add: &'a [&'a str],
        /// Tags to remove.
        remove: &'a [&'a str],
        /// The models whose selection holds the asset.
        used_by: Vec<&'a CreationModel>,
    },
}

/// A tag as stored: trimmed, lower case, not empty (A6).
///
/// ```
/// use fivergo_core::asset::normalize_tag;
/// assert_eq!(normalize_tag("  Fine Line ").unwrap(), "fine line");
/// assert_eq!(normalize_tag("   ").unwrap_err().code(), "invalid_input");
/// ```
pub fn normalize_tag(tag: &str) -> Result<String, Error> {
    let t = tag.trim().to_lowercase();
    if t.is_empty() {
        Err(Error::invalid("tag", "must not be empty"))
    } else {
        Ok(t)
    }
}

/// Checks that a metadata record is readable for its modality (A3).
///
/// ```
/// use fivergo_core::{asset::check_readable, AssetMeta, Modality};
/// assert!(check_readable(Modality::Image, &AssetMeta::image(10, 10)).is_ok());
/// assert_eq!(check_readable(Modality::Image, &AssetMeta::image(0, 10)).unwrap_err().code(), "asset_unreadable");
/// assert_eq!(check_readable(Modality::Audio, &AssetMeta::default()).unwrap_err().code(), "asset_unreadable");
/// ```
pub fn check_readable(modality: Modality, meta: &AssetMeta) -> Result<(), Error> {
    let unreadable = |reason: &str| {
        Err(Error::AssetUnreadable {
            reason: reason.into(),
        })
    };
    match modality {
        Modality::Image => match (meta.width, meta.height) {
            (Some(w), Some(h)) if w > 0 && h > 0 => Ok(()),
            (Some(_), Some(_)) => unreadable("the image has no pixels"),
            _ => unreadable("an image needs its pixel width and height"),
        },
        Modality::Audio => match meta.duration_ms {
            Some(d) if d > 0 => Ok(()),
            Some(_) => unreadable("the recording is empty"),
            None => unreadable("a recording needs its duration"),
        },
        Modality::Text => Ok(()),
    }
}

/// The hard limits that decide whether `seller` may select `asset` for a model of
/// `entry` (A1, A3, D1, D3).
///
/// ```
/// use fivergo_core::{asset::*, *};
/// let policy = Policy::default();
/// let voice = policy.catalogue.get("voice_over").unwrap();
/// let clip = Asset { id: "asset-1".into(), owner: "ana".into(), source: AssetSource::Upload,
///     modality: Modality::Audio, meta: AssetMeta::audio(20_000), tags: Default::default(),
///     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
/// let err = check_selectable(&clip, &"ana".into(), voice, &policy).unwrap_err();
/// assert_eq!(err.code(), "asset_too_short"); // voice over needs 30 s
/// ```
pub fn check_selectable(
    asset: &Asset,
    seller: &SellerId,
    entry: &CatalogueEntry,
    policy: &Policy,
) -> Result<(), Error> {
    asset.ensure_owner(seller)?;
    if let AssetSource::ClientDelivery { public: false, .. } = asset.source {
        return Err(Error::PrivateDelivery {
            asset: asset.id.clone(),
        });
    }
    if asset.modality != entry.modality {
        return Err(Error::ModalityMismatch {
            asset: asset.id.clone(),
            expected: entry.modality,
            found: asset.modality,
        });
    }
    check_readable(asset.modality, &asset.meta)?;
    if asset.modality == Modality::Image {
        // Low resolution is a warning (A4); a hard minimum applies only when set.
        let (width, height) = (
            asset.meta.width.unwrap_or(0),
            asset.meta.height.unwrap_or(0),
        );
        if let Some(min_side_px) = policy.media.limits.min_image_side_px {
            if width.min(height) < min_side_px {
                return Err(Error::ImageTooSmall {
                    asset: asset.id.clone(),
                    width,
                    height,
                    min_side_px,
                });
            }
        }
    }
    if asset.modality == Modality::Audio {
        let min_seconds = entry
            .min_asset_seconds
            .unwrap_or(policy.assets.min_audio_seconds);
        let duration_ms = asset.meta.duration_ms.unwrap_or(0);
        if duration_ms < u64::from(min_seconds) * 1000 {
            return Err(Error::AssetTooShort {
                asset: asset.id.clone(),
                duration_ms,
                min_seconds,
            });
        }
    }
    Ok(())
}

/// A2: the assets "All" selects: the newest work samples and public deliveries of the
/// entry's modality, newest first, at most `all_selection_limit`.
///
/// Assets added at the same instant are ordered by [`Asset::seq`], the later first.
///
/// ```
/// use fivergo_core::{asset::select_all, *};
/// let policy = Policy::default();
/// let asset = |id: &str, source, seq| Asset { id: id.into(), owner: "ana".into(), source,
///     modality: Modality::Image, meta: AssetMeta::image(1024, 1024), tags: Default::default(),
///     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq, content: None };
/// let library = [asset("a1", AssetSource::WorkSample, 1), asset("a2", AssetSource::Upload, 2),
///     asset("a3", AssetSource::WorkSample, 3)];
/// let picked = select_all(&library, policy.catalogue.get("tattoo").unwrap(), &policy);
/// assert_eq!(picked.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a3", "a1"]); // no uploads
/// ```
pub fn select_all<'a>(
    library: impl IntoIterator<Item = &'a Asset>,
    entry: &CatalogueEntry,
    policy: &Policy,
) -> Vec<&'a Asset> {
    let mut picked: Vec<&Asset> = library
        .into_iter()
        .filter(|a| a.source.is_delivery_like() && a.modality == entry.modality)
        .filter(|a| !matches!(a.source, AssetSource::ClientDelivery { public: false, .. }))
        .collect();
    picked.sort_by_key(|a| std::cmp::Reverse((a.added_at, a.seq)));
    picked.truncate(policy.assets.all_selection_limit as usize);
    picked
}

/// How serious a finding is.
///
/// ```
/// use fivergo_core::{asset::Finding, Severity};
/// let f = Finding::warning("blurry", Some(&"ana/asset-2".into()), "A4", "This picture looks blurry.");
/// assert_eq!(f.severity, Severity::Warning);
/// assert!(Severity::Error > Severity::Warning);
/// assert_eq!(serde_json::to_string(&Severity::Error).unwrap(), "\"error\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Best practice not met; training is still allowed (A4).
    Warning,
    /// A hard limit; the asset cannot be used (A3).
    Error,
}

/// One observation about an asset or the whole set (A4, A8).
///
/// ```
/// use fivergo_core::asset::{Finding, Severity};
/// let f = Finding::warning("too_few_images", None, "A8", "Only 3 images; 10 to 50 work best.");
/// assert_eq!(f.severity, Severity::Warning);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable snake_case code.
    pub code: String,
    /// Warning or error.
    pub severity: Severity,
    /// The asset it concerns; `None` for findings about the whole set.
    pub asset: Option<AssetId>,
    /// The SPEC rule.
    pub rule: String,
    /// A sentence for the seller.
    pub message: String,
}

impl Finding {
    /// A warning.
    ///
    /// ```
    /// use fivergo_core::Finding;
    /// let f = Finding::warning("low_resolution", Some(&"ana/asset-3".into()), "A4", "Under 1024 px.");
    /// assert_eq!((f.code.as_str(), f.rule.as_str()), ("low_resolution", "A4"));
    /// assert_eq!(f.asset.unwrap().as_str(), "ana/asset-3");
    /// ```
    pub fn warning(
        code: &str,
        asset: Option<&AssetId>,
        rule: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            severity: Severity::Warning,
            asset: asset.cloned(),
            rule: rule.into(),
            message: message.into(),
        }
    }
}

/// The best-practice review of a model's selected set (A4, A8): every warning, in a
/// stable order (set-level findings first, then per asset in selection order).
///
/// ```
/// use fivergo_core::{asset::*, *};
/// let policy = Policy::default();
/// let tattoo = policy.catalogue.get("tattoo").unwrap();
/// let img = |id: &str, w, h| Asset { id: id.into(), owner: "ana".into(), source: AssetSource::Upload,
///     modality: Modality::Image, meta: AssetMeta::image(w, h), tags: Default::default(),
///     added_at: "2026-01-01T00:00:00Z".parse().unwrap(), seq: 1, content: None };
/// let set = [img("a1", 1024, 1024), img("a2", 800, 1200)];
/// let codes: Vec<_> = review_set(&set.iter().collect::<Vec<_>>(), tattoo, &policy)
///     .into_iter().map(|f| f.code).collect();
/// assert_eq!(codes, ["too_few_images", "non_square", "low_resolution"]);
/// ```
pub fn review_set(assets: &[&Asset], entry: &CatalogueEntry, policy: &Policy) -> Vec<Finding> {
    let mut set = Vec::new();
    let mut each = Vec::new();
    match entry.modality {
        Modality::Image => crate::media::image::findings(assets, policy, &mut set, &mut each),
        Modality::Audio => {
            crate::media::audio::findings(assets, entry, policy, &mut set, &mut each)
        }
        Modality::Text => {}
    }
    let styles = assets
        .iter()
        .filter_map(|a| a.meta.style.clone())
        .collect::<BTreeSet<_>>();
    let genres = assets
        .iter()
        .filter_map(|a| a.meta.genre.clone())
        .collect::<BTreeSet<_>>();
    for (distinct, code, rule, what) in [
        (styles, "inconsistent_style", "A4", "styles"),
        (genres, "inconsistent_genre", "A8", "genres"),
    ] {
        if distinct.len() > 1 {
            set.push(Finding::warning(
                code,
                None,
                rule,
                format!(
                "The set mixes {what} ({}); one model should hold one style, tone and genre (C4).",
                distinct.into_iter().collect::<Vec<_>>().join(", ")),
            ));
        }
    }
    set.extend(each);
    set
}

pub(crate) fn flag(
    out: &mut Vec<Finding>,
    a: &Asset,
    observed: Option<bool>,
    code: &str,
    rule: &str,
    what: &str,
) {
    if observed == Some(true) {
        out.push(Finding::warning(
            code,
            Some(&a.id),
            rule,
            format!("{} {what}.", name(a)),
        ));
    }
}

pub(crate) fn name(a: &Asset) -> String {
    a.meta.file_name.clone().unwrap_or_else(|| a.id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(
        id: &str,
        modality: Modality,
        meta: AssetMeta,
        source: AssetSource,
        day: u32,
    ) -> Asset {
        Asset {
            id: id.into(),
            owner: "ana".into(),
            source,
            modality,
            meta,
            tags: BTreeSet::new(),
            added_at: format!("2026-01-{day:02}T00:00:00Z").parse().unwrap(),
            seq: 0,
            content: None,
        }
    }

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn audio_minimums_ten_and_thirty_seconds() {
        // R: A3
        let p = Policy::default();
        let jingles = p.catalogue.get("jingles").unwrap();
        let voice = p.catalogue.get("voice_over").unwrap();
        let a = asset(
            "a",
            Modality::Audio,
            AssetMeta::audio(9_999),
            AssetSource::Upload,
            1,
        );
        let err = check_selectable(&a, &"ana".into(), jingles, &p).unwrap_err();
        assert_eq!(
            err,
            Error::AssetTooShort {
                asset: "a".into(),
                duration_ms: 9_999,
                min_seconds: 10
            }
        );
        let a = asset(
            "a",
            Modality::Audio,
            AssetMeta::audio(10_000),
            AssetSource::Upload,
            1,
        );
        assert!(check_selectable(&a, &"ana".into(), jingles, &p).is_ok());
        assert_eq!(
            check_selectable(&a, &"ana".into(), voice, &p)
                .unwrap_err()
                .code(),
            "asset_too_short"
        );
        let a = asset(
            "a",
            Modality::Audio,
            AssetMeta::audio(30_000),
            AssetSource::Upload,
            1,
        );
        assert!(check_selectable(&a, &"ana".into(), voice, &p).is_ok());
    }

    #[test]
    fn modality_mismatch_and_unreadable_are_refused() {
        // R: A3
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let a = asset(
            "a",
            Modality::Audio,
            AssetMeta::audio(60_000),
            AssetSource::Upload,
            1,
        );
        assert_eq!(
            check_selectable(&a, &"ana".into(), tattoo, &p)
                .unwrap_err()
                .code(),
            "modality_mismatch"
        );
        let broken = asset(
            "b",
            Modality::Image,
            AssetMeta::default(),
            AssetSource::Upload,
            1,
        );
        assert_eq!(
            check_selectable(&broken, &"ana".into(), tattoo, &p)
                .unwrap_err()
                .code(),
            "asset_unreadable"
        );
    }

    #[test]
    fn other_sellers_assets_and_private_deliveries_are_refused() {
        // R: A1, D1, D3
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let a = asset(
            "a",
            Modality::Image,
            AssetMeta::image(1024, 1024),
            AssetSource::Portfolio,
            1,
        );
        let err = check_selectable(&a, &"mallory".into(), tattoo, &p).unwrap_err();
        assert_eq!((err.code(), err.rule()), ("forbidden", Some("D1")));
        let private = AssetSource::ClientDelivery {
            order: "order-1".into(),
            public: false,
        };
        let d = asset(
            "d",
            Modality::Image,
            AssetMeta::image(1024, 1024),
            private,
            1,
        );
        assert_eq!(
            check_selectable(&d, &"ana".into(), tattoo, &p)
                .unwrap_err()
                .code(),
            "private_delivery"
        );
        let public = AssetSource::ClientDelivery {
            order: "order-1".into(),
            public: true,
        };
        let d = asset(
            "d",
            Modality::Image,
            AssetMeta::image(1024, 1024),
            public,
            1,
        );
        assert!(check_selectable(&d, &"ana".into(), tattoo, &p).is_ok());
    }

    #[test]
    fn all_takes_the_newest_hundred_samples_and_deliveries() {
        // R: A2
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let mut lib: Vec<Asset> = (0..130)
            .map(|i| {
                let mut a = asset(
                    &format!("s{i}"),
                    Modality::Image,
                    AssetMeta::image(1024, 1024),
                    AssetSource::WorkSample,
                    1,
                );
                a.added_at += chrono::Duration::hours(i64::from(i / 2)); // pairs share an instant
                a.seq = i as u64;
                a
            })
            .collect();
        lib.push(asset(
            "upload",
            Modality::Image,
            AssetMeta::image(9, 9),
            AssetSource::Upload,
            28,
        ));
        lib.push(asset(
            "portfolio",
            Modality::Image,
            AssetMeta::image(9, 9),
            AssetSource::Portfolio,
            28,
        ));
        lib.push(asset(
            "audio",
            Modality::Audio,
            AssetMeta::audio(60_000),
            AssetSource::WorkSample,
            28,
        ));
        let picked = select_all(&lib, tattoo, &p);
        assert_eq!(picked.len(), 100);
        assert_eq!(picked[0].id.as_str(), "s129");
        assert_eq!(picked[99].id.as_str(), "s30");
        assert!(picked.windows(2).all(|w| w[0].added_at >= w[1].added_at));
    }

    #[test]
    fn image_best_practices_warn_but_do_not_refuse() {
        // R: A4, A8
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let mut set: Vec<Asset> = (0..12)
            .map(|i| {
                asset(
                    &format!("a{i}"),
                    Modality::Image,
                    AssetMeta::image(1024, 1024),
                    AssetSource::Upload,
                    1,
                )
            })
            .collect();
        assert!(review_set(&set.iter().collect::<Vec<_>>(), tattoo, &p).is_empty());
        set[0].meta.monochrome = Some(true);
        set[1].meta.monochrome = Some(false);
        set[2].meta.blurry = Some(true);
        set[3].meta.text_or_watermark = Some(true);
        set[4].meta = AssetMeta::image(2000, 1000);
        set[5].meta.style = Some("watercolour".into());
        set[6].meta.style = Some("fine line".into());
        let found = review_set(&set.iter().collect::<Vec<_>>(), tattoo, &p);
        assert_eq!(
            codes(&found),
            [
                "mixed_colour_and_monochrome",
                "inconsistent_style",
                "blurry",
                "text_or_watermark",
                "non_square",
                "low_resolution"
            ]
        );
        let crop = found.iter().find(|f| f.code == "non_square").unwrap();
        assert_eq!(crop.asset.as_ref().unwrap().as_str(), "a4");
        assert!(crop.message.contains("removing 50%"), "{}", crop.message);
        assert!(found.iter().all(|f| f.severity == Severity::Warning));
    }

    #[test]
    fn image_count_bounds_come_from_policy() {
        // R: A8
        let mut p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap().clone();
        let set: Vec<Asset> = (0..51)
            .map(|i| {
                asset(
                    &format!("a{i}"),
                    Modality::Image,
                    AssetMeta::image(1024, 1024),
                    AssetSource::Upload,
                    1,
                )
            })
            .collect();
        let refs: Vec<&Asset> = set.iter().collect();
        assert_eq!(codes(&review_set(&refs, &tattoo, &p)), ["too_many_images"]);
        assert_eq!(
            codes(&review_set(&refs[..9], &tattoo, &p)),
            ["too_few_images"]
        );
        p.assets.max_images = 60;
        assert!(review_set(&refs, &tattoo, &p).is_empty());
    }

    #[test]
    fn audio_best_practices_and_jingle_tags() {
        // R: A8, A6
        let p = Policy::default();
        let jingles = p.catalogue.get("jingles").unwrap();
        let mut a = asset(
            "a",
            Modality::Audio,
            AssetMeta::audio(45_000),
            AssetSource::Upload,
            1,
        );
        a.meta.background_noise = Some(true);
        a.meta.clipping = Some(true);
        a.meta.long_silence = Some(true);
        a.meta.voices = Some(2);
        a.meta.genre = Some("pop".into());
        let mut b = asset(
            "b",
            Modality::Audio,
            AssetMeta::audio(90_000),
            AssetSource::Upload,
            1,
        );
        b.meta.genre = Some("metal".into());
        b.tags.insert("music".into());
        let found = review_set(&[&a, &b], jingles, &p);
        assert_eq!(
            codes(&found),
            [
                "no_voice_asset",
                "inconsistent_genre",
                "short_recording",
                "background_noise",
                "clipping",
                "long_silence",
                "multiple_voices"
            ]
        );
        a.tags.insert("voice".into());
        b.meta.genre = Some("pop".into());
        let found = review_set(&[&a, &b], jingles, &p);
        assert!(!codes(&found).contains(&"no_voice_asset"));
        assert!(!codes(&found).contains(&"inconsistent_genre"));
    }
}
