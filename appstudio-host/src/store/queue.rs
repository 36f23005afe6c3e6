//! The event queue and the run log: storing requests (acknowledged = stored), leases, the
//! outcome of a run committed with the installation's states.

use std::collections::HashSet;

use sqlx::Row;

use super::{States, Store, Tx, now_ms, write_states};
use crate::Error;

/// A webhook request to store for one installation.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// The installation it is for.
    pub installation_id: String,
    /// The request's `Content-Type`.
    pub content_type: Option<String>,
    /// The raw query string.
    pub query: String,
    /// The headers, as a JSON object of strings (names in lower case).
    pub headers: String,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// What identifies a redelivery of it (`sha256:` and the body's hash).
    pub dedup_key: String,
}

/// An event a worker holds the lease of.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// Its id (events of one installation are processed in the order of their ids).
    pub id: i64,
    /// `webhook` (a stored request), `poll` (a polling cycle) or `historical` (a historical
    /// sync); the last two have an empty request.
    pub source: String,
    /// The installation it is for.
    pub installation_id: String,
    /// The request's `Content-Type`.
    pub content_type: Option<String>,
    /// The raw query string.
    pub query: String,
    /// The headers (JSON object).
    pub headers: String,
    /// The raw body.
    pub body: Vec<u8>,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// When it was received (ms since the epoch).
    pub received_at: i64,
}

/// How a run ended, as committed with the states.
#[derive(Clone, Debug)]
pub struct Finish {
    /// `processed`, `ignored`, `responded`, `failed` (retried later) or `dead`.
    pub status: &'static str,
    /// The pipeline's output, the reason it was ignored, or the answer given (JSON).
    pub output: Option<String>,
    /// `!print_c` lines (JSON array).
    pub log: Option<String>,
    /// The error, when it failed.
    pub error: Option<String>,
    /// The error's kind.
    pub error_kind: Option<String>,
    /// The failing step (`data_pipeline.target`, …).
    pub step: Option<String>,
    /// The failing command's place in app.json (`app.json:12:5`).
    pub location: Option<String>,
    /// How long the run took.
    pub duration_ms: i64,
    /// For `failed`: when to try again (ms since the epoch).
    pub retry_at: Option<i64>,
}

/// One event's record in the run log.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The event.
    pub event_id: i64,
    /// `received`, `processed`, `ignored`, `responded`, `failed` or `dead`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// How long the last attempt took.
    pub duration_ms: Option<i64>,
    /// The output (JSON text), or why it was ignored.
    pub output: Option<String>,
    /// The last error.
    pub error: Option<String>,
    /// The failing step.
    pub step: Option<String>,
    /// The failing command's place in app.json.
    pub location: Option<String>,
}

/// An event given up on after its attempts: what failed and where.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadLetter {
    /// The event.
    pub event_id: i64,
    /// Its installation.
    pub installation_id: String,
    /// Attempts made.
    pub attempts: i64,
    /// The last error.
    pub error: Option<String>,
    /// Its kind.
    pub error_kind: Option<String>,
    /// The failing step.
    pub step: Option<String>,
    /// The failing command's place in app.json.
    pub location: Option<String>,
}

impl Store {
    /// Stores one request for each installation in `events`, in one transaction, skipping an
    /// installation that received the same body within `dedup_window_ms`; gives how many were
    /// stored. When this returns `Ok`, the events are durable: the request may be answered.
    pub async fn enqueue(&self, events: &[NewEvent], dedup_window_ms: i64) -> Result<usize, Error> {
        let stored = self
            .enqueue_requests(std::slice::from_ref(&events), dedup_window_ms)
            .await?;
        Ok(stored.first().copied().unwrap_or(0))
    }

    /// Stores the events of several requests (each as [`Store::enqueue`] would) in one
    /// transaction, one commit for all of them (the intake's group commit); gives how many
    /// events of each request were stored, in order. A body repeated within the batch is
    /// stored once, for the first request that has it. When this returns `Ok`, every event
    /// is durable; on an error none is stored.
    ///
    /// Three multi-row statements per 500 events (`ROWS`), whatever the batch's size: the
    /// dedup keys (an upsert returning the keys that are new, or were seen before the window),
    /// the events of those keys (returning their ids), their run records.
    pub async fn enqueue_requests(
        &self,
        requests: &[&[NewEvent]],
        dedup_window_ms: i64,
    ) -> Result<Vec<usize>, Error> {
        let now = now_ms();
        // each (installation, body) once: a repeat within the batch is a redelivery
        let mut seen = HashSet::new();
        let candidates: Vec<(usize, &NewEvent)> = requests
            .iter()
            .enumerate()
            .flat_map(|(r, events)| events.iter().map(move |e| (r, e)))
            .filter(|(_, e)| seen.insert((e.installation_id.as_str(), e.dedup_key.as_str())))
            .collect();
        let mut stored = vec![0; requests.len()];
        let mut tx = self.pool.begin().await?;
        for chunk in candidates.chunks(ROWS) {
            let events: Vec<&NewEvent> = chunk.iter().map(|(_, e)| *e).collect();
            let first = first_deliveries(&mut tx, &events, now, dedup_window_ms).await?;
            let is_new: Vec<bool> = events
                .iter()
                .map(|e| first.contains(&(e.installation_id.clone(), e.dedup_key.clone())))
                .collect();
            let new: Vec<&NewEvent> = events
                .iter()
                .zip(&is_new)
                .filter_map(|(e, new)| new.then_some(*e))
                .collect();
            insert_events(&mut tx, &new, now).await?;
            for ((r, _), new) in chunk.iter().zip(is_new) {
                stored[*r] += usize::from(new);
            }
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// Takes the lease of the oldest event that may run now: pending, due, not leased (or its
    /// lease expired: its worker died), and the oldest pending one of its installation, so
    /// that an installation's events run one at a time, in order.
    pub async fn claim(&self, owner: &str, lease_ms: i64) -> Result<Option<Claimed>, Error> {
        let now = now_ms();
        // Each installation's oldest pending event (one index search per installation), the
        // oldest of those that is due and not leased: the cost follows the installations, not
        // the events waiting. PostgreSQL: the inner SELECT takes `FOR UPDATE OF e SKIP LOCKED`.
        let row = sqlx::query(
            "UPDATE events SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = (SELECT e.id FROM installations i JOIN events e ON e.id = \
                 (SELECT MIN(o.id) FROM events o \
                     WHERE o.installation_id = i.id AND o.status = 'pending') \
                 WHERE e.available_at <= $3 AND (e.lease_until IS NULL OR e.lease_until <= $3) \
                 ORDER BY e.id LIMIT 1) \
             AND (lease_until IS NULL OR lease_until <= $3) \
             RETURNING id, installation_id, content_type, query, headers, body, attempts, \
             received_at, source",
        )
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now)
        // all rows, not the first: SQLite commits an `UPDATE … RETURNING` outside a transaction
        // only once the statement has run to its end
        .fetch_all(&self.pool)
        .await?;
        Ok(row.into_iter().next().map(|r| Claimed {
            id: r.get(0),
            installation_id: r.get(1),
            content_type: r.get(2),
            query: r.get(3),
            headers: r.get(4),
            body: r.get(5),
            attempts: r.get(6),
            received_at: r.get(7),
            source: r.get(8),
        }))
    }

    /// Commits a run: the event's outcome, its run record and the installation's states, in
    /// one transaction, only while `owner` still holds the lease (else nothing is written and
    /// this is `Ok(false)`: another worker took the event after the lease expired).
    pub(crate) async fn finish(
        &self,
        event: &Claimed,
        owner: &str,
        finish: &Finish,
        states: &States,
    ) -> Result<bool, Error> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let (status, available_at) = match (finish.status, finish.retry_at) {
            ("failed", Some(at)) => ("pending", at),
            ("failed", None) => ("dead", now),
            (_, _) => ("done", now),
        };
        let held = sqlx::query(
            "UPDATE events SET status = $1, available_at = $2, lease_owner = NULL, \
             lease_until = NULL, finished_at = $3 WHERE id = $4 AND lease_owner = $5",
        )
        .bind(status)
        .bind(available_at)
        .bind((status != "pending").then_some(now))
        .bind(event.id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let run_status = if status == "dead" {
            "dead"
        } else {
            finish.status
        };
        record_run(&mut tx, event, run_status, finish, now).await?;
        write_states(&mut tx, states).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Gives an event up without running it (its installation is gone or its body cannot be
    /// read): a dead letter with `error`.
    pub(crate) async fn bury(
        &self,
        event: &Claimed,
        owner: &str,
        error: &str,
    ) -> Result<(), Error> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE events SET status = 'dead', lease_owner = NULL, lease_until = NULL, \
             finished_at = $1 WHERE id = $2 AND lease_owner = $3",
        )
        .bind(now)
        .bind(event.id)
        .bind(owner)
        .execute(&mut *tx)
        .await?;
        let finish = Finish {
            status: "dead",
            output: None,
            log: None,
            error: Some(error.to_owned()),
            error_kind: None,
            step: None,
            location: None,
            duration_ms: 0,
            retry_at: None,
        };
        record_run(&mut tx, event, "dead", &finish, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Extends `owner`'s lease of an event (a long run keeps it); `Ok(false)` if the lease is
    /// no longer `owner`'s.
    pub async fn extend_lease(
        &self,
        event_id: i64,
        owner: &str,
        lease_ms: i64,
    ) -> Result<bool, Error> {
        let held = sqlx::query(
            "UPDATE events SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 \
             AND status = 'pending'",
        )
        .bind(now_ms() + lease_ms)
        .bind(event_id)
        .bind(owner)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(held == 1)
    }

    /// Puts a dead letter back in the queue, as if just received (attempts from zero); its
    /// run record is `received` again, the last error kept until the next attempt. It is then
    /// its installation's oldest pending event, so it runs before the ones received after it
    /// that are still pending. `Ok(false)` if the event is not a dead letter.
    pub async fn replay(&self, event_id: i64) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let replayed = sqlx::query(
            "UPDATE events SET status = 'pending', attempts = 0, available_at = $1, \
             lease_owner = NULL, lease_until = NULL, finished_at = NULL \
             WHERE id = $2 AND status = 'dead'",
        )
        .bind(now_ms())
        .bind(event_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if replayed == 1 {
            sqlx::query("UPDATE runs SET status = 'received', attempts = 0 WHERE event_id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(replayed == 1)
    }

    /// The run log of an installation, oldest first.
    pub async fn runs(&self, installation_id: &str) -> Result<Vec<Run>, Error> {
        let rows = sqlx::query(
            "SELECT event_id, status, attempts, duration_ms, output, error, step, location \
             FROM runs WHERE installation_id = $1 ORDER BY event_id",
        )
        .bind(installation_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Run {
                event_id: r.get(0),
                status: r.get(1),
                attempts: r.get(2),
                duration_ms: r.get(3),
                output: r.get(4),
                error: r.get(5),
                step: r.get(6),
                location: r.get(7),
            })
            .collect())
    }

    /// The dead letters of every installation, oldest first.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, Error> {
        let rows = sqlx::query(
            "SELECT e.id, e.installation_id, e.attempts, r.error, r.error_kind, r.step, \
             r.location FROM events e JOIN runs r ON r.event_id = e.id \
             WHERE e.status = 'dead' ORDER BY e.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| DeadLetter {
                event_id: r.get(0),
                installation_id: r.get(1),
                attempts: r.get(2),
                error: r.get(3),
                error_kind: r.get(4),
                step: r.get(5),
                location: r.get(6),
            })
            .collect())
    }

    /// How many events are stored, by status (`pending`, `done`, `dead`).
    pub async fn count_events(&self, status: &str) -> Result<i64, Error> {
        let n = sqlx::query("SELECT COUNT(*) FROM events WHERE status = $1")
            .bind(status)
            .fetch_one(&self.pool)
            .await?
            .get(0);
        Ok(n)
    }
}

/// Events stored by one statement of [`Store::enqueue_requests`] (7 bound values each: well
/// within SQLite's 32,766 and PostgreSQL's 65,535).
const ROWS: usize = 500;

/// `$a, $b, …` of `count` values from `$from`.
fn params(from: usize, count: usize) -> String {
    let all: Vec<String> = (from..from + count).map(|n| format!("${n}")).collect();
    all.join(", ")
}

/// Records the dedup keys of `events` (distinct), each unless its body reached its
/// installation within the window (a key seen before the window is renewed); gives the keys
/// recorded: the events to store.
async fn first_deliveries(
    tx: &mut Tx<'_>,
    events: &[&NewEvent],
    now: i64,
    window: i64,
) -> Result<HashSet<(String, String)>, Error> {
    // $1: now, $2: the window's start, then two per key
    let rows: Vec<String> = (0..events.len())
        .map(|i| format!("({}, $1)", params(3 + 2 * i, 2)))
        .collect();
    let sql = format!(
        "INSERT INTO dedup (installation_id, dedup_key, seen_at) VALUES {} \
         ON CONFLICT (installation_id, dedup_key) DO UPDATE SET seen_at = excluded.seen_at \
         WHERE dedup.seen_at < $2 RETURNING installation_id, dedup_key",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(now).bind(now - window);
    for e in events {
        query = query.bind(&e.installation_id).bind(&e.dedup_key);
    }
    Ok(query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Inserts `events` (distinct keys) and their run records (`received`).
async fn insert_events(tx: &mut Tx<'_>, events: &[&NewEvent], now: i64) -> Result<(), Error> {
    if events.is_empty() {
        return Ok(());
    }
    // $1: now, then six per event
    let rows: Vec<String> = (0..events.len())
        .map(|i| format!("({}, 'pending', 0, $1, $1)", params(2 + 6 * i, 6)))
        .collect();
    let sql = format!(
        "INSERT INTO events (installation_id, content_type, query, headers, body, dedup_key, \
         status, attempts, available_at, received_at) VALUES {} \
         RETURNING id, installation_id",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(now);
    for e in events {
        query = query
            .bind(&e.installation_id)
            .bind(&e.content_type)
            .bind(&e.query)
            .bind(&e.headers)
            .bind(&e.body)
            .bind(&e.dedup_key);
    }
    let ids: Vec<(i64, String)> = query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    if ids.len() != events.len() {
        return Err(Error::Invalid(
            "an insert returned fewer ids than rows".into(),
        ));
    }
    // $1: now, then two per run
    let rows: Vec<String> = (0..ids.len())
        .map(|i| format!("({}, 'received', 0, $1)", params(2 + 2 * i, 2)))
        .collect();
    let sql = format!(
        "INSERT INTO runs (event_id, installation_id, status, attempts, received_at) VALUES {}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(now);
    for (id, installation) in &ids {
        query = query.bind(id).bind(installation);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Writes the run record of an attempt.
async fn record_run(
    tx: &mut Tx<'_>,
    event: &Claimed,
    status: &str,
    f: &Finish,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE runs SET status = $1, attempts = $2, finished_at = $3, duration_ms = $4, \
         output = $5, log = $6, error = $7, error_kind = $8, step = $9, location = $10 \
         WHERE event_id = $11",
    )
    .bind(status)
    .bind(event.attempts)
    .bind(now)
    .bind(f.duration_ms)
    .bind(&f.output)
    .bind(&f.log)
    .bind(&f.error)
    .bind(&f.error_kind)
    .bind(&f.step)
    .bind(&f.location)
    .bind(event.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
