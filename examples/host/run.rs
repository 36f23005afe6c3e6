//! The `host` example's run, shared by its `main.rs` and its test: the inbound example's app
//! in a [`Host`] on a SQLite file, with the stand-in Formly API and the fake ActiveCampaign on
//! loopback; one installation (connected and set up as `setup.rs` does it), its webhook served
//! on 127.0.0.1 with workers behind it. Included with `#[path]` beside `App` (of
//! `include_app!`), `setup` (`../inbound_forms/setup.rs`) and `host` (the host crate).

use std::future::Future;
use std::path::PathBuf;

use appstudio_testing::FakeActiveCampaign;
use serde_json::Value;
use tokio::task::JoinHandle;
use wiremock::MockServer;

use super::App;
use super::host::store::Run;
use super::host::{Host, HostConfig, Installation, Key};
pub use super::setup::sample;
use super::setup::{Result, credentials, engine_config, set_up, stand_in_formly};

/// How to run the host.
pub struct Options {
    /// The SQLite database file. Any database there is replaced: the stand-ins are new at
    /// every run, so an installation kept from a previous run could reach neither.
    pub database: PathBuf,
    /// Seals the installation's credentials and tokens in the database.
    pub key: Key,
    /// How many workers run the stored events.
    pub workers: usize,
}

/// A host serving its installation.
pub struct Running {
    /// The installation (its `webhook_url` is where Formly would post).
    pub installation: Installation,
    /// The host's address, `http://127.0.0.1:PORT`.
    pub base: String,
    /// The fake ActiveCampaign the installation writes contacts to.
    pub ac: FakeActiveCampaign,
    /// The host (its store holds the run log).
    host: Host<App>,
    /// The stand-in Formly API, kept running with the host.
    _formly: MockServer,
    served: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The command that posts [`sample`] to the installation's webhook URL.
    pub fn curl(&self) -> String {
        format!(
            "curl -X POST '{}' -H 'content-type: application/json' -d '{}'",
            self.installation.webhook_url.as_deref().unwrap_or_default(),
            sample()
        )
    }

    /// The contacts in the fake ActiveCampaign.
    pub fn contacts(&self) -> Vec<Value> {
        self.ac.contacts(self.ac.token())
    }

    /// The installation's run log, oldest first: one run per event.
    pub async fn runs(&self) -> Result<Vec<Run>> {
        Ok(self.host.store().runs(&self.installation.id).await?)
    }

    /// Waits until the host has stopped (after the shutdown given to [`start`] completed).
    pub async fn stopped(self) -> Result<()> {
        self.served.await??;
        Ok(())
    }
}

/// Starts the stand-ins, opens the host on `options.database`, connects, sets up and installs
/// the workflow, then serves the host on a free port of 127.0.0.1 with `options.workers`
/// workers until `shutdown` completes (then it stops gracefully: see `Host::serve`). `say`
/// receives a line per step.
pub async fn start(
    options: Options,
    say: &mut impl FnMut(String),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<Running> {
    let formly = stand_in_formly().await;
    let ac = FakeActiveCampaign::start().await;
    say(format!("stand-in Formly API at {}", formly.uri()));
    say(format!("fake ActiveCampaign at {}", ac.url()));

    if let Some(dir) = options.database.parent() {
        std::fs::create_dir_all(dir)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut file = options.database.clone().into_os_string();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let database_url = format!("sqlite://{}", options.database.display());
    let mut config = HostConfig::new(&database_url, &base, options.key);
    config.engine = engine_config(&formly.uri());
    let host = Host::<App>::open(config).await?;
    say(format!("host opened on {database_url}"));

    let workflow = set_up(host.engine(), ac.account(), say).await?;
    let installation = host.install(ac.account(), credentials(), workflow).await?;
    say(format!(
        "installed {} (account {}), webhook registered at the stand-in",
        installation.id,
        installation.account_id.as_deref().unwrap_or("?")
    ));

    let workers = options.workers;
    let serving = host.clone();
    let served = tokio::spawn(async move { serving.serve(listener, workers, shutdown).await });
    say(format!("serving on {base} with {workers} workers"));
    Ok(Running {
        installation,
        base,
        ac,
        host,
        _formly: formly,
        served,
    })
}
