//! Reading a response body with a size cap, and describing a transport failure without
//! leaking the request's URL (its query may hold a token).

/// Largest response body read, in bytes; a larger one is an error, not an allocation.
pub(crate) const MAX_BODY_BYTES: usize = 16 << 20;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is larger than the cap.
    TooLarge,
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads the body of `response`, at most `cap` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if out.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
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
    use std::time::Duration;

    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::net::retry::Outcome;

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
        assert!(matches!(e, BodyError::TooLarge), "{e:?}");
        assert!(read_capped(get().await.unwrap(), 0).await.is_err());
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
        let e = reqwest::Client::new()
            .get(format!("{}/x?token=s3cret", server.uri()))
            .timeout(Duration::from_millis(50))
            .send()
            .await
            .unwrap_err();
        assert_eq!(Outcome::of_transport(&e), Outcome::Broken);
        let text = describe(e);
        assert!(text.starts_with("request timed out"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
