//! Group commit (D28): the events of concurrent requests are stored by one writer task, in one
//! transaction per batch, so that one commit (one `fsync` of SQLite's WAL) acknowledges every
//! request of the batch. A request is answered only after the commit holding its events.

use std::sync::Mutex;

use tokio::sync::{mpsc, oneshot};

use crate::store::{NewEvent, Store};

/// Most requests committed together.
const BATCH: usize = 256;
/// Requests waiting for the writer before a new one waits to be queued.
const QUEUE: usize = 4096;

/// One request's events, and where its outcome goes: how many were stored, or `None` when
/// they could not be.
struct Job {
    events: Vec<NewEvent>,
    done: oneshot::Sender<Option<usize>>,
}

/// The intake's writer, started with its first request (on the runtime serving it) and again
/// if it is gone (its runtime ended); it ends when the intake is dropped, after the requests
/// queued before.
pub(crate) struct GroupCommit {
    store: Store,
    dedup_window_ms: i64,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
}

impl GroupCommit {
    /// A group commit into `store` (the writer starts with the first request).
    pub(crate) fn new(store: Store, dedup_window_ms: i64) -> GroupCommit {
        GroupCommit {
            store,
            dedup_window_ms,
            writer: Mutex::new(None),
        }
    }

    /// The running writer's queue; a writer is started if there is none.
    fn writer(&self) -> mpsc::Sender<Job> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        match &*writer {
            Some(queue) if !queue.is_closed() => queue.clone(),
            _ => {
                let (queue, jobs) = mpsc::channel(QUEUE);
                tokio::spawn(write(self.store.clone(), self.dedup_window_ms, jobs));
                *writer = Some(queue.clone());
                queue
            }
        }
    }

    /// Stores one request's events (as [`Store::enqueue`]) in the next batch; how many were
    /// stored once the batch is committed, or `None` if they were not stored.
    pub(crate) async fn enqueue(&self, events: Vec<NewEvent>) -> Option<usize> {
        if events.is_empty() {
            // routed to no installation: nothing to wait for
            return Some(0);
        }
        let (done, outcome) = oneshot::channel();
        self.writer().send(Job { events, done }).await.ok()?;
        outcome.await.ok().flatten()
    }
}

/// The writer: takes every request waiting (up to [`BATCH`]), commits their events in one
/// transaction, answers each; a batch that fails is stored again request by request, so
/// that one request's failure (its installation removed meanwhile) fails only that one.
async fn write(store: Store, window: i64, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    while jobs.recv_many(&mut batch, BATCH).await > 0 {
        let requests: Vec<&[NewEvent]> = batch.iter().map(|j| j.events.as_slice()).collect();
        match store.enqueue_requests(&requests, window).await {
            Ok(stored) => {
                for (job, n) in batch.drain(..).zip(stored) {
                    // a request whose client left is stored, not acknowledged: it comes again
                    let _ = job.done.send(Some(n));
                }
            }
            Err(e) if batch.len() == 1 => {
                tracing::error!(error = %e, "a webhook request could not be stored");
                for job in batch.drain(..) {
                    let _ = job.done.send(None);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, requests = batch.len(), "a batch of webhook requests \
                    could not be stored; storing them one by one");
                for job in batch.drain(..) {
                    let stored = store.enqueue(&job.events, window).await;
                    if let Err(e) = &stored {
                        tracing::error!(error = %e, "a webhook request could not be stored");
                    }
                    let _ = job.done.send(stored.ok());
                }
            }
        }
    }
}
