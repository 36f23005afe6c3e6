//! Upkeep of the store: what no request or run removes by itself.

use super::Store;
use crate::Error;

impl Store {
    /// Removes the dedup keys seen before `before` (ms since the epoch): past the dedup window
    /// a redelivery is stored again anyway, so they only take room. Gives how many went.
    pub async fn prune_dedup(&self, before: i64) -> Result<u64, Error> {
        let gone = sqlx::query("DELETE FROM dedup WHERE seen_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(gone)
    }
}
