//! The store (D28): one interface over the database, the only module that writes SQL.
//!
//! Every statement is portable SQL with `$n` placeholders (SQLite and PostgreSQL both read
//! them), `ON CONFLICT … DO NOTHING` and `UPDATE … RETURNING`; what differs for PostgreSQL is
//! the pool type, the column types of the migrations (`BYTEA`, identity ids) and the claim's
//! `FOR UPDATE SKIP LOCKED` (see ARCHITECTURE.md, D28). SQLite runs in WAL mode with a
//! `busy_timeout` and foreign keys on, in one file.

mod queue;
mod schedule;
mod upkeep;

use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use queue::{Claimed, DeadLetter, Finish, NewEvent, Run};
pub use schedule::ScheduleRow;
pub(crate) use schedule::{NewSchedule, NextRun};

use crate::Error;

/// Milliseconds since the Unix epoch: every time the store keeps.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The database of a host.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

/// An installation as stored (its secrets still sealed).
#[derive(Clone)]
pub(crate) struct InstallationRow {
    pub id: String,
    pub workflow: String,
    pub auth: String,
    pub account_id: Option<String>,
    pub secrets: Vec<u8>,
    pub connection_state: String,
    pub workflow_state: String,
}

/// A webhook URL's token and what it is for.
#[derive(Clone, Debug)]
pub(crate) struct HookRow {
    pub token: String,
    pub intake: String,
    pub installation_id: Option<String>,
}

/// What a worker commits for an installation with an event's outcome: its states after the
/// run, and its secrets with the tokens as they are now.
pub(crate) struct States {
    pub installation_id: String,
    pub account_id: Option<String>,
    pub secrets: Vec<u8>,
    pub connection_state: String,
    pub workflow_state: String,
    pub app_state: String,
    /// For a polling cycle or a historical sync: when its schedule is due next.
    pub next_run: Option<NextRun>,
}

impl Store {
    /// Opens (creating it if needed) the database at `url` (`sqlite://path/to/host.db`) and
    /// runs the embedded migrations.
    pub async fn open(url: &str) -> Result<Store, Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Store { pool })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The stored application state, if any.
    pub(crate) async fn app_state(&self) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT state FROM app_state WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Every installation.
    pub(crate) async fn installation_rows(&self) -> Result<Vec<InstallationRow>, Error> {
        let rows = sqlx::query(
            "SELECT id, workflow, auth, account_id, secrets, connection_state, workflow_state \
             FROM installations ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| InstallationRow {
                id: r.get(0),
                workflow: r.get(1),
                auth: r.get(2),
                account_id: r.get(3),
                secrets: r.get(4),
                connection_state: r.get(5),
                workflow_state: r.get(6),
            })
            .collect())
    }

    /// Every webhook URL.
    pub(crate) async fn hooks(&self) -> Result<Vec<HookRow>, Error> {
        let rows = sqlx::query("SELECT token, intake, installation_id FROM hooks")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| HookRow {
                token: r.get(0),
                intake: r.get(1),
                installation_id: r.get(2),
            })
            .collect())
    }

    /// Stores a new installation with its webhook URL (a new token), its schedules and the
    /// app's state, in one transaction.
    pub(crate) async fn insert_installation(
        &self,
        row: &InstallationRow,
        hook: Option<(&HookRow, &str)>,
        schedules: &[NewSchedule],
        app_state: &str,
    ) -> Result<(), Error> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO installations (id, workflow, auth, account_id, secrets, \
             connection_state, workflow_state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&row.id)
        .bind(&row.workflow)
        .bind(&row.auth)
        .bind(&row.account_id)
        .bind(&row.secrets)
        .bind(&row.connection_state)
        .bind(&row.workflow_state)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some((hook, scope)) = hook {
            sqlx::query(
                "INSERT INTO hooks (token, intake, scope, installation_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token) DO NOTHING",
            )
            .bind(&hook.token)
            .bind(&hook.intake)
            .bind(scope)
            .bind(&hook.installation_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for schedule in schedules {
            schedule::insert(&mut tx, &row.id, schedule).await?;
        }
        put_app_state(&mut tx, app_state, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes an installation's states (after its webhook was registered, after a run).
    pub(crate) async fn update_states(&self, states: &States) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        write_states(&mut tx, states).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes an installation's sealed secrets alone: renewed tokens, before their use.
    pub(crate) async fn update_secrets(&self, id: &str, secrets: &[u8]) -> Result<(), Error> {
        sqlx::query("UPDATE installations SET secrets = $1, updated_at = $2 WHERE id = $3")
            .bind(secrets)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes an installation and everything it owns (its events, runs, URL, dedup keys,
    /// by `ON DELETE CASCADE`); `drop_hook` also removes an application-scope URL no other
    /// installation uses. Stores the app's state in the same transaction.
    pub(crate) async fn delete_installation(
        &self,
        id: &str,
        drop_hook: Option<&str>,
        app_state: &str,
    ) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        // children first: PostgreSQL and SQLite both cascade, this keeps it explicit
        for sql in [
            "DELETE FROM runs WHERE installation_id = $1",
            "DELETE FROM dedup WHERE installation_id = $1",
            "DELETE FROM schedules WHERE installation_id = $1",
            "DELETE FROM events WHERE installation_id = $1",
            "DELETE FROM hooks WHERE installation_id = $1",
            "DELETE FROM installations WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        if let Some(token) = drop_hook {
            sqlx::query("DELETE FROM hooks WHERE token = $1")
                .bind(token)
                .execute(&mut *tx)
                .await?;
        }
        put_app_state(&mut tx, app_state, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// Writes the application state (one row).
async fn put_app_state(tx: &mut Tx<'_>, state: &str, now: i64) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO app_state (id, state, updated_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(state)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes an installation's states and the app's in `tx`.
async fn write_states(tx: &mut Tx<'_>, s: &States) -> Result<(), Error> {
    let now = now_ms();
    sqlx::query(
        "UPDATE installations SET account_id = $1, secrets = $2, connection_state = $3, \
         workflow_state = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(&s.account_id)
    .bind(&s.secrets)
    .bind(&s.connection_state)
    .bind(&s.workflow_state)
    .bind(now)
    .bind(&s.installation_id)
    .execute(&mut **tx)
    .await?;
    if let Some(next) = &s.next_run {
        schedule::rearm(tx, &s.installation_id, next).await?;
    }
    put_app_state(tx, &s.app_state, now).await
}
