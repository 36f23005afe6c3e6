//! The polling methods of [`Workflow<W>`](Workflow): cycles, the historical sync, the
//! schedule (D25).

use super::super::error::{Error, Result};
use super::super::polling::{LogLine, PollCycle};
use super::super::schedule::{PollHistory, Schedule};
use super::Workflow;
use crate::api::{HistoricalWorkflow, PollingWorkflow};

impl<W> Workflow<W> {
    /// Runs the polling intake's `initial_setup` (once, when the workflow is configured or
    /// reset): the workflow starts over. Returns its `!print_c` lines.
    pub async fn initial_setup(&mut self) -> Result<Vec<LogLine>>
    where
        W: PollingWorkflow,
    {
        self.dynamic.initial_setup().await
    }

    /// One polling cycle: a failing step is in the cycle ([`PollCycle::error`]), what ran
    /// before it stays delivered, and the next cycle goes on from the polling state of the
    /// last request that succeeded.
    pub async fn poll(&mut self) -> Result<PollCycle>
    where
        W: PollingWorkflow,
    {
        self.dynamic.poll().await
    }

    /// When this workflow's cycles run: every how long, the import options offered and the
    /// one that applies, when the next is due.
    pub fn schedule(&self) -> Result<Schedule>
    where
        W: PollingWorkflow,
    {
        self.dynamic.schedule().ok_or_else(|| {
            Error::config(format!(
                "workflow `{}` has no polling data_intake",
                self.dynamic.workflow().name
            ))
        })
    }

    /// The historical sync: the `historical_data_intake`'s `initial_setup` and one cycle,
    /// once; `Ok(None)` when it already completed (nothing is sent).
    pub async fn historical_sync(&mut self) -> Result<Option<PollCycle>>
    where
        W: HistoricalWorkflow,
    {
        self.dynamic.historical_sync().await
    }

    /// What this instance's polling has done: its historical sync and last completed cycle.
    pub fn poll_history(&self) -> &PollHistory {
        self.dynamic.poll_history()
    }
}
