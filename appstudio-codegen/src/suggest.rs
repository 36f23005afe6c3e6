//! "Did you mean" suggestions.

/// The candidate closest to `name`, if any is close enough. Case and `-`/`_` differences count
/// as nothing; otherwise the edit distance must be small relative to the length.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace(['-', '_'], "");
    let wanted = norm(name);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let n = norm(c);
        let score = if n == wanted {
            0
        } else {
            let d = strsim::damerau_levenshtein(&wanted, &n);
            let limit = (wanted.chars().count().max(n.chars().count()) / 3).max(1);
            if d > limit {
                continue;
            }
            d
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` for the closest candidate.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `` `a`, `b` or `c` `` for a short list.
pub fn one_of(names: &[&str]) -> String {
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
pub fn help(name: &str, candidates: &[&str]) -> Option<String> {
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
    fn suggests_close_names() {
        assert_eq!(closest("foldr", ["folder", "file"]), Some("folder"));
        assert_eq!(closest("Folder-Id", ["folder_id", "x"]), Some("folder_id"));
        assert_eq!(closest("zzz", ["folder", "file"]), None);
        assert_eq!(closest("jq", ["!jq", "!http"]), Some("!jq"));
    }

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
