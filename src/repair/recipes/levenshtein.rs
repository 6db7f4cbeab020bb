//! CPython's "Did you mean" suggestion, reproduced exactly.
//!
//! This mirrors `Lib/traceback.py` (`_levenshtein_distance`, `_compute_suggestion_error`,
//! CPython 3.12+), itself a port of `Python/suggestions.c`: a weighted Levenshtein distance
//! where a case-only change costs less than any other edit, and a cap on how much of the
//! name may change. Matching CPython matters: the recipe should propose the very name a
//! plain Python traceback would print, so users see the fix they would have made.

/// Cost of an insertion, deletion or substitution of a different letter.
pub const MOVE_COST: usize = 2;
/// Cost of substituting a letter by itself in another case.
pub const CASE_COST: usize = 1;
/// Names (and candidates) longer than this are never compared.
pub const MAX_STRING_SIZE: usize = 40;
/// CPython gives up when there are more candidates than this.
pub const MAX_CANDIDATE_ITEMS: usize = 750;

fn substitution_cost(a: char, b: char) -> usize {
    if a == b {
        return 0;
    }
    // Python's `str.lower` on one character can yield several; compare the full lowering.
    if a.to_lowercase().eq(b.to_lowercase()) {
        return CASE_COST;
    }
    MOVE_COST
}

/// `traceback._levenshtein_distance(a, b, max_cost)`: the weighted distance, or any value
/// above `max_cost` once the distance is known to exceed it.
pub fn distance(a: &str, b: &str, max_cost: usize) -> usize {
    if a == b {
        return 0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Trim common prefix and suffix (Python indexes code points, so we do too).
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && a[pre] == b[pre] {
        pre += 1;
    }
    let (a, b) = (&a[pre..], &b[pre..]);
    let mut post = 0;
    while post < a.len() && post < b.len() && a[a.len() - 1 - post] == b[b.len() - 1 - post] {
        post += 1;
    }
    let (mut a, mut b) = (&a[..a.len() - post], &b[..b.len() - post]);
    if a.is_empty() || b.is_empty() {
        return MOVE_COST * (a.len() + b.len());
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bindex, &bchar) in b.iter().enumerate() {
        let mut distance = bindex * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (index, &achar) in a.iter().enumerate() {
            let substitute = distance + substitution_cost(bchar, achar);
            distance = row[index];
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            row[index] = result;
            if result < minimum {
                minimum = result;
            }
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// A suggestion and how far it is from the wrong name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    pub distance: usize,
}

/// The closest candidate the way `traceback._compute_suggestion_error` picks it: candidates
/// in the given order, the first one at the minimal distance wins, at most a third of the
/// characters may change, the wrong name itself is never suggested, and nothing is searched
/// past [`MAX_CANDIDATE_ITEMS`] candidates or for names over [`MAX_STRING_SIZE`].
pub fn suggest<'a, I>(wrong: &str, candidates: I) -> Option<Suggestion>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: ExactSizeIterator,
{
    let candidates = candidates.into_iter();
    if candidates.len() > MAX_CANDIDATE_ITEMS {
        return None;
    }
    let wrong_len = wrong.chars().count();
    if wrong_len > MAX_STRING_SIZE {
        return None;
    }
    let mut best_distance = wrong_len;
    let mut best: Option<&str> = None;
    for candidate in candidates {
        if candidate == wrong {
            continue;
        }
        let max_distance = (candidate.chars().count() + wrong_len + 3) * MOVE_COST / 6;
        // CPython computes `best_distance - 1` in Python ints; at 0 nothing can beat it.
        let Some(beaten) = best_distance.checked_sub(1) else {
            continue;
        };
        let max_distance = max_distance.min(beaten);
        let current = distance(wrong, candidate, max_distance);
        if current > max_distance {
            continue;
        }
        if best.is_none() || current < best_distance {
            best = Some(candidate);
            best_distance = current;
        }
    }
    best.map(|name| Suggestion {
        name: name.to_string(),
        distance: best_distance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sugg(wrong: &str, names: &[&str]) -> Option<String> {
        suggest(wrong, names.iter().copied()).map(|s| s.name)
    }

    #[test]
    fn distance_weights_case_changes_lower() {
        assert_eq!(distance("total", "total", 10), 0);
        assert_eq!(distance("totl", "total", 10), 2);
        assert_eq!(distance("Total", "total", 10), 1);
        assert_eq!(distance("abc", "xyz", 100), 6);
        assert_eq!(distance("", "abc", 100), 6);
        // Over the cap the exact value is not computed, only "more than max".
        assert!(distance("abcdef", "uvwxyz", 3) > 3);
    }

    // Suggestions CPython 3.12 prints for these (checked with CPython 3.12's `traceback._levenshtein_distance`).
    #[test]
    fn known_cpython_suggestions() {
        assert_eq!(
            sugg("totl", &["total", "tot", "x"]).as_deref(),
            Some("total")
        );
        assert_eq!(
            sugg("lenn", &["len", "min", "list"]).as_deref(),
            Some("len")
        );
        assert_eq!(sugg("sqr", &["sqrt", "sin", "e"]).as_deref(), Some("sqrt"));
        assert_eq!(sugg("prnt", &["print", "int"]).as_deref(), Some("print"));
        // `a` and `b` are too different from `xy` to be suggested.
        assert_eq!(sugg("xy", &["a", "b"]), None);
        // The wrong name itself is skipped (GH-88821).
        assert_eq!(sugg("foo", &["foo"]), None);
        // First at the minimal distance wins.
        assert_eq!(sugg("abcd", &["abcde", "abcdf"]).as_deref(), Some("abcde"));
        // Short names get a small budget: one insertion is already too much for `ab`.
        assert_eq!(sugg("ab", &["abc"]), None);
    }

    #[test]
    fn too_many_candidates_or_too_long_name_give_nothing() {
        let many: Vec<String> = (0..=MAX_CANDIDATE_ITEMS).map(|i| format!("n{i}")).collect();
        let mut with_match = many.clone();
        with_match[0] = "total".into();
        assert_eq!(suggest("totl", with_match.iter().map(String::as_str)), None);
        assert_eq!(
            suggest("totl", with_match[..10].iter().map(String::as_str)).map(|s| s.name),
            Some("total".into())
        );
        let long = "a".repeat(MAX_STRING_SIZE + 1);
        let cand = format!("{long}b");
        assert_eq!(sugg(&long, &[cand.as_str()]), None);
    }
}
