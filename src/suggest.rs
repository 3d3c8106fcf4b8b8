//! "Did you mean" for misspelt keys, names and rule codes.

/// The candidate closest to `word`, if one is close enough to be a likely
/// typo (Jaro-Winkler similarity of at least 0.8).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(word, candidate);
        if score >= 0.8 && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `` `a`, `b` or `c` `` for messages that list what was accepted.
pub fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(
            did_you_mean("replcas", ["kind", "replicas", "zones"]),
            Some("replicas")
        );
        assert_eq!(
            did_you_mean("databse", ["service", "database"]),
            Some("database")
        );
        assert_eq!(did_you_mean("xyz", ["kind", "replicas"]), None);
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
