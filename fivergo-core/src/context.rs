//! What every decision is given besides the command: the policy, the instant and the
//! ids it may mint. Aggregates decide with a [`Context`] and nothing else from the
//! outside world, so the same command on the same state gives the same events.

use crate::ids::*;
use crate::policy::Policy;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many ids of each kind a partition has minted; ids are `<seller>/<kind>-<n>`.
///
/// ```
/// use fivergo_core::context::Counters;
/// assert_eq!(Counters::default().orders, 0);
/// ```
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
    /// Generations queued for workers.
    #[serde(default)]
    pub generations: u64,
}

/// The next id of each kind in one partition: `ana/model-3` after two models. A
/// decision mints at most one id of each kind; applying its events advances the
/// counters.
///
/// ```
/// use fivergo_core::context::{Counters, Ids};
/// let (seller, counters) = ("ana".into(), Counters { models: 2, ..Counters::default() });
/// let ids = Ids::new(&seller, &counters);
/// assert_eq!(ids.model().as_str(), "ana/model-3");
/// assert_eq!(ids.order().as_str(), "ana/order-1");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Ids<'a> {
    partition: &'a SellerId,
    counters: &'a Counters,
}

impl<'a> Ids<'a> {
    /// The ids after `counters` in `partition`.
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// use fivergo_core::SellerId;
    /// let (seller, counters) = (SellerId::from("ana"), Counters { jobs: 4, ..Counters::default() });
    /// assert_eq!(Ids::new(&seller, &counters).job().as_str(), "ana/job-5");
    /// ```
    pub fn new(partition: &'a SellerId, counters: &'a Counters) -> Self {
        Self {
            partition,
            counters,
        }
    }

    fn mint(&self, kind: &str, minted: u64) -> String {
        format!("{}/{kind}-{}", self.partition, minted + 1)
    }

    /// The next model id.
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// use fivergo_core::{PartitionKey, SellerId};
    /// let (seller, counters) = (SellerId::from("ana"), Counters::default());
    /// let model = Ids::new(&seller, &counters).model();
    /// assert_eq!(model.as_str(), "ana/model-1");
    /// assert_eq!(model.partition(), Some(seller));
    /// ```
    pub fn model(&self) -> ModelId {
        ModelId(self.mint("model", self.counters.models))
    }

    /// The next asset id, and its rank in the seller's library (A2 ties).
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// let (seller, counters) = ("ana".into(), Counters { assets: 9, ..Counters::default() });
    /// let (id, rank) = Ids::new(&seller, &counters).asset();
    /// assert_eq!((id.as_str(), rank), ("ana/asset-10", 10));
    /// ```
    pub fn asset(&self) -> (AssetId, u64) {
        (
            AssetId(self.mint("asset", self.counters.assets)),
            self.counters.assets + 1,
        )
    }

    /// The next training job id.
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// let (seller, counters) = ("ana".into(), Counters::default());
    /// assert_eq!(Ids::new(&seller, &counters).job().as_str(), "ana/job-1");
    /// ```
    pub fn job(&self) -> JobId {
        JobId(self.mint("job", self.counters.jobs))
    }

    /// The next subscription id.
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// let (seller, counters) = ("ana".into(), Counters { subscriptions: 1, ..Counters::default() });
    /// assert_eq!(Ids::new(&seller, &counters).subscription().as_str(), "ana/sub-2");
    /// ```
    pub fn subscription(&self) -> SubscriptionId {
        SubscriptionId(self.mint("sub", self.counters.subscriptions))
    }

    /// The next order id.
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// let (seller, counters) = ("ana".into(), Counters { orders: 6, ..Counters::default() });
    /// assert_eq!(Ids::new(&seller, &counters).order().as_str(), "ana/order-7");
    /// ```
    pub fn order(&self) -> OrderId {
        OrderId(self.mint("order", self.counters.orders))
    }

    /// The next queued generation's id.
    ///
    /// ```
    /// use fivergo_core::context::{Counters, Ids};
    /// let (seller, counters) = ("ana".into(), Counters::default());
    /// assert_eq!(Ids::new(&seller, &counters).generation().as_str(), "ana/gen-1");
    /// ```
    pub fn generation(&self) -> GenerationId {
        GenerationId(self.mint("gen", self.counters.generations))
    }
}

/// Policy, instant and ids: the whole outside world of a decision.
///
/// ```
/// use fivergo_core::context::{Context, Counters, Ids};
/// use fivergo_core::Policy;
/// let (policy, seller, counters) = (Policy::default(), "ana".into(), Counters::default());
/// let ctx = Context { policy: &policy, now: "2026-02-18T09:00:00Z".parse().unwrap(), ids: Ids::new(&seller, &counters) };
/// assert_eq!(ctx.policy.models.active_model_limit, 3);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The rulebook's numbers.
    pub policy: &'a Policy,
    /// The instant the command is decided at.
    pub now: DateTime<Utc>,
    /// The ids it may mint.
    pub ids: Ids<'a>,
}
