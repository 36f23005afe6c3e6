//! The scheduler's rows (D28): per installation, when its next polling cycle (`poll`) or its
//! historical sync (`historical`) is due. A due row becomes an event of the queue (an empty
//! request whose `source` is the kind), so that cycles share the workers' leases, order,
//! retries, dead letters and run log with webhooks; the row is re-armed in the transaction
//! that commits the cycle's outcome and the workflow's states (its polling state).

use sqlx::Row;

use super::{Store, Tx, now_ms};
use crate::Error;

/// A schedule made at install.
#[derive(Clone, Debug)]
pub(crate) struct NewSchedule {
    /// `poll` or `historical`.
    pub kind: &'static str,
    /// When it is first due (the scheduler's clock).
    pub next_at: i64,
}

/// What a cycle's commit sets its schedule to.
#[derive(Clone, Debug)]
pub(crate) struct NextRun {
    /// `poll` or `historical`.
    pub kind: String,
    /// When it is due next; `None`: nothing left to run (a completed historical sync, a
    /// `single` import done).
    pub next_at: Option<i64>,
}

/// A schedule as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleRow {
    /// `poll` (the polling intake's cycles) or `historical` (the historical sync, once).
    pub kind: String,
    /// The import option chosen (`single`, `recurring`); `None`: the first offered.
    pub import: Option<String>,
    /// When it is due, in ms since the epoch by the scheduler's clock; `None` once finished.
    pub next_at: Option<i64>,
    /// The event queued for it that has not finished yet.
    pub queued_event: Option<i64>,
}

/// Inserts a schedule of installation `id` (in its install's transaction).
pub(super) async fn insert(tx: &mut Tx<'_>, id: &str, s: &NewSchedule) -> Result<(), Error> {
    sqlx::query("INSERT INTO schedules (installation_id, kind, next_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(s.kind)
        .bind(s.next_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets when a schedule is due next, and that nothing is queued for it (in the transaction
/// committing its cycle).
pub(super) async fn rearm(tx: &mut Tx<'_>, id: &str, next: &NextRun) -> Result<(), Error> {
    sqlx::query(
        "UPDATE schedules SET next_at = $1, queued_event = NULL \
         WHERE installation_id = $2 AND kind = $3",
    )
    .bind(next.next_at)
    .bind(id)
    .bind(&next.kind)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Queues an event for each schedule due at `now` (the scheduler's clock) with none
    /// queued, each in a transaction of its own; gives how many were queued. A schedule missed
    /// for a long time (the host was down) is queued once: it is not due again until its
    /// cycle's commit re-arms it. Several hosts on one database queue a schedule once: the
    /// update that marks it queued is the guard.
    pub(crate) async fn queue_due(&self, now: i64) -> Result<usize, Error> {
        let due = sqlx::query(
            "SELECT installation_id, kind FROM schedules \
             WHERE next_at IS NOT NULL AND next_at <= $1 AND queued_event IS NULL \
             ORDER BY next_at LIMIT 100",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut queued = 0;
        for row in due {
            let (id, kind): (String, String) = (row.get(0), row.get(1));
            let received = now_ms();
            let mut tx = self.pool.begin().await?;
            let event: i64 = sqlx::query(
                "INSERT INTO events (installation_id, source, content_type, query, headers, \
                 body, dedup_key, status, attempts, available_at, received_at) \
                 VALUES ($1, $2, NULL, '', '{}', $3, '', 'pending', 0, $4, $4) RETURNING id",
            )
            .bind(&id)
            .bind(&kind)
            .bind(Vec::<u8>::new())
            .bind(received)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
            sqlx::query(
                "INSERT INTO runs (event_id, installation_id, status, attempts, received_at) \
                 VALUES ($1, $2, 'received', 0, $3)",
            )
            .bind(event)
            .bind(&id)
            .bind(received)
            .execute(&mut *tx)
            .await?;
            let marked = sqlx::query(
                "UPDATE schedules SET queued_event = $1 WHERE installation_id = $2 \
                 AND kind = $3 AND queued_event IS NULL AND next_at <= $4",
            )
            .bind(event)
            .bind(&id)
            .bind(&kind)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if marked == 1 {
                tx.commit().await?;
                queued += 1;
            } else {
                tx.rollback().await?;
            }
        }
        Ok(queued)
    }

    /// The schedules of an installation, by kind.
    pub async fn schedules(&self, installation_id: &str) -> Result<Vec<ScheduleRow>, Error> {
        let rows = sqlx::query(
            "SELECT kind, import, next_at, queued_event FROM schedules \
             WHERE installation_id = $1 ORDER BY kind",
        )
        .bind(installation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ScheduleRow {
                kind: r.get(0),
                import: r.get(1),
                next_at: r.get(2),
                queued_event: r.get(3),
            })
            .collect())
    }

    /// Records the import option chosen for an installation's polling; a finished schedule
    /// is due again at `rearm_at` when one is given. `Ok(false)` if it has no polling
    /// schedule.
    pub(crate) async fn set_import(
        &self,
        installation_id: &str,
        import: &str,
        rearm_at: Option<i64>,
    ) -> Result<bool, Error> {
        let set = sqlx::query(
            "UPDATE schedules SET import = $1, next_at = COALESCE(next_at, $2) \
             WHERE installation_id = $3 AND kind = 'poll'",
        )
        .bind(import)
        .bind(rearm_at)
        .bind(installation_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(set == 1)
    }
}
