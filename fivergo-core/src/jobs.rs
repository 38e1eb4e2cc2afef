//! Work that workers claim: training runs and queued generations (T4).
//!
//! A training is queued by [`Hub::start_training`](crate::Hub::start_training); a
//! generation by [`Hub::queue_generation`](crate::Hub::queue_generation) (a client's
//! draft, a revision, an accepted offer, a playground picture). Either waits in the
//! store's job index until a worker claims it:
//!
//! 1. [`Hub::claim_job`](crate::Hub::claim_job) takes the oldest job that is ready (queued, or
//!    running on a lease that ran out) and starts it on a lease in the worker's name;
//! 2. [`ClaimedJob::execute`] runs the generator anywhere, renewing the lease from its
//!    progress ([`Hub::heartbeat`](crate::Hub::heartbeat) does the same by hand) and
//!    stopping when someone cancelled the job, wherever they asked;
//! 3. [`Hub::finish_job`](crate::Hub::finish_job) records the outcome — unless the worker lost
//!    its lease meanwhile, in which case the job was queued again (`job_lease_lost`).
//!
//! A worker that dies holds its job only until the lease ends: the next claim (or
//! [`Hub::tick`](crate::Hub::tick)) queues it again, at most `jobs.max_attempts` runs in
//! all, after which it fails (a training with its quota back). A training's quota is
//! taken once, when it is queued, however many runs it takes.
//!
//! [`Worker`] is the loop a host runs N times (threads or processes):
//!
//! ```
//! use fivergo_core::{jobs::Worker, *};
//! let hub = Hub::builder().build().unwrap();
//! hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
//! hub.add_gig("ana", "tattoo").unwrap();
//! let model = hub.create_model("ana", "tattoo").unwrap().value;
//! let art = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
//! hub.select_assets("ana", &model, &[art]).unwrap();
//! hub.attest_originality("ana", &model).unwrap();
//! let job = hub.start_training("ana", &model).unwrap().value;
//!
//! let worker = Worker::new(hub.clone(), "worker-1");
//! let report = worker.work_once().unwrap().expect("a queued training");
//! assert_eq!(report.work, jobs::WorkId::Training(job.clone()));
//! assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Succeeded);
//! assert!(worker.work_once().unwrap().is_none(), "nothing left");
//! ```

use crate::error::Error;
use crate::generation::{GenerationResult, GenerationRun};
use crate::generator::CancelToken;
use crate::hub::Hub;
use crate::ids::{GenerationId, JobId, PartitionKey, SellerId};
use crate::training::{JobStatus, TrainingResult, TrainingRun};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A job in the store's job index: a training or a queued generation.
///
/// ```
/// use fivergo_core::jobs::WorkId;
/// let w = WorkId::parse("generation", "ana/gen-2").unwrap();
/// assert_eq!((w.kind(), w.id(), w.partition().unwrap().as_str()), ("generation", "ana/gen-2", "ana"));
/// assert_eq!(WorkId::parse("lunch", "ana/x-1").unwrap_err().code(), "invalid_input");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum WorkId {
    /// A training job (T4).
    Training(JobId),
    /// A queued generation.
    Generation(GenerationId),
}

impl WorkId {
    /// `training` or `generation`.
    ///
    /// ```
    /// use fivergo_core::jobs::WorkId;
    /// assert_eq!(WorkId::Training("ana/job-1".into()).kind(), "training");
    /// assert_eq!(WorkId::Generation("ana/gen-1".into()).to_string(), "generation ana/gen-1");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            WorkId::Training(_) => "training",
            WorkId::Generation(_) => "generation",
        }
    }

    /// The job's id.
    ///
    /// ```
    /// use fivergo_core::jobs::WorkId;
    /// assert_eq!(WorkId::Training("ana/job-3".into()).id(), "ana/job-3");
    /// ```
    pub fn id(&self) -> &str {
        match self {
            WorkId::Training(j) => j.as_str(),
            WorkId::Generation(g) => g.as_str(),
        }
    }

    /// The seller partition holding the job.
    ///
    /// ```
    /// use fivergo_core::{jobs::WorkId, SellerId};
    /// assert_eq!(WorkId::Training("ana/job-3".into()).partition(), Some(SellerId::from("ana")));
    /// assert_eq!(WorkId::Training("job-3".into()).partition(), None);
    /// ```
    pub fn partition(&self) -> Option<SellerId> {
        match self {
            WorkId::Training(j) => j.partition(),
            WorkId::Generation(g) => g.partition(),
        }
    }

    /// The job of `kind` (as [`WorkId::kind`] names it) with `id`.
    ///
    /// ```
    /// use fivergo_core::jobs::WorkId;
    /// let w = WorkId::Training("ana/job-1".into());
    /// assert_eq!(WorkId::parse(w.kind(), w.id()).unwrap(), w); // what a store keeps, read back
    /// assert_eq!(WorkId::parse("lunch", "ana/job-1").unwrap_err().code(), "invalid_input");
    /// ```
    pub fn parse(kind: &str, id: &str) -> Result<Self, Error> {
        match kind {
            "training" => Ok(WorkId::Training(id.into())),
            "generation" => Ok(WorkId::Generation(id.into())),
            other => Err(Error::invalid(
                "kind",
                format!("`{other}` is not a job kind (training or generation)"),
            )),
        }
    }
}

impl std::fmt::Display for WorkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind(), self.id())
    }
}

/// A job a worker claimed and started, to run without the hub.
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
/// match hub.claim_job("worker-1").unwrap().value {
///     Some(ClaimedJob::Training(run)) => assert_eq!(run.job(), &job),
///     other => panic!("{other:?}"),
/// }
/// assert!(hub.claim_job("worker-2").unwrap().value.is_none()); // held by worker-1
/// ```
#[derive(Debug)]
pub enum ClaimedJob {
    /// A training run.
    Training(Box<TrainingRun>),
    /// A generation run.
    Generation(Box<GenerationRun>),
}

impl ClaimedJob {
    /// The job.
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
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// assert_eq!(claimed.work(), WorkId::Training(job));
    /// ```
    pub fn work(&self) -> WorkId {
        match self {
            ClaimedJob::Training(run) => WorkId::Training(run.job().clone()),
            ClaimedJob::Generation(run) => {
                WorkId::Generation(run.job().cloned().unwrap_or_else(|| GenerationId::from("")))
            }
        }
    }

    /// Which run of the job this is (1 for the first).
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
    /// hub.start_training("ana", &model).unwrap();
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// assert_eq!(claimed.attempt(), 1);
    /// ```
    pub fn attempt(&self) -> u32 {
        match self {
            ClaimedJob::Training(run) => run.attempt(),
            ClaimedJob::Generation(run) => run.attempt(),
        }
    }

    /// The token that stops the run (a cancel asked from anywhere also reaches it at
    /// the next lease renewal).
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
    /// hub.start_training("ana", &model).unwrap();
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// claimed.cancel_token().cancel();
    /// let report = hub.finish_job(claimed.execute()).unwrap().value;
    /// assert_eq!(report.status, JobStatus::Cancelled);
    /// ```
    pub fn cancel_token(&self) -> CancelToken {
        match self {
            ClaimedJob::Training(run) => run.cancel_token(),
            ClaimedJob::Generation(run) => run.cancel_token(),
        }
    }

    /// Runs the generator (renewing the lease from its progress), stores what it
    /// made, and returns the result for [`Hub::finish_job`].
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
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// let finished = std::thread::spawn(move || claimed.execute()).join().unwrap(); // off the hub
    /// let report = hub.finish_job(finished).unwrap().value;
    /// assert_eq!((report.work, report.status), (WorkId::Training(job), JobStatus::Succeeded));
    /// ```
    pub fn execute(self) -> FinishedJob {
        match self {
            ClaimedJob::Training(run) => FinishedJob::Training(run.execute(&mut |_| {})),
            ClaimedJob::Generation(run) => FinishedJob::Generation(Box::new(run.execute())),
        }
    }
}

/// What a [`ClaimedJob`] produced, for [`Hub::finish_job`].
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
/// let finished = hub.claim_job("worker-1").unwrap().value.unwrap().execute();
/// assert!(matches!(&finished, FinishedJob::Generation(result) if result.succeeded()));
/// hub.finish_job(finished).unwrap();
/// assert_eq!(hub.generation("ana", &queued).unwrap().status, JobStatus::Succeeded);
/// ```
#[derive(Debug)]
pub enum FinishedJob {
    /// A training's result.
    Training(TrainingResult),
    /// A generation's result.
    Generation(Box<GenerationResult>),
}

/// How a job a worker ran ended.
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
/// let report: JobReport = Worker::new(hub.clone(), "worker-1").work_once().unwrap().unwrap();
/// assert_eq!(report, JobReport { work: WorkId::Training(job), attempt: 1, status: JobStatus::Succeeded });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReport {
    /// The job.
    pub work: WorkId,
    /// The run it was.
    pub attempt: u32,
    /// Where the job stands now: succeeded, failed or cancelled.
    pub status: JobStatus,
}

/// The loop a host runs once per worker thread or process: claim a job, run it,
/// finish it; when there is none, optionally settle what fell due
/// ([`Hub::tick`]), then wait a little. See the [module docs](self).
///
/// ```
/// use fivergo_core::*;
/// use std::time::Duration;
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
/// let stop = CancelToken::default();
/// let worker = Worker::new(hub.clone(), "worker-1").idle(Duration::from_millis(10));
/// let (w, s) = (worker.clone(), stop.clone());
/// let thread = std::thread::spawn(move || w.run(&s, &mut |e| panic!("{e}")));
/// while hub.job("ana", &job).unwrap().status.is_active() {
///     std::thread::sleep(Duration::from_millis(5));
/// }
/// stop.cancel();
/// assert_eq!(thread.join().unwrap()[0].work, WorkId::Training(job));
/// ```
#[derive(Debug, Clone)]
pub struct Worker {
    hub: Hub,
    name: String,
    idle: Duration,
    tick: bool,
}

impl Worker {
    /// A worker named `name` (shown in the job's events, for operators) on `hub`:
    /// it waits 500 ms when there is nothing to do and does not tick.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// let worker = Worker::new(hub, "worker-1");
    /// assert_eq!(worker.name(), "worker-1");
    /// assert!(worker.work_once().unwrap().is_none()); // nothing queued
    /// ```
    pub fn new(hub: Hub, name: impl Into<String>) -> Self {
        Self {
            hub,
            name: name.into(),
            idle: Duration::from_millis(500),
            tick: false,
        }
    }

    /// How long to wait when there is nothing to do.
    ///
    /// ```
    /// use fivergo_core::*;
    /// use std::time::{Duration, Instant};
    /// let worker = Worker::new(Hub::builder().build().unwrap(), "w1").idle(Duration::from_millis(30));
    /// let stop = CancelToken::default();
    /// let s = stop.clone();
    /// let thread = std::thread::spawn(move || { std::thread::sleep(Duration::from_millis(100)); s.cancel() });
    /// let started = Instant::now();
    /// assert!(worker.run(&stop, &mut |e| panic!("{e}")).is_empty()); // polled, found nothing
    /// assert!(started.elapsed() < Duration::from_secs(5));
    /// thread.join().unwrap();
    /// ```
    pub fn idle(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// Whether to settle renewals, ends and lost leases ([`Hub::tick`]) when idle.
    ///
    /// ```
    /// use fivergo_core::*;
    /// use std::time::Duration;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// clock.set("2026-03-18T09:00:00Z".parse().unwrap()).unwrap(); // the renewal falls due
    /// let worker = Worker::new(hub.clone(), "w1").idle(Duration::from_millis(10)).ticking(true);
    /// let stop = CancelToken::default();
    /// let (w, s) = (worker.clone(), stop.clone());
    /// let thread = std::thread::spawn(move || w.run(&s, &mut |e| panic!("{e}")));
    /// while hub.subscription("ana").unwrap().unwrap().paid_periods < 2 {
    ///     std::thread::sleep(Duration::from_millis(5));
    /// }
    /// stop.cancel();
    /// thread.join().unwrap();
    /// assert_eq!(gateway.charges().len(), 2); // the idle worker renewed it
    /// ```
    pub fn ticking(mut self, tick: bool) -> Self {
        self.tick = tick;
        self
    }

    /// The worker's name.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let worker = Worker::new(Hub::builder().build().unwrap(), format!("worker-{}", 3));
    /// assert_eq!(worker.name(), "worker-3");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Claims, runs and finishes one job; `None` when no job was ready. A run whose
    /// lease was lost meanwhile is reported as `job_lease_lost` (the job was queued
    /// again for another worker).
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
    /// let worker = Worker::new(hub.clone(), "worker-1");
    /// let report = worker.work_once().unwrap().expect("the queued training");
    /// assert_eq!((report.work, report.status), (WorkId::Training(job), JobStatus::Succeeded));
    /// assert!(worker.work_once().unwrap().is_none());
    /// ```
    pub fn work_once(&self) -> Result<Option<JobReport>, Error> {
        let Some(claimed) = self.hub.claim_job(&self.name).map_err(|r| r.error)?.value else {
            return Ok(None);
        };
        let finished = claimed.execute();
        self.hub
            .finish_job(finished)
            .map(|o| Some(o.value))
            .map_err(|r| r.error)
    }

    /// Works until `stop` is cancelled; returns the reports of the jobs it ran. A
    /// refused finish (a lost lease) or a store failure is passed to `on_error` and
    /// the loop goes on after the idle wait.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let worker = Worker::new(Hub::builder().build().unwrap(), "w1");
    /// let stop = CancelToken::default();
    /// stop.cancel(); // stopped before it starts: returns at once
    /// let mut errors = 0;
    /// assert!(worker.run(&stop, &mut |_| errors += 1).is_empty());
    /// assert_eq!(errors, 0);
    /// ```
    pub fn run(&self, stop: &CancelToken, on_error: &mut dyn FnMut(&Error)) -> Vec<JobReport> {
        let mut reports = Vec::new();
        while !stop.is_cancelled() {
            match self.work_once() {
                Ok(Some(report)) => {
                    reports.push(report);
                    continue;
                }
                Ok(None) => {}
                Err(e) => on_error(&e),
            }
            if self.tick {
                if let Err(r) = self.hub.tick() {
                    on_error(&r.error);
                }
            }
            pause(self.idle, stop);
        }
        reports
    }
}

/// Sleeps `idle`, waking early (within 20 ms) when `stop` is cancelled.
fn pause(idle: Duration, stop: &CancelToken) {
    let until = std::time::Instant::now() + idle;
    while !stop.is_cancelled() {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}
