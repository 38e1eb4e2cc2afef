//! The hub's side of [`crate::jobs`]: queueing generations, claiming jobs for
//! workers, renewing their leases and finishing them.

use super::{lock, partition_of, request_target, CommandResult, Hub, Outcome, Refused};
use crate::error::Error;
use crate::event::Event;
use crate::generation::{GenerationCommand, GenerationJob, GenerationRequest};
use crate::ids::{GenerationId, JobId};
use crate::jobs::{ClaimedJob, FinishedJob, JobReport, WorkId};
use crate::training::JobCommand;

/// How many stale entries of the job index a claim skips before giving up.
const CLAIM_TRIES: usize = 16;

impl Hub {
    /// Queues a generation for a worker ([`crate::jobs`]): the request is checked now
    /// as a direct call would be (so a refusal comes back at once), and again when a
    /// worker starts it; a revision is judged at the instant it was queued (V1).
    /// Follow it with [`Hub::generation`].
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, *};
    /// let hub = Hub::builder().build().unwrap();
    /// let request = GenerationRequest::OrderDraft { client: "bob".into(), model: "ana/model-1".into(), brief: Brief::new("koi"), seed: 1 };
    /// assert_eq!(hub.queue_generation(request).unwrap_err().code(), "not_found");
    /// ```
    pub fn queue_generation(&self, request: GenerationRequest) -> CommandResult<GenerationId> {
        super::traced("queue_generation", || {
            let partition = request
                .partition()
                .ok_or_else(|| Error::not_found("model or order", request_target(&request)))?;
            self.execute(&partition, |p, ctx| {
                request.plan(p, ctx, ctx.now)?;
                let job = GenerationJob::queue(request.clone(), ctx);
                Ok((
                    job.id.clone(),
                    vec![Event::GenerationQueued { job: Box::new(job) }],
                ))
            })
        })
    }

    /// A queued generation, for whoever asked for it or the model's seller:
    /// where it stands and, once succeeded, what it made (D1, D2).
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, *};
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: usd("20") }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// let request = GenerationRequest::OrderDraft { client: "bob".into(), model: model.clone(), brief: Brief::new("a koi"), seed: 7 };
    /// let job = hub.queue_generation(request).unwrap().value;
    /// assert_eq!(hub.generation("bob", &job).unwrap().status, JobStatus::Queued);
    /// assert_eq!(hub.generation("ana", &job).unwrap().status, JobStatus::Queued); // the model's seller
    /// assert_eq!(hub.generation("eve", &job).unwrap_err().code(), "forbidden");
    /// ```
    pub fn generation(&self, actor: &str, job: &GenerationId) -> Result<GenerationJob, Error> {
        let partition = partition_of("generation", job)?;
        self.read(&partition, |p| {
            let g = p.generation(job)?;
            if g.request.requester() != actor && partition.as_str() != actor {
                return Err(Error::Forbidden {
                    actor: actor.into(),
                    entity: "generation".into(),
                    id: job.to_string(),
                    rule: "D2",
                });
            }
            Ok(g.clone())
        })
    }

    /// Cancels a queued generation for whoever asked for it: a queued one at once,
    /// a running one at its worker's next lease renewal, wherever it runs.
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, *};
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: usd("20") }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// let request = GenerationRequest::OrderDraft { client: "bob".into(), model: model.clone(), brief: Brief::new("a koi"), seed: 7 };
    /// let job = hub.queue_generation(request).unwrap().value;
    /// assert_eq!(hub.cancel_generation("ana", &job).unwrap_err().code(), "forbidden"); // bob asked for it
    /// hub.cancel_generation("bob", &job).unwrap();
    /// assert_eq!(hub.generation("bob", &job).unwrap().status, JobStatus::Cancelled);
    /// assert!(hub.claim_job("worker-1").unwrap().value.is_none()); // nothing left to run
    /// ```
    pub fn cancel_generation(&self, actor: &str, job: &GenerationId) -> CommandResult<()> {
        super::traced("cancel_generation", || {
            let outcome = self.execute(&partition_of("generation", job)?, |p, ctx| {
                let g = p.generation(job)?;
                if g.request.requester() != actor {
                    return Err(Error::Forbidden {
                        actor: actor.into(),
                        entity: "generation".into(),
                        id: job.to_string(),
                        rule: "D2",
                    });
                }
                Ok(((), g.decide(GenerationCommand::Cancel, ctx)?))
            })?;
            if let Some(token) = lock(&self.inner.tokens).get(&WorkId::Generation(job.clone())) {
                token.cancel();
            }
            Ok(outcome)
        })
    }

    /// Claims the job that has waited longest (a queued training or generation, or
    /// one whose worker's lease ran out: it is queued again first) and starts it on
    /// a lease in `worker`'s name. `None` when no job is ready. See [`crate::jobs`].
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// assert!(hub.claim_job("worker-1").unwrap().value.is_none()); // nothing queued
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// assert_eq!(claimed.work(), WorkId::Training(job.clone()));
    /// assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Running);
    /// ```
    pub fn claim_job(&self, worker: &str) -> CommandResult<Option<ClaimedJob>> {
        super::traced("claim_job", || {
            self.inner.policy.limits.check_id("worker", worker)?;
            for _ in 0..CLAIM_TRIES {
                let Some(work) = self.inner.store.claim_job(
                    worker,
                    self.now(),
                    self.inner.policy.jobs.claim(),
                )?
                else {
                    return Ok(Outcome {
                        value: None,
                        events: Vec::new(),
                    });
                };
                let started = match &work {
                    WorkId::Training(job) => {
                        self.start_training_run(job, Some(worker)).map(|o| Outcome {
                            value: ClaimedJob::Training(Box::new(o.value)),
                            events: o.events,
                        })
                    }
                    WorkId::Generation(job) => self.start_generation(job, worker),
                };
                match started {
                    Ok(o) => {
                        return Ok(Outcome {
                            value: Some(o.value),
                            events: o.events,
                        })
                    }
                    // The index entry was stale (another worker started the job, or it
                    // ended): the append that did so moved the entry; try the next job.
                    Err(r)
                        if matches!(
                            r.error,
                            Error::JobNotActive { .. } | Error::NotFound { .. }
                        ) && r.events.is_empty() =>
                    {
                        continue
                    }
                    Err(r) => return Err(r),
                }
            }
            Ok(Outcome {
                value: None,
                events: Vec::new(),
            })
        })
    }

    /// Starts the queued generation `job` for `worker`; a request that no longer
    /// holds fails the job (`generation_failed` among the events) and is refused.
    fn start_generation(&self, job: &GenerationId, worker: &str) -> CommandResult<ClaimedJob> {
        let begun = self.execute(&partition_of("generation", job)?, |p, ctx| {
            let g = p.generation(job)?;
            let started = g.decide(
                GenerationCommand::Begin {
                    worker: Some(worker.to_owned()),
                },
                ctx,
            )?;
            match g.request.plan(p, ctx, g.queued_at) {
                Ok(plan) => {
                    self.inner.generators.get(&plan.subcategory)?;
                    Ok((Ok((plan, g.attempt + 1)), started))
                }
                Err(e) => Ok((
                    Err(e.clone()),
                    g.decide(
                        GenerationCommand::Fail {
                            reason: e.to_string(),
                        },
                        ctx,
                    )?,
                )),
            }
        })?;
        let events = begun.events;
        let started = begun
            .value
            .and_then(|(plan, attempt)| self.generation_run(plan, Some((job.clone(), attempt))));
        match started {
            Ok(run) => Ok(Outcome {
                value: ClaimedJob::Generation(Box::new(run)),
                events,
            }),
            Err(error) => Err(Refused { error, events }),
        }
    }

    /// Renews the lease of the `attempt`-th run of `work` (what a run's progress
    /// does by itself); the value says whether someone asked the job to stop.
    /// `job_lease_lost` when the run no longer holds the job.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// let (work, attempt) = (claimed.work(), claimed.attempt());
    /// assert!(!hub.heartbeat(&work, attempt).unwrap().value); // keep going
    /// hub.cancel_training("ana", &job).unwrap();
    /// assert!(hub.heartbeat(&work, attempt).unwrap().value); // asked to stop
    /// assert_eq!(hub.heartbeat(&work, attempt + 1).unwrap_err().code(), "job_lease_lost");
    /// ```
    pub fn heartbeat(&self, work: &WorkId, attempt: u32) -> CommandResult<bool> {
        super::traced("heartbeat", || {
            let partition = work
                .partition()
                .ok_or_else(|| Error::not_found(work.kind(), work.id()))?;
            self.execute(&partition, |p, ctx| match work {
                WorkId::Training(id) => {
                    let j = p.job(id)?;
                    Ok((
                        j.cancel_requested,
                        j.decide(JobCommand::RenewLease { attempt }, ctx)?,
                    ))
                }
                WorkId::Generation(id) => {
                    let g = p.generation(id)?;
                    Ok((
                        g.cancel_requested,
                        g.decide(GenerationCommand::RenewLease { attempt }, ctx)?,
                    ))
                }
            })
        })
    }

    /// Records what a claimed job produced ([`ClaimedJob::execute`]): a training's
    /// new version or failure (T4), a generation's draft or playground file, or its
    /// failure. Refused with `job_lease_lost`, recording nothing, when the run lost
    /// its lease meanwhile (the job was queued again for another worker).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let claimed = hub.claim_job("worker-1").unwrap().value.unwrap();
    /// let report = hub.finish_job(claimed.execute()).unwrap().value;
    /// assert_eq!((report.work, report.attempt, report.status), (WorkId::Training(job), 1, JobStatus::Succeeded));
    /// ```
    pub fn finish_job(&self, finished: FinishedJob) -> CommandResult<JobReport> {
        super::traced("finish_job", || match finished {
            FinishedJob::Training(result) => {
                let (job, attempt): (JobId, u32) = (result.job.clone(), result.attempt);
                let o = self.finish_training(result)?;
                Ok(Outcome {
                    value: JobReport {
                        work: WorkId::Training(job),
                        attempt,
                        status: o.value,
                    },
                    events: o.events,
                })
            }
            FinishedJob::Generation(result) => {
                let Some((job, attempt)) = result.job.clone() else {
                    return Err(
                        Error::invalid("result", "not the result of a queued generation").into(),
                    );
                };
                let o = self.finish_generation_job(*result)?;
                Ok(Outcome {
                    value: JobReport {
                        work: WorkId::Generation(job),
                        attempt,
                        status: o.value.0,
                    },
                    events: o.events,
                })
            }
        })
    }
}
