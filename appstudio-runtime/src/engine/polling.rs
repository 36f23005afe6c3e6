//! Polling intakes: `initial_setup`, then per cycle `pre_poll`, the `request` loop (each of
//! its `results` through `data_pipeline`) and `post_poll`; `polling_state` carried between
//! them. Also the one-time historical sync of a webhook workflow.

use serde_json::Value;

use super::error::{Error, Result};
use super::exec;
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
}

/// What one polling cycle did.
#[derive(Debug)]
pub struct PollCycle {
    /// `request` runs.
    pub requests: usize,
    /// Each result's pipeline run, in order; one failing does not stop the others.
    pub processed: Vec<Result<Processed>>,
    /// Why the loop stopped.
    pub stop: PollStop,
}

impl PollCycle {
    /// The failures among the results.
    pub fn errors(&self) -> impl Iterator<Item = &Error> {
        self.processed.iter().filter_map(|r| r.as_ref().err())
    }
}

impl DynWorkflow {
    /// The polling intake: the workflow's `data_intake`, or its `historical_data_intake`.
    fn polling(&self, historical: bool) -> Result<&'static ir::Polling> {
        let app = self.conn.engine.inner.app;
        let index = if historical {
            self.wf.historical_data_intake
        } else {
            self.wf.data_intake
        };
        match index.and_then(|i| app.intakes.get(i)).map(|i| &i.kind) {
            Some(IntakeKind::Polling(p)) => Ok(p),
            _ => Err(Error::config(format!(
                "workflow `{}` has no {} polling intake",
                self.wf.name,
                if historical { "historical" } else { "" }
            ))),
        }
    }

    /// Runs a command with the current polling state; returns its output and keeps what it
    /// saves.
    async fn poll_step(&mut self, cmd: &'static Command, step: &str) -> Result<Value> {
        let session = self.conn.session();
        let mut ctx = self.ctx();
        let out = exec::run(&session, cmd, Value::Null, &mut ctx, &[])
            .await
            .map_err(|e| self.locate(e, step))?;
        self.keep(ctx.data);
        Ok(out)
    }

    /// Keeps the `polling_state` of a lifecycle command's output (it replaces the old one).
    fn take_state(&mut self, out: &Value) {
        if let Some(state) = out.get("polling_state").filter(|s| !s.is_null()) {
            self.polling_state = Some(state.clone());
        }
    }

    /// Runs the polling intake's `initial_setup` (once, when the workflow is configured or
    /// reset); only its `polling_state` is kept.
    pub async fn initial_setup(&mut self) -> Result<()> {
        let intake = self.polling(false)?;
        if let Some(cmd) = &intake.initial_setup {
            let out = self.poll_step(cmd, "data_intake.initial_setup").await?;
            self.take_state(&out);
        }
        Ok(())
    }

    /// One polling cycle of the workflow's polling intake.
    pub async fn poll(&mut self) -> Result<PollCycle> {
        let intake = self.polling(false)?;
        self.cycle(intake).await
    }

    /// The historical sync of a webhook workflow: its `historical_data_intake`'s
    /// `initial_setup` and one cycle.
    pub async fn historical_sync(&mut self) -> Result<PollCycle> {
        let intake = self.polling(true)?;
        if let Some(cmd) = &intake.initial_setup {
            let out = self
                .poll_step(cmd, "historical_data_intake.initial_setup")
                .await?;
            self.take_state(&out);
        }
        self.cycle(intake).await
    }

    async fn cycle(&mut self, intake: &'static ir::Polling) -> Result<PollCycle> {
        if let Some(cmd) = &intake.pre_poll {
            let out = self.poll_step(cmd, "data_intake.pre_poll").await?;
            self.take_state(&out);
        }
        let mut cycle = PollCycle {
            requests: 0,
            processed: Vec::new(),
            stop: PollStop::Done,
        };
        let mut previous: Option<Vec<Value>> = None;
        let mut results_seen = 0;
        cycle.stop = loop {
            if cycle.requests == MAX_REQUESTS {
                break PollStop::RequestCap;
            }
            if results_seen >= MAX_RESULTS {
                break PollStop::ResultCap;
            }
            let out = self
                .poll_step(&intake.request, "data_intake.request")
                .await?;
            cycle.requests += 1;
            let (results, iterate) = self.request_output(&out)?;
            self.take_state(&out);
            if results.is_empty() {
                break PollStop::NoResults;
            }
            if previous.as_ref() == Some(&results) {
                break PollStop::SameResults;
            }
            results_seen += results.len();
            for item in &results {
                cycle.processed.push(self.process(item.clone()).await);
            }
            previous = Some(results);
            if !iterate {
                break PollStop::Done;
            }
        };
        if let Some(cmd) = &intake.post_poll {
            let out = self.poll_step(cmd, "data_intake.post_poll").await?;
            self.take_state(&out);
        }
        Ok(cycle)
    }

    /// `{results, iterate, polling_state}` of a `request` run.
    fn request_output(&self, out: &Value) -> Result<(Vec<Value>, bool)> {
        let bad = |what: &str| {
            self.locate(
                Error::invalid(format!(
                    "`request` must give {{results: [...], iterate: bool, polling_state: {{...}}}}; {what}"
                )),
                "data_intake.request",
            )
        };
        let Value::Object(m) = out else {
            return Err(bad(&format!("got {}", super::http::excerpt(out))));
        };
        let results = match m.get("results") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
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
