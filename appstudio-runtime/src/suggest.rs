//! "Did you mean" suggestions, one rule for every unknown name: keys and names of `app.json`
//! (reported by the code generator) and filters and variables of jq programs (reported by
//! [`crate::jq`]).
//!
//! A candidate is close to a name when
//!
//! - they differ only in case and `-`/`_` (`Folder-Id` and `folder_id`): always, and before
//!   anything else;
//! - or, with case and `-`/`_` ignored, the edit distance (Damerau–Levenshtein: a swap of two
//!   neighbours is one edit) is at most a third of the longer of the two, and at least 1;
//! - or the name is the candidate cut short, with at most two characters wrong at the end
//!   (`to_entry` for `to_entries`): such a name counts as two edits.
//!
//! Among close candidates the fewest edits win, then the fewest edits counting case and
//! `-`/`_`, then the first given.

/// The candidate closest to `name`, if one is close enough (see the [module](self)). A
/// candidate equal to `name` is skipped.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = normalize(name);
    let mut best: Option<((usize, usize), &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let n = normalize(c);
        let score = if n == wanted {
            0
        } else {
            let edits = strsim::damerau_levenshtein(&wanted, &n);
            let edits = if is_stem(name, c) {
                edits.min(2)
            } else {
                edits
            };
            let limit = (wanted.chars().count().max(n.chars().count()) / 3).max(1);
            if edits > limit {
                continue;
            }
            edits
        };
        let key = (score, strsim::damerau_levenshtein(name, c));
        if best.is_none_or(|(b, _)| key < b) {
            best = Some((key, c));
        }
    }
    best.map(|(_, c)| c)
}

/// ``did you mean `x`?`` for the [`closest`] candidate, if any.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Lower case, without `-` and `_`.
fn normalize(s: &str) -> String {
    s.to_lowercase().replace(['-', '_'], "")
}

/// True if `name` is `candidate` cut short (`to_entry` for `to_entries`).
fn is_stem(name: &str, candidate: &str) -> bool {
    let common = name
        .chars()
        .zip(candidate.chars())
        .take_while(|(a, b)| a == b)
        .count();
    common >= 4 && common + 2 >= name.chars().count()
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
        assert_eq!(closest("lenght", ["length", "len"]), Some("length"));
        assert_eq!(
            closest("to_entry", ["to_entries", "entry"]),
            Some("to_entries")
        );
        assert_eq!(closest("x", ["x"]), None);
    }

    #[test]
    fn fewer_edits_win_then_exact_case() {
        assert_eq!(closest("lable", ["labels", "label"]), Some("label"));
        assert_eq!(closest("api_key", ["API-KEY", "api-key"]), Some("api-key"));
        assert_eq!(
            did_you_mean("tostrin", ["tostring"]).as_deref(),
            Some("did you mean `tostring`?")
        );
    }
}
