//! The one error type of the engine: a kind to match on, what went wrong, and where — the
//! workflow, the step and the place in `app.json` from the source map.

use std::fmt;

use crate::activecampaign::ApiError;
use crate::ir::Loc;

/// What kind of failure an [`Error`] is; callers match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The connection's credentials are no longer accepted (refresh failed three times, a
    /// session cannot be re-established, verification failed): the user must reconnect.
    ReconnectNeeded,
    /// A remote API kept answering 429 after the retries allowed.
    RateLimited,
    /// A remote API answered 4xx (other than 429 and an auth failure handled by refresh).
    Remote4xx,
    /// A remote API answered 5xx after the retries allowed, or could not be reached.
    Remote5xx,
    /// A jq program failed at run time or exceeded a limit.
    Jq,
    /// A value given to the engine (a selection, a mapping, a payload, a credential) is not
    /// what the app needs; or a URL a remote answer gave (a `next_page_url`, a redirect's
    /// `Location`) is on another origin than its request's, and was not followed (D19).
    InvalidInput,
    /// The app stopped on purpose: an `!error` command was reached.
    Halted,
    /// A webhook body is larger than `EngineConfig::max_webhook_body` (refused unparsed).
    BodyTooLarge,
    /// The app cannot run as configured (e.g. a command used where it has no meaning, a
    /// missing `describe_connection`, a URL that does not parse); an `!error` reached is
    /// [`ErrorKind::Halted`].
    Config,
    /// A remote API answered with a body larger than the engine reads (16 MiB): not retried,
    /// since asking again would get the same answer.
    ResponseTooLarge,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::ReconnectNeeded => "reconnect needed",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Remote4xx => "remote error (4xx)",
            ErrorKind::Remote5xx => "remote error (5xx)",
            ErrorKind::Jq => "jq",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Halted => "halted by `!error`",
            ErrorKind::BodyTooLarge => "body too large",
            ErrorKind::Config => "config",
            ErrorKind::ResponseTooLarge => "response too large",
        })
    }
}

/// An engine error: a kind, a message, and where it happened.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// HTTP status of a remote error.
    status: Option<u16>,
    /// The workflow being run, when there is one.
    workflow: Option<String>,
    /// The step being run (`data_pipeline.target`, `setup.select.form_fields[1].options`, …).
    step: Option<String>,
    /// The command in `app.json`.
    loc: Option<Loc>,
    /// The file name of the app.
    file: Option<String>,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            status: None,
            workflow: None,
            step: None,
            loc: None,
            file: None,
        }
    }

    /// An [`ErrorKind::InvalidInput`] error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// An [`ErrorKind::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// A remote error from an HTTP status: 429, 4xx or 5xx.
    pub fn remote(status: u16, message: impl Into<String>) -> Self {
        let kind = match status {
            429 => ErrorKind::RateLimited,
            400..=499 => ErrorKind::Remote4xx,
            _ => ErrorKind::Remote5xx,
        };
        let mut e = Self::new(kind, message);
        e.status = Some(status);
        e
    }

    /// Sets where the error happened, unless already set by an inner command.
    pub(crate) fn at(mut self, loc: Loc) -> Self {
        self.loc.get_or_insert(loc);
        self
    }

    /// Sets the step, unless already set.
    pub(crate) fn in_step(mut self, step: impl Into<String>) -> Self {
        if self.step.is_none() {
            self.step = Some(step.into());
        }
        self
    }

    /// Sets the workflow and the file, unless already set.
    pub(crate) fn in_workflow(mut self, workflow: &str, file: &str) -> Self {
        self.workflow.get_or_insert_with(|| workflow.to_owned());
        self.file.get_or_insert_with(|| file.to_owned());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of a remote error.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The workflow being run.
    pub fn workflow(&self) -> Option<&str> {
        self.workflow.as_deref()
    }

    /// The step being run.
    pub fn step(&self) -> Option<&str> {
        self.step.as_deref()
    }

    /// The command's place in `app.json`.
    pub fn loc(&self) -> Option<Loc> {
        self.loc
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if let Some(w) = &self.workflow {
            write!(f, " (workflow `{w}`")?;
            if let Some(s) = &self.step {
                write!(f, ", {s}")?;
            }
            f.write_str(")")?;
        } else if let Some(s) = &self.step {
            write!(f, " ({s})")?;
        }
        if let Some(loc) = self.loc {
            write!(
                f,
                " at {}:{loc}",
                self.file.as_deref().unwrap_or("app.json")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<crate::jq::JqError> for Error {
    fn from(e: crate::jq::JqError) -> Self {
        Error::new(ErrorKind::Jq, e.to_string())
    }
}

/// Result of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failed ActiveCampaign call: its status decides the kind.
impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        match e.status {
            _ if e.too_large => Error::new(ErrorKind::ResponseTooLarge, e.to_string()),
            Some(status) => Error::remote(status, e.to_string()),
            None => Error::new(ErrorKind::Remote5xx, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, None, body.as_bytes())
    }

    #[test]
    fn kinds_follow_the_status() {
        let kind = |s| Error::from(parse(s, "{}")).kind();
        assert_eq!(kind(429), ErrorKind::RateLimited);
        assert_eq!(kind(422), ErrorKind::Remote4xx);
        assert_eq!(kind(503), ErrorKind::Remote5xx);
        let too_large = ApiError::too_large(200, 16);
        assert_eq!(Error::from(too_large).kind(), ErrorKind::ResponseTooLarge);
    }
}
