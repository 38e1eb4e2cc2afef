//! Creation models (SPEC C2–C4, M1–M7, A7): lifecycle, naming, publish checklist,
//! placement, creations and reports.

use crate::generator::TrainedStyle;
use crate::ids::{AssetId, ClientId, JobId, ModelId, OrderId, SellerId};
use crate::pricing::PriceSpec;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A model's lifecycle state (M3).
///
/// `Training` is the state of a model that has never finished a training; a model
/// retrained later keeps its state (ready, published...) and serves its last
/// succeeded version meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    /// Created, never trained.
    Draft,
    /// First training queued or running.
    Training,
    /// Trained; the playground is open.
    Ready,
    /// Clients can generate with it.
    Published,
    /// Withdrawn from clients; can be published again.
    Unpublished,
    /// Retired; read-only.
    Archived,
}

impl fmt::Display for ModelStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelStatus::Draft => "draft",
            ModelStatus::Training => "training",
            ModelStatus::Ready => "ready",
            ModelStatus::Published => "published",
            ModelStatus::Unpublished => "unpublished",
            ModelStatus::Archived => "archived",
        })
    }
}

/// One unmet requirement of the publish checklist (M1, M2, E2, S4).
///
/// ```
/// use fivergo_core::Requirement;
/// assert_eq!(Requirement::Price.to_string(), "a price");
/// assert_eq!(serde_json::to_value(Requirement::ActiveModelSlot { limit: 3 }).unwrap()["type"], "active_model_slot");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Requirement {
    /// The seller must be eligible (E1, E2).
    Eligibility,
    /// A training must have succeeded.
    SucceededTraining,
    /// The playground must have been used.
    PlaygroundGeneration {
        /// Generations made.
        have: u32,
        /// Generations needed.
        need: u32,
    },
    /// A price must be set.
    Price,
    /// The seller's subscription must be active.
    ActiveSubscription,
    /// Fewer than `limit` models may be published already (M1).
    ActiveModelSlot {
        /// The active model limit.
        limit: u32,
    },
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Eligibility => f.write_str("seller eligibility (Level 2+ or Pro)"),
            Requirement::SucceededTraining => f.write_str("a succeeded training"),
            Requirement::PlaygroundGeneration { have, need } => {
                write!(f, "{need} playground generation(s) ({have} so far)")
            }
            Requirement::Price => f.write_str("a price"),
            Requirement::ActiveSubscription => f.write_str("an active subscription"),
            Requirement::ActiveModelSlot { limit } => write!(f, "a free slot ({limit} models already published)"),
        }
    }
}

/// Where clients meet the model (M4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The host's Gig ids that show the model.
    pub gigs: BTreeSet<String>,
    /// Whether the seller's profile shows it.
    pub on_profile: bool,
}

/// A trained version of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedVersion {
    /// 1 for the first succeeded training, then 2, ...
    pub version: u32,
    /// The job that produced it.
    pub job: JobId,
    /// When it finished.
    pub trained_at: DateTime<Utc>,
    /// The model's [`CreationModel::settings_rev`] it was trained on.
    pub settings_rev: u32,
    /// What the generator learnt.
    pub style: TrainedStyle,
}

/// What a report is about (M6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReportTarget {
    /// The model itself.
    Model,
    /// A creation (order) of the model.
    Creation {
        /// The order.
        order: OrderId,
    },
}

/// A "Report an issue" record (M6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Who reported (a seller or client id).
    pub reporter: String,
    /// Model or creation.
    pub target: ReportTarget,
    /// What they wrote.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A seller's AI creation model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreationModel {
    /// Minted by the hub.
    pub id: ModelId,
    /// The seller who owns it (D1).
    pub owner: SellerId,
    /// The catalogue slug (C2).
    pub subcategory: String,
    /// Generated when training first starts (C3).
    pub name: Option<String>,
    /// Lifecycle state (M3).
    pub status: ModelStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Selected assets, in selection order.
    pub assets: Vec<AssetId>,
    /// The seller's instructions (A5).
    pub instructions: Option<String>,
    /// When the seller attested originality (A9).
    pub attested_at: Option<DateTime<Utc>>,
    /// The version clients and the playground use: the last succeeded training (G5, M3).
    pub live: Option<TrainedVersion>,
    /// Bumped by every change of assets, instructions or tags (A7).
    pub settings_rev: u32,
    /// The training queued or running, if any.
    pub active_job: Option<JobId>,
    /// Playground generations so far (M2).
    pub playground_generations: u32,
    /// The price (P1–P5).
    pub price: Option<PriceSpec>,
    /// Where clients meet it (M4).
    pub placement: Placement,
    /// Orders clients bought from it (M5).
    pub creations: Vec<OrderId>,
    /// Issue reports (M6).
    pub reports: Vec<Report>,
}

impl CreationModel {
    /// A new draft model.
    pub fn new(id: ModelId, owner: SellerId, subcategory: String, at: DateTime<Utc>) -> Self {
        Self {
            id,
            owner,
            subcategory,
            name: None,
            status: ModelStatus::Draft,
            created_at: at,
            assets: Vec::new(),
            instructions: None,
            attested_at: None,
            live: None,
            settings_rev: 0,
            active_job: None,
            playground_generations: 0,
            price: None,
            placement: Placement::default(),
            creations: Vec::new(),
            reports: Vec::new(),
        }
    }

    /// A7: assets, instructions or tags changed since the live version was trained;
    /// generation keeps using the live version until the seller retrains.
    pub fn is_stale(&self) -> bool {
        self.live.as_ref().is_some_and(|v| v.settings_rev != self.settings_rev)
    }

    /// Owner-only access (M7, D1).
    pub fn ensure_owner(&self, actor: &SellerId) -> Result<(), crate::Error> {
        if &self.owner == actor {
            Ok(())
        } else {
            Err(crate::Error::Forbidden { actor: actor.to_string(), entity: "model".into(), id: self.id.to_string(), rule: "M7" })
        }
    }

    /// Refuses changes to an archived model (M3).
    pub fn ensure_not_archived(&self, action: &str) -> Result<(), crate::Error> {
        if self.status == ModelStatus::Archived {
            Err(self.state_error(action))
        } else {
            Ok(())
        }
    }

    pub(crate) fn state_error(&self, action: &str) -> crate::Error {
        crate::Error::InvalidModelState { model: self.id.clone(), status: self.status.to_string(), action: action.into() }
    }

    /// The publish checklist (M2): every unmet requirement, in a stable order.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let m = CreationModel::new("model-1".into(), "ana".into(), "tattoo".into(), "2026-01-01T00:00:00Z".parse().unwrap());
    /// let missing = m.publish_checklist(&Policy::default(), true, false, 0);
    /// assert_eq!(missing.len(), 4); // training, playground, price, subscription
    /// ```
    pub fn publish_checklist(&self, policy: &crate::Policy, eligible: bool, subscribed: bool, published_others: u32) -> Vec<Requirement> {
        let mut missing = Vec::new();
        if !eligible {
            missing.push(Requirement::Eligibility);
        }
        if self.live.is_none() {
            missing.push(Requirement::SucceededTraining);
        }
        let need = policy.models.min_playground_generations;
        if self.playground_generations < need {
            missing.push(Requirement::PlaygroundGeneration { have: self.playground_generations, need });
        }
        if self.price.is_none() {
            missing.push(Requirement::Price);
        }
        if !subscribed {
            missing.push(Requirement::ActiveSubscription);
        }
        if published_others >= policy.models.active_model_limit {
            missing.push(Requirement::ActiveModelSlot { limit: policy.models.active_model_limit });
        }
        missing
    }

    /// C3: the generated name, `Tattoo`, `Tattoo 2`, ... unique among `taken`.
    ///
    /// ```
    /// use fivergo_core::model::CreationModel;
    /// assert_eq!(CreationModel::generated_name("Tattoo", ["Tattoo"].into_iter()), "Tattoo 2");
    /// assert_eq!(CreationModel::generated_name("Tattoo", ["Jingles"].into_iter()), "Tattoo");
    /// ```
    pub fn generated_name<'a>(base: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
        (1..)
            .map(|n| if n == 1 { base.to_owned() } else { format!("{base} {n}") })
            .find(|candidate| !taken.clone().any(|t| t == candidate))
            .unwrap_or_else(|| base.to_owned())
    }
}

/// A client-facing view of a published model: no assets, no style (D1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The model.
    pub model: ModelId,
    /// Its owner.
    pub seller: SellerId,
    /// Its name.
    pub name: String,
    /// Its subcategory.
    pub subcategory: String,
    /// Its price.
    pub price: PriceSpec,
    /// Where it is shown.
    pub placement: Placement,
}

/// Who can see a creation, for [`CreationModel::creations`] views (M5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creation {
    /// The order.
    pub order: OrderId,
    /// The buyer.
    pub client: ClientId,
    /// When it was paid.
    pub purchased_at: DateTime<Utc>,
}
