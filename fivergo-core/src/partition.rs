//! A seller's partition: the unit of consistency, storage and sharding.
//!
//! Everything the rules need to decide a command lives in one seller's partition:
//! the [`Seller`], their library of [`Asset`]s, their [`CreationModel`]s and
//! [`TrainingJob`]s, their [`Subscription`]s and the client [`Order`]s placed on their
//! models (a client's own list of orders is an index in the store). A command loads
//! one partition, asks its aggregates to decide, and appends the events to that
//! partition alone, so its cost does not grow with the marketplace, two processes only
//! contend when they touch the same seller, and a host can shard by seller id.
//!
//! [`Partition::apply`] is the whole of "evolve": it routes each event to the
//! aggregates it concerns, whose own `apply` folds it in.
//!
//! ```
//! use fivergo_core::{Event, Partition, Seller, SellerLevel, Currency};
//! let mut p = Partition::new("ana".into());
//! let at = "2026-02-18T09:00:00Z".parse().unwrap();
//! p.apply(&Event::SellerRegistered { seller: Seller::new("ana", SellerLevel::Level2, false, Currency::Usd), at });
//! p.apply(&Event::GigAdded { seller: "ana".into(), subcategory: "tattoo".into(), at });
//! assert!(p.seller().unwrap().gigs.contains("tattoo"));
//! ```

use crate::asset::{Asset, AssetSource};
use crate::blob::BlobRef;
use crate::context::{Context, Counters, Ids};
use crate::error::Error;
use crate::event::Event;
use crate::generation::{GenerationJob, GenerationOutcome};
use crate::ids::*;
use crate::jobs::WorkId;
use crate::model::{CreationModel, ModelStatus};
use crate::order::Order;
use crate::policy::Policy;
use crate::seller::Seller;
use crate::subscription::Subscription;
use crate::training::{JobStatus, TrainingJob};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One seller's part of the marketplace: plain, serializable values.
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// let p: Partition = hub.admin().partition("ana").unwrap();
/// assert_eq!((p.id.as_str(), p.models.len(), p.assets.len()), ("ana", 1, 1));
/// assert_eq!(p.counters.models, 1);
/// assert!(p.subscriptions.is_empty() && p.orders.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partition {
    /// The seller the partition belongs to (its key).
    pub id: SellerId,
    /// The seller, once registered.
    pub seller: Option<Seller>,
    /// The seller's library.
    pub assets: Entities<AssetId, Asset>,
    /// The seller's models.
    pub models: Entities<ModelId, CreationModel>,
    /// Training jobs of the seller's models.
    pub jobs: Entities<JobId, TrainingJob>,
    /// The seller's subscriptions, oldest first.
    pub subscriptions: Vec<Subscription>,
    /// Client orders on the seller's models.
    pub orders: Entities<OrderId, Order>,
    /// Generations queued for workers (drafts, revisions, playground pictures).
    #[serde(default)]
    pub generations: Entities<GenerationId, GenerationJob>,
    /// Ids minted so far.
    pub counters: Counters,
}

/// Aggregates of one kind by id, in id order: a map whose values are boxed, so a
/// partition holding one model pays for one model (a plain `BTreeMap` node reserves
/// room for eleven values inline). Serialized as a JSON object.
///
/// ```
/// use fivergo_core::partition::Entities;
/// let mut m: Entities<String, u32> = Entities::default();
/// m.insert("a".into(), 1);
/// assert_eq!((m.len(), m.get("a"), m["a"]), (1, Some(&1), 1));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Entities<K: Ord, V>(BTreeMap<K, Box<V>>);

impl<K: Ord, V> Default for Entities<K, V> {
    fn default() -> Self {
        Self(BTreeMap::new())
    }
}

impl<K: Ord, V> Entities<K, V> {
    /// The value under `key`.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<String, u32> = Entities::default();
    /// m.insert("koi".into(), 7);
    /// assert_eq!(m.get("koi"), Some(&7)); // borrowed keys work, as in a map
    /// assert_eq!(m.get("carp"), None);
    /// ```
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.0.get(key).map(|v| &**v)
    }

    /// The value under `key`, to change it.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<String, u32> = Entities::default();
    /// m.insert("koi".into(), 7);
    /// *m.get_mut("koi").unwrap() += 1;
    /// assert_eq!(m["koi"], 8);
    /// ```
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.0.get_mut(key).map(|v| &mut **v)
    }

    /// Whether there is a value under `key`.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<String, u32> = Entities::default();
    /// m.insert("koi".into(), 7);
    /// assert!(m.contains_key("koi") && !m.contains_key("carp"));
    /// ```
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        self.0.contains_key(key)
    }

    /// Puts `value` under `key`, returning the one it replaces.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<String, u32> = Entities::default();
    /// assert_eq!(m.insert("koi".into(), 1), None);
    /// assert_eq!(m.insert("koi".into(), 2), Some(1)); // the replaced value
    /// ```
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.0.insert(key, Box::new(value)).map(|v| *v)
    }

    /// How many values.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<u32, &str> = Entities::default();
    /// m.insert(1, "a");
    /// m.insert(2, "b");
    /// m.insert(1, "c");
    /// assert_eq!(m.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    ///
    /// ```
    /// use fivergo_core::Partition;
    /// let p = Partition::new("ana".into());
    /// assert!(p.models.is_empty() && p.orders.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys, in order.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<u32, &str> = Entities::default();
    /// m.insert(2, "b");
    /// m.insert(1, "a");
    /// assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 2]); // in key order
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.keys()
    }

    /// The values, in key order.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<u32, &str> = Entities::default();
    /// m.insert(2, "b");
    /// m.insert(1, "a");
    /// assert_eq!(m.values().copied().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.values().map(|v| &**v)
    }

    /// The values, to change them.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<u32, u32> = Entities::default();
    /// m.insert(1, 10);
    /// m.insert(2, 20);
    /// m.values_mut().for_each(|v| *v += 1);
    /// assert_eq!(m.values().copied().collect::<Vec<_>>(), [11, 21]);
    /// ```
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.values_mut().map(|v| &mut **v)
    }

    /// Keys and values, in key order.
    ///
    /// ```
    /// use fivergo_core::partition::Entities;
    /// let mut m: Entities<u32, &str> = Entities::default();
    /// m.insert(2, "b");
    /// m.insert(1, "a");
    /// assert_eq!(m.iter().collect::<Vec<_>>(), [(&1, &"a"), (&2, &"b")]);
    /// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"1":"a","2":"b"}"#);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, &**v))
    }
}

impl<K: Ord + std::borrow::Borrow<Q>, V, Q: Ord + ?Sized> std::ops::Index<&Q> for Entities<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entity under this key")
    }
}

impl Partition {
    /// An empty partition for `id`.
    ///
    /// ```
    /// use fivergo_core::Partition;
    /// let p = Partition::new("ana".into());
    /// assert!(p.seller.is_none());
    /// assert_eq!(p.seller().unwrap_err().code(), "not_found"); // nobody registered yet
    /// ```
    pub fn new(id: SellerId) -> Self {
        Self {
            id,
            seller: None,
            assets: Entities::default(),
            models: Entities::default(),
            jobs: Entities::default(),
            subscriptions: Vec::new(),
            orders: Entities::default(),
            generations: Entities::default(),
            counters: Counters::default(),
        }
    }

    /// The partition `id` rebuilt by folding `events` (its own, in sequence order)
    /// over an empty one: what the store's events of a partition replay into.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let loaded = hub.store().load(&"ana".into(), 0).unwrap(); // every event of the partition
    /// let rebuilt = Partition::replay("ana".into(), loaded.events.iter().map(|r| &r.event));
    /// assert_eq!(rebuilt, hub.admin().partition("ana").unwrap());
    /// ```
    pub fn replay<'a>(id: SellerId, events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut p = Self::new(id);
        for e in events {
            p.apply(e);
        }
        p
    }

    /// The context a decision at `now` gets in this partition.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let (policy, mut p) = (Policy::default(), Partition::new("ana".into()));
    /// p.counters.orders = 4;
    /// let ctx = p.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// assert_eq!(ctx.ids.order().as_str(), "ana/order-5"); // ids follow the partition's counters
    /// assert_eq!(ctx.now.to_rfc3339(), "2026-02-18T09:00:00+00:00");
    /// ```
    pub fn context<'a>(&'a self, policy: &'a Policy, now: DateTime<Utc>) -> Context<'a> {
        Context {
            policy,
            now,
            ids: Ids::new(&self.id, &self.counters),
        }
    }

    // ----- lookups ------------------------------------------------------------------

    /// The seller, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::TopRated, true).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!((p.seller().unwrap().level, p.seller().unwrap().pro), (SellerLevel::TopRated, true));
    /// ```
    pub fn seller(&self) -> Result<&Seller, Error> {
        self.seller
            .as_ref()
            .ok_or_else(|| Error::not_found("seller", &self.id))
    }

    /// A model, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.model(&model).unwrap().subcategory, "tattoo");
    /// assert_eq!(p.model(&"ana/model-9".into()).unwrap_err().code(), "not_found");
    /// ```
    pub fn model(&self, id: &ModelId) -> Result<&CreationModel, Error> {
        self.models
            .get(id)
            .ok_or_else(|| Error::not_found("model", id))
    }

    /// A model for its owner only (M7, D1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert!(p.owned_model(&"ana".into(), &model).is_ok());
    /// assert_eq!(p.owned_model(&"bob".into(), &model).unwrap_err().code(), "forbidden"); // M7
    /// ```
    pub fn owned_model(&self, actor: &SellerId, id: &ModelId) -> Result<&CreationModel, Error> {
        let m = self.model(id)?;
        m.ensure_owner(actor)?;
        Ok(m)
    }

    /// An order as `actor` may read it: all of it for its seller; for its client,
    /// without the clean file until approved and paid (G1); `forbidden` for anyone
    /// else (D1, D2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert!(p.order_for("ana", &order).unwrap().clean.is_some()); // the seller sees all of it
    /// assert!(p.order_for("bob", &order).unwrap().clean.is_none()); // held back (G1)
    /// assert_eq!(p.order_for("eve", &order).unwrap_err().code(), "forbidden");
    /// ```
    pub fn order_for(&self, actor: &str, id: &OrderId) -> Result<Order, Error> {
        let o = self.order(id)?;
        if o.seller.as_str() == actor {
            Ok(o.clone())
        } else {
            o.ensure_client(&actor.into())?;
            Ok(o.as_seen_by_client())
        }
    }

    /// `Ok` when `actor` may read the stored file `file` through this partition: its
    /// seller reads every file of it (library assets, the drafts and clean files of
    /// their orders, trained styles, D1); a client reads the drafts of their orders,
    /// and a clean file once that order is approved and paid (G1, D2).
    /// `not_approved_and_paid` when the file is the clean file of the actor's order
    /// not yet released, else `forbidden`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// let o = p.order(&order).unwrap();
    /// let (draft, clean) = (o.draft.clone().unwrap(), o.clean.clone().unwrap());
    /// assert!(p.ensure_file_readable("bob", &draft).is_ok());
    /// assert_eq!(p.ensure_file_readable("bob", &clean).unwrap_err().code(), "not_approved_and_paid");
    /// assert!(p.ensure_file_readable("ana", &clean).is_ok());
    /// assert_eq!(p.ensure_file_readable("eve", &draft).unwrap_err().code(), "forbidden");
    /// ```
    pub fn ensure_file_readable(&self, actor: &str, file: &BlobRef) -> Result<(), Error> {
        if self.id.as_str() == actor && self.references(file) {
            return Ok(());
        }
        let mut held_back = None;
        for o in self.orders.values().filter(|o| o.client.as_str() == actor) {
            if o.draft.as_ref() == Some(file) || (o.clean.as_ref() == Some(file) && o.is_released())
            {
                return Ok(());
            }
            if o.clean.as_ref() == Some(file) {
                held_back = Some(o);
            }
        }
        Err(match held_back {
            Some(o) => Error::NotApprovedAndPaid {
                order: o.id.clone(),
                approved: o.approved,
                paid: o.paid_at.is_some(),
            },
            None => Error::Forbidden {
                actor: actor.to_string(),
                entity: "file".into(),
                id: file.sha256.clone(),
                rule: "D1",
            },
        })
    }

    /// Whether any record of the partition names `file`.
    fn references(&self, file: &BlobRef) -> bool {
        let named = |r: &Option<BlobRef>| r.as_ref() == Some(file);
        self.assets.values().any(|a| named(&a.content))
            || self.orders.values().any(|o| named(&o.draft) || named(&o.clean))
            || self.models.values().any(|m| m.live.as_ref().is_some_and(|v| &v.style == file))
            || self.generations.values().any(|g| matches!(&g.outcome, Some(GenerationOutcome::Playground { artifact, .. }) if artifact == file))
    }

    /// An asset, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.asset(&art).unwrap().modality, Modality::Image);
    /// assert_eq!(p.asset(&"ana/asset-9".into()).unwrap_err().code(), "not_found");
    /// ```
    pub fn asset(&self, id: &AssetId) -> Result<&Asset, Error> {
        self.assets
            .get(id)
            .ok_or_else(|| Error::not_found("asset", id))
    }

    /// A job, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.job(&job).unwrap().status, JobStatus::Succeeded);
    /// assert_eq!(p.job(&"ana/job-9".into()).unwrap_err().code(), "not_found");
    /// ```
    pub fn job(&self, id: &JobId) -> Result<&TrainingJob, Error> {
        self.jobs.get(id).ok_or_else(|| Error::not_found("job", id))
    }

    /// A queued generation, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, *};
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: model.clone(), brief: Brief::new("koi"), seed: 1 };
    /// let queued = hub.queue_generation(request).unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.generation(&queued).unwrap().status, JobStatus::Queued);
    /// ```
    pub fn generation(&self, id: &GenerationId) -> Result<&GenerationJob, Error> {
        self.generations
            .get(id)
            .ok_or_else(|| Error::not_found("generation", id))
    }

    /// An order, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.order(&order).unwrap().status, OrderStatus::Drafted);
    /// assert_eq!(p.order(&"ana/order-9".into()).unwrap_err().code(), "not_found");
    /// ```
    pub fn order(&self, id: &OrderId) -> Result<&Order, Error> {
        self.orders
            .get(id)
            .ok_or_else(|| Error::not_found("order", id))
    }

    /// An order for its client only (D2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert!(p.client_order(&"bob".into(), &order).is_ok());
    /// assert_eq!(p.client_order(&"eve".into(), &order).unwrap_err().rule(), Some("D2"));
    /// ```
    pub fn client_order(&self, client: &ClientId, id: &OrderId) -> Result<&Order, Error> {
        let o = self.order(id)?;
        o.ensure_client(client)?;
        Ok(o)
    }

    /// An order for its seller only (D1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert!(p.seller_order(&"ana".into(), &order).is_ok());
    /// assert_eq!(p.seller_order(&"bob".into(), &order).unwrap_err().code(), "forbidden");
    /// ```
    pub fn seller_order(&self, seller: &SellerId, id: &OrderId) -> Result<&Order, Error> {
        let o = self.order(id)?;
        o.ensure_seller(seller)?;
        Ok(o)
    }

    /// The seller's most recent subscription, if any.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// assert!(hub.admin().partition("ana").unwrap().latest_subscription().is_none());
    /// let sub = hub.subscribe("ana", &"card".into()).unwrap().value;
    /// assert_eq!(hub.admin().partition("ana").unwrap().latest_subscription().unwrap().id, sub);
    /// ```
    pub fn latest_subscription(&self) -> Option<&Subscription> {
        self.subscriptions.last()
    }

    /// The seller's published models.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.published_models().map(|m| &m.id).collect::<Vec<_>>(), [&model]);
    /// ```
    pub fn published_models(&self) -> impl Iterator<Item = &CreationModel> {
        self.models
            .values()
            .filter(|m| m.status == ModelStatus::Published)
    }

    /// The ids of the seller's published models.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// assert_eq!(hub.admin().partition("ana").unwrap().published_ids(), [model.clone()]);
    /// hub.unpublish("ana", &model).unwrap();
    /// assert!(hub.admin().partition("ana").unwrap().published_ids().is_empty());
    /// ```
    pub fn published_ids(&self) -> Vec<ModelId> {
        self.published_models().map(|m| m.id.clone()).collect()
    }

    /// The jobs of one model.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.jobs_of(&model).map(|j| &j.id).collect::<Vec<_>>(), [&job]);
    /// assert_eq!(p.jobs_of(&"ana/model-9".into()).count(), 0);
    /// ```
    pub fn jobs_of<'a>(&'a self, model: &'a ModelId) -> impl Iterator<Item = &'a TrainingJob> + 'a {
        self.jobs.values().filter(move |j| &j.model == model)
    }

    /// The models whose selection holds `asset`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let other = hub.create_model("ana", "tattoo").unwrap().value; // selects nothing
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.models_using(&art).map(|m| &m.id).collect::<Vec<_>>(), [&model]);
    /// assert!(p.model(&other).unwrap().assets.is_empty());
    /// ```
    pub fn models_using<'a>(
        &'a self,
        asset: &'a AssetId,
    ) -> impl Iterator<Item = &'a CreationModel> + 'a {
        self.models
            .values()
            .filter(move |m| m.assets.contains(asset))
    }

    /// The seller's models, oldest first.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// let ids: Vec<_> = (0..3).map(|_| hub.create_model("ana", "tattoo").unwrap().value).collect();
    /// let p = hub.admin().partition("ana").unwrap();
    /// let order: Vec<_> = p.models_in_order().into_iter().map(|m| m.id.clone()).collect();
    /// assert_eq!(order, ids); // oldest first
    /// ```
    pub fn models_in_order(&self) -> Vec<&CreationModel> {
        let mut v: Vec<_> = self.models.values().collect();
        v.sort_by_key(|m| (m.created_at, m.id.0.len(), m.id.0.clone()));
        v
    }

    /// The library asset a client delivery of `order` became, if any (D3).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # let price = hub.order("bob", &order).unwrap().price().unwrap();
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, price).unwrap();
    /// assert!(hub.admin().partition("ana").unwrap().delivery_asset(&order).is_none());
    /// hub.set_delivery_public("bob", &order, true).unwrap(); // the client shares it (D3)
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert!(matches!(p.delivery_asset(&order).unwrap().source, AssetSource::ClientDelivery { public: true, .. }));
    /// ```
    pub fn delivery_asset(&self, order: &OrderId) -> Option<&Asset> {
        self.assets.values().find(
            |a| matches!(&a.source, AssetSource::ClientDelivery { order: o, .. } if o == order),
        )
    }

    /// When something next falls due in the partition: the subscription's renewal,
    /// end or end of grace, or the lease of a running training. What the store's due
    /// index holds, so `tick` never scans the marketplace.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// assert_eq!(hub.admin().partition("ana").unwrap().next_due(hub.policy()), None);
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.next_due(hub.policy()), Some("2026-03-18T09:00:00Z".parse().unwrap())); // the renewal
    /// ```
    pub fn next_due(&self, policy: &Policy) -> Option<DateTime<Utc>> {
        let subscription = self.latest_subscription().and_then(|s| s.next_due(policy));
        let leases = self
            .jobs
            .values()
            .filter(|j| j.status.is_active())
            .filter_map(|j| j.lease_until);
        let generations = self
            .generations
            .values()
            .filter(|g| g.status.is_active())
            .filter_map(|g| g.lease_until);
        subscription
            .into_iter()
            .chain(leases)
            .chain(generations)
            .min()
    }

    /// When a worker may claim `work` (what the store's job index holds): a queued
    /// job at once (from when it was queued), a running one when its lease ends;
    /// `None` once it ended (or is unknown).
    ///
    /// ```
    /// use fivergo_core::{jobs::WorkId, *};
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let work = WorkId::Training(job.clone());
    /// assert_eq!(hub.admin().partition("ana").unwrap().ready_at(&work), Some(hub.now())); // queued: at once
    /// hub.run_training(&job).unwrap();
    /// assert_eq!(hub.admin().partition("ana").unwrap().ready_at(&work), None); // ended
    /// ```
    pub fn ready_at(&self, work: &WorkId) -> Option<DateTime<Utc>> {
        let (status, queued_at, lease_until) = match work {
            WorkId::Training(id) => self
                .jobs
                .get(id)
                .map(|j| (j.status, j.queued_at, j.lease_until))?,
            WorkId::Generation(id) => self
                .generations
                .get(id)
                .map(|g| (g.status, g.queued_at, g.lease_until))?,
        };
        match status {
            JobStatus::Queued => Some(queued_at),
            JobStatus::Running => lease_until,
            _ => None,
        }
    }

    // ----- evolve -------------------------------------------------------------------

    /// Folds one event in, routing it to every aggregate it concerns. Events come
    /// from this partition's own decisions (or a log they wrote), so references are
    /// valid; an event about something unknown changes nothing.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let (policy, mut p) = (Policy::default(), Partition::new("ana".into()));
    /// let at = "2026-02-18T09:00:00Z".parse().unwrap();
    /// p.apply(&Event::SellerRegistered { seller: Seller::new("ana", SellerLevel::Level2, false, Currency::Usd), at });
    /// p.apply(&Event::GigAdded { seller: "ana".into(), subcategory: "tattoo".into(), at });
    /// let events = CreationModel::create(p.seller().unwrap(), "tattoo", &p.context(&policy, at)).unwrap();
    /// events.iter().for_each(|e| p.apply(e));
    /// assert_eq!((p.models.len(), p.counters.models), (1, 1));
    /// ```
    pub fn apply(&mut self, event: &Event) {
        use Event::*;
        match event {
            SellerRegistered { seller, .. } => self.seller = Some(seller.clone()),
            SellerLevelChanged { .. }
            | GigAdded { .. }
            | BalanceCredited { .. }
            | PaymentMethodAdded { .. } => self.with_seller(event),
            AssetAdded { asset } => {
                self.counters.assets = self.counters.assets.max(asset.seq);
                self.assets.insert(asset.id.clone(), (**asset).clone());
            }
            AssetTagged { asset, .. } => {
                if let Some(a) = self.assets.get_mut(asset) {
                    a.apply(event);
                }
                for m in self
                    .models
                    .values_mut()
                    .filter(|m| m.assets.contains(asset))
                {
                    m.apply(event);
                }
            }
            ModelCreated {
                model,
                seller,
                subcategory,
                at,
            } => {
                self.counters.models += 1;
                self.models.insert(
                    model.clone(),
                    CreationModel::new(model.clone(), seller.clone(), subcategory.clone(), *at),
                );
            }
            AssetsSelected { model, .. }
            | AssetsDeselected { model, .. }
            | InstructionsSet { model, .. }
            | ModelMarkedStale { model, .. }
            | OriginalityAttested { model, .. }
            | ModelNamed { model, .. }
            | PlaygroundGenerated { model, .. }
            | PriceSet { model, .. }
            | PlacementSet { model, .. }
            | ModelPublished { model, .. }
            | ModelUnpublished { model, .. }
            | ModelArchived { model, .. }
            | IssueReported { model, .. } => self.with_model(model, event),
            TrainingQueued { job } => {
                self.counters.jobs += 1;
                self.jobs.insert(job.id.clone(), (**job).clone());
                self.with_model(&job.model, event);
            }
            TrainingStarted { job, .. }
            | TrainingRequeued { job, .. }
            | TrainingLeaseRenewed { job, .. }
            | TrainingCancelRequested { job, .. }
            | TrainingProgressed { job, .. } => self.with_job(job, event),
            GenerationQueued { job } => {
                self.counters.generations += 1;
                self.generations.insert(job.id.clone(), (**job).clone());
            }
            GenerationStarted { job, .. }
            | GenerationLeaseRenewed { job, .. }
            | GenerationCancelRequested { job, .. }
            | GenerationRequeued { job, .. }
            | GenerationSucceeded { job, .. }
            | GenerationFailed { job, .. }
            | GenerationCancelled { job, .. } => {
                if let Some(g) = self.generations.get_mut(job) {
                    g.apply(event);
                }
            }
            TrainingSucceeded { job, model, .. }
            | TrainingFailed { job, model, .. }
            | TrainingCancelled { job, model, .. } => {
                self.with_job(job, event);
                self.with_model(model, event);
            }
            Subscribed { subscription } => {
                self.counters.subscriptions += 1;
                self.subscriptions.push(subscription.clone());
            }
            SubscriptionCharged {
                subscription,
                charge,
                ..
            } => {
                let Some(sub) = self
                    .subscriptions
                    .iter_mut()
                    .find(|s| &s.id == subscription)
                else {
                    return;
                };
                if sub.is_charged(charge.period) {
                    return; // S5: a period is never charged twice, nor its balance taken twice
                }
                sub.apply(event);
                self.with_seller(event);
            }
            RenewalDeclined { subscription, .. }
            | QuotaRenewed { subscription, .. }
            | SubscriptionCancelled { subscription, .. }
            | SubscriptionResumed { subscription, .. }
            | SubscriptionEnded { subscription, .. } => {
                if let Some(sub) = self
                    .subscriptions
                    .iter_mut()
                    .find(|s| &s.id == subscription)
                {
                    sub.apply(event);
                }
            }
            OrderCreated { order } => {
                self.counters.orders += 1;
                self.orders.insert(order.id.clone(), (**order).clone());
            }
            OfferSent { order, .. }
            | DraftDelivered { order, .. }
            | OrderApproved { order, .. }
            | DeliveryDownloaded { order, .. }
            | RevisionRequested { order, .. }
            | PartialRefundIssued { order, .. } => self.with_order(order, event),
            OrderPaid { order, .. } => {
                self.with_order(order, event);
                if let Some(model) = self.orders.get(order).map(|o| o.model.clone()) {
                    self.with_model(&model, event); // M5: a creation of the model
                }
            }
            OrderCompleted { order, .. } | ReviewLeft { order, .. } => {
                self.with_order(order, event);
                self.with_seller(event); // R1, R2: reputation
            }
            DeliveryVisibilityChanged { order, public, .. } => {
                self.with_order(order, event);
                let mut gone = Vec::new();
                for a in self.assets.values_mut() {
                    if matches!(&a.source, AssetSource::ClientDelivery { order: o, .. } if o == order)
                    {
                        a.apply(event);
                        if !*public {
                            gone.push(a.id.clone());
                        }
                    }
                }
                // D3: a delivery made private again leaves every selection.
                if !gone.is_empty() {
                    for m in self.models.values_mut() {
                        m.drop_assets(&gone);
                    }
                }
            }
        }
    }

    fn with_seller(&mut self, event: &Event) {
        if let Some(s) = self.seller.as_mut() {
            s.apply(event);
        }
    }

    fn with_model(&mut self, model: &ModelId, event: &Event) {
        if let Some(m) = self.models.get_mut(model) {
            m.apply(event);
        }
    }

    fn with_job(&mut self, job: &JobId, event: &Event) {
        if let Some(j) = self.jobs.get_mut(job) {
            j.apply(event);
        }
    }

    fn with_order(&mut self, order: &OrderId, event: &Event) {
        if let Some(o) = self.orders.get_mut(order) {
            o.apply(event);
        }
    }
}
