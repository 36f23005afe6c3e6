//! [`shutdown_signal`]: the signals an operator stops a host with.

/// Completes when the process is asked to stop: Ctrl-C (SIGINT) or, on Unix, SIGTERM (what
/// service managers and container runtimes send). Pass it to [`Host::serve`](crate::Host::serve)
/// as its `shutdown`: the host stops accepting, lets the workers finish or release their event,
/// and returns. The handlers are installed when the future is first polled; from then on these
/// signals no longer end the process by themselves. If a handler cannot be installed, the
/// future completes at once, so a host is never left without a way to stop.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
