//! The configuration of the fake, read by the resource modules as well as the server.

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Accepted `Api-Token`s; each is one account with its own data and rate limit.
    pub tokens: Vec<String>,
    /// Requests per second per account (a token bucket of that capacity, refilled at that
    /// rate); `None`: unlimited.
    pub rate_limit: Option<u32>,
    /// `Retry-After` seconds of a rate-limited answer.
    pub retry_after: u64,
    /// Custom contact fields seeded per account (a dropdown and a listbox with options, a
    /// date and a text among the first four).
    pub seed_fields: usize,
    /// Creating a tag whose name exists gives 422 `duplicate` (else the existing tag).
    pub duplicate_tag_is_error: bool,
    /// An unknown field id in a contact's `fieldValues` gives 422 `field_invalid` (else it is
    /// ignored).
    pub unknown_field_is_error: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            tokens: vec!["test-token".into()],
            rate_limit: Some(5),
            retry_after: 1,
            seed_fields: 105,
            duplicate_tag_is_error: true,
            unknown_field_is_error: false,
        }
    }
}
