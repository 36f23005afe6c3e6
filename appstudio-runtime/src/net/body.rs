//! One request attempt on the wire: sending it, reading the body with a size cap, how it
//! ended for the retry policy, and a transport failure described without the request's URL
//! (its query may hold a token).

use std::time::Duration;

use super::retry::{Outcome, retry_after};

/// Largest response body read, in bytes; a larger one is an error, not an allocation.
pub(crate) const MAX_BODY_BYTES: usize = 16 << 20;

/// Why an answer could not be had.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body of an answer with this status is larger than the cap.
    TooLarge {
        /// The status of the answer.
        status: u16,
    },
    /// The connection failed (before the answer, or while reading its body).
    Transport(reqwest::Error),
}

/// Reads the body of `response`, at most `cap` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, BodyError> {
    let status = response.status().as_u16();
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if out.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge { status });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// What one attempt got back.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// `Retry-After`, when given.
    pub(crate) retry_after: Option<Duration>,
    /// The body, at most [`MAX_BODY_BYTES`].
    pub(crate) body: Vec<u8>,
}

/// Sends `request` and reads the answer, all of it within `timeout`; a failure says how the
/// attempt ended (refused before sending, or broken after).
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    timeout: Duration,
) -> Result<Answer, (BodyError, Outcome)> {
    let response = request.timeout(timeout).send().await.map_err(|e| {
        let outcome = Outcome::of_transport(&e);
        (BodyError::Transport(e), outcome)
    })?;
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let body = read_capped(response, MAX_BODY_BYTES).await.map_err(|e| {
        // the same answer would come again: an oversize one is not asked for twice
        let outcome = match e {
            BodyError::TooLarge { .. } => Outcome::Final,
            BodyError::Transport(_) => Outcome::Broken,
        };
        (e, outcome)
    })?;
    Ok(Answer {
        status,
        retry_after,
        body,
    })
}

/// A transport failure (connection refused, timeout, reset) in words, with its causes (they
/// say what happened: refused, reset, DNS, …) and never its URL.
pub(crate) fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut message = if e.is_timeout() {
        "request timed out".to_owned()
    } else {
        format!("request failed: {e}")
    };
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    async fn serve(body: &'static str) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn bodies_up_to_the_cap_are_read_larger_ones_refused() {
        let server = serve("0123456789").await;
        let get = || reqwest::get(server.uri());
        let body = read_capped(get().await.unwrap(), 10).await.unwrap();
        assert_eq!(body, b"0123456789");
        let e = read_capped(get().await.unwrap(), 9).await.unwrap_err();
        assert!(matches!(e, BodyError::TooLarge { status: 200 }), "{e:?}");
        assert!(read_capped(get().await.unwrap(), 0).await.is_err());
    }

    #[tokio::test]
    async fn an_exchange_gives_status_retry_after_and_body() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "3")
                    .set_body_string("slow down"),
            )
            .mount(&server)
            .await;
        let answer = exchange(
            reqwest::Client::new().get(server.uri()),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        assert_eq!(answer.status, 429);
        assert_eq!(answer.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(answer.body, b"slow down");
    }

    #[tokio::test]
    async fn transport_failures_are_classified_and_hide_the_url() {
        // nothing listens on a port just freed: the request was never sent
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let e = reqwest::get(format!("http://127.0.0.1:{port}/x?token=s3cret"))
            .await
            .unwrap_err();
        assert_eq!(Outcome::of_transport(&e), Outcome::NotConnected);
        let text = describe(e);
        assert!(text.starts_with("request failed"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");

        // a server that answers too slowly: the request may have been processed
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let request = reqwest::Client::new().get(format!("{}/x?token=s3cret", server.uri()));
        let (e, outcome) = exchange(request, Duration::from_millis(50))
            .await
            .expect_err("the answer comes after the timeout");
        assert_eq!(outcome, Outcome::Broken);
        let BodyError::Transport(e) = e else {
            panic!("a timeout is a transport failure: {e:?}");
        };
        let text = describe(e);
        assert!(text.starts_with("request timed out"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
