//! Polling intakes: `initial_setup`, then per cycle `pre_poll`, the `request` loop (each of
//! its `results` through `data_pipeline`) and `post_poll`; `polling_state` carried between
//! them. Also the one-time historical sync of a webhook workflow. What runs after a failure,
//! and what the next cycle retries: D25.

use crate::json::Value;
use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::exec;
use super::schedule::{PollHistory, Schedule, SyncRun, now_secs};
use super::workflow::{DynWorkflow, Processed};
use crate::ir::{self, Command, IntakeKind};

/// Most `request` runs in one cycle.
pub const MAX_REQUESTS: usize = 100;
/// A cycle makes no further request once this many results have come.
pub const MAX_RESULTS: usize = 1000;

/// Why a cycle's `request` loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollStop {
    /// `iterate` was false.
    Done,
    /// `results` was null or empty.
    NoResults,
    /// `results` repeated the previous request's.
    SameResults,
    /// [`MAX_REQUESTS`] requests were made.
    RequestCap,
    /// [`MAX_RESULTS`] results came (every result of the last page is still processed).
    ResultCap,
    /// A step before or in the loop failed ([`PollCycle::error`]).
    Failed,
}

/// One `!print_c` line, with the step that printed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// The step: `data_intake.request`, `historical_data_intake.post_poll`, `data_pipeline`, …
    pub step: String,
    /// The line.
    pub text: String,
}

/// What one polling cycle did (D25). A failing step does not lose the cycle: what ran before
/// it stays delivered, its error is here, and `post_poll` still runs.
#[derive(Debug)]
pub struct PollCycle {
    /// `request` runs, a failed one included.
    pub requests: usize,
    /// Each result's pipeline run, in order; one failing does not stop the others.
    pub processed: Vec<Result<Processed>>,
    /// Why the loop stopped.
    pub stop: PollStop,
    /// The failure that stopped the cycle before its loop ended: of `initial_setup` (a
    /// historical sync), `pre_poll` or a `request`, located in app.json.
    pub error: Option<Error>,
    /// `post_poll`'s output, or its failure; `None` when the intake has none.
    pub post_poll: Option<Result<Value>>,
    /// Every `!print_c` line of the cycle's steps and of its results' pipeline runs, in order.
    pub log: Vec<LogLine>,
}

impl PollCycle {
    fn new() -> Self {
        PollCycle {
            requests: 0,
            processed: Vec::new(),
            stop: PollStop::Done,
            error: None,
            post_poll: None,
            log: Vec::new(),
        }
    }

    /// The failures among the results.
    pub fn errors(&self) -> impl Iterator<Item = &Error> {
        self.processed.iter().filter_map(|r| r.as_ref().err())
    }

    /// The failure of a step: [`PollCycle::error`], else `post_poll`'s.
    pub fn failure(&self) -> Option<&Error> {
        self.error
            .as_ref()
            .or_else(|| self.post_poll.as_ref().and_then(|r| r.as_ref().err()))
    }

    /// Every step ran without error (results may still have failed: [`PollCycle::errors`]).
    pub fn completed(&self) -> bool {
        self.failure().is_none()
    }

    /// `post_poll`'s output, when it ran without error.
    pub fn post_poll_output(&self) -> Option<&Value> {
        self.post_poll.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// What a [`SyncRun`] counts of this cycle.
    fn counts(&self) -> (usize, usize) {
        (self.requests, self.processed.len())
    }
}

/// The names of a polling intake's steps, as errors and log lines name them.
struct Steps {
    initial_setup: &'static str,
    pre_poll: &'static str,
    request: &'static str,
    post_poll: &'static str,
}

const POLLING: Steps = Steps {
    initial_setup: "data_intake.initial_setup",
    pre_poll: "data_intake.pre_poll",
    request: "data_intake.request",
    post_poll: "data_intake.post_poll",
};

const HISTORICAL: Steps = Steps {
    initial_setup: "historical_data_intake.initial_setup",
    pre_poll: "historical_data_intake.pre_poll",
    request: "historical_data_intake.request",
    post_poll: "historical_data_intake.post_poll",
};

impl DynWorkflow {
    /// The polling intake: the workflow's `data_intake`, or its `historical_data_intake`.
    fn polling(&self, historical: bool) -> Result<&'static ir::Polling> {
        let app = self.conn.engine.inner.app;
        let (index, what) = if historical {
            (self.wf.historical_data_intake, "historical_data_intake")
        } else {
            (self.wf.data_intake, "polling data_intake")
        };
        match index.and_then(|i| app.intakes.get(i)).map(|i| &i.kind) {
            Some(IntakeKind::Polling(p)) => Ok(p),
            _ => Err(Error::config(format!(
                "workflow `{}` has no {what}",
                self.wf.name
            ))),
        }
    }

    /// Runs a command with the current polling state; returns its output and keeps what it
    /// saves. Its `!print_c` lines go to `log`, those before a failure too.
    async fn poll_step(
        &mut self,
        cmd: &'static Command,
        step: &'static str,
        log: &mut Vec<LogLine>,
    ) -> Result<Value> {
        let session = self.conn.session();
        let mut ctx = self.ctx();
        let out = exec::run(&session, cmd, Value::Null, &mut ctx, &[]).await;
        log.extend(ctx.log.drain(..).map(|text| LogLine {
            step: step.to_owned(),
            text,
        }));
        let out = out.map_err(|e| self.locate(e, step))?;
        self.keep(ctx.data);
        Ok(out)
    }

    /// Keeps the `polling_state` of a lifecycle command's output (it replaces the old one).
    fn take_state(&mut self, out: &Value) {
        if let Some(state) = out.get("polling_state").filter(|s| !s.is_null()) {
            self.polling_state = Some(state.clone());
        }
    }

    /// Runs an intake's `initial_setup`, if it has one; only its `polling_state` is kept.
    async fn setup_step(
        &mut self,
        intake: &'static ir::Polling,
        steps: &Steps,
        log: &mut Vec<LogLine>,
    ) -> Result<()> {
        if let Some(cmd) = &intake.initial_setup {
            let out = self.poll_step(cmd, steps.initial_setup, log).await?;
            self.take_state(&out);
        }
        Ok(())
    }

    /// Runs the polling intake's `initial_setup` (once, when the workflow is configured or
    /// reset); only its `polling_state` is kept. The workflow starts over: no cycle counts as
    /// completed (a `single` import runs again). Returns its `!print_c` lines.
    pub async fn initial_setup(&mut self) -> Result<Vec<LogLine>> {
        let intake = self.polling(false)?;
        let mut log = Vec::new();
        self.setup_step(intake, &POLLING, &mut log).await?;
        self.polled.last_cycle = None;
        Ok(log)
    }

    /// One polling cycle of the workflow's polling intake (D25). A failing step is in the
    /// cycle ([`PollCycle::error`]); the error is only for a workflow without a polling
    /// intake. A cycle that completes is recorded ([`super::schedule::PollHistory`]).
    pub async fn poll(&mut self) -> Result<PollCycle> {
        let intake = self.polling(false)?;
        let mut cycle = PollCycle::new();
        self.cycle(intake, &POLLING, &mut cycle).await;
        if cycle.completed() {
            let (requests, results) = cycle.counts();
            self.polled.last_cycle = Some(SyncRun {
                completed_at: Some(now_secs()),
                requests,
                results,
            });
        }
        Ok(cycle)
    }

    /// The historical sync of a webhook workflow (D25): its `historical_data_intake`'s
    /// `initial_setup` and one cycle, once. `Ok(None)` when it already completed (nothing is
    /// sent). After a failure the next call goes on from the polling state of the last
    /// request that succeeded, without `initial_setup`.
    pub async fn historical_sync(&mut self) -> Result<Option<PollCycle>> {
        let intake = self.polling(true)?;
        let mut cycle = PollCycle::new();
        match &self.polled.historical_sync {
            Some(run) if run.completed_at.is_some() => return Ok(None),
            Some(_) => {}
            None => {
                if let Err(e) = self.setup_step(intake, &HISTORICAL, &mut cycle.log).await {
                    cycle.stop = PollStop::Failed;
                    cycle.error = Some(e);
                    return Ok(Some(cycle));
                }
                self.polled.historical_sync = Some(SyncRun {
                    completed_at: None,
                    requests: 0,
                    results: 0,
                });
            }
        }
        self.cycle(intake, &HISTORICAL, &mut cycle).await;
        let (requests, results) = cycle.counts();
        if let Some(run) = &mut self.polled.historical_sync {
            // saturating: the counts come back from stored state
            run.requests = run.requests.saturating_add(requests);
            run.results = run.results.saturating_add(results);
            if cycle.completed() {
                run.completed_at = Some(now_secs());
            }
        }
        Ok(Some(cycle))
    }

    /// `pre_poll`, the `request` loop, then `post_poll`, which runs however the loop ended.
    async fn cycle(&mut self, intake: &'static ir::Polling, steps: &Steps, cycle: &mut PollCycle) {
        if let Err(e) = self.requests(intake, steps, cycle).await {
            cycle.stop = PollStop::Failed;
            cycle.error = Some(e);
        }
        if let Some(cmd) = &intake.post_poll {
            let out = self.poll_step(cmd, steps.post_poll, &mut cycle.log).await;
            if let Ok(out) = &out {
                self.take_state(out);
            }
            cycle.post_poll = Some(out);
        }
    }

    /// `pre_poll` and the `request` loop. The polling state changes only after a `request`
    /// (or `pre_poll`) succeeded with a well-formed output, so a failure leaves the state of
    /// the last one that did.
    async fn requests(
        &mut self,
        intake: &'static ir::Polling,
        steps: &Steps,
        cycle: &mut PollCycle,
    ) -> Result<()> {
        if let Some(cmd) = &intake.pre_poll {
            let out = self.poll_step(cmd, steps.pre_poll, &mut cycle.log).await?;
            self.take_state(&out);
        }
        let mut previous: Option<Vec<Value>> = None;
        let mut results_seen = 0;
        cycle.stop = loop {
            if cycle.requests == MAX_REQUESTS {
                break PollStop::RequestCap;
            }
            if results_seen >= MAX_RESULTS {
                break PollStop::ResultCap;
            }
            cycle.requests += 1;
            let out = self
                .poll_step(&intake.request, steps.request, &mut cycle.log)
                .await?;
            let (results, iterate) = self.request_output(&out, &intake.request, steps.request)?;
            self.take_state(&out);
            if results.is_empty() {
                break PollStop::NoResults;
            }
            if previous.as_ref() == Some(&results) {
                break PollStop::SameResults;
            }
            results_seen += results.len();
            for item in &results {
                let mut lines = Vec::new();
                let run = self.run_pipeline(item.clone(), true, &mut lines).await;
                cycle.log.extend(lines.into_iter().map(|text| LogLine {
                    step: "data_pipeline".to_owned(),
                    text,
                }));
                cycle.processed.push(run);
            }
            previous = Some(results);
            if !iterate {
                break PollStop::Done;
            }
        };
        Ok(())
    }

    /// `{results, iterate, polling_state}` of a `request` run.
    fn request_output(&self, out: &Value, cmd: &Command, step: &str) -> Result<(Vec<Value>, bool)> {
        let bad = |what: &str| {
            self.locate(
                Error::invalid(format!(
                    "`request` must give {{results: [...], iterate: bool, polling_state: {{...}}}}; {what}"
                ))
                .at(cmd.loc),
                step,
            )
        };
        let Value::Object(m) = out else {
            return Err(bad(&format!("got {}", super::http::excerpt(out))));
        };
        let results = match m.get("results") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.to_vec(),
            Some(other) => return Err(bad(&format!("`results` is {other}"))),
        };
        let iterate = match m.get("iterate") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(bad(&format!("`iterate` is {other}"))),
        };
        Ok((results, iterate))
    }
}

impl DynWorkflow {
    /// When this workflow's cycles run (D25): `None` unless its `data_intake` is a polling
    /// intake (a historical sync runs once, by [`DynWorkflow::historical_sync`]).
    ///
    /// A custom-object workflow (the app has `objects`), or one without a `schedule` step,
    /// follows its intake's `frequency` and `import_option` (1800 s, `recurring` when absent);
    /// any other follows its `setup.schedule` step (whose frequency the build holds at 1800).
    pub fn schedule(&self) -> Option<Schedule> {
        Schedule::of(self.conn.engine.inner.app, self.wf, &self.polled)
    }

    /// What this instance's polling has done: its historical sync and last completed cycle.
    pub fn poll_history(&self) -> &PollHistory {
        &self.polled
    }
}
