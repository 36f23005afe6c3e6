//! When a polling workflow's cycles run ([`Schedule`], D25), and what its polling has done so
//! far ([`PollHistory`], kept in the workflow's state).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use crate::ir::{self, ImportKind, IntakeKind};

/// Seconds between two cycles when nothing says otherwise: App Studio's fixed frequency for
/// standard workflows and its recommendation for custom-object ones (§5.2, §6.6).
pub const DEFAULT_FREQUENCY: u32 = 1800;

/// Where a [`Schedule`]'s values come from (§5.2, §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleSource {
    /// The polling intake's `frequency` and `import_option` (1800 s and `recurring` when
    /// absent): a custom-object workflow (the app has `objects`), or a workflow without a
    /// `schedule` step.
    Intake,
    /// The workflow's `setup.schedule` step; the intake's `frequency` and `import_option` are
    /// not honoured (they are only for custom-object workflows).
    Step,
}

/// One import option offered to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportChoice {
    /// Its label in the `schedule` step; `None` for an intake's `import_option`.
    pub label: Option<String>,
    /// `single` or `recurring`.
    pub kind: ImportKind,
}

/// When a polling workflow's cycles run: for whoever runs them (a scheduler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Where the values come from.
    pub source: ScheduleSource,
    /// `setup.schedule.label`, when the workflow has the step.
    pub label: Option<String>,
    /// `setup.schedule.description`, when the workflow has the step.
    pub description: Option<String>,
    /// Time between the starts of two cycles.
    pub every: Duration,
    /// The import options offered, in order (one for an intake's `import_option`).
    pub options: Vec<ImportChoice>,
    /// The option that applies: the user's choice ([`Schedule::choose`]; the format does not
    /// record it), else the first offered.
    pub import: ImportKind,
    /// When the last cycle that completed without error ended.
    pub last_completed: Option<SystemTime>,
}

impl Schedule {
    /// This schedule with the import option the user chose in the `schedule` step; an
    /// option that is not offered is an `InvalidInput` error.
    pub fn choose(mut self, kind: ImportKind) -> Result<Schedule> {
        if !self.options.iter().any(|o| o.kind == kind) {
            return Err(Error::invalid(format!(
                "the import option `{}` is not offered (the schedule offers {})",
                kind_name(kind),
                self.options
                    .iter()
                    .map(|o| kind_name(o.kind))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        self.import = kind;
        Ok(self)
    }

    /// Whether nothing is left to run: a `single` import whose one cycle completed.
    pub fn finished(&self) -> bool {
        self.import == ImportKind::Single && self.last_completed.is_some()
    }

    /// When the next cycle is due: `None` once [`Schedule::finished`]; now when no cycle
    /// completed yet; else [`Schedule::every`] after the last completed one (a failed cycle
    /// does not move it, so a time in the past means now).
    pub fn next_run(&self) -> Option<SystemTime> {
        if self.finished() {
            return None;
        }
        match self.last_completed {
            None => Some(SystemTime::now()),
            Some(at) => Some(at.checked_add(self.every).unwrap_or(at)),
        }
    }
}

fn kind_name(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Single => "single",
        ImportKind::Recurring => "recurring",
    }
}

/// What the polling of a workflow instance has done, kept in its state
/// ([`super::dynamic::DynWorkflowState::polled`]): the historical sync, so that it runs once,
/// and the last cycle that completed, so that a `single` import runs once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollHistory {
    /// The historical sync; `None` before its first attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub historical_sync: Option<SyncRun>,
    /// The last cycle of the polling intake that completed without error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_cycle: Option<SyncRun>,
}

impl PollHistory {
    /// Nothing recorded yet.
    pub fn is_empty(&self) -> bool {
        self.historical_sync.is_none() && self.last_cycle.is_none()
    }
}

/// A historical sync or a cycle: when it completed, and how much it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    /// When it completed without error (whole seconds; stored as seconds since the Unix
    /// epoch). `None` for a historical sync a failure interrupted: the next
    /// `historical_sync` goes on from its polling state.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "unix_secs")]
    pub completed_at: Option<SystemTime>,
    /// `request` runs (over every attempt of a historical sync).
    pub requests: usize,
    /// Results sent through `data_pipeline` (over every attempt of a historical sync).
    pub results: usize,
}

/// Now, in whole seconds (what a stored [`SyncRun`] keeps).
pub(crate) fn now_secs() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// `Option<SystemTime>` as whole seconds since the Unix epoch.
mod unix_secs {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        t: &Option<SystemTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        t.map(|t| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()))
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        match Option::<u64>::deserialize(d)? {
            None => Ok(None),
            Some(secs) => UNIX_EPOCH
                .checked_add(Duration::from_secs(secs))
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("`completed_at` is out of range")),
        }
    }
}

impl Schedule {
    /// When the cycles of `wf` (a workflow of `app`) run, its polling having done `history`
    /// (D25): `None` unless its `data_intake` is a polling intake.
    ///
    /// A custom-object workflow (the app has `objects`), or one without a `schedule` step,
    /// follows its intake's `frequency` and `import_option` (1800 s, `recurring` when absent);
    /// any other follows its `setup.schedule` step (whose frequency the build holds at 1800).
    pub(crate) fn of(
        app: &'static ir::App,
        wf: &'static ir::Workflow,
        history: &PollHistory,
    ) -> Option<Schedule> {
        let intake = wf.data_intake.and_then(|i| app.intakes.get(i))?;
        let IntakeKind::Polling(polling) = &intake.kind else {
            return None;
        };
        let step = wf.setup.schedule.as_ref();
        let last_completed = history.last_cycle.as_ref().and_then(|r| r.completed_at);
        let label = step.map(|s| s.label.to_string());
        let description = step.map(|s| s.description.to_string());
        let schedule = match step.filter(|_| app.objects.is_empty()) {
            Some(step) => Schedule {
                source: ScheduleSource::Step,
                label,
                description,
                every: Duration::from_secs(step.frequency.into()),
                options: step
                    .import_options
                    .iter()
                    .map(|o| ImportChoice {
                        label: Some(o.label.to_string()),
                        kind: o.kind,
                    })
                    .collect(),
                import: step
                    .import_options
                    .first()
                    .map_or(ImportKind::Recurring, |o| o.kind),
                last_completed,
            },
            None => {
                let kind = polling.import_option.unwrap_or(ImportKind::Recurring);
                Schedule {
                    source: ScheduleSource::Intake,
                    label,
                    description,
                    every: Duration::from_secs(
                        polling.frequency.unwrap_or(DEFAULT_FREQUENCY).into(),
                    ),
                    options: vec![ImportChoice { label: None, kind }],
                    import: kind,
                    last_completed,
                }
            }
        };
        Some(schedule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(import: ImportKind, last_completed: Option<SystemTime>) -> Schedule {
        Schedule {
            source: ScheduleSource::Intake,
            label: None,
            description: None,
            every: Duration::from_secs(600),
            options: vec![ImportChoice {
                label: None,
                kind: import,
            }],
            import,
            last_completed,
        }
    }

    #[test]
    fn next_runs() {
        let at = UNIX_EPOCH + Duration::from_secs(1_000);
        let recurring = schedule(ImportKind::Recurring, Some(at));
        assert_eq!(recurring.next_run(), Some(at + Duration::from_secs(600)));
        assert!(!recurring.finished());
        assert!(schedule(ImportKind::Single, None).next_run().is_some());
        assert_eq!(schedule(ImportKind::Single, Some(at)).next_run(), None);
    }

    #[test]
    fn a_stored_history_reads_back_and_refuses_an_impossible_time() {
        let history = PollHistory {
            historical_sync: Some(SyncRun {
                completed_at: Some(UNIX_EPOCH + Duration::from_secs(1_764_547_200)),
                requests: 2,
                results: 101,
            }),
            last_cycle: None,
        };
        let json = serde_json::to_value(&history).unwrap();
        assert_eq!(
            json,
            crate::json!({"historical_sync":
                {"completed_at": 1_764_547_200u64, "requests": 2, "results": 101}})
        );
        assert_eq!(
            serde_json::from_value::<PollHistory>(json).unwrap(),
            history
        );
        let far = crate::json!({"historical_sync":
            {"completed_at": u64::MAX, "requests": 0, "results": 0}});
        let err = serde_json::from_value::<PollHistory>(far.into()).unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
    }
}
