//! Training jobs and quotas (SPEC T1–T5).
//!
//! Quotas are never stored as counters that could drift: the trainings used in a
//! window are the jobs recorded against it that still count (a failed or cancelled
//! job gives its quota back, T4). A window is either the lifetime before the seller
//! first subscribes (T1) or one billing month of a subscription (T2), which renews on
//! the subscription's anniversary (T3).

use crate::asset::Asset;
use crate::catalogue::CatalogueEntry;
use crate::error::Error;
use crate::asset::Blob;
use crate::generator::{CancelToken, Generator, JobControl, TrainError, TrainedStyle, TrainingAsset, TrainingInput};
use crate::media::MediaLimits;
use crate::ids::{JobId, ModelId, SellerId, SubscriptionId};
use crate::policy::Policy;
use crate::subscription::{Subscription, SubscriptionStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Where a training job stands (T4).
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
    pub assets: Vec<crate::ids::AssetId>,
    /// The instructions it trains with, as set when queued (A5).
    pub instructions: Option<String>,
    /// The model's settings revision when queued (A7).
    pub settings_rev: u32,
    /// When it was queued (the quota is taken then).
    pub queued_at: DateTime<Utc>,
    /// When it finished, if it did.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed, if it did.
    pub failure: Option<String>,
}

impl TrainingJob {
    /// Whether the job uses up quota: everything but failed or cancelled jobs when
    /// the policy gives those back (T4).
    pub fn uses_quota(&self, policy: &Policy) -> bool {
        !(policy.training.refund_failed && matches!(self.status, JobStatus::Failed | JobStatus::Cancelled))
    }
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
    pub renews_at: Option<DateTime<Utc>>,
}

impl QuotaStatus {
    /// Trainings left.
    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }

    /// `Ok` if one more training fits, else `training_quota_exhausted` (T5).
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
        None => (QuotaWindow::BeforeSubscription, policy.training.before_subscription, None),
        Some(sub) if sub.status == SubscriptionStatus::Active => {
            let period = sub.period_at(now);
            let limit = entry.trainings_per_period.unwrap_or(policy.training.per_period);
            (QuotaWindow::Period { subscription: sub.id.clone(), index: period.index }, limit, Some(period.end))
        }
        Some(sub) => {
            return Err(Error::SubscriptionRequired {
                seller: seller.clone(),
                action: "train".into(),
                state: sub.state_name().into(),
            })
        }
    };
    let used = jobs.into_iter().filter(|j| &j.model == model && j.window == window && j.uses_quota(policy)).count();
    Ok(QuotaStatus { window, used: used as u32, limit, renews_at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subscription::EndReason;

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
        let jobs = [job(1, w.clone(), JobStatus::Succeeded), job(2, w.clone(), JobStatus::Failed), job(3, w.clone(), JobStatus::Running)];
        let q = quota_status(&"model-1".into(), &"ana".into(), tattoo, None, &jobs, &p, now).unwrap();
        assert_eq!((q.used, q.limit, q.renews_at), (2, 2, None));
        let err = q.ensure_available(&"model-1".into()).unwrap_err();
        assert_eq!(err.code(), "training_quota_exhausted");
        assert_eq!(err.details()["used"], 2);
        let q = quota_status(&"model-1".into(), &"ana".into(), tattoo, None, &jobs[..2], &p, now).unwrap();
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
        let current = QuotaWindow::Period { subscription: "sub-1".into(), index: 1 };
        let previous = QuotaWindow::Period { subscription: "sub-1".into(), index: 0 };
        let jobs = [job(1, previous.clone(), JobStatus::Succeeded), job(2, previous, JobStatus::Succeeded), job(3, current.clone(), JobStatus::Succeeded)];
        let q = quota_status(&"model-1".into(), &"ana".into(), tattoo, Some(&s), &jobs, &p, now).unwrap();
        assert_eq!(q.window, current);
        assert_eq!((q.used, q.limit), (1, 2));
        assert_eq!(q.renews_at.unwrap().to_rfc3339(), "2026-04-18T00:00:00+00:00");
        let q = quota_status(&"model-1".into(), &"ana".into(), voice, Some(&s), &jobs, &p, now).unwrap();
        assert_eq!(q.limit, 3);
    }

    #[test]
    fn no_training_while_past_due_or_after_the_end() {
        // R: S2, S4
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let now = "2026-03-20T00:00:00Z".parse().unwrap();
        let ended = sub(SubscriptionStatus::Ended { at: now, reason: EndReason::Cancelled });
        let err = quota_status(&"model-1".into(), &"ana".into(), tattoo, Some(&ended), [], &p, now).unwrap_err();
        assert_eq!((err.code(), err.rule()), ("subscription_required", Some("S4")));
        let past_due = sub(SubscriptionStatus::PastDue { since: now, period: 1 });
        assert!(quota_status(&"model-1".into(), &"ana".into(), tattoo, Some(&past_due), [], &p, now).is_err());
    }
}

/// A training taken out of the hub to run anywhere (a worker thread, a task queue),
/// from [`Hub::begin_training`](crate::Hub::begin_training). It owns everything the
/// generator needs (D5: only the owner's assets, as selected when the job was
/// queued), so the hub stays free for other commands while it runs; hand the
/// [`TrainingResult`] back to [`Hub::finish_training`](crate::Hub::finish_training).
///
/// ```
/// use fivergo_core::*;
/// # let mut hub = Hub::builder().build().unwrap();
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
    pub(crate) generator: Arc<dyn Generator>,
    pub(crate) entry: CatalogueEntry,
    pub(crate) assets: Vec<(Asset, Option<Blob>)>,
    pub(crate) limits: MediaLimits,
    pub(crate) instructions: Option<String>,
    pub(crate) cancel: CancelToken,
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
    pub fn job(&self) -> &JobId {
        &self.job
    }

    /// The token that cancels this run (the same one [`Hub::cancel_handle`](crate::Hub::cancel_handle) gives).
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// Runs the generator's training, forwarding its progress (`0.0..=1.0`) to
    /// `progress` as well as recording it for the job's progress events.
    pub fn execute(self, progress: &mut dyn FnMut(f32)) -> TrainingResult {
        let mut reported = Vec::new();
        let mut last = 0u8;
        let mut sink = |p: f32| {
            progress(p);
            let pct = (p * 100.0) as u8;
            if pct >= last.saturating_add(PROGRESS_STEP_PCT) && pct < 100 {
                last = pct - pct % PROGRESS_STEP_PCT;
                reported.push(last);
            }
        };
        let assets = self.assets.iter().map(|(asset, content)| TrainingAsset { asset, content: content.as_ref().map(Blob::as_bytes) }).collect();
        let input = TrainingInput { entry: &self.entry, assets, instructions: self.instructions.as_deref(), limits: &self.limits };
        let result = if self.cancel.is_cancelled() {
            Err(TrainError::Cancelled)
        } else {
            self.generator.train(&input, &mut JobControl::new(&mut sink, &self.cancel))
        };
        TrainingResult { job: self.job, result, progress_pct: reported }
    }
}

/// Progress events are emitted every this many percent.
const PROGRESS_STEP_PCT: u8 = 10;

/// What a [`TrainingRun`] produced, to hand back to [`Hub::finish_training`](crate::Hub::finish_training).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingResult {
    /// The job that ran.
    pub job: JobId,
    /// The trained style, or why there is none.
    pub result: Result<TrainedStyle, TrainError>,
    /// The progress steps reached, in percent, for the job's progress events.
    pub progress_pct: Vec<u8>,
}
