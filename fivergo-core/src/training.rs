//! Training jobs and quotas (SPEC T1–T5).
//!
//! Quotas are never stored as counters that could drift: the trainings used in a
//! window are the jobs recorded against it that still count (a failed or cancelled
//! job gives its quota back, T4). A window is either the lifetime before the seller
//! first subscribes (T1) or one billing month of a subscription (T2), which renews on
//! the subscription's anniversary (T3).

use crate::asset::Asset;
use crate::blob::{Blob, BlobRef, BlobStore};
use crate::catalogue::CatalogueEntry;
use crate::context::Context;
use crate::error::Error;
use crate::event::Event;
use crate::generator::{
    CancelToken, Generator, JobControl, TrainError, TrainingAsset, TrainingInput,
};
use crate::ids::{AssetId, JobId, ModelId, SellerId, SubscriptionId};
use crate::media::MediaLimits;
use crate::model::{CreationModel, TrainedVersion};
use crate::policy::Policy;
use crate::subscription::Subscription;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Where a training job stands (T4).
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
/// let job = hub.start_training("ana", &model).unwrap().value;
/// assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Queued);
/// assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Succeeded);
/// assert_eq!(JobStatus::Succeeded.to_string(), "succeeded");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Accepted, waiting to run.
    Queued,
    /// Running.
    Running,
    /// Produced a trained version.
    Succeeded,
    /// Stopped with an error.
    Failed,
    /// Stopped on request.
    Cancelled,
}

impl JobStatus {
    /// Queued or running.
    ///
    /// ```
    /// use fivergo_core::JobStatus;
    /// assert!(JobStatus::Queued.is_active() && JobStatus::Running.is_active());
    /// assert!(!JobStatus::Failed.is_active() && !JobStatus::Cancelled.is_active());
    /// ```
    pub fn is_active(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        })
    }
}

/// The quota window a training counts against.
///
/// ```
/// use fivergo_core::training::QuotaWindow;
/// let w = QuotaWindow::Period { subscription: "sub-1".into(), index: 2 };
/// assert_eq!(serde_json::to_value(&w).unwrap()["type"], "period");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuotaWindow {
    /// The lifetime before the seller first subscribes (T1).
    BeforeSubscription,
    /// One billing month of a subscription (T2).
    Period {
        /// The subscription.
        subscription: SubscriptionId,
        /// The billing month's index.
        index: u32,
    },
}

/// A training run of one model (T4).
///
/// ```
/// use fivergo_core::{training::QuotaWindow, *};
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// let id = hub.start_training("ana", &model).unwrap().value;
/// let job: TrainingJob = hub.job("ana", &id).unwrap();
/// assert_eq!((job.model, job.assets, job.window), (model, vec![art], QuotaWindow::BeforeSubscription));
/// assert_eq!((job.status, job.progress_pct, job.attempt), (JobStatus::Queued, 0, 0));
/// assert_eq!(hub.job("bob", &id).unwrap_err().code(), "forbidden"); // the seller's own (D1)
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingJob {
    /// Minted by the hub.
    pub id: JobId,
    /// The model trained.
    pub model: ModelId,
    /// Its owner.
    pub seller: SellerId,
    /// Where it stands.
    pub status: JobStatus,
    /// 0–100.
    pub progress_pct: u8,
    /// The window it counts against.
    pub window: QuotaWindow,
    /// The assets it trains on, as selected when queued (D5: the owner's only).
    pub assets: Vec<AssetId>,
    /// The instructions it trains with, as set when queued (A5).
    pub instructions: Option<String>,
    /// The model's settings revision when queued (A7).
    pub settings_rev: u32,
    /// When it was queued (the quota is taken then).
    #[serde(with = "crate::wire::instant")]
    pub queued_at: DateTime<Utc>,
    /// When it finished, if it did.
    #[serde(with = "crate::wire::instant_opt")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// While running: until when its runner holds it. A runner that stops renewing
    /// the lease (a crashed worker) loses the job: it is queued again for another
    /// worker, or after `jobs.max_attempts` runs fails with its quota back (T4).
    #[serde(default)]
    #[serde(with = "crate::wire::instant_opt")]
    pub lease_until: Option<DateTime<Utc>>,
    /// How many times a runner started it (1 while its first run goes on). A runner
    /// renews and finishes only the attempt it started.
    #[serde(default)]
    pub attempt: u32,
    /// Who runs it (the worker's name), while running.
    #[serde(default)]
    pub worker: Option<String>,
    /// Someone asked the running job to stop; its runner stops at the next renewal.
    #[serde(default)]
    pub cancel_requested: bool,
}

impl TrainingJob {
    /// A job queued for `model` against the quota `window` (T4).
    ///
    /// ```
    /// use fivergo_core::{training::QuotaWindow, *};
    /// let now = "2026-02-18T09:00:00Z".parse().unwrap();
    /// let mut model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), now);
    /// model.assets.push("ana/asset-1".into());
    /// let job = TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now);
    /// assert_eq!((job.seller.as_str(), job.status, job.queued_at), ("ana", JobStatus::Queued, now));
    /// assert_eq!(job.assets, model.assets); // the selection as it is when queued
    /// ```
    pub fn queued(
        id: JobId,
        model: &CreationModel,
        window: QuotaWindow,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            model: model.id.clone(),
            seller: model.owner.clone(),
            status: JobStatus::Queued,
            progress_pct: 0,
            window,
            assets: model.assets.clone(),
            instructions: model.instructions.clone(),
            settings_rev: model.settings_rev,
            queued_at: at,
            finished_at: None,
            failure: None,
            lease_until: None,
            attempt: 0,
            worker: None,
            cancel_requested: false,
        }
    }

    /// Whether the job is running on a lease that ended before `now`: its runner is
    /// gone.
    ///
    /// ```
    /// use fivergo_core::{training::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let now = "2026-02-18T09:00:00Z".parse().unwrap();
    /// let ctx = partition.context(&policy, now);
    /// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), now);
    /// let mut job = TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now);
    /// job.decide(JobCommand::Begin { worker: None }, &ctx).unwrap().iter().for_each(|e| job.apply(e));
    /// assert!(!job.lease_expired(now + chrono::Duration::seconds(299)));
    /// assert!(job.lease_expired(now + policy.training.lease())); // the runner went silent
    /// ```
    pub fn lease_expired(&self, now: DateTime<Utc>) -> bool {
        self.status == JobStatus::Running && self.lease_until.is_some_and(|until| until <= now)
    }

    fn not_active(&self, action: &str) -> Error {
        Error::JobNotActive {
            job: self.id.clone(),
            status: self.status.to_string(),
            action: action.into(),
        }
    }

    /// The running attempt `attempt`, or `job_lease_lost` when its runner lost the
    /// job (its lease ran out and it was queued again, or finished otherwise).
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

    /// Decides a command about the job (T4).
    ///
    /// ```
    /// use fivergo_core::{training::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let now = "2026-02-18T09:00:00Z".parse().unwrap();
    /// let ctx = partition.context(&policy, now);
    /// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), now);
    /// let job = TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now);
    /// let events = job.decide(JobCommand::Cancel, &ctx).unwrap();
    /// assert!(matches!(events[0], Event::TrainingCancelled { quota_returned: true, .. })); // T4
    /// ```
    pub fn decide(&self, command: JobCommand, ctx: &Context) -> Result<Vec<Event>, Error> {
        let (job, model, at) = (self.id.clone(), self.model.clone(), ctx.now);
        let quota_returned = ctx.policy.training.refund_failed;
        Ok(match command {
            JobCommand::Begin { worker } => {
                if self.status != JobStatus::Queued {
                    return Err(self.not_active("run"));
                }
                let attempt = self.attempt + 1;
                vec![Event::TrainingStarted {
                    job,
                    lease_until: crate::clock::later(at, ctx.policy.training.lease()),
                    at,
                    worker,
                    attempt,
                }]
            }
            JobCommand::RenewLease { attempt } => {
                self.ensure_attempt(attempt)?;
                vec![Event::TrainingLeaseRenewed {
                    job,
                    lease_until: crate::clock::later(at, ctx.policy.training.lease()),
                    at,
                }]
            }
            JobCommand::Cancel => match self.status {
                JobStatus::Queued => vec![Event::TrainingCancelled {
                    job,
                    model,
                    quota_returned,
                    at,
                }],
                JobStatus::Running if !self.cancel_requested => {
                    vec![Event::TrainingCancelRequested { job, at }]
                }
                JobStatus::Running => Vec::new(),
                _ => return Err(self.not_active("cancel")),
            },
            JobCommand::Finish {
                attempt,
                progress_pct,
                outcome,
                next_version,
            } => {
                self.ensure_attempt(attempt)?;
                let mut events: Vec<Event> = (progress_pct
                    .into_iter()
                    .filter(|p| *p > self.progress_pct && *p < 100))
                .map(|progress_pct| Event::TrainingProgressed {
                    job: job.clone(),
                    progress_pct,
                    at,
                })
                .collect();
                events.push(match outcome {
                    Ok(TrainedOutput { generator, style }) => {
                        let version = TrainedVersion {
                            version: next_version,
                            job: job.clone(),
                            trained_at: at,
                            settings_rev: self.settings_rev,
                            generator,
                            style,
                        };
                        Event::TrainingSucceeded {
                            job,
                            model,
                            version,
                        }
                    }
                    Err(TrainError::Cancelled) => Event::TrainingCancelled {
                        job,
                        model,
                        quota_returned,
                        at,
                    },
                    Err(TrainError::Failed(reason)) => Event::TrainingFailed {
                        job,
                        model,
                        reason,
                        quota_returned,
                        at,
                    },
                });
                events
            }
            JobCommand::Expire => {
                if !self.lease_expired(at) {
                    return Ok(Vec::new());
                }
                let reason = format!("run {} lost its worker: the lease ran out", self.attempt);
                if self.cancel_requested {
                    vec![Event::TrainingCancelled {
                        job,
                        model,
                        quota_returned,
                        at,
                    }]
                } else if self.attempt < ctx.policy.jobs.max_attempts {
                    vec![Event::TrainingRequeued {
                        job,
                        attempt: self.attempt,
                        reason,
                        at,
                    }]
                } else {
                    vec![Event::TrainingFailed {
                        job,
                        model,
                        reason,
                        quota_returned,
                        at,
                    }]
                }
            }
        })
    }

    /// Folds in an event that concerns the job; others are ignored.
    ///
    /// ```
    /// use fivergo_core::{training::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let now = "2026-02-18T09:00:00Z".parse().unwrap();
    /// let ctx = partition.context(&policy, now);
    /// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), now);
    /// let mut job = TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now);
    /// for e in job.decide(JobCommand::Begin { worker: Some("w1".into()) }, &ctx).unwrap() {
    ///     job.apply(&e);
    /// }
    /// assert_eq!((job.status, job.attempt, job.worker.as_deref()), (JobStatus::Running, 1, Some("w1")));
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::TrainingStarted {
                lease_until,
                worker,
                attempt,
                ..
            } => {
                self.status = JobStatus::Running;
                self.lease_until = Some(*lease_until);
                self.worker = worker.clone();
                // Logs written before attempts were counted start every run at 1.
                self.attempt = (*attempt).max(self.attempt + 1);
            }
            Event::TrainingRequeued { .. } => {
                self.status = JobStatus::Queued;
                self.lease_until = None;
                self.worker = None;
            }
            Event::TrainingLeaseRenewed { lease_until, .. } => {
                self.lease_until = Some(*lease_until)
            }
            Event::TrainingCancelRequested { .. } => self.cancel_requested = true,
            Event::TrainingProgressed { progress_pct, .. } => self.progress_pct = *progress_pct,
            Event::TrainingSucceeded { version, .. } => {
                self.finish(JobStatus::Succeeded, version.trained_at, None)
            }
            Event::TrainingFailed { reason, at, .. } => {
                self.finish(JobStatus::Failed, *at, Some(reason.clone()))
            }
            Event::TrainingCancelled { at, .. } => self.finish(JobStatus::Cancelled, *at, None),
            _ => {}
        }
    }

    fn finish(&mut self, status: JobStatus, at: DateTime<Utc>, failure: Option<String>) {
        self.status = status;
        self.finished_at = Some(at);
        self.failure = failure;
        self.lease_until = None;
        self.worker = None;
        if status == JobStatus::Succeeded {
            self.progress_pct = 100;
        }
    }

    /// Whether the job uses up quota: everything but failed or cancelled jobs when
    /// the policy gives those back (T4).
    ///
    /// ```
    /// use fivergo_core::{training::*, *};
    /// let mut policy = Policy::default();
    /// let now = "2026-02-18T09:00:00Z".parse().unwrap();
    /// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), now);
    /// let mut job = TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now);
    /// assert!(job.uses_quota(&policy));
    /// job.status = JobStatus::Failed;
    /// assert!(!job.uses_quota(&policy)); // a failed training gives its quota back (T4)
    /// policy.training.refund_failed = false;
    /// assert!(job.uses_quota(&policy));
    /// ```
    pub fn uses_quota(&self, policy: &Policy) -> bool {
        !(policy.training.refund_failed
            && matches!(self.status, JobStatus::Failed | JobStatus::Cancelled))
    }
}

/// What can happen to a training job (T4).
///
/// ```
/// use fivergo_core::{training::*, *};
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let now = "2026-02-18T09:00:00Z".parse().unwrap();
/// let ctx = partition.context(&policy, now);
/// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), now);
/// let mut job = TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now);
/// job.decide(JobCommand::Begin { worker: None }, &ctx).unwrap().iter().for_each(|e| job.apply(e));
/// let finish = JobCommand::Finish { attempt: 1, progress_pct: vec![50], outcome: Err(TrainError::Failed("no GPU".into())), next_version: 1 };
/// let kinds: Vec<_> = job.decide(finish, &ctx).unwrap().iter().map(Event::kind).collect();
/// assert_eq!(kinds, ["training_progressed", "training_failed"]);
/// ```
#[derive(Debug, Clone)]
pub enum JobCommand {
    /// A runner (`worker`, when it has a name) takes the queued job, on a lease.
    Begin {
        /// The worker's name, for operators.
        worker: Option<String>,
    },
    /// The runner of `attempt` is alive: extend its lease.
    RenewLease {
        /// The run the runner started.
        attempt: u32,
    },
    /// Stop it: a queued job is cancelled at once (quota back); a running one is asked
    /// to stop, which its runner sees at its next renewal.
    Cancel,
    /// The runner finished: its progress steps, then a new version or why not.
    Finish {
        /// The run the runner started (a runner that lost its lease finishes nothing).
        attempt: u32,
        /// Progress reached, in percent.
        progress_pct: Vec<u8>,
        /// The trained style, or why there is none.
        outcome: Result<TrainedOutput, TrainError>,
        /// The model's next version number.
        next_version: u32,
    },
    /// The lease ended without a renewal: the job is queued again for another
    /// worker, or after `jobs.max_attempts` runs fails, quota back.
    Expire,
}

/// What a succeeded training produced: the generator's name and its style's file.
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
/// let job = hub.start_training("ana", &model).unwrap().value;
/// let result = hub.begin_training(&job).unwrap().value.execute(&mut |_| {});
/// let output: &TrainedOutput = result.result.as_ref().unwrap();
/// assert_eq!(output.generator, "echo"); // the hub's default generator
/// assert_eq!(output.style.media_type, fivergo_core::training::STYLE_MEDIA_TYPE);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainedOutput {
    /// The generator that trained.
    pub generator: String,
    /// The trained style's JSON in the blob store.
    pub style: BlobRef,
}

/// A model's quota in its current window (T5).
///
/// ```
/// use fivergo_core::training::{QuotaStatus, QuotaWindow};
/// let q = QuotaStatus { window: QuotaWindow::BeforeSubscription, used: 1, limit: 2, renews_at: None };
/// assert_eq!(q.remaining(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaStatus {
    /// The window.
    pub window: QuotaWindow,
    /// Trainings counted in it.
    pub used: u32,
    /// Trainings allowed in it.
    pub limit: u32,
    /// When a new window starts (`None` before subscribing: subscribing opens one).
    #[serde(with = "crate::wire::instant_opt")]
    pub renews_at: Option<DateTime<Utc>>,
}

impl QuotaStatus {
    /// Trainings left.
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
    /// assert_eq!(hub.quota("ana", &model).unwrap().remaining(), 2); // T1
    /// hub.start_training("ana", &model).unwrap();
    /// assert_eq!(hub.quota("ana", &model).unwrap().remaining(), 1); // taken when queued
    /// ```
    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }

    /// `Ok` if one more training fits, else `training_quota_exhausted` (T5).
    ///
    /// ```
    /// use fivergo_core::{training::*, *};
    /// let q = QuotaStatus { window: QuotaWindow::BeforeSubscription, used: 2, limit: 2, renews_at: None };
    /// let err = q.ensure_available(&"ana/model-1".into()).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("training_quota_exhausted", Some("T5")));
    /// assert!(QuotaStatus { used: 1, ..q }.ensure_available(&"ana/model-1".into()).is_ok());
    /// ```
    pub fn ensure_available(&self, model: &ModelId) -> Result<(), Error> {
        if self.used < self.limit {
            Ok(())
        } else {
            Err(Error::TrainingQuotaExhausted {
                model: model.clone(),
                used: self.used,
                limit: self.limit,
                renews_at: self.renews_at,
            })
        }
    }
}

/// The quota of `model` at `now`: its window (from the seller's subscription), the
/// limit for the subcategory and what its jobs used.
///
/// `subscription` is the seller's latest subscription, if any. Past due or ended
/// subscriptions have no training at all (S2, S4).
///
/// ```
/// use fivergo_core::{training::*, *};
/// let policy = Policy::default();
/// let now = "2026-02-18T09:00:00Z".parse().unwrap();
/// let voice = policy.catalogue.get("voice_over").unwrap();
/// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "voice_over".into(), now);
/// let jobs = [TrainingJob::queued("ana/job-1".into(), &model, QuotaWindow::BeforeSubscription, now)];
/// let q = quota_status(&model.id, &model.owner, voice, None, &jobs, &policy, now).unwrap();
/// assert_eq!((q.window, q.used, q.limit, q.renews_at), (QuotaWindow::BeforeSubscription, 1, 2, None));
/// ```
pub fn quota_status<'a>(
    model: &ModelId,
    seller: &SellerId,
    entry: &CatalogueEntry,
    subscription: Option<&Subscription>,
    jobs: impl IntoIterator<Item = &'a TrainingJob>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<QuotaStatus, Error> {
    let (window, limit, renews_at) = match subscription {
        None => (
            QuotaWindow::BeforeSubscription,
            policy.training.before_subscription,
            None,
        ),
        Some(sub) => {
            // A lapsed subscription refuses training as it refuses every AI feature.
            Subscription::require_active(seller, Some(sub), "train")?;
            let period = sub.period_at(now);
            let limit = entry
                .trainings_per_period
                .unwrap_or(policy.training.per_period);
            (
                QuotaWindow::Period {
                    subscription: sub.id.clone(),
                    index: period.index,
                },
                limit,
                Some(period.end),
            )
        }
    };
    let used = jobs
        .into_iter()
        .filter(|j| &j.model == model && j.window == window && j.uses_quota(policy))
        .count();
    Ok(QuotaStatus {
        window,
        used: used as u32,
        limit,
        renews_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subscription::{EndReason, SubscriptionStatus};

    fn job(n: u32, window: QuotaWindow, status: JobStatus) -> TrainingJob {
        TrainingJob {
            id: format!("job-{n}").into(),
            model: "model-1".into(),
            seller: "ana".into(),
            status,
            progress_pct: 0,
            window,
            assets: vec![],
            instructions: None,
            settings_rev: 0,
            queued_at: "2026-02-01T00:00:00Z".parse().unwrap(),
            finished_at: None,
            failure: None,
            lease_until: None,
            attempt: 0,
            worker: None,
            cancel_requested: false,
        }
    }

    fn sub(status: SubscriptionStatus) -> Subscription {
        Subscription {
            id: "sub-1".into(),
            seller: "ana".into(),
            anchor: "2026-02-18T00:00:00Z".parse().unwrap(),
            method: "card-1".into(),
            status,
            cancel_at_period_end: false,
            paid_periods: 2,
            charges: vec![],
        }
    }

    #[test]
    fn two_trainings_before_subscribing_failed_ones_refunded() {
        // R: T1, T4, T5
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let now = "2026-02-10T00:00:00Z".parse().unwrap();
        let w = QuotaWindow::BeforeSubscription;
        let jobs = [
            job(1, w.clone(), JobStatus::Succeeded),
            job(2, w.clone(), JobStatus::Failed),
            job(3, w.clone(), JobStatus::Running),
        ];
        let q = quota_status(
            &"model-1".into(),
            &"ana".into(),
            tattoo,
            None,
            &jobs,
            &p,
            now,
        )
        .unwrap();
        assert_eq!((q.used, q.limit, q.renews_at), (2, 2, None));
        let err = q.ensure_available(&"model-1".into()).unwrap_err();
        assert_eq!(err.code(), "training_quota_exhausted");
        assert_eq!(err.details()["used"], 2);
        let q = quota_status(
            &"model-1".into(),
            &"ana".into(),
            tattoo,
            None,
            &jobs[..2],
            &p,
            now,
        )
        .unwrap();
        assert_eq!(q.remaining(), 1);
    }

    #[test]
    fn subscribed_windows_are_billing_months_voice_over_gets_three() {
        // R: T2, T3
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let voice = p.catalogue.get("voice_over").unwrap();
        let s = sub(SubscriptionStatus::Active);
        let now = "2026-03-20T00:00:00Z".parse().unwrap();
        let current = QuotaWindow::Period {
            subscription: "sub-1".into(),
            index: 1,
        };
        let previous = QuotaWindow::Period {
            subscription: "sub-1".into(),
            index: 0,
        };
        let jobs = [
            job(1, previous.clone(), JobStatus::Succeeded),
            job(2, previous, JobStatus::Succeeded),
            job(3, current.clone(), JobStatus::Succeeded),
        ];
        let q = quota_status(
            &"model-1".into(),
            &"ana".into(),
            tattoo,
            Some(&s),
            &jobs,
            &p,
            now,
        )
        .unwrap();
        assert_eq!(q.window, current);
        assert_eq!((q.used, q.limit), (1, 2));
        assert_eq!(
            q.renews_at.unwrap().to_rfc3339(),
            "2026-04-18T00:00:00+00:00"
        );
        let q = quota_status(
            &"model-1".into(),
            &"ana".into(),
            voice,
            Some(&s),
            &jobs,
            &p,
            now,
        )
        .unwrap();
        assert_eq!(q.limit, 3);
    }

    #[test]
    fn no_training_while_past_due_or_after_the_end() {
        // R: S2, S4
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let now = "2026-03-20T00:00:00Z".parse().unwrap();
        let ended = sub(SubscriptionStatus::Ended {
            at: now,
            reason: EndReason::Cancelled,
        });
        let err = quota_status(
            &"model-1".into(),
            &"ana".into(),
            tattoo,
            Some(&ended),
            [],
            &p,
            now,
        )
        .unwrap_err();
        assert_eq!(
            (err.code(), err.rule()),
            ("subscription_required", Some("S4"))
        );
        let past_due = sub(SubscriptionStatus::PastDue {
            since: now,
            period: 1,
        });
        assert!(quota_status(
            &"model-1".into(),
            &"ana".into(),
            tattoo,
            Some(&past_due),
            [],
            &p,
            now
        )
        .is_err());
    }
}

/// A training taken out of the hub to run anywhere (a worker thread, a task queue),
/// from [`Hub::begin_training`](crate::Hub::begin_training). It owns everything the
/// generator needs (D5: only the owner's assets, as selected when the job was
/// queued, read from the blob store), so the hub stays free for other commands
/// while it runs; hand the [`TrainingResult`] back to
/// [`Hub::finish_training`](crate::Hub::finish_training). While it runs, its
/// progress renews the job's lease and picks up a cancellation asked from anywhere.
///
/// ```
/// use fivergo_core::*;
/// # let hub = Hub::builder().build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// let job = hub.start_training("ana", &model).unwrap().value;
/// let run = hub.begin_training(&job).unwrap().value;
/// let result = std::thread::spawn(move || run.execute(&mut |_| {})).join().unwrap();
/// assert_eq!(hub.finish_training(result).unwrap().value, JobStatus::Succeeded);
/// ```
pub struct TrainingRun {
    pub(crate) job: JobId,
    pub(crate) attempt: u32,
    pub(crate) generator: Arc<dyn Generator>,
    pub(crate) entry: CatalogueEntry,
    pub(crate) assets: Vec<Asset>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) limits: MediaLimits,
    pub(crate) input_limits: crate::policy::LimitsPolicy,
    pub(crate) instructions: Option<String>,
    pub(crate) cancel: CancelToken,
    pub(crate) heartbeat: Arc<dyn Fn() + Send + Sync>,
}

impl fmt::Debug for TrainingRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrainingRun")
            .field("job", &self.job)
            .field("generator", &self.generator.name())
            .field("assets", &self.assets.len())
            .finish_non_exhaustive()
    }
}

impl TrainingRun {
    /// The job being run.
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let run = hub.begin_training(&job).unwrap().value;
    /// assert_eq!(run.job(), &job);
    /// ```
    pub fn job(&self) -> &JobId {
        &self.job
    }

    /// Which run of the job this is (1 for the first; a job whose worker was lost
    /// runs again with the next number).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let run = hub.begin_training(&job).unwrap().value;
    /// assert_eq!(run.attempt(), 1); // the first run
    /// assert_eq!(hub.job("ana", &job).unwrap().attempt, 1);
    /// ```
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The token that cancels this run (the same one [`Hub::cancel_handle`](crate::Hub::cancel_handle) gives).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let run = hub.begin_training(&job).unwrap().value;
    /// run.cancel_token().cancel();
    /// let result = run.execute(&mut |_| {});
    /// assert_eq!(result.result, Err(TrainError::Cancelled));
    /// assert_eq!(hub.finish_training(result).unwrap().value, JobStatus::Cancelled);
    /// assert_eq!(hub.quota("ana", &model).unwrap().used, 0); // quota back (T4)
    /// ```
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// Runs the generator's training, forwarding its progress (`0.0..=1.0`) to
    /// `progress` as well as recording it for the job's progress events, and stores
    /// the trained style in the blob store.
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let run = hub.begin_training(&job).unwrap().value;
    /// let mut seen = Vec::new();
    /// let result = run.execute(&mut |p| seen.push(p));
    /// assert_eq!(seen.last(), Some(&1.0));
    /// assert_eq!(hub.finish_training(result).unwrap().value, JobStatus::Succeeded);
    /// ```
    pub fn execute(self, progress: &mut dyn FnMut(f32)) -> TrainingResult {
        let mut reported = Vec::new();
        let mut last = 0u8;
        let heartbeat = self.heartbeat.clone();
        let mut sink = |p: f32| {
            progress(p);
            heartbeat();
            let pct = (p * 100.0) as u8;
            if pct >= last.saturating_add(PROGRESS_STEP_PCT) && pct < 100 {
                last = pct - pct % PROGRESS_STEP_PCT;
                reported.push(last);
            }
        };
        let result = self.train(&mut sink);
        TrainingResult {
            job: self.job,
            attempt: self.attempt,
            result,
            progress_pct: reported,
        }
    }

    fn train(&self, sink: &mut dyn FnMut(f32)) -> Result<TrainedOutput, TrainError> {
        let files: Vec<Option<Blob>> = (self
            .assets
            .iter()
            .map(|a| a.content.as_ref().map(|r| self.blobs.fetch(r)).transpose()))
        .collect::<Result<_, Error>>()
        .map_err(|e| TrainError::Failed(e.to_string()))?;
        let assets = self
            .assets
            .iter()
            .zip(&files)
            .map(|(asset, file)| TrainingAsset {
                asset,
                content: file.as_ref().map(Blob::as_bytes),
            })
            .collect();
        let input = TrainingInput {
            entry: &self.entry,
            assets,
            instructions: self.instructions.as_deref(),
            limits: &self.limits,
        };
        if self.cancel.is_cancelled() {
            return Err(TrainError::Cancelled);
        }
        let style = self
            .generator
            .train(&input, &mut JobControl::new(sink, &self.cancel))?;
        // A style nested too deep would store but never read back.
        self.input_limits
            .check_json_depth("style", &style.data)
            .map_err(|e| TrainError::Failed(e.to_string()))?;
        let json = serde_json::to_vec(&style).map_err(|e| {
            TrainError::Failed(format!("the trained style does not serialize: {e}"))
        })?;
        let style_ref = self
            .blobs
            .store(&json, STYLE_MEDIA_TYPE)
            .map_err(|e| TrainError::Failed(e.to_string()))?;
        Ok(TrainedOutput {
            generator: style.generator,
            style: style_ref,
        })
    }
}

/// The media type of a trained style's JSON in the blob store.
pub const STYLE_MEDIA_TYPE: &str = "application/vnd.fivergo.style+json";

/// Progress events are emitted every this many percent.
const PROGRESS_STEP_PCT: u8 = 10;

/// What a [`TrainingRun`] produced, to hand back to [`Hub::finish_training`](crate::Hub::finish_training).
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
/// let job = hub.start_training("ana", &model).unwrap().value;
/// let result: TrainingResult = hub.begin_training(&job).unwrap().value.execute(&mut |_| {});
/// assert_eq!((&result.job, result.attempt), (&job, 1));
/// assert!(result.result.is_ok());
/// hub.finish_training(result).unwrap();
/// assert!(hub.model("ana", &model).unwrap().live.is_some());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingResult {
    /// The job that ran.
    pub job: JobId,
    /// The run it was (see [`TrainingRun::attempt`]).
    pub attempt: u32,
    /// The trained style's file, or why there is none.
    pub result: Result<TrainedOutput, TrainError>,
    /// The progress steps reached, in percent, for the job's progress events.
    pub progress_pct: Vec<u8>,
}
