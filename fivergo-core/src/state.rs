//! The hub's state, and the one function that changes it: [`State::apply`].

use crate::asset::{Asset, AssetSource};
use crate::event::Event;
use crate::generator::Artifact;
use crate::ids::*;
use crate::model::{CreationModel, ModelStatus};
use crate::order::{Order, OrderStatus};
use crate::seller::Seller;
use crate::subscription::{Subscription, SubscriptionStatus};
use crate::training::{JobStatus, TrainingJob};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many ids of each kind were minted; ids are `<kind>-<n>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Models created.
    pub models: u64,
    /// Assets added.
    pub assets: u64,
    /// Training jobs queued.
    pub jobs: u64,
    /// Subscriptions started.
    pub subscriptions: u64,
    /// Orders created.
    pub orders: u64,
    /// Artifacts stored.
    pub artifacts: u64,
}

/// Everything the hub knows: plain, serializable values.
///
/// ```
/// use fivergo_core::State;
/// let s = State::default();
/// assert!(s.sellers.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Sellers by id.
    pub sellers: BTreeMap<SellerId, Seller>,
    /// Assets by id.
    pub assets: BTreeMap<AssetId, Asset>,
    /// The files behind the assets the library holds bytes for (uploads, public
    /// deliveries); assets added with metadata only have none.
    #[serde(default)]
    pub contents: BTreeMap<AssetId, crate::asset::Blob>,
    /// Models by id.
    pub models: BTreeMap<ModelId, CreationModel>,
    /// Training jobs by id.
    pub jobs: BTreeMap<JobId, TrainingJob>,
    /// Subscriptions by id.
    pub subscriptions: BTreeMap<SubscriptionId, Subscription>,
    /// Orders by id.
    pub orders: BTreeMap<OrderId, Order>,
    /// Generated artifacts by id.
    pub artifacts: BTreeMap<ArtifactId, Artifact>,
    /// Id counters.
    pub counters: Counters,
}

impl State {
    /// The seller's most recent subscription, if any.
    pub fn latest_subscription(&self, seller: &SellerId) -> Option<&Subscription> {
        self.subscriptions.values().filter(|s| &s.seller == seller).max_by_key(|s| s.anchor)
    }

    /// The seller's published models.
    pub fn published_models<'a>(&'a self, seller: &'a SellerId) -> impl Iterator<Item = &'a CreationModel> + 'a {
        self.models.values().filter(move |m| &m.owner == seller && m.status == ModelStatus::Published)
    }

    /// Applies one event. Events come from the hub's own commands (or a log they
    /// wrote), so references are valid; an event about something unknown is ignored.
    pub fn apply(&mut self, event: &Event) {
        use Event::*;
        match event {
            SellerRegistered { seller, .. } => {
                self.sellers.insert(seller.id.clone(), seller.clone());
            }
            SellerLevelChanged { seller, level, pro, .. } => {
                if let Some(s) = self.sellers.get_mut(seller) {
                    s.level = *level;
                    s.pro = *pro;
                }
            }
            GigAdded { seller, subcategory, .. } => {
                if let Some(s) = self.sellers.get_mut(seller) {
                    s.gigs.insert(subcategory.clone());
                }
            }
            BalanceCredited { seller, amount, .. } => {
                if let Some(s) = self.sellers.get_mut(seller) {
                    s.balance = s.balance.plus(*amount).unwrap_or(s.balance);
                }
            }
            PaymentMethodAdded { seller, method, .. } => {
                if let Some(s) = self.sellers.get_mut(seller) {
                    s.payment_methods.retain(|m| m.id != method.id);
                    s.payment_methods.push(method.clone());
                }
            }
            AssetAdded { asset, content } => {
                self.counters.assets += 1;
                self.assets.insert(asset.id.clone(), asset.clone());
                if let Some(content) = content {
                    self.contents.insert(asset.id.clone(), content.clone());
                }
            }
            AssetTagged { asset, tags, .. } => {
                if let Some(a) = self.assets.get_mut(asset) {
                    a.tags = tags.clone();
                }
                self.touch_models_using(asset);
            }
            ModelCreated { model, seller, subcategory, at } => {
                self.counters.models += 1;
                self.models.insert(model.clone(), CreationModel::new(model.clone(), seller.clone(), subcategory.clone(), *at));
            }
            AssetsSelected { model, assets, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    for a in assets {
                        if !m.assets.contains(a) {
                            m.assets.push(a.clone());
                        }
                    }
                    m.settings_rev += 1;
                }
            }
            AssetsDeselected { model, assets, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.assets.retain(|a| !assets.contains(a));
                    m.settings_rev += 1;
                }
            }
            InstructionsSet { model, instructions, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.instructions = instructions.clone();
                    m.settings_rev += 1;
                }
            }
            ModelMarkedStale { .. } => {} // informational: staleness is derived (A7)
            OriginalityAttested { model, at, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.attested_at = Some(*at);
                }
            }
            ModelNamed { model, name, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.name = Some(name.clone());
                }
            }
            TrainingQueued { job } => {
                self.counters.jobs += 1;
                if let Some(m) = self.models.get_mut(&job.model) {
                    m.active_job = Some(job.id.clone());
                    if m.live.is_none() {
                        m.status = ModelStatus::Training;
                    }
                }
                self.jobs.insert(job.id.clone(), job.clone());
            }
            TrainingStarted { job, .. } => {
                if let Some(j) = self.jobs.get_mut(job) {
                    j.status = JobStatus::Running;
                }
            }
            TrainingProgressed { job, progress_pct, .. } => {
                if let Some(j) = self.jobs.get_mut(job) {
                    j.progress_pct = *progress_pct;
                }
            }
            TrainingSucceeded { job, model, version } => {
                self.finish_job(job, JobStatus::Succeeded, version.trained_at, None);
                if let Some(m) = self.models.get_mut(model) {
                    m.live = Some(version.clone());
                    m.active_job = None;
                    if m.status == ModelStatus::Training {
                        m.status = ModelStatus::Ready;
                    }
                }
            }
            TrainingFailed { job, model, reason, at, .. } => {
                self.finish_job(job, JobStatus::Failed, *at, Some(reason.clone()));
                self.release_model(model);
            }
            TrainingCancelled { job, model, at, .. } => {
                self.finish_job(job, JobStatus::Cancelled, *at, None);
                self.release_model(model);
            }
            ArtifactStored { artifact, content } => {
                self.counters.artifacts += 1;
                self.artifacts.insert(artifact.clone(), content.clone());
            }
            PlaygroundGenerated { model, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.playground_generations += 1;
                }
            }
            PriceSet { model, price, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.price = Some(price.clone());
                }
            }
            PlacementSet { model, placement, .. } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.placement = placement.clone();
                }
            }
            ModelPublished { model, .. } => self.set_model_status(model, ModelStatus::Published),
            ModelUnpublished { model, .. } => self.set_model_status(model, ModelStatus::Unpublished),
            ModelArchived { model, .. } => self.set_model_status(model, ModelStatus::Archived),
            IssueReported { model, report } => {
                if let Some(m) = self.models.get_mut(model) {
                    m.reports.push(report.clone());
                }
            }
            Subscribed { subscription } => {
                self.counters.subscriptions += 1;
                self.subscriptions.insert(subscription.id.clone(), subscription.clone());
            }
            SubscriptionCharged { subscription, seller, charge } => {
                let Some(sub) = self.subscriptions.get_mut(subscription) else { return };
                if sub.is_charged(charge.period) {
                    return; // S5: a period is never charged twice
                }
                sub.charges.push(charge.clone());
                sub.paid_periods = sub.paid_periods.max(charge.period + 1);
                sub.status = SubscriptionStatus::Active;
                if charge.source == crate::subscription::ChargeSource::Balance {
                    if let Some(s) = self.sellers.get_mut(seller) {
                        s.balance = s.balance.minus(charge.amount).unwrap_or(s.balance);
                    }
                }
            }
            RenewalDeclined { subscription, period, at, .. } => {
                if let Some(sub) = self.subscriptions.get_mut(subscription) {
                    if sub.status == SubscriptionStatus::Active {
                        sub.status = SubscriptionStatus::PastDue { since: *at, period: *period };
                    }
                }
            }
            QuotaRenewed { .. } => {} // informational: quota windows are derived (T3)
            SubscriptionCancelled { subscription, .. } => {
                if let Some(sub) = self.subscriptions.get_mut(subscription) {
                    sub.cancel_at_period_end = true;
                }
            }
            SubscriptionResumed { subscription, .. } => {
                if let Some(sub) = self.subscriptions.get_mut(subscription) {
                    sub.cancel_at_period_end = false;
                }
            }
            SubscriptionEnded { subscription, reason, at, .. } => {
                if let Some(sub) = self.subscriptions.get_mut(subscription) {
                    sub.status = SubscriptionStatus::Ended { at: *at, reason: *reason };
                }
            }
            OrderCreated { order } => {
                self.counters.orders += 1;
                self.orders.insert(order.id.clone(), order.clone());
            }
            OfferSent { order, offer, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.offer = Some(offer.clone());
                    o.status = OrderStatus::OfferSent;
                }
            }
            DraftDelivered { order, draft, clean, payload, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.draft_payloads.push(*payload);
                    o.draft = Some(draft.clone());
                    o.clean = Some(clean.clone());
                    o.approved = false;
                    o.status = if o.status == OrderStatus::RevisionRequested {
                        OrderStatus::RevisionDelivered
                    } else {
                        OrderStatus::Drafted
                    };
                }
            }
            OrderApproved { order, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.approved = true;
                    if o.status == OrderStatus::Drafted && o.paid_at.is_some() {
                        o.status = OrderStatus::Released;
                    }
                }
            }
            OrderPaid { order, at, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.paid_at = Some(*at);
                    if o.approved {
                        o.status = OrderStatus::Released;
                    }
                    let (model, id) = (o.model.clone(), o.id.clone());
                    if let Some(m) = self.models.get_mut(&model) {
                        m.creations.push(id);
                    }
                }
            }
            DeliveryDownloaded { order, at } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.downloaded_at.get_or_insert(*at);
                }
            }
            RevisionRequested { order, note, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.revision_notes.push(note.clone());
                    o.status = OrderStatus::RevisionRequested;
                }
            }
            OrderCompleted { order, counts_in_success_score, at, .. } => {
                let Some(o) = self.orders.get_mut(order) else { return };
                o.status = OrderStatus::Completed;
                o.approved = true;
                o.completed_at = Some(*at);
                let seller = o.seller.clone();
                if *counts_in_success_score {
                    if let Some(s) = self.sellers.get_mut(&seller) {
                        s.reputation.success_score_orders += 1;
                    }
                }
            }
            ReviewLeft { order, seller, review } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.review = Some(review.clone());
                }
                if let Some(s) = self.sellers.get_mut(seller) {
                    s.reputation.rating_sum += u32::from(review.stars);
                    s.reputation.rating_count += 1;
                }
            }
            PartialRefundIssued { order, amount, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.refunded = o.refunded.plus(*amount).unwrap_or(o.refunded);
                }
            }
            DeliveryVisibilityChanged { order, public, .. } => {
                if let Some(o) = self.orders.get_mut(order) {
                    o.delivery_public = *public;
                }
                let mut removed = Vec::new();
                for a in self.assets.values_mut() {
                    if let AssetSource::ClientDelivery { order: o, public: p } = &mut a.source {
                        if o == order {
                            *p = *public;
                            if !*public {
                                removed.push(a.id.clone());
                            }
                        }
                    }
                }
                // D3: a delivery made private again leaves every selection.
                for m in self.models.values_mut() {
                    let before = m.assets.len();
                    m.assets.retain(|a| !removed.contains(a));
                    if m.assets.len() != before {
                        m.settings_rev += 1;
                    }
                }
            }
        }
    }

    fn finish_job(&mut self, job: &JobId, status: JobStatus, at: chrono::DateTime<chrono::Utc>, failure: Option<String>) {
        if let Some(j) = self.jobs.get_mut(job) {
            j.status = status;
            j.finished_at = Some(at);
            j.failure = failure;
            if status == JobStatus::Succeeded {
                j.progress_pct = 100;
            }
        }
    }

    fn release_model(&mut self, model: &ModelId) {
        if let Some(m) = self.models.get_mut(model) {
            m.active_job = None;
            if m.status == ModelStatus::Training {
                m.status = ModelStatus::Draft;
            }
        }
    }

    fn set_model_status(&mut self, model: &ModelId, status: ModelStatus) {
        if let Some(m) = self.models.get_mut(model) {
            m.status = status;
        }
    }

    fn touch_models_using(&mut self, asset: &AssetId) {
        for m in self.models.values_mut().filter(|m| m.assets.contains(asset)) {
            m.settings_rev += 1;
        }
    }
}
