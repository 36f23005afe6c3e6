//! `shutdown_signal`: SIGTERM, as a service manager sends it, ends the wait (and no longer
//! ends the process by itself once the handler is installed).

use std::time::Duration;

use appstudio_host::shutdown_signal;
use tokio::time::timeout;

#[cfg(unix)]
#[tokio::test]
async fn sigterm_completes_the_shutdown_signal() {
    let signal = shutdown_signal();
    tokio::pin!(signal);
    // the first poll installs the handlers; nothing has been sent yet
    assert!(
        timeout(Duration::from_millis(50), &mut signal)
            .await
            .is_err(),
        "completed without a signal"
    );
    // SAFETY: `kill` on this process with a signal whose handler is installed above.
    let sent = unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
    assert_eq!(sent, 0);
    timeout(Duration::from_secs(10), signal)
        .await
        .expect("SIGTERM completes the shutdown signal");
}
