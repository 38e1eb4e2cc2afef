//! Generation off the engine: a [`GenerationRun`] owns what a generator needs (the
//! trained style's file, the brief, the seed, how to mark the result), runs on any
//! thread without touching the hub, marks what it made (W1, W2), stores the files in
//! the blob store, and hands a [`GenerationResult`] back to
//! [`Hub::finish_generation`](crate::Hub::finish_generation), which decides on the
//! state as it is then.
//!
//! ```
//! # use fivergo_core::*;
//! # let hub = Hub::builder().build().unwrap();
//! # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
//! # hub.add_gig("ana", "tattoo").unwrap();
//! # let model = hub.create_model("ana", "tattoo").unwrap().value;
//! # let art = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
//! # hub.select_assets("ana", &model, &[art]).unwrap();
//! # hub.attest_originality("ana", &model).unwrap();
//! # let job = hub.start_training("ana", &model).unwrap().value;
//! # hub.run_training(&job).unwrap();
//! let run = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
//! let result = std::thread::spawn(move || run.execute()).join().unwrap();
//! match hub.finish_generation(result).unwrap().value {
//!     Generated::Playground { watermarked, .. } => assert!(watermarked), // G2: not subscribed yet
//!     other => panic!("{other:?}"),
//! }
//! ```

use crate::blob::{BlobRef, BlobStore};
use crate::context::Context;
use crate::error::Error;
use crate::event::Event;
use crate::generator::{Artifact, Brief, CancelToken, Generator, JobControl, TrainedStyle};
use crate::ids::{ClientId, GenerationId, ModelId, OrderId, SellerId};
use crate::media::MediaLimits;
use crate::order::{Order, OrderPath, OrderStatus};
use crate::partition::Partition;
use crate::training::JobStatus;
use crate::watermark::{self, DraftMark, MarkStyle};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// What a generation is asked to make: the same four requests serve the direct
/// calls ([`Hub::order_draft`](crate::Hub::order_draft), ...) and the queued ones
/// ([`Hub::queue_generation`](crate::Hub::queue_generation)).
///
/// ```
/// use fivergo_core::{generation::GenerationRequest, Brief};
/// let r = GenerationRequest::OrderDraft { client: "bob".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 7 };
/// assert_eq!(r.partition().unwrap().as_str(), "ana");
/// assert_eq!(serde_json::to_value(&r).unwrap()["type"], "order_draft");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GenerationRequest {
    /// The seller's playground (G2, M2).
    Playground {
        /// The seller (the model's owner).
        seller: SellerId,
        /// The model.
        model: ModelId,
        /// What to make.
        brief: Brief,
        /// The seed.
        seed: u64,
    },
    /// A client's immediate-download order: a watermarked draft, priced by the
    /// model's quote (G1, G3, G5).
    OrderDraft {
        /// The client.
        client: ClientId,
        /// The published model.
        model: ModelId,
        /// What to make.
        brief: Brief,
        /// The seed.
        seed: u64,
    },
    /// The client accepts a custom offer; the model makes its draft (V2).
    AcceptOffer {
        /// The client.
        client: ClientId,
        /// The order with the offer.
        order: OrderId,
        /// The seed.
        seed: u64,
    },
    /// The included revision (V1), judged at the instant it was asked.
    Revision {
        /// The client.
        client: ClientId,
        /// The order.
        order: OrderId,
        /// What to change.
        note: String,
    },
}

impl GenerationRequest {
    /// The seller partition the request is decided in.
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, Brief};
    /// let revision = GenerationRequest::Revision { client: "bob".into(), order: "ana/order-3".into(), note: "bolder".into() };
    /// assert_eq!(revision.partition().unwrap().as_str(), "ana"); // read from the order id
    /// let foreign = GenerationRequest::OrderDraft { client: "bob".into(), model: "model-1".into(), brief: Brief::new("koi"), seed: 1 };
    /// assert_eq!(foreign.partition(), None); // not an id the hub minted
    /// ```
    pub fn partition(&self) -> Option<SellerId> {
        use crate::ids::PartitionKey;
        match self {
            GenerationRequest::Playground { model, .. }
            | GenerationRequest::OrderDraft { model, .. } => model.partition(),
            GenerationRequest::AcceptOffer { order, .. }
            | GenerationRequest::Revision { order, .. } => order.partition(),
        }
    }

    /// Who asked: the seller (playground) or the client; only they may cancel it.
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, Brief};
    /// let playground = GenerationRequest::Playground { seller: "ana".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 1 };
    /// assert_eq!(playground.requester(), "ana");
    /// let offer = GenerationRequest::AcceptOffer { client: "bob".into(), order: "ana/order-1".into(), seed: 1 };
    /// assert_eq!(offer.requester(), "bob");
    /// ```
    pub fn requester(&self) -> &str {
        match self {
            GenerationRequest::Playground { seller, .. } => seller.as_str(),
            GenerationRequest::OrderDraft { client, .. }
            | GenerationRequest::AcceptOffer { client, .. }
            | GenerationRequest::Revision { client, .. } => client.as_str(),
        }
    }

    /// Checks the request against the partition at `ctx.now` (a revision against
    /// the instant it was asked, `asked_at`) and plans the generation: what it is
    /// for, the style to use, the marks to apply (G1, G2, G5, V1, V2, W1, W2).
    pub(crate) fn plan(
        &self,
        p: &Partition,
        ctx: &Context,
        asked_at: DateTime<Utc>,
    ) -> Result<Plan, Error> {
        match self {
            GenerationRequest::Playground {
                seller,
                model,
                brief,
                seed,
            } => {
                let m = p.owned_model(seller, model)?;
                let (live, watermarked) = m.playground_terms(p.latest_subscription())?;
                crate::order::check_brief(brief, ctx.policy)?;
                let marks = if watermarked {
                    Marks::Visible {
                        reference: model.to_string(),
                    }
                } else {
                    Marks::None
                };
                let purpose = Purpose::Playground {
                    seller: seller.clone(),
                    model: model.clone(),
                    watermarked,
                };
                Ok(Plan {
                    purpose,
                    subcategory: m.subcategory.clone(),
                    style: live.style.clone(),
                    brief: brief.clone(),
                    seed: *seed,
                    marks,
                })
            }
            GenerationRequest::OrderDraft {
                client,
                model,
                brief,
                seed,
            } => {
                let m = p.model(model)?;
                let live = m.ensure_servable(p.latest_subscription())?;
                let quote = m.quote(brief.quantity, ctx.policy)?;
                let order = Order::open(
                    ctx.ids.order(),
                    client.as_str(),
                    m,
                    OrderPath::ImmediateDownload,
                    brief.clone(),
                    *seed,
                    Some(quote),
                    ctx,
                )?;
                let marks = Marks::Draft {
                    reference: order.id.to_string(),
                    payload: order.next_payload(),
                };
                Ok(Plan {
                    purpose: Purpose::NewOrder {
                        order: Box::new(order),
                    },
                    subcategory: m.subcategory.clone(),
                    style: live.style.clone(),
                    brief: brief.clone(),
                    seed: *seed,
                    marks,
                })
            }
            GenerationRequest::AcceptOffer {
                client,
                order,
                seed,
            } => {
                let o = p.client_order(client, order)?;
                o.ensure_status(&[OrderStatus::OfferSent], "accept the offer")?;
                let m = p.model(&o.model)?;
                let live = m.ensure_servable(p.latest_subscription())?;
                let marks = Marks::Draft {
                    reference: order.to_string(),
                    payload: o.next_payload(),
                };
                let purpose = Purpose::AcceptOffer {
                    client: client.clone(),
                    order: order.clone(),
                };
                Ok(Plan {
                    purpose,
                    subcategory: m.subcategory.clone(),
                    style: live.style.clone(),
                    brief: o.brief.clone(),
                    seed: *seed,
                    marks,
                })
            }
            GenerationRequest::Revision {
                client,
                order,
                note,
            } => {
                let o = p.client_order(client, order)?;
                o.check_revision_request(note, ctx.policy, asked_at)?;
                let m = p.model(&o.model)?;
                let live = m.ensure_servable(p.latest_subscription())?;
                let marks = Marks::Draft {
                    reference: order.to_string(),
                    payload: o.next_payload(),
                };
                let purpose = Purpose::Revision {
                    client: client.clone(),
                    order: order.clone(),
                    note: note.clone(),
                    requested_at: asked_at,
                };
                Ok(Plan {
                    purpose,
                    subcategory: m.subcategory.clone(),
                    style: live.style.clone(),
                    brief: o.revision_brief(note),
                    seed: o.revision_seed(),
                    marks,
                })
            }
        }
    }
}

/// A checked generation, ready to run: what [`GenerationRequest::plan`] decides.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) purpose: Purpose,
    pub(crate) subcategory: String,
    pub(crate) style: BlobRef,
    pub(crate) brief: Brief,
    pub(crate) seed: u64,
    pub(crate) marks: Marks,
}

/// What a finished generation job made.
///
/// ```
/// use fivergo_core::generation::GenerationOutcome;
/// let o = GenerationOutcome::Draft { order: "ana/order-1".into() };
/// assert_eq!(serde_json::to_value(&o).unwrap()["type"], "draft");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GenerationOutcome {
    /// A playground file and whether it carries the visible mark (G2).
    Playground {
        /// The file.
        artifact: BlobRef,
        /// Whether it carries the visible mark.
        watermarked: bool,
    },
    /// The draft delivered to an order (new, accepted offer, revision).
    Draft {
        /// The order.
        order: OrderId,
    },
}

/// A queued generation: an aggregate of the seller's partition that workers claim
/// (see [`crate::jobs`]). Queued → running (on a lease) → succeeded, failed or
/// cancelled; a run whose worker vanished is queued again, at most
/// `jobs.max_attempts` runs in all.
///
/// ```
/// use fivergo_core::{generation::*, *};
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-03-01T00:00:00Z".parse().unwrap());
/// let request = GenerationRequest::OrderDraft { client: "bob".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 7 };
/// let job = GenerationJob::queue(request, &ctx);
/// assert_eq!((job.id.as_str(), job.status), ("ana/gen-1", JobStatus::Queued));
/// let started = job.decide(GenerationCommand::Begin { worker: Some("w1".into()) }, &ctx).unwrap();
/// assert_eq!(started[0].kind(), "generation_started");
/// assert_eq!(job.decide(GenerationCommand::Cancel, &ctx).unwrap()[0].kind(), "generation_cancelled");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationJob {
    /// Minted by the hub.
    pub id: GenerationId,
    /// What to make.
    pub request: GenerationRequest,
    /// Where it stands.
    pub status: JobStatus,
    /// When it was queued (a revision is judged at this instant, V1).
    #[serde(with = "crate::wire::instant")]
    pub queued_at: DateTime<Utc>,
    /// How many times a worker started it.
    pub attempt: u32,
    /// Who runs it, while running.
    pub worker: Option<String>,
    /// While running: until when its worker holds it.
    #[serde(with = "crate::wire::instant_opt")]
    pub lease_until: Option<DateTime<Utc>>,
    /// Someone asked the running job to stop.
    pub cancel_requested: bool,
    /// What it made, once succeeded.
    pub outcome: Option<GenerationOutcome>,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// When it ended.
    #[serde(with = "crate::wire::instant_opt")]
    pub finished_at: Option<DateTime<Utc>>,
}

/// What can happen to a queued generation.
///
/// ```
/// use fivergo_core::{generation::*, *};
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-03-01T00:00:00Z".parse().unwrap());
/// let request = GenerationRequest::Playground { seller: "ana".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 1 };
/// let mut job = GenerationJob::queue(request, &ctx);
/// job.decide(GenerationCommand::Begin { worker: None }, &ctx).unwrap().iter().for_each(|e| job.apply(e));
/// let renewed = job.decide(GenerationCommand::RenewLease { attempt: 1 }, &ctx).unwrap();
/// assert_eq!(renewed[0].kind(), "generation_lease_renewed");
/// let stale = job.decide(GenerationCommand::RenewLease { attempt: 2 }, &ctx).unwrap_err();
/// assert_eq!(stale.code(), "job_lease_lost"); // not the run that holds the lease
/// ```
#[derive(Debug, Clone)]
pub enum GenerationCommand {
    /// A worker takes the queued job, on a lease.
    Begin {
        /// The worker's name, for operators.
        worker: Option<String>,
    },
    /// The worker of `attempt` is alive: extend its lease.
    RenewLease {
        /// The run the worker started.
        attempt: u32,
    },
    /// Stop it: a queued job at once, a running one at its worker's next renewal.
    Cancel,
    /// A worker found the queued request no longer holds (the model was unpublished,
    /// the order moved on): it fails without running.
    Fail {
        /// Why.
        reason: String,
    },
    /// The worker of `attempt` finished: what it made, or why not.
    Finish {
        /// The run the worker started.
        attempt: u32,
        /// What was made, or why not.
        outcome: Result<GenerationOutcome, String>,
    },
    /// The lease ended without a renewal: queue it again, or fail it.
    Expire,
}

impl GenerationJob {
    /// A job for `request`, queued at `ctx.now` with the partition's next id.
    ///
    /// ```
    /// use fivergo_core::{generation::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let now = "2026-03-01T00:00:00Z".parse().unwrap();
    /// let ctx = partition.context(&policy, now);
    /// let request = GenerationRequest::AcceptOffer { client: "bob".into(), order: "ana/order-1".into(), seed: 3 };
    /// let job = GenerationJob::queue(request.clone(), &ctx);
    /// assert_eq!((job.request, job.queued_at, job.attempt), (request, now, 0));
    /// ```
    pub fn queue(request: GenerationRequest, ctx: &Context) -> Self {
        Self {
            id: ctx.ids.generation(),
            request,
            status: JobStatus::Queued,
            queued_at: ctx.now,
            attempt: 0,
            worker: None,
            lease_until: None,
            cancel_requested: false,
            outcome: None,
            failure: None,
            finished_at: None,
        }
    }

    /// Whether the job is running on a lease that ended at or before `now`.
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::{generation::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-03-01T00:00:00Z".parse().unwrap());
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 1 };
    /// let mut job = GenerationJob::queue(request, &ctx);
    /// assert!(!job.lease_expired(ctx.now + Duration::days(1))); // queued: no lease
    /// job.decide(GenerationCommand::Begin { worker: None }, &ctx).unwrap().iter().for_each(|e| job.apply(e));
    /// assert!(!job.lease_expired(ctx.now + Duration::seconds(119)));
    /// assert!(job.lease_expired(ctx.now + policy.jobs.generation_lease()));
    /// ```
    pub fn lease_expired(&self, now: DateTime<Utc>) -> bool {
        self.status == JobStatus::Running && self.lease_until.is_some_and(|until| until <= now)
    }

    fn ensure_attempt(&self, attempt: u32) -> Result<(), Error> {
        if self.status == JobStatus::Running && self.attempt == attempt {
            Ok(())
        } else {
            Err(Error::JobLeaseLost {
                job: self.id.to_string(),
                attempt,
                current: self.attempt,
                status: self.status.to_string(),
            })
        }
    }

    /// Decides a command about the job.
    ///
    /// ```
    /// use fivergo_core::{generation::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-03-01T00:00:00Z".parse().unwrap());
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 1 };
    /// let job = GenerationJob::queue(request, &ctx);
    /// let failed = job.decide(GenerationCommand::Fail { reason: "the model was archived".into() }, &ctx).unwrap();
    /// assert_eq!(failed[0].kind(), "generation_failed");
    /// let finish = GenerationCommand::Finish { attempt: 1, outcome: Err("boom".into()) };
    /// assert_eq!(job.decide(finish, &ctx).unwrap_err().code(), "job_lease_lost"); // never started
    /// ```
    pub fn decide(&self, command: GenerationCommand, ctx: &Context) -> Result<Vec<Event>, Error> {
        let (job, at) = (self.id.clone(), ctx.now);
        let not_active = |action: &str| Error::JobNotActive {
            job: self.id.as_str().into(),
            status: self.status.to_string(),
            action: action.into(),
        };
        Ok(match command {
            GenerationCommand::Begin { worker } => {
                if self.status != JobStatus::Queued {
                    return Err(not_active("run"));
                }
                vec![Event::GenerationStarted {
                    job,
                    worker,
                    attempt: self.attempt + 1,
                    lease_until: crate::clock::later(at, ctx.policy.jobs.generation_lease()),
                    at,
                }]
            }
            GenerationCommand::RenewLease { attempt } => {
                self.ensure_attempt(attempt)?;
                vec![Event::GenerationLeaseRenewed {
                    job,
                    lease_until: crate::clock::later(at, ctx.policy.jobs.generation_lease()),
                    at,
                }]
            }
            GenerationCommand::Cancel => match self.status {
                JobStatus::Queued => vec![Event::GenerationCancelled { job, at }],
                JobStatus::Running if !self.cancel_requested => {
                    vec![Event::GenerationCancelRequested { job, at }]
                }
                JobStatus::Running => Vec::new(),
                _ => return Err(not_active("cancel")),
            },
            GenerationCommand::Fail { reason } => {
                if self.status != JobStatus::Queued {
                    return Err(not_active("fail"));
                }
                vec![Event::GenerationFailed { job, reason, at }]
            }
            GenerationCommand::Finish { attempt, outcome } => {
                self.ensure_attempt(attempt)?;
                match outcome {
                    Ok(outcome) => vec![Event::GenerationSucceeded { job, outcome, at }],
                    Err(_) if self.cancel_requested => vec![Event::GenerationCancelled { job, at }],
                    Err(reason) => vec![Event::GenerationFailed { job, reason, at }],
                }
            }
            GenerationCommand::Expire => {
                if !self.lease_expired(at) {
                    return Ok(Vec::new());
                }
                let reason = format!("run {} lost its worker: the lease ran out", self.attempt);
                if self.cancel_requested {
                    vec![Event::GenerationCancelled { job, at }]
                } else if self.attempt < ctx.policy.jobs.max_attempts {
                    vec![Event::GenerationRequeued {
                        job,
                        attempt: self.attempt,
                        reason,
                        at,
                    }]
                } else {
                    vec![Event::GenerationFailed { job, reason, at }]
                }
            }
        })
    }

    /// Folds one of the job's events in.
    ///
    /// ```
    /// use fivergo_core::{generation::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-03-01T00:00:00Z".parse().unwrap());
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 1 };
    /// let mut job = GenerationJob::queue(request, &ctx);
    /// for e in job.decide(GenerationCommand::Begin { worker: Some("w1".into()) }, &ctx).unwrap() {
    ///     job.apply(&e);
    /// }
    /// assert_eq!((job.status, job.attempt, job.worker.as_deref()), (JobStatus::Running, 1, Some("w1")));
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::GenerationStarted {
                worker,
                attempt,
                lease_until,
                ..
            } => {
                self.status = JobStatus::Running;
                self.attempt = *attempt;
                self.worker = worker.clone();
                self.lease_until = Some(*lease_until);
            }
            Event::GenerationLeaseRenewed { lease_until, .. } => {
                self.lease_until = Some(*lease_until)
            }
            Event::GenerationCancelRequested { .. } => self.cancel_requested = true,
            Event::GenerationRequeued { .. } => {
                self.status = JobStatus::Queued;
                self.worker = None;
                self.lease_until = None;
            }
            Event::GenerationSucceeded { outcome, at, .. } => {
                self.outcome = Some(outcome.clone());
                self.end(JobStatus::Succeeded, *at);
            }
            Event::GenerationFailed { reason, at, .. } => {
                self.failure = Some(reason.clone());
                self.end(JobStatus::Failed, *at);
            }
            Event::GenerationCancelled { at, .. } => self.end(JobStatus::Cancelled, *at),
            _ => {}
        }
    }

    fn end(&mut self, status: JobStatus, at: DateTime<Utc>) {
        self.status = status;
        self.finished_at = Some(at);
        self.worker = None;
        self.lease_until = None;
    }
}

/// What a generation is for, and what its finish records.
#[derive(Debug, Clone)]
pub(crate) enum Purpose {
    /// The seller's playground (G2).
    Playground {
        seller: SellerId,
        model: ModelId,
        watermarked: bool,
    },
    /// A new immediate-download order (G3); its id was the next free one at begin.
    NewOrder { order: Box<Order> },
    /// The draft of an accepted custom offer (V2).
    AcceptOffer { client: ClientId, order: OrderId },
    /// The included revision (V1), asked at `requested_at`.
    Revision {
        client: ClientId,
        order: OrderId,
        note: String,
        requested_at: DateTime<Utc>,
    },
}

impl Purpose {
    /// The seller partition the generation is recorded in.
    pub(crate) fn partition(&self) -> Result<SellerId, Error> {
        use crate::ids::PartitionKey;
        match self {
            Purpose::Playground { seller, .. } => Ok(seller.clone()),
            Purpose::NewOrder { order } => Ok(order.seller.clone()),
            Purpose::AcceptOffer { order, .. } | Purpose::Revision { order, .. } => order
                .partition()
                .ok_or_else(|| Error::not_found("order", order)),
        }
    }
}

/// How the generated file is marked before anyone sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Marks {
    /// No mark: the subscribed seller's own playground (G2).
    None,
    /// The visible mark only: the playground before subscribing (G2).
    Visible { reference: String },
    /// A client draft: visible and invisible marks (W1, W2).
    Draft { reference: String, payload: u64 },
}

/// A generation taken out of the hub, to run anywhere; see the [module docs](self).
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
/// let run: GenerationRun = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
/// let result = std::thread::spawn(move || run.execute()).join().unwrap(); // off the hub
/// assert!(result.succeeded());
/// assert!(matches!(hub.finish_generation(result).unwrap().value, Generated::Playground { .. }));
/// ```
pub struct GenerationRun {
    pub(crate) purpose: Purpose,
    pub(crate) generator: Arc<dyn Generator>,
    pub(crate) style: BlobRef,
    pub(crate) styles: StyleCache,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) brief: Brief,
    pub(crate) seed: u64,
    pub(crate) marks: Marks,
    pub(crate) watermark: MarkStyle,
    pub(crate) cancel: CancelToken,
    /// The queued job it runs and which run, when a worker claimed it.
    pub(crate) job: Option<(GenerationId, u32)>,
    /// Renews the job's lease; called from the generator's progress.
    pub(crate) heartbeat: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for GenerationRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenerationRun")
            .field("purpose", &self.purpose)
            .field("generator", &self.generator.name())
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// What a [`GenerationRun`] produced, for [`Hub::finish_generation`](crate::Hub::finish_generation).
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
/// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
/// let result: GenerationResult = run.execute();
/// let generated = hub.finish_generation(result).unwrap();
/// assert_eq!(generated.events[0].kind(), "playground_generated");
/// ```
pub struct GenerationResult {
    pub(crate) purpose: Purpose,
    pub(crate) job: Option<(GenerationId, u32)>,
    pub(crate) made: Result<Made, Error>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) watermark: MarkStyle,
    pub(crate) seed: u64,
}

/// The files a generation stored.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    /// The generator's output, unmarked.
    pub(crate) clean: Artifact,
    pub(crate) clean_ref: BlobRef,
    /// What the requester gets: the marked draft (or, in a subscribed playground,
    /// the clean output itself).
    pub(crate) shown: Artifact,
    pub(crate) shown_ref: BlobRef,
    /// The marks applied, and whether the invisible payload went in.
    pub(crate) marks: Marks,
    pub(crate) payload_in: bool,
}

/// What [`Hub::finish_generation`](crate::Hub::finish_generation) recorded.
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
/// let run = hub.begin_order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
/// match hub.finish_generation(run.execute()).unwrap().value {
///     Generated::Draft { order } => assert_eq!(hub.order("bob", &order).unwrap().status, OrderStatus::Drafted),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Generated {
    /// A playground generation: its file and whether it carries the visible mark (G2).
    Playground {
        /// The file in the blob store.
        artifact: BlobRef,
        /// The generated content as the seller sees it.
        content: Artifact,
        /// Whether it carries the visible mark.
        watermarked: bool,
    },
    /// A draft delivered to an order (new, offer or revision).
    Draft {
        /// The order.
        order: OrderId,
    },
}

impl Generated {
    /// What a queued generation's job records of it.
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
    /// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
    /// let generated = hub.finish_generation(run.execute()).unwrap().value;
    /// match generated.outcome() {
    ///     GenerationOutcome::Playground { watermarked, .. } => assert!(watermarked), // not subscribed (G2)
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn outcome(&self) -> GenerationOutcome {
        match self {
            Generated::Playground {
                artifact,
                watermarked,
                ..
            } => GenerationOutcome::Playground {
                artifact: artifact.clone(),
                watermarked: *watermarked,
            },
            Generated::Draft { order } => GenerationOutcome::Draft {
                order: order.clone(),
            },
        }
    }
}

impl Made {
    /// What an order's draft delivery records of these files (G1, W2).
    pub(crate) fn delivery(&self) -> crate::order::Delivery {
        let payload = match (&self.marks, self.payload_in) {
            (Marks::Draft { payload, .. }, true) => Some(*payload),
            _ => None,
        };
        crate::order::Delivery {
            draft: self.shown_ref.clone(),
            clean: self.clean_ref.clone(),
            payload,
        }
    }
}

impl GenerationRun {
    /// The token that cancels this run between the generator's steps.
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
    /// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
    /// run.cancel_token().cancel(); // from any thread
    /// let result = run.execute();
    /// assert!(!result.succeeded());
    /// assert_eq!(hub.finish_generation(result).unwrap_err().code(), "cancelled");
    /// ```
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// The queued job this run serves, when a worker claimed one.
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, jobs::ClaimedJob, *};
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
    /// let direct = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
    /// assert_eq!(direct.job(), None);
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: model.clone(), brief: Brief::new("koi"), seed: 7 };
    /// let queued = hub.queue_generation(request).unwrap().value;
    /// let Some(ClaimedJob::Generation(run)) = hub.claim_job("w1").unwrap().value else { panic!() };
    /// assert_eq!(run.job(), Some(&queued));
    /// ```
    pub fn job(&self) -> Option<&GenerationId> {
        self.job.as_ref().map(|(id, _)| id)
    }

    /// Which run of its job this is (0 for a direct generation).
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, jobs::ClaimedJob, *};
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
    /// assert_eq!(hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value.attempt(), 0);
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: model.clone(), brief: Brief::new("koi"), seed: 7 };
    /// hub.queue_generation(request).unwrap();
    /// let Some(ClaimedJob::Generation(run)) = hub.claim_job("w1").unwrap().value else { panic!() };
    /// assert_eq!(run.attempt(), 1); // the first run of the queued job
    /// ```
    pub fn attempt(&self) -> u32 {
        self.job.as_ref().map_or(0, |(_, attempt)| *attempt)
    }

    /// Generates, marks and stores. Never touches the hub (a claimed job's lease is
    /// renewed from the generator's progress).
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
    /// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
    /// let stored = hub.blobs().clone();
    /// let result = run.execute(); // generated, marked and stored; nothing recorded yet
    /// assert!(result.succeeded());
    /// let Generated::Playground { artifact, .. } = hub.finish_generation(result).unwrap().value else { panic!() };
    /// assert!(stored.fetch(&artifact).is_ok());
    /// ```
    pub fn execute(self) -> GenerationResult {
        let made = self.make();
        GenerationResult {
            purpose: self.purpose,
            job: self.job,
            made,
            blobs: self.blobs,
            watermark: self.watermark,
            seed: self.seed,
        }
    }

    fn make(&self) -> Result<Made, Error> {
        let style = self.styles.load(&self.style, self.blobs.as_ref())?;
        let heartbeat = self.heartbeat.clone();
        let mut progress = move |_: f32| {
            if let Some(beat) = &heartbeat {
                beat();
            }
        };
        let clean = self.generator.generate(
            &style,
            &self.brief,
            self.seed,
            &mut JobControl::new(&mut progress, &self.cancel),
        )?;
        mark_and_store(
            clean,
            self.marks.clone(),
            self.seed,
            &self.watermark,
            self.blobs.as_ref(),
        )
    }
}

impl std::fmt::Debug for GenerationResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenerationResult")
            .field("purpose", &self.purpose)
            .field("succeeded", &self.made.is_ok())
            .finish_non_exhaustive()
    }
}

impl GenerationResult {
    /// Whether the generator produced something.
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
    /// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 7).unwrap().value;
    /// let token = run.cancel_token();
    /// token.cancel();
    /// assert!(!run.execute().succeeded()); // the generator stopped before making anything
    /// ```
    pub fn succeeded(&self) -> bool {
        self.made.is_ok()
    }

    /// The same generation marked for `marks` instead (an order id taken meanwhile).
    pub(crate) fn remarked(
        made: &Made,
        marks: Marks,
        seed: u64,
        style: &MarkStyle,
        blobs: &dyn BlobStore,
    ) -> Result<Made, Error> {
        mark_and_store(made.clean.clone(), marks, seed, style, blobs)
    }
}

fn mark_and_store(
    clean: Artifact,
    marks: Marks,
    seed: u64,
    style: &MarkStyle,
    blobs: &dyn BlobStore,
) -> Result<Made, Error> {
    let (shown, payload_in) = match &marks {
        Marks::None => (clean.clone(), false),
        Marks::Visible { reference } => (
            watermark::draft(
                &clean,
                &DraftMark {
                    reference: reference.clone(),
                    seed,
                },
                &style.visible,
            ),
            false,
        ),
        Marks::Draft { reference, payload } => {
            let marked = watermark::mark_draft(
                &clean,
                &DraftMark {
                    reference: reference.clone(),
                    seed,
                },
                Some(*payload),
                style,
            );
            (marked.artifact, marked.payload.is_ok())
        }
    };
    let clean_ref = store_artifact(&clean, blobs)?;
    let shown_ref = if marks == Marks::None {
        clean_ref.clone()
    } else {
        store_artifact(&shown, blobs)?
    };
    Ok(Made {
        clean,
        clean_ref,
        shown,
        shown_ref,
        marks,
        payload_in,
    })
}

/// Encodes `artifact` as a file (PNG, WAV, UTF-8 text) and stores it.
pub(crate) fn store_artifact(artifact: &Artifact, blobs: &dyn BlobStore) -> Result<BlobRef, Error> {
    let (bytes, media_type) = encode(artifact)?;
    let r = blobs.store(&bytes, media_type)?;
    Ok(match artifact {
        Artifact::Image(img) => r.with_size(img.width, img.height),
        Artifact::Audio(a) => r.with_duration(a.duration_ms()),
        Artifact::Text(_) => r,
    })
}

fn encode(artifact: &Artifact) -> Result<(Vec<u8>, &'static str), Error> {
    let media_type = match artifact {
        Artifact::Image(_) => "image/png",
        Artifact::Audio(_) => "audio/wav",
        Artifact::Text(t) => return Ok((t.as_bytes().to_vec(), "text/plain")),
    };
    Ok((crate::media::encode(artifact)?, media_type))
}

/// Reads a stored file back as an [`Artifact`].
pub(crate) fn load_artifact(
    reference: &BlobRef,
    blobs: &dyn BlobStore,
    limits: &MediaLimits,
) -> Result<Artifact, Error> {
    let bytes = blobs.fetch(reference)?;
    if reference.media_type.starts_with("text/") {
        return Ok(Artifact::Text(
            String::from_utf8_lossy(bytes.as_bytes()).into_owned(),
        ));
    }
    crate::media::decode(bytes.as_bytes(), limits)
}

/// Parsed trained styles by their file's hash: a style can be megabytes of JSON, so
/// generations of the same model parse it once.
#[derive(Clone)]
pub(crate) struct StyleCache(Arc<Mutex<lru::LruCache<String, Arc<TrainedStyle>>>>);

impl std::fmt::Debug for StyleCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StyleCache")
    }
}

impl StyleCache {
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity =
            std::num::NonZeroUsize::new(capacity.max(1)).unwrap_or(std::num::NonZeroUsize::MIN);
        Self(Arc::new(Mutex::new(lru::LruCache::new(capacity))))
    }

    pub(crate) fn load(
        &self,
        reference: &BlobRef,
        blobs: &dyn BlobStore,
    ) -> Result<Arc<TrainedStyle>, Error> {
        if let Some(style) = self.lock().get(&reference.sha256) {
            return Ok(style.clone());
        }
        let bytes = blobs.fetch(reference)?;
        let style: TrainedStyle =
            serde_json::from_slice(bytes.as_bytes()).map_err(|e| Error::GeneratorFailed {
                reason: format!("the trained style {} does not parse: {e}", reference.sha256),
            })?;
        let style = Arc::new(style);
        self.lock().put(reference.sha256.clone(), style.clone());
        Ok(style)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, lru::LruCache<String, Arc<TrainedStyle>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
