//! "Did you mean" suggestions (the rule is the runtime's, shared with the jq front end) and
//! lists of valid names.

pub(crate) use appstudio_runtime::suggest::{closest, did_you_mean};

/// `` `a`, `b` or `c` `` for a short list.
pub(crate) fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".to_owned(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!(
            "{} or `{last}`",
            init.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Help for an unknown name: "did you mean" when something is close, else the list of valid
/// names when there are few, else nothing.
pub(crate) fn help(name: &str, candidates: &[&str]) -> Option<String> {
    did_you_mean(name, candidates.iter().copied()).or_else(|| match candidates.len() {
        0 => None,
        1..=8 => Some(format!("expected {}", one_of(candidates))),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_few_names() {
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(
            help("zzz", &["oauth2", "basic"]).as_deref(),
            Some("expected `oauth2` or `basic`")
        );
        assert_eq!(
            help("oauth", &["oauth2", "basic"]).as_deref(),
            Some("did you mean `oauth2`?")
        );
    }
}
